// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of the XDP data path, against docs/datapath.md: the reflector
 * is loaded through its skeleton in several configurations and crafted
 * frames are run through it with BPF_PROG_TEST_RUN.  Each rule has its file
 * in tests/xdp/ (a FAIL line names it); this runs them configuration by
 * configuration, so each configuration is loaded once.
 *
 * Usage: xdp_unit [PATTERN...]  runs the tests whose name, or whose rule
 * file's name, matches one of the shell patterns (all tests without one).
 *
 * Output (tests/run.sh counts it): one "PASS name", "FAIL name: why" or
 * "SKIP name: reason" line per test; any other stdout line starts with "# ".
 * Exit status 0 when every test passed.
 */
#include "xdp_test.h"

static const struct xdp_rule *const rules[] = {
	&xdp_rule_reply_fields,	 &xdp_rule_timestamps,	&xdp_rule_addresses,
	&xdp_rule_checksums,	 &xdp_rule_twamp_light, &xdp_rule_tlv_walk,
	&xdp_rule_tlv_answers,	 &xdp_rule_tlv_options, &xdp_rule_pass_drop,
	&xdp_rule_other_traffic, &xdp_rule_ports,	&xdp_rule_stateful,
	&xdp_rule_source_policy, &xdp_rule_auth,
};

/*
 * Tests not run against the tc program: frames that end inside the IP
 * header, which the kernel's tc test run refuses (an skb's headers are
 * checked before the run; the parser that passes them is the XDP one).
 */
static const char *const not_tc[] = {
	"v4_truncated_bad_header",
	"v6_truncated_bad_header",
	"quiet_v4_truncated_uncounted",
};

static bool xdp_only(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(not_tc); i++)
		if (!strcmp(name, not_tc[i]))
			return true;
	return false;
}

/*
 * Runs the selected tests of configuration c, against the XDP program or
 * (tc, test names "tc/NAME") the tc one; returns how many it ran.
 */
static size_t run_config(int argc, char **argv, enum cfg_id c, bool tc)
{
	int loaded = 0; /* 1 loaded, -1 could not load, 0 not tried */
	char err[256], name[160];
	size_t i, k, ran = 0;
	static struct env e; /* static: the verifier log is large */

	for (k = 0; k < ARRAY_SIZE(rules); k++) {
		for (i = 0; i < rules[k]->n; i++) {
			const struct test *x = &rules[k]->tests[i];
			struct tc t = {.name = name, .file = rules[k]->file};

			snprintf(name, sizeof(name), "%s%s", tc ? "tc/" : "", x->name);
			if (x->cfg != c || !th_selected(argc - 1, argv + 1, name, rules[k]->file))
				continue;
			if (tc && xdp_only(x->name))
				continue;
			ran++;
			if (!loaded) {
				loaded = env_load(&e, c, tc, err, sizeof(err)) ? -1 : 1;
				if (loaded > 0)
					note("configuration: %s%s", cfgs[c].name,
					     tc ? " (tc)" : "");
			}
			if (loaded < 0) {
				printf("SKIP %s: cannot load the %s configuration: %s\n", t.name,
				       cfgs[c].name, err);
				th_skipped++;
				continue;
			}
			x->fn(&e, &t, x->arg);
			tc_finish(&t);
		}
	}
	if (loaded > 0)
		env_unload(&e);
	return ran;
}

int main(int argc, char **argv)
{
	size_t k, total = 0, ran = 0;
	int c;

	sender(std_payload, DEFAULT_SEQ, SSID);
	for (k = 0; k < ARRAY_SIZE(rules); k++)
		total += rules[k]->n;
	note("xdp_unit: %zu tests of the XDP data path in %zu rule files, run against the XDP"
	     " and the tc program",
	     total, ARRAY_SIZE(rules));
	for (c = 0; c < CFG_N; c++)
		ran += run_config(argc, argv, (enum cfg_id)c, false);
	/* The same tests against the tc program (mode tc), built from the same source. */
	for (c = 0; c < CFG_N; c++)
		ran += run_config(argc, argv, (enum cfg_id)c, true);
	if (!ran) {
		fprintf(stderr, "xdp_unit: no test matches the patterns given\n");
		return 2;
	}
	return th_exit();
}
