// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The allow-list and rate limits (source_policy.h). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>

#include "attach.h"
#include "cli.h"
#include "source_policy.h"

#define NSEC_PER_SEC 1000000000ULL

int policy_parse_rate(const char *word, const char *keyword, __u32 *pps, __u32 *burst)
{
	char what[64], num[32];
	const char *comma = strchr(word, ',');
	size_t n = comma ? (size_t)(comma - word) : strlen(word);
	uint64_t v;

	*pps = *burst = 0;
	if (!strcmp(word, "none"))
		return 0;
	if (n >= sizeof(num))
		return cli_error("bad %s '%s': expected PPS[,BURST] or none", keyword, word);
	memcpy(num, word, n);
	num[n] = '\0';
	snprintf(what, sizeof(what), "%s rate", keyword);
	if (cli_parse_uint(num, what, 1, STAMPEDE_RATE_MAX_PPS, &v))
		return -1;
	*pps = v;
	*burst = v < STAMPEDE_RATE_MAX_BURST ? v : STAMPEDE_RATE_MAX_BURST;
	if (!comma)
		return 0;
	snprintf(what, sizeof(what), "%s burst", keyword);
	if (cli_parse_uint(comma + 1, what, 1, STAMPEDE_RATE_MAX_BURST, &v))
		return -1;
	*burst = v;
	return 0;
}

void policy_rate_config(struct stampede_rate *r, __u32 pps, __u32 burst)
{
	memset(r, 0, sizeof(*r));
	if (!pps)
		return;
	/* Whole ns, rounded: above 10^6 packets a second the rate is that close. */
	r->interval_ns = (NSEC_PER_SEC + pps / 2) / pps;
	r->tau_ns = (__u64)(burst - 1) * r->interval_ns;
	r->reset_ns = r->tau_ns + STAMPEDE_RATE_RESET_SLACK * r->interval_ns;
	r->pps = pps;
	r->burst = burst;
}

void policy_rate_text(__u32 pps, __u32 burst, char *buf, size_t len)
{
	if (!pps)
		snprintf(buf, len, "none");
	else
		snprintf(buf, len, "%u/s burst %u", pps, burst);
}

/* An IPv4 prefix: ::ffff:a.b.c.d/(96 + n), as attach_parse_prefix() makes them. */
static bool prefix_v4(const struct stampede_prefix *p)
{
	static const __u8 v4_mapped[12] = {[10] = 0xff, [11] = 0xff};

	return p->len >= 96 && !memcmp(p->addr.b, v4_mapped, sizeof(v4_mapped));
}

static void key_of(const struct stampede_prefix *p, struct stampede_allow_key *k)
{
	memset(k, 0, sizeof(*k));
	k->family = prefix_v4(p) ? STAMPEDE_ALLOW_FAMILY_V4 : STAMPEDE_ALLOW_FAMILY_V6;
	k->prefixlen = 32 + p->len;
	k->addr = p->addr;
}

int policy_allow_write(int fd, const struct stampede_prefix *p, unsigned int n, const char *ifname)
{
	struct stampede_allow_key k;
	__u8 one = 1;
	unsigned int i;

	for (i = 0; i < n; i++) {
		key_of(&p[i], &k);
		if (bpf_map_update_elem(fd, &k, &one, BPF_ANY))
			return cli_error("dev %s: cannot write the allow-list: %s", ifname,
					 strerror(errno));
	}
	return 0;
}

/* IPv4 before IPv6, then by address and length. */
static int prefix_cmp(const void *a, const void *b)
{
	const struct stampede_prefix *x = a, *y = b;
	int c = (int)prefix_v4(y) - (int)prefix_v4(x);

	if (c)
		return c;
	c = memcmp(x->addr.b, y->addr.b, sizeof(x->addr.b));
	return c ? c : (int)x->len - (int)y->len;
}

int policy_allow_read(int fd, struct stampede_prefix *p, unsigned int *n, const char *ifname)
{
	struct stampede_allow_key k, next;
	void *prev = NULL;

	*n = 0;
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		if (*n == STAMPEDE_MAX_ALLOW_PREFIXES)
			break;
		memset(&p[*n], 0, sizeof(p[*n]));
		p[*n].addr = next.addr;
		p[*n].len = next.prefixlen >= 32 ? next.prefixlen - 32 : 0;
		(*n)++;
		k = next;
		prev = &k;
	}
	if (errno != ENOENT && *n < STAMPEDE_MAX_ALLOW_PREFIXES)
		return cli_error("dev %s: cannot read the allow-list: %s", ifname, strerror(errno));
	qsort(p, *n, sizeof(*p), prefix_cmp);
	return 0;
}

void policy_allow_text(const struct stampede_prefix *p, unsigned int n, char *buf, size_t len)
{
	char one[INET6_ADDRSTRLEN + 8];
	size_t used = 0;
	unsigned int i;

	snprintf(buf, len, "none");
	for (i = 0; i < n; i++) {
		attach_format_prefix(&p[i], one, sizeof(one));
		if (used + strlen(one) + 3 >= len) {
			snprintf(buf, len, "%u prefixes", n);
			return;
		}
		used += snprintf(buf + used, len - used, "%s%s", i ? ", " : "", one);
	}
}
