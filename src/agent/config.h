/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The agent's config file (--config FILE, `cactus config check FILE`): a YAML
 * mapping (libyaml) of the long option names of `cactus monitor` to values,
 *
 *   output: json
 *   ring-size: 64
 *   rules: [/etc/cactus/rules.d]
 *   alerts-only: true
 *
 * validated against a table of keys: unknown keys, wrong types, duplicates
 * and out-of-range values are reported as "file:line: reason", all of them.
 * The table is data: the CLI owner adds a row per new option.
 */
#ifndef CACTUS_AGENT_CONFIG_H
#define CACTUS_AGENT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

enum config_type {
	CONFIG_STRING,                 /* a non-empty scalar */
	CONFIG_INT,                    /* a plain decimal scalar in [min, max] */
	CONFIG_BOOL,                   /* true | false */
	CONFIG_LIST,                   /* a sequence of scalars (one scalar = a list of one) */
	CONFIG_ENUM,                   /* one of names[] */
};

struct config_key {
	const char *name;              /* the long option: "ring-size" */
	enum config_type type;
	long long min, max;            /* CONFIG_INT */
	const char *const *names;      /* CONFIG_ENUM: NULL-terminated */
	/* Extra check of one value (each item of a list): NULL when fine,
	 * else why not, e.g. "not a power of 2". */
	const char *(*check)(const char *value);
};

/* `cactus monitor`'s keys (README "Config file"), in option order. */
extern const struct config_key cactus_config_keys[];
extern const size_t cactus_config_keys_count;

struct config_entry {
	const struct config_key *key;
	char **values;                 /* one for scalars, any number for lists */
	size_t n_values;
	int line;                      /* 1-based, of the key */
};

struct config_error {
	char file[256];
	int line;                      /* 0: the file as a whole (cannot open) */
	char msg[256];
};

struct config_errors {
	struct config_error *v;
	size_t n, cap;
};

void config_errors_free(struct config_errors *errs);
/* Prints each as "file:line: reason" on stderr. */
void config_errors_print(const struct config_errors *errs);

struct config;

/* Loads and validates @path against @keys. NULL when any error was found
 * (every one is appended to @errs) or on ENOMEM (errs empty). */
struct config *config__load(const char *path, const struct config_key *keys, size_t n_keys,
			    struct config_errors *errs);
void config__free(struct config *c);

/* Entries in file order. */
size_t config__count(const struct config *c);
const struct config_entry *config__entry(const struct config *c, size_t i);
/* The entry for key @name, or NULL when the file does not set it. */
const struct config_entry *config__get(const struct config *c, const char *name);

/*
 * The entries as command-line arguments, "--name=value" (one per list item,
 * "--name" for a true bool, nothing for a false one), so the CLI can parse
 * the file with the same getopt code as the command line, before argv so
 * the command line wins. @out gets a malloc'd, NULL-terminated array of
 * malloc'd strings; free with config_argv_free. Returns the count or -ENOMEM.
 */
int config__to_argv(const struct config *c, char ***out);
void config_argv_free(char **argv);

/* `cactus config check FILE`: prints "FILE: N keys OK" or every error;
 * returns the exit status (0 valid, 1 errors, as `rules check`). */
int config_check(const char *path);

#endif
