/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The data path's SHA-256 and HMAC-SHA-256 (bpf/sha256.h, bpf/hmac.h) on
 * their own, for tests/sha256_unit.c through BPF_PROG_TEST_RUN.  The frame
 * says what to do:
 *   octet 0        mode: 0 SHA-256, 1 HMAC-SHA-256
 *   octets 4..35   the digest or MAC comes back here
 *   mode 0: the message from octet 36 to the frame's end
 *   mode 1: the key's ipad and opad states (8 big-endian words each) at
 *           36 and 68, the message from octet 100
 * Returns XDP_TX when it hashed, XDP_ABORTED when it could not.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "hmac.h"

#define OUT_OFF	 4
#define SHA_MSG	 36
#define IPAD_OFF 36
#define OPAD_OFF 68
#define HMAC_MSG 100

SEC("xdp")
int sha256_test(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct sha256_scratch *sc = sha256_scratch_get();
	const __u32 h0[8] = SHA256_H0;
	__be32 *words;
	__u32 len, i;
	__u8 mode;

	if (!sc || data + SHA_MSG > data_end)
		return XDP_ABORTED;
	len = (__u32)(data_end - data);
	mode = *(__u8 *)data;
	if (mode == 0) {
		__builtin_memcpy(sc->h, h0, sizeof(sc->h));
		if (sha256_frame(ctx, SHA_MSG, len - SHA_MSG, 0))
			return XDP_ABORTED;
	} else {
		if (data + HMAC_MSG > data_end)
			return XDP_ABORTED;
		words = data + IPAD_OFF;
		for (i = 0; i < 8; i++) {
			sc->ipad[i] = bpf_ntohl(words[i]);
			sc->opad[i] = bpf_ntohl(words[8 + i]);
		}
		if (hmac_sha256_frame(ctx, HMAC_MSG, len - HMAC_MSG))
			return XDP_ABORTED;
	}
	/* The calls may not keep packet pointers: read them again. */
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	words = data + OUT_OFF;
	if ((void *)(words + 8) > data_end)
		return XDP_ABORTED;
	for (i = 0; i < 8; i++)
		words[i] = bpf_htonl(sc->h[i]);
	return XDP_TX;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
