/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Private to src/monitor/: the state its files share (see monitor.h). */
#ifndef CACTUS_MONITOR_INTERNAL_H
#define CACTUS_MONITOR_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "containers/containers.h"
#include "rules/enforce.h"
#include "event/view.h"
#include "kernel/kernel.h"
#include "monitor/monitor.h"
#include "rules/rules.h"

struct ring_buffer;
struct out_stream;
struct held;
struct fold;
struct procs;
struct telemetry;
struct deliver;
struct reload;

/* What the pipeline counted, for the summary. */
struct monitor_counts {
	unsigned long long seen, printed, filtered, malformed, alerts;
	unsigned long long per_category[CAT_COUNT];
	unsigned long long no_container;    /* records of container namespaces
					     * that no container claims */
	unsigned long long unnamed;         /* ... of a container without a name */
	unsigned long long drops_no_container; /* drops of a cgroup of no container */
	unsigned long long lifecycle;       /* start, end and gap records printed */
	unsigned long long gaps;            /* gap records (kernel's and stale ones) */
	unsigned long long folded;          /* alerts counted in a repeat record, not printed */
	unsigned long long unnamed_released; /* held containers released incomplete */
};

struct monitor {
	const struct monitor_opts *opts;
	struct kernel *kernel;
	struct ring_buffer *rb;
	struct containers *cs;
	struct rule_set *rules;
	struct enforce *enforce;
	struct out_stream *out;                  /* stdout, records counted when written */
	int out_err;                             /* first write error: stop (-EPIPE: quietly) */
	/* what the kernel traces: shown, or needed to enforce */
	bool kernel_traced[CACTUS_MAX_SYSCALLS];
	bool kernel_kill[CACTUS_MAX_SYSCALLS];   /* entry checks the kill rules */
	char cgroup2[512];                       /* cgroup v2 mount, for deny */
	uint64_t own_cgroup;                     /* cactus's own: a host cgroup */
	int64_t boot_to_real_ns;
	/* the join's last answer: consecutive records of one cgroup; stale
	 * once the registry's generation moves */
	uint64_t last_cg, last_gen;
	struct ns_key last_pair;
	struct container *last_c;
	bool last_valid;
	struct monitor_counts n;
	struct event_view view;
	struct rule_input rule_in;                /* the view as rules see it */
	uint64_t view_next_ms;                   /* opts->view: its next tick */
	int64_t last_gap_scan_ms;
	uint64_t ns_per_tick;                    /* of /proc/<pid>/stat start times */
	struct fold *fold;                       /* fold.h: --alert-window */
	struct procs *procs;                     /* procs/procs.h: the process table */
	void *protect;                           /* protect.c: tsearch tree */
	size_t n_protect;
	struct held *held;                       /* hold.c */
	size_t held_bytes;
	/* the node agent (agent.h); NULL when not in use */
	struct telemetry *tm;
	struct deliver *deliver;
	struct reload *rl;
};

/* filter.c: does @c pass --container and --k8s-namespace? (NULL: unknown) */
bool filter_passes(const struct monitor_opts *o, const struct container *c);

/* pipeline.c: the ring buffer callback (ctx: struct monitor). */
int pipeline_record(void *ctx, void *data, size_t size);
/* A container's start or end record, if it passes the filter. */
void pipeline_lifecycle(struct monitor *m, const struct container *c, bool start);
/* A gap record: cgroup @cg lost records (REC_GAP, or a stale loss). */
void pipeline_gap(struct monitor *m, uint64_t cg, const struct kernel_gap *gap);
/* A syscall record of container @c (joined): filter, match, print. */
void pipeline_emit(struct monitor *m, const struct cactus_event *e, struct container *c);

/* pipeline.c: a held container's records go out (hold.c), with its start
 * record first: this one's, the due ones (@all: every one). */
void pipeline_release(struct monitor *m, const struct container *c);
void pipeline_release_due(struct monitor *m, bool all);

/* pipeline.c: an alert_repeat record (the fold's emit; @ctx is the monitor). */
void pipeline_repeat(void *ctx, const struct repeat_view *r);

/* protect.c: files protected by exact path, by identity in each container. */
void protect_container(struct monitor *m, const struct container *c);
void protect_forget(struct monitor *m, const struct container *c);
/* The protected path of the file (@dev, @ino), or NULL. */
const char *protect_lookup(const struct monitor *m, __u32 dev, __u64 ino);
void protect_free(struct monitor *m);

/* hold.c: the store of records of containers whose name is not known yet. */
int hold_start(struct monitor *m, struct container *c);
bool hold_active(struct monitor *m, const struct container *c);
int hold_record(struct monitor *m, struct container *c, const void *data, size_t size);
struct held *hold_take(struct monitor *m, const struct container *c);
struct held *hold_take_due(struct monitor *m, bool all);
struct held *hold_take_oldest(struct monitor *m);
struct container *held_container(const struct held *h);
/* The next held record (free() it), NULL when none is left. */
void *held_pop(struct held *h, size_t *size);
void held_free(struct held *h);

/* sync.c: the registry's listener (containers_cb). */
void sync_container(void *ctx, struct container *c, uint64_t cg, enum container_change change);
/* sync.c: every running container's cgroup again (after a reload changed
 * the filter or the rules). */
void sync_all(struct monitor *m);

/* policy.c: rules (--rules or the default set) and what the kernel enforces
 * (before the kernel is loaded); then into the loaded kernel. */
int policy_load(struct monitor *m);
int policy_apply(struct monitor *m);

/* policy.c: the same for options @o, not yet in use (a reload builds the
 * next set beside the running one). Free with policy_release, also after
 * an error. */
struct policy {
	struct rule_set *rules;
	struct enforce *enforce;
	bool traced[CACTUS_MAX_SYSCALLS];       /* shown, or needed to enforce */
	bool kill[CACTUS_MAX_SYSCALLS];         /* entry checks the kill rules */
};
int policy_build(const struct monitor_opts *o, struct policy *p);
void policy_release(struct policy *p);

/* summary.c */
void summary_print(const struct monitor *m);

/* view.c: a view's loop step (opts->view): waits for records or the view's
 * file, reads the records; *@input: the file is readable. */
int view_wait(struct monitor *m, bool *input);
/* Calls the view if its interval is due, or @now; false: stop. */
bool view_tick(struct monitor *m, bool now, bool final);

#endif
