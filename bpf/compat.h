/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Kernel features chosen at load time (issue 15: 5.10 and up, one binary).
 * src/kernel/features.c probes the kernel and clears what it lacks before
 * load; the verifier treats .rodata as constants and drops the branch not
 * taken, so on a kernel that has a feature its fallback costs nothing.
 *
 * bpf_loop (5.17) is the one feature a flag cannot hide: its callback is a
 * subprogram referenced by a BPF_PSEUDO_FUNC ld_imm64, which older kernels
 * refuse even in dead code. So every program that loops comes in two
 * variants (a compile-time `loop` argument; cactus.bpf.c), one autoloaded.
 */
#ifndef CACTUS_BPF_COMPAT_H
#define CACTUS_BPF_COMPAT_H

#include "base.h"

/* bpf_get_current_task_btf() (5.11): the task as a BTF pointer, its fields
 * read with direct loads. Else bpf_get_current_task() and BPF_CORE_READ (a
 * helper call per field). */
const volatile bool have_task_btf = true;
/* bpf_task_pt_regs() (5.15). Else the user registers are at the top of the
 * task's kernel stack, thread_size bytes above task->stack. */
const volatile bool have_task_pt_regs = true;
const volatile __u32 thread_size = 16384;
/* fentry/fexit: take the user registers from the task, not from the sys_
 * function's argument: 5.10's BTF declares that argument a pointer to a
 * forward-declared struct for some functions, and the verifier then refuses
 * reading it (user space sets this when BTF says so). */
const volatile bool regs_from_task = false;
/* The per-thread stash lives in the LRU hash by thread id (fentry and
 * kprobe modes; kernels without task storage for tracing programs, 5.13),
 * else in task-local storage. */
const volatile bool stash_lru = false;
/* bpf_rdonly_cast() (6.2): any kernel address as a BTF pointer, its fields
 * read with direct loads (a faulting load reads 0) instead of a helper call
 * per read: the file, dentries, mounts and inode of every opened file.
 * Else spans of bpf_probe_read_kernel (read_span). */
const volatile bool have_cast = false;

extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym __weak;

/* @p as a read-only BTF pointer to @type (only where have_cast). */
#define KCAST(p, type) ((type *)bpf_rdonly_cast((p), bpf_core_type_id_kernel(type)))

/* A field chain read from a task or what hangs off it: direct loads from a
 * BTF pointer, else one bpf_probe_read_kernel per step. */
#define KREAD(...) (have_task_btf ? ___arrow(__VA_ARGS__) : BPF_CORE_READ(__VA_ARGS__))

/*
 * Several fields of one kernel struct with one bpf_probe_read_kernel: the
 * bytes [lo, hi) of *@base into @buf (SPAN_MAX bytes). Offsets come from
 * bpf_core_field_offset(), constants once libbpf has relocated them, so the
 * verifier checks the size and SPAN_AT's stack reads as constants. A helper
 * call costs ~20 ns: a field per call adds up on every event.
 */
#define SPAN_MAX 64
#define SPAN_AT(buf, lo, off, type) (*(type *)((buf) + ((off) - (lo))))

static __always_inline int read_span(__u8 *buf, const void *base, __u32 lo, __u32 hi)
{
	if (hi <= lo || hi - lo > SPAN_MAX)
		return -1;
	return bpf_probe_read_kernel(buf, hi - lo, (const char *)base + lo);
}

static __always_inline __u32 min_u32(__u32 a, __u32 b)
{
	return a < b ? a : b;
}

static __always_inline __u32 max_u32(__u32 a, __u32 b)
{
	return a > b ? a : b;
}

static __always_inline struct task_struct *current_task(void)
{
	if (have_task_btf)
		return bpf_get_current_task_btf();
	return (struct task_struct *)bpf_get_current_task();
}

/* The user registers saved at syscall entry (x86-64: the top of the kernel
 * stack, TOP_OF_KERNEL_STACK_PADDING is 0). */
static __always_inline struct pt_regs *current_pt_regs(struct task_struct *task)
{
	if (have_task_pt_regs && have_task_btf)
		return (struct pt_regs *)bpf_task_pt_regs(task);
	return (struct pt_regs *)((char *)BPF_CORE_READ(task, stack) + thread_size) - 1;
}

#endif
