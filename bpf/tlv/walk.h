/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The RFC 8972 TLV walk over the octets after the 44-octet base.  Each TLV
 * is answered by its type's handler (one file per type in bpf/tlv/); its Flags octet then says what happened:
 * U cleared when answered, U set (value untouched) when not, M set when
 * it cannot be parsed, which also ends the walk (RFC 8972 4).  What the
 * TLVs ask of the reply's headers is collected in a plan that the
 * reflector applies once the walk is done.
 */
#ifndef STAMPEDE_BPF_TLV_WALK_H
#define STAMPEDE_BPF_TLV_WALK_H

#include <stdbool.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "stamp_wire.h"
#include "stampede_kern_user.h"
#include "stampede_auth.h"
#include "maps.h"
#include "parsing.h"
#include "tlv/io.h"
#include "tlv/plan.h"

/* The load-time configuration (stampede.bpf.c): handlers honour its options. */
extern const volatile struct stampede_config cfg;

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
	struct stampede_auth_key_id key_id; /* the HMAC TLV's key (tlv/hmac_tlv.h) */
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

#include "tlv/sub_tlv.h"

/*
 * Sub-TLVs this reflector does not implement are marked a chunk at a time
 * by a global function, like the HMAC look-ahead (see tlv_walk): as many
 * as there may be TLVs, and the verifier follows only the loops' few
 * instructions.
 */
#define SUB_TLV_CHUNK  64
#define SUB_TLV_CHUNKS (STAMPEDE_MAX_TLVS / SUB_TLV_CHUNK)

/*
 * Up to a chunk of sub-TLVs this reflector does not implement, from
 * payload offset @off to @end: each gets U.  Returns where it stopped
 * (@end once all are marked), or -1 when one runs past @end (it gets M
 * when its header is there; the caller sets M on the TLV) or a write
 * failed.
 */
__noinline int sub_tlvs_unrecognized_chunk(struct stampede_ctx *ctx, __u32 off, __u32 end)
{
	struct tlv_scratch *sc = tlv_scratch_get();
	struct sub_tlv sub;
	struct tlv_io *io;
	int i;

	if (!sc)
		return -1;
	io = &sc->io;
	for (i = 0; i < SUB_TLV_CHUNK; i++) {
		switch (sub_tlv_next(ctx, io, &off, end, &sub)) {
		case SUB_TLV_NONE:
			return (int)off;
		case SUB_TLV_MALFORMED:
			sub_tlv_mark_malformed(ctx, io, &sub);
			return -1;
		default:
			if (!sub_tlv_set_header(ctx, io, &sub, sub.type, STAMP_TLV_FLAG_U))
				return -1;
		}
	}
	return (int)off;
}

/* All the sub-TLVs from @off to @end get U; false when one runs past @end (M) or a write failed. */
static __always_inline bool sub_tlvs_unrecognized(struct stampede_ctx *ctx, __u32 off, __u32 end)
{
	int i, next;

	for (i = 0; i < SUB_TLV_CHUNKS; i++) {
		if (off >= end)
			return true;
		next = sub_tlvs_unrecognized_chunk(ctx, off, end);
		if (next < 0)
			return false;
		off = (__u32)next;
	}
	return off >= end;
}

#include "tlv/location.h"
#include "tlv/timestamp_info.h"
#include "tlv/class_of_service.h"
#include "tlv/direct_measurement.h"
#include "tlv/access_report.h"
#include "tlv/follow_up.h"
#include "tlv/addr_value.h"
#include "tlv/dest_node_addr.h"
#include "tlv/return_path.h"
#include "tlv/micro_session.h"
#include "tlv/reflected_control.h"

/*
 * Each handler is a global BPF function: the verifier checks it once, not
 * once per TLV the walk might meet.  It finds its state in the scratch
 * entry (see struct tlv_scratch).
 */
#define TLV_HANDLER(name)                                                                        \
	__noinline int name(struct stampede_ctx *ctx)                                            \
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
static __always_inline int tlv_answer(struct stampede_ctx *ctx, struct tlv_io *io,
				      struct tlv_env *env, struct tlv_plan *plan, __u8 type)
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
		/* HMAC (8) is judged by the walk (tlv/hmac_tlv.h); the rest are unknown. */
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
 * I says an HMAC TLV was not verified (tlv/hmac_tlv.h).
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
static __always_inline void tlv_stray_tail(struct stampede_ctx *ctx, struct tlv_io *io, __u32 off,
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
 * The walks below go over every TLV a 9000-octet frame can hold
 * (STAMPEDE_MAX_TLVS): a Flags octet left as the sender set it would say
 * the reflector understood (U clear) or did not understand a TLV it never
 * looked at, and RFC 8972 4 wants U set exactly on those it did not
 * understand.  Each TLV is one call of a global function, verified once:
 * the verifier follows the loop's few instructions, never the bound's
 * worth of handler bodies.  The HMAC look-ahead reads headers only, so a
 * chunk of its steps is one call.  The work per packet grows with its TLV
 * count, as a checksum's does with its length.
 */
#define TLV_WALK_CHUNK	64
#define TLV_WALK_CHUNKS (STAMPEDE_MAX_TLVS / TLV_WALK_CHUNK)

enum tlv_step {
	TLV_STEP_NEXT, /* go on with the TLV at io->walk_off */
	TLV_STEP_END,  /* the chain ended, or the walk stopped */
};

/*
 * One TLV header of tlv_find_hmac's look, at io->walk_off.  It notes the
 * first HMAC TLV (io->hmac_at, its Length), whether a TLV other than
 * Extra Padding comes before it, and whether one comes after it (RFC
 * 8972 4.8: it follows every TLV but Extra Padding), where the look ends.
 */
static __always_inline enum tlv_step tlv_find_hmac_step(struct stampede_ctx *ctx, struct tlv_io *io)
{
	struct stamp_tlv hdr;
	__u32 off, left, len;

	off = io->walk_off;
	if (off >= io->payload_len)
		return TLV_STEP_END;
	left = io->payload_len - off;
	if (left < STAMP_TLV_HDR_LEN || !tlv_load(ctx, io, off, &hdr, sizeof(hdr)))
		return TLV_STEP_END;
	len = ntohs_bounded(hdr.length);
	if (io->hmac_at) {
		if (hdr.type != STAMP_TLV_EXTRA_PADDING) {
			io->hmac_misplaced = true;
			return TLV_STEP_END;
		}
	} else if (hdr.type == STAMP_TLV_HMAC) {
		io->hmac_at = off;
		io->hmac_len = len;
	} else if (hdr.type != STAMP_TLV_EXTRA_PADDING) {
		io->nonpad_before = true;
	}
	if (len > left - STAMP_TLV_HDR_LEN)
		return TLV_STEP_END;
	io->walk_off = off + STAMP_TLV_HDR_LEN + len;
	return TLV_STEP_NEXT;
}

/* A chunk of tlv_find_hmac's steps in one call: the look reads headers only. */
__noinline int tlv_find_hmac_chunk(struct stampede_ctx *ctx)
{
	struct tlv_scratch *sc = tlv_scratch_get();
	int i;

	if (!sc)
		return TLV_STEP_END;
	for (i = 0; i < TLV_WALK_CHUNK; i++)
		if (tlv_find_hmac_step(ctx, &sc->io) != TLV_STEP_NEXT)
			return TLV_STEP_END;
	return TLV_STEP_NEXT;
}

/*
 * Sets io->hmac_at to the payload offset of an HMAC TLV's header, 0 when
 * there is none (or the TLVs cannot be walked to one), and what
 * tlv_find_hmac_step notes.  RFC 8972 4.8: an HMAC TLV, in either mode,
 * protects the TLVs before it, which must not be acted on before it is
 * verified (tlv/hmac_tlv.h).
 */
static __always_inline void tlv_find_hmac(struct stampede_ctx *ctx, struct tlv_io *io)
{
	int i;

	io->hmac_at = 0;
	io->hmac_len = 0;
	io->hmac_misplaced = false;
	io->nonpad_before = false;
	io->walk_off = io->tlv_start;
	for (i = 0; i < TLV_WALK_CHUNKS; i++)
		if (tlv_find_hmac_chunk(ctx) != TLV_STEP_NEXT)
			break;
}

#include "tlv/hmac_tlv.h"

/* Answer the TLV at io->walk_off and move past it: the walk's step. */
__noinline int tlv_walk_one(struct stampede_ctx *ctx)
{
	struct tlv_scratch *sc = tlv_scratch_get();
	struct tlv_env *env;
	struct tlv_plan *plan;
	struct tlv_io *io;
	struct stampede_tlv_counters *tc;
	struct stampede_tlv_stats *ts;
	struct stamp_tlv hdr;
	__u32 zero = 0, off, left, len, hmac_at;
	int out;
	__u64 idx;

	if (!sc)
		return TLV_STEP_END;
	io = &sc->io;
	env = &sc->env;
	plan = &sc->plan;
	ts = bpf_map_lookup_elem(&tlv_stats, &zero);
	if (!ts)
		return TLV_STEP_END; /* cannot happen: an array's key 0 */
	off = io->walk_off;
	hmac_at = io->hmac_at;
	if (off >= io->payload_len) {
		plan->complete = true;
		return TLV_STEP_END;
	}
	left = io->payload_len - off;
	if (left < STAMP_TLV_HDR_LEN) {
		tlv_stray_tail(ctx, io, off, &ts->type[0]);
		return TLV_STEP_END;
	}
	if (!tlv_load(ctx, io, off, &hdr, sizeof(hdr)))
		return TLV_STEP_END;
	len = ntohs_bounded(hdr.length);
	if (len > left - STAMP_TLV_HDR_LEN) {
		out = TLV_MALFORMED; /* runs past the packet */
	} else if (io->hmac_state == HMAC_TLV_FAILED) {
		/* RFC 8972 4.8: every TLV copied, not acted on, with I. */
		out = TLV_UNVERIFIED;
	} else if (hmac_at == off) {
		/* Verified: its Value is the reply's HMAC, computed last (hmac_tlv_sign). */
		out = io->hmac_state == HMAC_TLV_VERIFIED ? TLV_ANSWERED : TLV_UNVERIFIED;
	} else if (io->hmac_state == HMAC_TLV_UNKEYED && off < hmac_at &&
		   hdr.type != STAMP_TLV_EXTRA_PADDING) {
		/* Protected by an HMAC we cannot verify: not acted on (padding asks nothing). */
		out = TLV_UNRECOGNIZED;
	} else {
		io->value = off + STAMP_TLV_HDR_LEN;
		io->len = len;
		out = tlv_answer(ctx, io, env, plan, hdr.type);
	}
	if (io->failed)
		return TLV_STEP_END;
	if (!tlv_rewrite_octet(ctx, io, off, hdr.flags, tlv_reply_flags(out, hdr.type)))
		return TLV_STEP_END;
	/* One register, compared and then used: older verifiers need the bound on it. */
	idx = hdr.type;
	barrier_var(idx);
	if (idx >= STAMPEDE_TLV_STATS_TYPES)
		idx = 0;
	tc = &ts->type[idx];
	tlv_count(io, tc, out, hdr.type);
	/* Malformed, or the packet is to be dropped (another member link). */
	if (out == TLV_MALFORMED || plan->discard)
		return TLV_STEP_END;
	if (hdr.type == STAMP_TLV_EXTRA_PADDING)
		plan->n_padding++;
	plan->last_off = off;
	plan->last_type = hdr.type;
	io->walk_off = off + STAMP_TLV_HDR_LEN + len;
	return TLV_STEP_NEXT;
}

/* A TLV counted answered goes back unrecognized after all. */
static __always_inline void tlv_recount_unrecognized(struct stampede_tlv_stats *ts, __u8 type)
{
	if (type < STAMPEDE_TLV_STATS_TYPES) {
		ts->type[type].answered--;
		ts->type[type].unrecognized++;
	}
}

/*
 * draft-ietf-ippm-asymmetrical-pkts-14 section 4.3: a Return Path Control
 * Code asking for no reply contradicts a Reflected Test Packet Control TLV
 * asking for one or more.  A reflector that supports both "MUST set the U
 * flag to 1 in Return Path and Reflected Test Packet Control TLVs in the
 * reflected STAMP packet": it follows neither, and sends the one reply
 * the request would have had without them.  The Control Code sub-TLV,
 * not followed either, gets U too.  Both TLVs were answered (Flags 0).
 */
static __always_inline void tlv_no_reply_conflict(struct stampede_ctx *ctx, struct tlv_scratch *sc)
{
	struct tlv_plan *plan = &sc->plan;
	struct tlv_io *io = &sc->io;
	struct stampede_tlv_stats *ts;
	__u32 zero = 0;

	if (!plan->resize || !plan->want_count || !plan->no_reply || !plan->no_reply_off)
		return;
	if (!tlv_rewrite_octet(ctx, io, plan->no_reply_off, 0, STAMP_TLV_FLAG_U) ||
	    !tlv_rewrite_octet(ctx, io, plan->no_reply_code_off, 0, STAMP_TLV_FLAG_U) ||
	    !tlv_rewrite_octet(ctx, io, plan->control_off, 0, STAMP_TLV_FLAG_U))
		return; /* io->failed: the frame is dropped as internal */
	plan->no_reply = false;
	plan->resize = false;
	io->n_answered -= 2;
	io->n_unrecognized += 2;
	ts = bpf_map_lookup_elem(&tlv_stats, &zero);
	if (ts) {
		tlv_recount_unrecognized(ts, STAMP_TLV_RETURN_PATH);
		tlv_recount_unrecognized(ts, STAMP_TLV_REFLECTED_CONTROL);
	}
}

/*
 * Walk the TLVs of the payload described by @io, answering each; a frame
 * the helpers could not read or write is marked io->failed.  A global
 * function like the handlers: inline, its loop would be verified once per
 * path of the program that reaches it.
 */
__noinline int tlv_walk(struct stampede_ctx *ctx)
{
	struct tlv_scratch *sc = tlv_scratch_get();
	struct tlv_io *io;
	int i;

	if (!sc)
		return 0;
	io = &sc->io;
	tlv_find_hmac(ctx, io);
	/* The look may have failed on a frame the walk can still mark. */
	io->failed = false;
	io->hmac_state = HMAC_TLV_NONE;
	/* Authenticated mode wants an HMAC TLV unless only Extra Padding is there. */
	if (io->hmac_at || (io->authenticated && io->nonpad_before))
		tlv_hmac_verify(ctx);
	io->failed = false;
	io->walk_off = io->tlv_start;
	/*
	 * One call per TLV, one branch: the verifier keeps a state per
	 * iteration for the way out, and 5.10 allows 8192 of them.
	 */
	for (i = 0; i < STAMPEDE_MAX_TLVS; i++)
		if (tlv_walk_one(ctx) != TLV_STEP_NEXT)
			break;
	/* Only a frame longer than 9 KiB holds more TLVs (see above); counted. */
	if (i == STAMPEDE_MAX_TLVS) {
		if (io->walk_off < io->payload_len)
			io->walk_cut = true;
		else
			sc->plan.complete = true;
	}
	if (!io->failed)
		tlv_no_reply_conflict(ctx, sc);
	return 0;
}

/*
 * Answer the TLVs after a request's base (44 octets, or 112 when
 * @authenticated, whose walk follows the HMAC TLV's rules for that mode).
 * What a TLV reports comes from @s, the request's session, or with no
 * session (stateless) from this CPU's counters @st; the walk's counts go
 * to @st.  The session has not counted this packet yet (received adds
 * it): both modes note it after the walk, unless this returns internal or
 * micro_session (another member link's packet is not this session's).
 * Returns STAMPEDE_CONTINUE with *scp the scratch holding the walk's plan
 * and checksum delta, internal when the frame could not be walked, or
 * micro_session when the request named another member link.
 */
static __always_inline __u32 tlv_answer_request(struct stampede_ctx *ctx,
						const struct stampede_pkt *pkt,
						const struct stampede_clock *clk,
						const struct stampede_session *s,
						struct stampede_stats *st, bool authenticated,
						struct tlv_scratch **scp)
{
	struct tlv_scratch *sc = tlv_scratch_get();
	struct tlv_session_view *view;
	struct tlv_io *io;

	if (!sc)
		return STAMPEDE_CNT_internal; /* cannot happen: an array's key 0 */
	io = &sc->io;
	view = &sc->env.sess;
	__builtin_memset(io, 0, sizeof(*io));
	io->payload_off = pkt->l4_off + sizeof(struct udphdr);
	io->payload_len = pkt->payload_len;
	io->tlv_start = authenticated ? STAMP_AUTH_BASE_SIZE : STAMP_BASE_LEN;
	io->authenticated = authenticated;
	__builtin_memset(&sc->plan, 0, sizeof(sc->plan));
	__builtin_memset(view, 0, sizeof(*view));
	sc->env.pkt = *pkt;
	sc->env.clk = *clk;
	view->stateful = s != NULL;
	if (s) {
		view->received = s->received + 1;
		view->transmitted = s->reflected + 1;
		view->last_reply_seq = s->last_reply_seq;
		view->last_reply_t3 = s->last_reply_t3;
	} else {
		/*
		 * A stateless reflector keeps no session, so Direct Measurement
		 * gets this CPU's counts (RSS keeps a flow on one CPU): the test
		 * packets it took in, answered or then dropped or passed, and
		 * the replies it sent, this one included either way.  Read
		 * from the counters every packet updates anyway: no cost
		 * without the TLV.
		 */
		view->received = st->reflected + st->no_reply + st->micro_session +
				 st->no_tailroom + st->no_session + 1;
		view->transmitted = st->reflected + 1;
	}
	tlv_walk(ctx);
	st->tlv_padding += io->n_padding;
	st->tlv_answered += io->n_answered;
	st->tlv_unrecognized += io->n_unrecognized;
	st->tlv_malformed += io->n_malformed;
	st->tlv_walk_cut += io->walk_cut;
	if (io->failed)
		return STAMPEDE_CNT_internal;
	/* Dropped as the sender asked: no reply for another member link. */
	if (sc->plan.discard)
		return STAMPEDE_CNT_micro_session;
	*scp = sc;
	return STAMPEDE_CONTINUE;
}

#endif /* STAMPEDE_BPF_TLV_WALK_H */
