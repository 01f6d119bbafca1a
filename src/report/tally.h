/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A bounded table of counted keys: what `cactus report` keeps per container
 * for each of its lists (programs, directories, files, endpoints, ...).
 *
 * A key is a byte string of parts, each ending in '\0' ("AF_INET\0" "1.2.3.4\0"
 * "80\0"). The table holds at most @max entries, so memory grows with the
 * caps, not with the lines read: when it is full and a new key comes, the
 * less frequent half of it is folded (its entries dropped, their counts
 * added to `folded`), so the busy keys stay and keep exact counts. Nothing
 * is lost: the entries' counts plus `folded` is every occurrence added.
 */
#ifndef CACTUS_REPORT_TALLY_H
#define CACTUS_REPORT_TALLY_H

#include <stddef.h>
#include <stdint.h>

/* per-entry sub-counts (file actions, failed connects, listens) */
#define TALLY_SUB 6

struct tally_ent {
	char *key;               /* parts, each ending in '\0' */
	uint32_t len;            /* bytes of key, its last '\0' included */
	uint32_t hash;
	int32_t next;            /* the next entry of its bucket, -1 */
	uint64_t n;              /* occurrences */
	uint64_t sub[TALLY_SUB]; /* the caller's, folded with the entry */
};

struct tally;
/* Called for each entry a full table folds away (before its key is freed). */
typedef void (*tally_fold_fn)(const struct tally_ent *e, void *ctx);

struct tally {
	struct tally_ent *e;
	int32_t *bucket;
	uint32_t n, alloc, max, nbucket;
	uint64_t total;                  /* every occurrence added */
	uint64_t folded;                 /* occurrences of the entries folded */
	uint64_t folded_sub[TALLY_SUB];
	uint64_t folded_ents;            /* entries folded (a key may come back) */
	tally_fold_fn on_fold;           /* optional */
	void *fold_ctx;
};

void tally_init(struct tally *t, uint32_t max);
void tally_free(struct tally *t);
/* Counts @n occurrences of the key; its entry (valid until the next add),
 * or NULL when memory ran out (the occurrences are then counted folded). */
struct tally_ent *tally_add(struct tally *t, const char *key, size_t len, uint64_t n);
struct tally_ent *tally_find(const struct tally *t, const char *key, size_t len);
/* Folds every entry whose key starts with the @len bytes of @prefix. */
void tally_fold_prefix(struct tally *t, const char *prefix, size_t len);

/* Adds @n to sub-count @k of @e (as returned by tally_add: NULL counts it
 * folded). */
static inline void tally_sub(struct tally *t, struct tally_ent *e, int k, uint64_t n)
{
	if (e)
		e->sub[k] += n;
	else
		t->folded_sub[k] += n;
}

/* The entries by count, most first (ties by key): a malloc'ed array of
 * t->n pointers (NULL when empty or out of memory). */
struct tally_ent **tally_sorted(const struct tally *t);

/* The @i-th part of @e's key ("" past the last). */
const char *tally_part(const struct tally_ent *e, int i);
int tally_nparts(const struct tally_ent *e);

/* A key being built: parts appended with their '\0'; a part that does not
 * fit is cut (a key never exceeds KEY_MAX bytes). */
#define KEY_MAX 2048

struct key {
	size_t len;
	char b[KEY_MAX];
};

static inline void key_reset(struct key *k)
{
	k->len = 0;
}

void key_add(struct key *k, const char *part);

#endif
