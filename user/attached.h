/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Reflectors already attached in this network namespace, found by their pins. */
#ifndef STAMPEDE_ATTACHED_H
#define STAMPEDE_ATTACHED_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <net/if.h>
#include <linux/types.h>

#include "pins.h"

enum pin_map {
#define PIN_MAP_ENUM(name) PIN_MAP_##name,
	PIN_MAPS(PIN_MAP_ENUM)
#undef PIN_MAP_ENUM
		PIN_MAP_COUNT
};

extern const char *const pin_map_names[PIN_MAP_COUNT];

/* Whether a reflector pinned by an older stampede may lack the map @i. */
static inline bool pin_map_optional(int i)
{
	return i >= PIN_MAP_FIRST_OPTIONAL;
}

/*
 * One attached reflector: its pin directory and the pinned objects, opened;
 * an optional map that is not pinned has map_fd -1.  Its hold on the XDP
 * hook is its link, or, for one in libxdp's dispatcher (multiprog.h) or
 * one in mode tc (tc_hook.h), its program: exactly one of link_fd and
 * prog_fd is open.
 */
struct attached {
	char ifname[IF_NAMESIZE];
	char dir[PATH_MAX];
	int link_fd;
	int prog_fd;
	int map_fd[PIN_MAP_COUNT];
};

/*
 * Open the link or the program pinned in @dir into @link_fd / @prog_fd (the
 * other -1).  -1 with errno (ENOENT: neither is pinned) on failure.
 */
int attached_open_hold(const char *dir, int *link_fd, int *prog_fd);

/*
 * What a reflector holds the hook with, read: its program's id and the
 * ifindex it runs on, 0 when it runs nowhere (the interface is gone, or the
 * link or the dispatcher lost it); for a multiprog one also its mode and
 * the dispatcher's id.  -1 with errno when the pin cannot be read.
 */
struct attached_hold {
	__u32 prog_id;
	__u32 ifindex;
	const char *mode; /* "native", "generic", "offload", "tc" or "none" */
	bool multiprog;
	bool tc; /* a clsact ingress filter (tc_hook.h), its program pinned */
	__u32 dispatcher_id;
};
int attached_read_hold(const char *dir, int link_fd, int prog_fd, struct attached_hold *hold);

/*
 * Report that @ifname has no reflector: "no such interface" (naming the
 * other network namespaces that have one) when it does not exist here,
 * else "dev X: no stampede reflector attached".  Returns -1.
 */
int attached_missing(const char *ifname);

/* Open @ifname's pins; attached_missing() if there are none. */
int attached_open(const char *ifname, struct attached *a);
void attached_close(struct attached *a);

/*
 * Whether a reflector is attached to the interface called @ifname now: its
 * pinned link holds the XDP hook of that interface (not of one of that
 * name that went away).  Quiet: no error line.
 */
bool attached_live(const char *ifname);

typedef int (*attached_fn)(struct attached *a, void *ctx);

/*
 * Call @fn for @ifname's reflector, or for every one in this network
 * namespace when @ifname is NULL (none at all is not an error then).
 * Stops at the first failure.
 */
int attached_for_each(const char *ifname, attached_fn fn, void *ctx);

struct cli_args;
struct json_object;

/*
 * -a: attached_for_each() for every reflector in every network namespace,
 * ours first, each entered in turn (found by its /run/netns name, else a
 * process in it).  Text output gets a "netns NAME:" line before each
 * namespace's reflectors; each JSON object @fn adds to @list gets "netns",
 * what -n takes for it (null for ours).  A reflector that cannot be read
 * (another stampede version's maps, say) is reported, on stderr and in its
 * place ("dev", "netns", "error" in JSON), and the visit goes on: 1 then,
 * 0 when every one was read, -1 when the visit itself failed.
 */
int attached_for_each_netns(attached_fn fn, void *ctx, struct json_object *list);

/*
 * The shape of the read-only commands: parse [dev IFNAME], check for the
 * capabilities @caps (@what names the command), run @fn for that reflector or every one (with
 * -a, in every network namespace), and
 * with -j print what @fn added to the JSON array it gets as its context:
 * one object with dev, the array without.
 */
int attached_run_each(struct cli_args *args, attached_fn fn, const char *what, uint64_t caps);

#endif /* STAMPEDE_ATTACHED_H */
