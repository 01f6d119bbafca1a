/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Building synthetic kernel records for unit tests (include after cmocka.h). */
#ifndef CACTUS_TEST_RECORDS_H
#define CACTUS_TEST_RECORDS_H

#include <string.h>
#include "cactus/event.h"

/* Appends @len bytes of @s (may hold NULs) as string slot @slot. */
static inline void ev_str_n(struct cactus_event *e, int slot, const char *s, size_t len)
{
	size_t off = e->data_len;

	assert_true(off + len + 1 <= CACTUS_DATA_MAX);
	memcpy(e->data + off, s, len);
	e->data[off + len] = 0;
	e->str_off[slot] = off;
	e->str_len[slot] = len;
	e->data_len = off + len + 1;
}

static inline void ev_str(struct cactus_event *e, int slot, const char *s)
{
	ev_str_n(e, slot, s, strlen(s));
}

#endif
