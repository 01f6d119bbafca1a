// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * fentry/fexit on the traced syscalls' own functions. A tracing program is
 * bound to one function when it is loaded; loading (verifying) it once per
 * syscall would take minutes, so the skeleton loads it once and its final
 * instructions are cloned for every other function.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/btf.h>
#include <gelf.h>
#include <libelf.h>
#include "kernel/internal.h"
#include "log.h"
#include "syscalls.h"

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
int fentry_sys_func(struct kernel *k, const char *name, char *fn, size_t size)
{
	const struct cactus_syscall *sc = cactus_syscall_by_name(name);
	const char *base = sc ? cactus_syscall_fn(sc) : name;
	char alt[64];
	int id;

	snprintf(fn, size, "%s%s", k->prefix, base);
	id = btf__find_by_name_kind(k->vmlinux, fn, BTF_KIND_FUNC);
	if (id > 0 || !strcmp(k->prefix, "sys_"))
		return id;
	snprintf(alt, sizeof(alt), "__do_sys_%s", base);
	id = btf__find_by_name_kind(k->vmlinux, alt, BTF_KIND_FUNC);
	return id > 0 && takes_regs(k->vmlinux, id) ? id : -ENOENT;
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
size_t fentry_subprog_starts(const struct bpf_insn *insns, size_t n, __u32 *starts, size_t max)
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
static int subprog_type(struct kernel *k, size_t len)
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
				id = btf__find_by_name_kind(bpf_object__btf(k->skel->obj), name,
							    BTF_KIND_FUNC);
		}
	}
	elf_end(elf);
	return id;
}

static int clone_src_init(struct kernel *k, struct bpf_program *prog, struct clone_src *c)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info), n, starts[128];
	size_t ns;

	memset(c, 0, sizeof(*c));
	c->insns = bpf_program__insns(prog);
	c->cnt = bpf_program__insn_cnt(prog);
	c->btf_fd = btf__fd(bpf_object__btf(k->skel->obj));
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
	ns = fentry_subprog_starts(c->insns, c->cnt, starts, sizeof(starts) / sizeof(starts[0]));
	if (ns != n) {
		/* the verifier dropped dead subprograms (a branch cut by a
		 * rodata constant) and their func_info: find the types by name */
		struct bpf_func_info main = c->finfo[0];

		free(c->finfo);
		c->finfo = calloc(ns, sizeof(*c->finfo));
		if (!c->finfo)
			return -ENOMEM;
		c->finfo[0] = main;
		for (size_t i = 1; i < ns; i++) {
			int id = subprog_type(k, (i + 1 < ns ? starts[i + 1] : c->cnt) - starts[i]);

			if (id <= 0) {
				log_err("fentry: no BTF for subprogram %zu of %zu", i, ns);
				return -ENOENT;
			}
			c->finfo[i].type_id = id;
		}
		n = ns;
	}
	for (__u32 i = 0; i < n; i++)
		c->finfo[i].insn_off = starts[i];
	c->nfinfo = n;
	return 0;
}

static int clone_attach(struct kernel *k, const struct clone_src *c, enum bpf_attach_type type,
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
	k->link_fds[k->nlink_fds++] = lfd;
	return 0;
}

/* fentry/fexit on the sys_ function of each traced syscall. */
int fentry_attach_all(struct kernel *k, const bool *traced)
{
	struct clone_src in = {}, out = {};
	struct missing miss = {};
	char fn[64];
	int err, id;

	k->link_fds = calloc(2 * cactus_syscalls_count, sizeof(*k->link_fds));
	if (!k->link_fds)
		return -ENOMEM;
	err = clone_src_init(k, k->progs.enter[ATTACH_FENTRY], &in);
	if (!err)
		err = clone_src_init(k, k->progs.exit[ATTACH_FENTRY], &out);
	for (size_t i = 0; i < cactus_syscalls_count && !err; i++) {
		const struct cactus_syscall *sc = &cactus_syscalls[i];

		if (!traced[sc->nr])
			continue;
		id = fentry_sys_func(k, sc->name, fn, sizeof(fn));
		if (id > 0) {
			err = clone_attach(k, &in, BPF_TRACE_FENTRY, id);
			/* exit and exit_group never return: no exit to wait on */
			if (!err && !cactus_syscall_noreturn(sc))
				err = clone_attach(k, &out, BPF_TRACE_FEXIT, id);
		}
		if (id <= 0 || err == -ENOENT) {
			/* not every kernel has every syscall */
			missing_add(&miss, sc->name);
			err = 0;
		} else if (err) {
			log_err("cannot attach fentry to %s: %s", fn, strerror(-err));
		}
	}
	if (!err && miss.len)
		log_warn("this kernel has no %s* function for:%s (not traced)", k->prefix,
			 miss.names);
	free(in.finfo);
	free(out.finfo);
	return err;
}
