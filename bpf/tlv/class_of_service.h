/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Class of Service (type 4, RFC 8972 4.4, with the layout of
 * draft-ietf-ippm-stamp-cos-ecn).
 * Each handler checks the Length its type allows before writing
 * anything, so a TLV left with U or M goes back with its Value as
 * received.  Included by tlv/walk.h.
 */
#ifndef STAMPEDE_BPF_TLV_CLASS_OF_SERVICE_H
#define STAMPEDE_BPF_TLV_CLASS_OF_SERVICE_H

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
answer_class_of_service_body(struct stampede_ctx *ctx, struct tlv_io *io, struct tlv_env *env,
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

#endif /* STAMPEDE_BPF_TLV_CLASS_OF_SERVICE_H */
