// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The reversible escape of the text and block formats (see escape.h). */
#include <stdint.h>
#include "output/escape.h"
#include "output/output.h"

/* A valid character a terminal or viewer acts on: C1 controls (CSI, NEL),
 * line/paragraph separators, bidi marks, embeddings, overrides, isolates
 * (they can make `txt.exe` read as `exe.txt`). */
static bool utf8_unsafe(const unsigned char *p, int n)
{
	uint32_t cp;

	if (n == 2) {
		cp = (uint32_t)(p[0] & 0x1f) << 6 | (p[1] & 0x3f);
		return cp <= 0x9f || cp == 0x61c;
	}
	if (n != 3)
		return false;
	cp = (uint32_t)(p[0] & 0x0f) << 12 | (uint32_t)(p[1] & 0x3f) << 6 | (p[2] & 0x3f);
	return cp == 0x200e || cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

/* @n bytes at @p that cannot stand for themselves. */
static void esc_special(struct out_buf *ob, const unsigned char *p, int n)
{
	static const char hex[] = "0123456789abcdef";

	switch (n == 1 ? *p : 0) {
	case '\\':
		OB_LIT(ob, "\\\\");
		return;
	case '"':
		OB_LIT(ob, "\\\"");
		return;
	case '\n':
		OB_LIT(ob, "\\n");
		return;
	case '\r':
		OB_LIT(ob, "\\r");
		return;
	case '\t':
		OB_LIT(ob, "\\t");
		return;
	}
	for (int i = 0; i < n; i++) {
		char x[4] = { '\\', 'x', hex[p[i] >> 4], hex[p[i] & 15] };

		ob_put(ob, x, sizeof(x));
	}
}

/* Runs of bytes that stand for themselves go out with one copy each. */
static void esc_body(struct out_buf *ob, const unsigned char *p, bool quoted)
{
	const unsigned char *run = p;

	while (*p) {
		unsigned char ch = *p;
		int n = 1;

		if (ch >= 0x20 && ch < 0x7f && ch != '\\' && (ch != '"' || !quoted)) {
			p++;
			continue;
		}
		if (ch >= 0x80) {
			n = utf8_len(p);
			if (n && !utf8_unsafe(p, n)) {
				p += n;
				continue;
			}
			n = n ? n : 1;
		}
		ob_put(ob, run, p - run);
		esc_special(ob, p, n);
		p += n;
		run = p;
	}
	ob_put(ob, run, p - run);
}

void esc_value(struct out_buf *ob, const char *s, const char *sep)
{
	bool quoted;

	s = s ? s : "";
	quoted = *sep && s[strcspn(s, sep)];
	if (quoted)
		ob_ch(ob, '"');
	esc_body(ob, (const unsigned char *)s, quoted);
	if (quoted)
		ob_ch(ob, '"');
}
