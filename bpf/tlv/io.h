/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Reading and rewriting TLV octets in the frame, with the UDP checksum kept
 * up to date.  TLVs sit at any offset (a Length may be odd), so each access
 * takes a packet pointer at a masked scalar offset and checks it against
 * the frame's end right there: the verifier then need not follow a
 * pointer's range through the walk.  Direct access only, no helper: the
 * program is an "xdp" one (not "xdp.frags"), so every frame it sees is in
 * its linear data, and bpf_xdp_load_bytes/bpf_xdp_store_bytes came only
 * in 5.18.
 */
#ifndef STAMPEDE_BPF_TLV_IO_H
#define STAMPEDE_BPF_TLV_IO_H

#include <stdbool.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "csum.h"
#include "ctx.h"

/*
 * Where the payload lies in the frame, the TLV being answered, and the
 * checksum delta of the rewrites so far.  Offsets called poff are from the
 * start of the STAMP payload, which starts at an even offset of the UDP
 * datagram, so poff & 1 says whether an octet is the high or low half of
 * its checksum word.  Plain values only: the handlers are global BPF
 * functions, verified once each, which cannot follow pointers kept in
 * their arguments' memory.
 */
struct tlv_io {
	__u64 acc;	   /* checksum delta of the rewrites */
	__u32 payload_off; /* frame offset of the STAMP payload */
	__u32 payload_len;
	__u32 value;	     /* payload offset of the current TLV's Value */
	__u32 len;	     /* and its Length */
	__s32 len_change;    /* the payload grew (shrank) by this much */
	bool failed;	     /* a helper refused: the frame is not to be sent */
	bool walk_cut;	     /* more TLVs than the walk bound */
	__u32 walk_off;	     /* payload offset of the TLV the walk is at */
	__u32 hmac_at;	     /* payload offset of an HMAC TLV, 0: none */
	__u32 tlv_start;     /* payload offset of the first TLV: the base's length */
	__u16 hmac_len;	     /* the HMAC TLV's Length */
	bool hmac_misplaced; /* a TLV other than Extra Padding after it (RFC 8972 4.8) */
	bool nonpad_before;  /* a TLV other than Extra Padding before it (or without one) */
	__u8 hmac_state;     /* enum hmac_tlv_state (tlv/hmac_tlv.h) */
	bool authenticated;  /* the request is an authenticated-mode one (auth.h) */
	/* TLVs by outcome, for the caller's per-CPU counters */
	__u16 n_padding, n_answered, n_unrecognized, n_malformed;
};

static __always_inline __u16 swab16(__u16 v)
{
	return (__u16)((v << 8) | (v >> 8));
}

/*
 * Account for @n octets (a multiple of 4, at most 16) changing from @old to @new at
 * payload offset @poff.  Words at an odd offset straddle checksum words:
 * their sum is the aligned sum with its two octets swapped (RFC 1071 2(B)).
 */
static __always_inline void tlv_csum_replace(struct tlv_io *io, __u32 poff, const __u32 *old,
					     const __u32 *new, __u32 n)
{
	__u64 delta = 0;
	__u32 i;

	for (i = 0; i < 4; i++) {
		if (i >= n / 4)
			break;
		delta += (__u32)~old[i];
		delta += new[i];
	}
	if (poff & 1)
		io->acc += swab16(csum_fold64(delta));
	else
		io->acc += csum_fold64(delta);
}

/*
 * Frame offsets reached directly.  Native XDP frames live in one page;
 * generic XDP hands over a linearized skb, which on a jumbo-frame link is
 * larger, so the bound is the largest the verifier lets a packet pointer
 * carry with a chunk's size added (MAX_PACKET_OFF is 0xffff).  A TLV
 * beyond it cannot be answered (the frame is dropped as internal).
 */
#define FRAME_DIRECT_OFF_MASK 0x7fff

/*
 * @n (a constant, at most 64) octets at frame offset @foff as a packet
 * pointer, or NULL when they are not all in the frame.
 */
static __always_inline void *frame_direct(struct stampede_ctx *ctx, __u32 foff, __u32 n)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	void *p;

	if (foff > FRAME_DIRECT_OFF_MASK)
		return NULL;
	/* The barrier keeps the mask the verifier needs on the register added. */
	barrier_var(foff);
	p = data + (foff & FRAME_DIRECT_OFF_MASK);
	if (p + n > data_end)
		return NULL;
	return p;
}

/* @n (a constant) octets at payload offset @poff, as frame_direct. */
static __always_inline void *tlv_direct(struct stampede_ctx *ctx, const struct tlv_io *io,
					__u32 poff, __u32 n)
{
	return frame_direct(ctx, io->payload_off + poff, n);
}

/* Read @n (a constant) octets at payload offset @poff; false (and io->failed) if absent. */
static __always_inline bool tlv_load(struct stampede_ctx *ctx, struct tlv_io *io, __u32 poff,
				     void *buf, __u32 n)
{
	void *p = tlv_direct(ctx, io, poff, n);

	if (!p) {
		io->failed = true;
		return false;
	}
	__builtin_memcpy(buf, p, n);
	return true;
}

/*
 * Replace @n (a constant: a multiple of 4, at most 16) octets at payload
 * offset @poff with @new, and account for the change.
 */
static __always_inline bool tlv_rewrite(struct stampede_ctx *ctx, struct tlv_io *io, __u32 poff,
					const void *new, __u32 n)
{
	__u32 old[4] = {};
	void *p;

	if (!n || n > sizeof(old))
		return false;
	p = tlv_direct(ctx, io, poff, n);
	if (!p) {
		io->failed = true;
		return false;
	}
	__builtin_memcpy(old, p, n);
	__builtin_memcpy(p, new, n);
	tlv_csum_replace(io, poff, old, new, n);
	return true;
}

/* Replace one octet at payload offset @poff, whose old value is known. */
static __always_inline bool tlv_rewrite_octet(struct stampede_ctx *ctx, struct tlv_io *io,
					      __u32 poff, __u8 old, __u8 new)
{
	__u8 *p;

	if (old == new)
		return true;
	p = tlv_direct(ctx, io, poff, 1);
	if (!p) {
		io->failed = true;
		return false;
	}
	*p = new;
	csum_acc_byte(&io->acc, poff, old, new);
	return true;
}

#endif /* STAMPEDE_BPF_TLV_IO_H */
