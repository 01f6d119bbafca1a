// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libyaml's document API gives every node its line; validation walks the
 * top-level mapping once and keeps going after an error so that one run of
 * `config check` reports every problem.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "cli/config.h"

struct config {
	struct config_entry *v;
	size_t n;
};

/* What a node being checked belongs to. */
struct ctx {
	const char *file;
	yaml_document_t *doc;
	struct config_errors *errs;
};

/* ---- errors ---- */

__attribute__((format(printf, 3, 4)))
static void add_error(struct ctx *x, int line, const char *fmt, ...)
{
	struct config_errors *e = x->errs;
	struct config_error *err;
	va_list ap;

	if (e->n == e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 8;
		struct config_error *v = realloc(e->v, cap * sizeof(*v));

		if (!v)
			return;
		e->v = v;
		e->cap = cap;
	}
	err = &e->v[e->n++];
	snprintf(err->file, sizeof(err->file), "%s", x->file);
	err->line = line;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}

void config_errors_free(struct config_errors *errs)
{
	free(errs->v);
	memset(errs, 0, sizeof(*errs));
}

void config_errors_print(const struct config_errors *errs)
{
	size_t i;

	for (i = 0; i < errs->n; i++) {
		if (errs->v[i].line)
			fprintf(stderr, "%s:%d: %s\n", errs->v[i].file, errs->v[i].line,
				errs->v[i].msg);
		else
			fprintf(stderr, "%s: %s\n", errs->v[i].file, errs->v[i].msg);
	}
}

/* ---- entries ---- */

static void entry_free(struct config_entry *e)
{
	size_t i;

	for (i = 0; i < e->n_values; i++)
		free(e->values[i]);
	free(e->values);
}

void config__free(struct config *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->n; i++)
		entry_free(&c->v[i]);
	free(c->v);
	free(c);
}

static int entry_add_value(struct config_entry *e, const char *s)
{
	char **v = realloc(e->values, (e->n_values + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	e->values = v;
	if (!(v[e->n_values] = strdup(s)))
		return -ENOMEM;
	e->n_values++;
	return 0;
}

size_t config__count(const struct config *c)
{
	return c->n;
}

const struct config_entry *config__get(const struct config *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (!strcmp(c->v[i].opt->name, name))
			return &c->v[i];
	return NULL;
}

/* ---- values ---- */

static int line_of(const yaml_node_t *n)
{
	return (int)n->start_mark.line + 1;
}

static const char *scalar(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

static bool is_plain(const yaml_node_t *n)
{
	return n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

/* `key:` with nothing after it, or ~ / null. */
static bool is_null(const yaml_node_t *n)
{
	const char *s = scalar(n);

	return is_plain(n) && (!*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
			       !strcmp(s, "NULL"));
}

static const char *type_name(const struct cli_option *k)
{
	static const char *const names[] = {
		[OPT_STRING] = "a string", [OPT_INT] = "an integer",
		[OPT_BOOL] = "true or false", [OPT_LIST] = "a list of strings",
		[OPT_ENUM] = "one of its names",
	};

	return names[k->type];
}

/* A scalar for a key of any type but list: false (and an error) if not. */
static bool check_scalar(struct ctx *x, const struct cli_option *k, const yaml_node_t *v)
{
	const char *s = scalar(v), *name;
	char names[160], *end;
	long long n;
	int i;

	switch (k->type) {
	case OPT_STRING:
	case OPT_LIST:
		return true;
	case OPT_BOOL:
		if (is_plain(v) && (!strcmp(s, "true") || !strcmp(s, "false")))
			return true;
		add_error(x, line_of(v), "%s: '%s' is not true or false", k->name, s);
		return false;
	case OPT_ENUM:
		for (i = 0; (name = k->names(i)); i++)
			if (!strcmp(s, name))
				return true;
		cli_option__names(k, names, sizeof(names));
		add_error(x, line_of(v), "%s: unknown value '%s' (%s)", k->name, s, names);
		return false;
	case OPT_INT:
		break;
	}
	errno = 0;
	n = strtoll(s, &end, 10);
	if (!is_plain(v) || !*s || *end || errno == ERANGE) {
		add_error(x, line_of(v), "%s: '%s' is not an integer", k->name, s);
		return false;
	}
	if (n < k->min || n > k->max) {
		add_error(x, line_of(v), "%s: %lld is out of range (%lld..%lld)", k->name, n, k->min,
			  k->max);
		return false;
	}
	return true;
}

/* One value (a scalar, or one item of a list) into @e. */
static int take_scalar(struct ctx *x, const struct cli_option *k, const yaml_node_t *v,
		       struct config_entry *e)
{
	const char *why;

	if (v->type != YAML_SCALAR_NODE) {
		add_error(x, line_of(v), "%s: want %s%s", k->name,
			  k->type == OPT_LIST ? "a string in the list" : type_name(k),
			  v->type == YAML_MAPPING_NODE ? ", not a mapping" : ", not a list");
		return 0;
	}
	if (is_null(v) || !*scalar(v)) {
		add_error(x, line_of(v), "%s: no value (want %s)", k->name, type_name(k));
		return 0;
	}
	if (!check_scalar(x, k, v))
		return 0;
	if (k->check && (why = k->check(scalar(v)))) {
		add_error(x, line_of(v), "%s: '%s': %s", k->name, scalar(v), why);
		return 0;
	}
	if (k->max_len && strlen(scalar(v)) > k->max_len) {
		add_error(x, line_of(v), "%s: '%s': longer than %zu bytes", k->name, scalar(v),
			  k->max_len);
		return 0;
	}
	return entry_add_value(e, scalar(v));
}

static int take_value(struct ctx *x, const struct cli_option *k, const yaml_node_t *v,
		      struct config_entry *e)
{
	yaml_node_item_t *it;
	int err;

	if (k->type != OPT_LIST || v->type != YAML_SEQUENCE_NODE)
		return take_scalar(x, k, v, e);
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++)
		if ((err = take_scalar(x, k, yaml_document_get_node(x->doc, *it), e)))
			return err;
	return 0;
}

/* ---- keys ---- */

/* The option a key names: any but the cli_only ones. */
static const struct cli_option *find_key(const struct cli_option *opts, size_t n,
					 const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!opts[i].cli_only && !strcmp(opts[i].name, name))
			return &opts[i];
	return NULL;
}

static struct config_entry *new_entry(struct config *c)
{
	struct config_entry *v = realloc(c->v, (c->n + 1) * sizeof(*v));

	if (!v)
		return NULL;
	c->v = v;
	memset(&v[c->n], 0, sizeof(v[c->n]));
	return &v[c->n++];
}

static int take_pair(struct ctx *x, struct config *c, const struct cli_option *keys,
		     size_t n_keys, const yaml_node_pair_t *p)
{
	const yaml_node_t *kn = yaml_document_get_node(x->doc, p->key);
	const yaml_node_t *vn = yaml_document_get_node(x->doc, p->value);
	const struct config_entry *dup;
	const struct cli_option *k;
	struct config_entry *e;

	if (kn->type != YAML_SCALAR_NODE) {
		add_error(x, line_of(kn), "a key must be an option name");
		return 0;
	}
	if (!(k = find_key(keys, n_keys, scalar(kn)))) {
		add_error(x, line_of(kn), "unknown key '%s'", scalar(kn));
		return 0;
	}
	if ((dup = config__get(c, k->name))) {
		add_error(x, line_of(kn), "duplicate key '%s' (first at line %d)", k->name,
			  dup->line);
		return 0;
	}
	if (!(e = new_entry(c)))
		return -ENOMEM;
	e->opt = k;
	e->line = line_of(kn);
	return take_value(x, k, vn, e);
}

static int take_document(struct ctx *x, struct config *c, const struct cli_option *keys,
			 size_t n_keys)
{
	yaml_node_t *root = yaml_document_get_root_node(x->doc);
	yaml_node_pair_t *p;
	int err;

	if (!root) /* an empty file sets nothing */
		return 0;
	if (root->type != YAML_MAPPING_NODE) {
		add_error(x, line_of(root), "the top level must map option names to values");
		return 0;
	}
	for (p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++)
		if ((err = take_pair(x, c, keys, n_keys, p)))
			return err;
	return 0;
}

/* ---- loading ---- */

static void parse_error(struct ctx *x, const yaml_parser_t *p)
{
	add_error(x, (int)p->problem_mark.line + 1, "malformed YAML: %s%s%s",
		  p->problem ? p->problem : "unknown problem", p->context ? " " : "",
		  p->context ? p->context : "");
}

/* Parses the one document of @f into @c; a second document is an error. */
static int parse_file(struct ctx *x, FILE *f, struct config *c, const struct cli_option *keys,
		      size_t n_keys)
{
	yaml_parser_t parser;
	yaml_document_t doc, next;
	int err = 0;

	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, &doc)) {
		parse_error(x, &parser);
		goto out;
	}
	x->doc = &doc;
	err = take_document(x, c, keys, n_keys);
	if (!yaml_parser_load(&parser, &next)) {
		parse_error(x, &parser);
	} else {
		if (yaml_document_get_root_node(&next))
			add_error(x, (int)next.start_mark.line + 1, "more than one YAML document");
		yaml_document_delete(&next);
	}
	yaml_document_delete(&doc);
out:
	yaml_parser_delete(&parser);
	return err;
}

struct config *config__load(const char *path, const struct cli_option *keys, size_t n_keys,
			    struct config_errors *errs)
{
	struct ctx x = { .file = path, .errs = errs };
	size_t n_before = errs->n;
	struct config *c;
	FILE *f;
	int err;

	if (!(f = fopen(path, "r"))) {
		add_error(&x, 0, "cannot open: %s", strerror(errno));
		return NULL;
	}
	if (!(c = calloc(1, sizeof(*c)))) {
		fclose(f);
		return NULL;
	}
	err = parse_file(&x, f, c, keys, n_keys);
	fclose(f);
	if (err || errs->n > n_before) {
		config__free(c);
		return NULL;
	}
	return c;
}
