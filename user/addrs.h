/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The interface's own addresses, which the data path answers for. */
#ifndef STAMPEDE_ADDRS_H
#define STAMPEDE_ADDRS_H

#include <stdbool.h>
#include <stddef.h>

#include "stampede_kern_user.h"

/*
 * Make the local_addrs map @map_fd hold exactly @ifname's IPv4 and IPv6
 * addresses (STAMPEDE_ADDR_LOCAL) and the directed broadcasts of its IPv4
 * subnets (STAMPEDE_ADDR_BROADCAST), and the local_set map @set_fd the
 * first of each; the number of addresses goes to @count.  @gen_fd is the
 * address watch's generation map (addr_watch.h), or -1: while it moves
 * during a rewrite (an address went meanwhile), the rewrite is done again,
 * up to ADDRS_SYNC_TRIES times.
 */
#define ADDRS_SYNC_TRIES 4
int addrs_sync(int map_fd, int set_fd, int gen_fd, const char *ifname, unsigned int *count);

/*
 * The local_set value for @list, in its order: @n_local addresses, then
 * directed broadcasts up to @n (IPv4, as ::ffff:a.b.c.d).
 */
void addrs_fill_set(struct stampede_local_set *set, const union stampede_addr *list,
		    unsigned int n_local, unsigned int n);

/*
 * The directed broadcast of the IPv4 subnet of @addr with netmask @mask
 * (network order) into *@bcast; false for /31 and /32, which have none.
 */
bool addrs_v4_broadcast(__be32 addr, __be32 mask, __be32 *bcast);

/* Number of addresses (not broadcasts) in the local_addrs map @map_fd. */
int addrs_count(int map_fd, unsigned int *count);

/* An address as text: IPv4-mapped ones as a dotted quad. */
void addrs_format(const union stampede_addr *addr, char *buf, size_t len);

#endif /* STAMPEDE_ADDRS_H */
