/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Reading a raw kernel record (include/cactus/event.h): its string slots. */
#ifndef CACTUS_EVENT_RECORD_H
#define CACTUS_EVENT_RECORD_H

#include <stddef.h>
#include "cactus/event.h"

/* String slot @slot of @e, or NULL when absent. Points into e->data. */
static inline const char *event_str(const struct cactus_event *e, int slot)
{
	if (slot < 0 || slot >= STR_NSLOTS || !e->str_len[slot])
		return NULL;
	/* the record holds only data_len bytes: never trust offsets past them */
	if ((size_t)e->str_off[slot] + e->str_len[slot] >= e->data_len ||
	    e->data_len > CACTUS_DATA_MAX)
		return NULL;
	return e->data + e->str_off[slot];
}

#endif
