// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * What the kernel needs to enforce a kill/deny rule: the subset of the rule
 * language it can evaluate from maps at syscall entry. Each dimension is
 * an OR of values, dimensions are ANDed; anything else is -ENOTSUP.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "rules_internal.h"

struct kbuild {
	struct kernel_spec *ks;
	uint64_t sys[SC_WORDS];
	bool sys_set;
	bool path_used, cont_used;
	char *why;
	size_t why_len;
};

static int nope(struct kbuild *kb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int nope(struct kbuild *kb, const char *fmt, ...)
{
	va_list ap;

	if (kb->why && kb->why_len) {
		va_start(ap, fmt);
		vsnprintf(kb->why, kb->why_len, fmt, ap);
		va_end(ap);
	}
	return -ENOTSUP;
}

static int unsupported(struct kbuild *kb, const struct cond *c)
{
	return nope(kb, "'%s' with operator '%s' is not evaluated in the kernel",
		    rfield_name(c->field), rop_name(c->op));
}

static void set_bit(uint64_t *bits, int nr)
{
	if (nr >= 0 && nr < CACTUS_MAX_SYSCALLS)
		bits[nr / 64] |= 1ULL << (nr % 64);
}

static bool has_bit(const uint64_t *bits, int nr)
{
	return nr >= 0 && nr < CACTUS_MAX_SYSCALLS && (bits[nr / 64] >> (nr % 64) & 1);
}

static bool sc_selected(const struct cond *c, const struct cactus_syscall *sc)
{
	switch (c->field) {
	case F_SYSCALL:
		return has_bit(c->bits, sc->nr);
	case F_CATEGORY:
		return c->cats >> sc->category & 1;
	default: /* F_ACTIVITY */
		for (uint32_t i = 0; i < c->n; i++) {
			if (!strcmp(c->s[i].s, sc->activity))
				return true;
		}
		return false;
	}
}

/* syscall, category, activity: each narrows the set of syscalls. */
static int k_syscalls(struct kbuild *kb, const struct cond *c)
{
	uint64_t bits[SC_WORDS] = { 0 };

	if (c->op != OP_EXACT && c->op != OP_NE)
		return unsupported(kb, c);
	for (size_t i = 0; i < cactus_syscalls_count; i++) {
		const struct cactus_syscall *sc = &cactus_syscalls[i];

		if (sc_selected(c, sc) == (c->op == OP_EXACT))
			set_bit(bits, sc->nr);
	}
	for (int w = 0; w < SC_WORDS; w++)
		kb->sys[w] = kb->sys_set ? kb->sys[w] & bits[w] : bits[w];
	kb->sys_set = true;
	return 0;
}

static int k_str(struct kbuild *kb, const struct cond *c, char (*dst)[KSPEC_STR], int *n,
		 const char *suffix)
{
	if (c->n > KSPEC_MAX - (uint32_t)*n)
		return nope(kb, "too many values for '%s' (the kernel takes %d)",
			    rfield_name(c->field), KSPEC_MAX);
	for (uint32_t i = 0; i < c->n; i++) {
		const char *sfx = strcmp(c->s[i].s, "/") ? suffix : "";

		if (c->s[i].len + strlen(sfx) >= KSPEC_STR)
			return nope(kb, "'%s' value longer than %d bytes", rfield_name(c->field),
				    KSPEC_STR - 1);
		snprintf(dst[*n], KSPEC_STR, "%s%s", c->s[i].s, sfx);
		(*n)++;
	}
	return 0;
}

static int k_path(struct kbuild *kb, const struct cond *c)
{
	struct kernel_spec *ks = kb->ks;
	int first = ks->n_path, rc;
	bool exact = c->field == F_PATH && c->op == OP_EXACT;
	/* dirname "/etc" is everything in /etc: prefix "/etc/" */
	const char *sfx = c->field == F_DIRNAME && c->op == OP_EXACT ? "/" : "";

	if (c->op != OP_EXACT && c->op != OP_PREFIX)
		return unsupported(kb, c);
	if (kb->path_used)
		return nope(kb, "more than one path/dirname condition");
	kb->path_used = true;
	for (uint32_t i = 0; i < c->n; i++) {
		if (c->s[i].s[0] != '/')
			return nope(kb, "'%s' must be an absolute path", c->s[i].s);
	}
	rc = k_str(kb, c, ks->path_prefix, &ks->n_path, sfx);
	for (int i = first; !rc && i < ks->n_path; i++)
		ks->path_exact[i] = exact;
	return rc;
}

static int k_container(struct kbuild *kb, const struct cond *c)
{
	/* container_id prefix "": any container, which is the kernel's scope */
	if (c->field == F_CONTAINER_ID && c->op == OP_PREFIX && c->n == 1 && !c->s[0].len)
		return 0;
	if (c->field == F_CONTAINER_ID || c->op != OP_EXACT)
		return unsupported(kb, c);
	if (kb->cont_used)
		return nope(kb, "both container_name and image (the kernel takes one)");
	kb->cont_used = true;
	return k_str(kb, c, kb->ks->containers, &kb->ks->n_containers, "");
}

static int k_port(struct kbuild *kb, const struct cond *c)
{
	struct kernel_spec *ks = kb->ks;

	if (c->op != OP_EXACT)
		return unsupported(kb, c);
	if (c->n > KSPEC_MAX - (uint32_t)ks->n_ports)
		return nope(kb, "too many ports (the kernel takes %d)", KSPEC_MAX);
	for (uint32_t i = 0; i < c->n; i++) {
		if (c->num[i] < 0 || c->num[i] > 65535)
			return nope(kb, "port %lld out of range", (long long)c->num[i]);
		ks->ports[ks->n_ports++] = (uint16_t)c->num[i];
	}
	return 0;
}

static int k_net(struct kbuild *kb, const struct cond *c)
{
	struct kernel_spec *ks = kb->ks;

	if (c->op != OP_CIDR)
		return unsupported(kb, c);
	if (c->n > KSPEC_MAX - (uint32_t)ks->n_nets)
		return nope(kb, "too many networks (the kernel takes %d)", KSPEC_MAX);
	for (uint32_t i = 0; i < c->n; i++) {
		ks->nets[ks->n_nets].family = c->net[i].family;
		memcpy(ks->nets[ks->n_nets].addr, c->net[i].addr, 16);
		ks->nets[ks->n_nets++].prefix_len = c->net[i].plen;
	}
	return 0;
}

/* The kernel never kills or denies in the runtime's set-up (it skips
 * EF_SETUP tasks): a kill/deny rule is about the workload only. */
static int k_phase(struct kbuild *kb, const struct cond *c)
{
	uint32_t phases = c->op == OP_NE ? (PHASE_INIT | PHASE_WORKLOAD) & ~c->phases : c->phases;

	if (phases & PHASE_INIT)
		return nope(kb, "phase init: the kernel never kills or denies in the runtime's "
			    "set-up (use action alert)");
	return 0;
}

/* Fields of the process table (src/procs) and the container's age: user
 * space knows them, the kernel does not. */
static bool proc_field(enum field_id f)
{
	switch (f) {
	case F_PATH_ARG:
	case F_EXE_NAME:
	case F_PARENT_EXE:
	case F_PARENT_COMM:
	case F_ANCESTOR_EXE:
	case F_ANCESTOR_COMM:
	case F_PROGRAM:
	case F_TTY:
	case F_ENTRYPOINT:
	case F_EXEC_SESSION:
	case F_PARENT_ENTRYPOINT:
	case F_PARENT_EXEC_SESSION:
	case F_CONTAINER_AGE:
		return true;
	default:
		return false;
	}
}

static int k_cond(struct kbuild *kb, const struct cond *c)
{
	if (proc_field(c->field))
		return nope(kb, "'%s' is known only in user space, not in the kernel",
			    rfield_name(c->field));
	switch (c->field) {
	case F_PHASE:
		return k_phase(kb, c);
	case F_SYSCALL:
	case F_CATEGORY:
	case F_ACTIVITY:
		return k_syscalls(kb, c);
	case F_PATH:
	case F_DIRNAME:
		return k_path(kb, c);
	case F_EXE:
		if (c->op != OP_EXACT)
			return unsupported(kb, c);
		return k_str(kb, c, kb->ks->exe, &kb->ks->n_exe, "");
	case F_PORT:
		return k_port(kb, c);
	case F_ADDR:
		return k_net(kb, c);
	case F_CONTAINER_NAME:
	case F_IMAGE:
	case F_CONTAINER_ID:
		return k_container(kb, c);
	default:
		return unsupported(kb, c);
	}
}

static int k_finish(struct kbuild *kb)
{
	bool any = false;

	if (!kb->sys_set)
		return 0;
	for (int nr = 0; nr < CACTUS_MAX_SYSCALLS; nr++) {
		kb->ks->syscalls[nr] = has_bit(kb->sys, nr);
		any |= kb->ks->syscalls[nr];
	}
	if (!any)
		return nope(kb, "the syscall, category and activity conditions select no syscall");
	return 0;
}

int rules__kernel_spec(const struct rule *r, struct kernel_spec *out, char *why, size_t why_len)
{
	struct kbuild kb = { .ks = out, .why = why, .why_len = why_len };
	int rc;

	memset(out, 0, sizeof(*out));
	if (why && why_len)
		why[0] = 0;
	if (r->n_exc)
		return nope(&kb, "'except' blocks are not evaluated in the kernel");
	for (size_t i = 0; i < r->m.n; i++) {
		rc = k_cond(&kb, &r->m.c[i]);
		if (rc)
			return rc;
	}
	return k_finish(&kb);
}
