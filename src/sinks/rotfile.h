/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The --output-file sink: appends whole lines to PATH and rotates by size,
 * PATH -> PATH.1 -> ... -> PATH.<keep>, the oldest dropped.
 *
 * Rotation happens only between lines (or blocks, ROTFILE_BLOCKS): a line is
 * never split across files.
 * A file is rotated before the line that would take it past max_bytes, so
 * every file holds at most max_bytes, except a file holding one line that
 * alone is longer (it gets a file of its own rather than being cut).
 *
 * Durability (fsync policy): by default a file is fsync'ed when it is
 * rotated out and when the sink is freed, and the directory after each
 * rotation's renames, so a crash loses at most the current file's unsynced
 * tail, never a rotated file. ROTFILE_FSYNC_EVERY_WRITE syncs after every
 * rotfile__write() (an alerts-only stream); ROTFILE_FSYNC_NEVER leaves it to
 * the kernel.
 *
 * Not thread safe: one writer (the consumer thread).
 */
#ifndef CACTUS_SINKS_ROTFILE_H
#define CACTUS_SINKS_ROTFILE_H

#include <stddef.h>
#include <stdint.h>

enum rotfile_fsync { ROTFILE_FSYNC_ROTATE = 0, ROTFILE_FSYNC_EVERY_WRITE, ROTFILE_FSYNC_NEVER };

/* What is never split across files: a line, or a block of lines ended by a
 * blank line (`--output block`, whose values never hold a raw newline). */
enum rotfile_unit { ROTFILE_LINES = 0, ROTFILE_BLOCKS };

#define ROTFILE_DEFAULT_MAX_BYTES (100ULL << 20)
#define ROTFILE_DEFAULT_KEEP 5
#define ROTFILE_MAX_KEEP 1000

struct rotfile_opts {
	uint64_t max_bytes;            /* 0: ROTFILE_DEFAULT_MAX_BYTES */
	int keep;                      /* rotated files kept, 0..ROTFILE_MAX_KEEP; -1: default */
	enum rotfile_fsync fsync;
	enum rotfile_unit unit;
};

struct rotfile_stats {
	uint64_t lines;                /* written completely (blocks: blocks) */
	uint64_t bytes;
	uint64_t rotations;
	uint64_t errors;               /* failed writes, renames, opens */
};

struct rotfile;

/* Opens (creates, mode 0640) PATH for appending: an existing file is
 * continued, its size counted toward max_bytes. NULL with errno set. */
struct rotfile *rotfile__new(const char *path, const struct rotfile_opts *opts);

/* Closes the file (fsync'ed unless ROTFILE_FSYNC_NEVER). */
void rotfile__free(struct rotfile *f);

/*
 * Writes @len bytes holding one or more complete lines (@buf must end with
 * '\n', or a blank line for ROTFILE_BLOCKS, else -EINVAL and nothing is
 * written), rotating between lines (blocks) as
 * needed. Returns 0 or -errno. A failed write is cut back to the last whole
 * line, so a line is either in the file entirely or not at all; lines before
 * the failing one stay written and counted.
 */
int rotfile__write(struct rotfile *f, const char *buf, size_t len);

/* Reopens PATH (SIGHUP after an external tool moved the file away). */
int rotfile__reopen(struct rotfile *f);

/* Thread safe (relaxed atomics): the metrics endpoint reads them. */
void rotfile__stats(const struct rotfile *f, struct rotfile_stats *st);

#endif
