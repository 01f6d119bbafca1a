/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Reading /proc: the one place that knows its files' names and formats.
 * The lowest layer of the user side: it uses libc only, so every module
 * (containers, procs, kernel, monitor) may call it.
 *
 * Every function takes @root, the proc mount (NULL: "/proc"; tests point it
 * at a fake tree), and a @pid (PROCFS_SELF: the caller, as "<root>/self"
 * names it, which is the proc mount's view of us, not getpid()'s). Returns
 * 0 or -errno: a missing process is -ENOENT, a file of another shape
 * -EINVAL, a result longer than the caller's buffer -ENAMETOOLONG.
 */
#ifndef CACTUS_PROCFS_H
#define CACTUS_PROCFS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

/* <root>/self: a value no process has, nor any a caller uses for "none"
 * (0, -1), so an unknown pid never reads our own files */
#define PROCFS_SELF INT_MIN
#define PROCFS_COMM_LEN 16      /* the kernel's TASK_COMM_LEN */

/* <root>/<pid>/<name> opened for reading (close-on-exec) into *@f. */
int procfs_open(const char *root, int pid, const char *name, FILE **f);

/* The target of link <root>/<pid>/<name> ("exe", "fd/3"), NUL-terminated. */
int procfs_readlink(const char *root, int pid, const char *name, char *buf, size_t len);

/* The inode of namespace @name ("pid", "mnt", ...) of @pid: what readlink of
 * ns/<name> says ("mnt:[4026531841]"), or, where that entry is not a link,
 * the inode stat() finds. */
int procfs_ns_inode(const char *root, int pid, const char *name, uint32_t *ino);

/* What /proc/<pid>/stat says, as far as its line goes. */
struct procfs_stat {
	uint64_t start;           /* field 22: start time, clock ticks since boot */
	int ppid;                 /* field 4 */
	int tty_nr;               /* field 7: the controlling terminal in glibc's
				   * dev_t encoding (major in bits 8-15), 0: none */
	int fields;               /* fields read: a line cut short (or a field that
				   * does not parse) leaves the later ones 0 */
	char state;               /* field 3: R, S, D, Z, ... */
	char comm[PROCFS_COMM_LEN]; /* field 2: between the first '(' and the last
				   * ')' (a comm may hold both, and spaces) */
};

/* 0 when the line holds at least pid, comm, state and ppid; check
 * st->fields before using a later field. */
int procfs_stat(const char *root, int pid, struct procfs_stat *st);

/* Each line "hierarchy:controllers:path" of /proc/<pid>/cgroup, in order:
 * @fn gets @path (no newline) and whether it is the cgroup v2 line ("0::").
 * A non-zero return of @fn stops the walk and is returned; lines of another
 * shape are skipped. */
typedef int (*procfs_cgroup_fn)(bool v2, const char *path, void *ctx);
int procfs_cgroup_lines(const char *root, int pid, procfs_cgroup_fn fn, void *ctx);

/* The path of the "0::" line: @pid's cgroup v2 below the mount; -ENOENT
 * without one. */
int procfs_cgroup_v2_path(const char *root, int pid, char *buf, size_t len);

/* The file @pid executes as the process sees it: the exe link (the host's
 * view) less the process's root, when the exe lies below it. */
int procfs_exe(const char *root, int pid, char *buf, size_t len);

/* @path as process @pid sees it, reached from outside: "<root>/<pid>/root<path>". */
int procfs_in_root(const char *root, int pid, const char *path, char *buf, size_t len);

/* @fn for each process directory of @root (names that are a pid, in
 * directory order); a non-zero return of @fn stops the walk and is returned. */
int procfs_each_pid(const char *root, int (*fn)(int pid, void *ctx), void *ctx);

#endif
