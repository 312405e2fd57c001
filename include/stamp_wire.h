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

#endif /* STAMPEDE_STAMP_WIRE_H */
