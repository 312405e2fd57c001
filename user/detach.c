// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * `reflector detach`: detach the pinned link and remove the pins.  Works
 * when the interface is already gone (a deleted veth leaves its pins
 * behind): then there is nothing to detach and only the pins go.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "attached.h"
#include "cli.h"
#include "multiprog.h"
#include "objects.h"
#include "output.h"
#include "pins.h"
#include "prune.h"
#include "tc_hook.h"

/* mode tc: the filter recorded in @dir (and the clsact qdisc if stampede made it). */
static int detach_tc(const char *dir, int ifindex)
{
	struct tc_record rec;

	if (tc_record_read(dir, &rec))
		return -ENOENT;
	return tc_filter_detach(ifindex, &rec);
}

static int detach(const char *ifname)
{
	char dir[PATH_MAX];
	struct attached_hold hold = {0};
	int link_fd = -1, prog_fd = -1, ret;
	bool live, outside;

	ret = pins_check_bpffs(false);
	if (ret == 0 && !pins_lock())
		pins_follow_renames();
	else if (ret == 0)
		return -1;
	if (ret < 0 || pins_dev_dir(ifname, dir, sizeof(dir)))
		return -1;
	if (ret == 1 || attached_open_hold(dir, &link_fd, &prog_fd)) {
		if (ret == 1 || errno == ENOENT)
			return attached_missing(ifname);
		return cli_error("cannot open the link pinned in %s: %s", dir, strerror(errno));
	}
	live = !attached_read_hold(dir, link_fd, prog_fd, &hold) && hold.ifindex;
	outside = !live && ifindex_exists(pins_recorded_ifindex(dir));
	/*
	 * Unpinning alone would detach only once the last holder of the link
	 * lets go; bpf_link_detach() detaches now.  A link whose interface
	 * is gone has nothing left to detach.  A multiprog reflector leaves
	 * the dispatcher, which keeps running the other programs (or goes,
	 * libxdp's way, when stampede was its last).  A tc one's filter is
	 * removed (it holds the program, not the pin).
	 */
	if (live && link_fd >= 0 && bpf_link_detach(link_fd) && errno != ENOLINK)
		ret = cli_error("cannot detach from dev %s: %s", ifname, strerror(errno));
	else if (live && hold.tc && (ret = detach_tc(dir, hold.ifindex)))
		ret = cli_error("cannot remove stampede's tc filter from dev %s: %s", ifname,
				strerror(-ret));
	else if (live && hold.multiprog && multiprog_detach(prog_fd, hold.ifindex))
		ret = cli_error("cannot take stampede out of dev %s's XDP dispatcher: %s", ifname,
				strerror(errno));
	else
		ret = 0;
	close(link_fd >= 0 ? link_fd : prog_fd);
	if (ret)
		return ret;
	if (prune_unpin_reflector(dir))
		return -1;
	if (access(dir, F_OK) == 0)
		cli_warn("%s is not empty; left in place", dir);

	if (json_output) {
		struct json_object *obj = json_object_new_object();

		json_add_string(obj, "ifname", ifname);
		json_add_bool(obj, "detached", live);
		json_add_bool(obj, "pins_removed", true);
		output_json(obj);
	} else if (live) {
		printf("detached from dev %s\n", ifname);
	} else if (outside) {
		printf("dev %s: the reflector was detached from outside; removed its pins\n",
		       ifname);
	} else {
		printf("dev %s: the reflector's interface is gone; removed the pins it left"
		       " behind\n",
		       ifname);
	}
	return 0;
}

int reflector_detach(struct cli_args *args)
{
	const char *ifname;
	int ret;

	if (cli_parse_dev(args, true, &ifname) ||
	    cli_need_caps("reflector detach", CLI_NEED_BPF | CLI_NEED_NET_ADMIN))
		return -1;
	ret = detach(ifname);
	if (!ret)
		prune_defunct_reflectors();
	return ret;
}
