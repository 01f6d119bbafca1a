// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Whom a container connected to, when it is another container of the
 * stream (README "cactus report": the peer heuristic). A connect names no
 * container, only an address; the stream knows which addresses each
 * container bound. So an endpoint some connect reached (one succeeded) is
 * the container that:
 *   - bound exactly that address and port (or AF_UNIX path), when only one
 *     container did;
 *   - for a loopback address: bound that port on a loopback or wildcard
 *     address and shares the connecting container's pod (the same k8s pod;
 *     for containers of no pod, such as `docker run --network container:X`,
 *     the stream cannot tell network namespaces apart: the one other
 *     container of no pod that bound the port), when exactly one did.
 * A container that bound it itself is its own peer. Otherwise: no name.
 * Built once from the listening lists, after the stream is read.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "report/internal.h"

struct bound {
	const char *key;     /* family, addr, port */
	uint32_t len;
	const struct rctr *c;
};

struct local {
	long port;
	const struct rctr *c;
};

struct peers {
	struct bound *exact;
	size_t n_exact;
	struct local *local;
	size_t n_local;
};

static bool is_wildcard(const char *addr)
{
	return !strcmp(addr, "0.0.0.0") || !strcmp(addr, "::");
}

static bool is_loopback(const char *fam, const char *addr)
{
	if (!strcmp(fam, "AF_INET"))
		return !strncmp(addr, "127.", 4);
	if (!strcmp(fam, "AF_INET6"))
		return !strcmp(addr, "::1") || !strncmp(addr, "::ffff:127.", 11);
	return false;
}

static int cmp_bound(const void *a, const void *b)
{
	const struct bound *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->key, y->key, n);

	return c ? c : (x->len > y->len) - (x->len < y->len);
}

static int cmp_local(const void *a, const void *b)
{
	const struct local *x = a, *y = b;

	return (x->port > y->port) - (x->port < y->port);
}

static void add(struct peers *p, const struct rctr *c, const struct tally_ent *e)
{
	const char *fam = tally_part(e, 0), *addr = tally_part(e, 1);

	if (strcmp(fam, "AF_UNIX") && (is_wildcard(addr) || is_loopback(fam, addr)))
		p->local[p->n_local++] = (struct local){ strtol(tally_part(e, 2), NULL, 10), c };
	else
		p->exact[p->n_exact++] = (struct bound){ e->key, e->len, c };
}

struct peers *peers_new(const struct report *r)
{
	struct peers *p = calloc(1, sizeof(*p));
	size_t n = 0;

	if (!p)
		return NULL;
	for (size_t i = 0; i < r->n; i++)
		n += r->c[i]->listen.n;
	p->exact = malloc((n ? n : 1) * sizeof(*p->exact));
	p->local = malloc((n ? n : 1) * sizeof(*p->local));
	if (!p->exact || !p->local) {
		peers_free(p);
		return NULL;
	}
	for (size_t i = 0; i < r->n; i++) {
		for (uint32_t j = 0; j < r->c[i]->listen.n; j++)
			add(p, r->c[i], &r->c[i]->listen.e[j]);
	}
	qsort(p->exact, p->n_exact, sizeof(*p->exact), cmp_bound);
	qsort(p->local, p->n_local, sizeof(*p->local), cmp_local);
	return p;
}

void peers_free(struct peers *p)
{
	if (!p)
		return;
	free(p->exact);
	free(p->local);
	free(p);
}

static bool same_pod(const struct rctr *a, const struct rctr *b)
{
	const char *ua = a->k8s_pod_uid ? a->k8s_pod_uid : "";
	const char *ub = b->k8s_pod_uid ? b->k8s_pod_uid : "";

	if (*ua || *ub)
		return !strcmp(ua, ub);
	return !strcmp(a->k8s_ns ? a->k8s_ns : "", b->k8s_ns ? b->k8s_ns : "") &&
	       !strcmp(a->k8s_pod ? a->k8s_pod : "", b->k8s_pod ? b->k8s_pod : "");
}

/* The one container among the matches (@self wins), NULL if none or two. */
struct pick {
	const struct rctr *one;
	bool self, several;
};

static void pick(struct pick *k, const struct rctr *self, const struct rctr *c)
{
	if (c == self)
		k->self = true;
	else if (k->one && k->one != c)
		k->several = true;
	else
		k->one = c;
}

static const struct rctr *exact(const struct peers *p, const struct rctr *from,
				const struct tally_ent *e, struct pick *k)
{
	struct bound key = { e->key, e->len, NULL };
	size_t a = 0, b = p->n_exact;

	while (a < b) {
		size_t m = a + (b - a) / 2;

		if (cmp_bound(&p->exact[m], &key) < 0)
			a = m + 1;
		else
			b = m;
	}
	for (; a < p->n_exact && !cmp_bound(&p->exact[a], &key); a++)
		pick(k, from, p->exact[a].c);
	return k->self ? from : (k->several ? NULL : k->one);
}

const struct rctr *peers_name(const struct peers *p, const struct rctr *from,
			      const struct tally_ent *e, const char **how)
{
	const char *fam = tally_part(e, 0), *addr = tally_part(e, 1);
	long port = strtol(tally_part(e, 2), NULL, 10);
	struct local key = { port, NULL };
	struct pick k = {};
	const struct rctr *c;
	size_t a = 0, b;

	*how = "";
	if (!p || e->n <= e->sub[SUB_FAILED])
		return NULL;
	c = exact(p, from, e, &k);
	if (c || k.several) {
		*how = c == from ? "itself" : (c ? "its address, bound by it" : "");
		return c;
	}
	if (!is_loopback(fam, addr))
		return NULL;
	for (b = p->n_local; a < b;) {
		size_t m = a + (b - a) / 2;

		if (cmp_local(&p->local[m], &key) < 0)
			a = m + 1;
		else
			b = m;
	}
	for (; a < p->n_local && p->local[a].port == port; a++) {
		if (same_pod(from, p->local[a].c))
			pick(&k, from, p->local[a].c);
	}
	if (k.self) {
		*how = "itself";
		return from;
	}
	if (!k.one || k.several)
		return NULL;
	*how = from->k8s_pod && *from->k8s_pod ? "loopback, in its pod"
					       : "loopback, the one container of no pod bound to the port";
	return k.one;
}

static int by_pair(const void *a, const void *b)
{
	const struct edge *x = a, *y = b;

	if (x->from != y->from)
		return x->from->seq < y->from->seq ? -1 : 1;
	if (x->to != y->to)
		return x->to->seq < y->to->seq ? -1 : 1;
	return 0;
}

static int by_count(const void *a, const void *b)
{
	const struct edge *x = a, *y = b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return by_pair(a, b);
}

ssize_t peers_edges(const struct report *r, const struct peers *p, struct edge **out)
{
	struct edge *v = NULL, *w;
	size_t n = 0, alloc = 0, k = 0;

	for (size_t i = 0; i < r->n; i++) {
		const struct rctr *c = r->c[i];

		for (uint32_t j = 0; j < c->endpoints.n; j++) {
			const struct tally_ent *e = &c->endpoints.e[j];
			const char *how;
			const struct rctr *to = peers_name(p, c, e, &how);

			if (!to || to == c)
				continue;
			if (n == alloc) {
				alloc = alloc ? alloc * 2 : 16;
				w = realloc(v, alloc * sizeof(*v));
				if (!w) {
					free(v);
					return -ENOMEM;
				}
				v = w;
			}
			v[n++] = (struct edge){ c, to, e->n - e->sub[SUB_FAILED] };
		}
	}
	if (n)
		qsort(v, n, sizeof(*v), by_pair);
	for (size_t i = 0; i < n; i++) {
		if (k && v[k - 1].from == v[i].from && v[k - 1].to == v[i].to)
			v[k - 1].n += v[i].n;
		else
			v[k++] = v[i];
	}
	if (k)
		qsort(v, k, sizeof(*v), by_count);
	*out = v;
	return (ssize_t)k;
}
