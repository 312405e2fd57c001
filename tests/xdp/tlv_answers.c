// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The TLVs answered (RFC 8972, 9503, 9534, asymmetrical-pkts) in the default configuration. */
#include "xdp_test.h"

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

static const int four = 4, six = 6;

static const struct test tests[] = {
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
	{"tlv_hmac_protects_v4", CFG_NTP, t_tlv_hmac_protects, ARG(int, 4)},
	{"tlv_hmac_protects_v6", CFG_NTP, t_tlv_hmac_protects, ARG(int, 6)},
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
	{"tlv_follow_up_previous_t3", CFG_STATEFUL, t_tlv_follow_up_session, NULL},
	{"tlv_follow_up_previous_t3_clock_reads_2", CFG_STATEFUL_T3READ, t_tlv_follow_up_session,
	 NULL},
};

const struct xdp_rule xdp_rule_tlv_answers = {"tlv_answers", tests, ARRAY_SIZE(tests)};
