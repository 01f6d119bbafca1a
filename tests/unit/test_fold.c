// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * src/monitor/fold.c: the first alert of a kind is printed, its repeats
 * within the window are counted and told once (window closed, container
 * ended, cactus stopping, or the table full); different containers, rules or
 * messages are different kinds; window 0 folds nothing. No count is lost.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "containers/containers.h"
#include "monitor/fold.h"

struct told {
	int n;
	uint64_t total;
	char rule[8][128], id[8][128];
	uint64_t count[8];
	char first[8][48], last[8][48];
};

static void emit(void *ctx, const struct repeat_view *r)
{
	struct told *t = ctx;

	if (t->n < 8) {
		snprintf(t->rule[t->n], sizeof(t->rule[0]), "%s", r->rule);
		snprintf(t->id[t->n], sizeof(t->id[0]), "%s", r->c ? r->c->id : "-");
		snprintf(t->first[t->n], sizeof(t->first[0]), "%s", r->time_first);
		snprintf(t->last[t->n], sizeof(t->last[0]), "%s", r->time);
		t->count[t->n] = r->count;
	}
	t->n++;
	t->total += r->count;
}

static struct container ca = { .id = "aaaa" }, cb = { .id = "bbbb" };
static const struct alert shell = { .rule = "shell", .priority = "WARNING", .message = "sh -c x" };
static const struct alert shell2 = { .rule = "shell", .priority = "WARNING", .message = "sh -c y" };
static const struct alert passwd = { .rule = "passwd", .priority = "ERROR", .message = "sh -c x" };

static void window_zero_folds_nothing(void **state)
{
	struct told t = { 0 };
	struct fold *fd = fold_new(0, emit, &t);

	(void)state;
	assert_non_null(fd);
	for (int i = 0; i < 5; i++)
		assert_false(fold_alert(fd, &ca, &shell, i));
	fold_flush(fd, true, NULL);
	assert_int_equal(t.n, 0);
	fold_free(fd);
}

static void repeats_counted_kinds_apart(void **state)
{
	struct told t = { 0 };
	struct fold *fd = fold_new(60, emit, &t);

	(void)state;
	/* first of each kind printed */
	assert_false(fold_alert(fd, &ca, &shell, 1000000000LL));
	assert_false(fold_alert(fd, &cb, &shell, 1000000000LL));   /* other container */
	assert_false(fold_alert(fd, &ca, &shell2, 1000000000LL));  /* other message */
	assert_false(fold_alert(fd, &ca, &passwd, 1000000000LL));  /* other rule */
	assert_false(fold_alert(fd, NULL, &shell, 1000000000LL));  /* no container */
	/* repeats counted */
	for (int i = 0; i < 7; i++)
		assert_true(fold_alert(fd, &ca, &shell, 2000000000LL + i * 1000000000LL));
	assert_true(fold_alert(fd, &cb, &shell, 3000000000LL));
	assert_true(fold_alert(fd, NULL, &shell, 3000000000LL));
	/* nothing due in a 60 s window */
	fold_flush(fd, false, NULL);
	assert_int_equal(t.n, 0);
	/* container a ends: its one repeated kind is told, others stay */
	fold_flush(fd, false, &ca);
	assert_int_equal(t.n, 1);
	assert_string_equal(t.id[0], "aaaa");
	assert_string_equal(t.rule[0], "shell");
	assert_int_equal(t.count[0], 7);
	assert_string_equal(t.first[0], "1970-01-01T00:00:02.000000000Z");
	assert_string_equal(t.last[0], "1970-01-01T00:00:08.000000000Z");
	/* after the end, a's next alert is a first again */
	assert_false(fold_alert(fd, &ca, &shell, 9000000000LL));
	/* stopping: the rest told, kinds with no repeat say nothing */
	fold_flush(fd, true, NULL);
	assert_int_equal(t.n, 3);
	assert_int_equal(t.total, 9);
	fold_free(fd);
}

static void window_closes(void **state)
{
	struct told t = { 0 };
	struct fold *fd = fold_new(1, emit, &t);

	(void)state;
	assert_false(fold_alert(fd, &ca, &shell, 1));
	assert_true(fold_alert(fd, &ca, &shell, 2));
	assert_true(fold_alert(fd, &ca, &shell, 3));
	fold_flush(fd, false, NULL);
	assert_int_equal(t.n, 0);
	usleep(1100 * 1000);
	fold_flush(fd, false, NULL);
	assert_int_equal(t.n, 1);
	assert_int_equal(t.count[0], 2);
	/* a new window: printed again */
	assert_false(fold_alert(fd, &ca, &shell, 4));
	fold_free(fd);
}

static void full_table_tells_oldest(void **state)
{
	struct told t = { 0 };
	struct fold *fd = fold_new(60, emit, &t);
	struct alert a = shell;
	char msg[32];

	(void)state;
	assert_false(fold_alert(fd, &ca, &shell, 1));
	assert_true(fold_alert(fd, &ca, &shell, 2));
	/* the table holds 1024 kinds: the 1025th pushes the oldest out */
	for (int i = 0; i < 1024; i++) {
		snprintf(msg, sizeof(msg), "m%d", i);
		a.message = msg;
		assert_false(fold_alert(fd, &ca, &a, 3));
	}
	assert_int_equal(t.n, 1);
	assert_string_equal(t.rule[0], "shell");
	assert_int_equal(t.count[0], 1);
	/* forgotten, so printed again */
	assert_false(fold_alert(fd, &ca, &shell, 4));
	fold_free(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(window_zero_folds_nothing),
		cmocka_unit_test(repeats_counted_kinds_apart),
		cmocka_unit_test(window_closes),
		cmocka_unit_test(full_table_tells_oldest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
