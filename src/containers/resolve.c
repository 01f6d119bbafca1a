// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Learning containers after the start-up scan: from docker events (called by
 * events.c) and on demand for a namespace pair an event carried that no
 * record knows yet (containers__resolve()).
 *
 * No lock is held across I/O (/proc reads, docker requests); after the I/O
 * the indexes are checked again, so two threads resolving the same pair
 * agree on one record.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "containers/internal.h"

#define CT_CREATE_WAIT_MS 200

/* Returned only when memory runs out: resolve() never returns NULL. */
static const struct container ct_unknown = { .runtime = "unknown" };

/* Name, image and labels from src where dst lacks them. */
static void merge_meta(struct container *dst, const struct container *src)
{
	if (!dst->name[0])
		memcpy(dst->name, src->name, sizeof(dst->name));
	if (!dst->image[0])
		memcpy(dst->image, src->image, sizeof(dst->image));
	if (!dst->k8s_namespace[0])
		memcpy(dst->k8s_namespace, src->k8s_namespace, sizeof(dst->k8s_namespace));
	if (!dst->k8s_pod[0])
		memcpy(dst->k8s_pod, src->k8s_pod, sizeof(dst->k8s_pod));
	if (!dst->k8s_container[0])
		memcpy(dst->k8s_container, src->k8s_container, sizeof(dst->k8s_container));
}

/* "start": inspect for the init pid, then its namespaces. */
static const struct container *event_start(struct containers *cs, const struct container *attrs)
{
	const struct container *c;
	struct container t;

	if (ct_docker_inspect(&cs->docker, attrs->id, &t)) {
		t = *attrs;
		t.running = true;
	}
	merge_meta(&t, attrs);
	ct_fill_ns(cs, &t);
	pthread_mutex_lock(&cs->lock);
	c = ct_publish(cs, &t);
	pthread_mutex_unlock(&cs->lock);
	return c;
}

const struct container *ct_registry_event(struct containers *cs, const char *action,
					  const struct container *attrs, bool *started)
{
	const struct container *c = NULL, *old;
	struct container t;

	if (!strcmp(action, "start")) {
		*started = true;
		return event_start(cs, attrs);
	}
	pthread_mutex_lock(&cs->lock);
	old = ct_cur_get(cs, attrs->id);
	if (!strcmp(action, "create")) {
		/* no pid yet: the record lets resolve() name the id meanwhile */
		t = old ? *old : *attrs;
		merge_meta(&t, attrs);
		t.running = false;
		ct_publish(cs, &t);
	} else if (!strcmp(action, "die")) {
		t = old ? *old : *attrs;
		merge_meta(&t, attrs);
		t.running = false;
		c = ct_publish(cs, &t);
		*started = false;
		/*
		 * Its namespace inodes are free for reuse now. A late event from
		 * the container goes through resolve(), whose cgroup leaf finds
		 * this record by id again.
		 */
		if (c)
			ct_ns_drop(cs, c);
	} else if (!strcmp(action, "destroy")) {
		ct_cur_drop(cs, attrs->id);
	}
	pthread_mutex_unlock(&cs->lock);
	return c;
}

/*
 * Runtime and id of the process's container. /proc/<pid>/cgroup is trusted
 * only while the pid still lives in the event's namespaces (it may have exited
 * and its pid been reused); otherwise the leaf the kernel captured is used.
 */
static int cgroup_of(const struct containers *cs, uint32_t pid_ns, uint32_t mnt_ns,
		     int host_pid, const char *leaf, struct container *t)
{
	uint32_t p_ns, m_ns;
	int err;

	if (host_pid > 0 && !ct_proc_ns(cs->proc_root, host_pid, &p_ns, &m_ns) &&
	    (!pid_ns || (p_ns == pid_ns && m_ns == mnt_ns))) {
		err = ct_proc_cgroup(cs->proc_root, host_pid, t->runtime, sizeof(t->runtime),
				     t->id, sizeof(t->id));
		if (err != -ENOENT || !leaf)
			return err;
		/* a v2 host whose v1 lines say nothing, while the leaf does */
	}
	if (!leaf)
		return -ENOENT;
	return cgroup_path_parse(leaf, t->runtime, sizeof(t->runtime), t->id, sizeof(t->id));
}

/*
 * With cs->lock held: the current record of id, indexed under the pair too.
 * A record without namespaces (from a create event, or whose init is gone)
 * is republished with the pair, the best namespaces known for it.
 */
static const struct container *adopt_locked(struct containers *cs, const char *id,
					    uint32_t pid_ns, uint32_t mnt_ns)
{
	const struct container *c = ct_cur_get(cs, id);
	struct container t;

	if (!c)
		return NULL;
	if (!c->pid_ns && pid_ns && mnt_ns) {
		t = *c;
		t.pid_ns = pid_ns;
		t.mnt_ns = mnt_ns;
		t.running = true;
		return ct_publish(cs, &t) ?: c;
	}
	ct_ns_put(cs, pid_ns, mnt_ns, c);
	return c;
}

/* Waits up to CT_CREATE_WAIT_MS for the events thread to publish id. */
static const struct container *wait_for_id(struct containers *cs, const char *id,
					   uint32_t pid_ns, uint32_t mnt_ns)
{
	const struct container *c;
	struct timespec dl;

	clock_gettime(CLOCK_MONOTONIC, &dl);
	dl.tv_nsec += CT_CREATE_WAIT_MS * 1000000L;
	if (dl.tv_nsec >= 1000000000L) {
		dl.tv_sec++;
		dl.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&cs->lock);
	while (!(c = adopt_locked(cs, id, pid_ns, mnt_ns))) {
		if (pthread_cond_timedwait(&cs->published, &cs->lock, &dl))
			break;
	}
	pthread_mutex_unlock(&cs->lock);
	return c;
}

/* A container id from cgroups: the events cache, docker, or runtime+id only. */
static const struct container *resolve_id(struct containers *cs, struct container *t,
					  uint32_t pid_ns, uint32_t mnt_ns)
{
	const struct container *c;
	struct container d;
	int err = -ENOTCONN;

	pthread_mutex_lock(&cs->lock);
	c = adopt_locked(cs, t->id, pid_ns, mnt_ns);
	pthread_mutex_unlock(&cs->lock);
	if (c)
		return c;
	if (containers__docker_ok(cs)) {
		err = ct_docker_inspect(&cs->docker, t->id, &d);
		if (!err) {
			ct_fill_ns(cs, &d);
			*t = d;
		} else if (err == -ENOENT && !strcmp(t->runtime, "docker") &&
			   __atomic_load_n(&cs->events, __ATOMIC_ACQUIRE)) {
			/* between runc starting it and docker knowing it */
			c = wait_for_id(cs, t->id, pid_ns, mnt_ns);
			if (c)
				return c;
		}
	}
	if (err) {
		t->running = true; /* it ran a moment ago */
		t->pid_ns = pid_ns;
		t->mnt_ns = mnt_ns;
	}
	pthread_mutex_lock(&cs->lock);
	c = adopt_locked(cs, t->id, pid_ns, mnt_ns);
	if (!c) {
		c = ct_publish(cs, t);
		if (c)
			ct_ns_put(cs, pid_ns, mnt_ns, c);
	}
	pthread_mutex_unlock(&cs->lock);
	return c;
}

const struct container *containers__resolve(struct containers *cs, uint32_t pid_ns,
					    uint32_t mnt_ns, int host_pid,
					    const char *cgroup_leaf)
{
	const struct container *c;
	struct container t = { 0 };

	c = containers__by_ns(cs, pid_ns, mnt_ns);
	if (c)
		return c;
	if (!cgroup_of(cs, pid_ns, mnt_ns, host_pid, cgroup_leaf, &t)) {
		c = resolve_id(cs, &t, pid_ns, mnt_ns);
		return c ?: &ct_unknown;
	}

	/* not a container: remember that, so /proc is read once per pair */
	memset(&t, 0, sizeof(t));
	ct_strlcpy(t.runtime, "unknown", sizeof(t.runtime));
	t.pid_ns = pid_ns;
	t.mnt_ns = mnt_ns;
	pthread_mutex_lock(&cs->lock);
	c = ct_ns_get(cs, pid_ns, mnt_ns);
	if (!c)
		c = ct_publish(cs, &t);
	pthread_mutex_unlock(&cs->lock);
	return c ?: &ct_unknown;
}
