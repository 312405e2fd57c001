/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Direct Measurement (type 5, RFC 8972 4.5).
 * Each handler checks the Length its type allows before writing
 * anything, so a TLV left with U or M goes back with its Value as
 * received.  Included by tlv/walk.h.
 */
#ifndef STAMPEDE_BPF_TLV_DIRECT_MEASUREMENT_H
#define STAMPEDE_BPF_TLV_DIRECT_MEASUREMENT_H

/*
 * R_RxC and R_TxC, this packet and its reply included (RFC 8972 4.5): the
 * session's counts, or, in stateless mode, which keeps no sessions, this
 * CPU's (tlv_answer_request says which).  Truncated to 32 bits.
 */
static __always_inline enum tlv_outcome
answer_direct_measurement_body(struct stampede_ctx *ctx, struct tlv_io *io, struct tlv_env *env,
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

#endif /* STAMPEDE_BPF_TLV_DIRECT_MEASUREMENT_H */
