// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Rules and enforcement: loaded before the kernel side, then written into it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "log.h"
#include "monitor/internal.h"

static void print_rule_errors(const struct rule_errors *errs)
{
	for (size_t i = 0; i < errs->n; i++)
		fprintf(stderr, "%s:%d: %s\n", errs->v[i].file, errs->v[i].line, errs->v[i].msg);
}

/* Rules from --rules, else the default set. */
static int load_rules(const struct monitor_opts *o, struct rule_set **out)
{
	const char *paths[MONITOR_MAX_CONTAINERS + 1];
	struct rule_errors errs = {};
	size_t n = 0;

	for (int i = 0; i < o->n_rules; i++)
		paths[n++] = o->rules[i];
	if (!o->no_default_rules && !o->n_rules) {
		paths[n] = rules_default_path();
		if (!paths[n]) {
			log_err("default rule set not found (set CACTUS_RULES_DIR, or use "
				"--rules FILE or --no-default-rules)");
			return -ENOENT;
		}
		n++;
	}
	if (n) {
		*out = rules__load(paths, n, &errs);
		if (!*out) {
			print_rule_errors(&errs);
			log_err("rules not loaded: %zu error(s)", errs.n);
		}
	}
	rule_errors_free(&errs);
	return n && !*out ? -EINVAL : 0;
}

int policy_build(const struct monitor_opts *o, struct policy *p)
{
	int err = load_rules(o, &p->rules);

	if (err)
		return err;
	p->enforce = enforce__new(p->rules);
	if (!p->enforce)
		return -EINVAL;
	for (int i = 0; i < o->n_deny_open; i++) {
		err = enforce__add_deny_open(p->enforce, o->deny_open[i]);
		if (err)
			return err;
	}
	memcpy(p->traced, o->traced, sizeof(p->traced));
	enforce__syscalls(p->enforce, p->traced, p->kill);
	return 0;
}

void policy_release(struct policy *p)
{
	enforce__free(p->enforce);
	rules__free(p->rules);
	p->enforce = NULL;
	p->rules = NULL;
}

int policy_load(struct monitor *m)
{
	struct policy p = {};
	int err = policy_build(m->opts, &p);

	/* even half-built: cleanup frees them */
	m->rules = p.rules;
	m->enforce = p.enforce;
	memcpy(m->kernel_traced, p.traced, sizeof(m->kernel_traced));
	memcpy(m->kernel_kill, p.kill, sizeof(m->kernel_kill));
	return err;
}

/* Network deny: the cgroup programs at the cgroup v2 root, and "allow"
 * pinned for our own cgroup so the kernel can never learn it otherwise. */
static int apply_deny_net(struct monitor *m)
{
	int err = cgroup2_mount(m->cgroup2, sizeof(m->cgroup2));

	if (err) {
		log_err("deny rules need a cgroup v2 mount; none in /proc/self/mountinfo");
		return err;
	}
	err = kernel__attach_deny_net(m->kernel, m->cgroup2);
	if (err)
		return err;
	m->own_cgroup = cgroup2_id_of_pid(m->cgroup2, getpid());
	return m->own_cgroup ? kernel__set_cgroup_mask(m->kernel, m->own_cgroup, 0) : 0;
}

int policy_apply(struct monitor *m)
{
	struct enforce *ef = m->enforce;
	const char *path;
	int err;

	if (kernel__lsm(m->kernel))
		enforce__use_lsm(ef);
	else if (enforce__has_file_deny(ef))
		log_warn("BPF-LSM unavailable (%s): deny rules on files downgrade to kill",
			 kernel__lsm_reason(m->kernel));
	err = kernel__set_syscalls(m->kernel, m->kernel_traced, m->kernel_kill);
	if (!err)
		err = kernel__set_kill_rules(m->kernel, enforce__kill_rules(ef),
					     enforce__n_kill(ef));
	if (!err)
		err = kernel__set_deny_rules(m->kernel, enforce__deny_rules(ef),
					     enforce__n_deny(ef));
	for (int i = 0; !err && (path = enforce__deny_path(ef, i)); i++)
		err = kernel__add_deny_path(m->kernel, path);
	if (!err && enforce__n_deny(ef))
		err = apply_deny_net(m);
	if (err)
		log_err("cannot set up enforcement: %s", strerror(-err));
	return err;
}
