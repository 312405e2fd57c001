/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * stampede(8) in roff, written from the command tables the command line is
 * dispatched by (`stampede help --man`, which the Makefile runs into
 * build/man/stampede.8): a command, an option or an argument added to the
 * tables is in the man page without anyone keeping the two in step.
 */
#ifndef STAMPEDE_MAN_H
#define STAMPEDE_MAN_H

#include <stdio.h>

#include "cli.h"

struct cli_man_page {
	const struct cli_cmd *objects;	  /* main.c's table of objects */
	const struct cli_option *options; /* the global options */
	const char *version;		  /* as -V prints it, for the footer */
};

/* Write the page to @out; 0, or -1 when writing failed. */
int cli_man(FILE *out, const struct cli_man_page *page);

#endif /* STAMPEDE_MAN_H */
