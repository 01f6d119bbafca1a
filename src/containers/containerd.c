// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * containerd's API, for what the OCI state lacks or has not said yet: the
 * image of a container started without CRI annotations (`ctr run`), and,
 * asked as soon as a container's state dir appears, the annotations of its
 * spec (the CRI pod metadata) before runc writes its state. containerd speaks gRPC: HTTP/2
 * (libcurl, prior knowledge, over the unix socket) carrying protobuf. The one
 * call made is Containers/Get; its request and the one field read from the
 * answer are encoded by hand below (a generated protobuf library would need
 * containerd's .proto tree and a code generator for three fields). The
 * reader is bounds-checked at every step and unit-tested on malformed input.
 */
#include <curl/curl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "containers/internal.h"

#define CD_TIMEOUT_MS 1000L
#define CD_BODY_MAX (1u << 20)

struct pb {
	const uint8_t *p, *end;
};

static int pb_varint(struct pb *b, uint64_t *v)
{
	*v = 0;
	for (int shift = 0; shift < 64; shift += 7) {
		if (b->p >= b->end)
			return -EBADMSG;
		*v |= (uint64_t)(*b->p & 0x7f) << shift;
		if (!(*b->p++ & 0x80))
			return 0;
	}
	return -EBADMSG;
}

/* The next field: its number, wire type, and for length-delimited ones the
 * payload in @sub. Other types are skipped over. */
static int pb_next(struct pb *b, uint32_t *field, struct pb *sub)
{
	uint64_t tag, n;

	if (pb_varint(b, &tag))
		return -EBADMSG;
	*field = (uint32_t)(tag >> 3);
	sub->p = sub->end = NULL;
	switch (tag & 7) {
	case 0:
		return pb_varint(b, &n);
	case 1:
		n = 8;
		break;
	case 5:
		n = 4;
		break;
	case 2:
		if (pb_varint(b, &n))
			return -EBADMSG;
		if (n > (uint64_t)(b->end - b->p))
			return -EBADMSG;
		sub->p = b->p;
		sub->end = b->p + n;
		break;
	default:
		return -EBADMSG;
	}
	if (n > (uint64_t)(b->end - b->p))
		return -EBADMSG;
	b->p += n;
	return 0;
}

/* The first length-delimited field @want of message @b, into @out. */
static int pb_find(struct pb b, uint32_t want, struct pb *out)
{
	uint32_t field;

	while (b.p < b.end) {
		if (pb_next(&b, &field, out))
			return -EBADMSG;
		if (field == want && out->p)
			return 0;
	}
	return -ENOENT;
}

/* The annotations of the spec, a google.protobuf.Any (value = 2) holding
 * the OCI spec as JSON; the CRI's image-name annotation names the image as
 * the user wrote it, so it wins over Container.image. */
static void apply_spec(struct pb any, struct container *c)
{
	struct json_tokener *tok;
	json_object *spec, *ann;
	struct pb val;

	if (pb_find(any, 2, &val))
		return;
	tok = json_tokener_new();
	spec = tok ? json_tokener_parse_ex(tok, (const char *)val.p, (int)(val.end - val.p)) :
		     NULL;
	json_tokener_free(tok);
	if (spec && json_object_object_get_ex(spec, "annotations", &ann) &&
	    json_object_is_type(ann, json_type_object)) {
		json_object_object_foreach(ann, key, v)
			ct_oci_annotation(c, key, json_object_get_string(v));
	}
	json_object_put(spec);
}

int ct_containerd_parse_get(const uint8_t *buf, size_t len, struct container *c)
{
	struct pb msg, container, img, any;
	uint32_t n;

	/* gRPC frame: compressed flag (0), 4-byte big-endian length, message */
	if (len < 5 || buf[0] != 0)
		return -EBADMSG;
	n = (uint32_t)buf[1] << 24 | buf[2] << 16 | buf[3] << 8 | buf[4];
	if (n > len - 5)
		return -EBADMSG;
	msg = (struct pb){ buf + 5, buf + 5 + n };
	/* GetContainerResponse.container = 1; Container.image = 3, .spec = 5 */
	if (pb_find(msg, 1, &container) || pb_find(container, 3, &img))
		return -EBADMSG;
	if ((size_t)(img.end - img.p) >= sizeof(c->image))
		return -ENAMETOOLONG;
	memcpy(c->image, img.p, img.end - img.p);
	c->image[img.end - img.p] = 0;
	if (!pb_find(container, 5, &any))
		apply_spec(any, c);
	return 0;
}

struct body {
	uint8_t buf[CD_BODY_MAX];
	size_t len;
};

static size_t body_write(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct body *b = userdata;
	size_t n = size * nmemb;

	if (n > sizeof(b->buf) - b->len)
		return 0;
	memcpy(b->buf + b->len, ptr, n);
	b->len += n;
	return n;
}

int ct_containerd_get(const char *sock, const char *ns, const char *id, struct container *c)
{
	uint8_t req[5 + 2 + CONTAINER_ID_MAX];
	size_t idlen = strlen(id);
	struct curl_slist *h = NULL;
	char hns[192];
	struct body *b;
	CURL *curl;
	long status = 0;
	int err;

	if (idlen >= CONTAINER_ID_MAX || idlen > 127)
		return -EINVAL;
	/* GetContainerRequest { string id = 1; } in a gRPC frame */
	req[0] = 0;
	req[1] = req[2] = req[3] = 0;
	req[4] = (uint8_t)(2 + idlen);
	req[5] = 0x0a;
	req[6] = (uint8_t)idlen;
	memcpy(req + 7, id, idlen);
	b = calloc(1, sizeof(*b));
	curl = curl_easy_init();
	if (!b || !curl) {
		err = -ENOMEM;
		goto out;
	}
	snprintf(hns, sizeof(hns), "containerd-namespace: %s", ns);
	h = curl_slist_append(h, "content-type: application/grpc");
	h = curl_slist_append(h, "te: trailers");
	h = curl_slist_append(h, hns);
	curl_easy_setopt(curl, CURLOPT_UNIX_SOCKET_PATH, sock);
	curl_easy_setopt(curl, CURLOPT_URL,
			 "http://localhost/containerd.services.containers.v1.Containers/Get");
	curl_easy_setopt(curl, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, req);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)(7 + idlen));
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, CD_TIMEOUT_MS);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, body_write);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, b);
	if (curl_easy_perform(curl) != CURLE_OK) {
		err = -ECONNREFUSED;
		goto out;
	}
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	/* an unknown id answers 200 with grpc-status NotFound and no message */
	err = status == 200 ? ct_containerd_parse_get(b->buf, b->len, c) : -EIO;
	if (err == -EBADMSG && b->len == 0)
		err = -ENOENT;
out:
	curl_slist_free_all(h);
	if (curl)
		curl_easy_cleanup(curl);
	free(b);
	return err;
}
