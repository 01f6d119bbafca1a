/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Types shared by the kernel side (bpf/) and the user side (src/).
 * Only fixed-width types, largest fields first, explicit padding, sizes
 * pinned by _Static_assert so both compilers agree on the layout.
 */
#ifndef CACTUS_EVENT_H
#define CACTUS_EVENT_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define CACTUS_COMM_LEN 16
#define CACTUS_MAX_SYSCALLS 512       /* x86_64 syscall numbers are < 512 */
#define CACTUS_DATA_MAX 4096          /* variable area of one record */
#define CACTUS_STR_MAX 256            /* one path or one argv element */
#define CACTUS_ARGV_BYTES 1024        /* argv copied for execve */
#define CACTUS_ARGV_MAX 20            /* argv elements read from a failed execve */
#define CACTUS_PATH_DEPTH 16          /* dentry components kept for a directory (power of 2) */

/* How the kernel side captures a traced syscall's details (syscall_conf.kind). */
enum cactus_kind {
	CK_PLAIN = 0,   /* raw args only */
	CK_PATH = 1,    /* path_arg (+ dirfd_arg) (+ path2_arg, path2_dirfd_arg) */
	CK_EXEC = 2,    /* execve/execveat: filename + argv */
	CK_SOCKADDR = 3,/* sockaddr at addr_arg */
	CK_FD = 4,      /* fd at arg 0: the kernel resolves it to a path */
};

#define CACTUS_NO_ARG 0xff

/*
 * Facts about a syscall: one set for both sides. The table of src/syscalls.c
 * gives each syscall its facts (struct cactus_syscall.flags); user space
 * writes the SCF_KERNEL ones into syscall_conf.flags, with the SCF_RUNTIME
 * bits it sets per run (never in the table). The kernel reads only those.
 */
#define SCF_TRACED   0x0001 /* run time: capture this syscall */
#define SCF_NORET    0x0002 /* never returns (exit, exit_group): no sys_exit,
			     * the record is emitted at entry */
#define SCF_ENFORCE  0x0004 /* run time: some kill rule names this syscall:
			     * check at entry */
#define SCF_NSCHANGE 0x0008 /* may move the caller to other namespaces (setns,
			     * unshare): sys_exit looks for an entry even for
			     * a host task */
#define SCF_EXEC     0x0010 /* runs a program (execve-like): a successful
			     * execveat leaves sys_exit with execve's number */
#define SCF_FD_GONE  0x0020 /* closes its fd argument (gone by sys_exit) */
#define SCF_OPEN     0x0040 /* opens a file by path, returns its fd (what
			     * --deny-open covers): sys_exit names the file
			     * actually opened (EF_RESOLVED) */
/* user space only */
#define SCF_OFF      0x0080 /* too frequent to trace unless named (--syscall) */
#define SCF_CONNECT  0x0100 /* connects a socket (network deny: connect) */
#define SCF_BIND     0x0200 /* binds or listens (network deny: bind) */
#define SCF_SIGNAL   0x0400 /* sends a signal: sig_arg, target_arg are set */
#define SCF_OFLAGS   0x0800 /* open flags at flags_arg */
#define SCF_MODE     0x1000 /* permission bits being set at mode_arg */

#define SCF_COUNTED  0x2000 /* run time: counted per container (syscall_counts)
			     * without a record, unless SCF_TRACED too */

#define SCF_RUNTIME (SCF_TRACED | SCF_ENFORCE | SCF_COUNTED)
#define SCF_KERNEL  (SCF_NORET | SCF_NSCHANGE | SCF_EXEC | SCF_FD_GONE | SCF_OPEN)

/* Value of the syscall_conf array map, indexed by syscall number. Written by
 * user space from src/syscalls.c, the single table of traced syscalls. */
struct syscall_conf {
	__u16 flags;
	__u8 kind;
	__u8 category; /* enum cactus_category of src/syscalls.h: a lost record's */
	__u8 path_arg;
	__u8 dirfd_arg;
	__u8 path2_arg;
	__u8 path2_dirfd_arg;
	__u8 addr_arg;
	__u8 fd_arg;   /* CK_FD: the descriptor resolved to a path */
	__u8 slot;     /* its row in syscall_counts: its index in src/syscalls.c */
	__u8 pad[5];
};
_Static_assert(sizeof(struct syscall_conf) == 16, "syscall_conf layout");

/* A task's (pid-ns, mnt-ns) inode pair: differs from the host's inside a
 * container. Inode numbers are reused once a namespace dies: the pair says
 * "in a container", the cgroup id says which one. */
struct ns_key {
	__u32 pid_ns;
	__u32 mnt_ns;
};
_Static_assert(sizeof(struct ns_key) == 8, "ns_key layout");

/* cgroup_watch map values (key: cgroup v2 id, never reused by the kernel) */
#define WATCH_IGNORE 0 /* known, and filtered out by the user (--container ...) */
#define WATCH_KNOWN  1 /* known to user space: no cgroup names in records */

/* Strings in the variable data area of an event, by slot. */
enum cactus_str {
	STR_PATH = 0,   /* path argument as the process passed it; exe for execve */
	STR_BASE = 1,   /* directory a relative STR_PATH is relative to (cwd or dirfd) */
	STR_EXTRA = 2,  /* second path (rename/link) or argv (NUL separated) */
	STR_CGROUP = 3, /* "parent/leaf" names of the task's cgroup v2 (only for
			 * cgroups user space does not know yet) */
	STR_NSLOTS = 4,
};

/* event flags */
#define EF_NO_ENTER   0x01 /* exit seen without entry (e.g. refused by seccomp) */
#define EF_NO_EXIT    0x02 /* syscall does not return; ret is meaningless */
#define EF_TRUNCATED  0x04 /* a string or path was cut short */
#define EF_HAS_ADDR   0x08 /* family/port/addr are valid */
#define EF_ARGV_NUL   0x10 /* STR_EXTRA holds NUL-separated argv */
#define EF_KILLED     0x20 /* a kill rule sent SIGKILL at this syscall (entry or exit) */
#define EF_SETUP      0x40 /* the runtime's set-up of the container (runc/crun init
			    * before it execs the workload), not the workload */
#define EF_RESOLVED   0x80 /* STR_PATH is the file the kernel opened, as the task sees
			    * it from its root; STR_BASE holds the path as passed */

/* What a record in the ring is (cactus_event.type). Lifecycle records come
 * through the same ring as syscalls, so user space sees them in order: every
 * record of a container's processes precedes its init's exit and the removal
 * of its cgroup. */
enum cactus_rec {
	REC_SYSCALL = 0,      /* a syscall (every field) */
	REC_INIT_EXIT = 1,    /* a container's init (pid 1 of its pid namespace)
			       * exited: task fields, ret = its exit_code */
	REC_CGROUP_RMDIR = 2, /* cgroup v2 cgroup_id, known to user space, was removed */
	REC_GAP = 3,          /* records of cgroup_id were lost: struct gap in args */
	/* The process table (src/procs), from the scheduler's tracepoints, for
	 * every process of a watched container whatever the filters: */
	REC_PROC_FORK = 4,    /* a new process (not a thread): host_pid the child,
			       * host_ppid its parent, comm inherited; EF_SETUP if
			       * the child is in the runtime's set-up */
	REC_PROC_EXEC = 5,    /* host_pid exec'd: STR_PATH the file executed (as the
			       * task sees it), STR_BASE the name asked for,
			       * STR_EXTRA the script's interpreter if any; comm is
			       * the new one; args[PROC_ARG_*]; file_* the exe's */
	REC_PROC_EXIT = 6,    /* the last thread of host_pid exited (ret: exit_code) */
};

/* args[] of a REC_PROC_EXEC (and REC_PROC_FORK) record. */
#define PROC_ARG_FLAGS 0 /* PROC_F_* */
#define PROC_F_ENTRYPOINT 0x1   /* the runtime's set-up exec'd the container's
				 * init (pid 1 of its pid namespace) */
#define PROC_F_EXEC_SESSION 0x2 /* it exec'd the command of an exec session
				 * (docker exec, ctr task exec, podman exec) */
#define PROC_ARG_TTY 1   /* controlling terminal: kernel dev_t (major << 20 |
			  * minor), 0 without one */

/* Value of the budgets map (bpf/maps.h, capture.h), keyed by cgroup id. */
struct budget {
	__u64 window_start;     /* the consumer's position in the ring then */
	__u64 first_loss;       /* CLOCK_BOOTTIME ns of the first unreported loss */
	__u64 last_loss;
	__u32 bytes;            /* written in this window */
	__u32 lost;             /* lost since the last gap record */
	__u32 cats;             /* bit per category of the lost */
	__u32 cause;            /* GAP_* */
};
_Static_assert(sizeof(struct budget) == 40, "budget layout");

/* A REC_GAP record's args[]: what was lost, between its first loss
 * (ts_boot_ns) and its last. */
#define GAP_LAST_TS 0   /* args[0]: CLOCK_BOOTTIME ns of the last loss */
#define GAP_LOST 1      /* args[1]: records lost */
#define GAP_CATS 2      /* args[2]: bit per category of the lost records */
#define GAP_CAUSE 3     /* args[3]: GAP_THROTTLED | GAP_RING_FULL */
#define GAP_THROTTLED 1 /* over its budget while the ring was under pressure */
#define GAP_RING_FULL 2 /* the ring had no room */

/* One record in the ring buffer: header + data_len bytes of strings. */
struct cactus_event {
	__u64 ts_boot_ns;      /* syscall entry, CLOCK_BOOTTIME */
	__u64 cgroup_id;       /* cgroup v2 id of the task */
	__s64 ret;             /* return value (0 when EF_NO_EXIT) */
	__u64 args[6];         /* raw syscall arguments */
	__u32 pid_ns;          /* inode of the task's active pid namespace */
	__u32 mnt_ns;          /* inode of the task's mount namespace */
	__u32 host_pid;        /* tgid in the initial pid namespace */
	__u32 host_tid;        /* tid in the initial pid namespace */
	__u32 host_ppid;       /* parent's tgid in the initial pid namespace */
	__u32 pid;             /* tgid inside the task's pid namespace */
	__u32 ppid;            /* parent's tgid inside it (0: parent outside) */
	__u32 uid;             /* real uid (initial user namespace) */
	__u32 gid;             /* real gid */
	__u32 syscall_nr;
	__u32 kill_rule;       /* EF_KILLED: index + 1 of the kernel rule that killed */
	__u8 type;             /* enum cactus_rec */
	/* A syscall record made from an io_uring operation (bpf/uring.h): the
	 * syscall is its twin (IORING_OP_OPENAT: openat). */
	__u8 uring_thread;     /* URING_* of the thread that carried it out; 0: a syscall */
	__u8 uring_op;         /* its IORING_OP_* */
	__u8 pad0;
	__u16 flags;           /* EF_* */
	__u16 data_len;        /* bytes used in data[] */
	__u16 str_off[STR_NSLOTS]; /* offset of each string in data[] */
	__u16 str_len[STR_NSLOTS]; /* length without NUL; 0: absent */
	__u16 family;          /* AF_INET, AF_INET6, AF_UNIX when EF_HAS_ADDR */
	__u16 port;            /* host byte order */
	__u8 addr[16];         /* IPv4 in the first 4 bytes, or IPv6 */
	char comm[CACTUS_COMM_LEN];
	/* The file the syscall opened (EF_RESOLVED) or executed (REC_PROC_EXEC):
	 * the same inode under every name, hard links included. */
	__u64 file_ino;
	__u32 file_dev;        /* kernel dev_t of its superblock (major << 20 | minor) */
	__u32 file_nlink;
	char data[CACTUS_DATA_MAX];
};
#define CACTUS_EVENT_HDR_SIZE 192
_Static_assert(sizeof(struct cactus_event) == CACTUS_EVENT_HDR_SIZE + CACTUS_DATA_MAX,
	       "cactus_event layout");

/* cactus_event.uring_thread: which thread of the ring's owner carried the
 * operation out (all share its tgid, cgroup, namespaces and fd table). */
#define URING_INLINE 1  /* the submitter itself, in io_uring_enter (or its task work) */
#define URING_SQPOLL 2  /* the ring's submission thread (IORING_SETUP_SQPOLL: iou-sqp-*) */
#define URING_WORKER 3  /* an io-wq worker (iou-wrk-*): blocking or IOSQE_ASYNC work */

/* What the kernel reads from an io_uring request for its record (struct
 * uring_conf.kind): which io_uring_* op struct holds the arguments. */
enum uring_kind {
	UK_NONE = 0,     /* not reported */
	UK_OPEN,         /* io_open: dfd, filename, how (OPENAT, OPENAT2) */
	UK_STATX,        /* io_statx: dfd, filename, flags, mask */
	UK_UNLINK,       /* io_unlink: dfd, filename, flags */
	UK_MKDIR,        /* io_mkdir: dfd, filename, mode */
	UK_RENAME,       /* io_rename: old and new dfd and path, flags */
	UK_LINK,         /* io_link: the same (LINKAT) */
	UK_SYMLINK,      /* io_link: oldpath the target, new dfd and path */
	UK_CONNECT,      /* io_connect: the fd, the user's sockaddr */
	UK_ACCEPT,       /* io_accept: the fd, where the peer's address goes */
	UK_SOCKET,       /* io_socket: domain, type, protocol */
	UK_CLOSE,        /* io_close: the fd */
	UK_RW,           /* io_rw: the fd (req->cqe.fd), buffer, length (READ, WRITE, V) */
	UK_MSG,          /* io_sr_msg: the fd, buffer or msghdr, length, flags */
	UK_FD,           /* the fd only (LISTEN) */
	UK_BIND,         /* the fd; the address, the kernel's copy made at prep */
};

/* Value of the uring_conf array map, indexed by IORING_OP_*: its syscall
 * twin, whose syscall_conf says whether it is traced. Written by user space
 * from src/syscalls.c (cactus_uring_ops). */
struct uring_conf {
	__u16 nr;        /* the twin's syscall number */
	__u8 kind;       /* enum uring_kind */
	__u8 pad;
};
_Static_assert(sizeof(struct uring_conf) == 4, "uring_conf layout");
#define CACTUS_URING_OPS 64   /* IORING_OP_* are below this */

/* Index of counters in the per-CPU `stats` map. */
enum cactus_stat {
	STAT_EVENTS = 0,      /* records written to the ring */
	STAT_DROPS = 1,       /* records that could not be written (ring full) */
	STAT_NO_ENTER = 2,    /* exits without a recorded entry */
	STAT_STASH_FULL = 3,  /* entries not stashed (stash map full) */
	STAT_READ_ERR = 4,    /* failed reads of user or kernel memory */
	STAT_KILLS = 5,       /* processes killed by a kill rule */
	STAT_DENIES = 6,      /* connect/bind refused by a deny rule */
	STAT_DROPS_UNATTRIBUTED = 7, /* drops not counted per container (table full) */
	STAT_THROTTLED = 8,   /* records a container lost to its budget (not in DROPS) */
	STAT_GAPS = 9,        /* gap records written */
	STAT_PHASE_FULL = 10, /* a task entering a container not marked as set-up
			       * (its stash could not be made) */
	STAT_URING_LOST = 11, /* io_uring requests of a watched container whose
			       * record was lost (the request table was full) */
	STAT_COUNTS_FULL = 12, /* syscalls not counted per container (table full) */
	STAT_NSTATS = 13,
};

/*
 * Each container's syscalls, counted in the kernel (counts_by_cgroup, by
 * cgroup v2 id) at the syscall's end, before any record is written: exact
 * whatever the ring drops, throttles or user space filters out. n[slot][0]
 * returned >= 0, n[slot][1] failed (ret < 0); slot is syscall_conf.slot.
 */
#define CACTUS_COUNT_SLOTS 192
enum { COUNT_OK, COUNT_ERR };
struct syscall_counts {
	__u64 n[CACTUS_COUNT_SLOTS][2];
};

/*
 * Enforcement rules compiled from kill/deny rules (src/enforce.c). Each
 * dimension is optional; the ones present are ANDed.
 */
#define CACTUS_MAX_KRULES 16
#define CACTUS_KRULE_STR 128
#define CACTUS_KRULE_PORTS 8

/* kill_rule.str_mode */
#define KR_STR_NONE   0
#define KR_STR_PREFIX 1 /* the syscall's path (resolved) starts with str */
#define KR_STR_EXACT  2 /* the syscall's path (resolved) equals str */

struct kill_rule {
	__u64 syscalls[CACTUS_MAX_SYSCALLS / 64]; /* bitmap by nr */
	__u32 rule_id;                 /* index in user space's rule set */
	__u8 used;
	__u8 scoped;                   /* 1: only pairs in rule_scope */
	__u8 str_mode;                 /* KR_STR_* */
	__u8 n_ports;
	__u16 ports[CACTUS_KRULE_PORTS]; /* host order; n_ports == 0: any */
	char str[CACTUS_KRULE_STR];
};
_Static_assert(sizeof(struct kill_rule) == 64 + 8 + 16 + 128, "kill_rule layout");

/* Every syscall some kill rule in use names (the union of their bitmaps):
 * for the others the programs skip building the path and the rule loop. */
struct kill_nrs {
	__u64 bits[CACTUS_MAX_SYSCALLS / 64];
};
_Static_assert(sizeof(struct kill_nrs) == 64, "kill_nrs layout");

/* A network deny rule, for the cgroup sock_addr programs. */
#define DR_CONNECT 0x1
#define DR_BIND    0x2

struct deny_rule {
	__u8 addr[16];                 /* network order; IPv4 in the first 4 bytes */
	__u32 rule_id;
	__u8 used;
	__u8 ops;                      /* DR_* */
	__u8 family;                   /* 0: any, AF_INET, AF_INET6 */
	__u8 prefix_len;               /* 0: any address */
	__u8 n_ports;
	__u8 scoped;                   /* 1: only pairs in rule_scope */
	__u8 pad[2];
	__u16 ports[CACTUS_KRULE_PORTS];
};
_Static_assert(sizeof(struct deny_rule) == 44, "deny_rule layout");

/* rule_scope key: the container of cgroup v2 @cgroup_id is selected by
 * kernel rule @idx. */
struct scope_key {
	__u64 cgroup_id;
	__u32 idx;                     /* kill rule index, or SCOPE_DENY + deny rule index */
	__u32 pad;
};
_Static_assert(sizeof(struct scope_key) == 16, "scope_key layout");
#define SCOPE_DENY 0x10000

/* The `control` map's one value: the generation of the agent whose
 * programs are live (bpf/maps.h). A stable layout: agents of different
 * versions share it across a restart. */
struct control {
	__u32 gen;
	__u32 mode;    /* the attach mode of the agent that pinned it (user space's
			* enum attach_mode; 0 while it runs) */
};
_Static_assert(sizeof(struct control) == 8, "control layout");

/* file_ids key: a file by identity (kernel dev_t of its superblock, inode). */
struct file_id {
	__u64 ino;
	__u32 dev;
	__u32 pad;
};
_Static_assert(sizeof(struct file_id) == 16, "file_id layout");

/* BPF-LSM deny_paths key: a full path as the task sees it, NUL-padded. */
#define CACTUS_DENY_PATH 256
struct deny_key {
	char path[CACTUS_DENY_PATH];
};
_Static_assert(sizeof(struct deny_key) == 256, "deny_key layout");

#endif /* CACTUS_EVENT_H */
