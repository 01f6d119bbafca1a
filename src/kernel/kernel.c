// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Loading the BPF object, writing its maps, reading its counters. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <bpf/btf.h>
#include "kernel/internal.h"
#include "log.h"
#include "procfs/procfs.h"
#include "syscalls.h"

int kernel_check_privileges(void)
{
	unsigned long long eff = 0;
	char line[256];
	FILE *f;

	if (geteuid() == 0)
		return 0;
	f = fopen("/proc/self/status", "r");
	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "CapEff:", 7)) {
			eff = strtoull(line + 7, NULL, 16);
			break;
		}
	}
	if (f)
		fclose(f);
	/* CAP_SYS_ADMIN (21), or CAP_BPF (39) + CAP_PERFMON (38) since 5.8 */
	if ((eff & (1ULL << 21)) || ((eff & (1ULL << 39)) && (eff & (1ULL << 38))))
		return 0;
	log_err("monitor must run as root (or with CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN); "
		"running as uid %u without them", geteuid());
	return -EPERM;
}

int kernel_check_btf(void)
{
	if (access("/sys/kernel/btf/vmlinux", R_OK) == 0)
		return 0;
	log_err("kernel BTF not found at /sys/kernel/btf/vmlinux: cactus needs a kernel built "
		"with CONFIG_DEBUG_INFO_BTF=y");
	return -ENOENT;
}

/* pid 1 is the host's init even when cactus runs in a hostPID pod; when
 * /proc/1/ns is closed to us, our own namespaces are the host's. */
static int host_ns(__u32 *pid_ns, __u32 *mnt_ns)
{
	static const int pids[] = { 1, PROCFS_SELF };
	int err = -ENOENT;

	for (size_t i = 0; i < 2; i++) {
		err = procfs_ns_inode(NULL, pids[i], "pid", pid_ns);
		if (!err)
			err = procfs_ns_inode(NULL, pids[i], "mnt", mnt_ns);
		if (!err)
			return 0;
	}
	log_err("cannot read the host namespaces from /proc/self/ns: %s", strerror(-err));
	return err;
}

/* Which programs load with @mode, in the variant this kernel takes; the
 * fallbacks' switches (bpf/compat.h). The per-thread stash: task storage for
 * the tracepoint flavours where tracing programs may use it, else the LRU
 * hash (bpf/maps.h); the unused one is not made, or shrunk to one entry. */
static void set_autoload(struct kernel *k, enum attach_mode mode, bool calibrate)
{
	struct cactus_bpf *skel = k->skel;
	bool tls = mode != ATTACH_FENTRY && mode != ATTACH_KPROBE && k->feat.task_storage;
	struct bpf_program *p;

	bpf_object__for_each_program(p, skel->obj)
		bpf_program__set_autoload(p, false);
	for (enum attach_mode m = ATTACH_AUTO + 1; m < ATTACH_NMODES; m++) {
		/* calibration measures tp_btf against tracepoint: both load */
		bool on = m == mode ||
			  (m == ATTACH_TP_BTF && calibrate && mode == ATTACH_TRACEPOINT);

		bpf_program__set_autoload(k->progs.enter[m], on);
		bpf_program__set_autoload(k->progs.exit[m], on);
	}
	/* every mode: processes, lifecycle */
	bpf_program__set_autoload(skel->progs.cactus_task_fork, true);
	bpf_program__set_autoload(k->progs.task_exec, true);
	bpf_program__set_autoload(skel->progs.cactus_task_exit, true);
	bpf_program__set_autoload(skel->progs.cactus_cgroup_rmdir, true);
	uring_set_autoload(k);
	bpf_map__set_autocreate(skel->maps.stash_tls, tls);
	skel->rodata->stash_lru = !tls;
	skel->rodata->have_task_btf = k->feat.task_btf;
	skel->rodata->have_task_pt_regs = k->feat.task_pt_regs;
	skel->rodata->have_cast = k->feat.cast;
	skel->rodata->regs_from_task = mode == ATTACH_FENTRY && features_sys_regs_untyped(k);
	if (tls)
		bpf_map__set_max_entries(skel->maps.stash, 1);
}

/* BPF-LSM: only where `bpf` is in the kernel's LSM list, and only if the
 * programs then load (tried with the attach programs, retried without). */
static bool lsm_listed(struct kernel *k)
{
	char list[256] = "";
	FILE *f = fopen("/sys/kernel/security/lsm", "r");
	bool ok = false;

	if (!f) {
		snprintf(k->lsm_reason, sizeof(k->lsm_reason), "/sys/kernel/security/lsm: %s",
			 strerror(errno));
		return false;
	}
	if (fgets(list, sizeof(list), f)) {
		list[strcspn(list, "\n")] = 0;
		for (char *save = NULL, *tok = strtok_r(list, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save))
			ok |= !strcmp(tok, "bpf");
	}
	fclose(f);
	if (!ok)
		snprintf(k->lsm_reason, sizeof(k->lsm_reason), "no bpf in the kernel's LSM list");
	return ok;
}

/* The per-cgroup tables: one entry per container cgroup (and per host
 * cgroup whose tasks entered a container's namespaces); rule_scope has one
 * per container and scoped rule. */
static int set_table_sizes(struct cactus_bpf *skel, __u32 n)
{
	int err = bpf_map__set_max_entries(skel->maps.cgroup_watch, n);

	if (!err)
		err = bpf_map__set_max_entries(skel->maps.container_cgroups, n);
	if (!err)
		err = bpf_map__set_max_entries(skel->maps.drops_by_cgroup, n);
	if (!err)
		err = bpf_map__set_max_entries(skel->maps.budgets, n);
	if (!err)
		err = bpf_map__set_max_entries(skel->maps.counts_by_cgroup, n);
	if (!err)
		err = bpf_map__set_max_entries(skel->maps.rule_scope, 2 * n);
	return err;
}

/* Start-up settings into rodata, map sizes, which programs load. */
static int setup(struct kernel *k, const struct kernel_opts *o, const struct ns_key *host,
		 enum attach_mode mode, bool lsm)
{
	struct cactus_bpf *skel = k->skel;
	bool deny = o->n_deny_rules > 0;
	char fn[64];
	int err;

	progs_select(k);
	uring_probe(k);
	set_autoload(k, mode, k->calibrate);
	/* BPF-LSM: sleepable with bpf_d_path, else the walk (5.10) */
	bpf_program__set_autoload(skel->progs.cactus_deny_open, lsm && !k->lsm_walk);
	bpf_program__set_autoload(skel->progs.cactus_deny_exec, lsm && !k->lsm_walk);
	bpf_program__set_autoload(skel->progs.cactus_deny_open_walk, lsm && k->lsm_walk);
	bpf_program__set_autoload(skel->progs.cactus_deny_exec_walk, lsm && k->lsm_walk);
	for (int i = 0; i < 4; i++)
		bpf_program__set_autoload(k->progs.deny_sock[i], deny);
	skel->rodata->my_gen = k->gen;
	if (k->adopt)
		pin_reuse_maps(k, k->pin_path);
	skel->rodata->host_pid_ns = host->pid_ns;
	skel->rodata->host_mnt_ns = host->mnt_ns;
	skel->rodata->n_kill_rules = o->n_kill_rules;
	/* the LSM hooks judge an open or an exec by the kill rules naming any
	 * syscall that opens or executes (bpf/kill.h lsm_nr) */
	cactus_syscalls_with(SCF_OPEN, skel->rodata->open_nrs);
	cactus_syscalls_with(SCF_EXEC, skel->rodata->exec_nrs);
	skel->rodata->n_deny_rules = o->n_deny_rules;
	/* under pressure (ring half full) a container may add 1/8 of the ring
	 * while the consumer reads 1/4: at most half its pace, so a flood
	 * cannot fill the ring for everyone, even with the consumer stalled
	 * (it then adds 1/8 at most) (capture.h) */
	skel->rodata->pressure_bytes = o->ring_bytes / 2;
	skel->rodata->budget_bytes = o->ring_bytes / 8;
	skel->rodata->budget_window_bytes = o->ring_bytes / 4;
	err = bpf_map__set_max_entries(skel->maps.events, o->ring_bytes);
	if (!err)
		err = set_table_sizes(skel, o->max_containers ? o->max_containers : 8192);
	if (err || mode != ATTACH_FENTRY)
		return err;
	/* loaded (verified) once against openat (the function the prefix was
	 * found by), cloned per syscall at attach (fentry.c) */
	snprintf(fn, sizeof(fn), "%sopenat", k->prefix);
	err = bpf_program__set_attach_target(k->progs.enter[ATTACH_FENTRY], 0, fn);
	if (!err)
		err = bpf_program__set_attach_target(k->progs.exit[ATTACH_FENTRY], 0, fn);
	return err;
}

static int load_once(struct kernel *k, const struct kernel_opts *o, const struct ns_key *host,
		     enum attach_mode mode, bool lsm)
{
	int err;

	k->skel = cactus_bpf__open();
	if (!k->skel)
		return -errno;
	err = setup(k, o, host, mode, lsm);
	if (!err)
		err = cactus_bpf__load(k->skel);
	/* kprobe programs load on kernels without kprobes: only attaching tells */
	if (!err && mode == ATTACH_KPROBE)
		err = attach_probe_kprobe(k);
	if (err) {
		cactus_bpf__destroy(k->skel);
		k->skel = NULL;
	}
	return err;
}

/* Loads the two BPF-LSM programs of one variant alone: does this kernel
 * take them? (libbpf cannot probe LSM helpers; a full load per try would
 * verify every program again.) */
static int lsm_loads(struct kernel *k, const struct kernel_opts *o, const struct ns_key *host,
		     bool walk)
{
	bool adopt = k->adopt;
	struct bpf_program *p;
	int err;

	k->skel = cactus_bpf__open();
	if (!k->skel)
		return -errno;
	k->lsm_walk = walk;
	k->adopt = false; /* a throwaway object: shares nothing */
	err = setup(k, o, host, ATTACH_TRACEPOINT, true);
	k->adopt = adopt;
	bpf_object__for_each_program(p, k->skel->obj)
		bpf_program__set_autoload(p, false);
	bpf_program__set_autoload(walk ? k->skel->progs.cactus_deny_open_walk :
				  k->skel->progs.cactus_deny_open, true);
	bpf_program__set_autoload(walk ? k->skel->progs.cactus_deny_exec_walk :
				  k->skel->progs.cactus_deny_exec, true);
	if (!err)
		err = cactus_bpf__load(k->skel);
	cactus_bpf__destroy(k->skel);
	k->skel = NULL;
	return err;
}

/* Which BPF-LSM variant this kernel takes: sleepable with bpf_d_path
 * (5.11+), else plain with the walk; 1 loads, -1 none. */
static int probe_lsm(struct kernel *k, const struct kernel_opts *o, const struct ns_key *host)
{
	int err = -EINVAL;

	if (!lsm_listed(k))
		return -1;
	if (k->feat.d_path_lsm) {
		err = lsm_loads(k, o, host, false);
		if (!err)
			return 1;
	}
	if (!lsm_loads(k, o, host, true))
		return 1;
	snprintf(k->lsm_reason, sizeof(k->lsm_reason), "lsm programs refused: %s",
		 strerror(-err));
	return -1;
}

/* @lsm_state: 0 untried, 1 loads, -1 refused (kept across modes). */
static int try_load(struct kernel *k, const struct kernel_opts *o, const struct ns_key *host,
		    enum attach_mode mode, int *lsm_state)
{
	bool lsm;
	int err;

	if (mode == ATTACH_FENTRY || mode == ATTACH_KPROBE) {
		err = attach_sys_prefix(k);
		if (err)
			return err;
	}
	if (*lsm_state == 0)
		*lsm_state = probe_lsm(k, o, host);
	lsm = *lsm_state > 0;
	err = load_once(k, o, host, mode, lsm);
	if (err && lsm) {
		int err2 = load_once(k, o, host, mode, false);

		if (!err2) {
			*lsm_state = -1;
			lsm = false;
			snprintf(k->lsm_reason, sizeof(k->lsm_reason), "lsm programs refused: %s",
				 strerror(-err));
		}
		err = err2;
	}
	if (err)
		return err;
	if (lsm) {
		*lsm_state = 1;
		k->lsm_reason[0] = 0;
	}
	k->lsm = lsm;
	k->mode = mode;
	return 0;
}

/*
 * Cheapest first (see README "Performance"). fentry and kprobe hook the
 * traced syscalls' own functions: untraced syscalls run no BPF and, unlike
 * with any syscall tracepoint, stay off the syscall slow path; fentry's
 * trampoline is cheaper than a kprobe/kretprobe pair.
 */
static int load_auto(struct kernel *k, const struct kernel_opts *o, const struct ns_key *host)
{
	static const enum attach_mode order[] = { ATTACH_FENTRY, ATTACH_KPROBE, ATTACH_TRACEPOINT,
						  ATTACH_TP_BTF, ATTACH_RAW_TP };
	const size_t n = sizeof(order) / sizeof(order[0]);
	int err = -EINVAL, lsm_state = 0;

	for (size_t i = 0; i < n; i++) {
		/* tracepoint or tp_btf: load both, measure at attach which is cheaper */
		k->calibrate = order[i] == ATTACH_TRACEPOINT;
		err = try_load(k, o, host, order[i], &lsm_state);
		if (err && k->calibrate) {
			k->calibrate = false;
			err = try_load(k, o, host, order[i], &lsm_state);
		}
		if (!err) {
			snprintf(k->reason, sizeof(k->reason), i == 0 ?
				 "cheapest: untraced syscalls run no BPF and no slow path" :
				 order[i] == ATTACH_TRACEPOINT ?
				 "cheaper modes refused by this kernel; untraced syscalls run no BPF" :
				 "cheaper modes refused by this kernel");
			return 0;
		}
		if (i + 1 < n)
			log_warn("%s programs refused (%s), trying %s", attach_mode_name(order[i]),
				 strerror(-err), attach_mode_name(order[i + 1]));
	}
	log_err("no attach mode could be loaded: %s (run with -v for the verifier log)",
		strerror(-err));
	return err;
}

static int map_update(const struct bpf_map *map, const void *key, const void *val);

struct kernel *kernel__load(const struct kernel_opts *o)
{
	struct kernel *k = calloc(1, sizeof(*k));
	struct ns_key host;
	int err, lsm_state = 0;

	enum attach_mode mode = o->mode, pinned_mode;

	if (!k)
		return NULL;
	k->old_ring_fd = -1;
	k->gen = 1;
	features_probe(&k->feat);
	k->pin_path = o->pin_path;
	k->count_all = o->count_all;
	if (o->pin_path && !pin_read_state(o->pin_path, &k->gen, &pinned_mode)) {
		/* the same programs' mode, unless forced otherwise: no calibration
		 * while the previous agent's programs are live */
		k->adopt = true;
		k->gen++;
		if (mode == ATTACH_AUTO)
			mode = pinned_mode;
	}
	err = host_ns(&host.pid_ns, &host.mnt_ns);
	if (err)
		goto fail;
	if (mode == ATTACH_AUTO) {
		err = load_auto(k, o, &host);
	} else {
		err = try_load(k, o, &host, mode, &lsm_state);
		if (err)
			log_err("attach mode %s refused by this kernel: %s (run with -v for the "
				"verifier log)", attach_mode_name(mode), strerror(-err));
		else
			snprintf(k->reason, sizeof(k->reason), "%s", mode != o->mode ?
				 "the previous agent's, adopted" : "forced by --attach");
	}
	if (!err && !(k->adopt && k->control_reused)) {
		/* ours alone: live from the moment they attach */
		struct control live = { .gen = k->gen };
		__u32 zero = 0;

		err = map_update(k->skel->maps.control, &zero, &live);
	}
	if (!err)
		return k;
fail:
	btf__free(k->vmlinux);
	free(k);
	return NULL;
}

void kernel__free(struct kernel *k)
{
	if (!k)
		return;
	attach_detach(k);
	if (k->old_ring_fd >= 0)
		close(k->old_ring_fd);
	free(k->links);
	free(k->link_fds);
	btf__free(k->vmlinux);
	cactus_bpf__destroy(k->skel);
	free(k);
}

/* ---- maps ---- */

static int map_update(const struct bpf_map *map, const void *key, const void *val)
{
	if (bpf_map_update_elem(bpf_map__fd(map), key, val, BPF_ANY)) {
		int err = -errno;

		log_warn("cannot update map %s: %s", bpf_map__name(map), strerror(-err));
		return err;
	}
	return 0;
}

int kernel__set_syscalls(struct kernel *k, const bool *traced, const bool *kill)
{
	for (size_t i = 0; i < cactus_syscalls_count; i++) {
		const struct cactus_syscall *sc = &cactus_syscalls[i];
		struct syscall_conf conf;
		__u32 key = sc->nr;
		int err;

		cactus_syscall_conf(sc, traced[sc->nr], &conf);
		if (kill && kill[sc->nr])
			conf.flags |= SCF_ENFORCE;
		if (k->count_all)
			conf.flags |= SCF_COUNTED;
		err = map_update(k->skel->maps.syscall_conf, &key, &conf);
		if (err)
			return err;
	}
	/* io_uring ops follow their twins' syscall_conf */
	return uring_set_conf(k);
}

static int set_array(const struct bpf_map *map, const void *vals, size_t size, __u32 n)
{
	for (__u32 i = 0; i < n; i++) {
		int err = map_update(map, &i, (const char *)vals + i * size);

		if (err)
			return err;
	}
	return 0;
}

/* @dst |= @src, syscall bitmaps of CACTUS_MAX_SYSCALLS bits */
static void nrs_or(__u64 *dst, const __u64 *src)
{
	for (size_t w = 0; w < CACTUS_MAX_SYSCALLS / 64; w++)
		dst[w] |= src[w];
}

static int set_kill_nrs(struct kernel *k, const struct kill_nrs *u)
{
	__u32 zero = 0;
	int err = map_update(k->skel->maps.kill_nrs, &zero, u);

	if (!err)
		k->kill_nrs = *u;
	return err;
}

/*
 * The rules, and the union of the syscalls they name (kill_nrs: the
 * programs skip the rest of the rule work for other syscalls). While the
 * array changes the union covers both the old rules and the new, so no rule
 * in use is ever skipped; then exactly the new.
 */
/* A kill rule on a path of a file opened or executed: the BPF-LSM programs
 * enforce it too (bpf/deny.h). */
static bool kill_rule_on_path(const struct kill_rule *r)
{
	return r->used && r->str_mode != KR_STR_NONE && !r->n_ports &&
	       (cactus_syscalls_any(r->syscalls, SCF_OPEN) ||
		cactus_syscalls_any(r->syscalls, SCF_EXEC));
}

int kernel__set_kill_rules(struct kernel *k, const struct kill_rule *rules, __u32 n)
{
	struct kill_nrs now = {}, both;
	int err;

	for (__u32 i = 0; i < n; i++) {
		if (rules[i].used)
			nrs_or(now.bits, rules[i].syscalls);
		k->kill_paths |= kill_rule_on_path(&rules[i]);
	}
	both = k->kill_nrs;
	nrs_or(both.bits, now.bits);
	err = set_kill_nrs(k, &both);
	if (!err)
		err = set_array(k->skel->maps.kill_rules, rules, sizeof(*rules), n);
	/* a reload's first rule on a path: the LSM programs from now on */
	if (!err && k->attached)
		err = attach_lsm(k);
	return err ?: set_kill_nrs(k, &now);
}

int kernel__set_deny_rules(struct kernel *k, const struct deny_rule *rules, __u32 n)
{
	return set_array(k->skel->maps.deny_rules, rules, sizeof(*rules), n);
}

int kernel__add_deny_path(struct kernel *k, const char *path)
{
	struct deny_key key = {};
	__u8 one = 1;

	if (strlen(path) >= sizeof(key.path))
		return -ENAMETOOLONG;
	memcpy(key.path, path, strlen(path));
	return map_update(k->skel->maps.deny_paths, &key, &one);
}

/* Threads cache their cgroup_watch verdict in the kernel until this bumps. */
static void watch_changed(struct kernel *k)
{
	__atomic_fetch_add(&k->skel->bss->watch_gen, 1, __ATOMIC_SEQ_CST);
}

int kernel__set_watch(struct kernel *k, __u64 cg, __u8 verdict)
{
	int err;

	if (!cg)
		return 0;
	err = map_update(k->skel->maps.cgroup_watch, &cg, &verdict);
	watch_changed(k);
	return err;
}

int kernel__set_scope(struct kernel *k, __u64 cg, __u32 idx, bool on)
{
	struct scope_key sk = { .cgroup_id = cg, .idx = idx };
	__u8 one = 1;

	if (on)
		return map_update(k->skel->maps.rule_scope, &sk, &one);
	bpf_map_delete_elem(bpf_map__fd(k->skel->maps.rule_scope), &sk);
	return 0;
}

int kernel__set_file_id(struct kernel *k, const struct file_id *id, __u32 kill_mask)
{
	if (kill_mask)
		return map_update(k->skel->maps.file_ids, id, &kill_mask);
	bpf_map_delete_elem(bpf_map__fd(k->skel->maps.file_ids), id);
	return 0;
}

int kernel__set_cgroup_mask(struct kernel *k, __u64 cg, __u32 mask)
{
	return map_update(k->skel->maps.container_cgroups, &cg, &mask);
}

void kernel__take_counts(struct kernel *k, __u64 cg, struct syscall_counts *counts)
{
	int fd = bpf_map__fd(k->skel->maps.counts_by_cgroup);
	struct syscall_counts *n = malloc(sizeof(*n));

	if (n && !bpf_map_lookup_elem(fd, &cg, n)) {
		bpf_map_delete_elem(fd, &cg);
		if (counts)
			syscall_counts_add(counts, n);
	}
	free(n);
}

__u64 kernel__forget_cgroup(struct kernel *k, __u64 cg, struct syscall_counts *counts)
{
	struct cactus_bpf *skel = k->skel;
	int drops_fd = bpf_map__fd(skel->maps.drops_by_cgroup);
	__u64 drops = 0;

	kernel__take_counts(k, cg, counts);

	bpf_map_delete_elem(bpf_map__fd(skel->maps.cgroup_watch), &cg);
	watch_changed(k);
	bpf_map_delete_elem(bpf_map__fd(skel->maps.container_cgroups), &cg);
	for (__u32 i = 0; i < CACTUS_MAX_KRULES; i++) {
		kernel__set_scope(k, cg, i, false);
		kernel__set_scope(k, cg, SCOPE_DENY + i, false);
	}
	if (!bpf_map_lookup_elem(drops_fd, &cg, &drops))
		bpf_map_delete_elem(drops_fd, &cg);
	return drops;
}

void kernel__quiesce(struct kernel *k)
{
	int fd = bpf_map__fd(k->skel->maps.syscall_conf);
	struct syscall_conf off = {};

	for (__u32 nr = 0; nr < CACTUS_MAX_SYSCALLS; nr++)
		bpf_map_update_elem(fd, &nr, &off, BPF_ANY);
}

/* ---- reading ---- */

int kernel__events_fd(const struct kernel *k)
{
	return bpf_map__fd(k->skel->maps.events);
}

void kernel__stats(const struct kernel *k, __u64 *out)
{
	int ncpu = libbpf_num_possible_cpus(), fd = bpf_map__fd(k->skel->maps.stats);
	__u64 *vals = calloc(ncpu > 0 ? ncpu : 1, sizeof(__u64));

	for (__u32 s = 0; s < STAT_NSTATS; s++) {
		out[s] = 0;
		if (!vals || bpf_map_lookup_elem(fd, &s, vals))
			continue;
		for (int c = 0; c < ncpu; c++)
			out[s] += vals[c];
	}
	free(vals);
}

void syscall_counts_add(struct syscall_counts *a, const struct syscall_counts *b)
{
	for (int i = 0; i < CACTUS_COUNT_SLOTS; i++) {
		a->n[i][COUNT_OK] += b->n[i][COUNT_OK];
		a->n[i][COUNT_ERR] += b->n[i][COUNT_ERR];
	}
}

void kernel__counts_foreach(const struct kernel *k,
			    void (*fn)(void *ctx, __u64 cg, const struct syscall_counts *n),
			    void *ctx)
{
	int fd = bpf_map__fd(k->skel->maps.counts_by_cgroup);
	struct syscall_counts *n = malloc(sizeof(*n));
	__u64 key, next, *prev = NULL;

	if (!n)
		return;
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		if (!bpf_map_lookup_elem(fd, &key, n))
			fn(ctx, key, n);
	}
	free(n);
}

void kernel__drops_foreach(const struct kernel *k, void (*fn)(void *ctx, __u64 cg, __u64 n),
			   void *ctx)
{
	int fd = bpf_map__fd(k->skel->maps.drops_by_cgroup);
	__u64 key, next, *prev = NULL, n;

	while (!bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		if (!bpf_map_lookup_elem(fd, &key, &n))
			fn(ctx, key, n);
	}
}

void kernel__stale_gaps(struct kernel *k, __u64 older_than_ns,
			void (*fn)(void *ctx, __u64 cg, const struct kernel_gap *gap), void *ctx)
{
	int fd = bpf_map__fd(k->skel->maps.budgets);
	__u64 key, next, *prev = NULL, now;
	struct budget b;
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	now = (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		struct kernel_gap gap;

		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &b) || !b.lost || now - b.last_loss < older_than_ns)
			continue;
		gap = (struct kernel_gap){ .first = b.first_loss, .last = b.last_loss,
					   .lost = b.lost, .cats = b.cats, .cause = b.cause };
		/* idle since: the kernel is not touching it (a race costs the
		 * details of one gap, never the drop counts) */
		b.lost = b.cats = b.cause = 0;
		bpf_map_update_elem(fd, &key, &b, BPF_EXIST);
		__atomic_fetch_sub(&k->skel->bss->gaps_pending, 1, __ATOMIC_RELAXED);
		fn(ctx, key, &gap);
	}
}

enum attach_mode kernel__mode(const struct kernel *k)
{
	return k->mode;
}

const char *kernel__reason(const struct kernel *k)
{
	return k->reason;
}

bool kernel__lsm(const struct kernel *k)
{
	return k->lsm;
}

const char *kernel__lsm_reason(const struct kernel *k)
{
	return k->lsm_reason;
}
