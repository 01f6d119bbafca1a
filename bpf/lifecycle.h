/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A container's life as the kernel sees it, for user space to end its
 * records in order: the exit of a container's init (pid 1 of its pid
 * namespace: the namespace pair is free for reuse once it dies), and the
 * removal of a cgroup user space knows (the container is gone). Both go
 * through the same ring as the syscalls, after every record of the
 * container's processes. Raw tracepoints (4.17+): they fire rarely, so the
 * untyped access costs nothing that matters.
 */
#ifndef CACTUS_BPF_LIFECYCLE_H
#define CACTUS_BPF_LIFECYCLE_H

#include "base.h"
#include "capture.h"
#include "maps.h"
#include "task.h"

/* sched_process_exit, in the exiting task, when the last thread of a
 * container process exits, whatever the filters (ret = its exit_code): for
 * the container's init always, for the process table (src/procs) the others
 * of watched containers. */
static __always_inline int on_task_exit(void)
{
	struct task_struct *task = current_task();
	struct cactus_event *e;
	struct ns_key key = {};
	unsigned int level = 0;

	/* cheapest first: the thread group is not dead yet, or a host task */
	if (KREAD(task, signal, live.counter) != 0 || !task_ns(task, &key, &level))
		return 0;
	e = event_begin();
	if (!e)
		return 0;
	fill_task(e, task, &key, level, task_cgroup_id(task));
	if (e->pid != 1 || level == 0) {
		bool known;

		if (!cgroup_watched(e->cgroup_id, &known))
			return 0;
		e->type = REC_PROC_EXIT;
	} else {
		e->type = REC_INIT_EXIT;
	}
	e->ts_boot_ns = bpf_ktime_get_boot_ns();
	e->ret = KREAD(task, exit_code);
	e->syscall_nr = 0;
	e->family = 0;
	e->port = 0;
	__builtin_memset(e->args, 0, sizeof(e->args));
	/* an init's exit is never throttled: it ends the container */
	emit_record(e, 0, e->type != REC_INIT_EXIT);
	return 0;
}

/* cgroup_rmdir: a record for a cgroup v2 cgroup that user space knows. */
static __always_inline int on_cgroup_rmdir(struct cgroup *cgrp)
{
	__u64 cg = BPF_CORE_READ(cgrp, kn, id);
	struct cactus_event *e;

	/* hierarchy 0 is cgroup v2's; v1 hierarchies have ids of their own */
	if (BPF_CORE_READ(cgrp, root, hierarchy_id) != 0 ||
	    !bpf_map_lookup_elem(&cgroup_watch, &cg))
		return 0;
	e = event_begin();
	if (!e)
		return 0;
	__builtin_memset(e, 0, CACTUS_EVENT_HDR_SIZE);
	e->type = REC_CGROUP_RMDIR;
	e->ts_boot_ns = bpf_ktime_get_boot_ns();
	e->cgroup_id = cg;
	emit_record(e, 0, false);
	return 0;
}

#endif
