// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Frames of every shape the parser meets, built by testing/pktbuild.h from a
 * random spec (Ethernet, up to three VLAN tags, IPv4 with options or IPv6
 * with extension headers, UDP or another protocol, a STAMP payload of 0 to
 * 43, 44 or 112 octets or a TLV chain), then mutated: bit flips,
 * truncation, extension, and length fields that lie (IPv4 Total Length,
 * IPv6 Payload Length, UDP Length, TLV Length).  Most mutated frames get
 * their checksums fixed again, so that they reach the deeper checks.
 */
#include <stdio.h>
#include <string.h>
#include "stampede_kern_user.h"
#include "check.h"
#include "pktbuild.h"
#include "fuzz.h"

#define MAX_PAYLOAD 1600

static const uint8_t mac_us[6] = {0x02, 0x00, 0x5e, 0x10, 0x00, 0x01};

static void what_add(struct fz_frame *f, const char *s)
{
	size_t o = strlen(f->what);

	snprintf(f->what + o, sizeof(f->what) - o, "%s%s", o ? " " : "", s);
}

static void fill(uint64_t *rng, uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)fz_rand(rng);
}

/* A destination: mostly one of the interface's addresses. */
static void draw_dst(const struct fz_cfg *c, int ipv, uint64_t *rng, uint8_t *out)
{
	struct fz_addr a;
	uint32_t k = fz_below(rng, 100);

	memset(out, 0, 16);
	if (k < 70) {
		pool_local(ipv, (int)fz_below(rng, k < 60 ? 3 : FZ_POOL_LOCAL), &a);
	} else if (k < 76) {
		pool_node(ipv, (int)fz_below(rng, FZ_POOL_NODE), &a);
	} else if (k < 82) {
		pool_peer(ipv, (int)fz_below(rng, 65536), &a);
	} else if (k < 88 && ipv == 4) {
		pool_local(4, (int)fz_below(rng, 6), &a);
		a.a[3] = 255; /* a directed broadcast */
	} else if (k < 92) {
		memset(&a, 0, sizeof(a));
		if (ipv == 4) {
			memset(a.a, 0xff, 4);
		} else {
			a.a[0] = 0xff;
			a.a[1] = 0x02;
			a.a[15] = 1;
		}
	} else if (k < 95 && ipv == 6) {
		/* ::ffff:a.b.c.d of one of our IPv4 addresses */
		memset(&a, 0, sizeof(a));
		a.a[10] = a.a[11] = 0xff;
		a.a[12] = 198;
		a.a[13] = 18;
		a.a[14] = 0;
		a.a[15] = 1;
	} else {
		fill(rng, a.a, 16);
	}
	(void)c;
	memcpy(out, a.a, ipv == 4 ? 4 : 16);
}

/* A source: mostly a Session-Sender, else one no reply may go to. */
static void draw_src(const struct fz_cfg *c, int ipv, uint64_t *rng, uint8_t *out)
{
	struct fz_addr a;
	uint32_t k = fz_below(rng, 100);

	(void)c;
	memset(&a, 0, sizeof(a));
	if (k < 72) {
		pool_peer(ipv, (int)fz_below(rng, k < 50 ? 16 : 65536), &a);
	} else if (k < 78) {
		pool_local(ipv, (int)fz_below(rng, FZ_POOL_LOCAL), &a);
	} else if (k < 81) {
		pool_node(ipv, (int)fz_below(rng, FZ_POOL_NODE), &a);
	} else if (ipv == 4) {
		static const uint8_t special[][4] = {
			{255, 255, 255, 255}, {0, 0, 0, 0},	 {0, 1, 2, 3},
			{127, 0, 0, 1},	      {224, 0, 0, 1},	 {239, 1, 2, 3},
			{240, 0, 0, 1},	      {198, 18, 0, 255}, {198, 18, 1, 255},
			{198, 18, 3, 255},    {198, 18, 2, 255}, {198, 18, 0, 0},
		};

		if (k < 95)
			memcpy(a.a, special[fz_below(rng, sizeof(special) / 4)], 4);
		else
			fill(rng, a.a, 4);
	} else {
		switch (fz_below(rng, 7)) {
		case 0: /* :: */
			break;
		case 1: /* ::1 */
			a.a[15] = 1;
			break;
		case 2: /* ff02::1 */
			a.a[0] = 0xff;
			a.a[1] = 0x02;
			a.a[15] = 1;
			break;
		case 3: /* ::ffff:198.19.0.7 */
			a.a[10] = a.a[11] = 0xff;
			a.a[12] = 198;
			a.a[13] = 19;
			a.a[15] = 7;
			break;
		case 4: /* fe80::7, a link-local sender */
			a.a[0] = 0xfe;
			a.a[1] = 0x80;
			a.a[15] = 7;
			break;
		default:
			fill(rng, a.a, 16);
		}
	}
	memcpy(out, a.a, ipv == 4 ? 4 : 16);
}

static uint16_t draw_frame_port(const struct fz_cfg *c, uint64_t *rng, bool dest)
{
	uint32_t k = fz_below(rng, 100);

	if (dest ? k < 75 : k < 6)
		return c->ports[fz_below(rng, (uint32_t)c->n_ports)];
	if ((dest ? k < 85 : k < 10) && c->n_auth_ports)
		return c->auth_ports[fz_below(rng, (uint32_t)c->n_auth_ports)];
	if (k < 90)
		return (uint16_t)(32768 + fz_below(rng, 28000));
	return (uint16_t)fz_rand(rng);
}

/* Sub-TLVs of Location or Return Path; returns octets written. */
static size_t sub_tlvs(uint8_t *p, size_t room, int kind, int ipv, uint64_t *rng)
{
	size_t o = 0;
	int n = (int)fz_below(rng, 4), i;

	for (i = 0; i < n; i++) {
		uint8_t type;
		uint16_t len;

		if (kind == 2) { /* Location: MAC 1-3 (8), IP 4-9 (16) */
			type = (uint8_t)(1 + fz_below(rng, 10));
			len = type <= 3 ? 8 : 16;
		} else { /* Return Path: Control Code, Return Address, SR-MPLS, SRv6 */
			type = (uint8_t)(1 + fz_below(rng, 5));
			len = type == 1	  ? 4
			      : type == 2 ? (ipv == 4 ? 4 : 16)
			      : type == 3 ? (uint16_t)(4 * (1 + fz_below(rng, 3)))
					  : (uint16_t)(16 * (1 + fz_below(rng, 2)));
		}
		if (fz_pct(rng, 8))
			len = (uint16_t)fz_below(rng, 24); /* a Length the type does not allow */
		if (o + 4 + len > room)
			break;
		o += pb_tlv(p + o, fz_pct(rng, 85) ? 0 : (uint8_t)fz_rand(rng), type, len,
			    (uint8_t)fz_rand(rng));
		if (kind == 10 && type == 1 && len == 4) {
			memset(p + o - 4, 0, 4);
			p[o - 1] = fz_pct(rng, 70) ? 1 : (uint8_t)fz_below(rng, 4);
		} else if (kind == 10 && type == 2 && len == (ipv == 4 ? 4 : 16)) {
			struct fz_addr a;

			if (fz_pct(rng, 60))
				pool_peer(ipv, (int)fz_below(rng, 1024), &a);
			else
				pool_local(ipv, (int)fz_below(rng, FZ_POOL_LOCAL), &a);
			memcpy(p + o - len, a.a, len);
		}
	}
	return o;
}

/* One TLV's Value into p (room octets at most); its Length in *len. */
static void tlv_value(uint8_t *p, size_t room, uint8_t type, int ipv, const struct fz_cfg *c,
		      uint64_t *rng, uint16_t *len)
{
	struct fz_addr a;
	size_t l = 0;

	switch (type) {
	case 1: /* Extra Padding */
		l = fz_pct(rng, 80) ? 4 * fz_below(rng, 17) : fz_below(rng, 70);
		memset(p, 0, l < room ? l : room);
		break;
	case 2: /* Location: ports, then sub-TLVs */
		fill(rng, p, 4);
		l = 4 + sub_tlvs(p + 4, room - 4, 2, ipv, rng);
		break;
	case 3: /* Timestamp Information */
		fill(rng, p, 4);
		l = 4;
		if (fz_pct(rng, 15))
			l += sub_tlvs(p + 4, room - 4, 2, ipv, rng);
		break;
	case 4: /* Class of Service */
	case 6: /* Access Report */
		fill(rng, p, 4);
		if (type == 6 && fz_pct(rng, 70))
			p[0] = (uint8_t)((1 + fz_below(rng, 2)) << 4);
		l = 4;
		break;
	case 5: /* Direct Measurement */
		fill(rng, p, 12);
		l = 12;
		break;
	case 7: /* Follow-Up Telemetry */
	case 8: /* HMAC */
		fill(rng, p, 16);
		l = 16;
		break;
	case 9: /* Destination Node Address */
		l = ipv == 4 ? 4 : 16;
		if (fz_pct(rng, 15))
			l = 20 - l; /* the other family's */
		if (fz_pct(rng, 40))
			pool_local(l == 4 ? 4 : 6, (int)fz_below(rng, FZ_POOL_LOCAL), &a);
		else if (fz_pct(rng, 50))
			pool_node(l == 4 ? 4 : 6, (int)fz_below(rng, FZ_POOL_NODE), &a);
		else
			fill(rng, a.a, 16);
		memcpy(p, a.a, l);
		break;
	case 10: /* Return Path */
		l = sub_tlvs(p, room, 10, ipv, rng);
		break;
	case 11: /* Micro-session ID: Sender's, Reflector's */
		fill(rng, p, 4);
		if (fz_pct(rng, 40)) {
			p[2] = p[3] = 0;
		} else if (fz_pct(rng, 60)) {
			p[2] = (uint8_t)(c->micro_session_id >> 8);
			p[3] = (uint8_t)c->micro_session_id;
		}
		l = 4;
		break;
	case 12: { /* Reflected Test Packet Control: Length, Number, Interval */
		uint16_t want = fz_pct(rng, 20)	  ? 0
				: fz_pct(rng, 50) ? (uint16_t)(44 + fz_below(rng, 400))
						  : (uint16_t)fz_below(rng, 3000);
		uint16_t count = fz_pct(rng, 60) ? 1 : (uint16_t)fz_below(rng, 4);

		ck_put16(p, want);
		ck_put16(p + 2, count);
		fill(rng, p + 4, 4);
		l = 8;
		if (fz_pct(rng, 10)) {
			size_t k = 4 * (1 + fz_below(rng, 3));

			if (l + 4 + k <= room)
				l += pb_tlv(p + l, 0, (uint8_t)(1 + fz_below(rng, 3)), (uint16_t)k,
					    0x11);
		}
		break;
	}
	default: /* unknown types */
		l = fz_below(rng, 40);
		fill(rng, p, l < room ? l : room);
	}
	if (fz_pct(rng, 5))
		l = fz_below(rng, 40); /* a Length its type does not allow */
	if (l > room)
		l = room;
	*len = (uint16_t)l;
}

/* A STAMP payload (or something near one); returns its length. */
static size_t payload_make(struct fz_frame *f, uint8_t *p, const struct fz_cfg *c, int ipv,
			   uint64_t *rng, size_t tlv_offs[], int *n_tlv)
{
	uint32_t k = fz_below(rng, 100);
	size_t len, o, i;
	int n, t;

	*n_tlv = 0;
	if (k < 4) {
		len = fz_below(rng, 14);
		fill(rng, p, len);
		what_add(f, "runt");
		return len;
	}
	/* The 44-octet base, cut to the length chosen below. */
	fill(rng, p, 16);
	/* Error Estimate Multiplier: not 0, but sometimes 0 (corrupt: dropped) */
	if (p[13] == 0 || fz_pct(rng, 4))
		p[13] = fz_pct(rng, 50) ? 0 : 1;
	if (fz_pct(rng, 70))
		memset(p + 16, 0, 28);
	else
		fill(rng, p + 16, 28);
	if (k < 14) {
		what_add(f, "twamp-light");
		return 14 + fz_below(rng, 30);
	}
	if (k < 46) {
		what_add(f, "base");
		return 44;
	}
	if (k < 52) {
		/* The authenticated-mode size: its HMAC and MBZ read as TLV octets. */
		if (fz_pct(rng, 50))
			memset(p + 44, 0, 68);
		else
			fill(rng, p + 44, 68);
		what_add(f, "112");
		return 112;
	}
	what_add(f, "tlvs");
	o = 44;
	n = fz_pct(rng, 90) ? 1 + (int)fz_below(rng, 5) : 1 + (int)fz_below(rng, 20);
	for (t = 0; t < n && o + 4 < MAX_PAYLOAD; t++) {
		uint8_t type;
		uint16_t vlen;

		if (fz_pct(rng, 85))
			type = (uint8_t)(1 + fz_below(rng, 12));
		else
			type = fz_pct(rng, 30) ? 0 : (uint8_t)(13 + fz_below(rng, 243));
		tlv_value(p + o + 4, MAX_PAYLOAD - o - 4, type, ipv, c, rng, &vlen);
		p[o] = fz_pct(rng, 85) ? 0 : (uint8_t)fz_rand(rng);
		p[o + 1] = type;
		ck_put16(p + o + 2, vlen);
		if (*n_tlv < FZ_MAX_TLV_OFFS)
			tlv_offs[(*n_tlv)++] = o;
		o += 4 + vlen;
	}
	/* 1 to 3 octets after the last TLV: malformed */
	if (fz_pct(rng, 4))
		for (i = 1 + fz_below(rng, 3); i > 0 && o < MAX_PAYLOAD; i--)
			p[o++] = (uint8_t)fz_rand(rng);
	return o;
}

static void fix_ipv4_csum(struct fz_frame *f)
{
	uint8_t *ip = f->b + f->l3;
	size_t hl;

	if (f->l3 + 20 > f->len)
		return;
	hl = (size_t)(ip[0] & 0x0f) * 4;
	if (hl < 20 || f->l3 + hl > f->len)
		return;
	ck_put16(ip + 10, 0);
	ck_put16(ip + 10, ck_csum(ip, hl));
}

static void fix_udp_csum(struct fz_frame *f)
{
	uint8_t *ip = f->b + f->l3, *u = f->b + f->l4;
	size_t ulen;

	if (f->l4 + 8 > f->len)
		return;
	ulen = ck_get16(u + 4);
	if (ulen < 8 || f->l4 + ulen > f->len)
		return;
	if (f->ipv == 4 && !ck_get16(u + 6))
		return; /* "no checksum" stays so */
	ck_put16(u + 6, 0);
	ck_put16(u + 6, ck_udp_csum(f->ipv, ip + (f->ipv == 4 ? 12 : 8),
				    ip + (f->ipv == 4 ? 16 : 24), u, (uint32_t)ulen));
}

/* A lying length: near the truth mostly, anything sometimes. */
static uint16_t lie(uint64_t *rng, uint16_t truth)
{
	if (fz_pct(rng, 70))
		return (uint16_t)(truth + (int)fz_below(rng, 17) - 8);
	return (uint16_t)fz_rand(rng);
}

static void mutate(struct fz_frame *f, uint64_t *rng)
{
	int n = (int)fz_below(rng, 3) + 1, i;
	bool fix = fz_pct(rng, 75);
	char w[48];

	for (i = 0; i < n; i++) {
		size_t pos;

		switch (fz_below(rng, 9)) {
		case 0:	  /* bit flips anywhere */
		case 1: { /* ... or in the headers and the base */
			size_t span = f->len;
			int k, nf = 1 + (int)fz_below(rng, 4);

			if (fz_below(rng, 2) && f->pl + 44 < span)
				span = f->pl + 44;
			for (k = 0; k < nf; k++) {
				pos = fz_below(rng, (uint32_t)span);
				f->b[pos] ^= (uint8_t)(1u << fz_below(rng, 8));
			}
			snprintf(w, sizeof(w), "flip%d", nf);
			what_add(f, w);
			break;
		}
		case 2: /* truncation */
			if (f->len > 14) {
				f->len = 14 + fz_below(rng, (uint32_t)(f->len - 14));
				snprintf(w, sizeof(w), "cut%zu", f->len);
				what_add(f, w);
			}
			break;
		case 3: { /* extension */
			size_t add = 1 + fz_below(rng, 64);

			if (f->len + add <= FZ_MAX_FRAME) {
				fill(rng, f->b + f->len, add);
				f->len += add;
				snprintf(w, sizeof(w), "ext%zu", add);
				what_add(f, w);
			}
			break;
		}
		case 4: /* IP length */
			if (f->l3 + 6 <= f->len) {
				uint8_t *q = f->b + f->l3 + (f->ipv == 4 ? 2 : 4);

				ck_put16(q, lie(rng, ck_get16(q)));
				what_add(f, f->ipv == 4 ? "lie-totlen" : "lie-plen");
			}
			break;
		case 5: /* UDP Length */
			if (f->l4 + 6 <= f->len) {
				uint8_t *q = f->b + f->l4 + 4;

				ck_put16(q, lie(rng, ck_get16(q)));
				what_add(f, "lie-udplen");
			}
			break;
		case 6: /* a TLV's Length */
			if (f->n_tlv) {
				size_t at = f->tlv_off[fz_below(rng, (uint32_t)f->n_tlv)];

				if (at + 4 <= f->len) {
					ck_put16(f->b + at + 2, lie(rng, ck_get16(f->b + at + 2)));
					what_add(f, "lie-tlvlen");
				}
			}
			break;
		case 7: /* a random octet */
			pos = fz_below(rng, (uint32_t)f->len);
			f->b[pos] = (uint8_t)fz_rand(rng);
			what_add(f, "octet");
			break;
		default: /* a TLV's Type */
			if (f->n_tlv) {
				size_t at = f->tlv_off[fz_below(rng, (uint32_t)f->n_tlv)];

				if (at + 2 <= f->len) {
					f->b[at + 1] = (uint8_t)fz_below(rng, 16);
					what_add(f, "tlvtype");
				}
			}
		}
	}
	if (fix) {
		if (f->ipv == 4)
			fix_ipv4_csum(f);
		fix_udp_csum(f);
		what_add(f, "fixcsum");
	}
}

void frame_make(struct fz_frame *f, const struct fz_cfg *c, uint64_t *rng)
{
	static uint8_t payload[MAX_PAYLOAD + 64];
	static struct pb_frame pf;
	struct pb_spec s;
	size_t tlv_offs[FZ_MAX_TLV_OFFS];
	int n_tlv = 0, i;
	uint32_t k;

	memset(&s, 0, sizeof(s));
	f->what[0] = 0;
	memcpy(s.dmac, mac_us, 6);
	fill(rng, s.smac, 6);
	s.smac[0] = fz_pct(rng, 3) ? 0x01 : 0x02; /* sometimes a multicast source MAC */
	if (fz_pct(rng, 5))
		memset(s.dmac, 0xff, 6);
	k = fz_below(rng, 100);
	s.nvlan = k < 70 ? 0 : k < 85 ? 1 : k < 96 ? 2 : 3;
	for (i = 0; i < s.nvlan; i++) {
		s.tpid[i] = fz_pct(rng, 50) ? PB_ETH_VLAN : PB_ETH_QINQ;
		s.tci[i] = (uint16_t)fz_rand(rng);
	}
	s.ipv = fz_pct(rng, 50) ? 4 : 6;
	draw_src(c, s.ipv, rng, s.src);
	draw_dst(c, s.ipv, rng, s.dst);
	s.tos = (uint8_t)fz_rand(rng);
	s.flow = (uint32_t)fz_rand(rng) & 0xfffff;
	s.ttl = (uint8_t)(1 + fz_below(rng, 255));
	s.ip_id = (uint16_t)fz_rand(rng);
	if (s.ipv == 4) {
		s.frag = fz_pct(rng, 60) ? 0x4000 : 0;
		if (fz_pct(rng, 4))
			s.frag |= fz_pct(rng, 50) ? 0x2000 : (uint16_t)(1 + fz_below(rng, 0x1fff));
		if (fz_pct(rng, 25))
			s.optlen = 4 * (1 + (int)fz_below(rng, 10));
	} else if (fz_pct(rng, 35)) {
		static const uint8_t types[] = {PB_IP_HBH, PB_IP_DSTOPT, PB_IP_RT, PB_IP_FRAG};

		s.next = 1 + (int)fz_below(rng, fz_pct(rng, 80) ? 3 : 6);
		for (i = 0; i < s.next; i++) {
			struct pb_ext *e = &s.ext[i];

			e->type = types[fz_below(rng, fz_pct(rng, 90) ? 3 : 4)];
			e->len8 = (uint8_t)fz_below(rng, 4);
			if (e->type == PB_IP_RT) {
				e->len8 = (uint8_t)(2 * (1 + fz_below(rng, 2)));
				e->seg_left = fz_pct(rng, 85) ? 0 : (uint8_t)(1 + fz_below(rng, 2));
			}
			if (e->type == PB_IP_FRAG)
				e->frag = (uint16_t)(fz_pct(rng, 50) ? 1 : fz_rand(rng) & 0xfff9);
		}
	}
	if (fz_pct(rng, 4)) {
		static const uint8_t protos[] = {PB_IP_TCP, PB_IP_ICMP, PB_IP_ICMPV6, 132, 59};

		s.proto = protos[fz_below(rng, sizeof(protos))];
	}
	s.sport = draw_frame_port(c, rng, false);
	s.dport = draw_frame_port(c, rng, true);
	k = fz_below(rng, 100);
	s.csum = k < 86 ? PB_CSUM_VALID : k < 93 ? PB_CSUM_ZERO : PB_CSUM_BAD;
	s.payload = payload;
	s.plen = payload_make(f, payload, c, s.ipv, rng, tlv_offs, &n_tlv);
	if (fz_pct(rng, 8))
		s.trailer = 1 + fz_below(rng, 40);
	if (fz_pct(rng, 8)) {
		s.pad_to = 60;
		s.pad_byte = (uint8_t)fz_rand(rng);
	}
	if (!pb_build(&pf, &s) || pf.len > FZ_MAX_FRAME) {
		/* Too long with its headers: the bare Ethernet header, which must pass. */
		memset(f->b, 0, 14);
		f->len = 14;
		f->ipv = 4;
		f->l3 = f->l4 = f->pl = 14;
		f->n_tlv = 0;
		what_add(f, "short");
		return;
	}
	memcpy(f->b, pf.b, pf.len);
	f->len = pf.len;
	f->ipv = s.ipv;
	f->l3 = pf.l3;
	f->l4 = pf.l4;
	f->pl = pf.pl;
	f->n_tlv = n_tlv;
	for (i = 0; i < n_tlv; i++)
		f->tlv_off[i] = f->pl + tlv_offs[i];
	snprintf(f->what + strlen(f->what), sizeof(f->what) - strlen(f->what), " v%d vlan%d%s%s",
		 s.ipv, s.nvlan, s.optlen ? " opts" : "", s.next ? " ext" : "");
	if (fz_pct(rng, 45))
		mutate(f, rng);
}
