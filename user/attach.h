/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* `reflector attach`: what was asked for, parsed from the keyword arguments. */
#ifndef STAMPEDE_ATTACH_H
#define STAMPEDE_ATTACH_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "cli.h"
#include "stampede_kern_user.h"

/* tc: a clsact ingress filter instead of XDP (tc_hook.h). */
enum attach_mode { ATTACH_MODE_NATIVE, ATTACH_MODE_GENERIC, ATTACH_MODE_AUTO, ATTACH_MODE_TC };

/* Indexed by enum attach_mode; NULL-terminated for prefix matching. */
extern const char *const attach_mode_names[];
/* An XDP attachment's mode by name: "generic" (skb) or "native". */
#define attach_xdp_mode_name(generic) \
	attach_mode_names[(generic) ? ATTACH_MODE_GENERIC : ATTACH_MODE_NATIVE]

/*
 * Through libxdp's dispatcher (multiprog.h): auto joins one that holds the
 * hook, else attaches alone through a link; on always goes through one
 * (made when the hook is free, so that other programs can join later);
 * off never does.
 */
enum attach_multiprog { ATTACH_MULTIPROG_AUTO, ATTACH_MULTIPROG_ON, ATTACH_MULTIPROG_OFF };
extern const char *const attach_multiprog_names[];

struct attach_req {
	const char *ifname;
	__u16 ports[STAMPEDE_MAX_PORTS]; /* host byte order */
	__u16 auth_ports[STAMPEDE_MAX_PORTS];
	unsigned int n_ports, n_auth_ports;
	enum attach_mode mode;
	bool mode_given; /* a replace must then keep the current mode */
	enum attach_multiprog multiprog;
	bool multiprog_given; /* a replace must then keep the current way */
	bool stateful;
	bool ptp;
	__u32 sessions;
	bool sessions_given; /* a replace must then find this size */
	__u8 ttl;
	bool loopguard;
	__u8 clock_reads;	/* 1: T3 = T2; 2: T3 read before transmit */
	bool count_other;	/* count frames not for a STAMP port too */
	bool cos_remark;	/* CoS TLV: re-mark DSCP1 (off: refuse, RP=1) */
	__u16 micro_session_id; /* host order; 0: not configured */
	__u8 sync_src;		/* enum stamp_sync_src; 0: auto (from adjtimex) */
	bool reflected_ctl;	/* honour Reflected Test Packet Control */
	__u16 reply_max;	/* 0: the interface MTU less 28 */
	__u8 amplify;
	/* Return Address prefixes, IPv4 as ::ffff:a.b.c.d/(96 + n), host bits clear */
	struct stampede_prefix return_prefixes[STAMPEDE_MAX_RETURN_PREFIXES];
	unsigned int n_return_prefixes;
	const char *auth_key_file; /* auth-key FILE; NULL: a replace keeps the keys */
	bool auth_key_none;	   /* auth-key none: remove every key */
	/* allow: sources answered (none: every source); same form */
	struct stampede_prefix allow[STAMPEDE_MAX_ALLOW_PREFIXES];
	unsigned int n_allow;
	bool allow_given;		    /* allow named (reflector set: replace the list) */
	__u32 rate_pps, rate_burst;	    /* rate-limit; 0: off */
	__u32 rate_all_pps, rate_all_burst; /* rate-limit-all; 0: off */
	bool rate_given, rate_all_given;    /* named (reflector set) */
};

/* Largest and smallest reply-max: IPv4's largest UDP payload; a 44-octet reply. */
#define ATTACH_REPLY_MAX_MAX 65507
#define ATTACH_REPLY_MAX_MIN 44
/*
 * IPv4 and UDP headers: the default reply-max is the MTU less these, the
 * largest payload an IPv4 reply has within the MTU.  The data path holds
 * every reply to the MTU itself (an IPv6 one is 20 octets shorter), and a
 * request for more gets an MTU-sized reply with C (asymmetrical-pkts-14
 * section 3), which a smaller default would refuse.
 */
#define ATTACH_REPLY_HEADROOM 28

/* Names of the sync-source values, indexed by enum stamp_sync_src (0: auto). */
extern const char *const attach_sync_src_names[];

/*
 * Parse a prefix of @keyword ("198.18.0.0/15", "2001:db8::/32"; no length:
 * one address) into @p; host bits set are refused.  Reports and returns -1
 * on failure.
 */
int attach_parse_prefix(const char *word, const char *keyword, struct stampede_prefix *p);

/*
 * `reflector set`: parse "dev IFNAME" and the source policy keywords
 * (allow, rate-limit, rate-limit-all) into @req, marking those named.
 */
int attach_parse_set(struct cli_args *args, struct attach_req *req);

/* "198.18.0.0/15" or "2001:db8::/32" into @buf (INET6_ADDRSTRLEN + 4). */
void attach_format_prefix(const struct stampede_prefix *p, char *buf, size_t len);

/* The defaults of every setting, with no device. */
void attach_req_defaults(struct attach_req *req);

/* Parse the words after `reflector attach`, with the defaults filled in. */
int attach_parse(struct cli_args *args, struct attach_req *req);

#endif /* STAMPEDE_ATTACH_H */
