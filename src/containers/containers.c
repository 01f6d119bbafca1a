// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The containers module's front (layers: see internal.h): creating and
 * freeing the registry, finding the sources at start-up (one line each),
 * the start-up scan, the source threads, and what the kernel reports about
 * a container's end.
 */
#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "containers/internal.h"

#define CT_DEFAULT_SOCK "/var/run/docker.sock"
#define CT_DEFAULT_PROC "/proc"
#define CT_QUEUE_MAX 4096
#define CT_NEG_MAX 4096

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_init_once(void)
{
	curl_global_init(CURL_GLOBAL_NOTHING);
}

struct containers *containers__new(const struct containers_opts *opts)
{
	const char *sock = opts && opts->docker_sock ? opts->docker_sock : CT_DEFAULT_SOCK;
	const char *proc = opts && opts->proc_root ? opts->proc_root : CT_DEFAULT_PROC;
	const char *prefix = opts && opts->state_prefix ? opts->state_prefix : "";
	struct containers *cs = calloc(1, sizeof(*cs));

	if (!cs)
		return NULL;
	if (ct_strlcpy(cs->proc_root, proc, sizeof(cs->proc_root)) ||
	    ct_strlcpy(cs->prefix, prefix, sizeof(cs->prefix)) ||
	    ct_strlcpy(cs->docker.sock, sock, sizeof(cs->docker.sock))) {
		fprintf(stderr, CT_LOG_PREFIX "path too long: %s\n", sock);
		free(cs);
		errno = ENAMETOOLONG;
		return NULL;
	}
	cs->quiet = opts && opts->quiet;
	cs->on_change = opts ? opts->on_change : NULL;
	cs->ctx = opts ? opts->ctx : NULL;
	cs->q = calloc(CT_QUEUE_MAX, sizeof(*cs->q));
	cs->neg_fifo = calloc(CT_NEG_MAX, sizeof(*cs->neg_fifo));
	cs->tomb_fifo = calloc(1024, sizeof(*cs->tomb_fifo));
	if (!cs->q || !cs->neg_fifo || !cs->tomb_fifo) {
		free(cs->q);
		free(cs->neg_fifo);
		free(cs->tomb_fifo);
		free(cs);
		return NULL;
	}
	if (opts && opts->cgroup2)
		ct_strlcpy(cs->cgroup2, opts->cgroup2, sizeof(cs->cgroup2));
	else if (cgroup2_mount(cs->cgroup2, sizeof(cs->cgroup2)))
		cs->cgroup2[0] = 0;
	cs->cgroup2_fd = ct_cgroup2_open(cs->cgroup2);
	pthread_once(&curl_once, curl_init_once);
	pthread_mutex_init(&cs->qlock, NULL);
	return cs;
}

void containers__free(struct containers *cs)
{
	if (!cs)
		return;
	ct_events_stop(cs->events);
	ct_watch_stop(cs->watch);
	ct_registry_free(cs);
	if (cs->cgroup2_fd >= 0)
		close(cs->cgroup2_fd);
	pthread_mutex_destroy(&cs->qlock);
	free(cs);
}

static void say(const struct containers *cs, const char *fmt, const char *a, const char *b)
{
	if (cs->quiet)
		return;
	fputs(CT_LOG_PREFIX "source: ", stderr);
	fprintf(stderr, fmt, a, b);
	fputc('\n', stderr);
}

static void add_source(struct containers *cs, const char *name)
{
	size_t n = strlen(cs->sources);

	snprintf(cs->sources + n, sizeof(cs->sources) - n, "%s%s", n ? ", " : "", name);
}

/* ---- the start-up scan: every running container, marked existing ---- */

static void learn(struct containers *cs, struct container *c)
{
	c->existing = true;
	ct_apply_info(cs, c);
}

static void scan_docker(struct containers *cs)
{
	char (*ids)[CONTAINER_ID_MAX] = NULL;
	struct container c;
	size_t n = 0;

	if (ct_docker_list(&cs->docker, &ids, &n)) {
		cs->st.lookup_failures++;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (!ct_docker_inspect(&cs->docker, ids[i], &c))
			learn(cs, &c);
	}
	free(ids);
}

/* Every <dir>/<id>/state.json; the number of containers found. */
static size_t scan_state_dir(struct containers *cs, const char *dir, size_t root, const char *ns)
{
	struct dirent *de;
	struct container c;
	size_t n = 0;
	DIR *d = opendir(dir);

	while (d && (de = readdir(d))) {
		char sub[PATH_MAX];

		if (de->d_name[0] == '.')
			continue;
		if (ct_path_join(sub, sizeof(sub), dir, de->d_name))
			continue;
		if (!ct_oci_learn(cs, sub, &ct_oci_roots[root], ns, &c)) {
			learn(cs, &c);
			n++;
		}
	}
	if (d)
		closedir(d);
	return n;
}

static void scan_oci_root(struct containers *cs, size_t i)
{
	const struct ct_oci_root *root = &ct_oci_roots[i];
	char dir[PATH_MAX], sub[PATH_MAX], what[64];
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s%s", cs->prefix, root->path);
	if (access(dir, F_OK)) {
		say(cs, "OCI state %s%s: absent (watched for)", root->path, "");
		return;
	}
	if (!root->namespaces) {
		n = scan_state_dir(cs, dir, i, NULL);
	} else {
		d = opendir(dir);
		while (d && (de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			if (ct_path_join(sub, sizeof(sub), dir, de->d_name))
				continue;
			n += scan_state_dir(cs, sub, i, de->d_name);
		}
		if (d)
			closedir(d);
	}
	snprintf(what, sizeof(what), ": found, %zu running", n);
	say(cs, "OCI state %s%s", root->path, what);
	add_source(cs, root->runtime ? root->runtime : "runc");
}

/* Containers nothing else knows (another runtime, another state dir): from
 * /proc, by their cgroup paths. */
static void scan_proc(struct containers *cs)
{
	struct ct_found *found = NULL;
	struct container c;
	size_t n = 0;

	if (ct_proc_scan(cs->proc_root, &found, &n))
		return;
	for (size_t i = 0; i < n; i++) {
		if (ct_by_id(cs, found[i].id))
			continue;
		memset(&c, 0, sizeof(c));
		c.exit_code = -1;
		ct_strlcpy(c.id, found[i].id, sizeof(c.id));
		ct_strlcpy(c.runtime, found[i].runtime, sizeof(c.runtime));
		c.init_pid = found[i].pid;
		if (ct_proc_start(cs->proc_root, c.init_pid, &c.init_start) ||
		    ct_proc_ns(cs->proc_root, c.init_pid, &c.pid_ns, &c.mnt_ns))
			continue;
		c.cgroup_id = cgroup2_id_of_pid(cs->cgroup2, c.init_pid);
		learn(cs, &c);
	}
	free(found);
}

static void find_sources(struct containers *cs)
{
	char sock[PATH_MAX + 64];
	bool ok = !ct_docker_version(&cs->docker);

	__atomic_store_n(&cs->docker_ok, ok, __ATOMIC_RELEASE);
	if (ok) {
		say(cs, "docker API %s: connected (%s)", cs->docker.sock, cs->docker.api);
		add_source(cs, "docker API");
		scan_docker(cs);
	} else {
		say(cs, "docker API %s: absent (watched for)", cs->docker.sock, "");
	}
	for (size_t i = 0; i < ct_oci_nroots; i++) {
		if (!ct_oci_roots[i].api)
			continue;
		snprintf(sock, sizeof(sock), "%s%s", cs->prefix, ct_oci_roots[i].api);
		say(cs, "containerd API %s: %s", ct_oci_roots[i].api,
		    access(sock, F_OK) ? "absent (asked when present)" : "found");
	}
	for (size_t i = 0; i < ct_oci_nroots; i++)
		scan_oci_root(cs, i);
	snprintf(sock, sizeof(sock), "%s/var/lib/containers/storage", cs->prefix);
	say(cs, "podman storage /var/lib/containers/storage: %s",
	    access(sock, F_OK) ? "absent" : "found", "");
	if (cs->cgroup2[0])
		say(cs, "cgroup v2 at %s: container cgroups by id", cs->cgroup2, "");
	else
		say(cs, "cgroup v2: not mounted, containers by namespaces only%s", "", "");
}

int containers__start(struct containers *cs, bool follow)
{
	int err;

	find_sources(cs);
	scan_proc(cs);
	if (!follow)
		return 0;
	err = ct_events_start(cs, &cs->events);
	if (!err)
		err = ct_watch_start(cs, &cs->watch);
	return err;
}

void containers__poll(struct containers *cs)
{
	ct_drain(cs);
	ct_sweep(cs);
}

const char *containers__sources(const struct containers *cs)
{
	return cs->sources[0] ? cs->sources : "cgroups only";
}

/* ---- what the kernel reports ---- */

void containers__init_exit(struct containers *cs, uint64_t cg, uint32_t pid_ns,
			   uint32_t mnt_ns, int code)
{
	struct ct_rec *r = ct_by_cg(cs, cg);

	if (!r)
		r = ct_by_pair(cs, pid_ns, mnt_ns);
	if (!r)
		return;
	r->c.exit_code = code;
	/* its namespaces die with it: the next container may get the pair */
	ct_forget_pair(cs, r);
}

void containers__cgroup_gone(struct containers *cs, uint64_t cg)
{
	struct ct_rec *r = ct_by_cg(cs, cg);

	if (!r) {
		ct_neg_drop(cs, cg);
		return;
	}
	if (r->c.cgroup_id == cg)
		ct_end(cs, r, false);
	else
		ct_drop_cgroup(cs, r, cg);
}
