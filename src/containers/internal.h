/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Private to src/containers/. Layers, each using only those below it:
 *   containers.c  the front: new/free, start-up discovery, poll
 *   resolve.c     joining a record with its container (cgroup id, pair)
 *   registry.c    the records, their indexes, the messages the source
 *                 threads post, container start and end
 *   watch.c       thread: inotify on the OCI state dirs -> messages
 *   events.c      thread: docker /events (and docker coming up) -> messages
 *   oci.c docker.c containerd.c podman.c scan.c cgroupfs.c cgroup.c
 *                 sources: read one thing, know no registry
 *   match.c       listing and --container matching
 * Every non-static name starts with ct_ so it cannot clash with the rest of
 * cactus, which links all src objects into one binary.
 */
#ifndef CACTUS_CONTAINERS_INTERNAL_H
#define CACTUS_CONTAINERS_INTERNAL_H

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/un.h>

#include "containers/containers.h"

#define CT_LOG_PREFIX "cactus: "
#define CT_HEX_ID_LEN 64 /* docker and CRI container ids: 64 lowercase hex */

/* Copy with truncation, always NUL-terminated; returns -ENAMETOOLONG if cut. */
static inline int ct_strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (!size)
		return -EINVAL;
	if (len >= size) {
		memcpy(dst, src, size - 1);
		dst[size - 1] = '\0';
		return -ENAMETOOLONG;
	}
	memcpy(dst, src, len + 1);
	return 0;
}

/* "@a/@b" into @out: 0, or -ENAMETOOLONG (then @out must not be used). */
static inline int ct_path_join(char *out, size_t len, const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la + 1 + lb >= len)
		return -ENAMETOOLONG;
	memcpy(out, a, la);
	out[la] = '/';
	memcpy(out + la + 1, b, lb + 1);
	return 0;
}

/* cgroup.c: @s (@len bytes) is a docker/CRI id, 64 lowercase hex digits. */
bool ct_is_hex_id(const char *s, size_t len);

/* ---- scan.c: /proc/<pid>/{ns,cgroup,stat} under a configurable root ---- */

int ct_proc_ns(const char *proc_root, int pid, uint32_t *pid_ns, uint32_t *mnt_ns);
int ct_proc_cgroup(const char *proc_root, int pid, char *runtime, size_t runtime_len,
		   char *id, size_t id_len);
int ct_proc_ppid(const char *proc_root, int pid, int *ppid);
/* The "0::" line of /proc/<pid>/cgroup: its cgroup v2 path below the mount. */
int ct_proc_cgroup2(const char *proc_root, int pid, char *out, size_t len);
/* Field 22 of /proc/<pid>/stat: when it started, in clock ticks since boot. */
int ct_proc_start(const char *proc_root, int pid, uint64_t *start);

/* One container found by scanning /proc: its runtime, id and init pid. */
struct ct_found {
	char id[CONTAINER_ID_MAX];
	char runtime[16];
	int pid;
	int ppid;
};

int ct_proc_scan(const char *proc_root, struct ct_found **out, size_t *n);

/* ---- cgroupfs.c: the cgroup v2 tree ---- */

/* An open fd of the cgroup v2 mount (for handles), or -errno. */
int ct_cgroup2_open(const char *mount);
/* The path (below the mount, "/docker/<id>") of cgroup @cg, while it exists:
 * 0, -ESTALE/-ENOENT when it is gone. */
int ct_cgroup2_path(int mount_fd, uint64_t cg, char *out, size_t len);
/* The cgroup id of an absolute cgroup v2 directory, 0 if none. */
uint64_t ct_cgroup2_id_of_dir(const char *dir);

/* ---- oci.c: the OCI runtimes' state dirs ---- */

/* A state dir: <prefix><path>/<id>/state.json, or, for containerd,
 * <prefix><path>/<namespace>/<id>/state.json. */
struct ct_oci_root {
	const char *path;       /* "/run/docker/runtime-runc/moby" */
	const char *runtime;    /* docker, containerd; NULL: from the annotations */
	bool namespaces;        /* one more level: containerd namespaces */
	const char *api;        /* containerd socket for images, or NULL */
};
extern const struct ct_oci_root ct_oci_roots[];
extern const size_t ct_oci_nroots;

/* Reads <dir>/state.json (runc) or <dir>/status (crun) into @c: id, init pid
 * and start, cgroup (path and id, @cgroup2 the mount), runtime, and from the
 * annotations name, image, pod metadata. 0; -ENOENT (not there yet, or
 * gone); -ESRCH (stopped: its init is gone, @c filled all the same);
 * -EBADMSG. */
int ct_oci_read(const char *dir, const struct ct_oci_root *root, const char *cgroup2,
		const char *proc_root, struct container *c);
/* ct_oci_read() and what other sources add for that runtime (podman's
 * names, containerd's image): everything a state dir can tell. @ns: the
 * containerd namespace or NULL. */
int ct_oci_learn(const struct containers *cs, const char *dir, const struct ct_oci_root *root,
		 const char *ns, struct container *c);
/* The slower part of ct_oci_learn(): 0 if it added anything to @c. */
int ct_oci_enrich(const struct containers *cs, const struct ct_oci_root *root, const char *ns,
		  struct container *c);


/* ---- docker.c: Docker Engine API over a unix socket (libcurl + json-c) ---- */

struct ct_docker {
	char sock[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char api[16];           /* "v1.41" once ct_docker_version() succeeded */
};

int ct_docker_version(struct ct_docker *d);
int ct_docker_list(struct ct_docker *d, char (**ids)[CONTAINER_ID_MAX], size_t *n);
int ct_docker_inspect(struct ct_docker *d, const char *id, struct container *c);
int ct_docker_url(const struct ct_docker *d, const char *path, char *url, size_t len);
void ct_docker_set_common(void *curl, const struct ct_docker *d);

/* ---- annotations.c ---- */

/* Applies one annotation (CRI containerd, CRI-O, podman's manager). */
void ct_oci_annotation(struct container *c, const char *key, const char *val);
/* Applies one docker label (kubelet's io.kubernetes.*). */
void ct_labels_set(struct container *c, const char *key, const char *val);

/* ---- containerd.c: containerd's API (gRPC over HTTP/2, libcurl) ---- */

/* Container @id of namespace @ns as containerd's API knows it: its image,
 * and the annotations of its spec (ct_oci_annotation()) into @c.
 * 0, -ENOENT, -ECONNREFUSED. */
int ct_containerd_get(const char *sock, const char *ns, const char *id, struct container *c);
/* Pure, for tests: the same from a gRPC-framed GetContainerResponse.
 * 0, -EBADMSG, -ENAMETOOLONG. */
int ct_containerd_parse_get(const uint8_t *buf, size_t len, struct container *c);

/* ---- podman.c: containers/storage ---- */

/* Name and image of podman container @id from <prefix>/var/lib/containers. */
int ct_podman_fill(const char *prefix, const char *id, struct container *c);

/* ---- registry.c ---- */

/* What a source thread learnt, for the consumer to apply. */
enum ct_msg_kind {
	CT_MSG_INFO,    /* @info: a container as the source knows it */
	CT_MSG_DIE,     /* container @info.id exited (@code: wait status, -1) */
	CT_MSG_GONE,    /* container @info.id was deleted by its runtime */
	CT_MSG_SOURCE,  /* a source came up: @info.name says which */
};

struct ct_msg {
	enum ct_msg_kind kind;
	int code;
	struct container info;
};

struct ct_rec {
	struct container c;     /* first: the public pointer is &rec->c */
	uint64_t *cgs;          /* its cgroups: [0] its own, then sub-cgroups */
	size_t ncg, capcg;
	uint64_t pair;          /* its init's mnt_ns, indexed in by_pair; 0: none */
	unsigned int misses;    /* sweeps that found its cgroup gone */
	uint64_t learnt_ms;     /* CLOCK_MONOTONIC, for records never started */
};

struct ct_events;
struct ct_watch;
struct ct_tomb;

struct containers {
	char prefix[PATH_MAX];          /* state_prefix */
	char proc_root[PATH_MAX];
	char cgroup2[PATH_MAX];         /* mount, "" without cgroup v2 */
	int cgroup2_fd;
	struct ct_docker docker;
	bool docker_ok;                 /* atomic: the events thread sets it */
	bool quiet;
	containers_cb on_change;
	void *ctx;
	/* indexes (tsearch trees), consumer thread only */
	void *by_id, *by_cg, *by_pair, *neg;
	uint64_t *neg_fifo;             /* negative answers, oldest first */
	size_t neg_head, neg_len;
	void *tombs;                    /* ended containers (registry.c) */
	struct ct_tomb **tomb_fifo;
	size_t tomb_head, ntomb;
	size_t nrec, nrunning;
	uint64_t gen;
	uint64_t last_sweep_ms;
	/* messages from the source threads */
	pthread_mutex_t qlock;
	struct ct_msg *q;
	size_t qhead, qlen;
	struct ct_events *events;
	struct ct_watch *watch;
	struct containers_stats st;
	char sources[256];
};

/* Called by source threads: queue a message (counted when full). */
void ct_post(struct containers *cs, enum ct_msg_kind kind, const struct container *info,
	     int code);
/* Consumer thread: apply every queued message. */
void ct_drain(struct containers *cs);
/* Learn or complete a container; START/UPDATE as needed. Returns it. */
struct ct_rec *ct_apply_info(struct containers *cs, const struct container *info);
struct ct_rec *ct_by_id(const struct containers *cs, const char *id);
struct ct_rec *ct_by_cg(const struct containers *cs, uint64_t cg);
struct ct_rec *ct_by_pair(const struct containers *cs, uint32_t pid_ns, uint32_t mnt_ns);
struct ct_rec *ct_by_cgroup_path(const struct containers *cs, const char *path);
/* @cg (at @path, or NULL) belongs to @r: its own cgroup if it had none
 * yet (then it starts), else a sub-cgroup found by a join. */
void ct_add_cgroup(struct containers *cs, struct ct_rec *r, uint64_t cg, const char *path);
/* Negative answers: @cg is no container's (bounded, oldest forgotten). */
bool ct_neg_has(const struct containers *cs, uint64_t cg);
void ct_neg_add(struct containers *cs, uint64_t cg);
void ct_neg_drop(struct containers *cs, uint64_t cg);
void ct_drop_cgroup(struct containers *cs, struct ct_rec *r, uint64_t cg);
void ct_end(struct containers *cs, struct ct_rec *r, bool late);
void ct_forget_pair(struct containers *cs, struct ct_rec *r);
/* Indexes the mount namespace of @r's init (a running container). */
void ct_index_pair(struct containers *cs, struct ct_rec *r);
void ct_sweep(struct containers *cs);
void ct_registry_free(struct containers *cs);
uint64_t ct_now_ms(void);

/* ---- the source threads ---- */

int ct_events_start(struct containers *cs, struct ct_events **out);
void ct_events_stop(struct ct_events *ev);
int ct_watch_start(struct containers *cs, struct ct_watch **out);
void ct_watch_stop(struct ct_watch *w);

#endif
