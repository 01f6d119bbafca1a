// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The field table (fields.h): one row per field, its getter above it.
 *
 * A row says: the name; the kind; whether a rule may test it (MATCH) and how
 * a template renders it; and for each format, its key and style, when it is
 * shown and where. JSON shows fields in the table's order; text, block and
 * the webhook by their @pos (block: by line, then pos). A format a row does
 * not name does not show the field.
 *
 * To add a field: its F_ id in fields.h (JSON order), a getter, a row. The
 * formatters (src/output), the webhook (src/monitor/deliver.c) and the rules
 * (src/rules) need nothing more.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <pthread.h>
#include "event/fields.h"

/* ---- getters ---- */

#define GETTER(name) static bool get_##name(struct field_ctx *x, struct fval *o)

static bool str(struct fval *o, const char *s)
{
	o->s = s;
	return s != NULL;
}

static bool num(struct fval *o, int64_t n)
{
	o->n = n;
	return true;
}

GETTER(time) { return str(o, x->v->time); }

/* A record of no container shows "" in JSON; a rule sees no value. */
#define CTR_GETTER(name, member) \
	GETTER(name) { return str(o, x->v->c ? x->v->c->member : ""); }
CTR_GETTER(container_id, id)
CTR_GETTER(container_name, name)
CTR_GETTER(image, image)
CTR_GETTER(runtime, runtime)
CTR_GETTER(k8s_ns, k8s_namespace)
CTR_GETTER(k8s_pod, k8s_pod)
CTR_GETTER(k8s_pod_uid, k8s_pod_uid)
CTR_GETTER(k8s_container, k8s_container)

/* The container's name, else its id, else "-" (no container). */
GETTER(container) { return str(o, container_label(x->v->c)); }

#define EV_NUM_GETTER(name) GETTER(name) { return num(o, x->v->e->name); }
EV_NUM_GETTER(pid_ns)
EV_NUM_GETTER(mnt_ns)
EV_NUM_GETTER(host_pid)
EV_NUM_GETTER(host_tid)
EV_NUM_GETTER(host_ppid)
EV_NUM_GETTER(pid)
EV_NUM_GETTER(ppid)
EV_NUM_GETTER(uid)
EV_NUM_GETTER(gid)
EV_NUM_GETTER(syscall_nr)

GETTER(comm) { return str(o, x->v->e->comm); }
GETTER(syscall) { return str(o, x->v->sc ? x->v->sc->name : NULL); }

GETTER(category)
{
	return str(o, x->v->sc ? cactus_category_name(x->v->sc->category) : NULL);
}

GETTER(activity) { return str(o, x->v->sc ? x->v->sc->activity : NULL); }
GETTER(ret) { return num(o, x->v->e->ret) && !(x->v->e->flags & EF_NO_EXIT); }

/* Both when either is known: a file in "/" has an empty dirname... */
GETTER(dirname)
{
	const struct event_view *v = x->v;

	return str(o, v->dirname) && (v->dirname[0] || v->filename[0]);
}

GETTER(filename)
{
	const struct event_view *v = x->v;

	return str(o, v->filename) && (v->dirname[0] || v->filename[0]);
}

/* dirname "/" + "x" is "/x"; both are < VIEW_PATH_MAX: no truncation */
static const char *joined_path(struct field_ctx *x)
{
	const struct event_view *v = x->v;
	size_t d, f;

	if (x->has_path || !x->path)
		return x->path;
	x->has_path = true;
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

GETTER(path) { return str(o, joined_path(x)); }

/* Output: the spelling, when the kernel resolved another file. Rules: the
 * path as the process spelled it, i.e. that, else the path itself. */
GETTER(path_arg)
{
	const struct event_view *v = x->v;

	if (v->path_arg || !x->rules)
		return str(o, v->path_arg);
	return str(o, v->dirname[0] || v->filename[0] ? joined_path(x) : NULL);
}

GETTER(path2) { return str(o, x->v->path2); }
GETTER(flags) { return str(o, x->v->flags[0] ? x->v->flags : NULL); }
GETTER(exe) { return str(o, x->v->exe); }

/* The last component of @path ("" stays ""). */
static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

GETTER(exe_name) { return str(o, x->v->exe ? base_name(x->v->exe) : NULL); }

/* argv joined with spaces: for glob and templates (outputs read v->argv). */
GETTER(argv)
{
	const struct event_view *v = x->v;
	size_t n = 0;

	if (!view_is_exec(v))
		return false;
	if (!x->argv || x->has_argv)
		return str(o, x->argv ? x->argv : "");
	x->has_argv = true;
	x->argv[0] = 0;
	for (int i = 0; i < v->argc && n < FIELD_JOIN_MAX; i++)
		n += snprintf(x->argv + n, FIELD_JOIN_MAX - n, "%s%s", i ? " " : "", v->argv[i]);
	return str(o, x->argv);
}

GETTER(family) { return str(o, x->v->family); }
GETTER(addr) { return str(o, x->v->family ? x->v->addr : NULL); }

/* Rules: a port is one of an IP address (a unix socket has none). */
GETTER(port)
{
	const struct event_view *v = x->v;
	int fam = v->e->family;

	if (!v->family || (x->rules && fam != AF_INET && fam != AF_INET6))
		return false;
	return num(o, v->port);
}

GETTER(signal) { return str(o, x->v->signal); }
/* Outputs show what a signal event says; rules see a signal that exists
 * (a number the kernel read as -1 is none). */
static bool is_signal(const struct field_ctx *x)
{
	return x->v->signal && (!x->rules || x->v->signal_nr >= 0);
}

GETTER(signal_nr) { return num(o, x->v->signal_nr) && is_signal(x); }
GETTER(target_pid) { return num(o, x->v->target_pid) && is_signal(x); }

GETTER(via) { return str(o, x->v->via); }
GETTER(uring_op) { return str(o, x->v->uring_op); }
GETTER(uring_thread) { return str(o, x->v->uring_thread); }

#define EF_GETTER(name, flag) GETTER(name) { return num(o, !!(x->v->e->flags & (flag))); }
EF_GETTER(truncated, EF_TRUNCATED)
EF_GETTER(no_enter, EF_NO_ENTER)
EF_GETTER(killed, EF_KILLED)

GETTER(phase)
{
	o->s = x->v->phase_init ? "init" : "workload";
	return num(o, x->v->phase_init);
}

/* Rules: true/false (a known process); templates and outputs: its name. */
GETTER(tty)
{
	const struct proc *p = x->v->proc;

	if (!p)
		return false;
	o->s = p->tty ? p->tty_name : "";
	return num(o, p->tty);
}

#define PROC_FLAG_GETTER(name, flag) \
	GETTER(name) \
	{ \
		o->s = NULL; \
		return x->v->proc && num(o, !!(x->v->proc->self.flags & (flag))); \
	}
PROC_FLAG_GETTER(entrypoint, PROC_ENTRYPOINT)
PROC_FLAG_GETTER(exec_session, PROC_EXEC_SESSION)

#define PARENT_FLAG_GETTER(name, flag) \
	GETTER(name) \
	{ \
		const struct proc_ident *pa = x->v->proc ? view_parent(x->v) : NULL; \
		o->s = NULL; \
		return pa && num(o, !!(pa->flags & (flag))); \
	}
PARENT_FLAG_GETTER(parent_entrypoint, PROC_ENTRYPOINT)
PARENT_FLAG_GETTER(parent_exec_session, PROC_EXEC_SESSION)

GETTER(parent_pid)
{
	const struct proc_ident *pa = view_parent(x->v);

	return pa && num(o, pa->host_pid);
}

GETTER(parent_exe)
{
	const struct proc_ident *pa = view_parent(x->v);

	return pa && str(o, pa->exe) && pa->exe[0];
}

GETTER(parent_comm)
{
	const struct proc_ident *pa = view_parent(x->v);

	return pa && str(o, pa->comm) && pa->comm[0];
}

/* Output of the ancestors above the parent: the formats read v->proc. */
GETTER(ancestors) { return (void)o, view_wants_ancestors(x->v); }

static int multi_add(struct fval *o, const char *s)
{
	if (s && *s && o->count < FIELD_MULTI_MAX)
		o->list[o->count++] = s;
	return o->count;
}

/* Every ancestor's exe or comm, the parent first (rules); the empty ones
 * left out. */
static bool ancestors_of(const struct proc *p, bool exe, struct fval *o)
{
	o->count = 0;
	for (int i = 0; p && i < p->n_anc && i < PROC_ANCESTORS; i++)
		multi_add(o, exe ? p->anc[i].exe : p->anc[i].comm);
	return o->count > 0;
}

GETTER(ancestor_exe) { return ancestors_of(x->v->proc, true, o); }
GETTER(ancestor_comm) { return ancestors_of(x->v->proc, false, o); }

/* Multi-call binaries: the program they run is named by argv[0]
 * ("busybox sh" by argv[1]). */
static bool multi_call(const char *name)
{
	return !strcmp(name, "busybox") || !strcmp(name, "toybox");
}

/*
 * The names the process runs as: the executed file's name and, on an exec
 * event, the name of the path asked for and argv[0]'s (argv[1]'s after a
 * multi-call binary's own name, as in "busybox sh").
 */
GETTER(program)
{
	const struct event_view *v = x->v;
	const char *a0;

	o->count = 0;
	multi_add(o, v->exe ? base_name(v->exe) : NULL);
	if (view_is_exec(v)) {
		multi_add(o, v->path_arg ? base_name(v->path_arg) : v->filename);
		if (v->argc > 0) {
			a0 = base_name(v->argv[0]);
			multi_add(o, a0);
			if (multi_call(a0) && v->argc > 1)
				multi_add(o, base_name(v->argv[1]));
		}
	}
	return o->count > 0;
}

/* Rules: whole seconds ("lt 30" is "in its first 30 s"); outputs and
 * templates show v->container_age_ns with milliseconds. */
GETTER(container_age)
{
	int64_t ns = x->v->container_age_ns;

	return num(o, ns / 1000000000) && ns >= 0;
}

GETTER(mode)
{
	const struct event_view *v = x->v;
	__u64 a;

	if (!cactus_syscall_is(v->sc, SCF_MODE) ||
	    !cactus_syscall_arg(v->e->args, v->sc->mode_arg, &a))
		return false;
	return num(o, (int64_t)a);
}

#define ARG_GETTER(i) GETTER(arg##i) { return num(o, (int64_t)x->v->e->args[i]); }
ARG_GETTER(0)
ARG_GETTER(1)
ARG_GETTER(2)
ARG_GETTER(3)
ARG_GETTER(4)
ARG_GETTER(5)

GETTER(alert) { return (void)o, x->v->alert != NULL; }

/* ---- the table ---- */

/* PID_MAX_LIMIT (include/linux/threads.h): no pid is larger on any kernel */
#define PID_MAX (4 * 1024 * 1024)

#define ROW(id, nm, k, g, ...) [id] = { .name = nm, .kind = k, .get = get_##g, __VA_ARGS__ }
/* a rule may test it, a template may name it; numbers within [lo, hi] */
#define MATCH .rule = FR_MATCH, .tmpl = FT_VALUE
#define RANGE(lo, hi) .min = (lo), .max = (hi)
#define TMPL .tmpl = FT_VALUE
/* formats: key (NULL: the field's name; text and block keys include what
 * goes between key and value), place, style, and the rest of field_out */
#define J(st, ...) .out[FMT_JSON] = { .style = (st), __VA_ARGS__ }
#define T(k, p, st, ...) .out[FMT_TEXT] = { .key = (k), .pos = (p), .style = (st), __VA_ARGS__ }
#define B(k, l, p, st, ...) \
	.out[FMT_BLOCK] = { .key = (k), .line = (l), .pos = (p), .style = (st), __VA_ARGS__ }
#define H(p, st, ...) .out[FMT_HOOK] = { .pos = (p), .style = (st), __VA_ARGS__ }

const struct field fields[F_COUNT] = {
	ROW(F_TIME, "time", FK_STR, time, TMPL, J(JS_STR),
	    T(NULL, 10, TS_HEAD), B("Time: ", 0, 10, BS_RAW)),
	ROW(F_CONTAINER_ID, "container_id", FK_STR, container_id, MATCH, J(JS_STR),
	    H(20, HS_STR, .when = FW_NOT_EMPTY)),
	ROW(F_CONTAINER_NAME, "container_name", FK_STR, container_name, MATCH, J(JS_STR)),
	ROW(F_IMAGE, "image", FK_STR, image, MATCH, J(JS_STR),
	    H(30, HS_STR, .when = FW_NOT_EMPTY)),
	ROW(F_RUNTIME, "runtime", FK_STR, runtime, MATCH, J(JS_STR)),
	ROW(F_K8S_NS, "k8s_namespace", FK_STR, k8s_ns, MATCH, J(JS_STR),
	    B("Namespace: ", 1, 20, BS_STR, .none = "-", .empty_none = 1),
	    H(40, HS_STR, .when = FW_NOT_EMPTY)),
	ROW(F_K8S_POD, "k8s_pod", FK_STR, k8s_pod, MATCH, J(JS_STR),
	    H(50, HS_STR, .when = FW_NOT_EMPTY)),
	ROW(F_K8S_POD_UID, "k8s_pod_uid", FK_STR, k8s_pod_uid, J(JS_STR)),
	ROW(F_K8S_CONTAINER, "k8s_container", FK_STR, k8s_container, TMPL, J(JS_STR)),
	ROW(F_PID_NS, "pid_ns", FK_NUM, pid_ns, TMPL, J(JS_INT), B("PidId: ", 2, 10, BS_NUM)),
	ROW(F_MNT_NS, "mnt_ns", FK_NUM, mnt_ns, TMPL, J(JS_INT), B("MntId: ", 2, 20, BS_NUM)),
	ROW(F_HOST_PID, "host_pid", FK_NUM, host_pid, MATCH, RANGE(0, PID_MAX), J(JS_INT),
	    T(NULL, 31, TS_HOST), B("HostPid: ", 3, 20, BS_NUM), H(100, HS_NUM)),
	ROW(F_HOST_TID, "host_tid", FK_NUM, host_tid, TMPL, J(JS_INT)),
	ROW(F_HOST_PPID, "host_ppid", FK_NUM, host_ppid, TMPL, J(JS_INT),
	    T(NULL, 41, TS_HOST), B("HostPpid: ", 3, 10, BS_NUM)),
	ROW(F_PID, "pid", FK_NUM, pid, MATCH, RANGE(0, PID_MAX), J(JS_INT),
	    T(NULL, 30, TS_NUM), B("Pid: ", 3, 30, BS_NUM), H(110, HS_NUM)),
	ROW(F_PPID, "ppid", FK_NUM, ppid, MATCH, RANGE(0, PID_MAX), J(JS_INT),
	    T(NULL, 40, TS_NUM)),
	ROW(F_UID, "uid", FK_NUM, uid, MATCH, RANGE(0, UINT32_MAX), J(JS_INT),
	    T(NULL, 50, TS_NUM), B("Uid: ", 3, 40, BS_NUM), H(120, HS_NUM)),
	ROW(F_GID, "gid", FK_NUM, gid, MATCH, RANGE(0, UINT32_MAX), J(JS_INT)),
	ROW(F_COMM, "comm", FK_STR, comm, MATCH, J(JS_STR), T(NULL, 60, TS_BARE),
	    B("Comm: ", 5, 20, BS_STR, .when = FW_EXEC), H(70, HS_STR, .when = FW_NOT_EMPTY)),
	ROW(F_SYSCALL, "syscall", FK_SYSCALL, syscall, MATCH, .tmpl_none = "unknown",
	    J(JS_STR, .none = "\"unknown\""), T(NULL, 70, TS_RAW, .none = "?"),
	    B("Syscall: sys_", 4, 10, BS_RAW, .none = "?"), H(60, HS_STR)),
	ROW(F_SYSCALL_NR, "syscall_nr", FK_NUM, syscall_nr, TMPL, J(JS_INT)),
	ROW(F_CATEGORY, "category", FK_CATEGORY, category, MATCH, .tmpl_none = "Unknown",
	    J(JS_STR, .none = "\"Unknown\""), T(NULL, 80, TS_CAT, .none = "?"),
	    B("EventType: ", 4, 20, BS_RAW, .none = "?")),
	ROW(F_ACTIVITY, "activity", FK_STR, activity, MATCH,
	    J(JS_STR, .none = "\"Unknown\""), T(NULL, 90, TS_ACT, .none = "?"),
	    B("Activity: ", 5, 10, BS_RAW, .none = "?")),
	ROW(F_RET, "ret", FK_NUM, ret, MATCH, RANGE(INT64_MIN, INT64_MAX),
	    J(JS_INT, .none = "null"), T(NULL, 100, TS_NUM, .none = "-"),
	    B("Ret: ", 4, 30, BS_NUM, .none = "-")),

	ROW(F_DIRNAME, "dirname", FK_STR, dirname, MATCH, J(JS_STR),
	    T(NULL, 120, TS_KV, .when = FW_NOT_EXEC),
	    B("Dirname: ", 5, 40, BS_STR, .when = FW_NOT_EXEC)),
	ROW(F_FILENAME, "filename", FK_STR, filename, MATCH, J(JS_STR),
	    T(NULL, 130, TS_KV, .when = FW_NOT_EXEC),
	    B("Filename: ", 5, 50, BS_STR, .when = FW_NOT_EXEC),
	    H(90, HS_STR, .when = FW_NOT_EMPTY)),
	ROW(F_PATH_ARG, "path_arg", FK_STR, path_arg, MATCH, J(JS_STR),
	    T(NULL, 140, TS_KV), B("PathArg: ", 5, 60, BS_STR)),
	ROW(F_PATH2, "path2", FK_STR, path2, MATCH, J(JS_STR), T(NULL, 150, TS_KV)),
	ROW(F_FLAGS, "flags", FK_STR, flags, MATCH, J(JS_STR), T(NULL, 160, TS_KV)),
	ROW(F_EXE, "exe", FK_STR, exe, MATCH, J(JS_STR),
	    T(NULL, 110, TS_KV, .when = FW_EXEC, .none = ""),
	    B("Execfile: ", 5, 30, BS_STR, .when = FW_EXEC, .none = ""),
	    H(80, HS_STR, .when = FW_NOT_EMPTY)),
	ROW(F_ARGV, "argv", FK_ARGV, argv, MATCH, J(JS_ARGV, .when = FW_EXEC),
	    T(NULL, 115, TS_ARGV, .when = FW_EXEC)),
	ROW(F_FAMILY, "family", FK_STR, family, MATCH, J(JS_STR), T(NULL, 170, TS_RAW),
	    B("Family: ", 5, 70, BS_RAW)),
	ROW(F_ADDR, "addr", FK_ADDR, addr, MATCH, J(JS_STR), T(NULL, 180, TS_KV),
	    B("Addr: ", 5, 80, BS_STR)),
	ROW(F_PORT, "port", FK_NUM, port, MATCH, RANGE(0, 65535), J(JS_INT),
	    T(NULL, 190, TS_NUM), B("Port: ", 5, 90, BS_NUM)),
	ROW(F_SIGNAL, "signal", FK_STR, signal, MATCH, J(JS_STR), T(NULL, 200, TS_KV),
	    B("Signal: ", 5, 100, BS_STR)),
	/* 0 probes a pid; SIGRTMAX is 64 */
	ROW(F_SIGNAL_NR, "signal_nr", FK_NUM, signal_nr, MATCH, RANGE(0, 64), J(JS_INT)),
	/* kill(-pgid), kill(-1) */
	ROW(F_TARGET_PID, "target_pid", FK_NUM, target_pid, MATCH, RANGE(INT32_MIN, INT32_MAX),
	    J(JS_INT), T(NULL, 210, TS_NUM), B("TargetPid: ", 5, 110, BS_NUM)),
	ROW(F_TRUNCATED, "truncated", FK_OUT, truncated, J(JS_TRUE, .when = FW_TRUE)),
	ROW(F_NO_ENTER, "no_enter", FK_OUT, no_enter, J(JS_TRUE, .when = FW_TRUE)),
	/* an io_uring operation (its syscall is the twin) */
	ROW(F_VIA, "via", FK_STR, via, MATCH, J(JS_STR), T(NULL, 220, TS_KV),
	    B("Via: ", 5, 120, BS_RAW)),
	ROW(F_URING_OP, "uring_op", FK_STR, uring_op, MATCH, J(JS_STR), T(NULL, 230, TS_KV),
	    B("UringOp: ", 5, 130, BS_RAW)),
	ROW(F_URING_THREAD, "uring_thread", FK_STR, uring_thread, MATCH, J(JS_STR),
	    T(NULL, 240, TS_KV), B("UringThread: ", 5, 140, BS_RAW)),

	ROW(F_PHASE, "phase", FK_PHASE, phase, MATCH, J(JS_STR, .when = FW_TRUE),
	    T(NULL, 300, TS_KV, .when = FW_TRUE), B("Phase: ", 6, 10, BS_RAW, .when = FW_TRUE)),
	ROW(F_TTY, "tty", FK_BOOL, tty, MATCH, J(JS_STR, .when = FW_TRUE),
	    T(NULL, 310, TS_KV, .when = FW_TRUE), B("Tty: ", 6, 20, BS_STR, .when = FW_TRUE)),
	ROW(F_ENTRYPOINT, "entrypoint", FK_BOOL, entrypoint, MATCH,
	    J(JS_TRUE, .when = FW_TRUE), T(NULL, 320, TS_TRUE, .when = FW_TRUE),
	    B("Entrypoint: ", 6, 30, BS_TRUE, .when = FW_TRUE)),
	ROW(F_EXEC_SESSION, "exec_session", FK_BOOL, exec_session, MATCH,
	    J(JS_TRUE, .when = FW_TRUE), T(NULL, 330, TS_TRUE, .when = FW_TRUE),
	    B("ExecSession: ", 6, 40, BS_TRUE, .when = FW_TRUE)),
	ROW(F_PARENT_PID, "parent_pid", FK_NUM, parent_pid, TMPL, J(JS_INT),
	    T(NULL, 360, TS_NUM), B("ParentHostPid: ", 6, 70, BS_NUM)),
	ROW(F_PARENT_EXE, "parent_exe", FK_STR, parent_exe, MATCH, J(JS_STR),
	    T(NULL, 340, TS_KV), B("ParentExe: ", 6, 50, BS_STR)),
	ROW(F_PARENT_COMM, "parent_comm", FK_STR, parent_comm, MATCH, J(JS_STR),
	    T(NULL, 350, TS_KV), B("ParentComm: ", 6, 60, BS_STR)),
	ROW(F_ANCESTORS, "ancestors", FK_OUT, ancestors, J(JS_ANCESTORS),
	    T(NULL, 370, TS_ANCESTORS), B(NULL, 7, 10, BS_ANCESTORS)),
	ROW(F_KILLED, "killed", FK_OUT, killed, J(JS_TRUE, .when = FW_TRUE)),
	ROW(F_CONTAINER_AGE, "container_age", FK_NUM, container_age, .rule = FR_MATCH,
	    .tmpl = FT_SECS, RANGE(0, INT64_MAX / 1000000000),
	    J(JS_SECS, .key = "container_age_s", .when = FW_ALERT),
	    T("container_age_s", 400, TS_SECS, .when = FW_ALERT)),
	ROW(F_ALERT, "alert", FK_OUT, alert, J(JS_ALERT), T(NULL, 410, TS_ALERT),
	    B(NULL, 8, 10, BS_ALERT)),

	ROW(F_CONTAINER, "container", FK_OUT, container, T(NULL, 20, TS_BARE),
	    B("ContainerName: ", 1, 10, BS_STR), H(10, HS_STR, .key = "container_name")),
	ROW(F_PATH, "path", FK_STR, path, MATCH),
	ROW(F_EXE_NAME, "exe_name", FK_STR, exe_name, MATCH),
	ROW(F_ANCESTOR_EXE, "ancestor_exe", FK_MULTI, ancestor_exe, MATCH),
	ROW(F_ANCESTOR_COMM, "ancestor_comm", FK_MULTI, ancestor_comm, MATCH),
	ROW(F_PROGRAM, "program", FK_MULTI, program, MATCH),
	ROW(F_PARENT_ENTRYPOINT, "parent_entrypoint", FK_BOOL, parent_entrypoint, MATCH),
	ROW(F_PARENT_EXEC_SESSION, "parent_exec_session", FK_BOOL, parent_exec_session, MATCH),
	ROW(F_MODE, "mode", FK_NUM, mode, MATCH, RANGE(0, 0177777)), /* S_IFMT and permission bits */
	ROW(F_ARG0, "arg0", FK_NUM, arg0, MATCH, RANGE(INT64_MIN, INT64_MAX)),
	ROW(F_ARG1, "arg1", FK_NUM, arg1, MATCH, RANGE(INT64_MIN, INT64_MAX)),
	ROW(F_ARG2, "arg2", FK_NUM, arg2, MATCH, RANGE(INT64_MIN, INT64_MAX)),
	ROW(F_ARG3, "arg3", FK_NUM, arg3, MATCH, RANGE(INT64_MIN, INT64_MAX)),
	ROW(F_ARG4, "arg4", FK_NUM, arg4, MATCH, RANGE(INT64_MIN, INT64_MAX)),
	ROW(F_ARG5, "arg5", FK_NUM, arg5, MATCH, RANGE(INT64_MIN, INT64_MAX)),
};

int field_by_name(const char *name)
{
	for (int i = 0; i < F_COUNT; i++) {
		if (!strcmp(fields[i].name, name))
			return i;
	}
	return -1;
}

/* ---- each format's order ---- */

static enum field_id order[FMT_COUNT][F_COUNT];
static size_t n_order[FMT_COUNT];
static struct field_jkey json_keys[F_COUNT];
static pthread_once_t order_once = PTHREAD_ONCE_INIT;

static int by_pos(const void *a, const void *b, void *fmt)
{
	const struct field_out *x = &fields[*(const enum field_id *)a].out[*(int *)fmt];
	const struct field_out *y = &fields[*(const enum field_id *)b].out[*(int *)fmt];
	int kx = x->line * 65536 + x->pos, ky = y->line * 65536 + y->pos;

	return kx - ky;
}

static void json_keys_init(void)
{
	for (int f = 0; f < F_COUNT; f++) {
		int n = snprintf(json_keys[f].s, sizeof(json_keys[f].s), ",\"%s\":",
				 field_key(f, FMT_JSON));

		/* keys fit (test_fields checks every one against FIELD_KEY_MAX) */
		json_keys[f].len = n > 0 && (size_t)n < sizeof(json_keys[f].s) ? (size_t)n : 0;
	}
}

static void order_init(void)
{
	json_keys_init();
	for (int fmt = 0; fmt < FMT_COUNT; fmt++) {
		size_t n = 0;

		for (int f = 0; f < F_COUNT; f++) {
			if (fields[f].out[fmt].style)
				order[fmt][n++] = (enum field_id)f;
		}
		n_order[fmt] = n;
		/* JSON: the table's order */
		if (fmt != FMT_JSON)
			qsort_r(order[fmt], n, sizeof(order[fmt][0]), by_pos, &fmt);
	}
}

const enum field_id *field_order(enum field_fmt fmt, size_t *n)
{
	pthread_once(&order_once, order_init);
	*n = n_order[fmt];
	return order[fmt];
}

const char *field_key(enum field_id f, enum field_fmt fmt)
{
	return fields[f].out[fmt].key ? fields[f].out[fmt].key : fields[f].name;
}

const struct field_jkey *field_json_keys(void)
{
	pthread_once(&order_once, order_init);
	return json_keys;
}
