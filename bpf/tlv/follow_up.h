/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Follow-Up Telemetry (type 7, RFC 8972 4.7).
 * Each handler checks the Length its type allows before writing
 * anything, so a TLV left with U or M goes back with its Value as
 * received.  Included by tlv/walk.h.
 */
#ifndef STAMPEDE_BPF_TLV_FOLLOW_UP_H
#define STAMPEDE_BPF_TLV_FOLLOW_UP_H

/* Clear the @len (below 12) octets at payload offset @poff, one by one. */
static __always_inline void tlv_zero_short(struct stampede_ctx *ctx, struct tlv_io *io, __u32 poff,
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
static __always_inline enum tlv_outcome
answer_follow_up_body(struct stampede_ctx *ctx, struct tlv_io *io, struct tlv_env *env,
		      struct tlv_plan *plan, __u32 value, __u32 len)
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

#endif /* STAMPEDE_BPF_TLV_FOLLOW_UP_H */
