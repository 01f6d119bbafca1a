// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The compiled rule set: accessors, priority and action names, free. */
#include <stdlib.h>
#include <strings.h>
#include "rules_internal.h"

static const char *const prio_names[] = {
	[PRIO_CRITICAL] = "critical", [PRIO_HIGH] = "high", [PRIO_MEDIUM] = "medium",
	[PRIO_LOW] = "low", [PRIO_INFO] = "info",
};
static const char *const action_names[] = {
	[ACT_ALERT] = "alert", [ACT_KILL] = "kill", [ACT_DENY] = "deny",
};

static int parse_name(const char *s, const char *const *names, size_t n)
{
	for (size_t i = 0; s && i < n; i++) {
		if (!strcasecmp(s, names[i]))
			return (int)i;
	}
	return -1;
}

int rule_priority_parse(const char *s)
{
	return parse_name(s, prio_names, sizeof(prio_names) / sizeof(prio_names[0]));
}

int rule_action_parse(const char *s)
{
	return parse_name(s, action_names, sizeof(action_names) / sizeof(action_names[0]));
}

void rules__free(struct rule_set *rs)
{
	if (!rs)
		return;
	free(rs->r);
	free(rs->cand);
	ar_free(&rs->ar);
	free(rs);
}

size_t rules__count(const struct rule_set *rs)
{
	return rs ? rs->n : 0;
}

const struct rule *rules__get(const struct rule_set *rs, size_t i)
{
	return rs && i < rs->n ? rs->r[i] : NULL;
}

const char *rule_name(const struct rule *r)
{
	return r->name;
}

const char *rule_description(const struct rule *r)
{
	return r->description;
}

enum rule_priority rule_priority(const struct rule *r)
{
	return r->priority;
}

enum rule_action rule_action(const struct rule *r)
{
	return r->action;
}

const char *rule_priority_name(enum rule_priority p)
{
	return (unsigned)p <= PRIO_INFO ? prio_names[p] : "?";
}

const char *rule_action_name(enum rule_action a)
{
	return (unsigned)a <= ACT_DENY ? action_names[a] : "?";
}

const char *rule_file(const struct rule *r)
{
	return r->file;
}

int rule_line(const struct rule *r)
{
	return r->line;
}

void rules__exact_paths(const struct rule_set *rs, void (*fn)(void *ctx, const char *path),
			void *ctx)
{
	for (size_t i = 0; rs && i < rs->n; i++) {
		const struct match *m = &rs->r[i]->m;

		for (size_t c = 0; c < m->n; c++) {
			const struct cond *cd = &m->c[c];

			if (cd->field != F_PATH || cd->op != OP_EXACT)
				continue;
			for (uint32_t v = 0; v < cd->n; v++) {
				if (cd->s[v].s[0] == '/')
					fn(ctx, cd->s[v].s);
			}
		}
	}
}
