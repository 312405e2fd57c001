// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Addresses: the local address set and hash, own sources, directed broadcasts. */
#include "xdp_test.h"

/*
 * local_set and local_addrs together: an address found in the set is
 * answered whatever the hash holds; one past the set is looked up in the
 * hash only when the set says the family has more; the last slot in use
 * counts, the one after it does not.  arg: the IP version.
 */
static void t_local_set(struct env *e, struct tc *t, const void *arg)
{
	int ipv = *(const int *)arg, v4 = ipv == 4, v6 = ipv == 6;
	union stampede_addr a;
	struct pb_spec s;
	struct pb_frame f;
	uint8_t v[16];

	STD_SPEC(s, ipv);
	build(&f, &s);
	/* Our address only in the hash: answered through it when more is set. */
	if (!CHECK(t, !local_set_write(e, 0, 0, true), "writing local_set failed"))
		return;
	reflect_check(e, t, &f, &plain);
	local_set_write(e, 0, 0, false);
	pass_check(e, t, &f, STAMPEDE_CNT_not_local);
	/* In the set's last slot, not in the hash: answered from the set. */
	addr_us(ipv, v);
	if (ipv == 4)
		addr_mapped(&a, v);
	else
		memcpy(a.b, v, 16);
	bpf_map_delete_elem(bpf_map__fd(e->skel->maps.local_addrs), &a);
	local_set_write(e, v4 * STAMPEDE_LOCAL_SET_ADDRS, v6 * STAMPEDE_LOCAL_SET_ADDRS, false);
	reflect_check(e, t, &f, &plain);
	/* One slot beyond n: not looked at. */
	local_set_write(e, v4 * STAMPEDE_LOCAL_SET_ADDRS, v6 * STAMPEDE_LOCAL_SET_ADDRS, false);
	{
		struct stampede_local_set set;
		__u32 key = 0;

		bpf_map_lookup_elem(bpf_map__fd(e->skel->maps.local_set), &key, &set);
		if (ipv == 4)
			set.n_v4--;
		else
			set.n_v6--;
		bpf_map_update_elem(bpf_map__fd(e->skel->maps.local_set), &key, &set, BPF_ANY);
	}
	pass_check(e, t, &f, STAMPEDE_CNT_not_local);
	/* Back to the state env_load made. */
	bpf_map_update_elem(bpf_map__fd(e->skel->maps.local_addrs), &a,
			    &(__u8){STAMPEDE_ADDR_LOCAL}, BPF_ANY);
	local_set_write(e, 1, 1, false);
}

static int local_set_put(struct env *e, const struct stampede_local_set *set)
{
	__u32 key = 0;

	return bpf_map_update_elem(bpf_map__fd(e->skel->maps.local_set), &key, set, BPF_ANY);
}

/*
 * Sources that name this interface are refused (bad_source): another of
 * its addresses, and (IPv4) its subnet's directed broadcast, found in the
 * set the controller fills (addrs_fill_set) and, when the set does not
 * hold them all, in the local_addrs hash by their tag.  A request to the
 * directed broadcast is not ours to answer (not_local); a neighbour's is
 * still answered.  arg: the IP version.
 */
static void t_own_sources(struct env *e, struct tc *t, const void *arg)
{
	int ipv = *(const int *)arg;
	union stampede_addr list[3], a2;
	struct stampede_local_set set;
	uint8_t us[16], us2[16], bc[16];
	static struct pb_frame f;
	int hash = bpf_map__fd(e->skel->maps.local_addrs);
	unsigned int n = 0;

	addr_us(ipv, us);
	addr_us2(ipv, us2);
	addr_us_bcast(bc);
	if (ipv == 4) {
		addr_mapped(&list[n++], us);
		addr_mapped(&list[n++], us2);
		addr_mapped(&a2, us2);
		addr_mapped(&list[n++], bc);
	} else {
		memcpy(list[n++].b, us, 16);
		memcpy(list[n++].b, us2, 16);
		memcpy(a2.b, us2, 16);
	}
	/* Both addresses in the set, as the controller fills it. */
	addrs_fill_set(&set, list, 2, n);
	if (!CHECK(t, !local_set_put(e, &set), "writing local_set failed"))
		return;
	std_addrs(&f, ipv, us2, NULL);
	pass_check(e, t, &f, STAMPEDE_CNT_bad_source);
	if (ipv == 4) {
		std_addrs(&f, 4, bc, NULL);
		pass_check(e, t, &f, STAMPEDE_CNT_bad_source);
	}
	/* Only the first address in the set; the rest in the hash, tagged. */
	addrs_fill_set(&set, list, 1, 1);
	set.more_v4 = set.more_v6 = set.more_bcast_v4 = 1;
	if (!CHECK(t, !bpf_map_update_elem(hash, &a2, &(__u8){STAMPEDE_ADDR_LOCAL}, BPF_ANY),
		   "writing local_addrs failed") ||
	    !CHECK(t, !local_set_put(e, &set), "writing local_set failed"))
		return;
	std_addrs(&f, ipv, us2, NULL);
	pass_check(e, t, &f, STAMPEDE_CNT_bad_source);
	if (ipv == 4) {
		std_addrs(&f, 4, bc, NULL);
		pass_check(e, t, &f, STAMPEDE_CNT_bad_source);
		/* From a neighbour to the broadcast: in the hash, but not as ours. */
		std_addrs(&f, 4, NULL, bc);
		pass_check(e, t, &f, STAMPEDE_CNT_not_local);
	}
	/* A neighbour, looked up in the hash and not found: answered. */
	std_addrs(&f, ipv, NULL, NULL);
	reflect_check(e, t, &f, &plain);
	/* Back to the state env_load made. */
	bpf_map_delete_elem(hash, &a2);
	local_set_write(e, 1, 1, false);
}

/* The controller's directed broadcasts: the prefix's last address, none for /31 and /32. */
static void t_addrs_broadcast(__maybe_unused struct env *e, struct tc *t,
			      __maybe_unused const void *arg)
{
	static const struct {
		uint32_t addr, mask, bcast; /* host order; bcast 0: none */
	} cases[] = {
		{0xc0000201, 0xffffff00, 0xc00002ff}, /* 192.0.2.1/24 */
		{0x0a000001, 0xfffffffc, 0x0a000003}, /* 10.0.0.1/30 */
		{0xc6120101, 0xfffe0000, 0xc613ffff}, /* 198.18.1.1/15 */
		{0x0a000000, 0xfffffffe, 0},	      /* 10.0.0.0/31 */
		{0x0a000001, 0xffffffff, 0},	      /* 10.0.0.1/32 */
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		__be32 got = 0;
		bool has = addrs_v4_broadcast(htonl(cases[i].addr), htonl(cases[i].mask), &got);

		if (!CHECK(t, has == (cases[i].bcast != 0), "0x%08x mask 0x%08x: %s broadcast",
			   cases[i].addr, cases[i].mask, has ? "a" : "no"))
			continue;
		if (has)
			CHECK(t, ntohl(got) == cases[i].bcast,
			      "0x%08x mask 0x%08x: 0x%08x, not 0x%08x", cases[i].addr,
			      cases[i].mask, ntohl(got), cases[i].bcast);
	}
}

/* Found by the fuzzer (fuzz/, FUZZING.md): the request as exact bytes. */
static const uint8_t fuzz_node_src_v4[86] = {
	0x02, 0x00, 0x5e, 0x10, 0x00, 0x01, 0x02, 0x00, 0x5e, 0x10, 0x00, 0x07, 0x08, 0x00, 0x45,
	0xb9, 0x00, 0x48, 0x12, 0x34, 0x40, 0x00, 0x39, 0x11, 0x9d, 0xa1, 0xc6, 0x12, 0x09, 0x03,
	0xc0, 0x00, 0x02, 0x01, 0x9c, 0x40, 0x03, 0x5e, 0x00, 0x34, 0x15, 0x2d, 0x01, 0x02, 0x03,
	0x04, 0xe9, 0x8f, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0x81, 0x1e, 0xbe, 0xef, 0x6a, 0x6b,
	0x6c, 0x6d, 0x6e, 0x6f, 0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a,
	0x7b, 0x7c, 0x7d, 0x7e, 0x7f, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85,
};
static const uint8_t fuzz_node_src_v6[106] = {
	0x02, 0x00, 0x5e, 0x10, 0x00, 0x01, 0x02, 0x00, 0x5e, 0x10, 0x00, 0x07, 0x86, 0xdd,
	0x6b, 0x95, 0xee, 0xd1, 0x00, 0x34, 0x11, 0x39, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x09,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x9c, 0x40,
	0x03, 0x5e, 0x00, 0x34, 0x4a, 0xc4, 0x01, 0x02, 0x03, 0x04, 0xe9, 0x8f, 0x12, 0x34,
	0x56, 0x78, 0x9a, 0xbc, 0x81, 0x1e, 0xbe, 0xef, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f,
	0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x7b, 0x7c, 0x7d,
	0x7e, 0x7f, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85,
};

/*
 * From another interface's address (local_addrs tag STAMPEDE_ADDR_NODE):
 * not this interface's, so answered, whether the set holds every address
 * of the interface or the hash is asked too.  The fuzzer found it refused
 * (bad_source) in the second case only: the hash lookup took any tag as
 * the interface's.  arg: the IP version.
 */
static void t_fuzz_node_source(struct env *e, struct tc *t, const void *arg)
{
	int ipv = *(const int *)arg, hash = bpf_map__fd(e->skel->maps.local_addrs);
	static struct pb_frame f;
	union stampede_addr key;

	if (ipv == 4)
		frame_of(&f, fuzz_node_src_v4, sizeof(fuzz_node_src_v4), 4);
	else
		frame_of(&f, fuzz_node_src_v6, sizeof(fuzz_node_src_v6), 6);
	key_of(&key, ipv, f.b + f.l3 + (ipv == 4 ? 12 : 8));
	if (!CHECK(t, !bpf_map_update_elem(hash, &key, &(__u8){STAMPEDE_ADDR_NODE}, BPF_ANY),
		   "cannot add the node address to local_addrs: %s", strerror(errno)))
		return;
	reflect_check(e, t, &f, &plain);
	if (CHECK(t, !local_set_write(e, 1, 1, true), "writing local_set failed"))
		reflect_check(e, t, &f, &plain);
	bpf_map_delete_elem(hash, &key);
	local_set_write(e, 1, 1, false);
}

static const int four = 4, six = 6;

static const struct test tests[] = {
	{"local_set_v4", CFG_NTP, t_local_set, &four},
	{"local_set_v6", CFG_NTP, t_local_set, &six},
	{"v4_src_own_addresses_bad_source", CFG_NTP, t_own_sources, &four},
	{"v6_src_own_addresses_bad_source", CFG_NTP, t_own_sources, &six},
	{"addrs_v4_directed_broadcast", CFG_NTP, t_addrs_broadcast, NULL},
	{"fuzz_v4_node_address_source_answered", CFG_NTP, t_fuzz_node_source, &four},
	{"fuzz_v6_node_address_source_answered", CFG_NTP, t_fuzz_node_source, &six},
};

const struct xdp_rule xdp_rule_addresses = {"addresses", tests, ARRAY_SIZE(tests)};
