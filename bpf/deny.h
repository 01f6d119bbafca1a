/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Deny: the syscall fails with EPERM, decided by programs that run where the
 * kernel asks for a verdict (the programs themselves are in cactus.bpf.c,
 * under "Deny programs"):
 *   network   cgroup sock_addr (connect4/6, bind4/6) from deny_rules; those
 *             programs see only a cgroup, so the tracing programs learn each
 *             container's cgroup (learn_cgroup) into container_cgroups
 *   files     BPF-LSM file_open / bprm_check_security from deny_paths
 */
#ifndef CACTUS_BPF_DENY_H
#define CACTUS_BPF_DENY_H

#include "base.h"
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
 * BPF-LSM deny (5.7+, `bpf` in the LSM list): open and exec of a path listed
 * in deny_paths fail with EPERM for watched tasks only. The path is the full
 * path as the task sees it (bpf_d_path: from the task's root, across mounts),
 * so the key is what a user writes in a rule, not a guess from the last two
 * dentry names (which a bind mount or a same-named directory elsewhere would
 * fool). Two variants, user space loads one: lsm.s (sleepable) with
 * bpf_d_path where the kernel allows it in LSM hooks (5.11+); else plain lsm
 * with the dentry walk of path.h (loops with a constant bound, into a
 * per-CPU buffer; paths of up to CACTUS_PATH_DEPTH components).
 */
static __always_inline bool deny_path(const struct path *path, bool d_path)
{
	struct task_struct *task = current_task();
	struct ns_key ns = {};
	unsigned int level = 0;
	bool known;

	if (!task_ns(task, &ns, &level) || !cgroup_watched(task_cgroup_id(task), &known))
		return false;
	if (d_path) {
		struct deny_key key = {};
		long n = bpf_d_path((struct path *)path, key.path, sizeof(key.path));

		if (n <= 0 || n > (long)sizeof(key.path))
			return false;
		/* d_path builds the string at the buffer's end: clear what is
		 * left of it after the NUL, the key is compared over 256 bytes */
		for (int i = 0; i < (int)sizeof(key.path); i++) {
			if (i >= n)
				key.path[i] = 0;
		}
		return bpf_map_lookup_elem(&deny_paths, &key) != NULL;
	} else {
		__u32 zero = 0;
		struct lsm_buf *b = bpf_map_lookup_elem(&lsm_buf, &zero);
		struct path p;

		if (!b)
			return false;
		b->s.e.flags = 0;
		record_clear_strs(&b->s.e);
		bpf_core_read(&p, sizeof(p), path);
		append_task_path(&b->s.e, WALK_LSM, STR_PATH, task, &p);
		if (b->s.e.flags & EF_TRUNCATED)
			return false;
		__builtin_memset(&b->key, 0, sizeof(b->key));
		bpf_probe_read_kernel_str(b->key.path, sizeof(b->key.path), b->s.e.data);
		return bpf_map_lookup_elem(&deny_paths, &b->key) != NULL;
	}
}

#endif
