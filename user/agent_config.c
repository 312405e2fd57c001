// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Reading the agent's configuration file (agent_config.h). */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ini.h>

#include "agent_config.h"
#include "attach.h"
#include "cli.h"
#include "metrics.h"
#include "probe.h"

struct load_ctx {
	struct agent_config *cfg;
	bool failed;
	char where[128];		 /* "[section] key" of the first error */
	char why[CLI_ERROR_CAPTURE_LEN]; /* and its message */
};

/*
 * Split @value at @seps into @words (strdup'd) after *@n; false when there
 * are too many.
 */
static bool split_at(const char *value, const char *seps, char **words, unsigned int *n,
		     unsigned int max)
{
	char *copy = strdup(value), *save = NULL, *w;
	bool ok = true;

	if (!copy)
		return false;
	for (w = strtok_r(copy, seps, &save); w; w = strtok_r(NULL, seps, &save)) {
		if (*n >= max) {
			ok = false;
			break;
		}
		words[(*n)++] = strdup(w);
	}
	free(copy);
	return ok;
}

/* Lists of names or ports: blanks or commas between them. */
static bool split_words(const char *value, char **words, unsigned int *n, unsigned int max)
{
	return split_at(value, " \t,", words, n, max);
}

/*
 * Check attach words as `reflector attach` would (its own parser, so the
 * file and the command line take the same grammar), then keep them.
 */
static int add_attach_words(struct agent_config *cfg, char **words, unsigned int n)
{
	char *argv[AGENT_MAX_ATTACH_WORDS + 2] = {"dev", "lo"};
	struct cli_args args = {.argc = (int)n + 2, .argv = argv, .cmd = "reflector attach"};
	struct attach_req req;
	unsigned int i;

	if (cfg->n_attach_words + n > AGENT_MAX_ATTACH_WORDS)
		return cli_error("more than %d attach words", AGENT_MAX_ATTACH_WORDS);
	for (i = 0; i < n; i++)
		argv[i + 2] = words[i];
	if (attach_parse(&args, &req))
		return -1;
	for (i = 0; i < n; i++)
		cfg->attach_words[cfg->n_attach_words++] = words[i];
	return 0;
}

/* `key = value` of [reflector] that is one attach option: "stateful = yes" and the like. */
static int reflector_key(struct agent_config *cfg, const char *key, const char *value)
{
	char *words[AGENT_MAX_ATTACH_WORDS];
	unsigned int n = 0, i;
	int err;

	if (!strcmp(key, "interfaces")) {
		if (!split_words(value, cfg->interfaces, &cfg->n_interfaces, AGENT_MAX_INTERFACES))
			return cli_error("more than %d interfaces", AGENT_MAX_INTERFACES);
		return 0;
	}
	if (!strcmp(key, "on-exit")) {
		if (strcmp(value, "keep") && strcmp(value, "detach"))
			return cli_error("bad value '%s': expected keep or detach", value);
		cfg->detach_on_exit = !strcmp(value, "detach");
		return 0;
	}
	if (!strcmp(key, "stateful")) {
		if (!strcmp(value, "yes"))
			words[n++] = strdup("stateful");
		else if (!strcmp(value, "no"))
			words[n++] = strdup("stateless");
		else
			return cli_error("bad value '%s': expected yes or no", value);
	} else if (!strcmp(key, "ports")) {
		char *ports[STAMPEDE_MAX_PORTS + 1];
		unsigned int np = 0;

		if (!split_words(value, ports, &np, STAMPEDE_MAX_PORTS))
			return cli_error("more than %d ports", STAMPEDE_MAX_PORTS);
		for (i = 0; i < np; i++) {
			words[n++] = strdup("port");
			words[n++] = ports[i];
		}
	} else if (!strcmp(key, "timestamp") || !strcmp(key, "ttl") || !strcmp(key, "auth-key")) {
		words[n++] = strdup(key);
		words[n++] = strdup(value);
	} else if (!strcmp(key, "options")) {
		/* Blanks only: a value may hold a comma (rate-limit 100,10). */
		if (!split_at(value, " \t", words, &n, AGENT_MAX_ATTACH_WORDS))
			return cli_error("more than %d words", AGENT_MAX_ATTACH_WORDS);
	} else {
		return cli_error("unknown key (interfaces, ports, stateful, timestamp, ttl,"
				 " auth-key, options or on-exit)");
	}
	err = add_attach_words(cfg, words, n);
	if (err)
		for (i = 0; i < n; i++)
			free(words[i]);
	return err;
}

/*
 * The `probe` keywords a target takes: `count` and `report` are the
 * agent's to decide (it probes until it stops), the ping options have
 * their keywords here.
 */
static const char *const target_keys[] = {
	"port",	  "interval", "size",	 "ssid", "ttl",	     "dscp",	 "ecn",	     "timestamp",
	"source", "sport",    "timeout", "tlv",	 "stateful", "auth-key", "hmac-key", NULL,
};

static struct agent_target_cfg *target_of(struct agent_config *cfg, const char *name)
{
	struct agent_target_cfg *t;
	unsigned int i;

	for (i = 0; i < cfg->n_targets; i++)
		if (!strcmp(cfg->targets[i].name, name))
			return &cfg->targets[i];
	if (cfg->n_targets == AGENT_MAX_TARGETS) {
		cli_error("more than %d targets", AGENT_MAX_TARGETS);
		return NULL;
	}
	t = &cfg->targets[cfg->n_targets++];
	t->name = strdup(name);
	t->n_words = 1;
	return t;
}

/*
 * Check @words as `probe` would (its own parser: the file and the command
 * line take the same grammar), with a stand-in HOST when none is known yet.
 * The key file of auth-key or hmac-key is read once the section is whole
 * (its key depends on port and ssid, given on any line): check_targets().
 */
static int check_probe_words(char *const *words, unsigned int n)
{
	char *argv[AGENT_MAX_TARGET_WORDS + 1];
	struct cli_args args = {.argc = (int)n, .argv = argv, .cmd = "probe"};
	struct probe_opts opts;
	unsigned int i;

	for (i = 0; i < n; i++)
		argv[i] = words[i] ? words[i] : "host";
	return probe_parse_words(&args, &opts);
}

static int check_alone(char *const *words, unsigned int n)
{
	char *argv[3] = {NULL, words[0], n > 1 ? words[1] : NULL};

	return check_probe_words(argv, n + 1);
}

/* `key = value` of [target NAME]. */
static int target_key(struct agent_config *cfg, const char *name, const char *key,
		      const char *value)
{
	struct agent_target_cfg *t;
	char *words[3] = {NULL};
	unsigned int i, n = 0;

	/* The name is a label value, printed as it is: nothing to escape in it. */
	if (!*name || strlen(name) > AGENT_MAX_TARGET_NAME || strpbrk(name, "\"\\"))
		return cli_error("a target needs a name of 1-%d characters without quotes or"
				 " backslashes: [target NAME]",
				 AGENT_MAX_TARGET_NAME);
	t = target_of(cfg, name);
	if (!t)
		return -1;
	if (!strcmp(key, "host")) {
		if (t->words[0])
			return cli_error("'host' given twice");
		if (!*value || strchr(value, ' '))
			return cli_error("bad host '%s'", value);
		t->words[0] = strdup(value);
		return 0;
	}
	for (i = 0; target_keys[i] && strcmp(key, target_keys[i]); i++)
		;
	if (!target_keys[i])
		return cli_error("unknown key (host, port, interval, size, ssid, ttl, dscp, ecn,"
				 " timestamp, source, sport, timeout, tlv, stateful, auth-key or"
				 " hmac-key)");
	if (!strcmp(key, "stateful")) {
		if (!strcmp(value, "no"))
			return 0;
		if (strcmp(value, "yes"))
			return cli_error("bad value '%s': expected yes or no", value);
		words[n++] = strdup(key);
	} else {
		words[n++] = strdup(key);
		words[n++] = strdup(value);
	}
	if (t->n_words + n > AGENT_MAX_TARGET_WORDS) {
		for (i = 0; i < n; i++)
			free(words[i]);
		return cli_error("more than %d words", AGENT_MAX_TARGET_WORDS);
	}
	/*
	 * This key alone first, so the error is its own; then after the
	 * others ("given twice", a size that cannot hold the TLVs).
	 */
	for (i = 0; i < n; i++)
		t->words[t->n_words + i] = words[i];
	if (check_alone(words, n) || check_probe_words(t->words, t->n_words + n)) {
		for (i = 0; i < n; i++) {
			free(words[i]);
			t->words[t->n_words + i] = NULL;
		}
		return -1;
	}
	t->n_words += n;
	return 0;
}

static int number_value(const char *value, uint64_t min, uint64_t max, unsigned int *out)
{
	uint64_t v;

	if (cli_parse_uint(value, "value", min, max, &v))
		return -1;
	*out = (unsigned int)v;
	return 0;
}

/* libinih's handler: 1 to go on, 0 on the first error (ini_parse returns its line). */
static int on_value(void *user, const char *section, const char *key, const char *value)
{
	struct load_ctx *ctx = user;
	struct agent_config *cfg = ctx->cfg;
	int err;

	if (ctx->failed)
		return 0;
	/* The line is known only when ini_parse_file returns: keep the message. */
	ctx->why[0] = '\0';
	cli_error_capture = ctx->why;
	if (!strcmp(section, "reflector")) {
		err = reflector_key(cfg, key, value);
	} else if (!strncmp(section, AGENT_TARGET_SECTION, strlen(AGENT_TARGET_SECTION))) {
		err = target_key(cfg, section + strlen(AGENT_TARGET_SECTION), key, value);
	} else if (!strcmp(section, "clock") && !strcmp(key, "interval-ms")) {
		err = number_value(value, 100, 60000, &cfg->interval_ms);
	} else if (!strcmp(section, "metrics") && !strcmp(key, "listen")) {
		struct sockaddr_storage ss;
		socklen_t len;

		free(cfg->metrics_listen);
		cfg->metrics_listen = NULL;
		err = *value ? metrics_parse_listen(value, &ss, &len) : 0;
		if (!err && *value)
			cfg->metrics_listen = strdup(value);
	} else {
		err = cli_error("unknown %s", *section ? "key" : "key outside a section");
	}
	cli_error_capture = NULL;
	if (err) {
		snprintf(ctx->where, sizeof(ctx->where), "[%s] %s", section, key);
		ctx->failed = true;
	}
	return !err;
}

int agent_target_parse(const struct agent_config *cfg, const struct agent_target_cfg *tc,
		       struct probe_opts *opts)
{
	struct cli_args args = {
		.argc = (int)tc->n_words, .argv = (char **)tc->words, .cmd = "probe"};
	char why[CLI_ERROR_CAPTURE_LEN] = "", section[128];
	const char *key = "auth-key";
	int line, err;

	/* Every word was checked as its line was read. */
	if (probe_parse_words(&args, opts))
		return -1;
	cli_error_capture = why;
	err = probe_load_key(opts);
	cli_error_capture = NULL;
	if (!err)
		return 0;
	/* auth-key and hmac-key exclude each other: the section has one of them. */
	snprintf(section, sizeof(section), AGENT_TARGET_SECTION "%s", tc->name);
	line = agent_config_line(cfg, section, key);
	if (!line) {
		key = "hmac-key";
		line = agent_config_line(cfg, section, key);
	}
	return cli_error("%s:%d: [%s] %s: %s", cfg->path, line, section, key, why);
}

/* What only the whole file tells: a target without its host, its key file. */
static int check_targets(const struct agent_config *cfg)
{
	struct probe_opts opts;
	char section[128];
	unsigned int i;

	for (i = 0; i < cfg->n_targets; i++) {
		if (cfg->targets[i].words[0])
			continue;
		snprintf(section, sizeof(section), AGENT_TARGET_SECTION "%s", cfg->targets[i].name);
		return cli_error("%s:%d: [%s] host: missing: a target needs the host to probe",
				 cfg->path, agent_config_section_line(cfg, section), section);
	}
	for (i = 0; i < cfg->n_targets; i++) {
		int err = agent_target_parse(cfg, &cfg->targets[i], &opts);

		explicit_bzero(&opts.auth, sizeof(opts.auth));
		if (err)
			return -1;
	}
	return 0;
}

int agent_config_load(const char *path, struct agent_config *cfg)
{
	struct load_ctx ctx = {.cfg = cfg};
	FILE *f;
	int line;

	memset(cfg, 0, sizeof(*cfg));
	cfg->path = path;
	cfg->interval_ms = AGENT_DEFAULT_INTERVAL_MS;
	f = fopen(path, "r");
	if (!f)
		return cli_error("cannot read %s: %s", path, strerror(errno));
	line = ini_parse_file(f, on_value, &ctx);
	fclose(f);
	if (line > 0 && ctx.failed)
		return cli_error("%s:%d: %s: %s", path, line, ctx.where, ctx.why);
	if (line)
		return cli_error("%s:%d: not a [section], key = value, or comment", path, line);
	return check_targets(cfg);
}

void agent_config_free(struct agent_config *cfg)
{
	unsigned int i;

	for (i = 0; i < cfg->n_interfaces; i++)
		free(cfg->interfaces[i]);
	for (i = 0; i < cfg->n_attach_words; i++)
		free(cfg->attach_words[i]);
	free(cfg->metrics_listen);
	for (i = 0; i < cfg->n_targets; i++) {
		unsigned int w;

		free(cfg->targets[i].name);
		for (w = 0; w < cfg->targets[i].n_words; w++)
			free(cfg->targets[i].words[w]);
	}
	memset(cfg, 0, sizeof(*cfg));
}

int agent_config_line(const struct agent_config *cfg, const char *section, const char *key)
{
	char line[1024], current[128] = "", name[128];
	size_t klen = strlen(key);
	int n = 0, found = 0;
	FILE *f = fopen(cfg->path, "r");

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		const char *p = line + strspn(line, " \t");

		n++;
		if (sscanf(p, "[%127[^]]]", name) == 1)
			snprintf(current, sizeof(current), "%s", name);
		else if (!strcmp(current, section) && !strncmp(p, key, klen) &&
			 strchr(" \t=:", p[klen]))
			found = n;
	}
	fclose(f);
	return found;
}

int agent_config_section_line(const struct agent_config *cfg, const char *section)
{
	char line[1024], name[128];
	int n = 0, found = 0;
	FILE *f = fopen(cfg->path, "r");

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		n++;
		if (sscanf(line + strspn(line, " \t"), "[%127[^]]]", name) == 1 &&
		    !strcmp(name, section))
			found = n;
	}
	fclose(f);
	return found;
}
