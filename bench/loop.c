/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * bench/loop: the syscall loop of the overhead benchmark (see bench/README.md).
 *
 *   loop MODE COUNT [PATH|PORT]     make COUNT calls, print ns per call
 *   loop MODE -t SECONDS [PATH|PORT] call as fast as possible for SECONDS
 *
 * MODE: getuid getpid getppid times openat (openat+close of PATH, default
 * /etc/passwd) connect (TCP connect to 127.0.0.1:PORT, default 9, which must
 * be closed: every call is refused) uring (openat+close of PATH through an
 * io_uring ring: IORING_OP_OPENAT, then IORING_OP_CLOSE, each submitted and
 * waited for with one io_uring_enter). The mode is chosen before the loop; each
 * loop body is a raw syscall(2), so libc caching plays no part. Timing is
 * clock_gettime(CLOCK_MONOTONIC) around the loop. Built with gcc -O2 -static
 * so the same binary runs on the host and in a busybox container.
 *
 * Output, one line:
 *   mode=openat iters=N ns_per_call=X.XX elapsed_ns=T openat=N close=N ...
 * where each NAME=N after elapsed_ns counts the syscalls of that name the
 * loop made in total (warm-up included), for the event accounting.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/io_uring.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

enum mode { M_GETUID, M_GETPID, M_GETPPID, M_TIMES, M_OPENAT, M_CONNECT, M_URING };

static const char *path = "/etc/passwd";
static struct sockaddr_in addr;
static int sock = -1;
static unsigned long n_openat, n_close, n_connect, n_socket, n_refused;

static inline unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static int new_socket(void)
{
	int fd = syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);

	n_socket++;
	if (fd < 0) {
		perror("socket");
		exit(1);
	}
	return fd;
}

/* A ring of 4 entries, driven one request at a time (raw syscalls: the
 * same static binary runs anywhere). */
static struct {
	int fd;
	unsigned *sq_tail, *sq_mask, *sq_array, *cq_head, *cq_tail, *cq_mask;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqes;
} ring;

static void ring_setup(void)
{
	struct io_uring_params p;
	char *sq, *cq;

	memset(&p, 0, sizeof(p));
	ring.fd = syscall(__NR_io_uring_setup, 4, &p);
	if (ring.fd < 0) {
		perror("io_uring_setup");
		exit(1);
	}
	sq = mmap(NULL, p.sq_off.array + p.sq_entries * sizeof(unsigned), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_POPULATE, ring.fd, IORING_OFF_SQ_RING);
	cq = mmap(NULL, p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe),
		  PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring.fd, IORING_OFF_CQ_RING);
	ring.sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_POPULATE, ring.fd, IORING_OFF_SQES);
	if (sq == MAP_FAILED || cq == MAP_FAILED || ring.sqes == MAP_FAILED) {
		perror("mmap io_uring");
		exit(1);
	}
	ring.sq_tail = (unsigned *)(sq + p.sq_off.tail);
	ring.sq_mask = (unsigned *)(sq + p.sq_off.ring_mask);
	ring.sq_array = (unsigned *)(sq + p.sq_off.array);
	ring.cq_head = (unsigned *)(cq + p.cq_off.head);
	ring.cq_tail = (unsigned *)(cq + p.cq_off.tail);
	ring.cq_mask = (unsigned *)(cq + p.cq_off.ring_mask);
	ring.cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
}

/* Submits @sqe, waits for its completion: its result. */
static int ring_do(const struct io_uring_sqe *sqe)
{
	unsigned tail = *ring.sq_tail, idx = tail & *ring.sq_mask, head;
	int res;

	ring.sqes[idx] = *sqe;
	ring.sq_array[idx] = idx;
	__atomic_store_n(ring.sq_tail, tail + 1, __ATOMIC_RELEASE);
	if (syscall(__NR_io_uring_enter, ring.fd, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0) < 0) {
		perror("io_uring_enter");
		exit(1);
	}
	head = *ring.cq_head;
	while (head == __atomic_load_n(ring.cq_tail, __ATOMIC_ACQUIRE))
		;
	res = ring.cqes[head & *ring.cq_mask].res;
	__atomic_store_n(ring.cq_head, head + 1, __ATOMIC_RELEASE);
	return res;
}

/* One call of @m. Kept out of line for every mode so the per-iteration
 * overhead is the same call + switch for all. */
static __attribute__((noinline)) void one(enum mode m)
{
	long r;

	switch (m) {
	case M_GETUID:
		syscall(SYS_getuid);
		break;
	case M_GETPID:
		syscall(SYS_getpid);
		break;
	case M_GETPPID:
		syscall(SYS_getppid);
		break;
	case M_TIMES: {
		struct tms t;

		syscall(SYS_times, &t);
		break;
	}
	case M_OPENAT:
		r = syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
		n_openat++;
		if (r < 0) {
			fprintf(stderr, "openat %s: %s\n", path, strerror(errno));
			exit(1);
		}
		syscall(SYS_close, (int)r);
		n_close++;
		break;
	case M_URING: {
		struct io_uring_sqe sqe;

		memset(&sqe, 0, sizeof(sqe));
		sqe.opcode = IORING_OP_OPENAT;
		sqe.fd = AT_FDCWD;
		sqe.addr = (unsigned long)path;
		sqe.open_flags = O_RDONLY | O_CLOEXEC;
		r = ring_do(&sqe);
		n_openat++;
		if (r < 0) {
			fprintf(stderr, "io_uring openat %s: %s\n", path, strerror((int)-r));
			exit(1);
		}
		memset(&sqe, 0, sizeof(sqe));
		sqe.opcode = IORING_OP_CLOSE;
		sqe.fd = (int)r;
		ring_do(&sqe);
		n_close++;
		break;
	}
	case M_CONNECT:
		r = syscall(SYS_connect, sock, (struct sockaddr *)&addr, sizeof(addr));
		n_connect++;
		if (r == 0) {
			fprintf(stderr, "connect to 127.0.0.1:%d succeeded: the port must be closed\n",
				ntohs(addr.sin_port));
			exit(1);
		}
		if (errno == ECONNREFUSED)
			n_refused++;
		/* A refused TCP socket can be reconnected on Linux; if the
		 * kernel says otherwise, take a fresh one. */
		if (errno != ECONNREFUSED) {
			syscall(SYS_close, sock);
			n_close++;
			sock = new_socket();
		}
		break;
	}
}

int main(int argc, char **argv)
{
	static const char *names[] = { "getuid", "getpid", "getppid", "times", "openat", "connect",
				       "uring" };
	unsigned long long iters = 0, t0, t1, deadline = 0, i;
	double seconds = 0;
	int m = -1;

	if (argc < 3) {
		fprintf(stderr, "usage: %s MODE COUNT|-t SECONDS [PATH|PORT]\n", argv[0]);
		return 2;
	}
	for (unsigned k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		if (!strcmp(argv[1], names[k]))
			m = k;
	if (m < 0) {
		fprintf(stderr, "unknown mode %s\n", argv[1]);
		return 2;
	}
	int argi = 2;
	if (!strcmp(argv[2], "-t")) {
		if (argc < 4)
			return 2;
		seconds = atof(argv[3]);
		argi = 4;
	} else {
		iters = strtoull(argv[2], NULL, 10);
		argi = 3;
	}
	addr.sin_family = AF_INET;
	addr.sin_port = htons(9);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (argi < argc) {
		if (m == M_OPENAT || m == M_URING)
			path = argv[argi];
		else if (m == M_CONNECT)
			addr.sin_port = htons(atoi(argv[argi]));
	}
	if (m == M_CONNECT)
		sock = new_socket();
	if (m == M_URING)
		ring_setup();

	/* warm-up: caches, page faults, the dentry of PATH */
	for (i = 0; i < 1000; i++)
		one(m);

	t0 = now_ns();
	if (seconds > 0) {
		deadline = t0 + (unsigned long long)(seconds * 1e9);
		for (;;) {
			for (i = 0; i < 256; i++)
				one(m);
			iters += 256;
			if (now_ns() >= deadline)
				break;
		}
	} else {
		for (i = 0; i < iters; i++)
			one(m);
	}
	t1 = now_ns();

	printf("mode=%s iters=%llu ns_per_call=%.2f elapsed_ns=%llu openat=%lu close=%lu connect=%lu socket=%lu refused=%lu\n",
	       names[m], iters, iters ? (double)(t1 - t0) / iters : 0.0, t1 - t0, n_openat, n_close,
	       n_connect, n_socket, n_refused);
	return 0;
}
