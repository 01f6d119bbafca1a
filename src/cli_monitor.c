// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * `cactus monitor`'s options (see cli_monitor.h). Two getopt passes: the
 * first only learns which options the command line gives (and --config),
 * the second parses the config file's arguments followed by the command
 * line, so one parser checks both and the command line wins.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "agent/config.h"
#include "agent/server.h"
#include "cli_lists.h"
#include "cli_monitor.h"
#include "log.h"
#include "sinks/rotfile.h"

enum {
	OPT_CONFIG = 256, OPT_METRICS_ADDR, OPT_OUTPUT_FILE, OPT_OUTPUT_FILE_MAX,
	OPT_OUTPUT_FILE_KEEP, OPT_WEBHOOK_URL, OPT_WEBHOOK_QUEUE, OPT_PIN_PATH,
};

const struct option monitor_longopts[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "container", required_argument, NULL, 'c' },
	{ "k8s-namespace", required_argument, NULL, 'n' },
	{ "category", required_argument, NULL, 'C' },
	{ "syscall", required_argument, NULL, 's' },
	{ "ring-size", required_argument, NULL, 'R' },
	{ "attach", required_argument, NULL, 'A' },
	{ "deny-open", required_argument, NULL, 'P' },
	{ "docker-sock", required_argument, NULL, 'D' },
	{ "rules", required_argument, NULL, 'r' },
	{ "no-default-rules", no_argument, NULL, 'N' },
	{ "alerts-only", no_argument, NULL, 'a' },
	{ "max-containers", required_argument, NULL, 'M' },
	{ "alert-window", required_argument, NULL, 'W' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "metrics-addr", required_argument, NULL, OPT_METRICS_ADDR },
	{ "output-file", required_argument, NULL, OPT_OUTPUT_FILE },
	{ "output-file-max-bytes", required_argument, NULL, OPT_OUTPUT_FILE_MAX },
	{ "output-file-keep", required_argument, NULL, OPT_OUTPUT_FILE_KEEP },
	{ "webhook-url", required_argument, NULL, OPT_WEBHOOK_URL },
	{ "webhook-queue", required_argument, NULL, OPT_WEBHOOK_QUEUE },
	{ "pin-path", required_argument, NULL, OPT_PIN_PATH },
	{ "help", no_argument, NULL, 'h' },
	{},
};

#define N_LONGOPTS (sizeof(monitor_longopts) / sizeof(monitor_longopts[0]) - 1)
static const char shortopts[] = "o:c:n:C:s:r:vh";

struct monitor_cli {
	struct monitor_opts o;
	bool cat_sel[CACTUS_MAX_SYSCALLS], sc_sel[CACTUS_MAX_SYSCALLS]; /* by table index */
	bool any_cat, any_sc;
	char **file_argv;               /* the config file's "--key=value" strings */
	char **args;                    /* what the second pass parses */
	size_t n_keys;                  /* keys the file set */
	int argc;                       /* the command line, for reloads */
	char **argv;
	struct monitor_cli *next;       /* options of later reloads */
};

int cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("cactus: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'cactus help'.\n", stderr);
	return EXIT_USAGE;
}

static void list_categories(FILE *f)
{
	for (int i = 0; i < CAT_COUNT; i++)
		fprintf(f, "%s%s (\"%s\")", i ? ", " : "", cactus_category_short(i),
			cactus_category_name(i));
	fputc('\n', f);
}

static void list_syscall_names(FILE *f)
{
	for (size_t i = 0; i < cactus_syscalls_count; i++)
		fprintf(f, "%s%s", i ? " " : "", cactus_syscalls[i].name);
	fputc('\n', f);
}

/* Applies a comma-separated list to @sel (bool per table index); says
 * what is wrong on stderr. */
static int parse_list(const char *opt, const char *list, bool by_category, bool *sel)
{
	char bad[128];

	switch (cli_parse_list(list, by_category, sel, bad, sizeof(bad))) {
	case CLI_LIST_OK:
		return 0;
	case CLI_LIST_EMPTY:
		fprintf(stderr, "cactus: error: %s '%s': an empty name in the list\n", opt, list);
		return -EINVAL;
	default:
		fprintf(stderr, "cactus: error: unknown %s '%s'; valid: ",
			by_category ? "category" : "syscall", bad);
		if (by_category)
			list_categories(stderr);
		else
			list_syscall_names(stderr);
		return -EINVAL;
	}
}

/* Decides the traced set: defaults, narrowed by --category, widened/narrowed by --syscall. */
static void select_traced(struct monitor_cli *c)
{
	for (size_t i = 0; i < cactus_syscalls_count; i++) {
		const struct cactus_syscall *sc = &cactus_syscalls[i];
		bool on;

		if (c->any_sc)
			on = c->sc_sel[i] || (c->any_cat && c->cat_sel[i] &&
					      cactus_syscall_default(sc));
		else
			on = cactus_syscall_default(sc) && (!c->any_cat || c->cat_sel[i]);
		c->o.traced[sc->nr] = on;
	}
}

static int parse_u64(const char *arg, unsigned long long min, unsigned long long max,
		     unsigned long long *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-' || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static int parse_ring_size(const char *arg, unsigned long *bytes)
{
	unsigned long long mib;

	if (parse_u64(arg, 1, 1024, &mib) || (mib & (mib - 1)))
		return -EINVAL;
	*bytes = (unsigned long)mib << 20;
	return 0;
}

static int parse_uint(const char *arg, unsigned long long min, unsigned long long max,
		      unsigned int *out)
{
	unsigned long long v;

	if (parse_u64(arg, min, max, &v))
		return -EINVAL;
	*out = (unsigned int)v;
	return 0;
}

/* The options of the filter and the output (the first half of the table). */
static int parse_filter_opt(struct monitor_cli *c, int opt, const char *arg)
{
	struct monitor_opts *o = &c->o;

	switch (opt) {
	case 'o':
		o->format = output_format_parse(arg);
		if ((int)o->format < 0)
			return cli_usage_error("unknown output format '%s' (text, json, block)", arg);
		return 0;
	case 'c':
		if (o->n_containers == MONITOR_MAX_CONTAINERS)
			return cli_usage_error("too many --container options (max 64)");
		/* '' would match no container: surely an unset variable */
		if (!*arg)
			return cli_usage_error("--container needs a name or id, not ''");
		o->containers[o->n_containers++] = arg;
		return 0;
	case 'n':
		if (!*arg)
			return cli_usage_error("--k8s-namespace needs a namespace, not ''");
		o->k8s_namespace = arg;
		return 0;
	case 'C':
		c->any_cat = true;
		return parse_list("--category", arg, true, c->cat_sel) ? EXIT_USAGE : 0;
	case 's':
		c->any_sc = true;
		return parse_list("--syscall", arg, false, c->sc_sel) ? EXIT_USAGE : 0;
	case 'a':
		o->alerts_only = true;
		return 0;
	case 'W':
		if (parse_uint(arg, 0, 3600, &o->alert_window_s))
			return cli_usage_error("--alert-window '%s': seconds, 0..3600", arg);
		return 0;
	}
	return -ENOENT;
}

/* The options of the kernel side and the rules. */
static int parse_kernel_opt(struct monitor_cli *c, int opt, const char *arg)
{
	struct monitor_opts *o = &c->o;

	switch (opt) {
	case 'R':
		if (parse_ring_size(arg, &o->ring_bytes))
			return cli_usage_error("--ring-size '%s': a power of 2 MiB, 1..1024", arg);
		return 0;
	case 'A':
		if (attach_mode_parse(arg) < 0)
			return cli_usage_error("unknown attach mode '%s' (auto, fentry, kprobe, "
					       "tracepoint, tp_btf, raw_tp)", arg);
		o->attach = attach_mode_parse(arg);
		return 0;
	case 'P':
		if (o->n_deny_open == MONITOR_MAX_DENY)
			return cli_usage_error("too many --deny-open options (max 64)");
		if (arg[0] != '/' || strlen(arg) >= 256)
			return cli_usage_error("--deny-open '%s': an absolute path, under 256 bytes",
					       arg);
		o->deny_open[o->n_deny_open++] = arg;
		return 0;
	case 'D':
		o->docker_sock = arg;
		return 0;
	case 'r':
		if (o->n_rules == MONITOR_MAX_CONTAINERS)
			return cli_usage_error("too many --rules options (max 64)");
		o->rules[o->n_rules++] = arg;
		return 0;
	case 'N':
		o->no_default_rules = true;
		return 0;
	case 'M':
		if (parse_uint(arg, 16, 1 << 20, &o->max_containers))
			return cli_usage_error("--max-containers '%s': a number, 16..1048576", arg);
		return 0;
	case 'v':
		o->verbose = true;
		return 0;
	}
	return -ENOENT;
}

/* The node agent's options: config, metrics, sinks. */
static int parse_agent_opt(struct monitor_cli *c, int opt, const char *arg)
{
	struct monitor_opts *o = &c->o;
	struct sockaddr_storage ss;
	unsigned long long keep;
	socklen_t len;

	switch (opt) {
	case OPT_CONFIG:
		o->config = arg;
		return 0;
	case OPT_METRICS_ADDR:
		if (server_parse_addr(arg, &ss, &len))
			return cli_usage_error("--metrics-addr '%s': want HOST:PORT, [IPV6]:PORT "
					       "or :PORT", arg);
		o->metrics_addr = arg;
		return 0;
	case OPT_OUTPUT_FILE:
		if (!*arg)
			return cli_usage_error("--output-file needs a path, not ''");
		o->output_file = arg;
		return 0;
	case OPT_OUTPUT_FILE_MAX:
		if (parse_u64(arg, 4096, INT64_MAX, &o->output_file_max_bytes))
			return cli_usage_error("--output-file-max-bytes '%s': a number of bytes, "
					       ">= 4096", arg);
		return 0;
	case OPT_OUTPUT_FILE_KEEP:
		if (parse_u64(arg, 0, ROTFILE_MAX_KEEP, &keep))
			return cli_usage_error("--output-file-keep '%s': a number, 0..%d", arg,
					       ROTFILE_MAX_KEEP);
		o->output_file_keep = (int)keep;
		return 0;
	case OPT_WEBHOOK_URL:
		if (strncmp(arg, "http://", 7) && strncmp(arg, "https://", 8))
			return cli_usage_error("--webhook-url '%s': not an http(s) URL", arg);
		o->webhook_url = arg;
		return 0;
	case OPT_WEBHOOK_QUEUE:
		if (parse_uint(arg, 1, 1000000, &o->webhook_queue))
			return cli_usage_error("--webhook-queue '%s': a number, 1..1000000", arg);
		return 0;
	case OPT_PIN_PATH:
		if (arg[0] != '/' || strlen(arg) > 200)
			return cli_usage_error("--pin-path '%s': an absolute path (on bpffs), "
					       "under 200 bytes", arg);
		o->pin_path = arg;
		return 0;
	}
	return -ENOENT;
}

static int parse_args(struct monitor_cli *c, int argc, char **argv)
{
	int opt, err;

	c->o = (struct monitor_opts){ .format = OUT_TEXT, .ring_bytes = 16UL << 20,
				      .alert_window_s = 10, .output_file_keep = -1 };
	optind = 0; /* GNU getopt: start over (a reload parses again) */
	opterr = 1;
	while ((opt = getopt_long(argc, argv, shortopts, monitor_longopts, NULL)) != -1) {
		if (opt == 'h')
			return CLI_HELP;
		err = parse_filter_opt(c, opt, optarg);
		if (err == -ENOENT)
			err = parse_kernel_opt(c, opt, optarg);
		if (err == -ENOENT)
			err = parse_agent_opt(c, opt, optarg);
		if (err == -ENOENT)
			return cli_usage_error("bad option for monitor");
		if (err)
			return err;
	}
	if (optind < argc)
		return cli_usage_error("unexpected argument '%s'", argv[optind]);
	select_traced(c);
	return 0;
}

/* ---- the config file ---- */

static int longopt_by_val(int val)
{
	for (size_t i = 0; i < N_LONGOPTS; i++)
		if (monitor_longopts[i].val == val)
			return (int)i;
	return -1;
}

static int longopt_by_arg(const char *arg)
{
	size_t len = strcspn(arg + 2, "=");

	for (size_t i = 0; i < N_LONGOPTS; i++)
		if (strlen(monitor_longopts[i].name) == len &&
		    !strncmp(monitor_longopts[i].name, arg + 2, len))
			return (int)i;
	return -1;
}

/* First pass, quiet: which options the command line gives, and --config. */
static int scan_cmdline(int argc, char **argv, bool *given, const char **config)
{
	char **copy = malloc((argc + 1) * sizeof(*copy));
	int opt, li;

	if (!copy)
		return -ENOMEM;
	memcpy(copy, argv, (argc + 1) * sizeof(*copy));
	*config = NULL;
	optind = 0;
	opterr = 0;
	while (li = -1, (opt = getopt_long(argc, copy, shortopts, monitor_longopts, &li)) != -1) {
		if (li < 0)
			li = longopt_by_val(opt);
		if (li >= 0)
			given[li] = true;
		if (opt == OPT_CONFIG)
			*config = optarg;
	}
	free(copy);
	return 0;
}

/* The file's arguments the command line does not override, then the command line. */
static int merge_args(struct monitor_cli *c, int argc, char **argv, const bool *given)
{
	int n = 0;

	for (char **a = c->file_argv; a && *a; a++)
		n++;
	c->args = calloc(n + argc + 1, sizeof(*c->args));
	if (!c->args)
		return -ENOMEM;
	n = 0;
	c->args[n++] = argv[0];
	for (char **a = c->file_argv; a && *a; a++) {
		int li = longopt_by_arg(*a);

		if (li < 0 || !given[li])
			c->args[n++] = *a;
	}
	for (int i = 1; i < argc; i++)
		c->args[n++] = argv[i];
	return n;
}

static int load_config(struct monitor_cli *c, const char *path)
{
	struct config_errors errs = { 0 };
	struct config *cfg = config__load(path, cactus_config_keys, cactus_config_keys_count, &errs);
	int n;

	if (!cfg) {
		config_errors_print(&errs);
		if (!errs.n)
			fprintf(stderr, "%s: out of memory\n", path);
		config_errors_free(&errs);
		return EXIT_USAGE;
	}
	c->n_keys = config__count(cfg);
	n = config__to_argv(cfg, &c->file_argv);
	config__free(cfg);
	if (n < 0) {
		log_err("%s: %s", path, strerror(-n));
		return EXIT_USAGE;
	}
	return 0;
}

static void cli_free_one(struct monitor_cli *c)
{
	config_argv_free(c->file_argv);
	free(c->args);
	free(c);
}

static int parse_into(struct monitor_cli *c, int argc, char **argv)
{
	bool given[N_LONGOPTS] = { false };
	const char *config;
	int n, err;

	c->argc = argc;
	c->argv = argv;
	if (scan_cmdline(argc, argv, given, &config))
		return EXIT_USAGE;
	if (config && (err = load_config(c, config)))
		return err;
	n = merge_args(c, argc, argv, given);
	if (n < 0)
		return EXIT_USAGE;
	return parse_args(c, n, c->args);
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
	c->o.reload = reparse;
	c->o.reload_ctx = c;
	*out = c;
	return 0;
}

const struct monitor_opts *monitor_cli_opts(const struct monitor_cli *c)
{
	return &c->o;
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
	printf("%s: %zu keys OK\n", path, c->n_keys);
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
	c->o.reload_ctx = first;
	return &c->o;
}
