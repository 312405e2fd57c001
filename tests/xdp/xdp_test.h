/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The harness of the XDP unit tests (tests/xdp/): the reflector loaded in
 * each test configuration, frames run through it with BPF_PROG_TEST_RUN, and
 * the checks every rule file shares.  Frames are built by pktbuild.h and
 * replies decoded by check.h (testing/), both written from the RFCs and not
 * from the program.  Each tests/xdp/RULE.c holds the tests of one rule and
 * their table, xdp_tests_RULE; main.c runs them.
 */
#ifndef STAMPEDE_TESTS_XDP_TEST_H
#define STAMPEDE_TESTS_XDP_TEST_H

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
#include <linux/pkt_cls.h>
#include "stampede.skel.h"
#include "reflector_obj.h"
#include "kernel_features.h"
#include "addrs.h"
#include "check.h"
#include "harness.h"
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

/* ---- Counters ----------------------------------------------------------- */

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
	CFG_ALLOW,
	CFG_RATE,
	CFG_RATE_ALL,
	CFG_AUTH_STATEFUL,
	CFG_AUTH_STATEFUL_MICRO,
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
	bool policy;	   /* the rate figures of policy_config */
};

/*
 * Rate limits whose buckets refill so slowly (one token in 10^4 s) that no
 * test run sees a refill: tests refill them by moving the bucket's state.
 */
#define RATE_INTERVAL_NS 10000000000000ULL
#define RATE_BURST	 3
#define RATE_ALL_BURST	 4
#define RATE_RESET_SLACK 256

/* Configured TLV answers (CFG_TLV): what `stampede attach` would set. */
#define TLV_MICRO_SESSION 0x0102
#define TLV_MTU		  1500
#define TLV_REPLY_MAX	  1452
#define TLV_AMPLIFY	  4

/* Count frames not for a STAMP port too, so every pass reason can be checked. */
#define CO STAMPEDE_F_COUNT_OTHER

/* The session table's hash secret in these tests (the controller draws one). */
#define TEST_SESSION_SEED 0x5eed5eed12345678ULL

struct env {
	const struct cfg_desc *cfg;
	bool tc; /* the tc program (verdicts mapped to XDP's by run_bare) */
	struct stampede_bpf *skel;
	int prog_fd, stats_fd, sessions_fd, clock_fd, ncpu;
	__u32 flags;		    /* cfg->flags as loaded, with this kernel's fallbacks */
	char verifier_log[1 << 20]; /* the load's verifier statistics: 6.18's run long */
	struct stampede_clock clk;  /* as written to the clock map */
	uint16_t reply_ee;	    /* Error Estimate the replies must carry */
	uint64_t frames;	    /* frames run since the program was loaded */
};

/* ---- Running frames ----------------------------------------------------- */

struct run {
	int err;
	uint32_t retval;
	uint32_t out_len;
	uint64_t t0, t1; /* the program's clock just before and after */
	uint64_t delta[NCNT];
	uint8_t out[OUT_MAX];
};

/* ---- Frames ------------------------------------------------------------- */

#define STD_SPEC(s, ipv) spec_std(&(s), (ipv), std_payload, sizeof(std_payload))

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

/* ---- The pass check ----------------------------------------------------- */

/* A payload under construction and the TLV area the reply must carry. */
struct tlvbuf {
	uint8_t pl[PB_MAX_FRAME];
	uint8_t exp[PB_MAX_FRAME]; /* exp[i]: payload octet 44 + i of the reply */
	size_t n;
};

struct pass_case {
	void (*mk)(struct pb_frame *f);
	int counter;
};

/* ---- TLV registry numbers ------------------------------------------------ */

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

/* ---- Shared by the harness and the rule files ---------------------------- */

void hex(char *buf, size_t size, const uint8_t *p, size_t n);
extern const char *const cnt_name[NCNT];
extern const int cnt_class[NCNT];
extern const struct cfg_desc cfgs[CFG_N];
uint64_t clock_ns(clockid_t id);
int64_t measure_boot_to_tai(void);
uint64_t env_now(const struct env *e);
void addr_mapped(union stampede_addr *a, const uint8_t *v4);
void addr_us(int ipv, uint8_t *a);
void addr_peer(int ipv, uint8_t *a);
void addr_us2(int ipv, uint8_t *a);
void addr_peer2(int ipv, uint8_t *a);
void addr_us_bcast(uint8_t *a);
void tlv_config(struct stampede_config *c);
void policy_config(struct stampede_config *c);
int clock_write(struct env *e, const struct stampede_clock *clk);
int local_set_write(struct env *e, int at_v4, int at_v6, bool more);
void env_unload(struct env *e);
int env_load(struct env *e, enum cfg_id id, bool tc, char *err, size_t errlen);
int stats_read(const struct env *e, uint64_t sum[NCNT]);
int run_bare(struct env *e, const uint8_t *in, size_t len, uint8_t *out, size_t out_size,
	     uint32_t *out_len, uint32_t *retval);
void run_frame(struct env *e, const uint8_t *in, size_t len, struct run *r);
bool tc_run_refused(const struct env *e, const uint8_t *b, size_t len, const struct run *r);
bool check_ran(struct tc *t, const struct run *r);
void check_counters(struct tc *t, const uint64_t *delta, const struct cnt *x);
extern const uint8_t mac_us[6], mac_peer[6], t1_ts[8];
size_t sender(uint8_t *p, uint32_t seq, uint16_t ssid);
void spec_std(struct pb_spec *s, int ipv, const uint8_t *payload, size_t plen);
void build(struct pb_frame *f, const struct pb_spec *s);
extern uint8_t std_payload[CK_BASE_LEN];
void set_vlans(struct pb_spec *s, int n);
void set_ext_chain(struct pb_spec *s, int n);
struct field frame_field(const struct pb_frame *f, size_t off);
bool ones_equal(uint16_t a, uint16_t b);
uint16_t ipv4_hdr_sum(const uint8_t *ip);
uint16_t udp_sum(const uint8_t *b, int ipv, size_t l3, size_t l4, size_t udplen);
bool decode_ts(const struct env *e, const uint8_t *ts, uint64_t ref, uint64_t *lo, uint64_t *hi);
void check_timestamps(struct tc *t, const struct env *e, const struct run *r, size_t pl,
		      uint64_t t2_iv[2]);
void check_csums(struct tc *t, const struct pb_frame *f, const struct run *r, size_t grow);
void check_reply_t2(struct tc *t, const struct env *e, const struct pb_frame *f,
		    const struct run *r, const struct rexp *x, uint64_t t2_iv[2]);
void check_reply(struct tc *t, const struct env *e, const struct pb_frame *f, const struct run *r,
		 const struct rexp *x);
void reflect_check(struct env *e, struct tc *t, const struct pb_frame *f, const struct rexp *x);
extern const struct rexp plain;
void check_passed(struct tc *t, const uint8_t *in, size_t len, const struct run *r, int counter);
void pass_check(struct env *e, struct tc *t, const struct pb_frame *f, int counter);
void std_addrs(struct pb_frame *f, int ipv, const uint8_t *src, const uint8_t *dst);
/* An untagged request of exact bytes, without IPv4 options or IPv6 extension headers. */
void frame_of(struct pb_frame *f, const uint8_t *b, size_t n, int ipv);
void key_of(union stampede_addr *k, int ipv, const uint8_t *a);
void tb_init(struct tlvbuf *b);
void tb_tlv_cut(struct tlvbuf *b, uint8_t flags, uint8_t type, uint16_t len, size_t have,
		uint8_t reply);
void tb_tlv(struct tlvbuf *b, uint8_t flags, uint8_t type, uint16_t len, uint8_t reply);
void tb_raw(struct tlvbuf *b, const uint8_t *p, size_t n, uint8_t first_reply);
void tb_reflect(struct env *e, struct tc *t, int ipv, const struct tlvbuf *b,
		const struct cnt *extra);
extern struct tlvbuf tb;
void arp_request(struct pb_frame *f, int nvlan);
void mk_arp(struct pb_frame *f);
void other_proto(struct pb_frame *f, int ipv, uint8_t proto);
void mk_v4_tcp(struct pb_frame *f);
void mk_v4_icmp(struct pb_frame *f);
void mk_v6_icmpv6(struct pb_frame *f);
void tb_tlv_value(struct tlvbuf *b, uint8_t type, const uint8_t *value, uint16_t len,
		  uint8_t reply_flags, const uint8_t *reply_value);
void put_sub(uint8_t *p, uint8_t flags, uint8_t type, uint16_t len);

/* ---- The test tables ----------------------------------------------------- */

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

struct xdp_rule {
	const char *file; /* tests/xdp/FILE.c */
	const struct test *tests;
	size_t n;
};

extern const struct xdp_rule xdp_rule_reply_fields;
extern const struct xdp_rule xdp_rule_timestamps;
extern const struct xdp_rule xdp_rule_addresses;
extern const struct xdp_rule xdp_rule_checksums;
extern const struct xdp_rule xdp_rule_twamp_light;
extern const struct xdp_rule xdp_rule_tlv_walk;
extern const struct xdp_rule xdp_rule_tlv_answers;
extern const struct xdp_rule xdp_rule_tlv_options;
extern const struct xdp_rule xdp_rule_pass_drop;
extern const struct xdp_rule xdp_rule_other_traffic;
extern const struct xdp_rule xdp_rule_ports;
extern const struct xdp_rule xdp_rule_stateful;
extern const struct xdp_rule xdp_rule_source_policy;
extern const struct xdp_rule xdp_rule_auth;

#endif /* STAMPEDE_TESTS_XDP_TEST_H */
