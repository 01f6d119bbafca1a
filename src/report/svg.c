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
#define G_R 20      /* a node's radius */
#define G_NODES 40  /* nodes drawn at most: the busiest pairs' */

struct node {
	const struct rctr *c;
	double x, y;
};

static int node_of(struct node *v, size_t n, const struct rctr *c)
{
	for (size_t i = 0; i < n; i++) {
		if (v[i].c == c)
			return (int)i;
	}
	return -1;
}

/* The containers of the first edges, up to G_NODES, on an ellipse that
 * grows with their number; the height it needs. */
static size_t place(const struct edge *e, ssize_t ne, struct node *v, int *h)
{
	double rx, ry;

	size_t n = 0;

	for (ssize_t i = 0; i < ne; i++) {
		if (node_of(v, n, e[i].from) < 0 && n < G_NODES)
			v[n++].c = e[i].from;
		if (node_of(v, n, e[i].to) < 0 && n < G_NODES)
			v[n++].c = e[i].to;
	}
	rx = fmin(G_W / 2 - 130, 120 + 40.0 * (double)n);
	ry = n <= 2 ? 0 : fmin(220, 40 + 20.0 * (double)n);
	*h = (int)(2 * ry + 110);
	for (size_t i = 0; i < n; i++) {
		double a = M_PI + 2 * M_PI * (double)i / (double)n;

		v[i].x = G_W / 2 + rx * cos(a);
		v[i].y = *h / 2 - 10 + ry * sin(a);
	}
	return n;
}

static void arrow(FILE *f, const struct node *a, const struct node *b, uint64_t count)
{
	double dx = b->x - a->x, dy = b->y - a->y, d = sqrt(dx * dx + dy * dy);
	double ux = dx / d, uy = dy / d;
	/* bend to the left of the direction: A->B and B->A do not overlap */
	double mx = (a->x + b->x) / 2 - uy * 28, my = (a->y + b->y) / 2 + ux * 28;
	double sw = 1.2 + 1.5 * log10((double)count + 1);

	fprintf(f, "<path class=\"edge\" d=\"M%.1f,%.1f Q%.1f,%.1f %.1f,%.1f\" stroke-width=\"%.1f\" "
		"marker-end=\"url(#arrow)\"><title>%llu connects</title></path>\n",
		a->x + ux * G_R, a->y + uy * G_R, mx, my, b->x - ux * (G_R + 4),
		b->y - uy * (G_R + 4), sw, (unsigned long long)count);
	fprintf(f, "<text class=\"count\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%llu</text>\n",
		(a->x + b->x) / 2 - uy * 18, (a->y + b->y) / 2 + ux * 18 + 4,
		(unsigned long long)count);
}

void svg_graph(FILE *f, const struct edge *e, ssize_t ne)
{
	struct node v[G_NODES] = {};
	int h = 60;
	size_t n = place(e, ne, v, &h);

	fprintf(f, "<svg class=\"graph\" id=\"graph\" xmlns=\"http://www.w3.org/2000/svg\" "
		"viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\">\n"
		"<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" "
		"markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">"
		"<path d=\"M0,0 L10,5 L0,10 z\" fill=\"#555\"/></marker></defs>\n",
		G_W, h, G_W, h);
	if (!n) {
		fputs("<text class=\"axis\" x=\"16\" y=\"34\">no connection from one container of "
		      "this stream to another was seen</text></svg>\n", f);
		return;
	}
	for (ssize_t i = 0; i < ne; i++) {
		int a = node_of(v, n, e[i].from), b = node_of(v, n, e[i].to);

		if (a >= 0 && b >= 0)
			arrow(f, &v[a], &v[b], e[i].n);
	}
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "<g class=\"node\"><circle cx=\"%.1f\" cy=\"%.1f\" r=\"%d\"/>"
			"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", v[i].x, v[i].y, G_R,
			v[i].x, v[i].y + G_R + 15);
		html_text(f, ctr_label(v[i].c), 28);
		fputs("</text><title>", f);
		html_text(f, v[i].c->id, 0);
		fputs("</title></g>\n", f);
	}
	fputs("</svg>\n", f);
}
