/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Private to src/containers/ (layers: see containers.c). proc.c reads /proc,
 * docker.c speaks the Docker Engine API, events.c follows docker /events in
 * a thread, resolve.c learns containers, registry.c owns the records and the
 * lock.
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

/* ---- proc.c: /proc/<pid>/{ns,cgroup,stat} under a configurable root ---- */

int ct_proc_ns(const char *proc_root, int pid, uint32_t *pid_ns, uint32_t *mnt_ns);
int ct_proc_cgroup(const char *proc_root, int pid, char *runtime, size_t runtime_len,
		   char *id, size_t id_len);
int ct_proc_ppid(const char *proc_root, int pid, int *ppid);

/* One container found by scanning /proc: its runtime, id and init pid. */
struct ct_found {
	char id[CONTAINER_ID_LEN + 1];
	char runtime[16];
	int pid;
	int ppid;
};

int ct_proc_scan(const char *proc_root, struct ct_found **out, size_t *n);

/* ---- docker.c: Docker Engine API over a unix socket (libcurl + json-c) ---- */

struct ct_docker {
	char sock[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char api[16];           /* "v1.41" once ct_docker_version() succeeded */
};

int ct_docker_version(struct ct_docker *d);
int ct_docker_list(struct ct_docker *d, char (**ids)[CONTAINER_ID_LEN + 1], size_t *n);
int ct_docker_inspect(struct ct_docker *d, const char *id, struct container *c);
int ct_docker_url(const struct ct_docker *d, const char *path, char *url, size_t len);
void ct_docker_set_common(void *curl, const struct ct_docker *d);
void ct_labels_set(struct container *c, const char *key, const char *val);

/* ---- events.c: the /events thread ---- */

struct ct_events;

int ct_events_start(struct containers *cs, const struct ct_docker *d, struct ct_events **out);
void ct_events_stop(struct ct_events *ev);

/* ---- registry.c: the store; the ct_ index helpers need cs->lock held ---- */

struct ct_rec {
	struct container c;     /* first: the public pointer is &rec->c */
	struct ct_rec *next;    /* cs->all */
};

struct ct_ns_ent {
	uint64_t key;
	const struct container *c;
};

struct containers {
	char proc_root[PATH_MAX];
	struct ct_docker docker;
	bool docker_ok;
	pthread_mutex_t lock;
	pthread_cond_t published;       /* broadcast on every publish */
	struct ct_rec *all;
	const struct container **cur;
	size_t ncur, capcur;
	struct ct_ns_ent *ns;
	size_t nns, capns;
	struct ct_events *events;
	containers_cb on_change;        /* told every change of the ns index */
	void *ctx;
};

const struct container *ct_ns_get(const struct containers *cs, uint32_t pid_ns,
				  uint32_t mnt_ns);
int ct_ns_put(struct containers *cs, uint32_t pid_ns, uint32_t mnt_ns,
	      const struct container *c);
void ct_ns_drop(struct containers *cs, const struct container *c);
const struct container *ct_cur_get(const struct containers *cs, const char *id);
void ct_cur_drop(struct containers *cs, const char *id);
const struct container *ct_publish(struct containers *cs, const struct container *tmpl);
void ct_fill_ns(const struct containers *cs, struct container *c); /* no lock needed */

/* ---- resolve.c: called by events.c for each container event ---- */

/* Applies one event (action "create", "start", "die", "destroy"; attrs holds
 * id, name, image, labels from Actor.Attributes). Returns the record it
 * published and sets *started, or NULL when nothing changed. */
const struct container *ct_registry_event(struct containers *cs, const char *action,
					  const struct container *attrs, bool *started);

#endif
