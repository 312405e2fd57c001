/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The RFC 8972 TLV walk over the octets after the 44-octet base.  Each TLV
 * is answered by its type's handler (tlv_rfc8972.h, tlv_rfc9503.h,
 * tlv_reflected_control.h); its Flags octet then says what happened:
 * U cleared when answered, U set (value untouched) when not, M set when
 * it cannot be parsed, which also ends the walk (RFC 8972 4).  What the
 * TLVs ask of the reply's headers is collected in a plan that the
 * reflector applies once the walk is done.
 */
#ifndef STAMPEDE_BPF_TLV_H
#define STAMPEDE_BPF_TLV_H

#include <stdbool.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "stamp_wire.h"
#include "stampede_kern_user.h"
#include "maps.h"
#include "parsing.h"
#include "tlv_io.h"
#include "tlv_plan.h"

/* What a handler made of its TLV. */
enum tlv_outcome {
	TLV_ANSWERED,	  /* U cleared */
	TLV_UNRECOGNIZED, /* U set, value as received */
	TLV_MALFORMED,	  /* M set; the walk stops */
	TLV_UNVERIFIED,	  /* HMAC not verified: I set, value as received */
};

/* The figures a TLV may report: the session's, or this CPU's when stateless. */
struct tlv_session_view {
	bool stateful;
	__u32 received;	      /* R_RxC: this packet included */
	__u32 transmitted;    /* R_TxC: this reply included */
	__u32 last_reply_seq; /* the previous reply, when last_reply_t3 */
	__u64 last_reply_t3;  /* its Timestamp as sent; 0: no previous reply */
};

/* What the sub-TLVs of one Return Path TLV asked. */
struct return_path_req {
	__u32 flags_off[STAMPEDE_MAX_SUB_TLVS]; /* payload offsets of their Flags */
	__u8 old_flags[STAMPEDE_MAX_SUB_TLVS];
	__u8 new_flags[STAMPEDE_MAX_SUB_TLVS];
	__u32 n;
	bool control_code;     /* a Control Code sub-TLV was there */
	__u32 code;	       /* its Control Code Flags */
	__u32 code_index;      /* and its place among the sub-TLVs */
	bool address_ok;       /* a Return Address we may use */
	bool unusable;	       /* a sub-TLV we cannot follow */
	bool malformed;	       /* a sub-TLV of a Length its type does not allow */
	__u32 malformed_index; /* the first such */
	union stampede_addr address;
};

/* What the handlers answer from: copies, for the global functions. */
struct tlv_env {
	struct stampede_pkt pkt;
	struct stampede_clock clk;
	struct tlv_session_view sess;
	struct return_path_req return_path; /* that handler's working state */
};

/*
 * A packet's TLV state lives in a per-CPU map, not on the stack: BPF allows
 * 512 octets across a call chain, and packets without TLVs never touch it.
 * It is also how the global functions below reach it: verifiers before
 * 5.12 accept no argument but the context and scalars in a global
 * function, so each looks the entry up itself (an array lookup the
 * verifier inlines).
 */
struct tlv_scratch {
	struct tlv_io io;
	struct tlv_env env;
	struct tlv_plan plan;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tlv_scratch);
} tlv_scratch SEC(".maps");

/* This CPU's scratch entry; NULL cannot happen (an array's key 0). */
static __always_inline struct tlv_scratch *tlv_scratch_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&tlv_scratch, &zero);
}

#include "tlv_subtlv.h"
#include "tlv_rfc8972.h"
#include "tlv_rfc9503.h"
#include "tlv_rfc9534.h"
#include "tlv_reflected_control.h"

/*
 * Each handler is a global BPF function: the verifier checks it once, not
 * once per TLV the walk might meet.  It finds its state in the scratch
 * entry (see struct tlv_scratch).
 */
#define TLV_HANDLER(name)                                                                        \
	__noinline int name(struct xdp_md *ctx)                                                  \
	{                                                                                        \
		struct tlv_scratch *sc = tlv_scratch_get();                                      \
                                                                                                 \
		if (!sc)                                                                         \
			return TLV_MALFORMED;                                                    \
		return name##_body(ctx, &sc->io, &sc->env, &sc->plan, sc->io.value, sc->io.len); \
	}

TLV_HANDLER(answer_location)
TLV_HANDLER(answer_timestamp_info)
TLV_HANDLER(answer_class_of_service)
TLV_HANDLER(answer_direct_measurement)
TLV_HANDLER(answer_access_report)
TLV_HANDLER(answer_follow_up)
TLV_HANDLER(answer_dest_node_addr)
TLV_HANDLER(answer_return_path)
TLV_HANDLER(answer_micro_session)
TLV_HANDLER(note_reflected_control)

/* io->value and io->len describe the TLV; its Length is known to fit. */
static __always_inline int tlv_answer(struct xdp_md *ctx, struct tlv_io *io, struct tlv_env *env,
				      struct tlv_plan *plan, __u8 type)
{
	switch (type) {
	case STAMP_TLV_EXTRA_PADDING:
		return TLV_ANSWERED;
	case STAMP_TLV_LOCATION:
		return answer_location(ctx);
	case STAMP_TLV_TIMESTAMP_INFO:
		return answer_timestamp_info(ctx);
	case STAMP_TLV_CLASS_OF_SERVICE:
		return answer_class_of_service(ctx);
	case STAMP_TLV_DIRECT_MEASUREMENT:
		return answer_direct_measurement(ctx);
	case STAMP_TLV_ACCESS_REPORT:
		return answer_access_report(ctx);
	case STAMP_TLV_FOLLOW_UP_TELEMETRY:
		return answer_follow_up(ctx);
	case STAMP_TLV_DEST_NODE_ADDR:
		return answer_dest_node_addr(ctx);
	case STAMP_TLV_RETURN_PATH:
		return answer_return_path(ctx);
	case STAMP_TLV_MICRO_SESSION_ID:
		return answer_micro_session(ctx);
	case STAMP_TLV_REFLECTED_CONTROL:
		return note_reflected_control(ctx);
	default:
		/* HMAC (8) belongs to authenticated mode; the rest are unknown. */
		return TLV_UNRECOGNIZED;
	}
}

static __always_inline bool tlv_type_known(__u8 type)
{
	return type >= STAMP_TLV_EXTRA_PADDING && type <= STAMP_TLV_REFLECTED_CONTROL &&
	       type != STAMP_TLV_HMAC;
}

/*
 * The Flags octet a TLV goes back with.  Reserved bits are sent as zero;
 * I belongs to HMAC verification, which this mode does not do.
 */
static __always_inline __u8 tlv_reply_flags(int out, __u8 type)
{
	switch (out) {
	case TLV_ANSWERED:
		return 0;
	case TLV_MALFORMED:
		return tlv_type_known(type) ? STAMP_TLV_FLAG_M
					    : STAMP_TLV_FLAG_U | STAMP_TLV_FLAG_M;
	case TLV_UNVERIFIED:
		return STAMP_TLV_FLAG_I;
	default:
		return STAMP_TLV_FLAG_U;
	}
}

static __always_inline void tlv_count(struct tlv_io *io, struct stampede_tlv_counters *tc, int out,
				      __u8 type)
{
	tc->seen++;
	if (out == TLV_MALFORMED) {
		tc->malformed++;
		io->n_malformed++;
	} else if (out == TLV_UNRECOGNIZED || out == TLV_UNVERIFIED) {
		tc->unrecognized++;
		io->n_unrecognized++;
	} else {
		tc->answered++;
		if (type == STAMP_TLV_EXTRA_PADDING)
			io->n_padding++;
		else
			io->n_answered++;
	}
}

/*
 * A tail of 1 to 3 octets after the last TLV cannot hold a header: M goes
 * on its first octet, and U stays as the sender set it (no type to judge).
 */
static __always_inline void tlv_stray_tail(struct xdp_md *ctx, struct tlv_io *io, __u32 off,
					   struct stampede_tlv_counters *other)
{
	__u8 old;

	if (!tlv_load(ctx, io, off, &old, 1))
		return;
	tlv_rewrite_octet(ctx, io, off, old, (old & STAMP_TLV_FLAG_U) | STAMP_TLV_FLAG_M);
	other->seen++;
	other->malformed++;
	io->n_malformed++;
}

/*
 * The payload offset of an HMAC TLV's header, 0 when there is none (or the
 * TLVs cannot be walked to one).  RFC 8972 4.8: an HMAC TLV, in either
 * mode, protects the TLVs before it, which must not be acted on before it
 * is verified.  This reflector holds no key in unauthenticated mode, so it
 * cannot verify one: the walk then acts on none of them.  A global
 * function: verified once, apart from the walk.
 */
__noinline int tlv_find_hmac(struct xdp_md *ctx)
{
	struct tlv_scratch *sc = tlv_scratch_get();
	__u32 off = STAMP_BASE_LEN, left, len;
	struct stamp_tlv hdr;
	struct tlv_io *io;
	int i;

	if (!sc)
		return 0;
	io = &sc->io;
	for (i = 0; i < STAMPEDE_MAX_TLVS; i++) {
		if (off >= io->payload_len)
			return 0;
		left = io->payload_len - off;
		if (left < STAMP_TLV_HDR_LEN || !tlv_load(ctx, io, off, &hdr, sizeof(hdr)))
			return 0;
		if (hdr.type == STAMP_TLV_HMAC)
			return (int)off;
		len = ntohs_bounded(hdr.length);
		if (len > left - STAMP_TLV_HDR_LEN)
			return 0;
		off += STAMP_TLV_HDR_LEN + len;
	}
	return 0;
}

/*
 * Walk the TLVs of the payload described by @io, answering each; a frame
 * the helpers could not read or write is marked io->failed.  A global
 * function like the handlers, for the same reason.
 */
__noinline int tlv_walk(struct xdp_md *ctx)
{
	struct tlv_scratch *sc = tlv_scratch_get();
	struct tlv_env *env;
	struct tlv_plan *plan;
	struct tlv_io *io;
	struct stampede_tlv_counters *tc;
	struct stampede_tlv_stats *ts;
	struct stamp_tlv hdr;
	__u32 zero = 0, off = STAMP_BASE_LEN, left, len;
	int i, out, hmac_at;
	__u64 idx;

	if (!sc)
		return 0;
	io = &sc->io;
	env = &sc->env;
	plan = &sc->plan;
	ts = bpf_map_lookup_elem(&tlv_stats, &zero);
	if (!ts)
		return 0; /* cannot happen: an array's key 0 */
	hmac_at = tlv_find_hmac(ctx);
	/* The look may have failed on a frame the walk can still mark. */
	io->failed = false;
	for (i = 0; i < STAMPEDE_MAX_TLVS; i++) {
		if (off >= io->payload_len) {
			plan->complete = true;
			return 0;
		}
		left = io->payload_len - off;
		if (left < STAMP_TLV_HDR_LEN) {
			tlv_stray_tail(ctx, io, off, &ts->type[0]);
			return 0;
		}
		if (!tlv_load(ctx, io, off, &hdr, sizeof(hdr)))
			return 0;
		len = ntohs_bounded(hdr.length);
		if (len > left - STAMP_TLV_HDR_LEN) {
			out = TLV_MALFORMED; /* runs past the packet */
		} else if ((__u32)hmac_at == off) {
			out = TLV_UNVERIFIED;
		} else if (off < (__u32)hmac_at && hdr.type != STAMP_TLV_EXTRA_PADDING) {
			/* Protected by an HMAC we cannot verify: not acted on (padding asks nothing). */
			out = TLV_UNRECOGNIZED;
		} else {
			io->value = off + STAMP_TLV_HDR_LEN;
			io->len = len;
			out = tlv_answer(ctx, io, env, plan, hdr.type);
		}
		if (io->failed)
			return 0;
		if (!tlv_rewrite_octet(ctx, io, off, hdr.flags, tlv_reply_flags(out, hdr.type)))
			return 0;
		/* One register, compared and then used: older verifiers need the bound on it. */
		idx = hdr.type;
		barrier_var(idx);
		if (idx >= STAMPEDE_TLV_STATS_TYPES)
			idx = 0;
		tc = &ts->type[idx];
		tlv_count(io, tc, out, hdr.type);
		/* Malformed, or the packet is to be dropped (another member link). */
		if (out == TLV_MALFORMED || plan->discard)
			return 0;
		if (hdr.type == STAMP_TLV_EXTRA_PADDING)
			plan->n_padding++;
		plan->last_off = off;
		plan->last_type = hdr.type;
		off += STAMP_TLV_HDR_LEN + len;
	}
	if (off < io->payload_len)
		io->walk_cut = true;
	else
		plan->complete = true;
	return 0;
}

#endif /* STAMPEDE_BPF_TLV_H */
