/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * SHA-256 over frame octets, in XDP, for authenticated mode.  The state,
 * the block and its schedule live in a per-CPU map entry (sha256_scratch),
 * not on the stack: they would take most of the 512 the program
 * shares with its callers.  The compression and the steps that call it
 * are global BPF functions, which verifiers before 5.12 accept only with
 * the context and scalars as arguments (each looks the entry up itself,
 * an array lookup the verifier inlines), and which are verified once, not
 * at every place they are called: a compression is about 1,900
 * instructions, 4,200 run (include/sha256_block.h).  Copying frame octets
 * into the block (sha256_load) is inlined into its two callers: a call and
 * a lookup fewer for each block.
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
	__u32 w[16];   /* the block as host-order words, then the schedule's window */
	__u32 ipad[8]; /* HMAC (bpf/hmac.h): the key's state after K ^ ipad */
	__u32 opad[8]; /* and after K ^ opad */
	__u64 v[8];    /* the working variables (sha256_block: upper halves dirty) */
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

/* Compress the block in w[0..15] (host-order words) into h. */
__noinline int sha256_compress(void)
{
	struct sha256_scratch *sc = sha256_scratch_get();

	if (!sc)
		return -1;
	sha256_block(sc->h, sc->w, sc->v);
	return 0;
}

/* @n words from the frame at @p into @w as host-order words: @p + 4 * @n is in the frame. */
static __always_inline void sha256_load_words(__u32 *w, const __u8 *p, const int n)
{
	int j;

#pragma unroll
	for (j = 0; j < n; j++)
		w[j] = bpf_ntohl(((const __u32 *)p)[j]);
}

/* A run of @n words (8, 4, 2, 1) when at least that many octets are left, under one bound check. */
#define SHA256_LOAD_RUN(n)                                  \
	do {                                                \
		if (len >= (n)*4) {                         \
			if ((void *)(p + (n)*4) > data_end) \
				return -1;                  \
			sha256_load_words(w, p, n);         \
			p += (n)*4;                         \
			w += (n);                           \
			len -= (n)*4;                       \
		}                                           \
	} while (0)

/*
 * Copy @n frame octets from frame offset @off into @sc's block from its octet
 * @at (0, or 4 after a word the caller put there: see sha256_head_block),
 * at most to the block's end, as host-order words: a last partial word
 * gets zeros after its octets, the block's other words keep what they
 * held.  -1 when the octets are not all in the frame.  The words are
 * copied in runs of 8, 4, 2 and 1 under one bound check each, and
 * byte-swapped here rather than in a second pass over the block.
 */
static __always_inline int sha256_load(struct stampede_ctx *ctx, struct sha256_scratch *sc,
				       __u32 off, __u32 n, __u32 at)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 len = n, tail;
	__u8 *p;
	__u32 *w;

	if ((at != 0 && at != 4) || n > SHA256_BLOCK_LEN - at)
		return -1;
	/* at is 0 or 4, which the compiler knows and the verifier needs masked. */
	barrier_var(at);
	w = sc->w + (at & 4) / 4;
	p = data + (off & SHA256_FRAME_OFF_MASK);
	SHA256_LOAD_RUN(8);
	SHA256_LOAD_RUN(8);
	SHA256_LOAD_RUN(4);
	SHA256_LOAD_RUN(2);
	SHA256_LOAD_RUN(1);
	if (!len)
		return 0;
	/* The last one to three octets, in the high-order end of a word. */
	if ((void *)(p + 1) > data_end)
		return -1;
	tail = (__u32)p[0] << 24;
	if (len >= 2) {
		if ((void *)(p + 2) > data_end)
			return -1;
		tail |= (__u32)p[1] << 16;
	}
	if (len >= 3) {
		if ((void *)(p + 3) > data_end)
			return -1;
		tail |= (__u32)p[2] << 8;
	}
	*w = tail;
	return 0;
}

/* The padding's first octet, 0x80, after @at octets of message in the block (@at below 64). */
static __always_inline void sha256_pad_octet(struct sha256_scratch *sc, __u32 at)
{
	sc->w[(at / 4) & 15] |= 0x80000000 >> (8 * (at & 3));
}

/*
 * Hash frame octets [@off, @off + @len) into h, which holds the state
 * after @prefix octets already hashed (0 from H(0); 64 after an HMAC
 * key's ipad block), padding included (FIPS 180-4 5.1.1).  0, or -1 when
 * the octets are not all in the frame or @len is beyond the bound.
 */
__noinline int sha256_frame(struct stampede_ctx *ctx, __u32 off, __u32 len, __u32 prefix)
{
	struct sha256_scratch *sc = sha256_scratch_get();
	__u32 b, full, rem;
	__u64 bits;

	if (!sc || len > SHA256_MAX_FRAME_LEN)
		return -1;
	full = len / SHA256_BLOCK_LEN;
	for (b = 0; b < SHA256_MAX_FRAME_LEN / SHA256_BLOCK_LEN; b++) {
		if (b >= full)
			break;
		if (sha256_load(ctx, sc, off + b * SHA256_BLOCK_LEN, SHA256_BLOCK_LEN, 0))
			return -1;
		sha256_compress();
	}
	__builtin_memset(sc->w, 0, SHA256_BLOCK_LEN);
	rem = len % SHA256_BLOCK_LEN;
	if (sha256_load(ctx, sc, off + full * SHA256_BLOCK_LEN, rem, 0))
		return -1;
	sha256_pad_octet(sc, rem);
	if (rem >= SHA256_BLOCK_LEN - 8) {
		sha256_compress();
		__builtin_memset(sc->w, 0, SHA256_BLOCK_LEN);
	}
	bits = ((__u64)prefix + len) * 8;
	sc->w[14] = bits >> 32;
	sc->w[15] = bits;
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
		sc->w[0] = bpf_ntohl(head);
		if (sha256_load(ctx, sc, off, SHA256_BLOCK_LEN - 4, 4))
			return -1;
		return sha256_compress();
	}
	__builtin_memset(sc->w, 0, SHA256_BLOCK_LEN);
	sc->w[0] = bpf_ntohl(head);
	if (sha256_load(ctx, sc, off, len, 4))
		return -1;
	/* end is below 64 here, which the compiler knows and the verifier needs masked. */
	end = 4 + len;
	barrier_var(end);
	sha256_pad_octet(sc, end);
	if (end >= SHA256_BLOCK_LEN - 8) {
		sha256_compress();
		__builtin_memset(sc->w, 0, SHA256_BLOCK_LEN);
	}
	bits = ((__u64)SHA256_BLOCK_LEN + 4 + len) * 8;
	sc->w[14] = bits >> 32;
	sc->w[15] = bits;
	return sha256_compress();
}

#endif /* STAMPEDE_BPF_SHA256_H */
