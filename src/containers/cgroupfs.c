// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The cgroup v2 filesystem: where it is mounted, ids, paths. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

int ct_cgroup2_open(const char *mount)
{
	int fd;

	if (!mount[0])
		return -ENOENT;
	fd = open(mount, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/*
 * A cgroup id is its kernfs node id, which is also the file handle of its
 * directory (FILEID_KERNFS, 8 bytes): open_by_handle_at() opens it while it
 * exists, whatever its name, and /proc/self/fd tells its path. Needs
 * CAP_DAC_READ_SEARCH (root has it).
 */
int ct_cgroup2_path(int mount_fd, uint64_t cg, char *out, size_t len)
{
	struct {
		struct file_handle fh;
		uint64_t id;
	} h = { .fh = { .handle_bytes = sizeof(uint64_t), .handle_type = 0xfe /* FILEID_KERNFS */ } };
	char link[64], target[PATH_MAX], mnt[PATH_MAX];
	ssize_t n, m;
	int fd;

	if (mount_fd < 0 || !cg)
		return -EINVAL;
	memcpy(h.fh.f_handle, &cg, sizeof(cg));
	fd = open_by_handle_at(mount_fd, &h.fh, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	close(fd);
	snprintf(link, sizeof(link), "/proc/self/fd/%d", mount_fd);
	m = readlink(link, mnt, sizeof(mnt) - 1);
	if (n < 0 || m < 0)
		return -errno;
	target[n] = mnt[m] = 0;
	/* below the mount: "/docker/<id>"; the root itself is "/" */
	if (strncmp(target, mnt, m) || (target[m] && target[m] != '/'))
		return -EXDEV;
	return ct_strlcpy(out, target[m] ? target + m : "/", len);
}

uint64_t ct_cgroup2_id_of_dir(const char *dir)
{
	struct stat st;

	return stat(dir, &st) || !S_ISDIR(st.st_mode) ? 0 : st.st_ino;
}
