// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Network namespaces: entering one by name or path, finding one, and namespace identity. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/stat.h>

#include "cli.h"
#include "netns.h"

#define NETNS_RUN_DIR "/run/netns"

bool all_netns;

/* The file of the network namespace @spec names: /run/netns/NAME, or a path. */
static int netns_file(const char *spec, char *path, size_t len)
{
	int n;

	if (spec[0] == '/') {
		n = snprintf(path, len, "%s", spec);
	} else {
		/* A name becomes a path: keep it inside /run/netns. */
		if (!*spec || strchr(spec, '/') || !strcmp(spec, ".") || !strcmp(spec, ".."))
			return cli_error("bad netns name '%s': expected a name in " NETNS_RUN_DIR
					 " or an absolute path",
					 spec);
		n = snprintf(path, len, NETNS_RUN_DIR "/%s", spec);
	}
	if (n < 0 || (size_t)n >= len)
		return cli_error("netns path too long: '%s'", spec);
	return 0;
}

int netns_enter(const char *spec)
{
	char path[PATH_MAX];
	int fd, err;

	if (netns_file(spec, path, sizeof(path)))
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return cli_error("no such network namespace '%s'", spec);
		return cli_error("cannot open network namespace '%s': %s", spec, strerror(errno));
	}
	err = setns(fd, CLONE_NEWNET);
	err = err ? errno : 0;
	close(fd);
	if (err == EPERM)
		return cli_error("permission denied: entering network namespace '%s' needs root",
				 spec);
	if (err == EINVAL)
		return cli_error("'%s' is not a network namespace", spec);
	if (err)
		return cli_error("cannot enter network namespace '%s': %s", spec, strerror(err));
	return 0;
}

int netns_open_self(void)
{
	int fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return cli_error("cannot open our network namespace: %s", strerror(errno));
	return fd;
}

int netns_return(int self_fd)
{
	/* Staying in another namespace would aim what follows at its devices. */
	if (setns(self_fd, CLONE_NEWNET))
		return cli_error("cannot return to our network namespace: %s", strerror(errno));
	return 0;
}

/* Whether the network namespace file @path has an interface @ifname: 1, 0, -1. */
static int has_ifname(int self_fd, const char *path, const char *ifname)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), found;

	if (fd < 0)
		return 0;
	if (setns(fd, CLONE_NEWNET)) {
		close(fd);
		return 0; /* not a namespace, or not ours to enter: no hint */
	}
	close(fd);
	found = if_nametoindex(ifname) != 0;
	return netns_return(self_fd) ? -1 : found;
}

/* Whether the namespace file @path is the namespace we are in. */
static bool is_self(const char *path)
{
	struct stat st;

	return !stat(path, &st) && st.st_ino == ns_self_inode("net");
}

int netns_with_ifname(const char *ifname, char *buf, size_t len)
{
	char path[PATH_MAX];
	struct dirent *e;
	size_t used = 0;
	int self_fd, ret = 0, found = 0;
	DIR *d;

	buf[0] = '\0';
	d = opendir(NETNS_RUN_DIR);
	if (!d)
		return 0;
	self_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	while (self_fd >= 0 && (e = readdir(d)) && used < len) {
		if (e->d_name[0] == '.' ||
		    snprintf(path, sizeof(path), NETNS_RUN_DIR "/%s", e->d_name) >=
			    (int)sizeof(path) ||
		    is_self(path))
			continue;
		ret = has_ifname(self_fd, path, ifname);
		if (ret < 0)
			break;
		if (ret) {
			used += snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
					 e->d_name);
			found++;
		}
	}
	closedir(d);
	if (self_fd >= 0)
		close(self_fd);
	return ret < 0 ? -1 : found;
}

/* A /run/netns name for the namespace of inode @ino. */
static bool run_name_of(ino_t ino, char *buf, size_t len)
{
	char path[PATH_MAX];
	struct dirent *e;
	struct stat st;
	bool found = false;
	DIR *d = opendir(NETNS_RUN_DIR);

	while (d && !found && (e = readdir(d))) {
		if (e->d_name[0] == '.' || snprintf(path, sizeof(path), NETNS_RUN_DIR "/%s",
						    e->d_name) >= (int)sizeof(path))
			continue;
		found = !stat(path, &st) && st.st_ino == ino;
		if (found)
			snprintf(buf, len, "%s", e->d_name);
	}
	if (d)
		closedir(d);
	return found;
}

/* A process's /proc/PID/ns/net for the namespace of inode @ino: a container's. */
static bool proc_path_of(ino_t ino, char *buf, size_t len)
{
	char path[64];
	struct dirent *e;
	struct stat st;
	bool found = false;
	DIR *d = opendir("/proc");

	while (d && !found && (e = readdir(d))) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%.16s/ns/net", e->d_name);
		found = !stat(path, &st) && st.st_ino == ino;
		if (found)
			snprintf(buf, len, "%s", path);
	}
	if (d)
		closedir(d);
	return found;
}

bool netns_spec_of(ino_t ino, char *buf, size_t len)
{
	return run_name_of(ino, buf, len) || proc_path_of(ino, buf, len);
}

static ino_t ns_inode(const char *pid, const char *type)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%s/ns/%s", pid, type);
	return stat(path, &st) ? 0 : st.st_ino;
}

ino_t ns_self_inode(const char *type)
{
	return ns_inode("self", type);
}

/* Whether PID 2 is kthreadd, i.e. we see the host's PID namespace. */
static int pid2_is_kthreadd(void)
{
	char comm[32] = "";
	FILE *f = fopen("/proc/2/comm", "r");

	if (!f)
		return 0;
	if (!fgets(comm, sizeof(comm), f))
		comm[0] = '\0';
	fclose(f);
	return !strcmp(comm, "kthreadd\n");
}

int ns_is_host(const char *type)
{
	ino_t self = ns_self_inode(type), host = ns_inode("1", type);

	/*
	 * Some sandboxes deny even root a look at PID 1's namespaces.  Kernel
	 * threads always live in the initial namespaces, so kthreadd stands in
	 * for PID 1 when it is visible (we are not in a PID namespace).
	 */
	if (!host && errno == EACCES && pid2_is_kthreadd())
		host = ns_inode("2", type);
	if (!self || !host)
		return -1;
	return self == host;
}
