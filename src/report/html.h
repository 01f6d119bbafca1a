/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The HTML report's pieces: escaping (html.c) and the plots (svg.c). */
#ifndef CACTUS_REPORT_HTML_H
#define CACTUS_REPORT_HTML_H

#include "report/internal.h"

/* @s as HTML text: first escaped as the monitor's text output escapes it
 * (controls, bidi overrides, invalid UTF-8 become visible escapes), then
 * & < > " ' as entities; cut to @max characters with "..." (0: whole). */
void html_text(FILE *f, const char *s, size_t max);

/* A series' colour (the legend's, the plot's). */
const char *svg_color(int series);
/* @c's timeline: stacked areas of events/s per category. */
void svg_timeline(FILE *f, const struct rctr *c, const char *id);
/* The container-to-container graph of @e (peers_edges). */
void svg_graph(FILE *f, const struct edge *e, ssize_t ne);

#endif
