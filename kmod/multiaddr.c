// SPDX-License-Identifier: GPL-2.0
/*
 * Multiaddrs: binary endpoints and allowlist entries, validated strictly.
 *
 * The binary form is multiformats': each component is an unsigned varint
 * protocol code, then its value, of a fixed size or prefixed by a varint
 * length.  Varints are minimal (no trailing zero groups) and at most nine
 * bytes.  Only what go-libp2p's transports produce as a remote address is
 * accepted, in their order:
 *
 *   /ip4|/ip6  [/tcp [/tls [/sni]] [/ws|/wss|/http]]
 *              [/udp [/quic | /quic-v1 [/webtransport [/certhash]...]
 *                    | /webrtc-direct [/certhash]...]]
 *              [/p2p [/p2p-circuit [/webrtc] [/p2p]]]
 *
 * and for an allowlist entry /ip4|/ip6 [/ipcidr] [/p2p].  A /p2p value is
 * a multihash (identity of at most 42 bytes, or sha2-256), shown in
 * base58btc as peers are named to conn-set-peer; a /certhash a multihash
 * too, shown as multibase base64url ("u...").  An /ipcidr's host bits are
 * masked off, as go-libp2p's net.ParseCIDR does.
 *
 * A message names the component at fault; the caller names the attribute.
 * Messages are static strings: 6.1's extack takes nothing else.
 */
#include <linux/ctype.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/kernel.h>
#include <linux/netlink.h>
#include <linux/socket.h>
#include <linux/string.h>

#include "rcmgr.h"

enum {
	MA_IP4 = 4,
	MA_TCP = 6,
	MA_IP6 = 41,
	MA_IPCIDR = 43,
	MA_UDP = 273,
	MA_WEBRTC_DIRECT = 280,
	MA_WEBRTC = 281,
	MA_P2P_CIRCUIT = 290,
	MA_P2P = 421,
	MA_TLS = 448,
	MA_SNI = 449,
	MA_QUIC = 460,
	MA_QUIC_V1 = 461,
	MA_WEBTRANSPORT = 465,
	MA_CERTHASH = 466,
	MA_WS = 477,
	MA_WSS = 478,
	MA_HTTP = 480,
};

#define MA_VARLEN	-1

/*
 * One protocol: its code, its size (0: none, MA_VARLEN: length-prefixed),
 * and its messages, whole static strings.
 */
struct ma_proto {
	u32 code;
	int size;
	const char *name;
	const char *trunc;
	const char *order;
	const char *value;
};

/* Messages spelled out whole: NL_SET_ERR_MSG() keeps the pointer. */
static const struct ma_proto protos[] = {
	{
		.code = MA_IP4, .size = 4, .name = "/ip4",
		.trunc = "multiaddr: /ip4: truncated address",
		.order = "multiaddr: /ip4: not allowed here",
		.value = "multiaddr: /ip4: bad address",
	},
	{
		.code = MA_TCP, .size = 2, .name = "/tcp",
		.trunc = "multiaddr: /tcp: truncated port",
		.order = "multiaddr: /tcp: not allowed here",
		.value = "multiaddr: /tcp: bad port",
	},
	{
		.code = MA_IP6, .size = 16, .name = "/ip6",
		.trunc = "multiaddr: /ip6: truncated address",
		.order = "multiaddr: /ip6: not allowed here",
		.value = "multiaddr: /ip6: bad address",
	},
	{
		.code = MA_IPCIDR, .size = 1, .name = "/ipcidr",
		.trunc = "multiaddr: /ipcidr: truncated prefix length",
		.order = "multiaddr: /ipcidr: not allowed here",
		.value = "multiaddr: /ipcidr: bad prefix length",
	},
	{
		.code = MA_UDP, .size = 2, .name = "/udp",
		.trunc = "multiaddr: /udp: truncated port",
		.order = "multiaddr: /udp: not allowed here",
		.value = "multiaddr: /udp: bad port",
	},
	{
		.code = MA_WEBRTC_DIRECT, .size = 0, .name = "/webrtc-direct",
		.trunc = "multiaddr: /webrtc-direct: truncated value",
		.order = "multiaddr: /webrtc-direct: not allowed here",
		.value = "multiaddr: /webrtc-direct: bad value",
	},
	{
		.code = MA_WEBRTC, .size = 0, .name = "/webrtc",
		.trunc = "multiaddr: /webrtc: truncated value",
		.order = "multiaddr: /webrtc: not allowed here",
		.value = "multiaddr: /webrtc: bad value",
	},
	{
		.code = MA_P2P_CIRCUIT, .size = 0, .name = "/p2p-circuit",
		.trunc = "multiaddr: /p2p-circuit: truncated value",
		.order = "multiaddr: /p2p-circuit: not allowed here",
		.value = "multiaddr: /p2p-circuit: bad value",
	},
	{
		.code = MA_P2P, .size = MA_VARLEN, .name = "/p2p",
		.trunc = "multiaddr: /p2p: truncated peer id",
		.order = "multiaddr: /p2p: not allowed here",
		.value = "multiaddr: /p2p: bad peer id",
	},
	{
		.code = MA_TLS, .size = 0, .name = "/tls",
		.trunc = "multiaddr: /tls: truncated value",
		.order = "multiaddr: /tls: not allowed here",
		.value = "multiaddr: /tls: bad value",
	},
	{
		.code = MA_SNI, .size = MA_VARLEN, .name = "/sni",
		.trunc = "multiaddr: /sni: truncated name",
		.order = "multiaddr: /sni: not allowed here",
		.value = "multiaddr: /sni: bad name",
	},
	{
		.code = MA_QUIC, .size = 0, .name = "/quic",
		.trunc = "multiaddr: /quic: truncated value",
		.order = "multiaddr: /quic: not allowed here",
		.value = "multiaddr: /quic: bad value",
	},
	{
		.code = MA_QUIC_V1, .size = 0, .name = "/quic-v1",
		.trunc = "multiaddr: /quic-v1: truncated value",
		.order = "multiaddr: /quic-v1: not allowed here",
		.value = "multiaddr: /quic-v1: bad value",
	},
	{
		.code = MA_WEBTRANSPORT, .size = 0, .name = "/webtransport",
		.trunc = "multiaddr: /webtransport: truncated value",
		.order = "multiaddr: /webtransport: not allowed here",
		.value = "multiaddr: /webtransport: bad value",
	},
	{
		.code = MA_CERTHASH, .size = MA_VARLEN, .name = "/certhash",
		.trunc = "multiaddr: /certhash: truncated hash",
		.order = "multiaddr: /certhash: not allowed here",
		.value = "multiaddr: /certhash: bad hash",
	},
	{
		.code = MA_WS, .size = 0, .name = "/ws",
		.trunc = "multiaddr: /ws: truncated value",
		.order = "multiaddr: /ws: not allowed here",
		.value = "multiaddr: /ws: bad value",
	},
	{
		.code = MA_WSS, .size = 0, .name = "/wss",
		.trunc = "multiaddr: /wss: truncated value",
		.order = "multiaddr: /wss: not allowed here",
		.value = "multiaddr: /wss: bad value",
	},
	{
		.code = MA_HTTP, .size = 0, .name = "/http",
		.trunc = "multiaddr: /http: truncated value",
		.order = "multiaddr: /http: not allowed here",
		.value = "multiaddr: /http: bad value",
	},
};

static const struct ma_proto *proto_find(u64 code)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(protos); i++)
		if (protos[i].code == code)
			return &protos[i];
	return NULL;
}

static void ma_err(struct netlink_ext_ack *extack, const char *msg)
{
	/* NL_SET_ERR_MSG() wants a literal; these are static strings too. */
	if (extack)
		extack->_msg = msg;
}

/*
 * Read a minimal unsigned varint of at most nine bytes (63 bits).
 * Return: bytes read, 0 when truncated, -1 when not minimal or too long.
 */
static int varint(const u8 *p, int len, u64 *v)
{
	int i;

	*v = 0;
	for (i = 0; i < len && i < 9; i++) {
		*v |= (u64)(p[i] & 0x7f) << (7 * i);
		if (p[i] & 0x80)
			continue;
		/* A last group of zero would have been left out. */
		if (i && !p[i])
			return -1;
		return i + 1;
	}
	return i == 9 ? -1 : 0;
}

/* Whether @code may follow @prev in an endpoint (0: at the start). */
static bool endpoint_follows(u32 prev, u32 code)
{
	switch (prev) {
	case 0:
		return code == MA_IP4 || code == MA_IP6;
	case MA_IP4:
	case MA_IP6:
		return code == MA_TCP || code == MA_UDP || code == MA_P2P;
	case MA_TCP:
		return code == MA_TLS || code == MA_WS || code == MA_WSS ||
		       code == MA_HTTP || code == MA_P2P;
	case MA_TLS:
		return code == MA_SNI || code == MA_WS || code == MA_HTTP ||
		       code == MA_P2P;
	case MA_SNI:
		return code == MA_WS || code == MA_HTTP || code == MA_P2P;
	case MA_UDP:
		return code == MA_QUIC || code == MA_QUIC_V1 ||
		       code == MA_WEBRTC_DIRECT || code == MA_P2P;
	case MA_QUIC_V1:
		return code == MA_WEBTRANSPORT || code == MA_P2P;
	case MA_WEBTRANSPORT:
	case MA_WEBRTC_DIRECT:
	case MA_CERTHASH:
		return code == MA_CERTHASH || code == MA_P2P;
	case MA_P2P:
		/* /p2p/RELAY/p2p-circuit: the relay's address. */
		return code == MA_P2P_CIRCUIT;
	case MA_P2P_CIRCUIT:
		return code == MA_WEBRTC || code == MA_P2P;
	case MA_WEBRTC:
		return code == MA_P2P;
	default:
		/* /quic, /ws, /wss, /http: only /p2p may follow. */
		return code == MA_P2P;
	}
}

static bool entry_follows(u32 prev, u32 code)
{
	switch (prev) {
	case 0:
		return code == MA_IP4 || code == MA_IP6;
	case MA_IP4:
	case MA_IP6:
		return code == MA_IPCIDR || code == MA_P2P;
	case MA_IPCIDR:
		return code == MA_P2P;
	default:
		return false;
	}
}

/*
 * A multihash: varint code, varint digest length, the digest.  Identity
 * (inlined public keys) of at most 42 bytes, sha2-256 of 32.
 */
static bool multihash_ok(const u8 *p, int len, bool peer)
{
	u64 code, dlen;
	int n, m;

	n = varint(p, len, &code);
	if (n <= 0)
		return false;
	m = varint(p + n, len - n, &dlen);
	if (m <= 0 || dlen != len - n - m)
		return false;
	switch (code) {
	case 0x00:	/* identity */
		return dlen <= 42 && (dlen || !peer);
	case 0x12:	/* sha2-256 */
		return dlen == 32;
	case 0x13:	/* sha2-512 */
	case 0x1e:	/* blake3 */
		return !peer && dlen <= 64;
	default:
		return false;
	}
}

/* A DNS name, as /sni carries. */
static bool sni_ok(const u8 *p, int len)
{
	int i;

	if (!len || len > 253)
		return false;
	for (i = 0; i < len; i++)
		if (!isalnum(p[i]) && p[i] != '-' && p[i] != '.' && p[i] != '_')
			return false;
	return true;
}

static const char b58[] =
	"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/* Base58btc of @p into @out (no NUL); Return: length, or -1 if > @size. */
static int base58(const u8 *p, int len, u8 *out, int size)
{
	u8 digits[256];
	int i, j, n = 0, zeros = 0;

	if (len > 180)
		return -1;
	while (zeros < len && !p[zeros])
		zeros++;
	for (i = zeros; i < len; i++) {
		unsigned int carry = p[i];

		for (j = 0; j < n; j++) {
			carry += (unsigned int)digits[j] << 8;
			digits[j] = carry % 58;
			carry /= 58;
		}
		while (carry) {
			if (n == sizeof(digits))
				return -1;
			digits[n++] = carry % 58;
			carry /= 58;
		}
	}
	if (zeros + n > size)
		return -1;
	for (i = 0; i < zeros; i++)
		out[i] = '1';
	for (j = 0; j < n; j++)
		out[i + j] = b58[digits[n - 1 - j]];
	return zeros + n;
}

static const char b64url[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Unpadded base64url; Return: length written. */
static size_t base64url(const u8 *p, int len, char *out)
{
	size_t n = 0;
	u32 v;
	int i;

	for (i = 0; i + 2 < len; i += 3) {
		v = p[i] << 16 | p[i + 1] << 8 | p[i + 2];
		out[n++] = b64url[v >> 18];
		out[n++] = b64url[(v >> 12) & 63];
		out[n++] = b64url[(v >> 6) & 63];
		out[n++] = b64url[v & 63];
	}
	if (len - i == 1) {
		v = p[i] << 16;
		out[n++] = b64url[v >> 18];
		out[n++] = b64url[(v >> 12) & 63];
	} else if (len - i == 2) {
		v = p[i] << 16 | p[i + 1] << 8;
		out[n++] = b64url[v >> 18];
		out[n++] = b64url[(v >> 12) & 63];
		out[n++] = b64url[(v >> 6) & 63];
	}
	return n;
}

static void mask_addr(u8 *a, unsigned int bytes, unsigned int bits)
{
	unsigned int i;

	for (i = 0; i < bytes; i++) {
		if (bits >= 8) {
			bits -= 8;
			continue;
		}
		a[i] &= (u8)(0xff00 >> bits);
		bits = 0;
	}
}

/**
 * rcmgr_maddr_parse() - validate a binary multiaddr
 * @buf: the multiaddr
 * @len: its length
 * @use: an endpoint or an allowlist entry
 * @ma: filled in: family, address (masked to /ipcidr), prefix, peer,
 *	transport and port
 * @extack: names the component at fault
 *
 * Return: 0, or -EINVAL with a message in @extack.
 */
int rcmgr_maddr_parse(const u8 *buf, int len, enum rcmgr_maddr_use use,
		      struct rcmgr_maddr *ma, struct netlink_ext_ack *extack)
{
	const struct ma_proto *pr;
	int off = 0, n;
	u32 prev = 0;
	u64 code, vlen;
	const u8 *v;

	memset(ma, 0, sizeof(*ma));
	if (len <= 0) {
		ma_err(extack, "multiaddr: empty");
		return -EINVAL;
	}
	while (off < len) {
		n = varint(buf + off, len - off, &code);
		if (n <= 0) {
			ma_err(extack, n ? "multiaddr: protocol code is not a minimal varint" :
				       "multiaddr: truncated protocol code");
			return -EINVAL;
		}
		off += n;
		pr = proto_find(code);
		if (!pr) {
			ma_err(extack, "multiaddr: unknown or unsupported protocol");
			return -EINVAL;
		}
		if (use == RCMGR_MADDR_ENDPOINT ? !endpoint_follows(prev, code) :
						 !entry_follows(prev, code)) {
			ma_err(extack, prev ? pr->order :
				       "multiaddr: must begin with /ip4 or /ip6");
			return -EINVAL;
		}
		vlen = pr->size;
		if (pr->size == MA_VARLEN) {
			n = varint(buf + off, len - off, &vlen);
			if (n < 0) {
				ma_err(extack, pr->value);
				return -EINVAL;
			}
			if (!n) {
				ma_err(extack, pr->trunc);
				return -EINVAL;
			}
			off += n;
		}
		if (vlen > len - off) {
			ma_err(extack, pr->trunc);
			return -EINVAL;
		}
		v = buf + off;
		off += vlen;
		switch (code) {
		case MA_IP4:
			ma->family = AF_INET;
			ma->prefix_len = 32;
			memcpy(ma->addr.b, v, 4);
			break;
		case MA_IP6:
			ma->family = AF_INET6;
			ma->prefix_len = 128;
			memcpy(ma->addr.b, v, 16);
			break;
		case MA_IPCIDR:
			if (*v > (ma->family == AF_INET ? 32 : 128)) {
				ma_err(extack, pr->value);
				return -EINVAL;
			}
			ma->prefix_len = *v;
			mask_addr(ma->addr.b, ma->family == AF_INET ? 4 : 16, *v);
			break;
		case MA_TCP:
		case MA_UDP:
			ma->ipproto = code == MA_TCP ? IPPROTO_TCP : IPPROTO_UDP;
			memcpy(&ma->port, v, sizeof(ma->port));
			break;
		case MA_SNI:
			if (!sni_ok(v, vlen)) {
				ma_err(extack, pr->value);
				return -EINVAL;
			}
			break;
		case MA_CERTHASH:
		case MA_P2P:
			if (!multihash_ok(v, vlen, code == MA_P2P)) {
				ma_err(extack, pr->value);
				return -EINVAL;
			}
			if (code == MA_CERTHASH)
				break;
			n = base58(v, vlen, ma->peer, sizeof(ma->peer));
			if (n < 0) {
				ma_err(extack, "multiaddr: /p2p: peer id too long");
				return -EINVAL;
			}
			ma->peer_len = n;
			break;
		}
		prev = code;
	}
	/* /p2p/RELAY/p2p-circuit: a relayed conn; its peer is unknown yet. */
	if (prev == MA_P2P_CIRCUIT || prev == MA_WEBRTC)
		ma->peer_len = 0;
	return 0;
}

/**
 * rcmgr_maddr_text() - the text form of a multiaddr rcmgr_maddr_parse()
 *	accepted
 * @buf: the multiaddr
 * @len: its length
 * @out: where to write it, NUL-terminated
 * @size: of @out
 *
 * IPv6 addresses in RFC 5952 form, /p2p in base58btc, /certhash in
 * multibase base64url.
 *
 * Return: the length written (without the NUL), or -ENOSPC.
 */
int rcmgr_maddr_text(const u8 *buf, int len, char *out, size_t size)
{
	const struct ma_proto *pr;
	size_t pos = 0;
	u64 code, vlen;
	int off = 0, n;
	const u8 *v;

	if (!size)
		return -ENOSPC;
	out[0] = '\0';
	while (off < len) {
		n = varint(buf + off, len - off, &code);
		pr = n > 0 ? proto_find(code) : NULL;
		if (!pr)
			return -EINVAL;
		off += n;
		vlen = pr->size;
		if (pr->size == MA_VARLEN) {
			n = varint(buf + off, len - off, &vlen);
			if (n <= 0)
				return -EINVAL;
			off += n;
		}
		if (vlen > len - off)
			return -EINVAL;
		v = buf + off;
		off += vlen;
		/* Room for the longest value text, checked per component. */
		if (pos + strlen(pr->name) + 2 * vlen + 48 >= size)
			return -ENOSPC;
		pos += scnprintf(out + pos, size - pos, "%s", pr->name);
		switch (code) {
		case MA_IP4:
			pos += scnprintf(out + pos, size - pos, "/%pI4", v);
			break;
		case MA_IP6:
			pos += scnprintf(out + pos, size - pos, "/%pI6c", v);
			break;
		case MA_IPCIDR:
			pos += scnprintf(out + pos, size - pos, "/%u", *v);
			break;
		case MA_TCP:
		case MA_UDP:
			pos += scnprintf(out + pos, size - pos, "/%u",
					 v[0] << 8 | v[1]);
			break;
		case MA_SNI:
			pos += scnprintf(out + pos, size - pos, "/%.*s",
					 (int)vlen, v);
			break;
		case MA_CERTHASH:
			out[pos++] = '/';
			out[pos++] = 'u';
			pos += base64url(v, vlen, out + pos);
			out[pos] = '\0';
			break;
		case MA_P2P:
			out[pos++] = '/';
			n = base58(v, vlen, (u8 *)out + pos, size - pos - 1);
			if (n < 0)
				return -ENOSPC;
			pos += n;
			out[pos] = '\0';
			break;
		}
	}
	return pos;
}

/**
 * rcmgr_maddr_encode() - the binary multiaddr of an address and port
 * @family: AF_INET or AF_INET6
 * @addr: 4 or 16 bytes
 * @ipproto: IPPROTO_TCP or IPPROTO_UDP, or 0 for the address alone
 * @port: the port (network order)
 * @out: at least 21 bytes
 *
 * Return: the length written.
 */
int rcmgr_maddr_encode(u16 family, const u8 *addr, u8 ipproto, __be16 port,
		       u8 *out)
{
	int n = 0, alen = family == AF_INET ? 4 : 16;
	u32 code = ipproto == IPPROTO_TCP ? MA_TCP : MA_UDP;

	out[n++] = family == AF_INET ? MA_IP4 : MA_IP6;
	memcpy(out + n, addr, alen);
	n += alen;
	if (!ipproto)
		return n;
	if (code < 0x80) {
		out[n++] = code;
	} else {
		out[n++] = (code & 0x7f) | 0x80;
		out[n++] = code >> 7;
	}
	memcpy(out + n, &port, 2);
	return n + 2;
}
