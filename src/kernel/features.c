// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * What this kernel's BPF can do, probed once at start-up (issue 15: one
 * binary from 5.10 on). Each missing feature selects a fallback, in .rodata
 * (bpf/compat.h) or by loading the `_noloop` variant of the programs that loop;
 * the start-up line names what is missing. For tests, CACTUS_DISABLE=a,b
 * turns features off on a kernel that has them (loop, task_btf,
 * task_storage, task_pt_regs, cast, d_path; "all": every one) so that every
 * fallback runs here too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "kernel/internal.h"
#include "log.h"
#include "syscalls.h"

static bool disabled(const char *name)
{
	const char *env = getenv("CACTUS_DISABLE");
	size_t n = strlen(name);

	for (const char *p = env; p && *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if ((len == n && !strncmp(p, name, n)) || (len == 3 && !strncmp(p, "all", 3)))
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

static bool helper(enum bpf_prog_type type, enum bpf_func_id id, const char *name)
{
	return !disabled(name) && libbpf_probe_bpf_helper(type, id, NULL) > 0;
}

static bool kfunc_exists(const char *name)
{
	struct btf *btf = btf__load_vmlinux_btf();
	bool found;

	if (!btf)
		return false;
	found = btf__find_by_name_kind(btf, name, BTF_KIND_FUNC) > 0;
	btf__free(btf);
	return found;
}

void features_probe(struct kfeatures *f)
{
	/* libbpf cannot probe the helpers of tracing (fentry, tp_btf) or LSM
	 * programs: kprobe's set stands for them (the same tracing base) */
	f->loop = helper(BPF_PROG_TYPE_KPROBE, BPF_FUNC_loop, "loop");
	f->loop_sock = helper(BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_FUNC_loop, "loop");
	f->task_btf = helper(BPF_PROG_TYPE_KPROBE, BPF_FUNC_get_current_task_btf, "task_btf");
	/* task storage from tracing programs came after the map type (5.13 vs
	 * 5.11): bpf_loop's presence (5.17) is the cheap proof; without it the
	 * LRU hash serves (a few ns more per event) */
	f->task_storage = !disabled("task_storage") && f->task_btf &&
			  libbpf_probe_bpf_map_type(BPF_MAP_TYPE_TASK_STORAGE, NULL) > 0 &&
			  helper(BPF_PROG_TYPE_KPROBE, BPF_FUNC_task_storage_get, "task_storage") &&
			  helper(BPF_PROG_TYPE_KPROBE, BPF_FUNC_loop, "task_storage");
	/* bpf_task_pt_regs() takes a BTF task pointer */
	f->task_pt_regs = f->task_btf &&
			  helper(BPF_PROG_TYPE_KPROBE, BPF_FUNC_task_pt_regs, "task_pt_regs");
	/* a kfunc: its presence is its name in the kernel's BTF */
	f->cast = f->task_btf && f->loop && !disabled("cast") && kfunc_exists("bpf_rdonly_cast");
	f->d_path_lsm = !disabled("d_path");
	log_debug("kernel features: bpf_loop %d (sock_addr %d), task_btf %d, task_storage %d, "
		  "task_pt_regs %d, rdonly_cast %d", f->loop, f->loop_sock, f->task_btf,
		  f->task_storage, f->task_pt_regs, f->cast);
}

const char *features_missing(const struct kfeatures *f, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s%s", f->loop ? "" : " bpf_loop", f->task_btf ? "" : " task_btf",
		 f->task_storage ? "" : " task_storage", f->task_pt_regs ? "" : " task_pt_regs",
		 f->cast ? "" : " rdonly_cast");
	return buf[0] ? buf + 1 : buf;
}

/*
 * fentry reads the sys_ function's one argument (the user registers). Some
 * kernels' BTF (5.10) gives a few of these functions a pointer to a
 * forward-declared struct, which the verifier refuses to read: then every
 * clone takes the registers from the task instead (compat.h regs_from_task).
 */
bool features_sys_regs_untyped(struct kernel *k)
{
	char fn[64];

	for (size_t i = 0; i < cactus_syscalls_count; i++) {
		const struct cactus_syscall *sc = &cactus_syscalls[i];
		const struct btf_type *t;
		int id;

		id = fentry_sys_func(k, sc->name, fn, sizeof(fn));
		if (id <= 0)
			continue;
		t = btf__type_by_id(k->vmlinux, id);            /* FUNC */
		t = t ? btf__type_by_id(k->vmlinux, t->type) : NULL; /* FUNC_PROTO */
		if (!t || btf_vlen(t) < 1)
			continue;
		t = btf__type_by_id(k->vmlinux, btf_params(t)[0].type); /* PTR */
		while (t && (btf_is_ptr(t) || btf_is_const(t) || btf_is_volatile(t) ||
			     btf_is_typedef(t)))
			t = btf__type_by_id(k->vmlinux, t->type);
		if (t && btf_is_fwd(t))
			return true;
	}
	return false;
}
