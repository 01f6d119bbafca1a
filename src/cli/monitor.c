// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * `cactus monitor`'s options (see cli/monitor.h; the options themselves are
 * the table of cli/options.c). A quiet getopt pass learns which options the
 * command line gives (and --config); the config file's values for the other
 * options go through their setters; then the command line's, so that it
 * wins.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/config.h"
#include "cli/monitor.h"
#include "log.h"

struct monitor_cli {
	struct monitor_args a;
	struct config *cfg;             /* the file's values, which a.o points into */
	int argc;                       /* the command line, for reloads */
	char **argv;
	struct monitor_cli *next;       /* options of later reloads */
};

/* getopt_long's view of the table. */
struct getopt_table {
	struct option longopts[CLI_OPTIONS_MAX + 1];
	char shortopts[2 * CLI_OPTIONS_MAX + 1];
};

/* A long option's val is 256 + its row; a letter stands for its row. */
static void getopt_table(struct getopt_table *t)
{
	size_t n = 0;

	memset(t, 0, sizeof(*t));
	for (size_t i = 0; i < cli_options_count; i++) {
		const struct cli_option *opt = &cli_options[i];
		bool has_arg = opt->type != OPT_BOOL;

		t->longopts[i] = (struct option){ opt->name, has_arg ? required_argument
								     : no_argument,
						  NULL, 256 + (int)i };
		if (opt->letter) {
			t->shortopts[n++] = opt->letter;
			if (has_arg)
				t->shortopts[n++] = ':';
		}
	}
}

/* The row getopt_long's @val stands for, or NULL ('?': a bad option). */
static const struct cli_option *option_of(int val)
{
	if (val >= 256)
		return &cli_options[val - 256];
	for (size_t i = 0; i < cli_options_count; i++)
		if (cli_options[i].letter && cli_options[i].letter == val)
			return &cli_options[i];
	return NULL;
}

/* getopt_long permutes what it parses: a copy, so that argv stays as given. */
static char **argv_copy(int argc, char **argv)
{
	char **copy = malloc((argc + 1) * sizeof(*copy));

	if (copy)
		memcpy(copy, argv, (argc + 1) * sizeof(*copy));
	return copy;
}

/* First pass, quiet: which options the command line gives, and --config. */
static int scan_cmdline(int argc, char **argv, const struct getopt_table *t, bool *given,
			const char **config)
{
	const struct cli_option *config_opt = cli_options__find("config");
	char **copy = argv_copy(argc, argv);
	int opt;

	if (!copy)
		return -ENOMEM;
	*config = NULL;
	optind = 0; /* GNU getopt: start over (a reload parses again) */
	opterr = 0;
	while ((opt = getopt_long(argc, copy, t->shortopts, t->longopts, NULL)) != -1) {
		const struct cli_option *o = option_of(opt);

		if (o)
			given[o - cli_options] = true;
		if (o == config_opt)
			*config = optarg;
	}
	free(copy);
	return 0;
}

static int load_config(struct monitor_cli *c, const char *path)
{
	struct config_errors errs = { 0 };

	c->cfg = config__load(path, cli_options, cli_options_count, &errs);
	if (!c->cfg) {
		config_errors_print(&errs);
		if (!errs.n)
			fprintf(stderr, "%s: out of memory\n", path);
		config_errors_free(&errs);
		return EXIT_USAGE;
	}
	return 0;
}

/* The file's values of the options the command line does not give. */
static int apply_config(struct monitor_cli *c, const bool *given)
{
	for (size_t i = 0; i < cli_options_count && c->cfg; i++) {
		const struct cli_option *opt = &cli_options[i];
		const struct config_entry *e = config__get(c->cfg, opt->name);

		for (size_t j = 0; e && !given[i] && j < e->n_values; j++) {
			int err = opt->set(&c->a, opt, e->values[j]);

			if (err)
				return err;
		}
	}
	return 0;
}

static int parse_cmdline(struct monitor_cli *c, int argc, char **argv,
			 const struct getopt_table *t)
{
	char **copy = argv_copy(argc, argv);
	int opt, err = 0;

	if (!copy)
		return EXIT_USAGE;
	optind = 0;
	opterr = 1;
	while (!err && (opt = getopt_long(argc, copy, t->shortopts, t->longopts, NULL)) != -1) {
		const struct cli_option *o = option_of(opt);

		err = o ? o->set(&c->a, o, optarg) : cli_usage_error("bad option for monitor");
	}
	if (!err && optind < argc)
		err = cli_usage_error("unexpected argument '%s'", copy[optind]);
	free(copy);
	return err;
}

static void cli_free_one(struct monitor_cli *c)
{
	config__free(c->cfg);
	free(c);
}

static int parse_into(struct monitor_cli *c, int argc, char **argv)
{
	bool given[CLI_OPTIONS_MAX] = { false };
	struct getopt_table t;
	const char *config;
	int err;

	c->argc = argc;
	c->argv = argv;
	getopt_table(&t);
	if (scan_cmdline(argc, argv, &t, given, &config))
		return EXIT_USAGE;
	if (config && (err = load_config(c, config)))
		return err;
	monitor_args__init(&c->a);
	err = apply_config(c, given);
	if (!err)
		err = parse_cmdline(c, argc, argv, &t);
	if (!err)
		monitor_args__finish(&c->a);
	return err;
}

static const struct monitor_opts *reparse(void *ctx);

int monitor_cli_parse(int argc, char **argv, struct monitor_cli **out)
{
	struct monitor_cli *c = calloc(1, sizeof(*c));
	int err;

	if (!c) {
		log_err("out of memory");
		return EXIT_USAGE;
	}
	err = parse_into(c, argc, argv);
	if (err) {
		cli_free_one(c);
		return err;
	}
	c->a.o.reload = reparse;
	c->a.o.reload_ctx = c;
	*out = c;
	return 0;
}

const struct monitor_opts *monitor_cli_opts(const struct monitor_cli *c)
{
	return &c->a.o;
}

void monitor_cli_free(struct monitor_cli *c)
{
	while (c) {
		struct monitor_cli *next = c->next;

		cli_free_one(c);
		c = next;
	}
}

int monitor_cli_check_config(const char *path)
{
	char *argv[] = { "monitor", "--config", (char *)path, NULL };
	struct monitor_cli *c;

	if (monitor_cli_parse(3, argv, &c))
		return 1;
	printf("%s: %zu keys OK\n", path, config__count(c->cfg));
	monitor_cli_free(c);
	return 0;
}

/* monitor_opts.reload: the first parse's command line again. */
static const struct monitor_opts *reparse(void *ctx)
{
	struct monitor_cli *first = ctx, *c;

	if (monitor_cli_parse(first->argc, first->argv, &c))
		return NULL;
	c->next = first->next;
	first->next = c;
	c->a.o.reload_ctx = first;
	return &c->a.o;
}
