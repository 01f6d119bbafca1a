// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Rule fields (of the event field table) and operators by name, and the
 * value parsers used at load. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include "rules_internal.h"

static const char *const ops[OP_COUNT] = {
	[OP_EXACT] = "exact", [OP_IN] = "in", [OP_PREFIX] = "prefix",
	[OP_SUFFIX] = "suffix", [OP_GLOB] = "glob", [OP_CONTAINS] = "contains",
	[OP_CIDR] = "cidr", [OP_LT] = "lt", [OP_GT] = "gt", [OP_NE] = "ne",
	[OP_MASK] = "mask",
};

const char *rfield_name(enum field_id f)
{
	return (unsigned)f < F_COUNT ? fields[f].name : "?";
}

int rfield_parse(const char *name)
{
	int f = field_by_name(name);

	return f >= 0 && fields[f].rule == FR_MATCH ? f : -1;
}

enum field_kind rfield_kind(enum field_id f)
{
	return fields[f].kind;
}

void rfield_range(enum field_id f, int64_t *min, int64_t *max)
{
	*min = fields[f].min;
	*max = fields[f].max;
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

bool rop_allowed(enum field_kind k, enum rop op)
{
	static const unsigned allowed[] = {
		[FK_STR] = STR_OPS,
		[FK_ARGV] = STR_OPS,
		[FK_MULTI] = STR_OPS,
		[FK_BOOL] = B(OP_EXACT) | B(OP_NE),
		[FK_PHASE] = B(OP_EXACT) | B(OP_IN) | B(OP_NE),
		[FK_ADDR] = STR_OPS | B(OP_CIDR),
		[FK_NUM] = B(OP_EXACT) | B(OP_IN) | B(OP_LT) | B(OP_GT) | B(OP_NE) | B(OP_MASK),
		[FK_SYSCALL] = B(OP_EXACT) | B(OP_IN) | B(OP_NE),
		[FK_CATEGORY] = B(OP_EXACT) | B(OP_IN) | B(OP_NE),
		[FK_OUT] = 0,
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

/* The names event/view.c prints (signal_name), with or without "SIG", in
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
