/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The comma-separated values of --syscall and --category: pure, tested. */
#ifndef CACTUS_CLI_LISTS_H
#define CACTUS_CLI_LISTS_H

#include <stdbool.h>
#include <stddef.h>

enum cli_list_err {
	CLI_LIST_OK = 0,
	CLI_LIST_EMPTY,      /* an empty item: "", ",openat", "openat,,x", "openat," */
	CLI_LIST_UNKNOWN,    /* a name that is no syscall (category); copied to @bad */
};

/*
 * Marks in @sel (a bool per cactus_syscalls[] index) the syscalls that
 * @list names: category names (short or full) when @by_category, else
 * syscall names. Nothing is marked unless the whole list is valid: an empty
 * item is a mistake (a shell variable that expanded to nothing), never
 * "all" nor "none".
 */
enum cli_list_err cli_parse_list(const char *list, bool by_category, bool *sel, char *bad,
				 size_t bad_len);

#endif
