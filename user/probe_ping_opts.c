// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* ping's options after `probe`: taken as the keywords they stand for, or refused with a hint. */
#include <stdio.h>
#include <sys/socket.h>

#include "probe.h"
#include "probe_ping_opts.h"

#define MSEC_PER_SEC 1000

/* ping options with a value, and the keyword each stands for. */
static const struct {
	char opt;
	const char *keyword;
} value_opts[] = {
	{'c', "count"},
	{'i', "interval"}, /* ping's is seconds: converted to ms */
	{'s', "size"},	   /* ping's counts ICMP data; here the UDP payload */
	{'t', "ttl"},
};

/* ping options people type that the probe does not take, and what to use instead. */
static const struct {
	char opt;
	const char *hint;
} refused_opts[] = {
	{'W', "use 'timeout MS', the wait for replies after the last request"},
	{'w', "use 'count N' and 'interval MS' to bound the run"},
	{'I', "use 'source ADDR'"},
	{'Q', "use 'dscp NAME|N' and 'ecn N'"},
	{'f', "use 'interval 1' (1 ms, the shortest)"},
	{'p', "use 'tlv padding,LENGTH' (the padding is zeros)"},
	{'M', "the probe never fragments (don't-fragment is always set)"},
	{'n', "-n is stampede's network namespace, before the object: 'stampede -n NETNS probe"
	      " ...'; the probe prints addresses, never names"},
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static int refuse(char opt)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(refused_opts); i++)
		if (refused_opts[i].opt == opt)
			return cli_error("option '-%c' is not taken by 'probe': %s", opt,
					 refused_opts[i].hint);
	return cli_error("unknown option '-%c' for 'probe': of ping's options it takes -c N,"
			 " -i SECONDS, -s SIZE, -t TTL, -q, -D, -O, -4 and -6; see 'stampede"
			 " probe help' for its keywords",
			 opt);
}

static int set_family(struct probe_opts *o, int family)
{
	if (o->family && o->family != family)
		return cli_error("-4 and -6 both given");
	o->family = family;
	return 0;
}

/* A flag set in @o: 0, or 1 when @opt is no flag, -1 on error. */
static int set_flag(struct probe_opts *o, char opt)
{
	switch (opt) {
	case 'q':
		o->quiet = true;
		return 0;
	case 'D':
		o->print_time = true;
		return 0;
	case 'O':
		o->report_outstanding = true;
		return 0;
	case '4':
		return set_family(o, AF_INET);
	case '6':
		return set_family(o, AF_INET6);
	default:
		return 1;
	}
}

static const char *keyword_of(char opt)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(value_opts); i++)
		if (value_opts[i].opt == opt)
			return value_opts[i].keyword;
	return NULL;
}

/* @ms as seconds, without trailing zeros: 1 is "0.001", 60000 is "60". */
static void format_seconds(uint32_t ms, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%u.%03u", ms / MSEC_PER_SEC, ms % MSEC_PER_SEC);

	while (n > 0 && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n > 0 && buf[n - 1] == '.')
		buf[--n] = '\0';
}

int probe_seconds_to_ms(const char *word, const char *what, uint32_t min_ms, uint32_t max_ms,
			uint32_t *ms)
{
	uint64_t whole = 0, frac = 0;
	unsigned int digits = 0, decimals = 0, i;
	bool finer = false; /* a non-zero digit past the milliseconds */
	const char *p;
	char lo[16], hi[16];

	for (p = word; *p >= '0' && *p <= '9'; p++, digits++)
		if (whole <= max_ms) /* no overflow: it is already too big */
			whole = whole * 10 + (uint64_t)(*p - '0');
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++, digits++, decimals++) {
			if (decimals < 3)
				frac = frac * 10 + (uint64_t)(*p - '0');
			else if (*p != '0')
				finer = true;
		}
	}
	for (i = decimals; i < 3; i++)
		frac *= 10;
	whole = whole * MSEC_PER_SEC + frac;
	if (*p || !digits || finer || whole < min_ms || whole > max_ms) {
		format_seconds(min_ms, lo, sizeof(lo));
		format_seconds(max_ms, hi, sizeof(hi));
		return cli_error("bad %s '%s': expected %s-%s seconds, in whole milliseconds", what,
				 word, lo, hi);
	}
	*ms = (uint32_t)whole;
	return 0;
}

/* The value of option @opt: the rest of its word (-c3), else the next word. */
static int option_value(struct cli_args *args, char opt, const char *rest, const char **value)
{
	char name[3] = {'-', opt, '\0'};

	if (*rest) {
		*value = rest;
		return 0;
	}
	return cli_value(args, name, value);
}

int probe_ping_option(struct cli_args *args, const char *word, struct probe_opts *o,
		      struct probe_ping_opt *out)
{
	const char *p, *value;
	uint32_t ms;
	int r;

	*out = (struct probe_ping_opt){0};
	if (word[1] == '-')
		return cli_error("unknown option '%s' for 'probe': see 'stampede probe help'",
				 word);
	for (p = word + 1; *p; p++) {
		r = set_flag(o, *p);
		if (r < 0)
			return -1;
		if (!r)
			continue;
		out->keyword = keyword_of(*p);
		if (!out->keyword)
			return refuse(*p);
		if (option_value(args, *p, p + 1, &value))
			return -1;
		if (*p != 'i') {
			out->value = value;
			return 0;
		}
		if (probe_seconds_to_ms(value, "-i", PROBE_MIN_INTERVAL_MS, PROBE_MAX_INTERVAL_MS,
					&ms))
			return -1;
		snprintf(out->converted, sizeof(out->converted), "%u", ms);
		out->value = out->converted;
		return 0;
	}
	return 0;
}
