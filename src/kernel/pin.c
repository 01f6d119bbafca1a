// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Restart without loss (--pin-path DIR on bpffs). A stopping agent leaves
 * its links (programs attached) and its maps, the ring included, pinned:
 *
 *   DIR/maps/<name>   the maps below (REUSED); `control` holds the
 *                     generation N and the attach mode (bpffs holds no
 *                     plain files)
 *   DIR/links/<n>     every link
 *
 * and stops reading: what containers do meanwhile goes into the ring, and
 * what does not fit is counted in the pinned stats and per-cgroup drops. The
 * next agent adopts: it loads its programs on the pinned maps (those whose
 * layout it shares; libbpf checks), in the same attach mode, with generation
 * N + 1; attaches them (not live yet: the `control` map still says N, see
 * bpf/maps.h active()); flips `control` to N + 1, at which instant the old
 * programs stop writing and the new ones start; removes the old pins (the
 * old links go with them); and reads the ring from where the last reader
 * stopped. A ring it could not share (another --ring-size) is drained on
 * its own after the flip. `cactus detach` removes everything pinned.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include "kernel/internal.h"
#include "log.h"

#define BPF_FS_MAGIC 0xcafe4a11

/* The maps an adopting agent shares with the one before it: the ring and its
 * counters, the per-thread stash (syscalls in flight, set-up phase), the
 * per-cgroup tables; the rest is written again at start-up. */
static const char *const reused[] = {
	"events", "stats", "control", "stash_tls", "stash", "cgroup_watch",
	"container_cgroups", "drops_by_cgroup", "counts_by_cgroup", "budgets", "ns_entering",
	"rule_scope",
	"file_ids",
};

static void path_of(char *buf, size_t len, const char *dir, const char *sub, const char *name)
{
	snprintf(buf, len, "%s/%s%s%s", dir, sub, name ? "/" : "", name ? name : "");
}

static int check_bpffs(const char *dir)
{
	struct statfs fs;
	char parent[512], *slash;

	snprintf(parent, sizeof(parent), "%s", dir);
	/* the directory itself may not exist yet: its parent is on bpffs */
	while (statfs(parent, &fs)) {
		slash = strrchr(parent, '/');
		if (!slash || slash == parent)
			return -errno;
		*slash = 0;
	}
	if ((unsigned long)fs.f_type != BPF_FS_MAGIC) {
		log_err("--pin-path %s: not on a BPF file system (mount -t bpf bpf /sys/fs/bpf)",
			dir);
		return -EINVAL;
	}
	return 0;
}

int pin_read_state(const char *dir, __u32 *gen, enum attach_mode *mode)
{
	struct control c = { 0 };
	char path[512];
	__u32 zero = 0;
	int fd, err = 0;

	path_of(path, sizeof(path), dir, "links", NULL);
	if (access(path, F_OK))
		return -ENOENT;
	path_of(path, sizeof(path), dir, "maps", "control");
	fd = bpf_obj_get(path);
	if (fd < 0)
		return -errno;
	if (bpf_map_lookup_elem(fd, &zero, &c))
		err = -errno;
	close(fd);
	if (err || !c.gen || c.mode <= ATTACH_AUTO || c.mode >= ATTACH_NMODES) {
		log_warn("%s: generation %u mode %u not understood; starting afresh", path, c.gen,
			 c.mode);
		return err ?: -EINVAL;
	}
	*gen = c.gen;
	*mode = (enum attach_mode)c.mode;
	return 0;
}

/* Before load: each pinned map this object can share becomes its map. */
void pin_reuse_maps(struct kernel *k, const char *dir)
{
	char path[512];

	k->control_reused = false;
	k->ring_reused = false;
	for (size_t i = 0; i < sizeof(reused) / sizeof(reused[0]); i++) {
		struct bpf_map *map = bpf_object__find_map_by_name(k->skel->obj, reused[i]);
		int fd, err;

		if (!map || !bpf_map__autocreate(map))
			continue;
		path_of(path, sizeof(path), dir, "maps", reused[i]);
		fd = bpf_obj_get(path);
		if (fd < 0)
			continue;
		err = bpf_map__reuse_fd(map, fd);
		close(fd);
		if (err) {
			log_warn("pinned map %s not shared (%s): its contents start afresh",
				 reused[i], strerror(-err));
			continue;
		}
		if (!strcmp(reused[i], "control"))
			k->control_reused = true;
		if (!strcmp(reused[i], "events"))
			k->ring_reused = true;
	}
}

static void unlink_dir(const char *dir, const char *sub)
{
	char path[512], f[768];
	struct dirent *d;
	DIR *dd;

	path_of(path, sizeof(path), dir, sub, NULL);
	dd = opendir(path);
	if (!dd)
		return;
	while ((d = readdir(dd))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(f, sizeof(f), "%s/%s", path, d->d_name);
		unlink(f);
	}
	closedir(dd);
	rmdir(path);
}

/* Removes the pins: the links go (their programs detach), the maps stay
 * only as long as someone holds them. */
static int unpin_all(const char *dir)
{
	unlink_dir(dir, "links");
	unlink_dir(dir, "maps");
	return rmdir(dir) && errno != ENOENT ? -errno : 0;
}

int pin_takeover(struct kernel *k, const char *dir)
{
	struct control live = { .gen = k->gen };
	__u32 zero = 0;
	char path[512];

	/* the old ring, when ours is another: drained after the flip */
	if (!k->ring_reused) {
		path_of(path, sizeof(path), dir, "maps", "events");
		k->old_ring_fd = bpf_obj_get(path);
	}
	if (bpf_map_update_elem(bpf_map__fd(k->skel->maps.control), &zero, &live, BPF_ANY)) {
		int err = -errno;

		log_err("cannot make the new programs live: %s", strerror(-err));
		return err;
	}
	unpin_all(dir);
	log_info("adopted the pinned programs and ring of the previous agent (generation %u -> "
		 "%u%s)", k->gen - 1, k->gen, k->ring_reused ? "" :
		 "; its ring is drained first: another size");
	return 0;
}

/* Before attach, when the old programs cannot be told to stop (no shared
 * control map): they are detached first; what happens in between is unseen. */
void pin_drop_old(const char *dir)
{
	log_warn("the previous agent's programs share no control map with these: detached "
		 "before attaching (syscalls in between are not seen)");
	unpin_all(dir);
}

static int pin_link(struct bpf_link *link, const char *dir, int *n)
{
	char path[512], name[16];
	int err;

	if (!link)
		return 0;
	snprintf(name, sizeof(name), "%d", (*n)++);
	path_of(path, sizeof(path), dir, "links", name);
	err = bpf_link__pin(link, path);
	if (err)
		log_err("cannot pin link %s (fd %d): %s", path, bpf_link__fd(link),
			strerror(-err));
	else
		bpf_link__disconnect(link); /* destroying it now leaves it attached */
	return err;
}

int kernel__pin(struct kernel *k, const char *dir)
{
	struct control live = { .gen = k->gen };
	char path[512];
	__u32 zero = 0;
	int n = 0, err;

	err = check_bpffs(dir);
	if (err)
		return err;
	unpin_all(dir);
	if (mkdir(dir, 0700) && errno != EEXIST)
		goto fail;
	path_of(path, sizeof(path), dir, "maps", NULL);
	if (mkdir(path, 0700) && errno != EEXIST)
		goto fail;
	path_of(path, sizeof(path), dir, "links", NULL);
	if (mkdir(path, 0700) && errno != EEXIST)
		goto fail;
	for (size_t i = 0; i < sizeof(reused) / sizeof(reused[0]); i++) {
		struct bpf_map *map = bpf_object__find_map_by_name(k->skel->obj, reused[i]);

		if (!map || bpf_map__fd(map) < 0)
			continue;
		path_of(path, sizeof(path), dir, "maps", reused[i]);
		err = bpf_map__pin(map, path);
		if (err) {
			log_err("cannot pin map %s at %s: %s", reused[i], path, strerror(-err));
			goto fail_err;
		}
	}
	for (size_t i = 0; i < k->nlinks && !err; i++)
		err = pin_link(k->links[i], dir, &n);
	for (int i = 0; i < LIFE_LINKS && !err; i++)
		err = pin_link(k->life_links[i], dir, &n);
	for (int i = 0; i < URING_LINKS && !err; i++)
		err = pin_link(k->uring.links[i], dir, &n);
	for (int i = 0; i < 2 && !err; i++)
		err = pin_link(k->lsm_links[i], dir, &n);
	for (int i = 0; i < 4 && !err; i++)
		err = pin_link(k->deny_links[i], dir, &n);
	for (size_t i = 0; i < k->nlink_fds && !err; i++) {
		char name[16];

		snprintf(name, sizeof(name), "%d", n++);
		path_of(path, sizeof(path), dir, "links", name);
		err = bpf_obj_pin(k->link_fds[i], path) ? -errno : 0;
	}
	if (err)
		goto fail_err;
	/* the mode, for the next agent (the generation is there already) */
	live.mode = k->mode;
	if (bpf_map_update_elem(bpf_map__fd(k->skel->maps.control), &zero, &live, BPF_ANY))
		goto fail;
	k->pinned = true;
	log_info("programs left attached, maps and ring pinned under %s (%d links): the next "
		 "`cactus monitor --pin-path %s` adopts them; `cactus detach` removes them", dir,
		 n, dir);
	return 0;
fail:
	err = -errno;
fail_err:
	log_err("cannot pin under %s: %s; detaching as usual", dir, strerror(-err));
	unpin_all(dir);
	return err;
}

int kernel__detach_pinned(const char *dir)
{
	struct stat st;
	int err;

	if (stat(dir, &st)) {
		log_info("nothing pinned under %s", dir);
		return 0;
	}
	err = unpin_all(dir);
	if (err) {
		log_err("cannot remove %s: %s", dir, strerror(-err));
		return err;
	}
	log_info("removed %s: the programs left by the last agent are detached", dir);
	return 0;
}

int kernel__adopted_ring_fd(const struct kernel *k)
{
	return k->old_ring_fd;
}
