// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Views (monitor.h): the monitor's state read live instead of its event
 * stream. A view's loop step waits on the ring and the view's own file
 * (a terminal's keys), then calls the view when its interval is due or a
 * key came. monitor_rows() joins the kernel's per-cgroup counts with the
 * container registry: a container's rows are its live cgroups' counts
 * plus those of its cgroups gone (container_totals.syscalls).
 */
#include <errno.h>
#include <poll.h>
#include <search.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/libbpf.h>
#include "log.h"
#include "monitor/internal.h"

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Waits up to 50 ms for records or the view's file; reads the records. */
int view_wait(struct monitor *m, bool *input)
{
	const struct monitor_view *v = m->opts->view;
	struct pollfd p[2] = {
		{ .fd = ring_buffer__epoll_fd(m->rb), .events = POLLIN },
		{ .fd = v->fd, .events = POLLIN },
	};
	int n = poll(p, v->fd >= 0 ? 2 : 1, 50);

	if (n < 0 && errno != EINTR)
		return -errno;
	*input = n > 0 && v->fd >= 0 && (p[1].revents & (POLLIN | POLLHUP | POLLERR));
	return ring_buffer__consume(m->rb);
}

/* Calls the view when its interval is due (or @now); false: it says stop. */
bool view_tick(struct monitor *m, bool now, bool final)
{
	const struct monitor_view *v = m->opts->view;
	uint64_t t = mono_ms();

	if (!now && !final && t < m->view_next_ms)
		return true;
	m->view_next_ms = t + (v->interval_ms ? v->interval_ms : 1000);
	return v->tick(v->ctx, m, final);
}

/* ---- rows ---- */

struct row_sum {
	const struct container *c;       /* key */
	struct syscall_counts n;
};

struct rows_ctx {
	struct monitor *m;
	void *sums;                      /* tsearch tree of row_sum, by c */
	void (*fn)(void *ctx, const struct monitor_row *row);
	void *ctx;
	int err;
};

static int cmp_c(const void *a, const void *b)
{
	const struct container *x = ((const struct row_sum *)a)->c;
	const struct container *y = ((const struct row_sum *)b)->c;

	return x < y ? -1 : x > y;
}

static void on_cgroup(void *ctx, __u64 cg, const struct syscall_counts *n)
{
	struct rows_ctx *x = ctx;
	const struct container *c = containers__by_cgroup(x->m->cs, cg);
	struct row_sum key = { .c = c }, *s, **found;

	if (!c) {
		/* a cgroup of no container (yet): a row of its own */
		struct monitor_row row = { .cgroup_id = cg, .counts = n };

		x->fn(x->ctx, &row);
		return;
	}
	found = tfind(&key, &x->sums, cmp_c);
	if (found) {
		syscall_counts_add(&(*found)->n, n);
		return;
	}
	s = malloc(sizeof(*s));
	if (!s || !tsearch(s, &x->sums, cmp_c)) {
		free(s);
		x->err = -ENOMEM;
		return;
	}
	s->c = c;
	s->n = *n;
}

static void on_container(void *ctx, struct container *c)
{
	struct rows_ctx *x = ctx;
	struct row_sum key = { .c = c }, **found = tfind(&key, &x->sums, cmp_c);
	struct syscall_counts sum = { 0 };
	struct monitor_row row = { .c = c, .cgroup_id = c->cgroup_id, .counts = &sum,
				   .totals = &c->totals };

	if (found)
		syscall_counts_add(&sum, &(*found)->n);
	if (c->totals.syscalls)
		syscall_counts_add(&sum, c->totals.syscalls);
	x->fn(x->ctx, &row);
}

void monitor_rows(struct monitor *m, void (*fn)(void *ctx, const struct monitor_row *row),
		  void *ctx)
{
	struct rows_ctx x = { .m = m, .fn = fn, .ctx = ctx };

	kernel__counts_foreach(m->kernel, on_cgroup, &x);
	containers__foreach(m->cs, on_container, &x);
	tdestroy(x.sums, free);
	if (x.err)
		log_warn("a view's rows are incomplete: %s", strerror(-x.err));
}

void monitor_kernel_stats(struct monitor *m, __u64 *out)
{
	kernel__stats(m->kernel, out);
}
