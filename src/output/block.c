// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The block format: the paper's Fig 12/13 "Key: value, Key: value" lines,
 * one block per event, blocks separated by a blank line. Strings from the
 * process or container metadata go through esc_value() (escape.h): no
 * newline can end the block early, no ", Key: " can pose as a field.
 */
#include <stdio.h>
#include "output/escape.h"
#include "output/output.h"

/* @prefix ("Dirname: " or ", Filename: "), then the escaped value */
static void blk_str(struct out_buf *ob, const char *prefix, const char *val)
{
	ob_str(ob, prefix);
	esc_value(ob, val, ESC_BLOCK_SEP);
}

static void blk_num(struct out_buf *ob, const char *prefix, int64_t n)
{
	ob_str(ob, prefix);
	ob_int(ob, n);
}

static void block_details(struct out_buf *ob, const struct event_view *v)
{
	OB_LIT(ob, "Activity: ");
	ob_str(ob, v->sc ? v->sc->activity : "?");
	if (output_is_exec(v)) {
		blk_str(ob, ", Comm: ", v->e->comm);
		blk_str(ob, ", Execfile: ", v->exe);
	} else if (v->filename[0] || v->dirname[0]) {
		blk_str(ob, ", Dirname: ", v->dirname);
		blk_str(ob, ", Filename: ", v->filename);
	}
	if (v->path_arg)
		blk_str(ob, ", PathArg: ", v->path_arg);
	if (v->family) {
		OB_LIT(ob, ", Family: ");
		ob_str(ob, v->family);
		blk_str(ob, ", Addr: ", v->addr);
		blk_num(ob, ", Port: ", v->port);
	}
	if (v->signal) {
		blk_str(ob, ", Signal: ", v->signal);
		blk_num(ob, ", TargetPid: ", v->target_pid);
	}
	ob_ch(ob, '\n');
}

/* ", Key: " before all but the first field of a line */
static void blk_key(struct out_buf *ob, bool *first, const char *key)
{
	if (!*first)
		OB_LIT(ob, ", ");
	*first = false;
	ob_str(ob, key);
}

/*
 * The process table's facts and the set-up phase, one line ("Phase: init,
 * Tty: pts/0, Entrypoint: true, ExecSession: true, ParentExe: ...,
 * ParentComm: ..., ParentHostPid: N"), only when there is one; on an exec
 * or an alert the ancestors above the parent on a second line, numbered
 * by generation ("Ancestor2Exe: ..., Ancestor2Comm: ...": 2 is the
 * grandparent).
 */
static void block_proc(struct out_buf *ob, const struct event_view *v)
{
	const struct proc *p = v->proc;
	const struct proc_ident *parent = output_parent(v);
	bool first = true;

	if (v->phase_init) {
		blk_key(ob, &first, "Phase: ");
		OB_LIT(ob, "init");
	}
	if (p && p->tty) {
		blk_key(ob, &first, "Tty: ");
		esc_value(ob, p->tty_name, ESC_BLOCK_SEP);
	}
	if (p && (p->self.flags & PROC_ENTRYPOINT)) {
		blk_key(ob, &first, "Entrypoint: ");
		OB_LIT(ob, "true");
	}
	if (p && (p->self.flags & PROC_EXEC_SESSION)) {
		blk_key(ob, &first, "ExecSession: ");
		OB_LIT(ob, "true");
	}
	if (parent) {
		if (parent->exe && parent->exe[0]) {
			blk_key(ob, &first, "ParentExe: ");
			esc_value(ob, parent->exe, ESC_BLOCK_SEP);
		}
		if (parent->comm[0]) {
			blk_key(ob, &first, "ParentComm: ");
			esc_value(ob, parent->comm, ESC_BLOCK_SEP);
		}
		blk_key(ob, &first, "ParentHostPid: ");
		ob_int(ob, parent->host_pid);
	}
	if (!first)
		ob_ch(ob, '\n');
	if (!output_wants_ancestors(v))
		return;
	for (int i = 1; i < p->n_anc && i < PROC_ANCESTORS; i++) {
		char key[32];

		snprintf(key, sizeof(key), "%sAncestor%dExe: ", i > 1 ? ", " : "", i + 1);
		blk_str(ob, key, p->anc[i].exe);
		snprintf(key, sizeof(key), ", Ancestor%dComm: ", i + 1);
		blk_str(ob, key, p->anc[i].comm);
	}
	ob_ch(ob, '\n');
}

static void block_alert(struct out_buf *ob, const struct event_view *v)
{
	const struct alert *a = v->alert;

	blk_str(ob, "Alert: ", a->rule);
	OB_LIT(ob, ", Priority: ");
	ob_str(ob, a->priority);
	OB_LIT(ob, ", Action: ");
	ob_str(ob, a->action);
	OB_LIT(ob, ", Outcome: ");
	ob_str(ob, a->outcome);
	if (v->container_age_ns >= 0) {
		OB_LIT(ob, ", ContainerAge: ");
		ob_secs3(ob, v->container_age_ns);
		ob_ch(ob, 's');
	}
	blk_str(ob, "\nMessage: ", a->message);
	ob_ch(ob, '\n');
}

static void block_ids(struct out_buf *ob, const struct cactus_event *e)
{
	blk_num(ob, "PidId: ", e->pid_ns);
	blk_num(ob, ", MntId: ", e->mnt_ns);
	blk_num(ob, "\nHostPpid: ", e->host_ppid);
	blk_num(ob, ", HostPid: ", e->host_pid);
	blk_num(ob, ", Pid: ", e->pid);
	blk_num(ob, ", Uid: ", e->uid);
	ob_ch(ob, '\n');
}

void output_block(struct out_buf *ob, const struct event_view *v)
{
	const struct cactus_event *e = v->e;
	const struct container *c = v->c;

	OB_LIT(ob, "Time: ");
	ob_str(ob, v->time);
	blk_str(ob, "\nContainerName: ", output_container_label(c));
	blk_str(ob, ", Namespace: ", c && c->k8s_namespace[0] ? c->k8s_namespace : "-");
	ob_ch(ob, '\n');
	block_ids(ob, e);
	OB_LIT(ob, "Syscall: sys_");
	ob_str(ob, v->sc ? v->sc->name : "?");
	OB_LIT(ob, ", EventType: ");
	ob_str(ob, v->sc ? cactus_category_name(v->sc->category) : "?");
	if (e->flags & EF_NO_EXIT)
		OB_LIT(ob, ", Ret: -");
	else
		blk_num(ob, ", Ret: ", e->ret);
	ob_ch(ob, '\n');
	block_details(ob, v);
	block_proc(ob, v);
	if (v->alert)
		block_alert(ob, v);
	ob_ch(ob, '\n');
}
