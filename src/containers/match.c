// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* --container NAME|ID: the one definition of "this container answers to". */
#include <stdlib.h>
#include <string.h>

#include "containers/internal.h"

#define CT_MIN_PREFIX 4

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

bool container_complete(const struct container *c)
{
	bool imageless = !strcmp(c->runtime, "runc") || !strcmp(c->runtime, "crun");

	return c->name[0] && c->init_pid && (c->image[0] || imageless);
}

size_t containers__count_matching(struct containers *cs, const char *want)
{
	struct container **v;
	size_t n, k = 0;

	if (containers__list(cs, &v, &n))
		return 0;
	for (size_t i = 0; i < n; i++)
		k += container_matches(v[i], want);
	free(v);
	return k;
}
