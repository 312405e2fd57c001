// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The TLV walk: padding, unknown, mixed, zero-length and overrunning TLVs. */
#include "xdp_test.h"

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

static const struct test tests[] = {
	/* TLV walk */
	{"tlv_padding_flags_cleared", CFG_NTP, t_tlv_padding, NULL},
	{"tlv_unknown_type_flags_u", CFG_NTP, t_tlv_unknown, NULL},
	{"tlv_mixed_counted", CFG_NTP, t_tlv_mixed, NULL},
	{"tlv_zero_length", CFG_NTP, t_tlv_zero_length, NULL},
	{"tlv_overrun_m_u_kept", CFG_NTP, t_tlv_overrun, ARG(struct overrun_case, 0xa0, 0xc0)},
	{"tlv_overrun_m_u_clear", CFG_NTP, t_tlv_overrun, ARG(struct overrun_case, 0x3f, 0xc0)},
};

const struct xdp_rule xdp_rule_tlv_walk = {"tlv_walk", tests, ARRAY_SIZE(tests)};
