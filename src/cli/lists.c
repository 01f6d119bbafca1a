// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdio.h>
#include <string.h>
#include "cli/lists.h"
#include "syscalls.h"

/* Marks the syscalls of one item; false if it names none. */
static bool mark(const char *item, bool by_category, bool *sel)
{
	const struct cactus_syscall *sc;
	int cat;

	if (!by_category) {
		sc = cactus_syscall_by_name(item);
		if (sc)
			sel[sc - cactus_syscalls] = true;
		return sc != NULL;
	}
	cat = cactus_category_parse(item);
	for (size_t i = 0; cat >= 0 && i < cactus_syscalls_count; i++) {
		if ((int)cactus_syscalls[i].category == cat)
			sel[i] = true;
	}
	return cat >= 0;
}

/* Each item of @list in turn (copied to @item); false at an empty one. */
static bool next_item(const char **list, char *item, size_t len)
{
	const char *comma = strchr(*list, ',');
	size_t n = comma ? (size_t)(comma - *list) : strlen(*list);

	snprintf(item, len, "%.*s", (int)n, *list);
	*list += n + (comma != NULL);
	return n > 0;
}

enum cli_list_err cli_parse_list(const char *list, bool by_category, bool *sel, char *bad,
				 size_t bad_len)
{
	bool tmp[CACTUS_MAX_SYSCALLS] = { false };
	char item[128];
	const char *p = list;

	if (bad_len)
		bad[0] = 0;
	do {
		if (!next_item(&p, item, sizeof(item)))
			return CLI_LIST_EMPTY;
		if (!mark(item, by_category, tmp)) {
			snprintf(bad, bad_len, "%s", item);
			return CLI_LIST_UNKNOWN;
		}
	} while (*p || p[-1] == ',');
	for (size_t i = 0; i < cactus_syscalls_count; i++)
		sel[i] |= tmp[i];
	return CLI_LIST_OK;
}
