// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * src/procfs: the /proc parsers against a fixture tree
 * (tests/unit/fixtures/proc: stat lines of real shapes, a comm holding ") "
 * and one longer than a task's, lines cut short, v1 and v2 cgroup lines, ns
 * links and a plain file in their place, exe and root links (none points
 * at a real directory: a walker that follows links stays in the tree),
 * missing files), and against this process's own /proc.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "procfs/procfs.h"

#define FIX "tests/unit/fixtures/proc"
#define ID_A "abcd1111e2c4a5f84f2c0d3e6e0f3f86e4a7c3f1b2d5e6a7b8c9d0e1f2a3b4c5"
#define ID_B "abcd2222b2c4a5f84f2c0d3e6e0f3f86e4a7c3f1b2d5e6a7b8c9d0e1f2a3b4c5"

static void stat_full_line(void **state)
{
	struct procfs_stat st;

	(void)state;
	assert_int_equal(procfs_stat(FIX, 100, &st), 0);
	assert_string_equal(st.comm, "sh");
	assert_int_equal(st.state, 'S');
	assert_int_equal(st.ppid, 200);
	assert_int_equal(st.tty_nr, 34816); /* pts/0: major 136 << 8 */
	assert_int_equal(st.start, 7719243);
	assert_int_equal(st.fields, 52);
	/* PROCFS_SELF is <root>/self, here a link to 100 */
	memset(&st, 0, sizeof(st));
	assert_int_equal(procfs_stat(FIX, PROCFS_SELF, &st), 0);
	assert_int_equal(st.start, 7719243);
}

/* comm "a) S 7 (b": the fields start after the last ')' */
static void stat_comm_with_parens(void **state)
{
	struct procfs_stat st;

	(void)state;
	assert_int_equal(procfs_stat(FIX, 200, &st), 0);
	assert_string_equal(st.comm, "a) S 7 (b");
	assert_int_equal(st.state, 'R');
	assert_int_equal(st.ppid, 1);
	assert_int_equal(st.tty_nr, 0);
	assert_int_equal(st.start, 123);
	assert_int_equal(st.fields, 52);
}

/* a workqueue worker's name is longer than a task's comm: cut to 15 */
static void stat_long_comm(void **state)
{
	struct procfs_stat st;

	(void)state;
	assert_int_equal(procfs_stat(FIX, 303, &st), 0);
	assert_string_equal(st.comm, "kworker/u8:1-ev");
	assert_int_equal(st.state, 'I');
	assert_int_equal(st.ppid, 2);
	assert_int_equal(st.tty_nr, 34817);
	assert_int_equal(st.start, 42);
}

static void stat_truncated(void **state)
{
	struct procfs_stat st;

	(void)state;
	/* cut after field 13: ppid and tty are there, the start time is not */
	assert_int_equal(procfs_stat(FIX, 300, &st), 0);
	assert_string_equal(st.comm, "sleep");
	assert_int_equal(st.ppid, 100);
	assert_int_equal(st.fields, 13);
	assert_int_equal(st.start, 0);
	/* cut before ppid, no parentheses, no file, no process */
	assert_int_equal(procfs_stat(FIX, 301, &st), -EINVAL);
	assert_int_equal(procfs_stat(FIX, 302, &st), -EINVAL);
	assert_int_equal(procfs_stat(FIX, 777, &st), -ENOENT);
}

static void stat_of_self(void **state)
{
	struct procfs_stat st;

	(void)state;
	assert_int_equal(procfs_stat(NULL, getpid(), &st), 0);
	assert_int_equal(st.ppid, getppid());
	assert_int_equal(st.state, 'R');
	assert_true(st.fields >= 22);
	assert_true(st.start > 0);
	assert_int_equal(procfs_stat("/proc", PROCFS_SELF, &st), 0);
	assert_int_equal(st.ppid, getppid());
}

static void ns_links(void **state)
{
	uint32_t ino = 0;
	struct stat sb;

	(void)state;
	assert_int_equal(procfs_ns_inode(FIX, 100, "pid", &ino), 0);
	assert_int_equal(ino, 4026532180u);
	assert_int_equal(procfs_ns_inode(FIX, 100, "mnt", &ino), 0);
	assert_int_equal(ino, 4026532177u);
	assert_int_equal(procfs_ns_inode(FIX, 100, "net", &ino), 0);
	assert_int_equal(ino, 4026532183u);
	/* a link that names another namespace; not a number; no such entry;
	 * no such process */
	assert_int_equal(procfs_ns_inode(FIX, 200, "uts", &ino), -EINVAL);
	assert_int_equal(procfs_ns_inode(FIX, 200, "mnt", &ino), -EINVAL);
	assert_int_equal(procfs_ns_inode(FIX, 100, "uts", &ino), -ENOENT);
	assert_int_equal(procfs_ns_inode(FIX, 777, "pid", &ino), -ENOENT);
	/* not a link: the inode stat() finds */
	assert_int_equal(stat(FIX "/200/ns/pid", &sb), 0);
	assert_int_equal(procfs_ns_inode(FIX, 200, "pid", &ino), 0);
	assert_int_equal(ino, (uint32_t)sb.st_ino);
}

/* readlink and stat() agree on a real /proc, for a pid and for self */
static void ns_of_self(void **state)
{
	uint32_t a = 0, b = 0;
	struct stat sb;

	(void)state;
	assert_int_equal(stat("/proc/self/ns/mnt", &sb), 0);
	assert_int_equal(procfs_ns_inode(NULL, getpid(), "mnt", &a), 0);
	assert_int_equal(procfs_ns_inode(NULL, PROCFS_SELF, "mnt", &b), 0);
	assert_int_equal(a, (uint32_t)sb.st_ino);
	assert_int_equal(b, a);
}

struct lines {
	int n, v2;
	char path[4][160];
	int stop_at;
};

static int note_line(bool v2, const char *path, void *ctx)
{
	struct lines *l = ctx;

	if (l->n < 4)
		snprintf(l->path[l->n], sizeof(l->path[0]), "%s", path);
	l->v2 += v2;
	return ++l->n == l->stop_at ? 7 : 0;
}

static void cgroup_lines(void **state)
{
	struct lines l = { 0 };

	(void)state;
	/* a hybrid host: v1 lines, then "0::/" */
	assert_int_equal(procfs_cgroup_lines(FIX, 200, note_line, &l), 0);
	assert_int_equal(l.n, 4);
	assert_int_equal(l.v2, 1);
	assert_string_equal(l.path[0], "/docker/" ID_B);
	assert_string_equal(l.path[2], "/docker/" ID_B);
	assert_string_equal(l.path[3], "/");
	/* v1 only, and a line of another shape skipped */
	memset(&l, 0, sizeof(l));
	assert_int_equal(procfs_cgroup_lines(FIX, 300, note_line, &l), 0);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.v2, 0);
	assert_string_equal(l.path[1], "/docker/" ID_A);
	/* the callback stops the walk; its value is returned */
	memset(&l, 0, sizeof(l));
	l.stop_at = 2;
	assert_int_equal(procfs_cgroup_lines(FIX, 200, note_line, &l), 7);
	assert_int_equal(l.n, 2);
	/* no file */
	assert_int_equal(procfs_cgroup_lines(FIX, 301, note_line, &l), -ENOENT);
}

static void cgroup_v2_path(void **state)
{
	char buf[128], small[16];

	(void)state;
	assert_int_equal(procfs_cgroup_v2_path(FIX, 100, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/system.slice/docker-" ID_A ".scope");
	assert_int_equal(procfs_cgroup_v2_path(FIX, 200, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/");
	assert_int_equal(procfs_cgroup_v2_path(FIX, 300, buf, sizeof(buf)), -ENOENT);
	assert_int_equal(procfs_cgroup_v2_path(FIX, 301, buf, sizeof(buf)), -ENOENT);
	assert_int_equal(procfs_cgroup_v2_path(FIX, 100, small, sizeof(small)), -ENAMETOOLONG);
	/* ours: the unified line is there on this host */
	assert_int_equal(procfs_cgroup_v2_path(NULL, PROCFS_SELF, buf, sizeof(buf)), 0);
	assert_int_equal(buf[0], '/');
}

static void exe_as_the_process_sees_it(void **state)
{
	char buf[64], small[8];

	(void)state;
	/* below its root: the root taken off */
	assert_int_equal(procfs_exe(FIX, 100, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/usr/bin/sleep");
	/* no root link to read: the exe as the link says */
	assert_int_equal(procfs_exe(FIX, 200, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/usr/bin/python3");
	/* a root that is only a prefix of the name, not a directory of it */
	assert_int_equal(procfs_exe(FIX, 300, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/opt/merged-other/bin/x");
	/* no exe (a kernel thread's); a buffer too small */
	assert_int_equal(procfs_exe(FIX, 303, buf, sizeof(buf)), -ENOENT);
	assert_int_equal(procfs_exe(FIX, 100, small, sizeof(small)), -ENAMETOOLONG);
}

static void links_and_paths(void **state)
{
	char buf[128], small[4];
	FILE *f;

	(void)state;
	assert_int_equal(procfs_readlink(FIX, 100, "root", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/var/lib/docker/overlay2/f00d/merged");
	assert_int_equal(procfs_readlink(FIX, 100, "root", small, sizeof(small)), -ENAMETOOLONG);
	assert_int_equal(procfs_readlink(FIX, 100, "stat", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(procfs_readlink(FIX, 777, "exe", buf, sizeof(buf)), -ENOENT);

	assert_int_equal(procfs_in_root(NULL, 42, "/etc/shadow", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/proc/42/root/etc/shadow");
	assert_int_equal(procfs_in_root(FIX, PROCFS_SELF, "/x", buf, sizeof(buf)), 0);
	assert_string_equal(buf, FIX "/self/root/x");
	assert_int_equal(procfs_in_root(NULL, 42, "/etc/shadow", buf, 20), -ENAMETOOLONG);
	/* 0 is no process (a caller's "unknown"), never us */
	assert_int_equal(procfs_in_root(NULL, 0, "/a", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/proc/0/root/a");

	assert_int_equal(procfs_open(FIX, 100, "cgroup", &f), 0);
	fclose(f);
	assert_int_equal(procfs_open(FIX, 100, "status", &f), -ENOENT);
}

static int note_pid(int pid, void *ctx)
{
	int *seen = ctx;

	for (int i = 0; i < 8; i++) {
		if (!seen[i]) {
			seen[i] = pid;
			break;
		}
	}
	return 0;
}

static int stop_at_first(int pid, void *ctx)
{
	(void)pid;
	(void)ctx;
	return -EIO;
}

static void each_pid(void **state)
{
	int seen[8] = { 0 }, sum = 0, n = 0;

	(void)state;
	/* "self" and "sys" are not processes */
	assert_int_equal(procfs_each_pid(FIX, note_pid, seen), 0);
	for (int i = 0; i < 8 && seen[i]; i++, n++)
		sum += seen[i];
	assert_int_equal(n, 6);
	assert_int_equal(sum, 100 + 200 + 300 + 301 + 302 + 303);
	/* the callback stops the walk; its value is returned */
	assert_int_equal(procfs_each_pid(FIX, stop_at_first, NULL), -EIO);
	assert_int_equal(procfs_each_pid(FIX "/nonexistent", note_pid, seen), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stat_full_line),
		cmocka_unit_test(stat_comm_with_parens),
		cmocka_unit_test(stat_long_comm),
		cmocka_unit_test(stat_truncated),
		cmocka_unit_test(stat_of_self),
		cmocka_unit_test(ns_links),
		cmocka_unit_test(ns_of_self),
		cmocka_unit_test(cgroup_lines),
		cmocka_unit_test(cgroup_v2_path),
		cmocka_unit_test(exe_as_the_process_sees_it),
		cmocka_unit_test(links_and_paths),
		cmocka_unit_test(each_pid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
