// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * src/event/fields.c: the table is consistent (names unique, every format's
 * places unique, rule fields have a rule kind), and the webhook's
 * output_fields come from it in their order.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include "records.h"

#include <stdio.h>
#include <string.h>
#include <asm/unistd.h>

#include "event/fields.h"

static void test_names_unique(void **state)
{
	(void)state;
	for (int i = 0; i < F_COUNT; i++) {
		assert_non_null(fields[i].name);
		assert_non_null(fields[i].get);
		assert_int_equal(field_by_name(fields[i].name), i);
	}
	assert_int_equal(field_by_name("no_such_field"), -1);
}

static void test_places_unique(void **state)
{
	(void)state;
	for (int fmt = 0; fmt < FMT_COUNT; fmt++) {
		size_t n;
		const enum field_id *ids = field_order(fmt, &n);

		assert_true(n > 0);
		for (size_t i = 1; i < n && fmt != FMT_JSON; i++) {
			const struct field_out *a = &fields[ids[i - 1]].out[fmt];
			const struct field_out *b = &fields[ids[i]].out[fmt];

			/* a tie would leave the order to qsort */
			assert_true(a->line < b->line || (a->line == b->line && a->pos < b->pos));
		}
		for (size_t i = 1; i < n && fmt == FMT_JSON; i++)
			assert_true(ids[i - 1] < ids[i]);
	}
}

/* Every key fits FIELD_KEY_MAX, and JSON's prebuilt ',"key":' is it. */
static void test_keys(void **state)
{
	const struct field_jkey *keys = field_json_keys();
	char want[64];

	(void)state;
	for (int f = 0; f < F_COUNT; f++) {
		for (int fmt = 0; fmt < FMT_COUNT; fmt++)
			assert_true(strlen(field_key(f, fmt)) <= FIELD_KEY_MAX);
		snprintf(want, sizeof(want), ",\"%s\":", field_key(f, FMT_JSON));
		assert_int_equal(keys[f].len, strlen(want));
		assert_memory_equal(keys[f].s, want, keys[f].len);
	}
}

static void test_rule_fields(void **state)
{
	(void)state;
	for (int i = 0; i < F_COUNT; i++) {
		if (fields[i].rule != FR_MATCH)
			continue;
		assert_int_not_equal(fields[i].kind, FK_OUT);
		/* a rule field can be named in a template too */
		assert_int_not_equal(fields[i].tmpl, FT_NONE);
		if (fields[i].kind == FK_NUM)
			assert_true(fields[i].min < fields[i].max);
	}
}

/* The webhook's fields of an openat: who, then what, empty ones left out. */
static void test_hook_fields(void **state)
{
	static struct cactus_event e;
	struct container c = { .id = "abc", .name = "web", .image = "img" };
	struct event_view v;
	struct field_ctx x = { .v = &v };
	const char *want[] = { "container_name", "container_id", "image", "syscall", "comm",
			       "filename", "host_pid", "pid", "uid" };
	size_t n, k = 0;
	const enum field_id *ids = field_order(FMT_HOOK, &n);

	(void)state;
	e.syscall_nr = __NR_openat;
	e.host_pid = 42;
	strcpy(e.comm, "cat");
	ev_str(&e, STR_PATH, "/etc/hosts");
	event_view_init(&v, &e, &c, 0);
	for (size_t i = 0; i < n; i++) {
		struct fval val;
		bool have = field_get(&x, ids[i], &val);

		if (!have || !field_shown(&fields[ids[i]].out[FMT_HOOK], &v, &val, have))
			continue;
		assert_true(k < sizeof(want) / sizeof(want[0]));
		assert_string_equal(field_key(ids[i], FMT_HOOK), want[k]);
		k++;
	}
	assert_int_equal(k, sizeof(want) / sizeof(want[0]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_unique),
		cmocka_unit_test(test_places_unique),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_rule_fields),
		cmocka_unit_test(test_hook_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
