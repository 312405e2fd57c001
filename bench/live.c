// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * live: one measurement of live reflection over a veth pair.  Run inside
 * the sender's network namespace (ip netns exec), with a reflector of any
 * kind behind the peer veth:
 *
 *  - live_sink.bpf.o is attached natively to the sender's veth through a
 *    BPF link (gone when this process exits, however it exits); it counts
 *    and drops the replies;
 *  - live_gen.bpf.o is run by BPF_PROG_TEST_RUN with
 *    BPF_F_TEST_XDP_LIVE_FRAMES: COUNT copies of one IPv4 STAMP request
 *    (each with its own Sequence Number) leave the sender's veth by XDP_TX,
 *    BATCH frames per batch, on the CPU this process is pinned to;
 *  - with --auth-hex KEY the request is the 112-octet authenticated one
 *    (RFC 8762 4.2.2), signed once here with HMAC-SHA-256 (OpenSSL) and
 *    sent by live_gen_auth.bpf.o unchanged, Sequence Number 0 in every
 *    frame (the HMAC covers it; a stateless reflector does not mind);
 *  - then it waits until no reply has arrived for SETTLE_MS (bounded by
 *    MAX_WAIT_MS) and prints one JSON object on stdout:
 *
 *   {"sent":N,"replies":N,"lost":N,"loss_percent":X,"elapsed_ns":N,"gen_ns":N,
 *    "reflected_pps":X,"offered_pps":X,"cpu":N,"batch":N,"frame_len":N,
 *    "warmup":{"sent":N,"replies":N}}
 *
 * elapsed runs from the start of the generator to its end or to the last
 * reply, whichever is later (a userspace reflector drains its socket queue
 * after the generator has finished); reflected_pps = replies / elapsed,
 * offered_pps = sent / gen_ns.  A short warm-up run first (not counted)
 * fills the page pools and wakes the reflector.
 *
 * Exit status: 0 when the run was carried out, 1 on a system error, 2 on
 * bad arguments.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <net/if.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "pktbuild.h"
#include "stamp_wire.h"

#define FRAME_L4_OFF	(sizeof(struct ethhdr) + sizeof(struct iphdr))
#define FRAME_STAMP_OFF (FRAME_L4_OFF + sizeof(struct udphdr))
#define FRAME_MAX_LEN	(FRAME_STAMP_OFF + STAMP_AUTH_BASE_LEN)
/* live_gen.bpf.c keeps the frame in whole 64-bit words. */
#define RODATA_LEN(len) (((len) + 7) / 8 * 8)
_Static_assert(RODATA_LEN(FRAME_MAX_LEN) <= PB_MAX_FRAME,
	       "the frame and its padding fit a pb_frame");
/* Authenticated mode (RFC 8762 4.2.2, 4.4): the HMAC's place and length,
 * the Sender's Timestamp and Error Estimate. */
#define AUTH_HMAC     96
#define AUTH_HMAC_LEN 16
#define AUTH_S_TS     16
#define AUTH_S_EE     24
#define MAX_AUTH_KEY  128
/* The kernel's limit for a live-frames batch (TEST_XDP_MAX_BATCH). */
#define MAX_BATCH 256
#define MAX_COUNT 1000000000UL
#define POLL_MS	  10
#define SENDER_EE 0x0001 /* S=0, Z=0, Scale 0, Multiplier 1 */
/* live_sink.bpf.c's per-CPU slots. */
#define SINK_COUNT   0
#define SINK_LAST_NS 1

struct opts {
	const char *dev, *gen_obj, *sink_obj;
	uint8_t src_mac[ETH_ALEN], dst_mac[ETH_ALEN];
	struct in_addr src, dst;
	unsigned long sport, dport, ttl, count, batch, cpu, warmup, settle_ms, max_wait_ms;
	bool have_src_mac, have_dst_mac, have_src, have_dst, have_cpu;
	uint8_t auth_key[MAX_AUTH_KEY]; /* --auth-hex */
	size_t auth_key_len;		/* 0: unauthenticated */
	size_t stamp_len, frame_len;	/* 44 or 112; the frame's */
};

struct sink {
	int map_fd;
	int ncpus;
	uint64_t *vals;
};

struct sample {
	uint64_t replies, last_ns;
};

#define TOOL_NAME "live"
#include "tool_cli.h"

static const char *prog = TOOL_NAME;

static void usage(FILE *f)
{
	fprintf(f,
		"usage: %s --dev IF --src-mac MAC --dst-mac MAC --src ADDR4 --dst ADDR4\n"
		"       --gen live_gen.bpf.o --sink live_sink.bpf.o --cpu N [--count N]\n"
		"       [--batch N] [--sport PORT] [--dport PORT] [--ttl N] [--warmup N]\n"
		"       [--settle-ms MS] [--max-wait-ms MS] [--auth-hex KEY]\n"
		"Run in the sender's network namespace; ADDR4 in 198.18.0.0/15.\n"
		"  --count N        frames generated (1..%lu, default 1000000)\n"
		"  --batch N        frames per live batch (1..%d, default 64)\n"
		"  --warmup N       frames of the uncounted warm-up run (default 1000)\n"
		"  --settle-ms MS   no reply for this long ends the run (default 200)\n"
		"  --max-wait-ms MS longest wait for replies after the generator (default 10000)\n"
		"  --auth-hex KEY   authenticated requests (RFC 8762 4.2.2) signed with KEY\n"
		"                   (hex); --gen must then be live_gen_auth.bpf.o\n",
		prog, MAX_COUNT, MAX_BATCH);
}

static void parse_mac(const char *name, const char *s, uint8_t *mac)
{
	unsigned int b[ETH_ALEN];
	char tail;
	int i;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
		   &tail) != ETH_ALEN)
		die_usage("%s: '%s' is not a MAC address", name, s);
	for (i = 0; i < ETH_ALEN; i++)
		mac[i] = (uint8_t)b[i];
}

/* Live frames bypass routing: only the benchmarking range may be used. */
static void parse_addr(const char *name, const char *s, struct in_addr *a)
{
	if (inet_pton(AF_INET, s, a) != 1)
		die_usage("%s: '%s' is not an IPv4 address", name, s);
	if ((ntohl(a->s_addr) & 0xfffe0000u) != 0xc6120000u)
		die_usage("%s: %s is outside 198.18.0.0/15", name, s);
}

static void parse_args(int argc, char **argv, struct opts *o)
{
	enum {
		O_DEV = 256,
		O_SMAC,
		O_DMAC,
		O_SRC,
		O_DST,
		O_GEN,
		O_SINK,
		O_CPU,
		O_COUNT,
		O_BATCH,
		O_SPORT,
		O_DPORT,
		O_TTL,
		O_WARMUP,
		O_SETTLE,
		O_MAXWAIT,
		O_AUTH
	};
	static const struct option longopts[] = {
		{"dev", required_argument, NULL, O_DEV},
		{"src-mac", required_argument, NULL, O_SMAC},
		{"dst-mac", required_argument, NULL, O_DMAC},
		{"src", required_argument, NULL, O_SRC},
		{"dst", required_argument, NULL, O_DST},
		{"gen", required_argument, NULL, O_GEN},
		{"sink", required_argument, NULL, O_SINK},
		{"cpu", required_argument, NULL, O_CPU},
		{"count", required_argument, NULL, O_COUNT},
		{"batch", required_argument, NULL, O_BATCH},
		{"sport", required_argument, NULL, O_SPORT},
		{"dport", required_argument, NULL, O_DPORT},
		{"ttl", required_argument, NULL, O_TTL},
		{"warmup", required_argument, NULL, O_WARMUP},
		{"settle-ms", required_argument, NULL, O_SETTLE},
		{"max-wait-ms", required_argument, NULL, O_MAXWAIT},
		{"auth-hex", required_argument, NULL, O_AUTH},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	*o = (struct opts){
		.sport = 40000,
		.dport = STAMP_DEFAULT_PORT,
		.ttl = 64,
		.count = 1000000,
		.batch = 64,
		.warmup = 1000,
		.settle_ms = 200,
		.max_wait_ms = 10000,
	};
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case O_DEV:
			o->dev = optarg;
			break;
		case O_SMAC:
			parse_mac("--src-mac", optarg, o->src_mac);
			o->have_src_mac = true;
			break;
		case O_DMAC:
			parse_mac("--dst-mac", optarg, o->dst_mac);
			o->have_dst_mac = true;
			break;
		case O_SRC:
			parse_addr("--src", optarg, &o->src);
			o->have_src = true;
			break;
		case O_DST:
			parse_addr("--dst", optarg, &o->dst);
			o->have_dst = true;
			break;
		case O_GEN:
			o->gen_obj = optarg;
			break;
		case O_SINK:
			o->sink_obj = optarg;
			break;
		case O_CPU:
			o->cpu = parse_num("--cpu", optarg, 0, CPU_SETSIZE - 1);
			o->have_cpu = true;
			break;
		case O_COUNT:
			o->count = parse_num("--count", optarg, 1, MAX_COUNT);
			break;
		case O_BATCH:
			o->batch = parse_num("--batch", optarg, 1, MAX_BATCH);
			break;
		case O_SPORT:
			o->sport = parse_num("--sport", optarg, 1, 65535);
			break;
		case O_DPORT:
			o->dport = parse_num("--dport", optarg, 1, 65535);
			break;
		case O_TTL:
			o->ttl = parse_num("--ttl", optarg, 1, 255);
			break;
		case O_WARMUP:
			o->warmup = parse_num("--warmup", optarg, 0, MAX_COUNT);
			break;
		case O_SETTLE:
			o->settle_ms = parse_num("--settle-ms", optarg, 1, 60000);
			break;
		case O_MAXWAIT:
			o->max_wait_ms = parse_num("--max-wait-ms", optarg, 1, 600000);
			break;
		case O_AUTH:
			o->auth_key_len = parse_hex_key("--auth-hex", optarg, o->auth_key,
							sizeof(o->auth_key));
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			die_bad_option(c, argv);
		}
	}
	if (optind != argc)
		die_usage("unexpected argument '%s'", argv[optind]);
	if (!o->dev || !o->gen_obj || !o->sink_obj || !o->have_src_mac || !o->have_dst_mac ||
	    !o->have_src || !o->have_dst || !o->have_cpu)
		die_usage("--dev, --src-mac, --dst-mac, --src, --dst, --gen, --sink and --cpu are "
			  "required");
	o->stamp_len = o->auth_key_len ? STAMP_AUTH_BASE_LEN : STAMP_BASE_LEN;
	o->frame_len = FRAME_STAMP_OFF + o->stamp_len;
	if (o->sport == o->dport)
		die_usage(
			"--sport: must differ from --dport (a reflector's loop guard refuses it)");
}

/* ---- the frame ---------------------------------------------------------------- */

/* The request with Sequence Number 0 and valid checksums; live_gen.bpf.c
 * writes each frame's number and adjusts the UDP checksum. */
static void build_frame(const struct opts *o, struct pb_frame *f)
{
	static const uint8_t t1[8] = {0xe0}; /* fixed: the benchmark measures rates, not delays */
	uint8_t stamp[STAMP_AUTH_BASE_LEN] = {0};
	struct pb_spec spec = {
		.ipv = 4,
		.ttl = (uint8_t)o->ttl,
		.frag = 0x4000, /* DF */
		.sport = (uint16_t)o->sport,
		.dport = (uint16_t)o->dport,
		.payload = stamp,
		.plen = o->stamp_len,
	};

	memcpy(spec.dmac, o->dst_mac, ETH_ALEN);
	memcpy(spec.smac, o->src_mac, ETH_ALEN);
	memcpy(spec.src, &o->src, sizeof(o->src));
	memcpy(spec.dst, &o->dst, sizeof(o->dst));
	if (o->auth_key_len) {
		unsigned char md[EVP_MAX_MD_SIZE];
		unsigned int mdlen = 0;

		/* 4.2.2: Timestamp at 16, Error Estimate at 24, SSID 0; the
		 * HMAC over octets 0..95, its first 16 octets. */
		memcpy(stamp + AUTH_S_TS, t1, sizeof(t1));
		ck_put16(stamp + AUTH_S_EE, SENDER_EE);
		if (!HMAC(EVP_sha256(), o->auth_key, (int)o->auth_key_len, stamp, AUTH_HMAC, md,
			  &mdlen) ||
		    mdlen < AUTH_HMAC_LEN)
			die("HMAC-SHA-256 (OpenSSL) failed");
		memcpy(stamp + AUTH_HMAC, md, AUTH_HMAC_LEN);
	} else {
		pb_stamp_sender(stamp, 0, t1, SENDER_EE, 0, 0);
	}
	if (pb_build(f, &spec) != o->frame_len)
		die("the request frame is not %zu octets", o->frame_len);
}

/* ---- BPF objects ----------------------------------------------------------------- */

static struct bpf_object *open_obj(const char *path)
{
	struct bpf_object *obj = bpf_object__open_file(path, NULL);

	if (!obj)
		die("cannot open %s: %s", path, strerror(errno));
	return obj;
}

static int first_prog_fd(struct bpf_object *obj, const char *path)
{
	struct bpf_program *p = bpf_object__next_program(obj, NULL);

	if (!p)
		die("%s has no program", path);
	return bpf_program__fd(p);
}

/* The object's .rodata (libbpf names it "<object>.rodata"), or NULL. */
static struct bpf_map *find_rodata(struct bpf_object *obj)
{
	struct bpf_map *m, *rodata = NULL;

	bpf_object__for_each_map(m, obj)
	{
		const char *n = bpf_map__name(m);
		size_t l = strlen(n);

		if (bpf_map__is_internal(m) && l >= 7 && !strcmp(n + l - 7, ".rodata"))
			rodata = m;
	}
	return rodata;
}

/* live_gen.bpf.o with the frame as its .rodata, loaded. */
static int load_gen(const char *path, const uint8_t *frame, size_t frame_len,
		    struct bpf_object **out)
{
	size_t rodata_len = RODATA_LEN(frame_len);
	struct bpf_object *obj = open_obj(path);
	struct bpf_map *rodata = find_rodata(obj);

	if (!rodata || bpf_map__value_size(rodata) != rodata_len)
		die("%s: no .rodata of %zu octets (the frame): not %s?", path, rodata_len,
		    frame_len > FRAME_STAMP_OFF + STAMP_BASE_LEN ? "live_gen_auth.bpf.o"
								 : "live_gen.bpf.o");
	if (bpf_map__set_initial_value(rodata, frame, rodata_len))
		die("%s: cannot set the frame: %s", path, strerror(errno));
	if (bpf_object__load(obj))
		die("cannot load %s: %s", path, strerror(errno));
	*out = obj;
	return first_prog_fd(obj, path);
}

/* live_sink.bpf.o attached natively through a link to IFINDEX. */
static void attach_sink(const char *path, int ifindex, uint16_t port, struct sink *s,
			struct bpf_object **out)
{
	LIBBPF_OPTS(bpf_link_create_opts, lopts, .flags = XDP_FLAGS_DRV_MODE);
	struct bpf_object *obj = open_obj(path);
	struct bpf_map *rodata = find_rodata(obj);
	int prog_fd, link_fd;

	/* The replies come from the port the requests went to. */
	if (!rodata || bpf_map__value_size(rodata) != sizeof(port) ||
	    bpf_map__set_initial_value(rodata, &port, sizeof(port)))
		die("%s: no .rodata of %zu octets (sink_port): not live_sink.bpf.o?", path,
		    sizeof(port));
	if (bpf_object__load(obj))
		die("cannot load %s: %s", path, strerror(errno));
	prog_fd = first_prog_fd(obj, path);
	s->map_fd = bpf_object__find_map_fd_by_name(obj, "replies");
	if (s->map_fd < 0)
		die("%s has no map 'replies': not live_sink.bpf.o?", path);
	/* The link lives as long as this process: no sink outlives a run. */
	link_fd = bpf_link_create(prog_fd, ifindex, BPF_XDP, &lopts);
	if (link_fd < 0)
		die("cannot attach the sink natively (is another XDP program attached?): %s",
		    strerror(errno));
	s->ncpus = libbpf_num_possible_cpus();
	if (s->ncpus <= 0)
		die("cannot count the CPUs: %s", strerror(-s->ncpus));
	s->vals = calloc((size_t)s->ncpus, sizeof(*s->vals));
	if (!s->vals)
		die("out of memory");
	*out = obj;
}

static struct sample sink_read(const struct sink *s)
{
	struct sample r = {0};
	uint32_t key;
	int i;

	key = SINK_COUNT;
	if (bpf_map_lookup_elem(s->map_fd, &key, s->vals))
		die("cannot read the sink's counters: %s", strerror(errno));
	for (i = 0; i < s->ncpus; i++)
		r.replies += s->vals[i];
	key = SINK_LAST_NS;
	if (bpf_map_lookup_elem(s->map_fd, &key, s->vals))
		die("cannot read the sink's counters: %s", strerror(errno));
	for (i = 0; i < s->ncpus; i++)
		if (s->vals[i] > r.last_ns)
			r.last_ns = s->vals[i];
	return r;
}

/* ---- running ---------------------------------------------------------------------- */

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts); /* the clock of bpf_ktime_get_ns() */
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void generate(int prog_fd, int ifindex, const uint8_t *frame, size_t frame_len,
		     unsigned long count, unsigned long batch)
{
	struct xdp_md ctx = {
		.data_end = (uint32_t)frame_len,
		.ingress_ifindex = (uint32_t)ifindex,
	};
	LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = frame, .data_size_in = (uint32_t)frame_len,
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = (uint32_t)count,
		    .flags = BPF_F_TEST_XDP_LIVE_FRAMES, .batch_size = (uint32_t)batch);

	if (bpf_prog_test_run_opts(prog_fd, &t))
		die("BPF_PROG_TEST_RUN (live frames) failed: %s", strerror(errno));
}

/* Waits until no reply came for SETTLE_MS, at most MAX_WAIT_MS. */
static struct sample settle(const struct sink *s, const struct opts *o)
{
	uint64_t start = mono_ns(), quiet_since = start, now;
	struct sample cur = sink_read(s), next;
	struct timespec pause = {.tv_nsec = POLL_MS * 1000000L};

	for (;;) {
		nanosleep(&pause, NULL);
		next = sink_read(s);
		now = mono_ns();
		if (next.replies != cur.replies)
			quiet_since = now;
		cur = next;
		if (now - quiet_since >= o->settle_ms * 1000000ULL ||
		    now - start >= o->max_wait_ms * 1000000ULL)
			return cur;
	}
}

int main(int argc, char **argv)
{
	struct bpf_object *gen_obj, *sink_obj;
	struct sample w0, before, after;
	struct pb_frame frame; /* zero past its end, up to RODATA_LEN */
	uint64_t t0, t1, end, elapsed;
	struct sink sink;
	struct opts o;
	cpu_set_t set;
	int ifindex, gen_fd;

	parse_args(argc, argv, &o);
	ifindex = (int)if_nametoindex(o.dev);
	if (!ifindex)
		die("no interface %s in this network namespace", o.dev);
	/* The live run executes on the calling CPU, and so does the
	 * reflector's softirq work it triggers on veth: pin it. */
	CPU_ZERO(&set);
	CPU_SET(o.cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("cannot pin to CPU %lu: %s", o.cpu, strerror(errno));
	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	build_frame(&o, &frame);
	attach_sink(o.sink_obj, ifindex, (uint16_t)o.dport, &sink, &sink_obj);
	gen_fd = load_gen(o.gen_obj, frame.b, o.frame_len, &gen_obj);

	w0 = sink_read(&sink);
	if (o.warmup)
		generate(gen_fd, ifindex, frame.b, o.frame_len, o.warmup, o.batch);
	before = settle(&sink, &o);

	t0 = mono_ns();
	generate(gen_fd, ifindex, frame.b, o.frame_len, o.count, o.batch);
	t1 = mono_ns();
	after = settle(&sink, &o);

	after.replies -= before.replies;
	end = after.replies && after.last_ns > t1 ? after.last_ns : t1;
	elapsed = end - t0;
	printf("{\"sent\":%lu,\"replies\":%" PRIu64 ",\"lost\":%" PRId64 ",\"loss_percent\":%.3f,"
	       "\"elapsed_ns\":%" PRIu64 ",\"gen_ns\":%" PRIu64 ",\"reflected_pps\":%.0f,"
	       "\"offered_pps\":%.0f,\"cpu\":%lu,\"batch\":%lu,\"frame_len\":%zu,"
	       "\"warmup\":{\"sent\":%lu,\"replies\":%" PRIu64 "}}\n",
	       o.count, after.replies, (int64_t)o.count - (int64_t)after.replies,
	       100.0 * ((double)o.count - (double)after.replies) / (double)o.count, elapsed,
	       t1 - t0, (double)after.replies * 1e9 / (double)elapsed,
	       (double)o.count * 1e9 / (double)(t1 - t0), o.cpu, o.batch, o.frame_len, o.warmup,
	       before.replies - w0.replies);
	bpf_object__close(gen_obj);
	bpf_object__close(sink_obj);
	return 0;
}
