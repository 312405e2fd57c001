/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The reflector's maps; the controller pins each under /sys/fs/bpf/stampede/IFNAME/. */
#ifndef STAMPEDE_BPF_MAPS_H
#define STAMPEDE_BPF_MAPS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "stampede_kern_user.h"

/* One entry of named per-CPU counters: a single lookup per packet. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct stampede_stats);
} stats SEC(".maps");

/*
 * Stateful sessions, in sets (struct stampede_session_set); the controller
 * sets max_entries, the number of sets, at attach, and cfg.session_set_mask
 * to match.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, STAMPEDE_DEFAULT_SESSIONS / STAMPEDE_SESSION_WAYS);
	__type(key, __u32);
	__type(value, struct stampede_session_set);
} sessions SEC(".maps");

/* local_set and local_addrs, here in the maps' order (the address watch shares them). */
#include "local_addr_maps.h"

/* Clock facts published by the controller (TAI offset, Error Estimate). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct stampede_clock);
} clock SEC(".maps");

/* Per-TLV-type counters: looked up once per packet that carries TLVs. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct stampede_tlv_stats);
} tlv_stats SEC(".maps");

/* Access Report TLVs (RFC 8972 4.6) by Access ID and Return Code. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, STAMPEDE_ACCESS_REPORT_KEYS);
	__type(key, __u32);
	__type(value, __u64);
} access_reports SEC(".maps");

/*
 * Source allow-list (allow PREFIX): filled by the controller before the
 * program that reads it runs, and never changed in place; a new list comes
 * with a new map, swapped in with its program.  Tries allocate per entry.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, STAMPEDE_MAX_ALLOW_PREFIXES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct stampede_allow_key);
	__type(value, __u8);
} allow_src SEC(".maps");

/*
 * Per-source token buckets (rate-limit).  When full, a new source takes
 * the least recently used one's entry; that source, back, starts with a
 * full bucket.  The controller sizes it: one entry while rate-limit is off.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, STAMPEDE_RATE_SOURCES);
	__type(key, union stampede_addr);
	__type(value, struct stampede_rate_bucket);
} rate_src SEC(".maps");

/* The interface's token bucket (rate-limit-all), shared by every CPU. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct stampede_rate_bucket);
} rate_all SEC(".maps");

#endif /* STAMPEDE_BPF_MAPS_H */
