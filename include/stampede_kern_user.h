/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Definitions shared by the XDP reflector (bpf/) and its controller (user/):
 * load-time configuration, map keys and values, and the counters.
 */
#ifndef STAMPEDE_KERN_USER_H
#define STAMPEDE_KERN_USER_H

#include <linux/types.h>
#include <linux/bpf.h>

#define STAMPEDE_MAX_PORTS	  8
#define STAMPEDE_DEFAULT_SESSIONS 16384
#define STAMPEDE_MAX_SESSIONS	  (1U << 22)
/* Sessions per set of the stateful session table (struct stampede_session_set). */
#define STAMPEDE_SESSION_WAYS	   4
#define STAMPEDE_DEFAULT_REPLY_TTL 255
#define STAMPEDE_MAX_LOCAL_ADDRS   1024
/*
 * TLVs walked per packet: more than a 9000-octet frame holds (2232 of 4
 * octets), so every TLV of such a frame is answered; a longer chain (a
 * larger frame, generic XDP only) is answered that far, the rest copied
 * on verbatim and counted (tlv_walk_cut).  A multiple of 64.
 */
#define STAMPEDE_MAX_TLVS 2304
/* IPv6 extension headers (hop-by-hop, routing, destination options) skipped. */
#define STAMPEDE_MAX_IPV6_EXT_HDRS 4

/* stampede_config.flags */
#define STAMPEDE_F_STATEFUL	 (1U << 0)  /* per-session reflector sequence numbers */
#define STAMPEDE_F_PTP		 (1U << 1)  /* PTPv2 truncated timestamps (Z=1), else NTP */
#define STAMPEDE_F_NO_LOOP_GUARD (1U << 2)  /* answer packets from our own ports */
#define STAMPEDE_F_CLOCK_BOOT	 (1U << 3)  /* no bpf_ktime_get_tai_ns: boot clock + offset */
#define STAMPEDE_F_T3_READ	 (1U << 4)  /* read the clock again for T3, else T3 = T2 */
#define STAMPEDE_F_COUNT_OTHER	 (1U << 5)  /* count frames not for a STAMP port too */
#define STAMPEDE_F_COS_REFUSE	 (1U << 6)  /* CoS TLV: local policy forbids re-marking */
#define STAMPEDE_F_MICRO_SESSION (1U << 7)  /* micro_session_id is configured */
#define STAMPEDE_F_REFLECTED_CTL (1U << 8)  /* honour Reflected Test Packet Control */
#define STAMPEDE_F_RETURN_ADDR	 (1U << 9)  /* honour Return Address inside return_prefixes */
#define STAMPEDE_F_ALLOW	 (1U << 10) /* answer only sources inside the allow_src trie */
#define STAMPEDE_F_RATE_SRC	 (1U << 11) /* a token bucket per source address (rate_src) */
#define STAMPEDE_F_RATE_ALL	 (1U << 12) /* one token bucket for the interface (rate_all) */

/*
 * Clock facts the controller reads from the kernel (adjtimex) and publishes
 * in the "clock" map; the data path only reads them.
 */
struct stampede_clock {
	__u64 tai_offset_ns;  /* TAI - UTC; NTP timestamps are UTC */
	__s64 boot_to_tai_ns; /* CLOCK_TAI - CLOCK_BOOTTIME, for STAMPEDE_F_CLOCK_BOOT */
	__u64 updated_tai_ns; /* when the controller wrote this entry */
	__u16 error_estimate; /* host order, S|Scale|Multiplier; Z is added per format */
	__u8 sync_src;	      /* enum stamp_sync_src, for the Timestamp Information TLV */
	__u8 sync_src_fixed;  /* named at attach (sync-source): a refresh keeps it */
	__u8 pad[4];
	/*
	 * PTP timestamps are TAI.  CLOCK_TAI is UTC while the kernel's TAI -
	 * UTC is unset (most hosts: chrony and ntpd set it only when told),
	 * so the controller adds TAI - UTC from the system's leap-seconds
	 * list then; the Error Estimate of PTP replies says how sure that is.
	 */
	__s64 ptp_adjust_ns;	  /* added to CLOCK_TAI for PTP timestamps */
	__u16 ptp_error_estimate; /* S|Scale|Multiplier of PTP replies */
	__u8 tai_source;	  /* enum stampede_tai_source */
	__u8 pad2[5];
};

/* Where the TAI - UTC of PTP timestamps comes from. */
enum stampede_tai_source {
	STAMPEDE_TAI_KERNEL,		/* the kernel's (adjtimex), set by a time daemon */
	STAMPEDE_TAI_LEAP_LIST,		/* the leap-seconds list, current */
	STAMPEDE_TAI_LEAP_LIST_EXPIRED, /* the list, past its expiry: 1 s more error */
	STAMPEDE_TAI_UNKNOWN,		/* neither: PTP timestamps are UTC, S=0 */
};

/* An IPv6 address, or an IPv4 one as ::ffff:a.b.c.d. */
union stampede_addr {
	__u8 b[16];
	__be16 h[8];
	__be32 w[4];
};

/* Return Address prefixes the controller may allow (RFC 9503 4.1.2). */
#define STAMPEDE_MAX_RETURN_PREFIXES 8
/* Sub-TLVs walked inside one Location or Return Path TLV. */
#define STAMPEDE_MAX_SUB_TLVS 4
/* Default bound on a resized reply against its request (Reflected Test Packet Control). */
#define STAMPEDE_DEFAULT_AMPLIFY 1
#define STAMPEDE_MAX_AMPLIFY	 16

/* A prefix; IPv4 as ::ffff:a.b.c.d/(96 + length). */
struct stampede_prefix {
	union stampede_addr addr;
	__u8 len;
	__u8 pad[3];
};

/*
 * Source allow-list ("allow PREFIX"): the allow_src LPM trie.  The family
 * leads the key, so that an IPv6 prefix never covers IPv4 senders, which
 * the data path holds as ::ffff:a.b.c.d: prefixlen is 32 + 96 + n for an
 * IPv4 /n, 32 + n for an IPv6 /n; a lookup uses STAMPEDE_ALLOW_KEY_BITS.
 */
#define STAMPEDE_MAX_ALLOW_PREFIXES 1024
#define STAMPEDE_ALLOW_FAMILY_V4    4
#define STAMPEDE_ALLOW_FAMILY_V6    6
#define STAMPEDE_ALLOW_KEY_BITS	    (32 + 128)

struct stampede_allow_key {
	__u32 prefixlen;
	__u32 family; /* STAMPEDE_ALLOW_FAMILY_V4 or _V6 */
	union stampede_addr addr;
};

/*
 * A token bucket, as the Generic Cell Rate Algorithm: the state is the
 * theoretical arrival time (TAT) of the next packet, on the clock of T2.
 * A packet conforms while TAT <= now + tau, and then moves TAT on by one
 * interval (from now, if TAT lies in the past: the bucket refilled).  The
 * controller works out the figures from PPS and BURST, so that the data
 * path neither divides nor multiplies: interval_ns = 1e9 / PPS (whole ns),
 * tau_ns = (BURST - 1) * interval_ns, and reset_ns, a TAT further ahead
 * than any sequence of packets can push it, which means that the clock
 * went back (a step of CLOCK_TAI, a new boot-to-TAI offset): the bucket
 * starts afresh.
 */
#define STAMPEDE_RATE_SOURCES	  65536 /* per-source buckets the LRU map holds */
#define STAMPEDE_RATE_MAX_PPS	  100000000
#define STAMPEDE_RATE_MAX_BURST	  10000000
#define STAMPEDE_RATE_RESET_SLACK 256 /* intervals beyond tau: CPUs racing can get no further */

struct stampede_rate {
	__u64 interval_ns;
	__u64 tau_ns;
	__u64 reset_ns;
	__u32 pps; /* as configured: for `reflector show` and refresh */
	__u32 burst;
};

/* rate_src and rate_all map value. */
struct stampede_rate_bucket {
	__u64 tat_ns;
};

/*
 * Load-time configuration, kept in the program's read-only data (const
 * volatile) so the verifier prunes what a configuration does not use.
 * Changing it means loading a new program (attach again: atomic replace).
 */
struct stampede_config {
	__be16 ports[STAMPEDE_MAX_PORTS];      /* unauthenticated-mode ports */
	__be16 auth_ports[STAMPEDE_MAX_PORTS]; /* authenticated mode: passed on */
	__u8 n_ports;
	__u8 n_auth_ports;
	__u8 reply_ttl; /* IPv4 TTL / IPv6 Hop Limit of replies */
	__u8 n_return_prefixes;
	__u32 flags;		 /* STAMPEDE_F_* */
	__be16 micro_session_id; /* RFC 9534: this interface's Reflector Micro-session ID */
	__u16 mtu;		 /* the interface's MTU: no reply grows beyond it */
	__u16 reply_max;	 /* largest STAMP payload a resized reply may have */
	__u8 amplify;		 /* ... and at most this many times its request's */
	__u8 pad;
	struct stampede_prefix return_prefixes[STAMPEDE_MAX_RETURN_PREFIXES];
	/*
	 * The session table: its number of sets (a power of two) less one,
	 * and the secret its set index is hashed with, so that a sender
	 * cannot aim its sessions at another's set.  A reflector replaced in
	 * place keeps both, and with them its sessions.
	 */
	__u32 session_set_mask;
	__u32 pad2;
	__u64 session_seed;
	/* rate-limit (STAMPEDE_F_RATE_SRC) and rate-limit-all (STAMPEDE_F_RATE_ALL) */
	struct stampede_rate rate_src;
	struct stampede_rate rate_all;
};

/*
 * "local_addrs" map value: why the address is listed.  Requests are
 * answered only for LOCAL destinations; a source listed with either tag
 * names this interface, and no reply may go to it.
 */
#define STAMPEDE_ADDR_LOCAL	1 /* one of the interface's addresses */
#define STAMPEDE_ADDR_BROADCAST 2 /* the directed broadcast of one of its IPv4 subnets */
#define STAMPEDE_ADDR_NODE	3 /* another interface's, in the network namespace (RFC 9503 DNA) */

#define STAMPEDE_LOCAL_SET_ADDRS 8

/*
 * "local_set" map value: the interface's first addresses of each family,
 * and the first directed broadcasts of its IPv4 subnets, which the data
 * path compares one by one, far cheaper than hashing into local_addrs.
 * That hash holds every address and broadcast; the data path looks there
 * only when the set does not hold them all (more_v4, more_v6,
 * more_bcast_v4).
 */
struct stampede_local_set {
	__u8 n_v4; /* entries of v4 in use */
	__u8 n_v6;
	__u8 more_v4; /* the family has more addresses than the set holds */
	__u8 more_v6;
	__be32 v4[STAMPEDE_LOCAL_SET_ADDRS];
	union stampede_addr v6[STAMPEDE_LOCAL_SET_ADDRS];
	__u8 n_bcast_v4; /* entries of bcast_v4 in use */
	__u8 more_bcast_v4;
	__u8 pad[2];
	__be32 bcast_v4[STAMPEDE_LOCAL_SET_ADDRS];
};

/* A stateful session: RFC 8762 tells sessions apart by 5-tuple and SSID. */
struct stampede_session_key {
	union stampede_addr src; /* the Session-Sender's address */
	union stampede_addr dst; /* our address the sender used */
	__be16 sport;
	__be16 dport;
	__be16 ssid;
	__u16 pad;
};

#define STAMPEDE_SEQ_WINDOW 64

struct stampede_session {
	__u64 reflected;      /* replies sent; the next reflector Sequence Number */
	__u64 first_seen_ns;  /* CLOCK_TAI */
	__u64 last_seen_ns;   /* CLOCK_TAI */
	__u64 seq_gaps;	      /* sender sequence numbers skipped when jumping ahead */
	__u64 duplicates;     /* sender sequence numbers seen twice (within the window) */
	__u64 reordered;      /* sender sequence numbers that arrived late */
	__u64 seq_window;     /* bit i: sender seq (highest_seq - i) was seen */
	__u32 highest_seq;    /* highest sender sequence number seen */
	__u32 last_seq;	      /* sender sequence number of the last packet */
	__u64 received;	      /* test packets received, answered or not */
	__u64 last_reply_t3;  /* the last reply's Timestamp as sent (8 octets); 0: none yet */
	__u32 last_reply_seq; /* its reflector Sequence Number (Follow-Up Telemetry) */
	__u32 pad;
};

/*
 * The "sessions" map: an array of sets, each holding STAMPEDE_SESSION_WAYS
 * sessions.  A session lives in the set its key hashes to; a new one takes
 * a free slot there, else the least recently seen session's.  Finding one
 * is a hash and at most four key compares, without a helper call; the
 * lock is taken only to create.
 */
struct stampede_session_slot {
	struct stampede_session_key key;
	__u32 in_use; /* the slot holds a session */
	__u32 pad;
	struct stampede_session s;
};

struct stampede_session_set {
	struct bpf_spin_lock lock; /* held while a slot of the set is (re)filled */
	__u32 pad;
	struct stampede_session_slot way[STAMPEDE_SESSION_WAYS];
};

/*
 * Counters, one per outcome and reason.  Every frame the program sees ends
 * in exactly one OUTCOME/PASS/DROP counter; EVENT counters note things
 * about reflected packets.  X(name, class, description)
 */
#define STAMPEDE_COUNTERS(X)                                                              \
	X(reflected, OUTCOME, "STAMP test packets answered (XDP_TX)")                     \
	X(not_ip, PASS, "not IPv4 or IPv6")                                               \
	X(vlan_depth, PASS, "more than two VLAN tags")                                    \
	X(bad_header, PASS, "truncated or inconsistent IP or UDP header")                 \
	X(bad_ip_csum, PASS, "IPv4 header checksum wrong: the stack drops it")            \
	X(fragment, PASS, "IP fragment")                                                  \
	X(ipv6_ext, PASS, "IPv6 extension headers too many or not final")                 \
	X(not_udp, PASS, "not UDP")                                                       \
	X(not_stamp, PASS, "UDP to a port that is not a STAMP port")                      \
	X(not_local, PASS, "STAMP port, destination not a local address")                 \
	X(bad_source, PASS,                                                               \
	  "source multicast, broadcast, unspecified, loopback or the interface's own")    \
	X(loop_guard, PASS, "source port is one of the reflector's ports")                \
	X(authenticated, PASS, "authenticated-mode port without keys, or with TLVs")      \
	X(runt, PASS, "UDP payload shorter than 14 octets")                               \
	X(no_tailroom, PASS, "TWAMP-Light reply: no room to grow the frame")              \
	X(no_session, PASS, "stateful session table refused a new session")               \
	X(not_allowed, PASS, "source outside the allow-list")                             \
	X(internal, DROP, "frame changed but could not be finished")                      \
	X(no_reply, DROP, "sender asked for no reply (Return Path, or count 0)")          \
	X(micro_session, DROP, "Micro-session ID names another member link")              \
	X(bad_error_estimate, DROP, "sender's Error Estimate Multiplier 0: corrupt")      \
	X(rate_limited, DROP, "over the source's rate limit (rate-limit)")                \
	X(rate_limited_all, DROP, "over the interface's rate limit (rate-limit-all)")     \
	X(auth_failed, DROP, "authenticated packet: HMAC wrong, no key, or too short")    \
	X(twamp_light, EVENT, "short (TWAMP-Light) sender packets answered")              \
	X(tlv_padding, EVENT, "Extra Padding TLVs answered")                              \
	X(tlv_answered, EVENT, "other TLVs answered (U flag cleared)")                    \
	X(tlv_unrecognized, EVENT, "TLVs returned with the U flag")                       \
	X(tlv_malformed, EVENT, "TLV areas cut short by a malformed TLV (M flag)")        \
	X(tlv_walk_cut, EVENT, "TLV areas longer than the walk bound")                    \
	X(hmac_tlv_verified, EVENT, "HMAC TLVs verified (RFC 8972 4.8)")                  \
	X(hmac_tlv_failed, EVENT, "HMAC TLVs that did not verify: TLVs sent back with I") \
	X(reply_resized, EVENT, "replies resized as Reflected Test Packet Control asked") \
	X(reply_rerouted, EVENT, "replies sent from or to another address (RFC 9503)")    \
	X(session_new, EVENT, "stateful sessions created")                                \
	X(session_evicted, EVENT, "stateful sessions replaced by a new one in a full set")

enum stampede_counter_class {
	STAMPEDE_CLASS_OUTCOME,
	STAMPEDE_CLASS_PASS,
	STAMPEDE_CLASS_DROP,
	STAMPEDE_CLASS_EVENT,
};

/* clang-format off */
enum stampede_counter {
#define STAMPEDE_X_ENUM(name, class, desc) STAMPEDE_CNT_##name,
	STAMPEDE_COUNTERS(STAMPEDE_X_ENUM)
#undef STAMPEDE_X_ENUM
	STAMPEDE_CNT_MAX
};
/* clang-format on */

/* The "stats" per-CPU array holds one of these: named fields for bpftool. */
struct stampede_stats {
#define STAMPEDE_X_FIELD(name, class, desc) __u64 name;
	STAMPEDE_COUNTERS(STAMPEDE_X_FIELD)
#undef STAMPEDE_X_FIELD
};

/*
 * Per-TLV-type counters ("tlv_stats", one per-CPU entry).  Index 1..12 is
 * the TLV type; 0 counts every other type.
 */
#define STAMPEDE_TLV_STATS_TYPES 13

struct stampede_tlv_counters {
	__u64 seen;	    /* TLVs of the type walked */
	__u64 answered;	    /* U cleared: the reflector did what the TLV asks */
	__u64 unrecognized; /* U left set: not implemented or not honoured here */
	__u64 malformed;    /* M set: the walk stopped there */
};

struct stampede_tlv_stats {
	struct stampede_tlv_counters type[STAMPEDE_TLV_STATS_TYPES];
};

/* "access_reports": per-CPU counts, key (Access ID << 8) | Return Code. */
#define STAMPEDE_ACCESS_REPORT_KEYS 4096

/* Names of the pinned objects under /sys/fs/bpf/stampede/IFNAME/. */
#define STAMPEDE_PIN_ROOT "/sys/fs/bpf/stampede"
#define STAMPEDE_PIN_LINK "link"

#endif /* STAMPEDE_KERN_USER_H */
