/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The benchmark's floor: the cheapest reflection (bench/floor.h). */
#include "floor.h"

SEC("xdp")
int floor_reflect(struct xdp_md *ctx)
{
	return floor_turn_around(ctx, false);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
