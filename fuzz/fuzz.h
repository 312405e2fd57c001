/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The structure-aware fuzzer of the XDP reflector (`make fuzz`): what its
 * three parts share.  config.c draws a random configuration, gen.c builds
 * and mutates frames, oracle.c judges each outcome from the RFCs and
 * docs/datapath.md (not from bpf/), main.c loads the program and runs the
 * frames through BPF_PROG_TEST_RUN.
 */
#ifndef STAMPEDE_FUZZ_H
#define STAMPEDE_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Frames stay below what a test run takes (a page less head- and tailroom). */
#define FZ_MAX_FRAME 3400
/* Room for a reply that grew (TWAMP-Light, Reflected Test Packet Control). */
#define FZ_OUT_MAX 4096

#define FZ_MAX_PORTS	8
#define FZ_MAX_ADDRS	24
#define FZ_MAX_PREFIXES 8
#define FZ_MAX_TLV_OFFS 24
#define FZ_MAX_ALLOW	6

/* xorshift64*: the one random source, so a seed replays a campaign. */
static inline uint64_t fz_rand(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dULL;
}

/* 0 .. n-1 */
static inline uint32_t fz_below(uint64_t *s, uint32_t n)
{
	return n ? (uint32_t)(fz_rand(s) % n) : 0;
}

/* true with probability pct percent */
static inline bool fz_pct(uint64_t *s, uint32_t pct)
{
	return fz_below(s, 100) < pct;
}

/* An address: IPv4 in the first 4 octets (ipv 4), or IPv6. */
struct fz_addr {
	int ipv;
	uint8_t a[16];
};

/* What an address is to the reflector (the local_addrs tags). */
enum fz_tag {
	FZ_TAG_LOCAL = 1,     /* the interface's */
	FZ_TAG_BROADCAST = 2, /* the directed broadcast of one of its IPv4 subnets */
	FZ_TAG_NODE = 3,      /* another interface's in the namespace */
};

struct fz_tagged {
	struct fz_addr addr;
	enum fz_tag tag;
};

/*
 * One configuration: the program's read-only data (a new load) and the
 * maps (rewritten between rounds of one load).  Written as the controller
 * would write them: the set holds the first addresses of each family, the
 * hash all of them.
 */
struct fz_cfg {
	/* rodata */
	uint32_t flags; /* STAMPEDE_F_*, as asked (before this kernel's fallbacks) */
	uint16_t ports[FZ_MAX_PORTS];
	int n_ports;
	uint16_t auth_ports[FZ_MAX_PORTS];
	int n_auth_ports;
	uint8_t reply_ttl;
	uint16_t micro_session_id;
	uint16_t mtu, reply_max;
	uint8_t amplify;
	struct {
		struct fz_addr addr; /* the prefix, host bits zero */
		int len;	     /* in bits of its family */
	} return_prefixes[FZ_MAX_PREFIXES];
	int n_return_prefixes;
	bool one_set; /* a session table of one set */

	/* maps */
	struct fz_tagged addrs[FZ_MAX_ADDRS]; /* local_addrs, in the controller's order */
	int n_addrs;
	uint16_t error_estimate, ptp_error_estimate; /* the clock map's */
	/*
	 * Source policy, drawn per batch like the rest of this part (the
	 * controller never changes an allow-list in place): the allow-list
	 * (none: off), written in allow_src after the load; the rate limits
	 * (0 PPS: off), as `rate-limit PPS,BURST` and `rate-limit-all`.
	 */
	struct {
		struct fz_addr addr; /* the prefix, host bits zero */
		int len;	     /* in bits of its family */
	} allow[FZ_MAX_ALLOW];
	int n_allow;
	uint32_t rate_pps, rate_burst;
	uint32_t rate_all_pps, rate_all_burst;
};

/* How a frame was made, for the report and for the mutations. */
struct fz_frame {
	uint8_t b[FZ_MAX_FRAME];
	size_t len;
	int ipv;
	size_t l3, l4, pl;		 /* as built, before mutation */
	size_t tlv_off[FZ_MAX_TLV_OFFS]; /* frame offsets of the TLV headers built */
	int n_tlv;
	char what[160]; /* shape and mutations, for the report */
};

/* config.c */
void config_draw(struct fz_cfg *c, uint64_t *rng);
void config_draw_maps(struct fz_cfg *c, uint64_t *rng);
void config_describe(const struct fz_cfg *c, char *buf, size_t size);
bool config_has_addr(const struct fz_cfg *c, const struct fz_addr *a, int tag);
/* Address pools the configuration and the frames draw from. */
void pool_local(int ipv, int i, struct fz_addr *a);
void pool_node(int ipv, int i, struct fz_addr *a);
void pool_peer(int ipv, int i, struct fz_addr *a);
#define FZ_POOL_LOCAL 12
#define FZ_POOL_NODE  4

/* gen.c */
void frame_make(struct fz_frame *f, const struct fz_cfg *c, uint64_t *rng);

/* oracle.c: the violations it can find. */
#define FZ_VIOLATIONS(X)                                                                     \
	X(test_run_failed, "bpf_prog_test_run_opts failed")                                  \
	X(bad_retval, "return value not XDP_PASS, XDP_DROP or XDP_TX (XDP_ABORTED)")         \
	X(pass_changed, "XDP_PASS with the frame changed")                                   \
	X(answered_not_answerable, "XDP_TX for a frame that is no answerable STAMP request") \
	X(answerable_not_answered, "a well-formed request not answered")                     \
	X(unexpected_drop, "XDP_DROP without a reason to drop")                              \
	X(corrupt_not_dropped, "Error Estimate Multiplier 0 not dropped")                    \
	X(reply_length, "reply frame, IP or UDP length wrong")                               \
	X(reply_too_large, "reply larger than the rules allow")                              \
	X(reply_ip_csum, "reply IPv4 header checksum wrong")                                 \
	X(reply_udp_csum, "reply UDP checksum wrong (or 0 over IPv6)")                       \
	X(reply_headers, "reply MACs, VLAN tags, IP or UDP header fields wrong")             \
	X(reply_destination, "reply toward a source no reply may go to")                     \
	X(reply_source, "reply from an address that is not the node's")                      \
	X(reply_sender_fields, "the sender's fields not copied exactly")                     \
	X(reply_reflector_fields, "reflector fields wrong (EE, timestamps, MBZ)")            \
	X(reply_tlvs, "TLV types, lengths, unknown values or flags wrong")                   \
	X(rate_exceeded, "more requests answered than a rate limit lets through")            \
	X(counters, "counters inconsistent with the outcomes")

enum fz_violation {
#define FZ_X(name, desc) FZ_V_##name,
	FZ_VIOLATIONS(FZ_X)
#undef FZ_X
		FZ_V_MAX
};

/* One run of one frame. */
struct fz_run {
	uint32_t retval;
	int err;
	const uint8_t *in;
	size_t in_len;
	const uint8_t *out;
	size_t out_len;
};

/* What the oracle predicts of a frame, before seeing the outcome. */
struct fz_expect {
	bool counted;	  /* the program must count it in one outcome counter */
	bool answerable;  /* a request the rules say is answered */
	bool may_drop;	  /* its TLVs may ask for no reply (Return Path, ...) */
	bool bad_ee;	  /* passes every check before 14a and has Multiplier 0 */
	int pass_reason;  /* the PASS counter expected (counted, not answerable), or -1 */
	bool twamp_light; /* answerable with a payload below 44 octets */
	bool rerouted;	  /* set by oracle_judge: a reply from or to another address */
	bool rate_drop;	  /* answerable, and a rate limit may drop it */
	uint8_t src[16];  /* the source, IPv4 as ::ffff:a.b.c.d (answerable only) */
};

/* The program's clock window of the round and its clock map, for timestamps. */
struct fz_clock {
	uint64_t t0, t1; /* the program's clock before the round and after the run */
	uint64_t tai_offset_ns;
	int64_t ptp_adjust_ns;
	uint32_t flags; /* as loaded (STAMPEDE_F_CLOCK_BOOT may be added) */
};

void oracle_expect(const struct fz_cfg *c, const uint8_t *in, size_t len, struct fz_expect *x);
/* Judges one run; returns the violation found (FZ_V_MAX: none) and a reason. */
int oracle_judge(const struct fz_cfg *c, struct fz_expect *x, const struct fz_run *r,
		 const struct fz_clock *clk, char *why, size_t whylen);
/*
 * The most requests a token bucket of @pps and @burst lets through in
 * @elapsed_ns, on @ncpu CPUs (docs/datapath.md "Rate limits").
 */
uint64_t oracle_rate_bound(uint32_t pps, uint32_t burst, uint64_t elapsed_ns, int ncpu);

#endif /* STAMPEDE_FUZZ_H */
