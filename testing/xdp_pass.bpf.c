/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Test scaffolding, not part of stampede: passes every frame.  The tests
 * attach it to the sender's veth, because veth delivers a frame the
 * reflector sends back with XDP_TX only through the peer's XDP receive
 * path, which exists while a program is attached there.  Built with the
 * rest (make test), so the suites need no compiler where they run (the
 * kernel matrix's guests have none).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
