// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The `metrics` object: the Prometheus exposition printed once, or served. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "metrics.h"
#include "objects.h"
#include "output.h"

static int metrics_show(struct cli_args *args)
{
	if (cli_more(args))
		return cli_error("'metrics show' takes no arguments, not '%s'", args->argv[0]);
	if (json_output)
		return cli_error(
			"metrics show prints the Prometheus text format; -j does not apply");
	if (cli_need_caps("reading the reflectors' maps", CLI_NEED_BPF))
		return -1;
	return metrics_render(stdout);
}

static int parse_serve(struct cli_args *args, const char **listen)
{
	static const char *const keywords[] = {"listen", NULL};
	const char *word;

	*listen = METRICS_DEFAULT_LISTEN;
	if (!(word = cli_next(args)))
		return 0;
	if (cli_match(word, keywords, "argument", args->cmd) < 0 ||
	    cli_value(args, "listen", listen))
		return -1;
	if (cli_more(args))
		return cli_error("unexpected '%s' after the listen address", args->argv[0]);
	return 0;
}

/*
 * SIGTERM and SIGINT are blocked before the server's thread starts, which
 * inherits the mask, and then taken with sigwait(): no handler runs in the
 * middle of a scrape.
 */
static int metrics_serve(struct cli_args *args)
{
	struct metrics_server *server;
	const char *listen;
	sigset_t stop;
	int sig;

	if (parse_serve(args, &listen))
		return -1;
	if (json_output)
		return cli_error(
			"metrics serve serves the Prometheus text format; -j does not apply");
	if (cli_need_caps("reading the reflectors' maps", CLI_NEED_BPF))
		return -1;
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	if (sigprocmask(SIG_BLOCK, &stop, NULL))
		return cli_error("cannot block SIGTERM and SIGINT: %s", strerror(errno));
	server = metrics_server_start(listen);
	if (!server)
		return -1;
	printf("serving metrics on http://%s" METRICS_PATH " until SIGTERM or SIGINT\n", listen);
	fflush(stdout);
	while (sigwait(&stop, &sig))
		; /* sigwait() fails only for a bad set */
	metrics_server_stop(server);
	return 0;
}

const struct cli_cmd metrics_cmds[] = {
	{
		.name = "show",
		.run = metrics_show,
		.synopsis = "",
		.about = "show prints the metrics of the reflectors attached in this network\n"
			 "namespace once, in the Prometheus text exposition format.\n",
	},
	{
		.name = "serve",
		.run = metrics_serve,
		.synopsis = "[listen ADDR:PORT]",
		.about = "serve answers GET " METRICS_PATH " with them over HTTP until SIGTERM or\n"
			 "SIGINT, on " METRICS_DEFAULT_LISTEN " unless listen says otherwise\n"
			 "(IPV4:PORT or [IPV6]:PORT).  Each scrape reads the maps anew.\n",
	},
	{.name = "help", .synopsis = ""},
	{NULL},
};
