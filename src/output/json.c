// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * JSON Lines writer. Hand-written: it runs once per event. Strings are
 * scanned eight bytes at a time; a valid UTF-8 string comes out exactly as
 * before (readers see the same bytes). A string that is not valid UTF-8
 * keeps its U+FFFD form, so existing readers still get valid JSON, and gets
 * a sibling "<key>_raw" holding the escape of escape.h (reversible), so two
 * different raw names never print the same.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "output/escape.h"
#include "output/output.h"

/* Bytes that go out as they are: printable ASCII but '"' and '\\'. */
static inline bool plain(unsigned char ch)
{
	return ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\';
}

/* True if none of the 8 bytes at @p needs a look: no byte < 0x20, '"',
 * '\\' or >= 0x7f (exact "has a byte less/equal/more than" word tests). */
static inline bool plain8(const unsigned char *p)
{
	const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
	uint64_t w, q, b;

	memcpy(&w, p, sizeof(w));
	q = w ^ (ones * '"');
	b = w ^ (ones * '\\');
	return !((((w - ones * 0x20) & ~w) | ((q - ones) & ~q) | ((b - ones) & ~b) |
		  (w + ones) | w) & high);
}

static void json_escape(struct out_buf *ob, unsigned char ch)
{
	static const char hex[] = "0123456789abcdef";

	switch (ch) {
	case '"':
		OB_LIT(ob, "\\\"");
		break;
	case '\\':
		OB_LIT(ob, "\\\\");
		break;
	case '\n':
		OB_LIT(ob, "\\n");
		break;
	case '\r':
		OB_LIT(ob, "\\r");
		break;
	case '\t':
		OB_LIT(ob, "\\t");
		break;
	default:
		if (ch < 0x20 || ch == 0x7f) {
			char u[6] = { '\\', 'u', '0', '0', hex[ch >> 4], hex[ch & 15] };

			ob_put(ob, u, sizeof(u));
		} else {
			/* a file name may hold any bytes: keep the output valid JSON */
			OB_LIT(ob, "\\ufffd");
		}
	}
}

/* A JSON string literal of @s; true if @s was not valid UTF-8 (lossy). */
static bool json_str(struct out_buf *ob, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	const unsigned char *end = p + strlen((const char *)p), *run = p;
	bool lossy = false;

	ob_ch(ob, '"');
	while (p < end) {
		int n;

		if (end - p >= 8 && plain8(p)) {
			p += 8;
			continue;
		}
		if (plain(*p)) {
			p++;
			continue;
		}
		if (*p >= 0x80) {
			n = utf8_len(p);
			if (n) {
				p += n;
				continue;
			}
			lossy = true;
		}
		ob_put(ob, run, p - run);
		json_escape(ob, *p);
		run = ++p;
	}
	ob_put(ob, run, p - run);
	ob_ch(ob, '"');
	return lossy;
}

/* The "_raw" form: the text escape of @s (valid UTF-8), as a JSON string. */
static void json_raw(struct out_buf *ob, const char *s)
{
	char storage[1024];
	struct out_buf tmp;

	ob_init(&tmp, storage, sizeof(storage));
	esc_value(&tmp, s, ESC_RAW_SEP);
	ob_ch(&tmp, 0);
	if (tmp.oom)
		ob->oom = true;
	else
		json_str(ob, tmp.b);
	ob_free(&tmp);
}

void json_write_str(FILE *f, const char *s)
{
	char storage[1024];
	struct out_buf ob;

	ob_init(&ob, storage, sizeof(storage));
	json_str(&ob, s);
	if (!ob.oom)
		fwrite(ob.b, 1, ob.len, f);
	ob_free(&ob);
}

#define LIT_ARGS(lit) (lit), sizeof(lit) - 1
/* ,"k": for a literal key */
#define KEY(ob, k) OB_LIT((ob), ",\"" k "\":")
#define KV_STR(ob, k, v) kv_str((ob), LIT_ARGS(",\"" k "\":"), LIT_ARGS(",\"" k "_raw\":"), (v))
#define KV_INT(ob, k, v) (KEY(ob, k), ob_int((ob), (v)))

static inline void kv_str(struct out_buf *ob, const char *key, size_t klen, const char *raw_key,
			  size_t raw_klen, const char *s)
{
	ob_put(ob, key, klen);
	if (!json_str(ob, s))
		return;
	ob_put(ob, raw_key, raw_klen);
	json_raw(ob, s);
}

void json_kv_str(struct out_buf *ob, const char *key, const char *s)
{
	ob_str(ob, ",\"");
	ob_str(ob, key);
	ob_str(ob, "\":");
	if (!json_str(ob, s))
		return;
	ob_str(ob, ",\"");
	ob_str(ob, key);
	ob_str(ob, "_raw\":");
	json_raw(ob, s);
}

void json_container(struct out_buf *ob, const struct container *c)
{
	KV_STR(ob, "container_id", c ? c->id : "");
	KV_STR(ob, "container_name", c ? c->name : "");
	KV_STR(ob, "image", c ? c->image : "");
	KV_STR(ob, "runtime", c ? c->runtime : "");
	KV_STR(ob, "k8s_namespace", c ? c->k8s_namespace : "");
	KV_STR(ob, "k8s_pod", c ? c->k8s_pod : "");
	KV_STR(ob, "k8s_pod_uid", c ? c->k8s_pod_uid : "");
	KV_STR(ob, "k8s_container", c ? c->k8s_container : "");
}

/* "argv": [...], and "argv_raw" (every element) if one was not UTF-8. */
static void json_argv(struct out_buf *ob, const struct event_view *v)
{
	bool lossy = false;

	KEY(ob, "argv");
	ob_ch(ob, '[');
	for (int i = 0; i < v->argc; i++) {
		if (i)
			ob_ch(ob, ',');
		lossy |= json_str(ob, v->argv[i]);
	}
	ob_ch(ob, ']');
	if (!lossy)
		return;
	KEY(ob, "argv_raw");
	ob_ch(ob, '[');
	for (int i = 0; i < v->argc; i++) {
		if (i)
			ob_ch(ob, ',');
		json_raw(ob, v->argv[i]);
	}
	ob_ch(ob, ']');
}

static void json_details(struct out_buf *ob, const struct event_view *v)
{
	const struct cactus_event *e = v->e;

	if (v->filename[0] || v->dirname[0]) {
		KV_STR(ob, "dirname", v->dirname);
		KV_STR(ob, "filename", v->filename);
	}
	if (v->path_arg)
		KV_STR(ob, "path_arg", v->path_arg);
	if (v->path2)
		KV_STR(ob, "path2", v->path2);
	if (v->flags[0])
		KV_STR(ob, "flags", v->flags);
	if (v->exe)
		KV_STR(ob, "exe", v->exe);
	if (output_is_exec(v))
		json_argv(ob, v);
	if (v->family) {
		KV_STR(ob, "family", v->family);
		KV_STR(ob, "addr", v->addr);
		KV_INT(ob, "port", v->port);
	}
	if (v->signal) {
		KV_STR(ob, "signal", v->signal);
		KV_INT(ob, "signal_nr", v->signal_nr);
		KV_INT(ob, "target_pid", v->target_pid);
	}
	if (e->flags & EF_TRUNCATED)
		OB_LIT(ob, ",\"truncated\":true");
	if (e->flags & EF_NO_ENTER)
		OB_LIT(ob, ",\"no_enter\":true");
}

/* "ancestors": [{"exe": ..., "comm": ...}, ...]: above the parent. */
static void json_ancestors(struct out_buf *ob, const struct proc *p)
{
	OB_LIT(ob, ",\"ancestors\":[");
	for (int i = 1; i < p->n_anc && i < PROC_ANCESTORS; i++) {
		const struct proc_ident *a = &p->anc[i];

		if (i > 1)
			ob_ch(ob, ',');
		/* the first key has no leading comma, its sibling has */
		kv_str(ob, LIT_ARGS("{\"exe\":"), LIT_ARGS(",\"exe_raw\":"), a->exe);
		KV_STR(ob, "comm", a->comm);
		ob_ch(ob, '}');
	}
	ob_ch(ob, ']');
}

/* The process's facts from the process table, the set-up phase. Absent
 * keys mean "no" or "unknown": an ordinary workload event of a process
 * the table does not know prints none of them. */
static void json_proc(struct out_buf *ob, const struct event_view *v)
{
	const struct proc *p = v->proc;
	const struct proc_ident *parent = output_parent(v);

	if (v->phase_init)
		OB_LIT(ob, ",\"phase\":\"init\"");
	if (!p)
		return;
	if (p->tty)
		KV_STR(ob, "tty", p->tty_name);
	if (p->self.flags & PROC_ENTRYPOINT)
		OB_LIT(ob, ",\"entrypoint\":true");
	if (p->self.flags & PROC_EXEC_SESSION)
		OB_LIT(ob, ",\"exec_session\":true");
	if (parent) {
		KV_INT(ob, "parent_pid", parent->host_pid);
		if (parent->exe && parent->exe[0])
			KV_STR(ob, "parent_exe", parent->exe);
		if (parent->comm[0])
			KV_STR(ob, "parent_comm", parent->comm);
	}
	if (output_wants_ancestors(v))
		json_ancestors(ob, p);
}

static void json_alert(struct out_buf *ob, const struct alert *a)
{
	OB_LIT(ob, ",\"alert\":{");
	/* the first key has no leading comma, its sibling has */
	kv_str(ob, LIT_ARGS("\"rule\":"), LIT_ARGS(",\"rule_raw\":"), a->rule);
	KV_STR(ob, "priority", a->priority);
	KV_STR(ob, "action", a->action);
	KV_STR(ob, "outcome", a->outcome);
	KV_STR(ob, "message", a->message);
	ob_ch(ob, '}');
}

void output_json(struct out_buf *ob, const struct event_view *v)
{
	const struct cactus_event *e = v->e;

	OB_LIT(ob, "{\"time\":");
	json_str(ob, v->time);
	json_container(ob, v->c);
	KV_INT(ob, "pid_ns", e->pid_ns);
	KV_INT(ob, "mnt_ns", e->mnt_ns);
	KV_INT(ob, "host_pid", e->host_pid);
	KV_INT(ob, "host_tid", e->host_tid);
	KV_INT(ob, "host_ppid", e->host_ppid);
	KV_INT(ob, "pid", e->pid);
	KV_INT(ob, "ppid", e->ppid);
	KV_INT(ob, "uid", e->uid);
	KV_INT(ob, "gid", e->gid);
	KV_STR(ob, "comm", e->comm);
	KV_STR(ob, "syscall", v->sc ? v->sc->name : "unknown");
	KV_INT(ob, "syscall_nr", e->syscall_nr);
	KV_STR(ob, "category", v->sc ? cactus_category_name(v->sc->category) : "Unknown");
	KV_STR(ob, "activity", v->sc ? v->sc->activity : "Unknown");
	if (e->flags & EF_NO_EXIT)
		OB_LIT(ob, ",\"ret\":null");
	else
		KV_INT(ob, "ret", e->ret);
	json_details(ob, v);
	json_proc(ob, v);
	if (e->flags & EF_KILLED)
		OB_LIT(ob, ",\"killed\":true");
	if (v->alert && v->container_age_ns >= 0) {
		KEY(ob, "container_age_s");
		ob_secs3(ob, v->container_age_ns);
	}
	if (v->alert)
		json_alert(ob, v->alert);
	OB_LIT(ob, "}\n");
}
