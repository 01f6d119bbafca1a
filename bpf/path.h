/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Turning a struct path into a string inside BPF, as the process sees it:
 * the walk climbs dentries and crosses mounts until the task's root. Tracing
 * programs may not call bpf_d_path() from tracepoints, hence this walk.
 */
#ifndef CACTUS_BPF_PATH_H
#define CACTUS_BPF_PATH_H

#include "base.h"
#include "compat.h"
#include "maps.h"
#include "record.h"

#define NAME_MAX_BPF 256

/* A walk's state is in the per-CPU walk_state map (maps.h); this is the
 * bpf_loop context. */
struct walk_ctx {
	struct walk_state *w;
	struct cactus_event *e;
};

/* The current mount's root, parent and mountpoint, with one read
 * (struct mount: mnt_parent, mnt_mountpoint, then mnt whose first field is
 * mnt_root). False if unreadable. */
static __always_inline bool mount_facts(struct walk_state *w)
{
	struct vfsmount *vfsmnt = w->vfsmnt;
	struct mount *mnt = container_of(vfsmnt, struct mount, mnt);
	__u32 po = bpf_core_field_offset(struct mount, mnt_parent);
	__u32 mo = bpf_core_field_offset(struct mount, mnt_mountpoint);
	__u32 ro = bpf_core_field_offset(struct mount, mnt) +
		   bpf_core_field_offset(struct vfsmount, mnt_root);
	__u32 lo = min_u32(po, min_u32(mo, ro)), hi = max_u32(po, max_u32(mo, ro)) + 8;
	__u8 buf[SPAN_MAX];

	if (have_cast) {
		struct mount *m = KCAST(mnt, struct mount);

		w->mnt_parent = m->mnt_parent;
		w->mnt_mountpoint = m->mnt_mountpoint;
		w->mnt_root = m->mnt.mnt_root;
	} else if (read_span(buf, mnt, lo, hi)) {
		w->mnt_parent = BPF_CORE_READ(mnt, mnt_parent);
		w->mnt_mountpoint = BPF_CORE_READ(mnt, mnt_mountpoint);
		w->mnt_root = BPF_CORE_READ(vfsmnt, mnt_root);
	} else {
		w->mnt_parent = SPAN_AT(buf, lo, po, struct mount *);
		w->mnt_mountpoint = SPAN_AT(buf, lo, mo, struct dentry *);
		w->mnt_root = SPAN_AT(buf, lo, ro, struct dentry *);
	}
	w->facts_of = vfsmnt;
	return w->mnt_root != NULL;
}

/* Before 6.14 a short name is stored in d_iname (32 bytes), since in
 * d_shortname (40): the first NAME_INLINE bytes are read either way. */
struct dentry___iname {
	unsigned char d_iname[32];
} __attribute__((preserve_access_index));

static __always_inline __u32 dentry_inline_off(void)
{
	if (bpf_core_field_exists(struct dentry___iname, d_iname))
		return bpf_core_field_offset(struct dentry___iname, d_iname);
	return bpf_core_field_offset(struct dentry, d_shortname);
}

/*
 * One step's facts of dentry @d: its parent, and its name kept as component
 * @k of the walk: the first NAME_INLINE bytes of the dentry's inline name
 * store go to w->inl[k], used when the name is stored there (a name shorter
 * than NAME_INLINE: most), else its pointer is read when written. Direct loads where have_cast, else one read (d_parent,
 * d_name and the inline store are neighbours): either way a short name
 * costs no read of its own.
 */
static __always_inline struct dentry *dentry_up(struct walk_state *w, struct dentry *d,
						__u32 k, __u32 *len)
{
	__u32 po = bpf_core_field_offset(struct dentry, d_parent);
	__u32 no = bpf_core_field_offset(struct dentry, d_name);
	__u32 io = dentry_inline_off();
	__u32 lo = min_u32(po, min_u32(no, io));
	__u32 hi = max_u32(po + 8, max_u32(no + sizeof(struct qstr), io + NAME_INLINE));
	const unsigned char *name;
	struct dentry *parent;
	__u8 buf[SPAN_MAX];

	k &= CACTUS_PATH_DEPTH - 1;
	if (have_cast) {
		struct dentry *cd = KCAST(d, struct dentry);
		const __u64 *words = (const __u64 *)((const char *)cd + io);

		parent = cd->d_parent;
		name = cd->d_name.name;
		*len = cd->d_name.len;
		for (int j = 0; j < NAME_INLINE / 8; j++)
			w->inl[k][j] = words[j];
	} else if (read_span(buf, d, lo, hi)) {
		/* a layout wider than a span: field by field */
		parent = BPF_CORE_READ(d, d_parent);
		name = BPF_CORE_READ(d, d_name.name);
		*len = BPF_CORE_READ(d, d_name.len);
		bpf_probe_read_kernel(w->inl[k], NAME_INLINE, (const char *)d + io);
	} else {
		parent = SPAN_AT(buf, lo, po, struct dentry *);
		name = SPAN_AT(buf, lo, no + offsetof(struct qstr, name), const unsigned char *);
		*len = SPAN_AT(buf, lo, no + offsetof(struct qstr, len), __u32);
		__builtin_memcpy(w->inl[k], buf + (io - lo), NAME_INLINE);
	}
	w->names[k] = name;
	w->inl_len[k] = name == (const unsigned char *)d + io && *len < NAME_INLINE ? *len : 0;
	return parent;
}

/* One step up: a dentry's parent, or across a mount to its mountpoint. */
static __noinline long walk_up(__u32 i, struct walk_ctx *c)
{
	struct walk_state *w = c->w;
	struct vfsmount *vfsmnt = w->vfsmnt;
	struct dentry *dentry = w->dentry, *parent;
	struct mount *mnt = container_of(vfsmnt, struct mount, mnt);
	__u32 len;

	(void)i;
	if (dentry == w->root_dentry && vfsmnt == w->root_mnt)
		return 1;
	if (w->facts_of != vfsmnt && !mount_facts(w))
		return 1;
	if (dentry == w->mnt_root) {
		if (w->mnt_parent == mnt)
			return 1; /* root of the mount tree */
		w->dentry = w->mnt_mountpoint;
		w->vfsmnt = &w->mnt_parent->mnt;
		return 0;
	}
	if (w->n >= CACTUS_PATH_DEPTH) {
		c->e->flags |= EF_TRUNCATED;
		return 1;
	}
	parent = dentry_up(w, dentry, w->n, &len);
	if (parent == dentry) {
		/* a file with no directory (memfd, anonymous inode): its own
		 * name alone, "/memfd:x"; a root ("/", length 1) adds nothing */
		if (len > 1)
			w->n++;
		return 1;
	}
	w->n++;
	w->dentry = parent;
	return 0;
}

/* Writes component n-1-i ("/name"), so the string comes out root first. */
static __noinline long walk_write(__u32 i, struct walk_ctx *c)
{
	struct walk_state *w = c->w;
	struct cactus_event *e = c->e;
	__u32 pos = w->pos, k, len;
	long r;

	if (i >= w->n)
		return 1;
	if (pos > CACTUS_DATA_MAX - NAME_MAX_BPF - 2) {
		e->flags |= EF_TRUNCATED;
		return 1;
	}
	k = (w->n - 1 - i) & (CACTUS_PATH_DEPTH - 1);
	pos = data_off(pos);
	e->data[pos] = '/';
	pos++;
	len = w->inl_len[k];
	if (len) {
		/* the bytes past the name are overwritten by what follows */
		__builtin_memcpy(&e->data[data_off(pos)], w->inl[k], NAME_INLINE);
		pos += len;
	} else {
		r = bpf_probe_read_kernel_str(&e->data[data_off(pos)], NAME_MAX_BPF, w->names[k]);
		if (r > 1)
			pos += r - 1;
	}
	w->pos = pos;
	return 0;
}

/* The walk from @w (set up by append_path) into slot @slot of @e. */
static __always_inline void walk_path(struct cactus_event *e, struct walk_state *w, int slot)
{
	struct walk_ctx c = { .w = w, .e = e };
	__u32 off = e->data_len;

	w->n = 0;
	w->pos = off;
	w->facts_of = NULL;
	LOOP(CACTUS_PATH_DEPTH + 8, CACTUS_PATH_DEPTH + 8, walk_up, &c);
	LOOP(CACTUS_PATH_DEPTH, CACTUS_PATH_DEPTH, walk_write, &c);
	if (w->pos == off) {
		e->data[data_off(off)] = '/';
		w->pos++;
	}
	str_set(e, slot, off, w->pos);
}

/* Which per-CPU record a walk writes: the tracing programs' scratch or the
 * LSM programs' own (maps.h). */
enum walk_buf { WALK_SCRATCH, WALK_LSM };

static __always_inline struct cactus_event *walk_record(int buf)
{
	__u32 zero = 0;

	if (buf == WALK_LSM) {
		struct lsm_buf *b = bpf_map_lookup_elem(&lsm_buf, &zero);

		return b ? &b->s.e : NULL;
	}
	{
		struct scratch *s = bpf_map_lookup_elem(&scratch, &zero);

		return s ? &s->e : NULL;
	}
}

#ifdef CACTUS_NOLOOP
/* The walk without bpf_loop: a global function, verified once (scalar
 * arguments only; the rest is in walk_state). Writes slot @slot of record
 * @buf. */
__noinline int path_walk_noloop(int buf, int slot)
{
	__u32 zero = 0;
	struct walk_state *w = bpf_map_lookup_elem(&walk_state, &zero);
	struct cactus_event *e = walk_record(buf);

	if (!w || !e)
		return 0;
	walk_path(e, w, slot & 3);
	return 0;
}
#endif

/*
 * Writes the path of @dir into slot @slot, as the task sees it from @root.
 * With bpf_loop (5.17+) the walk is inline: bpf_loop keeps it verified once
 * instead of once per caller path; without, the global function above,
 * verified once too. @buf names the per-CPU record @e is (enum walk_buf),
 * for that function.
 */
static __always_inline void append_path(struct cactus_event *e, int buf, int slot,
					 const struct path *dir, const struct path *root)
{
	__u32 zero = 0;
	struct walk_state *w = bpf_map_lookup_elem(&walk_state, &zero);

	if (!w)
		return;
	w->dentry = dir->dentry;
	w->vfsmnt = dir->mnt;
	w->root_dentry = root->dentry;
	w->root_mnt = root->mnt;
#ifdef CACTUS_NOLOOP
	path_walk_noloop(buf, slot);
#else
	walk_path(e, w, slot);
#endif
}

/* Appends @dir as the task sees it (up to its root) as string @slot. */
static __always_inline void append_task_path(struct cactus_event *e, int buf, int slot,
					     struct task_struct *task, struct path *dir)
{
	struct path root = {
		.dentry = KREAD(task, fs, root.dentry),
		.mnt = KREAD(task, fs, root.mnt),
	};

	append_path(e, buf, slot, dir, &root);
}

/* The file behind descriptor @fd of the current task, or NULL. */
static __always_inline struct file *task_fd_file(struct task_struct *task, long fd)
{
	unsigned int max = KREAD(task, files, fdt, max_fds);
	struct file **fdarr = KREAD(task, files, fdt, fd);
	struct file *f = NULL;

	if (fd < 0 || fd >= max)
		return NULL;
	if (have_cast) {
		/* the slot read as the one pointer of a struct llist_node
		 * (bpf_rdonly_cast takes structs only): a load, no call */
		return (struct file *)KCAST(&fdarr[fd], struct llist_node)->next;
	}
	bpf_core_read(&f, sizeof(f), &fdarr[fd]);
	return f;
}

/* The directory a relative path is resolved against: the cwd for AT_FDCWD,
 * else what is open on @dirfd. Returns false if there is none. */
static __always_inline bool dir_of(struct task_struct *task, long dirfd, struct path *dir)
{
	struct fs_struct *fs = BPF_CORE_READ(task, fs);
	struct file *f;

	if (dirfd == AT_FDCWD)
		return !bpf_core_read(dir, sizeof(*dir), &fs->pwd);
	f = task_fd_file(task, dirfd);
	return f && !bpf_core_read(dir, sizeof(*dir), &f->f_path);
}

#endif
