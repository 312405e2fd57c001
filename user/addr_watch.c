// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Loading, attaching and reporting the address watch (addr_watch.h). */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "addr_watch.h"
#include "cli.h"
#include "netns.h"
#include "pins.h"
#include "addr_watch.skel.h"

const char *const addr_watch_kind_names[] = {
	[ADDR_WATCH_OFF] = "off",
	[ADDR_WATCH_FENTRY] = "fentry",
	[ADDR_WATCH_KPROBE] = "kprobe",
};

const char *const addr_watch_link_pins[ADDR_WATCH_LINKS] = {"addr_watch_v4", "addr_watch_v6"};

bool addr_watch_may_hold;

/* The record of a kprobe watch held by a process, not pinned. */
#define HELD_PREFIX "kprobe held by pid "
#define OFF_PREFIX  "off: "

/* The kernel's ENOTSUPP (524), which userspace has no name for. */
#define KERNEL_ENOTSUPP 524

static const char *error_text(int err)
{
	if (err == KERNEL_ENOTSUPP)
		return "not supported by this kernel";
	return strerror(err);
}

/* The programs of one kind, IPv4's then IPv6's. */
static void kind_programs(struct addr_watch_bpf *skel, enum addr_watch_kind kind,
			  struct bpf_program *progs[ADDR_WATCH_LINKS])
{
	if (kind == ADDR_WATCH_FENTRY) {
		progs[0] = skel->progs.watch_v4_fentry;
		progs[1] = skel->progs.watch_v6_fentry;
	} else {
		progs[0] = skel->progs.watch_v4_kprobe;
		progs[1] = skel->progs.watch_v6_kprobe;
	}
}

/* Whether @link is a bpf_link of the kernel's, which can be pinned. */
static bool is_kernel_link(struct bpf_link *link)
{
	struct bpf_link_info info = {0};
	__u32 len = sizeof(info);

	return !bpf_obj_get_info_by_fd(bpf_link__fd(link), &info, &len);
}

/*
 * One way of attaching: the programs of @kind loaded with the reflector's
 * maps and attached.  0, or -1 with the refusal in @why.
 */
static int try_kind(struct addr_watch *w, enum addr_watch_kind kind, int ifindex,
		    int local_addrs_fd, int local_set_fd, int gen_fd, char *why, size_t len)
{
	const char *name = addr_watch_kind_names[kind];
	struct bpf_program *progs[ADDR_WATCH_LINKS];
	struct addr_watch_bpf *skel;
	ino_t netns = ns_self_inode("net");
	int i, err;

	if (!netns) {
		snprintf(why, len, "cannot tell this network namespace (%s)", strerror(errno));
		return -1;
	}
	skel = addr_watch_bpf__open();
	if (!skel) {
		snprintf(why, len, "cannot open its BPF object (%s)", strerror(errno));
		return -1;
	}
	skel->rodata->watch_netns_inum = (__u32)netns;
	skel->rodata->watch_ifindex = ifindex;
	bpf_program__set_autoload(skel->progs.watch_v4_fentry, kind == ADDR_WATCH_FENTRY);
	bpf_program__set_autoload(skel->progs.watch_v6_fentry, kind == ADDR_WATCH_FENTRY);
	bpf_program__set_autoload(skel->progs.watch_v4_kprobe, kind == ADDR_WATCH_KPROBE);
	bpf_program__set_autoload(skel->progs.watch_v6_kprobe, kind == ADDR_WATCH_KPROBE);
	if (bpf_map__reuse_fd(skel->maps.local_addrs, local_addrs_fd) ||
	    bpf_map__reuse_fd(skel->maps.local_set, local_set_fd) ||
	    (gen_fd >= 0 && bpf_map__reuse_fd(skel->maps.addr_watch_gen, gen_fd))) {
		snprintf(why, len, "cannot share the reflector's maps (%s)", strerror(errno));
		goto fail;
	}
	err = addr_watch_bpf__load(skel);
	if (err) {
		snprintf(why, len, "%s refused at load (%s)", name, error_text(-err));
		goto fail;
	}
	kind_programs(skel, kind, progs);
	for (i = 0; i < ADDR_WATCH_LINKS; i++) {
		w->link[i] = bpf_program__attach(progs[i]);
		if (!w->link[i]) {
			snprintf(why, len, "%s refused at attach to %s (%s)", name,
				 bpf_program__section_name(progs[i]) + strlen(name) + 1,
				 error_text(errno));
			goto fail;
		}
	}
	w->skel = skel;
	w->kind = kind;
	w->pinnable = is_kernel_link(w->link[0]) && is_kernel_link(w->link[1]);
	return 0;
fail:
	for (i = 0; i < ADDR_WATCH_LINKS; i++) {
		bpf_link__destroy(w->link[i]);
		w->link[i] = NULL;
	}
	addr_watch_bpf__destroy(skel);
	return -1;
}

/* STAMPEDE_ADDR_WATCH: auto (unset), kprobe (fentry not tried) or off. */
static enum addr_watch_kind asked_kind(bool *off)
{
	const char *asked = getenv(ADDR_WATCH_ENV);

	*off = false;
	if (!asked || !*asked || !strcmp(asked, "auto"))
		return ADDR_WATCH_FENTRY;
	if (!strcmp(asked, addr_watch_kind_names[ADDR_WATCH_KPROBE]))
		return ADDR_WATCH_KPROBE;
	if (!strcmp(asked, addr_watch_kind_names[ADDR_WATCH_OFF])) {
		*off = true;
		return ADDR_WATCH_OFF;
	}
	cli_warn(ADDR_WATCH_ENV "=%s is none of auto, kprobe and off: taken as auto", asked);
	return ADDR_WATCH_FENTRY;
}

void addr_watch_start(struct addr_watch *w, int ifindex, int local_addrs_fd, int local_set_fd,
		      int gen_fd)
{
	char fentry_why[sizeof(w->why) / 2 - 1], kprobe_why[sizeof(w->why) / 2 - 1];
	enum addr_watch_kind first;
	bool off;

	memset(w, 0, sizeof(*w));
	first = asked_kind(&off);
	if (off) {
		w->asked_off = true;
		snprintf(w->why, sizeof(w->why), "turned off (" ADDR_WATCH_ENV "=off)");
		return;
	}
	if (first == ADDR_WATCH_KPROBE)
		snprintf(fentry_why, sizeof(fentry_why),
			 "fentry not tried (" ADDR_WATCH_ENV "=kprobe)");
	else if (!try_kind(w, ADDR_WATCH_FENTRY, ifindex, local_addrs_fd, local_set_fd, gen_fd,
			   fentry_why, sizeof(fentry_why)))
		return;
	cli_debug("address watch: %s; trying kprobe", fentry_why);
	if (!try_kind(w, ADDR_WATCH_KPROBE, ifindex, local_addrs_fd, local_set_fd, gen_fd,
		      kprobe_why, sizeof(kprobe_why)))
		return;
	snprintf(w->why, sizeof(w->why), "%s, %s", fentry_why, kprobe_why);
	cli_debug("address watch off: %s; removed addresses are refused once the agent or"
		  " 'reflector refresh' republishes",
		  w->why);
}

int addr_watch_gen_fd(const struct addr_watch *w)
{
	return w->kind == ADDR_WATCH_OFF ? -1 : bpf_map__fd(w->skel->maps.addr_watch_gen);
}

int addr_watch_link_fd(const struct addr_watch *w, int i)
{
	return w->kind == ADDR_WATCH_OFF ? -1 : bpf_link__fd(w->link[i]);
}

void addr_watch_free(struct addr_watch *w)
{
	int i;

	for (i = 0; i < ADDR_WATCH_LINKS; i++)
		bpf_link__destroy(w->link[i]);
	addr_watch_bpf__destroy(w->skel);
	memset(w, 0, sizeof(*w));
}

void addr_watch_release(struct addr_watch *w)
{
	int i;

	/*
	 * libbpf's destroy would detach them (a perf event's is disabled too):
	 * disconnected, it only frees.  A kprobe's perf event fd, which libbpf
	 * keeps to itself, stays open until the process exits; the pin holds
	 * the event either way.
	 */
	for (i = 0; i < ADDR_WATCH_LINKS; i++) {
		if (!w->link[i])
			continue;
		bpf_link__disconnect(w->link[i]);
		close(bpf_link__fd(w->link[i]));
	}
	addr_watch_free(w);
}

/* The watches this process holds (the agent's unpinnable kprobes), by pin directory. */
struct held_watch {
	char dir[PATH_MAX];
	struct addr_watch w;
};
static struct held_watch *held;
static size_t n_held;

void addr_watch_hold(const char *dir, struct addr_watch *w)
{
	struct held_watch *grown;
	size_t i;

	for (i = 0; i < n_held; i++) {
		if (!strcmp(held[i].dir, dir)) {
			/* The new one runs already: the old one goes. */
			addr_watch_free(&held[i].w);
			held[i].w = *w;
			memset(w, 0, sizeof(*w));
			return;
		}
	}
	grown = realloc(held, (n_held + 1) * sizeof(*held));
	if (!grown) {
		cli_warn("out of memory: the address watch of %s is let go", dir);
		addr_watch_free(w);
		return;
	}
	held = grown;
	snprintf(held[n_held].dir, sizeof(held[n_held].dir), "%s", dir);
	held[n_held++].w = *w;
	memset(w, 0, sizeof(*w));
}

void addr_watch_unhold(const char *dir)
{
	size_t i;

	for (i = 0; i < n_held; i++) {
		if (strcmp(held[i].dir, dir))
			continue;
		addr_watch_free(&held[i].w);
		held[i] = held[--n_held];
		return;
	}
}

void addr_watch_record_text(const struct addr_watch *w, bool held_here, char *buf, size_t len)
{
	if (w->kind == ADDR_WATCH_OFF)
		snprintf(buf, len, OFF_PREFIX "%s", w->why);
	else if (held_here)
		snprintf(buf, len, HELD_PREFIX "%d", (int)getpid());
	else
		snprintf(buf, len, "%s", addr_watch_kind_names[w->kind]);
}

/* Whether the link pinned as @name in @dir is there and of @type. */
static bool link_pinned(const char *dir, const char *name, __u32 type, char *why, size_t len)
{
	struct bpf_link_info info = {0};
	__u32 info_len = sizeof(info);
	char path[PATH_MAX];
	int fd;

	if (pins_path(path, sizeof(path), dir, name))
		return false;
	fd = bpf_obj_get(path);
	if (fd < 0) {
		snprintf(why, len, "its link %s is gone (%s); attach again", name, strerror(errno));
		return false;
	}
	if (bpf_obj_get_info_by_fd(fd, &info, &info_len) || info.type != type) {
		snprintf(why, len, "%s is not its link; attach again", name);
		close(fd);
		return false;
	}
	close(fd);
	return true;
}

void addr_watch_read(const char *dir, struct addr_watch_state *st)
{
	char path[PATH_MAX], text[sizeof(st->why)];
	ssize_t n = -1;
	int i, pid;

	st->mode = addr_watch_kind_names[ADDR_WATCH_OFF];
	st->why[0] = '\0';
	if (!pins_path(path, sizeof(path), dir, ADDR_WATCH_PIN_RECORD))
		n = readlink(path, text, sizeof(text) - 1);
	if (n <= 0) {
		snprintf(st->why, sizeof(st->why),
			 "none: attached by an older stampede; attach again");
		return;
	}
	text[n] = '\0';
	if (!strncmp(text, OFF_PREFIX, strlen(OFF_PREFIX))) {
		snprintf(st->why, sizeof(st->why), "%s", text + strlen(OFF_PREFIX));
		return;
	}
	if (sscanf(text, HELD_PREFIX "%d", &pid) == 1) {
		if (kill(pid, 0) && errno == ESRCH) {
			snprintf(st->why, sizeof(st->why),
				 "pid %d, which held its kprobes (this kernel cannot pin them), has"
				 " exited",
				 pid);
			return;
		}
		st->mode = addr_watch_kind_names[ADDR_WATCH_KPROBE];
		snprintf(st->why, sizeof(st->why),
			 "held by pid %d: this kernel cannot pin kprobe links", pid);
		return;
	}
	if (strcmp(text, "fentry") && strcmp(text, "kprobe")) {
		snprintf(st->why, sizeof(st->why),
			 "unknown record '%.64s' (another version of stampede?); attach again",
			 text);
		return;
	}
	for (i = 0; i < ADDR_WATCH_LINKS; i++)
		if (!link_pinned(dir, addr_watch_link_pins[i],
				 strcmp(text, "fentry") ? BPF_LINK_TYPE_PERF_EVENT
							: BPF_LINK_TYPE_TRACING,
				 st->why, sizeof(st->why)))
			return;
	st->mode = !strcmp(text, "fentry") ? addr_watch_kind_names[ADDR_WATCH_FENTRY]
					   : addr_watch_kind_names[ADDR_WATCH_KPROBE];
}

int addr_watch_open_gen(const char *dir)
{
	char path[PATH_MAX];

	if (pins_path(path, sizeof(path), dir, ADDR_WATCH_PIN_GEN))
		return -1;
	return bpf_obj_get(path);
}

__u64 addr_watch_gen_read(int gen_fd)
{
	__u32 zero = 0;
	__u64 gen = 0;

	if (gen_fd >= 0)
		bpf_map_lookup_elem(gen_fd, &zero, &gen);
	return gen;
}
