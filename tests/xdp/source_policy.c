// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The source policy (docs/datapath.md steps 14b and 14c, "Rate limits"):
 * the allow-list passes senders outside it as not_allowed, the token
 * buckets drop what is over them as rate_limited and rate_limited_all.
 */
#include "xdp_test.h"

/* A prefix of the allow_src trie, keyed as docs/datapath.md says: family, then address. */
struct allow_prefix {
	int ipv;
	uint8_t addr[16]; /* 4 octets for IPv4 */
	int len;
};

/* Empty the allow-list, then put @n prefixes in. */
static int allow_put(struct env *e, const struct allow_prefix *p, int n)
{
	int fd = bpf_map__fd(e->skel->maps.allow_src), i;
	struct stampede_allow_key k, next;
	__u8 one = 1;

	while (!bpf_map_get_next_key(fd, NULL, &next))
		if (bpf_map_delete_elem(fd, &next))
			return -errno;
	for (i = 0; i < n; i++) {
		memset(&k, 0, sizeof(k));
		if (p[i].ipv == 4) {
			k.family = STAMPEDE_ALLOW_FAMILY_V4;
			k.addr.b[10] = k.addr.b[11] = 0xff;
			memcpy(k.addr.b + 12, p[i].addr, 4);
			k.prefixlen = (__u32)(32 + 96 + p[i].len);
		} else {
			k.family = STAMPEDE_ALLOW_FAMILY_V6;
			memcpy(k.addr.b, p[i].addr, 16);
			k.prefixlen = (__u32)(32 + p[i].len);
		}
		if (bpf_map_update_elem(fd, &k, &one, BPF_ANY))
			return -errno;
	}
	return 0;
}

/* The sender's /24 and /48 (addr_peer), and a host route elsewhere. */
static const struct allow_prefix allow_peers[] = {
	{4, {198, 51, 100, 0}, 24},
	{6, {0x20, 0x01, 0x0d, 0xb8, 0x00, 0x02}, 48},
	{4, {203, 0, 113, 77}, 32},
};

struct allow_case {
	const struct allow_prefix *list;
	int n;
	int ipv;
	const uint8_t *src; /* NULL: addr_peer */
	bool answered;	    /* else passed as not_allowed */
};

static const uint8_t src_v4_outside[16] = {198, 51, 101, 7};
static const uint8_t src_v4_host[16] = {203, 0, 113, 77};
static const uint8_t src_v4_host_next[16] = {203, 0, 113, 78};
static const uint8_t src_v6_outside[16] = {0x20, 0x01, 0x0d, 0xb8, 0x00, 0x03, [15] = 7};
/* ::/0, the IPv6 prefix that would cover ::ffff:a.b.c.d if families were not apart. */
static const struct allow_prefix allow_v6_all[] = {{6, {0}, 0}};

static void t_allow(struct env *e, struct tc *t, const void *arg)
{
	const struct allow_case *ac = arg;
	static struct pb_frame f;

	if (!CHECK(t, !allow_put(e, ac->list, ac->n), "cannot fill allow_src: %s", strerror(errno)))
		return;
	std_addrs(&f, ac->ipv, ac->src, NULL);
	if (ac->answered)
		reflect_check(e, t, &f, &plain);
	else
		pass_check(e, t, &f, STAMPEDE_CNT_not_allowed);
}

/* A runt from outside the list is a runt: the list is the last check. */
static void t_allow_runt_counted_runt(struct env *e, struct tc *t, __maybe_unused const void *arg)
{
	static struct pb_frame f;
	struct pb_spec s;

	if (!CHECK(t, !allow_put(e, allow_peers, 1), "cannot fill allow_src"))
		return;
	STD_SPEC(s, 4);
	memcpy(s.src, src_v4_outside, 4);
	s.plen = 13;
	build(&f, &s);
	pass_check(e, t, &f, STAMPEDE_CNT_runt);
}

/* Forget every source's bucket, and the interface's. */
static int rate_reset(struct env *e)
{
	int fd = bpf_map__fd(e->skel->maps.rate_src);
	struct stampede_rate_bucket zero = {0};
	union stampede_addr next;
	__u32 key = 0;

	while (!bpf_map_get_next_key(fd, NULL, &next))
		if (bpf_map_delete_elem(fd, &next))
			return -errno;
	if (bpf_map_update_elem(bpf_map__fd(e->skel->maps.rate_all), &key, &zero, BPF_ANY))
		return -errno;
	return 0;
}

/*
 * One request from @src (4 or 16 octets; NULL: addr_peer): reflected
 * (counted reflected, XDP_TX) or dropped (XDP_DROP, @drop counted once).
 */
static void rate_step(struct env *e, struct tc *t, int ipv, const uint8_t *src, int drop,
		      const char *what)
{
	static struct pb_frame f;
	static struct run r;
	struct cnt c = {0};

	std_addrs(&f, ipv, src, NULL);
	run_frame(e, f.b, f.len, &r);
	if (!check_ran(t, &r))
		return;
	c.d[drop >= 0 ? drop : STAMPEDE_CNT_reflected] = 1;
	CHECK(t, r.retval == (drop >= 0 ? 1U : XDP_RET_TX), "%s: retval %u, expected %s", what,
	      r.retval, drop >= 0 ? "XDP_DROP (1)" : "XDP_TX (3)");
	check_counters(t, r.delta, &c);
}

/* The bucket of source @a (an address as the data path keys it), or -1. */
static int bucket_get(struct env *e, const union stampede_addr *a, uint64_t *tat)
{
	struct stampede_rate_bucket b;

	if (bpf_map_lookup_elem(bpf_map__fd(e->skel->maps.rate_src), a, &b))
		return -1;
	*tat = b.tat_ns;
	return 0;
}

static int bucket_put(struct env *e, const union stampede_addr *a, uint64_t tat)
{
	struct stampede_rate_bucket b = {.tat_ns = tat};

	return bpf_map_update_elem(bpf_map__fd(e->skel->maps.rate_src), a, &b, BPF_EXIST);
}

static void peer_key(int ipv, union stampede_addr *a)
{
	uint8_t v[16];

	addr_peer(ipv, v);
	if (ipv == 4)
		addr_mapped(a, v);
	else
		memcpy(a->b, v, 16);
}

/*
 * Burst 3: three requests answered, the fourth dropped; one interval
 * later (the bucket's state moved back by one) one more, then dropped
 * again.  Another source has its own bucket.
 */
static void t_rate_burst(struct env *e, struct tc *t, const void *arg)
{
	int ipv = *(const int *)arg, i;
	union stampede_addr a;
	uint64_t t0, tat = 0;
	char what[32];

	if (!CHECK(t, !rate_reset(e), "cannot empty the rate maps"))
		return;
	t0 = env_now(e);
	for (i = 1; i <= RATE_BURST + 1; i++) {
		snprintf(what, sizeof(what), "request %d", i);
		rate_step(e, t, ipv, NULL, i <= RATE_BURST ? -1 : STAMPEDE_CNT_rate_limited, what);
	}
	peer_key(ipv, &a);
	if (!CHECK(t, !bucket_get(e, &a, &tat), "no bucket for the sender"))
		return;
	/* TAT: the first request's time plus one interval per request answered. */
	CHECK(t,
	      tat >= t0 + RATE_BURST * RATE_INTERVAL_NS &&
		      tat <= env_now(e) + RATE_BURST * RATE_INTERVAL_NS,
	      "bucket TAT %llu, expected %d intervals after the first request (%llu)",
	      (unsigned long long)tat, RATE_BURST, (unsigned long long)t0);
	if (!CHECK(t, !bucket_put(e, &a, tat - RATE_INTERVAL_NS), "cannot move the bucket"))
		return;
	rate_step(e, t, ipv, NULL, -1, "after one interval");
	rate_step(e, t, ipv, NULL, STAMPEDE_CNT_rate_limited, "after one interval, again");
	rate_step(e, t, 4, src_v4_host, -1, "another source");
}

/*
 * The bucket's TAT far beyond what packets can push it (the clock went
 * back): the source starts afresh with a full bucket.
 */
static void t_rate_clock_back(struct env *e, struct tc *t, __maybe_unused const void *arg)
{
	union stampede_addr a;
	uint64_t tat = 0;
	int i;

	if (!CHECK(t, !rate_reset(e), "cannot empty the rate maps"))
		return;
	rate_step(e, t, 4, NULL, -1, "first request");
	peer_key(4, &a);
	if (!CHECK(t, !bucket_get(e, &a, &tat), "no bucket for the sender") ||
	    !CHECK(t,
		   !bucket_put(e, &a,
			       env_now(e) +
				       (RATE_BURST + RATE_RESET_SLACK + 10) * RATE_INTERVAL_NS),
		   "cannot move the bucket"))
		return;
	for (i = 1; i <= RATE_BURST; i++)
		rate_step(e, t, 4, NULL, -1, "after the clock went back");
	rate_step(e, t, 4, NULL, STAMPEDE_CNT_rate_limited, "burst spent again");
}

/*
 * The interface's bucket (burst 4) behind the sources' (burst 3): one
 * source's fourth request is its own excess and leaves the interface's
 * tokens alone; another source gets the one left, then rate_limited_all.
 */
static void t_rate_all(struct env *e, struct tc *t, __maybe_unused const void *arg)
{
	int i;

	if (!CHECK(t, !rate_reset(e), "cannot empty the rate maps"))
		return;
	for (i = 1; i <= RATE_BURST; i++)
		rate_step(e, t, 4, NULL, -1, "first source");
	rate_step(e, t, 4, NULL, STAMPEDE_CNT_rate_limited, "first source over its own");
	rate_step(e, t, 4, src_v4_host, -1, "second source, the last token");
	rate_step(e, t, 4, src_v4_host, STAMPEDE_CNT_rate_limited_all, "second source");
	rate_step(e, t, 6, NULL, STAMPEDE_CNT_rate_limited_all, "IPv6 source");
}

static const int four = 4, six = 6;

static const struct test tests[] = {
	{"allow_v4_inside_reflected", CFG_ALLOW, t_allow,
	 ARG(struct allow_case, allow_peers, 3, 4, NULL, true)},
	{"allow_v6_inside_reflected", CFG_ALLOW, t_allow,
	 ARG(struct allow_case, allow_peers, 3, 6, NULL, true)},
	{"allow_v4_host_route_reflected", CFG_ALLOW, t_allow,
	 ARG(struct allow_case, allow_peers, 3, 4, src_v4_host, true)},
	{"allow_v4_outside_not_allowed", CFG_ALLOW, t_allow,
	 ARG(struct allow_case, allow_peers, 3, 4, src_v4_outside, false)},
	{"allow_v4_next_to_host_route_not_allowed", CFG_ALLOW, t_allow,
	 ARG(struct allow_case, allow_peers, 3, 4, src_v4_host_next, false)},
	{"allow_v6_outside_not_allowed", CFG_ALLOW, t_allow,
	 ARG(struct allow_case, allow_peers, 3, 6, src_v6_outside, false)},
	{"allow_v6_all_not_v4", CFG_ALLOW, t_allow,
	 ARG(struct allow_case, allow_v6_all, 1, 4, NULL, false)},
	{"allow_v6_all_v6_reflected", CFG_ALLOW, t_allow,
	 ARG(struct allow_case, allow_v6_all, 1, 6, src_v6_outside, true)},
	{"allow_empty_not_allowed", CFG_ALLOW, t_allow,
	 ARG(struct allow_case, allow_peers, 0, 4, NULL, false)},
	{"allow_outside_runt_counted_runt", CFG_ALLOW, t_allow_runt_counted_runt, NULL},
	{"rate_v4_burst3_fourth_dropped", CFG_RATE, t_rate_burst, &four},
	{"rate_v6_burst3_fourth_dropped", CFG_RATE, t_rate_burst, &six},
	{"rate_clock_back_fresh_bucket", CFG_RATE, t_rate_clock_back, NULL},
	{"rate_all_behind_per_source", CFG_RATE_ALL, t_rate_all, NULL},
};

const struct xdp_rule xdp_rule_source_policy = {"source_policy", tests, ARRAY_SIZE(tests)};
