/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Location (type 2, RFC 8972 4.2): the ports and addresses the packet
 * arrived with, and its sub-TLVs.
 * Each handler checks the Length its type allows before writing
 * anything, so a TLV left with U or M goes back with its Value as
 * received.  Included by tlv/walk.h.
 */
#ifndef STAMPEDE_BPF_TLV_LOCATION_H
#define STAMPEDE_BPF_TLV_LOCATION_H

#include <linux/if_ether.h>

/*
 * One Location sub-TLV: the request types (Source MAC, Destination IP,
 * Source IP) and the specific ones alike are answered with the specific
 * type for what the packet arrived with, filled in.
 */
static __noinline enum tlv_outcome location_sub(struct stampede_ctx *ctx, struct tlv_io *io,
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
__noinline int location_sub_at(struct stampede_ctx *ctx, __u32 off, __u32 end)
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

static __always_inline enum tlv_outcome answer_location_body(struct stampede_ctx *ctx,
							     struct tlv_io *io, struct tlv_env *env,
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

#endif /* STAMPEDE_BPF_TLV_LOCATION_H */
