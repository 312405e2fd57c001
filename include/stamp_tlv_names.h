/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The one name of each STAMP TLV type (include/stamp_wire.h), as the
 * probe's `tlv` words and decoded replies, `stats show` and their JSON say
 * it, and of each synchronization source.  Userspace only.
 */
#ifndef STAMP_TLV_NAMES_H
#define STAMP_TLV_NAMES_H

#include <stddef.h>
#include "stamp_wire.h"

/* Types with a name run from 1 to this. */
#define STAMP_TLV_NAMED_MAX STAMP_TLV_REFLECTED_CONTROL

static const char *const stamp_tlv_names[STAMP_TLV_NAMED_MAX + 1] = {
	[STAMP_TLV_EXTRA_PADDING] = "padding",
	[STAMP_TLV_LOCATION] = "location",
	[STAMP_TLV_TIMESTAMP_INFO] = "timestamp-info",
	[STAMP_TLV_CLASS_OF_SERVICE] = "cos",
	[STAMP_TLV_DIRECT_MEASUREMENT] = "direct",
	[STAMP_TLV_ACCESS_REPORT] = "access",
	[STAMP_TLV_FOLLOW_UP_TELEMETRY] = "follow-up",
	[STAMP_TLV_HMAC] = "hmac",
	[STAMP_TLV_DEST_NODE_ADDR] = "dest-addr",
	[STAMP_TLV_RETURN_PATH] = "return-path",
	[STAMP_TLV_MICRO_SESSION_ID] = "micro-session",
	[STAMP_TLV_REFLECTED_CONTROL] = "reflected-control",
};

/*
 * The Synchronization Sources of the Timestamp Information TLV (RFC 8972
 * 4.3), named as `reflector attach sync-source` takes them and the probe
 * decodes them: X(value, name), in ascending value order.
 */
#define STAMP_SYNC_SOURCES(X)         \
	X(STAMP_SYNC_NTP, "ntp")      \
	X(STAMP_SYNC_PTP, "ptp")      \
	X(STAMP_SYNC_SSU_BITS, "ssu") \
	X(STAMP_SYNC_GNSS, "gnss")    \
	X(STAMP_SYNC_FREE_RUNNING, "free-running")

/* The name of TLV type @type, or NULL for one without. */
static inline const char *stamp_tlv_name(unsigned int type)
{
	return type <= STAMP_TLV_NAMED_MAX ? stamp_tlv_names[type] : NULL;
}

#endif /* STAMP_TLV_NAMES_H */
