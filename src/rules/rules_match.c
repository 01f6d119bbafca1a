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

#define JOIN_MAX (VIEW_PATH_MAX * 2)

struct mctx {
	const struct event_view *v;
	bool has_path, has_argv;
	char path[JOIN_MAX];
	char argv[JOIN_MAX];
};

static const char *ctx_path(struct mctx *x)
{
	const struct event_view *v = x->v;

	size_t d, f;

	if (x->has_path)
		return x->path;
	x->has_path = true;
	/* dirname "/" + "x" is "/x"; both are < VIEW_PATH_MAX: no truncation */
	d = strlen(v->dirname);
	f = strlen(v->filename);
	if (d == 1 && v->dirname[0] == '/' && f)
		d = 0;
	memcpy(x->path, v->dirname, d);
	if (f)
		x->path[d++] = '/';
	memcpy(x->path + d, v->filename, f + 1);
	return x->path;
}

/* argv joined with spaces, for glob and for rendering. */
static const char *ctx_argv(struct mctx *x)
{
	size_t n = 0;

	if (x->has_argv)
		return x->argv;
	x->has_argv = true;
	x->argv[0] = 0;
	for (int i = 0; i < x->v->argc && n < sizeof(x->argv); i++)
		n += snprintf(x->argv + n, sizeof(x->argv) - n, "%s%s", i ? " " : "",
			      x->v->argv[i]);
	return x->argv;
}

static bool is_exec(const struct event_view *v)
{
	return v->sc && v->sc->kind == CK_EXEC;
}

/* The last component of @path ("" stays ""). */
static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* The parent (anc[0]) when the event's process and its parent are known. */
static const struct proc_ident *parent_of(const struct event_view *v)
{
	return v->proc && v->proc->n_anc > 0 ? &v->proc->anc[0] : NULL;
}

static const char *cfield(const struct container *c, enum rfield f)
{
	if (!c)
		return NULL;
	switch (f) {
	case RF_CONTAINER_NAME:
		return c->name;
	case RF_CONTAINER_ID:
		return c->id;
	case RF_IMAGE:
		return c->image;
	case RF_RUNTIME:
		return c->runtime;
	case RF_K8S_NS:
		return c->k8s_namespace;
	default:
		return c->k8s_pod;
	}
}

static const char *str_field_raw(struct mctx *x, enum rfield f)
{
	const struct event_view *v = x->v;

	switch (f) {
	case RF_ACTIVITY:
		return v->sc ? v->sc->activity : NULL;
	case RF_PATH:
		return ctx_path(x);
	case RF_DIRNAME:
		return v->dirname;
	case RF_FILENAME:
		return v->filename;
	case RF_PATH2:
		return v->path2;
	case RF_EXE:
		return v->exe;
	case RF_COMM:
		return v->e->comm;
	case RF_FAMILY:
		return v->family;
	case RF_ADDR:
		return v->family ? v->addr : NULL;
	case RF_SIGNAL:
		return v->signal;
	case RF_FLAGS:
		return v->flags;
	case RF_ARGV:
		return is_exec(v) ? ctx_argv(x) : NULL;
	case RF_PATH_ARG:
		/* the path as the process spelled it: path_arg when the kernel
		 * resolved another file, else the path itself */
		if (v->path_arg)
			return v->path_arg;
		return v->dirname[0] || v->filename[0] ? ctx_path(x) : NULL;
	case RF_EXE_NAME:
		return v->exe ? base_name(v->exe) : NULL;
	case RF_PARENT_EXE:
		return parent_of(v) ? parent_of(v)->exe : NULL;
	case RF_PARENT_COMM:
		return parent_of(v) ? parent_of(v)->comm : NULL;
	default:
		return cfield(v->c, f);
	}
}

/* Multi-call binaries: the program they run is named by argv[0]
 * ("busybox sh" by argv[1]). */
static bool multi_call(const char *name)
{
	return !strcmp(name, "busybox") || !strcmp(name, "toybox");
}

#define MULTI_MAX (PROC_ANCESTORS > 4 ? PROC_ANCESTORS : 4)

/*
 * The values of a field with several (RK_MULTI), the empty ones left out:
 * ancestor_exe/ancestor_comm: anc[0..n_anc); program: the names the
 * process runs as, i.e. the executed file's name and, on an exec event,
 * the name of the path asked for and argv[0]'s (argv[1]'s after a
 * multi-call binary's own name, as in "busybox sh").
 */
static int multi_values(const struct event_view *v, enum rfield f, const char **out)
{
	const char *cand[MULTI_MAX];
	int n = 0, k = 0;

	switch (f) {
	case RF_ANCESTOR_EXE:
	case RF_ANCESTOR_COMM:
		for (int i = 0; v->proc && i < v->proc->n_anc && i < PROC_ANCESTORS; i++)
			cand[n++] = f == RF_ANCESTOR_EXE ? v->proc->anc[i].exe : v->proc->anc[i].comm;
		break;
	default: /* RF_PROGRAM */
		cand[n++] = v->exe ? base_name(v->exe) : NULL;
		if (!is_exec(v))
			break;
		cand[n++] = v->path_arg ? base_name(v->path_arg) : v->filename;
		if (v->argc > 0) {
			cand[n++] = base_name(v->argv[0]);
			if (multi_call(cand[n - 1]) && v->argc > 1)
				cand[n++] = base_name(v->argv[1]);
		}
		break;
	}
	for (int i = 0; i < n; i++) {
		if (cand[i] && *cand[i])
			out[k++] = cand[i];
	}
	return k;
}

/* RK_BOOL fields: false when the event does not have it. */
static bool bool_field(const struct event_view *v, enum rfield f, int64_t *out)
{
	const struct proc_ident *parent = parent_of(v);

	if (!v->proc)
		return false;
	switch (f) {
	case RF_TTY:
		*out = v->proc->tty;
		return true;
	case RF_ENTRYPOINT:
		*out = !!(v->proc->self.flags & PROC_ENTRYPOINT);
		return true;
	case RF_EXEC_SESSION:
		*out = !!(v->proc->self.flags & PROC_EXEC_SESSION);
		return true;
	case RF_PARENT_ENTRYPOINT:
		*out = parent && (parent->flags & PROC_ENTRYPOINT);
		return parent != NULL;
	case RF_PARENT_EXEC_SESSION:
		*out = parent && (parent->flags & PROC_EXEC_SESSION);
		return parent != NULL;
	default:
		return false;
	}
}

/* NULL when the event has no such field or it is empty. */
static const char *str_field(struct mctx *x, enum rfield f)
{
	const char *s = str_field_raw(x, f);

	return s && *s ? s : NULL;
}

static bool mode_arg(const struct event_view *v, int64_t *out)
{
	__u64 a;

	if (!cactus_syscall_is(v->sc, SCF_MODE) || !cactus_syscall_arg(v->e->args, v->sc->mode_arg, &a))
		return false;
	*out = (int64_t)a;
	return true;
}

static bool num_field(const struct event_view *v, enum rfield f, int64_t *out)
{
	const struct cactus_event *e = v->e;
	switch (f) {
	case RF_UID: *out = e->uid; return true;
	case RF_GID: *out = e->gid; return true;
	case RF_PID: *out = e->pid; return true;
	case RF_PPID: *out = e->ppid; return true;
	case RF_HOST_PID: *out = e->host_pid; return true;
	case RF_RET: *out = e->ret; return !(e->flags & EF_NO_EXIT);
	case RF_PORT:
		*out = v->port;
		return v->family && (e->family == AF_INET || e->family == AF_INET6);
	case RF_SIGNAL_NR: *out = v->signal_nr; return v->signal_nr >= 0;
	case RF_TARGET_PID: *out = v->target_pid; return v->signal_nr >= 0;
	case RF_MODE: return mode_arg(v, out);
	case RF_CONTAINER_AGE:
		/* whole seconds: lt 30 is "in its first 30 s" */
		*out = v->container_age_ns / 1000000000;
		return v->container_age_ns >= 0;
	default:
		if (f < RF_ARG0 || f > RF_ARG5)
			return false;
		*out = (int64_t)e->args[f - RF_ARG0];
		return true;
	}
}

/* strlen(s), computed once and only for the operators that need it. */
static size_t slen_of(const char *s, size_t *slen)
{
	if (*slen == SIZE_MAX)
		*slen = strlen(s);
	return *slen;
}

static bool str_hit(enum rop op, const struct rstr *p, const char *s, size_t *slen)
{
	switch (op) {
	case OP_PREFIX:
		return !strncmp(s, p->s, p->len);
	case OP_SUFFIX:
		return slen_of(s, slen) >= p->len &&
		       !memcmp(s + *slen - p->len, p->s, p->len);
	case OP_GLOB:
		if (strncmp(s, p->s, p->pre) ||
		    (p->suf && (slen_of(s, slen) < p->suf ||
				memcmp(s + *slen - p->suf, p->s + p->len - p->suf, p->suf))))
			return false;
		return !fnmatch(p->s, s, 0);
	case OP_CONTAINS:
		return strstr(s, p->s) != NULL;
	default: /* OP_EXACT, OP_NE: strncmp stops at s's end, then s must end too */
		return !strncmp(s, p->s, p->len) && s[p->len] == 0;
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

static bool eval_argv(struct mctx *x, const struct cond *c)
{
	const struct event_view *v = x->v;
	bool any = false;

	if (!is_exec(v))
		return false;
	if (c->op == OP_GLOB)
		return str_any(c, ctx_argv(x));
	for (int i = 0; i < v->argc && !any; i++)
		any = str_any(c, v->argv[i]);
	return c->op == OP_NE ? !any : any;
}

static bool eval_multi(const struct event_view *v, const struct cond *c)
{
	const char *vals[MULTI_MAX];
	int n = multi_values(v, c->field, vals);
	bool any = false;

	if (!n)
		return false;
	for (int i = 0; i < n && !any; i++)
		any = str_any(c, vals[i]);
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

static bool eval(struct mctx *x, const struct cond *c)
{
	const struct event_view *v = x->v;
	const char *s;
	int64_t n;
	bool in;

	switch (c->kind) {
	case RK_SYSCALL:
		return eval_syscall(v, c);
	case RK_CATEGORY:
		if (!v->sc)
			return false;
		in = c->cats >> v->sc->category & 1;
		return c->op == OP_NE ? !in : in;
	case RK_NUM:
		return num_field(v, c->field, &n) && eval_num(c, n);
	case RK_BOOL:
		return bool_field(v, c->field, &n) && eval_num(c, n);
	case RK_PHASE:
		in = c->phases & (v->phase_init ? PHASE_INIT : PHASE_WORKLOAD);
		return c->op == OP_NE ? !in : in;
	case RK_ARGV:
		return eval_argv(x, c);
	case RK_MULTI:
		return eval_multi(v, c);
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

static bool match_eval(struct mctx *x, const struct match *m)
{
	for (size_t i = 0; i < m->n; i++) {
		if (!eval(x, &m->c[i]))
			return false;
	}
	return true;
}

bool rule_matches(const struct rule *r, const struct event_view *v)
{
	struct mctx x;

	x.v = v;
	x.has_path = x.has_argv = false;
	if (!v->e || !match_eval(&x, &r->m))
		return false;
	for (size_t i = 0; i < r->n_exc; i++) {
		if (match_eval(&x, &r->exc[i]))
			return false;
	}
	return true;
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

static const char *extra_str(const struct rule *r, struct mctx *x, const char *name)
{
	const struct event_view *v = x->v;

	if (!strcmp(name, "rule"))
		return r->name;
	if (!strcmp(name, "priority"))
		return rule_priority_name(r->priority);
	if (!strcmp(name, "action"))
		return rule_action_name(r->action);
	if (!strcmp(name, "time"))
		return v->time;
	if (!strcmp(name, "syscall"))
		return v->sc ? v->sc->name : "unknown";
	if (!strcmp(name, "category"))
		return v->sc ? cactus_category_name(v->sc->category) : "Unknown";
	if (!strcmp(name, "k8s_container"))
		return v->c ? v->c->k8s_container : "";
	return NULL;
}

static bool extra_num(const struct event_view *v, const char *name, int64_t *n)
{
	const struct cactus_event *e = v->e;

	if (!strcmp(name, "host_tid"))
		*n = e->host_tid;
	else if (!strcmp(name, "host_ppid"))
		*n = e->host_ppid;
	else if (!strcmp(name, "pid_ns"))
		*n = e->pid_ns;
	else if (!strcmp(name, "mnt_ns"))
		*n = e->mnt_ns;
	else if (!strcmp(name, "syscall_nr"))
		*n = e->syscall_nr;
	else
		return false;
	return true;
}

/* "12.345": seconds with milliseconds, for %container_age. */
static void put_age(struct out *o, int64_t ns)
{
	char b[32];

	put(o, b, (size_t)snprintf(b, sizeof(b), "%" PRId64 ".%03d", ns / 1000000000,
				   (int)(ns % 1000000000 / 1000000)));
}

/* The fields that are not strings nor numbers; true if @f is one. */
static bool render_special(struct mctx *x, enum rfield f, struct out *o)
{
	const struct event_view *v = x->v;
	const char *vals[MULTI_MAX];
	int64_t b;
	int n;

	switch (rfield_kind(f)) {
	case RK_PHASE:
		put(o, v->phase_init ? "init" : "workload", v->phase_init ? 4 : 8);
		return true;
	case RK_BOOL:
		/* %tty: the terminal's name ("pts/0"), nothing without one */
		if (f == RF_TTY) {
			if (v->proc && v->proc->tty)
				put(o, v->proc->tty_name, strnlen(v->proc->tty_name,
								  sizeof(v->proc->tty_name)));
		} else if (bool_field(v, f, &b)) {
			put(o, b ? "true" : "false", b ? 4 : 5);
		}
		return true;
	case RK_MULTI:
		n = multi_values(v, f, vals);
		for (int i = 0; i < n; i++) {
			if (i)
				put(o, " ", 1);
			put(o, vals[i], strlen(vals[i]));
		}
		return true;
	default:
		if (f != RF_CONTAINER_AGE)
			return false;
		if (v->container_age_ns >= 0)
			put_age(o, v->container_age_ns);
		return true;
	}
}

/* Writes the value of %name; false if the name is unknown. */
static bool render_field(const struct rule *r, struct mctx *x, const char *name,
			 struct out *o)
{
	int f = rfield_parse(name);
	const char *s = extra_str(r, x, name);
	int64_t n;

	if (s) {
		put(o, s, strlen(s));
		return true;
	}
	if (extra_num(x->v, name, &n)) {
		put_num(o, n);
		return true;
	}
	if (!strcmp(name, "parent_pid")) {  /* host pid of anc[0]; empty if unknown */
		if (parent_of(x->v))
			put_num(o, parent_of(x->v)->host_pid);
		return true;
	}
	if (f < 0)
		return false;
	if (render_special(x, f, o))
		return true;
	if (rfield_kind(f) == RK_NUM) {
		if (num_field(x->v, f, &n))
			put_num(o, n);
		return true;
	}
	if (f == RF_SYSCALL || f == RF_CATEGORY)
		return false; /* handled by extra_str */
	s = str_field(x, f);
	if (s)
		put(o, s, strlen(s));
	return true;
}

static bool ident_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_';
}

void rule_render(const struct rule *r, const struct event_view *v, char *buf, size_t len)
{
	struct out o = { .buf = buf, .len = len };
	struct mctx x = { .v = v };
	const char *p = r->output;

	if (!len)
		return;
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
