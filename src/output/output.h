/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Event formats: text (one line), json (JSON Lines), block (the paper's
 * Fig 12/13). Each event is rendered into a memory buffer as one record and
 * handed to the output stream (stream.h) with one call, so the caller knows
 * exactly which events were written. Strings from the monitored process and
 * from container metadata are escaped (escape.h): one event is always one
 * line (text, JSON) or one block, and no value can forge a field.
 */
#ifndef CACTUS_OUTPUT_H
#define CACTUS_OUTPUT_H

#include <stdio.h>
#include "event/view.h"
#include "output/buf.h"
#include "output/stream.h"

enum output_format { OUT_TEXT, OUT_JSON, OUT_BLOCK };

/* "text" | "json" | "block" -> format; -1 if unknown. */
int output_format_parse(const char *name);
/* The @i-th format's name, NULL past the last (to list them). */
const char *output_format_listed(int i);

/*
 * The way to print an event: renders @v as one record and hands it to @s.
 * Returns 0; -EPIPE when the reader went away (stop at once, exit 0);
 * -ENOMEM; or the write error (-ENOSPC, -EIO, ...: report it, exit 1).
 */
int output_write(struct out_stream *s, enum output_format fmt, const struct event_view *v);

/* Appends one record for @v to @ob (ob->oom set if memory ran out). */
void output_render(struct out_buf *ob, enum output_format fmt, const struct event_view *v);
void output_text(struct out_buf *ob, const struct event_view *v);
void output_json(struct out_buf *ob, const struct event_view *v);
void output_block(struct out_buf *ob, const struct event_view *v);

/* JSON string literal of @s (with quotes), invalid UTF-8 as U+FFFD; for the
 * `cactus containers` listing. */
void json_write_str(FILE *f, const char *s);

/* A container's start or end record (src/output/records.c): JSON
 * {"type":"container_start"|"container_end", ...}, a text line, a block.
 * @time: RFC 3339. Returns like output_write(). */
int output_lifecycle(struct out_stream *s, enum output_format fmt, const struct container *c,
		     bool start, const char *time);
void output_lifecycle_render(struct out_buf *ob, enum output_format fmt,
			     const struct container *c, bool start, const char *time);

/* A gap: container @c (or NULL) lost @lost records of the categories in
 * @cats (bit per category) between @time and @time_end; @cause: GAP_*. */
struct gap_view {
	const struct container *c;
	const char *time, *time_end;
	uint64_t lost;
	uint32_t cats, cause;
};
int output_gap(struct out_stream *s, enum output_format fmt, const struct gap_view *g);
void output_gap_render(struct out_buf *ob, enum output_format fmt, const struct gap_view *g);

/* Alerts identical to one printed (same container, rule, message), counted
 * instead of printed within a window: @count of them, @time_first..@time. */
struct repeat_view {
	const struct container *c;
	const char *rule, *priority, *message;
	uint64_t count;
	const char *time, *time_first;
};
int output_repeat(struct out_stream *s, enum output_format fmt, const struct repeat_view *r);
void output_repeat_render(struct out_buf *ob, enum output_format fmt, const struct repeat_view *r);

/* For the formats' own files: ,"key":"value" (and "key_raw" if needed), and
 * the container's identity fields of an event. */
void json_kv_str(struct out_buf *ob, const char *key, const char *s);
void json_container(struct out_buf *ob, const struct container *c);

#endif
