/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The probe's UDP socket: resolved, bound and connected to one reflector,
 * with TTL, traffic class and don't-fragment set, and kernel timestamps
 * (SO_TIMESTAMPING) on both directions.  TX timestamps come back on the
 * error queue, each tagged with an ID (SOF_TIMESTAMPING_OPT_ID) that
 * names the request it belongs to.
 *
 * Hardware timestamps are taken when the NIC already delivers them: the
 * probe never reconfigures the NIC (SIOCSHWTSTAMP is global state that a
 * PTP daemon owns).
 */
#ifndef STAMPEDE_PROBE_SOCKET_H
#define STAMPEDE_PROBE_SOCKET_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>

struct probe_socket_cfg {
	const char *host;
	int family; /* AF_INET or AF_INET6 only (-4, -6); AF_UNSPEC: either */
	uint16_t port;
	const char *source; /* numeric address, or NULL */
	uint16_t sport;	    /* 0: any */
	uint8_t ttl;
	uint8_t tos; /* DSCP << 2 | ECN */
	size_t size; /* UDP payload, checked against the path MTU */
	/*
	 * Replies may come from another address of the reflector (RFC 9503
	 * Destination Node Address, Return Path): the socket is connected
	 * only to check the route and read the path MTU, then disconnected.
	 */
	bool any_source;
};

struct probe_socket {
	int fd;
	int family;
	struct sockaddr_storage peer;
	socklen_t peer_len;
	char address[INET6_ADDRSTRLEN]; /* the peer's, as text */
	char source[INET6_ADDRSTRLEN];	/* ours, as text; "*" when any of this host's */
	uint16_t sport;			/* our UDP port */
	bool connected;			/* the kernel drops what is not from the peer */
	bool tx_stamps;			/* the kernel takes TX timestamps */
	bool rx_stamps;			/* ... and RX timestamps */
	int64_t stamps_ready_ns;	/* CLOCK_MONOTONIC: RX stamps should be on by then */
	bool id_cmsg;	       /* IDs set per packet (SCM_TS_OPT_ID), else the kernel counts */
	uint32_t next_id;      /* the kernel's count: successful sends so far */
	unsigned int mtu;      /* of the route to the peer; 0 unknown */
	unsigned int max_size; /* the largest UDP payload that fits it */
};

/*
 * Resolve @cfg->host (the first address that can be reached), open and
 * set up the socket.  Reports the cause with cli_error() and returns -1 on
 * failure: an unknown host, a bad or foreign source address, a port that
 * needs privileges, a size beyond the path MTU.
 */
int probe_socket_open(struct probe_socket *ps, const struct probe_socket_cfg *cfg);
void probe_socket_close(struct probe_socket *ps);

/*
 * Send one request, asking the kernel to tag its TX timestamp with @id
 * (where it can: otherwise *@tag_out is the ID the kernel will use).
 * Returns 0, or -errno (the request was not sent).
 */
int probe_socket_send(struct probe_socket *ps, const void *buf, size_t len, uint32_t id,
		      uint32_t *tag_out);

/* A received reply, its kernel timestamps (0 when none came), its IP header's bits. */
struct probe_rx {
	size_t len;
	int64_t sw_ns; /* software, UTC */
	int64_t hw_ns; /* hardware, the NIC's clock */
	bool has_tos;  /* IP_RECVTOS / IPV6_RECVTCLASS gave the traffic class */
	uint8_t tos;   /* DSCP << 2 | ECN */
	bool has_ttl;  /* IP_RECVTTL / IPV6_RECVHOPLIMIT gave the reply's TTL */
	uint8_t ttl;   /* TTL / Hop Limit the reply arrived with */
	struct sockaddr_storage from;
};

/* The UDP port of @sa (network order in, host order out). */
uint16_t probe_sockaddr_port(const struct sockaddr_storage *sa);

/* The address of @sa as text into @buf (INET6_ADDRSTRLEN octets). */
void probe_sockaddr_text(const struct sockaddr_storage *sa, char *buf, size_t len);

/* Receive one reply into @buf without waiting: 0, or -errno (-EAGAIN: none). */
int probe_socket_recv(struct probe_socket *ps, void *buf, size_t cap, struct probe_rx *rx);

/* A TX timestamp from the error queue. */
struct probe_tx_stamp {
	uint32_t id;
	int64_t sw_ns;
	int64_t hw_ns;
};

/*
 * Read one message of the error queue without waiting: 1 and *@ts for a
 * TX timestamp, 0 for anything else (an ICMP error), -errno when the
 * queue is empty (-EAGAIN) or on failure.
 */
int probe_socket_tx_stamp(struct probe_socket *ps, struct probe_tx_stamp *ts);

/* Fetch and clear the socket's pending error (an ICMP unreachable): 0 or an errno. */
int probe_socket_pending_error(struct probe_socket *ps);

/*
 * Whether @err (positive) is how the kernel reports an ICMP error from the
 * path on a connected UDP socket: unreachable (port, host, net, protocol),
 * administratively prohibited, a parameter problem.  The next send or
 * receive fails with it once; it is counted, and the run goes on.
 */
static inline bool probe_icmp_errno(int err)
{
	switch (err) {
	case ECONNREFUSED: /* port unreachable */
	case EHOSTUNREACH:
	case ENETUNREACH:
	case EHOSTDOWN:
	case ENETDOWN:
	case ENOPROTOOPT: /* protocol unreachable (IPv4) */
	case EACCES:	  /* administratively prohibited, reject route (ICMPv6) */
	case EPROTO:	  /* parameter problem */
		return true;
	default:
		return false;
	}
}

#endif /* STAMPEDE_PROBE_SOCKET_H */
