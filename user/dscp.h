/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Differentiated Services code points as people write them: names or numbers. */
#ifndef STAMPEDE_DSCP_H
#define STAMPEDE_DSCP_H

#include <stdint.h>

/*
 * @word as a DSCP: a code point name (CS0-CS7, AF11-AF43, EF, VA, LE; whole,
 * any case) or 0-63, into *@dscp.  "bad @what '...'" and -1 otherwise.
 */
int dscp_parse(const char *word, const char *what, uint8_t *dscp);

#endif /* STAMPEDE_DSCP_H */
