// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * src/sinks/rotfile: 100k lines of varying length written in batches with a
 * small max size; the kept files, oldest first, must be exactly the tail of
 * what was written (no line split, lost or duplicated), exactly keep + 1
 * files must exist, and no file may have been rotated early or late. Also:
 * partial lines refused, ENOSPC reported, an existing file continued,
 * keep 0, reopen after an external move.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sinks/rotfile.h"

#define N_LINES 100000
#define MAX_BYTES 4096
#define KEEP 3

struct tmp {
	char dir[64];
	char path[128];
};

static void tmp_make(struct tmp *t)
{
	strcpy(t->dir, "/tmp/cactus-rotfile-XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->path, sizeof(t->path), "%s/out.log", t->dir);
}

static int count_files(const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

static void tmp_remove(struct tmp *t)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", t->dir);
	assert_int_equal(system(cmd), 0);
}

/* Whole file in a malloc'd buffer; NULL if it does not exist. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc(n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, n, f), (size_t)n);
	buf[n] = 0;
	fclose(f);
	*len = n;
	return buf;
}

/* The file holds exactly @want. */
static void assert_file(const char *path, const char *want)
{
	size_t len;
	char *s = slurp(path, &len);

	assert_non_null(s);
	assert_int_equal(len, strlen(want));
	assert_string_equal(s, want);
	free(s);
}

/* A sink at a fresh temporary path. */
static struct rotfile *open_tmp(struct tmp *t, const struct rotfile_opts *o)
{
	struct rotfile *f;

	tmp_make(t);
	f = rotfile__new(t->path, o);
	assert_non_null(f);
	return f;
}

/* Line i: its number, then 0..199 filler bytes picked by a fixed LCG, so
 * lengths vary (some batches cross the max size mid-batch). */
static size_t make_line(char *buf, size_t cap, unsigned i)
{
	unsigned fill = (i * 2654435761u >> 7) % 200;
	int n = snprintf(buf, cap, "line %06u ", i);

	memset(buf + n, 'a' + i % 26, fill);
	buf[n + fill] = '\n';
	return n + fill + 1;
}

static size_t file_size(const char *path)
{
	struct stat sb;

	assert_int_equal(stat(path, &sb), 0);
	return sb.st_size;
}

static size_t first_line_len(const char *path)
{
	char buf[512];
	FILE *f = fopen(path, "r");

	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	return strlen(buf);
}

/* After every batch: the current file is within max_bytes (no line here is
 * longer), and when the batch rotated (at most once: a batch is < 4 KiB) the
 * rotated file had no room for the new file's first line. */
static void check_batch(struct rotfile *f, const char *path, uint64_t *rotations)
{
	struct rotfile_stats st;
	char rotated[160];

	assert_true(file_size(path) <= MAX_BYTES);
	rotfile__stats(f, &st);
	if (st.rotations == *rotations)
		return;
	assert_int_equal(st.rotations, *rotations + 1);
	*rotations = st.rotations;
	snprintf(rotated, sizeof(rotated), "%s.1", path);
	assert_true(file_size(rotated) + first_line_len(path) > MAX_BYTES);
}

/* Writes every line in batches of 1..17 lines; returns all of it. */
static char *write_all_lines(struct rotfile *f, const char *path, size_t *total)
{
	size_t cap = (size_t)N_LINES * 220, len = 0, batch_start;
	char *all = malloc(cap);
	uint64_t rotations = 0;
	unsigned i = 0, b;

	assert_non_null(all);
	while (i < N_LINES) {
		batch_start = len;
		for (b = 0; b < 1 + i % 17 && i < N_LINES; b++, i++)
			len += make_line(all + len, cap - len, i);
		assert_int_equal(rotfile__write(f, all + batch_start, len - batch_start), 0);
		check_batch(f, path, &rotations);
	}
	*total = len;
	return all;
}

/* The kept files, oldest first: each ends a line, is within max_bytes, and
 * the first line of the next newer file would not have fit in it. */
static void check_kept(char **files, size_t *lens, int n)
{
	int k;

	for (k = 0; k < n; k++) {
		assert_true(lens[k] > 0);
		assert_int_equal(files[k][lens[k] - 1], '\n');
		assert_true(lens[k] <= MAX_BYTES);
		if (k + 1 < n) {
			size_t first = strchr(files[k + 1], '\n') - files[k + 1] + 1;

			assert_true(lens[k] + first > MAX_BYTES);
		}
	}
}

static void test_tail_is_kept_exactly(void **state)
{
	char *files[KEEP + 1], *all, name[160];
	size_t lens[KEEP + 1], total, kept = 0, off;
	struct rotfile_opts o = { .max_bytes = MAX_BYTES, .keep = KEEP };
	struct rotfile_stats st;
	struct rotfile *f;
	struct tmp t;
	int k;

	(void)state;
	f = open_tmp(&t, &o);
	all = write_all_lines(f, t.path, &total);
	rotfile__stats(f, &st);
	assert_int_equal(st.lines, N_LINES);
	assert_int_equal(st.bytes, total);
	assert_int_equal(st.errors, 0);
	assert_true(st.rotations > KEEP);
	rotfile__free(f);

	assert_int_equal(count_files(t.dir), KEEP + 1);
	for (k = 0; k <= KEEP; k++) { /* oldest first: PATH.3, PATH.2, PATH.1, PATH */
		if (k < KEEP)
			snprintf(name, sizeof(name), "%s.%d", t.path, KEEP - k);
		else
			snprintf(name, sizeof(name), "%s", t.path);
		files[k] = slurp(name, &lens[k]);
		assert_non_null(files[k]);
		kept += lens[k];
	}
	check_kept(files, lens, KEEP + 1);
	/* the concatenation is the tail of what was written, from a line start */
	assert_true(kept <= total);
	off = total - kept;
	assert_true(off == 0 || all[off - 1] == '\n');
	for (k = 0; k <= KEEP; k++) {
		assert_memory_equal(files[k], all + off, lens[k]);
		off += lens[k];
		free(files[k]);
	}
	free(all);
	tmp_remove(&t);
}

static void test_long_line_gets_own_file(void **state)
{
	struct rotfile_opts o = { .max_bytes = 10, .keep = 2 };
	char long_line[40], *s;
	struct rotfile *f;
	struct tmp t;
	size_t len;

	(void)state;
	memset(long_line, 'x', sizeof(long_line) - 1);
	long_line[sizeof(long_line) - 1] = '\n';
	f = open_tmp(&t, &o);
	assert_int_equal(rotfile__write(f, "ab\n", 3), 0);
	assert_int_equal(rotfile__write(f, long_line, sizeof(long_line)), 0);
	assert_int_equal(rotfile__write(f, "cd\nef\n", 6), 0);
	rotfile__free(f);
	assert_file(t.path, "cd\nef\n");
	s = slurp(strcat(t.path, ".1"), &len);
	assert_int_equal(len, sizeof(long_line));
	free(s);
	t.path[strlen(t.path) - 1] = '2';
	assert_file(t.path, "ab\n");
	tmp_remove(&t);
}

static void test_exact_fit_stays(void **state)
{
	struct rotfile_opts o = { .max_bytes = 6, .keep = 1 };
	struct rotfile *f;
	struct tmp t;

	(void)state;
	f = open_tmp(&t, &o);
	assert_int_equal(rotfile__write(f, "ab\n", 3), 0);
	assert_int_equal(rotfile__write(f, "cd\n", 3), 0); /* exactly 6: no rotation */
	assert_int_equal(rotfile__write(f, "ef\n", 3), 0);
	rotfile__free(f);
	assert_file(strcat(t.path, ".1"), "ab\ncd\n");
	tmp_remove(&t);
}

/* rotfile__write() with the file size limit at @limit bytes (EFBIG after a
 * partial write). */
static int write_capped(struct rotfile *f, const char *buf, size_t len, rlim_t limit)
{
	struct rlimit old, lim;
	int err;

	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = limit;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	err = rotfile__write(f, buf, len);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_DFL);
	return err;
}

/* A write cut short by the file size limit (EFBIG after a partial write) is
 * cut back to its last whole line. */
static void test_short_write_cut_to_line(void **state)
{
	struct rotfile_stats st;
	struct rotfile *f;
	struct tmp t;

	(void)state;
	f = open_tmp(&t, NULL);
	assert_int_equal(write_capped(f, "aaaa\nbbbb\ncccc\n", 15, 12), -EFBIG);
	rotfile__stats(f, &st);
	assert_int_equal(st.lines, 2);
	assert_int_equal(st.bytes, 10);
	assert_int_equal(rotfile__write(f, "dd\n", 3), 0);
	rotfile__free(f);
	assert_file(t.path, "aaaa\nbbbb\ndd\n");
	tmp_remove(&t);
}

/* --output block: a block (lines ended by a blank line) is never split,
 * and a write cut short is cut back to the last whole block. */
static void test_blocks_never_split(void **state)
{
	struct rotfile_opts o = { .max_bytes = 16, .keep = 2, .unit = ROTFILE_BLOCKS };
	struct rotfile_stats st;
	struct rotfile *f;
	struct tmp t;
	char p1[160];

	(void)state;
	f = open_tmp(&t, &o);
	assert_int_equal(rotfile__write(f, "a: 1\nb: 2\n", 10), -EINVAL); /* no blank line */
	/* 12 + 12 bytes: the second block goes to a new file, whole */
	assert_int_equal(rotfile__write(f, "a: 1\nb: 22\n\nc: 3\nd: 44\n\n", 24), 0);
	rotfile__stats(f, &st);
	assert_int_equal(st.lines, 2);
	assert_int_equal(st.rotations, 1);
	snprintf(p1, sizeof(p1), "%s.1", t.path);
	assert_file(p1, "a: 1\nb: 22\n\n");
	assert_file(t.path, "c: 3\nd: 44\n\n");
	rotfile__free(f);
	tmp_remove(&t);

	f = open_tmp(&t, &o);
	assert_int_equal(write_capped(f, "a\n\nbb\ncc\n\n", 10, 6), -EFBIG);
	rotfile__stats(f, &st);
	assert_int_equal(st.lines, 1);
	assert_int_equal(st.bytes, 3);
	rotfile__free(f);
	assert_file(t.path, "a\n\n");
	tmp_remove(&t);
}

static void test_partial_line_refused(void **state)
{
	struct rotfile_stats st;
	struct rotfile *f;
	struct tmp t;
	struct stat sb;

	(void)state;
	f = open_tmp(&t, NULL);
	assert_int_equal(rotfile__write(f, "whole\nhalf", 10), -EINVAL);
	rotfile__stats(f, &st);
	assert_int_equal(st.lines, 0);
	rotfile__free(f);
	assert_int_equal(stat(t.path, &sb), 0);
	assert_int_equal(sb.st_size, 0);
	tmp_remove(&t);
}

static void test_enospc_reported(void **state)
{
	struct rotfile_stats st;
	struct rotfile *f;

	(void)state;
	f = rotfile__new("/dev/full", NULL);
	assert_non_null(f);
	assert_int_equal(rotfile__write(f, "x\n", 2), -ENOSPC);
	rotfile__stats(f, &st);
	assert_int_equal(st.lines, 0);
	assert_int_equal(st.bytes, 0);
	assert_int_equal(st.errors, 1);
	rotfile__free(f);
}

static void test_existing_file_continued(void **state)
{
	struct rotfile_opts o = { .max_bytes = 8, .keep = 1 };
	struct rotfile *f;
	struct tmp t;
	FILE *pre;

	(void)state;
	tmp_make(&t);
	pre = fopen(t.path, "w");
	fputs("12345\n", pre);
	fclose(pre);
	f = rotfile__new(t.path, &o);
	assert_non_null(f);
	/* 6 bytes there already: a 3-byte line does not fit in 8 */
	assert_int_equal(rotfile__write(f, "ab\n", 3), 0);
	rotfile__free(f);
	assert_file(t.path, "ab\n");
	tmp_remove(&t);
}

static void test_keep_zero_and_bad_opts(void **state)
{
	struct rotfile_opts o = { .max_bytes = 4, .keep = 0 };
	struct rotfile *f;
	struct tmp t;

	(void)state;
	f = open_tmp(&t, &o);
	assert_int_equal(rotfile__write(f, "aa\nbb\ncc\n", 9), 0);
	rotfile__free(f);
	assert_int_equal(count_files(t.dir), 1);
	assert_file(t.path, "cc\n");
	o.keep = ROTFILE_MAX_KEEP + 1;
	assert_null(rotfile__new(t.path, &o));
	assert_int_equal(errno, EINVAL);
	tmp_remove(&t);
}

static void test_reopen_after_move(void **state)
{
	char moved[160];
	struct rotfile *f;
	struct tmp t;

	(void)state;
	f = open_tmp(&t, NULL);
	assert_int_equal(rotfile__write(f, "one\n", 4), 0);
	snprintf(moved, sizeof(moved), "%s/moved", t.dir);
	assert_int_equal(rename(t.path, moved), 0);
	assert_int_equal(rotfile__reopen(f), 0);
	assert_int_equal(rotfile__write(f, "two\n", 4), 0);
	rotfile__free(f);
	assert_file(t.path, "two\n");
	assert_file(moved, "one\n");
	tmp_remove(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tail_is_kept_exactly),
		cmocka_unit_test(test_long_line_gets_own_file),
		cmocka_unit_test(test_exact_fit_stays),
		cmocka_unit_test(test_short_write_cut_to_line),
		cmocka_unit_test(test_partial_line_refused),
		cmocka_unit_test(test_blocks_never_split),
		cmocka_unit_test(test_enospc_reported),
		cmocka_unit_test(test_existing_file_continued),
		cmocka_unit_test(test_keep_zero_and_bad_opts),
		cmocka_unit_test(test_reopen_after_move),
	};

	return cmocka_run_group_tests_name("rotfile", tests, NULL, NULL);
}
