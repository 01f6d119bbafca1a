// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * src/cli_monitor.c and the option table (src/cli_options.c): every option
 * but --config and --help is a config key; the command line wins over the file, and replaces a repeatable
 * option's values rather than adding to them; a reload re-reads the file;
 * the example config and the DaemonSet's are accepted by the real parser.
 * Run from the repository root.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/config.h"
#include "cli_monitor.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static char cfg_path[] = "/tmp/cactus-cli-test-XXXXXX";

static int setup(void **state)
{
	int fd = mkstemp(cfg_path);

	(void)state;
	close(fd);
	return fd < 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(cfg_path);
	return 0;
}

static void write_cfg(const char *text)
{
	FILE *f = fopen(cfg_path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int parse(struct monitor_cli **c, int argc, char **argv)
{
	int err = monitor_cli_parse(argc, argv, c);

	if (err)
		*c = NULL;
	return err;
}

static void test_command_line_wins(void **state)
{
	char *argv[] = { "monitor", "--config", cfg_path, "--rules", "/c", "--ring-size", "32",
			 "-c", "web", NULL };
	const struct monitor_opts *o;
	struct monitor_cli *c;

	(void)state;
	write_cfg("output: json\nring-size: 64\nrules: [/a, /b]\ncontainer: [x, y]\n"
		  "alerts-only: true\nmetrics-addr: 127.0.0.1:9999\n"
		  "output-file: /tmp/x.log\noutput-file-keep: 0\nwebhook-queue: 7\n");
	assert_int_equal(parse(&c, ARRAY_SIZE(argv) - 1, argv), 0);
	o = monitor_cli_opts(c);
	assert_int_equal(o->format, OUT_JSON);                  /* from the file */
	assert_int_equal(o->ring_bytes, 32UL << 20);            /* the command line's */
	assert_int_equal(o->n_rules, 1);                        /* replaced, not added */
	assert_string_equal(o->rules[0], "/c");
	assert_int_equal(o->n_containers, 1);                   /* -c is --container */
	assert_string_equal(o->containers[0], "web");
	assert_true(o->alerts_only);
	assert_string_equal(o->metrics_addr, "127.0.0.1:9999");
	assert_string_equal(o->output_file, "/tmp/x.log");
	assert_int_equal(o->output_file_keep, 0);
	assert_int_equal(o->webhook_queue, 7);
	assert_string_equal(o->config, cfg_path);
	monitor_cli_free(c);
}

static void test_defaults_without_file(void **state)
{
	char *argv[] = { "monitor", NULL };
	const struct monitor_opts *o;
	struct monitor_cli *c;

	(void)state;
	assert_int_equal(parse(&c, 1, argv), 0);
	o = monitor_cli_opts(c);
	assert_int_equal(o->format, OUT_TEXT);
	assert_int_equal(o->ring_bytes, 16UL << 20);
	assert_int_equal(o->output_file_keep, -1);
	assert_null(o->config);
	assert_null(o->metrics_addr);
	assert_true(o->traced[257]);   /* openat, on by default */
	assert_false(o->traced[0]);    /* read, off by default */
	monitor_cli_free(c);
}

static void test_reload_rereads_the_file(void **state)
{
	char *argv[] = { "monitor", "--config", cfg_path, "--alerts-only", NULL };
	const struct monitor_opts *o, *o2;
	struct monitor_cli *c;

	(void)state;
	write_cfg("rules: /a\nsyscall: openat\n");
	assert_int_equal(parse(&c, ARRAY_SIZE(argv) - 1, argv), 0);
	o = monitor_cli_opts(c);
	assert_non_null(o->reload);
	assert_true(o->traced[257]);
	assert_false(o->traced[59]);
	write_cfg("rules: [/b, /c]\nsyscall: [openat, execve]\n");
	o2 = o->reload(o->reload_ctx);
	assert_non_null(o2);
	assert_ptr_not_equal(o, o2);
	assert_int_equal(o2->n_rules, 2);
	assert_string_equal(o2->rules[1], "/c");
	assert_true(o2->traced[59]);
	assert_true(o2->alerts_only);      /* the command line stays */
	assert_int_equal(o->n_rules, 1);   /* the first set is untouched */
	/* a broken file: NULL (after file:line: reason on stderr) */
	write_cfg("rules: /b\nrules: /c\n");
	assert_null(o2->reload(o2->reload_ctx));
	/* a reload of a reload's options works too */
	write_cfg("ring-size: 8\n");
	o2 = o2->reload(o2->reload_ctx);
	assert_non_null(o2);
	assert_int_equal(o2->ring_bytes, 8UL << 20);
	monitor_cli_free(c);   /* frees the reloads' options too */
}

static void test_bad_values_are_usage_errors(void **state)
{
	char *bad_file[] = { "monitor", "--config", cfg_path, NULL };
	char *bad_addr[] = { "monitor", "--metrics-addr", "nonsense", NULL };
	char *bad_url[] = { "monitor", "--webhook-url", "ftp://x", NULL };
	char *bad_max[] = { "monitor", "--output-file-max-bytes", "100", NULL };
	char *missing[] = { "monitor", "--config", "/nonexistent/cactus.yaml", NULL };
	char *help[] = { "monitor", "--config", cfg_path, "--help", NULL };
	struct monitor_cli *c;

	(void)state;
	write_cfg("ring-size: 3\n");
	assert_int_equal(parse(&c, 3, bad_file), EXIT_USAGE);
	assert_int_equal(parse(&c, 3, bad_addr), EXIT_USAGE);
	assert_int_equal(parse(&c, 3, bad_url), EXIT_USAGE);
	assert_int_equal(parse(&c, 3, bad_max), EXIT_USAGE);
	assert_int_equal(parse(&c, 3, missing), EXIT_USAGE);
	write_cfg("output: json\n");
	assert_int_equal(parse(&c, 4, help), CLI_HELP);
}

/* The shipped configs, through the parser `cactus monitor` uses. */
static void test_shipped_configs(void **state)
{
	(void)state;
	assert_int_equal(monitor_cli_check_config("packaging/cactus.yaml"), 0);
	assert_int_equal(monitor_cli_check_config("tests/unit/config/duplicate.yaml"), 1);
	assert_int_equal(monitor_cli_check_config("/nonexistent.yaml"), 1);
}

/* ---- the table, walked ---- */

/* A key for every option but --config and --help; each listed in --help. */
static void test_table_rows(void **state)
{
	(void)state;
	for (size_t i = 0; i < cli_options_count; i++) {
		const struct cli_option *opt = &cli_options[i];
		bool config_or_help = !strcmp(opt->name, "config") || !strcmp(opt->name, "help");

		assert_ptr_equal(cli_options__find(opt->name), opt);
		assert_non_null(opt->set);
		if (opt->cli_only != config_or_help)
			fail_msg("--%s: cli_only is for --config and --help only", opt->name);
		if (!opt->help != !strcmp(opt->name, "help"))
			fail_msg("--%s: no help text", opt->name);
		if (opt->restart_as && !opt->restart)
			fail_msg("--%s: restart_as without restart", opt->name);
		for (size_t j = 0; j < i; j++)
			assert_false(opt->letter && opt->letter == cli_options[j].letter);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_rows),
		cmocka_unit_test(test_command_line_wins),
		cmocka_unit_test(test_defaults_without_file),
		cmocka_unit_test(test_reload_rereads_the_file),
		cmocka_unit_test(test_bad_values_are_usage_errors),
		cmocka_unit_test(test_shipped_configs),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
