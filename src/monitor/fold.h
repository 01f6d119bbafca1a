/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Alert folding: an alert repeated within a window is counted, not printed;
 * the count goes out through @emit as one repeat record when the window
 * closes, the container ends or cactus stops. Knows nothing of the monitor.
 */
#ifndef CACTUS_MONITOR_FOLD_H
#define CACTUS_MONITOR_FOLD_H

#include <stdbool.h>
#include <stdint.h>
#include "output/output.h"

struct fold;
typedef void (*fold_emit_fn)(void *ctx, const struct repeat_view *r);

/* NULL on no memory; @window_s 0 folds nothing. */
struct fold *fold_new(unsigned int window_s, fold_emit_fn emit, void *ctx);
void fold_free(struct fold *fd);
/* true: a repeat, counted (do not print it). */
bool fold_alert(struct fold *fd, const struct container *c, const struct alert *a,
		int64_t real_ns);
/* Tell the counts: of windows that closed; of all (@all); of @only's container. */
void fold_flush(struct fold *fd, bool all, const struct container *only);

#endif
