// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * `cactus monitor`'s options: the table (what is derived from it:
 * cli/options.h), then what its rows point at. A value is checked by its
 * setter the same way whether it comes from the command line or the config
 * file; cli/config.c checks a file's values against the same row first, to
 * report every bad one as file:line: reason.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "metrics/server.h"
#include "cli/lists.h"
#include "cli/options.h"
#include "sinks/rotfile.h"

static int set_bool(struct monitor_args *a, const struct cli_option *opt, const char *arg);
static int set_int(struct monitor_args *a, const struct cli_option *opt, const char *arg);
static int set_mib(struct monitor_args *a, const struct cli_option *opt, const char *arg);
static int set_enum(struct monitor_args *a, const struct cli_option *opt, const char *arg);
static int set_string(struct monitor_args *a, const struct cli_option *opt, const char *arg);
static int set_list(struct monitor_args *a, const struct cli_option *opt, const char *arg);
static int set_category(struct monitor_args *a, const struct cli_option *opt, const char *arg);
static int set_syscall(struct monitor_args *a, const struct cli_option *opt, const char *arg);
static int set_help(struct monitor_args *a, const struct cli_option *opt, const char *arg);
static const char *power_of_two(const char *v);
static const char *absolute_path(const char *v);
static const char *category(const char *v);
static const char *syscall_name(const char *v);
static const char *listen_addr(const char *v);
static const char *http_url(const char *v);

/* The field of struct monitor_opts a row stores into; a list's count too. */
#define FIELD(f) .off = offsetof(struct monitor_opts, f), \
		 .size = sizeof(((struct monitor_opts *)0)->f)
#define LIST(f, n) FIELD(f), .count_off = offsetof(struct monitor_opts, n)

const struct cli_option cli_options[] = {
	{ .name = "output", .letter = 'o', .type = OPT_ENUM, .names = output_format_listed,
	  .parse = output_format_parse, .what = "output format", .set = set_enum,
	  FIELD(format), .restart = true, .arg = "FMT",
	  .help = "text (default, one line per event), json (JSON Lines),\n"
		  "block (key: value blocks as in the paper's Fig 12/13)" },
	{ .name = "container", .letter = 'c', .type = OPT_LIST, .nonempty = true,
	  .what = "a name or id", .set = set_list, LIST(containers, n_containers),
	  .arg = "NAME|ID", .help = "only this container (name, id or id prefix); repeatable" },
	{ .name = "k8s-namespace", .letter = 'n', .type = OPT_STRING, .nonempty = true,
	  .what = "a namespace", .set = set_string, FIELD(k8s_namespace), .arg = "NS",
	  .help = "only containers of pods in Kubernetes namespace NS" },
	/* a list on the command line, comma separated; one name per item in a file */
	{ .name = "category", .letter = 'C', .type = OPT_LIST, .check = category,
	  .set = set_category, .arg = "LIST",
	  .help = "only these categories, comma separated (see below)" },
	{ .name = "syscall", .letter = 's', .type = OPT_LIST, .check = syscall_name,
	  .set = set_syscall, .arg = "LIST",
	  .help = "only these syscalls, comma separated (openat,execve);\n"
		  "also turns on syscalls that are off by default (read...)" },
	{ .name = "ring-size", .type = OPT_INT, .min = 1, .max = 1024, .check = power_of_two,
	  .what = "a power of 2 MiB", .set = set_mib, FIELD(ring_bytes), .restart = true,
	  .arg = "MIB", .help = "ring buffer size in MiB, a power of 2 (default 16)" },
	{ .name = "attach", .type = OPT_ENUM, .names = attach_mode_listed,
	  .parse = attach_mode_parse, .what = "attach mode", .set = set_enum, FIELD(attach),
	  .restart = true, .arg = "MODE",
	  .help = "auto (default: the cheapest the kernel accepts),\n"
		  "fentry, kprobe, tracepoint, tp_btf or raw_tp" },
	{ .name = "deny-open", .type = OPT_LIST, .check = absolute_path, .max_len = 255,
	  .what = "an absolute path, under 256 bytes", .set = set_list,
	  LIST(deny_open, n_deny_open), .arg = "PATH",
	  .help = "inside containers, opening or executing PATH (full\n"
		  "path as the container sees it) fails with EPERM\n"
		  "(BPF-LSM); repeatable" },
	{ .name = "docker-sock", .type = OPT_STRING, .check = absolute_path, .max_len = 255,
	  .what = "an absolute path, under 256 bytes", .set = set_string, FIELD(docker_sock),
	  .restart = true, .arg = "PATH",
	  .help = "Docker Engine API socket (default /var/run/docker.sock)" },
	{ .name = "max-containers", .type = OPT_INT, .min = 16, .max = 1 << 20,
	  .what = "a number", .set = set_int, FIELD(max_containers), .restart = true,
	  .arg = "N",
	  .help = "size of the kernel's per-container tables (default 8192;\n"
		  "entries of ended containers are removed)" },
	{ .name = "rules", .letter = 'r', .type = OPT_LIST, .set = set_list,
	  LIST(rules, n_rules), .arg = "FILE|DIR",
	  .help = "rule files (YAML) instead of the default set; repeatable" },
	{ .name = "no-default-rules", .type = OPT_BOOL, .set = set_bool,
	  FIELD(no_default_rules), .help = "no rules at all unless --rules is given" },
	{ .name = "alerts-only", .type = OPT_BOOL, .set = set_bool, FIELD(alerts_only),
	  .help = "print only events that match a rule" },
	{ .name = "alert-window", .type = OPT_INT, .min = 0, .max = 3600, .what = "seconds",
	  .set = set_int, FIELD(alert_window_s), .restart = true, .arg = "SEC",
	  .help = "an alert identical to one printed within SEC seconds\n"
		  "(same container, rule, message) is counted, not\n"
		  "printed; one alert_repeat record tells the count\n"
		  "(default 10; 0: print every one)" },
	{ .name = "verbose", .letter = 'v', .type = OPT_BOOL, .set = set_bool, FIELD(verbose),
	  .help = "libbpf and debug messages on stderr" },
	/* a file names no other file */
	{ .name = "config", .type = OPT_STRING, .set = set_string, FIELD(config),
	  .cli_only = true, .arg = "FILE", .heading = "As a node agent:",
	  .help = "options from a YAML file: each key is a long option\n"
		  "(output: json); the command line wins, and a key it\n"
		  "names is taken from it only (packaging/cactus.yaml)" },
	{ .name = "metrics-addr", .type = OPT_STRING, .check = listen_addr, .set = set_string,
	  FIELD(metrics_addr), .restart = true, .arg = "HOST:PORT",
	  .help = "Prometheus /metrics and /healthz (:PORT: every\n"
		  "address)" },
	{ .name = "output-file", .type = OPT_STRING, .nonempty = true, .what = "a path",
	  .set = set_string, FIELD(output_file), .restart = true, .restart_as = "output-file*",
	  .arg = "PATH", .help = "events to PATH instead of stdout, rotated by size" },
	{ .name = "output-file-max-bytes", .type = OPT_INT, .min = 4096, .max = INT64_MAX,
	  .what = "a number of bytes", .set = set_int, FIELD(output_file_max_bytes),
	  .restart = true, .restart_as = "output-file*", .arg = "N",
	  .help = "rotate before PATH passes N bytes (default\n"
		  "100 MiB); PATH -> PATH.1 -> ..." },
	{ .name = "output-file-keep", .type = OPT_INT, .min = 0, .max = ROTFILE_MAX_KEEP,
	  .what = "a number", .set = set_int, FIELD(output_file_keep), .restart = true,
	  .restart_as = "output-file*", .arg = "N", .help = "rotated files kept (default 5)" },
	{ .name = "webhook-url", .type = OPT_STRING, .check = http_url, .set = set_string,
	  FIELD(webhook_url), .restart = true, .restart_as = "webhook-*", .arg = "URL",
	  .help = "POST each alert as Falco JSON (Falcosidekick)" },
	{ .name = "webhook-queue", .type = OPT_INT, .min = 1, .max = 1000000,
	  .what = "a number", .set = set_int, FIELD(webhook_queue), .restart = true,
	  .restart_as = "webhook-*", .arg = "N",
	  .help = "alerts waiting while the receiver is down (default\n"
		  "1024; then new ones are dropped and counted)" },
	/* a reload's value is where the stop pins (run.c reads the options then) */
	{ .name = "pin-path", .type = OPT_STRING, .check = absolute_path, .max_len = 200,
	  .what = "an absolute path (on bpffs), under 200 bytes", .set = set_string,
	  FIELD(pin_path), .arg = "DIR",
	  .help = "restart without loss: at start adopt the programs,\n"
		  "maps and ring a previous agent left under DIR (bpffs);\n"
		  "at SIGTERM/SIGINT leave ours there, attached" },
	{ .name = "help", .letter = 'h', .type = OPT_BOOL, .set = set_help, .cli_only = true },
};

#define N_OPTIONS (sizeof(cli_options) / sizeof(cli_options[0]))
const size_t cli_options_count = N_OPTIONS;
_Static_assert(N_OPTIONS <= CLI_OPTIONS_MAX, "raise CLI_OPTIONS_MAX");

const struct cli_option *cli_options__find(const char *name)
{
	for (size_t i = 0; i < N_OPTIONS; i++)
		if (!strcmp(cli_options[i].name, name))
			return &cli_options[i];
	return NULL;
}

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

/* ---- extra checks: NULL when fine, else why not ---- */

static const char *power_of_two(const char *v)
{
	long long n = atoll(v);

	return n > 0 && !(n & (n - 1)) ? NULL : "not a power of 2";
}

static const char *absolute_path(const char *v)
{
	return v[0] != '/' ? "not an absolute path" : NULL;
}

static const char *category(const char *v)
{
	return cactus_category_parse(v) < 0 ? "unknown category (cactus syscalls lists them)"
					    : NULL;
}

static const char *syscall_name(const char *v)
{
	return cactus_syscall_by_name(v) ? NULL : "unknown syscall (cactus syscalls lists them)";
}

static const char *listen_addr(const char *v)
{
	struct sockaddr_storage ss;
	socklen_t len;

	return server_parse_addr(v, &ss, &len) ? "want HOST:PORT, [IPV6]:PORT or :PORT" : NULL;
}

static const char *http_url(const char *v)
{
	return strncmp(v, "http://", 7) && strncmp(v, "https://", 8) ? "not an http(s) URL"
								     : NULL;
}

/* ---- checking a value as the command line does ---- */

void cli_option__names(const struct cli_option *opt, char *buf, size_t len)
{
	const char *name;
	size_t n = 0;

	buf[0] = 0;
	for (int i = 0; (name = opt->names(i)) && n < len; i++)
		n += snprintf(buf + n, len - n, "%s%s", i ? ", " : "", name);
}

/* "--alert-window '5000': seconds, 0..3600" */
static int bad_value(const struct cli_option *opt, const char *arg, const char *why)
{
	if (opt->type == OPT_INT && opt->max == INT64_MAX)
		return cli_usage_error("--%s '%s': %s, >= %lld", opt->name, arg, opt->what,
				       opt->min);
	if (opt->type == OPT_INT)
		return cli_usage_error("--%s '%s': %s, %lld..%lld", opt->name, arg, opt->what,
				       opt->min, opt->max);
	return cli_usage_error("--%s '%s': %s", opt->name, arg, opt->what ? opt->what : why);
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

static int int_value(const struct cli_option *opt, const char *arg, unsigned long long *v)
{
	if (parse_u64(arg, opt->min, opt->max, v) || (opt->check && opt->check(arg)))
		return bad_value(opt, arg, NULL);
	return 0;
}

static int string_value(const struct cli_option *opt, const char *arg)
{
	const char *why = NULL;

	if (opt->nonempty && !*arg)
		return cli_usage_error("--%s needs %s, not ''", opt->name, opt->what);
	if (opt->check)
		why = opt->check(arg);
	if (!why && opt->max_len && strlen(arg) > opt->max_len)
		why = "too long";
	return why ? bad_value(opt, arg, why) : 0;
}

/* ---- setters ---- */

static void *field(struct monitor_args *a, const struct cli_option *opt)
{
	return (char *)&a->o + opt->off;
}

static int set_bool(struct monitor_args *a, const struct cli_option *opt, const char *arg)
{
	*(bool *)field(a, opt) = !arg || !strcmp(arg, "true");
	return 0;
}

/* An unsigned field of 4 or 8 bytes (an int one holds no negative value here). */
static void store_uint(struct monitor_args *a, const struct cli_option *opt,
		       unsigned long long v)
{
	uint32_t v32 = (uint32_t)v;
	uint64_t v64 = v;

	if (opt->size == sizeof(v32))
		memcpy(field(a, opt), &v32, sizeof(v32));
	else
		memcpy(field(a, opt), &v64, sizeof(v64));
}

static int set_int(struct monitor_args *a, const struct cli_option *opt, const char *arg)
{
	unsigned long long v;
	int err = int_value(opt, arg, &v);

	if (!err)
		store_uint(a, opt, v);
	return err;
}

/* --ring-size: MiB given, bytes kept. */
static int set_mib(struct monitor_args *a, const struct cli_option *opt, const char *arg)
{
	unsigned long long v;
	int err = int_value(opt, arg, &v);

	if (!err)
		store_uint(a, opt, v << 20);
	return err;
}

static int set_enum(struct monitor_args *a, const struct cli_option *opt, const char *arg)
{
	int v = opt->parse(arg);
	char names[160];

	if (v < 0) {
		cli_option__names(opt, names, sizeof(names));
		return cli_usage_error("unknown %s '%s' (%s)", opt->what, arg, names);
	}
	_Static_assert(sizeof(enum output_format) == sizeof(int), "an enum field is an int");
	_Static_assert(sizeof(enum attach_mode) == sizeof(int), "an enum field is an int");
	memcpy(field(a, opt), &v, sizeof(v));
	return 0;
}

static int set_string(struct monitor_args *a, const struct cli_option *opt, const char *arg)
{
	int err = string_value(opt, arg);

	if (!err)
		*(const char **)field(a, opt) = arg;
	return err;
}

/* One more value; the array's size is the most it takes. */
static int set_list(struct monitor_args *a, const struct cli_option *opt, const char *arg)
{
	int *n = (int *)((char *)&a->o + opt->count_off);
	const char **v = field(a, opt);
	int err;

	if ((size_t)*n == opt->size / sizeof(*v))
		return cli_usage_error("too many --%s options (max %zu)", opt->name,
				       opt->size / sizeof(*v));
	err = string_value(opt, arg);
	if (!err)
		v[(*n)++] = arg;
	return err;
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
		return EXIT_USAGE;
	default:
		fprintf(stderr, "cactus: error: unknown %s '%s'; valid: ",
			by_category ? "category" : "syscall", bad);
		if (by_category)
			list_categories(stderr);
		else
			list_syscall_names(stderr);
		return EXIT_USAGE;
	}
}

static int set_category(struct monitor_args *a, const struct cli_option *opt, const char *arg)
{
	(void)opt;
	a->any_cat = true;
	return parse_list("--category", arg, true, a->cat_sel);
}

static int set_syscall(struct monitor_args *a, const struct cli_option *opt, const char *arg)
{
	(void)opt;
	a->any_sc = true;
	return parse_list("--syscall", arg, false, a->sc_sel);
}

static int set_help(struct monitor_args *a, const struct cli_option *opt, const char *arg)
{
	(void)a, (void)opt, (void)arg;
	return CLI_HELP;
}

/* ---- before and after the options ---- */

void monitor_args__init(struct monitor_args *a)
{
	memset(a, 0, sizeof(*a));
	a->o = (struct monitor_opts){ .format = OUT_TEXT, .ring_bytes = 16UL << 20,
				      .alert_window_s = 10, .output_file_keep = -1 };
}

/* The traced set: defaults, narrowed by --category, widened/narrowed by --syscall. */
void monitor_args__finish(struct monitor_args *a)
{
	for (size_t i = 0; i < cactus_syscalls_count; i++) {
		const struct cactus_syscall *sc = &cactus_syscalls[i];
		bool on;

		if (a->any_sc)
			on = a->sc_sel[i] || (a->any_cat && a->cat_sel[i] &&
					      cactus_syscall_default(sc));
		else
			on = cactus_syscall_default(sc) && (!a->any_cat || a->cat_sel[i]);
		a->o.traced[sc->nr] = on;
	}
}

/* ---- reload ---- */

static bool differ(const struct cli_option *opt, const struct monitor_opts *a,
		   const struct monitor_opts *b)
{
	const void *x = (const char *)a + opt->off, *y = (const char *)b + opt->off;
	const char *s, *t;

	if (opt->type != OPT_STRING)
		return memcmp(x, y, opt->size);
	s = *(const char *const *)x;
	t = *(const char *const *)y;
	return (s || t) && (!s || !t || strcmp(s, t));
}

bool cli_options__keep_restart_only(const struct monitor_opts *old, struct monitor_opts *o,
				    char *list, size_t len)
{
	const char *last = NULL;

	/* the rows that share a name are next to each other: said once */
	for (size_t i = 0; i < N_OPTIONS; i++) {
		const struct cli_option *opt = &cli_options[i];
		const char *name = opt->restart_as ? opt->restart_as : opt->name;
		size_t n;

		if (!opt->restart || !differ(opt, old, o))
			continue;
		memcpy((char *)o + opt->off, (const char *)old + opt->off, opt->size);
		if (last && !strcmp(last, name))
			continue;
		n = strlen(list);
		snprintf(list + n, len - n, "%s--%s", n ? ", " : "", name);
		last = name;
	}
	return last != NULL;
}

/* ---- --help ---- */

#define HELP_COLUMN 26

void cli_options__print_help(FILE *f)
{
	for (size_t i = 0; i < N_OPTIONS; i++) {
		const struct cli_option *opt = &cli_options[i];
		int n;

		if (!opt->help)
			continue;
		if (opt->heading)
			fprintf(f, "\n  %s\n", opt->heading);
		if (opt->letter)
			n = fprintf(f, "  -%c, --%s", opt->letter, opt->name);
		else
			n = fprintf(f, "      --%s", opt->name);
		if (opt->arg)
			n += fprintf(f, " %s", opt->arg);
		/* the text at its column, or two spaces after a longer option */
		fprintf(f, "%*s", n < HELP_COLUMN ? HELP_COLUMN - n : 2, "");
		for (const char *p = opt->help; *p; p++) {
			fputc(*p, f);
			if (*p == '\n')
				fprintf(f, "%*s", HELP_COLUMN, "");
		}
		fputc('\n', f);
	}
}
