// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * io_uring (bpf/uring.h): which of its tracepoints this kernel has and what
 * their arguments are, read from the kernel's BTF (the btf_trace_* typedef
 * of each tracepoint): the programs that fit are loaded, the others not.
 *
 *   submit    io_uring_submit_req(req)              6.4+
 *             io_uring_submit_sqe(req, bool)        6.0-6.3
 *             io_uring_submit_sqe(ctx, req, ...)    5.x
 *   complete  io_uring_complete(ctx, req, cqe)      6.10+ (this host's 6.18)
 *             io_uring_complete(ctx, req, ud, res, ...)  6.0+
 *             io_uring_complete(ctx, ud, res, ...)  5.x: no request; records
 *                                                  are made at submit
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/btf.h>
#include "kernel/internal.h"
#include "log.h"
#include "syscalls.h"

/* The number of arguments of tracepoint @tp (its prototype's, without the
 * leading void *), or -1 if this kernel has no such tracepoint in its BTF. */
static int tp_args(const struct btf *btf, const char *tp)
{
	char name[96];
	const struct btf_type *t;
	int id;

	snprintf(name, sizeof(name), "btf_trace_%s", tp);
	id = btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF);
	if (id <= 0)
		return -1;
	t = btf__type_by_id(btf, id);
	t = t ? btf__type_by_id(btf, t->type) : NULL;       /* PTR */
	t = t && btf_is_ptr(t) ? btf__type_by_id(btf, t->type) : NULL; /* FUNC_PROTO */
	if (!t || !btf_is_func_proto(t) || btf_vlen(t) < 1)
		return -1;
	return btf_vlen(t) - 1;
}

void uring_probe(struct kernel *k)
{
	struct btf *btf = btf__load_vmlinux_btf();
	struct kuring *u = &k->uring;
	int n;

	memset(u, 0, sizeof(*u));
	if (!btf) {
		snprintf(u->why, sizeof(u->why), "no kernel BTF");
		return;
	}
	if (tp_args(btf, "io_uring_submit_req") == 1) {
		u->submit_tp = "io_uring_submit_req";
		u->submit = k->progs.uring_submit;
	} else if ((n = tp_args(btf, "io_uring_submit_sqe")) == 2) {
		u->submit_tp = "io_uring_submit_sqe";
		u->submit = k->progs.uring_submit;
	} else if (n >= 2) {
		u->submit_tp = "io_uring_submit_sqe";
		u->submit = k->progs.uring_submit_old;
	}
	/* (ctx, req, cqe); (ctx, req, user_data, res, cflags, ...); 5.x:
	 * (ctx, user_data, res, cflags), no request */
	n = tp_args(btf, "io_uring_complete");
	if (n == 3)
		u->complete = k->progs.uring_complete;
	else if (n >= 6)
		u->complete = k->progs.uring_complete_res;
	btf__free(btf);
	if (!u->submit) {
		snprintf(u->why, sizeof(u->why), "no io_uring submit tracepoint (no io_uring?)");
		return;
	}
	/* 5.x's completion names no request: records are made at submit */
	if (!u->complete)
		snprintf(u->why, sizeof(u->why), "io_uring_complete has no request: operations "
			 "are reported at submission, without their result");
}

void uring_set_autoload(struct kernel *k)
{
	struct kuring *u = &k->uring;

	if (u->submit)
		bpf_program__set_autoload(u->submit, true);
	if (u->complete)
		bpf_program__set_autoload(u->complete, true);
	k->skel->rodata->uring_complete_has_req = u->complete != NULL;
}

int uring_set_conf(struct kernel *k)
{
	int fd = bpf_map__fd(k->skel->maps.uring_conf);

	for (size_t i = 0; i < cactus_uring_ops_count; i++) {
		struct uring_conf conf;
		__u32 key = cactus_uring_ops[i].op;

		cactus_uring_conf(&cactus_uring_ops[i], &conf);
		if (bpf_map_update_elem(fd, &key, &conf, BPF_ANY)) {
			int err = -errno;

			log_warn("cannot update map uring_conf: %s", strerror(-err));
			return err;
		}
	}
	return 0;
}

int uring_attach(struct kernel *k)
{
	struct kuring *u = &k->uring;
	struct bpf_program *progs[URING_LINKS] = { u->submit, u->complete };
	const char *tps[URING_LINKS] = { u->submit_tp, "io_uring_complete" };

	if (!u->submit) {
		log_info("io_uring not traced: %s", u->why);
		return 0;
	}
	if (u->why[0])
		log_info("io_uring: %s", u->why);
	for (int i = 0; i < URING_LINKS; i++) {
		if (!progs[i])
			continue;
		u->links[i] = bpf_program__attach_raw_tracepoint(progs[i], tps[i]);
		if (!u->links[i]) {
			int err = -errno;

			log_err("cannot attach %s to %s: %s", bpf_program__name(progs[i]), tps[i],
				strerror(-err));
			return err;
		}
	}
	return 0;
}

void uring_detach(struct kernel *k)
{
	for (int i = 0; i < URING_LINKS; i++) {
		bpf_link__destroy(k->uring.links[i]);
		k->uring.links[i] = NULL;
	}
}
