/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Sub-TLVs (RFC 8972 4.2, RFC 9503 4.1): the TLV header again, inside a
 * TLV's Value.  U and M work as for TLVs; I is sent as zero.
 */
#ifndef STAMPEDE_BPF_TLV_SUB_TLV_H
#define STAMPEDE_BPF_TLV_SUB_TLV_H

#include "stamp_wire.h"
#include "stampede_kern_user.h"
#include "byteorder.h"
#include "tlv/io.h"

/* One sub-TLV found by sub_tlv_next. */
struct sub_tlv {
	__u32 off; /* payload offset of its header */
	__u32 len; /* its Length */
	__u8 flags;
	__u8 type;
	bool has_header; /* the header was read, even if the Value overruns */
};

enum sub_tlv_step {
	SUB_TLV_NONE,	   /* the Value is used up */
	SUB_TLV_FOUND,	   /* *sub holds the next one */
	SUB_TLV_MALFORMED, /* a header or a Value runs past the TLV */
};

/* The sub-TLV at *@off, inside a TLV Value that ends at payload offset @end. */
static __always_inline enum sub_tlv_step sub_tlv_next(struct stampede_ctx *ctx, struct tlv_io *io,
						      __u32 *off, __u32 end, struct sub_tlv *sub)
{
	struct stamp_tlv hdr;

	sub->has_header = false;
	if (*off >= end)
		return SUB_TLV_NONE;
	if (end - *off < STAMP_TLV_HDR_LEN || !tlv_load(ctx, io, *off, &hdr, sizeof(hdr)))
		return SUB_TLV_MALFORMED;
	sub->has_header = true;
	sub->off = *off;
	sub->len = ntohs_bounded(hdr.length);
	sub->flags = hdr.flags;
	sub->type = hdr.type;
	if (sub->len > end - *off - STAMP_TLV_HDR_LEN)
		return SUB_TLV_MALFORMED;
	*off += STAMP_TLV_HDR_LEN + sub->len;
	return SUB_TLV_FOUND;
}

/* Give a sub-TLV its reply header: @type (a request type may change) and @flags. */
static __always_inline bool sub_tlv_set_header(struct stampede_ctx *ctx, struct tlv_io *io,
					       const struct sub_tlv *sub, __u8 type, __u8 flags)
{
	struct stamp_tlv hdr = {
		.flags = flags,
		.type = type,
		.length = bpf_htons((__u16)sub->len),
	};

	return tlv_rewrite(ctx, io, sub->off, &hdr, sizeof(hdr));
}

/* A sub-TLV whose Value overruns its TLV gets M, when its header is there to carry it. */
static __always_inline void sub_tlv_mark_malformed(struct stampede_ctx *ctx, struct tlv_io *io,
						   const struct sub_tlv *sub)
{
	if (sub->has_header)
		tlv_rewrite_octet(ctx, io, sub->off, sub->flags, STAMP_TLV_FLAG_M);
}

#endif /* STAMPEDE_BPF_TLV_SUB_TLV_H */
