/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* RFC 9534: the Micro-session ID TLV (type 11), for members of a LAG.  Included by tlv/walk.h. */
#ifndef STAMPEDE_BPF_TLV_MICRO_SESSION_H
#define STAMPEDE_BPF_TLV_MICRO_SESSION_H

/*
 * The sender's ID is echoed and ours filled in.  A Reflector Micro-session
 * ID that is not zero and not ours means the packet came in over another
 * member link than the sender meant: it is discarded (RFC 9534 3).  An
 * interface without a configured ID does not take part: U.
 */
static __always_inline enum tlv_outcome
answer_micro_session_body(struct stampede_ctx *ctx, struct tlv_io *io, struct tlv_env *env,
			  struct tlv_plan *plan, __u32 value, __u32 len)
{
	__be16 ids[2];

	if (len != STAMP_MICRO_SESSION_LEN)
		return TLV_MALFORMED;
	if (!(cfg.flags & STAMPEDE_F_MICRO_SESSION))
		return TLV_UNRECOGNIZED;
	if (!tlv_load(ctx, io, value, ids, sizeof(ids)))
		return TLV_MALFORMED;
	if (ids[1] && ids[1] != cfg.micro_session_id) {
		plan->discard = true;
		return TLV_ANSWERED;
	}
	ids[1] = cfg.micro_session_id;
	if (!tlv_rewrite(ctx, io, value, ids, sizeof(ids)))
		return TLV_MALFORMED;
	return TLV_ANSWERED;
}

#endif /* STAMPEDE_BPF_TLV_MICRO_SESSION_H */
