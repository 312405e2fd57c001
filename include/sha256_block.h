/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The SHA-256 compression function (FIPS 180-4 6.2.2), shared by the XDP
 * program (bpf/sha256.h, authenticated mode) and the controller and probe
 * (user/sha256.c): one block of 16 message words into an 8-word state.
 *
 * Written for the verifier of Linux 5.10: plain bounded loops (no unroll
 * pragma, no bpf_loop), which it walks iteration by iteration, about 2,500
 * instructions a block; the constants are read-only data indexed by the
 * loop counter.  The caller keeps the state and the 64-word schedule in
 * memory it owns (a per-CPU map value in BPF: 288 octets are too many for
 * the 512-octet stack the program shares with its callers).
 */
#ifndef STAMPEDE_SHA256_BLOCK_H
#define STAMPEDE_SHA256_BLOCK_H

#include <linux/types.h>

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

#define SHA256_BLOCK_LEN  64
#define SHA256_DIGEST_LEN 32

/* The first 32 bits of the fractional parts of the cube roots of the first 64 primes. */
static const __u32 sha256_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
	0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
	0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
	0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
	0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
	0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
	0xc67178f2,
};

/* The initial hash value H(0). */
#define SHA256_H0                                                                       \
	{                                                                               \
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, \
			0x1f83d9ab, 0x5be0cd19                                          \
	}

static __always_inline __u32 sha256_ror(__u32 x, unsigned int n)
{
	return (x >> n) | (x << (32 - n));
}

/* w[0..15] hold the block's words (host order); fills w[16..63]. */
static __always_inline void sha256_schedule(__u32 *w)
{
	__u32 i, s0, s1;

	for (i = 16; i < 64; i++) {
		s0 = sha256_ror(w[i - 15], 7) ^ sha256_ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
		s1 = sha256_ror(w[i - 2], 17) ^ sha256_ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
}

/*
 * The 64 rounds over the schedule w, added into the state h.  The working
 * variables a..h live in v (8 words of the caller's) and are never moved:
 * at round i, a is v[-i & 7], b v[(1 - i) & 7], ... h v[(7 - i) & 7], so a
 * round writes two words (the new a over h, d + T1 as the new e).  In
 * registers they would be spilled to the stack anyway (BPF has ten), and
 * the XDP program's deepest call chain, which ends here, has no stack to
 * spare.
 */
static __always_inline void sha256_rounds(__u32 *h, const __u32 *w, __u32 *v)
{
	__u32 i, a, b, c, e, f, g, t1, t2;

	for (i = 0; i < 8; i++)
		v[i] = h[i];
	for (i = 0; i < 64; i++) {
		/*
		 * Opaque to the compiler: otherwise it unrolls by eight with
		 * each word's address precomputed, and spills them.
		 */
		asm volatile("" : "+r"(i));
		a = v[-i & 7];
		b = v[(1 - i) & 7];
		c = v[(2 - i) & 7];
		e = v[(4 - i) & 7];
		f = v[(5 - i) & 7];
		g = v[(6 - i) & 7];
		t1 = v[(7 - i) & 7] + (sha256_ror(e, 6) ^ sha256_ror(e, 11) ^ sha256_ror(e, 25)) +
		     ((e & f) ^ (~e & g)) + sha256_k[i] + w[i];
		t2 = (sha256_ror(a, 2) ^ sha256_ror(a, 13) ^ sha256_ror(a, 22)) +
		     ((a & b) ^ (a & c) ^ (b & c));
		v[(3 - i) & 7] += t1;
		v[(7 - i) & 7] = t1 + t2;
	}
	for (i = 0; i < 8; i++)
		h[i] += v[i];
}

#endif /* STAMPEDE_SHA256_BLOCK_H */
