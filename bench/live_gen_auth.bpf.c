/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The live benchmark's generator for authenticated mode (RFC 8762 4.2.2):
 * live_gen.bpf.c sending bench/live's signed 112-octet request as it is,
 * with no Sequence Number of its own (that would break the HMAC).
 */
#define GEN_AUTH 1
#include "live_gen.bpf.c"
