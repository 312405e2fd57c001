// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * A veth's peer, found through rtnetlink: IFLA_LINK names its ifindex and
 * IFLA_LINK_NETNSID its namespace when that is another; RTM_GETLINK with
 * IFLA_TARGET_NETNSID then reads it there (IFLA_XDP says whether a program
 * runs on it).  Its tx checksum offload is an ethtool ioctl, which works
 * only by name in the peer's namespace: entered when /run/netns names it.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/ethtool.h>
#include <linux/if_link.h>
#include <linux/net_namespace.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <fcntl.h>

#include "cli.h"
#include "netns.h"
#include "veth_peer.h"

#define NL_BUF 16384

struct nl_req {
	struct nlmsghdr nh;
	union {
		struct ifinfomsg ifi;
		struct rtgenmsg gen;
	};
	char attrs[64];
};

static void add_attr(struct nl_req *req, unsigned short type, const void *data, size_t len)
{
	struct rtattr *rta = (struct rtattr *)((char *)req + NLMSG_ALIGN(req->nh.nlmsg_len));

	rta->rta_type = type;
	rta->rta_len = RTA_LENGTH(len);
	memcpy(RTA_DATA(rta), data, len);
	req->nh.nlmsg_len = NLMSG_ALIGN(req->nh.nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

/* Send @req, receive the one answer into @buf; its payload, or NULL. */
static struct nlmsghdr *nl_ask(struct nl_req *req, char *buf)
{
	struct nlmsghdr *nh;
	ssize_t n;
	int fd;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return NULL;
	req->nh.nlmsg_flags = NLM_F_REQUEST;
	n = send(fd, req, req->nh.nlmsg_len, 0) < 0 ? -1 : recv(fd, buf, NL_BUF, 0);
	close(fd);
	nh = (struct nlmsghdr *)buf;
	if (n < (ssize_t)sizeof(*nh) || !NLMSG_OK(nh, (size_t)n) || nh->nlmsg_type == NLMSG_ERROR)
		return NULL;
	return nh;
}

/* @ifindex's RTM_NEWLINK answer, read in the namespace @netnsid (-1: ours). */
static struct nlmsghdr *get_link(int ifindex, int netnsid, char *buf)
{
	struct nl_req req = {0};

	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
	req.nh.nlmsg_type = RTM_GETLINK;
	req.ifi.ifi_family = AF_UNSPEC;
	req.ifi.ifi_index = ifindex;
	if (netnsid >= 0)
		add_attr(&req, IFLA_TARGET_NETNSID, &netnsid, sizeof(netnsid));
	return nl_ask(&req, buf);
}

/* The attribute @type directly in @rta..@len, or NULL. */
static struct rtattr *find_attr(struct rtattr *rta, int len, unsigned short type)
{
	for (; RTA_OK(rta, len); rta = RTA_NEXT(rta, len))
		if ((rta->rta_type & ~NLA_F_NESTED) == type)
			return rta;
	return NULL;
}

static struct rtattr *link_attr(struct nlmsghdr *nh, unsigned short type)
{
	return find_attr(IFLA_RTA(NLMSG_DATA(nh)), IFLA_PAYLOAD(nh), type);
}

static struct rtattr *nested_attr(struct rtattr *outer, unsigned short type)
{
	return outer ? find_attr(RTA_DATA(outer), RTA_PAYLOAD(outer), type) : NULL;
}

static bool is_veth(struct nlmsghdr *nh)
{
	struct rtattr *kind = nested_attr(link_attr(nh, IFLA_LINKINFO), IFLA_INFO_KIND);

	return kind && !strcmp(RTA_DATA(kind), "veth");
}

/* ETHTOOL_GTXCSUM of @name in the namespace we are in: 1, 0, or -1. */
static int tx_csum_here(const char *name)
{
	struct ethtool_value val = {.cmd = ETHTOOL_GTXCSUM};
	struct ifreq ifr = {.ifr_data = (void *)&val};
	int fd, ret = -1;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (!ioctl(fd, SIOCETHTOOL, &ifr))
		ret = !!val.data;
	close(fd);
	return ret;
}

/* The id our namespace gives the namespace of @path (RTM_GETNSID), or -1. */
static int nsid_of(const char *path)
{
	char buf[NL_BUF];
	struct nl_req req = {0};
	struct nlmsghdr *nh;
	struct rtattr *id;
	int fd, ret = -1;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtgenmsg));
	req.nh.nlmsg_type = RTM_GETNSID;
	req.gen.rtgen_family = AF_UNSPEC;
	add_attr(&req, NETNSA_FD, &fd, sizeof(fd));
	nh = nl_ask(&req, buf);
	close(fd);
	if (!nh || nh->nlmsg_type != RTM_NEWNSID)
		return -1;
	id = find_attr(
		(struct rtattr *)((char *)NLMSG_DATA(nh) + NLMSG_ALIGN(sizeof(struct rtgenmsg))),
		nh->nlmsg_len - NLMSG_LENGTH(sizeof(struct rtgenmsg)), NETNSA_NSID);
	if (id)
		ret = *(int *)RTA_DATA(id);
	return ret;
}

/* The tx checksum offload of @name in the namespace @netnsid, if /run/netns names it. */
static int tx_csum_in(int netnsid, const char *name)
{
	char path[PATH_MAX];
	struct dirent *e;
	int self_fd, ret = -1;
	DIR *d = opendir("/run/netns");

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/run/netns/%s", e->d_name);
		if (nsid_of(path) != netnsid)
			continue;
		self_fd = netns_open_self();
		if (self_fd < 0)
			break;
		if (!netns_enter(e->d_name))
			ret = tx_csum_here(name);
		if (netns_return(self_fd))
			cli_warn("could not return to our network namespace");
		break;
	}
	closedir(d);
	return ret;
}

void veth_peer_query(int ifindex, struct veth_peer *peer)
{
	static char buf[NL_BUF];
	struct nlmsghdr *nh;
	struct rtattr *a;
	int peer_index, netnsid = -1;

	memset(peer, 0, sizeof(*peer));
	peer->tx_csum = -1;
	nh = get_link(ifindex, -1, buf);
	if (!nh || !is_veth(nh))
		return;
	peer->is_veth = true;
	a = link_attr(nh, IFLA_LINK);
	if (!a)
		return;
	peer_index = *(int *)RTA_DATA(a);
	a = link_attr(nh, IFLA_LINK_NETNSID);
	if (a)
		netnsid = *(int *)RTA_DATA(a);
	nh = get_link(peer_index, netnsid, buf);
	if (!nh || !(a = link_attr(nh, IFLA_IFNAME)))
		return;
	peer->found = true;
	peer->other_netns = netnsid >= 0;
	snprintf(peer->name, sizeof(peer->name), "%s", (char *)RTA_DATA(a));
	a = nested_attr(link_attr(nh, IFLA_XDP), IFLA_XDP_ATTACHED);
	peer->has_xdp = a && *(__u8 *)RTA_DATA(a) != XDP_ATTACHED_NONE;
	peer->tx_csum = netnsid >= 0 ? tx_csum_in(netnsid, peer->name) : tx_csum_here(peer->name);
}
