// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "attach.h"
#include "cactus.skel.h"
#include "log.h"
#include "syscalls.h"

struct attach {
	struct cactus_bpf *skel;
	enum attach_mode mode;
	char reason[160];
	struct bpf_link **links;   /* tracepoint mode: two per syscall */
	size_t nlinks;
};

static const char *const mode_names[ATTACH_NMODES] = {
	[ATTACH_AUTO] = "auto",
	[ATTACH_TRACEPOINT] = "tracepoint",
	[ATTACH_TP_BTF] = "tp_btf",
	[ATTACH_RAW_TP] = "raw_tp",
};

int attach_mode_parse(const char *name)
{
	for (int i = 0; i < ATTACH_NMODES; i++) {
		if (!strcmp(name, mode_names[i]))
			return i;
	}
	return -1;
}

const char *attach_mode_name(enum attach_mode mode)
{
	return (unsigned)mode < ATTACH_NMODES ? mode_names[mode] : "?";
}

struct cactus_bpf *attach__skel(struct attach *a)
{
	return a->skel;
}

enum attach_mode attach__mode(const struct attach *a)
{
	return a->mode;
}

const char *attach__reason(const struct attach *a)
{
	return a->reason;
}

static void set_autoload(struct cactus_bpf *skel, enum attach_mode mode)
{
	bpf_program__set_autoload(skel->progs.cactus_enter_tp, mode == ATTACH_TRACEPOINT);
	bpf_program__set_autoload(skel->progs.cactus_exit_tp, mode == ATTACH_TRACEPOINT);
	bpf_program__set_autoload(skel->progs.cactus_enter_btf, mode == ATTACH_TP_BTF);
	bpf_program__set_autoload(skel->progs.cactus_exit_btf, mode == ATTACH_TP_BTF);
	bpf_program__set_autoload(skel->progs.cactus_enter_raw, mode == ATTACH_RAW_TP);
	bpf_program__set_autoload(skel->progs.cactus_exit_raw, mode == ATTACH_RAW_TP);
}

static int try_load(struct attach *a, enum attach_mode mode,
		    int (*setup)(struct cactus_bpf *, void *), void *ctx)
{
	int err;

	a->skel = cactus_bpf__open();
	if (!a->skel)
		return -errno;
	set_autoload(a->skel, mode);
	err = setup(a->skel, ctx);
	if (!err)
		err = cactus_bpf__load(a->skel);
	if (err) {
		cactus_bpf__destroy(a->skel);
		a->skel = NULL;
		return err;
	}
	a->mode = mode;
	return 0;
}

struct attach *attach__load(enum attach_mode mode, int (*setup)(struct cactus_bpf *, void *),
			    void *ctx)
{
	/* cheapest first: see README "Performance" */
	static const enum attach_mode order[] = { ATTACH_TRACEPOINT, ATTACH_TP_BTF, ATTACH_RAW_TP };
	struct attach *a = calloc(1, sizeof(*a));
	int err = -EINVAL;

	if (!a)
		return NULL;
	if (mode != ATTACH_AUTO) {
		err = try_load(a, mode, setup, ctx);
		if (err) {
			log_err("attach mode %s refused by this kernel: %s (run with -v for the "
				"verifier log)", attach_mode_name(mode), strerror(-err));
			goto fail;
		}
		snprintf(a->reason, sizeof(a->reason), "forced by --attach");
		return a;
	}
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		err = try_load(a, order[i], setup, ctx);
		if (!err) {
			snprintf(a->reason, sizeof(a->reason), i == 0 ?
				 "cheapest: untraced syscalls run no BPF" :
				 "cheaper modes refused by this kernel");
			return a;
		}
		if (i + 1 < sizeof(order) / sizeof(order[0]))
			log_warn("%s programs refused (%s), trying %s", attach_mode_name(order[i]),
				 strerror(-err), attach_mode_name(order[i + 1]));
	}
	log_err("no attach mode could be loaded: %s (run with -v for the verifier log)",
		strerror(-err));
fail:
	free(a);
	return NULL;
}

/* Tracepoints are named after SYSCALL_DEFINE, not after __NR_*. */
static const char *tp_name(const char *name)
{
	if (!strcmp(name, "umount2"))
		return "umount";
	return name;
}

static int attach_tp(struct attach *a, struct bpf_program *prog, const char *dir,
		     const char *name)
{
	char tp[64];
	struct bpf_link *link;

	snprintf(tp, sizeof(tp), "sys_%s_%s", dir, tp_name(name));
	link = bpf_program__attach_tracepoint(prog, "syscalls", tp);
	if (!link)
		return -errno;
	a->links[a->nlinks++] = link;
	return 0;
}

static int attach_tracepoints(struct attach *a, const bool *traced)
{
	char missing[512] = "";
	size_t mlen = 0;
	int err;

	a->links = calloc(2 * cactus_syscalls_count, sizeof(*a->links));
	if (!a->links)
		return -ENOMEM;
	for (size_t i = 0; i < cactus_syscalls_count; i++) {
		const struct cactus_syscall *sc = &cactus_syscalls[i];

		if (!traced[sc->nr])
			continue;
		err = attach_tp(a, a->skel->progs.cactus_enter_tp, "enter", sc->name);
		/* exit and exit_group never return: no exit tracepoint to wait on */
		if (!err && strcmp(sc->name, "exit") && strcmp(sc->name, "exit_group"))
			err = attach_tp(a, a->skel->progs.cactus_exit_tp, "exit", sc->name);
		if (err == -ENOENT) {
			/* not every kernel has every syscall (or its tracepoint) */
			if (mlen < sizeof(missing) - 32)
				mlen += snprintf(missing + mlen, sizeof(missing) - mlen, " %s",
						 sc->name);
			continue;
		}
		if (err) {
			log_err("cannot attach tracepoint syscalls:sys_enter/exit_%s: %s", sc->name,
				strerror(-err));
			return err;
		}
	}
	if (mlen)
		log_warn("this kernel has no tracepoint for:%s (not traced)", missing);
	return 0;
}

int attach__attach(struct attach *a, const bool *traced)
{
	if (a->mode == ATTACH_TRACEPOINT)
		return attach_tracepoints(a, traced);
	return cactus_bpf__attach(a->skel);
}

void attach__quiesce(struct attach *a)
{
	int fd = bpf_map__fd(a->skel->maps.syscall_conf);
	struct syscall_conf off = {};

	for (__u32 nr = 0; nr < CACTUS_MAX_SYSCALLS; nr++)
		bpf_map_update_elem(fd, &nr, &off, BPF_ANY);
}

/*
 * Destroying a syscall tracepoint's perf event waits for RCU grace periods
 * under the kernel's event_mutex: ~50 ms each, ~10 s for 200 links, whether
 * cactus closes them or its exit does. The programs are quiesced already, so
 * a child takes the final references: the parent drops its own (cheap, not
 * the last), the child waits for that, then pays the teardown while cactus
 * has exited.
 */
static void destroy_links_async(struct bpf_link **links, size_t n)
{
	int p[2] = { -1, -1 }, null;
	pid_t pid = -1;
	char c;

	if (n > 8 && !pipe(p))
		pid = fork();
	if (pid == 0) {
		close(p[1]);
		null = open("/dev/null", O_RDWR);
		/* whoever reads our stdout/stderr must see EOF when the parent exits */
		for (int fd = 0; fd <= 2 && null >= 0; fd++)
			dup2(null, fd);
		while (read(p[0], &c, 1) < 0 && errno == EINTR)
			;
	}
	for (size_t i = 0; i < n; i++)
		bpf_link__destroy(links[i]);
	if (pid == 0)
		_exit(0);
	if (p[0] >= 0) {
		close(p[0]);
		close(p[1]); /* the child goes on */
	}
}

void attach__detach(struct attach *a)
{
	if (!a)
		return;
	destroy_links_async(a->links, a->nlinks);
	a->nlinks = 0;
	cactus_bpf__detach(a->skel);
}

void attach__free(struct attach *a)
{
	if (!a)
		return;
	attach__detach(a);
	free(a->links);
	cactus_bpf__destroy(a->skel);
	free(a);
}
