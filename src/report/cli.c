// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* `cactus report`'s command line (README "cactus report"). */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "cli/options.h"
#include "report/report.h"

static const char usage_text[] =
"Usage: cactus report [options] [FILE|-]\n"
"       cactus report --duration TIME [monitor filters] [-- monitor options]\n"
"\n"
"What each container did, from the JSON Lines that `cactus monitor --output json`\n"
"wrote (FILE; stdin with - or no FILE), or from a monitor run for TIME (live,\n"
"needs root): per container its events per category and their timeline, the\n"
"programs it ran and their ancestry, the files it touched by directory and\n"
"action, where it listened and connected (the peer named when it is another\n"
"container of the stream), the signals it sent and its alerts.\n"
"\n"
"Options:\n"
"  -f, --format FMT       text (default), json (one document), html (one\n"
"                         self-contained file with plots)\n"
"      --output FILE      the report to FILE instead of stdout\n"
"  -d, --duration TIME    live: run `cactus monitor --output json` for TIME of\n"
"                         monitoring (30s, 5m, 1h, 500ms; a bare number is\n"
"                         seconds), then report on what it printed; Ctrl-C\n"
"                         ends it early\n"
"      --top N            entries shown per list (default 50); the rest counted\n"
"      --top-files N      files shown per directory (default 20)\n"
"  -h, --help             this text\n"
"\n"
"Live only, passed to the monitor:\n"
"  -c, --container NAME|ID  -n, --k8s-namespace NS  -C, --category LIST\n"
"  -s, --syscall LIST       -r, --rules FILE|DIR    --no-default-rules\n"
"  -- OPTION...             any other monitor option (not --output, --output-file)\n"
"\n"
"Exit status: 0 success, 1 runtime error (a file that cannot be read or written,\n"
"the monitor failed), 2 usage error.\n";

enum { OPT_OUTPUT = 256, OPT_TOP, OPT_TOP_FILES, OPT_NO_DEFAULT_RULES };

static const struct option longopts[] = {
	{ "format", required_argument, NULL, 'f' },
	{ "output", required_argument, NULL, OPT_OUTPUT },
	{ "duration", required_argument, NULL, 'd' },
	{ "top", required_argument, NULL, OPT_TOP },
	{ "top-files", required_argument, NULL, OPT_TOP_FILES },
	{ "container", required_argument, NULL, 'c' },
	{ "k8s-namespace", required_argument, NULL, 'n' },
	{ "category", required_argument, NULL, 'C' },
	{ "syscall", required_argument, NULL, 's' },
	{ "rules", required_argument, NULL, 'r' },
	{ "no-default-rules", no_argument, NULL, OPT_NO_DEFAULT_RULES },
	{ "help", no_argument, NULL, 'h' },
	{},
};

/* "90", "90s", "500ms", "5m", "2h": milliseconds, 0 when not a duration */
static uint64_t parse_duration(const char *s)
{
	static const struct {
		const char *unit;
		uint64_t ms;
	} units[] = { { "", 1000 }, { "s", 1000 }, { "ms", 1 }, { "m", 60000 }, { "h", 3600000 } };
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *s == '-' || v > 7 * 24 * 3600 * 1000ULL)
		return 0;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (!strcmp(end, units[i].unit))
			return v * units[i].ms <= 7 * 24 * 3600 * 1000ULL ? v * units[i].ms : 0;
	}
	return 0;
}

static int parse_count(const char *name, const char *s, size_t *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || v < 1 || v > 100000)
		return cli_usage_error("--%s '%s': a number, 1..100000", name, s);
	*out = v;
	return 0;
}

static int parse_format(const char *s, enum report_format *f)
{
	if (!strcmp(s, "text"))
		*f = REPORT_TEXT;
	else if (!strcmp(s, "json"))
		*f = REPORT_JSON;
	else if (!strcmp(s, "html"))
		*f = REPORT_HTML;
	else
		return cli_usage_error("unknown report format '%s' (text, json, html)", s);
	return 0;
}

/* A monitor filter: kept, with its option, for the live run. */
static void pass(struct report_opts *o, const char *opt, const char *arg)
{
	o->monitor_args[o->n_monitor_args++] = (char *)opt;
	if (arg)
		o->monitor_args[o->n_monitor_args++] = (char *)arg;
}

static const char *monitor_opt(int opt)
{
	switch (opt) {
	case 'c':
		return "--container";
	case 'n':
		return "--k8s-namespace";
	case 'C':
		return "--category";
	case 's':
		return "--syscall";
	case 'r':
		return "--rules";
	default:
		return "--no-default-rules";
	}
}

static int parse(int argc, char **argv, struct report_opts *o)
{
	int opt, err = 0;

	optind = 1;
	opterr = 1;
	while (!err && (opt = getopt_long(argc, argv, "f:d:c:n:C:s:r:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			err = parse_format(optarg, &o->format);
			break;
		case OPT_OUTPUT:
			o->output = optarg;
			break;
		case 'd':
			o->duration_ms = parse_duration(optarg);
			if (!o->duration_ms)
				err = cli_usage_error("--duration '%s': a time such as 30s, 5m, 1h, "
						      "500ms (up to 7 days)", optarg);
			break;
		case OPT_TOP:
			err = parse_count("top", optarg, &o->top);
			break;
		case OPT_TOP_FILES:
			err = parse_count("top-files", optarg, &o->top_files);
			break;
		case 'c': case 'n': case 'C': case 's': case 'r':
			if (!*optarg)
				err = cli_usage_error("--%s: an empty value", monitor_opt(opt) + 2);
			else
				pass(o, monitor_opt(opt), optarg);
			break;
		case OPT_NO_DEFAULT_RULES:
			pass(o, monitor_opt(opt), NULL);
			break;
		case 'h':
			fputs(usage_text, stdout);
			return CLI_HELP;
		default:
			return cli_usage_error("bad option for report");
		}
	}
	return err;
}

/* What the options say together: a file or a live run, not both. */
static int check(int argc, char **argv, int dashdash, struct report_opts *o)
{
	int rest = optind;

	if (o->duration_ms) {
		/* after "--": the monitor's own options, but its output is ours */
		if (dashdash && rest < argc && rest == dashdash) {
			for (; rest < argc; rest++) {
				if (!strncmp(argv[rest], "--output", 8) || !strncmp(argv[rest], "-o", 2))
					return cli_usage_error("report reads the monitor's JSON on its "
							       "stdout: no '%s'", argv[rest]);
				pass(o, argv[rest], NULL);
			}
		}
		if (rest < argc)
			return cli_usage_error("report --duration reads a live monitor, not '%s'",
					       argv[rest]);
		return 0;
	}
	if (o->n_monitor_args)
		return cli_usage_error("%s filters a live run: it needs --duration",
				       o->monitor_args[0]);
	if (rest < argc)
		o->input = argv[rest++];
	if (rest < argc)
		return cli_usage_error("report reads one file, not '%s'", argv[rest]);
	return 0;
}

int report_cmd(int argc, char **argv)
{
	struct report_opts o = { .top = 50, .top_files = 20, .html_containers = 50 };
	int dashdash = 0, err;

	/* room for every argument passed on to the monitor */
	o.monitor_args = calloc(2 * (size_t)argc + 1, sizeof(*o.monitor_args));
	if (!o.monitor_args)
		return 1;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			dashdash = i + 1;
			break;
		}
	}
	err = parse(argc, argv, &o);
	if (!err)
		err = check(argc, argv, dashdash, &o);
	if (!err)
		err = report_run(&o);
	free(o.monitor_args);
	return err == CLI_HELP ? 0 : err;
}
