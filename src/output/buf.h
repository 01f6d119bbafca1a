/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A growable byte buffer that one event is rendered into before it is
 * handed to the output stream as one record. It may start on the caller's
 * storage (a stack array: no allocation for ordinary events) and moves to
 * the heap only for a record longer than that. The appenders are inline:
 * they run for every field of every event.
 */
#ifndef CACTUS_OUTPUT_BUF_H
#define CACTUS_OUTPUT_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct out_buf {
	char *b;
	size_t len, cap;
	bool heap;   /* b is ours (malloc), else the caller's storage */
	bool oom;    /* a grow failed: the content is incomplete, do not print it */
};

/* @storage (may be NULL with @cap 0) is used until it is too small. */
static inline void ob_init(struct out_buf *ob, char *storage, size_t cap)
{
	*ob = (struct out_buf){ .b = storage, .cap = cap };
}

/* Room for @n more bytes; false (and ob->oom set) when memory ran out. */
bool ob_grow(struct out_buf *ob, size_t n);
void ob_free(struct out_buf *ob);

static inline void ob_reset(struct out_buf *ob)
{
	ob->len = 0;
	ob->oom = false;
}

static inline void ob_put(struct out_buf *ob, const void *s, size_t n)
{
	if (n > ob->cap - ob->len && !ob_grow(ob, n))
		return;
	memcpy(ob->b + ob->len, s, n);
	ob->len += n;
}

static inline void ob_ch(struct out_buf *ob, char c)
{
	if (ob->len == ob->cap && !ob_grow(ob, 1))
		return;
	ob->b[ob->len++] = c;
}

static inline void ob_str(struct out_buf *ob, const char *s)
{
	ob_put(ob, s, strlen(s));
}

/* A string literal, its length known at compile time. */
#define OB_LIT(ob, lit) ob_put((ob), (lit), sizeof(lit) - 1)

/* Decimal without printf's machinery (hot path). */
void ob_int(struct out_buf *ob, int64_t v);
/* @ns (>= 0) as seconds with three decimals: "12.345". */
void ob_secs3(struct out_buf *ob, int64_t ns);

#endif
