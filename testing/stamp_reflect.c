/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * stamp_reflect: a userspace STAMP Session-Reflector (RFC 8762 4.3,
 * unauthenticated mode) for the tests and the benchmark: a tool they
 * share, not a test suite.
 *
 * A reference implementation on an ordinary UDP socket: requests are read
 * in batches with recvmmsg() and answered in batches with sendmmsg(), with
 * the receive time (T2) from the kernel's software RX timestamp, the
 * request's TTL / Hop Limit and destination address from control messages.
 * Nothing is printed while it runs; on SIGINT or SIGTERM it prints
 *
 *   {"received":N,"reflected":N,"dropped":N,"ignored":N,"send_errors":N,
 *    "auth_failed":N,"hmac_tlv_verified":N,"hmac_tlv_failed":N}
 *
 * and exits 0.  Bad arguments: exit 2; system errors: exit 1; one line on
 * stderr either way.
 *
 * With --auth-hex KEY it answers in authenticated mode (RFC 8762 4.2.2,
 * 4.3.2, 4.4): a request's HMAC is verified and the reply signed with
 * OpenSSL's HMAC().  TLVs are echoed in either mode, each with U (this
 * reflector acts on none), but for the HMAC TLV (RFC 8972 4.8) when it has
 * a key for it (--auth-hex, or --hmac-tlv-hex KEY in unauthenticated mode):
 * verified over the request's Sequence Number and TLVs before it, then
 * answered with OpenSSL's HMAC over the reply's; when it does not verify
 * (or is missing in authenticated mode, misplaced, of another Length)
 * every TLV goes back as received with I set instead.  The JSON counts
 * auth_failed, hmac_tlv_verified and hmac_tlv_failed too.
 *
 * Only libc, libcrypto (for HMAC) and include/stamp_wire.h: it must never
 * share code with the data path it is compared with, whose SHA-256 is its
 * own.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/timex.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "stamp_wire.h"

#define MAX_BATCH     1024
#define DEFAULT_BATCH 64
/* Large enough for any UDP payload, so no request is ever truncated. */
#define BUF_LEN	      65536
#define CTL_LEN	      256
#define REPLY_TTL     255
#define MAX_DROP_SEQS 100000
/* TLVs walked per request; the rest is copied verbatim (bounded work). */
#define MAX_TLVS 64
/* Receive buffer asked for, so a burst is queued rather than dropped. */
#define RCVBUF_BYTES (8 << 20)
/* The clock state (synchronization, error, TAI offset) is re-read this often. */
#define CLOCK_REFRESH_NS 1000000000ULL
/* Under load the queue never runs dry, so the blocked INT/TERM are looked
 * for this often (in batches) instead of only while waiting. */
#define SIGNAL_CHECK_BATCHES 64

/* Stateful sessions: open addressing over a power-of-two table, a short
 * probe window, and the least recently used entry of the window replaced
 * when it is full, so memory and work per packet stay bounded. */
#define SESSION_SLOTS 65536
#define SESSION_PROBE 8

/* Reply layouts: STAMP (44 octets and TLVs), and the shorter replies of
 * reflectors that Session-Senders meet in the field. */
#define TWAMP41_LEN 41 /* RFC 5357 4.2.1: ends after Ses-Sender TTL */
#define SHORT36_LEN 36 /* ends after the Session-Sender Timestamp */

/* Authenticated mode, RFC 8762 4.2.2 and 4.3.2: offsets written from the RFC. */
#define AUTH_LEN      112
#define AUTH_HMAC     96 /* HMAC-SHA-256 of octets 0..95, its first 16 octets */
#define AUTH_HMAC_LEN 16
#define AUTH_S_TS     16
#define AUTH_S_EE     24
#define AUTH_S_SSID   26
#define AUTH_R_T3     16
#define AUTH_R_EE     24
#define AUTH_R_SSID   26
#define AUTH_R_T2     32
#define AUTH_R_S_SEQ  48
#define AUTH_R_S_TS   64
#define AUTH_R_S_EE   72
#define AUTH_R_S_TTL  80
#define MAX_AUTH_KEY  128
/* RFC 8972 4.8: the HMAC TLV's Value, HMAC-SHA-256 truncated to 16 octets. */
#define HMAC_TLV_LEN 16

enum layout { LAYOUT_STAMP, LAYOUT_TWAMP41, LAYOUT_SHORT36 };

struct opts {
	int family; /* AF_UNSPEC: dual-stack */
	const char *addr;
	unsigned long port;
	enum layout layout;
	bool ptp;
	bool stateful;
	unsigned long drop_every;
	uint32_t *drop_seqs; /* sorted */
	size_t n_drop_seqs;
	unsigned long batch;
	const char *ready_file;
	uint8_t auth_key[MAX_AUTH_KEY];	    /* --auth-hex: authenticated mode */
	size_t auth_key_len;		    /* 0: unauthenticated */
	bool auth_sign_bad;		    /* --auth-sign-bad: replies with a wrong HMAC */
	uint8_t hmac_tlv_key[MAX_AUTH_KEY]; /* --hmac-tlv-hex: HMAC TLVs, unauthenticated */
	size_t hmac_tlv_key_len;
	bool hmac_tlv_sign_bad; /* --hmac-tlv-sign-bad: the reply's HMAC TLV wrong */
};

struct counters {
	unsigned long long received, reflected, dropped, ignored, send_errors, auth_failed;
	unsigned long long hmac_tlv_verified, hmac_tlv_failed;
};

struct session {
	uint8_t addr[16]; /* IPv4 as ::ffff:a.b.c.d */
	uint16_t port;
	uint16_t ssid;
	bool used;
	uint32_t next_seq;
	uint64_t last_used;
};

/* What the control messages of one request said. */
struct rx_info {
	bool have_ts, have_ttl, have_dst4, have_dst6;
	struct timespec ts;
	int ttl;
	struct in_addr dst4;
	struct in6_pktinfo dst6;
};

/* Timestamp and Error Estimate state, refreshed from adjtimex. */
struct clock_state {
	uint16_t error_estimate;
	int64_t tai_offset_s;
	uint64_t next_refresh_ns;
};

#define TOOL_NAME "stamp_reflect"
#include "tool_cli.h"

static const char *prog = TOOL_NAME;
static volatile sig_atomic_t stop;

static void usage(FILE *f)
{
	fprintf(f,
		"usage: %s [-4|-6] [-a ADDR] [-p PORT] [--layout {stamp|twamp41|short36}]\n"
		"       [--timestamp {ntp|ptp}] [--stateful] [--drop-every N]\n"
		"       [--drop-seqs S1,S2,...] [--batch N] [--ready-file PATH]\n"
		"       [--auth-hex KEY [--auth-sign-bad] | --hmac-tlv-hex KEY]\n"
		"       [--hmac-tlv-sign-bad]\n"
		"  -4 / -6           IPv4 only / IPv6 only (default: both on ::)\n"
		"  -a ADDR           address to bind (default :: or 0.0.0.0)\n"
		"  -p PORT           UDP port (0..65535, default 862; 0: any free one)\n"
		"  --layout L        stamp: RFC 8762 reply (default); twamp41: the 41-octet\n"
		"                    TWAMP-Light reply; short36: a 36-octet reply\n"
		"  --timestamp F     ntp (UTC, default) or ptp (TAI)\n"
		"  --stateful        per-session reflector sequence numbers\n"
		"  --drop-every N    do not answer sender seq s when (s+1) %% N == 0\n"
		"  --drop-seqs LIST  do not answer these sender sequence numbers\n"
		"  --batch N         messages per recvmmsg/sendmmsg (1..%d, default %d)\n"
		"  --ready-file PATH written with the bound port once listening\n"
		"  --auth-hex KEY    authenticated mode (RFC 8762 4.2.2) with this key (hex)\n"
		"  --auth-sign-bad   ... and every reply's HMAC wrong (one bit flipped)\n"
		"  --hmac-tlv-hex KEY unauthenticated mode: HMAC TLVs (RFC 8972 4.8) verified\n"
		"                    and answered with this key (hex)\n"
		"  --hmac-tlv-sign-bad every reply's HMAC TLV wrong (one bit flipped)\n"
		"SIGINT/SIGTERM: print the counters as JSON and exit 0.\n",
		prog, MAX_BATCH, DEFAULT_BATCH);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* "S1,S2,...": sender sequence numbers, sorted for bsearch. */
static void parse_drop_seqs(struct opts *o, const char *list)
{
	char *copy, *tok, *save = NULL;

	if (!*list)
		die_usage("--drop-seqs: empty list");
	copy = strdup(list);
	if (!copy)
		die_sys("strdup");
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (o->n_drop_seqs == MAX_DROP_SEQS)
			die_usage("--drop-seqs: more than %d numbers", MAX_DROP_SEQS);
		if (o->n_drop_seqs % 1024 == 0) {
			uint32_t *p = realloc(o->drop_seqs,
					      (o->n_drop_seqs + 1024) * sizeof(*o->drop_seqs));

			if (!p)
				die_sys("realloc");
			o->drop_seqs = p;
		}
		o->drop_seqs[o->n_drop_seqs++] =
			(uint32_t)parse_num("--drop-seqs", tok, 0, UINT32_MAX);
	}
	/* strtok_r skips empty fields: ",," or a trailing comma is an error. */
	if (!o->n_drop_seqs || strstr(list, ",,") || list[0] == ',' ||
	    list[strlen(list) - 1] == ',')
		die_usage("--drop-seqs: '%s' is not a comma-separated list of numbers", list);
	free(copy);
	qsort(o->drop_seqs, o->n_drop_seqs, sizeof(*o->drop_seqs), cmp_u32);
}

static void parse_args(int argc, char **argv, struct opts *o)
{
	enum {
		OPT_LAYOUT = 256,
		OPT_TS,
		OPT_STATEFUL,
		OPT_DROP_EVERY,
		OPT_DROP_SEQS,
		OPT_BATCH,
		OPT_READY,
		OPT_AUTH_HEX,
		OPT_AUTH_SIGN_BAD,
		OPT_HMAC_TLV_HEX,
		OPT_HMAC_TLV_SIGN_BAD
	};
	static const struct option longopts[] = {
		{"layout", required_argument, NULL, OPT_LAYOUT},
		{"timestamp", required_argument, NULL, OPT_TS},
		{"stateful", no_argument, NULL, OPT_STATEFUL},
		{"drop-every", required_argument, NULL, OPT_DROP_EVERY},
		{"drop-seqs", required_argument, NULL, OPT_DROP_SEQS},
		{"batch", required_argument, NULL, OPT_BATCH},
		{"ready-file", required_argument, NULL, OPT_READY},
		{"auth-hex", required_argument, NULL, OPT_AUTH_HEX},
		{"auth-sign-bad", no_argument, NULL, OPT_AUTH_SIGN_BAD},
		{"hmac-tlv-hex", required_argument, NULL, OPT_HMAC_TLV_HEX},
		{"hmac-tlv-sign-bad", no_argument, NULL, OPT_HMAC_TLV_SIGN_BAD},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	*o = (struct opts){
		.family = AF_UNSPEC,
		.port = STAMP_DEFAULT_PORT,
		.batch = DEFAULT_BATCH,
	};
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":46a:p:h", longopts, NULL)) != -1) {
		switch (c) {
		case '4':
		case '6':
			if (o->family != AF_UNSPEC)
				die_usage("-4 and -6 exclude each other");
			o->family = c == '4' ? AF_INET : AF_INET6;
			break;
		case 'a':
			o->addr = optarg;
			break;
		case 'p':
			o->port = parse_num("-p PORT", optarg, 0, 65535);
			break;
		case OPT_LAYOUT:
			if (!strcmp(optarg, "stamp"))
				o->layout = LAYOUT_STAMP;
			else if (!strcmp(optarg, "twamp41"))
				o->layout = LAYOUT_TWAMP41;
			else if (!strcmp(optarg, "short36"))
				o->layout = LAYOUT_SHORT36;
			else
				die_usage("--layout: '%s' is not stamp, twamp41 or short36",
					  optarg);
			break;
		case OPT_TS:
			if (!strcmp(optarg, "ntp") || !strcmp(optarg, "ptp"))
				o->ptp = optarg[0] == 'p';
			else
				die_usage("--timestamp: '%s' is not ntp or ptp", optarg);
			break;
		case OPT_STATEFUL:
			o->stateful = true;
			break;
		case OPT_DROP_EVERY:
			o->drop_every = parse_num("--drop-every", optarg, 1, UINT32_MAX);
			break;
		case OPT_DROP_SEQS:
			parse_drop_seqs(o, optarg);
			break;
		case OPT_BATCH:
			o->batch = parse_num("--batch", optarg, 1, MAX_BATCH);
			break;
		case OPT_READY:
			if (!*optarg)
				die_usage("--ready-file: empty path");
			o->ready_file = optarg;
			break;
		case OPT_AUTH_HEX:
			o->auth_key_len = parse_hex_key("--auth-hex", optarg, o->auth_key,
							sizeof(o->auth_key));
			break;
		case OPT_AUTH_SIGN_BAD:
			o->auth_sign_bad = true;
			break;
		case OPT_HMAC_TLV_HEX:
			o->hmac_tlv_key_len = parse_hex_key(
				"--hmac-tlv-hex", optarg, o->hmac_tlv_key, sizeof(o->hmac_tlv_key));
			break;
		case OPT_HMAC_TLV_SIGN_BAD:
			o->hmac_tlv_sign_bad = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			die_bad_option(c, argv);
		}
	}
	if (o->auth_sign_bad && !o->auth_key_len)
		die_usage("--auth-sign-bad needs --auth-hex");
	if (o->auth_key_len && o->layout != LAYOUT_STAMP)
		die_usage("--auth-hex answers in the authenticated STAMP layout only");
	if (o->auth_key_len && o->hmac_tlv_key_len)
		die_usage("--hmac-tlv-hex is for unauthenticated mode: --auth-hex's key signs"
			  " the HMAC TLV there");
	if (o->hmac_tlv_key_len && o->layout != LAYOUT_STAMP)
		die_usage("--hmac-tlv-hex: the %s layout carries no TLV",
			  o->layout == LAYOUT_TWAMP41 ? "twamp41" : "short36");
	if (o->hmac_tlv_sign_bad && !o->auth_key_len && !o->hmac_tlv_key_len)
		die_usage("--hmac-tlv-sign-bad needs --auth-hex or --hmac-tlv-hex");
	/* From here on one key for the HMAC TLV, whichever mode gave it. */
	if (o->auth_key_len) {
		memcpy(o->hmac_tlv_key, o->auth_key, o->auth_key_len);
		o->hmac_tlv_key_len = o->auth_key_len;
	}
	if (optind != argc)
		die_usage("unexpected argument '%s'", argv[optind]);
}

/* ---- the socket ------------------------------------------------------------ */

static void set_int(int fd, int level, int name, int value, const char *what)
{
	if (setsockopt(fd, level, name, &value, sizeof(value)))
		die_sys(what);
}

static void write_ready_file(const char *path, unsigned int port)
{
	char tmp[4096];
	FILE *f;

	/* Written under another name and renamed, so a poller never reads
	 * a file that exists but is still empty. */
	if (snprintf(tmp, sizeof(tmp), "%s.tmp%d", path, (int)getpid()) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		die_sys("--ready-file");
	}
	f = fopen(tmp, "w");
	if (!f)
		die_sys("--ready-file");
	if (fprintf(f, "%u\n", port) < 0 || fclose(f))
		die_sys("--ready-file");
	if (rename(tmp, path))
		die_sys("--ready-file");
}

/* Binds the socket and asks for every control message a reply needs.  A
 * dual-stack socket gets IPv4 requests as ::ffff:a.b.c.d with the IPv4
 * (SOL_IP) control messages, so both kinds are enabled on it. */
static int open_socket(const struct opts *o, unsigned int *bound_port)
{
	struct sockaddr_storage ss = {0};
	struct sockaddr_in *s4 = (void *)&ss;
	struct sockaddr_in6 *s6 = (void *)&ss;
	socklen_t len;
	int fd, family = o->family;
	bool v4, v6only = o->family == AF_INET6;

	if (o->addr) {
		if (family != AF_INET6 && inet_pton(AF_INET, o->addr, &s4->sin_addr) == 1)
			family = AF_INET;
		else if (family != AF_INET && inet_pton(AF_INET6, o->addr, &s6->sin6_addr) == 1)
			family = AF_INET6;
		else
			die_usage("-a: '%s' is not an IPv%s address", o->addr,
				  family == AF_INET    ? "4"
				  : family == AF_INET6 ? "6"
						       : "4 or IPv6");
		/* A specific IPv6 address takes no IPv4; "::" still may. */
		if (family == AF_INET6 && !IN6_IS_ADDR_UNSPECIFIED(&s6->sin6_addr))
			v6only = true;
	}
	if (family == AF_UNSPEC)
		family = AF_INET6;
	v4 = family == AF_INET || !v6only;

	fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);
	if (fd < 0)
		die_sys("socket");
	ss.ss_family = (sa_family_t)family;
	if (family == AF_INET) {
		s4->sin_port = htons((uint16_t)o->port);
		len = sizeof(*s4);
	} else {
		s6->sin6_port = htons((uint16_t)o->port);
		len = sizeof(*s6);
		set_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, v6only, "setsockopt IPV6_V6ONLY");
		set_int(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1, "setsockopt IPV6_RECVPKTINFO");
		set_int(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1, "setsockopt IPV6_RECVHOPLIMIT");
		set_int(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, REPLY_TTL,
			"setsockopt IPV6_UNICAST_HOPS");
	}
	if (v4) {
		set_int(fd, IPPROTO_IP, IP_PKTINFO, 1, "setsockopt IP_PKTINFO");
		set_int(fd, IPPROTO_IP, IP_RECVTTL, 1, "setsockopt IP_RECVTTL");
		set_int(fd, IPPROTO_IP, IP_TTL, REPLY_TTL, "setsockopt IP_TTL");
	}
	set_int(fd, SOL_SOCKET, SO_TIMESTAMPNS, 1, "setsockopt SO_TIMESTAMPNS");
	/* Best effort: FORCE works as root beyond rmem_max, else the
	 * ordinary request is capped by the sysctl. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &(int){RCVBUF_BYTES}, sizeof(int)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &(int){RCVBUF_BYTES}, sizeof(int));
	if (bind(fd, (struct sockaddr *)&ss, len))
		die_sys("bind");
	len = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &len))
		die_sys("getsockname");
	*bound_port = ntohs(family == AF_INET ? s4->sin_port : s6->sin6_port);
	return fd;
}

/* ---- clocks and timestamps ---------------------------------------------------- */

/* RFC 4656 4.1.2: error = Multiplier * 2^(Scale - 32) s, Multiplier never 0;
 * the smallest Scale whose Multiplier fits, rounded up so the estimate
 * never claims better than the clock is. */
static uint16_t encode_error(bool synced, uint64_t error_ns, bool ptp)
{
	uint16_t ee = (synced ? STAMP_EE_S : 0) | (ptp ? STAMP_EE_Z : 0);
	unsigned int scale;

	for (scale = 0; scale < 64; scale++) {
		unsigned __int128 unit = (unsigned __int128)STAMP_NSEC_PER_SEC << scale;
		unsigned __int128 mult = (((unsigned __int128)error_ns << 32) + unit - 1) / unit;

		if (mult <= STAMP_EE_MULT_MASK)
			return ee | (uint16_t)(scale << STAMP_EE_SCALE_SHIFT) |
			       (uint16_t)(mult ? mult : 1);
	}
	return ee | STAMP_EE_SCALE_MASK | STAMP_EE_MULT_MASK;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * STAMP_NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

/*
 * TAI - UTC from the system's leap-seconds list (its last entry), for a
 * kernel whose own is unset: PTP timestamps are TAI.  0 without the list.
 * Read here on its own: this tool shares no code with stampede.
 */
static int64_t leap_list_offset(void)
{
	char line[256];
	long long when;
	int n, offset = 0;
	FILE *f = fopen("/usr/share/zoneinfo/leap-seconds.list", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (line[0] != '#' && sscanf(line, "%lld %d", &when, &n) == 2 && n > 0)
			offset = n;
	fclose(f);
	return offset;
}

/* Re-reads the kernel's clock state once in a while: a time daemon may
 * synchronize the clock or set the TAI offset while we run. */
static void clock_refresh(struct clock_state *c, bool ptp)
{
	uint64_t now = mono_ns(), error_us;
	struct timex tx = {0};
	bool synced;
	int state;

	if (now < c->next_refresh_ns)
		return;
	c->next_refresh_ns = now + CLOCK_REFRESH_NS;
	state = adjtimex(&tx);
	if (state < 0) {
		/* Unknown clock: not synchronized, the largest error. */
		c->error_estimate = encode_error(false, UINT32_MAX * STAMP_NSEC_PER_SEC, ptp);
		c->tai_offset_s = 0;
		return;
	}
	synced = state != TIME_ERROR && !(tx.status & STA_UNSYNC);
	/* esterror means little until something vouches for the clock. */
	error_us = (uint64_t)(synced ? tx.esterror : tx.maxerror);
	c->error_estimate = encode_error(synced, error_us * 1000, ptp);
	c->tai_offset_s = tx.tai > 0 ? tx.tai : leap_list_offset();
}

/* A CLOCK_REALTIME time as a wire timestamp: NTP (UTC since 1900, binary
 * fraction) or PTP (TAI since 1970, nanoseconds). */
static void put_timestamp(struct stamp_timestamp *t, const struct timespec *utc, bool ptp,
			  int64_t tai_offset_s)
{
	if (ptp) {
		t->sec = htonl((uint32_t)(utc->tv_sec + tai_offset_s));
		t->frac = htonl((uint32_t)utc->tv_nsec);
	} else {
		t->sec = htonl((uint32_t)((uint64_t)utc->tv_sec + STAMP_NTP_UNIX_OFFSET));
		t->frac = htonl((uint32_t)(((uint64_t)utc->tv_nsec << 32) / STAMP_NSEC_PER_SEC));
	}
}

/* T3: CLOCK_REALTIME (UTC), with TAI - UTC added for PTP. */
static void now_timestamp(struct stamp_timestamp *t, bool ptp, int64_t tai_offset_s)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	put_timestamp(t, &ts, ptp, tai_offset_s);
}

/* ---- requests and replies -------------------------------------------------------- */

static void parse_cmsgs(struct msghdr *msg, struct rx_info *rx)
{
	struct cmsghdr *c;

	memset(rx, 0, sizeof(*rx));
	for (c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
			memcpy(&rx->ts, CMSG_DATA(c), sizeof(rx->ts));
			rx->have_ts = true;
		} else if ((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) ||
			   (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT)) {
			memcpy(&rx->ttl, CMSG_DATA(c), sizeof(rx->ttl));
			rx->have_ttl = true;
		} else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			rx->dst4 = pi.ipi_addr; /* the header's destination */
			rx->have_dst4 = true;
		} else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
			memcpy(&rx->dst6, CMSG_DATA(c), sizeof(rx->dst6));
			rx->have_dst6 = true;
		}
	}
}

static bool should_drop(const struct opts *o, uint32_t sender_seq)
{
	if (o->drop_every && ((uint64_t)sender_seq + 1) % o->drop_every == 0)
		return true;
	return o->n_drop_seqs &&
	       bsearch(&sender_seq, o->drop_seqs, o->n_drop_seqs, sizeof(sender_seq), cmp_u32);
}

/* The session's key fields from the source address (IPv4 mapped). */
static void session_addr(const struct sockaddr_storage *src, uint8_t addr[16], uint16_t *port)
{
	memset(addr, 0, 16);
	if (src->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)src;

		addr[10] = addr[11] = 0xff;
		memcpy(addr + 12, &s4->sin_addr, 4);
		*port = s4->sin_port;
	} else {
		const struct sockaddr_in6 *s6 = (const void *)src;

		memcpy(addr, &s6->sin6_addr, 16);
		*port = s6->sin6_port;
	}
}

/* Next reflector sequence number of the session (src addr, port, SSID). */
static uint32_t session_next_seq(struct session *tab, uint64_t *clock,
				 const struct sockaddr_storage *src, uint16_t ssid)
{
	struct session *victim = NULL, *s;
	uint8_t addr[16];
	uint16_t port;
	uint32_t h = 2166136261u;
	unsigned int i;

	session_addr(src, addr, &port);
	/* FNV-1a over the key. */
	for (i = 0; i < 16; i++)
		h = (h ^ addr[i]) * 16777619u;
	h = (h ^ (port & 0xff)) * 16777619u;
	h = (h ^ (port >> 8)) * 16777619u;
	h = (h ^ (ssid & 0xff)) * 16777619u;
	h = (h ^ (ssid >> 8)) * 16777619u;
	(*clock)++;
	for (i = 0; i < SESSION_PROBE; i++) {
		s = &tab[(h + i) & (SESSION_SLOTS - 1)];
		if (s->used && s->port == port && s->ssid == ssid && !memcmp(s->addr, addr, 16)) {
			s->last_used = *clock;
			return s->next_seq++;
		}
		if (!victim || !s->used || (victim->used && s->last_used < victim->last_used))
			victim = s;
	}
	*victim = (struct session){.port = port, .ssid = ssid, .used = true, .last_used = *clock};
	memcpy(victim->addr, addr, 16);
	return victim->next_seq++;
}

/* What a TLV area holds for the HMAC TLV (RFC 8972 4.8), from its headers. */
struct hmac_look {
	size_t at;	 /* the first HMAC TLV's header; 0: none */
	uint16_t length; /* its Length */
	bool misplaced;	 /* a TLV other than Extra Padding after it */
	bool protects;	 /* a TLV other than Extra Padding before it, or without one */
};

/* The headers of the TLVs from @base to @len, walked as far as they go. */
static void hmac_look(const uint8_t *buf, size_t base, size_t len, struct hmac_look *h)
{
	size_t off = base;
	unsigned int n;

	memset(h, 0, sizeof(*h));
	for (n = 0; n < MAX_TLVS && len - off >= STAMP_TLV_HDR_LEN; n++) {
		const struct stamp_tlv *tlv = (const void *)(buf + off);
		size_t length = ntohs(tlv->length);

		if (h->at && tlv->type != STAMP_TLV_EXTRA_PADDING) {
			h->misplaced = true;
		} else if (!h->at && tlv->type == STAMP_TLV_HMAC) {
			h->at = off;
			h->length = (uint16_t)length;
		} else if (!h->at && tlv->type != STAMP_TLV_EXTRA_PADDING) {
			h->protects = true;
		}
		if (length > len - off - STAMP_TLV_HDR_LEN)
			return;
		off += STAMP_TLV_HDR_LEN + length;
	}
}

/* OpenSSL's HMAC-SHA-256 over @seq (4 octets) then @n octets at @text, its first 16. */
static void hmac_tlv_mac(const struct opts *o, const uint8_t *seq, const uint8_t *text, size_t n,
			 uint8_t out[HMAC_TLV_LEN])
{
	static uint8_t msg[4 + BUF_LEN];
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	memcpy(msg, seq, 4);
	memcpy(msg + 4, text, n);
	HMAC(EVP_sha256(), o->hmac_tlv_key, (int)o->hmac_tlv_key_len, msg, 4 + n, md, &mdlen);
	memcpy(out, md, HMAC_TLV_LEN);
}

/* Whether the request's HMAC TLV, still as received in @buf, is right. */
static bool hmac_tlv_verifies(const struct opts *o, const uint8_t *buf, size_t base,
			      const struct hmac_look *h, const uint8_t *req_seq)
{
	uint8_t mac[HMAC_TLV_LEN], diff = 0;
	size_t i;

	if (!h->at || h->misplaced || h->length != HMAC_TLV_LEN)
		return false;
	hmac_tlv_mac(o, req_seq, buf + base, h->at - base, mac);
	for (i = 0; i < HMAC_TLV_LEN; i++)
		diff |= mac[i] ^ buf[h->at + STAMP_TLV_HDR_LEN + i];
	return !diff;
}

/*
 * The TLVs after the base (@base octets: 44, or 112 authenticated) of the
 * reply in @buf, whose own Sequence Number is written; the request's was
 * @req_seq.  This reflector acts on no TLV, so each gets U, but for the
 * HMAC TLV with a key (RFC 8972 4.8): one that verifies is answered (Flags
 * 0, the reply's HMAC over its Sequence Number and TLVs before it); one
 * that does not, or one missing where authenticated mode needs it, sends
 * every TLV back as received with I alone.  A TLV that does not fit (a
 * header cut short, a Length past the end) gets M, and the rest is copied
 * verbatim.
 */
static void answer_tlvs(const struct opts *o, uint8_t *buf, size_t base, size_t len,
			const uint8_t *req_seq, struct counters *cnt)
{
	struct hmac_look h;
	bool keyed = o->hmac_tlv_key_len, failed = false;
	size_t off = base;
	unsigned int n;

	hmac_look(buf, base, len, &h);
	/* Authenticated mode requires it unless only Extra Padding follows the base. */
	if (keyed && (h.at || (o->auth_key_len && h.protects))) {
		failed = !hmac_tlv_verifies(o, buf, base, &h, req_seq);
		if (failed)
			cnt->hmac_tlv_failed++;
		else
			cnt->hmac_tlv_verified++;
	}
	for (n = 0; n < MAX_TLVS && off < len; n++) {
		struct stamp_tlv *tlv = (void *)(buf + off);

		if (len - off < STAMP_TLV_HDR_LEN) {
			buf[off] |= STAMP_TLV_FLAG_M;
			return;
		}
		if (ntohs(tlv->length) > len - off - STAMP_TLV_HDR_LEN) {
			tlv->flags |= STAMP_TLV_FLAG_U | STAMP_TLV_FLAG_M;
			return;
		}
		if (failed)
			tlv->flags = STAMP_TLV_FLAG_I;
		else if (keyed && off == h.at)
			tlv->flags = 0;
		else
			tlv->flags |= STAMP_TLV_FLAG_U;
		off += STAMP_TLV_HDR_LEN + ntohs(tlv->length);
	}
	if (!keyed || failed || !h.at)
		return;
	hmac_tlv_mac(o, buf, buf + base, h.at - base, buf + h.at + STAMP_TLV_HDR_LEN);
	if (o->hmac_tlv_sign_bad)
		buf[h.at + STAMP_TLV_HDR_LEN] ^= 1;
}

/* HMAC-SHA-256 of the first 96 octets of @p under the key, truncated to 16 octets. */
static void auth_mac(const struct opts *o, const uint8_t *p, uint8_t out[AUTH_HMAC_LEN])
{
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	HMAC(EVP_sha256(), o->auth_key, (int)o->auth_key_len, p, AUTH_HMAC, md, &mdlen);
	memcpy(out, md, AUTH_HMAC_LEN);
}

/* Sign the authenticated reply @p once its T3 is in (a wrong MAC with --auth-sign-bad). */
static void auth_sign(const struct opts *o, uint8_t *p)
{
	auth_mac(o, p, p + AUTH_HMAC);
	if (o->auth_sign_bad)
		p[AUTH_HMAC] ^= 1;
}

/*
 * Authenticated mode: verify the request in BUF and write the 4.3.2 reply
 * over it (unsigned: T3 and the HMAC come right before sending).
 */
static size_t build_auth_reply(uint8_t *buf, size_t len, const struct rx_info *rx,
			       const struct sockaddr_storage *src, const struct opts *o,
			       const struct clock_state *clk, struct session *sessions,
			       uint64_t *session_clock, struct counters *cnt)
{
	uint8_t req[AUTH_LEN], mac[AUTH_HMAC_LEN], diff = 0;
	struct stamp_timestamp t2ts;
	struct timespec t2;
	uint32_t seq;
	size_t i;

	if (len < AUTH_LEN) {
		cnt->auth_failed++;
		return 0;
	}
	memcpy(req, buf, AUTH_LEN);
	auth_mac(o, req, mac);
	for (i = 0; i < AUTH_HMAC_LEN; i++)
		diff |= mac[i] ^ req[AUTH_HMAC + i];
	if (diff) {
		cnt->auth_failed++;
		return 0;
	}
	memcpy(&seq, req, 4);
	if (should_drop(o, ntohl(seq))) {
		cnt->dropped++;
		return 0;
	}
	if (rx->have_ts)
		t2 = rx->ts;
	else
		clock_gettime(CLOCK_REALTIME, &t2);
	memset(buf, 0, AUTH_LEN);
	if (o->stateful)
		seq = htonl(
			session_next_seq(sessions, session_clock, src,
					 (uint16_t)(req[AUTH_S_SSID] << 8 | req[AUTH_S_SSID + 1])));
	memcpy(buf, &seq, 4);
	buf[AUTH_R_EE] = (uint8_t)(clk->error_estimate >> 8);
	buf[AUTH_R_EE + 1] = (uint8_t)clk->error_estimate;
	memcpy(buf + AUTH_R_SSID, req + AUTH_S_SSID, 2);
	put_timestamp(&t2ts, &t2, o->ptp, clk->tai_offset_s);
	memcpy(buf + AUTH_R_T2, &t2ts, 8);
	memcpy(buf + AUTH_R_S_SEQ, req, 4);
	memcpy(buf + AUTH_R_S_TS, req + AUTH_S_TS, 8);
	memcpy(buf + AUTH_R_S_EE, req + AUTH_S_EE, 2);
	buf[AUTH_R_S_TTL] = rx->have_ttl ? (uint8_t)rx->ttl : 0;
	/* The TLVs after the 112 octets stay where they are, answered as the reply's. */
	if (len > AUTH_LEN)
		answer_tlvs(o, buf, AUTH_LEN, len, req, cnt);
	return len;
}

/*
 * Rewrites the request in BUF (LEN octets) into the reply and returns its
 * length, or 0 when it gets none (dropped on purpose or ignored).  T3 is
 * written later, right before sending.
 */
static size_t build_reply(uint8_t *buf, size_t len, const struct rx_info *rx,
			  const struct sockaddr_storage *src, const struct opts *o,
			  const struct clock_state *clk, struct session *sessions,
			  uint64_t *session_clock, struct counters *cnt)
{
	struct stamp_reflector *r = (void *)buf;
	struct stamp_sender s;
	size_t reply_len;
	struct timespec t2;

	if (o->auth_key_len)
		return build_auth_reply(buf, len, rx, src, o, clk, sessions, session_clock, cnt);
	if (len < STAMP_TWAMP_LIGHT_MIN_LEN) {
		cnt->ignored++;
		return 0;
	}
	/* Octets a TWAMP-Light sender did not send count as zero. */
	if (len < STAMP_BASE_LEN)
		memset(buf + len, 0, STAMP_BASE_LEN - len);
	memcpy(&s, buf, sizeof(s));
	if (should_drop(o, ntohl(s.seq))) {
		cnt->dropped++;
		return 0;
	}
	if (rx->have_ts) {
		t2 = rx->ts;
	} else {
		/* No kernel timestamp: the best we know is now. */
		clock_gettime(CLOCK_REALTIME, &t2);
	}
	switch (o->layout) {
	case LAYOUT_TWAMP41:
		reply_len = TWAMP41_LEN;
		break;
	case LAYOUT_SHORT36:
		reply_len = SHORT36_LEN;
		break;
	default:
		reply_len = len < STAMP_BASE_LEN ? STAMP_BASE_LEN : len;
		break;
	}
	memset(r, 0, STAMP_BASE_LEN);
	r->seq = o->stateful
			 ? htonl(session_next_seq(sessions, session_clock, src,
						  o->layout == LAYOUT_STAMP ? ntohs(s.ssid) : 0))
			 : s.seq;
	r->error_estimate = htons(clk->error_estimate);
	/* TWAMP-Light's reply has MBZ where STAMP has the SSID. */
	if (o->layout == LAYOUT_STAMP)
		r->ssid = s.ssid;
	put_timestamp(&r->rx_ts, &t2, o->ptp, clk->tai_offset_s);
	r->sender_seq = s.seq;
	r->sender_ts = s.ts;
	r->sender_error_estimate = s.error_estimate;
	r->sender_ttl = rx->have_ttl ? (uint8_t)rx->ttl : 0;
	if (o->layout == LAYOUT_STAMP && len > STAMP_BASE_LEN)
		answer_tlvs(o, buf, STAMP_BASE_LEN, len, (const uint8_t *)&s.seq, cnt);
	return reply_len;
}

/* The reply leaves from the address the request was sent to. */
static size_t build_src_cmsg(uint8_t *ctl, const struct sockaddr_storage *peer,
			     const struct rx_info *rx)
{
	struct msghdr m = {.msg_control = ctl, .msg_controllen = CTL_LEN};
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	bool peer4 = peer->ss_family == AF_INET ||
		     IN6_IS_ADDR_V4MAPPED(&((const struct sockaddr_in6 *)peer)->sin6_addr);

	memset(ctl, 0, CTL_LEN);
	if (peer4 && (rx->have_dst4 || rx->have_dst6)) {
		struct in_pktinfo pi = {0};

		if (rx->have_dst4)
			pi.ipi_spec_dst = rx->dst4;
		else
			memcpy(&pi.ipi_spec_dst, &rx->dst6.ipi6_addr.s6_addr[12], 4);
		/* A multicast or broadcast destination is no source. */
		if (IN_MULTICAST(ntohl(pi.ipi_spec_dst.s_addr)) ||
		    pi.ipi_spec_dst.s_addr == INADDR_BROADCAST)
			return 0;
		c->cmsg_level = IPPROTO_IP;
		c->cmsg_type = IP_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
		return CMSG_SPACE(sizeof(pi));
	}
	if (!peer4 && rx->have_dst6) {
		struct in6_pktinfo pi = rx->dst6; /* keeps the interface (link-local) */

		if (IN6_IS_ADDR_MULTICAST(&pi.ipi6_addr))
			return 0;
		c->cmsg_level = IPPROTO_IPV6;
		c->cmsg_type = IPV6_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
		return CMSG_SPACE(sizeof(pi));
	}
	return 0;
}

/* ---- the loop ---------------------------------------------------------------- */

struct batch {
	unsigned int n;
	struct mmsghdr *rx_msgs, *tx_msgs;
	struct iovec *iovs;
	struct sockaddr_storage *peers;
	uint8_t (*rx_ctl)[CTL_LEN], (*tx_ctl)[CTL_LEN];
	uint8_t *bufs;
};

static void batch_alloc(struct batch *b, unsigned int n)
{
	b->n = n;
	b->rx_msgs = calloc(n, sizeof(*b->rx_msgs));
	b->tx_msgs = calloc(n, sizeof(*b->tx_msgs));
	b->iovs = calloc(n, sizeof(*b->iovs));
	b->peers = calloc(n, sizeof(*b->peers));
	b->rx_ctl = calloc(n, sizeof(*b->rx_ctl));
	b->tx_ctl = calloc(n, sizeof(*b->tx_ctl));
	/* BUF_LEN per message: pages are only touched by what arrives. */
	b->bufs = malloc((size_t)n * BUF_LEN);
	if (!b->rx_msgs || !b->tx_msgs || !b->iovs || !b->peers || !b->rx_ctl || !b->tx_ctl ||
	    !b->bufs)
		die_sys("malloc");
}

/* Sends the N replies of TX_MSGS; a failing one is counted and skipped. */
static void send_replies(int fd, struct mmsghdr *msgs, unsigned int n, struct counters *cnt)
{
	unsigned int off = 0;
	int rc;

	while (off < n) {
		rc = sendmmsg(fd, msgs + off, n - off, 0);
		if (rc > 0) {
			cnt->reflected += (unsigned int)rc;
			off += (unsigned int)rc;
		} else if (rc < 0 && errno == EINTR) {
			continue;
		} else {
			/* The first unsent message failed: count it, go on. */
			cnt->send_errors++;
			off++;
		}
	}
}

/* Waits for a request or a signal; only called when the queue is empty,
 * so a loaded reflector makes no syscalls beyond the batch calls. */
static void wait_readable(int fd, const sigset_t *unblocked)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};

	if (ppoll(&pfd, 1, NULL, unblocked) < 0 && errno != EINTR)
		die_sys("ppoll");
}

/* Whether INT or TERM is pending (they are blocked outside ppoll). */
static bool stop_pending(void)
{
	sigset_t pending;

	if (sigpending(&pending))
		die_sys("sigpending");
	return sigismember(&pending, SIGINT) == 1 || sigismember(&pending, SIGTERM) == 1;
}

static void serve(int fd, const struct opts *o, const sigset_t *unblocked, struct counters *cnt)
{
	struct clock_state clk = {0};
	struct session *sessions = NULL;
	uint64_t session_clock = 0;
	unsigned int i, n_tx, busy = 0;
	struct batch b;
	int n;

	if (o->stateful) {
		sessions = calloc(SESSION_SLOTS, sizeof(*sessions));
		if (!sessions)
			die_sys("calloc");
	}
	batch_alloc(&b, (unsigned int)o->batch);
	while (!stop) {
		for (i = 0; i < b.n; i++) {
			b.iovs[i] = (struct iovec){.iov_base = b.bufs + (size_t)i * BUF_LEN,
						   .iov_len = BUF_LEN};
			b.rx_msgs[i].msg_hdr = (struct msghdr){
				.msg_name = &b.peers[i],
				.msg_namelen = sizeof(b.peers[i]),
				.msg_iov = &b.iovs[i],
				.msg_iovlen = 1,
				.msg_control = b.rx_ctl[i],
				.msg_controllen = CTL_LEN,
			};
		}
		n = recvmmsg(fd, b.rx_msgs, b.n, MSG_DONTWAIT, NULL);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				wait_readable(fd, unblocked);
			else if (errno != EINTR)
				die_sys("recvmmsg");
			continue;
		}
		if (++busy % SIGNAL_CHECK_BATCHES == 0 && stop_pending())
			break;
		clock_refresh(&clk, o->ptp);
		n_tx = 0;
		for (i = 0; i < (unsigned int)n; i++) {
			struct msghdr *m = &b.rx_msgs[i].msg_hdr;
			struct rx_info rx;
			size_t len;

			cnt->received++;
			parse_cmsgs(m, &rx);
			len = build_reply(b.iovs[i].iov_base, b.rx_msgs[i].msg_len, &rx,
					  &b.peers[i], o, &clk, sessions, &session_clock, cnt);
			if (!len)
				continue;
			b.iovs[i].iov_len = len;
			b.tx_msgs[n_tx].msg_hdr = (struct msghdr){
				.msg_name = &b.peers[i],
				.msg_namelen = m->msg_namelen,
				.msg_iov = &b.iovs[i],
				.msg_iovlen = 1,
				.msg_control = b.tx_ctl[n_tx],
				.msg_controllen = build_src_cmsg(b.tx_ctl[n_tx], &b.peers[i], &rx),
			};
			if (!b.tx_msgs[n_tx].msg_hdr.msg_controllen)
				b.tx_msgs[n_tx].msg_hdr.msg_control = NULL;
			n_tx++;
		}
		if (!n_tx)
			continue;
		/* T3 as late as possible: one reading for the whole batch,
		 * right before it is handed to the kernel. */
		{
			struct stamp_timestamp t3;

			now_timestamp(&t3, o->ptp, clk.tai_offset_s);
			for (i = 0; i < n_tx; i++) {
				uint8_t *p = b.tx_msgs[i].msg_hdr.msg_iov->iov_base;

				if (!o->auth_key_len) {
					((struct stamp_reflector *)p)->ts = t3;
					continue;
				}
				memcpy(p + AUTH_R_T3, &t3, 8);
				auth_sign(o, p);
			}
		}
		send_replies(fd, b.tx_msgs, n_tx, cnt);
	}
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	struct sigaction sa = {.sa_handler = on_signal};
	struct counters cnt = {0};
	sigset_t block, unblocked;
	unsigned int port;
	struct opts o;
	int fd;

	parse_args(argc, argv, &o);
	/* INT and TERM stay blocked except inside ppoll, so a signal that
	 * arrives between the check of `stop` and the wait is not lost. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &block, &unblocked))
		die_sys("sigprocmask");
	sigdelset(&unblocked, SIGINT);
	sigdelset(&unblocked, SIGTERM);
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) || sigaction(SIGTERM, &sa, NULL))
		die_sys("sigaction");

	fd = open_socket(&o, &port);
	if (o.ready_file)
		write_ready_file(o.ready_file, port);
	serve(fd, &o, &unblocked, &cnt);
	printf("{\"received\":%llu,\"reflected\":%llu,\"dropped\":%llu,\"ignored\":%llu,"
	       "\"send_errors\":%llu,\"auth_failed\":%llu,\"hmac_tlv_verified\":%llu,"
	       "\"hmac_tlv_failed\":%llu}\n",
	       cnt.received, cnt.reflected, cnt.dropped, cnt.ignored, cnt.send_errors,
	       cnt.auth_failed, cnt.hmac_tlv_verified, cnt.hmac_tlv_failed);
	return 0;
}
