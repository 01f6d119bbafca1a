// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * handle: open a file by its handle, as the "shocker" container escape does
 * (open_by_handle_at needs CAP_DAC_READ_SEARCH; the handle names an inode,
 * not a path, so no path check sees it). Static, for any image.
 *
 *   handle name PATH                  prints "TYPE HEX": PATH's handle
 *   handle open MOUNTDIR TYPE HEX     opens the handle on MOUNTDIR's
 *                                     filesystem, copies the file to stdout
 *
 * Exit: 0 done, 2 usage, 3 name_to_handle_at failed, 4 open_by_handle_at
 * failed (errno on stderr).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int name(const char *path)
{
	struct file_handle *h = malloc(sizeof(*h) + MAX_HANDLE_SZ);
	int mount_id;

	if (!h)
		return 2;
	h->handle_bytes = MAX_HANDLE_SZ;
	if (name_to_handle_at(AT_FDCWD, path, h, &mount_id, 0)) {
		perror("name_to_handle_at");
		return 3;
	}
	printf("%d ", h->handle_type);
	for (unsigned int i = 0; i < h->handle_bytes; i++)
		printf("%02x", h->f_handle[i]);
	putchar('\n');
	return 0;
}

static int open_handle(const char *dir, const char *type, const char *hex)
{
	size_t n = strlen(hex) / 2;
	struct file_handle *h = malloc(sizeof(*h) + n);
	char buf[4096];
	ssize_t r;
	int mnt, fd;

	if (!h || n > MAX_HANDLE_SZ)
		return 2;
	h->handle_bytes = n;
	h->handle_type = atoi(type);
	for (size_t i = 0; i < n; i++)
		sscanf(hex + 2 * i, "%2hhx", &h->f_handle[i]);
	mnt = open(dir, O_RDONLY | O_DIRECTORY);
	fd = mnt < 0 ? -1 : open_by_handle_at(mnt, h, O_RDONLY);
	if (fd < 0) {
		perror("open_by_handle_at");
		return 4;
	}
	while ((r = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, r, stdout);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "name"))
		return name(argv[2]);
	if (argc == 5 && !strcmp(argv[1], "open"))
		return open_handle(argv[2], argv[3], argv[4]);
	fprintf(stderr, "usage: handle name PATH | handle open MOUNTDIR TYPE HEX\n");
	return 2;
}
