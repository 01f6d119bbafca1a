// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <gelf.h>
#include <libelf.h>
#include "attach.h"
#include "calibrate.h"
#include "cactus.skel.h"
#include "log.h"
#include "syscalls.h"

struct attach {
	struct cactus_bpf *skel;
	enum attach_mode mode;
	char reason[160];
	struct bpf_link **links;   /* tracepoint, kprobe: two per syscall */
	size_t nlinks;
	int *link_fds;             /* fentry: bpf_link_create()d, two per syscall */
	size_t nlink_fds;
	struct btf *vmlinux;       /* fentry, kprobe: the sys_ functions */
	char prefix[16];           /* their arch prefix: "__x64_sys_" */
	bool calibrate;            /* auto: tracepoint and tp_btf both loaded, */
				   /* the cheaper one chosen at attach (calibrate.c) */
	/* BPF-LSM deny programs */
	bool lsm;
	char lsm_reason[160];
	struct bpf_link *lsm_links[2];
};

static const char *const mode_names[ATTACH_NMODES] = {
	[ATTACH_AUTO] = "auto",
	[ATTACH_TRACEPOINT] = "tracepoint",
	[ATTACH_TP_BTF] = "tp_btf",
	[ATTACH_RAW_TP] = "raw_tp",
	[ATTACH_FENTRY] = "fentry",
	[ATTACH_KPROBE] = "kprobe",
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

bool attach__lsm(const struct attach *a)
{
	return a->lsm;
}

const char *attach__lsm_reason(const struct attach *a)
{
	return a->lsm_reason;
}

static void set_autoload(struct cactus_bpf *skel, enum attach_mode mode, bool calibrate)
{
	bool btf = mode == ATTACH_TP_BTF || (calibrate && mode == ATTACH_TRACEPOINT);

	bpf_program__set_autoload(skel->progs.cactus_enter_tp, mode == ATTACH_TRACEPOINT);
	bpf_program__set_autoload(skel->progs.cactus_exit_tp, mode == ATTACH_TRACEPOINT);
	bpf_program__set_autoload(skel->progs.cactus_enter_btf, btf);
	bpf_program__set_autoload(skel->progs.cactus_exit_btf, btf);
	bpf_program__set_autoload(skel->progs.cactus_enter_raw, mode == ATTACH_RAW_TP);
	bpf_program__set_autoload(skel->progs.cactus_exit_raw, mode == ATTACH_RAW_TP);
	bpf_program__set_autoload(skel->progs.cactus_enter_fentry, mode == ATTACH_FENTRY);
	bpf_program__set_autoload(skel->progs.cactus_exit_fexit, mode == ATTACH_FENTRY);
	bpf_program__set_autoload(skel->progs.cactus_enter_kp, mode == ATTACH_KPROBE);
	bpf_program__set_autoload(skel->progs.cactus_exit_kp, mode == ATTACH_KPROBE);
	/* the per-thread stash: task storage for the tracepoint flavours, the
	 * LRU hash for fentry/kprobe (bpf/maps.h); the unused one is not made
	 * or shrunk to one entry */
	bool tls = mode != ATTACH_FENTRY && mode != ATTACH_KPROBE;

	bpf_map__set_autocreate(skel->maps.stash_tls, tls);
	if (tls)
		bpf_map__set_max_entries(skel->maps.stash, 1);
}

/*
 * The per-syscall functions: <prefix><name>, the prefix found in BTF from
 * openat's (x86 __x64_sys_, arm64 __arm64_sys_, ...; sys_ without wrappers).
 */
static int find_sys_prefix(struct attach *a)
{
	static const char *const prefixes[] = {
		"__x64_sys_", "__arm64_sys_", "__s390x_sys_", "__riscv_sys_", "sys_",
	};
	char fn[64];
	int err;

	if (!a->vmlinux) {
		a->vmlinux = btf__load_vmlinux_btf();
		err = libbpf_get_error(a->vmlinux);
		if (err) {
			a->vmlinux = NULL;
			return err;
		}
	}
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		snprintf(fn, sizeof(fn), "%sopenat", prefixes[i]);
		if (btf__find_by_name_kind(a->vmlinux, fn, BTF_KIND_FUNC) > 0) {
			snprintf(a->prefix, sizeof(a->prefix), "%s", prefixes[i]);
			/* the programs read the arguments from a pt_regs argument:
			 * plain sys_ functions take them as C arguments */
			return strcmp(prefixes[i], "sys_") ? 0 : -EOPNOTSUPP;
		}
	}
	return -ENOENT;
}

/* Tracepoints and sys_ functions are named after SYSCALL_DEFINE, not __NR_*. */
static const char *tp_name(const char *name);

/* The function takes one argument, a (const) struct pt_regs pointer. */
static bool takes_regs(const struct btf *btf, int id)
{
	const struct btf_type *t = btf__type_by_id(btf, btf__type_by_id(btf, id)->type);
	const struct btf_param *p;

	if (!t || !btf_is_func_proto(t) || btf_vlen(t) != 1)
		return false;
	p = btf_params(t);
	t = btf__type_by_id(btf, p->type);
	if (!t || !btf_is_ptr(t))
		return false;
	t = btf__type_by_id(btf, btf__resolve_type(btf, t->type));
	return t && btf_is_struct(t) && !strcmp(btf__name_by_offset(btf, t->name_off), "pt_regs");
}

/*
 * BTF id of the function that runs syscall @name (for fentry), or -ENOENT;
 * @fn gets the name kprobes use (<prefix><name>, in kallsyms). They differ
 * for syscalls without arguments: x86's SYSCALL_DEFINE0 makes __x64_sys_fork
 * an alias of __do_sys_fork, and BTF has no entry for aliases, only for
 * __do_sys_fork (same code, same pt_regs argument).
 */
static int sys_func(struct attach *a, const char *name, char *fn, size_t size)
{
	char alt[64];
	int id;

	snprintf(fn, size, "%s%s", a->prefix, tp_name(name));
	id = btf__find_by_name_kind(a->vmlinux, fn, BTF_KIND_FUNC);
	if (id > 0 || !strcmp(a->prefix, "sys_"))
		return id;
	snprintf(alt, sizeof(alt), "__do_sys_%s", tp_name(name));
	id = btf__find_by_name_kind(a->vmlinux, alt, BTF_KIND_FUNC);
	return id > 0 && takes_regs(a->vmlinux, id) ? id : -ENOENT;
}

/*
 * BPF-LSM: only where `bpf` is in the kernel's LSM list, and only if the
 * programs then load (tried with the attach programs, retried without).
 */
static bool lsm_listed(struct attach *a)
{
	char list[256] = "";
	FILE *f = fopen("/sys/kernel/security/lsm", "r");
	bool ok = false;

	if (!f) {
		snprintf(a->lsm_reason, sizeof(a->lsm_reason), "/sys/kernel/security/lsm: %s",
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
		snprintf(a->lsm_reason, sizeof(a->lsm_reason), "no bpf in the kernel's LSM list");
	return ok;
}

static void unload(struct attach *a)
{
	cactus_bpf__destroy(a->skel);
	a->skel = NULL;
}

/* kprobe programs load on kernels without kprobes: only attaching tells. */
static int probe_kprobe(struct attach *a)
{
	char fn[64];
	struct bpf_link *l;
	int err;

	snprintf(fn, sizeof(fn), "%sopenat", a->prefix);
	l = bpf_program__attach_kprobe(a->skel->progs.cactus_enter_kp, false, fn);
	err = libbpf_get_error(l);
	if (!err)
		l = bpf_program__attach_kprobe(a->skel->progs.cactus_exit_kp, true, fn);
	if (!err && (err = libbpf_get_error(l)))
		l = NULL;
	bpf_link__destroy(l);
	return err;
}

static int load_once(struct attach *a, enum attach_mode mode, bool lsm,
		     int (*setup)(struct cactus_bpf *, void *), void *ctx)
{
	char fn[64];
	int err;

	a->skel = cactus_bpf__open();
	if (!a->skel)
		return -errno;
	set_autoload(a->skel, mode, a->calibrate);
	bpf_program__set_autoload(a->skel->progs.cactus_deny_open, lsm);
	bpf_program__set_autoload(a->skel->progs.cactus_deny_exec, lsm);
	err = setup(a->skel, ctx);
	if (!err && mode == ATTACH_FENTRY) {
		/* loaded (verified) once against openat (the function the prefix
		 * was found by), cloned per syscall at attach */
		snprintf(fn, sizeof(fn), "%sopenat", a->prefix);
		err = bpf_program__set_attach_target(a->skel->progs.cactus_enter_fentry, 0, fn);
		if (!err)
			err = bpf_program__set_attach_target(a->skel->progs.cactus_exit_fexit, 0,
							     fn);
	}
	if (!err)
		err = cactus_bpf__load(a->skel);
	if (!err && mode == ATTACH_KPROBE)
		err = probe_kprobe(a);
	if (err)
		unload(a);
	return err;
}

static int try_load(struct attach *a, enum attach_mode mode,
		    int (*setup)(struct cactus_bpf *, void *), void *ctx)
{
	static int lsm_state; /* 0 untried, 1 loads, -1 refused */
	bool lsm;
	int err;

	if (mode == ATTACH_FENTRY || mode == ATTACH_KPROBE) {
		err = find_sys_prefix(a);
		if (err)
			return err;
	}
	lsm = lsm_state >= 0 && lsm_listed(a);
	err = load_once(a, mode, lsm, setup, ctx);
	if (err && lsm) {
		int err2 = load_once(a, mode, false, setup, ctx);

		if (!err2) {
			lsm_state = -1;
			lsm = false;
			snprintf(a->lsm_reason, sizeof(a->lsm_reason), "lsm programs refused: %s",
				 strerror(-err));
		}
		err = err2;
	}
	if (err)
		return err;
	if (lsm) {
		lsm_state = 1;
		a->lsm_reason[0] = 0;
	}
	a->lsm = lsm;
	a->mode = mode;
	return 0;
}

struct attach *attach__load(enum attach_mode mode, int (*setup)(struct cactus_bpf *, void *),
			    void *ctx)
{
	/*
	 * Cheapest first (see README "Performance"). fentry and kprobe hook the
	 * traced syscalls' own functions: untraced syscalls run no BPF and, unlike
	 * with any syscall tracepoint, stay off the syscall slow path; fentry's
	 * trampoline is cheaper than a kprobe/kretprobe pair.
	 */
	static const enum attach_mode order[] = { ATTACH_FENTRY, ATTACH_KPROBE, ATTACH_TRACEPOINT,
						  ATTACH_TP_BTF, ATTACH_RAW_TP };
	struct attach *a = calloc(1, sizeof(*a));
	int err = -EINVAL;

	if (!a)
		return NULL;
	a->lsm_reason[0] = 0;
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
		/* tracepoint or tp_btf: load both, measure at attach which is cheaper */
		a->calibrate = order[i] == ATTACH_TRACEPOINT;
		err = try_load(a, order[i], setup, ctx);
		if (err && a->calibrate) {
			a->calibrate = false;
			err = try_load(a, order[i], setup, ctx);
		}
		if (!err) {
			snprintf(a->reason, sizeof(a->reason), i == 0 ?
				 "cheapest: untraced syscalls run no BPF and no slow path" :
				 order[i] == ATTACH_TRACEPOINT ?
				 "cheaper modes refused by this kernel; untraced syscalls run no BPF" :
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
	btf__free(a->vmlinux);
	free(a);
	return NULL;
}

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
		if (!err && !cactus_syscall_noreturn(sc))
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

/*
 * fentry/fexit programs are bound to one function when they are loaded. The
 * skeleton loads (verifies) them once against openat; for each traced syscall
 * its final instructions (CO-RE relocated, map fds embedded) are loaded again
 * against that syscall's function and linked. The kernel needs func_info for
 * the bpf_loop callbacks: the type ids come from the loaded program, the
 * subprogram starts from the call/callback targets of the instructions.
 */
struct clone_src {
	const struct bpf_insn *insns;
	size_t cnt;
	struct bpf_func_info *finfo;
	__u32 nfinfo;
	int btf_fd;
};

/* Subprogram starts (0 first, ascending, unique) into @starts; the count. */
static size_t subprog_starts(const struct bpf_insn *insns, size_t n, __u32 *starts, size_t max)
{
	size_t k = 1;

	starts[0] = 0;
	for (size_t i = 0; i < n; i++) {
		const struct bpf_insn *in = &insns[i];
		bool ld64 = in->code == (BPF_LD | BPF_IMM | BPF_DW);
		long t = -1;

		if ((in->code == (BPF_JMP | BPF_CALL) && in->src_reg == BPF_PSEUDO_CALL) ||
		    (ld64 && in->src_reg == BPF_PSEUDO_FUNC))
			t = (long)i + in->imm + 1;
		if (ld64)
			i++;
		if (t <= 0 || (size_t)t >= n)
			continue;
		size_t j = 0;

		while (j < k && starts[j] < t)
			j++;
		if (j < k && starts[j] == t)
			continue;
		if (k == max)
			return 0;
		memmove(&starts[j + 1], &starts[j], (k - j) * sizeof(*starts));
		starts[j] = t;
		k++;
	}
	return k;
}

/*
 * The object BTF's FUNC type of the .text subprogram (static function) that
 * is @len instructions long, from the ELF symbols of the object the skeleton
 * embeds (libbpf keeps subprogram names to itself). Same-length subprograms
 * are interchangeable here: the kernel only needs a static FUNC per
 * subprogram (bpf_loop callbacks must be static).
 */
static int subprog_type(struct attach *a, size_t len)
{
	size_t sz = 0;
	const void *bytes = cactus_bpf__elf_bytes(&sz);
	Elf *elf;
	Elf_Scn *scn = NULL;
	int id = -ENOENT;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return -EINVAL;
	elf = elf_memory((char *)bytes, sz);
	if (!elf)
		return -EINVAL;
	while (id <= 0 && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB || !(d = elf_getdata(scn, 0)))
			continue;
		for (size_t i = 0; i < sh.sh_size / sh.sh_entsize && id <= 0; i++) {
			GElf_Sym sym;
			Elf_Scn *ts;
			GElf_Shdr th;
			GElf_Ehdr eh;
			const char *name, *sec;

			if (!gelf_getsym(d, i, &sym) || GELF_ST_TYPE(sym.st_info) != STT_FUNC ||
			    sym.st_size != len * sizeof(struct bpf_insn))
				continue;
			ts = elf_getscn(elf, sym.st_shndx);
			if (!ts || !gelf_getshdr(ts, &th))
				continue;
			sec = gelf_getehdr(elf, &eh) ? elf_strptr(elf, eh.e_shstrndx, th.sh_name) : NULL;
			if (!sec || strcmp(sec, ".text"))
				continue;
			name = elf_strptr(elf, sh.sh_link, sym.st_name);
			if (name)
				id = btf__find_by_name_kind(bpf_object__btf(a->skel->obj), name,
							    BTF_KIND_FUNC);
		}
	}
	elf_end(elf);
	return id;
}

static int clone_src_init(struct attach *a, struct bpf_program *prog, struct clone_src *c)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info), n, starts[128];
	size_t k;

	memset(c, 0, sizeof(*c));
	c->insns = bpf_program__insns(prog);
	c->cnt = bpf_program__insn_cnt(prog);
	c->btf_fd = btf__fd(bpf_object__btf(a->skel->obj));
	if (bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len))
		return -errno;
	n = info.nr_func_info;
	if (!n)
		return 0;
	c->finfo = calloc(n, sizeof(*c->finfo));
	if (!c->finfo)
		return -ENOMEM;
	memset(&info, 0, sizeof(info));
	info.nr_func_info = n;
	info.func_info_rec_size = sizeof(*c->finfo);
	info.func_info = (__u64)(unsigned long)c->finfo;
	len = sizeof(info);
	if (bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len))
		return -errno;
	k = subprog_starts(c->insns, c->cnt, starts, sizeof(starts) / sizeof(starts[0]));
	if (k != n) {
		/* the verifier dropped dead subprograms (a branch cut by a
		 * rodata constant) and their func_info: find the types by name */
		struct bpf_func_info main = c->finfo[0];

		free(c->finfo);
		c->finfo = calloc(k, sizeof(*c->finfo));
		if (!c->finfo)
			return -ENOMEM;
		c->finfo[0] = main;
		for (size_t i = 1; i < k; i++) {
			int id = subprog_type(a, (i + 1 < k ? starts[i + 1] : c->cnt) - starts[i]);

			if (id <= 0) {
				log_err("fentry: no BTF for subprogram %zu of %zu", i, k);
				return -ENOENT;
			}
			c->finfo[i].type_id = id;
		}
		n = k;
	}
	for (__u32 i = 0; i < n; i++)
		c->finfo[i].insn_off = starts[i];
	c->nfinfo = n;
	return 0;
}

static int clone_attach(struct attach *a, const struct clone_src *c, enum bpf_attach_type type,
			int btf_id)
{
	LIBBPF_OPTS(bpf_prog_load_opts, opts,
		.expected_attach_type = type,
		.attach_btf_id = btf_id,
		.prog_btf_fd = c->nfinfo ? c->btf_fd : 0,
		.func_info = c->nfinfo ? c->finfo : NULL,
		.func_info_cnt = c->nfinfo,
		.func_info_rec_size = c->nfinfo ? sizeof(*c->finfo) : 0,
	);
	int fd, lfd;

	fd = bpf_prog_load(BPF_PROG_TYPE_TRACING,
			   type == BPF_TRACE_FENTRY ? "cactus_fentry" : "cactus_fexit",
			   "Dual BSD/GPL", c->insns, c->cnt, &opts);
	if (fd < 0) {
		/* again with the verifier log, to say why */
		static char vlog[1 << 16];
		size_t len;
		int err = -errno;

		opts.log_buf = vlog;
		opts.log_size = sizeof(vlog);
		opts.log_level = 1;
		vlog[0] = 0;
		fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "cactus_clone", "Dual BSD/GPL", c->insns,
				   c->cnt, &opts);
		if (fd >= 0)
			close(fd);
		len = strlen(vlog);
		log_err("fentry: cloned program refused (%s); verifier log tail:\n%s", strerror(-err),
			vlog + (len > 1500 ? len - 1500 : 0));
		return err;
	}
	lfd = bpf_link_create(fd, 0, type, NULL);
	close(fd); /* the link holds the program */
	if (lfd < 0)
		return -errno;
	a->link_fds[a->nlink_fds++] = lfd;
	return 0;
}

static int attach_kprobe(struct attach *a, struct bpf_program *prog, bool ret, const char *fn)
{
	struct bpf_link *l = bpf_program__attach_kprobe(prog, ret, fn);
	int err = libbpf_get_error(l);

	if (err)
		return err;
	a->links[a->nlinks++] = l;
	return 0;
}

/* fentry or kprobe on the sys_ function of each traced syscall. */
static int attach_sys_funcs(struct attach *a, const bool *traced)
{
	bool fentry = a->mode == ATTACH_FENTRY;
	struct clone_src in = {}, out = {};
	char missing[512] = "", fn[64];
	size_t mlen = 0;
	int err = 0, id;

	a->links = calloc(2 * cactus_syscalls_count, sizeof(*a->links));
	a->link_fds = calloc(2 * cactus_syscalls_count, sizeof(*a->link_fds));
	if (!a->links || !a->link_fds)
		return -ENOMEM;
	if (fentry) {
		err = clone_src_init(a, a->skel->progs.cactus_enter_fentry, &in);
		if (!err)
			err = clone_src_init(a, a->skel->progs.cactus_exit_fexit, &out);
		if (err)
			goto out;
	}
	for (size_t i = 0; i < cactus_syscalls_count; i++) {
		const struct cactus_syscall *sc = &cactus_syscalls[i];

		if (!traced[sc->nr])
			continue;
		id = sys_func(a, sc->name, fn, sizeof(fn));
		if (id > 0 && fentry) {
			err = clone_attach(a, &in, BPF_TRACE_FENTRY, id);
			/* exit and exit_group never return: no exit to wait on */
			if (!err && !cactus_syscall_noreturn(sc))
				err = clone_attach(a, &out, BPF_TRACE_FEXIT, id);
		} else if (id > 0) {
			err = attach_kprobe(a, a->skel->progs.cactus_enter_kp, false, fn);
			if (!err && !cactus_syscall_noreturn(sc))
				err = attach_kprobe(a, a->skel->progs.cactus_exit_kp, true, fn);
		}
		if (id <= 0 || err == -ENOENT) {
			/* not every kernel has every syscall */
			if (mlen < sizeof(missing) - 32)
				mlen += snprintf(missing + mlen, sizeof(missing) - mlen, " %s",
						 sc->name);
			err = 0;
			continue;
		}
		if (err) {
			log_err("cannot attach %s to %s: %s", attach_mode_name(a->mode), fn,
				strerror(-err));
			goto out;
		}
	}
	if (mlen)
		log_warn("this kernel has no %s* function for:%s (not traced)", a->prefix, missing);
out:
	free(in.finfo);
	free(out.finfo);
	return err;
}

/* The deny programs run on every open and exec of the system: attached only
 * when deny_paths has an entry (fill it before attach__attach). */
static int attach_lsm(struct attach *a)
{
	char key[256]; /* struct deny_key of bpf/maps.h */
	struct bpf_link *l;

	if (!a->lsm || bpf_map_get_next_key(bpf_map__fd(a->skel->maps.deny_paths), NULL, key))
		return 0;
	l = bpf_program__attach_lsm(a->skel->progs.cactus_deny_open);
	if (libbpf_get_error(l))
		return libbpf_get_error(l);
	a->lsm_links[0] = l;
	l = bpf_program__attach_lsm(a->skel->progs.cactus_deny_exec);
	if (libbpf_get_error(l))
		return libbpf_get_error(l);
	a->lsm_links[1] = l;
	return 0;
}

static int attach_btf(struct attach *a)
{
	a->links = calloc(2, sizeof(*a->links));
	if (!a->links)
		return -ENOMEM;
	a->links[0] = bpf_program__attach(a->skel->progs.cactus_enter_btf);
	if (!a->links[0])
		return -errno;
	a->nlinks = 1;
	a->links[1] = bpf_program__attach(a->skel->progs.cactus_exit_btf);
	if (!a->links[1])
		return -errno;
	a->nlinks = 2;
	return 0;
}

int attach__attach(struct attach *a, const bool *traced)
{
	int err = attach_lsm(a);

	if (err) {
		log_err("cannot attach the BPF-LSM deny programs: %s", strerror(-err));
		return err;
	}
	if (a->calibrate) {
		a->mode = calibrate_mode(a->skel, traced, a->reason, sizeof(a->reason));
		a->calibrate = false;
	}
	switch (a->mode) {
	case ATTACH_TRACEPOINT:
		return attach_tracepoints(a, traced);
	case ATTACH_TP_BTF:
		/* only the dispatcher: the tracepoint programs may be loaded too */
		return attach_btf(a);
	case ATTACH_FENTRY:
	case ATTACH_KPROBE:
		return attach_sys_funcs(a, traced);
	default:
		return cactus_bpf__attach(a->skel);
	}
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

void attach__detach(struct attach *a)
{
	if (!a)
		return;
	destroy_links_async(a->links, a->nlinks, a->link_fds, a->nlink_fds);
	a->nlinks = 0;
	a->nlink_fds = 0;
	for (int i = 0; i < 2; i++) {
		bpf_link__destroy(a->lsm_links[i]);
		a->lsm_links[i] = NULL;
	}
	cactus_bpf__detach(a->skel);
}

void attach__free(struct attach *a)
{
	if (!a)
		return;
	attach__detach(a);
	free(a->links);
	free(a->link_fds);
	btf__free(a->vmlinux);
	cactus_bpf__destroy(a->skel);
	free(a);
}
