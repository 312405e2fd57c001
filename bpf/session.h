/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Stateful mode: per-session reflector sequence numbers and sender-sequence bookkeeping. */
#ifndef STAMPEDE_BPF_SESSION_H
#define STAMPEDE_BPF_SESSION_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "stampede_kern_user.h"
#include "maps.h"

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
 * A new session, zeroed.  Out of line: its 80-octet entry would otherwise
 * sit in the main program's stack frame on every packet, and the BPF stack
 * holds 512 octets across the TLV handlers' call chain.
 */
static __noinline struct stampede_session *session_create(const struct stampede_session_key *key,
							  __u64 now_tai, struct stampede_stats *st)
{
	struct stampede_session fresh = {.first_seen_ns = now_tai};

	if (!bpf_map_update_elem(&sessions, key, &fresh, BPF_NOEXIST))
		st->session_new++;
	return bpf_map_lookup_elem(&sessions, key);
}

/*
 * Find or create the session of this packet.  NULL when the table cannot
 * take it (an LRU map normally evicts instead).
 */
static __always_inline struct stampede_session *
session_get(const struct stampede_session_key *key, __u64 now_tai, struct stampede_stats *st)
{
	struct stampede_session *s;

	s = bpf_map_lookup_elem(&sessions, key);
	if (s)
		return s;
	return session_create(key, now_tai, st);
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

/* The reflector Sequence Number of the reply about to be sent. */
static __always_inline __u32 session_take_seq(struct stampede_session *s)
{
	return (__u32)__sync_fetch_and_add(&s->reflected, 1);
}

/* Remember the reply for the next packet's Follow-Up Telemetry TLV. */
static __always_inline void session_note_reply(struct stampede_session *s, __u32 seq, __u64 t3_tai)
{
	s->last_reply_seq = seq;
	s->last_reply_ns = t3_tai;
}

#endif /* STAMPEDE_BPF_SESSION_H */
