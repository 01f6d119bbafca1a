/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * `cactus monitor`: the pipeline. Sets up the kernel side (src/kernel), the
 * container registry (src/containers) and the rules (src/rules, src/rules/enforce.c),
 * then consumes the ring buffer: join each record with its container, match
 * the rules, print. Files:
 *   run.c       set-up, the poll loop, shutdown
 *   pipeline.c  one record: join, match, output
 *   filter.c    --container / --k8s-namespace
 *   sync.c      a learnt container -> kernel maps (the one path)
 *   policy.c    rules and enforcement -> kernel
 *   summary.c   the summary on stderr at exit
 */
#ifndef CACTUS_MONITOR_H
#define CACTUS_MONITOR_H

#include <stdbool.h>
#include "kernel/kernel.h"
#include "output/output.h"
#include "syscalls.h"

#define MONITOR_MAX_CONTAINERS 64
#define MONITOR_MAX_DENY 64

struct monitor_opts {
	enum output_format format;
	const char *containers[MONITOR_MAX_CONTAINERS]; /* --container NAME|ID */
	int n_containers;
	const char *k8s_namespace;                       /* --k8s-namespace */
	bool traced[CACTUS_MAX_SYSCALLS];                /* by syscall nr */
	unsigned long ring_bytes;                        /* power of 2 */
	enum attach_mode attach;
	const char *docker_sock;
	const char *deny_open[MONITOR_MAX_DENY];         /* --deny-open PATH (BPF-LSM) */
	int n_deny_open;
	const char *rules[MONITOR_MAX_CONTAINERS];       /* --rules FILE|DIR */
	int n_rules;
	bool no_default_rules;                           /* --no-default-rules */
	bool alerts_only;                                /* --alerts-only */
	unsigned int max_containers;                     /* --max-containers (kernel tables) */
	unsigned int alert_window_s;                     /* --alert-window: fold repeats (0: off) */
	const char *pin_path;                            /* --pin-path: restart without loss */
	bool verbose;                                    /* --verbose */
	/* the node agent (src/monitor/agent.h) */
	const char *config;                              /* --config FILE, or NULL */
	const char *metrics_addr;                        /* --metrics-addr HOST:PORT */
	const char *output_file;                         /* --output-file PATH, instead of stdout */
	unsigned long long output_file_max_bytes;        /* 0: the sink's default */
	int output_file_keep;                            /* -1: the sink's default */
	const char *webhook_url;                         /* --webhook-url URL */
	unsigned int webhook_queue;                      /* 0: the sink's default */
	/* SIGHUP: the options parsed again, the config file re-read; NULL after
	 * a message on stderr. What it returns lives until monitor_run returns. */
	const struct monitor_opts *(*reload)(void *ctx);
	void *reload_ctx;
	/* a view instead of the event stream (NULL: the stream) */
	const struct monitor_view *view;
	/* count every classified syscall in the kernel, also those not traced
	 * (a view's rows); traced[] says which are also recorded */
	bool count_all;
};

/* Runs until SIGINT/SIGTERM. Returns the process exit code. */
int monitor_run(const struct monitor_opts *opts);

/* ---- views: the monitor's state read live, in place of the event stream ---- */

struct monitor;
struct container;
struct container_totals;

/*
 * A view (cactus top) replaces the event stream: nothing is written to the
 * output; @tick runs on the monitor's thread every @interval_ms (and once
 * the ring is drained at the end, @final set), and stops the monitor by
 * returning false. @fd, if >= 0, is a file the view reads (a terminal): the
 * monitor's loop wakes when it is readable and calls @tick at once.
 */
struct monitor_view {
	unsigned int interval_ms;
	int fd;
	bool (*tick)(void *ctx, struct monitor *m, bool final);
	void *ctx;
};

/* One container (or a cgroup of none) as a view sees it. */
struct monitor_row {
	const struct container *c;              /* NULL: a cgroup of no known container */
	__u64 cgroup_id;                        /* c's, or the unknown cgroup's */
	const struct syscall_counts *counts;    /* the kernel's, its cgroups summed */
	const struct container_totals *totals;  /* what the pipeline counted; NULL without c */
};

/* Calls @fn once per container known (running or not yet told ended) and
 * per cgroup of no container that made a syscall, in no order. */
void monitor_rows(struct monitor *m, void (*fn)(void *ctx, const struct monitor_row *row),
		  void *ctx);
/* The kernel's counters (enum cactus_stat) and the node's traced-syscall
 * totals: what a view shows of losses. */
void monitor_kernel_stats(struct monitor *m, __u64 *out);

#endif
