/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * `stampede probe`: a STAMP Session-Sender (RFC 8762) that measures the
 * path to a reflector.  What was asked for, and what a run collects; the
 * jobs are split over probe_args.c (the words), probe_run.c (sending and
 * receiving), probe_figures.c (what the replies mean), probe_report.c
 * (text and JSON), with probe_socket.c, probe_packet.c and probe_stats.c
 * underneath.
 */
#ifndef STAMPEDE_PROBE_H
#define STAMPEDE_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "probe_packet.h"
#include "sha256.h"
#include "probe_socket.h"
#include "probe_stats.h"
#include "probe_tlv.h"

#define PROBE_DEFAULT_COUNT	  5
#define PROBE_DEFAULT_INTERVAL_MS 1000
#define PROBE_DEFAULT_TIMEOUT_MS  2000
#define PROBE_DEFAULT_TTL	  255
/*
 * Bounds: with -j every reply becomes a JSON object kept until the end,
 * so the count stays where that is a few hundred megabytes at most.
 */
#define PROBE_MAX_COUNT	      100000
#define PROBE_MIN_INTERVAL_MS 1
#define PROBE_MAX_INTERVAL_MS 60000
#define PROBE_MAX_TIMEOUT_MS  60000
/*
 * `report SECS`: the longest period.  A period keeps its replies' figures
 * (32 octets each) until it is reported: an hour at the shortest interval
 * is about 115 MB, the most the continuous mode ever holds.
 */
#define PROBE_MAX_REPORT_S 3600

struct probe_opts {
	const char *host;
	uint16_t port;
	uint32_t count;
	uint32_t interval_ms;
	uint32_t size; /* UDP payload */
	uint16_t ssid;
	uint8_t ttl;
	uint8_t dscp, ecn;
	bool ptp;
	const char *source; /* NULL: the kernel's choice */
	uint16_t sport;	    /* 0: ephemeral */
	uint32_t timeout_ms;
	bool stateful;
	struct probe_tlv_set tlvs; /* `tlv` words, in order */
	/*
	 * The key file: auth-key FILE, authenticated mode; hmac-key FILE
	 * (@hmac_tlv), unauthenticated mode with an HMAC TLV (RFC 8972 4.8)
	 * after the TLVs, the last of @tlvs.  @auth: the key's HMAC states.
	 * Either way a reply that does not verify is counted (auth_failed),
	 * never taken.
	 */
	const char *auth_key;
	bool hmac_tlv;
	struct hmac_sha256_states auth;
	/* ping's options without a keyword (probe_ping_opts.h) */
	int family;		 /* -4 AF_INET, -6 AF_INET6, else AF_UNSPEC (0) */
	bool quiet;		 /* -q: no line per reply, the summary only */
	bool print_time;	 /* -D: each reply line starts with its arrival time */
	bool report_outstanding; /* -O: say when a request is unanswered as the next goes */
	/*
	 * `report SECS`: the continuous mode (probe_monitor.h), a summary
	 * every SECS; count 0 there: until stopped.  0: the counted mode.
	 */
	uint32_t report_s;
	bool continuous; /* the monitor's bookkeeping, also with report_s 0 (the agent) */
};

/* auth-key FILE: the 112-octet authenticated layout (RFC 8762 4.2.2). */
static inline bool probe_authenticated(const struct probe_opts *o)
{
	return o->auth_key && !o->hmac_tlv;
}

/*
 * Parse the words after `probe` (HOST first), the defaults filled in, and
 * read the key of auth-key or hmac-key: probe_parse_words(), then
 * probe_load_key().
 */
int probe_parse(struct cli_args *args, struct probe_opts *opts);

/*
 * The words alone, the key file not read: the agent checks a target's
 * words line by line, and reads its key once the whole section (port,
 * ssid) is known.
 */
int probe_parse_words(struct cli_args *args, struct probe_opts *opts);

/* The key for the port and SSID of @opts, when auth-key or hmac-key named a file. */
int probe_load_key(struct probe_opts *opts);

/* The socket the options ask for (the probe's and the agent's targets'). */
struct probe_socket_cfg probe_socket_cfg_of(const struct probe_opts *opts);

/* Where a timestamp came from, least precise first. */
enum probe_ts_source { PROBE_TS_USER, PROBE_TS_SOFTWARE, PROBE_TS_HARDWARE };

extern const char *const probe_ts_source_names[];

/* A request, by sequence number: its T1 three ways (0 when not taken). */
struct probe_sent {
	int64_t t1_user_ns;	 /* clock_gettime just before sendmsg: the packet's Timestamp */
	int64_t t1_sw_ns;	 /* the kernel's TX stamp */
	int64_t t1_hw_ns;	 /* the NIC's, on its own clock */
	uint16_t error_estimate; /* ours, as sent */
};

/* A reply taken (duplicates too), in arrival order. */
struct probe_rec {
	struct probe_reply reply;
	struct probe_tlv_list *tlvs; /* NULL: no TLV area */
	int64_t t4_user_ns, t4_sw_ns, t4_hw_ns;
	bool duplicate;
	bool has_tos;		     /* the reply's traffic class was seen */
	uint8_t tos;		     /* DSCP << 2 | ECN, as received */
	bool has_reply_ttl;	     /* the reply's TTL / Hop Limit was seen */
	uint8_t reply_ttl;	     /* ... as received, unlike the Ses-Sender TTL it carries */
	char from[INET6_ADDRSTRLEN]; /* the reply's source address */
};

struct probe_monitor;

/* Everything a run gathers. */
struct probe_run {
	const struct probe_opts *opts;
	struct probe_socket sock;
	uint64_t tai_offset_ns;	 /* TAI - UTC, for PTP timestamps */
	struct probe_sent *sent; /* opts->count entries; NULL in the continuous mode */
	/* The continuous mode's ring and statistics (opts->continuous), else NULL. */
	struct probe_monitor *mon;
	/*
	 * Readable when the run is to end (the agent's eventfd); -1: the
	 * stop signals end it, caught by probe_run_loop().
	 */
	int stop_fd;
	struct probe_book book; /* which were sent and answered */
	struct probe_rec *recs;
	size_t n_recs, cap_recs;
	uint64_t ignored_short; /* replies under PROBE_REPLY_MIN_LEN octets */
	uint64_t ignored_ssid;	/* another session's SSID */
	uint64_t ignored_port;	/* unconnected socket: not from the reflector's port */
	uint64_t auth_failed;	/* HMAC (or HMAC TLV) wrong, or too short for one */
	uint64_t refused;	/* ICMP errors from the path (probe_icmp_errno) */
	uint64_t send_errors;	/* requests the kernel would not send */
	bool interrupted;	/* SIGINT, SIGTERM or SIGHUP */
};

/* Send, receive and match until done, the timeout passed, or SIGINT, SIGTERM, SIGHUP. */
int probe_run_loop(struct probe_run *run);

/* What request @seq carried when sent: its slot in either mode; NULL when not known. */
struct probe_sent *probe_run_sent(const struct probe_run *run, uint32_t seq);

#endif /* STAMPEDE_PROBE_H */
