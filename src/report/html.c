// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The HTML report: next. */
#include <errno.h>
#include "report/internal.h"

int report_html(const struct report *r, FILE *f)
{
	(void)r;
	(void)f;
	return -ENOSYS;
}
