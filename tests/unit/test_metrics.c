// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * src/metrics/metrics: the exact exposition text of a small registry (HELP and
 * label escaping, gauges, NaN/Inf), the series limit folding into "_other"
 * with its distinct-label-set counter, removal and slot reuse, bad names,
 * NULL handles, and concurrent updates counted exactly while rendering.
 * src/metrics/cactus_metrics: every family registered, sink stats mirrored.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/cactus_metrics.h"
#include "metrics/metrics.h"
#include "sinks/rotfile.h"
#include "sinks/webhook.h"

#define FOLDED_HEADER                                                                       \
	"# HELP cactus_metrics_folded_series_total Label sets folded into a family's "     \
	"\"_other\" series because the family had reached its series limit.\n"            \
	"# TYPE cactus_metrics_folded_series_total counter\n"

static char *render(struct metrics *m)
{
	size_t len;
	char *buf;

	assert_int_equal(metrics__render(m, &buf, &len), 0);
	assert_int_equal(strlen(buf), len);
	return buf;
}

static void assert_render(struct metrics *m, const char *want)
{
	char *got = render(m);

	assert_string_equal(got, want);
	free(got);
}

static struct metric_family *family(struct metrics *m, const char *name, enum metric_type t,
				    size_t max, const char *l1, const char *l2)
{
	struct metric_family_opts o = { .name = name, .type = t, .max_series = max,
					.labels = { l1, l2 } };
	struct metric_family *f;

	o.help = t == METRIC_COUNTER ? "Things.\nWith a \\ backslash." : "Level.";
	f = metrics__family(m, &o);
	assert_non_null(f);
	return f;
}

static void test_render_exact(void **state)
{
	struct metrics *m = metrics__new();
	struct metric_family *things, *level;
	const char *v1[] = { "file", "open\"at\\x\ny" }, *v2[] = { "net", "connect" };
	struct metric *a, *b, *g;

	(void)state;
	assert_non_null(m);
	things = family(m, "t_things_total", METRIC_COUNTER, 0, "category", "syscall");
	level = family(m, "t_level", METRIC_GAUGE, 0, NULL, NULL);
	a = metric_family__series(things, v1);
	b = metric_family__series(things, v2);
	assert_ptr_equal(metric_family__series(things, v1), a);
	metric__add(a, 41);
	metric__inc(a);
	metric__inc(b);
	g = metric_family__series(level, NULL);
	metric__set(g, 0.25);
	assert_render(m, FOLDED_HEADER
		      "cactus_metrics_folded_series_total{family=\"t_things_total\"} 0\n"
		      "cactus_metrics_folded_series_total{family=\"t_level\"} 0\n"
		      "# HELP t_things_total Things.\\nWith a \\\\ backslash.\n"
		      "# TYPE t_things_total counter\n"
		      "t_things_total{category=\"file\",syscall=\"open\\\"at\\\\x\\ny\"} 42\n"
		      "t_things_total{category=\"net\",syscall=\"connect\"} 1\n"
		      "# HELP t_level Level.\n"
		      "# TYPE t_level gauge\n"
		      "t_level 0.25\n");
	metrics__free(m);
}

static void test_gauge_values(void **state)
{
	struct metrics *m = metrics__new();
	struct metric *g = metric_family__series(family(m, "t_g", METRIC_GAUGE, 0, NULL, NULL),
						 NULL);
	struct { double v; const char *text; } cases[] = {
		{ 0, "t_g 0\n" }, { 1e-7, "t_g 1e-07\n" }, { 0.1, "t_g 0.1\n" },
		{ -3, "t_g -3\n" }, { NAN, "t_g NaN\n" }, { INFINITY, "t_g +Inf\n" },
		{ -INFINITY, "t_g -Inf\n" }, { 1.0 / 3, "t_g 0.33333333333333331\n" },
	};
	size_t i;
	char *out;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		metric__set(g, cases[i].v);
		out = render(m);
		assert_non_null(strstr(out, "# TYPE t_g gauge\n"));
		assert_string_equal(strstr(out, "# TYPE t_g gauge\n") + 17, cases[i].text);
		free(out);
	}
	metric__set(g, 1.5);
	metric__add(g, 2); /* add on a gauge */
	assert_true(metric__value(g) == 3.5);
	metrics__free(m);
}

static void test_fold_beyond_limit(void **state)
{
	struct metrics *m = metrics__new();
	struct metric_family *f = family(m, "t_c_total", METRIC_COUNTER, 2, "container", NULL);
	const char *names[] = { "a", "b", "c", "d" };
	struct metric *s[4];
	int i;

	(void)state;
	for (i = 0; i < 4; i++) {
		s[i] = metric_family__series(f, &names[i]);
		metric__inc(s[i]);
	}
	assert_ptr_equal(s[2], s[3]);                      /* both in _other */
	assert_ptr_equal(metric_family__series(f, &names[2]), s[2]); /* again: not recounted */
	metric__inc(s[3]);
	assert_render(m, FOLDED_HEADER
		      "cactus_metrics_folded_series_total{family=\"t_c_total\"} 2\n"
		      "# HELP t_c_total Things.\\nWith a \\\\ backslash.\n"
		      "# TYPE t_c_total counter\n"
		      "t_c_total{container=\"a\"} 1\n"
		      "t_c_total{container=\"b\"} 1\n"
		      "t_c_total{container=\"_other\"} 3\n");

	/* a removed series frees its slot for a new label set */
	metric_family__remove(f, s[0]);
	s[0] = metric_family__series(f, &names[3]);
	assert_ptr_not_equal(s[0], s[2]);
	assert_true(metric__value(s[0]) == 0);
	metric_family__remove(f, s[2]); /* the overflow series stays */
	assert_true(metric__value(s[2]) == 3);
	metrics__free(m);
}

static void test_bad_families(void **state)
{
	struct metrics *m = metrics__new();
	struct metric_family_opts o = { .name = "ok_total", .help = "h" };

	(void)state;
	assert_non_null(metrics__family(m, &o));
	assert_null(metrics__family(m, &o));
	assert_int_equal(errno, EEXIST);
	o.name = "9bad";
	assert_null(metrics__family(m, &o));
	assert_int_equal(errno, EINVAL);
	o.name = "bad-name";
	assert_null(metrics__family(m, &o));
	o.name = "fine";
	o.labels[0] = "__reserved";
	assert_null(metrics__family(m, &o));
	o.labels[0] = "x:y";
	assert_null(metrics__family(m, &o));
	o.labels[0] = "dup";
	o.labels[1] = "dup";
	assert_null(metrics__family(m, &o));
	assert_int_equal(errno, EINVAL);
	/* NULL handles are accepted everywhere */
	metric__inc(NULL);
	metric__set(NULL, 1);
	assert_null(metric_family__series(NULL, NULL));
	metrics__free(m);
}

#define THREADS 4
#define PER_THREAD 200000

static void *hammer(void *arg)
{
	struct metric *s = arg;
	int i;

	for (i = 0; i < PER_THREAD; i++)
		metric__inc(s);
	return NULL;
}

static void test_concurrent_updates(void **state)
{
	struct metrics *m = metrics__new();
	struct metric_family *f = family(m, "t_n_total", METRIC_COUNTER, 0, NULL, NULL);
	struct metric *s = metric_family__series(f, NULL);
	pthread_t t[THREADS];
	char *out;
	int i;

	(void)state;
	for (i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, hammer, s), 0);
	for (i = 0; i < 50; i++) /* render while they count */
		free(render(m));
	for (i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	out = render(m);
	assert_non_null(strstr(out, "\nt_n_total 800000\n"));
	free(out);
	metrics__free(m);
}

static void test_cactus_families(void **state)
{
	struct rotfile_stats fs = { .lines = 7, .bytes = 70, .rotations = 1, .errors = 2 };
	struct webhook_stats ws = { .posted = 9, .delivered = 5, .retried = 3, .dropped = 4,
				    .queue_depth = 0 };
	struct metrics *m = metrics__new();
	struct cactus_metrics cm = { 0 };
	char *out;

	(void)state;
	assert_int_equal(cactus_metrics__init(&cm, m, "1.2.3"), 0);
	assert_non_null(cm.events);
	assert_non_null(cm.webhook_queue_depth);
	cactus_metrics__sinks(&cm, &fs, &ws);
	out = render(m);
	assert_non_null(strstr(out, "\ncactus_build_info{version=\"1.2.3\"} 1\n"));
	assert_non_null(strstr(out, "\ncactus_output_lines_total 7\n"));
	assert_non_null(strstr(out, "\ncactus_output_errors_total 2\n"));
	assert_non_null(strstr(out, "\ncactus_webhook_dropped_total 4\n"));
	assert_non_null(strstr(out, "\ncactus_webhook_retried_total 3\n"));
	assert_non_null(strstr(out, "# TYPE cactus_ring_fill_ratio gauge\n"));
	assert_non_null(strstr(out, "# TYPE cactus_alerts_total counter\n"));
	free(out);
	/* registering twice fails: names are unique */
	assert_int_equal(cactus_metrics__init(&cm, m, "1.2.3"), -EEXIST);
	metrics__free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render_exact),
		cmocka_unit_test(test_gauge_values),
		cmocka_unit_test(test_fold_beyond_limit),
		cmocka_unit_test(test_bad_families),
		cmocka_unit_test(test_concurrent_updates),
		cmocka_unit_test(test_cactus_families),
	};

	return cmocka_run_group_tests_name("metrics", tests, NULL, NULL);
}
