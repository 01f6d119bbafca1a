/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Every map of the kernel side, declared once (__weak: one map for both
 * variants of the programs, compat.h). */
#ifndef CACTUS_BPF_MAPS_H
#define CACTUS_BPF_MAPS_H

#include "base.h"

/* syscall nr -> traced? and how to read its arguments; written by user space
 * from the one syscall table (src/syscalls.c). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, CACTUS_MAX_SYSCALLS);
	__type(key, __u32);
	__type(value, struct syscall_conf);
} syscall_conf __weak SEC(".maps");

/* cgroup v2 id of cgroups user space knows -> WATCH_KNOWN or WATCH_IGNORE.
 * A task in a container's namespaces whose cgroup is absent is watched too
 * (and its records carry the cgroup's names), so a container's first syscall
 * is seen before user space has heard of it. LRU: an evicted entry only
 * costs a few names in the next records until user space sets it again.
 * Size set by user space (--max-containers). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, __u64);
	__type(value, __u8);
} cgroup_watch __weak SEC(".maps");

/* What sys_enter saw, per thread, until sys_exit. An entry is reused by
 * the thread's next syscall (no delete per syscall); `nr` tells a stale entry
 * from a syscall that reached sys_exit without sys_enter (refused by
 * seccomp). It also caches the thread's cgroup_watch verdict (valid while
 * watch_gen is unchanged), so a watched thread's entry costs one lookup. */
struct stash {
	__u64 cgroup_learnt; /* cgroup id learn_cgroup() saw last: no lookup */
	__u64 ts;
	__u64 args[6];
	struct ns_key key;  /* the task's namespaces at entry */
	__u16 level;        /* its pid namespace level */
	__u16 known;        /* its pair was in ns_watch (no cgroup name needed) */
	__u32 kill_rule;    /* index + 1 of the kill rule that fired at entry
			     * (or in BPF-LSM, deny.h) */
	__s32 nr;           /* syscall in flight, -1 when none */
	__u32 exec_len;     /* > 0: exec_name holds execve's filename (an exec),
			     * the file BPF-LSM refused (an open) */
	__u64 cg;           /* the task's cgroup v2 id at entry */
	__u64 vcg;          /* verdict cache: cgroup_watch said `watched`, `known` */
	__u32 vgen;         /* for vcg, when watch_gen was vgen - 1 (0: none) */
	__u8 vwatched;
	__u8 vknown;
	__u8 setup;         /* the runtime's set-up: entered from the host (procs.h),
			     * until its next exec */
	__u8 vpad;
	__u64 refused_ino;  /* an open BPF-LSM refused (exec_len > 0 in an open):
			     * the file's identity, its path in exec_name */
	__u32 refused_dev;
	__u32 refused_pad;
	char exec_name[CACTUS_STR_MAX]; /* read at entry: after a successful
					 * exec the old memory holding it is gone */
};

/* The stash in task-local storage: a pointer away from the task, freed with
 * it. Used by the tracepoint, tp_btf and raw_tp programs. */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct stash);
} stash_tls __weak SEC(".maps");

/* The stash in an LRU hash by thread id (entries of dead threads age out):
 * for fentry/kprobe, where task storage fails on 6.1. User space shrinks it
 * to one entry when the loaded mode does not use it. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);
	__type(value, struct stash);
} stash __weak SEC(".maps");

/* Per-CPU buffer an event is built in before it is copied into the ring with
 * its real (variable) length. The slack lets the verifier see every string
 * copy in bounds. */
struct scratch {
	struct cactus_event e;
	char slack[CACTUS_ARGV_BYTES];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} scratch __weak SEC(".maps");

/* Events to user space. Size set by user space (--ring-size). */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 << 20);
} events __weak SEC(".maps");

/* Counters (enum cactus_stat), per CPU: drops are never silent. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, STAT_NSTATS);
	__type(key, __u32);
	__type(value, __u64);
} stats __weak SEC(".maps");

/* Per CPU: when this CPU last woke the consumer (CLOCK_MONOTONIC ns). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} last_wake __weak SEC(".maps");

/* Kill rules, checked at syscall entry for syscalls marked SCF_ENFORCE. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, CACTUS_MAX_KRULES);
	__type(key, __u32);
	__type(value, struct kill_rule);
} kill_rules __weak SEC(".maps");

/* The syscalls some kill rule names (written by user space with kill_rules,
 * a superset while they change). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct kill_nrs);
} kill_nrs __weak SEC(".maps");

/* Network deny rules, checked by the cgroup sock_addr programs. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, CACTUS_MAX_KRULES);
	__type(key, __u32);
	__type(value, struct deny_rule);
} deny_rules __weak SEC(".maps");

/* Which containers (by cgroup id) a rule scoped by container name/image
 * selects. Not LRU: an evicted entry would silently stop a kill rule; user
 * space removes a container's entries when it ends, and counts a full table. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, struct scope_key);
	__type(value, __u8);
} rule_scope __weak SEC(".maps");

/* cgroup v2 id of container tasks -> bitmask of deny rules that apply. The
 * sock_addr programs cannot see the task's namespaces, only its cgroup: the
 * tracing programs learn a container's cgroup at its first traced syscall,
 * user space corrects the mask once it knows the container and removes it
 * when the container ends. LRU: an evicted entry is learnt again at the
 * task's next traced syscall (connect and bind are traced when a deny rule
 * exists, so before the deny program runs). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, __u64);
	__type(value, __u32);
} container_cgroups __weak SEC(".maps");

/* BPF-LSM deny list: full paths (as the task sees them, NUL-padded) whose
 * open or exec fails with EPERM for watched tasks. Filled by user space
 * (--deny-open, file deny rules). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct deny_key);
	__type(value, __u8);
} deny_paths __weak SEC(".maps");

/* Per CPU: the path the non-sleepable BPF-LSM variant builds (no bpf_d_path
 * in LSM hooks before 5.11, see deny.h) and its key. Not the tracing
 * programs' scratch: an LSM hook runs inside a syscall they are tracing. */
struct lsm_buf {
	struct deny_key key;
	struct scratch s;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct lsm_buf);
} lsm_buf __weak SEC(".maps");

/*
 * Per CPU: the dentry walk's state (path.h), off the stack: a program's
 * stack and its calls' share 512 bytes, and the walk is a call of its own
 * in the `_noloop` variants.
 */
#define NAME_INLINE 32 /* bytes of a dentry's inline name kept (path.h) */

struct walk_state {
	/* the components, leaf first: a name stored in its dentry (most) is
	 * copied here as read with the dentry, else only its pointer is kept */
	const unsigned char *names[CACTUS_PATH_DEPTH];
	__u64 inl[CACTUS_PATH_DEPTH][NAME_INLINE / 8];
	__u8 inl_len[CACTUS_PATH_DEPTH]; /* 0: not copied, read names[] */
	struct dentry *dentry;      /* where the walk is */
	struct vfsmount *vfsmnt;
	struct dentry *root_dentry; /* the task's root: where it stops */
	struct vfsmount *root_mnt;
	/* the mount the walk is in, read once per mount (mount_facts) */
	struct vfsmount *facts_of;
	struct dentry *mnt_root;
	struct mount *mnt_parent;
	struct dentry *mnt_mountpoint;
	__u32 n;                    /* names kept */
	__u32 pos;                  /* write position in the record's data */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct walk_state);
} walk_state __weak SEC(".maps");

/*
 * Per CPU: the `_noloop` kill-rule loop's input (kill.h). Without bpf_loop
 * (before 5.17) the loops are global functions, each verified once on its
 * own with scalar arguments only, instead of once for every state of every
 * caller (which exceeds the verifier's budget); what they need travels here.
 */
/* What a kill rule is judged on, besides the path (kill.h). */
struct kill_facts {
	__u64 cg;                  /* the task's cgroup v2 id (rule scopes) */
	__u32 nr;
	__u16 port;                /* destination/bind port, 0 if none */
	__u16 has_port;
	__u32 fid_mask;            /* rules whose protected file this is (file_ids) */
	__u32 need_str;            /* the LSM hooks: rules on a path or exe only */
};

struct kill_in {
	struct kill_facts f;
	__u32 has_path;
	char path[CACTUS_KRULE_STR + 1]; /* +1: a longer path is not cut to a rule's length */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct kill_in);
} kill_in __weak SEC(".maps");

/* Records lost because the ring was full, per cgroup v2 id: user space says
 * which container lost how many, and removes the entry when it ends. When
 * the table is full the drop is counted in STAT_DROPS_UNATTRIBUTED. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, __u64);
	__type(value, __u64);
} drops_by_cgroup __weak SEC(".maps");

/* Each watched cgroup's syscalls by syscall and outcome (event.h); user
 * space reads them on demand and removes a cgroup's entry when it is gone.
 * Allocated at a cgroup's first syscall: when the table is full, the call
 * is counted in STAT_COUNTS_FULL. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 8192);
	__type(key, __u64);
	__type(value, struct syscall_counts);
} counts_by_cgroup __weak SEC(".maps");

/* A container's share of the ring while the ring is under pressure (more
 * than half full): records (bytes) written in the current window, and what
 * it lost since its last gap record (throttled, or the ring full). LRU: an
 * evicted entry loses only an unreported gap's details (the drops stay
 * counted in STAT_THROTTLED/STAT_DROPS and drops_by_cgroup). */

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, __u64);
	__type(value, struct budget);
} budgets __weak SEC(".maps");

/* Host threads in setns()/unshare() (procs.h): set at entry, read at exit
 * to tell a task that came from the host into a container. LRU: a lost entry
 * leaves one runtime task unmarked (its set-up alerts), never the reverse. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u8);
} ns_entering __weak SEC(".maps");

/* Files protected by kill rules with an exact path, by identity (the inode
 * under every name: hard links, symlinks, any spelling): user space stats each
 * rule's path inside each container's root. Value: bit per kill rule. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, struct file_id);
	__type(value, __u32);
} file_ids __weak SEC(".maps");

/* Which agent's programs are live (see active() in base.h): one agent
 * adopting another's pinned maps attaches its programs first, then flips
 * `gen` to its own generation, so at every instant exactly one set of
 * programs writes records. Its layout never changes (struct control). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct control);
} control __weak SEC(".maps");

/* This object's generation, set before load (src/kernel/pin.c). */
const volatile __u32 my_gen __weak = 1;

/* Are this object's programs the live ones? An array lookup (inlined by the
 * verifier): a few instructions. */
static __always_inline bool active(void)
{
	__u32 zero = 0;
	struct control *c = bpf_map_lookup_elem(&control, &zero);

	return c && c->gen == my_gen;
}

/* Start-up calibration (src/calibrate.c): syscalls seen while `calibrating`
 * is set, [0] untraced, [1] traced, to weigh the attach modes' costs. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} calib __weak SEC(".maps");

/* ---- io_uring (uring.h) ---- */

/* Each IORING_OP_*'s syscall twin and what to read of it, from
 * src/syscalls.c (cactus_uring_ops). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, CACTUS_URING_OPS);
	__type(key, __u32);
	__type(value, struct uring_conf);
} uring_conf __weak SEC(".maps");

/* A request between submit and completion: what the record needs that is
 * gone by then (the paths: the kernel frees its copies first). */
struct uring_req {
	__u64 ts;
	__u64 cg;
	__u64 args[6];        /* in the twin's layout */
	struct ns_key key;
	__u32 kill_rule;      /* index + 1 of the kill rule that fired at submit */
	__s32 dfd;            /* what a relative path is relative to */
	__u32 file_slot;      /* an open into the ring's table: slot + 1 */
	__u16 level;
	__u16 nr;             /* the twin */
	__u8 op;              /* IORING_OP_* */
	__u8 kind;            /* enum uring_kind */
	__u8 known;
	__u8 setup;
	__u8 fixed;           /* the fd is a direct descriptor (a slot, not an fd) */
	__u8 has_addr;        /* path2 holds a BIND's sockaddr (uring_bind_addr) */
	__u8 pad[2];
	char path[CACTUS_STR_MAX];  /* the twin's path_arg, as spelled */
	char path2[CACTUS_STR_MAX]; /* its path2_arg */
};

/* Requests in flight, by their kernel address. An LRU: a ring abandoned
 * mid-flight cannot fill it; a request evicted before it completes is
 * counted (STAT_URING_LOST). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, __u64);
	__type(value, struct uring_req);
} uring_reqs __weak SEC(".maps");

/* Per CPU: a request built here before it goes into uring_reqs (larger
 * than a program's stack). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct uring_req);
} uring_build __weak SEC(".maps");

#endif
