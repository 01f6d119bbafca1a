// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Where the stream comes from: a file, stdin, or a `cactus monitor
 * --output json` run as a child for --duration (live), stopped with SIGINT
 * as a user would stop it, so it prints its containers' end records. The
 * stream is read in blocks and cut into lines here; a line longer than
 * LINE_MAX_BYTES is skipped whole (counted as not JSON), so no line, and
 * no file, is ever held whole.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>
#include "log.h"
#include "report/internal.h"

#define BLOCK_BYTES (1 << 20)
#define LINE_MAX_BYTES (1 << 20)

struct reader {
	struct report *r;
	char *line;
	size_t len;
	bool too_long;
};

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

/* Every line of @fd: 0, or -errno (a read error, no memory). */
static int read_stream(struct report *r, int fd)
{
	struct reader rd = { .r = r };
	char *b = malloc(BLOCK_BYTES);
	ssize_t n;
	int err = 0;

	rd.line = malloc(LINE_MAX_BYTES);
	if (!b || !rd.line) {
		err = -ENOMEM;
		goto out;
	}
	for (;;) {
		n = read(fd, b, BLOCK_BYTES);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			goto out;
		}
		if (!n)
			break;
		err = block(&rd, b, (size_t)n);
		if (err)
			goto out;
	}
	/* a last line without its newline (a file cut by a full disk) */
	if (rd.len || rd.too_long)
		err = line_end(&rd);
out:
	free(b);
	free(rd.line);
	return err;
}

/* ---- live: a monitor as a child ---- */

static volatile sig_atomic_t child_pid;

static void stop_child(int sig)
{
	(void)sig;
	if (child_pid > 0)
		kill(child_pid, SIGINT);
}

static pid_t start_monitor(const struct report_opts *o, int *fd)
{
	char **argv = calloc((size_t)o->n_monitor_args + 5, sizeof(*argv));
	int p[2];
	pid_t pid;

	if (!argv || pipe(p)) {
		free(argv);
		return -1;
	}
	argv[0] = "cactus";
	argv[1] = "monitor";
	argv[2] = "--output";
	argv[3] = "json";
	for (int i = 0; i < o->n_monitor_args; i++)
		argv[4 + i] = o->monitor_args[i];
	pid = fork();
	if (pid == 0) {
		dup2(p[1], STDOUT_FILENO);
		close(p[0]);
		close(p[1]);
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	free(argv);
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return -1;
	}
	*fd = p[0];
	return pid;
}

/* The monitor's lines until it ends: 0, its exit status when it failed
 * (it said why), or 1. */
static int run_live(struct report *r, const struct report_opts *o)
{
	struct sigaction sa = { .sa_handler = stop_child, .sa_flags = SA_RESTART }, old[3];
	struct itimerval it = {
		.it_value = { .tv_sec = (time_t)(o->duration_ms / 1000),
			      .tv_usec = (suseconds_t)(o->duration_ms % 1000) * 1000 },
	};
	int fd, status = 0, err;
	pid_t pid;

	sigemptyset(&sa.sa_mask);
	/* Ctrl-C ends the run early: the report is still written */
	sigaction(SIGALRM, &sa, &old[0]);
	sigaction(SIGINT, &sa, &old[1]);
	sigaction(SIGTERM, &sa, &old[2]);
	pid = start_monitor(o, &fd);
	if (pid < 0) {
		log_err("cannot start the monitor: %s", strerror(errno));
		return 1;
	}
	child_pid = pid;
	setitimer(ITIMER_REAL, &it, NULL);
	err = read_stream(r, fd);
	close(fd);
	if (err)
		kill(pid, SIGINT);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	child_pid = 0;
	it = (struct itimerval){};
	setitimer(ITIMER_REAL, &it, NULL);
	sigaction(SIGALRM, &old[0], NULL);
	sigaction(SIGINT, &old[1], NULL);
	sigaction(SIGTERM, &old[2], NULL);
	if (err) {
		log_err("reading the monitor's output: %s", strerror(-err));
		return 1;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status)) {
		log_err("the monitor exited with status %d", WEXITSTATUS(status));
		return WEXITSTATUS(status);
	}
	if (WIFSIGNALED(status)) {
		log_err("the monitor was killed by signal %d", WTERMSIG(status));
		return 1;
	}
	return 0;
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
