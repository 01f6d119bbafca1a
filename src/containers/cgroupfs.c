// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The cgroup v2 filesystem: where it is mounted, ids, paths. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "containers/internal.h"
#include "procfs/procfs.h"

int cgroup2_mount(char *out, size_t len)
{
	char line[1024];
	FILE *f;
	int err = procfs_open(NULL, PROCFS_SELF, "mountinfo", &f);

	if (err)
		return err;
	err = -ENOENT;
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
	char rel[PATH_MAX], path[PATH_MAX];
	struct stat st;

	if (pid <= 0 || !mount || !mount[0] ||
	    procfs_cgroup_v2_path(NULL, pid, rel, sizeof(rel)) ||
	    snprintf(path, sizeof(path), "%s%s", mount, rel) >= (int)sizeof(path))
		return 0;
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
	char link[32], target[PATH_MAX], mnt[PATH_MAX];
	size_t m;
	int fd, err;

	if (mount_fd < 0 || !cg)
		return -EINVAL;
	memcpy(h.fh.f_handle, &cg, sizeof(cg));
	fd = open_by_handle_at(mount_fd, &h.fh, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	snprintf(link, sizeof(link), "fd/%d", fd);
	err = procfs_readlink(NULL, PROCFS_SELF, link, target, sizeof(target));
	close(fd);
	snprintf(link, sizeof(link), "fd/%d", mount_fd);
	if (!err)
		err = procfs_readlink(NULL, PROCFS_SELF, link, mnt, sizeof(mnt));
	if (err)
		return err;
	m = strlen(mnt);
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
