/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The reflector for tc (clsact ingress), for hosts where the XDP hook is
 * not to be had: the XDP source built with the tc context (bpf/ctx.h).
 * Its programs are stampede_tc and stampede_tc_locked.
 */
#define STAMPEDE_TC 1
#include <linux/pkt_cls.h>
#include "stampede.bpf.c"
