// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Pass 2 for one registered rule: its keys (description, priority, action,
 * output, match, except) into a compiled struct rule, added to the set if
 * it has no error; a kill/deny rule must be one the kernel can evaluate.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "rules_loader.h"

#define DEFAULT_OUTPUT "%rule: %syscall by %comm (pid %pid) in %container_name"

static const char *rule_text(const struct ysrc *src, yaml_node_t *v, const char *key)
{
	const char *s = yscalar(v);

	if (!s) {
		yerr(src, v, "'%s' must be a string", key);
		return NULL;
	}
	return ar_strdup(&src->L->rs->ar, s);
}

static int rule_enum(const struct ysrc *src, yaml_node_t *v, const char *what,
		     int (*parse)(const char *))
{
	int i = yscalar(v) ? parse(yscalar(v)) : -1;

	if (i < 0)
		yerr(src, v, "bad %s '%s'", what, yscalar(v) ? yscalar(v) : "");
	return i;
}

static int rule_excepts(const struct ysrc *src, yaml_node_t *v, struct rule *r)
{
	size_t n;
	int rc = 0;

	if (v->type != YAML_SEQUENCE_NODE) {
		yerr(src, v, "'except' must be a list of match blocks");
		return -EINVAL;
	}
	n = v->data.sequence.items.top - v->data.sequence.items.start;
	if (n > RULES_MAX_EXCEPTS) {
		yerr(src, v, "more than %d except blocks", RULES_MAX_EXCEPTS);
		return -EINVAL;
	}
	r->exc = ar_alloc(&src->L->rs->ar, (n ? n : 1) * sizeof(*r->exc));
	if (!r->exc)
		return -ENOMEM;
	yseq_for_each(v, it) {
		if (compile_match(src, yaml_document_get_node(src->doc, *it), &r->exc[r->n_exc++]))
			rc = -EINVAL;
	}
	return rc;
}

static int rule_key(const struct ysrc *src, const char *k, yaml_node_t *v, struct rule *r)
{
	int i;

	if (!strcmp(k, "rule"))
		return 0;
	if (!strcmp(k, "description"))
		return (r->description = rule_text(src, v, k)) ? 0 : -EINVAL;
	if (!strcmp(k, "output"))
		return (r->output = rule_text(src, v, k)) ? 0 : -EINVAL;
	if (!strcmp(k, "match"))
		return compile_match(src, v, &r->m);
	if (!strcmp(k, "except"))
		return rule_excepts(src, v, r);
	if (!strcmp(k, "priority")) {
		i = rule_enum(src, v, "priority (critical, high, medium, low, info)",
			      rule_priority_parse);
		r->priority = i < 0 ? PRIO_MEDIUM : i;
		return i < 0 ? -EINVAL : 0;
	}
	if (!strcmp(k, "action")) {
		i = rule_enum(src, v, "action (alert, kill, deny)", rule_action_parse);
		r->action = i < 0 ? ACT_ALERT : i;
		r->action_line = yline(v);
		return i < 0 ? -EINVAL : 0;
	}
	return -ENOENT;
}

static int rule_keys(const struct ysrc *src, yaml_node_t *item, struct rule *r)
{
	int rc = 0;

	ymap_for_each(item, p) {
		yaml_node_t *k = yaml_document_get_node(src->doc, p->key);
		const char *ks = yscalar(k) ? yscalar(k) : "";
		int err = rule_key(src, ks, yaml_document_get_node(src->doc, p->value), r);

		if (err == -ENOENT)
			yerr(src, k, "unknown key '%s' in rule '%s'", ks, r->name);
		if (err)
			rc = err;
	}
	return rc;
}

static int check_kernel(const struct ysrc *src, struct rule *r)
{
	struct kernel_spec *ks;
	char why[200];
	int rc;

	if (r->action == ACT_ALERT)
		return 0;
	ks = malloc(sizeof(*ks));
	if (!ks)
		return -ENOMEM;
	rc = rules__kernel_spec(r, ks, why, sizeof(why));
	free(ks);
	if (rc)
		rule_err(src->L->errs, src->file, r->action_line,
			 "rule '%s': action %s needs a match the kernel can evaluate: %s",
			 r->name, rule_action_name(r->action), why);
	return rc;
}

static int add_to_set(struct loader *L, struct rule *r)
{
	struct rule_set *rs = L->rs;

	if (grow_array(&rs->r, &L->cap_set, rs->n, sizeof(*rs->r)))
		return -ENOMEM;
	rs->r[rs->n++] = r;
	return 0;
}

void compile_rule(struct loader *L, const struct pending *p)
{
	struct ysrc src = { .L = L, .file = p->file, .doc = p->doc };
	yaml_node_t *name = ymap_get(p->doc, p->node, "rule");
	struct rule *r = ar_alloc(&L->rs->ar, sizeof(*r));

	if (!r) {
		yerr(&src, p->node, "out of memory");
		return;
	}
	r->name = ar_strdup(&L->rs->ar, yscalar(name));
	r->file = p->file;
	r->line = yline(name);
	r->action_line = r->line;
	r->priority = PRIO_MEDIUM;
	r->description = "";
	r->output = DEFAULT_OUTPUT;
	if (!r->name)
		return;
	if (!ymap_get(p->doc, p->node, "match")) {
		yerr(&src, name, "rule '%s' has no match", r->name);
		return;
	}
	if (rule_keys(&src, p->node, r))
		return;
	if (match_default_phase(L, &r->m)) {
		yerr(&src, name, "out of memory");
		return;
	}
	if (check_kernel(&src, r))
		return;
	if (add_to_set(L, r))
		yerr(&src, name, "out of memory");
}
