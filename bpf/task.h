/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Who is calling: namespaces, pids in the container's pid namespace.
 *
 * Every @task here comes from current_task() (compat.h) or a tracepoint's
 * typed argument: where the kernel has bpf_get_current_task_btf() (5.11+)
 * its fields are read with direct loads (the verifier turns them into plain
 * loads with a fault handler; a fault reads 0), not with a
 * bpf_probe_read_kernel() call each: a helper call costs ~15-30 ns, and an
 * event reads ~15 fields. KREAD() falls back to the helper.
 */
#ifndef CACTUS_BPF_TASK_H
#define CACTUS_BPF_TASK_H

#include "base.h"
#include "compat.h"

/* Namespaces of the host, recorded by user space at start-up. */
const volatile __u32 host_pid_ns __weak = 0;
const volatile __u32 host_mnt_ns __weak = 0;

/* @pid's id and namespace at @level (0..3: host 0, container 1, nested 2-3).
 * pid->numbers[] is a flexible array: a constant index is a direct load, a
 * variable one is refused, so the levels are spelled out. */
static __always_inline struct upid pid_upid(struct pid *pid, unsigned int level)
{
	struct upid up = {};

#define UPID_AT(k)                          \
	case k:                             \
		up.nr = pid->numbers[k].nr; \
		up.ns = pid->numbers[k].ns; \
		break
	switch (level) {
	UPID_AT(0);
	UPID_AT(1);
	UPID_AT(2);
	UPID_AT(3);
	}
#undef UPID_AT
	return up;
}

/* Levels 4..31, by helper reads. A separate subprogram, so that the compiler
 * cannot merge it with pid_upid() (whose ns is a typed pointer the verifier
 * lets us dereference; what this returns is not). */
static __noinline __u64 pid_upid_deep(struct pid *pid, __u32 level, int *nr)
{
	struct upid up = {};

	bpf_probe_read_kernel(&up, sizeof(up), &pid->numbers[level & 31]);
	*nr = up.nr;
	return (__u64)up.ns;
}

static __noinline __u32 pid_ns_inum_deep(struct pid *pid, __u32 level)
{
	int nr;
	struct pid_namespace *ns = (void *)pid_upid_deep(pid, level, &nr);

	return BPF_CORE_READ(ns, ns.inum);
}

/*
 * pid->numbers[k] for k > 0 by direct loads: only from a BTF pointer and
 * where BTF declares numbers[] flexible. 5.10's BTF says numbers[1], so CO-RE
 * cannot relocate numbers[1..3] there: the helper reads of the deep path.
 */
#define PID_DIRECT(pid) (have_task_btf && bpf_core_field_exists(pid->numbers[1]))

/* Inode of @pid's namespace at @level: each level's load is its own path, so
 * no path dereferences a pointer that was not loaded from a typed one. */
static __always_inline __u32 pid_ns_inum(struct pid *pid, unsigned int level)
{
	if (!PID_DIRECT(pid))
		return pid_ns_inum_deep(pid, level);
	if (level == 0)
		return pid->numbers[0].ns->ns.inum;
	if (level == 1)
		return pid->numbers[1].ns->ns.inum;
	if (level == 2)
		return pid->numbers[2].ns->ns.inum;
	if (level == 3)
		return pid->numbers[3].ns->ns.inum;
	return pid_ns_inum_deep(pid, level);
}

/* @pid's upid at any @level, for comparing its ns pointer (levels past 3
 * come from a helper read: not a pointer to dereference). */
static __always_inline struct upid pid_upid_any(struct pid *pid, unsigned int level)
{
	struct upid up;

	if (level <= 3 && PID_DIRECT(pid))
		return pid_upid(pid, level);
	up.ns = (void *)pid_upid_deep(pid, level, &up.nr);
	return up;
}

/*
 * Fills *key with the task's (pid-ns, mnt-ns) and returns true when the task
 * is not on the host. Cheapest first: the mount namespace (three loads), then
 * the pid namespace level (two loads); only a task that is not plainly a host
 * task pays for the pid namespace inode.
 */
static __always_inline bool task_ns(struct task_struct *task, struct ns_key *key,
				    unsigned int *level)
{
	struct pid *pid = KREAD(task, thread_pid);
	unsigned int lvl;

	key->mnt_ns = KREAD(task, nsproxy, mnt_ns, ns.inum);
	lvl = KREAD(pid, level);
	if (key->mnt_ns == host_mnt_ns && lvl == 0)
		return false;
	lvl &= 31; /* MAX_PID_NS_LEVEL is 32 */
	key->pid_ns = pid_ns_inum(pid, lvl);
	*level = lvl;
	return key->pid_ns != host_pid_ns || key->mnt_ns != host_mnt_ns;
}

/* The task's cgroup v2 id (what bpf_get_current_cgroup_id() returns), by
 * direct loads. */
static __always_inline __u64 task_cgroup_id(struct task_struct *task)
{
	return KREAD(task, cgroups, dfl_cgrp, kn, id);
}

/* kernfs_node's parent was renamed __parent in 6.15 (RCU-protected): both
 * spellings, chosen by CO-RE at load. */
struct kernfs_node___new {
	struct kernfs_node *__parent;
} __attribute__((preserve_access_index));

struct kernfs_node___old {
	struct kernfs_node *parent;
} __attribute__((preserve_access_index));

static __always_inline struct kernfs_node *kn_parent(struct kernfs_node *kn)
{
	if (bpf_core_field_exists(((struct kernfs_node___new *)0)->__parent))
		return BPF_CORE_READ((struct kernfs_node___new *)kn, __parent);
	return BPF_CORE_READ((struct kernfs_node___old *)kn, parent);
}

/* tgid of @task as seen in the pid namespace at @level of @ns, 0 if it is
 * not visible there (a container init's parent lives outside). */
static __always_inline __u32 tgid_in_ns(struct task_struct *task, unsigned int level,
					struct pid_namespace *ns)
{
	struct pid *pid = KREAD(task, group_leader, thread_pid);
	struct upid up;

	if (KREAD(pid, level) < level)
		return 0;
	up = pid_upid_any(pid, level);
	return up.ns == ns ? (__u32)up.nr : 0;
}

#endif
