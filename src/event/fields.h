/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The fields of an event, each declared once (fields.c): its name (the JSON
 * key, the rule field, the %name of a rule's output template), its kind, how
 * to get it from the decoded event (view.h), which operators a rule may use
 * on it, and where and how each output shows it: text, JSON, block, the
 * webhook's output_fields, rule templates. The formatters (src/output), the
 * webhook sink and the rule engine (src/rules) iterate this table: adding a
 * field is one row in fields.c and its getter.
 */
#ifndef CACTUS_EVENT_FIELDS_H
#define CACTUS_EVENT_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "event/view.h"

/* In JSON order (the order of the table). */
enum field_id {
	/* the record's identity */
	F_TIME, F_CONTAINER_ID, F_CONTAINER_NAME, F_IMAGE, F_RUNTIME, F_K8S_NS, F_K8S_POD,
	F_K8S_POD_UID, F_K8S_CONTAINER, F_PID_NS, F_MNT_NS, F_HOST_PID, F_HOST_TID,
	F_HOST_PPID, F_PID, F_PPID, F_UID, F_GID, F_COMM, F_SYSCALL, F_SYSCALL_NR,
	F_CATEGORY, F_ACTIVITY, F_RET,
	/* what the syscall acted on */
	F_DIRNAME, F_FILENAME, F_PATH_ARG, F_PATH2, F_FLAGS, F_EXE, F_ARGV, F_FAMILY, F_ADDR,
	F_PORT, F_SIGNAL, F_SIGNAL_NR, F_TARGET_PID, F_TRUNCATED, F_NO_ENTER,
	F_VIA, F_URING_OP, F_URING_THREAD,
	/* the process (src/procs) */
	F_PHASE, F_TTY, F_ENTRYPOINT, F_EXEC_SESSION, F_PARENT_PID, F_PARENT_EXE,
	F_PARENT_COMM, F_ANCESTORS, F_KILLED, F_CONTAINER_AGE, F_ALERT,
	/* not printed by a format: rules and templates only */
	F_CONTAINER, F_PATH, F_EXE_NAME, F_ANCESTOR_EXE, F_ANCESTOR_COMM, F_PROGRAM,
	F_PARENT_ENTRYPOINT, F_PARENT_EXEC_SESSION, F_MODE,
	F_ARG0, F_ARG1, F_ARG2, F_ARG3, F_ARG4, F_ARG5,
	F_COUNT,
};

/*
 * What a value is, for the rule engine (which operators, how values are
 * compiled) and the template. FK_MULTI: several strings (ancestors, a
 * program's names), true if one matches; FK_BOOL: true/false, matched like
 * the numbers 1/0; FK_PHASE: init/workload; FK_OUT: output only (a record
 * part with its own rendering per format).
 */
enum field_kind {
	FK_STR, FK_NUM, FK_SYSCALL, FK_CATEGORY, FK_ARGV, FK_ADDR, FK_MULTI, FK_BOOL,
	FK_PHASE, FK_OUT,
};

/* The formats a field can be shown in (field.out[]). */
enum field_fmt { FMT_TEXT, FMT_JSON, FMT_BLOCK, FMT_HOOK, FMT_COUNT };

#define FIELD_MULTI_MAX 4 /* values of a FK_MULTI field (>= PROC_ANCESTORS) */

/* A field's value in one event. */
struct fval {
	const char *s;                       /* strings; FK_BOOL: how it reads, if not true/false */
	int64_t n;                           /* numbers; FK_BOOL, FK_PHASE: 1 = true/init */
	const char *list[FIELD_MULTI_MAX];   /* FK_MULTI */
	int count;
};

/*
 * What a getter reads. @rules: for the rule engine and templates, where a
 * field may mean a little more than its output (path_arg: the spelling,
 * else the path; port: only of an IP address). @path and @argv: buffers of
 * FIELD_JOIN_MAX bytes for the joined path and argv, or NULL (outputs do not
 * need them).
 */
#define FIELD_JOIN_MAX (VIEW_PATH_MAX * 2)
/* The longest key a format gives a field (test_fields checks the table). */
#define FIELD_KEY_MAX 28
struct field_ctx {
	const struct event_view *v;
	bool rules;
	bool has_path, has_argv;
	char *path, *argv;
};

/* Fills @out; false when the event does not have the field. */
typedef bool (*field_get_fn)(struct field_ctx *x, struct fval *out);

/* When a format shows a field (field_out.when). */
enum field_when {
	FW_ALWAYS,
	FW_EXEC,        /* on an execve-like event only */
	FW_NOT_EXEC,    /* on any other event */
	FW_TRUE,        /* only when true (n != 0), e.g. "killed": true */
	FW_ALERT,       /* on an event with an alert */
	FW_NOT_EMPTY,   /* a string: only when not empty (the webhook) */
};

/*
 * How each format shows a field (field_out.style): JSON ,"key":value; text
 * " key=value"; block "Key: value" joined by ", " on its line; the webhook's
 * output_fields. The record parts with their own shape (argv, ancestors,
 * the alert) have a style of their own in each format.
 */
enum field_style {
	FS_NONE = 0,    /* not in this format */
	JS_STR, JS_INT, JS_TRUE, JS_SECS, JS_ARGV, JS_ANCESTORS, JS_ALERT,
	TS_HEAD,        /* the value as it is, first on the line (time) */
	TS_BARE,        /* " value", escaped (the container, comm) */
	TS_RAW,         /* " value" as it is (names cactus chose: syscall, family) */
	TS_KV, TS_NUM, TS_TRUE, TS_SECS,
	TS_HOST,        /* "(host N)" right after the pid it goes with */
	TS_CAT, TS_ACT, /* " [category" and "/activity]" */
	TS_ARGV, TS_ANCESTORS, TS_ALERT,
	BS_STR, BS_RAW, BS_NUM, BS_TRUE, BS_ANCESTORS, BS_ALERT,
	HS_STR, HS_NUM,
};

/*
 * How one format shows a field. @style: enum field_style; @none: shown instead of the value when the event lacks
 * the field (NULL: nothing is shown, not even the key); @pos orders the
 * fields of a format (JSON: the table's order); @line: the block format's
 * line.
 */
struct field_out {
	const char *key;          /* NULL: not in this format */
	const char *none;
	uint16_t pos;
	uint8_t style;
	uint8_t when;             /* enum field_when */
	uint8_t line;
	uint8_t empty_none;       /* an empty string counts as absent (@none shown) */
};

/* A field: see the table in fields.c. */
struct field {
	const char *name;
	uint8_t kind;             /* enum field_kind */
	uint8_t rule;             /* FR_* */
	uint8_t tmpl;             /* FT_*: how %name renders; 0: not in templates */
	field_get_fn get;
	const char *tmpl_none;    /* %name of an event without it */
	int64_t min, max;         /* values a rule may compare a number with */
	struct field_out out[FMT_COUNT];
};

/* field.rule */
#define FR_NO     0           /* not a rule field */
#define FR_MATCH  1           /* a rule may test it */

/* field.tmpl: how %name is rendered */
enum field_tmpl { FT_NONE, FT_VALUE, FT_SECS };

extern const struct field fields[F_COUNT];

/* The field called @name (any field, rule or not), or -1. */
int field_by_name(const char *name);

/* The fields of @fmt that it shows, in its order; *n of them. */
const enum field_id *field_order(enum field_fmt fmt, size_t *n);

/* Reads field @f of @x->v into @out. */
static inline bool field_get(struct field_ctx *x, enum field_id f, struct fval *out)
{
	return fields[f].get(x, out);
}

/* The key of field @f in format @fmt (the field's name unless it says). */
const char *field_key(enum field_id f, enum field_fmt fmt);

/* Each field's JSON key with its punctuation, ',"key":' (@len bytes; skip
 * the comma for a record's first key): built once, by field id, for the
 * per-event writer. */
struct field_jkey {
	char s[FIELD_KEY_MAX + 4];
	size_t len;
};
const struct field_jkey *field_json_keys(void);

/* An execve-like event: exe and argv are its details. */
static inline bool view_is_exec(const struct event_view *v)
{
	return v->sc && v->sc->kind == CK_EXEC;
}

/* Whether format @o shows a field of this event at all (FW_*). */
static inline bool field_shown(const struct field_out *o, const struct event_view *v,
			       const struct fval *val, bool have)
{
	switch (o->when) {
	case FW_EXEC:
		return view_is_exec(v);
	case FW_NOT_EXEC:
		return !view_is_exec(v);
	case FW_TRUE:
		return have && val->n;
	case FW_ALERT:
		return v->alert != NULL;
	case FW_NOT_EMPTY:
		return have && val->s && val->s[0];
	default:
		return true;
	}
}

/*
 * What format @fmt shows of field @f: false for nothing; else *@val holds
 * the value, or *@have is false and the format shows its stand-in (o->none;
 * also for an empty string where the format says so).
 */
static inline bool field_for(struct field_ctx *x, enum field_id f, enum field_fmt fmt,
			     struct fval *val, bool *have)
{
	const struct field_out *o = &fields[f].out[fmt];

	*have = field_get(x, f, val);
	if (!field_shown(o, x->v, val, *have) || (!*have && !o->none))
		return false;
	if (*have && o->empty_none && !val->s[0])
		*have = false;
	return true;
}

/* The process's parent (anc[0]) when both are known. */
static inline const struct proc_ident *view_parent(const struct event_view *v)
{
	return v->proc && v->proc->n_anc > 0 ? &v->proc->anc[0] : NULL;
}

/* Ancestors above the parent are printed on an exec and on an alert. */
static inline bool view_wants_ancestors(const struct event_view *v)
{
	return v->proc && v->proc->n_anc > 1 && (v->alert || view_is_exec(v));
}

#endif
