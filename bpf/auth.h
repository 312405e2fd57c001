/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Authenticated mode (RFC 8762 4.2.2, 4.3.2, 4.4): a test packet to an
 * auth-port that has keys is verified, and answered with the authenticated
 * reflector packet signed here.  The HMAC is HMAC-SHA-256 truncated to 128
 * bits over the first 96 octets; the key's ipad and opad states come from
 * the controller (auth_keys, user/auth_keys.c), so each MAC is three
 * compressions.  A packet whose MAC does not verify, or too short to hold
 * one, is dropped and counted (auth_failed), never answered: a reply would
 * sign what an attacker chose.  An auth-port without keys is left to the
 * stack as before (authenticated).  TLVs after the 112-octet base are
 * walked as in unauthenticated mode (tlv_answer_request) once the base
 * verified, under the HMAC TLV's rules (RFC 8972 4.8, tlv/hmac_tlv.h).
 */
#ifndef STAMPEDE_BPF_AUTH_H
#define STAMPEDE_BPF_AUTH_H

#include <stdbool.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "stamp_wire.h"
#include "stampede_kern_user.h"
#include "stampede_auth.h"
#include "maps.h"
#include "csum.h"
#include "parsing.h"
#include "timestamp.h"
#include "session.h"
#include "source_policy.h"
#include "swap.h"
#include "reply.h"
#include "hmac.h"
#include "auth_keys.h"
#include "tlv/walk.h"

extern const volatile struct stampede_config cfg;

/*
 * What auth_answer keeps between its steps, in a per-CPU map entry: on the
 * stack it would add to the frame of handle_frame, which is the bottom of
 * the program's deepest call chain (down into the HMAC's global functions),
 * and BPF allows 512 octets across a chain.
 */
struct auth_work {
	struct stampede_session_key skey __attribute__((aligned(8))); /* hashed 64 bits at a time */
	struct stampede_auth_key_id id;
	__be32 sender[4]; /* Sequence Number, Timestamp, Error Estimate and SSID */
	struct stamp_timestamp t2, t3;
	__u64 acc;     /* the UDP checksum's accumulator */
	__u64 tlv_acc; /* the checksum change of the TLVs' answers */
	__u32 reflector_seq;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct auth_work);
} auth_work SEC(".maps");

/* The 112-octet base at @data + @poff, or NULL when the frame ends before it. */
static __always_inline __be32 *auth_base(void *data, void *data_end, __u32 poff)
{
	__be32 *p = data + (poff & 0xfff);

	if ((void *)(p + STAMP_AUTH_BASE_SIZE / 4) > data_end)
		return NULL;
	return p;
}

/*
 * Answer a test packet to an auth-port (classify() said authenticated).
 * Returns the counter of the outcome; reflected means the frame is the
 * signed reply.
 */
static __always_inline __u32 auth_answer(struct stampede_ctx *ctx, struct stampede_pkt *pkt,
					 struct stampede_stats *st, struct session_ref *ref,
					 bool fetch_atomics)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	bool stateful = cfg.flags & STAMPEDE_F_STATEFUL;
	const struct stampede_auth_key *key = NULL;
	struct sha256_scratch *sc;
	struct tlv_plan *plan = NULL;
	struct tlv_scratch *ts = NULL;
	struct stampede_clock *clk;
	struct auth_work *aw;
	struct ethhdr *eth;
	struct udphdr *udph;
	__u32 zero = 0, i, diff = 0, poff, ret;
	__be32 *p;
	__u64 t2;

	aw = bpf_map_lookup_elem(&auth_work, &zero);
	if (!aw)
		return STAMPEDE_CNT_internal;
	/*
	 * The key for the packet's SSID, else the port's for every SSID, first
	 * when the packet holds an SSID: found, it also tells that the port
	 * has keys, without a third lookup.  Not found, it is a failure only
	 * after the checks below, in their order.
	 */
	aw->id.port = pkt->dport;
	if (pkt->payload_len >= STAMP_AUTH_BASE_SIZE && pkt->l4_off <= STAMPEDE_MAX_L4_OFF) {
		p = auth_base(data, data_end, pkt_off(pkt->l4_off) + sizeof(struct udphdr));
		if (p)
			key = auth_key_lookup(&aw->id, *(__be16 *)((__u8 *)p + STAMP_AUTH_SSID));
	}
	if (!key) {
		/* A port without keys: the stack's, whatever the packet holds, as before keys. */
		aw->id.ssid = 0;
		aw->id.kind = STAMPEDE_AUTH_PORT;
		if (!bpf_map_lookup_elem(&auth_keys, &aw->id))
			return STAMPEDE_CNT_authenticated;
	}
	if (pkt->payload_len < STAMP_AUTH_BASE_SIZE)
		return STAMPEDE_CNT_auth_failed;
	if ((cfg.flags & STAMPEDE_F_ALLOW) && !source_allowed(pkt))
		return STAMPEDE_CNT_not_allowed;
	if (pkt->l4_off > STAMPEDE_MAX_L4_OFF)
		return STAMPEDE_CNT_internal;
	poff = pkt_off(pkt->l4_off) + sizeof(struct udphdr);
	p = auth_base(data, data_end, poff);
	if (!p)
		return STAMPEDE_CNT_auth_failed;
	sc = sha256_scratch_get();
	if (!sc)
		return STAMPEDE_CNT_internal;
	if (!key)
		return STAMPEDE_CNT_auth_failed;
	auth_key_states(sc, key);

	clk = bpf_map_lookup_elem(&clock, &zero);
	if (!clk)
		return STAMPEDE_CNT_internal;
	/* T2 before the MAC: it is the receive time, and the rate limit runs on it. */
	t2 = clock_tai_ns(clk);
	/* Before the MAC too: checking one is what a flood would make us do. */
	if (cfg.flags & (STAMPEDE_F_RATE_SRC | STAMPEDE_F_RATE_ALL)) {
		ret = rate_check(pkt, t2);
		if (ret != STAMPEDE_CONTINUE)
			return ret;
	}
	if (hmac_sha256_frame(ctx, poff, STAMP_AUTH_HMAC))
		return STAMPEDE_CNT_internal;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	p = auth_base(data, data_end, poff);
	if (!p)
		return STAMPEDE_CNT_internal;
	/* Every word compared, not the first that differs: no timing to learn from. */
	for (i = 0; i < STAMP_AUTH_HMAC_LEN / 4; i++)
		diff |= p[STAMP_AUTH_HMAC / 4 + i] ^ bpf_htonl(sc->h[i]);
	if (diff)
		return STAMPEDE_CNT_auth_failed;
	/* RFC 4656 4.1.2, as for unauthenticated packets: Multiplier 0 is corrupt. */
	if (!((__u8 *)p)[STAMP_AUTH_EE + 1])
		return STAMPEDE_CNT_bad_error_estimate;

	/* Read now: the session notes it after the TLV walk. */
	aw->sender[0] = p[STAMP_AUTH_SEQ / 4];
	if (stateful) {
		aw->skey.src = pkt->src;
		aw->skey.dst = pkt->dst;
		aw->skey.sport = pkt->sport;
		aw->skey.dport = pkt->dport;
		aw->skey.ssid = *(__be16 *)((__u8 *)p + STAMP_AUTH_SSID);
		aw->skey.pad = 0;
		if (!session_get(&aw->skey, t2, st, ref))
			return STAMPEDE_CNT_no_session;
	}
	aw->tlv_acc = 0;
	ret = STAMPEDE_CONTINUE;
	/*
	 * The TLVs after the verified base, walked from octet 112 as in
	 * unauthenticated mode.  Reflected Test Packet Control is not
	 * followed here (U): the reply keeps the request's size.
	 */
	if (pkt->payload_len > STAMP_AUTH_BASE_SIZE) {
		ret = tlv_answer_request(ctx, pkt, clk, stateful ? ref->s : NULL, st, true, &ts);
		/* internal, or another member link's packet (RFC 9534): not this session's */
		if (ret != STAMPEDE_CONTINUE)
			return ret;
		aw->tlv_acc = ts->io.acc;
		plan = &ts->plan;
		if (plan->no_reply)
			ret = STAMPEDE_CNT_no_reply;
	}
	/* As in unauthenticated mode: every packet of the session, answered or not. */
	if (stateful)
		session_note_packet(ref->s, bpf_ntohl(aw->sender[0]), t2);
	if (ret != STAMPEDE_CONTINUE)
		return ret;
	if (stateful)
		aw->reflector_seq = session_take_seq(ref, fetch_atomics);
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	eth = data;
	if ((void *)(eth + 1) > data_end || pkt->l3_off > STAMPEDE_MAX_L4_OFF ||
	    pkt->l4_off > STAMPEDE_MAX_L4_OFF)
		return STAMPEDE_CNT_internal;
	udph = data + pkt_off(pkt->l4_off);
	p = (__be32 *)(udph + 1);
	if ((void *)(p + STAMP_AUTH_BASE_SIZE / 4) > data_end)
		return STAMPEDE_CNT_internal;

	aw->sender[1] = p[STAMP_AUTH_TS / 4];
	aw->sender[2] = p[STAMP_AUTH_TS / 4 + 1];
	aw->sender[3] = p[STAMP_AUTH_EE / 4]; /* Error Estimate and SSID */
	/* Every word of the base leaves the checksum; the reply's come in below. */
	aw->acc = csum_acc_start(udph->check) + aw->tlv_acc;
	for (i = 0; i < STAMP_AUTH_BASE_SIZE / 4; i++)
		aw->acc += (__u32)~p[i];

	swap_macs(eth);
	if (pkt->ipv6) {
		struct ipv6hdr *ip6h = data + pkt_off(pkt->l3_off);

		if ((void *)(ip6h + 1) > data_end)
			return STAMPEDE_CNT_internal;
		reply_ipv6(ip6h, 0, plan, &aw->acc);
	} else {
		struct iphdr *iph = data + pkt_off(pkt->l3_off);

		if ((void *)(iph + 1) > data_end)
			return STAMPEDE_CNT_internal;
		reply_ipv4(iph, 0, plan, &aw->acc);
	}
	udph->source = pkt->dport;
	udph->dest = pkt->sport;
	if (plan && (plan->set_src || plan->set_dst))
		st->reply_rerouted++;

	stamp_ts_of(&aw->t2, t2, clk);
	if (cfg.flags & STAMPEDE_F_T3_READ)
		stamp_ts_of(&aw->t3, clock_tai_ns(clk), clk);
	else
		aw->t3 = aw->t2;
	/* RFC 8762 4.3.2: every octet not named below is MBZ. */
	for (i = 0; i < STAMP_AUTH_HMAC / 4; i++)
		p[i] = 0;
	p[STAMP_AUTH_SEQ / 4] = stateful ? bpf_htonl(aw->reflector_seq) : aw->sender[0];
	p[STAMP_AUTH_TS / 4] = aw->t3.sec;
	p[STAMP_AUTH_TS / 4 + 1] = aw->t3.frac;
	/* Our Error Estimate, the sender's SSID (the low half of the word, network order). */
	p[STAMP_AUTH_EE / 4] = bpf_htonl((__u32)bpf_ntohs(stamp_error_estimate(clk)) << 16 |
					 (bpf_ntohl(aw->sender[3]) & 0xffff));
	p[STAMP_AUTH_RX_TS / 4] = aw->t2.sec;
	p[STAMP_AUTH_RX_TS / 4 + 1] = aw->t2.frac;
	p[STAMP_AUTH_S_SEQ / 4] = aw->sender[0];
	p[STAMP_AUTH_S_TS / 4] = aw->sender[1];
	p[STAMP_AUTH_S_TS / 4 + 1] = aw->sender[2];
	p[STAMP_AUTH_S_EE / 4] = bpf_htonl(bpf_ntohl(aw->sender[3]) & 0xffff0000);
	p[STAMP_AUTH_S_TTL / 4] = bpf_htonl((__u32)pkt->ttl << 24);

	/* Sign octets 0..95 of the reply. */
	if (hmac_sha256_frame(ctx, poff, STAMP_AUTH_HMAC))
		return STAMPEDE_CNT_internal;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	if (pkt->l4_off > STAMPEDE_MAX_L4_OFF)
		return STAMPEDE_CNT_internal;
	udph = data + pkt_off(pkt->l4_off);
	p = (__be32 *)(udph + 1);
	if ((void *)(p + STAMP_AUTH_BASE_SIZE / 4) > data_end)
		return STAMPEDE_CNT_internal;
	for (i = 0; i < STAMP_AUTH_HMAC_LEN / 4; i++)
		p[STAMP_AUTH_HMAC / 4 + i] = bpf_htonl(sc->h[i]);
	for (i = 0; i < STAMP_AUTH_BASE_SIZE / 4; i++)
		aw->acc += p[i];
	/* The HMAC TLV's, over the reply's Sequence Number and TLVs: last. */
	if (plan && plan->hmac_sign) {
		if (tlv_hmac_sign(ctx))
			return STAMPEDE_CNT_internal;
		ts = tlv_scratch_get();
		if (!ts)
			return STAMPEDE_CNT_internal;
		aw->acc += ts->io.acc;
		data = (void *)(long)ctx->data;
		data_end = (void *)(long)ctx->data_end;
		if (pkt->l4_off > STAMPEDE_MAX_L4_OFF)
			return STAMPEDE_CNT_internal;
		udph = data + pkt_off(pkt->l4_off);
		if ((void *)(udph + 1) > data_end)
			return STAMPEDE_CNT_internal;
	}
	/* An IPv4 request without a checksum gets none; a computed 0 is sent as 0xffff. */
	if (udph->check || pkt->ipv6)
		udph->check = csum_acc_finish(aw->acc) ?: 0xffff;
	if (stateful)
		session_note_reply(ref->s, aw->reflector_seq, &aw->t3);
	return STAMPEDE_CNT_reflected;
}

#endif /* STAMPEDE_BPF_AUTH_H */
