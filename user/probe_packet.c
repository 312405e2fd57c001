// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Session-Sender requests built, Session-Reflector replies read (RFC 8762, RFC 8972). */
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "probe_packet.h"

static size_t tlvs_len(const struct probe_tlv *tlvs, size_t n_tlvs)
{
	size_t len = 0, i;

	for (i = 0; i < n_tlvs; i++)
		len += STAMP_TLV_HDR_LEN + tlvs[i].length;
	return len;
}

size_t probe_request_size_problem(size_t size, const struct probe_tlv *tlvs, size_t n_tlvs)
{
	size_t need = STAMP_BASE_LEN + tlvs_len(tlvs, n_tlvs);

	if (size == need || size >= need + STAMP_TLV_HDR_LEN)
		return 0;
	/* Below the need, or 1..3 octets over it: no room for a padding header. */
	return size < need ? need : need + STAMP_TLV_HDR_LEN;
}

static uint8_t *put_tlv(uint8_t *p, uint8_t flags, uint8_t type, uint16_t length,
			const uint8_t *value)
{
	p[0] = flags;
	p[1] = type;
	probe_put16(p + 2, length);
	if (value)
		memcpy(p + STAMP_TLV_HDR_LEN, value, length);
	else
		memset(p + STAMP_TLV_HDR_LEN, 0, length);
	return p + STAMP_TLV_HDR_LEN + length;
}

int probe_request_build(const struct probe_request *req, uint8_t *buf, size_t cap)
{
	uint16_t ee = req->error_estimate & ~STAMP_EE_Z;
	struct stamp_timestamp ts;
	size_t i, pad;
	uint8_t *p;

	if (probe_request_size_problem(req->size, req->tlvs, req->n_tlvs) || req->size > cap ||
	    req->size > PROBE_MAX_SIZE)
		return -1;
	memset(buf, 0, STAMP_BASE_LEN);
	probe_put32(buf, req->seq);
	probe_ts_encode(req->t1_ns, req->ptp, req->tai_offset_ns, &ts);
	memcpy(buf + 4, &ts, sizeof(ts));
	probe_put16(buf + 12, req->ptp ? ee | STAMP_EE_Z : ee);
	probe_put16(buf + 14, req->ssid);
	p = buf + STAMP_BASE_LEN;
	/* RFC 8972 4: the Session-Sender sends every TLV with U set. */
	for (i = 0; i < req->n_tlvs; i++)
		p = put_tlv(p, req->tlvs[i].flags | STAMP_TLV_FLAG_U, req->tlvs[i].type,
			    req->tlvs[i].length, req->tlvs[i].value);
	pad = req->size - (size_t)(p - buf);
	if (pad)
		p = put_tlv(p, STAMP_TLV_FLAG_U, STAMP_TLV_EXTRA_PADDING, pad - STAMP_TLV_HDR_LEN,
			    NULL);
	return (int)(p - buf);
}

void probe_ts_encode(int64_t unix_ns, bool ptp, uint64_t tai_offset_ns, struct stamp_timestamp *ts)
{
	uint64_t ns = unix_ns > 0 ? (uint64_t)unix_ns : 0;
	uint64_t sec, sub;

	if (ptp) {
		ns += tai_offset_ns;
		sec = ns / STAMP_NSEC_PER_SEC;
		sub = ns % STAMP_NSEC_PER_SEC;
	} else {
		sec = ns / STAMP_NSEC_PER_SEC + STAMP_NTP_UNIX_OFFSET;
		/* Fraction of 2^32: exact in 64 bits as sub < 10^9 < 2^30. */
		sub = (ns % STAMP_NSEC_PER_SEC << 32) / STAMP_NSEC_PER_SEC;
	}
	ts->sec = htonl((uint32_t)sec);
	ts->frac = htonl((uint32_t)sub);
}

int64_t probe_ts_decode(const struct stamp_timestamp *ts, bool ptp, uint64_t tai_offset_ns,
			int64_t near_ns)
{
	const int64_t era = 1LL << 32;
	uint32_t sec = ntohl(ts->sec), sub = ntohl(ts->frac);
	int64_t base, near_sec = near_ns / (int64_t)STAMP_NSEC_PER_SEC, q, ns;

	/* Unix seconds of era 0, then the era that lands nearest @near_ns. */
	base = ptp ? (int64_t)sec : (int64_t)sec - (int64_t)STAMP_NTP_UNIX_OFFSET;
	q = near_sec - base + era / 2;
	/* floor(q / era): C division truncates toward zero. */
	base += (q >= 0 ? q / era : -((-q + era - 1) / era)) * era;
	ns = ptp ? (int64_t)sub : (int64_t)(((uint64_t)sub * STAMP_NSEC_PER_SEC) >> 32);
	ns += base * (int64_t)STAMP_NSEC_PER_SEC;
	return ptp ? ns - (int64_t)tai_offset_ns : ns;
}

int probe_reply_parse(const uint8_t *buf, size_t len, uint64_t tai_offset_ns, int64_t near_ns,
		      struct probe_reply *r)
{
	struct stamp_timestamp ts;
	bool ptp;

	if (len < PROBE_REPLY_MIN_LEN)
		return -1;
	memset(r, 0, sizeof(*r));
	r->length = len > UINT16_MAX ? UINT16_MAX : (uint16_t)len;
	r->reflector_seq = probe_get32(buf);
	r->reflector_ee = probe_get16(buf + 12);
	/* The reflector's Z bit says how it wrote both of its timestamps. */
	ptp = r->reflector_ee & STAMP_EE_Z;
	memcpy(&ts, buf + 4, sizeof(ts));
	r->t3_ns = probe_ts_decode(&ts, ptp, tai_offset_ns, near_ns);
	r->ssid = probe_get16(buf + 14);
	memcpy(&ts, buf + 16, sizeof(ts));
	r->t2_ns = probe_ts_decode(&ts, ptp, tai_offset_ns, near_ns);
	r->sender_seq = probe_get32(buf + 24);
	memcpy(&r->sender_ts, buf + 28, sizeof(r->sender_ts));
	if (len >= PROBE_REPLY_SENDER_EE_END) {
		r->has_sender_ee = true;
		r->sender_ee = probe_get16(buf + 36);
	}
	/*
	 * No packet arrives with TTL 0, so a 0 there is a reflector that did
	 * not fill the field in (a TWAMP-Light one, say): unknown, not 255 hops.
	 */
	if (len >= PROBE_REPLY_TTL_END && buf[40]) {
		r->has_ttl = true;
		r->sender_ttl = buf[40];
	}
	if (len > STAMP_BASE_LEN) {
		r->tlv_offset = STAMP_BASE_LEN;
		r->tlv_len = r->length - STAMP_BASE_LEN;
	}
	return 0;
}

int probe_tlv_next(const uint8_t *area, size_t len, size_t *off, struct probe_tlv_seen *tlv)
{
	size_t at = *off;

	if (at >= len)
		return 0;
	if (len - at < STAMP_TLV_HDR_LEN)
		return -1;
	tlv->flags = area[at];
	tlv->type = area[at + 1];
	tlv->length = probe_get16(area + at + 2);
	tlv->offset = at + STAMP_TLV_HDR_LEN;
	if (tlv->length > len - at - STAMP_TLV_HDR_LEN)
		return -1;
	*off = at + STAMP_TLV_HDR_LEN + tlv->length;
	return 1;
}

struct probe_tlv_list *probe_reply_tlvs(const uint8_t *buf, const struct probe_reply *r)
{
	const uint8_t *area = buf + r->tlv_offset;
	struct probe_tlv_list *list, *grown;
	struct probe_tlv_seen tlv;
	bool keep = false;
	size_t off = 0, copy;
	int more;

	if (!r->tlv_len)
		return NULL;
	list = calloc(1, sizeof(*list));
	if (!list)
		return NULL;
	while ((more = probe_tlv_next(area, r->tlv_len, &off, &tlv)) == 1) {
		if (list->n == PROBE_MAX_TLVS) {
			list->cut = true;
			break;
		}
		list->tlv[list->n++] = tlv;
		keep |= tlv.type != STAMP_TLV_EXTRA_PADDING;
	}
	list->malformed = more < 0;
	/*
	 * Padding carries nothing to decode, and a padded probe of a few
	 * kilobytes times many replies would be a lot of memory: the area is
	 * copied only when something else is in it, and never more than
	 * PROBE_MAX_TLV_AREA octets of it (a reflector could send 64 KB with
	 * every reply).  TLV values past the copy are not available.
	 */
	if (!keep && !list->malformed && !list->cut)
		return list;
	copy = r->tlv_len < PROBE_MAX_TLV_AREA ? r->tlv_len : PROBE_MAX_TLV_AREA;
	grown = realloc(list, sizeof(*list) + copy);
	if (!grown)
		return list; /* the headers without the values */
	list = grown;
	memcpy(list->area, area, copy);
	list->area_len = copy;
	return list;
}
