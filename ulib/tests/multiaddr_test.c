// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Multiaddr text <-> binary, and peer IDs: exact bytes for the forms
 * libp2p uses, canonical text back, and every hostile input refused with
 * EINVAL and a message naming the component at fault.
 */
#include <errno.h>
#include <string.h>

#include "kselftest_harness.h"
#include "internal.h"

#define PEER_ED	"12D3KooW9pP4Seg3kZYhySpuVjn1RPdQBsUFZKiFxGMGQN5MeL6A"
#define PEER_ED_HEX \
	"002408011220000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define PEER_QM	"QmRQ353oFNqt8zfZ9X1HgRUszwv9RkEEwmMZZkbkYEsybn"
#define PEER_CID32 "bafzaajaiaejcaaabaibqibiga4eascqlbqgq4dyqcejbgfavcylrqgi2dmob2hq7"
#define PEER_CID16 "f0172" PEER_ED_HEX
#define CERTHASH "uEiAtcRZCtyawRAFifKn7rDL1yFMPsZA8xNsCJYcXkhpIgQ"

static size_t unhex(const char *s, uint8_t *b)
{
	size_t n = 0;
	unsigned int v;

	for (; s[0] && s[1]; s += 2) {
		sscanf(s, "%2x", &v);
		b[n++] = v;
	}
	return n;
}

static const struct {
	const char *text;
	const char *hex;
} good[] = {
	{ "/ip4/10.0.0.1/tcp/4001", "040a00000106" "0fa1" },
	{ "/ip4/0.0.0.0/tcp/0", "040000000006" "0000" },
	{ "/ip4/255.255.255.255/udp/65535", "04ffffffff" "9102ffff" },
	{ "/ip6/::1/udp/4001/quic-v1",
	  "2900000000000000000000000000000001" "91020fa1" "cd03" },
	{ "/ip6/2001:db8::1/tcp/443/tls/sni/example.com/ws",
	  "2920010db8000000000000000000000001" "0601bb" "c003"
	  "c1030b6578616d706c652e636f6d" "dd03" },
	{ "/ip4/1.2.3.4/udp/443/quic-v1/webtransport/certhash/" CERTHASH,
	  "0401020304" "910201bb" "cd03" "d103"
	  "d2032212202d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881" },
	{ "/ip4/1.2.3.4/udp/9/webrtc-direct", "0401020304" "91020009" "9802" },
	{ "/ip4/1.2.3.4/tcp/1/noise", "0401020304" "060001" "c603" },
	{ "/ip4/1.2.3.4/tcp/80/http", "0401020304" "060050" "e003" },
	{ "/ip4/1.2.3.4/tcp/4001/wss", "0401020304" "060fa1" "de03" },
	{ "/ip4/1.2.3.4/udp/4001/quic", "0401020304" "91020fa1" "cc03" },
	{ "/ip4/1.2.3.4/tcp/4001/p2p/" PEER_ED "/p2p-circuit/webrtc",
	  "0401020304" "060fa1" "a50326" PEER_ED_HEX "a202" "9902" },
	{ "/ip4/10.0.0.0/ipcidr/8", "040a000000" "2b08" },
	{ "/ip6/fe80::/ipcidr/128", "29fe800000000000000000000000000000" "2b80" },
	{ "/ip4/127.0.0.1/ipcidr/32/p2p/" PEER_QM,
	  "047f000001" "2b20" "a50322"
	  "12202d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881" },
};

TEST(parse_and_format_known_forms)
{
	uint8_t bin[RCMGR_MULTIADDR_MAX], want[RCMGR_MULTIADDR_MAX];
	char text[RCMGR_MULTIADDR_TEXT_MAX];
	size_t i, n;
	int len;

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		n = unhex(good[i].hex, want);
		len = rcmgr_multiaddr_parse(good[i].text, bin, sizeof(bin));
		ASSERT_EQ(n, len) TH_LOG("%s", good[i].text);
		EXPECT_EQ(0, memcmp(want, bin, n)) TH_LOG("%s", good[i].text);
		ASSERT_EQ(strlen(good[i].text),
			  rcmgr_multiaddr_format(bin, len, text, sizeof(text)));
		EXPECT_STREQ(good[i].text, text);
	}
}

/* Other spellings parse to the same bytes; the text back is canonical. */
TEST(canonical_text)
{
	static const char *const in[][2] = {
		{ "/ip6/0:0:0:0:0:0:0:1/tcp/1", "/ip6/::1/tcp/1" },
		{ "/ip6/2001:DB8::1", "/ip6/2001:db8::1" },
		{ "/ipfs/" PEER_ED, "/p2p/" PEER_ED },
		{ "/p2p/" PEER_CID32, "/p2p/" PEER_ED },
		{ "/p2p/" PEER_CID16, "/p2p/" PEER_ED },
		{ "/ip4/1.2.3.4/udp/1/quic-v1/certhash/"
		  "zQmRQ353oFNqt8zfZ9X1HgRUszwv9RkEEwmMZZkbkYEsybn",
		  "/ip4/1.2.3.4/udp/1/quic-v1/certhash/" CERTHASH },
	};
	char text[RCMGR_MULTIADDR_TEXT_MAX];
	uint8_t bin[RCMGR_MULTIADDR_MAX];
	size_t i;
	int len;

	for (i = 0; i < ARRAY_SIZE(in); i++) {
		len = rcmgr_multiaddr_parse(in[i][0], bin, sizeof(bin));
		ASSERT_LT(0, len) TH_LOG("%s", in[i][0]);
		ASSERT_LT(0, rcmgr_multiaddr_format(bin, len, text, sizeof(text)));
		EXPECT_STREQ(in[i][1], text);
	}
}

/* Each is refused, and the message names the part at fault. */
static const struct {
	const char *text;
	const char *names;
} bad_text[] = {
	{ "", "empty" },
	{ "ip4/1.2.3.4", "does not start with /" },
	{ "/", "trailing /" },
	{ "/ip4/1.2.3.4/", "trailing /" },
	{ "/ip4/1.2.3.4//tcp/1", "empty component" },
	{ "//ip4/1.2.3.4", "empty component" },
	{ "/ip4", "/ip4: no value" },
	{ "/ip4/", "/ip4: no value" },
	{ "/ip4//tcp/1", "/ip4: no value" },
	{ "/ip4/1.2.3", "/ip4/1.2.3: not an IPv4" },
	{ "/ip4/1.2.3.256", "/ip4/1.2.3.256" },
	{ "/ip4/01.2.3.4", "/ip4/01.2.3.4" },
	{ "/ip4/1.2.3.4 ", "/ip4/1.2.3.4 " },
	{ "/ip4/::1", "not an IPv4" },
	{ "/ip6/1.2.3.4", "not an IPv6" },
	{ "/ip6/fe80::1%eth0", "a zone" },
	{ "/ip6/fe80::1%25eth0", "a zone" },
	{ "/ip6/1:2:3:4:5:6:7:8:9", "/ip6/1:2:3:4:5:6:7:8:9" },
	{ "/ip4/1.2.3.4/tcp/65536", "/tcp/65536: not a port" },
	{ "/ip4/1.2.3.4/tcp/080", "/tcp/080" },
	{ "/ip4/1.2.3.4/tcp/-1", "/tcp/-1" },
	{ "/ip4/1.2.3.4/tcp/+80", "/tcp/+80" },
	{ "/ip4/1.2.3.4/tcp/0x50", "/tcp/0x50" },
	{ "/ip4/1.2.3.4/udp/99999999999999999999", "/udp/9999" },
	{ "/ip4/1.2.3.4/tcp", "/tcp: no value" },
	{ "/ip4/1.2.3.4/ipcidr/33", "/ipcidr/33" },
	{ "/ip6/::/ipcidr/129", "/ipcidr/129" },
	{ "/ip4/1.2.3.4/ipcidr/08", "/ipcidr/08" },
	{ "/ip4/1.2.3.4/tcp/1/ipcidr/8", "only right after" },
	{ "/ipcidr/8", "only right after" },
	{ "/ip4/1.2.3.4/foo/1", "/foo: unknown protocol" },
	{ "/dns4/example.com/tcp/1", "/dns4: unknown protocol" },
	{ "/ip4/1.2.3.4/P2P/" PEER_ED, "/P2P: unknown protocol" },
	{ "/p2p/QmNotAPeer", "/p2p/QmNotAPeer: not a peer ID" },
	{ "/p2p/" PEER_ED "0", "not a peer ID" },
	{ "/p2p/" "zQmRQ353oFNqt8zfZ9X1HgRUszwv9RkEEwmMZZkbkYEsybn", "not a peer ID" },
	{ "/p2p/bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi",
	  "not a peer ID" },
	{ "/certhash/uAA", "/certhash/uAA: not a multihash" },
	{ "/certhash/u", "/certhash/u" },
	{ "/certhash/xEiAt", "/certhash/xEiAt" },
	{ "/sni/exa mple.com", "/sni/exa mple.com: not a DNS name" },
	{ "/sni/-a.com", "not a DNS name" },
	{ "/sni/a..com", "not a DNS name" },
};

TEST(bad_text_names_the_component)
{
	uint8_t bin[RCMGR_MULTIADDR_MAX];
	const struct rcmgr_error *e;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad_text); i++) {
		errno = 0;
		EXPECT_EQ(-EINVAL, rcmgr_multiaddr_parse(bad_text[i].text, bin,
							 sizeof(bin)))
			TH_LOG("\"%s\"", bad_text[i].text);
		EXPECT_EQ(EINVAL, errno);
		e = rcmgr_last_error(NULL);
		EXPECT_EQ(EINVAL, e->error);
		EXPECT_EQ(0, strncmp(e->message, "multiaddr: ", 11));
		EXPECT_NE(NULL, strstr(e->message, bad_text[i].names))
			TH_LOG("message: %s", e->message);
	}
}

TEST(overlong)
{
	char text[RCMGR_MULTIADDR_TEXT_MAX + 16];
	uint8_t bin[RCMGR_MULTIADDR_MAX];
	size_t n = 0;
	int i;

	/* 280 bytes of binary: within the text bound, not the buffer. */
	for (i = 0; i < 140; i++)
		n += sprintf(text + n, "/webrtc-direct");
	EXPECT_EQ(-ERANGE, rcmgr_multiaddr_parse(text, bin, sizeof(bin)));
	EXPECT_EQ(ERANGE, errno);
	/* Text past the bound. */
	memset(text, 'a', sizeof(text) - 1);
	text[0] = '/';
	text[sizeof(text) - 1] = '\0';
	EXPECT_EQ(-EINVAL, rcmgr_multiaddr_parse(text, bin, sizeof(bin)));
	EXPECT_NE(NULL, strstr(rcmgr_last_error(NULL)->message, "longer than"));
	/* A short buffer, for parse and for format. */
	EXPECT_EQ(-ERANGE, rcmgr_multiaddr_parse("/ip4/1.2.3.4/tcp/1", bin, 5));
	ASSERT_EQ(8, rcmgr_multiaddr_parse("/ip4/1.2.3.4/tcp/1", bin, 8));
	EXPECT_EQ(-ERANGE, rcmgr_multiaddr_format(bin, 8, text, 18));
	EXPECT_EQ(18, rcmgr_multiaddr_format(bin, 8, text, 19));
}

static const struct {
	const char *hex;
	const char *names;
} bad_bin[] = {
	{ "", "empty" },
	{ "04", "/ip4: its value is cut short" },
	{ "040a0000", "/ip4: its value is cut short" },
	{ "0401020304" "06", "byte 5: /tcp: its value is cut short" },
	/* The code 4 in two bytes: not minimal. */
	{ "8400" "0a000001", "byte 0: a protocol code" },
	{ "ff", "byte 0: a protocol code" },
	{ "ffffffffffffffffff7f", "byte 0: a protocol code" },
	{ "05", "unknown protocol code 0x5" },
	{ "0401020304" "2b21", "over 32 bits" },
	{ "2b08", "not right after" },
	/* /p2p's length not minimal, then cut short, then not a peer's. */
	{ "a5038000", "a length" },
	{ "a50326" "0024", "its value is cut short" },
	{ "a50302" "1200", "not a peer ID" },
	{ "d20301" "00", "/certhash: not a multihash" },
	{ "c10303" "612062", "/sni: not a DNS name" },
};

TEST(bad_binary)
{
	char text[RCMGR_MULTIADDR_TEXT_MAX];
	uint8_t bin[64];
	size_t i, n;

	for (i = 0; i < ARRAY_SIZE(bad_bin); i++) {
		n = unhex(bad_bin[i].hex, bin);
		EXPECT_EQ(-EINVAL, rcmgr_multiaddr_format(bin, n, text,
							  sizeof(text)))
			TH_LOG("%s", bad_bin[i].hex);
		EXPECT_NE(NULL, strstr(rcmgr_last_error(NULL)->message,
				       bad_bin[i].names))
			TH_LOG("message: %s", rcmgr_last_error(NULL)->message);
	}
}

TEST(varints)
{
	const uint8_t min[] = { 0x80, 0x01 }, nonmin[] = { 0x81, 0x00 };
	const uint8_t *p;
	uint8_t b[10];
	uint64_t v;

	p = min;
	ASSERT_EQ(0, rcmgr_varint_get(&p, min + 2, &v));
	EXPECT_EQ(128, v);
	EXPECT_EQ((const uint8_t *)min + 2, p);
	p = nonmin;
	EXPECT_EQ(-EINVAL, rcmgr_varint_get(&p, nonmin + 2, &v));
	EXPECT_EQ((const uint8_t *)nonmin, p);
	EXPECT_EQ(1, rcmgr_varint_put(b, sizeof(b), 0));
	EXPECT_EQ(0, b[0]);
	EXPECT_EQ(9, rcmgr_varint_put(b, sizeof(b), INT64_MAX));
	p = b;
	ASSERT_EQ(0, rcmgr_varint_get(&p, b + 9, &v));
	EXPECT_EQ(INT64_MAX, v);
	/* 64 bits take 10 bytes: past go-varint's 9. */
	EXPECT_EQ(10, rcmgr_varint_put(b, sizeof(b), UINT64_MAX));
	p = b;
	EXPECT_EQ(-EINVAL, rcmgr_varint_get(&p, b + 10, &v));
	EXPECT_EQ(0, rcmgr_varint_put(b, 1, 300));
}

TEST(peer_ids)
{
	uint8_t mh[RCMGR_PEER_ID_MAX], want[64];
	size_t n = unhex(PEER_ED_HEX, want);

	ASSERT_EQ(n, rcmgr_peer_id_parse(PEER_ED, mh, sizeof(mh)));
	EXPECT_EQ(0, memcmp(want, mh, n));
	EXPECT_EQ(n, rcmgr_peer_id_parse(PEER_CID32, mh, sizeof(mh)));
	EXPECT_EQ(0, memcmp(want, mh, n));
	EXPECT_EQ(n, rcmgr_peer_id_parse(PEER_CID16, mh, sizeof(mh)));
	EXPECT_EQ(34, rcmgr_peer_id_parse(PEER_QM, mh, sizeof(mh)));
	EXPECT_EQ(-ERANGE, rcmgr_peer_id_parse(PEER_QM, mh, 33));
	EXPECT_EQ(-EINVAL, rcmgr_peer_id_parse("", mh, sizeof(mh)));
	EXPECT_EQ(-EINVAL, rcmgr_peer_id_parse("12D3KooWHolder", mh, sizeof(mh)));
	/* Uppercase base16 is base16upper ('F'), not 'f'. */
	EXPECT_EQ(-EINVAL, rcmgr_peer_id_parse("f0172002408011220000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F",
					       mh, sizeof(mh)));
	EXPECT_EQ(-EINVAL, rcmgr_peer_id_parse(PEER_QM "x", mh, sizeof(mh)));
	EXPECT_EQ(EINVAL, errno);
}

TEST_HARNESS_MAIN
