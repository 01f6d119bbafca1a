// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The output stream (see stream.h): buffered records, full writes, counted
 * only when complete. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "output/stream.h"

/* Records buffered at once; tiny records flush early rather than grow. */
#define MAX_PENDING 4096

struct out_stream {
	int fd;
	out_write_fn fn;                /* instead of the fd, when set */
	void *fn_ctx;
	int err;                        /* the first error, sticky */
	size_t len;                     /* bytes in buf */
	uint32_t n_ends;
	uint32_t ends[MAX_PENDING];     /* end offset in buf of each record */
	uint64_t records, bytes, lost;
	char buf[OUT_STREAM_BUF];
};

struct out_stream *out_stream__new(int fd)
{
	struct out_stream *s = malloc(sizeof(*s));

	if (!s)
		return NULL;
	s->fd = fd;
	s->fn = NULL;
	s->fn_ctx = NULL;
	s->err = 0;
	s->len = 0;
	s->n_ends = 0;
	s->records = s->bytes = s->lost = 0;
	return s;
}

struct out_stream *out_stream__new_writer(out_write_fn fn, void *ctx)
{
	struct out_stream *s = out_stream__new(-1);

	if (s) {
		s->fn = fn;
		s->fn_ctx = ctx;
	}
	return s;
}

void out_stream__free(struct out_stream *s)
{
	free(s);
}

/* A non-blocking fd that is full (EAGAIN): wait until it takes more. */
static void wait_writable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };

	while (poll(&p, 1, -1) < 0 && errno == EINTR)
		;
}

/* Writes all @n bytes, or stops at the first error; *done says how many
 * bytes made it either way. */
static int write_all(int fd, const char *p, size_t n, size_t *done)
{
	*done = 0;
	while (*done < n) {
		ssize_t k = write(fd, p + *done, n - *done);

		if (k > 0) {
			*done += (size_t)k;
			continue;
		}
		if (k == 0)
			return -EIO; /* write(2) never does this for n > 0 on files, pipes, ttys */
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN)
			wait_writable(fd);
		else
			return -errno;
	}
	return 0;
}

static int emit(struct out_stream *s, const char *p, size_t n, size_t *done)
{
	if (s->fn) {
		*done = 0;
		return s->fn(s->fn_ctx, p, n, done);
	}
	return write_all(s->fd, p, n, done);
}

/* Counts the buffered records that @done bytes completed; the rest, if
 * an error stopped the write, are lost. Empties the buffer. */
static void settle(struct out_stream *s, size_t done, int err)
{
	uint32_t i = 0;

	for (; i < s->n_ends && s->ends[i] <= done; i++)
		s->records++;
	if (i)
		s->bytes += s->ends[i - 1];
	s->lost += s->n_ends - i;
	s->len = 0;
	s->n_ends = 0;
	s->err = err;
}

int out_stream__flush(struct out_stream *s)
{
	size_t done;
	int err;

	if (s->err || !s->len)
		return s->err;
	err = emit(s, s->buf, s->len, &done);
	settle(s, done, err);
	return err;
}

/* A record larger than the buffer goes straight out, after what is pending. */
static int write_large(struct out_stream *s, const void *buf, size_t len)
{
	size_t done;
	int err = emit(s, buf, len, &done);

	if (err) {
		s->err = err;
		s->lost++;
		return err;
	}
	s->records++;
	s->bytes += len;
	return 0;
}

int out_stream__write(struct out_stream *s, const void *buf, size_t len)
{
	int err;

	if (s->err) {
		s->lost++;
		return s->err;
	}
	if (!len)
		return 0;
	if (len > sizeof(s->buf) - s->len || s->n_ends == MAX_PENDING) {
		err = out_stream__flush(s);
		if (err) {
			s->lost++;
			return err;
		}
	}
	if (len > sizeof(s->buf))
		return write_large(s, buf, len);
	memcpy(s->buf + s->len, buf, len);
	s->len += len;
	s->ends[s->n_ends++] = (uint32_t)s->len;
	return 0;
}

int out_stream__error(const struct out_stream *s)
{
	return s->err;
}

uint64_t out_stream__records(const struct out_stream *s)
{
	return s->records;
}

uint64_t out_stream__bytes(const struct out_stream *s)
{
	return s->bytes;
}

uint64_t out_stream__lost(const struct out_stream *s)
{
	return s->lost;
}
