/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What the probe's TLV files share among themselves: probe_tlv.c (names
 * and code points), probe_tlv_build.c (`tlv` words into request TLVs) and
 * probe_tlv_decode.c (reply TLVs decoded, and their text line).
 */
#ifndef STAMPEDE_PROBE_TLV_INT_H
#define STAMPEDE_PROBE_TLV_INT_H

/*
 * draft-ietf-ippm-stamp-cos-ecn takes the top nibble of the old Reserved
 * half of the CoS value: EC1 (the ECN asked for the reply) and RPE (what
 * became of it).  Shifts in the host-order 32-bit word, as stamp_wire.h's.
 */
#define COS_EC1_SHIFT	14
#define COS_RPE_SHIFT	12
#define COS_RPE_APPLIED 3
#define COS_RPE_REFUSED 2

/* Code points and their names, for both directions. */
struct code_name {
	unsigned int code;
	const char *name;
};

extern const struct code_name probe_tlv_sync_sources[];
extern const struct code_name probe_tlv_ts_methods[];
extern const struct code_name probe_tlv_access_ids[];
extern const struct code_name probe_tlv_access_codes[];
extern const struct code_name probe_tlv_location_subs[];
extern const struct code_name probe_tlv_return_path_subs[];

/* The name of @code in @table; NULL when it has none. */
const char *probe_tlv_code_name(const struct code_name *table, unsigned int code);

#endif /* STAMPEDE_PROBE_TLV_INT_H */
