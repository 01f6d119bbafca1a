// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Strings from the stream as HTML text (html.h), for the page and its plots. */
#include "output/escape.h"
#include "report/html.h"

void html_text(FILE *f, const char *s, size_t max)
{
	char storage[512];
	struct out_buf ob;
	size_t chars = 0;

	ob_init(&ob, storage, sizeof(storage));
	esc_value(&ob, s, ESC_RAW_SEP);
	for (size_t i = 0; i < ob.len; i++) {
		unsigned char ch = (unsigned char)ob.b[i];

		/* count characters, not bytes: cut on a character's first byte */
		if ((ch & 0xc0) != 0x80 && max && chars++ == max) {
			fputs("...", f);
			break;
		}
		switch (ch) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(ch, f);
		}
	}
	ob_free(&ob);
}
