// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * SIGHUP: the config file and the rule files again, while the programs stay
 * attached. The consumer thread does it between two records (run.c), so
 * every record is matched against the old set or the new one, never a mix.
 *
 *   1. parse the options again (monitor_opts.reload: the file re-read, the
 *      command line as before); options that cannot change while attached
 *      keep their running values, said in one line
 *   2. build the new rule set and what the kernel enforces, beside the
 *      running one; refuse what the loaded kernel side cannot take (kill or
 *      deny rules when it was loaded without any, other BPF-LSM deny paths)
 *   3. the kernel: syscall_conf to the union of both sets (so no syscall
 *      that either set enforces goes unchecked meanwhile), the kill and deny
 *      rule arrays rewritten rule by rule so that no program ever reads a
 *      half-written rule (below), then syscall_conf to the new set
 *   4. user space: the rule set, the enforcement, the options swapped;
 *      every running container's cgroup synced again (filter verdicts,
 *      scopes, deny masks)
 * Any error before 3 keeps everything running as it was.
 *
 * What needs a restart: the options whose row in src/cli/options.c says
 * so (.restart); tracing a syscall that is not attached (the tracepoint, fentry
 * and kprobe modes attach only the traced set; tp_btf and raw_tp see every
 * syscall); kill or deny rules if the kernel side was loaded without any
 * (their programs' rodata says none), and other BPF-LSM deny paths (the
 * kernel API can add, not remove them).
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cli/options.h"
#include "log.h"
#include "monitor/agent.h"

struct kept_opts {
	struct monitor_opts o;
	struct kept_opts *next;
};

struct reload {
	bool attached[CACTUS_MAX_SYSCALLS];  /* a hook runs for it */
	__u32 loaded_kill, loaded_deny;      /* rule counts the kernel side was loaded with */
	struct kept_opts *opts;              /* every reload's options, freed at exit */
};

int reload_init(struct monitor *m)
{
	enum attach_mode mode = kernel__mode(m->kernel);
	bool all = mode == ATTACH_TP_BTF || mode == ATTACH_RAW_TP;
	struct reload *rl = calloc(1, sizeof(*rl));

	if (!rl)
		return -ENOMEM;
	for (int nr = 0; nr < CACTUS_MAX_SYSCALLS; nr++)
		rl->attached[nr] = all || m->kernel_traced[nr];
	rl->loaded_kill = enforce__n_kill(m->enforce);
	rl->loaded_deny = enforce__n_deny(m->enforce);
	m->rl = rl;
	return 0;
}

void reload_free(struct monitor *m)
{
	struct reload *rl = m->rl;

	while (rl && rl->opts) {
		struct kept_opts *k = rl->opts;

		rl->opts = k->next;
		free(k);
	}
	free(rl);
	m->rl = NULL;
}

/* ---- 1. options ---- */

/* Options that only a start can change keep their running values. */
static void keep_restart_only(const struct monitor_opts *old, struct monitor_opts *o)
{
	char list[256] = "";

	if (cli_options__keep_restart_only(old, o, list, sizeof(list)))
		log_warn("reload: %s changed: a restart is needed for that, the running value "
			 "is kept", list);
}

static struct monitor_opts *next_opts(struct monitor *m)
{
	const struct monitor_opts *o = m->opts->reload(m->opts->reload_ctx);
	struct kept_opts *k;

	if (!o)
		return NULL;
	k = malloc(sizeof(*k));
	if (!k)
		return NULL;
	k->o = *o;
	k->next = m->rl->opts;
	m->rl->opts = k;
	keep_restart_only(m->opts, &k->o);
	return &k->o;
}

/* ---- 2. what the kernel side can take ---- */

static bool same_deny_paths(const struct enforce *a, const struct enforce *b)
{
	for (int i = 0;; i++) {
		const char *x = enforce__deny_path(a, i), *y = enforce__deny_path(b, i);

		if (!x || !y)
			return !x && !y;
		if (strcmp(x, y))
			return false;
	}
}

static int check_kernel(const struct monitor *m, const struct policy *p)
{
	const struct reload *rl = m->rl;

	if (enforce__n_kill(p->enforce) && !rl->loaded_kill) {
		log_err("reload: the new rules kill, but cactus started without kill rules: "
			"a restart is needed for them");
		return -EOPNOTSUPP;
	}
	if (enforce__n_deny(p->enforce) && !rl->loaded_deny) {
		log_err("reload: the new rules deny connect/bind, but cactus started without "
			"such rules: a restart is needed for them");
		return -EOPNOTSUPP;
	}
	if (!same_deny_paths(m->enforce, p->enforce)) {
		log_err("reload: the BPF-LSM deny paths (--deny-open, file deny rules) changed: "
			"a restart is needed for that");
		return -EOPNOTSUPP;
	}
	return 0;
}

/* One line for the syscalls the new set traces that no hook runs for. */
static void say_not_attached(const struct monitor *m, const bool *traced)
{
	char list[512] = "";
	size_t n = 0;

	for (size_t i = 0; i < cactus_syscalls_count && n < sizeof(list); i++) {
		int nr = cactus_syscalls[i].nr;

		if (traced[nr] && !m->rl->attached[nr])
			n += snprintf(list + n, sizeof(list) - n, "%s%s", n ? "," : "",
				      cactus_syscalls[i].name);
	}
	if (list[0])
		log_warn("reload: not attached in attach=%s, a restart is needed to trace: %s",
			 attach_mode_name(kernel__mode(m->kernel)), list);
}

/* ---- 3. the kernel's rule arrays ---- */

typedef int (*set_rules_fn)(struct kernel *k, const void *rules, __u32 n);

static int set_kill(struct kernel *k, const void *rules, __u32 n)
{
	return kernel__set_kill_rules(k, rules, n);
}

static int set_deny(struct kernel *k, const void *rules, __u32 n)
{
	return kernel__set_deny_rules(k, rules, n);
}

struct rule_array {
	set_rules_fn set;
	size_t size, used_off;            /* an entry's size, its `used` byte */
};

static const struct rule_array kill_array = { set_kill, sizeof(struct kill_rule),
					      offsetof(struct kill_rule, used) };
static const struct rule_array deny_array = { set_deny, sizeof(struct deny_rule),
					      offsetof(struct deny_rule, used) };

static void pause_ms(long ms)
{
	struct timespec ts = { 0, ms * 1000000 };

	nanosleep(&ts, NULL);
}

/*
 * Rewrites a rule array from @old to @new (CACTUS_MAX_KRULES entries each,
 * zero past their count). An array map entry is copied without a lock, so a
 * program reading an entry being written could see half of each; hence
 * three passes over the changed entries: `used` cleared (the only byte that
 * differs, so any read sees the old rule or no rule), the new rule written
 * with `used` still clear (any read sees no rule), `used` set (only that
 * byte differs again). The programs stop at the first unused entry, so the
 * rules after a changed one are off for the few milliseconds between the
 * first and last pass; the pauses let programs that read an entry before a
 * pass finish first. What a double-buffered array in the kernel would give
 * without that window is asked of src/kernel.
 */
static int swap_rules(struct kernel *k, const struct rule_array *a, const void *old,
		      const void *new)
{
	char s1[CACTUS_MAX_KRULES * sizeof(struct kill_rule)];
	char s2[CACTUS_MAX_KRULES * sizeof(struct kill_rule)];
	int err;

	_Static_assert(sizeof(struct kill_rule) >= sizeof(struct deny_rule), "stage size");
	if (!rule_swap_stages(old, new, CACTUS_MAX_KRULES, a->size, a->used_off, s1, s2))
		return 0;
	err = a->set(k, s1, CACTUS_MAX_KRULES);
	pause_ms(2);
	if (!err)
		err = a->set(k, s2, CACTUS_MAX_KRULES);
	pause_ms(2);
	return err ?: a->set(k, new, CACTUS_MAX_KRULES);
}

/* A rule array of @n entries from @src, zero after them. */
static void padded(void *dst, const void *src, __u32 n, size_t size)
{
	memset(dst, 0, CACTUS_MAX_KRULES * size);
	memcpy(dst, src, n * size);
}

static int swap_kernel_rules(struct monitor *m, const struct enforce *from,
			     const struct enforce *to)
{
	struct kill_rule ko[CACTUS_MAX_KRULES], kn[CACTUS_MAX_KRULES];
	struct deny_rule d_o[CACTUS_MAX_KRULES], dn[CACTUS_MAX_KRULES];
	int err = 0;

	if (m->rl->loaded_kill) {
		padded(ko, enforce__kill_rules(from), enforce__n_kill(from), sizeof(*ko));
		padded(kn, enforce__kill_rules(to), enforce__n_kill(to), sizeof(*kn));
		err = swap_rules(m->kernel, &kill_array, ko, kn);
	}
	if (!err && m->rl->loaded_deny) {
		padded(d_o, enforce__deny_rules(from), enforce__n_deny(from), sizeof(*d_o));
		padded(dn, enforce__deny_rules(to), enforce__n_deny(to), sizeof(*dn));
		err = swap_rules(m->kernel, &deny_array, d_o, dn);
	}
	return err;
}

static int apply_kernel(struct monitor *m, const struct policy *p)
{
	bool traced[CACTUS_MAX_SYSCALLS], kill[CACTUS_MAX_SYSCALLS];
	int err;

	for (int nr = 0; nr < CACTUS_MAX_SYSCALLS; nr++) {
		traced[nr] = m->kernel_traced[nr] || p->traced[nr];
		kill[nr] = m->kernel_kill[nr] || p->kill[nr];
	}
	err = kernel__set_syscalls(m->kernel, traced, kill);
	if (!err)
		err = swap_kernel_rules(m, m->enforce, p->enforce);
	if (!err)
		err = kernel__set_syscalls(m->kernel, p->traced, p->kill);
	if (err) {
		/* back to the running set, as far as the maps take it */
		log_err("reload: cannot update the kernel maps: %s", strerror(-err));
		swap_kernel_rules(m, p->enforce, m->enforce);
		kernel__set_syscalls(m->kernel, m->kernel_traced, m->kernel_kill);
	}
	return err;
}

/* ---- 4. the swap ---- */

static int count_true(const bool *v)
{
	int n = 0;

	for (int i = 0; i < CACTUS_MAX_SYSCALLS; i++)
		n += v[i];
	return n;
}

static void swap_in(struct monitor *m, struct monitor_opts *o, struct policy *p)
{
	struct policy old = { .rules = m->rules, .enforce = m->enforce };

	m->rules = p->rules;
	m->enforce = p->enforce;
	memcpy(m->kernel_traced, p->traced, sizeof(m->kernel_traced));
	memcpy(m->kernel_kill, p->kill, sizeof(m->kernel_kill));
	m->opts = o;
	p->rules = NULL;
	p->enforce = NULL;
	policy_release(&old);
	log_set_verbose(o->verbose);
	sync_all(m);
}

void reload_apply(struct monitor *m)
{
	struct policy p = {};
	struct monitor_opts *o;
	int err = -EINVAL;

	log_info("SIGHUP: reloading %s%s", m->opts->config ? m->opts->config : "",
		 m->opts->config ? " and the rule files" : "the rule files");
	o = m->opts->reload && m->rl ? next_opts(m) : NULL;
	if (o)
		err = policy_build(o, &p);
	if (!err && kernel__lsm(m->kernel))
		enforce__use_lsm(p.enforce);
	if (!err)
		err = check_kernel(m, &p);
	if (!err) {
		say_not_attached(m, p.traced);
		err = apply_kernel(m, &p);
	}
	if (err) {
		policy_release(&p);
		telemetry_reloaded(m, false);
		log_err("reload failed: the running configuration and rules are kept");
		return;
	}
	swap_in(m, o, &p);
	telemetry_reloaded(m, true);
	log_info("reloaded: %zu rules (%u kill, %u deny in the kernel), %d syscalls traced",
		 m->rules ? rules__count(m->rules) : 0, enforce__n_kill(m->enforce),
		 enforce__n_deny(m->enforce), count_true(m->kernel_traced));
}
