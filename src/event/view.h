/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Decoding a raw kernel record into the fields every output format prints:
 * dirname/filename, exe/argv, address, signal. Pure functions, unit tested.
 */
#ifndef CACTUS_EVENT_VIEW_H
#define CACTUS_EVENT_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "cactus/event.h"
#include "event/record.h"
#include "containers/containers.h"
#include "procs/procs.h"
#include "syscalls.h"

#define VIEW_PATH_MAX 4096
#define VIEW_ARGV_MAX 64

/* How an event that matched a rule turned out (src/rules/enforce.c). */
enum alert_outcome {
	OUTCOME_ALERTED,          /* an alert rule: nothing to enforce */
	OUTCOME_KILLED,           /* the kernel killed the caller at this syscall */
	OUTCOME_DENIED,           /* the syscall was refused (EPERM) */
	OUTCOME_NOT_ENFORCED,     /* a kill/deny rule the kernel did not act on here */
	OUTCOME_KILLED_DOWNGRADED,/* a deny the kernel could only enforce as a kill */
	OUTCOME_COUNT,
};

/* "alerted", "killed", "denied", "not enforced", ... */
const char *alert_outcome_name(enum alert_outcome o);

/* A rule that matched the event (src/rules), set by the monitor. */
struct alert {
	const char *rule;
	const char *priority;
	const char *action;
	enum alert_outcome outcome;
	const char *message;   /* the rule's rendered output template */
};

struct event_view {
	const struct cactus_event *e;
	const struct alert *alert;         /* NULL: a plain event */
	const struct cactus_syscall *sc;   /* never NULL for a traced nr */
	const struct container *c;         /* may be NULL */
	const struct proc *proc;           /* the calling process (src/procs); NULL: unknown */
	bool phase_init;                   /* the runtime's set-up, not the workload (EF_SETUP) */
	int64_t container_age_ns;          /* since the container started; -1: unknown */
	char time[48];                     /* RFC 3339, ns, UTC */
	/* file events */
	char dirname[VIEW_PATH_MAX];
	char filename[VIEW_PATH_MAX];
	const char *path2;                 /* second path (rename/link), as passed */
	const char *path_arg;              /* the path as passed, when dirname/filename are
					    * the file the kernel actually opened (EF_RESOLVED)
					    * and it was spelled otherwise; else NULL */
	char flags[160];                   /* open flags decoded, "" if none */
	/* process events; exe also for every event of a known process: the
	 * file actually executed (not argv[0]) */
	const char *exe;
	const char *argv[VIEW_ARGV_MAX];
	int argc;
	/* network events */
	const char *family;                /* NULL when no address */
	char addr[128];                    /* "127.0.0.1", "::1", unix path */
	int port;
	/* an io_uring operation, a record of its syscall twin (bpf/uring.h) */
	const char *via;                   /* "io_uring", NULL for a syscall */
	const char *uring_op;              /* "OPENAT" */
	const char *uring_thread;          /* "inline", "sqpoll", "worker" */
	char uring_opbuf[16];
	/* signal events */
	int signal_nr;                     /* -1: not a signal event */
	const char *signal;
	long target_pid;
	char sigbuf[24];
};

/* @boot_to_real_ns: add to CLOCK_BOOTTIME ns to get CLOCK_REALTIME ns. */
void event_view_init(struct event_view *v, const struct cactus_event *e,
		     const struct container *c, int64_t boot_to_real_ns);

/* Pure helpers, exported for tests. */
/* Joins @base and @path (if relative), removes "." and ".." and repeated
 * slashes, then splits at the last '/'. */
void path_split(const char *base, const char *path, char *dir, size_t dir_len,
		char *file, size_t file_len);
void format_rfc3339(int64_t real_ns, char *buf, size_t len);
/* "/proc/<@pid>[/...]" in @dir becomes "/proc/self[/...]". */
void proc_self_path(char *dir, size_t len, uint32_t pid);
const char *signal_name(int sig, char *buf, size_t len);
void open_flags_str(uint64_t flags, char *buf, size_t len);

#endif
