// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * src/rules/enforce.c: kill/deny rules compiled into the kernel's kill_rules and
 * deny_rules values, deny paths, per-container scopes and masks, outcomes;
 * and src/kernel/fentry.c's subprogram scan of a loaded program.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/bpf.h>

#include "rules/enforce.h"
#include "kernel/internal.h"
#include "syscalls.h"

#define FIX "tests/unit/rules/"
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static bool has_bit(const struct kill_rule *k, int nr)
{
	return k->syscalls[nr / 64] >> (nr % 64) & 1;
}

static int nr_of(const char *name)
{
	const struct cactus_syscall *sc = cactus_syscall_by_name(name);

	assert_non_null(sc);
	return sc->nr;
}

static struct rule_set *load_fixture(void)
{
	const char *path = FIX "enforce.yaml";
	struct rule_errors errs = {};
	struct rule_set *rs = rules__load(&path, 1, &errs);

	for (size_t i = 0; i < errs.n; i++)
		print_error("%s:%d: %s\n", errs.v[i].file, errs.v[i].line, errs.v[i].msg);
	rule_errors_free(&errs);
	assert_non_null(rs);
	return rs;
}

static const struct rule *rule_named(const struct rule_set *rs, const char *name)
{
	for (size_t i = 0; i < rules__count(rs); i++) {
		if (!strcmp(rule_name(rules__get(rs, i)), name))
			return rules__get(rs, i);
	}
	fail_msg("no rule %s", name);
	return NULL;
}

static void test_kill_rules(void **state)
{
	struct rule_set *rs = load_fixture();
	struct enforce *ef = enforce__new(rs);
	const struct kill_rule *k;

	(void)state;
	assert_non_null(ef);
	/* kill_etc_in_web, then deny_shadow downgraded to a kill */
	assert_int_equal(enforce__n_kill(ef), 2);
	k = &enforce__kill_rules(ef)[0];
	assert_int_equal(k->used, 1);
	assert_int_equal(k->rule_id, 0);
	assert_true(has_bit(k, nr_of("openat")));
	assert_true(has_bit(k, nr_of("unlinkat")));
	assert_false(has_bit(k, nr_of("open")));
	assert_false(has_bit(k, nr_of("execve")));
	/* dirname /etc is everything below /etc */
	assert_int_equal(k->str_mode, KR_STR_PREFIX);
	assert_string_equal(k->str, "/etc/");
	assert_int_equal(k->scoped, 1);
	assert_int_equal(k->n_ports, 0);

	k = &enforce__kill_rules(ef)[1];
	assert_int_equal(k->str_mode, KR_STR_EXACT);
	assert_string_equal(k->str, "/etc/shadow");
	assert_int_equal(k->scoped, 0);
	/* a path rule without a syscall condition: every path and exec syscall */
	assert_true(has_bit(k, nr_of("openat")));
	assert_true(has_bit(k, nr_of("execve")));
	assert_true(has_bit(k, nr_of("unlink")));
	assert_false(has_bit(k, nr_of("connect")));
	assert_true(enforce__has_file_deny(ef));
	enforce__free(ef);
	rules__free(rs);
}

static void test_deny_rules(void **state)
{
	struct rule_set *rs = load_fixture();
	struct enforce *ef = enforce__new(rs);
	const struct deny_rule *d;
	const __u8 ten[4] = { 10, 0, 0, 0 };

	(void)state;
	assert_int_equal(enforce__n_deny(ef), 2);
	d = &enforce__deny_rules(ef)[0];
	assert_int_equal(d->ops, DR_CONNECT);
	assert_int_equal(d->family, AF_INET);
	assert_int_equal(d->prefix_len, 8);
	assert_memory_equal(d->addr, ten, 4);
	assert_int_equal(d->n_ports, 2);
	assert_int_equal(d->ports[0], 22);
	assert_int_equal(d->ports[1], 2222);
	assert_int_equal(d->scoped, 0);
	d = &enforce__deny_rules(ef)[1];
	assert_int_equal(d->ops, DR_BIND);
	assert_int_equal(d->prefix_len, 0);
	assert_int_equal(d->n_ports, 1);
	assert_int_equal(d->ports[0], 8080);
	assert_int_equal(d->scoped, 1);
	enforce__free(ef);
	rules__free(rs);
}

static void test_syscalls_needed(void **state)
{
	struct rule_set *rs = load_fixture();
	struct enforce *ef = enforce__new(rs);
	bool traced[CACTUS_MAX_SYSCALLS] = { 0 }, kill[CACTUS_MAX_SYSCALLS] = { 0 };

	(void)state;
	enforce__syscalls(ef, traced, kill);
	/* kill rules: their syscalls are traced and checked at entry */
	assert_true(traced[nr_of("unlinkat")] && kill[nr_of("unlinkat")]);
	assert_true(kill[nr_of("execve")]);
	/* network deny: what reaches the deny programs is traced (cgroup
	 * learning), not killed */
	assert_true(traced[nr_of("connect")] && !kill[nr_of("connect")]);
	assert_true(traced[nr_of("listen")] && !kill[nr_of("listen")]);
	assert_false(traced[nr_of("getdents64")]);
	enforce__free(ef);
	rules__free(rs);
}

static void test_deny_open_and_lsm(void **state)
{
	struct enforce *ef = enforce__new(NULL);
	const struct kill_rule *k;

	(void)state;
	assert_int_equal(enforce__add_deny_open(ef, "/etc/passwd"), 0);
	assert_int_equal(enforce__n_kill(ef), 1);
	k = &enforce__kill_rules(ef)[0];
	for (size_t i = 0; i < cactus_syscalls_count; i++) {
		const struct cactus_syscall *sc = &cactus_syscalls[i];

		assert_int_equal(has_bit(k, sc->nr), cactus_syscall_is(sc, SCF_OPEN) ||
					     cactus_syscall_is(sc, SCF_EXEC));
	}
	assert_null(enforce__deny_path(ef, 0));
	/* BPF-LSM loaded: the exact path becomes a deny path, the kill is off */
	enforce__use_lsm(ef);
	assert_string_equal(enforce__deny_path(ef, 0), "/etc/passwd");
	assert_null(enforce__deny_path(ef, 1));
	assert_false(has_bit(k, nr_of("openat")));
	enforce__free(ef);
}

static void test_container_scope(void **state)
{
	struct rule_set *rs = load_fixture();
	struct enforce *ef = enforce__new(rs);
	struct container web = { .id = "aa", .name = "web", .pid_ns = 1, .mnt_ns = 2 };
	struct container db = { .id = "bb", .name = "db", .pid_ns = 3, .mnt_ns = 4 };
	struct container other = { .id = "cc", .name = "x", .image = "db", .pid_ns = 5,
				   .mnt_ns = 6 };
	struct container host = { .runtime = "unknown", .pid_ns = 7, .mnt_ns = 8 };
	struct enforce_container ec;

	(void)state;
	enforce__container(ef, &web, &ec);
	assert_true(ec.applies);
	assert_int_equal(ec.kill_scoped, 1);   /* kill rule 0 is scoped */
	assert_int_equal(ec.kill_in, 1);
	assert_int_equal(ec.deny_mask, 1);     /* deny 0 (unscoped) only */
	assert_int_equal(ec.deny_scoped_in, 0);
	enforce__container(ef, &db, &ec);
	assert_int_equal(ec.kill_in, 1);
	assert_int_equal(ec.deny_mask, 3);
	assert_int_equal(ec.deny_scoped_in, 2);
	/* an image named like a selected container name selects it too */
	enforce__container(ef, &other, &ec);
	assert_int_equal(ec.deny_mask, 3);
	other.image[0] = 0;
	enforce__container(ef, &other, &ec);
	assert_int_equal(ec.kill_in, 0);
	assert_int_equal(ec.deny_mask, 1);
	/* not a container: nothing applies */
	enforce__container(ef, &host, &ec);
	assert_false(ec.applies);
	assert_int_equal(ec.deny_mask, 0);
	enforce__free(ef);
	rules__free(rs);
}

static void test_outcome(void **state)
{
	struct rule_set *rs = load_fixture();
	struct enforce *ef = enforce__new(rs);
	struct cactus_event e = { 0 };

	(void)state;
	assert_string_equal(alert_outcome_name(enforce__outcome(ef, rule_named(rs, "just_alert"), &e)), "alerted");
	assert_string_equal(alert_outcome_name(enforce__outcome(ef, rule_named(rs, "kill_etc_in_web"), &e)), "not enforced");
	e.flags = EF_KILLED;
	e.kill_rule = 1;
	assert_string_equal(alert_outcome_name(enforce__outcome(ef, rule_named(rs, "kill_etc_in_web"), &e)), "killed");
	e.kill_rule = 2;
	assert_string_equal(alert_outcome_name(enforce__outcome(ef, rule_named(rs, "deny_shadow"), &e)), "killed (deny downgraded to kill: no BPF-LSM)");
	e.flags = 0;
	e.ret = -EPERM;
	assert_string_equal(alert_outcome_name(enforce__outcome(ef, rule_named(rs, "deny_ssh_out"), &e)), "denied");
	e.ret = -ECONNREFUSED;
	assert_string_equal(alert_outcome_name(enforce__outcome(ef, rule_named(rs, "deny_ssh_out"), &e)), "not enforced");
	enforce__free(ef);
	rules__free(rs);
}

/* A program as the kernel hands it back: main, a bpf_loop callback
 * referenced by ld_imm64 (BPF_PSEUDO_FUNC), a subprogram called twice. */
static void test_fentry_subprog_starts(void **state)
{
	struct bpf_insn p[12] = { 0 };
	__u32 starts[8];

	(void)state;
	p[1].code = BPF_LD | BPF_IMM | BPF_DW;   /* 1-2: callback at 8 */
	p[1].src_reg = BPF_PSEUDO_FUNC;
	p[1].imm = 8 - 1 - 1;
	p[3].code = BPF_JMP | BPF_CALL;          /* call 6 */
	p[3].src_reg = BPF_PSEUDO_CALL;
	p[3].imm = 6 - 3 - 1;
	p[5].code = BPF_JMP | BPF_EXIT;
	p[6].code = BPF_JMP | BPF_CALL;          /* 6: calls 10 */
	p[6].src_reg = BPF_PSEUDO_CALL;
	p[6].imm = 10 - 6 - 1;
	p[7].code = BPF_JMP | BPF_EXIT;
	p[8].code = BPF_JMP | BPF_CALL;          /* 8: calls 6 again */
	p[8].src_reg = BPF_PSEUDO_CALL;
	p[8].imm = 6 - 8 - 1;
	p[9].code = BPF_JMP | BPF_EXIT;
	p[11].code = BPF_JMP | BPF_EXIT;
	/* a helper call is not a subprogram */
	p[10].code = BPF_JMP | BPF_CALL;
	p[10].imm = 1;
	assert_int_equal(fentry_subprog_starts(p, ARRAY_SIZE(p), starts, ARRAY_SIZE(starts)), 4);
	assert_int_equal(starts[0], 0);
	assert_int_equal(starts[1], 6);
	assert_int_equal(starts[2], 8);
	assert_int_equal(starts[3], 10);
	/* more subprograms than room: 0, not a silent cut */
	assert_int_equal(fentry_subprog_starts(p, ARRAY_SIZE(p), starts, 3), 0);
	/* a target outside the program is ignored */
	p[3].imm = 100;
	assert_int_equal(fentry_subprog_starts(p, ARRAY_SIZE(p), starts, ARRAY_SIZE(starts)), 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kill_rules),
		cmocka_unit_test(test_deny_rules),
		cmocka_unit_test(test_syscalls_needed),
		cmocka_unit_test(test_deny_open_and_lsm),
		cmocka_unit_test(test_container_scope),
		cmocka_unit_test(test_outcome),
		cmocka_unit_test(test_fentry_subprog_starts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
