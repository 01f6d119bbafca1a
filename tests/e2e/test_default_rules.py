"""The default rule set (rules/default.yaml), end to end, rule by rule.

For EVERY default rule there is one table row: a trigger command run in a
real container, and a benign look-alike command.  The test asserts that

  * the trigger produces an event carrying an alert of that rule, with the
    rule's action and the outcome that action must have here ("alerted" for
    alert rules; "killed" and docker exec exit status 137 for the kill rules;
    "denied" and "Operation not permitted" inside the container for the deny
    rule), and
  * the benign command produces events, among them a concrete event of the
    benign action (so the check cannot pass vacuously), none of which
    carries an alert of that rule.

One agent (module scope) serves all rows that share an attach mode, and two
long-lived containers serve all rows.  Events are attributed to the trigger
and to the benign command by marker commands: `cat /cactus-mark-<tok>-<i>`
runs before, between and after them; the events of the container between
two markers (in ring-buffer order) belong to the command run between them.

Containers:
  main        `--network none`, Docker's default seccomp profile and caps.
  unconfined  `--network none --security-opt seccomp=unconfined`: with the
              default profile, bpf() and init_module()/finit_module() are
              refused by seccomp *before* the sys_enter hook, so the kill
              rules (decided at syscall entry) cannot kill there (the alert
              then says outcome "not enforced", see the extra row).
  pod         `--network none` with the labels kubelet puts on a pod's
              docker containers (io.kubernetes.pod.namespace, .name): cactus
              gives its events a Kubernetes namespace, as a pod's.

What busybox cannot do (memfd_create, ptrace, process_vm_readv, bpf(),
setuid(0) as uid 1000, capset, execveat, kexec_file_load, bind/listen, a
non-shell program starting a shell, running a memfd) is done by a tiny
static C helper compiled here and `docker cp`-ed into both containers;
copies of it named bash, nc and ssh (/opt/rs), and sshd (/usr/sbin) stand
for those programs, by the file executed, which is what the rules judge
(not comm).

Rows marked NEEDS_PROCS judge what the process table gives (the parent, the
terminal, the file executed by a process on every event); rows marked
NEEDS_PHASE have runc's own set-up (the setns and capset of every `docker
exec`) in their benign window, quiet because the kernel marks it ("phase":
"init"). Both check that the agent really prints those facts.

Attach modes: most rows use the default mode (per-syscall tracepoints on
this kernel).  On kernel 6.18 init_module, finit_module, delete_module and
kexec_file_load are not implemented (weak sys_ni_syscall symbols, so no
syscalls:sys_enter_/sys_exit_ tracepoints): in tracepoint mode they are not
seen at all.  The rows for kernel_module_load and kexec_load therefore run
under an agent started with `--attach tp_btf` (one dispatcher on every
syscall), after the default-mode rows.
"""

import secrets
import shutil
import subprocess
from dataclasses import dataclass, field
from typing import Callable, Optional

import pytest

from conftest import (CACTUS, IMAGE, IN_CI, REPO, WAIT_TIMEOUT, Agent,
                      Container, docker, run, unique)


# --------------------------------------------------------------------------
# the C helper (static, runs in the busybox image)

HELPER_C = r"""
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <linux/capability.h>

static void rep(const char *what, long r)
{
	printf("%s -> %ld (%s)\n", what, r, r < 0 ? strerror(errno) : "ok");
	fflush(stdout);
}

static int inet(const char *ip, int port, struct sockaddr_in *a)
{
	memset(a, 0, sizeof(*a));
	a->sin_family = AF_INET;
	a->sin_port = htons(port);
	inet_pton(AF_INET, ip, &a->sin_addr);
	return socket(AF_INET, SOCK_STREAM, 0);
}

int main(int argc, char **argv, char **envp)
{
	const char *c = argc > 1 ? argv[1] : "";
	char *true_argv[] = { "true", NULL };
	struct sockaddr_in a;
	long r = 0;

	if (!strcmp(c, "memfd")) {
		r = syscall(SYS_memfd_create, "cactus", 0); rep(c, r);
	} else if (!strcmp(c, "uring")) {
		/* io_uring_setup(4, params): a ring of 4 entries */
		char params[120] = { 0 };
		r = syscall(425, 4, params); rep(c, r);
	} else if (!strcmp(c, "create")) {
		r = open(argv[2], O_CREAT | O_WRONLY, 0600); rep(c, r);
	} else if (!strcmp(c, "ptrace")) {
		r = syscall(SYS_ptrace, strtol(argv[2], 0, 0), strtol(argv[3], 0, 0), 0, 0);
		rep(c, r);
	} else if (!strcmp(c, "vmread")) {
		char buf[8];
		struct iovec l = { buf, sizeof buf }, rv = { (void *)0x400000, sizeof buf };
		r = syscall(SYS_process_vm_readv, atoi(argv[2]), &l, 1, &rv, 1, 0); rep(c, r);
	} else if (!strcmp(c, "selfmem")) {
		char buf[8];
		int fd = open("/proc/self/mem", O_RDONLY);
		rep("open /proc/self/mem", fd);
		r = pread(fd, buf, sizeof buf, (off_t)(unsigned long)buf); rep(c, r);
	} else if (!strcmp(c, "setuid")) {
		r = syscall(SYS_setuid, atol(argv[2])); rep(c, r);
	} else if (!strcmp(c, "setresuid")) {
		r = syscall(SYS_setresuid, atol(argv[2]), atol(argv[3]), atol(argv[4])); rep(c, r);
	} else if (!strcmp(c, "capset") || !strcmp(c, "capget")) {
		struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
		struct __user_cap_data_struct d[2];
		r = syscall(SYS_capget, &h, d); rep("capget", r);
		if (!strcmp(c, "capset")) {
			r = syscall(SYS_capset, &h, d); rep(c, r);     /* the same set */
		} else {
			r = prctl(PR_CAPBSET_READ, 0, 0, 0, 0); rep("prctl", r);
		}
	} else if (!strcmp(c, "bpf")) {
		char attr[128] = { 0 };
		r = syscall(SYS_bpf, 0 /* BPF_MAP_CREATE */, attr, sizeof attr); rep(c, r);
	} else if (!strcmp(c, "kexec")) {
		r = syscall(SYS_kexec_file_load, -1, -1, 0, "", 0); rep(c, r);
	} else if (!strcmp(c, "fexecve")) {
		/* fileless: run an open file (execveat AT_EMPTY_PATH) */
		int fd = open(argc > 2 ? argv[2] : "/bin/busybox", O_RDONLY);
		r = syscall(SYS_execveat, fd, "", true_argv, envp, 0x1000); rep(c, r);
	} else if (!strcmp(c, "execveat_path")) {
		r = syscall(SYS_execveat, AT_FDCWD, argv[2], true_argv, envp, 0); rep(c, r);
	} else if (!strcmp(c, "connect")) {
		int s = inet(argv[2], atoi(argv[3]), &a);
		r = connect(s, (struct sockaddr *)&a, sizeof a); rep(c, r);
	} else if (!strcmp(c, "spawn")) {
		/* a non-shell program (not the exec session's command: its
		 * child) starting a shell */
		pid_t p = fork();
		if (p == 0) {
			pid_t q = fork();
			if (q == 0) {
				execl("/bin/sh", "sh", "-c", "true", (char *)NULL);
				_exit(127);
			}
			waitpid(q, NULL, 0);
			_exit(0);
		}
		r = waitpid(p, NULL, 0); rep(c, r);
	} else if (!strcmp(c, "memfd_exec")) {
		/* run a copy of busybox from memory, as "true" */
		char buf[65536], path[64];
		int in = open("/bin/busybox", O_RDONLY), fd = syscall(SYS_memfd_create, "cactus", 0);
		ssize_t n;
		while ((n = read(in, buf, sizeof buf)) > 0)
			if (write(fd, buf, n) != n)
				break;
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
		r = execve(path, true_argv, envp); rep(c, r);
	} else if (!strcmp(c, "bind") || !strcmp(c, "listen")) {
		int s = inet(argv[2], atoi(argv[3]), &a);
		r = bind(s, (struct sockaddr *)&a, sizeof a); rep("bind", r);
		if (!strcmp(c, "listen")) {
			r = listen(s, 5); rep(c, r);
		}
	} else {
		fprintf(stderr, "unknown command '%s'\n", c);
		return 2;
	}
	return r < 0 ? 1 : 0;
}
"""

HELPER = "/cactus-helper"


# --------------------------------------------------------------------------
# the table

@dataclass
class Cmd:
    argv: list
    user: Optional[str] = None       # docker exec -u
    rc: Optional[int] = None         # expected exit status (None: any)
    stderr: Optional[str] = None     # expected in stderr
    tty: bool = False                # docker exec -t

    def __str__(self):
        return ((f"-u {self.user} " if self.user else "") + ("-t " if self.tty else "")
                + " ".join(self.argv))


def sh(script, **kw):
    return Cmd(["sh", "-c", script], **kw)


def cmd(*argv, **kw):
    return Cmd(list(argv), **kw)


def helper(*args, **kw):
    return Cmd([HELPER, *args], **kw)


@dataclass
class Case:
    rule: str
    trigger: Cmd
    benign: Cmd
    benign_event: Callable           # predicate: the concrete benign event
    benign_what: str                 # ... described, for failure messages
    where: str = "main"              # container: main | unconfined | pod
    attach: str = "default"          # agent: default | tp_btf
    action: str = "alert"
    outcome: Optional[str] = None    # default: from the action
    id: Optional[str] = None
    marks: list = field(default_factory=list)

    def expected_outcome(self):
        if self.outcome:
            return self.outcome
        return {"alert": "alerted", "kill": "killed", "deny": "denied"}[self.action]


def ev_path(e):
    """dirname + filename, joined as the rule engine joins them."""
    d, f = e.get("dirname") or "", e.get("filename") or ""
    if d == "/" and f:
        d = ""
    return d + ("/" + f if f else "")


def is_exec(e, filename, argv_has=None):
    return (e.get("syscall") in ("execve", "execveat") and e.get("ret") == 0
            and e.get("filename") == filename
            and (argv_has is None or argv_has in (e.get("argv") or [])))


def is_exec_argv(e, *argv):
    """A successful exec run as argv (argv[0] is the name asked for: with
    busybox, the file executed is busybox whatever the applet)."""
    return (e.get("syscall") in ("execve", "execveat") and e.get("ret") == 0
            and list(e.get("argv") or []) == list(argv))


def is_open(e, path, comm, flag=None):
    return (e.get("syscall") in ("open", "openat") and ev_path(e) == path
            and e.get("comm") == comm
            and (flag is None or flag in (e.get("flags") or "")))


def is_sys(e, syscalls, comm, **fields):
    if isinstance(syscalls, str):
        syscalls = (syscalls,)
    return (e.get("syscall") in syscalls and e.get("comm") == comm
            and all(e.get(k) == v for k, v in fields.items()))


def is_path_sys(e, syscalls, comm, path):
    return is_sys(e, syscalls, comm) and ev_path(e) == path


CHMOD = ("chmod", "fchmodat", "fchmod")
NOPERM = "Operation not permitted"
NEEDS_PROCS = pytest.mark.needs_procs
NEEDS_PHASE = pytest.mark.needs_phase

CASES = [
    # ---- shells and programs
    # docker exec -t: a shell with a terminal; without one it is quiet
    Case("terminal_shell_in_container",
         Cmd(["sh", "-c", "true"], tty=True), cmd("sh", "-c", "true"),
         lambda e: is_exec_argv(e, "sh", "-c", "true"), "execve of sh -c true without a tty",
         marks=[NEEDS_PROCS]),
    # the helper's child starts sh; a shell starting a shell is quiet
    Case("shell_spawned_by_program",
         helper("spawn", rc=0), sh("sh -c true; true", rc=0),
         lambda e: is_exec_argv(e, "sh", "-c", "true"), "execve of sh -c true by sh",
         marks=[NEEDS_PROCS]),
    Case("remote_file_copy_tool",
         cmd("rsync", "-a", "/etc", "backup:/x", rc=127),   # -> busybox
         cmd("cp", "/etc/hostname", "/tmp/cactus-copy", rc=0),
         lambda e: is_exec_argv(e, "cp", "/etc/hostname", "/tmp/cactus-copy"),
         "execve of cp"),
    Case("package_manager_in_container",
         # /usr/bin/apt-get -> busybox: "applet not found", but execve happens
         cmd("apt-get", "install", "-y", "curl", rc=127),
         # dpkg-deb inspects .deb archives and installs nothing
         cmd("dpkg-deb", "--help"),
         lambda e: is_exec(e, "dpkg-deb"), "execve of dpkg-deb"),
    Case("drift_exec_from_scratch_dir",
         sh("cp /bin/busybox /tmp/true && /tmp/true", rc=0),
         # a copied binary in /tmp that is only listed, not run
         sh("cp /bin/busybox /tmp/copy-of-busybox && /bin/ls -l /tmp/copy-of-busybox"),
         lambda e: is_exec(e, "ls", "/tmp/copy-of-busybox"),
         "execve of /bin/ls on /tmp/copy-of-busybox"),
    Case("drift_chmod_exec_in_scratch_dir",
         cmd("chmod", "755", "/tmp/drift-target", rc=0),
         cmd("chmod", "644", "/tmp/drift-target", rc=0),
         lambda e: is_path_sys(e, CHMOD, "chmod", "/tmp/drift-target"),
         "chmod 644 of /tmp/drift-target"),
    # the shell reads the script: nothing is exec'd from /dev/shm
    Case("shell_script_from_dev_shm",
         sh("echo 'echo hi' > /dev/shm/x.sh && sh /dev/shm/x.sh", rc=0),
         sh("ls /dev/shm", rc=0),
         lambda e: is_exec_argv(e, "sh", "-c", "ls /dev/shm"), "execve of sh -c 'ls /dev/shm'"),
    Case("crypto_miner_binary",
         cmd("xmrig", "--donate-level", "1", rc=127),     # -> busybox
         cmd("ls", "-l", "/usr/bin/xmrig", rc=0),
         lambda e: is_exec(e, "ls", "/usr/bin/xmrig"), "execve of ls -l /usr/bin/xmrig"),
    Case("crypto_miner_stratum_cmdline",
         cmd("echo", "-o", "stratum+tcp://pool.example.com:3333", rc=0),
         cmd("echo", "-o", "tcp://pool.example.com:3333", rc=0),
         lambda e: is_exec(e, "echo", "tcp://pool.example.com:3333"),
         "execve of echo tcp://..."),
    # searches in /mnt (empty): grep -r of /etc or /root would open
    # /etc/shadow or /root/.ssh/id_rsa, which other rules judge
    Case("search_private_keys_grep",
         cmd("grep", "-r", "BEGIN RSA PRIVATE", "/mnt", rc=1),
         cmd("grep", "-r", "BEGIN CERTIFICATE", "/mnt", rc=1),
         lambda e: is_exec(e, "grep", "BEGIN CERTIFICATE"), "execve of grep BEGIN CERTIFICATE"),
    # event-generator's own action
    Case("search_private_keys_find",
         cmd("find", "/tmp", "-maxdepth", "1", "-iname", "id_rsa", rc=0),
         cmd("find", "/root/.ssh", "-name", "known_hosts", rc=0),
         lambda e: is_exec(e, "find", "known_hosts"), "execve of find -name known_hosts"),
    Case("find_aws_credentials_grep",
         cmd("grep", "-ri", "aws_secret_access_key", "/mnt", rc=1),
         cmd("grep", "-ri", "aws_region", "/mnt", rc=1),
         lambda e: is_exec(e, "grep", "aws_region"), "execve of grep -ri aws_region"),
    Case("find_aws_credentials_find",
         cmd("find", "/tmp", "-maxdepth", "1", "-iname", ".aws/credentials", rc=0),
         cmd("find", "/tmp", "-maxdepth", "1", "-iname", ".aws/config", rc=0),
         lambda e: is_exec(e, "find", ".aws/config"), "execve of find -iname .aws/config"),
    # event-generator's action; rm of a file is quiet (run by docker exec:
    # busybox sh runs rm in-process, without an exec)
    Case("remove_bulk_data",
         cmd("shred", "-u", "/tmp/bulk", rc=0),
         cmd("rm", "/tmp/bulk2", rc=0),
         lambda e: is_exec(e, "rm", "/tmp/bulk2"), "execve of rm /tmp/bulk2"),
    # /usr/bin/debugfs -> busybox: "applet not found", but execve happens
    Case("debugfs_in_container",
         cmd("debugfs", "-V", rc=127),
         cmd("which", "debugfs", rc=0),
         lambda e: is_exec(e, "which", "debugfs"), "execve of which debugfs"),
    # uid 1 (daemon) runs login (no terminal: it gives up at once); id as
    # uid 1 is quiet
    Case("system_user_login",
         Cmd(["login"], user="1"),
         Cmd(["id"], user="1", rc=0),
         lambda e: is_exec_argv(e, "id") and e.get("uid") == 1, "execve of id by uid 1"),
    # /usr/sbin/sshd is a copy of the helper: its grandchild runs sh as
    # uid 33 (www-data) under "sshd"; the same as uid 1000 is quiet
    Case("system_user_ssh_session",
         Cmd(["/usr/sbin/sshd", "spawn"], user="33", rc=0),
         Cmd(["/usr/sbin/sshd", "spawn"], user="1000", rc=0),
         lambda e: is_exec_argv(e, "sh", "-c", "true") and e.get("uid") == 1000,
         "execve of sh -c true by uid 1000 under sshd", marks=[NEEDS_PROCS]),

    # ---- files
    Case("write_below_etc",
         cmd("touch", "/etc/cactus-new.conf", rc=0),
         cmd("cat", "/etc/passwd", rc=0),
         lambda e: is_open(e, "/etc/passwd", "cat", "O_RDONLY"), "cat opening /etc/passwd"),
    Case("write_below_binary_dirs",
         cmd("touch", "/usr/bin/cactus-dropped", rc=0),
         cmd("wc", "-c", "/bin/busybox", rc=0),
         lambda e: is_open(e, "/bin/busybox", "wc", "O_RDONLY"), "wc opening /bin/busybox"),
    Case("write_below_boot",
         cmd("touch", "/boot/vmlinuz-cactus", rc=0),
         cmd("cat", "/boot/config-cactus", rc=0),
         lambda e: is_open(e, "/boot/config-cactus", "cat", "O_RDONLY"),
         "cat opening /boot/config-cactus"),
    Case("modify_system_dirs",
         cmd("mkdir", "/etc/cactus.d", rc=0),
         cmd("mkdir", "/tmp/cactus.d", rc=0),
         lambda e: is_path_sys(e, ("mkdir", "mkdirat"), "mkdir", "/tmp/cactus.d"),
         "mkdir of /tmp/cactus.d"),
    Case("read_credential_files",
         cmd("cat", "/etc/shadow", rc=0),
         cmd("cat", "/etc/passwd", rc=0),
         lambda e: is_open(e, "/etc/passwd", "cat"), "cat opening /etc/passwd"),
    Case("read_sudoers_dir",
         cmd("cat", "/etc/sudoers.d/README", rc=0),
         cmd("ls", "/etc/sudoers.d", rc=0),
         lambda e: is_open(e, "/etc/sudoers.d", "ls"), "ls opening the directory itself"),
    Case("read_ssh_keys",
         cmd("cat", "/root/.ssh/id_rsa", rc=0),
         cmd("cat", "/root/.ssh/id_rsa.pub", rc=0),
         lambda e: is_open(e, "/root/.ssh/id_rsa.pub", "cat"), "cat opening id_rsa.pub"),
    # the exec session's cat has no parent in the container: judged (a
    # shell's child is not, as in Falco)
    Case("directory_traversal_read",
         cmd("cat", "/etc/../etc/../etc/passwd", rc=0),
         cmd("cat", "/tmp/../tmp/../tmp/cactus-trav.txt", rc=0),
         lambda e: is_open(e, "/tmp/cactus-trav.txt", "cat"),
         "cat opening /tmp/cactus-trav.txt through ../../"),
    Case("read_pam_config",
         cmd("cat", "/etc/pam.d/other", rc=0),
         cmd("ls", "/etc/pam.d", rc=0),
         lambda e: is_open(e, "/etc/pam.d", "ls"), "ls opening the directory itself"),
    Case("symlink_to_sensitive_file",
         cmd("ln", "-sf", "/etc/shadow", "/tmp/cactus-sl", rc=0),
         cmd("ln", "-sf", "/etc/hostname", "/tmp/cactus-sl2", rc=0),
         lambda e: is_sys(e, ("symlink", "symlinkat"), "ln", path2="/etc/hostname"),
         "symlink to /etc/hostname"),
    Case("hardlink_to_sensitive_file",
         cmd("ln", "-f", "/etc/shadow", "/tmp/cactus-hl", rc=0),
         cmd("ln", "-f", "/etc/passwd", "/tmp/cactus-hl2", rc=0),
         lambda e: is_path_sys(e, ("link", "linkat"), "ln", "/etc/passwd"),
         "hard link of /etc/passwd"),
    Case("read_proc_mem_or_environ",
         cmd("cat", "/proc/1/environ", rc=0),
         cmd("cat", "/proc/self/environ", rc=0),
         lambda e: is_open(e, "/proc/self/environ", "cat"), "cat opening /proc/self/environ"),
    Case("process_memory_access",
         helper("vmread", "1"),
         helper("selfmem"),          # its own memory, through /proc/self/mem
         lambda e: is_open(e, "/proc/self/mem", "cactus-helper"),
         "open of /proc/self/mem"),
    Case("chmod_setuid",
         cmd("chmod", "4755", "/root/suid-target", rc=0),
         cmd("chmod", "0755", "/root/suid-target", rc=0),
         lambda e: is_path_sys(e, CHMOD, "chmod", "/root/suid-target"),
         "chmod 0755 of /root/suid-target"),
    Case("delete_logs",
         cmd("rm", "/var/log/app-del.log", rc=0),
         cmd("rm", "/tmp/app-del.log", rc=0),
         lambda e: is_path_sys(e, ("unlink", "unlinkat"), "rm", "/tmp/app-del.log"),
         "unlink of /tmp/app-del.log"),
    Case("truncate_logs_on_open",
         sh(": > /var/log/app-trunc.log", rc=0),
         sh("echo more >> /var/log/app-trunc.log", rc=0),   # append, no O_TRUNC
         lambda e: is_open(e, "/var/log/app-trunc.log", "sh", "O_APPEND"),
         "sh opening the log with O_APPEND"),
    # event-generator's ClearLogActivities: a syslog outside /var/log
    Case("truncate_named_log_file",
         sh(": > /tmp/eg/syslog", rc=0),
         sh("echo more >> /tmp/eg/syslog", rc=0),
         lambda e: is_open(e, "/tmp/eg/syslog", "sh", "O_APPEND"),
         "sh opening /tmp/eg/syslog with O_APPEND"),
    # busybox truncate: open without O_TRUNC, then ftruncate(fd, size)
    Case("truncate_named_log_file_to_zero",
         cmd("truncate", "-s", "0", "/tmp/eg/secure", rc=0),
         cmd("truncate", "-s", "4096", "/tmp/eg/secure", rc=0),
         lambda e: is_path_sys(e, "ftruncate", "truncate", "/tmp/eg/secure"),
         "ftruncate of /tmp/eg/secure to 4096"),
    Case("device_node_created",
         cmd("mknod", "/tmp/cactus-null", "c", "1", "3", rc=0),
         cmd("touch", "/tmp/cactus-regular", rc=0),          # a regular file
         lambda e: is_open(e, "/tmp/cactus-regular", "touch", "O_CREAT"),
         "touch creating /tmp/cactus-regular"),
    # no disk here: dd creates a file named /dev/sdz in the container's
    # /dev (a tmpfs); the rule judges the name
    Case("write_to_block_device",
         cmd("dd", "if=/dev/zero", "of=/dev/sdz", "bs=512", "count=1", rc=0),
         cmd("dd", "if=/dev/zero", "of=/tmp/img", "bs=512", "count=1", rc=0),
         lambda e: is_open(e, "/tmp/img", "dd", "O_WRONLY"), "dd opening /tmp/img"),

    # ---- io_uring: operations that pass no syscall hook
    Case("io_uring_in_container",
         helper("uring", rc=0),
         helper("memfd", rc=0),
         lambda e: is_sys(e, "memfd_create", "cactus-helper"), "memfd_create (no ring)"),

    # ---- a program run by the dynamic loader: the file executed is the
    # loader, which maps and runs busybox (static-pie)
    Case("exec_through_dynamic_loader",
         cmd("/lib64/ld-linux-x86-64.so.2", "/bin/busybox", "true", rc=0),
         cmd("/lib64/ld-linux-x86-64.so.2", "--verify", "/bin/busybox", rc=1),
         lambda e: e.get("syscall") == "execve" and "--verify" in (e.get("argv") or []),
         "ld.so --verify (ldd's check)"),

    # ---- fileless execution
    Case("memfd_create",
         helper("memfd", rc=0),
         helper("create", "/tmp/cactus-not-memfd", rc=0),
         lambda e: is_open(e, "/tmp/cactus-not-memfd", "cactus-helper", "O_CREAT"),
         "open(O_CREAT) of an ordinary file"),
    # the file executed is the memfd; creating one without running it is
    # memfd_create's business, not this rule's
    Case("fileless_exec_memfd",
         helper("memfd_exec", rc=0), helper("memfd", rc=0),
         lambda e: is_sys(e, "memfd_create", "cactus-helper"), "memfd_create alone",
         marks=[NEEDS_PROCS]),
    Case("fileless_exec_proc_fd",
         # busybox run as "/proc/self/fd/3": applet "3" not found, exit 127
         sh("exec 3</bin/busybox; exec /proc/self/fd/3 true", rc=127),
         sh("exec 3</bin/busybox; exec /bin/echo fd3", rc=0),
         lambda e: is_exec(e, "echo", "fd3"), "execve of /bin/echo with fd 3 open"),
    # A refused fexecve() (the successful one has its own row below), with
    # its arguments.  The benign row: execveat of a path (flags 0), refused too.
    Case("fileless_execveat_fd",
         helper("fexecve", "/etc/passwd", rc=1),          # EACCES: not executable
         helper("execveat_path", "/etc/passwd", rc=1),
         lambda e: is_sys(e, "execveat", "cactus-helper", ret=-13),
         "refused execveat(AT_FDCWD, /etc/passwd, flags 0)"),

    # ---- privileges and escapes
    Case("ptrace_attach",
         helper("ptrace", "0x4206", "1"),                 # PTRACE_SEIZE pid 1
         helper("ptrace", "0", "0"),                      # PTRACE_TRACEME
         lambda e: is_sys(e, "ptrace", "cactus-helper"), "ptrace(PTRACE_TRACEME)"),
    Case("ptrace_traceme",
         helper("ptrace", "0", "0", rc=0),                # PTRACE_TRACEME
         helper("ptrace", "3", "1", rc=1),                # PTRACE_PEEKUSER: ESRCH
         lambda e: is_sys(e, "ptrace", "cactus-helper"), "ptrace(PTRACE_PEEKUSER)"),
    Case("bpf_in_container",
         helper("bpf", rc=137), cmd("cat", "/proc/sys/kernel/unprivileged_bpf_disabled"),
         lambda e: is_open(e, "/proc/sys/kernel/unprivileged_bpf_disabled", "cat"),
         "cat of unprivileged_bpf_disabled",
         where="unconfined", action="kill"),
    Case("mount_in_container",
         cmd("mount", "-t", "tmpfs", "tmpfs", "/mnt", rc=1),
         cmd("umount", "/mnt", rc=1),
         lambda e: is_path_sys(e, "umount2", "umount", "/mnt"), "umount2 of /mnt"),
    Case("sensitive_mount",
         cmd("mount", "-o", "bind", "/proc/sys", "/mnt", rc=1),
         cmd("mount", "-t", "tmpfs", "tmpfs", "/mnt", rc=1),
         lambda e: is_sys(e, "mount", "mount", path2="tmpfs"), "mount of tmpfs on /mnt"),
    Case("mount_on_proc_sys",
         cmd("mount", "-o", "remount,rw", "/proc/sys", rc=1),
         cmd("mount", "-t", "tmpfs", "tmpfs", "/mnt", rc=1),
         lambda e: is_path_sys(e, "mount", "mount", "/mnt"), "mount on /mnt"),
    # event-generator's action: a file of that name written (a real escape
    # writes it in a cgroup v1 mount, which needs CAP_SYS_ADMIN)
    Case("write_cgroup_release_agent",
         sh("echo /x > /tmp/release_agent", rc=0),
         cmd("cat", "/tmp/release_agent", rc=0),
         lambda e: is_open(e, "/tmp/release_agent", "cat", "O_RDONLY"),
         "cat opening /tmp/release_agent"),
    Case("namespace_change",
         cmd("unshare", "-m", "true", rc=1, stderr=NOPERM),
         cmd("unshare", "--help"),                        # the tool, no syscall
         lambda e: is_exec_argv(e, "unshare", "--help"), "execve of unshare --help",
         marks=[NEEDS_PHASE]),
    Case("root_change",
         cmd("chroot", "/", "true", rc=0),
         sh("cd /tmp && pwd", rc=0),
         lambda e: is_path_sys(e, "chdir", "sh", "/tmp"), "chdir to /tmp"),
    Case("setuid_root",
         helper("setuid", "0", user="1000", rc=1),
         helper("setuid", "1000", user="1000", rc=0),
         lambda e: is_sys(e, "setuid", "cactus-helper", uid=1000, ret=0),
         "setuid(1000) by uid 1000"),
    Case("setuid_root_effective",
         helper("setresuid", "-1", "0", "-1", user="1000", rc=1),
         helper("setresuid", "-1", "1000", "-1", user="1000", rc=0),
         lambda e: is_sys(e, "setresuid", "cactus-helper", uid=1000, ret=0),
         "setresuid(-1, 1000, -1) by uid 1000"),
    # the benign window also holds runc init's own capset (phase init)
    Case("capset_in_container",
         helper("capset", rc=0),
         helper("capget", rc=0),
         lambda e: is_sys(e, "prctl", "cactus-helper"), "prctl(PR_CAPBSET_READ)",
         marks=[NEEDS_PHASE]),
    Case("sethostname_in_container",
         cmd("hostname", "cactus-renamed", rc=1, stderr=NOPERM),
         cmd("hostname", rc=0),
         lambda e: is_exec(e, "hostname") and e.get("argv") == ["hostname"],
         "execve of hostname (read only)"),

    # ---- network (127.0.0.1, or unreachable inside --network none)
    Case("outbound_connect_unexpected_port",
         cmd("nc", "-w", "1", "10.255.255.1", "9999", rc=1, stderr="Network is unreachable"),
         cmd("nc", "-w", "1", "10.255.255.1", "443", rc=1, stderr="Network is unreachable"),
         lambda e: is_sys(e, "connect", "nc", addr="10.255.255.1", port=443),
         "connect to 10.255.255.1:443"),
    # /opt/rs/ssh is a copy of the helper: the file executed is named ssh.
    # 192.0.2.1 (TEST-NET-1): 10.255.255.1 is RFC 1918, which Falco's
    # outbound leaves out. Port 22 is quiet.
    Case("ssh_connect_non_standard_port",
         Cmd(["/opt/rs/ssh", "connect", "192.0.2.1", "443"], rc=1),
         Cmd(["/opt/rs/ssh", "connect", "192.0.2.1", "22"], rc=1),
         lambda e: is_sys(e, "connect", "ssh", addr="192.0.2.1", port=22),
         "ssh connecting to 192.0.2.1:22", marks=[NEEDS_PROCS]),
    # in a pod: kubeadm's API server address; kube-dns's is quiet
    Case("contact_k8s_api_server",
         cmd("nc", "-w", "1", "10.96.0.1", "443", rc=1, stderr="Network is unreachable"),
         cmd("nc", "-w", "1", "10.96.0.10", "53", rc=1, stderr="Network is unreachable"),
         lambda e: is_sys(e, "connect", "nc", addr="10.96.0.10", port=53),
         "connect to 10.96.0.10:53", where="pod"),
    # arping opens its AF_PACKET socket before it finds lo is not ARPable;
    # ping's raw socket is AF_INET
    Case("packet_socket_in_container",
         cmd("arping", "-c", "1", "-w", "1", "-I", "lo", "127.0.0.1"),
         cmd("ping", "-c", "1", "-W", "1", "127.0.0.1", rc=0),
         lambda e: is_sys(e, "socket", "ping"), "ping's socket"),
    Case("crypto_miner_port_connect",
         cmd("nc", "-w", "1", "127.0.0.1", "3333", rc=1, stderr=NOPERM),
         cmd("nc", "-w", "1", "127.0.0.1", "3334", rc=1, stderr="refused"),
         lambda e: is_sys(e, "connect", "nc", addr="127.0.0.1", port=3334),
         "connect to 127.0.0.1:3334", action="deny"),
    # /opt/rs/nc is a copy of the helper: the file executed is named nc.
    # An ordinary server (the helper itself) on any address is quiet, and
    # so is nc on loopback.
    Case("bind_shell_listener",
         Cmd(["/opt/rs/nc", "listen", "0.0.0.0", "40001"], rc=0),
         Cmd(["/opt/rs/nc", "listen", "127.0.0.1", "40002"], rc=0),
         lambda e: is_sys(e, "bind", "nc", port=40002), "nc binding 127.0.0.1:40002",
         marks=[NEEDS_PROCS]),
    Case("bind_shell_listener",
         Cmd(["/opt/rs/nc", "listen", "0.0.0.0", "40003"], rc=0),
         helper("listen", "0.0.0.0", "40004", rc=0),
         lambda e: is_sys(e, "bind", "cactus-helper", port=40004),
         "the helper binding 0.0.0.0:40004", id="bind_shell_listener-server",
         marks=[NEEDS_PROCS]),
    # /opt/rs/bash is a copy of the helper: the file executed is named bash
    # (unreachable under --network none, but the connect is made)
    Case("reverse_shell_connect",
         Cmd(["/opt/rs/bash", "connect", "10.255.255.1", "40004"], rc=1),
         cmd("nc", "-w", "1", "10.255.255.1", "40004", rc=1),
         lambda e: is_sys(e, "connect", "nc", port=40004), "nc connecting to :40004",
         marks=[NEEDS_PROCS]),
    Case("netcat_remote_shell",
         cmd("nc", "-e", "/bin/sh", "127.0.0.1", "40005"),
         cmd("nc", "-w", "1", "127.0.0.1", "40005", rc=1),
         lambda e: is_exec(e, "nc", "40005"), "execve of nc without -e"),
    Case("socat_remote_shell",
         cmd("socat", "TCP:127.0.0.1:40006", "EXEC:/bin/sh", rc=127),  # -> busybox
         cmd("socat", "TCP:127.0.0.1:40006", "STDOUT", rc=127),
         lambda e: is_exec(e, "socat", "STDOUT"), "execve of socat ... STDOUT"),

    # ---- known problems and behaviour worth pinning (not one row per rule)
    Case("device_node_created",
         cmd("mknod", "/tmp/cactus-zero", "c", "1", "5", rc=0),
         cmd("mkfifo", "/tmp/cactus-fifo", rc=0),           # a FIFO, not a device
         lambda e: is_path_sys(e, ("mknod", "mknodat"), "mkfifo", "/tmp/cactus-fifo"),
         "mknodat(S_IFIFO) by mkfifo",
         id="device_node_created-mkfifo"),
    Case("fileless_execveat_fd",
         helper("fexecve", rc=0),                         # runs busybox "true"
         helper("execveat_path", "/bin/true", rc=0),
         lambda e: e.get("syscall") in ("execve", "execveat") and e.get("comm") == "true",
         "successful execveat of /bin/true",
         id="fileless_execveat_fd-successful"),
    # Default seccomp refuses bpf() before sys_enter: no kill is possible,
    # the alert is still emitted and says so.
    Case("bpf_in_container",
         helper("bpf", rc=1), cmd("cat", "/proc/sys/kernel/unprivileged_bpf_disabled"),
         lambda e: is_open(e, "/proc/sys/kernel/unprivileged_bpf_disabled", "cat"),
         "cat of unprivileged_bpf_disabled",
         action="kill", outcome="not enforced", id="bpf_in_container-default-seccomp"),

    # ---- tp_btf rows last (one agent switch): these syscalls have no
    # tracepoints on this kernel, see the module docstring.
    Case("kernel_module_load",
         cmd("insmod", "/root/cactus.ko", rc=137),        # busybox: finit_module
         cmd("lsmod"),                                    # reads /proc/modules
         lambda e: is_open(e, "/proc/modules", "lsmod"), "lsmod opening /proc/modules",
         where="unconfined", attach="tp_btf", action="kill"),
    Case("kexec_load",
         helper("kexec", rc=1),
         cmd("cat", "/sys/kernel/kexec_loaded"),
         lambda e: is_open(e, "/sys/kernel/kexec_loaded", "cat"),
         "cat of /sys/kernel/kexec_loaded", attach="tp_btf"),
]


def _params():
    for c in CASES:
        yield pytest.param(c, id=c.id or c.rule, marks=c.marks)


# --------------------------------------------------------------------------
# containers and agents (module scope)

SETUP_MAIN = """
set -e
mkdir -p /boot /etc/sudoers.d /root/.ssh /var/log /opt/rs /tmp/eg /etc/pam.d
echo cfg > /boot/config-cactus
echo '# sudoers' > /etc/sudoers.d/README
echo private > /root/.ssh/id_rsa
echo public > /root/.ssh/id_rsa.pub
echo log > /var/log/app-del.log
echo log > /tmp/app-del.log
echo log > /var/log/app-trunc.log
echo data > /tmp/drift-target
echo data > /root/suid-target
ln -s /bin/busybox /usr/bin/apt-get
ln -s /bin/busybox /usr/bin/xmrig
ln -s /bin/busybox /usr/bin/socat
ln -s /bin/busybox /usr/bin/rsync
cp /cactus-helper /opt/rs/bash
cp /cactus-helper /opt/rs/nc
cp /cactus-helper /opt/rs/ssh
cp /cactus-helper /usr/sbin/sshd
ln -s /bin/busybox /usr/bin/debugfs
echo x > /tmp/cactus-trav.txt
echo data > /tmp/bulk
echo data > /tmp/bulk2
echo '# pam' > /etc/pam.d/other
"""

SETUP_UNCONFINED = "echo 'not a module' > /root/cactus.ko"

# what kubelet labels a pod's docker containers with
POD_LABELS = ["--label", "io.kubernetes.pod.namespace=shop",
              "--label", "io.kubernetes.pod.name=cactus-pod"]


class Env:
    def __init__(self, containers):
        self.containers = containers
        self.mode = None
        self.agent = None

    def agent_for(self, mode):
        """The running agent for this attach mode (stops the other one)."""
        if self.mode != mode:
            self.stop()
            args = []
            for c in self.containers.values():
                args += ["--container", c.name]
            if mode != "default":
                args += ["--attach", mode]
            self.agent = Agent(args)
            self.mode = mode
            self.agent.wait_ready()
        return self.agent

    def stop(self):
        a, self.agent, self.mode = self.agent, None, None
        if a is not None:
            try:
                a.check_clean_exit()
            finally:
                if a.proc.poll() is None:
                    a.proc.kill()


def _make_container(name, extra):
    cid = docker("run", "-d", "--network", "none", *extra, "--name", name,
                 IMAGE, "sleep", "3600").stdout.strip()
    pid = int(docker("inspect", "-f", "{{.State.Pid}}", cid).stdout)
    assert pid > 0, f"container {name} is not running"
    return Container(name, cid, pid, {})


@pytest.fixture(scope="module")
def env(e2e_env, tmp_path_factory):
    gcc = shutil.which("gcc")
    if not gcc:
        msg = "gcc is needed to build the static C helper"
        if IN_CI:
            pytest.fail(msg)
        pytest.skip(msg)
    d = tmp_path_factory.mktemp("helper")
    (d / "helper.c").write_text(HELPER_C)
    run([gcc, "-static", "-O2", "-o", str(d / "helper"), str(d / "helper.c")])

    names = {"main": unique("rules-main-"), "unconfined": unique("rules-unconf-"),
             "pod": unique("rules-pod-")}
    e = None
    try:
        containers = {
            "main": _make_container(names["main"], []),
            "unconfined": _make_container(names["unconfined"],
                                          ["--security-opt", "seccomp=unconfined"]),
            "pod": _make_container(names["pod"], POD_LABELS),
        }
        for c in containers.values():
            docker("cp", str(d / "helper"), f"{c.name}:{HELPER}")
        # the host's dynamic loader (Debian's; it needs no library)
        docker("exec", names["main"], "mkdir", "-p", "/lib64")
        docker("cp", "-L", "/lib64/ld-linux-x86-64.so.2",
               f"{names['main']}:/lib64/ld-linux-x86-64.so.2")
        docker("exec", names["main"], "sh", "-c", SETUP_MAIN)
        docker("exec", names["unconfined"], "sh", "-c", SETUP_UNCONFINED)
        e = Env(containers)
        yield e
    finally:
        try:
            if e is not None:
                e.stop()
        finally:
            subprocess.run(["docker", "rm", "-f", *names.values()],
                           capture_output=True, timeout=60)


# --------------------------------------------------------------------------
# running one row

def dexec(cont, c):
    args = ["exec"]
    if c.user:
        args += ["-u", c.user]
    if c.tty:
        args += ["-t"]
    return docker(*args, cont.name, *c.argv, check=False, timeout=30)


def alert_rule(e):
    a = e.get("alert")
    return a.get("rule") if a else None


def brief(e):
    keys = ("comm", "syscall", "ret", "dirname", "filename", "path2", "flags",
            "exe", "argv", "addr", "port", "uid", "no_enter", "killed")
    d = {k: e[k] for k in keys if k in e}
    if "alert" in e:
        d["alert"] = e["alert"]
    return d


def dump(evs, limit=60):
    evs = [e for e in evs if not str(e.get("comm", "")).startswith("runc")]
    return "\n  ".join(str(brief(e)) for e in evs[-limit:]) or "(none)"


def run_windows(agent, cont, cmds):
    """Run cmds in cont between marker commands; return, for each command,
    (CompletedProcess, events of cont between its two markers)."""
    tok = secrets.token_hex(4)
    marks = [f"cactus-mark-{tok}-{i}" for i in range(len(cmds) + 1)]

    def mark(i):
        docker("exec", cont.name, "cat", "/" + marks[i], check=False)

    mark(0)
    results = []
    for i, c in enumerate(cmds):
        results.append(dexec(cont, c))
        mark(i + 1)

    def is_mark(e, i):
        return (cont.owns(e) and e.get("syscall") in ("open", "openat")
                and e.get("filename") == marks[i])

    agent.wait_for(lambda e: is_mark(e, len(cmds)), timeout=WAIT_TIMEOUT,
                   what=f"marker {marks[-1]} in {cont.name}")
    evs = [e for e in agent.events() if cont.owns(e)]
    idx, start = [], 0
    for i in range(len(marks)):
        j = next((k for k in range(start, len(evs)) if is_mark(evs[k], i)), None)
        assert j is not None, (f"marker {marks[i]} missing or out of order "
                               f"in the event stream of {cont.name}")
        idx.append(j)
        start = j + 1
    return [(results[i], evs[idx[i] + 1:idx[i + 1]]) for i in range(len(cmds))]


def setup_known(agent):
    """True once the agent marks the runtime's set-up ("phase": "init")."""
    return any(e.get("phase") == "init" for e in agent.events())


def procs_known(agent):
    """True once the agent names the executed file of events other than
    execve: the process table (issue 13's kernel side) is there."""
    return any(e.get("exe") and e.get("syscall") not in ("execve", "execveat")
               for e in agent.events())


@pytest.mark.parametrize("case", _params())
def test_default_rule(case, env):
    agent = env.agent_for(case.attach)
    cont = env.containers[case.where]
    (tcp, tevs), (bcp, bevs) = run_windows(agent, cont, [case.trigger, case.benign])
    if any(m.name == "needs_procs" for m in case.marks):
        assert procs_known(agent), "the agent prints no exe on events other than execve"
    if any(m.name == "needs_phase" for m in case.marks):
        assert setup_known(agent), "the agent printed no \"phase\": \"init\" event"
    ctx = (f"container {cont.name}, agent: {' '.join(agent.cmd)}\n"
           f"trigger `{case.trigger}` -> rc {tcp.returncode}\n"
           f"  stdout: {tcp.stdout.strip()!r}\n  stderr: {tcp.stderr.strip()!r}\n"
           f"benign `{case.benign}` -> rc {bcp.returncode}\n"
           f"  stdout: {bcp.stdout.strip()[:200]!r}\n  stderr: {bcp.stderr.strip()[:200]!r}\n")

    # -- the trigger
    hits = [e for e in tevs if alert_rule(e) == case.rule]
    assert hits, (f"trigger produced no alert of {case.rule}\n{ctx}"
                  f"trigger events:\n  {dump(tevs)}")
    ev = hits[0]
    a = ev["alert"]
    assert a["action"] == case.action, (a, ctx)
    assert a["outcome"] == case.expected_outcome(), (
        f"outcome {a['outcome']!r}, expected {case.expected_outcome()!r}\n"
        f"{brief(ev)}\n{ctx}")
    assert a.get("message") and a.get("priority"), a
    if case.trigger.rc is not None:
        assert tcp.returncode == case.trigger.rc, ctx
    if case.trigger.stderr is not None:
        assert case.trigger.stderr in tcp.stderr, ctx
    if case.expected_outcome() == "killed":
        assert ev.get("killed") is True, brief(ev)
        assert tcp.returncode == 137, ctx
    if case.action == "deny":
        assert ev["ret"] == -1, brief(ev)                  # -EPERM
        assert NOPERM in tcp.stderr, ctx

    # -- the benign look-alike
    if case.benign.rc is not None:
        assert bcp.returncode == case.benign.rc, ctx
    if case.benign.stderr is not None:
        assert case.benign.stderr in bcp.stderr, ctx
    assert any(case.benign_event(e) for e in bevs), (
        f"benign window has no {case.benign_what}\n{ctx}"
        f"benign events:\n  {dump(bevs)}")
    bad = [e for e in bevs if alert_rule(e) == case.rule]
    assert not bad, (f"benign look-alike raised {case.rule}:\n  {dump(bad)}\n{ctx}")


def test_every_default_rule_has_a_row():
    cp = run([str(CACTUS), "rules", "list"], cwd=REPO)
    names = {l.split()[0] for l in cp.stdout.splitlines()[1:] if l.strip()}
    covered = {c.rule for c in CASES if not c.id}
    assert len(names) >= 25
    assert names == covered, (f"rules without a row: {sorted(names - covered)}; "
                              f"rows without a rule: {sorted(covered - names)}")
