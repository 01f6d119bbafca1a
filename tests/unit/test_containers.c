// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * src/containers: the registry on a fake host in a temporary directory: the
 * runtimes' state dirs (runc's state.json for docker, containerd with CRI
 * annotations, podman, CRI-O; crun's status), podman's containers.json, a
 * cgroup v2 tree and a /proc. What the registry tells its listener, joins by
 * cgroup id and by mount namespace, the end of a container (kernel order),
 * ended containers not brought back by stale news, namespace reuse, bounds.
 * And containerd's gRPC answer, parsed from a captured response and from
 * malformed ones.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "containers/containers.h"
#include "containers/internal.h"

#define ID_D "d0c1111111111111111111111111111111111111111111111111111111111111"
#define ID_P "b0d2222222222222222222222222222222222222222222222222222222222222"
#define ID_O "c7e3333333333333333333333333333333333333333333333333333333333333"
#define NS_PID 4026532180u
#define NS_MNT 4026532177u

struct fake {
	char root[64];          /* state prefix: <root>/run/..., <root>/var/... */
	char proc[96];
	char cg[96];            /* the fake cgroup v2 mount */
	/* what the listener heard, in order */
	char log[64][160];
	int nlog;
};

static struct fake *F;

static void put(const char *path, const char *text)
{
	char dir[512], *slash;
	FILE *f;

	snprintf(dir, sizeof(dir), "%s", path);
	for (slash = strchr(dir + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = 0;
		mkdir(dir, 0755);
		*slash = '/';
	}
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void mkdirs(const char *path)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", path);
	assert_int_equal(system(cmd), 0);
}

static void putf(const char *text, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(const char *text, const char *fmt, ...)
{
	char path[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	put(path, text);
}

/* A process of the fake /proc: stat with its start time (field 22), ns. */
static void put_pid(int pid, uint64_t start, uint32_t pid_ns, uint32_t mnt_ns)
{
	char stat[256], path[256], target[64];

	snprintf(stat, sizeof(stat),
		 "%d (sh) S 1 %d %d 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 %llu 100 1\n", pid,
		 pid, pid, (unsigned long long)start);
	putf(stat, "%s/%d/stat", F->proc, pid);
	snprintf(path, sizeof(path), "%s/%d/ns", F->proc, pid);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%d/ns/pid", F->proc, pid);
	snprintf(target, sizeof(target), "pid:[%u]", pid_ns);
	unlink(path);
	assert_int_equal(symlink(target, path), 0);
	snprintf(path, sizeof(path), "%s/%d/ns/mnt", F->proc, pid);
	snprintf(target, sizeof(target), "mnt:[%u]", mnt_ns);
	unlink(path);
	assert_int_equal(symlink(target, path), 0);
}

static void kill_pid(int pid)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s/%d'", F->proc, pid);
	assert_int_equal(system(cmd), 0);
}

/* A cgroup of the fake tree; its id is its directory's inode. */
static uint64_t make_cgroup(const char *rel)
{
	char path[512];
	struct stat st;

	snprintf(path, sizeof(path), "%s%s/cgroup.procs", F->cg, rel);
	put(path, "");
	snprintf(path, sizeof(path), "%s%s", F->cg, rel);
	assert_int_equal(stat(path, &st), 0);
	return st.st_ino;
}

/* runc's state.json: labels carry the annotations. */
static void put_state(const char *dir, const char *id, int pid, uint64_t start,
		      const char *cgroup, const char *labels)
{
	char text[4096];

	snprintf(text, sizeof(text),
		 "{\"id\":\"%s\",\"init_process_pid\":%d,\"init_process_start\":%llu,"
		 "\"cgroup_paths\":{\"\":\"%s%s\",\"memory\":\"/sys/fs/cgroup/memory%s\"},"
		 "\"config\":{\"labels\":[%s\"bundle=/b/%s\"]}}",
		 id, pid, (unsigned long long)start, F->cg, cgroup, cgroup, labels, id);
	putf(text, "%s/state.json", dir);
}

static void listener(void *ctx, struct container *c, uint64_t cg, enum container_change ch)
{
	static const char *const names[] = { "start", "alias", "update", "end", "not", "gone" };
	struct fake *f = ctx;

	if (f->nlog < 64)
		snprintf(f->log[f->nlog++], sizeof(f->log[0]), "%s %s %llu", names[ch],
			 c ? c->id : "-", (unsigned long long)cg);
}

static bool heard(const char *what)
{
	for (int i = 0; i < F->nlog; i++) {
		if (!strcmp(F->log[i], what))
			return true;
	}
	return false;
}

static int index_of(const char *what)
{
	for (int i = 0; i < F->nlog; i++) {
		if (!strcmp(F->log[i], what))
			return i;
	}
	return -1;
}

static int setup(void **state)
{
	struct fake *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	snprintf(f->root, sizeof(f->root), "/tmp/cactus-test-ct.XXXXXX");
	assert_non_null(mkdtemp(f->root));
	snprintf(f->proc, sizeof(f->proc), "%s/proc", f->root);
	snprintf(f->cg, sizeof(f->cg), "%s/cgroup2", f->root);
	mkdir(f->proc, 0755);
	mkdir(f->cg, 0755);
	F = f;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fake *f = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->root);
	if (system(cmd))
		fprintf(stderr, "could not remove %s\n", f->root);
	free(f);
	return 0;
}

static struct containers *new_registry(void)
{
	struct containers_opts o = {
		.docker_sock = "/nonexistent/docker.sock",
		.proc_root = F->proc,
		.state_prefix = F->root,
		.cgroup2 = F->cg,
		.quiet = true,
		.on_change = listener,
		.ctx = F,
	};
	struct containers *cs = containers__new(&o);

	assert_non_null(cs);
	return cs;
}

/* Five containers of five runtimes, running. */
static void five_containers(uint64_t *cg)
{
	char dir[256];

	cg[0] = make_cgroup("/docker/" ID_D);
	put_pid(100, 1000, NS_PID, NS_MNT);
	snprintf(dir, sizeof(dir), "%s/run/docker/runtime-runc/moby/" ID_D, F->root);
	put_state(dir, ID_D, 100, 1000, "/docker/" ID_D, "");

	cg[1] = make_cgroup("/k8s.io/app-1");
	put_pid(200, 2000, NS_PID + 10, NS_MNT + 10);
	snprintf(dir, sizeof(dir), "%s/run/containerd/runc/k8s.io/app-1", F->root);
	put_state(dir, "app-1", 200, 2000, "/k8s.io/app-1",
		  "\"io.kubernetes.cri.container-type=container\","
		  "\"io.kubernetes.cri.sandbox-name=web-pod\","
		  "\"io.kubernetes.cri.sandbox-namespace=shop\","
		  "\"io.kubernetes.cri.sandbox-uid=uid-7\","
		  "\"io.kubernetes.cri.container-name=nginx\","
		  "\"io.kubernetes.cri.image-name=nginx:1.25\",");

	cg[2] = make_cgroup("/libpod_parent/libpod-" ID_P);
	put_pid(300, 3000, NS_PID + 20, NS_MNT + 20);
	snprintf(dir, sizeof(dir), "%s/run/runc/" ID_P, F->root);
	put_state(dir, ID_P, 300, 3000, "/libpod_parent/libpod-" ID_P,
		  "\"io.kubernetes.cri-o.TTY=false\",\"io.container.manager=libpod\",");
	putf("[{\"id\":\"" ID_P "\",\"names\":[\"web\"],\"metadata\":"
	     "\"{\\\"image-name\\\":\\\"localhost/web:1\\\",\\\"name\\\":\\\"web\\\"}\"}]",
	     "%s/var/lib/containers/storage/overlay-containers/containers.json", F->root);

	cg[3] = make_cgroup("/kubepods/pod-1/crio-" ID_O);
	put_pid(400, 4000, NS_PID + 30, NS_MNT + 30);
	snprintf(dir, sizeof(dir), "%s/run/runc/" ID_O, F->root);
	put_state(dir, ID_O, 400, 4000, "/kubepods/pod-1/crio-" ID_O,
		  "\"io.kubernetes.pod.name=pause-pod\",\"io.kubernetes.pod.namespace=kube\","
		  "\"io.kubernetes.pod.uid=uid-9\",\"io.kubernetes.cri-o.ContainerType=sandbox\","
		  "\"io.kubernetes.cri-o.ImageName=k8s.gcr.io/pause:3.9\",");

	cg[4] = make_cgroup("/machine/crun-1");
	put_pid(500, 5000, NS_PID + 40, NS_MNT + 40);
	putf("{\"pid\":500,\"process-start-time\":5000,\"cgroup-path\":\"/machine/crun-1\"}",
	     "%s/run/crun/crun-1/status", F->root);
	putf("{\"annotations\":{\"io.kubernetes.cri.sandbox-name=x\":\"y\"}}",
	     "%s/run/crun/crun-1/config.json", F->root);
}

static struct container *find(struct containers *cs, const char *id)
{
	struct container **v, *c = NULL;
	size_t n;

	assert_int_equal(containers__list(cs, &v, &n), 0);
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(v[i]->id, id))
			c = v[i];
	}
	free(v);
	return c;
}

static void test_runtimes_learnt(void **state)
{
	struct containers *cs = new_registry();
	struct container *c;
	uint64_t cg[5];
	char what[160];

	(void)state;
	five_containers(cg);
	assert_int_equal(containers__start(cs, false), 0);

	c = find(cs, ID_D);
	assert_non_null(c);
	assert_string_equal(c->runtime, "docker");
	assert_string_equal(c->name, "");            /* docker's API names it */
	assert_int_equal(c->cgroup_id, cg[0]);
	assert_string_equal(c->cgroup, "/docker/" ID_D);
	assert_int_equal(c->init_pid, 100);
	assert_int_equal(c->pid_ns, NS_PID);
	assert_int_equal(c->mnt_ns, NS_MNT);
	assert_true(c->existing && c->running);

	c = find(cs, "app-1");
	assert_non_null(c);
	assert_string_equal(c->runtime, "containerd");
	assert_string_equal(c->name, "nginx");
	assert_string_equal(c->image, "nginx:1.25");
	assert_string_equal(c->k8s_pod, "web-pod");
	assert_string_equal(c->k8s_namespace, "shop");
	assert_string_equal(c->k8s_pod_uid, "uid-7");
	assert_string_equal(c->k8s_container, "nginx");
	assert_false(c->k8s_sandbox);

	c = find(cs, ID_P);
	assert_non_null(c);
	assert_string_equal(c->runtime, "podman");
	assert_string_equal(c->name, "web");
	assert_string_equal(c->image, "localhost/web:1");

	c = find(cs, ID_O);
	assert_non_null(c);
	assert_string_equal(c->runtime, "cri-o");
	assert_true(c->k8s_sandbox);
	assert_string_equal(c->name, "pause-pod");
	assert_string_equal(c->image, "k8s.gcr.io/pause:3.9");
	assert_string_equal(c->k8s_pod_uid, "uid-9");

	c = find(cs, "crun-1");
	assert_non_null(c);
	assert_string_equal(c->runtime, "crun");
	assert_string_equal(c->name, "crun-1");
	assert_int_equal(c->cgroup_id, cg[4]);

	/* each told once, with its cgroup */
	snprintf(what, sizeof(what), "start app-1 %llu", (unsigned long long)cg[1]);
	assert_true(heard(what));
	assert_int_equal(F->nlog, 5);
	containers__free(cs);
}

static void test_stopped_not_running(void **state)
{
	struct containers *cs = new_registry();
	char dir[256];

	(void)state;
	/* a state dir whose init is gone: a stopped container */
	make_cgroup("/k8s.io/old");
	snprintf(dir, sizeof(dir), "%s/run/containerd/runc/k8s.io/old", F->root);
	put_state(dir, "old", 900, 9000, "/k8s.io/old", "");
	/* an init pid reused by another process: not its init either */
	put_pid(901, 1, NS_PID, NS_MNT);
	snprintf(dir, sizeof(dir), "%s/run/containerd/runc/k8s.io/reused", F->root);
	put_state(dir, "reused", 901, 9010, "/k8s.io/old", "");
	assert_int_equal(containers__start(cs, false), 0);
	assert_null(find(cs, "old"));
	assert_null(find(cs, "reused"));
	assert_int_equal(F->nlog, 0);
	containers__free(cs);
}

static struct container *join(struct containers *cs, uint64_t cg, uint32_t pid_ns,
			      uint32_t mnt_ns, const char *names)
{
	struct container_key k = { .cgroup_id = cg, .pid_ns = pid_ns, .mnt_ns = mnt_ns,
				   .names = names };

	return containers__join(cs, &k);
}

static void test_join_and_end(void **state)
{
	struct containers *cs = new_registry();
	struct container *c;
	uint64_t cg[5], sub;
	char what[160];
	int gone, end;

	(void)state;
	five_containers(cg);
	assert_int_equal(containers__start(cs, false), 0);
	/* by cgroup id */
	c = join(cs, cg[1], 1, 2, NULL);
	assert_non_null(c);
	assert_string_equal(c->id, "app-1");
	/* a sub-cgroup of the container: found by its path, told as an alias */
	sub = make_cgroup("/k8s.io/app-1/sub");
	c = join(cs, sub, 1, 2, "app-1/sub");
	assert_non_null(c);
	assert_string_equal(c->id, "app-1");
	snprintf(what, sizeof(what), "alias app-1 %llu", (unsigned long long)sub);
	assert_true(heard(what));
	/* a host cgroup: no container, said once; its process in a running
	 * container's mount namespace (a runtime's setns) is that container */
	c = join(cs, 77777, NS_PID + 999, NS_MNT + 10, "system.slice/containerd.service");
	assert_non_null(c);
	assert_string_equal(c->id, "app-1");
	assert_true(heard("not - 77777"));
	assert_null(join(cs, 77777, NS_PID + 999, NS_MNT + 555, NULL));

	/* its init exits: the mount namespace no longer names it */
	containers__init_exit(cs, cg[1], NS_PID + 10, NS_MNT + 10, 3 << 8);
	assert_null(join(cs, 77777, NS_PID + 999, NS_MNT + 10, NULL));
	c = join(cs, cg[1], 1, 2, NULL);
	assert_int_equal(c->exit_code, 3 << 8);
	/* its cgroup goes: every cgroup of it is gone, then it ends */
	F->nlog = 0;
	containers__cgroup_gone(cs, cg[1]);
	snprintf(what, sizeof(what), "gone app-1 %llu", (unsigned long long)sub);
	gone = index_of(what);
	snprintf(what, sizeof(what), "end app-1 %llu", (unsigned long long)cg[1]);
	end = index_of(what);
	assert_true(gone >= 0 && end > gone);
	assert_null(find(cs, "app-1"));
	/* a removed host cgroup is forgotten as no container's */
	containers__cgroup_gone(cs, 77777);
	assert_true(heard("gone - 77777"));
	containers__free(cs);
}

/* The kernel hands a dead container's namespace inodes to the next one:
 * two containers one after another, same pair, other cgroups. */
static void test_namespace_reuse(void **state)
{
	struct containers *cs = new_registry();
	struct container *a, *b;
	uint64_t cga = make_cgroup("/default/first"), cgb;
	char dir[256];

	(void)state;
	put_pid(600, 6000, NS_PID, NS_MNT);
	snprintf(dir, sizeof(dir), "%s/run/containerd/runc/default/first", F->root);
	put_state(dir, "first", 600, 6000, "/default/first", "");
	assert_int_equal(containers__start(cs, false), 0);
	a = join(cs, cga, NS_PID, NS_MNT, NULL);
	assert_string_equal(a->id, "first");
	containers__init_exit(cs, cga, NS_PID, NS_MNT, 0);
	containers__cgroup_gone(cs, cga);
	kill_pid(600);

	/* the second has the same pair, but it is not the first */
	cgb = make_cgroup("/default/second");
	put_pid(601, 6010, NS_PID, NS_MNT);
	snprintf(dir, sizeof(dir), "%s/run/containerd/runc/default/second", F->root);
	put_state(dir, "second", 601, 6010, "/default/second", "");
	b = join(cs, cgb, NS_PID, NS_MNT, "default/second");
	assert_non_null(b);
	assert_string_equal(b->id, "second");
	assert_string_equal(b->name, "second");
	/* and a record of the first's cgroup, late, is no container's */
	assert_null(join(cs, cga, NS_PID + 1, NS_MNT + 1, "default/first"));
	containers__free(cs);
}

/* News of an ended container (a docker "start" queued behind its cgroup's
 * removal) does not bring it back; a restart (a new init) does. */
static void test_ended_not_resurrected(void **state)
{
	struct containers *cs = new_registry();
	struct container info = { .id = ID_D, .runtime = "docker", .name = "web",
				  .init_pid = 700, .exit_code = -1 };
	uint64_t cg = make_cgroup("/docker/" ID_D);

	(void)state;
	put_pid(700, 7000, NS_PID, NS_MNT);
	info.cgroup_id = cg;
	ct_post(cs, CT_MSG_INFO, &info, -1);
	containers__poll(cs);
	assert_non_null(find(cs, ID_D));
	containers__cgroup_gone(cs, cg);
	assert_null(find(cs, ID_D));
	kill_pid(700);
	F->nlog = 0;
	ct_post(cs, CT_MSG_INFO, &info, -1);
	containers__poll(cs);
	assert_null(find(cs, ID_D));
	assert_int_equal(F->nlog, 0);
	/* docker restart: same id, a new init */
	put_pid(701, 7100, NS_PID, NS_MNT);
	info.init_pid = 701;
	ct_post(cs, CT_MSG_INFO, &info, -1);
	containers__poll(cs);
	assert_non_null(find(cs, ID_D));
	assert_int_equal(find(cs, ID_D)->init_pid, 701);
	containers__free(cs);
}

/* A container whose runtime has not written its state yet (runc's init
 * runs first): learnt provisionally from its state dir, completed later. */
static void test_being_created(void **state)
{
	struct containers *cs = new_registry();
	uint64_t cg = make_cgroup("/k8s.io/fresh");
	struct container *c;
	char dir[256];

	(void)state;
	snprintf(dir, sizeof(dir), "%s/run/containerd/runc/k8s.io/fresh", F->root);
	mkdirs(dir);           /* runc made it; no state.json yet */
	assert_int_equal(containers__start(cs, false), 0);
	put_pid(800, 8000, NS_PID, NS_MNT);
	c = join(cs, cg, NS_PID, NS_MNT, "k8s.io/fresh");
	assert_non_null(c);
	assert_string_equal(c->id, "fresh");
	assert_string_equal(c->runtime, "containerd");
	assert_true(c->running);
	/* the state comes: the same record, completed, told as an update */
	put_state(dir, "fresh", 800, 8000, "/k8s.io/fresh",
		  "\"io.kubernetes.cri.container-name=api\",");
	F->nlog = 0;
	{
		struct container info;

		assert_int_equal(ct_oci_read(dir, &ct_oci_roots[1], F->cg, F->proc, &info), 0);
		ct_post(cs, CT_MSG_INFO, &info, -1);
	}
	containers__poll(cs);
	assert_ptr_equal(join(cs, cg, NS_PID, NS_MNT, NULL), c);
	assert_string_equal(c->k8s_container, "api");
	assert_string_equal(c->name, "fresh");      /* the first name stays */
	assert_true(heard("update fresh 0") || F->nlog > 0);
	containers__free(cs);
}

/* A container gone with its state dir: named from the kernel's cgroup
 * names when they put it under a containerd namespace dir. */
static void test_gone_named_by_cgroup(void **state)
{
	struct containers *cs = new_registry();
	struct container *c;
	char dir[256];

	(void)state;
	snprintf(dir, sizeof(dir), "%s/run/containerd/runc/default", F->root);
	mkdirs(dir);
	assert_int_equal(containers__start(cs, false), 0);
	c = join(cs, 424242, NS_PID, NS_MNT, "default/quick-1");
	assert_non_null(c);
	assert_string_equal(c->id, "quick-1");
	assert_string_equal(c->name, "quick-1");
	assert_string_equal(c->runtime, "containerd");
	/* a cgroup under a dir that is no runtime's: no container */
	assert_null(join(cs, 434343, NS_PID, NS_MNT + 1, "user.slice/session-1.scope"));
	containers__free(cs);
}

static void test_negative_bounded(void **state)
{
	struct containers *cs = new_registry();
	struct containers_stats st;

	(void)state;
	assert_int_equal(containers__start(cs, false), 0);
	for (uint64_t cg = 1; cg <= 5000; cg++)
		assert_null(join(cs, 1000000 + cg, NS_PID, NS_MNT, "user.slice/x"));
	containers__stats(cs, &st);
	assert_true(st.not_containers <= 4096);
	assert_true(st.not_containers >= 4000);
	containers__free(cs);
}

static void test_matching(void **state)
{
	struct containers *cs = new_registry();
	uint64_t cg[5];

	(void)state;
	five_containers(cg);
	assert_int_equal(containers__start(cs, false), 0);
	assert_true(container_matches(find(cs, ID_P), "web"));
	assert_true(container_matches(find(cs, ID_P), "b0d2"));
	assert_false(container_matches(find(cs, ID_P), "b0d"));
	assert_true(container_matches(find(cs, "app-1"), "app-"));
	assert_false(container_matches(find(cs, "app-1"), ""));
	assert_int_equal(containers__count_matching(cs, "crun-1"), 1);
	assert_int_equal(containers__count_matching(cs, "nosuch"), 0);
	containers__free(cs);
}

/* ---- containerd's gRPC answer ---- */

static size_t read_fixture(uint8_t *buf, size_t len)
{
	FILE *f = fopen("tests/unit/fixtures/containerd_get_response.bin", "rb");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, len, f);
	fclose(f);
	return n;
}

static void test_containerd_parse(void **state)
{
	uint8_t buf[8192], bad[8192];
	struct container c;
	size_t n = read_fixture(buf, sizeof(buf));

	(void)state;
	/* captured from containerd 1.6: Containers/Get of a `ctr run` container
	 * with CRI annotations: the spec's annotations are applied, and the
	 * image-name annotation wins over Container.image */
	assert_true(n > 100);
	memset(&c, 0, sizeof(c));
	assert_int_equal(ct_containerd_parse_get(buf, n, &c), 0);
	assert_string_equal(c.image, "cactus-busybox:latest");
	assert_string_equal(c.k8s_pod, "demo-pod");
	assert_string_equal(c.k8s_namespace, "default");
	assert_string_equal(c.k8s_container, "app");
	assert_false(c.k8s_sandbox);
	/* every truncation fails cleanly */
	for (size_t k = 0; k < n; k += 7) {
		memset(&c, 0, sizeof(c));
		assert_int_not_equal(ct_containerd_parse_get(buf, k, &c), 0);
	}
	/* compressed frames, lengths past the end */
	memcpy(bad, buf, n);
	bad[0] = 1;
	assert_int_equal(ct_containerd_parse_get(bad, n, &c), -EBADMSG);
	bad[0] = 0;
	bad[1] = 0x7f;
	assert_int_equal(ct_containerd_parse_get(bad, n, &c), -EBADMSG);
	/* random bytes after a valid frame header: never a crash */
	srand(1);
	for (int round = 0; round < 2000; round++) {
		size_t len = 5 + rand() % 200;

		for (size_t i = 5; i < len; i++)
			bad[i] = (uint8_t)rand();
		bad[0] = 0;
		bad[1] = bad[2] = bad[3] = 0;
		bad[4] = (uint8_t)(len - 5);
		ct_containerd_parse_get(bad, len, &c);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_runtimes_learnt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stopped_not_running, setup, teardown),
		cmocka_unit_test_setup_teardown(test_join_and_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_namespace_reuse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ended_not_resurrected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_being_created, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gone_named_by_cgroup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_negative_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_matching, setup, teardown),
		cmocka_unit_test(test_containerd_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
