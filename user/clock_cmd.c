// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The `clock` object: the clock facts attached reflectors answer from
 * (TAI - UTC, TAI - boot, synchronization, Error Estimate), read from the
 * kernel again and republished in their clock maps without re-attaching.
 * `clock sync` does it once; `clock watch` stays, and does it at once after
 * every step of the system clock (a timerfd with TFD_TIMER_CANCEL_ON_SET
 * wakes on each) and every second otherwise.  On kernels before 6.1 the
 * data path reads the boot clock plus the published TAI - boot offset, so
 * without a watcher its timestamps stay where a step left them.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/timerfd.h>
#include <bpf/bpf.h>

#include "attached.h"
#include "cli.h"
#include "clock.h"
#include "clock_publish.h"
#include "objects.h"
#include "output.h"

/* Clock steps are looked for this long at the most; the state is republished as often. */
#define CLOCK_WATCH_DEFAULT_MS 1000
#define CLOCK_WATCH_MAX_MS     60000

struct clock_sync_ctx {
	unsigned int n;	 /* reflectors republished */
	const char *why; /* "step", "tick", "sync" */
	bool quiet;	 /* the periodic refresh says nothing */
};

/* Republish one reflector's clock entry; a sync source named at attach stays. */
static int clock_sync_one(struct attached *a, void *arg)
{
	struct clock_sync_ctx *ctx = arg;
	int fd = a->map_fd[PIN_MAP_clock];
	struct stampede_clock old, clk;
	__u32 key = 0;

	if (fd < 0)
		return cli_error("dev %s: its reflector has no clock map", a->ifname);
	if (bpf_map_lookup_elem(fd, &key, &old))
		return cli_error("dev %s: cannot read the clock map: %s", a->ifname,
				 strerror(errno));
	if (clock_read(&clk))
		return -1;
	if (old.sync_src_fixed) {
		clk.sync_src = old.sync_src;
		clk.sync_src_fixed = 1;
	}
	if (bpf_map_update_elem(fd, &key, &clk, BPF_ANY))
		return cli_error("dev %s: cannot write the clock map: %s", a->ifname,
				 strerror(errno));
	ctx->n++;
	if (ctx->quiet)
		return 0;
	if (json_output) {
		printf("{\"event\":\"%s\",\"ifname\":\"%s\",\"boot_to_tai_ns\":%lld,"
		       "\"tai_offset_s\":%llu}\n",
		       ctx->why, a->ifname, (long long)clk.boot_to_tai_ns,
		       (unsigned long long)(clk.tai_offset_ns / STAMP_NSEC_PER_SEC));
	} else {
		printf("dev %s: clock republished (%s): TAI-UTC %llu s, TAI-boot %.9f s\n",
		       a->ifname, ctx->why,
		       (unsigned long long)(clk.tai_offset_ns / STAMP_NSEC_PER_SEC),
		       (double)clk.boot_to_tai_ns / 1e9);
	}
	fflush(stdout);
	return 0;
}

int clock_publish(const char *ifname, const char *why, bool quiet)
{
	struct clock_sync_ctx ctx = {.why = why, .quiet = quiet};

	if (attached_for_each(ifname, clock_sync_one, &ctx))
		return -1;
	return (int)ctx.n;
}

static int clock_sync(struct cli_args *args)
{
	const char *ifname = NULL;
	int n;

	if (cli_parse_dev(args, false, &ifname) ||
	    cli_need_caps("writing the clock maps", CLI_NEED_BPF))
		return -1;
	n = clock_publish(ifname, "sync", false);
	if (n < 0)
		return -1;
	if (!n && !json_output)
		printf("no stampede reflector attached\n");
	return 0;
}

static volatile sig_atomic_t watch_stop;

static void watch_signal(int sig)
{
	(void)sig;
	watch_stop = 1;
}

/* A timer far in the future whose only purpose is to be cancelled by a clock step. */
static int step_timer_arm(int fd)
{
	struct itimerspec its = {0};
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	its.it_value.tv_sec = now.tv_sec + 365 * 24 * 3600;
	if (timerfd_settime(fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &its, NULL))
		return cli_error("cannot arm the clock-step timer: %s", strerror(errno));
	return 0;
}

int clock_step_timer_open(void)
{
	int fd = timerfd_create(CLOCK_REALTIME, TFD_CLOEXEC | TFD_NONBLOCK);

	if (fd < 0)
		return cli_error("cannot create a timerfd: %s", strerror(errno));
	if (step_timer_arm(fd)) {
		close(fd);
		return -1;
	}
	return fd;
}

int clock_step_timer_check(int fd, bool *stepped)
{
	unsigned long long expirations;

	*stepped = false;
	if (read(fd, &expirations, sizeof(expirations)) < 0) {
		if (errno == ECANCELED)
			*stepped = true;
		else if (errno != EAGAIN && errno != EINTR)
			return cli_error("reading the clock-step timer failed: %s",
					 strerror(errno));
	}
	return *stepped || expirations ? step_timer_arm(fd) : 0;
}

static int clock_watch(struct cli_args *args)
{
	struct clock_sync_ctx ctx = {.why = "start"};
	static const char *const keywords[] = {"dev", "interval", NULL};
	const char *ifname = NULL, *word, *val;
	struct sigaction sa = {.sa_handler = watch_signal};
	uint64_t interval = CLOCK_WATCH_DEFAULT_MS;
	struct pollfd pfd;
	bool stepped;
	int fd, err = 0;

	while ((word = cli_next(args))) {
		switch (cli_match(word, keywords, "argument", args->cmd)) {
		case 0:
			if (ifname)
				return cli_error("'dev' given twice");
			if (cli_value(args, "dev", &ifname))
				return -1;
			break;
		case 1:
			if (cli_value(args, "interval", &val) ||
			    cli_parse_uint(val, "interval", 100, CLOCK_WATCH_MAX_MS, &interval))
				return -1;
			break;
		default:
			return -1;
		}
	}
	if (cli_need_caps("writing the clock maps", CLI_NEED_BPF))
		return -1;
	fd = clock_step_timer_open();
	if (fd < 0)
		return -1;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	err = attached_for_each(ifname, clock_sync_one, &ctx);
	pfd.fd = fd;
	pfd.events = POLLIN;
	while (!err && !watch_stop) {
		if (poll(&pfd, 1, (int)interval) < 0 && errno != EINTR) {
			err = cli_error("poll failed: %s", strerror(errno));
			break;
		}
		if (watch_stop)
			break;
		err = clock_step_timer_check(fd, &stepped);
		if (err)
			break;
		ctx.why = stepped ? "step" : "tick";
		ctx.quiet = !stepped;
		/*
		 * A reflector detached meanwhile is no reason to stop watching
		 * the others; the one reflector named is.
		 */
		if (attached_for_each(ifname, clock_sync_one, &ctx) && ifname)
			err = -1;
	}
	close(fd);
	return err;
}

const struct cli_cmd clock_cmds[] = {
	{
		.name = "sync",
		.run = clock_sync,
		.synopsis = "[dev IFNAME]",
		.about =
			"sync reads the kernel's clock state (TAI-UTC, TAI-boot, synchronization,\n"
			"error estimate) and republishes it to the reflectors, without "
			"re-attaching.\n",
	},
	{
		.name = "watch",
		.run = clock_watch,
		.synopsis = "[dev IFNAME] [interval MS]",
		.about = "watch does the same at once after every step of the system clock, and\n"
			 "every MS (default 1000) otherwise, until SIGTERM or Ctrl-C.  Kernels\n"
			 "before 6.1 need it for their timestamps to follow a clock step.\n",
	},
	{.name = "help", .synopsis = ""},
	{NULL},
};
