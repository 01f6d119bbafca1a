/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The per-thread stash (struct stash, maps.h): what sys_enter saw until
 * sys_exit, and the thread's cached ns_watch verdict.
 */
#ifndef CACTUS_BPF_STASH_H
#define CACTUS_BPF_STASH_H

#include "base.h"
#include "maps.h"

/* Bumped by user space after every change to ns_watch: cached verdicts
 * older than it are looked up again. */
volatile __u32 watch_gen;

/* A container's pair @key is watched (absent: a new container, watched). */
static __always_inline bool pair_watched(const struct ns_key *key, bool *known)
{
	__u8 *v = bpf_map_lookup_elem(&ns_watch, key);

	*known = v != NULL;
	return !v || *v == NS_WATCH;
}

/*
 * This thread's stash entry; with @create, made if missing. @tls (a constant
 * per program flavour): task-local storage, else the LRU hash (see maps.h).
 * A new entry is zeroed (task storage) or garbage but for the fields read
 * before on_enter writes them: cgroup_learnt, vgen.
 */
static __always_inline struct stash *stash_get(struct task_struct *task, bool create, bool tls)
{
	__u32 tid, zero = 0;
	struct scratch *s;
	struct stash *st;

	if (tls)
		return bpf_task_storage_get(&stash_tls, task, NULL,
					    create ? BPF_LOCAL_STORAGE_GET_F_CREATE : 0);
	tid = (__u32)bpf_get_current_pid_tgid();
	st = bpf_map_lookup_elem(&stash, &tid);
	if (st || !create)
		return st;
	/* the per-CPU scratch buffer is larger than a stash and free at entry */
	s = bpf_map_lookup_elem(&scratch, &zero);
	if (!s || bpf_map_update_elem(&stash, &tid, s, BPF_ANY))
		return NULL;
	st = bpf_map_lookup_elem(&stash, &tid);
	if (st) {
		st->cgroup_learnt = 0;
		st->vgen = 0;
	}
	return st;
}

/* Is the task's pair @key watched? The thread's cached verdict if ns_watch
 * has not changed since, else a lookup (then cached, if there is a stash). */
static __always_inline bool stash_watched(struct stash *st, const struct ns_key *key, bool *known)
{
	__u32 gen = watch_gen + 1;
	bool w;

	if (!st)
		return pair_watched(key, known);
	if (st->vgen == gen && st->vkey.pid_ns == key->pid_ns && st->vkey.mnt_ns == key->mnt_ns) {
		*known = st->vknown;
		return st->vwatched;
	}
	w = pair_watched(key, known);
	st->vkey = *key;
	st->vwatched = w;
	st->vknown = *known;
	st->vgen = gen;
	return w;
}

#endif
