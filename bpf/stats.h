/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Counters (enum cactus_stat in include/cactus/event.h): what the kernel side
 * could not do is counted here, never printed (user space reports them).
 */
#ifndef CACTUS_BPF_STATS_H
#define CACTUS_BPF_STATS_H

#include "base.h"
#include "maps.h"

static __always_inline void count(__u32 stat)
{
	__u64 *v = bpf_map_lookup_elem(&stats, &stat);

	if (v)
		*v += 1;
}

/* A zeroed row set, the initial value of a cgroup's counts (a map value may
 * not come from the 512-byte stack). */
static const struct syscall_counts zero_counts;

/*
 * Counts a watched task's syscall (slot @slot, result @ret) for cgroup @cg:
 * one lookup and one atomic add (the rows are shared by the CPUs); the
 * cgroup's entry is made at its first syscall.
 */
static __always_inline void count_syscall(__u64 cg, __u8 slot, long ret)
{
	struct syscall_counts *n;

	if (slot >= CACTUS_COUNT_SLOTS)
		return;
	n = bpf_map_lookup_elem(&counts_by_cgroup, &cg);
	if (!n) {
		bpf_map_update_elem(&counts_by_cgroup, &cg, &zero_counts, BPF_NOEXIST);
		n = bpf_map_lookup_elem(&counts_by_cgroup, &cg);
		if (!n) {
			count(STAT_COUNTS_FULL);
			return;
		}
	}
	__sync_fetch_and_add(&n->n[slot][ret < 0 ? COUNT_ERR : COUNT_OK], 1);
}

#endif
