/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The interface's own addresses, which the data path answers for. */
#ifndef STAMPEDE_ADDRS_H
#define STAMPEDE_ADDRS_H

#include <stdbool.h>
#include <stddef.h>

#include "stampede_kern_user.h"

/*
 * Make the local_addrs map @map_fd hold exactly @ifname's IPv4 and IPv6
 * addresses; their number goes to @count.
 */
int addrs_sync(int map_fd, const char *ifname, unsigned int *count);

/* Number of entries in the local_addrs map @map_fd. */
int addrs_count(int map_fd, unsigned int *count);

/* An address as text: IPv4-mapped ones as a dotted quad. */
void addrs_format(const union stampede_addr *addr, char *buf, size_t len);

#endif /* STAMPEDE_ADDRS_H */
