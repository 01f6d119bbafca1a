// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The rule set's arena and the error list. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rules_internal.h"

struct arena_blk {
	struct arena_blk *next;
	max_align_t data[];
};

void *ar_alloc(struct arena *a, size_t size)
{
	struct arena_blk *b = calloc(1, sizeof(*b) + size);

	if (!b)
		return NULL;
	b->next = a->head;
	a->head = b;
	return b->data;
}

char *ar_strdup(struct arena *a, const char *s)
{
	size_t n = strlen(s);
	char *d = ar_alloc(a, n + 1);

	if (d)
		memcpy(d, s, n + 1);
	return d;
}

void ar_free(struct arena *a)
{
	while (a->head) {
		struct arena_blk *b = a->head;

		a->head = b->next;
		free(b);
	}
}

void rule_err(struct rule_errors *errs, const char *file, int line, const char *fmt, ...)
{
	struct rule_error *e;
	va_list ap;

	if (errs->n == errs->cap) {
		size_t cap = errs->cap ? errs->cap * 2 : 16;
		struct rule_error *v = realloc(errs->v, cap * sizeof(*v));

		if (!v)
			return;
		errs->v = v;
		errs->cap = cap;
	}
	e = &errs->v[errs->n++];
	snprintf(e->file, sizeof(e->file), "%s", file);
	e->line = line;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
}

void rule_errors_free(struct rule_errors *errs)
{
	free(errs->v);
	errs->v = NULL;
	errs->n = errs->cap = 0;
}
