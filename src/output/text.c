// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The text format: one line per event. Every string from the process or
 * from container metadata goes through esc_value() (escape.h), so it can
 * neither end the line nor pose as another key=value field.
 */
#include "output/escape.h"
#include "output/output.h"

/* " key=value", the value escaped and quoted if needed */
static void text_kv(struct out_buf *ob, const char *key, const char *val)
{
	ob_ch(ob, ' ');
	ob_str(ob, key);
	ob_ch(ob, '=');
	esc_value(ob, val, ESC_TEXT_SEP);
}

static void text_num(struct out_buf *ob, const char *key, int64_t n)
{
	ob_ch(ob, ' ');
	ob_str(ob, key);
	ob_ch(ob, '=');
	ob_int(ob, n);
}

static void text_exec(struct out_buf *ob, const struct event_view *v)
{
	text_kv(ob, "exe", v->exe);
	OB_LIT(ob, " argv=[");
	for (int i = 0; i < v->argc; i++) {
		if (i)
			ob_ch(ob, ' ');
		esc_value(ob, v->argv[i], ESC_TEXT_SEP);
	}
	ob_ch(ob, ']');
}

static void text_details(struct out_buf *ob, const struct event_view *v)
{
	if (output_is_exec(v)) {
		text_exec(ob, v);
	} else if (v->filename[0] || v->dirname[0]) {
		text_kv(ob, "dirname", v->dirname);
		text_kv(ob, "filename", v->filename);
	}
	if (v->path_arg)
		text_kv(ob, "path_arg", v->path_arg);
	if (v->path2)
		text_kv(ob, "path2", v->path2);
	if (v->flags[0])
		text_kv(ob, "flags", v->flags);
	if (v->family) {
		ob_ch(ob, ' ');
		ob_str(ob, v->family);
		text_kv(ob, "addr", v->addr);
		text_num(ob, "port", v->port);
	}
	if (v->signal) {
		text_kv(ob, "signal", v->signal);
		text_num(ob, "target_pid", v->target_pid);
	}
}

/* " key=[a b c]": each element escaped like an argv element */
static void text_list(struct out_buf *ob, const char *key, const struct proc *p, bool exe)
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

/* The process table's facts and the set-up phase; nothing for a workload
 * event of an unknown process. */
static void text_proc(struct out_buf *ob, const struct event_view *v)
{
	const struct proc *p = v->proc;
	const struct proc_ident *parent = output_parent(v);

	if (v->phase_init)
		OB_LIT(ob, " phase=init");
	if (!p)
		return;
	if (p->tty)
		text_kv(ob, "tty", p->tty_name);
	if (p->self.flags & PROC_ENTRYPOINT)
		OB_LIT(ob, " entrypoint=true");
	if (p->self.flags & PROC_EXEC_SESSION)
		OB_LIT(ob, " exec_session=true");
	if (parent) {
		if (parent->exe && parent->exe[0])
			text_kv(ob, "parent_exe", parent->exe);
		if (parent->comm[0])
			text_kv(ob, "parent_comm", parent->comm);
		text_num(ob, "parent_pid", parent->host_pid);
	}
	if (output_wants_ancestors(v)) {
		text_list(ob, "ancestor_exe", p, true);
		text_list(ob, "ancestor_comm", p, false);
	}
}

/* pid=7(host 4242) */
static void text_pid(struct out_buf *ob, const char *key, uint32_t pid, uint32_t host)
{
	text_num(ob, key, pid);
	OB_LIT(ob, "(host ");
	ob_int(ob, host);
	ob_ch(ob, ')');
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
	ob_str(ob, a->outcome);
	OB_LIT(ob, "] ");
	esc_value(ob, a->message, ESC_TEXT_SEP);
}

void output_text(struct out_buf *ob, const struct event_view *v)
{
	const struct cactus_event *e = v->e;
	const struct cactus_syscall *sc = v->sc;

	ob_str(ob, v->time);
	ob_ch(ob, ' ');
	esc_value(ob, output_container_label(v->c), ESC_TEXT_SEP);
	text_pid(ob, "pid", e->pid, e->host_pid);
	text_pid(ob, "ppid", e->ppid, e->host_ppid);
	text_num(ob, "uid", e->uid);
	ob_ch(ob, ' ');
	esc_value(ob, e->comm, ESC_TEXT_SEP);
	ob_ch(ob, ' ');
	ob_str(ob, sc ? sc->name : "?");
	OB_LIT(ob, " [");
	ob_str(ob, sc ? cactus_category_name(sc->category) : "?");
	ob_ch(ob, '/');
	ob_str(ob, sc ? sc->activity : "?");
	ob_ch(ob, ']');
	if (e->flags & EF_NO_EXIT)
		OB_LIT(ob, " ret=-");
	else
		text_num(ob, "ret", e->ret);
	text_details(ob, v);
	text_proc(ob, v);
	if (v->alert && v->container_age_ns >= 0) {
		OB_LIT(ob, " container_age_s=");
		ob_secs3(ob, v->container_age_ns);
	}
	if (v->alert)
		text_alert(ob, v->alert);
	ob_ch(ob, '\n');
}
