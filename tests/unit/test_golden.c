// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Golden output: a fixed set of pseudo-random events (every classified
 * syscall; strings with quotes, newlines, forged separators and bytes that
 * are not UTF-8; every address family; processes with and without a
 * terminal, parents and ancestors; alerts; containers complete, partial or
 * absent) rendered in the three formats, through a rule template naming
 * every field, and matched against the default rules. The bytes must equal
* tests/unit/golden/render.txt.gz (gzip: zcat it): a change of the field table, a formatter or
 * the rule engine that changes what a user reads fails here.
 *
 * After an intended change: GOLDEN_UPDATE=1 build/tests/test_golden, then
 * read the diff of the file before committing it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include "records.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include "output/output.h"
#include "rules/rules.h"

#define GOLDEN "tests/unit/golden/render.txt.gz"
#define N_EVENTS 400
#define N_URING 60

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return n ? (uint32_t)(rng % n) : 0;
}

static const char *pick(const char *const *v, size_t n)
{
	return v[rnd((uint32_t)n)];
}

#define PICK(v) pick((v), sizeof(v) / sizeof((v)[0]))

/* The syscalls the golden events are of: the table as it was when the
 * golden file was made (a syscall added later must not change it). */
static const char *const golden_syscalls[] = {
	"read", "write", "open", "close", "stat", "lstat", "mmap", "mprotect", "munmap",
	"rt_sigaction", "rt_sigreturn", "ioctl", "access", "mremap", "madvise", "dup2", "socket",
	"connect", "accept", "sendto", "recvfrom", "sendmsg", "recvmsg", "shutdown", "bind",
	"listen", "socketpair", "setsockopt", "clone", "fork", "vfork", "execve", "exit", "wait4",
	"kill", "uname", "fcntl", "truncate", "ftruncate", "chdir", "fchdir", "rename", "mkdir",
	"rmdir", "creat", "link", "unlink", "symlink", "readlink", "chmod", "fchmod", "chown",
	"fchown", "lchown", "ptrace", "syslog", "setuid", "setgid", "setpgid", "setsid",
	"setreuid", "setregid", "setgroups", "setresuid", "setresgid", "setfsuid", "setfsgid",
	"capset", "rt_sigqueueinfo", "mknod", "personality", "pivot_root", "prctl", "chroot",
	"acct", "settimeofday", "mount", "umount2", "swapon", "swapoff", "reboot", "sethostname",
	"setdomainname", "iopl", "ioperm", "init_module", "delete_module", "tkill", "getdents64",
	"exit_group", "tgkill", "openat", "mkdirat", "mknodat", "fchownat", "unlinkat",
	"renameat", "linkat", "symlinkat", "readlinkat", "fchmodat", "faccessat", "unshare",
	"utimensat", "accept4", "dup3", "rt_tgsigqueueinfo", "perf_event_open", "setns",
	"process_vm_readv", "process_vm_writev", "finit_module", "renameat2", "memfd_create",
	"kexec_file_load", "bpf", "execveat", "userfaultfd", "pidfd_send_signal", "open_tree",
	"move_mount", "fsopen", "fsmount", "clone3", "openat2", "faccessat2"
};
#define N_GOLDEN_SC (sizeof(golden_syscalls) / sizeof(golden_syscalls[0]))

static const char *const paths[] = {
	"/etc/shadow", "/etc/passwd", "shadow", "../etc/./shadow", "//etc//hosts",
	"/tmp/x", "/proc/7/mem", "/proc/self/fd/3", "/root/.ssh/id_rsa", "/var/log/syslog",
	"a\"b\\c", "line\nbreak", "tab\there", "bad\xff\xfe" "bytes", "/x, Filename: forged",
	" key=value", "/usr/bin/python3", "/bin/busybox", "sh", "/dev/shm/.hidden",
	"/sys/fs/cgroup/release_agent", "", "/", "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
};

static const char *const bases[] = { "/", "/tmp", "/etc", "/root", "/work dir", "/bad\x80" };

static const char *const comms[] = {
	"sh", "cat", "python3", "nginx", "a b", "x\"y", "ctl\x01", "evil\xc3", "loop", "",
};

static const char *const names[] = { "web", "db-1", "", "odd\"name", "nl\nname" };
static const char *const ids[] = {
	"15702483aa7f", "k8s.io/abc", "", "0123456789abcdef0123456789abcdef",
};
static const char *const images[] = { "cactus-busybox:latest", "", "nginx:1.25" };
static const char *const runtimes[] = { "docker", "containerd", "podman", "unknown" };
static const char *const k8s[] = { "", "default", "kube-system" };

static void fill_container(struct container *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->id, sizeof(c->id), "%s", PICK(ids));
	snprintf(c->name, sizeof(c->name), "%s", PICK(names));
	snprintf(c->image, sizeof(c->image), "%s", PICK(images));
	snprintf(c->runtime, sizeof(c->runtime), "%s", PICK(runtimes));
	snprintf(c->k8s_namespace, sizeof(c->k8s_namespace), "%s", PICK(k8s));
	if (c->k8s_namespace[0]) {
		snprintf(c->k8s_pod, sizeof(c->k8s_pod), "pod-%u", rnd(100));
		snprintf(c->k8s_pod_uid, sizeof(c->k8s_pod_uid), "uid-%u", rnd(100));
		snprintf(c->k8s_container, sizeof(c->k8s_container), "ctr-%u", rnd(10));
	}
}

static void fill_ident(struct proc_ident *id)
{
	static const char *const exes[] = { "/bin/busybox", "/usr/bin/python3", "",
					    "/usr/sbin/nginx", "/tmp/x y", "/bin/sh" };

	snprintf(id->comm, sizeof(id->comm), "%s", PICK(comms));
	id->exe = PICK(exes);
	id->host_pid = 1000 + rnd(9000);
	id->flags = (uint8_t)rnd(4);
}

static void fill_proc(struct proc *p)
{
	memset(p, 0, sizeof(*p));
	fill_ident(&p->self);
	p->n_anc = (int)rnd(PROC_ANCESTORS + 1);
	for (int i = 0; i < p->n_anc; i++)
		fill_ident(&p->anc[i]);
	p->tty = rnd(3) == 0;
	if (p->tty)
		snprintf(p->tty_name, sizeof(p->tty_name), "pts/%u", rnd(4));
}

static void fill_addr(struct cactus_event *e)
{
	static const char *const v4[] = { "127.0.0.1", "10.1.2.3", "0.0.0.0" };
	static const char *const v6[] = { "::1", "fd00::5", "::ffff:10.0.0.1" };

	e->flags |= EF_HAS_ADDR;
	e->port = (uint16_t)(rnd(3) ? rnd(65536) : 22);
	switch (rnd(3)) {
	case 0:
		e->family = AF_INET;
		inet_pton(AF_INET, PICK(v4), e->addr);
		break;
	case 1:
		e->family = AF_INET6;
		inet_pton(AF_INET6, PICK(v6), e->addr);
		break;
	default:
		e->family = AF_UNIX;
		ev_str(e, STR_PATH, rnd(2) ? "/run/docker.sock" : "@abstract\x01");
		break;
	}
}

static void fill_argv(struct cactus_event *e)
{
	static const char *const args[] = { "sh", "-c", "cat /etc/shadow", "busybox",
					    "x\"q", "nl\nx", "\xff", "--flag=1", "" };
	char buf[512];
	size_t n = 0;
	uint32_t argc = rnd(6);

	for (uint32_t i = 0; i < argc; i++) {
		const char *a = PICK(args);
		size_t k = strlen(a);

		memcpy(buf + n, a, k + 1);
		n += k + 1;
	}
	if (n) {
		ev_str_n(e, STR_EXTRA, buf, n - 1);
		e->flags |= EF_ARGV_NUL;
	}
}

static void fill_event(struct cactus_event *e, const struct cactus_syscall *sc)
{
	memset(e, 0, sizeof(*e));
	e->ts_boot_ns = 1000000000ULL * rnd(100000) + rnd(1000000000);
	e->cgroup_id = 5000 + rnd(10);
	e->syscall_nr = sc ? (uint32_t)sc->nr : 511;
	e->type = REC_SYSCALL;
	e->pid_ns = 4026532001u;
	e->mnt_ns = 4026532000u;
	e->host_pid = 4000 + rnd(1000);
	e->host_tid = e->host_pid + rnd(2);
	e->host_ppid = 3000 + rnd(1000);
	e->pid = 1 + rnd(50);
	e->ppid = rnd(50);
	e->uid = rnd(2) ? 0 : 1000 + rnd(5);
	e->gid = e->uid;
	e->ret = rnd(4) ? (int64_t)rnd(10) : -(int64_t)rnd(40);
	for (int i = 0; i < 6; i++)
		e->args[i] = rnd(4) ? rnd(0200000) : (uint64_t)-1;
	snprintf(e->comm, sizeof(e->comm), "%s", PICK(comms));
	e->flags = (uint16_t)(rnd(8) == 0 ? EF_NO_EXIT : 0) | (rnd(8) == 0 ? EF_TRUNCATED : 0) |
		   (rnd(8) == 0 ? EF_NO_ENTER : 0) | (rnd(10) == 0 ? EF_KILLED : 0) |
		   (rnd(6) == 0 ? EF_SETUP : 0);
	if (!sc)
		return;
	switch (sc->kind) {
	case CK_PATH:
	case CK_FD:
		if (rnd(5))
			ev_str(e, STR_PATH, PICK(paths));
		if (rnd(2))
			ev_str(e, STR_BASE, PICK(bases));
		if (sc->path2_arg != CACTUS_NO_ARG && rnd(2))
			ev_str(e, STR_EXTRA, PICK(paths));
		if (rnd(4) == 0 && e->str_len[STR_PATH] && e->str_len[STR_PATH] < 200 &&
		    ((const char *)e->data)[e->str_off[STR_PATH]] == '/') {
			e->flags |= EF_RESOLVED;
			e->file_ino = rnd(100);
		}
		break;
	case CK_EXEC:
		if (rnd(6))
			ev_str(e, STR_PATH, PICK(paths));
		if (rnd(2))
			ev_str(e, STR_BASE, PICK(bases));
		fill_argv(e);
		break;
	case CK_SOCKADDR:
		if (rnd(5))
			fill_addr(e);
		break;
	}
}

static const enum alert_outcome outcomes[] = { OUTCOME_ALERTED, OUTCOME_KILLED,
						OUTCOME_DENIED, OUTCOME_NOT_ENFORCED };
static const char *const messages[] = { "a message", "with \"quotes\"\nand a newline",
					 "bad \xfe byte", ", Key: forged" };

/* Every field a template can name, and two that are not fields. */
static const char *const template =
	"t=%time r=%rule p=%priority a=%action sc=%syscall cat=%category act=%activity "
	"nr=%syscall_nr path=%path dir=%dirname file=%filename p2=%path2 exe=%exe "
	"comm=%comm cn=%container_name cid=%container_id img=%image rt=%runtime "
	"ns=%k8s_namespace pod=%k8s_pod kc=%k8s_container fam=%family addr=%addr "
	"sig=%signal fl=%flags pa=%path_arg en=%exe_name pe=%parent_exe pc=%parent_comm "
	"ppid_host=%parent_pid argv=%argv ph=%phase ae=%ancestor_exe ac=%ancestor_comm "
	"prog=%program tty=%tty ep=%entrypoint es=%exec_session pep=%parent_entrypoint "
	"pes=%parent_exec_session uid=%uid gid=%gid pid=%pid ppid=%ppid hp=%host_pid "
	"ht=%host_tid hpp=%host_ppid pns=%pid_ns mns=%mnt_ns ret=%ret port=%port "
	"snr=%signal_nr tp=%target_pid mode=%mode age=%container_age a0=%arg0 a1=%arg1 "
	"a2=%arg2 a3=%arg3 a4=%arg4 a5=%arg5 unknown=%nosuchfield pct=%% end%";

static struct rule_set *load_rules(const char *extra)
{
	char path[] = "/tmp/cactus-golden-XXXXXX";
	const char *paths[2];
	struct rule_errors errs = { 0 };
	struct rule_set *rs;
	int fd = mkstemp(path);
	FILE *f;

	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(extra, f);
	fclose(f);
	paths[0] = rules_default_path();
	paths[1] = path;
	rs = rules__load(paths, 2, &errs);
	for (size_t i = 0; i < errs.n; i++)
		fprintf(stderr, "%s\n", errs.v[i].msg);
	assert_non_null(rs);
	rule_errors_free(&errs);
	unlink(path);
	return rs;
}

/* Event @i of syscall @sc (NULL: unclassified), an io_uring operation of
 * @op's if not NULL: its three formats without and with an alert, and the
 * rules it matches (with the templates' renderings). */
static void render_one(FILE *out, struct rule_set *rs, int i, const struct cactus_syscall *sc,
		       const struct cactus_uring_op *op)
{
	static struct cactus_event e;
	static struct event_view v;
	static struct rule_input in;
	struct container c;
	struct proc p;
	struct alert a;
	struct out_buf ob;
	char storage[16384];
	char buf[8192];

	fill_event(&e, sc);
	if (op) {
		e.uring_op = op->op;
		e.uring_thread = 1 + rnd(3);
	}
	fill_container(&c);
	fill_proc(&p);
	event_view_init(&v, &e, rnd(5) ? &c : NULL, 1700000000000000000LL);
	if (rnd(4))
		v.proc = &p;
	if (v.proc && p.self.exe[0] && !(v.sc && v.sc->kind == CK_EXEC && e.ret < 0))
		v.exe = p.self.exe;
	if (rnd(3))
		v.container_age_ns = (int64_t)rnd(100000) * 1000000 + rnd(1000000);
	fprintf(out, "=== event %d: %s%s%s\n", i, sc ? sc->name : "(unclassified)",
		op ? " via io_uring " : "", op ? op->name : "");
	for (int alert = 0; alert < 2; alert++) {
		a = (struct alert){ .rule = "r\"ule", .priority = "high", .action = "kill",
				    .outcome = outcomes[rnd(4)], .message = PICK(messages) };
		v.alert = alert ? &a : NULL;
		for (int fmt = OUT_TEXT; fmt <= OUT_BLOCK; fmt++) {
			ob_init(&ob, storage, sizeof(storage));
			output_render(&ob, fmt, &v);
			assert_false(ob.oom);
			fwrite(ob.b, 1, ob.len, out);
			ob_free(&ob);
		}
	}
	v.alert = NULL;
	fputs("matches:", out);
	/* one input for every rule, as the monitor does: the same answers */
	rule_input_init(&in, &v);
	for (size_t r = 0; r < rules__count(rs); r++) {
		const struct rule *rule = rules__get(rs, r);
		bool hit = rule_matches(rule, &v);

		assert_int_equal(rule_matches_input(rule, &in), hit);
		if (!hit)
			continue;
		fprintf(out, " %s", rule_name(rule));
		if (!strncmp(rule_name(rule), "golden_template", 15)) {
			rule_render(rule, &v, buf, sizeof(buf));
			fprintf(out, "\ntemplate: %s", buf);
		}
	}
	fputc('\n', out);
}

static void render_all(FILE *out)
{
	struct rule_set *rs;
	char tmpl_rule[4096];

	snprintf(tmpl_rule, sizeof(tmpl_rule),
		 "- rule: golden_template\n  description: every field\n  priority: low\n"
		 "  match:\n    uid: {ne: 4242}\n  output: '%s'\n"
		 "- rule: golden_template_uring\n  description: io_uring fields\n"
		 "  priority: low\n  match:\n    via: io_uring\n    uring_op: {ne: NOP}\n"
		 "  output: 'via=%%via op=%%uring_op thread=%%uring_thread sc=%%syscall'\n",
		 template);
	rs = load_rules(tmpl_rule);
	for (int i = 0; i < N_EVENTS; i++) {
		const struct cactus_syscall *sc = i < (int)N_GOLDEN_SC
			? cactus_syscall_by_name(golden_syscalls[i])
			: (rnd(20) ? cactus_syscall_by_name(golden_syscalls[rnd(N_GOLDEN_SC)]) : NULL);

		render_one(out, rs, i, sc, NULL);
	}
	/* io_uring operations: records of their twins (after the others, so
	 * that adding them left the events above as they were) */
	for (int i = 0; i < N_URING; i++) {
		const struct cactus_uring_op *op = &cactus_uring_ops[i % cactus_uring_ops_count];

		render_one(out, rs, N_EVENTS + i, cactus_syscall_by_name(op->twin), op);
	}
	rules__free(rs);
}

static char *slurp(const char *path, size_t *len)
{
	gzFile f = gzopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0;
	int n;

	if (!f)
		return NULL;
	*len = 0;
	do {
		if (*len + 65536 > cap) {
			cap = cap * 2 + 65536;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		n = gzread(f, buf + *len, (unsigned)(cap - *len));
		assert_true(n >= 0);
		*len += (size_t)n;
	} while (n > 0);
	gzclose(f);
	return buf;
}

static void test_golden(void **state)
{
	char *got = NULL, *want;
	size_t got_len = 0, want_len = 0;
	FILE *f;

	(void)state;
	f = open_memstream(&got, &got_len);
	assert_non_null(f);
	render_all(f);
	assert_int_equal(fclose(f), 0);
	if (getenv("GOLDEN_UPDATE")) {
		gzFile z = gzopen(GOLDEN, "wb9");

		assert_non_null(z);
		assert_int_equal(gzwrite(z, got, (unsigned)got_len), (int)got_len);
		assert_int_equal(gzclose(z), Z_OK);
		free(got);
		return;
	}
	want = slurp(GOLDEN, &want_len);
	assert_non_null(want);
	if (got_len != want_len || memcmp(got, want, got_len)) {
		FILE *d = fopen("build/golden.got", "w");

		if (d) {
			fwrite(got, 1, got_len, d);
			fclose(d);
		}
		fail_msg("rendering differs from " GOLDEN ": zcat it | diff - build/golden.got");
	}
	free(got);
	free(want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
