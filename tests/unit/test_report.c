// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * src/report: `cactus report` fed crafted JSON Lines, as the monitor writes
 * them: what each container did (categories, timeline, programs and their
 * ancestry, files by directory and action, binds and listens, connects and
 * their peer, signals, alerts with a second rule's line and folded repeats,
 * the monitor's end record), the caps (lists cut and counted, tables
 * folded, timelines coarsened), lines that are not records, and the three
 * formats printing the same numbers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <json-c/json.h>

#include "report/internal.h"

static struct report_opts opts = { .top = 50, .top_files = 20, .html_containers = 50 };

#define CTR_A "\"container_id\":\"aaaa1111\",\"container_name\":\"web\",\"image\":\"nginx:1\"," \
	      "\"runtime\":\"docker\",\"k8s_namespace\":\"\",\"k8s_pod\":\"\",\"k8s_pod_uid\":\"\""
#define CTR_B "\"container_id\":\"bbbb2222\",\"container_name\":\"client\",\"image\":\"busybox\"," \
	      "\"runtime\":\"docker\",\"k8s_namespace\":\"\",\"k8s_pod\":\"\",\"k8s_pod_uid\":\"\""

/* An event line: @ctr's fields, then @rest (the event's own). */
static void feed_ev(struct report *r, const char *ctr, const char *time, int tid, const char *rest)
{
	char line[4096];

	snprintf(line, sizeof(line), "{\"time\":\"%s\",%s,\"host_tid\":%d,\"host_pid\":%d,%s}\n",
		 time, ctr, tid, tid, rest);
	assert_int_equal(report__feed(r, line, strlen(line)), 0);
}

static void feed(struct report *r, const char *line)
{
	assert_int_equal(report__feed(r, line, strlen(line)), 0);
}

static struct rctr *by_name(const struct report *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++) {
		if (r->c[i]->name && !strcmp(r->c[i]->name, name))
			return r->c[i];
	}
	fail_msg("no container %s", name);
	return NULL;
}

static struct tally_ent *find(const struct tally *t, int nparts, ...)
{
	struct key k;
	va_list ap;

	key_reset(&k);
	va_start(ap, nparts);
	for (int i = 0; i < nparts; i++)
		key_add(&k, va_arg(ap, const char *));
	va_end(ap);
	return tally_find(t, k.b, k.len);
}

#define T0 "2026-01-02T03:04:05.100000000Z"
#define T1 "2026-01-02T03:04:06.200000000Z"
#define T2 "2026-01-02T03:04:08.999999999Z"

#define OPEN(flags, dir, file, ret) \
	"\"syscall\":\"openat\",\"syscall_nr\":257,\"category\":\"File Operation\"," \
	"\"activity\":\"File Open\",\"ret\":" #ret ",\"dirname\":\"" dir "\",\"filename\":\"" \
	file "\",\"flags\":\"" flags "\",\"pid\":5,\"comm\":\"app\""

/* The scenario every test below reads: web serves, client connects to it
 * over loopback, both do a few things. */
static struct report *scenario(void)
{
	struct report *r = report__new(&opts);

	assert_non_null(r);
	feed(r, "{\"type\":\"container_start\",\"time\":\"" T0 "\"," CTR_A ",\"existing\":false}\n");
	/* the runtime's set-up: counted, not listed */
	feed_ev(r, CTR_A, T0, 10, OPEN("O_RDONLY", "/proc/self", "fd", 3) ",\"phase\":\"init\"");
	feed_ev(r, CTR_A, T0, 11, OPEN("O_RDONLY", "/etc", "passwd", 3));
	feed_ev(r, CTR_A, T0, 11, OPEN("O_RDONLY|O_CLOEXEC", "/etc", "passwd", 3));
	feed_ev(r, CTR_A, T0, 11, OPEN("O_WRONLY|O_CREAT|O_EXCL", "/var/log", "a.log", 4));
	feed_ev(r, CTR_A, T0, 11, OPEN("O_WRONLY|O_CREAT|O_APPEND", "/var/log", "a.log", 4));
	feed_ev(r, CTR_A, T0, 11, OPEN("O_RDWR", "/var/log", "b.log", -13));
	feed_ev(r, CTR_A, T0, 11, OPEN("O_PATH", "/etc", "hosts", 5));
	feed_ev(r, CTR_A, T1, 11, "\"syscall\":\"rename\",\"category\":\"File Operation\","
		"\"activity\":\"File Rename\",\"ret\":0,\"dirname\":\"/var/log\",\"filename\":"
		"\"a.log\",\"path2\":\"/var/log/a.log.1\"");
	feed_ev(r, CTR_A, T1, 11, "\"syscall\":\"unlinkat\",\"category\":\"File Operation\","
		"\"activity\":\"File Delete\",\"ret\":0,\"dirname\":\"/var/log\",\"filename\":"
		"\"a.log.1\"");
	feed_ev(r, CTR_A, T1, 11, "\"syscall\":\"fchmodat\",\"category\":\"File Operation\","
		"\"activity\":\"File Permission Change\",\"ret\":0,\"dirname\":\"/srv\","
		"\"filename\":\"run.sh\"");
	feed_ev(r, CTR_A, T1, 11, "\"syscall\":\"link\",\"category\":\"File Operation\","
		"\"activity\":\"File Link\",\"ret\":0,\"dirname\":\"/srv\",\"filename\":"
		"\"run.sh\",\"path2\":\"/tmp/x\"");
	feed_ev(r, CTR_A, T1, 12, "\"syscall\":\"bind\",\"category\":\"Network Operation\","
		"\"activity\":\"Network Bind\",\"ret\":0,\"family\":\"AF_INET\",\"addr\":"
		"\"0.0.0.0\",\"port\":8080");
	feed_ev(r, CTR_A, T1, 12, "\"syscall\":\"listen\",\"category\":\"Network Operation\","
		"\"activity\":\"Network Listen\",\"ret\":0");
	feed_ev(r, CTR_A, T1, 12, "\"syscall\":\"listen\",\"category\":\"Network Operation\","
		"\"activity\":\"Network Listen\",\"ret\":0,\"host_pid\":99");
	/* an exec matching two rules: two lines, one event */
	feed_ev(r, CTR_A, T1, 13, "\"syscall\":\"execve\",\"syscall_nr\":59,\"category\":"
		"\"Process Manage\",\"activity\":\"Process Create\",\"ret\":0,\"exe\":\"/bin/sh\","
		"\"argv\":[\"sh\",\"-c\",\"id; ls\"],\"parent_exe\":\"/usr/sbin/nginx\","
		"\"parent_comm\":\"nginx\",\"ancestors\":[{\"exe\":\"/bin/busybox\",\"comm\":"
		"\"sh\"}],\"pid\":7,\"comm\":\"sh\",\"alert\":{\"rule\":\"shell\",\"priority\":"
		"\"high\",\"action\":\"alert\",\"outcome\":\"alerted\",\"message\":\"m\"}");
	feed_ev(r, CTR_A, T1, 13, "\"syscall\":\"execve\",\"syscall_nr\":59,\"category\":"
		"\"Process Manage\",\"activity\":\"Process Create\",\"ret\":0,\"exe\":\"/bin/sh\","
		"\"argv\":[\"sh\",\"-c\",\"id; ls\"],\"parent_exe\":\"/usr/sbin/nginx\","
		"\"parent_comm\":\"nginx\",\"ancestors\":[{\"exe\":\"/bin/busybox\",\"comm\":"
		"\"sh\"}],\"pid\":7,\"comm\":\"sh\",\"alert\":{\"rule\":\"shell2\",\"priority\":"
		"\"low\",\"action\":\"alert\",\"outcome\":\"alerted\",\"message\":\"m\"}");
	feed_ev(r, CTR_A, T1, 14, "\"syscall\":\"execve\",\"syscall_nr\":59,\"category\":"
		"\"Process Manage\",\"activity\":\"Process Create\",\"ret\":-2,\"exe\":\"/nope\"");
	feed(r, "{\"type\":\"alert_repeat\",\"time\":\"" T2 "\"," CTR_A ",\"rule\":\"shell\","
	     "\"priority\":\"high\",\"message\":\"m\",\"count\":4}\n");
	feed(r, "{\"type\":\"gap\",\"time\":\"" T2 "\"," CTR_A ",\"lost\":17,\"categories\":"
	     "[\"File Operation\"],\"cause\":\"throttled\"}\n");
	/* the client: connects to web over loopback, signals its child */
	feed_ev(r, CTR_B, T1, 20, "\"syscall\":\"execve\",\"syscall_nr\":59,\"category\":"
		"\"Process Manage\",\"activity\":\"Process Create\",\"ret\":0,\"exe\":"
		"\"/bin/sleep\",\"argv\":[\"sleep\",\"9\"],\"pid\":9,\"comm\":\"sleep\"");
	for (int i = 0; i < 3; i++)
		feed_ev(r, CTR_B, T2, 21, "\"syscall\":\"connect\",\"category\":\"Network "
			"Operation\",\"activity\":\"Network Connect\",\"ret\":0,\"family\":"
			"\"AF_INET\",\"addr\":\"127.0.0.1\",\"port\":8080");
	feed_ev(r, CTR_B, T2, 21, "\"syscall\":\"connect\",\"category\":\"Network Operation\","
		"\"activity\":\"Network Connect\",\"ret\":-111,\"family\":\"AF_INET\",\"addr\":"
		"\"127.0.0.1\",\"port\":9999");
	feed_ev(r, CTR_B, T2, 21, "\"syscall\":\"connect\",\"category\":\"Network Operation\","
		"\"activity\":\"Network Connect\",\"ret\":-115,\"family\":\"AF_INET\",\"addr\":"
		"\"93.184.216.34\",\"port\":443");
	feed_ev(r, CTR_B, T2, 21, "\"syscall\":\"kill\",\"category\":\"Signal Handling\","
		"\"activity\":\"Signal Send\",\"ret\":0,\"signal\":\"SIGTERM\",\"signal_nr\":15,"
		"\"target_pid\":9");
	feed_ev(r, CTR_B, T2, 21, "\"syscall\":\"kill\",\"category\":\"Signal Handling\","
		"\"activity\":\"Signal Send\",\"ret\":0,\"signal\":\"SIGKILL\",\"signal_nr\":9,"
		"\"target_pid\":4242");
	feed(r, "{\"type\":\"container_end\",\"time\":\"" T2 "\"," CTR_B ",\"exit_code\":0,"
	     "\"exit_signal\":null,\"events\":7,\"drops\":1,\"alerts\":0,\"kills\":0,\"denies\":0,"
	     "\"per_category\":{}}\n");
	return r;
}

static void aggregates_a_container(void **state)
{
	struct report *r = scenario();
	struct rctr *a = by_name(r, "web");
	struct tally_ent *e;

	(void)state;
	assert_int_equal(r->n, 2);
	/* 16 lines of web's events: the second line of the exec is its alert only */
	assert_int_equal(a->events, 16);
	assert_int_equal(a->cat[CAT_FILE], 11);
	assert_int_equal(a->cat[CAT_NET], 3);
	assert_int_equal(a->cat[CAT_PROC], 2);
	assert_int_equal(a->setup_events, 1);
	assert_int_equal(a->lost, 17);
	assert_true(a->started);
	assert_false(a->ended);
	/* alerts: two lines and four folded repeats of the first */
	assert_int_equal(a->alerts, 6);
	e = find(&a->alerts_by_rule, 3, "shell", "high", "alerted");
	assert_non_null(e);
	assert_int_equal(e->n, 5);
	assert_int_equal(find(&a->alerts_by_rule, 3, "shell2", "low", "alerted")->n, 1);
	/* the program ran (the failed exec is not), its ancestry parent first */
	assert_int_equal(a->programs.total, 1);
	e = find(&a->programs, 6, "/bin/sh", "2", "/usr/sbin/nginx", "/bin/busybox (sh)", "sh",
		 "-c");
	assert_null(e); /* argv has three parts */
	e = find(&a->programs, 7, "/bin/sh", "2", "/usr/sbin/nginx", "/bin/busybox (sh)", "sh",
		 "-c", "id; ls");
	assert_non_null(e);
	assert_int_equal(e->n, 1);
	report__free(r);
}

static void maps_file_actions(void **state)
{
	struct report *r = scenario();
	struct rctr *a = by_name(r, "web");
	struct tally_ent *e;

	(void)state;
	e = find(&a->files, 2, "/etc", "passwd");
	assert_int_equal(e->n, 2);
	assert_int_equal(e->sub[FA_READ], 2);
	/* O_CREAT|O_EXCL: create; O_CREAT without O_EXCL: a write; renamed away */
	e = find(&a->files, 2, "/var/log", "a.log");
	assert_int_equal(e->n, 3);
	assert_int_equal(e->sub[FA_CREATE], 1);
	assert_int_equal(e->sub[FA_WRITE], 1);
	assert_int_equal(e->sub[FA_RENAME], 1);
	assert_int_equal(find(&a->files, 2, "/var/log", "a.log.1")->sub[FA_DELETE], 1);
	/* a failed open and an O_PATH open touch nothing */
	assert_null(find(&a->files, 2, "/var/log", "b.log"));
	assert_null(find(&a->files, 2, "/etc", "hosts"));
	assert_int_equal(find(&a->files, 2, "/srv", "run.sh")->sub[FA_CHMOD], 1);
	/* link(2) makes its second path */
	assert_int_equal(find(&a->files, 2, "/tmp", "x")->sub[FA_CREATE], 1);
	e = find(&a->dirs, 1, "/var/log");
	assert_int_equal(e->n, 4);
	assert_int_equal(e->sub[FA_DELETE], 1);
	/* the set-up's open is not listed */
	assert_null(find(&a->dirs, 1, "/proc/self"));
	report__free(r);
}

static void network_and_peers(void **state)
{
	struct report *r = scenario();
	struct rctr *a = by_name(r, "web"), *b = by_name(r, "client");
	struct peers *p = peers_new(r);
	struct edge *edges;
	struct tally_ent *e;
	const char *how;
	ssize_t n;

	(void)state;
	e = find(&a->listen, 3, "AF_INET", "0.0.0.0", "8080");
	assert_int_equal(e->n, 1);
	assert_int_equal(e->sub[SUB_LISTEN], 1);
	/* a listen of a process whose bind was not seen */
	assert_int_equal(a->listens_unbound, 1);
	e = find(&b->endpoints, 3, "AF_INET", "127.0.0.1", "8080");
	assert_int_equal(e->n, 3);
	assert_int_equal(e->sub[SUB_FAILED], 0);
	assert_ptr_equal(peers_name(p, b, e, &how), a);
	assert_non_null(strstr(how, "loopback"));
	/* refused: counted as failed, no peer (nobody bound 9999) */
	e = find(&b->endpoints, 3, "AF_INET", "127.0.0.1", "9999");
	assert_int_equal(e->sub[SUB_FAILED], 1);
	assert_null(peers_name(p, b, e, &how));
	/* EINPROGRESS is a connect under way, not a failure */
	e = find(&b->endpoints, 3, "AF_INET", "93.184.216.34", "443");
	assert_int_equal(e->sub[SUB_FAILED], 0);
	assert_null(peers_name(p, b, e, &how));
	/* the signal's target named from its own events, else by its pid */
	assert_int_equal(find(&b->signals, 3, "SIGTERM", "sleep", "")->n, 1);
	assert_int_equal(find(&b->signals, 3, "SIGKILL", "", "4242")->n, 1);
	n = peers_edges(r, p, &edges);
	assert_int_equal(n, 1);
	assert_ptr_equal(edges[0].from, b);
	assert_ptr_equal(edges[0].to, a);
	assert_int_equal(edges[0].n, 3);
	free(edges);
	peers_free(p);
	/* the end record: the monitor's own counts */
	assert_true(b->ended);
	assert_int_equal(b->end.exit_code, 0);
	assert_int_equal(b->end.drops, 1);
	report__free(r);
}

#define POD(id, name, pod) \
	"\"container_id\":\"" id "\",\"container_name\":\"" name "\",\"k8s_namespace\":" \
	"\"shop\",\"k8s_pod\":\"" pod "\",\"k8s_pod_uid\":\"uid-" pod "\""
#define BIND(addr, port) \
	"\"syscall\":\"bind\",\"category\":\"Network Operation\",\"activity\":" \
	"\"Network Bind\",\"ret\":0,\"family\":\"AF_INET\",\"addr\":\"" addr "\",\"port\":" #port
#define CONNECT(addr, port) \
	"\"syscall\":\"connect\",\"category\":\"Network Operation\",\"activity\":" \
	"\"Network Connect\",\"ret\":0,\"family\":\"AF_INET\",\"addr\":\"" addr "\",\"port\":" #port

static const struct rctr *peer_of(struct report *r, const char *from, const char *addr,
				  const char *port)
{
	struct rctr *c = by_name(r, from);
	struct peers *p = peers_new(r);
	const struct rctr *peer;
	const char *how;

	peer = peers_name(p, c, find(&c->endpoints, 3, "AF_INET", addr, port), &how);
	peers_free(p);
	return peer;
}

/* README "cactus report": the peer heuristic */
static void peer_heuristic(void **state)
{
	struct report *r = report__new(&opts);

	(void)state;
	/* pod web-0: db listens on loopback, app connects to it */
	feed_ev(r, POD("c1", "db", "web-0"), T0, 1, BIND("127.0.0.1", 5432));
	feed_ev(r, POD("c2", "app", "web-0"), T0, 2, CONNECT("127.0.0.1", 5432));
	/* pod web-1: its own db on the same port, unseen; a connect there is not web-0's */
	feed_ev(r, POD("c3", "app1", "web-1"), T0, 3, CONNECT("127.0.0.1", 5432));
	/* an address bound exactly, reached from another pod */
	feed_ev(r, POD("c4", "api", "api-0"), T0, 4, BIND("10.1.2.3", 443));
	feed_ev(r, POD("c3", "app1", "web-1"), T0, 3, CONNECT("10.1.2.3", 443));
	/* two containers of no pod bound port 80 anywhere: a loopback connect is ambiguous */
	feed_ev(r, "\"container_id\":\"d1\",\"container_name\":\"n1\"", T0, 5,
		BIND("0.0.0.0", 80));
	feed_ev(r, "\"container_id\":\"d2\",\"container_name\":\"n2\"", T0, 6,
		BIND("0.0.0.0", 80));
	feed_ev(r, "\"container_id\":\"d3\",\"container_name\":\"n3\"", T0, 7,
		CONNECT("127.0.0.1", 80));
	/* its own port is itself */
	feed_ev(r, "\"container_id\":\"d1\",\"container_name\":\"n1\"", T0, 5,
		CONNECT("127.0.0.1", 80));
	assert_string_equal(peer_of(r, "app", "127.0.0.1", "5432")->name, "db");
	assert_null(peer_of(r, "app1", "127.0.0.1", "5432"));
	assert_string_equal(peer_of(r, "app1", "10.1.2.3", "443")->name, "api");
	assert_null(peer_of(r, "n3", "127.0.0.1", "80"));
	assert_string_equal(peer_of(r, "n1", "127.0.0.1", "80")->name, "n1");
	report__free(r);
}

static void skips_what_is_not_a_record(void **state)
{
	struct report *r = report__new(&opts);
	static const char *const bad[] = {
		"not json\n", "{\"time\":\"x\"", "{\"a\":1} trailing\n", "[1,2,3]\n", "\"s\"\n",
		"{\"time\":\"" T0 "\",\"container_id\":\"x\",\"sysc", "\xff\xfe{}\n", "}{\n",
	};
	const struct report_counts *n = report__counts(r);

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		feed(r, bad[i]);
	feed(r, "\n");
	feed(r, "   \r\n");
	feed(r, "{\"type\":\"something_new\",\"time\":\"" T0 "\"}\n");
	feed(r, "{\"no\":\"syscall\"}\n");
	/* an event with a bad time: counted, not in the timeline */
	feed_ev(r, CTR_A, "yesterday", 1, "\"syscall\":\"openat\",\"category\":\"File Operation\"");
	assert_int_equal(n->not_json, sizeof(bad) / sizeof(bad[0]));
	assert_int_equal(n->empty, 2);
	assert_int_equal(n->unknown, 2);
	assert_int_equal(n->events, 1);
	assert_int_equal(n->no_time, 1);
	assert_int_equal(r->c[0]->tl.n, 0);
	assert_int_equal(n->lines, sizeof(bad) / sizeof(bad[0]) + 5);
	report__free(r);
}

/* A file with a line longer than the reader keeps, cut last line. */
static void reads_a_file(void **state)
{
	char in[] = "/tmp/cactus-report-in-XXXXXX", out[] = "/tmp/cactus-report-out-XXXXXX";
	struct report_opts o = opts;
	int fi = mkstemp(in), fo = mkstemp(out);
	FILE *f = fdopen(fi, "w");
	struct json_object *doc, *rep, *v;
	char line[512];

	(void)state;
	assert_true(fi >= 0 && fo >= 0);
	close(fo);
	snprintf(line, sizeof(line), "{\"time\":\"%s\",%s,\"syscall\":\"openat\",\"category\":"
		 "\"File Operation\"}\n", T0, CTR_A);
	fputs(line, f);
	fputc('{', f);
	for (int i = 0; i < (2 << 20); i++)
		fputc('x', f);
	fputs("}\n", f);
	fputs(line, f);
	fwrite(line, 1, 40, f); /* the monitor cut by a full disk */
	fclose(f);
	o.input = in;
	o.output = out;
	o.format = REPORT_JSON;
	assert_int_equal(report_run(&o), 0);
	doc = json_object_from_file(out);
	assert_non_null(doc);
	assert_true(json_object_object_get_ex(doc, "report", &rep));
	json_object_object_get_ex(rep, "lines", &v);
	assert_int_equal(json_object_get_int(v), 4);
	json_object_object_get_ex(rep, "events", &v);
	assert_int_equal(json_object_get_int(v), 2);
	json_object_object_get_ex(rep, "skipped", &v);
	json_object_object_get_ex(v, "not_json", &v);
	assert_int_equal(json_object_get_int(v), 2);
	json_object_put(doc);
	/* a missing file: an error, no report */
	o.input = "/nonexistent/events.jsonl";
	assert_int_equal(report_run(&o), 1);
	unlink(in);
	unlink(out);
}

static void tally_folds_the_less_frequent_half(void **state)
{
	struct tally t;
	uint64_t sum = 0;
	char k[32];

	(void)state;
	tally_init(&t, 64);
	for (int i = 0; i < 10000; i++) {
		/* "hot" every other time: it must survive every fold */
		int n = snprintf(k, sizeof(k), "%s", i % 2 ? "hot" : "");

		if (!(i % 2))
			n = snprintf(k, sizeof(k), "cold%d", i);
		tally_sub(&t, tally_add(&t, k, (size_t)n + 1, 1), 0, 1);
		assert_true(t.n <= 64);
	}
	assert_int_equal(tally_find(&t, "hot", 4)->n, 5000);
	for (uint32_t i = 0; i < t.n; i++)
		sum += t.e[i].n;
	assert_int_equal(sum + t.folded, 10000);
	assert_int_equal(t.total, 10000);
	sum = t.folded_sub[0];
	for (uint32_t i = 0; i < t.n; i++)
		sum += t.e[i].sub[0];
	assert_int_equal(sum, 10000);
	assert_true(t.folded_ents > 0);
	tally_free(&t);
}

/* 6000 files in 400 directories: both tables fold; a directory's files
 * go with it, so what it lists never outcounts it, and totals stay exact. */
static void folding_keeps_directories_whole(void **state)
{
	struct report *r = report__new(&opts);
	struct rctr *c;
	uint64_t sum = 0;
	char rest[256];

	(void)state;
	for (int i = 0; i < 6000; i++) {
		snprintf(rest, sizeof(rest), OPEN("O_RDONLY", "/d%d", "f%d", 3), i % 400, i);
		feed_ev(r, CTR_A, T0, 1, rest);
	}
	c = r->c[0];
	assert_true(c->dirs.n <= KEEP_DIRS && c->files.n <= KEEP_FILES);
	assert_true(c->dirs.folded_ents > 0 && c->files.folded_ents > 0);
	assert_int_equal(c->dirs.total, 6000);
	for (uint32_t i = 0; i < c->dirs.n; i++) {
		const struct tally_ent *d = &c->dirs.e[i];
		uint64_t files = 0;

		for (uint32_t j = 0; j < c->files.n; j++) {
			if (!strcmp(c->files.e[j].key, d->key))
				files += c->files.e[j].n;
		}
		assert_true(files <= d->n);
		sum += d->n;
	}
	assert_int_equal(sum + c->dirs.folded, 6000);
	sum = c->files.folded;
	for (uint32_t j = 0; j < c->files.n; j++)
		sum += c->files.e[j].n;
	assert_int_equal(sum, 6000);
	/* the action counts too */
	sum = c->dirs.folded_sub[FA_READ];
	for (uint32_t i = 0; i < c->dirs.n; i++)
		sum += c->dirs.e[i].sub[FA_READ];
	assert_int_equal(sum, 6000);
	report__free(r);
}

static void lists_are_cut_and_counted(void **state)
{
	struct report_opts o = opts;
	struct report *r;
	struct shown s;
	char rest[256];

	(void)state;
	o.top = 3;
	r = report__new(&o);
	/* 10 programs, the i-th run i+1 times */
	for (int i = 0; i < 10; i++) {
		snprintf(rest, sizeof(rest), "\"syscall\":\"execve\",\"category\":\"Process Manage\","
			 "\"activity\":\"Process Create\",\"ret\":0,\"exe\":\"/bin/p%d\"", i);
		for (int k = 0; k <= i; k++)
			feed_ev(r, CTR_A, T0, 1, rest);
	}
	shown_make(&s, &r->c[0]->programs, o.top);
	assert_int_equal(s.shown, 3);
	assert_string_equal(s.e[0]->key, "/bin/p9");
	assert_int_equal(s.e[0]->n, 10);
	assert_int_equal(s.more_ents, 7);
	assert_int_equal(s.more_n, 1 + 2 + 3 + 4 + 5 + 6 + 7);
	shown_free(&s);
	report__free(r);
}

static void timeline_coarsens(void **state)
{
	struct timeline t = {};
	uint64_t sum = 0;

	(void)state;
	/* two hours, an event every second, then one a little earlier */
	for (int64_t s = 0; s < 7200; s++)
		assert_int_equal(timeline_add(&t, 1700000000 + s, s % 3), 0);
	assert_int_equal(timeline_add(&t, 1700000000 - 30, CAT_COUNT), 0);
	assert_true(t.n <= TL_MAX_BUCKETS);
	assert_int_equal(t.width, 20);
	assert_int_equal(t.base % t.width, 0);
	assert_true(t.base <= 1700000000 - 30);
	for (uint32_t i = 0; i < t.n; i++)
		for (int s = 0; s < TL_SERIES; s++)
			sum += t.b[i][s];
	assert_int_equal(sum, 7201);
	/* a full bucket in the middle: 20 events of 20 s */
	assert_int_equal(t.b[t.n / 2][0] + t.b[t.n / 2][1] + t.b[t.n / 2][2], 20);
	timeline_free(&t);
	/* a day later: still bounded */
	assert_int_equal(timeline_add(&t, 0, 0), 0);
	assert_int_equal(timeline_add(&t, 86400 * 3, 0), 0);
	assert_true(t.n <= TL_MAX_BUCKETS);
	assert_int_equal(t.b[0][0] + t.b[t.n - 1][0], 2);
	timeline_free(&t);
}

/* ---- the formats agree ---- */

static char *render(const struct report *r, enum report_format fmt)
{
	struct report_opts o = *r->opts;
	struct report rr = *r;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	o.format = fmt;
	rr.opts = &o;
	assert_int_equal(report__write(&rr, f), 0);
	fclose(f);
	return buf;
}

static struct json_object *jget(struct json_object *o, const char *path)
{
	char key[64];
	const char *dot;

	while (o && *path) {
		dot = strchr(path, '.');
		snprintf(key, sizeof(key), "%.*s", (int)(dot ? dot - path : (ptrdiff_t)strlen(path)),
			 path);
		if (json_object_is_type(o, json_type_array))
			o = json_object_array_get_idx(o, (size_t)atoi(key));
		else if (!json_object_object_get_ex(o, key, &o))
			return NULL;
		path = dot ? dot + 1 : path + strlen(path);
	}
	return o;
}

static void has(const char *doc, const char *what)
{
	if (!strstr(doc, what))
		fail_msg("not found: %s", what);
}

static void formats_agree(void **state)
{
	struct report *r = scenario();
	char *text = render(r, REPORT_TEXT), *html = render(r, REPORT_HTML);
	char *json = render(r, REPORT_JSON), want[256];
	struct json_object *doc = json_tokener_parse(json), *c;

	(void)state;
	assert_non_null(doc);
	/* busiest first: web */
	c = jget(doc, "containers.0");
	assert_string_equal(json_object_get_string(jget(c, "name")), "web");
	for (int s = 0; s < CAT_COUNT; s++) {
		int64_t n = json_object_get_int64(json_object_object_get(jget(c, "categories"),
									 cactus_category_name(s)));

		assert_int_equal(n, r->c[0]->cat[s]);
		snprintf(want, sizeof(want), "     %-20s %lld\n", cactus_category_name(s),
			 (long long)n);
		has(text, want);
		snprintf(want, sizeof(want), "<tr data-key=\"%d\">", s);
		has(html, want);
		snprintf(want, sizeof(want), "</td><td class=\"n\" data-count=\"%lld\">%lld</td></tr>",
			 (long long)n, (long long)n);
		has(strstr(strstr(html, "<section"), "data-list=\"categories\""), want);
	}
	assert_int_equal(json_object_get_int(jget(c, "events")), 16);
	has(text, "events 16, alerts 6, lost 17");
	has(html, "<b>16 events</b>, 6 alerts, 17 lost");
	/* the alert's count: 1 line + 4 repeats */
	assert_int_equal(json_object_get_int(jget(c, "alerts_by_rule.items.0.count")), 5);
	has(text, "          5  shell  high  alerted\n");
	has(html, "<td class=\"n\" data-count=\"5\">5</td><td>shell</td><td>high</td>");
	/* files: /var/log 4 (create, write, rename, delete) */
	assert_string_equal(json_object_get_string(jget(c, "files.items.0.dir")), "/var/log");
	assert_int_equal(json_object_get_int(jget(c, "files.items.0.count")), 4);
	assert_int_equal(json_object_get_int(jget(c, "files.items.0.actions.create")), 1);
	has(text, "          4  /var/log  write 1, create 1, delete 1, rename 1\n");
	has(html, "data-count=\"4\">4</td><td class=\"path\">/var/log</td>");
	/* the program, its argv and ancestry */
	has(text, "/bin/sh [sh -c \"id; ls\"]  from /usr/sbin/nginx < \"/bin/busybox (sh)\"");
	assert_string_equal(json_object_get_string(jget(c, "programs.items.0.argv.2")), "id; ls");
	assert_string_equal(json_object_get_string(jget(c, "programs.items.0.ancestry.1")),
			    "/bin/busybox (sh)");
	has(html, "<td class=\"path\">sh -c id; ls</td><td class=\"path\">/usr/sbin/nginx &lt; "
		  "/bin/busybox (sh)</td>");
	/* the client's connects and their peer */
	c = jget(doc, "containers.1");
	assert_int_equal(json_object_get_int(jget(c, "outbound.items.0.count")), 3);
	assert_string_equal(json_object_get_string(jget(c, "outbound.items.0.peer.name")), "web");
	has(text, "          3  AF_INET 127.0.0.1:8080  -> web (loopback");
	has(html, "data-count=\"3\">3</td><td class=\"path\">AF_INET 127.0.0.1:8080</td>"
		  "<td class=\"n\">0</td><td class=\"peer\"><b>web</b>");
	assert_int_equal(json_object_get_int(jget(doc, "interactions.0.count")), 3);
	has(text, "          3  client -> web\n");
	/* equal counts: by key */
	has(text, "          1  SIGKILL -> pid 4242\n          1  SIGTERM -> sleep\n");
	assert_int_equal(json_object_get_int(jget(c, "signals.items.0.target_pid")), 4242);
	assert_string_equal(json_object_get_string(jget(c, "signals.items.1.target")), "sleep");
	has(html, "data-count=\"1\">1</td><td>SIGTERM</td><td>sleep</td><td></td>");
	/* the HTML is whole and self-contained: no script, nothing fetched */
	has(html, "<svg class=\"timeline\" id=\"timeline-0\"");
	has(html, "<svg class=\"graph\" id=\"graph\"");
	has(html, "</body></html>\n");
	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "src="));
	assert_null(strstr(html, "href=\"http"));
	json_object_put(doc);
	free(text);
	free(html);
	free(json);
	report__free(r);
}

/* Names are escaped in every format: one line stays one line. */
static void escapes_names(void **state)
{
	struct report *r = report__new(&opts);
	char *text, *html, *json;
	struct json_object *doc;

	(void)state;
	feed_ev(r, "\"container_id\":\"e1\",\"container_name\":\"<b>x</b>\"", T0, 1,
		"\"syscall\":\"openat\",\"category\":\"File Operation\",\"activity\":\"File Open\","
		"\"ret\":3,\"dirname\":\"/tmp\",\"filename\":\"a\\nb\\u001b[31m\",\"flags\":"
		"\"O_RDONLY\"");
	text = render(r, REPORT_TEXT);
	html = render(r, REPORT_HTML);
	json = render(r, REPORT_JSON);
	has(text, "  \"a\\nb\\x1b[31m\"  read 1\n");
	assert_null(strstr(text, "\x1b"));
	has(html, "&lt;b&gt;x&lt;/b&gt;");
	assert_null(strstr(html, "<b>x</b>"));
	has(html, "a\\nb\\x1b[31m");
	doc = json_tokener_parse(json);
	assert_string_equal(json_object_get_string(jget(doc,
		"containers.0.files.items.0.files.items.0.name")), "a\nb\x1b[31m");
	json_object_put(doc);
	free(text);
	free(html);
	free(json);
	report__free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(aggregates_a_container),
		cmocka_unit_test(maps_file_actions),
		cmocka_unit_test(network_and_peers),
		cmocka_unit_test(peer_heuristic),
		cmocka_unit_test(skips_what_is_not_a_record),
		cmocka_unit_test(reads_a_file),
		cmocka_unit_test(tally_folds_the_less_frequent_half),
		cmocka_unit_test(folding_keeps_directories_whole),
		cmocka_unit_test(lists_are_cut_and_counted),
		cmocka_unit_test(timeline_coarsens),
		cmocka_unit_test(formats_agree),
		cmocka_unit_test(escapes_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
