// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The data path's SHA-256 and HMAC-SHA-256 (bpf/sha256.h, bpf/hmac.h),
 * run in the kernel through BPF_PROG_TEST_RUN in tests/sha256_test.bpf.c,
 * and the userspace ones the controller and probe use (user/sha256.c),
 * against known answers from Python's hashlib and hmac
 * (tests/vectors/auth_vectors.h): the FIPS 180-4 examples, lengths around
 * every padding boundary, RFC 4231's HMAC test cases.  The HMAC keys reach
 * the kernel as the controller gives them, as ipad and opad states
 * precomputed in userspace.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "harness.h"
#include "kernel_features.h"
#include "sha256.h"
#include "vectors/auth_vectors.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define OUT_OFF	      4
#define SHA_MSG	      36
#define HMAC_MSG      100
#define FRAME_MAX     2048

static int prog_fd = -1;

static void hex(char *out, const unsigned char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
}

/* Runs the test program over frame; the 32 octets it wrote into out. */
static int run(const unsigned char *frame, __u32 len, unsigned char *out, char *why, size_t wl)
{
	static unsigned char back[FRAME_MAX];
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = len,
		    .data_out = back, .data_size_out = sizeof(back), .repeat = 1);
	int ret = bpf_prog_test_run_opts(prog_fd, &opts);

	if (ret) {
		snprintf(why, wl, "BPF_PROG_TEST_RUN: %s", strerror(errno));
		return -1;
	}
	if (opts.retval != XDP_TX) {
		snprintf(why, wl, "the program returned %u, not XDP_TX", opts.retval);
		return -1;
	}
	memcpy(out, back + OUT_OFF, SHA256_DIGEST_LEN);
	return 0;
}

static void compare(const char *name, const unsigned char *got, const unsigned char *want, size_t n)
{
	char g[2 * SHA256_DIGEST_LEN + 1], w[2 * SHA256_DIGEST_LEN + 1];

	hex(g, got, n);
	hex(w, want, n);
	th_result(name, !memcmp(got, want, n), "got %s, Python's is %s", g, w);
}

static void store_be(unsigned char *p, const __u32 *words)
{
	int i;

	for (i = 0; i < 8; i++) {
		p[4 * i] = (unsigned char)(words[i] >> 24);
		p[4 * i + 1] = (unsigned char)(words[i] >> 16);
		p[4 * i + 2] = (unsigned char)(words[i] >> 8);
		p[4 * i + 3] = (unsigned char)words[i];
	}
}

static void kernel_sha256(int npat, char **pat, const struct sha256_vector *v)
{
	unsigned char frame[FRAME_MAX] = {0}, out[SHA256_DIGEST_LEN];
	char name[96], why[200];

	snprintf(name, sizeof(name), "sha256/bpf-%s", v->name);
	if (!th_selected(npat, pat, name, "sha256"))
		return;
	frame[0] = 0;
	memcpy(frame + SHA_MSG, v->msg, v->len);
	if (run(frame, SHA_MSG + v->len, out, why, sizeof(why)))
		th_result(name, false, "%s", why);
	else
		compare(name, out, v->digest, SHA256_DIGEST_LEN);
}

static void kernel_hmac(int npat, char **pat, const struct hmac_vector *v)
{
	unsigned char frame[FRAME_MAX] = {0}, out[SHA256_DIGEST_LEN];
	struct hmac_sha256_states st;
	char name[96], why[200];

	snprintf(name, sizeof(name), "hmac/bpf-%s", v->name);
	if (!th_selected(npat, pat, name, "hmac"))
		return;
	hmac_sha256_states(v->key, v->key_len, &st);
	frame[0] = 1;
	store_be(frame + 36, st.ipad);
	store_be(frame + 68, st.opad);
	memcpy(frame + HMAC_MSG, v->msg, v->len);
	if (run(frame, HMAC_MSG + v->len, out, why, sizeof(why)))
		th_result(name, false, "%s", why);
	else
		compare(name, out, v->mac, SHA256_DIGEST_LEN);
}

/* A frame shorter than its header is refused, not read past its end. */
static void kernel_short_frame(int npat, char **pat)
{
	unsigned char frame[HMAC_MSG - 1] = {1}, back[FRAME_MAX];
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = sizeof(frame),
		    .data_out = back, .data_size_out = sizeof(back), .repeat = 1);
	const char *name = "hmac/bpf-short-frame";

	if (!th_selected(npat, pat, name, "hmac"))
		return;
	if (bpf_prog_test_run_opts(prog_fd, &opts))
		th_result(name, false, "BPF_PROG_TEST_RUN: %s", strerror(errno));
	else
		th_result(name, opts.retval == XDP_ABORTED, "returned %u, not XDP_ABORTED",
			  opts.retval);
}

static int load(struct bpf_object **objp, char *why, size_t wl)
{
	char exe[PATH_MAX], path[PATH_MAX + 32], log[4096];
	struct bpf_program *prog;
	struct bpf_object *obj;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n < 0) {
		snprintf(why, wl, "/proc/self/exe: %s", strerror(errno));
		return -1;
	}
	exe[n] = 0;
	snprintf(path, sizeof(path), "%s/sha256_test.bpf.o", dirname(exe));
	obj = bpf_object__open_file(path, NULL);
	if (!obj) {
		snprintf(why, wl, "%s: %s", path, strerror(errno));
		return -1;
	}
	prog = bpf_object__find_program_by_name(obj, "sha256_test");
	if (!prog) {
		snprintf(why, wl, "%s has no program sha256_test", path);
		bpf_object__close(obj);
		return -1;
	}
	verifier_stats_keep(prog, log, sizeof(log));
	if (bpf_object__load(obj)) {
		snprintf(why, wl, "loading %s: %s", path, strerror(errno));
		bpf_object__close(obj);
		return -1;
	}
	note("verifier: sha256_test on %s processed %ld insns (limit %d)",
	     kernel_features()->release, verifier_processed_insns(log), VERIFIER_INSNS_LIMIT);
	prog_fd = bpf_program__fd(prog);
	*objp = obj;
	return 0;
}

int main(int argc, char **argv)
{
	int npat = argc - 1;
	char **pat = argv + 1, name[96], why[PATH_MAX + 300];
	unsigned char out[SHA256_DIGEST_LEN];
	struct hmac_sha256_states st;
	struct bpf_object *obj = NULL;
	size_t i;

	/* Userspace first: the controller's key states are only as good as this. */
	for (i = 0; i < ARRAY_SIZE(sha256_vectors); i++) {
		snprintf(name, sizeof(name), "sha256/user-%s", sha256_vectors[i].name);
		if (!th_selected(npat, pat, name, "sha256"))
			continue;
		sha256(sha256_vectors[i].msg, sha256_vectors[i].len, out);
		compare(name, out, sha256_vectors[i].digest, SHA256_DIGEST_LEN);
	}
	for (i = 0; i < ARRAY_SIZE(hmac_vectors); i++) {
		snprintf(name, sizeof(name), "hmac/user-%s", hmac_vectors[i].name);
		if (!th_selected(npat, pat, name, "hmac"))
			continue;
		hmac_sha256_states(hmac_vectors[i].key, hmac_vectors[i].key_len, &st);
		hmac_sha256(&st, hmac_vectors[i].msg, hmac_vectors[i].len, out);
		compare(name, out, hmac_vectors[i].mac, SHA256_DIGEST_LEN);
	}

	if (geteuid() != 0) {
		th_skip("sha256/bpf", "BPF_PROG_TEST_RUN needs root");
		return th_exit();
	}
	if (load(&obj, why, sizeof(why))) {
		th_result("sha256/bpf-load", false, "%s", why);
		return th_exit();
	}
	for (i = 0; i < ARRAY_SIZE(sha256_vectors); i++)
		kernel_sha256(npat, pat, &sha256_vectors[i]);
	for (i = 0; i < ARRAY_SIZE(hmac_vectors); i++)
		kernel_hmac(npat, pat, &hmac_vectors[i]);
	kernel_short_frame(npat, pat);
	bpf_object__close(obj);
	return th_exit();
}
