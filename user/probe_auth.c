// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The probe in authenticated mode, and the HMAC TLV in either mode (probe_auth.h). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "probe_auth.h"
#include "probe_packet.h"
#include "stamp_wire.h"

/* Where each field of the 44-octet layout (4.2.1, 4.3.1) lies in the authenticated one. */
struct field_move {
	uint8_t plain, auth, len;
};

static const struct field_move request_fields[] = {
	{0, STAMP_AUTH_SEQ, 4},
	{4, STAMP_AUTH_TS, 8},
	{12, STAMP_AUTH_EE, 2},
	{14, STAMP_AUTH_SSID, 2},
};

static const struct field_move reply_fields[] = {
	{0, STAMP_AUTH_SEQ, 4},	  {4, STAMP_AUTH_TS, 8},     {12, STAMP_AUTH_EE, 2},
	{14, STAMP_AUTH_SSID, 2}, {16, STAMP_AUTH_RX_TS, 8}, {24, STAMP_AUTH_S_SEQ, 4},
	{28, STAMP_AUTH_S_TS, 8}, {36, STAMP_AUTH_S_EE, 2},  {40, STAMP_AUTH_S_TTL, 1},
};

void probe_auth_request(const uint8_t *plain, const struct hmac_sha256_states *key,
			uint8_t out[STAMP_AUTH_BASE_SIZE])
{
	uint8_t mac[SHA256_DIGEST_LEN];
	size_t i;

	memset(out, 0, STAMP_AUTH_BASE_SIZE);
	for (i = 0; i < sizeof(request_fields) / sizeof(request_fields[0]); i++)
		memcpy(out + request_fields[i].auth, plain + request_fields[i].plain,
		       request_fields[i].len);
	hmac_sha256(key, out, STAMP_AUTH_HMAC, mac);
	memcpy(out + STAMP_AUTH_HMAC, mac, STAMP_AUTH_HMAC_LEN);
}

/* HMAC over the 4-octet Sequence Number at @seq and @n octets at @text (RFC 8972 4.8). */
static void hmac_tlv_mac(const struct hmac_sha256_states *key, const uint8_t *seq,
			 const uint8_t *text, size_t n, uint8_t mac[SHA256_DIGEST_LEN])
{
	uint8_t *buf = malloc(n + 4);

	if (!buf) {
		memset(mac, 0, SHA256_DIGEST_LEN); /* verifies nothing, signs nothing useful */
		return;
	}
	memcpy(buf, seq, 4);
	memcpy(buf + 4, text, n);
	hmac_sha256(key, buf, n + 4, mac);
	free(buf);
}

size_t probe_auth_request_tlvs(const uint8_t *plain, size_t plain_len,
			       const struct hmac_sha256_states *key, uint8_t *out, size_t cap)
{
	size_t tlv_len = plain_len - STAMP_BASE_LEN, at = STAMP_AUTH_BASE_SIZE + tlv_len;
	uint8_t mac[SHA256_DIGEST_LEN];

	if (plain_len < STAMP_BASE_LEN || at + PROBE_AUTH_TLV_EXTRA > cap)
		return 0;
	probe_auth_request(plain, key, out);
	memcpy(out + STAMP_AUTH_BASE_SIZE, plain + STAMP_BASE_LEN, tlv_len);
	hmac_tlv_mac(key, out, out + STAMP_AUTH_BASE_SIZE, tlv_len, mac);
	out[at] = STAMP_TLV_FLAG_U;
	out[at + 1] = STAMP_TLV_HMAC;
	out[at + 2] = 0;
	out[at + 3] = STAMP_AUTH_HMAC_LEN;
	memcpy(out + at + 4, mac, STAMP_AUTH_HMAC_LEN);
	return at + PROBE_AUTH_TLV_EXTRA;
}

/*
 * The HMAC TLV of the reply @buf (@len octets), whose TLVs follow a base
 * of @base octets: verified, or marked I by the reflector; false otherwise
 * (none, another Length, a wrong HMAC, TLVs that cannot be walked to it).
 */
static bool reply_hmac_tlv_ok(const uint8_t *buf, size_t base, size_t len,
			      const struct hmac_sha256_states *key)
{
	const uint8_t *area = buf + base;
	size_t area_len = len - base, off = 0, i;
	uint8_t mac[SHA256_DIGEST_LEN], diff = 0;
	struct probe_tlv_seen tlv;

	while (probe_tlv_next(area, area_len, &off, &tlv) == 1) {
		if (tlv.type != STAMP_TLV_HMAC)
			continue;
		if (tlv.flags & STAMP_TLV_FLAG_I)
			return true;
		if (tlv.length != STAMP_AUTH_HMAC_LEN)
			return false;
		hmac_tlv_mac(key, buf, area, tlv.offset - STAMP_TLV_HDR_LEN, mac);
		for (i = 0; i < STAMP_AUTH_HMAC_LEN; i++)
			diff |= mac[i] ^ area[tlv.offset + i];
		return !diff;
	}
	return false;
}

enum probe_auth_verdict probe_auth_reply(uint8_t *buf, size_t *len,
					 const struct hmac_sha256_states *key)
{
	uint8_t mac[SHA256_DIGEST_LEN], plain[STAMP_BASE_LEN] = {0}, diff = 0;
	size_t i;

	if (*len < STAMP_AUTH_BASE_SIZE)
		return PROBE_AUTH_SHORT;
	hmac_sha256(key, buf, STAMP_AUTH_HMAC, mac);
	for (i = 0; i < STAMP_AUTH_HMAC_LEN; i++)
		diff |= mac[i] ^ buf[STAMP_AUTH_HMAC + i];
	if (diff)
		return PROBE_AUTH_BAD_HMAC;
	if (*len > STAMP_AUTH_BASE_SIZE && !reply_hmac_tlv_ok(buf, STAMP_AUTH_BASE_SIZE, *len, key))
		return PROBE_AUTH_BAD_HMAC_TLV;
	for (i = 0; i < sizeof(reply_fields) / sizeof(reply_fields[0]); i++)
		memcpy(plain + reply_fields[i].plain, buf + reply_fields[i].auth,
		       reply_fields[i].len);
	memcpy(buf, plain, sizeof(plain));
	memmove(buf + STAMP_BASE_LEN, buf + STAMP_AUTH_BASE_SIZE, *len - STAMP_AUTH_BASE_SIZE);
	*len -= STAMP_AUTH_BASE_SIZE - STAMP_BASE_LEN;
	return PROBE_AUTH_OK;
}

void probe_hmac_tlv_sign(uint8_t *buf, size_t at, const struct hmac_sha256_states *key)
{
	uint8_t mac[SHA256_DIGEST_LEN];

	hmac_tlv_mac(key, buf, buf + STAMP_BASE_LEN, at - STAMP_BASE_LEN, mac);
	memcpy(buf + at + STAMP_TLV_HDR_LEN, mac, STAMP_AUTH_HMAC_LEN);
}

enum probe_auth_verdict probe_hmac_tlv_reply(const uint8_t *buf, size_t len,
					     const struct hmac_sha256_states *key)
{
	if (len <= STAMP_BASE_LEN)
		return PROBE_AUTH_OK;
	return reply_hmac_tlv_ok(buf, STAMP_BASE_LEN, len, key) ? PROBE_AUTH_OK
								: PROBE_AUTH_BAD_HMAC_TLV;
}
