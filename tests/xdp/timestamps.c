// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Error Estimate and timestamps: the clock map, TAI from the leap-seconds list, the boot-clock fallback. */
#include "xdp_test.h"

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

static const int shift_offset = -37, shift_hour = 3600;

static const struct test tests[] = {
	/* Error Estimate and timestamps */
	{"ee_multiplier0_sent_as_1", CFG_NTP, t_ee_map, ARG(struct ee_case, 0x8a00, 0x8a01)},
	{"ee_ntp_z_cleared", CFG_NTP, t_ee_map, ARG(struct ee_case, 0xca03, 0x8a03)},
	{"ts_ntp_t2_t3_in_run_repeated", CFG_NTP, t_ts_repeated, NULL},
	{"ts_ntp_follows_tai_offset", CFG_NTP, t_clock_offset, &shift_offset},
	{"ts_ptp_tai_from_leap_list", CFG_PTP, t_ptp_tai_from_list, NULL},
	{"ptp_ee_multiplier0_sent_as_1", CFG_PTP, t_ee_map, ARG(struct ee_case, 0x8a00, 0xca01)},
	{"ptp_ts_t2_t3_in_run_repeated", CFG_PTP, t_ts_repeated, NULL},
	{"clock_boot_ts_in_run_repeated", CFG_BOOT, t_ts_repeated, NULL},
	{"clock_boot_follows_boot_to_tai", CFG_BOOT, t_clock_offset, &shift_hour},
	{"t3_read_ts_in_run_repeated", CFG_T3READ, t_ts_repeated, NULL},
};

const struct xdp_rule xdp_rule_timestamps = {"timestamps", tests, ARRAY_SIZE(tests)};
