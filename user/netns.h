/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Network namespaces: entering one by name or path, finding one, telling ours from the host's. */
#ifndef STAMPEDE_NETNS_H
#define STAMPEDE_NETNS_H

#include <stdbool.h>
#include <sys/types.h>

/* -a: the read-only commands cover every network namespace. */
extern bool all_netns;

/*
 * Move into the network namespace @spec: a name in /run/netns, as `ip -n
 * NAME` takes, or the absolute path of a namespace file (/var/run/netns/NAME,
 * a container's /proc/PID/ns/net).
 */
int netns_enter(const char *spec);

/* An fd of the namespace we are in, for netns_return() after a visit elsewhere. */
int netns_open_self(void);
int netns_return(int self_fd);

/*
 * The /run/netns names, ", "-separated into @buf, of the other network
 * namespaces that have an interface @ifname (a hint for an interface not
 * found here), and how many there are.  -1 (reported) only when we could
 * not return to ours.
 */
int netns_with_ifname(const char *ifname, char *buf, size_t len);

/*
 * What -n takes for the namespace of inode @ino: its /run/netns name, else
 * the /proc/PID/ns/net of a process in it.  False when neither exists.
 */
bool netns_spec_of(ino_t ino, char *buf, size_t len);

/* Inode of our namespace of @type ("net", "mnt"); 0 if unknown. */
ino_t ns_self_inode(const char *type);

/*
 * Whether we share the host's (PID 1's) namespace of @type: 1 yes, 0 no,
 * -1 when it cannot be told.
 */
int ns_is_host(const char *type);

#endif /* STAMPEDE_NETNS_H */
