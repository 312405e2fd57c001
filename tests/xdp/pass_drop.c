// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Pass and drop reasons: every frame the reflector must not answer, and its counter. */
#include "xdp_test.h"

static void t_pass(struct env *e, struct tc *t, const void *arg)
{
	const struct pass_case *pc = arg;
	static struct pb_frame f;

	pc->mk(&f);
	pass_check(e, t, &f, pc->counter);
}

static void mk_vlan3(struct pb_frame *f)
{
	struct pb_spec s;

	STD_SPEC(s, 4);
	set_vlans(&s, 3);
	build(f, &s);
}

/* A VLAN tag cut off after its TCI. */
static void mk_vlan_cut(struct pb_frame *f)
{
	memset(f, 0, sizeof(*f));
	memcpy(f->b, mac_us, 6);
	memcpy(f->b + 6, mac_peer, 6);
	ck_put16(f->b + 12, PB_ETH_VLAN);
	ck_put16(f->b + 14, 0x0064);
	f->len = 16;
}

static void std_frame(struct pb_frame *f, int ipv)
{
	struct pb_spec s;

	STD_SPEC(s, ipv);
	build(f, &s);
}

static void mk_v4_hdr_cut(struct pb_frame *f)
{
	std_frame(f, 4);
	f->len = f->l3 + 19;
}

static void mk_v4_ihl4(struct pb_frame *f)
{
	std_frame(f, 4);
	f->b[f->l3] = 0x44;
	pb_ipv4_fix_csum(f);
}

static void mk_v4_version(struct pb_frame *f)
{
	std_frame(f, 4);
	f->b[f->l3] = 0x65;
	pb_ipv4_fix_csum(f);
}

static void mk_v4_totlen_past(struct pb_frame *f)
{
	std_frame(f, 4);
	ck_put16(f->b + f->l3 + 2, (uint16_t)(f->len - f->l3 + 1));
	pb_ipv4_fix_csum(f);
}

/* IHL 15 but Total Length 40. */
static void mk_v4_totlen_short(struct pb_frame *f)
{
	struct pb_spec s;

	STD_SPEC(s, 4);
	s.optlen = 40;
	build(f, &s);
	ck_put16(f->b + f->l3 + 2, 40);
	pb_ipv4_fix_csum(f);
}

/* IHL 15, the frame ends inside the options. */
static void mk_v4_opts_cut(struct pb_frame *f)
{
	struct pb_spec s;

	STD_SPEC(s, 4);
	s.optlen = 40;
	build(f, &s);
	f->len = f->l3 + 40;
}

/* IPv4 carrying 4 octets of a UDP header. */
static void mk_v4_udp_cut(struct pb_frame *f)
{
	std_frame(f, 4);
	ck_put16(f->b + f->l3 + 2, 24);
	pb_ipv4_fix_csum(f);
	f->len = f->l3 + 24;
}

static void mk_v6_udp_cut(struct pb_frame *f)
{
	std_frame(f, 6);
	ck_put16(f->b + f->l3 + 4, 4);
	f->len = f->l3 + 44;
}

static void set_udp_len(struct pb_frame *f, uint16_t len)
{
	ck_put16(f->b + f->l4 + 4, len);
	pb_udp_fix_csum(f);
}

static void mk_v4_udplen_long(struct pb_frame *f)
{
	std_frame(f, 4);
	set_udp_len(f, 8 + CK_BASE_LEN + 1);
}

static void mk_v4_udplen_7(struct pb_frame *f)
{
	std_frame(f, 4);
	ck_put16(f->b + f->l4 + 4, 7);
}

static void mk_v6_udplen_long(struct pb_frame *f)
{
	std_frame(f, 6);
	set_udp_len(f, 8 + CK_BASE_LEN + 1);
}

static void mk_v6_udplen_7(struct pb_frame *f)
{
	std_frame(f, 6);
	ck_put16(f->b + f->l4 + 4, 7);
}

static void mk_v6_hdr_cut(struct pb_frame *f)
{
	std_frame(f, 6);
	f->len = f->l3 + 39;
}

static void mk_v6_version(struct pb_frame *f)
{
	std_frame(f, 6);
	f->b[f->l3] = (uint8_t)(0x40 | (f->b[f->l3] & 0x0f));
}

static void mk_v6_plen_past(struct pb_frame *f)
{
	std_frame(f, 6);
	ck_put16(f->b + f->l3 + 4, (uint16_t)(f->len - f->l3 - 40 + 1));
}

static void v4_frag(struct pb_frame *f, uint16_t frag)
{
	struct pb_spec s;

	STD_SPEC(s, 4);
	s.frag = frag;
	build(f, &s);
}

static void mk_v4_mf(struct pb_frame *f)
{
	v4_frag(f, 0x2000);
}

static void mk_v4_offset(struct pb_frame *f)
{
	v4_frag(f, 0x4000 | 0x00b9);
}

static void v6_ext(struct pb_frame *f, const struct pb_ext *ext, int n)
{
	struct pb_spec s;

	STD_SPEC(s, 6);
	s.next = n;
	memcpy(s.ext, ext, (size_t)n * sizeof(*ext));
	build(f, &s);
}

static void mk_v6_frag(struct pb_frame *f)
{
	const struct pb_ext x[] = {{PB_IP_FRAG, 0, 0, 0x0001}};

	v6_ext(f, x, 1);
}

/* An atomic fragment (offset 0, M clear) is still a Fragment header. */
static void mk_v6_frag_atomic_after_hbh(struct pb_frame *f)
{
	const struct pb_ext x[] = {{PB_IP_HBH, 0, 0, 0}, {PB_IP_FRAG, 0, 0, 0}};

	v6_ext(f, x, 2);
}

static void mk_v6_ext5(struct pb_frame *f)
{
	const struct pb_ext x[] = {{PB_IP_HBH, 0, 0, 0},
				   {PB_IP_DSTOPT, 0, 0, 0},
				   {PB_IP_RT, 2, 0, 0},
				   {PB_IP_DSTOPT, 0, 0, 0},
				   {PB_IP_DSTOPT, 1, 0, 0}};

	v6_ext(f, x, 5);
}

static void mk_v6_rt_sl1(struct pb_frame *f)
{
	const struct pb_ext x[] = {{PB_IP_HBH, 0, 0, 0}, {PB_IP_RT, 4, 1, 0}};

	v6_ext(f, x, 2);
}

static void mk_v6_tcp_after_ext(struct pb_frame *f)
{
	struct pb_spec s;
	uint8_t l4[20] = {0};

	ck_put16(l4 + 2, STAMP_PORT);
	l4[12] = 0x50;
	spec_std(&s, 6, l4, sizeof(l4));
	s.proto = PB_IP_TCP;
	set_ext_chain(&s, 2);
	build(f, &s);
}

static void std_port(struct pb_frame *f, int ipv, uint16_t sport, uint16_t dport)
{
	struct pb_spec s;

	STD_SPEC(s, ipv);
	s.sport = sport;
	s.dport = dport;
	build(f, &s);
}

/* The standard request with its IPv4 header checksum off by one. */
static void mk_v4_bad_ip_csum(struct pb_frame *f)
{
	uint16_t c;

	std_port(f, 4, SENDER_PORT, STAMP_PORT);
	c = ck_get16(f->b + f->l3 + 10);
	ck_put16(f->b + f->l3 + 10, (uint16_t)(c == 0xffff ? 1 : c + 1));
}

/* The same with 40 octets of options, so the whole header is summed. */
static void mk_v4_ihl15_bad_ip_csum(struct pb_frame *f)
{
	struct pb_spec s;
	uint16_t c;

	STD_SPEC(s, 4);
	s.optlen = 40;
	build(f, &s);
	c = ck_get16(f->b + f->l3 + 10);
	ck_put16(f->b + f->l3 + 10, (uint16_t)(c == 0xffff ? 1 : c + 1));
}

static void mk_v4_port9999(struct pb_frame *f)
{
	std_port(f, 4, SENDER_PORT, 9999);
}

static void mk_v6_port9999(struct pb_frame *f)
{
	std_port(f, 6, SENDER_PORT, 9999);
}

/* Other UDP traffic the early check for untagged option-less IPv4 leaves to the parser. */
static void mk_v4_opts_port9999(struct pb_frame *f)
{
	struct pb_spec s;

	STD_SPEC(s, 4);
	s.optlen = 8;
	s.dport = 9999;
	build(f, &s);
}

static void mk_v4_vlan_port9999(struct pb_frame *f)
{
	struct pb_spec s;

	STD_SPEC(s, 4);
	s.nvlan = 1;
	s.tpid[0] = 0x8100;
	s.tci[0] = 42;
	s.dport = 9999;
	build(f, &s);
}

static void mk_v4_port863(struct pb_frame *f)
{
	std_port(f, 4, SENDER_PORT, AUTH_PORT);
}

static void mk_v4_sport862(struct pb_frame *f)
{
	std_port(f, 4, STAMP_PORT, STAMP_PORT);
}

static void mk_v6_sport862(struct pb_frame *f)
{
	std_port(f, 6, STAMP_PORT, STAMP_PORT);
}

static void mk_v4_sport863(struct pb_frame *f)
{
	std_port(f, 4, AUTH_PORT, STAMP_PORT);
}

static void mk_v6_to863(struct pb_frame *f)
{
	std_port(f, 6, SENDER_PORT, AUTH_PORT);
}

static void mk_v4_port862(struct pb_frame *f)
{
	std_port(f, 4, SENDER_PORT, STAMP_PORT);
}

static void mk_v4_sport5000(struct pb_frame *f)
{
	std_port(f, 4, 5000, 5001);
}

static void v4_src(struct pb_frame *f, uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	const uint8_t src[4] = {a, b, c, d};

	std_addrs(f, 4, src, NULL);
}

static void mk_v4_not_local(struct pb_frame *f)
{
	const uint8_t dst[4] = {192, 0, 2, 99};

	std_addrs(f, 4, NULL, dst);
}

static void mk_v4_to_loopback(struct pb_frame *f)
{
	const uint8_t dst[4] = {127, 0, 0, 1};

	std_addrs(f, 4, NULL, dst);
}

static void mk_v6_not_local(struct pb_frame *f)
{
	uint8_t dst[16];

	pb_v6(dst, 1, 0x99);
	std_addrs(f, 6, NULL, dst);
}

/* Our IPv4 address as ::ffff:192.0.2.1 in an IPv6 header: not in the map. */
static void mk_v6_to_mapped_us(struct pb_frame *f)
{
	union stampede_addr a;
	uint8_t v4[16];

	addr_us(4, v4);
	addr_mapped(&a, v4);
	std_addrs(f, 6, NULL, a.b);
}

static void mk_src_v4_mcast(struct pb_frame *f)
{
	v4_src(f, 224, 0, 0, 1);
}

static void mk_src_v4_bcast(struct pb_frame *f)
{
	v4_src(f, 255, 255, 255, 255);
}

/* 192.0.2.255: the directed broadcast of our 192.0.2.0/24. */
static void mk_src_v4_dir_bcast(struct pb_frame *f)
{
	v4_src(f, 192, 0, 2, 255);
}

static void mk_src_v4_zero(struct pb_frame *f)
{
	v4_src(f, 0, 0, 0, 0);
}

static void mk_src_v4_zero_net(struct pb_frame *f)
{
	v4_src(f, 0, 1, 2, 3);
}

static void mk_src_v4_loopback(struct pb_frame *f)
{
	v4_src(f, 127, 0, 0, 1);
}

static void mk_src_v4_loopback_net(struct pb_frame *f)
{
	v4_src(f, 127, 9, 8, 7);
}

static void mk_src_v4_self(struct pb_frame *f)
{
	v4_src(f, 192, 0, 2, 1);
}

static void v6_src(struct pb_frame *f, const uint8_t *src)
{
	std_addrs(f, 6, src, NULL);
}

static void mk_src_v6_unspec(struct pb_frame *f)
{
	const uint8_t a[16] = {0};

	v6_src(f, a);
}

static void mk_src_v6_loopback(struct pb_frame *f)
{
	const uint8_t a[16] = {[15] = 1};

	v6_src(f, a);
}

static void mk_src_v6_mcast(struct pb_frame *f)
{
	const uint8_t a[16] = {0xff, 0x02, [15] = 1};

	v6_src(f, a);
}

static void mk_src_v6_mapped(struct pb_frame *f)
{
	const uint8_t a[16] = {[10] = 0xff, [11] = 0xff, [12] = 198, [13] = 18, [15] = 1};

	v6_src(f, a);
}

static void mk_src_v6_self(struct pb_frame *f)
{
	uint8_t a[16];

	addr_us(6, a);
	v6_src(f, a);
}

static void mk_src_mac_mcast(struct pb_frame *f)
{
	const uint8_t mac[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};

	std_frame(f, 4);
	memcpy(f->b + 6, mac, 6);
}

static void mk_src_mac_bcast(struct pb_frame *f)
{
	std_frame(f, 6);
	memset(f->b + 6, 0xff, 6);
}

static void runt(struct pb_frame *f, int ipv, size_t plen, size_t pad_to)
{
	uint8_t pl[CK_BASE_LEN];
	struct pb_spec s;

	sender(pl, DEFAULT_SEQ, SSID);
	spec_std(&s, ipv, pl, plen);
	s.pad_to = pad_to;
	s.pad_byte = PAD_JUNK;
	build(f, &s);
}

static void mk_v4_runt13(struct pb_frame *f)
{
	runt(f, 4, 13, 0);
}

static void mk_v6_runt13(struct pb_frame *f)
{
	runt(f, 6, 13, 0);
}

static void mk_v4_runt0(struct pb_frame *f)
{
	runt(f, 4, 0, 0);
}

/* 13 octets, the Ethernet padding after them would make 14 or more. */
static void mk_v4_runt13_padded(struct pb_frame *f)
{
	runt(f, 4, 13, 60);
}

/* An authenticated-mode request is 112 octets; still passed on. */
static void mk_v4_auth112(struct pb_frame *f)
{
	uint8_t pl[112];
	struct pb_spec s;

	memset(pl, 0x33, sizeof(pl));
	spec_std(&s, 4, pl, sizeof(pl));
	s.dport = AUTH_PORT;
	build(f, &s);
}

/* To the auth port but 13 octets: authenticated comes before runt. */
static void mk_v4_auth_runt(struct pb_frame *f)
{
	uint8_t pl[CK_BASE_LEN];
	struct pb_spec s;

	sender(pl, DEFAULT_SEQ, SSID);
	spec_std(&s, 4, pl, 13);
	s.dport = AUTH_PORT;
	build(f, &s);
}

/* To the auth port but not to us: not_local comes before authenticated. */
static void mk_v4_auth_not_local(struct pb_frame *f)
{
	mk_v4_not_local(f);
	ck_put16(f->b + f->l4 + 2, AUTH_PORT);
	pb_udp_fix_csum(f);
}

static const struct test tests[] = {
	PASS(v4_runt_13, CFG_NTP, mk_v4_runt13, runt),
	PASS(v6_runt_13, CFG_NTP, mk_v6_runt13, runt),
	PASS(v4_runt_0, CFG_NTP, mk_v4_runt0, runt),
	PASS(v4_runt_13_padded60, CFG_NTP, mk_v4_runt13_padded, runt),
	/* pass reasons, in the order of docs/datapath.md */
	PASS(vlan_truncated_bad_header, CFG_NTP, mk_vlan_cut, bad_header),
	PASS(vlan3_vlan_depth, CFG_NTP, mk_vlan3, vlan_depth),
	PASS(arp_not_ip, CFG_NTP, mk_arp, not_ip),
	PASS(v4_truncated_bad_header, CFG_NTP, mk_v4_hdr_cut, bad_header),
	PASS(v4_version5_bad_header, CFG_NTP, mk_v4_version, bad_header),
	PASS(v4_ihl4_bad_header, CFG_NTP, mk_v4_ihl4, bad_header),
	PASS(v4_options_cut_bad_header, CFG_NTP, mk_v4_opts_cut, bad_header),
	PASS(v4_totlen_past_frame_bad_header, CFG_NTP, mk_v4_totlen_past, bad_header),
	PASS(v4_totlen_below_ihl_bad_header, CFG_NTP, mk_v4_totlen_short, bad_header),
	PASS(v6_truncated_bad_header, CFG_NTP, mk_v6_hdr_cut, bad_header),
	PASS(v6_version4_bad_header, CFG_NTP, mk_v6_version, bad_header),
	PASS(v6_plen_past_frame_bad_header, CFG_NTP, mk_v6_plen_past, bad_header),
	PASS(v4_mf_fragment, CFG_NTP, mk_v4_mf, fragment),
	PASS(v4_offset_fragment, CFG_NTP, mk_v4_offset, fragment),
	PASS(v6_frag_hdr_fragment, CFG_NTP, mk_v6_frag, fragment),
	PASS(v6_atomic_frag_after_hbh_fragment, CFG_NTP, mk_v6_frag_atomic_after_hbh, fragment),
	PASS(v6_ext5_ipv6_ext, CFG_NTP, mk_v6_ext5, ipv6_ext),
	PASS(v6_rt_segleft1_ipv6_ext, CFG_NTP, mk_v6_rt_sl1, ipv6_ext),
	PASS(v4_tcp_not_udp, CFG_NTP, mk_v4_tcp, not_udp),
	PASS(v4_icmp_not_udp, CFG_NTP, mk_v4_icmp, not_udp),
	PASS(v6_icmpv6_not_udp, CFG_NTP, mk_v6_icmpv6, not_udp),
	PASS(v6_tcp_after_ext_not_udp, CFG_NTP, mk_v6_tcp_after_ext, not_udp),
	PASS(v4_udp_cut_bad_header, CFG_NTP, mk_v4_udp_cut, bad_header),
	PASS(v6_udp_cut_bad_header, CFG_NTP, mk_v6_udp_cut, bad_header),
	PASS(v4_port9999_not_stamp, CFG_NTP, mk_v4_port9999, not_stamp),
	PASS(v6_port9999_not_stamp, CFG_NTP, mk_v6_port9999, not_stamp),
	PASS(v4_port863_unconfigured_not_stamp, CFG_NTP, mk_v4_port863, not_stamp),
	PASS(v4_udplen_past_ip_bad_header, CFG_NTP, mk_v4_udplen_long, bad_header),
	PASS(v4_bad_ip_csum_passed, CFG_NTP, mk_v4_bad_ip_csum, bad_ip_csum),
	PASS(v4_ihl15_bad_ip_csum_passed, CFG_NTP, mk_v4_ihl15_bad_ip_csum, bad_ip_csum),
	PASS(v4_udplen7_bad_header, CFG_NTP, mk_v4_udplen_7, bad_header),
	PASS(v6_udplen_past_ip_bad_header, CFG_NTP, mk_v6_udplen_long, bad_header),
	PASS(v6_udplen7_bad_header, CFG_NTP, mk_v6_udplen_7, bad_header),
	PASS(v4_not_local, CFG_NTP, mk_v4_not_local, not_local),
	PASS(v4_to_loopback_not_local, CFG_NTP, mk_v4_to_loopback, not_local),
	PASS(v6_not_local, CFG_NTP, mk_v6_not_local, not_local),
	PASS(v6_to_mapped_v4_not_local, CFG_NTP, mk_v6_to_mapped_us, not_local),
	PASS(v4_src_224_0_0_1_bad_source, CFG_NTP, mk_src_v4_mcast, bad_source),
	PASS(v4_src_broadcast_bad_source, CFG_NTP, mk_src_v4_bcast, bad_source),
	PASS(v4_src_0_0_0_0_bad_source, CFG_NTP, mk_src_v4_zero, bad_source),
	PASS(v4_src_0_1_2_3_bad_source, CFG_NTP, mk_src_v4_zero_net, bad_source),
	PASS(v4_src_127_0_0_1_bad_source, CFG_NTP, mk_src_v4_loopback, bad_source),
	PASS(v4_src_127_9_8_7_bad_source, CFG_NTP, mk_src_v4_loopback_net, bad_source),
	PASS(v4_src_is_dst_bad_source, CFG_NTP, mk_src_v4_self, bad_source),
	PASS(v6_src_unspecified_bad_source, CFG_NTP, mk_src_v6_unspec, bad_source),
	PASS(v6_src_loopback_bad_source, CFG_NTP, mk_src_v6_loopback, bad_source),
	PASS(v6_src_ff02_1_bad_source, CFG_NTP, mk_src_v6_mcast, bad_source),
	PASS(v6_src_v4_mapped_bad_source, CFG_NTP, mk_src_v6_mapped, bad_source),
	PASS(v6_src_is_dst_bad_source, CFG_NTP, mk_src_v6_self, bad_source),
	PASS(v4_src_mac_multicast_bad_source, CFG_NTP, mk_src_mac_mcast, bad_source),
	PASS(v6_src_mac_broadcast_bad_source, CFG_NTP, mk_src_mac_bcast, bad_source),
	PASS(v4_sport862_loop_guard, CFG_NTP, mk_v4_sport862, loop_guard),
	PASS(v6_sport862_loop_guard, CFG_NTP, mk_v6_sport862, loop_guard),
	PASS(v4_src_directed_broadcast_bad_source, CFG_NTP, mk_src_v4_dir_bcast, bad_source),
	/* authenticated-mode port */
	PASS(auth_v4_863_authenticated, CFG_AUTH, mk_v4_port863, authenticated),
	PASS(auth_v6_863_authenticated, CFG_AUTH, mk_v6_to863, authenticated),
	PASS(auth_v4_863_112_octets_authenticated, CFG_AUTH, mk_v4_auth112, authenticated),
	PASS(auth_v4_863_13_octets_authenticated, CFG_AUTH, mk_v4_auth_runt, authenticated),
	PASS(auth_v4_863_not_local, CFG_AUTH, mk_v4_auth_not_local, not_local),
	PASS(auth_v4_sport863_loop_guard, CFG_AUTH, mk_v4_sport863, loop_guard),
	PASS(ports_v4_862_not_stamp, CFG_PORTS, mk_v4_port862, not_stamp),
	PASS(ports_v4_sport5000_loop_guard, CFG_PORTS, mk_v4_sport5000, loop_guard),
	/*
	 * Attach defaults: frames not for a STAMP port are passed and not
	 * counted; from the STAMP port on, every outcome is counted as before.
	 */
	UNCOUNTED(quiet_arp_uncounted, mk_arp),
	UNCOUNTED(quiet_vlan3_uncounted, mk_vlan3),
	UNCOUNTED(quiet_v4_truncated_uncounted, mk_v4_hdr_cut),
	UNCOUNTED(quiet_v4_mf_fragment_uncounted, mk_v4_mf),
	UNCOUNTED(quiet_v6_ext5_uncounted, mk_v6_ext5),
	UNCOUNTED(quiet_v4_tcp_uncounted, mk_v4_tcp),
	UNCOUNTED(quiet_v6_icmpv6_uncounted, mk_v6_icmpv6),
	UNCOUNTED(quiet_v4_udp_cut_uncounted, mk_v4_udp_cut),
	UNCOUNTED(quiet_v4_port9999_uncounted, mk_v4_port9999),
	UNCOUNTED(quiet_v6_port9999_uncounted, mk_v6_port9999),
	UNCOUNTED(quiet_v4_opts_port9999_uncounted, mk_v4_opts_port9999),
	UNCOUNTED(quiet_v4_vlan_port9999_uncounted, mk_v4_vlan_port9999),
	UNCOUNTED(quiet_v4_offset_fragment_port862_uncounted, mk_v4_offset),
	PASS(quiet_v4_udplen_past_ip_bad_header, CFG_QUIET, mk_v4_udplen_long, bad_header),
	PASS(quiet_v4_bad_ip_csum_passed, CFG_QUIET, mk_v4_bad_ip_csum, bad_ip_csum),
	PASS(quiet_v4_not_local, CFG_QUIET, mk_v4_not_local, not_local),
	PASS(quiet_v6_not_local, CFG_QUIET, mk_v6_not_local, not_local),
	PASS(quiet_v4_src_broadcast_bad_source, CFG_QUIET, mk_src_v4_bcast, bad_source),
	PASS(quiet_v4_sport862_loop_guard, CFG_QUIET, mk_v4_sport862, loop_guard),
	PASS(quiet_v4_runt_13, CFG_QUIET, mk_v4_runt13, runt),
};

const struct xdp_rule xdp_rule_pass_drop = {"pass_drop", tests, ARRAY_SIZE(tests)};
