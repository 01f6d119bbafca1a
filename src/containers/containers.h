/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Container metadata: the paper's step 1, for every runtime. A container is
 * learnt from whichever source knows it first and the others fill in:
 *   OCI runtime state   state.json of runc (docker, containerd in every
 *                       namespace, podman, CRI-O, bare runc): id, init pid,
 *                       cgroup, and the annotations (CRI pod metadata);
 *                       watched with inotify, so a container is known when
 *                       its runtime creates it, before its first syscall
 *   Docker Engine API   name, image, labels; /events followed live
 *   containerd API      image of a container without annotations (gRPC)
 *   podman storage      name and image (containers.json)
 *   cgroup v2           the kernel's cgroup id of every container, and a
 *                       container id from a cgroup path when nothing else
 *                       knows it yet
 *
 * Identity: a container is known by its cgroup v2 id, which the kernel never
 * reuses; the (pid-ns, mnt-ns) pair, which it reuses as soon as a namespace
 * dies, is only a fallback for a runtime process that entered a running
 * container's namespaces from a host cgroup, and is forgotten when the
 * container's init exits.
 *
 * Threads: every function here is for one thread (the monitor's consumer),
 * except that the sources run threads of their own which only post
 * messages; containers__poll() applies them. Records are owned by the
 * registry and freed when the container ends (after CONTAINER_END).
 */
#ifndef CACTUS_CONTAINERS_H
#define CACTUS_CONTAINERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONTAINER_ID_MAX 128   /* docker and CRI: 64 hex; ctr, runc: any name */

/* What the monitor counts per container, for its end record. */
struct syscall_counts;

struct container_totals {
	uint64_t events, drops, alerts, kills, denies;
	uint64_t per_category[9];       /* CAT_COUNT of syscalls.h */
	/* the kernel's counts of its cgroups gone (include/cactus/event.h);
	 * NULL until one is */
	struct syscall_counts *syscalls;
};

struct container {
	char id[CONTAINER_ID_MAX];      /* as its runtime names it */
	char runtime[16];               /* docker, containerd, cri-o, podman, runc,
					 * crun; "unknown" for a record of no container */
	char name[256];                 /* docker/podman name, CRI container name, else id */
	char image[256];
	char k8s_namespace[128];
	char k8s_pod[256];
	char k8s_pod_uid[64];
	char k8s_container[128];
	bool k8s_sandbox;               /* the pod's sandbox ("pause") container */
	char cgroup[512];               /* cgroup v2 path below the mount, "" if unknown */
	uint64_t cgroup_id;             /* its cgroup v2 id, 0 if unknown */
	int init_pid;                   /* host pid of its init, 0 if unknown */
	uint64_t init_start;            /* the init's start time (clock ticks) */
	uint32_t pid_ns;                /* namespaces of its init */
	uint32_t mnt_ns;
	bool running;                   /* started (init or cgroup known), not ended */
	bool existing;                  /* running when the monitor started */
	int exit_code;                  /* wait status of its init, -1: unknown */
	struct container_totals totals;
};

/*
 * What the registry tells its listener (the one path by which containers
 * reach the kernel maps and the output):
 *   CONTAINER_START   @c runs (init or cgroup known): its cgroup is @cg
 *   CONTAINER_ALIAS   one more cgroup @cg belongs to @c (a sub-cgroup)
 *   CONTAINER_UPDATE  @c's metadata changed (a late name or image)
 *   CONTAINER_END     @c ended; each of its cgroups comes once more with
 *                     CGROUP_GONE before it; @c is freed after this call
 *   CGROUP_NOT_CONTAINER  @cg belongs to no container (@c is NULL)
 *   CGROUP_GONE       @cg is no longer known (@c: its container, or NULL)
 */
enum container_change {
	CONTAINER_START, CONTAINER_ALIAS, CONTAINER_UPDATE, CONTAINER_END,
	CGROUP_NOT_CONTAINER, CGROUP_GONE,
};
typedef void (*containers_cb)(void *ctx, struct container *c, uint64_t cg,
			      enum container_change change);

struct containers_opts {
	const char *docker_sock;        /* NULL: /var/run/docker.sock */
	const char *proc_root;          /* NULL: /proc (tests point it elsewhere) */
	const char *state_prefix;       /* NULL: "": prefixed to the runtimes' state dirs
					 * (/run/..., /var/lib/...); tests use a fake tree */
	const char *cgroup2;            /* NULL: the cgroup v2 mount, from mountinfo */
	bool quiet;                     /* no start-up lines (cactus containers) */
	containers_cb on_change;        /* may be NULL */
	void *ctx;
};

struct containers;

struct containers *containers__new(const struct containers_opts *opts);
void containers__free(struct containers *cs);

/* Finds the sources (one line on stderr each: found or not), learns the
 * running containers, and with @follow starts the threads that learn new
 * ones (and sources that appear later). 0 or -errno. */
int containers__start(struct containers *cs, bool follow);

/* Applies what the source threads learnt, and every few seconds ends the
 * containers whose cgroup is gone without the kernel saying so. */
void containers__poll(struct containers *cs);

/* Who made a record, as the kernel saw it. */
struct container_key {
	uint64_t cgroup_id;     /* its cgroup v2 id */
	uint32_t pid_ns, mnt_ns;
	int host_pid;           /* its process, 0 if unknown */
	bool is_init;           /* pid 1 of its pid namespace: a container's init */
	const char *names;      /* "parent/leaf" cgroup names the kernel sent for a
				 * cgroup user space did not know, or NULL */
};

/*
 * The container of a record: by its cgroup id, else (a runtime process that
 * entered a container's namespaces from a host cgroup) by its mount
 * namespace while that container runs, else by the cgroup its process is in
 * now if it is still in the same mount namespace (a runtime's child moved
 * into the container's cgroup after its first syscalls). May wait a moment
 * for a container being created. NULL: no container.
 */
struct container *containers__join(struct containers *cs, const struct container_key *k);
/* The container of cgroup @cg if the registry knows it (no lookups). */
struct container *containers__by_cgroup(struct containers *cs, uint64_t cg);
/* Increases whenever a join's answer may have changed (a container started,
 * ended or was renamed): a cached answer older than this is stale. */
uint64_t containers__generation(const struct containers *cs);

/* The kernel said: a container's init exited (wait status @code). */
void containers__init_exit(struct containers *cs, uint64_t cg, uint32_t pid_ns,
			   uint32_t mnt_ns, int code);
/* The kernel said: cgroup @cg was removed. */
void containers__cgroup_gone(struct containers *cs, uint64_t cg);

/* Every running container, sorted by name then id (free() the array). */
int containers__list(struct containers *cs, struct container ***out, size_t *n);
/* Calls @fn for every running container. */
void containers__foreach(struct containers *cs, void (*fn)(void *ctx, struct container *c),
			 void *ctx);

/* Does @c answer to @name_or_id, as --container means it: its name, its id,
 * or a prefix of its id of at least 4 characters. The one definition, used
 * by the filter and by the unknown-container warning. */
bool container_matches(const struct container *c, const char *name_or_id);
/* Everything the sources can tell of @c has come: its name, its init, and
 * its image unless its runtime has none (bare runc, crun). */
bool container_complete(const struct container *c);
/* How many known containers match @name_or_id (container_matches). */
size_t containers__count_matching(struct containers *cs, const char *name_or_id);

/* Counters for the summary and metrics. */
struct containers_stats {
	uint64_t learnt, ended, ended_late;   /* late: found gone by the sweep */
	uint64_t unresolved;                   /* joins that gave up waiting */
	uint64_t lookup_failures;              /* a source that failed to answer */
	uint64_t messages_dropped;             /* source threads' queue full */
	size_t running, records, not_containers;
};
void containers__stats(const struct containers *cs, struct containers_stats *out);
/* "docker connected, containerd found, ..." for the start-up line. */
const char *containers__sources(const struct containers *cs);

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

/* How outputs name a container: its name, else its id, else "-" (none). */
static inline const char *container_label(const struct container *c)
{
	if (!c || !c->id[0])
		return "-";
	return c->name[0] ? c->name : c->id;
}

#endif
