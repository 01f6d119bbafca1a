// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The text format: one line per event. Every string from the process or
 * from container metadata goes through esc_value() (escape.h), so it can
 * neither end the line nor pose as another key=value field.
 */
#include "event/fields.h"
#include "output/escape.h"
#include "output/output.h"

/* " key=[a b c]": each element escaped like an argv element */
static void text_ancestors(struct out_buf *ob, const char *key, const struct proc *p, bool exe)
{
	ob_ch(ob, ' ');
	ob_str(ob, key);
	OB_LIT(ob, "=[");
	for (int i = 1; i < p->n_anc && i < PROC_ANCESTORS; i++) {
		if (i > 1)
			ob_ch(ob, ' ');
		esc_value(ob, exe ? p->anc[i].exe : p->anc[i].comm, ESC_TEXT_SEP);
	}
	ob_ch(ob, ']');
}

static void text_argv(struct out_buf *ob, const struct event_view *v)
{
	OB_LIT(ob, " argv=[");
	for (int i = 0; i < v->argc; i++) {
		if (i)
			ob_ch(ob, ' ');
		esc_value(ob, v->argv[i], ESC_TEXT_SEP);
	}
	ob_ch(ob, ']');
}

static void text_alert(struct out_buf *ob, const struct alert *a)
{
	OB_LIT(ob, " ALERT[");
	esc_value(ob, a->rule, ESC_TEXT_SEP);
	ob_ch(ob, ' ');
	ob_str(ob, a->priority);
	ob_ch(ob, ' ');
	ob_str(ob, a->action);
	OB_LIT(ob, ": ");
	ob_str(ob, alert_outcome_name(a->outcome));
	OB_LIT(ob, "] ");
	esc_value(ob, a->message, ESC_TEXT_SEP);
}

/* " key=": the keyed styles */
static void text_key(struct out_buf *ob, const char *key)
{
	ob_ch(ob, ' ');
	ob_str(ob, key);
	ob_ch(ob, '=');
}

/* One field in its text style; @val NULL: the format's stand-in @none. */
static void text_field(struct out_buf *ob, enum field_id f, const struct field_out *o,
		       const struct event_view *v, const struct fval *val)
{
	const char *none = o->none;

	switch (o->style) {
	case TS_HEAD:
		ob_str(ob, val ? val->s : none);
		return;
	case TS_BARE:
		ob_ch(ob, ' ');
		esc_value(ob, val ? val->s : none, ESC_TEXT_SEP);
		return;
	case TS_RAW:
		ob_ch(ob, ' ');
		ob_str(ob, val ? val->s : none);
		return;
	case TS_CAT:
		OB_LIT(ob, " [");
		ob_str(ob, val ? val->s : none);
		return;
	case TS_ACT:
		ob_ch(ob, '/');
		ob_str(ob, val ? val->s : none);
		ob_ch(ob, ']');
		return;
	case TS_HOST:
		OB_LIT(ob, "(host ");
		ob_int(ob, val->n);
		ob_ch(ob, ')');
		return;
	case TS_ARGV:
		text_argv(ob, v);
		return;
	case TS_ANCESTORS:
		text_ancestors(ob, "ancestor_exe", v->proc, true);
		text_ancestors(ob, "ancestor_comm", v->proc, false);
		return;
	case TS_ALERT:
		text_alert(ob, v->alert);
		return;
	}
	text_key(ob, field_key(f, FMT_TEXT));
	if (!val)
		ob_str(ob, none);
	else if (o->style == TS_KV)
		esc_value(ob, val->s, ESC_TEXT_SEP);
	else if (o->style == TS_NUM)
		ob_int(ob, val->n);
	else if (o->style == TS_TRUE)
		OB_LIT(ob, "true");
	else /* TS_SECS */
		ob_secs3(ob, v->container_age_ns);
}

/* The fields the text format shows (src/event/fields.c), in its order. */
void output_text(struct out_buf *ob, const struct event_view *v)
{
	struct field_ctx x = { .v = v };
	size_t n;
	const enum field_id *ids = field_order(FMT_TEXT, &n);

	for (size_t i = 0; i < n; i++) {
		struct fval val;
		bool have;

		if (field_for(&x, ids[i], FMT_TEXT, &val, &have))
			text_field(ob, ids[i], &fields[ids[i]].out[FMT_TEXT], v, have ? &val : NULL);
	}
	ob_ch(ob, '\n');
}
