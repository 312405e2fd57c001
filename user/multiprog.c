// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Joining and leaving libxdp's multi-program dispatcher (multiprog.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "attach.h"
#include "cli.h"
#include "multiprog.h"
#include "output.h"

/* libxdp speaks only with -d, as libbpf does: our one error line says it. */
static int libxdp_print(enum libxdp_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	if (!debug_output)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static void quiet_libxdp(void)
{
	static bool done;

	if (!done)
		libxdp_set_print(libxdp_print);
	done = true;
}

static void prog_name_of(__u32 id, char *name, size_t len)
{
	struct bpf_prog_info info = {0};
	__u32 info_len = sizeof(info);
	int fd = bpf_prog_get_fd_by_id(id);

	snprintf(name, len, "?");
	if (fd < 0)
		return;
	if (!bpf_obj_get_info_by_fd(fd, &info, &info_len) && info.name[0])
		snprintf(name, len, "%s", info.name);
	close(fd);
}

int multiprog_hook(const char *ifname, int ifindex, struct xdp_hook *hook)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	struct xdp_multiprog *mp;

	memset(hook, 0, sizeof(*hook));
	if (bpf_xdp_query(ifindex, 0, &q))
		return cli_error("cannot query XDP on dev %s: %s", ifname, strerror(errno));
	hook->prog_id = q.drv_prog_id ?: q.skb_prog_id ?: q.hw_prog_id ?: q.prog_id;
	if (!hook->prog_id)
		return 0;
	hook->generic = !q.drv_prog_id && q.skb_prog_id;
	prog_name_of(hook->prog_id, hook->prog_name, sizeof(hook->prog_name));
	hook->kind = HOOK_OTHER;
	quiet_libxdp();
	mp = xdp_multiprog__get_from_ifindex(ifindex);
	if (libxdp_get_error(mp))
		return 0; /* not one libxdp can read: another program */
	if (!xdp_multiprog__is_legacy(mp)) {
		hook->kind = HOOK_DISPATCHER;
		hook->programs = xdp_multiprog__program_count(mp);
	}
	xdp_multiprog__close(mp);
	return 0;
}

const char *multiprog_find(int ifindex, __u32 prog_id, __u32 *dispatcher_id)
{
	const char *mode = "none";
	struct xdp_multiprog *mp;
	struct xdp_program *p;

	*dispatcher_id = 0;
	if (ifindex <= 0 || !prog_id)
		return mode;
	quiet_libxdp();
	mp = xdp_multiprog__get_from_ifindex(ifindex);
	if (libxdp_get_error(mp))
		return mode;
	if (xdp_multiprog__is_legacy(mp)) {
		/* libxdp attaches a program alone where the kernel has no dispatcher. */
		p = xdp_multiprog__main_prog(mp);
		if (p && xdp_program__id(p) == prog_id)
			mode = attach_xdp_mode_name(xdp_multiprog__attach_mode(mp) == XDP_MODE_SKB);
		xdp_multiprog__close(mp);
		return mode;
	}
	for (p = xdp_multiprog__next_prog(NULL, mp); p; p = xdp_multiprog__next_prog(p, mp)) {
		if (xdp_program__id(p) != prog_id)
			continue;
		mode = attach_xdp_mode_name(xdp_multiprog__attach_mode(mp) == XDP_MODE_SKB);
		*dispatcher_id = xdp_program__id(xdp_multiprog__main_prog(mp));
		break;
	}
	xdp_multiprog__close(mp);
	return mode;
}

int multiprog_attach(struct bpf_object *obj, const char *prog_name, int ifindex, bool generic)
{
	DECLARE_LIBXDP_OPTS(xdp_program_opts, opts, .obj = obj, .prog_name = prog_name);
	struct xdp_program *prog;
	int err, fd;

	quiet_libxdp();
	prog = xdp_program__create(&opts);
	err = libxdp_get_error(prog);
	if (err) {
		errno = -err;
		return -1;
	}
	/* Set here rather than in the object's BTF: one object, two programs. */
	err = xdp_program__set_run_prio(prog, MULTIPROG_RUN_PRIO);
	if (!err)
		err = xdp_program__set_chain_call_enabled(prog, XDP_PASS, true);
	if (!err)
		err = xdp_program__attach(prog, ifindex, generic ? XDP_MODE_SKB : XDP_MODE_NATIVE,
					  0);
	fd = err ? -1 : dup(xdp_program__fd(prog));
	if (!err && fd < 0)
		err = -errno;
	xdp_program__close(prog);
	if (err) {
		errno = -err;
		return -1;
	}
	return fd;
}

int multiprog_detach(int prog_fd, int ifindex)
{
	struct xdp_multiprog *mp;
	struct xdp_program *prog;
	enum xdp_attach_mode mode;
	int err;

	quiet_libxdp();
	mp = xdp_multiprog__get_from_ifindex(ifindex);
	err = libxdp_get_error(mp);
	if (err) {
		errno = -err;
		return -1;
	}
	mode = xdp_multiprog__attach_mode(mp);
	xdp_multiprog__close(mp);
	prog = xdp_program__from_fd(prog_fd);
	err = libxdp_get_error(prog);
	if (!err) {
		err = xdp_program__detach(prog, ifindex, mode, 0);
		xdp_program__close(prog);
	}
	if (err) {
		errno = -err;
		return -1;
	}
	return 0;
}
