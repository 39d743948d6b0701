// SPDX-License-Identifier: GPL-2.0
/*
 * The rcmgr tool's argument parsing and name escaping, with no kernel:
 * numbers are read strictly, words by unique prefix only, and every name
 * escapes to valid UTF-8 without control characters and parses back to
 * the same bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "cli.h"

bool json, pretty, show_stats, show_details;

TEST(numbers_strict)
{
	uint64_t v;
	int64_t l;

	EXPECT_EQ(0, parse_u64("n", "0", UINT64_MAX, &v));
	EXPECT_EQ(0, v);
	EXPECT_EQ(0, parse_u64("n", "010", UINT64_MAX, &v));
	EXPECT_EQ(10, v);	/* not octal */
	EXPECT_EQ(0, parse_u64("n", "18446744073709551615", UINT64_MAX, &v));
	EXPECT_EQ(UINT64_MAX, v);
	EXPECT_EQ(EXIT_USAGE, parse_u64("n", "18446744073709551616", UINT64_MAX, &v));
	EXPECT_EQ(EXIT_USAGE, parse_u64("n", "", UINT64_MAX, &v));
	EXPECT_EQ(EXIT_USAGE, parse_u64("n", "-1", UINT64_MAX, &v));
	EXPECT_EQ(EXIT_USAGE, parse_u64("n", "+1", UINT64_MAX, &v));
	EXPECT_EQ(EXIT_USAGE, parse_u64("n", " 1", UINT64_MAX, &v));
	EXPECT_EQ(EXIT_USAGE, parse_u64("n", "1 ", UINT64_MAX, &v));
	EXPECT_EQ(EXIT_USAGE, parse_u64("n", "0x1", UINT64_MAX, &v));
	EXPECT_EQ(EXIT_USAGE, parse_u64("n", "4294967296", UINT32_MAX, &v));
	EXPECT_EQ(0, parse_u64("n", "4294967295", UINT32_MAX, &v));

	EXPECT_EQ(0, parse_limit("m", "max", true, &l));
	EXPECT_EQ(RCMGR_LIMIT_UNLIMITED, l);
	EXPECT_EQ(0, parse_limit("m", "9223372036854775807", false, &l));
	EXPECT_EQ(EXIT_USAGE, parse_limit("m", "9223372036854775808", false, &l));
	EXPECT_EQ(0, parse_limit("m", "3K", true, &l));
	EXPECT_EQ(3072, l);
	EXPECT_EQ(0, parse_limit("m", "2MiB", true, &l));
	EXPECT_EQ(2 << 20, l);
	EXPECT_EQ(0, parse_limit("m", "1G", true, &l));
	EXPECT_EQ(1 << 30, l);
	EXPECT_EQ(EXIT_USAGE, parse_limit("m", "1K", false, &l));
	EXPECT_EQ(EXIT_USAGE, parse_limit("m", "1k", true, &l));
	EXPECT_EQ(EXIT_USAGE, parse_limit("m", "1KB", true, &l));
	EXPECT_EQ(EXIT_USAGE, parse_limit("m", "K", true, &l));
	EXPECT_EQ(EXIT_USAGE, parse_limit("m", "8589934592G", true, &l));
	EXPECT_EQ(EXIT_USAGE, parse_limit("m", "maximum", true, &l));
}

TEST(rates_strict)
{
	int64_t r;

	EXPECT_EQ(0, parse_rate("rate", "0.2", &r));
	EXPECT_EQ(200, r);
	EXPECT_EQ(0, parse_rate("rate", "100", &r));
	EXPECT_EQ(100000, r);
	EXPECT_EQ(0, parse_rate("rate", "0.001", &r));
	EXPECT_EQ(1, r);
	EXPECT_EQ(0, parse_rate("rate", "1.25", &r));
	EXPECT_EQ(1250, r);
	EXPECT_EQ(0, parse_rate("rate", "010.50", &r));
	EXPECT_EQ(10500, r);
	EXPECT_EQ(0, parse_rate("rate", "max", &r));
	EXPECT_EQ(RCMGR_LIMIT_UNLIMITED, r);
	EXPECT_EQ(EXIT_USAGE, parse_rate("rate", "0.0001", &r));
	EXPECT_EQ(EXIT_USAGE, parse_rate("rate", ".5", &r));
	EXPECT_EQ(EXIT_USAGE, parse_rate("rate", "1.", &r));
	EXPECT_EQ(EXIT_USAGE, parse_rate("rate", "1.2.3", &r));
	EXPECT_EQ(EXIT_USAGE, parse_rate("rate", "-1", &r));
	EXPECT_EQ(EXIT_USAGE, parse_rate("rate", "1e3", &r));
	EXPECT_EQ(EXIT_USAGE, parse_rate("rate", "0.5x", &r));
	EXPECT_EQ(EXIT_USAGE, parse_rate("rate", "", &r));
	EXPECT_EQ(EXIT_USAGE, parse_rate("rate", "9223372036854775", &r));
	EXPECT_EQ(0, parse_rate("rate", "9223372036854774.999", &r));
	EXPECT_EQ(9223372036854774999LL, r);
}

TEST(unique_prefixes_only)
{
	static const char *const w[] = { "show", "set", "delete", NULL, "streams",
					 "streams_inbound" };

	EXPECT_EQ(0, match_word("show", w, 6));
	EXPECT_EQ(0, match_word("sh", w, 6));
	EXPECT_EQ(AMBIGUOUS, match_word("s", w, 6));
	EXPECT_EQ(2, match_word("d", w, 6));
	EXPECT_EQ(4, match_word("streams", w, 6));	/* exact wins */
	EXPECT_EQ(5, match_word("streams_", w, 6));
	EXPECT_EQ(NO_MATCH, match_word("", w, 6));
	EXPECT_EQ(NO_MATCH, match_word("shows", w, 6));
	EXPECT_EQ(NO_MATCH, match_word("x", w, 6));
}

/* Valid UTF-8, no C0/C1 control characters, no DEL. */
static bool clean_utf8(const unsigned char *p)
{
	while (*p) {
		int n = *p < 0x80 ? 1 : (*p & 0xe0) == 0xc0 ? 2 :
			(*p & 0xf0) == 0xe0 ? 3 : (*p & 0xf8) == 0xf0 ? 4 : 0;

		if (!n || *p < 0x20 || *p == 0x7f)
			return false;
		if (n == 2 && *p == 0xc2 && p[1] < 0xa0)
			return false;
		for (int i = 1; i < n; i++)
			if ((p[i] & 0xc0) != 0x80)
				return false;
		p += n;
	}
	return true;
}

TEST(escape_round_trip)
{
	char in[257], esc[ESC_SIZE], back[NAME_MAX_LEN + 1];
	unsigned int seed = 1;
	int round, len, i, n;

	EXPECT_EQ(8, escape("a b\\", 4, true, esc, sizeof(esc)));
	EXPECT_STREQ("a\\x20b\\\\", esc);
	escape("a b", 3, false, esc, sizeof(esc));
	EXPECT_STREQ("a b", esc);
	escape("\xc3\xa9\xff\x01\x7f\xc2\x85\xed\xa0\x80", 10, false, esc,
	       sizeof(esc));
	/* e-acute kept; 0xff, controls, C1 NEL, a surrogate escaped. */
	EXPECT_STREQ("\xc3\xa9\\xff\\x01\\x7f\\xc2\\x85\\xed\\xa0\\x80", esc);

	for (round = 0; round < 20000; round++) {
		len = 1 + rand_r(&seed) % 256;
		for (i = 0; i < len; i++) {
			/* Bias towards UTF-8 lead and continuation bytes. */
			int r = rand_r(&seed) % 4;

			in[i] = r == 0 ? 0x80 + rand_r(&seed) % 64 :
				r == 1 ? 0xc0 + rand_r(&seed) % 64 :
				1 + rand_r(&seed) % 255;
		}
		in[len] = '\0';
		escape(in, len, round & 1, esc, sizeof(esc));
		ASSERT_TRUE(clean_utf8((unsigned char *)esc)) TH_LOG("round %d", round);
		n = parse_name("name", esc, back, sizeof(back));
		ASSERT_EQ(len, n) TH_LOG("round %d", round);
		ASSERT_EQ(0, memcmp(in, back, len)) TH_LOG("round %d", round);
	}
}

TEST(parse_name_rejects)
{
	char out[NAME_MAX_LEN + 1];

	EXPECT_GT(0, parse_name("name", "", out, sizeof(out)));
	EXPECT_GT(0, parse_name("name", "a\\", out, sizeof(out)));
	EXPECT_GT(0, parse_name("name", "a\\q", out, sizeof(out)));
	EXPECT_GT(0, parse_name("name", "a\\x4", out, sizeof(out)));
	EXPECT_GT(0, parse_name("name", "a\\x00", out, sizeof(out)));
	EXPECT_EQ(2, parse_name("name", "\\x41\\\\", out, sizeof(out)));
	EXPECT_STREQ("A\\", out);
}

TEST_HARNESS_MAIN
