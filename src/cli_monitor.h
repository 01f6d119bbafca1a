/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * `cactus monitor`'s options, from the command line and the config file
 * (--config FILE, src/agent/config.h). The file's keys are the long options:
 * they become "--key=value" arguments parsed by the same getopt code, placed
 * before the command line so that it wins; a key the command line names is
 * taken from the command line only (for a repeatable option such as --rules
 * the command line's values replace the file's, they are not added to them).
 *
 * Also what SIGHUP calls (monitor_opts.reload): the same parse again, the
 * file re-read.
 */
#ifndef CACTUS_CLI_MONITOR_H
#define CACTUS_CLI_MONITOR_H

#include <getopt.h>
#include <stdarg.h>
#include "monitor/monitor.h"

#define EXIT_USAGE 2
#define CLI_HELP (-1)   /* --help: the caller prints the usage, exit 0 */

/* Every long option of `cactus monitor` (NULL-terminated), for the key
 * table's test: each has a config key except "config" and "help". */
extern const struct option monitor_longopts[];

struct monitor_cli;

/*
 * Parses `monitor [options]` (@argv[0] is "monitor"). Returns 0 with *@out
 * set; CLI_HELP; or EXIT_USAGE after a message on stderr (a bad option or
 * value; a config file's every error as "file:line: reason"). @argv must
 * outlive *@out.
 */
int monitor_cli_parse(int argc, char **argv, struct monitor_cli **out);
const struct monitor_opts *monitor_cli_opts(const struct monitor_cli *c);
/* Frees @c and every set of options its reloads returned. */
void monitor_cli_free(struct monitor_cli *c);

/* `cactus config check FILE`: the file's keys (file:line: reason), then the
 * options they make, parsed as `cactus monitor --config FILE` would.
 * Returns the exit status: 0 valid, 1 not. */
int monitor_cli_check_config(const char *path);

/* "cactus: error: " @fmt "\nTry 'cactus help'." on stderr; EXIT_USAGE. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
