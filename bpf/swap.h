/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Turning a frame around: the swaps every reflection makes, shared by the
 * reflector and the benchmark's floor so that both pay the same for them.
 */
#ifndef STAMPEDE_BPF_SWAP_H
#define STAMPEDE_BPF_SWAP_H

#include <linux/types.h>
#include <linux/if_ether.h>

/*
 * struct ethhdr is packed, so __builtin_memcpy on its fields goes octet by
 * octet; as a 16- and a 32-bit word each address is four loads and stores.
 */
static __always_inline void swap_macs(struct ethhdr *eth)
{
	void *p = eth;
	__u16 dst_lo = *(__u16 *)p, src_lo = *(__u16 *)(p + ETH_ALEN);
	__u32 dst_hi = *(__u32 *)(p + 2), src_hi = *(__u32 *)(p + ETH_ALEN + 2);

	*(__u16 *)p = src_lo;
	*(__u32 *)(p + 2) = src_hi;
	*(__u16 *)(p + ETH_ALEN) = dst_lo;
	*(__u32 *)(p + ETH_ALEN + 2) = dst_hi;
}

#endif /* STAMPEDE_BPF_SWAP_H */
