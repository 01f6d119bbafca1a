// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Threads that learn containers as their runtime creates them: inotify on
 * the OCI state dirs (oci.c). runc makes <root>/<id>/ first, then renames
 * state.json into it once the container's init exists (before the init runs
 * the container's program); the watcher reads it then, and says when the
 * dir goes. What the daemons add (names, images: podman's storage,
 * containerd's and docker's APIs) is asked by enricher threads, one per
 * daemon, so a slow daemon never delays the state of the next container (a
 * container may live milliseconds) nor another daemon's answers (dockerd
 * starting ten containers answers slowly). State dirs that do not exist yet (a
 * runtime not started) are looked for every second. Everything learnt is
 * posted for the consumer thread.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>
#include <dirent.h>

#include "containers/internal.h"

enum wkind { W_ROOT, W_NSROOT, W_DIR };

/* What an inotify watch descriptor watches. */
struct wd_ent {
	int wd;
	enum wkind kind;
	size_t root;                    /* index in ct_oci_roots */
	char ns[64];                    /* containerd namespace, or "" */
	char dir[PATH_MAX];
};

#define ENRICHED_MAX 256
#define WORK_MAX 1024

/* A container to ask the daemons about. */
struct work {
	char id[CONTAINER_ID_MAX];
	char ns[64];
	size_t root;
	bool early;             /* its dir just appeared: no state read yet */
};

/* One enricher: a thread and its queue. */
struct enricher {
	struct ct_watch *w;
	pthread_t thread;
	pthread_cond_t cond;
	struct work work[WORK_MAX];
	size_t whead, wlen;
	bool started;
};

/* docker's, containerd's, and podman's storage (files: also CRI-O, runc) */
#define N_ENRICHERS 3

struct ct_watch {
	struct containers *cs;
	pthread_t thread;
	int ifd, stopfd;
	struct wd_ent *w;
	size_t n, cap;
	bool root_seen[8];
	/* containers the daemons were asked about already (a ring): their
	 * state.json need not ask again */
	char enriched[ENRICHED_MAX][CONTAINER_ID_MAX];
	size_t enriched_next;
	pthread_mutex_t lock;           /* the enrichers' queues, enriched[] */
	struct enricher en[N_ENRICHERS];
	bool stop;
};

/* Which enricher asks about a container of state dir @root. */
static struct enricher *enricher_of(struct ct_watch *w, size_t root)
{
	const char *rt = ct_oci_roots[root].runtime;

	if (rt && !strcmp(rt, "docker"))
		return &w->en[0];
	if (ct_oci_roots[root].api)
		return &w->en[1];
	return &w->en[2];
}

static bool was_enriched(struct ct_watch *w, const char *id)
{
	bool found = false;

	pthread_mutex_lock(&w->lock);
	for (size_t i = 0; i < ENRICHED_MAX && !found; i++)
		found = !strcmp(w->enriched[i], id);
	pthread_mutex_unlock(&w->lock);
	return found;
}

static void mark_enriched(struct ct_watch *w, const char *id)
{
	ct_strlcpy(w->enriched[w->enriched_next], id, CONTAINER_ID_MAX);
	w->enriched_next = (w->enriched_next + 1) % ENRICHED_MAX;
}

static struct wd_ent *find_wd(struct ct_watch *w, int wd)
{
	for (size_t i = 0; i < w->n; i++) {
		if (w->w[i].wd == wd)
			return &w->w[i];
	}
	return NULL;
}

static int add_watch(struct ct_watch *w, const char *dir, enum wkind kind, size_t root,
		     const char *ns)
{
	uint32_t mask = kind == W_DIR ? IN_MOVED_TO | IN_CLOSE_WRITE :
			IN_CREATE | IN_DELETE | IN_ONLYDIR;
	int wd = inotify_add_watch(w->ifd, dir, mask);
	struct wd_ent *e;

	if (wd < 0)
		return -errno;
	e = find_wd(w, wd);
	if (!e) {
		if (w->n == w->cap) {
			size_t cap = w->cap ? w->cap * 2 : 64;
			struct wd_ent *tmp = realloc(w->w, cap * sizeof(*tmp));

			if (!tmp)
				return -ENOMEM;
			w->w = tmp;
			w->cap = cap;
		}
		e = &w->w[w->n++];
	}
	e->wd = wd;
	e->kind = kind;
	e->root = root;
	ct_strlcpy(e->ns, ns ? ns : "", sizeof(e->ns));
	ct_strlcpy(e->dir, dir, sizeof(e->dir));
	return 0;
}

static void drop_wd(struct ct_watch *w, int wd)
{
	struct wd_ent *e = find_wd(w, wd);

	if (e)
		*e = w->w[--w->n];
}

/* Queue a container for the enricher; a full queue drops (counted). */
static void ask_daemons(struct ct_watch *w, const char *id, size_t root, const char *ns,
			bool early)
{
	struct enricher *e = enricher_of(w, root);
	struct work *k;

	pthread_mutex_lock(&w->lock);
	if (e->wlen == WORK_MAX) {
		__atomic_fetch_add(&w->cs->st.lookup_failures, 1, __ATOMIC_RELAXED);
		pthread_mutex_unlock(&w->lock);
		return;
	}
	k = &e->work[(e->whead + e->wlen++) % WORK_MAX];
	ct_strlcpy(k->id, id, sizeof(k->id));
	ct_strlcpy(k->ns, ns ? ns : "", sizeof(k->ns));
	k->root = root;
	k->early = early;
	pthread_cond_signal(&e->cond);
	pthread_mutex_unlock(&w->lock);
}

/* <dir>/state.json, if it is there: posted at once (the container may live
 * milliseconds); the daemons are asked for the rest unless they were. */
static void learn_dir(struct ct_watch *w, const char *dir, size_t root, const char *ns)
{
	struct container c;

	if (ct_oci_read(dir, &ct_oci_roots[root], w->cs->cgroup2, w->cs->proc_root, &c))
		return;
	ct_post(w->cs, CT_MSG_INFO, &c, -1);
	if (!was_enriched(w, c.id))
		ask_daemons(w, c.id, root, ns, false);
}

/*
 * The enricher: what the daemons know of a container. Asked as soon as its
 * dir appears, while it surely exists (a `--rm` container may be deleted,
 * with its metadata, before its state.json is even read): podman's storage,
 * containerd's API, docker's.
 */
static void enrich(struct ct_watch *w, const struct work *k)
{
	const struct ct_oci_root *root = &ct_oci_roots[k->root];
	const char *ns = k->ns[0] ? k->ns : NULL;
	struct container c = { .exit_code = -1 };
	char dir[PATH_MAX + 64];

	ct_strlcpy(c.id, k->id, sizeof(c.id));
	ct_strlcpy(c.runtime, root->runtime ?: "", sizeof(c.runtime));
	if (!k->early) {
		/* the state says which runtime (podman, CRI-O, runc) */
		if (snprintf(dir, sizeof(dir), "%s%s%s%s/%s", w->cs->prefix, root->path,
			     ns ? "/" : "", ns ?: "", k->id) >= (int)sizeof(dir) ||
		    (ct_oci_read(dir, root, w->cs->cgroup2, w->cs->proc_root, &c) &&
		     !c.runtime[0]))
			return;
	} else if (!c.runtime[0] && ct_is_hex_id(k->id, strlen(k->id)) &&
		   !ct_podman_fill(w->cs->prefix, k->id, &c)) {
		ct_strlcpy(c.runtime, "podman", sizeof(c.runtime));
	}
	if (c.runtime[0] && !ct_oci_enrich(w->cs, root, ns, &c)) {
		ct_post(w->cs, CT_MSG_INFO, &c, -1);
		pthread_mutex_lock(&w->lock);
		mark_enriched(w, c.id);
		pthread_mutex_unlock(&w->lock);
	}
}

static void *enricher_main(void *arg)
{
	struct enricher *e = arg;
	struct ct_watch *w = e->w;
	struct work k;

	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (!e->wlen && !w->stop)
			pthread_cond_wait(&e->cond, &w->lock);
		if (w->stop)
			break;
		k = e->work[e->whead];
		e->whead = (e->whead + 1) % WORK_MAX;
		e->wlen--;
		pthread_mutex_unlock(&w->lock);
		enrich(w, &k);
		pthread_mutex_lock(&w->lock);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

static void container_dir(struct ct_watch *w, const char *root_dir, const char *name,
			  size_t root, const char *ns, bool created)
{
	char dir[PATH_MAX];

	if (ct_path_join(dir, sizeof(dir), root_dir, name))
		return;
	add_watch(w, dir, W_DIR, root, ns);
	if (created)
		ask_daemons(w, name, root, ns, true);
	/* state.json may have come before the watch */
	learn_dir(w, dir, root, ns);
}

/* Watch a dir of container dirs, and the ones it already holds. */
static void watch_root(struct ct_watch *w, const char *dir, size_t root, const char *ns,
		       bool nsroot)
{
	struct dirent *de;
	DIR *d;

	if (add_watch(w, dir, nsroot ? W_NSROOT : W_ROOT, root, ns))
		return;
	d = opendir(dir);
	while (d && (de = readdir(d))) {
		char sub[PATH_MAX];

		if (de->d_name[0] == '.' || de->d_type != DT_DIR)
			continue;
		if (!nsroot) {
			container_dir(w, dir, de->d_name, root, ns, false);
			continue;
		}
		if (ct_path_join(sub, sizeof(sub), dir, de->d_name))
			continue;
		watch_root(w, sub, root, de->d_name, false);
	}
	if (d)
		closedir(d);
}

/* State dirs that appeared since the last look (a runtime started). */
static void find_roots(struct ct_watch *w)
{
	for (size_t i = 0; i < ct_oci_nroots && i < 8; i++) {
		char dir[PATH_MAX];

		snprintf(dir, sizeof(dir), "%s%s", w->cs->prefix, ct_oci_roots[i].path);
		if (w->root_seen[i] || access(dir, F_OK))
			continue;
		w->root_seen[i] = true;
		watch_root(w, dir, i, NULL, ct_oci_roots[i].namespaces);
	}
}

static void on_event(struct ct_watch *w, const struct inotify_event *ev)
{
	struct wd_ent *e = find_wd(w, ev->wd), copy;
	struct container c = { 0 };

	if (ev->mask & IN_IGNORED) {
		drop_wd(w, ev->wd);
		return;
	}
	if (!e || !ev->len)
		return;
	copy = *e;      /* adding watches may move the array */
	if (copy.kind == W_NSROOT && (ev->mask & IN_CREATE)) {
		char sub[PATH_MAX];

		if (ct_path_join(sub, sizeof(sub), copy.dir, ev->name))
			return;
		watch_root(w, sub, copy.root, ev->name, false);
	} else if (copy.kind == W_ROOT && (ev->mask & IN_CREATE)) {
		container_dir(w, copy.dir, ev->name, copy.root, copy.ns, true);
	} else if (copy.kind == W_ROOT && (ev->mask & IN_DELETE)) {
		ct_strlcpy(c.id, ev->name, sizeof(c.id));
		ct_post(w->cs, CT_MSG_GONE, &c, -1);
	} else if (copy.kind == W_DIR && !strcmp(ev->name, "state.json")) {
		learn_dir(w, copy.dir, copy.root, copy.ns);
	}
}

static void read_events(struct ct_watch *w)
{
	char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n = read(w->ifd, buf, sizeof(buf));

	for (char *p = buf; n > 0 && p < buf + n;) {
		const struct inotify_event *ev = (const void *)p;

		if (ev->mask & IN_Q_OVERFLOW) {
			/* events were lost: look at everything again */
			memset(w->root_seen, 0, sizeof(w->root_seen));
		} else {
			on_event(w, ev);
		}
		p += sizeof(*ev) + ev->len;
	}
}

static void *watch_main(void *arg)
{
	struct ct_watch *w = arg;
	struct pollfd fds[2] = { { .fd = w->ifd, .events = POLLIN },
				 { .fd = w->stopfd, .events = POLLIN } };

	for (;;) {
		find_roots(w);
		if (poll(fds, 2, 1000) < 0 && errno != EINTR)
			break;
		if (fds[1].revents)
			break;
		if (fds[0].revents)
			read_events(w);
	}
	return NULL;
}

static void stop_enrichers(struct ct_watch *w)
{
	pthread_mutex_lock(&w->lock);
	w->stop = true;
	for (int i = 0; i < N_ENRICHERS; i++)
		pthread_cond_signal(&w->en[i].cond);
	pthread_mutex_unlock(&w->lock);
	for (int i = 0; i < N_ENRICHERS; i++) {
		if (w->en[i].started)
			pthread_join(w->en[i].thread, NULL);
		pthread_cond_destroy(&w->en[i].cond);
	}
}

int ct_watch_start(struct containers *cs, struct ct_watch **out)
{
	struct ct_watch *w = calloc(1, sizeof(*w));
	int err = 0;

	if (!w)
		return -ENOMEM;
	w->cs = cs;
	w->stopfd = -1;
	w->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	w->stopfd = eventfd(0, EFD_CLOEXEC);
	if (w->ifd < 0 || w->stopfd < 0) {
		err = -errno;
		goto fail;
	}
	pthread_mutex_init(&w->lock, NULL);
	for (int i = 0; i < N_ENRICHERS && !err; i++) {
		w->en[i].w = w;
		pthread_cond_init(&w->en[i].cond, NULL);
		err = -pthread_create(&w->en[i].thread, NULL, enricher_main, &w->en[i]);
		w->en[i].started = !err;
	}
	/* the start-up scan read what is there now; watch from here on */
	if (!err)
		err = -pthread_create(&w->thread, NULL, watch_main, w);
	if (err) {
		stop_enrichers(w);
		goto fail;
	}
	*out = w;
	return 0;
fail:
	if (w->ifd >= 0)
		close(w->ifd);
	if (w->stopfd >= 0)
		close(w->stopfd);
	free(w);
	return err;
}

void ct_watch_stop(struct ct_watch *w)
{
	uint64_t one = 1;

	if (!w)
		return;
	if (write(w->stopfd, &one, sizeof(one)) < 0)
		fprintf(stderr, CT_LOG_PREFIX "cannot stop the state watcher: %s\n", strerror(errno));
	pthread_join(w->thread, NULL);
	stop_enrichers(w);
	close(w->ifd);
	close(w->stopfd);
	free(w->w);
	free(w);
}
