// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Reading the stream: one JSON Lines record at a time (json-c), into the
 * container it names. Per line:
 *   parse (else: not JSON, counted) -> "type"? a lifecycle, gap or
 *   alert_repeat record -> else an event: its container, the same event's
 *   second line (one line per rule it matched)? its alert only -> the
 *   category count and timeline -> the runtime's set-up (phase init)?
 *   counted, no more -> by its activity: files, programs, binds, listens,
 *   connects, signals.
 * Nothing here holds a line after it is read.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "report/internal.h"

struct report *report__new(const struct report_opts *opts)
{
	struct report *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->opts = opts;
	r->tok = json_tokener_new();
	if (!r->tok) {
		free(r);
		return NULL;
	}
	return r;
}

static void ctr_free(struct rctr *c)
{
	free(c->id);
	free(c->name);
	free(c->image);
	free(c->runtime);
	free(c->k8s_ns);
	free(c->k8s_pod);
	free(c->k8s_pod_uid);
	timeline_free(&c->tl);
	tally_free(&c->programs);
	tally_free(&c->dirs);
	tally_free(&c->files);
	tally_free(&c->listen);
	tally_free(&c->endpoints);
	tally_free(&c->signals);
	tally_free(&c->alerts_by_rule);
	free(c);
}

void report__free(struct report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++)
		ctr_free(r->c[i]);
	free(r->c);
	free(r->index);
	json_tokener_free(r->tok);
	free(r);
}

const struct report_counts *report__counts(const struct report *r)
{
	return &r->cnt;
}

/* ---- reading a record's fields ---- */

static const char *jstr(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static bool jint(struct json_object *o, const char *key, int64_t *out)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
		return false;
	*out = json_object_get_int64(v);
	return true;
}

static int64_t jint_or(struct json_object *o, const char *key, int64_t dflt)
{
	int64_t v;

	return jint(o, key, &v) ? v : dflt;
}

/* days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil) */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static bool digits(const char *s, int n, unsigned *out)
{
	unsigned v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*out = v;
	return true;
}

/* "YYYY-MM-DDTHH:MM:SS[.frac]Z", as the monitor writes it: UTC ns. */
static bool parse_time(const char *s, int64_t *ns)
{
	unsigned y, mo, d, h, mi, sec, frac = 0;
	int k = 0;

	if (!s || strlen(s) < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' ||
	    s[13] != ':' || s[16] != ':')
		return false;
	if (!digits(s, 4, &y) || !digits(s + 5, 2, &mo) || !digits(s + 8, 2, &d) ||
	    !digits(s + 11, 2, &h) || !digits(s + 14, 2, &mi) || !digits(s + 17, 2, &sec) ||
	    mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return false;
	s += 19;
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++, k++) {
			if (k < 9)
				frac = frac * 10 + (unsigned)(*s - '0');
		}
		for (; k < 9; k++)
			frac *= 10;
	}
	if (*s != 'Z')
		return false;
	*ns = ((days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec) * 1000000000LL) +
	      frac;
	return true;
}

/* ---- containers ---- */

static uint32_t hash_str(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static int index_grow(struct report *r)
{
	size_t n = r->nindex ? r->nindex * 2 : 64;
	uint32_t *ix = calloc(n, sizeof(*ix));

	if (!ix)
		return -ENOMEM;
	for (size_t i = 0; i < r->n; i++) {
		size_t j = hash_str(r->c[i]->id) & (n - 1);

		while (ix[j])
			j = (j + 1) & (n - 1);
		ix[j] = (uint32_t)i + 1;
	}
	free(r->index);
	r->index = ix;
	r->nindex = n;
	return 0;
}

/* A directory folded: its files' key starts with its own (dir + '\0'). */
static void fold_dir_files(const struct tally_ent *dir, void *files)
{
	tally_fold_prefix(files, dir->key, dir->len);
}

static struct rctr *ctr_new(const char *id)
{
	struct rctr *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->id = strdup(id);
	if (!c->id) {
		free(c);
		return NULL;
	}
	snprintf(c->id12, sizeof(c->id12), "%s", id);
	c->end.exit_code = -1;
	tally_init(&c->programs, KEEP_PROGRAMS);
	tally_init(&c->dirs, KEEP_DIRS);
	tally_init(&c->files, KEEP_FILES);
	/* a directory's files go with it: what a directory lists never
	 * outcounts it */
	c->dirs.on_fold = fold_dir_files;
	c->dirs.fold_ctx = &c->files;
	tally_init(&c->listen, KEEP_NET);
	tally_init(&c->endpoints, KEEP_NET);
	tally_init(&c->signals, KEEP_SIGNALS);
	tally_init(&c->alerts_by_rule, KEEP_ALERTS);
	for (int i = 0; i < PID_NAMES; i++)
		c->pids[i].pid = -1;
	return c;
}

/* The container of @id, made at its first record; NULL on no memory. */
static struct rctr *ctr_get(struct report *r, const char *id)
{
	size_t j;
	struct rctr *c, **v;

	if ((r->n + 1) * 2 > r->nindex && index_grow(r))
		return NULL;
	for (j = hash_str(id) & (r->nindex - 1); r->index[j]; j = (j + 1) & (r->nindex - 1)) {
		c = r->c[r->index[j] - 1];
		if (!strcmp(c->id, id))
			return c;
	}
	if (r->n == r->alloc) {
		size_t alloc = r->alloc ? r->alloc * 2 : 64;

		v = realloc(r->c, alloc * sizeof(*v));
		if (!v)
			return NULL;
		r->c = v;
		r->alloc = alloc;
	}
	c = ctr_new(id);
	if (!c)
		return NULL;
	c->seq = r->n;
	r->c[r->n] = c;
	r->index[j] = (uint32_t)++r->n;
	return c;
}

/* A metadata string: the latest non-empty value wins (sources fill in). */
static void meta_set(char **dst, const char *v)
{
	char *s;

	if (!v || !*v || (*dst && !strcmp(*dst, v)))
		return;
	s = strdup(v);
	if (!s)
		return;
	free(*dst);
	*dst = s;
}

static struct rctr *ctr_of(struct report *r, struct json_object *o)
{
	const char *id = jstr(o, "container_id");
	struct rctr *c = ctr_get(r, id ? id : "");

	if (!c)
		return NULL;
	meta_set(&c->name, jstr(o, "container_name"));
	meta_set(&c->image, jstr(o, "image"));
	meta_set(&c->runtime, jstr(o, "runtime"));
	meta_set(&c->k8s_ns, jstr(o, "k8s_namespace"));
	meta_set(&c->k8s_pod, jstr(o, "k8s_pod"));
	meta_set(&c->k8s_pod_uid, jstr(o, "k8s_pod_uid"));
	return c;
}

static void seen_at(struct report *r, struct rctr *c, int64_t ns)
{
	if (!c->first_ns || ns < c->first_ns)
		c->first_ns = ns;
	if (ns > c->last_ns)
		c->last_ns = ns;
	if (!r->first_ns || ns < r->first_ns)
		r->first_ns = ns;
	if (ns > r->last_ns)
		r->last_ns = ns;
}

/* ---- what an event did ---- */

static void count_key(struct report *r, struct tally *t, const struct key *k, int sub,
		      uint64_t sub_n)
{
	struct tally_ent *e = tally_add(t, k->b, k->len, 1);

	if (!e)
		r->cnt.oom++;
	if (sub >= 0)
		tally_sub(t, e, sub, sub_n);
}

/* README "cactus report": the file-action mapping. -1: not one of them. */
static int file_action(const char *activity, const char *flags)
{
	static const struct {
		const char *activity;
		enum file_act act;
	} map[] = {
		{ "File Read", FA_READ },
		{ "File Read Link", FA_READ },
		{ "File Write", FA_WRITE },
		{ "File Truncate", FA_WRITE },
		{ "File Create", FA_WRITE }, /* creat(2): O_CREAT|O_WRONLY|O_TRUNC */
		{ "Directory Create", FA_CREATE },
		{ "Device Node Create", FA_CREATE },
		{ "File Link", FA_CREATE },
		{ "File Symlink", FA_CREATE },
		{ "File Delete", FA_DELETE },
		{ "Directory Remove", FA_DELETE },
		{ "File Rename", FA_RENAME },
		{ "File Permission Change", FA_CHMOD },
		{ "File Owner Change", FA_CHMOD },
	};

	if (!strcmp(activity, "File Open")) {
		if (!flags)
			return FA_READ;
		if (strstr(flags, "O_PATH"))
			return -1; /* names a file, reads nothing */
		/* new for sure; O_CREAT alone may open a file that exists
		 * (a shell's "> file"): a write */
		if ((strstr(flags, "O_CREAT") && strstr(flags, "O_EXCL")) ||
		    strstr(flags, "O_TMPFILE"))
			return FA_CREATE;
		if (strstr(flags, "O_WRONLY") || strstr(flags, "O_RDWR") ||
		    strstr(flags, "O_TRUNC") || strstr(flags, "O_APPEND") ||
		    strstr(flags, "O_CREAT"))
			return FA_WRITE;
		return FA_READ;
	}
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (!strcmp(activity, map[i].activity))
			return map[i].act;
	}
	return -1;
}

static void file_event(struct report *r, struct rctr *c, struct json_object *o,
		       const char *activity)
{
	const char *dir = jstr(o, "dirname"), *file = jstr(o, "filename"), *slash;
	int act = file_action(activity, jstr(o, "flags"));
	char dirbuf[4096];
	struct key k;

	if (act < 0 || jint_or(o, "ret", -1) < 0)
		return;
	/* link(2): the name made is the second path */
	if (!strcmp(activity, "File Link") && jstr(o, "path2")) {
		const char *p2 = jstr(o, "path2");

		slash = strrchr(p2, '/');
		if (slash && (size_t)(slash - p2) < sizeof(dirbuf)) {
			memcpy(dirbuf, p2, (size_t)(slash - p2));
			dirbuf[slash - p2] = 0;
			dir = slash == p2 ? "/" : dirbuf;
			file = slash + 1;
		}
	}
	if (!dir || !file || (!*dir && !*file))
		return;
	key_reset(&k);
	key_add(&k, dir);
	count_key(r, &c->dirs, &k, act, 1);
	key_add(&k, file);
	count_key(r, &c->files, &k, act, 1);
}

/* A process as its ancestry names it: its exe, and its comm when that says
 * more (a multi-call binary: "/bin/busybox (sh)"). */
static void add_proc(struct key *k, const char *exe, const char *comm)
{
	const char *base = exe ? strrchr(exe, '/') : NULL;
	char b[512];

	base = base ? base + 1 : exe;
	if (!exe || !*exe)
		key_add(k, comm ? comm : "?");
	else if (!comm || !*comm || !strcmp(base, comm))
		key_add(k, exe);
	else if (snprintf(b, sizeof(b), "%s (%s)", exe, comm) < (int)sizeof(b))
		key_add(k, b);
	else
		key_add(k, exe);
}

/* exe, the number of ancestors, the ancestry (parent first), argv */
static void exec_event(struct report *r, struct rctr *c, struct json_object *o)
{
	struct json_object *argv, *anc = NULL, *a;
	const char *exe = jstr(o, "exe"), *pexe = jstr(o, "parent_exe"), *pcomm;
	char path[4096], num[16];
	size_t na = 0, nv = 0;
	bool parent;
	struct key k;

	if (jint_or(o, "ret", -1) != 0)
		return;
	if (!exe) {
		snprintf(path, sizeof(path), "%s/%s", jstr(o, "dirname") ? : "",
			 jstr(o, "filename") ? : "");
		exe = path;
	}
	pcomm = jstr(o, "parent_comm");
	parent = pexe || pcomm;
	if (json_object_object_get_ex(o, "ancestors", &anc) &&
	    json_object_is_type(anc, json_type_array))
		na = json_object_array_length(anc);
	key_reset(&k);
	key_add(&k, exe);
	snprintf(num, sizeof(num), "%zu", (size_t)parent + na);
	key_add(&k, num);
	if (parent)
		add_proc(&k, pexe, pcomm);
	for (size_t i = 0; i < na; i++) {
		a = json_object_array_get_idx(anc, i);
		add_proc(&k, jstr(a, "exe"), jstr(a, "comm"));
	}
	if (json_object_object_get_ex(o, "argv", &argv) &&
	    json_object_is_type(argv, json_type_array))
		nv = json_object_array_length(argv);
	for (size_t i = 0; i < nv; i++) {
		a = json_object_array_get_idx(argv, i);
		key_add(&k, json_object_is_type(a, json_type_string) ? json_object_get_string(a)
								     : "");
	}
	count_key(r, &c->programs, &k, -1, 0);
}

static bool net_key(struct json_object *o, struct key *k)
{
	const char *fam = jstr(o, "family"), *addr = jstr(o, "addr");
	char port[16] = "";

	if (!fam || !addr || (strcmp(fam, "AF_INET") && strcmp(fam, "AF_INET6") &&
			      strcmp(fam, "AF_UNIX")))
		return false;
	if (strcmp(fam, "AF_UNIX"))
		snprintf(port, sizeof(port), "%lld", (long long)jint_or(o, "port", 0));
	key_reset(k);
	key_add(k, fam);
	key_add(k, addr);
	key_add(k, port);
	return true;
}

static void bind_event(struct report *r, struct rctr *c, struct json_object *o)
{
	struct recent_bind *b;
	struct key k;

	if (jint_or(o, "ret", -1) != 0 || !net_key(o, &k))
		return;
	count_key(r, &c->listen, &k, -1, 0);
	if (k.len > sizeof(b->key))
		return;
	b = &c->binds[c->next_bind++ % RECENT_BINDS];
	b->host_pid = (int32_t)jint_or(o, "host_pid", -1);
	b->len = (uint32_t)k.len;
	memcpy(b->key, k.b, k.len);
}

/* listen(2) names no address: the last bind of its process is the one. */
static void listen_event(struct rctr *c, struct json_object *o)
{
	int32_t pid = (int32_t)jint_or(o, "host_pid", -1);

	if (jint_or(o, "ret", -1) != 0)
		return;
	for (uint32_t i = 1; i <= RECENT_BINDS && i <= c->next_bind; i++) {
		struct recent_bind *b = &c->binds[(c->next_bind - i) % RECENT_BINDS];
		struct tally_ent *e;

		if (b->host_pid != pid)
			continue;
		e = tally_find(&c->listen, b->key, b->len);
		if (e) {
			e->sub[SUB_LISTEN]++;
			return;
		}
	}
	c->listens_unbound++;
}

static void connect_event(struct report *r, struct rctr *c, struct json_object *o)
{
	int64_t ret = jint_or(o, "ret", -1);
	struct key k;

	if (!net_key(o, &k))
		return;
	/* a non-blocking connect is under way */
	count_key(r, &c->endpoints, &k, SUB_FAILED, ret < 0 && ret != -EINPROGRESS);
}

/* The target by its name when the stream showed that process (a pid means
 * little after the fact), else by its pid (0: the caller's group, -1:
 * every process it may signal). */
static void signal_event(struct report *r, struct rctr *c, struct json_object *o)
{
	const char *sig = jstr(o, "signal");
	const struct pid_name *p;
	int64_t target;
	char num[24];
	struct key k;

	if (!sig || !jint(o, "target_pid", &target))
		return;
	p = target > 0 ? &c->pids[target % PID_NAMES] : NULL;
	key_reset(&k);
	key_add(&k, sig);
	if (p && p->pid == target) {
		key_add(&k, p->comm);
		key_add(&k, "");
	} else {
		snprintf(num, sizeof(num), "%lld", (long long)target);
		key_add(&k, "");
		key_add(&k, num);
	}
	count_key(r, &c->signals, &k, -1, 0);
}

static void alert_event(struct report *r, struct rctr *c, struct json_object *a)
{
	struct key k;

	key_reset(&k);
	key_add(&k, jstr(a, "rule"));
	key_add(&k, jstr(a, "priority"));
	key_add(&k, jstr(a, "outcome"));
	count_key(r, &c->alerts_by_rule, &k, -1, 0);
	c->alerts++;
	r->cnt.alert_lines++;
}

/* The second line of an event that matched two rules: the same time,
 * thread and syscall as the line before, both with an alert. */
static bool same_event(struct report *r, const struct rctr *c, const char *time, int64_t tid,
		       int64_t nr, bool alert)
{
	bool same = alert && r->prev.alert && r->prev.c == c && r->prev.tid == tid &&
		    r->prev.nr == nr && time && !strcmp(r->prev.time, time);

	r->prev.c = c;
	r->prev.tid = tid;
	r->prev.nr = nr;
	r->prev.alert = alert;
	snprintf(r->prev.time, sizeof(r->prev.time), "%s", time ? time : "");
	return same;
}

static void remember_pid(struct rctr *c, struct json_object *o)
{
	int64_t pid = jint_or(o, "pid", 0);
	const char *comm = jstr(o, "comm");
	struct pid_name *p;

	if (pid <= 0 || !comm)
		return;
	p = &c->pids[pid % PID_NAMES];
	p->pid = (int32_t)pid;
	snprintf(p->comm, sizeof(p->comm), "%s", comm);
}

static int event(struct report *r, struct json_object *o)
{
	struct rctr *c = ctr_of(r, o);
	const char *time = jstr(o, "time"), *activity = jstr(o, "activity"), *phase;
	struct json_object *alert = NULL;
	int series;
	int64_t ns;

	if (!c)
		return -ENOMEM;
	if (!json_object_object_get_ex(o, "alert", &alert) ||
	    !json_object_is_type(alert, json_type_object))
		alert = NULL;
	if (same_event(r, c, time, jint_or(o, "host_tid", -1), jint_or(o, "syscall_nr", -1),
		       alert)) {
		alert_event(r, c, alert);
		return 0;
	}
	r->cnt.events++;
	c->events++;
	series = jstr(o, "category") ? cactus_category_parse(jstr(o, "category")) : -1;
	if (series < 0 || series >= CAT_COUNT)
		series = CAT_COUNT;
	c->cat[series]++;
	if (parse_time(time, &ns)) {
		seen_at(r, c, ns);
		if (timeline_add(&c->tl, ns / 1000000000 - (ns % 1000000000 < 0), series))
			r->cnt.oom++;
	} else {
		r->cnt.no_time++;
	}
	if (alert)
		alert_event(r, c, alert);
	remember_pid(c, o);
	phase = jstr(o, "phase");
	if (phase && !strcmp(phase, "init")) {
		c->setup_events++;
		return 0;
	}
	if (!activity)
		return 0;
	if (!strcmp(activity, "Process Create"))
		exec_event(r, c, o);
	else if (!strcmp(activity, "Network Bind"))
		bind_event(r, c, o);
	else if (!strcmp(activity, "Network Listen"))
		listen_event(c, o);
	else if (!strcmp(activity, "Network Connect"))
		connect_event(r, c, o);
	else if (!strcmp(activity, "Signal Send"))
		signal_event(r, c, o);
	else
		file_event(r, c, o, activity);
	return 0;
}

/* ---- the other records ---- */

static void lifecycle(struct report *r, struct rctr *c, struct json_object *o, bool start)
{
	const char *sig;
	int64_t ns;

	if (parse_time(jstr(o, "time"), &ns))
		seen_at(r, c, ns);
	if (start) {
		c->started = true;
		r->cnt.starts++;
		return;
	}
	c->ended = true;
	r->cnt.ends++;
	c->end.exit_code = (int)jint_or(o, "exit_code", -1);
	sig = jstr(o, "exit_signal");
	snprintf(c->end.exit_signal, sizeof(c->end.exit_signal), "%s", sig ? sig : "");
	c->end.events = (uint64_t)jint_or(o, "events", 0);
	c->end.drops = (uint64_t)jint_or(o, "drops", 0);
	c->end.alerts = (uint64_t)jint_or(o, "alerts", 0);
	c->end.kills = (uint64_t)jint_or(o, "kills", 0);
	c->end.denies = (uint64_t)jint_or(o, "denies", 0);
}

/* Folded repeats of an alert: added to the rule's entry (the outcome of
 * the alert printed before them; the repeat record does not say it). */
static void repeat(struct report *r, struct rctr *c, struct json_object *o)
{
	const char *rule = jstr(o, "rule") ? : "", *prio = jstr(o, "priority") ? : "";
	int64_t n = jint_or(o, "count", 0);
	struct tally_ent *e = NULL;
	struct key k;

	r->cnt.repeats++;
	if (n <= 0)
		return;
	for (uint32_t i = 0; i < c->alerts_by_rule.n && !e; i++) {
		struct tally_ent *x = &c->alerts_by_rule.e[i];

		if (!strcmp(tally_part(x, 0), rule) && !strcmp(tally_part(x, 1), prio))
			e = x;
	}
	if (e) {
		key_reset(&k);
		memcpy(k.b, e->key, e->len);
		k.len = e->len;
	} else {
		key_reset(&k);
		key_add(&k, rule);
		key_add(&k, prio);
		key_add(&k, "alerted");
	}
	if (!tally_add(&c->alerts_by_rule, k.b, k.len, (uint64_t)n))
		r->cnt.oom++;
	c->alerts += (uint64_t)n;
}

static int record(struct report *r, struct json_object *o, const char *type)
{
	struct rctr *c;

	if (strcmp(type, "container_start") && strcmp(type, "container_end") &&
	    strcmp(type, "gap") && strcmp(type, "alert_repeat")) {
		r->cnt.unknown++;
		return 0;
	}
	c = ctr_of(r, o);
	if (!c)
		return -ENOMEM;
	if (!strcmp(type, "gap")) {
		r->cnt.gaps++;
		c->lost += (uint64_t)jint_or(o, "lost", 0);
	} else if (!strcmp(type, "alert_repeat")) {
		repeat(r, c, o);
	} else {
		lifecycle(r, c, o, !strcmp(type, "container_start"));
	}
	return 0;
}

void report__skip_line(struct report *r)
{
	r->cnt.lines++;
	r->cnt.not_json++;
}

int report__feed(struct report *r, const char *line, size_t len)
{
	struct json_object *o;
	const char *type;
	size_t end;
	int err = 0;

	r->cnt.lines++;
	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	for (end = 0; end < len && (line[end] == ' ' || line[end] == '\t'); end++)
		;
	if (end == len) {
		r->cnt.empty++;
		return 0;
	}
	json_tokener_reset(r->tok);
	o = json_tokener_parse_ex(r->tok, line, (int)len);
	end = o ? json_tokener_get_parse_end(r->tok) : 0;
	while (o && end < len && (line[end] == ' ' || line[end] == '\t'))
		end++;
	if (!o || end != len || !json_object_is_type(o, json_type_object)) {
		r->cnt.not_json++;
		json_object_put(o);
		return 0;
	}
	type = jstr(o, "type");
	if (type)
		err = record(r, o, type);
	else if (jstr(o, "syscall"))
		err = event(r, o);
	else
		r->cnt.unknown++; /* an object, but neither a record nor an event */
	json_object_put(o);
	return err;
}
