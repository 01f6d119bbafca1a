// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * uring_test: opens a file through io_uring (raw syscalls, no liburing), for
 * the VM test of kill rules enforced in BPF-LSM (tests/vm/run.sh). Built
 * static by tests/vm/host.sh: the VM has busybox only. Adapted from the
 * issue 20 research (/work/research/uring).
 *
 *   uring_test [-s] [-a] read PATH   IORING_OP_OPENAT, wait; IORING_OP_READ,
 *                                    wait; the bytes to stdout
 *   uring_test [-s] [-a] filesshare PATH
 *                                    a clone(CLONE_FILES) child (another
 *                                    process, the same fd table) pread()s the
 *                                    fd the parent's IORING_OP_OPENAT installs
 *                                    and prints what it got: a kill alone
 *                                    (not a refusal) leaks it
 *   uring_test sysfilesshare PATH    the same with the openat(2) syscall
 *
 * -s: an SQPOLL ring (the SQ thread opens); -a: IOSQE_ASYNC (an io-wq
 * worker opens). Progress goes to stderr, file content to stdout only.
 * Exit status: 0 the file was read, 1 the open failed, 2 usage or set-up.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

struct ring {
	int fd;
	unsigned flags;
	unsigned *sq_tail, *sq_mask, *sq_array, *sq_flags;
	unsigned *cq_head, *cq_tail, *cq_mask;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqes;
	unsigned local_tail;
};

static int sqe_async;
static char buf[4096];

static void die(const char *what)
{
	fprintf(stderr, "uring_test: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void ring_init(struct ring *r, unsigned setup_flags)
{
	struct io_uring_params p;
	void *sq, *cq;

	memset(&p, 0, sizeof(p));
	p.flags = setup_flags;
	p.sq_thread_idle = 2000;
	r->fd = syscall(__NR_io_uring_setup, 8, &p);
	if (r->fd < 0)
		die("io_uring_setup");
	r->flags = setup_flags;
	sq = mmap(NULL, p.sq_off.array + p.sq_entries * sizeof(unsigned), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQ_RING);
	cq = mmap(NULL, p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe),
		  PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_CQ_RING);
	r->sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQES);
	if (sq == MAP_FAILED || cq == MAP_FAILED || r->sqes == MAP_FAILED)
		die("mmap ring");
	r->sq_tail = (unsigned *)((char *)sq + p.sq_off.tail);
	r->sq_mask = (unsigned *)((char *)sq + p.sq_off.ring_mask);
	r->sq_array = (unsigned *)((char *)sq + p.sq_off.array);
	r->sq_flags = (unsigned *)((char *)sq + p.sq_off.flags);
	r->cq_head = (unsigned *)((char *)cq + p.cq_off.head);
	r->cq_tail = (unsigned *)((char *)cq + p.cq_off.tail);
	r->cq_mask = (unsigned *)((char *)cq + p.cq_off.ring_mask);
	r->cqes = (struct io_uring_cqe *)((char *)cq + p.cq_off.cqes);
	r->local_tail = *r->sq_tail;
}

static struct io_uring_sqe *sqe_get(struct ring *r)
{
	unsigned idx = r->local_tail & *r->sq_mask;
	struct io_uring_sqe *s = &r->sqes[idx];

	memset(s, 0, sizeof(*s));
	r->sq_array[idx] = idx;
	r->local_tail++;
	s->flags = sqe_async ? IOSQE_ASYNC : 0;
	return s;
}

/* Submits the one SQE prepared and waits for its completion: its res. */
static int run_one(struct ring *r, const char *tag)
{
	unsigned flags = IORING_ENTER_GETEVENTS, n = 1, head;
	struct io_uring_cqe c;

	__atomic_store_n(r->sq_tail, r->local_tail, __ATOMIC_RELEASE);
	if (r->flags & IORING_SETUP_SQPOLL) {
		if (__atomic_load_n(r->sq_flags, __ATOMIC_ACQUIRE) & IORING_SQ_NEED_WAKEUP)
			flags |= IORING_ENTER_SQ_WAKEUP;
		n = 0; /* the SQ thread submits */
	}
	if (syscall(__NR_io_uring_enter, r->fd, n, 1, flags, NULL, 0) < 0 && errno != EINTR)
		die("io_uring_enter");
	for (;;) {
		head = *r->cq_head;
		if (head != __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE))
			break;
		if (syscall(__NR_io_uring_enter, r->fd, 0, 1, IORING_ENTER_GETEVENTS, NULL, 0) < 0 &&
		    errno != EINTR)
			die("io_uring_enter wait");
	}
	c = r->cqes[head & *r->cq_mask];
	__atomic_store_n(r->cq_head, head + 1, __ATOMIC_RELEASE);
	fprintf(stderr, "uring_test: %s: res %d\n", tag, c.res);
	return c.res;
}

static int uring_open(struct ring *r, const char *path)
{
	struct io_uring_sqe *s = sqe_get(r);

	s->opcode = IORING_OP_OPENAT;
	s->fd = AT_FDCWD;
	s->addr = (unsigned long)path;
	s->open_flags = O_RDONLY;
	return run_one(r, "openat");
}

static int mode_read(struct ring *r, const char *path)
{
	struct io_uring_sqe *s;
	int fd = uring_open(r, path), n;

	if (fd < 0)
		return 1;
	s = sqe_get(r);
	s->opcode = IORING_OP_READ;
	s->fd = fd;
	s->addr = (unsigned long)buf;
	s->len = sizeof(buf);
	n = run_one(r, "read");
	if (n > 0 && write(1, buf, n) != n)
		die("write");
	return n < 0;
}

/* The descriptor the next open gets: the lowest free one. */
static int next_fd(void)
{
	int fd = dup(0);

	if (fd < 0)
		die("dup");
	close(fd);
	return fd;
}

static int files_child(void *arg)
{
	int fd = *(int *)arg;

	for (int i = 0; i < 100; i++) {
		ssize_t n = pread(fd, buf, sizeof(buf), 0);

		if (n > 0) {
			fprintf(stderr, "uring_test: CLONE_FILES child: pread(%d) got %zd bytes\n",
				fd, n);
			return write(1, buf, n) != n;
		}
		usleep(5000);
	}
	fprintf(stderr, "uring_test: CLONE_FILES child: fd %d never readable\n", fd);
	return 0;
}

/* @r NULL: the openat(2) syscall instead of io_uring. */
static int mode_filesshare(struct ring *r, const char *path)
{
	static char stack[65536];
	static int fd;
	pid_t child;
	int ret;

	fd = next_fd();
	child = clone(files_child, stack + sizeof(stack), CLONE_FILES | SIGCHLD, &fd);
	if (child < 0)
		die("clone");
	ret = r ? uring_open(r, path) : openat(AT_FDCWD, path, O_RDONLY);
	if (!r)
		fprintf(stderr, "uring_test: openat(2): %d\n", ret);
	waitpid(child, NULL, 0);
	return ret < 0;
}

int main(int argc, char **argv)
{
	unsigned setup = 0;
	const char *mode, *path;
	struct ring r;
	int opt;

	while ((opt = getopt(argc, argv, "sa")) != -1) {
		switch (opt) {
		case 's':
			setup |= IORING_SETUP_SQPOLL;
			break;
		case 'a':
			sqe_async = 1;
			break;
		default:
			return 2;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, "usage: uring_test [-s] [-a] read|filesshare|sysfilesshare PATH\n");
		return 2;
	}
	mode = argv[optind];
	path = argv[optind + 1];
	if (!strcmp(mode, "sysfilesshare"))
		return mode_filesshare(NULL, path);
	ring_init(&r, setup);
	if (!strcmp(mode, "read"))
		return mode_read(&r, path);
	if (!strcmp(mode, "filesshare"))
		return mode_filesshare(&r, path);
	return 2;
}
