/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The swappable attach layer: which kernel hook feeds the programs of
 * bpf/cactus.bpf.c. Every mode yields the same events.
 *   tracepoint  per-syscall tracepoints on the traced set only (untraced
 *               syscalls run no BPF; the kernel's syscall-tracepoint slow
 *               path is the only cost they pay)
 *   tp_btf      one BTF-typed dispatcher on sys_enter/sys_exit (5.5+)
 *   raw_tp      the same dispatcher as a raw tracepoint (4.17+)
 *   fentry      fentry/fexit on the traced syscalls' own functions
 *               (__x64_sys_<name>; 5.5+), one verified program cloned
 *               per function
 *   kprobe      kprobe/kretprobe on the same functions, as the paper does
 * fentry and kprobe do not see a syscall refused before dispatch (seccomp):
 * it never reaches its function.
 *
 * BPF-LSM deny programs (lsm.s/file_open, lsm.s/bprm_check_security) load
 * with any mode where the kernel lists `bpf` in its LSMs and accepts them.
 */
#ifndef CACTUS_ATTACH_H
#define CACTUS_ATTACH_H

#include <stdbool.h>
#include "cactus/event.h"

enum attach_mode {
	ATTACH_AUTO, ATTACH_TRACEPOINT, ATTACH_TP_BTF, ATTACH_RAW_TP, ATTACH_FENTRY, ATTACH_KPROBE,
	ATTACH_NMODES
};

struct cactus_bpf;
struct attach;

/* "auto", "tracepoint", "tp_btf", "raw_tp", "fentry", "kprobe" -> mode, or -1. */
int attach_mode_parse(const char *name);
const char *attach_mode_name(enum attach_mode mode);

/* Opens and loads the skeleton for @mode; with ATTACH_AUTO, tries the modes
 * in order of cost and says in one line why it fell back. @setup is called
 * between open and load to set rodata and map sizes. */
struct attach *attach__load(enum attach_mode mode, int (*setup)(struct cactus_bpf *, void *),
			    void *ctx);
/* Attaches for the syscalls whose traced[nr] is true, and the BPF-LSM deny
 * programs if they loaded and the deny_paths map has an entry. */
int attach__attach(struct attach *a, const bool *traced);
/* Makes every program return at its first lookup (before detaching). */
void attach__quiesce(struct attach *a);
void attach__detach(struct attach *a);
void attach__free(struct attach *a);

struct cactus_bpf *attach__skel(struct attach *a);
enum attach_mode attach__mode(const struct attach *a);
/* Why this mode: one phrase for the start-up line. */
const char *attach__reason(const struct attach *a);
/* BPF-LSM deny programs loaded; else why not (one phrase). */
bool attach__lsm(const struct attach *a);
const char *attach__lsm_reason(const struct attach *a);

#endif
