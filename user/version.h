/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* This stampede's version, for -V and the metrics' stampede_build_info. */
#ifndef STAMPEDE_VERSION_NUMBER_H
#define STAMPEDE_VERSION_NUMBER_H

#include <stddef.h>

/*
 * The version as a release number: "0.1.0-gabc1234" before any release
 * tag, "X.Y.Z[-N-gHASH]" after one (git describe at build time).
 */
void stampede_version(char *buf, size_t len);

#endif /* STAMPEDE_VERSION_NUMBER_H */
