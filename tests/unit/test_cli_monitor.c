// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * src/cli/monitor.c and the option table (src/cli/options.c): every option
 * is accepted alike on the command line and in a config file, with the same
 * limits, and stored alike; a reload keeps exactly the table's restart-only
 * options; the command line wins over the file, and replaces a repeatable
 * option's values rather than adding to them; a reload re-reads the file;
 * the example config and the DaemonSet's are accepted by the real parser.
 * Run from the repository root.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/config.h"
#include "cli/monitor.h"

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

/* A valid value of each string and list option: the table cannot say one. */
static const char *sample(const struct cli_option *opt)
{
	static const char *const v[][2] = {
		{ "container", "web" }, { "k8s-namespace", "default" }, { "category", "file" },
		{ "syscall", "openat" }, { "deny-open", "/etc/shadow" },
		{ "docker-sock", "/run/docker.sock" }, { "rules", "/etc/cactus/rules.d" },
		{ "metrics-addr", "127.0.0.1:9376" }, { "output-file", "/var/log/cactus.log" },
		{ "webhook-url", "http://localhost:2801/" }, { "pin-path", "/sys/fs/bpf/cactus" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(v); i++)
		if (!strcmp(v[i][0], opt->name))
			return v[i][1];
	fail_msg("--%s: add a valid value to sample() in %s", opt->name, __FILE__);
	return NULL;
}

/* monitor_cli_parse with stderr muted (bad values are expected to say so). */
static int parse_quiet(struct monitor_cli **c, int argc, char **argv)
{
	int saved = dup(2), null = open("/dev/null", O_WRONLY), err;

	fflush(stderr);
	dup2(null, 2);
	err = monitor_cli_parse(argc, argv, c);
	fflush(stderr);
	dup2(saved, 2);
	close(null);
	close(saved);
	if (err)
		*c = NULL;
	return err;
}

/* `monitor --name=value` (--name for a bool), or `monitor -l value` when
 * @letter; in @arg, which must outlive *@c. */
static int parse_cmdline(struct monitor_cli **c, const struct cli_option *opt, const char *value,
			 bool letter, char arg[512])
{
	char *argv[] = { "monitor", arg, (char *)value, NULL };

	if (letter)
		snprintf(arg, 512, "-%c", opt->letter);
	else if (opt->type == OPT_BOOL)
		snprintf(arg, 512, "--%s", opt->name);
	else
		snprintf(arg, 512, "--%s=%s", opt->name, value);
	return parse_quiet(c, letter && opt->type != OPT_BOOL ? 3 : 2, argv);
}

/* `monitor --config FILE` of "name: value". */
static int parse_file(struct monitor_cli **c, const struct cli_option *opt, const char *value)
{
	char *argv[] = { "monitor", "--config", cfg_path, NULL };
	char text[512];

	snprintf(text, sizeof(text), *value ? "%s: %s\n" : "%s: ''\n", opt->name, value);
	write_cfg(text);
	return parse_quiet(c, 3, argv);
}

/* The config file passes cli/config.c's validation (whatever the setters say). */
static bool file_valid(void)
{
	struct config_errors errs = { 0 };
	struct config *cfg = config__load(cfg_path, cli_options, cli_options_count, &errs);
	bool valid = cfg != NULL;

	config_errors_free(&errs);
	config__free(cfg);
	return valid;
}

/* What @opt stored is the same in @a and @b. */
static void assert_same(const struct cli_option *opt, const struct monitor_opts *a,
			const struct monitor_opts *b)
{
	const char *x = (const char *)a + opt->off, *y = (const char *)b + opt->off;

	if (!opt->size) {         /* --category, --syscall: the traced set */
		assert_memory_equal(a->traced, b->traced, sizeof(a->traced));
	} else if (opt->type == OPT_STRING) {
		const char *s = *(const char *const *)x, *t = *(const char *const *)y;

		if (!s || !t)
			assert_ptr_equal(s, t);
		else
			assert_string_equal(s, t);
	} else if (opt->type == OPT_LIST) {
		int n = *(const int *)((const char *)a + opt->count_off);

		assert_int_equal(n, *(const int *)((const char *)b + opt->count_off));
		for (int i = 0; i < n; i++)
			assert_string_equal(((const char *const *)x)[i], ((const char *const *)y)[i]);
	} else {
		assert_memory_equal(x, y, opt->size);
	}
}

/* @value is accepted on the command line iff in a file, and stored alike. */
static void both_ways(const struct cli_option *opt, const char *value, bool ok)
{
	char arg[512], arg2[512];
	struct monitor_cli *cl, *fl, *ll;
	int a = parse_cmdline(&cl, opt, value, false, arg), b = parse_file(&fl, opt, value);

	if ((a == 0) != ok || (b == 0) != ok)
		fail_msg("--%s '%s': command line %d, file %d, want %s", opt->name, value, a, b,
			 ok ? "both accept" : "both refuse");
	assert_true(ok || (a == EXIT_USAGE && b == EXIT_USAGE));
	if (!ok)   /* refused by the key's validation already: file:line: reason */
		assert_false(file_valid());
	if (ok)
		assert_same(opt, monitor_cli_opts(cl), monitor_cli_opts(fl));
	if (ok && opt->letter) {
		assert_int_equal(parse_cmdline(&ll, opt, value, true, arg2), 0);
		assert_same(opt, monitor_cli_opts(cl), monitor_cli_opts(ll));
		monitor_cli_free(ll);
	}
	monitor_cli_free(cl);
	monitor_cli_free(fl);
}

static void walk_int(const struct cli_option *opt)
{
	char v[32];

	snprintf(v, sizeof(v), "%lld", opt->min);
	both_ways(opt, v, true);
	snprintf(v, sizeof(v), "%lld", opt->max);
	both_ways(opt, v, true);
	snprintf(v, sizeof(v), "%lld", opt->min - 1);
	both_ways(opt, v, false);
	snprintf(v, sizeof(v), "%llu", (unsigned long long)opt->max + 1);
	both_ways(opt, v, false);
}

/* A string at the longest the option takes, and one byte longer. */
static void walk_length(const struct cli_option *opt, const char *base)
{
	char v[1024];
	size_t n = strlen(base);

	assert_true(opt->max_len + 1 < sizeof(v) && n <= opt->max_len);
	memcpy(v, base, n);
	memset(v + n, 'x', opt->max_len + 1 - n);
	v[opt->max_len + 1] = 0;
	both_ways(opt, v, false);
	v[opt->max_len] = 0;
	both_ways(opt, v, true);
}

static void walk_option(const struct cli_option *opt)
{
	const char *name;

	switch (opt->type) {
	case OPT_BOOL:
		both_ways(opt, "true", true);
		break;
	case OPT_INT:
		walk_int(opt);
		break;
	case OPT_ENUM:
		for (int i = 0; (name = opt->names(i)); i++)
			both_ways(opt, name, true);
		both_ways(opt, "nonsense", false);
		break;
	case OPT_STRING:
	case OPT_LIST:
		both_ways(opt, sample(opt), true);
		if (opt->nonempty)
			both_ways(opt, "", false);
		if (opt->max_len)
			walk_length(opt, sample(opt));
		break;
	}
}

/* Every option of the table: the same values accepted and refused on the
 * command line and in a config file, at and one past each limit. */
static void test_every_option_both_ways(void **state)
{
	(void)state;
	for (size_t i = 0; i < cli_options_count; i++)
		if (!cli_options[i].cli_only)
			walk_option(&cli_options[i]);
}

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

/* A value of @opt other than the default, on the command line (in @arg). */
static struct monitor_cli *changed(const struct cli_option *opt, const struct monitor_opts *def,
				   char arg[512])
{
	static char v[32];
	const char *value = v;
	struct monitor_cli *c;
	int last = 0;

	switch (opt->type) {
	case OPT_INT:
		snprintf(v, sizeof(v), "%lld", opt->max);
		break;
	case OPT_ENUM:
		while (opt->names(last + 1))
			last++;
		value = opt->names(last);
		break;
	case OPT_BOOL:
		break;
	default:
		value = sample(opt);
	}
	assert_int_equal(parse_cmdline(&c, opt, value, false, arg), 0);
	if (opt->size)
		assert_memory_not_equal((const char *)def + opt->off,
					(const char *)monitor_cli_opts(c) + opt->off, opt->size);
	return c;
}

/* What reload.c keeps until a restart is the table's restart rows, each
 * named once, and only them. */
static void test_restart_set_from_table(void **state)
{
	char *argv[] = { "monitor", NULL };
	struct monitor_cli *def, *c;
	struct monitor_opts all, o;
	char list[256], want[64], arg[512];

	(void)state;
	assert_int_equal(parse(&def, 1, argv), 0);
	all = *monitor_cli_opts(def);
	for (size_t i = 0; i < cli_options_count; i++) {
		const struct cli_option *opt = &cli_options[i];

		if (opt->cli_only)
			continue;
		c = changed(opt, monitor_cli_opts(def), arg);
		o = *monitor_cli_opts(c);
		list[0] = 0;
		assert_int_equal(cli_options__keep_restart_only(monitor_cli_opts(def), &o, list,
								sizeof(list)), opt->restart);
		snprintf(want, sizeof(want), opt->restart ? "--%s" : "",
			 opt->restart_as ? opt->restart_as : opt->name);
		assert_string_equal(list, want);
		if (opt->restart)
			assert_same(opt, &o, monitor_cli_opts(def));
		else if (opt->size)
			assert_same(opt, &o, monitor_cli_opts(c));
		if (opt->restart)   /* every restart option changed at once, below */
			memcpy((char *)&all + opt->off, (char *)monitor_cli_opts(c) + opt->off,
			       opt->size);
		monitor_cli_free(c);
	}
	list[0] = 0;
	assert_true(cli_options__keep_restart_only(monitor_cli_opts(def), &all, list,
						   sizeof(list)));
	/* README "Reload (SIGHUP)" lists these */
	assert_string_equal(list, "--output, --ring-size, --attach, --docker-sock, "
			    "--max-containers, --alert-window, --metrics-addr, --output-file*, "
			    "--webhook-*");
	monitor_cli_free(def);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_rows),
		cmocka_unit_test(test_every_option_both_ways),
		cmocka_unit_test(test_restart_set_from_table),
		cmocka_unit_test(test_command_line_wins),
		cmocka_unit_test(test_defaults_without_file),
		cmocka_unit_test(test_reload_rereads_the_file),
		cmocka_unit_test(test_bad_values_are_usage_errors),
		cmocka_unit_test(test_shipped_configs),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
