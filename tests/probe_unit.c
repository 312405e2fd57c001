// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of the probe's pure parts: the statistics (percentiles,
 * standard deviation, RFC 3550 jitter, histogram, sequence bookkeeping and
 * directional loss), the packets (requests built, replies of 44, 41, 38,
 * 36 and 35 octets parsed, TLV areas walked) and the figures of a reply
 * (which stamps the RTT uses, one-way delays only when synchronized, hops).
 * Expected values are worked out by hand in the comments; packets are laid
 * out with testing/check.h from RFC 8762's offsets, not with the code under
 * test.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "check.h"
#include "pktbuild.h"
#include "cli.h"
#include "output.h"
#include "probe_auth.h"
#include "probe_figures.h"
#include "probe_monitor.h"
#include "probe_packet.h"
#include "probe_ping_opts.h"
#include "probe_report.h"
#include "probe_stats.h"
#include "harness.h"

static void result(bool ok, const char *name, const char *why)
{
	char full[128];

	snprintf(full, sizeof(full), "probe/%s", name);
	th_result(full, ok, "%s", why);
}

static bool near(double a, double b)
{
	return fabs(a - b) < 1e-9;
}

/* "got X, want Y" for the FAIL line. */
static const char *why_d(double got, double want)
{
	static char buf[96];

	snprintf(buf, sizeof(buf), "got %.12g, want %.12g", got, want);
	return buf;
}

static void check_d(const char *name, double got, double want)
{
	result(near(got, want), name, why_d(got, want));
}

static void check_u(const char *name, unsigned long long got, unsigned long long want)
{
	char buf[96];

	snprintf(buf, sizeof(buf), "got %llu, want %llu", got, want);
	result(got == want, name, buf);
}

/* ---- statistics -------------------------------------------------------------- */

static void test_percentiles(void)
{
	const double four[] = {1, 2, 3, 4};
	const double five[] = {15, 20, 35, 40, 50};
	const double one[] = {10};

	/* rank = p/100 * (n-1): 1.5 -> 2 + 0.5 * (3 - 2) */
	check_d("percentile/even-median", probe_percentile(four, 4, 50), 2.5);
	/* rank 2.7 -> 3 + 0.7 * (4 - 3) */
	check_d("percentile/p90-of-4", probe_percentile(four, 4, 90), 3.7);
	/* rank 2.97 -> 3.97 */
	check_d("percentile/p99-of-4", probe_percentile(four, 4, 99), 3.97);
	/* rank 2 exactly: the third value */
	check_d("percentile/odd-median", probe_percentile(five, 5, 50), 35);
	/* rank 3.6 -> 40 + 0.6 * 10 */
	check_d("percentile/p90-of-5", probe_percentile(five, 5, 90), 46);
	/* rank 3.96 -> 40 + 0.96 * 10 */
	check_d("percentile/p99-of-5", probe_percentile(five, 5, 99), 49.6);
	check_d("percentile/min", probe_percentile(five, 5, 0), 15);
	check_d("percentile/max", probe_percentile(five, 5, 100), 50);
	check_d("percentile/single", probe_percentile(one, 1, 90), 10);
}

static void test_summary(void)
{
	/* The textbook sample: mean 5, squared deviations 9+1+1+1+0+0+4+16 = 32, 32/8 = 4. */
	double v[] = {9, 2, 5, 4, 7, 4, 5, 4};
	double single[] = {42};
	struct probe_summary s;

	probe_summarize(v, 8, &s);
	check_d("summary/mean", s.mean, 5);
	check_d("summary/stddev-population", s.stddev, 2);
	check_d("summary/min", s.min, 2);
	check_d("summary/max", s.max, 9);
	/* sorted 2 4 4 4 5 5 7 9: rank 3.5 -> (4 + 5) / 2 */
	check_d("summary/median", s.median, 4.5);
	/* rank 6.3 -> 7 + 0.3 * (9 - 7) */
	check_d("summary/p90", s.p90, 7.6);
	/* rank 6.93 -> 7 + 0.93 * 2 */
	check_d("summary/p99", s.p99, 8.86);
	check_u("summary/n", s.n, 8);
	probe_summarize(single, 1, &s);
	result(s.min == 42 && s.max == 42 && s.median == 42 && s.stddev == 0 && s.p99 == 42,
	       "summary/single", "one value is every statistic, stddev 0");
}

static void test_jitter(void)
{
	const double v[] = {10, 12, 11, 15};
	const double one[] = {10};

	/*
	 * J = 0; |D| = 2: J = 2/16 = 0.125; |D| = 1: J = 0.125 + 0.875/16 =
	 * 0.1796875; |D| = 4: J = 0.1796875 + 3.8203125/16 = 0.41845703125.
	 */
	check_d("jitter/rfc3550", probe_jitter(v, 4), 0.41845703125);
	check_d("jitter/one-value", probe_jitter(one, 1), 0);
	/* Constant delay: no jitter, whatever the value. */
	check_d("jitter/constant", probe_jitter((const double[]){7, 7, 7}, 3), 0);
}

/* The bins of @got are @n bins from @from of @width with @counts. */
static bool hist_is(const struct probe_hist_bin *got, size_t n_got, double from, double width,
		    const size_t *counts, size_t n)
{
	size_t i;

	if (n_got != n)
		return false;
	for (i = 0; i < n; i++)
		if (!near(got[i].from, from + i * width) ||
		    !near(got[i].to, from + (i + 1) * width) || got[i].count != counts[i])
			return false;
	return true;
}

static void test_histogram(void)
{
	struct probe_hist_bin bins[PROBE_HIST_MAX_BINS];
	size_t n, i, total;
	char why[64];

	/* Spread 8.8, a tenth 0.88: width 1 (0.5 would not cover it); from floor(16.2). */
	n = probe_histogram((const double[]){16.2, 17.9, 18.1, 25.0}, 4, bins);
	result(hist_is(bins, n, 16, 1, (const size_t[]){1, 1, 1, 0, 0, 0, 0, 0, 0, 1}, 10),
	       "histogram/width-1", "want 10 bins of 1 us from 16: 1 1 1 0 0 0 0 0 0 1");
	/* Spread 16, a tenth 1.6: width 2; from 2 (multiple of 2 below 3); 19 in [18, 20). */
	n = probe_histogram((const double[]){3, 19}, 2, bins);
	result(hist_is(bins, n, 2, 2, (const size_t[]){1, 0, 0, 0, 0, 0, 0, 0, 1}, 9),
	       "histogram/width-2", "want 9 bins of 2 us from 2: 1 0 0 0 0 0 0 0 1");
	/* Spread 200, a tenth 20: width 20 exactly; the max opens an 11th bin [300, 320). */
	n = probe_histogram((const double[]){100, 300, 150}, 3, bins);
	result(hist_is(bins, n, 100, 20, (const size_t[]){1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1}, 11),
	       "histogram/max-on-edge", "want 11 bins of 20 us from 100: 1 0 1 0 0 0 0 0 0 0 1");
	/* Spread 0.3, a tenth 0.03: width 0.05; from 1.2. */
	n = probe_histogram((const double[]){1.21, 1.51, 1.33}, 3, bins);
	result(hist_is(bins, n, 1.2, 0.05, (const size_t[]){1, 0, 1, 0, 0, 0, 1}, 7),
	       "histogram/width-0.05", "want 7 bins of 0.05 us from 1.2: 1 0 1 0 0 0 1");
	/* Two decades and more: edges on the 1-2-5 scale, [10, 20) to [10000, 20000). */
	n = probe_histogram((const double[]){12, 15, 30, 480, 15000}, 5, bins);
	result(n == 10 && bins[0].from == 10 && bins[0].to == 20 && bins[1].to == 50 &&
		       bins[2].to == 100 && bins[9].from == 10000 && bins[9].to == 20000 &&
		       bins[0].count == 2 && bins[1].count == 1 && bins[4].count == 1 &&
		       bins[9].count == 1,
	       "histogram/log-125", "want 10 bins 10-20-50-100-...-20000: 2 1 0 0 1 0 0 0 0 1");
	/* More decades than 1-2-5 bins fit: one bin a decade, from 1 to 10^9. */
	n = probe_histogram((const double[]){1.5, 5e8}, 2, bins);
	result(n == 9 && bins[0].from == 1 && bins[0].to == 10 && bins[8].from == 1e8 &&
		       bins[8].to == 1e9 && bins[0].count == 1 && bins[8].count == 1,
	       "histogram/log-decades", "want 9 decade bins from 1 to 1e9: 1 0 ... 0 1");
	/* All equal: one bin of 1 us holding them all. */
	n = probe_histogram((const double[]){5.5, 5.5, 5.5}, 3, bins);
	result(hist_is(bins, n, 5, 1, (const size_t[]){3}, 1), "histogram/all-equal",
	       "want one bin [5, 6) of 3");
	/* Whatever the values, every one is counted once and the bins stay few. */
	{
		double v[97];

		for (i = 0; i < 97; i++)
			v[i] = 3.7 + (double)((i * 37) % 97) * 1.37;
		n = probe_histogram(v, 97, bins);
		for (i = 0, total = 0; i < n; i++)
			total += bins[i].count;
		snprintf(why, sizeof(why), "%zu bins holding %zu of 97", n, total);
		result(total == 97 && n >= 1 && n <= PROBE_HIST_MAX_BINS, "histogram/all-counted",
		       why);
	}
}

static void test_book(void)
{
	struct probe_book b;
	uint32_t seq;
	bool kinds_ok;

	if (probe_book_init(&b, 10)) {
		result(false, "book/init", "out of memory");
		return;
	}
	for (seq = 0; seq < 8; seq++)
		probe_book_sent(&b, seq);
	probe_book_sent(&b, 3); /* sent twice is sent once */
	/* Replies 0 1 3, then 2 late (reordered), 3 again (duplicate), 9 (never sent), 12 (beyond), 5. */
	kinds_ok = probe_book_reply(&b, 0) == PROBE_SEQ_FIRST &&
		   probe_book_reply(&b, 1) == PROBE_SEQ_FIRST &&
		   probe_book_reply(&b, 3) == PROBE_SEQ_FIRST &&
		   probe_book_reply(&b, 2) == PROBE_SEQ_FIRST &&
		   probe_book_reply(&b, 3) == PROBE_SEQ_DUPLICATE &&
		   probe_book_reply(&b, 9) == PROBE_SEQ_UNKNOWN &&
		   probe_book_reply(&b, 12) == PROBE_SEQ_UNKNOWN &&
		   probe_book_reply(&b, 5) == PROBE_SEQ_FIRST;
	result(kinds_ok, "book/kinds", "first, duplicate and unknown replies told apart wrongly");
	check_u("book/sent", b.sent, 8);
	check_u("book/answered", b.answered, 5);
	check_u("book/duplicates", b.duplicates, 1);
	check_u("book/reordered", b.reordered, 1);
	check_u("book/unknown", b.unknown, 2);
	/* Sent 0..7, answered 0 1 2 3 5: lost 4 6 7. */
	check_u("book/lost", probe_book_lost(&b), 3);
	result(!probe_book_answered(&b, 4) && !probe_book_answered(&b, 6) &&
		       !probe_book_answered(&b, 7) && probe_book_answered(&b, 5),
	       "book/lost-seqs", "want 4, 6 and 7 unanswered, 5 answered");
	check_u("book/sent-upto-3", probe_book_sent_upto(&b, 3), 4);
	check_u("book/sent-upto-9", probe_book_sent_upto(&b, 9), 8);
	probe_book_free(&b);
}

static void test_direction_loss(void)
{
	struct probe_direction_loss d;

	/*
	 * 10 sent; 2 lost on the way out, so the reflector numbered 8 (0..7),
	 * the last request (9) got 7; 1 reply lost on the way back: 7
	 * received, 3 lost in all.
	 */
	probe_direction_loss(10, 7, 7, 3, &d);
	result(d.known && d.forward == 2 && d.backward == 1 && d.unknown == 0,
	       "direction/forward-and-backward", "want forward 2, backward 1, unknown 0");
	/* The last request lost, direction unknown: 9 sent up to the highest reply (R = 8). */
	probe_direction_loss(9, 8, 9, 1, &d);
	result(d.known && d.forward == 0 && d.backward == 0 && d.unknown == 1,
	       "direction/tail-unknown", "want forward 0, backward 0, unknown 1");
	/* A reflector that counted more than we sent: not our fresh session. */
	probe_direction_loss(10, 20, 10, 0, &d);
	result(!d.known, "direction/reused-session",
	       "a counter beyond what was sent must be unknown");
}

static void test_looks_stateless(void)
{
	struct probe_book b;
	uint32_t seq;

	if (probe_book_init(&b, 8)) {
		result(false, "stateless/init", "out of memory");
		return;
	}
	for (seq = 0; seq < 8; seq++)
		probe_book_sent(&b, seq);
	/* 0..6 answered, 7 (the last) lost: no gap below the highest answered. */
	for (seq = 0; seq < 7; seq++)
		if (seq != 2)
			probe_book_reply(&b, seq);
	/* 2 lost below 6, numbers echoed: stateless, or backward loss only. */
	result(probe_reflector_looks_stateless(&b, true), "stateless/echo-across-gap",
	       "echoed numbers across a lost request must look stateless");
	result(!probe_reflector_looks_stateless(&b, false), "stateless/numbers-differ",
	       "a reflector that numbered past the gap is stateful");
	probe_book_reply(&b, 2);
	result(!probe_reflector_looks_stateless(&b, true), "stateless/no-gap",
	       "without a gap below the highest answered, echoed numbers tell nothing");
	probe_book_free(&b);
}

/* ---- ping's -i ------------------------------------------------------------------ */

static void test_seconds_to_ms(void)
{
	static const struct {
		const char *word;
		uint32_t ms; /* 0: refused */
	} cases[] = {
		{"0.2", 200},  {"1", 1000},   {".005", 5},
		{"0.0010", 1}, {"60", 60000}, {"2.", 2000},
		{"0.0005", 0}, {"60.001", 0}, {"0", 0},
		{"", 0},       {".", 0},      {"1e3", 0},
		{"-1", 0},     {"0.2s", 0},   {"99999999999999999999", 0},
	};
	char name[64], why[96];
	uint32_t ms;
	size_t i;
	int err;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ms = 0;
		err = probe_seconds_to_ms(cases[i].word, "-i", 1, 60000, &ms);
		snprintf(name, sizeof(name), "seconds-to-ms/'%s'", cases[i].word);
		snprintf(why, sizeof(why), "got %s %u, want %s %u", err ? "error" : "ok", ms,
			 cases[i].ms ? "ok" : "error", cases[i].ms);
		result(cases[i].ms ? !err && ms == cases[i].ms : err != 0, name, why);
	}
}

/* ---- packets ----------------------------------------------------------------- */

/* RFC 5905: NTP fraction = ns * 2^32 / 10^9, worked in long double. */
static uint32_t ntp_frac(uint64_t ns)
{
	return (uint32_t)((long double)ns * 4294967296.0L / 1e9L);
}

static void test_request(void)
{
	uint8_t buf[PROBE_MAX_SIZE], zero[PROBE_MAX_SIZE] = {0};
	/* 2023-11-14T22:13:20.25Z: fraction a quarter, 0x40000000. */
	struct probe_request req = {
		.seq = 0x01020304,
		.t1_ns = 1700000000LL * 1000000000 + 250000000,
		.error_estimate = 0x8001,
		.ssid = 0xbeef,
		.size = 44,
	};
	int len;

	len = probe_request_build(&req, buf, sizeof(buf));
	result(len == 44 && ck_get32(buf + CK_S_SEQ) == 0x01020304 &&
		       ck_get32(buf + CK_S_TS) == 1700000000U + CK_NTP_UNIX &&
		       ck_get32(buf + CK_S_TS + 4) == 0x40000000 &&
		       ck_get16(buf + CK_S_EE) == 0x8001 && ck_get16(buf + CK_S_SSID) == 0xbeef &&
		       !memcmp(buf + 16, zero, 28),
	       "request/ntp-44", "fields of the 44-octet request wrong");

	/* PTP: TAI = UTC + 37 s, nanoseconds as they are, Z set. */
	req.ptp = true;
	req.tai_offset_ns = 37ULL * 1000000000;
	req.t1_ns = 1700000000LL * 1000000000 + 123456789;
	len = probe_request_build(&req, buf, sizeof(buf));
	result(len == 44 && ck_get32(buf + CK_S_TS) == 1700000037U &&
		       ck_get32(buf + CK_S_TS + 4) == 123456789 &&
		       ck_get16(buf + CK_S_EE) == (0x8001 | CK_EE_Z),
	       "request/ptp", "PTP timestamp or Z bit wrong");

	/* 100 octets: Extra Padding TLV (U set by the sender), Length 100 - 44 - 4. */
	req.ptp = false;
	req.size = 100;
	len = probe_request_build(&req, buf, sizeof(buf));
	result(len == 100 && buf[44] == CK_TLV_U && buf[45] == 1 && ck_get16(buf + 46) == 52 &&
		       !memcmp(buf + 48, zero, 52),
	       "request/padding-tlv", "Extra Padding TLV of a 100-octet request wrong");
	req.size = 48;
	len = probe_request_build(&req, buf, sizeof(buf));
	result(len == 48 && buf[45] == 1 && ck_get16(buf + 46) == 0, "request/padding-empty",
	       "a 48-octet request holds an empty padding TLV");
	req.size = 46;
	result(probe_request_build(&req, buf, sizeof(buf)) < 0 &&
		       probe_request_size_problem(46, NULL, 0) == 48 &&
		       probe_request_size_problem(43, NULL, 0) == 44 &&
		       probe_request_size_problem(44, NULL, 0) == 0 &&
		       probe_request_size_problem(47, NULL, 0) == 48,
	       "request/size-45-47-refused", "45..47 octets cannot hold a TLV header");
	/* A requested TLV goes first, the padding fills after it. */
	{
		const uint8_t value[4] = {1, 2, 3, 4};
		const struct probe_tlv tlv = {.type = 240, .length = 4, .value = value};

		req.size = 60;
		req.tlvs = &tlv;
		req.n_tlvs = 1;
		len = probe_request_build(&req, buf, sizeof(buf));
		result(len == 60 && buf[44] == CK_TLV_U && buf[45] == 240 &&
			       ck_get16(buf + 46) == 4 && !memcmp(buf + 48, value, 4) &&
			       buf[53] == 1 && ck_get16(buf + 54) == 4,
		       "request/tlv-then-padding", "TLV list then padding laid out wrong");
	}
}

/* A reflector reply per RFC 8762 4.3.1, laid out by hand. */
static void make_reply(uint8_t *p, size_t len, bool ptp)
{
	memset(p, 0, len);
	ck_put32(p + CK_R_SEQ, 7);
	if (ptp) {
		/* TAI 1700000037.000002000 and .000001000 with a 37 s offset. */
		ck_put32(p + CK_R_T3, 1700000037U);
		ck_put32(p + CK_R_T3 + 4, 2000);
		ck_put32(p + CK_R_T2, 1700000037U);
		ck_put32(p + CK_R_T2 + 4, 1000);
		ck_put16(p + CK_R_EE, 0x8001 | CK_EE_Z);
	} else {
		ck_put32(p + CK_R_T3, 1700000000U + CK_NTP_UNIX);
		ck_put32(p + CK_R_T3 + 4, ntp_frac(500000000));
		ck_put32(p + CK_R_T2, 1700000000U + CK_NTP_UNIX);
		ck_put32(p + CK_R_T2 + 4, ntp_frac(250000000));
		ck_put16(p + CK_R_EE, 0x8001);
	}
	ck_put16(p + CK_R_SSID, 0x1234);
	ck_put32(p + CK_R_S_SEQ, 5);
	ck_put32(p + CK_R_S_TS, 1700000000U + CK_NTP_UNIX);
	if (len >= 38)
		ck_put16(p + CK_R_S_EE, 0x0001);
	if (len >= 41)
		p[CK_R_S_TTL] = 250;
}

static void test_reply_lengths(void)
{
	const int64_t near_ns = 1700000000LL * 1000000000 + 600000000;
	const int64_t t2 = 1700000000LL * 1000000000 + 250000000;
	const int64_t t3 = 1700000000LL * 1000000000 + 500000000;
	uint8_t p[64];
	struct probe_reply r;
	int rc;

	make_reply(p, 44, false);
	rc = probe_reply_parse(p, 44, 0, near_ns, &r);
	result(!rc && r.length == 44 && r.reflector_seq == 7 && r.sender_seq == 5 &&
		       r.ssid == 0x1234 && r.reflector_ee == 0x8001 && r.has_sender_ee &&
		       r.sender_ee == 1 && r.has_ttl && r.sender_ttl == 250 && r.tlv_len == 0 &&
		       llabs(r.t2_ns - t2) <= 1 && llabs(r.t3_ns - t3) <= 1,
	       "reply/44", "fields of a 44-octet reply wrong");

	/* TWAMP-Light (RFC 5357 4.2.1): SSID is MBZ, ends after the TTL. */
	make_reply(p, 41, false);
	ck_put16(p + CK_R_SSID, 0);
	rc = probe_reply_parse(p, 41, 0, near_ns, &r);
	result(!rc && r.length == 41 && r.sender_seq == 5 && r.ssid == 0 && r.has_ttl &&
		       r.sender_ttl == 250 && r.has_sender_ee && r.tlv_len == 0,
	       "reply/41-twamp", "a 41-octet reply must give the TTL");

	/* A TTL of 0 was never seen on a packet: the reflector left it unset. */
	make_reply(p, 44, false);
	p[CK_R_S_TTL] = 0;
	rc = probe_reply_parse(p, 44, 0, near_ns, &r);
	result(!rc && !r.has_ttl, "reply/ttl-0-unknown", "a Ses-Sender TTL of 0 must be unknown");

	make_reply(p, 38, false);
	rc = probe_reply_parse(p, 38, 0, near_ns, &r);
	result(!rc && r.has_sender_ee && !r.has_ttl, "reply/38",
	       "a 38-octet reply has our Error Estimate but no TTL");

	make_reply(p, 36, false);
	rc = probe_reply_parse(p, 36, 0, near_ns, &r);
	result(!rc && r.sender_seq == 5 && !r.has_sender_ee && !r.has_ttl &&
		       llabs(r.t3_ns - t3) <= 1,
	       "reply/36", "a 36-octet reply: sequence and timestamps, no EE copy, no TTL");

	make_reply(p, 35, false);
	result(probe_reply_parse(p, 35, 0, near_ns, &r) == -1, "reply/35-refused",
	       "a reply shorter than 36 octets must be refused");

	/* Z set: PTP (TAI) timestamps, back to UTC with the offset. */
	make_reply(p, 44, true);
	rc = probe_reply_parse(p, 44, 37ULL * 1000000000, near_ns, &r);
	result(!rc && r.t2_ns == 1700000000LL * 1000000000 + 1000 &&
		       r.t3_ns == 1700000000LL * 1000000000 + 2000,
	       "reply/ptp-z-bit", "PTP timestamps of a Z reply decoded wrong");
}

static void test_ntp_era(void)
{
	/* NTP era 1 starts at Unix 2085978496 (2036-02-07): seconds field 1000 is 1000 s later. */
	const int64_t unix_sec = 2085978496LL + 1000;
	struct stamp_timestamp ts;
	int64_t got;

	probe_ts_encode(unix_sec * 1000000000, false, 0, &ts);
	got = probe_ts_decode(&ts, false, 0, (unix_sec - 5000) * 1000000000);
	result(ck_get32((uint8_t *)&ts.sec) == 1000 && got == unix_sec * 1000000000,
	       "timestamp/ntp-era-1", "a time after 2036 decoded into the wrong era");
	/* A round trip keeps the nanoseconds within the 2^-32 s resolution. */
	probe_ts_encode(1700000000LL * 1000000000 + 999999999, false, 0, &ts);
	got = probe_ts_decode(&ts, false, 0, 1700000000LL * 1000000000);
	result(llabs(got - (1700000000LL * 1000000000 + 999999999)) <= 1,
	       "timestamp/ntp-round-trip", why_d((double)got, 1700000000LL * 1e9 + 999999999));
}

static void test_tlv_walk(void)
{
	uint8_t p[80];
	struct probe_reply r;
	struct probe_tlv_list *list;

	/* 60 octets: one Extra Padding TLV of 12, U cleared by the reflector. */
	make_reply(p, 60, false);
	p[44] = 0;
	p[45] = 1;
	ck_put16(p + 46, 12);
	list = probe_reply_parse(p, 60, 0, 0, &r) ? NULL : probe_reply_tlvs(p, &r);
	result(list && list->n == 1 && list->tlv[0].type == 1 && list->tlv[0].length == 12 &&
		       !list->malformed && list->area_len == 0,
	       "tlv/padding", "one padding TLV listed, its value not kept");
	free(list);

	/*
	 * A hostile reflector's 4 KB TLV area of an unknown type: listed,
	 * but only PROBE_MAX_TLV_AREA octets of it kept with the reply.
	 */
	{
		static uint8_t big[44 + 4096];

		make_reply(big, 44, false);
		big[44] = 0x80;
		big[45] = 200;
		ck_put16(big + 46, 4096 - 4);
		list = probe_reply_parse(big, sizeof(big), 0, 0, &r) ? NULL
								     : probe_reply_tlvs(big, &r);
		result(list && list->n == 1 && list->tlv[0].type == 200 &&
			       list->area_len == PROBE_MAX_TLV_AREA,
		       "tlv/area-capped", "a large TLV area kept whole");
		free(list);
	}

	/* A TLV whose Length runs past the packet. */
	ck_put16(p + 46, 100);
	list = probe_reply_parse(p, 60, 0, 0, &r) ? NULL : probe_reply_tlvs(p, &r);
	result(list && list->n == 0 && list->malformed && list->area_len == 16, "tlv/overrun",
	       "a Length past the end marks the area malformed and keeps it");
	free(list);

	/* Timestamp Information (3) with U set, then padding: both listed, area kept. */
	make_reply(p, 72, false);
	p[44] = CK_TLV_U;
	p[45] = 3;
	ck_put16(p + 46, 8);
	p[56] = 0;
	p[57] = 1;
	ck_put16(p + 58, 12);
	list = probe_reply_parse(p, 72, 0, 0, &r) ? NULL : probe_reply_tlvs(p, &r);
	result(list && list->n == 2 && list->tlv[0].type == 3 && list->tlv[0].flags == CK_TLV_U &&
		       list->tlv[0].offset == 4 && list->tlv[1].type == 1 && !list->malformed &&
		       list->area_len == 28,
	       "tlv/two", "a TLV and padding listed in order, area kept");
	free(list);

	make_reply(p, 44, false);
	result(!probe_reply_parse(p, 44, 0, 0, &r) && !probe_reply_tlvs(p, &r), "tlv/none",
	       "a 44-octet reply has no TLV area");
}

/* ---- figures of one reply ------------------------------------------------------ */

static void test_figures(void)
{
	struct probe_opts opts = {.ttl = 255, .count = 1};
	struct probe_sent sent = {
		.t1_user_ns = 1000,
		.t1_sw_ns = 1100,
		.t1_hw_ns = 50000,
		.error_estimate = 0x8001, /* S: our clock is synchronized */
	};
	struct probe_run run = {.opts = &opts, .sent = &sent};
	struct probe_rec rec = {
		.reply = {.sender_seq = 0,
			  .t2_ns = 2000,
			  .t3_ns = 2300,
			  .reflector_ee = 0x8001,
			  .has_ttl = true,
			  .sender_ttl = 250},
		.t4_user_ns = 4000,
		.t4_sw_ns = 3900,
		.t4_hw_ns = 52700,
	};
	struct probe_fig f;

	/* Hardware both ways: RTT (52700 - 50000) - (2300 - 2000) = 2400; t1/t4 stay UTC. */
	probe_reply_figures(&run, &rec, &f);
	result(f.rtt_ns == 2400 && f.tx == PROBE_TS_HARDWARE && f.rx == PROBE_TS_HARDWARE &&
		       f.t1_ns == 1100 && f.t4_ns == 3900 && f.residence_ns == 300,
	       "figures/hardware-rtt", "hardware stamps must give the RTT, software ones t1/t4");
	/* Both S bits: forward 2000 - 1100 = 900, backward 3900 - 2300 = 1600. */
	result(f.synchronized && f.forward_ns == 900 && f.backward_ns == 1600, "figures/one-way",
	       "one-way delays from the software (UTC) stamps");
	/* Ses-Sender TTL 250 of our 255: 5 hops. */
	check_u("figures/hops", f.hops, 5);

	/* No hardware stamp on the reply: software both ways, (3900 - 1100) - 300 = 2500. */
	rec.t4_hw_ns = 0;
	probe_reply_figures(&run, &rec, &f);
	result(f.rtt_ns == 2500 && f.tx == PROBE_TS_SOFTWARE && f.rx == PROBE_TS_SOFTWARE,
	       "figures/software-rtt", "without a hardware pair the software stamps are used");

	/* No kernel stamps at all: (4000 - 1000) - 300 = 2700, sources "user". */
	sent.t1_sw_ns = 0;
	rec.t4_sw_ns = 0;
	probe_reply_figures(&run, &rec, &f);
	result(f.rtt_ns == 2700 && f.tx == PROBE_TS_USER && f.rx == PROBE_TS_USER,
	       "figures/user-rtt", "without kernel stamps the user-space ones are used");

	/* The reflector not synchronized: no one-way delays. */
	rec.reply.reflector_ee = 0x0001;
	probe_reply_figures(&run, &rec, &f);
	result(!f.synchronized && f.forward_ns == 0 && f.backward_ns == 0,
	       "figures/reflector-unsynchronized", "one-way delays need the reflector's S bit");
	/* Nor when ours is not. */
	rec.reply.reflector_ee = 0x8001;
	sent.error_estimate = 0x0001;
	probe_reply_figures(&run, &rec, &f);
	result(!f.synchronized, "figures/sender-unsynchronized", "one-way delays need our S bit");

	/* S with a Multiplier of 0 is no valid estimate (RFC 4656): not synchronized. */
	sent.error_estimate = 0x8001;
	rec.reply.reflector_ee = 0x8000;
	probe_reply_figures(&run, &rec, &f);
	result(!f.synchronized, "figures/reflector-multiplier-0",
	       "an Error Estimate with Multiplier 0 must not count as synchronized");

	/* PTP (Z) from a synchronized reflector: comparable only with our TAI offset. */
	sent.error_estimate = 0x8001;
	rec.reply.reflector_ee = 0xc001;
	run.tai_offset_ns = 0;
	probe_reply_figures(&run, &rec, &f);
	result(!f.synchronized && f.forward_ns == 0, "figures/ptp-without-tai-offset",
	       "TAI timestamps against UTC ones without the offset must not give one-way delays");
	run.tai_offset_ns = 37000000000LL;
	probe_reply_figures(&run, &rec, &f);
	result(f.synchronized, "figures/ptp-with-tai-offset",
	       "with the host's TAI offset PTP replies give one-way delays");
	rec.reply.reflector_ee = 0x8001;

	/* A reply without the TTL octet: hops unknown. */
	rec.reply.has_ttl = false;
	probe_reply_figures(&run, &rec, &f);
	result(f.hops == -1, "figures/hops-unknown", "a reply too short for the TTL has no hops");
}

/* ---- the run's figures ----------------------------------------------------------- */

/*
 * A negative RTT is a wrong timestamp, not a delay: flagged, counted and
 * left out of the RTT statistics, jitter and histogram.
 */
static void test_negative_rtt(void)
{
	struct probe_opts opts = {.ttl = 255, .count = 3};
	struct probe_sent sent[3] = {{.t1_sw_ns = 1000}, {.t1_sw_ns = 1000}, {.t1_sw_ns = 1000}};
	/* Residence 100 each: RTTs (3000 - 1000) - 100 = 1900, (1050 - 1000) - 100 = -50, 2100. */
	struct probe_rec recs[3] = {
		{.reply = {.sender_seq = 0, .t2_ns = 2000, .t3_ns = 2100}, .t4_sw_ns = 3000},
		{.reply = {.sender_seq = 1, .t2_ns = 1010, .t3_ns = 1110}, .t4_sw_ns = 1050},
		{.reply = {.sender_seq = 2, .t2_ns = 2000, .t3_ns = 2100}, .t4_sw_ns = 3200},
	};
	struct probe_run run = {.opts = &opts, .sent = sent, .recs = recs, .n_recs = 3};
	struct probe_results res;
	struct probe_fig f;
	size_t i, in_hist = 0;
	uint32_t seq;

	if (probe_book_init(&run.book, 3)) {
		result(false, "negative-rtt/init", "out of memory");
		return;
	}
	for (seq = 0; seq < 3; seq++) {
		probe_book_sent(&run.book, seq);
		probe_book_reply(&run.book, seq);
	}
	probe_reply_figures(&run, &recs[1], &f);
	result(f.negative_rtt && f.rtt_ns == -50, "negative-rtt/flagged",
	       "an RTT of -50 ns must be flagged negative");
	probe_reply_figures(&run, &recs[0], &f);
	result(!f.negative_rtt, "negative-rtt/positive-not-flagged",
	       "an RTT of 1900 ns is not negative");
	if (probe_results_compute(&run, &res)) {
		result(false, "negative-rtt/compute", "probe_results_compute failed");
		probe_book_free(&run.book);
		return;
	}
	for (i = 0; i < res.n_hist; i++)
		in_hist += res.hist[i].count;
	check_u("negative-rtt/counted", res.negative_rtt, 1);
	check_u("negative-rtt/received", res.received, 3);
	check_u("negative-rtt/rtt-n", res.rtt_us.n, 2);
	check_d("negative-rtt/rtt-min", res.rtt_us.min, 1.9);
	check_d("negative-rtt/rtt-max", res.rtt_us.max, 2.1);
	/* Jitter over 1.9 and 2.1 only: |D| = 0.2, J = 0.2 / 16. */
	check_d("negative-rtt/jitter", res.jitter_us, 0.2 / 16);
	check_u("negative-rtt/histogram", in_hist, 2);
	/* Residence is the reflector's own figure: all three replies. */
	check_u("negative-rtt/residence-n", res.residence_us.n, 3);
	probe_book_free(&run.book);
}

/*
 * The continuous mode's ring: 1000 ms between requests and a 2000 ms
 * timeout need 2000 / 1000 + 3 = 5 slots, so the ring has its minimum,
 * 64.  Numbers past 2^32 keep their slots (the wire carries the low 32
 * bits); a reply for a number that left the ring is unknown, one after
 * the timeout is late, a second one a duplicate.
 */
static void test_monitor(void)
{
	const int64_t sec = 1000000000LL, timeout = 2 * sec;
	struct probe_monitor m;
	struct probe_slot *s;
	struct probe_fig f = {.rtt_ns = 50000, .residence_ns = 1000};
	uint64_t i, base = (1ULL << 32) - 2; /* 2^32 - 2, 2^32 - 1, 2^32, 2^32 + 1 */

	if (probe_monitor_init(&m, 1000, 2000)) {
		result(false, "monitor/init", "out of memory");
		return;
	}
	check_u("monitor/ring-size", m.size, 64);
	m.next = m.oldest = base;
	for (i = 0; i < 4; i++) {
		s = probe_monitor_claim(&m, (int64_t)i * sec);
		probe_monitor_sent(&m, s);
	}
	/* 2^32 + 1 is 1 on the wire; 2^32 - 1 is 0xffffffff. */
	check_u("monitor/wrap-first", probe_monitor_reply(&m, 1), PROBE_SEQ_FIRST);
	check_u("monitor/wrap-slot", probe_monitor_slot(&m, 1)->seq, (1ULL << 32) + 1);
	check_u("monitor/before-wrap", probe_monitor_reply(&m, 0xffffffffU), PROBE_SEQ_FIRST);
	check_u("monitor/reordered", m.totals.c.reordered, 1);
	check_u("monitor/duplicate", probe_monitor_reply(&m, 1), PROBE_SEQ_DUPLICATE);
	check_u("monitor/never-sent", probe_monitor_reply(&m, 7), PROBE_SEQ_UNKNOWN);
	check_u("monitor/unknown", m.totals.c.unknown, 1);
	probe_monitor_add(&m, &f);
	/* At 3.5 s the first (sent at 0 s) and 2^32 (at 2 s: 1.5 s old) wait; the first is lost. */
	probe_monitor_expire(&m, 3 * sec + sec / 2, timeout);
	check_u("monitor/lost", m.totals.c.lost, 1);
	check_u("monitor/in-flight", probe_monitor_in_flight(&m), 1);
	check_u("monitor/next-expiry", (uint64_t)probe_monitor_next_expiry(&m, timeout),
		(uint64_t)(4 * sec));
	check_u("monitor/late", probe_monitor_reply(&m, 0xfffffffeU), PROBE_SEQ_UNKNOWN);
	check_u("monitor/late-count", m.totals.c.late, 1);
	check_u("monitor/received", m.totals.c.received, 2);
	check_u("monitor/period-sent", m.period.c.sent, 4);
	probe_monitor_new_period(&m, 0);
	check_u("monitor/period-reset", m.period.c.sent + m.period.n, 0);
	check_u("monitor/totals-kept", m.totals.c.sent, 4);
	check_d("monitor/rtt-running", m.totals.rtt_us.sum, 50);
	/* 64 requests later the slot of 2^32 - 2 holds another: its number is unknown. */
	for (i = 0; i < 64; i++)
		probe_monitor_sent(&m, probe_monitor_claim(&m, 4 * sec + (int64_t)i * sec));
	check_u("monitor/reused-slot", probe_monitor_slot(&m, 0xfffffffeU) == NULL, 1);
	/* 2^32 was still waiting when its slot was taken: lost then. */
	check_u("monitor/lost-on-reuse", m.totals.c.lost, 2);
	check_u("monitor/in-flight-64", probe_monitor_in_flight(&m), 64);
	probe_monitor_free(&m);
}

/*
 * The two modes' JSON summaries (-j) begin alike: the counted one's first
 * keys, and the continuous one's after "type", are host, address, port,
 * source, sport, ssid, timestamp, size, in that order, each with the value
 * the run was set up with here.
 */
static const char *const summary_head[] = {"host",  "address", "port",	    "source",
					   "sport", "ssid",    "timestamp", "size"};

/* The JSON summaries printed by @summary on stdout, caught: the first line parsed. */
static struct json_object *catch_summary(void (*summary)(const struct probe_run *),
					 const struct probe_run *run)
{
	char line[8192];
	FILE *tmp = tmpfile();
	int saved = dup(STDOUT_FILENO);
	struct json_object *obj = NULL;

	fflush(stdout);
	dup2(fileno(tmp), STDOUT_FILENO);
	json_output = true;
	summary(run);
	json_output = false;
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	rewind(tmp);
	if (fgets(line, sizeof(line), tmp))
		obj = json_tokener_parse(line);
	fclose(tmp);
	return obj;
}

static const struct probe_results *no_results;

static void counted_summary(const struct probe_run *run)
{
	probe_report_summary(run, no_results);
}

/* @obj's keys from the @skip'th on are summary_head's, with the values set below. */
static bool has_summary_head(struct json_object *obj, size_t skip)
{
	static const char *const want[] = {"\"r.example\"", "\"198.18.0.2\"",
					   "862",	    "\"198.18.0.1\"",
					   "4242",	    "77",
					   "\"ptp\"",	    "100"};
	size_t i = 0, n = 0;

	if (!obj)
		return false;
	json_object_object_foreach(obj, key, val)
	{
		if (i >= skip && n < 8) {
			if (strcmp(key, summary_head[n]) ||
			    strcmp(json_object_to_json_string(val), want[n]))
				return false;
			n++;
		}
		i++;
	}
	return n == 8;
}

static void test_summary_heads(void)
{
	struct probe_opts o = {.host = "r.example",
			       .port = 862,
			       .count = 3,
			       .interval_ms = 10,
			       .size = 100,
			       .ssid = 77,
			       .ttl = 64,
			       .ptp = true,
			       .timeout_ms = 500};
	struct probe_run run = {.opts = &o};
	struct probe_results res;
	struct probe_monitor m;
	struct json_object *counted, *continuous;

	memset(&res, 0, sizeof(res));
	no_results = &res;
	snprintf(run.sock.address, sizeof(run.sock.address), "198.18.0.2");
	snprintf(run.sock.source, sizeof(run.sock.source), "198.18.0.1");
	run.sock.sport = 4242;
	if (probe_book_init(&run.book, o.count) || probe_monitor_init(&m, 10, 500)) {
		result(false, "summary-head/init", "out of memory");
		return;
	}
	counted = catch_summary(counted_summary, &run);
	run.mon = &m;
	continuous = catch_summary(probe_report_monitor_summary, &run);
	result(has_summary_head(counted, 0), "summary-head/counted",
	       "the counted summary does not begin host, address, port, source, sport, ssid,"
	       " timestamp, size as set");
	result(has_summary_head(continuous, 1), "summary-head/continuous",
	       "the continuous summary does not go on, after \"type\", with host, address,"
	       " port, source, sport, ssid, timestamp, size as set");
	json_object_put(counted);
	json_object_put(continuous);
	probe_monitor_free(&m);
	probe_book_free(&run.book);
}

/*
 * Authenticated mode with TLVs (RFC 8972 4.8): the request's HMAC TLV over
 * its Sequence Number and TLVs, and a reply's checked, against OpenSSL's
 * HMAC; a changed TLV is refused, one the reflector marked I is taken, a
 * reply without the HMAC TLV is refused.  Offsets written out from RFC
 * 8762 4.2.2 (base 112, HMAC at 96).
 */
static void test_auth_hmac_tlv(void)
{
	static const uint8_t k[] = "probe unit key";
	uint8_t plain[52] = {0}, pkt[256], buf[256], md[EVP_MAX_MD_SIZE], text[12];
	struct hmac_sha256_states key;
	unsigned int mdlen = 0;
	size_t n, len;

	hmac_sha256_states(k, sizeof(k) - 1, &key);
	ck_put32(plain, 0x01020304);
	ck_put16(plain + 12, 0x8001);
	ck_put16(plain + 14, 0x4242);
	pb_tlv(plain + 44, 0x80, 3, 4, 0);
	n = probe_auth_request_tlvs(plain, sizeof(plain), &key, pkt, sizeof(pkt));
	result(n == 140, "auth-tlv/request-length", "not 112 + 8 + 20 octets");
	HMAC(EVP_sha256(), k, sizeof(k) - 1, pkt, 96, md, &mdlen);
	result(!memcmp(pkt + 96, md, 16), "auth-tlv/request-base-hmac", "not OpenSSL's");
	memcpy(text, pkt, 4);
	memcpy(text + 4, plain + 44, 8);
	HMAC(EVP_sha256(), k, sizeof(k) - 1, text, sizeof(text), md, &mdlen);
	result(!memcmp(pkt + 112, plain + 44, 8) && pkt[120] == 0x80 && pkt[121] == 8 &&
		       ck_get16(pkt + 122) == 16 && !memcmp(pkt + 124, md, 16),
	       "auth-tlv/request-hmac-tlv", "the TLVs or the HMAC TLV are not as RFC 8972 4.8");

	memcpy(buf, pkt, n);
	len = n;
	result(probe_auth_reply(buf, &len, &key) == PROBE_AUTH_OK && len == 72 &&
		       !memcmp(buf + 44, pkt + 112, 28),
	       "auth-tlv/reply-ok", "a signed reply with TLVs not taken as 44 + 28 octets");
	memcpy(buf, pkt, n);
	len = n;
	buf[116] ^= 1;
	result(probe_auth_reply(buf, &len, &key) == PROBE_AUTH_BAD_HMAC_TLV,
	       "auth-tlv/reply-changed-tlv", "a changed TLV taken");
	memcpy(buf, pkt, n);
	len = n;
	buf[116] ^= 1;
	buf[120] |= 0x20; /* I: the reflector could not verify ours */
	result(probe_auth_reply(buf, &len, &key) == PROBE_AUTH_OK, "auth-tlv/reply-i-taken",
	       "a reply whose HMAC TLV says I refused");
	memcpy(buf, pkt, n);
	len = 120;
	result(probe_auth_reply(buf, &len, &key) == PROBE_AUTH_BAD_HMAC_TLV,
	       "auth-tlv/reply-no-hmac-tlv", "TLVs without an HMAC TLV taken");
}

/* OpenSSL's HMAC-SHA-256 of @seq (4 octets) then @n octets at @text: the HMAC TLV's (RFC 8972 4.8). */
static void openssl_hmac_tlv(const uint8_t *k, size_t klen, const uint8_t *seq, const uint8_t *text,
			     size_t n, uint8_t md[EVP_MAX_MD_SIZE])
{
	uint8_t msg[256];
	unsigned int mdlen = 0;

	memcpy(msg, seq, 4);
	memcpy(msg + 4, text, n);
	HMAC(EVP_sha256(), k, (int)klen, msg, 4 + n, md, &mdlen);
}

/*
 * Unauthenticated mode with an HMAC TLV (hmac-key): the request's HMAC TLV
 * after its TLVs and before the padding, over its Sequence Number and the
 * TLVs, against OpenSSL's HMAC; a reply's checked the same way over the
 * reply's own Sequence Number and TLVs, the padding after it not covered.
 * Offsets written out from RFC 8762 4.2.1 and 4.3.1 (base 44).
 */
static void test_hmac_tlv_unauth(void)
{
	static const uint8_t k[] = "unauthenticated port key";
	static const uint8_t ts_info[4] = {0};
	const struct probe_tlv tlvs[] = {
		{.type = 3, .length = 4, .value = ts_info},
		{.type = 8, .length = 16},
	};
	struct probe_request req = {
		.seq = 0x0a0b0c0d, .ssid = 0x4242, .size = 84, .tlvs = tlvs, .n_tlvs = 2};
	uint8_t pkt[128], buf[128], md[EVP_MAX_MD_SIZE];
	struct hmac_sha256_states key, other;
	int len;

	hmac_sha256_states(k, sizeof(k) - 1, &key);
	hmac_sha256_states((const uint8_t *)"another key", 11, &other);
	len = probe_request_build(&req, pkt, sizeof(pkt));
	/* 44, timestamp-info 8 (44-51), HMAC TLV 20 (52-71), Extra Padding 12 (72-83). */
	probe_hmac_tlv_sign(pkt, 52, &key);
	openssl_hmac_tlv(k, sizeof(k) - 1, pkt, pkt + 44, 8, md);
	result(len == 84 && pkt[52] == 0x80 && pkt[53] == 8 && ck_get16(pkt + 54) == 16 &&
		       !memcmp(pkt + 56, md, 16) && pkt[44] == 0x80 && pkt[72] == 0x80 &&
		       pkt[73] == 1 && ck_get16(pkt + 74) == 8,
	       "hmac-tlv/request",
	       "not TLVs, the HMAC TLV over the Sequence Number and them"
	       " (OpenSSL's), then the padding");

	/* A reply: its own Sequence Number, TLVs answered (Flags 0), its own HMAC. */
	make_reply(buf, 84, false);
	memcpy(buf + 44, pkt + 44, 40);
	buf[44] = buf[52] = buf[72] = 0;
	buf[46 + 2] = 0x11; /* timestamp-info filled in */
	openssl_hmac_tlv(k, sizeof(k) - 1, buf, buf + 44, 8, md);
	memcpy(buf + 56, md, 16);
	result(probe_hmac_tlv_reply(buf, 84, &key) == PROBE_AUTH_OK, "hmac-tlv/reply-ok",
	       "a reply with OpenSSL's HMAC TLV refused");
	result(probe_hmac_tlv_reply(buf, 84, &other) == PROBE_AUTH_BAD_HMAC_TLV,
	       "hmac-tlv/reply-other-key", "verified with another key");
	buf[80] ^= 0xff; /* the padding after it is not covered */
	result(probe_hmac_tlv_reply(buf, 84, &key) == PROBE_AUTH_OK, "hmac-tlv/reply-padding-after",
	       "a change in the padding after the HMAC TLV refused");
	buf[3] ^= 1; /* the Sequence Number is */
	result(probe_hmac_tlv_reply(buf, 84, &key) == PROBE_AUTH_BAD_HMAC_TLV,
	       "hmac-tlv/reply-changed-seq", "a changed Sequence Number taken");
	buf[3] ^= 1;
	buf[47] ^= 1; /* and each TLV before it, headers too */
	result(probe_hmac_tlv_reply(buf, 84, &key) == PROBE_AUTH_BAD_HMAC_TLV,
	       "hmac-tlv/reply-changed-tlv", "a changed TLV taken");
	buf[44] = 0x80;
	buf[47] ^= 1;
	result(probe_hmac_tlv_reply(buf, 84, &key) == PROBE_AUTH_BAD_HMAC_TLV,
	       "hmac-tlv/reply-changed-flags", "a changed Flags octet taken");
	buf[52] = 0x20; /* I: the reflector could not verify ours; the TLVs say so */
	result(probe_hmac_tlv_reply(buf, 84, &key) == PROBE_AUTH_OK, "hmac-tlv/reply-i-taken",
	       "a reply whose HMAC TLV says I refused");
	buf[44] = buf[52] = 0;
	ck_put16(buf + 54, 12);
	result(probe_hmac_tlv_reply(buf, 84, &key) == PROBE_AUTH_BAD_HMAC_TLV,
	       "hmac-tlv/reply-length-12", "an HMAC TLV of Length 12 taken");
	ck_put16(buf + 54, 16);
	result(probe_hmac_tlv_reply(buf, 52, &key) == PROBE_AUTH_BAD_HMAC_TLV,
	       "hmac-tlv/reply-no-hmac-tlv", "TLVs without an HMAC TLV taken");
	result(probe_hmac_tlv_reply(buf, 44, &key) == PROBE_AUTH_OK &&
		       probe_hmac_tlv_reply(buf, 41, &key) == PROBE_AUTH_OK,
	       "hmac-tlv/reply-without-tlvs", "a reply without TLVs has nothing to verify");
	ck_put16(buf + 46, 200); /* a Length past the packet: the HMAC TLV is not reached */
	result(probe_hmac_tlv_reply(buf, 84, &key) == PROBE_AUTH_BAD_HMAC_TLV,
	       "hmac-tlv/reply-malformed", "TLVs that cannot be walked to the HMAC TLV taken");
}

int main(void)
{
	test_percentiles();
	test_summary();
	test_jitter();
	test_histogram();
	test_book();
	test_direction_loss();
	test_looks_stateless();
	test_seconds_to_ms();
	test_request();
	test_reply_lengths();
	test_ntp_era();
	test_tlv_walk();
	test_figures();
	test_negative_rtt();
	test_monitor();
	test_summary_heads();
	test_auth_hmac_tlv();
	test_hmac_tlv_unauth();
	return th_exit();
}
