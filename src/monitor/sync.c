// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The one path by which a container reaches the kernel maps: the registry
 * (src/containers) tells this listener whenever a namespace pair is learnt or
 * freed, whoever learnt it (the start-up scan, docker events, the join).
 * It sets the pair's verdict (watched, or filtered out in the kernel), the
 * rule scopes that select it, and the deny rules of its cgroup.
 */
#include "containers/containers.h"
#include "monitor/internal.h"

static void sync_enforce(struct monitor *m, const struct container *c, const struct ns_key *key)
{
	struct enforce_container ec;
	uint64_t cgroup_id;

	enforce__container(m->enforce, c, &ec);
	if (!ec.applies)
		return;
	for (__u32 i = 0; i < enforce__n_kill(m->enforce); i++) {
		if (ec.kill_scoped & (1U << i))
			kernel__set_scope(m->kernel, key, i, ec.kill_in & (1U << i));
	}
	for (__u32 i = 0; i < enforce__n_deny(m->enforce); i++) {
		if (ec.deny_scoped_in & (1U << i))
			kernel__set_scope(m->kernel, key, SCOPE_DENY + i, true);
	}
	if (!enforce__n_deny(m->enforce))
		return;
	/* the cgroup from its init, never from a record: a runtime process may
	 * act in a container's namespaces while still in a host cgroup */
	cgroup_id = cgroup2_id_of_pid(m->cgroup2, c->init_pid);
	/* never cactus's own cgroup (all of the host, on a flat hierarchy) */
	if (cgroup_id && cgroup_id != m->own_cgroup)
		kernel__set_cgroup_mask(m->kernel, cgroup_id, ec.deny_mask);
}

void sync_container(void *ctx, const struct container *c, uint32_t pid_ns, uint32_t mnt_ns,
		    enum container_change change)
{
	struct monitor *m = ctx;
	struct ns_key key = { .pid_ns = pid_ns, .mnt_ns = mnt_ns };

	if (!m->kernel)
		return;
	if (change == CONTAINER_GONE) {
		kernel__forget_watch(m->kernel, &key);
		return;
	}
	kernel__set_watch(m->kernel, &key, filter_passes(m->opts, c) ? NS_WATCH : NS_IGNORE);
	sync_enforce(m, c, &key);
}
