// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Names of the lists, macros and rules registered while loading. */
#include <string.h>
#include "rules_loader.h"

struct rlist *loader_list(struct loader *L, const char *name)
{
	for (size_t i = 0; i < L->n_lists; i++) {
		if (!strcmp(L->lists[i].name, name))
			return &L->lists[i];
	}
	return NULL;
}

struct rmacro *loader_macro(struct loader *L, const char *name)
{
	for (size_t i = 0; i < L->n_macros; i++) {
		if (!strcmp(L->macros[i].name, name))
			return &L->macros[i];
	}
	return NULL;
}

struct pending *loader_rule(struct loader *L, const char *name)
{
	for (size_t i = 0; i < L->n_rules; i++) {
		if (!strcmp(L->rules[i].name, name))
			return &L->rules[i];
	}
	return NULL;
}
