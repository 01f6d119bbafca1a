// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdarg.h>
#include <stdio.h>
#include <bpf/libbpf.h>
#include "log.h"

static bool verbose;

void log_set_verbose(bool v)
{
	verbose = v;
}

static void vlog(enum log_level level, const char *fmt, va_list ap)
{
	if (level == LOG_DEBUG && !verbose)
		return;
	fputs("cactus: ", stderr);
	if (level == LOG_ERROR)
		fputs("error: ", stderr);
	else if (level == LOG_WARN)
		fputs("warning: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(level, fmt, ap);
	va_end(ap);
}

/* libbpf warns while cactus probes features (a refused attach mode is
 * expected): its messages are for -v; cactus says what failed itself. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	if (!verbose)
		return 0;
	fputs("cactus: libbpf: ", stderr);
	return vfprintf(stderr, fmt, ap);
}

void log_setup_libbpf(void)
{
	libbpf_set_print(libbpf_print);
}
