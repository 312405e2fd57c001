/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Benchmark wrapper for requests a reflection does not leave reflectable
 * (a TWAMP-Light request grows into a 44-octet reply): before every run it
 * writes the original frame back over the buffer, at its original length,
 * then tail-calls the program under test.  BPF_PROG_TEST_RUN reuses one
 * buffer across repeats, so without this only the first repeat would see
 * the request.  prog_cost measures the wrapper with pass_empty behind it
 * too and subtracts that, so the wrapper's own work cancels out.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* Frames up to this length, a multiple of 8 octets, can be restored. */
#define FRAME_RESET_MAX 128

struct frame_reset_frame {
	__u32 len; /* octets; a multiple of 8, at most FRAME_RESET_MAX */
	__u32 pad;
	__u64 w[FRAME_RESET_MAX / 8];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct frame_reset_frame);
} reset_frame SEC(".maps");

/* Slot 0: the program under test. */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} next_prog SEC(".maps");

SEC("xdp")
int frame_reset(struct xdp_md *ctx)
{
	struct frame_reset_frame *f;
	void *data, *data_end;
	__u32 zero = 0, len, i;
	__u64 *w;

	f = bpf_map_lookup_elem(&reset_frame, &zero);
	if (!f)
		return XDP_ABORTED;
	len = f->len;
	if (len > FRAME_RESET_MAX || len % 8)
		return XDP_ABORTED;
	/*
	 * Called even when the length is right, so both measurements pay for
	 * it.  The verifier allows no pkt_end - pkt: the helper gives the length.
	 * Only the end moves back: test runs leave tailroom, so the program
	 * under test grows a frame at the tail, never at the front.
	 */
	if (bpf_xdp_adjust_tail(ctx, (int)len - (int)bpf_xdp_get_buff_len(ctx)))
		return XDP_ABORTED;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	for (i = 0; i < FRAME_RESET_MAX / 8; i++) {
		if (i * 8 >= len)
			break;
		w = data + i * 8;
		if ((void *)(w + 1) > data_end)
			return XDP_ABORTED;
		*w = f->w[i];
	}
	bpf_tail_call(ctx, &next_prog, 0);
	/* The slot is empty or the call was refused. */
	return XDP_ABORTED;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
