// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * `reflector attach`: load the XDP program with this configuration and
 * attach it through a pinned bpf_link, or, when a reflector is already
 * attached to the device, load the new program with the old maps and swap
 * it in atomically (counters and sessions carry over).  In mode tc the
 * program is the tc one, a clsact ingress filter (tc_hook.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <linux/ethtool.h>
#include <linux/if_link.h>
#include <linux/sockios.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "addr_watch.h"
#include "addrs.h"
#include "attach.h"
#include "attached.h"
#include "auth_keys.h"
#include "cli.h"
#include "clock.h"
#include "describe.h"
#include "kernel_features.h"
#include "multiprog.h"
#include "objects.h"
#include "output.h"
#include "pins.h"
#include "prune.h"
#include "reflector_obj.h"
#include "session.h"
#include "source_policy.h"
#include "stampede.skel.h"
#include "tc_hook.h"
#include "veth_peer.h"

/*
 * What this run changed, taken back in reverse order if it fails: pins and
 * directories it made, pins it replaced, the program it swapped in.  A
 * failed attach leaves the interface exactly as it was.
 */
#define UNDO_MAX 32
enum undo_kind {
	UNDO_UNLINK,  /* remove the pin or symlink at path */
	UNDO_RMDIR,   /* remove the directory at path */
	UNDO_REPIN,   /* put the object fd back at path, over what is there */
	UNDO_PROG,    /* give link fd its program fd2 back */
	UNDO_LEAVE,   /* take program fd out of the dispatcher of ifindex fd2 */
	UNDO_TC,      /* remove the tc filter at tc of ifindex fd2 */
	UNDO_TC_PROG, /* give the tc filter at tc of ifindex fd2 its program fd back */
	UNDO_SYMLINK, /* put the symlink at path back to text ("": remove it) */
};

struct undo_step {
	enum undo_kind kind;
	char path[PATH_MAX];
	int fd, fd2;
	struct tc_record tc;
	char text[320];
};

struct undo {
	struct undo_step step[UNDO_MAX];
	int n;
};

/* What the run works with; released on every path out. */
struct attach_ctx {
	struct attach_req req;
	int ifindex;
	unsigned int mtu;
	char dir[PATH_MAX];
	bool replace;
	bool refresh;			/* `reflector refresh`: the running settings again */
	bool set;			/* `reflector set`: refresh, with the policy named */
	struct attach_req set_req;	/* set: what it names */
	bool reattach;			/* replace: the link was detached from outside */
	__u32 old_prog_id;		/* replace: the running reflector's program */
	int old_prog_fd;		/* ... held to give it back if the run fails */
	struct stampede_config old_cfg; /* replace: its configuration */
	const char *old_mode;		/* replace: "native", "generic" or "none" */
	__u32 old_sets;			/* replace: its session table's sets */
	bool was_stateful;		/* replace: the running reflector's mode */
	bool fresh_sessions;		/* a sessions map of another size replaces the pinned one */
	bool fresh_rate_src;		/* so does a rate_src map of another size */
	/* replace: the running allow-list, read from its map */
	struct stampede_prefix old_allow[STAMPEDE_MAX_ALLOW_PREFIXES];
	unsigned int n_old_allow;
	int link_fd;	 /* the pinned link (replace) */
	int new_link_fd; /* the link this run creates (attach, reattach) */
	/* libxdp's dispatcher (multiprog.h) */
	bool multiprog;	       /* this run attaches through it */
	bool dispatcher_there; /* ... joining one that holds the hook */
	bool generic;	       /* ... that one's mode */
	bool was_multiprog;    /* replace: the running reflector is in one */
	bool leave_old;	       /* ... to be taken out once the new one runs */
	int prog_fd;	       /* ... its pinned program */
	int new_prog_fd;       /* the program this run put in a dispatcher */
	/* mode tc (tc_hook.h) */
	bool tc;			/* this run loads the tc program */
	bool was_tc;			/* replace: the running reflector is a tc filter */
	bool fallback_tc;		/* mode auto: XDP could not be had; again in tc */
	struct tc_record tc_rec;	/* the filter's place */
	struct stampede_bpf *component; /* its object, loaded by libxdp */
	int old_map_fd[PIN_MAP_COUNT];
	struct stampede_bpf *skel;
	/* the address watch (addr_watch.h): this run's, and what a replace found */
	struct addr_watch watch;
	bool watch_held;		    /* ... kept by this process (the agent) */
	bool old_watch_on;		    /* replace: a watch runs */
	int old_watch_fd[ADDR_WATCH_LINKS]; /* ... its pinned links */
	int old_watch_gen_fd;		    /* ... its generation map */
	struct undo undo;
	struct auth_keyset keys; /* auth-key FILE, read before anything changes */
};

/* --- undo ----------------------------------------------------------------- */

static struct undo_step *undo_add(struct undo *undo, enum undo_kind kind, const char *path, int fd,
				  int fd2)
{
	struct undo_step *s;

	/* Sized for every step a run takes; a longer list is a bug. */
	if (undo->n == UNDO_MAX) {
		cli_warn("internal: undo list full; a failure now may leave changes behind");
		return NULL;
	}
	s = &undo->step[undo->n++];
	s->kind = kind;
	snprintf(s->path, sizeof(s->path), "%s", path ?: "");
	s->fd = fd;
	s->fd2 = fd2;
	return s;
}

static void undo_add_tc(struct undo *undo, enum undo_kind kind, int fd, int ifindex,
			const struct tc_record *rec)
{
	struct undo_step *s = undo_add(undo, kind, NULL, fd, ifindex);

	if (s)
		s->tc = *rec;
}

static void undo_step(const struct undo_step *s)
{
	switch (s->kind) {
	case UNDO_UNLINK:
		unlink(s->path);
		break;
	case UNDO_RMDIR:
		rmdir(s->path);
		break;
	case UNDO_REPIN:
		unlink(s->path);
		if (bpf_obj_pin(s->fd, s->path))
			cli_warn("could not restore the pin %s: %s", s->path, strerror(errno));
		break;
	case UNDO_PROG:
		if (bpf_link_update(s->fd, s->fd2, NULL))
			cli_warn("could not restore the earlier program: %s", strerror(errno));
		break;
	case UNDO_LEAVE:
		if (multiprog_detach(s->fd, s->fd2))
			cli_warn("could not take the new program out of the XDP dispatcher: %s",
				 strerror(errno));
		break;
	case UNDO_TC:
		if (tc_filter_detach(s->fd2, &s->tc))
			cli_warn("could not remove the new tc filter");
		break;
	case UNDO_TC_PROG: {
		struct tc_record rec = s->tc;

		if (tc_filter_attach(s->fd2, s->fd, true, &rec))
			cli_warn("could not restore the earlier tc program");
		break;
	}
	case UNDO_SYMLINK:
		unlink(s->path);
		if (s->text[0] && symlink(s->text, s->path))
			cli_warn("could not restore %s: %s", s->path, strerror(errno));
		break;
	}
}

static void undo_run(struct undo *undo)
{
	while (undo->n > 0)
		undo_step(&undo->step[--undo->n]);
}

/* mkdir that remembers what it made. */
static int make_dir(struct undo *undo, const char *path)
{
	if (!mkdir(path, 0700)) {
		undo_add(undo, UNDO_RMDIR, path, -1, -1);
		return 0;
	}
	if (errno == EEXIST)
		return 0;
	return cli_error("cannot create %s: %s", path, strerror(errno));
}

static int make_pin_dirs(struct attach_ctx *ctx)
{
	char netns_dir[PATH_MAX];

	if (pins_netns_dir(netns_dir, sizeof(netns_dir)) || make_dir(&ctx->undo, STAMPEDE_PIN_ROOT))
		return -1;
	if (strcmp(netns_dir, STAMPEDE_PIN_ROOT) && make_dir(&ctx->undo, netns_dir))
		return -1;
	return make_dir(&ctx->undo, ctx->dir);
}

static int pin(struct attach_ctx *ctx, int fd, const char *name)
{
	char path[PATH_MAX];

	if (pins_path(path, sizeof(path), ctx->dir, name))
		return -1;
	if (bpf_obj_pin(fd, path))
		return cli_error("cannot pin %s: %s", path, strerror(errno));
	undo_add(&ctx->undo, UNDO_UNLINK, path, -1, -1);
	return 0;
}

/*
 * Pin @fd in place of the pin @name, which holds @old_fd: pinned beside it
 * first and renamed over it, so that the name never goes missing.
 */
static int pin_over(struct attach_ctx *ctx, int fd, const char *name, int old_fd)
{
	char tmp_name[64], tmp[PATH_MAX], path[PATH_MAX];

	/* bpffs refuses dots in names: they are its own. */
	snprintf(tmp_name, sizeof(tmp_name), "%s_new", name);
	if (pin(ctx, fd, tmp_name) || pins_path(tmp, sizeof(tmp), ctx->dir, tmp_name) ||
	    pins_path(path, sizeof(path), ctx->dir, name))
		return -1;
	if (rename(tmp, path))
		return cli_error("cannot replace the pin %s: %s", path, strerror(errno));
	undo_add(&ctx->undo, UNDO_REPIN, path, old_fd, -1);
	return 0;
}

/* The ifindex symlink (pins.h), unless an earlier run made it. */
static int record_ifindex(struct attach_ctx *ctx)
{
	char path[PATH_MAX];

	if (pins_recorded_ifindex(ctx->dir) == ctx->ifindex)
		return 0;
	if (pins_path(path, sizeof(path), ctx->dir, PIN_IFINDEX))
		return -1;
	unlink(path); /* a stale one: the old pins were for another ifindex */
	if (pins_record_ifindex(ctx->dir, ctx->ifindex))
		return -1;
	undo_add(&ctx->undo, UNDO_UNLINK, path, -1, -1);
	return 0;
}

/* --- the device before we touch it ----------------------------------------- */

/*
 * What holds the hook decides how stampede attaches (ctx->multiprog): alone
 * through a link on a free hook (unless 'multiprog on'), as a component of
 * libxdp's dispatcher where one holds it (unless 'multiprog off'); beside
 * a program attached without the dispatcher it cannot run at all.
 */
static int check_hook(struct attach_ctx *ctx)
{
	const char *dev = ctx->req.ifname;
	struct xdp_hook hook;

	if (ctx->req.mode == ATTACH_MODE_TC) {
		if (ctx->req.multiprog == ATTACH_MULTIPROG_ON)
			return cli_error("'multiprog on' is for XDP: mode tc attaches a tc filter");
		ctx->tc = true;
		return 0;
	}
	if (multiprog_hook(dev, ctx->ifindex, &hook))
		return -1;
	switch (hook.kind) {
	case HOOK_FREE:
		ctx->multiprog = ctx->was_multiprog || ctx->req.multiprog == ATTACH_MULTIPROG_ON;
		return 0;
	case HOOK_DISPATCHER:
		if (ctx->req.multiprog == ATTACH_MULTIPROG_OFF)
			return cli_error(
				"dev %s's XDP hook holds libxdp's dispatcher (prog id %u, %d"
				" program%s) and 'multiprog off' keeps stampede out of it",
				dev, hook.prog_id, hook.programs, hook.programs == 1 ? "" : "s");
		if (ctx->req.mode != ATTACH_MODE_AUTO &&
		    (ctx->req.mode == ATTACH_MODE_GENERIC) != hook.generic)
			return cli_error(
				"dev %s's XDP dispatcher runs in %s mode: stampede joins it"
				" in that mode ('mode %s' or 'mode auto')",
				dev, attach_xdp_mode_name(hook.generic),
				attach_xdp_mode_name(hook.generic));
		ctx->multiprog = ctx->dispatcher_there = true;
		ctx->generic = hook.generic;
		return 0;
	case HOOK_OTHER:
		break;
	}
	if (ctx->req.mode == ATTACH_MODE_AUTO && ctx->req.multiprog != ATTACH_MULTIPROG_ON &&
	    !ctx->replace) {
		cli_note("dev %s's XDP hook holds a program attached without libxdp's dispatcher"
			 " (prog id %u, name %s): attaching in mode tc, a clsact ingress filter",
			 dev, hook.prog_id, hook.prog_name);
		ctx->tc = true;
		return 0;
	}
	return cli_error("dev %s already has an XDP program attached without libxdp's dispatcher"
			 " (prog id %u, name %s): stampede runs beside programs attached through"
			 " libxdp (xdp-loader) only; detach it first, or attach with 'mode tc'"
			 " (a tc filter, after the XDP program)",
			 dev, hook.prog_id, hook.prog_name);
}

/* A link refused with EBUSY: say what holds the hook. */
static int hook_taken(struct attach_ctx *ctx, int err)
{
	struct xdp_hook hook;

	if (!multiprog_hook(ctx->req.ifname, ctx->ifindex, &hook) && hook.kind == HOOK_DISPATCHER)
		return cli_error("dev %s's XDP hook holds libxdp's dispatcher (prog id %u); attach"
				 " again to join it",
				 ctx->req.ifname, hook.prog_id);
	return check_hook(ctx) ?: cli_error("dev %s is busy: %s", ctx->req.ifname, strerror(err));
}

/* Sets of the session table for @sessions: enough, and a power of two. */
static __u32 session_sets(__u32 sessions)
{
	__u32 want = (sessions + STAMPEDE_SESSION_WAYS - 1) / STAMPEDE_SESSION_WAYS, sets = 1;

	while (sets < want)
		sets <<= 1;
	return sets;
}

/* A pinned map must match what the new program expects of it. */
static int check_map_fits(const struct attach_ctx *ctx, int fd, const struct bpf_map *map,
			  const char *name)
{
	struct bpf_map_info info = {0};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return cli_error("dev %s: cannot read the pinned map '%s': %s", ctx->req.ifname,
				 name, strerror(errno));
	if (info.type != bpf_map__type(map) || info.key_size != bpf_map__key_size(map) ||
	    info.value_size != bpf_map__value_size(map) ||
	    info.map_flags != bpf_map__map_flags(map) ||
	    (strcmp(name, "sessions") && strcmp(name, "rate_src") &&
	     info.max_entries != bpf_map__max_entries(map)))
		return cli_error("dev %s: pinned map '%s' does not fit this version of stampede;"
				 " detach first",
				 ctx->req.ifname, name);
	return 0;
}

/* A stateful table keeps its sessions in place, so its size stays. */
static int check_no_resize(const struct attach_ctx *ctx)
{
	if (ctx->replace && ctx->was_stateful && ctx->req.stateful && ctx->req.sessions_given &&
	    session_sets(ctx->req.sessions) != ctx->old_sets)
		return cli_error("dev %s: sessions table holds %u sessions; detach first to"
				 " resize",
				 ctx->req.ifname, ctx->old_sets * STAMPEDE_SESSION_WAYS);
	return 0;
}

/*
 * The sets of the session table to load with.  A stateless reflector keeps
 * no sessions: one set (4 slots) instead of the 2.2 MB of the default
 * table.  A stateful one replaced without 'sessions' keeps its size.
 */
static __u32 wanted_session_sets(const struct attach_ctx *ctx)
{
	if (!ctx->req.stateful)
		return 1;
	if (ctx->replace && ctx->was_stateful && !ctx->req.sessions_given)
		return ctx->old_sets;
	return session_sets(ctx->req.sessions);
}

/* The pinned sessions map's number of sets. */
static int read_old_sets(struct attach_ctx *ctx)
{
	struct bpf_map_info info = {0};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(ctx->old_map_fd[PIN_MAP_sessions], &info, &len))
		return cli_error("dev %s: cannot read the pinned map 'sessions': %s",
				 ctx->req.ifname, strerror(errno));
	ctx->old_sets = info.max_entries;
	return 0;
}

static struct bpf_map *skel_map(struct stampede_bpf *skel, enum pin_map which)
{
	switch (which) {
	case PIN_MAP_stats:
		return skel->maps.stats;
	case PIN_MAP_sessions:
		return skel->maps.sessions;
	case PIN_MAP_local_addrs:
		return skel->maps.local_addrs;
	case PIN_MAP_local_set:
		return skel->maps.local_set;
	case PIN_MAP_clock:
		return skel->maps.clock;
	case PIN_MAP_tlv_stats:
		return skel->maps.tlv_stats;
	case PIN_MAP_access_reports:
		return skel->maps.access_reports;
	case PIN_MAP_auth_keys:
		return skel->maps.auth_keys;
	case PIN_MAP_allow_src:
		return skel->maps.allow_src;
	case PIN_MAP_rate_src:
		return skel->maps.rate_src;
	case PIN_MAP_rate_all:
		return skel->maps.rate_all;
	default:
		return NULL;
	}
}

/* The running reflector holds the hook with a link: is it this interface's? */
static int read_old_link(struct attach_ctx *ctx, const char **mode)
{
	struct bpf_link_info link = {0};
	__u32 len = sizeof(link);

	if (bpf_obj_get_info_by_fd(ctx->link_fd, &link, &len))
		return cli_error("dev %s: cannot read the pinned link: %s", ctx->req.ifname,
				 strerror(errno));
	/*
	 * Detached from outside (bpftool link detach): the interface is the
	 * one recorded, the link lost it.  A new link takes the maps up.
	 */
	ctx->reattach = link.type == BPF_LINK_TYPE_XDP && !link.xdp.ifindex &&
			pins_recorded_ifindex(ctx->dir) == ctx->ifindex;
	/* The interface went away and one of the same name came: the link is dead. */
	if (link.type != BPF_LINK_TYPE_XDP ||
	    (!ctx->reattach && link.xdp.ifindex != (__u32)ctx->ifindex))
		return cli_error("dev %s: pins left from an earlier interface named %s; run"
				 " 'stampede reflector detach dev %s' first",
				 ctx->req.ifname, ctx->req.ifname, ctx->req.ifname);
	ctx->old_prog_id = link.prog_id;
	*mode = xdp_mode_name(ctx->ifindex, link.prog_id);
	return 0;
}

/*
 * The running reflector is in libxdp's dispatcher: the new program joins
 * it there in the same mode, and the old one leaves once the new one runs.
 * Taken out from outside (xdp-loader unload), it joins whatever holds the
 * hook now.
 */
static int read_old_component(struct attach_ctx *ctx, const char **mode)
{
	struct attached_hold hold;

	if (pins_recorded_ifindex(ctx->dir) != ctx->ifindex)
		return cli_error("dev %s: pins left from an earlier interface named %s; run"
				 " 'stampede reflector detach dev %s' first",
				 ctx->req.ifname, ctx->req.ifname, ctx->req.ifname);
	if (attached_read_hold(ctx->dir, -1, ctx->prog_fd, &hold))
		return cli_error("dev %s: cannot read the pinned program: %s", ctx->req.ifname,
				 strerror(errno));
	ctx->old_prog_id = hold.prog_id;
	*mode = hold.mode;
	ctx->reattach = !hold.ifindex;
	if (ctx->reattach)
		return check_hook(ctx);
	ctx->multiprog = ctx->dispatcher_there = ctx->leave_old = true;
	ctx->generic = !strcmp(hold.mode, attach_mode_names[ATTACH_MODE_GENERIC]);
	return 0;
}

static int open_old_maps(struct attach_ctx *ctx);

/*
 * The running reflector is a tc filter: the new program takes its place
 * there (or a new filter, when it was removed from outside).
 */
static int prepare_replace_tc(struct attach_ctx *ctx)
{
	struct attached_hold hold;

	if (ctx->req.mode_given && ctx->req.mode != ATTACH_MODE_AUTO &&
	    ctx->req.mode != ATTACH_MODE_TC)
		return cli_error("dev %s is attached in tc mode; detach first to change mode",
				 ctx->req.ifname);
	if (ctx->req.multiprog == ATTACH_MULTIPROG_ON)
		return cli_error("dev %s's reflector is a tc filter; detach first to attach it"
				 " through libxdp's XDP dispatcher ('multiprog on')",
				 ctx->req.ifname);
	if (pins_recorded_ifindex(ctx->dir) != ctx->ifindex ||
	    tc_record_read(ctx->dir, &ctx->tc_rec))
		return cli_error("dev %s: pins left from an earlier interface named %s; run"
				 " 'stampede reflector detach dev %s' first",
				 ctx->req.ifname, ctx->req.ifname, ctx->req.ifname);
	if (attached_read_hold(ctx->dir, -1, ctx->prog_fd, &hold))
		return cli_error("dev %s: cannot read the pinned program: %s", ctx->req.ifname,
				 strerror(errno));
	ctx->tc = true;
	ctx->old_prog_id = hold.prog_id;
	ctx->reattach = !hold.ifindex;
	ctx->old_mode = hold.mode;
	return open_old_maps(ctx);
}

/* A reflector is attached: check the request against it and open its maps. */
static int prepare_replace(struct attach_ctx *ctx)
{
	const char *mode = "none";

	if (ctx->was_tc)
		return prepare_replace_tc(ctx);
	if (ctx->req.mode == ATTACH_MODE_TC)
		return cli_error("dev %s's reflector runs in XDP; detach first to attach it in"
				 " mode tc",
				 ctx->req.ifname);
	if (ctx->was_multiprog && ctx->req.multiprog == ATTACH_MULTIPROG_OFF)
		return cli_error("dev %s's reflector runs in libxdp's XDP dispatcher; detach first"
				 " to attach it alone ('multiprog off')",
				 ctx->req.ifname);
	if (!ctx->was_multiprog && ctx->req.multiprog == ATTACH_MULTIPROG_ON)
		return cli_error("dev %s's reflector is attached alone; detach first to attach it"
				 " through libxdp's XDP dispatcher ('multiprog on')",
				 ctx->req.ifname);
	if (ctx->was_multiprog ? read_old_component(ctx, &mode) : read_old_link(ctx, &mode))
		return -1;
	ctx->old_mode = mode;
	if (ctx->req.mode_given && ctx->req.mode != ATTACH_MODE_AUTO && strcmp(mode, "none") &&
	    strcmp(mode, attach_mode_names[ctx->req.mode]))
		return cli_error("dev %s is attached in %s mode; detach first to change mode",
				 ctx->req.ifname, mode);
	return open_old_maps(ctx);
}

/* The running reflector's program, configuration and maps. */
static int open_old_maps(struct attach_ctx *ctx)
{
	char path[PATH_MAX];
	int i;

	ctx->old_prog_fd = bpf_prog_get_fd_by_id(ctx->old_prog_id);
	if (ctx->old_prog_fd < 0)
		return cli_error("dev %s: cannot open prog id %u: %s", ctx->req.ifname,
				 ctx->old_prog_id, strerror(errno));
	if (reflector_running_config(ctx->req.ifname, ctx->old_prog_id, &ctx->old_cfg))
		return -1;
	ctx->was_stateful = ctx->old_cfg.flags & STAMPEDE_F_STATEFUL;
	for (i = 0; i < PIN_MAP_COUNT; i++) {
		if (pins_path(path, sizeof(path), ctx->dir, pin_map_names[i]))
			return -1;
		ctx->old_map_fd[i] = bpf_obj_get(path);
		/* Attached by an older stampede: the new program brings its own. */
		if (ctx->old_map_fd[i] < 0 && errno == ENOENT && pin_map_optional(i))
			continue;
		if (ctx->old_map_fd[i] < 0)
			return cli_error("dev %s: cannot open the pinned map '%s': %s; detach"
					 " first",
					 ctx->req.ifname, pin_map_names[i], strerror(errno));
	}
	if (ctx->old_map_fd[PIN_MAP_allow_src] >= 0 &&
	    policy_allow_read(ctx->old_map_fd[PIN_MAP_allow_src], ctx->old_allow, &ctx->n_old_allow,
			      ctx->req.ifname))
		return -1;
	return read_old_sets(ctx);
}

static void remove_stale_pin(const struct attach_ctx *ctx, const char *name)
{
	char path[PATH_MAX];

	if (!pins_path(path, sizeof(path), ctx->dir, name) && !unlink(path))
		cli_debug("removed stale pin %s", path);
}

/* Pins in a directory without a link are what a crashed run left; clear them. */
static void remove_stale_pins(const struct attach_ctx *ctx)
{
	int i;

	for (i = 0; i < PIN_MAP_COUNT; i++)
		remove_stale_pin(ctx, pin_map_names[i]);
	for (i = 0; i < ADDR_WATCH_LINKS; i++)
		remove_stale_pin(ctx, addr_watch_link_pins[i]);
	remove_stale_pin(ctx, ADDR_WATCH_PIN_GEN);
	remove_stale_pin(ctx, ADDR_WATCH_PIN_RECORD);
}

/* --- load ----------------------------------------------------------------- */

/* The interface's MTU (SIOCGIFMTU, in the namespace we run in: -n NS moved us). */
static int read_mtu(struct attach_ctx *ctx)
{
	struct ifreq ifr = {0};
	int fd, err = 0;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return cli_error("cannot open a socket: %s", strerror(errno));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ctx->req.ifname);
	if (ioctl(fd, SIOCGIFMTU, &ifr))
		err = cli_error("cannot read the MTU of dev %s: %s", ctx->req.ifname,
				strerror(errno));
	close(fd);
	if (err)
		return err;
	ctx->mtu = ifr.ifr_mtu > 0xffff ? 0xffff : (unsigned int)ifr.ifr_mtu;
	return 0;
}

/* The default reply-max: the MTU less the IPv4 and UDP headers. */
static __u16 default_reply_max(unsigned int mtu)
{
	if (mtu < ATTACH_REPLY_MAX_MIN + ATTACH_REPLY_HEADROOM)
		return ATTACH_REPLY_MAX_MIN;
	if (mtu - ATTACH_REPLY_HEADROOM > ATTACH_REPLY_MAX_MAX)
		return ATTACH_REPLY_MAX_MAX;
	return mtu - ATTACH_REPLY_HEADROOM;
}

/* reply-max: as given, else the default. */
static __u16 reply_max(const struct attach_req *req, unsigned int mtu)
{
	if (req->reply_max) {
		if (req->reflected_ctl && req->reply_max + 28U > mtu)
			cli_warn("reply-max %u is more than dev %s's MTU %u allows; replies stay"
				 " within the MTU",
				 req->reply_max, req->ifname, mtu);
		return req->reply_max;
	}
	return default_reply_max(mtu);
}

static void fill_config(const struct attach_req *req, unsigned int mtu, struct stampede_config *cfg)
{
	unsigned int i;

	memset(cfg, 0, sizeof(*cfg));
	for (i = 0; i < req->n_ports; i++)
		cfg->ports[i] = htons(req->ports[i]);
	for (i = 0; i < req->n_auth_ports; i++)
		cfg->auth_ports[i] = htons(req->auth_ports[i]);
	cfg->n_ports = req->n_ports;
	cfg->n_auth_ports = req->n_auth_ports;
	cfg->reply_ttl = req->ttl;
	if (req->stateful)
		cfg->flags |= STAMPEDE_F_STATEFUL;
	if (req->ptp)
		cfg->flags |= STAMPEDE_F_PTP;
	if (!req->loopguard)
		cfg->flags |= STAMPEDE_F_NO_LOOP_GUARD;
	if (req->clock_reads == 2)
		cfg->flags |= STAMPEDE_F_T3_READ;
	if (req->count_other)
		cfg->flags |= STAMPEDE_F_COUNT_OTHER;
	if (!req->cos_remark)
		cfg->flags |= STAMPEDE_F_COS_REFUSE;
	if (req->micro_session_id) {
		cfg->flags |= STAMPEDE_F_MICRO_SESSION;
		cfg->micro_session_id = htons(req->micro_session_id);
	}
	if (req->reflected_ctl)
		cfg->flags |= STAMPEDE_F_REFLECTED_CTL;
	cfg->mtu = mtu;
	cfg->reply_max = reply_max(req, mtu);
	cfg->amplify = req->amplify;
	if (req->n_return_prefixes)
		cfg->flags |= STAMPEDE_F_RETURN_ADDR;
	cfg->n_return_prefixes = req->n_return_prefixes;
	for (i = 0; i < req->n_return_prefixes; i++)
		cfg->return_prefixes[i] = req->return_prefixes[i];
	if (req->n_allow)
		cfg->flags |= STAMPEDE_F_ALLOW;
	if (req->rate_pps)
		cfg->flags |= STAMPEDE_F_RATE_SRC;
	if (req->rate_all_pps)
		cfg->flags |= STAMPEDE_F_RATE_ALL;
	policy_rate_config(&cfg->rate_src, req->rate_pps, req->rate_burst);
	policy_rate_config(&cfg->rate_all, req->rate_all_pps, req->rate_all_burst);
}

/* The per-source buckets: none to keep without rate-limit (one entry). */
static __u32 wanted_rate_sources(const struct attach_ctx *ctx)
{
	return ctx->req.rate_pps ? STAMPEDE_RATE_SOURCES : 1;
}

/* Whether the pinned rate_src map has another size than wanted. */
static bool rate_src_resized(const struct attach_ctx *ctx)
{
	struct bpf_map_info info = {0};
	__u32 len = sizeof(info);
	int fd = ctx->old_map_fd[PIN_MAP_rate_src];

	if (!ctx->replace || fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len))
		return false;
	return info.max_entries != wanted_rate_sources(ctx);
}

/*
 * The session table's set mask and hash secret.  A replaced reflector's
 * are kept: its sessions stay where the old program put them.
 */
static int session_table_config(struct attach_ctx *ctx)
{
	struct stampede_config *cfg = &ctx->skel->rodata->cfg;
	__u32 sets = bpf_map__max_entries(ctx->skel->maps.sessions);

	if (ctx->replace) {
		if (ctx->old_cfg.session_set_mask + 1 != ctx->old_sets)
			return cli_error("dev %s: the running reflector's session table does not"
					 " match its map; detach first",
					 ctx->req.ifname);
		cfg->session_seed = ctx->old_cfg.session_seed;
	} else if (getrandom(&cfg->session_seed, sizeof(cfg->session_seed), 0) !=
		   sizeof(cfg->session_seed)) {
		return cli_error("cannot draw the session table's hash secret: %s",
				 strerror(errno));
	}
	cfg->session_set_mask = sets - 1;
	return 0;
}

static int load(struct attach_ctx *ctx)
{
	int i, err;

	if (kernel_check_supported(kernel_features()))
		return -1;
	ctx->skel = reflector_obj_open(ctx->tc);
	if (!ctx->skel)
		return cli_error("opening the BPF object failed: %s", strerror(errno));
	fill_config(&ctx->req, ctx->mtu, &ctx->skel->rodata->cfg);
	reflector_prepare(ctx->skel, kernel_features(), &ctx->skel->rodata->cfg);
	if (check_no_resize(ctx))
		return -1;
	if (bpf_map__set_max_entries(ctx->skel->maps.sessions, wanted_session_sets(ctx)))
		return cli_error("cannot size the sessions table: %s", strerror(errno));
	/* Another size: a new, empty table takes the pinned one's place. */
	ctx->fresh_sessions = ctx->replace && wanted_session_sets(ctx) != ctx->old_sets;
	if (bpf_map__set_max_entries(ctx->skel->maps.rate_src, wanted_rate_sources(ctx)))
		return cli_error("cannot size the rate_src map: %s", strerror(errno));
	ctx->fresh_rate_src = rate_src_resized(ctx);
	for (i = 0; ctx->replace && i < PIN_MAP_COUNT; i++) {
		struct bpf_map *map = skel_map(ctx->skel, i);

		if (ctx->old_map_fd[i] < 0)
			continue; /* an optional map the old reflector lacks */
		if (i == PIN_MAP_sessions && ctx->fresh_sessions)
			continue;
		if (i == PIN_MAP_rate_src && ctx->fresh_rate_src)
			continue;
		/*
		 * The allow-list is never changed in place: the new program
		 * comes with a new list, swapped in at one instant with it.
		 */
		if (i == PIN_MAP_allow_src)
			continue;
		if (check_map_fits(ctx, ctx->old_map_fd[i], map, pin_map_names[i]))
			return -1;
		if (bpf_map__reuse_fd(map, ctx->old_map_fd[i]))
			return cli_error("cannot reuse the pinned map '%s': %s", pin_map_names[i],
					 strerror(errno));
	}
	if (session_table_config(ctx))
		return -1;
	err = stampede_bpf__load(ctx->skel);
	if (err) {
		err = err < 0 ? -err : errno;
		if (err == EPERM || err == EACCES)
			return cli_error("permission denied: loading the %s program: %s",
					 ctx->tc ? "tc" : "XDP", strerror(err));
		return cli_error("loading the %s program failed: %s%s", ctx->tc ? "tc" : "XDP",
				 strerror(err),
				 debug_output ? "" : "; rerun with -d for the verifier log");
	}
	return 0;
}

/*
 * The keys, before the new program runs: those of the file given, none
 * with 'auth-key none'; without either a replaced reflector keeps its
 * keys (the map is the pinned one), but not those of ports it no longer
 * has.
 */
static int write_auth_keys(struct attach_ctx *ctx)
{
	int fd = bpf_map__fd(ctx->skel->maps.auth_keys);
	const struct stampede_config *cfg = &ctx->skel->rodata->cfg;

	if (ctx->req.auth_key_file || ctx->req.auth_key_none)
		return auth_keys_write(fd, &ctx->keys);
	if (ctx->replace) {
		/* Unauthenticated ports keep theirs too (HMAC TLV keys). */
		__be16 ports[2 * STAMPEDE_MAX_PORTS];
		unsigned int i, n = 0;

		for (i = 0; i < cfg->n_auth_ports && i < STAMPEDE_MAX_PORTS; i++)
			ports[n++] = cfg->auth_ports[i];
		for (i = 0; i < cfg->n_ports && i < STAMPEDE_MAX_PORTS; i++)
			ports[n++] = cfg->ports[i];
		return auth_keys_prune(fd, ports, n);
	}
	return 0;
}

/* --- the address watch ----------------------------------------------------- */

/*
 * replace: the watch the running reflector has.  It is replaced by this
 * run's, or kept when this run's is refused: a reflector that had one is
 * never left without, nor with two.
 */
static void open_old_watch(struct attach_ctx *ctx)
{
	struct addr_watch_state st;
	char path[PATH_MAX];
	int i;

	addr_watch_read(ctx->dir, &st);
	ctx->old_watch_on = strcmp(st.mode, addr_watch_kind_names[ADDR_WATCH_OFF]);
	for (i = 0; i < ADDR_WATCH_LINKS; i++)
		if (!pins_path(path, sizeof(path), ctx->dir, addr_watch_link_pins[i]))
			ctx->old_watch_fd[i] = bpf_obj_get(path);
	ctx->old_watch_gen_fd = addr_watch_open_gen(ctx->dir);
}

/*
 * Once the reflector's maps exist (loaded, or the pinned ones reused):
 * from here on the watch deletes what the kernel removes, also while the
 * maps are being filled.  A kprobe the kernel cannot pin would go with
 * this process: only the agent, which stays, keeps one.
 */
static void start_watch(struct attach_ctx *ctx)
{
	struct addr_watch *w = &ctx->watch;

	addr_watch_free(w);
	addr_watch_start(w, ctx->ifindex, bpf_map__fd(ctx->skel->maps.local_addrs),
			 bpf_map__fd(ctx->skel->maps.local_set), ctx->old_watch_gen_fd);
	if (w->kind != ADDR_WATCH_OFF && !w->pinnable && !addr_watch_may_hold) {
		addr_watch_free(w);
		snprintf(w->why, sizeof(w->why),
			 "this kernel cannot pin kprobe links (Linux 5.15 can) and 'reflector"
			 " attach' exits: only the agent holds them while it runs");
		cli_debug("address watch off: %s", w->why);
	}
}

/* The generation map of the watch that runs during the fill (addrs.h). */
static int watch_gen_fd(const struct attach_ctx *ctx)
{
	if (ctx->watch.kind != ADDR_WATCH_OFF)
		return addr_watch_gen_fd(&ctx->watch);
	return ctx->old_watch_gen_fd;
}

/* The record of what watches, replaced in one rename; undone to what it was. */
static int write_watch_record(struct attach_ctx *ctx, const char *text)
{
	char path[PATH_MAX], tmp[PATH_MAX], old[sizeof(ctx->undo.step[0].text)];
	struct undo_step *s;
	ssize_t n;

	if (pins_path(path, sizeof(path), ctx->dir, ADDR_WATCH_PIN_RECORD) ||
	    pins_path(tmp, sizeof(tmp), ctx->dir, ADDR_WATCH_PIN_RECORD "_new"))
		return -1;
	n = readlink(path, old, sizeof(old) - 1);
	old[n > 0 ? n : 0] = '\0';
	unlink(tmp);
	if (symlink(text, tmp) || rename(tmp, path)) {
		unlink(tmp);
		return cli_error("cannot create %s: %s", path, strerror(errno));
	}
	s = undo_add(&ctx->undo, UNDO_SYMLINK, path, -1, -1);
	if (s)
		snprintf(s->text, sizeof(s->text), "%s", old);
	return 0;
}

/* A pin of the new watch, over the old watch's when there is one. */
static int pin_watch_obj(struct attach_ctx *ctx, int fd, const char *name, int old_fd)
{
	return old_fd >= 0 ? pin_over(ctx, fd, name, old_fd) : pin(ctx, fd, name);
}

/*
 * The watch's links and generation map pinned beside the reflector's maps
 * (over a replaced reflector's watch: the old links go as their pins are
 * replaced), and its record.  An unpinnable kprobe the agent holds takes
 * the place of pinned links.
 */
static int pin_watch(struct attach_ctx *ctx)
{
	struct addr_watch *w = &ctx->watch;
	char text[sizeof(ctx->undo.step[0].text)], path[PATH_MAX];
	int i;

	if (w->kind == ADDR_WATCH_OFF && ctx->old_watch_on && !w->asked_off) {
		cli_debug("dev %s: the address watch that runs is kept", ctx->req.ifname);
		return 0;
	}
	for (i = 0; i < ADDR_WATCH_LINKS; i++) {
		if (w->kind != ADDR_WATCH_OFF && w->pinnable) {
			if (pin_watch_obj(ctx, addr_watch_link_fd(w, i), addr_watch_link_pins[i],
					  ctx->old_watch_fd[i]))
				return -1;
		} else if (ctx->old_watch_fd[i] >= 0) {
			/* Held by this process from now on, or turned off: the old link goes. */
			if (pins_path(path, sizeof(path), ctx->dir, addr_watch_link_pins[i]))
				return -1;
			if (unlink(path))
				return cli_error("cannot remove %s: %s", path, strerror(errno));
			undo_add(&ctx->undo, UNDO_REPIN, path, ctx->old_watch_fd[i], -1);
		}
	}
	if (w->kind == ADDR_WATCH_OFF) {
		addr_watch_record_text(w, false, text, sizeof(text));
		return write_watch_record(ctx, text);
	}
	if (ctx->old_watch_gen_fd < 0 &&
	    pin_watch_obj(ctx, addr_watch_gen_fd(w), ADDR_WATCH_PIN_GEN, -1))
		return -1;
	ctx->watch_held = !w->pinnable;
	addr_watch_record_text(w, ctx->watch_held, text, sizeof(text));
	return write_watch_record(ctx, text);
}

/* Addresses, clock and keys, written before the program can see a packet. */
static int fill_maps(struct attach_ctx *ctx)
{
	struct stampede_clock clk;
	unsigned int n_addrs;
	__u32 key = 0;

	if (addrs_sync(bpf_map__fd(ctx->skel->maps.local_addrs),
		       bpf_map__fd(ctx->skel->maps.local_set), watch_gen_fd(ctx), ctx->req.ifname,
		       &n_addrs))
		return -1;
	if (!n_addrs)
		cli_warn("dev %s has no IP address; nothing will be reflected until one is added"
			 " and 'attach' is run again",
			 ctx->req.ifname);
	if (policy_allow_write(bpf_map__fd(ctx->skel->maps.allow_src), ctx->req.allow,
			       ctx->req.n_allow, ctx->req.ifname))
		return -1;
	if (clock_read(&clk))
		return -1;
	/* auto keeps what clock_read() made of the kernel's state. */
	if (ctx->req.sync_src) {
		clk.sync_src = ctx->req.sync_src;
		clk.sync_src_fixed = 1;
	}
	if (bpf_map_update_elem(bpf_map__fd(ctx->skel->maps.clock), &key, &clk, BPF_ANY))
		return cli_error("cannot write the clock map: %s", strerror(errno));
	return write_auth_keys(ctx);
}

/* --- attach ---------------------------------------------------------------- */

/*
 * mode auto, a fresh attach: XDP could not be had at all (generic refused
 * too, or the kernel refused stampede in libxdp's dispatcher), so the run
 * starts again with the tc program.  Not when refused for permission or
 * memory, which tc would meet as well.
 */
static bool fall_back_to_tc(struct attach_ctx *ctx, int err)
{
	if (ctx->req.mode != ATTACH_MODE_AUTO || ctx->replace || ctx->tc || err == EPERM ||
	    err == EACCES || err == ENOMEM || err == ENODEV)
		return false;
	cli_note("dev %s: XDP could not be attached (%s): attaching in mode tc, a clsact ingress"
		 " filter",
		 ctx->req.ifname, strerror(err));
	ctx->fallback_tc = true;
	return true;
}

/* Native mode may be refused for reasons of the driver: these allow generic. */
static bool native_refused(int err)
{
	return err != EBUSY && err != EEXIST && err != EPERM && err != EACCES && err != ENODEV &&
	       err != ENOMEM;
}

static int link_create_error(struct attach_ctx *ctx, const char *mode, int err)
{
	if (err == EBUSY || err == EEXIST)
		return hook_taken(ctx, err);
	if (err == EPERM || err == EACCES)
		return cli_error("permission denied: attaching XDP needs CAP_NET_ADMIN");
	if (!strcmp(mode, attach_xdp_mode_name(false)) && native_refused(err))
		return cli_error(
			"attaching to dev %s in native mode failed: %s; try 'mode generic'",
			ctx->req.ifname, strerror(err));
	return cli_error("attaching to dev %s in %s mode failed: %s", ctx->req.ifname, mode,
			 strerror(err));
}

/*
 * Native XDP_TX on a veth hands the reply to the peer's XDP receive path:
 * dropped there unless the peer runs an XDP program, and with a bad UDP
 * checksum when the peer's tx checksum offload left the request's
 * checksum partial (the reflector updates a sum that was never complete).
 * Warned about when stampede can tell, and generally when it cannot.
 */
static void warn_native_veth(const struct attach_ctx *ctx, const struct veth_peer *peer)
{
	const char *dev = ctx->req.ifname;

	if (!peer->is_veth)
		return;
	if (!peer->found) {
		cli_warn("dev %s is a veth whose peer stampede cannot see: in native mode replies"
			 " reach it only while it runs an XDP program, and with bad UDP checksums"
			 " while its tx checksum offload is on; otherwise use 'mode generic'",
			 dev);
		return;
	}
	if (!peer->has_xdp)
		cli_warn("dev %s is a veth: in native mode replies reach the peer only while an"
			 " XDP program is attached to it, and its peer %s has none; otherwise use"
			 " 'mode generic'",
			 dev, peer->name);
	if (peer->tx_csum == 1)
		cli_warn("dev %s's veth peer %s has tx checksum offload on: in native mode replies"
			 " reach it with bad UDP checksums (InCsumErrors there, 100%% loss); run"
			 " 'ethtool -K %s tx off' on the peer or use 'mode generic'",
			 dev, peer->name, peer->name);
	else if (peer->tx_csum < 0)
		cli_warn("dev %s's veth peer %s is in a network namespace stampede cannot enter:"
			 " with its tx checksum offload on (every veth's default) native replies"
			 " reach it with bad UDP checksums; run 'ethtool -K %s tx off' there or use"
			 " 'mode generic'",
			 dev, peer->name, peer->name);
}

/* mode auto: native, unless a veth's peer would drop every native reply. */
static bool auto_picks_generic(const struct attach_ctx *ctx, const struct veth_peer *peer)
{
	if (ctx->req.mode != ATTACH_MODE_AUTO || !peer->found || peer->has_xdp)
		return false;
	cli_note("dev %s is a veth whose peer %s has no XDP program, which would drop every"
		 " native XDP_TX reply: attaching in generic mode",
		 ctx->req.ifname, peer->name);
	return true;
}

/*
 * The object libxdp loads as the dispatcher's component (an freplace
 * program, so not the XDP program loaded above, which verified the
 * configuration and made the maps): the same program with every map of
 * the loaded one, .rodata (the configuration, frozen) included.
 */
static int open_component(struct attach_ctx *ctx)
{
	struct bpf_map *map, *loaded;

	stampede_bpf__destroy(ctx->component);
	ctx->component = stampede_bpf__open();
	if (!ctx->component)
		return cli_error("opening the BPF object failed: %s", strerror(errno));
	bpf_program__set_autoload(ctx->component->progs.stampede_xdp,
				  bpf_program__autoload(ctx->skel->progs.stampede_xdp));
	bpf_program__set_autoload(ctx->component->progs.stampede_locked,
				  bpf_program__autoload(ctx->skel->progs.stampede_locked));
	bpf_object__for_each_map(map, ctx->component->obj)
	{
		loaded = bpf_object__find_map_by_name(ctx->skel->obj, bpf_map__name(map));
		if (!loaded || bpf_map__reuse_fd(map, bpf_map__fd(loaded)))
			return cli_error("cannot share the map '%s' with libxdp's program: %s",
					 bpf_map__name(map),
					 loaded ? strerror(errno) : "not found");
	}
	return 0;
}

static int join_error(struct attach_ctx *ctx, bool generic, int err)
{
	if (err == EPERM || err == EACCES)
		return cli_error("permission denied: attaching XDP needs CAP_NET_ADMIN");
	if (err == EOPNOTSUPP)
		return cli_error("dev %s: libxdp cannot run stampede in an XDP dispatcher here (%s;"
				 " the kernel needs freplace programs, Linux 5.10 or later)%s",
				 ctx->req.ifname, strerror(err),
				 debug_output ? "" : "; rerun with -d for libxdp's messages");
	/*
	 * The verifier refuses stampede as an freplace program on Linux 5.10
	 * (no XDP context in an extension's global functions) and wherever it
	 * checks changes_pkt_data (6.12.x stable, 6.13 on: stampede resizes
	 * frames, the slots of libxdp 1.3's dispatcher do not).  6.1 takes it
	 * (tests/test_multiprog.sh, on the kernel matrix).
	 */
	if (err == EINVAL)
		return cli_error("dev %s: the kernel refused stampede's program as a component of"
				 " libxdp's dispatcher (%s): Linux 5.10 and kernels that check"
				 " changes_pkt_data (6.12.x, 6.13 and later) refuse it, 6.1 takes"
				 " it; attach it alone on a free hook%s",
				 ctx->req.ifname, strerror(err),
				 debug_output ? "" : " (-d shows the verifier's reason)");
	return cli_error("joining dev %s's XDP dispatcher in %s mode failed: %s%s", ctx->req.ifname,
			 attach_xdp_mode_name(generic), strerror(err),
			 debug_output ? "" : "; rerun with -d for libxdp's messages");
}

/*
 * Into libxdp's dispatcher: the one that holds the hook, in its mode, or a
 * new one, native where the driver allows it (as create_link below).
 */
static int join_dispatcher(struct attach_ctx *ctx, const struct veth_peer *peer)
{
	const char *name = bpf_program__name(reflector_program(ctx->skel));
	bool generic = ctx->generic;
	int err;

	if (!ctx->dispatcher_there)
		generic = ctx->req.mode == ATTACH_MODE_GENERIC || auto_picks_generic(ctx, peer);
	if (open_component(ctx))
		return -1;
	ctx->new_prog_fd = multiprog_attach(ctx->component->obj, name, ctx->ifindex, generic);
	if (ctx->new_prog_fd < 0 && !generic && !ctx->dispatcher_there &&
	    ctx->req.mode == ATTACH_MODE_AUTO && native_refused(errno)) {
		cli_debug("dev %s refused native XDP (%s); trying generic", ctx->req.ifname,
			  strerror(errno));
		generic = true;
		if (open_component(ctx))
			return -1;
		ctx->new_prog_fd = multiprog_attach(ctx->component->obj, name, ctx->ifindex, true);
	}
	if (ctx->new_prog_fd < 0) {
		err = errno;
		if (!ctx->dispatcher_there && (err == EBUSY || err == EEXIST))
			return hook_taken(ctx, err);
		if (fall_back_to_tc(ctx, err))
			return -1;
		return err == EBUSY || err == EEXIST ? hook_taken(ctx, err)
						     : join_error(ctx, generic, err);
	}
	undo_add(&ctx->undo, UNDO_LEAVE, NULL, ctx->new_prog_fd, ctx->ifindex);
	if (!generic)
		warn_native_veth(ctx, peer);
	return 0;
}

static int create_link(struct attach_ctx *ctx)
{
	int prog_fd = bpf_program__fd(reflector_program(ctx->skel));
	LIBBPF_OPTS(bpf_link_create_opts, opts);
	struct veth_peer peer;
	int err;

	veth_peer_query(ctx->ifindex, &peer);
	if (ctx->multiprog)
		return join_dispatcher(ctx, &peer);
	if (ctx->req.mode != ATTACH_MODE_GENERIC && !auto_picks_generic(ctx, &peer)) {
		opts.flags = XDP_FLAGS_DRV_MODE;
		ctx->new_link_fd = bpf_link_create(prog_fd, ctx->ifindex, BPF_XDP, &opts);
		if (ctx->new_link_fd >= 0) {
			warn_native_veth(ctx, &peer);
			return 0;
		}
		err = errno;
		if (ctx->req.mode == ATTACH_MODE_NATIVE || !native_refused(err))
			return link_create_error(ctx, attach_xdp_mode_name(false), err);
		cli_debug("dev %s refused native XDP (%s); trying generic", ctx->req.ifname,
			  strerror(err));
	}
	opts.flags = XDP_FLAGS_SKB_MODE;
	ctx->new_link_fd = bpf_link_create(prog_fd, ctx->ifindex, BPF_XDP, &opts);
	if (ctx->new_link_fd < 0) {
		err = errno;
		if (err != EBUSY && err != EEXIST && fall_back_to_tc(ctx, err))
			return -1;
		return link_create_error(ctx, attach_xdp_mode_name(true), err);
	}
	return 0;
}

/* mode tc: the filter, its record, and (last, as the mark of a complete reflector) the program's pin. */
static int create_tc(struct attach_ctx *ctx)
{
	int prog_fd = bpf_program__fd(reflector_program(ctx->skel));
	int err = tc_filter_attach(ctx->ifindex, prog_fd, false, &ctx->tc_rec);

	if (err == -EPERM || err == -EACCES)
		return cli_error("permission denied: attaching a tc filter needs CAP_NET_ADMIN");
	if (err == -EEXIST)
		return cli_error("dev %s: a tc ingress filter holds stampede's place (priority %u,"
				 " handle 0x%x); remove it first",
				 ctx->req.ifname, ctx->tc_rec.priority, ctx->tc_rec.handle);
	if (err)
		return cli_error("attaching to dev %s's clsact ingress hook failed: %s",
				 ctx->req.ifname, strerror(-err));
	undo_add_tc(&ctx->undo, UNDO_TC, -1, ctx->ifindex, &ctx->tc_rec);
	return tc_record_write(ctx->dir, &ctx->tc_rec);
}

static int attach_new(struct attach_ctx *ctx)
{
	int i;

	remove_stale_pins(ctx);
	if (make_pin_dirs(ctx) || record_ifindex(ctx))
		return -1;
	for (i = 0; i < PIN_MAP_COUNT; i++)
		if (pin(ctx, bpf_map__fd(skel_map(ctx->skel, i)), pin_map_names[i]))
			return -1;
	if (ctx->tc)
		return create_tc(ctx) ?: pin_watch(ctx)
					?: pin(ctx, bpf_program__fd(reflector_program(ctx->skel)),
					       TC_PIN_PROG);
	if (create_link(ctx) || pin_watch(ctx))
		return -1;
	/* Pinned last: a link (or program) pin means a complete reflector. */
	if (ctx->multiprog)
		return pin(ctx, ctx->new_prog_fd, MULTIPROG_PIN_PROG);
	return pin(ctx, ctx->new_link_fd, STAMPEDE_PIN_LINK);
}

/* Swap the new program in on the pinned link; undone by swapping the old one back. */
static int update_link(struct attach_ctx *ctx)
{
	if (bpf_link_update(ctx->link_fd, bpf_program__fd(reflector_program(ctx->skel)), NULL))
		return cli_error("replacing the program on dev %s failed: %s", ctx->req.ifname,
				 strerror(errno));
	undo_add(&ctx->undo, UNDO_PROG, NULL, ctx->link_fd, ctx->old_prog_fd);
	return 0;
}

/*
 * mode tc: the new program in the filter's place, atomically (undone by
 * giving the old one back), or a new filter where it was removed from
 * outside; its pin over the old program's.
 */
static int replace_tc(struct attach_ctx *ctx)
{
	int prog_fd = bpf_program__fd(reflector_program(ctx->skel)), err;

	if (ctx->reattach) {
		if (create_tc(ctx))
			return -1;
	} else {
		err = tc_filter_attach(ctx->ifindex, prog_fd, true, &ctx->tc_rec);
		if (err)
			return cli_error("replacing the program of dev %s's tc filter failed: %s",
					 ctx->req.ifname, strerror(-err));
		undo_add_tc(&ctx->undo, UNDO_TC_PROG, ctx->old_prog_fd, ctx->ifindex, &ctx->tc_rec);
	}
	return pin_over(ctx, prog_fd, TC_PIN_PROG, ctx->prog_fd);
}

/* Detached from outside: a new link, pinned over the dead one. */
static int relink(struct attach_ctx *ctx)
{
	return create_link(ctx) ?: pin_over(ctx, ctx->new_link_fd, STAMPEDE_PIN_LINK, ctx->link_fd);
}

static int replace_prog(struct attach_ctx *ctx)
{
	int sessions_fd = bpf_map__fd(ctx->skel->maps.sessions);
	int i;

	if (record_ifindex(ctx))
		return -1;
	/* Maps the old reflector lacked: pinned before the new program runs. */
	for (i = 0; i < PIN_MAP_COUNT; i++)
		if (ctx->old_map_fd[i] < 0 &&
		    pin(ctx, bpf_map__fd(skel_map(ctx->skel, i)), pin_map_names[i]))
			return -1;
	/*
	 * Switching between stateless and stateful with a table of the same
	 * size: the sessions left from an earlier stateful program are stale.
	 * Cleared before the swap (a few that the outgoing program makes
	 * meanwhile are cleared on the next switch to stateful, and a
	 * stateless reflector does not list them).  A table of another size
	 * is a new one, empty, pinned in the old one's place once the new
	 * program runs with it.
	 */
	if (!ctx->fresh_sessions && ctx->req.stateful != ctx->was_stateful &&
	    session_table_clear(ctx->req.ifname, sessions_fd))
		return -1;
	/*
	 * In a dispatcher the new program joins beside the old one (either
	 * answers meanwhile: the first in the chain), which leaves once the
	 * run has committed.
	 */
	if (ctx->tc) {
		if (replace_tc(ctx))
			return -1;
	} else if (ctx->multiprog) {
		if (create_link(ctx) ||
		    pin_over(ctx, ctx->new_prog_fd, MULTIPROG_PIN_PROG, ctx->prog_fd))
			return -1;
	} else if (ctx->reattach ? relink(ctx) : update_link(ctx)) {
		return -1;
	}
	if (ctx->fresh_sessions && pin_over(ctx, sessions_fd, pin_map_names[PIN_MAP_sessions],
					    ctx->old_map_fd[PIN_MAP_sessions]))
		return -1;
	if (ctx->old_map_fd[PIN_MAP_allow_src] >= 0 &&
	    pin_over(ctx, bpf_map__fd(ctx->skel->maps.allow_src), pin_map_names[PIN_MAP_allow_src],
		     ctx->old_map_fd[PIN_MAP_allow_src]))
		return -1;
	if (ctx->fresh_rate_src &&
	    pin_over(ctx, bpf_map__fd(ctx->skel->maps.rate_src), pin_map_names[PIN_MAP_rate_src],
		     ctx->old_map_fd[PIN_MAP_rate_src]))
		return -1;
	return pin_watch(ctx);
}

/* "a -> b" of one setting that differs, appended to @buf after ", ". */
static void add_change(char *buf, size_t len, const char *what, const char *from, const char *to)
{
	size_t used = strlen(buf);

	if (!strcmp(from, to) || used >= len)
		return;
	snprintf(buf + used, len - used, "%s%s%s%s -> %s", used ? ", " : "", what, *what ? " " : "",
		 from, to);
}

static void add_number_change(char *buf, size_t len, const char *what, unsigned int from,
			      unsigned int to)
{
	char a[16], b[16];

	snprintf(a, sizeof(a), "%u", from);
	snprintf(b, sizeof(b), "%u", to);
	add_change(buf, len, what, a, b);
}

static void add_flag_change(char *buf, size_t len, const char *what, __u32 from, __u32 to,
			    __u32 flag, bool on_when_set)
{
	bool a = !!(from & flag) == on_when_set, b = !!(to & flag) == on_when_set;

	add_change(buf, len, what, a ? "on" : "off", b ? "on" : "off");
}

static void prefixes_text(const struct stampede_config *cfg, char *buf, size_t len)
{
	char one[INET6_ADDRSTRLEN + 8];
	size_t used = 0;
	unsigned int i;

	snprintf(buf, len, "none");
	for (i = 0; i < cfg->n_return_prefixes && used < len; i++) {
		attach_format_prefix(&cfg->return_prefixes[i], one, sizeof(one));
		used += snprintf(buf + used, len - used, "%s%s", i ? ", " : "", one);
	}
}

static void micro_text(const struct stampede_config *cfg, char *buf, size_t len)
{
	if (cfg->flags & STAMPEDE_F_MICRO_SESSION)
		snprintf(buf, len, "%u", ntohs(cfg->micro_session_id));
	else
		snprintf(buf, len, "none");
}

/*
 * What a replace changed of the settings, "stateless -> stateful, ttl 255
 * -> 64", or "" when nothing did: a plain attach brings back every default
 * not repeated, and this says which.
 */
static void describe_changes(const struct attach_ctx *ctx, const struct stampede_config *now,
			     __u32 now_sets, char *buf, size_t len)
{
	const struct stampede_config *was = &ctx->old_cfg;
	char a[STAMPEDE_MAX_RETURN_PREFIXES * (INET6_ADDRSTRLEN + 8)], b[sizeof(a)];

	buf[0] = '\0';
	add_change(buf, len, "", was->flags & STAMPEDE_F_STATEFUL ? "stateful" : "stateless",
		   now->flags & STAMPEDE_F_STATEFUL ? "stateful" : "stateless");
	describe_ports(was->ports, was->n_ports, a, sizeof(a));
	describe_ports(now->ports, now->n_ports, b, sizeof(b));
	add_change(buf, len, "ports", a, b);
	describe_ports(was->auth_ports, was->n_auth_ports, a, sizeof(a));
	describe_ports(now->auth_ports, now->n_auth_ports, b, sizeof(b));
	add_change(buf, len, "auth-ports", a, b);
	add_change(buf, len, "timestamp", was->flags & STAMPEDE_F_PTP ? "ptp" : "ntp",
		   now->flags & STAMPEDE_F_PTP ? "ptp" : "ntp");
	add_number_change(buf, len, "ttl", was->reply_ttl, now->reply_ttl);
	add_flag_change(buf, len, "loopguard", was->flags, now->flags, STAMPEDE_F_NO_LOOP_GUARD,
			false);
	add_number_change(buf, len, "clock-reads", was->flags & STAMPEDE_F_T3_READ ? 2 : 1,
			  now->flags & STAMPEDE_F_T3_READ ? 2 : 1);
	add_flag_change(buf, len, "count-other", was->flags, now->flags, STAMPEDE_F_COUNT_OTHER,
			true);
	add_flag_change(buf, len, "cos-remark", was->flags, now->flags, STAMPEDE_F_COS_REFUSE,
			false);
	micro_text(was, a, sizeof(a));
	micro_text(now, b, sizeof(b));
	add_change(buf, len, "micro-session", a, b);
	add_flag_change(buf, len, "reflected-control", was->flags, now->flags,
			STAMPEDE_F_REFLECTED_CTL, true);
	add_number_change(buf, len, "reply-max", was->reply_max, now->reply_max);
	add_number_change(buf, len, "amplify", was->amplify, now->amplify);
	prefixes_text(was, a, sizeof(a));
	prefixes_text(now, b, sizeof(b));
	add_change(buf, len, "return-prefixes", a, b);
	add_number_change(buf, len, "sessions", ctx->old_sets * STAMPEDE_SESSION_WAYS,
			  now_sets * STAMPEDE_SESSION_WAYS);
	policy_allow_text(ctx->old_allow, ctx->n_old_allow, a, sizeof(a));
	policy_allow_text(ctx->req.allow, ctx->req.n_allow, b, sizeof(b));
	add_change(buf, len, "allow", a, b);
	policy_rate_text(was->rate_src.pps, was->rate_src.burst, a, sizeof(a));
	policy_rate_text(now->rate_src.pps, now->rate_src.burst, b, sizeof(b));
	add_change(buf, len, "rate-limit", a, b);
	policy_rate_text(was->rate_all.pps, was->rate_all.burst, a, sizeof(a));
	policy_rate_text(now->rate_all.pps, now->rate_all.burst, b, sizeof(b));
	add_change(buf, len, "rate-limit-all", a, b);
}

/* The result, read back from the pins before the run commits to it. */
static int describe_result(const struct attach_ctx *ctx, struct reflector_info *info)
{
	struct attached a;
	int err;

	if (attached_open(ctx->req.ifname, &a))
		return -1;
	err = reflector_describe(&a, info);
	attached_close(&a);
	return err;
}

static const char *action_name(const struct attach_ctx *ctx)
{
	if (ctx->set)
		return "set";
	if (ctx->refresh)
		return "refreshed";
	if (ctx->reattach)
		return "reattached";
	return ctx->replace ? "replaced" : "attached";
}

static void report(const struct attach_ctx *ctx, const struct reflector_info *info)
{
	char line[256], changes[2048] = "";

	if (ctx->replace)
		describe_changes(ctx, &info->cfg, info->cfg.session_set_mask + 1, changes,
				 sizeof(changes));
	if (json_output) {
		struct json_object *obj = reflector_info_json(info);

		json_add_string(obj, "action", action_name(ctx));
		if (ctx->replace)
			json_add_string(obj, "changed", changes);
		output_json(obj);
		return;
	}
	reflector_info_summary(info, line, sizeof(line));
	if (ctx->set)
		printf("set the source policy of %s\n", line);
	else if (ctx->refresh)
		printf("refreshed the addresses and clock state of %s; settings kept\n", line);
	else if (ctx->reattach)
		printf("attached again (it was detached from outside; counters kept) to %s\n",
		       line);
	else
		printf("%s %s\n", ctx->replace ? "replaced the program on" : "attached to", line);
	if (ctx->replace && (!ctx->refresh || ctx->set))
		printf("changed: %s\n", changes[0] ? changes : "nothing");
}

/* The running reflector's link, or its program in a dispatcher. */
static int open_existing_link(struct attach_ctx *ctx)
{
	struct bpf_prog_info info = {0};
	__u32 len = sizeof(info);

	if (!attached_open_hold(ctx->dir, &ctx->link_fd, &ctx->prog_fd)) {
		ctx->replace = true;
		/* A program pinned in place of a link: in a dispatcher, or a tc filter's. */
		ctx->was_tc = ctx->prog_fd >= 0 &&
			      !bpf_obj_get_info_by_fd(ctx->prog_fd, &info, &len) &&
			      info.type == BPF_PROG_TYPE_SCHED_CLS;
		ctx->was_multiprog = ctx->prog_fd >= 0 && !ctx->was_tc;
		return 0;
	}
	if (errno == ENOENT)
		return 0;
	return cli_error("cannot open the link pinned in %s: %s", ctx->dir, strerror(errno));
}

/*
 * refresh: the request is what the running reflector was attached with,
 * so that only the addresses and the clock state are read again.
 */
static void request_running_settings(struct attach_ctx *ctx)
{
	const struct stampede_config *cfg = &ctx->old_cfg;
	struct attach_req *req = &ctx->req;
	struct stampede_clock clk;
	__u32 key = 0, i;

	req->n_ports = cfg->n_ports;
	for (i = 0; i < cfg->n_ports && i < STAMPEDE_MAX_PORTS; i++)
		req->ports[i] = ntohs(cfg->ports[i]);
	req->n_auth_ports = cfg->n_auth_ports;
	for (i = 0; i < cfg->n_auth_ports && i < STAMPEDE_MAX_PORTS; i++)
		req->auth_ports[i] = ntohs(cfg->auth_ports[i]);
	req->stateful = cfg->flags & STAMPEDE_F_STATEFUL;
	req->ptp = cfg->flags & STAMPEDE_F_PTP;
	req->ttl = cfg->reply_ttl;
	req->loopguard = !(cfg->flags & STAMPEDE_F_NO_LOOP_GUARD);
	req->clock_reads = cfg->flags & STAMPEDE_F_T3_READ ? 2 : 1;
	req->count_other = cfg->flags & STAMPEDE_F_COUNT_OTHER;
	req->cos_remark = !(cfg->flags & STAMPEDE_F_COS_REFUSE);
	req->micro_session_id =
		cfg->flags & STAMPEDE_F_MICRO_SESSION ? ntohs(cfg->micro_session_id) : 0;
	req->reflected_ctl = cfg->flags & STAMPEDE_F_REFLECTED_CTL;
	/* A reply-max that was the default follows the MTU as it is now. */
	req->reply_max = cfg->reply_max == default_reply_max(cfg->mtu) ? 0 : cfg->reply_max;
	req->amplify = cfg->amplify;
	req->n_return_prefixes = cfg->n_return_prefixes;
	for (i = 0; i < cfg->n_return_prefixes && i < STAMPEDE_MAX_RETURN_PREFIXES; i++)
		req->return_prefixes[i] = cfg->return_prefixes[i];
	req->n_allow = ctx->n_old_allow;
	memcpy(req->allow, ctx->old_allow, ctx->n_old_allow * sizeof(req->allow[0]));
	req->rate_pps = cfg->flags & STAMPEDE_F_RATE_SRC ? cfg->rate_src.pps : 0;
	req->rate_burst = cfg->flags & STAMPEDE_F_RATE_SRC ? cfg->rate_src.burst : 0;
	req->rate_all_pps = cfg->flags & STAMPEDE_F_RATE_ALL ? cfg->rate_all.pps : 0;
	req->rate_all_burst = cfg->flags & STAMPEDE_F_RATE_ALL ? cfg->rate_all.burst : 0;
	/* A sync-source named at attach stays; auto is worked out again. */
	req->sync_src = 0;
	if (ctx->old_map_fd[PIN_MAP_clock] >= 0 &&
	    !bpf_map_lookup_elem(ctx->old_map_fd[PIN_MAP_clock], &key, &clk) && clk.sync_src_fixed)
		req->sync_src = clk.sync_src;
}

/* set: the running settings, with what `reflector set` named in their place. */
static void request_policy_named(struct attach_ctx *ctx)
{
	const struct attach_req *set = &ctx->set_req;
	struct attach_req *req = &ctx->req;

	if (set->allow_given) {
		req->n_allow = set->n_allow;
		memcpy(req->allow, set->allow, set->n_allow * sizeof(req->allow[0]));
	}
	if (set->rate_given) {
		req->rate_pps = set->rate_pps;
		req->rate_burst = set->rate_burst;
	}
	if (set->rate_all_given) {
		req->rate_all_pps = set->rate_all_pps;
		req->rate_all_burst = set->rate_all_burst;
	}
}

static int attach(struct attach_ctx *ctx)
{
	struct reflector_info info;

	if (cli_need_caps(ctx->set	 ? "reflector set (it reads the running program by id)"
			  : ctx->refresh ? "reflector refresh (it reads the running program by id)"
					 : "reflector attach (it reads the running program by id)",
			  CLI_NEED_NET_ADMIN | CLI_NEED_SYS_ADMIN))
		return -1;
	if (pins_check_bpffs(true) < 0 || pins_lock())
		return -1;
	/* Before the name is looked up: pins of a renamed interface move to its name. */
	pins_follow_renames();
	ctx->ifindex = if_nametoindex(ctx->req.ifname);
	if (!ctx->ifindex)
		return ctx->refresh ? attached_missing(ctx->req.ifname)
				    : cli_error("no such interface '%s'", ctx->req.ifname);
	if (read_mtu(ctx) || pins_dev_dir(ctx->req.ifname, ctx->dir, sizeof(ctx->dir)))
		return -1;
	prune_defunct_reflectors();
	if (open_existing_link(ctx))
		return -1;
	if (ctx->refresh && !ctx->replace)
		return attached_missing(ctx->req.ifname);
	if (ctx->replace ? prepare_replace(ctx) : check_hook(ctx))
		return -1;
	if (ctx->replace)
		open_old_watch(ctx);
	if (ctx->refresh)
		request_running_settings(ctx);
	if (ctx->req.auth_key_file &&
	    auth_keys_read(ctx->req.auth_key_file, ctx->req.auth_ports, ctx->req.n_auth_ports,
			   ctx->req.ports, ctx->req.n_ports, &ctx->keys))
		return -1;
	if (ctx->set)
		request_policy_named(ctx);
	if (load(ctx))
		return -1;
	start_watch(ctx);
	if (fill_maps(ctx))
		return -1;
	if (ctx->replace ? replace_prog(ctx) : attach_new(ctx)) {
		if (!ctx->fallback_tc)
			return -1;
		/* mode auto could not have XDP: everything again with the tc program. */
		undo_run(&ctx->undo);
		if (ctx->new_link_fd >= 0)
			close(ctx->new_link_fd);
		ctx->new_link_fd = -1;
		reflector_obj_destroy(ctx->skel);
		stampede_bpf__destroy(ctx->component);
		ctx->skel = ctx->component = NULL;
		ctx->tc = true;
		ctx->multiprog = ctx->dispatcher_there = false;
		if (load(ctx))
			return -1;
		start_watch(ctx);
		if (fill_maps(ctx) || attach_new(ctx))
			return -1;
	}
	if (describe_result(ctx, &info))
		return -1;
	/* Committed: from here on nothing is undone. */
	ctx->undo.n = 0;
	if (ctx->watch_held) {
		addr_watch_hold(ctx->dir, &ctx->watch);
	} else {
		/* Pinned, or turned off: one this process held for the interface goes. */
		if (ctx->watch.kind != ADDR_WATCH_OFF || ctx->watch.asked_off)
			addr_watch_unhold(ctx->dir);
		addr_watch_release(&ctx->watch);
	}
	if (ctx->leave_old && multiprog_detach(ctx->old_prog_fd, ctx->ifindex))
		cli_warn("dev %s: the replaced program (prog id %u) is still in the XDP dispatcher:"
			 " %s; 'xdp-loader unload %s --id %u' takes it out",
			 ctx->req.ifname, ctx->old_prog_id, strerror(errno), ctx->req.ifname,
			 ctx->old_prog_id);
	report(ctx, &info);
	return 0;
}

/* `reflector refresh dev IFNAME`: nothing but the device. */
static int parse_refresh(struct cli_args *args, struct attach_req *req)
{
	attach_req_defaults(req);
	return cli_parse_dev(args, true, &req->ifname);
}

enum run_kind { RUN_ATTACH, RUN_REFRESH, RUN_SET };

/* Run an attach, a refresh or a set. */
static int run(struct cli_args *args, enum run_kind kind)
{
	static struct attach_ctx ctx; /* large (undo paths, allow-lists) */
	int i, err;

	/* Fresh for every call: the agent attaches many times in one process. */
	memset(&ctx, 0, sizeof(ctx));
	ctx.refresh = kind != RUN_ATTACH;
	ctx.set = kind == RUN_SET;
	ctx.link_fd = ctx.new_link_fd = ctx.old_prog_fd = ctx.prog_fd = ctx.new_prog_fd = -1;
	for (i = 0; i < PIN_MAP_COUNT; i++)
		ctx.old_map_fd[i] = -1;
	for (i = 0; i < ADDR_WATCH_LINKS; i++)
		ctx.old_watch_fd[i] = -1;
	ctx.old_watch_gen_fd = -1;
	if (kind == RUN_SET) {
		err = attach_parse_set(args, &ctx.set_req);
		attach_req_defaults(&ctx.req);
		ctx.req.ifname = ctx.set_req.ifname;
	} else {
		err = kind == RUN_REFRESH ? parse_refresh(args, &ctx.req)
					  : attach_parse(args, &ctx.req);
	}
	if (!err)
		err = attach(&ctx);
	if (err)
		undo_run(&ctx.undo);
	/* Closing a link nobody pinned detaches it: the failure path wants that. */
	if (ctx.new_link_fd >= 0)
		close(ctx.new_link_fd);
	if (ctx.link_fd >= 0)
		close(ctx.link_fd);
	if (ctx.old_prog_fd >= 0)
		close(ctx.old_prog_fd);
	if (ctx.prog_fd >= 0)
		close(ctx.prog_fd);
	if (ctx.new_prog_fd >= 0)
		close(ctx.new_prog_fd);
	stampede_bpf__destroy(ctx.component);
	for (i = 0; i < PIN_MAP_COUNT; i++)
		if (ctx.old_map_fd[i] >= 0)
			close(ctx.old_map_fd[i]);
	/* A watch not committed (not pinned, not held) is detached here. */
	addr_watch_free(&ctx.watch);
	for (i = 0; i < ADDR_WATCH_LINKS; i++)
		if (ctx.old_watch_fd[i] >= 0)
			close(ctx.old_watch_fd[i]);
	if (ctx.old_watch_gen_fd >= 0)
		close(ctx.old_watch_gen_fd);
	reflector_obj_destroy(ctx.skel);
	explicit_bzero(&ctx.keys, sizeof(ctx.keys));
	return err;
}

int reflector_attach(struct cli_args *args)
{
	return run(args, RUN_ATTACH);
}

int reflector_refresh(struct cli_args *args)
{
	return run(args, RUN_REFRESH);
}

int reflector_set(struct cli_args *args)
{
	return run(args, RUN_SET);
}
