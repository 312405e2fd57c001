/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * floor-stamp: the floor plus what every correct stateless STAMP reply
 * needs and nothing more.  The one clock read, then the reflector's own
 * reply code (bpf/reply.h): the 44-octet base written, TTL and both
 * checksums updated.  None of the reflector's checks (local destination,
 * sender address, loop guard, IPv4 header checksum, UDP length beyond
 * the one compare below), no counters, no map lookups: the clock entry is
 * a global here.  stateless-v4 less floor-stamp is what those cost.
 */
#include "floor.h"
#include "reply.h"

/* As the reflector's defaults: port 862, TTL 255, NTP timestamps, one clock read. */
const volatile struct stampede_config cfg = {
	.ports = {bpf_htons(STAMP_DEFAULT_PORT)},
	.n_ports = 1,
	.reply_ttl = STAMPEDE_DEFAULT_REPLY_TTL,
};

/*
 * The clock entry as attach writes it on a synchronized host (TAI - UTC
 * 37 s, an error of about a millisecond).  Not static: the compiler must
 * read it, as the reflector reads its map.
 */
struct stampede_clock floor_stamp_clock = {
	.tai_offset_ns = 37000000000ULL,
	.error_estimate = STAMP_EE_S | 0x0a03,
};

SEC("xdp")
int floor_stamp_reflect(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct stampede_pkt pkt = {};
	__u64 t2;

	if (parse_headers(data, data_end, &pkt) != STAMPEDE_CONTINUE || pkt.dport != stamp_port)
		return XDP_PASS;
	t2 = bpf_ktime_get_tai_ns();
	if (check_udp_length(&pkt) != STAMPEDE_CONTINUE || pkt.payload_len != STAMP_BASE_LEN)
		return XDP_PASS;
	if (reflect(ctx, &(struct reflect_req){.pkt = &pkt,
					       .clk = &floor_stamp_clock,
					       .t2 = t2,
					       .sent_len = STAMP_BASE_LEN,
					       .fetch_atomics = true}) != STAMPEDE_CNT_reflected)
		return XDP_DROP;
	return XDP_TX;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
