/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What the running kernel offers the reflector, probed rather than read
 * from its version: distributions backport.  The controller, the tests
 * and the benchmark choose the program and its fallbacks from it
 * (docs/kernels.md lists them per kernel).
 */
#ifndef STAMPEDE_KERNEL_FEATURES_H
#define STAMPEDE_KERNEL_FEATURES_H

#include <stdbool.h>
#include <linux/types.h>

struct stampede_bpf;
struct bpf_program;
struct stampede_config;

/* The oldest kernel the reflector is written and tested for. */
#define KERNEL_MIN_MAJOR 5
#define KERNEL_MIN_MINOR 10

struct kernel_features {
	char release[65]; /* uname -r */
	unsigned int major, minor;
	bool btf;	     /* loads BTF: map values with a bpf_spin_lock need it */
	bool tai_helper;     /* bpf_ktime_get_tai_ns (6.1) */
	bool atomic_fetch;   /* BPF_ATOMIC with BPF_FETCH (5.12) */
	bool verified_insns; /* bpf_prog_info.verified_insns (5.16) */
};

/* The running kernel's features, probed once per process. */
const struct kernel_features *kernel_features(void);

/*
 * Whether the reflector can load here at all: a kernel below 5.10, or one
 * without BTF, is reported in one line (naming the kernel) and refused.
 */
int kernel_check_supported(const struct kernel_features *kf);

/* The same without the error line: 0 when supported. */
int kernel_check_supported_quiet(const struct kernel_features *kf);

/*
 * Before the skeleton is loaded: choose its program for this kernel (the
 * other is not loaded) and set the configuration's fallback flags.
 * Returns the program chosen.
 */
struct bpf_program *reflector_prepare(struct stampede_bpf *skel, const struct kernel_features *kf,
				      struct stampede_config *cfg);

/* The program a skeleton loads or loaded (after reflector_prepare). */
struct bpf_program *reflector_program(struct stampede_bpf *skel);

/*
 * Keep the verifier's statistics of @prog's load in @log (a buffer of
 * @size octets, alive until the load): verifier_processed_insns() then
 * reads how many instructions it processed, on every kernel (bpf_prog_info
 * has verified_insns only from 5.16).  Call between open and load.
 */
void verifier_stats_keep(struct bpf_program *prog, char *log, unsigned int size);

/* "processed N insns" of such a log; -1 when it holds none. */
long verifier_processed_insns(const char *log);

/* The verifier's limit of processed instructions, for reports. */
#define VERIFIER_INSNS_LIMIT 1000000

#endif /* STAMPEDE_KERNEL_FEATURES_H */
