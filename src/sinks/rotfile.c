// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Lines are grouped into one write(2) per file as long as they fit, so a
 * batch of lines costs one system call, not one per line.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sinks/rotfile.h"

struct rotfile {
	char *path;
	int fd;
	uint64_t size;                 /* of the current file */
	struct rotfile_opts o;
	/* read by rotfile__stats from another thread (the metrics endpoint) */
	_Atomic uint64_t lines, bytes, rotations, errors;
};

static int open_current(struct rotfile *f)
{
	struct stat st;
	int fd;

	fd = open(f->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		int err = -errno;

		close(fd);
		return err;
	}
	f->fd = fd;
	f->size = st.st_size;
	return 0;
}

static int fail(struct rotfile *f, int err)
{
	atomic_fetch_add_explicit(&f->errors, 1, memory_order_relaxed);
	return err;
}

struct rotfile *rotfile__new(const char *path, const struct rotfile_opts *opts)
{
	struct rotfile *f;
	int err;

	if (!path || !*path || (opts && (opts->keep < -1 || opts->keep > ROTFILE_MAX_KEEP))) {
		errno = EINVAL;
		return NULL;
	}
	if (!(f = calloc(1, sizeof(*f))) || !(f->path = strdup(path))) {
		free(f);
		errno = ENOMEM;
		return NULL;
	}
	if (opts)
		f->o = *opts;
	else
		f->o.keep = -1;
	if (!f->o.max_bytes)
		f->o.max_bytes = ROTFILE_DEFAULT_MAX_BYTES;
	if (f->o.keep < 0)
		f->o.keep = ROTFILE_DEFAULT_KEEP;
	if ((err = open_current(f))) {
		free(f->path);
		free(f);
		errno = -err;
		return NULL;
	}
	return f;
}

void rotfile__free(struct rotfile *f)
{
	if (!f)
		return;
	if (f->fd >= 0) {
		if (f->o.fsync != ROTFILE_FSYNC_NEVER)
			fsync(f->fd);
		close(f->fd);
	}
	free(f->path);
	free(f);
}

/* ---- rotation ---- */

static void numbered(const struct rotfile *f, int n, char *buf, size_t len)
{
	if (n)
		snprintf(buf, len, "%s.%d", f->path, n);
	else
		snprintf(buf, len, "%s", f->path);
}

/* PATH.<keep-1> -> PATH.<keep> (replacing the oldest) ... PATH -> PATH.1;
 * with keep 0 PATH is removed. A missing file in the chain is no error. */
static int shift_files(const struct rotfile *f)
{
	char from[PATH_MAX], to[PATH_MAX];
	int n;

	if (f->o.keep == 0)
		return unlink(f->path) && errno != ENOENT ? -errno : 0;
	for (n = f->o.keep - 1; n >= 0; n--) {
		numbered(f, n, from, sizeof(from));
		numbered(f, n + 1, to, sizeof(to));
		if (rename(from, to) && errno != ENOENT)
			return -errno;
	}
	return 0;
}

/* The renames are durable only once the directory is synced. */
static void sync_dir(const struct rotfile *f)
{
	char *copy = strdup(f->path);
	int fd;

	if (!copy)
		return;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(copy);
}

static int rotate(struct rotfile *f)
{
	int err, err2;

	if (f->o.fsync != ROTFILE_FSYNC_NEVER)
		fsync(f->fd);
	close(f->fd);
	f->fd = -1;
	err = shift_files(f);
	/* reopen even after a failed rename, so later writes still land in PATH */
	err2 = open_current(f);
	if (err || err2)
		return fail(f, err ? err : err2);
	if (f->o.fsync != ROTFILE_FSYNC_NEVER)
		sync_dir(f);
	atomic_fetch_add_explicit(&f->rotations, 1, memory_order_relaxed);
	return 0;
}

int rotfile__reopen(struct rotfile *f)
{
	int err;

	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	if ((err = open_current(f)))
		return fail(f, err);
	return 0;
}

/* ---- writing ---- */

/* One past the end of the unit (line, or block) starting at @p, or NULL
 * when [@p, @end) holds no whole one. */
static const char *unit_end(const struct rotfile *f, const char *p, const char *end)
{
	const char *nl;

	if (f->o.unit == ROTFILE_BLOCKS) {
		nl = memmem(p, end - p, "\n\n", 2);
		return nl ? nl + 2 : NULL;
	}
	nl = memchr(p, '\n', end - p);
	return nl ? nl + 1 : NULL;
}

/* Whole units at the start of [@p, @p + @len): their count in *@n, their
 * bytes returned. */
static size_t whole_units(const struct rotfile *f, const char *p, size_t len, size_t *n)
{
	const char *q = p, *nl;

	*n = 0;
	while ((nl = unit_end(f, q, p + len))) {
		q = nl;
		(*n)++;
	}
	return q - p;
}

/* How many bytes of whole units from @p fit in the current file. An empty
 * file takes its first unit whatever its length (it is never cut). */
static size_t fitting(const struct rotfile *f, const char *p, const char *end)
{
	const char *q = p, *nl;

	while (q < end && (nl = unit_end(f, q, end))) {
		if (f->size + (nl - p) > f->o.max_bytes && (f->size || q > p))
			break;
		q = nl;
	}
	return q - p;
}

/* Writes @len bytes of whole units; on a failure, the file is cut back to
 * the last whole unit written and the error returned. */
static int write_lines(struct rotfile *f, const char *p, size_t len)
{
	size_t done = 0, keep, n;
	ssize_t k;
	int err;

	while (done < len) {
		k = write(f->fd, p + done, len - done);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			goto err_cut;
		done += k;
	}
	whole_units(f, p, len, &n);
	f->size += len;
	atomic_fetch_add_explicit(&f->bytes, len, memory_order_relaxed);
	atomic_fetch_add_explicit(&f->lines, n, memory_order_relaxed);
	return 0;
err_cut:
	err = k < 0 ? -errno : -EIO;
	keep = whole_units(f, p, done, &n);
	/* a failed cut is not reported: the write's error says more */
	if (keep < done)
		(void)!ftruncate(f->fd, f->size + keep);
	f->size += keep;
	atomic_fetch_add_explicit(&f->bytes, keep, memory_order_relaxed);
	atomic_fetch_add_explicit(&f->lines, n, memory_order_relaxed);
	return fail(f, err);
}

int rotfile__write(struct rotfile *f, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;
	size_t n;
	int err;

	if (!len)
		return 0;
	if (buf[len - 1] != '\n' ||
	    (f->o.unit == ROTFILE_BLOCKS && (len < 2 || buf[len - 2] != '\n')))
		return -EINVAL;
	if (f->fd < 0 && (err = rotfile__reopen(f)))
		return err;
	while (p < end) {
		n = fitting(f, p, end);
		if (!n) {
			if ((err = rotate(f)))
				return err;
			/* someone else wrote to the new PATH already: no loop */
			if (f->size)
				return fail(f, -EEXIST);
			continue;
		}
		if ((err = write_lines(f, p, n)))
			return err;
		p += n;
	}
	if (f->o.fsync == ROTFILE_FSYNC_EVERY_WRITE && fsync(f->fd))
		return fail(f, -errno);
	return 0;
}

void rotfile__stats(const struct rotfile *f, struct rotfile_stats *st)
{
	struct rotfile *m = (struct rotfile *)f;

	st->lines = atomic_load_explicit(&m->lines, memory_order_relaxed);
	st->bytes = atomic_load_explicit(&m->bytes, memory_order_relaxed);
	st->rotations = atomic_load_explicit(&m->rotations, memory_order_relaxed);
	st->errors = atomic_load_explicit(&m->errors, memory_order_relaxed);
}
