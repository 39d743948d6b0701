// SPDX-License-Identifier: GPL-2.0
/*
 * Arguments: words by unique prefix, numbers strictly, names with the
 * escapes the output uses.
 *
 * Numbers are decimal digits only: no sign, no blank, no "0x", and a
 * leading 0 is not octal ("010" is ten).  Sizes take K, M, G or KiB, MiB,
 * GiB (both spellings powers of 1024).  Anything else, an empty string or
 * a value past the field's range is a usage error, reported before the
 * module is reached.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

int usage_err(const char *fmt, ...)
{
	va_list ap;

	fputs("Error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(".\n", stderr);
	return EXIT_USAGE;
}

/*
 * Return: the index of the word @arg spells, exactly or as the prefix of
 * exactly one of them; NO_MATCH or AMBIGUOUS otherwise.
 */
int match_word(const char *arg, const char *const *words, size_t n)
{
	size_t len = strlen(arg), i;
	int found = NO_MATCH;

	if (!len)
		return NO_MATCH;
	for (i = 0; i < n; i++)
		if (words[i] && !strcmp(arg, words[i]))
			return i;
	for (i = 0; i < n; i++) {
		if (!words[i] || strncmp(arg, words[i], len))
			continue;
		if (found != NO_MATCH)
			return AMBIGUOUS;
		found = i;
	}
	return found;
}

/* match_word(), saying what went wrong: the index or a negative value. */
int pick(const char *what, const char *arg, const char *const *words,
	 size_t n)
{
	char esc[ESC_SIZE];
	int i = match_word(arg, words, n);
	size_t k;

	if (i >= 0)
		return i;
	escape(arg, strlen(arg), true, esc, sizeof(esc));
	fprintf(stderr, "Error: %s \"%s\" is %s; expected one of:", what, esc,
		i == AMBIGUOUS ? "ambiguous" : "unknown");
	for (k = 0; k < n; k++)
		if (words[k] && (i != AMBIGUOUS ||
				 !strncmp(arg, words[k], strlen(arg))))
			fprintf(stderr, " %s", words[k]);
	fputs(".\n", stderr);
	return i;
}

static const struct {
	const char *suffix;
	unsigned int shift;
} sizes[] = {
	{ "K", 10 }, { "M", 20 }, { "G", 30 },
	{ "KiB", 10 }, { "MiB", 20 }, { "GiB", 30 },
};

static int bad(const char *what, const char *arg, const char *why)
{
	char esc[ESC_SIZE];

	escape(arg, strlen(arg), true, esc, sizeof(esc));
	return usage_err("invalid %s \"%s\": %s", what, esc, why);
}

/* Digits, then (when @size) a size suffix; at most @max. */
static int parse_num(const char *what, const char *arg, bool size,
		     uint64_t max, uint64_t *v)
{
	const char *p = arg;
	uint64_t n = 0;
	size_t i;

	if (!*p)
		return bad(what, arg, "empty");
	if (*p == '-')
		return bad(what, arg, "negative");
	if (*p < '0' || *p > '9')
		return bad(what, arg, "not a decimal number");
	for (; *p >= '0' && *p <= '9'; p++) {
		if (n > (UINT64_MAX - (*p - '0')) / 10)
			return bad(what, arg, "out of range");
		n = n * 10 + (*p - '0');
	}
	if (*p) {
		if (!size)
			return bad(what, arg, "not a decimal number");
		for (i = 0; i < ARRAY_SIZE(sizes); i++)
			if (!strcmp(p, sizes[i].suffix))
				break;
		if (i == ARRAY_SIZE(sizes))
			return bad(what, arg,
				   "unknown size suffix (K, M, G, KiB, MiB, GiB)");
		if (n > (UINT64_MAX >> sizes[i].shift))
			return bad(what, arg, "out of range");
		n <<= sizes[i].shift;
	}
	if (n > max) {
		char why[64];

		snprintf(why, sizeof(why), "out of range (at most %llu)",
			 (unsigned long long)max);
		return bad(what, arg, why);
	}
	*v = n;
	return 0;
}

int parse_u64(const char *what, const char *arg, uint64_t max, uint64_t *v)
{
	return parse_num(what, arg, false, max, v);
}

/* A limit: "max" (unlimited), or a count, or for memory a size. */
int parse_limit(const char *what, const char *arg, bool size, int64_t *v)
{
	uint64_t n;
	int ret;

	if (!strcmp(arg, "max")) {
		*v = RCMGR_LIMIT_UNLIMITED;
		return 0;
	}
	ret = parse_num(what, arg, size, INT64_MAX, &n);
	if (!ret)
		*v = n;
	return ret;
}

/*
 * A rate, connections per second: "max", or digits with at most three
 * decimals ("0.2", "100"); in thousandths, as the module counts them.
 */
int parse_rate(const char *what, const char *arg, int64_t *v)
{
	const char *dot = strchr(arg, '.');
	uint64_t w, frac = 0;
	char whole[32];
	size_t n;
	int k;

	if (!strcmp(arg, "max")) {
		*v = RCMGR_LIMIT_UNLIMITED;
		return 0;
	}
	n = dot ? (size_t)(dot - arg) : strlen(arg);
	if (n >= sizeof(whole))
		return bad(what, arg, "out of range");
	memcpy(whole, arg, n);
	whole[n] = '\0';
	if (parse_num(what, whole, false, INT64_MAX / 1000 - 1, &w))
		return EXIT_USAGE;
	if (dot) {
		n = strlen(dot + 1);
		if (!n || n > 3)
			return bad(what, arg, "at most three decimals, after a digit");
		for (k = 0; k < 3; k++) {
			char c = (size_t)k < n ? dot[1 + k] : '0';

			if (c < '0' || c > '9')
				return bad(what, arg, "not a decimal number");
			frac = frac * 10 + (c - '0');
		}
	}
	*v = w * 1000 + frac;
	return 0;
}

static int hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * A name as the output prints it: "\\" is a backslash, "\xHH" a byte.
 * Return: its length in @out (NUL-terminated), or a negative usage error.
 */
int parse_name(const char *what, const char *arg, char *out, size_t size)
{
	size_t n = 0;
	int hi, lo;

	for (; *arg; arg++) {
		char c = *arg;

		if (c == '\\') {
			if (arg[1] == '\\') {
				arg++;
			} else if (arg[1] == 'x' &&
				   (hi = hex(arg[2])) >= 0 &&
				   (lo = hex(arg[3])) >= 0) {
				c = hi << 4 | lo;
				arg += 3;
				if (!c)
					return -bad(what, arg - 3,
						    "a name cannot hold a NUL byte");
			} else {
				return -bad(what, arg,
					    "a backslash starts \\\\ or \\xHH");
			}
		}
		if (n + 1 >= size || n >= NAME_MAX_LEN)
			return -usage_err("%s too long", what);
		out[n++] = c;
	}
	if (!n)
		return -usage_err("empty %s", what);
	out[n] = '\0';
	return n;
}

/* Length of the valid UTF-8 sequence at @p (printable), or 0. */
static size_t utf8_len(const unsigned char *p, size_t len)
{
	uint32_t cp;
	size_t n, i;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, cp = p[0] & 0x07;
	else
		return 0;
	if (n > len)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	/* Overlong forms, surrogates, past U+10FFFF, C1 controls. */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff ||
	    (cp >= 0x80 && cp < 0xa0))
		return 0;
	return n;
}

/*
 * A name or other peer-controlled bytes, printable and valid UTF-8: a
 * backslash is "\\"; a control character, DEL, or a byte that is not part
 * of valid UTF-8 is "\xHH"; in @text, a space too (so a line stays one
 * word per field).  parse_name() reads it back.
 * Return: the length written to @out (NUL-terminated, cut to @size).
 */
size_t escape(const char *s, size_t len, bool text, char *out, size_t size)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, o = 0, n;

	while (i < len && o + 5 < size) {
		if (p[i] >= 0x80 && (n = utf8_len(p + i, len - i))) {
			if (o + n + 1 >= size)
				break;
			memcpy(out + o, p + i, n);
			o += n;
			i += n;
		} else if (p[i] == '\\') {
			out[o++] = '\\';
			out[o++] = '\\';
			i++;
		} else if (p[i] < 0x20 || p[i] >= 0x7f || (text && p[i] == ' ')) {
			o += snprintf(out + o, size - o, "\\x%02x", p[i]);
			i++;
		} else {
			out[o++] = p[i++];
		}
	}
	out[o] = '\0';
	return o;
}

int kernel_err(struct rcmgr *rm, int ret)
{
	const struct rcmgr_error *e = rcmgr_last_error(rm);
	char esc[ESC_SIZE];

	if (e->message[0]) {
		escape(e->message, strlen(e->message), false, esc, sizeof(esc));
		fprintf(stderr, "Error: %s.\n", esc);
	} else {
		fprintf(stderr, "Error: %s.\n", strerror(-ret));
	}
	return EXIT_FAIL;
}
