// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The block format: the paper's Fig 12/13 "Key: value, Key: value" lines,
 * one block per event, blocks separated by a blank line. Strings from the
 * process or container metadata go through esc_value() (escape.h): no
 * newline can end the block early, no ", Key: " can pose as a field.
 */
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
	if (v->exe && event_view_is_exec(v)) {
		blk_str(ob, ", Comm: ", v->e->comm);
		blk_str(ob, ", Execfile: ", v->exe);
	} else if (v->filename[0] || v->dirname[0]) {
		blk_str(ob, ", Dirname: ", v->dirname);
		blk_str(ob, ", Filename: ", v->filename);
	}
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

static void block_alert(struct out_buf *ob, const struct alert *a)
{
	blk_str(ob, "Alert: ", a->rule);
	OB_LIT(ob, ", Priority: ");
	ob_str(ob, a->priority);
	OB_LIT(ob, ", Action: ");
	ob_str(ob, a->action);
	OB_LIT(ob, ", Outcome: ");
	ob_str(ob, a->outcome);
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
	if (v->alert)
		block_alert(ob, v->alert);
	ob_ch(ob, '\n');
}
