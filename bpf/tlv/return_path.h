/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Return Path (type 10, RFC 9503 4): the reply may be sent to another
 * address, or not at all, so a Return Address is checked against what
 * the reflector was told to allow: a reflector that sends replies
 * wherever it is told is an amplifier.  Included by tlv/walk.h.
 */
#ifndef STAMPEDE_BPF_TLV_RETURN_PATH_H
#define STAMPEDE_BPF_TLV_RETURN_PATH_H

#include "addr_policy.h"

/* Is @addr inside @p?  Both are in the IPv6 form (IPv4 as ::ffff:a.b.c.d). */
static __always_inline bool prefix_contains(const volatile struct stampede_prefix *p,
					    const union stampede_addr *addr)
{
	__u32 i, bits, mask;

#pragma unroll
	for (i = 0; i < 4; i++) {
		if (p->len <= i * 32)
			return true;
		bits = p->len - i * 32;
		mask = bits >= 32 ? 0xffffffff : ~(0xffffffffU >> bits);
		if ((bpf_ntohl(addr->w[i]) ^ bpf_ntohl(p->addr.w[i])) & mask)
			return false;
	}
	return true;
}

/*
 * A Return Address is honoured only when the attach configuration allows
 * it and it lies in one of the configured prefixes of the packet's family
 * (IPv4 prefixes are ::ffff:a.b.c.d/96+n, so ::/0 must not take them in),
 * never when it is one of ours (a reply to ourselves), a directed
 * broadcast of one of our subnets, or an address no reply may go to.
 */
static __always_inline bool return_addr_allowed(const struct stampede_pkt *pkt,
						const union stampede_addr *addr)
{
	const volatile struct stampede_prefix *p;
	int i;

	if (!(cfg.flags & STAMPEDE_F_RETURN_ADDR))
		return false;
	if (return_addr_special(pkt->ipv6, addr))
		return false;
	/* One of ours would answer ourselves; one of our broadcasts, the subnet. */
	if (names_interface(addr, pkt->ipv6))
		return false;
	for (i = 0; i < STAMPEDE_MAX_RETURN_PREFIXES; i++) {
		if (i >= cfg.n_return_prefixes)
			break;
		p = &cfg.return_prefixes[i];
		if (pkt->ipv6 == (p->addr.w[0] == 0 && p->addr.w[1] == 0 &&
				  p->addr.w[2] == bpf_htonl(0x0000ffff) && p->len >= 96))
			continue; /* the other family's prefix */
		if (prefix_contains(p, addr))
			return true;
	}
	return false;
}

/* Judge one sub-TLV; its Flags are written once all are judged. */
static __noinline enum tlv_outcome return_path_sub(struct stampede_ctx *ctx, struct tlv_io *io,
						   const struct stampede_pkt *pkt,
						   const struct sub_tlv *sub,
						   struct return_path_req *req)
{
	__be32 code;

	switch (sub->type) {
	case STAMP_RP_CONTROL_CODE:
		if (sub->len != STAMP_RP_CONTROL_CODE_LEN)
			return TLV_MALFORMED;
		if (!tlv_load(ctx, io, sub->off + STAMP_TLV_HDR_LEN, &code, sizeof(code)))
			return TLV_MALFORMED;
		req->control_code = true;
		req->code = bpf_ntohl(code);
		req->code_index = req->n;
		return TLV_ANSWERED;
	case STAMP_RP_RETURN_ADDRESS:
		if (sub->len != STAMP_DNA_V4_LEN && sub->len != STAMP_DNA_V6_LEN)
			return TLV_MALFORMED;
		if (!addr_len_fits(pkt, sub->len) ||
		    !tlv_load_addr(ctx, io, sub->off + STAMP_TLV_HDR_LEN, sub->len,
				   &req->address) ||
		    !return_addr_allowed(pkt, &req->address)) {
			req->unusable = true;
			return TLV_UNRECOGNIZED;
		}
		req->address_ok = true;
		return TLV_ANSWERED;
	default:
		/* SR-MPLS Label Stack and SRv6 Segment List are not implemented. */
		req->unusable = true;
		return TLV_UNRECOGNIZED;
	}
}

/*
 * A Control Code answers on its own (all other sub-TLVs are then ignored,
 * a malformed one too; without a Control Code, one makes the TLV M):
 * 1, reply on the same link, is what XDP_TX does; 0 asks for no reply.  A
 * Return Address is followed when allowed; anything else makes the whole
 * TLV U and the reply goes back as usual.  Only the first Return Path TLV
 * counts; later ones get U.
 */
static __always_inline enum tlv_outcome
answer_return_path_body(struct stampede_ctx *ctx, struct tlv_io *io, struct tlv_env *env,
			struct tlv_plan *plan, __u32 value, __u32 len)
{
	/* In the scratch entry: the 512-octet stack is shared along the call chain. */
	struct return_path_req *req = &env->return_path;
	__u32 off = value, end = value + len, i;
	enum tlv_outcome out = TLV_ANSWERED;
	struct sub_tlv sub;

	if (plan->return_path_seen)
		return TLV_UNRECOGNIZED;
	plan->return_path_seen = true;
	__builtin_memset(req, 0, sizeof(*req));
	for (i = 0; i < STAMPEDE_MAX_SUB_TLVS; i++) {
		enum sub_tlv_step step = sub_tlv_next(ctx, io, &off, end, &sub);
		enum tlv_outcome sub_out;

		if (step == SUB_TLV_NONE)
			break;
		if (step == SUB_TLV_MALFORMED) {
			sub_tlv_mark_malformed(ctx, io, &sub);
			return TLV_MALFORMED;
		}
		sub_out = return_path_sub(ctx, io, &env->pkt, &sub, req);
		if (io->failed)
			return TLV_MALFORMED;
		req->flags_off[i] = sub.off;
		req->old_flags[i] = sub.flags;
		req->new_flags[i] = sub_out == TLV_ANSWERED ? 0 : STAMP_TLV_FLAG_U;
		req->n = i + 1;
		/*
		 * A Length its type does not allow: judged once all are seen,
		 * since a Control Code anywhere in the TLV makes the other
		 * sub-TLVs ignored (RFC 9503 4.1.1), this one included.
		 */
		if (sub_out == TLV_MALFORMED && !req->malformed) {
			req->malformed = true;
			req->malformed_index = i;
		}
	}
	if (!req->n)
		req->unusable = true; /* nothing asked */
	if (req->malformed && !req->control_code) {
		i = req->malformed_index;
		if (i >= STAMPEDE_MAX_SUB_TLVS)
			return TLV_MALFORMED;
		tlv_rewrite_octet(ctx, io, req->flags_off[i], req->old_flags[i], STAMP_TLV_FLAG_M);
		return TLV_MALFORMED;
	}

	/*
	 * More sub-TLVs than are judged here: the TLV is not acted on (U),
	 * unless a Control Code came first, and the rest, not looked at, get
	 * U too (RFC 8972 4: U says which were not understood).
	 */
	if (off < end && !req->control_code) {
		req->unusable = true;
		if (!sub_tlvs_unrecognized(ctx, off, end))
			return TLV_MALFORMED;
	}
	if (req->control_code) {
		/* RFC 9503 4.1.1: the other sub-TLVs are ignored, and go back as sent. */
		plan->no_reply = !(req->code & STAMP_RP_CC_SAME_LINK);
		/* Kept for a Reflected Test Packet Control TLV that contradicts it (tlv/walk.h). */
		i = req->code_index;
		if (plan->no_reply && i < STAMPEDE_MAX_SUB_TLVS) {
			plan->no_reply_off = value - STAMP_TLV_HDR_LEN;
			plan->no_reply_code_off = req->flags_off[i];
		}
	} else if (req->unusable) {
		out = TLV_UNRECOGNIZED;
	} else if (req->address_ok && !addr_equal(&req->address, &env->pkt.src)) {
		plan->set_dst = true;
		plan->dst = req->address;
	}
	for (i = 0; i < STAMPEDE_MAX_SUB_TLVS; i++) {
		if (i >= req->n)
			break;
		if (req->control_code && i != req->code_index)
			continue;
		if (!tlv_rewrite_octet(ctx, io, req->flags_off[i], req->old_flags[i],
				       req->new_flags[i]))
			return TLV_MALFORMED;
	}
	return out;
}

#endif /* STAMPEDE_BPF_TLV_RETURN_PATH_H */
