/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The program's context, XDP or tc.  One source builds both reflectors:
 * stampede.bpf.c the XDP programs, stampede_tc.bpf.c (STAMPEDE_TC) the tc
 * (clsact ingress) ones.  Both contexts have data and data_end, so the
 * data path reads the frame the same way; what differs is named here:
 * the type (a global BPF function's context argument must be the program
 * type's own, so it is a macro, not a void pointer), and how the frame is
 * resized.
 */
#ifndef STAMPEDE_BPF_CTX_H
#define STAMPEDE_BPF_CTX_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#ifdef STAMPEDE_TC
#define stampede_ctx __sk_buff
#else
#define stampede_ctx xdp_md
#endif

/* Grow (shrink) the frame at its end by @delta octets; 0 on success. */
static __always_inline long ctx_adjust_tail(struct stampede_ctx *ctx, int delta)
{
#ifdef STAMPEDE_TC
	/* The skb is reallocated when it has no room: this fails only without memory. */
	return bpf_skb_change_tail(ctx, ctx->len + delta, 0);
#else
	return bpf_xdp_adjust_tail(ctx, delta);
#endif
}

/*
 * Move the start of the frame by @delta octets (negative: take headroom).
 * Not in tc: the tail always grows there, and a frame moved at the front
 * would no longer match the skb's MAC and network header offsets.
 */
static __always_inline long ctx_adjust_head(struct stampede_ctx *ctx, int delta)
{
#ifdef STAMPEDE_TC
	return -1;
#else
	return bpf_xdp_adjust_head(ctx, delta);
#endif
}

#endif /* STAMPEDE_BPF_CTX_H */
