// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of the XDP data path, against docs/datapath.md: the reflector
 * is loaded through its skeleton in several configurations and crafted
 * frames are run through it with BPF_PROG_TEST_RUN.  Frames are built by
 * pktbuild.h and replies decoded by check.h, both written from the RFCs and
 * not from the program.
 *
 * Output (tests/run.sh counts it): one "PASS name", "FAIL name: why" or
 * "SKIP name: reason" line per test; any other stdout line starts with "# ".
 * Exit status 0 when every test passed.
 */
#include <errno.h>
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
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "stampede_kern_user.h"
#include "stampede.skel.h"
#include "kernel_features.h"
#include "addrs.h"
#include "check.h"
#include "pktbuild.h"

#define __maybe_unused __attribute__((unused))
#define ARRAY_SIZE(a)  (sizeof(a) / sizeof((a)[0]))

#define NCNT	      STAMPEDE_CNT_MAX
#define OUT_MAX	      (PB_MAX_FRAME + 512)
#define TAI_OFFSET_NS 37000000000ULL /* TAI - UTC since 2017 */
#define EE_MAP	      0x8a03	     /* S=1, Scale 10, Multiplier 3 */
#define SENDER_EE     0x811e	     /* what the Session-Sender claims */
#define SENDER_TTL    57
#define SENDER_PORT   40000
#define STAMP_PORT    862
#define AUTH_PORT     863
#define SSID	      0xbeef
#define MBZ_JUNK      0x5a /* the sender's MBZ octets are not zero */
#define PAD_JUNK      0xa5
#define DEFAULT_SEQ   0x01020304
#define XDP_RET_PASS  2
#define XDP_RET_TX    3

_Static_assert(sizeof(struct stampede_stats) == NCNT * sizeof(__u64),
	       "struct stampede_stats is one __u64 per counter");

/* ---- Test bookkeeping and output ---------------------------------------- */

/* One test case: the first few failed checks are kept for its FAIL line. */
struct tc {
	const char *name;
	int nfail;
	size_t len;
	char why[900];
};

static int n_passed, n_failed, n_skipped;

static void __attribute__((format(printf, 2, 3))) failf(struct tc *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->nfail++ >= 4 || t->len + 3 >= sizeof(t->why))
		return;
	if (t->len) {
		memcpy(t->why + t->len, "; ", 3);
		t->len += 2;
	}
	va_start(ap, fmt);
	n = vsnprintf(t->why + t->len, sizeof(t->why) - t->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len += (size_t)n;
	if (t->len >= sizeof(t->why))
		t->len = sizeof(t->why) - 1;
}

/* Records a failure when cond is false; returns cond. */
#define CHECK(t, cond, ...) ((cond) ? true : (failf((t), __VA_ARGS__), false))

static void tc_finish(struct tc *t)
{
	if (!t->nfail) {
		printf("PASS %s\n", t->name);
		n_passed++;
	} else if (t->nfail > 4) {
		printf("FAIL %s: %s (and %d more)\n", t->name, t->why, t->nfail - 4);
		n_failed++;
	} else {
		printf("FAIL %s: %s\n", t->name, t->why);
		n_failed++;
	}
	fflush(stdout);
}

static void __attribute__((format(printf, 1, 2))) note(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static void hex(char *buf, size_t size, const uint8_t *p, size_t n)
{
	size_t i, o = 0;

	buf[0] = 0;
	for (i = 0; i < n && o + 4 < size; i++)
		o += (size_t)snprintf(buf + o, size - o, "%s%02x", i ? " " : "", p[i]);
}

/* ---- Counters ----------------------------------------------------------- */

static const char *const cnt_name[NCNT] = {
#define X(name, class, desc) #name,
	STAMPEDE_COUNTERS(X)
#undef X
};

static const int cnt_class[NCNT] = {
#define X(name, class, desc) STAMPEDE_CLASS_##class,
	STAMPEDE_COUNTERS(X)
#undef X
};

/* Expected counter changes: (struct cnt){C(reflected) = 1, C(tlv_padding) = 2} */
struct cnt {
	uint64_t d[NCNT];
};
#define C(name) .d[STAMPEDE_CNT_##name]

/* ---- Configurations and the loaded reflector ---------------------------- */

enum cfg_id {
	CFG_NTP,
	CFG_STATEFUL,
	CFG_PTP,
	CFG_NOLOOP,
	CFG_AUTH,
	CFG_PORTS,
	CFG_BOOT,
	CFG_T3READ,
	CFG_QUIET,
	CFG_TLV,
	CFG_COS_REFUSE,
	CFG_ONE_SET,
	CFG_STATEFUL_T3READ,
	CFG_N,
};

struct cfg_desc {
	const char *name;
	uint32_t flags;
	uint16_t ports[2];
	int n_ports;
	uint16_t auth_ports[1];
	int n_auth_ports;
	uint8_t reply_ttl;
	uint16_t reply_ee; /* Error Estimate expected in replies with EE_MAP in the map */
	bool tlv_options;  /* the TLV attach options of tlv_config, a second address each */
	bool one_set;	   /* a session table of one set: every session shares it */
};

/* Configured TLV answers (CFG_TLV): what `stampede attach` would set. */
#define TLV_MICRO_SESSION 0x0102
#define TLV_MTU		  1500
#define TLV_REPLY_MAX	  1452
#define TLV_AMPLIFY	  4

/* Count frames not for a STAMP port too, so every pass reason can be checked. */
#define CO STAMPEDE_F_COUNT_OTHER

static const struct cfg_desc cfgs[CFG_N] = {
	[CFG_NTP] = {"stateless NTP", CO, {STAMP_PORT}, 1, {0}, 0, 255, EE_MAP},
	[CFG_STATEFUL] =
		{"stateful", STAMPEDE_F_STATEFUL | CO, {STAMP_PORT}, 1, {0}, 0, 255, EE_MAP},
	[CFG_PTP] = {"PTP", STAMPEDE_F_PTP | CO, {STAMP_PORT}, 1, {0}, 0, 255, EE_MAP | CK_EE_Z},
	[CFG_NOLOOP] = {"no loop guard",
			STAMPEDE_F_NO_LOOP_GUARD | CO,
			{STAMP_PORT},
			1,
			{0},
			0,
			255,
			EE_MAP},
	[CFG_AUTH] = {"auth port 863", CO, {STAMP_PORT}, 1, {AUTH_PORT}, 1, 255, EE_MAP},
	[CFG_PORTS] = {"ports 5000+5001, TTL 64", CO, {5000, 5001}, 2, {0}, 0, 64, EE_MAP},
	[CFG_BOOT] =
		{"CLOCK_BOOT", STAMPEDE_F_CLOCK_BOOT | CO, {STAMP_PORT}, 1, {0}, 0, 255, EE_MAP},
	[CFG_T3READ] =
		{"clock-reads 2", STAMPEDE_F_T3_READ | CO, {STAMP_PORT}, 1, {0}, 0, 255, EE_MAP},
	[CFG_QUIET] = {"attach defaults (other traffic not counted)",
		       0,
		       {STAMP_PORT},
		       1,
		       {0},
		       0,
		       255,
		       EE_MAP},
	[CFG_TLV] = {"TLV options (micro-session, reflected-control, return-prefix)",
		     CO | STAMPEDE_F_MICRO_SESSION | STAMPEDE_F_REFLECTED_CTL |
			     STAMPEDE_F_RETURN_ADDR,
		     {STAMP_PORT},
		     1,
		     {0},
		     0,
		     255,
		     EE_MAP,
		     true},
	[CFG_COS_REFUSE] = {"cos-remark off",
			    CO | STAMPEDE_F_COS_REFUSE,
			    {STAMP_PORT},
			    1,
			    {0},
			    0,
			    255,
			    EE_MAP},
	[CFG_ONE_SET] = {"stateful, a session table of one set",
			 STAMPEDE_F_STATEFUL | CO,
			 {STAMP_PORT},
			 1,
			 {0},
			 0,
			 255,
			 EE_MAP,
			 .one_set = true},
	[CFG_STATEFUL_T3READ] = {"stateful, clock-reads 2",
				 STAMPEDE_F_STATEFUL | STAMPEDE_F_T3_READ | CO,
				 {STAMP_PORT},
				 1,
				 {0},
				 0,
				 255,
				 EE_MAP},
};

/* The session table's hash secret in these tests (the controller draws one). */
#define TEST_SESSION_SEED 0x5eed5eed12345678ULL

struct env {
	const struct cfg_desc *cfg;
	struct stampede_bpf *skel;
	int prog_fd, stats_fd, sessions_fd, clock_fd, ncpu;
	__u32 flags;		   /* cfg->flags as loaded, with this kernel's fallbacks */
	char verifier_log[4096];   /* the load's verifier statistics */
	struct stampede_clock clk; /* as written to the clock map */
	uint16_t reply_ee;	   /* Error Estimate the replies must carry */
	uint64_t frames;	   /* frames run since the program was loaded */
};

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * CK_NSEC + (uint64_t)ts.tv_nsec;
}

/* CLOCK_TAI - CLOCK_BOOTTIME, the boot read between two TAI reads. */
static int64_t measure_boot_to_tai(void)
{
	uint64_t t1 = clock_ns(CLOCK_TAI), b = clock_ns(CLOCK_BOOTTIME), t2 = clock_ns(CLOCK_TAI);

	return (int64_t)(t1 / 2 + t2 / 2) - (int64_t)b;
}

/*
 * "Now" on the program's clock: CLOCK_TAI, or with STAMPEDE_F_CLOCK_BOOT the
 * boot clock plus the offset we published, which is what the program reads.
 */
static uint64_t env_now(const struct env *e)
{
	if (e->flags & STAMPEDE_F_CLOCK_BOOT)
		return clock_ns(CLOCK_BOOTTIME) + (uint64_t)e->clk.boot_to_tai_ns;
	return clock_ns(CLOCK_TAI);
}

static void addr_mapped(union stampede_addr *a, const uint8_t *v4)
{
	memset(a, 0, sizeof(*a));
	a->b[10] = 0xff;
	a->b[11] = 0xff;
	memcpy(a->b + 12, v4, 4);
}

/* Our addresses (in local_addrs) and the Session-Sender's. */
static void addr_us(int ipv, uint8_t *a)
{
	if (ipv == 4)
		pb_v4(a, 192, 0, 2, 1);
	else
		pb_v6(a, 1, 1);
}

static void addr_peer(int ipv, uint8_t *a)
{
	if (ipv == 4)
		pb_v4(a, 198, 51, 100, 7);
	else
		pb_v6(a, 2, 7);
}

/* A second address of ours (local_addrs only), for Destination Node Address. */
static void addr_us2(int ipv, uint8_t *a)
{
	if (ipv == 4)
		pb_v4(a, 192, 0, 2, 2);
	else
		pb_v6(a, 1, 2);
}

/* Another address of the sender's network, inside the allowed return prefixes. */
static void addr_peer2(int ipv, uint8_t *a)
{
	if (ipv == 4)
		pb_v4(a, 198, 51, 100, 9);
	else
		pb_v6(a, 2, 9);
}

/* The directed broadcast of our IPv4 subnet, 192.0.2.0/24 (see addr_us). */
static void addr_us_bcast(uint8_t *a)
{
	pb_v4(a, 192, 0, 2, 255);
}

/* Return prefixes: the sender's /24 and /64 (see addr_peer). */
static void tlv_config(struct stampede_config *c)
{
	uint8_t v4[16];

	c->micro_session_id = htons(TLV_MICRO_SESSION);
	c->mtu = TLV_MTU;
	c->reply_max = TLV_REPLY_MAX;
	c->amplify = TLV_AMPLIFY;
	addr_peer(4, v4);
	addr_mapped(&c->return_prefixes[0].addr, v4);
	c->return_prefixes[0].addr.b[15] = 0;
	c->return_prefixes[0].len = 96 + 24;
	addr_peer(6, c->return_prefixes[1].addr.b);
	memset(c->return_prefixes[1].addr.b + 8, 0, 8);
	c->return_prefixes[1].len = 64;
	/* An IPv6 prefix that covers ::ffff:0:0/96: it must not take IPv4 addresses in. */
	c->return_prefixes[2].len = 80;
	c->n_return_prefixes = 3;
}

static int clock_write(struct env *e, const struct stampede_clock *clk)
{
	__u32 key = 0;

	if (bpf_map_update_elem(e->clock_fd, &key, clk, BPF_ANY))
		return -errno;
	e->clk = *clk;
	return 0;
}

/*
 * The local_set map: our address of each family at index @at (1..8; 0 for
 * none), the other entries filled with addresses that are not ours, our
 * subnet's directed broadcast, and the "more in local_addrs" flags for
 * both families set to @more.
 */
static int local_set_write(struct env *e, int at_v4, int at_v6, bool more)
{
	struct stampede_local_set set;
	uint8_t v[16];
	__u32 key = 0;
	int i;

	memset(&set, 0, sizeof(set));
	set.n_v4 = set.n_v6 = STAMPEDE_LOCAL_SET_ADDRS;
	set.more_v4 = set.more_v6 = more;
	for (i = 0; i < STAMPEDE_LOCAL_SET_ADDRS; i++) {
		pb_v4(v, 203, 0, 113, (uint8_t)(10 + i));
		memcpy(&set.v4[i], v, 4);
		pb_v6(set.v6[i].b, 3, (uint16_t)(10 + i));
	}
	if (at_v4) {
		addr_us(4, v);
		memcpy(&set.v4[at_v4 - 1], v, 4);
		set.n_v4 = (uint8_t)at_v4;
	}
	if (at_v6) {
		addr_us(6, set.v6[at_v6 - 1].b);
		set.n_v6 = (uint8_t)at_v6;
	}
	/* Our subnet's directed broadcast, as the controller lists it. */
	addr_us_bcast(v);
	memcpy(&set.bcast_v4[0], v, 4);
	set.n_bcast_v4 = 1;
	if (bpf_map_update_elem(bpf_map__fd(e->skel->maps.local_set), &key, &set, BPF_ANY))
		return -errno;
	return 0;
}

static void env_unload(struct env *e)
{
	stampede_bpf__destroy(e->skel);
	memset(e, 0, sizeof(*e));
}

/* Opens, configures and loads the reflector; fills local_addrs and clock. */
static int env_load(struct env *e, enum cfg_id id, char *err, size_t errlen)
{
	const struct cfg_desc *c = &cfgs[id];
	struct stampede_clock clk = {0};
	union stampede_addr a;
	__u8 local = STAMPEDE_ADDR_LOCAL;
	uint8_t v[16];
	int i, ret;

	memset(e, 0, sizeof(*e));
	e->cfg = c;
	e->reply_ee = c->reply_ee;
	e->skel = stampede_bpf__open();
	if (!e->skel) {
		snprintf(err, errlen, "stampede_bpf__open: %s", strerror(errno));
		return -1;
	}
	memset(&e->skel->rodata->cfg, 0, sizeof(e->skel->rodata->cfg));
	for (i = 0; i < c->n_ports; i++)
		e->skel->rodata->cfg.ports[i] = htons(c->ports[i]);
	e->skel->rodata->cfg.n_ports = (__u8)c->n_ports;
	for (i = 0; i < c->n_auth_ports; i++)
		e->skel->rodata->cfg.auth_ports[i] = htons(c->auth_ports[i]);
	e->skel->rodata->cfg.n_auth_ports = (__u8)c->n_auth_ports;
	e->skel->rodata->cfg.reply_ttl = c->reply_ttl;
	e->skel->rodata->cfg.flags = c->flags;
	if (c->tlv_options)
		tlv_config(&e->skel->rodata->cfg);
	/* What the controller does: the set mask matches the map, a secret is set. */
	if (c->one_set && bpf_map__set_max_entries(e->skel->maps.sessions, 1)) {
		snprintf(err, errlen, "cannot size the sessions map: %s", strerror(errno));
		env_unload(e);
		return -1;
	}
	e->skel->rodata->cfg.session_set_mask = bpf_map__max_entries(e->skel->maps.sessions) - 1;
	e->skel->rodata->cfg.session_seed = TEST_SESSION_SEED;
	/* As the controller does: the program and fallbacks this kernel takes. */
	reflector_prepare(e->skel, kernel_features(),
			  (struct stampede_config *)&e->skel->rodata->cfg);
	e->flags = e->skel->rodata->cfg.flags;
	verifier_stats_keep(reflector_program(e->skel), e->verifier_log, sizeof(e->verifier_log));
	ret = stampede_bpf__load(e->skel);
	if (ret) {
		snprintf(err, errlen, "stampede_bpf__load: %s%s", strerror(-ret),
			 geteuid() ? " (not root)" : "");
		env_unload(e);
		return -1;
	}
	e->prog_fd = bpf_program__fd(reflector_program(e->skel));
	/* The distance to the verifier's limit, per configuration and kernel. */
	note("verifier: %s on %s: %s processed %ld insns (limit %d)", c->name,
	     kernel_features()->release, bpf_program__name(reflector_program(e->skel)),
	     verifier_processed_insns(e->verifier_log), VERIFIER_INSNS_LIMIT);
	e->stats_fd = bpf_map__fd(e->skel->maps.stats);
	e->sessions_fd = bpf_map__fd(e->skel->maps.sessions);
	e->clock_fd = bpf_map__fd(e->skel->maps.clock);
	e->ncpu = libbpf_num_possible_cpus();

	addr_us(4, v);
	addr_mapped(&a, v);
	ret = bpf_map_update_elem(bpf_map__fd(e->skel->maps.local_addrs), &a, &local, BPF_ANY);
	addr_us(6, a.b);
	ret = ret
		      ?: bpf_map_update_elem(bpf_map__fd(e->skel->maps.local_addrs), &a, &local,
					     BPF_ANY);
	addr_us_bcast(v);
	addr_mapped(&a, v);
	ret = ret
		      ?: bpf_map_update_elem(bpf_map__fd(e->skel->maps.local_addrs), &a,
					     &(__u8){STAMPEDE_ADDR_BROADCAST}, BPF_ANY);
	ret = ret ?: local_set_write(e, 1, 1, c->tlv_options);
	if (!ret && c->tlv_options) {
		addr_us2(4, v);
		addr_mapped(&a, v);
		ret = bpf_map_update_elem(bpf_map__fd(e->skel->maps.local_addrs), &a, &local,
					  BPF_ANY);
		addr_us2(6, a.b);
		ret = ret
			      ?: bpf_map_update_elem(bpf_map__fd(e->skel->maps.local_addrs), &a,
						     &local, BPF_ANY);
	}
	clk.tai_offset_ns = TAI_OFFSET_NS;
	clk.error_estimate = EE_MAP;
	/* As the controller publishes it when the kernel's TAI - UTC is set. */
	clk.ptp_error_estimate = EE_MAP;
	clk.tai_source = STAMPEDE_TAI_KERNEL;
	clk.boot_to_tai_ns = measure_boot_to_tai();
	clk.updated_tai_ns = clock_ns(CLOCK_TAI);
	ret = ret ?: clock_write(e, &clk);
	if (ret || e->ncpu <= 0) {
		snprintf(err, errlen, "filling the maps: %s", strerror(errno));
		env_unload(e);
		return -1;
	}
	return 0;
}

/* Sum of each counter over the CPUs. */
static int stats_read(const struct env *e, uint64_t sum[NCNT])
{
	struct stampede_stats *v = calloc((size_t)e->ncpu, sizeof(*v));
	__u32 key = 0;
	int cpu, i, ret = 0;

	memset(sum, 0, NCNT * sizeof(sum[0]));
	if (!v)
		return -ENOMEM;
	if (bpf_map_lookup_elem(e->stats_fd, &key, v))
		ret = -errno;
	for (cpu = 0; !ret && cpu < e->ncpu; cpu++)
		for (i = 0; i < NCNT; i++)
			sum[i] += ((const __u64 *)&v[cpu])[i];
	free(v);
	return ret;
}

/* ---- Running frames ----------------------------------------------------- */

struct run {
	int err;
	uint32_t retval;
	uint32_t out_len;
	uint64_t t0, t1; /* the program's clock just before and after */
	uint64_t delta[NCNT];
	uint8_t out[OUT_MAX];
};

/* One frame, without the counters: for loops of many frames. */
static int run_bare(struct env *e, const uint8_t *in, size_t len, uint8_t *out, size_t out_size,
		    uint32_t *out_len, uint32_t *retval)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = in, .data_size_in = (__u32)len,
		    .data_out = out, .data_size_out = (__u32)out_size, .repeat = 1);
	int ret = bpf_prog_test_run_opts(e->prog_fd, &opts);

	if (ret)
		return ret;
	e->frames++;
	*out_len = opts.data_size_out;
	*retval = opts.retval;
	return 0;
}

static void run_frame(struct env *e, const uint8_t *in, size_t len, struct run *r)
{
	uint64_t before[NCNT], after[NCNT];
	int i;

	memset(r, 0, offsetof(struct run, out));
	r->err = stats_read(e, before);
	r->t0 = env_now(e);
	r->err = r->err ?: run_bare(e, in, len, r->out, sizeof(r->out), &r->out_len, &r->retval);
	r->t1 = env_now(e);
	r->err = r->err ?: stats_read(e, after);
	for (i = 0; i < NCNT; i++)
		r->delta[i] = after[i] - before[i];
}

static bool check_ran(struct tc *t, const struct run *r)
{
	return CHECK(t, !r->err, "running the frame failed: %s", strerror(-r->err));
}

/* Every counter moved by exactly what is expected. */
static void check_counters(struct tc *t, const uint64_t *delta, const struct cnt *x)
{
	int i;

	for (i = 0; i < NCNT; i++)
		CHECK(t, delta[i] == x->d[i], "counter %s moved by %llu, expected %llu",
		      cnt_name[i], (unsigned long long)delta[i], (unsigned long long)x->d[i]);
}

/* ---- Frames ------------------------------------------------------------- */

static const uint8_t mac_us[6] = {0x02, 0x00, 0x5e, 0x10, 0x00, 0x01};
static const uint8_t mac_peer[6] = {0x02, 0x00, 0x5e, 0x10, 0x00, 0x07};
/* Session-Sender timestamp: copied back, never interpreted */
static const uint8_t t1_ts[8] = {0xe9, 0x8f, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc};

/* A Session-Sender base packet with junk in its MBZ octets. */
static size_t sender(uint8_t *p, uint32_t seq, uint16_t ssid)
{
	return pb_stamp_sender(p, seq, t1_ts, SENDER_EE, ssid, MBZ_JUNK);
}

/* The standard request: peer -> us, port 40000 -> 862, TTL 57, DSCP EF and
 * ECT(1), IPv4 with DF, a valid UDP checksum. */
static void spec_std(struct pb_spec *s, int ipv, const uint8_t *payload, size_t plen)
{
	memset(s, 0, sizeof(*s));
	memcpy(s->dmac, mac_us, 6);
	memcpy(s->smac, mac_peer, 6);
	s->ipv = ipv;
	addr_peer(ipv, s->src);
	addr_us(ipv, s->dst);
	s->tos = 0xb9;
	s->flow = ipv == 6 ? 0x5eed1 : 0;
	s->ttl = SENDER_TTL;
	s->ip_id = 0x1234;
	s->frag = ipv == 4 ? 0x4000 : 0;
	s->sport = SENDER_PORT;
	s->dport = STAMP_PORT;
	s->csum = PB_CSUM_VALID;
	s->payload = payload;
	s->plen = plen;
}

static void build(struct pb_frame *f, const struct pb_spec *s)
{
	if (!pb_build(f, s)) {
		fprintf(stderr, "xdp_unit: a test frame does not fit in %d octets\n", PB_MAX_FRAME);
		exit(1);
	}
}

/* The standard request carrying the standard 44-octet sender packet. */
static uint8_t std_payload[CK_BASE_LEN];

#define STD_SPEC(s, ipv) spec_std(&(s), (ipv), std_payload, sizeof(std_payload))

static void set_vlans(struct pb_spec *s, int n)
{
	static const uint16_t tpid[3][3] = {
		{PB_ETH_VLAN}, {PB_ETH_QINQ, PB_ETH_VLAN}, {PB_ETH_QINQ, PB_ETH_VLAN, PB_ETH_VLAN}};
	static const uint16_t tci[3] = {0x00c8, 0xa064, 0x0123};
	int i;

	s->nvlan = n;
	for (i = 0; i < n; i++) {
		s->tpid[i] = tpid[n - 1][i];
		s->tci[i] = tci[3 - n + i];
	}
}

/* 1 to 4 extension headers the reflector skips; routing with Segments Left 0. */
static void set_ext_chain(struct pb_spec *s, int n)
{
	static const struct pb_ext chains[5][4] = {
		[1] = {{PB_IP_HBH, 0, 0, 0}},
		[2] = {{PB_IP_HBH, 0, 0, 0}, {PB_IP_DSTOPT, 1, 0, 0}},
		[3] = {{PB_IP_HBH, 1, 0, 0}, {PB_IP_RT, 4, 0, 0}, {PB_IP_DSTOPT, 0, 0, 0}},
		[4] = {{PB_IP_HBH, 0, 0, 0},
		       {PB_IP_DSTOPT, 0, 0, 0},
		       {PB_IP_RT, 2, 0, 0},
		       {PB_IP_DSTOPT, 2, 0, 0}},
	};

	s->next = n;
	memcpy(s->ext, chains[n], sizeof(chains[n]));
}

/* ---- The reply check ---------------------------------------------------- */

/* What a reply must carry besides what follows from the request. */
struct rexp {
	bool seq_set; /* stateful: the reflector Sequence Number is seq */
	uint32_t seq;
	const uint8_t *tlv; /* expected payload octets 44.., NULL: as sent */
	struct cnt extra;   /* counters besides reflected and twamp_light */
	bool tos_set;	    /* a Class of Service TLV re-marks the reply with tos */
	uint8_t tos;
	long resize;	    /* the reply's payload is this much longer (shorter) */
	const uint8_t *src; /* the reply's source address, NULL: the request's destination */
	const uint8_t *dst; /* the reply's destination, NULL: the request's source */
};

struct field {
	const char *name;
	size_t start, len;
};

/* Names the field at frame offset off of a reply to f. */
static struct field frame_field(const struct pb_frame *f, size_t off)
{
	static const struct field v4[] = {
		{"IPv4 version/IHL", 0, 1},  {"IPv4 TOS", 1, 1},
		{"IPv4 Total Length", 2, 2}, {"IPv4 Identification", 4, 2},
		{"IPv4 flags/offset", 6, 2}, {"IPv4 TTL", 8, 1},
		{"IPv4 Protocol", 9, 1},     {"IPv4 header checksum", 10, 2},
		{"IPv4 source", 12, 4},	     {"IPv4 destination", 16, 4},
	};
	static const struct field v6[] = {
		{"IPv6 version/class/flow", 0, 4},
		{"IPv6 Payload Length", 4, 2},
		{"IPv6 Next Header", 6, 1},
		{"IPv6 Hop Limit", 7, 1},
		{"IPv6 source", 8, 16},
		{"IPv6 destination", 24, 16},
	};
	static const struct field udp[] = {
		{"UDP source port", 0, 2},
		{"UDP destination port", 2, 2},
		{"UDP Length", 4, 2},
		{"UDP checksum", 6, 2},
	};
	static const struct field stamp[] = {
		{"Sequence Number", CK_R_SEQ, 4},
		{"Timestamp (T3)", CK_R_T3, 8},
		{"Error Estimate", CK_R_EE, 2},
		{"SSID", CK_R_SSID, 2},
		{"Receive Timestamp (T2)", CK_R_T2, 8},
		{"Session-Sender Sequence Number", CK_R_S_SEQ, 4},
		{"Session-Sender Timestamp", CK_R_S_TS, 8},
		{"Session-Sender Error Estimate", CK_R_S_EE, 2},
		{"MBZ (38..39)", CK_R_MBZ0, 2},
		{"Ses-Sender TTL", CK_R_S_TTL, 1},
		{"MBZ (41..43)", CK_R_MBZ1, 3},
	};
	const struct field *tab = NULL;
	size_t n = 0, base = 0, i,
	       udp_end = f->pl + (f->plen > CK_BASE_LEN ? f->plen : CK_BASE_LEN);
	struct field r = {"trailer after the UDP datagram", off, 1};

	if (off < 12)
		return (struct field){off < 6 ? "destination MAC" : "source MAC", off < 6 ? 0 : 6,
				      6};
	if (off < f->l3)
		return (struct field){"VLAN tags/EtherType", 12, f->l3 - 12};
	if (off < f->l3 + f->iphl) {
		base = f->l3;
		tab = f->ipv == 4 ? v4 : v6;
		n = f->ipv == 4 ? ARRAY_SIZE(v4) : ARRAY_SIZE(v6);
		r = (struct field){"IPv4 options", f->l3 + 20, f->iphl - 20};
	} else if (off < f->l4) {
		return (struct field){"IPv6 extension headers", f->l3 + 40, f->ext_len};
	} else if (off < f->pl) {
		base = f->l4;
		tab = udp;
		n = ARRAY_SIZE(udp);
	} else if (off < f->pl + CK_BASE_LEN) {
		base = f->pl;
		tab = stamp;
		n = ARRAY_SIZE(stamp);
	} else if (off < udp_end) {
		return (struct field){"TLV area", off, 1};
	}
	for (i = 0; i < n; i++)
		if (off >= base + tab[i].start && off < base + tab[i].start + tab[i].len)
			return (struct field){tab[i].name, base + tab[i].start, tab[i].len};
	return r;
}

/* The checksum field holds an equal one's complement value (0 and 0xffff). */
static bool ones_equal(uint16_t a, uint16_t b)
{
	return a % 0xffff == b % 0xffff;
}

static uint16_t ipv4_hdr_sum(const uint8_t *ip)
{
	return ck_fold(ck_sum(0, ip, (size_t)(ip[0] & 0x0f) * 4));
}

/* Folded sum over pseudo-header and UDP datagram of the frame at l3/l4. */
static uint16_t udp_sum(const uint8_t *b, int ipv, size_t l3, size_t l4, size_t udplen)
{
	const uint8_t *ip = b + l3;

	return ck_udp_verify_sum(ipv, ip + (ipv == 4 ? 12 : 8), ip + (ipv == 4 ? 16 : 24), b + l4,
				 (uint32_t)udplen);
}

/* Decodes a reply timestamp into [lo, hi] TAI ns; false if it is not valid. */
static bool decode_ts(const struct env *e, const uint8_t *ts, uint64_t ref, uint64_t *lo,
		      uint64_t *hi)
{
	if (e->cfg->flags & STAMPEDE_F_PTP) {
		/* PTP is TAI: CLOCK_TAI plus what the controller adds when the kernel's offset is unset. */
		if (ck_ptp_to_tai(ts, ref + (uint64_t)e->clk.ptp_adjust_ns, lo, hi))
			return false;
		*lo -= (uint64_t)e->clk.ptp_adjust_ns;
		*hi -= (uint64_t)e->clk.ptp_adjust_ns;
		return true;
	}
	ck_ntp_to_tai(ts, e->clk.tai_offset_ns, ref, lo, hi);
	return true;
}

/* before <= T2 <= T3 <= after, on the program's clock; T2 into t2_iv (if set). */
static void check_timestamps(struct tc *t, const struct env *e, const struct run *r, size_t pl,
			     uint64_t t2_iv[2])
{
	const uint8_t *t3p = r->out + pl + CK_R_T3, *t2p = r->out + pl + CK_R_T2;
	uint64_t t2lo, t2hi, t3lo, t3hi;
	char a[32], b[32];

	hex(a, sizeof(a), t2p, 8);
	hex(b, sizeof(b), t3p, 8);
	if (!CHECK(t, decode_ts(e, t2p, r->t0, &t2lo, &t2hi), "T2 %s: nanoseconds >= 10^9", a) ||
	    !CHECK(t, decode_ts(e, t3p, r->t0, &t3lo, &t3hi), "T3 %s: nanoseconds >= 10^9", b))
		return;
	CHECK(t, t2hi >= r->t0, "T2 %s decodes to %llu ns TAI, %lld ns before the run started", a,
	      (unsigned long long)t2lo, (long long)(r->t0 - t2hi));
	CHECK(t, t3lo <= r->t1, "T3 %s decodes to %llu ns TAI, %lld ns after the run ended", b,
	      (unsigned long long)t3lo, (long long)(t3lo - r->t1));
	CHECK(t, t2lo <= t3hi, "T2 %s is %lld ns after T3 %s", a, (long long)(t2lo - t3hi), b);
	/* One clock read unless clock-reads 2: T3 is T2. */
	if (!(e->cfg->flags & STAMPEDE_F_T3_READ))
		CHECK(t, !memcmp(t2p, t3p, 8), "T3 %s differs from T2 %s with one clock read", b,
		      a);
	if (t2_iv) {
		t2_iv[0] = t2lo;
		t2_iv[1] = t2hi;
	}
}

static void check_csums(struct tc *t, const struct pb_frame *f, const struct run *r, size_t grow)
{
	size_t udplen = ck_get16(f->b + f->l4 + 4) + grow;
	uint16_t req_ck = ck_get16(f->b + f->l4 + 6), rep_ck = ck_get16(r->out + f->l4 + 6);
	uint16_t req_sum, rep_sum;

	if (f->ipv == 4) {
		req_sum = ipv4_hdr_sum(f->b + f->l3);
		rep_sum = ipv4_hdr_sum(r->out + f->l3);
		CHECK(t, ones_equal(rep_sum, req_sum),
		      "IPv4 header checksum 0x%04x: the reply header sums to 0x%04x, the "
		      "request's summed to 0x%04x (0xffff is valid)",
		      ck_get16(r->out + f->l3 + 10), rep_sum, req_sum);
	}
	if (f->ipv == 4 && !req_ck) {
		CHECK(t, rep_ck == 0, "UDP checksum 0x%04x, expected 0: the IPv4 request had none",
		      rep_ck);
		return;
	}
	CHECK(t, rep_ck != 0, "UDP checksum 0 (the request had 0x%04x)", req_ck);
	if (f->l4 + udplen > r->out_len)
		return;
	req_sum = udp_sum(f->b, f->ipv, f->l3, f->l4, udplen - grow);
	rep_sum = udp_sum(r->out, f->ipv, f->l3, f->l4, udplen);
	CHECK(t, ones_equal(rep_sum, req_sum),
	      "UDP checksum 0x%04x: the reply sums to 0x%04x, the request (checksum 0x%04x) "
	      "summed to 0x%04x (0xffff is valid)",
	      rep_ck, rep_sum, req_ck, req_sum);
}

/*
 * The reply to request f, run as r: the request with MACs, addresses and
 * ports swapped, TTL/Hop Limit cfg.reply_ttl, lengths grown for TWAMP-Light
 * and the 44-octet reflector packet over the payload; checksums verified,
 * timestamps inside the run, counters.  t2_iv (may be NULL) gets T2.
 */
static void check_reply_t2(struct tc *t, const struct env *e, const struct pb_frame *f,
			   const struct run *r, const struct rexp *x, uint64_t t2_iv[2])
{
	size_t twamp_grow = f->plen < CK_BASE_LEN ? CK_BASE_LEN - f->plen : 0;
	/* Unsigned, wrapping for a shrink: lengths add it modulo 2^64. */
	size_t grow = twamp_grow ? twamp_grow : (size_t)x->resize;
	size_t n = grow ? f->ip_end + grow : f->len, i, addr = f->ipv == 4 ? 12 : 8;
	size_t alen = f->ipv == 4 ? 4 : 16, shown = 0;
	static uint8_t E[OUT_MAX], M[OUT_MAX];
	const uint8_t *q = f->b + f->pl;
	uint8_t *ip = E + f->l3, *u = E + f->l4, *p = E + f->pl;
	struct cnt c = x->extra;
	char a[64], b[64];

	if (!check_ran(t, r))
		return;
	CHECK(t, r->retval == XDP_RET_TX, "retval %u, expected XDP_TX (3)", r->retval);
	if (!CHECK(t, r->out_len == f->len + grow, "reply is %u octets, expected %zu (request %zu)",
		   r->out_len, f->len + grow, f->len))
		n = n < r->out_len ? n : r->out_len;

	/* The expected reply; M[i] is 0 where a value is checked elsewhere. */
	memset(E, 0, n);
	memcpy(E, f->b, n < f->len ? n : f->len);
	memset(M, 1, n);
	memcpy(E, f->b + 6, 6);
	memcpy(E + 6, f->b, 6);
	memcpy(ip + addr, x->src ? x->src : f->b + f->l3 + addr + alen, alen);
	memcpy(ip + addr + alen, x->dst ? x->dst : f->b + f->l3 + addr, alen);
	if (f->ipv == 4) {
		ip[8] = e->cfg->reply_ttl;
		ck_put16(ip + 2, (uint16_t)(ck_get16(ip + 2) + grow));
		M[f->l3 + 10] = M[f->l3 + 11] = 0;
		if (x->tos_set)
			ip[1] = x->tos;
	} else {
		ip[7] = e->cfg->reply_ttl;
		ck_put16(ip + 4, (uint16_t)(ck_get16(ip + 4) + grow));
		if (x->tos_set) {
			ip[0] = (uint8_t)(0x60 | x->tos >> 4);
			ip[1] = (uint8_t)((x->tos & 0x0f) << 4 | (ip[1] & 0x0f));
		}
	}
	ck_put16(u, ck_get16(f->b + f->l4 + 2));
	ck_put16(u + 2, ck_get16(f->b + f->l4));
	ck_put16(u + 4, (uint16_t)(ck_get16(u + 4) + grow));
	M[f->l4 + 6] = M[f->l4 + 7] = 0;

	memset(p, 0, CK_BASE_LEN);
	ck_put32(p + CK_R_SEQ, x->seq_set ? x->seq : ck_get32(q + CK_S_SEQ));
	memset(M + f->pl + CK_R_T3, 0, 8);
	ck_put16(p + CK_R_EE, e->reply_ee);
	ck_put16(p + CK_R_SSID, f->plen >= 16 ? ck_get16(q + CK_S_SSID) : 0);
	memset(M + f->pl + CK_R_T2, 0, 8);
	memcpy(p + CK_R_S_SEQ, q + CK_S_SEQ, 4);
	memcpy(p + CK_R_S_TS, q + CK_S_TS, 8);
	memcpy(p + CK_R_S_EE, q + CK_S_EE, 2);
	p[CK_R_S_TTL] = f->b[f->l3 + (f->ipv == 4 ? 8 : 7)];
	if (x->tlv && f->plen > CK_BASE_LEN)
		memcpy(p + CK_BASE_LEN, x->tlv, f->plen + grow - CK_BASE_LEN);

	for (i = 0; i < n && shown < 3; i++) {
		struct field fl;

		if (!M[i] || E[i] == r->out[i])
			continue;
		fl = frame_field(f, i);
		if (fl.len > 16 || fl.start + fl.len > n)
			fl = (struct field){fl.name, i, 1};
		hex(a, sizeof(a), E + fl.start, fl.len);
		hex(b, sizeof(b), r->out + fl.start, fl.len);
		failf(t, "%s (frame octets %zu..%zu): expected %s, got %s", fl.name, fl.start,
		      fl.start + fl.len - 1, a, b);
		shown++;
		i = fl.start + fl.len - 1;
	}
	if (r->out_len >= f->pl + CK_BASE_LEN) {
		check_csums(t, f, r, grow);
		check_timestamps(t, e, r, f->pl, t2_iv);
	}
	c.d[STAMPEDE_CNT_reflected] += 1;
	if (twamp_grow)
		c.d[STAMPEDE_CNT_twamp_light] += 1;
	check_counters(t, r->delta, &c);
}

static void check_reply(struct tc *t, const struct env *e, const struct pb_frame *f,
			const struct run *r, const struct rexp *x)
{
	check_reply_t2(t, e, f, r, x, NULL);
}

/* Runs request f and checks it comes back as the reply x describes. */
static void reflect_check(struct env *e, struct tc *t, const struct pb_frame *f,
			  const struct rexp *x)
{
	static struct run r;

	run_frame(e, f->b, f->len, &r);
	check_reply(t, e, f, &r, x);
}

static const struct rexp plain = {0};

/* ---- The pass check ----------------------------------------------------- */

/* XDP_PASS, the frame byte for byte as it was, exactly counter +1. */
static void check_passed(struct tc *t, const uint8_t *in, size_t len, const struct run *r,
			 int counter)
{
	struct cnt c = {0};
	size_t i, n = len < r->out_len ? len : r->out_len;

	if (!check_ran(t, r))
		return;
	CHECK(t, r->retval == XDP_RET_PASS, "retval %u, expected XDP_PASS (2)", r->retval);
	CHECK(t, r->out_len == len, "frame is %u octets, expected %zu unchanged", r->out_len, len);
	for (i = 0; i < n; i++)
		if (in[i] != r->out[i])
			break;
	CHECK(t, i == n, "frame changed at octet %zu: 0x%02x became 0x%02x", i, in[i],
	      r->out[i < n ? i : 0]);
	if (counter >= 0) /* -1: nothing may be counted */
		c.d[counter] = 1;
	check_counters(t, r->delta, &c);
}

static void pass_check(struct env *e, struct tc *t, const struct pb_frame *f, int counter)
{
	static struct run r;

	run_frame(e, f->b, f->len, &r);
	check_passed(t, f->b, f->len, &r, counter);
}

/* ---- Tests: reply fields ------------------------------------------------ */

struct shape {
	int ipv, nvlan, optlen, next;
};

/* The standard request in a given shape: every field of the reply. */
static void t_reply_shape(struct env *e, struct tc *t, const void *arg)
{
	const struct shape *sh = arg;
	struct pb_spec s;
	struct pb_frame f;

	STD_SPEC(s, sh->ipv);
	set_vlans(&s, sh->nvlan);
	s.optlen = sh->optlen;
	if (sh->next)
		set_ext_chain(&s, sh->next);
	build(&f, &s);
	reflect_check(e, t, &f, &plain);
}

/* Sender sequence numbers and SSIDs at the extremes come back verbatim. */
static void t_reply_extremes(struct env *e, struct tc *t, __maybe_unused const void *arg)
{
	static const uint32_t seqs[] = {0, 0xffffffff, 0x80000000};
	static const uint16_t ssids[] = {0, 0xffff, 1};
	uint8_t pl[CK_BASE_LEN];
	struct pb_spec s;
	struct pb_frame f;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(seqs); i++) {
		spec_std(&s, i & 1 ? 6 : 4, pl, sender(pl, seqs[i], ssids[i]));
		s.ttl = (uint8_t)(i ? 255 - i : 1);
		build(&f, &s);
		reflect_check(e, t, &f, &plain);
	}
}

/* ---- Tests: Error Estimate and timestamps ------------------------------- */

/* The map's estimate (arg) written, the standard request reflected with
 * reply_ee expected, the map restored. */
struct ee_case {
	uint16_t map, reply;
};

static void t_ee_map(struct env *e, struct tc *t, const void *arg)
{
	const struct ee_case *ec = arg;
	struct stampede_clock clk = e->clk, saved = e->clk;
	struct pb_spec s;
	struct pb_frame f;
	int ipv;

	clk.error_estimate = ec->map;
	clk.ptp_error_estimate = ec->map;
	if (!CHECK(t, !clock_write(e, &clk), "writing the clock map failed"))
		return;
	e->reply_ee = ec->reply;
	for (ipv = 4; ipv <= 6; ipv += 2) {
		STD_SPEC(s, ipv);
		build(&f, &s);
		reflect_check(e, t, &f, &plain);
	}
	e->reply_ee = e->cfg->reply_ee;
	clock_write(e, &saved);
}

/*
 * The kernel's TAI - UTC unset (CLOCK_TAI is UTC): PTP timestamps carry
 * the offset the controller took from the leap-seconds list, and the
 * Error Estimate published for PTP (here S=0, Scale 10, Multiplier 5).
 */
static void t_ptp_tai_from_list(struct env *e, struct tc *t, __maybe_unused const void *arg)
{
	struct stampede_clock clk = e->clk, saved = e->clk;
	struct pb_spec s;
	struct pb_frame f;

	clk.tai_offset_ns = 0;
	clk.ptp_adjust_ns = 37 * (int64_t)CK_NSEC;
	clk.ptp_error_estimate = 0x0a05;
	clk.tai_source = STAMPEDE_TAI_LEAP_LIST;
	if (!CHECK(t, !clock_write(e, &clk), "writing the clock map failed"))
		return;
	e->reply_ee = 0x0a05 | CK_EE_Z;
	STD_SPEC(s, 4);
	build(&f, &s);
	reflect_check(e, t, &f, &plain);
	e->reply_ee = e->cfg->reply_ee;
	clock_write(e, &saved);
}

/* The clock map's offset (TAI - UTC for NTP, TAI - boot for CLOCK_BOOT)
 * changed by arg seconds: the timestamps follow it. */
static void t_clock_offset(struct env *e, struct tc *t, const void *arg)
{
	int64_t shift = (int64_t) * (const int *)arg * (int64_t)CK_NSEC;
	struct stampede_clock clk = e->clk, saved = e->clk;
	struct pb_spec s;
	struct pb_frame f;

	if (e->flags & STAMPEDE_F_CLOCK_BOOT)
		clk.boot_to_tai_ns += shift;
	else
		clk.tai_offset_ns = (uint64_t)((int64_t)clk.tai_offset_ns + shift);
	if (!CHECK(t, !clock_write(e, &clk), "writing the clock map failed"))
		return;
	STD_SPEC(s, 4);
	build(&f, &s);
	reflect_check(e, t, &f, &plain);
	clock_write(e, &saved);
}

/*
 * local_set and local_addrs together: an address found in the set is
 * answered whatever the hash holds; one past the set is looked up in the
 * hash only when the set says the family has more; the last slot in use
 * counts, the one after it does not.  arg: the IP version.
 */
static void t_local_set(struct env *e, struct tc *t, const void *arg)
{
	int ipv = *(const int *)arg, v4 = ipv == 4, v6 = ipv == 6;
	union stampede_addr a;
	struct pb_spec s;
	struct pb_frame f;
	uint8_t v[16];

	STD_SPEC(s, ipv);
	build(&f, &s);
	/* Our address only in the hash: answered through it when more is set. */
	if (!CHECK(t, !local_set_write(e, 0, 0, true), "writing local_set failed"))
		return;
	reflect_check(e, t, &f, &plain);
	local_set_write(e, 0, 0, false);
	pass_check(e, t, &f, STAMPEDE_CNT_not_local);
	/* In the set's last slot, not in the hash: answered from the set. */
	addr_us(ipv, v);
	if (ipv == 4)
		addr_mapped(&a, v);
	else
		memcpy(a.b, v, 16);
	bpf_map_delete_elem(bpf_map__fd(e->skel->maps.local_addrs), &a);
	local_set_write(e, v4 * STAMPEDE_LOCAL_SET_ADDRS, v6 * STAMPEDE_LOCAL_SET_ADDRS, false);
	reflect_check(e, t, &f, &plain);
	/* One slot beyond n: not looked at. */
	local_set_write(e, v4 * STAMPEDE_LOCAL_SET_ADDRS, v6 * STAMPEDE_LOCAL_SET_ADDRS, false);
	{
		struct stampede_local_set set;
		__u32 key = 0;

		bpf_map_lookup_elem(bpf_map__fd(e->skel->maps.local_set), &key, &set);
		if (ipv == 4)
			set.n_v4--;
		else
			set.n_v6--;
		bpf_map_update_elem(bpf_map__fd(e->skel->maps.local_set), &key, &set, BPF_ANY);
	}
	pass_check(e, t, &f, STAMPEDE_CNT_not_local);
	/* Back to the state env_load made. */
	bpf_map_update_elem(bpf_map__fd(e->skel->maps.local_addrs), &a,
			    &(__u8){STAMPEDE_ADDR_LOCAL}, BPF_ANY);
	local_set_write(e, 1, 1, false);
}

/* The standard request from @src to @dst (4 or 16 octets; NULL: the usual address). */
static void std_addrs(struct pb_frame *f, int ipv, const uint8_t *src, const uint8_t *dst)
{
	struct pb_spec s;

	STD_SPEC(s, ipv);
	if (src)
		memcpy(s.src, src, ipv == 4 ? 4 : 16);
	if (dst)
		memcpy(s.dst, dst, ipv == 4 ? 4 : 16);
	build(f, &s);
}

static int local_set_put(struct env *e, const struct stampede_local_set *set)
{
	__u32 key = 0;

	return bpf_map_update_elem(bpf_map__fd(e->skel->maps.local_set), &key, set, BPF_ANY);
}

/*
 * Sources that name this interface are refused (bad_source): another of
 * its addresses, and (IPv4) its subnet's directed broadcast, found in the
 * set the controller fills (addrs_fill_set) and, when the set does not
 * hold them all, in the local_addrs hash by their tag.  A request to the
 * directed broadcast is not ours to answer (not_local); a neighbour's is
 * still answered.  arg: the IP version.
 */
static void t_own_sources(struct env *e, struct tc *t, const void *arg)
{
	int ipv = *(const int *)arg;
	union stampede_addr list[3], a2;
	struct stampede_local_set set;
	uint8_t us[16], us2[16], bc[16];
	static struct pb_frame f;
	int hash = bpf_map__fd(e->skel->maps.local_addrs);
	unsigned int n = 0;

	addr_us(ipv, us);
	addr_us2(ipv, us2);
	addr_us_bcast(bc);
	if (ipv == 4) {
		addr_mapped(&list[n++], us);
		addr_mapped(&list[n++], us2);
		addr_mapped(&a2, us2);
		addr_mapped(&list[n++], bc);
	} else {
		memcpy(list[n++].b, us, 16);
		memcpy(list[n++].b, us2, 16);
		memcpy(a2.b, us2, 16);
	}
	/* Both addresses in the set, as the controller fills it. */
	addrs_fill_set(&set, list, 2, n);
	if (!CHECK(t, !local_set_put(e, &set), "writing local_set failed"))
		return;
	std_addrs(&f, ipv, us2, NULL);
	pass_check(e, t, &f, STAMPEDE_CNT_bad_source);
	if (ipv == 4) {
		std_addrs(&f, 4, bc, NULL);
		pass_check(e, t, &f, STAMPEDE_CNT_bad_source);
	}
	/* Only the first address in the set; the rest in the hash, tagged. */
	addrs_fill_set(&set, list, 1, 1);
	set.more_v4 = set.more_v6 = set.more_bcast_v4 = 1;
	if (!CHECK(t, !bpf_map_update_elem(hash, &a2, &(__u8){STAMPEDE_ADDR_LOCAL}, BPF_ANY),
		   "writing local_addrs failed") ||
	    !CHECK(t, !local_set_put(e, &set), "writing local_set failed"))
		return;
	std_addrs(&f, ipv, us2, NULL);
	pass_check(e, t, &f, STAMPEDE_CNT_bad_source);
	if (ipv == 4) {
		std_addrs(&f, 4, bc, NULL);
		pass_check(e, t, &f, STAMPEDE_CNT_bad_source);
		/* From a neighbour to the broadcast: in the hash, but not as ours. */
		std_addrs(&f, 4, NULL, bc);
		pass_check(e, t, &f, STAMPEDE_CNT_not_local);
	}
	/* A neighbour, looked up in the hash and not found: answered. */
	std_addrs(&f, ipv, NULL, NULL);
	reflect_check(e, t, &f, &plain);
	/* Back to the state env_load made. */
	bpf_map_delete_elem(hash, &a2);
	local_set_write(e, 1, 1, false);
}

/* The controller's directed broadcasts: the prefix's last address, none for /31 and /32. */
static void t_addrs_broadcast(__maybe_unused struct env *e, struct tc *t,
			      __maybe_unused const void *arg)
{
	static const struct {
		uint32_t addr, mask, bcast; /* host order; bcast 0: none */
	} cases[] = {
		{0xc0000201, 0xffffff00, 0xc00002ff}, /* 192.0.2.1/24 */
		{0x0a000001, 0xfffffffc, 0x0a000003}, /* 10.0.0.1/30 */
		{0xc6120101, 0xfffe0000, 0xc613ffff}, /* 198.18.1.1/15 */
		{0x0a000000, 0xfffffffe, 0},	      /* 10.0.0.0/31 */
		{0x0a000001, 0xffffffff, 0},	      /* 10.0.0.1/32 */
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		__be32 got = 0;
		bool has = addrs_v4_broadcast(htonl(cases[i].addr), htonl(cases[i].mask), &got);

		if (!CHECK(t, has == (cases[i].bcast != 0), "0x%08x mask 0x%08x: %s broadcast",
			   cases[i].addr, cases[i].mask, has ? "a" : "no"))
			continue;
		if (has)
			CHECK(t, ntohl(got) == cases[i].bcast,
			      "0x%08x mask 0x%08x: 0x%08x, not 0x%08x", cases[i].addr,
			      cases[i].mask, ntohl(got), cases[i].bcast);
	}
}

/* Many runs in a row: every T2/T3 inside its own run, T2 never decreasing. */
static void t_ts_repeated(struct env *e, struct tc *t, __maybe_unused const void *arg)
{
	static struct run r;
	uint64_t t2[2], last = 0;
	struct pb_spec s;
	struct pb_frame f;
	int i;

	STD_SPEC(s, 6);
	build(&f, &s);
	for (i = 0; i < 50 && !t->nfail; i++) {
		run_frame(e, f.b, f.len, &r);
		check_reply_t2(t, e, &f, &r, &plain, t2);
		if (!t->nfail)
			CHECK(t, t2[1] >= last, "run %d: T2 %llu ns went back from %llu ns", i,
			      (unsigned long long)t2[1], (unsigned long long)last);
		last = t2[0];
	}
}

/* ---- Tests: checksums --------------------------------------------------- */

struct csum_case {
	int ipv;
	enum pb_csum csum;
	size_t plen; /* 44, or a TWAMP-Light length */
	bool tlvs;   /* TLVs whose flags change */
};

/* TLVs at even and odd payload offsets, each with flags that change. */
static size_t add_flag_changing_tlvs(uint8_t *pl, size_t n, uint8_t *exp)
{
	static const struct {
		uint8_t flags, type;
		uint16_t len;
		uint8_t reply;
	} tlvs[] = {
		{0xff, 1, 1, 0x00},    /* at 44 (even) */
		{0x00, 200, 2, 0x80},  /* at 49 (odd) */
		{0x7f, 1, 0, 0x00},    /* at 55 (odd) */
		{0x20, 201, 3, 0x80},  /* at 59 (odd) */
		{0xe0, 1, 5, 0x00},    /* at 66 (even) */
		{0x1f, 0x81, 0, 0x80}, /* at 75 (odd) */
	};
	size_t i, off;

	for (i = 0; i < ARRAY_SIZE(tlvs); i++) {
		off = n;
		n += pb_tlv(pl + n, tlvs[i].flags, tlvs[i].type, tlvs[i].len, (uint8_t)(0x11 * i));
		memcpy(exp + off - CK_BASE_LEN, pl + off, n - off);
		exp[off - CK_BASE_LEN] = tlvs[i].reply;
	}
	return n;
}

static void t_csum(struct env *e, struct tc *t, const void *arg)
{
	const struct csum_case *cc = arg;
	uint8_t pl[256], exp[256];
	struct rexp x = {0};
	struct pb_spec s;
	struct pb_frame f;
	size_t n = sender(pl, DEFAULT_SEQ, SSID);

	if (cc->tlvs) {
		n = add_flag_changing_tlvs(pl, n, exp);
		x.tlv = exp;
		x.extra = (struct cnt){C(tlv_padding) = 3, C(tlv_unrecognized) = 3};
	}
	spec_std(&s, cc->ipv, pl, cc->plen ? cc->plen : n);
	s.csum = cc->csum;
	build(&f, &s);
	reflect_check(e, t, &f, &x);
}

/*
 * A computed UDP checksum of 0 must go out as 0xffff.  Which reply hits it
 * depends on the timestamps, so requests are run until one reply carries
 * 0xffff (about one in 65535); none may carry 0.
 */
static void t_csum_zero_result(struct env *e, struct tc *t, const void *arg)
{
	const int ipv = *(const int *)arg, max = 1 << 20;
	uint64_t before[NCNT], after[NCNT];
	static uint8_t out[OUT_MAX];
	uint8_t pl[CK_BASE_LEN];
	uint32_t out_len, retval;
	struct pb_spec s;
	static struct pb_frame f;
	int i, hit = -1, runs = 0;
	uint16_t ck;

	if (!CHECK(t, !stats_read(e, before), "reading stats failed"))
		return;
	for (i = 0; i < max && hit < 0 && !t->nfail; i++) {
		spec_std(&s, ipv, pl, sender(pl, (uint32_t)i * 2654435761u, SSID));
		build(&f, &s);
		if (!CHECK(t, !run_bare(e, f.b, f.len, out, sizeof(out), &out_len, &retval),
			   "run %d failed: %s", i, strerror(errno)))
			break;
		runs++;
		if (!CHECK(t, retval == XDP_RET_TX && out_len == f.len,
			   "run %d: retval %u, %u octets", i, retval, out_len))
			break;
		ck = ck_get16(out + f.l4 + 6);
		CHECK(t, ck != 0, "run %d: UDP checksum 0 in a reply to a request with 0x%04x", i,
		      ck_get16(f.b + f.l4 + 6));
		CHECK(t, udp_sum(out, ipv, f.l3, f.l4, 8 + f.plen) == 0xffff,
		      "run %d: UDP checksum 0x%04x does not verify", i, ck);
		if (ck == 0xffff)
			hit = i;
	}
	if (!CHECK(t, !stats_read(e, after), "reading stats failed"))
		return;
	CHECK(t, after[STAMPEDE_CNT_reflected] - before[STAMPEDE_CNT_reflected] == (uint64_t)runs,
	      "reflected moved by %llu over %d runs",
	      (unsigned long long)(after[STAMPEDE_CNT_reflected] - before[STAMPEDE_CNT_reflected]),
	      runs);
	if (hit >= 0)
		note("%s: run %d produced checksum 0xffff (computed 0)", t->name, hit);
	else if (!t->nfail)
		failf(t, "no reply in %d runs had a computed checksum of 0 (0xffff): cannot tell",
		      runs);
}

/* ---- Tests: TWAMP-Light ------------------------------------------------- */

struct twl_case {
	int ipv;
	size_t plen;
	size_t pad_to; /* Ethernet padding with non-zero junk up to this length */
	enum pb_csum csum;
};

/* A sender packet of plen octets (the first plen of the standard one). */
static void t_twl(struct env *e, struct tc *t, const void *arg)
{
	const struct twl_case *tw = arg;
	static struct run r;
	uint8_t pl[CK_BASE_LEN];
	struct pb_spec s;
	struct pb_frame f;
	size_t grow = CK_BASE_LEN - tw->plen;

	sender(pl, DEFAULT_SEQ, SSID);
	spec_std(&s, tw->ipv, pl, tw->plen);
	s.pad_to = tw->pad_to;
	s.pad_byte = PAD_JUNK;
	s.csum = tw->csum;
	build(&f, &s);
	run_frame(e, f.b, f.len, &r);
	check_reply(t, e, &f, &r, &plain);
	if (r.err || r.out_len < f.pl)
		return;
	/* The same, said plainly for the FAIL line. */
	CHECK(t, ck_get16(r.out + f.l4 + 4) == 8 + CK_BASE_LEN, "UDP Length %u, expected 52",
	      ck_get16(r.out + f.l4 + 4));
	if (tw->ipv == 4)
		CHECK(t, ck_get16(r.out + f.l3 + 2) == f.ip_end - f.l3 + grow,
		      "IPv4 Total Length %u, expected %zu", ck_get16(r.out + f.l3 + 2),
		      f.ip_end - f.l3 + grow);
	else
		CHECK(t, ck_get16(r.out + f.l3 + 4) == f.ip_end - f.l3 - 40 + grow,
		      "IPv6 Payload Length %u, expected %zu", ck_get16(r.out + f.l3 + 4),
		      f.ip_end - f.l3 - 40 + grow);
}

/*
 * A TWAMP-Light frame whose Ethernet trailer fills the buffer of a test run
 * (a page less head- and tailroom), at every size around that limit: where
 * the tail cannot grow, the reply must still be right (the program then
 * grows the frame at the front, which keeps the trailer after the
 * datagram); a frame it cannot grow is passed unchanged as no_tailroom.
 * Which way each size went is told apart by the reply's last octet (tail
 * growth appends zeros, the trailer is junk).
 */
struct fullbuf_case {
	int ipv, nvlan, next;
	uint8_t dstopt_len8; /* a destination options header this long (8-octet units) */
	bool refusal;	     /* headers too long to move: some size must be refused */
};

#define FULLBUF_MIN 3400
#define FULLBUF_MAX 3600

/* Whether BPF_PROG_TEST_RUN takes a frame of @len octets that is no test packet (zeros). */
static bool kernel_runs_frame(struct env *e, size_t len)
{
	static uint8_t zeros[PB_MAX_FRAME], out[PB_MAX_FRAME];
	uint32_t out_len, retval;

	return !run_bare(e, zeros, len, out, sizeof(out), &out_len, &retval);
}

static void t_twl_full_buffer(struct env *e, struct tc *t, const void *arg)
{
	const struct fullbuf_case *fc = arg;
	static struct run r;
	static struct pb_frame f;
	uint8_t pl[CK_BASE_LEN];
	struct pb_spec s;
	size_t size, plen = 14, grow = CK_BASE_LEN - 14;
	int tail = 0, front = 0, refused = 0;

	sender(pl, DEFAULT_SEQ, SSID);
	spec_std(&s, fc->ipv, pl, plen);
	set_vlans(&s, fc->nvlan);
	if (fc->next)
		set_ext_chain(&s, fc->next);
	if (fc->dstopt_len8) {
		s.ext[s.next].type = PB_IP_DSTOPT;
		s.ext[s.next++].len8 = fc->dstopt_len8;
	}
	s.pad_byte = PAD_JUNK;
	for (size = FULLBUF_MIN; size <= FULLBUF_MAX && !t->nfail; size++) {
		struct tc one = {.name = t->name};

		s.pad_to = size;
		build(&f, &s);
		run_frame(e, f.b, f.len, &r);
		/*
		 * Kernels before 5.18 run no frame larger than the page less
		 * head- and tailroom (3520 octets here): the range ends there.
		 */
		if (r.err == -EMSGSIZE && size > FULLBUF_MIN && !kernel_runs_frame(e, f.len)) {
			note("%s: this kernel runs frames of up to %zu octets", t->name, size - 1);
			break;
		}
		if (!r.err && r.retval == XDP_RET_PASS) {
			check_passed(&one, f.b, f.len, &r, STAMPEDE_CNT_no_tailroom);
			refused++;
		} else {
			check_reply(&one, e, &f, &r, &plain);
			if (r.out_len == size + grow && r.out[r.out_len - 1] == PAD_JUNK)
				front++;
			else
				tail++;
		}
		if (one.nfail)
			failf(t, "%zu-octet frame: %s", size, one.why);
	}
	note("%s: %d..%d octets: %d grown at the tail, %d at the front, %d refused", t->name,
	     FULLBUF_MIN, FULLBUF_MAX, tail, front, refused);
	if (fc->refusal)
		CHECK(t, refused > 0,
		      "no frame of %d..%d octets (headers %zu octets) was refused as no_tailroom",
		      FULLBUF_MIN, FULLBUF_MAX, f.l4 + 8);
	else
		CHECK(t, front > 0 && !refused,
		      "%d..%d octets: %d grown at the front, %d refused; expected some grown at "
		      "the front and none refused",
		      FULLBUF_MIN, FULLBUF_MAX, front, refused);
}

/* ---- Tests: the TLV walk ------------------------------------------------ */

/* A payload under construction and the TLV area the reply must carry. */
struct tlvbuf {
	uint8_t pl[PB_MAX_FRAME];
	uint8_t exp[PB_MAX_FRAME]; /* exp[i]: payload octet 44 + i of the reply */
	size_t n;
};

static void tb_init(struct tlvbuf *b)
{
	b->n = sender(b->pl, DEFAULT_SEQ, SSID);
}

/* A TLV whose Length says len but with only have value octets (have < len:
 * it overruns); the reply's flags are reply. */
static void tb_tlv_cut(struct tlvbuf *b, uint8_t flags, uint8_t type, uint16_t len, size_t have,
		       uint8_t reply)
{
	size_t off = b->n;

	pb_tlv(b->pl + off, flags, type, (uint16_t)have, (uint8_t)(off * 3));
	ck_put16(b->pl + off + 2, len);
	b->n += 4 + have;
	memcpy(b->exp + off - CK_BASE_LEN, b->pl + off, b->n - off);
	b->exp[off - CK_BASE_LEN] = reply;
}

static void tb_tlv(struct tlvbuf *b, uint8_t flags, uint8_t type, uint16_t len, uint8_t reply)
{
	tb_tlv_cut(b, flags, type, len, len, reply);
}

/* Octets copied as they are; the first one's reply is first_reply. */
static void tb_raw(struct tlvbuf *b, const uint8_t *p, size_t n, uint8_t first_reply)
{
	memcpy(b->pl + b->n, p, n);
	memcpy(b->exp + b->n - CK_BASE_LEN, p, n);
	b->exp[b->n - CK_BASE_LEN] = first_reply;
	b->n += n;
}

static void tb_reflect(struct env *e, struct tc *t, int ipv, const struct tlvbuf *b,
		       const struct cnt *extra)
{
	struct rexp x = {.tlv = b->exp, .extra = *extra};
	struct pb_spec s;
	static struct pb_frame f;

	spec_std(&s, ipv, b->pl, b->n);
	build(&f, &s);
	reflect_check(e, t, &f, &x);
}

static struct tlvbuf tb;

static void t_tlv_padding(struct env *e, struct tc *t, __maybe_unused const void *arg)
{
	tb_init(&tb);
	tb_tlv(&tb, 0xff, 1, 8, 0x00); /* U, M, I and reserved all set by the sender */
	tb_reflect(e, t, 4, &tb, &(struct cnt){C(tlv_padding) = 1});
}

static void t_tlv_unknown(struct env *e, struct tc *t, __maybe_unused const void *arg)
{
	tb_init(&tb);
	tb_tlv(&tb, 0x7f, 200, 5, 0x80); /* M, I and reserved set, U clear */
	tb_tlv(&tb, 0x80, 200, 3, 0x80);
	tb_reflect(e, t, 4, &tb, &(struct cnt){C(tlv_unrecognized) = 2});
}

static void t_tlv_mixed(struct env *e, struct tc *t, __maybe_unused const void *arg)
{
	tb_init(&tb);
	tb_tlv(&tb, 0x40, 1, 3, 0x00);
	tb_tlv(&tb, 0x00, 200, 0, 0x80);
	tb_tlv(&tb, 0x80, 1, 0, 0x00);
	tb_tlv(&tb, 0x20, 8, 12, 0x20); /* HMAC: no key to verify it with: I */
	tb_tlv(&tb, 0xff, 255, 1, 0x80);
	tb_reflect(e, t, 6, &tb, &(struct cnt){C(tlv_padding) = 2, C(tlv_unrecognized) = 3});
}

static void t_tlv_zero_length(struct env *e, struct tc *t, __maybe_unused const void *arg)
{
	tb_init(&tb);
	tb_tlv(&tb, 0x40, 1, 0, 0x00);
	tb_tlv(&tb, 0x00, 200, 0, 0x80);
	tb_tlv(&tb, 0x20, 1, 0, 0x00);
	tb_tlv(&tb, 0x9f, 0, 0, 0x80);
	tb_tlv(&tb, 0x00, 1, 3, 0x00);
	tb_reflect(e, t, 4, &tb, &(struct cnt){C(tlv_padding) = 3, C(tlv_unrecognized) = 2});
}

/*
 * Length overruns the payload: M set, and U since the type is unknown here
 * (RFC 8972 4: U says whether the reflector understood the TLV), whatever
 * the sender set; the walk stops.
 */
struct overrun_case {
	uint8_t flags, reply;
};

static void t_tlv_overrun(struct env *e, struct tc *t, const void *arg)
{
	const struct overrun_case *oc = arg;

	tb_init(&tb);
	tb_tlv(&tb, 0x80, 1, 4, 0x00);
	/* 10 of 200 value octets; they look like TLVs (flags 0xff) but are value */
	tb_tlv_cut(&tb, oc->flags, 200, 200, 0, oc->reply);
	memset(tb.pl + tb.n, 0xff, 10);
	memset(tb.exp + tb.n - CK_BASE_LEN, 0xff, 10);
	tb.n += 10;
	tb_reflect(e, t, 4, &tb, &(struct cnt){C(tlv_padding) = 1, C(tlv_malformed) = 1});
}

/* ---- Tests: the TLVs answered (RFC 8972, 9503, 9534, asymmetrical-pkts) -- */

/*
 * The registry numbers, written out here from RFC 8972, RFC 9503, RFC 9534
 * and the IANA STAMP registries rather than taken from include/stamp_wire.h,
 * so a wrong number there cannot agree with itself.
 */
#define STAMP_TLV_FLAG_U 0x80
#define STAMP_TLV_FLAG_M 0x40
enum {
	STAMP_TLV_LOCATION = 2,
	STAMP_TLV_TIMESTAMP_INFO = 3,
	STAMP_TLV_CLASS_OF_SERVICE = 4,
	STAMP_TLV_DIRECT_MEASUREMENT = 5,
	STAMP_TLV_ACCESS_REPORT = 6,
	STAMP_TLV_FOLLOW_UP_TELEMETRY = 7,
	STAMP_TLV_HMAC = 8,
	STAMP_TLV_DEST_NODE_ADDR = 9,
	STAMP_TLV_RETURN_PATH = 10,
	STAMP_TLV_MICRO_SESSION_ID = 11,
	STAMP_TLV_REFLECTED_CONTROL = 12,
	STAMP_LOC_SRC_MAC = 1,
	STAMP_LOC_SRC_EUI48 = 2,
	STAMP_LOC_DST_IP = 4,
	STAMP_LOC_DST_IPV4 = 5,
	STAMP_LOC_DST_IPV6 = 6,
	STAMP_LOC_SRC_IP = 7,
	STAMP_LOC_SRC_IPV4 = 8,
	STAMP_LOC_SRC_IPV6 = 9,
	STAMP_SYNC_FREE_RUNNING = 5,
	STAMP_TSM_SW_LOCAL = 2,
	STAMP_RP_CONTROL_CODE = 1,
	STAMP_RP_SRV6_SEGMENTS = 4,
	STAMP_RP_CC_SAME_LINK = 1,
};

/* A TLV with the given value; the reply must carry @reply_flags and @reply_value. */
static void tb_tlv_value(struct tlvbuf *b, uint8_t type, const uint8_t *value, uint16_t len,
			 uint8_t reply_flags, const uint8_t *reply_value)
{
	size_t off = b->n;

	b->pl[off] = STAMP_TLV_FLAG_U;
	b->pl[off + 1] = type;
	ck_put16(b->pl + off + 2, len);
	memcpy(b->pl + off + 4, value, len);
	b->n += 4u + len;
	memcpy(b->exp + off - CK_BASE_LEN, b->pl + off, 4);
	b->exp[off - CK_BASE_LEN] = reply_flags;
	memcpy(b->exp + off - CK_BASE_LEN + 4, reply_value, len);
}

static void put_sub(uint8_t *p, uint8_t flags, uint8_t type, uint16_t len)
{
	p[0] = flags;
	p[1] = type;
	ck_put16(p + 2, len);
}

/* Location: ports, source MAC, destination and source address as received. */
static void t_tlv_location(struct env *e, struct tc *t, const void *arg)
{
	int ipv = *(const int *)arg;
	uint8_t v[56] = {0}, r[56] = {0};
	size_t alen = ipv == 4 ? 4 : 16;

	put_sub(v + 4, 0x80, STAMP_LOC_SRC_MAC, 8);
	put_sub(v + 16, 0x80, STAMP_LOC_DST_IP, 16);
	put_sub(v + 36, 0x80, STAMP_LOC_SRC_IP, 16);
	ck_put16(r, STAMP_PORT);
	ck_put16(r + 2, SENDER_PORT);
	put_sub(r + 4, 0, STAMP_LOC_SRC_EUI48, 8);
	memcpy(r + 8, mac_peer, 6);
	put_sub(r + 16, 0, ipv == 4 ? STAMP_LOC_DST_IPV4 : STAMP_LOC_DST_IPV6, 16);
	addr_us(ipv, r + 20);
	put_sub(r + 36, 0, ipv == 4 ? STAMP_LOC_SRC_IPV4 : STAMP_LOC_SRC_IPV6, 16);
	addr_peer(ipv, r + 40);
	(void)alen;
	tb_init(&tb);
	tb_tlv_value(&tb, STAMP_TLV_LOCATION, v, sizeof(v), 0, r);
	tb_reflect(e, t, ipv, &tb, &(struct cnt){C(tlv_answered) = 1});
}

/* A Location sub-TLV that overruns the TLV: M on it and on the TLV, the walk stops. */
static void t_tlv_location_sub_overrun(struct env *e, struct tc *t, __maybe_unused const void *arg)
{
	uint8_t v[12] = {0}, r[12] = {0};

	put_sub(v + 4, 0x80, STAMP_LOC_SRC_MAC, 9);
	ck_put16(r, STAMP_PORT);
	ck_put16(r + 2, SENDER_PORT);
	put_sub(r + 4, STAMP_TLV_FLAG_M, STAMP_LOC_SRC_MAC, 9);
	tb_init(&tb);
	tb_tlv_value(&tb, STAMP_TLV_LOCATION, v, sizeof(v), STAMP_TLV_FLAG_M, r);
	tb_tlv(&tb, 0x80, 1, 3, 0x80); /* after M: copied as sent */
	tb_reflect(e, t, 4, &tb, &(struct cnt){C(tlv_malformed) = 1});
}

/* Timestamp Information: no sync source published (0): free-running; SW local. */
static void t_tlv_timestamp_info(struct env *e, struct tc *t, __maybe_unused const void *arg)
{
	const uint8_t v[4] = {0}, r[4] = {STAMP_SYNC_FREE_RUNNING, STAMP_TSM_SW_LOCAL,
					  STAMP_SYNC_FREE_RUNNING, STAMP_TSM_SW_LOCAL};

	tb_init(&tb);
	tb_tlv_value(&tb, STAMP_TLV_TIMESTAMP_INFO, v, 4, 0, r);
	tb_reflect(e, t, 6, &tb, &(struct cnt){C(tlv_answered) = 1});
}

/*
 * Class of Service: the request arrives with TOS 0xb9 (DSCP 46, ECN 1) and
 * asks for DSCP1 10 and EC1 2: DSCP2 46, ECN 1, RPE 0b11, reply TOS 0x2a.
 */
static void t_tlv_cos(struct env *e, struct tc *t, const void *arg)
{
	int ipv = *(const int *)arg;
	uint8_t v[4] = {0}, r[4];
	uint32_t w = 10u << 26 | 2u << 14;
	struct rexp x = {.tos_set = true, .tos = 10 << 2 | 2};

	ck_put32(v, w | 0x0fff); /* reserved bits set: ignored and sent back as zero */
	ck_put32(r, w | 46u << 20 | 1u << 18 | 3u << 12);
	tb_init(&tb);
	tb_tlv_value(&tb, STAMP_TLV_CLASS_OF_SERVICE, v, 4, 0, r);
	static struct pb_frame f;
	struct pb_spec s;

	x.tlv = tb.exp;
	x.extra = (struct cnt){C(tlv_answered) = 1};
	spec_std(&s, ipv, tb.pl, tb.n);
	build(&f, &s);
	reflect_check(e, t, &f, &x);
}

/* This CPU's counters (the stats map's entry for @cpu). */
static int stats_read_cpu(const struct env *e, int cpu, struct stampede_stats *out)
{
	struct stampede_stats *v = calloc((size_t)e->ncpu, sizeof(*v));
	__u32 key = 0;
	int ret = 0;

	if (!v)
		return -ENOMEM;
	if (bpf_map_lookup_elem(e->stats_fd, &key, v))
		ret = -errno;
	else
		*out = v[cpu];
	free(v);
	return ret;
}

/*
 * Direct Measurement (RFC 8972 4.5): stateful, the new session's counts, 1
 * and 1; stateless, this CPU's test packets received and replies sent,
 * this one included (the test runs pinned to one CPU, whose counters it
 * reads first; two requests, so the counts are seen to move).
 */
static void t_tlv_direct(struct env *e, struct tc *t, const void *arg)
{
	bool stateful = *(const bool *)arg;
	uint8_t v[12] = {0, 0, 0, 7}, r[12] = {0, 0, 0, 7};
	struct rexp x = {0};
	static struct pb_frame f;
	struct stampede_stats cpu_st = {0};
	cpu_set_t old, one;
	struct pb_spec s;
	int cpu = sched_getcpu(), round;

	if (!CHECK(t, cpu >= 0 && !sched_getaffinity(0, sizeof(old), &old), "no CPU to pin to"))
		return;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	if (!CHECK(t, !sched_setaffinity(0, sizeof(one), &one), "cannot pin to CPU %d", cpu))
		return;
	for (round = 0; round < (stateful ? 1 : 2); round++) {
		if (stateful) {
			r[7] = 1;
			r[11] = 1;
		} else {
			if (!CHECK(t, !stats_read_cpu(e, cpu, &cpu_st), "reading stats failed"))
				break;
			ck_put32(r + 4, (uint32_t)(cpu_st.reflected + cpu_st.no_reply +
						   cpu_st.micro_session + cpu_st.no_tailroom +
						   cpu_st.no_session + 1));
			ck_put32(r + 8, (uint32_t)(cpu_st.reflected + 1));
		}
		tb_init(&tb);
		tb_tlv_value(&tb, STAMP_TLV_DIRECT_MEASUREMENT, v, 12, 0, r);
		x.tlv = tb.exp;
		x.extra = stateful ? (struct cnt){C(tlv_answered) = 1, C(session_new) = 1}
				   : (struct cnt){C(tlv_answered) = 1};
		x.seq_set = stateful;
		x.seq = 0;
		spec_std(&s, 4, tb.pl, tb.n);
		/* a port of its own: a new session */
		s.sport = 40000 + (uint16_t)(e->frames & 0xfff);
		build(&f, &s);
		reflect_check(e, t, &f, &x);
	}
	sched_setaffinity(0, sizeof(old), &old);
}

/*
 * The sender's Error Estimate with Multiplier 0 (RFC 4656 4.1.2: corrupt,
 * SHOULD be discarded): dropped, counted as bad_error_estimate; in a
 * 14-octet TWAMP-Light request that ends the frame too.  arg: the IP version.
 */
static void t_sender_ee_zero(struct env *e, struct tc *t, const void *arg)
{
	int ipv = *(const int *)arg;
	static const size_t lens[] = {CK_BASE_LEN, 14};
	static struct pb_frame f;
	static struct run r;
	uint8_t pl[CK_BASE_LEN];
	struct pb_spec s;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		pb_stamp_sender(pl, DEFAULT_SEQ, t1_ts, 0x8100, SSID, MBZ_JUNK);
		spec_std(&s, ipv, pl, lens[i]);
		build(&f, &s);
		run_frame(e, f.b, f.len, &r);
		if (!check_ran(t, &r))
			return;
		CHECK(t, r.retval == 1, "%zu octets: retval %u, expected XDP_DROP (1)", lens[i],
		      r.retval);
		check_counters(t, r.delta, &(struct cnt){C(bad_error_estimate) = 1});
	}
}

/* Access Report: echoed with reserved bits zero; an Access ID other than 1, 2: U. */
static void t_tlv_access(struct env *e, struct tc *t, __maybe_unused const void *arg)
{
	const uint8_t ok[4] = {0x2f, 2, 0xaa, 0xbb}, ok_r[4] = {0x20, 2, 0, 0};
	const uint8_t bad[4] = {0x30, 1, 0, 0};

	tb_init(&tb);
	tb_tlv_value(&tb, STAMP_TLV_ACCESS_REPORT, ok, 4, 0, ok_r);
	tb_tlv_value(&tb, STAMP_TLV_ACCESS_REPORT, bad, 4, STAMP_TLV_FLAG_U, bad);
	tb_reflect(e, t, 4, &tb, &(struct cnt){C(tlv_answered) = 1, C(tlv_unrecognized) = 1});
}

/* Follow-Up Telemetry in stateless mode: zeros, U cleared; a bad Length: zeroed and M. */
static void t_tlv_follow_up(struct env *e, struct tc *t, __maybe_unused const void *arg)
{
	uint8_t v[16], r[16] = {0}, v13[13], r13[13] = {0};

	memset(v, 0x5a, sizeof(v));
	memset(v13, 0x5a, sizeof(v13));
	r13[12] = 0x5a;
	tb_init(&tb);
	tb_tlv_value(&tb, STAMP_TLV_FOLLOW_UP_TELEMETRY, v, 16, 0, r);
	tb_tlv_value(&tb, STAMP_TLV_FOLLOW_UP_TELEMETRY, v13, 13, STAMP_TLV_FLAG_M, r13);
	tb_reflect(e, t, 6, &tb, &(struct cnt){C(tlv_answered) = 1, C(tlv_malformed) = 1});
}

/*
 * Follow-Up Telemetry in a session (RFC 8972 4.7): each reply names the
 * previous reply of its session, its Sequence Number and its Timestamp (T3)
 * octet for octet as that reply carried it, mode SW local; the first reply
 * has zeros.  Run with one clock read and with two (T3 apart from T2); the
 * controller publishes a new TAI offset (a leap second) before the last
 * request, which must not change what the previous reply carried.
 */
static void t_tlv_follow_up_session(struct env *e, struct tc *t, __maybe_unused const void *arg)
{
	const uint8_t v[16] = {0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a,
			       0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a};
	uint8_t want[16] = {0}, prev_seq[4] = {0}, prev_t3[8] = {0};
	uint16_t sport = (uint16_t)(43500 + (e->frames & 0x3ff));
	static struct pb_frame f;
	static struct run r;
	struct pb_spec s;
	struct rexp x;
	int i;

	for (i = 0; i < 3; i++) {
		memset(want, 0, sizeof(want));
		if (i) {
			memcpy(want, prev_seq, 4);
			memcpy(want + 4, prev_t3, 8);
			want[12] = STAMP_TSM_SW_LOCAL;
		}
		if (i == 2) {
			struct stampede_clock clk = e->clk;

			clk.tai_offset_ns += CK_NSEC;
			if (!CHECK(t, !clock_write(e, &clk), "writing the clock map failed"))
				return;
		}
		tb_init(&tb);
		tb_tlv_value(&tb, STAMP_TLV_FOLLOW_UP_TELEMETRY, v, 16, 0, want);
		x = (struct rexp){.seq_set = true, .seq = (uint32_t)i, .tlv = tb.exp};
		x.extra = i ? (struct cnt){C(tlv_answered) = 1}
			    : (struct cnt){C(tlv_answered) = 1, C(session_new) = 1};
		spec_std(&s, 4, tb.pl, tb.n);
		s.sport = sport;
		build(&f, &s);
		run_frame(e, f.b, f.len, &r);
		check_reply(t, e, &f, &r, &x);
		if (r.out_len < f.pl + CK_BASE_LEN)
			return;
		memcpy(prev_seq, r.out + f.pl + CK_R_SEQ, 4);
		memcpy(prev_t3, r.out + f.pl + CK_R_T3, 8);
	}
	{
		struct stampede_clock clk = e->clk;

		clk.tai_offset_ns = TAI_OFFSET_NS;
		clock_write(e, &clk);
	}
}

/*
 * Follow-Up Telemetry shorter than 12 octets (no room for Sequence Number
 * and Timestamp): M, and the Value comes back zeroed, not as sent; at an
 * odd offset too.  arg: the Length.
 */
static void t_tlv_follow_up_short(struct env *e, struct tc *t, const void *arg)
{
	uint16_t len = *(const uint16_t *)arg;
	uint8_t v[11], r[11] = {0};

	memset(v, 0x5a, sizeof(v));
	tb_init(&tb);
	if (len & 1)
		tb_tlv(&tb, 0x80, 1, 1, 0x00); /* the Value at an odd offset */
	tb_tlv_value(&tb, STAMP_TLV_FOLLOW_UP_TELEMETRY, v, len, STAMP_TLV_FLAG_M, r);
	tb_tlv(&tb, 0x80, 1, 3, 0x80); /* after M: as sent */
	tb_reflect(e, t, len & 1 ? 4 : 6, &tb,
		   &(struct cnt){C(tlv_malformed) = 1, C(tlv_padding) = len & 1 ? 1 : 0});
}

/* Destination Node Address: ours: answered; another: U; a bad Length: M. */
static void t_tlv_dest_node(struct env *e, struct tc *t, const void *arg)
{
	int ipv = *(const int *)arg;
	uint8_t us[16], other[16], odd[5] = {0};
	uint16_t alen = ipv == 4 ? 4 : 16;

	addr_us(ipv, us);
	addr_peer(ipv, other);
	tb_init(&tb);
	tb_tlv_value(&tb, STAMP_TLV_DEST_NODE_ADDR, us, alen, 0, us);
	tb_tlv_value(&tb, STAMP_TLV_DEST_NODE_ADDR, other, alen, STAMP_TLV_FLAG_U, other);
	tb_tlv_value(&tb, STAMP_TLV_DEST_NODE_ADDR, odd, 5, STAMP_TLV_FLAG_M, odd);
	tb_reflect(
		e, t, ipv, &tb,
		&(struct cnt){C(tlv_answered) = 1, C(tlv_unrecognized) = 1, C(tlv_malformed) = 1});
}

/* Return Path: reply on the same link (answered); SRv6 segments: U on it and the TLV. */
static void t_tlv_return_path(struct env *e, struct tc *t, __maybe_unused const void *arg)
{
	uint8_t cc[8], cc_r[8], sr[20] = {0}, sr_r[20] = {0};

	put_sub(cc, 0x80, STAMP_RP_CONTROL_CODE, 4);
	ck_put32(cc + 4, STAMP_RP_CC_SAME_LINK);
	memcpy(cc_r, cc, 8);
	cc_r[0] = 0;
	put_sub(sr, 0x80, STAMP_RP_SRV6_SEGMENTS, 16);
	put_sub(sr_r, 0x80, STAMP_RP_SRV6_SEGMENTS, 16);
	tb_init(&tb);
	tb_tlv_value(&tb, STAMP_TLV_RETURN_PATH, cc, 8, 0, cc_r);
	tb_reflect(e, t, 4, &tb, &(struct cnt){C(tlv_answered) = 1});
	tb_init(&tb);
	tb_tlv_value(&tb, STAMP_TLV_RETURN_PATH, sr, 20, STAMP_TLV_FLAG_U, sr_r);
	tb_reflect(e, t, 6, &tb, &(struct cnt){C(tlv_unrecognized) = 1});
}

/* Return Path "no reply requested": dropped and counted, nothing sent. */
static void t_tlv_no_reply(struct env *e, struct tc *t, __maybe_unused const void *arg)
{
	uint8_t cc[8];
	static struct pb_frame f;
	static struct run r;
	struct pb_spec s;
	struct cnt c = {C(no_reply) = 1, C(tlv_answered) = 1};

	put_sub(cc, 0x80, STAMP_RP_CONTROL_CODE, 4);
	ck_put32(cc + 4, 0);
	tb_init(&tb);
	tb_tlv_value(&tb, STAMP_TLV_RETURN_PATH, cc, 8, 0, cc);
	spec_std(&s, 4, tb.pl, tb.n);
	build(&f, &s);
	run_frame(e, f.b, f.len, &r);
	if (!check_ran(t, &r))
		return;
	CHECK(t, r.retval == 1, "retval %u, expected XDP_DROP (1)", r.retval);
	check_counters(t, r.delta, &c);
}

/* Not configured here: Micro-session ID and Reflected Test Packet Control get U; HMAC I. */
static void t_tlv_unconfigured(struct env *e, struct tc *t, __maybe_unused const void *arg)
{
	const uint8_t ms[4] = {0, 1, 0, 0}, rc[8] = {0, 200, 0, 1}, hmac[16] = {1};

	tb_init(&tb);
	tb_tlv_value(&tb, STAMP_TLV_MICRO_SESSION_ID, ms, 4, STAMP_TLV_FLAG_U, ms);
	tb_tlv_value(&tb, STAMP_TLV_REFLECTED_CONTROL, rc, 8, STAMP_TLV_FLAG_U, rc);
	tb_tlv_value(&tb, STAMP_TLV_HMAC, hmac, 16, CK_TLV_I, hmac);
	tb_reflect(e, t, 4, &tb, &(struct cnt){C(tlv_unrecognized) = 3});
}

/*
 * RFC 8972 4.8: TLVs before an HMAC TLV are not acted on until it is
 * verified, and this reflector has no key to verify it with: the Class of
 * Service TLV goes back as sent with U and the reply is not re-marked, the
 * HMAC TLV gets I, padding is still padding, a TLV after it is answered.
 */
static void t_tlv_hmac_protects(struct env *e, struct tc *t, const void *arg)
{
	int ipv = *(const int *)arg;
	const uint8_t hmac[16] = {0xaa, 1, 2, 3}, ti[4] = {0}, ti_r[4] = {5, 2, 5, 2};
	uint8_t cos[4] = {0};
	struct rexp x = {
		.extra = {C(tlv_unrecognized) = 2, C(tlv_padding) = 1, C(tlv_answered) = 1}};
	static struct pb_frame f;
	struct pb_spec s;

	ck_put32(cos, 10u << 26 | 2u << 14);
	tb_init(&tb);
	tb_tlv_value(&tb, STAMP_TLV_CLASS_OF_SERVICE, cos, 4, STAMP_TLV_FLAG_U, cos);
	tb_tlv(&tb, 0x00, 1, 4, 0x00); /* Extra Padding */
	tb_tlv_value(&tb, STAMP_TLV_HMAC, hmac, 16, CK_TLV_I, hmac);
	tb_tlv_value(&tb, STAMP_TLV_TIMESTAMP_INFO, ti, 4, 0, ti_r);
	x.tlv = tb.exp;
	spec_std(&s, ipv, tb.pl, tb.n);
	build(&f, &s);
	reflect_check(e, t, &f, &x);
}

/* Every answered type in one packet, at odd and even offsets, then padding. */
static void t_tlv_all(struct env *e, struct tc *t, const void *arg)
{
	int ipv = *(const int *)arg;
	const uint8_t ti[4] = {0}, ti_r[4] = {5, 2, 5, 2}, ar[4] = {0x10, 1, 0, 0};
	uint8_t fu[16] = {0}, dna[16];
	uint16_t alen = ipv == 4 ? 4 : 16;

	addr_us(ipv, dna);
	tb_init(&tb);
	tb_tlv(&tb, 0x80, 1, 3, 0x00);
	tb_tlv_value(&tb, STAMP_TLV_TIMESTAMP_INFO, ti, 4, 0, ti_r);
	tb_tlv_value(&tb, STAMP_TLV_ACCESS_REPORT, ar, 4, 0, ar);
	tb_tlv(&tb, 0x80, 1, 1, 0x00);
	tb_tlv_value(&tb, STAMP_TLV_FOLLOW_UP_TELEMETRY, fu, 16, 0, fu);
	tb_tlv_value(&tb, STAMP_TLV_DEST_NODE_ADDR, dna, alen, 0, dna);
	tb_tlv(&tb, 0x80, 1, 7, 0x00);
	tb_reflect(e, t, ipv, &tb, &(struct cnt){C(tlv_padding) = 3, C(tlv_answered) = 4});
}

/* A Length its type does not allow: M, the Value untouched, and the walk stops. */
struct malformed_case {
	int ipv;
	uint8_t type;
	uint16_t len;
};

static void t_tlv_malformed_len(struct env *e, struct tc *t, const void *arg)
{
	const struct malformed_case *mc = arg;
	uint8_t v[40];
	size_t i;

	for (i = 0; i < sizeof(v); i++)
		v[i] = (uint8_t)(0xa0 + i);
	tb_init(&tb);
	tb_tlv(&tb, 0x80, 1, 2, 0x00); /* before it: answered */
	tb_tlv_value(&tb, mc->type, v, mc->len, STAMP_TLV_FLAG_M, v);
	tb_tlv(&tb, 0x80, 1, 5, 0x80); /* after it: as sent */
	tb_tlv(&tb, 0x80, 4, 4, 0x80); /* a CoS after it: not acted on */
	tb_reflect(e, t, mc->ipv, &tb, &(struct cnt){C(tlv_padding) = 1, C(tlv_malformed) = 1});
}

/* A Return Path Control Code of Length 3: M on it and on the TLV, the walk stops. */
static void t_tlv_return_path_bad_sub(struct env *e, struct tc *t, __maybe_unused const void *arg)
{
	uint8_t v[7] = {0x80, 1, 0, 3, 0, 0, 1}, r[7];

	memcpy(r, v, sizeof(r));
	r[0] = STAMP_TLV_FLAG_M;
	tb_init(&tb);
	tb_tlv_value(&tb, STAMP_TLV_RETURN_PATH, v, sizeof(v), STAMP_TLV_FLAG_M, r);
	tb_tlv(&tb, 0x80, 1, 1, 0x80);
	tb_reflect(e, t, 6, &tb, &(struct cnt){C(tlv_malformed) = 1});
}

/*
 * A Control Code with a malformed other sub-TLV (a Return Address of
 * Length 5), before or after it: RFC 9503 4.1.1 ignores the other
 * sub-TLVs, so the TLV is answered (U clear on it and on the Control Code),
 * the Return Address goes back as sent, and the reply goes out as usual.
 */
static void t_tlv_return_path_cc_bad_other(struct env *e, struct tc *t,
					   __maybe_unused const void *arg)
{
	uint8_t v[17], r[17];
	int order;

	for (order = 0; order < 2; order++) {
		uint8_t *cc = v + (order ? 9 : 0), *ra = v + (order ? 0 : 8);

		put_sub(cc, 0x80, STAMP_RP_CONTROL_CODE, 4);
		ck_put32(cc + 4, STAMP_RP_CC_SAME_LINK);
		put_sub(ra, 0x80, 2, 5);
		memset(ra + 4, 0x77, 5);
		memcpy(r, v, sizeof(r));
		r[order ? 9 : 0] = 0; /* the Control Code: answered */
		tb_init(&tb);
		tb_tlv_value(&tb, STAMP_TLV_RETURN_PATH, v, sizeof(v), 0, r);
		tb_tlv(&tb, 0x80, 1, 2, 0x00); /* the walk goes on */
		tb_reflect(e, t, order ? 6 : 4, &tb,
			   &(struct cnt){C(tlv_answered) = 1, C(tlv_padding) = 1});
	}
}

/* ---- Tests: TLV answers that need attach options (CFG_TLV, CFG_COS_REFUSE) */

/* Runs the TLV payload in tb over IPv@ipv and checks the reply against x (tb.exp). */
static void tb_reflect_x(struct env *e, struct tc *t, int ipv, struct rexp *x, uint16_t sport)
{
	static struct pb_frame f;
	struct pb_spec s;

	x->tlv = tb.exp;
	spec_std(&s, ipv, tb.pl, tb.n);
	if (sport)
		s.sport = sport;
	build(&f, &s);
	reflect_check(e, t, &f, x);
}

/* Runs the TLV payload in tb and expects XDP_DROP with exactly the counters c. */
static void tb_dropped(struct env *e, struct tc *t, int ipv, const struct cnt *c)
{
	static struct pb_frame f;
	static struct run r;
	struct pb_spec s;

	spec_std(&s, ipv, tb.pl, tb.n);
	build(&f, &s);
	run_frame(e, f.b, f.len, &r);
	if (!check_ran(t, &r))
		return;
	CHECK(t, r.retval == 1, "retval %u, expected XDP_DROP (1)", r.retval);
	check_counters(t, r.delta, c);
}

/* Micro-session ID: ours filled in, the sender's echoed; another member link's: dropped. */
static void t_tlv_micro_session(struct env *e, struct tc *t, const void *arg)
{
	int ipv = *(const int *)arg;
	const uint8_t zero[4] = {0x12, 0x34, 0, 0}, ours[4] = {0x12, 0x34, 0x01, 0x02};
	const uint8_t other[4] = {0x12, 0x34, 0x09, 0x99};
	struct rexp x = {.extra = {C(tlv_answered) = 2}};

	tb_init(&tb);
	tb_tlv_value(&tb, STAMP_TLV_MICRO_SESSION_ID, zero, 4, 0, ours);
	tb_tlv_value(&tb, STAMP_TLV_MICRO_SESSION_ID, ours, 4, 0, ours);
	tb_reflect_x(e, t, ipv, &x, 0);
	tb_init(&tb);
	tb_tlv_value(&tb, STAMP_TLV_MICRO_SESSION_ID, other, 4, 0, other);
	/* not looked at: the packet is dropped, its Access Report not counted */
	tb_tlv_value(&tb, STAMP_TLV_ACCESS_REPORT, (const uint8_t[]){0x10, 1, 0, 0}, 4, 0x80,
		     (const uint8_t[]){0x10, 1, 0, 0});
	tb_dropped(e, t, ipv, &(struct cnt){C(micro_session) = 1, C(tlv_answered) = 1});
}

/* Destination Node Address naming our second address: the reply comes from it. */
static void t_tlv_dest_node_moves_source(struct env *e, struct tc *t, const void *arg)
{
	int ipv = *(const int *)arg;
	uint8_t us2[16];
	struct rexp x = {.extra = {C(tlv_answered) = 1, C(reply_rerouted) = 1}};

	addr_us2(ipv, us2);
	tb_init(&tb);
	tb_tlv_value(&tb, STAMP_TLV_DEST_NODE_ADDR, us2, ipv == 4 ? 4 : 16, 0, us2);
	x.src = us2;
	tb_reflect_x(e, t, ipv, &x, 0);
}

/*
 * Destination Node Address naming an address of another interface of the
 * node (RFC 9503 names the node): answered, the reply from it.  A request
 * sent to that address is not ours to answer (not_local), and a node
 * address a reply may not come from (loopback) is refused (U).
 */
static void t_tlv_dest_node_other_interface(struct env *e, struct tc *t, const void *arg)
{
	int ipv = *(const int *)arg, hash = bpf_map__fd(e->skel->maps.local_addrs);
	uint16_t alen = ipv == 4 ? 4 : 16;
	struct rexp x = {.extra = {C(tlv_answered) = 1, C(reply_rerouted) = 1}};
	const __u8 node = STAMPEDE_ADDR_NODE;
	union stampede_addr key, lo_key;
	uint8_t other[16], lo[16];
	struct pb_frame f;

	memset(&key, 0, sizeof(key));
	memset(&lo_key, 0, sizeof(lo_key));
	if (ipv == 4) {
		pb_v4(other, 198, 18, 255, 1);
		addr_mapped(&key, other);
		pb_v4(lo, 127, 0, 0, 2);
		addr_mapped(&lo_key, lo);
	} else {
		pb_v6(other, 0xff, 1);
		memcpy(key.b, other, 16);
		memset(lo, 0, 16);
		lo[15] = 1;
		memcpy(lo_key.b, lo, 16);
	}
	if (!CHECK(t,
		   !bpf_map_update_elem(hash, &key, &node, BPF_ANY) &&
			   !bpf_map_update_elem(hash, &lo_key, &node, BPF_ANY),
		   "cannot add the node addresses to local_addrs: %s", strerror(errno)))
		return;
	tb_init(&tb);
	tb_tlv_value(&tb, STAMP_TLV_DEST_NODE_ADDR, other, alen, 0, other);
	x.src = other;
	tb_reflect_x(e, t, ipv, &x, 0);

	tb_init(&tb);
	tb_tlv_value(&tb, STAMP_TLV_DEST_NODE_ADDR, lo, alen, STAMP_TLV_FLAG_U, lo);
	x = (struct rexp){.extra = {C(tlv_unrecognized) = 1}};
	tb_reflect_x(e, t, ipv, &x, 0);

	std_addrs(&f, ipv, NULL, other);
	pass_check(e, t, &f, STAMPEDE_CNT_not_local);
	bpf_map_delete_elem(hash, &key);
	bpf_map_delete_elem(hash, &lo_key);
}

/*
 * Return Address inside the allowed prefix: the reply goes there.  Outside
 * it (or with another family's length): U on the sub-TLV and the TLV, and
 * the reply goes back to the sender.
 */
static void t_tlv_return_address(struct env *e, struct tc *t, const void *arg)
{
	int ipv = *(const int *)arg;
	uint16_t alen = ipv == 4 ? 4 : 16;
	uint8_t ra[20], ra_r[20], out[20], out_r[20], peer2[16];
	struct rexp x = {.extra = {C(tlv_answered) = 1, C(reply_rerouted) = 1}};

	addr_peer2(ipv, peer2);
	put_sub(ra, 0x80, 2, alen);
	memcpy(ra + 4, peer2, alen);
	memcpy(ra_r, ra, 4u + alen);
	ra_r[0] = 0;
	tb_init(&tb);
	tb_tlv_value(&tb, STAMP_TLV_RETURN_PATH, ra, 4 + alen, 0, ra_r);
	x.dst = peer2;
	tb_reflect_x(e, t, ipv, &x, 0);

	put_sub(out, 0x80, 2, alen);
	if (ipv == 4)
		pb_v4(out + 4, 203, 0, 113, 5);
	else
		pb_v6(out + 4, 0x77, 5);
	memcpy(out_r, out, 4u + alen);
	tb_init(&tb);
	tb_tlv_value(&tb, STAMP_TLV_RETURN_PATH, out, 4 + alen, STAMP_TLV_FLAG_U, out_r);
	x = (struct rexp){.extra = {C(tlv_unrecognized) = 1}};
	tb_reflect_x(e, t, ipv, &x, 0);
}

/* Not allowed by the configuration (CFG_NTP): a Return Address inside any prefix is refused. */
static void t_tlv_return_address_off(struct env *e, struct tc *t, __maybe_unused const void *arg)
{
	uint8_t ra[8], peer2[16];
	struct rexp x = {.extra = {C(tlv_unrecognized) = 1}};

	addr_peer2(4, peer2);
	put_sub(ra, 0x80, 2, 4);
	memcpy(ra + 4, peer2, 4);
	tb_init(&tb);
	tb_tlv_value(&tb, STAMP_TLV_RETURN_PATH, ra, 8, STAMP_TLV_FLAG_U, ra);
	tb_reflect_x(e, t, 4, &x, 0);
}

/* Class of Service with re-marking refused: RP 1, RPE 0b10, the received DSCP, Not-ECT. */
static void t_tlv_cos_refused(struct env *e, struct tc *t, const void *arg)
{
	int ipv = *(const int *)arg;
	uint8_t v[4], r[4];
	uint32_t w = 10u << 26 | 2u << 14;
	struct rexp x = {.tos_set = true, .tos = 46 << 2, .extra = {C(tlv_answered) = 1}};

	ck_put32(v, w);
	ck_put32(r, w | 46u << 20 | 1u << 18 | 1u << 16 | 2u << 12);
	tb_init(&tb);
	tb_tlv_value(&tb, STAMP_TLV_CLASS_OF_SERVICE, v, 4, 0, r);
	tb_reflect_x(e, t, ipv, &x, 0);
}

/* Reflected Test Packet Control: a request and what its reply must look like. */
struct rtpc_case {
	int ipv;
	uint16_t want_len, count;
	int pad_len;	   /* a trailing Extra Padding TLV of this Length, -1: none */
	long resize;	   /* expected payload length change */
	bool conformant_c; /* the C flag expected */
	int out_pad_len;   /* expected Length of the trailing padding TLV, -1: none/gone */
};

static void t_tlv_reflected_control(struct env *e, struct tc *t, const void *arg)
{
	const struct rtpc_case *rc = arg;
	uint8_t v[8] = {0};
	struct rexp x = {.resize = rc->resize, .extra = {C(tlv_answered) = 1}};
	size_t end, pad_off;

	ck_put16(v, rc->want_len);
	ck_put16(v + 2, rc->count);
	ck_put32(v + 4, 1000);
	tb_init(&tb);
	tb_tlv_value(&tb, STAMP_TLV_REFLECTED_CONTROL, v, 8, rc->conformant_c ? 0x10 : 0, v);
	pad_off = tb.n;
	if (rc->pad_len >= 0) {
		tb_tlv(&tb, 0x80, 1, (uint16_t)rc->pad_len, 0x00);
		x.extra.d[STAMPEDE_CNT_tlv_padding] = 1;
	}
	end = tb.n + (size_t)rc->resize;
	if (rc->resize > 0)
		memset(tb.exp + tb.n - CK_BASE_LEN, 0, (size_t)rc->resize);
	if (rc->out_pad_len >= 0) {
		if (rc->pad_len < 0) /* appended */
			pad_off = tb.n;
		tb.exp[pad_off - CK_BASE_LEN] = 0;
		tb.exp[pad_off + 1 - CK_BASE_LEN] = 1;
		ck_put16(tb.exp + pad_off + 2 - CK_BASE_LEN, (uint16_t)rc->out_pad_len);
		CHECK(t, pad_off + 4 + (size_t)rc->out_pad_len == end, "test case inconsistent");
	}
	if (rc->resize)
		x.extra.d[STAMPEDE_CNT_reply_resized] = 1;
	tb_reflect_x(e, t, rc->ipv, &x, 0);
}

/*
 * Padding before the Reflected Test Packet Control TLV cannot be cut: a
 * shorter reply was asked for, so the reply goes back as it was with C.
 */
static void t_tlv_reflected_padding_inside(struct env *e, struct tc *t,
					   __maybe_unused const void *arg)
{
	const uint8_t v[8] = {0, 100, 0, 1};
	struct rexp x = {.extra = {C(tlv_answered) = 1, C(tlv_padding) = 1}};

	tb_init(&tb);
	tb_tlv(&tb, 0x80, 1, 400, 0x00);
	tb_tlv_value(&tb, STAMP_TLV_REFLECTED_CONTROL, v, 8, 0x10, v);
	tb_reflect_x(e, t, 4, &x, 0);
}

/* Count 0: the draft says send nothing. */
static void t_tlv_reflected_zero(struct env *e, struct tc *t, __maybe_unused const void *arg)
{
	const uint8_t v[8] = {0, 100, 0, 0};

	tb_init(&tb);
	tb_tlv_value(&tb, STAMP_TLV_REFLECTED_CONTROL, v, 8, 0, v);
	tb_dropped(e, t, 4, &(struct cnt){C(no_reply) = 1, C(tlv_answered) = 1});
}

/* 1..3 octets after the last TLV: M on the first of them, the rest verbatim. */
struct stray_case {
	size_t n;
	bool after_base; /* right after the 44-octet base, no TLV before */
	uint8_t first, reply;
};

static void t_tlv_stray(struct env *e, struct tc *t, const void *arg)
{
	const struct stray_case *sc = arg;
	const uint8_t stray[3] = {sc->first, 0xaa, 0xbb};
	struct cnt c = {C(tlv_malformed) = 1};

	tb_init(&tb);
	if (!sc->after_base) {
		tb_tlv(&tb, 0x00, 1, 2, 0x00);
		c.d[STAMPEDE_CNT_tlv_padding] = 1;
	}
	tb_raw(&tb, stray, sc->n, sc->reply);
	tb_reflect(e, t, 4, &tb, &c);
}

/* n TLVs, alternately Extra Padding and unknown, junk flags; at most 16 walked. */
static void t_tlv_many(struct env *e, struct tc *t, const void *arg)
{
	const int n = *(const int *)arg;
	struct cnt c = {0};
	int i;

	tb_init(&tb);
	for (i = 0; i < n; i++) {
		uint8_t type = i & 1 ? 200 : 1, flags = (uint8_t)(0x3f + i * 0x20);
		uint8_t reply = i >= STAMPEDE_MAX_TLVS ? flags : (i & 1 ? 0x80 : 0x00);

		if (i == n - 1 && n > STAMPEDE_MAX_TLVS) {
			/* would be malformed if it were walked */
			tb_tlv_cut(&tb, flags, type, 999, 2, flags);
			continue;
		}
		tb_tlv(&tb, flags, type, (uint16_t)(i % 5), reply);
		if (i < STAMPEDE_MAX_TLVS)
			c.d[i & 1 ? STAMPEDE_CNT_tlv_unrecognized : STAMPEDE_CNT_tlv_padding]++;
	}
	if (n > STAMPEDE_MAX_TLVS)
		c.d[STAMPEDE_CNT_tlv_walk_cut] = 1;
	tb_reflect(e, t, 6, &tb, &c);
}

/*
 * The walk ends at the UDP Length, not at the frame: octets after the UDP
 * datagram (in the IP payload, or an Ethernet trailer) are never TLVs.
 */
struct bound_case {
	bool overrun;	    /* the last TLV's Length runs past the UDP datagram */
	size_t ip_extra;    /* IP payload octets after the UDP datagram */
	size_t eth_trailer; /* Ethernet trailer octets after the IP packet */
};

static void t_tlv_udp_bound(struct env *e, struct tc *t, const void *arg)
{
	const struct bound_case *bc = arg;
	struct rexp x = {.tlv = tb.exp, .extra = {C(tlv_padding) = 1}};
	struct pb_spec s;
	static struct pb_frame f;
	size_t udp_plen;

	tb_init(&tb);
	tb_tlv(&tb, 0x40, 1, 6, 0x00);
	if (bc->overrun) {
		tb_tlv_cut(&tb, 0x00, 200, 8 + (uint16_t)(bc->ip_extra + bc->eth_trailer), 8, 0xc0);
		x.extra.d[STAMPEDE_CNT_tlv_malformed] = 1;
	} else {
		tb_tlv(&tb, 0x00, 200, 8, 0x80);
		x.extra.d[STAMPEDE_CNT_tlv_unrecognized] = 1;
	}
	udp_plen = tb.n;
	/* what follows the datagram looks like a TLV with flags to change */
	memset(tb.pl + tb.n, 0x3f, bc->ip_extra);
	tb.n += bc->ip_extra;
	spec_std(&s, 4, tb.pl, tb.n);
	s.trailer = bc->eth_trailer;
	build(&f, &s);
	if (bc->ip_extra) {
		ck_put16(f.b + f.l4 + 4, (uint16_t)(8 + udp_plen));
		pb_udp_fix_csum(&f);
		f.plen = udp_plen;
	}
	reflect_check(e, t, &f, &x);
}

/* ---- Tests: pass and drop reasons --------------------------------------- */

struct pass_case {
	void (*mk)(struct pb_frame *f);
	int counter;
};

static void t_pass(struct env *e, struct tc *t, const void *arg)
{
	const struct pass_case *pc = arg;
	static struct pb_frame f;

	pc->mk(&f);
	pass_check(e, t, &f, pc->counter);
}

static void arp_request(struct pb_frame *f, int nvlan)
{
	uint8_t *b = f->b;
	size_t o = 12;

	memset(f, 0, sizeof(*f));
	memset(b, 0xff, 6);
	memcpy(b + 6, mac_peer, 6);
	if (nvlan) {
		ck_put16(b + 12, PB_ETH_VLAN);
		ck_put16(b + 14, 0x0064);
		o += 4;
	}
	ck_put16(b + o, PB_ETH_ARP);
	o += 2;
	ck_put32(b + o, 0x00010800);	 /* Ethernet, IPv4 */
	ck_put32(b + o + 4, 0x06040001); /* sizes, request */
	memcpy(b + o + 8, mac_peer, 6);
	addr_peer(4, b + o + 14);
	addr_us(4, b + o + 24);
	f->len = 60 + (size_t)nvlan * 4;
}

static void mk_arp(struct pb_frame *f)
{
	arp_request(f, 0);
}

static void mk_vlan3(struct pb_frame *f)
{
	struct pb_spec s;

	STD_SPEC(s, 4);
	set_vlans(&s, 3);
	build(f, &s);
}

/* A VLAN tag cut off after its TCI. */
static void mk_vlan_cut(struct pb_frame *f)
{
	memset(f, 0, sizeof(*f));
	memcpy(f->b, mac_us, 6);
	memcpy(f->b + 6, mac_peer, 6);
	ck_put16(f->b + 12, PB_ETH_VLAN);
	ck_put16(f->b + 14, 0x0064);
	f->len = 16;
}

static void std_frame(struct pb_frame *f, int ipv)
{
	struct pb_spec s;

	STD_SPEC(s, ipv);
	build(f, &s);
}

static void mk_v4_hdr_cut(struct pb_frame *f)
{
	std_frame(f, 4);
	f->len = f->l3 + 19;
}

static void mk_v4_ihl4(struct pb_frame *f)
{
	std_frame(f, 4);
	f->b[f->l3] = 0x44;
	pb_ipv4_fix_csum(f);
}

static void mk_v4_version(struct pb_frame *f)
{
	std_frame(f, 4);
	f->b[f->l3] = 0x65;
	pb_ipv4_fix_csum(f);
}

static void mk_v4_totlen_past(struct pb_frame *f)
{
	std_frame(f, 4);
	ck_put16(f->b + f->l3 + 2, (uint16_t)(f->len - f->l3 + 1));
	pb_ipv4_fix_csum(f);
}

/* IHL 15 but Total Length 40. */
static void mk_v4_totlen_short(struct pb_frame *f)
{
	struct pb_spec s;

	STD_SPEC(s, 4);
	s.optlen = 40;
	build(f, &s);
	ck_put16(f->b + f->l3 + 2, 40);
	pb_ipv4_fix_csum(f);
}

/* IHL 15, the frame ends inside the options. */
static void mk_v4_opts_cut(struct pb_frame *f)
{
	struct pb_spec s;

	STD_SPEC(s, 4);
	s.optlen = 40;
	build(f, &s);
	f->len = f->l3 + 40;
}

/* IPv4 carrying 4 octets of a UDP header. */
static void mk_v4_udp_cut(struct pb_frame *f)
{
	std_frame(f, 4);
	ck_put16(f->b + f->l3 + 2, 24);
	pb_ipv4_fix_csum(f);
	f->len = f->l3 + 24;
}

static void mk_v6_udp_cut(struct pb_frame *f)
{
	std_frame(f, 6);
	ck_put16(f->b + f->l3 + 4, 4);
	f->len = f->l3 + 44;
}

static void set_udp_len(struct pb_frame *f, uint16_t len)
{
	ck_put16(f->b + f->l4 + 4, len);
	pb_udp_fix_csum(f);
}

static void mk_v4_udplen_long(struct pb_frame *f)
{
	std_frame(f, 4);
	set_udp_len(f, 8 + CK_BASE_LEN + 1);
}

static void mk_v4_udplen_7(struct pb_frame *f)
{
	std_frame(f, 4);
	ck_put16(f->b + f->l4 + 4, 7);
}

static void mk_v6_udplen_long(struct pb_frame *f)
{
	std_frame(f, 6);
	set_udp_len(f, 8 + CK_BASE_LEN + 1);
}

static void mk_v6_udplen_7(struct pb_frame *f)
{
	std_frame(f, 6);
	ck_put16(f->b + f->l4 + 4, 7);
}

static void mk_v6_hdr_cut(struct pb_frame *f)
{
	std_frame(f, 6);
	f->len = f->l3 + 39;
}

static void mk_v6_version(struct pb_frame *f)
{
	std_frame(f, 6);
	f->b[f->l3] = (uint8_t)(0x40 | (f->b[f->l3] & 0x0f));
}

static void mk_v6_plen_past(struct pb_frame *f)
{
	std_frame(f, 6);
	ck_put16(f->b + f->l3 + 4, (uint16_t)(f->len - f->l3 - 40 + 1));
}

static void v4_frag(struct pb_frame *f, uint16_t frag)
{
	struct pb_spec s;

	STD_SPEC(s, 4);
	s.frag = frag;
	build(f, &s);
}

static void mk_v4_mf(struct pb_frame *f)
{
	v4_frag(f, 0x2000);
}

static void mk_v4_offset(struct pb_frame *f)
{
	v4_frag(f, 0x4000 | 0x00b9);
}

static void v6_ext(struct pb_frame *f, const struct pb_ext *ext, int n)
{
	struct pb_spec s;

	STD_SPEC(s, 6);
	s.next = n;
	memcpy(s.ext, ext, (size_t)n * sizeof(*ext));
	build(f, &s);
}

static void mk_v6_frag(struct pb_frame *f)
{
	const struct pb_ext x[] = {{PB_IP_FRAG, 0, 0, 0x0001}};

	v6_ext(f, x, 1);
}

/* An atomic fragment (offset 0, M clear) is still a Fragment header. */
static void mk_v6_frag_atomic_after_hbh(struct pb_frame *f)
{
	const struct pb_ext x[] = {{PB_IP_HBH, 0, 0, 0}, {PB_IP_FRAG, 0, 0, 0}};

	v6_ext(f, x, 2);
}

static void mk_v6_ext5(struct pb_frame *f)
{
	const struct pb_ext x[] = {{PB_IP_HBH, 0, 0, 0},
				   {PB_IP_DSTOPT, 0, 0, 0},
				   {PB_IP_RT, 2, 0, 0},
				   {PB_IP_DSTOPT, 0, 0, 0},
				   {PB_IP_DSTOPT, 1, 0, 0}};

	v6_ext(f, x, 5);
}

static void mk_v6_rt_sl1(struct pb_frame *f)
{
	const struct pb_ext x[] = {{PB_IP_HBH, 0, 0, 0}, {PB_IP_RT, 4, 1, 0}};

	v6_ext(f, x, 2);
}

/* Another upper-layer protocol carrying 40 octets. */
static void other_proto(struct pb_frame *f, int ipv, uint8_t proto)
{
	uint8_t l4[40] = {0};
	struct pb_spec s;

	/* source port 40000, destination port 862 where a port would be */
	ck_put16(l4, SENDER_PORT);
	ck_put16(l4 + 2, STAMP_PORT);
	if (proto == PB_IP_TCP) {
		l4[12] = 0x50;
		l4[13] = 0x02; /* SYN */
	} else {
		l4[0] = proto == PB_IP_ICMP ? 8 : 128; /* echo request */
		l4[1] = 0;
	}
	spec_std(&s, ipv, l4, sizeof(l4));
	s.proto = proto;
	build(f, &s);
}

static void mk_v4_tcp(struct pb_frame *f)
{
	other_proto(f, 4, PB_IP_TCP);
}

static void mk_v4_icmp(struct pb_frame *f)
{
	other_proto(f, 4, PB_IP_ICMP);
}

static void mk_v6_icmpv6(struct pb_frame *f)
{
	other_proto(f, 6, PB_IP_ICMPV6);
}

static void mk_v6_tcp_after_ext(struct pb_frame *f)
{
	struct pb_spec s;
	uint8_t l4[20] = {0};

	ck_put16(l4 + 2, STAMP_PORT);
	l4[12] = 0x50;
	spec_std(&s, 6, l4, sizeof(l4));
	s.proto = PB_IP_TCP;
	set_ext_chain(&s, 2);
	build(f, &s);
}

static void std_port(struct pb_frame *f, int ipv, uint16_t sport, uint16_t dport)
{
	struct pb_spec s;

	STD_SPEC(s, ipv);
	s.sport = sport;
	s.dport = dport;
	build(f, &s);
}

/* The standard request with its IPv4 header checksum off by one. */
static void mk_v4_bad_ip_csum(struct pb_frame *f)
{
	uint16_t c;

	std_port(f, 4, SENDER_PORT, STAMP_PORT);
	c = ck_get16(f->b + f->l3 + 10);
	ck_put16(f->b + f->l3 + 10, (uint16_t)(c == 0xffff ? 1 : c + 1));
}

/* The same with 40 octets of options, so the whole header is summed. */
static void mk_v4_ihl15_bad_ip_csum(struct pb_frame *f)
{
	struct pb_spec s;
	uint16_t c;

	STD_SPEC(s, 4);
	s.optlen = 40;
	build(f, &s);
	c = ck_get16(f->b + f->l3 + 10);
	ck_put16(f->b + f->l3 + 10, (uint16_t)(c == 0xffff ? 1 : c + 1));
}

static void mk_v4_port9999(struct pb_frame *f)
{
	std_port(f, 4, SENDER_PORT, 9999);
}

static void mk_v6_port9999(struct pb_frame *f)
{
	std_port(f, 6, SENDER_PORT, 9999);
}

/* Other UDP traffic the early check for untagged option-less IPv4 leaves to the parser. */
static void mk_v4_opts_port9999(struct pb_frame *f)
{
	struct pb_spec s;

	STD_SPEC(s, 4);
	s.optlen = 8;
	s.dport = 9999;
	build(f, &s);
}

static void mk_v4_vlan_port9999(struct pb_frame *f)
{
	struct pb_spec s;

	STD_SPEC(s, 4);
	s.nvlan = 1;
	s.tpid[0] = 0x8100;
	s.tci[0] = 42;
	s.dport = 9999;
	build(f, &s);
}

static void mk_v4_port863(struct pb_frame *f)
{
	std_port(f, 4, SENDER_PORT, AUTH_PORT);
}

static void mk_v4_sport862(struct pb_frame *f)
{
	std_port(f, 4, STAMP_PORT, STAMP_PORT);
}

static void mk_v6_sport862(struct pb_frame *f)
{
	std_port(f, 6, STAMP_PORT, STAMP_PORT);
}

static void mk_v4_sport863(struct pb_frame *f)
{
	std_port(f, 4, AUTH_PORT, STAMP_PORT);
}

static void mk_v6_to863(struct pb_frame *f)
{
	std_port(f, 6, SENDER_PORT, AUTH_PORT);
}

static void mk_v4_port862(struct pb_frame *f)
{
	std_port(f, 4, SENDER_PORT, STAMP_PORT);
}

static void mk_v4_sport5000(struct pb_frame *f)
{
	std_port(f, 4, 5000, 5001);
}

static void v4_src(struct pb_frame *f, uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	const uint8_t src[4] = {a, b, c, d};

	std_addrs(f, 4, src, NULL);
}

static void mk_v4_not_local(struct pb_frame *f)
{
	const uint8_t dst[4] = {192, 0, 2, 99};

	std_addrs(f, 4, NULL, dst);
}

static void mk_v4_to_loopback(struct pb_frame *f)
{
	const uint8_t dst[4] = {127, 0, 0, 1};

	std_addrs(f, 4, NULL, dst);
}

static void mk_v6_not_local(struct pb_frame *f)
{
	uint8_t dst[16];

	pb_v6(dst, 1, 0x99);
	std_addrs(f, 6, NULL, dst);
}

/* Our IPv4 address as ::ffff:192.0.2.1 in an IPv6 header: not in the map. */
static void mk_v6_to_mapped_us(struct pb_frame *f)
{
	union stampede_addr a;
	uint8_t v4[16];

	addr_us(4, v4);
	addr_mapped(&a, v4);
	std_addrs(f, 6, NULL, a.b);
}

static void mk_src_v4_mcast(struct pb_frame *f)
{
	v4_src(f, 224, 0, 0, 1);
}

static void mk_src_v4_bcast(struct pb_frame *f)
{
	v4_src(f, 255, 255, 255, 255);
}

/* 192.0.2.255: the directed broadcast of our 192.0.2.0/24. */
static void mk_src_v4_dir_bcast(struct pb_frame *f)
{
	v4_src(f, 192, 0, 2, 255);
}

static void mk_src_v4_zero(struct pb_frame *f)
{
	v4_src(f, 0, 0, 0, 0);
}

static void mk_src_v4_zero_net(struct pb_frame *f)
{
	v4_src(f, 0, 1, 2, 3);
}

static void mk_src_v4_loopback(struct pb_frame *f)
{
	v4_src(f, 127, 0, 0, 1);
}

static void mk_src_v4_loopback_net(struct pb_frame *f)
{
	v4_src(f, 127, 9, 8, 7);
}

static void mk_src_v4_self(struct pb_frame *f)
{
	v4_src(f, 192, 0, 2, 1);
}

static void v6_src(struct pb_frame *f, const uint8_t *src)
{
	std_addrs(f, 6, src, NULL);
}

static void mk_src_v6_unspec(struct pb_frame *f)
{
	const uint8_t a[16] = {0};

	v6_src(f, a);
}

static void mk_src_v6_loopback(struct pb_frame *f)
{
	const uint8_t a[16] = {[15] = 1};

	v6_src(f, a);
}

static void mk_src_v6_mcast(struct pb_frame *f)
{
	const uint8_t a[16] = {0xff, 0x02, [15] = 1};

	v6_src(f, a);
}

static void mk_src_v6_mapped(struct pb_frame *f)
{
	const uint8_t a[16] = {[10] = 0xff, [11] = 0xff, [12] = 198, [13] = 18, [15] = 1};

	v6_src(f, a);
}

static void mk_src_v6_self(struct pb_frame *f)
{
	uint8_t a[16];

	addr_us(6, a);
	v6_src(f, a);
}

static void mk_src_mac_mcast(struct pb_frame *f)
{
	const uint8_t mac[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};

	std_frame(f, 4);
	memcpy(f->b + 6, mac, 6);
}

static void mk_src_mac_bcast(struct pb_frame *f)
{
	std_frame(f, 6);
	memset(f->b + 6, 0xff, 6);
}

static void runt(struct pb_frame *f, int ipv, size_t plen, size_t pad_to)
{
	uint8_t pl[CK_BASE_LEN];
	struct pb_spec s;

	sender(pl, DEFAULT_SEQ, SSID);
	spec_std(&s, ipv, pl, plen);
	s.pad_to = pad_to;
	s.pad_byte = PAD_JUNK;
	build(f, &s);
}

static void mk_v4_runt13(struct pb_frame *f)
{
	runt(f, 4, 13, 0);
}

static void mk_v6_runt13(struct pb_frame *f)
{
	runt(f, 6, 13, 0);
}

static void mk_v4_runt0(struct pb_frame *f)
{
	runt(f, 4, 0, 0);
}

/* 13 octets, the Ethernet padding after them would make 14 or more. */
static void mk_v4_runt13_padded(struct pb_frame *f)
{
	runt(f, 4, 13, 60);
}

/* An authenticated-mode request is 112 octets; still passed on. */
static void mk_v4_auth112(struct pb_frame *f)
{
	uint8_t pl[112];
	struct pb_spec s;

	memset(pl, 0x33, sizeof(pl));
	spec_std(&s, 4, pl, sizeof(pl));
	s.dport = AUTH_PORT;
	build(f, &s);
}

/* To the auth port but 13 octets: authenticated comes before runt. */
static void mk_v4_auth_runt(struct pb_frame *f)
{
	uint8_t pl[CK_BASE_LEN];
	struct pb_spec s;

	sender(pl, DEFAULT_SEQ, SSID);
	spec_std(&s, 4, pl, 13);
	s.dport = AUTH_PORT;
	build(f, &s);
}

/* To the auth port but not to us: not_local comes before authenticated. */
static void mk_v4_auth_not_local(struct pb_frame *f)
{
	mk_v4_not_local(f);
	ck_put16(f->b + f->l4 + 2, AUTH_PORT);
	pb_udp_fix_csum(f);
}

/* ---- Tests: junk and other traffic -------------------------------------- */

/* The frames of a batch: each passed unchanged with exactly one pass reason;
 * over the batch the outcome counters moved by the number of frames. */
static void check_batch(struct env *e, struct tc *t, struct pb_frame *frames, const int *expect,
			int n)
{
	uint64_t before[NCNT], after[NCNT], total = 0;
	static struct run r;
	int i, k, moved;

	if (!CHECK(t, !stats_read(e, before), "reading stats failed"))
		return;
	for (i = 0; i < n; i++) {
		run_frame(e, frames[i].b, frames[i].len, &r);
		if (!check_ran(t, &r))
			return;
		if (expect) {
			struct tc one = {.name = t->name};

			check_passed(&one, frames[i].b, frames[i].len, &r, expect[i]);
			if (one.nfail)
				failf(t, "frame %d (%zu octets): %s", i, frames[i].len, one.why);
			continue;
		}
		CHECK(t, r.retval == XDP_RET_PASS, "frame %d (%zu octets): retval %u", i,
		      frames[i].len, r.retval);
		CHECK(t, r.out_len == frames[i].len && !memcmp(r.out, frames[i].b, r.out_len),
		      "frame %d (%zu octets) changed", i, frames[i].len);
		for (k = 0, moved = 0; k < NCNT; k++) {
			if (!r.delta[k])
				continue;
			moved++;
			CHECK(t, cnt_class[k] == STAMPEDE_CLASS_PASS && r.delta[k] == 1,
			      "frame %d (%zu octets): counter %s moved by %llu", i, frames[i].len,
			      cnt_name[k], (unsigned long long)r.delta[k]);
		}
		CHECK(t, moved == 1, "frame %d (%zu octets): %d counters moved, expected 1", i,
		      frames[i].len, moved);
	}
	if (!CHECK(t, !stats_read(e, after), "reading stats failed"))
		return;
	for (k = 0; k < NCNT; k++)
		if (cnt_class[k] != STAMPEDE_CLASS_EVENT)
			total += after[k] - before[k];
	CHECK(t, total == (uint64_t)n,
	      "outcome counters (reflected + passed + dropped) moved by %llu for %d frames",
	      (unsigned long long)total, n);
}

#define N_JUNK 400
static struct pb_frame junk[N_JUNK];

/* Random frames of 14 to 200 octets; a third claim IPv4, a third IPv6. */
static void t_junk(struct env *e, struct tc *t, __maybe_unused const void *arg)
{
	uint64_t seed = 0x5eed5eed12345678ULL;
	size_t j;
	int i;

	for (i = 0; i < N_JUNK; i++) {
		struct pb_frame *f = &junk[i];

		f->len = 14 + pb_rand(&seed) % (200 - 14 + 1);
		for (j = 0; j < f->len; j++)
			f->b[j] = (uint8_t)(pb_rand(&seed) >> 56);
		if (i % 3 == 1) {
			ck_put16(f->b + 12, PB_ETH_IPV4);
			if (f->len > 14)
				f->b[14] = (uint8_t)(0x40 | (f->b[14] & 0x0f));
		} else if (i % 3 == 2) {
			ck_put16(f->b + 12, PB_ETH_IPV6);
			if (f->len > 14)
				f->b[14] = (uint8_t)(0x60 | (f->b[14] & 0x0f));
		}
	}
	check_batch(e, t, junk, NULL, N_JUNK);
}

/*
 * Hostile TLV areas: random chains of the types answered here (and a few
 * others), random Lengths that often do not fit, random Values.  Whatever
 * the program does, it must finish; a reply must verify (IPv4 header and
 * UDP checksums, recomputed here) and say its own length right, and no
 * frame may be dropped as internal.
 */
#define N_TLV_FUZZ 3000

static void t_tlv_fuzz(struct env *e, struct tc *t, __maybe_unused const void *arg)
{
	static const uint8_t types[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0, 200, 255};
	uint64_t seed = 0x715e7f00d0c0ffeeULL;
	static struct pb_frame f;
	static struct run r;
	struct pb_spec s;
	size_t n, j, len, udp_out;
	int i, k, tx = 0, bad = 0;

	for (i = 0; i < N_TLV_FUZZ && !bad; i++) {
		tb_init(&tb);
		n = tb.n;
		for (k = 0; k < 1 + (int)(pb_rand(&seed) % 6); k++) {
			len = pb_rand(&seed) % 4 ? pb_rand(&seed) % 24 : pb_rand(&seed) % 300;
			if (n + 4 + len > 600)
				break;
			tb.pl[n] = (uint8_t)(pb_rand(&seed) >> 56);
			tb.pl[n + 1] = types[pb_rand(&seed) % sizeof(types)];
			/* now and then a Length that runs past the end */
			ck_put16(tb.pl + n + 2, (uint16_t)(pb_rand(&seed) % 8 ? len : len + 50));
			for (j = 0; j < len; j++)
				tb.pl[n + 4 + j] = (uint8_t)(pb_rand(&seed) >> 56);
			/* sub-TLV-looking Values for Location and Return Path */
			if (len >= 8 && (tb.pl[n + 1] == 2 || tb.pl[n + 1] == 10))
				ck_put16(tb.pl + n + 4 + (tb.pl[n + 1] == 2 ? 6 : 2),
					 (uint16_t)(pb_rand(&seed) % 24));
			n += 4 + len;
		}
		n += pb_rand(&seed) % 4; /* a stray tail now and then */
		spec_std(&s, i & 1 ? 6 : 4, tb.pl, n);
		build(&f, &s);
		run_frame(e, f.b, f.len, &r);
		if (!check_ran(t, &r))
			return;
		bad |= !CHECK(t, !r.delta[STAMPEDE_CNT_internal], "frame %d: dropped as internal",
			      i);
		if (r.retval != XDP_RET_TX) {
			bad |= !CHECK(t, r.retval == XDP_RET_PASS || r.retval == 1,
				      "frame %d: retval %u", i, r.retval);
			continue;
		}
		tx++;
		udp_out = ck_get16(r.out + f.l4 + 4);
		bad |= !CHECK(t, f.l4 + udp_out == r.out_len,
			      "frame %d: UDP Length %zu does not end the %u-octet reply", i,
			      udp_out, r.out_len);
		if (!bad)
			check_csums(t, &f, &r, udp_out - ck_get16(f.b + f.l4 + 4));
		bad |= t->nfail > 0;
	}
	CHECK(t, tx > N_TLV_FUZZ / 2, "only %d of %d answered", tx, N_TLV_FUZZ);
	if (!bad)
		note("%s: %d hostile TLV areas, %d answered, every reply verified", t->name,
		     N_TLV_FUZZ, tx);
}

static void udp_frame(struct pb_frame *f, int ipv, uint16_t sport, uint16_t dport, size_t len)
{
	uint8_t pl[64];
	struct pb_spec s;

	memset(pl, 0x21, sizeof(pl));
	spec_std(&s, ipv, pl, len);
	s.sport = sport;
	s.dport = dport;
	build(f, &s);
}

/* mDNS: to 224.0.0.251 and its multicast MAC. */
static void mdns_query(struct pb_frame *f)
{
	const uint8_t mac[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb};
	uint8_t pl[40];
	struct pb_spec s;

	memset(pl, 0, sizeof(pl));
	spec_std(&s, 4, pl, sizeof(pl));
	memcpy(s.dmac, mac, 6);
	pb_v4(s.dst, 224, 0, 0, 251);
	s.sport = 5353;
	s.dport = 5353;
	s.ttl = 255;
	build(f, &s);
}

static void mk_arp_vlan(struct pb_frame *f)
{
	arp_request(f, 1);
}

static void mk_lldp(struct pb_frame *f)
{
	const uint8_t dmac[6] = {0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e};
	const uint8_t chassis_id[9] = {0x02, 0x07, 0x04, 0x02, 0x00, 0x5e, 0x10, 0x00, 0x07};

	memset(f, 0, sizeof(*f));
	memcpy(f->b, dmac, 6);
	memcpy(f->b + 6, mac_peer, 6);
	ck_put16(f->b + 12, 0x88cc);
	memcpy(f->b + 14, chassis_id, sizeof(chassis_id));
	f->len = 60;
}

static void mk_v4_dns(struct pb_frame *f)
{
	udp_frame(f, 4, 5353, 53, 30);
}

static void mk_v6_dns(struct pb_frame *f)
{
	udp_frame(f, 6, 5353, 53, 30);
}

static void mk_v4_ntp(struct pb_frame *f)
{
	udp_frame(f, 4, 123, 123, 48);
}

/* A STAMP reply coming back to a Session-Sender on this host. */
static void mk_v4_stamp_reply(struct pb_frame *f)
{
	udp_frame(f, 4, STAMP_PORT, SENDER_PORT, CK_BASE_LEN);
}

static void mk_v6_stamp_reply(struct pb_frame *f)
{
	udp_frame(f, 6, STAMP_PORT, SENDER_PORT, CK_BASE_LEN);
}

/* Ordinary traffic a host sees, none of it for the reflector. */
static const struct pass_case other_traffic[] = {
	{mk_arp, STAMPEDE_CNT_not_ip},
	{mk_arp_vlan, STAMPEDE_CNT_not_ip},
	{mk_lldp, STAMPEDE_CNT_not_ip},
	{mk_v4_dns, STAMPEDE_CNT_not_stamp},
	{mk_v6_dns, STAMPEDE_CNT_not_stamp},
	{mk_v4_ntp, STAMPEDE_CNT_not_stamp},
	{mk_v4_stamp_reply, STAMPEDE_CNT_not_stamp},
	{mk_v6_stamp_reply, STAMPEDE_CNT_not_stamp},
	{mdns_query, STAMPEDE_CNT_not_stamp},
	{mk_v4_tcp, STAMPEDE_CNT_not_udp},
	{mk_v4_icmp, STAMPEDE_CNT_not_udp},
	{mk_v6_icmpv6, STAMPEDE_CNT_not_udp},
};

static void t_other_traffic(struct env *e, struct tc *t, __maybe_unused const void *arg)
{
	static struct pb_frame fr[ARRAY_SIZE(other_traffic)];
	int expect[ARRAY_SIZE(other_traffic)];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(other_traffic); i++) {
		other_traffic[i].mk(&fr[i]);
		expect[i] = other_traffic[i].counter;
	}
	check_batch(e, t, fr, expect, (int)ARRAY_SIZE(other_traffic));
}

/* Since the load, the outcome counters add up to the frames run. */
static void t_accounting(struct env *e, struct tc *t, __maybe_unused const void *arg)
{
	uint64_t now[NCNT], total = 0;
	int k;

	if (!CHECK(t, !stats_read(e, now), "reading stats failed"))
		return;
	for (k = 0; k < NCNT; k++)
		if (cnt_class[k] != STAMPEDE_CLASS_EVENT)
			total += now[k];
	CHECK(t, total == e->frames,
	      "%llu frames run since the load, outcome counters sum to %llu (reflected %llu)",
	      (unsigned long long)e->frames, (unsigned long long)total,
	      (unsigned long long)now[STAMPEDE_CNT_reflected]);
	CHECK(t, now[STAMPEDE_CNT_internal] == 0, "internal is %llu",
	      (unsigned long long)now[STAMPEDE_CNT_internal]);
}

/* ---- Tests: ports, TTL, loop guard -------------------------------------- */

struct port_case {
	int ipv;
	uint16_t sport, dport;
};

/* A request between the given ports is answered (ports swapped). */
static void t_port_reflected(struct env *e, struct tc *t, const void *arg)
{
	const struct port_case *pc = arg;
	static struct run r;
	static struct pb_frame f;
	struct pb_spec s;

	STD_SPEC(s, pc->ipv);
	s.sport = pc->sport;
	s.dport = pc->dport;
	build(&f, &s);
	run_frame(e, f.b, f.len, &r);
	check_reply(t, e, &f, &r, &plain);
	if (!r.err && r.out_len > f.l3 + 8)
		CHECK(t, r.out[f.l3 + (pc->ipv == 4 ? 8 : 7)] == e->cfg->reply_ttl,
		      "TTL/Hop Limit %u, expected %u", r.out[f.l3 + (pc->ipv == 4 ? 8 : 7)],
		      e->cfg->reply_ttl);
}

/* ---- Tests: stateful sessions ------------------------------------------- */

static void session_key(struct stampede_session_key *k, int ipv, uint16_t sport, uint16_t ssid)
{
	uint8_t a[16];

	memset(k, 0, sizeof(*k));
	if (ipv == 4) {
		addr_peer(4, a);
		addr_mapped(&k->src, a);
		addr_us(4, a);
		addr_mapped(&k->dst, a);
	} else {
		addr_peer(6, k->src.b);
		addr_us(6, k->dst.b);
	}
	k->sport = htons(sport);
	k->dport = htons(STAMP_PORT);
	k->ssid = htons(ssid);
}

/*
 * The session of @key, found by reading every set of the table (not by the
 * program's hash).  Returns how many slots hold the key: 1 when all is well.
 */
static int session_find(const struct env *e, const struct stampede_session_key *key,
			struct stampede_session *got, uint32_t *set_of)
{
	struct stampede_session_set set;
	uint32_t i, w, n_sets = bpf_map__max_entries(e->skel->maps.sessions);
	int found = 0;

	for (i = 0; i < n_sets; i++) {
		if (bpf_map_lookup_elem(e->sessions_fd, &i, &set))
			return -1;
		for (w = 0; w < STAMPEDE_SESSION_WAYS; w++) {
			if (!set.way[w].in_use || memcmp(&set.way[w].key, key, sizeof(*key)))
				continue;
			if (!found++ && got)
				*got = set.way[w].s;
			if (set_of)
				*set_of = i;
		}
	}
	return found;
}

/* One request of a session; its reply must carry reflector seq rseq. */
static void session_step(struct env *e, struct tc *t, int ipv, uint16_t sport, uint16_t ssid,
			 uint32_t seq, uint32_t rseq, bool is_new, struct run *r)
{
	struct rexp x = {.seq_set = true, .seq = rseq, .extra = {C(session_new) = is_new}};
	uint8_t pl[CK_BASE_LEN];
	struct pb_spec s;
	static struct pb_frame f;
	struct tc one = {.name = t->name};

	spec_std(&s, ipv, pl, sender(pl, seq, ssid));
	s.sport = sport;
	build(&f, &s);
	run_frame(e, f.b, f.len, r);
	check_reply(&one, e, &f, r, &x);
	if (one.nfail)
		failf(t, "port %u SSID %u sender seq %u: %s", sport, ssid, seq, one.why);
}

static void t_stateful_reply(struct env *e, struct tc *t, __maybe_unused const void *arg)
{
	static struct run r;

	session_step(e, t, 4, 41000, SSID, DEFAULT_SEQ, 0, true, &r);
	session_step(e, t, 6, 41000, SSID, DEFAULT_SEQ, 0, true, &r);
}

/* Sessions apart by source port or SSID count independently from 0. */
static void t_stateful_sessions(struct env *e, struct tc *t, __maybe_unused const void *arg)
{
	static const struct {
		uint16_t sport, ssid;
		uint32_t rseq;
		bool is_new;
	} steps[] = {
		{41100, 1, 0, true},  {41100, 1, 1, false}, {41100, 1, 2, false},
		{41101, 1, 0, true},  {41100, 1, 3, false}, {41100, 2, 0, true},
		{41101, 1, 1, false}, {41100, 2, 1, false}, {41100, 1, 4, false},
	};
	static struct run r;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(steps); i++)
		session_step(e, t, 4, steps[i].sport, steps[i].ssid, 1000 + (uint32_t)i,
			     steps[i].rseq, steps[i].is_new, &r);
}

struct record_case {
	int ipv;
	uint16_t sport;
	const uint32_t *seqs;
	size_t n;
	struct stampede_session want; /* first/last seen checked apart */
	bool check_window;
};

static const uint32_t record_seqs[] = {0, 1, 2, 5, 5, 4, 3, 100, 10};
static const uint32_t window_seqs[] = {0, 63, 0, 1, 64, 0};

/* The sessions entry after a series of sender sequence numbers. */
static void t_stateful_record(struct env *e, struct tc *t, const void *arg)
{
	const struct record_case *rc = arg;
	static struct run r;
	struct stampede_session_key key;
	struct stampede_session got;
	uint64_t first_t0 = 0, first_t1 = 0, t2[2] = {0, 0};
	size_t i;

	for (i = 0; i < rc->n; i++) {
		session_step(e, t, rc->ipv, rc->sport, 7, rc->seqs[i], (uint32_t)i, i == 0, &r);
		if (i == 0) {
			first_t0 = r.t0;
			first_t1 = r.t1;
		}
	}
	if (!r.err && r.out_len >= 14 + 20 + 8 + CK_BASE_LEN) {
		size_t pl = r.out_len - CK_BASE_LEN; /* no trailer, no TLVs */

		if (!decode_ts(e, r.out + pl + CK_R_T2, r.t0, &t2[0], &t2[1]))
			t2[0] = t2[1] = 0;
	}
	session_key(&key, rc->ipv, rc->sport, 7);
	if (!CHECK(t, session_find(e, &key, &got, NULL) == 1,
		   "the session is not in the table exactly once"))
		return;
#define FIELD(name)                                                                  \
	CHECK(t, got.name == rc->want.name, "session " #name " %llu, expected %llu", \
	      (unsigned long long)got.name, (unsigned long long)rc->want.name)
	FIELD(reflected);
	FIELD(highest_seq);
	FIELD(last_seq);
	FIELD(seq_gaps);
	FIELD(duplicates);
	FIELD(reordered);
	if (rc->check_window)
		FIELD(seq_window);
#undef FIELD
	CHECK(t, got.first_seen_ns >= first_t0 && got.first_seen_ns <= first_t1,
	      "first_seen %llu ns not within the first run [%llu, %llu]",
	      (unsigned long long)got.first_seen_ns, (unsigned long long)first_t0,
	      (unsigned long long)first_t1);
	CHECK(t, got.last_seen_ns >= r.t0 && got.last_seen_ns <= r.t1,
	      "last_seen %llu ns not within the last run [%llu, %llu]",
	      (unsigned long long)got.last_seen_ns, (unsigned long long)r.t0,
	      (unsigned long long)r.t1);
	CHECK(t, got.first_seen_ns <= got.last_seen_ns, "first_seen %llu > last_seen %llu",
	      (unsigned long long)got.first_seen_ns, (unsigned long long)got.last_seen_ns);
	CHECK(t, got.last_seen_ns >= t2[0] && got.last_seen_ns <= t2[1],
	      "last_seen %llu ns is not the last reply's T2 [%llu, %llu]",
	      (unsigned long long)got.last_seen_ns, (unsigned long long)t2[0],
	      (unsigned long long)t2[1]);
}

/* A TWAMP-Light packet of 14 octets has no SSID: its session's SSID is 0,
 * whatever the Ethernet padding after it holds. */
static void t_stateful_twl(struct env *e, struct tc *t, __maybe_unused const void *arg)
{
	struct rexp x = {.seq_set = true, .seq = 0, .extra = {C(session_new) = 1}};
	struct stampede_session_key key;
	struct stampede_session got;
	uint8_t pl[CK_BASE_LEN];
	static struct pb_frame f;
	struct pb_spec s;

	sender(pl, 77, SSID);
	spec_std(&s, 4, pl, 14);
	s.sport = 41200;
	s.pad_to = 60;
	s.pad_byte = PAD_JUNK;
	build(&f, &s);
	reflect_check(e, t, &f, &x);
	session_key(&key, 4, 41200, 0);
	if (CHECK(t, session_find(e, &key, &got, NULL) == 1, "no sessions entry with SSID 0"))
		CHECK(t, got.reflected == 1 && got.last_seq == 77,
		      "session reflected %llu last_seq %u, expected 1 and 77",
		      (unsigned long long)got.reflected, got.last_seq);
	session_key(&key, 4, 41200, PAD_JUNK << 8 | PAD_JUNK);
	CHECK(t, session_find(e, &key, NULL, NULL) == 0,
	      "a session keyed by the padding (SSID 0x%04x) exists", PAD_JUNK << 8 | PAD_JUNK);
}

/*
 * Stateful TWAMP-Light requests of 14 and 15 octets with nothing after the
 * datagram (IPv6 is never padded; veth, generic XDP and drivers that strip
 * padding deliver IPv4 so too): answered, in a session of SSID 0.
 */
struct stateful_twl_case {
	int ipv;
	size_t plen;
};

static void t_stateful_twl_unpadded(struct env *e, struct tc *t, const void *arg)
{
	const struct stateful_twl_case *c = arg;
	struct rexp x = {.seq_set = true, .seq = 0, .extra = {C(session_new) = 1}};
	uint16_t sport = (uint16_t)(41300 + 10 * c->ipv + c->plen);
	struct stampede_session_key key;
	struct stampede_session got;
	uint8_t pl[CK_BASE_LEN];
	static struct pb_frame f;
	struct pb_spec s;

	sender(pl, 78, SSID);
	spec_std(&s, c->ipv, pl, c->plen);
	s.sport = sport;
	build(&f, &s);
	reflect_check(e, t, &f, &x);
	session_key(&key, c->ipv, sport, 0);
	if (CHECK(t, session_find(e, &key, &got, NULL) == 1, "no sessions entry with SSID 0"))
		CHECK(t, got.reflected == 1 && got.last_seq == 78,
		      "session reflected %llu last_seq %u, expected 1 and 78",
		      (unsigned long long)got.reflected, got.last_seq);
}

/* A request of session @sport (SSID 1) with the counters it must move. */
static void set_step(struct env *e, struct tc *t, uint16_t sport, uint32_t rseq, bool is_new,
		     bool evicts)
{
	struct rexp x = {.seq_set = true,
			 .seq = rseq,
			 .extra = {C(session_new) = is_new, C(session_evicted) = evicts}};
	uint8_t pl[CK_BASE_LEN];
	static struct pb_frame f;
	static struct run r;
	struct pb_spec s;
	struct tc one = {.name = t->name};

	spec_std(&s, 4, pl, sender(pl, 500 + rseq, 1));
	s.sport = sport;
	build(&f, &s);
	run_frame(e, f.b, f.len, &r);
	check_reply(&one, e, &f, &r, &x);
	if (one.nfail)
		failf(t, "session port %u: %s", sport, one.why);
}

/*
 * A full set gives its least recently seen session's slot to a new one
 * (one set of 4 here, so every session shares it), and counts that.
 */
static void t_stateful_set_eviction(struct env *e, struct tc *t, __maybe_unused const void *arg)
{
	static const uint16_t gone[] = {42001, 42002}, kept[] = {42000, 42003, 42004};
	struct stampede_session_key key;
	struct stampede_session got;
	size_t i;

	for (i = 0; i < STAMPEDE_SESSION_WAYS; i++)
		set_step(e, t, 42000 + (uint16_t)i, 0, true, false);
	set_step(e, t, 42000, 1, false, false); /* 42001 is now the least recent */
	set_step(e, t, 42004, 0, true, true);	/* takes 42001's slot */
	set_step(e, t, 42001, 0, true, true);	/* back, from 0, in 42002's */
	set_step(e, t, 42001, 1, false, false);
	for (i = 0; i < ARRAY_SIZE(kept); i++) {
		session_key(&key, 4, kept[i], 1);
		CHECK(t, session_find(e, &key, &got, NULL) == 1,
		      "session port %u is not in the table once", kept[i]);
	}
	session_key(&key, 4, gone[1], 1);
	CHECK(t, session_find(e, &key, NULL, NULL) == 0,
	      "session port %u should have been replaced", gone[1]);
	session_key(&key, 4, gone[0], 1);
	if (CHECK(t, session_find(e, &key, &got, NULL) == 1, "session port %u is missing", gone[0]))
		CHECK(t, got.reflected == 2 && got.received == 2,
		      "the new session port %u has reflected %llu received %llu, expected 2 and 2",
		      gone[0], (unsigned long long)got.reflected, (unsigned long long)got.received);
}

/*
 * Many sessions at once: each is created once, found again, and kept in
 * its own slot; the keyed hash spreads them over the table's sets.
 */
static void t_stateful_many_sessions(struct env *e, struct tc *t, __maybe_unused const void *arg)
{
	enum { N = 256 };
	static uint8_t set_used[STAMPEDE_DEFAULT_SESSIONS / STAMPEDE_SESSION_WAYS];
	struct stampede_session_key key;
	struct stampede_session got;
	uint32_t set_of = 0, n_sets = bpf_map__max_entries(e->skel->maps.sessions), distinct = 0;
	int i;

	if (!CHECK(t, n_sets <= ARRAY_SIZE(set_used), "the table has %u sets", n_sets))
		return;
	memset(set_used, 0, sizeof(set_used));
	for (i = 0; i < N && !t->nfail; i++)
		set_step(e, t, (uint16_t)(43000 + i), 0, true, false);
	for (i = 0; i < N && !t->nfail; i++)
		set_step(e, t, (uint16_t)(43000 + i), 1, false, false);
	for (i = 0; i < N && !t->nfail; i++) {
		session_key(&key, 4, (uint16_t)(43000 + i), 1);
		if (!CHECK(t, session_find(e, &key, &got, &set_of) == 1,
			   "session port %d is not in the table once", 43000 + i))
			break;
		CHECK(t, got.reflected == 2, "session port %d reflected %llu, expected 2",
		      43000 + i, (unsigned long long)got.reflected);
		distinct += !set_used[set_of]++;
	}
	/* 256 keys in 4096 sets: about 248 distinct sets expected; 200 is far below. */
	CHECK(t, distinct >= 200, "the %d sessions share only %u of %u sets", N, distinct, n_sets);
}

/* ---- The test table ----------------------------------------------------- */

/* ---- Tests: frames the fuzzer found (tests/fuzz, `make fuzz`) ----------- */

/* The fuzzer's findings as exact request bytes (FUZZING.md lists them). */
static const uint8_t fuzz_node_src_v4[86] = {
	0x02, 0x00, 0x5e, 0x10, 0x00, 0x01, 0x02, 0x00, 0x5e, 0x10, 0x00, 0x07, 0x08, 0x00, 0x45,
	0xb9, 0x00, 0x48, 0x12, 0x34, 0x40, 0x00, 0x39, 0x11, 0x9d, 0xa1, 0xc6, 0x12, 0x09, 0x03,
	0xc0, 0x00, 0x02, 0x01, 0x9c, 0x40, 0x03, 0x5e, 0x00, 0x34, 0x15, 0x2d, 0x01, 0x02, 0x03,
	0x04, 0xe9, 0x8f, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0x81, 0x1e, 0xbe, 0xef, 0x6a, 0x6b,
	0x6c, 0x6d, 0x6e, 0x6f, 0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a,
	0x7b, 0x7c, 0x7d, 0x7e, 0x7f, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85,
};
static const uint8_t fuzz_node_src_v6[106] = {
	0x02, 0x00, 0x5e, 0x10, 0x00, 0x01, 0x02, 0x00, 0x5e, 0x10, 0x00, 0x07, 0x86, 0xdd,
	0x6b, 0x95, 0xee, 0xd1, 0x00, 0x34, 0x11, 0x39, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x09,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x9c, 0x40,
	0x03, 0x5e, 0x00, 0x34, 0x4a, 0xc4, 0x01, 0x02, 0x03, 0x04, 0xe9, 0x8f, 0x12, 0x34,
	0x56, 0x78, 0x9a, 0xbc, 0x81, 0x1e, 0xbe, 0xef, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f,
	0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x7b, 0x7c, 0x7d,
	0x7e, 0x7f, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85,
};
static const uint8_t fuzz_dna_sender_v4[94] = {
	0x02, 0x00, 0x5e, 0x10, 0x00, 0x01, 0x02, 0x00, 0x5e, 0x10, 0x00, 0x07, 0x08, 0x00,
	0x45, 0xb9, 0x00, 0x50, 0x12, 0x34, 0x40, 0x00, 0x39, 0x11, 0xaa, 0xac, 0xc0, 0x00,
	0x02, 0x02, 0xc0, 0x00, 0x02, 0x01, 0x9c, 0x40, 0x03, 0x5e, 0x00, 0x3c, 0x60, 0x20,
	0x01, 0x02, 0x03, 0x04, 0xe9, 0x8f, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0x81, 0x1e,
	0xbe, 0xef, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f, 0x70, 0x71, 0x72, 0x73, 0x74, 0x75,
	0x76, 0x77, 0x78, 0x79, 0x7a, 0x7b, 0x7c, 0x7d, 0x7e, 0x7f, 0x80, 0x81, 0x82, 0x83,
	0x84, 0x85, 0x00, 0x09, 0x00, 0x04, 0xc0, 0x00, 0x02, 0x02,
};
static const uint8_t fuzz_dna_sender_v6[126] = {
	0x02, 0x00, 0x5e, 0x10, 0x00, 0x01, 0x02, 0x00, 0x5e, 0x10, 0x00, 0x07, 0x86, 0xdd,
	0x6b, 0x95, 0xee, 0xd1, 0x00, 0x48, 0x11, 0x39, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x9c, 0x40,
	0x03, 0x5e, 0x00, 0x48, 0x1c, 0xd0, 0x01, 0x02, 0x03, 0x04, 0xe9, 0x8f, 0x12, 0x34,
	0x56, 0x78, 0x9a, 0xbc, 0x81, 0x1e, 0xbe, 0xef, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f,
	0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x7b, 0x7c, 0x7d,
	0x7e, 0x7f, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x00, 0x09, 0x00, 0x10, 0x20, 0x01,
	0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
};

/* An untagged request without IPv4 options or IPv6 extension headers. */
static void frame_of(struct pb_frame *f, const uint8_t *b, size_t n, int ipv)
{
	memset(f, 0, sizeof(*f));
	memcpy(f->b, b, n);
	f->len = n;
	f->ipv = ipv;
	f->l3 = 14;
	f->iphl = ipv == 4 ? 20 : 40;
	f->l4 = f->l3 + f->iphl;
	f->pl = f->l4 + 8;
	f->plen = n - f->pl;
	f->ip_end = n;
}

static void key_of(union stampede_addr *k, int ipv, const uint8_t *a)
{
	if (ipv == 4)
		addr_mapped(k, a);
	else
		memcpy(k->b, a, 16);
}

/*
 * From another interface's address (local_addrs tag STAMPEDE_ADDR_NODE):
 * not this interface's, so answered, whether the set holds every address
 * of the interface or the hash is asked too.  The fuzzer found it refused
 * (bad_source) in the second case only: the hash lookup took any tag as
 * the interface's.  arg: the IP version.
 */
static void t_fuzz_node_source(struct env *e, struct tc *t, const void *arg)
{
	int ipv = *(const int *)arg, hash = bpf_map__fd(e->skel->maps.local_addrs);
	static struct pb_frame f;
	union stampede_addr key;

	if (ipv == 4)
		frame_of(&f, fuzz_node_src_v4, sizeof(fuzz_node_src_v4), 4);
	else
		frame_of(&f, fuzz_node_src_v6, sizeof(fuzz_node_src_v6), 6);
	key_of(&key, ipv, f.b + f.l3 + (ipv == 4 ? 12 : 8));
	if (!CHECK(t, !bpf_map_update_elem(hash, &key, &(__u8){STAMPEDE_ADDR_NODE}, BPF_ANY),
		   "cannot add the node address to local_addrs: %s", strerror(errno)))
		return;
	reflect_check(e, t, &f, &plain);
	if (CHECK(t, !local_set_write(e, 1, 1, true), "writing local_set failed"))
		reflect_check(e, t, &f, &plain);
	bpf_map_delete_elem(hash, &key);
	local_set_write(e, 1, 1, false);
}

/*
 * Without the loop guard a request may come from another of our
 * addresses; a Destination Node Address naming that same address must not
 * make the reply go from it to itself: U, the reply from the request's
 * destination.  The fuzzer found the reply sent from the sender's address
 * to the sender's address.  arg: the IP version.
 */
static void t_fuzz_dna_sender(struct env *e, struct tc *t, const void *arg)
{
	int ipv = *(const int *)arg, hash = bpf_map__fd(e->skel->maps.local_addrs);
	struct rexp x = {.extra = {C(tlv_unrecognized) = 1}};
	static struct pb_frame f;
	union stampede_addr key;
	uint8_t exp[20];

	if (ipv == 4)
		frame_of(&f, fuzz_dna_sender_v4, sizeof(fuzz_dna_sender_v4), 4);
	else
		frame_of(&f, fuzz_dna_sender_v6, sizeof(fuzz_dna_sender_v6), 6);
	/* The TLV as sent, with U. */
	memcpy(exp, f.b + f.pl + CK_BASE_LEN, f.plen - CK_BASE_LEN);
	exp[0] = STAMP_TLV_FLAG_U;
	x.tlv = exp;
	key_of(&key, ipv, f.b + f.l3 + (ipv == 4 ? 12 : 8));
	if (!CHECK(t, !bpf_map_update_elem(hash, &key, &(__u8){STAMPEDE_ADDR_LOCAL}, BPF_ANY),
		   "cannot add the second address to local_addrs: %s", strerror(errno)) ||
	    !CHECK(t, !local_set_write(e, 1, 1, true), "writing local_set failed"))
		return;
	reflect_check(e, t, &f, &x);
	bpf_map_delete_elem(hash, &key);
	local_set_write(e, 1, 1, false);
}

struct test {
	const char *name;
	enum cfg_id cfg;
	void (*fn)(struct env *e, struct tc *t, const void *arg);
	const void *arg;
};

/* Table entries: a test name, its configuration, function and argument. */
/* clang-format off */
#define ARG(type, ...) (&(const type){__VA_ARGS__})
#define SHAPE(name, cfg, ...) {#name, cfg, t_reply_shape, ARG(struct shape, __VA_ARGS__)}
#define PASS(name, cfg, mk, cnt) {#name, cfg, t_pass, ARG(struct pass_case, mk, STAMPEDE_CNT_##cnt)}
/* Attach defaults: passed unchanged, and no counter moves. */
#define UNCOUNTED(name, mk) {#name, CFG_QUIET, t_pass, ARG(struct pass_case, mk, -1)}
#define TWL(name, cfg, ...) {#name, cfg, t_twl, ARG(struct twl_case, __VA_ARGS__)}
#define CSUM(name, ...) {#name, CFG_NTP, t_csum, ARG(struct csum_case, __VA_ARGS__)}
/* clang-format on */

static const int four = 4, six = 6, sixteen = 16, seventeen = 17, twenty = 20;
static const int shift_offset = -37, shift_hour = 3600;

static const struct test tests[] = {
	/* reply fields, stateless NTP */
	SHAPE(v4_vlan0_reply_fields, CFG_NTP, 4, 0, 0, 0),
	SHAPE(v4_vlan1_reply_fields, CFG_NTP, 4, 1, 0, 0),
	SHAPE(v4_vlan2_reply_fields, CFG_NTP, 4, 2, 0, 0),
	SHAPE(v6_vlan0_reply_fields, CFG_NTP, 6, 0, 0, 0),
	SHAPE(v6_vlan1_reply_fields, CFG_NTP, 6, 1, 0, 0),
	SHAPE(v6_vlan2_reply_fields, CFG_NTP, 6, 2, 0, 0),
	SHAPE(v4_ihl6_reply_fields, CFG_NTP, 4, 0, 4, 0),
	SHAPE(v4_ihl15_reply_fields, CFG_NTP, 4, 0, 40, 0),
	SHAPE(v4_vlan2_ihl15_reply_fields, CFG_NTP, 4, 2, 40, 0),
	SHAPE(v6_ext1_reply_fields, CFG_NTP, 6, 0, 0, 1),
	SHAPE(v6_ext2_reply_fields, CFG_NTP, 6, 0, 0, 2),
	SHAPE(v6_ext3_rt_reply_fields, CFG_NTP, 6, 0, 0, 3),
	SHAPE(v6_ext4_rt_reply_fields, CFG_NTP, 6, 0, 0, 4),
	SHAPE(v6_vlan2_ext4_reply_fields, CFG_NTP, 6, 2, 0, 4),
	{"seq_ssid_ttl_extremes_copied", CFG_NTP, t_reply_extremes, NULL},

	/* Error Estimate and timestamps */
	{"ee_multiplier0_sent_as_1", CFG_NTP, t_ee_map, ARG(struct ee_case, 0x8a00, 0x8a01)},
	{"ee_ntp_z_cleared", CFG_NTP, t_ee_map, ARG(struct ee_case, 0xca03, 0x8a03)},
	{"ts_ntp_t2_t3_in_run_repeated", CFG_NTP, t_ts_repeated, NULL},
	{"ts_ntp_follows_tai_offset", CFG_NTP, t_clock_offset, &shift_offset},
	{"ts_ptp_tai_from_leap_list", CFG_PTP, t_ptp_tai_from_list, NULL},
	{"local_set_v4", CFG_NTP, t_local_set, &four},
	{"local_set_v6", CFG_NTP, t_local_set, &six},

	/* checksums */
	CSUM(v4_tlv_flags_odd_even_csum, 4, PB_CSUM_VALID, 0, true),
	CSUM(v6_tlv_flags_odd_even_csum, 6, PB_CSUM_VALID, 0, true),
	CSUM(v4_csum_zero_kept, 4, PB_CSUM_ZERO, 0, false),
	CSUM(v4_csum_zero_kept_tlv, 4, PB_CSUM_ZERO, 0, true),
	CSUM(v4_csum_zero_kept_twamp_light, 4, PB_CSUM_ZERO, 15, false),
	CSUM(v4_bad_udp_csum_stays_bad, 4, PB_CSUM_BAD, 0, true),
	CSUM(v6_bad_udp_csum_stays_bad, 6, PB_CSUM_BAD, 0, true),
	{"v4_csum_computed_zero_sent_ffff", CFG_NTP, t_csum_zero_result, &four},
	{"v6_csum_computed_zero_sent_ffff", CFG_NTP, t_csum_zero_result, &six},

	/* TWAMP-Light */
	TWL(v4_twamp_light_14, CFG_NTP, 4, 14, 0, PB_CSUM_VALID),
	TWL(v4_twamp_light_15, CFG_NTP, 4, 15, 0, PB_CSUM_VALID),
	TWL(v4_twamp_light_16, CFG_NTP, 4, 16, 0, PB_CSUM_VALID),
	TWL(v4_twamp_light_40, CFG_NTP, 4, 40, 0, PB_CSUM_VALID),
	TWL(v4_twamp_light_43, CFG_NTP, 4, 43, 0, PB_CSUM_VALID),
	TWL(v6_twamp_light_14, CFG_NTP, 6, 14, 0, PB_CSUM_VALID),
	TWL(v6_twamp_light_15, CFG_NTP, 6, 15, 0, PB_CSUM_VALID),
	TWL(v6_twamp_light_16, CFG_NTP, 6, 16, 0, PB_CSUM_VALID),
	TWL(v6_twamp_light_40, CFG_NTP, 6, 40, 0, PB_CSUM_VALID),
	TWL(v6_twamp_light_43, CFG_NTP, 6, 43, 0, PB_CSUM_VALID),
	TWL(v4_twamp_light_14_padded60_junk, CFG_NTP, 4, 14, 60, PB_CSUM_VALID),
	TWL(v4_twamp_light_15_padded60_junk, CFG_NTP, 4, 15, 60, PB_CSUM_VALID),
	TWL(v4_twamp_light_16_padded60_junk, CFG_NTP, 4, 16, 60, PB_CSUM_VALID),
	TWL(v4_twamp_light_14_padded60_csum0, CFG_NTP, 4, 14, 60, PB_CSUM_ZERO),
	{"v4_twamp_light_full_buffer", CFG_NTP, t_twl_full_buffer,
	 ARG(struct fullbuf_case, 4, 0, 0, 0, false)},
	{"v6_vlan2_ext4_twamp_light_full_buffer", CFG_NTP, t_twl_full_buffer,
	 ARG(struct fullbuf_case, 6, 2, 4, 0, false)},
	{"v6_long_headers_full_buffer_no_tailroom", CFG_NTP, t_twl_full_buffer,
	 ARG(struct fullbuf_case, 6, 0, 0, 100, true)},
	PASS(v4_runt_13, CFG_NTP, mk_v4_runt13, runt),
	PASS(v6_runt_13, CFG_NTP, mk_v6_runt13, runt),
	PASS(v4_runt_0, CFG_NTP, mk_v4_runt0, runt),
	PASS(v4_runt_13_padded60, CFG_NTP, mk_v4_runt13_padded, runt),

	/* TLV walk */
	{"tlv_padding_flags_cleared", CFG_NTP, t_tlv_padding, NULL},
	{"tlv_unknown_type_flags_u", CFG_NTP, t_tlv_unknown, NULL},
	{"tlv_mixed_counted", CFG_NTP, t_tlv_mixed, NULL},
	{"tlv_zero_length", CFG_NTP, t_tlv_zero_length, NULL},
	{"tlv_location_v4", CFG_NTP, t_tlv_location, ARG(int, 4)},
	{"tlv_location_v6", CFG_NTP, t_tlv_location, ARG(int, 6)},
	{"tlv_location_sub_overrun_m", CFG_NTP, t_tlv_location_sub_overrun, NULL},
	{"tlv_timestamp_info_sw_local", CFG_NTP, t_tlv_timestamp_info, NULL},
	{"tlv_cos_remark_v4", CFG_NTP, t_tlv_cos, ARG(int, 4)},
	{"tlv_cos_remark_v6", CFG_NTP, t_tlv_cos, ARG(int, 6)},
	{"tlv_direct_stateless_cpu_counts", CFG_NTP, t_tlv_direct, ARG(bool, false)},
	{"v4_sender_ee_multiplier0_dropped", CFG_NTP, t_sender_ee_zero, &four},
	{"v6_sender_ee_multiplier0_dropped", CFG_NTP, t_sender_ee_zero, &six},
	{"tlv_direct_stateful_counts", CFG_STATEFUL, t_tlv_direct, ARG(bool, true)},
	{"tlv_access_report_echo_and_bad_id", CFG_NTP, t_tlv_access, NULL},
	{"tlv_follow_up_stateless_zero_and_bad_len", CFG_NTP, t_tlv_follow_up, NULL},
	{"tlv_follow_up_len1_zeroed_m", CFG_NTP, t_tlv_follow_up_short, ARG(uint16_t, 1)},
	{"tlv_follow_up_len8_zeroed_m", CFG_NTP, t_tlv_follow_up_short, ARG(uint16_t, 8)},
	{"tlv_follow_up_len11_zeroed_m", CFG_NTP, t_tlv_follow_up_short, ARG(uint16_t, 11)},
	{"tlv_dest_node_addr_v4", CFG_NTP, t_tlv_dest_node, ARG(int, 4)},
	{"tlv_dest_node_addr_v6", CFG_NTP, t_tlv_dest_node, ARG(int, 6)},
	{"tlv_return_path_same_link_and_srv6", CFG_NTP, t_tlv_return_path, NULL},
	{"tlv_return_path_no_reply_dropped", CFG_NTP, t_tlv_no_reply, NULL},
	{"tlv_unconfigured_types_u", CFG_NTP, t_tlv_unconfigured, NULL},
	{"tlv_all_types_v4", CFG_NTP, t_tlv_all, ARG(int, 4)},
	{"tlv_all_types_v6", CFG_NTP, t_tlv_all, ARG(int, 6)},
	{"tlv_micro_session_v4", CFG_TLV, t_tlv_micro_session, ARG(int, 4)},
	{"tlv_micro_session_v6", CFG_TLV, t_tlv_micro_session, ARG(int, 6)},
	{"tlv_dest_node_moves_source_v4", CFG_TLV, t_tlv_dest_node_moves_source, ARG(int, 4)},
	{"tlv_dest_node_moves_source_v6", CFG_TLV, t_tlv_dest_node_moves_source, ARG(int, 6)},
	{"tlv_hmac_protects_v4", CFG_NTP, t_tlv_hmac_protects, ARG(int, 4)},
	{"tlv_hmac_protects_v6", CFG_NTP, t_tlv_hmac_protects, ARG(int, 6)},
	{"tlv_dest_node_other_interface_v4", CFG_TLV, t_tlv_dest_node_other_interface, ARG(int, 4)},
	{"tlv_dest_node_other_interface_v6", CFG_TLV, t_tlv_dest_node_other_interface, ARG(int, 6)},
	{"tlv_return_address_v4", CFG_TLV, t_tlv_return_address, ARG(int, 4)},
	{"tlv_return_address_v6", CFG_TLV, t_tlv_return_address, ARG(int, 6)},
	{"tlv_return_address_not_configured_u", CFG_NTP, t_tlv_return_address_off, NULL},
	{"tlv_cos_refused_v4", CFG_COS_REFUSE, t_tlv_cos_refused, ARG(int, 4)},
	{"tlv_cos_refused_v6", CFG_COS_REFUSE, t_tlv_cos_refused, ARG(int, 6)},
	{"tlv_rtpc_grow_appends_padding_v4", CFG_TLV, t_tlv_reflected_control,
	 ARG(struct rtpc_case, 4, 100, 1, -1, 44, false, 40)},
	{"tlv_rtpc_grow_rounds_up_v6", CFG_TLV, t_tlv_reflected_control,
	 ARG(struct rtpc_case, 6, 97, 1, -1, 44, false, 40)},
	{"tlv_rtpc_grow_extends_padding_v4", CFG_TLV, t_tlv_reflected_control,
	 ARG(struct rtpc_case, 4, 200, 1, 9, 131, false, 140)},
	{"tlv_rtpc_shrink_cuts_padding_v4", CFG_TLV, t_tlv_reflected_control,
	 ARG(struct rtpc_case, 4, 100, 1, 301, -261, false, 40)},
	{"tlv_rtpc_shrink_drops_padding_v6", CFG_TLV, t_tlv_reflected_control,
	 ARG(struct rtpc_case, 6, 20, 1, 301, -305, false, -1)},
	{"tlv_rtpc_shrink_long_padding_v4", CFG_TLV, t_tlv_reflected_control,
	 ARG(struct rtpc_case, 4, 60, 1, 1201, -1201, false, 0)},
	{"tlv_rtpc_no_padding_to_cut_c_clear", CFG_TLV, t_tlv_reflected_control,
	 ARG(struct rtpc_case, 4, 20, 1, -1, 0, false, -1)},
	{"tlv_rtpc_count2_c_flag", CFG_TLV, t_tlv_reflected_control,
	 ARG(struct rtpc_case, 4, 100, 2, -1, 44, true, 40)},
	{"tlv_rtpc_amplify_refused_c_flag", CFG_TLV, t_tlv_reflected_control,
	 ARG(struct rtpc_case, 4, 1000, 1, -1, 0, true, -1)},
	{"tlv_rtpc_mtu_and_reply_max_refused_c_flag", CFG_TLV, t_tlv_reflected_control,
	 ARG(struct rtpc_case, 4, 1480, 1, 400, 0, true, 400)},
	{"tlv_rtpc_count0_no_reply", CFG_TLV, t_tlv_reflected_zero, NULL},
	{"tlv_rtpc_padding_inside_c_flag", CFG_TLV, t_tlv_reflected_padding_inside, NULL},
	{"tlv_malformed_location_3_v4", CFG_NTP, t_tlv_malformed_len,
	 ARG(struct malformed_case, 4, 2, 3)},
	{"tlv_malformed_timestamp_info_3_v6", CFG_NTP, t_tlv_malformed_len,
	 ARG(struct malformed_case, 6, 3, 3)},
	{"tlv_malformed_cos_5_v4", CFG_NTP, t_tlv_malformed_len,
	 ARG(struct malformed_case, 4, 4, 5)},
	{"tlv_malformed_cos_3_v6", CFG_NTP, t_tlv_malformed_len,
	 ARG(struct malformed_case, 6, 4, 3)},
	{"tlv_malformed_direct_11_v4", CFG_NTP, t_tlv_malformed_len,
	 ARG(struct malformed_case, 4, 5, 11)},
	{"tlv_malformed_direct_13_v6", CFG_NTP, t_tlv_malformed_len,
	 ARG(struct malformed_case, 6, 5, 13)},
	{"tlv_malformed_access_8_v4", CFG_NTP, t_tlv_malformed_len,
	 ARG(struct malformed_case, 4, 6, 8)},
	{"tlv_malformed_dest_node_8_v6", CFG_NTP, t_tlv_malformed_len,
	 ARG(struct malformed_case, 6, 9, 8)},
	{"tlv_malformed_micro_session_2_v4", CFG_NTP, t_tlv_malformed_len,
	 ARG(struct malformed_case, 4, 11, 2)},
	{"tlv_malformed_micro_session_6_v6", CFG_NTP, t_tlv_malformed_len,
	 ARG(struct malformed_case, 6, 11, 6)},
	{"tlv_malformed_reflected_control_7_v4", CFG_NTP, t_tlv_malformed_len,
	 ARG(struct malformed_case, 4, 12, 7)},
	{"tlv_malformed_return_path_control_code_3", CFG_NTP, t_tlv_return_path_bad_sub, NULL},
	{"tlv_return_path_control_code_ignores_malformed_other", CFG_NTP,
	 t_tlv_return_path_cc_bad_other, NULL},
	{"tlv_overrun_m_u_kept", CFG_NTP, t_tlv_overrun, ARG(struct overrun_case, 0xa0, 0xc0)},
	{"tlv_overrun_m_u_clear", CFG_NTP, t_tlv_overrun, ARG(struct overrun_case, 0x3f, 0xc0)},
	{"tlv_stray_1", CFG_NTP, t_tlv_stray, ARG(struct stray_case, 1, false, 0x9f, 0xc0)},
	{"tlv_stray_2", CFG_NTP, t_tlv_stray, ARG(struct stray_case, 2, false, 0x3f, 0x40)},
	{"tlv_stray_3", CFG_NTP, t_tlv_stray, ARG(struct stray_case, 3, false, 0x81, 0xc0)},
	{"tlv_stray_3_after_base", CFG_NTP, t_tlv_stray,
	 ARG(struct stray_case, 3, true, 0x01, 0x40)},
	{"tlv_16_all_walked", CFG_NTP, t_tlv_many, &sixteen},
	{"tlv_17_walk_cut", CFG_NTP, t_tlv_many, &seventeen},
	{"tlv_20_walk_cut", CFG_NTP, t_tlv_many, &twenty},
	{"tlv_walk_ends_at_udp_len_trailer", CFG_NTP, t_tlv_udp_bound,
	 ARG(struct bound_case, false, 0, 12)},
	{"tlv_walk_ends_at_udp_len_ip_extra", CFG_NTP, t_tlv_udp_bound,
	 ARG(struct bound_case, false, 8, 0)},
	{"tlv_overrun_into_trailer_malformed", CFG_NTP, t_tlv_udp_bound,
	 ARG(struct bound_case, true, 0, 12)},
	{"tlv_overrun_into_ip_extra_malformed", CFG_NTP, t_tlv_udp_bound,
	 ARG(struct bound_case, true, 8, 0)},

	/* pass reasons, in the order of docs/datapath.md */
	PASS(vlan_truncated_bad_header, CFG_NTP, mk_vlan_cut, bad_header),
	PASS(vlan3_vlan_depth, CFG_NTP, mk_vlan3, vlan_depth),
	PASS(arp_not_ip, CFG_NTP, mk_arp, not_ip),
	PASS(v4_truncated_bad_header, CFG_NTP, mk_v4_hdr_cut, bad_header),
	PASS(v4_version5_bad_header, CFG_NTP, mk_v4_version, bad_header),
	PASS(v4_ihl4_bad_header, CFG_NTP, mk_v4_ihl4, bad_header),
	PASS(v4_options_cut_bad_header, CFG_NTP, mk_v4_opts_cut, bad_header),
	PASS(v4_totlen_past_frame_bad_header, CFG_NTP, mk_v4_totlen_past, bad_header),
	PASS(v4_totlen_below_ihl_bad_header, CFG_NTP, mk_v4_totlen_short, bad_header),
	PASS(v6_truncated_bad_header, CFG_NTP, mk_v6_hdr_cut, bad_header),
	PASS(v6_version4_bad_header, CFG_NTP, mk_v6_version, bad_header),
	PASS(v6_plen_past_frame_bad_header, CFG_NTP, mk_v6_plen_past, bad_header),
	PASS(v4_mf_fragment, CFG_NTP, mk_v4_mf, fragment),
	PASS(v4_offset_fragment, CFG_NTP, mk_v4_offset, fragment),
	PASS(v6_frag_hdr_fragment, CFG_NTP, mk_v6_frag, fragment),
	PASS(v6_atomic_frag_after_hbh_fragment, CFG_NTP, mk_v6_frag_atomic_after_hbh, fragment),
	PASS(v6_ext5_ipv6_ext, CFG_NTP, mk_v6_ext5, ipv6_ext),
	PASS(v6_rt_segleft1_ipv6_ext, CFG_NTP, mk_v6_rt_sl1, ipv6_ext),
	PASS(v4_tcp_not_udp, CFG_NTP, mk_v4_tcp, not_udp),
	PASS(v4_icmp_not_udp, CFG_NTP, mk_v4_icmp, not_udp),
	PASS(v6_icmpv6_not_udp, CFG_NTP, mk_v6_icmpv6, not_udp),
	PASS(v6_tcp_after_ext_not_udp, CFG_NTP, mk_v6_tcp_after_ext, not_udp),
	PASS(v4_udp_cut_bad_header, CFG_NTP, mk_v4_udp_cut, bad_header),
	PASS(v6_udp_cut_bad_header, CFG_NTP, mk_v6_udp_cut, bad_header),
	PASS(v4_port9999_not_stamp, CFG_NTP, mk_v4_port9999, not_stamp),
	PASS(v6_port9999_not_stamp, CFG_NTP, mk_v6_port9999, not_stamp),
	PASS(v4_port863_unconfigured_not_stamp, CFG_NTP, mk_v4_port863, not_stamp),
	PASS(v4_udplen_past_ip_bad_header, CFG_NTP, mk_v4_udplen_long, bad_header),
	PASS(v4_bad_ip_csum_passed, CFG_NTP, mk_v4_bad_ip_csum, bad_ip_csum),
	PASS(v4_ihl15_bad_ip_csum_passed, CFG_NTP, mk_v4_ihl15_bad_ip_csum, bad_ip_csum),
	PASS(v4_udplen7_bad_header, CFG_NTP, mk_v4_udplen_7, bad_header),
	PASS(v6_udplen_past_ip_bad_header, CFG_NTP, mk_v6_udplen_long, bad_header),
	PASS(v6_udplen7_bad_header, CFG_NTP, mk_v6_udplen_7, bad_header),
	PASS(v4_not_local, CFG_NTP, mk_v4_not_local, not_local),
	PASS(v4_to_loopback_not_local, CFG_NTP, mk_v4_to_loopback, not_local),
	PASS(v6_not_local, CFG_NTP, mk_v6_not_local, not_local),
	PASS(v6_to_mapped_v4_not_local, CFG_NTP, mk_v6_to_mapped_us, not_local),
	PASS(v4_src_224_0_0_1_bad_source, CFG_NTP, mk_src_v4_mcast, bad_source),
	PASS(v4_src_broadcast_bad_source, CFG_NTP, mk_src_v4_bcast, bad_source),
	PASS(v4_src_0_0_0_0_bad_source, CFG_NTP, mk_src_v4_zero, bad_source),
	PASS(v4_src_0_1_2_3_bad_source, CFG_NTP, mk_src_v4_zero_net, bad_source),
	PASS(v4_src_127_0_0_1_bad_source, CFG_NTP, mk_src_v4_loopback, bad_source),
	PASS(v4_src_127_9_8_7_bad_source, CFG_NTP, mk_src_v4_loopback_net, bad_source),
	PASS(v4_src_is_dst_bad_source, CFG_NTP, mk_src_v4_self, bad_source),
	PASS(v6_src_unspecified_bad_source, CFG_NTP, mk_src_v6_unspec, bad_source),
	PASS(v6_src_loopback_bad_source, CFG_NTP, mk_src_v6_loopback, bad_source),
	PASS(v6_src_ff02_1_bad_source, CFG_NTP, mk_src_v6_mcast, bad_source),
	PASS(v6_src_v4_mapped_bad_source, CFG_NTP, mk_src_v6_mapped, bad_source),
	PASS(v6_src_is_dst_bad_source, CFG_NTP, mk_src_v6_self, bad_source),
	PASS(v4_src_mac_multicast_bad_source, CFG_NTP, mk_src_mac_mcast, bad_source),
	PASS(v6_src_mac_broadcast_bad_source, CFG_NTP, mk_src_mac_bcast, bad_source),
	PASS(v4_sport862_loop_guard, CFG_NTP, mk_v4_sport862, loop_guard),
	PASS(v6_sport862_loop_guard, CFG_NTP, mk_v6_sport862, loop_guard),
	PASS(v4_src_directed_broadcast_bad_source, CFG_NTP, mk_src_v4_dir_bcast, bad_source),
	{"v4_src_own_addresses_bad_source", CFG_NTP, t_own_sources, &four},
	{"v6_src_own_addresses_bad_source", CFG_NTP, t_own_sources, &six},
	{"addrs_v4_directed_broadcast", CFG_NTP, t_addrs_broadcast, NULL},

	/* junk and other traffic */
	{"junk_random_frames_passed", CFG_NTP, t_junk, NULL},
	{"tlv_fuzz_replies_verify", CFG_NTP, t_tlv_fuzz, NULL},
	{"tlv_fuzz_replies_verify_options", CFG_TLV, t_tlv_fuzz, NULL},
	{"other_traffic_passed", CFG_NTP, t_other_traffic, NULL},
	{"received_accounting_ntp", CFG_NTP, t_accounting, NULL},

	/* stateful */
	{"stateful_reply_fields", CFG_STATEFUL, t_stateful_reply, NULL},
	{"tlv_follow_up_previous_t3", CFG_STATEFUL, t_tlv_follow_up_session, NULL},
	{"tlv_follow_up_previous_t3_clock_reads_2", CFG_STATEFUL_T3READ, t_tlv_follow_up_session,
	 NULL},
	{"stateful_seq_per_session", CFG_STATEFUL, t_stateful_sessions, NULL},
	{"stateful_v4_session_record", CFG_STATEFUL, t_stateful_record,
	 ARG(struct record_case, 4, 42000, record_seqs, ARRAY_SIZE(record_seqs),
	     {.reflected = 9,
	      .highest_seq = 100,
	      .last_seq = 10,
	      .seq_gaps = 96,
	      .duplicates = 1,
	      .reordered = 3,
	      .seq_window = 1},
	     true)},
	{"stateful_v6_session_record", CFG_STATEFUL, t_stateful_record,
	 ARG(struct record_case, 6, 42001, record_seqs, ARRAY_SIZE(record_seqs),
	     {.reflected = 9,
	      .highest_seq = 100,
	      .last_seq = 10,
	      .seq_gaps = 96,
	      .duplicates = 1,
	      .reordered = 3},
	     false)},
	{"stateful_window_edges", CFG_STATEFUL, t_stateful_record,
	 ARG(struct record_case, 4, 42002, window_seqs, ARRAY_SIZE(window_seqs),
	     {.reflected = 6,
	      .highest_seq = 64,
	      .last_seq = 0,
	      .seq_gaps = 62,
	      .duplicates = 1,
	      .reordered = 2},
	     false)},
	{"stateful_twamp_light_ssid0", CFG_STATEFUL, t_stateful_twl, NULL},
	{"stateful_v4_twamp_light_14_unpadded", CFG_STATEFUL, t_stateful_twl_unpadded,
	 &(struct stateful_twl_case){4, 14}},
	{"stateful_v4_twamp_light_15_unpadded", CFG_STATEFUL, t_stateful_twl_unpadded,
	 &(struct stateful_twl_case){4, 15}},
	{"stateful_v6_twamp_light_14_unpadded", CFG_STATEFUL, t_stateful_twl_unpadded,
	 &(struct stateful_twl_case){6, 14}},
	{"stateful_v6_twamp_light_15_unpadded", CFG_STATEFUL, t_stateful_twl_unpadded,
	 &(struct stateful_twl_case){6, 15}},
	{"stateful_set_evicts_least_recent", CFG_ONE_SET, t_stateful_set_eviction, NULL},
	{"stateful_many_sessions_spread", CFG_STATEFUL, t_stateful_many_sessions, NULL},
	{"received_accounting_stateful", CFG_STATEFUL, t_accounting, NULL},

	/* PTP timestamps */
	SHAPE(ptp_v4_reply_fields, CFG_PTP, 4, 1, 0, 0),
	SHAPE(ptp_v6_reply_fields, CFG_PTP, 6, 0, 0, 2),
	TWL(ptp_v4_twamp_light_14, CFG_PTP, 4, 14, 0, PB_CSUM_VALID),
	{"ptp_ee_multiplier0_sent_as_1", CFG_PTP, t_ee_map, ARG(struct ee_case, 0x8a00, 0xca01)},
	{"ptp_ts_t2_t3_in_run_repeated", CFG_PTP, t_ts_repeated, NULL},

	/* loop guard off */
	{"noloop_v4_sport862_reflected", CFG_NOLOOP, t_port_reflected,
	 ARG(struct port_case, 4, STAMP_PORT, STAMP_PORT)},
	{"noloop_v6_sport862_reflected", CFG_NOLOOP, t_port_reflected,
	 ARG(struct port_case, 6, STAMP_PORT, STAMP_PORT)},

	/* authenticated-mode port */
	PASS(auth_v4_863_authenticated, CFG_AUTH, mk_v4_port863, authenticated),
	PASS(auth_v6_863_authenticated, CFG_AUTH, mk_v6_to863, authenticated),
	PASS(auth_v4_863_112_octets_authenticated, CFG_AUTH, mk_v4_auth112, authenticated),
	PASS(auth_v4_863_13_octets_authenticated, CFG_AUTH, mk_v4_auth_runt, authenticated),
	PASS(auth_v4_863_not_local, CFG_AUTH, mk_v4_auth_not_local, not_local),
	PASS(auth_v4_sport863_loop_guard, CFG_AUTH, mk_v4_sport863, loop_guard),
	{"auth_v4_862_reflected", CFG_AUTH, t_port_reflected,
	 ARG(struct port_case, 4, SENDER_PORT, STAMP_PORT)},

	/* custom ports and TTL */
	{"ports_v4_5000_reflected_ttl64", CFG_PORTS, t_port_reflected,
	 ARG(struct port_case, 4, SENDER_PORT, 5000)},
	{"ports_v6_5001_reflected_ttl64", CFG_PORTS, t_port_reflected,
	 ARG(struct port_case, 6, SENDER_PORT, 5001)},
	{"ports_v4_sport862_reflected", CFG_PORTS, t_port_reflected,
	 ARG(struct port_case, 4, STAMP_PORT, 5001)},
	PASS(ports_v4_862_not_stamp, CFG_PORTS, mk_v4_port862, not_stamp),
	PASS(ports_v4_sport5000_loop_guard, CFG_PORTS, mk_v4_sport5000, loop_guard),

	/* CLOCK_BOOT fallback */
	SHAPE(clock_boot_v4_reply_fields, CFG_BOOT, 4, 0, 0, 0),
	SHAPE(clock_boot_v6_reply_fields, CFG_BOOT, 6, 1, 0, 1),
	{"clock_boot_ts_in_run_repeated", CFG_BOOT, t_ts_repeated, NULL},
	{"clock_boot_follows_boot_to_tai", CFG_BOOT, t_clock_offset, &shift_hour},

	/*
	 * Attach defaults: frames not for a STAMP port are passed and not
	 * counted; from the STAMP port on, every outcome is counted as before.
	 */
	UNCOUNTED(quiet_arp_uncounted, mk_arp),
	UNCOUNTED(quiet_vlan3_uncounted, mk_vlan3),
	UNCOUNTED(quiet_v4_truncated_uncounted, mk_v4_hdr_cut),
	UNCOUNTED(quiet_v4_mf_fragment_uncounted, mk_v4_mf),
	UNCOUNTED(quiet_v6_ext5_uncounted, mk_v6_ext5),
	UNCOUNTED(quiet_v4_tcp_uncounted, mk_v4_tcp),
	UNCOUNTED(quiet_v6_icmpv6_uncounted, mk_v6_icmpv6),
	UNCOUNTED(quiet_v4_udp_cut_uncounted, mk_v4_udp_cut),
	UNCOUNTED(quiet_v4_port9999_uncounted, mk_v4_port9999),
	UNCOUNTED(quiet_v6_port9999_uncounted, mk_v6_port9999),
	UNCOUNTED(quiet_v4_opts_port9999_uncounted, mk_v4_opts_port9999),
	UNCOUNTED(quiet_v4_vlan_port9999_uncounted, mk_v4_vlan_port9999),
	UNCOUNTED(quiet_v4_offset_fragment_port862_uncounted, mk_v4_offset),
	SHAPE(quiet_v4_ihl6_reply_fields, CFG_QUIET, 4, 0, 4, 0),
	SHAPE(quiet_v4_vlan1_reply_fields, CFG_QUIET, 4, 1, 0, 0),
	PASS(quiet_v4_udplen_past_ip_bad_header, CFG_QUIET, mk_v4_udplen_long, bad_header),
	PASS(quiet_v4_bad_ip_csum_passed, CFG_QUIET, mk_v4_bad_ip_csum, bad_ip_csum),
	PASS(quiet_v4_not_local, CFG_QUIET, mk_v4_not_local, not_local),
	PASS(quiet_v6_not_local, CFG_QUIET, mk_v6_not_local, not_local),
	PASS(quiet_v4_src_broadcast_bad_source, CFG_QUIET, mk_src_v4_bcast, bad_source),
	PASS(quiet_v4_sport862_loop_guard, CFG_QUIET, mk_v4_sport862, loop_guard),
	PASS(quiet_v4_runt_13, CFG_QUIET, mk_v4_runt13, runt),
	SHAPE(quiet_v4_reply_fields, CFG_QUIET, 4, 0, 0, 0),
	SHAPE(quiet_v6_reply_fields, CFG_QUIET, 6, 1, 0, 1),

	/* clock-reads 2: T3 read apart from T2 (still T2 <= T3, inside the run) */
	SHAPE(t3_read_v4_reply_fields, CFG_T3READ, 4, 0, 0, 0),
	SHAPE(t3_read_v6_reply_fields, CFG_T3READ, 6, 1, 0, 1),
	{"t3_read_ts_in_run_repeated", CFG_T3READ, t_ts_repeated, NULL},
	TWL(t3_read_twamp_light_v4_15, CFG_T3READ, 4, 15, 0, PB_CSUM_VALID),
	/* found by the fuzzer (tests/fuzz) */
	{"fuzz_v4_node_address_source_answered", CFG_NTP, t_fuzz_node_source, ARG(int, 4)},
	{"fuzz_v6_node_address_source_answered", CFG_NTP, t_fuzz_node_source, ARG(int, 6)},
	{"fuzz_v4_dna_sender_address_refused", CFG_NOLOOP, t_fuzz_dna_sender, ARG(int, 4)},
	{"fuzz_v6_dna_sender_address_refused", CFG_NOLOOP, t_fuzz_dna_sender, ARG(int, 6)},
};

int main(void)
{
	char err[256];
	struct env e;
	size_t i;
	int c;

	sender(std_payload, DEFAULT_SEQ, SSID);
	note("xdp_unit: %zu tests of the XDP data path", ARRAY_SIZE(tests));
	for (c = 0; c < CFG_N; c++) {
		int loaded = 0; /* 1 loaded, -1 could not load, 0 not tried */

		for (i = 0; i < ARRAY_SIZE(tests); i++) {
			struct tc t = {.name = tests[i].name};

			if (tests[i].cfg != (enum cfg_id)c)
				continue;
			if (!loaded) {
				loaded = env_load(&e, (enum cfg_id)c, err, sizeof(err)) ? -1 : 1;
				if (loaded > 0)
					note("configuration: %s", cfgs[c].name);
			}
			if (loaded < 0) {
				printf("SKIP %s: cannot load the %s configuration: %s\n", t.name,
				       cfgs[c].name, err);
				n_skipped++;
				continue;
			}
			tests[i].fn(&e, &t, tests[i].arg);
			tc_finish(&t);
		}
		if (loaded > 0)
			env_unload(&e);
	}
	note("%d passed, %d failed, %d skipped", n_passed, n_failed, n_skipped);
	return n_failed ? 1 : 0;
}
