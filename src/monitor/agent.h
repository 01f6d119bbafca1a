/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Private to src/monitor/: what makes `cactus monitor` a node agent, hooked
 * into the pipeline at a few points and otherwise apart from it:
 *   telemetry.c   the metrics registry filled from the pipeline, the
 *                 /metrics and /healthz server (--metrics-addr)
 *   ctr_metrics.c per-container counters, sampled (not on the hot path)
 *   deliver.c     where records go: stdout or --output-file (rotated);
 *                 alerts to --webhook-url
 *   reload.c      SIGHUP: config and rule files again, swapped between
 *                 records, the kernel's rule maps rewritten
 * Threads: everything here runs on the consumer thread, except the server's
 * callbacks (telemetry.c says which values they read).
 */
#ifndef CACTUS_MONITOR_AGENT_H
#define CACTUS_MONITOR_AGENT_H

#include "monitor/internal.h"

struct cactus_metrics;

/* ---- telemetry.c ---- */

/* After attach: the registry, its pre-resolved handles, and with
 * --metrics-addr the server (a taken port fails here). 0 or -errno. */
int telemetry_start(struct monitor *m);
/* Each syscall record as it leaves the ring: one atomic add, no lock. */
void telemetry_record(struct monitor *m, const struct cactus_event *e);
/* Each alert (rule, priority, outcome). */
void telemetry_alert(struct monitor *m, const struct alert *a);
/* A container ended: its last counts (its totals, drops included). */
void telemetry_container_end(struct monitor *m, const struct container *c);
/* End of each poll round: the consumer's progress, values sampled once a
 * second (containers, drops, lookups). */
void telemetry_round(struct monitor *m);
/* A reload's result; after a successful one, the new rule set's size (and
 * handles keyed by the old rules are forgotten). */
void telemetry_reloaded(struct monitor *m, bool ok);
/* /healthz says "not ready: stopping" from now on. */
void telemetry_stopping(struct monitor *m);
void telemetry_free(struct monitor *m);

/* ---- ctr_metrics.c: per-container counters, sampled ---- */

struct metric_family;
struct ctr_metrics;
struct ctr_metrics *ctr_metrics__new(struct metric_family *events, struct metric_family *drops,
				     struct metric_family *syscalls);
void ctr_metrics__free(struct ctr_metrics *x);
/* Every running container's counts into its series (deltas since the last
 * sample); series unused for a while leave the registry. */
void ctr_metrics__sample(struct ctr_metrics *x, struct containers *cs, const struct kernel *k,
			 uint64_t now_ns);
/* @c ended (after its cgroups were gone): its last counts. */
void ctr_metrics__end(struct ctr_metrics *x, const struct container *c, uint64_t now_ns);

/* ---- deliver.c ---- */

/* m->out (stdout, or --output-file through the rotating writer) and the
 * webhook sender. 0 or -errno after a message. */
int deliver_open(struct monitor *m);
/* Posts an alert to the webhook, if any (never blocks). */
void deliver_alert(struct monitor *m, const struct alert *a, const struct event_view *v);
/* SIGHUP: reopen --output-file (an external tool may have moved it). */
void deliver_reopen(struct monitor *m);
/* At exit, before the summary: what the webhook has queued, for 2 s. */
void deliver_stop(struct monitor *m);
/* "stdout" or the output file's path, for messages. */
const char *deliver_out_name(const struct monitor *m);
/* The counters of the sinks in use into their families; thread safe (the
 * metrics endpoint calls it at each scrape). */
void deliver_collect(const struct monitor *m, struct cactus_metrics *cm);
void deliver_summary(const struct monitor *m);
void deliver_free(struct monitor *m);

/* ---- rule_swap.c (pure) ---- */

/* For rewriting an array of @n rules of @size bytes, each with a `used`
 * byte at @used_off, from @old to @new so that no reader ever sees half of
 * a rule: write @stage1 (changed entries: the old rule with `used` 0),
 * then @stage2 (the new rule with `used` 0), then @new. Returns false when
 * nothing changes (write nothing). */
bool rule_swap_stages(const void *old, const void *new, size_t n, size_t size, size_t used_off,
		      void *stage1, void *stage2);

/* ---- reload.c ---- */

/* After attach: what the kernel side can take later without a restart. */
int reload_init(struct monitor *m);
/* SIGHUP, on the consumer thread between two records: the options and
 * rules again; the running set is kept on any error. */
void reload_apply(struct monitor *m);
void reload_free(struct monitor *m);

#endif
