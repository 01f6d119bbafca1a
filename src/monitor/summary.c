// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The summary on stderr at exit: what was seen, printed, lost, and where. */
#include <stdio.h>
#include "monitor/agent.h"
#include "output/output.h"

/* Drops of the containers still running (those that ended said theirs in
 * their end record). */
static void print_drops(void *ctx, __u64 cg, __u64 n)
{
	const struct monitor *m = ctx;
	const struct container *c = containers__by_cgroup(m->cs, cg);

	fprintf(stderr, "cactus:   drops in %s (cgroup %llu): %llu\n",
		c && c->name[0] ? c->name : (c && c->id[0] ? c->id : "no container"),
		(unsigned long long)cg, (unsigned long long)n);
}

void summary_print(const struct monitor *m)
{
	struct containers_stats cst;
	__u64 k[STAT_NSTATS];
	uint64_t records = out_stream__records(m->out);

	kernel__stats(m->kernel, k);
	/* n.lifecycle counts the lifecycle records handed to the stream: after
	 * a write error some of them were never written */
	records = records > m->n.lifecycle ? records - m->n.lifecycle : 0;
	/* printed: event records really written (out_stream counts whole ones) */
	fprintf(stderr, "cactus: summary: %llu events seen, %llu printed, %llu filtered out, "
		"%llu drops (ring buffer full), %llu malformed, %llu alerts, %llu killed, "
		"%llu denied, %llu lifecycle records, %llu records lost on output, %llu "
		"throttled (a container over its budget), %llu gap records, %llu alerts folded "
		"into repeat counts\n", m->n.seen,
		(unsigned long long)records, m->n.filtered,
		(unsigned long long)k[STAT_DROPS], m->n.malformed, m->n.alerts,
		(unsigned long long)k[STAT_KILLS], (unsigned long long)k[STAT_DENIES],
		m->n.lifecycle, (unsigned long long)out_stream__lost(m->out),
		(unsigned long long)k[STAT_THROTTLED], m->n.gaps, m->n.folded);
	fprintf(stderr, "cactus: kernel: %llu events written, %llu drops, %llu throttled, %llu "
		"exits without entry, %llu stash full, %llu unreadable strings, %llu io_uring "
		"requests lost (request table full)\n",
		(unsigned long long)k[STAT_EVENTS], (unsigned long long)k[STAT_DROPS],
		(unsigned long long)k[STAT_THROTTLED], (unsigned long long)k[STAT_NO_ENTER],
		(unsigned long long)k[STAT_STASH_FULL], (unsigned long long)k[STAT_READ_ERR],
		(unsigned long long)k[STAT_URING_LOST]);
	kernel__drops_foreach(m->kernel, print_drops, (void *)m);
	containers__stats(m->cs, &cst);
	fprintf(stderr, "cactus: containers: %llu learnt, %llu ended (%llu found gone by the "
		"sweep), %zu running, %llu printed before all their metadata came; records of "
		"no container %llu, of an unnamed container %llu; drops of no container %llu, "
		"not attributed %llu; metadata lookups failed %llu\n",
		(unsigned long long)cst.learnt, (unsigned long long)cst.ended,
		(unsigned long long)cst.ended_late, cst.running, m->n.unnamed_released,
		m->n.no_container, m->n.unnamed, m->n.drops_no_container,
		(unsigned long long)k[STAT_DROPS_UNATTRIBUTED],
		(unsigned long long)cst.lookup_failures);
	for (int i = 0; i < CAT_COUNT; i++) {
		if (m->n.per_category[i])
			fprintf(stderr, "cactus:   %-20s %llu\n", cactus_category_name(i),
				m->n.per_category[i]);
	}
	deliver_summary(m);
}
