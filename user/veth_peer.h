/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The peer of a veth, as far as native XDP_TX on it is concerned: a frame
 * sent back with XDP_TX goes to the peer's XDP receive path (dropped there
 * unless an XDP program runs on the peer), and its UDP checksum is right
 * only when the peer did not leave it to "hardware" (tx checksum offload).
 */
#ifndef STAMPEDE_VETH_PEER_H
#define STAMPEDE_VETH_PEER_H

#include <stdbool.h>
#include <net/if.h>

struct veth_peer {
	bool is_veth;		/* the interface is a veth */
	bool found;		/* ... and its peer was found */
	char name[IF_NAMESIZE]; /* the peer's name, in its namespace */
	bool other_netns;	/* the peer is in another network namespace */
	bool has_xdp;		/* an XDP program is attached to the peer */
	int tx_csum;		/* the peer's tx checksum offload: 1 on, 0 off, -1 unknown */
};

/* What can be told of @ifindex's veth peer; is_veth false for other devices. */
void veth_peer_query(int ifindex, struct veth_peer *peer);

#endif /* STAMPEDE_VETH_PEER_H */
