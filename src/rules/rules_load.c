// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Loading rule files. Pass 1 parses every file and registers its lists,
 * macros and rules by name; pass 2 compiles macros and rules, so a name may
 * be used in a file read before the one that defines it.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "rules_loader.h"


/* Reports keys of @item not in @known (NULL terminated). */
static int check_keys(const struct ysrc *src, yaml_node_t *item, const char *const *known,
		      const char *what, const char *name)
{
	int rc = 0;

	ymap_for_each(item, p) {
		yaml_node_t *k = yaml_document_get_node(src->doc, p->key);
		const char *ks = yscalar(k) ? yscalar(k) : "";
		const char *const *kn = known;

		while (*kn && strcmp(*kn, ks))
			kn++;
		if (!*kn) {
			yerr(src, k, "unknown key '%s' in %s '%s'", ks, what, name);
			rc = -EINVAL;
		}
	}
	return rc;
}

/* The item's name: a non-empty scalar. */
static const char *item_name(const struct ysrc *src, yaml_node_t *node, const char *what)
{
	const char *name = yscalar(node);

	if (!name || !*name) {
		yerr(src, node, "%s without name", what);
		return NULL;
	}
	return name;
}

static int list_items(const struct ysrc *src, yaml_node_t *items, struct rlist *l)
{
	struct arena *ar = &src->L->rs->ar;
	size_t n;

	if (!items || items->type != YAML_SEQUENCE_NODE) {
		rule_err(src->L->errs, src->file, l->line, "list '%s' needs 'items', a list",
			 l->name);
		return -EINVAL;
	}
	n = items->data.sequence.items.top - items->data.sequence.items.start;
	if (n > RULES_MAX_LIST_ITEMS) {
		rule_err(src->L->errs, src->file, l->line, "list '%s' has more than %d items",
			 l->name, RULES_MAX_LIST_ITEMS);
		return -EINVAL;
	}
	l->items = ar_alloc(ar, (n ? n : 1) * sizeof(*l->items));
	l->lines = ar_alloc(ar, (n ? n : 1) * sizeof(*l->lines));
	if (!l->items || !l->lines)
		return -ENOMEM;
	yseq_for_each(items, it) {
		yaml_node_t *item = yaml_document_get_node(src->doc, *it);

		if (!yscalar(item)) {
			yerr(src, item, "list '%s': items must be values", l->name);
			return -EINVAL;
		}
		l->items[l->n] = yscalar(item);
		l->lines[l->n++] = yline(item);
	}
	return 0;
}

static void add_list(const struct ysrc *src, yaml_node_t *item, yaml_node_t *name_node)
{
	static const char *const keys[] = { "list", "items", "description", NULL };
	struct loader *L = src->L;
	const char *name = item_name(src, name_node, "list");
	struct rlist l = { .name = name, .file = src->file, .line = yline(name_node) };
	struct rlist *old;

	if (check_keys(src, item, keys, "list", name ? name : "") || !name)
		return;
	old = loader_list(L, name);
	if (old) {
		yerr(src, name_node, "duplicate list name '%s' (first defined at %s:%d)", name,
		     old->file, old->line);
		return;
	}
	if (list_items(src, ymap_get(src->doc, item, "items"), &l))
		return;
	if (loader_add_list(L, src, &l) == -ENOMEM)
		yerr(src, name_node, "out of memory");
}

static void add_macro(const struct ysrc *src, yaml_node_t *item, yaml_node_t *name_node)
{
	static const char *const keys[] = { "macro", "match", "description", NULL };
	struct loader *L = src->L;
	const char *name = item_name(src, name_node, "macro");
	struct rmacro m = { .name = name, .file = src->file, .line = yline(name_node),
			    .doc = src->doc, .match = ymap_get(src->doc, item, "match") };
	struct rmacro *old;

	if (check_keys(src, item, keys, "macro", name ? name : "") || !name)
		return;
	old = loader_macro(L, name);
	if (old) {
		yerr(src, name_node, "duplicate macro name '%s' (first defined at %s:%d)", name,
		     old->file, old->line);
		return;
	}
	if (!m.match) {
		yerr(src, name_node, "macro '%s' has no match", name);
		return;
	}
	if (loader_add_macro(L, src, &m) == -ENOMEM)
		yerr(src, name_node, "out of memory");
}

static void add_rule(const struct ysrc *src, yaml_node_t *item, yaml_node_t *name_node)
{
	struct loader *L = src->L;
	const char *name = item_name(src, name_node, "rule");
	struct pending *old = name ? loader_rule(L, name) : NULL;
	struct pending p;

	if (!name)
		return;
	if (old) {
		yerr(src, name_node, "duplicate rule name '%s' (first defined at %s:%d)", name,
		     old->file, old->line);
		return;
	}
	p = (struct pending){ name, yline(name_node), src->file, src->doc, item };
	if (loader_add_rule(L, src, &p) == -ENOMEM)
		yerr(src, name_node, "out of memory");
}

/* An item with neither rule, macro nor list: say what is most likely wrong. */
static void bad_item(const struct ysrc *src, yaml_node_t *item)
{
	yaml_node_pair_t *first = item->data.mapping.pairs.start;
	yaml_node_t *k;

	if (ymap_get(src->doc, item, "match")) {
		yerr(src, item, "rule without name");
		return;
	}
	if (first == item->data.mapping.pairs.top) {
		yerr(src, item, "empty item: expected rule, macro or list");
		return;
	}
	k = yaml_document_get_node(src->doc, first->key);
	yerr(src, k, "unknown top-level key '%s' (expected rule, macro or list)",
	     yscalar(k) ? yscalar(k) : "");
}

static void load_item(const struct ysrc *src, yaml_node_t *item)
{
	yaml_node_t *r, *m, *l;

	if (item->type != YAML_MAPPING_NODE) {
		yerr(src, item, "expected a rule, macro or list item (a mapping)");
		return;
	}
	r = ymap_get(src->doc, item, "rule");
	m = ymap_get(src->doc, item, "macro");
	l = ymap_get(src->doc, item, "list");
	if (!!r + !!m + !!l > 1)
		yerr(src, item, "an item is one of rule, macro or list, not several");
	else if (r)
		add_rule(src, item, r);
	else if (m)
		add_macro(src, item, m);
	else if (l)
		add_list(src, item, l);
	else
		bad_item(src, item);
}

/* The items of one document; returns how many there were. */
static size_t load_doc(struct loader *L, const char *file, yaml_document_t *doc)
{
	struct ysrc src = { .L = L, .file = file, .doc = doc };
	yaml_node_t *root = yaml_document_get_root_node(doc);

	if (root->type == YAML_SCALAR_NODE && !*yscalar(root))
		return 0; /* an empty document */
	if (root->type != YAML_SEQUENCE_NODE) {
		yerr(&src, root, "the top level must be a list of rule, macro and list items");
		return 1;
	}
	yseq_for_each(root, it)
		load_item(&src, yaml_document_get_node(doc, *it));
	return (size_t)(root->data.sequence.items.top - root->data.sequence.items.start);
}

static void load_file(struct loader *L, const char *path)
{
	const char *file = ar_strdup(&L->rs->ar, path);
	struct ydoc *docs = NULL, **tail = &L->docs;
	size_t items = 0;
	int err;

	if (!file || grow_array(&L->files, &L->cap_files, L->n_files, sizeof(*L->files)) ||
	    strmap_put(&L->file_rank, file, L->n_files)) {
		rule_err(L->errs, path, 0, "out of memory");
		return;
	}
	L->files[L->n_files++] = file;
	err = ryaml_read(file, L->errs, &L->n_nodes, &docs);
	while (*tail)
		tail = &(*tail)->next;
	*tail = docs; /* kept until the end: pending items point into them */
	/* documents before a broken one still count: their errors are reported */
	for (struct ydoc *d = docs; d; d = d->next)
		items += load_doc(L, file, &d->doc);
	/* an empty file is a mistake (a wrong path, a truncated copy), not "no rules" */
	if (!err && !items)
		rule_err(L->errs, file, 1, "no rules, lists or macros in the file");
}

static int yaml_name(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	if (d->d_name[0] == '.')
		return 0;
	return (n > 5 && !strcmp(d->d_name + n - 5, ".yaml")) ||
	       (n > 4 && !strcmp(d->d_name + n - 4, ".yml"));
}

static void load_dir(struct loader *L, const char *dir)
{
	struct dirent **names;
	int n = scandir(dir, &names, yaml_name, alphasort);
	char path[4096];

	if (n < 0) {
		rule_err(L->errs, dir, 0, "cannot read directory: %s", strerror(errno));
		return;
	}
	if (n == 0)
		rule_err(L->errs, dir, 0, "no rule files (*.yaml, *.yml) in the directory");
	for (int i = 0; i < n; i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name) <
		    sizeof(path))
			load_file(L, path);
		else
			rule_err(L->errs, dir, 0, "path too long: %s", names[i]->d_name);
		free(names[i]);
	}
	free(names);
}

static void load_path(struct loader *L, const char *path)
{
	struct stat st;

	if (!stat(path, &st) && S_ISDIR(st.st_mode))
		load_dir(L, path);
	else
		load_file(L, path);
}

static void loader_compile(struct loader *L)
{
	/* every macro, used or not, so that its errors are reported */
	for (size_t i = 0; i < L->n_macros; i++)
		compile_macro(L, &L->macros[i]);
	for (size_t i = 0; i < L->n_rules; i++)
		compile_rule(L, &L->rules[i]);
}

struct err_key {
	size_t rank;    /* the file's load order */
	size_t idx;     /* found order: keeps the sort stable */
	int line;
};

static int err_key_cmp(const void *a, const void *b)
{
	const struct err_key *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return (x->idx > y->idx) - (x->idx < y->idx);
}

/* Errors of one load in file order, then line order (stable). */
static void sort_errors(const struct loader *L, size_t start)
{
	size_t n = L->errs->n - start;
	struct err_key *keys = malloc((n ? n : 1) * sizeof(*keys));
	struct rule_error *v = L->errs->v + start, *sorted = malloc((n ? n : 1) * sizeof(*v));

	for (size_t i = 0; keys && sorted && i < n; i++) {
		keys[i] = (struct err_key){ .rank = L->n_files, .idx = i, .line = v[i].line };
		strmap_get(&L->file_rank, v[i].file, &keys[i].rank);
	}
	if (keys && sorted) { /* else: unsorted, but all there */
		qsort(keys, n, sizeof(*keys), err_key_cmp);
		for (size_t i = 0; i < n; i++)
			sorted[i] = v[keys[i].idx];
		memcpy(v, sorted, n * sizeof(*v));
	}
	free(keys);
	free(sorted);
}

static void loader_free(struct loader *L)
{
	ryaml_free(L->docs);
	free(L->files);
	strmap_free(&L->file_rank);
	loader_symtab_free(L);
}

struct rule_set *rules__load(const char *const *paths, size_t n, struct rule_errors *errs)
{
	struct rule_errors local = { 0 };
	struct loader L = { .errs = errs ? errs : &local };
	size_t start = L.errs->n;
	bool failed;

	L.rs = calloc(1, sizeof(*L.rs));
	if (!L.rs)
		return NULL;
	for (size_t i = 0; i < n; i++)
		load_path(&L, paths[i]);
	loader_compile(&L);
	if (L.errs->n == start && rules_index(L.rs))
		rule_err(L.errs, n ? paths[0] : "rules", 0, "out of memory indexing the rules");
	sort_errors(&L, start);
	rule_errors_close(L.errs);
	loader_free(&L);
	failed = L.errs->n != start;
	rule_errors_free(&local);
	if (failed) {
		rules__free(L.rs);
		return NULL;
	}
	return L.rs;
}
