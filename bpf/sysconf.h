/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Per-syscall facts as the kernel side sees them: the syscall_conf entry user
 * space wrote from the one syscall table (src/syscalls.c), and the syscall's
 * arguments. No syscall number is written here: what a syscall needs is in
 * its conf (kind, which argument holds what, SCF_KERNEL facts).
 */
#ifndef CACTUS_BPF_SYSCONF_H
#define CACTUS_BPF_SYSCONF_H

#include "base.h"
#include "maps.h"

/* The conf of syscall @nr if it is traced (or may move the caller into a
 * container: setns, unshare are always watched for the set-up phase, see
 * procs.h), else NULL. */
static __always_inline const struct syscall_conf *traced(long nr)
{
	__u32 key = (__u32)nr;
	const struct syscall_conf *c;

	if (nr < 0 || nr >= CACTUS_MAX_SYSCALLS)
		return NULL;
	c = bpf_map_lookup_elem(&syscall_conf, &key);
	return c && (c->flags & (SCF_TRACED | SCF_COUNTED | SCF_NSCHANGE)) ? c : NULL;
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

/* A directory-fd argument; AT_FDCWD when the syscall has none (open, ...). */
static __always_inline long arg_fd(const __u64 *a, __u8 i)
{
	return i < 6 ? (long)(int)arg(a, i) : AT_FDCWD;
}

/* The six argument registers of the x86-64 syscall ABI. */
static __always_inline void regs_args(struct pt_regs *regs, __u64 *args)
{
	args[0] = BPF_CORE_READ(regs, di);
	args[1] = BPF_CORE_READ(regs, si);
	args[2] = BPF_CORE_READ(regs, dx);
	args[3] = BPF_CORE_READ(regs, r10);
	args[4] = BPF_CORE_READ(regs, r8);
	args[5] = BPF_CORE_READ(regs, r9);
}

#endif
