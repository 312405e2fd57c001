/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Namespaces: entering a named network namespace, and telling ours from the host's. */
#ifndef STAMPEDE_NETNS_H
#define STAMPEDE_NETNS_H

#include <sys/types.h>

/* Move into /run/netns/@name, as `ip -n NAME` does. */
int netns_enter(const char *name);

/* Inode of our namespace of @type ("net", "mnt"); 0 if unknown. */
ino_t ns_self_inode(const char *type);

/*
 * Whether we share the host's (PID 1's) namespace of @type: 1 yes, 0 no,
 * -1 when it cannot be told.
 */
int ns_is_host(const char *type);

#endif /* STAMPEDE_NETNS_H */
