/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Inside the rule engine: the compiled form of a rule. A match block is an
 * array of conditions (ANDed); macros are inlined and lists expanded at
 * load, numbers and CIDRs are parsed at load, so matching an event never
 * parses anything. Every allocation belongs to the rule set's arena.
 *
 * The files form layers; each uses only the ones below it (no cycles):
 *
 *   cli.c, builtin.c            commands and the built-in default set (public API)
 *   rules_load.c                paths -> files -> items by name (pass 1) -> compiled set (pass 2)
 *   rules_rule.c                pass 2 of one rule: its keys, excepts, the kernel check
 *   rules_compile.c             a YAML match block -> conditions (macros inlined, lists expanded)
 *   rules_symtab.c              names of lists, macros, rules while loading (hash maps)
 *   rules_yaml.c                one file -> YAML documents, within the limits
 *   rules_index.c               per-syscall candidate index of a compiled set
 *   rules_match.c               event x compiled rule -> match, rendered message
 *   rules_kernel.c              compiled rule -> what the kernel can enforce
 *   rules_set.c                 the compiled set: accessors, names, free
 *   rules_fields.c, rules_util.c  field/operator names, value parsers; arena, errors, maps
 *
 * This header is the compiled form (no YAML): matching, indexing and the
 * kernel spec need nothing else. rules_loader.h adds the loading state.
 */
#ifndef CACTUS_RULES_INTERNAL_H
#define CACTUS_RULES_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "event/fields.h"
#include "rules.h"

/*
 * The fields a rule may test are those of the event field table
 * (src/event/fields.h) marked FR_MATCH; a field's enum field_kind says which
 * operators it takes (rop_allowed) and how its values are compiled. FK_MULTI:
 * several values (ancestors, a program's names); FK_BOOL: true/false,
 * compiled to numbers 1/0; FK_PHASE: init/workload, compiled to a bit mask
 * (PHASE_*).
 */

/* F_PHASE values: the runtime's set-up (EF_SETUP), or the workload. */
#define PHASE_INIT 0x1
#define PHASE_WORKLOAD 0x2

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
	uint8_t field;      /* enum field_id */
	uint8_t kind;       /* enum field_kind of the field */
	uint8_t op;         /* enum rop; OP_IN is compiled to OP_EXACT */
	uint32_t n;
	union {
		struct rstr *s;
		int64_t *num;
		struct rnet *net;
		uint64_t *bits;     /* F_SYSCALL: SC_WORDS words, by nr */
		uint32_t cats;      /* F_CATEGORY: bit per category */
		uint32_t phases;    /* F_PHASE: PHASE_* bits */
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
	/* per classified syscall nr (bit set in indexed), the rules whose
	 * syscall/category conditions allow it, in rule order:
	 * cand[cand_off[nr] .. cand_off[nr + 1]) */
	uint32_t *cand;
	uint64_t indexed[SC_WORDS];
	uint32_t cand_off[CACTUS_MAX_SYSCALLS + 1];
};

/* rules_index.c: builds rs->cand once the rules are compiled. */
int rules_index(struct rule_set *rs);

/* rules_set.c: "critical".."info", "alert".."deny" (any case) -> value, or -1 */
int rule_priority_parse(const char *s);
int rule_action_parse(const char *s);

/* rules_util.c */
void *ar_alloc(struct arena *a, size_t size);   /* zeroed */
char *ar_strdup(struct arena *a, const char *s);
void ar_free(struct arena *a);
/* Grows *v (of *cap elements of @size, doubling) to hold n + 1. */
int grow_array(void *v, size_t *cap, size_t n, size_t size);
/* Appends an error, or counts it as dropped past RULES_MAX_ERRORS. */
void rule_err(struct rule_errors *errs, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void rule_err_force(struct rule_errors *errs, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* After the errors are sorted: one last line saying how many were dropped. */
void rule_errors_close(struct rule_errors *errs);

/* String -> index, open addressing; keys are borrowed and must outlive it. */
struct strmap_slot {
	const char *key;
	size_t val;
};

struct strmap {
	struct strmap_slot *slots;
	size_t cap, n;
};

bool strmap_get(const struct strmap *m, const char *key, size_t *val);
int strmap_put(struct strmap *m, const char *key, size_t val);
void strmap_free(struct strmap *m);

/* rules_fields.c */
const char *rfield_name(enum field_id f);
/* A field a rule may test (FR_MATCH), by name; -1 if none. */
int rfield_parse(const char *name);
enum field_kind rfield_kind(enum field_id f);
const char *rop_name(enum rop op);
int rop_parse(const char *name);
bool rop_allowed(enum field_kind k, enum rop op);
int parse_i64(const char *s, int64_t *out);
int parse_bool(const char *s);    /* true/True/TRUE 1, false... 0, else -EINVAL */
int parse_phase(const char *s);   /* init, workload: PHASE_*, else -EINVAL */
int parse_cidr(const char *s, struct rnet *out);
/* The values a numeric field can take (uid 0..2^32-1, port 0..65535, ...). */
void rfield_range(enum field_id f, int64_t *min, int64_t *max);
/* "SIGTERM", "term", "15", "SIGRTMIN+2" -> the signal number, or -EINVAL. */
int parse_signal(const char *s);

#endif
