/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What the TLVs of a request ask of its reply's headers: the walk
 * (tlv/walk.h) fills it in, the reply (reply.h) applies it.
 */
#ifndef STAMPEDE_BPF_TLV_PLAN_H
#define STAMPEDE_BPF_TLV_PLAN_H

#include <stdbool.h>
#include <linux/types.h>
#include "stampede_kern_user.h"

/* What the TLVs ask of the reply, applied after the walk. */
struct tlv_plan {
	bool no_reply; /* Return Path: no reply requested */
	bool discard;  /* Micro-session ID of another member link */
	bool set_tos;  /* Class of Service: mark the reply with tos */
	__u8 tos;
	bool set_src;		 /* Destination Node Address: reply from src */
	bool set_dst;		 /* Return Address: reply to dst */
	bool return_path_seen;	 /* only the first Return Path TLV is acted on */
	bool resize;		 /* Reflected Test Packet Control asked */
	bool over_mtu;		 /* for more than the MTU allows: want_len cut to it */
	bool complete;		 /* the walk reached the end of the payload */
	bool hmac_sign;		 /* the HMAC TLV verified: the reply's is computed */
	__u8 last_type;		 /* type of the last TLV walked */
	__u16 n_padding;	 /* Extra Padding TLVs walked */
	__u16 want_len;		 /* Length of the Reflected Packet */
	__u16 want_count;	 /* Number of the Reflected Packets */
	__u32 control_off;	 /* payload offset of that TLV */
	__u32 no_reply_off;	 /* Return Path TLV whose Control Code asked no reply */
	__u32 no_reply_code_off; /* and its Control Code sub-TLV */
	__u32 last_off;		 /* payload offset of the last TLV walked */
	union stampede_addr src;
	union stampede_addr dst;
};

#endif /* STAMPEDE_BPF_TLV_PLAN_H */
