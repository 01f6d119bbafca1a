// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The block format: the paper's Fig 12/13 "Key: value, Key: value" lines,
 * one block per event, blocks separated by a blank line. Strings from the
 * process or container metadata go through esc_value() (escape.h): no
 * newline can end the block early, no ", Key: " can pose as a field.
 */
#include <stdio.h>
#include "event/fields.h"
#include "output/escape.h"
#include "output/output.h"

/* @prefix ("Dirname: " or ", Filename: "), then the escaped value */
static void blk_str(struct out_buf *ob, const char *prefix, const char *val)
{
	ob_str(ob, prefix);
	esc_value(ob, val, ESC_BLOCK_SEP);
}

/*
 * The ancestors above the parent, numbered by generation
 * ("Ancestor2Exe: ..., Ancestor2Comm: ...": 2 is the grandparent).
 */
static void block_ancestors(struct out_buf *ob, const struct proc *p)
{
	for (int i = 1; i < p->n_anc && i < PROC_ANCESTORS; i++) {
		char key[32];

		snprintf(key, sizeof(key), "%sAncestor%dExe: ", i > 1 ? ", " : "", i + 1);
		blk_str(ob, key, p->anc[i].exe);
		snprintf(key, sizeof(key), ", Ancestor%dComm: ", i + 1);
		blk_str(ob, key, p->anc[i].comm);
	}
}

/* "Alert: ..., Outcome: ..., ContainerAge: 1.234s", then "Message: ..." */
static void block_alert(struct out_buf *ob, const struct event_view *v)
{
	const struct alert *a = v->alert;

	blk_str(ob, "Alert: ", a->rule);
	OB_LIT(ob, ", Priority: ");
	ob_str(ob, a->priority);
	OB_LIT(ob, ", Action: ");
	ob_str(ob, a->action);
	OB_LIT(ob, ", Outcome: ");
	ob_str(ob, alert_outcome_name(a->outcome));
	if (v->container_age_ns >= 0) {
		OB_LIT(ob, ", ContainerAge: ");
		ob_secs3(ob, v->container_age_ns);
		ob_ch(ob, 's');
	}
	blk_str(ob, "\nMessage: ", a->message);
}

/* One field's value in its block style (its key written); @val NULL: @none. */
static void block_value(struct out_buf *ob, const struct field_out *o,
			const struct event_view *v, const struct fval *val)
{
	if (!val) {
		ob_str(ob, o->none);
		return;
	}
	switch (o->style) {
	case BS_STR:
		esc_value(ob, val->s, ESC_BLOCK_SEP);
		break;
	case BS_RAW:
		ob_str(ob, val->s);
		break;
	case BS_NUM:
		ob_int(ob, val->n);
		break;
	case BS_TRUE:
		OB_LIT(ob, "true");
		break;
	case BS_ANCESTORS:
		block_ancestors(ob, v->proc);
		break;
	case BS_ALERT:
		block_alert(ob, v);
		break;
	}
}

/*
 * The fields the block format shows (src/event/fields.c), line by line:
 * "Key: value" joined by ", ", a line only when one of its fields is
 * there, a blank line after the block. The first lines:
 *
 *   Time: ...
 *   ContainerName: ..., Namespace: ...
 *   PidId: ..., MntId: ...
 *   HostPpid: ..., HostPid: ..., Pid: ..., Uid: ...
 *   Syscall: sys_..., EventType: ..., Ret: ...
 *   Activity: ..., Dirname: ..., Filename: ...
 */
void output_block(struct out_buf *ob, const struct event_view *v)
{
	struct field_ctx x = { .v = v };
	size_t n;
	const enum field_id *ids = field_order(FMT_BLOCK, &n);
	int line = -1;

	for (size_t i = 0; i < n; i++) {
		const struct field_out *o = &fields[ids[i]].out[FMT_BLOCK];
		struct fval val;
		bool have;

		if (!field_for(&x, ids[i], FMT_BLOCK, &val, &have))
			continue;
		if (o->line != line) {
			if (line >= 0)
				ob_ch(ob, '\n');
			line = o->line;
		} else {
			OB_LIT(ob, ", ");
		}
		if (o->key)
			ob_str(ob, o->key);
		block_value(ob, o, v, have ? &val : NULL);
	}
	OB_LIT(ob, "\n\n");
}
