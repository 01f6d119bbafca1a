// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cgroup path -> (runtime, container id). Pure string work, no I/O.
 *
 * The path is walked from its leaf towards the root and the first component
 * that names a container wins, so sub-cgroups below a container's own cgroup
 * ("/docker/<id>/init", ".../libpod-<id>.scope/container") are skipped and
 * nested containers resolve to the innermost one. Ids are exactly 64
 * lowercase hex digits, as every runtime writes them; anything else is not
 * a container (docker itself rejects uppercase ids).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "containers/internal.h"

/* Leaf prefixes the runtimes put before the id, with an optional ".scope". */
static const struct {
	const char *prefix;
	const char *runtime;
} ct_prefixes[] = {
	{ "docker-", "docker" },                /* systemd driver, also under kubepods */
	{ "cri-containerd-", "containerd" },    /* CRI plugin, systemd driver */
	{ "crio-", "cri-o" },                   /* crio-<id>.scope, cgroupfs crio-<id> */
	{ "libpod-", "podman" },                /* libpod-<id>.scope, libpod_parent/libpod-<id> */
};

bool ct_is_hex_id(const char *s, size_t len)
{
	size_t i;

	if (len != CT_HEX_ID_LEN)
		return false;
	for (i = 0; i < len; i++) {
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	}
	return true;
}

static bool has_prefix(const char *s, size_t len, const char *prefix)
{
	size_t plen = strlen(prefix);

	return len >= plen && !memcmp(s, prefix, plen);
}

/*
 * A bare "<id>" component: the runtime comes from the ancestors. "/docker/<id>"
 * is docker's cgroupfs driver, "/kubepods/.../pod<uid>/<id>" and
 * "/<namespace>/<id>" (ctr's "/default/<id>") are containerd. A bare leaf with
 * no ancestors is what the kernel reports for a cgroupfs docker container, the
 * common case; containers__resolve() corrects it when docker does not know it.
 */
static const char *bare_runtime(const char *path, size_t leaf_off)
{
	const char *p = path, *end = path + leaf_off, *rt = NULL;
	bool any = false;

	/* The nearest telling ancestor wins: kind's "/docker/<node>/kubepods/..." */
	while (p < end) {
		const char *slash = memchr(p, '/', end - p);
		size_t len = (slash ? slash : end) - p;

		if (len) {
			if (len == 6 && !memcmp(p, "docker", 6))
				rt = "docker";
			else if (has_prefix(p, len, "kubepods"))
				rt = "containerd";
			else if (has_prefix(p, len, "libpod_parent") ||
				 has_prefix(p, len, "machine.slice"))
				rt = "podman";
			any = true;
		}
		if (!slash)
			break;
		p = slash + 1;
	}
	if (rt)
		return rt;
	return any ? "containerd" : "docker";
}

/* One component [s, s+len): fills id and returns the runtime, or NULL. */
static const char *parse_component(const char *path, const char *s, size_t len,
				   const char **id)
{
	size_t i, plen;

	if (len > 6 && !memcmp(s + len - 6, ".scope", 6))
		len -= 6;
	else if (ct_is_hex_id(s, len)) {
		*id = s;
		return bare_runtime(path, s - path);
	}
	for (i = 0; i < sizeof(ct_prefixes) / sizeof(ct_prefixes[0]); i++) {
		plen = strlen(ct_prefixes[i].prefix);
		if (has_prefix(s, len, ct_prefixes[i].prefix) &&
		    ct_is_hex_id(s + plen, len - plen)) {
			*id = s + plen;
			return ct_prefixes[i].runtime;
		}
	}
	return NULL;
}

int cgroup_path_parse(const char *path, char *runtime, size_t runtime_len,
		      char *id, size_t id_len)
{
	const char *end, *start, *found_id = NULL, *rt = NULL;

	if (!path || !runtime || !id)
		return -EINVAL;
	if (id_len < CT_HEX_ID_LEN + 1 || runtime_len <= strlen("containerd"))
		return -ENOSPC;

	end = path + strlen(path);
	while (end > path && (end[-1] == '\n' || end[-1] == '/'))
		end--;
	while (end > path && !rt) {
		start = end;
		while (start > path && start[-1] != '/')
			start--;
		rt = parse_component(path, start, end - start, &found_id);
		end = start;
		while (end > path && end[-1] == '/')
			end--;
	}
	if (!rt)
		return -ENOENT;

	memcpy(id, found_id, CT_HEX_ID_LEN);
	id[CT_HEX_ID_LEN] = '\0';
	return ct_strlcpy(runtime, rt, runtime_len) ? -ENOSPC : 0;
}
