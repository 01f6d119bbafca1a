// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * uring: io_uring operations with raw syscalls (no liburing), for the e2e and
 * VM tests of cactus's io_uring events (issue 20). Built static
 * (gcc -static -O2) so that it runs in the busybox test image.
 *
 * Every completion prints one line on stderr, "uring: OP res=N" (OP as the
 * kernel names the opcode, N the CQE's result: a negative errno on failure);
 * other stderr lines start with "uring: note:". File content goes to stdout
 * only, and only through an io_uring WRITE to fd 1, so a test can tell
 * whether a byte of a file it protects got out.
 *
 * Each request is submitted and waited for on its own (one io_uring_enter),
 * except the linked chain of -l. Network modes use the address given (the
 * tests pass 127.0.0.1 only).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/io_uring.h>
#include <linux/openat2.h>
#include <linux/stat.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

/* 6.11+: newer than the libc headers this is built against */
#define OP_BIND 56
#define OP_LISTEN 57

static const char usage[] =
"usage: uring [OPTIONS] MODE ARGS...\n"
"\n"
"io_uring operations through raw syscalls, one stderr line per completion:\n"
"\"uring: OP res=N\". File content goes to stdout only (an io_uring WRITE to\n"
"fd 1). Exit status: 0 all went as asked, 1 an operation failed, 2 usage or\n"
"set-up error.\n"
"\n"
"Modes:\n"
"  read PATH      OPENAT PATH (read-only), READ it, WRITE what was read to\n"
"                 fd 1, CLOSE; each request submitted and waited for alone\n"
"  fs DIR         every file operation, below DIR (which must not exist):\n"
"                 MKDIRAT DIR, OPENAT2 DIR/f (create), WRITE, WRITEV, CLOSE,\n"
"                 OPENAT DIR/f, READ, READV, CLOSE, STATX DIR/f,\n"
"                 SYMLINKAT DIR/sl -> f, OPENAT DIR/sl (opens DIR/f), CLOSE,\n"
"                 LINKAT DIR/f DIR/hl, RENAMEAT DIR/f DIR/g,\n"
"                 UNLINKAT DIR/hl, DIR/sl, DIR/g, UNLINKAT DIR (AT_REMOVEDIR)\n"
"  net IP PORT    a server and its client in one process: SOCKET, BIND IP:PORT,\n"
"                 LISTEN, SOCKET, CONNECT IP:PORT, ACCEPT, SEND (client),\n"
"                 RECV (server), SENDMSG (server), RECVMSG (client), CLOSE x3.\n"
"                 BIND and LISTEN need Linux 6.11: on -EINVAL bind(2) and\n"
"                 listen(2) are used instead, said on stderr. A CONNECT that\n"
"                 fails ends the run (exit 1)\n"
"\n"
"Options (before MODE):\n"
"  -s             SQPOLL ring: a kernel thread (iou-sqp-PID) submits\n"
"  -a             IOSQE_ASYNC on every request: an io-wq worker (iou-wrk-PID)\n"
"                 runs it\n"
"  -l             read: OPENAT -> READ -> WRITE(fd 1) linked (IOSQE_IO_LINK),\n"
"                 in one io_uring_enter, then CLOSE; READ and WRITE of PATH's\n"
"                 size (from stat(2)): a failed OPENAT or READ cancels the rest\n"
"  -d             read: direct descriptors: OPENAT into fixed slot 0\n"
"                 (file_index; the file never enters the fd table), READ and\n"
"                 CLOSE of that slot\n"
"  -2             read: OPENAT2 instead of OPENAT\n"
"  -h, --help     this text\n";

struct ring {
	int fd;
	unsigned setup;
	unsigned *sq_head, *sq_tail, *sq_mask, *sq_array, *sq_flags;
	unsigned *cq_head, *cq_tail, *cq_mask;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqes;
	unsigned local_tail;
};

static int opt_async;

static const char *const op_names[] = {
	[IORING_OP_NOP] = "NOP",
	[IORING_OP_READV] = "READV",
	[IORING_OP_WRITEV] = "WRITEV",
	[IORING_OP_SENDMSG] = "SENDMSG",
	[IORING_OP_RECVMSG] = "RECVMSG",
	[IORING_OP_ACCEPT] = "ACCEPT",
	[IORING_OP_CONNECT] = "CONNECT",
	[IORING_OP_OPENAT] = "OPENAT",
	[IORING_OP_CLOSE] = "CLOSE",
	[IORING_OP_STATX] = "STATX",
	[IORING_OP_READ] = "READ",
	[IORING_OP_WRITE] = "WRITE",
	[IORING_OP_SEND] = "SEND",
	[IORING_OP_RECV] = "RECV",
	[IORING_OP_OPENAT2] = "OPENAT2",
	[IORING_OP_RENAMEAT] = "RENAMEAT",
	[IORING_OP_UNLINKAT] = "UNLINKAT",
	[IORING_OP_MKDIRAT] = "MKDIRAT",
	[IORING_OP_SYMLINKAT] = "SYMLINKAT",
	[IORING_OP_LINKAT] = "LINKAT",
	[IORING_OP_SOCKET] = "SOCKET",
	[OP_BIND] = "BIND",
	[OP_LISTEN] = "LISTEN",
};

static const char *op_name(unsigned op)
{
	if (op < sizeof(op_names) / sizeof(op_names[0]) && op_names[op])
		return op_names[op];
	return "?";
}

static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void note(const char *fmt, ...)
{
	va_list ap;

	fputs("uring: note: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void die(const char *what)
{
	fprintf(stderr, "uring: note: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void ring_init(struct ring *r, unsigned setup)
{
	struct io_uring_params p;
	char *sq, *cq;

	memset(&p, 0, sizeof(p));
	p.flags = setup;
	p.sq_thread_idle = 2000;	/* ms: the SQ thread stays up between requests */
	r->fd = syscall(__NR_io_uring_setup, 8, &p);
	if (r->fd < 0)
		die("io_uring_setup");
	r->setup = setup;
	sq = mmap(NULL, p.sq_off.array + p.sq_entries * sizeof(unsigned),
		  PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd,
		  IORING_OFF_SQ_RING);
	cq = mmap(NULL, p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe),
		  PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd,
		  IORING_OFF_CQ_RING);
	r->sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe),
		       PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd,
		       IORING_OFF_SQES);
	if (sq == MAP_FAILED || cq == MAP_FAILED || r->sqes == MAP_FAILED)
		die("mmap ring");
	r->sq_head = (unsigned *)(sq + p.sq_off.head);
	r->sq_tail = (unsigned *)(sq + p.sq_off.tail);
	r->sq_mask = (unsigned *)(sq + p.sq_off.ring_mask);
	r->sq_array = (unsigned *)(sq + p.sq_off.array);
	r->sq_flags = (unsigned *)(sq + p.sq_off.flags);
	r->cq_head = (unsigned *)(cq + p.cq_off.head);
	r->cq_tail = (unsigned *)(cq + p.cq_off.tail);
	r->cq_mask = (unsigned *)(cq + p.cq_off.ring_mask);
	r->cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
	r->local_tail = *r->sq_tail;
	note("ring fd %d%s%s", r->fd, setup & IORING_SETUP_SQPOLL ? " SQPOLL" : "",
	     opt_async ? " IOSQE_ASYNC" : "");
}

/* The next SQE, zeroed; user_data is the opcode, which names the completion. */
static struct io_uring_sqe *sqe_get(struct ring *r, unsigned op, int fd)
{
	unsigned idx = r->local_tail & *r->sq_mask;
	struct io_uring_sqe *s = &r->sqes[idx];

	memset(s, 0, sizeof(*s));
	r->sq_array[idx] = idx;
	r->local_tail++;
	s->opcode = op;
	s->fd = fd;
	s->flags = opt_async ? IOSQE_ASYNC : 0;
	s->user_data = op;
	return s;
}

/* Publish the SQEs, submit @n of them and wait for @n completions, in one
 * io_uring_enter (with SQPOLL the SQ thread submits; the call only waits). */
static void ring_enter(struct ring *r, unsigned n)
{
	unsigned flags = IORING_ENTER_GETEVENTS, submit = n;

	__atomic_store_n(r->sq_tail, r->local_tail, __ATOMIC_RELEASE);
	if (r->setup & IORING_SETUP_SQPOLL) {
		if (__atomic_load_n(r->sq_flags, __ATOMIC_ACQUIRE) & IORING_SQ_NEED_WAKEUP)
			flags |= IORING_ENTER_SQ_WAKEUP;
		submit = 0;
	}
	while (syscall(__NR_io_uring_enter, r->fd, submit, n, flags, NULL, 0) < 0) {
		if (errno != EINTR)
			die("io_uring_enter");
	}
}

/* The next completion (waiting if none), printed as "uring: OP res=N": its
 * result. */
static int cqe_next(struct ring *r)
{
	struct io_uring_cqe *c;
	unsigned head;
	int res;

	for (;;) {
		head = *r->cq_head;
		if (head != __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE))
			break;
		if (syscall(__NR_io_uring_enter, r->fd, 0, 1, IORING_ENTER_GETEVENTS,
			    NULL, 0) < 0 && errno != EINTR)
			die("io_uring_enter (wait)");
	}
	c = &r->cqes[head & *r->cq_mask];
	res = c->res;
	fprintf(stderr, "uring: %s res=%d\n", op_name(c->user_data), res);
	__atomic_store_n(r->cq_head, head + 1, __ATOMIC_RELEASE);
	return res;
}

/* Submit the one prepared SQE, wait for it: its result. */
static int run1(struct ring *r)
{
	ring_enter(r, 1);
	return cqe_next(r);
}

/* --------------------------------------------------------------------------
 * read: the protected-file case of the kill tests, and the benign one */

static char buf[65536];

struct read_opts {
	int link, direct, openat2;
};

static void prep_open(struct ring *r, const char *path, const struct read_opts *o)
{
	static struct open_how how = { .flags = O_RDONLY };
	struct io_uring_sqe *s;

	if (o->openat2) {
		s = sqe_get(r, IORING_OP_OPENAT2, AT_FDCWD);
		s->addr2 = (unsigned long)&how;
		s->len = sizeof(how);
	} else {
		s = sqe_get(r, IORING_OP_OPENAT, AT_FDCWD);
		s->open_flags = O_RDONLY;
	}
	s->addr = (unsigned long)path;
	s->file_index = o->direct ? 1 : 0;	/* n: direct slot n-1 */
}

static struct io_uring_sqe *prep_rw(struct ring *r, unsigned op, int fd, void *b,
				    unsigned len, int fixed)
{
	struct io_uring_sqe *s = sqe_get(r, op, fd);

	s->addr = (unsigned long)b;
	s->len = len;
	s->off = (__u64)-1;	/* the file's position */
	if (fixed)
		s->flags |= IOSQE_FIXED_FILE;
	return s;
}

static int prep_close(struct ring *r, int fd, int direct)
{
	struct io_uring_sqe *s = sqe_get(r, IORING_OP_CLOSE, direct ? 0 : fd);

	if (direct)
		s->file_index = fd + 1;
	return run1(r);
}

/* The fd the next open gets: the lowest free one. */
static int next_fd(void)
{
	int fd = dup(0);

	if (fd < 0)
		die("dup");
	close(fd);
	return fd;
}

/* OPENAT -> READ -> WRITE(1), IOSQE_IO_LINK, in one io_uring_enter. The READ
 * asks for exactly PATH's size: a short read would fail the link and cancel
 * the WRITE, as a failed OPENAT cancels both (so nothing but the file's
 * bytes ever reaches stdout). */
static int read_linked(struct ring *r, const char *path, const struct read_opts *o)
{
	int fd = o->direct ? 0 : next_fd(), ok = 1;
	struct io_uring_sqe *s;
	struct stat st;
	unsigned len;

	if (stat(path, &st) < 0)
		die(path);
	len = st.st_size < (off_t)sizeof(buf) ? (unsigned)st.st_size : sizeof(buf);
	note("linked OPENAT -> READ -> WRITE(1) of %u bytes, %s %d", len,
	     o->direct ? "slot" : "fd", fd);
	prep_open(r, path, o);
	r->sqes[(r->local_tail - 1) & *r->sq_mask].flags |= IOSQE_IO_LINK;
	s = prep_rw(r, IORING_OP_READ, fd, buf, len, o->direct);
	s->flags |= IOSQE_IO_LINK;
	prep_rw(r, IORING_OP_WRITE, 1, buf, len, 0);
	ring_enter(r, 3);
	for (int i = 0; i < 3; i++)
		ok &= cqe_next(r) >= 0;
	if (!ok)
		return 1;
	return prep_close(r, fd, o->direct) < 0;
}

static int mode_read(struct ring *r, const char *path, const struct read_opts *o)
{
	int fd, n;

	if (o->direct) {
		int fds[1] = { -1 };	/* one sparse slot */

		if (syscall(__NR_io_uring_register, r->fd, IORING_REGISTER_FILES, fds, 1) < 0)
			die("io_uring_register files");
	}
	if (o->link)
		return read_linked(r, path, o);
	prep_open(r, path, o);
	fd = run1(r);
	if (fd < 0)
		return 1;
	if (o->direct)
		fd = 0;
	prep_rw(r, IORING_OP_READ, fd, buf, sizeof(buf), o->direct);
	n = run1(r);
	if (n < 0)
		return 1;
	prep_rw(r, IORING_OP_WRITE, 1, buf, n, 0);
	if (run1(r) != n)
		return 1;
	return prep_close(r, fd, o->direct) < 0;
}

/* --------------------------------------------------------------------------
 * fs: every file operation once */

static const char content[] = "uring fs test\n";

static int path_op(struct ring *r, unsigned op, const char *path, const char *path2,
		   unsigned len, unsigned flags)
{
	struct io_uring_sqe *s = sqe_get(r, op, AT_FDCWD);

	s->addr = (unsigned long)path;
	s->addr2 = (unsigned long)path2;
	s->len = len;
	s->rw_flags = flags;	/* rename_, unlink_, hardlink_flags: one union */
	if (op == IORING_OP_RENAMEAT || op == IORING_OP_LINKAT)
		s->len = AT_FDCWD;	/* the new path's dirfd */
	return run1(r);
}

static int fs_write(struct ring *r, const char *f)
{
	static struct open_how how = { .flags = O_CREAT | O_WRONLY | O_TRUNC, .mode = 0644 };
	struct iovec iov[2] = {
		{ (void *)content, 6 }, { (void *)(content + 6), sizeof(content) - 7 },
	};
	struct io_uring_sqe *s = sqe_get(r, IORING_OP_OPENAT2, AT_FDCWD);
	int fd, bad;

	s->addr = (unsigned long)f;
	s->addr2 = (unsigned long)&how;
	s->len = sizeof(how);
	fd = run1(r);
	if (fd < 0)
		return 1;
	prep_rw(r, IORING_OP_WRITE, fd, (void *)content, sizeof(content) - 1, 0);
	bad = run1(r) < 0;
	prep_rw(r, IORING_OP_WRITEV, fd, iov, 2, 0);
	bad |= run1(r) < 0;
	bad |= prep_close(r, fd, 0) < 0;
	return bad;
}

static int fs_read(struct ring *r, const char *f)
{
	struct iovec iov[2] = { { buf, 6 }, { buf + 6, 64 } };
	struct io_uring_sqe *s = sqe_get(r, IORING_OP_OPENAT, AT_FDCWD);
	int fd, bad;

	s->addr = (unsigned long)f;
	s->open_flags = O_RDONLY;
	fd = run1(r);
	if (fd < 0)
		return 1;
	prep_rw(r, IORING_OP_READ, fd, buf, sizeof(buf), 0);
	bad = run1(r) < 0;
	s = prep_rw(r, IORING_OP_READV, fd, iov, 2, 0);
	s->off = 0;
	bad |= run1(r) < 0;
	bad |= prep_close(r, fd, 0) < 0;
	return bad;
}

static int fs_statx(struct ring *r, const char *f)
{
	static struct statx stx;
	struct io_uring_sqe *s = sqe_get(r, IORING_OP_STATX, AT_FDCWD);

	s->addr = (unsigned long)f;
	s->len = STATX_BASIC_STATS;
	s->addr2 = (unsigned long)&stx;
	return run1(r) < 0;
}

/* The symlink is opened through: the file opened is its target. */
static int fs_open_link(struct ring *r, const char *sl)
{
	struct io_uring_sqe *s = sqe_get(r, IORING_OP_OPENAT, AT_FDCWD);
	int fd;

	s->addr = (unsigned long)sl;
	s->open_flags = O_RDONLY;
	fd = run1(r);
	return fd < 0 || prep_close(r, fd, 0) < 0;
}

static int mode_fs(struct ring *r, const char *dir)
{
	char f[4096], g[4096], sl[4096], hl[4096];
	int bad = 0;

	if (strlen(dir) > sizeof(f) - 8) {
		fprintf(stderr, "uring: note: DIR too long\n");
		return 2;
	}
	snprintf(f, sizeof(f), "%s/f", dir);
	snprintf(g, sizeof(g), "%s/g", dir);
	snprintf(sl, sizeof(sl), "%s/sl", dir);
	snprintf(hl, sizeof(hl), "%s/hl", dir);
	if (path_op(r, IORING_OP_MKDIRAT, dir, NULL, 0755, 0) < 0)
		return 1;
	bad |= fs_write(r, f);
	bad |= fs_read(r, f);
	bad |= fs_statx(r, f);
	/* SYMLINKAT: addr the target, addr2 the link's path, fd its dirfd */
	bad |= path_op(r, IORING_OP_SYMLINKAT, "f", sl, 0, 0) < 0;
	bad |= fs_open_link(r, sl);
	bad |= path_op(r, IORING_OP_LINKAT, f, hl, 0, 0) < 0;
	bad |= path_op(r, IORING_OP_RENAMEAT, f, g, 0, 0) < 0;
	bad |= path_op(r, IORING_OP_UNLINKAT, hl, NULL, 0, 0) < 0;
	bad |= path_op(r, IORING_OP_UNLINKAT, sl, NULL, 0, 0) < 0;
	bad |= path_op(r, IORING_OP_UNLINKAT, g, NULL, 0, 0) < 0;
	bad |= path_op(r, IORING_OP_UNLINKAT, dir, NULL, 0, AT_REMOVEDIR) < 0;
	return bad;
}

/* --------------------------------------------------------------------------
 * net: a server and its client on one address */

static int sock_op(struct ring *r)
{
	struct io_uring_sqe *s = sqe_get(r, IORING_OP_SOCKET, AF_INET);

	s->off = SOCK_STREAM;	/* type */
	s->len = 0;		/* protocol */
	return run1(r);
}

/* BIND and LISTEN are 6.11+: an older kernel refuses the opcode (-EINVAL). */
static int bind_op(struct ring *r, int fd, const struct sockaddr_in *sin)
{
	struct io_uring_sqe *s = sqe_get(r, OP_BIND, fd);
	int res;

	s->addr = (unsigned long)sin;
	s->addr2 = sizeof(*sin);
	res = run1(r);
	if (res != -EINVAL)
		return res;
	note("BIND unsupported by this kernel (-EINVAL): bind(2) instead");
	return bind(fd, (const struct sockaddr *)sin, sizeof(*sin)) < 0 ? -errno : 0;
}

static int listen_op(struct ring *r, int fd)
{
	struct io_uring_sqe *s = sqe_get(r, OP_LISTEN, fd);
	int res;

	s->len = 8;	/* backlog */
	res = run1(r);
	if (res != -EINVAL)
		return res;
	note("LISTEN unsupported by this kernel (-EINVAL): listen(2) instead");
	return listen(fd, 8) < 0 ? -errno : 0;
}

static int accept_op(struct ring *r, int lfd)
{
	static struct sockaddr_in peer;
	static socklen_t peer_len = sizeof(peer);
	struct io_uring_sqe *s = sqe_get(r, IORING_OP_ACCEPT, lfd);

	s->addr = (unsigned long)&peer;
	s->addr2 = (unsigned long)&peer_len;
	return run1(r);
}

static int msg_op(struct ring *r, unsigned op, int fd, void *b, unsigned len)
{
	struct iovec iov = { b, len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct io_uring_sqe *s = sqe_get(r, op, fd);

	if (op == IORING_OP_SENDMSG || op == IORING_OP_RECVMSG) {
		s->addr = (unsigned long)&mh;
		s->len = 1;
	} else {
		s->addr = (unsigned long)b;
		s->len = len;
	}
	return run1(r);
}

static int connect_op(struct ring *r, int fd, const struct sockaddr_in *sin)
{
	struct io_uring_sqe *s = sqe_get(r, IORING_OP_CONNECT, fd);

	s->addr = (unsigned long)sin;
	s->addr2 = sizeof(*sin);	/* addrlen */
	return run1(r);
}

static int mode_net(struct ring *r, const char *ip, const char *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int lfd, cfd, afd, one = 1, bad = 0;
	char msg[16];
	char *end;
	long p = strtol(port, &end, 10);

	if (*end || p <= 0 || p > 65535 || inet_pton(AF_INET, ip, &sin.sin_addr) != 1) {
		fprintf(stderr, "uring: note: bad address %s %s\n", ip, port);
		return 2;
	}
	sin.sin_port = htons(p);
	lfd = sock_op(r);
	if (lfd < 0)
		return 1;
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind_op(r, lfd, &sin) < 0 || listen_op(r, lfd) < 0)
		return 1;
	cfd = sock_op(r);
	if (cfd < 0)
		return 1;
	if (connect_op(r, cfd, &sin) < 0)
		return 1;
	afd = accept_op(r, lfd);
	if (afd < 0)
		return 1;
	bad |= msg_op(r, IORING_OP_SEND, cfd, "ping", 4) != 4;
	bad |= msg_op(r, IORING_OP_RECV, afd, msg, sizeof(msg)) != 4;
	bad |= msg_op(r, IORING_OP_SENDMSG, afd, "pong", 4) != 4;
	bad |= msg_op(r, IORING_OP_RECVMSG, cfd, msg, sizeof(msg)) != 4;
	bad |= prep_close(r, afd, 0) < 0;
	bad |= prep_close(r, cfd, 0) < 0;
	bad |= prep_close(r, lfd, 0) < 0;
	return bad;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct read_opts ro = { 0 };
	unsigned setup = 0;
	struct ring r;
	const char *mode;
	int opt;

	while ((opt = getopt_long(argc, argv, "+sald2h", longopts, NULL)) != -1) {
		switch (opt) {
		case 's': setup |= IORING_SETUP_SQPOLL; break;
		case 'a': opt_async = 1; break;
		case 'l': ro.link = 1; break;
		case 'd': ro.direct = 1; break;
		case '2': ro.openat2 = 1; break;
		case 'h': fputs(usage, stdout); return 0;
		default: fputs(usage, stderr); return 2;
		}
	}
	mode = optind < argc ? argv[optind] : "";
	argc -= optind;
	argv += optind;
	if (!((!strcmp(mode, "read") && argc == 2) || (!strcmp(mode, "fs") && argc == 2) ||
	      (!strcmp(mode, "net") && argc == 3))) {
		fputs(usage, stderr);
		return 2;
	}
	ring_init(&r, setup);
	if (!strcmp(mode, "read"))
		return mode_read(&r, argv[1], &ro);
	if (!strcmp(mode, "fs"))
		return mode_fs(&r, argv[1]);
	return mode_net(&r, argv[1], argv[2]);
}
