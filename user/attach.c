// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * `reflector attach`: load the XDP program with this configuration and
 * attach it through a pinned bpf_link, or, when a reflector is already
 * attached to the device, load the new program with the old maps and swap
 * it in atomically (counters and sessions carry over).
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

#include "addrs.h"
#include "attach.h"
#include "attached.h"
#include "cli.h"
#include "clock.h"
#include "describe.h"
#include "kernel_features.h"
#include "objects.h"
#include "output.h"
#include "pins.h"
#include "prune.h"
#include "session.h"
#include "stampede.skel.h"

/* Pins and directories this run created, removed again if it fails. */
#define UNDO_MAX 16
struct undo {
	char path[UNDO_MAX][PATH_MAX];
	bool is_dir[UNDO_MAX];
	int n;
};

/* What the run works with; released on every path out. */
struct attach_ctx {
	struct attach_req req;
	int ifindex;
	unsigned int mtu;
	char dir[PATH_MAX];
	bool replace;
	__u32 old_prog_id; /* replace: the running reflector's program */
	bool was_stateful; /* replace: the running reflector's mode */
	int link_fd;	   /* the pinned link (replace) or the new one */
	int old_map_fd[PIN_MAP_COUNT];
	struct stampede_bpf *skel;
	struct undo undo;
};

/* --- undo ----------------------------------------------------------------- */

static void undo_add(struct undo *undo, const char *path, bool is_dir)
{
	if (undo->n == UNDO_MAX)
		return;
	snprintf(undo->path[undo->n], PATH_MAX, "%s", path);
	undo->is_dir[undo->n++] = is_dir;
}

static void undo_run(struct undo *undo)
{
	while (undo->n > 0) {
		undo->n--;
		if (undo->is_dir[undo->n])
			rmdir(undo->path[undo->n]);
		else
			unlink(undo->path[undo->n]);
	}
}

/* mkdir that remembers what it made. */
static int make_dir(struct undo *undo, const char *path)
{
	if (!mkdir(path, 0700)) {
		undo_add(undo, path, true);
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
	undo_add(&ctx->undo, path, false);
	return 0;
}

/* --- the device before we touch it ----------------------------------------- */

/* "dev X already has an XDP program attached (id N, name NAME)" if it has. */
static int check_no_xdp(const struct attach_ctx *ctx)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	struct bpf_prog_info info = {0};
	__u32 len = sizeof(info), id;
	int fd;

	if (bpf_xdp_query(ctx->ifindex, 0, &q))
		return cli_error("cannot query XDP on dev %s: %s", ctx->req.ifname,
				 strerror(errno));
	id = q.prog_id ?: q.drv_prog_id ?: q.skb_prog_id ?: q.hw_prog_id;
	if (!id)
		return 0;
	fd = bpf_prog_get_fd_by_id(id);
	if (fd >= 0) {
		bpf_obj_get_info_by_fd(fd, &info, &len);
		close(fd);
	}
	return cli_error("dev %s already has an XDP program attached (id %u, name %s); detach it"
			 " first",
			 ctx->req.ifname, id, info.name[0] ? info.name : "?");
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
	    (strcmp(name, "sessions") && info.max_entries != bpf_map__max_entries(map)))
		return cli_error("dev %s: pinned map '%s' does not fit this version of stampede;"
				 " detach first",
				 ctx->req.ifname, name);
	if (!strcmp(name, "sessions")) {
		if (ctx->req.sessions_given && info.max_entries != session_sets(ctx->req.sessions))
			return cli_error("dev %s: sessions table holds %u sessions; detach first to"
					 " resize",
					 ctx->req.ifname, info.max_entries * STAMPEDE_SESSION_WAYS);
	}
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
	default:
		return NULL;
	}
}

/* A reflector is attached: check the request against it and open its maps. */
static int prepare_replace(struct attach_ctx *ctx)
{
	struct bpf_link_info link = {0};
	__u32 len = sizeof(link);
	const char *mode;
	char path[PATH_MAX];
	int i;

	if (bpf_obj_get_info_by_fd(ctx->link_fd, &link, &len))
		return cli_error("dev %s: cannot read the pinned link: %s", ctx->req.ifname,
				 strerror(errno));
	/* The interface went away and one of the same name came: the link is dead. */
	if (link.type != BPF_LINK_TYPE_XDP || link.xdp.ifindex != (__u32)ctx->ifindex)
		return cli_error("dev %s: pins left from an earlier interface named %s; run"
				 " 'stampede reflector detach dev %s' first",
				 ctx->req.ifname, ctx->req.ifname, ctx->req.ifname);
	ctx->old_prog_id = link.prog_id;
	mode = xdp_mode_name(ctx->ifindex, link.prog_id);
	if (ctx->req.mode_given && ctx->req.mode != ATTACH_MODE_AUTO && strcmp(mode, "none") &&
	    strcmp(mode, attach_mode_names[ctx->req.mode]))
		return cli_error("dev %s is attached in %s mode; detach first to change mode",
				 ctx->req.ifname, mode);
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
	return 0;
}

/* Pins in a directory without a link are what a crashed run left; clear them. */
static void remove_stale_pins(const struct attach_ctx *ctx)
{
	char path[PATH_MAX];
	int i;

	for (i = 0; i < PIN_MAP_COUNT; i++) {
		if (pins_path(path, sizeof(path), ctx->dir, pin_map_names[i]))
			continue;
		if (!unlink(path))
			cli_debug("removed stale pin %s", path);
	}
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

/* reply-max: as given, else the MTU less the IPv6 and UDP headers. */
static __u16 reply_max(const struct attach_req *req, unsigned int mtu)
{
	if (req->reply_max) {
		if (req->reflected_ctl && req->reply_max + 28U > mtu)
			cli_warn("reply-max %u is more than dev %s's MTU %u allows; replies stay"
				 " within the MTU",
				 req->reply_max, req->ifname, mtu);
		return req->reply_max;
	}
	if (mtu < ATTACH_REPLY_MAX_MIN + ATTACH_REPLY_HEADROOM)
		return ATTACH_REPLY_MAX_MIN;
	if (mtu - ATTACH_REPLY_HEADROOM > ATTACH_REPLY_MAX_MAX)
		return ATTACH_REPLY_MAX_MAX;
	return mtu - ATTACH_REPLY_HEADROOM;
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
}

/*
 * The session table's set mask and hash secret.  A replaced reflector's
 * are kept: its sessions stay where the old program put them.
 */
static int session_table_config(struct attach_ctx *ctx)
{
	struct stampede_config *cfg = &ctx->skel->rodata->cfg, old;
	__u32 sets = bpf_map__max_entries(ctx->skel->maps.sessions);

	if (ctx->replace) {
		if (reflector_running_config(ctx->req.ifname, ctx->old_prog_id, &old))
			return -1;
		if (old.session_set_mask + 1 != sets)
			return cli_error("dev %s: the running reflector's session table does not"
					 " match its map; detach first",
					 ctx->req.ifname);
		cfg->session_seed = old.session_seed;
		ctx->was_stateful = old.flags & STAMPEDE_F_STATEFUL;
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
	ctx->skel = stampede_bpf__open();
	if (!ctx->skel)
		return cli_error("opening the BPF object failed: %s", strerror(errno));
	fill_config(&ctx->req, ctx->mtu, &ctx->skel->rodata->cfg);
	reflector_prepare(ctx->skel, kernel_features(), &ctx->skel->rodata->cfg);
	if (bpf_map__set_max_entries(ctx->skel->maps.sessions, session_sets(ctx->req.sessions)))
		return cli_error("cannot size the sessions table: %s", strerror(errno));
	for (i = 0; ctx->replace && i < PIN_MAP_COUNT; i++) {
		struct bpf_map *map = skel_map(ctx->skel, i);

		if (ctx->old_map_fd[i] < 0)
			continue; /* an optional map the old reflector lacks */
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
			return cli_error("permission denied: loading the XDP program: %s",
					 strerror(err));
		return cli_error("loading the XDP program failed: %s%s", strerror(err),
				 debug_output ? "" : "; rerun with -d for the verifier log");
	}
	return 0;
}

/* Addresses and clock, written before the program can see a packet. */
static int fill_maps(struct attach_ctx *ctx)
{
	struct stampede_clock clk;
	unsigned int n_addrs;
	__u32 key = 0;

	if (addrs_sync(bpf_map__fd(ctx->skel->maps.local_addrs),
		       bpf_map__fd(ctx->skel->maps.local_set), ctx->req.ifname, &n_addrs))
		return -1;
	if (!n_addrs)
		cli_warn("dev %s has no IP address; nothing will be reflected until one is added"
			 " and 'attach' is run again",
			 ctx->req.ifname);
	if (clock_read(&clk))
		return -1;
	/* auto keeps what clock_read() made of the kernel's state. */
	if (ctx->req.sync_src) {
		clk.sync_src = ctx->req.sync_src;
		clk.sync_src_fixed = 1;
	}
	if (bpf_map_update_elem(bpf_map__fd(ctx->skel->maps.clock), &key, &clk, BPF_ANY))
		return cli_error("cannot write the clock map: %s", strerror(errno));
	return 0;
}

/* --- attach ---------------------------------------------------------------- */

/* Native mode may be refused for reasons of the driver: these allow generic. */
static bool native_refused(int err)
{
	return err != EBUSY && err != EEXIST && err != EPERM && err != EACCES && err != ENODEV &&
	       err != ENOMEM;
}

static int link_create_error(struct attach_ctx *ctx, const char *mode, int err)
{
	if (err == EBUSY || err == EEXIST)
		return check_no_xdp(ctx)
			       ?: cli_error("dev %s is busy: %s", ctx->req.ifname, strerror(err));
	if (err == EPERM || err == EACCES)
		return cli_error("permission denied: attaching XDP needs CAP_NET_ADMIN");
	if (!strcmp(mode, "native") && native_refused(err))
		return cli_error(
			"attaching to dev %s in native mode failed: %s; try 'mode generic'",
			ctx->req.ifname, strerror(err));
	return cli_error("attaching to dev %s in %s mode failed: %s", ctx->req.ifname, mode,
			 strerror(err));
}

/* Whether @ifname's driver is veth (ETHTOOL_GDRVINFO); false when unknown. */
static bool is_veth(const char *ifname)
{
	struct ethtool_drvinfo info = {.cmd = ETHTOOL_GDRVINFO};
	struct ifreq ifr = {.ifr_data = (void *)&info};
	bool veth;
	int fd;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	veth = !ioctl(fd, SIOCETHTOOL, &ifr) && !strcmp(info.driver, "veth");
	close(fd);
	return veth;
}

static int create_link(struct attach_ctx *ctx)
{
	int prog_fd = bpf_program__fd(reflector_program(ctx->skel));
	LIBBPF_OPTS(bpf_link_create_opts, opts);
	int err;

	if (ctx->req.mode != ATTACH_MODE_GENERIC) {
		opts.flags = XDP_FLAGS_DRV_MODE;
		ctx->link_fd = bpf_link_create(prog_fd, ctx->ifindex, BPF_XDP, &opts);
		if (ctx->link_fd >= 0) {
			/*
			 * A pod's or container's veth: a frame sent back with
			 * native XDP_TX goes to the peer's XDP receive path,
			 * which drops it unless an XDP program runs there.
			 */
			if (is_veth(ctx->req.ifname))
				cli_warn("dev %s is a veth: in native mode replies reach the peer"
					 " only while an XDP program is attached to it; otherwise"
					 " use 'mode generic'",
					 ctx->req.ifname);
			return 0;
		}
		err = errno;
		if (ctx->req.mode == ATTACH_MODE_NATIVE || !native_refused(err))
			return link_create_error(ctx, "native", err);
		cli_debug("dev %s refused native XDP (%s); trying generic", ctx->req.ifname,
			  strerror(err));
	}
	opts.flags = XDP_FLAGS_SKB_MODE;
	ctx->link_fd = bpf_link_create(prog_fd, ctx->ifindex, BPF_XDP, &opts);
	if (ctx->link_fd < 0)
		return link_create_error(ctx, "generic", errno);
	return 0;
}

static int attach_new(struct attach_ctx *ctx)
{
	int i;

	remove_stale_pins(ctx);
	if (make_pin_dirs(ctx))
		return -1;
	for (i = 0; i < PIN_MAP_COUNT; i++)
		if (pin(ctx, bpf_map__fd(skel_map(ctx->skel, i)), pin_map_names[i]))
			return -1;
	if (create_link(ctx))
		return -1;
	/* Pinned last: a link pin means a complete reflector. */
	return pin(ctx, ctx->link_fd, STAMPEDE_PIN_LINK);
}

static int replace_prog(struct attach_ctx *ctx)
{
	int i;

	/* Maps the old reflector lacked: pinned before the new program runs. */
	for (i = 0; i < PIN_MAP_COUNT; i++)
		if (ctx->old_map_fd[i] < 0 &&
		    pin(ctx, bpf_map__fd(skel_map(ctx->skel, i)), pin_map_names[i]))
			return -1;
	/*
	 * Switching between stateless and stateful: the sessions left from an
	 * earlier stateful program are stale.  Cleared before the swap (a few
	 * that the outgoing program makes meanwhile are cleared on the next
	 * switch to stateful, and a stateless reflector does not list them).
	 */
	if (ctx->req.stateful != ctx->was_stateful &&
	    session_table_clear(ctx->req.ifname, bpf_map__fd(ctx->skel->maps.sessions)))
		return -1;
	if (bpf_link_update(ctx->link_fd, bpf_program__fd(reflector_program(ctx->skel)), NULL))
		return cli_error("replacing the program on dev %s failed: %s", ctx->req.ifname,
				 strerror(errno));
	return 0;
}

static int report(const struct attach_ctx *ctx)
{
	struct reflector_info info;
	struct attached a;
	char line[256];
	int err;

	if (attached_open(ctx->req.ifname, &a))
		return -1;
	err = reflector_describe(&a, &info);
	attached_close(&a);
	if (err)
		return -1;
	if (json_output) {
		struct json_object *obj = reflector_info_json(&info);

		json_add_string(obj, "action", ctx->replace ? "replaced" : "attached");
		output_json(obj);
		return 0;
	}
	reflector_info_summary(&info, line, sizeof(line));
	printf("%s %s\n", ctx->replace ? "replaced the program on" : "attached to", line);
	return 0;
}

static int open_existing_link(struct attach_ctx *ctx)
{
	char path[PATH_MAX];

	if (pins_path(path, sizeof(path), ctx->dir, STAMPEDE_PIN_LINK))
		return -1;
	ctx->link_fd = bpf_obj_get(path);
	if (ctx->link_fd >= 0) {
		ctx->replace = true;
		return 0;
	}
	if (errno == ENOENT)
		return 0;
	return cli_error("cannot open %s: %s", path, strerror(errno));
}

static int attach(struct attach_ctx *ctx)
{
	if (cli_need_root("loading XDP programs needs root (CAP_BPF and CAP_NET_ADMIN)"))
		return -1;
	ctx->ifindex = if_nametoindex(ctx->req.ifname);
	if (!ctx->ifindex)
		return cli_error("no such interface '%s'", ctx->req.ifname);
	if (read_mtu(ctx))
		return -1;
	if (pins_check_bpffs(true) < 0 || pins_lock() ||
	    pins_dev_dir(ctx->req.ifname, ctx->dir, sizeof(ctx->dir)))
		return -1;
	prune_defunct_reflectors();
	if (open_existing_link(ctx))
		return -1;
	if (ctx->replace ? prepare_replace(ctx) : check_no_xdp(ctx))
		return -1;
	if (load(ctx) || fill_maps(ctx))
		return -1;
	if (ctx->replace ? replace_prog(ctx) : attach_new(ctx))
		return -1;
	/* Committed: from here on nothing is undone. */
	ctx->undo.n = 0;
	return report(ctx);
}

int reflector_attach(struct cli_args *args)
{
	static struct attach_ctx ctx; /* large (undo paths) */
	int i, err;

	/* Fresh for every call: the agent attaches many times in one process. */
	memset(&ctx, 0, sizeof(ctx));
	ctx.link_fd = -1;
	for (i = 0; i < PIN_MAP_COUNT; i++)
		ctx.old_map_fd[i] = -1;
	err = attach_parse(args, &ctx.req);
	if (!err)
		err = attach(&ctx);
	if (err)
		undo_run(&ctx.undo);
	/* Closing a link nobody pinned detaches it: the failure path wants that. */
	if (ctx.link_fd >= 0)
		close(ctx.link_fd);
	for (i = 0; i < PIN_MAP_COUNT; i++)
		if (ctx.old_map_fd[i] >= 0)
			close(ctx.old_map_fd[i]);
	stampede_bpf__destroy(ctx.skel);
	return err;
}
