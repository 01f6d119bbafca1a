/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Enforcement: compiles the kill/deny rules of a rule set into the kernel's
 * kill_rules / deny_rules maps, attaches the cgroup sock_addr programs, keeps
 * container scopes up to date, and says how each rule is enforced here.
 *   kill          bpf_send_signal(SIGKILL) at syscall entry
 *   deny network  cgroup/connect4,6 + bind4,6 at the cgroup v2 root: EPERM
 *   deny file     BPF-LSM where the kernel allows it, else downgraded to kill
 */
#ifndef CACTUS_ENFORCE_H
#define CACTUS_ENFORCE_H

#include <stdbool.h>
#include "containers/containers.h"
#include "rules/rules.h"

struct enforce;
struct cactus_bpf;

/* Compiles; NULL with a message on stderr if a rule cannot be enforced. */
struct enforce *enforce__new(const struct rule_set *rs);
void enforce__free(struct enforce *ef);

/* Some deny rule is on files/exec (BPF-LSM, else downgraded to kill). */
bool enforce__has_file_deny(const struct enforce *ef);
/* Syscalls the kernel must trace for enforcement (kill rules, deny learning). */
bool enforce__needs_syscall(const struct enforce *ef, int nr);
/* Between skeleton open and load. */
void enforce__setup(struct enforce *ef, struct cactus_bpf *skel);
/* --deny-open PATH: a file/exec deny outside the rules (before load). */
int enforce__add_deny_open(struct enforce *ef, const char *path);
/* After load: fill maps (deny_paths too when @lsm: BPF-LSM loaded), mark
 * SC_ENFORCE, attach the cgroup programs. */
int enforce__start(struct enforce *ef, struct cactus_bpf *skel, bool lsm);
/* A container became known: update scopes and its cgroup's deny mask. The
 * cgroup comes from its init process, never from an event: a runtime process
 * may act in a container's namespaces while still in a host cgroup. */
void enforce__container(struct enforce *ef, const struct container *c);

/* How an event that matched rule @r turned out: "alerted", "killed", "denied", ... */
const char *enforce__outcome(const struct enforce *ef, const struct rule *r,
			     const struct cactus_event *e);
/* One line per enforcing rule for the start-up log. */
void enforce__describe(const struct enforce *ef);

#endif
