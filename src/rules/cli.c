// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* `cactus rules check` and `cactus rules list`. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli/options.h"
#include "rules.h"

static const char rules_usage[] =
"Usage: cactus rules check FILE|DIR...\n"
"       cactus rules list [--rules FILE|DIR]... [--no-default-rules]\n"
"\n"
"check  validates rule files; prints every error as file:line: reason\n"
"list   shows the rules that would be loaded (the default set when no --rules)\n";

const char *rules_default_path(void)
{
	static char buf[PATH_MAX + 32];
	const char *dir = getenv("CACTUS_RULES_DIR");
	char exe[PATH_MAX];
	ssize_t n;
	char *slash;

	if (dir && *dir) {
		if ((size_t)snprintf(buf, sizeof(buf), "%s/default.yaml", dir) < sizeof(buf))
			return buf;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = 0;
		slash = strrchr(exe, '/');
		if (slash)
			*slash = 0;
		n = snprintf(buf, sizeof(buf), "%s/rules/default.yaml", exe);
		if ((size_t)n < sizeof(buf) && !access(buf, R_OK))
			return buf;
	}
	if (!access("/usr/share/cactus/rules/default.yaml", R_OK))
		return "/usr/share/cactus/rules/default.yaml";
	return rules_builtin_path();
}

static void print_errors(const struct rule_errors *errs)
{
	for (size_t i = 0; i < errs->n; i++)
		fprintf(stderr, "%s:%d: %s\n", errs->v[i].file, errs->v[i].line, errs->v[i].msg);
}

/* Rules loaded from @path, a file or every file of a directory. */
static size_t rules_from(const struct rule_set *rs, const char *path)
{
	size_t n = 0, plen = strlen(path);

	for (size_t i = 0; i < rules__count(rs); i++) {
		const char *f = rule_file(rules__get(rs, i));

		if (!strcmp(f, path) || (!strncmp(f, path, plen) && f[plen] == '/'))
			n++;
	}
	return n;
}

static struct rule_set *load_or_report(const char *const *paths, size_t n)
{
	struct rule_errors errs = { 0 };
	struct rule_set *rs = rules__load(paths, n, &errs);

	print_errors(&errs);
	if (!rs && !errs.n)
		fputs("cactus: cannot load rules: out of memory\n", stderr);
	rule_errors_free(&errs);
	return rs;
}

static int rules_check(int argc, char **argv)
{
	struct rule_set *rs;

	if (argc < 1) {
		fputs(rules_usage, stderr);
		return EXIT_USAGE;
	}
	rs = load_or_report((const char *const *)argv, (size_t)argc);
	if (!rs)
		return 1;
	for (int i = 0; i < argc; i++)
		printf("%s: %zu rules\n", argv[i], rules_from(rs, argv[i]));
	fprintf(stderr, "%zu rules OK\n", rules__count(rs));
	rules__free(rs);
	return 0;
}

static void print_table(const struct rule_set *rs)
{
	int w = 4;

	for (size_t i = 0; i < rules__count(rs); i++) {
		int len = (int)strlen(rule_name(rules__get(rs, i)));

		w = len > w ? len : w;
	}
	printf("%-*s  %-8s  %-6s  %s\n", w, "NAME", "PRIORITY", "ACTION", "DESCRIPTION");
	for (size_t i = 0; i < rules__count(rs); i++) {
		const struct rule *r = rules__get(rs, i);

		printf("%-*s  %-8s  %-6s  %s\n", w, rule_name(r),
		       rule_priority_name(rule_priority(r)), rule_action_name(rule_action(r)),
		       rule_description(r));
	}
}

/* Collects --rules values into @paths; returns the count or -1. */
static int list_args(int argc, char **argv, const char **paths, bool *no_default)
{
	int n = 0;

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--no-default-rules"))
			*no_default = true;
		else if (!strcmp(argv[i], "--rules") && i + 1 < argc)
			paths[n++] = argv[++i];
		else if (!strncmp(argv[i], "--rules=", 8) && argv[i][8])
			paths[n++] = argv[i] + 8;
		else
			return -1;
	}
	return n;
}

static int rules_list(int argc, char **argv)
{
	const char **paths = calloc((size_t)argc + 1, sizeof(*paths));
	bool no_default = false;
	struct rule_set *rs;
	int n;

	if (!paths)
		return 1;
	n = list_args(argc, argv, paths, &no_default);
	if (n < 0) {
		free(paths);
		fputs(rules_usage, stderr);
		return EXIT_USAGE;
	}
	/* the default set is used only when no --rules is given */
	if (n == 0 && !no_default)
		paths[n++] = rules_default_path();
	rs = load_or_report(paths, (size_t)n);
	free(paths);
	if (!rs)
		return 1;
	print_table(rs);
	rules__free(rs);
	return 0;
}

int cmd_rules(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "check"))
		return rules_check(argc - 2, argv + 2);
	if (argc >= 2 && !strcmp(argv[1], "list"))
		return rules_list(argc - 2, argv + 2);
	if (argc >= 2 && (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help"))) {
		fputs(rules_usage, stdout);
		return 0;
	}
	fputs(rules_usage, stderr);
	return EXIT_USAGE;
}
