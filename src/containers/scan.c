// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * What /proc tells about containers: a process's namespace inodes, the
 * container its cgroup names, its parent, and (by scanning every process)
 * each container's init. src/procfs reads the files; all paths sit under
 * proc_root so tests can build a fake tree in a temporary directory.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "containers/internal.h"
#include "procfs/procfs.h"

int ct_proc_ns(const char *proc_root, int pid, uint32_t *pid_ns, uint32_t *mnt_ns)
{
	int err;

	err = procfs_ns_inode(proc_root, pid, "pid", pid_ns);
	if (err)
		return err;
	return procfs_ns_inode(proc_root, pid, "mnt", mnt_ns);
}

struct cgroup_found {
	char *runtime, *id;
	size_t runtime_len, id_len;
	bool have_v1;
	char v1_rt[16], v1_id[CONTAINER_ID_MAX];
};

static int cgroup_line(bool v2, const char *path, void *ctx)
{
	struct cgroup_found *cf = ctx;

	if (v2)
		return !cgroup_path_parse(path, cf->runtime, cf->runtime_len, cf->id, cf->id_len);
	if (!cf->have_v1 &&
	    !cgroup_path_parse(path, cf->v1_rt, sizeof(cf->v1_rt), cf->v1_id, sizeof(cf->v1_id)))
		cf->have_v1 = true;
	return 0;
}

/*
 * The v2 line "0::path" of /proc/<pid>/cgroup is the truth on a unified
 * host; on a v1 or hybrid host it may be "/" while the v1 lines name the
 * container, so the first v1 line that parses is kept as a fallback.
 */
int ct_proc_cgroup(const char *proc_root, int pid, char *runtime, size_t runtime_len,
		   char *id, size_t id_len)
{
	struct cgroup_found cf = {
		.runtime = runtime, .runtime_len = runtime_len, .id = id, .id_len = id_len,
	};
	int err = procfs_cgroup_lines(proc_root, pid, cgroup_line, &cf);

	if (err)
		return err < 0 ? err : 0;
	if (!cf.have_v1)
		return -ENOENT;
	err = ct_strlcpy(runtime, cf.v1_rt, runtime_len);
	if (!err)
		err = ct_strlcpy(id, cf.v1_id, id_len);
	return err;
}

int ct_proc_cgroup2(const char *proc_root, int pid, char *out, size_t len)
{
	return procfs_cgroup_v2_path(proc_root, pid, out, len);
}

int ct_proc_ppid(const char *proc_root, int pid, int *ppid)
{
	struct procfs_stat st;
	int err = procfs_stat(proc_root, pid, &st);

	if (!err)
		*ppid = st.ppid;
	return err;
}

int ct_proc_start(const char *proc_root, int pid, uint64_t *start)
{
	struct procfs_stat st;
	int err = procfs_stat(proc_root, pid, &st);

	if (!err && st.fields < 22)
		err = -EINVAL;
	if (!err)
		*start = st.start;
	return err;
}

static int cmp_pid(const void *a, const void *b)
{
	const struct ct_found *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

struct found_list {
	const char *proc_root;
	struct ct_found *v;
	size_t len, cap;
};

static int add_found(int pid, void *ctx)
{
	struct found_list *l = ctx;
	struct ct_found f, *tmp;

	memset(&f, 0, sizeof(f));
	f.pid = pid;
	if (ct_proc_cgroup(l->proc_root, pid, f.runtime, sizeof(f.runtime), f.id, sizeof(f.id)))
		return 0;
	if (ct_proc_ppid(l->proc_root, pid, &f.ppid))
		f.ppid = 0; /* gone meanwhile or no stat: treat as an init */
	if (l->len == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		tmp = realloc(l->v, l->cap * sizeof(*l->v));
		if (!tmp)
			return -ENOMEM;
		l->v = tmp;
	}
	l->v[l->len++] = f;
	return 0;
}

/* Every process whose cgroup names a container, sorted by pid. */
static int collect(const char *proc_root, struct ct_found **out, size_t *n)
{
	struct found_list l = { .proc_root = proc_root };
	int err = procfs_each_pid(proc_root, add_found, &l);

	if (err) {
		free(l.v);
		return err;
	}
	if (l.len)
		qsort(l.v, l.len, sizeof(*l.v), cmp_pid);
	*out = l.v;
	*n = l.len;
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
