/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Stateful mode: per-session reflector sequence numbers and sender-sequence bookkeeping. */
#ifndef STAMPEDE_BPF_SESSION_H
#define STAMPEDE_BPF_SESSION_H

#include <stdbool.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "stamp_wire.h"
#include "stampede_kern_user.h"
#include "maps.h"

extern const volatile struct stampede_config cfg;

/*
 * A stateful packet's session, and the set it lives in: the set's lock
 * stands in for an atomic where the kernel has none.
 */
struct session_ref {
	struct stampede_session_set *set;
	struct stampede_session *s;
};

/* Keeps the compiler from moving stores across it (x86 keeps their order). */
#define compiler_store_order() asm volatile("" ::: "memory")

/*
 * Track the sender's sequence numbers with a 64-number window, like an
 * anti-replay window: jumps ahead count the numbers skipped, numbers seen
 * again are duplicates, late ones are reordered.  Only the reflector
 * counter must be exact across CPUs (it is atomic); a sender's packets
 * normally arrive on one queue, so the window needs no lock.
 */
static __always_inline void session_track_seq(struct stampede_session *s, __u32 seq)
{
	__s32 ahead;
	__u32 behind;

	if (!s->seq_window) {
		s->highest_seq = seq;
		s->seq_window = 1;
		return;
	}
	ahead = (__s32)(seq - s->highest_seq);
	if (ahead > 0) {
		s->seq_gaps += ahead - 1;
		s->seq_window = ahead >= STAMPEDE_SEQ_WINDOW ? 1 : (s->seq_window << ahead) | 1;
		s->highest_seq = seq;
		return;
	}
	behind = -(__u32)ahead;
	if (behind >= STAMPEDE_SEQ_WINDOW) {
		s->reordered++;
	} else if (s->seq_window & (1ULL << behind)) {
		s->duplicates++;
	} else {
		s->seq_window |= 1ULL << behind;
		s->reordered++;
	}
}

/*
 * The set a session lives in: its key hashed with the controller's secret
 * (cfg.session_seed), a multiply and xor-shift per 64-bit word and a last
 * multiply, whose middle bits the index is cut from.  Not a cryptographic
 * hash; the secret only keeps senders from choosing keys that share a set.
 * (bench: a finalizer with more steps, or 32-bit words, measured slower.)
 * @key is 8-octet aligned.
 */
static __always_inline __u32 session_set_index(const struct stampede_session_key *key)
{
	const __u64 *w = (const __u64 *)key;
	__u64 h = cfg.session_seed;
	int i;

#pragma unroll
	for (i = 0; i < (int)(sizeof(*key) / sizeof(__u64)); i++) {
		h = (h ^ w[i]) * 0x9e3779b97f4a7c15ULL;
		h ^= h >> 29;
	}
	h *= 0xc4ceb9fe1a85ec53ULL;
	return (__u32)(h >> 32) & cfg.session_set_mask;
}

static __always_inline bool session_key_equal(const struct stampede_session_key *a,
					      const struct stampede_session_key *b)
{
	const __u64 *x = (const __u64 *)a, *y = (const __u64 *)b;

	return x[0] == y[0] && x[1] == y[1] && x[2] == y[2] && x[3] == y[3] && x[4] == y[4];
}

/* The way of @set holding @key, or STAMPEDE_SESSION_WAYS. */
static __always_inline __u32 session_way_of(const struct stampede_session_set *set,
					    const struct stampede_session_key *key)
{
	__u32 i;

#pragma unroll
	for (i = 0; i < STAMPEDE_SESSION_WAYS; i++)
		if (set->way[i].in_use && session_key_equal(&set->way[i].key, key))
			return i;
	return STAMPEDE_SESSION_WAYS;
}

/*
 * A new session in @set, under the set's lock: another CPU may have made
 * the same one since the lock-free look, or be filling a slot of the set.
 * It takes a free slot, else the least recently seen session's.  Stores go
 * in an order (in_use off, key, counters, in_use on) that keeps a
 * lock-free reader from matching a half-written key.  Out of line: only a
 * session's first packet comes here.
 */
static __noinline struct stampede_session *session_create(struct stampede_session_set *set,
							  const struct stampede_session_key *key,
							  __u64 now_tai, struct stampede_stats *st)
{
	struct stampede_session_slot *slot;
	__u64 oldest = ~0ULL;
	bool evicted = false;
	__u32 i, pick = 0;

	bpf_spin_lock(&set->lock);
	pick = session_way_of(set, key);
	if (pick < STAMPEDE_SESSION_WAYS) {
		bpf_spin_unlock(&set->lock);
		return &set->way[pick].s;
	}
	pick = 0;
#pragma unroll
	for (i = 0; i < STAMPEDE_SESSION_WAYS; i++) {
		if (!set->way[i].in_use) {
			pick = i;
			oldest = 0;
			break;
		}
		if (set->way[i].s.last_seen_ns < oldest) {
			oldest = set->way[i].s.last_seen_ns;
			pick = i;
		}
	}
	slot = &set->way[pick & (STAMPEDE_SESSION_WAYS - 1)];
	evicted = slot->in_use;
	slot->in_use = 0;
	compiler_store_order();
	slot->key = *key;
	__builtin_memset(&slot->s, 0, sizeof(slot->s));
	slot->s.first_seen_ns = now_tai;
	/* Seen now: else, until its packet is noted, it would be the set's oldest. */
	slot->s.last_seen_ns = now_tai;
	compiler_store_order();
	slot->in_use = 1;
	bpf_spin_unlock(&set->lock);
	st->session_new++;
	if (evicted)
		st->session_evicted++;
	return &slot->s;
}

/*
 * Find or create the session of this packet, into @ref: a hash and up to
 * four key compares, with no helper call; false only if the set index is
 * outside the table (a controller that sized them apart).  A lookup that races with
 * the replacement of the same slot on another CPU may count into the new
 * session; only a full set's least recently seen session is replaced.
 */
static __always_inline bool session_get(const struct stampede_session_key *key, __u64 now_tai,
					struct stampede_stats *st, struct session_ref *ref)
{
	__u32 idx = session_set_index(key), way;

	ref->set = bpf_map_lookup_elem(&sessions, &idx);
	if (!ref->set)
		return false;
	way = session_way_of(ref->set, key);
	if (way < STAMPEDE_SESSION_WAYS)
		ref->s = &ref->set->way[way].s;
	else
		ref->s = session_create(ref->set, key, now_tai, st);
	return ref->s != NULL;
}

/*
 * A test packet of the session arrived, answered or not.  Not atomic, like
 * the window: a locked add would cost every stateful packet, and only a
 * session spread over CPUs could lose a count.
 */
static __always_inline void session_note_packet(struct stampede_session *s, __u32 sender_seq,
						__u64 now_tai)
{
	s->received++;
	session_track_seq(s, sender_seq);
	s->last_seq = sender_seq;
	s->last_seen_ns = now_tai;
}

/*
 * The reflector Sequence Number of the reply about to be sent, exact
 * across CPUs: an atomic fetch-and-add where the kernel has one (5.12 and
 * later), else an increment under the set's lock.  @fetch_atomics is a
 * constant of the program (stampede_xdp or stampede_locked, see
 * stampede.bpf.c): kernels before 5.12 refuse a program that holds a
 * fetching atomic anywhere, even where it cannot run.
 */
static __always_inline __u32 session_take_seq(const struct session_ref *ref, bool fetch_atomics)
{
	__u32 seq;

	if (fetch_atomics)
		return (__u32)__sync_fetch_and_add(&ref->s->reflected, 1);
	bpf_spin_lock(&ref->set->lock);
	seq = ref->s->reflected++;
	bpf_spin_unlock(&ref->set->lock);
	return seq;
}

/*
 * Remember the reply for the next packet's Follow-Up Telemetry TLV: its
 * Timestamp as it went out, not the clock reading, so that the next reply
 * reports T3 octet for octet even if the clock map's TAI offset or the
 * format changed in between.
 */
static __always_inline void session_note_reply(struct stampede_session *s, __u32 seq,
					       const struct stamp_timestamp *t3)
{
	__u64 wire;

	__builtin_memcpy(&wire, t3, sizeof(wire));
	s->last_reply_seq = seq;
	s->last_reply_t3 = wire;
}

#endif /* STAMPEDE_BPF_SESSION_H */
