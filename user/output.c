// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Plain versus JSON output, on top of json-c. */
#include <stdio.h>

#include "output.h"

bool json_output;
bool pretty_output;
bool debug_output;

void output_json(struct json_object *obj)
{
	/* Paths and interface names are easier to read without "\/". */
	int flags = JSON_C_TO_STRING_NOSLASHESCAPE;

	flags |= pretty_output ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED
			       : JSON_C_TO_STRING_PLAIN;
	puts(json_object_to_json_string_ext(obj, flags));
	fflush(stdout);
	json_object_put(obj);
}

void output_json_list(struct json_object *list, bool single)
{
	if (single && json_object_array_length(list) == 1) {
		output_json(json_object_get(json_object_array_get_idx(list, 0)));
		json_object_put(list);
		return;
	}
	output_json(list);
}

void json_add_string(struct json_object *obj, const char *key, const char *val)
{
	json_object_object_add(obj, key, json_object_new_string(val));
}

void json_add_uint(struct json_object *obj, const char *key, uint64_t val)
{
	json_object_object_add(obj, key, json_object_new_uint64(val));
}

void json_add_bool(struct json_object *obj, const char *key, bool val)
{
	json_object_object_add(obj, key, json_object_new_boolean(val));
}

void json_add_double(struct json_object *obj, const char *key, double val)
{
	json_object_object_add(obj, key, json_object_new_double(val));
}
