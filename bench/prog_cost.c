// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Per-packet cost of the reflector with BPF_PROG_TEST_RUN, side by side
 * with its baselines: floor (bench/floor.bpf.c, the same parser and only
 * the swaps) and pass-empty (testing/xdp_pass.bpf.c, the XDP_PASS program
 * the tests attach too, found in BENCH_DIR/../testing).
 *
 * Every case runs the same frame R times in one syscall (repeat R).  The
 * kernel reuses one buffer across repeats, so the frames are built to be
 * reflected again by every repeat: both addresses are local, both ports
 * are the STAMP port, and the reflector runs with its loop guard off.  Each
 * run is checked: the returned action, the counters (reflected == R) and
 * the frame that comes back.  A failed check is an error, not a number.
 *
 * Cases run round-robin (each round in a rotated order), several rounds,
 * pinned to one CPU, so drift on a shared machine hits all alike.  Time is
 * this thread's CPU time over the syscall divided by the repeat count: like
 * the kernel's own figure (also reported) it leaves out other tasks that
 * ran while the test loop yielded, but it keeps the fraction of a
 * nanosecond the kernel rounds away.  Per case: median, min and max over
 * the rounds, and the ratio to floor (reflection cases) or pass-empty
 * (passthrough-v4): taken within each round, median over the rounds, with
 * the lowest and highest beside it.
 *
 * A TWAMP-Light request grows into a 44-octet reply, which is no longer
 * the request: it is run behind bench/frame_reset.bpf.c, which restores the
 * request before every repeat and tail-calls the reflector; the same
 * wrapper tail-calling pass-empty is measured in the same round and
 * subtracted, pass-empty added back.  As a cross-check it is also run with
 * repeat 1 per syscall (kernel-reported duration), against floor measured
 * the same way (floor-r1).
 *
 * Usage: prog_cost [--bench-dir DIR] [--repeat N] [--runs N] [--r1-calls N]
 *                  [--cpu N] [--case NAME]... [--list] [--json FILE]
 *                  [--table | --no-table] [--verbose]
 * The objects come from --bench-dir, else $BUILD/bench, else the directory
 * of this program.  Exit status 0 when every case ran and passed its checks.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/timex.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include "stampede_kern_user.h"
#include "stampede_auth.h"
#include "sha256.h"
#include "stampede.skel.h"
#include "reflector_obj.h"
#include "kernel_features.h"
#include "attach.h"
#include "source_policy.h"
#include "check.h"
#include "pktbuild.h"
#include "cost_stats.h"

#define NCNT	       STAMPEDE_CNT_MAX
#define STAMP_PORT     862
#define AUTH_PORT      863		   /* the auth-port of the authenticated cases */
#define AUTH_LEN       112		   /* RFC 8762 4.2.2: the authenticated base */
#define AUTH_TLV_LEN   (AUTH_LEN + 8 + 20) /* and Timestamp Information, HMAC TLV */
#define USER_DIV       10 /* the authenticated and userspace cases: repeat / USER_DIV a round */
#define OTHER_PORT     53 /* passthrough-v4: DNS, someone else's traffic */
#define CLIENT_PORT    40000
#define OUT_SIZE       (PB_MAX_FRAME + 512)
#define REPEAT_DEFAULT 1000000
#define REPEAT_MIN     100000 /* below this the syscall's fixed cost shows */
#define REPEAT_MAX     100000000
#define RUNS_DEFAULT   9
#define RUNS_MIN       3
#define R1_DEFAULT     20000 /* syscalls per round for the repeat-1 cases */
#define R1_MIN	       1000
#define R1_MAX	       1000000
#define TLV_PAYLOAD    128    /* tlv-padding-v4: base plus one Extra Padding TLV */
#define TLV_MANY       256    /* tlv-padding-x256-v4: that many empty Extra Padding TLVs */
#define TWL_LEN	       14     /* TWAMP-Light request: the shortest there is */
#define RESET_MAX      128    /* bench/frame_reset.bpf.c: FRAME_RESET_MAX */
#define EE_SYNCED_1MS  0x8a03 /* S=1, about a millisecond: what a synced host says */
#define MAX_SERIES     40

_Static_assert(sizeof(struct stampede_stats) == NCNT * sizeof(__u64),
	       "struct stampede_stats is one __u64 per counter");
_Static_assert(MAX_RUNS >= RUNS_DEFAULT, "cost_stats.h holds the default rounds");

static const char *const cnt_name[NCNT] = {
#define X(name, class, desc) #name,
	STAMPEDE_COUNTERS(X)
#undef X
};

static void __attribute__((format(printf, 1, 2))) say_error(const char *fmt, ...)
{
	va_list ap;

	fputs("prog_cost: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* libbpf's own messages (the verifier log) only with --verbose: one error line otherwise. */
static bool verbose;

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (!verbose || level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/* Reports one error line and returns -1, so callers only pass failure up. */
#define fail(...) (say_error(__VA_ARGS__), -1)

/* ---- Programs ----------------------------------------------------------- */

/* A loaded program and its size as the kernel sees it. */
struct prog {
	const char *label;
	int fd;
	__u32 insns;	      /* xlated instructions */
	__u32 verified_insns; /* instructions the verifier walked */
	__u32 jited_bytes;
};

static int prog_describe(struct prog *p, const char *label, int fd)
{
	struct bpf_prog_info info = {0};
	__u32 len = sizeof(info);

	p->label = label;
	p->fd = fd;
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return fail("%s: cannot read the program info: %s", label, strerror(errno));
	p->insns = info.xlated_prog_len / 8;
	p->verified_insns = info.verified_insns;
	p->jited_bytes = info.jited_prog_len;
	return 0;
}

/* The reflector in one configuration, as the controller would load it. */
struct reflector {
	struct stampede_bpf *skel;
	struct prog prog;
	int stats_fd;
	bool auth; /* with auth-port 863 and its key */
};

static void addr_mapped(union stampede_addr *a, const uint8_t *v4)
{
	memset(a, 0, sizeof(*a));
	a->b[10] = 0xff;
	a->b[11] = 0xff;
	memcpy(a->b + 12, v4, 4);
}

/* Both ends of every test frame: each repeat answers the previous reply. */
static const uint8_t mac_a[6] = {0x02, 0x00, 0x5e, 0x10, 0x00, 0x01};
static const uint8_t mac_b[6] = {0x02, 0x00, 0x5e, 0x10, 0x00, 0x02};

static void addr_end(int ipv, int end, uint8_t *a)
{
	if (ipv == 4)
		pb_v4(a, 198, 18, 0, (uint8_t)(end + 1));
	else
		pb_v6(a, 0, (uint16_t)(end + 1)); /* 2001:db8::1, 2001:db8::2 */
}

/* Both ends' addresses into local_addrs and local_set, as the controller would. */
static int fill_local_addrs(int fd, int set_fd)
{
	__u8 local = STAMPEDE_ADDR_LOCAL;
	struct stampede_local_set set = {0};
	union stampede_addr a;
	uint8_t v4[16];
	__u32 zero = 0;
	int end;

	for (end = 0; end < 2; end++) {
		addr_end(4, end, v4);
		addr_mapped(&a, v4);
		if (bpf_map_update_elem(fd, &a, &local, BPF_ANY))
			return -1;
		memcpy(&set.v4[set.n_v4++], v4, 4);
		addr_end(6, end, a.b);
		if (bpf_map_update_elem(fd, &a, &local, BPF_ANY))
			return -1;
		set.v6[set.n_v6++] = a;
	}
	return bpf_map_update_elem(set_fd, &zero, &set, BPF_ANY);
}

/* CLOCK_TAI - CLOCK_BOOTTIME: only read on kernels without the TAI helper. */
static int64_t boot_to_tai_ns(void)
{
	struct timespec b, t;

	clock_gettime(CLOCK_BOOTTIME, &b);
	clock_gettime(CLOCK_TAI, &t);
	return ((int64_t)t.tv_sec - b.tv_sec) * (int64_t)CK_NSEC + (t.tv_nsec - b.tv_nsec);
}

/* The clock map as the controller fills it; the values do not change the cost. */
static int fill_clock(int fd)
{
	struct stampede_clock clk = {0};
	struct timex tx = {0};
	__u32 key = 0;

	if (adjtimex(&tx) >= 0 && tx.tai > 0)
		clk.tai_offset_ns = (__u64)tx.tai * CK_NSEC;
	clk.boot_to_tai_ns = boot_to_tai_ns();
	clk.error_estimate = EE_SYNCED_1MS;
	return bpf_map_update_elem(fd, &key, &clk, BPF_ANY);
}

/*
 * The rate limits of the rate-limit cases: the largest rate and burst
 * attach takes, so that no repeat is over them (every repeat is checked
 * as reflected) while each pays for the bucket all the same.
 */
#define BENCH_RATE_PPS	 STAMPEDE_RATE_MAX_PPS
#define BENCH_RATE_BURST STAMPEDE_RATE_MAX_BURST

/* The allow-list of the allow case: both ends' /24 and /64, and others before them. */
static int fill_allow(int fd)
{
	static const char *const prefixes[] = {"192.0.2.0/24", "203.0.113.0/24", "198.18.0.0/24",
					       "2001:db8:1::/48", "2001:db8::/64"};
	struct stampede_prefix p[5];
	unsigned int i;

	for (i = 0; i < 5; i++)
		if (attach_parse_prefix(prefixes[i], "allow", &p[i]))
			return -1;
	return policy_allow_write(fd, p, 5, "bench");
}

/* The authenticated cases' key: both the XDP program's and OpenSSL's. */
static const uint8_t bench_key[] = "stampede bench key, 32 octets..";

/* auth_keys as the controller writes it for `auth-port 863 auth-key FILE`. */
static int fill_auth_keys(int fd)
{
	struct stampede_auth_key_id id = {.port = htons(AUTH_PORT), .kind = STAMPEDE_AUTH_ANY_SSID};
	struct stampede_auth_key val = {0};
	struct hmac_sha256_states st;

	hmac_sha256_states(bench_key, sizeof(bench_key) - 1, &st);
	memcpy(val.ipad, st.ipad, sizeof(val.ipad));
	memcpy(val.opad, st.opad, sizeof(val.opad));
	if (bpf_map_update_elem(fd, &id, &val, BPF_ANY))
		return -1;
	id.kind = STAMPEDE_AUTH_PORT;
	memset(&val, 0, sizeof(val));
	return bpf_map_update_elem(fd, &id, &val, BPF_ANY);
}

/*
 * Port 862, TTL 255, loop guard off (see the top of the file), plus @flags;
 * the XDP program, or with @tc the tc one (mode tc).
 */
static int reflector_load_as(struct reflector *r, const char *label, __u32 flags, bool tc)
{
	struct stampede_config *cfg;
	int err;

	r->skel = reflector_obj_open(tc);
	if (!r->skel)
		return fail("%s: opening the reflector failed: %s", label, strerror(errno));
	cfg = (struct stampede_config *)&r->skel->rodata->cfg;
	memset(cfg, 0, sizeof(*cfg));
	cfg->ports[0] = htons(STAMP_PORT);
	cfg->n_ports = 1;
	cfg->reply_ttl = STAMPEDE_DEFAULT_REPLY_TTL;
	cfg->flags = flags | STAMPEDE_F_NO_LOOP_GUARD;
	if (r->auth) {
		cfg->auth_ports[0] = htons(AUTH_PORT);
		cfg->n_auth_ports = 1;
	}
	if (flags & STAMPEDE_F_RATE_SRC)
		policy_rate_config(&cfg->rate_src, BENCH_RATE_PPS, BENCH_RATE_BURST);
	if (flags & STAMPEDE_F_RATE_ALL)
		policy_rate_config(&cfg->rate_all, BENCH_RATE_PPS, BENCH_RATE_BURST);
	reflector_prepare(r->skel, kernel_features(), cfg);
	/* The session table as attach sizes it by default: the mask fits the map. */
	cfg->session_set_mask = bpf_map__max_entries(r->skel->maps.sessions) - 1;
	cfg->session_seed = 0x0123456789abcdefULL;
	err = stampede_bpf__load(r->skel);
	if (err)
		return fail("%s: loading the reflector failed: %s%s", label, strerror(-err),
			    geteuid() ? " (run as root)" : "; --verbose shows the verifier log");
	r->stats_fd = bpf_map__fd(r->skel->maps.stats);
	if (fill_local_addrs(bpf_map__fd(r->skel->maps.local_addrs),
			     bpf_map__fd(r->skel->maps.local_set)) ||
	    fill_clock(bpf_map__fd(r->skel->maps.clock)) ||
	    ((flags & STAMPEDE_F_ALLOW) && fill_allow(bpf_map__fd(r->skel->maps.allow_src))) ||
	    (r->auth && fill_auth_keys(bpf_map__fd(r->skel->maps.auth_keys))))
		return fail("%s: filling the maps failed: %s", label, strerror(errno));
	return prog_describe(&r->prog, label, bpf_program__fd(reflector_program(r->skel)));
}

static int reflector_load(struct reflector *r, const char *label, __u32 flags)
{
	return reflector_load_as(r, label, flags, false);
}

/* One of bench/NAME.bpf.o, loaded as it is; its only program. */
static int object_load(struct bpf_object **obj, struct prog *p, const char *dir, const char *name,
		       const char *label)
{
	struct bpf_program *prog;
	char path[PATH_MAX];
	int err;

	if (snprintf(path, sizeof(path), "%s/%s.bpf.o", dir, name) >= (int)sizeof(path))
		return fail("bench directory path too long: %s", dir);
	*obj = bpf_object__open_file(path, NULL);
	if (!*obj)
		return fail("cannot open %s: %s", path, strerror(errno));
	err = bpf_object__load(*obj);
	if (err)
		return fail("loading %s failed: %s%s", path, strerror(-err),
			    geteuid() ? " (run as root)" : "; --verbose shows the verifier log");
	prog = bpf_object__next_program(*obj, NULL);
	if (!prog)
		return fail("%s holds no program", path);
	return prog_describe(p, label, bpf_program__fd(prog));
}

/* ---- Frames ------------------------------------------------------------- */

/*
 * Sender B to reflector A.  TTL 255 is what every reply carries, so each
 * repeat finds what the first one found.
 */
static void frame_build(struct pb_frame *f, int ipv, uint16_t sport, uint16_t dport,
			const uint8_t *payload, size_t plen)
{
	struct pb_spec s;

	memset(&s, 0, sizeof(s));
	memcpy(s.dmac, mac_a, 6);
	memcpy(s.smac, mac_b, 6);
	s.ipv = ipv;
	addr_end(ipv, 1, s.src);
	addr_end(ipv, 0, s.dst);
	s.ttl = STAMPEDE_DEFAULT_REPLY_TTL;
	s.ip_id = 0x1234;
	s.frag = ipv == 4 ? 0x4000 : 0; /* DF */
	s.sport = sport;
	s.dport = dport;
	s.csum = PB_CSUM_VALID;
	s.payload = payload;
	s.plen = plen;
	if (!pb_build(f, &s)) {
		say_error("a benchmark frame does not fit in %d octets", PB_MAX_FRAME);
		exit(1);
	}
}

/* What the floor program does, done here: the expected frame after it. */
static void swap_like_floor(uint8_t *b, const struct pb_frame *f)
{
	uint8_t tmp[16];
	size_t a = f->l3 + (f->ipv == 4 ? 12 : 8), n = f->ipv == 4 ? 4 : 16;

	memcpy(tmp, b, 6);
	memcpy(b, b + 6, 6);
	memcpy(b + 6, tmp, 6);
	memcpy(tmp, b + a, n);
	memcpy(b + a, b + a + n, n);
	memcpy(b + a + n, tmp, n);
	memcpy(tmp, b + f->l4, 2);
	memcpy(b + f->l4, b + f->l4 + 2, 2);
	memcpy(b + f->l4 + 2, tmp, 2);
}

/* ---- Cases -------------------------------------------------------------- */

enum method {
	M_REPEAT,  /* one syscall, repeat R, every repeat a full run */
	M_REPEAT1, /* many syscalls of repeat 1, kernel-reported duration each */
	M_DERIVED, /* computed from other series of the same rounds */
	M_USER,	   /* userspace HMAC-SHA-256 (OpenSSL) over what a packet's MACs cover */
};

enum out_check {
	OUT_SAME,  /* passed: byte for byte what went in */
	OUT_FLOOR, /* floor: swapped once per run */
	OUT_REPLY, /* a STAMP reply with valid checksums */
};

/* One thing measured every round, a row of the report or a component of one. */
struct series {
	const char *name;
	enum method method;
	const struct prog *prog;     /* the program run */
	const struct prog *measured; /* the program whose cost the row is */
	const struct prog *tail;     /* behind frame_reset: the program in its slot */
	struct reflector *refl;	     /* its counters are checked; NULL: none */
	struct pb_frame frame;
	__u32 action;	      /* the XDP action every run must return */
	int outcome;	      /* counter that must count every run, or -1 */
	int event;	      /* event counter that must count every run, or -1 */
	int allowed;	      /* counter that may move, or -1 */
	enum out_check out;   /* what the frame that comes back must be */
	bool restored;	      /* every run starts from the request (frame_reset, repeat 1) */
	size_t reply_plen;    /* OUT_REPLY: UDP payload octets of the reply */
	bool report;	      /* a row of the output (else a component) */
	bool selected;	      /* measured in this invocation (--case) */
	const char *ratio_to; /* name of the reference row; NULL for baselines */
	const char *method_text;
	struct series *parts[3];    /* M_DERIVED: a - b + c per round */
	unsigned int div;	    /* runs repeat / div packets a round (0: repeat): dear cases */
	const uint8_t *mac_text[4]; /* M_USER: the MACs of one packet, each over its text */
	size_t mac_len[4];
	int n_macs;
	double ns[MAX_RUNS]; /* per round: ns per packet */
	double kernel_ns[MAX_RUNS];
};

struct bench {
	const char *bench_dir;
	unsigned int repeat, runs, r1_calls;
	int cpu;
	const char *json_path;
	bool table;
	int ncpu;
	struct reflector stateless, stateful, t3read, counted, rated, rated_all, allowed, authed,
		tc;
	EVP_MAC_CTX *hmac; /* M_USER: keyed once, as the XDP program's precomputed pads are */
	struct bpf_object *floor_obj, *floor_clock_obj, *floor_stamp_obj, *pass_obj, *reset_obj;
	struct prog floor, floor_clock, floor_stamp, pass, reset;
	int reset_frame_fd, next_prog_fd;
	const struct prog *tail_now; /* what frame_reset calls now */
	struct stampede_stats *percpu;
	uint32_t *r1_durations;
	uint8_t out[OUT_SIZE], expect[OUT_SIZE];
	struct series s[MAX_SERIES];
	int n;
	const char *only[MAX_SERIES]; /* --case names; none: every case */
	int n_only;
};

static struct series *series_add(struct bench *b, const char *name, enum method m,
				 const struct prog *prog)
{
	struct series *s;

	if (b->n == MAX_SERIES) {
		fprintf(stderr, "prog_cost: more than %d cases: raise MAX_SERIES\n", MAX_SERIES);
		exit(1);
	}
	s = &b->s[b->n++];
	memset(s, 0, sizeof(*s));
	s->name = name;
	s->method = m;
	s->prog = prog;
	s->measured = prog;
	s->outcome = -1;
	s->event = -1;
	s->allowed = -1;
	s->report = true;
	s->selected = true;
	s->method_text = m == M_REPEAT ? "repeat" : "repeat-1";
	return s;
}

static struct series *series_find(struct bench *b, const char *name)
{
	int i;

	for (i = 0; i < b->n; i++)
		if (!strcmp(b->s[i].name, name))
			return &b->s[i];
	return NULL;
}

/* A request the reflector answers (reflected == runs, XDP_TX, a valid reply). */
/*
 * Frames that every repeat reflects again come from the STAMP port; frames
 * restored before every run (frame_reset, repeat 1) from a client port.
 */
static uint16_t sender_port(enum method m, bool restored)
{
	return m == M_REPEAT1 || restored ? CLIENT_PORT : STAMP_PORT;
}

static struct series *case_reflect(struct bench *b, const char *name, enum method m, bool restored,
				   struct reflector *r, int ipv, const uint8_t *payload,
				   size_t plen)
{
	struct series *s = series_add(b, name, m, &r->prog);

	frame_build(&s->frame, ipv, sender_port(m, restored), STAMP_PORT, payload, plen);
	s->restored = restored || m == M_REPEAT1;
	s->refl = r;
	s->action = XDP_TX;
	s->outcome = STAMPEDE_CNT_reflected;
	s->out = OUT_REPLY;
	s->reply_plen = plen < CK_BASE_LEN ? CK_BASE_LEN : plen;
	s->ratio_to = "floor";
	s->method_text = m == M_REPEAT ? "repeat, loop guard off" : "repeat-1, loop guard off";
	return s;
}

static struct series *case_floor(struct bench *b, const char *name, enum method m, int ipv,
				 const uint8_t *payload, size_t plen)
{
	struct series *s = series_add(b, name, m, &b->floor);

	frame_build(&s->frame, ipv, sender_port(m, false), STAMP_PORT, payload, plen);
	s->restored = m == M_REPEAT1;
	s->action = XDP_TX;
	s->out = OUT_FLOOR;
	return s;
}

/* One case per TLV family: the 44-octet base and one TLV of that family. */
struct tlv_case {
	const char *name;
	bool stateful; /* Direct Measurement and Follow-Up answer from the session */
	bool refused;  /* answered with U on every repeat */
	uint8_t type;
	uint16_t len;
	uint8_t value[56];
};

/*
 * Values the reflector answers alike on every repeat: requests as a
 * sender makes them (Location asks for all three sub-TLVs, Return Path for
 * a reply on the same link).  Destination Node Address names an address
 * that is not ours: one of ours would move the reply's source, and the
 * next repeat would answer itself.  Its cost is the same address lookup.
 */
static const struct tlv_case tlv_cases[] = {
	{"tlv-location-v4",
	 false,
	 false,
	 2,
	 56,
	 {[4] = 0x80, 1, 0, 8, [16] = 0x80, 4, 0, 16, [36] = 0x80, 7, 0, 16}},
	{"tlv-timestamp-info-v4", false, false, 3, 4, {0}},
	{"tlv-cos-v4", false, false, 4, 4, {0x88, 0, 0x80, 0}},
	{"tlv-access-report-v4", false, false, 6, 4, {0x10, 1, 0, 0}},
	{"tlv-dest-node-v4", false, true, 9, 4, {198, 18, 0, 9}},
	{"tlv-return-path-v4", false, false, 10, 8, {0x80, 1, 0, 4, 0, 0, 0, 1}},
	{"tlv-direct-stateful-v4", true, false, 5, 12, {0, 0, 0, 1}},
	{"tlv-follow-up-stateful-v4", true, false, 7, 16, {0}},
};

#define TLV_CASE_PAYLOAD_MAX (CK_BASE_LEN + 4 + 56)

static void tlv_cases_define(struct bench *b, const uint8_t *base)
{
	static uint8_t payload[sizeof(tlv_cases) / sizeof(tlv_cases[0])][TLV_CASE_PAYLOAD_MAX];
	const struct tlv_case *c;
	struct series *s;
	size_t i;

	for (i = 0; i < sizeof(tlv_cases) / sizeof(tlv_cases[0]); i++) {
		c = &tlv_cases[i];
		memcpy(payload[i], base, CK_BASE_LEN);
		payload[i][CK_BASE_LEN] = 0x80; /* U, as a sender sends it */
		payload[i][CK_BASE_LEN + 1] = c->type;
		ck_put16(payload[i] + CK_BASE_LEN + 2, c->len);
		memcpy(payload[i] + CK_BASE_LEN + 4, c->value, c->len);
		s = case_reflect(b, c->name, M_REPEAT, false,
				 c->stateful ? &b->stateful : &b->stateless, 4, payload[i],
				 CK_BASE_LEN + 4u + c->len);
		s->event = c->refused ? STAMPEDE_CNT_tlv_unrecognized : STAMPEDE_CNT_tlv_answered;
		if (c->stateful)
			s->allowed = STAMPEDE_CNT_session_new;
	}
}

/* What the userspace cases report where a program's sizes go: none. */
static const struct prog userspace = {.label = "userspace", .fd = -1};

/*
 * Authenticated mode (RFC 8762 4.2.2, 4.3.2): the 112-octet request, and
 * the same with a Timestamp Information TLV under an HMAC TLV (RFC 8972
 * 4.8), from and to port 863.  Each reply is signed with the key the
 * program verifies with, over its own octets, so it verifies as the next
 * repeat's request: every repeat verifies and signs.  A packet costs two
 * MACs over 96 octets, and with the HMAC TLV two more over its 12 octets
 * of text (the Sequence Number and the TLV before it).  Beside each, the
 * same MACs over the same octets in userspace with OpenSSL.
 */
static void auth_cases_define(struct bench *b)
{
	static uint8_t req[AUTH_LEN], tlv[AUTH_TLV_LEN], text[12];
	static const uint8_t t1[8] = {0xe9, 0x8f, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc};
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	struct series *s;

	memset(req, 0, sizeof(req));
	ck_put32(req, 1);
	memcpy(req + 16, t1, 8);
	ck_put16(req + 24, 0x8001);
	ck_put16(req + 26, 0x1234);
	HMAC(EVP_sha256(), bench_key, sizeof(bench_key) - 1, req, 96, md, &mdlen);
	memcpy(req + 96, md, 16);
	memcpy(tlv, req, AUTH_LEN);
	pb_tlv(tlv + AUTH_LEN, 0x80, 3, 4, 0); /* Timestamp Information */
	pb_tlv(tlv + AUTH_LEN + 8, 0x80, 8, 16, 0);
	memcpy(text, tlv, 4);
	memcpy(text + 4, tlv + AUTH_LEN, 8);
	HMAC(EVP_sha256(), bench_key, sizeof(bench_key) - 1, text, sizeof(text), md, &mdlen);
	memcpy(tlv + AUTH_LEN + 12, md, 16);

	s = case_reflect(b, "auth-v4", M_REPEAT, false, &b->authed, 4, req, sizeof(req));
	frame_build(&s->frame, 4, AUTH_PORT, AUTH_PORT, req, sizeof(req));
	s->ratio_to = "openssl-hmac-auth";
	s->method_text = "repeat/10, loop guard off, port 863";
	s->div = USER_DIV;
	s = case_reflect(b, "auth-hmac-tlv-v4", M_REPEAT, false, &b->authed, 4, tlv, sizeof(tlv));
	frame_build(&s->frame, 4, AUTH_PORT, AUTH_PORT, tlv, sizeof(tlv));
	s->event = STAMPEDE_CNT_hmac_tlv_verified;
	s->allowed = STAMPEDE_CNT_tlv_answered; /* two a packet */
	s->ratio_to = "openssl-hmac-auth-tlv";
	s->method_text = "repeat/10, loop guard off, port 863";
	s->div = USER_DIV;

	s = series_add(b, "openssl-hmac-auth", M_USER, &userspace);
	s->mac_text[0] = s->mac_text[1] = req;
	s->mac_len[0] = s->mac_len[1] = 96;
	s->n_macs = 2;
	s->div = USER_DIV;
	s->method_text = "repeat/10, userspace OpenSSL, 2 MACs of 96 octets";
	s = series_add(b, "openssl-hmac-auth-tlv", M_USER, &userspace);
	s->mac_text[0] = s->mac_text[1] = req;
	s->mac_len[0] = s->mac_len[1] = 96;
	s->mac_text[2] = s->mac_text[3] = text;
	s->mac_len[2] = s->mac_len[3] = sizeof(text);
	s->n_macs = 4;
	s->div = USER_DIV;
	s->method_text = "repeat/10, userspace OpenSSL, 2 MACs of 96 octets, 2 of 12";
}

static void cases_define(struct bench *b)
{
	static uint8_t base[CK_BASE_LEN], tlv[TLV_PAYLOAD], other[CK_BASE_LEN];
	static uint8_t many[CK_BASE_LEN + 4 * TLV_MANY];
	static const uint8_t t1[8] = {0xe9, 0x8f, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc};
	struct series *s, *wrap_refl, *wrap_pass;
	size_t i;

	pb_stamp_sender(base, 1, t1, 0x8001, 0x1234, 0);
	memcpy(tlv, base, CK_BASE_LEN);
	pb_tlv(tlv + CK_BASE_LEN, 0, 1, TLV_PAYLOAD - CK_BASE_LEN - 4, 0x11);
	for (i = 0; i < sizeof(other); i++)
		other[i] = (uint8_t)(0x5a ^ i);

	s = series_add(b, "pass-empty", M_REPEAT, &b->pass);
	frame_build(&s->frame, 4, CLIENT_PORT, OTHER_PORT, other, sizeof(other));
	s->action = XDP_PASS;
	s->out = OUT_SAME;

	case_floor(b, "floor", M_REPEAT, 4, base, sizeof(base));
	s = case_floor(b, "floor-v6", M_REPEAT, 6, base, sizeof(base));
	s->ratio_to = "floor";
	/* The floor plus the one clock read any timestamped reflection makes. */
	s = case_floor(b, "floor-clock", M_REPEAT, 4, base, sizeof(base));
	s->prog = s->measured = &b->floor_clock;
	s->ratio_to = "floor";
	/*
	 * The floor plus the clock read and the reply itself, with the
	 * reflector's own reply code but none of its checks or counters: the
	 * least a correct stateless reflection costs.
	 */
	s = case_floor(b, "floor-stamp", M_REPEAT, 4, base, sizeof(base));
	s->prog = s->measured = &b->floor_stamp;
	s->out = OUT_REPLY;
	s->reply_plen = CK_BASE_LEN;
	s->ratio_to = "floor";

	case_reflect(b, "stateless-v4", M_REPEAT, false, &b->stateless, 4, base, sizeof(base));
	case_reflect(b, "stateless-v6", M_REPEAT, false, &b->stateless, 6, base, sizeof(base));
	/* What the second clock read of clock-reads 2 costs. */
	case_reflect(b, "stateless-v4-clock-reads-2", M_REPEAT, false, &b->t3read, 4, base,
		     sizeof(base));
	s = case_reflect(b, "stateful-v4", M_REPEAT, false, &b->stateful, 4, base, sizeof(base));
	/* Its two sessions (one per direction) are made by the warm-up run. */
	s->allowed = STAMPEDE_CNT_session_new;
	/* The abuse controls, against the same reflector without them. */
	s = case_reflect(b, "stateless-v4-rate-limit", M_REPEAT, false, &b->rated, 4, base,
			 sizeof(base));
	s->ratio_to = "stateless-v4";
	s = case_reflect(b, "stateless-v6-rate-limit", M_REPEAT, false, &b->rated, 6, base,
			 sizeof(base));
	s->ratio_to = "stateless-v6";
	s = case_reflect(b, "stateless-v4-rate-limit-all", M_REPEAT, false, &b->rated_all, 4, base,
			 sizeof(base));
	s->ratio_to = "stateless-v4";
	/*
	 * mode tc: the same reflector as a tc program on an skb; the test run
	 * leaves out what building the skb costs before tc ingress.
	 */
	s = case_reflect(b, "tc-stateless-v4", M_REPEAT, false, &b->tc, 4, base, sizeof(base));
	s->action = TC_ACT_REDIRECT;
	s->ratio_to = "stateless-v4";
	s = case_reflect(b, "tc-stateless-v6", M_REPEAT, false, &b->tc, 6, base, sizeof(base));
	s->action = TC_ACT_REDIRECT;
	s->ratio_to = "stateless-v6";
	s = case_reflect(b, "stateless-v4-allow", M_REPEAT, false, &b->allowed, 4, base,
			 sizeof(base));
	s->ratio_to = "stateless-v4";
	s = case_reflect(b, "tlv-padding-v4", M_REPEAT, false, &b->stateless, 4, tlv, sizeof(tlv));
	s->event = STAMPEDE_CNT_tlv_padding;
	/* The walk's cost per TLV: every one of a long chain is walked. */
	memcpy(many, base, CK_BASE_LEN);
	for (i = 0; i < TLV_MANY; i++)
		pb_tlv(many + CK_BASE_LEN + 4 * i, 0x80, 1, 0, 0);
	s = case_reflect(b, "tlv-padding-x256-v4", M_REPEAT, false, &b->stateless, 4, many,
			 sizeof(many));
	s->allowed = STAMPEDE_CNT_tlv_padding; /* 256 a packet */
	tlv_cases_define(b, base);
	auth_cases_define(b);

	/*
	 * TWAMP-Light: the reflector behind frame_reset, minus frame_reset in
	 * front of pass-empty, plus pass-empty.
	 */
	wrap_refl = case_reflect(b, "reset+twamp-light-v4", M_REPEAT, true, &b->stateless, 4, base,
				 TWL_LEN);
	wrap_refl->prog = &b->reset;
	wrap_refl->tail = &b->stateless.prog;
	wrap_refl->event = STAMPEDE_CNT_twamp_light;
	wrap_refl->report = false;
	wrap_refl->ratio_to = NULL;
	wrap_pass = series_add(b, "reset+pass-empty", M_REPEAT, &b->reset);
	wrap_pass->frame = wrap_refl->frame;
	wrap_pass->restored = true;
	wrap_pass->tail = &b->pass;
	wrap_pass->action = XDP_PASS;
	wrap_pass->out = OUT_SAME;
	wrap_pass->report = false;
	s = series_add(b, "twamp-light-v4", M_DERIVED, &b->stateless.prog);
	s->parts[0] = wrap_refl;
	s->parts[1] = wrap_pass;
	s->parts[2] = series_find(b, "pass-empty");
	s->ratio_to = "floor";
	s->method_text = "reset-wrapper, loop guard off";

	/* Someone else's datagram, with the attach defaults: passed, not counted. */
	s = series_add(b, "passthrough-v4", M_REPEAT, &b->stateless.prog);
	frame_build(&s->frame, 4, CLIENT_PORT, OTHER_PORT, other, sizeof(other));
	s->refl = &b->stateless;
	s->action = XDP_PASS;
	s->method_text = "repeat, not counted (attach defaults)";
	s->out = OUT_SAME;
	s->ratio_to = "pass-empty";
	/* The same with count-other on: what counting everyone's traffic costs. */
	s = series_add(b, "passthrough-v4-counted", M_REPEAT, &b->counted.prog);
	frame_build(&s->frame, 4, CLIENT_PORT, OTHER_PORT, other, sizeof(other));
	s->refl = &b->counted;
	s->action = XDP_PASS;
	s->outcome = STAMPEDE_CNT_not_stamp;
	s->method_text = "repeat, count-other on";
	s->out = OUT_SAME;
	s->ratio_to = "pass-empty";

	case_floor(b, "floor-r1", M_REPEAT1, 4, base, TWL_LEN);
	s = case_reflect(b, "twamp-light-v4-r1", M_REPEAT1, true, &b->stateless, 4, base, TWL_LEN);
	s->event = STAMPEDE_CNT_twamp_light;
	s->ratio_to = "floor-r1";
}

/* A case and what its figures are computed from. */
static void select_with_deps(struct bench *b, struct series *s)
{
	int i;

	s->selected = true;
	if (s->ratio_to)
		select_with_deps(b, series_find(b, s->ratio_to));
	for (i = 0; i < 3; i++)
		if (s->parts[i])
			select_with_deps(b, s->parts[i]);
}

/* --case: measure only the cases named (and their references). */
static int cases_select(struct bench *b)
{
	struct series *s;
	int i;

	if (!b->n_only)
		return 0;
	for (i = 0; i < b->n; i++)
		b->s[i].selected = false;
	for (i = 0; i < b->n_only; i++) {
		s = series_find(b, b->only[i]);
		if (!s || !s->report)
			return fail("unknown case '%s'; see --list", b->only[i]);
		select_with_deps(b, s);
	}
	return 0;
}

/* ---- Checks ------------------------------------------------------------- */

static int stats_reset(struct bench *b, const struct reflector *r)
{
	__u32 key = 0;

	memset(b->percpu, 0, (size_t)b->ncpu * sizeof(*b->percpu));
	if (bpf_map_update_elem(r->stats_fd, &key, b->percpu, BPF_ANY))
		return fail("%s: cannot reset the counters: %s", r->prog.label, strerror(errno));
	return 0;
}

/*
 * Every counter summed over CPUs moved by exactly what the case expects
 * after @n runs; if not, the one error line names every counter that moved.
 */
static int stats_check(struct bench *b, const struct series *s, uint64_t n)
{
	uint64_t sum[NCNT] = {0}, want;
	char moved[512];
	size_t len = 0;
	__u32 key = 0;
	bool ok = true;
	int cpu, i;

	if (bpf_map_lookup_elem(s->refl->stats_fd, &key, b->percpu))
		return fail("%s: cannot read the counters: %s", s->name, strerror(errno));
	for (cpu = 0; cpu < b->ncpu; cpu++)
		for (i = 0; i < NCNT; i++)
			sum[i] += ((const __u64 *)&b->percpu[cpu])[i];
	moved[0] = 0;
	for (i = 0; i < NCNT; i++) {
		want = i == s->outcome || i == s->event ? n : 0;
		ok &= i == s->allowed || sum[i] == want;
		if (sum[i] && len < sizeof(moved))
			len += (size_t)snprintf(moved + len, sizeof(moved) - len, " %s=%llu",
						cnt_name[i], (unsigned long long)sum[i]);
	}
	if (ok)
		return 0;
	if (s->outcome < 0)
		return fail("%s: counters after %llu runs:%s; expected none to move", s->name,
			    (unsigned long long)n, moved[0] ? moved : " none moved");
	return fail("%s: counters after %llu runs:%s; expected %s=%llu%s%s", s->name,
		    (unsigned long long)n, moved[0] ? moved : " none moved", cnt_name[s->outcome],
		    (unsigned long long)n, s->event >= 0 ? " and the same for " : "",
		    s->event >= 0 ? cnt_name[s->event] : "");
}

static const char *action_name(__u32 a)
{
	static const char *const names[] = {"XDP_ABORTED", "XDP_DROP", "XDP_PASS", "XDP_TX",
					    "XDP_REDIRECT"};

	if (a == TC_ACT_REDIRECT)
		return "TC_ACT_REDIRECT";
	return a < sizeof(names) / sizeof(names[0]) ? names[a] : "unknown action";
}

/* The IPv4 header checksum and the UDP checksum of a frame verify. */
static bool checksums_ok(const struct pb_frame *f, const uint8_t *out, size_t len)
{
	size_t a = f->l3 + (f->ipv == 4 ? 12 : 8), n = f->ipv == 4 ? 4 : 16;
	const uint8_t *udp = out + f->l4;
	size_t udp_len;

	if (len < f->l4 + 8 || (f->ipv == 4 && !ck_ipv4_hdr_ok(out + f->l3)))
		return false;
	udp_len = ck_get16(udp + 4);
	return f->l4 + udp_len <= len &&
	       ck_udp_verify_sum(f->ipv, out + a, out + a + n, udp, (uint32_t)udp_len) == 0xffff;
}

/*
 * The frame that came back from a syscall of @repeat runs: each turned the
 * previous one's frame around, unless it was restored before every run.
 * The MACs, addresses and ports must be what that many turns make of them
 * (floor: the whole frame), every checksum must verify, and a reply must
 * carry the 44-octet base at least.
 */
static int output_check(struct bench *b, const struct series *s, size_t len, unsigned int repeat)
{
	const struct pb_frame *f = &s->frame;
	size_t a = f->l3 + (f->ipv == 4 ? 12 : 8), n = f->ipv == 4 ? 4 : 16;
	size_t want_len = s->out == OUT_REPLY ? f->l4 + 8 + s->reply_plen : f->len;
	unsigned int flips = s->restored ? 1 : repeat;

	memcpy(b->expect, f->b, f->len);
	if (s->out != OUT_SAME && (flips & 1))
		swap_like_floor(b->expect, f);
	if (len != want_len)
		return fail("%s: %zu octets came back, expected %zu", s->name, len, want_len);
	if (s->out != OUT_REPLY && memcmp(b->out, b->expect, len))
		return fail("%s: the frame that came back is not the one expected", s->name);
	if (memcmp(b->out, b->expect, 12) || memcmp(b->out + a, b->expect + a, 2 * n) ||
	    memcmp(b->out + f->l4, b->expect + f->l4, 4))
		return fail("%s: MACs, addresses or ports are not the request's%s", s->name,
			    flips & 1 ? " turned around" : "");
	if (!checksums_ok(f, b->out, len))
		return fail("%s: a checksum of the frame that came back is wrong", s->name);
	if (s->out == OUT_REPLY && ck_get16(b->out + f->l4 + 4) != 8 + s->reply_plen)
		return fail("%s: the reply's UDP Length is wrong", s->name);
	return 0;
}

/* ---- Measuring ---------------------------------------------------------- */

/* This thread's CPU time (see the top of the file for why not the wall clock). */
static uint64_t cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * CK_NSEC + (uint64_t)ts.tv_nsec;
}

/* Puts @p into frame_reset's slot unless it is there already. */
static int tail_set(struct bench *b, const struct prog *p)
{
	__u32 key = 0, fd = (__u32)p->fd;

	if (b->tail_now == p)
		return 0;
	if (bpf_map_update_elem(b->next_prog_fd, &key, &fd, BPF_ANY))
		return fail("cannot put %s behind frame_reset: %s", p->label, strerror(errno));
	b->tail_now = p;
	return 0;
}

struct result {
	__u32 action;
	__u32 out_len;
	__u32 duration; /* the kernel's, ns per repeat */
	uint64_t cpu_ns;
};

static int run_once(struct bench *b, const struct series *s, unsigned int repeat,
		    struct result *res)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = s->frame.b,
		    .data_size_in = (__u32)s->frame.len, .data_out = b->out,
		    .data_size_out = sizeof(b->out), .repeat = (int)repeat);
	uint64_t t0, t1;

	t0 = cpu_ns();
	if (bpf_prog_test_run_opts(s->prog->fd, &opts))
		return fail("%s: BPF_PROG_TEST_RUN failed: %s", s->name, strerror(errno));
	t1 = cpu_ns();
	res->action = opts.retval;
	res->out_len = opts.data_size_out;
	res->duration = opts.duration;
	res->cpu_ns = t1 - t0;
	return 0;
}

/*
 * A syscall of @repeat runs, @n runs since the counters were reset: the
 * counters first (they say why), then the action and the frame.
 */
static int result_check(struct bench *b, const struct series *s, const struct result *res,
			unsigned int repeat, uint64_t n)
{
	if (s->refl && stats_check(b, s, n))
		return -1;
	if (res->action != s->action)
		return fail("%s: returned %s, expected %s", s->name, action_name(res->action),
			    action_name(s->action));
	return output_check(b, s, res->out_len, repeat);
}

/* Packets a round: dear cases run fewer (the figure is per packet all the same). */
static unsigned int series_repeat(const struct bench *b, const struct series *s)
{
	return s->div > 1 ? b->repeat / s->div : b->repeat;
}

/*
 * M_USER: the packets' MACs with OpenSSL's HMAC-SHA-256, keyed once (a
 * NULL key reuses the key's pads, as the XDP program's precomputed ones);
 * this thread's CPU time per packet.  The warm-up checks the first MAC
 * against the one the request carries.
 */
static int measure_user(struct bench *b, struct series *s, int round)
{
	unsigned int n = series_repeat(b, s), i;
	uint8_t md[EVP_MAX_MD_SIZE];
	size_t mdlen = 0;
	uint64_t t0;
	int k;

	t0 = cpu_ns();
	for (i = 0; i < n; i++)
		for (k = 0; k < s->n_macs; k++)
			if (!EVP_MAC_init(b->hmac, NULL, 0, NULL) ||
			    !EVP_MAC_update(b->hmac, s->mac_text[k], s->mac_len[k]) ||
			    !EVP_MAC_final(b->hmac, md, &mdlen, sizeof(md)))
				return fail("%s: OpenSSL's HMAC failed", s->name);
	if (round < 0) {
		if (!EVP_MAC_init(b->hmac, NULL, 0, NULL) ||
		    !EVP_MAC_update(b->hmac, s->mac_text[0], s->mac_len[0]) ||
		    !EVP_MAC_final(b->hmac, md, &mdlen, sizeof(md)) ||
		    memcmp(md, s->mac_text[0] + 96, 16))
			return fail("%s: OpenSSL's HMAC is not the request's", s->name);
		return 0;
	}
	s->ns[round] = (double)(cpu_ns() - t0) / n;
	s->kernel_ns[round] = s->ns[round];
	return 0;
}

/* One round of one series; @round < 0 is the warm-up, not recorded. */
static int measure(struct bench *b, struct series *s, int round)
{
	struct result res;
	uint64_t n;
	unsigned int i;

	if (s->method == M_DERIVED || !s->selected)
		return 0;
	if (s->method == M_USER)
		return measure_user(b, s, round);
	if (s->refl && stats_reset(b, s->refl))
		return -1;
	if (s->tail && tail_set(b, s->tail))
		return -1;
	if (s->method == M_REPEAT) {
		n = series_repeat(b, s);
		if (run_once(b, s, (unsigned int)n, &res) ||
		    result_check(b, s, &res, (unsigned int)n, n))
			return -1;
	} else {
		n = b->r1_calls;
		for (i = 0; i < b->r1_calls; i++) {
			if (run_once(b, s, 1, &res))
				return -1;
			b->r1_durations[i] = res.duration;
			/* The counters are a syscall to read: after every call only if it failed. */
			if (res.action != s->action)
				return result_check(b, s, &res, 1, i + 1);
			if (output_check(b, s, res.out_len, 1))
				return -1;
		}
		if (s->refl && stats_check(b, s, n))
			return -1;
	}
	if (round < 0)
		return 0;
	if (s->method == M_REPEAT) {
		s->ns[round] = (double)res.cpu_ns / (double)n;
		s->kernel_ns[round] = res.duration;
	} else {
		s->ns[round] = interquartile_mean(b->r1_durations, b->r1_calls);
		s->kernel_ns[round] = s->ns[round];
	}
	return 0;
}

static void derive(struct bench *b)
{
	struct series *s;
	unsigned int r;
	int i;

	for (i = 0; i < b->n; i++) {
		s = &b->s[i];
		if (s->method != M_DERIVED || !s->selected)
			continue;
		for (r = 0; r < b->runs; r++) {
			s->ns[r] = s->parts[0]->ns[r] - s->parts[1]->ns[r] + s->parts[2]->ns[r];
			s->kernel_ns[r] = s->parts[0]->kernel_ns[r] - s->parts[1]->kernel_ns[r] +
					  s->parts[2]->kernel_ns[r];
		}
	}
}

/* Warm-up, then rounds; round r starts at series r so no case always goes first. */
static int measure_all(struct bench *b)
{
	unsigned int r;
	int i;

	for (i = 0; i < b->n; i++)
		if (measure(b, &b->s[i], -1))
			return -1;
	for (r = 0; r < b->runs; r++)
		for (i = 0; i < b->n; i++)
			if (measure(b, &b->s[((int)r + i) % b->n], (int)r))
				return -1;
	derive(b);
	return 0;
}

/* ---- Setup -------------------------------------------------------------- */

static int reset_frame_set(struct bench *b, const struct pb_frame *f)
{
	struct {
		__u32 len, pad;
		__u64 w[RESET_MAX / 8];
	} v = {0};
	__u32 key = 0;

	if (f->len > RESET_MAX || f->len % 8)
		return fail("frame_reset cannot restore a frame of %zu octets", f->len);
	v.len = (__u32)f->len;
	memcpy(v.w, f->b, f->len);
	if (bpf_map_update_elem(b->reset_frame_fd, &key, &v, BPF_ANY))
		return fail("cannot write frame_reset's frame: %s", strerror(errno));
	return 0;
}

static int map_fd(struct bpf_object *obj, const char *name)
{
	struct bpf_map *m = bpf_object__find_map_by_name(obj, name);

	return m ? bpf_map__fd(m) : -1;
}

static int load_all(struct bench *b)
{
	char testing_dir[PATH_MAX];

	if (snprintf(testing_dir, sizeof(testing_dir), "%s/../testing", b->bench_dir) >=
	    (int)sizeof(testing_dir))
		return fail("bench directory path too long: %s", b->bench_dir);
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0),
		OSSL_PARAM_construct_end(),
	};

	b->hmac = mac ? EVP_MAC_CTX_new(mac) : NULL;
	EVP_MAC_free(mac);
	if (!b->hmac || !EVP_MAC_init(b->hmac, bench_key, sizeof(bench_key) - 1, params))
		return fail("OpenSSL has no HMAC-SHA-256");
	b->authed.auth = true;
	if (reflector_load(&b->stateless, "reflector (stateless)", 0) ||
	    reflector_load(&b->authed, "reflector (auth-port 863 with a key)", 0) ||
	    reflector_load(&b->stateful, "reflector (stateful)", STAMPEDE_F_STATEFUL) ||
	    reflector_load(&b->t3read, "reflector (clock-reads 2)", STAMPEDE_F_T3_READ) ||
	    reflector_load(&b->counted, "reflector (count-other on)", STAMPEDE_F_COUNT_OTHER) ||
	    reflector_load(&b->rated, "reflector (rate-limit)", STAMPEDE_F_RATE_SRC) ||
	    reflector_load(&b->rated_all, "reflector (rate-limit and rate-limit-all)",
			   STAMPEDE_F_RATE_SRC | STAMPEDE_F_RATE_ALL) ||
	    reflector_load(&b->allowed, "reflector (allow, 5 prefixes)", STAMPEDE_F_ALLOW) ||
	    reflector_load_as(&b->tc, "reflector (mode tc)", 0, true) ||
	    object_load(&b->floor_obj, &b->floor, b->bench_dir, "floor", "floor") ||
	    object_load(&b->floor_clock_obj, &b->floor_clock, b->bench_dir, "floor_clock",
			"floor-clock") ||
	    object_load(&b->floor_stamp_obj, &b->floor_stamp, b->bench_dir, "floor_stamp",
			"floor-stamp") ||
	    object_load(&b->pass_obj, &b->pass, testing_dir, "xdp_pass", "pass-empty") ||
	    object_load(&b->reset_obj, &b->reset, b->bench_dir, "frame_reset", "frame_reset"))
		return -1;
	b->reset_frame_fd = map_fd(b->reset_obj, "reset_frame");
	b->next_prog_fd = map_fd(b->reset_obj, "next_prog");
	if (b->reset_frame_fd < 0 || b->next_prog_fd < 0)
		return fail("frame_reset.bpf.o lacks its maps reset_frame and next_prog");
	return reset_frame_set(b, &series_find(b, "reset+twamp-light-v4")->frame);
}

static void unload_all(struct bench *b)
{
	stampede_bpf__destroy(b->stateless.skel);
	stampede_bpf__destroy(b->stateful.skel);
	stampede_bpf__destroy(b->t3read.skel);
	stampede_bpf__destroy(b->counted.skel);
	stampede_bpf__destroy(b->rated.skel);
	stampede_bpf__destroy(b->rated_all.skel);
	stampede_bpf__destroy(b->allowed.skel);
	stampede_bpf__destroy(b->authed.skel);
	EVP_MAC_CTX_free(b->hmac);
	reflector_obj_destroy(b->tc.skel);
	bpf_object__close(b->floor_obj);
	bpf_object__close(b->floor_clock_obj);
	bpf_object__close(b->floor_stamp_obj);
	bpf_object__close(b->pass_obj);
	bpf_object__close(b->reset_obj);
	free(b->percpu);
	free(b->r1_durations);
}

/* The last CPU we may run on: CPU 0 usually takes the most interrupts. */
static int pin_cpu(struct bench *b)
{
	cpu_set_t set;
	int cpu;

	if (b->cpu < 0) {
		if (sched_getaffinity(0, sizeof(set), &set))
			return fail("cannot read the CPU affinity: %s", strerror(errno));
		for (cpu = CPU_SETSIZE - 1; cpu >= 0 && !CPU_ISSET(cpu, &set); cpu--)
			;
		b->cpu = cpu < 0 ? 0 : cpu;
	}
	CPU_ZERO(&set);
	CPU_SET(b->cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		return fail("cannot pin to CPU %d: %s", b->cpu, strerror(errno));
	return 0;
}

/* ---- Options ------------------------------------------------------------ */

static int parse_uint(const char *arg, const char *what, unsigned long min, unsigned long max,
		      unsigned int *val)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-' || v < min || v > max)
		return fail("bad %s '%s': expected %lu-%lu", what, arg, min, max);
	*val = (unsigned int)v;
	return 0;
}

/* The objects: --bench-dir, else $BUILD/bench, else next to this program. */
static int default_bench_dir(struct bench *b)
{
	static char dir[PATH_MAX];
	const char *build = getenv("BUILD");
	ssize_t n;
	char *slash;

	if (build && *build) {
		if (snprintf(dir, sizeof(dir), "%s/bench", build) >= (int)sizeof(dir))
			return fail("BUILD too long");
	} else {
		n = readlink("/proc/self/exe", dir, sizeof(dir) - 1);
		if (n < 0)
			return fail("cannot find the bench objects: give --bench-dir");
		dir[n] = 0;
		slash = strrchr(dir, '/');
		if (slash)
			*slash = 0;
	}
	b->bench_dir = dir;
	return 0;
}

static int parse_args(struct bench *b, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"bench-dir", required_argument, NULL, 'd'},
		{"repeat", required_argument, NULL, 'r'},
		{"runs", required_argument, NULL, 'n'},
		{"r1-calls", required_argument, NULL, '1'},
		{"cpu", required_argument, NULL, 'c'},
		{"json", required_argument, NULL, 'j'},
		{"table", no_argument, NULL, 't'},
		{"no-table", no_argument, NULL, 'T'},
		{"case", required_argument, NULL, 'C'},
		{"list", no_argument, NULL, 'l'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	bool list = false;
	unsigned int cpu;
	int c, i;

	b->repeat = REPEAT_DEFAULT;
	b->runs = RUNS_DEFAULT;
	b->r1_calls = R1_DEFAULT;
	b->cpu = -1;
	b->table = true;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			b->bench_dir = optarg;
			break;
		case 'r':
			if (parse_uint(optarg, "repeat", REPEAT_MIN, REPEAT_MAX, &b->repeat))
				return -1;
			break;
		case 'n':
			if (parse_uint(optarg, "runs", RUNS_MIN, MAX_RUNS, &b->runs))
				return -1;
			break;
		case '1':
			if (parse_uint(optarg, "r1-calls", R1_MIN, R1_MAX, &b->r1_calls))
				return -1;
			break;
		case 'c':
			if (parse_uint(optarg, "cpu", 0, CPU_SETSIZE - 1, &cpu))
				return -1;
			b->cpu = (int)cpu;
			break;
		case 'j':
			b->json_path = optarg;
			break;
		case 't':
			b->table = true;
			break;
		case 'T':
			b->table = false;
			break;
		case 'C':
			if (b->n_only == MAX_SERIES)
				return fail("too many --case options");
			b->only[b->n_only++] = optarg;
			break;
		case 'l':
			list = true;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			printf("usage: prog_cost [--bench-dir DIR] [--repeat N] [--runs N] "
			       "[--r1-calls N] [--cpu N] [--case NAME]... [--list] [--json FILE] "
			       "[--table | --no-table] [--verbose]\n");
			exit(0);
		default:
			return fail("unknown or incomplete option '%s'; see --help",
				    argv[optind - 1]);
		}
	}
	if (optind < argc)
		return fail("unexpected argument '%s'; see --help", argv[optind]);
	if (list) {
		for (i = 0; i < b->n; i++)
			if (b->s[i].report)
				printf("%s\n", b->s[i].name);
		exit(0);
	}
	if (cases_select(b))
		return -1;
	return b->bench_dir ? 0 : default_bench_dir(b);
}

/* ---- Report ------------------------------------------------------------- */

struct summary {
	double median, min, max, kernel;
	double ratio, ratio_min, ratio_max; /* NAN for baselines */
};

/*
 * The ratio is taken round by round, each case against its reference
 * measured in the same round (drift on a shared machine hits both), and
 * the median of those is reported with their lowest and highest.
 */
static void summarize(struct bench *b, const struct series *s, struct summary *m)
{
	const struct series *ref = s->ratio_to ? series_find(b, s->ratio_to) : NULL;
	double per_round[MAX_RUNS];
	unsigned int r;

	m->median = median(s->ns, b->runs);
	m->min = min_of(s->ns, b->runs);
	m->max = max_of(s->ns, b->runs);
	m->kernel = median(s->kernel_ns, b->runs);
	m->ratio = m->ratio_min = m->ratio_max = NAN;
	if (!ref)
		return;
	for (r = 0; r < b->runs; r++)
		per_round[r] = s->ns[r] / ref->ns[r];
	m->ratio = median(per_round, b->runs);
	m->ratio_min = min_of(per_round, b->runs);
	m->ratio_max = max_of(per_round, b->runs);
}

static void table_row(struct bench *b, const struct series *s)
{
	struct summary m;
	char ratio[32];

	summarize(b, s, &m);
	if (isnan(m.ratio))
		snprintf(ratio, sizeof(ratio), "-");
	else
		snprintf(ratio, sizeof(ratio), "%.2f (%.2f-%.2f)", m.ratio, m.ratio_min,
			 m.ratio_max);
	printf("%-20s %7.2f %7.2f %7.2f %6.0f  %-17s %-10s %5u %6u %5u  %s\n", s->name, m.median,
	       m.min, m.max, m.kernel, ratio, s->ratio_to ? s->ratio_to : "-", s->measured->insns,
	       s->measured->verified_insns, s->measured->jited_bytes, s->method_text);
}

static int bpf_stats_enabled(void)
{
	FILE *f = fopen("/proc/sys/kernel/bpf_stats_enabled", "r");
	int v = 0;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = 0;
		fclose(f);
	}
	return v;
}

static void table_print(struct bench *b)
{
	bool parts = false;
	int i;

	printf("# BPF_PROG_TEST_RUN cost per packet: CPU %d, %u rounds round-robin, repeat %u"
	       " (repeat-1: %u syscalls a round)\n",
	       b->cpu, b->runs, b->repeat, b->r1_calls);
	printf("%-20s %7s %7s %7s %6s  %-17s %-10s %5s %6s %5s  %s\n", "case", "ns/pkt", "min",
	       "max", "kernel", "ratio (rounds)", "ratio to", "insns", "verif", "jit B", "method");
	for (i = 0; i < b->n; i++) {
		if (b->s[i].selected && b->s[i].report)
			table_row(b, &b->s[i]);
		parts |= b->s[i].selected && !b->s[i].report;
	}
	if (parts) {
		printf("# twamp-light-v4 = reset+twamp-light-v4 - reset+pass-empty + pass-empty,"
		       " round by round:\n");
		for (i = 0; i < b->n; i++)
			if (b->s[i].selected && !b->s[i].report)
				table_row(b, &b->s[i]);
	}
	printf("# ns/pkt: this thread's CPU time in the syscall / repeat; median (min, max) of"
	       " the rounds.\n"
	       "# kernel: the kernel's own figure (whole ns, rounded down), median.  ratio: to"
	       " the reference\n"
	       "#   measured in the same round, median over the rounds (lowest-highest).\n"
	       "# repeat: every repeat is a full reflection (both addresses local, both ports %d,"
	       " loop guard\n"
	       "#   off); each run is checked: action, counters summed over CPUs, the frame"
	       " returned.\n"
	       "# reset-wrapper: frame_reset.bpf.o restores the request before every repeat and"
	       " tail-calls\n"
	       "#   the reflector; its own cost (measured with pass-empty behind it) is taken"
	       " out.\n"
	       "# repeat-1: one syscall per packet, the kernel's duration of each (it includes a"
	       " clock read);\n"
	       "#   mean of the middle half of the calls, per round.\n"
	       "# insns: xlated instructions; verif: instructions the verifier processed; jit B:"
	       " JITed bytes.\n"
	       "# userspace: OpenSSL's HMAC-SHA-256 (keyed once) over what one packet's MACs"
	       " cover; the auth rows'\n"
	       "#   ratio is the XDP reflection's cost to it.  repeat/%d: that many packets a"
	       " round (dear cases).\n",
	       STAMP_PORT, USER_DIV);
	if (bpf_stats_enabled())
		printf("# kernel.bpf_stats_enabled=1: every figure includes the kernel's run-time"
		       " accounting\n");
}

static void json_number(FILE *f, const char *key, double v)
{
	if (isnan(v))
		fprintf(f, "\"%s\": null, ", key);
	else
		fprintf(f, "\"%s\": %.3f, ", key, v);
}

static void json_series(FILE *f, struct bench *b, const struct series *s, bool comma)
{
	struct summary m;

	summarize(b, s, &m);
	fprintf(f, "  {\"name\": \"%s\", ", s->name);
	json_number(f, "ns_per_pkt", m.median);
	json_number(f, "min", m.min);
	json_number(f, "max", m.max);
	json_number(f, "ratio", m.ratio);
	if (s->ratio_to)
		fprintf(f, "\"ratio_to\": \"%s\", ", s->ratio_to);
	else
		fprintf(f, "\"ratio_to\": null, ");
	json_number(f, "ratio_min", m.ratio_min);
	json_number(f, "ratio_max", m.ratio_max);
	json_number(f, "kernel_ns", m.kernel);
	fprintf(f, "\"repeat\": %u, \"runs\": %u, ",
		s->method == M_REPEAT1 ? 1 : series_repeat(b, s), b->runs);
	if (s->method == M_REPEAT1)
		fprintf(f, "\"calls_per_run\": %u, ", b->r1_calls);
	if (s->method == M_DERIVED)
		fprintf(f,
			"\"components\": {\"reset_with_reflector\": %.3f, "
			"\"reset_with_pass_empty\": %.3f, \"pass_empty\": %.3f}, ",
			median(s->parts[0]->ns, b->runs), median(s->parts[1]->ns, b->runs),
			median(s->parts[2]->ns, b->runs));
	fprintf(f,
		"\"insns\": %u, \"verified_insns\": %u, \"jited_bytes\": %u, \"method\": "
		"\"%s\"}%s\n",
		s->measured->insns, s->measured->verified_insns, s->measured->jited_bytes,
		s->method_text, comma ? "," : "");
}

static int json_write(struct bench *b)
{
	FILE *f = fopen(b->json_path, "w");
	int i, last = -1;

	if (!f)
		return fail("cannot write %s: %s", b->json_path, strerror(errno));
	for (i = 0; i < b->n; i++)
		if (b->s[i].selected && b->s[i].report)
			last = i;
	fprintf(f, "[\n");
	for (i = 0; i < b->n; i++)
		if (b->s[i].selected && b->s[i].report)
			json_series(f, b, &b->s[i], i != last);
	fprintf(f, "]\n");
	if (fclose(f))
		return fail("cannot write %s: %s", b->json_path, strerror(errno));
	return 0;
}

int main(int argc, char **argv)
{
	static struct bench b;
	int err;

	libbpf_set_print(libbpf_print);
	cases_define(&b);
	if (parse_args(&b, argc, argv))
		return 1;
	b.ncpu = libbpf_num_possible_cpus();
	if (b.ncpu <= 0) {
		say_error("cannot count the CPUs");
		return 1;
	}
	b.percpu = calloc((size_t)b.ncpu, sizeof(*b.percpu));
	b.r1_durations = calloc(b.r1_calls, sizeof(*b.r1_durations));
	if (!b.percpu || !b.r1_durations) {
		say_error("out of memory");
		return 1;
	}
	err = pin_cpu(&b) || load_all(&b) || measure_all(&b);
	if (!err && b.table)
		table_print(&b);
	if (!err && b.json_path)
		err = json_write(&b);
	unload_all(&b);
	return err ? 1 : 0;
}
