// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Start-up measurement that picks tracepoint or tp_btf (the two modes this
 * kind of kernel offers when fentry and kprobes are refused): per-syscall
 * tracepoints cost nothing in BPF for untraced syscalls but put every
 * syscall on the slow path and pay perf's trace buffer per hit; the tp_btf
 * dispatcher runs on every syscall but is cheap per hit. Which is cheaper
 * depends on the machine and on the host's syscall mix: both are measured,
 * with this process's own getpid (untraced) and openat (traced) calls.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "kernel/internal.h"
#include "syscalls.h"

#define SAMPLE_MS 200

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* ns per call, the best of three rounds (the least disturbed). */
static double per_call(bool traced_call, int n)
{
	double best = 1e18;

	for (int round = 0; round < 3; round++) {
		double t = now_ns();

		for (int i = 0; i < n; i++) {
			if (traced_call)
				syscall(SYS_openat, AT_FDCWD, "/nonexistent/cactus-calibration",
					O_RDONLY);
			else
				syscall(SYS_getpid);
		}
		t = (now_ns() - t) / n;
		if (t < best)
			best = t;
	}
	return best;
}

struct cost {
	double untraced, traced; /* ns added per call */
};

static struct cost measure(const struct cost *bare)
{
	struct cost c = { per_call(false, 20000), per_call(true, 5000) };

	c.untraced = c.untraced > bare->untraced ? c.untraced - bare->untraced : 0;
	c.traced = c.traced > bare->traced ? c.traced - bare->traced : 0;
	return c;
}

/* Host syscalls per second, untraced and traced, seen by the dispatcher. */
static void sample_mix(struct cactus_bpf *skel, double *rate_u, double *rate_t)
{
	int fd = bpf_map__fd(skel->maps.calib), ncpu = libbpf_num_possible_cpus();
	__u64 *vals = calloc(ncpu > 0 ? ncpu : 1, sizeof(*vals));
	double sum[2] = { 0, 0 };

	for (__u32 k = 0; vals && k < 2; k++)
		bpf_map_update_elem(fd, &k, vals, BPF_ANY);
	skel->bss->calibrating = 1;
	usleep(SAMPLE_MS * 1000);
	skel->bss->calibrating = 0;
	for (__u32 k = 0; vals && k < 2; k++) {
		if (bpf_map_lookup_elem(fd, &k, vals))
			continue;
		for (int c = 0; c < ncpu; c++)
			sum[k] += vals[c];
	}
	free(vals);
	*rate_u = sum[0] * 1000 / SAMPLE_MS;
	*rate_t = sum[1] * 1000 / SAMPLE_MS;
}

enum attach_mode calibrate_mode(struct kernel *k, const bool *traced, char *reason, size_t len)
{
	const struct cactus_syscall *openat = cactus_syscall_by_name("openat");
	struct cactus_bpf *skel = k->skel;
	struct bpf_link *l[2];
	struct cost bare, btf, tp;
	double rate_u = 0, rate_t = 0, cost_btf, cost_tp;
	enum attach_mode mode;

	if (!openat || !traced[openat->nr]) {
		snprintf(reason, len, "openat not traced, nothing to measure with; tracepoint: "
			 "untraced syscalls run no BPF");
		return ATTACH_TRACEPOINT;
	}
	bare = (struct cost){ per_call(false, 20000), per_call(true, 5000) };

	l[0] = bpf_program__attach(k->progs.enter[ATTACH_TP_BTF]);
	l[1] = bpf_program__attach(k->progs.exit[ATTACH_TP_BTF]);
	if (!l[0] || !l[1]) {
		bpf_link__destroy(l[0]);
		bpf_link__destroy(l[1]);
		snprintf(reason, len, "tp_btf does not attach here; tracepoint");
		return ATTACH_TRACEPOINT;
	}
	sample_mix(skel, &rate_u, &rate_t);
	btf = measure(&bare);
	bpf_link__destroy(l[0]);
	bpf_link__destroy(l[1]);

	/* one traced syscall's tracepoints: every syscall takes the slow path */
	l[0] = bpf_program__attach_tracepoint(k->progs.enter[ATTACH_TRACEPOINT], "syscalls",
					      "sys_enter_openat");
	l[1] = bpf_program__attach_tracepoint(k->progs.exit[ATTACH_TRACEPOINT], "syscalls",
					      "sys_exit_openat");
	if (!l[0] || !l[1]) {
		bpf_link__destroy(l[0]);
		bpf_link__destroy(l[1]);
		snprintf(reason, len, "syscall tracepoints do not attach here; tp_btf");
		return ATTACH_TP_BTF;
	}
	tp = measure(&bare);
	bpf_link__destroy(l[0]);
	bpf_link__destroy(l[1]);

	cost_btf = rate_u * btf.untraced + rate_t * btf.traced;
	cost_tp = rate_u * tp.untraced + rate_t * tp.traced;
	mode = cost_btf < cost_tp ? ATTACH_TP_BTF : ATTACH_TRACEPOINT;
	snprintf(reason, len, "measured: host %.0f syscalls/s (%.0f traced); per untraced/traced "
		 "call tracepoint +%.0f/+%.0f ns, tp_btf +%.0f/+%.0f ns: %s costs less",
		 rate_u + rate_t, rate_t, tp.untraced, tp.traced, btf.untraced, btf.traced,
		 attach_mode_name(mode));
	return mode;
}
