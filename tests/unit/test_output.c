// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * src/output: json_write_str (escaping, UTF-8 validation) on a table of
 * strings and exhaustively on short byte strings, checked by json-c in
 * strict mode; output_json / output_block / output_text of synthetic events.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include "records.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <asm/unistd.h>
#include <json-c/json.h>
#include <time.h>

#include "output/escape.h"
#include "output/output.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define PID_NS 4026532001u
#define MNT_NS 4026532000u
#define BOOT_TO_REAL 1700000000000000000LL

/* ---- helpers ---- */

struct capture {
	FILE *f;
	char *buf;
	size_t len;
};

static void cap_open(struct capture *c)
{
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	assert_non_null(c->f);
}

/* Closes the stream; the caller frees c->buf. */
static char *cap_close(struct capture *c)
{
	assert_int_equal(fclose(c->f), 0);
	assert_non_null(c->buf);
	return c->buf;
}

static char *json_str_of(const char *s)
{
	struct capture c;

	cap_open(&c);
	json_write_str(c.f, s);
	return cap_close(&c);
}

/* Strict JSON with UTF-8 validation; the whole input must be one value. */
static struct json_object *parse_strict(const char *s)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o;

	assert_non_null(tok);
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	o = json_tokener_parse_ex(tok, s, (int)strlen(s));
	if (json_tokener_get_error(tok) != json_tokener_success)
		o = NULL;
	else if (json_tokener_get_parse_end(tok) != strlen(s))
		o = NULL;
	json_tokener_free(tok);
	return o;
}

static struct cactus_event *ev_new(int nr)
{
	struct cactus_event *e = calloc(1, sizeof(*e));

	assert_non_null(e);
	e->syscall_nr = nr;
	e->ts_boot_ns = 123456789;
	e->pid_ns = PID_NS;
	e->mnt_ns = MNT_NS;
	e->host_pid = 4242;
	e->host_tid = 4243;
	e->host_ppid = 4000;
	e->pid = 7;
	e->ppid = 1;
	e->uid = 1000;
	e->gid = 1001;
	snprintf(e->comm, sizeof(e->comm), "cat");
	return e;
}

/* openat(AT_FDCWD, "/mnt/test.txt", O_RDONLY) = 3 */
static struct cactus_event *ev_openat(void)
{
	struct cactus_event *e = ev_new(__NR_openat);

	e->args[0] = (uint64_t)AT_FDCWD;
	e->args[2] = O_RDONLY;
	e->ret = 3;
	ev_str(e, STR_PATH, "/mnt/test.txt");
	return e;
}

static const struct container test_container = {
	.id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	.runtime = "docker",
	.name = "web",
	.image = "nginx:1.25",
	.k8s_namespace = "default",
	.k8s_pod = "web-0",
	.k8s_container = "nginx",
	.init_pid = 4000,
	.pid_ns = PID_NS,
	.mnt_ns = MNT_NS,
	.running = true,
};

static struct event_view *view_of(const struct cactus_event *e, const struct container *c)
{
	struct event_view *v = malloc(sizeof(*v));

	assert_non_null(v);
	event_view_init(v, e, c, BOOT_TO_REAL);
	return v;
}

typedef void (*out_fn)(struct out_buf *ob, const struct event_view *v);

/* The record @fn renders for @v, NUL-terminated; the caller frees it. */
static char *render_view(out_fn fn, const struct event_view *v)
{
	struct out_buf ob;

	ob_init(&ob, NULL, 0);
	fn(&ob, v);
	ob_ch(&ob, 0);
	assert_false(ob.oom);
	assert_true(ob.heap);
	return ob.b;
}

static char *render(out_fn fn, const struct cactus_event *e, const struct container *c)
{
	struct event_view *v = view_of(e, c);
	char *out = render_view(fn, v);

	free(v);
	return out;
}

static size_t count_char(const char *s, char ch)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == ch;
	return n;
}

/* One JSON Lines record: a single '\n', at the end, and a strict object. */
static struct json_object *render_json(const struct cactus_event *e, const struct container *c)
{
	char *out = render(output_json, e, c);
	struct json_object *o;
	size_t len = strlen(out);

	assert_true(len > 2);
	if (count_char(out, '\n') != 1 || out[len - 1] != '\n')
		fail_msg("not one line: %s", out);
	out[len - 1] = 0;
	o = parse_strict(out);
	if (!o || !json_object_is_type(o, json_type_object))
		fail_msg("not a JSON object: %s", out);
	free(out);
	return o;
}

static struct json_object *get(struct json_object *o, const char *k)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, k, &v))
		fail_msg("no key \"%s\" in %s", k, json_object_to_json_string(o));
	return v;
}

static void expect_str(struct json_object *o, const char *k, const char *want)
{
	struct json_object *v = get(o, k);

	if (!json_object_is_type(v, json_type_string))
		fail_msg("\"%s\" is not a string", k);
	assert_string_equal(json_object_get_string(v), want);
}

static void expect_int(struct json_object *o, const char *k, int64_t want)
{
	struct json_object *v = get(o, k);

	if (!json_object_is_type(v, json_type_int))
		fail_msg("\"%s\" is not an integer", k);
	assert_int_equal(json_object_get_int64(v), want);
}

static void expect_absent(struct json_object *o, const char *k)
{
	if (json_object_object_get_ex(o, k, NULL))
		fail_msg("unexpected key \"%s\"", k);
}

/* ---- json_write_str ---- */

struct esc_case {
	const char *in;
	const char *out;
};

static const struct esc_case esc_cases[] = {
	{ "", "\"\"" },
	{ "hello world", "\"hello world\"" },
	{ "/mnt/test.txt", "\"/mnt/test.txt\"" },
	{ "a\"b", "\"a\\\"b\"" },
	{ "\"", "\"\\\"\"" },
	{ "a\\b", "\"a\\\\b\"" },
	{ "\\\"", "\"\\\\\\\"\"" },
	{ "\n", "\"\\n\"" },
	{ "a\r\nb\tc", "\"a\\r\\nb\\tc\"" },
	{ "\x01", "\"\\u0001\"" },
	{ "\x08\x0c", "\"\\u0008\\u000c\"" },
	{ "x\x1fy", "\"x\\u001fy\"" },
	{ "\x1b[0m", "\"\\u001b[0m\"" },
	{ "\x7f", "\"\\u007f\"" },
	{ " ~", "\" ~\"" },
	/* valid UTF-8 is kept as is */
	{ "\xc2\x80", "\"\xc2\x80\"" },                       /* U+0080 */
	{ "caf\xc3\xa9", "\"caf\xc3\xa9\"" },                 /* é */
	{ "\xdf\xbf", "\"\xdf\xbf\"" },                       /* U+07FF */
	{ "\xe0\xa0\x80", "\"\xe0\xa0\x80\"" },               /* U+0800 */
	{ "\xe2\x82\xac", "\"\xe2\x82\xac\"" },               /* € */
	{ "\xed\x9f\xbf", "\"\xed\x9f\xbf\"" },               /* U+D7FF */
	{ "\xee\x80\x80", "\"\xee\x80\x80\"" },               /* U+E000 */
	{ "\xef\xbf\xbf", "\"\xef\xbf\xbf\"" },               /* U+FFFF */
	{ "\xf0\x90\x80\x80", "\"\xf0\x90\x80\x80\"" },       /* U+10000 */
	{ "\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"" },       /* 😀 */
	{ "\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\"" },       /* U+10FFFF */
	{ "\xe6\x97\xa5\xe6\x9c\xac/\"x\"", "\"\xe6\x97\xa5\xe6\x9c\xac/\\\"x\\\"\"" },
	/* invalid: each bad byte becomes U+FFFD */
	{ "\x80", "\"\\ufffd\"" },                            /* lone continuation */
	{ "a\xbf" "b", "\"a\\ufffdb\"" },
	{ "\xc0\x80", "\"\\ufffd\\ufffd\"" },                 /* overlong NUL */
	{ "\xc1\xbf", "\"\\ufffd\\ufffd\"" },                 /* overlong 2-byte */
	{ "\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\"" },      /* overlong 3-byte '/' */
	{ "\xf0\x8f\xbf\xbf", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" }, /* overlong 4-byte */
	{ "\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"" },      /* surrogate U+D800 */
	{ "\xed\xbf\xbf", "\"\\ufffd\\ufffd\\ufffd\"" },      /* surrogate U+DFFF */
	{ "\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" }, /* U+110000 */
	{ "\xf5\x80\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" },
	{ "\xff", "\"\\ufffd\"" },
	{ "\xfe\xff", "\"\\ufffd\\ufffd\"" },
	{ "ok\xff\xc3\xa9", "\"ok\\ufffd\xc3\xa9\"" },        /* recovers after */
};

static void test_json_str_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(esc_cases); i++) {
		char *out = json_str_of(esc_cases[i].in);

		if (strcmp(out, esc_cases[i].out))
			fail_msg("case %zu: json_write_str gave [%s], want [%s]", i, out,
				 esc_cases[i].out);
		free(out);
	}
}

static void test_json_str_null(void **state)
{
	char *out = json_str_of(NULL);

	(void)state;
	assert_string_equal(out, "\"\"");
	free(out);
}

/* Output for a string whose tail is a cut sequence: the prefix is kept, the
 * tail is replaced (one U+FFFD per sequence or per byte, both are fine), and
 * nothing of it leaks through raw. */
static void test_json_str_truncated(void **state)
{
	static const char *const tails[] = {
		"\xc3", "\xe2", "\xe2\x82", "\xf0", "\xf0\x9f", "\xf0\x9f\x98",
	};
	char in[16], want_prefix[] = "\"ab\\ufffd";

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(tails); i++) {
		size_t n = strlen(tails[i]);
		char *out;
		const char *p;

		snprintf(in, sizeof(in), "ab%s", tails[i]);
		out = json_str_of(in);
		if (strncmp(out, want_prefix, strlen(want_prefix)))
			fail_msg("tail %zu: %s", i, out);
		p = out + strlen(want_prefix);
		for (size_t k = 1; k < n && !strncmp(p, "\\ufffd", 6); k++)
			p += 6;
		if (strcmp(p, "\""))
			fail_msg("tail %zu: %s", i, out);
		free(out);

		/* the same cut sequence in the middle of a string */
		snprintf(in, sizeof(in), "ab%sz", tails[i]);
		out = json_str_of(in);
		if (strncmp(out, want_prefix, strlen(want_prefix)))
			fail_msg("mid %zu: %s", i, out);
		p = out + strlen(want_prefix);
		for (size_t k = 1; k < n && !strncmp(p, "\\ufffd", 6); k++)
			p += 6;
		if (strcmp(p, "z\""))
			fail_msg("mid %zu: %s", i, out);
		free(out);
	}
}

/* Reference UTF-8 validator, written independently of json.c. */
static bool ref_utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		uint32_t cp;
		size_t len;

		if (s[i] < 0x80) {
			i++;
			continue;
		} else if ((s[i] & 0xe0) == 0xc0) {
			len = 2;
			cp = s[i] & 0x1f;
		} else if ((s[i] & 0xf0) == 0xe0) {
			len = 3;
			cp = s[i] & 0x0f;
		} else if ((s[i] & 0xf8) == 0xf0) {
			len = 4;
			cp = s[i] & 0x07;
		} else {
			return false;
		}
		if (i + len > n)
			return false;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
		    (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += len;
	}
	return true;
}

/* Whatever the bytes, the output is strict JSON with valid UTF-8, and a
 * valid UTF-8 input comes back unchanged. */
static void check_roundtrip(const unsigned char *in, size_t n)
{
	char s[8];
	char *out;
	struct json_object *o;
	const char *got;

	memcpy(s, in, n);
	s[n] = 0;
	out = json_str_of(s);
	o = parse_strict(out);
	if (!o || !json_object_is_type(o, json_type_string))
		fail_msg("input %02x %02x %02x %02x (%zu): bad JSON [%s]", in[0],
			 n > 1 ? in[1] : 0, n > 2 ? in[2] : 0, n > 3 ? in[3] : 0, n, out);
	got = json_object_get_string(o);
	if (ref_utf8_valid(in, n)) {
		if ((size_t)json_object_get_string_len(o) != n || memcmp(got, in, n))
			fail_msg("valid input %02x %02x %02x %02x (%zu) changed: [%s]",
				 in[0], n > 1 ? in[1] : 0, n > 2 ? in[2] : 0,
				 n > 3 ? in[3] : 0, n, out);
	} else if (!strstr(got, "\xef\xbf\xbd")) {
		fail_msg("invalid input %02x %02x %02x %02x (%zu) not replaced: [%s]", in[0],
			 n > 1 ? in[1] : 0, n > 2 ? in[2] : 0, n > 3 ? in[3] : 0, n, out);
	}
	json_object_put(o);
	free(out);
}

static void test_json_str_exhaustive(void **state)
{
	static const unsigned char conts[] = {
		0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xff,
	};
	unsigned char in[4];

	(void)state;
	/* every 1- and 2-byte string */
	for (int a = 1; a < 256; a++) {
		in[0] = (unsigned char)a;
		check_roundtrip(in, 1);
		for (int b = 1; b < 256; b++) {
			in[1] = (unsigned char)b;
			check_roundtrip(in, 2);
		}
	}
	/* 3- and 4-byte strings: every lead byte, boundary continuation bytes */
	for (int a = 0x80; a < 256; a++) {
		in[0] = (unsigned char)a;
		for (size_t i = 0; i < ARRAY_SIZE(conts); i++) {
			in[1] = conts[i];
			if (!in[1])
				continue;
			for (size_t j = 0; j < ARRAY_SIZE(conts); j++) {
				in[2] = conts[j];
				if (!in[2])
					continue;
				check_roundtrip(in, 3);
				for (size_t k = 0; k < ARRAY_SIZE(conts); k++) {
					in[3] = conts[k];
					if (in[3])
						check_roundtrip(in, 4);
				}
			}
		}
	}
}

static void test_json_str_fmemopen(void **state)
{
	char buf[64];
	FILE *f;

	(void)state;
	memset(buf, 0, sizeof(buf));
	f = fmemopen(buf, sizeof(buf), "w");
	assert_non_null(f);
	json_write_str(f, "tab\there");
	assert_int_equal(fclose(f), 0);
	assert_string_equal(buf, "\"tab\\there\"");
}

/* ---- output_json ---- */

static void test_json_openat(void **state)
{
	struct cactus_event *e = ev_openat();
	struct json_object *o = render_json(e, &test_container);

	(void)state;
	expect_str(o, "time", "2023-11-14T22:13:20.123456789Z");
	expect_str(o, "container_id", test_container.id);
	expect_str(o, "container_name", "web");
	expect_str(o, "image", "nginx:1.25");
	expect_str(o, "runtime", "docker");
	expect_str(o, "k8s_namespace", "default");
	expect_str(o, "k8s_pod", "web-0");
	expect_str(o, "k8s_container", "nginx");
	expect_int(o, "pid_ns", PID_NS);
	expect_int(o, "mnt_ns", MNT_NS);
	expect_int(o, "host_pid", 4242);
	expect_int(o, "host_tid", 4243);
	expect_int(o, "host_ppid", 4000);
	expect_int(o, "pid", 7);
	expect_int(o, "ppid", 1);
	expect_int(o, "uid", 1000);
	expect_int(o, "gid", 1001);
	expect_str(o, "comm", "cat");
	expect_str(o, "syscall", "openat");
	expect_int(o, "syscall_nr", __NR_openat);
	expect_str(o, "category", "File Operation");
	expect_str(o, "activity", "File Open");
	expect_int(o, "ret", 3);
	expect_str(o, "dirname", "/mnt");
	expect_str(o, "filename", "test.txt");
	assert_non_null(strstr(json_object_get_string(get(o, "flags")), "O_RDONLY"));
	assert_null(strstr(json_object_get_string(get(o, "flags")), "O_WRONLY"));
	expect_absent(o, "exe");
	expect_absent(o, "argv");
	expect_absent(o, "family");
	expect_absent(o, "signal");
	expect_absent(o, "path2");
	expect_absent(o, "truncated");
	expect_absent(o, "no_enter");
	json_object_put(o);
	free(e);
}

static void test_json_negative_ret_and_big_ids(void **state)
{
	struct cactus_event *e = ev_openat();
	struct json_object *o;

	(void)state;
	e->ret = -2;   /* -ENOENT */
	e->uid = 4294967294u;
	e->pid_ns = 0xffffffffu;
	e->flags = EF_TRUNCATED | EF_NO_ENTER;
	o = render_json(e, &test_container);
	expect_int(o, "ret", -2);
	expect_int(o, "uid", 4294967294LL);
	expect_int(o, "pid_ns", 0xffffffffLL);
	assert_true(json_object_get_boolean(get(o, "truncated")));
	assert_true(json_object_get_boolean(get(o, "no_enter")));
	json_object_put(o);
	free(e);
}

static void test_json_exit_group(void **state)
{
	struct cactus_event *e = ev_new(__NR_exit_group);
	struct json_object *o;

	(void)state;
	e->flags = EF_NO_EXIT;
	e->args[0] = 0;
	o = render_json(e, &test_container);
	expect_str(o, "syscall", "exit_group");
	expect_str(o, "category", "Process Manage");
	assert_true(json_object_object_get_ex(o, "ret", NULL));
	assert_null(get(o, "ret"));   /* json-c represents null as NULL */
	expect_absent(o, "dirname");
	expect_absent(o, "flags");
	json_object_put(o);
	free(e);
}

static void test_json_null_container(void **state)
{
	static const char *const keys[] = {
		"container_id", "container_name", "image", "runtime",
		"k8s_namespace", "k8s_pod", "k8s_container",
	};
	struct cactus_event *e = ev_openat();
	struct json_object *o = render_json(e, NULL);

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		expect_str(o, keys[i], "");
	expect_str(o, "syscall", "openat");
	json_object_put(o);
	free(e);
}

static void test_json_hostile_strings(void **state)
{
	static const char path[] = "/mnt/\xff\xfe\"x\\y\nz\x01.txt";
	struct cactus_event *e = ev_new(__NR_openat);
	struct json_object *o;

	(void)state;
	memcpy(e->comm, "a\"b\\c\td", 8);
	ev_str(e, STR_PATH, path);
	o = render_json(e, &test_container);
	expect_str(o, "comm", "a\"b\\c\td");
	expect_str(o, "dirname", "/mnt");
	expect_str(o, "filename", "\xef\xbf\xbd\xef\xbf\xbd\"x\\y\nz\x01.txt");
	json_object_put(o);
	free(e);

	/* container metadata is escaped too */
	{
		struct container c = test_container;

		snprintf(c.name, sizeof(c.name), "we\"b\n");
		snprintf(c.k8s_namespace, sizeof(c.k8s_namespace), "ns\\\x80");
		e = ev_openat();
		o = render_json(e, &c);
		expect_str(o, "container_name", "we\"b\n");
		expect_str(o, "k8s_namespace", "ns\\\xef\xbf\xbd");
		json_object_put(o);
		free(e);
	}
}

/* A line longer than the writer's buffer (argv of control bytes, each
 * escaped to six): written in pieces, still one valid line, nothing lost. */
static void test_json_long_line(void **state)
{
	enum { ARGS = 12, ARGLEN = 250 };
	char argv[ARGS * (ARGLEN + 1)], want[ARGLEN + 1];
	struct cactus_event *e = ev_new(__NR_execve);
	struct json_object *o, *a;
	char *out;

	(void)state;
	memset(argv, 1, sizeof(argv));
	for (int i = 0; i < ARGS; i++)
		argv[i * (ARGLEN + 1) + ARGLEN] = 0;
	memset(want, 1, ARGLEN);
	want[ARGLEN] = 0;
	ev_str(e, STR_PATH, "/bin/x");
	ev_str_n(e, STR_EXTRA, argv, sizeof(argv) - 1);
	e->flags = EF_ARGV_NUL;
	out = render(output_json, e, &test_container);
	assert_true(strlen(out) > ARGS * ARGLEN * 6); /* longer than any buffer */
	free(out);
	o = render_json(e, &test_container);
	a = get(o, "argv");
	assert_int_equal(json_object_array_length(a), ARGS);
	for (int i = 0; i < ARGS; i++)
		assert_string_equal(json_object_get_string(json_object_array_get_idx(a, i)), want);
	expect_str(o, "exe", "/bin/x");
	json_object_put(o);
	free(e);
}

static void test_json_execve(void **state)
{
	static const char argv[] = "cat\0/mnt/test.txt\0say \"hi\"";
	struct cactus_event *e = ev_new(__NR_execve);
	struct json_object *o, *a;

	(void)state;
	ev_str(e, STR_PATH, "/usr/bin/cat");
	ev_str_n(e, STR_EXTRA, argv, sizeof(argv) - 1);
	e->flags = EF_ARGV_NUL;
	o = render_json(e, &test_container);
	expect_str(o, "syscall", "execve");
	expect_str(o, "category", "Process Manage");
	expect_str(o, "activity", "Process Create");
	expect_str(o, "exe", "/usr/bin/cat");
	a = get(o, "argv");
	assert_true(json_object_is_type(a, json_type_array));
	assert_int_equal(json_object_array_length(a), 3);
	assert_string_equal(json_object_get_string(json_object_array_get_idx(a, 0)), "cat");
	assert_string_equal(json_object_get_string(json_object_array_get_idx(a, 1)),
			    "/mnt/test.txt");
	assert_string_equal(json_object_get_string(json_object_array_get_idx(a, 2)),
			    "say \"hi\"");
	json_object_put(o);
	free(e);

	/* exe without argv: an empty array */
	e = ev_new(__NR_execve);
	ev_str(e, STR_PATH, "/bin/true");
	o = render_json(e, &test_container);
	a = get(o, "argv");
	assert_true(json_object_is_type(a, json_type_array));
	assert_int_equal(json_object_array_length(a), 0);
	json_object_put(o);
	free(e);
}

static void test_json_connect(void **state)
{
	struct cactus_event *e = ev_new(__NR_connect);
	struct json_object *o;

	(void)state;
	e->flags = EF_HAS_ADDR;
	e->family = AF_INET;
	e->port = 8080;
	e->addr[0] = 127;
	e->addr[3] = 1;
	o = render_json(e, &test_container);
	expect_str(o, "category", "Network Operation");
	expect_str(o, "activity", "Network Connect");
	expect_str(o, "family", "AF_INET");
	expect_str(o, "addr", "127.0.0.1");
	expect_int(o, "port", 8080);
	expect_absent(o, "dirname");
	json_object_put(o);
	free(e);
}

static void test_json_kill(void **state)
{
	struct cactus_event *e = ev_new(__NR_kill);
	struct json_object *o;

	(void)state;
	e->args[0] = 28;
	e->args[1] = 15;
	o = render_json(e, &test_container);
	expect_str(o, "category", "Signal Handling");
	expect_str(o, "signal", "SIGTERM");
	expect_int(o, "signal_nr", 15);
	expect_int(o, "target_pid", 28);
	json_object_put(o);
	free(e);
}

static void test_json_unknown_syscall(void **state)
{
	struct cactus_event *e = ev_new(__NR_getpid);
	struct json_object *o;

	(void)state;
	e->ret = 7;
	o = render_json(e, NULL);
	expect_str(o, "syscall", "unknown");
	expect_int(o, "syscall_nr", __NR_getpid);
	expect_str(o, "category", "Unknown");
	expect_str(o, "activity", "Unknown");
	expect_int(o, "ret", 7);
	json_object_put(o);
	free(e);
}

/* ---- output_block ---- */

static void test_block_openat(void **state)
{
	struct cactus_event *e = ev_openat();
	char *out = render(output_block, e, &test_container);

	(void)state;
	assert_string_equal(out,
			    "Time: 2023-11-14T22:13:20.123456789Z\n"
			    "ContainerName: web, Namespace: default\n"
			    "PidId: 4026532001, MntId: 4026532000\n"
			    "HostPpid: 4000, HostPid: 4242, Pid: 7, Uid: 1000\n"
			    "Syscall: sys_openat, EventType: File Operation, Ret: 3\n"
			    "Activity: File Open, Dirname: /mnt, Filename: test.txt\n"
			    "\n");
	free(out);
	free(e);
}

static void test_block_variants(void **state)
{
	static const char argv[] = "cat\0/mnt/test.txt";
	struct container noname = test_container;
	struct cactus_event *e;
	char *out;

	(void)state;
	/* no container, exit_group */
	e = ev_new(__NR_exit_group);
	e->flags = EF_NO_EXIT;
	out = render(output_block, e, NULL);
	assert_non_null(strstr(out, "\nContainerName: -, Namespace: -\n"));
	assert_non_null(strstr(out, "\nSyscall: sys_exit_group, EventType: Process Manage, Ret: -\n"));
	assert_non_null(strstr(out, "\nActivity: Process Exit\n\n"));
	/* the blank line is the last line, and the only one */
	assert_ptr_equal(strstr(out, "\n\n"), out + strlen(out) - 2);
	free(out);
	free(e);

	/* container without a name nor namespace: its id */
	noname.name[0] = 0;
	noname.k8s_namespace[0] = 0;
	e = ev_openat();
	out = render(output_block, e, &noname);
	assert_non_null(strstr(out, "\nContainerName: 0123456789abcdef0123456789abcdef"
				    "0123456789abcdef0123456789abcdef, Namespace: -\n"));
	free(out);
	free(e);

	/* execve */
	e = ev_new(__NR_execve);
	ev_str(e, STR_PATH, "/usr/bin/cat");
	ev_str_n(e, STR_EXTRA, argv, sizeof(argv) - 1);
	out = render(output_block, e, &test_container);
	assert_non_null(strstr(out, "\nSyscall: sys_execve, EventType: Process Manage, Ret: 0\n"));
	assert_non_null(strstr(out, "\nActivity: Process Create, Comm: cat, Execfile: /usr/bin/cat\n\n"));
	free(out);
	free(e);

	/* connect and kill */
	e = ev_new(__NR_connect);
	e->flags = EF_HAS_ADDR;
	e->family = AF_INET;
	e->port = 80;
	e->addr[0] = 10;
	e->addr[3] = 2;
	e->ret = -111;
	out = render(output_block, e, &test_container);
	assert_non_null(strstr(out, "EventType: Network Operation, Ret: -111\n"));
	assert_non_null(strstr(out, "\nActivity: Network Connect, Family: AF_INET, "
				    "Addr: 10.0.0.2, Port: 80\n\n"));
	free(out);
	free(e);

	e = ev_new(__NR_kill);
	e->args[0] = 28;
	e->args[1] = 9;
	out = render(output_block, e, &test_container);
	assert_non_null(strstr(out, "\nActivity: Signal Send, Signal: SIGKILL, TargetPid: 28\n\n"));
	free(out);
	free(e);
}

/* ---- output_text ---- */

static void test_text_openat(void **state)
{
	static const char want[] =
		"2023-11-14T22:13:20.123456789Z web pid=7(host 4242) "
		"ppid=1(host 4000) uid=1000 cat openat [File Operation/File Open] "
		"ret=3 dirname=/mnt filename=test.txt";
	struct cactus_event *e = ev_openat();
	char *out = render(output_text, e, &test_container);

	(void)state;
	assert_int_equal(count_char(out, '\n'), 1);
	assert_int_equal(out[strlen(out) - 1], '\n');
	assert_true(!strncmp(out, want, strlen(want)));
	assert_non_null(strstr(out, " web "));
	assert_non_null(strstr(out, "openat"));
	assert_non_null(strstr(out, "dirname=/mnt filename=test.txt"));
	assert_non_null(strstr(out, " flags=O_RDONLY"));
	free(out);
	free(e);
}

static void test_text_variants(void **state)
{
	static const char argv[] = "cat\0/mnt/test.txt";
	struct cactus_event *e;
	char *out;

	(void)state;
	e = ev_new(__NR_exit_group);
	e->flags = EF_NO_EXIT;
	out = render(output_text, e, NULL);
	assert_int_equal(count_char(out, '\n'), 1);
	assert_non_null(strstr(out, "Z - pid=7"));
	assert_non_null(strstr(out, " exit_group [Process Manage/Process Exit] ret=-\n"));
	free(out);
	free(e);

	e = ev_new(__NR_execve);
	ev_str(e, STR_PATH, "/usr/bin/cat");
	ev_str_n(e, STR_EXTRA, argv, sizeof(argv) - 1);
	out = render(output_text, e, &test_container);
	assert_int_equal(count_char(out, '\n'), 1);
	assert_non_null(strstr(out, " ret=0 exe=/usr/bin/cat argv=[cat /mnt/test.txt]\n"));
	assert_null(strstr(out, "dirname="));
	free(out);
	free(e);

	e = ev_new(__NR_connect);
	e->flags = EF_HAS_ADDR;
	e->family = AF_INET6;
	e->port = 443;
	e->addr[15] = 1;
	out = render(output_text, e, &test_container);
	assert_non_null(strstr(out, " AF_INET6 addr=::1 port=443\n"));
	free(out);
	free(e);

	e = ev_new(__NR_tgkill);
	e->args[0] = 28;
	e->args[1] = 30;
	e->args[2] = 9;
	out = render(output_text, e, &test_container);
	assert_non_null(strstr(out, " signal=SIGKILL target_pid=30\n"));
	free(out);
	free(e);
}

/* ---- escaping: one event, one record; no forged field; reversible ---- */

/* Reference decoder of escape.h's scheme, written apart from escape.c:
 * one value starting at *p (quoted if @quotable and it starts with '"'),
 * up to @stop (a separator outside quotes) or the end; returns the bytes
 * in @out, moves *p. */
static size_t ref_unescape(const char **p, bool quotable, const char *stop, char *out,
			   size_t cap)
{
	const char *s = *p;
	bool quoted = quotable && *s == '"';
	size_t n = 0;

	s += quoted;
	while (*s && (quoted ? *s != '"' : !strchr(stop, *s))) {
		char ch = *s++;

		if (ch == '\\') {
			ch = *s++;
			if (ch == 'n')
				ch = '\n';
			else if (ch == 'r')
				ch = '\r';
			else if (ch == 't')
				ch = '\t';
			else if (ch == 'x') {
				char hex[3] = { s[0], s[1], 0 };

				ch = (char)strtol(hex, NULL, 16);
				s += 2;
			} else if (ch != '\\' && ch != '"') {
				fail_msg("unknown escape \\%c in %s", ch, *p);
			}
		}
		assert_true(n + 1 < cap);
		out[n++] = ch;
	}
	if (quoted) {
		assert_int_equal(*s, '"');
		s++;
	}
	out[n] = 0;
	*p = s;
	return n;
}

static char *esc_of(const char *s, const char *sep)
{
	struct out_buf ob;

	ob_init(&ob, NULL, 0);
	esc_value(&ob, s, sep);
	ob_ch(&ob, 0);
	assert_false(ob.oom);
	return ob.b;
}

static const struct esc_case text_cases[] = {
	{ "test.txt", "test.txt" },
	{ "caf\xc3\xa9", "caf\xc3\xa9" },                   /* valid UTF-8 as is */
	{ "a\nb", "a\\nb" },
	{ "a\r\tb", "a\\r\\tb" },
	{ "\x1b" "c", "\\x1bc" },                          /* ESC */
	{ "del\x7f", "del\\x7f" },
	{ "\x01\x1f", "\\x01\\x1f" },
	{ "c1\xc2\x9b" "2J", "c1\\xc2\\x9b2J" },          /* C1 CSI, valid UTF-8 */
	{ "nel\xc2\x85", "nel\\xc2\\x85" },
	{ "rlo\xe2\x80\xaetxt.exe", "rlo\\xe2\\x80\\xaetxt.exe" },
	{ "ls\xe2\x80\xa8x", "ls\\xe2\\x80\\xa8x" },      /* U+2028 */
	{ "bad\xff\xfe", "bad\\xff\\xfe" },
	{ "cut\xe2\x82", "cut\\xe2\\x82" },
	{ "back\\slash", "back\\\\slash" },
	{ "\\x41", "\\\\x41" },                            /* not the byte 'A' */
	{ "x filename=shadow", "\"x filename=shadow\"" },
	{ "a=b", "\"a=b\"" },
	{ "a]b", "\"a]b\"" },
	{ "[x", "\"[x\"" },
	{ "q\"uote", "\"q\\\"uote\"" },
	{ "\"", "\"\\\"\"" },
	{ "", "" },
};

static void test_escape_text_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(text_cases); i++) {
		char *out = esc_of(text_cases[i].in, ESC_TEXT_SEP);

		if (strcmp(out, text_cases[i].out))
			fail_msg("case %zu: [%s], want [%s]", i, out, text_cases[i].out);
		free(out);
	}
}

static void test_escape_block_quotes(void **state)
{
	char *out;

	(void)state;
	out = esc_of("a, Filename: b", ESC_BLOCK_SEP);
	assert_string_equal(out, "\"a, Filename: b\"");
	free(out);
	out = esc_of("with space=ok]", ESC_BLOCK_SEP);
	assert_string_equal(out, "with space=ok]");
	free(out);
	out = esc_of("x,\n\"", ESC_RAW_SEP);   /* raw: never quoted, '"' as is */
	assert_string_equal(out, "x,\\n\"");
	free(out);
}

/* Output bytes: no control byte, valid UTF-8 (none of the escaped kind). */
static void assert_inert(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			fail_msg("raw control 0x%02x in [%s]", *p, s);
	}
	if (!ref_utf8_valid((const unsigned char *)s, strlen(s)))
		fail_msg("invalid UTF-8 in [%s]", s);
}

/* Every string of up to 3 bytes from an alphabet of the interesting ones
 * (separators, escapes, controls, lead and continuation bytes) decodes
 * back to itself, for every separator set. */
static void test_escape_roundtrip(void **state)
{
	static const char alpha[] = " =[]\",\\\n\x1b\x7fxn\x80\x9b\xc2\xe2\xff";
	static const char *const seps[] = { ESC_TEXT_SEP, ESC_BLOCK_SEP, ESC_RAW_SEP };
	const size_t na = sizeof(alpha) - 1;
	char in[4], back[64];

	(void)state;
	for (size_t len = 1; len <= 3; len++) {
		size_t total = 1;

		for (size_t k = 0; k < len; k++)
			total *= na;
		for (size_t idx = 0; idx < total; idx++) {
			size_t x = idx;

			for (size_t k = 0; k < len; k++, x /= na)
				in[k] = alpha[x % na];
			in[len] = 0;
			for (size_t s = 0; s < ARRAY_SIZE(seps); s++) {
				char *out = esc_of(in, seps[s]);
				const char *p = out;

				assert_inert(out);
				ref_unescape(&p, *seps[s] != 0, "", back, sizeof(back));
				if (*p || strcmp(back, in))
					fail_msg("[%s] does not decode to its input", out);
				if (out[0] != '"' && *seps[s] && strpbrk(out, seps[s]))
					fail_msg("[%s] holds a separator unquoted", out);
				free(out);
			}
		}
	}
}

/* A text line split like a reader would: fields at spaces outside quotes.
 * Returns how many fields are named @key, and the last one's value. */
static int text_field(const char *line, const char *key, char *val, size_t cap)
{
	size_t klen = strlen(key);
	const char *p = line;
	int n = 0;

	while (*p && *p != '\n') {
		if (!strncmp(p, key, klen) && p[klen] == '=') {
			p += klen + 1;
			ref_unescape(&p, true, " \n", val, cap);
			n++;
			continue;
		}
		/* skip one field (a quoted value may hold spaces) */
		while (*p && *p != ' ' && *p != '\n') {
			if (*p == '"') {
				char skip[4096];

				ref_unescape(&p, true, "", skip, sizeof(skip));
				continue;
			}
			p += *p == '\\' ? 2 : 1;
		}
		while (*p == ' ')
			p++;
	}
	return n;
}

static void test_text_hostile_file_names(void **state)
{
	static const char *const names[] = {
		"x filename=shadow", "a\nFAKE 2023-01-01T00:00:00Z web pid=1",
		"\x1b]0;owned\x07", "q\"x\" dirname=etc", "b\\\" filename=y", "\xff\xc0 x",
		"ALERT[r high kill: killed] x", "rlo\xe2\x80\xaegpj.exe",
	};
	char path[512], val[4096];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		struct cactus_event *e = ev_new(__NR_openat);
		char *out;

		snprintf(path, sizeof(path), "/mnt/%s", names[i]);
		ev_str(e, STR_PATH, path);
		out = render(output_text, e, &test_container);
		assert_int_equal(count_char(out, '\n'), 1);
		assert_inert(strchr(out, '\n') + 1);
		out[strlen(out) - 1] = 0;
		assert_inert(out);
		assert_int_equal(text_field(out, "filename", val, sizeof(val)), 1);
		assert_string_equal(val, names[i]);
		assert_int_equal(text_field(out, "dirname", val, sizeof(val)), 1);
		assert_string_equal(val, "/mnt");
		assert_null(strstr(out, " ALERT["));  /* only inside the quoted name */
		free(out);
		free(e);
	}
}

/* argv elements, comm, container name and the alert's message: escaped. */
static void test_text_hostile_exec_alert(void **state)
{
	static const char argv[] = "sh\0-c\0echo a] b=c\nd";
	struct cactus_event *e = ev_new(__NR_execve);
	struct container c = test_container;
	struct alert a = { .rule = "shell", .priority = "high", .action = "alert",
			   .outcome = OUTCOME_ALERTED, .message = "sh ran \x1b[2J in x filename=y" };
	struct event_view *v;
	char *out, val[256];

	(void)state;
	snprintf(c.name, sizeof(c.name), "we b\n");
	memcpy(e->comm, "c m\r", 5);
	ev_str(e, STR_PATH, "/bin/sh");
	ev_str_n(e, STR_EXTRA, argv, sizeof(argv) - 1);
	e->flags = EF_ARGV_NUL;
	v = view_of(e, &c);
	v->alert = &a;
	out = render_view(output_text, v);
	assert_int_equal(count_char(out, '\n'), 1);
	assert_non_null(strstr(out, "Z \"we b\\n\" pid=7(host 4242) "));
	assert_non_null(strstr(out, " uid=1000 \"c m\\r\" execve "));
	assert_non_null(strstr(out, " argv=[sh -c \"echo a] b=c\\nd\"] ALERT[shell high alert: "
				    "alerted] \"sh ran \\x1b[2J in x filename=y\"\n"));
	assert_int_equal(text_field(out, "filename", val, sizeof(val)), 0);
	free(out);
	free(v);
	free(e);
}

/* A block is its 6 lines (8 with an alert) and one blank line, whatever
 * the strings hold; a ", Key: " inside a value is quoted. */
static void test_block_hostile(void **state)
{
	struct cactus_event *e = ev_new(__NR_openat);
	struct container c = test_container;
	struct alert a = { .rule = "r", .priority = "low", .action = "alert",
			   .outcome = OUTCOME_ALERTED, .message = "m\n\nTime: x" };
	struct event_view *v;
	char *out;

	(void)state;
	snprintf(c.name, sizeof(c.name), "web\n\nTime: fake");
	snprintf(c.k8s_namespace, sizeof(c.k8s_namespace), "ns, Namespace: kube-system");
	ev_str(e, STR_PATH, "/mnt/a, Filename: passwd\n");
	v = view_of(e, &c);
	v->alert = &a;
	out = render_view(output_block, v);
	assert_int_equal(count_char(out, '\n'), 8 + 1);
	assert_ptr_equal(strstr(out, "\n\n"), out + strlen(out) - 2);
	assert_non_null(strstr(out, "\nContainerName: web\\n\\nTime: fake, "
				    "Namespace: \"ns, Namespace: kube-system\"\n"));
	assert_non_null(strstr(out, ", Dirname: /mnt, Filename: \"a, Filename: passwd\\n\"\n"));
	assert_non_null(strstr(out, "\nMessage: m\\n\\nTime: x\n\n"));
	free(out);
	free(v);
	free(e);
}

/* ---- the process table's facts and the set-up phase (issue 13) ---- */

/* sh of a `docker exec -it`, run from python, run from a script of tini */
static const struct proc out_proc = {
	.self = { .comm = "sh", .exe = "/usr/bin/dash", .host_pid = 4242,
		  .flags = PROC_EXEC_SESSION },
	.anc = { { .comm = "python3", .exe = "/usr/bin/python3.11", .host_pid = 4000 },
		 { .comm = "sh", .exe = "/usr/bin/dash", .host_pid = 3999 },
		 { .comm = "tini", .exe = "/usr/bin/tini", .host_pid = 3000,
		   .flags = PROC_ENTRYPOINT } },
	.n_anc = 3, .tty = true, .tty_name = "pts/0",
};

#define AGE_NS 12345678901LL  /* 12.345 s */

/* @e's view with the monitor's additions: the process, phase, age. */
static struct event_view *view_proc(const struct cactus_event *e, const struct proc *p,
				    bool init, const struct alert *a)
{
	struct event_view *v = view_of(e, &test_container);

	v->proc = p;
	if (p && p->self.exe)
		v->exe = p->self.exe;
	v->phase_init = init;
	v->container_age_ns = AGE_NS;
	v->alert = a;
	return v;
}

static struct json_object *json_of_view(const struct event_view *v)
{
	char *out = render_view(output_json, v);
	size_t len = strlen(out);
	struct json_object *o;

	if (count_char(out, '\n') != 1 || out[len - 1] != '\n')
		fail_msg("not one line: %s", out);
	out[len - 1] = 0;
	o = parse_strict(out);
	if (!o)
		fail_msg("not JSON: %s", out);
	free(out);
	return o;
}

static void test_json_proc(void **state)
{
	static const char argv[] = "sh\0-i";
	struct alert a = { "r", "high", "alert", OUTCOME_ALERTED, "m" };
	struct cactus_event *e = ev_openat(), *x = ev_new(__NR_execve);
	struct json_object *o, *anc;
	struct event_view *v;

	(void)state;
	/* a file event of a known process, set-up phase, the path as spelled */
	v = view_proc(e, &out_proc, true, NULL);
	v->path_arg = "/proc/self/root/mnt/test.txt";
	o = json_of_view(v);
	expect_str(o, "phase", "init");
	expect_str(o, "path_arg", "/proc/self/root/mnt/test.txt");
	expect_str(o, "exe", "/usr/bin/dash");      /* the file executed, any event */
	expect_absent(o, "argv");                    /* not an exec */
	expect_str(o, "tty", "pts/0");
	expect_int(o, "parent_pid", 4000);
	expect_str(o, "parent_exe", "/usr/bin/python3.11");
	expect_str(o, "parent_comm", "python3");
	assert_true(json_object_get_boolean(get(o, "exec_session")));
	expect_absent(o, "entrypoint");
	expect_absent(o, "ancestors");               /* neither an exec nor an alert */
	expect_absent(o, "container_age_s");
	json_object_put(o);
	free(v);

	/* with an alert: the ancestors above the parent and the age */
	v = view_proc(e, &out_proc, false, &a);
	o = json_of_view(v);
	expect_absent(o, "phase");                   /* workload: the default */
	expect_absent(o, "path_arg");
	anc = get(o, "ancestors");
	assert_int_equal(json_object_array_length(anc), 2);
	expect_str(json_object_array_get_idx(anc, 0), "exe", "/usr/bin/dash");
	expect_str(json_object_array_get_idx(anc, 0), "comm", "sh");
	expect_str(json_object_array_get_idx(anc, 1), "exe", "/usr/bin/tini");
	expect_str(json_object_array_get_idx(anc, 1), "comm", "tini");
	assert_true(json_object_is_type(get(o, "container_age_s"), json_type_double));
	assert_true(json_object_get_double(get(o, "container_age_s")) == 12.345);
	json_object_put(o);
	free(v);

	/* an exec: ancestors, argv, no age without an alert */
	ev_str(x, STR_PATH, "/bin/sh");
	ev_str_n(x, STR_EXTRA, argv, sizeof(argv) - 1);
	x->flags = EF_ARGV_NUL;
	v = view_proc(x, &out_proc, false, NULL);
	o = json_of_view(v);
	expect_str(o, "exe", "/usr/bin/dash");
	assert_int_equal(json_object_array_length(get(o, "argv")), 2);
	assert_int_equal(json_object_array_length(get(o, "ancestors")), 2);
	expect_absent(o, "container_age_s");
	json_object_put(o);
	free(v);

	/* an unknown process: none of it */
	v = view_proc(e, NULL, false, &a);
	v->container_age_ns = -1;
	o = json_of_view(v);
	expect_absent(o, "tty");
	expect_absent(o, "parent_pid");
	expect_absent(o, "ancestors");
	expect_absent(o, "container_age_s");
	expect_absent(o, "exe");
	json_object_put(o);
	free(v);
	free(e);
	free(x);
}

/* Names from the process table are the process's: escaped, with _raw. */
static void test_json_proc_hostile(void **state)
{
	struct proc p = out_proc;
	struct alert a = { "r", "high", "alert", OUTCOME_ALERTED, "m" };
	struct cactus_event *e = ev_openat();
	struct json_object *o, *anc;
	struct event_view *v;

	(void)state;
	p.anc[0].exe = "/tmp/x\n\"y\xff";
	memcpy(p.anc[0].comm, "a\"b\xfe", 5);
	p.anc[1].exe = "/tmp/\xc0z";
	v = view_proc(e, &p, false, &a);
	o = json_of_view(v);
	expect_str(o, "parent_exe", "/tmp/x\n\"y\xef\xbf\xbd");
	expect_str(o, "parent_exe_raw", "/tmp/x\\n\"y\\xff");
	expect_str(o, "parent_comm_raw", "a\"b\\xfe");
	anc = json_object_array_get_idx(get(o, "ancestors"), 0);
	expect_str(anc, "exe_raw", "/tmp/\\xc0z");
	expect_absent(anc, "comm_raw");
	json_object_put(o);
	free(v);
	free(e);
}

/* An exec with its process and an alert, every new key: byte for byte. */
static void test_json_proc_golden(void **state)
{
	static const char argv[] = "sh\0-i";
	static const char want[] =
		"{\"time\":\"2023-11-14T22:13:20.123456789Z\",\"container_id\":\"0123456789abcdef"
		"0123456789abcdef0123456789abcdef0123456789abcdef\",\"container_name\":\"web\","
		"\"image\":\"nginx:1.25\",\"runtime\":\"docker\",\"k8s_namespace\":\"default\","
		"\"k8s_pod\":\"web-0\",\"k8s_pod_uid\":\"\",\"k8s_container\":\"nginx\","
		"\"pid_ns\":4026532001,\"mnt_ns\":4026532000,\"host_pid\":4242,\"host_tid\":4243,"
		"\"host_ppid\":4000,\"pid\":7,\"ppid\":1,\"uid\":1000,\"gid\":1001,\"comm\":\"cat\","
		"\"syscall\":\"execve\",\"syscall_nr\":59,\"category\":\"Process Manage\","
		"\"activity\":\"Process Create\",\"ret\":0,\"dirname\":\"/bin\",\"filename\":\"sh\","
		"\"exe\":\"/usr/bin/dash\",\"argv\":[\"sh\",\"-i\"],\"tty\":\"pts/0\","
		"\"exec_session\":true,\"parent_pid\":4000,\"parent_exe\":\"/usr/bin/python3.11\","
		"\"parent_comm\":\"python3\",\"ancestors\":[{\"exe\":\"/usr/bin/dash\",\"comm\":\"sh\"},"
		"{\"exe\":\"/usr/bin/tini\",\"comm\":\"tini\"}],\"container_age_s\":12.345,"
		"\"alert\":{\"rule\":\"terminal_shell_in_container\",\"priority\":\"low\","
		"\"action\":\"alert\",\"outcome\":\"alerted\",\"message\":\"m\"}}\n";
	struct alert a = { "terminal_shell_in_container", "low", "alert", OUTCOME_ALERTED, "m" };
	struct cactus_event *x = ev_new(__NR_execve);
	struct event_view *v;
	char *out;

	(void)state;
	ev_str(x, STR_PATH, "/bin/sh");
	ev_str_n(x, STR_EXTRA, argv, sizeof(argv) - 1);
	x->flags = EF_ARGV_NUL;
	v = view_proc(x, &out_proc, false, &a);
	out = render_view(output_json, v);
	if (strcmp(out, want))
		fail_msg("got:\n%s\nwant:\n%s", out, want);
	free(out);
	free(v);
	free(x);
}

static void test_text_proc(void **state)
{
	static const char argv[] = "sh\0-i";
	struct alert a = { "r", "high", "alert", OUTCOME_ALERTED, "m" };
	struct cactus_event *e = ev_openat(), *x = ev_new(__NR_execve);
	struct proc p = out_proc;
	struct event_view *v;
	char *out, val[256];

	(void)state;
	v = view_proc(e, &out_proc, true, NULL);
	v->path_arg = "/proc/self/cwd/test.txt";
	out = render_view(output_text, v);
	/* still the file's dirname and filename, not exe= */
	assert_non_null(strstr(out, " ret=3 dirname=/mnt filename=test.txt "
				    "path_arg=/proc/self/cwd/test.txt flags=O_RDONLY phase=init "
				    "tty=pts/0 exec_session=true parent_exe=/usr/bin/python3.11 "
				    "parent_comm=python3 parent_pid=4000\n"));
	assert_null(strstr(out, " exe="));
	assert_null(strstr(out, "ancestor"));
	free(out);
	free(v);

	v = view_proc(e, &out_proc, false, &a);
	out = render_view(output_text, v);
	assert_non_null(strstr(out, " parent_pid=4000 ancestor_exe=[/usr/bin/dash /usr/bin/tini] "
				    "ancestor_comm=[sh tini] container_age_s=12.345 ALERT[r high "
				    "alert: alerted] m\n"));
	assert_null(strstr(out, "phase="));
	free(out);
	free(v);

	ev_str(x, STR_PATH, "/bin/sh");
	ev_str_n(x, STR_EXTRA, argv, sizeof(argv) - 1);
	x->flags = EF_ARGV_NUL;
	v = view_proc(x, &out_proc, false, NULL);
	out = render_view(output_text, v);
	assert_non_null(strstr(out, " exe=/usr/bin/dash argv=[sh -i] tty=pts/0 "));
	assert_non_null(strstr(out, " ancestor_comm=[sh tini]\n"));
	free(out);
	free(v);

	/* forged names: one line, no forged field, decoded back */
	p.anc[0].exe = "/x parent_pid=1\nFAKE";
	memcpy(p.anc[0].comm, "a]b c", 6);
	memcpy(p.anc[1].comm, "x] y=", 6);
	v = view_proc(x, &p, false, &a);
	out = render_view(output_text, v);
	assert_int_equal(count_char(out, '\n'), 1);
	assert_int_equal(text_field(out, "parent_pid", val, sizeof(val)), 1);
	assert_string_equal(val, "4000");
	assert_int_equal(text_field(out, "parent_exe", val, sizeof(val)), 1);
	assert_string_equal(val, "/x parent_pid=1\nFAKE");
	assert_int_equal(text_field(out, "parent_comm", val, sizeof(val)), 1);
	assert_string_equal(val, "a]b c");
	assert_non_null(strstr(out, " ancestor_comm=[\"x] y=\" tini] "));
	free(out);
	free(v);
	free(e);
	free(x);
}

static void test_block_proc(void **state)
{
	struct alert a = { "r", "high", "alert", OUTCOME_ALERTED, "m" };
	struct cactus_event *e = ev_openat();
	struct proc p = out_proc;
	struct event_view *v;
	char *out;

	(void)state;
	v = view_proc(e, &out_proc, true, &a);
	v->path_arg = "/proc/self/cwd/test.txt";
	out = render_view(output_block, v);
	assert_non_null(strstr(out, "\nActivity: File Open, Dirname: /mnt, Filename: test.txt, "
				    "PathArg: /proc/self/cwd/test.txt\n"
				    "Phase: init, Tty: pts/0, ExecSession: true, "
				    "ParentExe: /usr/bin/python3.11, ParentComm: python3, "
				    "ParentHostPid: 4000\n"
				    "Ancestor2Exe: /usr/bin/dash, Ancestor2Comm: sh, "
				    "Ancestor3Exe: /usr/bin/tini, Ancestor3Comm: tini\n"
				    "Alert: r, Priority: high, Action: alert, Outcome: alerted, "
				    "ContainerAge: 12.345s\nMessage: m\n\n"));
	free(out);
	free(v);

	/* no alert, workload, no terminal: the process line alone, no age */
	p.tty = false;
	v = view_proc(e, &p, false, NULL);
	out = render_view(output_block, v);
	assert_non_null(strstr(out, "Filename: test.txt\nExecSession: true, ParentExe: "
				    "/usr/bin/python3.11, ParentComm: python3, ParentHostPid: 4000\n\n"));
	free(out);
	free(v);

	/* an unknown process: the block as before (6 lines) */
	v = view_proc(e, NULL, false, NULL);
	out = render_view(output_block, v);
	assert_int_equal(count_char(out, '\n'), 6 + 1);
	free(out);
	free(v);

	/* forged names stay inside their field and their line */
	p.anc[0].exe = "/x, ParentHostPid: 1\n\nTime: fake";
	memcpy(p.anc[1].comm, "s, Ancestor3Exe:", 15);
	v = view_proc(e, &p, false, &a);
	out = render_view(output_block, v);
	assert_non_null(strstr(out, "ParentExe: \"/x, ParentHostPid: 1\\n\\nTime: fake\", "));
	assert_non_null(strstr(out, "Ancestor2Comm: \"s, Ancestor3Exe\", Ancestor3Exe: "));
	assert_int_equal(count_char(out, '\n'), 10 + 1);
	assert_ptr_equal(strstr(out, "\n\n"), out + strlen(out) - 2);
	free(out);
	free(v);
	free(e);
}

/* ---- JSON: lossless, and unchanged for valid UTF-8 ---- */

/* Two events whose every string is valid UTF-8 (with quotes, controls, C1):
 * the lines the writer printed before "_raw" existed, byte for byte (but
 * for "k8s_pod_uid", added since: issue 12). */
static const char *const golden_json[] = {
	"{\"time\":\"2023-11-14T22:13:20.123456789Z\",\"container_id\":\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\","
	"\"container_name\":\"w\xc3\xa9""b \\\"1\\\"\",\"image\":\"nginx:1.25\","
	"\"runtime\":\"docker\",\"k8s_namespace\":\"default\",\"k8s_pod\":\"web-0\","
	"\"k8s_pod_uid\":\"\",\"k8s_container\":\"nginx\",\"pid_ns\":4026532001,\"mnt_ns\":4026532000,"
	"\"host_pid\":4242,\"host_tid\":4243,\"host_ppid\":4000,\"pid\":7,\"ppid\":1,"
	"\"uid\":1000,\"gid\":1001,\"comm\":\"ca t\",\"syscall\":\"openat\",\"syscall_nr\":257,"
	"\"category\":\"File Operation\",\"activity\":\"File Open\",\"ret\":3,\"dirname\":\"/mnt\","
	"\"filename\":\"caf\xc3\xa9 \\\"q\\\"\\\\b\\tx\\u001b[0m\xc2\x9b.txt\",\"flags\":\"O_WRONLY|O_CREAT\","
	"\"alert\":{\"rule\":\"r1\",\"priority\":\"high\",\"action\":\"alert\",\"outcome\":\"alerted\","
	"\"message\":\"opened /mnt/caf\xc3\xa9 in w\xc3\xa9""b\"}}\n",
	"{\"time\":\"2023-11-14T22:13:20.123456789Z\",\"container_id\":\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\","
	"\"container_name\":\"w\xc3\xa9""b \\\"1\\\"\",\"image\":\"nginx:1.25\","
	"\"runtime\":\"docker\",\"k8s_namespace\":\"default\",\"k8s_pod\":\"web-0\","
	"\"k8s_pod_uid\":\"\",\"k8s_container\":\"nginx\",\"pid_ns\":4026532001,\"mnt_ns\":4026532000,"
	"\"host_pid\":4242,\"host_tid\":4243,\"host_ppid\":4000,\"pid\":7,\"ppid\":1,"
	"\"uid\":1000,\"gid\":1001,\"comm\":\"ca t\",\"syscall\":\"execve\",\"syscall_nr\":59,"
	"\"category\":\"Process Manage\",\"activity\":\"Process Create\",\"ret\":0,"
	"\"dirname\":\"/bin\",\"filename\":\"sh\",\"exe\":\"/bin/sh\",\"argv\":[\"sh\","
	"\"-c\",\"echo \\\"hi\\\" \xe2\x82\xac\"]}\n"
};

static void golden_events(struct cactus_event *ev[2], struct container *c)
{
	static const char path[] = "/mnt/caf\xc3\xa9 \"q\"\\b\tx\x1b[0m\xc2\x9b.txt";
	static const char argv[] = "sh\0-c\0echo \"hi\" \xe2\x82\xac";

	*c = test_container;
	snprintf(c->name, sizeof(c->name), "w\xc3\xa9" "b \"1\"");
	ev[0] = ev_new(__NR_openat);
	ev[0]->ret = 3;
	ev[0]->args[0] = (uint64_t)AT_FDCWD;
	ev[0]->args[2] = O_WRONLY | O_CREAT;
	memcpy(ev[0]->comm, "ca t", 5);
	ev_str(ev[0], STR_PATH, path);
	ev[1] = ev_new(__NR_execve);
	memcpy(ev[1]->comm, "ca t", 5);
	ev_str(ev[1], STR_PATH, "/bin/sh");
	ev_str_n(ev[1], STR_EXTRA, argv, sizeof(argv) - 1);
	ev[1]->flags = EF_ARGV_NUL;
}

static void test_json_golden(void **state)
{
	struct alert a = { "r1", "high", "alert", OUTCOME_ALERTED, "opened /mnt/caf\xc3\xa9 in w\xc3\xa9" "b" };
	struct cactus_event *ev[2];
	struct container c;

	(void)state;
	golden_events(ev, &c);
	for (int i = 0; i < 2; i++) {
		struct event_view *v = view_of(ev[i], &c);
		char *out;

		v->alert = i == 0 ? &a : NULL;
		out = render_view(output_json, v);
		if (strcmp(out, golden_json[i]))
			fail_msg("event %d changed:\n%s\nwas:\n%s", i, out, golden_json[i]);
		free(out);
		free(v);
		free(ev[i]);
	}
}

static void test_json_raw_fields(void **state)
{
	static const char argv[] = "ok\0bad\xff\0caf\xc3\xa9";
	struct cactus_event *e = ev_new(__NR_execve);
	struct container c = test_container;
	struct alert a = { "r\xfe", "high", "alert", OUTCOME_ALERTED, "ran bad\xff" };
	struct json_object *o, *raw, *al;
	struct event_view *v;
	char *out;

	(void)state;
	snprintf(c.name, sizeof(c.name), "n\xc0\\");
	memcpy(e->comm, "c\x80\n", 4);
	ev_str(e, STR_PATH, "/bin/x\xff\xfe");
	ev_str_n(e, STR_EXTRA, argv, sizeof(argv) - 1);
	e->flags = EF_ARGV_NUL;
	v = view_of(e, &c);
	v->alert = &a;
	out = render_view(output_json, v);
	o = parse_strict(out);
	assert_non_null(o);
	expect_str(o, "exe", "/bin/x\xef\xbf\xbd\xef\xbf\xbd");
	expect_str(o, "exe_raw", "/bin/x\\xff\\xfe");
	expect_str(o, "filename_raw", "x\\xff\\xfe");
	expect_str(o, "container_name", "n\xef\xbf\xbd\\");
	expect_str(o, "container_name_raw", "n\\xc0\\\\");
	expect_str(o, "comm_raw", "c\\x80\\n");
	expect_absent(o, "dirname_raw");
	expect_absent(o, "image_raw");
	raw = get(o, "argv_raw");
	assert_int_equal(json_object_array_length(raw), 3);
	assert_string_equal(json_object_get_string(json_object_array_get_idx(raw, 1)), "bad\\xff");
	assert_string_equal(json_object_get_string(json_object_array_get_idx(raw, 2)),
			    "caf\xc3\xa9");
	al = get(o, "alert");
	expect_str(al, "rule_raw", "r\\xfe");
	expect_str(al, "message_raw", "ran bad\\xff");
	expect_absent(al, "priority_raw");
	json_object_put(o);
	free(out);
	free(v);
	free(e);
}

/* Names that print the same filename (U+FFFD) differ in filename_raw, and
 * filename_raw decodes back to the raw bytes. */
static void test_json_raw_distinct(void **state)
{
	static const char *const names[] = { "\xff", "\xfe", "\xef\xbf\xbd\xff", "\\xff\xff" };
	char raws[ARRAY_SIZE(names)][64];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		struct cactus_event *e = ev_new(__NR_openat);
		char path[64], back[64];
		struct json_object *o;
		const char *p;

		snprintf(path, sizeof(path), "/m/%s", names[i]);
		ev_str(e, STR_PATH, path);
		o = render_json(e, &test_container);
		snprintf(raws[i], sizeof(raws[i]), "%s",
			 json_object_get_string(get(o, "filename_raw")));
		p = raws[i];
		ref_unescape(&p, false, "", back, sizeof(back));
		assert_string_equal(back, names[i]);
		for (size_t k = 0; k < i; k++)
			assert_string_not_equal(raws[k], raws[i]);
		json_object_put(o);
		free(e);
	}
}

/* The writer's cost per event: not an assertion (machines differ), a
 * number to compare; see README "Tests" for the before/after. */
static double bench_ns(const struct event_view *v, int n)
{
	char storage[16384];
	struct out_buf ob;
	struct timespec a, b;
	double best = 1e30, ns;

	ob_init(&ob, storage, sizeof(storage));
	for (int r = 0; r < 3; r++) {
		clock_gettime(CLOCK_MONOTONIC, &a);
		for (int i = 0; i < n; i++) {
			ob_reset(&ob);
			output_json(&ob, v);
		}
		clock_gettime(CLOCK_MONOTONIC, &b);
		ns = ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n;
		best = ns < best ? ns : best;
	}
	assert_false(ob.oom);
	return best;
}

static void test_json_bench(void **state)
{
	struct cactus_event *e = ev_new(__NR_openat);
	struct cactus_event *u = ev_new(__NR_openat);
	struct event_view *v, *w;

	(void)state;
	ev_str(e, STR_PATH, "/usr/share/nginx/html/index.html");
	ev_str(u, STR_PATH, "/usr/share/\xe6\x97\xa5\xe6\x9c\xac/\xff/index.html");
	v = view_of(e, &test_container);
	w = view_of(u, &test_container);
	print_message("json writer: %.0f ns/event (ASCII), %.0f ns/event (UTF-8 + invalid "
		      "byte, with filename_raw)\n", bench_ns(v, 200000), bench_ns(w, 200000));
	/* the same ASCII event of a known process: exe, parent, tty added */
	v->proc = &out_proc;
	v->exe = out_proc.self.exe;
	print_message("json writer: %.0f ns/event (ASCII, with its process)\n",
		      bench_ns(v, 200000));
	free(v);
	free(w);
	free(e);
	free(u);
}

/* ---- output_format_parse ---- */

static void test_format_parse(void **state)
{
	static const struct {
		const char *name;
		int want;
	} cases[] = {
		{ "text", OUT_TEXT }, { "json", OUT_JSON }, { "block", OUT_BLOCK },
		{ "junk", -1 }, { "", -1 }, { "tex", -1 }, { "texts", -1 },
		{ "json ", -1 }, { " json", -1 }, { "jsonl", -1 }, { "blocks", -1 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		if (output_format_parse(cases[i].name) != cases[i].want)
			fail_msg("output_format_parse(\"%s\") = %d, want %d", cases[i].name,
				 output_format_parse(cases[i].name), cases[i].want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_str_table),
		cmocka_unit_test(test_json_str_null),
		cmocka_unit_test(test_json_str_truncated),
		cmocka_unit_test(test_json_str_exhaustive),
		cmocka_unit_test(test_json_str_fmemopen),
		cmocka_unit_test(test_json_openat),
		cmocka_unit_test(test_json_negative_ret_and_big_ids),
		cmocka_unit_test(test_json_exit_group),
		cmocka_unit_test(test_json_null_container),
		cmocka_unit_test(test_json_hostile_strings),
		cmocka_unit_test(test_json_execve),
		cmocka_unit_test(test_json_long_line),
		cmocka_unit_test(test_json_connect),
		cmocka_unit_test(test_json_kill),
		cmocka_unit_test(test_json_unknown_syscall),
		cmocka_unit_test(test_block_openat),
		cmocka_unit_test(test_block_variants),
		cmocka_unit_test(test_text_openat),
		cmocka_unit_test(test_text_variants),
		cmocka_unit_test(test_escape_text_table),
		cmocka_unit_test(test_escape_block_quotes),
		cmocka_unit_test(test_escape_roundtrip),
		cmocka_unit_test(test_text_hostile_file_names),
		cmocka_unit_test(test_text_hostile_exec_alert),
		cmocka_unit_test(test_block_hostile),
		cmocka_unit_test(test_json_golden),
		cmocka_unit_test(test_json_raw_fields),
		cmocka_unit_test(test_json_raw_distinct),
		cmocka_unit_test(test_json_proc),
		cmocka_unit_test(test_json_proc_hostile),
		cmocka_unit_test(test_json_proc_golden),
		cmocka_unit_test(test_text_proc),
		cmocka_unit_test(test_block_proc),
		cmocka_unit_test(test_json_bench),
		cmocka_unit_test(test_format_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
