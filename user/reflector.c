// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The `reflector` object: attach, detach (own files) and show. */
#include <stdio.h>

#include "attached.h"
#include "cli.h"
#include "describe.h"
#include "objects.h"
#include "output.h"

static int show_one(struct attached *a, void *ctx)
{
	struct json_object *list = ctx;
	struct reflector_info info;

	if (reflector_describe(a, &info))
		return -1;
	if (json_output)
		json_object_array_add(list, reflector_info_json(&info));
	else
		reflector_info_print(&info);
	return 0;
}

static int reflector_show(struct cli_args *args)
{
	return attached_run_each(args, show_one,
				 "reflector show (it reads the running program by id)",
				 CLI_NEED_SYS_ADMIN);
}

const struct cli_cmd reflector_cmds[] = {
	{
		.name = "show",
		.run = reflector_show,
		.synopsis = "[dev IFNAME]",
		.about = "show prints what each reflector runs: program, mode, ports, options,\n"
			 "clock state.  With -a, those of every network namespace too.\n",
		.all_netns = true,
	},
	{.name = "list", .run = reflector_show, .all_netns = true},
	{
		.name = "attach",
		.run = reflector_attach,
		.synopsis = "dev IFNAME [port PORT]... [auth-port PORT]...\n"
			    "[mode {native|generic|auto|tc}] [stateful|stateless]\n"
			    "[timestamp {ntp|ptp}] [sessions N] [ttl N]\n"
			    "[loopguard {on|off}] [clock-reads {1|2}]\n"
			    "[count-other {on|off}] [cos-remark {on|off}]\n"
			    "[micro-session ID] [sync-source SOURCE]\n"
			    "[reflected-control {off|on}] [reply-max OCTETS]\n"
			    "[amplify N] [return-prefix PREFIX]...\n"
			    "[allow PREFIX]... [rate-limit PPS[,BURST]]\n"
			    "[rate-limit-all PPS[,BURST]] [multiprog {auto|on|off}]\n"
			    "[auth-key {FILE|none}]",
		.about =
			"attach loads the STAMP reflector and attaches it to IFNAME, or replaces "
			"the\n"
			"program of a reflector attached there (counters and sessions are kept;\n"
			"switching between stateless and stateful empties the session table).\n"
			"Defaults: port 862, mode auto, stateless, timestamp ntp, sessions 16384,\n"
			"ttl 255, loopguard on, clock-reads 1 (T3 = T2; 2 reads the clock again "
			"for\n"
			"T3), count-other off (frames not for a STAMP port are passed uncounted).\n"
			"Up to 8 ports and 8 auth-ports.\n"
			"mode tc attaches the same reflector as a tc (clsact ingress) filter,\n"
			"replies sent back out of IFNAME (bpf_redirect), where the XDP hook is\n"
			"not to be had; mode auto picks it when the hook holds a program\n"
			"attached without libxdp's dispatcher or XDP cannot be attached.\n"
			"TLVs: cos-remark on (off refuses Class of Service re-marking), no\n"
			"micro-session ID (1-65535), sync-source auto (ntp while the kernel clock "
			"is\n"
			"synchronized, else free-running; or ntp, ptp, ssu, gnss, free-running),\n"
			"reflected-control off, reply-max the MTU less 28 (44-65507), amplify 1\n"
			"(1-16), no return-prefix (up to 8, a.b.c.d/n or x:x::/n): Return "
			"Addresses\n"
			"are honoured only inside one.\n"
			"multiprog auto joins libxdp's dispatcher (xdp-loader's) when it holds "
			"the\n"
			"hook, at run priority 10, passing what is not its own to the next "
			"program;\n"
			"on always attaches through one, off never.\n"
			"auth-key FILE: the keys of the auth-ports (mode 0600, owned by root;\n"
			"lines [port PORT [ssid SSID]] hex:HEX|text:WORD); without it a replace "
			"keeps\n"
			"the keys, 'none' removes them.\n"
			"Abuse controls: allow PREFIX (up to 1024, IPv4 and IPv6): only senders\n"
			"inside one are answered, the rest passed to the stack (not_allowed);\n"
			"rate-limit PPS[,BURST]: a token bucket per source address (65536 "
			"sources,\n"
			"the least recently seen giving way), rate-limit-all: one for the\n"
			"interface; packets over either are dropped (rate_limited,\n"
			"rate_limited_all).  BURST defaults to PPS.  None of them by default.\n",
	},
	{
		.name = "set",
		.run = reflector_set,
		.synopsis = "dev IFNAME [allow {PREFIX|none}]...\n"
			    "[rate-limit {PPS[,BURST]|none}] [rate-limit-all {PPS[,BURST]|none}]",
		.about = "set changes the source policy of the reflector on IFNAME without\n"
			 "detaching: the allow-list named replaces the running one (allow none:\n"
			 "every source answered), a rate limit named replaces the running one;\n"
			 "every other setting is kept, as refresh keeps it.  Counters, sessions\n"
			 "and the per-source buckets are kept.  It prints what changed.\n",
	},
	{
		.name = "refresh",
		.run = reflector_refresh,
		.synopsis = "dev IFNAME",
		.about = "refresh reads IFNAME's addresses and the clock state again and swaps in\n"
			 "a program with the settings the reflector runs with now (a plain\n"
			 "attach would bring back the default of every option not repeated).\n"
			 "Counters and sessions are kept.\n",
	},
	{
		.name = "detach",
		.run = reflector_detach,
		.synopsis = "dev IFNAME",
		.about = "detach detaches the reflector from IFNAME and removes its pins, also "
			 "when\n"
			 "the interface is gone.\n",
	},
	{.name = "help", .synopsis = ""},
	{NULL},
};
