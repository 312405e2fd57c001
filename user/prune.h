/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Removing a reflector's pins, and the pins of reflectors whose interface is gone. */
#ifndef STAMPEDE_PRUNE_H
#define STAMPEDE_PRUNE_H

#include <stdbool.h>

/* Whether a pinned XDP link still holds a device (it lets go when the device goes). */
bool link_is_live(int link_fd);

/* Whether an interface of @ifindex exists in this network namespace. */
bool ifindex_exists(int ifindex);

/* Unpin the link and maps in @dir, then remove the empty directories above it. */
int prune_unpin_reflector(const char *dir);

/*
 * Remove the pins of every reflector, in any network namespace, whose link
 * lost its device: a deleted interface or a deleted namespace (a Kubernetes
 * pod's, say) leaves them behind, holding maps nobody can reach, and a new
 * namespace may reuse the old one's inode and so its pin directory.
 */
void prune_defunct_reflectors(void);

#endif /* STAMPEDE_PRUNE_H */
