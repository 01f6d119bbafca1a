// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * src/monitor/rule_swap.c: a reload rewrites the kernel's kill/deny rule
 * arrays in three writes (stage 1, stage 2, the new array). A program may
 * read an entry while it is being written and see any mix of its bytes, so
 * each write may change, per entry, only the `used` byte, or bytes of an
 * entry that is unused both before and after the write (programs skip it).
 * Checked on random arrays of real kill_rule and deny_rule entries, with
 * entries kept, changed, added and removed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "monitor/agent.h"

#define N CACTUS_MAX_KRULES

/* May a program reading entries during the write from @a to @b see a rule
 * that is in neither? Not when, per entry, only `used` differs, or the
 * entry is unused on both sides. */
static void assert_safe_write(const char *a, const char *b, size_t size, size_t used_off)
{
	for (size_t i = 0; i < N; i++) {
		const char *x = a + i * size, *y = b + i * size;

		if (!x[used_off] && !y[used_off])
			continue;
		for (size_t k = 0; k < size; k++)
			if (k != used_off && x[k] != y[k])
				fail_msg("entry %zu byte %zu changes while the entry is in use", i, k);
	}
}

static void random_rule(char *r, size_t size, size_t used_off)
{
	for (size_t k = 0; k < size; k++)
		r[k] = (char)(rand() & 0xff);
	r[used_off] = 1;
}

/* old and new: random rules in a prefix (the kernel stops at the first
 * unused entry), some entries of new copied from old. */
static void random_pair(char *old, char *new, size_t size, size_t used_off)
{
	int n_old = rand() % (N + 1), n_new = rand() % (N + 1);

	memset(old, 0, N * size);
	memset(new, 0, N * size);
	for (int i = 0; i < n_old; i++)
		random_rule(old + i * size, size, used_off);
	for (int i = 0; i < n_new; i++) {
		if (i < n_old && rand() % 2)
			memcpy(new + i * size, old + i * size, size);
		else
			random_rule(new + i * size, size, used_off);
	}
}

static void check(size_t size, size_t used_off)
{
	char old[N * sizeof(struct kill_rule)], new[N * sizeof(struct kill_rule)];
	char s1[sizeof(old)], s2[sizeof(old)];

	for (int round = 0; round < 2000; round++) {
		random_pair(old, new, size, used_off);
		if (!rule_swap_stages(old, new, N, size, used_off, s1, s2)) {
			assert_memory_equal(old, new, N * size);
			continue;
		}
		assert_safe_write(old, s1, size, used_off);
		assert_safe_write(s1, s2, size, used_off);
		assert_safe_write(s2, new, size, used_off);
		/* an unchanged rule stays on all the way */
		for (size_t i = 0; i < N; i++) {
			if (memcmp(old + i * size, new + i * size, size))
				continue;
			assert_memory_equal(s1 + i * size, old + i * size, size);
			assert_memory_equal(s2 + i * size, old + i * size, size);
		}
	}
}

static void test_kill_rules(void **state)
{
	(void)state;
	srand(16);
	check(sizeof(struct kill_rule), offsetof(struct kill_rule, used));
}

static void test_deny_rules(void **state)
{
	(void)state;
	srand(61);
	check(sizeof(struct deny_rule), offsetof(struct deny_rule, used));
}

static void test_nothing_changes(void **state)
{
	struct kill_rule a[N] = { { .used = 1, .str = "/etc/shadow" } }, s1[N], s2[N];

	(void)state;
	assert_false(rule_swap_stages(a, a, N, sizeof(a[0]), offsetof(struct kill_rule, used),
				      s1, s2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kill_rules),
		cmocka_unit_test(test_deny_rules),
		cmocka_unit_test(test_nothing_changes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
