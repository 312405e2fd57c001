// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * STAMP TLVs of the probe: their names and code points.  `tlv` words are
 * built into requests in probe_tlv_build.c, reply TLVs decoded in
 * probe_tlv_decode.c.
 */
#include <stddef.h>

#include "probe.h"
#include "probe_tlv.h"
#include "stamp_tlv_names.h"
#include "probe_tlv_int.h"

/* Return Codes of the Access Report (RFC 8972 5.6). */
#define ACCESS_AVAILABLE   1
#define ACCESS_UNAVAILABLE 2

/* ---- names ---------------------------------------------------------------- */

const char *probe_tlv_name(uint8_t type)
{
	return stamp_tlv_name(type);
}

#define SYNC_SRC_CODE(value, name) {value, name},
const struct code_name probe_tlv_sync_sources[] = {
	STAMP_SYNC_SOURCES(SYNC_SRC_CODE){0, NULL},
};
#undef SYNC_SRC_CODE

const struct code_name probe_tlv_ts_methods[] = {
	{STAMP_TSM_HW_ASSIST, "hw-assist"},
	{STAMP_TSM_SW_LOCAL, "sw-local"},
	{STAMP_TSM_CONTROL_PLANE, "control-plane"},
	{0, NULL},
};

const struct code_name probe_tlv_access_ids[] = {
	{STAMP_ACCESS_3GPP, "3gpp"},
	{STAMP_ACCESS_NON_3GPP, "non-3gpp"},
	{0, NULL},
};

const struct code_name probe_tlv_access_codes[] = {
	{ACCESS_AVAILABLE, "available"},
	{ACCESS_UNAVAILABLE, "unavailable"},
	{0, NULL},
};

const struct code_name probe_tlv_location_subs[] = {
	{STAMP_LOC_SRC_MAC, "src-mac"},	    {STAMP_LOC_SRC_EUI48, "src-eui48"},
	{STAMP_LOC_SRC_EUI64, "src-eui64"}, {STAMP_LOC_DST_IP, "dst-ip"},
	{STAMP_LOC_DST_IPV4, "dst-ipv4"},   {STAMP_LOC_DST_IPV6, "dst-ipv6"},
	{STAMP_LOC_SRC_IP, "src-ip"},	    {STAMP_LOC_SRC_IPV4, "src-ipv4"},
	{STAMP_LOC_SRC_IPV6, "src-ipv6"},   {0, NULL},
};

const struct code_name probe_tlv_return_path_subs[] = {
	{STAMP_RP_CONTROL_CODE, "control-code"},
	{STAMP_RP_RETURN_ADDRESS, "return-address"},
	{STAMP_RP_SR_MPLS_LABELS, "sr-mpls-labels"},
	{STAMP_RP_SRV6_SEGMENTS, "srv6-segments"},
	{0, NULL},
};

const char *probe_tlv_code_name(const struct code_name *table, unsigned int code)
{
	for (; table->name; table++)
		if (table->code == code)
			return table->name;
	return NULL;
}
