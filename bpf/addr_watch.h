/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The few kernel fields the address watch (addr_watch.bpf.c) reads, as
 * local shadows of the kernel's structures: the project builds its BPF
 * programs against the UAPI headers, not a vmlinux.h.  preserve_access_index
 * makes every access a CO-RE relocation, which libbpf resolves against the
 * running kernel's BTF at load (the ___stampede suffix is dropped when
 * matching names), so the offsets are that kernel's, whatever its version
 * or configuration.  Only what the watch reads is declared.
 */
#ifndef STAMPEDE_BPF_ADDR_WATCH_H
#define STAMPEDE_BPF_ADDR_WATCH_H

#include <linux/types.h>

/*
 * enum netdev_cmd (include/linux/netdevice.h): the inetaddr and inet6addr
 * notifiers' event for an address removed.  Its value has been 2 since
 * the notifiers exist.
 */
#define STAMPEDE_NETDEV_DOWN 2

struct ns_common___stampede {
	unsigned int inum; /* the nsfs inode: what stat() of /proc/PID/ns/net gives */
} __attribute__((preserve_access_index));

struct net___stampede {
	struct ns_common___stampede ns;
} __attribute__((preserve_access_index));

struct net_device___stampede {
	int ifindex;
	/* possible_net_t, a struct around the pointer (CONFIG_NET_NS) */
	struct {
		struct net___stampede *net;
	} nd_net;
} __attribute__((preserve_access_index));

struct in_ifaddr___stampede;

struct in_device___stampede {
	struct net_device___stampede *dev;
	struct in_ifaddr___stampede *ifa_list; /* the device's IPv4 addresses */
} __attribute__((preserve_access_index));

/* An IPv4 address of a device (include/linux/inetdevice.h). */
struct in_ifaddr___stampede {
	struct in_ifaddr___stampede *ifa_next;
	struct in_device___stampede *ifa_dev;
	__be32 ifa_local;
} __attribute__((preserve_access_index));

struct inet6_dev___stampede {
	struct net_device___stampede *dev;
} __attribute__((preserve_access_index));

/* An IPv6 address of a device (include/net/if_inet6.h). */
struct inet6_ifaddr___stampede {
	struct {
		__u8 b[16];
	} addr; /* struct in6_addr */
	struct inet6_dev___stampede *idev;
} __attribute__((preserve_access_index));

#endif /* STAMPEDE_BPF_ADDR_WATCH_H */
