/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The agent's configuration file (/etc/stampede/stampede.conf, INI, read
 * with Debian's libinih):
 *
 *   [reflector]
 *   interfaces = eth0 ens* default-route   names, fnmatch patterns, or the
 *                                          interface of the IPv4 default route
 *   ports = 862 8620                       any `reflector attach` words below
 *   stateful = yes                         yes | no
 *   timestamp = ptp                        ntp | ptp
 *   ttl = 64
 *   options = clock-reads 2 count-other on (more `reflector attach` words)
 *   on-exit = keep                         keep | detach
 *   [clock]
 *   interval-ms = 1000                     clock state republished this often
 *   [metrics]
 *   listen = 127.0.0.1:9862                Prometheus endpoint; empty: none
 *   [target NAME]                          probed continuously (user/agent_probe.c)
 *   host = 198.18.0.1                      required; a name or an address
 *   interval = 1000                        any `probe` keyword below, in its
 *   port = 862                             units (ms): port interval size ssid
 *   tlv = location                         ttl dscp ecn timestamp source sport
 *                                          timeout tlv (repeatable), stateful
 *                                          yes | no, auth-key or hmac-key FILE
 *
 * Every value is checked as it is read; a bad one is one error line naming
 * the file, the line and the key.
 */
#ifndef STAMPEDE_AGENT_CONFIG_H
#define STAMPEDE_AGENT_CONFIG_H

#include <stdbool.h>

#define AGENT_DEFAULT_CONFIG	  "/etc/stampede/stampede.conf"
#define AGENT_MAX_INTERFACES	  32
#define AGENT_MAX_ATTACH_WORDS	  64
#define AGENT_DEFAULT_INTERVAL_MS 1000
#define AGENT_MAX_TARGETS	  64
#define AGENT_MAX_TARGET_WORDS	  64
#define AGENT_MAX_TARGET_NAME	  63
/* "target NAME": the section names a target's label value. */
#define AGENT_TARGET_SECTION "target "

/* A [target NAME] section: what `probe` is given, HOST first. */
struct agent_target_cfg {
	char *name;
	char *words[AGENT_MAX_TARGET_WORDS]; /* words[0]: the host, NULL until given */
	unsigned int n_words;		     /* 1 + the keyword words */
};

struct agent_config {
	const char *path;
	/* Names, patterns, or "default-route". */
	char *interfaces[AGENT_MAX_INTERFACES];
	unsigned int n_interfaces;
	/* What `reflector attach dev IFNAME` is given for each interface. */
	char *attach_words[AGENT_MAX_ATTACH_WORDS];
	unsigned int n_attach_words;
	bool detach_on_exit;
	unsigned int interval_ms;
	char *metrics_listen; /* NULL: no metrics endpoint */
	struct agent_target_cfg targets[AGENT_MAX_TARGETS];
	unsigned int n_targets;
};

struct probe_opts;

/*
 * The probe a target asks for, its key file (auth-key, hmac-key) read for
 * its port and SSID: what agent_config_load() checked, again when the
 * probes start.  A bad key file is one error line naming the file, the
 * line and the key, as when the file is read.
 */
int agent_target_parse(const struct agent_config *cfg, const struct agent_target_cfg *tc,
		       struct probe_opts *opts);

/* Read and check @path into @cfg; -1 after one error line. */
int agent_config_load(const char *path, struct agent_config *cfg);

void agent_config_free(struct agent_config *cfg);

/*
 * The line of @key in [@section] of the file read, for an error found
 * after reading (an interface that does not exist); 0 if not found.
 * libinih tells a handler no line numbers.
 */
int agent_config_line(const struct agent_config *cfg, const char *section, const char *key);

/* The line of the [@section] header in the file read; 0 if not found. */
int agent_config_section_line(const struct agent_config *cfg, const char *section);

#endif /* STAMPEDE_AGENT_CONFIG_H */
