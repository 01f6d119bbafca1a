// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Names of the lists, macros and rules registered while loading: arrays in
 * registration order, each with a hash map from name to index, so that
 * 100,000 rules are registered and looked up in linear time.
 */
#include <errno.h>
#include <stdlib.h>
#include "rules_loader.h"

struct rlist *loader_list(struct loader *L, const char *name)
{
	size_t i;

	return strmap_get(&L->list_names, name, &i) ? &L->lists[i] : NULL;
}

struct rmacro *loader_macro(struct loader *L, const char *name)
{
	size_t i;

	return strmap_get(&L->macro_names, name, &i) ? &L->macros[i] : NULL;
}

struct pending *loader_rule(struct loader *L, const char *name)
{
	size_t i;

	return strmap_get(&L->rule_names, name, &i) ? &L->rules[i] : NULL;
}

/* Room for one more item of any kind, within RULES_MAX_ITEMS. */
static int item_room(struct loader *L, const struct ysrc *src, int line)
{
	if (L->n_lists + L->n_macros + L->n_rules < RULES_MAX_ITEMS)
		return 0;
	if (!L->full)
		rule_err(L->errs, src->file, line,
			 "more than %d rules, lists and macros (the limit of one load)",
			 RULES_MAX_ITEMS);
	L->full = true;
	return -E2BIG;
}

/* Appends @item (of @size) to *v and maps @name to its index. */
static int add_named(void *v, size_t *n, size_t *cap, size_t size, const void *item,
		     struct strmap *names, const char *name)
{
	char **pv = v;

	if (grow_array(v, cap, *n, size) || strmap_put(names, name, *n))
		return -ENOMEM;
	memcpy(*pv + *n * size, item, size);
	(*n)++;
	return 0;
}

int loader_add_list(struct loader *L, const struct ysrc *src, const struct rlist *l)
{
	int err = item_room(L, src, l->line);

	return err ? err : add_named(&L->lists, &L->n_lists, &L->cap_lists, sizeof(*l), l,
				     &L->list_names, l->name);
}

int loader_add_macro(struct loader *L, const struct ysrc *src, const struct rmacro *m)
{
	int err = item_room(L, src, m->line);

	return err ? err : add_named(&L->macros, &L->n_macros, &L->cap_macros, sizeof(*m), m,
				     &L->macro_names, m->name);
}

int loader_add_rule(struct loader *L, const struct ysrc *src, const struct pending *p)
{
	int err = item_room(L, src, p->line);

	return err ? err : add_named(&L->rules, &L->n_rules, &L->cap_rules, sizeof(*p), p,
				     &L->rule_names, p->name);
}

void loader_symtab_free(struct loader *L)
{
	free(L->lists);
	free(L->macros);
	free(L->rules);
	strmap_free(&L->list_names);
	strmap_free(&L->macro_names);
	strmap_free(&L->rule_names);
}
