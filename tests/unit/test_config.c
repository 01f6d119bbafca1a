// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * src/cli/config: each kind of error on a fixture (tests/unit/config/),
 * reported with its line and every one of them; packaging/cactus.yaml is
 * valid and names every key, the DaemonSet's ConfigMap is valid; typed
 * values as the entries hold them (the CLI's setters take them from there).
 * Run from the repository root.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

#include "cli/config.h"
#include "cli/monitor.h"

#define FIX "tests/unit/config/"
#define EXAMPLE "packaging/cactus.yaml"
#define DAEMONSET "packaging/kubernetes/daemonset.yaml"

static struct config *load(const char *path, struct config_errors *errs)
{
	return config__load(path, cli_options, cli_options_count, errs);
}

/* @want: "line: message" for each error, in order, NULL-terminated. */
static void expect_errors(const char *file, const char *const *want)
{
	struct config_errors errs = { 0 };
	char got[400];
	size_t i, n = 0;

	assert_null(load(file, &errs));
	while (want[n])
		n++;
	for (i = 0; i < errs.n; i++) {
		snprintf(got, sizeof(got), "%d: %s", errs.v[i].line, errs.v[i].msg);
		if (i >= n || strcmp(got, want[i]))
			fail_msg("%s error %zu: got '%s', want '%s'", file, i, got,
				 i < n ? want[i] : "(none)");
		assert_string_equal(errs.v[i].file, file);
	}
	assert_int_equal(errs.n, n);
	config_errors_free(&errs);
}

static void test_unknown_key(void **state)
{
	(void)state;
	expect_errors(FIX "unknown_key.yaml", (const char *const[]){
		"4: unknown key 'outputs'",
		"6: unknown key 'ring_size'",
		NULL });
}

static void test_wrong_type(void **state)
{
	(void)state;
	expect_errors(FIX "wrong_type.yaml", (const char *const[]){
		"1: verbose: 'yes' is not true or false",
		"2: ring-size: 'sixteen' is not an integer",
		"3: output-file-keep: '5' is not an integer",
		"4: output: unknown value 'yaml' (text, json, block)",
		"7: rules: want a string in the list, not a mapping",
		"8: docker-sock: want a string, not a list",
		"10: k8s-namespace: want a string, not a mapping",
		"11: alerts-only: no value (want true or false)",
		NULL });
}

static void test_duplicate(void **state)
{
	(void)state;
	expect_errors(FIX "duplicate.yaml", (const char *const[]){
		"3: duplicate key 'output' (first at line 1)",
		"4: duplicate key 'rules' (first at line 2)",
		NULL });
}

static void test_out_of_range(void **state)
{
	(void)state;
	expect_errors(FIX "range.yaml", (const char *const[]){
		"1: ring-size: 2048 is out of range (1..1024)",
		"2: output-file-keep: -1 is out of range (0..1000)",
		"3: webhook-queue: 0 is out of range (1..1000000)",
		"4: output-file-max-bytes: '99999999999999999999999' is not an integer",
		NULL });
}

static void test_value_checks(void **state)
{
	(void)state;
	expect_errors(FIX "check.yaml", (const char *const[]){
		"1: ring-size: '3': not a power of 2",
		"2: metrics-addr: 'localhost': want HOST:PORT, [IPV6]:PORT or :PORT",
		"3: webhook-url: 'ftp://example/': not an http(s) URL",
		"4: category: 'nonsense': unknown category (cactus syscalls lists them)",
		"6: deny-open: 'etc/shadow': not an absolute path",
		NULL });
}

static void test_malformed_and_shape(void **state)
{
	(void)state;
	expect_errors(FIX "malformed.yaml", (const char *const[]){
		"3: malformed YAML: did not find expected ',' or ']' while parsing a flow sequence",
		NULL });
	expect_errors(FIX "not_mapping.yaml", (const char *const[]){
		"1: the top level must map option names to values", NULL });
	expect_errors(FIX "two_docs.yaml", (const char *const[]){
		"2: more than one YAML document", NULL });
	expect_errors(FIX "missing.yaml", (const char *const[]){
		"0: cannot open: No such file or directory", NULL });
}

static void test_empty_is_valid(void **state)
{
	struct config_errors errs = { 0 };
	struct config *c = load(FIX "empty.yaml", &errs);

	(void)state;
	assert_non_null(c);
	assert_int_equal(config__count(c), 0);
	assert_null(config__get(c, "output"));
	config__free(c);
}

/* Every key of the table is in the example, set or as a "# key:" line. */
static void test_example_has_every_key(void **state)
{
	struct config_errors errs = { 0 };
	struct config *c = load(EXAMPLE, &errs);
	char line[256], *text = NULL, pat[64];
	const struct config_entry *e;
	size_t i, len = 0;
	FILE *f;

	(void)state;
	config_errors_print(&errs);
	assert_non_null(c);
	f = fopen(EXAMPLE, "r");
	while (fgets(line, sizeof(line), f)) {
		text = realloc(text, len + strlen(line) + 1);
		strcpy(text + len, line);
		len += strlen(line);
	}
	fclose(f);
	for (i = 0; i < cli_options_count; i++) {
		if (cli_options[i].cli_only)
			continue;
		snprintf(pat, sizeof(pat), "\n%s:", cli_options[i].name);
		if (!strstr(text, pat) && (snprintf(pat, sizeof(pat), "\n# %s:",
						    cli_options[i].name), !strstr(text, pat)))
			fail_msg("%s does not mention '%s'", EXAMPLE, cli_options[i].name);
	}
	e = config__get(c, "ring-size");
	assert_non_null(e);
	assert_int_equal(e->n_values, 1);
	assert_string_equal(e->values[0], "16");
	e = config__get(c, "container");
	assert_int_equal(e->n_values, 0);
	free(text);
	config__free(c);
}

/*
 * The values @c sets, "name=value" (one per list item; a bool only when
 * true, as the setters make nothing of false), in table order.
 */
static size_t set_values(const struct config *c, char out[][128], size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < cli_options_count; i++) {
		const struct config_entry *e = config__get(c, cli_options[i].name);

		for (size_t j = 0; e && j < e->n_values; j++) {
			if (e->opt->type == OPT_BOOL && strcmp(e->values[j], "true"))
				continue;
			assert_true(n < max);
			snprintf(out[n++], 128, "%s=%s", e->opt->name, e->values[j]);
		}
	}
	return n;
}

static void test_values(void **state)
{
	const char *want[] = { "output=json", "ring-size=16", "attach=auto",
			       "docker-sock=/var/run/docker.sock", "max-containers=8192",
			       "alert-window=10",
			       "metrics-addr=127.0.0.1:9376",
			       "output-file=/var/log/cactus/events.log",
			       "output-file-max-bytes=104857600", "output-file-keep=5",
			       "webhook-queue=1024", "pin-path=/sys/fs/bpf/cactus", NULL };
	struct config_errors errs = { 0 };
	struct config *c = load(EXAMPLE, &errs);
	char got[32][128];
	size_t n, i;

	(void)state;
	assert_non_null(c);
	n = set_values(c, got, 32);
	for (i = 0; want[i]; i++) {
		assert_true(i < n);
		assert_string_equal(got[i], want[i]);
	}
	assert_int_equal(n, i);
	config__free(c);
}

static void test_lists_and_bools(void **state)
{
	struct config_errors errs = { 0 };
	struct config *c = load(FIX "valid.yaml", &errs);
	char got[8][128];

	(void)state;
	assert_non_null(c);
	assert_int_equal(set_values(c, got, 8), 4);
	assert_string_equal(got[0], "category=file"); /* a scalar for a list key */
	assert_string_equal(got[1], "rules=/a");
	assert_string_equal(got[2], "rules=/b");
	assert_string_equal(got[3], "verbose=true");
	assert_string_equal(config__get(c, "alerts-only")->values[0], "false");
	config__free(c);
}

/* ---- the DaemonSet's ConfigMap ---- */

static yaml_node_t *map_get(yaml_document_t *d, yaml_node_t *m, const char *key)
{
	yaml_node_pair_t *p;
	yaml_node_t *k;

	if (!m || m->type != YAML_MAPPING_NODE)
		return NULL;
	for (p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
		k = yaml_document_get_node(d, p->key);
		if (k->type == YAML_SCALAR_NODE && !strcmp((char *)k->data.scalar.value, key))
			return yaml_document_get_node(d, p->value);
	}
	return NULL;
}

/* data["cactus.yaml"] of the first document that has it, into @out. */
static bool configmap_text(const char *path, char *out, size_t len)
{
	FILE *f = fopen(path, "r");
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *v;
	bool found = false;

	assert_non_null(f);
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, f);
	while (!found && yaml_parser_load(&parser, &doc)) {
		if (!yaml_document_get_root_node(&doc)) {
			yaml_document_delete(&doc);
			break;
		}
		v = map_get(&doc, map_get(&doc, yaml_document_get_root_node(&doc), "data"),
			    "cactus.yaml");
		if (v && v->type == YAML_SCALAR_NODE) {
			snprintf(out, len, "%s", (char *)v->data.scalar.value);
			found = true;
		}
		yaml_document_delete(&doc);
	}
	yaml_parser_delete(&parser);
	fclose(f);
	return found;
}

static void test_daemonset_configmap_is_valid(void **state)
{
	char text[4096], path[] = "/tmp/cactus-configmap-XXXXXX";
	struct config_errors errs = { 0 };
	struct config *c;
	FILE *f;
	int fd;

	(void)state;
	assert_true(configmap_text(DAEMONSET, text, sizeof(text)));
	fd = mkstemp(path);
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	c = load(path, &errs);
	config_errors_print(&errs);
	assert_non_null(c);
	assert_string_equal(config__get(c, "metrics-addr")->values[0], ":9376");
	config__free(c);
	unlink(path);
}

static void test_check_status(void **state)
{
	(void)state;
	assert_int_equal(monitor_cli_check_config(EXAMPLE), 0);
	assert_int_equal(monitor_cli_check_config(FIX "duplicate.yaml"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_wrong_type),
		cmocka_unit_test(test_duplicate),
		cmocka_unit_test(test_out_of_range),
		cmocka_unit_test(test_value_checks),
		cmocka_unit_test(test_malformed_and_shape),
		cmocka_unit_test(test_empty_is_valid),
		cmocka_unit_test(test_example_has_every_key),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_lists_and_bools),
		cmocka_unit_test(test_daemonset_configmap_is_valid),
		cmocka_unit_test(test_check_status),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
