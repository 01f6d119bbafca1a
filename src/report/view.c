// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * What every format shows, computed one way: the containers in order, each
 * list sorted and cut at its cap with the rest counted ("N more"), the
 * files of a directory. The formats only lay these out.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "report/internal.h"

void shown_make(struct shown *s, const struct tally *t, size_t cap)
{
	*s = (struct shown){ .e = tally_sorted(t), .n = t->n };
	if (!s->e)
		s->n = 0;
	s->shown = s->n < cap ? s->n : cap;
	for (size_t i = s->shown; i < s->n; i++) {
		s->more_ents++;
		s->more_n += s->e[i]->n;
	}
	s->more_ents += t->folded_ents;
	s->more_n += t->folded;
	s->folded_n = t->folded;
}

void shown_free(struct shown *s)
{
	free(s->e);
	s->e = NULL;
}

static int by_events(const void *a, const void *b)
{
	const struct rctr *x = *(const struct rctr *const *)a, *y = *(const struct rctr *const *)b;

	if (x->events != y->events)
		return x->events > y->events ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

struct rctr **view_containers(const struct report *r)
{
	struct rctr **v = malloc((r->n ? r->n : 1) * sizeof(*v));

	if (!v)
		return NULL;
	memcpy(v, r->c, r->n * sizeof(*v));
	qsort(v, r->n, sizeof(*v), by_events);
	return v;
}

/* by directory, then count (most first), then name */
static int by_dir(const void *a, const void *b)
{
	const struct tally_ent *x = *(const struct tally_ent *const *)a;
	const struct tally_ent *y = *(const struct tally_ent *const *)b;
	int c = strcmp(x->key, y->key);

	if (c)
		return c;
	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(tally_part(x, 1), tally_part(y, 1));
}

struct tally_ent **view_files_by_dir(const struct tally *files)
{
	struct tally_ent **v;

	if (!files->n)
		return NULL;
	v = malloc(files->n * sizeof(*v));
	if (!v)
		return NULL;
	for (uint32_t i = 0; i < files->n; i++)
		v[i] = &files->e[i];
	qsort(v, files->n, sizeof(*v), by_dir);
	return v;
}

void view_dir_files(struct tally_ent **files, size_t n, const char *dir, size_t *lo, size_t *hi)
{
	size_t a = 0, b = n;

	while (a < b) {
		size_t m = a + (b - a) / 2;

		if (strcmp(files[m]->key, dir) < 0)
			a = m + 1;
		else
			b = m;
	}
	*lo = a;
	while (a < n && !strcmp(files[a]->key, dir))
		a++;
	*hi = a;
}

const char *file_act_name(enum file_act a)
{
	static const char *const names[FA_COUNT] = {
		[FA_READ] = "read", [FA_WRITE] = "write", [FA_CREATE] = "create",
		[FA_DELETE] = "delete", [FA_RENAME] = "rename", [FA_CHMOD] = "chmod",
	};

	return (unsigned)a < FA_COUNT ? names[a] : "?";
}

const char *ctr_label(const struct rctr *c)
{
	if (c->name && *c->name)
		return c->name;
	return *c->id ? c->id12 : "(no container)";
}

void utc_str(int64_t ns, char *buf, size_t len)
{
	time_t s = (time_t)(ns / 1000000000);
	struct tm tm;

	if (!ns || !gmtime_r(&s, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, len, "-");
}
