/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The table of traced syscalls: category, activity, and how to capture them. */
#ifndef CACTUS_SYSCALLS_H
#define CACTUS_SYSCALLS_H

#include <stdbool.h>
#include <stddef.h>
#include "cactus/event.h"

enum cactus_category {
	CAT_FILE = 0,
	CAT_DIR,
	CAT_NET,
	CAT_PROC,
	CAT_SIGNAL,
	CAT_PERM,
	CAT_MEM,
	CAT_NS_MOUNT,
	CAT_SYSTEM,
	CAT_COUNT,
};

struct cactus_syscall {
	const char *name;      /* without the sys_ prefix: "openat" */
	const char *activity;  /* "File Open" */
	int nr;
	enum cactus_category category;
	__u8 kind;             /* enum cactus_kind */
	__u8 path_arg, dirfd_arg, path2_arg, path2_dirfd_arg, addr_arg;
	__u8 sig_arg, target_arg; /* signal syscalls: which args hold signal and target */
};

/* Every classified syscall, sorted by nr. */
extern const struct cactus_syscall cactus_syscalls[];
extern const size_t cactus_syscalls_count;

const char *cactus_category_name(enum cactus_category cat);
/* Accepts the display name ("File Operation") or a short one ("file"), any case.
 * Returns -1 when unknown. */
int cactus_category_parse(const char *name);
/* Short names accepted by cactus_category_parse, in category order. */
const char *cactus_category_short(enum cactus_category cat);

const struct cactus_syscall *cactus_syscall_by_nr(int nr);
/* Accepts "openat" or "sys_openat". */
const struct cactus_syscall *cactus_syscall_by_name(const char *name);

/* False for syscalls classified but too frequent to trace unless asked for. */
bool cactus_syscall_default(const struct cactus_syscall *sc);

/* exit and exit_group never return: there is no sys_exit to hook. */
bool cactus_syscall_noreturn(const struct cactus_syscall *sc);

/* Fill the value the kernel side reads for one syscall. */
void cactus_syscall_conf(const struct cactus_syscall *sc, bool traced,
			 struct syscall_conf *out);

#endif
