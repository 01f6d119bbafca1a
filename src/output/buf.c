// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdlib.h>
#include "output/buf.h"

bool ob_grow(struct out_buf *ob, size_t n)
{
	size_t cap = ob->cap ? ob->cap : 256;
	char *b;

	if (ob->oom)
		return false;
	while (cap - ob->len < n) {
		if (cap > SIZE_MAX / 2)
			goto oom;
		cap *= 2;
	}
	b = ob->heap ? realloc(ob->b, cap) : malloc(cap);
	if (!b)
		goto oom;
	if (!ob->heap && ob->len)
		memcpy(b, ob->b, ob->len);
	ob->b = b;
	ob->cap = cap;
	ob->heap = true;
	return true;
oom:
	ob->oom = true;
	return false;
}

void ob_free(struct out_buf *ob)
{
	if (ob->heap)
		free(ob->b);
	*ob = (struct out_buf){ 0 };
}

void ob_int(struct out_buf *ob, int64_t v)
{
	char buf[24], *p = buf + sizeof(buf);
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;

	do {
		*--p = '0' + u % 10;
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	ob_put(ob, p, buf + sizeof(buf) - p);
}

void ob_secs3(struct out_buf *ob, int64_t ns)
{
	int ms = (int)(ns % 1000000000 / 1000000);
	char frac[4] = { '.', '0' + ms / 100, '0' + ms / 10 % 10, '0' + ms % 10 };

	ob_int(ob, ns / 1000000000);
	ob_put(ob, frac, sizeof(frac));
}
