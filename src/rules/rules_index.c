// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The per-syscall candidate index: for each classified syscall number, the
 * rules whose syscall and category conditions allow it, so that an event
 * is matched only against rules it can match. Built once from the compiled
 * set in linear time: each rule's syscall set is computed once (a 512-bit
 * map), then a counting sort puts each rule in the lists of its syscalls,
 * in rule order. Unclassified numbers are not indexed (no event has them:
 * the kernel traces classified syscalls only); asking for one gives "all".
 */
#include <stdlib.h>
#include "rules_internal.h"

struct sc_bits {
	uint64_t known[SC_WORDS];            /* classified syscalls */
	uint64_t cat[CAT_COUNT][SC_WORDS];   /* the syscalls of each category */
};

static void table_bits(struct sc_bits *t)
{
	memset(t, 0, sizeof(*t));
	for (size_t i = 0; i < cactus_syscalls_count; i++) {
		int nr = cactus_syscalls[i].nr;

		if (nr < 0 || nr >= CACTUS_MAX_SYSCALLS)
			continue;
		t->known[nr / 64] |= 1ULL << (nr % 64);
		t->cat[cactus_syscalls[i].category][nr / 64] |= 1ULL << (nr % 64);
	}
}

/* The classified syscalls an event of which may match @m: its syscall and
 * category conditions ANDed, evaluated as eval() does; the other
 * conditions are unknown here, so they count as maybe. */
static void match_syscalls(const struct match *m, const struct sc_bits *t, uint64_t *out)
{
	memcpy(out, t->known, sizeof(t->known));
	for (size_t i = 0; i < m->n; i++) {
		const struct cond *c = &m->c[i];
		uint64_t in[SC_WORDS] = { 0 };

		if (c->kind == FK_SYSCALL) {
			memcpy(in, c->bits, sizeof(in));
		} else if (c->kind == FK_CATEGORY) {
			for (int k = 0; k < CAT_COUNT; k++) {
				if (!(c->cats >> k & 1))
					continue;
				for (int w = 0; w < SC_WORDS; w++)
					in[w] |= t->cat[k][w];
			}
		} else {
			continue;
		}
		for (int w = 0; w < SC_WORDS; w++)
			out[w] &= c->op == OP_NE ? ~in[w] : in[w];
	}
}

/* The numbers of the bits set in @bits, in order; returns how many. */
static int nrs_of(const uint64_t *bits, uint16_t *nrs)
{
	int n = 0;

	for (int w = 0; w < SC_WORDS; w++) {
		for (uint64_t m = bits[w]; m; m &= m - 1)
			nrs[n++] = (uint16_t)(w * 64 + __builtin_ctzll(m));
	}
	return n;
}

/* Offsets from counts, then each rule appended to its syscalls' lists. */
static int fill(struct rule_set *rs, const uint64_t (*bits)[SC_WORDS])
{
	uint32_t pos[CACTUS_MAX_SYSCALLS];
	size_t total = 0;

	for (uint32_t nr = 0; nr < CACTUS_MAX_SYSCALLS; nr++) {
		size_t count = rs->cand_off[nr];

		rs->cand_off[nr] = pos[nr] = (uint32_t)total;
		total += count;
	}
	rs->cand_off[CACTUS_MAX_SYSCALLS] = (uint32_t)total;
	rs->cand = malloc((total ? total : 1) * sizeof(*rs->cand));
	if (!rs->cand)
		return -1;
	for (size_t i = 0; i < rs->n; i++) {
		uint16_t nrs[CACTUS_MAX_SYSCALLS];
		int k = nrs_of(bits[i], nrs);

		while (k--)
			rs->cand[pos[nrs[k]]++] = (uint32_t)i;
	}
	return 0;
}

int rules_index(struct rule_set *rs)
{
	uint64_t (*bits)[SC_WORDS] = malloc((rs->n ? rs->n : 1) * sizeof(*bits));
	struct sc_bits t;
	int err;

	if (!bits)
		return -1;
	table_bits(&t);
	memcpy(rs->indexed, t.known, sizeof(t.known));
	memset(rs->cand_off, 0, sizeof(rs->cand_off));
	for (size_t i = 0; i < rs->n; i++) {
		uint16_t nrs[CACTUS_MAX_SYSCALLS];
		int k;

		match_syscalls(&rs->r[i]->m, &t, bits[i]);
		k = nrs_of(bits[i], nrs);
		while (k--)
			rs->cand_off[nrs[k]]++; /* counts first, offsets in fill() */
	}
	err = fill(rs, (const uint64_t (*)[SC_WORDS])bits);
	free(bits);
	return err;
}

/* NULL (all rules) for what the index does not cover. */
static bool indexed(const struct rule_set *rs, const void *cand, uint32_t nr)
{
	return rs && cand && nr < CACTUS_MAX_SYSCALLS && (rs->indexed[nr / 64] >> (nr % 64) & 1);
}

const uint32_t *rules__candidate_ids(const struct rule_set *rs, uint32_t nr, size_t *n)
{
	if (!indexed(rs, rs ? rs->cand : NULL, nr)) {
		*n = rules__count(rs);
		return NULL;
	}
	*n = rs->cand_off[nr + 1] - rs->cand_off[nr];
	return rs->cand + rs->cand_off[nr];
}
