// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * src/event/view.c: the pure helpers (path_split, format_rfc3339,
 * signal_name, open_flags_str, event_str) on tables of inputs, and
 * event_view_init on synthetic kernel records of each kind.
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
#include <asm/unistd.h>

#include "event/view.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- synthetic records ---- */

static struct cactus_event *ev_new(int nr)
{
	struct cactus_event *e = calloc(1, sizeof(*e));

	assert_non_null(e);
	e->syscall_nr = nr;
	e->pid = 7;
	e->host_pid = 4242;
	snprintf(e->comm, sizeof(e->comm), "cat");
	return e;
}

static struct event_view *view_new(void)
{
	struct event_view *v = malloc(sizeof(*v));

	assert_non_null(v);
	/* garbage everywhere: event_view_init must set what it uses */
	memset(v, 0x5a, sizeof(*v));
	return v;
}

/* ---- path_split ---- */

struct split_case {
	const char *base;
	const char *path;
	const char *dir;
	const char *file;
};

static const struct split_case split_cases[] = {
	{ NULL, "/mnt/test.txt", "/mnt", "test.txt" },
	{ "/work", "/mnt/test.txt", "/mnt", "test.txt" },   /* absolute: base ignored */
	{ "/mnt", "test.txt", "/mnt", "test.txt" },
	{ "/mnt/", "test.txt", "/mnt", "test.txt" },
	{ "/", "a", "/", "a" },
	{ "/a/b", "../c", "/a", "c" },
	{ "/a", "./b/./c", "/a/b", "c" },
	{ "/a/b", "..", "/", "a" },
	{ "/a/b", "../..", "/", "" },
	{ "/a", "../../../x", "/", "x" },
	{ "/", "..", "/", "" },
	{ NULL, "/../../etc/passwd", "/etc", "passwd" },
	{ NULL, "/a/../../b", "/", "b" },
	{ NULL, "//a///b//c", "/a/b", "c" },
	{ "//x//", "y//z", "/x/y", "z" },
	{ NULL, "/a/b/", "/a", "b" },
	{ NULL, "/a/b//", "/a", "b" },
	{ NULL, "/", "/", "" },
	{ NULL, "///", "/", "" },
	{ NULL, "/.", "/", "" },
	{ NULL, "/a/.", "/", "a" },
	{ NULL, "/a/./", "/", "a" },
	{ "/work", "a/../b.txt", "/work", "b.txt" },
	{ "/work", ".", "/", "work" },
	{ "/a/b/c", "../../d/e", "/a/d", "e" },
	{ NULL, "/.hidden", "/", ".hidden" },
	{ NULL, "/a/...", "/a", "..." },
	{ NULL, "/a/..b", "/a", "..b" },
	{ "/a", "b/", "/a", "b" },
};

static void test_path_split(void **state)
{
	char dir[VIEW_PATH_MAX], file[VIEW_PATH_MAX];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(split_cases); i++) {
		const struct split_case *t = &split_cases[i];

		memset(dir, 'X', sizeof(dir));
		memset(file, 'X', sizeof(file));
		path_split(t->base, t->path, dir, sizeof(dir), file, sizeof(file));
		if (strcmp(dir, t->dir) || strcmp(file, t->file))
			fail_msg("path_split(%s, %s) = (\"%s\", \"%s\"), want (\"%s\", \"%s\")",
				 t->base ?: "NULL", t->path, dir, file, t->dir, t->file);
	}
}

static void test_proc_self_path(void **state)
{
	static const struct {
		const char *in;
		uint32_t pid;
		const char *out;
	} cases[] = {
		{ "/proc/36", 36, "/proc/self" },
		{ "/proc/36/task/37", 36, "/proc/self/task/37" },
		{ "/proc/36", 3, "/proc/36" },      /* another process */
		{ "/proc/361", 36, "/proc/361" },   /* a prefix is not the pid */
		{ "/proc/36", 0, "/proc/36" },      /* pid unknown */
		{ "/host/proc/36", 36, "/host/proc/36" },
		{ "/etc", 36, "/etc" },
	};
	char buf[64];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(buf, sizeof(buf), "%s", cases[i].in);
		proc_self_path(buf, sizeof(buf), cases[i].pid);
		assert_string_equal(buf, cases[i].out);
	}
	/* no room: left as it was */
	snprintf(buf, sizeof(buf), "/proc/1");
	proc_self_path(buf, 8, 1);
	assert_string_equal(buf, "/proc/1");
}

static void test_path_split_null_base_relative(void **state)
{
	char dir[VIEW_PATH_MAX], file[VIEW_PATH_MAX];

	(void)state;
	/* no base known: the last component is still the file name, and the
	 * directory part keeps its components, cleaned */
	path_split(NULL, "a/./b//../c/d.txt", dir, sizeof(dir), file, sizeof(file));
	assert_string_equal(file, "d.txt");
	if (strcmp(dir, "/a/c") && strcmp(dir, "a/c"))
		fail_msg("dir \"%s\"", dir);
	path_split(NULL, "x", dir, sizeof(dir), file, sizeof(file));
	assert_string_equal(file, "x");
	path_split("", "x/y", dir, sizeof(dir), file, sizeof(file));
	assert_string_equal(file, "y");
	if (strcmp(dir, "/x") && strcmp(dir, "x"))
		fail_msg("dir \"%s\"", dir);
}

static void test_path_split_empty_path(void **state)
{
	char dir[64], file[64];

	(void)state;
	path_split("/work", NULL, dir, sizeof(dir), file, sizeof(file));
	assert_string_equal(dir, "/work");
	assert_string_equal(file, "");
	path_split("/work", "", dir, sizeof(dir), file, sizeof(file));
	assert_string_equal(dir, "/work");
	assert_string_equal(file, "");
	path_split(NULL, NULL, dir, sizeof(dir), file, sizeof(file));
	assert_string_equal(dir, "");
	assert_string_equal(file, "");
}

static void test_path_split_small_buffers(void **state)
{
	char dir[8], file[5];

	(void)state;
	memset(dir, 'X', sizeof(dir));
	memset(file, 'X', sizeof(file));
	path_split(NULL, "/abcdefghij/klmnopq", dir, sizeof(dir), file, sizeof(file));
	/* truncated, never overflowed, always terminated */
	assert_string_equal(dir, "/abcdef");
	assert_string_equal(file, "klmn");
}

static void test_path_split_long(void **state)
{
	char *path = malloc(3 * VIEW_PATH_MAX);
	char dir[VIEW_PATH_MAX], file[VIEW_PATH_MAX];
	size_t n = 0;

	(void)state;
	assert_non_null(path);
	/* much longer than the buffers: must not overflow */
	while (n + 12 < 3 * VIEW_PATH_MAX)
		n += (size_t)sprintf(path + n, "/component%02zu", n % 97);
	path_split(NULL, path, dir, sizeof(dir), file, sizeof(file));
	assert_true(strlen(dir) < sizeof(dir));
	assert_true(strlen(file) < sizeof(file));
	assert_true(dir[0] == '/');
	free(path);
}

/* ---- format_rfc3339 ---- */

struct time_case {
	int64_t ns;
	const char *want;
};

static const struct time_case time_cases[] = {
	{ 0, "1970-01-01T00:00:00.000000000Z" },
	{ 1, "1970-01-01T00:00:00.000000001Z" },
	{ 999999999, "1970-01-01T00:00:00.999999999Z" },
	{ 1000000000, "1970-01-01T00:00:01.000000000Z" },
	{ 1700000000123456789LL, "2023-11-14T22:13:20.123456789Z" },
	{ 951782400000000000LL, "2000-02-29T00:00:00.000000000Z" },
	{ -1, "1969-12-31T23:59:59.999999999Z" },
	{ -1000000000LL, "1969-12-31T23:59:59.000000000Z" },
	{ -1500000000LL, "1969-12-31T23:59:58.500000000Z" },
	{ -86400000000001LL, "1969-12-30T23:59:59.999999999Z" },
};

static void test_format_rfc3339(void **state)
{
	char buf[48];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(time_cases); i++) {
		format_rfc3339(time_cases[i].ns, buf, sizeof(buf));
		if (strcmp(buf, time_cases[i].want))
			fail_msg("format_rfc3339(%lld) = %s, want %s",
				 (long long)time_cases[i].ns, buf, time_cases[i].want);
	}
}

/* ---- signal_name ---- */

struct sig_case {
	int sig;
	const char *want;
};

static const struct sig_case sig_cases[] = {
	{ 9, "SIGKILL" },
	{ 15, "SIGTERM" },
	{ 1, "SIGHUP" },
	{ 2, "SIGINT" },
	{ 10, "SIGUSR1" },
	{ 17, "SIGCHLD" },
	{ 19, "SIGSTOP" },
	{ 31, "SIGSYS" },
	{ 0, "0" },
	{ 32, "SIGRTMIN+0" },
	{ 34, "SIGRTMIN+2" },
	{ 64, "SIGRTMIN+32" },
	{ 65, "65" },
	{ 99, "99" },
	{ -1, "-1" },
	{ -15, "-15" },
};

static void test_signal_name(void **state)
{
	char buf[24];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(sig_cases); i++) {
		const char *got = signal_name(sig_cases[i].sig, buf, sizeof(buf));

		assert_non_null(got);
		if (strcmp(got, sig_cases[i].want))
			fail_msg("signal_name(%d) = %s, want %s", sig_cases[i].sig, got,
				 sig_cases[i].want);
	}
}

/* ---- open_flags_str ---- */

struct flags_case {
	uint64_t flags;
	const char *want;
};

static const struct flags_case flags_cases[] = {
	{ O_RDONLY, "O_RDONLY" },
	{ O_WRONLY, "O_WRONLY" },
	{ O_RDWR, "O_RDWR" },
	{ O_WRONLY | O_CREAT | O_TRUNC, "O_WRONLY|O_CREAT|O_TRUNC" },
	{ O_RDWR | O_CLOEXEC | O_DIRECTORY, "O_RDWR|O_DIRECTORY|O_CLOEXEC" },
	{ O_WRONLY | O_APPEND | O_CREAT | O_EXCL, "O_WRONLY|O_CREAT|O_EXCL|O_APPEND" },
	{ O_RDONLY | O_NONBLOCK | O_NOFOLLOW, "O_RDONLY|O_NONBLOCK|O_NOFOLLOW" },
	{ O_PATH | O_CLOEXEC, "O_RDONLY|O_CLOEXEC|O_PATH" },
	{ 0100000, "O_RDONLY|O_LARGEFILE" },   /* the kernel's O_LARGEFILE (glibc's is 0) */
};

static void test_open_flags_str(void **state)
{
	char buf[160];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(flags_cases); i++) {
		open_flags_str(flags_cases[i].flags, buf, sizeof(buf));
		if (strcmp(buf, flags_cases[i].want))
			fail_msg("open_flags_str(%#llo) = %s, want %s",
				 (unsigned long long)flags_cases[i].flags, buf,
				 flags_cases[i].want);
	}
}

static void test_open_flags_str_bounded(void **state)
{
	char buf[160];
	char small[12];

	(void)state;
	/* every bit set: long, but fits and is terminated */
	memset(buf, 'X', sizeof(buf));
	open_flags_str(~0ULL, buf, sizeof(buf));
	assert_true(memchr(buf, 0, sizeof(buf)) != NULL);
	assert_true(!strncmp(buf, "O_ACCMODE|", 10));
	assert_non_null(strstr(buf, "O_CREAT"));
	assert_non_null(strstr(buf, "O_SYNC"));
	/* tiny buffer: truncated, never overflowed */
	memset(small, 'X', sizeof(small));
	open_flags_str(O_WRONLY | O_CREAT | O_TRUNC, small, sizeof(small));
	assert_true(memchr(small, 0, sizeof(small)) != NULL);
	assert_true(!strncmp(small, "O_WRONLY", 8));
}

/* ---- event_str ---- */

static void test_event_str(void **state)
{
	struct cactus_event *e = ev_new(__NR_openat);

	(void)state;
	ev_str(e, STR_PATH, "/mnt/test.txt");
	ev_str(e, STR_BASE, "/work");
	assert_string_equal(event_str(e, STR_PATH), "/mnt/test.txt");
	assert_string_equal(event_str(e, STR_BASE), "/work");
	assert_ptr_equal(event_str(e, STR_BASE), e->data + e->str_off[STR_BASE]);
	/* absent slots, bad slot numbers */
	assert_null(event_str(e, STR_EXTRA));
	assert_null(event_str(e, STR_CGROUP));
	assert_null(event_str(e, -1));
	assert_null(event_str(e, STR_NSLOTS));
	assert_null(event_str(e, 1000));

	/* a slot reaching past the data area is refused */
	e->str_off[STR_EXTRA] = 4000;
	e->str_len[STR_EXTRA] = 200;
	assert_null(event_str(e, STR_EXTRA));
	e->str_off[STR_EXTRA] = 0xffff;
	e->str_len[STR_EXTRA] = 0xffff;
	assert_null(event_str(e, STR_EXTRA));
	e->str_off[STR_EXTRA] = CACTUS_DATA_MAX;
	e->str_len[STR_EXTRA] = 1;
	assert_null(event_str(e, STR_EXTRA));
	/* the terminating NUL must fit too */
	e->str_off[STR_EXTRA] = CACTUS_DATA_MAX - 1;
	e->str_len[STR_EXTRA] = 1;
	assert_null(event_str(e, STR_EXTRA));
	e->str_off[STR_EXTRA] = 0;
	e->str_len[STR_EXTRA] = CACTUS_DATA_MAX;
	assert_null(event_str(e, STR_EXTRA));
	/* a slot inside the data area but past the record's data_len */
	e->str_off[STR_EXTRA] = e->data_len;
	e->str_len[STR_EXTRA] = 1;
	assert_null(event_str(e, STR_EXTRA));
	/* the last one that fits in a full record */
	e->data_len = CACTUS_DATA_MAX;
	e->data[CACTUS_DATA_MAX - 2] = 'z';
	e->data[CACTUS_DATA_MAX - 1] = 0;
	e->str_off[STR_EXTRA] = CACTUS_DATA_MAX - 2;
	e->str_len[STR_EXTRA] = 1;
	assert_string_equal(event_str(e, STR_EXTRA), "z");
	free(e);
}

/* ---- event_view_init ---- */

static void test_view_openat(void **state)
{
	struct cactus_event *e = ev_new(__NR_openat);
	struct event_view *v = view_new();

	(void)state;
	e->ts_boot_ns = 123456789;
	e->args[0] = (uint64_t)AT_FDCWD;
	e->args[2] = O_RDONLY;
	e->ret = 3;
	ev_str(e, STR_PATH, "/mnt/test.txt");
	event_view_init(v, e, NULL, 1700000000000000000LL);
	assert_ptr_equal(v->e, e);
	assert_null(v->c);
	assert_non_null(v->sc);
	assert_string_equal(v->sc->name, "openat");
	assert_string_equal(v->time, "2023-11-14T22:13:20.123456789Z");
	assert_string_equal(v->dirname, "/mnt");
	assert_string_equal(v->filename, "test.txt");
	assert_null(v->path2);
	assert_non_null(strstr(v->flags, "O_RDONLY"));
	assert_null(v->exe);
	assert_int_equal(v->argc, 0);
	assert_null(v->family);
	assert_string_equal(v->addr, "");
	assert_int_equal(v->port, 0);
	assert_int_equal(v->signal_nr, -1);
	assert_null(v->signal);
	assert_int_equal(v->target_pid, 0);
	free(v);
	free(e);
}

static void test_view_openat_relative(void **state)
{
	struct cactus_event *e = ev_new(__NR_openat);
	struct event_view *v = view_new();

	(void)state;
	e->args[2] = O_WRONLY | O_CREAT | O_TRUNC;
	ev_str(e, STR_PATH, "a/../b.txt");
	ev_str(e, STR_BASE, "/work");
	event_view_init(v, e, NULL, 0);
	assert_string_equal(v->dirname, "/work");
	assert_string_equal(v->filename, "b.txt");
	assert_non_null(strstr(v->flags, "O_WRONLY"));
	assert_non_null(strstr(v->flags, "O_CREAT"));
	assert_non_null(strstr(v->flags, "O_TRUNC"));
	assert_null(strstr(v->flags, "O_RDONLY"));
	assert_null(strstr(v->flags, "O_APPEND"));
	free(v);
	free(e);
}

static void test_view_open_flags_arg(void **state)
{
	struct cactus_event *e = ev_new(__NR_open);
	struct event_view *v = view_new();

	(void)state;
	/* open(path, flags, mode): flags are args[1], not args[2] */
	e->args[1] = O_RDWR | O_APPEND;
	e->args[2] = 0644;
	ev_str(e, STR_PATH, "/var/log/x.log");
	event_view_init(v, e, NULL, 0);
	assert_string_equal(v->dirname, "/var/log");
	assert_string_equal(v->filename, "x.log");
	assert_true(!strncmp(v->flags, "O_RDWR", 6));
	assert_non_null(strstr(v->flags, "O_APPEND"));
	free(v);
	free(e);
}

static void test_view_rename(void **state)
{
	struct cactus_event *e = ev_new(__NR_renameat2);
	struct event_view *v = view_new();

	(void)state;
	ev_str(e, STR_PATH, "/tmp/old");
	ev_str(e, STR_EXTRA, "/tmp/new");
	event_view_init(v, e, NULL, 0);
	assert_string_equal(v->dirname, "/tmp");
	assert_string_equal(v->filename, "old");
	assert_non_null(v->path2);
	assert_string_equal(v->path2, "/tmp/new");
	assert_string_equal(v->flags, "");   /* no open flags for rename */
	free(v);
	free(e);
}

static void test_view_mkdir_no_path(void **state)
{
	struct cactus_event *e = ev_new(__NR_mkdir);
	struct event_view *v = view_new();

	(void)state;
	/* the path could not be read */
	event_view_init(v, e, NULL, 0);
	assert_string_equal(v->dirname, "");
	assert_string_equal(v->filename, "");
	assert_string_equal(v->flags, "");
	assert_null(v->path2);
	free(v);
	free(e);
}

static void test_view_execve(void **state)
{
	static const char argv[] = "cat\0/mnt/test.txt";
	struct cactus_event *e = ev_new(__NR_execve);
	struct event_view *v = view_new();

	(void)state;
	ev_str(e, STR_PATH, "/usr/bin/cat");
	ev_str_n(e, STR_EXTRA, argv, sizeof(argv) - 1);
	e->flags = EF_ARGV_NUL;
	event_view_init(v, e, NULL, 0);
	assert_non_null(v->exe);
	assert_string_equal(v->exe, "/usr/bin/cat");
	assert_string_equal(v->dirname, "/usr/bin");
	assert_string_equal(v->filename, "cat");
	assert_int_equal(v->argc, 2);
	assert_string_equal(v->argv[0], "cat");
	assert_string_equal(v->argv[1], "/mnt/test.txt");
	assert_null(v->family);
	assert_null(v->signal);
	assert_string_equal(v->flags, "");
	free(v);
	free(e);
}

static void test_view_execve_argv_shapes(void **state)
{
	/* sh -c "": the trailing empty argument is kept */
	static const char empty_last[] = "sh\0-c\0";
	static const char one[] = "true";
	static const char middle[] = "a\0\0b";
	struct cactus_event *e;
	struct event_view *v = view_new();

	(void)state;
	e = ev_new(__NR_execve);
	ev_str(e, STR_PATH, "/bin/sh");
	ev_str_n(e, STR_EXTRA, empty_last, sizeof(empty_last) - 1);
	event_view_init(v, e, NULL, 0);
	assert_int_equal(v->argc, 3);
	assert_string_equal(v->argv[0], "sh");
	assert_string_equal(v->argv[1], "-c");
	assert_string_equal(v->argv[2], "");
	free(e);

	e = ev_new(__NR_execve);
	ev_str(e, STR_PATH, "/bin/true");
	ev_str(e, STR_EXTRA, one);
	event_view_init(v, e, NULL, 0);
	assert_int_equal(v->argc, 1);
	assert_string_equal(v->argv[0], "true");
	free(e);

	e = ev_new(__NR_execve);
	ev_str(e, STR_PATH, "/bin/x");
	ev_str_n(e, STR_EXTRA, middle, sizeof(middle) - 1);
	event_view_init(v, e, NULL, 0);
	assert_int_equal(v->argc, 3);
	assert_string_equal(v->argv[0], "a");
	assert_string_equal(v->argv[1], "");
	assert_string_equal(v->argv[2], "b");
	free(e);

	/* no argv captured */
	e = ev_new(__NR_execve);
	ev_str(e, STR_PATH, "/bin/x");
	event_view_init(v, e, NULL, 0);
	assert_int_equal(v->argc, 0);
	assert_string_equal(v->exe, "/bin/x");
	free(e);
	free(v);
}

static void test_view_execve_argv_max(void **state)
{
	struct cactus_event *e = ev_new(__NR_execve);
	struct event_view *v = view_new();
	char buf[3 * (VIEW_ARGV_MAX + 10)];
	size_t n = 0;

	(void)state;
	for (int i = 0; i < VIEW_ARGV_MAX + 10; i++) {
		buf[n++] = 'x';
		buf[n++] = (char)('a' + i % 26);
		buf[n++] = 0;
	}
	ev_str(e, STR_PATH, "/bin/x");
	ev_str_n(e, STR_EXTRA, buf, n - 1);
	event_view_init(v, e, NULL, 0);
	assert_int_equal(v->argc, VIEW_ARGV_MAX);
	assert_string_equal(v->argv[0], "xa");
	assert_string_equal(v->argv[VIEW_ARGV_MAX - 1], "xl"); /* 63 % 26 = 11 */
	free(v);
	free(e);
}

static void test_view_execve_relative(void **state)
{
	static const char argv[] = "./run.sh\0--now";
	struct cactus_event *e = ev_new(__NR_execve);
	struct event_view *v = view_new();

	(void)state;
	ev_str(e, STR_PATH, "./run.sh");
	ev_str(e, STR_BASE, "/app/bin");
	ev_str_n(e, STR_EXTRA, argv, sizeof(argv) - 1);
	event_view_init(v, e, NULL, 0);
	assert_string_equal(v->exe, "./run.sh");   /* as passed */
	assert_string_equal(v->dirname, "/app/bin");
	assert_string_equal(v->filename, "run.sh");
	assert_int_equal(v->argc, 2);
	assert_string_equal(v->argv[0], "./run.sh");
	assert_string_equal(v->argv[1], "--now");
	free(v);
	free(e);
}

static void test_view_connect_inet(void **state)
{
	struct cactus_event *e = ev_new(__NR_connect);
	struct event_view *v = view_new();

	(void)state;
	e->flags = EF_HAS_ADDR;
	e->family = AF_INET;
	e->port = 8080;
	assert_int_equal(inet_pton(AF_INET, "127.0.0.1", e->addr), 1);
	event_view_init(v, e, NULL, 0);
	assert_non_null(v->family);
	assert_string_equal(v->family, "AF_INET");
	assert_string_equal(v->addr, "127.0.0.1");
	assert_int_equal(v->port, 8080);
	assert_string_equal(v->dirname, "");
	assert_string_equal(v->filename, "");
	assert_null(v->exe);
	assert_null(v->signal);
	free(v);
	free(e);
}

static void test_view_connect_inet_high_port(void **state)
{
	struct cactus_event *e = ev_new(__NR_bind);
	struct event_view *v = view_new();

	(void)state;
	e->flags = EF_HAS_ADDR;
	e->family = AF_INET;
	e->port = 65535;
	e->addr[0] = 10;
	e->addr[1] = 1;
	e->addr[2] = 255;
	e->addr[3] = 200;
	event_view_init(v, e, NULL, 0);
	assert_string_equal(v->family, "AF_INET");
	assert_string_equal(v->addr, "10.1.255.200");
	assert_int_equal(v->port, 65535);
	free(v);
	free(e);
}

static void test_view_connect_inet6(void **state)
{
	struct cactus_event *e = ev_new(__NR_connect);
	struct event_view *v = view_new();

	(void)state;
	e->flags = EF_HAS_ADDR;
	e->family = AF_INET6;
	e->port = 443;
	e->addr[15] = 1;
	event_view_init(v, e, NULL, 0);
	assert_string_equal(v->family, "AF_INET6");
	assert_string_equal(v->addr, "::1");
	assert_int_equal(v->port, 443);

	assert_int_equal(inet_pton(AF_INET6, "2001:db8::8:800:200c:417a", e->addr), 1);
	event_view_init(v, e, NULL, 0);
	assert_string_equal(v->addr, "2001:db8::8:800:200c:417a");
	free(v);
	free(e);
}

static void test_view_connect_unix(void **state)
{
	struct cactus_event *e = ev_new(__NR_connect);
	struct event_view *v = view_new();

	(void)state;
	e->flags = EF_HAS_ADDR;
	e->family = AF_UNIX;
	e->port = 1234;   /* meaningless for AF_UNIX */
	ev_str(e, STR_PATH, "/var/run/docker.sock");
	event_view_init(v, e, NULL, 0);
	assert_string_equal(v->family, "AF_UNIX");
	assert_string_equal(v->addr, "/var/run/docker.sock");
	assert_int_equal(v->port, 0);
	free(v);
	free(e);
}

static void test_view_connect_no_addr(void **state)
{
	struct cactus_event *e = ev_new(__NR_connect);
	struct event_view *v = view_new();

	(void)state;
	/* family/addr/port filled but EF_HAS_ADDR not set: ignored */
	e->family = AF_INET;
	e->port = 8080;
	e->addr[0] = 127;
	e->addr[3] = 1;
	event_view_init(v, e, NULL, 0);
	assert_null(v->family);
	assert_string_equal(v->addr, "");
	assert_int_equal(v->port, 0);
	free(v);
	free(e);
}

struct sigev_case {
	int nr;
	uint64_t args[3];
	const char *signal;
	int signal_nr;
	long target;
};

static const struct sigev_case sigev_cases[] = {
	{ __NR_kill, { 28, 15, 0 }, "SIGTERM", 15, 28 },
	{ __NR_kill, { (uint64_t)-1, 9, 0 }, "SIGKILL", 9, -1 },        /* kill(-1, ...) */
	{ __NR_kill, { (uint64_t)-28, 2, 0 }, "SIGINT", 2, -28 },       /* process group */
	{ __NR_kill, { 28, 0, 0 }, "0", 0, 28 },                        /* existence probe */
	{ __NR_tkill, { 31, 34, 0 }, "SIGRTMIN+2", 34, 31 },
	{ __NR_tgkill, { 28, 30, 9 }, "SIGKILL", 9, 30 },
	{ __NR_rt_sigaction, { 15, 0, 0 }, "SIGTERM", 15, 0 },
};

static void test_view_signals(void **state)
{
	struct event_view *v = view_new();

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(sigev_cases); i++) {
		const struct sigev_case *t = &sigev_cases[i];
		struct cactus_event *e = ev_new(t->nr);

		memcpy(e->args, t->args, sizeof(t->args));
		event_view_init(v, e, NULL, 0);
		assert_non_null(v->sc);
		if (!v->signal || strcmp(v->signal, t->signal) ||
		    v->signal_nr != t->signal_nr || v->target_pid != t->target)
			fail_msg("case %zu (%s): signal %s nr %d target %ld", i, v->sc->name,
				 v->signal ?: "NULL", v->signal_nr, v->target_pid);
		free(e);
	}
	free(v);
}

static void test_view_not_signal(void **state)
{
	struct cactus_event *e = ev_new(__NR_rt_sigreturn);
	struct event_view *v = view_new();

	(void)state;
	e->args[0] = 9;
	e->args[1] = 9;
	event_view_init(v, e, NULL, 0);
	assert_non_null(v->sc);
	assert_int_equal(v->signal_nr, -1);
	assert_null(v->signal);
	assert_int_equal(v->target_pid, 0);
	free(e);

	e = ev_new(__NR_unshare);
	e->args[0] = 9;
	e->args[1] = 9;
	event_view_init(v, e, NULL, 0);
	assert_int_equal(v->signal_nr, -1);
	assert_null(v->signal);
	free(e);
	free(v);
}

static void test_view_unknown_nr(void **state)
{
	struct cactus_event *e = ev_new(__NR_getpid);   /* not in the table */
	struct event_view *v = view_new();

	(void)state;
	ev_str(e, STR_PATH, "/should/be/ignored");
	e->flags = EF_HAS_ADDR;
	e->family = AF_INET;
	event_view_init(v, e, NULL, 0);
	assert_null(v->sc);
	assert_string_equal(v->time, "1970-01-01T00:00:00.000000000Z");
	assert_string_equal(v->dirname, "");
	assert_string_equal(v->filename, "");
	assert_null(v->family);
	assert_null(v->exe);
	assert_int_equal(v->signal_nr, -1);
	free(v);
	free(e);
}

static void test_view_reuse(void **state)
{
	static const char argv[] = "cat\0x";
	struct cactus_event *e1 = ev_new(__NR_execve);
	struct cactus_event *e2 = ev_new(__NR_kill);
	struct cactus_event *e3 = ev_new(__NR_connect);
	struct event_view *v = view_new();

	(void)state;
	ev_str(e1, STR_PATH, "/bin/cat");
	ev_str_n(e1, STR_EXTRA, argv, sizeof(argv) - 1);
	e2->args[0] = 5;
	e2->args[1] = 9;
	e3->flags = EF_HAS_ADDR;
	e3->family = AF_INET;
	e3->port = 80;

	/* one view reused for consecutive events, as the monitor does */
	event_view_init(v, e1, NULL, 0);
	assert_int_equal(v->argc, 2);
	event_view_init(v, e2, NULL, 0);
	assert_null(v->exe);
	assert_int_equal(v->argc, 0);
	assert_string_equal(v->dirname, "");
	assert_string_equal(v->filename, "");
	assert_string_equal(v->signal, "SIGKILL");
	event_view_init(v, e3, NULL, 0);
	assert_null(v->signal);
	assert_int_equal(v->signal_nr, -1);
	assert_int_equal(v->target_pid, 0);
	assert_string_equal(v->family, "AF_INET");
	assert_string_equal(v->addr, "0.0.0.0");
	assert_int_equal(v->port, 80);
	event_view_init(v, e1, NULL, 0);
	assert_null(v->family);
	assert_string_equal(v->addr, "");
	assert_int_equal(v->port, 0);
	free(v);
	free(e1);
	free(e2);
	free(e3);
}

static void test_view_container(void **state)
{
	struct cactus_event *e = ev_new(__NR_openat);
	struct event_view *v = view_new();
	struct container c = { .id = "abc", .name = "web" };

	(void)state;
	event_view_init(v, e, &c, 0);
	assert_ptr_equal(v->c, &c);
	free(v);
	free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_split),
		cmocka_unit_test(test_proc_self_path),
		cmocka_unit_test(test_path_split_null_base_relative),
		cmocka_unit_test(test_path_split_empty_path),
		cmocka_unit_test(test_path_split_small_buffers),
		cmocka_unit_test(test_path_split_long),
		cmocka_unit_test(test_format_rfc3339),
		cmocka_unit_test(test_signal_name),
		cmocka_unit_test(test_open_flags_str),
		cmocka_unit_test(test_open_flags_str_bounded),
		cmocka_unit_test(test_event_str),
		cmocka_unit_test(test_view_openat),
		cmocka_unit_test(test_view_openat_relative),
		cmocka_unit_test(test_view_open_flags_arg),
		cmocka_unit_test(test_view_rename),
		cmocka_unit_test(test_view_mkdir_no_path),
		cmocka_unit_test(test_view_execve),
		cmocka_unit_test(test_view_execve_argv_shapes),
		cmocka_unit_test(test_view_execve_argv_max),
		cmocka_unit_test(test_view_execve_relative),
		cmocka_unit_test(test_view_connect_inet),
		cmocka_unit_test(test_view_connect_inet_high_port),
		cmocka_unit_test(test_view_connect_inet6),
		cmocka_unit_test(test_view_connect_unix),
		cmocka_unit_test(test_view_connect_no_addr),
		cmocka_unit_test(test_view_signals),
		cmocka_unit_test(test_view_not_signal),
		cmocka_unit_test(test_view_unknown_nr),
		cmocka_unit_test(test_view_reuse),
		cmocka_unit_test(test_view_container),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
