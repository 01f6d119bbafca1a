/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Kill rules, decided at syscall entry from the kill_rules map (compiled by
 * src/enforce.c): bpf_send_signal(SIGKILL), so the process dies before it can
 * use the syscall's result. Where BPF-LSM is loaded, the rules on a path are
 * also judged in its file_open and bprm_check_security hooks (deny.h), which
 * refuse the file as well (lsm_kill below).
 */
#ifndef CACTUS_BPF_KILL_H
#define CACTUS_BPF_KILL_H

#include "base.h"
#include "maps.h"
#include "path.h"
#include "record.h"
#include "stash.h"
#include "stats.h"
#include "sysconf.h"

/* Number of rules in kill_rules, set before load. */
const volatile __u32 n_kill_rules __weak = 0;

/*
 * The syscalls that open a file (SCF_OPEN) and those that execute one
 * (SCF_EXEC), set before load from the syscall table. The LSM hooks see an
 * open or an exec, not always the syscall that asked for it (io_uring's
 * OPENAT runs in the submitter, its SQ thread or an io-wq worker): they
 * judge it by the rules naming any of these, the pseudo numbers below.
 */
const volatile __u64 open_nrs[CACTUS_MAX_SYSCALLS / 64] __weak = {};
const volatile __u64 exec_nrs[CACTUS_MAX_SYSCALLS / 64] __weak = {};

#define KILL_NR_OPENS CACTUS_MAX_SYSCALLS       /* any syscall in open_nrs */
#define KILL_NR_EXECS (CACTUS_MAX_SYSCALLS + 1) /* any syscall in exec_nrs */

/* @path first: a NULL path must be one 8-byte store (the verifier does not
 * see two 4-byte zero stores as a NULL pointer in the loop's callback). */
struct kill_ctx {
	const char *path;          /* resolved path of the syscall, or NULL */
	struct kill_facts f;       /* maps.h */
	__u32 hit;                 /* index + 1 of the matching rule */
};

/* Is syscall @nr in the bitmap @bits (CACTUS_MAX_SYSCALLS bits)? */
static __always_inline bool nr_in(const __u64 *bits, __u32 nr)
{
	return bits[(nr >> 6) & 7] & (1ULL << (nr & 63));
}

/* Do the bitmaps @bits and @set share a syscall? */
static __always_inline bool nrs_meet(const __u64 *bits, const volatile __u64 *set)
{
	for (int w = 0; w < CACTUS_MAX_SYSCALLS / 64; w++) {
		if (bits[w] & set[w])
			return true;
	}
	return false;
}

/* Does the bitmap @bits name syscall @nr (or, for a pseudo number, any
 * syscall of its set)? */
static __always_inline bool nrs_name(const __u64 *bits, __u32 nr)
{
	if (nr == KILL_NR_OPENS)
		return nrs_meet(bits, open_nrs);
	if (nr == KILL_NR_EXECS)
		return nrs_meet(bits, exec_nrs);
	return nr_in(bits, nr);
}

/* Does some kill rule name syscall @nr? (one array lookup) */
static __always_inline bool kill_covers(long nr)
{
	__u32 zero = 0;
	struct kill_nrs *u = bpf_map_lookup_elem(&kill_nrs, &zero);

	return u && nrs_name(u->bits, nr);
}

static __always_inline bool str_match(const char *have, const struct kill_rule *r)
{
	for (int i = 0; i < CACTUS_KRULE_STR; i++) {
		char want = r->str[i];

		if (want == 0)
			return r->str_mode == KR_STR_PREFIX || have[i] == 0;
		if (have[i] != want)
			return false;
	}
	return false;
}

/* Kill rule @i against @k (a LOOP callback, compat.h): 1 stops the loop. */
static __noinline long kill_rule_step(__u32 i, struct kill_ctx *k)
{
	struct scope_key sk = { .cgroup_id = k->f.cg, .idx = i };
	struct kill_rule *r = bpf_map_lookup_elem(&kill_rules, &i);
	bool port_ok;

	if (!r || !r->used)
		return 1;
	if (!nrs_name(r->syscalls, k->f.nr))
		return 0;
	if (r->str_mode == KR_STR_NONE && k->f.need_str)
		return 0;
	if (r->scoped && !bpf_map_lookup_elem(&rule_scope, &sk))
		return 0;
	if (r->str_mode != KR_STR_NONE && !(k->f.fid_mask & (1U << (i & 31))) &&
	    (!k->path || !str_match(k->path, r)))
		return 0;
	port_ok = r->n_ports == 0;
	for (int p = 0; p < CACTUS_KRULE_PORTS && !port_ok; p++)
		port_ok = p < r->n_ports && k->f.has_port && r->ports[p] == k->f.port;
	if (!port_ok)
		return 0;
	k->hit = i + 1;
	return 1;
}

#ifdef CACTUS_NOLOOP
/* The rule loop without bpf_loop: a global function, verified once (maps.h,
 * kill_in). Index + 1 of the first rule that matches, else 0. */
__noinline int kill_rules_noloop(void)
{
	__u32 zero = 0;
	struct kill_in *in = bpf_map_lookup_elem(&kill_in, &zero);
	struct kill_ctx k = {};

	if (!in)
		return 0;
	k.f = in->f;
	k.path = in->has_path ? in->path : NULL;
	LOOP(CACTUS_MAX_KRULES, n_kill_rules, kill_rule_step, &k);
	return k.hit;
}

/* Every kill rule against @k, by the global function above: its input
 * through kill_in. */
static __always_inline void kill_rules_match(struct kill_ctx *k)
{
	__u32 zero = 0;
	struct kill_in *in = bpf_map_lookup_elem(&kill_in, &zero);

	if (!in)
		return;
	in->f = k->f;
	in->has_path = k->path && bpf_probe_read_kernel_str(in->path, sizeof(in->path),
							    k->path) > 0;
	k->hit = kill_rules_noloop();
}
#else
/* Every kill rule against @k, inline: bpf_loop verifies the step once. */
static __always_inline void kill_rules_match(struct kill_ctx *k)
{
	LOOP(CACTUS_MAX_KRULES, n_kill_rules, kill_rule_step, k);
}
#endif

/* Every kill rule against @k; the first that matches kills. Its index + 1,
 * else 0. */
static __always_inline __u32 kill_rules_run(struct kill_ctx *k)
{
	kill_rules_match(k);
	if (!k->hit)
		return 0;
	bpf_send_signal(SIGKILL);
	count(STAT_KILLS);
	return k->hit;
}

/*
 * The path a kill rule compares: the syscall's path argument, made absolute
 * against the cwd/dirfd (a relative path must not slip past "/etc/").
 * Built in the per-CPU scratch record, which is free at syscall entry.
 */
static __always_inline const char *enforce_path(struct cactus_event *e, struct task_struct *task,
						const struct syscall_conf *c, const __u64 *args)
{
	const char *p;

	e->flags = 0;
	record_clear_strs(e);
	append_user_str(e, STR_PATH, (void *)arg(args, c->path_arg));
	p = record_str(e, STR_PATH);
	if (!p || p[0] == '/')
		return p;
	{
		struct path dir;
		__u32 off;

		if (!dir_of(task, arg_fd(args, c->dirfd_arg), &dir))
			return NULL;
		append_task_path(e, WALK_SCRATCH, STR_BASE, task, &dir);
		/* base + '/' + relative path, as one string */
		off = e->data_len - 1; /* over the base's NUL */
		if (off > CACTUS_DATA_MAX - CACTUS_STR_MAX - 2)
			return NULL;
		e->data[data_off(off)] = '/';
		e->data_len = off + 1;
		append_user_str(e, STR_EXTRA, (void *)arg(args, c->path_arg));
		return record_str(e, STR_BASE);
	}
}

/*
 * At sys_exit of an open, or at exec: the file the kernel actually opened or
 * is executing, by the path it has from the task's root (@path: whatever the
 * spelling, `..`, symlinks, /proc/self/{root,cwd,fd}) and by identity
 * (@e->file_*: hard links). Index + 1 of the kill rule that matched (and
 * kills), else 0.
 */
static __always_inline __u32 enforce_kill_file(__u64 cg, long nr, const char *path,
					       const struct cactus_event *e)
{
	struct kill_ctx k = { .f = { .cg = cg, .nr = (__u32)nr }, .path = path };
	struct file_id id = { .ino = e->file_ino, .dev = e->file_dev };
	__u32 *mask;

	if (!n_kill_rules || !kill_covers(nr))
		return 0;
	mask = bpf_map_lookup_elem(&file_ids, &id);
	if (mask)
		k.f.fid_mask = *mask;
	return kill_rules_run(&k);
}

/*
 * Which syscall an LSM hook judges the file for: the thread's syscall in
 * flight if it is of the hook's kind (an open at file_open, an exec at
 * bprm_check_security), so a rule naming only open does not fire on openat;
 * else any of them (io_uring, whose request may run in an SQ thread or an
 * io-wq worker, or an untraced syscall). -1: none (an exec's own opens of
 * the program and its interpreter are judged at bprm_check_security).
 */
static __always_inline long lsm_nr(const struct stash *st, bool exec)
{
	const struct syscall_conf *c = st && st->nr >= 0 ? traced(st->nr) : NULL;

	if (c && (c->flags & (exec ? SCF_EXEC : SCF_OPEN)))
		return st->nr;
	if (c && (c->flags & (SCF_OPEN | SCF_EXEC)))
		return -1;
	return exec ? KILL_NR_EXECS : KILL_NR_OPENS;
}

/*
 * In a BPF-LSM hook (deny.h), for a watched task: the file an open or exec
 * is about to use, judged by the kill rules on a path, by its path (@path,
 * as the task sees it; NULL if it could not be built) and by identity
 * (@inode: hard links). On a hit the hook refuses the file and the process
 * is killed: the open never happens, so neither a sibling sharing the fd
 * table (clone(CLONE_FILES)) nor the io_uring ring can read it, unlike a
 * kill alone (issue 20). The rule is noted in @st for the record of the
 * syscall in flight, as enforce_kill does at entry. Index + 1 of the rule
 * that matched, else 0.
 */
static __always_inline __u32 lsm_kill(struct stash *st, __u64 cg, const char *path,
				      struct inode *inode, bool exec)
{
	struct kill_ctx k = { .f = { .cg = cg, .need_str = 1 }, .path = path };
	struct file_id id = {};
	long nr = lsm_nr(st, exec);
	bool in_syscall = st && st->nr >= 0;
	__u32 *mask;

	/* the runtime's set-up is not the workload (as at entry) */
	if (!n_kill_rules || nr < 0 || (st && st->setup) || !kill_covers(nr))
		return 0;
	k.f.nr = nr;
	id.ino = BPF_CORE_READ(inode, i_ino);
	id.dev = BPF_CORE_READ(inode, i_sb, s_dev);
	mask = bpf_map_lookup_elem(&file_ids, &id);
	if (mask)
		k.f.fid_mask = *mask;
	kill_rules_match(&k);
	if (!k.hit)
		return 0;
	bpf_send_signal(SIGKILL);
	/* killed at this syscall's entry already: counted there */
	if (in_syscall && st->kill_rule)
		return st->kill_rule;
	count(STAT_KILLS);
	/* outside a syscall (an io_uring request): for its record (uring.h) */
	if (st)
		st->kill_rule = k.hit;
	return k.hit;
}

/* At entry, from the arguments. Index + 1 of the kill rule that matched (and
 * kills), else 0. */
static __always_inline __u32 enforce_kill(struct task_struct *task, const struct syscall_conf *c,
					  long nr, const __u64 *args, __u64 cg)
{
	struct kill_ctx k = { .f = { .cg = cg, .nr = (__u32)nr } };
	struct cactus_event *e;
	__u32 zero = 0;
	struct scratch *s;

	if (!n_kill_rules || !(c->flags & SCF_ENFORCE) || !kill_covers(nr))
		return 0;
	s = bpf_map_lookup_elem(&scratch, &zero);
	if (!s)
		return 0;
	e = &s->e;
	if (c->kind == CK_PATH || c->kind == CK_EXEC)
		k.path = enforce_path(e, task, c, args);
	if (c->kind == CK_SOCKADDR) {
		struct { __u16 family; __u16 port; } sa = {};

		if (!bpf_probe_read_user(&sa, sizeof(sa), (void *)arg(args, c->addr_arg)) &&
		    (sa.family == AF_INET || sa.family == AF_INET6)) {
			k.f.port = bpf_ntohs(sa.port);
			k.f.has_port = 1;
		}
	}
	return kill_rules_run(&k);
}

#endif
