// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Probing the running kernel for what the reflector uses (kernel_features.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "cli.h"
#include "kernel_features.h"
#include "stampede_kern_user.h"
#include "stampede.skel.h"

/* Whether the kernel accepts a small XDP program. */
static bool prog_loads(const struct bpf_insn *insns, size_t n)
{
	int fd = bpf_prog_load(BPF_PROG_TYPE_XDP, NULL, "GPL", insns, n, NULL);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/*
 * A 64-bit fetch-and-add on the stack, as session_take_seq makes one on a
 * map value: older verifiers refuse the BPF_FETCH bit as a reserved field.
 */
static bool probe_atomic_fetch(void)
{
	const struct bpf_insn insns[] = {
		{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_1, .imm = 0},
		{.code = BPF_STX | BPF_MEM | BPF_DW,
		 .dst_reg = BPF_REG_10,
		 .src_reg = BPF_REG_1,
		 .off = -8},
		{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_1, .imm = 1},
		{.code = BPF_STX | BPF_ATOMIC | BPF_DW,
		 .dst_reg = BPF_REG_10,
		 .src_reg = BPF_REG_1,
		 .off = -8,
		 .imm = BPF_ADD | BPF_FETCH},
		{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = XDP_PASS},
		{.code = BPF_JMP | BPF_EXIT},
	};

	return prog_loads(insns, sizeof(insns) / sizeof(insns[0]));
}

/* A one-type BTF: what libbpf loads for maps whose values hold a lock. */
static bool probe_btf(void)
{
	struct btf *btf = btf__new_empty();
	bool ok;

	if (!btf)
		return false;
	ok = btf__add_int(btf, "int", 4, BTF_INT_SIGNED) > 0 && !btf__load_into_kernel(btf);
	btf__free(btf);
	return ok;
}

/* bpf_prog_info grew verified_insns in 5.16; an older kernel leaves it 0. */
static bool probe_verified_insns(void)
{
	const struct bpf_insn insns[] = {
		{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = XDP_PASS},
		{.code = BPF_JMP | BPF_EXIT},
	};
	struct bpf_prog_info info = {0};
	__u32 len = sizeof(info);
	bool ok = false;
	int fd;

	fd = bpf_prog_load(BPF_PROG_TYPE_XDP, NULL, "GPL", insns, 2, NULL);
	if (fd < 0)
		return false;
	if (!bpf_obj_get_info_by_fd(fd, &info, &len))
		ok = info.verified_insns > 0;
	close(fd);
	return ok;
}

const struct kernel_features *kernel_features(void)
{
	static struct kernel_features kf;
	static bool probed;
	struct utsname u;

	if (probed)
		return &kf;
	probed = true;
	if (!uname(&u)) {
		snprintf(kf.release, sizeof(kf.release), "%s", u.release);
		if (sscanf(u.release, "%u.%u", &kf.major, &kf.minor) != 2)
			kf.major = kf.minor = 0;
	}
	kf.btf = probe_btf();
	kf.tai_helper =
		libbpf_probe_bpf_helper(BPF_PROG_TYPE_XDP, BPF_FUNC_ktime_get_tai_ns, NULL) > 0;
	kf.atomic_fetch = probe_atomic_fetch();
	kf.verified_insns = probe_verified_insns();
	return &kf;
}

int kernel_check_supported(const struct kernel_features *kf)
{
	if (kf->major && (kf->major < KERNEL_MIN_MAJOR ||
			  (kf->major == KERNEL_MIN_MAJOR && kf->minor < KERNEL_MIN_MINOR)))
		return cli_error("kernel %s is too old: stampede needs Linux %d.%d or later",
				 kf->release, KERNEL_MIN_MAJOR, KERNEL_MIN_MINOR);
	if (!kf->btf)
		return cli_error("kernel %s does not load BTF (CONFIG_BPF_SYSCALL with BTF support"
				 " is needed for the session table's lock)",
				 kf->release);
	return 0;
}

int kernel_check_supported_quiet(const struct kernel_features *kf)
{
	if (kf->major && (kf->major < KERNEL_MIN_MAJOR ||
			  (kf->major == KERNEL_MIN_MAJOR && kf->minor < KERNEL_MIN_MINOR)))
		return -1;
	return kf->btf ? 0 : -1;
}

struct bpf_program *reflector_prepare(struct stampede_bpf *skel, const struct kernel_features *kf,
				      struct stampede_config *cfg)
{
	bpf_program__set_autoload(skel->progs.stampede_xdp, kf->atomic_fetch);
	bpf_program__set_autoload(skel->progs.stampede_locked, !kf->atomic_fetch);
	if (!kf->tai_helper)
		cfg->flags |= STAMPEDE_F_CLOCK_BOOT;
	return reflector_program(skel);
}

struct bpf_program *reflector_program(struct stampede_bpf *skel)
{
	return bpf_program__autoload(skel->progs.stampede_xdp) ? skel->progs.stampede_xdp
							       : skel->progs.stampede_locked;
}

void verifier_stats_keep(struct bpf_program *prog, char *log, unsigned int size)
{
	/* BPF_LOG_STATS: the closing statistics only, not the whole walk. */
	bpf_program__set_log_level(prog, 4);
	bpf_program__set_log_buf(prog, log, size);
	log[0] = '\0';
}

long verifier_processed_insns(const char *log)
{
	const char *p = strstr(log, "processed ");
	long n;

	if (!p || sscanf(p, "processed %ld insns", &n) != 1)
		return -1;
	return n;
}
