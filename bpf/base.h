/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What every kernel-side file builds on: the kernel's types (vmlinux.h, from
 * this kernel's BTF; CO-RE relocates field offsets for the running one),
 * libbpf's helper declarations, the types shared with user space, and the few
 * UAPI constants vmlinux.h cannot carry (they are #defines, not types).
 */
#ifndef CACTUS_BPF_BASE_H
#define CACTUS_BPF_BASE_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "cactus/event.h"

#define AF_UNIX 1
#define AF_INET 2
#define AF_INET6 10
#define AT_FDCWD -100
#define EPERM 1
#define SIGKILL 9

#endif
