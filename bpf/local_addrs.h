/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Is a destination one of the interface's own addresses?  Transit traffic
 * to another host's STAMP port must never be answered.  Is a source one of
 * them, or one of the interface's directed broadcasts?  Such a request is
 * never answered either.  The few addresses
 * an interface has are compared one by one (local_set); hashing a 16-octet
 * key into local_addrs cost as much as the rest of a reflection, so it is
 * left for interfaces with more addresses than the set holds.
 *
 * The controller rewrites the set in one map update while packets are
 * being answered; a packet that reads it during that copy may see the old
 * and new lists mixed, and be answered or passed as either would.  Only
 * addresses being added or removed at that instant are affected.  The
 * address watch (addr_watch.bpf.c) takes a removed address out in place,
 * in an order that never hides a remaining one from a packet.
 */
#ifndef STAMPEDE_BPF_LOCAL_ADDRS_H
#define STAMPEDE_BPF_LOCAL_ADDRS_H

#include <stdbool.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "stampede_kern_user.h"
#include "maps.h"

static __always_inline bool in_v4_set(const struct stampede_local_set *set, __be32 addr)
{
	int i;

	for (i = 0; i < STAMPEDE_LOCAL_SET_ADDRS; i++) {
		if (i >= set->n_v4)
			return false;
		if (set->v4[i] == addr)
			return true;
	}
	return false;
}

static __always_inline bool in_v6_set(const struct stampede_local_set *set,
				      const union stampede_addr *addr)
{
	const union stampede_addr *a;
	int i;

	for (i = 0; i < STAMPEDE_LOCAL_SET_ADDRS; i++) {
		if (i >= set->n_v6)
			return false;
		a = &set->v6[i];
		if (a->w[3] == addr->w[3] && a->w[2] == addr->w[2] && a->w[1] == addr->w[1] &&
		    a->w[0] == addr->w[0])
			return true;
	}
	return false;
}

static __always_inline bool in_v4_bcast_set(const struct stampede_local_set *set, __be32 addr)
{
	int i;

	for (i = 0; i < STAMPEDE_LOCAL_SET_ADDRS; i++) {
		if (i >= set->n_bcast_v4)
			return false;
		if (set->bcast_v4[i] == addr)
			return true;
	}
	return false;
}

/* This CPU's view of the set; NULL cannot happen (an array's key 0). */
static __always_inline const struct stampede_local_set *local_set_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&local_set, &zero);
}

/*
 * Is @dst one of the interface's addresses?  IPv4 as ::ffff:a.b.c.d (the
 * caller rules out such IPv6 packets).  A directed broadcast is in the hash
 * too, tagged apart: a packet sent to it is not ours to answer.
 */
static __always_inline bool is_local_addr_in(const struct stampede_local_set *set,
					     const union stampede_addr *dst, bool ipv6)
{
	const __u8 *tag;

	if (ipv6) {
		if (in_v6_set(set, dst))
			return true;
		if (!set->more_v6)
			return false;
	} else {
		if (in_v4_set(set, dst->w[3]))
			return true;
		if (!set->more_v4)
			return false;
	}
	tag = bpf_map_lookup_elem(&local_addrs, dst);
	return tag && *tag == STAMPEDE_ADDR_LOCAL;
}

static __always_inline bool is_local_addr(const union stampede_addr *dst, bool ipv6)
{
	const struct stampede_local_set *set = local_set_get();

	return set && is_local_addr_in(set, dst, ipv6);
}

/*
 * Does @addr name this interface: one of its addresses (when
 * @with_addrs), or the directed broadcast of one of its IPv4 subnets?  A
 * request from there is forged or looped, and its reply would go back to
 * us or to the whole subnet.  The set answers the common case (one
 * address, one broadcast) with a compare or two; the hash is looked up
 * only when the set does not hold them all.
 */
static __always_inline bool names_interface_in(const struct stampede_local_set *set,
					       const union stampede_addr *addr, bool ipv6,
					       bool with_addrs)
{
	__u8 *tag;

	if (ipv6) {
		/* IPv6 has no broadcast. */
		if (!with_addrs)
			return false;
		if (in_v6_set(set, addr))
			return true;
		if (!set->more_v6)
			return false;
	} else {
		if ((with_addrs && in_v4_set(set, addr->w[3])) || in_v4_bcast_set(set, addr->w[3]))
			return true;
		if (!(with_addrs && set->more_v4) && !set->more_bcast_v4)
			return false;
	}
	/*
	 * Another interface's address (STAMPEDE_ADDR_NODE) is not this
	 * interface's: the set, which never holds one, says so too.
	 */
	tag = bpf_map_lookup_elem(&local_addrs, addr);
	return tag &&
	       (*tag == STAMPEDE_ADDR_BROADCAST || (with_addrs && *tag == STAMPEDE_ADDR_LOCAL));
}

/*
 * Is @addr the node's: one of the interface's addresses, or another
 * interface's in the network namespace (tagged STAMPEDE_ADDR_NODE)?  For
 * the Destination Node Address TLV only; a request is answered only on
 * the interface's own.
 */
static __always_inline bool is_node_addr(const union stampede_addr *addr, bool ipv6)
{
	__u8 *tag;

	if (is_local_addr(addr, ipv6))
		return true;
	tag = bpf_map_lookup_elem(&local_addrs, addr);
	return tag && *tag == STAMPEDE_ADDR_NODE;
}

static __always_inline bool names_interface(const union stampede_addr *addr, bool ipv6)
{
	const struct stampede_local_set *set = local_set_get();

	return set && names_interface_in(set, addr, ipv6, true);
}

#endif /* STAMPEDE_BPF_LOCAL_ADDRS_H */
