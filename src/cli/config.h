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
 * validated against the option table (src/cli/options.c: each option's type,
 * limits, allowed names and extra check): unknown keys, wrong types,
 * duplicates and out-of-range values are reported as "file:line: reason",
 * all of them. The CLI then applies the values through the same setters as
 * the command line's (cli/monitor.c).
 */
#ifndef CACTUS_AGENT_CONFIG_H
#define CACTUS_AGENT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include "cli/options.h"

struct config_entry {
	const struct cli_option *opt;  /* the option the key names */
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

/* Loads and validates @path against the keys of @opts (the rows but the
 * cli_only ones). NULL when any error was found (every one is appended to
 * @errs) or on ENOMEM (errs empty). */
struct config *config__load(const char *path, const struct cli_option *opts, size_t n_opts,
			    struct config_errors *errs);
void config__free(struct config *c);

/* The keys the file sets. */
size_t config__count(const struct config *c);
/* The entry for key @name, or NULL when the file does not set it. */
const struct config_entry *config__get(const struct config *c, const char *name);

#endif
