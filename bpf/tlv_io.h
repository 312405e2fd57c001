/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Reading and rewriting TLV octets in the frame, with the UDP checksum kept
 * up to date.  TLVs sit at any offset (a Length may be odd), so they are
 * read and written through bpf_xdp_load_bytes/bpf_xdp_store_bytes at a
 * scalar offset: the verifier then checks a buffer on the stack instead of
 * a packet pointer whose range it would have to follow through the walk.
 */
#ifndef STAMPEDE_BPF_TLV_IO_H
#define STAMPEDE_BPF_TLV_IO_H

#include <stdbool.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "csum.h"

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
	__u32 value;	  /* payload offset of the current TLV's Value */
	__u32 len;	  /* and its Length */
	__s32 len_change; /* the payload grew (shrank) by this much */
	bool failed;	  /* a helper refused: the frame is not to be sent */
	bool walk_cut;	  /* more TLVs than the walk bound */
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

/* Payload offsets reached directly: frames live in one page. */
#define TLV_DIRECT_OFF_MASK 0x1fff

/*
 * @n (a constant) octets at payload offset @poff as a packet pointer, or
 * NULL when they are not all in the linear data.  Direct access costs a
 * fraction of a helper call; the helpers remain for the rest (a size the
 * verifier cannot bound, or data it cannot reach directly).
 */
static __always_inline void *tlv_direct(struct xdp_md *ctx, const struct tlv_io *io, __u32 poff,
					__u32 n)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 foff = io->payload_off + poff;
	void *p;

	if (foff > TLV_DIRECT_OFF_MASK)
		return NULL;
	/* The barrier keeps the mask the verifier needs on the register added. */
	barrier_var(foff);
	p = data + (foff & TLV_DIRECT_OFF_MASK);
	if (p + n > data_end)
		return NULL;
	return p;
}

/* Read @n octets at payload offset @poff; false (and io->failed) if absent. */
static __always_inline bool tlv_load(struct xdp_md *ctx, struct tlv_io *io, __u32 poff, void *buf,
				     __u32 n)
{
	void *p;

	if (__builtin_constant_p(n)) {
		p = tlv_direct(ctx, io, poff, n);
		if (p) {
			__builtin_memcpy(buf, p, n);
			return true;
		}
	}
	if (bpf_xdp_load_bytes(ctx, io->payload_off + poff, buf, n)) {
		io->failed = true;
		return false;
	}
	return true;
}

/*
 * Replace @n octets (a multiple of 4, at most 16) at payload offset @poff
 * with @new, and account for the change.
 */
static __always_inline bool tlv_rewrite(struct xdp_md *ctx, struct tlv_io *io, __u32 poff,
					const void *new, __u32 n)
{
	__u32 old[4] = {};
	void *p;

	if (!n || n > sizeof(old))
		return false;
	if (__builtin_constant_p(n)) {
		p = tlv_direct(ctx, io, poff, n);
		if (p) {
			__builtin_memcpy(old, p, n);
			__builtin_memcpy(p, new, n);
			tlv_csum_replace(io, poff, old, new, n);
			return true;
		}
	}
	if (!tlv_load(ctx, io, poff, old, n))
		return false;
	if (bpf_xdp_store_bytes(ctx, io->payload_off + poff, (void *)new, n)) {
		io->failed = true;
		return false;
	}
	tlv_csum_replace(io, poff, old, new, n);
	return true;
}

/* Replace one octet at payload offset @poff, whose old value is known. */
static __always_inline bool tlv_rewrite_octet(struct xdp_md *ctx, struct tlv_io *io, __u32 poff,
					      __u8 old, __u8 new)
{
	__u8 *p;

	if (old == new)
		return true;
	p = tlv_direct(ctx, io, poff, 1);
	if (p)
		*p = new;
	else if (bpf_xdp_store_bytes(ctx, io->payload_off + poff, &new, 1)) {
		io->failed = true;
		return false;
	}
	csum_acc_byte(&io->acc, poff, old, new);
	return true;
}

#endif /* STAMPEDE_BPF_TLV_IO_H */
