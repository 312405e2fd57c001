// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The probe's socket: setup, SO_TIMESTAMPING, sends and receives with their cmsgs. */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/errqueue.h>
#include <linux/net_tstamp.h>

#include "cli.h"
#include "probe_socket.h"

/* Linux 6.13: the TX timestamp ID of one sendmsg(), instead of the counter. */
#ifndef SCM_TS_OPT_ID
#define SCM_TS_OPT_ID 81
#endif

#define IPV4_HDR_LEN 20
#define IPV6_HDR_LEN 40
#define UDP_HDR_LEN  8

/*
 * The kernel switches RX timestamping on for the first socket that asks
 * through deferred work (a static key): a reply arriving in the first
 * fraction of a millisecond gets no stamp.  The first request waits this
 * long after the socket asked.
 */
#define STAMPS_SETTLE_NS 10000000LL

/* Software stamps both ways; hardware ones where the NIC is already set up. */
#define TS_FLAGS_SOFTWARE                                                                          \
	(SOF_TIMESTAMPING_TX_SOFTWARE | SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE | \
	 SOF_TIMESTAMPING_OPT_ID | SOF_TIMESTAMPING_OPT_TSONLY)
/*
 * OPT_TX_SWHW: a NIC that stamps in hardware makes the kernel skip the
 * software TX stamp, unless asked for both.
 */
#define TS_FLAGS_ALL                                                                       \
	(TS_FLAGS_SOFTWARE | SOF_TIMESTAMPING_TX_HARDWARE | SOF_TIMESTAMPING_RX_HARDWARE | \
	 SOF_TIMESTAMPING_RAW_HARDWARE | SOF_TIMESTAMPING_OPT_TX_SWHW)

static int64_t timespec_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

static void format_addr(const struct sockaddr *sa, char *buf, size_t len)
{
	const void *a = sa->sa_family == AF_INET6
				? (const void *)&((struct sockaddr_in6 *)sa)->sin6_addr
				: (const void *)&((struct sockaddr_in *)sa)->sin_addr;

	if (!inet_ntop(sa->sa_family, a, buf, len))
		snprintf(buf, len, "?");
}

/*
 * @text as a numeric address (a scope after '%' allowed); NULL when it is
 * not one.  IPv4 strictly dotted-quad: getaddrinfo() alone would take
 * inet_aton()'s "1.2.3" as 1.2.0.3.
 */
static struct addrinfo *numeric_addr(const char *text, int family)
{
	struct addrinfo hints = {
		.ai_family = family,
		.ai_socktype = SOCK_DGRAM,
		.ai_flags = AI_NUMERICHOST,
	};
	struct addrinfo *res = NULL;
	struct in_addr v4;

	if (!strchr(text, ':') && inet_pton(AF_INET, text, &v4) != 1)
		return NULL;
	return getaddrinfo(text, NULL, &hints, &res) ? NULL : res;
}

/* The family of an address: "IPv4" or "IPv6". */
static const char *family_name(int family)
{
	return family == AF_INET ? "IPv4" : "IPv6";
}

/* @why: what asked for @family ("the source is", "-4 asks"), for the error. */
static int resolve(const char *host, int family, const char *why, struct addrinfo **res)
{
	struct addrinfo hints = {
		.ai_family = family,
		.ai_socktype = SOCK_DGRAM,
		/* A name: only the families this host has addresses of. */
		.ai_flags = AI_ADDRCONFIG,
	};
	struct addrinfo *other;
	struct in_addr v4;
	int err;

	*res = numeric_addr(host, family);
	if (*res)
		return 0;
	other = family != AF_UNSPEC ? numeric_addr(host, AF_UNSPEC) : NULL;
	if (other) {
		freeaddrinfo(other);
		return cli_error("'%s' is not an %s address, as %s", host, family_name(family),
				 why);
	}
	/*
	 * glibc's name lookup takes inet_aton()'s shortened forms ("198.18.1"
	 * is 198.18.0.1, "0x7f.1" is 127.0.0.1): an address typed wrong must
	 * not reach another host.
	 */
	if (inet_aton(host, &v4))
		return cli_error("'%s' is not a dotted-quad IPv4 address", host);
	err = getaddrinfo(host, NULL, &hints, res);
	if (err == EAI_SYSTEM)
		return cli_error("cannot resolve '%s': %s", host, strerror(errno));
	if (err)
		return cli_error("cannot resolve '%s'%s: %s", host,
				 family == AF_INET    ? " to an IPv4 address"
				 : family == AF_INET6 ? " to an IPv6 address"
						      : "",
				 gai_strerror(err));
	return 0;
}

static int set_int(int fd, int level, int name, int val)
{
	return setsockopt(fd, level, name, &val, sizeof(val));
}

/* TTL / Hop Limit, traffic class, and never fragment: an oversized probe must fail. */
static int set_ip_options(int fd, int family, const struct probe_socket_cfg *cfg)
{
	bool v6 = family == AF_INET6;

	if (set_int(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP, v6 ? IPV6_UNICAST_HOPS : IP_TTL, cfg->ttl))
		return cli_error("cannot set %s %u: %s", v6 ? "Hop Limit" : "TTL", cfg->ttl,
				 strerror(errno));
	if (set_int(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP, v6 ? IPV6_TCLASS : IP_TOS, cfg->tos))
		return cli_error("cannot set DSCP %u ECN %u: %s", cfg->tos >> 2, cfg->tos & 3,
				 strerror(errno));
	if (v6) {
		if (set_int(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, IPV6_PMTUDISC_DO) ||
		    set_int(fd, IPPROTO_IPV6, IPV6_DONTFRAG, 1))
			return cli_error("cannot forbid fragmentation: %s", strerror(errno));
	} else if (set_int(fd, IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DO)) {
		return cli_error("cannot forbid fragmentation: %s", strerror(errno));
	}
	/* The reply's DSCP and ECN, to see what became of a Class of Service TLV. */
	if (set_int(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP, v6 ? IPV6_RECVTCLASS : IP_RECVTOS, 1))
		cli_debug("no traffic class of replies: %s", strerror(errno));
	/* The reply's own TTL, as ping shows it: the return path's hops. */
	if (set_int(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP, v6 ? IPV6_RECVHOPLIMIT : IP_RECVTTL, 1))
		cli_debug("no TTL of replies: %s", strerror(errno));
	return 0;
}

/* Kernel timestamps, hardware ones too where the kernel knows the flags. */
static void set_timestamping(struct probe_socket *ps)
{
	struct timespec now;

	if (!set_int(ps->fd, SOL_SOCKET, SO_TIMESTAMPING, TS_FLAGS_ALL) ||
	    !set_int(ps->fd, SOL_SOCKET, SO_TIMESTAMPING, TS_FLAGS_SOFTWARE)) {
		ps->tx_stamps = ps->rx_stamps = true;
		ps->id_cmsg = true; /* until the kernel says it does not know it */
		clock_gettime(CLOCK_MONOTONIC, &now);
		ps->stamps_ready_ns = timespec_ns(&now) + STAMPS_SETTLE_NS;
		return;
	}
	cli_debug("no kernel timestamps (SO_TIMESTAMPING: %s): using clock_gettime",
		  strerror(errno));
}

static int bind_source(int fd, const struct sockaddr *peer, const struct probe_socket_cfg *cfg)
{
	struct sockaddr_storage ss = {0};
	struct addrinfo *src = NULL;
	socklen_t len;
	char port[16] = "";

	if (!cfg->source && !cfg->sport)
		return 0;
	if (cfg->source) {
		src = numeric_addr(cfg->source, peer->sa_family);
		if (!src)
			return cli_error("bad source '%s': expected an %s address", cfg->source,
					 peer->sa_family == AF_INET ? "IPv4" : "IPv6");
		memcpy(&ss, src->ai_addr, src->ai_addrlen);
		len = src->ai_addrlen;
		freeaddrinfo(src);
	} else {
		ss.ss_family = peer->sa_family;
		len = peer->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
						  : sizeof(struct sockaddr_in);
	}
	if (ss.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&ss)->sin6_port = htons(cfg->sport);
	else
		((struct sockaddr_in *)&ss)->sin_port = htons(cfg->sport);
	if (!bind(fd, (struct sockaddr *)&ss, len))
		return 0;
	if (cfg->sport)
		snprintf(port, sizeof(port), " port %u", cfg->sport);
	switch (errno) {
	case EADDRNOTAVAIL:
		return cli_error("cannot use source %s: not an address of this host", cfg->source);
	case EACCES:
		return cli_error("cannot bind source%s: permission denied (ports below 1024 need"
				 " root or CAP_NET_BIND_SERVICE)",
				 port);
	case EADDRINUSE:
		return cli_error("cannot bind source%s: already in use", port);
	default:
		return cli_error("cannot bind source %s%s: %s", cfg->source ? cfg->source : "",
				 port, strerror(errno));
	}
}

/* The path MTU's room for a UDP payload, checked against the size asked for. */
static int check_mtu(struct probe_socket *ps, size_t size)
{
	bool v6 = ps->family == AF_INET6;
	unsigned int hdr = (v6 ? IPV6_HDR_LEN : IPV4_HDR_LEN) + UDP_HDR_LEN;
	socklen_t len = sizeof(int);
	int mtu;

	if (getsockopt(ps->fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP, v6 ? IPV6_MTU : IP_MTU, &mtu,
		       &len) ||
	    mtu <= (int)hdr)
		return 0; /* unknown: the send reports EMSGSIZE if it does not fit */
	ps->mtu = mtu;
	ps->max_size = mtu - hdr;
	if (size > ps->max_size)
		return cli_error("size %zu does not fit the path MTU %u to %s: at most %u octets"
				 " without fragmentation",
				 size, ps->mtu, ps->address, ps->max_size);
	return 0;
}

/* A socket with the probe's options, bound to the source asked for; -1 on error. */
static int open_bound(struct probe_socket *ps, const struct probe_socket_cfg *cfg)
{
	ps->fd = socket(ps->family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (ps->fd < 0)
		return cli_error("cannot open a UDP socket: %s", strerror(errno));
	if (set_ip_options(ps->fd, ps->family, cfg) ||
	    bind_source(ps->fd, (struct sockaddr *)&ps->peer, cfg))
		return -1;
	return 0;
}

/*
 * Replies from any address: a fresh socket that is never connected.
 * Disconnecting the first one (connect AF_UNSPEC) is not enough: Linux
 * keeps an IPv6 socket's peer address after it, and still drops datagrams
 * from any other.  The connected one has served to check the route and
 * the path MTU.
 */
static int reopen_unconnected(struct probe_socket *ps, const struct probe_socket_cfg *cfg)
{
	struct sockaddr_storage any = {.ss_family = ps->family};

	close(ps->fd);
	ps->connected = false;
	if (open_bound(ps, cfg))
		return -1;
	/* Bound now, not at the first send, so the header can name our port. */
	if (!cfg->source && !cfg->sport &&
	    bind(ps->fd, (struct sockaddr *)&any,
		 ps->family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in)))
		return cli_error("cannot bind a local port: %s", strerror(errno));
	set_timestamping(ps);
	return 0;
}

/* Our address and port, as the kernel chose or was told: for the header. */
static void note_local_address(struct probe_socket *ps)
{
	struct sockaddr_storage local = {0};
	socklen_t len = sizeof(local);
	bool any;

	snprintf(ps->source, sizeof(ps->source), "?");
	if (getsockname(ps->fd, (struct sockaddr *)&local, &len))
		return;
	ps->sport = probe_sockaddr_port(&local);
	any = local.ss_family == AF_INET6
		      ? IN6_IS_ADDR_UNSPECIFIED(&((struct sockaddr_in6 *)&local)->sin6_addr)
		      : ((struct sockaddr_in *)&local)->sin_addr.s_addr == htonl(INADDR_ANY);
	if (any)
		snprintf(ps->source, sizeof(ps->source), "*");
	else
		format_addr((struct sockaddr *)&local, ps->source, sizeof(ps->source));
}

/*
 * A link-local IPv6 address is on every link at once: without a scope
 * (fe80::1%eth0) the kernel cannot tell which, and connect() fails with a
 * bare EINVAL.  Say what is missing instead.
 */
static int check_scope(const struct probe_socket *ps, const char *host)
{
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)&ps->peer;

	if (ps->family != AF_INET6 || sin6->sin6_scope_id ||
	    !(IN6_IS_ADDR_LINKLOCAL(&sin6->sin6_addr) ||
	      IN6_IS_ADDR_MC_LINKLOCAL(&sin6->sin6_addr)))
		return 0;
	if (strcmp(host, ps->address))
		return cli_error("%s is %s, a link-local address: name the interface, as"
				 " %s%%eth0",
				 host, ps->address, ps->address);
	return cli_error("%s is a link-local address: name the interface, as %s%%eth0", host, host);
}

/* Socket, options, bind, connect to @ai: 0, 1 to try the next address, -1 to stop. */
static int open_one(struct probe_socket *ps, const struct probe_socket_cfg *cfg,
		    const struct addrinfo *ai, int *connect_err)
{
	ps->family = ai->ai_family;
	memcpy(&ps->peer, ai->ai_addr, ai->ai_addrlen);
	ps->peer_len = ai->ai_addrlen;
	if (ps->family == AF_INET6)
		((struct sockaddr_in6 *)&ps->peer)->sin6_port = htons(cfg->port);
	else
		((struct sockaddr_in *)&ps->peer)->sin_port = htons(cfg->port);
	format_addr((struct sockaddr *)&ps->peer, ps->address, sizeof(ps->address));

	if (check_scope(ps, cfg->host) || open_bound(ps, cfg))
		return -1;
	/* Connected: the kernel drops datagrams from any other address or port. */
	if (connect(ps->fd, (struct sockaddr *)&ps->peer, ps->peer_len)) {
		*connect_err = errno;
		close(ps->fd);
		ps->fd = -1;
		return 1;
	}
	ps->connected = true;
	set_timestamping(ps);
	if (check_mtu(ps, cfg->size))
		return -1;
	return cfg->any_source ? reopen_unconnected(ps, cfg) : 0;
}

/*
 * The family to resolve HOST in: the one -4 or -6 asked for, else the
 * source address's, else either; *@why says which, for errors.
 */
static int choose_family(const struct probe_socket_cfg *cfg, int *family, const char **why)
{
	struct addrinfo *src;
	int src_family;

	*family = cfg->family;
	*why = cfg->family == AF_INET ? "-4 asks" : "-6 asks";
	if (!cfg->source)
		return 0;
	src = numeric_addr(cfg->source, AF_UNSPEC);
	if (!src)
		return cli_error("bad source '%s': expected an IPv4 or IPv6 address", cfg->source);
	src_family = src->ai_family;
	freeaddrinfo(src);
	if (cfg->family && cfg->family != src_family)
		return cli_error("source '%s' is not an %s address, as %s", cfg->source,
				 family_name(cfg->family), *why);
	*family = src_family;
	*why = "the source is";
	return 0;
}

int probe_socket_open(struct probe_socket *ps, const struct probe_socket_cfg *cfg)
{
	struct addrinfo *res, *ai;
	int family, err = 0, ret = 1;
	const char *why;

	*ps = (struct probe_socket){.fd = -1};
	if (choose_family(cfg, &family, &why) || resolve(cfg->host, family, why, &res))
		return -1;
	for (ai = res; ai && ret == 1; ai = ai->ai_next)
		if (ai->ai_family == AF_INET || ai->ai_family == AF_INET6)
			ret = open_one(ps, cfg, ai, &err);
	freeaddrinfo(res);
	if (ret == 1)
		return cli_error("cannot reach %s (%s): %s", cfg->host, ps->address,
				 strerror(err ? err : EAFNOSUPPORT));
	if (ret < 0) {
		probe_socket_close(ps);
		return -1;
	}
	note_local_address(ps);
	return 0;
}

void probe_socket_close(struct probe_socket *ps)
{
	if (ps->fd >= 0)
		close(ps->fd);
	ps->fd = -1;
}

static ssize_t send_with_id(struct probe_socket *ps, const void *buf, size_t len, uint32_t id)
{
	union {
		char buf[CMSG_SPACE(sizeof(uint32_t))];
		struct cmsghdr align;
	} control;
	struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	struct cmsghdr *cmsg;

	if (!ps->connected) {
		msg.msg_name = &ps->peer;
		msg.msg_namelen = ps->peer_len;
	}
	if (ps->id_cmsg) {
		memset(&control, 0, sizeof(control));
		msg.msg_control = control.buf;
		msg.msg_controllen = sizeof(control.buf);
		cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_TS_OPT_ID;
		cmsg->cmsg_len = CMSG_LEN(sizeof(id));
		memcpy(CMSG_DATA(cmsg), &id, sizeof(id));
	}
	return sendmsg(ps->fd, &msg, 0);
}

int probe_socket_send(struct probe_socket *ps, const void *buf, size_t len, uint32_t id,
		      uint32_t *tag_out)
{
	ssize_t n = send_with_id(ps, buf, len, id);

	if (n < 0 && errno == EINVAL && ps->id_cmsg) {
		/* Before Linux 6.13: the kernel numbers the sends itself. */
		cli_debug("SCM_TS_OPT_ID not supported: counting TX timestamp IDs");
		ps->id_cmsg = false;
		n = send_with_id(ps, buf, len, id);
	}
	if (n < 0)
		return -errno;
	/* The kernel's counter moves only for a send that was taken. */
	*tag_out = ps->id_cmsg ? id : ps->next_id++;
	return 0;
}

/* The software and hardware stamps of an SCM_TIMESTAMPING cmsg. */
static void read_stamps(struct cmsghdr *cmsg, int64_t *sw_ns, int64_t *hw_ns)
{
	struct scm_timestamping tss;

	memcpy(&tss, CMSG_DATA(cmsg), sizeof(tss));
	*sw_ns = timespec_ns(&tss.ts[0]);
	*hw_ns = timespec_ns(&tss.ts[2]);
}

/* IP_TTL and IPV6_HOPLIMIT are both an int. */
static void read_ttl(struct cmsghdr *cmsg, struct probe_rx *rx)
{
	int ttl;

	if (((cmsg->cmsg_level == IPPROTO_IP && cmsg->cmsg_type == IP_TTL) ||
	     (cmsg->cmsg_level == IPPROTO_IPV6 && cmsg->cmsg_type == IPV6_HOPLIMIT)) &&
	    cmsg->cmsg_len >= CMSG_LEN(sizeof(ttl))) {
		memcpy(&ttl, CMSG_DATA(cmsg), sizeof(ttl));
		rx->ttl = (uint8_t)ttl;
		rx->has_ttl = true;
	}
}

/* IP_TOS is one octet (IPv4), IPV6_TCLASS an int. */
static void read_tos(struct cmsghdr *cmsg, struct probe_rx *rx)
{
	int tclass;

	if (cmsg->cmsg_level == IPPROTO_IP && cmsg->cmsg_type == IP_TOS &&
	    cmsg->cmsg_len >= CMSG_LEN(1)) {
		rx->tos = *CMSG_DATA(cmsg);
		rx->has_tos = true;
	} else if (cmsg->cmsg_level == IPPROTO_IPV6 && cmsg->cmsg_type == IPV6_TCLASS &&
		   cmsg->cmsg_len >= CMSG_LEN(sizeof(tclass))) {
		memcpy(&tclass, CMSG_DATA(cmsg), sizeof(tclass));
		rx->tos = (uint8_t)tclass;
		rx->has_tos = true;
	}
}

uint16_t probe_sockaddr_port(const struct sockaddr_storage *sa)
{
	if (sa->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
	return ntohs(((const struct sockaddr_in *)sa)->sin_port);
}

void probe_sockaddr_text(const struct sockaddr_storage *sa, char *buf, size_t len)
{
	format_addr((const struct sockaddr *)sa, buf, len);
}

int probe_socket_recv(struct probe_socket *ps, void *buf, size_t cap, struct probe_rx *rx)
{
	char control[256];
	struct iovec iov = {.iov_base = buf, .iov_len = cap};
	struct msghdr msg = {
		.msg_name = &rx->from,
		.msg_namelen = sizeof(rx->from),
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = control,
		.msg_controllen = sizeof(control),
	};
	struct cmsghdr *cmsg;
	ssize_t n;

	memset(rx, 0, sizeof(*rx));
	n = recvmsg(ps->fd, &msg, MSG_DONTWAIT);
	if (n < 0)
		return -errno;
	rx->len = n;
	for (cmsg = CMSG_FIRSTHDR(&msg); cmsg; cmsg = CMSG_NXTHDR(&msg, cmsg)) {
		if (cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_TIMESTAMPING &&
		    cmsg->cmsg_len >= CMSG_LEN(sizeof(struct scm_timestamping))) {
			read_stamps(cmsg, &rx->sw_ns, &rx->hw_ns);
		} else {
			read_tos(cmsg, rx);
			read_ttl(cmsg, rx);
		}
	}
	return 0;
}

int probe_socket_tx_stamp(struct probe_socket *ps, struct probe_tx_stamp *ts)
{
	char control[512];
	struct msghdr msg = {.msg_control = control, .msg_controllen = sizeof(control)};
	struct sock_extended_err ee;
	bool have_ee = false, have_ts = false;
	struct cmsghdr *cmsg;

	if (recvmsg(ps->fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
		return -errno;
	*ts = (struct probe_tx_stamp){0};
	for (cmsg = CMSG_FIRSTHDR(&msg); cmsg; cmsg = CMSG_NXTHDR(&msg, cmsg)) {
		if (cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_TIMESTAMPING &&
		    cmsg->cmsg_len >= CMSG_LEN(sizeof(struct scm_timestamping))) {
			read_stamps(cmsg, &ts->sw_ns, &ts->hw_ns);
			have_ts = true;
		} else if (((cmsg->cmsg_level == SOL_IP && cmsg->cmsg_type == IP_RECVERR) ||
			    (cmsg->cmsg_level == SOL_IPV6 && cmsg->cmsg_type == IPV6_RECVERR)) &&
			   cmsg->cmsg_len >= CMSG_LEN(sizeof(ee))) {
			memcpy(&ee, CMSG_DATA(cmsg), sizeof(ee));
			have_ee = true;
		}
	}
	/* Only the stamp of the send itself (not scheduling or ACK stamps). */
	if (!have_ts || !have_ee || ee.ee_errno != ENOMSG ||
	    ee.ee_origin != SO_EE_ORIGIN_TIMESTAMPING || ee.ee_info != SCM_TSTAMP_SND)
		return 0;
	ts->id = ee.ee_data;
	return 1;
}

int probe_socket_pending_error(struct probe_socket *ps)
{
	socklen_t len = sizeof(int);
	int err = 0;

	if (getsockopt(ps->fd, SOL_SOCKET, SO_ERROR, &err, &len))
		return errno;
	return err;
}
