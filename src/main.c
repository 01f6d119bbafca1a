// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* cactus: command line. main() only parses and wires. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli_lists.h"
#include "containers/containers.h"
#include "log.h"
#include "monitor/monitor.h"
#include "rules/rules.h"

#define EXIT_USAGE 2

static const char usage_text[] =
"Usage: cactus <command> [options]\n"
"\n"
"Watches what happens inside containers: which container opened which file,\n"
"ran which program, connected where, sent which signal.\n"
"\n"
"Commands:\n"
"  monitor      trace syscalls made inside containers and print them (needs root)\n"
"  containers   list running containers with their namespaces\n"
"  syscalls     list the classified syscalls, their category and activity\n"
"  rules        rules check FILE... | rules list [--rules FILE|DIR]...\n"
"  help         show this text\n"
"\n"
"monitor options:\n"
"  -o, --output FMT        text (default, one line per event), json (JSON Lines),\n"
"                          block (key: value blocks as in the paper's Fig 12/13)\n"
"  -c, --container NAME|ID only this container (name, id or id prefix); repeatable\n"
"  -n, --k8s-namespace NS  only containers of pods in Kubernetes namespace NS\n"
"  -C, --category LIST     only these categories, comma separated (see below)\n"
"  -s, --syscall LIST      only these syscalls, comma separated (openat,execve);\n"
"                          also turns on syscalls that are off by default (read...)\n"
"      --ring-size MIB     ring buffer size in MiB, a power of 2 (default 16)\n"
"      --attach MODE       auto (default: the cheapest the kernel accepts),\n"
"                          fentry, kprobe, tracepoint, tp_btf or raw_tp\n"
"      --deny-open PATH    inside containers, opening or executing PATH (full\n"
"                          path as the container sees it) fails with EPERM\n"
"                          (BPF-LSM); repeatable\n"
"      --docker-sock PATH  Docker Engine API socket (default /var/run/docker.sock)\n"
"      --max-containers N  size of the kernel's per-container tables (default 8192;\n"
"                          entries of ended containers are removed)\n"
"  -r, --rules FILE|DIR    rule files (YAML) instead of the default set; repeatable\n"
"      --no-default-rules  no rules at all unless --rules is given\n"
"      --alerts-only       print only events that match a rule\n"
"      --alert-window SEC  an alert identical to one printed within SEC seconds\n"
"                          (same container, rule, message) is counted, not\n"
"                          printed; one alert_repeat record tells the count\n"
"                          (default 10; 0: print every one)\n"
"  -v, --verbose           libbpf and debug messages on stderr\n"
"\n"
"containers options:\n"
"  -o, --output FMT        text (default) or json\n"
"\n"
"Categories: file, dir, net, process, signal, perm, memory, namespace, system\n"
"(or their full names, e.g. \"File Operation\").\n"
"\n"
"Exit status: 0 success, 1 runtime error (privileges, kernel), 2 usage error.\n";

static void usage(FILE *f)
{
	fputs(usage_text, f);
}

static int usage_error(const char *fmt, const char *arg)
{
	fputs("cactus: error: ", stderr);
	fprintf(stderr, fmt, arg);
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
static void select_traced(struct monitor_opts *o, const bool *cat_sel, bool any_cat,
			  const bool *sc_sel, bool any_sc)
{
	for (size_t i = 0; i < cactus_syscalls_count; i++) {
		const struct cactus_syscall *sc = &cactus_syscalls[i];
		bool on;

		if (any_sc)
			on = sc_sel[i] || (any_cat && cat_sel[i] && cactus_syscall_default(sc));
		else
			on = cactus_syscall_default(sc) && (!any_cat || cat_sel[i]);
		o->traced[sc->nr] = on;
	}
}

static int parse_ring_size(const char *arg, unsigned long *bytes)
{
	char *end;
	unsigned long mib;

	errno = 0;
	mib = strtoul(arg, &end, 10);
	if (errno || *end || mib == 0 || mib > 1024 || (mib & (mib - 1)))
		return -EINVAL;
	*bytes = mib << 20;
	return 0;
}

static int parse_count(const char *arg, unsigned long min, unsigned long max, unsigned int *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || v < min || v > max)
		return -EINVAL;
	*out = (unsigned int)v;
	return 0;
}

static int cmd_monitor(int argc, char **argv)
{
	static const struct option longopts[] = {
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
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	static struct monitor_opts o = { .format = OUT_TEXT, .ring_bytes = 16UL << 20,
					 .alert_window_s = 10 };
	static bool cat_sel[512], sc_sel[512];
	bool any_cat = false, any_sc = false;
	int opt;

	while ((opt = getopt_long(argc, argv, "o:c:n:C:s:r:vh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'o':
			o.format = output_format_parse(optarg);
			if ((int)o.format < 0)
				return usage_error("unknown output format '%s' (text, json, block)",
						   optarg);
			break;
		case 'c':
			if (o.n_containers == MONITOR_MAX_CONTAINERS)
				return usage_error("too many --container options (max 64)%s", "");
			/* '' would match no container: surely an unset variable */
			if (!*optarg)
				return usage_error("--container needs a name or id, not ''%s", "");
			o.containers[o.n_containers++] = optarg;
			break;
		case 'n':
			if (!*optarg)
				return usage_error("--k8s-namespace needs a namespace, not ''%s", "");
			o.k8s_namespace = optarg;
			break;
		case 'C':
			if (parse_list("--category", optarg, true, cat_sel))
				return EXIT_USAGE;
			any_cat = true;
			break;
		case 's':
			if (parse_list("--syscall", optarg, false, sc_sel))
				return EXIT_USAGE;
			any_sc = true;
			break;
		case 'R':
			if (parse_ring_size(optarg, &o.ring_bytes))
				return usage_error("--ring-size '%s': a power of 2 MiB, 1..1024", optarg);
			break;
		case 'A':
			if (attach_mode_parse(optarg) < 0)
				return usage_error("unknown attach mode '%s' (auto, fentry, kprobe, "
						   "tracepoint, tp_btf, raw_tp)", optarg);
			o.attach = attach_mode_parse(optarg);
			break;
		case 'P':
			if (o.n_deny_open == MONITOR_MAX_DENY)
				return usage_error("too many --deny-open options (max 64)%s", "");
			if (optarg[0] != '/' || strlen(optarg) >= 256)
				return usage_error("--deny-open '%s': an absolute path, under 256 bytes",
						   optarg);
			o.deny_open[o.n_deny_open++] = optarg;
			break;
		case 'D':
			o.docker_sock = optarg;
			break;
		case 'r':
			if (o.n_rules == MONITOR_MAX_CONTAINERS)
				return usage_error("too many --rules options (max 64)%s", "");
			o.rules[o.n_rules++] = optarg;
			break;
		case 'N':
			o.no_default_rules = true;
			break;
		case 'a':
			o.alerts_only = true;
			break;
		case 'W':
			if (parse_count(optarg, 0, 3600, &o.alert_window_s))
				return usage_error("--alert-window '%s': seconds, 0..3600", optarg);
			break;
		case 'M':
			if (parse_count(optarg, 16, 1 << 20, &o.max_containers))
				return usage_error("--max-containers '%s': a number, 16..1048576", optarg);
			break;
		case 'v':
			log_set_verbose(true);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			return usage_error("bad option for monitor%s", "");
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	select_traced(&o, cat_sel, any_cat, sc_sel, any_sc);
	return monitor_run(&o);
}

static void print_container_json(const struct container *c, bool first)
{
	printf("%s\n  {\"runtime\":\"%s\",\"id\":", first ? "" : ",", c->runtime);
	json_write_str(stdout, c->id);
	printf(",\"name\":");
	json_write_str(stdout, c->name);
	printf(",\"image\":");
	json_write_str(stdout, c->image);
	printf(",\"k8s_namespace\":");
	json_write_str(stdout, c->k8s_namespace);
	printf(",\"k8s_pod\":");
	json_write_str(stdout, c->k8s_pod);
	printf(",\"k8s_pod_uid\":");
	json_write_str(stdout, c->k8s_pod_uid);
	printf(",\"k8s_container\":");
	json_write_str(stdout, c->k8s_container);
	printf(",\"k8s_sandbox\":%s,\"cgroup\":", c->k8s_sandbox ? "true" : "false");
	json_write_str(stdout, c->cgroup);
	printf(",\"cgroup_id\":%llu,\"init_pid\":%d,\"pid_ns\":%u,\"mnt_ns\":%u}",
	       (unsigned long long)c->cgroup_id, c->init_pid, c->pid_ns, c->mnt_ns);
}

static int cmd_containers(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "docker-sock", required_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct containers_opts copts = {};
	struct container **list = NULL;
	bool json = false;
	struct containers *cs;
	size_t n = 0;
	int opt, err;

	while ((opt = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'o':
			if (strcmp(optarg, "json") && strcmp(optarg, "text"))
				return usage_error("unknown output format '%s' (text, json)", optarg);
			json = !strcmp(optarg, "json");
			break;
		case 'D':
			copts.docker_sock = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			return usage_error("bad option for containers%s", "");
		}
	}
	cs = containers__new(&copts);
	if (!cs)
		return 1;
	err = containers__start(cs, false);
	if (!err)
		err = containers__list(cs, &list, &n);
	if (err) {
		log_err("container discovery failed: %s", strerror(-err));
		containers__free(cs);
		return 1;
	}
	if (json) {
		printf("[");
		for (size_t i = 0; i < n; i++)
			print_container_json(list[i], i == 0);
		printf("%s]\n", n ? "\n" : "");
	} else {
		printf("%-10s %-12s %-28s %-24s %-12s %-20s %8s %10s %10s\n", "RUNTIME", "ID",
		       "NAME", "IMAGE", "K8S_NS", "K8S_POD", "INIT_PID", "PID_NS", "MNT_NS");
		for (size_t i = 0; i < n; i++) {
			const struct container *c = list[i];

			printf("%-10s %-12.12s %-28s %-24s %-12s %-20s %8d %10u %10u\n", c->runtime,
			       c->id, c->name, c->image, c->k8s_namespace[0] ? c->k8s_namespace : "-",
			       c->k8s_pod[0] ? c->k8s_pod : "-", c->init_pid, c->pid_ns, c->mnt_ns);
		}
	}
	free(list);
	containers__free(cs);
	return 0;
}

static int cmd_syscalls(void)
{
	printf("%-4s %-20s %-20s %-28s %s\n", "NR", "SYSCALL", "CATEGORY", "ACTIVITY", "DEFAULT");
	for (size_t i = 0; i < cactus_syscalls_count; i++) {
		const struct cactus_syscall *sc = &cactus_syscalls[i];

		printf("%-4d %-20s %-20s %-28s %s\n", sc->nr, sc->name,
		       cactus_category_name(sc->category), sc->activity,
		       cactus_syscall_default(sc) ? "on" : "off");
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	log_setup_libbpf();
	if (!cmd || !strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
		usage(cmd ? stdout : stderr);
		return cmd ? 0 : EXIT_USAGE;
	}
	if (!strcmp(cmd, "monitor"))
		return cmd_monitor(argc - 1, argv + 1);
	if (!strcmp(cmd, "containers"))
		return cmd_containers(argc - 1, argv + 1);
	if (!strcmp(cmd, "syscalls"))
		return cmd_syscalls();
	if (!strcmp(cmd, "rules"))
		return cmd_rules(argc - 1, argv + 1);
	return usage_error("unknown command '%s'", cmd);
}
