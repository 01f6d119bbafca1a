/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Who is calling: namespaces, pids in the container's pid namespace. */
#ifndef CACTUS_BPF_TASK_H
#define CACTUS_BPF_TASK_H

/* Namespaces of the host, recorded by user space at start-up. */
const volatile __u32 host_pid_ns = 0;
const volatile __u32 host_mnt_ns = 0;

static __always_inline struct upid task_upid(struct task_struct *task, unsigned int level)
{
	struct pid *pid = BPF_CORE_READ(task, thread_pid);
	struct upid up = {};

	bpf_core_read(&up, sizeof(up), &pid->numbers[level]);
	return up;
}

/*
 * Fills *key with the task's (pid-ns, mnt-ns) and returns true when the task
 * is not on the host. Cheapest first: the mount namespace (three loads), then
 * the pid namespace level (two loads); only a task that is not plainly a host
 * task pays for the pid namespace inode. @task comes from
 * bpf_get_current_task_btf(): these are direct loads (a fault reads 0), not
 * a bpf_probe_read_kernel() call each, which cost ~30 ns apiece.
 */
static __always_inline bool task_ns(struct task_struct *task, struct ns_key *key,
				    unsigned int *level)
{
	struct pid *pid = task->thread_pid;
	unsigned int lvl;

	key->mnt_ns = task->nsproxy->mnt_ns->ns.inum;
	lvl = pid->level;
	if (key->mnt_ns == host_mnt_ns && lvl == 0)
		return false;
	lvl &= 31; /* MAX_PID_NS_LEVEL is 32 */
	key->pid_ns = BPF_CORE_READ(task_upid(task, lvl).ns, ns.inum);
	*level = lvl;
	return key->pid_ns != host_pid_ns || key->mnt_ns != host_mnt_ns;
}

/* tgid of @task as seen in the pid namespace at @level of @ns, 0 if it is
 * not visible there (a container init's parent lives outside). */
static __always_inline __u32 tgid_in_ns(struct task_struct *task, unsigned int level,
					struct pid_namespace *ns)
{
	struct task_struct *leader = BPF_CORE_READ(task, group_leader);
	struct upid up;

	if (BPF_CORE_READ(leader, thread_pid, level) < level)
		return 0;
	up = task_upid(leader, level);
	return up.ns == ns ? (__u32)up.nr : 0;
}

#endif
