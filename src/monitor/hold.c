// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Where the records of a container whose metadata is not all there yet wait
 * (container_complete(): name, init, image): learnt from its cgroup before
 * its runtime wrote its state (runc's init makes syscalls before it does),
 * or before docker, podman's storage or containerd's API answered. A store
 * only: the pipeline (pipeline.c) decides when a container's records go out
 * (its metadata came, HOLD_MS passed, it ended, or room is needed) and
 * prints them, with the container's start record first, in their order.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "monitor/internal.h"

#define HOLD_MS 1000

struct held_rec {
	struct held_rec *next;
	size_t size;
	__u64 data[]; /* a struct cactus_event, 8-byte aligned */
};

struct held {
	struct held *next;
	struct container *c;
	struct held_rec *head, **tail;
	uint64_t deadline_ms;
	size_t bytes;
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct held **find(struct monitor *m, const struct container *c)
{
	struct held **h = &m->held;

	while (*h && (*h)->c != c)
		h = &(*h)->next;
	return h;
}

bool hold_active(struct monitor *m, const struct container *c)
{
	return c && *find(m, c);
}

int hold_start(struct monitor *m, struct container *c)
{
	struct held *h;

	if (hold_active(m, c))
		return 0;
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->c = c;
	h->tail = &h->head;
	h->deadline_ms = now_ms() + HOLD_MS;
	h->next = m->held;
	m->held = h;
	return 0;
}

int hold_record(struct monitor *m, struct container *c, const void *data, size_t size)
{
	struct held **hp = find(m, c);
	struct held_rec *r;

	if (!*hp)
		return -ENOENT;
	r = malloc(sizeof(*r) + size);
	if (!r)
		return -ENOMEM;
	r->next = NULL;
	r->size = size;
	memcpy(r->data, data, size);
	*(*hp)->tail = r;
	(*hp)->tail = &r->next;
	(*hp)->bytes += size;
	m->held_bytes += size;
	return 0;
}

static struct held *detach(struct monitor *m, struct held **hp)
{
	struct held *h = *hp;

	*hp = h->next;
	m->held_bytes -= h->bytes;
	return h;
}

struct held *hold_take(struct monitor *m, const struct container *c)
{
	struct held **hp = find(m, c);

	return *hp ? detach(m, hp) : NULL;
}

struct held *hold_take_due(struct monitor *m, bool all)
{
	uint64_t now = now_ms();

	for (struct held **hp = &m->held; *hp; hp = &(*hp)->next) {
		if (all || container_complete((*hp)->c) || now >= (*hp)->deadline_ms)
			return detach(m, hp);
	}
	return NULL;
}

struct held *hold_take_oldest(struct monitor *m)
{
	struct held **hp = &m->held;

	if (!*hp)
		return NULL;
	while ((*hp)->next)
		hp = &(*hp)->next;
	return detach(m, hp);
}

struct container *held_container(const struct held *h)
{
	return h->c;
}

void *held_pop(struct held *h, size_t *size)
{
	struct held_rec *r = h->head;

	if (!r)
		return NULL;
	h->head = r->next;
	*size = r->size;
	/* the record is at the start of its allocation: free() it */
	memmove(r, r->data, r->size);
	return r;
}

void held_free(struct held *h)
{
	size_t size;
	void *r;

	while ((r = held_pop(h, &size)))
		free(r);
	free(h);
}
