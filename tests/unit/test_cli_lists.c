// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * src/cli/lists.c: --syscall and --category values. An empty item is a
 * usage error, an unknown name is named, and a bad list marks nothing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include "cli/lists.h"
#include "syscalls.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static size_t count(const bool *sel)
{
	size_t n = 0;

	for (size_t i = 0; i < cactus_syscalls_count; i++)
		n += sel[i];
	return n;
}

static bool marked(const bool *sel, const char *name)
{
	return sel[cactus_syscall_by_name(name) - cactus_syscalls];
}

static size_t in_category(int cat)
{
	size_t n = 0;

	for (size_t i = 0; i < cactus_syscalls_count; i++)
		n += (int)cactus_syscalls[i].category == cat;
	return n;
}

static void test_syscalls_ok(void **state)
{
	bool sel[512] = { false };
	char bad[64];

	(void)state;
	assert_int_equal(cli_parse_list("openat", false, sel, bad, sizeof(bad)), CLI_LIST_OK);
	assert_int_equal(count(sel), 1);
	assert_true(marked(sel, "openat"));
	assert_int_equal(cli_parse_list("execve,connect", false, sel, bad, sizeof(bad)),
			 CLI_LIST_OK);
	assert_int_equal(count(sel), 3); /* added to what was there */
	assert_true(marked(sel, "execve") && marked(sel, "connect"));
}

static void test_empty_items(void **state)
{
	static const char *const lists[2][8] = {
		{ "", ",", ",,", "openat,,", ",openat", "openat,", "openat,,execve", "x,," },
		{ "", ",", ",,", "file,,", ",file", "file,", "file,,net", "File Operation," },
	};
	char bad[64];

	(void)state;
	for (int by_cat = 0; by_cat < 2; by_cat++) {
		for (size_t i = 0; i < ARRAY_SIZE(lists[0]); i++) {
			bool sel[512] = { false };
			const char *l = lists[by_cat][i];
			enum cli_list_err want = i == 7 && !by_cat ? CLI_LIST_UNKNOWN : CLI_LIST_EMPTY;

			/* items are checked in order: "x,," fails at its unknown "x" */
			if (cli_parse_list(l, by_cat, sel, bad, sizeof(bad)) != want)
				fail_msg("'%s' (%s): wrong verdict", l, by_cat ? "category" : "syscall");
			assert_int_equal(count(sel), 0); /* nothing marked */
		}
	}
}

static void test_unknown_names(void **state)
{
	bool sel[512] = { false };
	char bad[64];

	(void)state;
	assert_int_equal(cli_parse_list("openat,nosuch", false, sel, bad, sizeof(bad)),
			 CLI_LIST_UNKNOWN);
	assert_string_equal(bad, "nosuch");
	assert_int_equal(count(sel), 0);
	assert_int_equal(cli_parse_list("file,filez", true, sel, bad, sizeof(bad)),
			 CLI_LIST_UNKNOWN);
	assert_string_equal(bad, "filez");
	assert_int_equal(count(sel), 0);
	/* a category is not a syscall, nor the other way round */
	assert_int_equal(cli_parse_list("file", false, sel, bad, sizeof(bad)), CLI_LIST_UNKNOWN);
	assert_int_equal(cli_parse_list("openat", true, sel, bad, sizeof(bad)), CLI_LIST_UNKNOWN);
}

static void test_categories(void **state)
{
	bool sel[512] = { false };
	char bad[64];

	(void)state;
	assert_int_equal(cli_parse_list("file,net", true, sel, bad, sizeof(bad)), CLI_LIST_OK);
	assert_int_equal(count(sel), in_category(CAT_FILE) + in_category(CAT_NET));
	assert_true(marked(sel, "openat") && marked(sel, "connect"));
	assert_false(marked(sel, "execve"));
	memset(sel, 0, sizeof(sel));
	assert_int_equal(cli_parse_list("File Operation", true, sel, bad, sizeof(bad)),
			 CLI_LIST_OK);
	assert_int_equal(count(sel), in_category(CAT_FILE));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_syscalls_ok),
		cmocka_unit_test(test_empty_items),
		cmocka_unit_test(test_unknown_names),
		cmocka_unit_test(test_categories),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
