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
#include "man.h"
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
	{.name = "agent", .run = do_agent, .usage = agent_usage},
	{.name = "metrics", .cmds = metrics_cmds},
	{.name = "feature", .cmds = feature_cmds},
	{.name = "probe", .run = probe_run, .usage = probe_usage},
	{.name = "help", .run = help_run, .all_netns = true},
	{NULL},
};

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

/* The global options: getopt's table, the usage line and the man page are made of it. */
static const struct cli_option global_options[] = {
	{"json", 'j', NULL, "Print JSON: one object or array per command."},
	{"pretty", 'p', NULL, "Print JSON, indented (implies -j)."},
	{"netns", 'n', "NETNS",
	 "Act in network namespace NETNS, as ip -n does: a name in /run/netns, or the path of"
	 " a namespace file (/var/run/netns/NAME, /proc/PID/ns/net).  Pins of its interfaces"
	 " go under /sys/fs/bpf/stampede/netns-INODE/."},
	{"all-netns", 'a', NULL,
	 "For reflector show, stats show and session list: the reflectors of every network"
	 " namespace, by namespace."},
	{"debug", 'd', NULL, "Print libbpf's messages and stampede's debug lines on stderr."},
	{"help", 'h', NULL, "Print the usage and exit."},
	{"version", 'V', NULL, "Print the versions of stampede and of libbpf, and exit."},
	{NULL},
};

#define N_GLOBAL_OPTIONS (sizeof(global_options) / sizeof(global_options[0]))

/* "{ a | b | c }" lines of @words after @lead, wrapped before 80 columns. */
static void print_choice(FILE *out, const char *lead, const char *const *words)
{
	int col = fprintf(out, "%s{", lead), indent = (int)strlen(lead);
	size_t i;

	for (i = 0; words[i]; i++) {
		int len = (int)strlen(words[i]) + (words[i + 1] ? 3 : 2);

		if (col + len > 78)
			col = fprintf(out, "\n%*s", indent, "") - 1;
		col += fprintf(out, " %s%s", words[i], words[i + 1] ? " |" : "");
	}
	fprintf(out, " }\n");
}

static void usage(FILE *out)
{
	const char *words[N_GLOBAL_OPTIONS + sizeof(objects) / sizeof(objects[0])];
	char opts[N_GLOBAL_OPTIONS][48];
	const struct cli_option *o;
	const struct cli_cmd *obj;
	size_t n = 0;

	fprintf(out, "Usage: stampede [OPTIONS] OBJECT {COMMAND | help}\n"
		     "       stampede help [OBJECT [COMMAND]]\n");
	for (obj = objects; obj->name; obj++)
		if (obj->cmds || obj->usage) /* not help itself */
			words[n++] = obj->name;
	words[n] = NULL;
	print_choice(out, "OBJECT := ", words);
	for (n = 0, o = global_options; o->name; o++, n++) {
		snprintf(opts[n], sizeof(opts[n]), "-%c|--%s%s%s", o->short_name, o->name,
			 o->arg ? " " : "", o->arg ? o->arg : "");
		words[n] = opts[n];
	}
	words[n] = NULL;
	print_choice(out, "OPTIONS := ", words);
	fprintf(out, "NETNS := { NAME | /var/run/netns/NAME | /proc/PID/ns/net }\n");
}

/*
 * "stampede help --man": stampede(8) in roff, for the Makefile.  Not in the
 * usage: it is for building the package, not for people at a terminal.
 */
static int print_man(void)
{
	char version[128];
	struct cli_man_page page = {
		.objects = objects,
		.options = global_options,
		.version = version,
	};

	stampede_version(version, sizeof(version));
	if (cli_man(stdout, &page) || fflush(stdout))
		return cli_error("writing the man page failed");
	return 0;
}

/* "stampede help": everything; "stampede help OBJECT [COMMAND]": that only. */
static int help_run(struct cli_args *args)
{
	const struct cli_cmd *obj;

	if (args->argc == 1 && !strcmp(args->argv[0], "--man"))
		return print_man();
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
	struct option options[N_GLOBAL_OPTIONS];
	/* "+:" and each letter, with ':' when it takes a value */
	char shortopts[2 + 2 * N_GLOBAL_OPTIONS + 1] = "+:";
	const char *netns = NULL;
	bool help = false, version = false;
	char bad_option[128] = "";
	size_t i, n = 2;
	int opt;

	for (i = 0; i < N_GLOBAL_OPTIONS; i++) {
		const struct cli_option *o = &global_options[i];

		options[i] = (struct option){o->name, o->arg ? required_argument : no_argument,
					     NULL, o->short_name};
		if (o->name) {
			shortopts[n++] = o->short_name;
			if (o->arg)
				shortopts[n++] = ':';
		}
	}
	shortopts[n] = '\0';

	/* We say what went wrong ourselves, in our format. */
	opterr = 0;
	/*
	 * Options come before OBJECT ("+": no permuting), so what follows is
	 * ours to judge: "port -1" is a bad port, not an unknown option.
	 */
	while ((opt = getopt_long(argc, argv, shortopts, options, NULL)) != -1) {
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
