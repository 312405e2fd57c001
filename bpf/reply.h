/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The request turned into its reply in place (RFC 8762 4.3.1): headers
 * turned around, the 44-octet reflector base written, both checksums
 * updated by what changed.  Shared by the reflector and the benchmark's
 * floor-stamp, which runs it without any of the reflector's checks.
 */
#ifndef STAMPEDE_BPF_REPLY_H
#define STAMPEDE_BPF_REPLY_H

#include <stdbool.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "stamp_wire.h"
#include "stampede_kern_user.h"
#include "csum.h"
#include "ctx.h"
#include "parsing.h"
#include "timestamp.h"
#include "session.h"
#include "swap.h"
#include "tlv/plan.h"

extern const volatile struct stampede_config cfg;

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
 * What a reply is made from.  @plan is what the TLVs asked (NULL: the
 * packet had none), @tlv_acc the checksum change of their answers and
 * resizing, @len_change how the STAMP payload length changed with them.
 * @sent_len is the request's UDP payload length.  @sess is the stateful
 * session (NULL: stateless); @fetch_atomics, the program's constant, says
 * how its sequence number is taken (session_take_seq).
 */
struct reflect_req {
	struct stampede_pkt *pkt;
	const struct stampede_clock *clk;
	struct stampede_stats *st;
	const struct session_ref *sess;
	const struct tlv_plan *plan;
	__u64 t2;
	__u64 tlv_acc;
	__s32 len_change;
	__u32 sent_len;
	bool fetch_atomics;
};

/*
 * Rewrite the frame into the reply.  The parser's offsets are re-checked
 * against the (possibly resized) frame; a frame that fails here has
 * already been changed, so it is dropped and counted as internal.  A
 * caller that fills @r with constants for the common case (a 44-octet
 * request without TLVs: plan NULL, sent_len 44) gets a copy of this
 * function with every branch for TWAMP-Light, TLVs and resizing folded
 * away: it is inline, and @r does not outlive the call.
 */
static __always_inline __u32 reflect(struct stampede_ctx *ctx, const struct reflect_req *r)
{
	struct stampede_pkt *pkt = r->pkt;
	const struct stampede_clock *clk = r->clk;
	struct stampede_stats *st = r->st;
	const struct session_ref *sess = r->sess;
	const struct tlv_plan *plan = r->plan;
	__u64 t2 = r->t2, tlv_acc = r->tlv_acc;
	__s32 len_change = r->len_change;
	__u32 sent_len = r->sent_len;
	bool fetch_atomics = r->fetch_atomics;
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
	udph = data + pkt_off(l4_off);
	payload = (__u8 *)(udph + 1);
	if ((void *)(payload + STAMP_BASE_LEN) > data_end)
		return STAMPEDE_CNT_internal;
	rep = (struct stamp_reflector *)payload;

	if (sess)
		reflector_seq = session_take_seq(sess, fetch_atomics);

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
		struct ipv6hdr *ip6h = data + pkt_off(l3_off);

		if ((void *)(ip6h + 1) > data_end)
			return STAMPEDE_CNT_internal;
		reply_ipv6(ip6h, len_change, plan, &acc);
	} else {
		struct iphdr *iph = data + pkt_off(l3_off);

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
		session_note_reply(sess->s, reflector_seq, &f.t3);
	return STAMPEDE_CNT_reflected;
}

#endif /* STAMPEDE_BPF_REPLY_H */
