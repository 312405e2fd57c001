// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Random configurations: what `stampede attach` could set (ports, modes,
 * TLV options) and what the controller writes in the maps (the interface's
 * addresses, its subnets' directed broadcasts, the node's other addresses,
 * the clock's Error Estimate).  Addresses come from fixed pools inside
 * 198.18.0.0/15 and 2001:db8::/32, so that frames can aim at them.
 */
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include "stampede_kern_user.h"
#include "fuzz.h"

static void v4(struct fz_addr *a, uint8_t x, uint8_t y, uint8_t z, uint8_t w)
{
	memset(a, 0, sizeof(*a));
	a->ipv = 4;
	a->a[0] = x;
	a->a[1] = y;
	a->a[2] = z;
	a->a[3] = w;
}

/* 2001:db8:HI::LO */
static void v6(struct fz_addr *a, uint16_t hi, uint16_t lo)
{
	memset(a, 0, sizeof(*a));
	a->ipv = 6;
	a->a[0] = 0x20;
	a->a[1] = 0x01;
	a->a[2] = 0x0d;
	a->a[3] = 0xb8;
	a->a[4] = (uint8_t)(hi >> 8);
	a->a[5] = (uint8_t)hi;
	a->a[14] = (uint8_t)(lo >> 8);
	a->a[15] = (uint8_t)lo;
}

/*
 * The interface's candidate addresses: IPv4 198.18.(i % 6).(i + 1), in a
 * /24 unless i % 3 == 2 (a /32, no broadcast); IPv6 2001:db8:1::(i + 1).
 */
void pool_local(int ipv, int i, struct fz_addr *a)
{
	if (ipv == 4)
		v4(a, 198, 18, (uint8_t)(i % 6), (uint8_t)(i + 1));
	else
		v6(a, 1, (uint16_t)(i + 1));
}

static bool pool_local_has_bcast(int i)
{
	return i % 3 != 2;
}

/* Other interfaces' addresses: 198.18.9.(i + 1), 2001:db8:9::(i + 1). */
void pool_node(int ipv, int i, struct fz_addr *a)
{
	if (ipv == 4)
		v4(a, 198, 18, 9, (uint8_t)(i + 1));
	else
		v6(a, 9, (uint16_t)(i + 1));
}

/* Session-Senders: 198.19.(i >> 8).(i & 255), 2001:db8:2::i (i below 65536). */
void pool_peer(int ipv, int i, struct fz_addr *a)
{
	if (ipv == 4)
		v4(a, 198, 19, (uint8_t)(i >> 8), (uint8_t)i);
	else
		v6(a, 2, (uint16_t)i);
}

bool config_has_addr(const struct fz_cfg *c, const struct fz_addr *a, int tag)
{
	int i;

	for (i = 0; i < c->n_addrs; i++)
		if (c->addrs[i].tag == (enum fz_tag)tag && c->addrs[i].addr.ipv == a->ipv &&
		    !memcmp(c->addrs[i].addr.a, a->a, a->ipv == 4 ? 4 : 16))
			return true;
	return false;
}

static void add_addr(struct fz_cfg *c, const struct fz_addr *a, enum fz_tag tag)
{
	int i;

	if (c->n_addrs >= FZ_MAX_ADDRS)
		return;
	/* One tag per address, as in the hash; an address stays an address. */
	for (i = 0; i < c->n_addrs; i++)
		if (c->addrs[i].addr.ipv == a->ipv &&
		    !memcmp(c->addrs[i].addr.a, a->a, a->ipv == 4 ? 4 : 16))
			return;
	c->addrs[c->n_addrs].addr = *a;
	c->addrs[c->n_addrs].tag = tag;
	c->n_addrs++;
}

static uint16_t draw_port(uint64_t *rng)
{
	static const uint16_t common[] = {862, 863, 5000, 5001, 5002, 4000};

	if (fz_pct(rng, 60))
		return common[fz_below(rng, sizeof(common) / sizeof(common[0]))];
	return (uint16_t)(1024 + fz_below(rng, 64512));
}

static bool port_in(const uint16_t *p, int n, uint16_t port)
{
	int i;

	for (i = 0; i < n; i++)
		if (p[i] == port)
			return true;
	return false;
}

static void add_prefix(struct fz_cfg *c, const struct fz_addr *a, int len)
{
	int bits = a->ipv == 4 ? 32 : 128, i;
	struct fz_addr p = *a;

	if (c->n_return_prefixes >= FZ_MAX_PREFIXES)
		return;
	for (i = len; i < bits; i++)
		p.a[i / 8] &= (uint8_t) ~(0x80 >> (i % 8));
	c->return_prefixes[c->n_return_prefixes].addr = p;
	c->return_prefixes[c->n_return_prefixes].len = len;
	c->n_return_prefixes++;
}

/* A prefix of @len bits over @a, its host bits cleared. */
static void add_allow(struct fz_cfg *c, const struct fz_addr *a, int len)
{
	int bits = a->ipv == 4 ? 32 : 128, i;
	struct fz_addr p = *a;

	if (c->n_allow >= FZ_MAX_ALLOW)
		return;
	for (i = len; i < bits; i++)
		p.a[i / 8] &= (uint8_t) ~(0x80 >> (i % 8));
	c->allow[c->n_allow].addr = p;
	c->allow[c->n_allow].len = len;
	c->n_allow++;
}

/*
 * An allow-list of one to five prefixes, of either family: some cover the
 * frequent senders (pool_peer 0..15) or some of them, some every sender of
 * a family, some none; ::/0 and ::ffff:0:0/96 must cover no IPv4 sender.
 */
static void draw_allow(struct fz_cfg *c, uint64_t *rng)
{
	static const int v4_len[] = {16, 24, 28, 29, 30, 31, 32};
	static const int v6_len[] = {48, 64, 112, 124, 125, 126, 127, 128};
	struct fz_addr a;
	int n = 1 + (int)fz_below(rng, 5), i, k, ipv;

	for (i = 0; i < n; i++) {
		switch (fz_below(rng, 8)) {
		case 0:
			pool_peer(4, (int)fz_below(rng, 16), &a);
			add_allow(c, &a, v4_len[fz_below(rng, sizeof(v4_len) / sizeof(v4_len[0]))]);
			break;
		case 1:
			pool_peer(6, (int)fz_below(rng, 16), &a);
			add_allow(c, &a, v6_len[fz_below(rng, sizeof(v6_len) / sizeof(v6_len[0]))]);
			break;
		case 2: /* the other interfaces' (NODE) or ours: sources the rules may answer */
			if (fz_pct(rng, 50))
				pool_node(fz_pct(rng, 50) ? 4 : 6, 0, &a);
			else
				pool_local(fz_pct(rng, 50) ? 4 : 6, 0, &a);
			add_allow(c, &a, a.ipv == 4 ? 24 : 64);
			break;
		case 3: /* a whole family */
			memset(&a, 0, sizeof(a));
			a.ipv = fz_pct(rng, 50) ? 4 : 6;
			add_allow(c, &a, 0);
			break;
		case 4: /* IPv6's IPv4-mapped block, or ::ffff:198.19.0.0/112: no IPv4 sender */
			memset(&a, 0, sizeof(a));
			a.ipv = 6;
			a.a[10] = a.a[11] = 0xff;
			a.a[12] = 198;
			a.a[13] = 19;
			add_allow(c, &a, fz_pct(rng, 50) ? 96 : 112);
			break;
		case 5: /* a peer further out, most of the time not sending */
			ipv = fz_pct(rng, 50) ? 4 : 6;
			pool_peer(ipv, (int)fz_below(rng, 65536), &a);
			add_allow(c, &a,
				  ipv == 4 ? 20 + (int)fz_below(rng, 13)
					   : 112 + (int)fz_below(rng, 17));
			break;
		default: /* anywhere, any length */
			memset(&a, 0, sizeof(a));
			a.ipv = fz_pct(rng, 50) ? 4 : 6;
			for (k = 0; k < 16; k++)
				a.a[k] = (uint8_t)fz_rand(rng);
			if (a.ipv == 4)
				memset(a.a + 4, 0, 12);
			add_allow(c, &a, (int)fz_below(rng, a.ipv == 4 ? 33 : 129));
			break;
		}
	}
}

/* PPS and BURST: mostly low enough to bite within a batch, sometimes not at all. */
static void draw_rate(uint64_t *rng, uint32_t *pps, uint32_t *burst)
{
	*pps = fz_pct(rng, 70) ? 1 + fz_below(rng, 50) : 1 + fz_below(rng, STAMPEDE_RATE_MAX_PPS);
	if (fz_pct(rng, 30)) /* the default: one second's worth */
		*burst = *pps < STAMPEDE_RATE_MAX_BURST ? *pps : STAMPEDE_RATE_MAX_BURST;
	else
		*burst = 1 + fz_below(rng, fz_pct(rng, 70) ? 8 : STAMPEDE_RATE_MAX_BURST);
}

/* The load-time part: ports, modes, TLV options. */
void config_draw(struct fz_cfg *c, uint64_t *rng)
{
	static const uint16_t mtus[] = {0, 1500, 9000, 576, 1280};
	struct fz_addr a;
	uint32_t k;
	int i, n;

	memset(c, 0, sizeof(*c));
	if (fz_pct(rng, 40))
		c->flags |= STAMPEDE_F_STATEFUL;
	if (fz_pct(rng, 30))
		c->flags |= STAMPEDE_F_PTP;
	if (fz_pct(rng, 15))
		c->flags |= STAMPEDE_F_NO_LOOP_GUARD;
	if (fz_pct(rng, 10))
		c->flags |= STAMPEDE_F_CLOCK_BOOT;
	if (fz_pct(rng, 25))
		c->flags |= STAMPEDE_F_T3_READ;
	if (fz_pct(rng, 50))
		c->flags |= STAMPEDE_F_COUNT_OTHER;
	if (fz_pct(rng, 20))
		c->flags |= STAMPEDE_F_COS_REFUSE;
	if (fz_pct(rng, 30))
		c->flags |= STAMPEDE_F_MICRO_SESSION;
	if (fz_pct(rng, 40))
		c->flags |= STAMPEDE_F_REFLECTED_CTL;
	if (fz_pct(rng, 30))
		c->flags |= STAMPEDE_F_RETURN_ADDR;

	n = 1 + (int)fz_below(rng, fz_pct(rng, 70) ? 1 : 4);
	while (c->n_ports < n) {
		uint16_t p = draw_port(rng);

		if (!port_in(c->ports, c->n_ports, p))
			c->ports[c->n_ports++] = p;
	}
	n = (int)fz_below(rng, fz_pct(rng, 60) ? 1 : 3);
	while (c->n_auth_ports < n) {
		uint16_t p = draw_port(rng);

		if (!port_in(c->ports, c->n_ports, p) &&
		    !port_in(c->auth_ports, c->n_auth_ports, p))
			c->auth_ports[c->n_auth_ports++] = p;
	}
	c->reply_ttl = fz_pct(rng, 50)	 ? 255
		       : fz_pct(rng, 50) ? 64
					 : (uint8_t)(1 + fz_below(rng, 255));
	if (c->flags & STAMPEDE_F_MICRO_SESSION)
		c->micro_session_id = (uint16_t)(1 + fz_below(rng, 0xffff));
	c->mtu = mtus[fz_below(rng, sizeof(mtus) / sizeof(mtus[0]))];
	c->reply_max = fz_pct(rng, 50) ? 1452 : (uint16_t)(44 + fz_below(rng, 3000));
	c->amplify = fz_pct(rng, 40) ? 1 : (uint8_t)(1 + fz_below(rng, STAMPEDE_MAX_AMPLIFY));
	if (c->flags & STAMPEDE_F_RETURN_ADDR) {
		n = (int)fz_below(rng, 5);
		for (i = 0; i < n; i++) {
			switch (fz_below(rng, 6)) {
			case 0: /* every peer */
				pool_peer(4, 0, &a);
				add_prefix(c, &a, 16);
				break;
			case 1:
				pool_peer(4, (int)fz_below(rng, 4) << 8, &a);
				add_prefix(c, &a, 24);
				break;
			case 2:
				pool_peer(6, 0, &a);
				add_prefix(c, &a, 48);
				break;
			case 3: /* covers our own addresses: they must still be refused */
				pool_local(4, 0, &a);
				add_prefix(c, &a, 15);
				break;
			case 4:
				pool_local(6, 0, &a);
				add_prefix(c, &a, 32);
				break;
			default: /* an IPv6 prefix over ::ffff:0:0/96: no IPv4 address inside */
				memset(&a, 0, sizeof(a));
				a.ipv = 6;
				add_prefix(c, &a, 80);
				break;
			}
		}
	}
	c->one_set = (c->flags & STAMPEDE_F_STATEFUL) && fz_pct(rng, 25);
	/*
	 * Last: the rest of a seed's configurations stays what it was before
	 * these.  One draw picks the source policy: 0-24 an allow-list, 25-44
	 * rate-limit, 45-54 both, 55-59 rate-limit-all, 60-64 both rate
	 * limits, 65-99 none.
	 */
	k = fz_below(rng, 100);
	if (k < 25 || (k >= 45 && k < 55))
		draw_allow(c, rng);
	if ((k >= 25 && k < 55) || (k >= 60 && k < 65))
		draw_rate(rng, &c->rate_pps, &c->rate_burst);
	if (k >= 55 && k < 65)
		draw_rate(rng, &c->rate_all_pps, &c->rate_all_burst);
	if (c->n_allow)
		c->flags |= STAMPEDE_F_ALLOW;
	if (c->rate_pps)
		c->flags |= STAMPEDE_F_RATE_SRC;
	if (c->rate_all_pps)
		c->flags |= STAMPEDE_F_RATE_ALL;
}

/* The map part: the interface's addresses, broadcasts, node addresses, clock. */
void config_draw_maps(struct fz_cfg *c, uint64_t *rng)
{
	struct fz_addr a;
	int n4, n6, nn, i;

	c->n_addrs = 0;
	/* Mostly a few addresses; sometimes more than the set's 8 (the hash path). */
	n4 = (int)fz_below(rng, fz_pct(rng, 80) ? 4 : FZ_POOL_LOCAL + 1);
	n6 = (int)fz_below(rng, fz_pct(rng, 80) ? 4 : FZ_POOL_LOCAL + 1);
	if (!n4 && !n6)
		n4 = n6 = 1;
	for (i = 0; i < n4; i++) {
		pool_local(4, i, &a);
		add_addr(c, &a, FZ_TAG_LOCAL);
	}
	for (i = 0; i < n6; i++) {
		pool_local(6, i, &a);
		add_addr(c, &a, FZ_TAG_LOCAL);
	}
	for (i = 0; i < n4; i++) {
		if (!pool_local_has_bcast(i))
			continue;
		pool_local(4, i, &a);
		a.a[3] = 255;
		add_addr(c, &a, FZ_TAG_BROADCAST);
	}
	nn = (int)fz_below(rng, FZ_POOL_NODE + 1);
	for (i = 0; i < nn; i++) {
		pool_node(4, i, &a);
		add_addr(c, &a, FZ_TAG_NODE);
		pool_node(6, i, &a);
		add_addr(c, &a, FZ_TAG_NODE);
	}
	c->error_estimate = (uint16_t)((fz_rand(rng) & 0xbf00) | (1 + fz_below(rng, 255)));
	c->ptp_error_estimate = (uint16_t)((fz_rand(rng) & 0xbf00) | (1 + fz_below(rng, 255)));
}

/* " a.b.c.d/n" or " x:x::/n" appended at *o. */
static void describe_prefix(const struct fz_addr *a, int len, char *buf, size_t size, size_t *o)
{
	char text[INET6_ADDRSTRLEN];
	int n;

	inet_ntop(a->ipv == 4 ? AF_INET : AF_INET6, a->a, text, sizeof(text));
	n = snprintf(buf + *o, *o < size ? size - *o : 0, " %s/%d", text, len);
	if (n > 0)
		*o += (size_t)n;
}

void config_describe(const struct fz_cfg *c, char *buf, size_t size)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} fl[] = {
		{STAMPEDE_F_STATEFUL, "stateful"},
		{STAMPEDE_F_PTP, "ptp"},
		{STAMPEDE_F_NO_LOOP_GUARD, "no-loop-guard"},
		{STAMPEDE_F_CLOCK_BOOT, "clock-boot"},
		{STAMPEDE_F_T3_READ, "clock-reads-2"},
		{STAMPEDE_F_COUNT_OTHER, "count-other"},
		{STAMPEDE_F_COS_REFUSE, "cos-refuse"},
		{STAMPEDE_F_MICRO_SESSION, "micro-session"},
		{STAMPEDE_F_REFLECTED_CTL, "reflected-control"},
		{STAMPEDE_F_RETURN_ADDR, "return-addr"},
	};
	size_t o = 0, i;
	int k, nl4 = 0, nl6 = 0, nb = 0, nn = 0;

#define OUT(...)                                                                  \
	do {                                                                      \
		int n_ = snprintf(buf + o, o < size ? size - o : 0, __VA_ARGS__); \
		if (n_ > 0)                                                       \
			o += (size_t)n_;                                          \
	} while (0)
	buf[0] = 0;
	OUT("flags");
	for (i = 0; i < sizeof(fl) / sizeof(fl[0]); i++)
		if (c->flags & fl[i].bit)
			OUT(" %s", fl[i].name);
	OUT("; ports");
	for (k = 0; k < c->n_ports; k++)
		OUT(" %u", c->ports[k]);
	OUT("; auth");
	for (k = 0; k < c->n_auth_ports; k++)
		OUT(" %u", c->auth_ports[k]);
	OUT("; ttl %u msid %#x mtu %u reply-max %u amplify %u; return-prefixes %d%s", c->reply_ttl,
	    c->micro_session_id, c->mtu, c->reply_max, c->amplify, c->n_return_prefixes,
	    c->one_set ? "; one session set" : "");
	for (k = 0; k < c->n_addrs; k++) {
		if (c->addrs[k].tag == FZ_TAG_LOCAL)
			*(c->addrs[k].addr.ipv == 4 ? &nl4 : &nl6) += 1;
		else if (c->addrs[k].tag == FZ_TAG_BROADCAST)
			nb++;
		else
			nn++;
	}
	OUT("; addrs %d v4 %d v6 %d bcast %d node; ee %#x ptp-ee %#x", nl4, nl6, nb, nn,
	    c->error_estimate, c->ptp_error_estimate);
	if (c->n_allow) {
		OUT("; allow");
		for (k = 0; k < c->n_allow; k++)
			describe_prefix(&c->allow[k].addr, c->allow[k].len, buf, size, &o);
	}
	if (c->rate_pps)
		OUT("; rate-limit %u,%u", c->rate_pps, c->rate_burst);
	if (c->rate_all_pps)
		OUT("; rate-limit-all %u,%u", c->rate_all_pps, c->rate_all_burst);
#undef OUT
}
