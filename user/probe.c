// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The `probe` object: a STAMP Session-Sender measuring the path to a reflector. */
#include <stdlib.h>
#include <string.h>

#include "objects.h"
#include "output.h"
#include "probe.h"
#include "probe_figures.h"
#include "probe_report.h"

void probe_usage(FILE *out)
{
	fprintf(out,
		"Usage: stampede probe HOST [port N] [count N] [interval MS] [size N] [ssid N]\n"
		"                      [ttl N] [dscp NAME|N] [ecn N] [timestamp {ntp|ptp}]\n"
		"                      [source ADDR] [sport N] [timeout MS] [stateful]\n"
		"                      [tlv TYPE[,ARGS]]...\n"
		"       stampede probe [-c N] [-i SECONDS] [-s SIZE] [-t TTL] [-q] [-D] [-O] "
		"[-4|-6] HOST ...\n"
		"       stampede probe help\n"
		"\n"
		"Sends STAMP test packets (RFC 8762) to a Session-Reflector at HOST and reports\n"
		"round-trip time, reflector residence time, jitter, loss, and one-way delays when\n"
		"both clocks are synchronized.  Defaults: port 862, count 5 (1-%d), interval\n"
		"1000 ms (%d-%d), size 44 (no TLV; 48-%d with an Extra Padding TLV), random\n"
		"ssid, ttl 255, dscp 0, ecn 0, timestamp ntp, timeout 2000 ms (1-%d) after the\n"
		"last request.  dscp: CS0-CS7, AF11-AF43, EF, VA, LE or 0-63.  stateful: the\n"
		"reflector numbers what it received, so loss is told forward and backward.\n"
		"tlv (repeatable, RFC 8972 and later; each sent with the U flag):\n"
		"  padding,LENGTH  location  timestamp-info  cos,DSCP[,ECN]  direct\n"
		"  access,{3gpp|non-3gpp|1-15},{available|unavailable|0-255}  follow-up\n"
		"  dest-addr,ADDR  return-path,{no-reply|same-link|addr=ADDR}\n"
		"  micro-session,SENDER_ID[,REFLECTOR_ID]\n"
		"  reflected-control,LENGTH[,COUNT[,INTERVAL_NS]]  raw,TYPE[,HEX]  TYPE[,HEX]\n"
		"Without size, a request is just long enough for its TLVs.\n"
		"ping's options are taken too, before or after HOST: -c N (count), -i SECONDS\n"
		"(interval), -s SIZE (size), -t TTL (ttl), -q (summary only), -D (arrival time\n"
		"before each reply), -O (report a request unanswered when the next goes), -4, -6.\n"
		"Exit status 0 when a reply came, 1 when none did or on error.\n",
		PROBE_MAX_COUNT, PROBE_MIN_INTERVAL_MS, PROBE_MAX_INTERVAL_MS, PROBE_MAX_SIZE,
		PROBE_MAX_TIMEOUT_MS);
}

static void run_free(struct probe_run *run)
{
	size_t i;

	for (i = 0; i < run->n_recs; i++)
		free(run->recs[i].tlvs);
	free(run->recs);
	free(run->sent);
	probe_book_free(&run->book);
	probe_socket_close(&run->sock);
}

static int probe(struct cli_args *args)
{
	struct probe_socket_cfg cfg;
	struct probe_results res;
	struct probe_opts opts;
	struct probe_run run = {.opts = &opts};
	int ret = -1;

	if (probe_parse(args, &opts))
		return -1;
	cfg = (struct probe_socket_cfg){
		.host = opts.host,
		.family = opts.family,
		.port = opts.port,
		.source = opts.source,
		.sport = opts.sport,
		.ttl = opts.ttl,
		.tos = (uint8_t)(opts.dscp << 2 | opts.ecn),
		.size = opts.size,
		.any_source = probe_replies_may_move(&opts),
	};
	if (probe_socket_open(&run.sock, &cfg))
		return -1;
	run.sent = calloc(opts.count, sizeof(*run.sent));
	if (!run.sent || probe_book_init(&run.book, opts.count)) {
		cli_error("out of memory for %u requests", opts.count);
		goto out;
	}
	if (!json_output)
		probe_report_start(&run);
	if (probe_run_loop(&run) || probe_results_compute(&run, &res))
		goto out;
	probe_report_summary(&run, &res);
	/* As ping: success when anything came back, or nothing was asked to. */
	ret = res.received || res.no_reply_requested ? 0 : -1;
out:
	run_free(&run);
	return ret;
}

int do_probe(int argc, char **argv)
{
	struct cli_args args = {.argc = argc, .argv = argv, .cmd = "probe"};

	if (argc >= 1 && !strcmp(argv[0], "help")) {
		probe_usage(stdout);
		return 0;
	}
	return probe(&args);
}
