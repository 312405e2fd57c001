/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Test scaffolding, not part of stampede: a program of someone else's that
 * shares the XDP hook with stampede through libxdp's dispatcher
 * (tests/test_multiprog.sh loads it with xdp-loader).  It counts IPv4 UDP
 * frames to port 9999 (its own traffic) and to port 862 (stampede's, which
 * it sees only when stampede passes them on), and passes every frame.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#define COUNT_PORT 9999
#define STAMP_PORT 862

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2); /* 0: to COUNT_PORT, 1: to STAMP_PORT */
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME); /* under xdp-loader's --pin-path */
} xdp_count_udp SEC(".maps");

SEC("xdp")
int xdp_count(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);
	struct udphdr *udp;
	__u32 key;
	__u64 *n;

	if ((void *)(ip + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP) ||
	    ip->protocol != IPPROTO_UDP || ip->ihl != 5)
		return XDP_PASS;
	udp = (void *)(ip + 1);
	if ((void *)(udp + 1) > end)
		return XDP_PASS;
	if (udp->dest == bpf_htons(COUNT_PORT))
		key = 0;
	else if (udp->dest == bpf_htons(STAMP_PORT))
		key = 1;
	else
		return XDP_PASS;
	n = bpf_map_lookup_elem(&xdp_count_udp, &key);
	if (n)
		__sync_fetch_and_add(n, 1);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
