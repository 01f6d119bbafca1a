// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Noise control: an alert identical to one printed within the last
 * alert_window seconds (same container, rule, rendered message: the rule's
 * key fields) is not printed again but counted; when the window closes (or
 * the container ends, or cactus stops) one "alert_repeat" record carries the
 * count, so no occurrence is lost. Bounded: past FOLD_MAX alerts held, the
 * oldest is told at once.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "monitor/fold.h"

#define FOLD_MAX 1024
#define FOLD_BUCKETS 1024

struct fold_ent {
	struct fold_ent *next;          /* bucket chain */
	struct fold_ent *older, *newer; /* age list */
	uint64_t hash;
	int64_t window_end_ms;
	int64_t first_ns, last_ns;      /* CLOCK_REALTIME of the first repeat, the last */
	uint64_t count;                 /* repeats not printed */
	struct container c;             /* as it was (it may end before the window) */
	bool has_c;
	char rule[128], priority[16], message[512];
};

struct fold {
	unsigned int window_s;
	fold_emit_fn emit;
	void *ctx;
	struct fold_ent *bucket[FOLD_BUCKETS];
	struct fold_ent *oldest, *newest;
	size_t n;
};

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* FNV-1a over the identity of an alert. */
static uint64_t hash_str(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return (h ^ 0xff) * 0x100000001b3ULL;
}

static uint64_t alert_hash(const struct container *c, const struct alert *a)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	h = hash_str(h, c ? c->id : "");
	h = hash_str(h, a->rule);
	return hash_str(h, a->message);
}

static bool same(const struct fold_ent *f, const struct container *c, const struct alert *a)
{
	return !strcmp(f->rule, a->rule) && !strcmp(f->message, a->message) &&
	       f->has_c == !!c && (!c || !strcmp(f->c.id, c->id));
}

static void unlink_ent(struct fold *fd, struct fold_ent *f)
{
	struct fold_ent **p = &fd->bucket[f->hash % FOLD_BUCKETS];

	while (*p != f)
		p = &(*p)->next;
	*p = f->next;
	if (f->older)
		f->older->newer = f->newer;
	else
		fd->oldest = f->newer;
	if (f->newer)
		f->newer->older = f->older;
	else
		fd->newest = f->older;
	fd->n--;
}

/* Its repeats go out (if any), and it is forgotten. */
static void tell(struct fold *fd, struct fold_ent *f)
{
	char t0[48], t1[48];

	unlink_ent(fd, f);
	if (f->count) {
		struct repeat_view r = {
			.c = f->has_c ? &f->c : NULL, .rule = f->rule, .priority = f->priority,
			.message = f->message, .count = f->count, .time = t1, .time_first = t0,
		};

		format_rfc3339(f->first_ns, t0, sizeof(t0));
		format_rfc3339(f->last_ns, t1, sizeof(t1));
		fd->emit(fd->ctx, &r);
	}
	free(f);
}

bool fold_alert(struct fold *fd, const struct container *c, const struct alert *a,
		int64_t real_ns)
{
	uint64_t h;
	struct fold_ent *f;

	if (!fd || !fd->window_s)
		return false;
	h = alert_hash(c, a);
	for (f = fd->bucket[h % FOLD_BUCKETS]; f; f = f->next) {
		if (f->hash == h && same(f, c, a)) {
			if (!f->count)
				f->first_ns = real_ns;
			f->last_ns = real_ns;
			f->count++;
			return true;
		}
	}
	if (fd->n == FOLD_MAX)
		tell(fd, fd->oldest);
	f = calloc(1, sizeof(*f));
	if (!f)
		return false;
	f->hash = h;
	f->window_end_ms = mono_ms() + (int64_t)fd->window_s * 1000;
	if (c) {
		f->c = *c;
		f->has_c = true;
	}
	snprintf(f->rule, sizeof(f->rule), "%s", a->rule);
	snprintf(f->priority, sizeof(f->priority), "%s", a->priority);
	snprintf(f->message, sizeof(f->message), "%s", a->message);
	f->next = fd->bucket[h % FOLD_BUCKETS];
	fd->bucket[h % FOLD_BUCKETS] = f;
	f->older = fd->newest;
	if (fd->newest)
		fd->newest->newer = f;
	else
		fd->oldest = f;
	fd->newest = f;
	fd->n++;
	return false;
}

void fold_flush(struct fold *fd, bool all, const struct container *only)
{
	int64_t now = mono_ms();
	struct fold_ent *f, *next;

	if (!fd)
		return;
	for (f = fd->oldest; f; f = next) {
		next = f->newer;
		if (all || (only && f->has_c && !strcmp(f->c.id, only->id)) ||
		    (!only && now >= f->window_end_ms))
			tell(fd, f);
	}
}

struct fold *fold_new(unsigned int window_s, fold_emit_fn emit, void *ctx)
{
	struct fold *fd = calloc(1, sizeof(*fd));

	if (fd) {
		fd->window_s = window_s;
		fd->emit = emit;
		fd->ctx = ctx;
	}
	return fd;
}

void fold_free(struct fold *fd)
{
	struct fold_ent *f, *next;

	if (!fd)
		return;
	for (f = fd->oldest; f; f = next) {
		next = f->newer;
		free(f);
	}
	free(fd);
}
