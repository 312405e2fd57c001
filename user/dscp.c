// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* DSCP names and numbers (dscp.h): one table for every word that takes one. */
#include <stddef.h>
#include <stdint.h>
#include <strings.h>

#include "cli.h"
#include "dscp.h"

/* RFC 4594 / RFC 2474 class selectors, RFC 2597 AF, RFC 3246 EF, RFC 5865 VA, RFC 8622 LE. */
static const struct {
	const char *name;
	uint8_t dscp;
} dscp_names[] = {
	{"CS0", 0},   {"CS1", 8},   {"CS2", 16},  {"CS3", 24},	{"CS4", 32},  {"CS5", 40},
	{"CS6", 48},  {"CS7", 56},  {"AF11", 10}, {"AF12", 12}, {"AF13", 14}, {"AF21", 18},
	{"AF22", 20}, {"AF23", 22}, {"AF31", 26}, {"AF32", 28}, {"AF33", 30}, {"AF41", 34},
	{"AF42", 36}, {"AF43", 38}, {"EF", 46},	  {"VA", 44},	{"LE", 1},
};

/* A code point name, whole and in any case (AF1 would be ambiguous), or 0-63. */
int dscp_parse(const char *word, const char *what, uint8_t *dscp)
{
	uint64_t num;
	size_t i;

	for (i = 0; i < sizeof(dscp_names) / sizeof(dscp_names[0]); i++) {
		if (!strcasecmp(word, dscp_names[i].name)) {
			*dscp = dscp_names[i].dscp;
			return 0;
		}
	}
	if (word[0] >= '0' && word[0] <= '9') {
		if (cli_parse_uint(word, what, 0, 63, &num))
			return -1;
		*dscp = num;
		return 0;
	}
	return cli_error("bad %s '%s': expected CS0-CS7, AF11-AF43, EF, VA, LE or 0-63", what,
			 word);
}
