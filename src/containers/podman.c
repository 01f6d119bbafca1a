// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * podman keeps its containers' names and images in containers/storage:
 * /var/lib/containers/storage/overlay-containers/containers.json lists each
 * container with "names" and a "metadata" JSON string holding "image-name".
 * Read with json-c when a podman container is learnt.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "containers/internal.h"

#define PODMAN_CONTAINERS "/var/lib/containers/storage/overlay-containers/containers.json"

static void fill_from(json_object *e, struct container *c)
{
	json_object *names = NULL, *meta = NULL, *m, *img = NULL;

	if (json_object_object_get_ex(e, "names", &names) &&
	    json_object_array_length(names) > 0)
		ct_strlcpy(c->name, json_object_get_string(json_object_array_get_idx(names, 0)),
			   sizeof(c->name));
	if (!json_object_object_get_ex(e, "metadata", &meta))
		return;
	m = json_tokener_parse(json_object_get_string(meta));
	if (m && json_object_object_get_ex(m, "image-name", &img))
		ct_strlcpy(c->image, json_object_get_string(img), sizeof(c->image));
	json_object_put(m);
}

int ct_podman_fill(const char *prefix, const char *id, struct container *c)
{
	char path[PATH_MAX];
	json_object *all, *id_obj;
	int err = -ENOENT;
	size_t n;

	snprintf(path, sizeof(path), "%s%s", prefix, PODMAN_CONTAINERS);
	all = json_object_from_file(path);
	if (!all)
		return -ENOENT;
	n = json_object_is_type(all, json_type_array) ? json_object_array_length(all) : 0;
	for (size_t i = 0; i < n && err; i++) {
		json_object *e = json_object_array_get_idx(all, i);

		if (json_object_object_get_ex(e, "id", &id_obj) &&
		    !strcmp(json_object_get_string(id_obj), id)) {
			fill_from(e, c);
			err = 0;
		}
	}
	json_object_put(all);
	return err;
}
