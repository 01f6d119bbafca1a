/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A container's events per category over time, in buckets of a width that
 * grows as the container's span does, so at most TL_MAX_BUCKETS buckets
 * are kept however long the file: 1 s buckets for 10 minutes, then 2 s,
 * 10 s, 20 s, 60 s, ... (each width a multiple of the one before, so a
 * bucket is merged whole, never split). Buckets start at multiples of
 * their width in UTC seconds. Events may come slightly out of order (the
 * monitor writes each CPU's as they are read): an earlier one moves the
 * start back.
 */
#ifndef CACTUS_REPORT_TIMELINE_H
#define CACTUS_REPORT_TIMELINE_H

#include <stdint.h>
#include "syscalls.h"

#define TL_MAX_BUCKETS 600
/* the 9 categories, then "Unknown" (an event whose category is not one) */
#define TL_SERIES (CAT_COUNT + 1)

struct timeline {
	int64_t base;              /* UTC seconds of bucket 0, a multiple of width */
	uint32_t width;            /* seconds per bucket */
	uint32_t n, alloc;         /* buckets in use, allocated */
	uint32_t (*b)[TL_SERIES];  /* events per bucket and series (saturating) */
};

/* Counts one event of @series at UTC second @sec: 0, or -ENOMEM. */
int timeline_add(struct timeline *t, int64_t sec, int series);
void timeline_free(struct timeline *t);
/* The series' name: a category's, or "Unknown". */
const char *timeline_series_name(int series);

#endif
