// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The single source of truth for what cactus traces and every per-syscall
 * fact (see syscalls.h). User space writes the kernel's part of it into the
 * syscall_conf map at start-up; the kernel side only knows "traced or not",
 * "how to read the arguments" and the SCF_KERNEL facts from that map.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>
#include <asm/unistd.h>
#include "syscalls.h"

#define N CACTUS_NO_ARG

/* Field order: name, activity, category, kind, path, dirfd, path2, path2_dirfd,
 * addr, then any further designated fields (.flags, .flags_arg, ...). */
#define SC(nm, act, cat, knd, p, d, p2, d2, a, ...) \
	{ .name = #nm, .activity = act, .nr = __NR_##nm, .category = cat, \
	  .kind = knd, .path_arg = p, .dirfd_arg = d, \
	  .path2_arg = p2, .path2_dirfd_arg = d2, .addr_arg = a, __VA_ARGS__ }
#define PLAIN(nm, act, cat, ...) SC(nm, act, cat, CK_PLAIN, N, N, N, N, N, __VA_ARGS__)
#define PATH(nm, act, cat, p, ...) SC(nm, act, cat, CK_PATH, p, N, N, N, N, __VA_ARGS__)
#define PATHAT(nm, act, cat, d, p, ...) SC(nm, act, cat, CK_PATH, p, d, N, N, N, __VA_ARGS__)
#define PATH2(nm, act, cat, p, p2) SC(nm, act, cat, CK_PATH, p, N, p2, N, N)
#define PATH2AT(nm, act, cat, d, p, d2, p2) SC(nm, act, cat, CK_PATH, p, d, p2, d2, N)
#define FD(nm, act, cat, ...) SC(nm, act, cat, CK_FD, N, N, N, N, N, .fd_arg = 0, __VA_ARGS__)
#define ADDR(nm, act, a, ...) SC(nm, act, CAT_NET, CK_SOCKADDR, N, N, N, N, a, __VA_ARGS__)
#define EXEC(nm, d, p) SC(nm, "Process Create", CAT_PROC, CK_EXEC, p, d, N, N, N, .flags = SCF_EXEC)
/* t, s: the target's and the signal's argument; f: more flags */
#define SIG(nm, act, t, s, f) \
	PLAIN(nm, act, CAT_SIGNAL, .flags = SCF_SIGNAL | (f), .sig_arg = s, .target_arg = t)
/* off by default: too frequent in any program */
#define OFF .flags = SCF_OFF

const struct cactus_syscall cactus_syscalls[] = {
	FD(read, "File Read", CAT_FILE, OFF),
	FD(write, "File Write", CAT_FILE, OFF),
	PATH(open, "File Open", CAT_FILE, 0, .flags = SCF_OPEN | SCF_OFLAGS, .flags_arg = 1),
	FD(close, "File Close", CAT_FILE, .flags = SCF_OFF | SCF_FD_GONE),
	PATH(stat, "File Stat", CAT_FILE, 0, OFF),
	PATH(lstat, "File Stat", CAT_FILE, 0, OFF),
	PLAIN(mmap, "Memory Map", CAT_MEM, OFF),
	PLAIN(mprotect, "Memory Protect", CAT_MEM, OFF),
	PLAIN(munmap, "Memory Unmap", CAT_MEM, OFF),
	SIG(rt_sigaction, "Signal Handler Set", N, 0, SCF_OFF),
	SIG(rt_sigreturn, "Signal Return", N, N, SCF_OFF),
	PLAIN(ioctl, "Device Control", CAT_FILE, OFF),
	FD(readv, "File Read", CAT_FILE, OFF),
	FD(writev, "File Write", CAT_FILE, OFF),
	PATH(access, "File Access Check", CAT_FILE, 0, OFF),
	PLAIN(mremap, "Memory Remap", CAT_MEM, OFF),
	PLAIN(madvise, "Memory Advise", CAT_MEM, OFF),
	PLAIN(dup2, "File Descriptor Duplicate", CAT_FILE, OFF),
	PLAIN(socket, "Socket Create", CAT_NET),
	ADDR(connect, "Network Connect", 1, .flags = SCF_CONNECT),
	ADDR(accept, "Network Accept", 1),
	ADDR(sendto, "Network Send", 4, OFF),
	ADDR(recvfrom, "Network Receive", 4, OFF),
	PLAIN(sendmsg, "Network Send", CAT_NET, OFF),
	PLAIN(recvmsg, "Network Receive", CAT_NET, OFF),
	PLAIN(shutdown, "Network Shutdown", CAT_NET),
	ADDR(bind, "Network Bind", 1, .flags = SCF_BIND),
	PLAIN(listen, "Network Listen", CAT_NET, .flags = SCF_BIND),
	PLAIN(socketpair, "Socket Pair Create", CAT_NET),
	PLAIN(setsockopt, "Socket Option Set", CAT_NET, OFF),
	PLAIN(clone, "Process Clone", CAT_PROC),
	PLAIN(fork, "Process Fork", CAT_PROC),
	PLAIN(vfork, "Process Fork", CAT_PROC),
	EXEC(execve, N, 0),
	PLAIN(exit, "Thread Exit", CAT_PROC, .flags = SCF_NORET),
	PLAIN(wait4, "Process Wait", CAT_PROC, OFF),
	SIG(kill, "Signal Send", 0, 1, 0),
	PLAIN(uname, "System Info", CAT_SYSTEM, OFF),
	PLAIN(fcntl, "File Control", CAT_FILE, OFF),
	PATH(truncate, "File Truncate", CAT_FILE, 0),
	FD(ftruncate, "File Truncate", CAT_FILE),
	PATH(chdir, "Directory Change", CAT_DIR, 0),
	FD(fchdir, "Directory Change", CAT_DIR),
	PATH2(rename, "File Rename", CAT_FILE, 0, 1),
	PATH(mkdir, "Directory Create", CAT_DIR, 0),
	PATH(rmdir, "Directory Remove", CAT_DIR, 0),
	PATH(creat, "File Create", CAT_FILE, 0, .flags = SCF_OPEN),
	PATH2(link, "File Link", CAT_FILE, 0, 1),
	PATH(unlink, "File Delete", CAT_FILE, 0),
	PATH2(symlink, "File Symlink", CAT_FILE, 1, 0),
	PATH(readlink, "File Read Link", CAT_FILE, 0, OFF),
	PATH(chmod, "File Permission Change", CAT_FILE, 0, .flags = SCF_MODE, .mode_arg = 1),
	FD(fchmod, "File Permission Change", CAT_FILE, .flags = SCF_MODE, .mode_arg = 1),
	PATH(chown, "File Owner Change", CAT_FILE, 0),
	FD(fchown, "File Owner Change", CAT_FILE),
	PATH(lchown, "File Owner Change", CAT_FILE, 0),
	PLAIN(ptrace, "Process Trace", CAT_SYSTEM),
	PLAIN(syslog, "Kernel Log Access", CAT_SYSTEM),
	PLAIN(setuid, "User ID Change", CAT_PERM),
	PLAIN(setgid, "Group ID Change", CAT_PERM),
	PLAIN(setpgid, "Process Group Change", CAT_PROC),
	PLAIN(setsid, "Session Create", CAT_PROC),
	PLAIN(setreuid, "User ID Change", CAT_PERM),
	PLAIN(setregid, "Group ID Change", CAT_PERM),
	PLAIN(setgroups, "Groups Change", CAT_PERM),
	PLAIN(setresuid, "User ID Change", CAT_PERM),
	PLAIN(setresgid, "Group ID Change", CAT_PERM),
	PLAIN(setfsuid, "User ID Change", CAT_PERM),
	PLAIN(setfsgid, "Group ID Change", CAT_PERM),
	PLAIN(capset, "Capability Change", CAT_PERM),
	SIG(rt_sigqueueinfo, "Signal Send", 0, 1, 0),
	PATH(mknod, "Device Node Create", CAT_FILE, 0),
	PLAIN(personality, "Execution Domain Change", CAT_PROC),
	PATH2(pivot_root, "Root Pivot", CAT_NS_MOUNT, 0, 1),
	PLAIN(prctl, "Process Control", CAT_PROC),
	PATH(chroot, "Root Change", CAT_NS_MOUNT, 0),
	PATH(acct, "Process Accounting", CAT_SYSTEM, 0),
	PLAIN(settimeofday, "System Time Change", CAT_SYSTEM),
	PATH2(mount, "Filesystem Mount", CAT_NS_MOUNT, 1, 0),
	PATH(umount2, "Filesystem Unmount", CAT_NS_MOUNT, 0, .fn = "umount"),
	PATH(swapon, "Swap Enable", CAT_SYSTEM, 0),
	PATH(swapoff, "Swap Disable", CAT_SYSTEM, 0),
	PLAIN(reboot, "System Reboot", CAT_SYSTEM),
	PLAIN(sethostname, "Hostname Change", CAT_SYSTEM),
	PLAIN(setdomainname, "Domain Name Change", CAT_SYSTEM),
	PLAIN(iopl, "I/O Privilege Change", CAT_SYSTEM),
	PLAIN(ioperm, "I/O Permission Change", CAT_SYSTEM),
	PLAIN(init_module, "Kernel Module Load", CAT_SYSTEM),
	PLAIN(delete_module, "Kernel Module Unload", CAT_SYSTEM),
	SIG(tkill, "Signal Send", 0, 1, 0),
	FD(getdents64, "Directory Read", CAT_DIR, OFF),
	PLAIN(exit_group, "Process Exit", CAT_PROC, .flags = SCF_NORET),
	SIG(tgkill, "Signal Send", 1, 2, 0),
	PATHAT(openat, "File Open", CAT_FILE, 0, 1, .flags = SCF_OPEN | SCF_OFLAGS, .flags_arg = 2),
	PATHAT(mkdirat, "Directory Create", CAT_DIR, 0, 1),
	PATHAT(mknodat, "Device Node Create", CAT_FILE, 0, 1),
	PATHAT(fchownat, "File Owner Change", CAT_FILE, 0, 1),
	PATHAT(unlinkat, "File Delete", CAT_FILE, 0, 1),
	PATH2AT(renameat, "File Rename", CAT_FILE, 0, 1, 2, 3),
	PATH2AT(linkat, "File Link", CAT_FILE, 0, 1, 2, 3),
	PATH2AT(symlinkat, "File Symlink", CAT_FILE, 1, 2, N, 0),
	PATHAT(readlinkat, "File Read Link", CAT_FILE, 0, 1, OFF),
	PATHAT(fchmodat, "File Permission Change", CAT_FILE, 0, 1, .flags = SCF_MODE, .mode_arg = 2),
	PATHAT(faccessat, "File Access Check", CAT_FILE, 0, 1, OFF),
	PLAIN(unshare, "Namespace Create", CAT_NS_MOUNT, .flags = SCF_NSCHANGE),
	PATHAT(utimensat, "File Time Change", CAT_FILE, 0, 1),
	ADDR(accept4, "Network Accept", 1),
	PLAIN(dup3, "File Descriptor Duplicate", CAT_FILE, OFF),
	SIG(rt_tgsigqueueinfo, "Signal Send", 1, 2, 0),
	PLAIN(perf_event_open, "Performance Monitor Open", CAT_SYSTEM),
	PATHAT(name_to_handle_at, "File Handle Get", CAT_FILE, 0, 1),
	/* opens the file a handle names (needs CAP_DAC_READ_SEARCH): sys_exit
	 * names the file it opened, like an open's */
	SC(open_by_handle_at, "File Open", CAT_FILE, CK_PATH, N, N, N, N, N,
	   .flags = SCF_OPEN | SCF_OFLAGS, .flags_arg = 2),
	PLAIN(setns, "Namespace Enter", CAT_NS_MOUNT, .flags = SCF_NSCHANGE),
	PLAIN(process_vm_readv, "Process Memory Read", CAT_MEM),
	PLAIN(process_vm_writev, "Process Memory Write", CAT_MEM),
	PLAIN(finit_module, "Kernel Module Load", CAT_SYSTEM),
	PATH2AT(renameat2, "File Rename", CAT_FILE, 0, 1, 2, 3),
	PLAIN(memfd_create, "Anonymous File Create", CAT_MEM),
	PLAIN(kexec_file_load, "Kernel Replace", CAT_SYSTEM),
	PLAIN(bpf, "BPF Operation", CAT_SYSTEM),
	EXEC(execveat, 0, 1),
	PLAIN(userfaultfd, "User Fault Handler Create", CAT_MEM),
	PATHAT(statx, "File Stat", CAT_FILE, 0, 1, OFF),
	SIG(pidfd_send_signal, "Signal Send", N, 1, 0), /* target is a pidfd */
	/* io_uring: the ring's set-up and registrations; each operation it
	 * carries out is an event of its own, as its syscall twin (bpf/uring.h) */
	PLAIN(io_uring_setup, "Async I/O Ring Create", CAT_SYSTEM),
	PLAIN(io_uring_enter, "Async I/O Ring Enter", CAT_SYSTEM, OFF),
	PLAIN(io_uring_register, "Async I/O Ring Register", CAT_SYSTEM),
	PATHAT(open_tree, "Mount Tree Open", CAT_NS_MOUNT, 0, 1),
	PLAIN(move_mount, "Mount Move", CAT_NS_MOUNT),
	PLAIN(fsopen, "Filesystem Context Open", CAT_NS_MOUNT),
	PLAIN(fsmount, "Filesystem Mount", CAT_NS_MOUNT),
	PLAIN(clone3, "Process Clone", CAT_PROC),
	PATHAT(openat2, "File Open", CAT_FILE, 0, 1, .flags = SCF_OPEN),
	PATHAT(faccessat2, "File Access Check", CAT_FILE, 0, 1, OFF),
};
const size_t cactus_syscalls_count = sizeof(cactus_syscalls) / sizeof(cactus_syscalls[0]);
/* each has a row of the kernel's per-container counts (syscall_conf.slot) */
_Static_assert(sizeof(cactus_syscalls) / sizeof(cactus_syscalls[0]) <= CACTUS_COUNT_SLOTS,
	       "more syscalls than syscall_counts rows");

/* IORING_OP_* (include/uapi/linux/io_uring.h; an enum, appended to only) */
#define U(nm, nr, tw, k) { .name = #nm, .op = nr, .twin = #tw, .kind = k }

const struct cactus_uring_op cactus_uring_ops[] = {
	U(READV, 1, readv, UK_RW),
	U(WRITEV, 2, writev, UK_RW),
	U(READ_FIXED, 4, read, UK_RW),
	U(WRITE_FIXED, 5, write, UK_RW),
	U(SENDMSG, 9, sendmsg, UK_MSG),
	U(RECVMSG, 10, recvmsg, UK_MSG),
	U(ACCEPT, 13, accept4, UK_ACCEPT),
	U(CONNECT, 16, connect, UK_CONNECT),
	U(OPENAT, 18, openat, UK_OPEN),
	U(CLOSE, 19, close, UK_CLOSE),
	U(STATX, 21, statx, UK_STATX),
	U(READ, 22, read, UK_RW),
	U(WRITE, 23, write, UK_RW),
	U(SEND, 26, sendto, UK_MSG),
	U(RECV, 27, recvfrom, UK_MSG),
	U(OPENAT2, 28, openat2, UK_OPEN),
	U(RENAMEAT, 35, renameat2, UK_RENAME),
	U(UNLINKAT, 36, unlinkat, UK_UNLINK),
	U(MKDIRAT, 37, mkdirat, UK_MKDIR),
	U(SYMLINKAT, 38, symlinkat, UK_SYMLINK),
	U(LINKAT, 39, linkat, UK_LINK),
	U(SOCKET, 45, socket, UK_SOCKET),
	U(SEND_ZC, 47, sendto, UK_MSG),
	U(SENDMSG_ZC, 48, sendmsg, UK_MSG),
	U(BIND, 56, bind, UK_BIND),
	U(LISTEN, 57, listen, UK_FD),
};
const size_t cactus_uring_ops_count = sizeof(cactus_uring_ops) / sizeof(cactus_uring_ops[0]);

const struct cactus_uring_op *cactus_uring_op_by_nr(unsigned int op)
{
	for (size_t i = 0; i < cactus_uring_ops_count; i++) {
		if (cactus_uring_ops[i].op == op)
			return &cactus_uring_ops[i];
	}
	return NULL;
}

void cactus_uring_conf(const struct cactus_uring_op *u, struct uring_conf *out)
{
	const struct cactus_syscall *sc = cactus_syscall_by_name(u->twin);

	memset(out, 0, sizeof(*out));
	if (!sc)
		return;
	out->nr = (__u16)sc->nr;
	out->kind = u->kind;
}

static const struct {
	const char *name;
	const char *short_name;
} categories[CAT_COUNT] = {
	[CAT_FILE] = { "File Operation", "file" },
	[CAT_DIR] = { "Directory Operation", "dir" },
	[CAT_NET] = { "Network Operation", "net" },
	[CAT_PROC] = { "Process Manage", "process" },
	[CAT_SIGNAL] = { "Signal Handling", "signal" },
	[CAT_PERM] = { "Permission Manage", "perm" },
	[CAT_MEM] = { "Memory Manage", "memory" },
	[CAT_NS_MOUNT] = { "Namespace & Mount", "namespace" },
	[CAT_SYSTEM] = { "System Manage", "system" },
};

const char *cactus_category_name(enum cactus_category cat)
{
	return (unsigned)cat < CAT_COUNT ? categories[cat].name : "Unknown";
}

const char *cactus_category_short(enum cactus_category cat)
{
	return (unsigned)cat < CAT_COUNT ? categories[cat].short_name : "unknown";
}

int cactus_category_parse(const char *name)
{
	for (int i = 0; i < CAT_COUNT; i++) {
		if (!strcasecmp(name, categories[i].name) ||
		    !strcasecmp(name, categories[i].short_name))
			return i;
	}
	return -1;
}

const struct cactus_syscall *cactus_syscall_by_nr(int nr)
{
	size_t lo = 0, hi = cactus_syscalls_count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cactus_syscalls[mid].nr == nr)
			return &cactus_syscalls[mid];
		if (cactus_syscalls[mid].nr < nr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct cactus_syscall *cactus_syscall_by_name(const char *name)
{
	if (!strncmp(name, "sys_", 4))
		name += 4;
	for (size_t i = 0; i < cactus_syscalls_count; i++) {
		if (!strcmp(cactus_syscalls[i].name, name))
			return &cactus_syscalls[i];
	}
	return NULL;
}

bool cactus_syscall_default(const struct cactus_syscall *sc)
{
	return !(sc->flags & SCF_OFF);
}

bool cactus_syscall_noreturn(const struct cactus_syscall *sc)
{
	return sc->flags & SCF_NORET;
}

void cactus_syscalls_with(unsigned int flags, __u64 *bits)
{
	memset(bits, 0, CACTUS_MAX_SYSCALLS / 8);
	for (size_t i = 0; i < cactus_syscalls_count; i++) {
		int nr = cactus_syscalls[i].nr;

		if (cactus_syscall_is(&cactus_syscalls[i], flags))
			bits[nr / 64] |= 1ULL << (nr % 64);
	}
}

bool cactus_syscalls_any(const __u64 *bits, unsigned int flags)
{
	for (size_t i = 0; i < cactus_syscalls_count; i++) {
		int nr = cactus_syscalls[i].nr;

		if (cactus_syscall_is(&cactus_syscalls[i], flags) && (bits[nr / 64] >> (nr % 64) & 1))
			return true;
	}
	return false;
}

void cactus_syscall_conf(const struct cactus_syscall *sc, bool traced,
			 struct syscall_conf *out)
{
	memset(out, 0, sizeof(*out));
	out->flags = (sc->flags & SCF_KERNEL) | (traced ? SCF_TRACED : 0);
	out->kind = sc->kind;
	out->category = (__u8)sc->category;
	out->path_arg = sc->path_arg;
	out->dirfd_arg = sc->dirfd_arg;
	out->path2_arg = sc->path2_arg;
	out->path2_dirfd_arg = sc->path2_dirfd_arg;
	out->addr_arg = sc->addr_arg;
	out->fd_arg = sc->kind == CK_FD ? sc->fd_arg : CACTUS_NO_ARG;
	out->slot = (__u8)(sc - cactus_syscalls);
}
