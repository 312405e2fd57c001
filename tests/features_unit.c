// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of the kernel checks that need no such kernel: a kernel
 * below 5.10 or without BTF is refused with one line naming it, and the
 * verifier's statistics line is read.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "kernel_features.h"
#include "harness.h"

static void result(bool ok, const char *name, const char *why)
{
	th_result(name, ok, "%s", why);
}

static struct kernel_features kernel(const char *release, unsigned int major, unsigned int minor,
				     bool btf)
{
	struct kernel_features kf = {.major = major, .minor = minor, .btf = btf};

	snprintf(kf.release, sizeof(kf.release), "%s", release);
	return kf;
}

int main(void)
{
	struct kernel_features kf;

	kf = kernel("5.4.0-150-generic", 5, 4, true);
	result(kernel_check_supported(&kf) < 0, "features/refuses-5.4", "5.4 was accepted");
	kf = kernel("4.19.0-27-amd64", 4, 19, true);
	result(kernel_check_supported(&kf) < 0, "features/refuses-4.19", "4.19 was accepted");
	kf = kernel("5.10.0-46-cloud-amd64", 5, 10, true);
	result(kernel_check_supported(&kf) == 0, "features/accepts-5.10", "5.10 was refused");
	kf = kernel("6.1.0-57-cloud-amd64", 6, 1, true);
	result(kernel_check_supported(&kf) == 0, "features/accepts-6.1", "6.1 was refused");
	kf = kernel("6.1.0-57-cloud-amd64", 6, 1, false);
	result(kernel_check_supported(&kf) < 0, "features/refuses-no-btf",
	       "a kernel without BTF was accepted");
	result(verifier_processed_insns("func#0 @0\nprocessed 161357 insns (limit 1000000) "
					"max_states_per_insn 14 total_states 4812\n") == 161357,
	       "features/verifier-insns", "the processed count was not read");
	result(verifier_processed_insns("") == -1, "features/verifier-insns-none",
	       "an empty log gave a count");
	return th_exit();
}
