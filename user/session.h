/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The stateful reflector's session table, as attach changes it and readers count it. */
#ifndef STAMPEDE_SESSION_H
#define STAMPEDE_SESSION_H

#include <linux/types.h>

/*
 * Empty every set of the sessions map @fd (@ifname's, for messages).  A
 * reflector switched between stateless and stateful must not show, or go
 * on counting in, sessions an earlier stateful program left behind.
 */
int session_table_clear(const char *ifname, int fd);

struct attached;

/*
 * The sessions in the first @sets sets of @a's table (all of them: the
 * sessions map's max_entries), for `session list` and the metrics.
 */
int session_table_count(const struct attached *a, __u32 sets, unsigned int *count);

#endif /* STAMPEDE_SESSION_H */
