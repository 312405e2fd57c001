/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Answers to the RFC 8972 TLVs (types 2 to 7), with the Class of Service
 * layout of draft-ietf-ippm-stamp-cos-ecn.  Each handler checks the Length
 * its type allows before writing anything, so a TLV left with U or M goes
 * back with its Value as received.  Included by tlv.h.
 */
#ifndef STAMPEDE_BPF_TLV_RFC8972_H
#define STAMPEDE_BPF_TLV_RFC8972_H

#include <linux/if_ether.h>
#include "timestamp.h"

/* ---- Location (type 2, RFC 8972 4.2) ---------------------------------- */

/*
 * One Location sub-TLV: the request types (Source MAC, Destination IP,
 * Source IP) and the specific ones alike are answered with the specific
 * type for what the packet arrived with, filled in.
 */
static __noinline enum tlv_outcome location_sub(struct xdp_md *ctx, struct tlv_io *io,
						const struct tlv_env *env,
						const struct sub_tlv *sub)
{
	const struct stampede_pkt *pkt = &env->pkt;
	const union stampede_addr *addr;
	__u32 value[4] = {};
	const __u8 *mac;
	__u8 type;

	switch (sub->type) {
	case STAMP_LOC_SRC_MAC:
	case STAMP_LOC_SRC_EUI48:
	case STAMP_LOC_SRC_EUI64:
		if (sub->len != STAMP_LOC_MAC_LEN)
			return TLV_MALFORMED;
		/* An Ethernet source is an EUI-48; octets 6 and 7 are MBZ. */
		mac = frame_direct(ctx, offsetof(struct ethhdr, h_source), ETH_ALEN);
		if (!mac) {
			io->failed = true;
			return TLV_MALFORMED;
		}
		__builtin_memcpy(value, mac, ETH_ALEN);
		type = STAMP_LOC_SRC_EUI48;
		break;
	case STAMP_LOC_DST_IP:
	case STAMP_LOC_DST_IPV4:
	case STAMP_LOC_DST_IPV6:
	case STAMP_LOC_SRC_IP:
	case STAMP_LOC_SRC_IPV4:
	case STAMP_LOC_SRC_IPV6:
		if (sub->len != STAMP_LOC_IP_LEN)
			return TLV_MALFORMED;
		if (sub->type >= STAMP_LOC_SRC_IP) {
			addr = &pkt->src;
			type = pkt->ipv6 ? STAMP_LOC_SRC_IPV6 : STAMP_LOC_SRC_IPV4;
		} else {
			addr = &pkt->dst;
			type = pkt->ipv6 ? STAMP_LOC_DST_IPV6 : STAMP_LOC_DST_IPV4;
		}
		if (pkt->ipv6) {
			value[0] = addr->w[0];
			value[1] = addr->w[1];
			value[2] = addr->w[2];
			value[3] = addr->w[3];
		} else {
			value[0] = addr->w[3]; /* the IPv4 address, then 12 MBZ octets */
		}
		break;
	default:
		return TLV_UNRECOGNIZED;
	}
	if (!sub_tlv_set_header(ctx, io, sub, type, 0))
		return TLV_MALFORMED;
	/* Constant sizes: the verifier checks the helper's length per call. */
	if (type == STAMP_LOC_SRC_EUI48) {
		if (!tlv_rewrite(ctx, io, sub->off + STAMP_TLV_HDR_LEN, value, STAMP_LOC_MAC_LEN))
			return TLV_MALFORMED;
	} else if (!tlv_rewrite(ctx, io, sub->off + STAMP_TLV_HDR_LEN, value, STAMP_LOC_IP_LEN)) {
		return TLV_MALFORMED;
	}
	return TLV_ANSWERED;
}

/*
 * The Location sub-TLV at payload offset @off, in a Value that ends at
 * @end, answered (or U).  Returns the offset after it, or -1 when it is
 * malformed (it gets M, and the TLV too) or a write failed.  A global
 * function, verified once; location_sub is a frame of its own.
 */
__noinline int location_sub_at(struct xdp_md *ctx, __u32 off, __u32 end)
{
	struct tlv_scratch *sc = tlv_scratch_get();
	enum sub_tlv_step step;
	enum tlv_outcome out;
	struct sub_tlv sub;
	struct tlv_io *io;

	if (!sc)
		return -1;
	io = &sc->io;
	step = sub_tlv_next(ctx, io, &off, end, &sub);
	if (step == SUB_TLV_NONE)
		return (int)off;
	if (step == SUB_TLV_MALFORMED) {
		sub_tlv_mark_malformed(ctx, io, &sub);
		return -1;
	}
	out = location_sub(ctx, io, &sc->env, &sub);
	if (io->failed)
		return -1;
	if (out == TLV_MALFORMED) {
		sub_tlv_set_header(ctx, io, &sub, sub.type, STAMP_TLV_FLAG_M);
		return -1;
	}
	if (out == TLV_UNRECOGNIZED &&
	    !sub_tlv_set_header(ctx, io, &sub, sub.type, STAMP_TLV_FLAG_U))
		return -1;
	return (int)off;
}

/*
 * Ports and addresses as the packet arrived (after any NAT on the way).
 * The first LOCATION_SUBS sub-TLVs are answered; any after them (no
 * sender asks for that many: there are 9 types) get U, not looked at.
 */
#define LOCATION_SUBS 64

static __always_inline enum tlv_outcome answer_location_body(struct xdp_md *ctx, struct tlv_io *io,
							     struct tlv_env *env,
							     struct tlv_plan *plan, __u32 value,
							     __u32 len)
{
	__be16 ports[2] = {env->pkt.dport, env->pkt.sport};
	__u32 off = value + STAMP_LOC_PORTS_LEN, end = value + len;
	int i, next;

	if (len < STAMP_LOC_PORTS_LEN)
		return TLV_MALFORMED;
	if (!tlv_rewrite(ctx, io, value, ports, sizeof(ports)))
		return TLV_MALFORMED;
	for (i = 0; i < LOCATION_SUBS; i++) {
		if (off >= end)
			return TLV_ANSWERED;
		next = location_sub_at(ctx, off, end);
		if (next < 0)
			return TLV_MALFORMED;
		off = (__u32)next;
	}
	if (!sub_tlvs_unrecognized(ctx, off, end))
		return TLV_MALFORMED;
	return TLV_ANSWERED;
}

/* ---- Timestamp Information (type 3, RFC 8972 4.3) --------------------- */

/*
 * T2 and T3 are read from the kernel's clock in software; the controller
 * publishes what that clock follows.  Sub-TLVs (none are defined yet) get U.
 */
static __always_inline enum tlv_outcome
answer_timestamp_info_body(struct xdp_md *ctx, struct tlv_io *io, struct tlv_env *env,
			   struct tlv_plan *plan, __u32 value, __u32 len)
{
	__u8 sync = env->clk.sync_src ?: STAMP_SYNC_FREE_RUNNING;
	__u8 info[STAMP_TS_INFO_LEN] = {sync, STAMP_TSM_SW_LOCAL, sync, STAMP_TSM_SW_LOCAL};

	if (len < STAMP_TS_INFO_LEN)
		return TLV_MALFORMED;
	if (!sub_tlvs_unrecognized(ctx, value + STAMP_TS_INFO_LEN, value + len))
		return TLV_MALFORMED;
	if (!tlv_rewrite(ctx, io, value, info, sizeof(info)))
		return TLV_MALFORMED;
	return TLV_ANSWERED;
}

/* ---- Class of Service (type 4, RFC 8972 4.4, draft-ietf-ippm-stamp-cos-ecn) */

#define COS_EC1_SHIFT	14 /* requested reply ECN */
#define COS_RPE_SHIFT	12
#define COS_RPE_APPLIED 3
#define COS_RPE_REFUSED 2

/*
 * DSCP2 and ECN (EC2) report what arrived.  The reply is marked with DSCP1
 * and, per the ECN draft, EC1 (RPE 0b11); when local policy forbids it, the
 * reply keeps the received DSCP (RP 1) and goes Not-ECT (RPE 0b10).
 */
static __always_inline enum tlv_outcome
answer_class_of_service_body(struct xdp_md *ctx, struct tlv_io *io, struct tlv_env *env,
			     struct tlv_plan *plan, __u32 value, __u32 len)
{
	__u32 dscp1, ec1, dscp2 = env->pkt.tos >> 2, ecn = env->pkt.tos & 3;
	__be32 old, new;
	__u32 word;

	if (len != STAMP_COS_LEN)
		return TLV_MALFORMED;
	if (!tlv_load(ctx, io, value, &old, sizeof(old)))
		return TLV_MALFORMED;
	word = bpf_ntohl(old);
	dscp1 = word >> STAMP_COS_DSCP1_SHIFT;
	ec1 = (word >> COS_EC1_SHIFT) & 3;
	word = dscp1 << STAMP_COS_DSCP1_SHIFT | dscp2 << STAMP_COS_DSCP2_SHIFT |
	       ecn << STAMP_COS_ECN_SHIFT | ec1 << COS_EC1_SHIFT;
	plan->set_tos = true;
	if (cfg.flags & STAMPEDE_F_COS_REFUSE) {
		word |= STAMP_COS_RP_REFUSED << STAMP_COS_RP_SHIFT | COS_RPE_REFUSED
									     << COS_RPE_SHIFT;
		plan->tos = dscp2 << 2;
	} else {
		word |= COS_RPE_APPLIED << COS_RPE_SHIFT;
		plan->tos = dscp1 << 2 | ec1;
	}
	new = bpf_htonl(word);
	if (!tlv_rewrite(ctx, io, value, &new, sizeof(new)))
		return TLV_MALFORMED;
	return TLV_ANSWERED;
}

/* ---- Direct Measurement (type 5, RFC 8972 4.5) ------------------------ */

/*
 * R_RxC and R_TxC, this packet and its reply included (RFC 8972 4.5): the
 * session's counts, or, in stateless mode, which keeps no sessions, this
 * CPU's (answer_tlvs says which).  Truncated to 32 bits.
 */
static __always_inline enum tlv_outcome
answer_direct_measurement_body(struct xdp_md *ctx, struct tlv_io *io, struct tlv_env *env,
			       struct tlv_plan *plan, __u32 value, __u32 len)
{
	struct stamp_direct_meas dm;

	if (len != STAMP_DIRECT_MEAS_LEN)
		return TLV_MALFORMED;
	if (!tlv_load(ctx, io, value, &dm, sizeof(dm)))
		return TLV_MALFORMED;
	dm.reflector_rx = bpf_htonl(env->sess.received);
	dm.reflector_tx = bpf_htonl(env->sess.transmitted);
	if (!tlv_rewrite(ctx, io, value, &dm, sizeof(dm)))
		return TLV_MALFORMED;
	return TLV_ANSWERED;
}

/* ---- Access Report (type 6, RFC 8972 4.6) ----------------------------- */

/*
 * Acknowledged: Access ID and Return Code echoed, reserved bits zeroed,
 * and counted by the two.  An Access ID other than 1 or 2 is to be
 * discarded: it goes back with U.
 */
static __always_inline enum tlv_outcome
answer_access_report_body(struct xdp_md *ctx, struct tlv_io *io, struct tlv_env *env,
			  struct tlv_plan *plan, __u32 value, __u32 len)
{
	__u8 report[STAMP_ACCESS_REPORT_LEN], id;
	__u32 key;
	__u64 *count;

	if (len != STAMP_ACCESS_REPORT_LEN)
		return TLV_MALFORMED;
	if (!tlv_load(ctx, io, value, report, sizeof(report)))
		return TLV_MALFORMED;
	id = report[0] >> 4;
	if (id != STAMP_ACCESS_3GPP && id != STAMP_ACCESS_NON_3GPP)
		return TLV_UNRECOGNIZED;
	key = (__u32)id << 8 | report[1];
	report[0] = id << 4;
	report[2] = 0;
	report[3] = 0;
	if (!tlv_rewrite(ctx, io, value, report, sizeof(report)))
		return TLV_MALFORMED;
	count = bpf_map_lookup_elem(&access_reports, &key);
	if (count)
		(*count)++;
	return TLV_ANSWERED;
}

/* ---- Follow-Up Telemetry (type 7, RFC 8972 4.7) ----------------------- */

/* Clear the @len (below 12) octets at payload offset @poff, one by one. */
static __always_inline void tlv_zero_short(struct xdp_md *ctx, struct tlv_io *io, __u32 poff,
					   __u32 len)
{
	__u8 old;
	int i;

	for (i = 0; i < STAMP_FOLLOW_UP_LEN - 4; i++) {
		if (i >= len || !tlv_load(ctx, io, poff + i, &old, 1) ||
		    !tlv_rewrite_octet(ctx, io, poff + i, old, 0))
			return;
	}
}

/*
 * The previous reply of the session: its Sequence Number and its Timestamp
 * as that reply carried it (session_note_reply).  All zero when there is
 * none (stateless mode, or the session's first packet).  A wrong Length
 * sets M and zeroes what would be Sequence Number and Timestamp: the first
 * 12 octets, or the whole Value when it is shorter, so that no octet the
 * sender put there comes back as if it were the reflector's.
 */
static __always_inline enum tlv_outcome answer_follow_up_body(struct xdp_md *ctx, struct tlv_io *io,
							      struct tlv_env *env,
							      struct tlv_plan *plan, __u32 value,
							      __u32 len)
{
	struct stamp_follow_up fu = {};

	if (len != STAMP_FOLLOW_UP_LEN) {
		if (len >= sizeof(fu.seq) + sizeof(fu.ts))
			tlv_rewrite(ctx, io, value, &fu, sizeof(fu.seq) + sizeof(fu.ts));
		else
			tlv_zero_short(ctx, io, value, len);
		return TLV_MALFORMED;
	}
	if (env->sess.stateful && env->sess.last_reply_t3) {
		fu.seq = bpf_htonl(env->sess.last_reply_seq);
		__builtin_memcpy(&fu.ts, &env->sess.last_reply_t3, sizeof(fu.ts));
		fu.mode = STAMP_TSM_SW_LOCAL;
	}
	if (!tlv_rewrite(ctx, io, value, &fu, sizeof(fu)))
		return TLV_MALFORMED;
	return TLV_ANSWERED;
}

#endif /* STAMPEDE_BPF_TLV_RFC8972_H */
