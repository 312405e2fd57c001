// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The bpffs mount and the pin directory layout. */
#include <dirent.h>
#include <errno.h>
#include <sys/file.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>

#include "cli.h"
#include "netns.h"
#include "pins.h"

static bool is_bpffs(const char *path)
{
	struct statfs st;

	return !statfs(path, &st) && st.f_type == BPF_FS_MAGIC;
}

int pins_check_bpffs(bool may_mount)
{
	if (is_bpffs(PIN_BPFFS))
		return 0;
	/*
	 * `ip netns exec` runs us in a private mount namespace with a fresh
	 * /sys: a bpffs mounted there (and our pins) would die with it, and
	 * the host's pins are out of sight.
	 */
	if (ns_is_host("mnt") == 0) {
		if (may_mount)
			return cli_error(PIN_BPFFS
					 " is not a bpffs in this private mount namespace"
					 " (ip netns exec?): pins would vanish with it; run"
					 " 'stampede -n NETNS ...' instead");
		return cli_error(PIN_BPFFS
				 " is not a bpffs in this private mount namespace"
				 " (ip netns exec?): stampede's pins are out of sight; run"
				 " 'stampede -n NETNS ...' instead");
	}
	if (!may_mount)
		return 1;
	cli_debug("mounting a bpffs on " PIN_BPFFS);
	if (mkdir(PIN_BPFFS, 0700) && errno != EEXIST)
		return cli_error("cannot create " PIN_BPFFS ": %s", strerror(errno));
	if (mount("bpf", PIN_BPFFS, "bpf", 0, "mode=0700"))
		return cli_error("cannot mount a bpffs on " PIN_BPFFS ": %s", strerror(errno));
	return 0;
}

/* The locked bpffs directory while this process holds the lock. */
static int pins_lock_fd = -1;

int pins_lock(void)
{
	int fd;

	if (pins_lock_fd >= 0)
		return 0;
	fd = open(PIN_BPFFS, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return cli_error("cannot open %s: %s", PIN_BPFFS, strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
		/* The fd stays open: the lock lasts until exit or pins_unlock(). */
		pins_lock_fd = fd;
		return 0;
	}
	if (errno != EWOULDBLOCK) {
		close(fd);
		return cli_error("cannot lock %s: %s", PIN_BPFFS, strerror(errno));
	}
	cli_debug("another stampede is changing pins; waiting");
	if (flock(fd, LOCK_EX)) {
		close(fd);
		return cli_error("cannot lock %s: %s", PIN_BPFFS, strerror(errno));
	}
	pins_lock_fd = fd;
	return 0;
}

void pins_unlock(void)
{
	if (pins_lock_fd < 0)
		return;
	close(pins_lock_fd);
	pins_lock_fd = -1;
}

int pins_netns_dir(char *buf, size_t len)
{
	int host = ns_is_host("net");
	int n;

	/* Unknown counts as "not the host's": the netns-INODE layout is safe. */
	if (host == 1) {
		n = snprintf(buf, len, "%s", STAMPEDE_PIN_ROOT);
	} else {
		ino_t ino = ns_self_inode("net");

		if (!ino)
			return cli_error("cannot tell this network namespace: %s", strerror(errno));
		n = snprintf(buf, len, "%s/" PIN_NETNS_PREFIX "%lu", STAMPEDE_PIN_ROOT,
			     (unsigned long)ino);
	}
	if (n < 0 || (size_t)n >= len)
		return cli_error("pin path too long");
	return 0;
}

int pins_path(char *buf, size_t len, const char *dir, const char *name)
{
	int n = snprintf(buf, len, "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= len)
		return cli_error("pin path too long");
	return 0;
}

int pins_dev_dir(const char *ifname, char *buf, size_t len)
{
	char netns_dir[PATH_MAX];

	/* The name becomes a path component, even when no such device exists. */
	if (!*ifname || strlen(ifname) >= IF_NAMESIZE || strchr(ifname, '/') ||
	    !strcmp(ifname, ".") || !strcmp(ifname, ".."))
		return cli_error("bad interface name '%s'", ifname);
	if (pins_netns_dir(netns_dir, sizeof(netns_dir)))
		return -1;
	return pins_path(buf, len, netns_dir, ifname);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void pins_free_list(char **names, size_t count)
{
	while (count)
		free(names[--count]);
	free(names);
}

int pins_list_devs(char ***names, size_t *count)
{
	char dir[PATH_MAX];
	struct dirent *ent;
	char **list = NULL;
	size_t n = 0;
	DIR *d;

	*names = NULL;
	*count = 0;
	if (pins_netns_dir(dir, sizeof(dir)))
		return -1;
	d = opendir(dir);
	if (!d) {
		if (errno == ENOENT)
			return 0;
		return cli_error("cannot read %s: %s", dir, strerror(errno));
	}
	while ((ent = readdir(d))) {
		char **grown;

		if (ent->d_type != DT_DIR || ent->d_name[0] == '.' ||
		    !strncmp(ent->d_name, PIN_NETNS_PREFIX, strlen(PIN_NETNS_PREFIX)))
			continue;
		grown = realloc(list, (n + 1) * sizeof(*list));
		if (!grown || !(grown[n] = strdup(ent->d_name))) {
			closedir(d);
			pins_free_list(grown ? grown : list, n);
			return cli_error("out of memory");
		}
		list = grown;
		n++;
	}
	closedir(d);
	qsort(list, n, sizeof(*list), cmp_names);
	*names = list;
	*count = n;
	return 0;
}

void pins_remove_empty_dirs(const char *dir)
{
	char path[PATH_MAX];
	char *slash;

	snprintf(path, sizeof(path), "%s", dir);
	/* rmdir() refuses non-empty directories, which is the test we want. */
	while (strlen(path) >= strlen(STAMPEDE_PIN_ROOT)) {
		if (rmdir(path) && errno != ENOENT)
			return;
		if (!strcmp(path, STAMPEDE_PIN_ROOT))
			return;
		slash = strrchr(path, '/');
		if (!slash)
			return;
		*slash = '\0';
	}
}

int pins_record_ifindex(const char *dir, int ifindex)
{
	char path[PATH_MAX], text[16];

	snprintf(text, sizeof(text), "%d", ifindex);
	if (pins_path(path, sizeof(path), dir, PIN_IFINDEX))
		return -1;
	if (symlink(text, path))
		return cli_error("cannot create %s: %s", path, strerror(errno));
	return 0;
}

int pins_recorded_ifindex(const char *dir)
{
	char path[PATH_MAX], text[16];
	ssize_t n;

	if (pins_path(path, sizeof(path), dir, PIN_IFINDEX))
		return 0;
	n = readlink(path, text, sizeof(text) - 1);
	if (n <= 0)
		return 0;
	text[n] = '\0';
	return atoi(text);
}

/* Move @name's pin directory in @netns_dir to its interface's current name. */
static void follow_rename(const char *netns_dir, const char *name)
{
	char dir[PATH_MAX], to[PATH_MAX], now[IF_NAMESIZE];
	int ifindex;

	if (pins_path(dir, sizeof(dir), netns_dir, name))
		return;
	ifindex = pins_recorded_ifindex(dir);
	if (!ifindex || !if_indextoname(ifindex, now) || !strcmp(now, name))
		return;
	if (pins_path(to, sizeof(to), netns_dir, now) || !access(to, F_OK))
		return; /* the new name has pins of its own: leave both be */
	if (rename(dir, to))
		cli_warn("dev %s was renamed %s; cannot move its pins: %s", name, now,
			 strerror(errno));
	else
		cli_debug("dev %s was renamed %s; moved its pins to %s", name, now, to);
}

void pins_follow_renames(void)
{
	char netns_dir[PATH_MAX];
	char **names;
	size_t n, i;

	if (pins_netns_dir(netns_dir, sizeof(netns_dir)) || pins_list_devs(&names, &n))
		return;
	for (i = 0; i < n; i++)
		follow_rename(netns_dir, names[i]);
	pins_free_list(names, n);
}
