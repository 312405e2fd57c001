// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Named network namespaces and namespace identity. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "cli.h"
#include "netns.h"

#define NETNS_RUN_DIR "/run/netns"

int netns_enter(const char *name)
{
	char path[256];
	int fd, err;

	/* The name becomes a path: keep it inside /run/netns. */
	if (!*name || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
		return cli_error("bad netns name '%s'", name);
	snprintf(path, sizeof(path), NETNS_RUN_DIR "/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return cli_error("no such network namespace '%s'", name);
		return cli_error("cannot open network namespace '%s': %s", name, strerror(errno));
	}
	err = setns(fd, CLONE_NEWNET);
	err = err ? errno : 0;
	close(fd);
	if (err == EPERM)
		return cli_error("permission denied: entering network namespace '%s' needs root",
				 name);
	if (err == EINVAL)
		return cli_error("'%s' is not a network namespace", name);
	if (err)
		return cli_error("cannot enter network namespace '%s': %s", name, strerror(err));
	return 0;
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
