/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Address Values of the RFC 9503 TLVs (Destination Node Address, the
 * Return Address sub-TLV): IPv4 or IPv6 by their Length.
 * Included by tlv/walk.h.
 */
#ifndef STAMPEDE_BPF_TLV_ADDR_VALUE_H
#define STAMPEDE_BPF_TLV_ADDR_VALUE_H

/* Read an IPv4 (4 octets) or IPv6 (16) address Value into @addr. */
static __always_inline bool tlv_load_addr(struct stampede_ctx *ctx, struct tlv_io *io, __u32 value,
					  __u32 len, union stampede_addr *addr)
{
	__be32 v4;

	if (len == STAMP_DNA_V6_LEN)
		return tlv_load(ctx, io, value, addr, sizeof(*addr));
	if (!tlv_load(ctx, io, value, &v4, sizeof(v4)))
		return false;
	addr_from_ipv4(addr, v4);
	return true;
}

static __always_inline bool addr_len_fits(const struct stampede_pkt *pkt, __u32 len)
{
	return len == (pkt->ipv6 ? STAMP_DNA_V6_LEN : STAMP_DNA_V4_LEN);
}

#endif /* STAMPEDE_BPF_TLV_ADDR_VALUE_H */
