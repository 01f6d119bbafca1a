// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Choosing a format, and handing one rendered event to its destination. */
#include <errno.h>
#include <string.h>
#include "output/output.h"

/* Most records fit: rendering needs no allocation (hot path). */
#define RECORD_STACK 16384

static const char *const format_names[] = {
	[OUT_TEXT] = "text", [OUT_JSON] = "json", [OUT_BLOCK] = "block",
};

int output_format_parse(const char *name)
{
	for (int i = 0; i < (int)(sizeof(format_names) / sizeof(format_names[0])); i++)
		if (!strcmp(name, format_names[i]))
			return i;
	return -1;
}

const char *output_format_listed(int i)
{
	return i >= 0 && i < (int)(sizeof(format_names) / sizeof(format_names[0]))
		       ? format_names[i] : NULL;
}

void output_render(struct out_buf *ob, enum output_format fmt, const struct event_view *v)
{
	switch (fmt) {
	case OUT_JSON:
		output_json(ob, v);
		break;
	case OUT_BLOCK:
		output_block(ob, v);
		break;
	default:
		output_text(ob, v);
	}
}

int output_write(struct out_stream *s, enum output_format fmt, const struct event_view *v)
{
	char storage[RECORD_STACK];
	struct out_buf ob;
	int err;

	ob_init(&ob, storage, sizeof(storage));
	output_render(&ob, fmt, v);
	err = ob.oom ? -ENOMEM : out_stream__write(s, ob.b, ob.len);
	ob_free(&ob);
	return err;
}
