// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The rule set's arena, the error list, growable arrays and a string map. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rules_internal.h"

/* Chunks, not one malloc per string: 100,000 rules make millions of small
 * allocations (time, and 16+ bytes of malloc overhead each). */
#define ARENA_CHUNK (64u << 10)
#define ARENA_ALIGN _Alignof(max_align_t)

struct arena_blk {
	struct arena_blk *next;
	size_t used, cap;
	max_align_t data[];
};

static struct arena_blk *ar_new_blk(size_t cap)
{
	struct arena_blk *b = calloc(1, sizeof(*b) + cap);

	if (b)
		b->cap = cap;
	return b;
}

void *ar_alloc(struct arena *a, size_t size)
{
	struct arena_blk *b = a->head;

	size = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (b && b->cap - b->used >= size) {
		b->used += size;
		return (char *)b->data + b->used - size;
	}
	b = ar_new_blk(size > ARENA_CHUNK / 4 ? size : ARENA_CHUNK);
	if (!b)
		return NULL;
	b->used = size;
	/* a large block goes behind the current one, whose room stays usable */
	if (a->head && size > ARENA_CHUNK / 4) {
		b->next = a->head->next;
		a->head->next = b;
	} else {
		b->next = a->head;
		a->head = b;
	}
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

int grow_array(void *v, size_t *cap, size_t n, size_t size)
{
	void **pv = v;
	size_t ncap = *cap ? *cap * 2 : 16;
	void *nv;

	if (n < *cap)
		return 0;
	nv = realloc(*pv, ncap * size);
	if (!nv)
		return -ENOMEM;
	*pv = nv;
	*cap = ncap;
	return 0;
}

static void err_add(struct rule_errors *errs, const char *file, int line, const char *fmt,
		    va_list ap)
{
	struct rule_error *e;

	if (grow_array(&errs->v, &errs->cap, errs->n, sizeof(*errs->v)))
		return;
	e = &errs->v[errs->n++];
	snprintf(e->file, sizeof(e->file), "%s", file);
	e->line = line;
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
}

void rule_err(struct rule_errors *errs, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	/* a 64 MiB file of mistakes must not make gigabytes of messages */
	if (errs->n >= RULES_MAX_ERRORS) {
		errs->dropped++;
		return;
	}
	va_start(ap, fmt);
	err_add(errs, file, line, fmt, ap);
	va_end(ap);
}

void rule_errors_close(struct rule_errors *errs)
{
	const char *file = errs->n ? errs->v[errs->n - 1].file : "rules";

	if (errs->dropped)
		rule_err_force(errs, file, 0, "%zu more errors not shown (at most %d are)",
			       errs->dropped, RULES_MAX_ERRORS);
}

void rule_err_force(struct rule_errors *errs, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_add(errs, file, line, fmt, ap);
	va_end(ap);
}

void rule_errors_free(struct rule_errors *errs)
{
	free(errs->v);
	errs->v = NULL;
	errs->n = errs->cap = errs->dropped = 0;
}

/* FNV-1a: short names, no adversary worth more (a rule file is trusted input). */
static size_t str_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return (size_t)h;
}

bool strmap_get(const struct strmap *m, const char *key, size_t *val)
{
	if (!m->cap)
		return false;
	for (size_t i = str_hash(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		if (!m->slots[i].key)
			return false;
		if (!strcmp(m->slots[i].key, key)) {
			*val = m->slots[i].val;
			return true;
		}
	}
}

static void strmap_insert(struct strmap_slot *slots, size_t cap, const char *key, size_t val)
{
	size_t i = str_hash(key) & (cap - 1);

	while (slots[i].key)
		i = (i + 1) & (cap - 1);
	slots[i] = (struct strmap_slot){ key, val };
}

/* Keeps the load under one half: short probe runs. */
static int strmap_grow(struct strmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64;
	struct strmap_slot *slots = calloc(cap, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (size_t i = 0; i < m->cap; i++) {
		if (m->slots[i].key)
			strmap_insert(slots, cap, m->slots[i].key, m->slots[i].val);
	}
	free(m->slots);
	m->slots = slots;
	m->cap = cap;
	return 0;
}

int strmap_put(struct strmap *m, const char *key, size_t val)
{
	if ((m->n + 1) * 2 > m->cap && strmap_grow(m))
		return -ENOMEM;
	strmap_insert(m->slots, m->cap, key, val);
	m->n++;
	return 0;
}

void strmap_free(struct strmap *m)
{
	free(m->slots);
	*m = (struct strmap){ 0 };
}
