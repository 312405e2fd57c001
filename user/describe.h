/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What an attached reflector is actually running, read back from the kernel
 * (link, program, its .rodata and the pinned maps) rather than remembered.
 */
#ifndef STAMPEDE_DESCRIBE_H
#define STAMPEDE_DESCRIBE_H

#include <stdbool.h>
#include <stdint.h>
#include <net/if.h>
#include <linux/bpf.h>
#include <json-c/json.h>

#include "addr_watch.h"
#include "attached.h"
#include "stampede_kern_user.h"

struct reflector_info {
	char ifname[IF_NAMESIZE];
	__u32 ifindex;	   /* the link's; 0 once the interface is gone or it was detached */
	const char *state; /* "attached", "detached_from_outside", "interface_gone" */
	__u32 prog_id;
	char prog_name[BPF_OBJ_NAME_LEN];
	const char *mode;    /* "native", "generic", "offload", or "none" */
	bool multiprog;	     /* a component of libxdp's dispatcher (multiprog.h) */
	__u32 dispatcher_id; /* ... that dispatcher's prog id, 0 when in none */
	struct stampede_config cfg;
	__u32 sessions_max; /* sessions the table holds: sets times ways */
	unsigned int local_addrs;
	uint64_t loaded_unix_ns;
	struct stampede_clock clock;
	/* Authenticated-mode keys: how many, and their fingerprint; never a key. */
	bool auth_keys_known; /* the map is pinned (not by an older stampede) */
	unsigned int n_auth_keys;
	char auth_fingerprint[9];
	/* the allow-list, from its pinned map (sorted, IPv4 first) */
	struct stampede_prefix allow[STAMPEDE_MAX_ALLOW_PREFIXES];
	unsigned int n_allow;
	/* the address watch (addr_watch.h): fentry, kprobe or off, and why */
	struct addr_watch_state watch;
};

/* How @prog_id is attached to @ifindex: "native", "generic", "offload" or "none". */
const char *xdp_mode_name(__u32 ifindex, __u32 prog_id);

int reflector_describe(const struct attached *a, struct reflector_info *info);

/* The configuration prog @prog_id runs with, read from its .rodata. */
int reflector_running_config(const char *ifname, __u32 prog_id, struct stampede_config *cfg);

/* The `reflector show` JSON object. */
struct json_object *reflector_info_json(const struct reflector_info *info);

/* The `reflector show` plain-text block. */
void reflector_info_print(const struct reflector_info *info);

/* "dev eth0 (native mode, prog id 7), ports 862, stateless, ntp timestamps" */
void reflector_info_summary(const struct reflector_info *info, char *buf, size_t len);

/* Ports in network order as "862, 863" (or "none") into @buf. */
void describe_ports(const __be16 *ports, unsigned int n, char *buf, size_t len);

#endif /* STAMPEDE_DESCRIBE_H */
