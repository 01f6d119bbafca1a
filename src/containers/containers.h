/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Container metadata: the paper's step 1. Finds running containers from /proc
 * (namespace inodes, cgroup path -> runtime + id) and from the Docker Engine
 * API (name, image, labels, init pid), follows docker /events, and resolves an
 * unknown (pid-ns, mnt-ns) pair from /proc/<pid> on demand.
 *
 * Records are immutable once published and live until containers__free(), so
 * a pointer returned by a lookup stays valid without a lock.
 */
#ifndef CACTUS_CONTAINERS_H
#define CACTUS_CONTAINERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONTAINER_ID_LEN 64

struct container {
	char id[CONTAINER_ID_LEN + 1];  /* full id, lowercase hex */
	char runtime[16];               /* "docker", "containerd", "cri-o", "podman", "unknown" */
	char name[256];                 /* without docker's leading '/' */
	char image[256];
	char k8s_namespace[128];        /* io.kubernetes.pod.namespace */
	char k8s_pod[256];              /* io.kubernetes.pod.name */
	char k8s_container[128];        /* io.kubernetes.container.name */
	int init_pid;                   /* host pid of the container's init, 0 if unknown */
	uint32_t pid_ns;                /* inode of /proc/<init_pid>/ns/pid */
	uint32_t mnt_ns;                /* inode of /proc/<init_pid>/ns/mnt */
	bool running;
};

struct containers_opts {
	const char *docker_sock;        /* NULL: /var/run/docker.sock */
	const char *proc_root;          /* NULL: /proc (tests point it elsewhere) */
};

/* Called from the events thread when a container starts or dies. */
typedef void (*containers_cb)(void *ctx, const struct container *c, bool started);

struct containers;

struct containers *containers__new(const struct containers_opts *opts);
void containers__free(struct containers *cs);

/* Scan /proc and ask docker. Returns 0, or -errno on a hard failure.
 * No docker daemon is not a failure: containers__docker_ok() says false,
 * and one line on stderr says metadata comes from /proc and cgroups only. */
int containers__scan(struct containers *cs);
bool containers__docker_ok(const struct containers *cs);

/* Follow docker /events (create/start/die/destroy) in a thread, calling cb. */
int containers__follow(struct containers *cs, containers_cb cb, void *ctx);

/* Known container by namespace pair, or NULL. Thread safe. */
const struct container *containers__by_ns(struct containers *cs, uint32_t pid_ns,
					  uint32_t mnt_ns);

/* Find or learn the container of a process seen in an event whose namespace
 * pair is not known yet: /proc/<host_pid>/cgroup, else the cgroup leaf name
 * the kernel captured (may be NULL), then docker inspect / the events cache.
 * Caches the answer under (pid_ns, mnt_ns), including a negative answer (a
 * record with runtime "unknown" and empty id) so /proc is read once per pair.
 * Never returns NULL. */
const struct container *containers__resolve(struct containers *cs, uint32_t pid_ns,
					    uint32_t mnt_ns, int host_pid,
					    const char *cgroup_leaf);

/* Snapshot of known running containers, for `cactus containers`. The array
 * holds pointers to records; free it with free(). */
int containers__list(struct containers *cs, const struct container ***out, size_t *n);

/* Find a container by name or id (full or unique prefix of >= 4 chars). */
const struct container *containers__find(struct containers *cs, const char *name_or_id);

/*
 * Pure helper, unit tested: parse a cgroup path (a line's third field in
 * /proc/<pid>/cgroup, or just the leaf name) into runtime and 64-hex id.
 * Knows docker (cgroupfs "/docker/<id>", systemd "docker-<id>.scope"),
 * containerd/CRI ("cri-containerd-<id>.scope", kubepods cgroupfs
 * ".../pod<uid>/<id>"), CRI-O ("crio-<id>.scope"), podman ("libpod-<id>.scope").
 * Returns 0 and fills both, or -ENOENT when the path is not a container's.
 */
int cgroup_path_parse(const char *path, char *runtime, size_t runtime_len,
		      char *id, size_t id_len);

#endif
