/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Event formats: text (one line), json (JSON Lines), block (the paper's Fig 12/13). */
#ifndef CACTUS_OUTPUT_H
#define CACTUS_OUTPUT_H

#include <stdio.h>
#include "event_view.h"

enum output_format { OUT_TEXT, OUT_JSON, OUT_BLOCK };

/* "text" | "json" | "block" -> format; -1 if unknown. */
int output_format_parse(const char *name);

void output_text(FILE *f, const struct event_view *v);
void output_json(FILE *f, const struct event_view *v);
void output_block(FILE *f, const struct event_view *v);
void output_event(FILE *f, enum output_format fmt, const struct event_view *v);

/* JSON string literal of @s (with quotes); hot path, hand-written, tested. */
void json_write_str(FILE *f, const char *s);

#endif
