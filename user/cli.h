/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Command-line words: keyword arguments in the bpftool manner, matching by
 * unique prefix, checked numbers, and the one-line error report.
 *
 * Convention: a function that fails reports the cause with cli_error() and
 * returns a negative value; its callers only pass the failure up.  So every
 * failing run prints exactly one error line.
 */
#ifndef STAMPEDE_CLI_H
#define STAMPEDE_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* The words after OBJECT COMMAND, and the command's name for messages. */
struct cli_args {
	int argc;
	char **argv;
	const char *cmd; /* e.g. "reflector attach" */
};

static inline bool cli_more(const struct cli_args *args)
{
	return args->argc > 0;
}

/*
 * An OBJECT or a COMMAND of one, as bpftool's struct cmd: one table type and
 * one dispatcher (cli_dispatch) for both levels.  Tables end with a NULL name.
 */
struct cli_cmd {
	const char *name;
	/* A command, or an object without commands (probe): runs on the words after its name. */
	int (*run)(struct cli_args *args);
	/* An object: its commands, the first one the default. */
	const struct cli_cmd *cmds;
	/* An object's help where @cmds do not make it (probe). */
	void (*usage)(FILE *out);
	/*
	 * A command's arguments, after "stampede OBJECT NAME" in its help; more
	 * lines are continuation lines.  NULL: an alias, left out of help.
	 */
	const char *synopsis;
	/* What the command does, for help; may be NULL. */
	const char *about;
	/* It takes -a (every network namespace). */
	bool all_netns;
};

/*
 * A global option (before OBJECT): getopt_long()'s entry, the usage line and
 * the man page's OPTIONS section are all made from one table of these.
 * Tables end with a NULL name.
 */
struct cli_option {
	const char *name;  /* the long name, "json" */
	char short_name;   /* 'j' */
	const char *arg;   /* the value's name, "NETNS"; NULL: it takes none */
	const char *about; /* one sentence for the man page */
};

/*
 * Run the entry of @cmds that the next word of @args names (a unique
 * prefix; no word runs the first entry) on the words after it.  @object is
 * the entry whose commands @cmds are, NULL for the table of objects.  An
 * entry with neither run nor cmds is "help": it prints @object's help, or a
 * command's for the word after it; "help" after a command prints its help.
 */
int cli_dispatch(const struct cli_cmd *cmds, const struct cli_cmd *object, struct cli_args *args);

/* "stampede help OBJECT [COMMAND]": the help of what the words name in @objects. */
int cli_help(const struct cli_cmd *objects, struct cli_args *args);

/* The help of @object: its commands' synopses, then what they do. */
void cli_object_usage(FILE *out, const struct cli_cmd *object);

/* @one or @many, as the count @n asks: "1 session", "2 sessions". */
static inline const char *cli_plural(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* Take the next word; NULL when none is left. */
const char *cli_next(struct cli_args *args);

/* Take the value of @keyword; reports "'dev' needs a value" when missing. */
int cli_value(struct cli_args *args, const char *keyword, const char **val);

/*
 * Index in NULL-terminated @names of the one name that @word equals or is a
 * prefix of (an exact match wins over longer names).  Otherwise reports
 * "unknown KIND 'WORD' for 'CMD'" or "ambiguous KIND 'WORD': a, b" (@cmd may
 * be NULL) and returns -1.
 */
int cli_match(const char *word, const char *const *names, const char *kind, const char *cmd);

/*
 * Like cli_match() for a keyword's value: "bad mode 'x': expected native,
 * generic or auto".
 */
int cli_match_value(const char *word, const char *const *names, const char *keyword);

/* A decimal number in [min, max]: "bad ttl '0': expected 1-255". */
int cli_parse_uint(const char *word, const char *what, uint64_t min, uint64_t max, uint64_t *val);

/*
 * Hex digits (pairs, either case) into at most @cap octets: how many, or
 * CLI_HEX_BAD (not hex), CLI_HEX_ODD (an odd count) or
 * CLI_HEX_LONG (more than @cap).  Says nothing: the caller words the error
 * for what it parses.
 */
#define CLI_HEX_BAD  (-1)
#define CLI_HEX_LONG (-2)
#define CLI_HEX_ODD  (-3)
int cli_hex_octets(const char *hex, uint8_t *out, size_t cap);

/* The optional or required "dev IFNAME" of show, detach, reset, list. */
int cli_parse_dev(struct cli_args *args, bool required, const char **ifname);

/*
 * The capabilities commands need (tested on Linux 6.18): CAP_BPF opens the
 * pins; CAP_NET_ADMIN attaches and detaches XDP; CAP_SYS_ADMIN opens a
 * program by its id, which reading a reflector's running configuration
 * (its .rodata) takes, and enters other network namespaces (-n, -a).
 * CAP_SYS_ADMIN stands in for CAP_BPF, as it does in the kernel.
 */
#define CLI_CAP_BPF	   39 /* CAP_BPF, which older headers lack */
#define CLI_NEED_BPF	   (1ULL << CLI_CAP_BPF)
#define CLI_NEED_NET_ADMIN (1ULL << 12) /* CAP_NET_ADMIN */
#define CLI_NEED_SYS_ADMIN (1ULL << 21) /* CAP_SYS_ADMIN */

/*
 * "permission denied: @what needs CAP_X and CAP_Y (root has them); CAP_Y
 * missing" unless the effective set holds every capability in @caps.
 */
int cli_need_caps(const char *what, uint64_t caps);

/*
 * While set, cli_error() prints nothing and keeps its first message here
 * (CLI_ERROR_CAPTURE_LEN octets), for a caller that learns where the error
 * lies only afterwards (a file's line).
 */
#define CLI_ERROR_CAPTURE_LEN 1024
extern char *cli_error_capture;

/* Report the failure (stderr, and {"error":...} on stdout with -j); returns -1. */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A choice made for the operator, on stderr: "stampede: note: ...". */
void cli_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* STAMPEDE_CLI_H */
