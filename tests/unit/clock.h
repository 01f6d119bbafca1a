/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Monotonic seconds, for tests that bound how long something takes. */
#ifndef CACTUS_TEST_CLOCK_H
#define CACTUS_TEST_CLOCK_H

#include <time.h>

static inline double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

#endif
