// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cactus kernel side: syscalls made inside containers, captured at entry and
 * exit. Pipeline of every program, cheapest check first:
 *
 *   syscall_conf[nr] traced?          (one array lookup; untraced: return)
 *   task namespaces == host's?        (direct loads; host task: return, at
 *                                      exit too, before any map lookup)
 *   the thread's stash                (task storage or LRU hash, see maps.h)
 *   cgroup_watch[cgroup id]           (cached in the stash until watch_gen
 *                                      changes; WATCH_IGNORE: filtered out;
 *                                      absent: a new cgroup, watched, its
 *                                      names sent)
 *   entry: stash args + time          (kill rules: kill.h; deny learning: deny.h)
 *   exit: build the record, read strings, emit          (capture.h)
 *
 * Where things are: maps.h every map; task.h who is calling; sysconf.h the
 * per-syscall facts user space wrote; stash.h the per-thread stash; record.h
 * the record's string slots; path.h dentry walks; capture.h building and
 * emitting a record; kill.h kill rules at entry; deny.h network and file
 * deny; lifecycle.h a container's init exit and cgroup removal; uring.h
 * io_uring requests as records of their syscall twins. This file
 * holds every program: the attach flavours, the lifecycle programs, then the
 * deny programs. It is compiled twice (compat.h): with bpf_loop, and without
 * (CACTUS_NOLOOP: programs named <name>_noloop). A program that does not
 * loop is in the first object only; the LSM walk programs, for kernels
 * without bpf_loop, in the second only.
 */
#include "base.h"
#include "capture.h"
#include "deny.h"
#include "kill.h"
#include "lifecycle.h"
#include "maps.h"
#include "procs.h"
#include "stash.h"
#include "stats.h"
#include "sysconf.h"
#include "task.h"
#include "uring.h"

#ifndef CACTUS_NOLOOP
char LICENSE[] SEC("license") = "Dual BSD/GPL";
#endif

/* A syscall counted but not traced (SCF_COUNTED), with result @ret: its
 * task's cgroup, if watched, counts it. No stash, no record. */
static __always_inline void count_untraced(struct task_struct *task,
					   const struct syscall_conf *c, long ret)
{
	__u64 cg = task_cgroup_id(task);
	bool known;

	if (stash_watched(NULL, cg, &known))
		count_syscall(cg, c->slot, ret);
}

/* Set by user space for a fraction of a second at start-up (src/calibrate.c). */
volatile __u32 calibrating __weak;

/*
 * @tp_args: the tracepoint record's argument array (read only once the task
 * is known to be watched), or NULL to take the arguments from @regs (the
 * user registers).
 */
static __always_inline int on_enter(long nr, const __u64 *tp_args, struct pt_regs *regs)
{
	const struct syscall_conf *c = traced(nr);
	struct task_struct *task;
	struct ns_key key = {};
	unsigned int level = 0;
	struct stash *st;
	bool known;
	__u64 cg;

	if (calibrating) {
		__u32 k = c != NULL;
		__u64 *n = bpf_map_lookup_elem(&calib, &k);

		if (n)
			*n += 1;
	}
	if (!c || !active())
		return 0;
	task = current_task();
	if (!task_ns(task, &key, &level)) {
		if (c->flags & SCF_NSCHANGE)
			ns_enter_note(task);
		return 0;
	}
	if (!(c->flags & SCF_TRACED)) {
		/* counted only: at sys_exit, or here for exit/exit_group */
		if ((c->flags & (SCF_COUNTED | SCF_NORET)) == (SCF_COUNTED | SCF_NORET))
			count_untraced(task, c, 0);   /* they do not fail */
		return 0;
	}
	st = stash_of(task, true);
	if (!st) {
		count(STAT_STASH_FULL);
		return 0;
	}
	cg = task_cgroup_id(task);
	if (!stash_watched(st, cg, &known))
		return 0;
	st->ts = bpf_ktime_get_boot_ns();
	if (tp_args)
		bpf_probe_read_kernel(st->args, sizeof(st->args), tp_args);
	else
		regs_args(regs, st->args);
	st->key = key;
	st->cg = cg;
	st->level = level;
	st->known = known;
	st->exec_len = 0;
	learn_cgroup(task, &key, cg, st);
	/* the runtime's set-up is not the workload: no kill rule fires on it */
	st->kill_rule = st->setup ? 0 : enforce_kill(task, c, nr, st->args, cg);
	if (c->flags & SCF_NORET) {
		/* exit/exit_group: there is no sys_exit to wait for */
		struct cactus_event *e;

		count_syscall(cg, c->slot, 0);
		e = event_begin();

		st->nr = -1;
		if (!e)
			return 0;
		e->ts_boot_ns = st->ts;
		__builtin_memcpy(e->args, st->args, sizeof(e->args));
		e->syscall_nr = nr;
		e->ret = 0;
		e->flags |= EF_NO_EXIT | (st->setup ? EF_SETUP : 0);
		fill_task(e, task, &key, level, cg);
		if (!known)
			append_cgroup_name(e, task);
		emit(e, c->category);
		return 0;
	}
	st->nr = nr;
	if (c->kind == CK_EXEC) {
		long n = bpf_probe_read_user_str(st->exec_name, sizeof(st->exec_name),
						 (void *)arg(st->args, c->path_arg));

		st->exec_len = n > 0 ? n : 0;
	}
	return 0;
}

/* @regs: the user registers saved at syscall entry, or NULL if the hook
 * does not have them (then they are found from the task, only if needed). */
static __always_inline int on_exit(long nr, long ret, struct pt_regs *regs)
{
	const struct syscall_conf *c = traced(nr);
	struct task_struct *task;
	struct cactus_event *e;
	struct ns_key key = {};
	unsigned int level = 0;
	struct stash *st;
	bool known = true, in_ct, setup;
	__u64 cg = 0;

	if (!c || !active())
		return 0;
	task = current_task();
	/* host task: done after a few loads, unless this syscall can move it
	 * out of a container's namespaces (setns, unshare) */
	in_ct = task_ns(task, &key, &level);
	if (c->flags & SCF_NSCHANGE) {
		ns_exit_check(task, ret, in_ct);
		if (!(c->flags & (SCF_TRACED | SCF_COUNTED)) || !in_ct)
			return 0;
	} else if (!in_ct) {
		return 0;
	}
	if (!(c->flags & SCF_TRACED)) {
		count_untraced(task, c, ret);
		return 0;
	}
	/* a stash for this syscall means entry saw a watched task: its
	 * namespaces and cgroup then, no cgroup_watch lookup */
	st = stash_of(task, false);
	/* set-up is the task's state now, whether or not entry was seen (a
	 * host task's setns that just moved it into a container) */
	setup = st && st->setup;
	if (st && st->nr >= 0 && st->nr != nr && (c->flags & SCF_EXEC)) {
		/* a successful execveat leaves sys_exit with execve's number */
		const struct syscall_conf *c2 = traced(st->nr);

		if (c2 && (c2->flags & SCF_EXEC)) {
			nr = st->nr;
			c = c2;
		}
	}
	if (st && st->nr >= 0 && st->nr == nr) {
		key = st->key;
		cg = st->cg;
		level = st->level;
		known = st->known;
	} else if (!in_ct || !stash_watched(st, cg = task_cgroup_id(task), &known)) {
		return 0;
	} else {
		st = NULL;
	}
	/* counted whatever becomes of its record */
	count_syscall(cg, c->slot, ret);
	e = event_begin();
	if (!e)
		return 0;

	if (st) {
		e->ts_boot_ns = st->ts;
		__builtin_memcpy(e->args, st->args, sizeof(e->args));
		e->kill_rule = st->kill_rule;
		if (st->kill_rule)
			e->flags |= EF_KILLED;
		st->nr = -1;
	} else {
		/* e.g. refused by seccomp before sys_enter: args are still in pt_regs */
		e->ts_boot_ns = bpf_ktime_get_boot_ns();
		if (!regs)
			regs = current_pt_regs(task);
		regs_args(regs, e->args);
		e->flags |= EF_NO_ENTER;
		count(STAT_NO_ENTER);
	}
	e->syscall_nr = nr;
	e->ret = ret;
	e->family = 0;
	e->port = 0;
	if (setup)
		e->flags |= EF_SETUP;
	fill_task(e, task, &key, level, cg);
	read_details(e, task, c, st);
	/* an open judged by the file it opened (any spelling, hard links):
	 * killed before it returns to user space with the fd */
	if ((c->flags & SCF_ENFORCE) && (e->flags & EF_RESOLVED) && st && !setup &&
	    !e->kill_rule) {
		e->kill_rule = enforce_kill_file(cg, nr, record_str(e, STR_PATH), e);
		if (e->kill_rule)
			e->flags |= EF_KILLED;
	}
	if (!known)
		append_cgroup_name(e, task);
	emit(e, c->category);
	return 0;
}

/*
 * Attach flavours. All feed on_enter/on_exit; user space loads one flavour
 * (src/kernel chooses, --attach forces), in one of two variants: with
 * bpf_loop (5.17+), or `_noloop` with loops of a constant bound (compat.h).
 */

/* tracepoint: the record layout, the same for every syscall. */
struct syscall_enter_ctx {
	__u64 ent;      /* struct trace_entry */
	int nr;         /* a syscall without arguments has nothing past nr:
			 * reading a long here would make attaching fail (EACCES) */
	int pad;
	__u64 args[6];  /* only as many as the syscall has; read with probe_read */
};

struct syscall_exit_ctx {
	__u64 ent;
	int nr;
	int pad;
	long ret;
};

/* fentry/fexit and kprobe entry: nr and arguments from the user registers
 * (the sys_ function's one argument). */
static __always_inline int enter_user_regs(const struct pt_regs *regs)
{
	return on_enter(BPF_CORE_READ(regs, orig_ax), NULL, (struct pt_regs *)regs);
}

/* The sys_ function's argument, or the task's saved registers where the
 * kernel's BTF does not type that argument (regs_from_task, compat.h). */
static __always_inline struct pt_regs *fentry_regs(unsigned long long *ctx)
{
	if (regs_from_task)
		return current_pt_regs(current_task());
	return (struct pt_regs *)ctx[0];
}

/* tp_btf (5.5+): one dispatcher on every syscall, direct loads from pt_regs. */
SEC("tp_btf/sys_enter")
int VARIANT_PROG(cactus_enter_btf, struct pt_regs *regs, long id)
{
	return on_enter(id, NULL, regs);
}

SEC("tp_btf/sys_exit")
int VARIANT_PROG(cactus_exit_btf, struct pt_regs *regs, long ret)
{
	return on_exit(BPF_CORE_READ(regs, orig_ax), ret, regs);
}

/* raw_tp (4.17+): the same dispatcher, for kernels without tp_btf. */
SEC("raw_tp/sys_enter")
int VARIANT_PROG(cactus_enter_raw, struct pt_regs *regs, long id)
{
	return on_enter(id, NULL, regs);
}

SEC("raw_tp/sys_exit")
int VARIANT_PROG(cactus_exit_raw, struct pt_regs *regs, long ret)
{
	return on_exit(BPF_CORE_READ(regs, orig_ax), ret, regs);
}

/* tracepoint: attached by user space to syscalls:sys_enter_<name> and
 * sys_exit_<name> of each traced syscall only: untraced syscalls run no BPF. */
SEC("tracepoint")
int VARIANT(cactus_enter_tp)(struct syscall_enter_ctx *ctx)
{
	return on_enter(ctx->nr, ctx->args, NULL);
}

SEC("tracepoint")
int VARIANT(cactus_exit_tp)(struct syscall_exit_ctx *ctx)
{
	return on_exit(ctx->nr, ctx->ret, NULL);
}

/* fentry/fexit (5.5+): loaded against one sys_ function, the verified
 * instructions cloned for every other traced one (src/kernel/fentry.c). */
SEC("fentry")
int VARIANT(cactus_enter_fentry)(unsigned long long *ctx)
{
	return enter_user_regs(fentry_regs(ctx));
}

SEC("fexit")
int VARIANT(cactus_exit_fexit)(unsigned long long *ctx)
{
	struct pt_regs *regs = fentry_regs(ctx);

	return on_exit(BPF_CORE_READ(regs, orig_ax), (long)ctx[1], regs);
}

/* kprobe/kretprobe, as in the paper: attached by user space per sys_ function. */
SEC("kprobe")
int VARIANT_KPROBE(cactus_enter_kp, const struct pt_regs *regs)
{
	return enter_user_regs(regs);
}

/* The kretprobe has only the return value: nr and (if needed) arguments come
 * from the task's saved user registers. */
SEC("kretprobe")
int VARIANT_KRETPROBE(cactus_exit_kp, long ret)
{
	struct pt_regs *regs = current_pt_regs(current_task());

	return on_exit(BPF_CORE_READ(regs, orig_ax), ret, regs);
}

/*
 * Limit of the fentry and kprobe flavours: a syscall refused before dispatch
 * (seccomp, ptrace or audit in syscall_trace_enter) never reaches its sys_
 * function, so they see nothing of it; the tracepoint, tp_btf and raw_tp
 * flavours do (sys_exit fires).
 */

/*
 * Lifecycle programs (lifecycle.h, procs.h): attached in every mode. Only
 * exec's walks a path, and comes in both variants.
 */
SEC("tp_btf/sched_process_exec")
int VARIANT_PROG(cactus_task_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	return active() ? on_exec(bprm) : 0;
}

#ifndef CACTUS_NOLOOP
SEC("tp_btf/sched_process_fork")
int BPF_PROG(cactus_task_fork, struct task_struct *parent, struct task_struct *child)
{
	return active() ? on_fork(parent, child) : 0;
}

SEC("raw_tp/sched_process_exit")
int BPF_PROG(cactus_task_exit, struct task_struct *p)
{
	return active() ? on_task_exit() : 0;
}

SEC("raw_tp/cgroup_rmdir")
int BPF_PROG(cactus_cgroup_rmdir, struct cgroup *cgrp, const char *path)
{
	return active() ? on_cgroup_rmdir(cgrp) : 0;
}
#endif

/*
 * io_uring programs (uring.h): raw tracepoints, in every mode, on kernels
 * with io_uring; user space attaches the pair that fits the kernel's
 * tracepoint arguments (src/kernel/uring.c).
 */
/* io_uring_submit_req(req) (6.4+), io_uring_submit_sqe(req, bool) (6.0-6.3) */
SEC("raw_tp")
int VARIANT_PROG(cactus_uring_submit, struct io_kiocb *req)
{
	return on_uring_submit(req);
}

/* io_uring_submit_sqe(ctx, req, opcode, user_data, ...) (5.x) */
SEC("raw_tp")
int VARIANT_PROG(cactus_uring_submit_old, void *ring, struct io_kiocb *req)
{
	return on_uring_submit(req);
}

/* io_uring_complete(ctx, req, cqe) (6.18) */
SEC("raw_tp")
int VARIANT_PROG(cactus_uring_complete, void *ring, struct io_kiocb *req, struct io_uring_cqe *cqe)
{
	return on_uring_complete(req, BPF_CORE_READ(cqe, res));
}

/* io_uring_complete(ctx, req, user_data, res, cflags, extra1, extra2) (6.0+) */
SEC("raw_tp")
int VARIANT_PROG(cactus_uring_complete_res, void *ring, struct io_kiocb *req, __u64 user_data,
		 int res)
{
	return on_uring_complete(req, res);
}

/*
 * Deny programs (deny.h): a syscall of a container fails with EPERM.
 * The cgroup ones are attached at the cgroup v2 root by user space when a
 * network deny rule exists; the LSM ones (5.7+, `bpf` in the kernel's LSM
 * list; sleepable for bpf_d_path) when deny_paths has an entry or a kill
 * rule is on a path (refused and killed, deny.h).
 */
SEC("cgroup/connect4")
int VARIANT(cactus_deny_connect4)(struct bpf_sock_addr *ctx)
{
	/* not live: the live agent's program decides */
	return active() ? sock_verdict(ctx, AF_INET, DR_CONNECT) : 1;
}

SEC("cgroup/connect6")
int VARIANT(cactus_deny_connect6)(struct bpf_sock_addr *ctx)
{
	return active() ? sock_verdict(ctx, AF_INET6, DR_CONNECT) : 1;
}

SEC("cgroup/bind4")
int VARIANT(cactus_deny_bind4)(struct bpf_sock_addr *ctx)
{
	return active() ? sock_verdict(ctx, AF_INET, DR_BIND) : 1;
}

SEC("cgroup/bind6")
int VARIANT(cactus_deny_bind6)(struct bpf_sock_addr *ctx)
{
	return active() ? sock_verdict(ctx, AF_INET6, DR_BIND) : 1;
}

#ifndef CACTUS_NOLOOP
SEC("lsm.s/file_open")
int BPF_PROG(cactus_deny_open, struct file *file, int ret)
{
	if (ret || !active())
		return ret;
	return lsm_verdict(file, true, false);
}

SEC("lsm.s/bprm_check_security")
int BPF_PROG(cactus_deny_exec, struct linux_binprm *bprm, int ret)
{
	if (ret || !active())
		return ret;
	return lsm_verdict(bprm->file, true, true);
}
#else
/* Where LSM hooks may not sleep nor call bpf_d_path (before 5.11), or the
 * kill rules' loop has no bpf_loop (before 5.17): the walk. */
SEC("lsm/file_open")
int BPF_PROG(cactus_deny_open_walk, struct file *file, int ret)
{
	if (ret || !active())
		return ret;
	return lsm_verdict(file, false, false);
}

SEC("lsm/bprm_check_security")
int BPF_PROG(cactus_deny_exec_walk, struct linux_binprm *bprm, int ret)
{
	if (ret || !active())
		return ret;
	return lsm_verdict(bprm->file, false, true);
}
#endif
