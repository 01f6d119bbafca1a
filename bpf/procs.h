/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Processes of containers: the runtime's set-up phase, and the fork, exec
 * and exit records user space builds its process table from (src/procs).
 *
 * Set-up, by facts a container's processes cannot forge (not comm): a task
 * is in set-up when it came into the container from the host (a host
 * parent's fork put it in the container's namespaces, or a host task entered
 * them by setns/unshare), or is a child of such a task; set-up ends at its
 * next exec, which starts the workload: the container's entrypoint (pid 1 of
 * its pid namespace) or an exec session's command. A container's own process
 * never becomes set-up: its parent is not on the host, and it is not on the
 * host when it calls setns (a task seen in a container keeps its verdict).
 * The verdict lives in the thread's stash (`setup`); syscall records of a
 * set-up task carry EF_SETUP.
 *
 * These programs run whatever the filters, so the table and the phase never
 * depend on which syscalls are traced.
 */
#ifndef CACTUS_BPF_PROCS_H
#define CACTUS_BPF_PROCS_H

#include "base.h"
#include "capture.h"
#include "kill.h"
#include "maps.h"
#include "path.h"
#include "stash.h"
#include "stats.h"
#include "task.h"

static __always_inline bool task_in_setup(struct task_struct *task)
{
	struct stash *st = stash_of(task, false);

	return st && st->setup;
}

/* Marks @task as in set-up (counted if its stash cannot be made: its set-up
 * then shows as workload, never the reverse). */
static __always_inline void mark_setup(struct task_struct *task)
{
	struct stash *st = stash_of(task, true);

	if (st)
		st->setup = 1;
	else
		count(STAT_PHASE_FULL);
}

/* Kernel dev_t of @task's controlling terminal, 0 without one. */
static __always_inline __u32 task_tty(struct task_struct *task)
{
	struct tty_struct *tty = KREAD(task, signal, tty);
	struct tty_driver *drv;

	if (!tty)
		return 0;
	drv = BPF_CORE_READ(tty, driver);
	return ((__u32)BPF_CORE_READ(drv, major) << 20) |
	       (__u32)(BPF_CORE_READ(drv, minor_start) + BPF_CORE_READ(tty, index));
}

/* A process record's common part, for @task (not necessarily current). */
static __always_inline struct cactus_event *proc_record(struct task_struct *task, __u32 type,
							const struct ns_key *key,
							unsigned int level, __u64 cg)
{
	struct cactus_event *e = event_begin();
	struct pid_namespace *ns;
	struct task_struct *parent;

	if (!e)
		return NULL;
	parent = KREAD(task, real_parent);
	ns = pid_upid_any(KREAD(task, thread_pid), level).ns;
	e->type = type;
	e->ts_boot_ns = bpf_ktime_get_boot_ns();
	e->cgroup_id = cg;
	e->pid_ns = key->pid_ns;
	e->mnt_ns = key->mnt_ns;
	e->host_pid = KREAD(task, tgid);
	e->host_tid = KREAD(task, pid);
	e->host_ppid = KREAD(parent, tgid);
	e->pid = tgid_in_ns(task, level, ns);
	e->ppid = tgid_in_ns(parent, level, ns);
	e->uid = KREAD(task, cred, uid.val);
	e->gid = KREAD(task, cred, gid.val);
	e->syscall_nr = 0;
	e->ret = 0;
	e->family = 0;
	e->port = 0;
	e->file_ino = 0;
	e->file_dev = 0;
	e->file_nlink = 0;
	__builtin_memset(e->args, 0, sizeof(e->args));
	BPF_CORE_READ_STR_INTO(&e->comm, task, comm);
	return e;
}

/* sched_process_fork, in the parent: the child's phase; a record for a new
 * process of a watched container. */
static __always_inline int on_fork(struct task_struct *parent, struct task_struct *child)
{
	struct ns_key key = {}, pkey = {};
	unsigned int level = 0, plevel = 0;
	struct cactus_event *e;
	bool known, setup;
	__u64 cg;

	if (!task_ns(child, &key, &level))
		return 0;
	setup = !task_ns(parent, &pkey, &plevel) || task_in_setup(parent);
	if (setup)
		mark_setup(child);
	if (child->pid != child->tgid)
		return 0; /* a thread: no new process */
	cg = task_cgroup_id(child);
	if (!cgroup_watched(cg, &known))
		return 0;
	e = proc_record(child, REC_PROC_FORK, &key, level, cg);
	if (!e)
		return 0;
	if (setup)
		e->flags |= EF_SETUP;
	e->args[PROC_ARG_TTY] = task_tty(child);
	if (!known)
		append_cgroup_name(e, child);
	emit(e, 0);
	return 0;
}

/* sched_process_exec, in the task: set-up ends (the workload starts); the
 * record names the file actually executed; kill rules on exec judge it. */
static __always_inline int on_exec(struct linux_binprm *bprm)
{
	struct task_struct *task = current_task();
	struct ns_key key = {};
	unsigned int level = 0;
	struct cactus_event *e;
	struct stash *st;
	struct path exe;
	bool known;
	__u64 cg, flags = 0;
	__u32 hit = 0;

	if (!task_ns(task, &key, &level))
		return 0;
	cg = task_cgroup_id(task);
	if (!cgroup_watched(cg, &known))
		return 0;
	st = stash_of(task, false);
	if (st && st->setup) {
		st->setup = 0;
		flags = pid_upid_any(KREAD(task, thread_pid), level).nr == 1 ? PROC_F_ENTRYPOINT :
									 PROC_F_EXEC_SESSION;
	}
	e = proc_record(task, REC_PROC_EXEC, &key, level, cg);
	if (!e)
		return 0;
	e->args[PROC_ARG_FLAGS] = flags;
	e->args[PROC_ARG_TTY] = task_tty(task);
	bpf_core_read(&exe, sizeof(exe), &bprm->file->f_path);
	append_task_path(e, WALK_SCRATCH, STR_PATH, task, &exe);
	set_file_id(e, BPF_CORE_READ(bprm, file, f_inode));
	append_kernel_str(e, STR_BASE, BPF_CORE_READ(bprm, filename));
	if (BPF_CORE_READ(bprm, interp) != BPF_CORE_READ(bprm, filename))
		append_kernel_str(e, STR_EXTRA, BPF_CORE_READ(bprm, interp));
	/* a kill rule on the executed file: before its first instruction */
	if (st && st->nr >= 0 && !st->kill_rule) {
		hit = enforce_kill_file(cg, st->nr, record_str(e, STR_PATH), e);
		if (hit) {
			st->kill_rule = hit;
			e->kill_rule = hit;
			e->flags |= EF_KILLED;
		}
	}
	if (!known)
		append_cgroup_name(e, task);
	emit(e, 0);
	return 0;
}

/* setns/unshare entry by a host thread (on_enter, whatever the filters): it
 * may be about to enter a container (a thread already seen in a container
 * keeps its verdict: not noted). */
static __always_inline void ns_enter_note(struct task_struct *task)
{
	struct stash *st = stash_of(task, false);
	__u32 tid = KREAD(task, pid);
	__u8 one = 1;

	if (st && !st->setup)
		return;
	bpf_map_update_elem(&ns_entering, &tid, &one, BPF_ANY);
}

/* setns/unshare exit (on_exit): a noted host thread now in a container's
 * namespaces (@in_ct) came from the host: set-up. */
static __always_inline void ns_exit_check(struct task_struct *task, long ret, bool in_ct)
{
	__u32 tid = KREAD(task, pid);

	if (!bpf_map_lookup_elem(&ns_entering, &tid))
		return;
	bpf_map_delete_elem(&ns_entering, &tid);
	if (ret == 0 && in_ct)
		mark_setup(task);
}

#endif
