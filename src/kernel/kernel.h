/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The kernel side, seen from user space: the only module that includes the
 * generated skeleton. It opens and loads the BPF object (trying the attach
 * modes), attaches (every mode, the fentry cloning, the start-up
 * calibration, the deny programs), writes every map and reads the counters.
 * Everything else calls it.
 *
 * Attach modes (which hook feeds the programs of bpf/cactus.bpf.c; every mode
 * yields the same events):
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
 * it never reaches its function. To add a mode: its programs in
 * bpf/cactus.bpf.c, its row in the program table (src/kernel/modes.c), its
 * attach case in src/kernel/attach.c.
 */
#ifndef CACTUS_KERNEL_H
#define CACTUS_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include "cactus/event.h"

enum attach_mode {
	ATTACH_AUTO, ATTACH_TRACEPOINT, ATTACH_TP_BTF, ATTACH_RAW_TP, ATTACH_FENTRY, ATTACH_KPROBE,
	ATTACH_NMODES
};

/* "auto", "tracepoint", "tp_btf", "raw_tp", "fentry", "kprobe" -> mode, or -1. */
int attach_mode_parse(const char *name);
const char *attach_mode_name(enum attach_mode mode);
/* The @i-th mode's name as they are listed (auto first), NULL past the last. */
const char *attach_mode_listed(int i);

/* 0 if this process may load BPF programs, else -EPERM with a message. */
int kernel_check_privileges(void);
/* 0 if the kernel has BTF, else -ENOENT with a message. */
int kernel_check_btf(void);

struct kernel_opts {
	enum attach_mode mode;         /* ATTACH_AUTO: cheapest the kernel accepts */
	unsigned long ring_bytes;      /* events ring, a power of 2 */
	__u32 n_kill_rules;            /* entries kernel__set_kill_rules() will write */
	__u32 n_deny_rules;            /* > 0: the cgroup deny programs are loaded */
	__u32 max_containers;          /* size of the per-cgroup tables (0: 8192) */
	const char *pin_path;          /* bpffs dir: adopt a previous agent's pins (pin.c) */
	bool count_all;                /* count every classified syscall (SCF_COUNTED),
					* recorded or not: a view's rows */
};

struct kernel;

/* Reads the host's namespaces, opens and loads the skeleton for opts->mode;
 * with ATTACH_AUTO tries the modes in order of cost and says in one line why
 * it fell back. NULL after a message on stderr. */
struct kernel *kernel__load(const struct kernel_opts *opts);
void kernel__free(struct kernel *k);

/* ---- restart without loss (pin.c) ---- */

/* Leaves the programs attached and pins them with the maps and the ring
 * under @dir (bpffs) for the next agent; kernel__free() then detaches
 * nothing. 0, or -errno after a message (then detached as usual). */
int kernel__pin(struct kernel *k, const char *dir);
/* `cactus detach`: removes what an agent left pinned under @dir. */
int kernel__detach_pinned(const char *dir);
/* The previous agent's ring when it could not be shared (another size):
 * drain it once attached; -1 when none. */
int kernel__adopted_ring_fd(const struct kernel *k);

/* ---- maps (call after load) ---- */

/* syscall_conf from the syscall table: traced[nr] captures it, kill[nr]
 * also checks the kill rules at its entry. */
int kernel__set_syscalls(struct kernel *k, const bool *traced, const bool *kill);
int kernel__set_kill_rules(struct kernel *k, const struct kill_rule *rules, __u32 n);
int kernel__set_deny_rules(struct kernel *k, const struct deny_rule *rules, __u32 n);
/* A full path whose open or exec fails with EPERM (BPF-LSM, kernel__lsm()). */
int kernel__add_deny_path(struct kernel *k, const char *path);

/* What user space knows of cgroup v2 @cg: WATCH_KNOWN (its records are
 * watched and carry no names) or WATCH_IGNORE (filtered out in the kernel).
 * Also makes the kernel report the cgroup's removal. */
int kernel__set_watch(struct kernel *k, __u64 cg, __u8 verdict);
/* Scoped kill/deny rule @idx (SCOPE_DENY + i for deny rules) selects @cg. */
int kernel__set_scope(struct kernel *k, __u64 cg, __u32 idx, bool on);
/* Deny rules (bit per rule) that apply to cgroup v2 @cg. */
int kernel__set_cgroup_mask(struct kernel *k, __u64 cg, __u32 mask);
/* Kill rules (bit per rule) protecting the file @id; 0 removes it. */
int kernel__set_file_id(struct kernel *k, const struct file_id *id, __u32 kill_mask);
/* @cg is gone: every entry of it leaves the kernel's tables. Returns the
 * records the ring lost for it (drops_by_cgroup), now counted by the caller,
 * and adds its syscall counts to @counts (if not NULL). */
__u64 kernel__forget_cgroup(struct kernel *k, __u64 cg, struct syscall_counts *counts);
/* Adds @cg's syscall counts to @counts (if not NULL) and empties them. */
void kernel__take_counts(struct kernel *k, __u64 cg, struct syscall_counts *counts);

/* ---- attaching ---- */

/* Attaches the mode's programs for the syscalls whose traced[nr] is true
 * (auto between tracepoint and tp_btf: measured now, see calibrate.c), and
 * the BPF-LSM deny programs if they loaded and a deny path was added. */
int kernel__attach(struct kernel *k, const bool *traced);
/* The cgroup connect/bind deny programs at the cgroup v2 mount @cgroup2. */
int kernel__attach_deny_net(struct kernel *k, const char *cgroup2);
/* Makes every program return at its first lookup (before detaching). */
void kernel__quiesce(struct kernel *k);

/* ---- reading ---- */

/* fd of the events ring buffer (records are struct cactus_event). */
int kernel__events_fd(const struct kernel *k);
/* Sums the per-CPU counters into out[STAT_NSTATS]. */
void kernel__stats(const struct kernel *k, __u64 *out);
/* Calls @fn with the syscall counts of every cgroup that made a traced
 * syscall (counts_by_cgroup; event.h). */
void kernel__counts_foreach(const struct kernel *k,
			    void (*fn)(void *ctx, __u64 cg, const struct syscall_counts *n),
			    void *ctx);
/* Adds @b's rows to @a. */
void syscall_counts_add(struct syscall_counts *a, const struct syscall_counts *b);
/* Calls @fn for every cgroup that lost records (ring full). */
void kernel__drops_foreach(const struct kernel *k, void (*fn)(void *ctx, __u64 cg, __u64 n),
			   void *ctx);
/* Losses of a container the kernel has not told in a gap record yet. */
struct kernel_gap {
	__u64 first, last;      /* CLOCK_BOOTTIME ns */
	__u32 lost, cats, cause; /* records, bit per category, GAP_* */
};
/* Calls @fn for each container whose last loss is older than
 * @older_than_ns and not told yet (it made no record since, so the kernel
 * could not tell it), and forgets it. */
void kernel__stale_gaps(struct kernel *k, __u64 older_than_ns,
			void (*fn)(void *ctx, __u64 cg, const struct kernel_gap *gap), void *ctx);

enum attach_mode kernel__mode(const struct kernel *k);
/* Why this mode: one phrase for the start-up line. */
const char *kernel__reason(const struct kernel *k);
/* BPF-LSM deny programs loaded; else why not (one phrase). */
bool kernel__lsm(const struct kernel *k);
const char *kernel__lsm_reason(const struct kernel *k);

#endif
