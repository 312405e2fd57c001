// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* SHA-256 and HMAC-SHA-256 (see sha256.h). */
#include <string.h>

#include "sha256.h"

static void compress(struct sha256_ctx *c, const __u8 *blk)
{
	int i;

	for (i = 0; i < 16; i++)
		c->w[i] = (__u32)blk[4 * i] << 24 | (__u32)blk[4 * i + 1] << 16 |
			  (__u32)blk[4 * i + 2] << 8 | blk[4 * i + 3];
	sha256_block(c->h, c->w, c->v);
}

void sha256_init(struct sha256_ctx *c)
{
	const __u32 h0[8] = SHA256_H0;

	memset(c, 0, sizeof(*c));
	memcpy(c->h, h0, sizeof(c->h));
}

void sha256_update(struct sha256_ctx *c, const void *data, size_t len)
{
	const __u8 *p = data;
	size_t fill = c->len % SHA256_BLOCK_LEN, n;

	c->len += len;
	while (len) {
		n = SHA256_BLOCK_LEN - fill;
		if (n > len)
			n = len;
		memcpy(c->buf + fill, p, n);
		fill += n;
		p += n;
		len -= n;
		if (fill == SHA256_BLOCK_LEN) {
			compress(c, c->buf);
			fill = 0;
		}
	}
}

void sha256_final(struct sha256_ctx *c, __u8 digest[SHA256_DIGEST_LEN])
{
	__u64 bits = c->len * 8;
	size_t fill = c->len % SHA256_BLOCK_LEN;
	int i;

	c->buf[fill++] = 0x80;
	if (fill > SHA256_BLOCK_LEN - 8) {
		memset(c->buf + fill, 0, SHA256_BLOCK_LEN - fill);
		compress(c, c->buf);
		fill = 0;
	}
	memset(c->buf + fill, 0, SHA256_BLOCK_LEN - 8 - fill);
	for (i = 0; i < 8; i++)
		c->buf[SHA256_BLOCK_LEN - 1 - i] = (__u8)(bits >> (8 * i));
	compress(c, c->buf);
	for (i = 0; i < 8; i++) {
		digest[4 * i] = (__u8)(c->h[i] >> 24);
		digest[4 * i + 1] = (__u8)(c->h[i] >> 16);
		digest[4 * i + 2] = (__u8)(c->h[i] >> 8);
		digest[4 * i + 3] = (__u8)c->h[i];
	}
}

void sha256(const void *data, size_t len, __u8 digest[SHA256_DIGEST_LEN])
{
	struct sha256_ctx c;

	sha256_init(&c);
	sha256_update(&c, data, len);
	sha256_final(&c, digest);
}

void hmac_sha256_states(const __u8 *key, size_t key_len, struct hmac_sha256_states *st)
{
	__u8 k[SHA256_BLOCK_LEN] = {0}, pad[SHA256_BLOCK_LEN];
	struct sha256_ctx c;
	int i;

	if (key_len > SHA256_BLOCK_LEN)
		sha256(key, key_len, k);
	else
		memcpy(k, key, key_len);
	for (i = 0; i < SHA256_BLOCK_LEN; i++)
		pad[i] = k[i] ^ 0x36;
	sha256_init(&c);
	compress(&c, pad);
	memcpy(st->ipad, c.h, sizeof(st->ipad));
	for (i = 0; i < SHA256_BLOCK_LEN; i++)
		pad[i] = k[i] ^ 0x5c;
	sha256_init(&c);
	compress(&c, pad);
	memcpy(st->opad, c.h, sizeof(st->opad));
	memset(k, 0, sizeof(k));
	memset(pad, 0, sizeof(pad));
	memset(&c, 0, sizeof(c));
}

void hmac_sha256(const struct hmac_sha256_states *st, const void *data, size_t len,
		 __u8 mac[SHA256_DIGEST_LEN])
{
	struct sha256_ctx c;
	__u8 inner[SHA256_DIGEST_LEN];

	sha256_init(&c);
	memcpy(c.h, st->ipad, sizeof(c.h));
	c.len = SHA256_BLOCK_LEN;
	sha256_update(&c, data, len);
	sha256_final(&c, inner);
	sha256_init(&c);
	memcpy(c.h, st->opad, sizeof(c.h));
	c.len = SHA256_BLOCK_LEN;
	sha256_update(&c, inner, sizeof(inner));
	sha256_final(&c, mac);
}
