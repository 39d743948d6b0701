// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The multiformats encodings multiaddrs carry: unsigned varints (minimal
 * only, as go-varint insists), multibase text (base58btc, base32, base16,
 * base64url), multihashes, and peer IDs as go-libp2p's peer.Decode() takes
 * them.  Strict: what another implementation would reject, or would read
 * differently, is refused.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

#define MH_IDENTITY		0x00
#define MH_SHA2_256		0x12
#define CID_V1			0x01
#define CODEC_LIBP2P_KEY	0x72

/**
 * rcmgr_varint_get() - read one unsigned varint
 * @p: where it starts; moved past it on success
 * @end: the end of the buffer
 * @v: the value
 *
 * Return: 0, or -EINVAL when it runs past @end, is longer than 9 bytes
 * (63 bits, go-varint's bound) or is not minimal (a last byte of 0 after
 * the first: the same number has a shorter encoding).
 */
int rcmgr_varint_get(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	const uint8_t *q = *p;
	uint64_t x = 0;
	int i;

	for (i = 0; i < 9 && q < end; i++, q++) {
		x |= (uint64_t)(*q & 0x7f) << (7 * i);
		if (*q & 0x80)
			continue;
		if (i && !*q)
			return -EINVAL;
		*v = x;
		*p = q + 1;
		return 0;
	}
	return -EINVAL;
}

/* Return: the bytes written at @p (at most 10), or 0 if @size is short. */
size_t rcmgr_varint_put(uint8_t *p, size_t size, uint64_t v)
{
	size_t n = 0;

	do {
		if (n == size)
			return 0;
		p[n++] = (v & 0x7f) | (v > 0x7f ? 0x80 : 0);
		v >>= 7;
	} while (v);
	return n;
}

/* A multihash, its digest length exact: a certhash, or any peer ID's. */
bool rcmgr_multihash_ok(const uint8_t *p, size_t len)
{
	const uint8_t *end = p + len;
	uint64_t code, n;

	if (rcmgr_varint_get(&p, end, &code) || rcmgr_varint_get(&p, end, &n))
		return false;
	return n == (uint64_t)(end - p);
}

/* A peer ID's multihash: identity with a key in it, or sha2-256. */
bool rcmgr_peer_multihash_ok(const uint8_t *p, size_t len)
{
	const uint8_t *end = p + len;
	uint64_t code, n;

	if (!rcmgr_multihash_ok(p, len))
		return false;
	rcmgr_varint_get(&p, end, &code);
	rcmgr_varint_get(&p, end, &n);
	return (code == MH_IDENTITY && n > 0) || (code == MH_SHA2_256 && n == 32);
}

static const char b58[] =
	"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/* Return: the bytes of base58btc @s (@n chars) in @out, or -1. */
static int b58_decode(const char *s, size_t n, uint8_t *out, size_t size)
{
	size_t len = 0, i, zeros = 0;
	const char *d;

	for (; n && *s == '1'; s++, n--)
		zeros++;
	for (; n; s++, n--) {
		unsigned int carry;

		d = *s ? strchr(b58, *s) : NULL;
		if (!d)
			return -1;
		carry = d - b58;
		for (i = 0; i < len; i++) {
			carry += out[size - 1 - i] * 58;
			out[size - 1 - i] = carry & 0xff;
			carry >>= 8;
		}
		for (; carry; carry >>= 8) {
			if (len == size)
				return -1;
			out[size - 1 - len++] = carry & 0xff;
		}
	}
	if (len + zeros > size)
		return -1;
	memmove(out + zeros, out + size - len, len);
	memset(out, 0, zeros);
	return len + zeros;
}

/* Return: the length of @p's base58btc text in @out, or -1 if too small. */
static int b58_encode(const uint8_t *p, size_t len, char *out, size_t size)
{
	uint8_t digits[512];	/* base 58, least significant first */
	size_t n = 0, zeros = 0, i, j;

	if (len > 360)
		return -1;
	for (; zeros < len && !p[zeros]; zeros++)
		;
	for (i = zeros; i < len; i++) {
		unsigned int carry = p[i];

		for (j = 0; j < n; j++) {
			carry += digits[j] << 8;
			digits[j] = carry % 58;
			carry /= 58;
		}
		for (; carry; carry /= 58)
			digits[n++] = carry % 58;
	}
	if (zeros + n + 1 > size)
		return -1;
	memset(out, '1', zeros);
	for (i = 0; i < n; i++)
		out[zeros + i] = b58[digits[n - 1 - i]];
	out[zeros + n] = '\0';
	return zeros + n;
}

/*
 * RFC 4648 base32 (lowercase) and base64url, unpadded: @bits per digit.
 * Leftover bits must be fewer than a digit's, and zero, as go-multibase
 * decodes them strictly.
 */
static int digit_of(char c, int bits)
{
	static const char b64u[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	const char *d;

	if (bits == 5) {
		if (c >= 'a' && c <= 'z')
			return c - 'a';
		if (c >= '2' && c <= '7')
			return c - '2' + 26;
		return -1;
	}
	d = c ? strchr(b64u, c) : NULL;
	return d ? d - b64u : -1;
}

static int bits_decode(const char *s, size_t n, int bits, uint8_t *out,
		       size_t size)
{
	unsigned int acc = 0, have = 0;
	size_t len = 0;
	int d;

	for (; n; s++, n--) {
		d = digit_of(*s, bits);
		if (d < 0)
			return -1;
		acc = (acc << bits | d) & 0xffff;
		have += bits;
		if (have >= 8) {
			if (len == size)
				return -1;
			have -= 8;
			out[len++] = acc >> have & 0xff;
		}
	}
	return have < (unsigned int)bits && !(acc & ((1u << have) - 1)) ?
		(int)len : -1;
}

/* Lowercase only: go-multibase's base16 is 'f' lowercase, 'F' upper. */
static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static int b16_decode(const char *s, size_t n, uint8_t *out, size_t size)
{
	size_t len = 0;
	int hi, lo;

	if (n % 2)
		return -1;
	for (; n; s += 2, n -= 2) {
		hi = hex_digit(s[0]);
		lo = hex_digit(s[1]);
		if (hi < 0 || lo < 0 || len == size)
			return -1;
		out[len++] = hi << 4 | lo;
	}
	return len;
}

/**
 * rcmgr_multibase_decode() - bytes of multibase text
 * @s: the text, its first character naming the base
 * @n: its length
 * @out: the bytes
 * @size: room in @out
 *
 * Bases: 'z' base58btc, 'b' base32, 'f' base16, 'u' base64url (lowercase
 * hex and base32, unpadded, as go-multibase writes them).
 *
 * Return: the number of bytes, or -1.
 */
int rcmgr_multibase_decode(const char *s, size_t n, uint8_t *out, size_t size)
{
	if (n < 2)
		return -1;
	switch (s[0]) {
	case 'z':
		return b58_decode(s + 1, n - 1, out, size);
	case 'b':
		return bits_decode(s + 1, n - 1, 5, out, size);
	case 'f':
		return b16_decode(s + 1, n - 1, out, size);
	case 'u':
		return bits_decode(s + 1, n - 1, 6, out, size);
	}
	return -1;
}

/* @p in multibase base64url ('u' first), as go-multiaddr writes certhash. */
int rcmgr_multibase_b64url(const uint8_t *p, size_t len, char *out,
			   size_t size)
{
	static const char b64u[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	unsigned int acc = 0, have = 0;
	size_t n = 0;

	if (size < 2 + (len * 8 + 5) / 6)
		return -1;
	out[n++] = 'u';
	for (; len; p++, len--) {
		acc = (acc << 8 | *p) & 0xffff;
		have += 8;
		while (have >= 6) {
			have -= 6;
			out[n++] = b64u[acc >> have & 0x3f];
		}
	}
	if (have)
		out[n++] = b64u[acc << (6 - have) & 0x3f];
	out[n] = '\0';
	return n;
}

/* A peer ID's multihash as text, base58btc: how go-libp2p prints it. */
int rcmgr_peer_id_text(const uint8_t *p, size_t len, char *out, size_t size)
{
	return b58_encode(p, len, out, size);
}

/* A peer ID's text of @n chars: its multihash in @out, or -1. */
int rcmgr_peer_id_decode(const char *s, size_t n, uint8_t *out, size_t size)
{
	uint8_t buf[RCMGR_PEER_ID_MAX + 8];
	const uint8_t *p = buf;
	uint64_t version, codec;
	int len;

	if (!n)
		return -1;
	/* A bare multihash: identity ("1...") or sha2-256 ("Qm..."). */
	if (s[0] == 'Q' || s[0] == '1') {
		len = b58_decode(s, n, buf, sizeof(buf));
		p = buf;
	} else {
		/* A CIDv1 of codec libp2p-key, in a multibase. */
		len = rcmgr_multibase_decode(s, n, buf, sizeof(buf));
		if (len <= 0 || rcmgr_varint_get(&p, buf + len, &version) ||
		    rcmgr_varint_get(&p, buf + len, &codec) ||
		    version != CID_V1 || codec != CODEC_LIBP2P_KEY)
			return -1;
		len -= p - buf;
	}
	if (len <= 0 || !rcmgr_peer_multihash_ok(p, len) || (size_t)len > size)
		return -1;
	memmove(out, p, len);
	return len;
}

/**
 * rcmgr_peer_id_parse() - a peer ID's bytes from its text
 * @text: base58btc multihash ("12D3KooW...", "Qm...") or a CIDv1 of
 *	codec libp2p-key in multibase ("bafz...", "f0172...")
 * @buf: its multihash
 * @size: room in @buf; RCMGR_PEER_ID_MAX always does
 *
 * Return: the multihash's length, or -EINVAL (errno set) for anything
 * go-libp2p's peer.Decode() would refuse; -ERANGE if @buf is short.
 */
RCMGR_EXPORT int rcmgr_peer_id_parse(const char *text, uint8_t *buf,
				     size_t size)
{
	uint8_t mh[RCMGR_PEER_ID_MAX];
	int len;

	if (!text || !buf) {
		errno = EINVAL;
		return -EINVAL;
	}
	len = rcmgr_peer_id_decode(text, strlen(text), mh, sizeof(mh));
	if (len < 0) {
		errno = EINVAL;
		return -EINVAL;
	}
	if ((size_t)len > size) {
		errno = ERANGE;
		return -ERANGE;
	}
	memcpy(buf, mh, len);
	return len;
}
