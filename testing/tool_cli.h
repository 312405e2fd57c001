/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Command-line plumbing shared by the test and benchmark tools (stamp_send,
 * stamp_reflect, bench/live): one error line, exit status 2 for bad
 * arguments and 1 for system errors, and checked decimal numbers.  A tool
 * defines TOOL_NAME before including this.  Only libc: the tools must not
 * share code with the data path or the controller they exercise.
 */
#ifndef STAMPEDE_TESTS_TOOL_CLI_H
#define STAMPEDE_TESTS_TOOL_CLI_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef TOOL_NAME
#error "define TOOL_NAME before including tool_cli.h"
#endif

__attribute__((noreturn, format(printf, 1, 2))) static inline void die_usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: error: ", TOOL_NAME);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see %s -h)\n", TOOL_NAME);
	exit(2);
}

__attribute__((noreturn)) static inline void die_sys(const char *what)
{
	fprintf(stderr, "%s: error: %s: %s\n", TOOL_NAME, what, strerror(errno));
	exit(1);
}

/* A decimal number in [min, max] for option @name, or exit 2 saying why. */
static inline unsigned long parse_num(const char *name, const char *s, unsigned long min,
				      unsigned long max)
{
	unsigned long v;
	char *end;

	if (!s || *s < '0' || *s > '9')
		die_usage("%s: '%s' is not a number", name, s ? s : "");
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end)
		die_usage("%s: '%s' is not a number", name, s);
	if (v < min || v > max)
		die_usage("%s: %lu is out of range %lu..%lu", name, v, min, max);
	return v;
}

#endif /* STAMPEDE_TESTS_TOOL_CLI_H */
