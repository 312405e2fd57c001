// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * stampede: controller of the XDP STAMP reflector.
 *
 *   stampede [OPTIONS] OBJECT {COMMAND | help}
 *
 * Global options, then the OBJECT and its COMMAND, both matched by unique
 * prefix: cli_dispatch() walks the table of objects below.  Exit status: 0
 * on success and for help, 1 for every error.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "cli.h"
#include "netns.h"
#include "objects.h"
#include "output.h"
#include "version.h"

static int probe_run(struct cli_args *args)
{
	return do_probe(args->argc, args->argv);
}

static int help_run(struct cli_args *args);

/* The objects, each with its commands: the one table cli_dispatch() walks. */
static const struct cli_cmd objects[] = {
	{.name = "reflector", .cmds = reflector_cmds},
	{.name = "stats", .cmds = stats_cmds},
	{.name = "session", .cmds = session_cmds},
	{.name = "clock", .cmds = clock_cmds},
	{.name = "metrics", .cmds = metrics_cmds},
	{.name = "feature", .cmds = feature_cmds},
	{.name = "probe", .run = probe_run, .usage = probe_usage},
	{.name = "help", .run = help_run, .all_netns = true},
	{NULL},
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: stampede [OPTIONS] OBJECT {COMMAND | help}\n"
		"       stampede help [OBJECT [COMMAND]]\n"
		"OBJECT := { reflector | stats | session | clock | metrics | probe | feature }\n"
		"OPTIONS := { -j|--json | -p|--pretty | -n|--netns NETNS | -a|--all-netns |\n"
		"             -d|--debug | -h|--help | -V|--version }\n"
		"NETNS := { NAME | /var/run/netns/NAME | /proc/PID/ns/net }\n");
}

/* "stampede help": everything; "stampede help OBJECT [COMMAND]": that only. */
static int help_run(struct cli_args *args)
{
	const struct cli_cmd *obj;

	if (cli_more(args))
		return cli_help(objects, args);
	usage(stdout);
	for (obj = objects; obj->name; obj++) {
		if (!obj->cmds && !obj->usage)
			continue; /* help itself */
		printf("\n");
		cli_object_usage(stdout, obj);
	}
	return 0;
}

static int print_version(void)
{
	char version[128];

	stampede_version(version, sizeof(version));
	if (json_output) {
		struct json_object *obj = json_object_new_object();

		json_add_string(obj, "version", version);
		json_add_string(obj, "libbpf_version", libbpf_version_string());
		output_json(obj);
		return 0;
	}
	printf("stampede %s\nlibbpf %s\n", version, libbpf_version_string());
	return 0;
}

/* libbpf speaks only with -d; otherwise our one error line says it. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	if (!debug_output)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static int run_object(int argc, char **argv)
{
	struct cli_args args = {.argc = argc, .argv = argv};

	if (argc < 1) {
		/* JSON readers get one error object; people get the usage. */
		if (json_output)
			return cli_error("missing OBJECT; see 'stampede help'");
		usage(stderr);
		return -1;
	}
	return cli_dispatch(objects, NULL, &args);
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{"json", no_argument, NULL, 'j'},
		{"pretty", no_argument, NULL, 'p'},
		{"netns", required_argument, NULL, 'n'},
		{"all-netns", no_argument, NULL, 'a'}, /* as ip -all netns */
		{"debug", no_argument, NULL, 'd'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};

	const char *netns = NULL;
	bool help = false, version = false;
	char bad_option[128] = "";
	int opt;

	/* We say what went wrong ourselves, in our format. */
	opterr = 0;
	/*
	 * Options come before OBJECT ("+": no permuting), so what follows is
	 * ours to judge: "port -1" is a bad port, not an unknown option.
	 */
	while ((opt = getopt_long(argc, argv, "+:jpn:adhV", options, NULL)) != -1) {
		switch (opt) {
		case 'j':
			json_output = true;
			break;
		case 'p':
			json_output = pretty_output = true;
			break;
		case 'n':
			netns = optarg;
			break;
		case 'a':
			all_netns = true;
			break;
		case 'd':
			debug_output = true;
			break;
		case 'h':
			help = true;
			break;
		case 'V':
			version = true;
			break;
		case ':':
			if (!bad_option[0])
				snprintf(bad_option, sizeof(bad_option),
					 "option '%s' needs a value", argv[optind - 1]);
			break;
		default:
			if (bad_option[0])
				break;
			if (optopt)
				snprintf(bad_option, sizeof(bad_option), "unknown option '-%c'",
					 optopt);
			else
				snprintf(bad_option, sizeof(bad_option), "unknown option '%s'",
					 argv[optind - 1]);
			break;
		}
	}
	/* Reported after the loop, so a later -j still shapes the report. */
	if (bad_option[0]) {
		cli_error("%s", bad_option);
		return 1;
	}
	libbpf_set_print(libbpf_print);

	if (version)
		return print_version();
	if (help) {
		usage(stdout);
		return 0;
	}
	if (netns && all_netns) {
		cli_error("-n and -a exclude each other: one network namespace, or all");
		return 1;
	}
	if (netns && netns_enter(netns))
		return 1;
	return run_object(argc - optind, argv + optind) ? 1 : 0;
}
