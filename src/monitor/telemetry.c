// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The metrics of README "Metrics", filled from the pipeline, and /healthz.
 * Nothing here exists without --metrics-addr (m->tm stays NULL and every
 * hook returns at once).
 *
 * Where each value comes from:
 *   events{category,syscall}  telemetry_record(): one relaxed atomic add on a
 *                             handle per syscall nr, resolved at start for
 *                             the traced set (others on first sight)
 *   alerts{rule,priority,outcome}  telemetry_alert(): handles cached by
 *                             (rule, outcome); the cache is emptied by a
 *                             reload (the old rules' names are freed)
 *   consumer lag              the first record of each poll round: kernel
 *                             time of its syscall to now (the oldest waiting)
 *   container events, drops   ctr_metrics.c, sampled once a second
 *   containers{runtime}, metadata lookup failures, /healthz's drop window
 *                             sampled once a second (consumer thread)
 *   drops, throttled, kills, denies, ring fill, sinks
 *                             at each scrape, on the HTTP thread: the kernel's
 *                             per-CPU counters and the ring's positions are
 *                             read through their own fds and mappings, the
 *                             sinks' counters are atomics
 * /healthz (HTTP thread): ready once attached; unhealthy while the ring
 * holds data and the consumer has finished no poll round for STALL_NS, or
 * when records were lost (ring full, or a container over its budget) within
 * the last DROPS_WINDOW seconds; the body says which.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include "metrics/cactus_metrics.h"
#include "metrics/server.h"
#include "log.h"
#include "monitor/agent.h"

#ifndef CACTUS_VERSION
#define CACTUS_VERSION "unknown"
#endif

#define NS 1000000000ULL
#define SAMPLE_NS NS                 /* sampled values: once a second */
#define STALL_NS (5 * NS)            /* no poll round for this long, with data waiting */
#define DROPS_WINDOW 10              /* seconds */
#define ALERT_SLOTS 1024             /* (rule, outcome) -> series, open addressing */
#define MAX_RUNTIMES 16

struct alert_slot {
	const char *rule;            /* the rule set's name (a pointer) */
	enum alert_outcome outcome;
	struct metric *s;
};

struct runtime_gauge {
	char name[16];
	struct metric *s;
	unsigned int n;
};

struct telemetry {
	const struct monitor *m;
	struct metrics *reg;
	struct cactus_metrics cm;
	struct server *srv;
	struct ctr_metrics *ctr;
	struct metric *by_nr[CACTUS_MAX_SYSCALLS];
	struct alert_slot alerts[ALERT_SLOTS];
	struct runtime_gauge runtimes[MAX_RUNTIMES];
	size_t n_runtimes;
	struct metric *reload_ok, *reload_failed;
	/* the ring's consumer and producer positions (read-only mappings:
	 * libbpf 1.1 has no ring__avail_data_size()) */
	const unsigned long *cons_pos, *prod_pos;
	size_t page;
	unsigned long ring_size;
	uint64_t next_sample;
	bool lag_pending;
	uint64_t drops_hist[DROPS_WINDOW + 1][2]; /* STAT_DROPS, _THROTTLED, once a second */
	unsigned int n_hist;
	/* shared with the HTTP thread */
	atomic_bool ready, stopping;
	_Atomic uint64_t round_ns;           /* end of the last poll round */
	_Atomic uint64_t drops_recent;       /* ring-full drops in the last DROPS_WINDOW s */
	_Atomic uint64_t throttled_recent;   /* ... and records over a budget */
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS + ts.tv_nsec;
}

/* ---- the ring's fill level ---- */

static int ring_map(struct telemetry *t, int fd, unsigned long size)
{
	void *c, *p;

	t->page = sysconf(_SC_PAGESIZE);
	c = mmap(NULL, t->page, PROT_READ, MAP_SHARED, fd, 0);
	if (c == MAP_FAILED)
		return -errno;
	p = mmap(NULL, t->page, PROT_READ, MAP_SHARED, fd, t->page);
	if (p == MAP_FAILED) {
		int err = -errno;

		munmap(c, t->page);
		return err;
	}
	t->cons_pos = c;
	t->prod_pos = p;
	t->ring_size = size;
	return 0;
}

static unsigned long ring_avail(const struct telemetry *t)
{
	if (!t->cons_pos)
		return 0;
	return __atomic_load_n(t->prod_pos, __ATOMIC_ACQUIRE) -
	       __atomic_load_n(t->cons_pos, __ATOMIC_ACQUIRE);
}

/* ---- the HTTP thread ---- */

static void collect(void *ctx)
{
	struct telemetry *t = ctx;
	__u64 k[STAT_NSTATS];

	kernel__stats(t->m->kernel, k);
	metric__set(t->cm.drops, (double)k[STAT_DROPS]);
	metric__set(t->cm.throttled, (double)k[STAT_THROTTLED]);
	metric__set(t->cm.uring_lost, (double)k[STAT_URING_LOST]);
	metric__set(t->cm.kills, (double)k[STAT_KILLS]);
	metric__set(t->cm.denies, (double)k[STAT_DENIES]);
	if (t->ring_size)
		metric__set(t->cm.ring_fill, (double)ring_avail(t) / (double)t->ring_size);
	deliver_collect(t->m, &t->cm);
}

static bool check_ready(void *ctx, char *why, size_t len)
{
	struct telemetry *t = ctx;

	if (atomic_load(&t->stopping))
		snprintf(why, len, "not ready: stopping");
	else if (!atomic_load(&t->ready))
		snprintf(why, len, "not ready: attaching");
	else
		return true;
	return false;
}

static bool check_healthy(void *ctx, char *why, size_t len)
{
	struct telemetry *t = ctx;
	unsigned long avail = ring_avail(t);
	uint64_t idle = mono_ns() - atomic_load(&t->round_ns);
	uint64_t full = atomic_load(&t->drops_recent), over = atomic_load(&t->throttled_recent);
	bool stalled = avail && idle > STALL_NS;
	int n = 0;

	if (!stalled && !full && !over)
		return true;
	if (stalled)
		n = snprintf(why, len, "consumer stalled: no progress for %.1f s with %lu bytes "
			     "waiting in the ring", (double)idle / NS, avail);
	if ((full || over) && n >= 0 && (size_t)n < len)
		snprintf(why + n, len - n, "%sdrops rose by %llu in the last %d s (ring buffer "
			 "full %llu, over a container's budget %llu)", n ? "; " : "",
			 (unsigned long long)(full + over), DROPS_WINDOW, (unsigned long long)full,
			 (unsigned long long)over);
	return false;
}

/* ---- set-up ---- */

static struct metric *resolve_nr(struct telemetry *t, uint32_t nr)
{
	const struct cactus_syscall *sc = cactus_syscall_by_nr((int)nr);
	char other[16];
	const char *v[2] = { "unknown", other };

	snprintf(other, sizeof(other), "nr_%u", nr);
	if (sc) {
		v[0] = cactus_category_name(sc->category);
		v[1] = sc->name;
	}
	t->by_nr[nr] = metric_family__series(t->cm.events, v);
	return t->by_nr[nr];
}

static void set_attach_info(struct telemetry *t)
{
	const struct kernel *k = t->m->kernel;
	const char *v[2] = { attach_mode_name(kernel__mode(k)), kernel__reason(k) };

	metric__set(metric_family__series(t->cm.attach_info, v), 1);
}

static int fill_start(struct telemetry *t)
{
	const struct monitor *m = t->m;
	const char *ok[1] = { "ok" }, *failed[1] = { "failed" };
	int err = cactus_metrics__init(&t->cm, t->reg, CACTUS_VERSION);

	if (err)
		return err;
	/* the traced syscalls' series exist (at 0) from the start */
	for (uint32_t nr = 0; nr < CACTUS_MAX_SYSCALLS; nr++)
		if (m->kernel_traced[nr] && cactus_syscall_by_nr((int)nr))
			resolve_nr(t, nr);
	set_attach_info(t);
	metric__set(t->cm.rules, m->rules ? (double)rules__count(m->rules) : 0);
	t->reload_ok = metric_family__series(t->cm.reloads, ok);
	t->reload_failed = metric_family__series(t->cm.reloads, failed);
	t->ctr = ctr_metrics__new(t->cm.container_events, t->cm.container_drops,
				  t->cm.container_syscalls);
	if (!t->ctr)
		return -ENOMEM;
	err = ring_map(t, kernel__events_fd(m->kernel), m->opts->ring_bytes);
	if (err)
		log_warn("metrics: cannot map the ring's positions (%s): no fill ratio",
			 strerror(-err));
	return 0;
}

int telemetry_start(struct monitor *m)
{
	struct server_callbacks cb = { .ready = check_ready, .healthy = check_healthy };
	struct telemetry *t;
	int err;

	if (!m->opts->metrics_addr)
		return 0;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	m->tm = t;
	t->m = m;
	t->reg = metrics__new();
	err = t->reg ? fill_start(t) : -ENOMEM;
	if (err) {
		log_err("metrics: cannot register the families: %s", strerror(-err));
		return err;
	}
	metrics__set_collect(t->reg, collect, t);
	atomic_store(&t->round_ns, mono_ns());
	atomic_store(&t->ready, true);
	cb.metrics = t->reg;
	cb.ctx = t;
	t->srv = server__new(m->opts->metrics_addr, &cb);
	if (!t->srv)
		return -errno; /* said why */
	log_info("metrics on %s (port %d): /metrics, /healthz", m->opts->metrics_addr,
		 server__port(t->srv));
	return 0;
}

/* ---- the consumer thread ---- */

void telemetry_record(struct monitor *m, const struct cactus_event *e)
{
	struct telemetry *t = m->tm;
	uint32_t nr = e->syscall_nr & (CACTUS_MAX_SYSCALLS - 1);
	struct metric *s;
	struct timespec now;

	if (!t)
		return;
	s = t->by_nr[nr];
	if (__builtin_expect(!s, 0))
		s = resolve_nr(t, nr);
	metric__inc(s);
	if (t->lag_pending) {
		t->lag_pending = false;
		clock_gettime(CLOCK_BOOTTIME, &now);
		metric__set(t->cm.consumer_lag,
			    ((double)now.tv_sec * NS + now.tv_nsec - (double)e->ts_boot_ns) / NS);
	}
}

void telemetry_alert(struct monitor *m, const struct alert *a)
{
	struct telemetry *t = m->tm;
	const char *v[3] = { a->rule, a->priority, alert_outcome_name(a->outcome) };
	size_t h;

	if (!t)
		return;
	h = (((uintptr_t)a->rule >> 3) ^ ((uintptr_t)a->outcome * 31)) % ALERT_SLOTS;
	for (size_t i = 0; i < 8; i++) {
		struct alert_slot *sl = &t->alerts[(h + i) % ALERT_SLOTS];

		if (sl->rule == a->rule && sl->outcome == a->outcome) {
			metric__inc(sl->s);
			return;
		}
		if (!sl->rule) {
			*sl = (struct alert_slot){ a->rule, a->outcome,
						   metric_family__series(t->cm.alerts, v) };
			metric__inc(sl->s);
			return;
		}
	}
	/* a crowded neighbourhood: looked up each time (takes the lock) */
	metric__inc(metric_family__series(t->cm.alerts, v));
}

void telemetry_container_end(struct monitor *m, const struct container *c)
{
	if (m->tm)
		ctr_metrics__end(m->tm->ctr, c, mono_ns());
}

static struct runtime_gauge *runtime_of(struct telemetry *t, const char *name)
{
	const char *v[1] = { name };
	struct runtime_gauge *r;

	for (size_t i = 0; i < t->n_runtimes; i++)
		if (!strcmp(t->runtimes[i].name, name))
			return &t->runtimes[i];
	if (t->n_runtimes == MAX_RUNTIMES)
		return NULL;
	r = &t->runtimes[t->n_runtimes++];
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->s = metric_family__series(t->cm.containers, v);
	return r;
}

static void count_runtime(void *ctx, struct container *c)
{
	struct runtime_gauge *r = runtime_of(ctx, c->runtime[0] ? c->runtime : "unknown");

	if (r)
		r->n++;
}

/* Losses of the last DROPS_WINDOW seconds, for /healthz: the newest of
 * DROPS_WINDOW + 1 samples a second apart minus the oldest. */
static void sample_drops(struct telemetry *t)
{
	const unsigned int slots = DROPS_WINDOW + 1;
	__u64 k[STAT_NSTATS];
	uint64_t *now, *oldest;

	kernel__stats(t->m->kernel, k);
	now = t->drops_hist[t->n_hist++ % slots];
	now[0] = k[STAT_DROPS];
	now[1] = k[STAT_THROTTLED];
	oldest = t->drops_hist[t->n_hist >= slots ? t->n_hist % slots : 0];
	atomic_store(&t->drops_recent, now[0] - oldest[0]);
	atomic_store(&t->throttled_recent, now[1] - oldest[1]);
}

static void sample(struct telemetry *t, uint64_t now)
{
	struct monitor *m = (struct monitor *)t->m;
	struct containers_stats cst;

	ctr_metrics__sample(t->ctr, m->cs, m->kernel, now);
	for (size_t i = 0; i < t->n_runtimes; i++)
		t->runtimes[i].n = 0;
	containers__foreach(m->cs, count_runtime, t);
	for (size_t i = 0; i < t->n_runtimes; i++)
		metric__set(t->runtimes[i].s, t->runtimes[i].n);
	containers__stats(m->cs, &cst);
	metric__set(t->cm.metadata_failures, (double)cst.lookup_failures);
	sample_drops(t);
}

void telemetry_round(struct monitor *m)
{
	struct telemetry *t = m->tm;
	uint64_t now;

	if (!t)
		return;
	now = mono_ns();
	atomic_store(&t->round_ns, now);
	t->lag_pending = true;
	if (now < t->next_sample)
		return;
	t->next_sample = now + SAMPLE_NS;
	sample(t, now);
}

void telemetry_reloaded(struct monitor *m, bool ok)
{
	struct telemetry *t = m->tm;

	if (!t)
		return;
	metric__inc(ok ? t->reload_ok : t->reload_failed);
	if (!ok)
		return;
	memset(t->alerts, 0, sizeof(t->alerts));
	metric__set(t->cm.rules, m->rules ? (double)rules__count(m->rules) : 0);
}

void telemetry_stopping(struct monitor *m)
{
	if (m->tm)
		atomic_store(&m->tm->stopping, true);
}

void telemetry_free(struct monitor *m)
{
	struct telemetry *t = m->tm;

	if (!t)
		return;
	server__free(t->srv); /* first: its thread reads the rest */
	if (t->cons_pos) {
		munmap((void *)t->cons_pos, t->page);
		munmap((void *)t->prod_pos, t->page);
	}
	ctr_metrics__free(t->ctr);
	metrics__free(t->reg);
	free(t);
	m->tm = NULL;
}
