/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Authenticated mode (RFC 8762 4.2.2, 4.3.2, 4.4): the keys of the
 * auth-ports, as the controller writes them (user/auth_keys.c).
 */
#ifndef STAMPEDE_BPF_AUTH_H
#define STAMPEDE_BPF_AUTH_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "stampede_auth.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, STAMPEDE_MAX_AUTH_KEYS);
	__type(key, struct stampede_auth_key_id);
	__type(value, struct stampede_auth_key);
} auth_keys SEC(".maps");

#endif /* STAMPEDE_BPF_AUTH_H */
