/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The address watch: tracing programs on the kernel's own address-removal
 * path that delete a removed address from a reflector's local_set and
 * local_addrs maps (local_addr_maps.h) synchronously, before the removal
 * (`ip addr del`, an address expiring, a device going away) returns, so
 * that the data path never answers an address the interface no longer
 * has.  The agent's republish (user/addrs.c) follows later and keeps the
 * maps exact as addresses come; the watch only ever takes addresses out.
 *
 * One watch per reflector, loaded with its maps and with the network
 * namespace and ifindex it answers for in .rodata.  Both hooks run for
 * every address removed on the host; the watch acts only on its own
 * namespace's:
 *  - IPv4: the inetaddr notifier's FIB handler, fib_inetaddr_event(nb,
 *    NETDEV_DOWN, ifa), called for each address removed, the secondaries
 *    removed with their primary included, after the address left the
 *    device's list.  (fib_del_ifaddr(ifa, NULL) is the same point, but it
 *    may be inlined into it; it also runs with a non-NULL primary for
 *    addresses that stay, when a secondary is promoted.)
 *  - IPv6: inet6addr_notifier_call_chain(NETDEV_DOWN, ifa), exported, called
 *    by ipv6_del_addr() and addrconf_ifdown() for each address they remove
 *    (not for those an interface keeps over a down, keep_addr_on_down).
 * Each as fentry where the kernel takes it (a bpf_link that can be pinned)
 * and as kprobe otherwise: the controller loads one pair (user/addr_watch.c).
 */
#include <stdbool.h>
#include <linux/bpf.h>
#include <asm/ptrace.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "stampede_kern_user.h"
#include "local_addr_maps.h"
#include "addr_watch.h"

/* The reflector's network namespace (its nsfs inode) and interface; set at load. */
const volatile __u32 watch_netns_inum;
const volatile __s32 watch_ifindex;

/*
 * Removals seen in the namespace, at [0]: the agent compares it before
 * and after it rewrites the maps, and rewrites them again when it moved,
 * so that a dump taken before a removal is never left standing after it.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} addr_watch_gen SEC(".maps");

/* Stores before it stay before it (the compiler's order; x86 keeps program order). */
#define store_barrier() asm volatile("" ::: "memory")

static __always_inline bool same_addr(const union stampede_addr *a, const union stampede_addr *b)
{
	return a->w[0] == b->w[0] && a->w[1] == b->w[1] && a->w[2] == b->w[2] && a->w[3] == b->w[3];
}

/*
 * Take @addr out of the set: the last entry is copied into its slot, and
 * only then is the count lowered.  A packet reading the set meanwhile
 * finds every remaining address: the one moved is at its old place until
 * the count no longer covers it.
 */
static __always_inline void set_remove_v4(struct stampede_local_set *set, __be32 addr)
{
	__u32 n = set->n_v4, last, i;

	if (n == 0 || n > STAMPEDE_LOCAL_SET_ADDRS)
		return;
	last = n - 1;
	for (i = 0; i < STAMPEDE_LOCAL_SET_ADDRS; i++) {
		if (i >= n)
			return;
		if (set->v4[i] != addr)
			continue;
		if (last < STAMPEDE_LOCAL_SET_ADDRS)
			set->v4[i] = set->v4[last];
		store_barrier();
		set->n_v4 = last;
		return;
	}
}

static __always_inline void set_remove_v6(struct stampede_local_set *set,
					  const union stampede_addr *addr)
{
	__u32 n = set->n_v6, last, i;

	if (n == 0 || n > STAMPEDE_LOCAL_SET_ADDRS)
		return;
	last = n - 1;
	for (i = 0; i < STAMPEDE_LOCAL_SET_ADDRS; i++) {
		if (i >= n)
			return;
		if (!same_addr(&set->v6[i], addr))
			continue;
		if (last < STAMPEDE_LOCAL_SET_ADDRS)
			set->v6[i] = set->v6[last];
		store_barrier();
		set->n_v6 = last;
		return;
	}
}

/*
 * @addr (IPv4 as ::ffff:a.b.c.d) left the interface @ifindex of our
 * namespace.  Ours: out of the set and, tagged LOCAL, out of the hash.
 * Another interface's: out of the hash when tagged NODE (the Destination
 * Node Address TLV's); the same address on our interface stays, LOCAL.
 * Directed broadcasts stay until the agent republishes: a stale one only
 * refuses.
 */
static __always_inline void address_removed(const union stampede_addr *addr, bool ipv6, int ifindex)
{
	__u32 zero = 0;
	struct stampede_local_set *set;
	__u64 *gen;
	__u8 *tag;

	/* Counted first: a rewrite by the agent that read it before now must see it move. */
	gen = bpf_map_lookup_elem(&addr_watch_gen, &zero);
	if (gen)
		__sync_fetch_and_add(gen, 1);
	tag = bpf_map_lookup_elem(&local_addrs, addr);
	if (ifindex != watch_ifindex) {
		if (tag && *tag == STAMPEDE_ADDR_NODE)
			bpf_map_delete_elem(&local_addrs, addr);
		return;
	}
	set = bpf_map_lookup_elem(&local_set, &zero);
	if (set) {
		if (ipv6)
			set_remove_v6(set, addr);
		else
			set_remove_v4(set, addr->w[3]);
	}
	if (tag && *tag == STAMPEDE_ADDR_LOCAL)
		bpf_map_delete_elem(&local_addrs, addr);
}

/* The namespace of @dev, as its nsfs inode number. */
static __always_inline __u32 dev_netns_inum(const struct net_device___stampede *dev)
{
	return BPF_CORE_READ(dev, nd_net.net, ns.inum);
}

/* Devices hold at most this many IPv4 addresses we look through. */
#define WATCH_V4_SCAN 32

/*
 * Whether the device of @ifa still has its address: the same local
 * address with another prefix (`ip addr add 198.18.0.1/24` and `/16`)
 * is a second entry, and removing one leaves the address in place.
 */
static __always_inline bool v4_still_there(const struct in_device___stampede *idev, __be32 local)
{
	const struct in_ifaddr___stampede *ifa = BPF_CORE_READ(idev, ifa_list);
	int i;

	for (i = 0; i < WATCH_V4_SCAN && ifa; i++) {
		if (BPF_CORE_READ(ifa, ifa_local) == local)
			return true;
		ifa = BPF_CORE_READ(ifa, ifa_next);
	}
	return false;
}

static __always_inline int on_inetaddr_event(unsigned long event, const void *ptr)
{
	const struct in_ifaddr___stampede *ifa = ptr;
	const struct in_device___stampede *idev;
	const struct net_device___stampede *dev;
	union stampede_addr addr = {};

	if (event != STAMPEDE_NETDEV_DOWN || !ifa)
		return 0;
	idev = BPF_CORE_READ(ifa, ifa_dev);
	dev = BPF_CORE_READ(idev, dev);
	if (!dev || dev_netns_inum(dev) != watch_netns_inum)
		return 0;
	addr.b[10] = 0xff;
	addr.b[11] = 0xff;
	addr.w[3] = BPF_CORE_READ(ifa, ifa_local);
	if (v4_still_there(idev, addr.w[3]))
		return 0;
	address_removed(&addr, false, BPF_CORE_READ(dev, ifindex));
	return 0;
}

static __always_inline int on_inet6addr_event(unsigned long event, const void *ptr)
{
	const struct inet6_ifaddr___stampede *ifa = ptr;
	const struct net_device___stampede *dev;
	union stampede_addr addr;

	if (event != STAMPEDE_NETDEV_DOWN || !ifa)
		return 0;
	dev = BPF_CORE_READ(ifa, idev, dev);
	if (!dev || dev_netns_inum(dev) != watch_netns_inum)
		return 0;
	if (BPF_CORE_READ_INTO(&addr, ifa, addr))
		return 0;
	address_removed(&addr, true, BPF_CORE_READ(dev, ifindex));
	return 0;
}

SEC("fentry/fib_inetaddr_event")
int BPF_PROG(watch_v4_fentry, void *nb, unsigned long event, void *ptr)
{
	return on_inetaddr_event(event, ptr);
}

SEC("fentry/inet6addr_notifier_call_chain")
int BPF_PROG(watch_v6_fentry, unsigned long val, void *v)
{
	return on_inet6addr_event(val, v);
}

SEC("kprobe/fib_inetaddr_event")
int BPF_KPROBE(watch_v4_kprobe, void *nb, unsigned long event, void *ptr)
{
	return on_inetaddr_event(event, ptr);
}

SEC("kprobe/inet6addr_notifier_call_chain")
int BPF_KPROBE(watch_v6_kprobe, unsigned long val, void *v)
{
	return on_inet6addr_event(val, v);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
