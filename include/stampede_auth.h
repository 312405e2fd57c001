/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Authenticated mode (RFC 8762 4.2.2, 4.3.2, 4.4), shared by the XDP
 * program (bpf/auth.h) and the controller (user/auth_keys.c): the packet
 * layout's offsets and the "auth_keys" map, which holds each key as the
 * two HMAC-SHA-256 states the controller precomputed, never the key.
 */
#ifndef STAMPEDE_AUTH_H
#define STAMPEDE_AUTH_H

#include <linux/types.h>

/* Offsets in the authenticated Session-Sender and Session-Reflector packets. */
#define STAMP_AUTH_SEQ	     0
#define STAMP_AUTH_TS	     16
#define STAMP_AUTH_EE	     24
#define STAMP_AUTH_SSID	     26
#define STAMP_AUTH_RX_TS     32 /* reflector */
#define STAMP_AUTH_S_SEQ     48 /* reflector: the sender's Sequence Number */
#define STAMP_AUTH_S_TS	     64
#define STAMP_AUTH_S_EE	     72
#define STAMP_AUTH_S_TTL     80
#define STAMP_AUTH_HMAC	     96 /* HMAC-SHA-256 over octets 0..95, truncated to 128 bits */
#define STAMP_AUTH_HMAC_LEN  16
#define STAMP_AUTH_BASE_SIZE 112

/* Entries of "auth_keys": keys (a default key counts once per auth-port) and markers. */
#define STAMPEDE_MAX_AUTH_KEYS 256
/* The longest key a key file may hold, in octets (longer ones are hashed by HMAC anyway). */
#define STAMPEDE_MAX_AUTH_KEY_LEN 128

/* stampede_auth_key_id.kind */
enum stampede_auth_kind {
	STAMPEDE_AUTH_SSID,	/* the key of one port and SSID */
	STAMPEDE_AUTH_ANY_SSID, /* the port's key for every SSID without one of its own */
	/*
	 * The port has keys: an authenticated packet to it is verified (and
	 * dropped when it cannot be); a port without is left to the stack.
	 * Its value carries no key.
	 */
	STAMPEDE_AUTH_PORT,
};

/* "auth_keys" key. */
struct stampede_auth_key_id {
	__be16 port;
	__be16 ssid; /* 0 unless kind is STAMPEDE_AUTH_SSID */
	__u32 kind;  /* enum stampede_auth_kind */
};

/* "auth_keys" value: never the key itself. */
struct stampede_auth_key {
	__u32 ipad[8];	     /* SHA-256 state after K ^ ipad (host-order words) */
	__u32 opad[8];	     /* and after K ^ opad */
	__u8 fingerprint[8]; /* HMAC(K, "stampede key fingerprint"): what `show` may tell */
};

#endif /* STAMPEDE_AUTH_H */
