// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * src/sinks/webhook against a real receiver in this process (libmicrohttpd
 * on 127.0.0.1, ephemeral port) that checks each body the way Falcosidekick
 * does (known priority, rule, time, non-empty output_fields) and answers 400
 * otherwise. The receiver is stopped mid-run (gracefully: requests it took
 * are answered) and restarted on the same port; every alert must then be
 * delivered exactly once, in order, or counted as dropped:
 * delivered + dropped == posted. A small queue forces drops, a large one
 * must drop nothing. Also: the payload itself, a refused alert, and a
 * bounded stop while the receiver is down.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include "clock.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <microhttpd.h>
#include <json-c/json.h>

#include "sinks/webhook.h"

#define MAX_SEQ 1000

/* ---- the receiver ---- */

struct receiver {
	struct MHD_Daemon *d;
	int port;
	pthread_mutex_t lock;
	int got[MAX_SEQ];              /* times each seq was accepted */
	int order[MAX_SEQ * 2];        /* seqs in arrival order */
	int n_order;
	int bad;                       /* bodies answered 400 */
	int refuse_seq;                /* answer 400 to this seq (-1: none) */
	char uuids[MAX_SEQ][40];
};

struct body {
	char *p;
	size_t len;
};

static const char *const falco_prios[] = { "Emergency", "Alert", "Critical", "Error",
					   "Warning", "Notice", "Informational", "Debug" };

static bool known_prio(const char *p)
{
	size_t i;

	for (i = 0; p && i < sizeof(falco_prios) / sizeof(falco_prios[0]); i++)
		if (!strcmp(p, falco_prios[i]))
			return true;
	return false;
}

static const char *str_of(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* What Falcosidekick's FalcoPayload.Check() asks, plus a parseable time.
 * Returns the alert's seq (output_fields.seq), or -1. */
static int check_payload(const char *text, char *uuid, size_t len)
{
	json_object *o = json_tokener_parse(text), *fields, *seq;
	struct tm tm;
	const char *t;
	int ret = -1;

	if (!o)
		return -1;
	t = str_of(o, "time");
	if (known_prio(str_of(o, "priority")) && str_of(o, "rule") && *str_of(o, "rule") &&
	    t && strptime(t, "%Y-%m-%dT%H:%M:%S", &tm) && t[strlen(t) - 1] == 'Z' &&
	    json_object_object_get_ex(o, "output_fields", &fields) &&
	    json_object_object_length(fields) > 0 && str_of(o, "output") &&
	    str_of(o, "source") && str_of(o, "hostname") && str_of(o, "uuid") &&
	    json_object_object_get_ex(fields, "seq", &seq)) {
		ret = json_object_get_int(seq);
		snprintf(uuid, len, "%s", str_of(o, "uuid"));
	}
	json_object_put(o);
	return ret;
}

static int record(struct receiver *r, const char *text)
{
	char uuid[40] = "";
	int seq = check_payload(text, uuid, sizeof(uuid));

	pthread_mutex_lock(&r->lock);
	if (seq < 0 || seq >= MAX_SEQ || seq == r->refuse_seq) {
		r->bad++;
		pthread_mutex_unlock(&r->lock);
		return MHD_HTTP_BAD_REQUEST;
	}
	r->got[seq]++;
	r->order[r->n_order++] = seq;
	snprintf(r->uuids[seq], sizeof(r->uuids[seq]), "%s", uuid);
	pthread_mutex_unlock(&r->lock);
	return MHD_HTTP_OK;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *data,
				  size_t *size, void **req)
{
	struct body *b = *req;
	struct MHD_Response *resp;
	enum MHD_Result ret;
	int status;

	(void)url, (void)method, (void)version;
	if (!b) {
		*req = calloc(1, sizeof(struct body));
		return *req ? MHD_YES : MHD_NO;
	}
	if (*size) {
		b->p = realloc(b->p, b->len + *size + 1);
		memcpy(b->p + b->len, data, *size);
		b->len += *size;
		b->p[b->len] = 0;
		*size = 0;
		return MHD_YES;
	}
	status = b->p ? record(cls, b->p) : MHD_HTTP_BAD_REQUEST;
	resp = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
	ret = MHD_queue_response(c, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **req,
			 enum MHD_RequestTerminationCode toe)
{
	struct body *b = *req;

	(void)cls, (void)c, (void)toe;
	if (b)
		free(b->p);
	free(b);
	*req = NULL;
}

/* On 127.0.0.1 only; r->port 0 the first time, then the same port again. */
static void receiver_start(struct receiver *r)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(r->port) };

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	r->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC, r->port, NULL,
				NULL, on_request, r, MHD_OPTION_NOTIFY_COMPLETED, on_completed,
				NULL, MHD_OPTION_LISTENING_ADDRESS_REUSE, 1u,
				MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&a, MHD_OPTION_END);
	assert_non_null(r->d);
	r->port = MHD_get_daemon_info(r->d, MHD_DAEMON_INFO_BIND_PORT)->port;
}

/* Graceful: stop accepting, let the connections it has finish, then stop. */
static void receiver_stop(struct receiver *r)
{
	MHD_socket fd = MHD_quiesce_daemon(r->d);
	int i;

	for (i = 0; i < 500; i++) {
		if (!MHD_get_daemon_info(r->d, MHD_DAEMON_INFO_CURRENT_CONNECTIONS)->num_connections)
			break;
		usleep(10000);
	}
	MHD_stop_daemon(r->d);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	r->d = NULL;
}

static struct receiver *receiver_new(void)
{
	struct receiver *r = calloc(1, sizeof(*r));

	assert_non_null(r);
	pthread_mutex_init(&r->lock, NULL);
	r->refuse_seq = -1;
	receiver_start(r);
	return r;
}

/* ---- alerts ---- */

static int post_seq(struct webhook *w, int seq)
{
	struct webhook_field f[] = {
		{ .key = "seq", .num = seq },
		{ .key = "container_name", .str = "web" },
	};
	const char *tags[] = { "cactus", "alert" };
	struct webhook_alert a = {
		.rule = "shell_in_container", .priority = "high",
		.output = "shell /bin/sh started in web", .time_ns = 1764073410225019747ULL,
		.fields = f, .n_fields = 2, .tags = tags, .n_tags = 2,
	};

	return webhook__post(w, &a);
}

static void wait_delivered(struct webhook *w, uint64_t n)
{
	struct webhook_stats st;
	int i;

	for (i = 0; i < 1000; i++) {
		webhook__stats(w, &st);
		if (st.delivered >= n)
			return;
		usleep(5000);
	}
	fail_msg("only %llu delivered, waited for %llu", (unsigned long long)st.delivered,
		 (unsigned long long)n);
}

static void wait_retried(struct webhook *w)
{
	struct webhook_stats st;
	int i;

	for (i = 0; i < 1000; i++) {
		webhook__stats(w, &st);
		if (st.retried >= 2)
			return;
		usleep(5000);
	}
	fail_msg("no retries while the receiver was down");
}

/* Exactly once, in posting order, distinct uuids; returns how many. */
static int check_received(struct receiver *r, int posted)
{
	int i, n = 0;

	for (i = 0; i < posted; i++) {
		assert_in_range(r->got[i], 0, 1);
		n += r->got[i];
	}
	assert_int_equal(r->n_order, n);
	for (i = 1; i < r->n_order; i++) {
		assert_true(r->order[i] > r->order[i - 1]);
		assert_string_not_equal(r->uuids[r->order[i]], r->uuids[r->order[i - 1]]);
	}
	return n;
}

/* 50 alerts up, 100 while the receiver is down, 50 after it is back. */
static void run_outage(size_t queue, struct webhook_stats *st, struct receiver **out)
{
	struct webhook_opts o = { .queue_max = queue, .retry_min_ms = 10, .retry_max_ms = 80,
				  .timeout_ms = 2000, .flush_ms = 5000, .hostname = "node-1" };
	struct receiver *r = receiver_new();
	struct webhook *w;
	char url[64];
	int seq = 0;

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", r->port);
	w = webhook__new(url, &o);
	assert_non_null(w);
	for (; seq < 50; seq++)
		post_seq(w, seq);
	wait_delivered(w, 3);
	receiver_stop(r);                /* mid-run */
	for (; seq < 150; seq++)
		post_seq(w, seq);
	wait_retried(w);
	receiver_start(r);               /* same port */
	for (; seq < 200; seq++)
		post_seq(w, seq);
	assert_int_equal(webhook__flush(w, 10000), 0);
	webhook__stop(w);
	webhook__stats(w, st);
	webhook__free(w);
	receiver_stop(r);
	*out = r;
}

static void test_outage_large_queue_drops_nothing(void **state)
{
	struct webhook_stats st;
	struct receiver *r;

	(void)state;
	run_outage(1000, &st, &r);
	assert_int_equal(st.posted, 200);
	assert_int_equal(st.dropped, 0);
	assert_int_equal(st.delivered, 200);
	assert_int_equal(st.queue_depth, 0);
	assert_true(st.retried > 0);
	assert_int_equal(check_received(r, 200), 200);
	assert_int_equal(r->bad, 0);
	free(r);
}

static void test_outage_small_queue_counts_drops(void **state)
{
	struct webhook_stats st;
	struct receiver *r;

	(void)state;
	run_outage(4, &st, &r);
	assert_int_equal(st.posted, 200);
	assert_true(st.dropped > 0);
	assert_int_equal(st.delivered + st.dropped, 200);
	assert_int_equal(check_received(r, 200), (int)st.delivered);
	assert_int_equal(r->bad, 0);
	free(r);
}

static void test_refused_alert_dropped_not_retried(void **state)
{
	struct webhook_opts o = { .retry_min_ms = 10 };
	struct receiver *r = receiver_new();
	struct webhook_stats st;
	struct webhook *w;
	char url[64];
	int i;

	(void)state;
	r->refuse_seq = 1;
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", r->port);
	w = webhook__new(url, &o);
	for (i = 0; i < 3; i++)
		assert_int_equal(post_seq(w, i), 0);
	assert_int_equal(webhook__flush(w, 5000), 0);
	webhook__stats(w, &st);
	assert_int_equal(st.delivered, 2);
	assert_int_equal(st.dropped, 1);
	assert_int_equal(st.retried, 0);
	assert_int_equal(r->bad, 1);
	webhook__free(w);
	receiver_stop(r);
	free(r);
}

static void test_stop_is_bounded_when_down(void **state)
{
	/* a backoff longer than the flush: stop must cut it short */
	struct webhook_opts o = { .queue_max = 8, .retry_min_ms = 2000, .flush_ms = 300 };
	struct receiver *r = receiver_new();
	struct webhook_stats st;
	struct webhook *w;
	char url[64];
	double t0;
	int i;

	(void)state;
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", r->port);
	receiver_stop(r); /* nobody listens on that port now */
	w = webhook__new(url, &o);
	for (i = 0; i < 10; i++)
		post_seq(w, i);
	assert_int_equal(post_seq(w, 10), -ENOBUFS);
	assert_int_equal(webhook__flush(w, 50), -ETIMEDOUT);
	t0 = now_s();
	webhook__stop(w);
	assert_true(now_s() - t0 < 1.0);
	assert_int_equal(post_seq(w, 11), -ESHUTDOWN);
	webhook__stats(w, &st);
	assert_int_equal(st.posted, 11);
	assert_int_equal(st.delivered, 0);
	assert_int_equal(st.dropped, 11);
	assert_int_equal(st.queue_depth, 0);
	webhook__free(w);
	free(r);
}

/* ---- the payload ---- */

static void test_payload(void **state)
{
	struct webhook_field f[] = { { .key = "container_name", .str = "we\"b" },
				     { .key = "port", .num = 3333 } };
	const char *tags[] = { "cactus", "kill" };
	struct webhook_alert a = {
		.rule = "crypto_miner", .priority = "critical", .output = "a/b \"quoted\"",
		.time_ns = 1764073410005019747ULL, .fields = f, .n_fields = 2, .tags = tags,
		.n_tags = 2,
	};
	char *p;

	(void)state;
	p = webhook_payload(&a, "node-1", "u-1");
	assert_string_equal(p,
		"{\"uuid\":\"u-1\",\"output\":\"a/b \\\"quoted\\\"\",\"priority\":\"Critical\","
		"\"rule\":\"crypto_miner\",\"time\":\"2025-11-25T12:23:30.005019747Z\","
		"\"output_fields\":{\"container_name\":\"we\\\"b\",\"port\":3333},"
		"\"source\":\"syscall\",\"tags\":[\"cactus\",\"kill\"],\"hostname\":\"node-1\"}");
	free(p);
	assert_string_equal(webhook_falco_priority("high"), "Error");
	assert_string_equal(webhook_falco_priority("medium"), "Warning");
	assert_string_equal(webhook_falco_priority("low"), "Notice");
	assert_string_equal(webhook_falco_priority("info"), "Informational");
	assert_null(webhook_falco_priority("urgent"));
	a.priority = "urgent";
	assert_null(webhook_payload(&a, "h", NULL));
	assert_int_equal(errno, EINVAL);
	a.priority = "low";
	a.n_fields = 0; /* Falcosidekick refuses an alert without output_fields */
	assert_null(webhook_payload(&a, "h", NULL));
	assert_null(webhook__new("ftp://x/", NULL));
	assert_int_equal(errno, EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_payload),
		cmocka_unit_test(test_outage_large_queue_drops_nothing),
		cmocka_unit_test(test_outage_small_queue_counts_drops),
		cmocka_unit_test(test_refused_alert_dropped_not_retried),
		cmocka_unit_test(test_stop_is_bounded_when_down),
	};

	return cmocka_run_group_tests_name("webhook", tests, NULL, NULL);
}
