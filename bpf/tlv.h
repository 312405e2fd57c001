/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The RFC 8972 TLV walk over the octets after the 44-octet base.  Only the
 * Flags octet of each TLV is rewritten; values travel back untouched.
 */
#ifndef STAMPEDE_BPF_TLV_H
#define STAMPEDE_BPF_TLV_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "stamp_wire.h"
#include "stampede_kern_user.h"
#include "csum.h"

/* Beyond this payload offset the walk stops: XDP frames fit in a page. */
#define STAMPEDE_MAX_TLV_OFF 4096

/* Flags the reflector sends back for a TLV it handled. */
static __always_inline __u8 tlv_reply_flags(__u8 type)
{
	switch (type) {
	case STAMP_TLV_EXTRA_PADDING:
		return 0;
	default:
		return STAMP_TLV_FLAG_U;
	}
}

/*
 * Walk the TLVs of a payload of payload_len octets starting at payload.
 * Flag changes are added to the UDP checksum accumulator; the payload's
 * offset from the UDP header is even, so TLV offsets give word parity.
 */
static __always_inline void tlv_walk(__u8 *payload, void *data_end, __u32 payload_len,
				     struct stampede_stats *st, __u64 *csum)
{
	__u32 off = STAMP_BASE_LEN, len;
	__u8 *tlv, old, new;
	int i;

	for (i = 0; i < STAMPEDE_MAX_TLVS; i++) {
		if (off >= payload_len)
			return;
		if (off >= STAMPEDE_MAX_TLV_OFF)
			break;
		/*
		 * The compiler knows off is below the bound and would drop a
		 * plain mask; the barrier keeps it, so the verifier sees the
		 * bound on the register actually added to the packet pointer.
		 */
		barrier_var(off);
		tlv = payload + (off & (STAMPEDE_MAX_TLV_OFF - 1));
		if ((void *)(tlv + 1) > data_end)
			return;
		old = tlv[0];
		if (off + STAMP_TLV_HDR_LEN > payload_len) {
			/* A stray tail too short for a TLV header. */
			new = (old & STAMP_TLV_FLAG_U) | STAMP_TLV_FLAG_M;
			len = 0;
		} else {
			if ((void *)(tlv + STAMP_TLV_HDR_LEN) > data_end)
				return;
			len = ((__u32)tlv[2] << 8) | tlv[3];
			if (off + STAMP_TLV_HDR_LEN + len > payload_len)
				new = (old & STAMP_TLV_FLAG_U) | STAMP_TLV_FLAG_M;
			else
				new = tlv_reply_flags(tlv[1]);
		}
		tlv[0] = new;
		csum_acc_byte(csum, off, old, new);
		if (new &STAMP_TLV_FLAG_M) {
			/* Cannot tell where the next TLV starts: copy the rest. */
			st->tlv_malformed++;
			return;
		}
		if (new &STAMP_TLV_FLAG_U)
			st->tlv_unrecognized++;
		else
			st->tlv_padding++;
		off += STAMP_TLV_HDR_LEN + len;
	}
	if (off < payload_len)
		st->tlv_walk_cut++;
}

#endif /* STAMPEDE_BPF_TLV_H */
