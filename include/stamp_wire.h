/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * STAMP wire format (RFC 8762, RFC 8972), shared by the XDP program, the
 * controller and the tests.  Multi-octet fields are in network byte order.
 * Every field sits at its natural alignment inside the 44-octet base, so the
 * structs have no padding and match the wire exactly.
 */
#ifndef STAMPEDE_STAMP_WIRE_H
#define STAMPEDE_STAMP_WIRE_H

#include <linux/types.h>

#define STAMP_DEFAULT_PORT 862

/* Unauthenticated base packet length, sender and reflector alike. */
#define STAMP_BASE_LEN 44
/* Authenticated base packet length (before any TLV). */
#define STAMP_AUTH_BASE_LEN 112
/* A TWAMP-Light sender packet: Sequence Number, Timestamp, Error Estimate. */
#define STAMP_TWAMP_LIGHT_MIN_LEN 14
/* SSID sits at octets 14..15; shorter TWAMP-Light packets have none. */
#define STAMP_SSID_END 16

/* Seconds from 1900-01-01 (NTP era 0) to 1970-01-01. */
#define STAMP_NTP_UNIX_OFFSET 2208988800ULL
#define STAMP_NSEC_PER_SEC    1000000000ULL

/* Error Estimate (RFC 4656 4.1.2, Z from RFC 8186): S|Z|Scale(6)|Multiplier(8) */
#define STAMP_EE_S	     0x8000
#define STAMP_EE_Z	     0x4000
#define STAMP_EE_SCALE_SHIFT 8
#define STAMP_EE_SCALE_MASK  0x3f00
#define STAMP_EE_MULT_MASK   0x00ff

/* 64-bit timestamp: NTP (seconds, binary fraction) or PTPv2 truncated
 * (seconds, nanoseconds), chosen by the Z bit of the Error Estimate. */
struct stamp_timestamp {
	__be32 sec;
	__be32 frac;
};

/* Session-Sender test packet, unauthenticated mode (RFC 8762 4.2.1). */
struct stamp_sender {
	__be32 seq;
	struct stamp_timestamp ts;
	__be16 error_estimate;
	__be16 ssid;
	__u8 mbz[28];
};

/* The part of a sender's packet the reflector reads: up to the SSID. */
struct stamp_sender_head {
	__be32 seq;
	struct stamp_timestamp ts;
	__be16 error_estimate;
	__be16 ssid;
};

/* Session-Reflector test packet, unauthenticated mode (RFC 8762 4.3.1). */
struct stamp_reflector {
	__be32 seq;
	struct stamp_timestamp ts;
	__be16 error_estimate;
	__be16 ssid;
	struct stamp_timestamp rx_ts;
	__be32 sender_seq;
	struct stamp_timestamp sender_ts;
	__be16 sender_error_estimate;
	__be16 mbz0;
	__u8 sender_ttl;
	__u8 mbz1[3];
};

/* RFC 8972 section 4: TLV header; Length counts the Value only. */
struct stamp_tlv {
	__u8 flags;
	__u8 type;
	__be16 length;
};

#define STAMP_TLV_HDR_LEN 4
#define STAMP_TLV_FLAG_U  0x80 /* unrecognized */
#define STAMP_TLV_FLAG_M  0x40 /* malformed */
#define STAMP_TLV_FLAG_I  0x20 /* integrity check failed */

/* Flag bit 3: Conformant reflection (Reflected Test Packet Control only). */
#define STAMP_TLV_FLAG_C 0x10

/* IANA "STAMP TLV Types" registry. */
enum stamp_tlv_type {
	STAMP_TLV_EXTRA_PADDING = 1,
	STAMP_TLV_LOCATION = 2,
	STAMP_TLV_TIMESTAMP_INFO = 3,
	STAMP_TLV_CLASS_OF_SERVICE = 4,
	STAMP_TLV_DIRECT_MEASUREMENT = 5,
	STAMP_TLV_ACCESS_REPORT = 6,
	STAMP_TLV_FOLLOW_UP_TELEMETRY = 7,
	STAMP_TLV_HMAC = 8,
	STAMP_TLV_DEST_NODE_ADDR = 9,
	STAMP_TLV_RETURN_PATH = 10,
	STAMP_TLV_MICRO_SESSION_ID = 11,
	STAMP_TLV_REFLECTED_CONTROL = 12,
};

/* IANA "STAMP Sub-TLV Types": Location (RFC 8972 4.2). */
enum stamp_location_sub {
	STAMP_LOC_SRC_MAC = 1, /* request: Source MAC Address */
	STAMP_LOC_SRC_EUI48 = 2,
	STAMP_LOC_SRC_EUI64 = 3,
	STAMP_LOC_DST_IP = 4, /* request: Destination IP Address */
	STAMP_LOC_DST_IPV4 = 5,
	STAMP_LOC_DST_IPV6 = 6,
	STAMP_LOC_SRC_IP = 7, /* request: Source IP Address */
	STAMP_LOC_SRC_IPV4 = 8,
	STAMP_LOC_SRC_IPV6 = 9,
};

/* Location TLV value lengths (RFC 8972 4.2.1). */
#define STAMP_LOC_PORTS_LEN 4  /* Destination Port, Source Port */
#define STAMP_LOC_MAC_LEN   8  /* EUI-48 and two MBZ octets, or EUI-64 */
#define STAMP_LOC_IP_LEN    16 /* IPv4 and 12 MBZ octets, or IPv6 */

/* IANA "STAMP Synchronization Sources" (RFC 8972 5.4). */
enum stamp_sync_src {
	STAMP_SYNC_NTP = 1,
	STAMP_SYNC_PTP = 2,
	STAMP_SYNC_SSU_BITS = 3,
	STAMP_SYNC_GNSS = 4, /* GPS/GLONASS/LORAN-C/BDS/Galileo */
	STAMP_SYNC_FREE_RUNNING = 5,
};

/* IANA "STAMP Timestamping Methods" (RFC 8972 5.5). */
enum stamp_ts_method {
	STAMP_TSM_HW_ASSIST = 1,
	STAMP_TSM_SW_LOCAL = 2,
	STAMP_TSM_CONTROL_PLANE = 3,
};

/* Fixed Value lengths (RFC 8972 4.3-4.8). */
#define STAMP_TS_INFO_LEN	4 /* and optional sub-TLVs after it */
#define STAMP_COS_LEN		4
#define STAMP_DIRECT_MEAS_LEN	12
#define STAMP_ACCESS_REPORT_LEN 4
#define STAMP_FOLLOW_UP_LEN	16
#define STAMP_HMAC_LEN		16

/* Class of Service value (RFC 8972 4.4), as a host-order 32-bit word. */
#define STAMP_COS_DSCP1_SHIFT 26
#define STAMP_COS_DSCP2_SHIFT 20
#define STAMP_COS_ECN_SHIFT   18
#define STAMP_COS_RP_SHIFT    16
#define STAMP_COS_RP_REFUSED  1 /* DSCP1 not permitted: reply keeps the received DSCP */

/* Access Report (RFC 8972 4.6): Access ID (high nibble of octet 0). */
#define STAMP_ACCESS_3GPP     1
#define STAMP_ACCESS_NON_3GPP 2

/* Direct Measurement value (RFC 8972 4.5). */
struct stamp_direct_meas {
	__be32 sender_tx;    /* S_TxC */
	__be32 reflector_rx; /* R_RxC */
	__be32 reflector_tx; /* R_TxC */
};

/* Follow-Up Telemetry value (RFC 8972 4.7). */
struct stamp_follow_up {
	__be32 seq; /* the reflector's Sequence Number of the previous reply */
	struct stamp_timestamp ts;
	__u8 mode; /* enum stamp_ts_method */
	__u8 reserved[3];
};

/* Destination Node Address (RFC 9503 3): an IPv4 or IPv6 address. */
#define STAMP_DNA_V4_LEN 4
#define STAMP_DNA_V6_LEN 16

/* Return Path sub-TLVs (RFC 9503 4.1). */
enum stamp_return_path_sub {
	STAMP_RP_CONTROL_CODE = 1,
	STAMP_RP_RETURN_ADDRESS = 2,
	STAMP_RP_SR_MPLS_LABELS = 3,
	STAMP_RP_SRV6_SEGMENTS = 4,
};

#define STAMP_RP_CONTROL_CODE_LEN 4
/* Control Code Flags, low bit: 0 no reply requested, 1 reply on the same link. */
#define STAMP_RP_CC_SAME_LINK 0x1

/* Micro-session ID (RFC 9534 3): Sender's ID, then the Reflector's. */
#define STAMP_MICRO_SESSION_LEN 4

/*
 * Reflected Test Packet Control (draft-ietf-ippm-asymmetrical-pkts 3):
 * Length of the Reflected Packet, Number of the Reflected Packets,
 * Interval (ns), then optional sub-TLVs.
 */
struct stamp_reflected_control {
	__be16 length;
	__be16 count;
	__be32 interval_ns;
};

/* The fixed fields; sub-TLVs follow them. */
#define STAMP_RTPC_FIXED_LEN 8
/*
 * draft-ietf-ippm-asymmetrical-pkts-14 section 3: the Length "MUST NOT be
 * smaller than 12 octets", the fixed fields and at least one sub-TLV's
 * header.
 */
#define STAMP_RTPC_MIN_LEN 12

#endif /* STAMPEDE_STAMP_WIRE_H */
