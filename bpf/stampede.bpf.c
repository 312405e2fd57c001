/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * stampede: a STAMP Session-Reflector (RFC 8762, unauthenticated mode, with
 * the RFC 8972 TLV walk) in the XDP hook.  docs/datapath.md describes what
 * it does and in which order; this file follows it step by step.
 */
#include <stdbool.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "stamp_wire.h"
#include "stampede_kern_user.h"

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
#include "tlv.h"
#include "swap.h"

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
 * Sources a reply must never go to: it would be a broadcast, leave the host
 * looking like it came from elsewhere, or answer a forged packet into a loop.
 */
static __always_inline bool bad_source(const struct stampede_pkt *pkt, const __u8 *src_mac)
{
	if (src_mac[0] & 1) /* multicast or broadcast MAC */
		return true;
	if (addr_equal(&pkt->src, &pkt->dst))
		return true;
	return addr_never_a_peer(pkt->ipv6, &pkt->src);
}

/* Steps 9 to 14 of docs/datapath.md: is this a test packet we answer? */
static __always_inline __u32 classify(void *data, void *data_end, struct stampede_pkt *pkt)
{
	const __u8 *src_mac = ((struct ethhdr *)data)->h_source;
	__u32 ret;

	ret = check_udp_length(pkt);
	if (ret != STAMPEDE_CONTINUE)
		return ret;
	if (!pkt->ipv6 && !ipv4_header_csum_ok(data, data_end, pkt))
		return STAMPEDE_CNT_bad_ip_csum;
	/* IPv4 addresses are keyed as ::ffff:a.b.c.d; such an IPv6 destination is not ours. */
	if (pkt->ipv6 && addr_is_v4_mapped(&pkt->dst))
		return STAMPEDE_CNT_not_local;
	if (!is_local_addr(&pkt->dst, pkt->ipv6))
		return STAMPEDE_CNT_not_local;
	if (bad_source(pkt, src_mac))
		return STAMPEDE_CNT_bad_source;
	if (!(cfg.flags & STAMPEDE_F_NO_LOOP_GUARD) && is_stamp_port(pkt->sport))
		return STAMPEDE_CNT_loop_guard;
	if (port_listed(cfg.auth_ports, cfg.n_auth_ports, pkt->dport))
		return STAMPEDE_CNT_authenticated;
	if (pkt->payload_len < STAMP_TWAMP_LIGHT_MIN_LEN)
		return STAMPEDE_CNT_runt;
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
static __always_inline __u32 grow_at_front(struct xdp_md *ctx, __u32 move_len, __u32 grow)
{
	void *data, *data_end;
	__u8 *dst, *src;
	__u32 i;

	if (move_len > STAMPEDE_MAX_FRONT_MOVE || bpf_xdp_adjust_head(ctx, -(int)grow))
		return STAMPEDE_CNT_no_tailroom;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
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
static __always_inline __u32 grow_short_packet(struct xdp_md *ctx, struct stampede_pkt *pkt)
{
	__u32 grow;

	if (pkt->payload_len >= STAMP_BASE_LEN)
		return STAMPEDE_CONTINUE;
	grow = STAMP_BASE_LEN - pkt->payload_len;
	if (!bpf_xdp_adjust_tail(ctx, grow))
		return STAMPEDE_CONTINUE;
	return grow_at_front(ctx, pkt->l4_off + sizeof(struct udphdr) + pkt->payload_len, grow);
}

/*
 * The reply's UDP checksum is the request's, updated for what changed in
 * the 44-octet base.  Most of it cancels: the reply carries the sender's
 * Sequence Number, Timestamp, Error Estimate and SSID again, each at an
 * even offset, and a one's complement sum does not care where a 16-bit
 * word sits.  So the octets the sender sent after its SSID go out of the
 * sum (csum_acc_sender_gone, before the base is overwritten) and the
 * reflector's own fields come in (csum_acc_reflector_new): a dozen
 * additions instead of a helper call summing 88 octets.  32-bit words fold
 * to the same 16-bit sum, and a 32-bit complement is a one's complement
 * negation.
 */
static __always_inline void csum_acc_sender_gone(__u64 *acc, const __u8 *payload, __u32 sent_len)
{
	const __u32 *mbz = (const __u32 *)(payload + STAMP_SSID_END);
	int i;

	if (sent_len >= STAMP_BASE_LEN) {
#pragma unroll
		for (i = 0; i < (STAMP_BASE_LEN - STAMP_SSID_END) / 4; i++)
			*acc += (__u32)~mbz[i];
		return;
	}
	/*
	 * TWAMP-Light: only the octets sent count (absent ones are zero to
	 * the checksum), and the SSID position may hold padding, so it goes
	 * too; csum_acc_reflector_new adds the reply's SSID back.
	 */
#pragma unroll
	for (i = STAMP_TWAMP_LIGHT_MIN_LEN; i < STAMP_BASE_LEN; i++)
		if (i < sent_len)
			*acc += (__u16)~csum_octet_in_word(i, payload[i]);
}

/* The reflector's fields, as the values written (not re-read from the packet). */
struct reflector_fields {
	__be32 seq;
	struct stamp_timestamp t3;
	__be16 error_estimate;
	__be16 ssid;
	struct stamp_timestamp t2;
	__be32 ttl_word; /* Ses-Sender TTL and the three MBZ octets after it */
};

static __always_inline void csum_acc_reflector_new(__u64 *acc, const struct reflector_fields *f,
						   __u32 sent_len)
{
	*acc += f->seq;
	*acc += f->t3.sec;
	*acc += f->t3.frac;
	*acc += f->error_estimate;
	*acc += f->t2.sec;
	*acc += f->t2.frac;
	*acc += f->ttl_word;
	if (sent_len < STAMP_BASE_LEN)
		*acc += f->ssid;
}

/* Account for the 32-bit words of an address changing, old to new. */
static __always_inline void csum_acc_addr(__u64 *acc, const __be32 *old, const __be32 *new,
					  int words)
{
	int i;

#pragma unroll
	for (i = 0; i < 4; i++) {
		if (i >= words)
			break;
		*acc += (__u32)~old[i];
		*acc += new[i];
	}
}

/*
 * Turn the IPv4 header around: addresses swapped (checksum-neutral), TTL,
 * and what the TLVs asked (TOS, another source or destination) and a
 * changed length, each with the checksums updated incrementally so that a
 * valid header stays valid.  @udp_acc takes the pseudo-header's changes.
 */
static __always_inline void reply_ipv4(struct iphdr *iph, __s32 len_change,
				       const struct tlv_plan *plan, __u64 *udp_acc)
{
	__u64 acc = csum_acc_start(iph->check);
	__be32 addr = iph->saddr;
	__u16 *ttl_proto = (__u16 *)&iph->ttl;
	__u16 *ver_tos = (__u16 *)iph;
	__u16 old = *ttl_proto, new;

	iph->saddr = iph->daddr;
	iph->daddr = addr;
	/*
	 * TTL and Protocol as one word, made in a register: storing the TTL
	 * octet and reading the word back would wait for the store.
	 */
	new = (old & bpf_htons(0x00ff)) | bpf_htons((__u16)cfg.reply_ttl << 8);
	*ttl_proto = new;
	csum_acc_word(&acc, old, new);
	if (len_change) {
		old = iph->tot_len;
		new = bpf_htons(bpf_ntohs(old) + len_change);
		iph->tot_len = new;
		csum_acc_word(&acc, old, new);
	}
	if (!plan)
		goto done;
	if (plan->set_tos) {
		old = *ver_tos;
		new = (old & bpf_htons(0xff00)) | bpf_htons(plan->tos);
		*ver_tos = new;
		csum_acc_word(&acc, old, new);
	}
	if (plan->set_src) {
		csum_acc_addr(&acc, &iph->saddr, &plan->src.w[3], 1);
		csum_acc_addr(udp_acc, &iph->saddr, &plan->src.w[3], 1);
		iph->saddr = plan->src.w[3];
	}
	if (plan->set_dst) {
		csum_acc_addr(&acc, &iph->daddr, &plan->dst.w[3], 1);
		csum_acc_addr(udp_acc, &iph->daddr, &plan->dst.w[3], 1);
		iph->daddr = plan->dst.w[3];
	}
done:
	iph->check = csum_acc_finish(acc);
}

static __always_inline void reply_ipv6(struct ipv6hdr *ip6h, __s32 len_change,
				       const struct tlv_plan *plan, __u64 *udp_acc)
{
	struct in6_addr addr = ip6h->saddr;
	__be16 *ver_tc = (__be16 *)ip6h;

	ip6h->saddr = ip6h->daddr;
	ip6h->daddr = addr;
	ip6h->hop_limit = cfg.reply_ttl;
	if (len_change)
		ip6h->payload_len = bpf_htons(bpf_ntohs(ip6h->payload_len) + len_change);
	if (!plan)
		return;
	/* Version(4) Traffic Class(8) Flow Label(20): no header checksum. */
	if (plan->set_tos)
		*ver_tc = (*ver_tc & bpf_htons(0xf00f)) | bpf_htons((__u16)plan->tos << 4);
	if (plan->set_src) {
		csum_acc_addr(udp_acc, ip6h->saddr.in6_u.u6_addr32, plan->src.w, 4);
		__builtin_memcpy(&ip6h->saddr, plan->src.b, sizeof(plan->src));
	}
	if (plan->set_dst) {
		csum_acc_addr(udp_acc, ip6h->daddr.in6_u.u6_addr32, plan->dst.w, 4);
		__builtin_memcpy(&ip6h->daddr, plan->dst.b, sizeof(plan->dst));
	}
}

/*
 * Rewrite the frame into the reply.  The parser's offsets are re-checked
 * against the (possibly resized) frame; a frame that fails here has
 * already been changed, so it is dropped and counted as internal.
 * @plan is what the TLVs asked (NULL: the packet had none), @tlv_acc the
 * checksum change of their answers and resizing, @len_change how the
 * STAMP payload length changed with them.  @sent_len is the request's UDP
 * payload length: a caller that passes constants for the common case (a
 * 44-octet request without TLVs) gets a copy of this function with every
 * branch for TWAMP-Light, TLVs and resizing folded away.
 */
static __always_inline __u32 reflect(struct xdp_md *ctx, struct stampede_pkt *pkt,
				     const struct stampede_clock *clk, __u64 t2,
				     struct stampede_stats *st, struct stampede_session *sess,
				     const struct tlv_plan *plan, __u64 tlv_acc, __s32 len_change,
				     __u32 sent_len)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 reflector_seq = 0;
	__u16 old_len;
	struct stamp_reflector *rep;
	struct reflector_fields f;
	struct ethhdr *eth = data;
	struct udphdr *udph;
	__u8 *payload;
	__u64 acc, t3 = t2;
	__u32 l3_off = pkt->l3_off, l4_off = pkt->l4_off;

	if (sent_len < STAMP_BASE_LEN)
		len_change = STAMP_BASE_LEN - sent_len;
	if ((void *)(eth + 1) > data_end || l4_off > STAMPEDE_MAX_L4_OFF ||
	    l3_off > STAMPEDE_MAX_L4_OFF)
		return STAMPEDE_CNT_internal;
	udph = data + l4_off;
	payload = (__u8 *)(udph + 1);
	if ((void *)(payload + STAMP_BASE_LEN) > data_end)
		return STAMPEDE_CNT_internal;
	rep = (struct stamp_reflector *)payload;

	if (sess)
		reflector_seq = session_take_seq(sess);

	/*
	 * The octets after the sender's SSID leave the checksum now, before
	 * they are overwritten; barrier_var makes the sum happen here, where
	 * the compiler would otherwise keep the seven words for later in
	 * spilled registers.
	 */
	acc = csum_acc_start(udph->check) + tlv_acc;
	csum_acc_sender_gone(&acc, payload, sent_len);
	barrier_var(acc);

	swap_macs(eth);
	if (pkt->ipv6) {
		struct ipv6hdr *ip6h = data + l3_off;

		if ((void *)(ip6h + 1) > data_end)
			return STAMPEDE_CNT_internal;
		reply_ipv6(ip6h, len_change, plan, &acc);
	} else {
		struct iphdr *iph = data + l3_off;

		if ((void *)(iph + 1) > data_end)
			return STAMPEDE_CNT_internal;
		reply_ipv4(iph, len_change, plan, &acc);
	}
	udph->source = pkt->dport;
	udph->dest = pkt->sport;
	if (len_change) {
		/* UDP Length counts in the header and in the pseudo-header. */
		old_len = udph->len;
		udph->len = bpf_htons(bpf_ntohs(old_len) + len_change);
		csum_acc_word(&acc, old_len, udph->len);
		csum_acc_word(&acc, old_len, udph->len);
	}
	if (sent_len < STAMP_BASE_LEN)
		st->twamp_light++;
	if (plan && (plan->set_src || plan->set_dst))
		st->reply_rerouted++;

	/*
	 * The sender's Sequence Number, Timestamp and Error Estimate go back
	 * first, packet to packet, to where the reply carries them: the same
	 * 16-bit words at other even offsets, so the checksum does not see
	 * them move.  Field by field, for word loads and stores (a memcpy
	 * between packet pointers goes octet by octet).
	 */
	rep->sender_seq = rep->seq;
	rep->sender_ts = rep->ts;
	rep->sender_error_estimate = rep->error_estimate;
	rep->mbz0 = 0;
	f.ttl_word = bpf_htonl((__u32)pkt->ttl << 24);
	*(__be32 *)&rep->sender_ttl = f.ttl_word;

	/*
	 * Then the reflector's own fields over where the sender's were.  The
	 * new values stay in f for the checksum: read back from the packet,
	 * a field just stored in smaller pieces would wait for the stores.
	 */
	f.seq = sess ? bpf_htonl(reflector_seq) : rep->seq;
	/* A TWAMP-Light packet shorter than 16 octets carries padding, not an SSID. */
	f.ssid = sent_len >= STAMP_SSID_END ? rep->ssid : 0;
	f.error_estimate = stamp_error_estimate(clk);
	stamp_ts_of(&f.t2, t2, clk);
	/*
	 * T3: by default the instant T2 was read.  A clock read costs more
	 * than half a reflection, and what a second one would add, this
	 * program's own run time, is a small part of the residence time the
	 * driver's receive and transmit paths add outside it.  With
	 * STAMPEDE_F_T3_READ (clock-reads 2) it is read here, as late as
	 * possible: only the writes and the checksum are left to do.
	 */
	if (cfg.flags & STAMPEDE_F_T3_READ) {
		t3 = clock_tai_ns(clk);
		stamp_ts_of(&f.t3, t3, clk);
	} else {
		f.t3 = f.t2;
	}
	rep->seq = f.seq;
	rep->ts = f.t3;
	rep->error_estimate = f.error_estimate;
	rep->ssid = f.ssid;
	rep->rx_ts = f.t2;

	/* IPv4 may go without a UDP checksum; IPv6 never does. */
	if (udph->check || pkt->ipv6) {
		csum_acc_reflector_new(&acc, &f, sent_len);
		udph->check = csum_acc_finish(acc) ?: 0xffff;
	}
	if (sess)
		session_note_reply(sess, reflector_seq, t3);
	return STAMPEDE_CNT_reflected;
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

/* Stateful mode: the packet's session, found or created.  NULL: none to be had. */
static __always_inline struct stampede_session *session_of(void *data, void *data_end,
							   const struct stampede_pkt *pkt, __u64 t2,
							   struct stampede_stats *st)
{
	/* Aligned: the set index is hashed 64 bits at a time. */
	struct stampede_session_key key __attribute__((aligned(8)));
	struct stamp_sender_head *head;

	if (pkt->l4_off > STAMPEDE_MAX_L4_OFF)
		return NULL;
	head = data + pkt->l4_off + sizeof(struct udphdr);
	if ((void *)(head + 1) > data_end)
		return NULL;
	key.src = pkt->src;
	key.dst = pkt->dst;
	key.sport = pkt->sport;
	key.dport = pkt->dport;
	key.ssid = pkt->payload_len >= STAMP_SSID_END ? head->ssid : 0;
	key.pad = 0;
	return session_get(&key, t2, st);
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
static __always_inline __u32 answer_tlvs(struct xdp_md *ctx, const struct stampede_pkt *pkt,
					 const struct stampede_clock *clk,
					 const struct stampede_session *sess,
					 struct stampede_stats *st, const struct tlv_plan **planp,
					 __u64 *tlv_acc, __s32 *len_change)
{
	struct tlv_io io = {
		.payload_off = pkt->l4_off + sizeof(struct udphdr),
		.payload_len = pkt->payload_len,
	};
	struct tlv_scratch *scratch;
	struct tlv_plan *plan;
	struct tlv_env *env;
	__u32 ret, zero = 0;

	scratch = bpf_map_lookup_elem(&tlv_scratch, &zero);
	if (!scratch)
		return STAMPEDE_CNT_internal; /* cannot happen: an array's key 0 */
	env = &scratch->env;
	plan = &scratch->plan;
	__builtin_memset(plan, 0, sizeof(*plan));
	*planp = plan;
	env->pkt = *pkt;
	env->clk = *clk;
	env->sess.stateful = sess != NULL;
	if (sess) {
		env->sess.received = sess->received + 1;
		env->sess.transmitted = sess->reflected + 1;
		env->sess.last_reply_seq = sess->last_reply_seq;
		env->sess.last_reply_ns = sess->last_reply_ns;
	}
	tlv_walk(ctx, &io, env, plan);
	*tlv_acc = io.acc;
	st->tlv_padding += io.n_padding;
	st->tlv_answered += io.n_answered;
	st->tlv_unrecognized += io.n_unrecognized;
	st->tlv_malformed += io.n_malformed;
	st->tlv_walk_cut += io.walk_cut;
	if (io.failed)
		return STAMPEDE_CNT_internal;
	/* Dropped as the sender asked: no reply for another member link. */
	if (plan->discard)
		return STAMPEDE_CNT_micro_session;
	/* A call costs a return (SRSO makes that dear): made only when asked for. */
	if (plan->resize) {
		ret = reflected_control_apply(ctx, &io, env, plan);
		*tlv_acc = io.acc;
		*len_change = io.len_change;
		if (ret != STAMPEDE_CONTINUE)
			return ret;
	}
	if (plan->no_reply)
		return STAMPEDE_CNT_no_reply;
	return STAMPEDE_CONTINUE;
}

/*
 * The frame's outcome.  *stp is set to this CPU's counters once the frame
 * is for a STAMP port; everyone else's traffic returns before that (see
 * stampede_xdp).
 */
static __always_inline __u32 handle_frame(struct xdp_md *ctx, struct stampede_stats **stp)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct stampede_session *sess = NULL;
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

	if (cfg.flags & STAMPEDE_F_STATEFUL) {
		sess = session_of(data, data_end, &pkt, t2, *stp);
		if (!sess)
			return STAMPEDE_CNT_no_session;
		/* Read now: resizing the reply moves the frame. */
		sender_seq = sender_seq_of(data, data_end, &pkt);
	}
	/* The common case, a 44-octet request: the reply without TLV or resizing branches. */
	if (pkt.payload_len == STAMP_BASE_LEN) {
		if (sess)
			session_note_packet(sess, sender_seq, t2);
		return reflect(ctx, &pkt, clk, t2, *stp, sess, NULL, 0, 0, STAMP_BASE_LEN);
	}
	if (pkt.payload_len > STAMP_BASE_LEN) {
		ret = answer_tlvs(ctx, &pkt, clk, sess, *stp, &plan, &tlv_acc, &len_change);
		if (ret == STAMPEDE_CNT_no_reply && sess)
			session_note_packet(sess, sender_seq, t2);
		if (ret != STAMPEDE_CONTINUE)
			return ret;
	}
	if (sess)
		session_note_packet(sess, sender_seq, t2);
	ret = grow_short_packet(ctx, &pkt);
	if (ret != STAMPEDE_CONTINUE)
		return ret;
	return reflect(ctx, &pkt, clk, t2, *stp, sess, plan, tlv_acc, len_change,
		       pkt.payload_len);
}

SEC("xdp")
int stampede_xdp(struct xdp_md *ctx)
{
	struct stampede_stats *st = NULL;
	__u32 zero = 0, counter;

	counter = handle_frame(ctx, &st);
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
		return XDP_TX;
	if (counter == STAMPEDE_CNT_internal || counter == STAMPEDE_CNT_no_reply ||
	    counter == STAMPEDE_CNT_micro_session)
		return XDP_DROP;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
