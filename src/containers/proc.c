// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * What /proc tells about containers: a process's namespace inodes, the
 * container its cgroup names, its parent, and (by scanning every process)
 * each container's init. All paths sit under proc_root so tests can build a
 * fake tree in a temporary directory.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "containers/internal.h"

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

/*
 * One /proc/<pid>/ns/<name> inode. readlink gives "pid:[4026531836]" on a real
 * /proc (and on a test's dangling symlink); when the entry is not a link, stat()
 * its target instead.
 */
static int ns_inode(const char *proc_root, int pid, const char *name, uint32_t *ino)
{
	char path[PATH_MAX], buf[64], *end;
	unsigned long v;
	struct stat st;
	size_t plen = strlen(name);
	ssize_t len;

	if (snprintf(path, sizeof(path), "%s/%d/ns/%s", proc_root, pid, name) >=
	    (int)sizeof(path))
		return -ENAMETOOLONG;
	len = readlink(path, buf, sizeof(buf) - 1);
	if (len < 0) {
		if (errno != EINVAL)
			return -errno;
		if (stat(path, &st))
			return -errno;
		*ino = (uint32_t)st.st_ino;
		return 0;
	}
	buf[len] = '\0';
	if (strncmp(buf, name, plen) || strncmp(buf + plen, ":[", 2))
		return -EINVAL;
	if (parse_ulong(buf + plen + 2, &end, UINT32_MAX, &v) || strcmp(end, "]"))
		return -EINVAL;
	*ino = (uint32_t)v;
	return 0;
}

int ct_proc_ns(const char *proc_root, int pid, uint32_t *pid_ns, uint32_t *mnt_ns)
{
	int err;

	err = ns_inode(proc_root, pid, "pid", pid_ns);
	if (err)
		return err;
	return ns_inode(proc_root, pid, "mnt", mnt_ns);
}

/*
 * /proc/<pid>/cgroup lines are "hierarchy:controllers:path". The v2 line
 * "0::path" is the truth on a unified host; on a v1 or hybrid host it may be
 * "/" while the v1 lines name the container, so any v1 line that parses is
 * kept as a fallback.
 */
int ct_proc_cgroup(const char *proc_root, int pid, char *runtime, size_t runtime_len,
		   char *id, size_t id_len)
{
	char path[PATH_MAX], v1_rt[16], v1_id[CONTAINER_ID_MAX];
	char *line = NULL, *p, *q;
	bool have_v1 = false;
	size_t cap = 0;
	int err = -ENOENT;
	FILE *f;

	if (snprintf(path, sizeof(path), "%s/%d/cgroup", proc_root, pid) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (getline(&line, &cap, f) > 0) {
		p = strchr(line, ':');
		q = p ? strchr(p + 1, ':') : NULL;
		if (!q)
			continue;
		if (!strncmp(line, "0::", 3)) {
			if (!cgroup_path_parse(q + 1, runtime, runtime_len, id, id_len)) {
				err = 0;
				goto out;
			}
		} else if (!have_v1 &&
			   !cgroup_path_parse(q + 1, v1_rt, sizeof(v1_rt), v1_id, sizeof(v1_id))) {
			have_v1 = true;
		}
	}
	if (have_v1) {
		err = ct_strlcpy(runtime, v1_rt, runtime_len);
		if (!err)
			err = ct_strlcpy(id, v1_id, id_len);
	}
out:
	free(line);
	fclose(f);
	return err;
}

int ct_proc_cgroup2(const char *proc_root, int pid, char *out, size_t len)
{
	char path[PATH_MAX], *line = NULL;
	size_t cap = 0;
	int err = -ENOENT;
	FILE *f;

	if (snprintf(path, sizeof(path), "%s/%d/cgroup", proc_root, pid) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (err && getline(&line, &cap, f) > 0) {
		if (strncmp(line, "0::", 3))
			continue;
		line[strcspn(line, "\n")] = 0;
		err = ct_strlcpy(out, line + 3, len);
	}
	free(line);
	fclose(f);
	return err;
}

/*
 * Field @field (1-based, 3 or more: past "(comm)") of /proc/<pid>/stat:
 * "pid (comm) state ppid ... starttime(22) ...", comm may hold ')' and spaces.
 */
static int stat_field(const char *proc_root, int pid, int field, unsigned long max,
		      unsigned long *out)
{
	char path[PATH_MAX], buf[1024], *p, *end;
	size_t len;
	FILE *f;

	if (snprintf(path, sizeof(path), "%s/%d/stat", proc_root, pid) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	f = fopen(path, "re");
	if (!f)
		return -errno;
	len = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[len] = '\0';
	p = strrchr(buf, ')');
	/* p is at ")": each step moves to the space before the next field */
	for (int k = 2; p && k < field; k++)
		p = strchr(p + 1, ' ');
	if (!p || p[0] != ' ' || parse_ulong(p + 1, &end, max, out))
		return -EINVAL;
	return 0;
}

int ct_proc_ppid(const char *proc_root, int pid, int *ppid)
{
	unsigned long v;
	int err = stat_field(proc_root, pid, 4, INT32_MAX, &v);

	if (!err)
		*ppid = (int)v;
	return err;
}

int ct_proc_start(const char *proc_root, int pid, uint64_t *start)
{
	unsigned long v;
	int err = stat_field(proc_root, pid, 22, ULONG_MAX, &v);

	if (!err)
		*start = v;
	return err;
}

static int pid_of(const char *name)
{
	unsigned long v;
	char *end;

	if (parse_ulong(name, &end, INT32_MAX, &v) || *end || !v)
		return 0;
	return (int)v;
}

static int cmp_pid(const void *a, const void *b)
{
	const struct ct_found *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* Every process whose cgroup names a container, sorted by pid. */
static int collect(const char *proc_root, struct ct_found **out, size_t *n)
{
	struct ct_found *v = NULL, *tmp, f;
	size_t len = 0, cap = 0;
	struct dirent *de;
	DIR *dir;

	dir = opendir(proc_root);
	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		memset(&f, 0, sizeof(f));
		f.pid = pid_of(de->d_name);
		if (!f.pid || ct_proc_cgroup(proc_root, f.pid, f.runtime, sizeof(f.runtime),
					     f.id, sizeof(f.id)))
			continue;
		if (ct_proc_ppid(proc_root, f.pid, &f.ppid))
			f.ppid = 0; /* gone meanwhile or no stat: treat as an init */
		if (len == cap) {
			cap = cap ? cap * 2 : 64;
			tmp = realloc(v, cap * sizeof(*v));
			if (!tmp) {
				free(v);
				closedir(dir);
				return -ENOMEM;
			}
			v = tmp;
		}
		v[len++] = f;
	}
	closedir(dir);
	if (len)
		qsort(v, len, sizeof(*v), cmp_pid);
	*out = v;
	*n = len;
	return 0;
}

/*
 * Each container's init: a process of the container whose parent is not in
 * the same container (runc/containerd-shim is outside it), lowest pid first.
 * Returns one entry per container id in *out (free() it).
 */
int ct_proc_scan(const char *proc_root, struct ct_found **out, size_t *n)
{
	struct ct_found *v = NULL, *res, key, *parent;
	size_t len = 0, i, j, k = 0;
	bool dup;
	int err;

	err = collect(proc_root, &v, &len);
	if (err)
		return err;
	res = calloc(len ? len : 1, sizeof(*res));
	if (!res) {
		free(v);
		return -ENOMEM;
	}
	for (i = 0; i < len; i++) {
		key.pid = v[i].ppid;
		parent = bsearch(&key, v, len, sizeof(*v), cmp_pid);
		if (parent && !strcmp(parent->id, v[i].id))
			continue;
		/* v is sorted by pid, so the first init kept per id is the lowest */
		dup = false;
		for (j = 0; j < k && !dup; j++)
			dup = !strcmp(res[j].id, v[i].id);
		if (!dup)
			res[k++] = v[i];
	}
	free(v);
	*out = res;
	*n = k;
	return 0;
}
