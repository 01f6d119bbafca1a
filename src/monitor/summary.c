// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The summary on stderr at exit: what was seen, printed, lost, and where. */
#include <stdio.h>
#include "monitor/internal.h"

static void print_drops(void *ctx, const struct ns_key *key, __u64 n)
{
	const struct monitor *m = ctx;
	const struct container *c = containers__by_ns(m->cs, key->pid_ns, key->mnt_ns);

	fprintf(stderr, "cactus:   drops in %s (pid_ns %u, mnt_ns %u): %llu\n",
		c && c->name[0] ? c->name : (c && c->id[0] ? c->id : "-"), key->pid_ns,
		key->mnt_ns, (unsigned long long)n);
}

void summary_print(const struct monitor *m)
{
	__u64 k[STAT_NSTATS];

	kernel__stats(m->kernel, k);
	fprintf(stderr, "cactus: summary: %llu events seen, %llu printed, %llu filtered out, "
		"%llu drops (ring buffer full), %llu malformed, %llu alerts, %llu killed, "
		"%llu denied\n", m->n.seen, m->n.printed, m->n.filtered,
		(unsigned long long)k[STAT_DROPS], m->n.malformed, m->n.alerts,
		(unsigned long long)k[STAT_KILLS], (unsigned long long)k[STAT_DENIES]);
	fprintf(stderr, "cactus: kernel: %llu events written, %llu drops, %llu exits without "
		"entry, %llu stash full, %llu unreadable strings\n",
		(unsigned long long)k[STAT_EVENTS], (unsigned long long)k[STAT_DROPS],
		(unsigned long long)k[STAT_NO_ENTER], (unsigned long long)k[STAT_STASH_FULL],
		(unsigned long long)k[STAT_READ_ERR]);
	kernel__drops_foreach(m->kernel, print_drops, (void *)m);
	for (int i = 0; i < CAT_COUNT; i++) {
		if (m->n.per_category[i])
			fprintf(stderr, "cactus:   %-20s %llu\n", cactus_category_name(i),
				m->n.per_category[i]);
	}
}
