/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * `cactus report`: what each container did, from the JSON Lines that
 * `cactus monitor --output json` writes (a file, stdin, or a monitor run
 * for a while as a child): per container its categories' counts and
 * timeline, the programs it ran, the files it touched, where it listened
 * and connected (the peer named when it is another container of the
 * stream), the signals it sent and its alerts; as text, JSON or one
 * self-contained HTML file. The stream is read line by line: memory grows
 * with the containers and the lists' caps, not with the lines.
 */
#ifndef CACTUS_REPORT_H
#define CACTUS_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum report_format { REPORT_TEXT, REPORT_JSON, REPORT_HTML };

struct report_opts {
	enum report_format format;
	const char *output;        /* NULL: stdout */
	const char *input;         /* NULL or "-": stdin */
	uint64_t duration_ms;      /* live (a monitor as a child) when > 0 */
	char **monitor_args;       /* live: the monitor's options (filters) */
	int n_monitor_args;
	size_t top;                /* entries shown per list (default 50) */
	size_t top_files;          /* files shown per directory (default 20) */
	size_t html_containers;    /* containers drawn in full in HTML (default 50) */
};

/* What the stream held, line by line. */
struct report_counts {
	uint64_t lines, events, alert_lines;
	uint64_t starts, ends, gaps, repeats;
	uint64_t empty;            /* blank lines */
	uint64_t not_json;         /* not one JSON object (cut, garbage) */
	uint64_t unknown;          /* an object of no type this report knows */
	uint64_t no_time;          /* an event without a time: not in the timeline */
	uint64_t oom;              /* entries not kept: out of memory */
};

struct report;

struct report *report__new(const struct report_opts *opts);
void report__free(struct report *r);
/* One line of the stream (its newline optional): 0, or -ENOMEM. A line
 * that is not a record is counted, never an error. */
int report__feed(struct report *r, const char *line, size_t len);
/* A line too long to be a record: counted as not JSON. */
void report__skip_line(struct report *r);
const struct report_counts *report__counts(const struct report *r);
/* The report in opts->format: 0, or -errno of the write. */
int report__write(const struct report *r, FILE *f);

/* Reads the stream @opts names (a file, stdin, or a monitor run for
 * opts->duration_ms) and writes the report: the exit status (0, 1, or the
 * monitor's when it failed). */
int report_run(const struct report_opts *opts);

/* `cactus report ...` (argv[0] is "report"): the exit status. */
int report_cmd(int argc, char **argv);

#endif
