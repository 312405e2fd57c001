/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The C test suites' one reporting API (tests/run.sh reads its output):
 * one "PASS name", "FAIL name: why" or "SKIP name: reason" line per test
 * on stdout, any other stdout line starting with "# ", and an exit status
 * that is 0 only when nothing failed.  A suite selects its tests with shell
 * patterns from its command line (th_selected), so one failing test can be
 * rerun alone: `build/tests/xdp_unit 'tlv_*'`.
 */
#ifndef STAMPEDE_TESTING_HARNESS_H
#define STAMPEDE_TESTING_HARNESS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * One test case: the first few failed checks are kept for its FAIL line,
 * which also names the file that holds the test when file is set.
 */
struct tc {
	const char *name;
	const char *file;
	int nfail;
	size_t len;
	char why[900];
};

extern int th_passed, th_failed, th_skipped;

/* Records a failed check of t (kept for its FAIL line). */
void failf(struct tc *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Records a failure when cond is false; returns cond. */
#define CHECK(t, cond, ...) ((cond) ? true : (failf((t), __VA_ARGS__), false))

/* Prints t's PASS or FAIL line and counts it. */
void tc_finish(struct tc *t);

/* A test decided in one step: PASS name, or FAIL name: the formatted why. */
void th_result(const char *name, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* SKIP name: the formatted reason. */
void th_skip(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A "# " comment line. */
void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Whether a test called name (in group, which may be NULL) was asked for:
 * true without patterns, else when a pattern matches name or group.
 */
bool th_selected(int npat, char *const *pat, const char *name, const char *group);

/* The closing "# N passed, N failed, N skipped" line; the exit status. */
int th_exit(void);

#endif /* STAMPEDE_TESTING_HARNESS_H */
