// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The record store. A record is never changed once published: a change (a
 * container dies, a create event is followed by its pid) publishes a new copy
 * and repoints the indexes, so lookups hand out pointers without holding the
 * lock. Every record ever allocated sits on cs->all and is freed only by
 * containers__free().
 *
 * Two indexes under cs->lock:
 *   cur: the latest record of each container id still known to docker or
 *        /proc (destroy drops it), small, searched linearly;
 *   ns:  (pid_ns << 32 | mnt_ns) -> record, sorted for bsearch; it also holds
 *        negative answers (runtime "unknown", empty id). A pair is replaced
 *        when a new container shows it and dropped when docker reports the
 *        container's death, since the kernel reuses namespace inodes.
 * Every change of the ns index is told to the listener (containers.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "containers/internal.h"

bool containers__docker_ok(const struct containers *cs)
{
	return __atomic_load_n(&cs->docker_ok, __ATOMIC_ACQUIRE);
}

/* ---- indexes, all called with cs->lock held ---- */

static uint64_t ns_key(uint32_t pid_ns, uint32_t mnt_ns)
{
	return (uint64_t)pid_ns << 32 | mnt_ns;
}

static void notify(struct containers *cs, const struct container *c, uint64_t key,
		   enum container_change change)
{
	if (cs->on_change)
		cs->on_change(cs->ctx, c, key >> 32, (uint32_t)key, change);
}

/* Index of key in cs->ns, or where it would be inserted. */
static size_t ns_pos(const struct containers *cs, uint64_t key)
{
	size_t lo = 0, hi = cs->nns, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (cs->ns[mid].key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct container *ct_ns_get(const struct containers *cs, uint32_t pid_ns,
				      uint32_t mnt_ns)
{
	uint64_t key = ns_key(pid_ns, mnt_ns);
	size_t i = ns_pos(cs, key);

	return i < cs->nns && cs->ns[i].key == key ? cs->ns[i].c : NULL;
}

/* Add or replace: namespace inodes are reused once a namespace dies. */
int ct_ns_put(struct containers *cs, uint32_t pid_ns, uint32_t mnt_ns,
		  const struct container *c)
{
	uint64_t key = ns_key(pid_ns, mnt_ns);
	size_t i = ns_pos(cs, key);
	struct ct_ns_ent *tmp;

	if (!pid_ns || !mnt_ns)
		return 0;
	if (i < cs->nns && cs->ns[i].key == key) {
		if (cs->ns[i].c != c)
			notify(cs, c, key, CONTAINER_SEEN);
		cs->ns[i].c = c;
		return 0;
	}
	if (cs->nns == cs->capns) {
		size_t cap = cs->capns ? cs->capns * 2 : 64;

		tmp = realloc(cs->ns, cap * sizeof(*tmp));
		if (!tmp)
			return -ENOMEM;
		cs->ns = tmp;
		cs->capns = cap;
	}
	memmove(&cs->ns[i + 1], &cs->ns[i], (cs->nns - i) * sizeof(*cs->ns));
	cs->ns[i].key = key;
	cs->ns[i].c = c;
	cs->nns++;
	notify(cs, c, key, CONTAINER_SEEN);
	return 0;
}

/* Forgets every pair that names c: its namespaces died with it. */
void ct_ns_drop(struct containers *cs, const struct container *c)
{
	size_t i, k = 0;

	for (i = 0; i < cs->nns; i++) {
		if (cs->ns[i].c != c)
			cs->ns[k++] = cs->ns[i];
		else
			notify(cs, c, cs->ns[i].key, CONTAINER_GONE);
	}
	cs->nns = k;
}

static ssize_t cur_pos(const struct containers *cs, const char *id)
{
	size_t i;

	for (i = 0; i < cs->ncur; i++) {
		if (!strcmp(cs->cur[i]->id, id))
			return i;
	}
	return -1;
}

const struct container *ct_cur_get(const struct containers *cs, const char *id)
{
	ssize_t i = cur_pos(cs, id);

	return i < 0 ? NULL : cs->cur[i];
}

void ct_cur_drop(struct containers *cs, const char *id)
{
	ssize_t i = cur_pos(cs, id);

	if (i < 0)
		return;
	cs->cur[i] = cs->cur[--cs->ncur];
}

/*
 * Copies *tmpl into a new record and makes it the current one for its id
 * (repointing ns entries of the record it replaces) and, while it runs, for
 * its own ns pair.
 * Returns the record, or NULL when out of memory.
 */
const struct container *ct_publish(struct containers *cs, const struct container *tmpl)
{
	const struct container *old = NULL, **tmp;
	struct ct_rec *r;
	ssize_t i = -1;
	size_t j;

	r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->c = *tmpl;
	if (tmpl->id[0]) {
		i = cur_pos(cs, tmpl->id);
		if (i < 0 && cs->ncur == cs->capcur) {
			size_t cap = cs->capcur ? cs->capcur * 2 : 32;

			tmp = realloc(cs->cur, cap * sizeof(*tmp));
			if (!tmp)
				goto err_free;
			cs->cur = tmp;
			cs->capcur = cap;
		}
	}
	/*
	 * A dead container's copy only takes over the entries of its old copy:
	 * its namespace inodes may already belong to a container started since.
	 * Negative records (no id) are published only for a pair without entry.
	 */
	if ((r->c.running || !r->c.id[0]) &&
	    ct_ns_put(cs, r->c.pid_ns, r->c.mnt_ns, &r->c))
		goto err_free;
	if (i >= 0) {
		old = cs->cur[i];
		cs->cur[i] = &r->c;
		for (j = 0; j < cs->nns; j++) {
			if (cs->ns[j].c == old)
				cs->ns[j].c = &r->c;
		}
	} else if (tmpl->id[0]) {
		cs->cur[cs->ncur++] = &r->c;
	}
	r->next = cs->all;
	cs->all = r;
	pthread_cond_broadcast(&cs->published);
	return &r->c;

err_free:
	free(r);
	return NULL;
}

/* Fills pid_ns/mnt_ns from the init pid, if there is one and it still lives. */
void ct_fill_ns(const struct containers *cs, struct container *c)
{
	if (c->init_pid > 0 && ct_proc_ns(cs->proc_root, c->init_pid, &c->pid_ns, &c->mnt_ns))
		c->pid_ns = c->mnt_ns = 0;
}

const struct container *containers__by_ns(struct containers *cs, uint32_t pid_ns,
					  uint32_t mnt_ns)
{
	const struct container *c;

	pthread_mutex_lock(&cs->lock);
	c = ct_ns_get(cs, pid_ns, mnt_ns);
	pthread_mutex_unlock(&cs->lock);
	return c;
}

