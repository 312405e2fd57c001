// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Removing a reflector's pins, and the pins of reflectors whose interface is gone. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>
#include <net/if.h>
#include <bpf/bpf.h>

#include "addr_watch.h"
#include "attached.h"
#include "cli.h"
#include "multiprog.h"
#include "netns.h"
#include "pins.h"
#include "prune.h"
#include "tc_hook.h"

/*
 * Whether the network namespace of @dir (.../netns-INODE/IFNAME) is still
 * there; its own commands then judge its pins.  The host's always is.
 */
static bool netns_of_dir_exists(const char *dir)
{
	const char *p = strstr(dir, "/" PIN_NETNS_PREFIX);
	char spec[PATH_MAX];

	if (!p)
		return true;
	return netns_spec_of(strtoull(p + 1 + strlen(PIN_NETNS_PREFIX), NULL, 10), spec,
			     sizeof(spec));
}

bool link_is_live(int link_fd)
{
	struct bpf_link_info link = {0};
	__u32 len = sizeof(link);

	return !bpf_obj_get_info_by_fd(link_fd, &link, &len) && link.xdp.ifindex;
}

static int unpin(const char *dir, const char *name)
{
	char path[PATH_MAX];

	if (pins_path(path, sizeof(path), dir, name))
		return -1;
	if (unlink(path) && errno != ENOENT)
		return cli_error("cannot remove %s: %s", path, strerror(errno));
	return 0;
}

/*
 * The pins this stampede does not know by name: a reflector's directory is
 * stampede's alone, and a newer (or older) version may pin more there.
 * Left behind, they would keep the directory, and the next attach would
 * take it for a live reflector's.
 */
static int unpin_others(const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int err = 0;

	if (!d)
		return errno == ENOENT ? 0 : cli_error("cannot read %s: %s", dir, strerror(errno));
	while ((de = readdir(d))) {
		if (de->d_type == DT_DIR || de->d_name[0] == '.')
			continue;
		if (unpin(dir, de->d_name))
			err = -1;
	}
	closedir(d);
	return err;
}

int prune_unpin_reflector(const char *dir)
{
	int i;

	/* The address watch first: its links go with their pins (a held one stays with its holder). */
	for (i = 0; i < ADDR_WATCH_LINKS; i++)
		if (unpin(dir, addr_watch_link_pins[i]))
			return -1;
	if (unpin(dir, ADDR_WATCH_PIN_GEN) || unpin(dir, ADDR_WATCH_PIN_RECORD))
		return -1;
	if (unpin(dir, STAMPEDE_PIN_LINK) || unpin(dir, MULTIPROG_PIN_PROG) ||
	    unpin(dir, TC_PIN_PROG) || unpin(dir, TC_PIN_RECORD) || unpin(dir, PIN_IFINDEX))
		return -1;
	for (i = 0; i < PIN_MAP_COUNT; i++)
		if (unpin(dir, pin_map_names[i]))
			return -1;
	if (unpin_others(dir))
		return -1;
	pins_remove_empty_dirs(dir);
	return 0;
}

bool ifindex_exists(int ifindex)
{
	char name[IF_NAMESIZE];

	return ifindex > 0 && if_indextoname(ifindex, name);
}

/*
 * A pin directory whose link no longer holds a device: remove it, unless
 * its interface is still here (the link was detached from outside: the
 * next attach takes the counters up again).  @here: the directory is this
 * network namespace's, where the recorded ifindex can be looked up.
 */
static void prune_dir_in(const char *dir, bool here)
{
	struct attached_hold hold;
	int link_fd, prog_fd;
	bool live;

	/* No link (or program): an attach in progress, or not ours. */
	if (attached_open_hold(dir, &link_fd, &prog_fd))
		return;
	/*
	 * A multiprog reflector's program is looked for in the dispatcher of
	 * the recorded ifindex, here: of another namespace's it is not found,
	 * and that namespace's existence decides below.
	 */
	live = !attached_read_hold(dir, link_fd, prog_fd, &hold) && hold.ifindex;
	close(link_fd >= 0 ? link_fd : prog_fd);
	if (live)
		return;
	if (pins_recorded_ifindex(dir) &&
	    (here ? ifindex_exists(pins_recorded_ifindex(dir)) : netns_of_dir_exists(dir)))
		return;
	if (!prune_unpin_reflector(dir))
		cli_warn("removed the pins of a reflector whose interface is gone: %s", dir);
}

static void prune_dir(const char *dir)
{
	char ours[PATH_MAX], parent[PATH_MAX], *slash;

	snprintf(parent, sizeof(parent), "%s", dir);
	slash = strrchr(parent, '/');
	if (slash)
		*slash = '\0';
	prune_dir_in(dir, !pins_netns_dir(ours, sizeof(ours)) && !strcmp(ours, parent));
}

/* Call @fn for each subdirectory of @dir (skipping dot entries). */
static void for_each_subdir(const char *dir, void (*fn)(const char *path))
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || e->d_type != DT_DIR)
			continue;
		if (pins_path(path, sizeof(path), dir, e->d_name))
			continue;
		fn(path);
	}
	closedir(d);
}

static void prune_root_entry(const char *path)
{
	const char *base = strrchr(path, '/') + 1;

	if (!strncmp(base, PIN_NETNS_PREFIX, strlen(PIN_NETNS_PREFIX)))
		for_each_subdir(path, prune_dir);
	else
		prune_dir(path);
}

void prune_defunct_reflectors(void)
{
	for_each_subdir(STAMPEDE_PIN_ROOT, prune_root_entry);
}
