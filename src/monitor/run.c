// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* `cactus monitor`: set-up, the poll loop, shutdown. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/libbpf.h>
#include <unistd.h>
#include "log.h"
#include "monitor/agent.h"
#include "monitor/fold.h"
#include "output/output.h"
#include "procfs/procfs.h"
#include "procs/procs.h"

static volatile sig_atomic_t stop, hangup;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		hangup = 1;
	else
		stop = 1;
}

/* Add to CLOCK_BOOTTIME ns (the records' clock) to get CLOCK_REALTIME ns. */
static int64_t boot_to_real(void)
{
	struct timespec b, r;

	clock_gettime(CLOCK_BOOTTIME, &b);
	clock_gettime(CLOCK_REALTIME, &r);
	return ((int64_t)r.tv_sec - b.tv_sec) * 1000000000LL + (r.tv_nsec - b.tv_nsec);
}

static int count_traced(const bool *traced)
{
	int n = 0;

	for (int i = 0; i < CACTUS_MAX_SYSCALLS; i++)
		n += traced[i];
	return n;
}

static int load_kernel(struct monitor *m)
{
	struct kernel_opts ko = {
		.mode = m->opts->attach,
		.ring_bytes = m->opts->ring_bytes,
		.n_kill_rules = enforce__n_kill(m->enforce),
		.n_deny_rules = enforce__n_deny(m->enforce),
		.max_containers = m->opts->max_containers,
		.pin_path = m->opts->pin_path,
		.count_all = m->opts->count_all,
	};

	m->kernel = kernel__load(&ko);
	if (!m->kernel)
		return -EINVAL;
	return policy_apply(m);
}

/* The registry, filled by a scan, then by the source threads: every
 * container reaches the kernel maps through sync_container() as it is learnt. */
static int start_containers(struct monitor *m)
{
	struct containers_opts copts = {
		.docker_sock = m->opts->docker_sock,
		.on_change = sync_container,
		.ctx = m,
	};
	int err;

	m->cs = containers__new(&copts);
	err = m->cs ? containers__start(m->cs, true) : -ENOMEM;
	if (err) {
		log_err("container discovery failed: %s", strerror(-err));
		return err;
	}
	for (int i = 0; i < m->opts->n_containers; i++) {
		if (!containers__count_matching(m->cs, m->opts->containers[i]))
			log_warn("--container %s: no such container yet; its events will show "
				 "once it starts", m->opts->containers[i]);
	}
	return 0;
}

/* A process in namespaces other than ours (the host's, or cactus's own in
 * a hostPID pod): one of a container's. @ctx: our mnt and pid ns. */
static bool in_other_ns(uint32_t pid, void *ctx)
{
	const uint32_t *self = ctx;
	uint32_t ino;

	if (procfs_ns_inode(NULL, (int)pid, "mnt", &ino))
		return false;
	if (ino != self[0])
		return true;
	return !procfs_ns_inode(NULL, (int)pid, "pid", &ino) && ino != self[1];
}

/* Processes already running in containers: their exe, comm, tty and
 * ancestors from /proc, once, after the programs are attached (what forks
 * and execs from then on comes as records and wins). */
static void scan_processes(struct monitor *m)
{
	uint32_t self[2];
	int err;

	err = procfs_ns_inode(NULL, PROCFS_SELF, "mnt", &self[0]);
	if (!err)
		err = procfs_ns_inode(NULL, PROCFS_SELF, "pid", &self[1]);
	if (!err)
		err = procs__scan_proc(m->procs, NULL, in_other_ns, self);
	if (err)
		log_warn("cannot scan /proc for running processes: %s (their ancestry is "
			 "unknown until they exec)", strerror(-err));
}

/* A previous agent's ring of another size (adopted, now quiet): read to
 * its end before ours, in order. */
static void drain_adopted_ring(struct monitor *m)
{
	int fd = kernel__adopted_ring_fd(m->kernel);
	struct ring_buffer *rb;

	if (fd < 0)
		return;
	rb = ring_buffer__new(fd, pipeline_record, m, NULL);
	if (!rb) {
		log_warn("cannot read the previous agent's ring: %s", strerror(errno));
		return;
	}
	ring_buffer__consume(rb);
	ring_buffer__free(rb);
}

/* Stopping with --pin-path: the programs stay attached and write into the
 * pinned ring for the next agent; this one reads no further. */
static bool leave_pinned(struct monitor *m)
{
	return m->opts->pin_path && !m->out_err && !kernel__pin(m->kernel, m->opts->pin_path);
}

static int start(struct monitor *m)
{
	int err = load_kernel(m);

	if (err)
		return err;
	m->rb = ring_buffer__new(kernel__events_fd(m->kernel), pipeline_record, m, NULL);
	if (!m->rb) {
		err = -errno;
		log_err("cannot create the ring buffer reader: %s", strerror(-err));
		return err;
	}
	err = start_containers(m);
	if (!err)
		err = kernel__attach(m->kernel, m->kernel_traced);
	if (!err)
		err = reload_init(m);
	if (!err)
		err = telemetry_start(m);
	if (err)
		return err;
	scan_processes(m);
	drain_adopted_ring(m);
	enforce__describe(m->enforce, m->cgroup2);
	log_info("monitoring (attach=%s: %s; %d syscalls traced, %zu rules, ring %lu KiB, "
		 "metadata: %s)", attach_mode_name(kernel__mode(m->kernel)),
		 kernel__reason(m->kernel), count_traced(m->kernel_traced),
		 m->rules ? rules__count(m->rules) : 0, m->opts->ring_bytes >> 10,
		 containers__sources(m->cs));
	return 0;
}

/* Losses of containers that made no record since (a flood that stopped):
 * the kernel could not tell them, so they are told from here, once a second. */
static void on_stale_gap(void *ctx, __u64 cg, const struct kernel_gap *gap)
{
	pipeline_gap(ctx, cg, gap);
}

static void stale_gaps(struct monitor *m)
{
	struct timespec ts;
	int64_t now;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	if (now - m->last_gap_scan_ms < 1000)
		return;
	m->last_gap_scan_ms = now;
	kernel__stale_gaps(m->kernel, 1000000000ULL, on_stale_gap, m);
}

/* Output failed: EPIPE (the reader went away, as behind `head`) ends the
 * monitor quietly with status 0, any other error with a message and 1. */
static int output_failed(struct monitor *m)
{
	if (m->out_err == -EPIPE) {
		log_info("output closed by its reader: stopping");
		return 0;
	}
	log_err("cannot write events to %s: %s", deliver_out_name(m), strerror(-m->out_err));
	return m->out_err;
}

static int poll_loop(struct monitor *m)
{
	int err = 0;

	const struct monitor_view *view = m->opts->view;
	bool input = false;

	while (!stop && !m->out_err) {
		if (view) {
			err = view_wait(m, &input);
		} else {
			/* a timeout bounds latency: the kernel side batches wake-ups */
			err = ring_buffer__poll(m->rb, 50);
			/* records written without a wake-up are not signalled to epoll */
			if (err >= 0)
				err = ring_buffer__consume(m->rb);
		}
		/* what the source threads learnt, and containers gone unsaid
		 * (after the ring is drained: their last records are in) */
		containers__poll(m->cs);
		pipeline_release_due(m, false);
		stale_gaps(m);
		fold_flush(m->fold, false, NULL);
		telemetry_round(m);
		if (hangup) {
			/* between two records: none sees a half-swapped set */
			hangup = 0;
			reload_apply(m);
			deliver_reopen(m);
		}
		if (!m->out_err && out_stream__flush(m->out))
			m->out_err = out_stream__error(m->out);
		if (m->out_err)
			break;
		if (view && !view_tick(m, input, false))
			break;
		if (err == -EINTR) {
			err = 0;
			continue;
		}
		if (err < 0) {
			log_err("ring buffer poll: %s", strerror(-err));
			return err;
		}
		err = 0;
	}
	return m->out_err ? output_failed(m) : err;
}

static void cleanup(struct monitor *m)
{
	telemetry_free(m); /* first: its server thread reads the kernel and sinks */
	containers__free(m->cs); /* its threads post to the registry */
	ring_buffer__free(m->rb);
	out_stream__free(m->out);
	fold_free(m->fold);
	procs__free(m->procs);
	protect_free(m);
	deliver_free(m);
	reload_free(m);
	kernel__free(m->kernel);
	enforce__free(m->enforce);
	rules__free(m->rules);
	free(m);
}

int monitor_run(const struct monitor_opts *opts)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct monitor *m;
	bool pinned;
	int err;

	if (kernel_check_privileges() || kernel_check_btf())
		return 1;
	m = calloc(1, sizeof(*m));
	if (!m)
		return 1;
	m->opts = opts;
	m->boot_to_real_ns = boot_to_real();
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (policy_load(m)) {
		cleanup(m);
		return 2;
	}
	err = deliver_open(m);
	m->fold = fold_new(opts->alert_window_s, pipeline_repeat, m);
	m->procs = procs__new(0);
	m->ns_per_tick = 1000000000ULL / (uint64_t)sysconf(_SC_CLK_TCK);
	if (!err && (!m->fold || !m->procs))
		err = -ENOMEM;
	if (!err)
		err = start(m);
	if (!err) {
		err = poll_loop(m);
		telemetry_stopping(m);
		/* stop producing, then drain what is already in the ring; or
		 * leave both to the next agent (--pin-path) */
		pinned = leave_pinned(m);
		if (!pinned)
			kernel__quiesce(m->kernel);
		if (!m->out_err) {
			if (!pinned)
				ring_buffer__consume(m->rb);
			pipeline_release_due(m, true);
			kernel__stale_gaps(m->kernel, 0, on_stale_gap, m);
			fold_flush(m->fold, true, NULL);
			if (out_stream__flush(m->out) && out_stream__error(m->out) != -EPIPE)
				err = out_stream__error(m->out);
		}
		deliver_stop(m);
		if (opts->view)
			view_tick(m, true, true);
		else
			summary_print(m);
	}
	cleanup(m);
	return err ? 1 : 0;
}
