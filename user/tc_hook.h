/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * mode tc: the reflector as a filter of an interface's clsact ingress hook
 * (bpf/stampede_tc.bpf.c).  A tc filter attached through netlink has no
 * bpf_link on Linux 5.10, so the reflector's hold is its program, pinned
 * as TC_PIN_PROG, and the filter's place, recorded as the symlink
 * TC_PIN_RECORD -> "PRIORITY:HANDLE:OWNED" (OWNED 1: stampede made the
 * clsact qdisc, and removes it at detach when no other filter is left).
 */
#ifndef STAMPEDE_TC_HOOK_H
#define STAMPEDE_TC_HOOK_H

#include <stdbool.h>
#include <linux/types.h>

#define TC_PIN_PROG   "tc_prog"
#define TC_PIN_RECORD "tc"

/*
 * Priority 1: the reflector sees the frames before other filters, as an
 * XDP reflector would.  Frames it does not answer go on to the next
 * filter (TC_ACT_UNSPEC).  The handle is "ST".
 */
#define TC_PRIORITY 1
#define TC_HANDLE   0x5354

struct tc_record {
	__u32 priority;
	__u32 handle;
	bool owns_qdisc;
};

/*
 * Attach @prog_fd as @ifindex's ingress filter at @rec's place, making the
 * clsact qdisc if there is none (then rec->owns_qdisc is set); @replace
 * swaps the program of the filter that is there, atomically.  -errno.
 */
int tc_filter_attach(int ifindex, int prog_fd, bool replace, struct tc_record *rec);

/* The program id of the filter at @rec's place on @ifindex, 0 when there is none. */
__u32 tc_filter_prog(int ifindex, const struct tc_record *rec);

/*
 * Remove the filter, and the clsact qdisc if stampede made it and no filter
 * is left in it.  -errno.
 */
int tc_filter_detach(int ifindex, const struct tc_record *rec);

/* The record in the pin directory @dir; -1 (reported) on failure. */
int tc_record_write(const char *dir, const struct tc_record *rec);

/* The record read from @dir; -1 when there is none. */
int tc_record_read(const char *dir, struct tc_record *rec);

#endif /* STAMPEDE_TC_HOOK_H */
