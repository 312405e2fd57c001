// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The metrics over HTTP, with libmicrohttpd.  The listening socket is ours:
 * bound before the daemon starts, so a bad or busy address is reported
 * with its reason, which MHD_start_daemon() would not say.  One internal
 * polling thread answers every request in turn, so scrapes never read
 * the maps concurrently.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <microhttpd.h>

#include "cli.h"
#include "metrics.h"

struct metrics_server {
	struct MHD_Daemon *daemon;
	struct metrics_extra extra;
};

int metrics_parse_listen(const char *addr, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon = strrchr(addr, ':');
	uint64_t port;
	size_t n;

	memset(ss, 0, sizeof(*ss));
	if (!colon || colon == addr)
		return cli_error("bad listen address '%s': expected IPV4:PORT or [IPV6]:PORT",
				 addr);
	n = colon - addr;
	if (n >= sizeof(host))
		return cli_error("bad listen address '%s': the address is too long", addr);
	memcpy(host, addr, n);
	host[n] = '\0';
	if (cli_parse_uint(colon + 1, "listen port", 1, 65535, &port))
		return -1;
	if (host[0] == '[' && host[n - 1] == ']') {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

		host[n - 1] = '\0';
		if (inet_pton(AF_INET6, host + 1, &in6->sin6_addr) != 1)
			return cli_error("bad listen address '%s': '%s' is not an IPv6 address",
					 addr, host + 1);
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		*len = sizeof(*in6);
	} else {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;

		if (inet_pton(AF_INET, host, &in->sin_addr) != 1)
			return cli_error("bad listen address '%s': '%s' is not an IPv4 address"
					 " (IPv6 goes in brackets: [::1]:9862)",
					 addr, host);
		in->sin_family = AF_INET;
		in->sin_port = htons(port);
		*len = sizeof(*in);
	}
	return 0;
}

/* Waiting connections the kernel queues while a scrape is answered. */
#define LISTEN_BACKLOG 16

static int listen_socket(const char *addr)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, one = 1;

	if (metrics_parse_listen(addr, &ss, &len))
		return -1;
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return cli_error("cannot listen on %s: %s", addr, strerror(errno));
	/* A restarted server must not wait for the old one's TIME_WAIT. */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) || listen(fd, LISTEN_BACKLOG)) {
		int err = errno;

		close(fd);
		return cli_error("cannot listen on %s: %s", addr, strerror(err));
	}
	return fd;
}

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned int status, char *body,
			     size_t len, enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(len, body, mode);
	enum MHD_Result ret;

	if (!resp) {
		if (mode == MHD_RESPMEM_MUST_FREE)
			free(body);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
				status == MHD_HTTP_OK ? METRICS_CONTENT_TYPE
						      : "text/plain; charset=utf-8");
	ret = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result reply_text(struct MHD_Connection *conn, unsigned int status,
				  const char *text)
{
	return reply(conn, status, (char *)text, strlen(text), MHD_RESPMEM_PERSISTENT);
}

/* MHD calls this for every request; nothing is uploaded to a GET. */
static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url,
			      const char *method, const char *version, const char *upload_data,
			      size_t *upload_data_size, void **req_cls)
{
	size_t len;
	char *body;

	const struct metrics_server *s = cls;

	(void)version, (void)upload_data, (void)upload_data_size, (void)req_cls;
	if (strcmp(url, METRICS_PATH))
		return reply_text(conn, MHD_HTTP_NOT_FOUND,
				  "not found: the metrics are at " METRICS_PATH "\n");
	/* MHD leaves out the body of a HEAD reply itself. */
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return reply_text(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET " METRICS_PATH "\n");
	body = metrics_render_buf(&len, &s->extra);
	/* The reason went to stderr (cli_error), the server's log. */
	if (!body)
		return reply_text(conn, MHD_HTTP_INTERNAL_SERVER_ERROR,
				  "cannot read the reflectors' maps; see stampede's log\n");
	return reply(conn, MHD_HTTP_OK, body, len, MHD_RESPMEM_MUST_FREE);
}

struct metrics_server *metrics_server_start(const char *addr)
{
	return metrics_server_start_extra(addr, NULL);
}

struct metrics_server *metrics_server_start_extra(const char *addr,
						  const struct metrics_extra *extra)
{
	struct metrics_server *s;
	int fd;

	s = calloc(1, sizeof(*s));
	if (!s) {
		cli_error("out of memory");
		return NULL;
	}
	if (extra)
		s->extra = *extra;
	fd = listen_socket(addr ? addr : METRICS_DEFAULT_LISTEN);
	if (fd < 0) {
		free(s);
		return NULL;
	}
	/*
	 * Port 0 with MHD_OPTION_LISTEN_SOCKET: MHD takes the socket as it is.
	 * MHD_USE_ITC lets metrics_server_stop() quiesce the daemon.
	 */
	s->daemon =
		MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG,
				 0, NULL, NULL, handle, s, MHD_OPTION_LISTEN_SOCKET, fd,
				 MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)10, MHD_OPTION_END);
	if (!s->daemon) {
		cli_error("cannot start the HTTP server on %s",
			  addr ? addr : METRICS_DEFAULT_LISTEN);
		close(fd);
		free(s);
		return NULL;
	}
	return s;
}

void metrics_server_stop(struct metrics_server *s)
{
	int fd;

	if (!s)
		return;
	/*
	 * Quiesced, the daemon hands the listening socket back and leaves
	 * closing it to us: it is closed exactly once, whoever opened it.
	 */
	fd = MHD_quiesce_daemon(s->daemon);
	MHD_stop_daemon(s->daemon);
	if (fd >= 0)
		close(fd);
	free(s);
}
