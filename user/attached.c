// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Opening the pinned objects of attached reflectors. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "attached.h"
#include "cli.h"
#include "describe.h"
#include "multiprog.h"
#include "netns.h"
#include "output.h"
#include "tc_hook.h"

const char *const pin_map_names[PIN_MAP_COUNT] = {
#define PIN_MAP_NAME(name) [PIN_MAP_##name] = #name,
	PIN_MAPS(PIN_MAP_NAME)
#undef PIN_MAP_NAME
};

int attached_missing(const char *ifname)
{
	char others[256];
	int n;

	if (if_nametoindex(ifname))
		return cli_error("dev %s: no stampede reflector attached", ifname);
	n = netns_with_ifname(ifname, others, sizeof(others));
	if (n < 0)
		return -1;
	if (n == 1)
		return cli_error("no such interface '%s' here; network namespace %s has one"
				 " (stampede -n %s ...)",
				 ifname, others, others);
	if (n > 1)
		return cli_error("no such interface '%s' here; network namespaces %s have one"
				 " (stampede -n NETNS ...)",
				 ifname, others);
	return cli_error("no such interface '%s'", ifname);
}

static int open_pin(const struct attached *a, const char *name, bool optional, int *fd)
{
	char path[PATH_MAX];

	if (pins_path(path, sizeof(path), a->dir, name))
		return -1;
	*fd = bpf_obj_get(path);
	if (*fd >= 0)
		return 0;
	if (errno == EPERM || errno == EACCES)
		return cli_error("permission denied: reading stampede's pins needs root (CAP_BPF)");
	if (errno == ENOENT && !strcmp(name, STAMPEDE_PIN_LINK))
		return attached_missing(a->ifname);
	if (errno == ENOENT && optional) {
		cli_debug("dev %s: no pinned map '%s' (attached by an older stampede)", a->ifname,
			  name);
		return 0;
	}
	if (errno == ENOENT)
		return cli_error("dev %s: pinned map '%s' is missing; run 'stampede reflector"
				 " detach dev %s' and attach again",
				 a->ifname, name, a->ifname);
	return cli_error("cannot open %s: %s", path, strerror(errno));
}

int attached_open_hold(const char *dir, int *link_fd, int *prog_fd)
{
	char path[PATH_MAX];

	*link_fd = *prog_fd = -1;
	if (pins_path(path, sizeof(path), dir, STAMPEDE_PIN_LINK))
		return -1;
	*link_fd = bpf_obj_get(path);
	if (*link_fd >= 0 || errno != ENOENT)
		return *link_fd >= 0 ? 0 : -1;
	if (pins_path(path, sizeof(path), dir, MULTIPROG_PIN_PROG))
		return -1;
	*prog_fd = bpf_obj_get(path);
	if (*prog_fd >= 0 || errno != ENOENT)
		return *prog_fd >= 0 ? 0 : -1;
	if (pins_path(path, sizeof(path), dir, TC_PIN_PROG))
		return -1;
	*prog_fd = bpf_obj_get(path);
	return *prog_fd >= 0 ? 0 : -1;
}

/* mode tc: the filter recorded, if it still runs the pinned program. */
static int read_tc_hold(const char *dir, __u32 prog_id, struct attached_hold *hold)
{
	struct tc_record rec;
	int ifindex = pins_recorded_ifindex(dir);

	hold->tc = true;
	hold->prog_id = prog_id;
	if (tc_record_read(dir, &rec))
		return 0; /* an attach that did not finish: runs nowhere */
	if (tc_filter_prog(ifindex, &rec) == prog_id) {
		hold->ifindex = ifindex;
		hold->mode = "tc";
	}
	return 0;
}

int attached_read_hold(const char *dir, int link_fd, int prog_fd, struct attached_hold *hold)
{
	struct bpf_link_info link = {0};
	struct bpf_prog_info prog = {0};
	__u32 len;

	memset(hold, 0, sizeof(*hold));
	hold->mode = "none";
	if (link_fd >= 0) {
		len = sizeof(link);
		if (bpf_obj_get_info_by_fd(link_fd, &link, &len))
			return -1;
		if (link.type != BPF_LINK_TYPE_XDP) {
			errno = EINVAL;
			return -1;
		}
		hold->prog_id = link.prog_id;
		hold->ifindex = link.xdp.ifindex;
		hold->mode = xdp_mode_name(hold->ifindex, hold->prog_id);
		return 0;
	}
	len = sizeof(prog);
	if (bpf_obj_get_info_by_fd(prog_fd, &prog, &len))
		return -1;
	if (prog.type == BPF_PROG_TYPE_SCHED_CLS)
		return read_tc_hold(dir, prog.id, hold);
	hold->multiprog = true;
	hold->prog_id = prog.id;
	/* A program has no interface of its own: the recorded one, if it runs there. */
	hold->mode = multiprog_find(pins_recorded_ifindex(dir), prog.id, &hold->dispatcher_id);
	if (strcmp(hold->mode, "none"))
		hold->ifindex = pins_recorded_ifindex(dir);
	return 0;
}

void attached_close(struct attached *a)
{
	int i;

	if (a->link_fd >= 0)
		close(a->link_fd);
	a->link_fd = -1;
	if (a->prog_fd >= 0)
		close(a->prog_fd);
	a->prog_fd = -1;
	for (i = 0; i < PIN_MAP_COUNT; i++) {
		if (a->map_fd[i] >= 0)
			close(a->map_fd[i]);
		a->map_fd[i] = -1;
	}
}

int attached_open(const char *ifname, struct attached *a)
{
	int i, ret;

	a->link_fd = a->prog_fd = -1;
	for (i = 0; i < PIN_MAP_COUNT; i++)
		a->map_fd[i] = -1;
	ret = pins_check_bpffs(false);
	if (ret < 0)
		return -1;
	if (ret == 1)
		return attached_missing(ifname);
	pins_follow_renames();
	if (pins_dev_dir(ifname, a->dir, sizeof(a->dir)))
		return -1;
	snprintf(a->ifname, sizeof(a->ifname), "%s", ifname);
	if (attached_open_hold(a->dir, &a->link_fd, &a->prog_fd)) {
		if (errno == EPERM || errno == EACCES)
			cli_error(
				"permission denied: reading stampede's pins needs root (CAP_BPF)");
		else if (errno == ENOENT)
			attached_missing(a->ifname);
		else
			cli_error("cannot open the link pinned in %s: %s", a->dir, strerror(errno));
		goto fail;
	}
	for (i = 0; i < PIN_MAP_COUNT; i++)
		if (open_pin(a, pin_map_names[i], pin_map_optional(i), &a->map_fd[i]))
			goto fail;
	return 0;
fail:
	attached_close(a);
	return -1;
}

/*
 * Whether @ifname's pin directory holds a link (or a multiprog reflector's
 * program): the mark of a finished attach.
 */
static bool has_link(const char *ifname)
{
	char dir[PATH_MAX], path[PATH_MAX], prog[PATH_MAX], tc[PATH_MAX];

	return !pins_dev_dir(ifname, dir, sizeof(dir)) &&
	       !pins_path(path, sizeof(path), dir, STAMPEDE_PIN_LINK) &&
	       !pins_path(prog, sizeof(prog), dir, MULTIPROG_PIN_PROG) &&
	       !pins_path(tc, sizeof(tc), dir, TC_PIN_PROG) &&
	       (!access(path, F_OK) || !access(prog, F_OK) || !access(tc, F_OK));
}

bool attached_live(const char *ifname)
{
	unsigned int ifindex = if_nametoindex(ifname);
	struct attached_hold hold;
	char dir[PATH_MAX];
	int link_fd, prog_fd;
	bool live = false;

	if (!ifindex || pins_dev_dir(ifname, dir, sizeof(dir)) ||
	    attached_open_hold(dir, &link_fd, &prog_fd))
		return false;
	if (!attached_read_hold(dir, link_fd, prog_fd, &hold))
		live = hold.ifindex == ifindex;
	close(link_fd >= 0 ? link_fd : prog_fd);
	return live;
}

/* -a's visit of the namespaces, while it runs: see attached_for_each_netns(). */
struct netns_visit;
static struct netns_visit *visiting;
static void visit_failed(struct netns_visit *v, const char *ifname, const char *why);

/*
 * One reflector of a listing.  Under -a, a reflector that cannot be read
 * (another stampede version's layout, say) is reported on its own and the
 * listing goes on: 0, or -1 when not under -a.
 */
static int for_one(const char *name, attached_fn fn, void *ctx)
{
	char why[CLI_ERROR_CAPTURE_LEN] = "";
	char *outer = cli_error_capture;
	struct attached a;
	int ret;

	if (visiting)
		cli_error_capture = why;
	ret = attached_open(name, &a);
	if (!ret)
		ret = fn(&a, ctx);
	attached_close(&a);
	if (visiting) {
		cli_error_capture = outer;
		if (ret) {
			visit_failed(visiting, name, why[0] ? why : "cannot be read");
			ret = 0;
		}
	}
	return ret;
}

int attached_for_each(const char *ifname, attached_fn fn, void *ctx)
{
	struct attached a;
	char **names;
	size_t n, i;
	int ret;

	if (ifname) {
		if (attached_open(ifname, &a))
			return -1;
		ret = fn(&a, ctx);
		attached_close(&a);
		return ret;
	}
	ret = pins_check_bpffs(false);
	if (ret)
		return ret < 0 ? -1 : 0;
	pins_follow_renames();
	if (pins_list_devs(&names, &n))
		return -1;
	for (i = 0, ret = 0; i < n && !ret; i++) {
		if (!has_link(names[i])) {
			cli_debug("skipping %s: no pinned link", names[i]);
			continue;
		}
		ret = for_one(names[i], fn, ctx);
	}
	pins_free_list(names, n);
	return ret;
}

/* -a: one namespace's reflectors, each labelled with the namespace. */
struct netns_visit {
	attached_fn fn;
	void *ctx;
	struct json_object *list;
	const char *label; /* what -n takes for it; NULL: the one we run in */
	bool headed;	   /* its text heading is out */
	bool spoke;	   /* some namespace's heading is out */
	bool failed;	   /* some reflector could not be read */
};

static void visit_heading(struct netns_visit *v)
{
	if (json_output || v->headed)
		return;
	printf("%snetns %s:\n", v->spoke ? "\n" : "",
	       v->label			? v->label
	       : ns_is_host("net") == 1 ? "(host)"
					: "(this one)");
	v->headed = v->spoke = true;
}

/* A reflector -a could not read: said on stderr and in its place in the listing. */
static void visit_failed(struct netns_visit *v, const char *ifname, const char *why)
{
	struct json_object *obj;

	v->failed = true;
	fprintf(stderr, "stampede: error: netns %s: %s\n", v->label ? v->label : "(this one)", why);
	if (!json_output) {
		visit_heading(v);
		printf("dev %s: cannot be read: %s\n", ifname, why);
		return;
	}
	obj = json_object_new_object();
	json_add_string(obj, "ifname", ifname);
	json_object_object_add(obj, "netns", v->label ? json_object_new_string(v->label) : NULL);
	json_add_string(obj, "error", why);
	json_object_array_add(v->list, obj);
}

static int visit_one(struct attached *a, void *arg)
{
	struct netns_visit *v = arg;
	size_t before = v->list ? json_object_array_length(v->list) : 0, i;
	int ret;

	visit_heading(v);
	ret = v->fn(a, v->ctx);
	for (i = before; v->list && i < json_object_array_length(v->list); i++)
		json_object_object_add(json_object_array_get_idx(v->list, i), "netns",
				       v->label ? json_object_new_string(v->label) : NULL);
	return ret;
}

/* The reflectors of the namespace that pin directory @entry holds, visited there. */
static int visit_netns(const char *entry, struct netns_visit *v, int self_fd)
{
	char spec[PATH_MAX];
	ino_t ino = strtoull(entry + strlen(PIN_NETNS_PREFIX), NULL, 10);
	int ret;

	if (ino == ns_self_inode("net"))
		return 0; /* ours: visited first */
	if (!netns_spec_of(ino, spec, sizeof(spec))) {
		/* The namespace is gone; the next attach or detach prunes its pins. */
		cli_debug("no network namespace of inode %lu for %s/%s", (unsigned long)ino,
			  STAMPEDE_PIN_ROOT, entry);
		return 0;
	}
	if (netns_enter(spec))
		return -1;
	v->label = spec;
	v->headed = false;
	ret = attached_for_each(NULL, visit_one, v);
	return netns_return(self_fd) ?: ret;
}

int attached_for_each_netns(attached_fn fn, void *ctx, struct json_object *list)
{
	struct netns_visit v = {.fn = fn, .ctx = ctx, .list = list};
	struct dirent *e;
	int self_fd, ret;
	DIR *d;

	visiting = &v;
	/* Ours first, with whatever layout it has. */
	ret = attached_for_each(NULL, visit_one, &v);
	if (ret || pins_check_bpffs(false))
		goto out;
	d = opendir(STAMPEDE_PIN_ROOT);
	if (!d)
		goto out;
	self_fd = netns_open_self();
	if (self_fd < 0) {
		closedir(d);
		ret = -1;
		goto out;
	}
	while (!ret && (e = readdir(d)))
		if (!strncmp(e->d_name, PIN_NETNS_PREFIX, strlen(PIN_NETNS_PREFIX)))
			ret = visit_netns(e->d_name, &v, self_fd);
	close(self_fd);
	closedir(d);
out:
	visiting = NULL;
	return ret ?: v.failed;
}

int attached_run_each(struct cli_args *args, attached_fn fn, const char *what, uint64_t caps)
{
	struct json_object *list = NULL;
	const char *ifname;
	int ret;

	if (cli_parse_dev(args, false, &ifname) || cli_need_caps(what, caps))
		return -1;
	if (all_netns && ifname)
		return cli_error("-a covers every reflector; give it no 'dev'");
	if (json_output)
		list = json_object_new_array();
	ret = all_netns ? attached_for_each_netns(fn, list, list)
			: attached_for_each(ifname, fn, list);
	if (ret < 0) {
		json_object_put(list);
		return -1;
	}
	/* (-a: what could be read is listed, also when some could not.) */
	if (json_output)
		output_json_list(list, ifname);
	return ret ? -1 : 0;
}
