/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The keys the controller wrote from `auth-key FILE` (user/auth_keys.c):
 * each as the two HMAC-SHA-256 states after K ^ ipad and K ^ opad, never
 * the key.  Authenticated mode (auth.h) and the HMAC TLV (tlv/hmac_tlv.h)
 * look them up by port and SSID.
 */
#ifndef STAMPEDE_BPF_AUTH_KEYS_H
#define STAMPEDE_BPF_AUTH_KEYS_H

#include <stdbool.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "stampede_auth.h"
#include "sha256.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, STAMPEDE_MAX_AUTH_KEYS);
	__type(key, struct stampede_auth_key_id);
	__type(value, struct stampede_auth_key);
} auth_keys SEC(".maps");

/*
 * The key of @id->port for @ssid, else the port's key for every SSID.  @id
 * is the caller's, so that it need not be on the stack.  NULL: none.
 */
static __always_inline const struct stampede_auth_key *
auth_key_lookup(struct stampede_auth_key_id *id, __be16 ssid)
{
	const struct stampede_auth_key *key;

	id->ssid = ssid;
	id->kind = STAMPEDE_AUTH_SSID;
	key = bpf_map_lookup_elem(&auth_keys, id);
	if (key)
		return key;
	id->ssid = 0;
	id->kind = STAMPEDE_AUTH_ANY_SSID;
	return bpf_map_lookup_elem(&auth_keys, id);
}

/* @key's states into the HMAC's scratch entry. */
static __always_inline void auth_key_states(struct sha256_scratch *sc,
					    const struct stampede_auth_key *key)
{
	__builtin_memcpy(sc->ipad, key->ipad, sizeof(sc->ipad));
	__builtin_memcpy(sc->opad, key->opad, sizeof(sc->opad));
}

/* auth_key_lookup, and the key's states into the scratch entry.  false: none. */
static __always_inline bool auth_key_find(struct stampede_auth_key_id *id,
					  struct sha256_scratch *sc, __be16 ssid)
{
	const struct stampede_auth_key *key = auth_key_lookup(id, ssid);

	if (!key)
		return false;
	auth_key_states(sc, key);
	return true;
}

#endif /* STAMPEDE_BPF_AUTH_KEYS_H */
