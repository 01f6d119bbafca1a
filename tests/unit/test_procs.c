// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * src/procs: the process table fed the kernel's fork, exec and exit records
 * as src/monitor/pipeline.c feeds them (procs__record, in ring order), read
 * as the rules read it (procs__get): exe, comm, tty, entrypoint and exec
 * session flags, ancestors (inherited at fork, capped, kept after the
 * parent exits), exits, a container's end, a full table, and the start-up
 * scan of /proc (tests/unit/fixtures/proc).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "procs/procs.h"
#include "records.h"

#define FIX "tests/unit/fixtures/proc"
#define CG 0x1234          /* the container's cgroup id */
#define PTS(n) ((136u << 20) | (n))  /* kernel dev_t of /dev/pts/<n> */

static struct cactus_event ev;

/* A REC_PROC_* record of @pid (parent @ppid), as bpf/procs.h fills it. */
static const struct cactus_event *rec(uint32_t type, uint32_t pid, uint32_t ppid,
				      const char *comm)
{
	memset(&ev, 0, offsetof(struct cactus_event, data));
	ev.type = type;
	ev.host_pid = ev.host_tid = pid;
	ev.host_ppid = ppid;
	ev.cgroup_id = CG;
	ev.ts_boot_ns = 1000ull * pid;
	snprintf(ev.comm, sizeof(ev.comm), "%s", comm);
	return &ev;
}

static void fork_(struct procs *p, uint32_t pid, uint32_t ppid, const char *comm, uint32_t tty)
{
	rec(REC_PROC_FORK, pid, ppid, comm);
	ev.args[PROC_ARG_TTY] = tty;
	procs__record(p, &ev);
}

static void exec_(struct procs *p, uint32_t pid, uint32_t ppid, const char *exe,
		  const char *comm, uint8_t flags, uint32_t tty)
{
	rec(REC_PROC_EXEC, pid, ppid, comm);
	ev.args[PROC_ARG_FLAGS] = flags;
	ev.args[PROC_ARG_TTY] = tty;
	ev_str(&ev, STR_PATH, exe);
	ev_str(&ev, STR_BASE, comm); /* the name asked for: not the exe */
	procs__record(p, &ev);
}

static void exit_(struct procs *p, uint32_t pid)
{
	procs__record(p, rec(REC_PROC_EXIT, pid, 0, ""));
}

/* runc's set-up (pid 100, child of the host's shim 90) execs the entrypoint,
 * which forks a worker that execs a program */
static void a_container(struct procs *p)
{
	fork_(p, 100, 90, "runc:[2:INIT]", 0);
	exec_(p, 100, 90, "/bin/sh", "sh", PROC_F_ENTRYPOINT, 0);
	fork_(p, 101, 100, "sh", 0);
	exec_(p, 101, 100, "/usr/bin/sleep", "sleep", 0, 0);
}

static void entrypoint_and_child(void **state)
{
	struct procs *p = procs__new(0);
	const struct proc *pr;

	(void)state;
	assert_non_null(p);
	a_container(p);
	pr = procs__get(p, 100);
	assert_non_null(pr);
	assert_string_equal(pr->self.exe, "/bin/sh");
	assert_string_equal(pr->self.comm, "sh");
	assert_int_equal(pr->self.host_pid, 100);
	assert_int_equal(pr->self.flags, PROC_ENTRYPOINT);
	assert_int_equal(pr->n_anc, 0); /* the shim is not known */
	assert_false(pr->tty);
	assert_string_equal(pr->tty_name, "");
	assert_int_equal(pr->start_boot_ns, 100000);

	pr = procs__get(p, 101);
	assert_non_null(pr);
	assert_string_equal(pr->self.exe, "/usr/bin/sleep");
	assert_string_equal(pr->self.comm, "sleep");
	assert_int_equal(pr->self.flags, 0);
	assert_int_equal(pr->n_anc, 1);
	assert_string_equal(pr->anc[0].exe, "/bin/sh");
	assert_string_equal(pr->anc[0].comm, "sh");
	assert_int_equal(pr->anc[0].host_pid, 100);
	assert_int_equal(pr->anc[0].flags, PROC_ENTRYPOINT);
	/* fork time, not exec time */
	assert_int_equal(pr->start_boot_ns, 101000);

	assert_null(procs__get(p, 90));
	assert_null(procs__get(p, 102));
	procs__free(p);
}

/* a forked child runs its parent's file until it execs, but is no entrypoint */
static void fork_inherits_exe_not_flags(void **state)
{
	struct procs *p = procs__new(0);
	const struct proc *pr;

	(void)state;
	assert_non_null(p);
	a_container(p);
	fork_(p, 102, 100, "sh", 0);
	pr = procs__get(p, 102);
	assert_non_null(pr);
	assert_string_equal(pr->self.exe, "/bin/sh");
	assert_string_equal(pr->self.comm, "sh");
	assert_int_equal(pr->self.host_pid, 102);
	assert_int_equal(pr->self.flags, 0);
	assert_int_equal(pr->n_anc, 1);
	assert_int_equal(pr->anc[0].host_pid, 100);
	procs__free(p);
}

/* `exec server` from the entrypoint script: still the entrypoint */
static void entrypoint_execs_again(void **state)
{
	struct procs *p = procs__new(0);
	const struct proc *pr;

	(void)state;
	assert_non_null(p);
	a_container(p);
	exec_(p, 100, 90, "/usr/sbin/nginx", "nginx", 0, 0);
	pr = procs__get(p, 100);
	assert_string_equal(pr->self.exe, "/usr/sbin/nginx");
	assert_string_equal(pr->self.comm, "nginx");
	assert_int_equal(pr->self.flags, PROC_ENTRYPOINT);
	/* the child's ancestor is what the parent was at the child's fork */
	pr = procs__get(p, 101);
	assert_string_equal(pr->anc[0].exe, "/bin/sh");
	procs__free(p);
}

/* docker exec -it: the runtime's set-up execs the session's command on a
 * terminal; a shell it starts has the session's command as its parent */
static void exec_session_on_a_tty(void **state)
{
	struct procs *p = procs__new(0);
	const struct proc *pr;

	(void)state;
	assert_non_null(p);
	a_container(p);
	fork_(p, 200, 90, "runc:[2:INIT]", PTS(0));
	exec_(p, 200, 90, "/bin/bash", "bash", PROC_F_EXEC_SESSION, PTS(0));
	fork_(p, 201, 200, "bash", PTS(0));
	exec_(p, 201, 200, "/usr/bin/cat", "cat", 0, PTS(0));
	pr = procs__get(p, 200);
	assert_int_equal(pr->self.flags, PROC_EXEC_SESSION);
	assert_true(pr->tty);
	assert_string_equal(pr->tty_name, "pts/0");
	pr = procs__get(p, 201);
	assert_int_equal(pr->self.flags, 0);
	assert_true(pr->tty);
	assert_string_equal(pr->tty_name, "pts/0");
	assert_int_equal(pr->n_anc, 1);
	assert_string_equal(pr->anc[0].exe, "/bin/bash");
	assert_int_equal(pr->anc[0].flags, PROC_EXEC_SESSION);
	/* the entrypoint's processes are not the session's */
	assert_int_equal(procs__get(p, 101)->anc[0].flags, PROC_ENTRYPOINT);
	procs__free(p);
}

static void tty_names(void **state)
{
	static const struct {
		uint32_t dev;
		const char *name;
	} cases[] = {
		{ PTS(3), "pts/3" },
		{ (137u << 20) | 4, "pts/260" },  /* the second pts major */
		{ (4u << 20) | 1, "tty1" },
		{ (4u << 20) | 64, "4:64" },      /* a serial port, not a tty<n> */
		{ (5u << 20) | 0, "tty" },
		{ (5u << 20) | 1, "console" },
		{ (204u << 20) | 65, "204:65" },
	};
	struct procs *p = procs__new(0);
	const struct proc *pr;

	(void)state;
	assert_non_null(p);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fork_(p, 300 + (uint32_t)i, 1, "getty", cases[i].dev);
		pr = procs__get(p, 300 + (uint32_t)i);
		assert_true(pr->tty);
		assert_string_equal(pr->tty_name, cases[i].name);
	}
	/* an exec on no terminal (setsid) loses it */
	exec_(p, 300, 1, "/bin/true", "true", 0, 0);
	assert_false(procs__get(p, 300)->tty);
	assert_string_equal(procs__get(p, 300)->tty_name, "");
	procs__free(p);
}

/* sh -> sh -> sh -> ...: the nearest PROC_ANCESTORS, nearest first */
static void ancestors_capped(void **state)
{
	struct procs *p = procs__new(0);
	const struct proc *pr;
	char exe[32];

	(void)state;
	assert_non_null(p);
	fork_(p, 400, 90, "runc:[2:INIT]", 0);
	exec_(p, 400, 90, "/bin/p400", "p400", PROC_F_ENTRYPOINT, 0);
	for (uint32_t pid = 401; pid <= 406; pid++) {
		snprintf(exe, sizeof(exe), "/bin/p%u", pid);
		fork_(p, pid, pid - 1, "x", 0);
		exec_(p, pid, pid - 1, exe, exe + 5, 0, 0);
	}
	pr = procs__get(p, 406);
	assert_int_equal(pr->n_anc, PROC_ANCESTORS);
	for (int i = 0; i < PROC_ANCESTORS; i++) {
		snprintf(exe, sizeof(exe), "/bin/p%d", 405 - i);
		assert_string_equal(pr->anc[i].exe, exe);
		assert_string_equal(pr->anc[i].comm, exe + 5);
		assert_int_equal(pr->anc[i].host_pid, 405 - i);
	}
	assert_int_equal(procs__get(p, 402)->n_anc, 2);
	assert_int_equal(procs__get(p, 402)->anc[1].flags, PROC_ENTRYPOINT);
	procs__free(p);
}

/* a parent's exit leaves its children's view of it, strings included */
static void parent_exit_keeps_ancestry(void **state)
{
	struct procs *p = procs__new(0);
	const struct proc *pr;

	(void)state;
	assert_non_null(p);
	a_container(p);
	exit_(p, 100);
	assert_null(procs__get(p, 100));
	/* churn that would reuse a freed string or slot */
	for (uint32_t pid = 500; pid < 600; pid++) {
		fork_(p, pid, 101, "sleep", 0);
		exec_(p, pid, 101, "/bin/sh-other", "o", 0, 0);
		exit_(p, pid);
	}
	pr = procs__get(p, 101);
	assert_non_null(pr);
	assert_int_equal(pr->n_anc, 1);
	assert_string_equal(pr->anc[0].exe, "/bin/sh");
	assert_string_equal(pr->self.exe, "/usr/bin/sleep");
	/* an exit of a pid never seen, a second exit: nothing happens */
	exit_(p, 12345);
	exit_(p, 100);
	assert_non_null(procs__get(p, 101));
	procs__free(p);
}

/* forked before cactus saw it: the exec makes its entry, from its parent */
static void exec_of_unknown_pid(void **state)
{
	struct procs *p = procs__new(0);
	const struct proc *pr;

	(void)state;
	assert_non_null(p);
	a_container(p);
	exec_(p, 700, 101, "/usr/bin/id", "id", 0, PTS(2));
	pr = procs__get(p, 700);
	assert_non_null(pr);
	assert_string_equal(pr->self.exe, "/usr/bin/id");
	assert_int_equal(pr->self.host_pid, 700);
	assert_string_equal(pr->tty_name, "pts/2");
	assert_int_equal(pr->start_boot_ns, 700000);
	assert_int_equal(pr->n_anc, 2);
	assert_string_equal(pr->anc[0].exe, "/usr/bin/sleep");
	assert_string_equal(pr->anc[1].exe, "/bin/sh");
	/* and with an unknown parent: no ancestors */
	exec_(p, 701, 9999, "/usr/bin/id", "id", 0, 0);
	assert_int_equal(procs__get(p, 701)->n_anc, 0);
	procs__free(p);
}

static void forget_cgroup(void **state)
{
	struct procs *p = procs__new(0);

	(void)state;
	assert_non_null(p);
	a_container(p);
	rec(REC_PROC_FORK, 800, 1, "other");
	ev.cgroup_id = CG + 1;
	procs__record(p, &ev);
	procs__forget_cgroup(p, CG);
	assert_null(procs__get(p, 100));
	assert_null(procs__get(p, 101));
	assert_non_null(procs__get(p, 800));
	/* records of other types are not the table's */
	procs__record(p, rec(REC_SYSCALL, 900, 1, "x"));
	procs__record(p, rec(REC_INIT_EXIT, 800, 1, "x"));
	assert_null(procs__get(p, 900));
	assert_non_null(procs__get(p, 800));
	procs__free(p);
}

/* a full table adds nobody; exits make room again (deleted slots reused) */
static void full_table(void **state)
{
	struct procs *p = procs__new(3);

	(void)state;
	assert_non_null(p);
	for (uint32_t pid = 1; pid <= 4; pid++)
		fork_(p, pid, 0, "x", 0);
	assert_non_null(procs__get(p, 3));
	assert_null(procs__get(p, 4));
	exec_(p, 5, 1, "/bin/x", "x", 0, 0);
	assert_null(procs__get(p, 5));
	for (uint32_t round = 0; round < 1000; round++) {
		uint32_t pid = 10 + round;

		exit_(p, round ? pid - 1 : 3);
		fork_(p, pid, 1, "y", 0);
		assert_non_null(procs__get(p, pid));
		assert_non_null(procs__get(p, 1));
		assert_non_null(procs__get(p, 2));
	}
	procs__free(p);
}

static bool all(uint32_t pid, void *ctx)
{
	(void)pid;
	(void)ctx;
	return true;
}

static bool none_but_100(uint32_t pid, void *ctx)
{
	*(int *)ctx += 1;
	return pid == 100;
}

/* the start-up scan: parents before children (by start time), the exe as
 * the process sees it, glibc's tty_nr; lines without a start time skipped */
static void scan_proc(void **state)
{
	struct procs *p = procs__new(0);
	const struct proc *pr;

	(void)state;
	assert_non_null(p);
	assert_int_equal(procs__scan_proc(p, FIX, all, NULL), 0);
	pr = procs__get(p, 100);
	assert_non_null(pr);
	assert_string_equal(pr->self.exe, "/usr/bin/sleep");
	assert_string_equal(pr->self.comm, "sh");
	assert_int_equal(pr->self.flags, 0);
	assert_true(pr->tty);
	assert_string_equal(pr->tty_name, "pts/0");
	assert_int_equal(pr->n_anc, 1);
	assert_int_equal(pr->anc[0].host_pid, 200);
	assert_string_equal(pr->anc[0].comm, "a) S 7 (b");
	assert_string_equal(pr->anc[0].exe, "/usr/bin/python3");
	pr = procs__get(p, 303);
	assert_non_null(pr);
	assert_string_equal(pr->self.exe, "");
	assert_string_equal(pr->self.comm, "kworker/u8:1-ev");
	assert_string_equal(pr->tty_name, "pts/1");
	assert_null(procs__get(p, 300)); /* its stat has no start time */
	assert_null(procs__get(p, 301));
	assert_null(procs__get(p, 302));
	procs__free(p);
}

static void scan_keeps_records(void **state)
{
	struct procs *p = procs__new(0);
	int asked = 0;

	(void)state;
	assert_non_null(p);
	/* a record got there first: it is newer than /proc */
	exec_(p, 100, 90, "/bin/new", "new", PROC_F_ENTRYPOINT, 0);
	assert_int_equal(procs__scan_proc(p, FIX, all, NULL), 0);
	assert_string_equal(procs__get(p, 100)->self.exe, "/bin/new");
	assert_int_equal(procs__get(p, 100)->self.flags, PROC_ENTRYPOINT);
	procs__free(p);

	/* only the pids the caller takes */
	p = procs__new(0);
	assert_non_null(p);
	assert_int_equal(procs__scan_proc(p, FIX, none_but_100, &asked), 0);
	assert_int_equal(asked, 6);
	assert_non_null(procs__get(p, 100));
	assert_int_equal(procs__get(p, 100)->n_anc, 0);
	assert_null(procs__get(p, 200));
	assert_int_equal(procs__scan_proc(p, FIX "/nonexistent", all, NULL), -ENOENT);
	procs__free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(entrypoint_and_child),
		cmocka_unit_test(fork_inherits_exe_not_flags),
		cmocka_unit_test(entrypoint_execs_again),
		cmocka_unit_test(exec_session_on_a_tty),
		cmocka_unit_test(tty_names),
		cmocka_unit_test(ancestors_capped),
		cmocka_unit_test(parent_exit_keeps_ancestry),
		cmocka_unit_test(exec_of_unknown_pid),
		cmocka_unit_test(forget_cgroup),
		cmocka_unit_test(full_table),
		cmocka_unit_test(scan_proc),
		cmocka_unit_test(scan_keeps_records),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
