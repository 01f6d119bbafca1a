// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* cactus: command line. main() only parses and wires. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/monitor.h"
#include "containers/containers.h"
#include "log.h"
#include "monitor/monitor.h"
#include "report/report.h"
#include "rules/rules.h"

/* Before the monitor options, which the option table prints (cli/options.c). */
static const char usage_head[] =
"Usage: cactus <command> [options]\n"
"\n"
"Watches what happens inside containers: which container opened which file,\n"
"ran which program, connected where, sent which signal.\n"
"\n"
"Commands:\n"
"  monitor      trace syscalls made inside containers and print them (needs root)\n"
"  report       what each container did, from monitor's JSON or live: text,\n"
"               json or html (report --help)\n"
"  containers   list running containers with their namespaces\n"
"  syscalls     list the classified syscalls, their category and activity\n"
"  rules        rules check FILE... | rules list [--rules FILE|DIR]...\n"
"  config       config check FILE: validate a config file (file:line: reason)\n"
"  detach       detach [--pin-path DIR]: remove the programs and maps a stopped\n"
"               agent left pinned (default /sys/fs/bpf/cactus)\n"
"  help         show this text\n"
"\n"
"monitor options:\n";

/* After the monitor options (cli_options__print_help). */
static const char usage_tail[] =
"  SIGHUP re-reads the config file and the rule files without detaching\n"
"  (a bad file keeps the running set); SIGINT/SIGTERM stop with a summary.\n"
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
	fputs(usage_head, f);
	cli_options__print_help(f);
	fputs(usage_tail, f);
}

static int cmd_monitor(int argc, char **argv)
{
	struct monitor_cli *cli;
	int err = monitor_cli_parse(argc, argv, &cli);

	if (err == CLI_HELP) {
		usage(stdout);
		return 0;
	}
	if (err)
		return err;
	log_set_verbose(monitor_cli_opts(cli)->verbose);
	err = monitor_run(monitor_cli_opts(cli));
	monitor_cli_free(cli);
	return err;
}

/* `cactus config check FILE`. */
static int cmd_config(int argc, char **argv)
{
	if (argc != 3 || strcmp(argv[1], "check"))
		return cli_usage_error("usage: cactus config check FILE");
	return monitor_cli_check_config(argv[2]);
}

/* `cactus detach [--pin-path DIR]`. */
static int cmd_detach(int argc, char **argv)
{
	const char *dir = "/sys/fs/bpf/cactus";

	if (argc == 3 && !strcmp(argv[1], "--pin-path"))
		dir = argv[2];
	else if (argc == 2 && !strncmp(argv[1], "--pin-path=", 11))
		dir = argv[1] + 11;
	else if (argc != 1)
		return cli_usage_error("usage: cactus detach [--pin-path DIR]");
	if (kernel_check_privileges())
		return 1;
	return kernel__detach_pinned(dir) ? 1 : 0;
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
				return cli_usage_error("unknown output format '%s' (text, json)", optarg);
			json = !strcmp(optarg, "json");
			break;
		case 'D':
			copts.docker_sock = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			return cli_usage_error("bad option for containers%s", "");
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
	if (!strcmp(cmd, "report"))
		return report_cmd(argc - 1, argv + 1);
	if (!strcmp(cmd, "containers"))
		return cmd_containers(argc - 1, argv + 1);
	if (!strcmp(cmd, "syscalls"))
		return cmd_syscalls();
	if (!strcmp(cmd, "rules"))
		return cmd_rules(argc - 1, argv + 1);
	if (!strcmp(cmd, "config"))
		return cmd_config(argc - 1, argv + 1);
	if (!strcmp(cmd, "detach"))
		return cmd_detach(argc - 1, argv + 1);
	return cli_usage_error("unknown command '%s'", cmd);
}
