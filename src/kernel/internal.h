/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Private to src/kernel/: the state the files of this module share.
 *   kernel.c     load (modes, LSM), maps, counters, privileges and BTF checks
 *   attach.c     attaching each mode, the deny programs, detaching
 *   fentry.c     cloning one verified fentry/fexit program per syscall
 *   calibrate.c  start-up measurement: tracepoint or tp_btf
 *   modes.c      attach mode names, each mode's programs (the variant)
 *   pin.c        restart without loss: pinning, adopting, `cactus detach`
 *   features.c   what this kernel's BPF can do: fallbacks chosen at load
 * Calls go one way: kernel.c -> attach.c -> fentry.c, calibrate.c -> modes.c.
 */
#ifndef CACTUS_KERNEL_INTERNAL_H
#define CACTUS_KERNEL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "cactus.skel.h"
#include "kernel/kernel.h"

struct btf;

/* What the kernel's BPF can do (features.c); each false selects a fallback. */
struct kfeatures {
	bool loop;          /* bpf_loop (5.17) in tracing programs, else `_noloop` variants */
	bool loop_sock;     /* ... in cgroup sock_addr programs */
	bool task_btf;      /* bpf_get_current_task_btf (5.11): direct loads */
	bool task_storage;  /* task-local storage from tracing programs */
	bool task_pt_regs;  /* bpf_task_pt_regs (5.15) */
	bool cast;          /* the bpf_rdonly_cast kfunc (6.2): direct loads from any kernel pointer */
	bool d_path_lsm;    /* not disabled for tests: try lsm.s + bpf_d_path first */
};

/*
 * The programs of the open skeleton this kernel loads (modes.c, from the
 * skeleton's typed pointers): with bpf_loop, or the `_noloop` variant where
 * the kernel has none (kfeatures.loop; loop_sock for the sock_addr ones).
 */
struct kprogs {
	struct bpf_program *enter[ATTACH_NMODES]; /* each mode's syscall entry */
	struct bpf_program *exit[ATTACH_NMODES];  /* and exit; NULL for auto */
	struct bpf_program *task_exec;            /* the lifecycle program that loops */
	struct bpf_program *deny_sock[4];         /* connect4, connect6, bind4, bind6 */
	/* io_uring (uring.c picks one of each pair for this kernel) */
	struct bpf_program *uring_submit, *uring_submit_old;
	struct bpf_program *uring_complete, *uring_complete_res;
};

/* io_uring's programs for this kernel (uring.c). */
#define URING_LINKS 2
struct kuring {
	const char *submit_tp;              /* the tracepoint's name, NULL: none */
	struct bpf_program *submit, *complete; /* complete NULL: records at submit */
	char why[160];                      /* what is missing, for the log */
	struct bpf_link *links[URING_LINKS];
};

struct kernel {
	struct cactus_bpf *skel;
	bool count_all;            /* kernel_opts.count_all */
	struct kfeatures feat;
	struct kprogs progs;       /* of skel, after progs_select() */
	bool lsm_walk;             /* the LSM variant without bpf_d_path */
	enum attach_mode mode;
	char reason[256];
	bool calibrate;            /* auto: tracepoint and tp_btf both loaded, */
				   /* the cheaper one chosen at attach (calibrate.c) */
	struct bpf_link **links;   /* tracepoint, kprobe, tp_btf: two per syscall */
	size_t nlinks;
	int *link_fds;             /* fentry: bpf_link_create()d, two per syscall */
	size_t nlink_fds;
	struct btf *vmlinux;       /* fentry, kprobe: the sys_ functions */
	char prefix[16];           /* their arch prefix: "__x64_sys_" */
	/* BPF-LSM programs: deny paths, kill rules on a path */
	bool lsm;
	char lsm_reason[160];
	struct bpf_link *lsm_links[2];
	bool kill_paths;           /* some kill rule is on a path: LSM enforces it too */
	bool attached;             /* kernel__attach() ran */
	/* cgroup sock_addr deny programs */
	struct bpf_link *deny_links[4];
	/* lifecycle programs */
#define LIFE_LINKS 4
	struct bpf_link *life_links[LIFE_LINKS];
	struct kuring uring;
	struct kill_nrs kill_nrs;  /* what the kill_nrs map holds */
	/* restart without loss (pin.c) */
	const char *pin_path;      /* --pin-path, or NULL */
	__u32 gen;                 /* this object's generation (my_gen) */
	bool adopt;                /* a previous agent's pins are being adopted */
	bool control_reused;       /* its control map is ours: the flip stops it */
	bool ring_reused;          /* its ring is ours */
	bool pinned;               /* our links and maps are pinned: leave attached */
	int old_ring_fd;           /* its ring when not ours: drained, or -1 */
};

/* Names of the syscalls the kernel has no hook for, for one warning line. */
struct missing {
	char names[512];
	size_t len;
};

static inline void missing_add(struct missing *m, const char *name)
{
	if (m->len < sizeof(m->names) - 32)
		m->len += snprintf(m->names + m->len, sizeof(m->names) - m->len, " %s", name);
}

/* attach.c */
int attach_sys_prefix(struct kernel *k);
/* The BPF-LSM programs, once a deny path or a kill rule on a path needs
 * them (again: nothing). */
int attach_lsm(struct kernel *k);
int attach_probe_kprobe(struct kernel *k);
void attach_detach(struct kernel *k);

/* fentry.c: attaches a clone of the loaded fentry/fexit programs to the
 * sys_ function of each traced syscall. */
struct clone_src;
int fentry_attach_all(struct kernel *k, const bool *traced);
/* Pure, for tests: subprogram starts of @insns (0 first, ascending, unique)
 * into @starts (at most @max); the count, 0 if more than @max. */
struct bpf_insn;
size_t fentry_subprog_starts(const struct bpf_insn *insns, size_t n, __u32 *starts, size_t max);
/* BTF id of the function that runs syscall @name, @fn its kallsyms name. */
int fentry_sys_func(struct kernel *k, const char *name, char *fn, size_t size);

/* uring.c: which io_uring programs fit this kernel (after progs_select),
 * load them, fill uring_conf (after load), attach and detach them. */
void uring_probe(struct kernel *k);
void uring_set_autoload(struct kernel *k);
int uring_set_conf(struct kernel *k);
int uring_attach(struct kernel *k);
void uring_detach(struct kernel *k);

/* modes.c: k->progs from a newly opened k->skel, for k->feat. */
void progs_select(struct kernel *k);

/* features.c */
void features_probe(struct kfeatures *f);
const char *features_missing(const struct kfeatures *f, char *buf, size_t len);
bool features_sys_regs_untyped(struct kernel *k);

/* pin.c */
int pin_read_state(const char *dir, __u32 *gen, enum attach_mode *mode);
void pin_reuse_maps(struct kernel *k, const char *dir);
int pin_takeover(struct kernel *k, const char *dir);
void pin_drop_old(const char *dir);

/* calibrate.c: both tracepoint and tp_btf programs are loaded, the maps
 * configured, nothing attached. Returns ATTACH_TRACEPOINT or ATTACH_TP_BTF
 * and says why in @reason. */
enum attach_mode calibrate_mode(struct kernel *k, const bool *traced, char *reason, size_t len);

#endif
