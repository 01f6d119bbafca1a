// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The report as one JSON document, for programs (README "cactus report"):
 * {"report":{...the stream...},"containers":[...],"interactions":[...]}.
 * Built with json-c one container at a time and written out, so the
 * document is never whole in memory.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "report/internal.h"

#define JFLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

static void put(struct json_object *o, const char *k, struct json_object *v)
{
	json_object_object_add(o, k, v);
}

static struct json_object *jstr(const char *s)
{
	return json_object_new_string(s ? s : "");
}

static struct json_object *jnum(uint64_t n)
{
	return json_object_new_int64((int64_t)n);
}

static struct json_object *jtime(int64_t ns)
{
	char b[32];

	if (!ns)
		return NULL;
	utc_str(ns, b, sizeof(b));
	return json_object_new_string(b);
}

/* {"entries":N,"count":N,"folded":N}: what a list does not show */
static struct json_object *jmore(const struct shown *s)
{
	struct json_object *m = json_object_new_object();

	put(m, "entries", jnum(s->more_ents));
	put(m, "count", jnum(s->more_n));
	put(m, "folded", jnum(s->folded_n));
	return m;
}

static struct json_object *jlist(struct json_object *items, const struct shown *s,
				 uint64_t total)
{
	struct json_object *o = json_object_new_object();

	put(o, "total", jnum(total));
	put(o, "items", items);
	put(o, "more", jmore(s));
	return o;
}

static struct json_object *jactions(const uint64_t *sub)
{
	struct json_object *o = json_object_new_object();

	for (int a = 0; a < FA_COUNT; a++)
		put(o, file_act_name(a), jnum(sub[a]));
	return o;
}

static struct json_object *jparts(const struct tally_ent *e, int from, int to)
{
	struct json_object *a = json_object_new_array();

	for (int i = from; i < to; i++)
		json_object_array_add(a, jstr(tally_part(e, i)));
	return a;
}

static struct json_object *jtimeline(const struct rctr *c)
{
	const struct timeline *t = &c->tl;
	struct json_object *o = json_object_new_object(), *series = json_object_new_object();

	put(o, "start", jtime(t->n ? (t->base * 1000000000LL) : 0));
	put(o, "bucket_s", jnum(t->width));
	put(o, "buckets", jnum(t->n));
	for (int s = 0; s < TL_SERIES; s++) {
		struct json_object *a;

		if (!c->cat[s])
			continue;
		a = json_object_new_array_ext((int)t->n);
		for (uint32_t i = 0; i < t->n; i++)
			json_object_array_add(a, jnum(t->b[i][s]));
		put(series, timeline_series_name(s), a);
	}
	put(o, "series", series);
	return o;
}

static struct json_object *jprograms(const struct report *r, const struct rctr *c)
{
	struct json_object *items = json_object_new_array(), *o;
	struct shown s;

	shown_make(&s, &c->programs, r->opts->top);
	for (size_t i = 0; i < s.shown; i++) {
		const struct tally_ent *e = s.e[i];
		int na = atoi(tally_part(e, 1));

		o = json_object_new_object();
		put(o, "exe", jstr(tally_part(e, 0)));
		put(o, "argv", jparts(e, 2 + na, tally_nparts(e)));
		put(o, "ancestry", jparts(e, 2, 2 + na));
		put(o, "count", jnum(e->n));
		json_object_array_add(items, o);
	}
	o = jlist(items, &s, c->programs.total);
	shown_free(&s);
	return o;
}

static struct json_object *jdir_files(const struct report *r, const struct tally_ent *d,
				      struct tally_ent **files, size_t nfiles)
{
	struct json_object *items = json_object_new_array(), *o, *m;
	size_t lo, hi, shown;
	uint64_t listed = 0;

	view_dir_files(files, nfiles, d->key, &lo, &hi);
	shown = hi - lo < r->opts->top_files ? hi - lo : r->opts->top_files;
	for (size_t i = lo; i < lo + shown; i++) {
		o = json_object_new_object();
		put(o, "name", jstr(tally_part(files[i], 1)));
		put(o, "count", jnum(files[i]->n));
		put(o, "actions", jactions(files[i]->sub));
		json_object_array_add(items, o);
		listed += files[i]->n;
	}
	o = json_object_new_object();
	put(o, "items", items);
	m = json_object_new_object();
	put(m, "entries", jnum(hi - lo - shown));
	put(m, "count", jnum(d->n > listed ? d->n - listed : 0));
	put(o, "more", m);
	return o;
}

static struct json_object *jfiles(const struct report *r, const struct rctr *c)
{
	struct tally_ent **byd = view_files_by_dir(&c->files);
	struct json_object *items = json_object_new_array(), *o;
	uint64_t tot[FA_COUNT];
	struct shown s;

	shown_make(&s, &c->dirs, r->opts->top);
	for (size_t i = 0; i < s.shown; i++) {
		o = json_object_new_object();
		put(o, "dir", jstr(s.e[i]->key));
		put(o, "count", jnum(s.e[i]->n));
		put(o, "actions", jactions(s.e[i]->sub));
		put(o, "files", jdir_files(r, s.e[i], byd, byd ? c->files.n : 0));
		json_object_array_add(items, o);
	}
	for (int a = 0; a < FA_COUNT; a++) {
		tot[a] = c->dirs.folded_sub[a];
		for (uint32_t i = 0; i < c->dirs.n; i++)
			tot[a] += c->dirs.e[i].sub[a];
	}
	o = jlist(items, &s, c->dirs.total);
	put(o, "actions", jactions(tot));
	shown_free(&s);
	free(byd);
	return o;
}

static void jendpoint(struct json_object *o, const struct tally_ent *e)
{
	const char *fam = tally_part(e, 0);

	put(o, "family", jstr(fam));
	put(o, "addr", jstr(tally_part(e, 1)));
	put(o, "port", strcmp(fam, "AF_UNIX") ? json_object_new_int(atoi(tally_part(e, 2)))
					      : NULL);
}

static struct json_object *jlisten(const struct report *r, const struct rctr *c)
{
	struct json_object *items = json_object_new_array(), *o;
	struct shown s;

	shown_make(&s, &c->listen, r->opts->top);
	for (size_t i = 0; i < s.shown; i++) {
		o = json_object_new_object();
		jendpoint(o, s.e[i]);
		put(o, "binds", jnum(s.e[i]->n));
		put(o, "listens", jnum(s.e[i]->sub[SUB_LISTEN]));
		json_object_array_add(items, o);
	}
	o = jlist(items, &s, c->listen.total);
	put(o, "listens_unbound", jnum(c->listens_unbound));
	shown_free(&s);
	return o;
}

static struct json_object *jpeer(const struct rctr *peer, const char *how)
{
	struct json_object *o;

	if (!peer)
		return NULL;
	o = json_object_new_object();
	put(o, "id", jstr(peer->id));
	put(o, "name", jstr(peer->name));
	put(o, "how", jstr(how));
	return o;
}

static struct json_object *joutbound(const struct report *r, const struct rctr *c,
				     const struct peers *p)
{
	struct json_object *items = json_object_new_array(), *o;
	struct shown s;

	shown_make(&s, &c->endpoints, r->opts->top);
	for (size_t i = 0; i < s.shown; i++) {
		const char *how;
		const struct rctr *peer = peers_name(p, c, s.e[i], &how);

		o = json_object_new_object();
		jendpoint(o, s.e[i]);
		put(o, "count", jnum(s.e[i]->n));
		put(o, "failed", jnum(s.e[i]->sub[SUB_FAILED]));
		put(o, "peer", jpeer(peer, how));
		json_object_array_add(items, o);
	}
	o = jlist(items, &s, c->endpoints.total);
	shown_free(&s);
	return o;
}

static struct json_object *jsignals(const struct report *r, const struct rctr *c)
{
	struct json_object *items = json_object_new_array(), *o;
	struct shown s;

	shown_make(&s, &c->signals, r->opts->top);
	for (size_t i = 0; i < s.shown; i++) {
		o = json_object_new_object();
		put(o, "signal", jstr(tally_part(s.e[i], 0)));
		put(o, "target", *tally_part(s.e[i], 1) ? jstr(tally_part(s.e[i], 1)) : NULL);
		put(o, "target_pid", *tally_part(s.e[i], 2) ?
			json_object_new_int64(atoll(tally_part(s.e[i], 2))) : NULL);
		put(o, "count", jnum(s.e[i]->n));
		json_object_array_add(items, o);
	}
	o = jlist(items, &s, c->signals.total);
	shown_free(&s);
	return o;
}

static struct json_object *jalerts(const struct report *r, const struct rctr *c)
{
	struct json_object *items = json_object_new_array(), *o;
	struct shown s;

	shown_make(&s, &c->alerts_by_rule, r->opts->top);
	for (size_t i = 0; i < s.shown; i++) {
		o = json_object_new_object();
		put(o, "rule", jstr(tally_part(s.e[i], 0)));
		put(o, "priority", jstr(tally_part(s.e[i], 1)));
		put(o, "outcome", jstr(tally_part(s.e[i], 2)));
		put(o, "count", jnum(s.e[i]->n));
		json_object_array_add(items, o);
	}
	o = jlist(items, &s, c->alerts);
	shown_free(&s);
	return o;
}

static struct json_object *jend(const struct rctr *c)
{
	struct json_object *o;

	if (!c->ended)
		return NULL;
	o = json_object_new_object();
	put(o, "exit_code", c->end.exit_code >= 0 ? json_object_new_int(c->end.exit_code) : NULL);
	put(o, "exit_signal", *c->end.exit_signal ? jstr(c->end.exit_signal) : NULL);
	put(o, "events", jnum(c->end.events));
	put(o, "drops", jnum(c->end.drops));
	put(o, "alerts", jnum(c->end.alerts));
	put(o, "kills", jnum(c->end.kills));
	put(o, "denies", jnum(c->end.denies));
	return o;
}

static struct json_object *jcontainer(const struct report *r, const struct rctr *c,
				      const struct peers *p)
{
	struct json_object *o = json_object_new_object(), *cats = json_object_new_object();

	put(o, "id", jstr(c->id));
	put(o, "name", jstr(c->name));
	put(o, "image", jstr(c->image));
	put(o, "runtime", jstr(c->runtime));
	put(o, "k8s_namespace", jstr(c->k8s_ns));
	put(o, "k8s_pod", jstr(c->k8s_pod));
	put(o, "k8s_pod_uid", jstr(c->k8s_pod_uid));
	put(o, "first", jtime(c->first_ns));
	put(o, "last", jtime(c->last_ns));
	put(o, "events", jnum(c->events));
	put(o, "setup_events", jnum(c->setup_events));
	put(o, "alerts", jnum(c->alerts));
	put(o, "lost", jnum(c->lost));
	put(o, "started", json_object_new_boolean(c->started));
	put(o, "end", jend(c));
	for (int s = 0; s < TL_SERIES; s++) {
		if (s < CAT_COUNT || c->cat[s])
			put(cats, timeline_series_name(s), jnum(c->cat[s]));
	}
	put(o, "categories", cats);
	put(o, "timeline", jtimeline(c));
	put(o, "programs", jprograms(r, c));
	put(o, "files", jfiles(r, c));
	put(o, "listening", jlisten(r, c));
	put(o, "outbound", joutbound(r, c, p));
	put(o, "signals", jsignals(r, c));
	put(o, "alerts_by_rule", jalerts(r, c));
	return o;
}

static struct json_object *jhead(const struct report *r)
{
	const struct report_counts *n = &r->cnt;
	struct json_object *o = json_object_new_object(), *m = json_object_new_object();

	put(o, "containers", jnum(r->n));
	put(o, "lines", jnum(n->lines));
	put(o, "events", jnum(n->events));
	put(o, "alert_lines", jnum(n->alert_lines));
	put(m, "container_start", jnum(n->starts));
	put(m, "container_end", jnum(n->ends));
	put(m, "gap", jnum(n->gaps));
	put(m, "alert_repeat", jnum(n->repeats));
	put(o, "records", m);
	m = json_object_new_object();
	put(m, "not_json", jnum(n->not_json));
	put(m, "unknown_type", jnum(n->unknown));
	put(m, "blank", jnum(n->empty));
	put(o, "skipped", m);
	put(o, "events_without_time", jnum(n->no_time));
	put(o, "not_kept_oom", jnum(n->oom));
	put(o, "first", jtime(r->first_ns));
	put(o, "last", jtime(r->last_ns));
	m = json_object_new_object();
	put(m, "top", jnum(r->opts->top));
	put(m, "files_per_dir", jnum(r->opts->top_files));
	put(m, "timeline_buckets", jnum(TL_MAX_BUCKETS));
	put(o, "caps", m);
	return o;
}

static int write_obj(FILE *f, struct json_object *o)
{
	const char *s;

	if (!o)
		return -ENOMEM;
	s = json_object_to_json_string_ext(o, JFLAGS);
	if (s)
		fputs(s, f);
	json_object_put(o);
	return s ? 0 : -ENOMEM;
}

static struct json_object *jedges(const struct edge *e, ssize_t n)
{
	struct json_object *a = json_object_new_array(), *o;

	for (ssize_t i = 0; i < n; i++) {
		o = json_object_new_object();
		put(o, "from", jstr(e[i].from->id));
		put(o, "from_name", jstr(e[i].from->name));
		put(o, "to", jstr(e[i].to->id));
		put(o, "to_name", jstr(e[i].to->name));
		put(o, "count", jnum(e[i].n));
		json_object_array_add(a, o);
	}
	return a;
}

int report_json(const struct report *r, FILE *f)
{
	struct rctr **v = view_containers(r);
	struct peers *p = peers_new(r);
	struct edge *edges = NULL;
	ssize_t ne = p ? peers_edges(r, p, &edges) : -ENOMEM;
	int err = 0;

	if (!v || ne < 0) {
		err = -ENOMEM;
		goto out;
	}
	fputs("{\"report\":", f);
	err = write_obj(f, jhead(r));
	fputs(",\"containers\":[", f);
	for (size_t i = 0; i < r->n && !err; i++) {
		if (i)
			fputc(',', f);
		err = write_obj(f, jcontainer(r, v[i], p));
	}
	fputs("],\"interactions\":", f);
	if (!err)
		err = write_obj(f, jedges(edges, ne));
	fputs("}\n", f);
out:
	free(edges);
	free(v);
	peers_free(p);
	return err;
}
