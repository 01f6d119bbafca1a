// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Lookups for the command line: list running containers, match one by name or id. */
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

bool container_matches(const struct container *c, const char *want)
{
	size_t n;

	if (!c || !want || !*want)
		return false;
	if (c->name[0] && !strcmp(c->name, want))
		return true;
	n = strlen(want);
	return c->id[0] && n >= CT_MIN_PREFIX && !strncmp(c->id, want, n);
}

size_t containers__count_matching(struct containers *cs, const char *want)
{
	size_t i, n = 0;

	pthread_mutex_lock(&cs->lock);
	for (i = 0; i < cs->ncur; i++)
		n += container_matches(cs->cur[i], want);
	pthread_mutex_unlock(&cs->lock);
	return n;
}
