/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The probe in authenticated mode (RFC 8762 4.2.2, 4.3.2, 4.4): a request
 * built as the 44-octet packet is moved into the 112-octet authenticated
 * layout and signed; a reply's HMAC is verified and its fields moved back
 * into the 44-octet layout, which the rest of the probe reads.  And the
 * HMAC TLV (RFC 8972 4.8) in either mode: over the Sequence Number and the
 * TLVs before it, signed in requests, verified in replies.  Pure functions
 * on buffers, as probe_packet.h.
 */
#ifndef STAMPEDE_PROBE_AUTH_H
#define STAMPEDE_PROBE_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "sha256.h"
#include "stampede_auth.h"

/* The 44-octet request @plain as an authenticated one, signed, into @out (112 octets). */
void probe_auth_request(const uint8_t *plain, const struct hmac_sha256_states *key,
			uint8_t out[STAMP_AUTH_BASE_SIZE]);

/*
 * The 44-octet request @plain followed by its TLVs (@plain_len octets in
 * all) as an authenticated one into @out: the signed 112-octet base, the
 * TLVs, and the HMAC TLV (RFC 8972 4.8) over the Sequence Number and them.
 * Returns its length, 0 when @cap is too small.
 */
size_t probe_auth_request_tlvs(const uint8_t *plain, size_t plain_len,
			       const struct hmac_sha256_states *key, uint8_t *out, size_t cap);

/* The octets TLVs of @tlv_len take in an authenticated request: with the HMAC TLV. */
#define PROBE_AUTH_TLV_EXTRA (4 + STAMP_AUTH_HMAC_LEN)

/* A reply's verdict. */
enum probe_auth_verdict {
	PROBE_AUTH_OK,
	PROBE_AUTH_SHORT,
	PROBE_AUTH_BAD_HMAC,
	PROBE_AUTH_BAD_HMAC_TLV, /* its TLVs came without a valid HMAC TLV */
};

/*
 * Verify the authenticated reply @buf of *@len octets: the base's HMAC
 * and, when TLVs follow it, the HMAC TLV (RFC 8972 4.8) over the reply's
 * Sequence Number and the TLVs before it; one the reflector marked I (it
 * could not verify ours) is taken as it is, the TLVs say so.  When it
 * verifies, its fields are written over its first 44 octets in the
 * unauthenticated layout (4.3.1) and the TLVs moved after them, *@len
 * becoming the length of that packet.
 */
enum probe_auth_verdict probe_auth_reply(uint8_t *buf, size_t *len,
					 const struct hmac_sha256_states *key);

/*
 * Unauthenticated mode with an HMAC TLV (hmac-key, RFC 8972 4.8): the
 * request @buf, built with the HMAC TLV's header at @at (after every TLV,
 * before any Extra Padding), gets its Value: HMAC-SHA-256, its first 16
 * octets, over the Sequence Number (octets 0-3) and the TLVs from octet 44
 * up to @at, headers and flags as sent.
 */
void probe_hmac_tlv_sign(uint8_t *buf, size_t at, const struct hmac_sha256_states *key);

/*
 * Unauthenticated mode: the verdict on the reply @buf of @len octets.
 * Without TLVs it carries nothing the HMAC TLV protects (PROBE_AUTH_OK);
 * with TLVs it needs an HMAC TLV that verifies over the reply's Sequence
 * Number and the TLVs before it, or one the reflector marked I (it could
 * not verify ours), else PROBE_AUTH_BAD_HMAC_TLV.  Nothing is moved.
 */
enum probe_auth_verdict probe_hmac_tlv_reply(const uint8_t *buf, size_t len,
					     const struct hmac_sha256_states *key);

#endif /* STAMPEDE_PROBE_AUTH_H */
