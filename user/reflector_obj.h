/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The reflector's BPF object, XDP or tc.  Both are built from one source
 * (bpf/ctx.h) and have the same maps and configuration; the tc object is
 * handed out as a struct stampede_bpf whose programs are stampede_tc and
 * stampede_tc_locked, so that the controller and the tests work with either
 * through the one skeleton type.  Load it with stampede_bpf__load(); free
 * it with reflector_obj_destroy() only.
 */
#ifndef STAMPEDE_REFLECTOR_OBJ_H
#define STAMPEDE_REFLECTOR_OBJ_H

#include <stdbool.h>

struct stampede_bpf;

/* Open the XDP object, or the tc one when @tc; NULL with errno on failure. */
struct stampede_bpf *reflector_obj_open(bool tc);

/* Whether @skel is the tc object. */
bool reflector_obj_is_tc(const struct stampede_bpf *skel);

void reflector_obj_destroy(struct stampede_bpf *skel);

#endif /* STAMPEDE_REFLECTOR_OBJ_H */
