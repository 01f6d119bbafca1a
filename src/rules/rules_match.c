// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Matching a decoded event against compiled rules, and rendering a rule's
 * output template. Runs for every event and rule: no parsing, no
 * allocation; the joined path and argv are built only when a condition
 * needs them. A condition on a field the event does not have (no container,
 * no address, empty string, no known process or parent) is false, whatever
 * its operator.
 *
 * Fields with several values (argv, ancestor_exe, ancestor_comm, program)
 * hold if the operator holds for one value; `ne` holds if no value equals
 * any of the condition's, i.e. "none of the ancestors is ...".
 */
#include <fnmatch.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "rules_internal.h"

void rule_input_init(struct rule_input *x, const struct event_view *v)
{
	x->f = (struct field_ctx){ .v = v, .rules = true, .path = x->path, .argv = x->argv };
}

/* A string field: NULL when the event does not have it or it is empty. */
static const char *str_field(struct rule_input *x, enum field_id f)
{
	struct fval val;

	if (!field_get(&x->f, f, &val))
		return NULL;
	return val.s && *val.s ? val.s : NULL;
}

/* strlen(s), computed once and only for the operators that need it. */
static size_t slen_of(const char *s, size_t *slen)
{
	if (*slen == SIZE_MAX)
		*slen = strlen(s);
	return *slen;
}

/* s starts with the @n bytes of @p (the first compared inline: most
 * values differ there, or in the length, and make no call). */
static inline bool starts(const char *s, const char *p, size_t n)
{
	return !n || (s[0] == p[0] && !strncmp(s + 1, p + 1, n - 1));
}

static bool str_hit(enum rop op, const struct rstr *p, const char *s, size_t *slen)
{
	switch (op) {
	case OP_PREFIX:
		return starts(s, p->s, p->len);
	case OP_SUFFIX:
		return slen_of(s, slen) >= p->len &&
		       !memcmp(s + *slen - p->len, p->s, p->len);
	case OP_GLOB:
		if (!starts(s, p->s, p->pre) ||
		    (p->suf && (slen_of(s, slen) < p->suf ||
				memcmp(s + *slen - p->suf, p->s + p->len - p->suf, p->suf))))
			return false;
		return !fnmatch(p->s, s, 0);
	case OP_CONTAINS:
		return strstr(s, p->s) != NULL;
	default: /* OP_EXACT, OP_NE */
		return slen_of(s, slen) == p->len && !memcmp(s, p->s, p->len);
	}
}

/* True if any value hits (for OP_NE: if any value is equal). */
static bool str_any(const struct cond *c, const char *s)
{
	size_t slen = SIZE_MAX;

	for (uint32_t i = 0; i < c->n; i++) {
		if (str_hit(c->op, &c->s[i], s, &slen))
			return true;
	}
	return false;
}

static bool eval_argv(struct rule_input *x, const struct cond *c)
{
	const struct event_view *v = x->f.v;
	bool any = false;

	if (!view_is_exec(v))
		return false;
	if (c->op == OP_GLOB)
		return str_any(c, str_field(x, F_ARGV) ?: "");
	for (int i = 0; i < v->argc && !any; i++)
		any = str_any(c, v->argv[i]);
	return c->op == OP_NE ? !any : any;
}

static bool eval_multi(struct rule_input *x, const struct cond *c)
{
	struct fval val;
	bool any = false;

	if (!field_get(&x->f, c->field, &val))
		return false;
	for (int i = 0; i < val.count && !any; i++)
		any = str_any(c, val.list[i]);
	return c->op == OP_NE ? !any : any;
}

static bool eval_num(const struct cond *c, int64_t x)
{
	switch (c->op) {
	case OP_LT:
		return x < c->num[0];
	case OP_GT:
		return x > c->num[0];
	case OP_MASK:
		return (x & c->num[0]) != 0;
	default:
		break;
	}
	for (uint32_t i = 0; i < c->n; i++) {
		if (c->num[i] == x)
			return c->op == OP_EXACT;
	}
	return c->op == OP_NE;
}

static bool prefix_eq(const uint8_t *a, const uint8_t *b, int plen)
{
	int bytes = plen / 8, bits = plen % 8;

	if (memcmp(a, b, bytes))
		return false;
	return !bits || !((a[bytes] ^ b[bytes]) & (0xff00 >> bits));
}

static bool eval_cidr(const struct event_view *v, const struct cond *c)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	const struct cactus_event *e = v->e;
	const uint8_t *a = e->addr;
	int fam = e->family;

	if (!v->family || (fam != AF_INET && fam != AF_INET6))
		return false;
	if (fam == AF_INET6 && !memcmp(a, mapped, sizeof(mapped))) {
		fam = AF_INET;  /* ::ffff:10.0.0.1 is 10.0.0.1 */
		a += 12;
	}
	for (uint32_t i = 0; i < c->n; i++) {
		if (c->net[i].family == fam && prefix_eq(a, c->net[i].addr, c->net[i].plen))
			return true;
	}
	return false;
}

static bool eval_syscall(const struct event_view *v, const struct cond *c)
{
	uint32_t nr = v->e->syscall_nr;
	bool in = nr < CACTUS_MAX_SYSCALLS && (c->bits[nr / 64] >> (nr % 64) & 1);

	return c->op == OP_NE ? !in : in;
}

/* A number or boolean field compared with the condition's values. */
static bool eval_numeric(struct rule_input *x, const struct cond *c)
{
	struct fval val;

	return field_get(&x->f, c->field, &val) && eval_num(c, val.n);
}

static bool eval(struct rule_input *x, const struct cond *c)
{
	const struct event_view *v = x->f.v;
	const char *s;
	bool in;

	switch (c->kind) {
	case FK_SYSCALL:
		return eval_syscall(v, c);
	case FK_CATEGORY:
		if (!v->sc)
			return false;
		in = c->cats >> v->sc->category & 1;
		return c->op == OP_NE ? !in : in;
	case FK_NUM:
	case FK_BOOL:
		return eval_numeric(x, c);
	case FK_PHASE:
		in = c->phases & (v->phase_init ? PHASE_INIT : PHASE_WORKLOAD);
		return c->op == OP_NE ? !in : in;
	case FK_ARGV:
		return eval_argv(x, c);
	case FK_MULTI:
		return eval_multi(x, c);
	default:
		break;
	}
	if (c->op == OP_CIDR)
		return eval_cidr(v, c);
	s = str_field(x, c->field);
	if (!s)
		return false;
	return str_any(c, s) == (c->op != OP_NE);
}

static bool match_eval(struct rule_input *x, const struct match *m)
{
	for (size_t i = 0; i < m->n; i++) {
		if (!eval(x, &m->c[i]))
			return false;
	}
	return true;
}

bool rule_matches_input(const struct rule *r, struct rule_input *x)
{
	if (!x->f.v->e || !match_eval(x, &r->m))
		return false;
	for (size_t i = 0; i < r->n_exc; i++) {
		if (match_eval(x, &r->exc[i]))
			return false;
	}
	return true;
}

bool rule_matches(const struct rule *r, const struct event_view *v)
{
	struct rule_input x;

	rule_input_init(&x, v);
	return rule_matches_input(r, &x);
}

/* ---- rendering ---- */

struct out {
	char *buf;
	size_t len, pos;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->pos + 1 >= o->len)
		return;
	if (n > o->len - o->pos - 1)
		n = o->len - o->pos - 1;
	memcpy(o->buf + o->pos, s, n);
	o->pos += n;
	o->buf[o->pos] = 0;
}

static void put_num(struct out *o, int64_t n)
{
	char b[24];

	put(o, b, (size_t)snprintf(b, sizeof(b), "%" PRId64, n));
}

/* %rule, %priority, %action: the rule's own. */
static const char *rule_str(const struct rule *r, const char *name)
{
	if (!strcmp(name, "rule"))
		return r->name;
	if (!strcmp(name, "priority"))
		return rule_priority_name(r->priority);
	if (!strcmp(name, "action"))
		return rule_action_name(r->action);
	return NULL;
}

/* "12.345": seconds with milliseconds, for %container_age. */
static void put_age(struct out *o, int64_t ns)
{
	char b[32];

	put(o, b, (size_t)snprintf(b, sizeof(b), "%" PRId64 ".%03d", ns / 1000000000,
				   (int)(ns % 1000000000 / 1000000)));
}

/* A field's value as a template shows it (nothing when the event lacks it). */
static void render_value(struct rule_input *x, enum field_id f, struct out *o)
{
	const struct field *fd = &fields[f];
	struct fval val;

	if (!field_get(&x->f, f, &val)) {
		if (fd->tmpl_none)
			put(o, fd->tmpl_none, strlen(fd->tmpl_none));
		return;
	}
	if (fd->tmpl == FT_SECS) {
		put_age(o, x->f.v->container_age_ns);
		return;
	}
	switch (fd->kind) {
	case FK_NUM:
		put_num(o, val.n);
		return;
	case FK_BOOL:
		/* %tty: the terminal's name; the others true/false */
		if (!val.s)
			val.s = val.n ? "true" : "false";
		break;
	case FK_MULTI:
		for (int i = 0; i < val.count; i++) {
			if (i)
				put(o, " ", 1);
			put(o, val.list[i], strlen(val.list[i]));
		}
		return;
	default:
		break;
	}
	if (val.s)
		put(o, val.s, strlen(val.s));
}

/* Writes the value of %name; false if the name is unknown. */
static bool render_field(const struct rule *r, struct rule_input *x, const char *name,
			 struct out *o)
{
	const char *s = rule_str(r, name);
	int f;

	if (s) {
		put(o, s, strlen(s));
		return true;
	}
	f = field_by_name(name);
	if (f < 0 || !fields[f].tmpl)
		return false;
	render_value(x, f, o);
	return true;
}

static bool ident_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_';
}

void rule_render(const struct rule *r, const struct event_view *v, char *buf, size_t len)
{
	struct out o = { .buf = buf, .len = len };
	struct rule_input x;
	const char *p = r->output;

	if (!len)
		return;
	rule_input_init(&x, v);
	buf[0] = 0;
	while (*p) {
		const char *pct = strchr(p, '%');
		char name[32];
		size_t n = 0;

		if (!pct) {
			put(&o, p, strlen(p));
			break;
		}
		put(&o, p, (size_t)(pct - p));
		p = pct + 1;
		while (ident_char(p[n]) && n < sizeof(name) - 1) {
			name[n] = p[n];
			n++;
		}
		name[n] = 0;
		if (n && render_field(r, &x, name, &o)) {
			p += n;
			continue;
		}
		put(&o, "%", 1); /* unknown or "%%": left as is */
		if (*p == '%')
			p++;
	}
}
