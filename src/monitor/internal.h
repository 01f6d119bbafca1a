/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Private to src/monitor/: the state its files share (see monitor.h). */
#ifndef CACTUS_MONITOR_INTERNAL_H
#define CACTUS_MONITOR_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "containers/containers.h"
#include "enforce.h"
#include "event_view.h"
#include "kernel/kernel.h"
#include "monitor/monitor.h"
#include "rules/rules.h"

struct ring_buffer;

/* What the pipeline counted, for the summary. */
struct monitor_counts {
	unsigned long long seen, printed, filtered, malformed, alerts;
	unsigned long long per_category[CAT_COUNT];
};

struct monitor {
	const struct monitor_opts *opts;
	struct kernel *kernel;
	struct ring_buffer *rb;
	struct containers *cs;
	struct rule_set *rules;
	struct enforce *enforce;
	/* what the kernel traces: shown, or needed to enforce */
	bool kernel_traced[CACTUS_MAX_SYSCALLS];
	bool kernel_kill[CACTUS_MAX_SYSCALLS];   /* entry checks the kill rules */
	char cgroup2[512];                       /* cgroup v2 mount, for deny */
	uint64_t own_cgroup;                     /* cactus's own: a host cgroup */
	int64_t boot_to_real_ns;
	/* the join's last answer: consecutive records of one container */
	struct ns_key last_key;
	const struct container *last_c;
	bool last_pass;
	struct monitor_counts n;
	struct event_view view;
};

/* filter.c: does @c pass --container and --k8s-namespace? (NULL: unknown) */
bool filter_passes(const struct monitor_opts *o, const struct container *c);

/* pipeline.c: the ring buffer callback (ctx: struct monitor). */
int pipeline_record(void *ctx, void *data, size_t size);

/* sync.c: the registry's listener (containers_cb). */
void sync_container(void *ctx, const struct container *c, uint32_t pid_ns, uint32_t mnt_ns,
		    enum container_change change);

/* policy.c: rules (--rules or the default set) and what the kernel enforces
 * (before the kernel is loaded); then into the loaded kernel. */
int policy_load(struct monitor *m);
int policy_apply(struct monitor *m);

/* summary.c */
void summary_print(const struct monitor *m);

#endif
