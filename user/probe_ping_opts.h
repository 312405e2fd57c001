/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The ping options people type after `probe` out of habit (-c 3 HOST):
 * each one taken stands for a keyword (-c for count, -i SECONDS for
 * interval MS, -s for size, -t for ttl) or sets what has no keyword (-q,
 * -D, -O, -4, -6); any other is refused with the keyword to use instead.
 * The keywords stay the primary form.
 */
#ifndef STAMPEDE_PROBE_PING_OPTS_H
#define STAMPEDE_PROBE_PING_OPTS_H

#include <stdbool.h>
#include <stdint.h>

#include "cli.h"

struct probe_opts;

/* What a ping option comes to in keyword terms. */
struct probe_ping_opt {
	const char *keyword; /* the keyword it stands for; NULL: flags only */
	const char *value;   /* the keyword's value, in the keyword's units */
	char converted[24];  /* room for a value converted (-i seconds to ms) */
};

/* Whether @word is an option (a dash and more), never a HOST or a keyword. */
static inline bool probe_is_option(const char *word)
{
	return word[0] == '-' && word[1];
}

/*
 * Take the option @word (and its value from @args, unless attached as in
 * -c3); flags may be grouped (-qD), a value option last.  Flags are set in
 * @o; a keyword option is returned in @out.  Reports and returns -1 for an
 * option not taken, with the keyword to use.
 */
int probe_ping_option(struct cli_args *args, const char *word, struct probe_opts *o,
		      struct probe_ping_opt *out);

/*
 * Seconds with up to three decimals ("0.2", "1", "0.005") as whole
 * milliseconds in [@min_ms, @max_ms]; "bad @what ..." otherwise.
 */
int probe_seconds_to_ms(const char *word, const char *what, uint32_t min_ms, uint32_t max_ms,
			uint32_t *ms);

#endif /* STAMPEDE_PROBE_PING_OPTS_H */
