/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Prometheus metrics of the reflectors attached in this network namespace:
 * the text exposition format (metrics.c) and an HTTP server for it
 * (metrics_http.c).  `stampede metrics` uses both; a long-running process
 * (the agent) embeds the server with metrics_server_start().
 */
#ifndef STAMPEDE_METRICS_H
#define STAMPEDE_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <net/if.h>
#include <sys/socket.h>

#include "stampede_kern_user.h"
#include "stats_read.h"

/* 9862: the STAMP port (862) in Prometheus's 9xxx exporter range. */
#define METRICS_DEFAULT_LISTEN "127.0.0.1:9862"
#define METRICS_PATH	       "/metrics"
/* The exposition format's content type (text format 0.0.4). */
#define METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* What the exposition says about one reflector, read from its maps. */
struct metrics_reflector {
	char ifname[IF_NAMESIZE];
	struct stats_totals totals;
	bool stateful;		   /* keeps sessions: the session gauges apply */
	unsigned int sessions;	   /* in the table now */
	unsigned int sessions_max; /* the table's capacity */
	struct stampede_clock clock;
};

/*
 * The exposition of @n reflectors read before, with @version and @libbpf
 * in stampede_build_info.  Reads no map: the part a unit test can drive.
 */
void metrics_print(FILE *out, const struct metrics_reflector *r, size_t n, const char *version,
		   const char *libbpf);

/*
 * Read every reflector attached in this network namespace and write the
 * exposition to @out.  Fails (reported with cli_error) when a reflector's
 * maps cannot be read; @out then holds nothing from this call.
 */
int metrics_render(FILE *out);

/*
 * Families a long-running process adds after the reflectors' (the agent's
 * probe targets, user/metrics_probe.h), written by @fn(@out, @ctx) from
 * the server's thread at every scrape.
 */
struct metrics_extra {
	void (*fn)(FILE *out, void *ctx);
	void *ctx;
};

/* metrics_render() and then @extra's families (NULL: none). */
int metrics_render_extra(FILE *out, const struct metrics_extra *extra);

/* metrics_render_extra() into a malloc()ed buffer of *@len bytes; NULL on failure. */
char *metrics_render_buf(size_t *len, const struct metrics_extra *extra);

/*
 * "IPV4:PORT" or "[IPV6]:PORT" as a socket address; reports
 * "bad listen address '...': ..." and returns -1 otherwise.
 */
int metrics_parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *len);

struct metrics_server;

/*
 * Serve GET /metrics (metrics_render() at every request) on @listen
 * (metrics_parse_listen(), NULL for METRICS_DEFAULT_LISTEN) from a thread
 * of its own; every other path is 404.  NULL, reported, when the address
 * is bad or cannot be bound.  The network namespace is the caller's at
 * the time of the call, for both the socket and the reflectors read.
 */
struct metrics_server *metrics_server_start(const char *listen);

/* metrics_server_start(), every scrape with @extra's families too (copied). */
struct metrics_server *metrics_server_start_extra(const char *listen,
						  const struct metrics_extra *extra);

/* Stop serving and free @s (NULL is fine); a request in progress finishes first. */
void metrics_server_stop(struct metrics_server *s);

#endif /* STAMPEDE_METRICS_H */
