// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Registry layout: each family owns a fixed array of max_series + 1 slots
 * (the last is the overflow series), allocated when the family is
 * registered, so a handle is a stable pointer and updates never allocate.
 * The lock guards which slots are in use and their label values; the values
 * themselves are atomics, read by the renderer without stopping writers.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/metrics.h"

/* Distinct folded label sets are remembered by hash, up to this many per
 * family; past that every fold is counted (the counter can only overcount). */
#define FOLD_SEEN_MAX 4096

struct metric {
	_Atomic uint64_t v;            /* counter: the count; gauge: the double's bits */
	struct metric_family *f;
	char *values[METRIC_MAX_LABELS];
	bool used;
};

struct metric_family {
	struct metrics *m;
	char *name, *help;
	enum metric_type type;
	char *labels[METRIC_MAX_LABELS];
	size_t n_labels, max_series, n_used;
	struct metric *series;         /* max_series slots, then the overflow one */
	struct metric *folded;         /* this family's cactus_metrics_folded_series_total */
	uint64_t *fold_seen;           /* open addressing, 0 = empty */
	size_t n_fold_seen;
	struct metric_family *next;
};

struct metrics {
	pthread_mutex_t lock;
	struct metric_family *first, *last;
	struct metric_family *folded_family;
	metrics_collect_fn collect;
	void *collect_ctx;
};

static bool valid_name(const char *s, bool colon)
{
	const char *p;

	if (!s || !*s || (*s >= '0' && *s <= '9'))
		return false;
	for (p = s; *p; p++) {
		bool ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			  (*p >= '0' && *p <= '9') || *p == '_' || (colon && *p == ':');
		if (!ok)
			return false;
	}
	return true;
}

static void series_clear(struct metric *s)
{
	size_t i;

	for (i = 0; i < METRIC_MAX_LABELS; i++) {
		free(s->values[i]);
		s->values[i] = NULL;
	}
	atomic_store_explicit(&s->v, 0, memory_order_relaxed);
	s->used = false;
}

static void family_free(struct metric_family *f)
{
	size_t i;

	if (!f)
		return;
	for (i = 0; f->series && i <= f->max_series; i++)
		series_clear(&f->series[i]);
	for (i = 0; i < METRIC_MAX_LABELS; i++)
		free(f->labels[i]);
	free(f->series);
	free(f->fold_seen);
	free(f->name);
	free(f->help);
	free(f);
}

static int family_check(const struct metric_family_opts *o, size_t *n_labels)
{
	size_t n = 0, i;

	if (!valid_name(o->name, true) || !o->help)
		return -EINVAL;
	if (o->type != METRIC_COUNTER && o->type != METRIC_GAUGE)
		return -EINVAL;
	for (; n < METRIC_MAX_LABELS && o->labels[n]; n++) {
		if (!valid_name(o->labels[n], false) || !strncmp(o->labels[n], "__", 2))
			return -EINVAL;
		for (i = 0; i < n; i++)
			if (!strcmp(o->labels[i], o->labels[n]))
				return -EINVAL;
	}
	*n_labels = n;
	return 0;
}

static struct metric_family *family_alloc(const struct metric_family_opts *o, size_t n_labels)
{
	struct metric_family *f = calloc(1, sizeof(*f));
	size_t i;

	if (!f)
		return NULL;
	f->type = o->type;
	f->n_labels = n_labels;
	f->max_series = o->max_series ? o->max_series : METRIC_DEFAULT_MAX_SERIES;
	f->name = strdup(o->name);
	f->help = strdup(o->help);
	f->series = calloc(f->max_series + 1, sizeof(*f->series));
	if (!f->name || !f->help || !f->series)
		goto err_nomem;
	for (i = 0; i < n_labels; i++)
		if (!(f->labels[i] = strdup(o->labels[i])))
			goto err_nomem;
	for (i = 0; i <= f->max_series; i++)
		f->series[i].f = f;
	return f;
err_nomem:
	family_free(f);
	return NULL;
}

static struct metric_family *find_family(struct metrics *m, const char *name)
{
	struct metric_family *f;

	for (f = m->first; f; f = f->next)
		if (!strcmp(f->name, name))
			return f;
	return NULL;
}

static struct metric *series_locked(struct metric_family *f, const char *const *values);

/* Under the lock. A family without labels has its one series from the start
 * (rendered as 0); every family gets its folded counter at 0 too. */
static int family_link(struct metrics *m, struct metric_family *f)
{
	const char *name[1] = { f->name };

	f->m = m;
	if (f->n_labels == 0 && !series_locked(f, NULL))
		return -ENOMEM;
	if (m->folded_family && !(f->folded = series_locked(m->folded_family, name)))
		return -ENOMEM;
	if (m->last)
		m->last->next = f;
	else
		m->first = f;
	m->last = f;
	return 0;
}

struct metric_family *metrics__family(struct metrics *m, const struct metric_family_opts *opts)
{
	struct metric_family *f;
	size_t n_labels;
	int err;

	if (!m || !opts || (err = family_check(opts, &n_labels))) {
		errno = EINVAL;
		return NULL;
	}
	if (!(f = family_alloc(opts, n_labels))) {
		errno = ENOMEM;
		return NULL;
	}
	pthread_mutex_lock(&m->lock);
	err = find_family(m, opts->name) ? -EEXIST : family_link(m, f);
	pthread_mutex_unlock(&m->lock);
	if (err) {
		family_free(f);
		errno = -err;
		return NULL;
	}
	return f;
}

struct metrics *metrics__new(void)
{
	struct metric_family_opts folded = {
		.name = "cactus_metrics_folded_series_total",
		.help = "Label sets folded into a family's \"_other\" series because the family "
			"had reached its series limit.",
		.type = METRIC_COUNTER,
		.labels = { "family" },
		.max_series = 1024,
	};
	struct metrics *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	pthread_mutex_init(&m->lock, NULL);
	m->folded_family = metrics__family(m, &folded);
	if (!m->folded_family) {
		metrics__free(m);
		return NULL;
	}
	return m;
}

void metrics__free(struct metrics *m)
{
	struct metric_family *f, *next;

	if (!m)
		return;
	for (f = m->first; f; f = next) {
		next = f->next;
		family_free(f);
	}
	pthread_mutex_destroy(&m->lock);
	free(m);
}

void metrics__set_collect(struct metrics *m, metrics_collect_fn fn, void *ctx)
{
	pthread_mutex_lock(&m->lock);
	m->collect = fn;
	m->collect_ctx = ctx;
	pthread_mutex_unlock(&m->lock);
}

/* ---- series lookup ---- */

static bool series_is(const struct metric *s, size_t n, const char *const *values)
{
	size_t i;

	if (!s->used)
		return false;
	for (i = 0; i < n; i++)
		if (strcmp(s->values[i], values[i]))
			return false;
	return true;
}

static struct metric *series_fill(struct metric *s, size_t n, const char *const *values)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!(s->values[i] = strdup(values[i]))) {
			series_clear(s);
			return NULL;
		}
	}
	s->used = true;
	return s;
}

static uint64_t labels_hash(size_t n, const char *const *values)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	const char *p;
	size_t i;

	for (i = 0; i < n; i++)
		for (p = values[i]; ; p++) {
			h = (h ^ (unsigned char)*p) * 1099511628211ULL;
			if (!*p)
				break;
		}
	return h ? h : 1;
}

/* True the first time a label set is folded (as far as the table can tell). */
static bool fold_is_new(struct metric_family *f, const char *const *values)
{
	uint64_t h = labels_hash(f->n_labels, values);
	size_t i;

	if (!f->fold_seen && !(f->fold_seen = calloc(FOLD_SEEN_MAX, sizeof(uint64_t))))
		return true;
	if (f->n_fold_seen >= FOLD_SEEN_MAX / 2)
		return true;
	for (i = h % FOLD_SEEN_MAX; f->fold_seen[i]; i = (i + 1) % FOLD_SEEN_MAX)
		if (f->fold_seen[i] == h)
			return false;
	f->fold_seen[i] = h;
	f->n_fold_seen++;
	return true;
}

static struct metric *series_fold(struct metric_family *f, const char *const *values)
{
	struct metric *other = &f->series[f->max_series];
	const char *o[METRIC_MAX_LABELS] = { METRIC_OTHER, METRIC_OTHER, METRIC_OTHER,
					     METRIC_OTHER };

	if (fold_is_new(f, values))
		metric__inc(f->folded);
	if (other->used)
		return other;
	return series_fill(other, f->n_labels, o);
}

static struct metric *series_locked(struct metric_family *f, const char *const *values)
{
	struct metric *free_slot = NULL;
	size_t i;

	for (i = 0; i <= f->max_series; i++) {
		if (series_is(&f->series[i], f->n_labels, values))
			return &f->series[i];
		if (i < f->max_series && !free_slot && !f->series[i].used)
			free_slot = &f->series[i];
	}
	if (!free_slot)
		return series_fold(f, values);
	f->n_used++;
	if (series_fill(free_slot, f->n_labels, values))
		return free_slot;
	f->n_used--;
	return NULL;
}

struct metric *metric_family__series(struct metric_family *f, const char *const *values)
{
	struct metric *s;
	size_t i;

	if (!f)
		return NULL;
	for (i = 0; i < f->n_labels; i++) {
		if (!values || !values[i]) {
			errno = EINVAL;
			return NULL;
		}
	}
	pthread_mutex_lock(&f->m->lock);
	s = series_locked(f, values);
	pthread_mutex_unlock(&f->m->lock);
	if (!s)
		errno = ENOMEM;
	return s;
}

void metric_family__remove(struct metric_family *f, struct metric *s)
{
	/* the overflow series and a label-less family's only series stay */
	if (!f || !s || s->f != f || s == &f->series[f->max_series] || f->n_labels == 0)
		return;
	pthread_mutex_lock(&f->m->lock);
	if (s->used) {
		series_clear(s);
		f->n_used--;
	}
	pthread_mutex_unlock(&f->m->lock);
}

/* ---- updates ---- */

static uint64_t dbl_bits(double v)
{
	uint64_t u;

	memcpy(&u, &v, sizeof(u));
	return u;
}

static double bits_dbl(uint64_t u)
{
	double v;

	memcpy(&v, &u, sizeof(v));
	return v;
}

void metric__add(struct metric *s, uint64_t n)
{
	uint64_t old;

	if (!s)
		return;
	if (s->f->type == METRIC_COUNTER) {
		atomic_fetch_add_explicit(&s->v, n, memory_order_relaxed);
		return;
	}
	old = atomic_load_explicit(&s->v, memory_order_relaxed);
	while (!atomic_compare_exchange_weak_explicit(&s->v, &old,
						      dbl_bits(bits_dbl(old) + (double)n),
						      memory_order_relaxed, memory_order_relaxed))
		;
}

void metric__inc(struct metric *s)
{
	metric__add(s, 1);
}

void metric__set(struct metric *s, double v)
{
	uint64_t u;

	if (!s)
		return;
	if (s->f->type == METRIC_COUNTER)
		u = v > 0 ? (uint64_t)v : 0;
	else
		u = dbl_bits(v);
	atomic_store_explicit(&s->v, u, memory_order_relaxed);
}

double metric__value(const struct metric *s)
{
	uint64_t u;

	if (!s)
		return 0;
	u = atomic_load_explicit(&((struct metric *)s)->v, memory_order_relaxed);
	return s->f->type == METRIC_COUNTER ? (double)u : bits_dbl(u);
}

/* ---- rendering ---- */

/* HELP text escapes backslash and newline; label values also the quote. */
static void put_escaped(FILE *out, const char *s, bool quote)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", out);
		else if (*s == '\n')
			fputs("\\n", out);
		else if (*s == '"' && quote)
			fputs("\\\"", out);
		else
			fputc(*s, out);
	}
}

/* The shortest of %.15g / %.17g that reads back as the same double. */
static void put_double(FILE *out, double v)
{
	char buf[32];

	if (isnan(v)) {
		fputs("NaN", out);
		return;
	}
	if (isinf(v)) {
		fputs(v > 0 ? "+Inf" : "-Inf", out);
		return;
	}
	snprintf(buf, sizeof(buf), "%.15g", v);
	if (strtod(buf, NULL) != v)
		snprintf(buf, sizeof(buf), "%.17g", v);
	fputs(buf, out);
}

static void render_series(FILE *out, const struct metric_family *f, const struct metric *s)
{
	uint64_t u = atomic_load_explicit(&((struct metric *)s)->v, memory_order_relaxed);
	size_t i;

	fputs(f->name, out);
	for (i = 0; i < f->n_labels; i++) {
		fprintf(out, "%s%s=\"", i ? "," : "{", f->labels[i]);
		put_escaped(out, s->values[i], true);
		fputc('"', out);
	}
	fputs(f->n_labels ? "} " : " ", out);
	if (f->type == METRIC_COUNTER)
		fprintf(out, "%llu", (unsigned long long)u);
	else
		put_double(out, bits_dbl(u));
	fputc('\n', out);
}

static void render_family(FILE *out, const struct metric_family *f)
{
	size_t i;

	fprintf(out, "# HELP %s ", f->name);
	put_escaped(out, f->help, false);
	fprintf(out, "\n# TYPE %s %s\n", f->name,
		f->type == METRIC_COUNTER ? "counter" : "gauge");
	for (i = 0; i <= f->max_series; i++)
		if (f->series[i].used)
			render_series(out, f, &f->series[i]);
}

int metrics__render(struct metrics *m, char **buf, size_t *len)
{
	struct metric_family *f;
	metrics_collect_fn collect;
	void *ctx;
	FILE *out;

	pthread_mutex_lock(&m->lock);
	collect = m->collect;
	ctx = m->collect_ctx;
	pthread_mutex_unlock(&m->lock);
	if (collect)
		collect(ctx);

	*buf = NULL;
	*len = 0;
	if (!(out = open_memstream(buf, len)))
		return -ENOMEM;
	pthread_mutex_lock(&m->lock);
	for (f = m->first; f; f = f->next)
		render_family(out, f);
	pthread_mutex_unlock(&m->lock);
	if (fclose(out)) {
		free(*buf);
		*buf = NULL;
		return -ENOMEM;
	}
	return 0;
}
