// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The OCI runtimes' own state: runc writes <root>/<id>/state.json when it
 * creates a container (before the container's process runs its program) and
 * removes it when the container is deleted. It names the init pid, the
 * cgroups, and carries the bundle's OCI annotations as "key=value" labels:
 * the CRI plugins of containerd and CRI-O put the pod's metadata there, and
 * podman says it is podman. Read with json-c.
 *
 * Why this rather than each daemon's API: one reader covers docker,
 * containerd (every namespace, standalone or under dockerd), podman, CRI-O
 * and bare runc; it needs no daemon to answer (a container whose daemon is
 * down or restarting is still named); it is there from the container's
 * creation, so inotify on these directories learns a container before its
 * first syscall; and the CRI annotations hold exactly the pod metadata
 * Kubernetes users ask for. What it lacks (docker names, a plain `ctr run`
 * container's image, podman names) comes from the Docker API, containerd's
 * API and podman's storage (containers.c merges them).
 */
#include <json-c/json.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "containers/internal.h"

const struct ct_oci_root ct_oci_roots[] = {
	{ "/run/docker/runtime-runc/moby", "docker", false, NULL },
	{ "/run/containerd/runc", "containerd", true, "/run/containerd/containerd.sock" },
	{ "/run/runc", NULL, false, NULL },     /* podman, CRI-O, bare runc */
	{ "/run/crun", NULL, false, NULL },     /* podman's default on cgroup v2 */
};
const size_t ct_oci_nroots = sizeof(ct_oci_roots) / sizeof(ct_oci_roots[0]);

static json_object *jget(json_object *o, const char *key)
{
	json_object *v = NULL;

	return o && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

/* config.labels: ["key=value", ...]; "bundle=" is runc's own. */
static void apply_labels(struct container *c, json_object *labels)
{
	size_t n = json_object_is_type(labels, json_type_array) ?
		   json_object_array_length(labels) : 0;

	for (size_t i = 0; i < n; i++) {
		const char *kv = json_object_get_string(json_object_array_get_idx(labels, i));
		const char *eq = kv ? strchr(kv, '=') : NULL;
		char key[256];

		if (!eq || (size_t)(eq - kv) >= sizeof(key))
			continue;
		memcpy(key, kv, eq - kv);
		key[eq - kv] = 0;
		ct_oci_annotation(c, key, eq + 1);
	}
}

/* cgroup_paths[""] is the cgroup v2 directory (runc 1.0+, hybrid and v2). */
static void apply_cgroup(struct container *c, json_object *paths, const char *cgroup2)
{
	const char *dir = json_object_get_string(jget(paths, ""));
	size_t m = strlen(cgroup2);

	if (!dir || !cgroup2[0] || strncmp(dir, cgroup2, m) || (dir[m] && dir[m] != '/'))
		return;
	ct_strlcpy(c->cgroup, dir[m] ? dir + m : "/", sizeof(c->cgroup));
	c->cgroup_id = ct_cgroup2_id_of_dir(dir);
}

/* The init's namespaces, if it is still the process the runtime started:
 * -ESRCH when it is gone (a stopped container, not running any more). */
static int apply_init(struct container *c, int pid, uint64_t start_ticks, const char *proc_root)
{
	uint64_t start = 0;

	c->init_pid = pid;
	c->init_start = start_ticks;
	if (pid <= 0 || ct_proc_start(proc_root, pid, &start) || start != start_ticks ||
	    ct_proc_ns(proc_root, pid, &c->pid_ns, &c->mnt_ns)) {
		c->init_pid = 0;
		c->pid_ns = c->mnt_ns = 0;
		return -ESRCH;
	}
	return 0;
}

/* CRI names a container by its name in the pod; ctr and runc by id;
 * docker and podman have names of their own (other sources). */
static void default_name(struct container *c, const struct ct_oci_root *root)
{
	ct_strlcpy(c->name, c->k8s_container[0] ? c->k8s_container :
		   (c->k8s_sandbox && c->k8s_pod[0] ? c->k8s_pod : ""), sizeof(c->name));
	if (!c->name[0] && (!root->runtime || strcmp(root->runtime, "docker")) &&
	    strcmp(c->runtime, "podman"))
		ct_strlcpy(c->name, c->id, sizeof(c->name));
}

/*
 * crun's state: <root>/<id>/status {"pid", "process-start-time",
 * "cgroup-path" (below the cgroup v2 mount), ...} beside config.json, the
 * bundle's spec with its "annotations".
 */
static int read_crun(const char *dir, const struct ct_oci_root *root, const char *cgroup2,
		     const char *proc_root, struct container *c)
{
	char path[PATH_MAX], cg[PATH_MAX];
	const char *id = strrchr(dir, '/'), *cgp;
	json_object *st, *spec, *ann;
	int err;

	if (snprintf(path, sizeof(path), "%s/status", dir) >= (int)sizeof(path) || !id)
		return -ENAMETOOLONG;
	st = json_object_from_file(path);
	if (!st)
		return access(path, F_OK) ? -ENOENT : -EBADMSG;
	memset(c, 0, sizeof(*c));
	c->exit_code = -1;
	ct_strlcpy(c->id, id + 1, sizeof(c->id));
	ct_strlcpy(c->runtime, root->runtime ? root->runtime : "crun", sizeof(c->runtime));
	snprintf(path, sizeof(path), "%s/config.json", dir);
	spec = json_object_from_file(path);
	ann = jget(spec, "annotations");
	if (ann && json_object_is_type(ann, json_type_object)) {
		json_object_object_foreach(ann, key, val)
			ct_oci_annotation(c, key, json_object_get_string(val));
	}
	json_object_put(spec);
	cgp = json_object_get_string(jget(st, "cgroup-path"));
	if (cgp && cgp[0] == '/' && cgroup2[0] &&
	    snprintf(cg, sizeof(cg), "%s%s", cgroup2, cgp) < (int)sizeof(cg)) {
		ct_strlcpy(c->cgroup, cgp, sizeof(c->cgroup));
		c->cgroup_id = ct_cgroup2_id_of_dir(cg);
	}
	err = apply_init(c, json_object_get_int(jget(st, "pid")),
			 (uint64_t)json_object_get_int64(jget(st, "process-start-time")), proc_root);
	default_name(c, root);
	json_object_put(st);
	return err;
}

int ct_oci_read(const char *dir, const struct ct_oci_root *root, const char *cgroup2,
		const char *proc_root, struct container *c)
{
	char path[PATH_MAX];
	json_object *st, *config;
	const char *id;
	int err = -EBADMSG;

	if (snprintf(path, sizeof(path), "%s/state.json", dir) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	st = json_object_from_file(path);
	if (!st && access(path, F_OK))
		return read_crun(dir, root, cgroup2, proc_root, c);
	if (!st)
		return -EBADMSG;
	id = json_object_get_string(jget(st, "id"));
	memset(c, 0, sizeof(*c));
	c->exit_code = -1;
	if (!id || ct_strlcpy(c->id, id, sizeof(c->id)))
		goto out;
	ct_strlcpy(c->runtime, root->runtime ? root->runtime : "runc", sizeof(c->runtime));
	config = jget(st, "config");
	apply_labels(c, jget(config, "labels"));
	apply_cgroup(c, jget(st, "cgroup_paths"), cgroup2);
	err = apply_init(c, json_object_get_int(jget(st, "init_process_pid")),
			 (uint64_t)json_object_get_int64(jget(st, "init_process_start")), proc_root);
	default_name(c, root);
out:
	json_object_put(st);
	return err;
}

int ct_oci_learn(const struct containers *cs, const char *dir, const struct ct_oci_root *root,
		 const char *ns, struct container *c)
{
	int err = ct_oci_read(dir, root, cs->cgroup2, cs->proc_root, c);

	if (!err)
		ct_oci_enrich(cs, root, ns, c);
	return err;
}

int ct_oci_enrich(const struct containers *cs, const struct ct_oci_root *root, const char *ns,
		  struct container *c)
{
	char sock[PATH_MAX];
	struct container d;
	int added = -ENOENT;

	if (!strcmp(c->runtime, "podman") && !ct_podman_fill(cs->prefix, c->id, c))
		added = 0;
	if (root->api && ns && !c->image[0]) {
		snprintf(sock, sizeof(sock), "%s%s", cs->prefix, root->api);
		if (!ct_containerd_get(sock, ns, c->id, c))
			added = 0;
	}
	/* docker: the name and image now, so the container starts named */
	if (!strcmp(c->runtime, "docker") && __atomic_load_n(&cs->docker_ok, __ATOMIC_ACQUIRE)) {
		struct ct_docker dk = cs->docker;

		if (!ct_docker_inspect(&dk, c->id, &d)) {
			added = 0;
			ct_strlcpy(c->name, d.name, sizeof(c->name));
			ct_strlcpy(c->image, d.image, sizeof(c->image));
			memcpy(c->k8s_namespace, d.k8s_namespace, sizeof(c->k8s_namespace));
			memcpy(c->k8s_pod, d.k8s_pod, sizeof(c->k8s_pod));
			memcpy(c->k8s_pod_uid, d.k8s_pod_uid, sizeof(c->k8s_pod_uid));
			memcpy(c->k8s_container, d.k8s_container, sizeof(c->k8s_container));
			c->k8s_sandbox |= d.k8s_sandbox;
		}
	}
	return added;
}
