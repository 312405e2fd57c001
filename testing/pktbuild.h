/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Frame crafting for the XDP unit tests, the fuzzer and the benchmark
 * (prefix pb_): Ethernet, up to three VLAN tags, IPv4 with options or IPv6
 * with extension headers, UDP (or another protocol), STAMP sender payloads
 * and TLVs.  Independent of the program and of include/: offsets come from
 * the RFCs.
 */
#ifndef STAMPEDE_TESTS_PKTBUILD_H
#define STAMPEDE_TESTS_PKTBUILD_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "check.h"

/* A page: XDP test runs take frames up to a page minus head- and tailroom. */
#define PB_MAX_FRAME 4096
#define PB_MAX_EXT   6
#define PB_MAX_VLAN  3

#define PB_ETH_IPV4 0x0800
#define PB_ETH_IPV6 0x86dd
#define PB_ETH_ARP  0x0806
#define PB_ETH_VLAN 0x8100
#define PB_ETH_QINQ 0x88a8

#define PB_IP_HBH    0
#define PB_IP_ICMP   1
#define PB_IP_TCP    6
#define PB_IP_UDP    17
#define PB_IP_RT     43
#define PB_IP_FRAG   44
#define PB_IP_ICMPV6 58
#define PB_IP_NONXT  59
#define PB_IP_DSTOPT 60

enum pb_csum {
	PB_CSUM_VALID = 0, /* correct UDP checksum */
	PB_CSUM_ZERO,	   /* 0: none (IPv4 only is legal) */
	PB_CSUM_BAD,	   /* correct + 1, never 0 (which would mean "no checksum") */
};

struct pb_ext {
	uint8_t type;	  /* PB_IP_HBH, PB_IP_DSTOPT, PB_IP_RT, PB_IP_FRAG */
	uint8_t len8;	  /* Hdr Ext Len (8-octet units after the first 8); RT: 2 per segment */
	uint8_t seg_left; /* routing */
	uint16_t frag;	  /* fragment: offset << 3 | M */
};

struct pb_spec {
	uint8_t dmac[6], smac[6];
	int nvlan;
	uint16_t tpid[PB_MAX_VLAN], tci[PB_MAX_VLAN];
	int ipv;		  /* 4 or 6 */
	uint8_t src[16], dst[16]; /* IPv4 addresses in the first 4 octets */
	uint8_t tos;		  /* IPv4 TOS / IPv6 Traffic Class */
	uint32_t flow;		  /* IPv6 Flow Label */
	uint8_t ttl;		  /* TTL / Hop Limit */
	uint16_t ip_id;
	uint16_t frag; /* IPv4 flags + fragment offset field */
	int optlen;    /* IPv4 option octets: multiple of 4, at most 40 */
	int next;
	struct pb_ext ext[PB_MAX_EXT];
	uint8_t proto; /* upper-layer protocol; 0 means UDP */
	uint16_t sport, dport;
	enum pb_csum csum;
	const uint8_t *payload; /* UDP payload, or the whole upper-layer packet */
	size_t plen;
	size_t pad_to;	  /* Ethernet padding up to this frame length ... */
	uint8_t pad_byte; /* ... made of this octet */
	size_t trailer;	  /* junk octets after the IP packet (beyond Total Length) */
};

struct pb_frame {
	uint8_t b[PB_MAX_FRAME];
	size_t len;
	int ipv;
	size_t l3;	/* IP header */
	size_t iphl;	/* IPv4 header with options; IPv6: 40 */
	size_t ext_len; /* IPv6 extension header octets */
	size_t l4;	/* UDP header */
	size_t pl;	/* UDP payload */
	size_t plen;	/* UDP payload octets */
	size_t ip_end;	/* end of the IP packet */
	int next;
	size_t ext_off[PB_MAX_EXT];
};

static inline void pb_v4(uint8_t *a, uint8_t x, uint8_t y, uint8_t z, uint8_t w)
{
	memset(a, 0, 16);
	a[0] = x;
	a[1] = y;
	a[2] = z;
	a[3] = w;
}

/* 2001:db8:HI::LO */
static inline void pb_v6(uint8_t *a, uint16_t hi, uint16_t lo)
{
	memset(a, 0, 16);
	a[0] = 0x20;
	a[1] = 0x01;
	a[2] = 0x0d;
	a[3] = 0xb8;
	ck_put16(a + 4, hi);
	ck_put16(a + 14, lo);
}

static inline size_t pb_ext_size(const struct pb_ext *e)
{
	return e->type == PB_IP_FRAG ? 8 : ((size_t)e->len8 + 1) * 8;
}

/* Builds the frame; returns its length (0 if it would not fit). */
static inline size_t pb_build(struct pb_frame *f, const struct pb_spec *s)
{
	uint8_t *b = f->b;
	size_t o = 12, l4len, i;
	uint8_t proto = s->proto ? s->proto : PB_IP_UDP;
	int udp = proto == PB_IP_UDP;

	memset(f, 0, sizeof(*f));
	f->ipv = s->ipv;
	memcpy(b, s->dmac, 6);
	memcpy(b + 6, s->smac, 6);
	for (i = 0; i < (size_t)s->nvlan; i++) {
		ck_put16(b + o, s->tpid[i]);
		ck_put16(b + o + 2, s->tci[i]);
		o += 4;
	}
	ck_put16(b + o, s->ipv == 4 ? PB_ETH_IPV4 : PB_ETH_IPV6);
	o += 2;
	f->l3 = o;
	l4len = (udp ? 8 : 0) + s->plen;
	if (s->ipv == 4) {
		f->iphl = 20 + (size_t)s->optlen;
		f->l4 = f->l3 + f->iphl;
	} else {
		f->iphl = 40;
		for (i = 0; i < (size_t)s->next; i++)
			f->ext_len += pb_ext_size(&s->ext[i]);
		f->l4 = f->l3 + 40 + f->ext_len;
	}
	f->ip_end = f->l4 + l4len;
	if (f->ip_end + s->trailer > PB_MAX_FRAME || s->pad_to > PB_MAX_FRAME)
		return 0;
	if (s->ipv == 4) {
		uint8_t *ip = b + f->l3;

		ip[0] = 0x40 | (uint8_t)(f->iphl / 4);
		ip[1] = s->tos;
		ck_put16(ip + 2, (uint16_t)(f->iphl + l4len));
		ck_put16(ip + 4, s->ip_id);
		ck_put16(ip + 6, s->frag);
		ip[8] = s->ttl;
		ip[9] = proto;
		memcpy(ip + 12, s->src, 4);
		memcpy(ip + 16, s->dst, 4);
		if (s->optlen) {
			/* Router Alert (RFC 2113), then NOPs. */
			memset(ip + 20, 0x01, (size_t)s->optlen);
			ip[20] = 0x94;
			ip[21] = 0x04;
			ip[22] = 0;
			ip[23] = 0;
		}
		ck_put16(ip + 10, ck_csum(ip, f->iphl));
	} else {
		uint8_t *ip = b + f->l3;
		size_t e = f->l3 + 40;
		uint32_t w = 6U << 28 | (uint32_t)s->tos << 20 | (s->flow & 0xfffff);

		ck_put32(ip, w);
		ck_put16(ip + 4, (uint16_t)(f->ext_len + l4len));
		ip[6] = s->next ? s->ext[0].type : proto;
		ip[7] = s->ttl;
		memcpy(ip + 8, s->src, 16);
		memcpy(ip + 24, s->dst, 16);
		f->next = s->next;
		for (i = 0; i < (size_t)s->next; i++) {
			const struct pb_ext *x = &s->ext[i];
			uint8_t *h = b + e;
			size_t sz = pb_ext_size(x), k;

			f->ext_off[i] = e;
			h[0] = i + 1 < (size_t)s->next ? s->ext[i + 1].type : proto;
			if (x->type == PB_IP_FRAG) {
				ck_put16(h + 2, x->frag);
				ck_put32(h + 4, 0x5eed0000u + (uint32_t)i);
			} else if (x->type == PB_IP_RT) {
				/* Segment Routing Header (RFC 8754), every segment our address */
				h[1] = x->len8;
				h[2] = 4;
				h[3] = x->seg_left;
				h[4] = (uint8_t)(x->len8 / 2 ? x->len8 / 2 - 1 : 0);
				for (k = 8; k + 16 <= sz; k += 16)
					memcpy(h + k, s->dst, 16);
			} else {
				/* Hop-by-hop / destination options: PadN options (at
				 * most 255 data octets each), Pad1 for a last octet */
				h[1] = x->len8;
				for (k = 2; k < sz;) {
					size_t left = sz - k, n = left - 2 > 255 ? 255 : left - 2;

					if (left == 1 || (n == 255 && left - 2 - n == 1)) {
						h[k++] = 0; /* Pad1 */
						continue;
					}
					h[k] = 1;
					h[k + 1] = (uint8_t)n;
					k += 2 + n;
				}
			}
			e += sz;
		}
	}
	if (udp) {
		uint8_t *u = b + f->l4;

		ck_put16(u, s->sport);
		ck_put16(u + 2, s->dport);
		ck_put16(u + 4, (uint16_t)l4len);
		f->pl = f->l4 + 8;
		f->plen = s->plen;
		if (s->plen)
			memcpy(b + f->pl, s->payload, s->plen);
		if (s->csum != PB_CSUM_ZERO) {
			const uint8_t *src = b + f->l3 + (s->ipv == 4 ? 12 : 8);
			const uint8_t *dst = b + f->l3 + (s->ipv == 4 ? 16 : 24);
			uint16_t c = ck_udp_csum(s->ipv, src, dst, u, (uint32_t)l4len);

			/* c + 1, except that 0xffff + 1 would be 0 ("no checksum"):
			 * 0xffff stands for 0 in one's complement, so 1 is "+ 1". */
			if (s->csum == PB_CSUM_BAD)
				c = (uint16_t)(c == 0xffff ? 1 : c + 1);
			ck_put16(u + 6, c);
		}
	} else {
		uint8_t *u = b + f->l4;
		const uint8_t *src = b + f->l3 + (s->ipv == 4 ? 12 : 8);
		const uint8_t *dst = b + f->l3 + (s->ipv == 4 ? 16 : 24);

		if (s->plen)
			memcpy(u, s->payload, s->plen);
		/* a correct checksum for TCP, ICMP and ICMPv6 */
		if (proto == PB_IP_TCP && s->plen >= 20) {
			ck_put16(u + 16, 0);
			ck_put16(u + 16,
				 (uint16_t)~ck_fold(ck_sum(
					 ck_pseudo(s->ipv, src, dst, proto, (uint32_t)s->plen), u,
					 s->plen)));
		} else if (proto == PB_IP_ICMPV6 && s->plen >= 4) {
			ck_put16(u + 2, 0);
			ck_put16(u + 2, (uint16_t)~ck_fold(ck_sum(ck_pseudo(s->ipv, src, dst, proto,
									    (uint32_t)s->plen),
								  u, s->plen)));
		} else if (proto == PB_IP_ICMP && s->plen >= 4) {
			ck_put16(u + 2, 0);
			ck_put16(u + 2, ck_csum(u, s->plen));
		}
	}
	f->len = f->ip_end;
	for (i = 0; i < s->trailer; i++)
		b[f->len++] = (uint8_t)(0xc3 ^ i);
	while (f->len < s->pad_to)
		b[f->len++] = s->pad_byte;
	return f->len;
}

/* Recomputes the IPv4 header checksum after a test edited the header. */
static inline void pb_ipv4_fix_csum(struct pb_frame *f)
{
	uint8_t *ip = f->b + f->l3;

	ck_put16(ip + 10, 0);
	ck_put16(ip + 10, ck_csum(ip, (size_t)(ip[0] & 0x0f) * 4));
}

/* Recomputes the UDP checksum over the UDP Length in the header (after a test
 * edited the datagram); the addresses are the frame's. */
static inline void pb_udp_fix_csum(struct pb_frame *f)
{
	uint8_t *ip = f->b + f->l3, *u = f->b + f->l4;
	const uint8_t *src = ip + (f->ipv == 4 ? 12 : 8), *dst = ip + (f->ipv == 4 ? 16 : 24);

	ck_put16(u + 6, 0);
	ck_put16(u + 6, ck_udp_csum(f->ipv, src, dst, u, ck_get16(u + 4)));
}

/* STAMP Session-Sender packet (RFC 8762 4.2.1); ts is 8 octets as sent. */
static inline size_t pb_stamp_sender(uint8_t *p, uint32_t seq, const uint8_t *ts, uint16_t ee,
				     uint16_t ssid, uint8_t mbz_fill)
{
	size_t i;

	ck_put32(p + CK_S_SEQ, seq);
	memcpy(p + CK_S_TS, ts, 8);
	ck_put16(p + CK_S_EE, ee);
	ck_put16(p + CK_S_SSID, ssid);
	for (i = 16; i < CK_BASE_LEN; i++)
		p[i] = mbz_fill ? (uint8_t)(mbz_fill + i) : 0;
	return CK_BASE_LEN;
}

/* A TLV (RFC 8972 4): Flags, Type, Length of the Value, Value filled with a
 * counting pattern.  Returns the octets written. */
static inline size_t pb_tlv(uint8_t *p, uint8_t flags, uint8_t type, uint16_t len, uint8_t fill)
{
	size_t i;

	p[0] = flags;
	p[1] = type;
	ck_put16(p + 2, len);
	for (i = 0; i < len; i++)
		p[4 + i] = (uint8_t)(fill + i * 7);
	return 4 + (size_t)len;
}

/* xorshift64*: deterministic junk */
static inline uint64_t pb_rand(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dULL;
}

#endif /* STAMPEDE_TESTS_PKTBUILD_H */
