/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Deny: the syscall fails with EPERM, decided by programs that run where the
 * kernel asks for a verdict (the programs themselves are in cactus.bpf.c,
 * under "Deny programs"):
 *   network   cgroup sock_addr (connect4/6, bind4/6) from deny_rules; those
 *             programs see only a cgroup, so the tracing programs learn each
 *             container's cgroup (learn_cgroup) into container_cgroups
 *   files     BPF-LSM file_open / bprm_check_security from deny_paths, and
 *             the kill rules on a path (EPERM and SIGKILL, kill.h)
 */
#ifndef CACTUS_BPF_DENY_H
#define CACTUS_BPF_DENY_H

#include "base.h"
#include "kill.h"
#include "maps.h"
#include "path.h"
#include "record.h"
#include "stash.h"
#include "stats.h"
#include "task.h"

/* Number of rules in deny_rules, set before load. */
const volatile __u32 n_deny_rules __weak = 0;

static __always_inline bool is_hex(char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f');
}

static __always_inline bool has_prefix(const char *s, const char *prefix, int n)
{
	for (int i = 0; i < 16 && i < n; i++) {
		if (s[i] != prefix[i])
			return false;
	}
	return true;
}

/* Does this cgroup leaf name a container: "<64 hex>", "docker-<64 hex>.scope",
 * "cri-containerd-...", "crio-...", "libpod-..."? (as src/containers/cgroup.c) */
static __always_inline bool container_cgroup_name(const char *name)
{
	char buf[96] = {};
	int p = 0;

	if (bpf_probe_read_kernel_str(buf, sizeof(buf), name) < 65)
		return false;
	if (has_prefix(buf, "docker-", 7))
		p = 7;
	else if (has_prefix(buf, "crio-", 5))
		p = 5;
	else if (has_prefix(buf, "libpod-", 7))
		p = 7;
	else if (has_prefix(buf, "cri-containerd-", 15))
		p = 15;
	for (int i = 0; i < 64; i++) {
		if (!is_hex(buf[p + i]))
			return false;
	}
	return buf[p + 64] == 0 || buf[p + 64] == '.';
}

struct learn_ctx {
	__u64 cg;
	__u32 mask;
};

/* Deny rule @i applies to the container @l->key: its bit in @l->mask. */
static long learn_rule_step(__u32 i, struct learn_ctx *l)
{
	struct deny_rule *r = bpf_map_lookup_elem(&deny_rules, &i);
	struct scope_key sk = { .cgroup_id = l->cg, .idx = SCOPE_DENY + i };

	if (!r || !r->used)
		return 1;
	if (!r->scoped || bpf_map_lookup_elem(&rule_scope, &sk))
		l->mask |= 1U << (i & 31);
	return 0;
}

/*
 * Learns the cgroup of a watched task for the sock_addr programs, which see
 * only a cgroup. Only a cgroup named like a container's is learnt: a runtime
 * process that already entered a container's namespaces may still sit in a
 * host cgroup, and denying that cgroup would deny the host.
 */
static __always_inline void learn_cgroup(struct task_struct *task, const struct ns_key *key,
					 __u64 cg, struct stash *st)
{
	struct learn_ctx l = { .cg = cg };

	if (!n_deny_rules)
		return;
	/* this thread's last syscall was in the same cgroup, known by then */
	if (st->cgroup_learnt == cg)
		return;
	if (bpf_map_lookup_elem(&container_cgroups, &cg)) {
		st->cgroup_learnt = cg;
		return;
	}
	if (key->pid_ns != host_pid_ns &&
	    container_cgroup_name(KREAD(task, cgroups, dfl_cgrp, kn, name))) {
		LOOP(CACTUS_MAX_KRULES, n_deny_rules, learn_rule_step, &l);
	}
	/* mask 0 caches "not a container" (user space may correct it) */
	if (!bpf_map_update_elem(&container_cgroups, &cg, &l.mask, BPF_NOEXIST))
		st->cgroup_learnt = cg;
}

struct deny_ctx {
	__u8 addr[16];
	__u32 mask;
	__u16 port;
	__u8 family;
	__u8 op;
	__u32 hit;
};

static __always_inline bool addr_in(const __u8 *have, const struct deny_rule *r, int max_bytes)
{
	int bits = r->prefix_len;

	for (int b = 0; b < 16; b++) {
		__u8 m;

		if (b >= max_bytes || bits <= 0)
			break;
		m = bits >= 8 ? 0xff : (__u8)(0xff << (8 - bits));
		if ((have[b] & m) != (r->addr[b] & m))
			return false;
		bits -= 8;
	}
	return true;
}

/* Deny rule @i against @d (a LOOP callback, compat.h): 1 stops the loop. */
static __noinline long deny_rule_step(__u32 i, struct deny_ctx *d)
{
	struct deny_rule *r = bpf_map_lookup_elem(&deny_rules, &i);
	bool port_ok;

	if (!r || !r->used)
		return 1;
	if (!(d->mask & (1U << (i & 31))) || !(r->ops & d->op))
		return 0;
	if (r->family && r->family != d->family)
		return 0;
	if (r->prefix_len && !addr_in(d->addr, r, d->family == AF_INET ? 4 : 16))
		return 0;
	port_ok = r->n_ports == 0;
	for (int p = 0; p < CACTUS_KRULE_PORTS && !port_ok; p++)
		port_ok = p < r->n_ports && r->ports[p] == d->port;
	if (!port_ok)
		return 0;
	d->hit = i + 1;
	return 1;
}

/* 1: allow, 0: deny (the syscall fails with EPERM). */
static __always_inline int sock_verdict(struct bpf_sock_addr *ctx, __u8 family, __u8 op)
{
	__u64 cg = bpf_get_current_cgroup_id();
	struct deny_ctx d = { .family = family, .op = op };
	__u32 *mask = bpf_map_lookup_elem(&container_cgroups, &cg);

	if (!mask || !*mask)
		return 1; /* not a container, or no rule selects it */
	d.mask = *mask;
	d.port = bpf_ntohs((__u16)ctx->user_port);
	if (family == AF_INET) {
		__u32 ip = ctx->user_ip4;

		__builtin_memcpy(d.addr, &ip, 4);
	} else {
		__u32 ip6[4];

		ip6[0] = ctx->user_ip6[0];
		ip6[1] = ctx->user_ip6[1];
		ip6[2] = ctx->user_ip6[2];
		ip6[3] = ctx->user_ip6[3];
		__builtin_memcpy(d.addr, ip6, 16);
	}
	LOOP(CACTUS_MAX_KRULES, n_deny_rules, deny_rule_step, &d);
	if (!d.hit)
		return 1;
	count(STAT_DENIES);
	return 0;
}

/*
 * BPF-LSM (5.7+, `bpf` in the LSM list): the file an open or exec is about
 * to use, for watched tasks only, by its full path as the task sees it
 * (bpf_d_path: from the task's root, across mounts), so the key is what a
 * user writes in a rule, not a guess from the last two dentry names (which
 * a bind mount or a same-named directory elsewhere would fool):
 *   deny_paths   EPERM
 *   kill rules   EPERM and SIGKILL (kill.h lsm_kill), by path and identity
 * The hooks run for every open, through a syscall or io_uring (inline, its
 * SQ thread, an io-wq worker): the refused file is never opened. Two
 * variants, user space loads one: lsm.s (sleepable) with bpf_d_path where
 * the kernel allows it in LSM hooks (5.11+) and has bpf_loop for the kill
 * rules (5.17+); else plain lsm with the dentry walk of path.h (loops with a
 * constant bound, into a per-CPU buffer; paths of up to CACTUS_PATH_DEPTH
 * components).
 */

/* The refused file, for the record of the open in flight (capture.h): its
 * path in the stash's exec_name (free during an open), its identity. */
static __always_inline void lsm_note(struct stash *st, const char *path, struct inode *inode,
				     bool exec)
{
	const struct syscall_conf *c = st && st->nr >= 0 ? traced(st->nr) : NULL;
	long n;

	if (exec || !path || !c || !(c->flags & SCF_OPEN))
		return;
	n = bpf_probe_read_kernel_str(st->exec_name, sizeof(st->exec_name), path);
	if (n <= 1)
		return;
	st->refused_ino = BPF_CORE_READ(inode, i_ino);
	st->refused_dev = BPF_CORE_READ(inode, i_sb, s_dev);
	st->exec_len = n;
}

/* The verdict on @file at @path (NULL: not built): 0 or -EPERM. */
static __always_inline int lsm_judge(struct task_struct *task, __u64 cg, const char *path,
				     struct file *file, bool exec)
{
	struct inode *inode = BPF_CORE_READ(file, f_inode);
	struct stash *st = stash_of(task, false);
	bool deny = path && bpf_map_lookup_elem(&deny_paths, path);

	/* a kill rule on a denied file kills too, as it would at entry */
	if (!lsm_kill(st, cg, path, inode, exec) && !deny)
		return 0;
	lsm_note(st, path, inode, exec);
	return -EPERM;
}

/* The verdict of the file_open (@exec false) or bprm_check_security hook on
 * @file: 0 or -EPERM. */
static __always_inline int lsm_verdict(struct file *file, bool d_path, bool exec)
{
	struct task_struct *task = current_task();
	struct ns_key ns = {};
	unsigned int level = 0;
	bool known;
	__u64 cg;

	if (!task_ns(task, &ns, &level))
		return 0;
	cg = task_cgroup_id(task);
	if (!cgroup_watched(cg, &known))
		return 0;
	if (d_path) {
		struct deny_key key = {};
		long n = bpf_d_path((struct path *)&file->f_path, key.path, sizeof(key.path));

		if (n <= 0 || n > (long)sizeof(key.path))
			return lsm_judge(task, cg, NULL, file, exec);
		/* d_path builds the string at the buffer's end: clear what is
		 * left of it after the NUL, the key is compared over 256 bytes */
		for (int i = 0; i < (int)sizeof(key.path); i++) {
			if (i >= n)
				key.path[i] = 0;
		}
		return lsm_judge(task, cg, key.path, file, exec);
	} else {
		__u32 zero = 0;
		struct lsm_buf *b = bpf_map_lookup_elem(&lsm_buf, &zero);
		struct path p;

		if (!b)
			return 0;
		b->s.e.flags = 0;
		record_clear_strs(&b->s.e);
		bpf_core_read(&p, sizeof(p), &file->f_path);
		append_task_path(&b->s.e, WALK_LSM, STR_PATH, task, &p);
		if (b->s.e.flags & EF_TRUNCATED)
			return lsm_judge(task, cg, NULL, file, exec);
		__builtin_memset(&b->key, 0, sizeof(b->key));
		bpf_probe_read_kernel_str(b->key.path, sizeof(b->key.path), b->s.e.data);
		return lsm_judge(task, cg, b->key.path, file, exec);
	}
}

#endif
