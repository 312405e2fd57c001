// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The version stampede was built as.  Only this file includes the
 * generated stampede_version.h (the Makefile rewrites it when git describe
 * changes), so a new commit rebuilds this one object.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "version.h"

#include "stampede_version.h"
#ifndef STAMPEDE_VERSION
#define STAMPEDE_VERSION ""
#endif

/*
 * The version this tree is on the way to: what -V says when git describe
 * (the Makefile's STAMPEDE_VERSION) found no release tag to count from.
 */
#define STAMPEDE_BASE_VERSION "0.1.0"

/* Whether @s is a commit id as git describe --always prints one, maybe -dirty. */
static bool is_commit_id(const char *s)
{
	size_t n = strspn(s, "0123456789abcdef");

	return n >= 4 && (!s[n] || !strcmp(s + n, "-dirty"));
}

/* Whether @s starts with a release number, "X.Y.Z". */
static bool is_release(const char *s)
{
	unsigned int x, y, z;

	return sscanf(s, "%u.%u.%u", &x, &y, &z) == 3;
}

/*
 * STAMPEDE_VERSION (git describe) as a version number: "v0.1.0-3-gabc1234"
 * loses its v; a bare commit id (no tag yet) follows the base version as
 * git describe would put it ("0.1.0-gabc1234"); anything else (no git: the
 * Makefile's "0.1") is the base version.
 */
void stampede_version(char *buf, size_t len)
{
	const char *v = STAMPEDE_VERSION;

	if (v[0] == 'v' && is_release(v + 1))
		snprintf(buf, len, "%s", v + 1);
	else if (is_release(v))
		snprintf(buf, len, "%s", v);
	else if (is_commit_id(v))
		snprintf(buf, len, STAMPEDE_BASE_VERSION "-g%s", v);
	else
		snprintf(buf, len, STAMPEDE_BASE_VERSION);
}
