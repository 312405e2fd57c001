// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Junk and other traffic: random frames, random TLV chains, DNS, NTP, LLDP, ARP; accounting. */
#include "xdp_test.h"

/* The frames of a batch: each passed unchanged with exactly one pass reason;
 * over the batch the outcome counters moved by the number of frames. */
static void check_batch(struct env *e, struct tc *t, struct pb_frame *frames, const int *expect,
			int n)
{
	uint64_t before[NCNT], after[NCNT], total = 0;
	static struct run r;
	int i, k, moved, refused = 0;

	if (!CHECK(t, !stats_read(e, before), "reading stats failed"))
		return;
	for (i = 0; i < n; i++) {
		run_frame(e, frames[i].b, frames[i].len, &r);
		if (tc_run_refused(e, &frames[i].b[0], frames[i].len, &r)) {
			refused++;
			continue;
		}
		if (!check_ran(t, &r))
			return;
		if (expect) {
			struct tc one = {.name = t->name};

			check_passed(&one, frames[i].b, frames[i].len, &r, expect[i]);
			if (one.nfail)
				failf(t, "frame %d (%zu octets): %s", i, frames[i].len, one.why);
			continue;
		}
		CHECK(t, r.retval == XDP_RET_PASS, "frame %d (%zu octets): retval %u", i,
		      frames[i].len, r.retval);
		CHECK(t, r.out_len == frames[i].len && !memcmp(r.out, frames[i].b, r.out_len),
		      "frame %d (%zu octets) changed", i, frames[i].len);
		for (k = 0, moved = 0; k < NCNT; k++) {
			if (!r.delta[k])
				continue;
			moved++;
			CHECK(t, cnt_class[k] == STAMPEDE_CLASS_PASS && r.delta[k] == 1,
			      "frame %d (%zu octets): counter %s moved by %llu", i, frames[i].len,
			      cnt_name[k], (unsigned long long)r.delta[k]);
		}
		CHECK(t, moved == 1, "frame %d (%zu octets): %d counters moved, expected 1", i,
		      frames[i].len, moved);
	}
	if (!CHECK(t, !stats_read(e, after), "reading stats failed"))
		return;
	for (k = 0; k < NCNT; k++)
		if (cnt_class[k] != STAMPEDE_CLASS_EVENT)
			total += after[k] - before[k];
	if (refused)
		note("%s: %d of %d frames not run: the kernel's tc test run refuses an IP header"
		     " cut short",
		     t->name, refused, n);
	CHECK(t, refused < n / 4, "%d of %d frames refused by the test run", refused, n);
	CHECK(t, total == (uint64_t)(n - refused),
	      "outcome counters (reflected + passed + dropped) moved by %llu for %d frames",
	      (unsigned long long)total, n - refused);
}

#define N_JUNK 400
static struct pb_frame junk[N_JUNK];

/* Random frames of 14 to 200 octets; a third claim IPv4, a third IPv6. */
static void t_junk(struct env *e, struct tc *t, __maybe_unused const void *arg)
{
	uint64_t seed = 0x5eed5eed12345678ULL;
	size_t j;
	int i;

	for (i = 0; i < N_JUNK; i++) {
		struct pb_frame *f = &junk[i];

		f->len = 14 + pb_rand(&seed) % (200 - 14 + 1);
		for (j = 0; j < f->len; j++)
			f->b[j] = (uint8_t)(pb_rand(&seed) >> 56);
		if (i % 3 == 1) {
			ck_put16(f->b + 12, PB_ETH_IPV4);
			if (f->len > 14)
				f->b[14] = (uint8_t)(0x40 | (f->b[14] & 0x0f));
		} else if (i % 3 == 2) {
			ck_put16(f->b + 12, PB_ETH_IPV6);
			if (f->len > 14)
				f->b[14] = (uint8_t)(0x60 | (f->b[14] & 0x0f));
		}
	}
	check_batch(e, t, junk, NULL, N_JUNK);
}

/*
 * Hostile TLV areas: random chains of the types answered here (and a few
 * others), random Lengths that often do not fit, random Values.  Whatever
 * the program does, it must finish; a reply must verify (IPv4 header and
 * UDP checksums, recomputed here) and say its own length right, and no
 * frame may be dropped as internal.
 */
#define N_TLV_FUZZ 3000

static void t_tlv_fuzz(struct env *e, struct tc *t, __maybe_unused const void *arg)
{
	static const uint8_t types[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0, 200, 255};
	uint64_t seed = 0x715e7f00d0c0ffeeULL;
	static struct pb_frame f;
	static struct run r;
	struct pb_spec s;
	size_t n, j, len, udp_out;
	int i, k, tx = 0, bad = 0;

	for (i = 0; i < N_TLV_FUZZ && !bad; i++) {
		tb_init(&tb);
		n = tb.n;
		for (k = 0; k < 1 + (int)(pb_rand(&seed) % 6); k++) {
			len = pb_rand(&seed) % 4 ? pb_rand(&seed) % 24 : pb_rand(&seed) % 300;
			if (n + 4 + len > 600)
				break;
			tb.pl[n] = (uint8_t)(pb_rand(&seed) >> 56);
			tb.pl[n + 1] = types[pb_rand(&seed) % sizeof(types)];
			/* now and then a Length that runs past the end */
			ck_put16(tb.pl + n + 2, (uint16_t)(pb_rand(&seed) % 8 ? len : len + 50));
			for (j = 0; j < len; j++)
				tb.pl[n + 4 + j] = (uint8_t)(pb_rand(&seed) >> 56);
			/* sub-TLV-looking Values for Location and Return Path */
			if (len >= 8 && (tb.pl[n + 1] == 2 || tb.pl[n + 1] == 10))
				ck_put16(tb.pl + n + 4 + (tb.pl[n + 1] == 2 ? 6 : 2),
					 (uint16_t)(pb_rand(&seed) % 24));
			n += 4 + len;
		}
		n += pb_rand(&seed) % 4; /* a stray tail now and then */
		spec_std(&s, i & 1 ? 6 : 4, tb.pl, n);
		build(&f, &s);
		run_frame(e, f.b, f.len, &r);
		if (!check_ran(t, &r))
			return;
		bad |= !CHECK(t, !r.delta[STAMPEDE_CNT_internal], "frame %d: dropped as internal",
			      i);
		if (r.retval != XDP_RET_TX) {
			bad |= !CHECK(t, r.retval == XDP_RET_PASS || r.retval == 1,
				      "frame %d: retval %u", i, r.retval);
			continue;
		}
		tx++;
		udp_out = ck_get16(r.out + f.l4 + 4);
		bad |= !CHECK(t, f.l4 + udp_out == r.out_len,
			      "frame %d: UDP Length %zu does not end the %u-octet reply", i,
			      udp_out, r.out_len);
		if (!bad)
			check_csums(t, &f, &r, udp_out - ck_get16(f.b + f.l4 + 4));
		bad |= t->nfail > 0;
	}
	CHECK(t, tx > N_TLV_FUZZ / 2, "only %d of %d answered", tx, N_TLV_FUZZ);
	if (!bad)
		note("%s: %d hostile TLV areas, %d answered, every reply verified", t->name,
		     N_TLV_FUZZ, tx);
}

static void udp_frame(struct pb_frame *f, int ipv, uint16_t sport, uint16_t dport, size_t len)
{
	uint8_t pl[64];
	struct pb_spec s;

	memset(pl, 0x21, sizeof(pl));
	spec_std(&s, ipv, pl, len);
	s.sport = sport;
	s.dport = dport;
	build(f, &s);
}

/* mDNS: to 224.0.0.251 and its multicast MAC. */
static void mdns_query(struct pb_frame *f)
{
	const uint8_t mac[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb};
	uint8_t pl[40];
	struct pb_spec s;

	memset(pl, 0, sizeof(pl));
	spec_std(&s, 4, pl, sizeof(pl));
	memcpy(s.dmac, mac, 6);
	pb_v4(s.dst, 224, 0, 0, 251);
	s.sport = 5353;
	s.dport = 5353;
	s.ttl = 255;
	build(f, &s);
}

static void mk_arp_vlan(struct pb_frame *f)
{
	arp_request(f, 1);
}

static void mk_lldp(struct pb_frame *f)
{
	const uint8_t dmac[6] = {0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e};
	const uint8_t chassis_id[9] = {0x02, 0x07, 0x04, 0x02, 0x00, 0x5e, 0x10, 0x00, 0x07};

	memset(f, 0, sizeof(*f));
	memcpy(f->b, dmac, 6);
	memcpy(f->b + 6, mac_peer, 6);
	ck_put16(f->b + 12, 0x88cc);
	memcpy(f->b + 14, chassis_id, sizeof(chassis_id));
	f->len = 60;
}

static void mk_v4_dns(struct pb_frame *f)
{
	udp_frame(f, 4, 5353, 53, 30);
}

static void mk_v6_dns(struct pb_frame *f)
{
	udp_frame(f, 6, 5353, 53, 30);
}

static void mk_v4_ntp(struct pb_frame *f)
{
	udp_frame(f, 4, 123, 123, 48);
}

/* A STAMP reply coming back to a Session-Sender on this host. */
static void mk_v4_stamp_reply(struct pb_frame *f)
{
	udp_frame(f, 4, STAMP_PORT, SENDER_PORT, CK_BASE_LEN);
}

static void mk_v6_stamp_reply(struct pb_frame *f)
{
	udp_frame(f, 6, STAMP_PORT, SENDER_PORT, CK_BASE_LEN);
}

/* Ordinary traffic a host sees, none of it for the reflector. */
static const struct pass_case other_traffic[] = {
	{mk_arp, STAMPEDE_CNT_not_ip},
	{mk_arp_vlan, STAMPEDE_CNT_not_ip},
	{mk_lldp, STAMPEDE_CNT_not_ip},
	{mk_v4_dns, STAMPEDE_CNT_not_stamp},
	{mk_v6_dns, STAMPEDE_CNT_not_stamp},
	{mk_v4_ntp, STAMPEDE_CNT_not_stamp},
	{mk_v4_stamp_reply, STAMPEDE_CNT_not_stamp},
	{mk_v6_stamp_reply, STAMPEDE_CNT_not_stamp},
	{mdns_query, STAMPEDE_CNT_not_stamp},
	{mk_v4_tcp, STAMPEDE_CNT_not_udp},
	{mk_v4_icmp, STAMPEDE_CNT_not_udp},
	{mk_v6_icmpv6, STAMPEDE_CNT_not_udp},
};

static void t_other_traffic(struct env *e, struct tc *t, __maybe_unused const void *arg)
{
	static struct pb_frame fr[ARRAY_SIZE(other_traffic)];
	int expect[ARRAY_SIZE(other_traffic)];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(other_traffic); i++) {
		other_traffic[i].mk(&fr[i]);
		expect[i] = other_traffic[i].counter;
	}
	check_batch(e, t, fr, expect, (int)ARRAY_SIZE(other_traffic));
}

/* Since the load, the outcome counters add up to the frames run. */
static void t_accounting(struct env *e, struct tc *t, __maybe_unused const void *arg)
{
	uint64_t now[NCNT], total = 0;
	int k;

	if (!CHECK(t, !stats_read(e, now), "reading stats failed"))
		return;
	for (k = 0; k < NCNT; k++)
		if (cnt_class[k] != STAMPEDE_CLASS_EVENT)
			total += now[k];
	CHECK(t, total == e->frames,
	      "%llu frames run since the load, outcome counters sum to %llu (reflected %llu)",
	      (unsigned long long)e->frames, (unsigned long long)total,
	      (unsigned long long)now[STAMPEDE_CNT_reflected]);
	CHECK(t, now[STAMPEDE_CNT_internal] == 0, "internal is %llu",
	      (unsigned long long)now[STAMPEDE_CNT_internal]);
}

static const struct test tests[] = {
	/* junk and other traffic */
	{"junk_random_frames_passed", CFG_NTP, t_junk, NULL},
	{"tlv_fuzz_replies_verify", CFG_NTP, t_tlv_fuzz, NULL},
	{"tlv_fuzz_replies_verify_options", CFG_TLV, t_tlv_fuzz, NULL},
	{"other_traffic_passed", CFG_NTP, t_other_traffic, NULL},
	{"received_accounting_ntp", CFG_NTP, t_accounting, NULL},
	{"received_accounting_stateful", CFG_STATEFUL, t_accounting, NULL},
};

const struct xdp_rule xdp_rule_other_traffic = {"other_traffic", tests, ARRAY_SIZE(tests)};
