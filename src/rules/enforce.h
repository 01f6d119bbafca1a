/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Enforcement: compiles the kill/deny rules of a rule set (and --deny-open)
 * into what the kernel evaluates, and says how each rule is enforced here.
 * Pure: src/kernel writes the results into its maps.
 *   kill          bpf_send_signal(SIGKILL) at syscall entry (kill_rules);
 *                 a rule on a path also in BPF-LSM where loaded: EPERM too
 *   deny network  cgroup/connect4,6 + bind4,6 at the cgroup v2 root: EPERM
 *                 (deny_rules, and a mask per container cgroup)
 *   deny file     BPF-LSM where the kernel allows it (deny paths), else
 *                 downgraded to kill
 */
#ifndef CACTUS_ENFORCE_H
#define CACTUS_ENFORCE_H

#include <stdbool.h>
#include "cactus/event.h"
#include "containers/containers.h"
#include "rules/rules.h"

struct enforce;

/* Compiles; NULL with a message on stderr if a rule cannot be enforced. */
struct enforce *enforce__new(const struct rule_set *rs);
void enforce__free(struct enforce *ef);
/* --deny-open PATH: a file/exec deny outside the rules. */
int enforce__add_deny_open(struct enforce *ef, const char *path);

/* The kernel's rule arrays, enforce__n_kill() / enforce__n_deny() long. */
__u32 enforce__n_kill(const struct enforce *ef);
__u32 enforce__n_deny(const struct enforce *ef);
const struct kill_rule *enforce__kill_rules(const struct enforce *ef);
const struct deny_rule *enforce__deny_rules(const struct enforce *ef);
/* ORs into traced[nr] the syscalls the kernel must trace for enforcement,
 * into kill[nr] those whose entry checks the kill rules. */
void enforce__syscalls(const struct enforce *ef, bool *traced, bool *kill);

/* Some deny rule is on files/exec (BPF-LSM, else downgraded to kill). */
bool enforce__has_file_deny(const struct enforce *ef);
/* BPF-LSM loaded: exact-path file denies become deny paths (and kill rules
 * on a path are judged there too, as enforce__describe says). */
void enforce__use_lsm(struct enforce *ef);
/* Deny path @i (0, 1, ...), NULL past the last. */
const char *enforce__deny_path(const struct enforce *ef, int i);

/* What the kernel needs for one container: which scoped kill rules select
 * it, the deny rules that apply to its cgroup. Bit i = rule i. */
struct enforce_container {
	bool applies;           /* a container, and some rule is enforced */
	__u32 kill_scoped;      /* kill rules that are scoped */
	__u32 kill_in;          /* ... and select this container */
	__u32 deny_scoped_in;   /* scoped deny rules that select it */
	__u32 deny_mask;        /* every deny rule that applies to it */
};
void enforce__container(const struct enforce *ef, const struct container *c,
			struct enforce_container *out);

/* How an event that matched rule @r turned out. */
enum alert_outcome enforce__outcome(const struct enforce *ef, const struct rule *r,
			     const struct cactus_event *e);
/* One line per enforcing rule for the start-up log (@cgroup2: where the
 * network deny programs are attached). */
void enforce__describe(const struct enforce *ef, const char *cgroup2);

#endif
