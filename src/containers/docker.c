// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Docker Engine API over its unix socket: libcurl for HTTP, json-c for the
 * answers. Every request has a 2 s connect and 5 s total timeout so a stuck
 * daemon can slow cactus down but never hang it.
 *
 * The API version comes from GET /version ("ApiVersion") and prefixes every
 * later URL: a newer libcurl-side default would be refused by an older daemon
 * (a 20.10 engine speaks 1.41 at most).
 */
#include <curl/curl.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "containers/internal.h"

#define CT_CONNECT_MS 2000L
#define CT_REQUEST_MS 5000L
#define CT_BODY_MAX (16u << 20) /* a /containers/json of thousands of containers */

struct body {
	char *data;
	size_t len;
	size_t cap;
};

static size_t body_write(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct body *b = userdata;
	size_t n = size * nmemb;
	char *tmp;

	if (b->len + n + 1 > CT_BODY_MAX)
		return 0; /* curl fails the transfer with CURLE_WRITE_ERROR */
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;

		while (cap < b->len + n + 1)
			cap *= 2;
		tmp = realloc(b->data, cap);
		if (!tmp)
			return 0;
		b->data = tmp;
		b->cap = cap;
	}
	memcpy(b->data + b->len, ptr, n);
	b->len += n;
	b->data[b->len] = '\0';
	return n;
}

int ct_docker_url(const struct ct_docker *d, const char *path, char *url, size_t len)
{
	int n;

	/* the host part is ignored on a unix socket, but HTTP/1.1 needs one */
	if (d->api[0])
		n = snprintf(url, len, "http://localhost/%s%s", d->api, path);
	else
		n = snprintf(url, len, "http://localhost%s", path);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

void ct_docker_set_common(void *curl, const struct ct_docker *d)
{
	curl_easy_setopt(curl, CURLOPT_UNIX_SOCKET_PATH, d->sock);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, CT_CONNECT_MS);
	/* no SIGALRM for timeouts: we run in threads beside the BPF poller */
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
}

static int curl_errno(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
		return -ECONNREFUSED;
	case CURLE_OPERATION_TIMEDOUT:
		return -ETIMEDOUT;
	case CURLE_OUT_OF_MEMORY:
		return -ENOMEM;
	default:
		return -EIO;
	}
}

/* GET path and parse the JSON answer. 404 -> -ENOENT, other non-2xx -> -EIO. */
static int docker_get(const struct ct_docker *d, const char *path, json_object **out)
{
	struct body b = { 0 };
	char url[512];
	long status = 0;
	CURLcode rc;
	CURL *curl;
	int err;

	err = ct_docker_url(d, path, url, sizeof(url));
	if (err)
		return err;
	curl = curl_easy_init();
	if (!curl)
		return -ENOMEM;
	ct_docker_set_common(curl, d);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, CT_REQUEST_MS);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, body_write);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &b);
	rc = curl_easy_perform(curl);
	if (rc != CURLE_OK) {
		err = curl_errno(rc);
		goto cleanup;
	}
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	if (status == 404) {
		err = -ENOENT;
		goto cleanup;
	}
	if (status < 200 || status > 299 || !b.data) {
		err = -EIO;
		goto cleanup;
	}
	*out = json_tokener_parse(b.data);
	err = *out ? 0 : -EBADMSG;
cleanup:
	curl_easy_cleanup(curl);
	free(b.data);
	return err;
}

static const char *json_str(json_object *o, const char *key)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

int ct_docker_version(struct ct_docker *d)
{
	struct ct_docker probe = *d;
	json_object *root = NULL;
	const char *v, *p;
	int err;

	/* probe without a version prefix; d->api changes only once it is known */
	probe.api[0] = '\0';
	err = docker_get(&probe, "/version", &root);
	if (err)
		return err;
	v = json_str(root, "ApiVersion");
	err = -EBADMSG;
	if (!v || !*v || strlen(v) > sizeof(d->api) - 2)
		goto cleanup;
	for (p = v; *p; p++) {
		if (!((*p >= '0' && *p <= '9') || *p == '.'))
			goto cleanup;
	}
	snprintf(d->api, sizeof(d->api), "v%s", v);
	err = 0;
cleanup:
	json_object_put(root);
	return err;
}

/* Ids of running containers (GET /containers/json lists only those). */
int ct_docker_list(struct ct_docker *d, char (**ids)[CONTAINER_ID_MAX], size_t *n)
{
	char (*v)[CONTAINER_ID_MAX] = NULL;
	json_object *root = NULL;
	size_t i, len, k = 0;
	const char *id;
	int err;

	err = docker_get(d, "/containers/json", &root);
	if (err)
		return err;
	if (!json_object_is_type(root, json_type_array)) {
		err = -EBADMSG;
		goto cleanup;
	}
	len = json_object_array_length(root);
	v = calloc(len ? len : 1, sizeof(*v));
	if (!v) {
		err = -ENOMEM;
		goto cleanup;
	}
	for (i = 0; i < len; i++) {
		id = json_str(json_object_array_get_idx(root, i), "Id");
		if (id && strlen(id) == CT_HEX_ID_LEN)
			memcpy(v[k++], id, CT_HEX_ID_LEN + 1);
	}
	*ids = v;
	*n = k;
cleanup:
	json_object_put(root);
	return err;
}

static void inspect_fill(json_object *root, struct container *c)
{
	json_object *state = NULL, *config = NULL, *labels = NULL, *v;
	const char *s;

	s = json_str(root, "Name");
	if (s)
		ct_strlcpy(c->name, s[0] == '/' ? s + 1 : s, sizeof(c->name));
	if (json_object_object_get_ex(root, "State", &state)) {
		if (json_object_object_get_ex(state, "Pid", &v))
			c->init_pid = json_object_get_int(v);
		if (json_object_object_get_ex(state, "Running", &v))
			c->running = json_object_get_boolean(v);
	}
	if (json_object_object_get_ex(root, "Config", &config)) {
		s = json_str(config, "Image");
		if (s)
			ct_strlcpy(c->image, s, sizeof(c->image));
		json_object_object_get_ex(config, "Labels", &labels);
	}
	if (labels && json_object_is_type(labels, json_type_object)) {
		json_object_object_foreach(labels, key, val) {
			if (json_object_is_type(val, json_type_string))
				ct_labels_set(c, key, json_object_get_string(val));
		}
	}
}

/* GET /containers/<id>/json into c (runtime "docker"); -ENOENT if unknown. */
int ct_docker_inspect(struct ct_docker *d, const char *id, struct container *c)
{
	json_object *root = NULL;
	char path[128];
	const char *full;
	int err;

	if (snprintf(path, sizeof(path), "/containers/%s/json", id) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	err = docker_get(d, path, &root);
	if (err)
		return err;
	full = json_str(root, "Id");
	if (!full || strlen(full) != CT_HEX_ID_LEN) {
		err = -EBADMSG;
		goto cleanup;
	}
	memset(c, 0, sizeof(*c));
	memcpy(c->id, full, CT_HEX_ID_LEN + 1);
	c->exit_code = -1;
	ct_strlcpy(c->runtime, "docker", sizeof(c->runtime));
	inspect_fill(root, c);
cleanup:
	json_object_put(root);
	return err;
}
