/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * SHA-256 over frame octets, in XDP, for authenticated mode.  The state,
 * the block and its schedule live in a per-CPU map entry (sha256_scratch),
 * not on the stack: they would take most of the 512 the program
 * shares with its callers.  Each step is a global BPF function, which
 * verifiers before 5.12 accept only with the context and scalars as
 * arguments (each looks the entry up itself, an array lookup the verifier
 * inlines), and which is verified once, not at every place it is called:
 * a compression is about 4,300 instructions (include/sha256_block.h).
 */
#ifndef STAMPEDE_BPF_SHA256_H
#define STAMPEDE_BPF_SHA256_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "sha256_block.h"
#include "ctx.h"

/* The longest run of frame octets hashed at once, and its frame offset's bound. */
#define SHA256_MAX_FRAME_LEN  2048
#define SHA256_FRAME_OFF_MASK 0x7fff

struct sha256_scratch {
	__u32 h[8];    /* the running state */
	__u32 w[16];   /* the block's octets as in the message, then the schedule's window */
	__u32 ipad[8]; /* HMAC (bpf/hmac.h): the key's state after K ^ ipad */
	__u32 opad[8]; /* and after K ^ opad */
	__u32 v[8];    /* the working variables (sha256_block) */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sha256_scratch);
} sha256_scratch SEC(".maps");

static __always_inline struct sha256_scratch *sha256_scratch_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&sha256_scratch, &zero);
}

/* Compress the block in w[0..15] (octets in message order) into h. */
__noinline int sha256_compress(void)
{
	struct sha256_scratch *sc = sha256_scratch_get();
	__u32 i;

	if (!sc)
		return -1;
	for (i = 0; i < 16; i++)
		sc->w[i] = bpf_ntohl(sc->w[i]);
	sha256_block(sc->h, sc->w, sc->v);
	return 0;
}

/*
 * Copy @n frame octets from frame offset @off into the block from its octet
 * @at (0, or 4 after a word the caller put there: see sha256_frame_head),
 * at most to the block's end; the block's other octets keep what they
 * held.  -1 when they are not all in the frame.  Whole words while four
 * octets are left: most of what is hashed (the 96 octets of an
 * authenticated base) is whole words.
 */
__noinline int sha256_load(struct stampede_ctx *ctx, __u32 off, __u32 n, __u32 at)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct sha256_scratch *sc = sha256_scratch_get();
	__u8 *blk, *p;
	__u32 i;

	if (!sc || (at != 0 && at != 4) || n > SHA256_BLOCK_LEN - at)
		return -1;
	blk = (__u8 *)sc->w;
	for (i = 0; i < SHA256_BLOCK_LEN / 4; i++) {
		if (i * 4 + 4 > n)
			break;
		p = data + ((off + i * 4) & SHA256_FRAME_OFF_MASK);
		if ((void *)(p + 4) > data_end)
			return -1;
		sc->w[(i + at / 4) & 15] = *(__u32 *)p;
	}
	for (i = i * 4; i < SHA256_BLOCK_LEN; i++) {
		if (i >= n)
			break;
		p = data + ((off + i) & SHA256_FRAME_OFF_MASK);
		if ((void *)(p + 1) > data_end)
			return -1;
		blk[(i + at) & (SHA256_BLOCK_LEN - 1)] = *p;
	}
	return 0;
}

/*
 * Hash frame octets [@off, @off + @len) into h, which holds the state
 * after @prefix octets already hashed (0 from H(0); 64 after an HMAC
 * key's ipad block), padding included (FIPS 180-4 5.1.1).  0, or -1 when
 * the octets are not all in the frame or @len is beyond the bound.
 */
__noinline int sha256_frame(struct stampede_ctx *ctx, __u32 off, __u32 len, __u32 prefix)
{
	struct sha256_scratch *sc;
	__u32 b, full, rem;
	__u64 bits;

	if (len > SHA256_MAX_FRAME_LEN)
		return -1;
	full = len / SHA256_BLOCK_LEN;
	for (b = 0; b < SHA256_MAX_FRAME_LEN / SHA256_BLOCK_LEN; b++) {
		if (b >= full)
			break;
		if (sha256_load(ctx, off + b * SHA256_BLOCK_LEN, SHA256_BLOCK_LEN, 0))
			return -1;
		sha256_compress();
	}
	sc = sha256_scratch_get();
	if (!sc)
		return -1;
	__builtin_memset(sc->w, 0, SHA256_BLOCK_LEN);
	rem = len % SHA256_BLOCK_LEN;
	if (sha256_load(ctx, off + full * SHA256_BLOCK_LEN, rem, 0))
		return -1;
	((__u8 *)sc->w)[rem & (SHA256_BLOCK_LEN - 1)] = 0x80;
	if (rem >= SHA256_BLOCK_LEN - 8) {
		sha256_compress();
		__builtin_memset(sc->w, 0, SHA256_BLOCK_LEN);
	}
	bits = ((__u64)prefix + len) * 8;
	sc->w[14] = bpf_htonl((__u32)(bits >> 32));
	sc->w[15] = bpf_htonl((__u32)bits);
	sha256_compress();
	return 0;
}

/*
 * For a message that starts with the four octets of @head (as they lie in
 * memory: a word read from the frame) before frame octets [@off, @off +
 * @len), hashed after an HMAC key's ipad block: the HMAC TLV's text is the
 * Sequence Number and the TLVs, which are not adjacent (RFC 8972 4.8).
 * With @len of 60 or more, the first block only (sha256_frame does the
 * rest, with a prefix of two blocks); with less, the whole message,
 * padding included.  The caller makes the two calls one after the other,
 * not one inside the other: BPF allows 512 octets of stack across a chain
 * of calls.  0, or -1 when the octets are not all in the frame.
 */
__noinline int sha256_head_block(struct stampede_ctx *ctx, __u32 head, __u32 off, __u32 len)
{
	struct sha256_scratch *sc = sha256_scratch_get();
	__u32 end;
	__u64 bits;

	if (!sc)
		return -1;
	if (len >= SHA256_BLOCK_LEN - 4) {
		sc->w[0] = head;
		if (sha256_load(ctx, off, SHA256_BLOCK_LEN - 4, 4))
			return -1;
		return sha256_compress();
	}
	__builtin_memset(sc->w, 0, SHA256_BLOCK_LEN);
	sc->w[0] = head;
	if (sha256_load(ctx, off, len, 4))
		return -1;
	/* end is below 64 here, which the compiler knows and the verifier needs masked. */
	end = 4 + len;
	barrier_var(end);
	((__u8 *)sc->w)[end & (SHA256_BLOCK_LEN - 1)] = 0x80;
	if (end >= SHA256_BLOCK_LEN - 8) {
		sha256_compress();
		__builtin_memset(sc->w, 0, SHA256_BLOCK_LEN);
	}
	bits = ((__u64)SHA256_BLOCK_LEN + 4 + len) * 8;
	sc->w[14] = bpf_htonl((__u32)(bits >> 32));
	sc->w[15] = bpf_htonl((__u32)bits);
	return sha256_compress();
}

#endif /* STAMPEDE_BPF_SHA256_H */
