/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The source policy of a reflector: the allow-list (allow PREFIX, the
 * allow_src LPM trie) and the rate limits (rate-limit, rate-limit-all,
 * token buckets whose figures live in the program's configuration).
 */
#ifndef STAMPEDE_SOURCE_POLICY_H
#define STAMPEDE_SOURCE_POLICY_H

#include <stddef.h>
#include <linux/types.h>

#include "stampede_kern_user.h"

/*
 * "PPS[,BURST]" of @keyword into @pps and @burst; "none" gives 0 and 0.
 * BURST defaults to PPS (one second's worth).  -1, reported, when bad.
 */
int policy_parse_rate(const char *word, const char *keyword, __u32 *pps, __u32 *burst);

/* The data path's figures for @pps and @burst (all zero for pps 0). */
void policy_rate_config(struct stampede_rate *r, __u32 pps, __u32 burst);

/* "100/s burst 10" or "none". */
void policy_rate_text(__u32 pps, __u32 burst, char *buf, size_t len);

/* Write @n prefixes into the allow_src trie @fd. */
int policy_allow_write(int fd, const struct stampede_prefix *p, unsigned int n, const char *ifname);

/*
 * The prefixes of the allow_src trie @fd, sorted (IPv4 first), into @p (room
 * for STAMPEDE_MAX_ALLOW_PREFIXES); their number into @n.
 */
int policy_allow_read(int fd, struct stampede_prefix *p, unsigned int *n, const char *ifname);

/* "198.18.0.0/15, 2001:db8::/32", "none", or past @len "N prefixes". */
void policy_allow_text(const struct stampede_prefix *p, unsigned int n, char *buf, size_t len);

#endif /* STAMPEDE_SOURCE_POLICY_H */
