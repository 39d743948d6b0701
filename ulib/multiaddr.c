// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Multiaddrs: text ("/ip4/10.0.0.1/tcp/4001/p2p/12D3KooW...") to the
 * multiformats binary form the kernel takes (per component: the protocol's
 * code as an unsigned varint, then its value, fixed-size or prefixed by
 * its length as a varint), and back.
 *
 * Strict, both ways: one spelling per address.  Text: no empty component
 * ("//"), no trailing "/", ports and prefix lengths in plain decimal
 * without leading zeros, IPv6 without a zone, /ipcidr only right after an
 * address and within its family's bits.  Binary: minimal varints, values
 * whole and valid.  The kernel checks the binary again and decides which
 * sequences of protocols an endpoint or an allowlist entry may have.
 *
 * A failure sets the thread's last error (rcmgr_last_error()): EINVAL,
 * and a message naming the component at fault.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

enum value {
	V_NONE,
	V_IP4,
	V_IP6,
	V_PORT,
	V_CIDR,
	V_PEER,		/* /p2p: a peer ID's multihash */
	V_HASH,		/* /certhash: a multihash in multibase */
	V_NAME,		/* /sni: a DNS name */
};

static const struct proto {
	uint32_t code;
	const char *name;
	enum value value;
} protos[] = {
	{ 0x04, "ip4", V_IP4 },
	{ 0x06, "tcp", V_PORT },
	{ 0x29, "ip6", V_IP6 },
	{ 0x2b, "ipcidr", V_CIDR },
	{ 0x0111, "udp", V_PORT },
	{ 0x0118, "webrtc-direct", V_NONE },
	{ 0x0119, "webrtc", V_NONE },
	{ 0x0122, "p2p-circuit", V_NONE },
	{ 0x01a5, "p2p", V_PEER },
	{ 0x01c0, "tls", V_NONE },
	{ 0x01c1, "sni", V_NAME },
	{ 0x01c6, "noise", V_NONE },
	{ 0x01cc, "quic", V_NONE },
	{ 0x01cd, "quic-v1", V_NONE },
	{ 0x01d1, "webtransport", V_NONE },
	{ 0x01d2, "certhash", V_HASH },
	{ 0x01dd, "ws", V_NONE },
	{ 0x01de, "wss", V_NONE },
	{ 0x01e0, "http", V_NONE },
};

#define CODE_IP4	0x04
#define CODE_IP6	0x29

static const struct proto *by_name(const char *s, size_t n)
{
	size_t i;

	/* go-multiaddr's old name for /p2p, still in Kubo configs. */
	if (n == 4 && !memcmp(s, "ipfs", 4))
		s = "p2p", n = 3;
	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (strlen(protos[i].name) == n && !memcmp(protos[i].name, s, n))
			return &protos[i];
	return NULL;
}

static const struct proto *by_code(uint64_t code)
{
	size_t i;

	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (protos[i].code == code)
			return &protos[i];
	return NULL;
}

/* Fail with EINVAL, the message naming what is wrong. */
__attribute__((format(printf, 1, 2)))
static int bad(const char *fmt, ...)
{
	char msg[sizeof(((struct rcmgr_error *)0)->message)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return rcmgr_thread_error_set(EINVAL, "multiaddr: %s", msg);
}

/* At most 48 bytes of @s for a message, printable. */
static const char *clip(const char *s, size_t n, char *buf, size_t size)
{
	size_t i, k = 0;

	for (i = 0; i < n && k + 4 < size && i < 48; i++)
		buf[k++] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	if (i < n && k + 4 < size)
		k += snprintf(buf + k, size - k, "...");
	buf[k] = '\0';
	return buf;
}

/* Plain decimal, no sign, no leading zero, at most @max. */
static int decimal(const char *s, size_t n, unsigned long max,
		   unsigned long *v)
{
	unsigned long x = 0;
	size_t i;

	if (!n || (n > 1 && s[0] == '0'))
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		x = x * 10 + (s[i] - '0');
		if (x > max)
			return -1;
	}
	*v = x;
	return 0;
}

/* An SNI host name: LDH labels of 1-63 chars, at most 253 in all. */
static bool dns_name(const char *s, size_t n)
{
	size_t i, label = 0;

	if (!n || n > 253)
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c == '.') {
			if (!label || s[i - 1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return false;
		if ((c == '-' && !label) || ++label > 63)
			return false;
	}
	return s[n - 1] != '-';
}

struct out {
	uint8_t *buf;
	size_t size, len;
};

static int put(struct out *o, const void *p, size_t n)
{
	if (o->len + n > o->size)
		return -ERANGE;
	memcpy(o->buf + o->len, p, n);
	o->len += n;
	return 0;
}

static int put_varint(struct out *o, uint64_t v)
{
	uint8_t b[10];

	return put(o, b, rcmgr_varint_put(b, sizeof(b), v));
}

/* One component's value in binary, after its code. */
static int put_value(struct out *o, const struct proto *p, uint32_t prev,
		     const char *v, size_t n)
{
	char s[RCMGR_MULTIADDR_TEXT_MAX], cl[64];
	uint8_t b[RCMGR_MULTIADDR_MAX];
	unsigned long x;
	int len;

	clip(v, n, cl, sizeof(cl));
	switch (p->value) {
	case V_IP4:
	case V_IP6:
		if (n >= 64)
			return bad("/%s/%s: not an %s address", p->name, cl,
				   p->value == V_IP4 ? "IPv4" : "IPv6");
		memcpy(s, v, n);
		s[n] = '\0';
		if (p->value == V_IP6 && memchr(s, '%', n))
			return bad("/ip6/%s: a zone has no place in a multiaddr", cl);
		if (inet_pton(p->value == V_IP4 ? AF_INET : AF_INET6, s, b) != 1)
			return bad("/%s/%s: not an %s address", p->name, cl,
				   p->value == V_IP4 ? "IPv4" : "IPv6");
		return put(o, b, p->value == V_IP4 ? 4 : 16);
	case V_PORT:
		if (decimal(v, n, 65535, &x))
			return bad("/%s/%s: not a port (0 to 65535, no leading zeros)",
				   p->name, cl);
		b[0] = x >> 8;
		b[1] = x & 0xff;
		return put(o, b, 2);
	case V_CIDR:
		if (prev != CODE_IP4 && prev != CODE_IP6)
			return bad("/ipcidr/%s: only right after /ip4 or /ip6", cl);
		if (decimal(v, n, prev == CODE_IP4 ? 32 : 128, &x))
			return bad("/ipcidr/%s: not a prefix length (0 to %d)", cl,
				   prev == CODE_IP4 ? 32 : 128);
		b[0] = x;
		return put(o, b, 1);
	case V_PEER:
		len = rcmgr_peer_id_decode(v, n, b, sizeof(b));
		if (len < 0)
			return bad("/p2p/%s: not a peer ID (a base58btc multihash, or a libp2p-key CID)",
				   cl);
		break;
	case V_HASH:
		len = rcmgr_multibase_decode(v, n, b, sizeof(b));
		if (len <= 0 || !rcmgr_multihash_ok(b, len))
			return bad("/certhash/%s: not a multihash in multibase", cl);
		break;
	case V_NAME:
		if (!dns_name(v, n))
			return bad("/sni/%s: not a DNS name", cl);
		memcpy(b, v, n);
		len = n;
		break;
	default:
		return 0;
	}
	if (put_varint(o, len))
		return -ERANGE;
	return put(o, b, len);
}

/**
 * rcmgr_multiaddr_parse() - a multiaddr's text to its binary form
 * @text: "/ip4/10.0.0.1/tcp/4001", ...
 * @buf: the binary multiaddr
 * @size: room in @buf; RCMGR_MULTIADDR_MAX is what the kernel takes
 *
 * Return: the binary's length, or -EINVAL (the last error names the bad
 * component), or -ERANGE when it does not fit in @size; errno set.
 */
RCMGR_EXPORT int rcmgr_multiaddr_parse(const char *text, uint8_t *buf,
				       size_t size)
{
	struct out o = { .buf = buf, .size = size };
	const char *s = text, *name, *val;
	const struct proto *p;
	uint32_t prev = 0;
	size_t n, vn;
	char cl[64];
	int ret;

	if (!text || !buf)
		return bad("no text or no buffer");
	if (!*s)
		return bad("empty");
	if (*s != '/')
		return bad("\"%s\" does not start with /",
			   clip(s, strlen(s), cl, sizeof(cl)));
	if (strlen(s) >= RCMGR_MULTIADDR_TEXT_MAX)
		return bad("longer than %d characters", RCMGR_MULTIADDR_TEXT_MAX - 1);
	while (*s) {
		name = ++s;
		n = strcspn(name, "/");
		if (!n)
			return bad(*name ? "an empty component (//) after byte %zu" :
				   "a trailing / after byte %zu",
				   (size_t)(name - text - 1));
		p = by_name(name, n);
		if (!p)
			return bad("/%s: unknown protocol", clip(name, n, cl, sizeof(cl)));
		s = name + n;
		ret = put_varint(&o, p->code);
		if (!ret && p->value != V_NONE) {
			if (!*s || !s[1] || s[1] == '/')
				return bad("/%s: no value", p->name);
			val = s + 1;
			vn = strcspn(val, "/");
			s = val + vn;
			ret = put_value(&o, p, prev, val, vn);
		}
		if (ret == -ERANGE) {
			errno = ERANGE;
			return ret;
		}
		if (ret)
			return ret;
		prev = p->code;
	}
	return o.len;
}

/* Append to @t, or fail with ERANGE. */
__attribute__((format(printf, 3, 4)))
static int emit(char *t, size_t size, const char *fmt, ...)
{
	size_t len = strlen(t);
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(t + len, size - len, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= size - len ? -ERANGE : 0;
}

/* One component's value as text. */
static int emit_value(char *t, size_t size, const struct proto *p,
		      uint32_t prev, const uint8_t *v, size_t n, size_t off)
{
	char s[RCMGR_MULTIADDR_TEXT_MAX];
	size_t i;

	switch (p->value) {
	case V_IP4:
		inet_ntop(AF_INET, v, s, sizeof(s));
		break;
	case V_IP6:
		inet_ntop(AF_INET6, v, s, sizeof(s));
		break;
	case V_PORT:
		snprintf(s, sizeof(s), "%u", v[0] << 8 | v[1]);
		break;
	case V_CIDR:
		if (prev != CODE_IP4 && prev != CODE_IP6)
			return bad("byte %zu: /ipcidr not right after /ip4 or /ip6", off);
		if (v[0] > (prev == CODE_IP4 ? 32 : 128))
			return bad("byte %zu: /ipcidr/%u: over %d bits", off, v[0],
				   prev == CODE_IP4 ? 32 : 128);
		snprintf(s, sizeof(s), "%u", v[0]);
		break;
	case V_PEER:
		if (!n || n > RCMGR_PEER_ID_MAX || !rcmgr_peer_multihash_ok(v, n))
			return bad("byte %zu: /p2p: not a peer ID's multihash", off);
		if (rcmgr_peer_id_text(v, n, s, sizeof(s)) < 0)
			return -ERANGE;
		break;
	case V_HASH:
		if (!rcmgr_multihash_ok(v, n))
			return bad("byte %zu: /certhash: not a multihash", off);
		if (rcmgr_multibase_b64url(v, n, s, sizeof(s)) < 0)
			return -ERANGE;
		break;
	case V_NAME:
		if (!dns_name((const char *)v, n))
			return bad("byte %zu: /sni: not a DNS name", off);
		for (i = 0; i < n; i++)
			s[i] = v[i];
		s[n] = '\0';
		break;
	default:
		return 0;
	}
	return emit(t, size, "/%s", s);
}

static size_t fixed_size(enum value v)
{
	switch (v) {
	case V_IP4:
		return 4;
	case V_IP6:
		return 16;
	case V_PORT:
		return 2;
	case V_CIDR:
		return 1;
	case V_NONE:
		return 0;
	default:
		return (size_t)-1;	/* length-prefixed */
	}
}

/**
 * rcmgr_multiaddr_format() - a binary multiaddr's text
 * @buf: the binary multiaddr
 * @len: its length
 * @text: the text, NUL-terminated
 * @size: room in @text; RCMGR_MULTIADDR_TEXT_MAX always does for a binary
 *	of at most RCMGR_MULTIADDR_MAX bytes
 *
 * The text is canonical: parsing it gives @buf back.
 *
 * Return: the text's length, or -EINVAL (the last error says where @buf
 * is malformed), or -ERANGE when @size is short; errno set.
 */
RCMGR_EXPORT int rcmgr_multiaddr_format(const uint8_t *buf, size_t len,
					char *text, size_t size)
{
	const uint8_t *p = buf, *end = buf + len, *start;
	const struct proto *pr;
	uint64_t code, n;
	uint32_t prev = 0;
	int ret;

	if (!buf || !text || !size)
		return bad("no buffer or no room for text");
	text[0] = '\0';
	if (!len)
		return bad("empty");
	while (p < end) {
		start = p;
		if (rcmgr_varint_get(&p, end, &code))
			return bad("byte %zu: a protocol code that is cut short or not a minimal varint",
				   (size_t)(start - buf));
		pr = by_code(code);
		if (!pr)
			return bad("byte %zu: unknown protocol code 0x%llx",
				   (size_t)(start - buf), (unsigned long long)code);
		n = fixed_size(pr->value);
		if (n == (uint64_t)-1 && rcmgr_varint_get(&p, end, &n))
			return bad("byte %zu: /%s: a length that is cut short or not a minimal varint",
				   (size_t)(start - buf), pr->name);
		if (n > (uint64_t)(end - p))
			return bad("byte %zu: /%s: its value is cut short",
				   (size_t)(start - buf), pr->name);
		ret = emit(text, size, "/%s", pr->name);
		if (!ret)
			ret = emit_value(text, size, pr, prev, p, n,
					 (size_t)(start - buf));
		if (ret == -ERANGE) {
			errno = ERANGE;
			return ret;
		}
		if (ret)
			return ret;
		p += n;
		prev = pr->code;
	}
	return strlen(text);
}
