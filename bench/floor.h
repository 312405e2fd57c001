/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The floor of reflection: the reflector's own parser (bpf/parsing.h), then
 * for a UDP frame to the STAMP port only the swaps that turn it around
 * (MACs with the reflector's own swap, IP addresses, UDP ports) and
 * XDP_TX.  Swapping words inside the IP header and the pseudo-header
 * leaves both checksums valid, so the reply is correct on the wire (IPv4
 * and IPv6), though its payload is the request's.  No maps, no counters,
 * no clock: nothing a reflector could leave out.  Every other frame is
 * passed untouched.  floor.bpf.c is that; floor_clock.bpf.c adds the one
 * clock read a timestamped reflection needs, to show what it costs alone.
 */
#ifndef STAMPEDE_BENCH_FLOOR_H
#define STAMPEDE_BENCH_FLOOR_H

#include <stdbool.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "stamp_wire.h"
#include "parsing.h"
#include "swap.h"

/* Network byte order; a loader may set another port before loading. */
const volatile __be16 stamp_port = bpf_htons(STAMP_DEFAULT_PORT);

static __always_inline int floor_turn_around(struct xdp_md *ctx, bool read_clock)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct stampede_pkt pkt;
	struct ethhdr *eth = data;
	struct udphdr *udph;
	__be16 port;

	if (parse_headers(data, data_end, &pkt) != STAMPEDE_CONTINUE || pkt.dport != stamp_port)
		return XDP_PASS;
	/* The parser checked these; the verifier needs to see it again here. */
	if ((void *)(eth + 1) > data_end || pkt.l3_off > STAMPEDE_MAX_L4_OFF ||
	    pkt.l4_off > STAMPEDE_MAX_L4_OFF)
		return XDP_PASS;
	udph = data + pkt.l4_off;
	if ((void *)(udph + 1) > data_end)
		return XDP_PASS;
	/*
	 * floor-clock: the one clock read a reflection with a timestamp
	 * cannot do without.  The value decides a branch, so the read stays;
	 * it is not written, so the frame stays a valid reply.
	 */
	if (read_clock && !bpf_ktime_get_tai_ns())
		return XDP_PASS;

	if (pkt.ipv6) {
		struct ipv6hdr *ip6h = data + pkt.l3_off;
		struct in6_addr addr;

		if ((void *)(ip6h + 1) > data_end)
			return XDP_PASS;
		addr = ip6h->saddr;
		ip6h->saddr = ip6h->daddr;
		ip6h->daddr = addr;
	} else {
		struct iphdr *iph = data + pkt.l3_off;
		__be32 addr;

		if ((void *)(iph + 1) > data_end)
			return XDP_PASS;
		addr = iph->saddr;
		iph->saddr = iph->daddr;
		iph->daddr = addr;
	}
	swap_macs(eth);
	port = udph->source;
	udph->source = udph->dest;
	udph->dest = port;
	return XDP_TX;
}

#endif /* STAMPEDE_BENCH_FLOOR_H */
