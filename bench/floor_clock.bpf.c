/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The floor plus one CLOCK_TAI read: what the clock alone adds (bench/floor.h). */
#include "floor.h"

SEC("xdp")
int floor_clock_reflect(struct xdp_md *ctx)
{
	return floor_turn_around(ctx, true);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
