/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Sharing an interface's XDP hook through libxdp's multi-program
 * dispatcher (the one xdp-loader and other libxdp users attach): the hook
 * holds the dispatcher, which calls its component programs in the order of
 * their run priority and goes on to the next one when a program returns an
 * action of its chain_call_actions.  stampede joins as a component with
 * MULTIPROG_RUN_PRIO and chains on XDP_PASS only: what is not its own goes
 * on to the next program, its replies (XDP_TX) and drops end the chain.
 *
 * Such a reflector's pin directory holds the program ("prog") instead of a
 * link: libxdp owns the links (under /sys/fs/bpf/xdp/dispatch-IFINDEX-ID/)
 * and makes new ones whenever a program joins or leaves the dispatcher,
 * while the program, and so its id, stays the same.
 */
#ifndef STAMPEDE_MULTIPROG_H
#define STAMPEDE_MULTIPROG_H

#include <stdbool.h>
#include <linux/bpf.h>
#include <linux/types.h>

/*
 * Ahead of the programs that do not name a priority (libxdp's default, 50):
 * a STAMP reply's T2 then does not include their cost.  A program that
 * must see every frame first (a filter) takes a priority below 10.
 */
#define MULTIPROG_RUN_PRIO 10

struct bpf_object;

/* The pin of a multiprog reflector's program, in place of STAMPEDE_PIN_LINK. */
#define MULTIPROG_PIN_PROG "prog"

enum hook_kind {
	HOOK_FREE,	 /* no XDP program */
	HOOK_DISPATCHER, /* libxdp's dispatcher */
	HOOK_OTHER,	 /* a program attached without libxdp's dispatcher */
};

/* What holds an interface's XDP hook (native or generic). */
struct xdp_hook {
	enum hook_kind kind;
	__u32 prog_id; /* the program attached: the dispatcher's, else the other's */
	char prog_name[BPF_OBJ_NAME_LEN];
	bool generic; /* attached in generic (skb) mode */
	int programs; /* a dispatcher's component programs */
};

/* Fill @hook for @ifindex; -1 (reported) when it cannot be read. */
int multiprog_hook(const char *ifname, int ifindex, struct xdp_hook *hook);

/*
 * Whether prog @prog_id runs on @ifindex as a component of its dispatcher
 * (or, where libxdp fell back to attaching it alone, as its only program):
 * its mode ("native" or "generic") and the dispatcher's id, or "none".
 */
const char *multiprog_find(int ifindex, __u32 prog_id, __u32 *dispatcher_id);

/*
 * Load program @prog_name of @obj (opened, not loaded) as a component of
 * @ifindex's dispatcher, creating one in @generic mode when the hook is free.
 * Returns the loaded program's fd (the caller closes it), or -1 with errno.
 */
int multiprog_attach(struct bpf_object *obj, const char *prog_name, int ifindex, bool generic);

/* Take the program @prog_fd out of @ifindex's dispatcher; -1 with errno on failure. */
int multiprog_detach(int prog_fd, int ifindex);

#endif /* STAMPEDE_MULTIPROG_H */
