/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The process table: every process of a watched container, with the file it
 * actually executed, its comm, its terminal, whether the runtime started it
 * (the container's entrypoint, or the command of an exec session) and its
 * ancestors' exe and comm. Built only from the kernel's fork, exec and exit
 * records (bpf/procs.h) as they arrive in ring order, never from /proc after
 * the fact (/proc is read once, at start-up, for processes that predate
 * cactus). Owned by the consumer thread: no locks.
 */
#ifndef CACTUS_PROCS_H
#define CACTUS_PROCS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "cactus/event.h"

#define PROC_ANCESTORS 4      /* parent, grandparent, ... kept per process */

/* proc_ident.flags */
#define PROC_ENTRYPOINT PROC_F_ENTRYPOINT     /* the runtime exec'd it as the container's init */
#define PROC_EXEC_SESSION PROC_F_EXEC_SESSION /* ... for docker/ctr/podman exec */

/* Who a process is: what it runs. */
struct proc_ident {
	char comm[CACTUS_COMM_LEN];
	const char *exe;          /* the file actually executed; "" if unknown */
	uint32_t host_pid;
	uint8_t flags;            /* PROC_* */
};

struct proc {
	struct proc_ident self;
	/* anc[0] the parent, anc[1] its parent, ... (n_anc of them; fewer when
	 * the chain leaves the container or is unknown) */
	struct proc_ident anc[PROC_ANCESTORS];
	int n_anc;
	bool tty;                 /* a controlling terminal */
	char tty_name[32];        /* "pts/0", "" without one */
	int64_t start_boot_ns;    /* fork (or exec) time, CLOCK_BOOTTIME */
};

struct procs;

struct procs *procs__new(size_t max);
void procs__free(struct procs *p);
/* A REC_PROC_FORK / REC_PROC_EXEC / REC_PROC_EXIT record. */
void procs__record(struct procs *p, const struct cactus_event *e);
/* The process of a syscall record's host_pid, or NULL if unknown. */
const struct proc *procs__get(struct procs *p, uint32_t host_pid);
/* Forgets every process of a container that ended. */
void procs__forget_cgroup(struct procs *p, uint64_t cgroup_id);
/* Processes of containers that predate cactus: from @proc_root (NULL:
 * /proc), once; @in_container says which pids to take. A process a record
 * already told of is left as the record said. */
int procs__scan_proc(struct procs *p, const char *proc_root,
		     bool (*in_container)(uint32_t pid, void *ctx), void *ctx);

#endif
