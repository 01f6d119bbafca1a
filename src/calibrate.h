/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Start-up measurement that picks tracepoint or tp_btf (the two modes this
 * kind of kernel offers when fentry and kprobes are refused): per-syscall
 * tracepoints cost nothing in BPF for untraced syscalls but put every
 * syscall on the slow path and pay perf's trace buffer per hit; the tp_btf
 * dispatcher runs on every syscall but is cheap per hit. Which is cheaper
 * depends on the machine and on the host's syscall mix: both are measured.
 */
#ifndef CACTUS_CALIBRATE_H
#define CACTUS_CALIBRATE_H

#include <stdbool.h>
#include <stddef.h>
#include "attach.h"

struct cactus_bpf;

/* Both program sets are loaded and the maps configured; nothing attached.
 * Returns ATTACH_TRACEPOINT or ATTACH_TP_BTF and says why in @reason. */
enum attach_mode calibrate_mode(struct cactus_bpf *skel, const bool *traced, char *reason,
				size_t len);

#endif
