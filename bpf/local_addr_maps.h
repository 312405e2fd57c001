/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The interface's addresses as the data path sees them: two maps that the
 * reflector (maps.h includes this) and the address watch
 * (addr_watch.bpf.c, which deletes removed addresses from them) share, so
 * that both objects define them alike.
 */
#ifndef STAMPEDE_BPF_LOCAL_ADDR_MAPS_H
#define STAMPEDE_BPF_LOCAL_ADDR_MAPS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "stampede_kern_user.h"

/* The interface's first addresses per family, compared before hashing. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct stampede_local_set);
} local_set SEC(".maps");

/* The interface's own unicast addresses, filled by the controller. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, STAMPEDE_MAX_LOCAL_ADDRS);
	__type(key, union stampede_addr);
	__type(value, __u8);
} local_addrs SEC(".maps");

#endif /* STAMPEDE_BPF_LOCAL_ADDR_MAPS_H */
