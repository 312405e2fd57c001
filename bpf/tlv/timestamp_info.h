/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Timestamp Information (type 3, RFC 8972 4.3).
 * Each handler checks the Length its type allows before writing
 * anything, so a TLV left with U or M goes back with its Value as
 * received.  Included by tlv/walk.h.
 */
#ifndef STAMPEDE_BPF_TLV_TIMESTAMP_INFO_H
#define STAMPEDE_BPF_TLV_TIMESTAMP_INFO_H

/*
 * T2 and T3 are read from the kernel's clock in software; the controller
 * publishes what that clock follows.  Sub-TLVs (none are defined yet) get U.
 */
static __always_inline enum tlv_outcome
answer_timestamp_info_body(struct stampede_ctx *ctx, struct tlv_io *io, struct tlv_env *env,
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

#endif /* STAMPEDE_BPF_TLV_TIMESTAMP_INFO_H */
