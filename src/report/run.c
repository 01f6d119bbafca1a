// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Where the stream comes from: a file, stdin, or a `cactus monitor
 * --output json` run as a child (live) for --duration of monitoring (from
 * its "monitoring" line on), then stopped with SIGINT as a user would stop
 * it, so it prints its containers' end records. The
 * stream is read in blocks and cut into lines here; a line longer than
 * LINE_MAX_BYTES is skipped whole (counted as not JSON), so no line, and
 * no file, is ever held whole.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>
#include "log.h"
#include "report/internal.h"

#define BLOCK_BYTES (1 << 20)
#define LINE_MAX_BYTES (1 << 20)

struct reader {
	struct report *r;
	char *block, *line;
	size_t len;
	bool too_long;
};

static int reader_init(struct reader *rd, struct report *r)
{
	*rd = (struct reader){ .r = r };
	rd->block = malloc(BLOCK_BYTES);
	rd->line = malloc(LINE_MAX_BYTES);
	return rd->block && rd->line ? 0 : -ENOMEM;
}

static void reader_free(struct reader *rd)
{
	free(rd->block);
	free(rd->line);
}

static int line_end(struct reader *rd)
{
	int err = 0;

	if (rd->too_long)
		report__skip_line(rd->r);
	else
		err = report__feed(rd->r, rd->line, rd->len);
	rd->len = 0;
	rd->too_long = false;
	return err;
}

/* @n bytes of a line not ended yet */
static void line_add(struct reader *rd, const char *p, size_t n)
{
	if (rd->too_long || rd->len + n > LINE_MAX_BYTES) {
		rd->too_long = true;
		return;
	}
	memcpy(rd->line + rd->len, p, n);
	rd->len += n;
}

/* One block: whole lines are fed from it as they are, the rest kept. */
static int block(struct reader *rd, const char *b, size_t n)
{
	const char *end = b + n, *nl;
	int err;

	while (b < end) {
		nl = memchr(b, '\n', (size_t)(end - b));
		if (!nl) {
			line_add(rd, b, (size_t)(end - b));
			return 0;
		}
		if (!rd->len && !rd->too_long) {
			err = report__feed(rd->r, b, (size_t)(nl - b));
		} else {
			line_add(rd, b, (size_t)(nl - b));
			err = line_end(rd);
		}
		if (err)
			return err;
		b = nl + 1;
	}
	return 0;
}

/* One read of @fd into the stream: 1 more to come, 0 at its end (a last
 * line without its newline, as a full disk leaves it, is fed), -errno. */
static int reader_read(struct reader *rd, int fd)
{
	ssize_t n = read(fd, rd->block, BLOCK_BYTES);
	int err;

	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 1 : -errno;
	if (!n)
		return rd->len || rd->too_long ? line_end(rd) : 0;
	err = block(rd, rd->block, (size_t)n);
	return err ? err : 1;
}

/* Every line of @fd: 0, or -errno (a read error, no memory). */
static int read_stream(struct report *r, int fd)
{
	struct reader rd;
	int err = reader_init(&rd, r);

	while (!err && (err = reader_read(&rd, fd)) == 1)
		err = 0;
	reader_free(&rd);
	return err;
}

/* ---- live: a monitor as a child ---- */

static volatile sig_atomic_t child_pid;

/* Ctrl-C (the whole terminal's group gets it) or SIGTERM: the monitor
 * stops, the report is still written. */
static void stop_child(int sig)
{
	(void)sig;
	if (child_pid > 0)
		kill(child_pid, SIGINT);
}

/* `cactus monitor --output json [filters]`, its stdout and stderr ours to
 * read: @fd[0], @fd[1]. */
static pid_t start_monitor(const struct report_opts *o, int fd[2])
{
	char **argv = calloc((size_t)o->n_monitor_args + 5, sizeof(*argv));
	int out[2] = { -1, -1 }, err[2] = { -1, -1 };
	pid_t pid = -1;

	if (!argv || pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC))
		goto out;
	argv[0] = "cactus";
	argv[1] = "monitor";
	argv[2] = "--output";
	argv[3] = "json";
	for (int i = 0; i < o->n_monitor_args; i++)
		argv[4 + i] = o->monitor_args[i];
	pid = fork();
	if (pid == 0) {
		dup2(out[1], STDOUT_FILENO);
		dup2(err[1], STDERR_FILENO);
		execv("/proc/self/exe", argv);
		_exit(127);
	}
out:
	free(argv);
	close(out[1]);
	close(err[1]);
	if (pid < 0) {
		close(out[0]);
		close(err[0]);
		return -1;
	}
	fd[0] = out[0];
	fd[1] = err[0];
	return pid;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct live {
	struct reader rd;
	int fd[2];                 /* the monitor's stdout, stderr; -1 once closed */
	char err[1024];            /* its stderr's line being read */
	size_t err_len;
	int64_t deadline;          /* ms; 0 until it says it is monitoring */
	bool stopped;
};

/* The monitor's stderr is passed on; its "monitoring" line starts the
 * clock, so --duration is time watched, not time spent loading. */
static void live_stderr(struct live *l, uint64_t duration_ms)
{
	char b[4096];
	ssize_t n = read(l->fd[1], b, sizeof(b));

	if (n <= 0) {
		if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
			close(l->fd[1]);
			l->fd[1] = -1;
		}
		return;
	}
	fwrite(b, 1, (size_t)n, stderr);
	for (ssize_t i = 0; i < n; i++) {
		if (b[i] != '\n' && l->err_len < sizeof(l->err) - 1) {
			l->err[l->err_len++] = b[i];
			continue;
		}
		l->err[l->err_len] = 0;
		if (!l->deadline && strstr(l->err, "cactus: monitoring"))
			l->deadline = now_ms() + (int64_t)duration_ms;
		l->err_len = 0;
	}
}

/* Until the monitor has closed both: 0, or -errno of reading the stream. */
static int live_loop(struct live *l, pid_t pid, uint64_t duration_ms)
{
	int err = 0;

	while (l->fd[0] >= 0 || l->fd[1] >= 0) {
		struct pollfd p[2] = { { .fd = l->fd[0], .events = POLLIN },
				       { .fd = l->fd[1], .events = POLLIN } };
		int timeout = -1;

		if (l->deadline && !l->stopped)
			timeout = (int)(l->deadline > now_ms() ? l->deadline - now_ms() : 0);
		if (poll(p, 2, timeout) == 0 || (err && !l->stopped)) {
			kill(pid, SIGINT);
			l->stopped = true;
		}
		if (p[0].revents && !err) {
			err = reader_read(&l->rd, l->fd[0]);
			if (err <= 0) {
				close(l->fd[0]);
				l->fd[0] = -1;
			}
			err = err > 0 ? 0 : err;
		} else if (p[0].revents) {
			close(l->fd[0]); /* after an error: stop reading, let it end */
			l->fd[0] = -1;
		}
		if (p[1].revents)
			live_stderr(l, duration_ms);
	}
	return err;
}

/* The monitor's lines until it ends: 0, its exit status when it failed
 * (it said why), or 1. */
static int run_live(struct report *r, const struct report_opts *o)
{
	struct sigaction sa = { .sa_handler = stop_child, .sa_flags = SA_RESTART }, old[2];
	struct live l = { .fd = { -1, -1 } };
	int status = 0, err;
	pid_t pid;

	if (reader_init(&l.rd, r)) {
		reader_free(&l.rd);
		log_err("out of memory");
		return 1;
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old[0]);
	sigaction(SIGTERM, &sa, &old[1]);
	pid = start_monitor(o, l.fd);
	if (pid < 0) {
		log_err("cannot start the monitor: %s", strerror(errno));
		err = 1;
		goto out;
	}
	child_pid = pid;
	err = live_loop(&l, pid, o->duration_ms);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	child_pid = 0;
	if (err) {
		log_err("reading the monitor's output: %s", strerror(-err));
		err = 1;
	} else if (WIFEXITED(status) && WEXITSTATUS(status)) {
		log_err("the monitor exited with status %d", WEXITSTATUS(status));
		err = WEXITSTATUS(status);
	} else if (WIFSIGNALED(status)) {
		log_err("the monitor was killed by signal %d", WTERMSIG(status));
		err = 1;
	}
out:
	sigaction(SIGINT, &old[0], NULL);
	sigaction(SIGTERM, &old[1], NULL);
	reader_free(&l.rd);
	return err;
}

/* ---- the command ---- */

int report__write(const struct report *r, FILE *f)
{
	int err;

	switch (r->opts->format) {
	case REPORT_JSON:
		err = report_json(r, f);
		break;
	case REPORT_HTML:
		err = report_html(r, f);
		break;
	default:
		err = report_text(r, f);
		break;
	}
	if (fflush(f) || ferror(f))
		return err ? err : -(errno ? errno : EIO);
	return err;
}

static int read_input(struct report *r, const struct report_opts *o)
{
	bool std = !o->input || !strcmp(o->input, "-");
	int fd = std ? STDIN_FILENO : open(o->input, O_RDONLY | O_CLOEXEC);
	int err;

	if (fd < 0) {
		log_err("cannot open %s: %s", o->input, strerror(errno));
		return 1;
	}
	err = read_stream(r, fd);
	if (!std)
		close(fd);
	if (err) {
		log_err("reading %s: %s", std ? "stdin" : o->input, strerror(-err));
		return 1;
	}
	return 0;
}

int report_run(const struct report_opts *o)
{
	struct report *r = report__new(o);
	FILE *out = stdout;
	int rc, err;

	if (!r) {
		log_err("out of memory");
		return 1;
	}
	/* the output first: a report that cannot be written is not worth a run */
	if (o->output && !(out = fopen(o->output, "w"))) {
		log_err("cannot write %s: %s", o->output, strerror(errno));
		report__free(r);
		return 1;
	}
	rc = o->duration_ms ? run_live(r, o) : read_input(r, o);
	if (!rc) {
		err = report__write(r, out);
		if (err) {
			log_err("writing the report: %s", strerror(-err));
			rc = 1;
		}
	}
	if (out != stdout && fclose(out) && !rc) {
		log_err("writing %s: %s", o->output, strerror(errno));
		rc = 1;
	}
	report__free(r);
	return rc;
}
