/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* `reflector attach`: what was asked for, parsed from the keyword arguments. */
#ifndef STAMPEDE_ATTACH_H
#define STAMPEDE_ATTACH_H

#include <stdbool.h>
#include <linux/types.h>

#include "cli.h"
#include "stampede_kern_user.h"

enum attach_mode { ATTACH_MODE_NATIVE, ATTACH_MODE_GENERIC, ATTACH_MODE_AUTO };

/* Indexed by enum attach_mode; NULL-terminated for prefix matching. */
extern const char *const attach_mode_names[];

struct attach_req {
	const char *ifname;
	__u16 ports[STAMPEDE_MAX_PORTS]; /* host byte order */
	__u16 auth_ports[STAMPEDE_MAX_PORTS];
	unsigned int n_ports, n_auth_ports;
	enum attach_mode mode;
	bool mode_given; /* a replace must then keep the current mode */
	bool stateful;
	bool ptp;
	__u32 sessions;
	bool sessions_given; /* a replace must then find this size */
	__u8 ttl;
	bool loopguard;
	__u8 clock_reads; /* 1: T3 = T2; 2: T3 read before transmit */
	bool count_other; /* count frames not for a STAMP port too */
};

/* Parse the words after `reflector attach`, with the defaults filled in. */
int attach_parse(struct cli_args *args, struct attach_req *req);

#endif /* STAMPEDE_ATTACH_H */
