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
};

/* Runs until SIGINT/SIGTERM. Returns the process exit code. */
int monitor_run(const struct monitor_opts *opts);

#endif
