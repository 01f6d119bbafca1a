// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Names of match fields and operators, and the value parsers used at load. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include "rules_internal.h"

static const struct {
	const char *name;
	enum rkind kind;
} fields[RF_COUNT] = {
	[RF_ACTIVITY] = { "activity", RK_STR },
	[RF_PATH] = { "path", RK_STR },
	[RF_DIRNAME] = { "dirname", RK_STR },
	[RF_FILENAME] = { "filename", RK_STR },
	[RF_PATH2] = { "path2", RK_STR },
	[RF_EXE] = { "exe", RK_STR },
	[RF_COMM] = { "comm", RK_STR },
	[RF_CONTAINER_NAME] = { "container_name", RK_STR },
	[RF_CONTAINER_ID] = { "container_id", RK_STR },
	[RF_IMAGE] = { "image", RK_STR },
	[RF_RUNTIME] = { "runtime", RK_STR },
	[RF_K8S_NS] = { "k8s_namespace", RK_STR },
	[RF_K8S_POD] = { "k8s_pod", RK_STR },
	[RF_FAMILY] = { "family", RK_STR },
	[RF_ADDR] = { "addr", RK_ADDR },
	[RF_SIGNAL] = { "signal", RK_STR },
	[RF_FLAGS] = { "flags", RK_STR },
	[RF_PATH_ARG] = { "path_arg", RK_STR },
	[RF_EXE_NAME] = { "exe_name", RK_STR },
	[RF_PARENT_EXE] = { "parent_exe", RK_STR },
	[RF_PARENT_COMM] = { "parent_comm", RK_STR },
	[RF_SYSCALL] = { "syscall", RK_SYSCALL },
	[RF_CATEGORY] = { "category", RK_CATEGORY },
	[RF_ARGV] = { "argv", RK_ARGV },
	[RF_PHASE] = { "phase", RK_PHASE },
	[RF_ANCESTOR_EXE] = { "ancestor_exe", RK_MULTI },
	[RF_ANCESTOR_COMM] = { "ancestor_comm", RK_MULTI },
	[RF_PROGRAM] = { "program", RK_MULTI },
	[RF_TTY] = { "tty", RK_BOOL },
	[RF_ENTRYPOINT] = { "entrypoint", RK_BOOL },
	[RF_EXEC_SESSION] = { "exec_session", RK_BOOL },
	[RF_PARENT_ENTRYPOINT] = { "parent_entrypoint", RK_BOOL },
	[RF_PARENT_EXEC_SESSION] = { "parent_exec_session", RK_BOOL },
	[RF_UID] = { "uid", RK_NUM },
	[RF_GID] = { "gid", RK_NUM },
	[RF_PID] = { "pid", RK_NUM },
	[RF_PPID] = { "ppid", RK_NUM },
	[RF_HOST_PID] = { "host_pid", RK_NUM },
	[RF_RET] = { "ret", RK_NUM },
	[RF_PORT] = { "port", RK_NUM },
	[RF_SIGNAL_NR] = { "signal_nr", RK_NUM },
	[RF_TARGET_PID] = { "target_pid", RK_NUM },
	[RF_MODE] = { "mode", RK_NUM },
	[RF_CONTAINER_AGE] = { "container_age", RK_NUM },
	[RF_ARG0] = { "arg0", RK_NUM },
	[RF_ARG1] = { "arg1", RK_NUM },
	[RF_ARG2] = { "arg2", RK_NUM },
	[RF_ARG3] = { "arg3", RK_NUM },
	[RF_ARG4] = { "arg4", RK_NUM },
	[RF_ARG5] = { "arg5", RK_NUM },
};

/* PID_MAX_LIMIT (include/linux/threads.h): no pid is larger on any kernel */
#define PID_MAX (4 * 1024 * 1024)

static const struct {
	int64_t min, max;
} ranges[RF_COUNT] = {
	[RF_UID] = { 0, UINT32_MAX },
	[RF_GID] = { 0, UINT32_MAX },
	[RF_PID] = { 0, PID_MAX },
	[RF_PPID] = { 0, PID_MAX },
	[RF_HOST_PID] = { 0, PID_MAX },
	[RF_RET] = { INT64_MIN, INT64_MAX },
	[RF_PORT] = { 0, 65535 },
	[RF_SIGNAL_NR] = { 0, 64 },        /* 0 probes a pid; SIGRTMAX is 64 */
	[RF_TARGET_PID] = { INT32_MIN, INT32_MAX }, /* kill(-pgid), kill(-1) */
	[RF_MODE] = { 0, 0177777 },        /* S_IFMT and permission bits */
	[RF_CONTAINER_AGE] = { 0, INT64_MAX / 1000000000 }, /* seconds */
	[RF_ARG0] = { INT64_MIN, INT64_MAX },
	[RF_ARG1] = { INT64_MIN, INT64_MAX },
	[RF_ARG2] = { INT64_MIN, INT64_MAX },
	[RF_ARG3] = { INT64_MIN, INT64_MAX },
	[RF_ARG4] = { INT64_MIN, INT64_MAX },
	[RF_ARG5] = { INT64_MIN, INT64_MAX },
};

static const char *const ops[OP_COUNT] = {
	[OP_EXACT] = "exact", [OP_IN] = "in", [OP_PREFIX] = "prefix",
	[OP_SUFFIX] = "suffix", [OP_GLOB] = "glob", [OP_CONTAINS] = "contains",
	[OP_CIDR] = "cidr", [OP_LT] = "lt", [OP_GT] = "gt", [OP_NE] = "ne",
	[OP_MASK] = "mask",
};

const char *rfield_name(enum rfield f)
{
	return (unsigned)f < RF_COUNT ? fields[f].name : "?";
}

int rfield_parse(const char *name)
{
	for (int i = 0; i < RF_COUNT; i++) {
		if (!strcmp(fields[i].name, name))
			return i;
	}
	return -1;
}

enum rkind rfield_kind(enum rfield f)
{
	return fields[f].kind;
}

void rfield_range(enum rfield f, int64_t *min, int64_t *max)
{
	*min = ranges[f].min;
	*max = ranges[f].max;
}

const char *rop_name(enum rop op)
{
	return (unsigned)op < OP_COUNT ? ops[op] : "?";
}

int rop_parse(const char *name)
{
	for (int i = 0; i < OP_COUNT; i++) {
		if (!strcmp(ops[i], name))
			return i;
	}
	return -1;
}

#define B(op) (1u << (op))
#define STR_OPS (B(OP_EXACT) | B(OP_IN) | B(OP_PREFIX) | B(OP_SUFFIX) | B(OP_GLOB) | \
		 B(OP_CONTAINS) | B(OP_NE))

bool rop_allowed(enum rkind k, enum rop op)
{
	static const unsigned allowed[] = {
		[RK_STR] = STR_OPS,
		[RK_ARGV] = STR_OPS,
		[RK_MULTI] = STR_OPS,
		[RK_BOOL] = B(OP_EXACT) | B(OP_NE),
		[RK_PHASE] = B(OP_EXACT) | B(OP_IN) | B(OP_NE),
		[RK_ADDR] = STR_OPS | B(OP_CIDR),
		[RK_NUM] = B(OP_EXACT) | B(OP_IN) | B(OP_LT) | B(OP_GT) | B(OP_NE) | B(OP_MASK),
		[RK_SYSCALL] = B(OP_EXACT) | B(OP_IN) | B(OP_NE),
		[RK_CATEGORY] = B(OP_EXACT) | B(OP_IN) | B(OP_NE),
	};

	return allowed[k] & B(op);
}

/* YAML's booleans (the core schema's spellings): 1 or 0, -EINVAL otherwise. */
int parse_bool(const char *s)
{
	static const char *const yes[] = { "true", "True", "TRUE" };
	static const char *const no[] = { "false", "False", "FALSE" };

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcmp(s, yes[i]))
			return 1;
		if (!strcmp(s, no[i]))
			return 0;
	}
	return -EINVAL;
}

/* "init" or "workload": PHASE_*, -EINVAL otherwise. */
int parse_phase(const char *s)
{
	if (!strcmp(s, "init"))
		return PHASE_INIT;
	if (!strcmp(s, "workload"))
		return PHASE_WORKLOAD;
	return -EINVAL;
}

/* Decimal, 0x hex or 0 octal (file modes: 04000), optionally negative. */
int parse_i64(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (!*s)
		return -EINVAL;
	errno = 0;
	v = strtoll(s, &end, 0);
	if (errno || *end)
		return -EINVAL;
	*out = v;
	return 0;
}

static bool all_digits(const char *s)
{
	if (!*s || strlen(s) > 3)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
	}
	return true;
}

/* "10.0.0.0/8", "fd00::/8", or a bare address (a /32 or /128). */
int parse_cidr(const char *s, struct rnet *out)
{
	char buf[64];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	int64_t plen;

	if (n == 0 || n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = 0;
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, buf, out->addr) == 1)
		out->family = AF_INET;
	else if (inet_pton(AF_INET6, buf, out->addr) == 1)
		out->family = AF_INET6;
	else
		return -EINVAL;
	plen = out->family == AF_INET ? 32 : 128;
	if (slash) {
		/* decimal only: "/010" is not octal 8 */
		if (!all_digits(slash + 1))
			return -EINVAL;
		plen = 0;
		for (const char *d = slash + 1; *d; d++)
			plen = plen * 10 + (*d - '0');
		if (plen > (out->family == AF_INET ? 32 : 128))
			return -EINVAL;
	}
	out->plen = (int)plen;
	return 0;
}

/* The names event_view.c prints (signal_name), with or without "SIG", in
 * any case, or a number: what a rule says is what the event shows. */
int parse_signal(const char *s)
{
	const char *bare = strncasecmp(s, "SIG", 3) ? s : s + 3;
	char buf[24];
	int64_t nr;

	if (!parse_i64(s, &nr))
		return nr >= 0 && nr <= 64 ? (int)nr : -EINVAL;
	for (int sig = 1; sig <= 64; sig++) {
		const char *name = signal_name(sig, buf, sizeof(buf));

		if (!strncmp(name, "SIG", 3) && !strcasecmp(name + 3, bare))
			return sig;
	}
	return -EINVAL;
}
