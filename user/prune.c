// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Removing a reflector's pins, and the pins of reflectors whose interface is gone. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "attached.h"
#include "cli.h"
#include "pins.h"
#include "prune.h"

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

int prune_unpin_reflector(const char *dir)
{
	int i;

	if (unpin(dir, STAMPEDE_PIN_LINK))
		return -1;
	for (i = 0; i < PIN_MAP_COUNT; i++)
		if (unpin(dir, pin_map_names[i]))
			return -1;
	pins_remove_empty_dirs(dir);
	return 0;
}

/* A pin directory whose link no longer holds a device: remove it. */
static void prune_dir(const char *dir)
{
	char path[PATH_MAX];
	bool live;
	int fd;

	if (pins_path(path, sizeof(path), dir, STAMPEDE_PIN_LINK))
		return;
	fd = bpf_obj_get(path);
	if (fd < 0)
		return; /* no link: an attach in progress, or not ours */
	live = link_is_live(fd);
	close(fd);
	if (live)
		return;
	if (!prune_unpin_reflector(dir))
		cli_warn("removed the pins of a reflector whose interface is gone: %s", dir);
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
