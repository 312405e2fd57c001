/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Wire-order fields read as numbers whose range every supported verifier knows. */
#ifndef STAMPEDE_BPF_BYTEORDER_H
#define STAMPEDE_BPF_BYTEORDER_H

#include <linux/types.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

/*
 * bpf_ntohs() with its range said again.  Older verifiers (6.12 among them) take a
 * byte swap's result as any 64-bit value, so a length read this way could
 * not be added to a packet pointer or bound a loop; the mask after the
 * barrier (which keeps the compiler from dropping it) gives the range back
 * for one instruction.
 */
static __always_inline __u32 ntohs_bounded(__be16 v)
{
	__u32 x = bpf_ntohs(v);

	barrier_var(x);
	return x & 0xffff;
}

#endif /* STAMPEDE_BPF_BYTEORDER_H */
