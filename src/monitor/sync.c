// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The one path by which containers reach the kernel maps and the lifecycle
 * records: the registry (src/containers) tells this listener whenever a
 * container starts, changes or ends, or a cgroup is learnt or gone, whoever
 * learnt it (the start-up scan, the source threads, a join). Per cgroup it
 * sets the verdict (watched, or filtered out in the kernel), the rule scopes
 * that select its container and the deny rules of the cgroup; when a cgroup
 * goes, its entries leave the kernel and its drops are added to its
 * container's totals.
 */
#include <stdlib.h>
#include "containers/containers.h"
#include "monitor/agent.h"
#include "monitor/fold.h"
#include "procs/procs.h"

static void sync_enforce(struct monitor *m, const struct container *c, uint64_t cg)
{
	struct enforce_container ec;

	enforce__container(m->enforce, c, &ec);
	if (!ec.applies)
		return;
	for (__u32 i = 0; i < enforce__n_kill(m->enforce); i++) {
		if (ec.kill_scoped & (1U << i))
			kernel__set_scope(m->kernel, cg, i, ec.kill_in & (1U << i));
	}
	for (__u32 i = 0; i < enforce__n_deny(m->enforce); i++) {
		if (ec.deny_scoped_in & (1U << i))
			kernel__set_scope(m->kernel, cg, SCOPE_DENY + i, true);
	}
	/* never cactus's own cgroup (all of the host, on a flat hierarchy) */
	if (enforce__n_deny(m->enforce) && cg != m->own_cgroup)
		kernel__set_cgroup_mask(m->kernel, cg, ec.deny_mask);
}

/* A container's cgroup: verdict, scopes, deny mask. A container without a
 * name yet is watched whatever the filter: its name may select it. */
static void sync_cgroup(struct monitor *m, const struct container *c, uint64_t cg)
{
	bool pass = !c->name[0] || filter_passes(m->opts, c);

	if (!cg)
		return;
	kernel__set_watch(m->kernel, cg, pass ? WATCH_KNOWN : WATCH_IGNORE);
	sync_enforce(m, c, cg);
}

/* Where @c keeps the kernel's counts of its cgroups gone (NULL: no
 * container, or no memory: the counts are then dropped with the cgroup). */
static struct syscall_counts *container_counts(struct container *c)
{
	if (c && !c->totals.syscalls)
		c->totals.syscalls = calloc(1, sizeof(*c->totals.syscalls));
	return c ? c->totals.syscalls : NULL;
}

void sync_container(void *ctx, struct container *c, uint64_t cg, enum container_change change)
{
	struct monitor *m = ctx;

	switch (change) {
	case CONTAINER_START:
		sync_cgroup(m, c, cg);
		protect_container(m, c);
		/* its start record, and its records until its name is known */
		if (container_complete(c) || hold_start(m, c))
			pipeline_lifecycle(m, c, true);
		break;
	case CONTAINER_ALIAS:
		sync_cgroup(m, c, cg);
		break;
	case CONTAINER_UPDATE:
		sync_cgroup(m, c, cg);
		protect_container(m, c);
		if (container_complete(c))
			pipeline_release(m, c);
		break;
	case CONTAINER_END:
		pipeline_release(m, c);
		procs__forget_cgroup(m->procs, c->cgroup_id);
		protect_forget(m, c);
		fold_flush(m->fold, false, c);
		/* its syscalls, counted in the kernel, into its end record */
		kernel__take_counts(m->kernel, c->cgroup_id, container_counts(c));
		pipeline_lifecycle(m, c, false);
		telemetry_container_end(m, c);
		break;
	case CGROUP_NOT_CONTAINER:
		/* its records may belong to a container's namespaces (a runtime
		 * process): user space filters them one by one */
		kernel__set_watch(m->kernel, cg, WATCH_KNOWN);
		break;
	case CGROUP_GONE: {
		__u64 drops = kernel__forget_cgroup(m->kernel, cg, container_counts(c));

		if (c)
			c->totals.drops += drops;
		else
			m->n.drops_no_container += drops;
		break;
	}
	}
}

static void resync(void *ctx, struct container *c)
{
	sync_cgroup(ctx, c, c->cgroup_id);
	/* the kill rules' indexes may have moved: their files again */
	protect_forget(ctx, c);
	protect_container(ctx, c);
}

void sync_all(struct monitor *m)
{
	containers__foreach(m->cs, resync, m);
}
