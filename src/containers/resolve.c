// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Joining a record with its container, on the consumer thread. By cgroup id
 * first: the registry knows the cgroups of the containers it learnt; a cgroup
 * it does not know is looked up (its path, from the kernel's handle or the
 * names the kernel sent; the runtimes' state dirs; a container id in the
 * path). A container whose runtime has not written its state yet (runc's
 * init makes syscalls before it does) is learnt provisionally from its state
 * dir's name or the id in its cgroup path: its metadata follows when the
 * state is written (the watcher), and the monitor holds its records until
 * then. A cgroup of no container is remembered as such; then the record's
 * mount namespace may still name a running container (a runtime process
 * that entered it from a host cgroup).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "containers/internal.h"

/* What a cgroup path says of a container nobody describes yet. */
struct guess {
	char id[CONTAINER_ID_MAX];
	char runtime[16];
	bool by_name;           /* the runtime names such containers by id */
};

/* @path is container @r's cgroup or below it. A path made of the kernel's
 * names ("/parent/leaf", @full false) is only the end of one: it fits if the
 * container's own cgroup ends in the component its state dir was found by. */
static bool under(const char *path, bool full, const char *comp, const struct ct_rec *r)
{
	size_t n = strlen(r->c.cgroup), m = strlen(comp);

	if (!n)
		return false;
	if (full)
		return !strncmp(path, r->c.cgroup, n) && (path[n] == 0 || path[n] == '/');
	return n > m && !strcmp(r->c.cgroup + n - m, comp) && r->c.cgroup[n - m - 1] == '/';
}

/* The state dir <root>[/<ns>]/<name>: learnt if it holds state.json for
 * @path; a guess if it exists without one yet. */
static struct ct_rec *try_dir(struct containers *cs, const char *dir, size_t root,
			      const char *ns, const char *path, bool full, struct guess *g)
{
	struct container c;
	struct ct_rec *r;
	int err;

	if (access(dir, F_OK))
		return NULL;
	err = ct_oci_learn(cs, dir, &ct_oci_roots[root], ns, &c);
	if (err == -ENOENT && !g->id[0]) {
		/* made, but its state not written yet: being created */
		ct_strlcpy(g->id, strrchr(dir, '/') + 1, sizeof(g->id));
		ct_strlcpy(g->runtime, ct_oci_roots[root].runtime ?: "runc", sizeof(g->runtime));
		/* a state dir not named by a 64-hex id: ctr's or runc's own name */
		g->by_name = !ct_is_hex_id(g->id, strlen(g->id));
	}
	if (err)
		return NULL;
	r = ct_apply_info(cs, &c);
	return r && under(path, full, strrchr(dir, '/') + 1, r) ? r : NULL;
}

/* Every state dir that could hold container @name. */
static struct ct_rec *try_state_dirs(struct containers *cs, const char *name, const char *path,
				     bool full, struct guess *g)
{
	char dir[PATH_MAX], base[PATH_MAX];
	struct ct_rec *r = NULL;

	for (size_t i = 0; i < ct_oci_nroots && !r; i++) {
		const struct ct_oci_root *root = &ct_oci_roots[i];
		struct dirent *de;
		DIR *d;

		snprintf(base, sizeof(base), "%s%s", cs->prefix, root->path);
		if (!root->namespaces) {
			if (ct_path_join(dir, sizeof(dir), base, name))
				continue;
			r = try_dir(cs, dir, i, NULL, path, full, g);
			continue;
		}
		d = opendir(base);
		while (d && !r && (de = readdir(d))) {
			char nsdir[PATH_MAX];

			if (de->d_name[0] == '.')
				continue;
			if (ct_path_join(nsdir, sizeof(nsdir), base, de->d_name) ||
			    ct_path_join(dir, sizeof(dir), nsdir, name))
				continue;
			r = try_dir(cs, dir, i, de->d_name, path, full, g);
		}
		if (d)
			closedir(d);
	}
	return r;
}

/*
 * A container already gone, whose state dir is gone too: containerd puts a
 * container of namespace NS in cgroup /NS/<id> by default (ctr), so a leaf
 * under a dir named like one of its namespaces is taken as that container,
 * named by its id as ctr names it.
 */
static void guess_namespaced(const struct containers *cs, const char *path, struct guess *g)
{
	const char *leaf = strrchr(path, '/'), *parent;
	char dir[PATH_MAX], ns[NAME_MAX + 1];

	if (!leaf || leaf == path || !leaf[1])
		return;
	for (parent = leaf - 1; parent > path && parent[-1] != '/'; parent--)
		;
	if ((size_t)(leaf - parent) >= sizeof(ns))
		return;
	memcpy(ns, parent, leaf - parent);
	ns[leaf - parent] = 0;
	for (size_t i = 0; i < ct_oci_nroots; i++) {
		if (!ct_oci_roots[i].namespaces ||
		    snprintf(dir, sizeof(dir), "%s%s/%s", cs->prefix, ct_oci_roots[i].path, ns) >=
		    (int)sizeof(dir) || access(dir, F_OK))
			continue;
		ct_strlcpy(g->id, leaf + 1, sizeof(g->id));
		ct_strlcpy(g->runtime, ct_oci_roots[i].runtime, sizeof(g->runtime));
		g->by_name = true;
		return;
	}
}

/* The container of cgroup @path, if anything knows it now; else @g says
 * what the path and the state dirs tell of a container being created. */
static struct ct_rec *find_for_path(struct containers *cs, const char *path, bool full,
				    struct guess *g)
{
	char comp[NAME_MAX + 1];
	struct ct_rec *r = ct_by_cgroup_path(cs, path);
	const char *end = path + strlen(path), *start;

	if (r)
		return r;
	if (!cgroup_path_parse(path, g->runtime, sizeof(g->runtime), g->id, sizeof(g->id))) {
		/* its runtime's state first: it knows the init */
		r = try_state_dirs(cs, g->id, path, full, g);
		if (!r)
			r = ct_by_id(cs, g->id);
		if (r)
			return r;
	}
	/* the leaf, then its parents: a sub-cgroup of a container */
	for (int depth = 0; depth < 3 && end > path; depth++) {
		start = end;
		while (start > path && start[-1] != '/')
			start--;
		if ((size_t)(end - start) < sizeof(comp) && end > start) {
			memcpy(comp, start, end - start);
			comp[end - start] = 0;
			r = try_state_dirs(cs, comp, path, full, g);
			if (r)
				return r;
		}
		end = start > path ? start - 1 : path;
	}
	if (!g->id[0])
		guess_namespaced(cs, path, g);
	return NULL;
}

/* Nothing describes it yet: a provisional record with the id the path or
 * the state dir gives (docker, asked now, may name it at once). */
static struct ct_rec *from_guess(struct containers *cs, uint64_t cg, const char *path,
				 const struct guess *g, bool full, int init_pid, uint32_t pid_ns,
				 uint32_t mnt_ns)
{
	struct container c = { .exit_code = -1 }, d;

	if (!g->id[0])
		return NULL;
	if (!strcmp(g->runtime, "docker") && __atomic_load_n(&cs->docker_ok, __ATOMIC_ACQUIRE)) {
		struct ct_docker dk = cs->docker;

		if (!ct_docker_inspect(&dk, g->id, &d))
			c = d;
		else
			cs->st.lookup_failures++;
	}
	ct_strlcpy(c.id, g->id, sizeof(c.id));
	if (!c.runtime[0])
		ct_strlcpy(c.runtime, g->runtime, sizeof(c.runtime));
	if (!c.name[0] && g->by_name)
		ct_strlcpy(c.name, g->id, sizeof(c.name));
	if (full)
		ct_strlcpy(c.cgroup, path, sizeof(c.cgroup));
	c.cgroup_id = cg;
	if (init_pid > 0 && !ct_proc_start(cs->proc_root, init_pid, &c.init_start)) {
		c.init_pid = init_pid;
		c.pid_ns = pid_ns;
		c.mnt_ns = mnt_ns;
	}
	cs->st.unresolved += !c.name[0];
	return ct_apply_info(cs, &c);
}

static void init_from_record(struct containers *cs, struct ct_rec *r, int pid, uint32_t pid_ns,
			     uint32_t mnt_ns);

static struct ct_rec *resolve_cgroup(struct containers *cs, uint64_t cg, const char *names,
				     int init_pid, uint32_t pid_ns, uint32_t mnt_ns)
{
	struct guess g = { "", "", false };
	char path[PATH_MAX];
	struct ct_rec *r;
	bool full;

	/* its path while it exists, else the names the kernel sent */
	full = !ct_cgroup2_path(cs->cgroup2_fd, cg, path, sizeof(path));
	if (!full && !names)
		return NULL;
	if (!full)
		snprintf(path, sizeof(path), "/%s", names);
	r = find_for_path(cs, path, full, &g);
	if (!r)
		r = from_guess(cs, cg, path, &g, full, init_pid, pid_ns, mnt_ns);
	else if (!r->c.running)
		init_from_record(cs, r, init_pid, pid_ns, mnt_ns);
	if (r)
		ct_add_cgroup(cs, r, cg, full ? path : NULL);
	return r;
}

/* The running container whose init has this pair (and still lives). */
static struct container *by_pair(struct containers *cs, uint32_t pid_ns, uint32_t mnt_ns)
{
	struct ct_rec *r = ct_by_pair(cs, pid_ns, mnt_ns);
	uint64_t start;

	if (!r || !r->c.running)
		return NULL;
	if (ct_proc_start(cs->proc_root, r->c.init_pid, &start) || start != r->c.init_start) {
		ct_forget_pair(cs, r);
		return NULL;
	}
	return &r->c;
}

/* A container that starts at this record: its init, if the record is it
 * (runc's init makes syscalls before the runtime writes its state). */
static void init_from_record(struct containers *cs, struct ct_rec *r, int pid, uint32_t pid_ns,
			     uint32_t mnt_ns)
{
	if (r->c.init_pid || pid <= 0 || ct_proc_start(cs->proc_root, pid, &r->c.init_start))
		return;
	r->c.init_pid = pid;
	r->c.pid_ns = pid_ns;
	r->c.mnt_ns = mnt_ns;
}

static struct container *join_cgroup(struct containers *cs, const struct container_key *k)
{
	struct ct_rec *r = ct_by_cg(cs, k->cgroup_id);

	if (r || ct_neg_has(cs, k->cgroup_id))
		return r ? &r->c : NULL;
	ct_drain(cs);
	r = ct_by_cg(cs, k->cgroup_id);
	if (!r)
		r = resolve_cgroup(cs, k->cgroup_id, k->names, k->is_init ? k->host_pid : 0,
				   k->pid_ns, k->mnt_ns);
	if (r)
		return &r->c;
	ct_neg_add(cs, k->cgroup_id);
	return NULL;
}

/* The cgroup the record's process is in now, if it is still that process
 * (same mount namespace): a runtime's child, moved into the container's
 * cgroup after its first syscalls. */
static struct container *join_moved(struct containers *cs, const struct container_key *k)
{
	struct container_key now = *k;
	uint32_t pid_ns, mnt_ns;

	if (k->host_pid <= 0 || !cs->cgroup2[0] ||
	    ct_proc_ns(cs->proc_root, k->host_pid, &pid_ns, &mnt_ns) || mnt_ns != k->mnt_ns)
		return NULL;
	now.cgroup_id = cgroup2_id_of_pid(cs->cgroup2, k->host_pid);
	now.names = NULL;
	if (!now.cgroup_id || now.cgroup_id == k->cgroup_id)
		return NULL;
	return join_cgroup(cs, &now);
}

struct container *containers__join(struct containers *cs, const struct container_key *k)
{
	struct container *c = k->cgroup_id ? join_cgroup(cs, k) : NULL;

	/* its init, seen before its runtime's state said which it is */
	if (c && !c->init_pid && k->is_init) {
		struct ct_rec *r = (struct ct_rec *)c;

		init_from_record(cs, r, k->host_pid, k->pid_ns, k->mnt_ns);
		ct_index_pair(cs, r);
		cs->gen++;
	}
	if (!c)
		c = by_pair(cs, k->pid_ns, k->mnt_ns);
	if (!c)
		c = join_moved(cs, k);
	return c;
}

struct container *containers__by_cgroup(struct containers *cs, uint64_t cg)
{
	struct ct_rec *r = ct_by_cg(cs, cg);

	return r ? &r->c : NULL;
}
