// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Compiles a YAML match block into conditions: one condition per field and
 * operator, lists expanded, macros inlined, numbers, CIDRs, syscall and
 * category names resolved. Reports every problem with its line.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "rules_loader.h"

struct cvec {
	struct cond *v;
	size_t n, cap;
};

/* Values of one operator: borrowed strings and the line of each. */
struct vals {
	const char **s;
	int *line;
	size_t n;
};

/* -E2BIG past RULES_MAX_CONDS: macros using a macro twice double the
 * conditions at each level. */
static int cvec_push(struct cvec *cv, const struct cond *c)
{
	if (cv->n == RULES_MAX_CONDS)
		return -E2BIG;
	if (cv->n == cv->cap) {
		size_t cap = cv->cap ? cv->cap * 2 : 8;
		struct cond *v = realloc(cv->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		cv->v = v;
		cv->cap = cap;
	}
	cv->v[cv->n++] = *c;
	return 0;
}

static int vals_alloc(struct vals *vs, size_t n)
{
	vs->n = 0;
	vs->s = calloc(n ? n : 1, sizeof(*vs->s));
	vs->line = calloc(n ? n : 1, sizeof(*vs->line));
	return vs->s && vs->line ? 0 : -ENOMEM;
}

static void vals_free(struct vals *vs)
{
	free(vs->s);
	free(vs->line);
}

static int vals_from_list(const struct ysrc *src, yaml_node_t *node, struct vals *vs)
{
	struct rlist *l = loader_list(src->L, yscalar(node));

	if (!l) {
		yerr(src, node, "unknown list '%s'", yscalar(node));
		return -EINVAL;
	}
	if (vals_alloc(vs, l->n))
		return -ENOMEM;
	for (size_t i = 0; i < l->n; i++) {
		vs->s[i] = l->items[i];
		vs->line[i] = l->lines[i];
	}
	vs->n = l->n;
	return 0;
}

static int vals_from_seq(const struct ysrc *src, yaml_node_t *node, struct vals *vs)
{
	size_t n = node->data.sequence.items.top - node->data.sequence.items.start;
	int rc = 0;

	if (vals_alloc(vs, n))
		return -ENOMEM;
	yseq_for_each(node, it) {
		yaml_node_t *item = yaml_document_get_node(src->doc, *it);

		if (!yscalar(item)) {
			yerr(src, item, "expected a value, not a %s",
			     item->type == YAML_MAPPING_NODE ? "mapping" : "list");
			rc = -EINVAL;
			continue;
		}
		vs->s[vs->n] = yscalar(item);
		vs->line[vs->n++] = yline(item);
	}
	return rc;
}

/* {list: NAME}: the values of a list, for any operator. */
static yaml_node_t *list_ref(const struct ysrc *src, yaml_node_t *node)
{
	yaml_node_pair_t *p = node->data.mapping.pairs.start;
	const char *k;

	if (node->data.mapping.pairs.top - p != 1)
		return NULL;
	k = yscalar(yaml_document_get_node(src->doc, p->key));
	if (!k || strcmp(k, "list"))
		return NULL;
	return yaml_document_get_node(src->doc, p->value);
}

static int vals_get(const struct ysrc *src, enum rop op, yaml_node_t *node, struct vals *vs)
{
	yaml_node_t *ref;

	memset(vs, 0, sizeof(*vs));
	if (node->type == YAML_SEQUENCE_NODE)
		return vals_from_seq(src, node, vs);
	if (node->type == YAML_MAPPING_NODE) {
		ref = list_ref(src, node);
		if (ref && yscalar(ref))
			return vals_from_list(src, ref, vs);
		yerr(src, node, "expected a value, a list of values or {list: NAME}");
		return -EINVAL;
	}
	if (op == OP_IN)
		return vals_from_list(src, node, vs);
	/* a literal that names a list is almost surely a forgotten {list: } */
	if (*yscalar(node) && loader_list(src->L, yscalar(node))) {
		yerr(src, node, "'%s' is a list: write {list: %s} to use its items",
		     yscalar(node), yscalar(node));
		return -EINVAL;
	}
	if (vals_alloc(vs, 1))
		return -ENOMEM;
	vs->s[0] = yscalar(node);
	vs->line[0] = yline(node);
	vs->n = 1;
	return 0;
}

static int build_syscalls(const struct ysrc *src, const struct vals *vs, struct cond *c)
{
	int rc = 0;

	c->bits = ar_alloc(&src->L->rs->ar, SC_WORDS * sizeof(uint64_t));
	if (!c->bits)
		return -ENOMEM;
	for (size_t i = 0; i < vs->n; i++) {
		const struct cactus_syscall *sc = cactus_syscall_by_name(vs->s[i]);

		if (!sc || sc->nr < 0 || sc->nr >= CACTUS_MAX_SYSCALLS) {
			rule_err(src->L->errs, src->file, vs->line[i], "unknown syscall '%s'",
				 vs->s[i]);
			rc = -EINVAL;
			continue;
		}
		c->bits[sc->nr / 64] |= 1ULL << (sc->nr % 64);
	}
	return rc;
}

static int build_categories(const struct ysrc *src, const struct vals *vs, struct cond *c)
{
	int rc = 0;

	for (size_t i = 0; i < vs->n; i++) {
		int cat = cactus_category_parse(vs->s[i]);

		if (cat < 0) {
			rule_err(src->L->errs, src->file, vs->line[i], "unknown category '%s'",
				 vs->s[i]);
			rc = -EINVAL;
			continue;
		}
		c->cats |= 1u << cat;
	}
	return rc;
}

/* true/false: 1/0 in c->num (FK_BOOL is matched like a number). */
static int build_bools(const struct ysrc *src, const struct vals *vs, struct cond *c)
{
	int rc = 0;

	c->num = ar_alloc(&src->L->rs->ar, vs->n * sizeof(*c->num));
	if (!c->num)
		return -ENOMEM;
	for (size_t i = 0; i < vs->n; i++) {
		int b = parse_bool(vs->s[i]);

		if (b < 0) {
			rule_err(src->L->errs, src->file, vs->line[i],
				 "'%s' is not a boolean for field '%s' (true or false)", vs->s[i],
				 rfield_name(c->field));
			rc = -EINVAL;
			continue;
		}
		c->num[i] = b;
	}
	return rc;
}

static int build_phases(const struct ysrc *src, const struct vals *vs, struct cond *c)
{
	int rc = 0;

	for (size_t i = 0; i < vs->n; i++) {
		int ph = parse_phase(vs->s[i]);

		if (ph < 0) {
			rule_err(src->L->errs, src->file, vs->line[i],
				 "unknown phase '%s' (init or workload)", vs->s[i]);
			rc = -EINVAL;
			continue;
		}
		c->phases |= (uint32_t)ph;
	}
	return rc;
}

/* A number the field can hold: port 70000 or uid -5 would never match. */
static int build_number(const struct ysrc *src, const struct cond *c, const char *s, int line,
			int64_t *out)
{
	int64_t min, max;

	if (parse_i64(s, out)) {
		rule_err(src->L->errs, src->file, line, "'%s' is not a number (field '%s')", s,
			 rfield_name(c->field));
		return -EINVAL;
	}
	rfield_range(c->field, &min, &max);
	if (*out < min || *out > max) {
		rule_err(src->L->errs, src->file, line,
			 "%s out of range for field '%s' (%lld..%lld)", s, rfield_name(c->field),
			 (long long)min, (long long)max);
		return -EINVAL;
	}
	return 0;
}

static int build_numbers(const struct ysrc *src, const struct vals *vs, struct cond *c)
{
	int rc = 0;

	c->num = ar_alloc(&src->L->rs->ar, vs->n * sizeof(*c->num));
	if (!c->num)
		return -ENOMEM;
	for (size_t i = 0; i < vs->n; i++) {
		if (build_number(src, c, vs->s[i], vs->line[i], &c->num[i]))
			rc = -EINVAL;
	}
	return rc;
}

static int build_nets(const struct ysrc *src, const struct vals *vs, struct cond *c)
{
	int rc = 0;

	c->net = ar_alloc(&src->L->rs->ar, vs->n * sizeof(*c->net));
	if (!c->net)
		return -ENOMEM;
	for (size_t i = 0; i < vs->n; i++) {
		if (parse_cidr(vs->s[i], &c->net[i])) {
			rule_err(src->L->errs, src->file, vs->line[i], "bad CIDR '%s'", vs->s[i]);
			rc = -EINVAL;
		}
	}
	return rc;
}

static bool activity_known(const char *s)
{
	for (size_t i = 0; i < cactus_syscalls_count; i++) {
		if (!strcmp(cactus_syscalls[i].activity, s))
			return true;
	}
	return false;
}

static bool family_known(const char *s)
{
	return !strcmp(s, "AF_INET") || !strcmp(s, "AF_INET6") || !strcmp(s, "AF_UNIX");
}

/* Exact names only: a typo in an activity or family would never match. */
static int check_string(const struct ysrc *src, const struct cond *c, const char *s, int line)
{
	bool named = c->op == OP_EXACT || c->op == OP_NE;

	if (named && !*s) {
		rule_err(src->L->errs, src->file, line,
			 "empty value for '%s' never matches (an empty field counts as absent)",
			 rfield_name(c->field));
		return -EINVAL;
	}
	if (named && c->field == F_ACTIVITY && !activity_known(s)) {
		rule_err(src->L->errs, src->file, line, "unknown activity '%s'", s);
		return -EINVAL;
	}
	if (named && c->field == F_FAMILY && !family_known(s)) {
		rule_err(src->L->errs, src->file, line,
			 "unknown family '%s' (AF_INET, AF_INET6 or AF_UNIX)", s);
		return -EINVAL;
	}
	if (named && c->field == F_SIGNAL && parse_signal(s) < 0) {
		rule_err(src->L->errs, src->file, line,
			 "unknown signal '%s' (a name like SIGTERM or TERM, or a number 0..64)", s);
		return -EINVAL;
	}
	return 0;
}

/* The text a condition compares: a signal as events name it ("15", "term"
 * -> "SIGTERM"), anything else as written. */
static const char *cond_text(const struct cond *c, const char *s, char *buf, size_t len)
{
	int sig;

	if (c->field != F_SIGNAL || (c->op != OP_EXACT && c->op != OP_NE))
		return s;
	sig = parse_signal(s);
	return sig < 0 ? s : signal_name(sig, buf, len);
}

/* The literal head and tail of a glob pattern: a cheap rejection test. */
static void glob_literals(struct rstr *r)
{
	static const char meta[] = "*?[]\\";
	size_t pre = strcspn(r->s, meta);
	size_t suf = 0;

	while (suf < r->len - pre && !strchr(meta, r->s[r->len - 1 - suf]))
		suf++;
	r->pre = (uint32_t)pre;
	r->suf = pre == r->len ? 0 : (uint32_t)suf;
}

static int build_strings(const struct ysrc *src, const struct vals *vs, struct cond *c)
{
	int rc = 0;

	c->s = ar_alloc(&src->L->rs->ar, vs->n * sizeof(*c->s));
	if (!c->s)
		return -ENOMEM;
	for (size_t i = 0; i < vs->n; i++) {
		char buf[24];
		const char *text = cond_text(c, vs->s[i], buf, sizeof(buf));

		c->s[i].s = ar_strdup(&src->L->rs->ar, text);
		if (!c->s[i].s)
			return -ENOMEM;
		c->s[i].len = strlen(text);
		if (c->op == OP_GLOB)
			glob_literals(&c->s[i]);
		if (check_string(src, c, vs->s[i], vs->line[i]))
			rc = -EINVAL;
	}
	return rc;
}

static int build_cond(const struct ysrc *src, const struct vals *vs, struct cond *c)
{
	switch (rfield_kind(c->field)) {
	case FK_SYSCALL:
		return build_syscalls(src, vs, c);
	case FK_CATEGORY:
		return build_categories(src, vs, c);
	case FK_NUM:
		return build_numbers(src, vs, c);
	case FK_BOOL:
		return build_bools(src, vs, c);
	case FK_PHASE:
		return build_phases(src, vs, c);
	default:
		if (c->op == OP_CIDR)
			return build_nets(src, vs, c);
		return build_strings(src, vs, c);
	}
}

/* Values of one condition, and of all: a list is copied into each
 * condition that uses it, so a big list used by many rules multiplies. */
static int count_values(const struct ysrc *src, yaml_node_t *val, size_t n)
{
	struct loader *L = src->L;

	if (n > RULES_MAX_LIST_ITEMS) {
		yerr(src, val, "more than %d values in one condition", RULES_MAX_LIST_ITEMS);
		return -EINVAL;
	}
	L->n_values += n;
	if (L->n_values > RULES_MAX_VALUES && L->n_values - n <= RULES_MAX_VALUES)
		yerr(src, val, "more than %d values in all conditions (lists expanded)",
		     RULES_MAX_VALUES);
	return L->n_values > RULES_MAX_VALUES ? -EINVAL : 0;
}

static int compile_op(const struct ysrc *src, int field, enum rop op, yaml_node_t *val,
		      struct cvec *cv)
{
	struct cond c = { .field = field, .kind = rfield_kind(field),
			  .op = op == OP_IN ? OP_EXACT : op };
	struct vals vs;
	int rc = vals_get(src, op, val, &vs);

	if (!rc && vs.n == 0) {
		yerr(src, val, "empty list of values for field '%s'", rfield_name(field));
		rc = -EINVAL;
	}
	if (!rc)
		rc = count_values(src, val, vs.n);
	if (!rc && vs.n > 1 && (op == OP_LT || op == OP_GT || op == OP_MASK)) {
		yerr(src, val, "operator '%s' takes one value", rop_name(op));
		rc = -EINVAL;
	}
	if (!rc) {
		c.n = vs.n;
		rc = build_cond(src, &vs, &c);
	}
	vals_free(&vs);
	return rc ? rc : cvec_push(cv, &c);
}

static int compile_ops(const struct ysrc *src, int field, yaml_node_t *val, struct cvec *cv)
{
	int rc = 0;

	if (val->data.mapping.pairs.start == val->data.mapping.pairs.top) {
		yerr(src, val, "no operator for field '%s'", rfield_name(field));
		return -EINVAL;
	}
	ymap_for_each(val, p) {
		yaml_node_t *k = yaml_document_get_node(src->doc, p->key);
		const char *name = yscalar(k) ? yscalar(k) : "";
		/* field: {list: NAME} is field: {in: NAME} */
		int op = strcmp(name, "list") ? rop_parse(name) : OP_IN;
		int r;

		if (op < 0) {
			yerr(src, k, "unknown operator '%s'", name);
			rc = -EINVAL;
			continue;
		}
		if (!rop_allowed(rfield_kind(field), op)) {
			yerr(src, k, "operator '%s' does not apply to field '%s'", name,
			     rfield_name(field));
			rc = -EINVAL;
			continue;
		}
		r = compile_op(src, field, op, yaml_document_get_node(src->doc, p->value), cv);
		if (r)
			rc = r;
	}
	return rc;
}

static int use_macro(const struct ysrc *src, yaml_node_t *name_node, struct cvec *cv)
{
	const char *name = yscalar(name_node);
	struct rmacro *m = name ? loader_macro(src->L, name) : NULL;
	int rc;

	if (!name) {
		yerr(src, name_node, "expected a macro name");
		return -EINVAL;
	}
	if (!m) {
		yerr(src, name_node, "unknown macro '%s'", name);
		return -EINVAL;
	}
	rc = compile_macro(src->L, m);
	if (rc == -ELOOP) {
		yerr(src, name_node, "macro '%s' uses itself", name);
		rc = -EINVAL;
	} else if (rc == -E2BIG) {
		yerr(src, name_node, "macros nested deeper than %d (at '%s')",
		     RULES_MAX_MACRO_DEPTH, name);
		rc = -EINVAL;
	}
	for (size_t i = 0; !rc && i < m->m.n; i++)
		rc = cvec_push(cv, &m->m.c[i]);
	return rc;
}

static int use_macros(const struct ysrc *src, yaml_node_t *val, struct cvec *cv)
{
	int rc = 0;

	if (val->type != YAML_SEQUENCE_NODE)
		return use_macro(src, val, cv);
	yseq_for_each(val, it) {
		int r = use_macro(src, yaml_document_get_node(src->doc, *it), cv);

		if (r)
			rc = r;
	}
	return rc;
}

static int compile_key(const struct ysrc *src, yaml_node_pair_t *p, struct cvec *cv)
{
	yaml_node_t *k = yaml_document_get_node(src->doc, p->key);
	yaml_node_t *val = yaml_document_get_node(src->doc, p->value);
	const char *name = yscalar(k) ? yscalar(k) : "";
	int field;

	if (!strcmp(name, "macro"))
		return use_macros(src, val, cv);
	field = rfield_parse(name);
	if (field < 0) {
		yerr(src, k, "unknown field '%s' in match", name);
		return -EINVAL;
	}
	if (val->type == YAML_MAPPING_NODE)
		return compile_ops(src, field, val, cv);
	return compile_op(src, field, OP_EXACT, val, cv);
}

static int match_store(struct loader *L, struct cvec *cv, struct match *out)
{
	out->n = cv->n;
	out->c = ar_alloc(&L->rs->ar, (cv->n ? cv->n : 1) * sizeof(*out->c));
	if (!out->c)
		return -ENOMEM;
	memcpy(out->c, cv->v, cv->n * sizeof(*out->c));
	match_sort(out);
	return 0;
}

int compile_match(const struct ysrc *src, yaml_node_t *node, struct match *out)
{
	struct cvec cv = { 0 };
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (node->type != YAML_MAPPING_NODE) {
		yerr(src, node, "a match must be a mapping of fields");
		return -EINVAL;
	}
	if (node->data.mapping.pairs.start == node->data.mapping.pairs.top) {
		yerr(src, node, "empty match");
		return -EINVAL;
	}
	ymap_for_each(node, p) {
		int r = compile_key(src, p, &cv);

		if (r)
			rc = r;
		if (r == -E2BIG)
			break;
	}
	if (rc == -ENOMEM)
		yerr(src, node, "out of memory");
	if (rc == -E2BIG)
		yerr(src, node, "more than %d conditions in one match (macros inlined)",
		     RULES_MAX_CONDS);
	if (!rc)
		rc = match_store(src->L, &cv, out);
	free(cv.v);
	return rc;
}

/* A rule's match without a phase condition gets phase: workload: rules are
 * about the workload unless they say otherwise, so the runtime's own set-up
 * (mounts, device nodes, pivot_root in runc init) is not judged by them. */
int match_default_phase(struct loader *L, struct match *m)
{
	struct cond *c;

	for (size_t i = 0; i < m->n; i++) {
		if (m->c[i].field == F_PHASE)
			return 0;
	}
	c = ar_alloc(&L->rs->ar, (m->n + 1) * sizeof(*c));
	if (!c)
		return -ENOMEM;
	memcpy(c, m->c, m->n * sizeof(*c));
	c[m->n] = (struct cond){ .field = F_PHASE, .kind = FK_PHASE, .op = OP_EXACT, .n = 1,
				 .phases = PHASE_WORKLOAD };
	m->c = c;
	m->n++;
	match_sort(m);
	return 0;
}

int compile_macro(struct loader *L, struct rmacro *m)
{
	struct ysrc src = { .L = L, .file = m->file, .doc = m->doc };
	int rc;

	switch (m->state) {
	case MACRO_DONE:
		return 0;
	case MACRO_FAILED:
		return -EINVAL;
	case MACRO_BUSY:
		return -ELOOP;
	}
	/* the recursion runs on the C stack: bound it */
	if (L->macro_depth == RULES_MAX_MACRO_DEPTH)
		return -E2BIG;
	m->state = MACRO_BUSY;
	L->macro_depth++;
	rc = compile_match(&src, m->match, &m->m);
	L->macro_depth--;
	m->state = rc ? MACRO_FAILED : MACRO_DONE;
	return rc ? -EINVAL : 0;
}

/* Cheap tests first: a syscall bitmap rejects most events at once. */
static int cond_cost(const struct cond *c)
{
	bool joined = c->field == F_PATH || c->field == F_ARGV || c->kind == FK_MULTI;

	switch (c->kind) {
	case FK_SYSCALL:
		return 0;
	case FK_CATEGORY:
	case FK_PHASE:
		return 1;
	case FK_NUM:
	case FK_BOOL:
		return 2;
	default:
		break;
	}
	switch (c->op) {
	case OP_GLOB:
		return 6;
	case OP_CONTAINS:
	case OP_SUFFIX:
		return 5;
	default:
		return joined ? 4 : 3;
	}
}

void match_sort(struct match *m)
{
	for (size_t i = 1; i < m->n; i++) {
		struct cond c = m->c[i];
		size_t j = i;

		for (; j > 0 && cond_cost(&m->c[j - 1]) > cond_cost(&c); j--)
			m->c[j] = m->c[j - 1];
		m->c[j] = c;
	}
}
