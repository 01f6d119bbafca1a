// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * One record from the ring: join it with its container, match the rules,
 * print it. The join only reads and learns through the registry; what the
 * kernel must know about a container reaches it through sync.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "log.h"
#include "monitor/agent.h"
#include "monitor/fold.h"
#include "output/output.h"
#include "procs/procs.h"

_Static_assert(CAT_COUNT <= sizeof(((struct container_totals *)0)->per_category) /
	       sizeof(uint64_t), "container_totals.per_category holds every category");

/* The first write error stops the monitor (run.c); later records are not
 * rendered at all. */
static void wrote(struct monitor *m, int err)
{
	if (err && !m->out_err)
		m->out_err = err;
}

/* The record's container (NULL: none claims it). The last answer is kept
 * while the registry has not changed. */
static struct container *join(struct monitor *m, const struct cactus_event *e)
{
	struct ns_key pair = { .pid_ns = e->pid_ns, .mnt_ns = e->mnt_ns };
	struct container_key key = {
		.cgroup_id = e->cgroup_id, .pid_ns = e->pid_ns, .mnt_ns = e->mnt_ns,
		.host_pid = (int)e->host_pid, .is_init = e->pid == 1,
		.names = event_str(e, STR_CGROUP),
	};
	struct container *c;

	if (m->last_valid && m->last_cg == e->cgroup_id &&
	    m->last_gen == containers__generation(m->cs) &&
	    !memcmp(&pair, &m->last_pair, sizeof(pair)))
		return m->last_c;
	c = containers__join(m->cs, &key);
	m->last_cg = e->cgroup_id;
	m->last_pair = pair;
	m->last_gen = containers__generation(m->cs);
	m->last_c = c;
	m->last_valid = true;
	return c;
}

void pipeline_lifecycle(struct monitor *m, const struct container *c, bool start)
{
	struct timespec ts;
	char time[48];

	if (m->out_err || m->opts->alerts_only || !filter_passes(m->opts, c))
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	format_rfc3339((int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec, time, sizeof(time));
	if (!output_lifecycle(m->out, m->opts->format, c, start, time))
		m->n.lifecycle++;
	else
		wrote(m, out_stream__error(m->out) ?: -ENOMEM);
}

void pipeline_repeat(void *ctx, const struct repeat_view *r)
{
	struct monitor *m = ctx;

	if (m->out_err || (r->c && !filter_passes(m->opts, r->c)))
		return;
	if (output_repeat(m->out, m->opts->format, r))
		wrote(m, out_stream__error(m->out) ?: -ENOMEM);
	else
		m->n.lifecycle++;
}

void pipeline_gap(struct monitor *m, uint64_t cg, const struct kernel_gap *k)
{
	struct container *c = containers__by_cgroup(m->cs, cg);
	char t0[48], t1[48];
	struct gap_view g = { .c = c, .time = t0, .time_end = t1, .lost = k->lost,
			      .cats = k->cats, .cause = k->cause };

	m->n.gaps++;
	if (m->out_err || (c && !filter_passes(m->opts, c)))
		return;
	format_rfc3339((int64_t)k->first + m->boot_to_real_ns, t0, sizeof(t0));
	format_rfc3339((int64_t)k->last + m->boot_to_real_ns, t1, sizeof(t1));
	if (output_gap(m->out, m->opts->format, &g))
		wrote(m, out_stream__error(m->out) ?: -ENOMEM);
	else
		m->n.lifecycle++;
}

/* What the kernel says about a container's end (lifecycle.h) and its
 * losses (capture.h). */
static void lifecycle_record(struct monitor *m, const struct cactus_event *e)
{
	struct kernel_gap gap;

	switch (e->type) {
	case REC_INIT_EXIT:
		containers__init_exit(m->cs, e->cgroup_id, e->pid_ns, e->mnt_ns, (int)e->ret);
		break;
	case REC_CGROUP_RMDIR:
		containers__cgroup_gone(m->cs, e->cgroup_id);
		break;
	case REC_GAP:
		gap = (struct kernel_gap){ .first = e->ts_boot_ns, .last = e->args[GAP_LAST_TS],
					   .lost = (__u32)e->args[GAP_LOST],
					   .cats = (__u32)e->args[GAP_CATS],
					   .cause = (__u32)e->args[GAP_CAUSE] };
		pipeline_gap(m, e->cgroup_id, &gap);
		break;
	}
}

/* Prints the event once per rule it matches (with the alert), or once
 * plain when it matches none; counts it for its container. */
static void print_event(struct monitor *m, struct container *c)
{
	const struct cactus_event *e = m->view.e;
	bool shown = m->opts->traced[e->syscall_nr & (CACTUS_MAX_SYSCALLS - 1)];
	size_t n = 0;
	const uint32_t *cand = m->rules ? rules__candidate_ids(m->rules, e->syscall_nr, &n) : NULL;
	char message[512];
	bool alerted = false;

	if (n)
		rule_input_init(&m->rule_in, &m->view);
	for (size_t i = 0; i < n; i++) {
		const struct rule *r = rules__get(m->rules, cand ? cand[i] : i);
		struct alert a;

		if (!rule_matches_input(r, &m->rule_in))
			continue;
		rule_render(r, &m->view, message, sizeof(message));
		a = (struct alert){
			.rule = rule_name(r),
			.priority = rule_priority_name(rule_priority(r)),
			.action = rule_action_name(rule_action(r)),
			.outcome = enforce__outcome(m->enforce, r, e),
			.message = message,
		};
		if (c) {
			c->totals.alerts++;
			c->totals.denies += a.outcome == OUTCOME_DENIED;
		}
		m->n.alerts++;
		/* every match counts in the metrics, a repeat too */
		telemetry_alert(m, &a);
		/* a repeat within the window: counted, told later (fold.c) */
		if (fold_alert(m->fold, c, &a, (int64_t)e->ts_boot_ns + m->boot_to_real_ns)) {
			m->n.folded++;
			continue;
		}
		m->view.alert = &a;
		deliver_alert(m, &a, &m->view);
		wrote(m, output_write(m->out, m->opts->format, &m->view));
		m->view.alert = NULL;
		alerted = true;
	}
	/* a syscall traced only for enforcement is shown when it alerts */
	if (!alerted && shown && !m->opts->alerts_only)
		wrote(m, output_write(m->out, m->opts->format, &m->view));
	if (alerted || (shown && !m->opts->alerts_only))
		m->n.printed++;
}

static bool is_proc_record(const struct cactus_event *e)
{
	return e->type == REC_PROC_FORK || e->type == REC_PROC_EXEC || e->type == REC_PROC_EXIT;
}

/* The calling process (its exe: the file it actually executed, not
 * argv[0]) and the container's age at the event. */
static void view_process(struct monitor *m, const struct container *c)
{
	struct event_view *v = &m->view;
	const struct cactus_event *e = v->e;
	const struct proc *p = procs__get(m->procs, e->host_pid);

	v->proc = p;
	/* a protected file opened under another name (a hard link): the rules
	 * judge the protected path; the name used is kept beside it */
	if ((e->flags & EF_RESOLVED) && e->file_ino) {
		const char *prot = protect_lookup(m, e->file_dev, e->file_ino);
		const char *used = event_str(e, STR_PATH);

		if (prot && used && strcmp(prot, used)) {
			path_split(NULL, prot, v->dirname, sizeof(v->dirname), v->filename,
				   sizeof(v->filename));
			v->path_arg = used;
		}
	}
	/* a failed exec keeps the name it tried as exe */
	if (p && p->self.exe[0] && !(v->sc && v->sc->kind == CK_EXEC && e->ret < 0))
		v->exe = p->self.exe;
	if (c && c->init_start && m->ns_per_tick)
		v->container_age_ns = (int64_t)e->ts_boot_ns -
				      (int64_t)(c->init_start * m->ns_per_tick);
}

void pipeline_emit(struct monitor *m, const struct cactus_event *e, struct container *c)
{
	if (is_proc_record(e)) {
		procs__record(m->procs, e);
		return;
	}
	if (!filter_passes(m->opts, c)) {
		m->n.filtered++;
		return;
	}
	event_view_init(&m->view, e, c, m->boot_to_real_ns);
	view_process(m, c);
	if (!c) {
		m->n.no_container++;
		log_debug("no container for cgroup %llu (%s), pid_ns %u mnt_ns %u, %s",
			  (unsigned long long)e->cgroup_id, event_str(e, STR_CGROUP) ?: "known",
			  e->pid_ns, e->mnt_ns, e->comm);
	} else if (!c->name[0]) {
		m->n.unnamed++;
	}
	if (m->view.sc) {
		m->n.per_category[m->view.sc->category]++;
		if (c)
			c->totals.per_category[m->view.sc->category]++;
	}
	if (c) {
		c->totals.events++;
		c->totals.kills += !!(e->flags & EF_KILLED);
	}
	print_event(m, c);
}

/* ---- containers whose name is not known yet (hold.c) ---- */

#define HOLD_MAX_BYTES (8u << 20)

static void release(struct monitor *m, struct held *h)
{
	struct container *c = held_container(h);
	size_t size;
	void *r;

	if (!container_complete(c)) {
		m->n.unnamed_released++;
		log_debug("container %s released incomplete: name '%s' image '%s' init %d",
			  c->id, c->name, c->image, c->init_pid);
	}
	pipeline_lifecycle(m, c, true);
	while ((r = held_pop(h, &size))) {
		pipeline_emit(m, r, c);
		free(r);
	}
	held_free(h);
}

void pipeline_release(struct monitor *m, const struct container *c)
{
	struct held *h = hold_take(m, c);

	if (h)
		release(m, h);
}

void pipeline_release_due(struct monitor *m, bool all)
{
	struct held *h;

	while ((h = hold_take_due(m, all)))
		release(m, h);
}

/* Held when its container's name is not known yet; false: print it now. */
static bool held(struct monitor *m, struct container *c, const void *data, size_t size)
{
	struct held *h;

	if (!hold_active(m, c))
		return false;
	/* bounded: the oldest held container's records go out first */
	while (m->held_bytes + size > HOLD_MAX_BYTES && (h = hold_take_oldest(m)))
		release(m, h);
	return !hold_record(m, c, data, size);
}

int pipeline_record(void *ctx, void *data, size_t size)
{
	struct monitor *m = ctx;
	const struct cactus_event *e = data;
	struct container *c;

	if (size < CACTUS_EVENT_HDR_SIZE || e->data_len > size - CACTUS_EVENT_HDR_SIZE) {
		m->n.malformed++;
		return 0;
	}
	/* the reader is gone or the disk full: stop consuming (run.c ends) */
	if (m->out_err)
		return m->out_err;
	if (e->type != REC_SYSCALL && !is_proc_record(e)) {
		lifecycle_record(m, e);
		return 0;
	}
	if (e->type == REC_SYSCALL) {
		m->n.seen++;
		telemetry_record(m, e);
	}
	c = join(m, e);
	if (held(m, c, data, CACTUS_EVENT_HDR_SIZE + e->data_len))
		return 0;
	pipeline_emit(m, e, c);
	return 0;
}
