// SPDX-License-Identifier: GPL-2.0
/*
 * The one print path: every command calls these, and they write text or
 * build JSON with jansson.  JSON keys are the text keywords.  Each key has
 * one type: counts and limits are numbers (an unlimited limit is
 * 9223372036854775807, S64_MAX, which the text prints as "max"), flags
 * are booleans, names and addresses strings.
 *
 * Names are bytes that need not be UTF-8: both outputs print them escaped
 * (see escape()), so JSON stays valid UTF-8 and a name can be pasted back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "cli.h"

static json_t *stack[8];
static int depth;

static json_t *top(void)
{
	return depth ? stack[depth - 1] : NULL;
}

static void push(json_t *j)
{
	if (depth < (int)ARRAY_SIZE(stack))
		stack[depth++] = j;
}

static void dump(json_t *j)
{
	size_t flags = pretty ? JSON_INDENT(4) : JSON_COMPACT;

	json_dumpf(j, stdout, flags | JSON_PRESERVE_ORDER);
	putchar('\n');
	json_decref(j);
}

void out_begin_list(void)
{
	if (json)
		push(json_array());
}

int out_end_list(void)
{
	if (json && depth)
		dump(stack[--depth]);
	return 0;
}

/* A record: an object in the list, or a JSON document of its own. */
void out_open(void)
{
	json_t *o;

	if (!json)
		return;
	o = json_object();
	if (top())
		json_array_append(top(), o);
	push(o);
}

void out_close(void)
{
	json_t *o;

	if (!json) {
		putchar('\n');
		return;
	}
	o = stack[--depth];
	if (!depth)
		dump(o);
	else
		json_decref(o);	/* the list holds it */
}

void out_nest(const char *key)
{
	json_t *o;

	if (!json) {
		printf(" %s", key);
		return;
	}
	o = json_object();
	json_object_set(top(), key, o);
	push(o);
}

void out_unnest(void)
{
	if (json)
		json_decref(stack[--depth]);
}

void out_text(const char *s)
{
	if (!json)
		fputs(s, stdout);
}

/* @val is ASCII or escaped; in text, @with_key prints " key val". */
void out_str(const char *key, const char *val, bool with_key)
{
	if (json)
		json_object_set_new(top(), key, json_string(val));
	else if (with_key)
		printf(" %s %s", key, val);
	else
		fputs(val, stdout);
}

void out_name(const char *key, const char *p, size_t len)
{
	char esc[ESC_SIZE];

	escape(p, len, !json, esc, sizeof(esc));
	out_str(key, esc, true);
}

/*
 * A rate in thousandths per second, as a decimal ("0.2", "100"): a JSON
 * number with a fraction; unlimited is S64_MAX ("max"), as for limits.
 */
void out_rate(const char *key, int64_t v)
{
	char buf[48];

	if (v == RCMGR_LIMIT_UNLIMITED) {
		out_limit(key, v);
		return;
	}
	if (v % 1000)
		snprintf(buf, sizeof(buf), "%lld.%03lld", (long long)(v / 1000),
			 (long long)(v % 1000));
	else
		snprintf(buf, sizeof(buf), "%lld", (long long)(v / 1000));
	while (strchr(buf, '.') && buf[strlen(buf) - 1] == '0')
		buf[strlen(buf) - 1] = '\0';
	if (json)
		json_object_set_new(top(), key, json_real(strtod(buf, NULL)));
	else
		printf(" %s %s", key, buf);
}

void out_u64(const char *key, uint64_t v)
{
	if (json)
		json_object_set_new(top(), key, json_integer((json_int_t)v));
	else
		printf(" %s %llu", key, (unsigned long long)v);
}

void out_limit(const char *key, int64_t v)
{
	if (json)
		json_object_set_new(top(), key, json_integer(v));
	else if (v == RCMGR_LIMIT_UNLIMITED)
		printf(" %s max", key);
	else
		printf(" %s %lld", key, (long long)v);
}

void out_flag(const char *key, bool v)
{
	if (json)
		json_object_set_new(top(), key, json_boolean(v));
	else if (v)
		printf(" %s", key);
}

/* A full disk or a closed pipe is not success. */
int out_flush(void)
{
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "Error: cannot write the output: %m.\n");
		return EXIT_WRITE;
	}
	return EXIT_OK;
}
