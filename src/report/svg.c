// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The HTML report's plots, drawn here as inline SVG (no script, no fonts,
 * nothing fetched): a container's timeline as stacked areas (events/s per
 * category, a step per bucket, axes with UTC times, a legend), and the
 * container-to-container graph (nodes on a circle, one arrow per
 * direction with its count).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "report/html.h"

/* Tableau 10: told apart by most eyes, also in print */
static const char *const colors[TL_SERIES] = {
	"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
	"#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
};

const char *svg_color(int series)
{
	return colors[series % TL_SERIES];
}

/* 1, 2, 5 x 10^k at or above @v */
static double nice_ceil(double v)
{
	double p = pow(10, floor(log10(v)));

	if (v <= p)
		return p;
	if (v <= 2 * p)
		return 2 * p;
	if (v <= 5 * p)
		return 5 * p;
	return 10 * p;
}

static void fmt_num(char *b, size_t len, double v)
{
	if (v >= 100 || v == floor(v))
		snprintf(b, len, "%.0f", v);
	else
		snprintf(b, len, "%.2g", v);
}

/* ---- the timeline ---- */

#define TL_W 960
#define TL_H 270
#define TL_L 64
#define TL_R 40
#define TL_T 16
#define TL_B 78

struct frame {
	const struct timeline *t;
	double pw, ph, ymax;
};

static double fx(const struct frame *fr, double i)
{
	return TL_L + i * fr->pw / fr->t->n;
}

static double fy(const struct frame *fr, double v)
{
	return TL_T + fr->ph - v / fr->ymax * fr->ph;
}

/* The sum of the series below and including @s in bucket @i, per second. */
static double stacked(const struct rctr *c, uint32_t i, int s)
{
	uint64_t sum = 0;

	for (int k = 0; k <= s; k++) {
		if (c->cat[k])
			sum += c->tl.b[i][k];
	}
	return (double)sum / c->tl.width;
}

static void area(FILE *f, const struct frame *fr, const struct rctr *c, int s, int below)
{
	const struct timeline *t = fr->t;

	fprintf(f, "<polygon class=\"series\" fill=\"%s\" points=\"", svg_color(s));
	for (uint32_t i = 0; i < t->n; i++) {
		double y = fy(fr, stacked(c, i, s));

		fprintf(f, "%.1f,%.1f %.1f,%.1f ", fx(fr, i), y, fx(fr, i + 1), y);
	}
	for (uint32_t i = t->n; i-- > 0;) {
		double y = below < 0 ? fy(fr, 0) : fy(fr, stacked(c, i, below));

		fprintf(f, "%.1f,%.1f %.1f,%.1f ", fx(fr, i + 1), y, fx(fr, i), y);
	}
	fputs("\"><title>", f);
	html_text(f, timeline_series_name(s), 0);
	fprintf(f, ": %llu events</title></polygon>\n", (unsigned long long)c->cat[s]);
}

static const uint32_t steps[] = { 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600,
				  7200, 10800, 21600, 43200, 86400, 172800, 604800 };

static void x_axis(FILE *f, const struct frame *fr)
{
	const struct timeline *t = fr->t;
	int64_t span = (int64_t)t->n * t->width, first;
	uint32_t step = steps[sizeof(steps) / sizeof(steps[0]) - 1];
	bool days = span > 86400;

	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		if (span / steps[i] <= 7) {
			step = steps[i];
			break;
		}
	}
	first = (t->base + step - 1) / step * step;
	for (int64_t s = first; s <= t->base + span; s += step) {
		double x = fx(fr, (double)(s - t->base) / t->width);
		time_t tt = (time_t)s;
		struct tm tm;
		char b[32] = "";

		if (gmtime_r(&tt, &tm))
			strftime(b, sizeof(b), days ? "%m-%d %H:%M" : "%H:%M:%S", &tm);
		fprintf(f, "<line class=\"grid\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\"/>"
			"<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
			x, TL_T, x, TL_T + fr->ph + 4, x, TL_T + fr->ph + 16, b);
	}
	fprintf(f, "<text class=\"axis\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">time (UTC), "
		"%u s buckets</text>\n", TL_L + fr->pw / 2, TL_T + fr->ph + 32, t->width);
}

static void y_axis(FILE *f, const struct frame *fr)
{
	char b[32];

	for (int k = 0; k <= 4; k++) {
		double v = fr->ymax * k / 4, y = fy(fr, v);

		fmt_num(b, sizeof(b), v);
		fprintf(f, "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
			"<text class=\"tick\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
			TL_L - 4, y, TL_L + fr->pw, y, TL_L - 7, y + 4, b);
	}
	fprintf(f, "<text class=\"axis\" transform=\"translate(14,%.1f) rotate(-90)\" "
		"text-anchor=\"middle\">events/s</text>\n", TL_T + fr->ph / 2);
}

/* Two rows of five at most: a column per series, wide enough for the
 * longest name ("Directory Operation" at 12px). */
static void legend(FILE *f, const struct rctr *c)
{
	int k = 0;

	for (int s = 0; s < TL_SERIES; s++) {
		double x = TL_L + (k % 5) * 170.0;
		int y = TL_H - 36 + (k / 5) * 18;

		if (!c->cat[s])
			continue;
		fprintf(f, "<g class=\"legend\"><rect x=\"%.1f\" y=\"%d\" width=\"12\" height=\"12\" "
			"fill=\"%s\"/><text x=\"%.1f\" y=\"%d\">", x, y, svg_color(s), x + 16,
			y + 10);
		html_text(f, timeline_series_name(s), 0);
		fputs("</text></g>\n", f);
		k++;
	}
}

void svg_timeline(FILE *f, const struct rctr *c, const char *id)
{
	struct frame fr = { .t = &c->tl, .pw = TL_W - TL_L - TL_R, .ph = TL_H - TL_T - TL_B };
	int below = -1;

	fprintf(f, "<svg class=\"timeline\" id=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" "
		"viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\">\n", id, TL_W,
		TL_H, TL_W, TL_H);
	if (!c->tl.n) {
		fprintf(f, "<text class=\"axis\" x=\"%d\" y=\"%d\">no event with a time</text>"
			"</svg>\n", TL_L, TL_T + 20);
		return;
	}
	fr.ymax = 0;
	for (uint32_t i = 0; i < c->tl.n; i++)
		fr.ymax = fmax(fr.ymax, stacked(c, i, TL_SERIES - 1));
	fr.ymax = nice_ceil(fr.ymax > 0 ? fr.ymax : 1);
	y_axis(f, &fr);
	for (int s = 0; s < TL_SERIES; s++) {
		if (!c->cat[s])
			continue;
		area(f, &fr, c, s, below);
		below = s;
	}
	x_axis(f, &fr);
	fprintf(f, "<line class=\"axisline\" x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
		TL_L, TL_T + fr.ph, TL_L + fr.pw, TL_T + fr.ph);
	legend(f, c);
	fputs("</svg>\n", f);
}

/* ---- the graph ---- */

#define G_W 960
#define G_NODES 40  /* nodes drawn at most: the busiest pairs' */
#define G_EDGES 60  /* arrows drawn at most: the busiest */
#define G_SMALL 12  /* up to this many nodes: big ones, counts on the arrows */

struct node {
	const struct rctr *c;
	double x, y, a; /* a: the angle on the ellipse */
};

struct layout {
	struct node v[G_NODES];
	size_t n;
	int h, r;       /* the height; a node's radius */
	double cx, cy;
};

static int node_of(const struct layout *l, const struct rctr *c)
{
	for (size_t i = 0; i < l->n; i++) {
		if (l->v[i].c == c)
			return (int)i;
	}
	return -1;
}

static void add_node(struct layout *l, const struct rctr *c)
{
	if (node_of(l, c) < 0 && l->n < G_NODES)
		l->v[l->n++].c = c;
}

/* The containers of the busiest pairs, on an ellipse that grows with
 * their number. */
static void place(const struct edge *e, ssize_t ne, struct layout *l)
{
	double rx, ry;

	for (ssize_t i = 0; i < ne && i < G_EDGES; i++) {
		add_node(l, e[i].from);
		add_node(l, e[i].to);
	}
	l->r = l->n <= G_SMALL ? 20 : 8;
	rx = fmin(G_W / 2 - 170, 120 + 40.0 * (double)l->n);
	ry = l->n <= 2 ? 0 : fmin(240, 40 + 20.0 * (double)l->n);
	l->h = (int)(2 * ry + 110);
	l->cx = G_W / 2;
	l->cy = l->h / 2 - 10;
	for (size_t i = 0; i < l->n; i++) {
		l->v[i].a = M_PI + 2 * M_PI * (double)i / (double)l->n;
		l->v[i].x = l->cx + rx * cos(l->v[i].a);
		l->v[i].y = l->cy + ry * sin(l->v[i].a);
	}
}

static void arrow(FILE *f, const struct layout *l, const struct node *a, const struct node *b,
		  uint64_t count)
{
	double dx = b->x - a->x, dy = b->y - a->y, d = sqrt(dx * dx + dy * dy);
	double ux = dx / d, uy = dy / d;
	/* bend to the left of the direction: A->B and B->A do not overlap */
	double bend = l->n <= G_SMALL ? 28 : 12;
	double mx = (a->x + b->x) / 2 - uy * bend, my = (a->y + b->y) / 2 + ux * bend;
	double sw = 1.2 + 1.5 * log10((double)count + 1);

	fprintf(f, "<path class=\"edge\" d=\"M%.1f,%.1f Q%.1f,%.1f %.1f,%.1f\" stroke-width=\"%.1f\" "
		"marker-end=\"url(#arrow)\"><title>", a->x + ux * l->r, a->y + uy * l->r, mx, my,
		b->x - ux * (l->r + 4), b->y - uy * (l->r + 4), sw);
	html_text(f, ctr_label(a->c), 0);
	fputs(" -&gt; ", f);
	html_text(f, ctr_label(b->c), 0);
	fprintf(f, ": %llu connects</title></path>\n", (unsigned long long)count);
	if (l->n <= G_SMALL)
		fprintf(f, "<text class=\"count\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">"
			"%llu</text>\n", (a->x + b->x) / 2 - uy * bend * 0.65,
			(a->y + b->y) / 2 + ux * bend * 0.65 + 4, (unsigned long long)count);
}

/* Below a big node; outside the ellipse, away from it, for small ones. */
static void node(FILE *f, const struct layout *l, const struct node *v)
{
	double c = cos(v->a), s = sin(v->a);
	bool small = l->n > G_SMALL;

	fprintf(f, "<g class=\"node\"><circle cx=\"%.1f\" cy=\"%.1f\" r=\"%d\"/>", v->x, v->y,
		l->r);
	if (small)
		fprintf(f, "<text class=\"small\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">",
			v->x + c * (l->r + 4), v->y + s * (l->r + 4) + 4,
			c < -0.2 ? "end" : (c > 0.2 ? "start" : "middle"));
	else
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", v->x,
			v->y + l->r + 15);
	html_text(f, ctr_label(v->c), small ? 22 : 28);
	fputs("</text><title>", f);
	html_text(f, ctr_label(v->c), 0);
	fputc(' ', f);
	html_text(f, v->c->id, 0);
	fputs("</title></g>\n", f);
}

void svg_graph(FILE *f, const struct edge *e, ssize_t ne)
{
	struct layout l = { .h = 60 };

	place(e, ne, &l);
	fprintf(f, "<svg class=\"graph\" id=\"graph\" xmlns=\"http://www.w3.org/2000/svg\" "
		"viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\">\n"
		"<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" "
		"markerUnits=\"userSpaceOnUse\" markerWidth=\"12\" markerHeight=\"12\" "
		"orient=\"auto-start-reverse\">"
		"<path d=\"M0,0 L10,5 L0,10 z\" fill=\"#555\"/></marker></defs>\n",
		G_W, l.h, G_W, l.h);
	if (!l.n) {
		fputs("<text class=\"axis\" x=\"16\" y=\"34\">no connection from one container of "
		      "this stream to another was seen</text></svg>\n", f);
		return;
	}
	for (ssize_t i = 0; i < ne && i < G_EDGES; i++) {
		int a = node_of(&l, e[i].from), b = node_of(&l, e[i].to);

		if (a >= 0 && b >= 0)
			arrow(f, &l, &l.v[a], &l.v[b], e[i].n);
	}
	for (size_t i = 0; i < l.n; i++)
		node(f, &l, &l.v[i]);
	fputs("</svg>\n", f);
}
