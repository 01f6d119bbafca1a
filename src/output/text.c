// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Human formats: one line per event (text), and the paper's blocks. */
#include <string.h>
#include "output.h"

int output_format_parse(const char *name)
{
	if (!strcmp(name, "text"))
		return OUT_TEXT;
	if (!strcmp(name, "json"))
		return OUT_JSON;
	if (!strcmp(name, "block"))
		return OUT_BLOCK;
	return -1;
}

static const char *container_label(const struct container *c)
{
	if (!c || !c->id[0])
		return "-";
	return c->name[0] ? c->name : c->id;
}

static void text_details(FILE *f, const struct event_view *v)
{
	if (v->exe) {
		fprintf(f, " exe=%s argv=[", v->exe);
		for (int i = 0; i < v->argc; i++)
			fprintf(f, "%s%s", i ? " " : "", v->argv[i]);
		fputc(']', f);
	} else if (v->filename[0] || v->dirname[0]) {
		fprintf(f, " dirname=%s filename=%s", v->dirname, v->filename);
	}
	if (v->path2)
		fprintf(f, " path2=%s", v->path2);
	if (v->flags[0])
		fprintf(f, " flags=%s", v->flags);
	if (v->family)
		fprintf(f, " %s addr=%s port=%d", v->family, v->addr, v->port);
	if (v->signal)
		fprintf(f, " signal=%s target_pid=%ld", v->signal, v->target_pid);
}

void output_text(FILE *f, const struct event_view *v)
{
	const struct cactus_event *e = v->e;

	fprintf(f, "%s %s pid=%u(host %u) ppid=%u(host %u) uid=%u %s %s [%s/%s]", v->time,
		container_label(v->c), e->pid, e->host_pid, e->ppid, e->host_ppid, e->uid,
		e->comm, v->sc ? v->sc->name : "?",
		v->sc ? cactus_category_name(v->sc->category) : "?",
		v->sc ? v->sc->activity : "?");
	if (e->flags & EF_NO_EXIT)
		fputs(" ret=-", f);
	else
		fprintf(f, " ret=%lld", (long long)e->ret);
	text_details(f, v);
	if (v->alert)
		fprintf(f, " ALERT[%s %s %s: %s] %s", v->alert->rule, v->alert->priority,
			v->alert->action, v->alert->outcome, v->alert->message);
	fputc('\n', f);
}

static void block_details(FILE *f, const struct event_view *v)
{
	const struct cactus_event *e = v->e;

	fprintf(f, "Activity: %s", v->sc ? v->sc->activity : "?");
	if (v->exe)
		fprintf(f, ", Comm: %s, Execfile: %s", e->comm, v->exe);
	else if (v->filename[0] || v->dirname[0])
		fprintf(f, ", Dirname: %s, Filename: %s", v->dirname, v->filename);
	if (v->family)
		fprintf(f, ", Family: %s, Addr: %s, Port: %d", v->family, v->addr, v->port);
	if (v->signal)
		fprintf(f, ", Signal: %s, TargetPid: %ld", v->signal, v->target_pid);
	fputc('\n', f);
}

void output_block(FILE *f, const struct event_view *v)
{
	const struct cactus_event *e = v->e;
	const struct container *c = v->c;

	fprintf(f, "Time: %s\n", v->time);
	fprintf(f, "ContainerName: %s, Namespace: %s\n", container_label(c),
		c && c->k8s_namespace[0] ? c->k8s_namespace : "-");
	fprintf(f, "PidId: %u, MntId: %u\n", e->pid_ns, e->mnt_ns);
	fprintf(f, "HostPpid: %u, HostPid: %u, Pid: %u, Uid: %u\n", e->host_ppid, e->host_pid,
		e->pid, e->uid);
	fprintf(f, "Syscall: sys_%s, EventType: %s, Ret: ", v->sc ? v->sc->name : "?",
		v->sc ? cactus_category_name(v->sc->category) : "?");
	if (e->flags & EF_NO_EXIT)
		fputs("-\n", f);
	else
		fprintf(f, "%lld\n", (long long)e->ret);
	block_details(f, v);
	if (v->alert)
		fprintf(f, "Alert: %s, Priority: %s, Action: %s, Outcome: %s\nMessage: %s\n",
			v->alert->rule, v->alert->priority, v->alert->action, v->alert->outcome,
			v->alert->message);
	fputc('\n', f);
}

void output_event(FILE *f, enum output_format fmt, const struct event_view *v)
{
	switch (fmt) {
	case OUT_JSON:
		output_json(f, v);
		break;
	case OUT_BLOCK:
		output_block(f, v);
		break;
	default:
		output_text(f, v);
	}
}
