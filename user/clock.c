// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The kernel's clock state for the data path, and UTC formatting. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/timex.h>

#include "cli.h"
#include "clock.h"

/* Clock pairs sampled; the tightest bracket wins. */
#define CLOCK_SAMPLES 5

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * STAMP_NSEC_PER_SEC + ts.tv_nsec;
}

/*
 * Offset of @to from @from: read @to between two reads of @from and keep
 * the sample with the shortest interval, the one least disturbed by
 * preemption.
 */
static int64_t clock_offset(clockid_t from, clockid_t to)
{
	uint64_t best_gap = UINT64_MAX;
	int64_t best = 0;
	int i;

	for (i = 0; i < CLOCK_SAMPLES; i++) {
		uint64_t before = clock_ns(from);
		uint64_t t = clock_ns(to);
		uint64_t after = clock_ns(from);

		if (after - before < best_gap) {
			best_gap = after - before;
			best = (int64_t)(t - (before + (after - before) / 2));
		}
	}
	return best;
}

int clock_leap_offset(const char *path, uint64_t ntp_now, bool *expired)
{
	unsigned long long when, expires = 0;
	char line[256];
	int offset = -1, n;
	FILE *f = fopen(path, "r");

	*expired = false;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "#@ %llu", &expires) == 1 || line[0] == '#')
			continue;
		if (sscanf(line, "%llu %d", &when, &n) == 2 && when <= ntp_now && n > 0)
			offset = n;
	}
	fclose(f);
	*expired = offset > 0 && expires && ntp_now > expires;
	return offset;
}

/*
 * TAI - UTC for PTP timestamps when the kernel's is unset: from the
 * system's leap-seconds list (tzdata), with 1 s more error once the list
 * has expired (a leap second it does not know of may have come); without
 * it the PTP timestamps stay UTC and say so (S=0, an error beyond the 37 s
 * they may be off).
 */
static void clock_ptp_tai(struct stampede_clock *clk, bool synced, uint64_t error_ns)
{
	uint64_t ntp_now = clock_ns(CLOCK_REALTIME) / STAMP_NSEC_PER_SEC + STAMP_NTP_UNIX_OFFSET;
	bool expired;
	int offset;

	if (clk->tai_offset_ns) {
		clk->tai_source = STAMPEDE_TAI_KERNEL;
		clk->ptp_error_estimate = clk->error_estimate;
		return;
	}
	offset = clock_leap_offset(CLOCK_LEAP_SECONDS_LIST, ntp_now, &expired);
	if (offset > 0) {
		clk->ptp_adjust_ns = (int64_t)offset * (int64_t)STAMP_NSEC_PER_SEC;
		clk->tai_source = expired ? STAMPEDE_TAI_LEAP_LIST_EXPIRED : STAMPEDE_TAI_LEAP_LIST;
		clk->ptp_error_estimate = clock_encode_error_estimate(
			synced, error_ns + (expired ? STAMP_NSEC_PER_SEC : 0));
		return;
	}
	clk->tai_source = STAMPEDE_TAI_UNKNOWN;
	clk->ptp_error_estimate =
		clock_encode_error_estimate(false, error_ns + CLOCK_TAI_UNKNOWN_ERROR_NS);
}

int clock_read(struct stampede_clock *clk)
{
	struct timex tx = {0};
	uint64_t error_us;
	bool synced;
	int state;

	state = adjtimex(&tx);
	if (state < 0)
		return cli_error("cannot read the kernel clock state (adjtimex): %s",
				 strerror(errno));
	synced = state != TIME_ERROR && !(tx.status & STA_UNSYNC);
	/* The estimated error means little until NTP vouches for the clock. */
	error_us = synced ? (uint64_t)tx.esterror : (uint64_t)tx.maxerror;

	memset(clk, 0, sizeof(*clk));
	clk->tai_offset_ns = tx.tai > 0 ? (uint64_t)tx.tai * STAMP_NSEC_PER_SEC : 0;
	clk->boot_to_tai_ns = clock_offset(CLOCK_BOOTTIME, CLOCK_TAI);
	clk->updated_tai_ns = clock_ns(CLOCK_TAI);
	clk->error_estimate = clock_encode_error_estimate(synced, error_us * 1000);
	/* What the kernel tells: an NTP-disciplined clock, or one running free. */
	clk->sync_src = synced ? STAMP_SYNC_NTP : STAMP_SYNC_FREE_RUNNING;
	clock_ptp_tai(clk, synced, error_us * 1000);
	return 0;
}

void clock_format_utc(uint64_t unix_ns, char *buf, size_t len)
{
	time_t sec = unix_ns / STAMP_NSEC_PER_SEC;
	unsigned int ms = unix_ns % STAMP_NSEC_PER_SEC / 1000000;
	struct tm tm;
	char date[24];

	if (!gmtime_r(&sec, &tm) || !strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm)) {
		snprintf(buf, len, "?");
		return;
	}
	snprintf(buf, len, "%s.%03uZ", date, ms);
}

uint64_t clock_boot_to_unix_ns(uint64_t boot_ns)
{
	return boot_ns + clock_offset(CLOCK_BOOTTIME, CLOCK_REALTIME);
}
