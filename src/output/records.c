// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Records about containers, in the stream beside the events: one when a
 * container starts (or is found running when cactus starts: "existing"),
 * one when it ends, with its exit status and what cactus counted for it, and
 * one when it lost records (a gap: how many, of which categories, when),
 * and the count of an alert repeated within a window (fold.c).
 * Same escaping as the events (escape.h, json.c).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include "event/view.h"
#include "output/escape.h"
#include "output/output.h"
#include "cactus/event.h"
#include "syscalls.h"

/* A wait status: the exit code, or the signal that killed it. */
static void exit_of(const struct container *c, int *code, const char **sig, char *buf,
		    size_t len)
{
	*code = -1;
	*sig = NULL;
	if (c->exit_code < 0)
		return;
	if (c->exit_code & 0x7f)
		*sig = signal_name(c->exit_code & 0x7f, buf, len);
	else
		*code = (c->exit_code >> 8) & 0xff;
}

static void json_totals(struct out_buf *ob, const struct container *c)
{
	const struct container_totals *t = &c->totals;
	bool first = true;

	OB_LIT(ob, ",\"events\":");
	ob_int(ob, (int64_t)t->events);
	OB_LIT(ob, ",\"drops\":");
	ob_int(ob, (int64_t)t->drops);
	OB_LIT(ob, ",\"alerts\":");
	ob_int(ob, (int64_t)t->alerts);
	OB_LIT(ob, ",\"kills\":");
	ob_int(ob, (int64_t)t->kills);
	OB_LIT(ob, ",\"denies\":");
	ob_int(ob, (int64_t)t->denies);
	OB_LIT(ob, ",\"per_category\":{");
	for (int i = 0; i < CAT_COUNT; i++) {
		if (!t->per_category[i])
			continue;
		if (!first)
			ob_ch(ob, ',');
		first = false;
		ob_ch(ob, '"');
		ob_str(ob, cactus_category_name(i));
		OB_LIT(ob, "\":");
		ob_int(ob, (int64_t)t->per_category[i]);
	}
	ob_ch(ob, '}');
}

/* The kernel's count of each syscall (ok, failed) and their sums. */
static void syscalls_sum(const struct container *c, uint64_t *ok, uint64_t *err)
{
	const struct syscall_counts *n = c->totals.syscalls;

	*ok = *err = 0;
	for (size_t i = 0; n && i < cactus_syscalls_count; i++) {
		*ok += n->n[i][COUNT_OK];
		*err += n->n[i][COUNT_ERR];
	}
}

/* ,"syscalls":{"openat":{"ok":N,"error":M},...} in the table's order, the
 * syscalls it made only; then the sums. */
static void json_syscalls(struct out_buf *ob, const struct container *c)
{
	const struct syscall_counts *n = c->totals.syscalls;
	uint64_t ok, err;
	bool first = true;

	OB_LIT(ob, ",\"syscalls\":{");
	for (size_t i = 0; n && i < cactus_syscalls_count; i++) {
		if (!n->n[i][COUNT_OK] && !n->n[i][COUNT_ERR])
			continue;
		if (!first)
			ob_ch(ob, ',');
		first = false;
		ob_ch(ob, '"');
		ob_str(ob, cactus_syscalls[i].name);
		OB_LIT(ob, "\":{\"ok\":");
		ob_int(ob, (int64_t)n->n[i][COUNT_OK]);
		OB_LIT(ob, ",\"error\":");
		ob_int(ob, (int64_t)n->n[i][COUNT_ERR]);
		ob_ch(ob, '}');
	}
	ob_ch(ob, '}');
	syscalls_sum(c, &ok, &err);
	OB_LIT(ob, ",\"syscalls_total\":");
	ob_int(ob, (int64_t)(ok + err));
	OB_LIT(ob, ",\"syscalls_failed\":");
	ob_int(ob, (int64_t)err);
}

static void json_lifecycle(struct out_buf *ob, const struct container *c, bool start,
			   const char *time)
{
	char sigbuf[24];
	const char *sig;
	int code;

	OB_LIT(ob, "{\"type\":");
	ob_str(ob, start ? "\"container_start\"" : "\"container_end\"");
	json_kv_str(ob, "time", time);
	json_container(ob, c);
	ob_str(ob, c->k8s_sandbox ? ",\"k8s_sandbox\":true" : ",\"k8s_sandbox\":false");
	ob_str(ob, c->existing ? ",\"existing\":true" : ",\"existing\":false");
	OB_LIT(ob, ",\"init_pid\":");
	ob_int(ob, c->init_pid);
	OB_LIT(ob, ",\"pid_ns\":");
	ob_int(ob, c->pid_ns);
	OB_LIT(ob, ",\"mnt_ns\":");
	ob_int(ob, c->mnt_ns);
	json_kv_str(ob, "cgroup", c->cgroup);
	OB_LIT(ob, ",\"cgroup_id\":");
	ob_int(ob, (int64_t)c->cgroup_id);
	if (!start) {
		exit_of(c, &code, &sig, sigbuf, sizeof(sigbuf));
		OB_LIT(ob, ",\"exit_code\":");
		if (code >= 0)
			ob_int(ob, code);
		else
			OB_LIT(ob, "null");
		if (sig)
			json_kv_str(ob, "exit_signal", sig);
		else
			OB_LIT(ob, ",\"exit_signal\":null");
		json_totals(ob, c);
		json_syscalls(ob, c);
	}
	OB_LIT(ob, "}\n");
}

static void kv(struct out_buf *ob, const char *sep, const char *key, const char *val,
	       const char *esc)
{
	ob_str(ob, sep);
	ob_str(ob, key);
	esc_value(ob, val, esc);
}

static void num(struct out_buf *ob, const char *sep, const char *key, int64_t n)
{
	ob_str(ob, sep);
	ob_str(ob, key);
	ob_int(ob, n);
}

/* text: one line; block: "Key: value" lines and a blank line. */
static void human_lifecycle(struct out_buf *ob, const struct container *c, bool start,
			    const char *time, bool block)
{
	const char *esc = block ? ESC_BLOCK_SEP : ESC_TEXT_SEP;
	const char *sep = block ? ", " : " ", *nl = block ? "\n" : " ";
	uint64_t ok, err;
	char sigbuf[24];
	const char *sig;
	int code;

	if (block) {
		kv(ob, "", "Time: ", time, esc);
		ob_str(ob, start ? "\nRecord: container start\n" : "\nRecord: container end\n");
	} else {
		ob_str(ob, time);
		ob_str(ob, start ? " container_start" : " container_end");
	}
	kv(ob, block ? "" : " ", block ? "ContainerName: " : "name=", c->name, esc);
	kv(ob, sep, block ? "ContainerId: " : "id=", c->id, esc);
	kv(ob, sep, block ? "Image: " : "image=", c->image, esc);
	kv(ob, sep, block ? "Runtime: " : "runtime=", c->runtime, esc);
	kv(ob, nl, block ? "Namespace: " : "k8s_namespace=", c->k8s_namespace, esc);
	kv(ob, sep, block ? "Pod: " : "k8s_pod=", c->k8s_pod, esc);
	kv(ob, sep, block ? "PodUid: " : "k8s_pod_uid=", c->k8s_pod_uid, esc);
	kv(ob, sep, block ? "K8sContainer: " : "k8s_container=", c->k8s_container, esc);
	kv(ob, sep, block ? "Sandbox: " : "k8s_sandbox=", c->k8s_sandbox ? "yes" : "no", esc);
	num(ob, nl, block ? "InitPid: " : "init_pid=", c->init_pid);
	num(ob, sep, block ? "PidId: " : "pid_ns=", c->pid_ns);
	num(ob, sep, block ? "MntId: " : "mnt_ns=", c->mnt_ns);
	kv(ob, sep, block ? "Cgroup: " : "cgroup=", c->cgroup, esc);
	if (!start) {
		exit_of(c, &code, &sig, sigbuf, sizeof(sigbuf));
		if (sig)
			kv(ob, nl, block ? "ExitSignal: " : "exit_signal=", sig, esc);
		else if (code >= 0)
			num(ob, nl, block ? "ExitCode: " : "exit_code=", code);
		else
			kv(ob, nl, block ? "ExitCode: " : "exit_code=", "-", esc);
		num(ob, sep, block ? "Events: " : "events=", (int64_t)c->totals.events);
		num(ob, sep, block ? "Drops: " : "drops=", (int64_t)c->totals.drops);
		num(ob, sep, block ? "Alerts: " : "alerts=", (int64_t)c->totals.alerts);
		num(ob, sep, block ? "Kills: " : "kills=", (int64_t)c->totals.kills);
		num(ob, sep, block ? "Denies: " : "denies=", (int64_t)c->totals.denies);
		syscalls_sum(c, &ok, &err);
		num(ob, sep, block ? "Syscalls: " : "syscalls=", (int64_t)(ok + err));
		num(ob, sep, block ? "SyscallsFailed: " : "syscalls_failed=", (int64_t)err);
	}
	ob_str(ob, block ? "\n\n" : "\n");
}

void output_lifecycle_render(struct out_buf *ob, enum output_format fmt,
			     const struct container *c, bool start, const char *time)
{
	if (fmt == OUT_JSON)
		json_lifecycle(ob, c, start, time);
	else
		human_lifecycle(ob, c, start, time, fmt == OUT_BLOCK);
}

int output_lifecycle(struct out_stream *s, enum output_format fmt, const struct container *c,
		     bool start, const char *time)
{
	char storage[4096];
	struct out_buf ob;
	int err;

	ob_init(&ob, storage, sizeof(storage));
	output_lifecycle_render(&ob, fmt, c, start, time);
	err = ob.oom ? -ENOMEM : out_stream__write(s, ob.b, ob.len);
	ob_free(&ob);
	return err;
}

static const char *cause_name(uint32_t cause)
{
	switch (cause & (GAP_THROTTLED | GAP_RING_FULL)) {
	case GAP_THROTTLED:
		return "throttled";
	case GAP_RING_FULL:
		return "ring_full";
	case GAP_THROTTLED | GAP_RING_FULL:
		return "throttled,ring_full";
	default:
		return "unknown";
	}
}

/* The categories of @cats, comma separated (json: quoted, in brackets). */
static void categories(struct out_buf *ob, uint32_t cats, bool json)
{
	bool first = true;

	ob_ch(ob, '[');
	for (int i = 0; i < CAT_COUNT; i++) {
		if (!(cats & (1U << i)))
			continue;
		if (!first)
			ob_ch(ob, ',');
		first = false;
		if (json)
			ob_ch(ob, '"');
		ob_str(ob, cactus_category_name(i));
		if (json)
			ob_ch(ob, '"');
	}
	ob_ch(ob, ']');
}

void output_gap_render(struct out_buf *ob, enum output_format fmt, const struct gap_view *g)
{
	bool block = fmt == OUT_BLOCK;
	const char *esc = block ? ESC_BLOCK_SEP : ESC_TEXT_SEP;

	if (fmt == OUT_JSON) {
		OB_LIT(ob, "{\"type\":\"gap\"");
		json_kv_str(ob, "time", g->time);
		json_kv_str(ob, "time_end", g->time_end);
		json_container(ob, g->c);
		OB_LIT(ob, ",\"lost\":");
		ob_int(ob, (int64_t)g->lost);
		OB_LIT(ob, ",\"categories\":");
		categories(ob, g->cats, true);
		json_kv_str(ob, "cause", cause_name(g->cause));
		OB_LIT(ob, "}\n");
		return;
	}
	if (block) {
		kv(ob, "", "Time: ", g->time, esc);
		OB_LIT(ob, "\nRecord: gap\n");
	} else {
		ob_str(ob, g->time);
		OB_LIT(ob, " gap");
	}
	kv(ob, block ? "" : " ", block ? "ContainerName: " : "name=",
	   g->c ? g->c->name : "", esc);
	kv(ob, block ? ", " : " ", block ? "ContainerId: " : "id=", g->c ? g->c->id : "", esc);
	num(ob, block ? "\n" : " ", block ? "Lost: " : "lost=", (int64_t)g->lost);
	kv(ob, block ? ", " : " ", block ? "Until: " : "until=", g->time_end, esc);
	ob_str(ob, block ? ", Categories: " : " categories=");
	categories(ob, g->cats, false);
	kv(ob, block ? ", " : " ", block ? "Cause: " : "cause=", cause_name(g->cause), esc);
	ob_str(ob, block ? "\n\n" : "\n");
}

int output_gap(struct out_stream *s, enum output_format fmt, const struct gap_view *g)
{
	char storage[2048];
	struct out_buf ob;
	int err;

	ob_init(&ob, storage, sizeof(storage));
	output_gap_render(&ob, fmt, g);
	err = ob.oom ? -ENOMEM : out_stream__write(s, ob.b, ob.len);
	ob_free(&ob);
	return err;
}

void output_repeat_render(struct out_buf *ob, enum output_format fmt, const struct repeat_view *r)
{
	bool block = fmt == OUT_BLOCK;
	const char *esc = block ? ESC_BLOCK_SEP : ESC_TEXT_SEP;

	if (fmt == OUT_JSON) {
		OB_LIT(ob, "{\"type\":\"alert_repeat\"");
		json_kv_str(ob, "time", r->time);
		json_kv_str(ob, "time_first", r->time_first);
		json_container(ob, r->c);
		json_kv_str(ob, "rule", r->rule);
		json_kv_str(ob, "priority", r->priority);
		json_kv_str(ob, "message", r->message);
		OB_LIT(ob, ",\"count\":");
		ob_int(ob, (int64_t)r->count);
		OB_LIT(ob, "}\n");
		return;
	}
	if (block) {
		kv(ob, "", "Time: ", r->time, esc);
		OB_LIT(ob, "\nRecord: alert repeat\n");
	} else {
		ob_str(ob, r->time);
		OB_LIT(ob, " alert_repeat");
	}
	kv(ob, block ? "" : " ", block ? "ContainerName: " : "name=", r->c ? r->c->name : "", esc);
	kv(ob, block ? ", " : " ", block ? "ContainerId: " : "id=", r->c ? r->c->id : "", esc);
	kv(ob, block ? "\n" : " ", block ? "Rule: " : "rule=", r->rule, esc);
	kv(ob, block ? ", " : " ", block ? "Priority: " : "priority=", r->priority, esc);
	num(ob, block ? ", " : " ", block ? "Count: " : "count=", (int64_t)r->count);
	kv(ob, block ? ", " : " ", block ? "First: " : "first=", r->time_first, esc);
	kv(ob, block ? "\n" : " ", block ? "Message: " : "message=", r->message, esc);
	ob_str(ob, block ? "\n\n" : "\n");
}

int output_repeat(struct out_stream *s, enum output_format fmt, const struct repeat_view *r)
{
	char storage[2048];
	struct out_buf ob;
	int err;

	ob_init(&ob, storage, sizeof(storage));
	output_repeat_render(&ob, fmt, r);
	err = ob.oom ? -ENOMEM : out_stream__write(s, ob.b, ob.len);
	ob_free(&ob);
	return err;
}
