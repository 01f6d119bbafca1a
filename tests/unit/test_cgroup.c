// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * src/containers: cgroup path parsing (a table of real-shaped paths), the
 * /proc readers against a fake proc tree in a temporary directory (the
 * registry: test_containers.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "containers/containers.h"
#include "containers/internal.h"

#define ID_A "abcd1111e2c4a5f84f2c0d3e6e0f3f86e4a7c3f1b2d5e6a7b8c9d0e1f2a3b4c5"
#define ID_B "abcd2222b2c4a5f84f2c0d3e6e0f3f86e4a7c3f1b2d5e6a7b8c9d0e1f2a3b4c5"
#define ID_C "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define ID_D "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"
#define ID_E "eeee0000eeee0000eeee0000eeee0000eeee0000eeee0000eeee0000eeee0000"
#define ID_63 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde"
#define ID_65 ID_C "0"
#define ID_UPPER "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"
#define ID_NOTHEX "0123456789abcdeg0123456789abcdef0123456789abcdef0123456789abcdef"
#define POD_UID "pod6f6c1c5b-8d2a-4f5e-9b1a-2c3d4e5f6a7b"
#define POD_UID_SD "pod6f6c1c5b_8d2a_4f5e_9b1a_2c3d4e5f6a7b"
#define KUBE_SD "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-" POD_UID_SD ".slice/"

struct parse_case {
	const char *path;
	const char *runtime;    /* NULL: must be -ENOENT */
	const char *id;
};

static const struct parse_case parse_cases[] = {
	/* docker, cgroupfs driver (v1 and v2) and systemd driver */
	{ "/docker/" ID_A, "docker", ID_A },
	{ "/docker/" ID_A "/init", "docker", ID_A },
	{ "/docker/" ID_A "/", "docker", ID_A },
	{ "/docker/" ID_A "\n", "docker", ID_A },
	{ "/system.slice/docker-" ID_A ".scope", "docker", ID_A },
	{ "/system.slice/docker-" ID_A ".scope/init", "docker", ID_A },
	{ "/docker/" ID_A "/docker/" ID_B, "docker", ID_B },
	/* kubernetes: containerd (systemd and cgroupfs), docker, CRI-O */
	{ KUBE_SD "cri-containerd-" ID_C ".scope", "containerd", ID_C },
	{ "/kubepods/besteffort/" POD_UID "/" ID_C, "containerd", ID_C },
	{ "/kubepods/burstable/" POD_UID "/" ID_C "/", "containerd", ID_C },
	{ "/kubepods/" POD_UID "/" ID_C, "containerd", ID_C },
	{ KUBE_SD "docker-" ID_C ".scope", "docker", ID_C },
	{ KUBE_SD "crio-" ID_C ".scope", "cri-o", ID_C },
	{ KUBE_SD "crio-" ID_C ".scope/container", "cri-o", ID_C },
	{ "/kubepods/besteffort/" POD_UID "/crio-" ID_C, "cri-o", ID_C },
	/* kind: a node container running pods */
	{ "/docker/" ID_A "/kubepods/besteffort/" POD_UID "/" ID_C, "containerd", ID_C },
	/* podman, rootful and rootless, systemd and cgroupfs */
	{ "/machine.slice/libpod-" ID_D ".scope", "podman", ID_D },
	{ "/machine.slice/libpod-" ID_D ".scope/container", "podman", ID_D },
	{ "/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" ID_D
	  ".scope/container", "podman", ID_D },
	{ "/libpod_parent/libpod-" ID_D, "podman", ID_D },
	/* containerd's default namespace (ctr run) */
	{ "/default/" ID_D, "containerd", ID_D },
	/* the leaf name alone, as the kernel captures it */
	{ ID_A, "docker", ID_A },
	{ "docker-" ID_A ".scope", "docker", ID_A },
	{ "cri-containerd-" ID_A ".scope", "containerd", ID_A },
	{ "crio-" ID_A ".scope", "cri-o", ID_A },
	{ "libpod-" ID_A ".scope", "podman", ID_A },
	/* host paths */
	{ "/", NULL, NULL },
	{ "", NULL, NULL },
	{ "/init.scope", NULL, NULL },
	{ "/user.slice/user-0.slice/session-1.scope", NULL, NULL },
	{ "/system.slice/docker.service", NULL, NULL },
	{ "/system.slice/containerd.service", NULL, NULL },
	{ "/docker", NULL, NULL },
	{ "/kubepods/besteffort/" POD_UID, NULL, NULL },
	{ KUBE_SD, NULL, NULL },
	/* conmon runs beside the container, not in it */
	{ KUBE_SD "crio-conmon-" ID_C ".scope", NULL, NULL },
	{ "/machine.slice/libpod-conmon-" ID_D ".scope", NULL, NULL },
	/* not quite ids */
	{ "/docker/" ID_63, NULL, NULL },
	{ "/docker/" ID_65, NULL, NULL },
	{ "/docker/" ID_UPPER, NULL, NULL },
	{ "/docker/" ID_NOTHEX, NULL, NULL },
	{ "docker-" ID_63 ".scope", NULL, NULL },
	{ "docker-" ID_65 ".scope", NULL, NULL },
	{ "docker-" ID_UPPER ".scope", NULL, NULL },
	{ "/system.slice/docker-" ID_A ".scopex", NULL, NULL },
	{ "/system.slice/podman-" ID_A ".scope", NULL, NULL },
	{ ".scope", NULL, NULL },
};

static void test_parse_table(void **state)
{
	char runtime[16], id[CONTAINER_ID_MAX];
	size_t i;
	int err;

	(void)state;
	for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		const struct parse_case *t = &parse_cases[i];

		memset(runtime, 'x', sizeof(runtime));
		memset(id, 'x', sizeof(id));
		err = cgroup_path_parse(t->path, runtime, sizeof(runtime), id, sizeof(id));
		if (!t->runtime) {
			if (err != -ENOENT)
				fail_msg("case %zu \"%s\": got %d, want -ENOENT", i, t->path, err);
			continue;
		}
		if (err)
			fail_msg("case %zu \"%s\": got %d, want 0", i, t->path, err);
		assert_string_equal(runtime, t->runtime);
		assert_string_equal(id, t->id);
	}
}

static void test_parse_args(void **state)
{
	char runtime[16], id[CONTAINER_ID_MAX], small_rt[4];

	(void)state;
	assert_int_equal(cgroup_path_parse(NULL, runtime, sizeof(runtime), id, sizeof(id)),
			 -EINVAL);
	assert_int_equal(cgroup_path_parse("/docker/" ID_A, runtime, sizeof(runtime), id,
					   CT_HEX_ID_LEN), -ENOSPC);
	assert_int_equal(cgroup_path_parse("/docker/" ID_A, small_rt, sizeof(small_rt), id,
					   sizeof(id)), -ENOSPC);
}

/* ---- a fake /proc ---- */

struct fake_proc {
	char root[64];
};

static void put_file(const char *root, int pid, const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%d", root, pid);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%d/%s", root, pid, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* ns links shaped like the kernel's: readlink gives "pid:[N]" */
static void put_ns(const char *root, int pid, unsigned int pid_ns, unsigned int mnt_ns)
{
	char path[256], target[64];

	snprintf(path, sizeof(path), "%s/%d/ns", root, pid);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%d/ns/pid", root, pid);
	snprintf(target, sizeof(target), "pid:[%u]", pid_ns);
	assert_int_equal(symlink(target, path), 0);
	snprintf(path, sizeof(path), "%s/%d/ns/mnt", root, pid);
	snprintf(target, sizeof(target), "mnt:[%u]", mnt_ns);
	assert_int_equal(symlink(target, path), 0);
}

static void put_proc(const char *root, int pid, int ppid, const char *comm,
		     const char *cgroup, unsigned int pid_ns, unsigned int mnt_ns)
{
	char stat[256];

	snprintf(stat, sizeof(stat), "%d (%s) S %d %d %d 0 -1 4194560 100 0 0 0\n", pid, comm,
		 ppid, pid, pid);
	put_file(root, pid, "stat", stat);
	put_file(root, pid, "cgroup", cgroup);
	put_ns(root, pid, pid_ns, mnt_ns);
}

#define HOST_PID_NS 4026531836u
#define HOST_MNT_NS 4026531841u
#define V1_HOST "12:pids:/\n1:name=systemd:/init.scope\n0::/init.scope\n"
#define V1_LINES(p) "9:name=systemd:" p "\n4:memory:" p "\n1:cpu:" p "\n"

static int fake_setup(void **state)
{
	struct fake_proc *fp = calloc(1, sizeof(*fp));
	char path[256];

	assert_non_null(fp);
	snprintf(fp->root, sizeof(fp->root), "/tmp/cactus-test-proc.XXXXXX");
	assert_non_null(mkdtemp(fp->root));
	/* the host: init and a shell */
	put_proc(fp->root, 1, 0, "systemd", "0::/init.scope\n", HOST_PID_NS, HOST_MNT_NS);
	put_proc(fp->root, 400, 1, "bash", "0::/user.slice/user-0.slice/session-1.scope\n",
		 HOST_PID_NS, HOST_MNT_NS);
	/* docker on cgroup v2: shim 90 (host) -> init 100 -> 101; 150 is an exec */
	put_proc(fp->root, 90, 1, "containerd-shim", "0::/system.slice/containerd.service\n",
		 HOST_PID_NS, HOST_MNT_NS);
	put_proc(fp->root, 100, 90, "sh", "0::/system.slice/docker-" ID_A ".scope\n",
		 4026532180u, 4026532177u);
	put_proc(fp->root, 101, 100, "sleep", "0::/system.slice/docker-" ID_A ".scope\n",
		 4026532180u, 4026532177u);
	put_proc(fp->root, 160, 100, "unshared", "0::/system.slice/docker-" ID_A ".scope\n",
		 4026532180u, 4026532190u);
	put_proc(fp->root, 150, 90, "ls", "0::/system.slice/docker-" ID_A ".scope\n",
		 4026532180u, 4026532177u);
	/* pids wrapped: the init (600) has a higher pid than its child (550) */
	put_proc(fp->root, 550, 600, "worker", "0::/docker/" ID_D "\n", 4026532900u, 4026532901u);
	put_proc(fp->root, 600, 90, "init", "0::/docker/" ID_D "\n", 4026532900u, 4026532901u);
	/* a hybrid host: "0::/" says nothing, the v1 lines name the container */
	put_proc(fp->root, 200, 1, "nginx", V1_LINES("/docker/" ID_B) "0::/\n",
		 4026532300u, 4026532301u);
	/* CRI-O, with a comm that holds ") " to trip naive stat parsing */
	put_proc(fp->root, 300, 1, "a) S 7 (b",
		 "0::" KUBE_SD "crio-" ID_C ".scope/container\n", 4026532400u, 4026532401u);
	/* not processes */
	snprintf(path, sizeof(path), "%s/sys", fp->root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/self", fp->root);
	assert_int_equal(symlink("1", path), 0);
	*state = fp;
	return 0;
}

static int fake_teardown(void **state)
{
	struct fake_proc *fp = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fp->root);
	if (system(cmd))
		fprintf(stderr, "could not remove %s\n", fp->root);
	free(fp);
	return 0;
}

static void test_proc_ns(void **state)
{
	struct fake_proc *fp = *state;
	uint32_t p = 0, m = 0;
	char path[256];

	assert_int_equal(ct_proc_ns(fp->root, 100, &p, &m), 0);
	assert_int_equal(p, 4026532180u);
	assert_int_equal(m, 4026532177u);
	assert_int_equal(ct_proc_ns(fp->root, 777, &p, &m), -ENOENT);

	/* malformed link targets are refused, not half-parsed */
	put_file(fp->root, 500, "cgroup", "0::/\n");
	snprintf(path, sizeof(path), "%s/500/ns", fp->root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/500/ns/pid", fp->root);
	assert_int_equal(symlink("pid:[12x]", path), 0);
	assert_int_equal(ct_proc_ns(fp->root, 500, &p, &m), -EINVAL);
	unlink(path);
	assert_int_equal(symlink("mnt:[12]", path), 0);
	assert_int_equal(ct_proc_ns(fp->root, 500, &p, &m), -EINVAL);
	unlink(path);
	assert_int_equal(symlink("pid:[99999999999]", path), 0);
	assert_int_equal(ct_proc_ns(fp->root, 500, &p, &m), -EINVAL);
	unlink(path);

	/* not a link: stat() it */
	put_file(fp->root, 500, "ns/pid", "");
	snprintf(path, sizeof(path), "%s/500/ns/mnt", fp->root);
	assert_int_equal(symlink("mnt:[42]", path), 0);
	assert_int_equal(ct_proc_ns(fp->root, 500, &p, &m), 0);
	assert_int_not_equal(p, 0);
	assert_int_equal(m, 42);

	/* the real thing: our own namespaces */
	assert_int_equal(ct_proc_ns("/proc", getpid(), &p, &m), 0);
	assert_int_not_equal(p, 0);
	assert_int_not_equal(m, 0);
}

static void test_proc_cgroup(void **state)
{
	struct fake_proc *fp = *state;
	char rt[16], id[CONTAINER_ID_MAX];
	int ppid = -1;

	assert_int_equal(ct_proc_cgroup(fp->root, 100, rt, sizeof(rt), id, sizeof(id)), 0);
	assert_string_equal(rt, "docker");
	assert_string_equal(id, ID_A);
	assert_int_equal(ct_proc_cgroup(fp->root, 200, rt, sizeof(rt), id, sizeof(id)), 0);
	assert_string_equal(rt, "docker");
	assert_string_equal(id, ID_B);
	assert_int_equal(ct_proc_cgroup(fp->root, 300, rt, sizeof(rt), id, sizeof(id)), 0);
	assert_string_equal(rt, "cri-o");
	assert_string_equal(id, ID_C);
	assert_int_equal(ct_proc_cgroup(fp->root, 1, rt, sizeof(rt), id, sizeof(id)), -ENOENT);
	assert_int_equal(ct_proc_cgroup(fp->root, 400, rt, sizeof(rt), id, sizeof(id)), -ENOENT);
	assert_int_equal(ct_proc_cgroup(fp->root, 777, rt, sizeof(rt), id, sizeof(id)), -ENOENT);

	assert_int_equal(ct_proc_ppid(fp->root, 101, &ppid), 0);
	assert_int_equal(ppid, 100);
	assert_int_equal(ct_proc_ppid(fp->root, 300, &ppid), 0);
	assert_int_equal(ppid, 1);
	assert_int_equal(ct_proc_ppid(fp->root, 777, &ppid), -ENOENT);
}

static void test_proc_scan(void **state)
{
	struct fake_proc *fp = *state;
	struct ct_found *v = NULL;
	size_t n = 0, i;
	int seen = 0;

	assert_int_equal(ct_proc_scan(fp->root, &v, &n), 0);
	assert_int_equal(n, 4);
	for (i = 0; i < n; i++) {
		if (!strcmp(v[i].id, ID_A)) {
			assert_int_equal(v[i].pid, 100); /* not 150, not 101 */
			seen |= 1;
		} else if (!strcmp(v[i].id, ID_B)) {
			assert_int_equal(v[i].pid, 200);
			seen |= 2;
		} else if (!strcmp(v[i].id, ID_C)) {
			assert_int_equal(v[i].pid, 300);
			assert_string_equal(v[i].runtime, "cri-o");
			seen |= 4;
		} else if (!strcmp(v[i].id, ID_D)) {
			assert_int_equal(v[i].pid, 600);
			seen |= 8;
		}
	}
	assert_int_equal(seen, 15);
	free(v);
	assert_int_equal(ct_proc_scan("/nonexistent-proc", &v, &n), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_parse_args),
		cmocka_unit_test_setup_teardown(test_proc_ns, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_proc_cgroup, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_proc_scan, fake_setup, fake_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
