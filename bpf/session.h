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
 * Find or create the session of this packet and take its next reflector
 * sequence number.  Returns STAMPEDE_CNT_MAX on success or the pass reason.
 */
static __always_inline __u32 session_reflect(const struct stampede_session_key *key,
					     __u32 sender_seq, __u64 now_tai,
					     struct stampede_stats *st, __u32 *reflector_seq)
{
	struct stampede_session *s;

	s = bpf_map_lookup_elem(&sessions, key);
	if (!s) {
		/* Zeroed here, not at the top: a known session's packet skips it. */
		struct stampede_session fresh = {.first_seen_ns = now_tai};

		if (!bpf_map_update_elem(&sessions, key, &fresh, BPF_NOEXIST))
			st->session_new++;
		s = bpf_map_lookup_elem(&sessions, key);
		if (!s)
			return STAMPEDE_CNT_no_session;
	}
	*reflector_seq = (__u32)__sync_fetch_and_add(&s->reflected, 1);
	session_track_seq(s, sender_seq);
	s->last_seq = sender_seq;
	s->last_seen_ns = now_tai;
	return STAMPEDE_CNT_MAX;
}

#endif /* STAMPEDE_BPF_SESSION_H */
