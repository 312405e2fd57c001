/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Where a reflector's pins live.  The pinned link keeps the program
 * attached after stampede exits; the pinned maps let later runs read
 * counters and sessions and keep them across a replace.
 *
 *   /sys/fs/bpf/stampede/IFNAME/{link,stats,sessions,local_addrs,local_set,clock,
 *                                tlv_stats,access_reports,allow_src,rate_src,rate_all,auth_keys}
 *   /sys/fs/bpf/stampede/netns-INODE/IFNAME/...  (other network namespaces)
 *
 * "netns-" plus a namespace inode is longer than any interface name
 * (IFNAMSIZ - 1 = 15 characters), so the two kinds of entries cannot clash.
 */
#ifndef STAMPEDE_PINS_H
#define STAMPEDE_PINS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "stampede_kern_user.h"

#define PIN_BPFFS	 "/sys/fs/bpf"
#define PIN_NETNS_PREFIX "netns-"

/*
 * The maps pinned beside the link, by their names in the BPF object.  The
 * data path's scratch maps (tlv_scratch) are not pinned: nothing reads them
 * and nothing in them outlives a packet.
 */
#define PIN_MAPS(X)    \
	X(stats)       \
	X(sessions)    \
	X(local_addrs) \
	X(local_set)   \
	X(clock) X(tlv_stats) X(access_reports) X(allow_src) X(rate_src) X(rate_all) X(auth_keys)

/*
 * The maps a reflector attached by an older stampede may lack; readers say
 * so instead of failing.  The first of them in PIN_MAPS order.
 */
#define PIN_MAP_FIRST_OPTIONAL PIN_MAP_tlv_stats

/*
 * Make sure PIN_BPFFS is a bpffs, mounting one if @may_mount.  Returns 0 when
 * it is one, 1 when it is not and nothing was mounted (so nothing can be
 * pinned: no reflector is attached), -1 on error (reported).
 */
int pins_check_bpffs(bool may_mount);

/*
 * Serialize changes to the pins: attach and detach hold an exclusive lock
 * on the bpffs root until the process exits, so two runs (a configuration
 * manager and an operator, say) never interleave their pins and links.
 */
int pins_lock(void);

/* Let the lock go (a long-running agent, between its changes). */
void pins_unlock(void);

/* This network namespace's directory of pin directories. */
int pins_netns_dir(char *buf, size_t len);

/* The pin directory of @ifname (which is checked for use in a path). */
int pins_dev_dir(const char *ifname, char *buf, size_t len);

/* @dir/@name into @buf. */
int pins_path(char *buf, size_t len, const char *dir, const char *name);

/*
 * Names of the interfaces with a pin directory in this network namespace,
 * sorted; free with pins_free_list().  None when the directory is missing.
 */
int pins_list_devs(char ***names, size_t *count);
void pins_free_list(char **names, size_t count);

/*
 * The interface a pin directory belongs to, recorded at attach as a symlink
 * "ifindex" -> "N" (bpffs holds pins, directories and symlinks only).  The
 * link's own ifindex turns 0 both when the interface goes and when someone
 * detaches the link from outside; the record tells the two apart, and
 * finds the interface again after a rename.
 */
#define PIN_IFINDEX "ifindex"

/* Record @ifindex in @dir; -1 (reported) on failure. */
int pins_record_ifindex(const char *dir, int ifindex);

/* The ifindex recorded in @dir, 0 when none (pinned by an older stampede). */
int pins_recorded_ifindex(const char *dir);

/*
 * Interfaces renamed since their reflector was attached (CNI plugins do
 * that): move each pin directory to the interface's current name, so that
 * every command finds it under that name.
 */
void pins_follow_renames(void);

/*
 * Remove @dir and then its parents up to and including STAMPEDE_PIN_ROOT,
 * each only if empty.
 */
void pins_remove_empty_dirs(const char *dir);

#endif /* STAMPEDE_PINS_H */
