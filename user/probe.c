// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The `probe` object: a STAMP Session-Sender measuring the path to a reflector. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "objects.h"
#include "output.h"
#include "probe.h"
#include "probe_figures.h"
#include "probe_monitor.h"
#include "probe_report.h"

void probe_usage(FILE *out)
{
	fprintf(out,
		"Usage: stampede probe HOST [port N] [count N] [interval MS] [size N] [ssid N]\n"
		"                      [ttl N] [dscp NAME|N] [ecn N] [timestamp {ntp|ptp}]\n"
		"                      [source ADDR] [sport N] [timeout MS] [stateful]\n"
		"                      [report SECS] [tlv TYPE[,ARGS]]...\n"
		"                      [auth-key FILE | hmac-key FILE]\n"
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
		"auth-key FILE: authenticated mode (RFC 8762 4.2.2): 112-octet requests signed\n"
		"with HMAC-SHA-256, every reply's HMAC verified (failures are counted, never\n"
		"taken as replies); the key file as for 'reflector attach' (the line for the\n"
		"port and ssid, else the port's, else the default), mode 0600.  TLVs follow\n"
		"the base with an HMAC TLV (RFC 8972 4.8); a reply's must verify too.\n"
		"hmac-key FILE: unauthenticated mode with an HMAC TLV (RFC 8972 4.8) after\n"
		"the TLVs (before the padding of size), over the Sequence Number and them; a\n"
		"reply with TLVs is taken only with an HMAC TLV that verifies, or one the\n"
		"reflector marked I (failures are counted).  The key: the line for the port\n"
		"and ssid, else the port's (never the default, as on the reflector).\n"
		"report SECS (1-%d): the continuous mode, a monitor: a summary of the last\n"
		"SECS seconds every SECS seconds (with -j one JSON object per line, \"type\":\n"
		"\"period\"), until SIGINT, SIGTERM or SIGHUP (or count requests) end it with\n"
		"the totals (\"type\": \"summary\").  A request unanswered timeout ms after it\n"
		"was sent is lost then; a reply after that is late.  Memory stays bounded: no\n"
		"reply is kept past its period.\n"
		"ping's options are taken too, before or after HOST: -c N (count), -i SECONDS\n"
		"(interval), -s SIZE (size), -t TTL (ttl), -q (summary only), -D (arrival time\n"
		"before each reply), -O (report a request unanswered when the next goes), -4, -6.\n"
		"Exit status 0 when a reply came, 1 when none did or on error.\n",
		PROBE_MAX_COUNT, PROBE_MIN_INTERVAL_MS, PROBE_MAX_INTERVAL_MS, PROBE_MAX_SIZE,
		PROBE_MAX_TIMEOUT_MS, PROBE_MAX_REPORT_S);
}

static void run_free(struct probe_run *run)
{
	size_t i;

	for (i = 0; i < run->n_recs; i++)
		free(run->recs[i].tlvs);
	free(run->recs);
	free(run->sent);
	probe_book_free(&run->book);
	if (run->mon)
		probe_monitor_free(run->mon);
	probe_socket_close(&run->sock);
}

static int64_t probe_realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The continuous mode: periods as they end, the totals at the end; no reply kept. */
static int monitor(struct probe_run *run, struct probe_monitor *mon)
{
	const struct probe_opts *o = run->opts;
	int ret = -1;

	if (probe_monitor_init(mon, o->interval_ms, o->timeout_ms))
		goto out;
	run->mon = mon;
	mon->totals.start_ns = probe_realtime_ns();
	probe_monitor_new_period(mon, mon->totals.start_ns);
	if (!json_output)
		probe_report_start(run);
	if (probe_run_loop(run))
		goto out;
	/* The period cut short, so the periods add up to the totals. */
	if (o->report_s)
		probe_report_period(run);
	probe_report_monitor_summary(run);
	ret = mon->totals.c.received || o->tlvs.no_reply ? 0 : -1;
out:
	run_free(run);
	return ret;
}

static int probe(struct cli_args *args)
{
	struct probe_socket_cfg cfg;
	struct probe_results res;
	struct probe_opts opts;
	struct probe_monitor mon;
	struct probe_run run = {.opts = &opts, .stop_fd = -1};
	int ret = -1;

	if (probe_parse(args, &opts))
		return -1;
	cfg = probe_socket_cfg_of(&opts);
	if (probe_socket_open(&run.sock, &cfg))
		return -1;
	if (opts.continuous)
		return monitor(&run, &mon);
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
