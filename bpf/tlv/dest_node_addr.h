/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Destination Node Address (type 9, RFC 9503 3): the reply may be sent
 * from another of the node's addresses, so it is checked against what
 * the node owns.  Included by tlv/walk.h.
 */
#ifndef STAMPEDE_BPF_TLV_DEST_NODE_ADDR_H
#define STAMPEDE_BPF_TLV_DEST_NODE_ADDR_H

#include "addr_policy.h"

/*
 * The node the sender meant, which may differ from the packet's
 * destination (a tunnel or an SR policy ended here).  One of this
 * interface's addresses: the reply is sent from it.  Anything else,
 * another family included: U, and the reply goes from the packet's
 * destination as usual.
 */
static __always_inline enum tlv_outcome
answer_dest_node_addr_body(struct stampede_ctx *ctx, struct tlv_io *io, struct tlv_env *env,
			   struct tlv_plan *plan, __u32 value, __u32 len)
{
	const struct stampede_pkt *pkt = &env->pkt;
	union stampede_addr addr;

	if (len != STAMP_DNA_V4_LEN && len != STAMP_DNA_V6_LEN)
		return TLV_MALFORMED;
	if (!addr_len_fits(pkt, len))
		return TLV_UNRECOGNIZED;
	if (!tlv_load_addr(ctx, io, value, len, &addr))
		return TLV_MALFORMED;
	if (pkt->ipv6 && addr_is_v4_mapped(&addr))
		return TLV_UNRECOGNIZED;
	/*
	 * The node's (RFC 9503 3), and one a reply may come from: not the
	 * sender's own (one of ours too when the loop guard is off), or the
	 * reply would go from that address to itself.
	 */
	if (!is_node_addr(&addr, pkt->ipv6) || addr_never_a_peer(pkt->ipv6, &addr) ||
	    addr_equal(&addr, &pkt->src))
		return TLV_UNRECOGNIZED;
	if (!addr_equal(&addr, &pkt->dst)) {
		plan->set_src = true;
		plan->src = addr;
	}
	return TLV_ANSWERED;
}

#endif /* STAMPEDE_BPF_TLV_DEST_NODE_ADDR_H */
