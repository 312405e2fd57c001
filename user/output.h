/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What the global options ask of the output: plain text for people, or one
 * JSON document (-j, -p pretty) for programs.  JSON is built with json-c and
 * printed whole at the end, so an error can still replace it with
 * {"error": ...} and stdout always holds exactly one JSON value.
 */
#ifndef STAMPEDE_OUTPUT_H
#define STAMPEDE_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <json-c/json.h>

extern bool json_output;   /* -j, --json */
extern bool pretty_output; /* -p, --pretty: indented JSON */
extern bool debug_output;  /* -d, --debug: libbpf's messages and ours */

/* Print @obj as the command's JSON result on stdout and release it. */
void output_json(struct json_object *obj);

/*
 * Print the array @list; with @single (a command asked about one device)
 * print its only element instead, an object rather than a list of one.
 */
void output_json_list(struct json_object *list, bool single);

/* Shorthands for building result objects; each adds @key to @obj. */
void json_add_string(struct json_object *obj, const char *key, const char *val);
void json_add_uint(struct json_object *obj, const char *key, uint64_t val);
void json_add_bool(struct json_object *obj, const char *key, bool val);
void json_add_double(struct json_object *obj, const char *key, double val);

#endif /* STAMPEDE_OUTPUT_H */
