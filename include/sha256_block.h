/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The SHA-256 compression function (FIPS 180-4 6.2.2), shared by the XDP
 * program (bpf/sha256.h, authenticated mode) and the controller and probe
 * (user/sha256.c): one block of 16 message words into an 8-word state.
 *
 * Written for BPF without 32-bit ALU (the programs are built for the
 * verifier's v1 instruction set) and without a rotate instruction.  The
 * working variables a..h are 8 words of the caller's renamed from round
 * to round instead of moved (a round writes two), and the schedule is
 * computed as the rounds need it in a rolling window of 16 words over the
 * block (FIPS 180-4 6.2.3's variant), so the caller keeps the state, the
 * block and the variables (a per-CPU map value in BPF: the stack of the
 * call chain that ends here has no room for spills on 5.10).  Rounds 0-15
 * are unrolled with their constants as immediates; rounds 16-63 are a
 * loop of three 16-round passes (a pass's window indices are constants;
 * the round constants come from sha256_k), which runs faster than the 48
 * rounds unrolled and is half the code.
 *
 * Intermediate values are 64-bit words whose upper halves may be dirty:
 * additions and bitwise operations are correct in the lower 32 bits
 * whatever the upper ones hold, and a rotation starts from a word that has
 * the value in both halves (sha256_dup), so three rotations are three
 * shifts of it.  The working variables are 64-bit words too, stored with
 * their dirty upper halves: read whole, they need no zero extension (two
 * shifts each on v1) before an addition or a bitwise operation; a and e,
 * rotated, are read as their lower 32-bit halves instead (sha256_lo32).
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

/* x's lower 32 bits in both halves of a 64-bit word: (d >> n) is then x rotated right by n in its lower half. */
static __always_inline __u64 sha256_dup(__u32 x)
{
	return (__u64)x | ((__u64)x << 32);
}

/* Sigma1(e) = ROTR6 ^ ROTR11 ^ ROTR25, in the lower 32 bits (the shifts compose). */
static __always_inline __u64 sha256_big_sigma1(__u64 e)
{
	__u64 d = sha256_dup(e);

	return (d ^ (d >> 5) ^ (d >> 19)) >> 6;
}

/* Sigma0(a) = ROTR2 ^ ROTR13 ^ ROTR22. */
static __always_inline __u64 sha256_big_sigma0(__u64 a)
{
	__u64 d = sha256_dup(a);

	return (d ^ (d >> 11) ^ (d >> 20)) >> 2;
}

/* sigma0(x) = ROTR7 ^ ROTR18 ^ SHR3, for a clean 32-bit x. */
static __always_inline __u64 sha256_small_sigma0(__u64 x)
{
	__u64 d = x | (x << 32);

	return ((d ^ (d >> 11)) >> 7) ^ (x >> 3);
}

/* sigma1(x) = ROTR17 ^ ROTR19 ^ SHR10, for a clean 32-bit x. */
static __always_inline __u64 sha256_small_sigma1(__u64 x)
{
	__u64 d = x | (x << 32);

	return ((d ^ (d >> 2)) >> 17) ^ (x >> 10);
}

/*
 * W(t) for t in 16..63, at window index i (t mod 16): the schedule's word,
 * computed over the word 16 rounds old in the window, which it replaces.
 */
static __always_inline __u64 sha256_w_next(__u32 *w, const unsigned int i)
{
	__u64 x = w[i & 15] + sha256_small_sigma0(w[(i + 1) & 15]) + w[(i + 9) & 15] +
		  sha256_small_sigma1(w[(i + 14) & 15]);

	w[i & 15] = x;
	return x;
}

/* W(i) of a 16-round pass: the block's word (first pass) or the schedule's (@sched). */
#define SHA256_W(i, sched) ((sched) ? sha256_w_next(w, i) : (__u64)w[i])

/*
 * A fence between rounds: the working variables are in memory (v) at each
 * round's end, and no round's loads or shifts move into another.  Without
 * it, clang keeps the eight in registers, schedules the rounds' work far
 * ahead of its use and spills: 88 to 192 octets of stack for this frame,
 * at the end of a call chain that leaves it 160 on 6.18 and less in the
 * 5.10 build.  With it, each round loads the eight words and stores two
 * (the new a over h, d + T1 as the new e); the loop's counter and
 * constants' pointer take the 32 octets of stack a frame is rounded up to.
 */
#define sha256_round_barrier() asm volatile("" ::: "memory")

/* A 32-bit word that may alias any other type (the halves of the working variables). */
typedef __u32 __attribute__((may_alias)) sha256_half;

/* The lower 32 bits of the word at @p, read as a 32-bit word: clean, for sha256_dup. */
static __always_inline __u64 sha256_lo32(const __u64 *p)
{
	return ((const sha256_half *)p)[__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__];
}

/*
 * Round i of a pass, with the variables named in their roles: d and h are
 * the ones written.  @k points to the pass's 16 round constants.
 */
#define SHA256_ROUND(a, b, c, d, e, f, g, h, k, i, sched)                              \
	do {                                                                           \
		__u64 a_ = sha256_lo32(&(a)), e_ = sha256_lo32(&(e));                  \
		__u64 t1_ = (h + (k)[i] + SHA256_W(i, sched) + (g ^ (e_ & (f ^ g)))) + \
			    sha256_big_sigma1(e_);                                     \
		__u64 t2_ = sha256_big_sigma0(a_) + ((a_ & b) | (c & (a_ | b)));       \
		d += t1_;                                                              \
		h = t1_ + t2_;                                                         \
		sha256_round_barrier();                                                \
	} while (0)

/* Eight rounds from round i of a pass: the names come back to their roles. */
#define SHA256_ROUND8(k, i, sched)                                                               \
	do {                                                                                     \
		SHA256_ROUND(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], k, (i) + 0, sched); \
		SHA256_ROUND(v[7], v[0], v[1], v[2], v[3], v[4], v[5], v[6], k, (i) + 1, sched); \
		SHA256_ROUND(v[6], v[7], v[0], v[1], v[2], v[3], v[4], v[5], k, (i) + 2, sched); \
		SHA256_ROUND(v[5], v[6], v[7], v[0], v[1], v[2], v[3], v[4], k, (i) + 3, sched); \
		SHA256_ROUND(v[4], v[5], v[6], v[7], v[0], v[1], v[2], v[3], k, (i) + 4, sched); \
		SHA256_ROUND(v[3], v[4], v[5], v[6], v[7], v[0], v[1], v[2], k, (i) + 5, sched); \
		SHA256_ROUND(v[2], v[3], v[4], v[5], v[6], v[7], v[0], v[1], k, (i) + 6, sched); \
		SHA256_ROUND(v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[0], k, (i) + 7, sched); \
	} while (0)

/* A pass of 16 rounds with the constants from @k. */
#define SHA256_PASS(k, sched)               \
	do {                                \
		SHA256_ROUND8(k, 0, sched); \
		SHA256_ROUND8(k, 8, sched); \
	} while (0)

/*
 * Compress the block in w[0..15] (host-order words; they are overwritten
 * with the schedule's last 16) into the state, with v (8 words of the
 * caller's) for the working variables.
 */
static __always_inline void sha256_block(__u32 *state, __u32 *w, __u64 *v)
{
	__u32 i;

	for (i = 0; i < 8; i++)
		v[i] = state[i];
	SHA256_PASS(sha256_k, 0);
#ifdef __clang__
#pragma clang loop unroll(disable)
#endif
	for (i = 16; i < 64; i += 16)
		SHA256_PASS(sha256_k + i, 1);
	for (i = 0; i < 8; i++)
		state[i] += v[i];
}

#endif /* STAMPEDE_SHA256_BLOCK_H */
