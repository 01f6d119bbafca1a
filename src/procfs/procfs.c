// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Reading /proc (procfs.h): paths, links, and the parsers of its files. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "procfs/procfs.h"

/* "<root>/<pid>/<name><tail>" */
static int path_of(const char *root, int pid, const char *name, const char *tail, char *buf,
		   size_t len)
{
	int n;

	if (!root)
		root = "/proc";
	if (pid == PROCFS_SELF)
		n = snprintf(buf, len, "%s/self/%s%s", root, name, tail);
	else
		n = snprintf(buf, len, "%s/%d/%s%s", root, pid, name, tail);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* Copy with truncation, always NUL-terminated; -ENAMETOOLONG if cut. */
static int copy(char *dst, size_t len, const char *src)
{
	size_t n = strlen(src);

	if (!len)
		return -EINVAL;
	if (n >= len) {
		memcpy(dst, src, len - 1);
		dst[len - 1] = '\0';
		return -ENAMETOOLONG;
	}
	memcpy(dst, src, n + 1);
	return 0;
}

/* Parses an unsigned decimal at s (no sign, no blanks); *endp is set past it. */
static int parse_ulong(const char *s, char **endp, unsigned long max, unsigned long *out)
{
	unsigned long v;
	char *end;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || v > max)
		return -ERANGE;
	*endp = end;
	*out = v;
	return 0;
}

int procfs_open(const char *root, int pid, const char *name, FILE **f)
{
	char path[PATH_MAX];
	int err = path_of(root, pid, name, "", path, sizeof(path));

	if (err)
		return err;
	*f = fopen(path, "re");
	return *f ? 0 : -errno;
}

/* readlink(@path) into @buf: a target that does not fit is -ENAMETOOLONG. */
static int link_at(const char *path, char *buf, size_t len)
{
	ssize_t n;

	if (len < 2)
		return -EINVAL;
	n = readlink(path, buf, len - 1);
	if (n < 0)
		return -errno;
	if ((size_t)n >= len - 1)
		return -ENAMETOOLONG;
	buf[n] = '\0';
	return 0;
}

int procfs_readlink(const char *root, int pid, const char *name, char *buf, size_t len)
{
	char path[PATH_MAX];
	int err = path_of(root, pid, name, "", path, sizeof(path));

	return err ? err : link_at(path, buf, len);
}

/*
 * readlink gives "pid:[4026531836]" on a real /proc (and on a test's
 * dangling symlink); when the entry is not a link, stat() its target.
 */
int procfs_ns_inode(const char *root, int pid, const char *name, uint32_t *ino)
{
	char path[PATH_MAX], buf[64], *end;
	size_t plen = strlen(name);
	unsigned long v;
	struct stat st;
	int err;

	err = path_of(root, pid, "ns/", name, path, sizeof(path));
	if (err)
		return err;
	err = link_at(path, buf, sizeof(buf));
	if (err == -EINVAL) {
		if (stat(path, &st))
			return -errno;
		*ino = (uint32_t)st.st_ino;
		return 0;
	}
	if (err == -ENAMETOOLONG)
		return -EINVAL; /* longer than any "name:[inode]" */
	if (err)
		return err;
	if (strncmp(buf, name, plen) || strncmp(buf + plen, ":[", 2))
		return -EINVAL;
	if (parse_ulong(buf + plen + 2, &end, UINT32_MAX, &v) || strcmp(end, "]"))
		return -EINVAL;
	*ino = (uint32_t)v;
	return 0;
}

/* Field @field of a stat line at @s, into @st; -EINVAL if it does not parse.
 * Only the fields struct procfs_stat keeps are looked at. */
static int stat_field(struct procfs_stat *st, int field, const char *s)
{
	unsigned long v;
	long l;
	char *end;

	switch (field) {
	case 3:
		st->state = *s;
		return *s ? 0 : -EINVAL;
	case 4:
		if (parse_ulong(s, &end, INT32_MAX, &v))
			return -EINVAL;
		st->ppid = (int)v;
		return 0;
	case 7:
		errno = 0;
		l = strtol(s, &end, 10);
		if (end == s || errno || l < INT32_MIN || l > INT32_MAX)
			return -EINVAL;
		st->tty_nr = (int)l;
		return 0;
	case 22:
		if (parse_ulong(s, &end, ULONG_MAX, &v))
			return -EINVAL;
		st->start = v;
		return 0;
	}
	return 0;
}

/*
 * "pid (comm) state ppid pgrp session tty_nr ... starttime(22) ...": comm
 * may hold ')' and spaces, so the fields after it start at the last ')'.
 */
int procfs_stat(const char *root, int pid, struct procfs_stat *st)
{
	char buf[1024], *open, *close, *p;
	size_t n;
	FILE *f;
	int err;

	err = procfs_open(root, pid, "stat", &f);
	if (err)
		return err;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	memset(st, 0, sizeof(*st));
	open = strchr(buf, '(');
	close = strrchr(buf, ')');
	if (!open || !close || close < open)
		return -EINVAL;
	n = (size_t)(close - open - 1);
	if (n >= sizeof(st->comm))
		n = sizeof(st->comm) - 1;
	memcpy(st->comm, open + 1, n);
	st->fields = 2;
	/* p is at the space before field st->fields + 1 */
	for (p = close + 1; p && *p == ' '; p = strchr(p + 1, ' ')) {
		if (stat_field(st, st->fields + 1, p + 1))
			break;
		st->fields++;
	}
	return st->fields >= 4 ? 0 : -EINVAL;
}

int procfs_cgroup_lines(const char *root, int pid, procfs_cgroup_fn fn, void *ctx)
{
	char *line = NULL, *p, *q;
	size_t cap = 0;
	FILE *f;
	int err;

	err = procfs_open(root, pid, "cgroup", &f);
	if (err)
		return err;
	while (!err && getline(&line, &cap, f) > 0) {
		p = strchr(line, ':');
		q = p ? strchr(p + 1, ':') : NULL;
		if (!q)
			continue;
		q[1 + strcspn(q + 1, "\n")] = '\0';
		err = fn(!strncmp(line, "0::", 3), q + 1, ctx);
	}
	free(line);
	fclose(f);
	return err;
}

struct v2_path {
	char *buf;
	size_t len;
	int err;
};

static int take_v2(bool v2, const char *path, void *ctx)
{
	struct v2_path *out = ctx;

	if (!v2)
		return 0;
	out->err = copy(out->buf, out->len, path);
	return !out->err; /* one too long: look on, as for a second v2 line */
}

int procfs_cgroup_v2_path(const char *root, int pid, char *buf, size_t len)
{
	struct v2_path out = { buf, len, -ENOENT };
	int err = procfs_cgroup_lines(root, pid, take_v2, &out);

	return err < 0 ? err : out.err;
}

int procfs_exe(const char *root, int pid, char *buf, size_t len)
{
	char exe[PATH_MAX], top[PATH_MAX];
	size_t r = 0;
	int err;

	err = procfs_readlink(root, pid, "exe", exe, sizeof(exe));
	if (err)
		return err;
	if (!exe[0])
		return -ENOENT;
	/* the link shows the host's view; a root of "/" takes nothing off */
	if (!procfs_readlink(root, pid, "root", top, sizeof(top)))
		r = strlen(top);
	if (r > 1 && !strncmp(exe, top, r) && exe[r] == '/')
		return copy(buf, len, exe + r);
	return copy(buf, len, exe);
}

int procfs_in_root(const char *root, int pid, const char *path, char *buf, size_t len)
{
	return path_of(root, pid, "root", path, buf, len);
}

/* A /proc entry's name as a pid, 0 if it is not one ("self", "sys"). */
static int pid_of(const char *name)
{
	unsigned long v;
	char *end;

	if (parse_ulong(name, &end, INT32_MAX, &v) || *end || !v)
		return 0;
	return (int)v;
}

int procfs_each_pid(const char *root, int (*fn)(int pid, void *ctx), void *ctx)
{
	struct dirent *de;
	int err = 0, pid;
	DIR *dir;

	dir = opendir(root ? root : "/proc");
	if (!dir)
		return -errno;
	while (!err && (de = readdir(dir))) {
		pid = pid_of(de->d_name);
		if (pid)
			err = fn(pid, ctx);
	}
	closedir(dir);
	return err;
}
