// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The containers module's front: creating and freeing the registry, the
 * start-up scan (docker, then /proc), following docker events. Layers, each
 * using only those below it:
 *   containers.c   this file
 *   events.c       docker /events thread -> resolve.c
 *   resolve.c      learning containers on demand and from events
 *   docker.c, proc.c, cgroup.c, cgroupfs.c   sources (no registry)
 *   registry.c     the records and their indexes (no I/O)
 */
#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "containers/internal.h"

#define CT_DEFAULT_SOCK "/var/run/docker.sock"
#define CT_DEFAULT_PROC "/proc"

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_init_once(void)
{
	curl_global_init(CURL_GLOBAL_NOTHING);
}

struct containers *containers__new(const struct containers_opts *opts)
{
	const char *sock = opts && opts->docker_sock ? opts->docker_sock : CT_DEFAULT_SOCK;
	const char *proc = opts && opts->proc_root ? opts->proc_root : CT_DEFAULT_PROC;
	pthread_condattr_t attr;
	struct containers *cs;

	cs = calloc(1, sizeof(*cs));
	if (!cs)
		return NULL;
	if (ct_strlcpy(cs->proc_root, proc, sizeof(cs->proc_root)) ||
	    ct_strlcpy(cs->docker.sock, sock, sizeof(cs->docker.sock))) {
		fprintf(stderr, CT_LOG_PREFIX "path too long: %s\n",
			strlen(proc) >= sizeof(cs->proc_root) ? proc : sock);
		free(cs);
		errno = ENAMETOOLONG;
		return NULL;
	}
	cs->on_change = opts ? opts->on_change : NULL;
	cs->ctx = opts ? opts->ctx : NULL;
	pthread_once(&curl_once, curl_init_once);
	pthread_mutex_init(&cs->lock, NULL);
	/* resolve() waits on it with a deadline; a monotonic one ignores clock steps */
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&cs->published, &attr);
	pthread_condattr_destroy(&attr);
	return cs;
}

void containers__free(struct containers *cs)
{
	struct ct_rec *r, *next;

	if (!cs)
		return;
	ct_events_stop(cs->events);
	for (r = cs->all; r; r = next) {
		next = r->next;
		free(r);
	}
	free(cs->cur);
	free(cs->ns);
	pthread_cond_destroy(&cs->published);
	pthread_mutex_destroy(&cs->lock);
	free(cs);
}

/* ---- scan ---- */

static int publish_locked(struct containers *cs, const struct container *tmpl)
{
	const struct container *c;

	pthread_mutex_lock(&cs->lock);
	c = ct_publish(cs, tmpl);
	pthread_mutex_unlock(&cs->lock);
	return c ? 0 : -ENOMEM;
}

static int scan_docker(struct containers *cs)
{
	char (*ids)[CONTAINER_ID_LEN + 1] = NULL;
	struct container c;
	size_t i, n = 0;
	int err;

	err = ct_docker_list(&cs->docker, &ids, &n);
	if (err)
		return err;
	for (i = 0; i < n && !err; i++) {
		if (ct_docker_inspect(&cs->docker, ids[i], &c))
			continue; /* removed since the list */
		ct_fill_ns(cs, &c);
		err = publish_locked(cs, &c);
	}
	free(ids);
	return err;
}

/* Containers docker does not know (containerd, CRI-O, podman) or no docker. */
static int scan_proc(struct containers *cs)
{
	struct ct_found *found = NULL;
	struct container c;
	size_t i, n = 0;
	bool known;
	int err;

	err = ct_proc_scan(cs->proc_root, &found, &n);
	if (err)
		return err;
	for (i = 0; i < n && !err; i++) {
		pthread_mutex_lock(&cs->lock);
		known = ct_cur_get(cs, found[i].id) != NULL;
		pthread_mutex_unlock(&cs->lock);
		if (known)
			continue;
		memset(&c, 0, sizeof(c));
		memcpy(c.id, found[i].id, sizeof(c.id));
		ct_strlcpy(c.runtime, found[i].runtime, sizeof(c.runtime));
		c.init_pid = found[i].pid;
		c.running = true;
		ct_fill_ns(cs, &c);
		err = publish_locked(cs, &c);
	}
	free(found);
	return err;
}

int containers__scan(struct containers *cs)
{
	bool ok;
	int err;

	ok = !ct_docker_version(&cs->docker);
	__atomic_store_n(&cs->docker_ok, ok, __ATOMIC_RELEASE);
	if (ok) {
		err = scan_docker(cs);
		if (err == -ENOMEM)
			return err;
		if (err)
			fprintf(stderr, CT_LOG_PREFIX "docker container list failed: %s\n",
				strerror(-err));
	} else {
		fprintf(stderr, CT_LOG_PREFIX "no docker daemon at %s: container metadata "
			"from /proc and cgroups only\n", cs->docker.sock);
	}
	err = scan_proc(cs);
	if (err)
		fprintf(stderr, CT_LOG_PREFIX "scanning %s: %s\n", cs->proc_root, strerror(-err));
	return err;
}

int containers__follow(struct containers *cs)
{
	struct ct_events *ev;
	int err;

	if (__atomic_load_n(&cs->events, __ATOMIC_ACQUIRE))
		return -EALREADY;
	if (!containers__docker_ok(cs))
		return -ENOTCONN;
	err = ct_events_start(cs, &cs->docker, &ev);
	if (!err)
		__atomic_store_n(&cs->events, ev, __ATOMIC_RELEASE);
	return err;
}
