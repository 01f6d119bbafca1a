// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The records and their indexes, on the consumer thread only:
 *   by_id    container id -> record (every record)
 *   by_cg    cgroup v2 id -> record (its own cgroup and sub-cgroups)
 *   by_pair  the mount namespace of its init -> record, while the init
 *            lives (the kernel reuses the inode as soon as it dies): a
 *            runtime process entering a container (setns) has its mount
 *            namespace before its cgroup, and keeps the host's pid namespace
 *   neg      cgroup ids that belong to no container (bounded, FIFO)
 * Source threads never touch them: they post messages (ct_post), applied
 * here by ct_drain(). A record is freed when its container ends, after the
 * listener saw CONTAINER_END, so no pointer outlives its container.
 */
#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "containers/internal.h"

#define CT_QUEUE_MAX 4096       /* messages between two drains */
#define CT_NEG_MAX 4096         /* cgroups remembered as no container's */
#define CT_SWEEP_MS 2000
#define CT_CREATED_TTL_MS (10 * 60 * 1000) /* created, never started */
#define CT_TOMB_MAX 1024        /* ended containers remembered */

/* A cgroup or pair index entry (tsearch stores pointers to these). */
struct ct_key {
	uint64_t key;
	struct ct_rec *r;
};

uint64_t ct_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int cmp_id(const void *a, const void *b)
{
	return strcmp(((const struct ct_rec *)a)->c.id, ((const struct ct_rec *)b)->c.id);
}

static int cmp_key(const void *a, const void *b)
{
	uint64_t x = ((const struct ct_key *)a)->key, y = ((const struct ct_key *)b)->key;

	return (x > y) - (x < y);
}

static void tell(struct containers *cs, struct container *c, uint64_t cg,
		 enum container_change change)
{
	cs->gen++;
	if (cs->on_change)
		cs->on_change(cs->ctx, c, cg, change);
}

/* ---- messages from the source threads ---- */

void ct_post(struct containers *cs, enum ct_msg_kind kind, const struct container *info,
	     int code)
{
	struct ct_msg *m;

	pthread_mutex_lock(&cs->qlock);
	if (cs->qlen == CT_QUEUE_MAX) {
		cs->st.messages_dropped++;
		pthread_mutex_unlock(&cs->qlock);
		return;
	}
	m = &cs->q[(cs->qhead + cs->qlen++) % CT_QUEUE_MAX];
	m->kind = kind;
	m->code = code;
	m->info = *info;
	pthread_mutex_unlock(&cs->qlock);
}

/* ---- lookups ---- */

struct ct_rec *ct_by_id(const struct containers *cs, const char *id)
{
	struct ct_rec key;
	void *p;

	if (ct_strlcpy(key.c.id, id, sizeof(key.c.id)))
		return NULL;
	p = tfind(&key, &cs->by_id, cmp_id);
	return p ? *(struct ct_rec **)p : NULL;
}

static struct ct_rec *by_key(void *const *root, uint64_t key)
{
	struct ct_key k = { .key = key };
	void *p = tfind(&k, root, cmp_key);

	return p ? (*(struct ct_key **)p)->r : NULL;
}

struct ct_rec *ct_by_cg(const struct containers *cs, uint64_t cg)
{
	return cg ? by_key(&cs->by_cg, cg) : NULL;
}

struct ct_rec *ct_by_pair(const struct containers *cs, uint32_t pid_ns, uint32_t mnt_ns)
{
	(void)pid_ns;
	return by_key(&cs->by_pair, mnt_ns);
}

static int put_key(void **root, uint64_t key, struct ct_rec *r)
{
	struct ct_key *k = malloc(sizeof(*k)), **p;

	if (!k)
		return -ENOMEM;
	k->key = key;
	k->r = r;
	p = tsearch(k, root, cmp_key);
	if (!p) {
		free(k);
		return -ENOMEM;
	}
	if (*p != k) {          /* already there: now this record's */
		(*p)->r = r;
		free(k);
	}
	return 0;
}

static void del_key(void **root, uint64_t key)
{
	struct ct_key k = { .key = key }, **p = tfind(&k, root, cmp_key), *e;

	if (!p)
		return;
	e = *p;
	tdelete(&k, root, cmp_key);
	free(e);
}

/* Walking a tree: twalk() takes no context, so it goes through this. */
static __thread struct {
	const char *path;
	struct ct_rec *found;
	struct ct_rec **all;
	size_t n;
} walk;

static void walk_path(const void *node, VISIT v, int depth)
{
	struct ct_rec *r = *(struct ct_rec *const *)node;

	(void)depth;
	if ((v == postorder || v == leaf) && !walk.found && r->c.cgroup[0] &&
	    !strcmp(r->c.cgroup, walk.path))
		walk.found = r;
}

struct ct_rec *ct_by_cgroup_path(const struct containers *cs, const char *path)
{
	walk.path = path;
	walk.found = NULL;
	twalk(cs->by_id, walk_path);
	return walk.found;
}

static void walk_all(const void *node, VISIT v, int depth)
{
	(void)depth;
	if (v == postorder || v == leaf)
		walk.all[walk.n++] = *(struct ct_rec *const *)node;
}

/* Every record (a snapshot: the caller may end some of them). */
static struct ct_rec **all_records(const struct containers *cs, size_t *n)
{
	walk.all = calloc(cs->nrec ? cs->nrec : 1, sizeof(*walk.all));
	walk.n = 0;
	if (walk.all)
		twalk(cs->by_id, walk_all);
	*n = walk.n;
	return walk.all;
}

/* ---- negative answers ---- */

bool ct_neg_has(const struct containers *cs, uint64_t cg)
{
	struct ct_key k = { .key = cg };

	return tfind(&k, &cs->neg, cmp_key) != NULL;
}

void ct_neg_drop(struct containers *cs, uint64_t cg)
{
	if (!ct_neg_has(cs, cg))
		return;
	del_key(&cs->neg, cg);
	tell(cs, NULL, cg, CGROUP_GONE);
}

void ct_neg_add(struct containers *cs, uint64_t cg)
{
	if (!cg || ct_neg_has(cs, cg) || put_key(&cs->neg, cg, NULL))
		return;
	if (cs->neg_len == CT_NEG_MAX) {
		/* the oldest answer goes (if still there) */
		ct_neg_drop(cs, cs->neg_fifo[cs->neg_head]);
		cs->neg_head = (cs->neg_head + 1) % CT_NEG_MAX;
		cs->neg_len--;
	}
	cs->neg_fifo[(cs->neg_head + cs->neg_len++) % CT_NEG_MAX] = cg;
	tell(cs, NULL, cg, CGROUP_NOT_CONTAINER);
}

/* ---- ended containers ----
 * A source may still speak of a container after it ended (a docker "start"
 * event queued behind its cgroup's removal): such news must not bring it
 * back. Its id is remembered (bounded, oldest forgotten) with its init's
 * start time; only a new init (a restart) brings the id back. */

struct ct_tomb {
	char id[CONTAINER_ID_MAX];
	uint64_t init_start;
};

static int cmp_tomb(const void *a, const void *b)
{
	return strcmp(((const struct ct_tomb *)a)->id, ((const struct ct_tomb *)b)->id);
}

static struct ct_tomb *tomb_find(const struct containers *cs, const char *id)
{
	struct ct_tomb key;
	void *p;

	if (ct_strlcpy(key.id, id, sizeof(key.id)))
		return NULL;
	p = tfind(&key, &cs->tombs, cmp_tomb);
	return p ? *(struct ct_tomb **)p : NULL;
}

static void tomb_add(struct containers *cs, const struct container *c)
{
	struct ct_tomb *t = tomb_find(cs, c->id);

	if (t) {
		t->init_start = c->init_start;
		return;
	}
	if (cs->ntomb == CT_TOMB_MAX) {
		t = cs->tomb_fifo[cs->tomb_head];
		tdelete(t, &cs->tombs, cmp_tomb);
		free(t);
		cs->tomb_head = (cs->tomb_head + 1) % CT_TOMB_MAX;
		cs->ntomb--;
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		return;
	ct_strlcpy(t->id, c->id, sizeof(t->id));
	t->init_start = c->init_start;
	if (!tsearch(t, &cs->tombs, cmp_tomb)) {
		free(t);
		return;
	}
	cs->tomb_fifo[(cs->tomb_head + cs->ntomb++) % CT_TOMB_MAX] = t;
}

/* News of an ended container: true unless it carries a new, live init. */
static bool is_stale(const struct containers *cs, const struct container *in)
{
	struct ct_tomb *t = tomb_find(cs, in->id);
	uint64_t start;

	if (!t)
		return false;
	return in->init_pid <= 0 || ct_proc_start(cs->proc_root, in->init_pid, &start) ||
	       start == t->init_start;
}

/* ---- records ---- */

void ct_index_pair(struct containers *cs, struct ct_rec *r)
{
	uint64_t pair = r->c.mnt_ns;

	if (!r->c.pid_ns || !r->c.mnt_ns || r->pair == pair || !r->c.running)
		return;
	ct_forget_pair(cs, r);
	if (!put_key(&cs->by_pair, pair, r))
		r->pair = pair;
}

void ct_forget_pair(struct containers *cs, struct ct_rec *r)
{
	if (!r->pair)
		return;
	/* only if the pair is still this record's */
	if (by_key(&cs->by_pair, r->pair) == r)
		del_key(&cs->by_pair, r->pair);
	r->pair = 0;
	cs->gen++;
}

/* @cg belongs to @r: indexed, and no longer a negative answer. */
static int cg_add(struct containers *cs, struct ct_rec *r, uint64_t cg)
{
	uint64_t *tmp;

	for (size_t i = 0; i < r->ncg; i++) {
		if (r->cgs[i] == cg)
			return 0;
	}
	if (r->ncg == r->capcg) {
		size_t cap = r->capcg ? r->capcg * 2 : 2;

		tmp = realloc(r->cgs, cap * sizeof(*tmp));
		if (!tmp)
			return -ENOMEM;
		r->cgs = tmp;
		r->capcg = cap;
	}
	if (ct_neg_has(cs, cg))
		del_key(&cs->neg, cg);
	if (put_key(&cs->by_cg, cg, r))
		return -ENOMEM;
	r->cgs[r->ncg++] = cg;
	return 0;
}

static void maybe_start(struct containers *cs, struct ct_rec *r, bool changed);

void ct_add_cgroup(struct containers *cs, struct ct_rec *r, uint64_t cg, const char *path)
{
	size_t before = r->ncg;

	if (!r->c.running && !r->c.cgroup_id) {
		/* learnt before it ran (docker create): this is its cgroup */
		r->c.cgroup_id = cg;
		if (path)
			ct_strlcpy(r->c.cgroup, path, sizeof(r->c.cgroup));
		maybe_start(cs, r, true);
		return;
	}
	if (cg_add(cs, r, cg) || r->ncg == before)
		return;
	if (r->c.running)
		tell(cs, &r->c, cg, CONTAINER_ALIAS);
}

static void set_if_empty(char *dst, const char *src, size_t size)
{
	if (!dst[0] && src[0])
		ct_strlcpy(dst, src, size);
}

/* Fills what @r lacks from @in; true if anything changed. */
static bool merge(struct ct_rec *r, const struct container *in)
{
	struct container old = r->c;
	struct container *c = &r->c;

	/* a source that names the runtime precisely wins over a guess */
	if ((!strcmp(c->runtime, "unknown") || !c->runtime[0]) && in->runtime[0])
		ct_strlcpy(c->runtime, in->runtime, sizeof(c->runtime));
	set_if_empty(c->name, in->name, sizeof(c->name));
	set_if_empty(c->image, in->image, sizeof(c->image));
	set_if_empty(c->k8s_namespace, in->k8s_namespace, sizeof(c->k8s_namespace));
	set_if_empty(c->k8s_pod, in->k8s_pod, sizeof(c->k8s_pod));
	set_if_empty(c->k8s_pod_uid, in->k8s_pod_uid, sizeof(c->k8s_pod_uid));
	set_if_empty(c->k8s_container, in->k8s_container, sizeof(c->k8s_container));
	set_if_empty(c->cgroup, in->cgroup, sizeof(c->cgroup));
	c->k8s_sandbox |= in->k8s_sandbox;
	if (!c->running)
		c->existing |= in->existing;
	if (!c->cgroup_id)
		c->cgroup_id = in->cgroup_id;
	if (in->init_pid && (!c->init_pid || in->init_start != c->init_start)) {
		c->init_pid = in->init_pid;
		c->init_start = in->init_start;
		c->pid_ns = in->pid_ns;
		c->mnt_ns = in->mnt_ns;
	}
	return memcmp(&old, c, sizeof(old)) != 0;
}

static struct ct_rec *rec_new(struct containers *cs, const struct container *in)
{
	struct ct_rec *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	ct_strlcpy(r->c.id, in->id, sizeof(r->c.id));
	ct_strlcpy(r->c.runtime, in->runtime[0] ? in->runtime : "unknown", sizeof(r->c.runtime));
	r->c.exit_code = -1;
	r->c.existing = in->existing;
	r->learnt_ms = ct_now_ms();
	if (!tsearch(r, &cs->by_id, cmp_id)) {
		free(r);
		return NULL;
	}
	cs->nrec++;
	cs->st.learnt++;
	return r;
}

/* Running once its init or its cgroup is known (and that cgroup exists). */
static void maybe_start(struct containers *cs, struct ct_rec *r, bool changed)
{
	struct container *c = &r->c;

	if (c->cgroup_id)
		cg_add(cs, r, c->cgroup_id);
	if (!c->running && (c->init_pid || c->cgroup_id)) {
		c->running = true;
		cs->nrunning++;
		ct_index_pair(cs, r);
		tell(cs, c, c->cgroup_id, CONTAINER_START);
		for (size_t i = 0; i < r->ncg; i++) {
			if (r->cgs[i] != c->cgroup_id)
				tell(cs, c, r->cgs[i], CONTAINER_ALIAS);
		}
		return;
	}
	if (changed && c->running) {
		ct_index_pair(cs, r);
		tell(cs, c, c->cgroup_id, CONTAINER_UPDATE);
	}
}

/* A source that knows the init's pid but not what /proc tells of it (the
 * Docker API): its namespaces and cgroup, while it is the same process. */
static void complete_from_init(const struct containers *cs, struct container *c)
{
	char rel[PATH_MAX], dir[PATH_MAX + 64];
	uint64_t start;

	if (c->init_pid <= 0 || (c->pid_ns && c->cgroup_id) ||
	    ct_proc_start(cs->proc_root, c->init_pid, &start) ||
	    (c->init_start && start != c->init_start))
		return;
	c->init_start = start;
	if (!c->pid_ns && ct_proc_ns(cs->proc_root, c->init_pid, &c->pid_ns, &c->mnt_ns))
		c->pid_ns = c->mnt_ns = 0;
	if (!c->cgroup_id && cs->cgroup2[0] &&
	    !ct_proc_cgroup2(cs->proc_root, c->init_pid, rel, sizeof(rel)) &&
	    snprintf(dir, sizeof(dir), "%s%s", cs->cgroup2, rel) < (int)sizeof(dir)) {
		c->cgroup_id = ct_cgroup2_id_of_dir(dir);
		if (c->cgroup_id)
			ct_strlcpy(c->cgroup, rel, sizeof(c->cgroup));
	}
}

struct ct_rec *ct_apply_info(struct containers *cs, const struct container *info)
{
	struct container tmp = *info, *in = &tmp;
	struct ct_rec *r;
	bool changed;

	if (!in->id[0])
		return NULL;
	complete_from_init(cs, in);
	r = ct_by_id(cs, in->id);
	if (!r) {
		if (is_stale(cs, in))
			return NULL;
		r = rec_new(cs, in);
		if (!r)
			return NULL;
	}
	changed = merge(r, in);
	maybe_start(cs, r, changed);
	return r;
}

void ct_drop_cgroup(struct containers *cs, struct ct_rec *r, uint64_t cg)
{
	size_t k = 0;

	for (size_t i = 0; i < r->ncg; i++) {
		if (r->cgs[i] != cg)
			r->cgs[k++] = r->cgs[i];
	}
	if (k == r->ncg)
		return;
	r->ncg = k;
	del_key(&cs->by_cg, cg);
	tell(cs, &r->c, cg, CGROUP_GONE);
}

void ct_end(struct containers *cs, struct ct_rec *r, bool late)
{
	struct container *c = &r->c;

	for (size_t i = 0; i < r->ncg; i++) {
		if (by_key(&cs->by_cg, r->cgs[i]) == r)
			del_key(&cs->by_cg, r->cgs[i]);
		if (c->running)
			tell(cs, c, r->cgs[i], CGROUP_GONE);
	}
	ct_forget_pair(cs, r);
	tomb_add(cs, c);
	if (c->running) {
		cs->nrunning--;
		cs->st.ended++;
		cs->st.ended_late += late;
		tell(cs, c, c->cgroup_id, CONTAINER_END);
	}
	tdelete(r, &cs->by_id, cmp_id);
	cs->nrec--;
	free(r->c.totals.syscalls);
	free(r->cgs);
	free(r);
}

/* A message applied on the consumer thread. */
static void apply_msg(struct containers *cs, const struct ct_msg *m)
{
	struct ct_rec *r = m->kind == CT_MSG_INFO ? NULL : ct_by_id(cs, m->info.id);

	switch (m->kind) {
	case CT_MSG_INFO:
		ct_apply_info(cs, &m->info);
		break;
	case CT_MSG_DIE:
		if (r && r->c.exit_code < 0)
			r->c.exit_code = m->code;
		if (r)
			ct_forget_pair(cs, r);
		break;
	case CT_MSG_GONE:
		/* deleted by its runtime: not ended here, but by the kernel's
		 * record of its cgroup's removal, which comes in the ring after
		 * the container's last records (the consumer may not have read
		 * them yet); the sweep ends it if that record never comes. A
		 * record never started has no such record. */
		if (r && !r->c.running)
			ct_end(cs, r, false);
		break;
	case CT_MSG_SOURCE:
		if (!cs->quiet)
			fprintf(stderr, CT_LOG_PREFIX "source: %s\n", m->info.name);
		break;
	}
}

void ct_drain(struct containers *cs)
{
	struct ct_msg *batch;
	size_t n;

	pthread_mutex_lock(&cs->qlock);
	n = cs->qlen;
	batch = n ? malloc(n * sizeof(*batch)) : NULL;
	for (size_t i = 0; batch && i < n; i++)
		batch[i] = cs->q[(cs->qhead + i) % CT_QUEUE_MAX];
	if (batch) {
		cs->qhead = (cs->qhead + n) % CT_QUEUE_MAX;
		cs->qlen = 0;
	}
	pthread_mutex_unlock(&cs->qlock);
	for (size_t i = 0; batch && i < n; i++)
		apply_msg(cs, &batch[i]);
	free(batch);
}

/* Is the container still there? Its cgroup, else its init. */
static bool alive(const struct containers *cs, const struct ct_rec *r)
{
	char path[PATH_MAX];
	uint64_t start;

	if (r->c.cgroup_id && cs->cgroup2_fd >= 0)
		return !ct_cgroup2_path(cs->cgroup2_fd, r->c.cgroup_id, path, sizeof(path));
	return r->c.init_pid > 0 && !ct_proc_start(cs->proc_root, r->c.init_pid, &start) &&
	       start == r->c.init_start;
}

/*
 * Ends what ended without the kernel saying so (its record was lost with a
 * full ring, or it ran before cactus): gone at two sweeps in a row. Records
 * of containers created and never started are dropped after a while.
 */
void ct_sweep(struct containers *cs)
{
	uint64_t now = ct_now_ms();
	struct ct_rec **v;
	size_t n;

	if (now - cs->last_sweep_ms < CT_SWEEP_MS)
		return;
	cs->last_sweep_ms = now;
	v = all_records(cs, &n);
	for (size_t i = 0; v && i < n; i++) {
		struct ct_rec *r = v[i];

		if (!r->c.running) {
			if (now - r->learnt_ms > CT_CREATED_TTL_MS)
				ct_end(cs, r, false);
			continue;
		}
		r->misses = alive(cs, r) ? 0 : r->misses + 1;
		if (r->misses >= 2)
			ct_end(cs, r, true);
	}
	free(v);
}

static void free_key(void *p)
{
	free(p);
}

static void free_rec(void *p)
{
	struct ct_rec *r = p;

	free(r->c.totals.syscalls);
	free(r->cgs);
	free(r);
}

void ct_registry_free(struct containers *cs)
{
	tdestroy(cs->by_cg, free_key);
	tdestroy(cs->by_pair, free_key);
	tdestroy(cs->neg, free_key);
	tdestroy(cs->by_id, free_rec);
	tdestroy(cs->tombs, free_key);
	cs->by_cg = cs->by_pair = cs->neg = cs->by_id = cs->tombs = NULL;
	free(cs->tomb_fifo);
	free(cs->q);
	free(cs->neg_fifo);
}

/* ---- used by match.c and the front ---- */

static int cmp_name(const void *a, const void *b)
{
	const struct container *x = *(const struct container *const *)a;
	const struct container *y = *(const struct container *const *)b;
	int r = strcmp(x->name, y->name);

	return r ? r : strcmp(x->id, y->id);
}

int containers__list(struct containers *cs, struct container ***out, size_t *n)
{
	struct ct_rec **v = all_records(cs, n);
	struct container **c = calloc(*n ? *n : 1, sizeof(*c));
	size_t k = 0;

	if (!v || !c) {
		free(v);
		free(c);
		return -ENOMEM;
	}
	for (size_t i = 0; i < *n; i++) {
		if (v[i]->c.running)
			c[k++] = &v[i]->c;
	}
	free(v);
	qsort(c, k, sizeof(*c), cmp_name);
	*out = c;
	*n = k;
	return 0;
}

void containers__foreach(struct containers *cs, void (*fn)(void *ctx, struct container *c),
			 void *ctx)
{
	struct container **v;
	size_t n;

	if (containers__list(cs, &v, &n))
		return;
	for (size_t i = 0; i < n; i++)
		fn(ctx, v[i]);
	free(v);
}

uint64_t containers__generation(const struct containers *cs)
{
	return cs->gen;
}

void containers__stats(const struct containers *cs, struct containers_stats *out)
{
	*out = cs->st;
	pthread_mutex_lock((pthread_mutex_t *)&cs->qlock);
	out->messages_dropped = cs->st.messages_dropped;
	pthread_mutex_unlock((pthread_mutex_t *)&cs->qlock);
	out->running = cs->nrunning;
	out->records = cs->nrec;
	out->not_containers = cs->neg_len;
}
