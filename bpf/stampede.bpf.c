/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * stampede: a STAMP Session-Reflector (RFC 8762, unauthenticated mode, with
 * the RFC 8972 TLV walk) in the XDP hook.  docs/datapath.md describes what
 * it does and in which order; this file follows it step by step.
 * stampede_tc.bpf.c builds the same reflector for tc (clsact ingress):
 * bpf/ctx.h and the STAMPEDE_TC blocks here hold what differs.
 */
#include <stdbool.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "stamp_wire.h"
#include "stampede_kern_user.h"
#include "ctx.h"

/* Load-time configuration; the controller rewrites it before loading. */
const volatile struct stampede_config cfg = {
	.ports = {bpf_htons(STAMP_DEFAULT_PORT)},
	.n_ports = 1,
	.reply_ttl = STAMPEDE_DEFAULT_REPLY_TTL,
	.session_set_mask = STAMPEDE_DEFAULT_SESSIONS / STAMPEDE_SESSION_WAYS - 1,
};

#include "maps.h"
#include "csum.h"
#include "parsing.h"
#include "timestamp.h"
#include "session.h"
#include "local_addrs.h"
#include "addr_policy.h"
#include "source_policy.h"
#include "tlv/walk.h"
#include "swap.h"
#include "reply.h"
#include "auth.h"

#ifdef STAMPEDE_TC
/*
 * The reply leaves by the interface it came in on, from its egress: the
 * tc counterpart of XDP_TX.  The checksums it carries are complete (as
 * XDP writes them), so a CHECKSUM_UNNECESSARY mark the driver gave the
 * request is reset: a receiver behind a virtual link (veth) then checks
 * the reply instead of trusting a mark made for another packet.
 */
static __always_inline int tc_reply(struct __sk_buff *skb)
{
	bpf_csum_level(skb, BPF_CSUM_LEVEL_RESET);
	return bpf_redirect(skb->ifindex, 0);
}
#define STAMPEDE_VERDICT_REPLY(ctx) tc_reply(ctx)
#define STAMPEDE_VERDICT_DROP	    TC_ACT_SHOT
/* Not TC_ACT_OK, which would end the filter chain: the next filter sees the frame. */
#define STAMPEDE_VERDICT_PASS TC_ACT_UNSPEC
#else
#define STAMPEDE_VERDICT_REPLY(ctx) XDP_TX
#define STAMPEDE_VERDICT_DROP	    XDP_DROP
#define STAMPEDE_VERDICT_PASS	    XDP_PASS
#endif

/*
 * Unrolled: the lists are read-only data, so the verifier knows n and
 * removes the compares past it; a single port costs one compare.
 */
static __always_inline bool port_listed(const volatile __be16 *ports, __u8 n, __be16 port)
{
	int i;

#pragma unroll
	for (i = 0; i < STAMPEDE_MAX_PORTS; i++) {
		if (i >= n)
			break;
		if (ports[i] == port)
			return true;
	}
	return false;
}

static __always_inline bool is_stamp_port(__be16 port)
{
	return port_listed(cfg.ports, cfg.n_ports, port) ||
	       port_listed(cfg.auth_ports, cfg.n_auth_ports, port);
}

/*
 * The Multiplier of the sender's Error Estimate (octet 13, inside the 14
 * octets a request has at least).  RFC 4656 4.1.2, which RFC 8762 4.2.1
 * and RFC 5357 follow: it MUST NOT be zero, and a packet with zero SHOULD
 * be considered corrupt and discarded.  0 also when it cannot be read.
 */
static __always_inline __u8 sender_multiplier(void *data, void *data_end,
					      const struct stampede_pkt *pkt)
{
	/* Not the whole head: a 14-octet request may end the frame before the SSID. */
	__u8 *ee;

	if (pkt->l4_off > STAMPEDE_MAX_L4_OFF)
		return 0;
	ee = data + pkt_off(pkt->l4_off) + sizeof(struct udphdr) +
	     offsetof(struct stamp_sender_head, error_estimate);
	if ((void *)(ee + 2) > data_end)
		return 0;
	return ee[1]; /* the Multiplier: the low octet, network order */
}

/* Steps 9 to 14 of docs/datapath.md: is this a test packet we answer? */
static __always_inline __u32 classify(void *data, void *data_end, struct stampede_pkt *pkt)
{
	const __u8 *src_mac = ((struct ethhdr *)data)->h_source;
	const struct stampede_local_set *set;
	__u32 ret;

	ret = check_udp_length(pkt);
	if (ret != STAMPEDE_CONTINUE)
		return ret;
	if (!pkt->ipv6 && !ipv4_header_csum_ok(data, data_end, pkt))
		return STAMPEDE_CNT_bad_ip_csum;
	/* IPv4 addresses are keyed as ::ffff:a.b.c.d; such an IPv6 destination is not ours. */
	if (pkt->ipv6 && addr_is_v4_mapped(&pkt->dst))
		return STAMPEDE_CNT_not_local;
	set = local_set_get();
	if (!set || !is_local_addr_in(set, &pkt->dst, pkt->ipv6))
		return STAMPEDE_CNT_not_local;
	if (bad_source(pkt, src_mac, set))
		return STAMPEDE_CNT_bad_source;
	if (!(cfg.flags & STAMPEDE_F_NO_LOOP_GUARD) && is_stamp_port(pkt->sport))
		return STAMPEDE_CNT_loop_guard;
	if (port_listed(cfg.auth_ports, cfg.n_auth_ports, pkt->dport))
		return STAMPEDE_CNT_authenticated;
	if (pkt->payload_len < STAMP_TWAMP_LIGHT_MIN_LEN)
		return STAMPEDE_CNT_runt;
	if (!sender_multiplier(data, data_end, pkt))
		return STAMPEDE_CNT_bad_error_estimate;
	/* Last: the counters of bad input are the same with or without a list. */
	if ((cfg.flags & STAMPEDE_F_ALLOW) && !source_allowed(pkt))
		return STAMPEDE_CNT_not_allowed;
	return STAMPEDE_CONTINUE;
}

/* Headers plus TWAMP-Light payload moved when growing at the front. */
#define STAMPEDE_MAX_FRONT_MOVE 320

/*
 * Grow at the front: take headroom and move headers and payload into it,
 * leaving the new octets after the payload.  Drivers and veth often give
 * XDP little or no tailroom but always XDP_PACKET_HEADROOM.  Returns the
 * pass reason, or STAMPEDE_CNT_internal if the frame changed but the move
 * could not finish (the verifier's bounds, never seen in practice).
 */
static __always_inline __u32 grow_at_front(struct stampede_ctx *ctx, __u32 move_len, __u32 grow)
{
	void *data, *data_end;
	__u8 *dst, *src;
	__u32 i;

	if (move_len > STAMPEDE_MAX_FRONT_MOVE || ctx_adjust_head(ctx, -(int)grow))
		return STAMPEDE_CNT_no_tailroom;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	/*
	 * grow is below 44 here, which the compiler knows and older
	 * verifiers do not: the barrier keeps the mask they need.
	 */
	barrier_var(grow);
	for (i = 0; i < STAMPEDE_MAX_FRONT_MOVE; i++) {
		if (i >= move_len)
			return STAMPEDE_CONTINUE;
		dst = data + i;
		src = data + i + (grow & 0x3f);
		if ((void *)(src + 1) > data_end || (void *)(dst + 1) > data_end)
			return STAMPEDE_CNT_internal;
		/* dst < src: an ascending copy never reads what it wrote. */
		*dst = *src;
	}
	return STAMPEDE_CONTINUE;
}

/*
 * TWAMP-Light senders send 14 to 43 octets; the reply has the 44-octet
 * reflector layout.  Grow the frame (the length fields follow later) by
 * what is missing, at the tail if the driver left room there, else at the
 * front.  Trailing octets after the UDP datagram (Ethernet padding) stay
 * after it.
 */
static __always_inline __u32 grow_short_packet(struct stampede_ctx *ctx, struct stampede_pkt *pkt)
{
	__u32 grow;

	if (pkt->payload_len >= STAMP_BASE_LEN)
		return STAMPEDE_CONTINUE;
	grow = STAMP_BASE_LEN - pkt->payload_len;
	if (!ctx_adjust_tail(ctx, grow))
		return STAMPEDE_CONTINUE;
	return grow_at_front(ctx, pkt->l4_off + sizeof(struct udphdr) + pkt->payload_len, grow);
}

/*
 * Everyone else's traffic, decided early: an untagged IPv4 frame without
 * options (most of it) is not_udp or not_stamp from three loads at fixed
 * offsets, before the parser stores anything.  Only when such frames are
 * not counted: the full parser tells every pass reason apart.
 */
static __always_inline __u32 other_traffic_fast(void *data, void *data_end)
{
	struct iphdr *iph = data + sizeof(struct ethhdr);
	struct udphdr *udph = (struct udphdr *)(iph + 1);

	if (cfg.flags & STAMPEDE_F_COUNT_OTHER)
		return STAMPEDE_CONTINUE;
	if ((void *)(udph + 1) > data_end ||
	    *(__be16 *)(data + offsetof(struct ethhdr, h_proto)) != bpf_htons(ETH_P_IP) ||
	    *(__u8 *)iph != 0x45)
		return STAMPEDE_CONTINUE;
	if (iph->protocol != IPPROTO_UDP)
		return STAMPEDE_CNT_not_udp;
	if (!is_stamp_port(udph->dest))
		return STAMPEDE_CNT_not_stamp;
	return STAMPEDE_CONTINUE;
}

/* Stateful mode: the packet's session, found or created, into @ref.  false: none to be had. */
static __always_inline bool session_of(void *data, void *data_end, const struct stampede_pkt *pkt,
				       __u64 t2, struct stampede_stats *st, struct session_ref *ref)
{
	/* Aligned: the set index is hashed 64 bits at a time. */
	struct stampede_session_key key __attribute__((aligned(8)));
	struct stamp_sender_head *head;

	key.src = pkt->src;
	key.dst = pkt->dst;
	key.sport = pkt->sport;
	key.dport = pkt->dport;
	key.ssid = 0;
	key.pad = 0;
	/*
	 * Only a payload that holds the SSID is read for it: a TWAMP-Light
	 * request of 14 or 15 octets may end the frame (IPv6 is never
	 * padded), and has SSID 0.
	 */
	if (pkt->payload_len >= STAMP_SSID_END) {
		if (pkt->l4_off > STAMPEDE_MAX_L4_OFF)
			return false;
		head = data + pkt_off(pkt->l4_off) + sizeof(struct udphdr);
		if ((void *)(head + 1) > data_end)
			return false;
		key.ssid = head->ssid;
	}
	return session_get(&key, t2, st, ref);
}

/* The sender's Sequence Number, for the session's bookkeeping. */
static __always_inline __u32 sender_seq_of(void *data, void *data_end,
					   const struct stampede_pkt *pkt)
{
	__be32 *seq = data + (pkt->l4_off & 0xfff) + sizeof(struct udphdr);

	if ((void *)(seq + 1) > data_end)
		return 0;
	return bpf_ntohl(*seq);
}

/*
 * Answer the TLVs (the payload is longer than the 44-octet base here) and
 * resize the reply if asked.  Returns STAMPEDE_CONTINUE, the drop the
 * TLVs asked for, or internal when the frame was changed but not finished.
 */
static __always_inline __u32 answer_tlvs(struct stampede_ctx *ctx, const struct stampede_pkt *pkt,
					 const struct stampede_clock *clk,
					 const struct stampede_session *sess,
					 struct stampede_stats *st, const struct tlv_plan **planp,
					 __u64 *tlv_acc, __s32 *len_change)
{
	struct tlv_scratch *sc = NULL;
	__u32 ret;

	ret = tlv_answer_request(ctx, pkt, clk, sess, st, false, &sc);
	if (ret != STAMPEDE_CONTINUE)
		return ret;
	*planp = &sc->plan;
	*tlv_acc = sc->io.acc;
	/* A call costs a return (SRSO makes that dear): made only when asked for. */
	if (sc->plan.resize) {
		ret = reflected_control_apply(ctx);
		*tlv_acc = sc->io.acc;
		*len_change = sc->io.len_change;
		if (ret != STAMPEDE_CONTINUE)
			return ret;
	}
	if (sc->plan.no_reply)
		return STAMPEDE_CNT_no_reply;
	return STAMPEDE_CONTINUE;
}

#ifdef STAMPEDE_TC
/* Largest frame made linear for the parser (see tc_linearize). */
#define STAMPEDE_TC_PULL_MAX 9216

/*
 * Direct access reaches only an skb's linear part.  A frame that the fast
 * path could not pass and that has more (a driver that splits headers, a
 * GRO packet) is made linear up to jumbo size before it is parsed: STAMP
 * packets are small and are almost always linear already, so this costs
 * only everyone else's non-linear IPv6, tagged or IPv4-with-options
 * traffic.  Larger frames are parsed as far as they are linear, which a
 * STAMP request never needs.  Returns non-zero when the pull failed.
 */
static __always_inline long tc_linearize(struct stampede_ctx *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 len = ctx->len;

	/* A difference of packet pointers: a scalar to a privileged program. */
	if (data_end - data >= len || len > STAMPEDE_TC_PULL_MAX)
		return 0;
	return bpf_skb_pull_data(ctx, len);
}
#endif

/*
 * The frame's outcome.  *stp is set to this CPU's counters once the frame
 * is for a STAMP port; everyone else's traffic returns before that (see
 * stampede_xdp).
 */
static __always_inline __u32 handle_frame(struct stampede_ctx *ctx, struct stampede_stats **stp,
					  bool fetch_atomics)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct session_ref ref = {}, *sess = NULL;
	struct stampede_clock *clk;
	/*
	 * Zeroed although every field is written by the step that establishes
	 * it before a later step reads it: a privileged program may read
	 * uninitialised stack, so the verifier would not catch a future read
	 * on a path that skipped the write, and the reply would carry kernel
	 * stack.  The stores cost about a nanosecond.
	 */
	struct stampede_pkt pkt = {};
	const struct tlv_plan *plan = NULL;
	__u32 zero = 0, ret, sender_seq = 0;
	__s32 len_change = 0;
	__u64 t2, tlv_acc = 0;

	ret = other_traffic_fast(data, data_end);
	if (ret != STAMPEDE_CONTINUE)
		return ret;
#ifdef STAMPEDE_TC
	if (tc_linearize(ctx))
		return STAMPEDE_CNT_bad_header;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
#endif
	ret = parse_headers(data, data_end, &pkt);
	if (ret != STAMPEDE_CONTINUE)
		return ret;
	if (!is_stamp_port(pkt.dport))
		return STAMPEDE_CNT_not_stamp;
	*stp = bpf_map_lookup_elem(&stats, &zero);
	if (!*stp)
		return STAMPEDE_CNT_MAX; /* cannot happen: an array's key 0 */
	ret = read_addresses(data, data_end, &pkt);
	if (ret != STAMPEDE_CONTINUE)
		return ret;
	ret = classify(data, data_end, &pkt);
	if (ret == STAMPEDE_CNT_authenticated)
		return auth_answer(ctx, &pkt, *stp, &ref, fetch_atomics);
	if (ret != STAMPEDE_CONTINUE)
		return ret;

	clk = bpf_map_lookup_elem(&clock, &zero);
	if (!clk)
		return STAMPEDE_CNT_internal;
	/*
	 * T2: the frame is a test packet we answer.  Read after the checks
	 * (a few nanoseconds later than it could be) so that frames passed
	 * on do not pay for the clock, and so that fewer values must live
	 * across the helper call.
	 */
	t2 = clock_tai_ns(clk);
	/* The buckets run on T2's clock: a second clock read would cost as much again. */
	if (cfg.flags & (STAMPEDE_F_RATE_SRC | STAMPEDE_F_RATE_ALL)) {
		ret = rate_check(&pkt, t2);
		if (ret != STAMPEDE_CONTINUE)
			return ret;
	}

	if (cfg.flags & STAMPEDE_F_STATEFUL) {
		if (!session_of(data, data_end, &pkt, t2, *stp, &ref))
			return STAMPEDE_CNT_no_session;
		sess = &ref;
		/* Read now: resizing the reply moves the frame. */
		sender_seq = sender_seq_of(data, data_end, &pkt);
	}
	/* The common case, a 44-octet request: the reply without TLV or resizing branches. */
	if (pkt.payload_len == STAMP_BASE_LEN) {
		if (sess)
			session_note_packet(sess->s, sender_seq, t2);
		return reflect(ctx, &(struct reflect_req){.pkt = &pkt,
							  .clk = clk,
							  .st = *stp,
							  .sess = sess,
							  .t2 = t2,
							  .sent_len = STAMP_BASE_LEN,
							  .fetch_atomics = fetch_atomics});
	}
	if (pkt.payload_len > STAMP_BASE_LEN) {
		ret = answer_tlvs(ctx, &pkt, clk, sess ? sess->s : NULL, *stp, &plan, &tlv_acc,
				  &len_change);
		/* Received, if not answered; another member link's is not the session's. */
		if (ret == STAMPEDE_CNT_no_reply && sess)
			session_note_packet(sess->s, sender_seq, t2);
		if (ret != STAMPEDE_CONTINUE)
			return ret;
	}
	if (sess)
		session_note_packet(sess->s, sender_seq, t2);
	ret = grow_short_packet(ctx, &pkt);
	if (ret != STAMPEDE_CONTINUE)
		return ret;
	ret = reflect(ctx, &(struct reflect_req){.pkt = &pkt,
						 .clk = clk,
						 .st = *stp,
						 .sess = sess,
						 .plan = plan,
						 .t2 = t2,
						 .tlv_acc = tlv_acc,
						 .len_change = len_change,
						 .sent_len = pkt.payload_len,
						 .fetch_atomics = fetch_atomics});
	/* A verified HMAC TLV: the reply's, over the reply as sent (tlv/hmac_tlv.h). */
	if (ret == STAMPEDE_CNT_reflected && plan && plan->hmac_sign)
		ret = hmac_tlv_sign_reply(ctx, &pkt);
	return ret;
}

static __always_inline int stampede_main(struct stampede_ctx *ctx, bool fetch_atomics)
{
	struct stampede_stats *st = NULL;
	__u32 zero = 0, counter;

	counter = handle_frame(ctx, &st, fetch_atomics);
	/*
	 * A frame that is not for a STAMP port (not IP or UDP, another port,
	 * or broken before its port could be read) is counted only with
	 * STAMPEDE_F_COUNT_OTHER: the per-CPU counter lookup would be most of
	 * what the reflector costs everyone else's traffic (BENCHMARKS.md).
	 */
	if (!st && (cfg.flags & STAMPEDE_F_COUNT_OTHER))
		st = bpf_map_lookup_elem(&stats, &zero);
	if (st && counter < STAMPEDE_CNT_MAX)
		((__u64 *)st)[counter]++;

	if (counter == STAMPEDE_CNT_reflected)
		return STAMPEDE_VERDICT_REPLY(ctx);
	if (counter == STAMPEDE_CNT_internal || counter == STAMPEDE_CNT_no_reply ||
	    counter == STAMPEDE_CNT_micro_session || counter == STAMPEDE_CNT_bad_error_estimate ||
	    counter == STAMPEDE_CNT_rate_limited || counter == STAMPEDE_CNT_rate_limited_all ||
	    counter == STAMPEDE_CNT_auth_failed)
		return STAMPEDE_VERDICT_DROP;
	return STAMPEDE_VERDICT_PASS;
}

#ifndef STAMPEDE_TC
/*
 * The reflector, as two programs that differ only in how a stateful
 * reply's sequence number is taken (session_take_seq): the controller
 * loads the one the kernel can run and leaves the other unloaded.  Kernels
 * before 5.12 refuse any program holding a fetching atomic, even on a
 * path that cannot run, so no load-time constant could choose between
 * them inside one program.
 */
SEC("xdp")
int stampede_xdp(struct xdp_md *ctx)
{
	return stampede_main(ctx, true);
}

/* Kernels before 5.12: the session set's lock instead of the atomic. */
SEC("xdp")
int stampede_locked(struct xdp_md *ctx)
{
	return stampede_main(ctx, false);
}
#else
/* The same pair for tc: stampede_tc.bpf.c. */
SEC("tc")
int stampede_tc(struct __sk_buff *ctx)
{
	return stampede_main(ctx, true);
}

SEC("tc")
int stampede_tc_locked(struct __sk_buff *ctx)
{
	return stampede_main(ctx, false);
}
#endif

char LICENSE[] SEC("license") = "Dual BSD/GPL";
