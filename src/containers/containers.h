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

/*
 * What the registry tells its listener: namespace pair (@pid_ns, @mnt_ns) now
 * belongs to record @c (CONTAINER_SEEN; @c may be a negative record, runtime
 * "unknown", for a pair that is no container), or the container that had it
 * is gone (CONTAINER_GONE; the kernel may hand the pair to the next one).
 * This is the one path by which a learnt container reaches the kernel maps.
 * Called from whichever thread learnt it, with the registry's lock held: the
 * listener must not call back into containers__*().
 */
enum container_change { CONTAINER_SEEN, CONTAINER_GONE };
typedef void (*containers_cb)(void *ctx, const struct container *c, uint32_t pid_ns,
			      uint32_t mnt_ns, enum container_change change);

struct containers_opts {
	const char *docker_sock;        /* NULL: /var/run/docker.sock */
	const char *proc_root;          /* NULL: /proc (tests point it elsewhere) */
	containers_cb on_change;        /* may be NULL */
	void *ctx;
};

struct containers;

struct containers *containers__new(const struct containers_opts *opts);
void containers__free(struct containers *cs);

/* Scan /proc and ask docker. Returns 0, or -errno on a hard failure.
 * No docker daemon is not a failure: containers__docker_ok() says false,
 * and one line on stderr says metadata comes from /proc and cgroups only. */
int containers__scan(struct containers *cs);
bool containers__docker_ok(const struct containers *cs);

/* Follow docker /events (create/start/die/destroy) in a thread. */
int containers__follow(struct containers *cs);

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

/* Does @c answer to @name_or_id, as --container means it: its name, its id,
 * or a prefix of its id of at least 4 characters. The one definition, used
 * by the filter and by the unknown-container warning. */
bool container_matches(const struct container *c, const char *name_or_id);
/* How many known containers match @name_or_id (container_matches). */
size_t containers__count_matching(struct containers *cs, const char *name_or_id);

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

/* The cgroup v2 mount point (/sys/fs/cgroup, or /sys/fs/cgroup/unified on a
 * hybrid host), from /proc/self/mountinfo: 0, -ENOENT without cgroup v2. */
int cgroup2_mount(char *out, size_t len);
/* The cgroup v2 id of process @pid (what bpf_get_current_cgroup_id() says
 * for it), 0 if unknown. */
uint64_t cgroup2_id_of_pid(const char *mount, int pid);

#endif
