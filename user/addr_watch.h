/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The address watch of a reflector (bpf/addr_watch.bpf.c): tracing programs
 * on the kernel's address-removal path that delete a removed address from
 * the reflector's maps before the removal returns.  Loaded with the
 * reflector's maps by `reflector attach` (and so by the agent), as fentry
 * where the kernel takes it, else as kprobe; where it takes neither the
 * reflector works as before and the watch is reported off, with why.
 *
 * Its pins, beside the reflector's in the pin directory:
 *   addr_watch_v4, addr_watch_v6  the two links (IPv4 and IPv6 removals)
 *   addr_watch_gen                the removals it has seen (a __u64 at key 0)
 *   addr_watch                    a symlink recording what runs: "fentry",
 *                                 "kprobe", "kprobe held by pid N" (links a
 *                                 kernel before 5.15 cannot pin, held by a
 *                                 running agent), or "off: WHY"
 */
#ifndef STAMPEDE_ADDR_WATCH_H
#define STAMPEDE_ADDR_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#define ADDR_WATCH_PIN_RECORD "addr_watch"
#define ADDR_WATCH_PIN_GEN    "addr_watch_gen"
#define ADDR_WATCH_LINKS      2
extern const char *const addr_watch_link_pins[ADDR_WATCH_LINKS];

enum addr_watch_kind { ADDR_WATCH_OFF, ADDR_WATCH_FENTRY, ADDR_WATCH_KPROBE };

/* Indexed by enum addr_watch_kind: "off", "fentry", "kprobe". */
extern const char *const addr_watch_kind_names[];

struct addr_watch_bpf;
struct bpf_link;

/* A watch loaded and attached by this process (or off, and why). */
struct addr_watch {
	enum addr_watch_kind kind;
	bool pinnable;	/* its links are bpf_links (a kprobe's before 5.15 are not) */
	bool asked_off; /* off as asked (ADDR_WATCH_ENV), not as refused */
	char why[256];	/* off: the kernel's refusals */
	struct addr_watch_bpf *skel;
	struct bpf_link *link[ADDR_WATCH_LINKS];
};

/*
 * The environment may ask for a kind: auto (the default: fentry, else
 * kprobe), kprobe (the fallback, also where fentry would load) or off.
 */
#define ADDR_WATCH_ENV "STAMPEDE_ADDR_WATCH"

/*
 * Load and attach a watch for the reflector of @ifindex in the network
 * namespace we are in, sharing its maps @local_addrs_fd and @local_set_fd,
 * and the generation map @gen_fd when a watch ran before (-1: a new one).
 * Never fails its caller: a watch the kernel refuses is left off, its
 * reasons in @w->why (and on stderr with -d).
 */
void addr_watch_start(struct addr_watch *w, int ifindex, int local_addrs_fd, int local_set_fd,
		      int gen_fd);

/* The watch's generation map and links, -1 when it is off. */
int addr_watch_gen_fd(const struct addr_watch *w);
int addr_watch_link_fd(const struct addr_watch *w, int i);

/* Detach (links nobody pinned or held) and free; @w is off after. */
void addr_watch_free(struct addr_watch *w);

/* Its links pinned: let them go without detaching (the pins hold them); @w is off after. */
void addr_watch_release(struct addr_watch *w);

/*
 * The agent keeps links the kernel cannot pin (kprobe before 5.15) while it
 * runs: one watch per pin directory @dir, a later one replacing it.
 */
extern bool addr_watch_may_hold;
void addr_watch_hold(const char *dir, struct addr_watch *w);

/* The watch held for @dir, if any, detached and freed (another took its place). */
void addr_watch_unhold(const char *dir);

/* The record of @w for its pin directory ("fentry", "off: WHY", ...). */
void addr_watch_record_text(const struct addr_watch *w, bool held, char *buf, size_t len);

/* What `reflector show` reports of the watch of the reflector pinned in @dir. */
struct addr_watch_state {
	const char *mode; /* "fentry", "kprobe" or "off" */
	char why[288];	  /* off: why; a held kprobe: by whom; else "" */
};
void addr_watch_read(const char *dir, struct addr_watch_state *st);

/*
 * The removals counted by the generation map pinned in @dir: the agent
 * rewrites the maps again when it moved meanwhile (user/addrs.c).  -1
 * when there is none (no watch).
 */
int addr_watch_open_gen(const char *dir);
__u64 addr_watch_gen_read(int gen_fd);

#endif /* STAMPEDE_ADDR_WATCH_H */
