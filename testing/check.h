/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Independent checks for the XDP unit tests (prefix ck_): RFC 1071 checksum,
 * big-endian loads and stores, STAMP reflector field offsets and timestamp
 * decoding.  Written from RFC 8762 / RFC 1071 / RFC 768 / RFC 8200, not from
 * the program, so the tests do not share the program's mistakes.
 */
#ifndef STAMPEDE_TESTS_CHECK_H
#define STAMPEDE_TESTS_CHECK_H

#include <stddef.h>
#include <stdint.h>

/* RFC 8762 4.3.1, offsets inside the UDP payload. */
#define CK_R_SEQ    0
#define CK_R_T3	    4
#define CK_R_EE	    12
#define CK_R_SSID   14
#define CK_R_T2	    16
#define CK_R_S_SEQ  24
#define CK_R_S_TS   28
#define CK_R_S_EE   36
#define CK_R_MBZ0   38
#define CK_R_S_TTL  40
#define CK_R_MBZ1   41
#define CK_BASE_LEN 44
/* RFC 8762 4.2.1 (sender). */
#define CK_S_SEQ   0
#define CK_S_TS	   4
#define CK_S_EE	   12
#define CK_S_SSID  14
#define CK_TWL_MIN 14
/* RFC 8972 TLV flags. */
#define CK_TLV_U	0x80
#define CK_TLV_M	0x40
#define CK_TLV_I	0x20
#define CK_TLV_RESERVED 0x1f
#define CK_EE_Z		0x4000

#define CK_NTP_UNIX 2208988800ULL
#define CK_NSEC	    1000000000ULL

static inline uint16_t ck_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t ck_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void ck_put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static inline void ck_put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = (v >> 16) & 0xff;
	p[2] = (v >> 8) & 0xff;
	p[3] = v & 0xff;
}

/* RFC 1071: 16-bit one's complement sum of big-endian words; an odd last
 * octet is padded with a zero octet.  Only the last chunk may be odd. */
static inline uint64_t ck_sum(uint64_t sum, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint64_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint64_t)p[n - 1] << 8;
	return sum;
}

static inline uint16_t ck_fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* Internet checksum to store in a header whose checksum field is zero. */
static inline uint16_t ck_csum(const uint8_t *p, size_t n)
{
	return (uint16_t)~ck_fold(ck_sum(0, p, n));
}

/* IPv4 header (with options) verifies: the folded sum is 0xffff. */
static inline int ck_ipv4_hdr_ok(const uint8_t *ip)
{
	size_t hl = (size_t)(ip[0] & 0x0f) * 4;

	return ck_fold(ck_sum(0, ip, hl)) == 0xffff;
}

/* Pseudo-header sum for an upper-layer packet (RFC 768 / RFC 8200 8.1). */
static inline uint64_t ck_pseudo(int ipv, const uint8_t *src, const uint8_t *dst, uint8_t proto,
				 uint32_t l4len)
{
	uint64_t sum = 0;
	uint8_t tail[8] = {0};

	if (ipv == 4) {
		sum = ck_sum(sum, src, 4);
		sum = ck_sum(sum, dst, 4);
		tail[1] = proto;
		ck_put16(tail + 2, (uint16_t)l4len);
		return ck_sum(sum, tail, 4);
	}
	sum = ck_sum(sum, src, 16);
	sum = ck_sum(sum, dst, 16);
	ck_put32(tail, l4len);
	tail[7] = proto;
	return ck_sum(sum, tail, 8);
}

/* Folded sum over pseudo-header and the whole UDP datagram (checksum field
 * included): 0xffff when the checksum verifies. */
static inline uint16_t ck_udp_verify_sum(int ipv, const uint8_t *src, const uint8_t *dst,
					 const uint8_t *udp, uint32_t udplen)
{
	return ck_fold(ck_sum(ck_pseudo(ipv, src, dst, 17, udplen), udp, udplen));
}

/* Checksum to store in a UDP header whose checksum field is zero (0 -> 0xffff). */
static inline uint16_t ck_udp_csum(int ipv, const uint8_t *src, const uint8_t *dst,
				   const uint8_t *udp, uint32_t udplen)
{
	uint16_t c = (uint16_t)~ck_udp_verify_sum(ipv, src, dst, udp, udplen);

	return c ? c : 0xffff;
}

/*
 * Timestamps as TAI nanoseconds.  A 32-bit seconds field is unwrapped around a
 * reference (the clock read before the run).  NTP: UTC seconds since 1900 and
 * a binary fraction; the fraction loses up to 1 ns, so the decoded value is an
 * interval [*lo, *hi] that contains the instant the program encoded.
 */
static inline int64_t ck_unwrap_sec(uint32_t sec32, int64_t ref_sec)
{
	return ref_sec + (int32_t)(sec32 - (uint32_t)ref_sec);
}

static inline void ck_ntp_to_tai(const uint8_t *ts, uint64_t tai_offset_ns, uint64_t ref_tai_ns,
				 uint64_t *lo, uint64_t *hi)
{
	uint32_t sec = ck_get32(ts), frac = ck_get32(ts + 4);
	int64_t ref_ntp_sec = (int64_t)((ref_tai_ns - tai_offset_ns) / CK_NSEC + CK_NTP_UNIX);
	int64_t ntp_sec = ck_unwrap_sec(sec, ref_ntp_sec);
	uint64_t ns_floor = ((uint64_t)frac * CK_NSEC) >> 32;
	uint64_t base = (uint64_t)(ntp_sec - (int64_t)CK_NTP_UNIX) * CK_NSEC + tai_offset_ns;

	*lo = base + ns_floor;
	*hi = base + ns_floor + 1;
}

/* PTPv2 truncated: TAI seconds since 1970 and nanoseconds; exact. Returns -1
 * when the nanoseconds field is out of range. */
static inline int ck_ptp_to_tai(const uint8_t *ts, uint64_t ref_tai_ns, uint64_t *lo, uint64_t *hi)
{
	uint32_t sec = ck_get32(ts), ns = ck_get32(ts + 4);
	int64_t full = ck_unwrap_sec(sec, (int64_t)(ref_tai_ns / CK_NSEC));

	*lo = *hi = (uint64_t)full * CK_NSEC + ns;
	return ns < CK_NSEC ? 0 : -1;
}

/* Sender-side encoders (for T1). */
static inline void ck_ntp_encode(uint8_t *ts, uint64_t tai_ns, uint64_t tai_offset_ns)
{
	uint64_t utc = tai_ns - tai_offset_ns;

	ck_put32(ts, (uint32_t)(utc / CK_NSEC + CK_NTP_UNIX));
	ck_put32(ts + 4, (uint32_t)(((utc % CK_NSEC) << 32) / CK_NSEC));
}

static inline void ck_ptp_encode(uint8_t *ts, uint64_t tai_ns)
{
	ck_put32(ts, (uint32_t)(tai_ns / CK_NSEC));
	ck_put32(ts + 4, (uint32_t)(tai_ns % CK_NSEC));
}

#endif /* STAMPEDE_TESTS_CHECK_H */
