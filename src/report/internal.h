/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Inside `cactus report`: what is kept per container while the JSON Lines
 * stream is read (agg.c), and what the three formats (text.c, json.c,
 * html.c) read from it once it is done, through the same sorted and capped
 * lists (view.c), so they cannot disagree on a number.
 */
#ifndef CACTUS_REPORT_INTERNAL_H
#define CACTUS_REPORT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include "report/report.h"
#include "report/tally.h"
#include "report/timeline.h"

/* What a file event did (README "cactus report": the mapping). */
enum file_act { FA_READ, FA_WRITE, FA_CREATE, FA_DELETE, FA_RENAME, FA_CHMOD, FA_COUNT };

/* Entries each list keeps (tally max): past that, the less frequent half
 * is folded. What the formats show of them is report_opts.top. */
#define KEEP_PROGRAMS 256
#define KEEP_DIRS 256
#define KEEP_FILES 1024
#define KEEP_NET 256
#define KEEP_SIGNALS 128
#define KEEP_ALERTS 128

/* sub-counts */
#define SUB_FAILED 0  /* endpoints: connects that failed */
#define SUB_LISTEN 0  /* listening: listen() after the bind */

/* the last processes of a container seen (pid -> comm), to name a signal's
 * target: direct-mapped by pid (a pid seen is named, a collision forgets) */
#define PID_NAMES 64
/* a process's last binds, for its listen() */
#define RECENT_BINDS 8

struct pid_name {
	int32_t pid;
	char comm[16];
};

struct recent_bind {
	int32_t host_pid;
	uint32_t len;
	char key[256];
};

struct rctr {
	char *id, *name, *image, *runtime, *k8s_ns, *k8s_pod, *k8s_pod_uid;
	char id12[13];                   /* the id's first 12, a label without a name */
	uint64_t seq;                    /* order first seen */
	uint64_t events;                 /* event lines (one per event) */
	uint64_t cat[TL_SERIES];
	uint64_t setup_events;           /* phase init: left out of the lists */
	uint64_t alerts;                 /* alerts, repeats included */
	uint64_t lost;                   /* gap records' lost */
	uint64_t listens_unbound;        /* listen() with no bind of its process seen */
	int64_t first_ns, last_ns;       /* UTC ns of its first and last record */
	bool started, ended;
	/* its container_end record: what the monitor counted */
	struct {
		int exit_code;           /* -1: null */
		char exit_signal[16];
		uint64_t events, drops, alerts, kills, denies;
	} end;
	struct timeline tl;
	struct tally programs, dirs, files, listen, endpoints, signals, alerts_by_rule;
	struct pid_name pids[PID_NAMES];
	struct recent_bind binds[RECENT_BINDS];
	uint32_t next_bind;
};

struct report {
	const struct report_opts *opts;
	struct json_tokener *tok;        /* reused for every line */
	struct rctr **c;                 /* in the order first seen */
	size_t n, alloc;
	uint32_t *index;                 /* open addressing over c: index + 1, 0 empty */
	size_t nindex;
	struct report_counts cnt;
	int64_t first_ns, last_ns;
	/* the previous event line: a second line of the same event (one per
	 * rule it matched) counts its alert only */
	struct {
		char time[40];
		int64_t tid, nr;
		bool alert;
		const struct rctr *c;
	} prev;
};

/* ---- view.c: what every format shows ---- */

/* A list as shown: the first @shown of the sorted entries, and the rest. */
struct shown {
	struct tally_ent **e;            /* sorted (tally_sorted), NULL if none */
	size_t n, shown;
	uint64_t more_ents, more_n;      /* entries not shown, their occurrences */
	uint64_t folded_n;               /* of which folded away (table full) */
};

void shown_make(struct shown *s, const struct tally *t, size_t cap);
void shown_free(struct shown *s);
/* The containers, busiest first (ties: first seen first). */
struct rctr **view_containers(const struct report *r);
/* The file entries by directory, then count (most first); NULL if none. */
struct tally_ent **view_files_by_dir(const struct tally *files);
/* The files of directory @dir among @files (view_files_by_dir): [*lo, *hi). */
void view_dir_files(struct tally_ent **files, size_t n, const char *dir, size_t *lo,
		    size_t *hi);
const char *file_act_name(enum file_act a);
/* A container's label: its name, else its id's first 12, else "(no container)". */
const char *ctr_label(const struct rctr *c);

/* ---- peers.c: whom a container connected to ---- */

struct peers;
/* Indexes every container's listening addresses. */
struct peers *peers_new(const struct report *r);
void peers_free(struct peers *p);
/* The container an endpoint of @from (a key: family, addr, port) reaches,
 * or NULL; @how says why ("address bound by it", "loopback, ..."). */
const struct rctr *peers_name(const struct peers *p, const struct rctr *from,
			      const struct tally_ent *endpoint, const char **how);

/* Container-to-container connections (successful connects, a peer named,
 * not itself), aggregated per pair, most first: their number, or -ENOMEM;
 * *out to free. */
struct edge {
	const struct rctr *from, *to;
	uint64_t n;
};
ssize_t peers_edges(const struct report *r, const struct peers *p, struct edge **out);

/* ---- the formats: 0 or -errno (of the write) ---- */

int report_text(const struct report *r, FILE *f);
int report_json(const struct report *r, FILE *f);
int report_html(const struct report *r, FILE *f);

/* "2026-12-05T13:13:17Z" from UTC ns (@len >= 24). */
void utc_str(int64_t ns, char *buf, size_t len);

#endif
