/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Traffic generator for the live benchmark (bench/live): run by
 * BPF_PROG_TEST_RUN with BPF_F_TEST_XDP_LIVE_FRAMES on the sender's veth,
 * it returns XDP_TX so every frame leaves toward the reflector.
 *
 * The frame is written whole from the template every time: in live mode a
 * page comes back to the generator's page pool after the reflector has
 * rewritten it into a reply (and the sink has dropped it), so what is in
 * the buffer is not what was sent.  Each frame gets the next Sequence
 * Number, with the UDP checksum adjusted, so stateful reflectors see
 * distinct packets and a userspace stack accepts every one.
 *
 * live_gen_auth.bpf.c builds this with GEN_AUTH: the frame carries a
 * 112-octet authenticated request (RFC 8762 4.2.2) whose HMAC covers the
 * Sequence Number, signed once by bench/live, so every frame is sent as
 * signed, Sequence Number included (a stateless reflector does not mind).
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include "stamp_wire.h"

/* Ethernet + IPv4 without options + UDP + the STAMP request (44 octets,
 * 112 authenticated). */
#ifdef GEN_AUTH
#define GEN_STAMP_LEN STAMP_AUTH_BASE_LEN
#else
#define GEN_STAMP_LEN STAMP_BASE_LEN
#endif
#define GEN_L4_OFF    (sizeof(struct ethhdr) + sizeof(struct iphdr))
#define GEN_STAMP_OFF (GEN_L4_OFF + sizeof(struct udphdr))
#define GEN_FRAME_LEN (GEN_STAMP_OFF + GEN_STAMP_LEN)

/* The request with Sequence Number 0 and its valid UDP checksum, padded to
 * whole words; set by bench/live before loading (the whole .rodata of this
 * object).  Read through volatile words: a plain memcpy from a const the
 * compiler sees as zero would be folded into zero stores. */
#define GEN_FRAME_WORDS ((GEN_FRAME_LEN + 7) / 8)
const volatile __u64 gen_frame[GEN_FRAME_WORDS];

#ifndef GEN_AUTH
/* The next Sequence Number.  The live run executes on the one CPU that
 * called BPF_PROG_TEST_RUN, so a plain increment does not race. */
__u32 gen_seq;

/* One's complement sum folded to 16 bits. */
static __always_inline __u16 fold(__u32 s)
{
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (__u16)s;
}
#endif

SEC("xdp")
int live_gen(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u64 *dst = data;

	if (data + GEN_FRAME_LEN > data_end)
		return XDP_ABORTED;
		/* Whole words, then the rest (86 octets: ten words and six octets;
	 * 154: nineteen and two). */
#pragma unroll
	for (int i = 0; i < GEN_FRAME_LEN / 8; i++)
		dst[i] = gen_frame[i];
	{
		__u64 last = gen_frame[GEN_FRAME_LEN / 8];

		__builtin_memcpy(data + GEN_FRAME_LEN / 8 * 8, &last, GEN_FRAME_LEN % 8);
	}
#ifndef GEN_AUTH
	struct udphdr *udp = data + GEN_L4_OFF;
	struct stamp_sender *req = data + GEN_STAMP_OFF;
	__u32 seq = gen_seq++;
	__be32 seq_be = __builtin_bswap32(seq);
	__u16 csum;

	req->seq = seq_be;
	/* RFC 1624: the template's sum plus the two new 16-bit words (taken
	 * as they lie in memory, which keeps the byte order consistent). */
	csum = udp->check;
	if (csum) {
		csum = ~fold((__u32)(__u16)~csum + (seq_be & 0xffff) + (seq_be >> 16));
		udp->check = csum ? csum : 0xffff;
	}
#endif
	return XDP_TX;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
