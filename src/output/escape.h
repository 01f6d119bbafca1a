/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Escaping strings that come from the monitored process or from container
 * metadata (file names, argv, comm, container names, AF_UNIX paths, an
 * alert's message) so that they can neither break an event into two
 * records nor forge a field, and so that no two different byte strings
 * print the same.
 *
 * The escape (text, block and JSON's "*_raw" fields) is C-like and
 * reversible; a backslash always starts an escape:
 *   \\  a backslash          \n \r \t  those controls
 *   \"  a quote, only inside a quoted value
 *   \xHH  any other byte: C0 controls, DEL, bytes that are not valid UTF-8,
 *         and the bytes of valid UTF-8 characters a terminal or viewer acts
 *         on: C1 controls (U+0080-U+009F), line/paragraph separators and
 *         bidi controls (U+061C, U+200E-F, U+2028-U+202E, U+2066-U+2069)
 * Every other byte stands for itself (printable ASCII, valid UTF-8).
 * A value is quoted ("...") when it holds a character that separates
 * fields in its format (text: space = [ ] "; block: , "), so a file named
 * `x filename=shadow` prints as filename="x filename=shadow".
 */
#ifndef CACTUS_OUTPUT_ESCAPE_H
#define CACTUS_OUTPUT_ESCAPE_H

#include <stdbool.h>
#include "output/buf.h"

/* Characters that force quoting: they separate fields in that format. */
#define ESC_TEXT_SEP " =[]\""
#define ESC_BLOCK_SEP ",\""
#define ESC_RAW_SEP ""

/* Appends @s (NULL is "") escaped, quoted if it holds a byte of @sep. */
void esc_value(struct out_buf *ob, const char *s, const char *sep);

/* Length of the valid UTF-8 sequence at @p (1..4), or 0 if invalid. */
static inline int utf8_len(const unsigned char *p)
{
	int n;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4;
	else
		return 0;
	for (int i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	}
	/* overlong 3/4-byte forms, surrogates, > U+10FFFF */
	if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] >= 0xa0) ||
	    (p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] >= 0x90))
		return 0;
	return n;
}

#endif
