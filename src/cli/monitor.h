/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * `cactus monitor`'s options, from the command line and the config file
 * (--config FILE, src/cli/config.h). The options are one table
 * (cli/options.c); the file's keys are their long names. A file's value goes
 * through the same setter as the command line's, before it, so that the
 * command line wins; an option the command line gives is taken from the
 * command line only (for a repeatable option such as --rules the command
 * line's values replace the file's, they are not added to them).
 *
 * Also what SIGHUP calls (monitor_opts.reload): the same parse again, the
 * file re-read.
 */
#ifndef CACTUS_CLI_MONITOR_H
#define CACTUS_CLI_MONITOR_H

#include "cli/options.h"
#include "monitor/monitor.h"

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

#endif
