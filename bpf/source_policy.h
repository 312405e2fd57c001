/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Who gets answered, and how often: the source allow-list (allow PREFIX)
 * and the token buckets of rate-limit and rate-limit-all.  Both are
 * load-time options: a configuration without them prunes all of this.
 */
#ifndef STAMPEDE_BPF_SOURCE_POLICY_H
#define STAMPEDE_BPF_SOURCE_POLICY_H

#include <stdbool.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "stampede_kern_user.h"
#include "maps.h"
#include "parsing.h"

extern const volatile struct stampede_config cfg;

/* Is the sender inside one of the allowed prefixes?  Its own family's only. */
static __always_inline bool source_allowed(const struct stampede_pkt *pkt)
{
	struct stampede_allow_key key;

	key.prefixlen = STAMPEDE_ALLOW_KEY_BITS;
	key.family = pkt->ipv6 ? STAMPEDE_ALLOW_FAMILY_V6 : STAMPEDE_ALLOW_FAMILY_V4;
	key.addr = pkt->src;
	return bpf_map_lookup_elem(&allow_src, &key) != NULL;
}

/*
 * Take a token from @b at @now, the GCRA way (struct stampede_rate).
 * Across CPUs: the common step is an atomic add, which needs no fetch (the
 * value is not used), so concurrent packets are all charged.  A check and
 * its add are not one step: CPUs passing the check at once may each add,
 * letting through at most one packet more per CPU racing; the refill store
 * after an idle spell can likewise lose a charge per CPU racing.
 */
static __always_inline bool bucket_take(struct stampede_rate_bucket *b, __u64 now,
					const volatile struct stampede_rate *r)
{
	__u64 tat = *(volatile __u64 *)&b->tat_ns;

	if (tat > now + r->reset_ns || tat < now) {
		/* Refilled (idle), or the clock went back: a full bucket, this packet taken. */
		b->tat_ns = now + r->interval_ns;
		return true;
	}
	if (tat > now + r->tau_ns)
		return false;
	__sync_fetch_and_add(&b->tat_ns, r->interval_ns);
	return true;
}

/*
 * STAMPEDE_CONTINUE, or the counter of a packet over a rate limit: the
 * source's bucket first, so that one source over its own limit does not
 * take the interface's tokens from the others.
 */
static __always_inline __u32 rate_check(const struct stampede_pkt *pkt, __u64 now)
{
	struct stampede_rate_bucket *b, fresh;
	__u32 zero = 0;

	if (cfg.flags & STAMPEDE_F_RATE_SRC) {
		b = bpf_map_lookup_elem(&rate_src, &pkt->src);
		if (b) {
			if (!bucket_take(b, now, &cfg.rate_src))
				return STAMPEDE_CNT_rate_limited;
		} else {
			/*
			 * A new source (or one the LRU evicted): a full
			 * bucket, less this packet.  Two CPUs adding it at
			 * once: one insert loses, one charge is lost.
			 */
			fresh.tat_ns = now + cfg.rate_src.interval_ns;
			bpf_map_update_elem(&rate_src, &pkt->src, &fresh, BPF_NOEXIST);
		}
	}
	if (cfg.flags & STAMPEDE_F_RATE_ALL) {
		b = bpf_map_lookup_elem(&rate_all, &zero);
		if (b && !bucket_take(b, now, &cfg.rate_all))
			return STAMPEDE_CNT_rate_limited_all;
	}
	return STAMPEDE_CONTINUE;
}

#endif /* STAMPEDE_BPF_SOURCE_POLICY_H */
