/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * io_uring: what a container does through a ring, without the syscalls
 * cactus hooks (an IORING_OP_OPENAT is no openat(2)). Every request whose
 * op has a syscall twin (uring_conf, from src/syscalls.c) becomes a record
 * of that twin, so rules, outputs and the kernel's kill rules see it as one;
 * the record says where it came from (uring_thread, uring_op).
 *
 *   submit (io_uring_submit_req: the request is prepped, not yet issued)
 *     uring_conf[opcode], the twin's syscall_conf traced?   two array lookups
 *     task namespaces == host's?                            host: return
 *     cgroup watched? (the thread's stash caches it)
 *     the request's arguments in the twin's layout, its paths (kernel
 *     copies, freed before completion) -> uring_reqs[req]
 *     kill rules on the path as spelled and on the port
 *   complete (io_uring_complete: the result is known)
 *     uring_reqs[req] -> the record, as on_exit builds a syscall's; an open
 *     names the file it opened (kill rules on it: path and identity)
 *
 * Who: `current` is always a thread of the ring's owner: the submitter, the
 * ring's SQPOLL thread (iou-sqp-*) or an io-wq worker (iou-wrk-*), with its
 * tgid, cgroup, namespaces, fd table and memory (io threads, 5.12+; Debian
 * 11's 5.10.223 has them too). So the usual task checks attribute it.
 *
 * Limits: a kill at submit kills the owner before it runs again, but the
 * operation already submitted still runs (BPF-LSM, where the kernel has it,
 * refuses the open itself: deny.h). Without the request at completion
 * (5.10's io_uring_complete has none) the record is made at submit, its
 * result unknown.
 */
#ifndef CACTUS_BPF_URING_H
#define CACTUS_BPF_URING_H

#include "base.h"
#include "capture.h"
#include "deny.h"
#include "kill.h"
#include "maps.h"
#include "path.h"
#include "stash.h"
#include "sysconf.h"
#include "task.h"

/* Set before load: the kernel's io_uring_complete has the request (6.0+);
 * else records are made at submit, their result unknown (5.10). */
const volatile bool uring_complete_has_req __weak = true;

#ifndef PF_IO_WORKER
#define PF_IO_WORKER 0x00000010
#endif
#ifndef IORING_FILE_INDEX_ALLOC
#define IORING_FILE_INDEX_ALLOC (~0U)
#endif
#define REQ_F_FIXED_FILE_FLAG 1ULL /* REQ_F_FIXED_FILE: bit 0 on every kernel */

/* The fd a request names (6.0+: req->cqe.fd; 5.10 keeps only its file). */
static __always_inline __u64 uring_fd(struct io_kiocb *req)
{
	if (bpf_core_field_exists(req->cqe))
		return (__u64)(__s64)BPF_CORE_READ(req, cqe.fd);
	return (__u64)-1;
}

/* 5.15's names (Debian 11's 5.10.223 carries that io_uring): one struct for
 * LINKAT, one for SYMLINKAT, where 6.0+ has io_link for both. */
struct io_hardlink {
	struct file *file;
	int old_dfd;
	int new_dfd;
	struct filename *oldpath;
	struct filename *newpath;
	int flags;
} __attribute__((preserve_access_index));

struct io_symlink {
	struct file *file;
	int new_dfd;
	struct filename *oldpath;
	struct filename *newpath;
} __attribute__((preserve_access_index));

/* 5.15's io_kiocb: every op's struct a member of one union */
struct io_kiocb___u515 {
	struct io_statx statx;
} __attribute__((preserve_access_index));

/* What user space said of @op: its twin's conf if traced, else NULL. */
static __always_inline const struct syscall_conf *uring_traced(__u8 op, struct uring_conf **uc)
{
	const struct syscall_conf *c;
	__u32 key = op;

	*uc = bpf_map_lookup_elem(&uring_conf, &key);
	if (!*uc || (*uc)->kind == UK_NONE)
		return NULL;
	/* a twin counted only (SCF_COUNTED) makes no record */
	c = traced((*uc)->nr);
	return c && (c->flags & SCF_TRACED) ? c : NULL;
}

/* Which thread of the owner runs this: the submitter, the SQ thread or an
 * io-wq worker (both io threads: PF_IO_WORKER; "iou-sqp-" vs "iou-wrk-"). */
static __always_inline __u8 uring_thread_of(struct task_struct *task)
{
	char comm[8] = {};

	if (!(KREAD(task, flags) & PF_IO_WORKER))
		return URING_INLINE;
	bpf_probe_read_kernel(comm, sizeof(comm), KREAD(task, comm));
	return comm[4] == 's' && comm[5] == 'q' ? URING_SQPOLL : URING_WORKER;
}

/* A kernel copy of a path (struct filename, made at prep) into @dst, and
 * its user pointer (the twin's argument). */
static __always_inline void uring_name(char *dst, __u64 *uptr, struct filename *fn)
{
	const char *name = BPF_CORE_READ(fn, name);

	*uptr = (__u64)BPF_CORE_READ(fn, uptr);
	if (!name || bpf_probe_read_kernel_str(dst, CACTUS_STR_MAX, name) <= 0)
		dst[0] = 0;
}

/* An IP family a sockaddr at @p (kernel memory) starts with, else 0. */
static __always_inline __u16 ip_family_at(const void *p)
{
	__u16 fam = 0;

	bpf_probe_read_kernel(&fam, sizeof(fam), p);
	return fam == AF_INET || fam == AF_INET6 ? fam : 0;
}

/*
 * A BIND's address: the kernel copied it at prep into the request's async
 * data, a bare sockaddr_storage on some kernels (6.18.y) and the addr of an
 * io_async_msghdr on others (6.11+ mainline), which CO-RE cannot tell apart:
 * the one that holds an IP family is taken. Kept raw in u->path2 (a BIND has
 * no path) for the record (uring_details).
 */
static __always_inline void uring_bind_addr(struct uring_req *u, struct io_kiocb *req)
{
	struct io_async_msghdr *io = BPF_CORE_READ(req, async_data);
	const void *src = NULL;

	if (!io)
		return;
	if (ip_family_at(io))
		src = io;
	else if (bpf_core_field_exists(io->addr) && ip_family_at(&io->addr))
		src = &io->addr;
	if (src && !bpf_probe_read_kernel(u->path2, sizeof(struct sockaddr_in6), src))
		u->has_addr = 1;
}

/*
 * The request's arguments in its twin's layout (the syscall's own argument
 * order: openat(dfd, path, flags, mode), renameat2(olddfd, old, newdfd, new,
 * flags), ...), its paths (path: the twin's path_arg, relative to @u->dfd;
 * path2: its path2_arg) and what else the record needs.
 */
static __always_inline void uring_args(struct uring_req *u, struct io_kiocb *req, __u8 kind)
{
	__u64 *a = u->args;

	u->dfd = AT_FDCWD;
	switch (kind) {
	case UK_OPEN: {
		struct io_open *o = (void *)req;

		u->dfd = BPF_CORE_READ(o, dfd);
		a[0] = (__u64)(__s64)u->dfd;
		uring_name(u->path, &a[1], BPF_CORE_READ(o, filename));
		a[2] = BPF_CORE_READ(o, how.flags);
		a[3] = BPF_CORE_READ(o, how.mode);
		if (bpf_core_field_exists(o->file_slot))
			u->file_slot = BPF_CORE_READ(o, file_slot);
		break;
	}
	case UK_STATX: {
		struct io_statx *o = (void *)req;

		u->dfd = BPF_CORE_READ(o, dfd);
		a[0] = (__u64)(__s64)u->dfd;
		if (bpf_core_field_exists(((struct io_kiocb___u515 *)req)->statx)) {
			/* 5.15's io_uring (op structs in a union of io_kiocb):
			 * statx kept the user's pointer, no kernel copy */
			const char *up = (const char *)BPF_CORE_READ(o, filename);

			a[1] = (__u64)up;
			if (bpf_probe_read_user_str(u->path, CACTUS_STR_MAX, up) <= 0)
				u->path[0] = 0;
		} else {
			uring_name(u->path, &a[1], BPF_CORE_READ(o, filename));
		}
		a[2] = BPF_CORE_READ(o, flags);
		a[3] = BPF_CORE_READ(o, mask);
		break;
	}
	case UK_UNLINK: {
		struct io_unlink *o = (void *)req;

		u->dfd = BPF_CORE_READ(o, dfd);
		a[0] = (__u64)(__s64)u->dfd;
		uring_name(u->path, &a[1], BPF_CORE_READ(o, filename));
		a[2] = BPF_CORE_READ(o, flags);
		break;
	}
	case UK_MKDIR: {
		struct io_mkdir *o = (void *)req;

		u->dfd = BPF_CORE_READ(o, dfd);
		a[0] = (__u64)(__s64)u->dfd;
		uring_name(u->path, &a[1], BPF_CORE_READ(o, filename));
		a[2] = BPF_CORE_READ(o, mode);
		break;
	}
	case UK_RENAME:
	case UK_LINK: {
		/* io_rename and io_link are alike: read each by its own type */
		struct io_rename *r = (void *)req;
		struct io_link *l = (void *)req;

		if (kind == UK_RENAME) {
			u->dfd = BPF_CORE_READ(r, old_dfd);
			a[2] = (__u64)(__s64)BPF_CORE_READ(r, new_dfd);
			uring_name(u->path, &a[1], BPF_CORE_READ(r, oldpath));
			uring_name(u->path2, &a[3], BPF_CORE_READ(r, newpath));
			a[4] = BPF_CORE_READ(r, flags);
		} else if (bpf_core_field_exists(l->new_dfd)) {
			u->dfd = BPF_CORE_READ(l, old_dfd);
			a[2] = (__u64)(__s64)BPF_CORE_READ(l, new_dfd);
			uring_name(u->path, &a[1], BPF_CORE_READ(l, oldpath));
			uring_name(u->path2, &a[3], BPF_CORE_READ(l, newpath));
			a[4] = BPF_CORE_READ(l, flags);
		} else if (bpf_core_type_exists(struct io_hardlink)) {
			struct io_hardlink *h = (void *)req;

			u->dfd = BPF_CORE_READ(h, old_dfd);
			a[2] = (__u64)(__s64)BPF_CORE_READ(h, new_dfd);
			uring_name(u->path, &a[1], BPF_CORE_READ(h, oldpath));
			uring_name(u->path2, &a[3], BPF_CORE_READ(h, newpath));
			a[4] = BPF_CORE_READ(h, flags);
		}
		a[0] = (__u64)(__s64)u->dfd;
		break;
	}
	case UK_SYMLINK: {
		/* symlinkat(target, newdfd, linkpath): the link is the path */
		struct io_link *l = (void *)req;
		struct io_symlink *y = (void *)req;

		if (bpf_core_field_exists(l->new_dfd)) {
			u->dfd = BPF_CORE_READ(l, new_dfd);
			uring_name(u->path2, &a[0], BPF_CORE_READ(l, oldpath));
			uring_name(u->path, &a[2], BPF_CORE_READ(l, newpath));
		} else if (bpf_core_type_exists(struct io_symlink)) {
			u->dfd = BPF_CORE_READ(y, new_dfd);
			uring_name(u->path2, &a[0], BPF_CORE_READ(y, oldpath));
			uring_name(u->path, &a[2], BPF_CORE_READ(y, newpath));
		}
		a[1] = (__u64)(__s64)u->dfd;
		break;
	}
	case UK_CONNECT: {
		struct io_connect *o = (void *)req;

		a[0] = uring_fd(req);
		a[1] = (__u64)BPF_CORE_READ(o, addr);
		a[2] = BPF_CORE_READ(o, addr_len);
		break;
	}
	case UK_ACCEPT: {
		struct io_accept *o = (void *)req;

		a[0] = uring_fd(req);
		a[1] = (__u64)BPF_CORE_READ(o, addr);
		a[2] = (__u64)BPF_CORE_READ(o, addr_len);
		a[3] = BPF_CORE_READ(o, flags);
		break;
	}
	case UK_SOCKET: {
		struct io_socket *o = (void *)req;

		if (bpf_core_type_exists(struct io_socket)) {
			a[0] = BPF_CORE_READ(o, domain);
			a[1] = BPF_CORE_READ(o, type);
			a[2] = BPF_CORE_READ(o, protocol);
		}
		break;
	}
	case UK_CLOSE: {
		struct io_close *o = (void *)req;

		a[0] = BPF_CORE_READ(o, fd);
		break;
	}
	case UK_RW: {
		struct io_rw *o = (void *)req;

		a[0] = uring_fd(req);
		a[1] = BPF_CORE_READ(o, addr);
		a[2] = BPF_CORE_READ(o, len);
		break;
	}
	case UK_MSG: {
		struct io_sr_msg *o = (void *)req;

		a[0] = uring_fd(req);
		a[1] = (__u64)BPF_CORE_READ(o, buf);
		a[2] = BPF_CORE_READ(o, len);
		a[3] = BPF_CORE_READ(o, msg_flags);
		break;
	}
	case UK_BIND:
		a[0] = uring_fd(req);
		/* IORING_OP_BIND is 6.11+ */
		if (bpf_core_type_exists(struct io_bind)) {
			a[2] = BPF_CORE_READ((struct io_bind *)req, addr_len);
			uring_bind_addr(u, req);
		}
		break;
	default: /* UK_FD */
		a[0] = uring_fd(req);
		break;
	}
}

/*
 * The path a kill rule compares for a request: its path as spelled, made
 * absolute against its dfd (or the cwd), in the per-CPU scratch record. The
 * io_uring twin of enforce_path() (kill.h), from a kernel string.
 */
static __always_inline const char *uring_kill_path(struct task_struct *task,
						   const struct uring_req *u)
{
	__u32 zero = 0, off;
	struct scratch *s = bpf_map_lookup_elem(&scratch, &zero);
	struct cactus_event *e;
	struct path dir;

	if (!s || !u->path[0])
		return NULL;
	e = &s->e;
	e->flags = 0;
	record_clear_strs(e);
	if (u->path[0] == '/') {
		append_kernel_str(e, STR_PATH, u->path);
		return record_str(e, STR_PATH);
	}
	if (!dir_of(task, u->dfd, &dir))
		return NULL;
	append_task_path(e, WALK_SCRATCH, STR_BASE, task, &dir);
	/* base + '/' + relative path, as one string */
	off = e->data_len - 1;
	if (off > CACTUS_DATA_MAX - CACTUS_STR_MAX - 2)
		return NULL;
	e->data[data_off(off)] = '/';
	e->data_len = off + 1;
	append_kernel_str(e, STR_EXTRA, u->path);
	return record_str(e, STR_BASE);
}

/* Set by user space when the BPF-LSM file_open hook judges kill rules
 * (deny.h): it refuses the file an io_uring open is about to use, which a
 * kill at submit cannot do, and counts the kill once. */
volatile __u32 lsm_judges_opens __weak;

/* Kill rules at submit: on the path as spelled, the port connected to.
 * Index + 1 of the rule that killed, else 0. */
static __always_inline __u32 uring_kill(struct task_struct *task, const struct syscall_conf *c,
					const struct uring_req *u)
{
	struct kill_ctx k = { .f = { .cg = u->cg, .nr = u->nr } };

	if (!n_kill_rules || !(c->flags & SCF_ENFORCE) || !kill_covers(u->nr) ||
	    (lsm_judges_opens && (c->flags & SCF_OPEN)))
		return 0;
	if (c->kind == CK_PATH)
		k.path = uring_kill_path(task, u);
	if (u->kind == UK_CONNECT) {
		struct { __u16 family; __u16 port; } sa = {};

		if (!bpf_probe_read_user(&sa, sizeof(sa), (void *)u->args[1]) &&
		    (sa.family == AF_INET || sa.family == AF_INET6)) {
			k.f.port = bpf_ntohs(sa.port);
			k.f.has_port = 1;
		}
	}
	return kill_rules_run(&k);
}

/* The file a successful open installed: in the fd table, or in the ring's
 * table of direct descriptors (file_slot; 6.7+ layout, else not found). */
static __always_inline struct file *uring_opened(struct task_struct *task, struct io_kiocb *req,
						 const struct uring_req *u, long res)
{
	struct io_rsrc_node *node = NULL;
	struct io_rsrc_node **nodes;
	struct io_ring_ctx *ctx;
	__u32 slot, nr;

	if (!u->file_slot)
		return task_fd_file(task, res);
	if (!bpf_core_field_exists(struct io_rsrc_data, nodes) ||
	    !bpf_core_field_exists(struct io_rsrc_node, file_ptr))
		return NULL;
	slot = u->file_slot == IORING_FILE_INDEX_ALLOC ? (__u32)res : u->file_slot - 1;
	ctx = BPF_CORE_READ(req, ctx);
	nr = BPF_CORE_READ(ctx, file_table.data.nr);
	nodes = BPF_CORE_READ(ctx, file_table.data.nodes);
	if (slot >= nr || bpf_probe_read_kernel(&node, sizeof(node), &nodes[slot]) || !node)
		return NULL;
	/* the low bits of file_ptr are flags (FFS_*) */
	return (struct file *)(BPF_CORE_READ(node, file_ptr) & ~3UL);
}

/* An IP sockaddr of @buf (a copy in the request table) into @e. */
static __always_inline void uring_sockaddr(struct cactus_event *e, const char *buf)
{
	const struct sockaddr_in6 *s6 = (const void *)buf;
	const struct sockaddr_in *s4 = (const void *)buf;

	e->family = s4->sin_family;
	if (e->family == AF_INET) {
		e->port = bpf_ntohs(s4->sin_port);
		__builtin_memcpy(e->addr, &s4->sin_addr, 4);
	} else {
		e->port = bpf_ntohs(s6->sin6_port);
		__builtin_memcpy(e->addr, &s6->sin6_addr, 16);
	}
	e->flags |= EF_HAS_ADDR;
}

/* The record's strings and address: the io_uring twin of read_details()
 * (capture.h), the paths from the kernel copies made at submit. */
static __always_inline void uring_details(struct cactus_event *e, struct task_struct *task,
					  const struct syscall_conf *c, struct io_kiocb *req,
					  struct uring_req *u)
{
	struct inode *inode;
	struct path dir, fp;
	struct file *f;

	switch (c->kind) {
	case CK_PATH:
		/* a successful open: the file it opened (any spelling) */
		if ((c->flags & SCF_OPEN) && e->ret >= 0 && req &&
		    (f = uring_opened(task, req, u, e->ret)) && file_path_inode(f, &fp, &inode)) {
			append_kernel_str(e, STR_BASE, u->path);
			append_task_path(e, WALK_SCRATCH, STR_PATH, task, &fp);
			set_file_id(e, inode);
			e->flags |= EF_RESOLVED;
			break;
		}
		append_kernel_str(e, STR_PATH, u->path);
		if (u->path2[0])
			append_kernel_str(e, STR_EXTRA, u->path2);
		if (u->path[0] && u->path[0] != '/' && dir_of(task, u->dfd, &dir))
			append_task_path(e, WALK_SCRATCH, STR_BASE, task, &dir);
		break;
	case CK_FD:
		/* the request's file (also a direct descriptor's: a slot of the
		 * ring's table, not an fd); a close has none: its fd, unless gone */
		f = req ? BPF_CORE_READ(req, file) : NULL;
		if (f && u->kind != UK_CLOSE && file_path_inode(f, &fp, &inode))
			append_task_path(e, WALK_SCRATCH, STR_PATH, task, &fp);
		else if (!u->fixed && u->kind == UK_CLOSE && e->ret < 0 &&
			 dir_of(task, arg_fd(e->args, c->fd_arg), &dir))
			append_task_path(e, WALK_SCRATCH, STR_PATH, task, &dir);
		break;
	case CK_SOCKADDR:
		if (u->kind == UK_BIND) {
			/* the kernel's copy, taken at submit */
			if (u->has_addr)
				uring_sockaddr(e, u->path2);
			break;
		}
		/* connect: the user's sockaddr; accept: the peer the kernel wrote */
		read_sockaddr(e, (void *)arg(e->args, c->addr_arg));
		break;
	}
}

/* The record of request @u (its result @res; @req NULL: unknown). */
static __always_inline void uring_emit(struct task_struct *task, const struct syscall_conf *c,
				       struct io_kiocb *req, struct uring_req *u, long res,
				       bool have_res)
{
	struct cactus_event *e = event_begin();

	if (!e)
		return;
	e->ts_boot_ns = u->ts;
	__builtin_memcpy(e->args, u->args, sizeof(e->args));
	e->syscall_nr = u->nr;
	e->ret = have_res ? res : 0;
	e->family = 0;
	e->port = 0;
	e->kill_rule = u->kill_rule;
	e->flags |= (u->kill_rule ? EF_KILLED : 0) | (u->setup ? EF_SETUP : 0) |
		    (have_res ? 0 : EF_NO_EXIT);
	e->uring_op = u->op;
	e->uring_thread = uring_thread_of(task);
	/* an open the BPF-LSM hook refused in this thread, and killed */
	if (!e->kill_rule && have_res && res < 0 && lsm_judges_opens) {
		struct stash *st = stash_of(task, false);

		if (st && st->nr < 0 && st->kill_rule) {
			e->kill_rule = st->kill_rule;
			e->flags |= EF_KILLED;
			st->kill_rule = 0;
		}
	}
	fill_task(e, task, &u->key, u->level, u->cg);
	uring_details(e, task, c, have_res ? req : NULL, u);
	/* an open judged by the file it opened (any spelling, hard links) */
	if ((c->flags & SCF_ENFORCE) && (e->flags & EF_RESOLVED) && !u->setup && !e->kill_rule) {
		e->kill_rule = enforce_kill_file(u->cg, u->nr, record_str(e, STR_PATH), e);
		if (e->kill_rule)
			e->flags |= EF_KILLED;
	}
	if (!u->known)
		append_cgroup_name(e, task);
	emit(e, c->category);
}

/* io_uring_submit_req (io_uring_submit_sqe before 6.4): @req is prepped. */
static __always_inline int on_uring_submit(struct io_kiocb *req)
{
	__u8 op = BPF_CORE_READ(req, opcode);
	const struct syscall_conf *c;
	struct task_struct *task;
	struct uring_conf *uc;
	struct uring_req *u;
	struct ns_key key = {};
	unsigned int level = 0;
	struct stash *st;
	__u64 cg, id = (__u64)req;
	__u32 zero = 0;
	bool known;

	if (!active() || !(c = uring_traced(op, &uc)) || !(c->flags & SCF_TRACED))
		return 0;
	task = current_task();
	if (!task_ns(task, &key, &level))
		return 0;
	st = stash_of(task, true);
	cg = task_cgroup_id(task);
	if (!stash_watched(st, cg, &known))
		return 0;
	u = bpf_map_lookup_elem(&uring_build, &zero);
	if (!u)
		return 0;
	u->ts = bpf_ktime_get_boot_ns();
	u->cg = cg;
	u->key = key;
	u->level = level;
	u->known = known;
	u->setup = st ? st->setup : 0;
	u->nr = uc->nr;
	u->op = op;
	u->kind = uc->kind;
	u->file_slot = 0;
	u->fixed = !!(BPF_CORE_READ(req, flags) & REQ_F_FIXED_FILE_FLAG);
	u->path[0] = 0;
	u->path2[0] = 0;
	u->has_addr = 0;
	__builtin_memset(u->args, 0, sizeof(u->args));
	uring_args(u, req, uc->kind);
	if (st)
		learn_cgroup(task, &key, cg, st);
	u->kill_rule = u->setup ? 0 : uring_kill(task, c, u);
	if (!uring_complete_has_req) {
		uring_emit(task, c, NULL, u, 0, false);
		return 0;
	}
	if (bpf_map_update_elem(&uring_reqs, &id, u, BPF_ANY))
		count(STAT_URING_LOST);
	return 0;
}

/* io_uring_complete: @req's result @res. */
static __always_inline int on_uring_complete(struct io_kiocb *req, long res)
{
	__u64 id = (__u64)req;
	const struct syscall_conf *c;
	struct uring_conf *uc;
	struct uring_req *u = bpf_map_lookup_elem(&uring_reqs, &id);

	if (!u) {
		/* evicted before it completed: a lost record if it was one */
		struct ns_key key = {};
		unsigned int level = 0;
		bool known;

		if (active() && uring_traced(BPF_CORE_READ(req, opcode), &uc) &&
		    task_ns(current_task(), &key, &level) &&
		    cgroup_watched(task_cgroup_id(current_task()), &known))
			count(STAT_URING_LOST);
		return 0;
	}
	if (active() && (c = uring_traced(u->op, &uc)))
		uring_emit(current_task(), c, req, u, res, true);
	bpf_map_delete_elem(&uring_reqs, &id);
	return 0;
}

#endif
