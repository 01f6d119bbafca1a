/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The output stream: records (one event each: a line in text and JSON, a
 * block in block) written to a file descriptor with full-write loops, and
 * counted only once every byte of them is written. Errors are precise and
 * final: the first one is returned by that call and by every later call.
 *
 * How the monitor uses it (output_write() is in output.h):
 *
 *	signal(SIGPIPE, SIG_IGN);           a gone reader must be -EPIPE, not death
 *	out = out_stream__new(STDOUT_FILENO);
 *	per event:      err = output_write(out, fmt, &view);
 *	per poll round: err = out_stream__flush(out);   (the buffer is 64 KiB)
 *	    err == -EPIPE: the reader went away: stop at once, exit status 0
 *	    other err (-ENOSPC, -EIO, -EFBIG...): say strerror(-err), exit 1
 *	at exit:        out_stream__flush(out), then the summary from
 *	                out_stream__records()/__bytes()/__lost(), out_stream__free(out)
 *
 * A record cut by an error (say ENOSPC after half of it fit) stays cut in
 * the file: its bytes up to the error are there, without their newline, so
 * a reader sees an incomplete last line; it is not counted as written but
 * as lost, with every record still pending. Nothing is written after an
 * error (a later record could not be told apart from the cut one).
 */
#ifndef CACTUS_OUTPUT_STREAM_H
#define CACTUS_OUTPUT_STREAM_H

#include <stddef.h>
#include <stdint.h>

#define OUT_STREAM_BUF (64u << 10)   /* bytes buffered before a write(2) */

struct out_stream;

/* Writes to @fd (not closed by __free). NULL when out of memory. */
struct out_stream *out_stream__new(int fd);

/* Writes through @fn instead of an fd (the --output-file sink): @fn writes
 * @len bytes of whole records, says in *@done how many bytes of them made
 * it, and returns 0 or -errno, as a full-write loop on an fd would. */
typedef int (*out_write_fn)(void *ctx, const char *buf, size_t len, size_t *done);
struct out_stream *out_stream__new_writer(out_write_fn fn, void *ctx);
/* Flushes nothing: call __flush first and look at its result. */
void out_stream__free(struct out_stream *s);

/* Hands one record (@len bytes, all of one event) to the stream: buffered,
 * or written at once when the buffer is full. 0 or -errno (see above). */
int out_stream__write(struct out_stream *s, const void *buf, size_t len);
/* Writes every buffered record. 0 or -errno. */
int out_stream__flush(struct out_stream *s);
/* The first error, or 0. */
int out_stream__error(const struct out_stream *s);

/* Records, and their bytes, completely written; records handed to the
 * stream that never will be (pending or cut when an error happened). */
uint64_t out_stream__records(const struct out_stream *s);
uint64_t out_stream__bytes(const struct out_stream *s);
uint64_t out_stream__lost(const struct out_stream *s);

#endif
