/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Header parsing: Ethernet, up to two VLAN tags, IPv4 (with options) or IPv6
 * (with a bounded extension header chain), UDP.  The parser only reads; it
 * returns the offsets and fields the reflector needs, or the counter that
 * says why the frame is not a STAMP candidate.
 */
#ifndef STAMPEDE_BPF_PARSING_H
#define STAMPEDE_BPF_PARSING_H

#include <stdbool.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "stampede_kern_user.h"
#include "csum.h"
#include "byteorder.h"

#define STAMPEDE_MAX_VLAN_TAGS 2
/* Largest offset of the UDP header we accept: frames live in one page. */
#define STAMPEDE_MAX_L4_OFF 2048

#define IPV4_MF		 0x2000
#define IPV4_OFFSET_MASK 0x1fff

/*
 * A header offset already checked against STAMPEDE_MAX_L4_OFF, bounded
 * again where it is added to a packet pointer.  The compiler may reload it
 * from the stack, and verifiers before 5.13 keep no bounds for a 32-bit
 * value spilled there; the barrier keeps the mask from being folded away.
 */
static __always_inline __u32 pkt_off(__u32 off)
{
	barrier_var(off);
	return off & 0xfff;
}

/* Value returned by a stage that found nothing wrong. */
#define STAMPEDE_CONTINUE STAMPEDE_CNT_MAX

struct vlan_tag {
	__be16 tci;
	__be16 encap_proto;
};

/* IPv6 extension header prefix shared by hop-by-hop, routing, dest options. */
struct ipv6_ext_hdr {
	__u8 nexthdr;
	__u8 hdrlen;	    /* in 8-octet units, not counting the first 8 */
	__u8 routing_type;  /* routing header only */
	__u8 segments_left; /* routing header only */
};

struct stampede_pkt {
	__u32 l3_off;	      /* IP header, from the start of the frame */
	__u32 l4_off;	      /* UDP header */
	__u32 ip_payload_len; /* octets after the IP header(s), from IP lengths */
	__u32 udp_len;	      /* UDP Length field */
	__u32 payload_len;    /* UDP payload octets (UDP Length - 8) */
	bool ipv6;
	__u8 ttl; /* TTL / Hop Limit as received */
	__u8 tos; /* IPv4 TOS / IPv6 Traffic Class as received: DSCP and ECN */
	__be16 sport;
	__be16 dport;
	__be16 udp_check; /* UDP checksum as received */
	union stampede_addr src;
	union stampede_addr dst;
};

static __always_inline void addr_from_ipv4(union stampede_addr *a, __be32 v4)
{
	a->w[0] = 0;
	a->w[1] = 0;
	a->w[2] = bpf_htonl(0x0000ffff);
	a->w[3] = v4;
}

static __always_inline bool addr_equal(const union stampede_addr *a, const union stampede_addr *b)
{
	return a->w[0] == b->w[0] && a->w[1] == b->w[1] && a->w[2] == b->w[2] && a->w[3] == b->w[3];
}

static __always_inline bool addr_is_v4_mapped(const union stampede_addr *a)
{
	return a->w[0] == 0 && a->w[1] == 0 && a->w[2] == bpf_htonl(0x0000ffff);
}

/*
 * Addresses no reply may be sent to: unspecified, loopback, multicast and
 * broadcast, and IPv4-mapped IPv6 (no business on the wire).  @a is in the
 * IPv6 form; IPv4 as ::ffff:a.b.c.d.
 */
static __always_inline bool addr_never_a_peer(bool ipv6, const union stampede_addr *a)
{
	__u8 first;

	if (!ipv6) {
		first = a->b[12];
		/* 0/8 unspecified, 127/8 loopback, 224/4 multicast, 240/4 and broadcast */
		return first == 0 || first == 127 || first >= 224;
	}
	if (a->b[0] == 0xff || addr_is_v4_mapped(a))
		return true;
	/* :: and ::1 */
	return a->w[0] == 0 && a->w[1] == 0 && a->w[2] == 0 &&
	       (a->w[3] == 0 || a->w[3] == bpf_htonl(1));
}

static __always_inline bool is_vlan_tpid(__be16 proto)
{
	return proto == bpf_htons(ETH_P_8021Q) || proto == bpf_htons(ETH_P_8021AD);
}

static __always_inline __u32 parse_ethernet(void *data, void *data_end, __be16 *proto,
					    __u32 *l3_off)
{
	struct ethhdr *eth = data;
	struct vlan_tag *tag;
	__u32 off = sizeof(*eth);
	int i;

	if ((void *)(eth + 1) > data_end)
		return STAMPEDE_CNT_bad_header;
	/* One 16-bit load: struct ethhdr is packed, so its field reads octet by octet. */
	*proto = *(__be16 *)(data + offsetof(struct ethhdr, h_proto));
	*l3_off = off;
	/* Untagged IP, the common case, skips the tag loop. */
	if (*proto == bpf_htons(ETH_P_IP) || *proto == bpf_htons(ETH_P_IPV6))
		return STAMPEDE_CONTINUE;
#pragma unroll
	for (i = 0; i < STAMPEDE_MAX_VLAN_TAGS; i++) {
		if (!is_vlan_tpid(*proto))
			break;
		tag = data + off;
		if ((void *)(tag + 1) > data_end)
			return STAMPEDE_CNT_bad_header;
		*proto = tag->encap_proto;
		off += sizeof(*tag);
	}
	if (is_vlan_tpid(*proto))
		return STAMPEDE_CNT_vlan_depth;
	*l3_off = off;
	return STAMPEDE_CONTINUE;
}

static __always_inline __u32 parse_ipv4(void *data, void *data_end, struct stampede_pkt *pkt)
{
	struct iphdr *iph = data + pkt->l3_off;
	__u32 hdr_len, tot_len;

	if ((void *)(iph + 1) > data_end)
		return STAMPEDE_CNT_bad_header;
	if (iph->version != 4 || iph->ihl < 5)
		return STAMPEDE_CNT_bad_header;
	hdr_len = iph->ihl * 4;
	tot_len = ntohs_bounded(iph->tot_len);
	if (tot_len < hdr_len || (void *)iph + tot_len > data_end)
		return STAMPEDE_CNT_bad_header;
	if (iph->frag_off & bpf_htons(IPV4_MF | IPV4_OFFSET_MASK))
		return STAMPEDE_CNT_fragment;
	if (iph->protocol != IPPROTO_UDP)
		return STAMPEDE_CNT_not_udp;

	pkt->ipv6 = false;
	pkt->ttl = iph->ttl;
	pkt->tos = iph->tos;
	pkt->l4_off = pkt->l3_off + hdr_len;
	pkt->ip_payload_len = tot_len - hdr_len;
	return STAMPEDE_CONTINUE;
}

static __always_inline bool ipv6_is_ext_hdr(__u8 nexthdr)
{
	return nexthdr == IPPROTO_HOPOPTS || nexthdr == IPPROTO_ROUTING ||
	       nexthdr == IPPROTO_DSTOPTS;
}

static __always_inline __u32 parse_ipv6(void *data, void *data_end, struct stampede_pkt *pkt)
{
	struct ipv6hdr *ip6h = data + pkt->l3_off;
	struct ipv6_ext_hdr *ext;
	__u32 payload_len, ext_len = 0, len;
	__u8 nexthdr;
	int i;

	if ((void *)(ip6h + 1) > data_end)
		return STAMPEDE_CNT_bad_header;
	if (ip6h->version != 6)
		return STAMPEDE_CNT_bad_header;
	payload_len = ntohs_bounded(ip6h->payload_len);
	if ((void *)(ip6h + 1) + payload_len > data_end)
		return STAMPEDE_CNT_bad_header;

	nexthdr = ip6h->nexthdr;
	for (i = 0; i < STAMPEDE_MAX_IPV6_EXT_HDRS; i++) {
		if (!ipv6_is_ext_hdr(nexthdr))
			break;
		ext = (void *)(ip6h + 1) + ext_len;
		if ((void *)(ext + 1) > data_end)
			return STAMPEDE_CNT_bad_header;
		/* Segments left: this node is not the final destination. */
		if (nexthdr == IPPROTO_ROUTING && ext->segments_left)
			return STAMPEDE_CNT_ipv6_ext;
		nexthdr = ext->nexthdr;
		len = (ext->hdrlen + 1) * 8;
		ext_len += len;
		if (ext_len > payload_len || ext_len > STAMPEDE_MAX_L4_OFF)
			return STAMPEDE_CNT_bad_header;
	}
	if (nexthdr == IPPROTO_FRAGMENT)
		return STAMPEDE_CNT_fragment;
	if (ipv6_is_ext_hdr(nexthdr))
		return STAMPEDE_CNT_ipv6_ext;
	if (nexthdr != IPPROTO_UDP)
		return STAMPEDE_CNT_not_udp;

	pkt->ipv6 = true;
	pkt->ttl = ip6h->hop_limit;
	/* Traffic Class straddles the first two octets: version(4) tc(8) flow(20). */
	pkt->tos = (ip6h->priority << 4) | (ip6h->flow_lbl[0] >> 4);
	pkt->l4_off = pkt->l3_off + sizeof(*ip6h) + ext_len;
	pkt->ip_payload_len = payload_len - ext_len;
	return STAMPEDE_CONTINUE;
}

/* Everything up to the UDP header; the port and lengths are checked later. */
static __always_inline __u32 parse_headers(void *data, void *data_end, struct stampede_pkt *pkt)
{
	struct udphdr *udph;
	__be16 proto;
	__u32 ret;

	ret = parse_ethernet(data, data_end, &proto, &pkt->l3_off);
	if (ret != STAMPEDE_CONTINUE)
		return ret;
	if (proto == bpf_htons(ETH_P_IP))
		ret = parse_ipv4(data, data_end, pkt);
	else if (proto == bpf_htons(ETH_P_IPV6))
		ret = parse_ipv6(data, data_end, pkt);
	else
		return STAMPEDE_CNT_not_ip;
	if (ret != STAMPEDE_CONTINUE)
		return ret;

	if (pkt->l4_off > STAMPEDE_MAX_L4_OFF)
		return STAMPEDE_CNT_bad_header;
	udph = data + pkt->l4_off;
	if ((void *)(udph + 1) > data_end)
		return STAMPEDE_CNT_bad_header;
	pkt->sport = udph->source;
	pkt->dport = udph->dest;
	pkt->udp_check = udph->check;
	pkt->udp_len = ntohs_bounded(udph->len);
	return STAMPEDE_CONTINUE;
}

/*
 * RFC 1122 3.2.1.2: a host verifies the IPv4 header checksum and discards a
 * datagram that fails.  Checked only for STAMP candidates: an incremental
 * update would otherwise carry the damage into a reply that looks sound.
 */
static __always_inline bool ipv4_header_csum_ok(void *data, void *data_end,
						const struct stampede_pkt *pkt)
{
	struct iphdr *iph = data + (pkt->l3_off & 0x3f);
	__u32 *word = (__u32 *)iph, n_words, i;
	__u64 sum;

	if ((void *)(iph + 1) > data_end)
		return false;
	sum = (__u64)word[0] + word[1] + word[2] + word[3] + word[4];
	/* Options: IHL is at most 15 words. */
	n_words = iph->ihl;
	for (i = 5; i < 15; i++) {
		if (i >= n_words)
			break;
		/* Keep the index form: the verifier needs the bound on the offset. */
		barrier_var(i);
		word = (void *)iph + ((i << 2) & 0x3f);
		if ((void *)(word + 1) > data_end)
			return false;
		sum += *word;
	}
	return csum_fold64(sum) == 0xffff;
}

/*
 * The addresses, read only once the frame is for a STAMP port: everyone
 * else's traffic does not pay for the copies.
 */
static __always_inline __u32 read_addresses(void *data, void *data_end, struct stampede_pkt *pkt)
{
	void *l3 = data + (pkt->l3_off & 0x3f);

	if (pkt->ipv6) {
		struct ipv6hdr *ip6h = l3;

		if ((void *)(ip6h + 1) > data_end)
			return STAMPEDE_CNT_bad_header;
		__builtin_memcpy(pkt->src.b, &ip6h->saddr, sizeof(pkt->src));
		__builtin_memcpy(pkt->dst.b, &ip6h->daddr, sizeof(pkt->dst));
	} else {
		struct iphdr *iph = l3;

		if ((void *)(iph + 1) > data_end)
			return STAMPEDE_CNT_bad_header;
		addr_from_ipv4(&pkt->src, iph->saddr);
		addr_from_ipv4(&pkt->dst, iph->daddr);
	}
	return STAMPEDE_CONTINUE;
}

/*
 * UDP Length must cover the header and fit in what IP says it carries.
 * Over IPv6 the checksum is mandatory: RFC 8200 8.1 has a receiver discard
 * a datagram with checksum 0, and its reply could carry no valid one (the
 * reply's is the request's, updated).
 */
static __always_inline __u32 check_udp_length(struct stampede_pkt *pkt)
{
	if (pkt->udp_len < sizeof(struct udphdr) || pkt->udp_len > pkt->ip_payload_len)
		return STAMPEDE_CNT_bad_header;
	if (pkt->ipv6 && !pkt->udp_check)
		return STAMPEDE_CNT_bad_header;
	pkt->payload_len = pkt->udp_len - sizeof(struct udphdr);
	return STAMPEDE_CONTINUE;
}

#endif /* STAMPEDE_BPF_PARSING_H */
