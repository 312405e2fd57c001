// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* TWAMP-Light: short requests get the full 44-octet reply, up to a full buffer. */
#include "xdp_test.h"

struct twl_case {
	int ipv;
	size_t plen;
	size_t pad_to; /* Ethernet padding with non-zero junk up to this length */
	enum pb_csum csum;
};

/* A sender packet of plen octets (the first plen of the standard one). */
static void t_twl(struct env *e, struct tc *t, const void *arg)
{
	const struct twl_case *tw = arg;
	static struct run r;
	uint8_t pl[CK_BASE_LEN];
	struct pb_spec s;
	struct pb_frame f;
	size_t grow = CK_BASE_LEN - tw->plen;

	sender(pl, DEFAULT_SEQ, SSID);
	spec_std(&s, tw->ipv, pl, tw->plen);
	s.pad_to = tw->pad_to;
	s.pad_byte = PAD_JUNK;
	s.csum = tw->csum;
	build(&f, &s);
	run_frame(e, f.b, f.len, &r);
	check_reply(t, e, &f, &r, &plain);
	if (r.err || r.out_len < f.pl)
		return;
	/* The same, said plainly for the FAIL line. */
	CHECK(t, ck_get16(r.out + f.l4 + 4) == 8 + CK_BASE_LEN, "UDP Length %u, expected 52",
	      ck_get16(r.out + f.l4 + 4));
	if (tw->ipv == 4)
		CHECK(t, ck_get16(r.out + f.l3 + 2) == f.ip_end - f.l3 + grow,
		      "IPv4 Total Length %u, expected %zu", ck_get16(r.out + f.l3 + 2),
		      f.ip_end - f.l3 + grow);
	else
		CHECK(t, ck_get16(r.out + f.l3 + 4) == f.ip_end - f.l3 - 40 + grow,
		      "IPv6 Payload Length %u, expected %zu", ck_get16(r.out + f.l3 + 4),
		      f.ip_end - f.l3 - 40 + grow);
}

/*
 * A TWAMP-Light frame whose Ethernet trailer fills the buffer of a test run
 * (a page less head- and tailroom), at every size around that limit: where
 * the tail cannot grow, the reply must still be right (the program then
 * grows the frame at the front, which keeps the trailer after the
 * datagram); a frame it cannot grow is passed unchanged as no_tailroom.
 * Which way each size went is told apart by the reply's last octet (tail
 * growth appends zeros, the trailer is junk).
 */
struct fullbuf_case {
	int ipv, nvlan, next;
	uint8_t dstopt_len8; /* a destination options header this long (8-octet units) */
	bool refusal;	     /* headers too long to move: some size must be refused */
};

#define FULLBUF_MIN 3400
#define FULLBUF_MAX 3600

/* Whether BPF_PROG_TEST_RUN takes a frame of @len octets that is no test packet (zeros). */
static bool kernel_runs_frame(struct env *e, size_t len)
{
	static uint8_t zeros[PB_MAX_FRAME], out[PB_MAX_FRAME];
	uint32_t out_len, retval;

	return !run_bare(e, zeros, len, out, sizeof(out), &out_len, &retval);
}

static void t_twl_full_buffer(struct env *e, struct tc *t, const void *arg)
{
	const struct fullbuf_case *fc = arg;
	static struct run r;
	static struct pb_frame f;
	uint8_t pl[CK_BASE_LEN];
	struct pb_spec s;
	size_t size, plen = 14, grow = CK_BASE_LEN - 14;
	int tail = 0, front = 0, refused = 0;

	sender(pl, DEFAULT_SEQ, SSID);
	spec_std(&s, fc->ipv, pl, plen);
	set_vlans(&s, fc->nvlan);
	if (fc->next)
		set_ext_chain(&s, fc->next);
	if (fc->dstopt_len8) {
		s.ext[s.next].type = PB_IP_DSTOPT;
		s.ext[s.next++].len8 = fc->dstopt_len8;
	}
	s.pad_byte = PAD_JUNK;
	for (size = FULLBUF_MIN; size <= FULLBUF_MAX && !t->nfail; size++) {
		struct tc one = {.name = t->name};

		s.pad_to = size;
		build(&f, &s);
		run_frame(e, f.b, f.len, &r);
		/*
		 * Kernels before 5.18 run no frame larger than the page less
		 * head- and tailroom (3520 octets here): the range ends there.
		 */
		if (r.err == -EMSGSIZE && size > FULLBUF_MIN && !kernel_runs_frame(e, f.len)) {
			note("%s: this kernel runs frames of up to %zu octets", t->name, size - 1);
			break;
		}
		if (!r.err && r.retval == XDP_RET_PASS) {
			check_passed(&one, f.b, f.len, &r, STAMPEDE_CNT_no_tailroom);
			refused++;
		} else {
			check_reply(&one, e, &f, &r, &plain);
			if (r.out_len == size + grow && r.out[r.out_len - 1] == PAD_JUNK)
				front++;
			else
				tail++;
		}
		if (one.nfail)
			failf(t, "%zu-octet frame: %s", size, one.why);
	}
	note("%s: %d..%d octets: %d grown at the tail, %d at the front, %d refused", t->name,
	     FULLBUF_MIN, FULLBUF_MAX, tail, front, refused);
	/* tc grows an skb at the tail whatever its size (reallocated if need be). */
	if (e->tc)
		CHECK(t, tail > 0 && !front && !refused,
		      "tc: %d..%d octets: %d grown at the tail, %d at the front, %d refused;"
		      " expected every one grown at the tail",
		      FULLBUF_MIN, FULLBUF_MAX, tail, front, refused);
	else if (fc->refusal)
		CHECK(t, refused > 0,
		      "no frame of %d..%d octets (headers %zu octets) was refused as no_tailroom",
		      FULLBUF_MIN, FULLBUF_MAX, f.l4 + 8);
	else
		CHECK(t, front > 0 && !refused,
		      "%d..%d octets: %d grown at the front, %d refused; expected some grown at "
		      "the front and none refused",
		      FULLBUF_MIN, FULLBUF_MAX, front, refused);
}

static const struct test tests[] = {
	/* TWAMP-Light */
	TWL(v4_twamp_light_14, CFG_NTP, 4, 14, 0, PB_CSUM_VALID),
	TWL(v4_twamp_light_15, CFG_NTP, 4, 15, 0, PB_CSUM_VALID),
	TWL(v4_twamp_light_16, CFG_NTP, 4, 16, 0, PB_CSUM_VALID),
	TWL(v4_twamp_light_40, CFG_NTP, 4, 40, 0, PB_CSUM_VALID),
	TWL(v4_twamp_light_43, CFG_NTP, 4, 43, 0, PB_CSUM_VALID),
	TWL(v6_twamp_light_14, CFG_NTP, 6, 14, 0, PB_CSUM_VALID),
	TWL(v6_twamp_light_15, CFG_NTP, 6, 15, 0, PB_CSUM_VALID),
	TWL(v6_twamp_light_16, CFG_NTP, 6, 16, 0, PB_CSUM_VALID),
	TWL(v6_twamp_light_40, CFG_NTP, 6, 40, 0, PB_CSUM_VALID),
	TWL(v6_twamp_light_43, CFG_NTP, 6, 43, 0, PB_CSUM_VALID),
	TWL(v4_twamp_light_14_padded60_junk, CFG_NTP, 4, 14, 60, PB_CSUM_VALID),
	TWL(v4_twamp_light_15_padded60_junk, CFG_NTP, 4, 15, 60, PB_CSUM_VALID),
	TWL(v4_twamp_light_16_padded60_junk, CFG_NTP, 4, 16, 60, PB_CSUM_VALID),
	TWL(v4_twamp_light_14_padded60_csum0, CFG_NTP, 4, 14, 60, PB_CSUM_ZERO),
	{"v4_twamp_light_full_buffer", CFG_NTP, t_twl_full_buffer,
	 ARG(struct fullbuf_case, 4, 0, 0, 0, false)},
	{"v6_vlan2_ext4_twamp_light_full_buffer", CFG_NTP, t_twl_full_buffer,
	 ARG(struct fullbuf_case, 6, 2, 4, 0, false)},
	{"v6_long_headers_full_buffer_no_tailroom", CFG_NTP, t_twl_full_buffer,
	 ARG(struct fullbuf_case, 6, 0, 0, 100, true)},
	TWL(ptp_v4_twamp_light_14, CFG_PTP, 4, 14, 0, PB_CSUM_VALID),
	TWL(t3_read_twamp_light_v4_15, CFG_T3READ, 4, 15, 0, PB_CSUM_VALID),
};

const struct xdp_rule xdp_rule_twamp_light = {"twamp_light", tests, ARRAY_SIZE(tests)};
