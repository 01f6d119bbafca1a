// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The container filter: --container NAME|ID (repeatable), --k8s-namespace NS. */
#include <string.h>
#include "monitor/internal.h"

bool filter_passes(const struct monitor_opts *o, const struct container *c)
{
	bool ok = o->n_containers == 0;

	for (int i = 0; i < o->n_containers && !ok; i++)
		ok = container_matches(c, o->containers[i]);
	if (!ok)
		return false;
	return !o->k8s_namespace || (c && !strcmp(c->k8s_namespace, o->k8s_namespace));
}
