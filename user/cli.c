// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Keyword arguments, unique prefixes, numbers and error lines. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/capability.h>

#include "cli.h"
#include "netns.h"
#include "output.h"

/* Entries of one table: objects, or an object's commands. */
#define CLI_MAX_CMDS 16

const char *cli_next(struct cli_args *args)
{
	if (args->argc <= 0)
		return NULL;
	args->argc--;
	return *args->argv++;
}

int cli_value(struct cli_args *args, const char *keyword, const char **val)
{
	*val = cli_next(args);
	if (!*val)
		return cli_error("'%s' needs a value", keyword);
	return 0;
}

/* "a, b, c" (or "a, b or c" with @last_or) into @buf, for messages. */
static void join_names(char *buf, size_t len, const char *const *names, const char *prefix,
		       bool last_or)
{
	size_t used = 0, total = 0, i, n;

	for (i = 0; names[i]; i++)
		if (!strncmp(names[i], prefix, strlen(prefix)))
			total++;
	buf[0] = '\0';
	for (i = 0, n = 0; names[i] && used < len; i++) {
		const char *sep = "";

		if (strncmp(names[i], prefix, strlen(prefix)))
			continue;
		if (n > 0)
			sep = last_or && n == total - 1 ? " or " : ", ";
		used += snprintf(buf + used, len - used, "%s%s", sep, names[i]);
		n++;
	}
}

/* Index of the match, -1 for none, -2 for more than one. */
static int find_prefix(const char *word, const char *const *names)
{
	size_t len = strlen(word);
	int found = -1, i;

	if (!len)
		return -1;
	for (i = 0; names[i]; i++) {
		if (!strcmp(names[i], word))
			return i;
		if (!strncmp(names[i], word, len))
			found = found == -1 ? i : -2;
	}
	return found;
}

int cli_match(const char *word, const char *const *names, const char *kind, const char *cmd)
{
	char list[256], where[64] = "";
	int i = find_prefix(word, names);

	if (i >= 0)
		return i;
	if (cmd)
		snprintf(where, sizeof(where), " for '%s'", cmd);
	if (i == -2) {
		join_names(list, sizeof(list), names, word, false);
		return cli_error("ambiguous %s '%s'%s: %s", kind, word, where, list);
	}
	return cli_error("unknown %s '%s'%s", kind, word, where);
}

int cli_match_value(const char *word, const char *const *names, const char *keyword)
{
	char list[256];
	int i = find_prefix(word, names);

	if (i >= 0)
		return i;
	if (i == -2) {
		join_names(list, sizeof(list), names, word, false);
		return cli_error("ambiguous %s '%s': %s", keyword, word, list);
	}
	join_names(list, sizeof(list), names, "", true);
	return cli_error("bad %s '%s': expected %s", keyword, word, list);
}

/* The names of @cmds, NULL-terminated, for cli_match(). */
static void cmd_names(const struct cli_cmd *cmds, const char **names)
{
	int n;

	for (n = 0; cmds[n].name && n < CLI_MAX_CMDS - 1; n++)
		names[n] = cmds[n].name;
	names[n] = NULL;
}

/* The entry of @cmds @word names; reported and NULL when none does. */
static const struct cli_cmd *cmd_find(const struct cli_cmd *cmds, const char *word,
				      const struct cli_cmd *object)
{
	const char *names[CLI_MAX_CMDS];
	int i;

	cmd_names(cmds, names);
	i = cli_match(word, names, object ? "command" : "object", object ? object->name : NULL);
	return i < 0 ? NULL : &cmds[i];
}

static bool is_help_entry(const struct cli_cmd *c)
{
	return !c->run && !c->cmds;
}

/* "SYNOPSIS" lines after @lead, continuation lines indented under the first's words. */
static void print_synopsis(FILE *out, const char *lead, const char *object, const struct cli_cmd *c)
{
	int indent = (int)(strlen(lead) + strlen("stampede ") + strlen(object) + 1);
	const char *line = c->synopsis, *nl;

	fprintf(out, "%sstampede %s %s", lead, object, c->name);
	for (; line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (line != c->synopsis)
			fprintf(out, "\n%*s", indent, "");
		else if (*line)
			fputc(' ', out);
		fprintf(out, "%.*s", nl ? (int)(nl - line) : (int)strlen(line), line);
	}
	fputc('\n', out);
}

static void command_usage(FILE *out, const struct cli_cmd *object, const struct cli_cmd *c)
{
	print_synopsis(out, "Usage: ", object->name, c);
	if (c->about)
		fprintf(out, "\n%s", c->about);
}

void cli_object_usage(FILE *out, const struct cli_cmd *object)
{
	const struct cli_cmd *c;
	const char *lead = "Usage: ";

	if (object->usage) {
		object->usage(out);
		return;
	}
	for (c = object->cmds; c->name; c++) {
		if (!c->synopsis)
			continue; /* an alias */
		print_synopsis(out, lead, object->name, c);
		lead = "       ";
	}
	for (c = object->cmds; c->name; c++)
		if (c->synopsis && c->about)
			fprintf(out, "\n%s", c->about);
}

/* Help for @object, or for its command the next word of @args names. */
static int object_help(const struct cli_cmd *object, struct cli_args *args)
{
	const struct cli_cmd *c;
	const char *word = cli_next(args);

	if (!word || !object->cmds) {
		cli_object_usage(stdout, object);
		return 0;
	}
	c = cmd_find(object->cmds, word, object);
	if (!c)
		return -1;
	if (is_help_entry(c))
		cli_object_usage(stdout, object);
	else
		command_usage(stdout, object, c);
	return 0;
}

int cli_help(const struct cli_cmd *objects, struct cli_args *args)
{
	const struct cli_cmd *object = cmd_find(objects, cli_next(args), NULL);

	return object ? object_help(object, args) : -1;
}

int cli_dispatch(const struct cli_cmd *cmds, const struct cli_cmd *object, struct cli_args *args)
{
	const struct cli_cmd *c = cmds; /* no word: the first, show or list, as bpftool does */
	struct cli_args rest;
	char path[64];

	if (cli_more(args) && !(c = cmd_find(cmds, cli_next(args), object)))
		return -1;
	if (object && is_help_entry(c))
		return object_help(object, args);
	if (c->cmds)
		return cli_dispatch(c->cmds, c, args);
	/* "stampede reflector attach help": the command's own help. */
	if (object && cli_more(args) && !strcmp(args->argv[0], "help")) {
		command_usage(stdout, object, c);
		return 0;
	}
	if (all_netns && !c->all_netns)
		return cli_error("-a (every network namespace) is for reflector show, stats show"
				 " and session list, not for '%s%s%s'",
				 object ? object->name : "", object ? " " : "", c->name);
	snprintf(path, sizeof(path), "%s%s%s", object ? object->name : "", object ? " " : "",
		 c->name);
	rest = (struct cli_args){.argc = args->argc, .argv = args->argv, .cmd = path};
	return c->run(&rest);
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int cli_hex_octets(const char *hex, uint8_t *out, size_t cap)
{
	size_t i, n = strlen(hex);

	if (n % 2)
		return CLI_HEX_ODD;
	for (i = 0; i < n; i++)
		if (hex_digit(hex[i]) < 0)
			return CLI_HEX_BAD;
	if (n / 2 > cap || n / 2 > INT_MAX)
		return CLI_HEX_LONG;
	for (i = 0; i < n / 2; i++)
		out[i] = (uint8_t)(hex_digit(hex[2 * i]) << 4 | hex_digit(hex[2 * i + 1]));
	return (int)(n / 2);
}

int cli_parse_uint(const char *word, const char *what, uint64_t min, uint64_t max, uint64_t *val)
{
	unsigned long long v;
	char *end;

	/* strtoull() takes signs and blanks; a count or a port does not. */
	if (word[0] < '0' || word[0] > '9')
		goto bad;
	errno = 0;
	v = strtoull(word, &end, 10);
	if (errno || *end || v < min || v > max)
		goto bad;
	*val = v;
	return 0;
bad:
	return cli_error("bad %s '%s': expected %llu-%llu", what, word, (unsigned long long)min,
			 (unsigned long long)max);
}

int cli_parse_dev(struct cli_args *args, bool required, const char **ifname)
{
	static const char *const keywords[] = {"dev", NULL};
	const char *word;

	*ifname = NULL;
	while ((word = cli_next(args))) {
		if (cli_match(word, keywords, "argument", args->cmd) < 0)
			return -1;
		if (*ifname)
			return cli_error("'dev' given twice");
		if (cli_value(args, "dev", ifname))
			return -1;
	}
	if (required && !*ifname)
		return cli_error("'%s' needs 'dev IFNAME'", args->cmd);
	return 0;
}

/* The effective capability set, as a mask of CAP_* bit numbers. */
static uint64_t effective_caps(void)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {0};

	if (syscall(SYS_capget, &hdr, data))
		return 0;
	return data[0].effective | (uint64_t)data[1].effective << 32;
}

/* What the kernel takes in place of @cap: CAP_SYS_ADMIN stands in for CAP_BPF. */
static bool has_cap(uint64_t have, int cap)
{
	if (have & (1ULL << cap))
		return true;
	return cap == CLI_CAP_BPF && (have & (1ULL << CAP_SYS_ADMIN));
}

static const char *cap_name(int cap)
{
	switch (cap) {
	case CAP_NET_ADMIN:
		return "CAP_NET_ADMIN";
	case CAP_SYS_ADMIN:
		return "CAP_SYS_ADMIN";
	default:
		return "CAP_BPF";
	}
}

/* "CAP_X and CAP_Y" of the capabilities in @caps (a CLI_NEED_* mask) into @buf. */
static void cap_list(uint64_t caps, char *buf, size_t len)
{
	static const int order[] = {CLI_CAP_BPF, CAP_NET_ADMIN, CAP_SYS_ADMIN};
	size_t used = 0, i, n = 0, total = 0;

	for (i = 0; i < 3; i++)
		total += !!(caps & (1ULL << order[i]));
	buf[0] = '\0';
	for (i = 0; i < 3 && used < len; i++) {
		if (!(caps & (1ULL << order[i])))
			continue;
		n++;
		used += snprintf(buf + used, len - used, "%s%s",
				 n == 1	      ? ""
				 : n == total ? " and "
					      : ", ",
				 cap_name(order[i]));
	}
}

int cli_need_caps(const char *what, uint64_t caps)
{
	uint64_t have = effective_caps(), missing = 0;
	char need[64], lack[64];
	int cap;

	/* The bpf() and netlink calls would fail one by one, less clearly. */
	for (cap = 0; cap < 64; cap++)
		if ((caps & (1ULL << cap)) && !has_cap(have, cap))
			missing |= 1ULL << cap;
	if (!missing)
		return 0;
	cap_list(caps, need, sizeof(need));
	cap_list(missing, lack, sizeof(lack));
	return cli_error("permission denied: %s needs %s (root has them); %s missing", what, need,
			 lack);
}

static void vreport(const char *level, const char *fmt, va_list ap)
{
	fprintf(stderr, "stampede: %s: ", level);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

char *cli_error_capture;

int cli_error(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (cli_error_capture) {
		/* The first error only: the one that stopped the caller. */
		if (!cli_error_capture[0])
			snprintf(cli_error_capture, CLI_ERROR_CAPTURE_LEN, "%s", msg);
		return -1;
	}
	fprintf(stderr, "stampede: error: %s\n", msg);
	if (json_output) {
		struct json_object *obj = json_object_new_object();

		json_add_string(obj, "error", msg);
		output_json(obj);
	}
	return -1;
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("warning", fmt, ap);
	va_end(ap);
}

void cli_note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("note", fmt, ap);
	va_end(ap);
}

void cli_debug(const char *fmt, ...)
{
	va_list ap;

	if (!debug_output)
		return;
	va_start(ap, fmt);
	vreport("debug", fmt, ap);
	va_end(ap);
}
