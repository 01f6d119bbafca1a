// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * src/syscalls.c: the table of traced syscalls (order, bounds, coverage of
 * the categories), the classifications the spec names, the lookups by nr and
 * by name, category names and parsing, and the syscall_conf the kernel reads.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <asm/unistd.h>

#include "syscalls.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const struct cactus_syscall *must_find(const char *name)
{
	const struct cactus_syscall *sc = cactus_syscall_by_name(name);

	if (!sc)
		fail_msg("syscall %s is not in the table", name);
	return sc;
}

/* ---- the table itself ---- */

static void test_table_sorted_and_bounded(void **state)
{
	(void)state;
	assert_true(cactus_syscalls_count > 0);
	for (size_t i = 0; i < cactus_syscalls_count; i++) {
		const struct cactus_syscall *sc = &cactus_syscalls[i];

		assert_non_null(sc->name);
		assert_non_null(sc->activity);
		assert_true(sc->name[0] != 0);
		assert_true(sc->activity[0] != 0);
		assert_true(strncmp(sc->name, "sys_", 4) != 0);
		assert_in_range(sc->nr, 0, CACTUS_MAX_SYSCALLS - 1);
		assert_in_range(sc->category, 0, CAT_COUNT - 1);
		assert_in_range(sc->kind, CK_PLAIN, CK_FD);
		if (i > 0 && cactus_syscalls[i - 1].nr >= sc->nr)
			fail_msg("table not strictly sorted at %zu: %s(%d) after %s(%d)", i,
				 sc->name, sc->nr, cactus_syscalls[i - 1].name,
				 cactus_syscalls[i - 1].nr);
	}
}

static void test_table_names_unique(void **state)
{
	(void)state;
	for (size_t i = 0; i < cactus_syscalls_count; i++) {
		for (size_t j = i + 1; j < cactus_syscalls_count; j++) {
			if (!strcmp(cactus_syscalls[i].name, cactus_syscalls[j].name))
				fail_msg("duplicate name %s", cactus_syscalls[i].name);
		}
	}
}

/* The table holds facts only: SCF_TRACED and SCF_ENFORCE are set per run in
 * what the kernel reads (cactus_syscall_conf, kernel__set_syscalls). */
static void test_table_no_runtime_bits(void **state)
{
	(void)state;
	for (size_t i = 0; i < cactus_syscalls_count; i++) {
		if (cactus_syscalls[i].flags & SCF_RUNTIME)
			fail_msg("%s: run-time flags %#x in the table", cactus_syscalls[i].name,
				 cactus_syscalls[i].flags & SCF_RUNTIME);
	}
	assert_int_equal(SCF_RUNTIME & SCF_KERNEL, 0);
}

static void test_table_counts(void **state)
{
	size_t on = 0;

	(void)state;
	assert_true(cactus_syscalls_count >= 64);
	for (size_t i = 0; i < cactus_syscalls_count; i++)
		on += cactus_syscall_default(&cactus_syscalls[i]);
	assert_true(on >= 64);
	/* some are off by default, and those are the noisy ones */
	assert_true(on < cactus_syscalls_count);
}

static void test_every_category_used(void **state)
{
	size_t per_cat[CAT_COUNT] = { 0 };

	(void)state;
	for (size_t i = 0; i < cactus_syscalls_count; i++)
		per_cat[cactus_syscalls[i].category]++;
	for (int c = 0; c < CAT_COUNT; c++) {
		if (!per_cat[c])
			fail_msg("category %s has no syscall", cactus_category_name(c));
	}
}

/* ---- classifications from the spec ---- */

struct class_case {
	const char *name;
	const char *category;
	const char *activity;   /* NULL: not checked */
	int nr;
};

static const struct class_case class_cases[] = {
	{ "openat", "File Operation", "File Open", __NR_openat },
	{ "execve", "Process Manage", "Process Create", __NR_execve },
	{ "connect", "Network Operation", "Network Connect", __NR_connect },
	{ "kill", "Signal Handling", "Signal Send", __NR_kill },
	{ "unshare", "Namespace & Mount", NULL, __NR_unshare },
	{ "setns", "Namespace & Mount", NULL, __NR_setns },
	{ "mount", "Namespace & Mount", NULL, __NR_mount },
	{ "pivot_root", "Namespace & Mount", NULL, __NR_pivot_root },
	{ "chroot", "Namespace & Mount", NULL, __NR_chroot },
	{ "setuid", "Permission Manage", NULL, __NR_setuid },
	{ "capset", "Permission Manage", NULL, __NR_capset },
	{ "mmap", "Memory Manage", NULL, __NR_mmap },
	{ "mprotect", "Memory Manage", NULL, __NR_mprotect },
	{ "memfd_create", "Memory Manage", NULL, __NR_memfd_create },
	{ "ptrace", "System Manage", NULL, __NR_ptrace },
	{ "init_module", "System Manage", NULL, __NR_init_module },
	{ "finit_module", "System Manage", NULL, __NR_finit_module },
	{ "bpf", "System Manage", NULL, __NR_bpf },
	{ "reboot", "System Manage", NULL, __NR_reboot },
	{ "sethostname", "System Manage", NULL, __NR_sethostname },
	{ "mkdir", "Directory Operation", NULL, __NR_mkdir },
	{ "rmdir", "Directory Operation", NULL, __NR_rmdir },
	{ "chdir", "Directory Operation", NULL, __NR_chdir },
};

static void test_classifications(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(class_cases); i++) {
		const struct class_case *t = &class_cases[i];
		const struct cactus_syscall *sc = must_find(t->name);

		assert_string_equal(sc->name, t->name);
		assert_int_equal(sc->nr, t->nr);
		assert_string_equal(cactus_category_name(sc->category), t->category);
		if (t->activity)
			assert_string_equal(sc->activity, t->activity);
	}
}

/* ---- lookups ---- */

static void test_by_nr_roundtrip(void **state)
{
	(void)state;
	for (size_t i = 0; i < cactus_syscalls_count; i++) {
		const struct cactus_syscall *sc = &cactus_syscalls[i];

		assert_ptr_equal(cactus_syscall_by_nr(sc->nr), sc);
	}
}

static void test_by_name_roundtrip(void **state)
{
	char buf[64];

	(void)state;
	for (size_t i = 0; i < cactus_syscalls_count; i++) {
		const struct cactus_syscall *sc = &cactus_syscalls[i];

		assert_ptr_equal(cactus_syscall_by_name(sc->name), sc);
		snprintf(buf, sizeof(buf), "sys_%s", sc->name);
		assert_ptr_equal(cactus_syscall_by_name(buf), sc);
	}
}

static void test_by_name_prefix(void **state)
{
	const struct cactus_syscall *sc = cactus_syscall_by_name("sys_openat");

	(void)state;
	assert_non_null(sc);
	assert_string_equal(sc->name, "openat");
	assert_int_equal(sc->nr, __NR_openat);
}

static void test_by_name_unknown(void **state)
{
	static const char *const names[] = {
		"", "sys_", "nosuchcall", "sys_nosuchcall", "OPENAT", "openat ", " openat",
		"sys_sys_openat", "open_", "opena", "SYS_openat",
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (cactus_syscall_by_name(names[i]))
			fail_msg("by_name(\"%s\") should be NULL", names[i]);
	}
}

static void test_by_nr_unknown(void **state)
{
	static const int nrs[] = {
		-1, -1000, CACTUS_MAX_SYSCALLS, CACTUS_MAX_SYSCALLS + 1, 100000,
		__NR_getpid, __NR_lseek, __NR_brk, __NR_fstat, __NR_getcwd,
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(nrs); i++) {
		if (cactus_syscall_by_nr(nrs[i]))
			fail_msg("by_nr(%d) should be NULL", nrs[i]);
	}
	/* every nr between table entries is absent too */
	for (int nr = 0; nr < CACTUS_MAX_SYSCALLS; nr++) {
		const struct cactus_syscall *sc = cactus_syscall_by_nr(nr);
		bool present = false;

		for (size_t i = 0; i < cactus_syscalls_count; i++)
			present |= cactus_syscalls[i].nr == nr;
		assert_int_equal(sc != NULL, present);
		if (sc)
			assert_int_equal(sc->nr, nr);
	}
}

/* ---- categories ---- */

static const char *const cat_names[CAT_COUNT] = {
	[CAT_FILE] = "File Operation",
	[CAT_DIR] = "Directory Operation",
	[CAT_NET] = "Network Operation",
	[CAT_PROC] = "Process Manage",
	[CAT_SIGNAL] = "Signal Handling",
	[CAT_PERM] = "Permission Manage",
	[CAT_MEM] = "Memory Manage",
	[CAT_NS_MOUNT] = "Namespace & Mount",
	[CAT_SYSTEM] = "System Manage",
};

static void test_category_names(void **state)
{
	(void)state;
	for (int c = 0; c < CAT_COUNT; c++) {
		assert_string_equal(cactus_category_name(c), cat_names[c]);
		assert_non_null(cactus_category_short(c));
		assert_true(cactus_category_short(c)[0] != 0);
	}
	assert_string_equal(cactus_category_name(CAT_COUNT), "Unknown");
	assert_string_equal(cactus_category_name(-1), "Unknown");
	assert_string_equal(cactus_category_short(CAT_COUNT), "unknown");
}

struct parse_case {
	const char *name;
	int cat;        /* -1: rejected */
};

static const struct parse_case parse_cases[] = {
	{ "File Operation", CAT_FILE },
	{ "file operation", CAT_FILE },
	{ "FILE OPERATION", CAT_FILE },
	{ "fIlE oPeRaTiOn", CAT_FILE },
	{ "Directory Operation", CAT_DIR },
	{ "Network Operation", CAT_NET },
	{ "Process Manage", CAT_PROC },
	{ "Signal Handling", CAT_SIGNAL },
	{ "Permission Manage", CAT_PERM },
	{ "Memory Manage", CAT_MEM },
	{ "Namespace & Mount", CAT_NS_MOUNT },
	{ "namespace & mount", CAT_NS_MOUNT },
	{ "System Manage", CAT_SYSTEM },
	{ "file", CAT_FILE },
	{ "FILE", CAT_FILE },
	{ "dir", CAT_DIR },
	{ "net", CAT_NET },
	{ "process", CAT_PROC },
	{ "signal", CAT_SIGNAL },
	{ "perm", CAT_PERM },
	{ "memory", CAT_MEM },
	{ "namespace", CAT_NS_MOUNT },
	{ "system", CAT_SYSTEM },
	{ "", -1 },
	{ "junk", -1 },
	{ "File", CAT_FILE },
	{ "File Operations", -1 },
	{ "File  Operation", -1 },
	{ " file", -1 },
	{ "file ", -1 },
	{ "fil", -1 },
	{ "Unknown", -1 },
	{ "Namespace", CAT_NS_MOUNT },
	{ "Namespace and Mount", -1 },
};

static void test_category_parse(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(parse_cases); i++) {
		int got = cactus_category_parse(parse_cases[i].name);

		if (got != parse_cases[i].cat)
			fail_msg("parse(\"%s\") = %d, want %d", parse_cases[i].name, got,
				 parse_cases[i].cat);
	}
}

static void test_category_parse_roundtrip(void **state)
{
	(void)state;
	for (int c = 0; c < CAT_COUNT; c++) {
		assert_int_equal(cactus_category_parse(cactus_category_name(c)), c);
		assert_int_equal(cactus_category_parse(cactus_category_short(c)), c);
	}
}

/* ---- defaults ---- */

static void test_defaults(void **state)
{
	static const char *const off[] = { "read", "write", "close", "mmap", "rt_sigaction" };
	static const char *const on[] = {
		"openat", "execve", "connect", "kill", "unshare", "mount", "ptrace",
		"setuid", "mkdir", "exit_group", "bpf",
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(off); i++)
		assert_false(cactus_syscall_default(must_find(off[i])));
	for (size_t i = 0; i < ARRAY_SIZE(on); i++)
		assert_true(cactus_syscall_default(must_find(on[i])));
}

/* ---- syscall_conf ---- */

struct conf_case {
	const char *name;
	__u8 kind;
	__u8 path_arg, dirfd_arg, path2_arg, path2_dirfd_arg, addr_arg;
};

#define NA CACTUS_NO_ARG
static const struct conf_case conf_cases[] = {
	{ "openat", CK_PATH, 1, 0, NA, NA, NA },
	{ "open", CK_PATH, 0, NA, NA, NA, NA },
	{ "mkdir", CK_PATH, 0, NA, NA, NA, NA },
	{ "execve", CK_EXEC, 0, NA, NA, NA, NA },
	{ "execveat", CK_EXEC, 1, 0, NA, NA, NA },
	{ "connect", CK_SOCKADDR, NA, NA, NA, NA, 1 },
	{ "bind", CK_SOCKADDR, NA, NA, NA, NA, 1 },
	{ "sendto", CK_SOCKADDR, NA, NA, NA, NA, 4 },
	{ "renameat2", CK_PATH, 1, 0, 3, 2, NA },
	{ "read", CK_FD, NA, NA, NA, NA, NA },
	{ "kill", CK_PLAIN, NA, NA, NA, NA, NA },
	{ "unshare", CK_PLAIN, NA, NA, NA, NA, NA },
};

static void test_conf_fields(void **state)
{
	struct syscall_conf conf;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(conf_cases); i++) {
		const struct conf_case *t = &conf_cases[i];

		memset(&conf, 0xaa, sizeof(conf));
		cactus_syscall_conf(must_find(t->name), true, &conf);
		assert_int_equal(conf.kind, t->kind);
		assert_int_equal(conf.path_arg, t->path_arg);
		assert_int_equal(conf.dirfd_arg, t->dirfd_arg);
		assert_int_equal(conf.path2_arg, t->path2_arg);
		assert_int_equal(conf.path2_dirfd_arg, t->path2_dirfd_arg);
		assert_int_equal(conf.addr_arg, t->addr_arg);
		assert_int_equal(conf.fd_arg, t->kind == CK_FD ? 0 : NA);
	}
}

static void test_conf_flags(void **state)
{
	struct syscall_conf conf;

	(void)state;
	for (size_t i = 0; i < cactus_syscalls_count; i++) {
		const struct cactus_syscall *sc = &cactus_syscalls[i];
		bool noret = !strcmp(sc->name, "exit") || !strcmp(sc->name, "exit_group");
		/* the calls that can move the caller into other namespaces */
		bool nschange = !strcmp(sc->name, "setns") || !strcmp(sc->name, "unshare");
		bool exec = !strcmp(sc->name, "execve") || !strcmp(sc->name, "execveat");
		bool fd_gone = !strcmp(sc->name, "close");
		/* return an fd for their path: resolved at sys_exit */
		bool open = !strcmp(sc->name, "open") || !strcmp(sc->name, "openat") ||
			    !strcmp(sc->name, "openat2") || !strcmp(sc->name, "creat") ||
			    !strcmp(sc->name, "open_by_handle_at");

		for (int traced = 0; traced <= 1; traced++) {
			__u8 want = (traced ? SCF_TRACED : 0) | (noret ? SCF_NORET : 0) |
				    (nschange ? SCF_NSCHANGE : 0) | (exec ? SCF_EXEC : 0) |
				    (fd_gone ? SCF_FD_GONE : 0) | (open ? SCF_OPEN : 0);

			memset(&conf, 0xaa, sizeof(conf));
			cactus_syscall_conf(sc, traced, &conf);
			if (conf.flags != want)
				fail_msg("%s traced=%d: flags %#x, want %#x", sc->name, traced,
					 conf.flags, want);
			assert_int_equal(conf.kind, sc->kind);
			assert_int_equal(conf.path_arg, sc->path_arg);
			assert_int_equal(conf.dirfd_arg, sc->dirfd_arg);
			assert_int_equal(conf.path2_arg, sc->path2_arg);
			assert_int_equal(conf.path2_dirfd_arg, sc->path2_dirfd_arg);
			assert_int_equal(conf.addr_arg, sc->addr_arg);
			assert_int_equal(conf.fd_arg, sc->kind == CK_FD ? sc->fd_arg : NA);
			/* its own row of the kernel's counts */
			assert_int_equal(conf.slot, i);
			assert_true(conf.slot < CACTUS_COUNT_SLOTS);
		}
	}
	cactus_syscall_conf(must_find("exit_group"), true, &conf);
	assert_int_equal(conf.flags, SCF_TRACED | SCF_NORET);
	cactus_syscall_conf(must_find("exit"), false, &conf);
	assert_int_equal(conf.flags, SCF_NORET);
	cactus_syscall_conf(must_find("openat"), false, &conf);
	assert_int_equal(conf.flags, SCF_OPEN);
	cactus_syscall_conf(must_find("kill"), false, &conf);
	assert_int_equal(conf.flags, 0);
}

static void test_arg_indices_valid(void **state)
{
	(void)state;
	for (size_t i = 0; i < cactus_syscalls_count; i++) {
		const struct cactus_syscall *sc = &cactus_syscalls[i];

		switch (sc->kind) {
		case CK_PATH:
		case CK_EXEC:
			/* an open by handle has no path: the file it opens is its path */
			if (sc->path_arg >= 6 && strcmp(sc->name, "open_by_handle_at"))
				fail_msg("%s: path_arg %u", sc->name, sc->path_arg);
			break;
		case CK_SOCKADDR:
			if (sc->addr_arg >= 6)
				fail_msg("%s: addr_arg %u", sc->name, sc->addr_arg);
			break;
		}
		if (sc->dirfd_arg != NA && sc->dirfd_arg >= 6)
			fail_msg("%s: dirfd_arg %u", sc->name, sc->dirfd_arg);
		if (sc->path2_arg != NA && sc->path2_arg >= 6)
			fail_msg("%s: path2_arg %u", sc->name, sc->path2_arg);
		if (sc->path2_dirfd_arg != NA && sc->path2_dirfd_arg >= 6)
			fail_msg("%s: path2_dirfd_arg %u", sc->name, sc->path2_dirfd_arg);
		/* an argument is read one way only */
		if (sc->path_arg != NA &&
		    (sc->path_arg == sc->dirfd_arg || sc->path_arg == sc->path2_arg))
			fail_msg("%s: path_arg reused", sc->name);
	}
}

static void test_signal_args(void **state)
{
	size_t n = 0;

	(void)state;
	for (size_t i = 0; i < cactus_syscalls_count; i++) {
		const struct cactus_syscall *sc = &cactus_syscalls[i];

		/* signal facts are set exactly on the signal category */
		assert_int_equal(cactus_syscall_is(sc, SCF_SIGNAL), sc->category == CAT_SIGNAL);
		if (sc->category != CAT_SIGNAL)
			continue;
		if (sc->sig_arg == NA)
			continue;
		n++;
		if (sc->sig_arg >= 6)
			fail_msg("%s: sig_arg %u", sc->name, sc->sig_arg);
		if (sc->target_arg != NA && sc->target_arg >= 6)
			fail_msg("%s: target_arg %u", sc->name, sc->target_arg);
		assert_int_not_equal(sc->sig_arg, sc->target_arg);
	}
	assert_true(n >= 4);
	/* kill(pid, sig), tgkill(tgid, tid, sig) */
	assert_int_equal(must_find("kill")->sig_arg, 1);
	assert_int_equal(must_find("kill")->target_arg, 0);
	assert_int_equal(must_find("tgkill")->sig_arg, 2);
	assert_int_equal(must_find("tgkill")->target_arg, 1);
	assert_int_equal(must_find("tkill")->sig_arg, 1);
	assert_int_equal(must_find("tkill")->target_arg, 0);
}

/* Which syscalls carry each SCF_* fact: an independent list, so a fact lost
 * or added in the table shows here. */
static const struct {
	unsigned int flag;
	const char *names[8];
} fact_cases[] = {
	{ SCF_NORET, { "exit", "exit_group" } },
	{ SCF_NSCHANGE, { "setns", "unshare" } },
	{ SCF_EXEC, { "execve", "execveat" } },
	{ SCF_OPEN, { "open", "openat", "openat2", "creat", "open_by_handle_at" } },
	{ SCF_FD_GONE, { "close" } },
	{ SCF_CONNECT, { "connect" } },
	{ SCF_BIND, { "bind", "listen" } },
	{ SCF_OFLAGS, { "open", "openat", "open_by_handle_at" } },
	{ SCF_MODE, { "chmod", "fchmod", "fchmodat" } },
};

static bool listed(const char *const *names, const char *name)
{
	for (int i = 0; i < 8 && names[i]; i++) {
		if (!strcmp(names[i], name))
			return true;
	}
	return false;
}

static void test_facts(void **state)
{
	__u64 args[6] = { 10, 11, 12, 13, 14, 15 }, v = 0;

	(void)state;
	for (size_t f = 0; f < ARRAY_SIZE(fact_cases); f++) {
		for (size_t i = 0; i < cactus_syscalls_count; i++) {
			const struct cactus_syscall *sc = &cactus_syscalls[i];
			bool want = listed(fact_cases[f].names, sc->name);

			if (cactus_syscall_is(sc, fact_cases[f].flag) != want)
				fail_msg("%s: flag %#x is %d, want %d", sc->name, fact_cases[f].flag,
					 !want, want);
		}
	}
	/* which argument holds the open flags and the mode */
	assert_int_equal(must_find("open")->flags_arg, 1);
	assert_int_equal(must_find("openat")->flags_arg, 2);
	assert_int_equal(must_find("chmod")->mode_arg, 1);
	assert_int_equal(must_find("fchmod")->mode_arg, 1);
	assert_int_equal(must_find("fchmodat")->mode_arg, 2);
	assert_true(cactus_syscall_arg(args, must_find("fchmodat")->mode_arg, &v));
	assert_int_equal(v, 12);
	assert_false(cactus_syscall_arg(args, NA, &v));
	/* tracepoints and sys_ functions carry the SYSCALL_DEFINE name */
	assert_string_equal(cactus_syscall_fn(must_find("umount2")), "umount");
	assert_string_equal(cactus_syscall_fn(must_find("openat")), "openat");
}

static bool bit(const __u64 *bits, int nr)
{
	return bits[nr / 64] >> (nr % 64) & 1;
}

/* The sets the BPF-LSM hooks judge kill rules by (bpf/kill.h open_nrs,
 * exec_nrs), and "does a rule name one of them". */
static void test_sets_by_fact(void **state)
{
	__u64 opens[CACTUS_MAX_SYSCALLS / 64], execs[CACTUS_MAX_SYSCALLS / 64];
	__u64 rule[CACTUS_MAX_SYSCALLS / 64] = { 0 };
	int n = 0;

	(void)state;
	cactus_syscalls_with(SCF_OPEN, opens);
	cactus_syscalls_with(SCF_EXEC, execs);
	for (int nr = 0; nr < CACTUS_MAX_SYSCALLS; nr++)
		n += bit(opens, nr);
	assert_int_equal(n, 5);
	assert_true(bit(opens, __NR_open) && bit(opens, __NR_creat) && bit(opens, __NR_openat) &&
		    bit(opens, __NR_openat2) && bit(opens, __NR_open_by_handle_at));
	assert_true(bit(execs, __NR_execve) && bit(execs, __NR_execveat));
	assert_false(bit(execs, __NR_openat) || bit(opens, __NR_execve));
	assert_false(cactus_syscalls_any(rule, SCF_OPEN));
	rule[__NR_connect / 64] |= 1ULL << (__NR_connect % 64);
	assert_false(cactus_syscalls_any(rule, SCF_OPEN) || cactus_syscalls_any(rule, SCF_EXEC));
	rule[__NR_openat2 / 64] |= 1ULL << (__NR_openat2 % 64);
	assert_true(cactus_syscalls_any(rule, SCF_OPEN));
	assert_false(cactus_syscalls_any(rule, SCF_EXEC));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_sorted_and_bounded),
		cmocka_unit_test(test_table_names_unique),
		cmocka_unit_test(test_table_no_runtime_bits),
		cmocka_unit_test(test_table_counts),
		cmocka_unit_test(test_every_category_used),
		cmocka_unit_test(test_classifications),
		cmocka_unit_test(test_by_nr_roundtrip),
		cmocka_unit_test(test_by_name_roundtrip),
		cmocka_unit_test(test_by_name_prefix),
		cmocka_unit_test(test_by_name_unknown),
		cmocka_unit_test(test_by_nr_unknown),
		cmocka_unit_test(test_category_names),
		cmocka_unit_test(test_category_parse),
		cmocka_unit_test(test_category_parse_roundtrip),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_conf_fields),
		cmocka_unit_test(test_conf_flags),
		cmocka_unit_test(test_arg_indices_valid),
		cmocka_unit_test(test_signal_args),
		cmocka_unit_test(test_facts),
		cmocka_unit_test(test_sets_by_fact),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
