// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* TLV answers that need attach options (CFG_TLV, CFG_COS_REFUSE). */
#include "xdp_test.h"

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

/*
 * A Reflected Test Packet Control Value of 12 octets, the least the draft
 * allows (draft-ietf-ippm-asymmetrical-pkts-14 section 3): the fixed
 * fields, then a sub-TLV of an unassigned type (0) without U, which the
 * reply carries with U.
 */
static void rtpc_value(uint8_t v[12], uint8_t r[12], uint16_t want_len, uint16_t count)
{
	memset(v, 0, 12);
	ck_put16(v, want_len);
	ck_put16(v + 2, count);
	ck_put32(v + 4, 1000);
	memcpy(r, v, 12);
	r[8] = STAMP_TLV_FLAG_U;
}

static void t_tlv_reflected_control(struct env *e, struct tc *t, const void *arg)
{
	const struct rtpc_case *rc = arg;
	uint8_t v[12], r[12];
	struct rexp x = {.resize = rc->resize, .extra = {C(tlv_answered) = 1}};
	size_t end, pad_off;

	rtpc_value(v, r, rc->want_len, rc->count);
	tb_init(&tb);
	tb_tlv_value(&tb, STAMP_TLV_REFLECTED_CONTROL, v, 12, rc->conformant_c ? 0x10 : 0, r);
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
	uint8_t v[12], r[12];
	struct rexp x = {.extra = {C(tlv_answered) = 1, C(tlv_padding) = 1}};

	rtpc_value(v, r, 100, 1);
	tb_init(&tb);
	tb_tlv(&tb, 0x80, 1, 400, 0x00);
	tb_tlv_value(&tb, STAMP_TLV_REFLECTED_CONTROL, v, 12, 0x10, r);
	tb_reflect_x(e, t, 4, &x, 0);
}

/* Count 0: the draft says send nothing. */
static void t_tlv_reflected_zero(struct env *e, struct tc *t, __maybe_unused const void *arg)
{
	uint8_t v[12], r[12];

	rtpc_value(v, r, 100, 0);
	tb_init(&tb);
	tb_tlv_value(&tb, STAMP_TLV_REFLECTED_CONTROL, v, 12, 0, r);
	tb_dropped(e, t, 4, &(struct cnt){C(no_reply) = 1, C(tlv_answered) = 1});
}

/*
 * draft-ietf-ippm-asymmetrical-pkts-14 section 3: the Length "MUST NOT be
 * smaller than 12 octets"; a Length the type does not allow is M (RFC 8972
 * 4), the Value goes back as sent and nothing is resized.
 */
static void t_tlv_reflected_short(struct env *e, struct tc *t, const void *arg)
{
	uint16_t len = (uint16_t) * (const int *)arg;
	uint8_t v[12];
	struct rexp x = {.extra = {C(tlv_malformed) = 1}};

	memset(v, 0, sizeof(v));
	ck_put16(v, 200); /* would grow the reply */
	ck_put16(v + 2, 1);
	tb_init(&tb);
	tb_tlv_value(&tb, STAMP_TLV_REFLECTED_CONTROL, v, len, STAMP_TLV_FLAG_M, v);
	tb_reflect_x(e, t, 4, &x, 0);
}

/*
 * Section 4.3: a Return Path Control Code asking for no reply and a
 * Reflected Test Packet Control TLV asking for replies contradict each
 * other: U on both TLVs (and on the Control Code sub-TLV), one reply, not
 * resized, no C.  @rtpc_first puts the Reflected Test Packet Control TLV
 * first.
 */
struct conflict_case {
	int ipv;
	bool rtpc_first;
};

static void t_tlv_reflected_no_reply_conflict(struct env *e, struct tc *t, const void *arg)
{
	const struct conflict_case *cc = arg;
	uint8_t v[12], r[12], code[8], code_r[8];
	struct rexp x = {.extra = {C(tlv_unrecognized) = 2}};

	size_t rp_off, rtpc_off;

	rtpc_value(v, r, 200, 1);
	put_sub(code, 0x00, STAMP_RP_CONTROL_CODE, 4); /* U clear: the reflector must set it */
	ck_put32(code + 4, 0);			       /* no reply requested */
	memcpy(code_r, code, sizeof(code));
	code_r[0] = STAMP_TLV_FLAG_U;
	tb_init(&tb);
	rtpc_off = tb.n;
	if (cc->rtpc_first)
		tb_tlv_value(&tb, STAMP_TLV_REFLECTED_CONTROL, v, 12, STAMP_TLV_FLAG_U, r);
	rp_off = tb.n;
	tb_tlv_value(&tb, STAMP_TLV_RETURN_PATH, code, 8, STAMP_TLV_FLAG_U, code_r);
	if (!cc->rtpc_first) {
		rtpc_off = tb.n;
		tb_tlv_value(&tb, STAMP_TLV_REFLECTED_CONTROL, v, 12, STAMP_TLV_FLAG_U, r);
	}
	/* Both TLVs sent with U clear too. */
	tb.pl[rp_off] = 0;
	tb.pl[rtpc_off] = 0;
	tb_reflect_x(e, t, cc->ipv, &x, 0);
}

/* Number of the Reflected Packets 0 agrees with no reply: nothing is sent, both answered. */
static void t_tlv_reflected_zero_no_reply(struct env *e, struct tc *t,
					  __maybe_unused const void *arg)
{
	uint8_t v[12], r[12], code[8], code_r[8];

	rtpc_value(v, r, 200, 0);
	put_sub(code, 0x80, STAMP_RP_CONTROL_CODE, 4);
	ck_put32(code + 4, 0);
	memcpy(code_r, code, sizeof(code));
	code_r[0] = 0;
	tb_init(&tb);
	tb_tlv_value(&tb, STAMP_TLV_RETURN_PATH, code, 8, 0, code_r);
	tb_tlv_value(&tb, STAMP_TLV_REFLECTED_CONTROL, v, 12, 0, r);
	tb_dropped(e, t, 4, &(struct cnt){C(no_reply) = 1, C(tlv_answered) = 2});
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

/*
 * n TLVs, alternately Extra Padding and unknown, with junk flags: every
 * one is walked (RFC 8972 4: U set on exactly those not understood), the
 * last one overrunning the payload when cut_last (M, and U when unknown).
 */
struct many_case {
	int n;
	bool cut_last;
};

static void t_tlv_many(struct env *e, struct tc *t, const void *arg)
{
	const struct many_case *mc = arg;
	struct cnt c = {0};
	int i;

	tb_init(&tb);
	for (i = 0; i < mc->n; i++) {
		uint8_t type = i & 1 ? 200 : 1, flags = (uint8_t)(0x3f + i * 0x20);

		if (i == mc->n - 1 && mc->cut_last) {
			tb_tlv_cut(&tb, flags, type, 999, 2, type == 1 ? 0x40 : 0xc0);
			c.d[STAMPEDE_CNT_tlv_malformed]++;
			continue;
		}
		tb_tlv(&tb, flags, type, (uint16_t)(i % 5), type == 1 ? 0x00 : 0x80);
		c.d[type == 1 ? STAMPEDE_CNT_tlv_padding : STAMPEDE_CNT_tlv_unrecognized]++;
	}
	tb_reflect(e, t, 6, &tb, &c);
}

/*
 * An HMAC TLV deep in the chain still protects every TLV before it (RFC
 * 8972 4.8): the Class of Service TLV first in line goes back as sent with
 * U and the reply keeps its TOS, 20 padding TLVs stay padding, the HMAC
 * TLV gets I, the Timestamp Information TLV after it is answered.
 */
static void t_tlv_hmac_deep(struct env *e, struct tc *t, __maybe_unused const void *arg)
{
	const uint8_t hmac[16] = {0xaa, 1, 2, 3}, ti[4] = {0};
	const uint8_t ti_r[4] = {STAMP_SYNC_FREE_RUNNING, STAMP_TSM_SW_LOCAL,
				 STAMP_SYNC_FREE_RUNNING, STAMP_TSM_SW_LOCAL};
	uint8_t cos[4] = {0};
	int i;

	ck_put32(cos, 10u << 26 | 2u << 14);
	tb_init(&tb);
	tb_tlv_value(&tb, STAMP_TLV_CLASS_OF_SERVICE, cos, 4, STAMP_TLV_FLAG_U, cos);
	for (i = 0; i < 20; i++)
		tb_tlv(&tb, 0x80, 1, 0, 0x00);
	tb_tlv_value(&tb, STAMP_TLV_HMAC, hmac, 16, CK_TLV_I, hmac);
	tb_tlv_value(&tb, STAMP_TLV_TIMESTAMP_INFO, ti, 4, 0, ti_r);
	tb_reflect(
		e, t, 4, &tb,
		&(struct cnt){C(tlv_unrecognized) = 2, C(tlv_padding) = 20, C(tlv_answered) = 1});
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

/* Found by the fuzzer (fuzz/, FUZZING.md): the request as exact bytes. */
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

static const struct test tests[] = {
	{"tlv_micro_session_v4", CFG_TLV, t_tlv_micro_session, ARG(int, 4)},
	{"tlv_micro_session_v6", CFG_TLV, t_tlv_micro_session, ARG(int, 6)},
	{"tlv_dest_node_moves_source_v4", CFG_TLV, t_tlv_dest_node_moves_source, ARG(int, 4)},
	{"tlv_dest_node_moves_source_v6", CFG_TLV, t_tlv_dest_node_moves_source, ARG(int, 6)},
	{"tlv_dest_node_other_interface_v4", CFG_TLV, t_tlv_dest_node_other_interface, ARG(int, 4)},
	{"tlv_dest_node_other_interface_v6", CFG_TLV, t_tlv_dest_node_other_interface, ARG(int, 6)},
	{"tlv_return_address_v4", CFG_TLV, t_tlv_return_address, ARG(int, 4)},
	{"tlv_return_address_v6", CFG_TLV, t_tlv_return_address, ARG(int, 6)},
	{"tlv_return_address_not_configured_u", CFG_NTP, t_tlv_return_address_off, NULL},
	{"tlv_cos_refused_v4", CFG_COS_REFUSE, t_tlv_cos_refused, ARG(int, 4)},
	{"tlv_cos_refused_v6", CFG_COS_REFUSE, t_tlv_cos_refused, ARG(int, 6)},
	{"tlv_rtpc_grow_appends_padding_v4", CFG_TLV, t_tlv_reflected_control,
	 ARG(struct rtpc_case, 4, 100, 1, -1, 40, false, 36)},
	{"tlv_rtpc_grow_rounds_up_v6", CFG_TLV, t_tlv_reflected_control,
	 ARG(struct rtpc_case, 6, 97, 1, -1, 40, false, 36)},
	{"tlv_rtpc_grow_extends_padding_v4", CFG_TLV, t_tlv_reflected_control,
	 ARG(struct rtpc_case, 4, 200, 1, 9, 127, false, 136)},
	{"tlv_rtpc_shrink_cuts_padding_v4", CFG_TLV, t_tlv_reflected_control,
	 ARG(struct rtpc_case, 4, 100, 1, 301, -265, false, 36)},
	{"tlv_rtpc_shrink_drops_padding_v6", CFG_TLV, t_tlv_reflected_control,
	 ARG(struct rtpc_case, 6, 20, 1, 301, -305, false, -1)},
	{"tlv_rtpc_shrink_long_padding_v4", CFG_TLV, t_tlv_reflected_control,
	 ARG(struct rtpc_case, 4, 64, 1, 1201, -1201, false, 0)},
	{"tlv_rtpc_no_padding_to_cut_c_clear", CFG_TLV, t_tlv_reflected_control,
	 ARG(struct rtpc_case, 4, 20, 1, -1, 0, false, -1)},
	{"tlv_rtpc_count2_c_flag", CFG_TLV, t_tlv_reflected_control,
	 ARG(struct rtpc_case, 4, 100, 2, -1, 40, true, 36)},
	{"tlv_rtpc_amplify_refused_c_flag", CFG_TLV, t_tlv_reflected_control,
	 ARG(struct rtpc_case, 4, 1000, 1, -1, 0, true, -1)},
	{"tlv_rtpc_mtu_and_reply_max_refused_c_flag", CFG_TLV, t_tlv_reflected_control,
	 ARG(struct rtpc_case, 4, 1480, 1, 400, 0, true, 400)},
	{"tlv_rtpc_count0_no_reply", CFG_TLV, t_tlv_reflected_zero, NULL},
	{"tlv_rtpc_padding_inside_c_flag", CFG_TLV, t_tlv_reflected_padding_inside, NULL},
	/* IPv6: 40 + 8 + 1452 = the MTU of 1500, within reply-max 1452 and amplify 4 x 464 */
	{"tlv_rtpc_above_mtu_mtu_sized_c_v6", CFG_TLV, t_tlv_reflected_control,
	 ARG(struct rtpc_case, 6, 2000, 1, 400, 988, true, 1388)},
	{"tlv_rtpc_length_8_malformed", CFG_TLV, t_tlv_reflected_short, ARG(int, 8)},
	{"tlv_rtpc_length_11_malformed", CFG_TLV, t_tlv_reflected_short, ARG(int, 11)},
	{"tlv_rtpc_no_reply_conflict_u_both_v4", CFG_TLV, t_tlv_reflected_no_reply_conflict,
	 ARG(struct conflict_case, 4, false)},
	{"tlv_rtpc_no_reply_conflict_u_both_v6_rtpc_first", CFG_TLV,
	 t_tlv_reflected_no_reply_conflict, ARG(struct conflict_case, 6, true)},
	{"tlv_rtpc_count0_with_no_reply_dropped", CFG_TLV, t_tlv_reflected_zero_no_reply, NULL},
	{"tlv_stray_1", CFG_NTP, t_tlv_stray, ARG(struct stray_case, 1, false, 0x9f, 0xc0)},
	{"tlv_stray_2", CFG_NTP, t_tlv_stray, ARG(struct stray_case, 2, false, 0x3f, 0x40)},
	{"tlv_stray_3", CFG_NTP, t_tlv_stray, ARG(struct stray_case, 3, false, 0x81, 0xc0)},
	{"tlv_stray_3_after_base", CFG_NTP, t_tlv_stray,
	 ARG(struct stray_case, 3, true, 0x01, 0x40)},
	{"tlv_16_all_walked", CFG_NTP, t_tlv_many, ARG(struct many_case, 16, false)},
	{"tlv_17_all_walked", CFG_NTP, t_tlv_many, ARG(struct many_case, 17, false)},
	{"tlv_20_last_overruns_m", CFG_NTP, t_tlv_many, ARG(struct many_case, 20, true)},
	{"tlv_400_all_walked", CFG_NTP, t_tlv_many, ARG(struct many_case, 400, false)},
	{"tlv_400_last_overruns_m", CFG_NTP, t_tlv_many, ARG(struct many_case, 400, true)},
	{"tlv_hmac_after_20_protects", CFG_NTP, t_tlv_hmac_deep, NULL},
	{"tlv_walk_ends_at_udp_len_trailer", CFG_NTP, t_tlv_udp_bound,
	 ARG(struct bound_case, false, 0, 12)},
	{"tlv_walk_ends_at_udp_len_ip_extra", CFG_NTP, t_tlv_udp_bound,
	 ARG(struct bound_case, false, 8, 0)},
	{"tlv_overrun_into_trailer_malformed", CFG_NTP, t_tlv_udp_bound,
	 ARG(struct bound_case, true, 0, 12)},
	{"tlv_overrun_into_ip_extra_malformed", CFG_NTP, t_tlv_udp_bound,
	 ARG(struct bound_case, true, 8, 0)},
	{"fuzz_v4_dna_sender_address_refused", CFG_NOLOOP, t_fuzz_dna_sender, ARG(int, 4)},
	{"fuzz_v6_dna_sender_address_refused", CFG_NOLOOP, t_fuzz_dna_sender, ARG(int, 6)},
};

const struct xdp_rule xdp_rule_tlv_options = {"tlv_options", tests, ARRAY_SIZE(tests)};
