/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The rule language: YAML files (libyaml) with rules, lists and macros.
 * Rules are matched in user space against every event for alerts; rules
 * whose action is kill or deny are also compiled into kernel maps
 * (rules__kernel_spec) so the kernel decides at syscall entry.
 */
#ifndef CACTUS_RULES_H
#define CACTUS_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "event/fields.h"
#include "event/view.h"

enum rule_action { ACT_ALERT = 0, ACT_KILL, ACT_DENY };
enum rule_priority { PRIO_CRITICAL = 0, PRIO_HIGH, PRIO_MEDIUM, PRIO_LOW, PRIO_INFO };

struct rule_set;
struct rule; /* opaque */

/* One problem found while loading: "file:line: message". */
struct rule_error {
	char file[256];
	int line;
	char msg[256];
};

struct rule_errors {
	struct rule_error *v;
	size_t n, cap;
	size_t dropped;   /* past RULES_MAX_ERRORS; the last error says how many */
};

/*
 * Limits of a rule load. Past one, loading fails with file:line: reason,
 * quickly (before the part that would take long) and never as "out of
 * memory". Each bounds time or memory that a rule file would otherwise
 * control.
 */
#define RULES_MAX_FILE_BYTES (64u << 20)  /* one file; libyaml holds all of it as nodes */
#define RULES_MAX_DEPTH 32              /* YAML nesting; the language needs 7 */
#define RULES_MAX_STRING 4096           /* one scalar; paths are < 4096 bytes */
#define RULES_MAX_ANCHORS 1000          /* anchors, and aliases, per file: libyaml
					 * looks them up linearly */
#define RULES_MAX_NODES 4000000         /* YAML nodes, all files: libyaml keeps every
					 * one (~200 bytes) until the load ends */
#define RULES_MAX_ITEMS 250000          /* rules + lists + macros, all files */
#define RULES_MAX_LIST_ITEMS 100000     /* items of a list, values of one condition */
#define RULES_MAX_VALUES 4000000        /* values of all conditions, lists expanded */
#define RULES_MAX_CONDS 1024            /* conditions of one match, macros inlined */
#define RULES_MAX_EXCEPTS 256           /* except blocks of one rule */
#define RULES_MAX_MACRO_DEPTH 32        /* macros using macros */
#define RULES_MAX_ERRORS 1000           /* errors kept (and printed) */

void rule_errors_free(struct rule_errors *errs);

/* Loads every path (a YAML file, or a directory: its *.yaml and *.yml files
 * in name order). Returns NULL when any error was found; every error is
 * appended to @errs (all of them, not just the first). */
struct rule_set *rules__load(const char *const *paths, size_t n, struct rule_errors *errs);
void rules__free(struct rule_set *rs);

size_t rules__count(const struct rule_set *rs);
const struct rule *rules__get(const struct rule_set *rs, size_t i);

const char *rule_name(const struct rule *r);
const char *rule_description(const struct rule *r);
enum rule_priority rule_priority(const struct rule *r);
enum rule_action rule_action(const struct rule *r);
const char *rule_priority_name(enum rule_priority p);   /* "critical" ... */
const char *rule_action_name(enum rule_action a);       /* "alert" ... */
const char *rule_file(const struct rule *r);
int rule_line(const struct rule *r);

/* True if the event matches the rule (its match, and none of its excepts). */
bool rule_matches(const struct rule *r, const struct event_view *v);

/* One event as rules see it: its joined path and argv are built at most
 * once, however many rules test it (rule_matches() builds one per call). */
struct rule_input {
	struct field_ctx f;
	char path[FIELD_JOIN_MAX];
	char argv[FIELD_JOIN_MAX];
};
void rule_input_init(struct rule_input *in, const struct event_view *v);
bool rule_matches_input(const struct rule *r, struct rule_input *in);

/* Calls @fn with each absolute path some rule's match names exactly (`path:`
 * a value or `in:` a list): the files user space also knows by identity
 * (hard links; src/monitor/protect.c). A path may come more than once. */
void rules__exact_paths(const struct rule_set *rs, void (*fn)(void *ctx, const char *path),
			void *ctx);

/*
 * The indices of the rules that can match an event of syscall @nr (the
 * others have a syscall or category condition that rules it out), in rule
 * order; NULL with *n = rules__count() when @nr is out of range or not a
 * classified syscall (then try them all). Matching only these gives the
 * same alerts as matching all.
 */
const uint32_t *rules__candidate_ids(const struct rule_set *rs, uint32_t nr, size_t *n);

/* Renders the rule's output template: "%container_name opened %path" with
 * fields named like the JSON fields (and %path = dirname/filename). */
void rule_render(const struct rule *r, const struct event_view *v, char *buf, size_t len);

/*
 * What the kernel needs to enforce a kill/deny rule at syscall entry. Each
 * dimension is an OR of its values, dimensions are ANDed, an empty dimension
 * matches everything. Returns 0, or -ENOTSUP with @why set when the rule's
 * match uses something the kernel cannot evaluate (rules check reports it).
 */
#define KSPEC_MAX 8
#define KSPEC_STR 256

struct kernel_spec {
	bool syscalls[512];                 /* by nr; all false = any traced syscall */
	char path_prefix[KSPEC_MAX][KSPEC_STR]; /* absolute path prefixes (exact = prefix + exact flag) */
	bool path_exact[KSPEC_MAX];
	int n_path;
	char exe[KSPEC_MAX][KSPEC_STR];     /* exact execve filename */
	int n_exe;
	uint16_t ports[KSPEC_MAX];
	int n_ports;
	struct {
		int family;                 /* AF_INET / AF_INET6 */
		uint8_t addr[16];
		int prefix_len;
	} nets[KSPEC_MAX];
	int n_nets;
	char containers[KSPEC_MAX][KSPEC_STR]; /* container names or images; empty: all containers */
	int n_containers;
};

int rules__kernel_spec(const struct rule *r, struct kernel_spec *out, char *why, size_t why_len);

/* The default rule file: $CACTUS_RULES_DIR/default.yaml when the variable is
 * set, else <dir of the cactus binary>/rules/default.yaml if it exists, else
 * /usr/share/cactus/rules/default.yaml. Points to a static buffer. */
/* The copy of rules/default.yaml built into the binary, as a readable path
 * (a memfd), or NULL. */
const char *rules_builtin_path(void);
const char *rules_default_path(void);

/* `cactus rules check FILE...` and `cactus rules list [--rules FILE|DIR]...
 * [--no-default-rules]`; argv[0] is "rules". Returns the exit status. */
int cmd_rules(int argc, char **argv);

#endif
