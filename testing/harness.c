// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The C test suites' reporting API: see harness.h. */
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "harness.h"

/* How many failed checks a FAIL line spells out. */
#define WHY_KEPT 4

int th_passed, th_failed, th_skipped;

void failf(struct tc *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->nfail++ >= WHY_KEPT || t->len + 3 >= sizeof(t->why))
		return;
	if (t->len) {
		memcpy(t->why + t->len, "; ", 3);
		t->len += 2;
	}
	va_start(ap, fmt);
	n = vsnprintf(t->why + t->len, sizeof(t->why) - t->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len += (size_t)n;
	if (t->len >= sizeof(t->why))
		t->len = sizeof(t->why) - 1;
}

void tc_finish(struct tc *t)
{
	if (!t->nfail) {
		printf("PASS %s\n", t->name);
		th_passed++;
	} else {
		printf("FAIL %s: %s", t->name, t->why);
		if (t->nfail > WHY_KEPT)
			printf(" (and %d more)", t->nfail - WHY_KEPT);
		if (t->file)
			printf(" [%s]", t->file);
		putchar('\n');
		th_failed++;
	}
	fflush(stdout);
}

void th_result(const char *name, bool ok, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		printf("PASS %s\n", name);
		th_passed++;
	} else {
		printf("FAIL %s: ", name);
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		putchar('\n');
		th_failed++;
	}
	fflush(stdout);
}

void th_skip(const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("SKIP %s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	th_skipped++;
}

void note(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

bool th_selected(int npat, char *const *pat, const char *name, const char *group)
{
	int i;

	if (npat <= 0)
		return true;
	for (i = 0; i < npat; i++)
		if (!fnmatch(pat[i], name, 0) || (group && !fnmatch(pat[i], group, 0)))
			return true;
	return false;
}

int th_exit(void)
{
	note("%d passed, %d failed, %d skipped", th_passed, th_failed, th_skipped);
	return th_failed ? 1 : 0;
}
