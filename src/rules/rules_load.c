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
#include <strings.h>
#include <sys/stat.h>
#include "rules_loader.h"


#define DEFAULT_OUTPUT "%rule: %syscall by %comm (pid %pid) in %container_name"

/* Grows *v (of *cap elements of @size) to hold n + 1. */
static int grow(void *v, size_t *cap, size_t n, size_t size)
{
	void **pv = v;
	size_t ncap = *cap ? *cap * 2 : 16;
	void *nv;

	if (n < *cap)
		return 0;
	nv = realloc(*pv, ncap * size);
	if (!nv)
		return -ENOMEM;
	*pv = nv;
	*cap = ncap;
	return 0;
}

static yaml_node_t *ymap_get(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
	ymap_for_each(map, p) {
		const char *k = yscalar(yaml_document_get_node(doc, p->key));

		if (k && !strcmp(k, key))
			return yaml_document_get_node(doc, p->value);
	}
	return NULL;
}

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
	if (grow(&L->lists, &L->cap_lists, L->n_lists, sizeof(l)))
		return;
	L->lists[L->n_lists++] = l;
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
	if (grow(&L->macros, &L->cap_macros, L->n_macros, sizeof(m)))
		return;
	L->macros[L->n_macros++] = m;
}

static void add_rule(const struct ysrc *src, yaml_node_t *item, yaml_node_t *name_node)
{
	struct loader *L = src->L;
	const char *name = item_name(src, name_node, "rule");
	struct pending *old = name ? loader_rule(L, name) : NULL;

	if (!name)
		return;
	if (old) {
		yerr(src, name_node, "duplicate rule name '%s' (first defined at %s:%d)", name,
		     old->file, old->line);
		return;
	}
	if (grow(&L->rules, &L->cap_rules, L->n_rules, sizeof(*L->rules)))
		return;
	L->rules[L->n_rules++] = (struct pending){ name, yline(name_node), src->file,
						   src->doc, item };
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

static void load_doc(struct loader *L, const char *file, yaml_document_t *doc)
{
	struct ysrc src = { .L = L, .file = file, .doc = doc };
	yaml_node_t *root = yaml_document_get_root_node(doc);

	if (root->type == YAML_SCALAR_NODE && !*yscalar(root))
		return; /* an empty document */
	if (root->type != YAML_SEQUENCE_NODE) {
		yerr(&src, root, "the top level must be a list of rule, macro and list items");
		return;
	}
	yseq_for_each(root, it)
		load_item(&src, yaml_document_get_node(doc, *it));
}

static void yaml_error(struct loader *L, const char *file, const yaml_parser_t *p)
{
	const yaml_mark_t *mark = p->problem ? &p->problem_mark : &p->context_mark;

	rule_err(L->errs, file, (int)mark->line + 1, "YAML: %s%s%s",
		 p->problem ? p->problem : "syntax error", p->context ? " " : "",
		 p->context ? p->context : "");
}

/* Parses every document of @f; returns when the stream ends or is broken. */
static void parse_stream(struct loader *L, const char *file, FILE *f)
{
	yaml_parser_t parser;

	if (!yaml_parser_initialize(&parser)) {
		rule_err(L->errs, file, 0, "out of memory");
		return;
	}
	yaml_parser_set_input_file(&parser, f);
	for (;;) {
		struct ydoc *d = calloc(1, sizeof(*d));

		if (!d) {
			rule_err(L->errs, file, 0, "out of memory");
			break;
		}
		if (!yaml_parser_load(&parser, &d->doc)) {
			yaml_error(L, file, &parser);
			free(d);
			break;
		}
		if (!yaml_document_get_root_node(&d->doc)) {
			yaml_document_delete(&d->doc);
			free(d);
			break;
		}
		d->next = L->docs;
		L->docs = d;
		load_doc(L, file, &d->doc);
	}
	yaml_parser_delete(&parser);
}

static void load_file(struct loader *L, const char *path)
{
	const char *file = ar_strdup(&L->rs->ar, path);
	FILE *f = fopen(path, "r");

	if (file && !grow(&L->files, &L->cap_files, L->n_files, sizeof(*L->files)))
		L->files[L->n_files++] = file;

	if (!file || !f) {
		rule_err(L->errs, path, 0, "cannot open: %s", strerror(errno));
		if (f)
			fclose(f);
		return;
	}
	parse_stream(L, file, f);
	fclose(f);
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

/* ---- pass 2: rules ---- */

static const char *rule_text(const struct ysrc *src, yaml_node_t *v, const char *key)
{
	const char *s = yscalar(v);

	if (!s) {
		yerr(src, v, "'%s' must be a string", key);
		return NULL;
	}
	return ar_strdup(&src->L->rs->ar, s);
}

static int rule_enum(const struct ysrc *src, yaml_node_t *v, const char *what,
		     int (*parse)(const char *))
{
	int i = yscalar(v) ? parse(yscalar(v)) : -1;

	if (i < 0)
		yerr(src, v, "bad %s '%s'", what, yscalar(v) ? yscalar(v) : "");
	return i;
}

static int rule_excepts(const struct ysrc *src, yaml_node_t *v, struct rule *r)
{
	size_t n;
	int rc = 0;

	if (v->type != YAML_SEQUENCE_NODE) {
		yerr(src, v, "'except' must be a list of match blocks");
		return -EINVAL;
	}
	n = v->data.sequence.items.top - v->data.sequence.items.start;
	r->exc = ar_alloc(&src->L->rs->ar, (n ? n : 1) * sizeof(*r->exc));
	if (!r->exc)
		return -ENOMEM;
	yseq_for_each(v, it) {
		if (compile_match(src, yaml_document_get_node(src->doc, *it), &r->exc[r->n_exc++]))
			rc = -EINVAL;
	}
	return rc;
}

static int rule_key(const struct ysrc *src, const char *k, yaml_node_t *v, struct rule *r)
{
	int i;

	if (!strcmp(k, "rule"))
		return 0;
	if (!strcmp(k, "description"))
		return (r->description = rule_text(src, v, k)) ? 0 : -EINVAL;
	if (!strcmp(k, "output"))
		return (r->output = rule_text(src, v, k)) ? 0 : -EINVAL;
	if (!strcmp(k, "match"))
		return compile_match(src, v, &r->m);
	if (!strcmp(k, "except"))
		return rule_excepts(src, v, r);
	if (!strcmp(k, "priority")) {
		i = rule_enum(src, v, "priority (critical, high, medium, low, info)",
			      rule_priority_parse);
		r->priority = i < 0 ? PRIO_MEDIUM : i;
		return i < 0 ? -EINVAL : 0;
	}
	if (!strcmp(k, "action")) {
		i = rule_enum(src, v, "action (alert, kill, deny)", rule_action_parse);
		r->action = i < 0 ? ACT_ALERT : i;
		r->action_line = yline(v);
		return i < 0 ? -EINVAL : 0;
	}
	return -ENOENT;
}

static int rule_keys(const struct ysrc *src, yaml_node_t *item, struct rule *r)
{
	int rc = 0;

	ymap_for_each(item, p) {
		yaml_node_t *k = yaml_document_get_node(src->doc, p->key);
		const char *ks = yscalar(k) ? yscalar(k) : "";
		int err = rule_key(src, ks, yaml_document_get_node(src->doc, p->value), r);

		if (err == -ENOENT)
			yerr(src, k, "unknown key '%s' in rule '%s'", ks, r->name);
		if (err)
			rc = err;
	}
	return rc;
}

static int check_kernel(const struct ysrc *src, struct rule *r)
{
	struct kernel_spec *ks;
	char why[200];
	int rc;

	if (r->action == ACT_ALERT)
		return 0;
	ks = malloc(sizeof(*ks));
	if (!ks)
		return -ENOMEM;
	rc = rules__kernel_spec(r, ks, why, sizeof(why));
	free(ks);
	if (rc)
		rule_err(src->L->errs, src->file, r->action_line,
			 "rule '%s': action %s needs a match the kernel can evaluate: %s",
			 r->name, rule_action_name(r->action), why);
	return rc;
}

static int add_to_set(struct loader *L, struct rule *r)
{
	struct rule_set *rs = L->rs;

	if (grow(&rs->r, &L->cap_set, rs->n, sizeof(*rs->r)))
		return -ENOMEM;
	rs->r[rs->n++] = r;
	return 0;
}

static void compile_rule(struct loader *L, const struct pending *p)
{
	struct ysrc src = { .L = L, .file = p->file, .doc = p->doc };
	yaml_node_t *name = ymap_get(p->doc, p->node, "rule");
	struct rule *r = ar_alloc(&L->rs->ar, sizeof(*r));

	if (!r) {
		yerr(&src, p->node, "out of memory");
		return;
	}
	r->name = ar_strdup(&L->rs->ar, yscalar(name));
	r->file = p->file;
	r->line = yline(name);
	r->action_line = r->line;
	r->priority = PRIO_MEDIUM;
	r->description = "";
	r->output = DEFAULT_OUTPUT;
	if (!r->name)
		return;
	if (!ymap_get(p->doc, p->node, "match")) {
		yerr(&src, name, "rule '%s' has no match", r->name);
		return;
	}
	if (rule_keys(&src, p->node, r) || check_kernel(&src, r))
		return;
	if (add_to_set(L, r))
		yerr(&src, name, "out of memory");
}

static void loader_compile(struct loader *L)
{
	/* every macro, used or not, so that its errors are reported */
	for (size_t i = 0; i < L->n_macros; i++)
		compile_macro(L, &L->macros[i]);
	for (size_t i = 0; i < L->n_rules; i++)
		compile_rule(L, &L->rules[i]);
}

static size_t file_rank(const struct loader *L, const char *file)
{
	for (size_t i = 0; i < L->n_files; i++) {
		if (!strcmp(L->files[i], file))
			return i;
	}
	return L->n_files;
}

static bool err_before(const struct loader *L, const struct rule_error *a,
		       const struct rule_error *b)
{
	size_t ra = file_rank(L, a->file), rb = file_rank(L, b->file);

	return ra < rb || (ra == rb && a->line < b->line);
}

/* Errors of one load in file order, then line order (stable). */
static void sort_errors(const struct loader *L, size_t start)
{
	struct rule_error *v = L->errs->v, tmp;

	for (size_t i = start + 1; i < L->errs->n; i++) {
		size_t j = i;

		tmp = v[i];
		for (; j > start && err_before(L, &tmp, &v[j - 1]); j--)
			v[j] = v[j - 1];
		v[j] = tmp;
	}
}

static void loader_free(struct loader *L)
{
	while (L->docs) {
		struct ydoc *d = L->docs;

		L->docs = d->next;
		yaml_document_delete(&d->doc);
		free(d);
	}
	free(L->files);
	free(L->lists);
	free(L->macros);
	free(L->rules);
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
	sort_errors(&L, start);
	loader_free(&L);
	failed = L.errs->n != start;
	rule_errors_free(&local);
	if (!failed && rules_index(L.rs)) {
		rules__free(L.rs);
		return NULL;
	}
	if (failed) {
		rules__free(L.rs);
		return NULL;
	}
	return L.rs;
}
