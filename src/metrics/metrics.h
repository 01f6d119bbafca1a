/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A small Prometheus metrics registry: counter and gauge families with label
 * sets, rendered in the text exposition format 0.0.4.
 *
 * Updates are meant for the consumer thread's hot path: a series is looked up
 * (or created) once, by its label values, and the returned handle is kept;
 * metric__add()/metric__set() on a handle are one relaxed atomic operation,
 * no lock and no allocation. Every function taking a handle accepts NULL and
 * does nothing, so code can update metrics whether or not a registry exists.
 *
 * Label cardinality is bounded per family: once a family holds max_series
 * label sets, a new label set is folded into the family's overflow series
 * (every label = "_other") and cactus_metrics_folded_series_total{family}
 * counts the distinct label sets folded so far.
 */
#ifndef CACTUS_AGENT_METRICS_H
#define CACTUS_AGENT_METRICS_H

#include <stddef.h>
#include <stdint.h>

enum metric_type { METRIC_COUNTER, METRIC_GAUGE };

#define METRIC_MAX_LABELS 4
#define METRIC_OTHER "_other"
#define METRIC_DEFAULT_MAX_SERIES 256

struct metrics;        /* the registry */
struct metric_family;  /* one name, help, type and label names */
struct metric;         /* one series: a family and its label values */

struct metric_family_opts {
	const char *name;              /* [a-zA-Z_:][a-zA-Z0-9_:]* */
	const char *help;
	enum metric_type type;
	const char *labels[METRIC_MAX_LABELS]; /* label names, NULL-terminated if fewer */
	size_t max_series;             /* 0: METRIC_DEFAULT_MAX_SERIES */
};

struct metrics *metrics__new(void);
void metrics__free(struct metrics *m);

/* Registers a family (rendered in registration order). NULL with errno set:
 * EINVAL for a bad name, label name or label count, EEXIST for a name
 * already registered, ENOMEM. Not for the hot path (takes the lock). */
struct metric_family *metrics__family(struct metrics *m, const struct metric_family_opts *opts);

/* The series for @values (one per label name; NULL for a family without
 * labels), created on first use, or the overflow series when the family is
 * full. NULL only on ENOMEM or when @f is NULL. Takes the lock: call it once
 * per label set (e.g. when a container appears) and keep the handle. */
struct metric *metric_family__series(struct metric_family *f, const char *const *values);

/* Forgets a series (a container that is gone) so its slot can be reused.
 * The handle must not be used afterwards. */
void metric_family__remove(struct metric_family *f, struct metric *s);

/* Hot path: no lock, no allocation. add/inc on a gauge add to it; set on a
 * counter stores the value (for mirroring a counter kept elsewhere). */
void metric__add(struct metric *s, uint64_t n);
void metric__inc(struct metric *s);
void metric__set(struct metric *s, double v);
double metric__value(const struct metric *s);

/* Called at the start of every render, before the lock is taken, on the
 * rendering (HTTP) thread: the place to copy values kept elsewhere (sink
 * counters, ring fill) into gauges with metric__set(). */
typedef void (*metrics_collect_fn)(void *ctx);
void metrics__set_collect(struct metrics *m, metrics_collect_fn fn, void *ctx);

/* The exposition text (format 0.0.4) in a malloc'd, NUL-terminated buffer.
 * Returns 0 or -ENOMEM. Thread safe. */
int metrics__render(struct metrics *m, char **buf, size_t *len);

#endif
