/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Internet checksum arithmetic for in-place rewrites (RFC 1071, RFC 1624).
 * Sums work on 16-bit words as they lie in memory, so they are correct on
 * either byte order without swapping.
 */
#ifndef STAMPEDE_BPF_CSUM_H
#define STAMPEDE_BPF_CSUM_H

#include <linux/types.h>
#include <bpf/bpf_helpers.h>

/* Fold a 64-bit one's complement accumulator to 16 bits (not inverted). */
static __always_inline __u16 csum_fold64(__u64 acc)
{
	acc = (acc & 0xffffffff) + (acc >> 32);
	acc = (acc & 0xffff) + (acc >> 16);
	acc = (acc & 0xffff) + (acc >> 16);
	acc = (acc & 0xffff) + (acc >> 16);
	return (__u16)acc;
}

/* Account for one 16-bit word changing from old to new (RFC 1624 eqn. 3). */
static __always_inline void csum_acc_word(__u64 *acc, __u16 old, __u16 new)
{
	*acc += (__u16)~old;
	*acc += new;
}

/*
 * An octet as its share of the 16-bit word it lies in: the first octet of
 * a word in memory is the low half on a little-endian machine.
 */
static __always_inline __u16 csum_octet_in_word(__u32 offset, __u8 octet)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return (offset & 1) ? (__u16)octet << 8 : octet;
#else
	return (offset & 1) ? octet : (__u16)octet << 8;
#endif
}

/* Account for one octet changing; offset is from the start of the summed area. */
static __always_inline void csum_acc_byte(__u64 *acc, __u32 offset, __u8 old, __u8 new)
{
	csum_acc_word(acc, csum_octet_in_word(offset, old), csum_octet_in_word(offset, new));
}

/* Start an incremental update from the checksum field as it was. */
static __always_inline __u64 csum_acc_start(__u16 check)
{
	return (__u16)~check;
}

/* The checksum field value for an accumulator. */
static __always_inline __u16 csum_acc_finish(__u64 acc)
{
	return (__u16)~csum_fold64(acc);
}

#endif /* STAMPEDE_BPF_CSUM_H */
