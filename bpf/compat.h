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
 * variants: cactus.bpf.c is compiled twice, the second time with
 * CACTUS_NOLOOP, and the two objects are linked into one (Makefile); user
 * space loads one variant (src/kernel/modes.c). Every global and map is
 * __weak: the linker keeps one of each, which both variants share.
 */
#ifndef CACTUS_BPF_COMPAT_H
#define CACTUS_BPF_COMPAT_H

#include "base.h"

/* bpf_get_current_task_btf() (5.11): the task as a BTF pointer, its fields
 * read with direct loads. Else bpf_get_current_task() and BPF_CORE_READ (a
 * helper call per field). */
const volatile bool have_task_btf __weak = true;
/* bpf_task_pt_regs() (5.15). Else the user registers are at the top of the
 * task's kernel stack, thread_size bytes above task->stack. */
const volatile bool have_task_pt_regs __weak = true;
const volatile __u32 thread_size __weak = 16384;
/* fentry/fexit: take the user registers from the task, not from the sys_
 * function's argument: 5.10's BTF declares that argument a pointer to a
 * forward-declared struct for some functions, and the verifier then refuses
 * reading it (user space sets this when BTF says so). */
const volatile bool regs_from_task __weak = false;
/* The per-thread stash lives in the LRU hash by thread id (fentry and
 * kprobe modes; kernels without task storage for tracing programs, 5.13),
 * else in task-local storage. */
const volatile bool stash_lru __weak = false;
/* bpf_rdonly_cast() (6.2): any kernel address as a BTF pointer, its fields
 * read with direct loads (a faulting load reads 0) instead of a helper call
 * per read: the file, dentries, mounts and inode of every opened file.
 * Else spans of bpf_probe_read_kernel (read_span). A kernel without bpf_loop
 * (5.17) has none: the variant without it has no direct loads (and libbpf
 * 1.1's linker takes a kfunc declared in one object only). */
#ifndef CACTUS_NOLOOP
const volatile bool have_cast __weak = false;

extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym __weak;

/* @p as a read-only BTF pointer to @type (only where have_cast). */
#define KCAST(p, type) ((type *)bpf_rdonly_cast((p), bpf_core_type_id_kernel(type)))
#else
#define have_cast false
#define KCAST(p, type) ((type *)(p)) /* not compiled: have_cast is false */
#endif

/*
 * The variant being compiled. Without bpf_loop (CACTUS_NOLOOP): programs
 * named <name>_noloop, loops with a constant bound, and the two big loops
 * (the dentry walk, the kill rules) global functions, each verified once on
 * its own instead of once per caller path (path.h, kill.h). LOOP(max, n, cb,
 * ctx) runs cb(i, ctx) for i = 0, 1, ... until it returns non-zero: with
 * bpf_loop up to @max times (the callback is verified once whatever the
 * count), else up to @max and @n times (@n a load-time constant, rules in
 * use, which shortens the verifier's walk). The big callbacks (walk_up,
 * walk_write, kill_rule_step, deny_rule_step) are __noinline: without
 * bpf_loop too they stay subprograms the unrolled loop calls, which the
 * verifier walks in fewer instructions than their bodies inlined.
 */
#ifdef CACTUS_NOLOOP
#define VARIANT(name) name##_noloop
#define LOOP(max, n, cb, ctx)                                                  \
	do {                                                                   \
		for (__u32 i_ = 0; i_ < (max) && i_ < (n); i_++) {             \
			if (cb(i_, ctx))                                       \
				break;                                         \
		}                                                              \
	} while (0)
#else
#define VARIANT(name) name
#define LOOP(max, n, cb, ctx) bpf_loop((max), (cb), (ctx), 0)
#endif

/* libbpf's program macros paste their name: VARIANT() is expanded first. */
#define VARIANT_PROG(name, args...) VARIANT_PROG_(VARIANT(name), ##args)
#define VARIANT_PROG_(name, args...) BPF_PROG(name, ##args)
#define VARIANT_KPROBE(name, args...) VARIANT_KPROBE_(VARIANT(name), ##args)
#define VARIANT_KPROBE_(name, args...) BPF_KPROBE(name, ##args)
#define VARIANT_KRETPROBE(name, args...) VARIANT_KRETPROBE_(VARIANT(name), ##args)
#define VARIANT_KRETPROBE_(name, args...) BPF_KRETPROBE(name, ##args)

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
