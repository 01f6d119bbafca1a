// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The single source of truth for what cactus traces. User space writes this
 * table into the kernel's syscall_conf map at start-up; the kernel side only
 * knows "traced or not" and "how to read the arguments" from that map.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>
#include <asm/unistd.h>
#include "syscalls.h"

#define N CACTUS_NO_ARG

/* Field order: name, activity, category, kind, path, dirfd, path2, path2_dirfd, addr */
#define SC(nm, act, cat, knd, p, d, p2, d2, a) \
	{ .name = #nm, .activity = act, .nr = __NR_##nm, .category = cat, \
	  .kind = knd, .path_arg = p, .dirfd_arg = d, \
	  .path2_arg = p2, .path2_dirfd_arg = d2, .addr_arg = a, \
	  .sig_arg = N, .target_arg = N }
#define PLAIN(nm, act, cat) SC(nm, act, cat, CK_PLAIN, N, N, N, N, N)
#define PATH(nm, act, cat, p) SC(nm, act, cat, CK_PATH, p, N, N, N, N)
#define PATHAT(nm, act, cat, d, p) SC(nm, act, cat, CK_PATH, p, d, N, N, N)
#define PATH2(nm, act, cat, p, p2) SC(nm, act, cat, CK_PATH, p, N, p2, N, N)
#define PATH2AT(nm, act, cat, d, p, d2, p2) SC(nm, act, cat, CK_PATH, p, d, p2, d2, N)
#define FD(nm, act, cat) SC(nm, act, cat, CK_FD, N, N, N, N, N)
#define ADDR(nm, act, a) SC(nm, act, CAT_NET, CK_SOCKADDR, N, N, N, N, a)
#define SIG(nm, act, t, s) \
	{ .name = #nm, .activity = act, .nr = __NR_##nm, .category = CAT_SIGNAL, \
	  .kind = CK_PLAIN, .path_arg = N, .dirfd_arg = N, \
	  .path2_arg = N, .path2_dirfd_arg = N, .addr_arg = N, \
	  .sig_arg = s, .target_arg = t }

const struct cactus_syscall cactus_syscalls[] = {
	FD(read, "File Read", CAT_FILE),
	FD(write, "File Write", CAT_FILE),
	PATH(open, "File Open", CAT_FILE, 0),
	FD(close, "File Close", CAT_FILE),
	PATH(stat, "File Stat", CAT_FILE, 0),
	PATH(lstat, "File Stat", CAT_FILE, 0),
	PLAIN(mmap, "Memory Map", CAT_MEM),
	PLAIN(mprotect, "Memory Protect", CAT_MEM),
	PLAIN(munmap, "Memory Unmap", CAT_MEM),
	SIG(rt_sigaction, "Signal Handler Set", N, 0),
	SIG(rt_sigreturn, "Signal Return", N, N),
	PLAIN(ioctl, "Device Control", CAT_FILE),
	PATH(access, "File Access Check", CAT_FILE, 0),
	PLAIN(mremap, "Memory Remap", CAT_MEM),
	PLAIN(madvise, "Memory Advise", CAT_MEM),
	PLAIN(dup2, "File Descriptor Duplicate", CAT_FILE),
	PLAIN(socket, "Socket Create", CAT_NET),
	ADDR(connect, "Network Connect", 1),
	ADDR(accept, "Network Accept", 1),
	ADDR(sendto, "Network Send", 4),
	ADDR(recvfrom, "Network Receive", 4),
	PLAIN(sendmsg, "Network Send", CAT_NET),
	PLAIN(recvmsg, "Network Receive", CAT_NET),
	PLAIN(shutdown, "Network Shutdown", CAT_NET),
	ADDR(bind, "Network Bind", 1),
	PLAIN(listen, "Network Listen", CAT_NET),
	PLAIN(socketpair, "Socket Pair Create", CAT_NET),
	PLAIN(setsockopt, "Socket Option Set", CAT_NET),
	PLAIN(clone, "Process Clone", CAT_PROC),
	PLAIN(fork, "Process Fork", CAT_PROC),
	PLAIN(vfork, "Process Fork", CAT_PROC),
	SC(execve, "Process Create", CAT_PROC, CK_EXEC, 0, N, N, N, N),
	PLAIN(exit, "Thread Exit", CAT_PROC),
	PLAIN(wait4, "Process Wait", CAT_PROC),
	SIG(kill, "Signal Send", 0, 1),
	PLAIN(uname, "System Info", CAT_SYSTEM),
	PLAIN(fcntl, "File Control", CAT_FILE),
	PATH(truncate, "File Truncate", CAT_FILE, 0),
	FD(ftruncate, "File Truncate", CAT_FILE),
	PATH(chdir, "Directory Change", CAT_DIR, 0),
	FD(fchdir, "Directory Change", CAT_DIR),
	PATH2(rename, "File Rename", CAT_FILE, 0, 1),
	PATH(mkdir, "Directory Create", CAT_DIR, 0),
	PATH(rmdir, "Directory Remove", CAT_DIR, 0),
	PATH(creat, "File Create", CAT_FILE, 0),
	PATH2(link, "File Link", CAT_FILE, 0, 1),
	PATH(unlink, "File Delete", CAT_FILE, 0),
	PATH2(symlink, "File Symlink", CAT_FILE, 1, 0),
	PATH(readlink, "File Read Link", CAT_FILE, 0),
	PATH(chmod, "File Permission Change", CAT_FILE, 0),
	FD(fchmod, "File Permission Change", CAT_FILE),
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
	SIG(rt_sigqueueinfo, "Signal Send", 0, 1),
	PATH(mknod, "Device Node Create", CAT_FILE, 0),
	PLAIN(personality, "Execution Domain Change", CAT_PROC),
	PATH2(pivot_root, "Root Pivot", CAT_NS_MOUNT, 0, 1),
	PLAIN(prctl, "Process Control", CAT_PROC),
	PATH(chroot, "Root Change", CAT_NS_MOUNT, 0),
	PATH(acct, "Process Accounting", CAT_SYSTEM, 0),
	PLAIN(settimeofday, "System Time Change", CAT_SYSTEM),
	PATH2(mount, "Filesystem Mount", CAT_NS_MOUNT, 1, 0),
	PATH(umount2, "Filesystem Unmount", CAT_NS_MOUNT, 0),
	PATH(swapon, "Swap Enable", CAT_SYSTEM, 0),
	PATH(swapoff, "Swap Disable", CAT_SYSTEM, 0),
	PLAIN(reboot, "System Reboot", CAT_SYSTEM),
	PLAIN(sethostname, "Hostname Change", CAT_SYSTEM),
	PLAIN(setdomainname, "Domain Name Change", CAT_SYSTEM),
	PLAIN(iopl, "I/O Privilege Change", CAT_SYSTEM),
	PLAIN(ioperm, "I/O Permission Change", CAT_SYSTEM),
	PLAIN(init_module, "Kernel Module Load", CAT_SYSTEM),
	PLAIN(delete_module, "Kernel Module Unload", CAT_SYSTEM),
	SIG(tkill, "Signal Send", 0, 1),
	FD(getdents64, "Directory Read", CAT_DIR),
	PLAIN(exit_group, "Process Exit", CAT_PROC),
	SIG(tgkill, "Signal Send", 1, 2),
	PATHAT(openat, "File Open", CAT_FILE, 0, 1),
	PATHAT(mkdirat, "Directory Create", CAT_DIR, 0, 1),
	PATHAT(mknodat, "Device Node Create", CAT_FILE, 0, 1),
	PATHAT(fchownat, "File Owner Change", CAT_FILE, 0, 1),
	PATHAT(unlinkat, "File Delete", CAT_FILE, 0, 1),
	PATH2AT(renameat, "File Rename", CAT_FILE, 0, 1, 2, 3),
	PATH2AT(linkat, "File Link", CAT_FILE, 0, 1, 2, 3),
	PATH2AT(symlinkat, "File Symlink", CAT_FILE, 1, 2, N, 0),
	PATHAT(readlinkat, "File Read Link", CAT_FILE, 0, 1),
	PATHAT(fchmodat, "File Permission Change", CAT_FILE, 0, 1),
	PATHAT(faccessat, "File Access Check", CAT_FILE, 0, 1),
	PLAIN(unshare, "Namespace Create", CAT_NS_MOUNT),
	PATHAT(utimensat, "File Time Change", CAT_FILE, 0, 1),
	ADDR(accept4, "Network Accept", 1),
	PLAIN(dup3, "File Descriptor Duplicate", CAT_FILE),
	SIG(rt_tgsigqueueinfo, "Signal Send", 1, 2),
	PLAIN(perf_event_open, "Performance Monitor Open", CAT_SYSTEM),
	PLAIN(setns, "Namespace Enter", CAT_NS_MOUNT),
	PLAIN(process_vm_readv, "Process Memory Read", CAT_MEM),
	PLAIN(process_vm_writev, "Process Memory Write", CAT_MEM),
	PLAIN(finit_module, "Kernel Module Load", CAT_SYSTEM),
	PATH2AT(renameat2, "File Rename", CAT_FILE, 0, 1, 2, 3),
	PLAIN(memfd_create, "Anonymous File Create", CAT_MEM),
	PLAIN(kexec_file_load, "Kernel Replace", CAT_SYSTEM),
	PLAIN(bpf, "BPF Operation", CAT_SYSTEM),
	SC(execveat, "Process Create", CAT_PROC, CK_EXEC, 1, 0, N, N, N),
	PLAIN(userfaultfd, "User Fault Handler Create", CAT_MEM),
	SIG(pidfd_send_signal, "Signal Send", N, 1), /* target is a pidfd */
	PATHAT(open_tree, "Mount Tree Open", CAT_NS_MOUNT, 0, 1),
	PLAIN(move_mount, "Mount Move", CAT_NS_MOUNT),
	PLAIN(fsopen, "Filesystem Context Open", CAT_NS_MOUNT),
	PLAIN(fsmount, "Filesystem Mount", CAT_NS_MOUNT),
	PLAIN(clone3, "Process Clone", CAT_PROC),
	PATHAT(openat2, "File Open", CAT_FILE, 0, 1),
	PATHAT(faccessat2, "File Access Check", CAT_FILE, 0, 1),
};
const size_t cactus_syscalls_count = sizeof(cactus_syscalls) / sizeof(cactus_syscalls[0]);

/* Frequent enough in any program to flood the output: off unless asked for. */
static const char *const off_by_default[] = {
	"read", "write", "close", "mmap", "mprotect", "munmap", "rt_sigaction",
	"rt_sigreturn", "ioctl", "madvise", "fcntl", "stat", "lstat", "uname",
	"getdents64", "dup2", "dup3", "recvfrom", "sendto", "recvmsg", "sendmsg",
	"setsockopt", "access", "faccessat", "faccessat2", "readlink", "readlinkat",
	"wait4", "mremap",
};

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

static bool is_off_by_default(const char *name)
{
	for (size_t i = 0; i < sizeof(off_by_default) / sizeof(off_by_default[0]); i++) {
		if (!strcmp(off_by_default[i], name))
			return true;
	}
	return false;
}

bool cactus_syscall_default(const struct cactus_syscall *sc)
{
	return !is_off_by_default(sc->name);
}

bool cactus_syscall_noreturn(const struct cactus_syscall *sc)
{
	return !strcmp(sc->name, "exit") || !strcmp(sc->name, "exit_group");
}

void cactus_syscall_conf(const struct cactus_syscall *sc, bool traced,
			 struct syscall_conf *out)
{
	memset(out, 0, sizeof(*out));
	out->flags = traced ? SC_TRACED : 0;
	if (cactus_syscall_noreturn(sc))
		out->flags |= SC_NORET;
	if (!strcmp(sc->name, "setns") || !strcmp(sc->name, "unshare"))
		out->flags |= SC_NSCHANGE;
	out->kind = sc->kind;
	out->path_arg = sc->path_arg;
	out->dirfd_arg = sc->dirfd_arg;
	out->path2_arg = sc->path2_arg;
	out->path2_dirfd_arg = sc->path2_dirfd_arg;
	out->addr_arg = sc->addr_arg;
}
