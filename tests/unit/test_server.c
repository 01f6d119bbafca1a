// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * src/metrics/server: address parsing; the real server on an ephemeral
 * loopback port fetched with libcurl (/metrics body and content type,
 * /healthz for each readiness/liveness state, 404, 405); a taken port and a
 * bad address fail with their errno; server__free is prompt with a client
 * stalled mid-request and leaks no descriptor; and `promtool check metrics`
 * accepts cactus's exposition (missing promtool skips, or fails with CI=true).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include "clock.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <curl/curl.h>

#include "metrics/cactus_metrics.h"
#include "metrics/metrics.h"
#include "metrics/server.h"

/* ---- address parsing ---- */

static void test_parse_addr(void **state)
{
	const char *bad[] = { "", "9090", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536",
			      "127.0.0.1:-1", "127.0.0.1:80x", "::1:80", "[::1]80", "[]:80",
			      "[127.0.0.1]:80", "999.1.1.1:80", "example.org:80", "[::1:80" };
	struct sockaddr_storage ss;
	socklen_t len;
	size_t i;

	(void)state;
	assert_int_equal(server_parse_addr("127.0.0.1:9090", &ss, &len), 0);
	assert_int_equal(ss.ss_family, AF_INET);
	assert_int_equal(ntohs(((struct sockaddr_in *)&ss)->sin_port), 9090);
	assert_int_equal(ntohl(((struct sockaddr_in *)&ss)->sin_addr.s_addr), INADDR_LOOPBACK);
	assert_int_equal(server_parse_addr("localhost:1", &ss, &len), 0);
	assert_int_equal(ntohl(((struct sockaddr_in *)&ss)->sin_addr.s_addr), INADDR_LOOPBACK);
	assert_int_equal(server_parse_addr("[::1]:65535", &ss, &len), 0);
	assert_int_equal(ss.ss_family, AF_INET6);
	assert_int_equal(ntohs(((struct sockaddr_in6 *)&ss)->sin6_port), 65535);
	assert_true(IN6_IS_ADDR_LOOPBACK(&((struct sockaddr_in6 *)&ss)->sin6_addr));
	assert_int_equal(server_parse_addr(":8080", &ss, &len), 0);
	assert_int_equal(ss.ss_family, AF_INET6);
	assert_true(IN6_IS_ADDR_UNSPECIFIED(&((struct sockaddr_in6 *)&ss)->sin6_addr));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (server_parse_addr(bad[i], &ss, &len) != -EINVAL)
			fail_msg("accepted '%s'", bad[i]);
	}
}

/* ---- a client ---- */

struct reply {
	long status;
	char type[128];
	char *body;
	size_t len;
};

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
	struct reply *r = ctx;

	r->body = realloc(r->body, r->len + size * n + 1);
	memcpy(r->body + r->len, p, size * n);
	r->len += size * n;
	r->body[r->len] = 0;
	return size * n;
}

/* @method NULL = GET. */
static void fetch(const char *host, int port, const char *path, const char *method,
		  struct reply *r)
{
	CURL *c = curl_easy_init();
	char url[128];
	char *type = NULL;

	memset(r, 0, sizeof(*r));
	snprintf(url, sizeof(url), "http://%s:%d%s", host, port, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 5000L);
	if (method)
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &type);
	snprintf(r->type, sizeof(r->type), "%s", type ? type : "");
	if (!r->body)
		r->body = strdup("");
	curl_easy_cleanup(c);
}

/* ---- health callbacks ---- */

struct health {
	bool ready, healthy;
	int collects;
};

static bool is_ready(void *ctx, char *why, size_t len)
{
	struct health *h = ctx;

	if (!h->ready)
		snprintf(why, len, "attaching");
	return h->ready;
}

static bool is_healthy(void *ctx, char *why, size_t len)
{
	struct health *h = ctx;

	if (!h->healthy)
		snprintf(why, len, "no event consumed for 12 s");
	return h->healthy;
}

static void collect(void *ctx)
{
	((struct health *)ctx)->collects++;
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

/* ---- the server ---- */

static void expect(int port, const char *path, const char *method, long status,
		   const char *body)
{
	struct reply r;

	fetch("127.0.0.1", port, path, method, &r);
	assert_int_equal(r.status, status);
	if (body)
		assert_string_equal(r.body, body);
	free(r.body);
}

static void test_endpoints(void **state)
{
	struct health h = { 0 };
	struct metrics *m = metrics__new();
	struct server_callbacks cb = { m, is_ready, is_healthy, &h };
	struct metric_family_opts o = { .name = "t_x_total", .help = "x", .labels = { "a" } };
	const char *v[] = { "b" };
	struct server *s;
	struct reply r;
	size_t len;
	char *want;

	(void)state;
	metric__add(metric_family__series(metrics__family(m, &o), v), 5);
	metrics__set_collect(m, collect, &h);
	s = server__new("127.0.0.1:0", &cb);
	assert_non_null(s);
	assert_true(server__port(s) > 0);

	fetch("127.0.0.1", server__port(s), "/metrics", NULL, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.type, "text/plain; version=0.0.4; charset=utf-8");
	assert_int_equal(metrics__render(m, &want, &len), 0);
	assert_string_equal(r.body, want);
	assert_int_equal(h.collects, 2);
	free(want);
	free(r.body);

	expect(server__port(s), "/healthz", NULL, 503, "not ready: attaching\n");
	h.ready = true;
	expect(server__port(s), "/healthz", NULL, 503, "unhealthy: no event consumed for 12 s\n");
	h.healthy = true;
	expect(server__port(s), "/healthz", NULL, 200, "ok\n");
	expect(server__port(s), "/", NULL, 404, NULL);
	expect(server__port(s), "/metrics/x", NULL, 404, NULL);
	expect(server__port(s), "/metrics", "POST", 405, NULL);
	server__free(s);
	metrics__free(m);
}

static void test_port_taken_and_bad_addr(void **state)
{
	struct server_callbacks cb = { 0 };
	struct server *s, *s2;
	char addr[64];

	(void)state;
	s = server__new("127.0.0.1:0", &cb);
	assert_non_null(s);
	snprintf(addr, sizeof(addr), "127.0.0.1:%d", server__port(s));
	s2 = server__new(addr, &cb);
	assert_null(s2);
	assert_int_equal(errno, EADDRINUSE);
	/* without a registry /metrics is not there, /healthz is */
	expect(server__port(s), "/metrics", NULL, 404, NULL);
	expect(server__port(s), "/healthz", NULL, 200, "ok\n");
	server__free(s);
	assert_null(server__new("127.0.0.1", &cb));
	assert_int_equal(errno, EINVAL);
	assert_null(server__new("192.0.2.1:0", &cb)); /* not an address of this host */
	assert_int_equal(errno, EADDRNOTAVAIL);
}

static void test_any_and_ipv6(void **state)
{
	struct server_callbacks cb = { 0 };
	struct server *s;
	struct reply r;

	(void)state;
	s = server__new(":0", &cb); /* every address: IPv4 loopback answers too */
	assert_non_null(s);
	expect(server__port(s), "/healthz", NULL, 200, "ok\n");
	server__free(s);
	if (access("/proc/net/if_inet6", F_OK)) {
		print_message("no IPv6 on this host: [::1] not tested\n");
		return;
	}
	s = server__new("[::1]:0", &cb);
	assert_non_null(s);
	fetch("[::1]", server__port(s), "/healthz", NULL, &r);
	assert_int_equal(r.status, 200);
	free(r.body);
	server__free(s);
}

static void test_free_is_prompt(void **state)
{
	struct server_callbacks cb = { 0 };
	struct sockaddr_in a = { .sin_family = AF_INET };
	int fds = count_fds(), c;
	struct server *s;
	double t0;

	(void)state;
	s = server__new("127.0.0.1:0", &cb);
	assert_non_null(s);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons(server__port(s));
	c = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(connect(c, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(write(c, "GET /metr", 9), 9); /* and then nothing */
	usleep(50000);
	t0 = now_s();
	server__free(s);
	assert_true(now_s() - t0 < 0.5);
	close(c);
	assert_int_equal(count_fds(), fds);
}

/* ---- promtool ---- */

static bool have_promtool(void)
{
	if (!system("command -v promtool >/dev/null 2>&1"))
		return true;
	if (getenv("CI") && !strcmp(getenv("CI"), "true"))
		fail_msg("promtool not found (Debian package prometheus) and CI=true");
	return false;
}

/* Label values a real node can produce, quotes and backslashes included. */
static void fill_sample(struct cactus_metrics *cm)
{
	const char *ev[] = { "File Operation", "openat" }, *ct[] = { "web \"1\" \\ x" };
	const char *al[] = { "shell_in_container", "high", "killed (deny downgraded to kill: no BPF-LSM)" };
	const char *mode[] = { "tracepoint", "measured: per untraced/traced call tracepoint "
			       "+61/+604 ns, tp_btf +160/+488 ns: tracepoint costs less" };
	const char *rt[] = { "docker" }, *ok[] = { "ok" };

	metric__add(metric_family__series(cm->events, ev), 1234);
	metric__add(metric_family__series(cm->container_events, ct), 99);
	metric__add(metric_family__series(cm->container_drops, ct), 1);
	metric__inc(metric_family__series(cm->alerts, al));
	metric__set(metric_family__series(cm->attach_info, mode), 1);
	metric__inc(cm->metadata_failures);
	metric__inc(metric_family__series(cm->reloads, ok));
	metric__set(cm->rules, 42);
	metric__set(metric_family__series(cm->containers, rt), 3);
	metric__set(cm->ring_fill, 0.125);
	metric__set(cm->consumer_lag, 0.002);
	metric__add(cm->drops, 7);
}

/* promtool's exit status and what it printed, for @text on its stdin. */
static int promtool_check(const char *text, char *out, size_t len)
{
	char path[] = "/tmp/cactus-expo-XXXXXX", cmd[128];
	int fd = mkstemp(path), status;
	FILE *p;
	size_t n;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	snprintf(cmd, sizeof(cmd), "promtool check metrics < %s 2>&1", path);
	p = popen(cmd, "r");
	n = fread(out, 1, len - 1, p);
	out[n] = 0;
	status = pclose(p);
	unlink(path);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void test_promtool_accepts_exposition(void **state)
{
	struct metrics *m = metrics__new();
	struct cactus_metrics cm = { 0 };
	struct server_callbacks cb = { .metrics = m };
	struct server *s;
	struct reply r;
	char out[4096];

	(void)state;
	if (!have_promtool()) {
		print_message("promtool not found: exposition not checked\n");
		skip();
	}
	/* promtool does fail: a counter without _total is a lint problem */
	assert_int_not_equal(promtool_check("# HELP x_ns x\n# TYPE x_ns counter\nx_ns 1\n", out,
					    sizeof(out)), 0);
	assert_int_equal(cactus_metrics__init(&cm, m, "0.1.0"), 0);
	fill_sample(&cm);
	s = server__new("127.0.0.1:0", &cb);
	assert_non_null(s);
	fetch("127.0.0.1", server__port(s), "/metrics", NULL, &r);
	assert_int_equal(r.status, 200);
	if (promtool_check(r.body, out, sizeof(out)) || out[0])
		fail_msg("promtool check metrics: %s\n%s", out, r.body);
	free(r.body);
	server__free(s);
	metrics__free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_addr),
		cmocka_unit_test(test_endpoints),
		cmocka_unit_test(test_port_taken_and_bad_addr),
		cmocka_unit_test(test_any_and_ipv6),
		cmocka_unit_test(test_free_is_prompt),
		cmocka_unit_test(test_promtool_accepts_exposition),
	};
	int rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests_name("server", tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
