/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Address policy: which sources are answered at all, and which addresses
 * a reply may be sent to or from.  A reflector that answers anyone
 * anywhere is an amplifier and a source of spoofed traffic: these are
 * the checks that keep it from being one.  The parser (parsing.h) only
 * reads the addresses; what they mean for the reply is decided here.
 */
#ifndef STAMPEDE_BPF_ADDR_POLICY_H
#define STAMPEDE_BPF_ADDR_POLICY_H

#include <stdbool.h>
#include <linux/bpf.h>
#include <bpf/bpf_endian.h>
#include "stampede_kern_user.h"
#include "parsing.h"
#include "local_addrs.h"

extern const volatile struct stampede_config cfg;

/*
 * Addresses no reply may be sent to: unspecified, loopback, multicast and
 * broadcast, and IPv4-mapped IPv6 (no business on the wire).  @a is in the
 * IPv6 form; IPv4 as ::ffff:a.b.c.d.
 */
static __always_inline bool addr_never_a_peer(bool ipv6, const union stampede_addr *a)
{
	__u8 first;

	if (!ipv6) {
		first = a->b[12];
		/* 0/8 unspecified, 127/8 loopback, 224/4 multicast, 240/4 and broadcast */
		return first == 0 || first == 127 || first >= 224;
	}
	if (a->b[0] == 0xff || addr_is_v4_mapped(a))
		return true;
	/* :: and ::1 */
	return a->w[0] == 0 && a->w[1] == 0 && a->w[2] == 0 &&
	       (a->w[3] == 0 || a->w[3] == bpf_htonl(1));
}

/*
 * Sources a reply must never go to: it would be a broadcast (the limited
 * one, or a directed broadcast of one of our subnets), go back to this
 * host (one of the interface's addresses: a forged packet, or one looped
 * back; with the loop guard, which is on unless configured off), or leave
 * the host looking like it came from elsewhere.
 */
static __always_inline bool bad_source(const struct stampede_pkt *pkt, const __u8 *src_mac,
				       const struct stampede_local_set *set)
{
	if (src_mac[0] & 1) /* multicast or broadcast MAC */
		return true;
	/*
	 * IPv4 addresses are ::ffff:a.b.c.d here: only their last words can
	 * differ.  names_interface_in would catch it too, but this compare
	 * costs less than the hash lookup it may take, and holds while the
	 * controller rewrites the set.
	 */
	if (pkt->ipv6 ? addr_equal(&pkt->src, &pkt->dst) : pkt->src.w[3] == pkt->dst.w[3])
		return true;
	if (addr_never_a_peer(pkt->ipv6, &pkt->src))
		return true;
	return names_interface_in(set, &pkt->src, pkt->ipv6,
				  !(cfg.flags & STAMPEDE_F_NO_LOOP_GUARD));
}

/*
 * Addresses no reply may go to, whatever the prefixes say: those no
 * sender may have (bad_source's), and link-local ones, which name no one
 * beyond the sender's link.
 */
static __always_inline bool return_addr_special(bool ipv6, const union stampede_addr *a)
{
	if (addr_never_a_peer(ipv6, a))
		return true;
	if (!ipv6)
		return a->b[12] == 169 && a->b[13] == 254;  /* 169.254/16 */
	return a->b[0] == 0xfe && (a->b[1] & 0xc0) == 0x80; /* fe80::/10 */
}

#endif /* STAMPEDE_BPF_ADDR_POLICY_H */
