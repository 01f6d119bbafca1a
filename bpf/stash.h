/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The per-thread stash (struct stash, maps.h): what sys_enter saw until
 * sys_exit, and the thread's cached cgroup_watch verdict.
 */
#ifndef CACTUS_BPF_STASH_H
#define CACTUS_BPF_STASH_H

#include "base.h"
#include "compat.h"
#include "maps.h"

/* Bumped by user space after every change to cgroup_watch: cached verdicts
 * older than it are looked up again. */
volatile __u32 watch_gen __weak;

/* A container task in cgroup @cg is watched (absent: a cgroup user space does
 * not know yet, watched; *known tells it to send the cgroup's names). */
static __always_inline bool cgroup_watched(__u64 cg, bool *known)
{
	__u8 *v = bpf_map_lookup_elem(&cgroup_watch, &cg);

	*known = v != NULL;
	return !v || *v == WATCH_KNOWN;
}

/*
 * @task's stash (any task, not only the current one); with @create, made if
 * missing, as a fresh entry (no syscall in flight, not set-up): task-local
 * storage, else the LRU hash by thread id (stash_lru, compat.h).
 */
static __always_inline struct stash *stash_of(struct task_struct *task, bool create)
{
	struct stash *st;
	__u32 tid, zero = 0;
	struct scratch *s;

	if (!stash_lru) {
		st = bpf_task_storage_get(&stash_tls, task, NULL, 0);
		if (st || !create)
			return st;
		st = bpf_task_storage_get(&stash_tls, task, NULL, BPF_LOCAL_STORAGE_GET_F_CREATE);
	} else {
		tid = KREAD(task, pid);
		st = bpf_map_lookup_elem(&stash, &tid);
		if (st || !create)
			return st;
		/* the per-CPU scratch buffer is larger than a stash and free here */
		s = bpf_map_lookup_elem(&scratch, &zero);
		if (!s || bpf_map_update_elem(&stash, &tid, s, BPF_ANY))
			return NULL;
		st = bpf_map_lookup_elem(&stash, &tid);
	}
	if (st) {
		st->nr = -1;
		st->cgroup_learnt = 0;
		st->vgen = 0;
		st->setup = 0;
		st->kill_rule = 0;
		st->exec_len = 0;
	}
	return st;
}

/* Is cgroup @cg watched? The thread's cached verdict if cgroup_watch has not
 * changed since, else a lookup (then cached, if there is a stash). */
static __always_inline bool stash_watched(struct stash *st, __u64 cg, bool *known)
{
	__u32 gen = watch_gen + 1;
	bool w;

	if (!st)
		return cgroup_watched(cg, known);
	if (st->vgen == gen && st->vcg == cg) {
		*known = st->vknown;
		return st->vwatched;
	}
	w = cgroup_watched(cg, known);
	st->vcg = cg;
	st->vwatched = w;
	st->vknown = *known;
	st->vgen = gen;
	return w;
}

#endif
