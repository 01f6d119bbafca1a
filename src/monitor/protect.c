// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Files protected by an exact path, known by identity: each path a rule
 * names exactly (kill and alert rules) is stat'ed inside every running
 * container's root when the container is learnt. A kill rule's inode goes
 * into the kernel's file_ids (the kill holds under every name of the file:
 * hard links, symlinks, any spelling). An event on such an inode under
 * another name is shown as the protected path (the rules judge that), with
 * the name used in path_arg.
 * Entries leave with their container: an inode number is reused once its
 * file is gone.
 */
#include <errno.h>
#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include "log.h"
#include "monitor/internal.h"
#include "procfs/procfs.h"

struct prot {
	struct file_id id;
	char cid[CONTAINER_ID_MAX];
	__u32 kill_mask;
	char path[CACTUS_KRULE_STR]; /* the protected path */
};

static int cmp(const void *a, const void *b)
{
	const struct prot *x = a, *y = b;

	if (x->id.dev != y->id.dev)
		return x->id.dev < y->id.dev ? -1 : 1;
	return x->id.ino < y->id.ino ? -1 : x->id.ino > y->id.ino;
}

/* The protected paths: the exact-path kill rules' strings, bit per rule. */
static void add(struct monitor *m, const struct container *c, const char *path, __u32 bit)
{
	char full[64 + CACTUS_KRULE_STR];
	struct prot key = { 0 }, *p, **found;
	struct stat st;

	if (procfs_in_root(NULL, c->init_pid, path, full, sizeof(full)) || stat(full, &st))
		return; /* not in this image: nothing to protect */
	key.id.dev = (major(st.st_dev) << 20) | minor(st.st_dev);
	key.id.ino = st.st_ino;
	found = tfind(&key, &m->protect, cmp);
	if (found) {
		p = *found;
		if (!bit || (p->kill_mask & bit))
			return;
		p->kill_mask |= bit;
	} else {
		p = calloc(1, sizeof(*p));
		if (!p)
			return;
		*p = key;
		snprintf(p->cid, sizeof(p->cid), "%s", c->id);
		p->kill_mask = bit;
		snprintf(p->path, sizeof(p->path), "%s", path);
		if (!tsearch(p, &m->protect, cmp)) {
			free(p);
			return;
		}
		m->n_protect++;
	}
	if (p->kill_mask && kernel__set_file_id(m->kernel, &p->id, p->kill_mask))
		log_warn("cannot protect %s of container %s by identity", path, c->id);
}

struct alert_paths {
	struct monitor *m;
	const struct container *c;
};

static void add_alert_path(void *ctx, const char *path)
{
	struct alert_paths *a = ctx;

	add(a->m, a->c, path, 0);
}

void protect_container(struct monitor *m, const struct container *c)
{
	const struct kill_rule *kr = enforce__kill_rules(m->enforce);
	struct alert_paths a = { .m = m, .c = c };

	if (!c->init_pid)
		return;

	for (__u32 i = 0; i < enforce__n_kill(m->enforce); i++) {
		if (kr[i].str_mode == KR_STR_EXACT && kr[i].str[0] == '/')
			add(m, c, kr[i].str, 1U << i);
	}
	rules__exact_paths(m->rules, add_alert_path, &a);
}

/* twalk has no context argument: the container being forgotten. */
static __thread const char *forget_cid;
static __thread struct prot **forget_v;
static __thread size_t forget_n;

static void collect(const void *node, VISIT which, int depth)
{
	struct prot *p = *(struct prot *const *)node;

	(void)depth;
	if ((which == postorder || which == leaf) && !strcmp(p->cid, forget_cid))
		forget_v[forget_n++] = p;
}

void protect_forget(struct monitor *m, const struct container *c)
{
	if (!m->n_protect)
		return;
	forget_v = calloc(m->n_protect, sizeof(*forget_v));
	if (!forget_v)
		return;
	forget_cid = c->id;
	forget_n = 0;
	twalk(m->protect, collect);
	for (size_t i = 0; i < forget_n; i++) {
		if (forget_v[i]->kill_mask)
			kernel__set_file_id(m->kernel, &forget_v[i]->id, 0);
		tdelete(forget_v[i], &m->protect, cmp);
		free(forget_v[i]);
		m->n_protect--;
	}
	free(forget_v);
	forget_v = NULL;
}

const char *protect_lookup(const struct monitor *m, __u32 dev, __u64 ino)
{
	struct prot key = { .id = { .ino = ino, .dev = dev } };
	struct prot **found;

	if (!m->n_protect)
		return NULL;
	found = tfind(&key, &m->protect, cmp);
	return found ? (*found)->path : NULL;
}

void protect_free(struct monitor *m)
{
	tdestroy(m->protect, free);
	m->protect = NULL;
	m->n_protect = 0;
}
