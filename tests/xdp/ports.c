// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Ports, TTL and the loop guard. */
#include "xdp_test.h"

struct port_case {
	int ipv;
	uint16_t sport, dport;
};

/* A request between the given ports is answered (ports swapped). */
static void t_port_reflected(struct env *e, struct tc *t, const void *arg)
{
	const struct port_case *pc = arg;
	static struct run r;
	static struct pb_frame f;
	struct pb_spec s;

	STD_SPEC(s, pc->ipv);
	s.sport = pc->sport;
	s.dport = pc->dport;
	build(&f, &s);
	run_frame(e, f.b, f.len, &r);
	check_reply(t, e, &f, &r, &plain);
	if (!r.err && r.out_len > f.l3 + 8)
		CHECK(t, r.out[f.l3 + (pc->ipv == 4 ? 8 : 7)] == e->cfg->reply_ttl,
		      "TTL/Hop Limit %u, expected %u", r.out[f.l3 + (pc->ipv == 4 ? 8 : 7)],
		      e->cfg->reply_ttl);
}

static const struct test tests[] = {
	/* loop guard off */
	{"noloop_v4_sport862_reflected", CFG_NOLOOP, t_port_reflected,
	 ARG(struct port_case, 4, STAMP_PORT, STAMP_PORT)},
	{"noloop_v6_sport862_reflected", CFG_NOLOOP, t_port_reflected,
	 ARG(struct port_case, 6, STAMP_PORT, STAMP_PORT)},
	{"auth_v4_862_reflected", CFG_AUTH, t_port_reflected,
	 ARG(struct port_case, 4, SENDER_PORT, STAMP_PORT)},
	/* custom ports and TTL */
	{"ports_v4_5000_reflected_ttl64", CFG_PORTS, t_port_reflected,
	 ARG(struct port_case, 4, SENDER_PORT, 5000)},
	{"ports_v6_5001_reflected_ttl64", CFG_PORTS, t_port_reflected,
	 ARG(struct port_case, 6, SENDER_PORT, 5001)},
	{"ports_v4_sport862_reflected", CFG_PORTS, t_port_reflected,
	 ARG(struct port_case, 4, STAMP_PORT, 5001)},
};

const struct xdp_rule xdp_rule_ports = {"ports", tests, ARRAY_SIZE(tests)};
