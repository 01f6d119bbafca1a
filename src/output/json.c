// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* JSON Lines writer. Hand-written: it runs once per event. */
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>
#include "output.h"

/* Length of the valid UTF-8 sequence at @p (1..4), or 0 if invalid. */
static int utf8_len(const unsigned char *p)
{
	int n;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4;
	else
		return 0;
	for (int i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	}
	/* overlong 3/4-byte forms, surrogates, > U+10FFFF */
	if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] >= 0xa0) ||
	    (p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] >= 0x90))
		return 0;
	return n;
}

/* Bytes that go out as they are: printable ASCII but '"' and '\\'. */
static inline bool plain(unsigned char ch)
{
	return ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\';
}

/*
 * An event's line is built in a buffer and written with one fwrite: stdio
 * calls per field made the buffered writes the consumer's hottest code.
 * A line longer than the buffer (long argv, many escapes) is flushed in
 * pieces, so any length works.
 */
struct jbuf {
	FILE *f;
	size_t len;
	char b[8192];
};

static void jb_flush(struct jbuf *j)
{
	if (j->len)
		fwrite_unlocked(j->b, 1, j->len, j->f);
	j->len = 0;
}

static inline void jb_put(struct jbuf *j, const char *s, size_t n)
{
	if (n > sizeof(j->b) - j->len) {
		jb_flush(j);
		if (n > sizeof(j->b)) {
			fwrite_unlocked(s, 1, n, j->f);
			return;
		}
	}
	memcpy(j->b + j->len, s, n);
	j->len += n;
}

static inline void jb_ch(struct jbuf *j, char c)
{
	if (j->len == sizeof(j->b))
		jb_flush(j);
	j->b[j->len++] = c;
}

/* A string literal, its length known at compile time. */
#define JB_LIT(j, lit) jb_put((j), (lit), sizeof(lit) - 1)

/* Runs of plain bytes and valid UTF-8 go out with one copy each. */
static void jb_str(struct jbuf *j, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	const unsigned char *run = p;

	jb_ch(j, '"');
	while (*p) {
		unsigned char ch = *p;
		int n;

		if (plain(ch)) {
			p++;
			continue;
		}
		if (ch >= 0x80) {
			n = utf8_len(p);
			if (n) {
				p += n;
				continue;
			}
		}
		if (p > run)
			jb_put(j, (const char *)run, p - run);
		switch (ch) {
		case '"':
			JB_LIT(j, "\\\"");
			break;
		case '\\':
			JB_LIT(j, "\\\\");
			break;
		case '\n':
			JB_LIT(j, "\\n");
			break;
		case '\r':
			JB_LIT(j, "\\r");
			break;
		case '\t':
			JB_LIT(j, "\\t");
			break;
		default:
			if (ch < 0x20 || ch == 0x7f) {
				char u[6] = { '\\', 'u', '0', '0', hex[ch >> 4], hex[ch & 15] };

				jb_put(j, u, sizeof(u));
			} else {
				/* a file name may hold any bytes: keep the output valid JSON */
				JB_LIT(j, "\\ufffd");
			}
		}
		run = ++p;
	}
	if (p > run)
		jb_put(j, (const char *)run, p - run);
	jb_ch(j, '"');
}

void json_write_str(FILE *f, const char *s)
{
	struct jbuf j = { .f = f };

	jb_str(&j, s);
	jb_flush(&j);
}

/* ,"k": for a literal key */
#define KEY(j, k) JB_LIT((j), ",\"" k "\":")
#define KV_STR(j, k, v) (KEY(j, k), jb_str((j), (v)))
#define KV_INT(j, k, v) (KEY(j, k), jb_int((j), (v)))

/* Decimal without printf's machinery (hot path). */
static void jb_int(struct jbuf *j, int64_t v)
{
	char buf[24], *p = buf + sizeof(buf);
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;

	do {
		*--p = '0' + u % 10;
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	jb_put(j, p, buf + sizeof(buf) - p);
}

static void json_container(struct jbuf *j, const struct container *c)
{
	KV_STR(j, "container_id", c ? c->id : "");
	KV_STR(j, "container_name", c ? c->name : "");
	KV_STR(j, "image", c ? c->image : "");
	KV_STR(j, "runtime", c ? c->runtime : "");
	KV_STR(j, "k8s_namespace", c ? c->k8s_namespace : "");
	KV_STR(j, "k8s_pod", c ? c->k8s_pod : "");
	KV_STR(j, "k8s_container", c ? c->k8s_container : "");
}

static void json_details(struct jbuf *j, const struct event_view *v)
{
	const struct cactus_event *e = v->e;

	if (v->filename[0] || v->dirname[0]) {
		KV_STR(j, "dirname", v->dirname);
		KV_STR(j, "filename", v->filename);
	}
	if (v->path2)
		KV_STR(j, "path2", v->path2);
	if (v->flags[0])
		KV_STR(j, "flags", v->flags);
	if (v->exe) {
		KV_STR(j, "exe", v->exe);
		KEY(j, "argv");
		jb_ch(j, '[');
		for (int i = 0; i < v->argc; i++) {
			if (i)
				jb_ch(j, ',');
			jb_str(j, v->argv[i]);
		}
		jb_ch(j, ']');
	}
	if (v->family) {
		KV_STR(j, "family", v->family);
		KV_STR(j, "addr", v->addr);
		KV_INT(j, "port", v->port);
	}
	if (v->signal) {
		KV_STR(j, "signal", v->signal);
		KV_INT(j, "signal_nr", v->signal_nr);
		KV_INT(j, "target_pid", v->target_pid);
	}
	if (e->flags & EF_TRUNCATED)
		JB_LIT(j, ",\"truncated\":true");
	if (e->flags & EF_NO_ENTER)
		JB_LIT(j, ",\"no_enter\":true");
}

void output_json(FILE *f, const struct event_view *v)
{
	const struct cactus_event *e = v->e;
	struct jbuf j = { .f = f };

	JB_LIT(&j, "{\"time\":");
	jb_str(&j, v->time);
	json_container(&j, v->c);
	KV_INT(&j, "pid_ns", e->pid_ns);
	KV_INT(&j, "mnt_ns", e->mnt_ns);
	KV_INT(&j, "host_pid", e->host_pid);
	KV_INT(&j, "host_tid", e->host_tid);
	KV_INT(&j, "host_ppid", e->host_ppid);
	KV_INT(&j, "pid", e->pid);
	KV_INT(&j, "ppid", e->ppid);
	KV_INT(&j, "uid", e->uid);
	KV_INT(&j, "gid", e->gid);
	KV_STR(&j, "comm", e->comm);
	KV_STR(&j, "syscall", v->sc ? v->sc->name : "unknown");
	KV_INT(&j, "syscall_nr", e->syscall_nr);
	KV_STR(&j, "category", v->sc ? cactus_category_name(v->sc->category) : "Unknown");
	KV_STR(&j, "activity", v->sc ? v->sc->activity : "Unknown");
	if (e->flags & EF_NO_EXIT)
		JB_LIT(&j, ",\"ret\":null");
	else
		KV_INT(&j, "ret", e->ret);
	json_details(&j, v);
	if (v->e->flags & EF_KILLED)
		JB_LIT(&j, ",\"killed\":true");
	if (v->alert) {
		JB_LIT(&j, ",\"alert\":{\"rule\":");
		jb_str(&j, v->alert->rule);
		KV_STR(&j, "priority", v->alert->priority);
		KV_STR(&j, "action", v->alert->action);
		KV_STR(&j, "outcome", v->alert->outcome);
		KV_STR(&j, "message", v->alert->message);
		jb_ch(&j, '}');
	}
	JB_LIT(&j, "}\n");
	jb_flush(&j);
}
