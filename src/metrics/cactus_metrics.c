// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The families as a table, the one place their names, help and labels are
 * written (README "Metrics" documents the same table). Names follow the
 * Prometheus conventions promtool checks: counters end in _total, values in
 * base units (the attach cost is in seconds, not ns).
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>

#include "metrics/cactus_metrics.h"
#include "sinks/rotfile.h"
#include "sinks/webhook.h"

#define C METRIC_COUNTER
#define G METRIC_GAUGE

struct family_def {
	struct metric_family_opts o;
	bool one;      /* no labels: @off locates its only series, else the family */
	size_t off;    /* in struct cactus_metrics */
};

#define FAM(field, name, type, help, max, ...)                                              \
	{ { name, help, type, { __VA_ARGS__ }, max }, false,                                \
	  offsetof(struct cactus_metrics, field) }
#define ONE(field, name, type, help)                                                         \
	{ { name, help, type, { NULL }, 0 }, true, offsetof(struct cactus_metrics, field) }

static const struct family_def defs[] = {
	FAM(build_info, "cactus_build_info", G, "cactus version; always 1.", 4, "version"),
	FAM(events, "cactus_events_total", C,
	    "Events received from the kernel, by category and syscall.", 256,
	    "category", "syscall"),
	FAM(container_events, "cactus_container_events_total", C,
	    "Events received from the kernel, by container name (id when unnamed).", 512,
	    "container"),
	ONE(drops, "cactus_drops_total", C,
	    "Events lost because the ring buffer was full (summed over CPUs)."),
	ONE(throttled, "cactus_throttled_total", C,
	    "Events a container lost over its budget while the ring was under pressure "
	    "(not in cactus_drops_total)."),
	ONE(uring_lost, "cactus_uring_lost_total", C,
	    "io_uring operations of a watched container whose event was lost: the table of "
	    "requests in flight was full."),
	FAM(container_drops, "cactus_container_drops_total", C,
	    "Events lost (ring buffer full, or over the container's budget), by container.", 512,
	    "container"),
	FAM(container_syscalls, "cactus_container_syscalls_total", C,
	    "Traced syscalls each container made, counted in the kernel (exact whatever the ring "
	    "drops), by container, category and outcome (ok, error).", 9216,
	    "container", "category", "outcome"),
	FAM(alerts, "cactus_alerts_total", C,
	    "Rule matches, by rule, priority and outcome (alerted, killed, denied, ...).", 512,
	    "rule", "priority", "outcome"),
	ONE(kills, "cactus_kills_total", C, "Processes killed in the kernel by kill rules."),
	ONE(denies, "cactus_denies_total", C, "Operations refused with EPERM by deny rules."),
	ONE(ring_fill, "cactus_ring_fill_ratio", G,
	    "Fill level of the ring buffer (0..1) when last sampled by the consumer."),
	ONE(consumer_lag, "cactus_consumer_lag_seconds", G,
	    "Age of the last event consumed when it was consumed (kernel time to user space)."),
	FAM(attach_info, "cactus_attach_info", G,
	    "The attach mode in use and why it was chosen (the start-up line); always 1.", 8,
	    "mode", "reason"),
	ONE(metadata_failures, "cactus_metadata_lookup_failures_total", C,
	    "Container metadata lookups that failed (a source that did not answer)."),
	FAM(containers, "cactus_containers", G, "Containers known and running, by runtime.", 16,
	    "runtime"),
	ONE(rules, "cactus_rules", G, "Rules loaded (after the last successful reload)."),
	FAM(reloads, "cactus_reloads_total", C,
	    "SIGHUP reloads of the config and rule files, by result (ok, failed: the running "
	    "set was kept).", 4, "result"),
	ONE(output_lines, "cactus_output_lines_total", C, "Lines written to --output-file."),
	ONE(output_bytes, "cactus_output_bytes_total", C, "Bytes written to --output-file."),
	ONE(output_errors, "cactus_output_errors_total", C,
	    "Failed writes, renames or opens of --output-file."),
	ONE(output_rotations, "cactus_output_rotations_total", C,
	    "Rotations of --output-file (PATH -> PATH.1)."),
	ONE(webhook_posted, "cactus_webhook_posted_total", C, "Alerts handed to the webhook sink."),
	ONE(webhook_delivered, "cactus_webhook_delivered_total", C,
	    "Alerts the webhook receiver answered with 2xx."),
	ONE(webhook_retried, "cactus_webhook_retried_total", C,
	    "Webhook POSTs that failed and were tried again."),
	ONE(webhook_dropped, "cactus_webhook_dropped_total", C,
	    "Alerts dropped by the webhook sink: queue full, refused by the receiver, or "
	    "undelivered at shutdown."),
	ONE(webhook_queue_depth, "cactus_webhook_queue_depth", G,
	    "Alerts waiting in the webhook queue or in flight."),
};

static int register_one(struct cactus_metrics *cm, struct metrics *reg,
			const struct family_def *d)
{
	struct metric_family *f = metrics__family(reg, &d->o);
	void *slot = (char *)cm + d->off;

	if (!f)
		return -errno;
	if (!d->one) {
		*(struct metric_family **)slot = f;
		return 0;
	}
	*(struct metric **)slot = metric_family__series(f, NULL);
	return *(struct metric **)slot ? 0 : -ENOMEM;
}

int cactus_metrics__init(struct cactus_metrics *cm, struct metrics *reg, const char *version)
{
	const char *v[1] = { version };
	size_t i;
	int err;

	for (i = 0; i < sizeof(defs) / sizeof(defs[0]); i++)
		if ((err = register_one(cm, reg, &defs[i])))
			return err;
	metric__set(metric_family__series(cm->build_info, v), 1);
	return 0;
}

void cactus_metrics__sinks(struct cactus_metrics *cm, const struct rotfile_stats *file,
			   const struct webhook_stats *hook)
{
	if (file) {
		metric__set(cm->output_lines, file->lines);
		metric__set(cm->output_bytes, file->bytes);
		metric__set(cm->output_errors, file->errors);
		metric__set(cm->output_rotations, file->rotations);
	}
	if (hook) {
		metric__set(cm->webhook_posted, hook->posted);
		metric__set(cm->webhook_delivered, hook->delivered);
		metric__set(cm->webhook_retried, hook->retried);
		metric__set(cm->webhook_dropped, hook->dropped);
		metric__set(cm->webhook_queue_depth, hook->queue_depth);
	}
}
