// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The intermediate arrays of a kernel rule array swap (reload.c says why):
 * pure, so that the property "every write changes only `used` bytes, or
 * entries no program reads" is unit-tested (tests/unit/test_rule_swap.c).
 */
#include <string.h>
#include "monitor/agent.h"

bool rule_swap_stages(const void *old, const void *new, size_t n, size_t size, size_t used_off,
		      void *stage1, void *stage2)
{
	const char *o = old, *w = new;
	char *s1 = stage1, *s2 = stage2;
	bool any = false;

	memcpy(s1, o, n * size);
	memcpy(s2, o, n * size);
	for (size_t i = 0; i < n; i++) {
		size_t at = i * size;

		if (!memcmp(o + at, w + at, size))
			continue;
		any = true;
		/* 1: the old rule, off; 2: the new rule, still off */
		s1[at + used_off] = 0;
		memcpy(s2 + at, w + at, size);
		s2[at + used_off] = 0;
	}
	return any;
}
