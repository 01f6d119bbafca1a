// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <arpa/inet.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include "event/view.h"

void format_rfc3339(int64_t real_ns, char *buf, size_t len)
{
	/* the date part changes once a second: format it once (hot path) */
	static __thread time_t cached_sec = -1;
	static __thread char cached[64];
	static __thread size_t cached_len;
	time_t sec = real_ns / 1000000000;
	long nsec = real_ns % 1000000000;
	char frac[11];

	if (nsec < 0) {
		nsec += 1000000000;
		sec--;
	}
	if (sec != cached_sec) {
		struct tm tm;

		gmtime_r(&sec, &tm);
		snprintf(cached, sizeof(cached), "%04d-%02d-%02dT%02d:%02d:%02d",
			 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
			 tm.tm_sec);
		cached_sec = sec;
		cached_len = strlen(cached);
	}
	frac[0] = '.';
	for (int i = 9; i >= 1; i--) {
		frac[i] = '0' + nsec % 10;
		nsec /= 10;
	}
	frac[10] = 'Z';
	if (len < cached_len + sizeof(frac) + 1) {
		if (len)
			buf[0] = 0;
		return;
	}
	memcpy(buf, cached, cached_len);
	memcpy(buf + cached_len, frac, sizeof(frac));
	buf[cached_len + sizeof(frac)] = 0;
}

/* Appends component [s, s+n) to out (length *olen) handling "." and "..". */
static void push_component(char *out, size_t cap, size_t *olen, const char *s, size_t n)
{
	if (n == 0 || (n == 1 && s[0] == '.'))
		return;
	if (n == 2 && s[0] == '.' && s[1] == '.') {
		while (*olen > 0 && out[*olen - 1] != '/')
			(*olen)--;
		if (*olen > 0)
			(*olen)--; /* the slash itself */
		out[*olen] = 0;
		return;
	}
	if (*olen + 1 + n + 1 > cap)
		return;
	out[(*olen)++] = '/';
	memcpy(out + *olen, s, n);
	*olen += n;
	out[*olen] = 0;
}

static void push_path(char *out, size_t cap, size_t *olen, const char *p)
{
	while (p && *p) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);

		push_component(out, cap, olen, p, n);
		p += n;
		while (*p == '/')
			p++;
	}
}

/* Copies @n bytes of @s into @dst (@len > 0), cut to fit, NUL-ended: what
 * snprintf("%.*s") does, without its format parsing on the per-event path. */
static void copy_cut(char *dst, size_t len, const char *s, size_t n)
{
	if (n >= len)
		n = len - 1;
	memcpy(dst, s, n);
	dst[n] = 0;
}

void path_split(const char *base, const char *path, char *dir, size_t dir_len,
		char *file, size_t file_len)
{
	char full[VIEW_PATH_MAX];
	size_t n = 0;
	const char *slash;

	full[0] = 0;
	if (!path || !*path) {
		base = base ? base : "";
		copy_cut(dir, dir_len, base, strlen(base));
		file[0] = 0;
		return;
	}
	if (path[0] != '/')
		push_path(full, sizeof(full), &n, base);
	push_path(full, sizeof(full), &n, path);
	if (n == 0) {
		copy_cut(dir, dir_len, "/", 1);
		file[0] = 0;
		return;
	}
	slash = strrchr(full, '/');
	copy_cut(file, file_len, slash + 1, n - (size_t)(slash + 1 - full));
	if (slash == full)
		copy_cut(dir, dir_len, "/", 1);
	else
		copy_cut(dir, dir_len, full, (size_t)(slash - full));
}

static const char *const sig_names[] = {
	[SIGHUP] = "SIGHUP", [SIGINT] = "SIGINT", [SIGQUIT] = "SIGQUIT",
	[SIGILL] = "SIGILL", [SIGTRAP] = "SIGTRAP", [SIGABRT] = "SIGABRT",
	[SIGBUS] = "SIGBUS", [SIGFPE] = "SIGFPE", [SIGKILL] = "SIGKILL",
	[SIGUSR1] = "SIGUSR1", [SIGSEGV] = "SIGSEGV", [SIGUSR2] = "SIGUSR2",
	[SIGPIPE] = "SIGPIPE", [SIGALRM] = "SIGALRM", [SIGTERM] = "SIGTERM",
	[SIGSTKFLT] = "SIGSTKFLT", [SIGCHLD] = "SIGCHLD", [SIGCONT] = "SIGCONT",
	[SIGSTOP] = "SIGSTOP", [SIGTSTP] = "SIGTSTP", [SIGTTIN] = "SIGTTIN",
	[SIGTTOU] = "SIGTTOU", [SIGURG] = "SIGURG", [SIGXCPU] = "SIGXCPU",
	[SIGXFSZ] = "SIGXFSZ", [SIGVTALRM] = "SIGVTALRM", [SIGPROF] = "SIGPROF",
	[SIGWINCH] = "SIGWINCH", [SIGIO] = "SIGIO", [SIGPWR] = "SIGPWR",
	[SIGSYS] = "SIGSYS",
};

const char *signal_name(int sig, char *buf, size_t len)
{
	if (sig == 0)
		return "0";
	if (sig > 0 && (size_t)sig < sizeof(sig_names) / sizeof(sig_names[0]) && sig_names[sig])
		return sig_names[sig];
	if (sig >= 32 && sig <= 64) {
		snprintf(buf, len, "SIGRTMIN+%d", sig - 32);
		return buf;
	}
	snprintf(buf, len, "%d", sig);
	return buf;
}

void open_flags_str(uint64_t flags, char *buf, size_t len)
{
	static const struct {
		uint64_t bit;
		const char *name;
	} bits[] = {
		{ O_CREAT, "O_CREAT" }, { O_EXCL, "O_EXCL" }, { O_NOCTTY, "O_NOCTTY" },
		{ O_TRUNC, "O_TRUNC" }, { O_APPEND, "O_APPEND" }, { O_NONBLOCK, "O_NONBLOCK" },
		{ O_DSYNC, "O_DSYNC" }, { O_DIRECT, "O_DIRECT" },
		/* glibc defines O_LARGEFILE as 0 on 64-bit: the kernel sets 0100000 */
		{ 0100000, "O_LARGEFILE" },
		{ O_DIRECTORY, "O_DIRECTORY" }, { O_NOFOLLOW, "O_NOFOLLOW" },
		{ O_NOATIME, "O_NOATIME" }, { O_CLOEXEC, "O_CLOEXEC" }, { O_PATH, "O_PATH" },
		{ __O_TMPFILE, "O_TMPFILE" }, { O_SYNC, "O_SYNC" },
	};
	static const char *const acc[] = { "O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE" };
	size_t n = 0;

	/* on every open event: appended by hand, not by snprintf */
	if (!len)
		return;
	for (size_t i = 0; i <= sizeof(bits) / sizeof(bits[0]); i++) {
		const char *name = i ? bits[i - 1].name : acc[flags & O_ACCMODE];
		size_t k;

		if (i && (flags & bits[i - 1].bit) != bits[i - 1].bit)
			continue;
		k = strlen(name);
		if (n + (i ? 1 : 0) + k >= len)
			break;
		if (i)
			buf[n++] = '|';
		memcpy(buf + n, name, k);
		n += k;
	}
	buf[n] = 0;
}

/*
 * "/proc/<pid>/..." of the caller's own process (its pid in its namespace:
 * what its /proc shows) becomes "/proc/self/...", as the process would have
 * spelled it: the kernel names /proc/self by the pid it stands for, and
 * "another process's memory" must not be told from "its own" by a number.
 */
void proc_self_path(char *dir, size_t len, uint32_t pid)
{
	char own[32];
	size_t n;

	if (!pid || strncmp(dir, "/proc/", 6))
		return; /* most paths: no snprintf */
	n = (size_t)snprintf(own, sizeof(own), "/proc/%u", pid);
	if (strncmp(dir, own, n) || (dir[n] && dir[n] != '/'))
		return;
	if (strlen(dir) - n + sizeof("/proc/self") > len)
		return;
	memmove(dir + sizeof("/proc/self") - 1, dir + n, strlen(dir + n) + 1);
	memcpy(dir, "/proc/self", sizeof("/proc/self") - 1);
}

const char *alert_outcome_name(enum alert_outcome o)
{
	static const char *const names[OUTCOME_COUNT] = {
		[OUTCOME_ALERTED] = "alerted",
		[OUTCOME_KILLED] = "killed",
		[OUTCOME_DENIED] = "denied",
		[OUTCOME_NOT_ENFORCED] = "not enforced",
		[OUTCOME_KILLED_DOWNGRADED] = "killed (deny downgraded to kill: no BPF-LSM)",
	};

	return (unsigned)o < OUTCOME_COUNT ? names[o] : "?";
}

static void view_file(struct event_view *v)
{
	const struct cactus_event *e = v->e;
	const char *path = event_str(e, STR_PATH);
	__u64 flags;

	if (e->flags & EF_RESOLVED) {
		/* the file the kernel opened; the spelling, when another, beside it */
		const char *arg = event_str(e, STR_BASE);

		path_split(NULL, path, v->dirname, sizeof(v->dirname), v->filename,
			   sizeof(v->filename));
		proc_self_path(v->dirname, sizeof(v->dirname), e->pid);
		if (arg && path && strcmp(arg, path))
			v->path_arg = arg;
	} else if (path || event_str(e, STR_BASE)) {
		path_split(event_str(e, STR_BASE), path, v->dirname, sizeof(v->dirname),
			   v->filename, sizeof(v->filename));
	}
	v->path2 = event_str(e, STR_EXTRA);
	if (cactus_syscall_is(v->sc, SCF_OFLAGS) &&
	    cactus_syscall_arg(e->args, v->sc->flags_arg, &flags))
		open_flags_str(flags, v->flags, sizeof(v->flags));
}

static void view_exec(struct event_view *v)
{
	const struct cactus_event *e = v->e;
	const char *argv = event_str(e, STR_EXTRA);
	const char *end = argv ? argv + e->str_len[STR_EXTRA] : NULL;

	v->exe = event_str(e, STR_PATH);
	if (v->exe && v->exe[0] != '/' && event_str(e, STR_BASE)) {
		path_split(event_str(e, STR_BASE), v->exe, v->dirname, sizeof(v->dirname),
			   v->filename, sizeof(v->filename));
	} else if (v->exe) {
		path_split(NULL, v->exe, v->dirname, sizeof(v->dirname), v->filename,
			   sizeof(v->filename));
	}
	while (argv && argv <= end && v->argc < VIEW_ARGV_MAX) {
		v->argv[v->argc++] = argv;
		argv += strlen(argv) + 1;
	}
}

static void view_addr(struct event_view *v)
{
	const struct cactus_event *e = v->e;

	if (!(e->flags & EF_HAS_ADDR))
		return;
	v->port = e->port;
	switch (e->family) {
	case AF_INET:
		v->family = "AF_INET";
		inet_ntop(AF_INET, e->addr, v->addr, sizeof(v->addr));
		break;
	case AF_INET6:
		v->family = "AF_INET6";
		inet_ntop(AF_INET6, e->addr, v->addr, sizeof(v->addr));
		break;
	case AF_UNIX:
		v->family = "AF_UNIX";
		snprintf(v->addr, sizeof(v->addr), "%s", event_str(e, STR_PATH) ?: "");
		v->port = 0;
		break;
	}
}

/* The io_uring operation a record stands for, if it is one. */
static void view_uring(struct event_view *v, const struct cactus_event *e)
{
	static const char *const threads[] = {
		[URING_INLINE] = "inline", [URING_SQPOLL] = "sqpoll", [URING_WORKER] = "worker",
	};
	const struct cactus_uring_op *op;

	v->via = v->uring_op = v->uring_thread = NULL;
	if (!e->uring_thread)
		return;
	v->via = "io_uring";
	op = cactus_uring_op_by_nr(e->uring_op);
	if (op) {
		v->uring_op = op->name;
	} else {
		snprintf(v->uring_opbuf, sizeof(v->uring_opbuf), "%u", e->uring_op);
		v->uring_op = v->uring_opbuf;
	}
	v->uring_thread = e->uring_thread <= URING_WORKER ? threads[e->uring_thread] : "?";
}

void event_view_init(struct event_view *v, const struct cactus_event *e,
		     const struct container *c, int64_t boot_to_real_ns)
{
	__u64 arg;

	v->dirname[0] = v->filename[0] = v->flags[0] = v->addr[0] = 0;
	v->path2 = v->exe = v->family = v->signal = NULL;
	v->argc = v->port = 0;
	v->target_pid = 0;
	v->signal_nr = -1;
	v->e = e;
	v->c = c;
	v->alert = NULL;
	v->proc = NULL;
	v->phase_init = e->flags & EF_SETUP;
	v->container_age_ns = -1;
	v->path_arg = NULL;
	v->sc = cactus_syscall_by_nr((int)e->syscall_nr);
	view_uring(v, e);
	format_rfc3339((int64_t)e->ts_boot_ns + boot_to_real_ns, v->time, sizeof(v->time));
	if (!v->sc)
		return;
	switch (v->sc->kind) {
	case CK_PATH:
	case CK_FD:
		view_file(v);
		break;
	case CK_EXEC:
		view_exec(v);
		break;
	case CK_SOCKADDR:
		view_addr(v);
		break;
	}
	if (cactus_syscall_is(v->sc, SCF_SIGNAL) &&
	    cactus_syscall_arg(e->args, v->sc->sig_arg, &arg)) {
		v->signal_nr = (int)arg;
		v->signal = signal_name(v->signal_nr, v->sigbuf, sizeof(v->sigbuf));
		v->target_pid = cactus_syscall_arg(e->args, v->sc->target_arg, &arg) ? (long)(int)arg : 0;
	}
}
