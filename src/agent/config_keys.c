// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The keys of the config file: one row per long option of `cactus monitor`,
 * named like the option, with the same limits as the CLI applies, so a file
 * that passes `config check` is one the CLI accepts. Add a row with each new
 * option (and a commented line in packaging/cactus.yaml).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "agent/config.h"
#include "agent/server.h"
#include "sinks/rotfile.h"
#include "syscalls.h"

static const char *const outputs[] = { "text", "json", "block", NULL };
static const char *const attach_modes[] = { "auto", "fentry", "kprobe", "tracepoint",
					    "tp_btf", "raw_tp", NULL };

static const char *power_of_two(const char *v)
{
	long long n = atoll(v);

	return n > 0 && !(n & (n - 1)) ? NULL : "not a power of 2";
}

static const char *absolute_path(const char *v)
{
	if (v[0] != '/')
		return "not an absolute path";
	return strlen(v) >= 256 ? "longer than 255 bytes" : NULL;
}

static const char *category(const char *v)
{
	return cactus_category_parse(v) < 0 ? "unknown category (cactus syscalls lists them)"
					    : NULL;
}

static const char *syscall_name(const char *v)
{
	return cactus_syscall_by_name(v) ? NULL : "unknown syscall (cactus syscalls lists them)";
}

static const char *listen_addr(const char *v)
{
	struct sockaddr_storage ss;
	socklen_t len;

	return server_parse_addr(v, &ss, &len) ? "want HOST:PORT, [IPV6]:PORT or :PORT" : NULL;
}

static const char *http_url(const char *v)
{
	return strncmp(v, "http://", 7) && strncmp(v, "https://", 8) ? "not an http(s) URL"
								     : NULL;
}

#define KEY(n, t, ...) { .name = n, .type = t, __VA_ARGS__ }

const struct config_key cactus_config_keys[] = {
	KEY("output", CONFIG_ENUM, .names = outputs),
	KEY("container", CONFIG_LIST),
	KEY("k8s-namespace", CONFIG_STRING),
	KEY("category", CONFIG_LIST, .check = category),
	KEY("syscall", CONFIG_LIST, .check = syscall_name),
	KEY("ring-size", CONFIG_INT, .min = 1, .max = 1024, .check = power_of_two), /* MiB */
	KEY("attach", CONFIG_ENUM, .names = attach_modes),
	KEY("docker-sock", CONFIG_STRING, .check = absolute_path),
	KEY("rules", CONFIG_LIST),
	KEY("no-default-rules", CONFIG_BOOL),
	KEY("alerts-only", CONFIG_BOOL),
	KEY("deny-open", CONFIG_LIST, .check = absolute_path),
	KEY("max-containers", CONFIG_INT, .min = 16, .max = 1 << 20),
	KEY("alert-window", CONFIG_INT, .min = 0, .max = 3600), /* seconds */
	KEY("verbose", CONFIG_BOOL),
	KEY("metrics-addr", CONFIG_STRING, .check = listen_addr),
	KEY("output-file", CONFIG_STRING),
	KEY("output-file-max-bytes", CONFIG_INT, .min = 4096, .max = INT64_MAX),
	KEY("output-file-keep", CONFIG_INT, .min = 0, .max = ROTFILE_MAX_KEEP),
	KEY("webhook-url", CONFIG_STRING, .check = http_url),
	KEY("webhook-queue", CONFIG_INT, .min = 1, .max = 1000000),
	KEY("pin-path", CONFIG_STRING, .check = absolute_path),
};

const size_t cactus_config_keys_count = sizeof(cactus_config_keys) / sizeof(cactus_config_keys[0]);
