// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The tc object seen through the XDP skeleton's struct: the map, program
 * and configuration pointers of its own skeleton copied into a struct
 * stampede_bpf.  The skeleton pointer is the tc object's, so
 * stampede_bpf__load() loads it (and maps its .rodata where the copied
 * pointer points: libbpf maps it again at the same address).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "cli.h"
#include "reflector_obj.h"
#include "stampede_kern_user.h"
#include "stampede.skel.h"
#include "stampede_tc.skel.h"

struct tc_view {
	struct stampede_bpf view; /* first: the view's address is the tc_view's */
	struct stampede_tc_bpf *tc;
};

_Static_assert(sizeof(((struct stampede_bpf *)0)->maps) ==
		       sizeof(((struct stampede_tc_bpf *)0)->maps),
	       "the XDP and tc objects have the same maps");
_Static_assert(sizeof(*((struct stampede_bpf *)0)->rodata) ==
		       sizeof(*((struct stampede_tc_bpf *)0)->rodata),
	       "the XDP and tc objects have the same configuration");

/* The maps in the same order: named alike, one by one. */
static bool same_maps(const struct stampede_bpf *view)
{
	struct bpf_map *const *m = (struct bpf_map *const *)&view->maps;
	struct bpf_map *want;
	size_t i;

	for (i = 0; i < sizeof(view->maps) / sizeof(*m); i++) {
		want = bpf_object__find_map_by_name(view->obj, bpf_map__name(m[i]));
		if (want != m[i])
			return false;
	}
	return true;
}

struct stampede_bpf *reflector_obj_open(bool tc)
{
	struct stampede_tc_bpf *t;
	struct tc_view *v;

	if (!tc)
		return stampede_bpf__open();
	t = stampede_tc_bpf__open();
	if (!t)
		return NULL;
	v = calloc(1, sizeof(*v));
	if (!v) {
		stampede_tc_bpf__destroy(t);
		errno = ENOMEM;
		return NULL;
	}
	v->tc = t;
	v->view.skeleton = t->skeleton;
	v->view.obj = t->obj;
	memcpy(&v->view.maps, &t->maps, sizeof(t->maps));
	v->view.progs.stampede_xdp = t->progs.stampede_tc;
	v->view.progs.stampede_locked = t->progs.stampede_tc_locked;
	v->view.rodata = (void *)t->rodata;
	if (!same_maps(&v->view)) {
		cli_warn("internal: the tc object's maps differ from the XDP object's");
		reflector_obj_destroy(&v->view);
		errno = EINVAL;
		return NULL;
	}
	return &v->view;
}

bool reflector_obj_is_tc(const struct stampede_bpf *skel)
{
	return skel && !strcmp(bpf_program__name(skel->progs.stampede_xdp), "stampede_tc");
}

void reflector_obj_destroy(struct stampede_bpf *skel)
{
	struct tc_view *v = (struct tc_view *)skel;

	if (!reflector_obj_is_tc(skel)) {
		stampede_bpf__destroy(skel);
		return;
	}
	stampede_tc_bpf__destroy(v->tc);
	free(v);
}
