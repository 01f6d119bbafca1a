// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The report as one self-contained HTML file: inline CSS and inline SVG
 * drawn here (svg.c); no script, no font, nothing fetched, so it opens
 * offline and from a mail. A table of every container, the
 * container-to-container graph, then the busiest containers in full
 * (report_opts.html_containers): their timeline and their lists. Counts
 * carry data-* attributes (a section's data-id, a table's data-list, a
 * cell's data-count) so tests and scripts read the same numbers the text
 * and JSON formats print.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "report/html.h"

static const char style[] =
"body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;background:#fff}"
"h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 6px;"
"border-bottom:1px solid #ccc}h3{font-size:15px;margin:16px 0 4px}"
"table{border-collapse:collapse;margin:4px 0}td,th{padding:2px 8px;text-align:left;"
"vertical-align:top;border-bottom:1px solid #eee}th{background:#f4f4f4}"
"td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
".meta{color:#555}.more{color:#777;font-style:italic}.path{font-family:monospace}"
"tr.dir td{background:#fafafa;font-weight:600}tr.file td.path{padding-left:28px}"
"svg{max-width:100%;height:auto}svg text{font:12px sans-serif;fill:#333}svg .grid{stroke:#e4e4e4}"
"svg .axisline{stroke:#888}svg .series{stroke:none;opacity:.9}"
"svg .edge{fill:none;stroke:#555;opacity:.7}svg .node circle{fill:#4e79a7;stroke:#fff;"
"stroke-width:2}svg .count{fill:#a33;font-weight:600}svg text.small{font-size:10px}"
".swatch{display:inline-block;width:10px;height:10px;margin-right:4px}";

static void td(FILE *f, const char *cls, const char *s)
{
	fprintf(f, "<td%s%s%s>", cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
	html_text(f, s ? s : "", 0);
	fputs("</td>", f);
}

static void td_n(FILE *f, uint64_t n)
{
	fprintf(f, "<td class=\"n\" data-count=\"%llu\">%llu</td>", (unsigned long long)n,
		(unsigned long long)n);
}

static void more(FILE *f, const struct shown *s, int cols, const char *what)
{
	if (!s->more_ents)
		return;
	fprintf(f, "<tr class=\"more\"><td class=\"n\" data-more=\"%llu\">%llu</td>"
		"<td colspan=\"%d\" class=\"more\">%llu more %s", (unsigned long long)s->more_n,
		(unsigned long long)s->more_n, cols - 1, (unsigned long long)s->more_ents, what);
	if (s->folded_n)
		fprintf(f, " (%llu occurrences in entries no longer kept: the list was full)",
			(unsigned long long)s->folded_n);
	fputs("</td></tr>\n", f);
}

static void head(const struct report *r, FILE *f)
{
	const struct report_counts *n = &r->cnt;
	char a[32], b[32];

	utc_str(r->first_ns, a, sizeof(a));
	utc_str(r->last_ns, b, sizeof(b));
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		"<title>cactus report</title><style>%s</style></head><body>\n"
		"<h1>cactus report</h1>\n<p class=\"meta\" id=\"summary\" data-events=\"%llu\">"
		"%zu containers, %llu events, %s .. %s (UTC).<br>%llu lines read: %llu events "
		"(%llu alert lines), %llu container_start, %llu container_end, %llu gap, %llu "
		"alert_repeat records; skipped: %llu lines not JSON, %llu of an unknown type, %llu "
		"blank.<br>Lists show the top %zu entries by count (%zu files per directory); "
		"the rest is counted in a \"more\" row.</p>\n", style,
		(unsigned long long)n->events, r->n, (unsigned long long)n->events, a, b,
		(unsigned long long)n->lines, (unsigned long long)n->events,
		(unsigned long long)n->alert_lines, (unsigned long long)n->starts,
		(unsigned long long)n->ends, (unsigned long long)n->gaps,
		(unsigned long long)n->repeats, (unsigned long long)n->not_json,
		(unsigned long long)n->unknown, (unsigned long long)n->empty, r->opts->top,
		r->opts->top_files);
}

static void overview(const struct report *r, struct rctr **v, FILE *f)
{
	fputs("<h2>Containers</h2>\n<table id=\"containers\"><tr><th>container</th><th>image</th>"
	      "<th>runtime</th><th>k8s pod</th><th class=\"n\">events</th>", f);
	for (int s = 0; s < TL_SERIES; s++) {
		fprintf(f, "<th class=\"n\"><span class=\"swatch\" style=\"background:%s\"></span>",
			svg_color(s));
		html_text(f, s < CAT_COUNT ? cactus_category_short(s) : "unknown", 0);
		fputs("</th>", f);
	}
	fputs("<th class=\"n\">alerts</th></tr>\n", f);
	for (size_t i = 0; i < r->n; i++) {
		fprintf(f, "<tr data-id=\"%zu\"><td>", i);
		if (i < r->opts->html_containers)
			fprintf(f, "<a href=\"#c%zu\">", i);
		html_text(f, ctr_label(v[i]), 60);
		fputs(i < r->opts->html_containers ? "</a></td>" : "</td>", f);
		td(f, NULL, v[i]->image);
		td(f, NULL, v[i]->runtime);
		td(f, NULL, v[i]->k8s_pod);
		td_n(f, v[i]->events);
		for (int s = 0; s < TL_SERIES; s++)
			td_n(f, v[i]->cat[s]);
		td_n(f, v[i]->alerts);
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
	if (r->n > r->opts->html_containers)
		fprintf(f, "<p class=\"more\">The %zu busiest containers are shown in full below; "
			"the text and JSON formats show every one.</p>\n", r->opts->html_containers);
}

static void ctr_meta(const struct rctr *c, size_t i, FILE *f)
{
	char a[32], b[32];

	fprintf(f, "<section class=\"container\" id=\"c%zu\" data-id=\"", i);
	html_text(f, c->id, 0);
	fputs("\">\n<h2>", f);
	html_text(f, ctr_label(c), 0);
	fputs("</h2>\n<p class=\"meta\">id <span class=\"path\">", f);
	html_text(f, *c->id ? c->id : "-", 0);
	fputs("</span> &middot; image ", f);
	html_text(f, c->image ? c->image : "-", 0);
	fputs(" &middot; runtime ", f);
	html_text(f, c->runtime ? c->runtime : "-", 0);
	if (c->k8s_pod && *c->k8s_pod) {
		fputs(" &middot; pod ", f);
		html_text(f, c->k8s_ns ? c->k8s_ns : "", 0);
		fputc('/', f);
		html_text(f, c->k8s_pod, 0);
	}
	utc_str(c->first_ns, a, sizeof(a));
	utc_str(c->last_ns, b, sizeof(b));
	fprintf(f, "<br>seen %s .. %s", a, b);
	if (c->ended && *c->end.exit_signal)
		fprintf(f, ", ended by %s", c->end.exit_signal);
	else if (c->ended && c->end.exit_code >= 0)
		fprintf(f, ", ended: exit code %d", c->end.exit_code);
	else if (c->ended)
		fputs(", ended", f);
	fprintf(f, "<br><b>%llu events</b>, %llu alerts, %llu lost (gap records)",
		(unsigned long long)c->events, (unsigned long long)c->alerts,
		(unsigned long long)c->lost);
	if (c->ended)
		fprintf(f, "; the monitor counted %llu events, %llu drops",
			(unsigned long long)c->end.events, (unsigned long long)c->end.drops);
	if (c->setup_events)
		fprintf(f, "; %llu events of the runtime's set-up (phase init) are counted, not "
			"listed", (unsigned long long)c->setup_events);
	fputs("</p>\n", f);
}

static void categories(const struct rctr *c, FILE *f)
{
	fputs("<table data-list=\"categories\"><tr><th>category</th><th class=\"n\">events</th>"
	      "</tr>\n", f);
	for (int s = 0; s < TL_SERIES; s++) {
		if (s == CAT_COUNT && !c->cat[s])
			continue;
		fprintf(f, "<tr data-key=\"%d\"><td><span class=\"swatch\" style=\"background:%s\">"
			"</span>", s, svg_color(s));
		html_text(f, timeline_series_name(s), 0);
		fputs("</td>", f);
		td_n(f, c->cat[s]);
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void join_parts(FILE *f, const struct tally_ent *e, int from, int to, const char *sep)
{
	for (int i = from; i < to; i++) {
		if (i > from)
			fputs(sep, f);
		html_text(f, tally_part(e, i), 0);
	}
}

static void programs(const struct report *r, const struct rctr *c, FILE *f)
{
	struct shown s;

	shown_make(&s, &c->programs, r->opts->top);
	fprintf(f, "<h3>Programs executed (%llu execs)</h3>\n<table data-list=\"programs\">"
		"<tr><th class=\"n\">count</th><th>exe</th><th>argv</th><th>parent &lt; its "
		"ancestors</th></tr>\n", (unsigned long long)c->programs.total);
	for (size_t i = 0; i < s.shown; i++) {
		const struct tally_ent *e = s.e[i];
		int na = atoi(tally_part(e, 1));

		fputs("<tr>", f);
		td_n(f, e->n);
		td(f, "path", tally_part(e, 0));
		fputs("<td class=\"path\">", f);
		join_parts(f, e, 2 + na, tally_nparts(e), " ");
		fputs("</td><td class=\"path\">", f);
		join_parts(f, e, 2, 2 + na, " &lt; ");
		fputs("</td></tr>\n", f);
	}
	more(f, &s, 4, "programs");
	fputs("</table>\n", f);
	shown_free(&s);
}

static void action_cells(FILE *f, const uint64_t *sub)
{
	for (int a = 0; a < FA_COUNT; a++) {
		if (sub[a])
			fprintf(f, "<td class=\"n\">%llu</td>", (unsigned long long)sub[a]);
		else
			fputs("<td class=\"n\"></td>", f);
	}
}

static void dir_rows(const struct report *r, const struct tally_ent *d,
		     struct tally_ent **files, size_t nfiles, FILE *f)
{
	size_t lo, hi, shown;
	uint64_t listed = 0;

	fputs("<tr class=\"dir\">", f);
	td_n(f, d->n);
	td(f, "path", d->key);
	action_cells(f, d->sub);
	fputs("</tr>\n", f);
	view_dir_files(files, nfiles, d->key, &lo, &hi);
	shown = hi - lo < r->opts->top_files ? hi - lo : r->opts->top_files;
	for (size_t i = lo; i < lo + shown; i++) {
		fputs("<tr class=\"file\"><td class=\"n\">", f);
		fprintf(f, "%llu</td>", (unsigned long long)files[i]->n);
		td(f, "path", tally_part(files[i], 1));
		action_cells(f, files[i]->sub);
		fputs("</tr>\n", f);
		listed += files[i]->n;
	}
	if (d->n > listed)
		fprintf(f, "<tr class=\"file\"><td class=\"n\">%llu</td><td colspan=\"7\" "
			"class=\"more\">%zu more files%s</td></tr>\n",
			(unsigned long long)(d->n - listed), hi - lo - shown,
			hi - lo > shown ? "" : " (no longer kept: the list was full)");
}

static void files(const struct report *r, const struct rctr *c, FILE *f)
{
	struct tally_ent **byd = view_files_by_dir(&c->files);
	struct shown s;

	shown_make(&s, &c->dirs, r->opts->top);
	fprintf(f, "<h3>Files touched (%llu), by directory</h3>\n<table data-list=\"files\">"
		"<tr><th class=\"n\">count</th><th>directory, file</th>",
		(unsigned long long)c->dirs.total);
	for (int a = 0; a < FA_COUNT; a++)
		fprintf(f, "<th class=\"n\">%s</th>", file_act_name(a));
	fputs("</tr>\n", f);
	for (size_t i = 0; i < s.shown; i++)
		dir_rows(r, s.e[i], byd, byd ? c->files.n : 0, f);
	more(f, &s, 8, "directories");
	fputs("</table>\n", f);
	shown_free(&s);
	free(byd);
}

static void endpoint(FILE *f, const struct tally_ent *e)
{
	const char *fam = tally_part(e, 0);
	bool v6 = !strcmp(fam, "AF_INET6");

	fprintf(f, "<td class=\"path\">%s %s", fam, v6 ? "[" : "");
	html_text(f, tally_part(e, 1), 0);
	fputs(v6 ? "]" : "", f);
	if (strcmp(fam, "AF_UNIX"))
		fprintf(f, ":%s", tally_part(e, 2));
	fputs("</td>", f);
}

static void listening(const struct report *r, const struct rctr *c, FILE *f)
{
	struct shown s;

	shown_make(&s, &c->listen, r->opts->top);
	fputs("<h3>Listening (bind, listen)</h3>\n<table data-list=\"listening\"><tr>"
	      "<th class=\"n\">binds</th><th>address</th><th class=\"n\">listens</th></tr>\n", f);
	for (size_t i = 0; i < s.shown; i++) {
		fputs("<tr>", f);
		td_n(f, s.e[i]->n);
		endpoint(f, s.e[i]);
		fprintf(f, "<td class=\"n\">%llu</td></tr>\n",
			(unsigned long long)s.e[i]->sub[SUB_LISTEN]);
	}
	more(f, &s, 3, "addresses");
	fputs("</table>\n", f);
	shown_free(&s);
}

static void outbound(const struct report *r, const struct rctr *c, const struct peers *p,
		     FILE *f)
{
	struct shown s;

	shown_make(&s, &c->endpoints, r->opts->top);
	fprintf(f, "<h3>Outbound (connect: %llu)</h3>\n<table data-list=\"outbound\"><tr>"
		"<th class=\"n\">count</th><th>endpoint</th><th class=\"n\">failed</th>"
		"<th>peer container</th></tr>\n", (unsigned long long)c->endpoints.total);
	for (size_t i = 0; i < s.shown; i++) {
		const char *how;
		const struct rctr *peer = peers_name(p, c, s.e[i], &how);

		fputs("<tr>", f);
		td_n(f, s.e[i]->n);
		endpoint(f, s.e[i]);
		fprintf(f, "<td class=\"n\">%llu</td><td class=\"peer\">",
			(unsigned long long)s.e[i]->sub[SUB_FAILED]);
		if (peer) {
			fputs("<b>", f);
			html_text(f, ctr_label(peer), 0);
			fputs("</b> <span class=\"meta\">(", f);
			html_text(f, how, 0);
			fputs(")</span>", f);
		}
		fputs("</td></tr>\n", f);
	}
	more(f, &s, 4, "endpoints");
	fputs("</table>\n", f);
	shown_free(&s);
}

/* signals and alerts: a count and three parts of the key */
static void three(const struct tally *t, size_t cap, const char *list, const char *title,
		  const char *const heads[3], FILE *f)
{
	struct shown s;

	shown_make(&s, t, cap);
	fprintf(f, "<h3>%s</h3>\n<table data-list=\"%s\"><tr><th class=\"n\">count</th>"
		"<th>%s</th><th>%s</th><th>%s</th></tr>\n", title, list, heads[0], heads[1],
		heads[2]);
	for (size_t i = 0; i < s.shown; i++) {
		fputs("<tr>", f);
		td_n(f, s.e[i]->n);
		for (int k = 0; k < 3; k++)
			td(f, NULL, tally_part(s.e[i], k));
		fputs("</tr>\n", f);
	}
	more(f, &s, 4, "entries");
	fputs("</table>\n", f);
	shown_free(&s);
}

static void container(const struct report *r, const struct rctr *c, size_t i,
		      const struct peers *p, FILE *f)
{
	static const char *const sig[3] = { "signal", "target", "target pid (unnamed)" };
	static const char *const alert[3] = { "rule", "priority", "outcome" };
	char id[32];

	ctr_meta(c, i, f);
	snprintf(id, sizeof(id), "timeline-%zu", i);
	svg_timeline(f, c, id);
	categories(c, f);
	programs(r, c, f);
	files(r, c, f);
	listening(r, c, f);
	outbound(r, c, p, f);
	three(&c->signals, r->opts->top, "signals", "Signals sent", sig, f);
	three(&c->alerts_by_rule, r->opts->top, "alerts", "Alerts", alert, f);
	fputs("</section>\n", f);
}

int report_html(const struct report *r, FILE *f)
{
	struct rctr **v = view_containers(r);
	struct peers *p = peers_new(r);
	struct edge *edges = NULL;
	ssize_t ne = p ? peers_edges(r, p, &edges) : -ENOMEM;

	if (!v || ne < 0) {
		free(v);
		peers_free(p);
		return -ENOMEM;
	}
	head(r, f);
	fprintf(f, "<h2>Container to container</h2>\n<p class=\"meta\">An arrow is a "
		"container's successful connects to an address another container of the stream "
		"bound (or a loopback port bound in its pod); its number, how many. %zd pairs%s."
		"</p>\n", ne, ne > 60 ? "; the 60 busiest drawn" : "");
	svg_graph(f, edges, ne);
	overview(r, v, f);
	for (size_t i = 0; i < r->n && i < r->opts->html_containers; i++)
		container(r, v[i], i, p, f);
	fputs("</body></html>\n", f);
	free(edges);
	free(v);
	peers_free(p);
	return 0;
}
