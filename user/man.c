// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * stampede(8) in roff from the command tables (man.h).  Only the prose that
 * no table holds (what stampede is, exit status, files) is written here.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "man.h"

/*
 * One character of text: a backslash is roff's escape, and a '-' that starts
 * a word (an option, "-a") is a minus sign, which copies as one; a hyphen
 * inside a word ("re-attach") stays a hyphen.
 */
static void roff_char(FILE *out, char c, char prev)
{
	if (c == '\\')
		fputs("\\e", out);
	else if (c == '-' && (!prev || isspace((unsigned char)prev) || prev == '-' || prev == '[' ||
			      prev == '(' || prev == '|' || prev == '{'))
		fputs("\\-", out);
	else
		fputc(c, out);
}

/*
 * @len characters of @s as roff input lines.  A line starting with '.' or '\''
 * would be a request: "\&" before it makes it text.
 */
static void roff_text(FILE *out, const char *s, size_t len)
{
	char prev = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		if (!prev || prev == '\n') {
			if (s[i] == '.' || s[i] == '\'')
				fputs("\\&", out);
		}
		roff_char(out, s[i], prev);
		prev = s[i];
	}
	if (len && prev != '\n')
		fputc('\n', out);
}

static void roff_str(FILE *out, const char *s)
{
	roff_text(out, s, strlen(s));
}

/*
 * A synopsis line: keywords ("port", "on") bold, the values to fill in
 * ("IFNAME", "PORT") italic, brackets and bars roman, as bpftool's pages
 * set them.
 */
static void roff_synopsis_line(FILE *out, const char *s, size_t len)
{
	char prev = 0;
	size_t i = 0, j;

	while (i < len) {
		const char *font = NULL;

		if (isupper((unsigned char)s[i]))
			font = "\\fI";
		else if (islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]))
			font = "\\fB";
		if (!font) {
			roff_char(out, s[i], prev);
			prev = s[i++];
			continue;
		}
		fputs(font, out);
		for (j = i; j < len &&
			    (isalnum((unsigned char)s[j]) || s[j] == '_' || (s[j] == '-' && j > i));
		     j++) {
			roff_char(out, s[j], prev);
			prev = s[j];
		}
		fputs("\\fR", out);
		i = j;
	}
}

/* "stampede OBJECT COMMAND SYNOPSIS", continuation lines under the first's words. */
static void man_synopsis(FILE *out, const char *object, const struct cli_cmd *c)
{
	int indent = (int)(strlen("stampede ") + strlen(object) + 1);
	const char *line = c->synopsis, *nl;

	fprintf(out, ".PP\n.nf\n\\fBstampede %s %s\\fR", object, c->name);
	for (; line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (line != c->synopsis)
			fprintf(out, "\n%*s", indent, "");
		else if (*line)
			fputc(' ', out);
		roff_synopsis_line(out, line, nl ? (size_t)(nl - line) : strlen(line));
	}
	fputs("\n.fi\n", out);
}

static bool is_help_entry(const struct cli_cmd *c)
{
	return !c->run && !c->cmds;
}

/* The object "help" has a run of its own, but no commands and no usage. */
static bool is_help_object(const struct cli_cmd *obj)
{
	return !obj->cmds && !obj->usage;
}

/* An object with commands: each command's synopsis, what it does, its aliases. */
static void man_commands(FILE *out, const struct cli_cmd *object)
{
	const struct cli_cmd *c, *alias;

	fprintf(out, ".PP\n\\fBstampede %s\\fR alone runs \\fBstampede %s %s\\fR.\n", object->name,
		object->name, object->cmds[0].name);
	for (c = object->cmds; c->name; c++) {
		if (!c->synopsis)
			continue; /* an alias: named under the command it stands for */
		man_synopsis(out, object->name, c);
		fputs(".RS\n", out);
		if (is_help_entry(c))
			fprintf(out,
				"prints the commands of \\fB%s\\fR; \\fBstampede %s "
				"\\fICOMMAND\\fB "
				"help\\fR prints that command's help.\n",
				object->name, object->name);
		else if (c->about)
			roff_str(out, c->about);
		for (alias = object->cmds; alias->name; alias++)
			if (!alias->synopsis && alias->run && alias->run == c->run)
				fprintf(out, ".PP\n\\fB%s\\fR is another name for \\fB%s\\fR.\n",
					alias->name, c->name);
		fputs(".RE\n", out);
	}
}

/*
 * An object whose help is a function of its own (probe): its "Usage:" lines
 * as they are, then its text filled, but for lines that start with blanks
 * (a list): those too as they are.
 */
static int man_usage(FILE *out, const struct cli_cmd *object)
{
	char *text = NULL, *body, *line, *nl;
	bool nofill = false;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);

	if (!mem)
		return -1;
	object->usage(mem);
	if (fclose(mem)) {
		free(text);
		return -1;
	}
	body = strstr(text, "\n\n");
	body = body ? body + 2 : text + len;
	fputs(".PP\n.nf\n", out);
	roff_text(out, text, (size_t)(body - text));
	fputs(".fi\n.PP\n", out);
	for (line = body; *line; line = nl ? nl + 1 : line + strlen(line)) {
		bool list = *line == ' ';

		nl = strchr(line, '\n');
		if (list != nofill)
			fputs(list ? ".nf\n" : ".fi\n", out);
		nofill = list;
		roff_text(out, line, nl ? (size_t)(nl - line) : strlen(line));
	}
	if (nofill)
		fputs(".fi\n", out);
	free(text);
	return 0;
}

static void man_options(FILE *out, const struct cli_option *options)
{
	const struct cli_option *o;

	fputs(".SH OPTIONS\n"
	      "Options come before \\fIOBJECT\\fR; what follows it is the command's.\n",
	      out);
	for (o = options; o->name; o++) {
		fprintf(out, ".TP\n\\fB\\-%c\\fR, \\fB\\-\\-%s\\fR", o->short_name, o->name);
		if (o->arg)
			fprintf(out, " \\fI%s\\fR", o->arg);
		fputc('\n', out);
		roff_str(out, o->about);
	}
}

int cli_man(FILE *out, const struct cli_man_page *page)
{
	const struct cli_cmd *obj;
	const char *sep = "";

	fprintf(out,
		".\\\" Generated by 'stampede help --man' from the command tables; do not edit.\n"
		".TH STAMPEDE 8 \"\" \"stampede %s\" \"System Administration\"\n"
		".SH NAME\n"
		"stampede \\- STAMP Session-Reflector in the XDP hook, and its controller\n"
		".SH SYNOPSIS\n"
		".nf\n"
		"\\fBstampede\\fR [\\fIOPTIONS\\fR] \\fIOBJECT\\fR {\\fICOMMAND\\fR | "
		"\\fBhelp\\fR}\n"
		"\\fBstampede help\\fR [\\fIOBJECT\\fR [\\fICOMMAND\\fR]]\n"
		".fi\n"
		".PP\n"
		"\\fIOBJECT\\fR := {",
		page->version);
	for (obj = page->objects; obj->name; obj++) {
		if (is_help_object(obj))
			continue;
		fprintf(out, "%s \\fB%s\\fR", sep, obj->name);
		sep = " |";
	}
	fputs(" }\n"
	      ".SH DESCRIPTION\n"
	      "\\fBstampede\\fR answers STAMP test packets (RFC 8762, with the TLVs of RFC 8972\n"
	      "and later) in the network driver: an XDP program stamps the receive and\n"
	      "transmit times and sends the reply back out of the interface it came in on.\n"
	      "No process stays running: the program, its link and its maps are pinned in\n"
	      "bpffs.  This command attaches, shows and detaches reflectors, reads their\n"
	      "counters and sessions, republishes the clock state they stamp with, and\n"
	      "measures a path to any STAMP reflector (\\fBprobe\\fR).\n"
	      ".PP\n"
	      "\\fIOBJECT\\fR and \\fICOMMAND\\fR may be shortened to any unique prefix,\n"
	      "as may the keywords after them.\n",
	      out);
	man_options(out, page->options);
	fputs(".SH COMMANDS\n", out);
	for (obj = page->objects; obj->name; obj++) {
		if (is_help_object(obj))
			continue;
		fprintf(out, ".SS %s\n", obj->name);
		if (obj->cmds)
			man_commands(out, obj);
		else if (obj->usage && man_usage(out, obj))
			return -1;
	}
	fputs(".SH EXIT STATUS\n"
	      "0 on success and for help; 1 on every error, reported as one line on\n"
	      "standard error that starts with \\(lqstampede: error:\\(rq (with \\fB\\-j\\fR,\n"
	      "also as {\\(dqerror\\(dq: \\fIMESSAGE\\fR} on standard output).\n"
	      "\\fBprobe\\fR also exits 1 when no reply came.\n"
	      ".SH ENVIRONMENT\n"
	      ".TP\n"
	      ".B STAMPEDE_ADDR_WATCH\n"
	      "the address watch \\fBreflector attach\\fR loads beside the reflector, which\n"
	      "deletes an address the kernel removes from its maps as it goes:\n"
	      "\\fBauto\\fR (unset: fentry, else kprobe), \\fBkprobe\\fR (fentry not tried)\n"
	      "or \\fBoff\\fR.\n"
	      ".SH FILES\n"
	      ".TP\n"
	      ".I /sys/fs/bpf/stampede/IFNAME/\n"
	      "the pins of the reflector attached to \\fIIFNAME\\fR: its link and maps, and\n"
	      "its address watch's links.\n"
	      ".TP\n"
	      ".I /sys/fs/bpf/stampede/netns\\-INODE/IFNAME/\n"
	      "the same for an interface in another network namespace.\n"
	      ".TP\n"
	      ".I /etc/stampede/stampede.conf\n"
	      "the configuration of the agent, which keeps reflectors attached as a service;\n"
	      "see \\fBstampede.conf\\fR(5).\n"
	      ".SH SEE ALSO\n"
	      "\\fBstampede.conf\\fR(5), \\fBbpftool\\fR(8), \\fBip\\-netns\\fR(8),\n"
	      "RFC 8762, RFC 8972\n",
	      out);
	return ferror(out) ? -1 : 0;
}
