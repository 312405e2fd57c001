/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Access Report (type 6, RFC 8972 4.6).
 * Each handler checks the Length its type allows before writing
 * anything, so a TLV left with U or M goes back with its Value as
 * received.  Included by tlv/walk.h.
 */
#ifndef STAMPEDE_BPF_TLV_ACCESS_REPORT_H
#define STAMPEDE_BPF_TLV_ACCESS_REPORT_H

/*
 * Acknowledged: Access ID and Return Code echoed, reserved bits zeroed,
 * and counted by the two.  An Access ID other than 1 or 2 is to be
 * discarded: it goes back with U.
 */
static __always_inline enum tlv_outcome
answer_access_report_body(struct stampede_ctx *ctx, struct tlv_io *io, struct tlv_env *env,
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

#endif /* STAMPEDE_BPF_TLV_ACCESS_REPORT_H */
