/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * stamp_send: a small STAMP Session-Sender (RFC 8762, unauthenticated mode)
 * for the end-to-end tests: a tool, not a test suite.
 *
 * It sends COUNT test packets over an ordinary UDP socket, waits a bounded
 * time for the replies, checks each one and prints one JSON object on
 * stdout:
 *
 *   {"sent":N,"received":N,"valid":N,"refused":N,"reflector_seqs":[...],
 *    "sender_ttl_seen":[...],"reply_ttl_seen":[...],"errors":[...]}
 *
 * reflector_seqs are in the order the replies arrived; sender_ttl_seen holds
 * the distinct Ses-Sender TTL values of the replies, reply_ttl_seen the
 * distinct IP TTL / Hop Limit values they arrived with, both ascending.
 * refused counts ICMP port-unreachable reports (ECONNREFUSED): proof that a
 * packet the reflector did not answer reached the receiving host's stack
 * intact.  Several ICMP errors may be reported as one, and the kernel rate
 * limits them, so it is at least 1 when any came back.  Exit status: 0 when the run was
 * carried out (whatever came back: the caller judges the JSON), 1 on a
 * system error, 2 on bad arguments.
 *
 * Only libc and include/stamp_wire.h: this must never share code with the
 * data path it tests.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
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

#include "stamp_wire.h"

#define MAX_COUNT	100000
#define MAX_PAYLOAD	65507 /* largest UDP payload over IPv4 */
#define MAX_INTERVAL_MS 60000
#define MAX_TIMEOUT_MS	600000
#define MAX_ERRORS	20 /* errors listed; more are summarised */
/* Sender Error Estimate: S=0, Z=0, Scale 0, Multiplier 1 (never 0, RFC 4656). */
#define SENDER_EE 0x0001
/*
 * T2/T3 are compared with the sender's own clock (same host in the tests),
 * so they must lie between T1 and the receive time.  The slack covers a
 * data path that converts nanoseconds to NTP fractions approximately; a
 * wrong UTC/TAI offset (37 s) or a wrong epoch is far outside it.
 */
#define DEFAULT_SLACK_MS 5

struct opts {
	int family; /* AF_UNSPEC until -4/-6 or the address decides */
	unsigned long count;
	unsigned long interval_ms;
	unsigned long payload;
	unsigned long port;
	unsigned long sport;
	unsigned long ttl;
	unsigned long timeout_ms;
	unsigned long ssid;
	unsigned long slack_ms;
	unsigned long seq_start;
	const char *addr;
};

/* What was sent, per sender sequence number. */
struct sent_pkt {
	uint64_t t1; /* NTP format, as sent */
	bool replied;
};

struct result {
	unsigned long sent, received, valid, refused;
	uint32_t *refl_seqs;
	unsigned long n_refl_seqs, max_refl_seqs;
	bool sender_ttl[256];
	bool reply_ttl[256];
	char *errors[MAX_ERRORS];
	unsigned long n_errors;
};

#define TOOL_NAME "stamp_send"
#include "tool_cli.h"

static const char *prog = TOOL_NAME;

static void usage(FILE *f)
{
	fprintf(f,
		"usage: %s [-4|-6] [-c COUNT] [-i INTERVAL_MS] [-s PAYLOAD_LEN] [-p PORT]\n"
		"       [-P SRCPORT] [-t TTL] [-T TIMEOUT_MS] [--ssid N] [--seq-start N]\n"
		"       [--slack-ms MS] ADDR\n"
		"  -c COUNT        test packets to send (1..%d, default 10)\n"
		"  -i INTERVAL_MS  pause between packets (0..%d, default 10)\n"
		"  -s PAYLOAD_LEN  UDP payload octets (1..%d, default 44); 14..43 is a\n"
		"                  TWAMP-Light packet, over 44 carries an Extra Padding TLV\n"
		"                  (then at least 48); under 14 gets no answer from a reflector\n"
		"  -p PORT         destination port (default 862)\n"
		"  -P SRCPORT      source port (default: any)\n"
		"  -t TTL          IPv4 TTL / IPv6 Hop Limit (1..255, default 64)\n"
		"  -T TIMEOUT_MS   wait for replies after the last send (default 1000)\n"
		"  --ssid N        Session-Sender Identifier (0..65535, default 0)\n"
		"  --seq-start N   sequence number of the first packet (default 0)\n"
		"  --slack-ms MS   tolerance of the T2/T3 plausibility check (default %d)\n",
		prog, MAX_COUNT, MAX_INTERVAL_MS, MAX_PAYLOAD, DEFAULT_SLACK_MS);
}

__attribute__((format(printf, 2, 3))) static void add_error(struct result *r, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (r->n_errors < MAX_ERRORS) {
		va_start(ap, fmt);
		if (vasprintf(&s, fmt, ap) < 0)
			s = NULL;
		va_end(ap);
		r->errors[r->n_errors] = s;
	}
	r->n_errors++;
}

/* CLOCK_REALTIME as a 64-bit NTP timestamp (seconds << 32 | fraction). */
static uint64_t ntp_now(void)
{
	struct timespec ts;
	uint64_t sec, frac;

	clock_gettime(CLOCK_REALTIME, &ts);
	sec = ((uint64_t)ts.tv_sec + STAMP_NTP_UNIX_OFFSET) & 0xffffffffULL;
	frac = ((uint64_t)ts.tv_nsec << 32) / STAMP_NSEC_PER_SEC;
	return sec << 32 | frac;
}

/*
 * TAI - UTC in seconds: the kernel's, else (0 until a time daemon sets it)
 * the last entry of the system's leap-seconds list, read here on its own
 * (this tool shares no code with stampede).  0 when neither is known.
 */
static int64_t tai_offset(void)
{
	static int64_t cached = -1;
	struct timex tx = {0};
	char line[256];
	long long when;
	int n;
	FILE *f;

	if (cached >= 0)
		return cached;
	cached = 0;
	if (adjtimex(&tx) >= 0 && tx.tai > 0)
		return cached = tx.tai;
	f = fopen("/usr/share/zoneinfo/leap-seconds.list", "r");
	if (!f)
		return cached;
	while (fgets(line, sizeof(line), f))
		if (line[0] != '#' && sscanf(line, "%lld %d", &when, &n) == 2 && n > 0)
			cached = n;
	fclose(f);
	return cached;
}

/* A PTP timestamp (TAI since 1970, nanoseconds) as NTP-format UTC, so
 * both formats are compared with one clock. */
static uint64_t ptp_to_ntp(uint32_t sec, uint32_t nsec)
{
	uint64_t s =
		((uint64_t)sec - (uint64_t)tai_offset() + STAMP_NTP_UNIX_OFFSET) & 0xffffffffULL;

	return s << 32 | (((uint64_t)nsec << 32) / STAMP_NSEC_PER_SEC);
}

static uint64_t ts_get(const struct stamp_timestamp *t, bool ptp)
{
	uint32_t sec = ntohl(t->sec), frac = ntohl(t->frac);

	return ptp ? ptp_to_ntp(sec, frac) : (uint64_t)sec << 32 | frac;
}

/* a - b in nanoseconds, for NTP timestamps of the same era or adjacent ones. */
static int64_t ntp_diff_ns(uint64_t a, uint64_t b)
{
	int64_t d = (int64_t)(a - b); /* 32.32 fixed point, wraps with the era */
	int64_t sec = d / (INT64_C(1) << 32);
	int64_t frac = d % (INT64_C(1) << 32);

	return sec * (int64_t)STAMP_NSEC_PER_SEC +
	       frac * (int64_t)STAMP_NSEC_PER_SEC / (INT64_C(1) << 32);
}

static void parse_args(int argc, char **argv, struct opts *o)
{
	enum { OPT_SSID = 256, OPT_SLACK, OPT_SEQ_START };
	static const struct option longopts[] = {
		{"ssid", required_argument, NULL, OPT_SSID},
		{"slack-ms", required_argument, NULL, OPT_SLACK},
		{"seq-start", required_argument, NULL, OPT_SEQ_START},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	*o = (struct opts){
		.family = AF_UNSPEC,
		.count = 10,
		.interval_ms = 10,
		.payload = STAMP_BASE_LEN,
		.port = STAMP_DEFAULT_PORT,
		.ttl = 64,
		.timeout_ms = 1000,
		.slack_ms = DEFAULT_SLACK_MS,
	};
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":46c:i:s:p:P:t:T:h", longopts, NULL)) != -1) {
		switch (c) {
		case '4':
			o->family = AF_INET;
			break;
		case '6':
			o->family = AF_INET6;
			break;
		case 'c':
			o->count = parse_num("-c COUNT", optarg, 1, MAX_COUNT);
			break;
		case 'i':
			o->interval_ms = parse_num("-i INTERVAL_MS", optarg, 0, MAX_INTERVAL_MS);
			break;
		case 's':
			o->payload = parse_num("-s PAYLOAD_LEN", optarg, 1, MAX_PAYLOAD);
			break;
		case 'p':
			o->port = parse_num("-p PORT", optarg, 1, 65535);
			break;
		case 'P':
			o->sport = parse_num("-P SRCPORT", optarg, 1, 65535);
			break;
		case 't':
			o->ttl = parse_num("-t TTL", optarg, 1, 255);
			break;
		case 'T':
			o->timeout_ms = parse_num("-T TIMEOUT_MS", optarg, 0, MAX_TIMEOUT_MS);
			break;
		case OPT_SSID:
			o->ssid = parse_num("--ssid", optarg, 0, 65535);
			break;
		case OPT_SLACK:
			o->slack_ms = parse_num("--slack-ms", optarg, 0, 3600000);
			break;
		case OPT_SEQ_START:
			o->seq_start = parse_num("--seq-start", optarg, 0, UINT32_MAX);
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			die_bad_option(c, argv);
		}
	}
	if (optind != argc - 1)
		die_usage(optind == argc ? "missing ADDR" : "one ADDR only, got '%s' too",
			  argv[argc - 1]);
	o->addr = argv[optind];
	if (o->payload > STAMP_BASE_LEN && o->payload < STAMP_BASE_LEN + STAMP_TLV_HDR_LEN)
		die_usage("-s PAYLOAD_LEN: %lu leaves no room for a TLV (45..47 not allowed)",
			  o->payload);
}

/* A connected UDP socket: the kernel then passes up only replies from the
 * address and port the test packets went to, as RFC 8762 wants them. */
static int open_socket(const struct opts *o, int *family)
{
	struct sockaddr_storage dst = {0}, src = {0};
	struct sockaddr_in *d4 = (void *)&dst, *s4 = (void *)&src;
	struct sockaddr_in6 *d6 = (void *)&dst, *s6 = (void *)&src;
	socklen_t len;
	int fd, one = 1, ttl = (int)o->ttl;

	if (o->family != AF_INET6 && inet_pton(AF_INET, o->addr, &d4->sin_addr) == 1) {
		*family = AF_INET;
		d4->sin_family = AF_INET;
		d4->sin_port = htons((uint16_t)o->port);
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)o->sport);
		len = sizeof(*d4);
	} else if (o->family != AF_INET && inet_pton(AF_INET6, o->addr, &d6->sin6_addr) == 1) {
		*family = AF_INET6;
		d6->sin6_family = AF_INET6;
		d6->sin6_port = htons((uint16_t)o->port);
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)o->sport);
		len = sizeof(*d6);
	} else {
		die_usage("'%s' is not an IPv%s address", o->addr,
			  o->family == AF_INET	  ? "4"
			  : o->family == AF_INET6 ? "6"
						  : "4 or IPv6");
	}

	fd = socket(*family, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);
	if (fd < 0)
		die_sys("socket");
	if (*family == AF_INET) {
		if (setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl)) ||
		    setsockopt(fd, IPPROTO_IP, IP_RECVTTL, &one, sizeof(one)))
			die_sys("setsockopt IP_TTL");
	} else {
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl, sizeof(ttl)) ||
		    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &one, sizeof(one)) ||
		    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)))
			die_sys("setsockopt IPV6_UNICAST_HOPS");
	}
	if (o->sport && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)))
		die_sys("setsockopt SO_REUSEADDR");
	if (bind(fd, (struct sockaddr *)&src, len))
		die_sys("bind");
	if (connect(fd, (struct sockaddr *)&dst, len))
		die_sys("connect");
	return fd;
}

/* The test packet: the 44-octet base, then (when longer) one Extra Padding
 * TLV with U set, as a sender sends it (RFC 8972 4.1), filled with a
 * pattern so a reflector that touches the value is caught. */
static void build_packet(uint8_t *buf, const struct opts *o)
{
	struct stamp_sender *s = (void *)buf;
	struct stamp_tlv *tlv = (void *)(buf + STAMP_BASE_LEN);
	size_t i;

	memset(buf, 0, o->payload < STAMP_BASE_LEN ? STAMP_BASE_LEN : o->payload);
	s->error_estimate = htons(SENDER_EE);
	s->ssid = htons((uint16_t)o->ssid);
	if (o->payload > STAMP_BASE_LEN) {
		tlv->flags = STAMP_TLV_FLAG_U;
		tlv->type = STAMP_TLV_EXTRA_PADDING;
		tlv->length = htons((uint16_t)(o->payload - STAMP_BASE_LEN - STAMP_TLV_HDR_LEN));
		for (i = STAMP_BASE_LEN + STAMP_TLV_HDR_LEN; i < o->payload; i++)
			buf[i] = (uint8_t)(i * 7 + 3);
	}
}

/* TTL / Hop Limit of a received reply, -1 when the kernel gave none. */
static int cmsg_ttl(struct msghdr *msg)
{
	struct cmsghdr *c;
	int v;

	for (c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		if ((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) ||
		    (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT)) {
			memcpy(&v, CMSG_DATA(c), sizeof(v));
			return v;
		}
	}
	return -1;
}

/* Check one reply against what was sent; returns true when it is valid. */
static bool check_reply(const uint8_t *buf, size_t len, uint64_t t4, const struct opts *o,
			struct sent_pkt *sent, struct result *r)
{
	const struct stamp_reflector *rp = (const void *)buf;
	size_t want = o->payload < STAMP_BASE_LEN ? STAMP_BASE_LEN : o->payload;
	int64_t slack = (int64_t)o->slack_ms * 1000000;
	uint32_t sseq, idx;
	uint16_t ee;
	uint64_t t2, t3;
	bool ptp, ok = true;
	size_t i;

	if (len < STAMP_BASE_LEN) {
		add_error(r, "reply of %zu octets, shorter than %d", len, STAMP_BASE_LEN);
		return false;
	}
	sseq = ntohl(rp->sender_seq);
	idx = sseq - (uint32_t)o->seq_start; /* wraps like the numbers do */
	if (idx >= r->sent) {
		add_error(r, "reply for sender seq %" PRIu32 " that was not sent", sseq);
		return false;
	}
	if (sent[idx].replied) {
		add_error(r, "second reply for sender seq %" PRIu32, sseq);
		ok = false;
	}
	sent[idx].replied = true;
	if (o->payload < STAMP_TWAMP_LIGHT_MIN_LEN) {
		add_error(r, "seq %" PRIu32 ": reply to a %lu-octet packet (under 14 octets)", sseq,
			  o->payload);
		ok = false;
	}
	if (len != want) {
		add_error(r, "seq %" PRIu32 ": reply is %zu octets, want %zu", sseq, len, want);
		ok = false;
	}
	if (((uint64_t)ntohl(rp->sender_ts.sec) << 32 | ntohl(rp->sender_ts.frac)) !=
	    sent[idx].t1) {
		add_error(r, "seq %" PRIu32 ": Session-Sender Timestamp not copied", sseq);
		ok = false;
	}
	if (ntohs(rp->sender_error_estimate) != SENDER_EE) {
		add_error(r, "seq %" PRIu32 ": Session-Sender Error Estimate 0x%04x, sent 0x%04x",
			  sseq, ntohs(rp->sender_error_estimate), SENDER_EE);
		ok = false;
	}
	/* A TWAMP-Light packet shorter than 16 octets carries no SSID. */
	if (ntohs(rp->ssid) != (o->payload >= STAMP_SSID_END ? o->ssid : 0)) {
		add_error(r, "seq %" PRIu32 ": SSID %u, sent %lu", sseq, ntohs(rp->ssid),
			  o->payload >= STAMP_SSID_END ? o->ssid : 0);
		ok = false;
	}
	if (rp->sender_ttl != o->ttl) {
		add_error(r, "seq %" PRIu32 ": Ses-Sender TTL %u, sent with %lu", sseq,
			  rp->sender_ttl, o->ttl);
		ok = false;
	}
	r->sender_ttl[rp->sender_ttl] = true;
	if (rp->mbz0 || rp->mbz1[0] || rp->mbz1[1] || rp->mbz1[2]) {
		add_error(r, "seq %" PRIu32 ": reflector MBZ octets not zero", sseq);
		ok = false;
	}
	ee = ntohs(rp->error_estimate);
	if ((ee & STAMP_EE_MULT_MASK) == 0) {
		add_error(r, "seq %" PRIu32 ": reflector Error Estimate 0x%04x has Multiplier 0",
			  sseq, ee);
		ok = false;
	}
	ptp = ee & STAMP_EE_Z;
	t2 = ts_get(&rp->rx_ts, ptp);
	t3 = ts_get(&rp->ts, ptp);
	/* Same clock on both ends: T1 <= T2 <= T3 <= T4, within the slack. */
	if (ntp_diff_ns(t2, sent[idx].t1) < -slack || ntp_diff_ns(t4, t2) < -slack) {
		add_error(r, "seq %" PRIu32 ": T2 %+" PRId64 " ns from T1, outside T1..T4", sseq,
			  ntp_diff_ns(t2, sent[idx].t1));
		ok = false;
	}
	if (ntp_diff_ns(t3, t2) < 0 || ntp_diff_ns(t4, t3) < -slack) {
		add_error(r, "seq %" PRIu32 ": T3 %+" PRId64 " ns from T2, outside T2..T4", sseq,
			  ntp_diff_ns(t3, t2));
		ok = false;
	}
	/* The Extra Padding TLV comes back with U cleared and its value intact. */
	if (len == want && o->payload > STAMP_BASE_LEN) {
		const struct stamp_tlv *tlv = (const void *)(buf + STAMP_BASE_LEN);

		if (tlv->type != STAMP_TLV_EXTRA_PADDING || tlv->flags != 0 ||
		    ntohs(tlv->length) != o->payload - STAMP_BASE_LEN - STAMP_TLV_HDR_LEN) {
			add_error(r,
				  "seq %" PRIu32
				  ": Extra Padding TLV came back as flags 0x%02x type %u length %u",
				  sseq, tlv->flags, tlv->type, ntohs(tlv->length));
			ok = false;
		}
		for (i = STAMP_BASE_LEN + STAMP_TLV_HDR_LEN; i < len; i++) {
			if (buf[i] != (uint8_t)(i * 7 + 3)) {
				add_error(r, "seq %" PRIu32 ": padding changed at octet %zu", sseq,
					  i);
				ok = false;
				break;
			}
		}
	}
	return ok;
}

static void receive_one(int fd, const struct opts *o, struct sent_pkt *sent, struct result *r,
			uint8_t *buf, size_t buflen)
{
	union {
		char b[CMSG_SPACE(sizeof(int)) * 2];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = {.iov_base = buf, .iov_len = buflen};
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = ctl.b,
		.msg_controllen = sizeof(ctl),
	};
	ssize_t n;
	uint64_t t4;
	int ttl;

	n = recvmsg(fd, &msg, MSG_DONTWAIT | MSG_TRUNC);
	t4 = ntp_now();
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		/* ICMP port unreachable (connected socket): expected when the
		 * packet was not reflected and nothing listens there. */
		if (errno == ECONNREFUSED) {
			r->refused++;
			return;
		}
		add_error(r, "recvmsg: %s", strerror(errno));
		return;
	}
	if ((size_t)n > buflen) {
		add_error(r, "reply of %zd octets, larger than any request", n);
		return;
	}
	r->received++;
	ttl = cmsg_ttl(&msg);
	if (ttl >= 0 && ttl < 256)
		r->reply_ttl[ttl] = true;
	if ((size_t)n >= STAMP_BASE_LEN && r->n_refl_seqs < r->max_refl_seqs)
		r->refl_seqs[r->n_refl_seqs++] = ntohl(((struct stamp_reflector *)buf)->seq);
	if (check_reply(buf, (size_t)n, t4, o, sent, r))
		r->valid++;
}

/* An ICMP error for an earlier packet (nothing listens where it went) is
 * reported by the next send() on a connected socket, which then sends
 * nothing: send once more. */
static void send_one(int fd, const uint8_t *pkt, size_t len, unsigned long seq, struct result *r)
{
	int tries;

	for (tries = 0; tries < 2; tries++) {
		if (send(fd, pkt, len, 0) >= 0)
			return;
		if (errno != ECONNREFUSED)
			break;
		r->refused++;
	}
	add_error(r, "send seq %lu: %s", seq, strerror(errno));
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void print_ttls(const char *name, const bool *seen)
{
	const char *sep = "";
	int i;

	printf(",\"%s\":[", name);
	for (i = 0; i < 256; i++) {
		if (seen[i]) {
			printf("%s%d", sep, i);
			sep = ",";
		}
	}
	printf("]");
}

static void print_json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void print_result(const struct result *r)
{
	unsigned long i;

	printf("{\"sent\":%lu,\"received\":%lu,\"valid\":%lu,\"refused\":%lu,"
	       "\"reflector_seqs\":[",
	       r->sent, r->received, r->valid, r->refused);
	for (i = 0; i < r->n_refl_seqs; i++)
		printf("%s%" PRIu32, i ? "," : "", r->refl_seqs[i]);
	printf("]");
	print_ttls("sender_ttl_seen", r->sender_ttl);
	print_ttls("reply_ttl_seen", r->reply_ttl);
	printf(",\"errors\":[");
	for (i = 0; i < r->n_errors && i < MAX_ERRORS; i++) {
		if (i)
			putchar(',');
		print_json_string(r->errors[i] ? r->errors[i] : "(out of memory)");
	}
	if (r->n_errors > MAX_ERRORS)
		printf(",\"... and %lu more errors\"", r->n_errors - MAX_ERRORS);
	printf("]}\n");
}

int main(int argc, char **argv)
{
	struct opts o;
	struct result r = {0};
	struct sent_pkt *sent;
	uint8_t *pkt, *rbuf;
	size_t pktlen, rbuflen;
	uint64_t next_send, deadline = 0;
	int fd, family;

	parse_args(argc, argv, &o);
	fd = open_socket(&o, &family);

	pktlen = o.payload < STAMP_BASE_LEN ? STAMP_BASE_LEN : o.payload;
	rbuflen = pktlen + 1; /* one more, so a longer reply is noticed */
	pkt = malloc(pktlen);
	rbuf = malloc(rbuflen);
	sent = calloc(o.count, sizeof(*sent));
	/* One slot per reply we accept; further (duplicate) replies are
	 * counted and checked, their reflector seq is not listed. */
	r.max_refl_seqs = o.count * 2;
	r.refl_seqs = calloc(r.max_refl_seqs, sizeof(*r.refl_seqs));
	if (!pkt || !rbuf || !sent || !r.refl_seqs)
		die_sys("malloc");
	build_packet(pkt, &o);

	next_send = mono_ms();
	for (;;) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		uint64_t now = mono_ms(), until;
		int rc;

		if (r.sent < o.count && now >= next_send) {
			struct stamp_sender *s = (void *)pkt;

			sent[r.sent].t1 = ntp_now();
			s->seq = htonl((uint32_t)(o.seq_start + r.sent));
			s->ts.sec = htonl((uint32_t)(sent[r.sent].t1 >> 32));
			s->ts.frac = htonl((uint32_t)sent[r.sent].t1);
			send_one(fd, pkt, o.payload, r.sent, &r);
			r.sent++;
			next_send = now + o.interval_ms;
			if (r.sent == o.count)
				deadline = mono_ms() + o.timeout_ms;
			continue;
		}
		if (r.sent == o.count) {
			if (now >= deadline)
				break;
			/* Every packet answered: linger briefly for duplicate
			 * replies, then stop instead of waiting out the timeout. */
			if (r.received >= r.sent && deadline > now + 100)
				deadline = now + 100;
			until = deadline;
		} else {
			until = next_send;
		}
		rc = poll(&pfd, 1, (int)(until > now ? until - now : 0));
		if (rc < 0 && errno != EINTR)
			die_sys("poll");
		if (rc > 0)
			receive_one(fd, &o, sent, &r, rbuf, rbuflen);
	}
	print_result(&r);
	return 0;
}
