// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The bounded table of counted keys (tally.h): an array of entries and a
 * chained hash over it, grown by doubling up to @max entries; then, on a
 * new key, the less frequent half is folded away.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "report/tally.h"

void key_add(struct key *k, const char *part)
{
	size_t room = KEY_MAX - k->len, n = part ? strlen(part) : 0;

	if (!room)
		return;
	if (n >= room) {
		/* cut on a character's first byte: the part stays UTF-8 */
		n = room - 1;
		while (n && ((unsigned char)part[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(k->b + k->len, part, n);
	k->b[k->len + n] = 0;
	k->len += n + 1;
}

/* FNV-1a */
static uint32_t hash_of(const char *s, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

void tally_init(struct tally *t, uint32_t max)
{
	*t = (struct tally){ .max = max ? max : 1 };
}

void tally_free(struct tally *t)
{
	for (uint32_t i = 0; i < t->n; i++)
		free(t->e[i].key);
	free(t->e);
	free(t->bucket);
	t->e = NULL;
	t->bucket = NULL;
	t->n = t->alloc = t->nbucket = 0;
}

static void rehash(struct tally *t)
{
	for (uint32_t i = 0; i < t->nbucket; i++)
		t->bucket[i] = -1;
	for (uint32_t i = 0; i < t->n; i++) {
		uint32_t b = t->e[i].hash & (t->nbucket - 1);

		t->e[i].next = t->bucket[b];
		t->bucket[b] = (int32_t)i;
	}
}

/* Room for one more entry below @max: 0, or -ENOMEM. */
static int grow(struct tally *t)
{
	uint32_t alloc = t->alloc ? t->alloc * 2 : 8, nb;
	struct tally_ent *e;
	int32_t *b;

	if (alloc > t->max)
		alloc = t->max;
	for (nb = 16; nb < alloc * 2; nb *= 2)
		;
	e = realloc(t->e, alloc * sizeof(*e));
	if (!e)
		return -ENOMEM;
	t->e = e;
	t->alloc = alloc;
	if (nb != t->nbucket) {
		b = realloc(t->bucket, nb * sizeof(*b));
		if (!b)
			return -ENOMEM;
		t->bucket = b;
		t->nbucket = nb;
		rehash(t);
	}
	return 0;
}

static int by_count_asc(const void *a, const void *b)
{
	const struct tally_ent *x = a, *y = b;

	return x->n < y->n ? -1 : x->n > y->n;
}

static void fold_ent(struct tally *t, struct tally_ent *e)
{
	t->folded += e->n;
	for (int k = 0; k < TALLY_SUB; k++)
		t->folded_sub[k] += e->sub[k];
	t->folded_ents++;
	if (t->on_fold)
		t->on_fold(e, t->fold_ctx);
	free(e->key);
}

/* The table is full: the less frequent half goes, its counts kept in
 * folded. Sorting moves entries, so the chains are rebuilt. */
static void fold_half(struct tally *t)
{
	uint32_t drop = t->n / 2 ? t->n / 2 : t->n;

	qsort(t->e, t->n, sizeof(*t->e), by_count_asc);
	for (uint32_t i = 0; i < drop; i++)
		fold_ent(t, &t->e[i]);
	memmove(t->e, t->e + drop, (t->n - drop) * sizeof(*t->e));
	t->n -= drop;
	rehash(t);
}

void tally_fold_prefix(struct tally *t, const char *prefix, size_t len)
{
	uint32_t k = 0;

	for (uint32_t i = 0; i < t->n; i++) {
		if (t->e[i].len >= len && !memcmp(t->e[i].key, prefix, len))
			fold_ent(t, &t->e[i]);
		else
			t->e[k++] = t->e[i];
	}
	if (k != t->n) {
		t->n = k;
		rehash(t);
	}
}

struct tally_ent *tally_find(const struct tally *t, const char *key, size_t len)
{
	uint32_t h = hash_of(key, len);

	if (!t->nbucket)
		return NULL;
	for (int32_t i = t->bucket[h & (t->nbucket - 1)]; i >= 0; i = t->e[i].next) {
		const struct tally_ent *e = &t->e[i];

		if (e->hash == h && e->len == len && !memcmp(e->key, key, len))
			return (struct tally_ent *)e;
	}
	return NULL;
}

struct tally_ent *tally_add(struct tally *t, const char *key, size_t len, uint64_t n)
{
	struct tally_ent *e = tally_find(t, key, len);
	uint32_t b;

	t->total += n;
	if (e) {
		e->n += n;
		return e;
	}
	if (t->n == t->max)
		fold_half(t);
	if (t->n == t->alloc && grow(t))
		goto no_mem;
	e = &t->e[t->n];
	*e = (struct tally_ent){ .len = (uint32_t)len, .hash = hash_of(key, len), .n = n };
	e->key = malloc(len ? len : 1);
	if (!e->key)
		goto no_mem;
	memcpy(e->key, key, len);
	b = e->hash & (t->nbucket - 1);
	e->next = t->bucket[b];
	t->bucket[b] = (int32_t)t->n++;
	return e;
no_mem:
	t->folded += n;
	t->folded_ents++;
	return NULL;
}

static int by_count_desc(const void *a, const void *b)
{
	const struct tally_ent *x = *(const struct tally_ent *const *)a;
	const struct tally_ent *y = *(const struct tally_ent *const *)b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	c = memcmp(x->key, y->key, n);
	return c ? c : (x->len > y->len) - (x->len < y->len);
}

struct tally_ent **tally_sorted(const struct tally *t)
{
	struct tally_ent **v;

	if (!t->n)
		return NULL;
	v = malloc(t->n * sizeof(*v));
	if (!v)
		return NULL;
	for (uint32_t i = 0; i < t->n; i++)
		v[i] = &t->e[i];
	qsort(v, t->n, sizeof(*v), by_count_desc);
	return v;
}

const char *tally_part(const struct tally_ent *e, int i)
{
	size_t off = 0;

	for (; i > 0 && off < e->len; i--)
		off += strlen(e->key + off) + 1;
	return off < e->len ? e->key + off : "";
}

int tally_nparts(const struct tally_ent *e)
{
	int n = 0;

	for (size_t off = 0; off < e->len; off += strlen(e->key + off) + 1)
		n++;
	return n;
}
