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
#include "objects.h"
#include "output.h"
#include "pins.h"
#include "prune.h"

static int detach(const char *ifname)
{
	char dir[PATH_MAX], path[PATH_MAX];
	int link_fd, ret;
	bool live, outside;

	ret = pins_check_bpffs(false);
	if (ret == 0 && !pins_lock())
		pins_follow_renames();
	else if (ret == 0)
		return -1;
	if (ret < 0 || pins_dev_dir(ifname, dir, sizeof(dir)) ||
	    pins_path(path, sizeof(path), dir, STAMPEDE_PIN_LINK))
		return -1;
	link_fd = ret == 1 ? -1 : bpf_obj_get(path);
	if (link_fd < 0) {
		if (ret == 1 || errno == ENOENT)
			return attached_missing(ifname);
		return cli_error("cannot open %s: %s", path, strerror(errno));
	}
	live = link_is_live(link_fd);
	outside = !live && ifindex_exists(pins_recorded_ifindex(dir));
	/*
	 * Unpinning alone would detach only once the last holder of the link
	 * lets go; bpf_link_detach() detaches now.  A link whose interface
	 * is gone has nothing left to detach.
	 */
	if (live && bpf_link_detach(link_fd) && errno != ENOLINK) {
		ret = cli_error("cannot detach from dev %s: %s", ifname, strerror(errno));
		close(link_fd);
		return ret;
	}
	close(link_fd);
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
