// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The XDP unit tests' harness: bookkeeping, the loaded reflector, runs and checks. */
#include "xdp_test.h"

void hex(char *buf, size_t size, const uint8_t *p, size_t n)
{
	size_t i, o = 0;

	buf[0] = 0;
	for (i = 0; i < n && o + 4 < size; i++)
		o += (size_t)snprintf(buf + o, size - o, "%s%02x", i ? " " : "", p[i]);
}

const char *const cnt_name[NCNT] = {
#define X(name, class, desc) #name,
	STAMPEDE_COUNTERS(X)
#undef X
};

const int cnt_class[NCNT] = {
#define X(name, class, desc) STAMPEDE_CLASS_##class,
	STAMPEDE_COUNTERS(X)
#undef X
};

const struct cfg_desc cfgs[CFG_N] = {
	[CFG_NTP] = {"stateless NTP", CO, {STAMP_PORT}, 1, {0}, 0, 255, EE_MAP},
	[CFG_STATEFUL] =
		{"stateful", STAMPEDE_F_STATEFUL | CO, {STAMP_PORT}, 1, {0}, 0, 255, EE_MAP},
	[CFG_PTP] = {"PTP", STAMPEDE_F_PTP | CO, {STAMP_PORT}, 1, {0}, 0, 255, EE_MAP | CK_EE_Z},
	[CFG_NOLOOP] = {"no loop guard",
			STAMPEDE_F_NO_LOOP_GUARD | CO,
			{STAMP_PORT},
			1,
			{0},
			0,
			255,
			EE_MAP},
	[CFG_AUTH] = {"auth port 863", CO, {STAMP_PORT}, 1, {AUTH_PORT}, 1, 255, EE_MAP},
	[CFG_PORTS] = {"ports 5000+5001, TTL 64", CO, {5000, 5001}, 2, {0}, 0, 64, EE_MAP},
	[CFG_BOOT] =
		{"CLOCK_BOOT", STAMPEDE_F_CLOCK_BOOT | CO, {STAMP_PORT}, 1, {0}, 0, 255, EE_MAP},
	[CFG_T3READ] =
		{"clock-reads 2", STAMPEDE_F_T3_READ | CO, {STAMP_PORT}, 1, {0}, 0, 255, EE_MAP},
	[CFG_QUIET] = {"attach defaults (other traffic not counted)",
		       0,
		       {STAMP_PORT},
		       1,
		       {0},
		       0,
		       255,
		       EE_MAP},
	[CFG_TLV] = {"TLV options (micro-session, reflected-control, return-prefix)",
		     CO | STAMPEDE_F_MICRO_SESSION | STAMPEDE_F_REFLECTED_CTL |
			     STAMPEDE_F_RETURN_ADDR,
		     {STAMP_PORT},
		     1,
		     {0},
		     0,
		     255,
		     EE_MAP,
		     true},
	[CFG_COS_REFUSE] = {"cos-remark off",
			    CO | STAMPEDE_F_COS_REFUSE,
			    {STAMP_PORT},
			    1,
			    {0},
			    0,
			    255,
			    EE_MAP},
	[CFG_ONE_SET] = {"stateful, a session table of one set",
			 STAMPEDE_F_STATEFUL | CO,
			 {STAMP_PORT},
			 1,
			 {0},
			 0,
			 255,
			 EE_MAP,
			 .one_set = true},
	[CFG_STATEFUL_T3READ] = {"stateful, clock-reads 2",
				 STAMPEDE_F_STATEFUL | STAMPEDE_F_T3_READ | CO,
				 {STAMP_PORT},
				 1,
				 {0},
				 0,
				 255,
				 EE_MAP},
	[CFG_ALLOW] = {"allow-list", STAMPEDE_F_ALLOW | CO, {STAMP_PORT}, 1, {0}, 0, 255, EE_MAP},
	[CFG_RATE] = {"rate-limit per source, burst 3",
		      STAMPEDE_F_RATE_SRC | CO,
		      {STAMP_PORT},
		      1,
		      {0},
		      0,
		      255,
		      EE_MAP,
		      .policy = true},
	[CFG_RATE_ALL] = {"rate-limit per source, burst 3, and for the interface, burst 4",
			  STAMPEDE_F_RATE_SRC | STAMPEDE_F_RATE_ALL | CO,
			  {STAMP_PORT},
			  1,
			  {0},
			  0,
			  255,
			  EE_MAP,
			  .policy = true},
	[CFG_AUTH_STATEFUL] = {"auth port 863, stateful",
			       STAMPEDE_F_STATEFUL | CO,
			       {STAMP_PORT},
			       1,
			       {AUTH_PORT},
			       1,
			       255,
			       EE_MAP},
	[CFG_AUTH_STATEFUL_MICRO] = {"auth port 863, stateful, micro-session ID",
				     STAMPEDE_F_STATEFUL | STAMPEDE_F_MICRO_SESSION | CO,
				     {STAMP_PORT},
				     1,
				     {AUTH_PORT},
				     1,
				     255,
				     EE_MAP,
				     true},
};

uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * CK_NSEC + (uint64_t)ts.tv_nsec;
}

/* CLOCK_TAI - CLOCK_BOOTTIME, the boot read between two TAI reads. */
int64_t measure_boot_to_tai(void)
{
	uint64_t t1 = clock_ns(CLOCK_TAI), b = clock_ns(CLOCK_BOOTTIME), t2 = clock_ns(CLOCK_TAI);

	return (int64_t)(t1 / 2 + t2 / 2) - (int64_t)b;
}

/*
 * "Now" on the program's clock: CLOCK_TAI, or with STAMPEDE_F_CLOCK_BOOT the
 * boot clock plus the offset we published, which is what the program reads.
 */
uint64_t env_now(const struct env *e)
{
	if (e->flags & STAMPEDE_F_CLOCK_BOOT)
		return clock_ns(CLOCK_BOOTTIME) + (uint64_t)e->clk.boot_to_tai_ns;
	return clock_ns(CLOCK_TAI);
}

void addr_mapped(union stampede_addr *a, const uint8_t *v4)
{
	memset(a, 0, sizeof(*a));
	a->b[10] = 0xff;
	a->b[11] = 0xff;
	memcpy(a->b + 12, v4, 4);
}

/* Our addresses (in local_addrs) and the Session-Sender's. */
void addr_us(int ipv, uint8_t *a)
{
	if (ipv == 4)
		pb_v4(a, 192, 0, 2, 1);
	else
		pb_v6(a, 1, 1);
}

void addr_peer(int ipv, uint8_t *a)
{
	if (ipv == 4)
		pb_v4(a, 198, 51, 100, 7);
	else
		pb_v6(a, 2, 7);
}

/* A second address of ours (local_addrs only), for Destination Node Address. */
void addr_us2(int ipv, uint8_t *a)
{
	if (ipv == 4)
		pb_v4(a, 192, 0, 2, 2);
	else
		pb_v6(a, 1, 2);
}

/* Another address of the sender's network, inside the allowed return prefixes. */
void addr_peer2(int ipv, uint8_t *a)
{
	if (ipv == 4)
		pb_v4(a, 198, 51, 100, 9);
	else
		pb_v6(a, 2, 9);
}

/* The directed broadcast of our IPv4 subnet, 192.0.2.0/24 (see addr_us). */
void addr_us_bcast(uint8_t *a)
{
	pb_v4(a, 192, 0, 2, 255);
}

/* Return prefixes: the sender's /24 and /64 (see addr_peer). */
void tlv_config(struct stampede_config *c)
{
	uint8_t v4[16];

	c->micro_session_id = htons(TLV_MICRO_SESSION);
	c->mtu = TLV_MTU;
	c->reply_max = TLV_REPLY_MAX;
	c->amplify = TLV_AMPLIFY;
	addr_peer(4, v4);
	addr_mapped(&c->return_prefixes[0].addr, v4);
	c->return_prefixes[0].addr.b[15] = 0;
	c->return_prefixes[0].len = 96 + 24;
	addr_peer(6, c->return_prefixes[1].addr.b);
	memset(c->return_prefixes[1].addr.b + 8, 0, 8);
	c->return_prefixes[1].len = 64;
	/* An IPv6 prefix that covers ::ffff:0:0/96: it must not take IPv4 addresses in. */
	c->return_prefixes[2].len = 80;
	c->n_return_prefixes = 3;
}

/* The rate figures of CFG_RATE and CFG_RATE_ALL, as the controller would derive them. */
void policy_config(struct stampede_config *c)
{
	c->rate_src.interval_ns = RATE_INTERVAL_NS;
	c->rate_src.tau_ns = (RATE_BURST - 1) * RATE_INTERVAL_NS;
	c->rate_src.reset_ns = c->rate_src.tau_ns + RATE_RESET_SLACK * RATE_INTERVAL_NS;
	c->rate_all.interval_ns = RATE_INTERVAL_NS;
	c->rate_all.tau_ns = (RATE_ALL_BURST - 1) * RATE_INTERVAL_NS;
	c->rate_all.reset_ns = c->rate_all.tau_ns + RATE_RESET_SLACK * RATE_INTERVAL_NS;
}

int clock_write(struct env *e, const struct stampede_clock *clk)
{
	__u32 key = 0;

	if (bpf_map_update_elem(e->clock_fd, &key, clk, BPF_ANY))
		return -errno;
	e->clk = *clk;
	return 0;
}

/*
 * The local_set map: our address of each family at index @at (1..8; 0 for
 * none), the other entries filled with addresses that are not ours, our
 * subnet's directed broadcast, and the "more in local_addrs" flags for
 * both families set to @more.
 */
int local_set_write(struct env *e, int at_v4, int at_v6, bool more)
{
	struct stampede_local_set set;
	uint8_t v[16];
	__u32 key = 0;
	int i;

	memset(&set, 0, sizeof(set));
	set.n_v4 = set.n_v6 = STAMPEDE_LOCAL_SET_ADDRS;
	set.more_v4 = set.more_v6 = more;
	for (i = 0; i < STAMPEDE_LOCAL_SET_ADDRS; i++) {
		pb_v4(v, 203, 0, 113, (uint8_t)(10 + i));
		memcpy(&set.v4[i], v, 4);
		pb_v6(set.v6[i].b, 3, (uint16_t)(10 + i));
	}
	if (at_v4) {
		addr_us(4, v);
		memcpy(&set.v4[at_v4 - 1], v, 4);
		set.n_v4 = (uint8_t)at_v4;
	}
	if (at_v6) {
		addr_us(6, set.v6[at_v6 - 1].b);
		set.n_v6 = (uint8_t)at_v6;
	}
	/* Our subnet's directed broadcast, as the controller lists it. */
	addr_us_bcast(v);
	memcpy(&set.bcast_v4[0], v, 4);
	set.n_bcast_v4 = 1;
	if (bpf_map_update_elem(bpf_map__fd(e->skel->maps.local_set), &key, &set, BPF_ANY))
		return -errno;
	return 0;
}

void env_unload(struct env *e)
{
	reflector_obj_destroy(e->skel);
	memset(e, 0, sizeof(*e));
}

/* Opens, configures and loads the reflector; fills local_addrs and clock. */
int env_load(struct env *e, enum cfg_id id, bool tc, char *err, size_t errlen)
{
	const struct cfg_desc *c = &cfgs[id];
	struct stampede_clock clk = {0};
	union stampede_addr a;
	__u8 local = STAMPEDE_ADDR_LOCAL;
	uint8_t v[16];
	int i, ret;

	memset(e, 0, sizeof(*e));
	e->cfg = c;
	e->tc = tc;
	e->reply_ee = c->reply_ee;
	e->skel = reflector_obj_open(tc);
	if (!e->skel) {
		snprintf(err, errlen, "opening the %s object: %s", tc ? "tc" : "XDP",
			 strerror(errno));
		return -1;
	}
	memset(&e->skel->rodata->cfg, 0, sizeof(e->skel->rodata->cfg));
	for (i = 0; i < c->n_ports; i++)
		e->skel->rodata->cfg.ports[i] = htons(c->ports[i]);
	e->skel->rodata->cfg.n_ports = (__u8)c->n_ports;
	for (i = 0; i < c->n_auth_ports; i++)
		e->skel->rodata->cfg.auth_ports[i] = htons(c->auth_ports[i]);
	e->skel->rodata->cfg.n_auth_ports = (__u8)c->n_auth_ports;
	e->skel->rodata->cfg.reply_ttl = c->reply_ttl;
	e->skel->rodata->cfg.flags = c->flags;
	if (c->tlv_options)
		tlv_config(&e->skel->rodata->cfg);
	if (c->policy)
		policy_config((struct stampede_config *)&e->skel->rodata->cfg);
	/* What the controller does: the set mask matches the map, a secret is set. */
	if (c->one_set && bpf_map__set_max_entries(e->skel->maps.sessions, 1)) {
		snprintf(err, errlen, "cannot size the sessions map: %s", strerror(errno));
		env_unload(e);
		return -1;
	}
	e->skel->rodata->cfg.session_set_mask = bpf_map__max_entries(e->skel->maps.sessions) - 1;
	e->skel->rodata->cfg.session_seed = TEST_SESSION_SEED;
	/* As the controller does: the program and fallbacks this kernel takes. */
	reflector_prepare(e->skel, kernel_features(),
			  (struct stampede_config *)&e->skel->rodata->cfg);
	e->flags = e->skel->rodata->cfg.flags;
	verifier_stats_keep(reflector_program(e->skel), e->verifier_log, sizeof(e->verifier_log));
	ret = stampede_bpf__load(e->skel);
	if (ret) {
		snprintf(err, errlen, "stampede_bpf__load: %s%s", strerror(-ret),
			 geteuid() ? " (not root)" : "");
		env_unload(e);
		return -1;
	}
	e->prog_fd = bpf_program__fd(reflector_program(e->skel));
	/* The distance to the verifier's limit, per configuration and kernel. */
	note("verifier: %s on %s: %s processed %ld insns (limit %d)", c->name,
	     kernel_features()->release, bpf_program__name(reflector_program(e->skel)),
	     verifier_processed_insns(e->verifier_log), VERIFIER_INSNS_LIMIT);
	e->stats_fd = bpf_map__fd(e->skel->maps.stats);
	e->sessions_fd = bpf_map__fd(e->skel->maps.sessions);
	e->clock_fd = bpf_map__fd(e->skel->maps.clock);
	e->ncpu = libbpf_num_possible_cpus();

	addr_us(4, v);
	addr_mapped(&a, v);
	ret = bpf_map_update_elem(bpf_map__fd(e->skel->maps.local_addrs), &a, &local, BPF_ANY);
	addr_us(6, a.b);
	ret = ret
		      ?: bpf_map_update_elem(bpf_map__fd(e->skel->maps.local_addrs), &a, &local,
					     BPF_ANY);
	addr_us_bcast(v);
	addr_mapped(&a, v);
	ret = ret
		      ?: bpf_map_update_elem(bpf_map__fd(e->skel->maps.local_addrs), &a,
					     &(__u8){STAMPEDE_ADDR_BROADCAST}, BPF_ANY);
	ret = ret ?: local_set_write(e, 1, 1, c->tlv_options);
	if (!ret && c->tlv_options) {
		addr_us2(4, v);
		addr_mapped(&a, v);
		ret = bpf_map_update_elem(bpf_map__fd(e->skel->maps.local_addrs), &a, &local,
					  BPF_ANY);
		addr_us2(6, a.b);
		ret = ret
			      ?: bpf_map_update_elem(bpf_map__fd(e->skel->maps.local_addrs), &a,
						     &local, BPF_ANY);
	}
	clk.tai_offset_ns = TAI_OFFSET_NS;
	clk.error_estimate = EE_MAP;
	/* As the controller publishes it when the kernel's TAI - UTC is set. */
	clk.ptp_error_estimate = EE_MAP;
	clk.tai_source = STAMPEDE_TAI_KERNEL;
	clk.boot_to_tai_ns = measure_boot_to_tai();
	clk.updated_tai_ns = clock_ns(CLOCK_TAI);
	ret = ret ?: clock_write(e, &clk);
	if (ret || e->ncpu <= 0) {
		snprintf(err, errlen, "filling the maps: %s", strerror(errno));
		env_unload(e);
		return -1;
	}
	return 0;
}

/* Sum of each counter over the CPUs. */
int stats_read(const struct env *e, uint64_t sum[NCNT])
{
	struct stampede_stats *v = calloc((size_t)e->ncpu, sizeof(*v));
	__u32 key = 0;
	int cpu, i, ret = 0;

	memset(sum, 0, NCNT * sizeof(sum[0]));
	if (!v)
		return -ENOMEM;
	if (bpf_map_lookup_elem(e->stats_fd, &key, v))
		ret = -errno;
	for (cpu = 0; !ret && cpu < e->ncpu; cpu++)
		for (i = 0; i < NCNT; i++)
			sum[i] += ((const __u64 *)&v[cpu])[i];
	free(v);
	return ret;
}

/*
 * The tc program's verdicts as the XDP verdicts the checks expect: a
 * reply is a redirect (the test run does not send it), a pass
 * TC_ACT_UNSPEC (the next filter's turn), a drop TC_ACT_SHOT.  Anything else is left out of XDP's range.
 */
static uint32_t xdp_verdict_of_tc(uint32_t tc_ret)
{
	switch (tc_ret) {
	case TC_ACT_REDIRECT:
		return XDP_RET_TX;
	case (uint32_t)TC_ACT_UNSPEC: /* on to the next filter: passed */
		return XDP_RET_PASS;
	case TC_ACT_SHOT:
		return 1; /* XDP_DROP */
	default:
		return 1000 + tc_ret;
	}
}

/* One frame, without the counters: for loops of many frames. */
int run_bare(struct env *e, const uint8_t *in, size_t len, uint8_t *out, size_t out_size,
	     uint32_t *out_len, uint32_t *retval)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = in, .data_size_in = (__u32)len,
		    .data_out = out, .data_size_out = (__u32)out_size, .repeat = 1);
	int ret = bpf_prog_test_run_opts(e->prog_fd, &opts);

	if (ret)
		return ret;
	e->frames++;
	*out_len = opts.data_size_out;
	*retval = e->tc ? xdp_verdict_of_tc(opts.retval) : opts.retval;
	return 0;
}

void run_frame(struct env *e, const uint8_t *in, size_t len, struct run *r)
{
	uint64_t before[NCNT], after[NCNT];
	int i;

	memset(r, 0, offsetof(struct run, out));
	r->err = stats_read(e, before);
	r->t0 = env_now(e);
	r->err = r->err ?: run_bare(e, in, len, r->out, sizeof(r->out), &r->out_len, &r->retval);
	r->t1 = env_now(e);
	r->err = r->err ?: stats_read(e, after);
	for (i = 0; i < NCNT; i++)
		r->delta[i] = after[i] - before[i];
}

/*
 * Whether a tc test run refused the frame for its cut IP header: kernels
 * check an skb's IPv4 or IPv6 header before a tc test run (an skb that
 * reaches tc ingress has at least its Ethernet header; XDP gets any frame).
 */
bool tc_run_refused(const struct env *e, const uint8_t *b, size_t len, const struct run *r)
{
	uint16_t type = len >= 14 ? ck_get16(b + 12) : 0;

	if (!e->tc || r->err != -EINVAL)
		return false;
	return len < 14 || (type == PB_ETH_IPV4 && len < 14 + 20) ||
	       (type == PB_ETH_IPV6 && len < 14 + 40);
}

bool check_ran(struct tc *t, const struct run *r)
{
	return CHECK(t, !r->err, "running the frame failed: %s", strerror(-r->err));
}

/* Every counter moved by exactly what is expected. */
void check_counters(struct tc *t, const uint64_t *delta, const struct cnt *x)
{
	int i;

	for (i = 0; i < NCNT; i++)
		CHECK(t, delta[i] == x->d[i], "counter %s moved by %llu, expected %llu",
		      cnt_name[i], (unsigned long long)delta[i], (unsigned long long)x->d[i]);
}

const uint8_t mac_us[6] = {0x02, 0x00, 0x5e, 0x10, 0x00, 0x01};
const uint8_t mac_peer[6] = {0x02, 0x00, 0x5e, 0x10, 0x00, 0x07};
/* Session-Sender timestamp: copied back, never interpreted */
const uint8_t t1_ts[8] = {0xe9, 0x8f, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc};

/* A Session-Sender base packet with junk in its MBZ octets. */
size_t sender(uint8_t *p, uint32_t seq, uint16_t ssid)
{
	return pb_stamp_sender(p, seq, t1_ts, SENDER_EE, ssid, MBZ_JUNK);
}

/* The standard request: peer -> us, port 40000 -> 862, TTL 57, DSCP EF and
 * ECT(1), IPv4 with DF, a valid UDP checksum. */
void spec_std(struct pb_spec *s, int ipv, const uint8_t *payload, size_t plen)
{
	memset(s, 0, sizeof(*s));
	memcpy(s->dmac, mac_us, 6);
	memcpy(s->smac, mac_peer, 6);
	s->ipv = ipv;
	addr_peer(ipv, s->src);
	addr_us(ipv, s->dst);
	s->tos = 0xb9;
	s->flow = ipv == 6 ? 0x5eed1 : 0;
	s->ttl = SENDER_TTL;
	s->ip_id = 0x1234;
	s->frag = ipv == 4 ? 0x4000 : 0;
	s->sport = SENDER_PORT;
	s->dport = STAMP_PORT;
	s->csum = PB_CSUM_VALID;
	s->payload = payload;
	s->plen = plen;
}

void build(struct pb_frame *f, const struct pb_spec *s)
{
	if (!pb_build(f, s)) {
		fprintf(stderr, "xdp_unit: a test frame does not fit in %d octets\n", PB_MAX_FRAME);
		exit(1);
	}
}

/* The standard request carrying the standard 44-octet sender packet. */
uint8_t std_payload[CK_BASE_LEN];

void set_vlans(struct pb_spec *s, int n)
{
	static const uint16_t tpid[3][3] = {
		{PB_ETH_VLAN}, {PB_ETH_QINQ, PB_ETH_VLAN}, {PB_ETH_QINQ, PB_ETH_VLAN, PB_ETH_VLAN}};
	static const uint16_t tci[3] = {0x00c8, 0xa064, 0x0123};
	int i;

	s->nvlan = n;
	for (i = 0; i < n; i++) {
		s->tpid[i] = tpid[n - 1][i];
		s->tci[i] = tci[3 - n + i];
	}
}

/* 1 to 4 extension headers the reflector skips; routing with Segments Left 0. */
void set_ext_chain(struct pb_spec *s, int n)
{
	static const struct pb_ext chains[5][4] = {
		[1] = {{PB_IP_HBH, 0, 0, 0}},
		[2] = {{PB_IP_HBH, 0, 0, 0}, {PB_IP_DSTOPT, 1, 0, 0}},
		[3] = {{PB_IP_HBH, 1, 0, 0}, {PB_IP_RT, 4, 0, 0}, {PB_IP_DSTOPT, 0, 0, 0}},
		[4] = {{PB_IP_HBH, 0, 0, 0},
		       {PB_IP_DSTOPT, 0, 0, 0},
		       {PB_IP_RT, 2, 0, 0},
		       {PB_IP_DSTOPT, 2, 0, 0}},
	};

	s->next = n;
	memcpy(s->ext, chains[n], sizeof(chains[n]));
}

/* Names the field at frame offset off of a reply to f. */
struct field frame_field(const struct pb_frame *f, size_t off)
{
	static const struct field v4[] = {
		{"IPv4 version/IHL", 0, 1},  {"IPv4 TOS", 1, 1},
		{"IPv4 Total Length", 2, 2}, {"IPv4 Identification", 4, 2},
		{"IPv4 flags/offset", 6, 2}, {"IPv4 TTL", 8, 1},
		{"IPv4 Protocol", 9, 1},     {"IPv4 header checksum", 10, 2},
		{"IPv4 source", 12, 4},	     {"IPv4 destination", 16, 4},
	};
	static const struct field v6[] = {
		{"IPv6 version/class/flow", 0, 4},
		{"IPv6 Payload Length", 4, 2},
		{"IPv6 Next Header", 6, 1},
		{"IPv6 Hop Limit", 7, 1},
		{"IPv6 source", 8, 16},
		{"IPv6 destination", 24, 16},
	};
	static const struct field udp[] = {
		{"UDP source port", 0, 2},
		{"UDP destination port", 2, 2},
		{"UDP Length", 4, 2},
		{"UDP checksum", 6, 2},
	};
	static const struct field stamp[] = {
		{"Sequence Number", CK_R_SEQ, 4},
		{"Timestamp (T3)", CK_R_T3, 8},
		{"Error Estimate", CK_R_EE, 2},
		{"SSID", CK_R_SSID, 2},
		{"Receive Timestamp (T2)", CK_R_T2, 8},
		{"Session-Sender Sequence Number", CK_R_S_SEQ, 4},
		{"Session-Sender Timestamp", CK_R_S_TS, 8},
		{"Session-Sender Error Estimate", CK_R_S_EE, 2},
		{"MBZ (38..39)", CK_R_MBZ0, 2},
		{"Ses-Sender TTL", CK_R_S_TTL, 1},
		{"MBZ (41..43)", CK_R_MBZ1, 3},
	};
	const struct field *tab = NULL;
	size_t n = 0, base = 0, i,
	       udp_end = f->pl + (f->plen > CK_BASE_LEN ? f->plen : CK_BASE_LEN);
	struct field r = {"trailer after the UDP datagram", off, 1};

	if (off < 12)
		return (struct field){off < 6 ? "destination MAC" : "source MAC", off < 6 ? 0 : 6,
				      6};
	if (off < f->l3)
		return (struct field){"VLAN tags/EtherType", 12, f->l3 - 12};
	if (off < f->l3 + f->iphl) {
		base = f->l3;
		tab = f->ipv == 4 ? v4 : v6;
		n = f->ipv == 4 ? ARRAY_SIZE(v4) : ARRAY_SIZE(v6);
		r = (struct field){"IPv4 options", f->l3 + 20, f->iphl - 20};
	} else if (off < f->l4) {
		return (struct field){"IPv6 extension headers", f->l3 + 40, f->ext_len};
	} else if (off < f->pl) {
		base = f->l4;
		tab = udp;
		n = ARRAY_SIZE(udp);
	} else if (off < f->pl + CK_BASE_LEN) {
		base = f->pl;
		tab = stamp;
		n = ARRAY_SIZE(stamp);
	} else if (off < udp_end) {
		return (struct field){"TLV area", off, 1};
	}
	for (i = 0; i < n; i++)
		if (off >= base + tab[i].start && off < base + tab[i].start + tab[i].len)
			return (struct field){tab[i].name, base + tab[i].start, tab[i].len};
	return r;
}

/* The checksum field holds an equal one's complement value (0 and 0xffff). */
bool ones_equal(uint16_t a, uint16_t b)
{
	return a % 0xffff == b % 0xffff;
}

uint16_t ipv4_hdr_sum(const uint8_t *ip)
{
	return ck_fold(ck_sum(0, ip, (size_t)(ip[0] & 0x0f) * 4));
}

/* Folded sum over pseudo-header and UDP datagram of the frame at l3/l4. */
uint16_t udp_sum(const uint8_t *b, int ipv, size_t l3, size_t l4, size_t udplen)
{
	const uint8_t *ip = b + l3;

	return ck_udp_verify_sum(ipv, ip + (ipv == 4 ? 12 : 8), ip + (ipv == 4 ? 16 : 24), b + l4,
				 (uint32_t)udplen);
}

/* Decodes a reply timestamp into [lo, hi] TAI ns; false if it is not valid. */
bool decode_ts(const struct env *e, const uint8_t *ts, uint64_t ref, uint64_t *lo, uint64_t *hi)
{
	if (e->cfg->flags & STAMPEDE_F_PTP) {
		/* PTP is TAI: CLOCK_TAI plus what the controller adds when the kernel's offset is unset. */
		if (ck_ptp_to_tai(ts, ref + (uint64_t)e->clk.ptp_adjust_ns, lo, hi))
			return false;
		*lo -= (uint64_t)e->clk.ptp_adjust_ns;
		*hi -= (uint64_t)e->clk.ptp_adjust_ns;
		return true;
	}
	ck_ntp_to_tai(ts, e->clk.tai_offset_ns, ref, lo, hi);
	return true;
}

/* before <= T2 <= T3 <= after, on the program's clock; T2 into t2_iv (if set). */
void check_timestamps(struct tc *t, const struct env *e, const struct run *r, size_t pl,
		      uint64_t t2_iv[2])
{
	const uint8_t *t3p = r->out + pl + CK_R_T3, *t2p = r->out + pl + CK_R_T2;
	uint64_t t2lo, t2hi, t3lo, t3hi;
	char a[32], b[32];

	hex(a, sizeof(a), t2p, 8);
	hex(b, sizeof(b), t3p, 8);
	if (!CHECK(t, decode_ts(e, t2p, r->t0, &t2lo, &t2hi), "T2 %s: nanoseconds >= 10^9", a) ||
	    !CHECK(t, decode_ts(e, t3p, r->t0, &t3lo, &t3hi), "T3 %s: nanoseconds >= 10^9", b))
		return;
	CHECK(t, t2hi >= r->t0, "T2 %s decodes to %llu ns TAI, %lld ns before the run started", a,
	      (unsigned long long)t2lo, (long long)(r->t0 - t2hi));
	CHECK(t, t3lo <= r->t1, "T3 %s decodes to %llu ns TAI, %lld ns after the run ended", b,
	      (unsigned long long)t3lo, (long long)(t3lo - r->t1));
	CHECK(t, t2lo <= t3hi, "T2 %s is %lld ns after T3 %s", a, (long long)(t2lo - t3hi), b);
	/* One clock read unless clock-reads 2: T3 is T2. */
	if (!(e->cfg->flags & STAMPEDE_F_T3_READ))
		CHECK(t, !memcmp(t2p, t3p, 8), "T3 %s differs from T2 %s with one clock read", b,
		      a);
	if (t2_iv) {
		t2_iv[0] = t2lo;
		t2_iv[1] = t2hi;
	}
}

void check_csums(struct tc *t, const struct pb_frame *f, const struct run *r, size_t grow)
{
	size_t udplen = ck_get16(f->b + f->l4 + 4) + grow;
	uint16_t req_ck = ck_get16(f->b + f->l4 + 6), rep_ck = ck_get16(r->out + f->l4 + 6);
	uint16_t req_sum, rep_sum;

	if (f->ipv == 4) {
		req_sum = ipv4_hdr_sum(f->b + f->l3);
		rep_sum = ipv4_hdr_sum(r->out + f->l3);
		CHECK(t, ones_equal(rep_sum, req_sum),
		      "IPv4 header checksum 0x%04x: the reply header sums to 0x%04x, the "
		      "request's summed to 0x%04x (0xffff is valid)",
		      ck_get16(r->out + f->l3 + 10), rep_sum, req_sum);
	}
	if (f->ipv == 4 && !req_ck) {
		CHECK(t, rep_ck == 0, "UDP checksum 0x%04x, expected 0: the IPv4 request had none",
		      rep_ck);
		return;
	}
	CHECK(t, rep_ck != 0, "UDP checksum 0 (the request had 0x%04x)", req_ck);
	if (f->l4 + udplen > r->out_len)
		return;
	req_sum = udp_sum(f->b, f->ipv, f->l3, f->l4, udplen - grow);
	rep_sum = udp_sum(r->out, f->ipv, f->l3, f->l4, udplen);
	CHECK(t, ones_equal(rep_sum, req_sum),
	      "UDP checksum 0x%04x: the reply sums to 0x%04x, the request (checksum 0x%04x) "
	      "summed to 0x%04x (0xffff is valid)",
	      rep_ck, rep_sum, req_ck, req_sum);
}

/*
 * The reply to request f, run as r: the request with MACs, addresses and
 * ports swapped, TTL/Hop Limit cfg.reply_ttl, lengths grown for TWAMP-Light
 * and the 44-octet reflector packet over the payload; checksums verified,
 * timestamps inside the run, counters.  t2_iv (may be NULL) gets T2.
 */
void check_reply_t2(struct tc *t, const struct env *e, const struct pb_frame *f,
		    const struct run *r, const struct rexp *x, uint64_t t2_iv[2])
{
	size_t twamp_grow = f->plen < CK_BASE_LEN ? CK_BASE_LEN - f->plen : 0;
	/* Unsigned, wrapping for a shrink: lengths add it modulo 2^64. */
	size_t grow = twamp_grow ? twamp_grow : (size_t)x->resize;
	size_t n = grow ? f->ip_end + grow : f->len, i, addr = f->ipv == 4 ? 12 : 8;
	size_t alen = f->ipv == 4 ? 4 : 16, shown = 0;
	static uint8_t E[OUT_MAX], M[OUT_MAX];
	const uint8_t *q = f->b + f->pl;
	uint8_t *ip = E + f->l3, *u = E + f->l4, *p = E + f->pl;
	struct cnt c = x->extra;
	char a[64], b[64];

	if (!check_ran(t, r))
		return;
	CHECK(t, r->retval == XDP_RET_TX, "retval %u, expected XDP_TX (3)", r->retval);
	if (!CHECK(t, r->out_len == f->len + grow, "reply is %u octets, expected %zu (request %zu)",
		   r->out_len, f->len + grow, f->len))
		n = n < r->out_len ? n : r->out_len;

	/* The expected reply; M[i] is 0 where a value is checked elsewhere. */
	memset(E, 0, n);
	memcpy(E, f->b, n < f->len ? n : f->len);
	memset(M, 1, n);
	memcpy(E, f->b + 6, 6);
	memcpy(E + 6, f->b, 6);
	memcpy(ip + addr, x->src ? x->src : f->b + f->l3 + addr + alen, alen);
	memcpy(ip + addr + alen, x->dst ? x->dst : f->b + f->l3 + addr, alen);
	if (f->ipv == 4) {
		ip[8] = e->cfg->reply_ttl;
		ck_put16(ip + 2, (uint16_t)(ck_get16(ip + 2) + grow));
		M[f->l3 + 10] = M[f->l3 + 11] = 0;
		if (x->tos_set)
			ip[1] = x->tos;
	} else {
		ip[7] = e->cfg->reply_ttl;
		ck_put16(ip + 4, (uint16_t)(ck_get16(ip + 4) + grow));
		if (x->tos_set) {
			ip[0] = (uint8_t)(0x60 | x->tos >> 4);
			ip[1] = (uint8_t)((x->tos & 0x0f) << 4 | (ip[1] & 0x0f));
		}
	}
	ck_put16(u, ck_get16(f->b + f->l4 + 2));
	ck_put16(u + 2, ck_get16(f->b + f->l4));
	ck_put16(u + 4, (uint16_t)(ck_get16(u + 4) + grow));
	M[f->l4 + 6] = M[f->l4 + 7] = 0;

	memset(p, 0, CK_BASE_LEN);
	ck_put32(p + CK_R_SEQ, x->seq_set ? x->seq : ck_get32(q + CK_S_SEQ));
	memset(M + f->pl + CK_R_T3, 0, 8);
	ck_put16(p + CK_R_EE, e->reply_ee);
	ck_put16(p + CK_R_SSID, f->plen >= 16 ? ck_get16(q + CK_S_SSID) : 0);
	memset(M + f->pl + CK_R_T2, 0, 8);
	memcpy(p + CK_R_S_SEQ, q + CK_S_SEQ, 4);
	memcpy(p + CK_R_S_TS, q + CK_S_TS, 8);
	memcpy(p + CK_R_S_EE, q + CK_S_EE, 2);
	p[CK_R_S_TTL] = f->b[f->l3 + (f->ipv == 4 ? 8 : 7)];
	if (x->tlv && f->plen > CK_BASE_LEN)
		memcpy(p + CK_BASE_LEN, x->tlv, f->plen + grow - CK_BASE_LEN);

	for (i = 0; i < n && shown < 3; i++) {
		struct field fl;

		if (!M[i] || E[i] == r->out[i])
			continue;
		fl = frame_field(f, i);
		if (fl.len > 16 || fl.start + fl.len > n)
			fl = (struct field){fl.name, i, 1};
		hex(a, sizeof(a), E + fl.start, fl.len);
		hex(b, sizeof(b), r->out + fl.start, fl.len);
		failf(t, "%s (frame octets %zu..%zu): expected %s, got %s", fl.name, fl.start,
		      fl.start + fl.len - 1, a, b);
		shown++;
		i = fl.start + fl.len - 1;
	}
	if (r->out_len >= f->pl + CK_BASE_LEN) {
		check_csums(t, f, r, grow);
		check_timestamps(t, e, r, f->pl, t2_iv);
	}
	c.d[STAMPEDE_CNT_reflected] += 1;
	if (twamp_grow)
		c.d[STAMPEDE_CNT_twamp_light] += 1;
	check_counters(t, r->delta, &c);
}

void check_reply(struct tc *t, const struct env *e, const struct pb_frame *f, const struct run *r,
		 const struct rexp *x)
{
	check_reply_t2(t, e, f, r, x, NULL);
}

/* Runs request f and checks it comes back as the reply x describes. */
void reflect_check(struct env *e, struct tc *t, const struct pb_frame *f, const struct rexp *x)
{
	static struct run r;

	run_frame(e, f->b, f->len, &r);
	check_reply(t, e, f, &r, x);
}

const struct rexp plain = {0};

/* XDP_PASS, the frame byte for byte as it was, exactly counter +1. */
void check_passed(struct tc *t, const uint8_t *in, size_t len, const struct run *r, int counter)
{
	struct cnt c = {0};
	size_t i, n = len < r->out_len ? len : r->out_len;

	if (!check_ran(t, r))
		return;
	CHECK(t, r->retval == XDP_RET_PASS, "retval %u, expected XDP_PASS (2)", r->retval);
	CHECK(t, r->out_len == len, "frame is %u octets, expected %zu unchanged", r->out_len, len);
	for (i = 0; i < n; i++)
		if (in[i] != r->out[i])
			break;
	CHECK(t, i == n, "frame changed at octet %zu: 0x%02x became 0x%02x", i, in[i],
	      r->out[i < n ? i : 0]);
	if (counter >= 0) /* -1: nothing may be counted */
		c.d[counter] = 1;
	check_counters(t, r->delta, &c);
}

void pass_check(struct env *e, struct tc *t, const struct pb_frame *f, int counter)
{
	static struct run r;

	run_frame(e, f->b, f->len, &r);
	check_passed(t, f->b, f->len, &r, counter);
}

/* The standard request from @src to @dst (4 or 16 octets; NULL: the usual address). */
void std_addrs(struct pb_frame *f, int ipv, const uint8_t *src, const uint8_t *dst)
{
	struct pb_spec s;

	STD_SPEC(s, ipv);
	if (src)
		memcpy(s.src, src, ipv == 4 ? 4 : 16);
	if (dst)
		memcpy(s.dst, dst, ipv == 4 ? 4 : 16);
	build(f, &s);
}

/* An untagged request without IPv4 options or IPv6 extension headers. */
void frame_of(struct pb_frame *f, const uint8_t *b, size_t n, int ipv)
{
	memset(f, 0, sizeof(*f));
	memcpy(f->b, b, n);
	f->len = n;
	f->ipv = ipv;
	f->l3 = 14;
	f->iphl = ipv == 4 ? 20 : 40;
	f->l4 = f->l3 + f->iphl;
	f->pl = f->l4 + 8;
	f->plen = n - f->pl;
	f->ip_end = n;
}

/* The local_addrs key of an address of the frame (IPv4 as ::ffff:a.b.c.d). */
void key_of(union stampede_addr *k, int ipv, const uint8_t *a)
{
	if (ipv == 4)
		addr_mapped(k, a);
	else
		memcpy(k->b, a, 16);
}

void tb_init(struct tlvbuf *b)
{
	b->n = sender(b->pl, DEFAULT_SEQ, SSID);
}

/* A TLV whose Length says len but with only have value octets (have < len:
 * it overruns); the reply's flags are reply. */
void tb_tlv_cut(struct tlvbuf *b, uint8_t flags, uint8_t type, uint16_t len, size_t have,
		uint8_t reply)
{
	size_t off = b->n;

	pb_tlv(b->pl + off, flags, type, (uint16_t)have, (uint8_t)(off * 3));
	ck_put16(b->pl + off + 2, len);
	b->n += 4 + have;
	memcpy(b->exp + off - CK_BASE_LEN, b->pl + off, b->n - off);
	b->exp[off - CK_BASE_LEN] = reply;
}

void tb_tlv(struct tlvbuf *b, uint8_t flags, uint8_t type, uint16_t len, uint8_t reply)
{
	tb_tlv_cut(b, flags, type, len, len, reply);
}

/* Octets copied as they are; the first one's reply is first_reply. */
void tb_raw(struct tlvbuf *b, const uint8_t *p, size_t n, uint8_t first_reply)
{
	memcpy(b->pl + b->n, p, n);
	memcpy(b->exp + b->n - CK_BASE_LEN, p, n);
	b->exp[b->n - CK_BASE_LEN] = first_reply;
	b->n += n;
}

void tb_reflect(struct env *e, struct tc *t, int ipv, const struct tlvbuf *b,
		const struct cnt *extra)
{
	struct rexp x = {.tlv = b->exp, .extra = *extra};
	struct pb_spec s;
	static struct pb_frame f;

	spec_std(&s, ipv, b->pl, b->n);
	build(&f, &s);
	reflect_check(e, t, &f, &x);
}

struct tlvbuf tb;

void arp_request(struct pb_frame *f, int nvlan)
{
	uint8_t *b = f->b;
	size_t o = 12;

	memset(f, 0, sizeof(*f));
	memset(b, 0xff, 6);
	memcpy(b + 6, mac_peer, 6);
	if (nvlan) {
		ck_put16(b + 12, PB_ETH_VLAN);
		ck_put16(b + 14, 0x0064);
		o += 4;
	}
	ck_put16(b + o, PB_ETH_ARP);
	o += 2;
	ck_put32(b + o, 0x00010800);	 /* Ethernet, IPv4 */
	ck_put32(b + o + 4, 0x06040001); /* sizes, request */
	memcpy(b + o + 8, mac_peer, 6);
	addr_peer(4, b + o + 14);
	addr_us(4, b + o + 24);
	f->len = 60 + (size_t)nvlan * 4;
}

void mk_arp(struct pb_frame *f)
{
	arp_request(f, 0);
}

/* Another upper-layer protocol carrying 40 octets. */
void other_proto(struct pb_frame *f, int ipv, uint8_t proto)
{
	uint8_t l4[40] = {0};
	struct pb_spec s;

	/* source port 40000, destination port 862 where a port would be */
	ck_put16(l4, SENDER_PORT);
	ck_put16(l4 + 2, STAMP_PORT);
	if (proto == PB_IP_TCP) {
		l4[12] = 0x50;
		l4[13] = 0x02; /* SYN */
	} else {
		l4[0] = proto == PB_IP_ICMP ? 8 : 128; /* echo request */
		l4[1] = 0;
	}
	spec_std(&s, ipv, l4, sizeof(l4));
	s.proto = proto;
	build(f, &s);
}

void mk_v4_tcp(struct pb_frame *f)
{
	other_proto(f, 4, PB_IP_TCP);
}

void mk_v4_icmp(struct pb_frame *f)
{
	other_proto(f, 4, PB_IP_ICMP);
}

void mk_v6_icmpv6(struct pb_frame *f)
{
	other_proto(f, 6, PB_IP_ICMPV6);
}

/* A TLV with the given value; the reply must carry @reply_flags and @reply_value. */
void tb_tlv_value(struct tlvbuf *b, uint8_t type, const uint8_t *value, uint16_t len,
		  uint8_t reply_flags, const uint8_t *reply_value)
{
	size_t off = b->n;

	b->pl[off] = STAMP_TLV_FLAG_U;
	b->pl[off + 1] = type;
	ck_put16(b->pl + off + 2, len);
	memcpy(b->pl + off + 4, value, len);
	b->n += 4u + len;
	memcpy(b->exp + off - CK_BASE_LEN, b->pl + off, 4);
	b->exp[off - CK_BASE_LEN] = reply_flags;
	memcpy(b->exp + off - CK_BASE_LEN + 4, reply_value, len);
}

void put_sub(uint8_t *p, uint8_t flags, uint8_t type, uint16_t len)
{
	p[0] = flags;
	p[1] = type;
	ck_put16(p + 2, len);
}
