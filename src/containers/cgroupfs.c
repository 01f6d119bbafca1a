// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The cgroup v2 filesystem: where it is mounted, the cgroup id of a process. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "containers/internal.h"

int cgroup2_mount(char *out, size_t len)
{
	char line[1024];
	FILE *f = fopen("/proc/self/mountinfo", "re");
	int err = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *sep = strstr(line, " - ");
		char mnt[512];

		/* fields: id parent major:minor root mountpoint ... - fstype source opts */
		if (!sep || strncmp(sep, " - cgroup2 ", 11))
			continue;
		if (sscanf(line, "%*s %*s %*s %*s %511s", mnt) == 1) {
			err = ct_strlcpy(out, mnt, len);
			break;
		}
	}
	fclose(f);
	return err;
}

uint64_t cgroup2_id_of_pid(const char *mount, int pid)
{
	char path[1100], line[512], *rel = NULL;
	struct stat st;
	FILE *f;

	if (pid <= 0 || !mount || !mount[0])
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/cgroup", pid);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "0::", 3)) {
			line[strcspn(line, "\n")] = 0;
			rel = line + 3;
			break;
		}
	}
	if (f)
		fclose(f);
	if (!rel)
		return 0;
	snprintf(path, sizeof(path), "%s%s", mount, rel);
	/* the cgroup id the kernel reports is the inode of its directory */
	return stat(path, &st) ? 0 : st.st_ino;
}
