// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The process table (procs.h): an open-addressing hash by host pid, each
 * entry a copy of what the kernel said at fork and exec. Executable paths
 * are interned with a reference count: most processes of a node run a few
 * dozen programs, and an ancestor's exe is then a pointer, not a copy.
 * On the hot path (every syscall record) only procs__get() runs: one probe.
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "event/record.h"
#include "procfs/procfs.h"
#include "procs/procs.h"

_Static_assert(PROCFS_COMM_LEN == CACTUS_COMM_LEN, "a /proc comm is a record's");

/* ---- interned strings ---- */

struct istr {
	struct istr *next;
	uint32_t refs;
	uint32_t hash;
	char s[];
};

#define ISTR_BUCKETS 4096

static struct istr *istr_of(const char *s)
{
	return (struct istr *)(s - offsetof(struct istr, s));
}

static uint32_t str_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* ---- the table ---- */

struct ent {
	uint32_t pid;            /* 0: never used */
	bool live;               /* false: free or deleted (probing goes on) */
	uint64_t cgroup_id;
	struct proc p;
};

struct procs {
	struct ent *tab;
	size_t cap;              /* power of 2, > 2 * max */
	size_t live, dead;       /* live entries; deleted slots not reused yet */
	size_t max;
	struct istr *istr[ISTR_BUCKETS];
};

/* "" stays a literal: never counted */
static const char *intern(struct procs *p, const char *s)
{
	uint32_t h;
	struct istr **b, *i;
	size_t n;

	if (!s || !*s)
		return "";
	h = str_hash(s);
	b = &p->istr[h % ISTR_BUCKETS];
	for (i = *b; i; i = i->next) {
		if (i->hash == h && !strcmp(i->s, s)) {
			i->refs++;
			return i->s;
		}
	}
	n = strlen(s);
	i = malloc(sizeof(*i) + n + 1);
	if (!i)
		return "";
	i->refs = 1;
	i->hash = h;
	memcpy(i->s, s, n + 1);
	i->next = *b;
	*b = i;
	return i->s;
}

static void ref(const char *s)
{
	if (*s)
		istr_of(s)->refs++;
}

static void unref(struct procs *p, const char *s)
{
	struct istr *i, **b;

	if (!s || !*s)
		return;
	i = istr_of(s);
	if (--i->refs)
		return;
	for (b = &p->istr[i->hash % ISTR_BUCKETS]; *b != i; b = &(*b)->next)
		;
	*b = i->next;
	free(i);
}

static void ident_put(struct procs *p, struct proc_ident *id)
{
	unref(p, id->exe);
	id->exe = "";
}

static void ident_copy(struct proc_ident *dst, const struct proc_ident *src)
{
	*dst = *src;
	ref(dst->exe);
}

static void proc_put(struct procs *p, struct proc *pr)
{
	ident_put(p, &pr->self);
	for (int i = 0; i < pr->n_anc; i++)
		ident_put(p, &pr->anc[i]);
	pr->n_anc = 0;
}

/* *@out = a counted copy of @from (the table may move @from when it adds an
 * entry); proc_put() releases it. */
static void proc_copy(struct proc *out, const struct proc *from)
{
	*out = *from;
	ref(out->self.exe);
	for (int i = 0; i < out->n_anc; i++)
		ref(out->anc[i].exe);
}

static size_t slot_of(uint32_t pid, size_t cap)
{
	return (pid * 2654435761u) & (cap - 1);
}

struct procs *procs__new(size_t max)
{
	struct procs *p = calloc(1, sizeof(*p));
	size_t cap = 64;

	if (!p)
		return NULL;
	p->max = max ? max : 65536;
	while (cap < 2 * p->max)
		cap <<= 1;
	p->tab = calloc(cap, sizeof(*p->tab));
	if (!p->tab) {
		free(p);
		return NULL;
	}
	p->cap = cap;
	return p;
}

void procs__free(struct procs *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->cap; i++) {
		if (p->tab[i].live)
			proc_put(p, &p->tab[i].p);
	}
	free(p->tab);
	free(p);
}

static struct ent *find(struct procs *p, uint32_t pid)
{
	for (size_t i = slot_of(pid, p->cap), n = 0; n < p->cap; i = (i + 1) & (p->cap - 1), n++) {
		struct ent *e = &p->tab[i];

		if (!e->pid)
			return NULL;
		if (e->live && e->pid == pid)
			return e;
	}
	return NULL;
}

static void del(struct procs *p, struct ent *e)
{
	proc_put(p, &e->p);
	e->live = false;
	p->live--;
	p->dead++;
}

/* Rebuilds the table without its deleted slots. */
static void rehash(struct procs *p)
{
	struct ent *old = p->tab;
	struct ent *tab = calloc(p->cap, sizeof(*tab));

	if (!tab)
		return;
	for (size_t i = 0; i < p->cap; i++) {
		size_t j;

		if (!old[i].live)
			continue;
		for (j = slot_of(old[i].pid, p->cap); tab[j].pid; j = (j + 1) & (p->cap - 1))
			;
		tab[j] = old[i];
	}
	free(old);
	p->tab = tab;
	p->dead = 0;
}

/* The live entry of @pid, made (empty) if missing; NULL when full. */
static struct ent *get_or_add(struct procs *p, uint32_t pid)
{
	struct ent *e = find(p, pid);
	size_t i;

	if (e)
		return e;
	if (p->live >= p->max)
		return NULL;
	if (p->live + p->dead + 1 > p->cap / 2)
		rehash(p);
	for (i = slot_of(pid, p->cap); p->tab[i].live; i = (i + 1) & (p->cap - 1))
		;
	e = &p->tab[i];
	if (e->pid)
		p->dead--; /* a deleted slot reused */
	memset(e, 0, sizeof(*e));
	e->pid = pid;
	e->live = true;
	e->p.self.exe = "";
	p->live++;
	return e;
}

const struct proc *procs__get(struct procs *p, uint32_t host_pid)
{
	struct ent *e = find(p, host_pid);

	return e ? &e->p : NULL;
}

/* "pts/3", "tty1", else "major:minor" of a kernel dev_t (major << 20 | minor). */
static void tty_name(uint32_t dev, char *buf, size_t len)
{
	unsigned major = dev >> 20, minor = dev & 0xfffff;

	buf[0] = 0;
	if (!dev)
		return;
	if (major >= 136 && major <= 143)
		snprintf(buf, len, "pts/%u", (major - 136) * 256 + minor);
	else if (major == 4 && minor < 64)
		snprintf(buf, len, "tty%u", minor);
	else if (major == 5 && minor == 0)
		snprintf(buf, len, "tty");
	else if (major == 5 && minor == 1)
		snprintf(buf, len, "console");
	else
		snprintf(buf, len, "%u:%u", major, minor);
}

static void set_tty(struct proc *pr, uint32_t dev)
{
	pr->tty = dev != 0;
	tty_name(dev, pr->tty_name, sizeof(pr->tty_name));
}

/* @pr's ancestors: @parent and its own (the chain stops at PROC_ANCESTORS). */
static void set_ancestors(struct procs *p, struct proc *pr, const struct proc *parent)
{
	for (int i = 0; i < pr->n_anc; i++)
		ident_put(p, &pr->anc[i]);
	pr->n_anc = 0;
	if (!parent)
		return;
	ident_copy(&pr->anc[0], &parent->self);
	pr->n_anc = 1;
	for (int i = 0; i < parent->n_anc && pr->n_anc < PROC_ANCESTORS; i++)
		ident_copy(&pr->anc[pr->n_anc++], &parent->anc[i]);
}

static void on_fork(struct procs *p, const struct cactus_event *e)
{
	struct ent *pe = find(p, e->host_ppid);
	struct ent *ce;
	struct proc parent;

	/* the parent's entry may move when the child's is added: a copy */
	if (pe)
		proc_copy(&parent, &pe->p);
	ce = get_or_add(p, e->host_pid);
	if (ce) {
		proc_put(p, &ce->p);
		ce->cgroup_id = e->cgroup_id;
		if (pe) {
			ident_copy(&ce->p.self, &parent.self);
			ce->p.self.flags = 0; /* the runtime started the parent, not it */
		} else {
			ce->p.self.exe = "";
		}
		memcpy(ce->p.self.comm, e->comm, sizeof(ce->p.self.comm));
		ce->p.self.comm[sizeof(ce->p.self.comm) - 1] = 0;
		ce->p.self.host_pid = e->host_pid;
		set_ancestors(p, &ce->p, pe ? &parent : NULL);
		set_tty(&ce->p, (uint32_t)e->args[PROC_ARG_TTY]);
		ce->p.start_boot_ns = (int64_t)e->ts_boot_ns;
	}
	if (pe)
		proc_put(p, &parent);
}

static void on_exec(struct procs *p, const struct cactus_event *e)
{
	struct ent *en = find(p, e->host_pid);
	const char *exe = event_str(e, STR_PATH);
	uint8_t keep;

	if (!en) {
		/* forked before cactus saw it: its parent, if known, is still it */
		const struct ent *pe = find(p, e->host_ppid);
		struct proc parent = { .n_anc = 0 };

		if (pe)
			proc_copy(&parent, &pe->p);
		en = get_or_add(p, e->host_pid);
		if (en) {
			en->p.start_boot_ns = (int64_t)e->ts_boot_ns;
			set_ancestors(p, &en->p, pe ? &parent : NULL);
		}
		if (pe)
			proc_put(p, &parent);
		if (!en)
			return;
	}
	/* an entrypoint that execs again (`exec server`) is still the entrypoint */
	keep = en->p.self.flags & (PROC_ENTRYPOINT | PROC_EXEC_SESSION);
	unref(p, en->p.self.exe);
	en->p.self.exe = intern(p, exe ? exe : "");
	en->p.self.flags = keep | (uint8_t)e->args[PROC_ARG_FLAGS];
	en->p.self.host_pid = e->host_pid;
	memcpy(en->p.self.comm, e->comm, sizeof(en->p.self.comm));
	en->p.self.comm[sizeof(en->p.self.comm) - 1] = 0;
	en->cgroup_id = e->cgroup_id;
	set_tty(&en->p, (uint32_t)e->args[PROC_ARG_TTY]);
}

void procs__record(struct procs *p, const struct cactus_event *e)
{
	struct ent *en;

	switch (e->type) {
	case REC_PROC_FORK:
		on_fork(p, e);
		break;
	case REC_PROC_EXEC:
		on_exec(p, e);
		break;
	case REC_PROC_EXIT:
		en = find(p, e->host_pid);
		if (en)
			del(p, en);
		break;
	}
}

void procs__forget_cgroup(struct procs *p, uint64_t cgroup_id)
{
	for (size_t i = 0; i < p->cap; i++) {
		if (p->tab[i].live && p->tab[i].cgroup_id == cgroup_id)
			del(p, &p->tab[i]);
	}
}

/* ---- processes that predate cactus: /proc, once ---- */

struct scanned {
	uint32_t pid;
	struct procfs_stat st;
	char exe[PATH_MAX];
};

struct scan {
	const char *proc_root;
	bool (*in_container)(uint32_t pid, void *ctx);
	void *ctx;
	struct scanned *v;
	size_t n, cap;
};

static int scan_one(int pid, void *ctx)
{
	struct scan *sc = ctx;
	struct scanned *s;

	if (!sc->in_container((uint32_t)pid, sc->ctx))
		return 0;
	if (sc->n == sc->cap) {
		struct scanned *nv = realloc(sc->v, (sc->cap ? 2 * sc->cap : 64) * sizeof(*nv));

		if (!nv)
			return 1; /* out of memory: keep those read so far */
		sc->v = nv;
		sc->cap = sc->cap ? 2 * sc->cap : 64;
	}
	s = &sc->v[sc->n];
	/* a line without starttime cannot be placed among its parents */
	if (procfs_stat(sc->proc_root, pid, &s->st) || s->st.fields < 22)
		return 0;
	s->pid = (uint32_t)pid;
	if (procfs_exe(sc->proc_root, pid, s->exe, sizeof(s->exe)))
		s->exe[0] = 0;
	sc->n++;
	return 0;
}

static int by_start(const void *a, const void *b)
{
	const struct scanned *x = a, *y = b;

	return x->st.start < y->st.start ? -1 : x->st.start > y->st.start;
}

/* glibc's tty_nr: major in bits 8-15, minor in 0-7 and 20-31; the kernel's
 * dev_t: major << 20 | minor. */
static uint32_t tty_dev(uint32_t nr)
{
	return nr ? (((nr >> 8) & 0xfff) << 20) | (nr & 0xff) | ((nr >> 12) & 0xfff00) : 0;
}

int procs__scan_proc(struct procs *p, const char *proc_root,
		     bool (*in_container)(uint32_t pid, void *ctx), void *ctx)
{
	struct scan sc = { .proc_root = proc_root, .in_container = in_container, .ctx = ctx };
	int err = procfs_each_pid(proc_root, scan_one, &sc);

	if (err < 0)
		return err;
	/* parents first: a child's ancestors are its parent's entry */
	qsort(sc.v, sc.n, sizeof(*sc.v), by_start);
	for (size_t i = 0; i < sc.n; i++) {
		const struct scanned *s = &sc.v[i];
		struct ent *pe, *en;
		struct proc parent = { .n_anc = 0 };

		if (find(p, s->pid))
			continue; /* a record got there first: it is newer */
		pe = find(p, (uint32_t)s->st.ppid);
		if (pe)
			proc_copy(&parent, &pe->p);
		en = get_or_add(p, s->pid);
		if (en) {
			en->p.self.exe = intern(p, s->exe);
			en->p.self.host_pid = s->pid;
			memcpy(en->p.self.comm, s->st.comm, sizeof(en->p.self.comm));
			set_ancestors(p, &en->p, pe ? &parent : NULL);
			set_tty(&en->p, tty_dev((uint32_t)s->st.tty_nr));
		}
		if (pe)
			proc_put(p, &parent);
	}
	free(sc.v);
	return 0;
}
