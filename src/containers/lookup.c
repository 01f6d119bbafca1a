// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Lookups for the command line: list running containers, find one by name or id. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "containers/internal.h"

#define CT_MIN_PREFIX 4

static int cmp_name(const void *a, const void *b)
{
	const struct container *x = *(const struct container *const *)a;
	const struct container *y = *(const struct container *const *)b;
	int r = strcmp(x->name, y->name);

	return r ? r : strcmp(x->id, y->id);
}

int containers__list(struct containers *cs, const struct container ***out, size_t *n)
{
	const struct container **v;
	size_t i, k = 0;

	pthread_mutex_lock(&cs->lock);
	v = calloc(cs->ncur ? cs->ncur : 1, sizeof(*v));
	if (!v) {
		pthread_mutex_unlock(&cs->lock);
		return -ENOMEM;
	}
	for (i = 0; i < cs->ncur; i++) {
		if (cs->cur[i]->running)
			v[k++] = cs->cur[i];
	}
	pthread_mutex_unlock(&cs->lock);
	qsort(v, k, sizeof(*v), cmp_name);
	*out = v;
	*n = k;
	return 0;
}

static bool is_hex(const char *s)
{
	for (; *s; s++) {
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	}
	return true;
}

/*
 * Like docker: an exact id, then an exact name (a running container before
 * a stopped one of the same name), then an id prefix of at least 4 hex
 * digits that matches exactly one container.
 */
static const struct container *find_locked(struct containers *cs, const char *s)
{
	const struct container *name = NULL, *prefix = NULL, *c;
	size_t i, len = strlen(s), nprefix = 0;
	bool hex = len >= CT_MIN_PREFIX && len <= CONTAINER_ID_LEN && is_hex(s);

	for (i = 0; i < cs->ncur; i++) {
		c = cs->cur[i];
		if (!strcmp(c->id, s))
			return c;
		if (c->name[0] && !strcmp(c->name, s) && (!name || c->running))
			name = c;
		if (hex && !strncmp(c->id, s, len)) {
			prefix = c;
			nprefix++;
		}
	}
	if (name)
		return name;
	return nprefix == 1 ? prefix : NULL;
}

const struct container *containers__find(struct containers *cs, const char *name_or_id)
{
	const struct container *c;

	if (!name_or_id || !*name_or_id)
		return NULL;
	pthread_mutex_lock(&cs->lock);
	c = find_locked(cs, name_or_id);
	pthread_mutex_unlock(&cs->lock);
	return c;
}
