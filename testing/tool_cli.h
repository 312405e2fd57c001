/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Command-line plumbing shared by the test and benchmark tools (stamp_send,
 * stamp_reflect, bench/live): one error line, exit status 2 for bad
 * arguments and 1 for system errors, checked decimal numbers and hex keys.
 * A tool defines TOOL_NAME before including this.  Only libc: the tools must not
 * share code with the data path or the controller they exercise.
 */
#ifndef STAMPEDE_TESTS_TOOL_CLI_H
#define STAMPEDE_TESTS_TOOL_CLI_H

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef TOOL_NAME
#error "define TOOL_NAME before including tool_cli.h"
#endif

/* "TOOL: error: MESSAGE@tail" on stderr. */
__attribute__((format(printf, 2, 0))) static inline void tool_verror(const char *tail,
								     const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: error: ", TOOL_NAME);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "%s\n", tail);
}

/* Bad arguments: exit 2, pointing at -h. */
__attribute__((noreturn, format(printf, 1, 2))) static inline void die_usage(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tool_verror(" (see " TOOL_NAME " -h)", fmt, ap);
	va_end(ap);
	exit(2);
}

/* A system error: exit 1. */
__attribute__((noreturn, format(printf, 1, 2))) static inline void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tool_verror("", fmt, ap);
	va_end(ap);
	exit(1);
}

/* A failed call named @what, with errno's reason: exit 1. */
__attribute__((noreturn)) static inline void die_sys(const char *what)
{
	die("%s: %s", what, strerror(errno));
}

/*
 * What getopt_long() returned @c for, as one line: ':' an option without
 * its value, else an unknown option (-x by its letter, a long one as
 * written).  The optstring starts with ':' and opterr is 0.
 */
__attribute__((noreturn)) static inline void die_bad_option(int c, char *const *argv)
{
	if (c == ':')
		die_usage("option %s needs a value", argv[optind - 1]);
	if (optopt)
		die_usage("unknown option -%c", optopt);
	die_usage("unknown option %s", argv[optind - 1]);
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

/* @hex, 2 to 2 * @cap hex digits, into @key: its length in octets, or exit 2 naming @name. */
static inline size_t parse_hex_key(const char *name, const char *hex, uint8_t *key, size_t cap)
{
	size_t n = strlen(hex), i;
	unsigned int v;

	if (n < 2 || n % 2 || n / 2 > cap)
		die_usage("%s: expected 2 to %zu hex digits, an even number", name, 2 * cap);
	for (i = 0; i < n / 2; i++) {
		if (!isxdigit((unsigned char)hex[2 * i]) ||
		    !isxdigit((unsigned char)hex[2 * i + 1]) || sscanf(hex + 2 * i, "%2x", &v) != 1)
			die_usage("%s: '%s' is not hex", name, hex);
		key[i] = (uint8_t)v;
	}
	return n / 2;
}

#endif /* STAMPEDE_TESTS_TOOL_CLI_H */
