/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * HMAC-SHA-256 (RFC 2104) over frame octets, in XDP.  The key never comes
 * here: the controller compresses K ^ ipad and K ^ opad once (user/sha256.c)
 * and stores the two states, so a MAC over N octets costs
 * ceil((N + 9) / 64) + 1 compressions (3 for the 96 octets of an
 * authenticated STAMP base).
 */
#ifndef STAMPEDE_BPF_HMAC_H
#define STAMPEDE_BPF_HMAC_H

#include "sha256.h"

/* The outer hash over the inner digest in h, from the opad state: the MAC into h. */
static __always_inline int hmac_sha256_outer(struct sha256_scratch *sc)
{
	__u32 i;

	/* The 32-octet inner digest, padded, after the opad block. */
	for (i = 0; i < 8; i++)
		sc->w[i] = sc->h[i];
	sc->w[8] = 0x80000000;
	for (i = 9; i < 15; i++)
		sc->w[i] = 0;
	sc->w[15] = (SHA256_BLOCK_LEN + SHA256_DIGEST_LEN) * 8;
	__builtin_memcpy(sc->h, sc->opad, sizeof(sc->h));
	return sha256_compress();
}

/*
 * The MAC of frame octets [@off, @off + @len) under the key whose states
 * the caller put in the scratch entry's ipad and opad; it is left in h
 * (host-order words: a truncated MAC is its first words).  0, or -1 as
 * sha256_frame.
 */
__noinline int hmac_sha256_frame(struct stampede_ctx *ctx, __u32 off, __u32 len)
{
	struct sha256_scratch *sc = sha256_scratch_get();

	if (!sc)
		return -1;
	__builtin_memcpy(sc->h, sc->ipad, sizeof(sc->h));
	if (sha256_frame(ctx, off, len, SHA256_BLOCK_LEN))
		return -1;
	sc = sha256_scratch_get();
	if (!sc)
		return -1;
	return hmac_sha256_outer(sc);
}

/*
 * The MAC of @head's four octets followed by frame octets [@off, @off +
 * @len) (sha256_head_block): the HMAC TLV's.  0, or -1.
 */
__noinline int hmac_sha256_head_frame(struct stampede_ctx *ctx, __u32 head, __u32 off, __u32 len)
{
	struct sha256_scratch *sc = sha256_scratch_get();

	if (!sc)
		return -1;
	__builtin_memcpy(sc->h, sc->ipad, sizeof(sc->h));
	if (sha256_head_block(ctx, head, off, len))
		return -1;
	if (len >= SHA256_BLOCK_LEN - 4 &&
	    sha256_frame(ctx, off + SHA256_BLOCK_LEN - 4, len - (SHA256_BLOCK_LEN - 4),
			 2 * SHA256_BLOCK_LEN))
		return -1;
	sc = sha256_scratch_get();
	if (!sc)
		return -1;
	return hmac_sha256_outer(sc);
}

#endif /* STAMPEDE_BPF_HMAC_H */
