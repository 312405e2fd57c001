// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The `feature` object (bpftool's `feature probe`): what this kernel offers
 * the reflector and which fallback each missing part takes, without
 * attaching anything.
 */
#include <stdio.h>
#include <json-c/json.h>

#include "cli.h"
#include "kernel_features.h"
#include "objects.h"
#include "output.h"

struct feature_row {
	const char *name;  /* JSON key */
	const char *label; /* text */
	bool have;
	const char *since;    /* the mainline kernel that brought it */
	const char *fallback; /* what the reflector does without it */
};

static int feature_probe(struct cli_args *args)
{
	const struct kernel_features *kf = kernel_features();
	const struct feature_row rows[] = {
		{"btf", "BTF", kf->btf, "4.18", NULL},
		{"ktime_get_tai_ns", "bpf_ktime_get_tai_ns", kf->tai_helper, "6.1",
		 "boot clock plus the TAI - boot offset published at attach"},
		{"atomic_fetch", "atomic fetch-and-add", kf->atomic_fetch, "5.12",
		 "stateful sequence numbers under the session set's lock (program "
		 "stampede_locked)"},
		{"verified_insns", "verified_insns in bpf_prog_info", kf->verified_insns, "5.16",
		 "not shown by reflector show"},
	};
	bool supported = !kernel_check_supported_quiet(kf);
	struct json_object *obj, *list;
	unsigned int i;

	if (cli_more(args))
		return cli_error("unknown argument '%s' for 'feature probe'", args->argv[0]);
	if (json_output) {
		obj = json_object_new_object();
		list = json_object_new_object();
		json_add_string(obj, "kernel", kf->release);
		json_add_bool(obj, "supported", supported);
		json_add_string(obj, "program",
				kf->atomic_fetch ? "stampede_xdp" : "stampede_locked");
		for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
			struct json_object *f = json_object_new_object();

			json_add_bool(f, "available", rows[i].have);
			json_add_string(f, "since", rows[i].since);
			json_object_object_add(f, "fallback",
					       !rows[i].have && rows[i].fallback
						       ? json_object_new_string(rows[i].fallback)
						       : NULL);
			json_object_object_add(list, rows[i].name, f);
		}
		json_object_object_add(obj, "features", list);
		output_json(obj);
		return 0;
	}
	printf("kernel %s: %s\n", kf->release,
	       supported ? "supported" : "not supported (reflector attach says why)");
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		printf("  %-32s %-3s (Linux %s)", rows[i].label, rows[i].have ? "yes" : "no",
		       rows[i].since);
		if (!rows[i].have && rows[i].fallback)
			printf(": %s", rows[i].fallback);
		printf("\n");
	}
	printf("  program: %s\n", kf->atomic_fetch ? "stampede_xdp" : "stampede_locked");
	return 0;
}

const struct cli_cmd feature_cmds[] = {
	{
		.name = "probe",
		.run = feature_probe,
		.synopsis = "",
		.about =
			"probe lists what this kernel offers the reflector and the fallback taken\n"
			"for each part it lacks; nothing is attached.\n",
	},
	{.name = "help", .synopsis = ""},
	{NULL},
};
