/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The OBJECTs of `stampede OBJECT COMMAND`: each file implements one object
 * (or one command of a large one) and main.c dispatches by unique prefix.
 */
#ifndef STAMPEDE_OBJECTS_H
#define STAMPEDE_OBJECTS_H

#include <stdio.h>

#include "cli.h"

/* A COMMAND of an OBJECT: its name and what runs it. */
struct command {
	const char *name;
	int (*run)(struct cli_args *args);
};

/*
 * Run the command @argv[0] names in @cmds (NULL-name terminated) for
 * @object; no command runs the first entry, the default.
 */
int run_command(const char *object, const struct command *cmds, int argc, char **argv);

int do_reflector(int argc, char **argv);
int do_stats(int argc, char **argv);
int do_session(int argc, char **argv);
int do_probe(int argc, char **argv);

/* The commands of `reflector` that have files of their own. */
int reflector_attach(struct cli_args *args);
int reflector_detach(struct cli_args *args);

/* Usage texts, also printed by `stampede help`. */
void reflector_usage(FILE *out);
void stats_usage(FILE *out);
void session_usage(FILE *out);
void probe_usage(FILE *out);

#endif /* STAMPEDE_OBJECTS_H */
