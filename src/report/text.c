// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The report for a terminal. Every string from the stream (names, paths,
 * argv, addresses) is escaped as the monitor's text output escapes it
 * (output/escape.h): nothing in a file name can move the cursor or forge a
 * line of the report.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "output/escape.h"
#include "report/internal.h"

#define TL_ROWS 30  /* timeline rows at most: buckets are grouped past that */

static void esc(FILE *f, const char *s)
{
	char storage[512];
	struct out_buf ob;

	ob_init(&ob, storage, sizeof(storage));
	esc_value(&ob, s, ESC_TEXT_SEP);
	fwrite(ob.b, 1, ob.len, f);
	ob_free(&ob);
}

static void more(FILE *f, const char *indent, const struct shown *s, const char *what)
{
	if (!s->more_ents)
		return;
	fprintf(f, "%s... %llu more %s (%llu)", indent, (unsigned long long)s->more_ents, what,
		(unsigned long long)s->more_n);
	if (s->folded_n)
		fprintf(f, ", %llu of them in entries no longer kept (the list was full)",
			(unsigned long long)s->folded_n);
	fputc('\n', f);
}

static void header(const struct report *r, FILE *f)
{
	const struct report_counts *n = &r->cnt;
	char a[32], b[32];

	utc_str(r->first_ns, a, sizeof(a));
	utc_str(r->last_ns, b, sizeof(b));
	fprintf(f, "cactus report: %zu containers, %llu events, %s .. %s\n", r->n,
		(unsigned long long)n->events, a, b);
	fprintf(f, "lines: %llu read: %llu events (%llu alert lines), %llu container_start, "
		"%llu container_end, %llu gap, %llu alert_repeat\n",
		(unsigned long long)n->lines, (unsigned long long)n->events,
		(unsigned long long)n->alert_lines, (unsigned long long)n->starts,
		(unsigned long long)n->ends, (unsigned long long)n->gaps,
		(unsigned long long)n->repeats);
	fprintf(f, "skipped: %llu lines not JSON, %llu of an unknown type, %llu blank\n",
		(unsigned long long)n->not_json, (unsigned long long)n->unknown,
		(unsigned long long)n->empty);
	if (n->no_time || n->oom)
		fprintf(f, "note: %llu events without a time (not in the timelines), %llu entries "
			"not kept (out of memory)\n", (unsigned long long)n->no_time,
			(unsigned long long)n->oom);
	fprintf(f, "lists: the top %zu entries each, %zu files per directory, by count; "
		"\"more\" counts the rest\n", r->opts->top, r->opts->top_files);
}

static void ctr_head(const struct rctr *c, FILE *f)
{
	char a[32], b[32];

	fputs("\n== ", f);
	esc(f, ctr_label(c));
	fputs("  id ", f);
	esc(f, *c->id ? c->id : "-");
	fputs("\n   image ", f);
	esc(f, c->image ? c->image : "-");
	fputs("  runtime ", f);
	esc(f, c->runtime ? c->runtime : "-");
	fputs("  k8s ", f);
	if (c->k8s_pod && *c->k8s_pod) {
		esc(f, c->k8s_ns ? c->k8s_ns : "");
		fputc('/', f);
		esc(f, c->k8s_pod);
	} else {
		fputc('-', f);
	}
	utc_str(c->first_ns, a, sizeof(a));
	utc_str(c->last_ns, b, sizeof(b));
	fprintf(f, "\n   seen %s .. %s", a, b);
	if (c->ended && *c->end.exit_signal)
		fprintf(f, ", ended by %s", c->end.exit_signal);
	else if (c->ended && c->end.exit_code >= 0)
		fprintf(f, ", ended: exit code %d", c->end.exit_code);
	else if (c->ended)
		fputs(", ended", f);
	fprintf(f, "\n   events %llu, alerts %llu, lost %llu (gap records)",
		(unsigned long long)c->events, (unsigned long long)c->alerts,
		(unsigned long long)c->lost);
	if (c->ended)
		fprintf(f, "; the monitor counted %llu events, %llu drops, %llu alerts, %llu kills, "
			"%llu denies", (unsigned long long)c->end.events,
			(unsigned long long)c->end.drops, (unsigned long long)c->end.alerts,
			(unsigned long long)c->end.kills, (unsigned long long)c->end.denies);
	if (c->setup_events)
		fprintf(f, "\n   %llu events of the runtime's set-up (phase init): counted, not in "
			"the lists", (unsigned long long)c->setup_events);
	fputc('\n', f);
}

static void categories(const struct rctr *c, FILE *f)
{
	fputs("   categories:\n", f);
	for (int s = 0; s < TL_SERIES; s++) {
		if (s < CAT_COUNT || c->cat[s])
			fprintf(f, "     %-20s %llu\n", timeline_series_name(s),
				(unsigned long long)c->cat[s]);
	}
}

static void timeline(const struct rctr *c, FILE *f)
{
	const struct timeline *t = &c->tl;
	uint32_t g = (t->n + TL_ROWS - 1) / TL_ROWS;
	char when[32];

	if (!t->n)
		return;
	fprintf(f, "   timeline: events/s by category, %u s buckets", t->width);
	if (g > 1)
		fprintf(f, " (a row is %u buckets: %u s)", g, g * t->width);
	fputs("\n     time (UTC)           ", f);
	for (int s = 0; s < TL_SERIES; s++) {
		if (c->cat[s])
			fprintf(f, " %9s", s < CAT_COUNT ? cactus_category_short(s) : "unknown");
	}
	fputc('\n', f);
	for (uint32_t i = 0; i < t->n; i += g) {
		utc_str((t->base + (int64_t)i * t->width) * 1000000000LL, when, sizeof(when));
		fprintf(f, "     %-20s ", when);
		for (int s = 0; s < TL_SERIES; s++) {
			uint64_t sum = 0;

			if (!c->cat[s])
				continue;
			for (uint32_t j = i; j < i + g && j < t->n; j++)
				sum += t->b[j][s];
			fprintf(f, " %9.2f", (double)sum / ((double)g * t->width));
		}
		fputc('\n', f);
	}
}

static void argv_list(FILE *f, const struct tally_ent *e, int from)
{
	int n = tally_nparts(e);

	fputc('[', f);
	for (int i = from; i < n; i++) {
		if (i > from)
			fputc(' ', f);
		esc(f, tally_part(e, i));
	}
	fputc(']', f);
}

static void programs(const struct report *r, const struct rctr *c, FILE *f)
{
	struct shown s;

	shown_make(&s, &c->programs, r->opts->top);
	fprintf(f, "   programs executed: %llu execs, %zu programs\n",
		(unsigned long long)c->programs.total, (size_t)(s.n + c->programs.folded_ents));
	for (size_t i = 0; i < s.shown; i++) {
		const struct tally_ent *e = s.e[i];
		int na = atoi(tally_part(e, 1));

		fprintf(f, "     %6llu  ", (unsigned long long)e->n);
		esc(f, tally_part(e, 0));
		fputc(' ', f);
		argv_list(f, e, 2 + na);
		if (na) {
			fputs("  from", f);
			for (int k = 0; k < na; k++) {
				fputs(k ? " < " : " ", f);
				esc(f, tally_part(e, 2 + k));
			}
		}
		fputc('\n', f);
	}
	more(f, "     ", &s, "programs");
	shown_free(&s);
}

static void actions(FILE *f, const uint64_t *sub)
{
	bool first = true;

	for (int a = 0; a < FA_COUNT; a++) {
		if (!sub[a])
			continue;
		fprintf(f, "%s%s %llu", first ? "" : ", ", file_act_name(a),
			(unsigned long long)sub[a]);
		first = false;
	}
}

static void dir_files(const struct report *r, const struct tally_ent *d,
		      struct tally_ent **files, size_t nfiles, FILE *f)
{
	size_t lo, hi, shown;
	uint64_t listed = 0;

	view_dir_files(files, nfiles, d->key, &lo, &hi);
	shown = hi - lo < r->opts->top_files ? hi - lo : r->opts->top_files;
	for (size_t i = lo; i < lo + shown; i++) {
		fprintf(f, "         %6llu  ", (unsigned long long)files[i]->n);
		esc(f, tally_part(files[i], 1));
		fputs("  ", f);
		actions(f, files[i]->sub);
		fputc('\n', f);
		listed += files[i]->n;
	}
	if (d->n > listed && hi - lo > shown)
		fprintf(f, "         ... %zu more files (%llu)\n", hi - lo - shown,
			(unsigned long long)(d->n - listed));
	else if (d->n > listed)
		fprintf(f, "         ... %llu in files no longer kept (the list was full)\n",
			(unsigned long long)(d->n - listed));
}

static void files(const struct report *r, const struct rctr *c, FILE *f)
{
	struct tally_ent **byd = view_files_by_dir(&c->files);
	uint64_t tot[FA_COUNT];
	struct shown s;

	shown_make(&s, &c->dirs, r->opts->top);
	for (int a = 0; a < FA_COUNT; a++) {
		tot[a] = c->dirs.folded_sub[a];
		for (uint32_t i = 0; i < c->dirs.n; i++)
			tot[a] += c->dirs.e[i].sub[a];
	}
	fprintf(f, "   files touched: %llu", (unsigned long long)c->dirs.total);
	if (c->dirs.total) {
		fputs(" (", f);
		actions(f, tot);
		fputs("), by directory:", f);
	}
	fputc('\n', f);
	for (size_t i = 0; i < s.shown; i++) {
		fprintf(f, "     %6llu  ", (unsigned long long)s.e[i]->n);
		esc(f, s.e[i]->key);
		fputs("  ", f);
		actions(f, s.e[i]->sub);
		fputc('\n', f);
		dir_files(r, s.e[i], byd, byd ? c->files.n : 0, f);
	}
	more(f, "     ", &s, "directories");
	shown_free(&s);
	free(byd);
}

static void endpoint(FILE *f, const struct tally_ent *e)
{
	const char *fam = tally_part(e, 0), *addr = tally_part(e, 1);

	fputs(fam, f);
	fputc(' ', f);
	if (!strcmp(fam, "AF_INET6"))
		fputc('[', f);
	esc(f, addr);
	if (!strcmp(fam, "AF_INET6"))
		fputc(']', f);
	if (strcmp(fam, "AF_UNIX"))
		fprintf(f, ":%s", tally_part(e, 2));
}

static void network(const struct report *r, const struct rctr *c, const struct peers *p,
		    FILE *f)
{
	struct shown s;

	shown_make(&s, &c->listen, r->opts->top);
	fprintf(f, "   listening (bind, listen):\n");
	for (size_t i = 0; i < s.shown; i++) {
		fprintf(f, "     %6llu  ", (unsigned long long)s.e[i]->n);
		endpoint(f, s.e[i]);
		fprintf(f, "  listen %llu\n", (unsigned long long)s.e[i]->sub[SUB_LISTEN]);
	}
	more(f, "     ", &s, "addresses");
	if (c->listens_unbound)
		fprintf(f, "     %llu listen() on a socket whose bind was not seen\n",
			(unsigned long long)c->listens_unbound);
	shown_free(&s);
	shown_make(&s, &c->endpoints, r->opts->top);
	fprintf(f, "   outbound (connect): %llu\n", (unsigned long long)c->endpoints.total);
	for (size_t i = 0; i < s.shown; i++) {
		const char *how;
		const struct rctr *peer = peers_name(p, c, s.e[i], &how);

		fprintf(f, "     %6llu  ", (unsigned long long)s.e[i]->n);
		endpoint(f, s.e[i]);
		if (s.e[i]->sub[SUB_FAILED])
			fprintf(f, "  failed %llu", (unsigned long long)s.e[i]->sub[SUB_FAILED]);
		if (peer) {
			fputs("  -> ", f);
			esc(f, ctr_label(peer));
			fprintf(f, " (%s)", how);
		}
		fputc('\n', f);
	}
	more(f, "     ", &s, "endpoints");
	shown_free(&s);
}

static void signals(const struct report *r, const struct rctr *c, FILE *f)
{
	struct shown s;

	shown_make(&s, &c->signals, r->opts->top);
	fprintf(f, "   signals sent: %llu\n", (unsigned long long)c->signals.total);
	for (size_t i = 0; i < s.shown; i++) {
		fprintf(f, "     %6llu  ", (unsigned long long)s.e[i]->n);
		esc(f, tally_part(s.e[i], 0));
		fputs(" -> ", f);
		if (*tally_part(s.e[i], 1))
			esc(f, tally_part(s.e[i], 1));
		else
			fprintf(f, "pid %s", tally_part(s.e[i], 2));
		fputc('\n', f);
	}
	more(f, "     ", &s, "signals");
	shown_free(&s);
}

static void alerts(const struct report *r, const struct rctr *c, FILE *f)
{
	struct shown s;

	shown_make(&s, &c->alerts_by_rule, r->opts->top);
	fprintf(f, "   alerts: %llu\n", (unsigned long long)c->alerts);
	for (size_t i = 0; i < s.shown; i++) {
		fprintf(f, "     %6llu  ", (unsigned long long)s.e[i]->n);
		esc(f, tally_part(s.e[i], 0));
		fputs("  ", f);
		esc(f, tally_part(s.e[i], 1));
		fputs("  ", f);
		esc(f, tally_part(s.e[i], 2));
		fputc('\n', f);
	}
	more(f, "     ", &s, "rules");
	shown_free(&s);
}

static void interactions(const struct report *r, const struct edge *e, ssize_t n, FILE *f)
{
	ssize_t shown = n < (ssize_t)r->opts->top ? n : (ssize_t)r->opts->top;
	uint64_t rest = 0;

	fprintf(f, "\n== container to container: %zd pairs (connects that reached a named peer)\n",
		n);
	for (ssize_t i = shown; i < n; i++)
		rest += e[i].n;
	for (ssize_t i = 0; i < shown; i++) {
		fprintf(f, "     %6llu  ", (unsigned long long)e[i].n);
		esc(f, ctr_label(e[i].from));
		fputs(" -> ", f);
		esc(f, ctr_label(e[i].to));
		fputc('\n', f);
	}
	if (n > shown)
		fprintf(f, "     ... %zd more pairs (%llu)\n", n - shown, (unsigned long long)rest);
}

int report_text(const struct report *r, FILE *f)
{
	struct rctr **v = view_containers(r);
	struct peers *p = peers_new(r);
	struct edge *edges = NULL;
	ssize_t ne = p ? peers_edges(r, p, &edges) : -ENOMEM;

	if (!v || ne < 0) {
		free(v);
		peers_free(p);
		return -ENOMEM;
	}
	header(r, f);
	for (size_t i = 0; i < r->n; i++) {
		ctr_head(v[i], f);
		categories(v[i], f);
		timeline(v[i], f);
		programs(r, v[i], f);
		files(r, v[i], f);
		network(r, v[i], p, f);
		signals(r, v[i], f);
		alerts(r, v[i], f);
	}
	interactions(r, edges, ne, f);
	free(edges);
	free(v);
	peers_free(p);
	return 0;
}
