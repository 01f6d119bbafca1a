/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The alert webhook: POSTs each alert as a Falco-style JSON payload (what
 * Falcosidekick accepts on its "/" endpoint) from a thread of its own
 * (libcurl), so a slow or dead receiver never stalls the consumer.
 *
 * Queue: bounded, in memory, drop-newest. When it is full a new alert is
 * dropped and counted, and the ones already queued keep their place: the
 * first alerts of an incident are the ones that say how it started, and an
 * attacker flooding alerts cannot push them out. While the receiver is down
 * the head alert is retried with exponential backoff (retry_min_ms doubling
 * up to retry_max_ms), forever: alerts are only dropped by a full queue, by
 * a receiver that refuses the payload (4xx other than 408/429: sending it
 * again would not help), or at shutdown. So, once stopped,
 * delivered + dropped == posted.
 *
 * Delivery is at least once: a receiver that took an alert but whose answer
 * was lost gets it again; each payload has a "uuid" to deduplicate on.
 */
#ifndef CACTUS_SINKS_WEBHOOK_H
#define CACTUS_SINKS_WEBHOOK_H

#include <stddef.h>
#include <stdint.h>

#define WEBHOOK_DEFAULT_QUEUE 1024

struct webhook_opts {
	size_t queue_max;              /* alerts waiting or in flight; 0: WEBHOOK_DEFAULT_QUEUE */
	unsigned timeout_ms;           /* one POST; 0: 5000 */
	unsigned retry_min_ms;         /* 0: 200 */
	unsigned retry_max_ms;         /* 0: 10000 */
	unsigned flush_ms;             /* webhook__stop() tries this long; 0: 2000 */
	const char *hostname;          /* NULL: gethostname() */
};

/* One output_fields entry: a string, or a number when str is NULL. */
struct webhook_field {
	const char *key;
	const char *str;
	long long num;
};

struct webhook_alert {
	const char *rule;
	const char *priority;          /* cactus's: critical | high | medium | low | info */
	const char *output;            /* the rendered message */
	uint64_t time_ns;              /* since the epoch, UTC */
	const struct webhook_field *fields; /* at least one (Falcosidekick requires it) */
	size_t n_fields;
	const char *const *tags;
	size_t n_tags;
};

struct webhook_stats {
	uint64_t posted;               /* accepted by webhook__post (queued or dropped) */
	uint64_t delivered;            /* answered 2xx */
	uint64_t retried;              /* attempts that failed and were tried again */
	uint64_t dropped;              /* queue full, refused by the receiver, or left at stop */
	uint64_t queue_depth;          /* waiting or in flight now */
};

struct webhook;

/* @url: http:// or https://. Starts the sender thread. NULL with errno set. */
struct webhook *webhook__new(const char *url, const struct webhook_opts *opts);

/*
 * Queues @a (the JSON is built here, so @a's strings need not outlive the
 * call). Returns 0, -ENOBUFS when the queue was full (the alert is dropped
 * and counted), -EINVAL for an alert Falcosidekick would refuse (no rule,
 * unknown priority, no fields; not counted as posted), -ESHUTDOWN after
 * webhook__stop(). Never blocks on the network: call it from the consumer.
 */
int webhook__post(struct webhook *w, const struct webhook_alert *a);

/* Waits until the queue is empty or @timeout_ms passed: 0 or -ETIMEDOUT. */
int webhook__flush(struct webhook *w, unsigned timeout_ms);

/* Tries to deliver what is queued for up to opts.flush_ms, then stops the
 * thread; what is left is counted as dropped. Idempotent. */
void webhook__stop(struct webhook *w);

/* Stops (if not yet) and frees. */
void webhook__free(struct webhook *w);

/* Thread safe. */
void webhook__stats(struct webhook *w, struct webhook_stats *st);

/* The Falco priority for a cactus one: critical -> Critical, high -> Error,
 * medium -> Warning, low -> Notice, info -> Informational; NULL if unknown. */
const char *webhook_falco_priority(const char *cactus_priority);

/* The JSON body for @a (malloc'd), or NULL with errno EINVAL/ENOMEM. */
char *webhook_payload(const struct webhook_alert *a, const char *hostname, const char *uuid);

#endif
