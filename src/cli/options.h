/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The options of `cactus monitor`, one table: src/cli/options.c. To add an
 * option, add a row there (its field to struct monitor_opts, a commented line
 * to packaging/cactus.yaml); everything else is derived from the rows:
 *   - the command line's getopt_long array (cli/monitor.c);
 *   - the config file's keys and how cli/config.c validates their values
 *     (the same type, limits, allowed names and extra check);
 *   - the setter that stores a value, for the command line and the file
 *     alike, with the usage errors it prints;
 *   - which options a SIGHUP reload keeps until a restart (monitor/reload.c);
 *   - the option list of `cactus help`.
 */
#ifndef CACTUS_CLI_OPTIONS_H
#define CACTUS_CLI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "monitor/monitor.h"

#define EXIT_USAGE 2    /* exit status of a usage error (README "CLI") */
#define CLI_HELP (-1)   /* --help: the caller prints the usage, exit 0 */
#define CLI_OPTIONS_MAX 48  /* rows the fixed arrays of a parse hold (asserted) */

enum opt_type {
	OPT_BOOL,       /* a flag; in a file true | false */
	OPT_INT,        /* a decimal integer in [min, max], min >= 0 */
	OPT_STRING,     /* in a file a non-empty scalar */
	OPT_LIST,       /* repeatable; in a file a sequence of strings (one scalar: a list of one) */
	OPT_ENUM,       /* one of names() */
};

/*
 * What the options are parsed into: the options, and until
 * monitor_args__finish() the syscalls --category and --syscall name (by
 * cactus_syscalls[] index), of which the traced set is made.
 */
struct monitor_args {
	struct monitor_opts o;
	bool cat_sel[CACTUS_MAX_SYSCALLS], sc_sel[CACTUS_MAX_SYSCALLS];
	bool any_cat, any_sc;
};

struct cli_option {
	const char *name;                 /* --name, and the config file's key */
	char letter;                      /* -l too, or 0 */
	enum opt_type type;
	long long min, max;               /* OPT_INT */
	size_t max_len;                   /* OPT_STRING, OPT_LIST: longest value in bytes, 0: any */
	const char *(*names)(int i);      /* OPT_ENUM: the i-th name, NULL past the last */
	int (*parse)(const char *name);   /* OPT_ENUM: a name's value, or -1 */
	/* Extra check of a value (each item of a list): NULL when fine, else
	 * why not, as the config file says it ("not a power of 2"). */
	const char *(*check)(const char *value);
	bool nonempty;                    /* '' is refused on the command line too */
	const char *what;                 /* the value in usage errors: "a number", "attach mode" */
	/* Checks @arg as the command line does and stores it: 0, CLI_HELP or
	 * EXIT_USAGE after a message. @arg is NULL for a flag on the command
	 * line, "true" or "false" for a bool from the file. */
	int (*set)(struct monitor_args *a, const struct cli_option *opt, const char *arg);
	/* The field of struct monitor_opts it is stored in; size 0 for
	 * --category and --syscall, which make the traced set together. */
	size_t off, size;
	size_t count_off;                 /* OPT_LIST: the field that counts the values */
	bool cli_only;                    /* no config key: --config, --help */
	bool restart;                     /* a reload keeps the running value */
	const char *restart_as;           /* what the reload's warning calls it (once for all) */
	const char *arg;                  /* --help: "MIB" of "--ring-size MIB" */
	const char *heading;              /* --help: a heading above it */
	const char *help;                 /* --help: lines of text; NULL: not listed */
};

/* Every option of `cactus monitor`, in the order of --help. */
extern const struct cli_option cli_options[];
extern const size_t cli_options_count;

/* The option --@name (the whole name), or NULL. */
const struct cli_option *cli_options__find(const char *name);
/* An enum option's names, ", " between them, into @buf. */
void cli_option__names(const struct cli_option *opt, char *buf, size_t len);

/* The defaults, before any option. */
void monitor_args__init(struct monitor_args *a);
/* After every option: the traced set from the defaults, --category, --syscall. */
void monitor_args__finish(struct monitor_args *a);

/*
 * A reload's options @o: the options whose row says restart get @old's
 * value back where they differ, and their names go to @list as
 * "--ring-size, --output-file*". Returns whether any did.
 */
bool cli_options__keep_restart_only(const struct monitor_opts *old, struct monitor_opts *o,
				    char *list, size_t len);

/* The option lines of `cactus help`. */
void cli_options__print_help(FILE *f);

/* "cactus: error: " @fmt "\nTry 'cactus help'." on stderr; EXIT_USAGE. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
