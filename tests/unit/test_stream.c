// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * src/output/stream.c against real file descriptors: a pipe read to the
 * end, a pipe whose reader is gone (EPIPE, SIGPIPE ignored), /dev/full
 * (ENOSPC at once), a 4 KiB tmpfs that fills in the middle of a record
 * (root: mounted for the test), a non-blocking pipe (EAGAIN), and records
 * larger than the buffer. Counters must say exactly what reached the fd.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output/stream.h"

#define REC_LEN 100

/* Record @i: REC_LEN bytes, "000042 xxx...\n". */
static void record(char *buf, unsigned i)
{
	memset(buf, 'x', REC_LEN);
	snprintf(buf, 8, "%06u", i);
	buf[6] = ' ';
	buf[REC_LEN - 1] = '\n';
}

static int write_records(struct out_stream *s, unsigned n)
{
	char buf[REC_LEN];
	int err = 0;

	for (unsigned i = 0; i < n && !err; i++) {
		record(buf, i);
		err = out_stream__write(s, buf, sizeof(buf));
	}
	return err ? err : out_stream__flush(s);
}

struct drain {
	int fd;
	size_t bytes;
	int slow;       /* sleep between reads, so the writer meets a full pipe */
};

static void *drain_thread(void *arg)
{
	struct drain *d = arg;
	char buf[4096];
	ssize_t n;

	while ((n = read(d->fd, buf, sizeof(buf))) > 0) {
		d->bytes += (size_t)n;
		if (d->slow)
			usleep(200);
	}
	return NULL;
}

/* Every record reaches the reader and is counted once. */
static void check_pipe(int slow, bool nonblock, unsigned n)
{
	struct drain d = { .slow = slow };
	struct out_stream *s;
	pthread_t t;
	int p[2];

	assert_int_equal(pipe(p), 0);
	if (nonblock)
		assert_int_equal(fcntl(p[1], F_SETFL, O_NONBLOCK), 0);
	d.fd = p[0];
	assert_int_equal(pthread_create(&t, NULL, drain_thread, &d), 0);
	s = out_stream__new(p[1]);
	assert_non_null(s);
	assert_int_equal(write_records(s, n), 0);
	close(p[1]);
	pthread_join(t, NULL);
	close(p[0]);
	assert_int_equal(d.bytes, (size_t)n * REC_LEN);
	assert_int_equal(out_stream__records(s), n);
	assert_int_equal(out_stream__bytes(s), (uint64_t)n * REC_LEN);
	assert_int_equal(out_stream__lost(s), 0);
	out_stream__free(s);
}

static void test_pipe_all_written(void **state)
{
	(void)state;
	check_pipe(0, false, 20000);  /* 2 MB through a 64 KiB pipe */
}

/* A non-blocking stdout (EAGAIN when the pipe is full) still gets all. */
static void test_pipe_nonblocking(void **state)
{
	(void)state;
	check_pipe(1, true, 5000);
}

/* Records are buffered: nothing is counted before it is written. */
static void test_counted_when_written(void **state)
{
	char buf[REC_LEN];
	struct out_stream *s;
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	s = out_stream__new(p[1]);
	record(buf, 1);
	assert_int_equal(out_stream__write(s, buf, sizeof(buf)), 0);
	assert_int_equal(out_stream__records(s), 0);
	assert_int_equal(out_stream__flush(s), 0);
	assert_int_equal(out_stream__records(s), 1);
	assert_int_equal(out_stream__bytes(s), REC_LEN);
	assert_int_equal(read(p[0], buf, sizeof(buf)), REC_LEN);
	assert_memory_equal(buf, "000001 x", 8);
	out_stream__free(s);
	close(p[0]);
	close(p[1]);
}

/* The reader went away: -EPIPE (with SIGPIPE ignored, as the monitor does),
 * what it read is counted, the rest lost, and the error stays. */
static void test_epipe(void **state)
{
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);
	char buf[REC_LEN];
	struct out_stream *s;
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	s = out_stream__new(p[1]);
	assert_int_equal(write_records(s, 3), 0);
	assert_int_equal(read(p[0], buf, sizeof(buf)), REC_LEN);
	close(p[0]);
	assert_int_equal(write_records(s, 2), -EPIPE);
	assert_int_equal(out_stream__error(s), -EPIPE);
	assert_int_equal(out_stream__records(s), 3);
	assert_int_equal(out_stream__bytes(s), 3 * REC_LEN);
	assert_int_equal(out_stream__lost(s), 2);
	/* nothing more is written, every later record is lost */
	assert_int_equal(out_stream__write(s, buf, sizeof(buf)), -EPIPE);
	assert_int_equal(out_stream__flush(s), -EPIPE);
	assert_int_equal(out_stream__lost(s), 3);
	out_stream__free(s);
	close(p[1]);
	signal(SIGPIPE, old);
}

static void test_dev_full(void **state)
{
	int fd = open("/dev/full", O_WRONLY);
	struct out_stream *s;

	(void)state;
	if (fd < 0)
		skip();
	s = out_stream__new(fd);
	assert_int_equal(write_records(s, 10), -ENOSPC);
	assert_int_equal(out_stream__records(s), 0);
	assert_int_equal(out_stream__bytes(s), 0);
	assert_int_equal(out_stream__lost(s), 10);
	out_stream__free(s);
	close(fd);
}

static char tmpfs_dir[] = "/tmp/cactus-stream-XXXXXX";

/* Mounted for the test, unmounted even when an assertion failed. */
static int tmpfs_setup(void **state)
{
	(void)state;
	if (!mkdtemp(tmpfs_dir))
		return -1;
	if (mount("cactus-test", tmpfs_dir, "tmpfs", 0, "size=4k")) {
		rmdir(tmpfs_dir);
		tmpfs_dir[0] = 0; /* not root, or no tmpfs: the test skips */
	}
	return 0;
}

static int tmpfs_teardown(void **state)
{
	(void)state;
	if (tmpfs_dir[0]) {
		/* lazily: a failed assertion left the test's fd open */
		umount2(tmpfs_dir, MNT_DETACH);
		rmdir(tmpfs_dir);
	}
	return 0;
}

/* A 4 KiB tmpfs fills in the middle of record 41: 40 are counted, the
 * file holds them and the cut record's first 96 bytes, without newline. */
static void test_enospc_mid_record(void **state)
{
	char path[64], tail[8];
	struct out_stream *s;
	struct stat st;
	int fd;

	(void)state;
	if (!tmpfs_dir[0])
		skip(); /* /dev/full above still runs */
	snprintf(path, sizeof(path), "%s/out", tmpfs_dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	s = out_stream__new(fd);
	assert_int_equal(write_records(s, 100), -ENOSPC);
	assert_int_equal(out_stream__records(s), 40);
	assert_int_equal(out_stream__bytes(s), 40 * REC_LEN);
	assert_int_equal(out_stream__lost(s), 60);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_size, 4096);
	assert_int_equal(pread(fd, tail, 7, 4000), -1); /* O_WRONLY: read it anew */
	close(fd);
	fd = open(path, O_RDONLY);
	assert_int_equal(pread(fd, tail, 7, 4000), 7);
	assert_memory_equal(tail, "000040 ", 7);
	assert_int_equal(pread(fd, tail, 1, 4095), 1);
	assert_int_equal(tail[0], 'x'); /* cut: no newline at the end */
	close(fd);
	out_stream__free(s);
}

/* A record larger than the buffer is written whole, after the pending ones. */
static void test_large_record(void **state)
{
	size_t big = OUT_STREAM_BUF * 3 + 7;
	char *rec = malloc(big), small[REC_LEN];
	struct drain d = { 0 };
	struct out_stream *s;
	pthread_t t;
	int p[2];

	(void)state;
	assert_non_null(rec);
	memset(rec, 'b', big);
	rec[big - 1] = '\n';
	assert_int_equal(pipe(p), 0);
	d.fd = p[0];
	assert_int_equal(pthread_create(&t, NULL, drain_thread, &d), 0);
	s = out_stream__new(p[1]);
	record(small, 0);
	assert_int_equal(out_stream__write(s, small, sizeof(small)), 0);
	assert_int_equal(out_stream__write(s, rec, big), 0);
	assert_int_equal(out_stream__records(s), 2); /* the small one went first */
	assert_int_equal(out_stream__write(s, small, sizeof(small)), 0);
	assert_int_equal(out_stream__flush(s), 0);
	close(p[1]);
	pthread_join(t, NULL);
	close(p[0]);
	assert_int_equal(out_stream__records(s), 3);
	assert_int_equal(out_stream__bytes(s), big + 2 * REC_LEN);
	assert_int_equal(d.bytes, big + 2 * REC_LEN);
	out_stream__free(s);
	free(rec);
}

/* A writer that takes @room bytes, then fails with ENOSPC. */
struct limited {
	size_t room, got;
};

static int limited_write(void *ctx, const char *buf, size_t len, size_t *done)
{
	struct limited *l = ctx;

	(void)buf;
	*done = len <= l->room - l->got ? len : l->room - l->got;
	l->got += *done;
	return *done == len ? 0 : -ENOSPC;
}

/* Through a writer function (the --output-file sink): counted as on an fd. */
static void test_writer_fn(void **state)
{
	struct limited l = { .room = 3 * 10 + 4 };
	struct out_stream *s = out_stream__new_writer(limited_write, &l);
	char rec[10];

	(void)state;
	memset(rec, 'x', sizeof(rec));
	rec[9] = '\n';
	for (int i = 0; i < 5; i++)
		assert_int_equal(out_stream__write(s, rec, sizeof(rec)), 0);
	assert_int_equal(out_stream__flush(s), -ENOSPC);
	assert_int_equal(out_stream__records(s), 3);
	assert_int_equal(out_stream__bytes(s), 30);
	assert_int_equal(out_stream__lost(s), 2);
	assert_int_equal(out_stream__write(s, rec, sizeof(rec)), -ENOSPC);
	assert_int_equal(out_stream__lost(s), 3);
	out_stream__free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pipe_all_written),
		cmocka_unit_test(test_pipe_nonblocking),
		cmocka_unit_test(test_counted_when_written),
		cmocka_unit_test(test_epipe),
		cmocka_unit_test(test_dev_full),
		cmocka_unit_test_setup_teardown(test_enospc_mid_record, tmpfs_setup, tmpfs_teardown),
		cmocka_unit_test(test_large_record),
		cmocka_unit_test(test_writer_fn),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
