// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * One sender thread with its own curl handle (kept, so connections are
 * reused). The queue is a ring of JSON bodies built by webhook__post; the
 * head stays in the ring while it is in flight, so the queue bound counts it
 * and a failed POST is retried without re-queueing.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>
#include <curl/curl.h>
#include <json-c/json.h>

#include "log.h"
#include "sinks/webhook.h"

struct webhook {
	char *url;
	struct webhook_opts o;
	char hostname[256];
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t work;           /* the sender waits: new alert, or stop */
	pthread_cond_t progress;       /* flushers wait: an alert left the queue */
	char **ring;
	size_t head, count;            /* count includes the head in flight */
	bool stopping, stopped, down;
	uint64_t deadline_ns;          /* of the flush at stop (CLOCK_MONOTONIC) */
	_Atomic uint64_t abort_at_ns;  /* a POST in flight gives up after this; 0: never */
	struct webhook_stats st;       /* queue_depth is count */
};

enum send_result { SENT, RETRY, REFUSED };

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* ---- the payload ---- */

static const char *const prio_map[][2] = {
	{ "critical", "Critical" }, { "high", "Error" }, { "medium", "Warning" },
	{ "low", "Notice" }, { "info", "Informational" },
};

const char *webhook_falco_priority(const char *cactus_priority)
{
	size_t i;

	for (i = 0; cactus_priority && i < sizeof(prio_map) / sizeof(prio_map[0]); i++)
		if (!strcasecmp(cactus_priority, prio_map[i][0]))
			return prio_map[i][1];
	return NULL;
}

/* RFC 3339, UTC, nanoseconds: what Go's time.Time (Falcosidekick) parses. */
static void format_time(uint64_t ns, char *buf, size_t len)
{
	time_t sec = ns / 1000000000ULL;
	struct tm tm;
	size_t n;

	gmtime_r(&sec, &tm);
	n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, len - n, ".%09lluZ", (unsigned long long)(ns % 1000000000ULL));
}

static json_object *fields_object(const struct webhook_alert *a)
{
	json_object *o = json_object_new_object();
	size_t i;

	for (i = 0; o && i < a->n_fields; i++) {
		const struct webhook_field *f = &a->fields[i];

		json_object_object_add(o, f->key, f->str ? json_object_new_string(f->str)
							 : json_object_new_int64(f->num));
	}
	return o;
}

static json_object *tags_array(const struct webhook_alert *a)
{
	json_object *arr = json_object_new_array();
	size_t i;

	for (i = 0; arr && i < a->n_tags; i++)
		json_object_array_add(arr, json_object_new_string(a->tags[i]));
	return arr;
}

static bool alert_valid(const struct webhook_alert *a)
{
	return a && a->rule && *a->rule && webhook_falco_priority(a->priority) && a->time_ns &&
	       a->n_fields && a->fields;
}

char *webhook_payload(const struct webhook_alert *a, const char *hostname, const char *uuid)
{
	json_object *o;
	char when[64];
	char *body;

	if (!alert_valid(a)) {
		errno = EINVAL;
		return NULL;
	}
	format_time(a->time_ns, when, sizeof(when));
	o = json_object_new_object();
	if (uuid)
		json_object_object_add(o, "uuid", json_object_new_string(uuid));
	json_object_object_add(o, "output", json_object_new_string(a->output ? a->output : ""));
	json_object_object_add(o, "priority",
			       json_object_new_string(webhook_falco_priority(a->priority)));
	json_object_object_add(o, "rule", json_object_new_string(a->rule));
	json_object_object_add(o, "time", json_object_new_string(when));
	json_object_object_add(o, "output_fields", fields_object(a));
	json_object_object_add(o, "source", json_object_new_string("syscall"));
	json_object_object_add(o, "tags", tags_array(a));
	json_object_object_add(o, "hostname", json_object_new_string(hostname));
	body = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							     JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	if (!body)
		errno = ENOMEM;
	return body;
}

/* A random (version 4) UUID for receivers to deduplicate on. */
static void make_uuid(char *buf, size_t len)
{
	unsigned char b[16] = { 0 };

	if (getrandom(b, sizeof(b), 0) != sizeof(b))
		memset(b, 0, sizeof(b)); /* never on Linux >= 3.17 with 16 bytes */
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	snprintf(buf, len,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
		 b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
		 b[14], b[15]);
}

/* ---- sending ---- */

static size_t discard(char *p, size_t size, size_t n, void *ctx)
{
	(void)p;
	(void)ctx;
	return size * n;
}

/* Lets webhook__stop cut a POST that hangs past the flush deadline. */
static int on_progress(void *ctx, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	struct webhook *w = ctx;
	uint64_t at = atomic_load_explicit(&w->abort_at_ns, memory_order_relaxed);

	(void)dt, (void)dn, (void)ut, (void)un;
	return at && now_ns() > at;
}

static CURL *curl_setup(struct webhook *w, struct curl_slist **headers)
{
	CURL *c = curl_easy_init();
	struct curl_slist *more;

	*headers = curl_slist_append(NULL, "Content-Type: application/json");
	/* libcurl asks "Expect: 100-continue" for bodies over 1 KiB and then
	 * waits a second for a receiver that does not answer it (HTTP/1.0
	 * servers, many small receivers): one alert a second at best */
	more = *headers ? curl_slist_append(*headers, "Expect:") : NULL;
	if (!more) {
		curl_slist_free_all(*headers);
		*headers = NULL;
		return c;
	}
	*headers = more;
	if (!c)
		return c;
	curl_easy_setopt(c, CURLOPT_URL, w->url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, *headers);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)w->o.timeout_ms);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)w->o.timeout_ms);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, w);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_USERAGENT, "cactus");
	return c;
}

/* 408 and 429 say "later"; any other 4xx (or a redirect) would refuse the
 * same payload again. */
static enum send_result classify(CURLcode rc, long status)
{
	if (rc != CURLE_OK)
		return RETRY;
	if (status >= 200 && status < 300)
		return SENT;
	if (status == 408 || status == 429 || status >= 500)
		return RETRY;
	return REFUSED;
}

static enum send_result post_one(struct webhook *w, CURL *c, const char *body)
{
	enum send_result r;
	long status = 0;
	CURLcode rc;

	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	r = classify(rc, status);
	/* one line when the receiver goes away and one when it is back */
	if (r == RETRY && !w->down)
		log_warn("webhook: POST to %s failed (%s): retrying with backoff", w->url,
			 rc != CURLE_OK ? curl_easy_strerror(rc) : "HTTP error status");
	else if (r != RETRY && w->down)
		log_info("webhook: %s answers again", w->url);
	w->down = r == RETRY;
	if (r == REFUSED)
		log_warn("webhook: %s refused an alert with HTTP %ld: dropped", w->url, status);
	return r;
}

/* Under the lock: the head leaves the queue. */
static void pop(struct webhook *w)
{
	free(w->ring[w->head]);
	w->ring[w->head] = NULL;
	w->head = (w->head + 1) % w->o.queue_max;
	w->count--;
	pthread_cond_broadcast(&w->progress);
}

static bool past_deadline(const struct webhook *w)
{
	return w->stopping && now_ns() >= w->deadline_ns;
}

/* Under the lock: sleeps @ms, or until the flush deadline, or a stop. */
static void backoff_wait(struct webhook *w, unsigned ms)
{
	uint64_t until = now_ns() + (uint64_t)ms * 1000000ULL;
	struct timespec ts;

	if (w->stopping && w->deadline_ns < until)
		until = w->deadline_ns;
	ts.tv_sec = until / 1000000000ULL;
	ts.tv_nsec = until % 1000000000ULL;
	pthread_cond_timedwait(&w->work, &w->lock, &ts);
}

/* Under the lock: false when the thread should end. */
static bool wait_for_work(struct webhook *w)
{
	while (!w->count && !w->stopping)
		pthread_cond_wait(&w->work, &w->lock);
	return w->count && !past_deadline(w);
}

/* Under the lock, with the head delivered, refused or failed. */
static void account(struct webhook *w, enum send_result r, unsigned *backoff)
{
	if (r == RETRY) {
		w->st.retried++;
		backoff_wait(w, *backoff);
		*backoff = *backoff * 2 > w->o.retry_max_ms ? w->o.retry_max_ms : *backoff * 2;
		return;
	}
	if (r == SENT)
		w->st.delivered++;
	else
		w->st.dropped++;
	pop(w);
	*backoff = w->o.retry_min_ms;
}

static void *sender(void *arg)
{
	struct webhook *w = arg;
	struct curl_slist *headers = NULL;
	CURL *c = curl_setup(w, &headers);
	unsigned backoff = w->o.retry_min_ms;
	enum send_result r;
	char *body;

	pthread_mutex_lock(&w->lock);
	while (c && headers && wait_for_work(w)) {
		body = w->ring[w->head];
		pthread_mutex_unlock(&w->lock);
		r = post_one(w, c, body);
		pthread_mutex_lock(&w->lock);
		account(w, r, &backoff);
	}
	pthread_mutex_unlock(&w->lock);
	if (!c || !headers)
		log_err("webhook: cannot set up libcurl: alerts will be dropped at stop");
	curl_slist_free_all(headers);
	curl_easy_cleanup(c);
	return NULL;
}

/* ---- lifetime ---- */

static void opts_defaults(struct webhook_opts *o)
{
	if (!o->queue_max)
		o->queue_max = WEBHOOK_DEFAULT_QUEUE;
	if (!o->timeout_ms)
		o->timeout_ms = 5000;
	if (!o->retry_min_ms)
		o->retry_min_ms = 200;
	if (!o->retry_max_ms)
		o->retry_max_ms = 10000;
	if (o->retry_max_ms < o->retry_min_ms)
		o->retry_max_ms = o->retry_min_ms;
	if (!o->flush_ms)
		o->flush_ms = 2000;
}

static int init_sync(struct webhook *w)
{
	pthread_condattr_t ca;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->work, &ca);
	pthread_cond_init(&w->progress, &ca);
	pthread_condattr_destroy(&ca);
	return -pthread_create(&w->thread, NULL, sender, w);
}

static void destroy(struct webhook *w)
{
	free(w->ring);
	free(w->url);
	free(w);
}

struct webhook *webhook__new(const char *url, const struct webhook_opts *opts)
{
	struct webhook *w;
	int err;

	if (!url || (strncmp(url, "http://", 7) && strncmp(url, "https://", 8))) {
		errno = EINVAL;
		return NULL;
	}
	if (!(w = calloc(1, sizeof(*w))))
		goto err_nomem;
	if (opts)
		w->o = *opts;
	opts_defaults(&w->o);
	snprintf(w->hostname, sizeof(w->hostname), "%s", w->o.hostname ? w->o.hostname : "");
	if (!w->o.hostname && gethostname(w->hostname, sizeof(w->hostname) - 1))
		snprintf(w->hostname, sizeof(w->hostname), "unknown");
	w->o.hostname = NULL; /* not kept: the caller's string may go */
	w->url = strdup(url);
	w->ring = calloc(w->o.queue_max, sizeof(*w->ring));
	if (!w->url || !w->ring)
		goto err_nomem;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if ((err = init_sync(w))) {
		curl_global_cleanup();
		destroy(w);
		errno = -err;
		return NULL;
	}
	return w;
err_nomem:
	if (w)
		destroy(w);
	errno = ENOMEM;
	return NULL;
}

int webhook__post(struct webhook *w, const struct webhook_alert *a)
{
	char uuid[40], *body;
	int err = 0;

	make_uuid(uuid, sizeof(uuid));
	if (!(body = webhook_payload(a, w->hostname, uuid)))
		return -errno;
	pthread_mutex_lock(&w->lock);
	if (w->stopping) {
		err = -ESHUTDOWN;
	} else if (w->count == w->o.queue_max) {
		w->st.posted++;
		w->st.dropped++;
		err = -ENOBUFS;
	} else {
		w->st.posted++;
		w->ring[(w->head + w->count++) % w->o.queue_max] = body;
		body = NULL;
		pthread_cond_signal(&w->work);
	}
	pthread_mutex_unlock(&w->lock);
	free(body);
	return err;
}

int webhook__flush(struct webhook *w, unsigned timeout_ms)
{
	uint64_t until = now_ns() + (uint64_t)timeout_ms * 1000000ULL;
	struct timespec ts = { until / 1000000000ULL, until % 1000000000ULL };
	int err = 0;

	pthread_mutex_lock(&w->lock);
	while (w->count && !w->stopped && err != ETIMEDOUT)
		err = pthread_cond_timedwait(&w->progress, &w->lock, &ts);
	err = w->count ? -ETIMEDOUT : 0;
	pthread_mutex_unlock(&w->lock);
	return err;
}

void webhook__stop(struct webhook *w)
{
	pthread_mutex_lock(&w->lock);
	if (w->stopping) {
		pthread_mutex_unlock(&w->lock);
		return;
	}
	w->stopping = true;
	w->deadline_ns = now_ns() + (uint64_t)w->o.flush_ms * 1000000ULL;
	atomic_store(&w->abort_at_ns, w->deadline_ns);
	pthread_cond_broadcast(&w->work);
	pthread_mutex_unlock(&w->lock);

	pthread_join(w->thread, NULL);

	pthread_mutex_lock(&w->lock);
	while (w->count) {
		w->st.dropped++;
		pop(w);
	}
	w->stopped = true;
	pthread_mutex_unlock(&w->lock);
}

void webhook__free(struct webhook *w)
{
	if (!w)
		return;
	webhook__stop(w);
	pthread_cond_destroy(&w->work);
	pthread_cond_destroy(&w->progress);
	pthread_mutex_destroy(&w->lock);
	curl_global_cleanup();
	destroy(w);
}

void webhook__stats(struct webhook *w, struct webhook_stats *st)
{
	pthread_mutex_lock(&w->lock);
	*st = w->st;
	st->queue_depth = w->count;
	pthread_mutex_unlock(&w->lock);
}
