// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Bucketed events per category over time (timeline.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "report/timeline.h"

/* each a multiple of the one before; past the last, doubling */
static const uint32_t widths[] = { 1, 2, 10, 20, 60, 120, 600, 1200, 3600, 7200, 21600,
				   43200, 86400 };

static uint32_t next_width(uint32_t w)
{
	for (size_t i = 0; i < sizeof(widths) / sizeof(widths[0]); i++) {
		if (widths[i] > w)
			return widths[i];
	}
	return w * 2;
}

/* floor(a / b) for any sign of a */
static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b && a < 0) ? q - 1 : q;
}

static void merge(uint32_t *dst, const uint32_t *src)
{
	for (int s = 0; s < TL_SERIES; s++)
		dst[s] = dst[s] + src[s] < dst[s] ? UINT32_MAX : dst[s] + src[s];
}

/* The next width: every bucket merged into its new one, in place (a new
 * bucket's index is never above an old one's). */
static void coarsen(struct timeline *t)
{
	uint32_t w = next_width(t->width), n = 0;
	int64_t base = floor_div(t->base, w) * w;

	for (uint32_t i = 0; i < t->n; i++) {
		uint32_t j = (uint32_t)((t->base + (int64_t)i * t->width - base) / w);

		if (j >= n) {
			if (j != i)
				memset(t->b[j], 0, sizeof(t->b[j]));
			n = j + 1;
		}
		if (j != i)
			merge(t->b[j], t->b[i]);
	}
	t->base = base;
	t->width = w;
	t->n = n;
}

static int reserve(struct timeline *t, uint32_t n)
{
	uint32_t alloc = t->alloc ? t->alloc : 16;
	void *b;

	if (n <= t->alloc)
		return 0;
	while (alloc < n)
		alloc *= 2;
	if (alloc > TL_MAX_BUCKETS)
		alloc = TL_MAX_BUCKETS;
	b = realloc(t->b, alloc * sizeof(*t->b));
	if (!b)
		return -ENOMEM;
	t->b = b;
	t->alloc = alloc;
	return 0;
}

int timeline_add(struct timeline *t, int64_t sec, int series)
{
	int64_t i;

	if (!t->width) {
		t->width = 1;
		t->base = sec;
	}
	for (;;) {
		i = floor_div(sec - t->base, t->width);
		if (i < 0 && t->n - i <= TL_MAX_BUCKETS) {
			/* earlier than bucket 0: shift right */
			if (reserve(t, t->n - (uint32_t)i))
				return -ENOMEM;
			memmove(t->b[-i], t->b[0], t->n * sizeof(*t->b));
			memset(t->b[0], 0, (size_t)-i * sizeof(*t->b));
			t->n -= (uint32_t)i;
			t->base += i * t->width;
			i = 0;
			break;
		}
		if (i >= 0 && i < TL_MAX_BUCKETS)
			break;
		coarsen(t);
	}
	if ((uint32_t)i >= t->n) {
		if (reserve(t, (uint32_t)i + 1))
			return -ENOMEM;
		memset(t->b[t->n], 0, ((uint32_t)i + 1 - t->n) * sizeof(*t->b));
		t->n = (uint32_t)i + 1;
	}
	if (t->b[i][series] != UINT32_MAX)
		t->b[i][series]++;
	return 0;
}

void timeline_free(struct timeline *t)
{
	free(t->b);
	*t = (struct timeline){};
}

const char *timeline_series_name(int series)
{
	return series < CAT_COUNT ? cactus_category_name(series) : "Unknown";
}
