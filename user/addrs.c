// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Interface addresses and directed broadcasts into the local_addrs and local_set maps. */
#include <errno.h>
#include <ifaddrs.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <bpf/bpf.h>

#include "addr_watch.h"
#include "addrs.h"
#include "cli.h"

static bool is_v4_mapped(const union stampede_addr *addr)
{
	static const __u8 prefix[12] = {[10] = 0xff, [11] = 0xff};

	return !memcmp(addr->b, prefix, sizeof(prefix));
}

void addrs_format(const union stampede_addr *addr, char *buf, size_t len)
{
	if (is_v4_mapped(addr))
		inet_ntop(AF_INET, &addr->w[3], buf, len);
	else
		inet_ntop(AF_INET6, addr->b, buf, len);
}

/*
 * getifaddrs() names an IPv4 address by its label, which may be an alias
 * such as "eth0:1"; it still belongs to eth0.
 */
static bool belongs_to(const char *name, const char *ifname)
{
	size_t len = strlen(ifname);

	return !strncmp(name, ifname, len) && (name[len] == '\0' || name[len] == ':');
}

static bool to_stampede_addr(const struct sockaddr *sa, union stampede_addr *addr)
{
	memset(addr, 0, sizeof(*addr));
	if (sa->sa_family == AF_INET) {
		addr->b[10] = 0xff;
		addr->b[11] = 0xff;
		addr->w[3] = ((const struct sockaddr_in *)sa)->sin_addr.s_addr;
		return true;
	}
	if (sa->sa_family == AF_INET6) {
		memcpy(addr->b, &((const struct sockaddr_in6 *)sa)->sin6_addr, sizeof(addr->b));
		return true;
	}
	return false;
}

static bool in_list(const union stampede_addr *list, unsigned int n,
		    const union stampede_addr *addr)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!memcmp(&list[i], addr, sizeof(*addr)))
			return true;
	return false;
}

bool addrs_v4_broadcast(__be32 addr, __be32 mask, __be32 *bcast)
{
	/* /31 (RFC 3021) and /32 subnets have no broadcast address. */
	if ((ntohl(mask) & 0xfffffffe) == 0xfffffffe)
		return false;
	*bcast = addr | ~mask;
	return true;
}

/* Append @addr to @list unless it is there; false when the list is full. */
static bool list_add(union stampede_addr *list, unsigned int *n, const union stampede_addr *addr)
{
	if (in_list(list, *n, addr))
		return true;
	if (*n == STAMPEDE_MAX_LOCAL_ADDRS)
		return false;
	list[(*n)++] = *addr;
	return true;
}

/*
 * The directed broadcasts of the IPv4 subnet of @ifa: the one its prefix
 * gives and the one configured (`ip addr ... brd`), where they differ.
 */
static bool add_broadcasts(const struct ifaddrs *ifa, union stampede_addr *list, unsigned int *n)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)ifa->ifa_addr;
	union stampede_addr addr;
	__be32 bcast;

	if (ifa->ifa_netmask &&
	    addrs_v4_broadcast(sin->sin_addr.s_addr,
			       ((const struct sockaddr_in *)ifa->ifa_netmask)->sin_addr.s_addr,
			       &bcast)) {
		memset(&addr, 0, sizeof(addr));
		addr.b[10] = 0xff;
		addr.b[11] = 0xff;
		addr.w[3] = bcast;
		if (!list_add(list, n, &addr))
			return false;
	}
	if ((ifa->ifa_flags & IFF_BROADCAST) && ifa->ifa_broadaddr &&
	    to_stampede_addr(ifa->ifa_broadaddr, &addr) && is_v4_mapped(&addr) && addr.w[3] &&
	    !list_add(list, n, &addr))
		return false;
	return true;
}

/*
 * The node's other addresses, for the Destination Node Address TLV (RFC
 * 9503 names the node, not the interface): those of the other interfaces
 * of the network namespace, after @ifname's own in @list.  Loopback ones
 * and IPv6 link-local ones (scoped to their link) are left out, and so is
 * whatever does not fit: the interface's own come first and always fit.
 */
static void add_node_addrs(const struct ifaddrs *ifas, const char *ifname,
			   union stampede_addr *list, unsigned int *n)
{
	const struct ifaddrs *ifa;
	union stampede_addr addr;

	for (ifa = ifas; ifa; ifa = ifa->ifa_next) {
		if (!ifa->ifa_addr || belongs_to(ifa->ifa_name, ifname) ||
		    !to_stampede_addr(ifa->ifa_addr, &addr))
			continue;
		if (is_v4_mapped(&addr) ? addr.b[12] == 127
					: (addr.b[0] == 0xfe && (addr.b[1] & 0xc0) == 0x80) ||
						  (!addr.w[0] && !addr.w[1] && !addr.w[2] &&
						   addr.w[3] == htonl(1)))
			continue;
		if (!list_add(list, n, &addr)) {
			cli_debug("the node's addresses fill the local_addrs map: %s and later"
				  " ones are left out",
				  ifa->ifa_name);
			return;
		}
	}
}

/*
 * @ifname's distinct addresses into @list, *@n_local of them, then the
 * directed broadcasts of its IPv4 subnets that are not also one of its
 * addresses (up to *@n_iface), then the node's other addresses: *@n in all,
 * at most STAMPEDE_MAX_LOCAL_ADDRS.
 */
static int read_addrs(const char *ifname, union stampede_addr *list, unsigned int *n_local,
		      unsigned int *n_iface, unsigned int *n)
{
	struct ifaddrs *ifas, *ifa;
	union stampede_addr addr;

	*n = 0;
	if (getifaddrs(&ifas))
		return cli_error("cannot list the addresses of dev %s: %s", ifname,
				 strerror(errno));
	for (ifa = ifas; ifa; ifa = ifa->ifa_next) {
		if (!ifa->ifa_addr || !belongs_to(ifa->ifa_name, ifname) ||
		    !to_stampede_addr(ifa->ifa_addr, &addr))
			continue;
		if (!list_add(list, n, &addr))
			goto full;
	}
	*n_local = *n;
	/* Second: an address of the interface that is also a broadcast stays an address. */
	for (ifa = ifas; ifa; ifa = ifa->ifa_next) {
		if (!ifa->ifa_addr || ifa->ifa_addr->sa_family != AF_INET ||
		    !belongs_to(ifa->ifa_name, ifname))
			continue;
		if (!add_broadcasts(ifa, list, n))
			goto full;
	}
	*n_iface = *n;
	add_node_addrs(ifas, ifname, list, n);
	freeifaddrs(ifas);
	return 0;
full:
	freeifaddrs(ifas);
	return cli_error("dev %s has more than %d addresses and broadcasts", ifname,
			 STAMPEDE_MAX_LOCAL_ADDRS);
}

/* Delete the map's addresses that are not in @keep (left from an earlier attach). */
static int drop_stale(int map_fd, const union stampede_addr *keep, unsigned int n_keep)
{
	union stampede_addr key, next, *stale;
	unsigned int n_stale = 0, i;
	void *prev = NULL;
	int err = 0;

	stale = calloc(STAMPEDE_MAX_LOCAL_ADDRS, sizeof(*stale));
	if (!stale)
		return cli_error("out of memory");
	/* Collect first: deleting while walking the hash can restart the walk. */
	while (n_stale < STAMPEDE_MAX_LOCAL_ADDRS && !bpf_map_get_next_key(map_fd, prev, &next)) {
		key = next;
		prev = &key;
		if (!in_list(keep, n_keep, &key))
			stale[n_stale++] = key;
	}
	for (i = 0; i < n_stale; i++) {
		if (bpf_map_delete_elem(map_fd, &stale[i]) && errno != ENOENT) {
			err = cli_error("cannot update the local_addrs map: %s", strerror(errno));
			break;
		}
	}
	free(stale);
	return err;
}

void addrs_fill_set(struct stampede_local_set *set, const union stampede_addr *list,
		    unsigned int n_local, unsigned int n)
{
	unsigned int i;

	memset(set, 0, sizeof(*set));
	for (i = 0; i < n; i++) {
		if (i >= n_local) {
			/* Directed broadcasts: IPv4 only. */
			if (set->n_bcast_v4 < STAMPEDE_LOCAL_SET_ADDRS)
				set->bcast_v4[set->n_bcast_v4++] = list[i].w[3];
			else
				set->more_bcast_v4 = 1;
		} else if (is_v4_mapped(&list[i])) {
			if (set->n_v4 < STAMPEDE_LOCAL_SET_ADDRS)
				set->v4[set->n_v4++] = list[i].w[3];
			else
				set->more_v4 = 1;
		} else {
			if (set->n_v6 < STAMPEDE_LOCAL_SET_ADDRS)
				set->v6[set->n_v6++] = list[i];
			else
				set->more_v6 = 1;
		}
	}
}

/* One dump of the interface's addresses, written to the maps. */
static int sync_once(int map_fd, int set_fd, const char *ifname, unsigned int *count)
{
	const __u8 local = STAMPEDE_ADDR_LOCAL, bcast = STAMPEDE_ADDR_BROADCAST,
		   node = STAMPEDE_ADDR_NODE;
	struct stampede_local_set set;
	unsigned int n_local = 0, n_iface = 0, n, i;
	union stampede_addr *list;
	__u32 zero = 0;
	int err;

	list = calloc(STAMPEDE_MAX_LOCAL_ADDRS, sizeof(*list));
	if (!list)
		return cli_error("out of memory");
	err = read_addrs(ifname, list, &n_local, &n_iface, &n);
	if (!err)
		err = drop_stale(map_fd, list, n);
	/*
	 * The hash first: while the set still names an address that is gone,
	 * or lacks a new one, the data path answers as before the change.
	 */
	for (i = 0; !err && i < n; i++)
		if (bpf_map_update_elem(map_fd, &list[i],
					i < n_local   ? &local
					: i < n_iface ? &bcast
						      : &node,
					BPF_ANY))
			err = cli_error("cannot update the local_addrs map: %s", strerror(errno));
	if (!err) {
		addrs_fill_set(&set, list, n_local, n_iface);
		if (bpf_map_update_elem(set_fd, &zero, &set, BPF_ANY))
			err = cli_error("cannot update the local_set map: %s", strerror(errno));
	}
	free(list);
	if (!err)
		*count = n_local;
	return err;
}

int addrs_sync(int map_fd, int set_fd, int gen_fd, const char *ifname, unsigned int *count)
{
	__u64 before;
	int tries, err;

	/*
	 * An address removed after the dump but before the write is deleted
	 * by the address watch and then written back by us: the watch's
	 * count moves meanwhile, and the dump is taken again.  Bounded: the
	 * rtnetlink event of a removal brings another sync in any case.
	 */
	for (tries = 1;; tries++) {
		before = addr_watch_gen_read(gen_fd);
		err = sync_once(map_fd, set_fd, ifname, count);
		if (err || gen_fd < 0 || addr_watch_gen_read(gen_fd) == before)
			return err;
		if (tries == ADDRS_SYNC_TRIES) {
			cli_debug("dev %s: addresses kept going while they were written; the"
				  " next address event writes them again",
				  ifname);
			return 0;
		}
		cli_debug("dev %s: an address went while they were written; again", ifname);
	}
}

int addrs_count(int map_fd, unsigned int *count)
{
	union stampede_addr key, next;
	void *prev = NULL;
	unsigned int n = 0, seen = 0;
	__u8 tag;

	while (!bpf_map_get_next_key(map_fd, prev, &next)) {
		key = next;
		prev = &key;
		/* A hash walk can restart when keys go away meanwhile; stay bounded. */
		if (++seen > STAMPEDE_MAX_LOCAL_ADDRS)
			break;
		/* The directed broadcasts listed beside them are not addresses. */
		if (!bpf_map_lookup_elem(map_fd, &key, &tag) && tag == STAMPEDE_ADDR_LOCAL)
			n++;
	}
	*count = n;
	return 0;
}
