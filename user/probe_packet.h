/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The probe's packets: building Session-Sender test packets (RFC 8762 4.2.1,
 * with RFC 8972 TLVs after the 44-octet base) and reading Session-Reflector
 * replies, STAMP or TWAMP-Light.  Pure functions on buffers: no sockets, no
 * clocks, no output, so the unit tests drive them directly.
 */
#ifndef STAMPEDE_PROBE_PACKET_H
#define STAMPEDE_PROBE_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stamp_wire.h"

/* The largest UDP payload the probe sends: a jumbo frame's worth. */
#define PROBE_MAX_SIZE 9000
/* A reply must reach the end of the Session-Sender Timestamp (octet 36). */
#define PROBE_REPLY_MIN_LEN 36
/* ... the copy of our Error Estimate ends at 38, the Ses-Sender TTL at 41. */
#define PROBE_REPLY_SENDER_EE_END 38
#define PROBE_REPLY_TTL_END	  41
/* TLVs kept per reply; a longer chain is marked cut short. */
#define PROBE_MAX_TLVS 16

/* Big-endian fields at any alignment. */
static inline void probe_put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static inline void probe_put32(uint8_t *p, uint32_t v)
{
	probe_put16(p, v >> 16);
	probe_put16(p + 2, v & 0xffff);
}

static inline uint16_t probe_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t probe_get32(const uint8_t *p)
{
	return (uint32_t)probe_get16(p) << 16 | probe_get16(p + 2);
}

/* A TLV to put in a request (RFC 8972 4): Length counts the Value only. */
struct probe_tlv {
	uint8_t flags;
	uint8_t type;
	uint16_t length;
	const uint8_t *value; /* NULL: @length zero octets */
};

/* What a request carries. */
struct probe_request {
	uint32_t seq;
	int64_t t1_ns;		 /* Unix ns, UTC: written as NTP or PTP */
	uint16_t error_estimate; /* S|Scale|Multiplier, host order; Z is added for PTP */
	uint16_t ssid;
	bool ptp;		/* PTPv2 truncated (TAI) timestamp, Z set */
	uint64_t tai_offset_ns; /* TAI - UTC, for PTP */
	size_t size;		/* UDP payload wanted; the rest after the TLVs is padding */
	const struct probe_tlv *tlvs;
	size_t n_tlvs;
};

/*
 * Whether a request of @size octets can hold the base and @tlvs: 0 yes,
 * otherwise the smallest size that can (the room left over must be 0 or
 * hold an Extra Padding TLV header).
 */
size_t probe_request_size_problem(size_t size, const struct probe_tlv *tlvs, size_t n_tlvs);

/*
 * Write the request into @buf (@cap octets): the base, the TLVs in order,
 * then an Extra Padding TLV up to @req->size.  Returns the length, or -1
 * when the size cannot be met (see probe_request_size_problem) or @cap is
 * too small.
 */
int probe_request_build(const struct probe_request *req, uint8_t *buf, size_t cap);

/* Unix ns (UTC) as an NTP timestamp, or as PTPv2 truncated (TAI) with @ptp. */
void probe_ts_encode(int64_t unix_ns, bool ptp, uint64_t tai_offset_ns, struct stamp_timestamp *ts);

/*
 * A timestamp back to Unix ns (UTC).  Both formats keep seconds modulo 2^32:
 * the era chosen is the one that puts the result closest to @near_ns.
 */
int64_t probe_ts_decode(const struct stamp_timestamp *ts, bool ptp, uint64_t tai_offset_ns,
			int64_t near_ns);

/* A TLV as found in a reply. */
struct probe_tlv_seen {
	uint8_t flags;
	uint8_t type;
	uint16_t length;
	uint32_t offset; /* of the Value, from the start of the TLV area */
};

/* At most this much of a reply's TLV area is kept: TLVs worth decoding are small. */
#define PROBE_MAX_TLV_AREA 1024

/* The TLV area of a reply (octets 44..), walked and kept for decoding. */
struct probe_tlv_list {
	unsigned int n;
	bool malformed; /* a TLV ran past the packet: the walk stopped there */
	bool cut;	/* more than PROBE_MAX_TLVS: the rest were not listed */
	struct probe_tlv_seen tlv[PROBE_MAX_TLVS];
	uint16_t area_len; /* at most PROBE_MAX_TLV_AREA */
	uint8_t area[];	   /* a copy of the area's first area_len octets */
};

/* A reply's fields, decoded. */
struct probe_reply {
	uint16_t length; /* UDP payload octets */
	uint32_t reflector_seq;
	int64_t t3_ns; /* Unix ns, UTC, per the reflector's Z bit */
	uint16_t reflector_ee;
	uint16_t ssid; /* 0 in a TWAMP-Light reply (MBZ there) */
	int64_t t2_ns;
	uint32_t sender_seq;
	struct stamp_timestamp sender_ts; /* our timestamp, as echoed */
	bool has_sender_ee;		  /* reply reaches octet 38 */
	uint16_t sender_ee;
	bool has_ttl; /* reply reaches octet 41 */
	uint8_t sender_ttl;
	uint16_t tlv_offset, tlv_len; /* the TLV area, after octet 44 */
};

/*
 * Decode the reply @buf of @len octets; T2 and T3 are read per the Z bit of
 * the reflector's Error Estimate, and placed in the era nearest @near_ns.
 * Returns 0, or -1 when it is shorter than PROBE_REPLY_MIN_LEN.
 */
int probe_reply_parse(const uint8_t *buf, size_t len, uint64_t tai_offset_ns, int64_t near_ns,
		      struct probe_reply *r);

/*
 * The next TLV of the area @area (@len octets) at *@off: 1 and *@tlv when
 * there is one (*@off moves past it), 0 at the end, -1 when a header or a
 * Value runs past the area.
 */
int probe_tlv_next(const uint8_t *area, size_t len, size_t *off, struct probe_tlv_seen *tlv);

/*
 * Walk and copy the TLV area of a parsed reply from @buf; NULL when the
 * reply has no TLV area (or no memory: the TLVs are then not reported).
 */
struct probe_tlv_list *probe_reply_tlvs(const uint8_t *buf, const struct probe_reply *r);

#endif /* STAMPEDE_PROBE_PACKET_H */
