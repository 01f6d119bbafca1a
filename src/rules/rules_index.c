// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The per-syscall candidate index: for each syscall number, the rules whose
 * syscall and category conditions allow it, so that an event is matched
 * only against rules it can match. Built once from the compiled set.
 */
#include <stdlib.h>
#include "rules_internal.h"

/* False only if a syscall or category condition of @m fails for every event
 * of syscall @nr (evaluated as eval() would); other conditions are unknown. */
static bool match_may_hold(const struct match *m, uint32_t nr, const struct cactus_syscall *sc)
{
	for (size_t i = 0; i < m->n; i++) {
		const struct cond *c = &m->c[i];
		bool in;

		if (c->kind == RK_SYSCALL) {
			in = c->bits[nr / 64] >> (nr % 64) & 1;
		} else if (c->kind == RK_CATEGORY) {
			if (!sc)
				return false;
			in = c->cats >> sc->category & 1;
		} else {
			continue;
		}
		if (in == (c->op == OP_NE))
			return false;
	}
	return true;
}

int rules_index(struct rule_set *rs)
{
	size_t total = 0;

	if (rs->n > UINT16_MAX)
		return -1;
	for (int pass = 0; pass < 2; pass++) {
		total = 0;
		for (uint32_t nr = 0; nr < CACTUS_MAX_SYSCALLS; nr++) {
			const struct cactus_syscall *sc = cactus_syscall_by_nr((int)nr);

			rs->cand_off[nr] = (uint32_t)total;
			for (size_t i = 0; i < rs->n; i++) {
				if (!match_may_hold(&rs->r[i]->m, nr, sc))
					continue;
				if (pass)
					rs->cand[total] = (uint16_t)i;
				total++;
			}
		}
		rs->cand_off[CACTUS_MAX_SYSCALLS] = (uint32_t)total;
		if (!pass && !(rs->cand = malloc((total ? total : 1) * sizeof(*rs->cand))))
			return -1;
	}
	return 0;
}

const uint16_t *rules__candidates(const struct rule_set *rs, uint32_t nr, size_t *n)
{
	if (!rs || !rs->cand || nr >= CACTUS_MAX_SYSCALLS) {
		*n = rules__count(rs);
		return NULL;
	}
	*n = rs->cand_off[nr + 1] - rs->cand_off[nr];
	return rs->cand + rs->cand_off[nr];
}
