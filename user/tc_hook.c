// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* mode tc: the clsact ingress filter, through libbpf's bpf_tc_* (netlink). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <bpf/libbpf.h>

#include "cli.h"
#include "pins.h"
#include "tc_hook.h"

#define NL_BUF 16384

static void hook_of(struct bpf_tc_hook *hook, int ifindex)
{
	memset(hook, 0, sizeof(*hook));
	hook->sz = sizeof(*hook);
	hook->ifindex = ifindex;
	hook->attach_point = BPF_TC_INGRESS;
}

int tc_filter_attach(int ifindex, int prog_fd, bool replace, struct tc_record *rec)
{
	LIBBPF_OPTS(bpf_tc_opts, opts, .prog_fd = prog_fd);
	struct bpf_tc_hook hook;
	int err;

	hook_of(&hook, ifindex);
	if (!replace) {
		rec->priority = TC_PRIORITY;
		rec->handle = TC_HANDLE;
		err = bpf_tc_hook_create(&hook);
		if (err && err != -EEXIST)
			return err;
		rec->owns_qdisc = !err;
	}
	opts.priority = rec->priority;
	opts.handle = rec->handle;
	opts.flags = replace ? BPF_TC_F_REPLACE : 0;
	err = bpf_tc_attach(&hook, &opts);
	if (err && !replace && rec->owns_qdisc) {
		hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
		bpf_tc_hook_destroy(&hook);
	}
	return err;
}

__u32 tc_filter_prog(int ifindex, const struct tc_record *rec)
{
	LIBBPF_OPTS(bpf_tc_opts, opts, .priority = rec->priority, .handle = rec->handle);
	struct bpf_tc_hook hook;

	if (ifindex <= 0)
		return 0;
	hook_of(&hook, ifindex);
	return bpf_tc_query(&hook, &opts) ? 0 : opts.prog_id;
}

/* Filters of the clsact qdisc's @parent (ingress or egress) of @ifindex: 0, 1 (some), or -errno. */
static int any_filter(int ifindex, __u32 parent)
{
	struct {
		struct nlmsghdr nh;
		struct tcmsg tc;
	} req = {
		.nh = {.nlmsg_len = NLMSG_LENGTH(sizeof(struct tcmsg)),
		       .nlmsg_type = RTM_GETTFILTER,
		       .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP},
		.tc = {.tcm_family = AF_UNSPEC, .tcm_ifindex = ifindex, .tcm_parent = parent},
	};
	static char buf[NL_BUF];
	struct nlmsghdr *nh;
	int fd, found = 0, err = 0, i;
	ssize_t n;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	if (send(fd, &req, req.nh.nlmsg_len, 0) < 0) {
		err = -errno;
		goto out;
	}
	/* Bounded: a dump of one hook's filters fits in a few reads. */
	for (i = 0; i < 64; i++) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0) {
			err = -errno;
			goto out;
		}
		for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, (size_t)n); nh = NLMSG_NEXT(nh, n)) {
			if (nh->nlmsg_type == NLMSG_DONE)
				goto out;
			if (nh->nlmsg_type == NLMSG_ERROR) {
				err = ((struct nlmsgerr *)NLMSG_DATA(nh))->error;
				goto out;
			}
			if (nh->nlmsg_type == RTM_NEWTFILTER)
				found = 1;
		}
	}
	err = -E2BIG;
out:
	close(fd);
	return err ? err : found;
}

int tc_filter_detach(int ifindex, const struct tc_record *rec)
{
	LIBBPF_OPTS(bpf_tc_opts, opts, .priority = rec->priority, .handle = rec->handle);
	char name[IF_NAMESIZE] = "?";
	struct bpf_tc_hook hook;
	int err, in, eg;

	hook_of(&hook, ifindex);
	err = bpf_tc_detach(&hook, &opts);
	if (err && err != -ENOENT)
		return err;
	if (!rec->owns_qdisc)
		return 0;
	in = any_filter(ifindex, TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS));
	eg = any_filter(ifindex, TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_EGRESS));
	if (in || eg) {
		if ((in > 0 || eg > 0) && if_indextoname(ifindex, name))
			cli_note("dev %s: other tc filters are in the clsact qdisc stampede made;"
				 " left in place",
				 name);
		return 0;
	}
	hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
	err = bpf_tc_hook_destroy(&hook);
	return err == -ENOENT || err == -EINVAL ? 0 : err;
}

int tc_record_write(const char *dir, const struct tc_record *rec)
{
	char path[PATH_MAX], text[48];

	snprintf(text, sizeof(text), "%u:%u:%d", rec->priority, rec->handle, rec->owns_qdisc);
	if (pins_path(path, sizeof(path), dir, TC_PIN_RECORD))
		return -1;
	unlink(path);
	if (symlink(text, path))
		return cli_error("cannot create %s: %s", path, strerror(errno));
	return 0;
}

int tc_record_read(const char *dir, struct tc_record *rec)
{
	char path[PATH_MAX], text[48];
	int owns = 0;
	ssize_t n;

	if (pins_path(path, sizeof(path), dir, TC_PIN_RECORD))
		return -1;
	n = readlink(path, text, sizeof(text) - 1);
	if (n <= 0)
		return -1;
	text[n] = '\0';
	if (sscanf(text, "%u:%u:%d", &rec->priority, &rec->handle, &owns) != 3)
		return -1;
	rec->owns_qdisc = owns;
	return 0;
}
