/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Inside the rule engine: the compiled form of a rule. A match block is an
 * array of conditions (ANDed); macros are inlined and lists expanded at
 * load, numbers and CIDRs are parsed at load, so matching an event never
 * parses anything. Every allocation belongs to the rule set's arena.
 */
#ifndef CACTUS_RULES_INTERNAL_H
#define CACTUS_RULES_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "rules.h"

enum rfield {
	/* strings */
	RF_ACTIVITY, RF_PATH, RF_DIRNAME, RF_FILENAME, RF_PATH2, RF_EXE, RF_COMM,
	RF_CONTAINER_NAME, RF_CONTAINER_ID, RF_IMAGE, RF_RUNTIME, RF_K8S_NS,
	RF_K8S_POD, RF_FAMILY, RF_ADDR, RF_SIGNAL, RF_FLAGS,
	/* special */
	RF_SYSCALL, RF_CATEGORY, RF_ARGV,
	/* numbers */
	RF_UID, RF_GID, RF_PID, RF_PPID, RF_HOST_PID, RF_RET, RF_PORT,
	RF_SIGNAL_NR, RF_TARGET_PID, RF_MODE,
	RF_ARG0, RF_ARG1, RF_ARG2, RF_ARG3, RF_ARG4, RF_ARG5,
	RF_COUNT,
};

enum rkind { RK_STR, RK_NUM, RK_SYSCALL, RK_CATEGORY, RK_ARGV, RK_ADDR };

enum rop {
	OP_EXACT, OP_IN, OP_PREFIX, OP_SUFFIX, OP_GLOB, OP_CONTAINS, OP_CIDR,
	OP_LT, OP_GT, OP_NE, OP_MASK, OP_COUNT,
};

#define SC_WORDS (CACTUS_MAX_SYSCALLS / 64)

struct rstr {
	const char *s;
	size_t len;
	/* glob: literal head and tail, checked before fnmatch() */
	uint32_t pre, suf;
};

struct rnet {
	int family;
	uint8_t addr[16];
	int plen;
};

/* One condition: field OP value, true if any value matches (OP_NE: none). */
struct cond {
	uint8_t field;      /* enum rfield */
	uint8_t kind;       /* enum rkind of the field */
	uint8_t op;         /* enum rop; OP_IN is compiled to OP_EXACT */
	uint32_t n;
	union {
		struct rstr *s;
		int64_t *num;
		struct rnet *net;
		uint64_t *bits;     /* RF_SYSCALL: SC_WORDS words, by nr */
		uint32_t cats;      /* RF_CATEGORY: bit per category */
	};
};

struct match {
	struct cond *c;
	size_t n;
};

struct rule {
	const char *name;
	const char *description;
	const char *output;
	const char *file;
	int line;
	int action_line;
	enum rule_priority priority;
	enum rule_action action;
	struct match m;
	struct match *exc;
	size_t n_exc;
};

struct arena {
	struct arena_blk *head;
};

struct rule_set {
	struct rule **r;
	size_t n;
	struct arena ar;
	/* per syscall nr, the rules whose syscall/category conditions allow it,
	 * in rule order: cand[cand_off[nr] .. cand_off[nr + 1]) */
	uint16_t *cand;
	uint32_t cand_off[CACTUS_MAX_SYSCALLS + 1];
};

/* rules_match.c: builds rs->cand once the rules are compiled. */
int rules_index(struct rule_set *rs);

/* ---- loading (rules_load.c, rules_compile.c) ---- */
#include <yaml.h>

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

struct ydoc {
	yaml_document_t doc;
	struct ydoc *next;
};

struct loader {
	struct rule_set *rs;
	struct rule_errors *errs;
	struct ydoc *docs;
	const char **files;     /* in load order, for sorting errors */
	size_t n_files, cap_files;
	struct rlist *lists;
	size_t n_lists, cap_lists;
	struct rmacro *macros;
	size_t n_macros, cap_macros;
	struct pending *rules;
	size_t n_rules, cap_rules;
	size_t cap_set;         /* capacity of rs->r */
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

struct rlist *loader_list(struct loader *L, const char *name);
struct rmacro *loader_macro(struct loader *L, const char *name);
/* Compiles a match block (a mapping) into @out. Returns 0 or -EINVAL after
 * reporting every problem. */
int compile_match(const struct ysrc *src, yaml_node_t *node, struct match *out);
int compile_macro(struct loader *L, struct rmacro *m);
/* Puts cheap conditions first. */
void match_sort(struct match *m);

/* rules_util.c */
void *ar_alloc(struct arena *a, size_t size);
char *ar_strdup(struct arena *a, const char *s);
void ar_free(struct arena *a);
void rule_err(struct rule_errors *errs, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* rules_fields.c */
const char *rfield_name(enum rfield f);
int rfield_parse(const char *name);
enum rkind rfield_kind(enum rfield f);
const char *rop_name(enum rop op);
int rop_parse(const char *name);
bool rop_allowed(enum rkind k, enum rop op);
int parse_i64(const char *s, int64_t *out);
int parse_cidr(const char *s, struct rnet *out);

#endif
