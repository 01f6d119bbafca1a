// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Attaching the loaded programs: each mode's hooks, the deny programs. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/btf.h>
#include "kernel/internal.h"
#include "log.h"
#include "syscalls.h"

/*
 * The per-syscall functions: <prefix><name>, the prefix found in BTF from
 * openat's (x86 __x64_sys_, arm64 __arm64_sys_, ...; sys_ without wrappers).
 */
int attach_sys_prefix(struct kernel *k)
{
	static const char *const prefixes[] = {
		"__x64_sys_", "__arm64_sys_", "__s390x_sys_", "__riscv_sys_", "sys_",
	};
	char fn[64];
	int err;

	if (!k->vmlinux) {
		k->vmlinux = btf__load_vmlinux_btf();
		err = libbpf_get_error(k->vmlinux);
		if (err) {
			k->vmlinux = NULL;
			return err;
		}
	}
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		snprintf(fn, sizeof(fn), "%sopenat", prefixes[i]);
		if (btf__find_by_name_kind(k->vmlinux, fn, BTF_KIND_FUNC) > 0) {
			snprintf(k->prefix, sizeof(k->prefix), "%s", prefixes[i]);
			/* the programs read the arguments from a pt_regs argument:
			 * plain sys_ functions take them as C arguments */
			return strcmp(prefixes[i], "sys_") ? 0 : -EOPNOTSUPP;
		}
	}
	return -ENOENT;
}

/* kprobe programs load on kernels without kprobes: only attaching tells. */
int attach_probe_kprobe(struct kernel *k)
{
	char fn[64];
	struct bpf_link *l;
	int err;

	snprintf(fn, sizeof(fn), "%sopenat", k->prefix);
	l = bpf_program__attach_kprobe(k->progs.enter[ATTACH_KPROBE], false, fn);
	err = libbpf_get_error(l);
	if (err)
		return err;
	/* both detached: a probe left on openat would run its entry twice */
	bpf_link__destroy(l);
	l = bpf_program__attach_kprobe(k->progs.exit[ATTACH_KPROBE], true, fn);
	err = libbpf_get_error(l);
	if (!err)
		bpf_link__destroy(l);
	return err;
}

static int keep_link(struct kernel *k, struct bpf_link *link)
{
	int err = libbpf_get_error(link);

	if (err)
		return err;
	k->links[k->nlinks++] = link;
	return 0;
}

static int attach_tp(struct kernel *k, struct bpf_program *prog, const char *dir,
		     const struct cactus_syscall *sc)
{
	char tp[64];

	snprintf(tp, sizeof(tp), "sys_%s_%s", dir, cactus_syscall_fn(sc));
	return keep_link(k, bpf_program__attach_tracepoint(prog, "syscalls", tp));
}

static int attach_tracepoints(struct kernel *k, const bool *traced)
{
	struct missing miss = {};
	int err;

	for (size_t i = 0; i < cactus_syscalls_count; i++) {
		const struct cactus_syscall *sc = &cactus_syscalls[i];

		if (!traced[sc->nr])
			continue;
		err = attach_tp(k, k->progs.enter[ATTACH_TRACEPOINT], "enter", sc);
		/* exit and exit_group never return: no exit tracepoint to wait on */
		if (!err && !cactus_syscall_noreturn(sc))
			err = attach_tp(k, k->progs.exit[ATTACH_TRACEPOINT], "exit", sc);
		if (err == -ENOENT) {
			/* not every kernel has every syscall (or its tracepoint) */
			missing_add(&miss, sc->name);
			continue;
		}
		if (err) {
			log_err("cannot attach tracepoint syscalls:sys_enter/exit_%s: %s",
				cactus_syscall_fn(sc), strerror(-err));
			return err;
		}
	}
	if (miss.len)
		log_warn("this kernel has no tracepoint for:%s (not traced)", miss.names);
	return 0;
}

static int attach_kprobes(struct kernel *k, const bool *traced)
{
	struct missing miss = {};
	char fn[64];
	int err = 0;

	for (size_t i = 0; i < cactus_syscalls_count; i++) {
		const struct cactus_syscall *sc = &cactus_syscalls[i];

		if (!traced[sc->nr])
			continue;
		if (fentry_sys_func(k, sc->name, fn, sizeof(fn)) <= 0) {
			missing_add(&miss, sc->name);
			continue;
		}
		err = keep_link(k, bpf_program__attach_kprobe(k->progs.enter[ATTACH_KPROBE],
							      false, fn));
		if (!err && !cactus_syscall_noreturn(sc))
			err = keep_link(k, bpf_program__attach_kprobe(k->progs.exit[ATTACH_KPROBE],
								      true, fn));
		if (err == -ENOENT) {
			missing_add(&miss, sc->name);
			continue;
		}
		if (err) {
			log_err("cannot attach kprobe to %s: %s", fn, strerror(-err));
			return err;
		}
	}
	if (miss.len)
		log_warn("this kernel has no %s* function for:%s (not traced)", k->prefix,
			 miss.names);
	return 0;
}

/* The LSM programs run on every open and exec of the system: attached only
 * when deny_paths has an entry or a kill rule is on a path (at start-up, or
 * at the reload that brings the first). */
int attach_lsm(struct kernel *k)
{
	struct bpf_program *progs[2] = {
		k->lsm_walk ? k->skel->progs.cactus_deny_open_walk : k->skel->progs.cactus_deny_open,
		k->lsm_walk ? k->skel->progs.cactus_deny_exec_walk : k->skel->progs.cactus_deny_exec,
	};
	struct deny_key key;

	if (!k->lsm)
		return 0;
	if (!k->kill_paths &&
	    bpf_map_get_next_key(bpf_map__fd(k->skel->maps.deny_paths), NULL, &key))
		return 0;
	for (int i = 0; i < 2; i++) {
		if (k->lsm_links[i])
			continue;
		k->lsm_links[i] = bpf_program__attach_lsm(progs[i]);
		if (!k->lsm_links[i])
			return -errno;
	}
	/* the file_open hook judges io_uring's opens too (bpf/uring.h) */
	k->skel->bss->lsm_judges_opens = k->kill_paths;
	return 0;
}

static int attach_dispatcher(struct kernel *k, struct bpf_program *enter,
			     struct bpf_program *exit)
{
	int err = keep_link(k, bpf_program__attach(enter));

	return err ?: keep_link(k, bpf_program__attach(exit));
}

/* Processes' fork, exec and exit, cgroup removal: in every mode, before the
 * syscall programs (a task's set-up phase is known from its first syscall). */
static int attach_lifecycle(struct kernel *k)
{
	struct bpf_program *progs[LIFE_LINKS] = {
		k->skel->progs.cactus_task_fork, k->progs.task_exec,
		k->skel->progs.cactus_task_exit, k->skel->progs.cactus_cgroup_rmdir,
	};

	for (int i = 0; i < LIFE_LINKS; i++) {
		k->life_links[i] = bpf_program__attach(progs[i]);
		if (!k->life_links[i]) {
			int err = -errno;

			log_err("cannot attach %s: %s", bpf_program__name(progs[i]), strerror(-err));
			return err;
		}
	}
	return 0;
}

int kernel__attach(struct kernel *k, const bool *traced_only)
{
	bool traced[CACTUS_MAX_SYSCALLS];
	int err = attach_lsm(k);

	/* setns and unshare always: a host task entering a container by them
	 * starts its set-up phase (bpf/procs.h), whatever the filters */
	memcpy(traced, traced_only, sizeof(traced));
	if (k->adopt && !k->control_reused)
		pin_drop_old(k->pin_path);
	for (size_t i = 0; i < cactus_syscalls_count; i++) {
		/* counted ones too (kernel_opts.count_all), each hook that runs per
		 * syscall (tracepoint, fentry, kprobe) attached for it */
		if ((cactus_syscalls[i].flags & SCF_NSCHANGE) || k->count_all)
			traced[cactus_syscalls[i].nr] = true;
	}

	if (err) {
		log_err("cannot attach the BPF-LSM deny programs: %s", strerror(-err));
		return err;
	}
	k->attached = true;
	err = attach_lifecycle(k);
	if (!err)
		err = uring_attach(k);
	if (err)
		return err;
	if (k->calibrate) {
		k->mode = calibrate_mode(k, traced, k->reason, sizeof(k->reason));
		k->calibrate = false;
	}
	k->links = calloc(2 * cactus_syscalls_count, sizeof(*k->links));
	if (!k->links)
		return -ENOMEM;
	switch (k->mode) {
	case ATTACH_TRACEPOINT:
		err = attach_tracepoints(k, traced);
		break;
	case ATTACH_TP_BTF:
	case ATTACH_RAW_TP:
		/* only the dispatcher: the tracepoint programs may be loaded too */
		err = attach_dispatcher(k, k->progs.enter[k->mode], k->progs.exit[k->mode]);
		break;
	case ATTACH_FENTRY:
		err = fentry_attach_all(k, traced);
		break;
	case ATTACH_KPROBE:
		err = attach_kprobes(k, traced);
		break;
	default:
		err = -EINVAL;
	}
	if (err)
		log_err("cannot attach %s programs: %s", attach_mode_name(k->mode), strerror(-err));
	else if (k->adopt && k->control_reused)
		err = pin_takeover(k, k->pin_path);
	if (!err) {
		/* the start-up line names what this kernel lacks */
		char miss[96];
		const char *m = features_missing(&k->feat, miss, sizeof(miss));
		size_t n = strlen(k->reason);

		if (*m)
			snprintf(k->reason + n, sizeof(k->reason) - n,
				 "; kernel without %s: fallbacks chosen", m);
	}
	return err;
}

int kernel__attach_deny_net(struct kernel *k, const char *cgroup2)
{
	struct bpf_program *const *progs = k->progs.deny_sock;
	int fd = open(cgroup2, O_RDONLY | O_DIRECTORY), err = 0;

	if (fd < 0) {
		err = -errno;
		log_err("cannot open %s: %s", cgroup2, strerror(-err));
		return err;
	}
	for (int i = 0; i < 4 && !err; i++) {
		k->deny_links[i] = bpf_program__attach_cgroup(progs[i], fd);
		if (!k->deny_links[i]) {
			err = -errno;
			log_err("cannot attach %s at %s: %s", bpf_program__name(progs[i]), cgroup2,
				strerror(-err));
		}
	}
	close(fd);
	return err;
}

/*
 * Destroying a syscall tracepoint's perf event waits for RCU grace periods
 * under the kernel's event_mutex: ~50 ms each, ~10 s for 200 links, whether
 * cactus closes them or its exit does. The programs are quiesced already, so
 * a child takes the final references: the parent drops its own (cheap, not
 * the last), the child waits for that, then pays the teardown while cactus
 * has exited.
 */
static void destroy_links_async(struct bpf_link **links, size_t n, int *fds, size_t nfds)
{
	int p[2] = { -1, -1 }, null;
	pid_t pid = -1;
	char c;

	if (n + nfds > 8 && !pipe(p))
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
	for (size_t i = 0; i < nfds; i++)
		close(fds[i]);
	if (pid == 0)
		_exit(0);
	if (p[0] >= 0) {
		close(p[0]);
		close(p[1]); /* the child goes on */
	}
}

void attach_detach(struct kernel *k)
{
	/* first: the teardown child must not inherit the deny links */
	for (int i = 0; i < 4; i++) {
		bpf_link__destroy(k->deny_links[i]);
		k->deny_links[i] = NULL;
	}
	destroy_links_async(k->links, k->nlinks, k->link_fds, k->nlink_fds);
	k->nlinks = 0;
	k->nlink_fds = 0;
	for (int i = 0; i < 2; i++) {
		bpf_link__destroy(k->lsm_links[i]);
		k->lsm_links[i] = NULL;
	}
	for (int i = 0; i < LIFE_LINKS; i++) {
		bpf_link__destroy(k->life_links[i]);
		k->life_links[i] = NULL;
	}
	uring_detach(k);
	if (k->skel)
		cactus_bpf__detach(k->skel);
}
