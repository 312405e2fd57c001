/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * SHA-256 and HMAC-SHA-256 in userspace, on the compression function the
 * data path uses (include/sha256_block.h): the controller precomputes an
 * authenticated-mode key's ipad and opad states for the XDP program, the
 * probe signs and verifies with them.
 */
#ifndef STAMPEDE_SHA256_H
#define STAMPEDE_SHA256_H

#include <stddef.h>
#include <linux/types.h>
#include "sha256_block.h"

struct sha256_ctx {
	__u32 h[8];
	__u32 w[16]; /* the block's words, then the schedule's window (sha256_block) */
	__u64 v[8];  /* the working variables (sha256_block: upper halves dirty) */
	__u8 buf[SHA256_BLOCK_LEN];
	__u64 len; /* octets hashed so far */
};

void sha256_init(struct sha256_ctx *c);
void sha256_update(struct sha256_ctx *c, const void *data, size_t len);
void sha256_final(struct sha256_ctx *c, __u8 digest[SHA256_DIGEST_LEN]);
void sha256(const void *data, size_t len, __u8 digest[SHA256_DIGEST_LEN]);

/*
 * An HMAC-SHA-256 key as the data path holds it (RFC 2104): the SHA-256
 * states after compressing K ^ ipad and K ^ opad, K padded to 64 octets,
 * or hashed first when longer.
 */
struct hmac_sha256_states {
	__u32 ipad[8];
	__u32 opad[8];
};

void hmac_sha256_states(const __u8 *key, size_t key_len, struct hmac_sha256_states *st);
void hmac_sha256(const struct hmac_sha256_states *st, const void *data, size_t len,
		 __u8 mac[SHA256_DIGEST_LEN]);

#endif /* STAMPEDE_SHA256_H */
