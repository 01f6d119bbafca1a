// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Where records go. Events and lifecycle records go to one out_stream:
 * stdout, or with --output-file the rotating file (src/sinks/rotfile.c)
 * instead, so a node agent's log is the file and the journal is not flooded.
 * Either way a write error stops the monitor the same way (run.c). Alerts
 * also go to the webhook (src/sinks/webhook.c), whose own thread posts them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "metrics/cactus_metrics.h"
#include "event/fields.h"
#include "log.h"
#include "monitor/agent.h"
#include "output/output.h"
#include "sinks/rotfile.h"
#include "sinks/webhook.h"

struct deliver {
	struct rotfile *file;
	struct webhook *hook;
	const char *path, *url;
};

/* out_stream's writer for the file: whole records in, the bytes that made
 * it out (rotfile cuts a failed write back to its last whole record). */
static int file_write(void *ctx, const char *buf, size_t len, size_t *done)
{
	struct rotfile *f = ctx;
	struct rotfile_stats before, after;
	int err;

	rotfile__stats(f, &before);
	err = rotfile__write(f, buf, len);
	rotfile__stats(f, &after);
	*done = after.bytes - before.bytes;
	return err;
}

static int open_file(struct monitor *m, struct deliver *sk)
{
	const struct monitor_opts *o = m->opts;
	struct rotfile_opts ro = {
		.max_bytes = o->output_file_max_bytes,
		.keep = o->output_file_keep,
		.unit = o->format == OUT_BLOCK ? ROTFILE_BLOCKS : ROTFILE_LINES,
	};

	sk->file = rotfile__new(o->output_file, &ro);
	if (!sk->file) {
		int err = -errno;

		log_err("cannot open --output-file %s: %s", o->output_file, strerror(-err));
		return err;
	}
	sk->path = o->output_file;
	m->out = out_stream__new_writer(file_write, sk->file);
	return m->out ? 0 : -ENOMEM;
}

static int open_hook(struct monitor *m, struct deliver *sk)
{
	struct webhook_opts wo = { .queue_max = m->opts->webhook_queue };

	sk->hook = webhook__new(m->opts->webhook_url, &wo);
	if (!sk->hook) {
		int err = -errno;

		log_err("cannot start the webhook sink for %s: %s", m->opts->webhook_url,
			strerror(-err));
		return err;
	}
	sk->url = m->opts->webhook_url;
	return 0;
}

static int discard(void *ctx, const char *buf, size_t len, size_t *done)
{
	(void)ctx;
	(void)buf;
	*done = len;
	return 0;
}

int deliver_open(struct monitor *m)
{
	struct deliver *sk = calloc(1, sizeof(*sk));
	int err = 0;

	if (!sk)
		return -ENOMEM;
	m->deliver = sk;
	if (m->opts->view)
		/* a view shows the state, not the records: they go nowhere */
		err = (m->out = out_stream__new_writer(discard, NULL)) ? 0 : -ENOMEM;
	else if (m->opts->output_file)
		err = open_file(m, sk);
	else
		err = (m->out = out_stream__new(STDOUT_FILENO)) ? 0 : -ENOMEM;
	if (!err && m->opts->webhook_url)
		err = open_hook(m, sk);
	return err;
}

/* ---- alerts ---- */

#define MAX_FIELDS F_COUNT

/* output_fields: who (container, process) and what (syscall, its object):
 * the fields of the table shown in FMT_HOOK (src/event/fields.c). */
static size_t alert_fields(const struct event_view *v, struct webhook_field *out)
{
	struct field_ctx x = { .v = v };
	size_t n = 0, count;
	const enum field_id *ids = field_order(FMT_HOOK, &count);

	for (size_t i = 0; i < count; i++) {
		struct fval val;
		bool have;

		if (!field_for(&x, ids[i], FMT_HOOK, &val, &have) || !have)
			continue;
		out[n] = (struct webhook_field){ .key = field_key(ids[i], FMT_HOOK) };
		if (fields[ids[i]].out[FMT_HOOK].style == HS_STR)
			out[n].str = val.s;
		else
			out[n].num = val.n;
		n++;
	}
	return n;
}

void deliver_alert(struct monitor *m, const struct alert *a, const struct event_view *v)
{
	struct webhook_field fields[MAX_FIELDS];
	const char *tags[] = { "cactus", a->action, v->sc ? cactus_category_short(v->sc->category)
							  : "unknown" };
	struct webhook_alert wa = {
		.rule = a->rule,
		.priority = a->priority,
		.output = a->message,
		.time_ns = v->e->ts_boot_ns + m->boot_to_real_ns,
		.fields = fields,
		.tags = tags,
		.n_tags = 3,
	};

	if (!m->deliver || !m->deliver->hook)
		return;
	wa.n_fields = alert_fields(v, fields);
	/* a full queue is counted by the sink (dropped), nothing else to do */
	webhook__post(m->deliver->hook, &wa);
}

/* ---- the rest of their life ---- */

void deliver_reopen(struct monitor *m)
{
	struct deliver *sk = m->deliver;
	int err;

	if (!sk || !sk->file)
		return;
	/* what is buffered belongs to the file being moved away */
	out_stream__flush(m->out);
	err = rotfile__reopen(sk->file);
	if (err)
		log_warn("cannot reopen --output-file %s: %s (retried at the next write)",
			 sk->path, strerror(-err));
}

void deliver_stop(struct monitor *m)
{
	if (m->deliver && m->deliver->hook)
		webhook__stop(m->deliver->hook);
}

const char *deliver_out_name(const struct monitor *m)
{
	return m->deliver && m->deliver->path ? m->deliver->path : "stdout";
}

void deliver_collect(const struct monitor *m, struct cactus_metrics *cm)
{
	const struct deliver *sk = m->deliver;
	struct rotfile_stats fs;
	struct webhook_stats ws;

	if (!sk)
		return;
	if (sk->file)
		rotfile__stats(sk->file, &fs);
	if (sk->hook)
		webhook__stats(sk->hook, &ws);
	cactus_metrics__sinks(cm, sk->file ? &fs : NULL, sk->hook ? &ws : NULL);
}

void deliver_summary(const struct monitor *m)
{
	const struct deliver *sk = m->deliver;
	struct rotfile_stats fs;
	struct webhook_stats ws;

	if (sk && sk->file) {
		rotfile__stats(sk->file, &fs);
		fprintf(stderr, "cactus: output file %s: %llu records (%llu bytes) written, %llu "
			"rotations, %llu errors\n", sk->path, (unsigned long long)fs.lines,
			(unsigned long long)fs.bytes, (unsigned long long)fs.rotations,
			(unsigned long long)fs.errors);
	}
	if (sk && sk->hook) {
		webhook__stats(sk->hook, &ws);
		fprintf(stderr, "cactus: webhook %s: %llu alerts posted, %llu delivered, %llu "
			"dropped, %llu retries\n", sk->url, (unsigned long long)ws.posted,
			(unsigned long long)ws.delivered, (unsigned long long)ws.dropped,
			(unsigned long long)ws.retried);
	}
}

void deliver_free(struct monitor *m)
{
	struct deliver *sk = m->deliver;

	if (!sk)
		return;
	webhook__free(sk->hook);
	rotfile__free(sk->file);
	free(sk);
	m->deliver = NULL;
}
