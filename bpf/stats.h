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

#endif
