// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Checksums: the UDP checksum after the reply is written, incrementally and in full. */
#include "xdp_test.h"

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

/*
 * Found by the fuzzer (fuzz/, FUZZING.md), the request as exact bytes:
 * the standard IPv6 request with UDP checksum 0.  RFC 8200 8.1: a receiver
 * discards it, and its reply could carry no valid checksum (the reply's is
 * the request's, updated); it was answered, with a wrong one.  Passed
 * (bad_header), as sent.
 */
static const uint8_t fuzz_v6_udp_csum0[106] = {
	0x02, 0x00, 0x5e, 0x10, 0x00, 0x01, 0x02, 0x00, 0x5e, 0x10, 0x00, 0x07, 0x86, 0xdd,
	0x6b, 0x95, 0xee, 0xd1, 0x00, 0x34, 0x11, 0x39, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x02,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x9c, 0x40,
	0x03, 0x5e, 0x00, 0x34, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04, 0xe9, 0x8f, 0x12, 0x34,
	0x56, 0x78, 0x9a, 0xbc, 0x81, 0x1e, 0xbe, 0xef, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f,
	0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x7b, 0x7c, 0x7d,
	0x7e, 0x7f, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85,
};

static void t_fuzz_v6_csum0(struct env *e, struct tc *t, __maybe_unused const void *arg)
{
	static struct pb_frame f;

	frame_of(&f, fuzz_v6_udp_csum0, sizeof(fuzz_v6_udp_csum0), 6);
	pass_check(e, t, &f, STAMPEDE_CNT_bad_header);
}

static const int four = 4, six = 6;

static const struct test tests[] = {
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
	{"fuzz_v6_udp_csum0_passed", CFG_NTP, t_fuzz_v6_csum0, NULL},
};

const struct xdp_rule xdp_rule_checksums = {"checksums", tests, ARRAY_SIZE(tests)};
