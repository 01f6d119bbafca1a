// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Per-container counters: cactus_container_events_total and
 * cactus_container_drops_total{container}, labelled by the container's
 * name (its id while unnamed), and cactus_container_syscalls_total{container,
 * category, outcome} from the kernel's counts (counts_by_cgroup of its live
 * cgroups plus totals.syscalls of those gone). They are sampled once a second from what the
 * pipeline already counts in each container record (totals.events, and
 * totals.drops of its removed cgroups) and the kernel's drops_by_cgroup of
 * its live ones, so the hot path does nothing per container; a container's
 * end adds its last counts.
 *
 * Containers that share a name (one removed, another started with its name)
 * share a series, so a series is reference-counted by the containers using
 * it, and removed from the registry once it has been unused for RETAIN_NS
 * (Prometheus sees its last value for a while, then the series ends): the
 * registry's bound (512 label sets, then "_other") is then reached only by
 * that many containers within the retention, not over the node's lifetime.
 */
#include <stdlib.h>
#include <string.h>
#include "metrics/metrics.h"
#include "monitor/agent.h"
#include "output/output.h"

#define BUCKETS 4096                          /* containers hashed by record */
#define RETAIN_NS (300ULL * 1000000000ULL)    /* an unused series stays 5 min */

struct label_series {
	char *label;
	struct metric *events, *drops;
	struct metric *calls[CAT_COUNT][2];   /* by category, ok/error */
	unsigned int refs;                    /* containers counting into it */
	uint64_t idle_since;                  /* when refs fell to 0 */
};

struct ctr_state {
	const struct container *c;
	struct label_series *ls;
	uint64_t events, drops;               /* counted into ls so far */
	uint64_t live_drops, live_gen;        /* drops_by_cgroup, sample live_gen */
	uint64_t calls[CAT_COUNT][2];         /* counted into ls so far */
	uint64_t live_calls[CAT_COUNT][2];    /* counts_by_cgroup, sample live_gen */
	struct ctr_state *next;
};

struct ctr_metrics {
	struct metric_family *events, *drops, *syscalls;
	struct ctr_state *buckets[BUCKETS];
	struct label_series **labels;
	size_t n_labels, cap_labels;
	struct containers *cs;                /* during a sample */
	uint64_t gen, now;
};

struct ctr_metrics *ctr_metrics__new(struct metric_family *events, struct metric_family *drops,
				     struct metric_family *syscalls)
{
	struct ctr_metrics *x = calloc(1, sizeof(*x));

	if (x) {
		x->events = events;
		x->drops = drops;
		x->syscalls = syscalls;
	}
	return x;
}

static struct label_series *label_ref(struct ctr_metrics *x, const char *label)
{
	const char *v[1] = { label };
	struct label_series *ls;

	for (size_t i = 0; i < x->n_labels; i++) {
		ls = x->labels[i];
		if (!strcmp(ls->label, label)) {
			ls->refs++;
			return ls;
		}
	}
	if (x->n_labels == x->cap_labels) {
		size_t cap = x->cap_labels ? 2 * x->cap_labels : 64;
		struct label_series **l = realloc(x->labels, cap * sizeof(*l));

		if (!l)
			return NULL;
		x->labels = l;
		x->cap_labels = cap;
	}
	ls = calloc(1, sizeof(*ls));
	if (!ls || !(ls->label = strdup(label))) {
		free(ls);
		return NULL;
	}
	ls->events = metric_family__series(x->events, v);
	ls->drops = metric_family__series(x->drops, v);
	for (int cat = 0; cat < CAT_COUNT; cat++) {
		for (int o = 0; o < 2; o++) {
			const char *lv[3] = { label, cactus_category_name(cat),
					      o == COUNT_OK ? "ok" : "error" };

			ls->calls[cat][o] = metric_family__series(x->syscalls, lv);
		}
	}
	ls->refs = 1;
	x->labels[x->n_labels++] = ls;
	return ls;
}

static void label_unref(struct ctr_metrics *x, struct label_series *ls)
{
	if (ls && !--ls->refs)
		ls->idle_since = x->now;
}

/* Series unused for RETAIN_NS leave the registry. */
static void label_sweep(struct ctr_metrics *x)
{
	for (size_t i = 0; i < x->n_labels;) {
		struct label_series *ls = x->labels[i];

		if (ls->refs || x->now - ls->idle_since < RETAIN_NS) {
			i++;
			continue;
		}
		metric_family__remove(x->events, ls->events);
		metric_family__remove(x->drops, ls->drops);
		for (int cat = 0; cat < CAT_COUNT; cat++) {
			metric_family__remove(x->syscalls, ls->calls[cat][COUNT_OK]);
			metric_family__remove(x->syscalls, ls->calls[cat][COUNT_ERR]);
		}
		free(ls->label);
		free(ls);
		x->labels[i] = x->labels[--x->n_labels];
	}
}

static struct ctr_state **slot(struct ctr_metrics *x, const struct container *c)
{
	uint64_t h = ((uintptr_t)c >> 4) * 0x9e3779b97f4a7c15ULL;
	struct ctr_state **p = &x->buckets[h >> 52]; /* 12 bits: BUCKETS */

	while (*p && (*p)->c != c)
		p = &(*p)->next;
	return p;
}

/* The state of @c, created with its series on first sight; the series
 * follows a renamed container (later counts go to its new name). */
static struct ctr_state *state_of(struct ctr_metrics *x, const struct container *c)
{
	struct ctr_state **p = slot(x, c), *st = *p;
	const char *label = container_label(c);

	if (!st) {
		st = calloc(1, sizeof(*st));
		if (!st)
			return NULL;
		st->c = c;
		*p = st;
	}
	if (!st->ls || strcmp(st->ls->label, label)) {
		label_unref(x, st->ls);
		st->ls = label_ref(x, label);
	}
	return st;
}

/* Adds what @st's container counted since the last time. */
static void account(struct ctr_state *st, uint64_t events, uint64_t drops)
{
	if (!st->ls)
		return;
	if (events > st->events) {
		metric__add(st->ls->events, events - st->events);
		st->events = events;
	}
	if (drops > st->drops) {
		metric__add(st->ls->drops, drops - st->drops);
		st->drops = drops;
	}
}

/* @n's rows by category into @out (adds). */
static void by_category(const struct syscall_counts *n, uint64_t out[CAT_COUNT][2])
{
	for (size_t i = 0; n && i < cactus_syscalls_count; i++) {
		int cat = cactus_syscalls[i].category;

		out[cat][COUNT_OK] += n->n[i][COUNT_OK];
		out[cat][COUNT_ERR] += n->n[i][COUNT_ERR];
	}
}

/* Adds what @st's container made since the last time, @live the counts of
 * its live cgroups (this sample's) or NULL. */
static void account_calls(struct ctr_state *st, const struct container *c,
			  uint64_t live[CAT_COUNT][2])
{
	uint64_t now[CAT_COUNT][2] = { { 0 } };

	if (!st->ls)
		return;
	by_category(c->totals.syscalls, now);
	for (int cat = 0; cat < CAT_COUNT; cat++) {
		for (int o = 0; o < 2; o++) {
			uint64_t v = now[cat][o] + (live ? live[cat][o] : 0);

			if (v > st->calls[cat][o] && st->ls->calls[cat][o]) {
				metric__add(st->ls->calls[cat][o], v - st->calls[cat][o]);
				st->calls[cat][o] = v;
			}
		}
	}
}

/* A live state for this sample: its live counts start at 0. */
static void live_reset(struct ctr_metrics *x, struct ctr_state *st)
{
	if (st->live_gen == x->gen)
		return;
	st->live_gen = x->gen;
	st->live_drops = 0;
	memset(st->live_calls, 0, sizeof(st->live_calls));
}

static void on_counts(void *ctx, __u64 cg, const struct syscall_counts *n)
{
	struct ctr_metrics *x = ctx;
	const struct container *c = containers__by_cgroup(x->cs, cg);
	struct ctr_state *st = c ? state_of(x, c) : NULL;

	if (!st)
		return;
	live_reset(x, st);
	by_category(n, st->live_calls);
}

static void on_drops(void *ctx, __u64 cg, __u64 n)
{
	struct ctr_metrics *x = ctx;
	const struct container *c = containers__by_cgroup(x->cs, cg);
	struct ctr_state *st = c ? state_of(x, c) : NULL;

	if (!st)
		return;
	live_reset(x, st);
	st->live_drops += n;
}

static void on_container(void *ctx, struct container *c)
{
	struct ctr_metrics *x = ctx;
	struct ctr_state *st = state_of(x, c);

	if (!st)
		return;
	account(st, c->totals.events,
		c->totals.drops + (st->live_gen == x->gen ? st->live_drops : 0));
	account_calls(st, c, st->live_gen == x->gen ? st->live_calls : NULL);
}

void ctr_metrics__sample(struct ctr_metrics *x, struct containers *cs, const struct kernel *k,
			 uint64_t now)
{
	x->cs = cs;
	x->now = now;
	x->gen++;
	kernel__drops_foreach(k, on_drops, x);
	kernel__counts_foreach(k, on_counts, x);
	containers__foreach(cs, on_container, x);
	label_sweep(x);
}

void ctr_metrics__end(struct ctr_metrics *x, const struct container *c, uint64_t now)
{
	struct ctr_state *st;

	x->now = now;
	st = state_of(x, c);
	if (!st)
		return;
	/* its cgroups are gone: totals.drops holds all of their drops */
	account(st, c->totals.events, c->totals.drops);
	account_calls(st, c, NULL);
	label_unref(x, st->ls);
	*slot(x, c) = st->next;
	free(st);
}

void ctr_metrics__free(struct ctr_metrics *x)
{
	if (!x)
		return;
	for (size_t b = 0; b < BUCKETS; b++) {
		while (x->buckets[b]) {
			struct ctr_state *st = x->buckets[b];

			x->buckets[b] = st->next;
			free(st);
		}
	}
	for (size_t i = 0; i < x->n_labels; i++) {
		free(x->labels[i]->label);
		free(x->labels[i]);
	}
	free(x->labels);
	free(x);
}
