// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * One record from the ring: join it with its container, match the rules,
 * print it. The join only reads and learns through the registry; what the
 * kernel must know about a container reaches it through sync.c.
 */
#include <stdio.h>
#include <string.h>
#include "monitor/internal.h"
#include "output/output.h"

/* The record's container, and whether it passes the filter. */
static const struct container *join(struct monitor *m, const struct cactus_event *e, bool *pass)
{
	struct ns_key key = { .pid_ns = e->pid_ns, .mnt_ns = e->mnt_ns };
	const struct container *c;

	if (m->last_c && !memcmp(&key, &m->last_key, sizeof(key))) {
		*pass = m->last_pass;
		return m->last_c;
	}
	c = containers__by_ns(m->cs, key.pid_ns, key.mnt_ns);
	if (!c)
		c = containers__resolve(m->cs, key.pid_ns, key.mnt_ns, (int)e->host_pid,
					event_str(e, STR_CGROUP));
	m->last_key = key;
	m->last_c = c;
	m->last_pass = filter_passes(m->opts, c);
	*pass = m->last_pass;
	return c;
}

/* Prints the event once per rule it matches (with the alert), or once
 * plain when it matches none. */
static void print_event(struct monitor *m)
{
	const struct cactus_event *e = m->view.e;
	bool shown = m->opts->traced[e->syscall_nr & (CACTUS_MAX_SYSCALLS - 1)];
	size_t n = 0;
	const uint16_t *cand = m->rules ? rules__candidates(m->rules, e->syscall_nr, &n) : NULL;
	char message[512];
	bool alerted = false;

	for (size_t i = 0; i < n; i++) {
		const struct rule *r = rules__get(m->rules, cand ? cand[i] : i);
		struct alert a;

		if (!rule_matches(r, &m->view))
			continue;
		rule_render(r, &m->view, message, sizeof(message));
		a = (struct alert){
			.rule = rule_name(r),
			.priority = rule_priority_name(rule_priority(r)),
			.action = rule_action_name(rule_action(r)),
			.outcome = enforce__outcome(m->enforce, r, e),
			.message = message,
		};
		m->view.alert = &a;
		output_event(stdout, m->opts->format, &m->view);
		m->view.alert = NULL;
		m->n.alerts++;
		alerted = true;
	}
	/* a syscall traced only for enforcement is shown when it alerts */
	if (!alerted && shown && !m->opts->alerts_only)
		output_event(stdout, m->opts->format, &m->view);
	if (alerted || (shown && !m->opts->alerts_only))
		m->n.printed++;
}

int pipeline_record(void *ctx, void *data, size_t size)
{
	struct monitor *m = ctx;
	const struct cactus_event *e = data;
	const struct container *c;
	bool pass;

	if (size < CACTUS_EVENT_HDR_SIZE || e->data_len > size - CACTUS_EVENT_HDR_SIZE) {
		m->n.malformed++;
		return 0;
	}
	m->n.seen++;
	c = join(m, e, &pass);
	if (!pass) {
		m->n.filtered++;
		return 0;
	}
	event_view_init(&m->view, e, c, m->boot_to_real_ns);
	if (m->view.sc)
		m->n.per_category[m->view.sc->category]++;
	print_event(m);
	return 0;
}
