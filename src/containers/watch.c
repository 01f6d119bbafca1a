// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A thread that learns containers as their runtime creates them: inotify on
 * the OCI state dirs (oci.c). runc makes <root>/<id>/ first, then renames
 * state.json into it once the container's init exists (before the init runs
 * the container's program); the thread reads it then, and says when the dir
 * goes. State dirs that do not exist yet (a runtime not started) are looked
 * for every second. Everything learnt is posted for the consumer thread.
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

struct ct_watch {
	struct containers *cs;
	pthread_t thread;
	int ifd, stopfd;
	struct wd_ent *w;
	size_t n, cap;
	bool root_seen[8];
};

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

/* <dir>/state.json, if it is there: posted at once (the container may live
 * milliseconds), then again with what slower sources add (names, image). */
static void learn_dir(struct ct_watch *w, const char *dir, size_t root, const char *ns)
{
	struct container c;

	if (ct_oci_read(dir, &ct_oci_roots[root], w->cs->cgroup2, w->cs->proc_root, &c))
		return;
	ct_post(w->cs, CT_MSG_INFO, &c, -1);
	if (!ct_oci_enrich(w->cs, &ct_oci_roots[root], ns && ns[0] ? ns : NULL, &c))
		ct_post(w->cs, CT_MSG_INFO, &c, -1);
}

static void container_dir(struct ct_watch *w, const char *root_dir, const char *name,
			  size_t root, const char *ns)
{
	char dir[PATH_MAX];

	if (ct_path_join(dir, sizeof(dir), root_dir, name))
		return;
	add_watch(w, dir, W_DIR, root, ns);
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
			container_dir(w, dir, de->d_name, root, ns);
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
		container_dir(w, copy.dir, ev->name, copy.root, copy.ns);
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

int ct_watch_start(struct containers *cs, struct ct_watch **out)
{
	struct ct_watch *w = calloc(1, sizeof(*w));
	int err;

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
	/* the start-up scan read what is there now; watch from here on */
	err = -pthread_create(&w->thread, NULL, watch_main, w);
	if (err)
		goto fail;
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
	close(w->ifd);
	close(w->stopfd);
	free(w->w);
	free(w);
}
