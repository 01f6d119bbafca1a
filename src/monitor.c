// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "cactus.skel.h"
#include "attach.h"
#include "containers/containers.h"
#include "enforce.h"
#include "log.h"
#include "monitor.h"

struct monitor {
	const struct monitor_opts *opts;
	struct attach *attach;
	struct cactus_bpf *skel;   /* owned by attach */
	struct ring_buffer *rb;
	struct containers *cs;
	struct rule_set *rules;
	struct enforce *enforce;
	bool kernel_traced[CACTUS_MAX_SYSCALLS]; /* shown, or needed to enforce */
	int ns_watch_fd;
	int64_t boot_to_real_ns;
	/* last lookup, the common case of consecutive events of one container */
	struct ns_key last_key;
	const struct container *last_c;
	bool last_pass;
	/* user-side counters for the summary */
	unsigned long long seen, printed, filtered, malformed, alerts;
	unsigned long long per_category[CAT_COUNT];
	struct event_view view;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int check_privileges(void)
{
	unsigned long long eff = 0;
	char line[256];
	FILE *f;

	if (geteuid() == 0)
		return 0;
	f = fopen("/proc/self/status", "r");
	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "CapEff:", 7)) {
			eff = strtoull(line + 7, NULL, 16);
			break;
		}
	}
	if (f)
		fclose(f);
	/* CAP_SYS_ADMIN (21), or CAP_BPF (39) + CAP_PERFMON (38) since 5.8 */
	if ((eff & (1ULL << 21)) || ((eff & (1ULL << 39)) && (eff & (1ULL << 38))))
		return 0;
	log_err("monitor must run as root (or with CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN); "
		"running as uid %u without them", geteuid());
	return -EPERM;
}

int check_btf(void)
{
	if (access("/sys/kernel/btf/vmlinux", R_OK) == 0)
		return 0;
	log_err("kernel BTF not found at /sys/kernel/btf/vmlinux: cactus needs a kernel built "
		"with CONFIG_DEBUG_INFO_BTF=y");
	return -ENOENT;
}

static int ns_inode(const char *path, __u32 *ino)
{
	struct stat st;

	if (stat(path, &st))
		return -errno;
	*ino = (__u32)st.st_ino;
	return 0;
}

static int host_ns(const char *dir, __u32 *pid_ns, __u32 *mnt_ns)
{
	char path[64];
	int err;

	snprintf(path, sizeof(path), "%s/pid", dir);
	err = ns_inode(path, pid_ns);
	if (err)
		return err;
	snprintf(path, sizeof(path), "%s/mnt", dir);
	return ns_inode(path, mnt_ns);
}

static int64_t boot_to_real(void)
{
	struct timespec b, r;

	clock_gettime(CLOCK_BOOTTIME, &b);
	clock_gettime(CLOCK_REALTIME, &r);
	return ((int64_t)r.tv_sec - b.tv_sec) * 1000000000LL + (r.tv_nsec - b.tv_nsec);
}

static bool passes(const struct monitor_opts *o, const struct container *c)
{
	bool ok = o->n_containers == 0;

	for (int i = 0; i < o->n_containers && c; i++) {
		const char *want = o->containers[i];
		size_t n = strlen(want);

		if (!strcmp(c->name, want) || (c->id[0] && n >= 4 && !strncmp(c->id, want, n)))
			ok = true;
	}
	if (!ok)
		return false;
	if (o->k8s_namespace && (!c || strcmp(c->k8s_namespace, o->k8s_namespace)))
		return false;
	return true;
}

/* Threads cache their ns_watch verdict in the kernel until this bumps. */
static void ns_watch_changed(struct monitor *m)
{
	__atomic_fetch_add(&m->skel->bss->watch_gen, 1, __ATOMIC_SEQ_CST);
}

static void ns_watch_set(struct monitor *m, __u32 pid_ns, __u32 mnt_ns, bool watch)
{
	struct ns_key key = { .pid_ns = pid_ns, .mnt_ns = mnt_ns };
	__u8 v = watch ? NS_WATCH : NS_IGNORE;

	if (!pid_ns || !mnt_ns)
		return;
	if (bpf_map_update_elem(m->ns_watch_fd, &key, &v, BPF_ANY))
		log_warn("cannot update ns_watch map: %s", strerror(errno));
	ns_watch_changed(m);
}

/* Called from the containers thread on docker start/die. */
static void on_container(void *ctx, const struct container *c, bool started)
{
	struct monitor *m = ctx;
	struct ns_key key = { .pid_ns = c->pid_ns, .mnt_ns = c->mnt_ns };

	if (started) {
		ns_watch_set(m, c->pid_ns, c->mnt_ns, passes(m->opts, c));
		enforce__container(m->enforce, c);
	} else if (c->pid_ns) {
		bpf_map_delete_elem(m->ns_watch_fd, &key);
		ns_watch_changed(m);
	}
}

static const struct container *lookup(struct monitor *m, const struct cactus_event *e,
				      bool *pass)
{
	struct ns_key key = { .pid_ns = e->pid_ns, .mnt_ns = e->mnt_ns };
	const struct container *c;

	if (m->last_c && !memcmp(&key, &m->last_key, sizeof(key))) {
		*pass = m->last_pass;
		return m->last_c;
	}
	c = containers__by_ns(m->cs, key.pid_ns, key.mnt_ns);
	if (c) {
		m->last_pass = passes(m->opts, c);
	} else {
		c = containers__resolve(m->cs, key.pid_ns, key.mnt_ns, (int)e->host_pid,
					event_str(e, STR_CGROUP));
		m->last_pass = passes(m->opts, c);
		/* tell the kernel: stop sending the cgroup name, or drop the pair */
		ns_watch_set(m, key.pid_ns, key.mnt_ns, m->last_pass);
		enforce__container(m->enforce, c);
	}
	m->last_key = key;
	m->last_c = c;
	*pass = m->last_pass;
	return c;
}

/* Prints the event once per rule it matches (with the alert), or once
 * plain when it matches none. */
static void print_event(struct monitor *m)
{
	const struct cactus_event *e = m->view.e;
	bool shown = m->opts->traced[e->syscall_nr & (CACTUS_MAX_SYSCALLS - 1)];
	size_t n = 0;
	const uint16_t *cand = m->rules ? rules__candidates(m->rules, e->syscall_nr, &n) : NULL;
	char message[512];
	bool alerted = false;

	for (size_t i = 0; i < n; i++) {
		const struct rule *r = rules__get(m->rules, cand ? cand[i] : i);
		struct alert a;

		if (!rule_matches(r, &m->view))
			continue;
		rule_render(r, &m->view, message, sizeof(message));
		a = (struct alert){
			.rule = rule_name(r),
			.priority = rule_priority_name(rule_priority(r)),
			.action = rule_action_name(rule_action(r)),
			.outcome = enforce__outcome(m->enforce, r, e),
			.message = message,
		};
		m->view.alert = &a;
		output_event(stdout, m->opts->format, &m->view);
		m->view.alert = NULL;
		m->alerts++;
		alerted = true;
	}
	/* a syscall traced only for enforcement is shown when it alerts */
	if (!alerted && shown && !m->opts->alerts_only)
		output_event(stdout, m->opts->format, &m->view);
	if (alerted || (shown && !m->opts->alerts_only))
		m->printed++;
}

static int handle_event(void *ctx, void *data, size_t size)
{
	struct monitor *m = ctx;
	const struct cactus_event *e = data;
	const struct container *c;
	bool pass;

	if (size < CACTUS_EVENT_HDR_SIZE || e->data_len > size - CACTUS_EVENT_HDR_SIZE) {
		m->malformed++;
		return 0;
	}
	m->seen++;
	c = lookup(m, e, &pass);
	if (!pass) {
		m->filtered++;
		return 0;
	}
	event_view_init(&m->view, e, c, m->boot_to_real_ns);
	if (m->view.sc)
		m->per_category[m->view.sc->category]++;
	print_event(m);
	return 0;
}

struct setup_ctx {
	const struct monitor_opts *opts;
	struct enforce *enforce;
	__u32 pid_ns, mnt_ns;
};

/* Between open and load: start-up settings into rodata, map sizes. */
static int setup_skel(struct cactus_bpf *skel, void *ctx)
{
	struct setup_ctx *sc = ctx;

	skel->rodata->host_pid_ns = sc->pid_ns;
	skel->rodata->host_mnt_ns = sc->mnt_ns;
	enforce__setup(sc->enforce, skel);
	return bpf_map__set_max_entries(skel->maps.events, sc->opts->ring_bytes);
}

static int load_skel(struct monitor *m)
{
	struct setup_ctx sc = { .opts = m->opts, .enforce = m->enforce };
	int err;

	/* pid 1 is the host's init even when cactus runs in a hostPID pod;
	 * when /proc/1/ns is closed to us, our own namespaces are the host's */
	err = host_ns("/proc/1/ns", &sc.pid_ns, &sc.mnt_ns);
	if (err)
		err = host_ns("/proc/self/ns", &sc.pid_ns, &sc.mnt_ns);
	if (err) {
		log_err("cannot read the host namespaces from /proc/self/ns: %s", strerror(-err));
		return err;
	}
	m->attach = attach__load(m->opts->attach, setup_skel, &sc);
	if (!m->attach)
		return -EINVAL;
	m->skel = attach__skel(m->attach);
	return 0;
}

static int configure(struct monitor *m)
{
	int fd = bpf_map__fd(m->skel->maps.syscall_conf);

	for (size_t i = 0; i < cactus_syscalls_count; i++) {
		const struct cactus_syscall *sc = &cactus_syscalls[i];
		struct syscall_conf conf;
		__u32 key = sc->nr;

		cactus_syscall_conf(sc, m->kernel_traced[sc->nr], &conf);
		if (bpf_map_update_elem(fd, &key, &conf, BPF_ANY)) {
			log_err("cannot fill syscall_conf: %s", strerror(errno));
			return -errno;
		}
	}
	m->ns_watch_fd = bpf_map__fd(m->skel->maps.ns_watch);
	return 0;
}

/* Containers known at start-up: ns_watch verdicts and rule scopes. */
static void watch_known(struct monitor *m)
{
	const struct container **list;
	size_t n = 0;

	if (containers__list(m->cs, &list, &n) == 0) {
		for (size_t i = 0; i < n; i++) {
			ns_watch_set(m, list[i]->pid_ns, list[i]->mnt_ns,
				     passes(m->opts, list[i]));
			enforce__container(m->enforce, list[i]);
		}
		free(list);
	}
}

static void kernel_stats(struct monitor *m, __u64 *out)
{
	int ncpu = libbpf_num_possible_cpus(), fd = bpf_map__fd(m->skel->maps.stats);
	__u64 *vals = calloc(ncpu > 0 ? ncpu : 1, sizeof(__u64));

	for (__u32 k = 0; k < STAT_NSTATS; k++) {
		out[k] = 0;
		if (!vals || bpf_map_lookup_elem(fd, &k, vals))
			continue;
		for (int c = 0; c < ncpu; c++)
			out[k] += vals[c];
	}
	free(vals);
}

/* Drops per container, from the kernel's drops_by_ns map. */
static void summary_drops(struct monitor *m)
{
	int fd = bpf_map__fd(m->skel->maps.drops_by_ns);
	struct ns_key key, next, *prev = NULL;
	const struct container *c;
	__u64 n;

	while (!bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &n))
			continue;
		c = containers__by_ns(m->cs, key.pid_ns, key.mnt_ns);

		fprintf(stderr, "cactus:   drops in %s (pid_ns %u, mnt_ns %u): %llu\n",
			c && c->name[0] ? c->name : (c && c->id[0] ? c->id : "-"), key.pid_ns,
			key.mnt_ns, (unsigned long long)n);
	}
}

static void summary(struct monitor *m)
{
	__u64 k[STAT_NSTATS];

	kernel_stats(m, k);
	fprintf(stderr, "cactus: summary: %llu events seen, %llu printed, %llu filtered out, "
		"%llu drops (ring buffer full), %llu malformed, %llu alerts, %llu killed, "
		"%llu denied\n", m->seen, m->printed, m->filtered,
		(unsigned long long)k[STAT_DROPS], m->malformed, m->alerts,
		(unsigned long long)k[STAT_KILLS], (unsigned long long)k[STAT_DENIES]);
	fprintf(stderr, "cactus: kernel: %llu events written, %llu drops, %llu exits without "
		"entry, %llu stash full, %llu unreadable strings\n",
		(unsigned long long)k[STAT_EVENTS], (unsigned long long)k[STAT_DROPS],
		(unsigned long long)k[STAT_NO_ENTER], (unsigned long long)k[STAT_STASH_FULL],
		(unsigned long long)k[STAT_READ_ERR]);
	summary_drops(m);
	for (int i = 0; i < CAT_COUNT; i++) {
		if (m->per_category[i])
			fprintf(stderr, "cactus:   %-20s %llu\n", cactus_category_name(i),
				m->per_category[i]);
	}
}

static int count_traced(const bool *traced)
{
	int n = 0;

	for (int i = 0; i < CACTUS_MAX_SYSCALLS; i++)
		n += traced[i];
	return n;
}

static void print_rule_errors(const struct rule_errors *errs)
{
	for (size_t i = 0; i < errs->n; i++)
		fprintf(stderr, "%s:%d: %s\n", errs->v[i].file, errs->v[i].line, errs->v[i].msg);
}

/* Rules from --rules, else the default set; then what the kernel enforces. */
static int load_rules(struct monitor *m)
{
	const struct monitor_opts *o = m->opts;
	const char *paths[MONITOR_MAX_CONTAINERS + 1];
	struct rule_errors errs = {};
	size_t n = 0;

	for (int i = 0; i < o->n_rules; i++)
		paths[n++] = o->rules[i];
	if (!o->no_default_rules && !o->n_rules) {
		paths[n] = rules_default_path();
		if (!paths[n]) {
			log_err("default rule set not found (set CACTUS_RULES_DIR, or use "
				"--rules FILE or --no-default-rules)");
			return -ENOENT;
		}
		n++;
	}
	if (n) {
		m->rules = rules__load(paths, n, &errs);
		if (!m->rules) {
			print_rule_errors(&errs);
			log_err("rules not loaded: %zu error(s)", errs.n);
			rule_errors_free(&errs);
			return -EINVAL;
		}
	}
	rule_errors_free(&errs);
	m->enforce = enforce__new(m->rules);
	if (!m->enforce)
		return -EINVAL;
	for (int i = 0; i < o->n_deny_open; i++) {
		int err = enforce__add_deny_open(m->enforce, o->deny_open[i]);

		if (err)
			return err;
	}
	for (int nr = 0; nr < CACTUS_MAX_SYSCALLS; nr++)
		m->kernel_traced[nr] = o->traced[nr] || enforce__needs_syscall(m->enforce, nr);
	return 0;
}

static int poll_loop(struct monitor *m)
{
	int err = 0;

	while (!stop) {
		/* a timeout bounds latency: the kernel side batches wake-ups */
		err = ring_buffer__poll(m->rb, 50);
		/* records written without a wake-up are not signalled to epoll */
		if (err >= 0)
			err = ring_buffer__consume(m->rb);
		fflush(stdout);
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
	return err;
}

int monitor_run(const struct monitor_opts *opts)
{
	struct containers_opts copts = { .docker_sock = opts->docker_sock };
	struct sigaction sa = { .sa_handler = on_signal };
	struct monitor *m;
	int err;

	if (check_privileges() || check_btf())
		return 1;
	m = calloc(1, sizeof(*m));
	if (!m)
		return 1;
	m->opts = opts;
	m->boot_to_real_ns = boot_to_real();
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	err = load_rules(m);
	if (err) {
		free(m);
		return 2;
	}
	m->cs = containers__new(&copts);
	err = m->cs ? containers__scan(m->cs) : -ENOMEM;
	if (err) {
		log_err("container discovery failed: %s", strerror(-err));
		goto cleanup;
	}
	for (int i = 0; i < opts->n_containers; i++) {
		if (!containers__find(m->cs, opts->containers[i]))
			log_warn("--container %s: no such container yet; its events will show "
				 "once it starts", opts->containers[i]);
	}
	err = load_skel(m);
	if (err)
		goto cleanup;
	err = configure(m);
	if (err)
		goto cleanup;
	m->rb = ring_buffer__new(bpf_map__fd(m->skel->maps.events), handle_event, m, NULL);
	if (!m->rb) {
		err = -errno;
		log_err("cannot create the ring buffer reader: %s", strerror(-err));
		goto cleanup;
	}
	if (!attach__lsm(m->attach) && enforce__has_file_deny(m->enforce))
		log_warn("BPF-LSM unavailable (%s): deny rules on files downgrade to kill",
			 attach__lsm_reason(m->attach));
	err = enforce__start(m->enforce, m->skel, attach__lsm(m->attach));
	if (err) {
		log_err("cannot set up enforcement: %s", strerror(-err));
		goto cleanup;
	}
	watch_known(m);
	err = attach__attach(m->attach, m->kernel_traced);
	if (err) {
		log_err("cannot attach %s programs: %s", attach_mode_name(attach__mode(m->attach)),
			strerror(-err));
		goto cleanup;
	}
	if (containers__follow(m->cs, on_container, m))
		log_warn("not following docker events: new containers are learnt from /proc");
	enforce__describe(m->enforce);
	log_info("monitoring (attach=%s: %s; %d syscalls traced, %zu rules, ring %lu KiB, "
		 "docker %s)", attach_mode_name(attach__mode(m->attach)),
		 attach__reason(m->attach), count_traced(m->kernel_traced),
		 m->rules ? rules__count(m->rules) : 0, opts->ring_bytes >> 10,
		 containers__docker_ok(m->cs) ? "connected" : "absent");
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	err = poll_loop(m);
	/* stop producing, then drain what is already in the ring */
	attach__quiesce(m->attach);
	ring_buffer__consume(m->rb);
	fflush(stdout);
	summary(m);
cleanup:
	containers__free(m->cs); /* first: its thread writes to ns_watch */
	/* before attach__detach: its teardown child must not inherit the deny links */
	enforce__free(m->enforce);
	attach__detach(m->attach);
	ring_buffer__free(m->rb);
	attach__free(m->attach);
	rules__free(m->rules);
	free(m);
	return err ? 1 : 0;
}
