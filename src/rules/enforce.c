// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Kill and deny rules compiled into what the kernel evaluates: struct
 * kill_rule / deny_rule (include/cactus/event.h) and deny paths. Pure: the
 * kernel module (src/kernel) writes the results into its maps.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rules/enforce.h"
#include "log.h"
#include "syscalls.h"

enum how { HOW_KILL, HOW_DENY_NET, HOW_DENY_DOWNGRADED, HOW_DENY_LSM };

/* What user space keeps beside each kernel kill rule (kill[i]). */
struct krule {
	const struct rule *owner;      /* NULL: --deny-open */
	enum how how;
	char scope[KSPEC_MAX][KSPEC_STR];
	int n_scope;
};

struct drule {
	const struct rule *owner;
	char scope[KSPEC_MAX][KSPEC_STR];
	int n_scope;
};

struct enforce {
	struct kill_rule kill[CACTUS_MAX_KRULES]; /* the kernel's kill_rules */
	struct krule kr[CACTUS_MAX_KRULES];
	int nk;
	struct deny_rule deny[CACTUS_MAX_KRULES]; /* the kernel's deny_rules */
	struct drule dr[CACTUS_MAX_KRULES];
	int nd;
	bool need[CACTUS_MAX_SYSCALLS];
	const char *lsm_paths[CACTUS_MAX_KRULES]; /* deny by BPF-LSM */
	int nlsm;
	bool lsm;                      /* BPF-LSM loaded (enforce__use_lsm) */
};

static bool is_net_syscall(int nr)
{
	const struct cactus_syscall *sc = cactus_syscall_by_nr(nr);

	return sc && sc->category == CAT_NET;
}

static void set_bit(struct kill_rule *k, int nr)
{
	k->syscalls[nr / 64] |= 1ULL << (nr % 64);
}

/* Syscalls a kill rule applies to when its match names none. */
static void default_syscalls(const struct kernel_spec *ks, struct kill_rule *k)
{
	for (size_t i = 0; i < cactus_syscalls_count; i++) {
		const struct cactus_syscall *sc = &cactus_syscalls[i];
		bool want;

		if (ks->n_exe)
			want = sc->kind == CK_EXEC;
		else if (ks->n_path)
			want = sc->kind == CK_PATH || sc->kind == CK_EXEC;
		else if (ks->n_ports)
			want = sc->kind == CK_SOCKADDR;
		else
			want = cactus_syscall_default(sc);
		if (want)
			set_bit(k, sc->nr);
	}
}

static int add_kill(struct enforce *ef, const struct rule *r, const struct kernel_spec *ks,
		    enum how how)
{
	int nstr = ks->n_path ? ks->n_path : ks->n_exe, made = 0;
	bool any = false;

	if (ks->n_path && ks->n_exe) {
		log_err("%s:%d: rule %s: kill needs either paths or exe, not both", rule_file(r),
			rule_line(r), rule_name(r));
		return -ENOTSUP;
	}
	if (!r && nstr && strlen(ks->path_prefix[0]) >= sizeof(ef->kill[0].str)) {
		log_err("--deny-open %s: longer than %zu bytes", ks->path_prefix[0],
			sizeof(ef->kill[0].str) - 1);
		return -ENAMETOOLONG;
	}
	for (int s = 0; s < (nstr ? nstr : 1); s++) {
		struct kill_rule *k;
		struct krule *kr;

		if (ef->nk == CACTUS_MAX_KRULES) {
			log_err("rule %s: more than %d kernel rules", rule_name(r), CACTUS_MAX_KRULES);
			return -E2BIG;
		}
		kr = &ef->kr[ef->nk];
		k = &ef->kill[ef->nk];
		memset(kr, 0, sizeof(*kr));
		memset(k, 0, sizeof(*k));
		kr->owner = r;
		kr->how = how;
		k->used = 1;
		k->rule_id = ef->nk;
		for (int nr = 0; nr < CACTUS_MAX_SYSCALLS; nr++) {
			if (ks->syscalls[nr]) {
				set_bit(k, nr);
				any = true;
			}
		}
		if (!any)
			default_syscalls(ks, k);
		if (nstr) {
			const char *str = ks->n_path ? ks->path_prefix[s] : ks->exe[s];

			if (strlen(str) >= sizeof(k->str)) {
				log_err("%s:%d: rule %s: '%s' is longer than the kernel's %zu bytes",
					r ? rule_file(r) : "-", r ? rule_line(r) : 0,
					r ? rule_name(r) : "--deny-open", str, sizeof(k->str) - 1);
				return -ENAMETOOLONG;
			}
			memcpy(k->str, str, strlen(str) + 1);
			k->str_mode = ks->n_exe || ks->path_exact[s] ? KR_STR_EXACT : KR_STR_PREFIX;
		}
		k->n_ports = ks->n_ports < CACTUS_KRULE_PORTS ? ks->n_ports : CACTUS_KRULE_PORTS;
		for (int p = 0; p < k->n_ports; p++)
			k->ports[p] = ks->ports[p];
		k->scoped = ks->n_containers > 0;
		kr->n_scope = ks->n_containers;
		memcpy(kr->scope, ks->containers, sizeof(kr->scope));
		for (int nr = 0; nr < CACTUS_MAX_SYSCALLS; nr++)
			if (k->syscalls[nr / 64] & (1ULL << (nr % 64)))
				ef->need[nr] = true;
		ef->nk++;
		made++;
	}
	return made ? 0 : -EINVAL;
}

static int add_deny_net(struct enforce *ef, const struct rule *r, const struct kernel_spec *ks)
{
	__u8 ops = 0;

	for (int nr = 0; nr < CACTUS_MAX_SYSCALLS; nr++) {
		const struct cactus_syscall *sc = ks->syscalls[nr] ? cactus_syscall_by_nr(nr) : NULL;

		if (cactus_syscall_is(sc, SCF_CONNECT))
			ops |= DR_CONNECT;
		if (cactus_syscall_is(sc, SCF_BIND))
			ops |= DR_BIND;
	}
	if (!ops)
		ops = DR_CONNECT | DR_BIND;
	for (int n = 0; n < (ks->n_nets ? ks->n_nets : 1); n++) {
		struct deny_rule *d;
		struct drule *dr;

		if (ef->nd == CACTUS_MAX_KRULES) {
			log_err("rule %s: more than %d deny rules", rule_name(r), CACTUS_MAX_KRULES);
			return -E2BIG;
		}
		dr = &ef->dr[ef->nd];
		d = &ef->deny[ef->nd];
		memset(dr, 0, sizeof(*dr));
		memset(d, 0, sizeof(*d));
		dr->owner = r;
		d->used = 1;
		d->rule_id = ef->nd;
		d->ops = ops;
		if (ks->n_nets) {
			d->family = ks->nets[n].family;
			d->prefix_len = ks->nets[n].prefix_len;
			memcpy(d->addr, ks->nets[n].addr, 16);
		}
		d->n_ports = ks->n_ports < CACTUS_KRULE_PORTS ? ks->n_ports : CACTUS_KRULE_PORTS;
		for (int p = 0; p < d->n_ports; p++)
			d->ports[p] = ks->ports[p];
		d->scoped = ks->n_containers > 0;
		dr->n_scope = ks->n_containers;
		memcpy(dr->scope, ks->containers, sizeof(dr->scope));
		ef->nd++;
	}
	return 0;
}

static bool spec_is_network(const struct kernel_spec *ks)
{
	bool any = false;

	for (int nr = 0; nr < CACTUS_MAX_SYSCALLS; nr++) {
		if (!ks->syscalls[nr])
			continue;
		any = true;
		if (!is_net_syscall(nr))
			return false;
	}
	return any || ks->n_ports || ks->n_nets;
}

struct enforce *enforce__new(const struct rule_set *rs)
{
	struct enforce *ef = calloc(1, sizeof(*ef));
	struct kernel_spec *ks = malloc(sizeof(*ks));
	char why[256];
	int err = 0;

	if (!ef || !ks)
		goto fail;
	for (size_t i = 0; rs && i < rules__count(rs) && !err; i++) {
		const struct rule *r = rules__get(rs, i);

		if (rule_action(r) == ACT_ALERT)
			continue;
		memset(ks, 0, sizeof(*ks));
		if (rules__kernel_spec(r, ks, why, sizeof(why))) {
			log_err("%s:%d: rule %s: action %s cannot be enforced in the kernel: %s",
				rule_file(r), rule_line(r), rule_name(r),
				rule_action_name(rule_action(r)), why);
			err = -ENOTSUP;
		} else if (rule_action(r) == ACT_KILL) {
			err = add_kill(ef, r, ks, HOW_KILL);
		} else if (spec_is_network(ks)) {
			err = add_deny_net(ef, r, ks);
		} else {
			/* file/exec deny: BPF-LSM is the drop-in when the kernel allows it */
			err = add_kill(ef, r, ks, HOW_DENY_DOWNGRADED);
		}
	}
	/* a container's cgroup is learnt at a traced syscall: trace the ones
	 * that reach the deny programs, so it is known by then */
	if (ef->nd) {
		for (size_t i = 0; i < cactus_syscalls_count; i++)
			if (cactus_syscalls[i].kind == CK_SOCKADDR ||
			    cactus_syscall_is(&cactus_syscalls[i], SCF_BIND))
				ef->need[cactus_syscalls[i].nr] = true;
	}
	free(ks);
	if (err)
		goto fail_ef;
	return ef;
fail:
	free(ks);
fail_ef:
	free(ef);
	return NULL;
}

int enforce__add_deny_open(struct enforce *ef, const char *path)
{
	struct kernel_spec *ks = calloc(1, sizeof(*ks));
	int err;

	if (!ks)
		return -ENOMEM;
	for (size_t i = 0; i < cactus_syscalls_count; i++) {
		const struct cactus_syscall *sc = &cactus_syscalls[i];

		ks->syscalls[sc->nr] = sc->flags & (SCF_OPEN | SCF_EXEC);
	}
	snprintf(ks->path_prefix[0], sizeof(ks->path_prefix[0]), "%s", path);
	ks->path_exact[0] = true;
	ks->n_path = 1;
	err = add_kill(ef, NULL, ks, HOW_DENY_DOWNGRADED);
	free(ks);
	return err;
}

void enforce__free(struct enforce *ef)
{
	free(ef);
}

bool enforce__has_file_deny(const struct enforce *ef)
{
	for (int i = 0; ef && i < ef->nk; i++) {
		if (ef->kr[i].how == HOW_DENY_DOWNGRADED)
			return true;
	}
	return false;
}

__u32 enforce__n_kill(const struct enforce *ef)
{
	return ef ? ef->nk : 0;
}

__u32 enforce__n_deny(const struct enforce *ef)
{
	return ef ? ef->nd : 0;
}

const struct kill_rule *enforce__kill_rules(const struct enforce *ef)
{
	return ef->kill;
}

const struct deny_rule *enforce__deny_rules(const struct enforce *ef)
{
	return ef->deny;
}

void enforce__syscalls(const struct enforce *ef, bool *traced, bool *kill)
{
	for (int nr = 0; ef && nr < CACTUS_MAX_SYSCALLS; nr++) {
		traced[nr] |= ef->need[nr];
		for (int i = 0; i < ef->nk; i++)
			kill[nr] |= !!(ef->kill[i].syscalls[nr / 64] & (1ULL << (nr % 64)));
	}
}

/*
 * Where BPF-LSM loaded, a file/exec deny on an exact path becomes a deny
 * path (the open or exec fails with EPERM) instead of a kill; its kill rule
 * is emptied so it never fires.
 */
void enforce__use_lsm(struct enforce *ef)
{
	if (ef)
		ef->lsm = true;
	for (int i = 0; ef && i < ef->nk; i++) {
		if (ef->kr[i].how != HOW_DENY_DOWNGRADED || ef->kill[i].str_mode != KR_STR_EXACT)
			continue;
		ef->lsm_paths[ef->nlsm++] = ef->kill[i].str;
		ef->kr[i].how = HOW_DENY_LSM;
		memset(ef->kill[i].syscalls, 0, sizeof(ef->kill[i].syscalls));
	}
}

const char *enforce__deny_path(const struct enforce *ef, int i)
{
	return ef && i < ef->nlsm ? ef->lsm_paths[i] : NULL;
}

static bool in_scope(const char (*scope)[KSPEC_STR], int n, const struct container *c)
{
	for (int i = 0; i < n; i++) {
		if (c->id[0] && (!strcmp(scope[i], c->name) || !strcmp(scope[i], c->image)))
			return true;
	}
	return false;
}

/* Containers only (a cgroup of no container gets nothing). */
void enforce__container(const struct enforce *ef, const struct container *c,
			struct enforce_container *out)
{
	memset(out, 0, sizeof(*out));
	if (!ef || (!ef->nk && !ef->nd) || !c || !c->id[0])
		return;
	out->applies = true;
	for (int i = 0; i < ef->nk; i++) {
		if (!ef->kill[i].scoped)
			continue;
		out->kill_scoped |= 1U << i;
		if (in_scope(ef->kr[i].scope, ef->kr[i].n_scope, c))
			out->kill_in |= 1U << i;
	}
	for (int i = 0; i < ef->nd; i++) {
		bool on = !ef->deny[i].scoped || in_scope(ef->dr[i].scope, ef->dr[i].n_scope, c);

		if (on)
			out->deny_mask |= 1U << i;
		if (ef->deny[i].scoped && on)
			out->deny_scoped_in |= 1U << i;
	}
}

enum alert_outcome enforce__outcome(const struct enforce *ef, const struct rule *r,
				    const struct cactus_event *e)
{
	bool killed_by_r = false;

	if (rule_action(r) == ACT_ALERT)
		return OUTCOME_ALERTED;
	if (ef && (e->flags & EF_KILLED) && e->kill_rule >= 1 && e->kill_rule <= (__u32)ef->nk)
		killed_by_r = ef->kr[e->kill_rule - 1].owner == r;
	if (rule_action(r) == ACT_KILL)
		return killed_by_r ? OUTCOME_KILLED : OUTCOME_NOT_ENFORCED;
	for (int i = 0; ef && i < ef->nd; i++) {
		if (ef->dr[i].owner == r)
			return e->ret == -EPERM ? OUTCOME_DENIED : OUTCOME_NOT_ENFORCED;
	}
	for (int i = 0; ef && i < ef->nk; i++) {
		if (ef->kr[i].owner == r && ef->kr[i].how == HOW_DENY_LSM)
			return e->ret == -EPERM ? OUTCOME_DENIED : OUTCOME_NOT_ENFORCED;
	}
	return killed_by_r ? OUTCOME_KILLED_DOWNGRADED : OUTCOME_NOT_ENFORCED;
}

/* The BPF-LSM hooks that also judge kill rule @i (none: ""): a rule on a
 * path (or exe) of an open or exec, without ports (bpf/kill.h lsm_kill). */
static const char *kill_hooks(const struct enforce *ef, int i)
{
	const struct kill_rule *k = &ef->kill[i];
	bool open, exec;

	if (!ef->lsm || k->str_mode == KR_STR_NONE || k->n_ports)
		return "";
	open = cactus_syscalls_any(k->syscalls, SCF_OPEN);
	exec = cactus_syscalls_any(k->syscalls, SCF_EXEC);
	if (open && exec)
		return "file_open, bprm_check_security";
	return open ? "file_open" : exec ? "bprm_check_security" : "";
}

void enforce__describe(const struct enforce *ef, const char *cgroup2)
{
	const struct rule *last = NULL;

	for (int i = 0; ef && i < ef->nk; i++) {
		if (i && ef->kr[i].owner == last && last)
			continue;
		last = ef->kr[i].owner;
		if (ef->kr[i].how == HOW_DENY_LSM)
			log_info("%s %s: deny enforced by BPF-LSM (file_open, bprm_check_security: "
				 "EPERM)", last ? "rule" : "--deny-open",
				 last ? rule_name(last) : ef->kill[i].str);
		else if (ef->kr[i].how == HOW_DENY_DOWNGRADED)
			log_info("%s %s: deny downgraded to kill (BPF-LSM unavailable or path not "
				 "exact): SIGKILL at syscall entry", last ? "rule" : "--deny-open",
				 last ? rule_name(last) : ef->kill[i].str);
		else if (*kill_hooks(ef, i))
			log_info("rule %s: kill enforced by BPF-LSM %s (EPERM + SIGKILL) and at "
				 "syscall entry", rule_name(last), kill_hooks(ef, i));
		else
			log_info("rule %s: kill enforced in the kernel (SIGKILL at syscall entry)",
				 rule_name(last));
	}
	last = NULL;
	for (int i = 0; ef && i < ef->nd; i++) {
		if (ef->dr[i].owner == last)
			continue;
		last = ef->dr[i].owner;
		log_info("rule %s: deny enforced by cgroup/connect+bind programs at %s (EPERM)",
			 rule_name(last), cgroup2 && cgroup2[0] ? cgroup2 : "the cgroup v2 root");
	}
}
