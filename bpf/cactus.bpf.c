// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cactus kernel side: syscalls made inside containers, captured at entry and
 * exit. Pipeline of every program, cheapest check first:
 *
 *   syscall_conf[nr] traced?          (one array lookup; untraced: return)
 *   task namespaces == host's?        (direct loads; host task: return, at
 *                                      exit too, before any map lookup)
 *   the thread's stash                (task storage or LRU hash, see maps.h)
 *   ns_watch[(pid-ns, mnt-ns)]        (cached in the stash until watch_gen
 *                                      changes; NS_IGNORE: filtered out;
 *                                      absent: a new container, watched)
 *   entry: stash args + time          (exit: build the event, read strings, emit)
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "cactus/event.h"
#include "maps.h"
#include "task.h"
#include "path.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Wake the consumer at most once per this many ns per CPU, unless the ring
 * fills past wake_bytes: a wake-up costs microseconds per event. */
const volatile __u64 wake_interval_ns = 1000000;
const volatile __u64 wake_bytes = 1 << 20;

#define AF_UNIX 1
#define AF_INET 2
#define AF_INET6 10

static __always_inline void count(__u32 stat)
{
	__u64 *v = bpf_map_lookup_elem(&stats, &stat);

	if (v)
		*v += 1;
}

/* Argument @i of @a, 0 for CACTUS_NO_ARG. A switch, not a[i]: the verifier
 * rejects variable-offset stack reads. */
static __always_inline __u64 arg(const __u64 *a, __u8 i)
{
	switch (i) {
	case 0: return a[0];
	case 1: return a[1];
	case 2: return a[2];
	case 3: return a[3];
	case 4: return a[4];
	case 5: return a[5];
	}
	return 0;
}

static __always_inline long arg_fd(const __u64 *a, __u8 i)
{
	return i < 6 ? (long)(int)arg(a, i) : -100 /* AT_FDCWD */;
}

static __always_inline void regs_args(struct pt_regs *regs, __u64 *args)
{
	args[0] = BPF_CORE_READ(regs, di);
	args[1] = BPF_CORE_READ(regs, si);
	args[2] = BPF_CORE_READ(regs, dx);
	args[3] = BPF_CORE_READ(regs, r10);
	args[4] = BPF_CORE_READ(regs, r8);
	args[5] = BPF_CORE_READ(regs, r9);
}

/* A container's pair @key is watched (absent: a new container, watched). */
static __always_inline bool pair_watched(const struct ns_key *key, bool *known)
{
	__u8 *v = bpf_map_lookup_elem(&ns_watch, key);

	*known = v != NULL;
	return !v || *v == NS_WATCH;
}

/* The task is watched: returns true and fills @key and @level. */
static __always_inline bool watched(struct task_struct *task, struct ns_key *key,
				    unsigned int *level, bool *known)
{
	return task_ns(task, key, level) && pair_watched(key, known);
}

static __always_inline struct cactus_event *event_begin(void)
{
	__u32 zero = 0;
	struct scratch *s = bpf_map_lookup_elem(&scratch, &zero);

	if (!s)
		return NULL;
	s->e.flags = 0;
	s->e.data_len = 0;
	s->e.kill_rule = 0;
	__builtin_memset(s->e.str_len, 0, sizeof(s->e.str_len));
	return &s->e;
}

static __always_inline void fill_task(struct cactus_event *e, struct task_struct *task,
				      const struct ns_key *key, unsigned int level)
{
	struct task_struct *parent = task->real_parent;
	struct pid_namespace *ns = pid_upid_any(task->thread_pid, level).ns;
	__u64 id = bpf_get_current_pid_tgid();
	__u64 ug = bpf_get_current_uid_gid();

	e->pid_ns = key->pid_ns;
	e->mnt_ns = key->mnt_ns;
	e->host_pid = id >> 32;
	e->host_tid = (__u32)id;
	e->host_ppid = parent->tgid;
	e->pid = tgid_in_ns(task, level, ns);
	e->ppid = tgid_in_ns(parent, level, ns);
	e->uid = (__u32)ug;
	e->gid = ug >> 32;
	e->cgroup_id = bpf_get_current_cgroup_id();
	bpf_get_current_comm(e->comm, sizeof(e->comm));
}

static __always_inline void read_sockaddr(struct cactus_event *e, const void *uaddr)
{
	__u16 family = 0;

	if (!uaddr || bpf_probe_read_user(&family, sizeof(family), uaddr))
		return;
	e->family = family;
	if (family == AF_INET) {
		struct sockaddr_in sin = {};

		bpf_probe_read_user(&sin, sizeof(sin), uaddr);
		e->port = bpf_ntohs(sin.sin_port);
		__builtin_memcpy(e->addr, &sin.sin_addr, 4);
		e->flags |= EF_HAS_ADDR;
	} else if (family == AF_INET6) {
		struct sockaddr_in6 sin6 = {};

		bpf_probe_read_user(&sin6, sizeof(sin6), uaddr);
		e->port = bpf_ntohs(sin6.sin6_port);
		__builtin_memcpy(e->addr, &sin6.sin6_addr, 16);
		e->flags |= EF_HAS_ADDR;
	} else if (family == AF_UNIX) {
		const struct sockaddr_un *sun = uaddr;

		append_user_str(e, STR_PATH, sun->sun_path);
		e->flags |= EF_HAS_ADDR;
	}
}

/* argv of a failed execve: the array in the caller's (still intact) memory. */
static __always_inline void read_argv_array(struct cactus_event *e, const char *const *argv)
{
	__u32 start = e->data_len, off;

	if (!argv)
		return;
	for (int i = 0; i < CACTUS_ARGV_MAX; i++) {
		const char *p = NULL;
		long n;

		off = e->data_len;
		if (off > CACTUS_DATA_MAX - CACTUS_STR_MAX) {
			e->flags |= EF_TRUNCATED;
			break;
		}
		if (bpf_probe_read_user(&p, sizeof(p), &argv[i]) || !p)
			break;
		n = bpf_probe_read_user_str(&e->data[data_off(off)], CACTUS_STR_MAX, p);
		if (n <= 0)
			break;
		e->data_len = off + n;
	}
	if (e->data_len > start) {
		e->str_off[STR_EXTRA] = start;
		e->str_len[STR_EXTRA] = e->data_len - start - 1;
		e->flags |= EF_ARGV_NUL;
	}
}

/* argv of a successful execve: the new image's arg area. */
static __always_inline void read_argv_mm(struct cactus_event *e, struct task_struct *task)
{
	struct mm_struct *mm = task->mm;
	unsigned long start = mm->arg_start;
	unsigned long end = mm->arg_end;
	__u32 off = e->data_len, len = end - start;

	if (end <= start || off > CACTUS_DATA_MAX - CACTUS_ARGV_BYTES)
		return;
	if (len >= CACTUS_ARGV_BYTES) {
		len = CACTUS_ARGV_BYTES - 1;
		e->flags |= EF_TRUNCATED;
	}
	len &= CACTUS_ARGV_BYTES - 1;
	if (bpf_probe_read_user(&e->data[data_off(off)], len, (void *)start))
		return;
	/* arg area ends with a NUL already; drop it so the slot has no trailing NUL */
	if (len && e->data[data_off(off + len - 1)] == 0)
		len--;
	str_set(e, STR_EXTRA, off, off + len);
	e->flags |= EF_ARGV_NUL;
}

static __always_inline bool is_relative(struct cactus_event *e, int slot)
{
	return e->str_len[slot] && e->data[data_off(e->str_off[slot])] != '/';
}

static __always_inline void read_details(struct cactus_event *e, struct task_struct *task,
					 const struct syscall_conf *c, struct stash *st)
{
	__u64 *a = e->args;
	int dir_slot = STR_BASE;
	struct path dir;
	bool walk = false;

	switch (c->kind) {
	case CK_PATH:
		if (append_user_str(e, STR_PATH, (void *)arg(a, c->path_arg)) < 0)
			count(STAT_READ_ERR);
		if (is_relative(e, STR_PATH))
			walk = dir_of(task, arg_fd(a, c->dirfd_arg), &dir);
		if (append_user_str(e, STR_EXTRA, (void *)arg(a, c->path2_arg)) < 0)
			count(STAT_READ_ERR);
		break;
	case CK_FD:
		/* close: the descriptor is gone by sys_exit */
		if (e->ret < 0 || e->syscall_nr != 3) {
			walk = dir_of(task, (long)(int)arg(a, 0), &dir);
			dir_slot = STR_PATH;
		}
		break;
	case CK_EXEC:
		if (st && st->exec_len)
			append_kernel_str(e, STR_PATH, st->exec_name);
		else if (e->ret < 0)
			append_user_str(e, STR_PATH, (void *)arg(a, c->path_arg));
		if (e->ret == 0)
			read_argv_mm(e, task);
		else /* argv follows the filename: execve(f, argv), execveat(fd, f, argv) */
			read_argv_array(e, (const char *const *)arg(a, c->path_arg + 1));
		if (is_relative(e, STR_PATH))
			walk = dir_of(task, arg_fd(a, c->dirfd_arg), &dir);
		break;
	case CK_SOCKADDR:
		read_sockaddr(e, (void *)arg(a, c->addr_arg));
		break;
	}
	if (walk)
		append_task_path(e, dir_slot, task, &dir);
}

static __always_inline void append_cgroup_name(struct cactus_event *e, struct task_struct *task)
{
	const char *name = task->cgroups->dfl_cgrp->kn->name;

	append_kernel_str(e, STR_CGROUP, name);
}

static __always_inline void emit(struct cactus_event *e)
{
	__u32 len = e->data_len, zero = 0;
	__u64 flags = BPF_RB_NO_WAKEUP, now, *last;

	if (len > CACTUS_DATA_MAX)
		len = CACTUS_DATA_MAX;
	last = bpf_map_lookup_elem(&last_wake, &zero);
	now = bpf_ktime_get_ns();
	if (last && (now - *last >= wake_interval_ns ||
		     bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wake_bytes)) {
		*last = now;
		flags = BPF_RB_FORCE_WAKEUP;
	}
	if (bpf_ringbuf_output(&events, e, CACTUS_EVENT_HDR_SIZE + len, flags)) {
		struct ns_key key = { .pid_ns = e->pid_ns, .mnt_ns = e->mnt_ns };
		__u64 one = 1, *n;

		count(STAT_DROPS);
		n = bpf_map_lookup_elem(&drops_by_ns, &key);
		if (n)
			__sync_fetch_and_add(n, 1);
		else
			bpf_map_update_elem(&drops_by_ns, &key, &one, BPF_NOEXIST);
	} else {
		count(STAT_EVENTS);
	}
}

#include "enforce.h"

static __always_inline const struct syscall_conf *traced(long nr)
{
	__u32 key = (__u32)nr;
	const struct syscall_conf *c;

	if (nr < 0 || nr >= CACTUS_MAX_SYSCALLS)
		return NULL;
	c = bpf_map_lookup_elem(&syscall_conf, &key);
	return c && (c->flags & SC_TRACED) ? c : NULL;
}

static __always_inline bool is_exec(long nr)
{
	return nr == 59 /* execve */ || nr == 322 /* execveat */;
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

/* Bumped by user space after every change to ns_watch: cached verdicts
 * older than it are looked up again. */
volatile __u32 watch_gen;

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

/* Set by user space for a fraction of a second at start-up (src/calibrate.c). */
volatile __u32 calibrating;

/*
 * @tp_args: the tracepoint record's argument array (read only once the task
 * is known to be watched), or NULL to take the arguments from @regs (the
 * user registers).
 */
static __always_inline int on_enter(long nr, const __u64 *tp_args, struct pt_regs *regs,
				    bool tls)
{
	const struct syscall_conf *c = traced(nr);
	struct task_struct *task;
	struct ns_key key = {};
	unsigned int level = 0;
	struct stash *st;
	bool known;

	if (calibrating) {
		__u32 k = c != NULL;
		__u64 *n = bpf_map_lookup_elem(&calib, &k);

		if (n)
			*n += 1;
	}
	if (!c)
		return 0;
	task = bpf_get_current_task_btf();
	if (!task_ns(task, &key, &level))
		return 0;
	st = stash_get(task, true, tls);
	if (!st) {
		count(STAT_STASH_FULL);
		return 0;
	}
	if (!stash_watched(st, &key, &known))
		return 0;
	st->ts = bpf_ktime_get_boot_ns();
	if (tp_args)
		bpf_probe_read_kernel(st->args, sizeof(st->args), tp_args);
	else
		regs_args(regs, st->args);
	st->key = key;
	st->level = level;
	st->known = known;
	st->exec_len = 0;
	learn_cgroup(task, &key, st);
	st->kill_rule = enforce_kill(task, c, nr, st->args, &key);
	if (c->flags & SC_NORET) {
		/* exit/exit_group: there is no sys_exit to wait for */
		struct cactus_event *e = event_begin();

		st->nr = -1;
		if (!e)
			return 0;
		e->ts_boot_ns = st->ts;
		__builtin_memcpy(e->args, st->args, sizeof(e->args));
		e->syscall_nr = nr;
		e->ret = 0;
		e->flags |= EF_NO_EXIT;
		fill_task(e, task, &key, level);
		if (!known)
			append_cgroup_name(e, task);
		emit(e);
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
static __always_inline int on_exit(long nr, long ret, struct pt_regs *regs, bool tls)
{
	const struct syscall_conf *c = traced(nr);
	struct task_struct *task;
	struct cactus_event *e;
	struct ns_key key = {};
	unsigned int level = 0;
	struct stash *st;
	bool known = true, in_ct;

	if (!c)
		return 0;
	task = bpf_get_current_task_btf();
	/* host task: done after a few loads, unless this syscall can move it
	 * out of a container's namespaces (setns, unshare) */
	in_ct = task_ns(task, &key, &level);
	if (!in_ct && !(c->flags & SC_NSCHANGE))
		return 0;
	/* a stash for this syscall means entry saw a watched task: its
	 * namespaces then, no ns_watch lookup */
	st = stash_get(task, false, tls);
	if (st && st->nr >= 0 && (st->nr == nr || (is_exec(st->nr) && is_exec(nr)))) {
		if (st->nr != nr) {
			/* a successful execveat leaves sys_exit with execve's number */
			nr = st->nr;
			c = traced(nr);
			if (!c)
				return 0;
		}
		key = st->key;
		level = st->level;
		known = st->known;
	} else if (!in_ct || !stash_watched(st, &key, &known)) {
		return 0;
	} else {
		st = NULL;
	}
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
			regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
		regs_args(regs, e->args);
		e->flags |= EF_NO_ENTER;
		count(STAT_NO_ENTER);
	}
	e->syscall_nr = nr;
	e->ret = ret;
	e->family = 0;
	e->port = 0;
	fill_task(e, task, &key, level);
	read_details(e, task, c, st);
	if (!known)
		append_cgroup_name(e, task);
	emit(e);
	return 0;
}

/*
 * Attach flavours. All feed on_enter/on_exit; user space loads one flavour
 * (src/attach.c chooses, --attach forces).
 */

/* tp_btf (5.5+): one dispatcher on every syscall, direct loads from pt_regs. */
SEC("tp_btf/sys_enter")
int BPF_PROG(cactus_enter_btf, struct pt_regs *regs, long id)
{
	return on_enter(id, NULL, regs, true);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(cactus_exit_btf, struct pt_regs *regs, long ret)
{
	return on_exit(BPF_CORE_READ(regs, orig_ax), ret, regs, true);
}

/* raw_tp (4.17+): the same dispatcher, for kernels without tp_btf. */
SEC("raw_tp/sys_enter")
int BPF_PROG(cactus_enter_raw, struct pt_regs *regs, long id)
{
	return on_enter(id, NULL, regs, true);
}

SEC("raw_tp/sys_exit")
int BPF_PROG(cactus_exit_raw, struct pt_regs *regs, long ret)
{
	return on_exit(BPF_CORE_READ(regs, orig_ax), ret, regs, true);
}

/*
 * tracepoint: one program attached by user space to syscalls:sys_enter_<name>
 * and sys_exit_<name> of each traced syscall only, so untraced syscalls run
 * no BPF at all. The records' layout is the same for every syscall.
 */
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

SEC("tracepoint")
int cactus_enter_tp(struct syscall_enter_ctx *ctx)
{
	return on_enter(ctx->nr, ctx->args, NULL, true);
}

SEC("tracepoint")
int cactus_exit_tp(struct syscall_exit_ctx *ctx)
{
	return on_exit(ctx->nr, ctx->ret, NULL, true);
}

/*
 * fentry and kprobe: on the per-syscall functions <prefix>sys_<name> (x86:
 * __x64_sys_openat), which take the user registers as their one argument.
 * User space attaches to the traced syscalls only, so untraced syscalls run
 * no BPF and stay off the syscall slow path.
 *
 * Limit of both: a syscall refused before dispatch (seccomp, ptrace or audit
 * in syscall_trace_enter) never reaches its sys_ function, so these modes see
 * nothing of it; the tracepoint, tp_btf and raw_tp modes do (sys_exit fires).
 */

/* Entry through a sys_ function: arguments and nr from the user registers. */
static __always_inline int enter_user_regs(const struct pt_regs *regs)
{
	return on_enter(BPF_CORE_READ(regs, orig_ax), NULL, (struct pt_regs *)regs, false);
}

/* fentry/fexit (5.5+): user space loads these against one sys_ function and
 * clones the verified instructions for every other traced one (src/attach.c). */
SEC("fentry")
int BPF_PROG(cactus_enter_fentry, const struct pt_regs *regs)
{
	return enter_user_regs(regs);
}

SEC("fexit")
int BPF_PROG(cactus_exit_fexit, const struct pt_regs *regs, long ret)
{
	return on_exit(BPF_CORE_READ(regs, orig_ax), ret, (struct pt_regs *)regs, false);
}

/* kprobe/kretprobe, as in the paper: attached by user space per sys_ function. */
SEC("kprobe")
int BPF_KPROBE(cactus_enter_kp, const struct pt_regs *regs)
{
	return enter_user_regs(regs);
}

/* The kretprobe has only the return value: nr and (if needed) arguments come
 * from the task's saved user registers. */
SEC("kretprobe")
int BPF_KRETPROBE(cactus_exit_kp, long ret)
{
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());

	return on_exit(BPF_CORE_READ(regs, orig_ax), ret, regs, false);
}

/*
 * BPF-LSM deny (5.7+, `bpf` in the LSM list): open and exec of a path listed
 * in deny_paths fail with EPERM for watched tasks only. The path is the full
 * path as the task sees it (bpf_d_path: from the task's root, across mounts),
 * so the key is what a user writes in a rule, not a guess from the last two
 * dentry names (which a bind mount or a same-named directory elsewhere would
 * fool). bpf_d_path needs a sleepable hook: these are lsm.s programs.
 */
static __always_inline bool deny_path(const struct path *path)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct deny_key key = {};
	struct ns_key ns = {};
	unsigned int level = 0;
	bool known;
	long n;

	if (!watched(task, &ns, &level, &known))
		return false;
	n = bpf_d_path((struct path *)path, key.path, sizeof(key.path));
	if (n <= 0 || n > (long)sizeof(key.path))
		return false;
	/* d_path builds the string at the buffer's end: clear what is left of
	 * it after the NUL, the key is compared over all 256 bytes */
	for (int i = 0; i < (int)sizeof(key.path); i++) {
		if (i >= n)
			key.path[i] = 0;
	}
	return bpf_map_lookup_elem(&deny_paths, &key) != NULL;
}

SEC("lsm.s/file_open")
int BPF_PROG(cactus_deny_open, struct file *file, int ret)
{
	if (ret)
		return ret;
	return deny_path(&file->f_path) ? -EPERM : 0;
}

SEC("lsm.s/bprm_check_security")
int BPF_PROG(cactus_deny_exec, struct linux_binprm *bprm, int ret)
{
	if (ret)
		return ret;
	return deny_path(&bprm->file->f_path) ? -EPERM : 0;
}
