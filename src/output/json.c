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
 * Runs of plain bytes and valid UTF-8 are written with one fwrite each: a
 * write per character made this the consumer's hottest function.
 */
void json_write_str(FILE *f, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	const unsigned char *run = p;

	putc_unlocked('"', f);
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
			fwrite_unlocked(run, 1, p - run, f);
		switch (ch) {
		case '"':
			fputs_unlocked("\\\"", f);
			break;
		case '\\':
			fputs_unlocked("\\\\", f);
			break;
		case '\n':
			fputs_unlocked("\\n", f);
			break;
		case '\r':
			fputs_unlocked("\\r", f);
			break;
		case '\t':
			fputs_unlocked("\\t", f);
			break;
		default:
			if (ch < 0x20 || ch == 0x7f) {
				fputs_unlocked("\\u00", f);
				putc_unlocked(hex[ch >> 4], f);
				putc_unlocked(hex[ch & 15], f);
			} else {
				/* a file name may hold any bytes: keep the output valid JSON */
				fputs_unlocked("\\ufffd", f);
			}
		}
		run = ++p;
	}
	if (p > run)
		fwrite_unlocked(run, 1, p - run, f);
	putc_unlocked('"', f);
}

static void key(FILE *f, const char *k)
{
	putc_unlocked(',', f);
	putc_unlocked('"', f);
	fputs_unlocked(k, f);
	fputs_unlocked("\":", f);
}

static void kv_str(FILE *f, const char *k, const char *v)
{
	key(f, k);
	json_write_str(f, v);
}

/* Decimal without printf's machinery (hot path). */
static void write_int(FILE *f, int64_t v)
{
	char buf[24], *p = buf + sizeof(buf);
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;

	do {
		*--p = '0' + u % 10;
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	fwrite_unlocked(p, 1, buf + sizeof(buf) - p, f);
}

static void kv_int(FILE *f, const char *k, int64_t v)
{
	key(f, k);
	write_int(f, v);
}

static void json_container(FILE *f, const struct container *c)
{
	kv_str(f, "container_id", c ? c->id : "");
	kv_str(f, "container_name", c ? c->name : "");
	kv_str(f, "image", c ? c->image : "");
	kv_str(f, "runtime", c ? c->runtime : "");
	kv_str(f, "k8s_namespace", c ? c->k8s_namespace : "");
	kv_str(f, "k8s_pod", c ? c->k8s_pod : "");
	kv_str(f, "k8s_container", c ? c->k8s_container : "");
}

static void json_details(FILE *f, const struct event_view *v)
{
	const struct cactus_event *e = v->e;

	if (v->filename[0] || v->dirname[0]) {
		kv_str(f, "dirname", v->dirname);
		kv_str(f, "filename", v->filename);
	}
	if (v->path2)
		kv_str(f, "path2", v->path2);
	if (v->flags[0])
		kv_str(f, "flags", v->flags);
	if (v->exe) {
		kv_str(f, "exe", v->exe);
		key(f, "argv");
		putc_unlocked('[', f);
		for (int i = 0; i < v->argc; i++) {
			if (i)
				putc_unlocked(',', f);
			json_write_str(f, v->argv[i]);
		}
		putc_unlocked(']', f);
	}
	if (v->family) {
		kv_str(f, "family", v->family);
		kv_str(f, "addr", v->addr);
		kv_int(f, "port", v->port);
	}
	if (v->signal) {
		kv_str(f, "signal", v->signal);
		kv_int(f, "signal_nr", v->signal_nr);
		kv_int(f, "target_pid", v->target_pid);
	}
	if (e->flags & EF_TRUNCATED)
		fputs_unlocked(",\"truncated\":true", f);
	if (e->flags & EF_NO_ENTER)
		fputs_unlocked(",\"no_enter\":true", f);
}

void output_json(FILE *f, const struct event_view *v)
{
	const struct cactus_event *e = v->e;

	fputs_unlocked("{\"time\":", f);
	json_write_str(f, v->time);
	json_container(f, v->c);
	kv_int(f, "pid_ns", e->pid_ns);
	kv_int(f, "mnt_ns", e->mnt_ns);
	kv_int(f, "host_pid", e->host_pid);
	kv_int(f, "host_tid", e->host_tid);
	kv_int(f, "host_ppid", e->host_ppid);
	kv_int(f, "pid", e->pid);
	kv_int(f, "ppid", e->ppid);
	kv_int(f, "uid", e->uid);
	kv_int(f, "gid", e->gid);
	kv_str(f, "comm", e->comm);
	kv_str(f, "syscall", v->sc ? v->sc->name : "unknown");
	kv_int(f, "syscall_nr", e->syscall_nr);
	kv_str(f, "category", v->sc ? cactus_category_name(v->sc->category) : "Unknown");
	kv_str(f, "activity", v->sc ? v->sc->activity : "Unknown");
	if (e->flags & EF_NO_EXIT)
		fputs_unlocked(",\"ret\":null", f);
	else
		kv_int(f, "ret", e->ret);
	json_details(f, v);
	if (v->e->flags & EF_KILLED)
		fputs_unlocked(",\"killed\":true", f);
	if (v->alert) {
		fputs_unlocked(",\"alert\":{\"rule\":", f);
		json_write_str(f, v->alert->rule);
		kv_str(f, "priority", v->alert->priority);
		kv_str(f, "action", v->alert->action);
		kv_str(f, "outcome", v->alert->outcome);
		kv_str(f, "message", v->alert->message);
		putc_unlocked('}', f);
	}
	fputs_unlocked("}\n", f);
}
