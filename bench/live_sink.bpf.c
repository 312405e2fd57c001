/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Reply counter for the live benchmark (bench/live), attached natively to
 * the sender's veth: every UDP datagram from sink_port (a reflector's
 * reply, over IPv4 or IPv6) is counted and dropped right there, so the
 * sender's network stack costs nothing and cannot lose replies.  Anything
 * else (ARP, neighbour discovery) is passed.
 *
 * replies, per CPU: slot 0 the number of replies, slot 1 the
 * bpf_ktime_get_ns() (CLOCK_MONOTONIC) of the last one, so the benchmark
 * knows when the last reply arrived without polling finely.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "stamp_wire.h"

/* The port the requests go to, so the replies come from (set by
 * bench/live before loading: 862, or an authenticated-mode port). */
const volatile __u16 sink_port = STAMP_DEFAULT_PORT;

#define SINK_COUNT   0
#define SINK_LAST_NS 1

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} replies SEC(".maps");

/* The UDP header of an IPv4 (any options) or IPv6 (no extension headers)
 * datagram, or NULL. */
static __always_inline struct udphdr *udp_of(void *data, void *data_end)
{
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > data_end)
		return NULL;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);

		if ((void *)(ip + 1) > data_end || ip->protocol != IPPROTO_UDP || ip->ihl < 5)
			return NULL;
		return (void *)ip + ip->ihl * 4;
	}
	if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);

		if ((void *)(ip6 + 1) > data_end || ip6->nexthdr != IPPROTO_UDP)
			return NULL;
		return (void *)(ip6 + 1);
	}
	return NULL;
}

SEC("xdp")
int live_sink(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	struct udphdr *udp = udp_of((void *)(long)ctx->data, data_end);
	__u32 key = SINK_COUNT;
	__u64 *v;

	if (!udp || (void *)(udp + 1) > data_end || udp->source != bpf_htons(sink_port))
		return XDP_PASS;
	v = bpf_map_lookup_elem(&replies, &key);
	if (v)
		(*v)++;
	key = SINK_LAST_NS;
	v = bpf_map_lookup_elem(&replies, &key);
	if (v)
		*v = bpf_ktime_get_ns();
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
