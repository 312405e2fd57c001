/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The OBJECTs of `stampede OBJECT COMMAND`: each file implements one object
 * (or one command of a large one) and gives main.c its table of commands;
 * cli_dispatch() (cli.c) runs them.
 */
#ifndef STAMPEDE_OBJECTS_H
#define STAMPEDE_OBJECTS_H

#include <stdio.h>

#include "cli.h"

/* The commands of each object, for main.c's table of objects. */
extern const struct cli_cmd reflector_cmds[];
extern const struct cli_cmd stats_cmds[];
extern const struct cli_cmd session_cmds[];
extern const struct cli_cmd feature_cmds[];
extern const struct cli_cmd clock_cmds[];
extern const struct cli_cmd metrics_cmds[];

/* The commands of `reflector` that have files of their own. */
int reflector_attach(struct cli_args *args);
int reflector_detach(struct cli_args *args);
int reflector_refresh(struct cli_args *args);
int reflector_set(struct cli_args *args);

/* `agent`, an object without commands: [config FILE] follows it. */
int do_agent(struct cli_args *args);
void agent_usage(FILE *out);

/* `probe`, an object without commands: HOST and options follow it. */
int do_probe(int argc, char **argv);
void probe_usage(FILE *out);

#endif /* STAMPEDE_OBJECTS_H */
