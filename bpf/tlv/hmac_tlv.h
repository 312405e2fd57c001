/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The HMAC TLV (RFC 8972 4.8, type 8).  Its HMAC is HMAC-SHA-256,
 * truncated to 16 octets, over the base packet's Sequence Number and
 * every TLV before it, headers included; it follows every TLV but Extra
 * Padding.  The TLVs it protects are acted on only once it verifies;
 * when it does not, the reflector copies every TLV into the reply, not
 * acted on, with I set.  Its key is the one `auth-key FILE` gives the
 * port and SSID (the same as authenticated mode's base, auth_keys.h):
 * - authenticated mode (auth.h): required unless the TLVs are all Extra
 *   Padding; missing, misplaced, of another Length or wrong: failed;
 * - unauthenticated mode with a key for the port: verified the same way;
 * - unauthenticated mode without a key: it cannot be verified, so the
 *   TLVs before it are not acted on (U) and it gets I (walk.h).
 * A verified one is answered: the reply's HMAC TLV is computed over the
 * reply's Sequence Number and TLVs once everything else is written
 * (tlv_hmac_sign).  Included by tlv/walk.h.
 */
#ifndef STAMPEDE_BPF_TLV_HMAC_TLV_H
#define STAMPEDE_BPF_TLV_HMAC_TLV_H

#include "stampede_auth.h"
#include "csum.h"
#include "hmac.h"
#include "auth_keys.h"

enum hmac_tlv_state {
	HMAC_TLV_NONE,	   /* none, and none needed */
	HMAC_TLV_UNKEYED,  /* unauthenticated port without a key: not verifiable */
	HMAC_TLV_VERIFIED, /* the TLVs are acted on; the reply's is computed */
	HMAC_TLV_FAILED,   /* every TLV copied with I */
};

/*
 * The longest text (Sequence Number and the TLVs before the HMAC TLV)
 * verified: 34 SHA-256 compressions and the outer one.  A longer one is
 * handled as a failed verification (counted hmac_tlv_failed): the cost
 * of a request stays bounded whatever its size.
 */
#define HMAC_TLV_MAX_TEXT 2048

/*
 * Judge the request's HMAC TLV (io->hmac_at and what tlv_find_hmac
 * noted) into io->hmac_state, and count it.  A global function, verified
 * once: the HMAC's compressions are behind it.
 */
__noinline int tlv_hmac_verify(struct stampede_ctx *ctx)
{
	struct tlv_scratch *sc = tlv_scratch_get();
	struct sha256_scratch *hs;
	struct stampede_stats *st;
	struct tlv_io *io;
	__u32 zero = 0, text, i, diff = 0, seq, w;
	__u8 *p;

	hs = sha256_scratch_get();
	st = bpf_map_lookup_elem(&stats, &zero);
	if (!sc || !hs || !st)
		return 0;
	io = &sc->io;
	/* Few octets of stack: this is deep in a chain of calls (sha256_head_block). */
	p = tlv_direct(ctx, io, io->authenticated ? STAMP_AUTH_SSID : STAMP_SSID_END - 2, 2);
	if (!p)
		goto failed;
	sc->key_id.port = sc->env.pkt.dport;
	if (!auth_key_find(&sc->key_id, hs, *(__be16 *)p)) {
		/* Authenticated mode had its key (step A5): this is unauthenticated mode. */
		io->hmac_state = io->authenticated ? HMAC_TLV_FAILED : HMAC_TLV_UNKEYED;
		if (io->authenticated)
			st->hmac_tlv_failed++;
		return 0;
	}
	if (!io->hmac_at || io->hmac_misplaced || io->hmac_len != STAMP_HMAC_LEN ||
	    io->hmac_at < io->tlv_start)
		goto failed;
	text = io->hmac_at - io->tlv_start;
	p = tlv_direct(ctx, io, 0, 4);
	if (text > HMAC_TLV_MAX_TEXT - 4 || !p)
		goto failed;
	seq = *(__u32 *)p;
	if (hmac_sha256_head_frame(ctx, seq, io->payload_off + io->tlv_start, text))
		goto failed;
	p = tlv_direct(ctx, io, io->hmac_at + STAMP_TLV_HDR_LEN, STAMP_HMAC_LEN);
	hs = sha256_scratch_get();
	if (!p || !hs)
		goto failed;
	/* Every word compared, not the first that differs: no timing to learn from. */
	for (i = 0; i < STAMP_HMAC_LEN / 4; i++) {
		__builtin_memcpy(&w, p + i * 4, 4);
		diff |= w ^ bpf_htonl(hs->h[i]);
	}
	if (diff)
		goto failed;
	io->hmac_state = HMAC_TLV_VERIFIED;
	sc->plan.hmac_sign = true;
	st->hmac_tlv_verified++;
	return 0;
failed:
	io->hmac_state = HMAC_TLV_FAILED;
	st->hmac_tlv_failed++;
	return 0;
}

/*
 * The reply's HMAC TLV, over its Sequence Number and TLVs as they are now
 * (call it last), under the key tlv_hmac_verify found.  io->acc is set to
 * the checksum change of this rewrite alone.  0, or -1.
 */
__noinline int tlv_hmac_sign(struct stampede_ctx *ctx)
{
	struct tlv_scratch *sc = tlv_scratch_get();
	struct sha256_scratch *hs;
	struct tlv_io *io;
	__u32 seq, i, mac[STAMP_HMAC_LEN / 4];
	__u8 *p;

	if (!sc)
		return -1;
	io = &sc->io;
	io->acc = 0;
	p = tlv_direct(ctx, io, 0, 4);
	if (io->hmac_at < io->tlv_start || !p)
		return -1;
	seq = *(__u32 *)p;
	if (hmac_sha256_head_frame(ctx, seq, io->payload_off + io->tlv_start,
				   io->hmac_at - io->tlv_start))
		return -1;
	hs = sha256_scratch_get();
	if (!hs)
		return -1;
	for (i = 0; i < STAMP_HMAC_LEN / 4; i++)
		mac[i] = bpf_htonl(hs->h[i]);
	return tlv_rewrite(ctx, io, io->hmac_at + STAMP_TLV_HDR_LEN, mac, sizeof(mac)) ? 0 : -1;
}

/*
 * Unauthenticated mode: the reply reflect() finished gets its HMAC TLV,
 * the UDP checksum updated by the change (an IPv4 reply without one keeps
 * none).  Returns the frame's counter.
 */
static __always_inline __u32 hmac_tlv_sign_reply(struct stampede_ctx *ctx,
						 const struct stampede_pkt *pkt)
{
	struct tlv_scratch *sc;
	struct udphdr *udph;
	void *data, *data_end;

	if (tlv_hmac_sign(ctx))
		return STAMPEDE_CNT_internal;
	sc = tlv_scratch_get();
	if (!sc || pkt->l4_off > STAMPEDE_MAX_L4_OFF)
		return STAMPEDE_CNT_internal;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	udph = data + pkt_off(pkt->l4_off);
	if ((void *)(udph + 1) > data_end)
		return STAMPEDE_CNT_internal;
	if (udph->check)
		udph->check = csum_acc_finish(csum_acc_start(udph->check) + sc->io.acc) ?: 0xffff;
	return STAMPEDE_CNT_reflected;
}

#endif /* STAMPEDE_BPF_TLV_HMAC_TLV_H */
