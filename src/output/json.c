// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * JSON Lines writer. Hand-written: it runs once per event. Strings are
 * scanned eight bytes at a time; a valid UTF-8 string comes out exactly as
 * before (readers see the same bytes). A string that is not valid UTF-8
 * keeps its U+FFFD form, so existing readers still get valid JSON, and gets
 * a sibling "<key>_raw" holding the escape of escape.h (reversible), so two
 * different raw names never print the same.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "output/escape.h"
#include "event/fields.h"
#include "output/output.h"

/* Bytes that go out as they are: printable ASCII but '"' and '\\'. */
static inline bool plain(unsigned char ch)
{
	return ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\';
}

/* True if none of the 8 bytes at @p needs a look: no byte < 0x20, '"',
 * '\\' or >= 0x7f (exact "has a byte less/equal/more than" word tests). */
static inline bool plain8(const unsigned char *p)
{
	const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
	uint64_t w, q, b;

	memcpy(&w, p, sizeof(w));
	q = w ^ (ones * '"');
	b = w ^ (ones * '\\');
	return !((((w - ones * 0x20) & ~w) | ((q - ones) & ~q) | ((b - ones) & ~b) |
		  (w + ones) | w) & high);
}

static void json_escape(struct out_buf *ob, unsigned char ch)
{
	static const char hex[] = "0123456789abcdef";

	switch (ch) {
	case '"':
		OB_LIT(ob, "\\\"");
		break;
	case '\\':
		OB_LIT(ob, "\\\\");
		break;
	case '\n':
		OB_LIT(ob, "\\n");
		break;
	case '\r':
		OB_LIT(ob, "\\r");
		break;
	case '\t':
		OB_LIT(ob, "\\t");
		break;
	default:
		if (ch < 0x20 || ch == 0x7f) {
			char u[6] = { '\\', 'u', '0', '0', hex[ch >> 4], hex[ch & 15] };

			ob_put(ob, u, sizeof(u));
		} else {
			/* a file name may hold any bytes: keep the output valid JSON */
			OB_LIT(ob, "\\ufffd");
		}
	}
}

/* A JSON string literal of @s; true if @s was not valid UTF-8 (lossy). */
static bool json_str(struct out_buf *ob, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	const unsigned char *end = p + strlen((const char *)p), *run = p;
	bool lossy = false;

	ob_ch(ob, '"');
	while (p < end) {
		int n;

		if (end - p >= 8 && plain8(p)) {
			p += 8;
			continue;
		}
		if (plain(*p)) {
			p++;
			continue;
		}
		if (*p >= 0x80) {
			n = utf8_len(p);
			if (n) {
				p += n;
				continue;
			}
			lossy = true;
		}
		ob_put(ob, run, p - run);
		json_escape(ob, *p);
		run = ++p;
	}
	ob_put(ob, run, p - run);
	ob_ch(ob, '"');
	return lossy;
}

/* The "_raw" form: the text escape of @s (valid UTF-8), as a JSON string. */
static void json_raw(struct out_buf *ob, const char *s)
{
	char storage[1024];
	struct out_buf tmp;

	ob_init(&tmp, storage, sizeof(storage));
	esc_value(&tmp, s, ESC_RAW_SEP);
	ob_ch(&tmp, 0);
	if (tmp.oom)
		ob->oom = true;
	else
		json_str(ob, tmp.b);
	ob_free(&tmp);
}

void json_write_str(FILE *f, const char *s)
{
	char storage[1024];
	struct out_buf ob;

	ob_init(&ob, storage, sizeof(storage));
	json_str(&ob, s);
	if (!ob.oom)
		fwrite(ob.b, 1, ob.len, f);
	ob_free(&ob);
}

#define LIT_ARGS(lit) (lit), sizeof(lit) - 1
/* ,"k": for a literal key */
#define KEY(ob, k) OB_LIT((ob), ",\"" k "\":")
#define KV_STR(ob, k, v) kv_str((ob), LIT_ARGS(",\"" k "\":"), LIT_ARGS(",\"" k "_raw\":"), (v))
#define KV_INT(ob, k, v) (KEY(ob, k), ob_int((ob), (v)))

static inline void kv_str(struct out_buf *ob, const char *key, size_t klen, const char *raw_key,
			  size_t raw_klen, const char *s)
{
	ob_put(ob, key, klen);
	if (!json_str(ob, s))
		return;
	ob_put(ob, raw_key, raw_klen);
	json_raw(ob, s);
}


/* ,"key": (no comma for the record's first key) */
static void json_key(struct out_buf *ob, const char *key, bool first)
{
	if (!first)
		ob_ch(ob, ',');
	ob_ch(ob, '"');
	ob_str(ob, key);
	OB_LIT(ob, "\":");
}

/* A string value; "<key>_raw" beside it when it was not UTF-8. */
static void json_str_raw(struct out_buf *ob, const char *key, const char *s)
{
	if (!json_str(ob, s))
		return;
	OB_LIT(ob, ",\"");
	ob_str(ob, key);
	OB_LIT(ob, "_raw\":");
	json_raw(ob, s);
}

/* "argv": [...], and "argv_raw" (every element) if one was not UTF-8. */
static void json_argv(struct out_buf *ob, const struct event_view *v)
{
	bool lossy = false;

	ob_ch(ob, '[');
	for (int i = 0; i < v->argc; i++) {
		if (i)
			ob_ch(ob, ',');
		lossy |= json_str(ob, v->argv[i]);
	}
	ob_ch(ob, ']');
	if (!lossy)
		return;
	KEY(ob, "argv_raw");
	ob_ch(ob, '[');
	for (int i = 0; i < v->argc; i++) {
		if (i)
			ob_ch(ob, ',');
		json_raw(ob, v->argv[i]);
	}
	ob_ch(ob, ']');
}

/* "ancestors": [{"exe": ..., "comm": ...}, ...]: above the parent. */
static void json_ancestors(struct out_buf *ob, const struct proc *p)
{
	ob_ch(ob, '[');
	for (int i = 1; i < p->n_anc && i < PROC_ANCESTORS; i++) {
		const struct proc_ident *a = &p->anc[i];

		if (i > 1)
			ob_ch(ob, ',');
		/* the first key has no leading comma, its sibling has */
		kv_str(ob, LIT_ARGS("{\"exe\":"), LIT_ARGS(",\"exe_raw\":"), a->exe);
		KV_STR(ob, "comm", a->comm);
		ob_ch(ob, '}');
	}
	ob_ch(ob, ']');
}

static void json_alert(struct out_buf *ob, const struct alert *a)
{
	/* the first key has no leading comma, its sibling has */
	kv_str(ob, LIT_ARGS("{\"rule\":"), LIT_ARGS(",\"rule_raw\":"), a->rule);
	KV_STR(ob, "priority", a->priority);
	KV_STR(ob, "action", a->action);
	KV_STR(ob, "outcome", alert_outcome_name(a->outcome));
	KV_STR(ob, "message", a->message);
	ob_ch(ob, '}');
}

/* One field's value (its key written) in its JSON style. */
static void json_value(struct out_buf *ob, enum field_id f, const struct field_out *o,
		       const struct event_view *v, const struct fval *val)
{
	switch (o->style) {
	case JS_STR:
		json_str_raw(ob, field_key(f, FMT_JSON), val->s);
		break;
	case JS_INT:
		ob_int(ob, val->n);
		break;
	case JS_TRUE:
		OB_LIT(ob, "true");
		break;
	case JS_SECS:
		ob_secs3(ob, v->container_age_ns);
		break;
	case JS_ARGV:
		json_argv(ob, v);
		break;
	case JS_ANCESTORS:
		json_ancestors(ob, v->proc);
		break;
	case JS_ALERT:
		json_alert(ob, v->alert);
		break;
	}
}

/* The fields of @v in the table's order (src/event/fields.c). */
static void json_fields(struct out_buf *ob, const struct event_view *v, const enum field_id *ids,
			size_t n)
{
	const struct field_jkey *keys = field_json_keys();
	struct field_ctx x = { .v = v };
	bool first = true;

	for (size_t i = 0; i < n; i++) {
		enum field_id f = ids[i];
		const struct field_out *o = &fields[f].out[FMT_JSON];
		struct fval val;
		bool have;

		if (!field_for(&x, f, FMT_JSON, &val, &have))
			continue;
		ob_put(ob, keys[f].s + first, keys[f].len - first);
		first = false;
		if (have)
			json_value(ob, f, o, v, &val);
		else
			ob_str(ob, o->none);
	}
}

void json_kv_str(struct out_buf *ob, const char *key, const char *s)
{
	json_key(ob, key, false);
	json_str_raw(ob, key, s);
}

void json_container(struct out_buf *ob, const struct container *c)
{
	struct event_view v = { .c = c };
	struct field_ctx x = { .v = &v };

	/* the container's rows of the table, for the lifecycle records */
	for (int f = F_CONTAINER_ID; f <= F_K8S_CONTAINER; f++) {
		struct fval val;

		field_get(&x, f, &val);
		json_kv_str(ob, field_key(f, FMT_JSON), val.s);
	}
}

void output_json(struct out_buf *ob, const struct event_view *v)
{
	size_t n;
	const enum field_id *ids = field_order(FMT_JSON, &n);

	ob_ch(ob, '{');
	json_fields(ob, v, ids, n);
	OB_LIT(ob, "}\n");
}
