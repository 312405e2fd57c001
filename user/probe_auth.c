// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The probe in authenticated mode (probe_auth.h). */
#include <string.h>

#include "probe_auth.h"
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

enum probe_auth_verdict probe_auth_reply(uint8_t *buf, size_t len,
					 const struct hmac_sha256_states *key)
{
	uint8_t mac[SHA256_DIGEST_LEN], plain[STAMP_BASE_LEN] = {0}, diff = 0;
	size_t i;

	if (len < STAMP_AUTH_BASE_SIZE)
		return PROBE_AUTH_SHORT;
	hmac_sha256(key, buf, STAMP_AUTH_HMAC, mac);
	for (i = 0; i < STAMP_AUTH_HMAC_LEN; i++)
		diff |= mac[i] ^ buf[STAMP_AUTH_HMAC + i];
	if (diff)
		return PROBE_AUTH_BAD_HMAC;
	for (i = 0; i < sizeof(reply_fields) / sizeof(reply_fields[0]); i++)
		memcpy(plain + reply_fields[i].plain, buf + reply_fields[i].auth,
		       reply_fields[i].len);
	memcpy(buf, plain, sizeof(plain));
	return PROBE_AUTH_OK;
}
