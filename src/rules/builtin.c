// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The default rule set, built into the binary (.incbin of rules/default.yaml
 * at build time), so a cactus copied anywhere still has its rules when no
 * rules/default.yaml is found beside it.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "rules/rules.h"

__asm__(".section .rodata\n"
	".global cactus_builtin_rules\n"
	"cactus_builtin_rules:\n"
	".incbin \"rules/default.yaml\"\n"
	".byte 0\n"
	".previous\n");

extern const char cactus_builtin_rules[];

const char *rules_builtin_path(void)
{
	static char path[64];
	size_t len = strlen(cactus_builtin_rules);
	int fd;

	if (path[0])
		return path;
	fd = memfd_create("cactus-builtin-default.yaml", MFD_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (write(fd, cactus_builtin_rules, len) != (ssize_t)len) {
		close(fd);
		return NULL;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	return path;
}
