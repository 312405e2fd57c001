/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Reflected Test Packet Control (type 12, draft-ietf-ippm-asymmetrical-pkts):
 * the sender asks for a reply of another length, or for several replies.
 * The walk only notes the request (note_reflected_control); once it is
 * done, reflected_control_apply resizes the reply.  It grows by extending
 * a trailing Extra Padding TLV or appending one, and shrinks by cutting a
 * trailing Extra Padding TLV, never below the TLVs that carry meaning.
 * One reply is sent per request; a request for more, or for a length the
 * limits refuse, is answered once with the C flag.  Off unless the attach
 * configuration enables it (the draft wants it under administrative
 * control).  Included by tlv/walk.h.
 */
#ifndef STAMPEDE_BPF_TLV_REFLECTED_CONTROL_H
#define STAMPEDE_BPF_TLV_REFLECTED_CONTROL_H

/* Octets a shrink may remove: the checksum reads them first, 64 at a time. */
#define REFLECTED_CTL_CHUNK	 64
#define REFLECTED_CTL_MAX_SHRINK (32 * REFLECTED_CTL_CHUNK)

/* The largest STAMP payload a reply may have within the interface's MTU; 0: none known. */
static __always_inline __u32 reflected_mtu_payload(const struct stampede_pkt *pkt)
{
	__u32 hdrs = pkt->l4_off - pkt->l3_off + sizeof(struct udphdr);

	if (!cfg.mtu || cfg.mtu <= hdrs)
		return 0;
	return cfg.mtu - hdrs;
}

static __always_inline enum tlv_outcome
note_reflected_control_body(struct stampede_ctx *ctx, struct tlv_io *io, struct tlv_env *env,
			    struct tlv_plan *plan, __u32 value, __u32 len)
{
	struct stamp_reflected_control req;
	__u32 mtu_max;

	/* Section 3: at least 12 octets; RFC 8972 4: a Length the type does not allow is M. */
	if (len < STAMP_RTPC_MIN_LEN)
		return TLV_MALFORMED;
	/* Authenticated mode's reply keeps the request's size (auth.h). */
	if (!(cfg.flags & STAMPEDE_F_REFLECTED_CTL) || plan->resize || io->authenticated)
		return TLV_UNRECOGNIZED;
	if (!tlv_load(ctx, io, value, &req, sizeof(req)))
		return TLV_MALFORMED;
	/* Address Group sub-TLVs (multicast) are not implemented. */
	if (!sub_tlvs_unrecognized(ctx, value + STAMP_RTPC_FIXED_LEN, value + len))
		return TLV_MALFORMED;
	plan->resize = true;
	plan->want_len = ntohs_bounded(req.length);
	/*
	 * Section 3: a reply longer than the egress interface's MTU is sent
	 * once, as long as the MTU, with C set.  IP headers come in 4-octet
	 * units, so the length is a multiple of 4 unless the MTU is not.
	 * reply-max and amplify still bound it (reflected_len_allowed).
	 */
	mtu_max = reflected_mtu_payload(&env->pkt);
	if (mtu_max && plan->want_len > mtu_max) {
		plan->want_len = mtu_max & ~3U;
		plan->over_mtu = true;
	}
	plan->want_count = bpf_ntohs(req.count);
	plan->control_off = value - STAMP_TLV_HDR_LEN;
	return TLV_ANSWERED;
}

/*
 * The reply's STAMP payload length for the request, before the limits:
 * the asked length rounded up to 4 octets, but never cutting into what is
 * not trailing Extra Padding, and leaving room for a TLV header when one
 * must be appended.  0 asks for no change.
 */
static __always_inline __u32 reflected_target_len(const struct tlv_plan *plan, __u32 cur,
						  bool trailing_pad)
{
	__u32 target = (plan->want_len + 3) & ~3U;

	if (!plan->want_len || target == cur)
		return cur;
	if (target < cur) {
		if (!trailing_pad)
			return cur;
		/* Drop the padding TLV whole, or keep its header and some of it. */
		if (target <= plan->last_off)
			return plan->last_off;
		if (target < plan->last_off + STAMP_TLV_HDR_LEN)
			return plan->last_off + STAMP_TLV_HDR_LEN;
		return target;
	}
	if (!trailing_pad && target - cur < STAMP_TLV_HDR_LEN)
		return cur + STAMP_TLV_HDR_LEN;
	return target;
}

static __always_inline bool reflected_len_allowed(const struct stampede_pkt *pkt, __u32 cur,
						  __u32 target)
{
	__u32 ip_len = pkt->l4_off - pkt->l3_off + sizeof(struct udphdr) + target;

	if (target <= cur)
		return cur - target <= REFLECTED_CTL_MAX_SHRINK;
	return target <= cfg.reply_max && target <= (__u32)cfg.amplify * cur &&
	       (!cfg.mtu || ip_len <= cfg.mtu);
}

/* The 16-bit one's complement sum of the 64 octets at @poff, read as if aligned. */
static __always_inline bool chunk_sum(struct stampede_ctx *ctx, struct tlv_io *io, __u32 poff,
				      __u64 *sum)
{
	const __u32 *p = tlv_direct(ctx, io, poff, REFLECTED_CTL_CHUNK);
	__u32 j;

	if (!p) {
		io->failed = true;
		return false;
	}
#pragma unroll
	for (j = 0; j < REFLECTED_CTL_CHUNK / 4; j++)
		*sum += p[j];
	return true;
}

/* The sum of @sz (a constant, 4 to 32) octets at frame offset *@foff, into *@sum; *@foff moves past them. */
static __always_inline bool words_sum(struct stampede_ctx *ctx, __u32 *foff, __u32 sz, __u64 *sum)
{
	const __u32 *p = frame_direct(ctx, *foff, sz);
	__u32 j;

	if (!p)
		return false;
#pragma unroll
	for (j = 0; j < 8; j++)
		if (j < sz / 4)
			*sum += p[j];
	*foff += sz;
	return true;
}

/*
 * The 16-bit one's complement sum of fewer than 64 octets at frame offset
 * @foff, read as if aligned; -1 if they are not all in the frame.  @n is
 * not a constant, so it is taken apart into constant sizes (32, 16, 8, 4,
 * 2, 1), each read directly; all but the last are of even length, so every
 * octet keeps its parity.  A global function (scalars only), verified
 * once: inline, its paths would multiply with its caller's.
 */
__noinline int frame_octets_sum(struct stampede_ctx *ctx, __u32 foff, __u32 n)
{
	const __u16 *half;
	const __u8 *octet;
	__u64 sum = 0;

	if (((n & 32) && !words_sum(ctx, &foff, 32, &sum)) ||
	    ((n & 16) && !words_sum(ctx, &foff, 16, &sum)) ||
	    ((n & 8) && !words_sum(ctx, &foff, 8, &sum)) ||
	    ((n & 4) && !words_sum(ctx, &foff, 4, &sum)))
		return -1;
	if (n & 2) {
		half = frame_direct(ctx, foff, 2);
		if (!half)
			return -1;
		sum += *half;
		foff += 2;
	}
	if (n & 1) {
		octet = frame_direct(ctx, foff, 1);
		if (!octet)
			return -1;
		sum += csum_octet_in_word(0, *octet);
	}
	return csum_fold64(sum);
}

/*
 * The checksum share of the octets from @from to @to, read before they
 * are cut, into *@gone.  Whole chunks first, at a constant size, so the
 * verifier need not follow the offset; then the rest (octets_sum).  The
 * chunks are of even length, so one parity holds for all of them.
 */
static __noinline bool csum_of_tail(struct stampede_ctx *ctx, struct tlv_io *io, __u32 from,
				    __u32 to, __u64 *gone)
{
	__u32 pos = from, n, i;
	__u64 sum = 0;
	int rest;

	for (i = 0; i < REFLECTED_CTL_MAX_SHRINK / REFLECTED_CTL_CHUNK; i++) {
		if (to - pos < REFLECTED_CTL_CHUNK)
			break;
		if (!chunk_sum(ctx, io, pos, &sum))
			return false;
		pos += REFLECTED_CTL_CHUNK;
	}
	n = to - pos;
	if (n >= REFLECTED_CTL_CHUNK)
		return false;
	if (n) {
		rest = frame_octets_sum(ctx, io->payload_off + pos, n);
		if (rest < 0) {
			io->failed = true;
			return false;
		}
		sum += rest;
	}
	sum = csum_fold64(sum);
	*gone = from & 1 ? swab16(sum) : sum;
	return true;
}

/* Rewrite the Length of the Extra Padding TLV at payload offset @off. */
static __always_inline bool set_padding_len(struct stampede_ctx *ctx, struct tlv_io *io, __u32 off,
					    __u32 len)
{
	struct stamp_tlv hdr = {
		.flags = 0,
		.type = STAMP_TLV_EXTRA_PADDING,
		.length = bpf_htons((__u16)len),
	};

	return tlv_rewrite(ctx, io, off, &hdr, sizeof(hdr));
}

/* Copy 64 octets of the frame from @from to @to (below it), ascending 8 at a time. */
static __always_inline bool frame_move_chunk(struct stampede_ctx *ctx, __u32 to, __u32 from)
{
	__u64 *dst = frame_direct(ctx, to, REFLECTED_CTL_CHUNK);
	const __u64 *src = frame_direct(ctx, from, REFLECTED_CTL_CHUNK);
	__u32 j;

	if (!dst || !src)
		return false;
		/*
	 * Each word is read before the store that may overlap it (the source
	 * lies beyond the destination), and the stores go in ascending order.
	 */
#pragma unroll
	for (j = 0; j < REFLECTED_CTL_CHUNK / 8; j++)
		dst[j] = src[j];
	return true;
}

/*
 * Copy (@zero: clear) @sz octets, a constant of at most 32, from frame
 * offset *@from to *@to, and move both past them.  Through the stack with
 * a barrier between reading and writing: the two ranges may overlap.
 */
static __always_inline bool frame_copy_const(struct stampede_ctx *ctx, __u32 *to, __u32 *from,
					     __u32 sz, bool zero)
{
	void *dst = frame_direct(ctx, *to, sz);
	const void *src = frame_direct(ctx, *from, sz);
	__u8 buf[32];

	if (!dst || !src)
		return false;
	if (zero)
		__builtin_memset(buf, 0, sz);
	else
		__builtin_memcpy(buf, src, sz);
	asm volatile("" ::: "memory");
	__builtin_memcpy(dst, buf, sz);
	*to += sz;
	*from += sz;
	return true;
}

/*
 * Copy (@zero: clear) fewer than 64 octets from @from to @to (below it or
 * equal): @n taken apart into constant sizes, ascending.  Global, like
 * frame_octets_sum, for the same reason; returns whether it could.
 */
__noinline int frame_move_octets(struct stampede_ctx *ctx, __u32 to, __u32 from, __u32 n,
				 __u32 zero)
{
	return (!(n & 32) || frame_copy_const(ctx, &to, &from, 32, zero)) &&
	       (!(n & 16) || frame_copy_const(ctx, &to, &from, 16, zero)) &&
	       (!(n & 8) || frame_copy_const(ctx, &to, &from, 8, zero)) &&
	       (!(n & 4) || frame_copy_const(ctx, &to, &from, 4, zero)) &&
	       (!(n & 2) || frame_copy_const(ctx, &to, &from, 2, zero)) &&
	       (!(n & 1) || frame_copy_const(ctx, &to, &from, 1, zero));
}

/* Clear 64 octets of the frame at @at. */
static __always_inline bool frame_zero_chunk(struct stampede_ctx *ctx, __u32 at)
{
	__u64 *dst = frame_direct(ctx, at, REFLECTED_CTL_CHUNK);
	__u32 j;

	if (!dst)
		return false;
#pragma unroll
	for (j = 0; j < REFLECTED_CTL_CHUNK / 8; j++)
		dst[j] = 0;
	return true;
}

/*
 * Grow at the front when the driver leaves no tailroom (veth often does):
 * take headroom, move the frame's first @move_len octets (headers and
 * payload, the whole frame) to the new start, 64 at a time, and zero the
 * @grow octets left at the end.  Ascending chunks never read what an
 * earlier one wrote: each source lies @grow beyond its destination.
 */
static __noinline bool grow_front(struct stampede_ctx *ctx, struct tlv_io *io, __u32 move_len,
				  __u32 grow)
{
	__u32 pos = 0, end, i;

	if (move_len > REFLECTED_CTL_MAX_SHRINK || grow > REFLECTED_CTL_MAX_SHRINK ||
	    ctx_adjust_head(ctx, -(int)grow))
		return false;
	for (i = 0; i < REFLECTED_CTL_MAX_SHRINK / REFLECTED_CTL_CHUNK; i++) {
		if (move_len - pos < REFLECTED_CTL_CHUNK)
			break;
		if (!frame_move_chunk(ctx, pos, pos + grow))
			goto failed;
		pos += REFLECTED_CTL_CHUNK;
	}
	if (move_len - pos >= REFLECTED_CTL_CHUNK ||
	    !frame_move_octets(ctx, pos, pos + grow, move_len - pos, 0))
		goto failed;
	end = move_len + grow;
	for (i = 0, pos = move_len; i < REFLECTED_CTL_MAX_SHRINK / REFLECTED_CTL_CHUNK; i++) {
		if (end - pos < REFLECTED_CTL_CHUNK)
			break;
		if (!frame_zero_chunk(ctx, pos))
			goto failed;
		pos += REFLECTED_CTL_CHUNK;
	}
	if (end - pos >= REFLECTED_CTL_CHUNK || !frame_move_octets(ctx, pos, pos, end - pos, 1))
		goto failed;
	return true;
failed:
	/* The frame is half moved: it cannot be sent or passed. */
	io->failed = true;
	return false;
}

/*
 * Grow the payload from @cur to @target octets; the new octets are zero.
 * At the tail when the driver left room there, else at the front.
 */
static __always_inline bool reflected_grow(struct stampede_ctx *ctx, struct tlv_io *io,
					   const struct tlv_plan *plan, bool trailing_pad,
					   __u32 cur, __u32 target)
{
	struct stamp_tlv hdr;

	if (ctx_adjust_tail(ctx, target - cur) &&
	    !grow_front(ctx, io, io->payload_off + cur, target - cur))
		return false;
	if (!trailing_pad)
		return set_padding_len(ctx, io, cur, target - cur - STAMP_TLV_HDR_LEN);
	if (!tlv_load(ctx, io, plan->last_off, &hdr, sizeof(hdr)))
		return false;
	return set_padding_len(ctx, io, plan->last_off, ntohs_bounded(hdr.length) + target - cur);
}

static __always_inline bool reflected_shrink(struct stampede_ctx *ctx, struct tlv_io *io,
					     const struct tlv_plan *plan, __u32 cur, __u32 target)
{
	__u64 gone = 0;

	if (!csum_of_tail(ctx, io, target, cur, &gone))
		return false;
	if (ctx_adjust_tail(ctx, -(int)(cur - target)))
		return false;
	io->acc += (__u16)~csum_fold64(gone);
	if (target == plan->last_off)
		return true; /* the padding TLV went whole */
	return set_padding_len(ctx, io, plan->last_off,
			       target - plan->last_off - STAMP_TLV_HDR_LEN);
}

/*
 * Resize the reply as asked; io->len_change tells the header rewrite how
 * the STAMP payload changed.  Returns STAMPEDE_CONTINUE, or internal when
 * the frame was changed but could not be finished.  Global, verified once.
 */
__noinline int reflected_control_apply(struct stampede_ctx *ctx)
{
	struct tlv_scratch *sc = tlv_scratch_get();
	struct tlv_env *env;
	struct tlv_plan *plan;
	struct tlv_io *io;
	void *data, *data_end;
	struct stampede_stats *st;
	bool trailing_pad, conform;
	__u32 zero = 0, cur, target;

	if (!sc)
		return STAMPEDE_CNT_internal;
	io = &sc->io;
	env = &sc->env;
	plan = &sc->plan;
	if (!plan->resize)
		return STAMPEDE_CONTINUE;
	if (!plan->want_count) {
		plan->no_reply = true; /* the draft: send nothing */
		return STAMPEDE_CONTINUE;
	}
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	cur = io->payload_len;
	conform = plan->want_count == 1 && !plan->over_mtu;
	trailing_pad = plan->complete && plan->last_type == STAMP_TLV_EXTRA_PADDING;
	target = reflected_target_len(plan, cur, trailing_pad);
	/*
	 * Shorter was asked and padding is left that only a trailing Extra
	 * Padding TLV could have given (or the walk did not see it all): the
	 * reply is longer than the draft's rule allows, so it is not as asked.
	 */
	if (plan->want_len && ((plan->want_len + 3) & ~3U) < target &&
	    (!plan->complete || plan->n_padding > (trailing_pad ? 1 : 0)))
		conform = false;
	/* Octets after the datagram (Ethernet padding) would end up inside it. */
	if ((target != cur && (__u32)(data_end - data) != io->payload_off + cur) ||
	    !reflected_len_allowed(&env->pkt, cur, target)) {
		target = cur;
		conform = false;
	}
	if (target > cur) {
		if (!reflected_grow(ctx, io, plan, trailing_pad, cur, target)) {
			if (io->failed)
				return STAMPEDE_CNT_internal;
			target = cur;
			conform = false;
		}
	} else if (target < cur) {
		if (!reflected_shrink(ctx, io, plan, cur, target)) {
			if (io->failed)
				return STAMPEDE_CNT_internal;
			target = cur;
			conform = false;
		}
	}
	if (target != cur) {
		io->len_change = (__s32)target - (__s32)cur;
		io->payload_len = target;
		st = bpf_map_lookup_elem(&stats, &zero);
		if (st)
			st->reply_resized++;
	}
	if (!conform && !tlv_rewrite_octet(ctx, io, plan->control_off, 0, STAMP_TLV_FLAG_C))
		return STAMPEDE_CNT_internal;
	return STAMPEDE_CONTINUE;
}

#endif /* STAMPEDE_BPF_TLV_REFLECTED_CONTROL_H */
