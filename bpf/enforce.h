/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Enforcement decided in the kernel, from maps written by src/enforce.c:
 * kill rules at syscall entry (bpf_send_signal: the process dies before it
 * can use the result), and network deny rules in cgroup sock_addr programs
 * (the connect/bind fails with EPERM).
 */
#ifndef CACTUS_BPF_ENFORCE_H
#define CACTUS_BPF_ENFORCE_H

#define SIGKILL 9
#define EPERM 1

/* Number of rules in kill_rules / deny_rules, set before load. */
const volatile __u32 n_kill_rules = 0;
const volatile __u32 n_deny_rules = 0;

/* Pointer to string slot @slot, bounded for the verifier, or NULL. */
static __always_inline const char *event_str_bpf(struct cactus_event *e, int slot)
{
	if (!e->str_len[slot & 3])
		return NULL;
	return &e->data[data_off(e->str_off[slot & 3])];
}

struct kill_ctx {
	const char *path;          /* resolved path of the syscall, or NULL */
	struct ns_key key;
	__u32 nr;
	__u16 port;                /* destination/bind port, 0 if none */
	__u16 has_port;
	__u32 hit;                 /* index + 1 of the matching rule */
};

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

static long kill_rule_step(__u32 i, struct kill_ctx *k)
{
	struct scope_key sk = { .ns = k->key, .idx = i };
	struct kill_rule *r = bpf_map_lookup_elem(&kill_rules, &i);
	bool port_ok;

	if (!r || !r->used)
		return 1;
	if (!(r->syscalls[(k->nr >> 6) & 7] & (1ULL << (k->nr & 63))))
		return 0;
	if (r->scoped && !bpf_map_lookup_elem(&rule_scope, &sk))
		return 0;
	if (r->str_mode != KR_STR_NONE && (!k->path || !str_match(k->path, r)))
		return 0;
	port_ok = r->n_ports == 0;
	for (int p = 0; p < CACTUS_KRULE_PORTS && !port_ok; p++)
		port_ok = p < r->n_ports && k->has_port && r->ports[p] == k->port;
	if (!port_ok)
		return 0;
	k->hit = i + 1;
	return 1;
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

	e->data_len = 0;
	e->flags = 0;
	__builtin_memset(e->str_len, 0, sizeof(e->str_len));
	append_user_str(e, STR_PATH, (void *)arg(args, c->path_arg));
	p = event_str_bpf(e, STR_PATH);
	if (!p || p[0] == '/')
		return p;
	{
		struct path dir;
		__u32 off;

		if (!dir_of(task, arg_fd(args, c->dirfd_arg), &dir))
			return NULL;
		append_task_path(e, STR_BASE, task, &dir);
		/* base + '/' + relative path, as one string */
		off = e->data_len - 1; /* over the base's NUL */
		if (off > CACTUS_DATA_MAX - CACTUS_STR_MAX - 2)
			return NULL;
		e->data[data_off(off)] = '/';
		e->data_len = off + 1;
		append_user_str(e, STR_EXTRA, (void *)arg(args, c->path_arg));
		return event_str_bpf(e, STR_BASE);
	}
}

/* Returns index + 1 of the kill rule that matched (and kills), else 0. */
static __always_inline __u32 enforce_kill(struct task_struct *task, const struct syscall_conf *c,
					  long nr, const __u64 *args, const struct ns_key *key)
{
	struct kill_ctx k = { .key = *key, .nr = (__u32)nr };
	struct cactus_event *e;
	__u32 zero = 0;
	struct scratch *s;

	if (!n_kill_rules || !(c->flags & SC_ENFORCE))
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
			k.port = bpf_ntohs(sa.port);
			k.has_port = 1;
		}
	}
	bpf_loop(CACTUS_MAX_KRULES, kill_rule_step, &k, 0);
	if (!k.hit)
		return 0;
	bpf_send_signal(SIGKILL);
	count(STAT_KILLS);
	return k.hit;
}

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
	struct ns_key key;
	__u32 mask;
};

/* Deny rule @i applies to the container @l->key: its bit in @l->mask. */
static long learn_rule_step(__u32 i, struct learn_ctx *l)
{
	struct deny_rule *r = bpf_map_lookup_elem(&deny_rules, &i);
	struct scope_key sk = { .ns = l->key, .idx = 0x10000 + i };

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
					 struct stash *st)
{
	struct learn_ctx l = { .key = *key };
	__u64 cg;

	if (!n_deny_rules)
		return;
	cg = bpf_get_current_cgroup_id();
	/* this thread's last syscall was in the same cgroup, known by then */
	if (st->cgroup_learnt == cg)
		return;
	if (bpf_map_lookup_elem(&container_cgroups, &cg)) {
		st->cgroup_learnt = cg;
		return;
	}
	if (key->pid_ns != host_pid_ns &&
	    container_cgroup_name(task->cgroups->dfl_cgrp->kn->name))
		bpf_loop(CACTUS_MAX_KRULES, learn_rule_step, &l, 0);
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

static long deny_rule_step(__u32 i, struct deny_ctx *d)
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
	bpf_loop(CACTUS_MAX_KRULES, deny_rule_step, &d, 0);
	if (!d.hit)
		return 1;
	count(STAT_DENIES);
	return 0;
}

SEC("cgroup/connect4")
int cactus_deny_connect4(struct bpf_sock_addr *ctx)
{
	return sock_verdict(ctx, AF_INET, DR_CONNECT);
}

SEC("cgroup/connect6")
int cactus_deny_connect6(struct bpf_sock_addr *ctx)
{
	return sock_verdict(ctx, AF_INET6, DR_CONNECT);
}

SEC("cgroup/bind4")
int cactus_deny_bind4(struct bpf_sock_addr *ctx)
{
	return sock_verdict(ctx, AF_INET, DR_BIND);
}

SEC("cgroup/bind6")
int cactus_deny_bind6(struct bpf_sock_addr *ctx)
{
	return sock_verdict(ctx, AF_INET6, DR_BIND);
}

#endif
