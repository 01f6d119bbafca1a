/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The table of classified syscalls: the single source of every per-syscall
 * fact (category, activity, how to capture it, which argument holds what,
 * SCF_* facts: include/cactus/event.h, one set with the kernel side). Event
 * decoding, rules, enforcement and attach read it; the kernel side reads it
 * through the syscall_conf map. To add a syscall: one line in src/syscalls.c.
 */
#ifndef CACTUS_SYSCALLS_H
#define CACTUS_SYSCALLS_H

#include <stdbool.h>
#include <stddef.h>
#include "cactus/event.h"

enum cactus_category {
	CAT_FILE = 0,
	CAT_DIR,
	CAT_NET,
	CAT_PROC,
	CAT_SIGNAL,
	CAT_PERM,
	CAT_MEM,
	CAT_NS_MOUNT,
	CAT_SYSTEM,
	CAT_COUNT,
};

struct cactus_syscall {
	const char *name;      /* without the sys_ prefix: "openat" */
	const char *fn;        /* its SYSCALL_DEFINE name when that differs (umount2:
				* "umount"): tracepoints and sys_ functions use it */
	const char *activity;  /* "File Open" */
	int nr;
	enum cactus_category category;
	__u16 flags;           /* SCF_* facts, never SCF_RUNTIME ones */
	__u8 kind;             /* enum cactus_kind */
	/* argument indexes, CACTUS_NO_ARG when absent */
	__u8 path_arg, dirfd_arg, path2_arg, path2_dirfd_arg, addr_arg;
	__u8 fd_arg;           /* CK_FD: the descriptor */
	__u8 flags_arg;        /* SCF_OFLAGS */
	__u8 mode_arg;         /* SCF_MODE */
	__u8 sig_arg, target_arg; /* SCF_SIGNAL: signal, target pid (or NO_ARG) */
};

/* Every classified syscall, sorted by nr. */
extern const struct cactus_syscall cactus_syscalls[];
extern const size_t cactus_syscalls_count;

const char *cactus_category_name(enum cactus_category cat);
/* Accepts the display name ("File Operation") or a short one ("file"), any case.
 * Returns -1 when unknown. */
int cactus_category_parse(const char *name);
/* Short names accepted by cactus_category_parse, in category order. */
const char *cactus_category_short(enum cactus_category cat);

const struct cactus_syscall *cactus_syscall_by_nr(int nr);
/* Accepts "openat" or "sys_openat". */
const struct cactus_syscall *cactus_syscall_by_name(const char *name);

/* False for syscalls classified but too frequent to trace unless asked for. */
bool cactus_syscall_default(const struct cactus_syscall *sc);

/* exit and exit_group never return: there is no sys_exit to hook. */
bool cactus_syscall_noreturn(const struct cactus_syscall *sc);

/* The syscall has every SCF_* fact of @flags. */
static inline bool cactus_syscall_is(const struct cactus_syscall *sc, unsigned int flags)
{
	return sc && (sc->flags & flags) == flags;
}

/* Name of its tracepoints (sys_enter_<fn>) and sys_ function (__x64_sys_<fn>). */
static inline const char *cactus_syscall_fn(const struct cactus_syscall *sc)
{
	return sc->fn ? sc->fn : sc->name;
}

/* Argument @i of @args, or false when @i is CACTUS_NO_ARG. */
static inline bool cactus_syscall_arg(const __u64 *args, __u8 i, __u64 *out)
{
	if (i >= 6)
		return false;
	*out = args[i];
	return true;
}

/* The syscalls with every SCF_* fact of @flags, as a bitmap by nr
 * (CACTUS_MAX_SYSCALLS bits, as a kill rule's). */
void cactus_syscalls_with(unsigned int flags, __u64 *bits);
/* Does the bitmap @bits name a syscall with every SCF_* fact of @flags? */
bool cactus_syscalls_any(const __u64 *bits, unsigned int flags);

/* Fill the value the kernel side reads for one syscall. */
void cactus_syscall_conf(const struct cactus_syscall *sc, bool traced,
			 struct syscall_conf *out);

/*
 * io_uring operations that act on a file, a socket or a process, each the
 * record of its syscall twin (bpf/uring.h): rules, outputs and kill rules see
 * an IORING_OP_OPENAT as an openat, traced when openat is.
 */
struct cactus_uring_op {
	const char *name;      /* IORING_OP_ without the prefix: "OPENAT" */
	const char *twin;      /* the syscall it stands for: "openat" */
	__u8 op;               /* IORING_OP_* (UAPI: the same on every kernel) */
	__u8 kind;             /* enum uring_kind: what the kernel reads */
};

extern const struct cactus_uring_op cactus_uring_ops[];
extern const size_t cactus_uring_ops_count;

/* By IORING_OP_*, NULL if not reported. */
const struct cactus_uring_op *cactus_uring_op_by_nr(unsigned int op);
/* The uring_conf map's value for @u. */
void cactus_uring_conf(const struct cactus_uring_op *u, struct uring_conf *out);

#endif
