/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The loading state of the rule engine (see the layers in
 * rules_internal.h): YAML documents, the names registered in pass 1, and
 * what rules_compile.c needs to turn a match block into conditions.
 * Nothing here survives rules__load(): the compiled set does not point
 * into YAML documents.
 */
#ifndef CACTUS_RULES_LOADER_H
#define CACTUS_RULES_LOADER_H

#include <yaml.h>
#include "rules_internal.h"

struct rlist {
	const char *name;
	const char *file;
	int line;
	const char **items;
	int *lines;
	size_t n;
};

enum { MACRO_NEW, MACRO_BUSY, MACRO_DONE, MACRO_FAILED };

struct rmacro {
	const char *name;
	const char *file;
	int line;
	yaml_document_t *doc;
	yaml_node_t *match;
	int state;
	struct match m;
};

struct pending {
	const char *name;
	int line;
	const char *file;
	yaml_document_t *doc;
	yaml_node_t *node;
};

/* rules_yaml.c: one file's documents, kept until the load ends. */
struct ydoc {
	yaml_document_t doc;
	struct ydoc *next;
};

/* Parses @file within the limits (size, depth, scalar length, anchors;
 * *nodes counts the nodes of the whole load), reports duplicate mapping
 * keys, and sets *docs to its documents in order (those before a broken
 * one, if any). Returns 0, or -EINVAL after reporting file:line: reason. */
int ryaml_read(const char *file, struct rule_errors *errs, size_t *nodes, struct ydoc **docs);
void ryaml_free(struct ydoc *docs);
/* The value of scalar key @key in mapping @map, or NULL. */
yaml_node_t *ymap_get(yaml_document_t *doc, yaml_node_t *map, const char *key);

struct loader {
	struct rule_set *rs;
	struct rule_errors *errs;
	struct ydoc *docs;
	const char **files;     /* in load order, for sorting errors */
	size_t n_files, cap_files;
	struct strmap file_rank;
	size_t n_nodes;         /* YAML nodes of every file so far */
	/* pass 1: registered by name (rules_symtab.c) */
	struct rlist *lists;
	size_t n_lists, cap_lists;
	struct rmacro *macros;
	size_t n_macros, cap_macros;
	struct pending *rules;
	size_t n_rules, cap_rules;
	struct strmap list_names, macro_names, rule_names;
	bool full;              /* RULES_MAX_ITEMS reached (said once) */
	/* pass 2 */
	size_t cap_set;         /* capacity of rs->r */
	size_t n_values;        /* values of all conditions so far */
	int macro_depth;        /* macros being compiled, one inside the other */
};

/* Where a node being compiled comes from. */
struct ysrc {
	struct loader *L;
	const char *file;
	yaml_document_t *doc;
};

static inline int yline(const yaml_node_t *n)
{
	return (int)n->start_mark.line + 1;
}

/* A scalar's text; a plain null (~, null) is "". NULL if not a scalar. */
static inline const char *yscalar(const yaml_node_t *n)
{
	const char *s;

	if (!n || n->type != YAML_SCALAR_NODE)
		return NULL;
	s = (const char *)n->data.scalar.value;
	if (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	    (!strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL")))
		return "";
	return s;
}

#define ymap_for_each(map, p) \
	for (yaml_node_pair_t *p = (map)->data.mapping.pairs.start; \
	     p < (map)->data.mapping.pairs.top; p++)
#define yseq_for_each(seq, it) \
	for (yaml_node_item_t *it = (seq)->data.sequence.items.start; \
	     it < (seq)->data.sequence.items.top; it++)

#define yerr(src, node, ...) rule_err((src)->L->errs, (src)->file, yline(node), __VA_ARGS__)

/* rules_symtab.c: registered names, or NULL. A pointer is valid until
 * the next add of the same kind (the arrays grow). */
struct rlist *loader_list(struct loader *L, const char *name);
struct rmacro *loader_macro(struct loader *L, const char *name);
struct pending *loader_rule(struct loader *L, const char *name);
/* Register an item whose name is not taken: 0, -E2BIG past
 * RULES_MAX_ITEMS (reported once, at @src's file and @line), -ENOMEM. */
int loader_add_list(struct loader *L, const struct ysrc *src, const struct rlist *l);
int loader_add_macro(struct loader *L, const struct ysrc *src, const struct rmacro *m);
int loader_add_rule(struct loader *L, const struct ysrc *src, const struct pending *p);
void loader_symtab_free(struct loader *L);

/* rules_rule.c: pass 2 of one rule; errors reported, the rule added if none */
void compile_rule(struct loader *L, const struct pending *p);

/* rules_compile.c */
/* Compiles a match block (a mapping) into @out. Returns 0 or -EINVAL after
 * reporting every problem. */
int compile_match(const struct ysrc *src, yaml_node_t *node, struct match *out);
int compile_macro(struct loader *L, struct rmacro *m);
/* Adds phase: workload to a rule's match that has no phase condition. */
int match_default_phase(struct loader *L, struct match *m);
/* Puts cheap conditions first. */
void match_sort(struct match *m);

#endif
