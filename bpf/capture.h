/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Building one record: the caller's identity (task.h), the syscall's details
 * (paths, argv, socket address) as its conf says, then the copy into the ring
 * with batched wake-ups. Every record that cannot be written is counted.
 */
#ifndef CACTUS_BPF_CAPTURE_H
#define CACTUS_BPF_CAPTURE_H

#include "base.h"
#include "maps.h"
#include "path.h"
#include "record.h"
#include "stats.h"
#include "sysconf.h"
#include "task.h"

/* Wake the consumer at most once per this many ns per CPU, unless the ring
 * fills past wake_bytes: a wake-up costs microseconds per event. */
const volatile __u64 wake_interval_ns __weak = 1000000;
const volatile __u64 wake_bytes __weak = 1 << 20;

/* The per-CPU scratch record, emptied, or NULL. */
static __always_inline struct cactus_event *event_begin(void)
{
	__u32 zero = 0;
	struct scratch *s = bpf_map_lookup_elem(&scratch, &zero);

	if (!s)
		return NULL;
	s->e.flags = 0;
	s->e.kill_rule = 0;
	s->e.type = REC_SYSCALL;
	s->e.file_ino = 0;
	s->e.file_dev = 0;
	s->e.file_nlink = 0;
	s->e.uring_thread = 0;
	s->e.uring_op = 0;
	record_clear_strs(&s->e);
	return &s->e;
}

/* The caller's identity: direct loads from the BTF task where there is
 * one (a helper call each costs more than the loads), else helpers. */
static __always_inline void fill_task(struct cactus_event *e, struct task_struct *task,
				      const struct ns_key *key, unsigned int level, __u64 cg)
{
	struct task_struct *parent = KREAD(task, real_parent);
	struct pid_namespace *ns = pid_upid_any(KREAD(task, thread_pid), level).ns;
	__u64 id = bpf_get_current_pid_tgid();

	e->pid_ns = key->pid_ns;
	e->mnt_ns = key->mnt_ns;
	e->host_pid = id >> 32;
	e->host_tid = (__u32)id;
	e->host_ppid = KREAD(parent, tgid);
	e->pid = tgid_in_ns(task, level, ns);
	e->ppid = tgid_in_ns(parent, level, ns);
	e->cgroup_id = cg;
	if (have_task_btf) {
		/* comm's last byte is always NUL (__set_task_comm pads) */
		const __u64 *comm = (const __u64 *)task->comm;
		const struct cred *cred = task->cred;

		e->uid = cred->uid.val;
		e->gid = cred->gid.val;
		__builtin_memcpy(&e->comm[0], &comm[0], 8);
		__builtin_memcpy(&e->comm[8], &comm[1], 8);
	} else {
		__u64 ug = bpf_get_current_uid_gid();

		e->uid = (__u32)ug;
		e->gid = ug >> 32;
		bpf_get_current_comm(e->comm, sizeof(e->comm));
	}
}

/* file_* of @e: the identity of @inode (direct loads where have_cast; else
 * i_sb, i_ino and the link count are close: one read, then the device). */
static __always_inline void set_file_id(struct cactus_event *e, struct inode *inode)
{
	__u32 so = bpf_core_field_offset(struct inode, i_sb);
	__u32 io = bpf_core_field_offset(struct inode, i_ino);
	__u32 no = bpf_core_field_offset(struct inode, __i_nlink);
	__u32 lo = min_u32(so, min_u32(io, no));
	__u32 hi = max_u32(so + 8, max_u32(io + 8, no + 4));
	struct super_block *sb;
	__u8 buf[SPAN_MAX];

	if (have_cast) {
		struct inode *ci = KCAST(inode, struct inode);

		e->file_ino = ci->i_ino;
		e->file_nlink = ci->__i_nlink;
		e->file_dev = ci->i_sb->s_dev;
		return;
	}
	if (read_span(buf, inode, lo, hi)) {
		e->file_ino = BPF_CORE_READ(inode, i_ino);
		e->file_nlink = BPF_CORE_READ(inode, __i_nlink);
		sb = BPF_CORE_READ(inode, i_sb);
	} else {
		e->file_ino = SPAN_AT(buf, lo, io, __u64);
		e->file_nlink = SPAN_AT(buf, lo, no, __u32);
		sb = SPAN_AT(buf, lo, so, struct super_block *);
	}
	e->file_dev = BPF_CORE_READ(sb, s_dev);
}

/* An open file's path and inode: direct loads where have_cast, else one
 * read (f_path and f_inode are close). */
static __always_inline bool file_path_inode(struct file *f, struct path *fp,
					    struct inode **inode)
{
	__u32 po = bpf_core_field_offset(struct file, f_path);
	__u32 io = bpf_core_field_offset(struct file, f_inode);
	__u32 lo = min_u32(po, io), hi = max_u32(po + sizeof(struct path), io + 8);
	__u8 buf[SPAN_MAX];

	if (have_cast) {
		struct file *cf = KCAST(f, struct file);

		fp->dentry = cf->f_path.dentry;
		fp->mnt = cf->f_path.mnt;
		*inode = cf->f_inode;
		return true;
	}
	if (read_span(buf, f, lo, hi)) {
		*inode = BPF_CORE_READ(f, f_inode);
		return !bpf_core_read(fp, sizeof(*fp), &f->f_path);
	}
	fp->dentry = SPAN_AT(buf, lo, po + offsetof(struct path, dentry), struct dentry *);
	fp->mnt = SPAN_AT(buf, lo, po + offsetof(struct path, mnt), struct vfsmount *);
	*inode = SPAN_AT(buf, lo, io, struct inode *);
	return true;
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
	struct mm_struct *mm = KREAD(task, mm);
	unsigned long start = KREAD(mm, arg_start);
	unsigned long end = KREAD(mm, arg_end);
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

/*
 * A successful open: the file the kernel opened, as the task sees it from
 * its root (whatever the spelling: `..`, `//`, symlinks, /proc/self/root,
 * /proc/self/fd/N, a path longer than a string slot) in STR_PATH, its
 * identity in file_*, the path as passed in STR_BASE. False if the fd is
 * not there (closed by another thread meanwhile): the spelling is used.
 */
static __always_inline bool resolve_opened(struct cactus_event *e, struct task_struct *task,
					   const struct syscall_conf *c)
{
	struct file *f = task_fd_file(task, e->ret);
	struct inode *inode;
	struct path fp;

	if (!f || !file_path_inode(f, &fp, &inode))
		return false;
	if (append_user_str(e, STR_BASE, (void *)arg(e->args, c->path_arg)) < 0)
		count(STAT_READ_ERR);
	append_task_path(e, WALK_SCRATCH, STR_PATH, task, &fp);
	set_file_id(e, inode);
	e->flags |= EF_RESOLVED;
	return true;
}

/*
 * An open BPF-LSM refused (deny.h lsm_note): the file it refused, as the
 * task sees it, in STR_PATH, its identity in file_*, the path as passed in
 * STR_BASE, as for a successful open: the rules judge the file, whatever
 * the spelling.
 */
static __always_inline void refused_opened(struct cactus_event *e, const struct syscall_conf *c,
					   const struct stash *st)
{
	if (append_user_str(e, STR_BASE, (void *)arg(e->args, c->path_arg)) < 0)
		count(STAT_READ_ERR);
	append_kernel_str(e, STR_PATH, st->exec_name);
	e->file_ino = st->refused_ino;
	e->file_dev = st->refused_dev;
	e->flags |= EF_RESOLVED;
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
		if ((c->flags & SCF_OPEN) && e->ret >= 0 && resolve_opened(e, task, c))
			break;
		if ((c->flags & SCF_OPEN) && e->ret < 0 && st && st->exec_len) {
			refused_opened(e, c, st);
			break;
		}
		if (append_user_str(e, STR_PATH, (void *)arg(a, c->path_arg)) < 0)
			count(STAT_READ_ERR);
		if (is_relative(e, STR_PATH))
			walk = dir_of(task, arg_fd(a, c->dirfd_arg), &dir);
		if (append_user_str(e, STR_EXTRA, (void *)arg(a, c->path2_arg)) < 0)
			count(STAT_READ_ERR);
		break;
	case CK_FD:
		/* close: the descriptor is gone by sys_exit (unless it failed) */
		if (e->ret < 0 || !(c->flags & SCF_FD_GONE)) {
			walk = dir_of(task, arg_fd(a, c->fd_arg), &dir);
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
		append_task_path(e, WALK_SCRATCH, dir_slot, task, &dir);
}

/* "parent/leaf" of the task's cgroup v2, for a cgroup user space does not
 * know yet: enough to name the container if the cgroup is gone by the time
 * user space reads the record ("docker/<id>", "k8s.io/<ctr id>",
 * "libpod-<id>.scope/container"). */
static __always_inline void append_cgroup_name(struct cactus_event *e, struct task_struct *task)
{
	struct kernfs_node *kn = KREAD(task, cgroups, dfl_cgrp, kn);
	struct kernfs_node *parent = kn_parent(kn);
	__u32 off = e->data_len;

	if (off > CACTUS_DATA_MAX - 2 * CACTUS_STR_MAX)
		return;
	/* the parent's NUL becomes the separator; the root's name is "" */
	if (parent && kn_parent(parent) &&
	    !append_kernel_str(e, STR_CGROUP, BPF_CORE_READ(parent, name)) && e->data_len > off + 1)
		e->data[data_off(e->data_len - 1)] = '/';
	if (append_kernel_str(e, STR_CGROUP, BPF_CORE_READ(kn, name)) && e->data_len > off)
		e->data[data_off(e->data_len - 1)] = 0; /* leaf unreadable: "parent/" ends here */
	if (e->data_len > off + 1) {
		e->str_off[STR_CGROUP] = off;
		e->str_len[STR_CGROUP] = e->data_len - 1 - off;
	}
}

/*
 * A flood cannot hide another container's records: while the ring holds more
 * than pressure_bytes, each container may add only budget_bytes per window,
 * a window being the time the consumer takes to read budget_window_bytes
 * (measured by its position in the ring, not by a clock: a stalled consumer
 * opens no new window, so no container can fill the ring for the others);
 * past that its records are dropped and counted as its own loss
 * (STAT_THROTTLED, drops_by_cgroup), and its next record that gets through
 * is preceded by a gap record saying how many it lost, of which categories,
 * when. Losses to a full ring are told the same way. Set before load from
 * the ring size (src/kernel).
 */
const volatile __u64 pressure_bytes __weak = 8 << 20;
const volatile __u32 budget_bytes __weak = 2 << 20;
const volatile __u64 budget_window_bytes __weak = 4 << 20;

/* Containers with an unreported loss (a hint, updated without atomics'
 * results, which 5.10 lacks: while 0, no record looks its budget up). */
volatile __u32 gaps_pending __weak;

static __always_inline struct budget *budget_of(__u64 cg, bool create)
{
	struct budget *b = bpf_map_lookup_elem(&budgets, &cg);
	struct budget zero = {};

	if (b || !create)
		return b;
	bpf_map_update_elem(&budgets, &cg, &zero, BPF_NOEXIST);
	return bpf_map_lookup_elem(&budgets, &cg);
}

static __always_inline void note_loss(struct budget *b, __u8 cat, __u32 cause)
{
	__u64 now = bpf_ktime_get_boot_ns();

	if (!b)
		return;
	if (!b->lost) {
		b->first_loss = now;
		__sync_fetch_and_add(&gaps_pending, 1);
	}
	__sync_fetch_and_add(&b->lost, 1);
	b->last_loss = now;
	b->cats |= 1U << (cat & 15);
	b->cause |= cause;
}

/* The gap record of @b's cgroup, before @e (which got through). */
static __always_inline void write_gap(const struct cactus_event *e, struct budget *b)
{
	struct cactus_event *g = bpf_ringbuf_reserve(&events, CACTUS_EVENT_HDR_SIZE, 0);
	__u32 lost = b->lost;

	if (!g)
		return; /* the next record tries again */
	__builtin_memset(g, 0, CACTUS_EVENT_HDR_SIZE);
	g->type = REC_GAP;
	g->ts_boot_ns = b->first_loss;
	g->cgroup_id = e->cgroup_id;
	g->pid_ns = e->pid_ns;
	g->mnt_ns = e->mnt_ns;
	g->args[GAP_LAST_TS] = b->last_loss;
	g->args[GAP_LOST] = lost;
	g->args[GAP_CATS] = b->cats;
	g->args[GAP_CAUSE] = b->cause;
	bpf_ringbuf_submit(g, 0);
	count(STAT_GAPS);
	/* losses on other CPUs meanwhile stay for the next gap record */
	__sync_fetch_and_add(&b->lost, -lost);
	b->cats = 0;
	b->cause = 0;
	__sync_fetch_and_add(&gaps_pending, -1);
}

static __always_inline void count_loss(__u64 cg, __u32 stat)
{
	__u64 one = 1, *n;

	count(stat);
	n = bpf_map_lookup_elem(&drops_by_cgroup, &cg);
	if (n)
		__sync_fetch_and_add(n, 1);
	else if (bpf_map_update_elem(&drops_by_cgroup, &cg, &one, BPF_NOEXIST))
		count(STAT_DROPS_UNATTRIBUTED);
}

/* Into the ring with its real length; wakes the consumer at most once per
 * wake_interval_ns per CPU or past wake_bytes of backlog. @budgeted: a
 * container's syscall record (lifecycle records are never throttled). */
static __always_inline void emit_record(struct cactus_event *e, __u8 cat, bool budgeted)
{
	__u32 len = e->data_len, zero = 0, size;
	__u64 flags = BPF_RB_NO_WAKEUP, now, avail, *last;
	struct budget *b = NULL;

	if (len > CACTUS_DATA_MAX)
		len = CACTUS_DATA_MAX;
	size = CACTUS_EVENT_HDR_SIZE + len;
	avail = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);
	now = bpf_ktime_get_ns();
	/* a record of a kill always goes: it says what cactus did */
	if (budgeted && avail >= pressure_bytes && !(e->flags & EF_KILLED)) {
		__u64 cons = bpf_ringbuf_query(&events, BPF_RB_CONS_POS);

		b = budget_of(e->cgroup_id, true);
		if (b && cons - b->window_start >= budget_window_bytes) {
			b->window_start = cons;
			b->bytes = 0;
		}
		if (b && b->bytes >= budget_bytes) {
			note_loss(b, cat, GAP_THROTTLED);
			count_loss(e->cgroup_id, STAT_THROTTLED);
			return;
		}
		if (b)
			b->bytes += size;
	}
	if (budgeted && gaps_pending) {
		if (!b)
			b = budget_of(e->cgroup_id, false);
		if (b && b->lost)
			write_gap(e, b);
	}
	last = bpf_map_lookup_elem(&last_wake, &zero);
	if (last && (now - *last >= wake_interval_ns || avail >= wake_bytes)) {
		*last = now;
		flags = BPF_RB_FORCE_WAKEUP;
	}
	if (bpf_ringbuf_output(&events, e, size, flags)) {
		if (budgeted)
			note_loss(b ?: budget_of(e->cgroup_id, true), cat, GAP_RING_FULL);
		count_loss(e->cgroup_id, STAT_DROPS);
	} else {
		count(STAT_EVENTS);
	}
}

static __always_inline void emit(struct cactus_event *e, __u8 cat)
{
	emit_record(e, cat, true);
}

#endif
