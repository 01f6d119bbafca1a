// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Follows GET /events?filters={"type":["container"]} in a thread. Docker
 * streams one JSON object per line and never ends the response, so the
 * transfer runs on a curl multi handle: curl_multi_poll() sleeps until data
 * arrives, and curl_multi_wakeup() from ct_events_stop() ends the wait at
 * once, so stopping never waits for the next event or a timeout.
 *
 * The thread also waits for the daemon: if there is none at start-up, or the
 * stream breaks (daemon restart), it asks for /version every second and,
 * once the daemon answers, lists its running containers again before
 * following /events. It never touches the registry: what it learns is
 * posted (ct_post) for the consumer thread.
 */
#include <curl/curl.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "containers/internal.h"

#define CT_LINE_MAX (1u << 20) /* one event is ~1 KiB; a longer line is junk */

struct ct_events {
	struct containers *cs;
	struct ct_docker docker;
	bool connected;         /* /version answered since the last loss */
	bool scanned;           /* the start-up scan listed the daemon's containers */
	CURLM *multi;
	pthread_t thread;
	atomic_bool stop;
	char *line;             /* bytes of the event line received so far */
	size_t len, cap;
};

/* exitCode of a "die" event, as a wait status (exit code << 8), or -1. */
static int die_status(json_object *attrs)
{
	json_object *v;
	const char *s;

	if (!attrs || !json_object_object_get_ex(attrs, "exitCode", &v) ||
	    !(s = json_object_get_string(v)) || !*s)
		return -1;
	return (atoi(s) & 0xff) << 8;
}

static void handle_event(struct ct_events *ev, json_object *o)
{
	json_object *actor, *attrs = NULL, *v;
	const char *type, *action, *id;
	struct container a = { .exit_code = -1 }, t;

	type = json_object_object_get_ex(o, "Type", &v) ? json_object_get_string(v) : NULL;
	action = json_object_object_get_ex(o, "Action", &v) ? json_object_get_string(v) : NULL;
	if (!type || !action || strcmp(type, "container") ||
	    !json_object_object_get_ex(o, "Actor", &actor))
		return;
	id = json_object_object_get_ex(actor, "ID", &v) ? json_object_get_string(v) : NULL;
	if (!id || strlen(id) != CT_HEX_ID_LEN)
		return;
	memcpy(a.id, id, CT_HEX_ID_LEN + 1);
	ct_strlcpy(a.runtime, "docker", sizeof(a.runtime));
	/* docker puts name, image and every label in Actor.Attributes */
	json_object_object_get_ex(actor, "Attributes", &attrs);
	if (attrs && json_object_is_type(attrs, json_type_object)) {
		json_object_object_foreach(attrs, key, val) {
			const char *s = json_object_get_string(val);

			if (!s)
				continue;
			if (!strcmp(key, "name"))
				ct_strlcpy(a.name, s, sizeof(a.name));
			else if (!strcmp(key, "image"))
				ct_strlcpy(a.image, s, sizeof(a.image));
			else
				ct_labels_set(&a, key, s);
		}
	}
	if (!strcmp(action, "create")) {
		ct_post(ev->cs, CT_MSG_INFO, &a, -1);
	} else if (!strcmp(action, "start")) {
		/* the init pid: the container runs */
		if (!ct_docker_inspect(&ev->docker, a.id, &t))
			a = t;
		ct_post(ev->cs, CT_MSG_INFO, &a, -1);
	} else if (!strcmp(action, "die")) {
		ct_post(ev->cs, CT_MSG_DIE, &a, die_status(attrs));
	} else if (!strcmp(action, "destroy")) {
		ct_post(ev->cs, CT_MSG_GONE, &a, -1);
	}
}

static void handle_line(struct ct_events *ev, const char *line)
{
	json_object *o;

	if (!*line)
		return;
	o = json_tokener_parse(line);
	if (!o)
		return;
	handle_event(ev, o);
	json_object_put(o);
}

/* Write callback: split the stream at newlines, one JSON object per line. */
static size_t stream_write(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct ct_events *ev = userdata;
	size_t n = size * nmemb, i;
	char *tmp;

	for (i = 0; i < n; i++) {
		if (ptr[i] == '\n' || ptr[i] == '\r') {
			ev->line[ev->len] = '\0';
			handle_line(ev, ev->line);
			ev->len = 0;
			continue;
		}
		if (ev->len + 2 > ev->cap) {
			if (ev->cap >= CT_LINE_MAX)
				return 0; /* abort the stream; the thread reconnects */
			tmp = realloc(ev->line, ev->cap * 2);
			if (!tmp)
				return 0;
			ev->line = tmp;
			ev->cap *= 2;
		}
		ev->line[ev->len++] = ptr[i];
	}
	return n;
}

static CURL *stream_open(struct ct_events *ev)
{
	char url[512], path[256], *filter;
	CURL *curl;

	curl = curl_easy_init();
	if (!curl)
		return NULL;
	filter = curl_easy_escape(curl, "{\"type\":[\"container\"]}", 0);
	if (!filter || snprintf(path, sizeof(path), "/events?filters=%s", filter) >=
	    (int)sizeof(path) || ct_docker_url(&ev->docker, path, url, sizeof(url))) {
		curl_free(filter);
		curl_easy_cleanup(curl);
		return NULL;
	}
	curl_free(filter);
	ct_docker_set_common(curl, &ev->docker);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, stream_write);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, ev);
	curl_easy_setopt(curl, CURLOPT_FAILONERROR, 1L);
	return curl;
}

/* One connection: runs until the stream ends or stop is set. */
static void stream_run(struct ct_events *ev)
{
	int running = 1;
	CURL *curl;

	curl = stream_open(ev);
	if (!curl)
		return;
	ev->len = 0;
	curl_multi_add_handle(ev->multi, curl);
	while (running && !atomic_load(&ev->stop)) {
		if (curl_multi_perform(ev->multi, &running) != CURLM_OK)
			break;
		if (running)
			curl_multi_poll(ev->multi, NULL, 0, 1000, NULL);
	}
	curl_multi_remove_handle(ev->multi, curl);
	curl_easy_cleanup(curl);
}

/* The daemon's running containers, when it answers (again). */
static void list_running(struct ct_events *ev)
{
	char (*ids)[CONTAINER_ID_MAX] = NULL;
	struct container c;
	size_t n = 0;

	if (ct_docker_list(&ev->docker, &ids, &n))
		return;
	for (size_t i = 0; i < n; i++) {
		if (!ct_docker_inspect(&ev->docker, ids[i], &c))
			ct_post(ev->cs, CT_MSG_INFO, &c, -1);
	}
	free(ids);
}

/* Asks /version until the daemon answers (or stop): true when it does. */
static bool connect_daemon(struct ct_events *ev)
{
	struct container note = { 0 };

	while (!atomic_load(&ev->stop)) {
		if (!ct_docker_version(&ev->docker)) {
			/* others read cs->docker once docker_ok says so */
			ev->cs->docker = ev->docker;
			__atomic_store_n(&ev->cs->docker_ok, true, __ATOMIC_RELEASE);
			snprintf(note.name, sizeof(note.name), "docker API %s: connected (%s)",
				 ev->docker.sock, ev->docker.api);
			if (!ev->connected)
				ct_post(ev->cs, CT_MSG_SOURCE, &note, -1);
			ev->connected = true;
			return true;
		}
		/* sleep 1 s, woken early by ct_events_stop() */
		curl_multi_poll(ev->multi, NULL, 0, 1000, NULL);
	}
	return false;
}

static void *events_main(void *arg)
{
	struct ct_events *ev = arg;
	bool first = true;

	while (connect_daemon(ev)) {
		/* the start-up scan may have listed them the first time */
		if (!first || !ev->scanned)
			list_running(ev);
		first = false;
		stream_run(ev);
		if (atomic_load(&ev->stop))
			break;
		ev->connected = false;
		fprintf(stderr, CT_LOG_PREFIX "docker events stream lost, reconnecting\n");
		curl_multi_poll(ev->multi, NULL, 0, 1000, NULL);
	}
	return NULL;
}

int ct_events_start(struct containers *cs, struct ct_events **out)
{
	struct ct_events *ev;
	int err;

	ev = calloc(1, sizeof(*ev));
	if (!ev)
		return -ENOMEM;
	ev->cs = cs;
	ev->docker = cs->docker;
	ev->connected = __atomic_load_n(&cs->docker_ok, __ATOMIC_ACQUIRE);
	ev->scanned = ev->connected;
	atomic_init(&ev->stop, false);
	ev->cap = 4096;
	ev->line = malloc(ev->cap);
	ev->multi = curl_multi_init();
	if (!ev->line || !ev->multi) {
		err = -ENOMEM;
		goto err_free;
	}
	err = -pthread_create(&ev->thread, NULL, events_main, ev);
	if (err)
		goto err_free;
	*out = ev;
	return 0;

err_free:
	if (ev->multi)
		curl_multi_cleanup(ev->multi);
	free(ev->line);
	free(ev);
	return err;
}

void ct_events_stop(struct ct_events *ev)
{
	if (!ev)
		return;
	atomic_store(&ev->stop, true);
	curl_multi_wakeup(ev->multi);
	pthread_join(ev->thread, NULL);
	curl_multi_cleanup(ev->multi);
	free(ev->line);
	free(ev);
}
