/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * cactus's metric families (README "Metrics"): registered once at start-up,
 * then updated by the monitor through the handles below. Families with
 * labels are kept as families: the monitor looks up a series once per label
 * set (metric_family__series) and keeps the handle, e.g. one per container
 * in its container record, one per syscall in a table indexed by nr.
 */
#ifndef CACTUS_AGENT_CACTUS_METRICS_H
#define CACTUS_AGENT_CACTUS_METRICS_H

#include "metrics/metrics.h"

struct rotfile_stats;
struct webhook_stats;

struct cactus_metrics {
	/* families with labels */
	struct metric_family *events;            /* {category,syscall} */
	struct metric_family *container_events;  /* {container} */
	struct metric_family *container_drops;   /* {container} */
	struct metric_family *container_syscalls; /* {container, category, outcome} */
	struct metric_family *alerts;            /* {rule,priority,outcome} */
	struct metric_family *attach_info;       /* {mode,reason}, value 1 */
	struct metric_family *containers;        /* {runtime} */
	struct metric_family *build_info;        /* {version}, value 1 */
	struct metric_family *reloads;           /* {result}: ok, failed */
	/* families without labels: their one series */
	struct metric *drops, *throttled, *uring_lost, *kills, *denies, *metadata_failures, *rules;
	struct metric *ring_fill, *consumer_lag;
	struct metric *output_lines, *output_bytes, *output_errors, *output_rotations;
	struct metric *webhook_posted, *webhook_delivered, *webhook_retried;
	struct metric *webhook_dropped, *webhook_queue_depth;
};

/* Registers every family in @reg and sets cactus_build_info{version} 1.
 * Returns 0 or -errno. */
int cactus_metrics__init(struct cactus_metrics *cm, struct metrics *reg, const char *version);

/* Copies the sinks' counters into their series (either may be NULL): call
 * it from the registry's collect callback, so they are fresh at each scrape. */
void cactus_metrics__sinks(struct cactus_metrics *cm, const struct rotfile_stats *file,
			   const struct webhook_stats *hook);

#endif
