/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Authenticated-mode keys (`auth-key FILE`): the key file read and checked,
 * each key turned into the HMAC-SHA-256 ipad and opad states the data path
 * signs with (the key itself never reaches the kernel), written into the
 * "auth_keys" map, and summed up for `show` as a count and a fingerprint.
 */
#ifndef STAMPEDE_AUTH_KEYS_H
#define STAMPEDE_AUTH_KEYS_H

#include <stdbool.h>
#include <linux/types.h>

#include "sha256.h"
#include "stampede_auth.h"

struct auth_keyset {
	struct stampede_auth_key_id id[STAMPEDE_MAX_AUTH_KEYS];
	struct stampede_auth_key val[STAMPEDE_MAX_AUTH_KEYS];
	unsigned int n;	     /* entries, markers included */
	unsigned int n_keys; /* entries that hold a key */
};

/* The fingerprint text: 8 hex digits and the NUL. */
#define AUTH_FINGERPRINT_LEN 9

/*
 * Read @path (mode 0600 or stricter, owned by root) into @set for the
 * auth-ports @ports and the unauthenticated ports @plain (host order).
 * One error line naming the file, and the line where one is at fault.
 * Format, one key a line, # starts a comment:
 *   [port PORT [ssid SSID]] KEY     KEY: hex:HEXDIGITS or text:WORD
 * A line without port gives the default key of every auth-port that has no
 * line of its own without ssid.  An unauthenticated port has a key only
 * from a line naming it: it verifies HMAC TLVs (RFC 8972 4.8) with it.
 */
int auth_keys_read(const char *path, const __u16 *ports, unsigned int n_ports, const __u16 *plain,
		   unsigned int n_plain, struct auth_keyset *set);

/*
 * The probe's key from the same format: the line for @port and @ssid, else
 * @port's, else (@authenticated: auth-key) the default; lines for other
 * ports are skipped.  Without @authenticated (hmac-key: HMAC TLVs in
 * unauthenticated mode) the default is not @port's, as on a reflector
 * whose unauthenticated port has a key only from a line naming it.  The
 * file may also belong to the user running the probe.  0, or -1 (reported,
 * naming auth-key or hmac-key).
 */
int auth_key_for(const char *path, __u16 port, __u16 ssid, bool authenticated,
		 struct hmac_sha256_states *st);

/* Make the map hold exactly @set: new entries first, then the stale ones go. */
int auth_keys_write(int map_fd, const struct auth_keyset *set);

/* Remove the entries of ports that are not among @ports (network order). */
int auth_keys_prune(int map_fd, const __be16 *ports, unsigned int n_ports);

/* The keys in the map and their set's fingerprint ("" when none). */
int auth_keys_summary(int map_fd, unsigned int *n_keys, char fp[AUTH_FINGERPRINT_LEN]);

/* The same for a set read from a file. */
void auth_keyset_fingerprint(const struct auth_keyset *set, char fp[AUTH_FINGERPRINT_LEN]);

#endif /* STAMPEDE_AUTH_KEYS_H */
