/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The cheapest XDP program there is: it passes every frame at once.  Its
 * cost under BPF_PROG_TEST_RUN is the test loop's own overhead, the base
 * against which the reflector's cost to other traffic is measured.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int pass_empty(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
