// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Reply fields: every field of the reflected packet (RFC 8762 4.3.1), per frame shape. */
#include "xdp_test.h"

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
	/* PTP timestamps */
	SHAPE(ptp_v4_reply_fields, CFG_PTP, 4, 1, 0, 0),
	SHAPE(ptp_v6_reply_fields, CFG_PTP, 6, 0, 0, 2),
	/* CLOCK_BOOT fallback */
	SHAPE(clock_boot_v4_reply_fields, CFG_BOOT, 4, 0, 0, 0),
	SHAPE(clock_boot_v6_reply_fields, CFG_BOOT, 6, 1, 0, 1),
	SHAPE(quiet_v4_ihl6_reply_fields, CFG_QUIET, 4, 0, 4, 0),
	SHAPE(quiet_v4_vlan1_reply_fields, CFG_QUIET, 4, 1, 0, 0),
	SHAPE(quiet_v4_reply_fields, CFG_QUIET, 4, 0, 0, 0),
	SHAPE(quiet_v6_reply_fields, CFG_QUIET, 6, 1, 0, 1),
	/* clock-reads 2: T3 read apart from T2 (still T2 <= T3, inside the run) */
	SHAPE(t3_read_v4_reply_fields, CFG_T3READ, 4, 0, 0, 0),
	SHAPE(t3_read_v6_reply_fields, CFG_T3READ, 6, 1, 0, 1),
};

const struct xdp_rule xdp_rule_reply_fields = {"reply_fields", tests, ARRAY_SIZE(tests)};
