// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * One rule file -> its YAML documents, refusing early what would make
 * loading slow or unbounded. libyaml composes a whole document before we
 * see it, and its scanner is quadratic in nesting depth (100,000 levels:
 * 25 s before the first node), its composer in anchors. So the file is read
 * once into memory (bounded), its event stream is checked first (depth,
 * scalar length, anchors, aliases, nodes of the whole load: it stops at the
 * first violation, in microseconds), and only then composed. Duplicate keys, which libyaml
 * keeps silently (the loader would use the first), are reported here.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "rules_loader.h"

struct yfile {
	const char *name;
	struct rule_errors *errs;
	unsigned char *buf;
	size_t len;
	size_t *nodes;  /* nodes of the whole load so far */
};

static void yaml_error(const struct yfile *f, const yaml_parser_t *p)
{
	const yaml_mark_t *mark = p->problem ? &p->problem_mark : &p->context_mark;

	rule_err(f->errs, f->name, (int)mark->line + 1, "YAML: %s%s%s",
		 p->problem ? p->problem : "syntax error", p->context ? " " : "",
		 p->context ? p->context : "");
}

static int too_big(struct yfile *f)
{
	rule_err(f->errs, f->name, 0, "larger than %u MiB (the limit of one rule file)",
		 RULES_MAX_FILE_BYTES >> 20);
	return -EFBIG;
}

/* The whole file, at most RULES_MAX_FILE_BYTES (checked as it is read:
 * /proc and memfd files have no useful size). */
static int read_all(struct yfile *f, int fd)
{
	size_t cap = 64 << 10;
	ssize_t n;

	f->buf = malloc(cap);
	f->len = 0;
	while (f->buf && (n = read(fd, f->buf + f->len, cap - f->len)) > 0) {
		f->len += (size_t)n;
		if (f->len > RULES_MAX_FILE_BYTES)
			return too_big(f);
		if (f->len == cap) {
			unsigned char *b = realloc(f->buf, cap * 2);

			if (!b)
				break;
			f->buf = b;
			cap *= 2;
		}
	}
	if (!f->buf || n > 0) {
		rule_err(f->errs, f->name, 0, "out of memory reading it");
		return -ENOMEM;
	}
	if (n < 0) {
		rule_err(f->errs, f->name, 0, "cannot read: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

static int open_read(struct yfile *f)
{
	int fd = open(f->name, O_RDONLY | O_CLOEXEC);
	struct stat st;
	int err;

	if (fd < 0) {
		rule_err(f->errs, f->name, 0, "cannot open: %s", strerror(errno));
		return -errno;
	}
	if (!fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_size > RULES_MAX_FILE_BYTES)
		err = too_big(f);
	else
		err = read_all(f, fd);
	close(fd);
	return err;
}

/* The anchor of a node event, if any. */
static const yaml_char_t *event_anchor(const yaml_event_t *e)
{
	switch (e->type) {
	case YAML_SCALAR_EVENT:
		return e->data.scalar.anchor;
	case YAML_SEQUENCE_START_EVENT:
		return e->data.sequence_start.anchor;
	case YAML_MAPPING_START_EVENT:
		return e->data.mapping_start.anchor;
	default:
		return NULL;
	}
}

struct scan {
	int depth, anchors, aliases;
};

/* One event against the limits: 0, or -E2BIG after reporting it. */
static int scan_event(const struct yfile *f, struct scan *s, const yaml_event_t *e)
{
	int line = (int)e->start_mark.line + 1;

	if (e->type == YAML_SEQUENCE_START_EVENT || e->type == YAML_MAPPING_START_EVENT)
		s->depth++;
	else if (e->type == YAML_SEQUENCE_END_EVENT || e->type == YAML_MAPPING_END_EVENT)
		s->depth--;
	s->anchors += event_anchor(e) != NULL;
	s->aliases += e->type == YAML_ALIAS_EVENT;
	*f->nodes += e->type == YAML_SCALAR_EVENT || e->type == YAML_SEQUENCE_START_EVENT ||
		     e->type == YAML_MAPPING_START_EVENT || e->type == YAML_ALIAS_EVENT;
	if (*f->nodes > RULES_MAX_NODES)
		rule_err(f->errs, f->name, line,
			 "more than %d YAML nodes in the rule files (the limit of one load)",
			 RULES_MAX_NODES);
	else if (s->depth > RULES_MAX_DEPTH)
		rule_err(f->errs, f->name, line, "nested deeper than %d levels", RULES_MAX_DEPTH);
	else if (e->type == YAML_SCALAR_EVENT && e->data.scalar.length > RULES_MAX_STRING)
		rule_err(f->errs, f->name, line, "a value longer than %d bytes", RULES_MAX_STRING);
	else if (s->anchors > RULES_MAX_ANCHORS || s->aliases > RULES_MAX_ANCHORS)
		rule_err(f->errs, f->name, line, "more than %d YAML anchors or aliases",
			 RULES_MAX_ANCHORS);
	else
		return 0;
	return -E2BIG;
}

/* The event stream within the limits, before any document is composed. */
static int prescan(const struct yfile *f)
{
	struct scan s = { 0 };
	yaml_parser_t p;
	yaml_event_t e;
	int err = 0;

	if (!yaml_parser_initialize(&p))
		return -ENOMEM;
	yaml_parser_set_input_string(&p, f->buf, f->len);
	for (bool end = false; !end && !err;) {
		if (!yaml_parser_parse(&p, &e)) {
			yaml_error(f, &p);
			err = -EINVAL;
			break;
		}
		err = scan_event(f, &s, &e);
		end = e.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&e);
	}
	yaml_parser_delete(&p);
	return err;
}

static int key_cmp(const void *a, const void *b)
{
	const yaml_node_t *x = *(const yaml_node_t *const *)a, *y = *(const yaml_node_t *const *)b;
	int c = strcmp((const char *)x->data.scalar.value, (const char *)y->data.scalar.value);

	return c ? c : (x->start_mark.index > y->start_mark.index) -
		       (x->start_mark.index < y->start_mark.index);
}

/* Scalar keys of @map sorted by text, then position; duplicates adjacent. */
static void dup_keys(const struct yfile *f, yaml_document_t *doc, yaml_node_t *map,
		     const yaml_node_t **keys)
{
	size_t n = 0;

	ymap_for_each(map, p) {
		yaml_node_t *k = yaml_document_get_node(doc, p->key);

		if (k && k->type == YAML_SCALAR_NODE)
			keys[n++] = k;
	}
	qsort(keys, n, sizeof(*keys), key_cmp);
	for (size_t i = 1, first = 0; i < n; i++) {
		if (strcmp((const char *)keys[first]->data.scalar.value,
			   (const char *)keys[i]->data.scalar.value)) {
			first = i;
			continue;
		}
		rule_err(f->errs, f->name, yline(keys[i]), "duplicate key '%s' (first at line %d)",
			 (const char *)keys[i]->data.scalar.value, yline(keys[first]));
	}
}

/* Every mapping of @doc: YAML forbids a key twice, libyaml keeps both. */
static int check_dup_keys(const struct yfile *f, yaml_document_t *doc)
{
	size_t most = 0;
	const yaml_node_t **keys;

	for (yaml_node_t *n = doc->nodes.start; n < doc->nodes.top; n++) {
		if (n->type != YAML_MAPPING_NODE)
			continue;
		if ((size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start) > most)
			most = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
	}
	keys = malloc((most ? most : 1) * sizeof(*keys));
	if (!keys)
		return -ENOMEM;
	for (yaml_node_t *n = doc->nodes.start; n < doc->nodes.top; n++) {
		if (n->type == YAML_MAPPING_NODE)
			dup_keys(f, doc, n, keys);
	}
	free(keys);
	return 0;
}

/* Composes every document, in order; a broken one ends the stream. */
static int compose(const struct yfile *f, struct ydoc **docs)
{
	struct ydoc **tail = docs;
	yaml_parser_t p;
	int err = 0;

	if (!yaml_parser_initialize(&p))
		return -ENOMEM;
	yaml_parser_set_input_string(&p, f->buf, f->len);
	while (!err) {
		struct ydoc *d = calloc(1, sizeof(*d));

		if (!d || !yaml_parser_load(&p, &d->doc)) {
			if (d)
				yaml_error(f, &p);
			free(d);
			err = d ? -EINVAL : -ENOMEM;
			break;
		}
		if (!yaml_document_get_root_node(&d->doc)) {
			yaml_document_delete(&d->doc);
			free(d);
			break;
		}
		*tail = d;
		tail = &d->next;
		err = check_dup_keys(f, &d->doc);
	}
	yaml_parser_delete(&p);
	return err;
}

yaml_node_t *ymap_get(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
	ymap_for_each(map, p) {
		const char *k = yscalar(yaml_document_get_node(doc, p->key));

		if (k && !strcmp(k, key))
			return yaml_document_get_node(doc, p->value);
	}
	return NULL;
}

int ryaml_read(const char *file, struct rule_errors *errs, size_t *nodes, struct ydoc **docs)
{
	struct yfile f = { .name = file, .errs = errs, .nodes = nodes };
	int err = open_read(&f);

	if (!err)
		err = prescan(&f);
	if (!err)
		err = compose(&f, docs);
	free(f.buf);
	if (err == -ENOMEM)
		rule_err(errs, file, 0, "out of memory");
	return err ? -EINVAL : 0;
}

void ryaml_free(struct ydoc *docs)
{
	while (docs) {
		struct ydoc *d = docs;

		docs = d->next;
		yaml_document_delete(&d->doc);
		free(d);
	}
}
