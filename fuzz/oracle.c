// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The fuzzer's judge, written from the RFCs and the rule table of
 * docs/datapath.md, reading the frames octet by octet with testing/check.h;
 * it shares no code with bpf/.
 *
 * Before a frame runs, oracle_expect() says what the rules make of it:
 * whether it is counted, answerable, may be dropped on its TLVs' request,
 * is corrupt (Error Estimate Multiplier 0), or which pass reason it has.
 * oracle_judge() then checks the outcome: a pass leaves the frame as it
 * was, only answerable requests are answered, and every reply is a
 * correct one (lengths, checksums, swapped headers, the sender's fields,
 * the reflector's fields, TLV types, lengths and flags, never toward an
 * address no reply may go to).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "stampede_kern_user.h"
#include "check.h"
#include "fuzz.h"

#define XDP_RET_DROP 1
#define XDP_RET_PASS 2
#define XDP_RET_TX   3

#define IP_UDP 17

/* The request as the rules read it (offsets into the frame). */
struct req {
	int ipv;
	size_t l3, l4, pl;
	size_t iphl;	   /* IPv4 header with options */
	size_t ip_payload; /* octets after every IP header, from the IP length */
	size_t udp_len, plen;
	const uint8_t *src, *dst;
	uint16_t sport, dport;
	uint8_t ttl;
	/* The TLV chain's structure (RFC 8972 4): types met, until one runs past the end. */
	uint32_t types_seen;	 /* bit t: a TLV of type t (1..12) */
	bool only_simple_prefix; /* see tlv checks */
};

static bool port_in(const uint16_t *p, int n, uint16_t port)
{
	int i;

	for (i = 0; i < n; i++)
		if (p[i] == port)
			return true;
	return false;
}

static bool stamp_port(const struct fz_cfg *c, uint16_t port)
{
	return port_in(c->ports, c->n_ports, port) || port_in(c->auth_ports, c->n_auth_ports, port);
}

static bool has_tag(const struct fz_cfg *c, int ipv, const uint8_t *a, int tag)
{
	struct fz_addr x;

	memset(&x, 0, sizeof(x));
	x.ipv = ipv;
	memcpy(x.a, a, ipv == 4 ? 4 : 16);
	return config_has_addr(c, &x, tag);
}

static bool v4_mapped(const uint8_t *a)
{
	static const uint8_t pre[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

	return !memcmp(a, pre, 12);
}

/*
 * No reply may go to it: IPv4 0/8 (RFC 1122 this network), 127/8 loopback,
 * 224/4 multicast, 240/4 reserved and 255.255.255.255; IPv6 ::, ::1,
 * ff00::/8 multicast and ::ffff:0:0/96 (RFC 4291 2.5.5.2: not on the wire).
 */
static bool never_a_peer(int ipv, const uint8_t *a)
{
	static const uint8_t zero[16];

	if (ipv == 4)
		return a[0] == 0 || a[0] == 127 || a[0] >= 224;
	if (a[0] == 0xff || v4_mapped(a))
		return true;
	return !memcmp(a, zero, 15) && (a[15] == 0 || a[15] == 1);
}

/*
 * The allow-list (`allow PREFIX`, docs/datapath.md step 14b): the length of
 * the longest listed prefix of the source's own family that holds it, or
 * -1.  Families stay apart: an IPv4 sender is never inside an IPv6 prefix,
 * ::/0 and ::ffff:0:0/96 included.
 */
static int allow_longest(const struct fz_cfg *c, const struct req *q)
{
	int i, k, best = -1;

	for (i = 0; i < c->n_allow; i++) {
		const uint8_t *p = c->allow[i].addr.a;
		int len = c->allow[i].len;

		if (c->allow[i].addr.ipv != q->ipv || len <= best)
			continue;
		for (k = 0; k < len; k++)
			if ((q->src[k / 8] ^ p[k / 8]) & (0x80 >> (k % 8)))
				break;
		if (k == len)
			best = len;
	}
	return best;
}

static bool source_allowed(const struct fz_cfg *c, const struct req *q)
{
	return !c->n_allow || allow_longest(c, q) >= 0;
}

/* The TLV chain's structure: types met until a Length runs past the end. */
static void tlv_structure(const uint8_t *p, size_t plen, struct req *q)
{
	size_t off = 44;

	q->types_seen = 0;
	while (off + 4 <= plen) {
		uint8_t type = p[off + 1];
		size_t len = ck_get16(p + off + 2);

		if (off + 4 + len > plen)
			break;
		if (type >= 1 && type <= 12)
			q->types_seen |= 1u << type;
		off += 4 + len;
	}
}

/*
 * Steps 1 to 14b of docs/datapath.md, in order.  Returns the counter the
 * rules give a frame that is not answered (pass reason, or
 * bad_error_estimate), STAMPEDE_CNT_MAX for an answerable one; *counted
 * says whether it reached the port check with a STAMP port.
 */
static int classify(const struct fz_cfg *c, const uint8_t *b, size_t len, struct req *q,
		    bool *counted)
{
	size_t off = 14;
	uint16_t proto;
	int i;

	memset(q, 0, sizeof(*q));
	*counted = false;
	if (len < 14)
		return STAMPEDE_CNT_bad_header;
	proto = ck_get16(b + 12);
	for (i = 0; i < 2 && (proto == 0x8100 || proto == 0x88a8); i++) {
		if (off + 4 > len)
			return STAMPEDE_CNT_bad_header;
		proto = ck_get16(b + off + 2);
		off += 4;
	}
	if (proto == 0x8100 || proto == 0x88a8)
		return STAMPEDE_CNT_vlan_depth;
	q->l3 = off;
	if (proto == 0x0800) {
		const uint8_t *ip = b + off;
		size_t tot;

		q->ipv = 4;
		if (off + 20 > len || ip[0] >> 4 != 4 || (ip[0] & 15) < 5)
			return STAMPEDE_CNT_bad_header;
		q->iphl = (size_t)(ip[0] & 15) * 4;
		tot = ck_get16(ip + 2);
		if (tot < q->iphl || off + tot > len)
			return STAMPEDE_CNT_bad_header;
		if (ck_get16(ip + 6) & 0x3fff) /* MF or a fragment offset */
			return STAMPEDE_CNT_fragment;
		if (ip[9] != IP_UDP)
			return STAMPEDE_CNT_not_udp;
		q->l4 = off + q->iphl;
		q->ip_payload = tot - q->iphl;
		q->src = ip + 12;
		q->dst = ip + 16;
		q->ttl = ip[8];
	} else if (proto == 0x86dd) {
		const uint8_t *ip = b + off;
		size_t pl, ext = 0;
		uint8_t nh;

		q->ipv = 6;
		if (off + 40 > len || ip[0] >> 4 != 6)
			return STAMPEDE_CNT_bad_header;
		pl = ck_get16(ip + 4);
		if (off + 40 + pl > len)
			return STAMPEDE_CNT_bad_header;
		nh = ip[6];
		/* Hop-by-hop (0), Routing (43), Destination Options (60): up to 4 skipped */
		for (i = 0; i < 4 && (nh == 0 || nh == 43 || nh == 60); i++) {
			const uint8_t *e = ip + 40 + ext;

			if (off + 40 + ext + 4 > len)
				return STAMPEDE_CNT_bad_header;
			if (nh == 43 && e[3]) /* Segments Left: not the final destination */
				return STAMPEDE_CNT_ipv6_ext;
			nh = e[0];
			ext += ((size_t)e[1] + 1) * 8;
			if (ext > pl || ext > 2048)
				return STAMPEDE_CNT_bad_header;
		}
		if (nh == 44)
			return STAMPEDE_CNT_fragment;
		if (nh == 0 || nh == 43 || nh == 60)
			return STAMPEDE_CNT_ipv6_ext;
		if (nh != IP_UDP)
			return STAMPEDE_CNT_not_udp;
		q->l4 = off + 40 + ext;
		q->ip_payload = pl - ext;
		q->src = ip + 8;
		q->dst = ip + 24;
		q->ttl = ip[7];
	} else {
		return STAMPEDE_CNT_not_ip;
	}
	if (q->l4 > 2048 || q->l4 + 8 > len)
		return STAMPEDE_CNT_bad_header;
	q->sport = ck_get16(b + q->l4);
	q->dport = ck_get16(b + q->l4 + 2);
	if (!stamp_port(c, q->dport))
		return STAMPEDE_CNT_not_stamp;
	*counted = true;
	q->udp_len = ck_get16(b + q->l4 + 4);
	if (q->udp_len < 8 || q->udp_len > q->ip_payload)
		return STAMPEDE_CNT_bad_header;
	/* RFC 8200 8.1: an IPv6 receiver discards a UDP datagram with checksum 0. */
	if (q->ipv == 6 && !ck_get16(b + q->l4 + 6))
		return STAMPEDE_CNT_bad_header;
	q->pl = q->l4 + 8;
	q->plen = q->udp_len - 8;
	if (q->ipv == 4 && !ck_ipv4_hdr_ok(b + q->l3))
		return STAMPEDE_CNT_bad_ip_csum;
	if ((q->ipv == 6 && v4_mapped(q->dst)) || !has_tag(c, q->ipv, q->dst, FZ_TAG_LOCAL))
		return STAMPEDE_CNT_not_local;
	if ((b[6] & 1) || !memcmp(q->src, q->dst, q->ipv == 4 ? 4 : 16) ||
	    never_a_peer(q->ipv, q->src) || has_tag(c, q->ipv, q->src, FZ_TAG_BROADCAST) ||
	    (!(c->flags & STAMPEDE_F_NO_LOOP_GUARD) && has_tag(c, q->ipv, q->src, FZ_TAG_LOCAL)))
		return STAMPEDE_CNT_bad_source;
	if (!(c->flags & STAMPEDE_F_NO_LOOP_GUARD) && stamp_port(c, q->sport))
		return STAMPEDE_CNT_loop_guard;
	if (port_in(c->auth_ports, c->n_auth_ports, q->dport))
		return STAMPEDE_CNT_authenticated;
	if (q->plen < 14)
		return STAMPEDE_CNT_runt;
	/* RFC 4656 4.1.2: Multiplier 0 is corrupt */
	if (b[q->pl + 13] == 0)
		return STAMPEDE_CNT_bad_error_estimate;
	/* 14b, after every check of the packet itself: a broken one keeps its reason. */
	if (!source_allowed(c, q))
		return STAMPEDE_CNT_not_allowed;
	tlv_structure(b + q->pl, q->plen, q);
	return STAMPEDE_CNT_MAX;
}

void oracle_expect(const struct fz_cfg *c, const uint8_t *in, size_t len, struct fz_expect *x)
{
	struct req q;
	int r = classify(c, in, len, &q, &x->counted);

	if (c->flags & STAMPEDE_F_COUNT_OTHER)
		x->counted = true;
	x->answerable = r == STAMPEDE_CNT_MAX;
	x->bad_ee = r == STAMPEDE_CNT_bad_error_estimate;
	x->pass_reason = x->answerable || x->bad_ee || !x->counted ? -1 : r;
	x->twamp_light = x->answerable && q.plen < 44;
	/* 14c: a rate limit may drop any request that got this far. */
	x->rate_drop = x->answerable && (c->flags & (STAMPEDE_F_RATE_SRC | STAMPEDE_F_RATE_ALL));
	memset(x->src, 0, sizeof(x->src));
	if (x->answerable && q.ipv == 4) {
		x->src[10] = x->src[11] = 0xff;
		memcpy(x->src + 12, q.src, 4);
	} else if (x->answerable) {
		memcpy(x->src, q.src, 16);
	}
	/*
	 * Return Path (Control Code 0), Micro-session ID (another member
	 * link) and Reflected Test Packet Control (Number 0) may ask for no
	 * reply.
	 */
	x->may_drop = x->answerable &&
		      ((q.types_seen & (1u << 10)) ||
		       ((c->flags & STAMPEDE_F_MICRO_SESSION) && (q.types_seen & (1u << 11))) ||
		       ((c->flags & STAMPEDE_F_REFLECTED_CTL) && (q.types_seen & (1u << 12))));
}

/* ---- Judging ------------------------------------------------------------ */

static int __attribute__((format(printf, 4, 5)))
fail(int kind, char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	return kind;
}

static bool ones_equal(uint16_t a, uint16_t b)
{
	return a % 0xffff == b % 0xffff;
}

static bool in_prefix(const struct fz_cfg *c, int ipv, const uint8_t *a)
{
	int i, k;

	for (i = 0; i < c->n_return_prefixes; i++) {
		const struct fz_addr *p = &c->return_prefixes[i].addr;
		int len = c->return_prefixes[i].len;
		bool ok = true;

		if (p->ipv != ipv)
			continue;
		for (k = 0; k < len && ok; k++)
			ok = ((a[k / 8] ^ p->a[k / 8]) & (0x80 >> (k % 8))) == 0;
		if (ok)
			return true;
	}
	return false;
}

/* Decodes a reply timestamp into TAI ns [lo, hi]; false if it is invalid. */
static bool ts_decode(const struct fz_clock *clk, const uint8_t *ts, uint64_t *lo, uint64_t *hi)
{
	if (clk->flags & STAMPEDE_F_PTP) {
		if (ck_ptp_to_tai(ts, clk->t0 + (uint64_t)clk->ptp_adjust_ns, lo, hi))
			return false;
		*lo -= (uint64_t)clk->ptp_adjust_ns;
		*hi -= (uint64_t)clk->ptp_adjust_ns;
		return true;
	}
	ck_ntp_to_tai(ts, clk->tai_offset_ns, clk->t0, lo, hi);
	return true;
}

static void hexs(char *buf, size_t size, const uint8_t *p, size_t n)
{
	size_t i, o = 0;

	buf[0] = 0;
	for (i = 0; i < n && o + 3 < size; i++)
		o += (size_t)snprintf(buf + o, size - o, "%02x", p[i]);
}

/* The TLVs of a reply against the request's (RFC 8972 4). */
static int judge_tlvs(const struct fz_cfg *c, const struct req *q, const uint8_t *in,
		      const uint8_t *out, size_t rplen, bool resizable, char *why, size_t whylen)
{
	const uint8_t *p = in + q->pl, *r = out + q->pl;
	size_t off = 44, n = 0;
	bool simple = true; /* only unknown and Extra Padding TLVs so far: the walk reached it */

	(void)c;
	while (off + 4 <= q->plen) {
		uint8_t type = p[off + 1], fl = r[off], reserved = type == 12 ? 0x0f : 0x1f;
		size_t len = ck_get16(p + off + 2), next = off + 4 + len;
		bool unknown = type == 0 || type > 12, last, leftover;

		if (next > q->plen)
			break;
		last = next + 4 > q->plen;
		leftover = last && next < q->plen;
		/* A resize may cut or grow the trailing Extra Padding TLV. */
		if (resizable && last)
			break;
		if (off + 4 > rplen)
			break;
		if (r[off + 1] != type || ck_get16(r + off + 2) != len)
			return fail(FZ_V_reply_tlvs, why, whylen,
				    "TLV %zu at payload octet %zu: type %u length %zu came back as "
				    "type %u length %u",
				    n, off, type, len, r[off + 1], ck_get16(r + off + 2));
		if ((unknown || type == 1 || type == 8) && next <= rplen &&
		    memcmp(p + off + 4, r + off + 4, len))
			return fail(FZ_V_reply_tlvs, why, whylen,
				    "TLV %zu (type %u): its Value changed (RFC 8972 4: "
				    "unrecognized or padding Values go back as received)",
				    n, type);
		if (fl != p[off] && (fl & reserved))
			return fail(
				FZ_V_reply_tlvs, why, whylen,
				"TLV %zu (type %u): flags 0x%02x, reserved bits set (sent 0x%02x)",
				n, type, fl, p[off]);
		if (simple && n < 16 && (unknown || type == 1)) {
			uint8_t want = unknown ? 0x80 : 0;

			if (fl != want && !(leftover && fl == (want | 0x40)))
				return fail(FZ_V_reply_tlvs, why, whylen,
					    "TLV %zu (type %u, %s): flags 0x%02x, expected 0x%02x",
					    n, type, unknown ? "unknown: U" : "Extra Padding", fl,
					    want);
		}
		if (!unknown && type != 1)
			simple = false;
		off = next;
		n++;
	}
	return FZ_V_MAX;
}

/* The reply to an answerable request. */
static int judge_reply(const struct fz_cfg *c, const struct req *q, const struct fz_run *run,
		       const struct fz_clock *clk, bool *rerouted, char *why, size_t whylen)
{
	const uint8_t *in = run->in, *out = run->out;
	size_t alen = q->ipv == 4 ? 4 : 16, rplen, udp_out, d, hdrs;
	const uint8_t *rsrc, *rdst, *rp = out + q->pl, *sp = in + q->pl;
	bool resizable = (c->flags & STAMPEDE_F_REFLECTED_CTL) && (q->types_seen & (1u << 12));
	bool cos = q->types_seen & (1u << 4);
	uint16_t ee, want_ee, c_in, c_out;
	uint64_t t2lo, t2hi, t3lo, t3hi, slack;
	char a[40], bb[40];

	if (run->out_len < q->pl + 44)
		return fail(FZ_V_reply_length, why, whylen,
			    "reply of %zu octets: no 44-octet payload", run->out_len);
	udp_out = ck_get16(out + q->l4 + 4);
	if (udp_out < 8 + 44)
		return fail(FZ_V_reply_length, why, whylen, "reply UDP Length %zu", udp_out);
	rplen = udp_out - 8;
	if (q->plen < 44 && rplen != 44)
		return fail(FZ_V_reply_length, why, whylen,
			    "TWAMP-Light request of %zu octets answered with %zu (44 expected)",
			    q->plen, rplen);
	if (q->plen >= 44 && !resizable && rplen != q->plen)
		return fail(FZ_V_reply_length, why, whylen,
			    "request payload %zu, reply payload %zu, and no resize was asked",
			    q->plen, rplen);
	hdrs = q->l4 - q->l3 + 8;
	if (q->plen >= 44 && rplen > q->plen &&
	    (rplen > c->reply_max || rplen > (size_t)c->amplify * q->plen ||
	     (c->mtu && hdrs + rplen > c->mtu)))
		return fail(FZ_V_reply_too_large, why, whylen,
			    "payload %zu grew to %zu: reply-max %u, amplify %u, MTU %u (IP %zu)",
			    q->plen, rplen, c->reply_max, c->amplify, c->mtu, hdrs + rplen);
	d = rplen - q->plen; /* modulo 2^64 when it shrank: lengths add it */
	if (run->out_len != run->in_len + d)
		return fail(FZ_V_reply_length, why, whylen,
			    "frame of %zu octets, payload %zu -> %zu, reply frame %zu octets",
			    run->in_len, q->plen, rplen, run->out_len);
	if (q->ipv == 4) {
		if (ck_get16(out + q->l3 + 2) != (uint16_t)(ck_get16(in + q->l3 + 2) + d))
			return fail(FZ_V_reply_length, why, whylen,
				    "IPv4 Total Length %u, request %u", ck_get16(out + q->l3 + 2),
				    ck_get16(in + q->l3 + 2));
		if (!ck_ipv4_hdr_ok(out + q->l3))
			return fail(FZ_V_reply_ip_csum, why, whylen,
				    "IPv4 header checksum 0x%04x does not verify",
				    ck_get16(out + q->l3 + 10));
	} else if (ck_get16(out + q->l3 + 4) != (uint16_t)(ck_get16(in + q->l3 + 4) + d)) {
		return fail(FZ_V_reply_length, why, whylen, "IPv6 Payload Length %u, request %u",
			    ck_get16(out + q->l3 + 4), ck_get16(in + q->l3 + 4));
	}
	if (udp_out != q->udp_len + d)
		return fail(FZ_V_reply_length, why, whylen, "UDP Length %zu, request %zu", udp_out,
			    q->udp_len);

	/* Headers: MACs swapped, tags kept, IP fields kept but TTL (and TOS for CoS). */
	if (memcmp(out, in + 6, 6) || memcmp(out + 6, in, 6))
		return fail(FZ_V_reply_headers, why, whylen, "MAC addresses not swapped");
	if (memcmp(out + 12, in + 12, q->l3 - 12))
		return fail(FZ_V_reply_headers, why, whylen, "VLAN tags or EtherType changed");
	if (q->ipv == 4) {
		const uint8_t *o = out + q->l3, *i = in + q->l3;

		if (o[0] != i[0] || (!cos && o[1] != i[1]) || memcmp(o + 4, i + 4, 4) ||
		    o[9] != i[9] || memcmp(o + 20, i + 20, q->iphl - 20))
			return fail(FZ_V_reply_headers, why, whylen,
				    "IPv4 version, TOS, ID, flags, protocol or options changed");
		if (o[8] != c->reply_ttl)
			return fail(FZ_V_reply_headers, why, whylen, "TTL %u, configured %u", o[8],
				    c->reply_ttl);
		rsrc = o + 12;
		rdst = o + 16;
	} else {
		const uint8_t *o = out + q->l3, *i = in + q->l3;

		if ((o[0] & 0xf0) != 0x60 || (!cos && ((o[0] ^ i[0]) | ((o[1] ^ i[1]) & 0xf0))) ||
		    (o[1] & 0x0f) != (i[1] & 0x0f) || memcmp(o + 2, i + 2, 2) || o[6] != i[6] ||
		    memcmp(o + 40, i + 40, q->l4 - q->l3 - 40))
			return fail(FZ_V_reply_headers, why, whylen,
				    "IPv6 version, class, flow label, next header or extension "
				    "headers changed");
		if (o[7] != c->reply_ttl)
			return fail(FZ_V_reply_headers, why, whylen, "Hop Limit %u, configured %u",
				    o[7], c->reply_ttl);
		rsrc = o + 8;
		rdst = o + 24;
	}
	if (ck_get16(out + q->l4) != q->dport || ck_get16(out + q->l4 + 2) != q->sport)
		return fail(FZ_V_reply_headers, why, whylen, "UDP ports not swapped");

	/* Where it goes and where from. */
	*rerouted = memcmp(rsrc, q->dst, alen) || memcmp(rdst, q->src, alen);
	hexs(a, sizeof(a), rdst, alen);
	if (never_a_peer(q->ipv, rdst))
		return fail(FZ_V_reply_destination, why, whylen,
			    "reply to %s: multicast, broadcast, loopback or unspecified", a);
	if (!memcmp(rsrc, rdst, alen))
		return fail(FZ_V_reply_destination, why, whylen, "reply from %s to itself", a);
	if (has_tag(c, q->ipv, rdst, FZ_TAG_BROADCAST))
		return fail(FZ_V_reply_destination, why, whylen,
			    "reply to %s, a directed broadcast of ours", a);
	if (!(c->flags & STAMPEDE_F_NO_LOOP_GUARD) && has_tag(c, q->ipv, rdst, FZ_TAG_LOCAL))
		return fail(FZ_V_reply_destination, why, whylen,
			    "reply to %s, our own address (loop guard on)", a);
	if (out[0] & 1)
		return fail(FZ_V_reply_destination, why, whylen, "reply to a multicast MAC");
	if (memcmp(rdst, q->src, alen) &&
	    !((c->flags & STAMPEDE_F_RETURN_ADDR) && (q->types_seen & (1u << 10)) &&
	      in_prefix(c, q->ipv, rdst)))
		return fail(FZ_V_reply_destination, why, whylen,
			    "reply to %s: neither the sender nor inside a return-prefix", a);
	hexs(a, sizeof(a), rsrc, alen);
	if (memcmp(rsrc, q->dst, alen) &&
	    !((q->types_seen & (1u << 9)) &&
	      (has_tag(c, q->ipv, rsrc, FZ_TAG_LOCAL) || has_tag(c, q->ipv, rsrc, FZ_TAG_NODE))))
		return fail(FZ_V_reply_source, why, whylen,
			    "reply from %s: not the request's destination, no DNA TLV for it", a);

	/* UDP checksum: valid if the request's was, else wrong by as much (datapath.md). */
	c_in = ck_get16(in + q->l4 + 6);
	c_out = ck_get16(out + q->l4 + 6);
	if (q->ipv == 4 && !c_in) {
		if (c_out)
			return fail(FZ_V_reply_udp_csum, why, whylen,
				    "UDP checksum 0x%04x, the IPv4 request had none", c_out);
	} else {
		uint16_t vin =
			ck_udp_verify_sum(q->ipv, q->src, q->dst, in + q->l4, (uint32_t)q->udp_len);
		uint16_t vout =
			ck_udp_verify_sum(q->ipv, rsrc, rdst, out + q->l4, (uint32_t)udp_out);

		if (!c_out)
			return fail(FZ_V_reply_udp_csum, why, whylen, "UDP checksum 0");
		if (!ones_equal(vin, vout))
			return fail(FZ_V_reply_udp_csum, why, whylen,
				    "UDP checksum 0x%04x: the reply sums to 0x%04x, the request "
				    "(checksum 0x%04x) to 0x%04x (0xffff verifies)",
				    c_out, vout, c_in, vin);
	}

	/* RFC 8762 4.3.1: the sender's fields, copied. */
	if (memcmp(rp + 24, sp, 4) || memcmp(rp + 28, sp + 4, 8) || memcmp(rp + 36, sp + 12, 2))
		return fail(FZ_V_reply_sender_fields, why, whylen,
			    "Session-Sender Sequence Number, Timestamp or Error Estimate differ");
	if (rp[40] != q->ttl)
		return fail(FZ_V_reply_sender_fields, why, whylen,
			    "Ses-Sender TTL %u, sent with %u", rp[40], q->ttl);
	if (q->plen >= 16 ? memcmp(rp + 14, sp + 14, 2) : ck_get16(rp + 14) != 0)
		return fail(FZ_V_reply_sender_fields, why, whylen, "SSID 0x%04x, sent 0x%04x",
			    ck_get16(rp + 14), q->plen >= 16 ? ck_get16(sp + 14) : 0);
	if (!(c->flags & STAMPEDE_F_STATEFUL) && memcmp(rp, sp, 4))
		return fail(FZ_V_reply_sender_fields, why, whylen,
			    "stateless Sequence Number %u, sent %u", ck_get32(rp), ck_get32(sp));
	if (rp[38] || rp[39] || rp[41] || rp[42] || rp[43])
		return fail(FZ_V_reply_reflector_fields, why, whylen, "MBZ octets not zero");
	ee = ck_get16(rp + 12);
	want_ee = (uint16_t)(((c->flags & STAMPEDE_F_PTP) ? c->ptp_error_estimate
							  : c->error_estimate) &
			     ~CK_EE_Z);
	if (!(want_ee & 0xff))
		want_ee |= 1;
	if (c->flags & STAMPEDE_F_PTP)
		want_ee |= CK_EE_Z;
	if (ee != want_ee)
		return fail(FZ_V_reply_reflector_fields, why, whylen,
			    "Error Estimate 0x%04x, expected 0x%04x", ee, want_ee);
	hexs(a, sizeof(a), rp + 16, 8);
	hexs(bb, sizeof(bb), rp + 4, 8);
	if (!ts_decode(clk, rp + 16, &t2lo, &t2hi) || !ts_decode(clk, rp + 4, &t3lo, &t3hi))
		return fail(FZ_V_reply_reflector_fields, why, whylen,
			    "T2 %s or T3 %s: nanoseconds out of range", a, bb);
	/* The boot clock plus a measured offset: a little slack. */
	slack = (clk->flags & STAMPEDE_F_CLOCK_BOOT) ? 1000000 : 0;
	if (t2hi + slack < clk->t0 || t3lo > clk->t1 + slack || t2lo > t3hi)
		return fail(FZ_V_reply_reflector_fields, why, whylen,
			    "T2 %s, T3 %s outside [%llu, %llu] ns TAI or T2 after T3", a, bb,
			    (unsigned long long)clk->t0, (unsigned long long)clk->t1);
	if (!(clk->flags & STAMPEDE_F_T3_READ) && memcmp(rp + 4, rp + 16, 8))
		return fail(FZ_V_reply_reflector_fields, why, whylen,
			    "T3 %s differs from T2 %s with one clock read", bb, a);
	if (q->plen > 44)
		return judge_tlvs(c, q, in, out, rplen, resizable, why, whylen);
	return FZ_V_MAX;
}

int oracle_judge(const struct fz_cfg *c, struct fz_expect *x, const struct fz_run *r,
		 const struct fz_clock *clk, char *why, size_t whylen)
{
	struct req q;
	bool counted;

	why[0] = 0;
	if (r->err)
		return fail(FZ_V_test_run_failed, why, whylen, "error %d", r->err);
	switch (r->retval) {
	case XDP_RET_PASS:
		if (r->out_len != r->in_len || memcmp(r->in, r->out, r->in_len))
			return fail(FZ_V_pass_changed, why, whylen, "%zu octets in, %zu out",
				    r->in_len, r->out_len);
		/* No room to grow is a pass, for frames near the page's end only. */
		if (x->answerable && r->in_len < 3000)
			return fail(FZ_V_answerable_not_answered, why, whylen, "passed");
		if (x->bad_ee)
			return fail(FZ_V_corrupt_not_dropped, why, whylen,
				    "Error Estimate Multiplier 0, passed");
		return FZ_V_MAX;
	case XDP_RET_DROP:
		if (!x->bad_ee && !x->may_drop && !x->rate_drop)
			return fail(FZ_V_unexpected_drop, why, whylen, "%s",
				    x->answerable ? "answerable, no TLV asked for no reply, "
						    "no rate limit"
						  : "not a request we answer, dropped");
		return FZ_V_MAX;
	case XDP_RET_TX:
		if (!x->answerable)
			return fail(FZ_V_answered_not_answerable, why, whylen,
				    "answered; the rules give %s",
				    x->bad_ee		  ? "bad_error_estimate (drop)"
				    : x->pass_reason >= 0 ? "a pass"
							  : "an uncounted pass");
		classify(c, r->in, r->in_len, &q, &counted);
		return judge_reply(c, &q, r, clk, &x->rerouted, why, whylen);
	default:
		return fail(FZ_V_bad_retval, why, whylen, "return value %u", r->retval);
	}
}

/*
 * A token bucket as docs/datapath.md "Rate limits" has it: a token every
 * 10^9 / PPS ns (whole ns: taken here as the shorter of the two roundings),
 * BURST at once after an idle spell.  Over @elapsed_ns it lets through at
 * most BURST plus one per interval begun; each CPU racing on the bucket
 * may let one more through.
 */
uint64_t oracle_rate_bound(uint32_t pps, uint32_t burst, uint64_t elapsed_ns, int ncpu)
{
	uint64_t interval = 1000000000ULL / pps;

	return burst + (elapsed_ns + interval - 1) / interval + (uint64_t)ncpu;
}
