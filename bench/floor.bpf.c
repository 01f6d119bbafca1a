/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Empty programs for the floor rows of the overhead benchmark: what the
 * kernel charges for an attach point before cactus's program body runs.
 * bench/floor.c loads only the programs of the mode it is given.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* (a) one syscall tracepoint that never fires for the measured syscalls:
 * turns on the syscall-tracepoint slow path for every task */
SEC("tracepoint/syscalls/sys_enter_reboot")
int floor_tp_reboot(void *ctx)
{
	return 0;
}

/* (b) empty programs on the traced syscalls' own tracepoints (attached by
 * bench/floor.c to sys_enter_/sys_exit_ of openat, close, connect, socket):
 * the hook's price for a syscall cactus traces in tracepoint mode */
SEC("tracepoint")
int floor_tp_traced(void *ctx)
{
	return 0;
}

/* (c) empty BTF-typed dispatcher on every syscall */
SEC("tp_btf/sys_enter")
int BPF_PROG(floor_btf_enter, struct pt_regs *regs, long id)
{
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(floor_btf_exit, struct pt_regs *regs, long ret)
{
	return 0;
}

/* (d) empty raw tracepoint dispatcher on every syscall */
SEC("raw_tp/sys_enter")
int floor_raw_enter(struct bpf_raw_tracepoint_args *ctx)
{
	return 0;
}

SEC("raw_tp/sys_exit")
int floor_raw_exit(struct bpf_raw_tracepoint_args *ctx)
{
	return 0;
}
