/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "maps.h"

const volatile struct stampede_config cfg = {
	.ports = { __builtin_bswap16(862) },
	.n_ports = 1,
	.reply_ttl = STAMPEDE_DEFAULT_REPLY_TTL,
};

SEC("xdp")
int stampede_xdp(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
