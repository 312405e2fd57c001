// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * stampede-fuzz: runs generated frames through the XDP reflector with
 * BPF_PROG_TEST_RUN and judges every outcome independently (oracle.c).
 *
 *   stampede-fuzz [--seed N] [--frames N] [--batch N] [--round N]
 *                 [--first-batch N] [--examples N] [--quiet]
 *
 * A batch is one configuration loaded (config_draw: ports, modes, TLV
 * options); each round of a batch draws new map contents (the interface's
 * addresses, broadcasts, node addresses, clock) and ends with a check of
 * the counters against the outcomes.  Batch b's frames come from the seed
 * and b alone: `--seed S --first-batch B --frames F` replays one.  Prints
 * frames per second and each kind of violation with its count, its first
 * examples as hex, and the seed; exits 1 when a violation was found, 2
 * when it could not run.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/utsname.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "stampede_kern_user.h"
#include "stampede.skel.h"
#include "kernel_features.h"
#include "source_policy.h"
#include "fuzz.h"

#define NCNT	      STAMPEDE_CNT_MAX
#define TAI_OFFSET_NS 37000000000ULL /* TAI - UTC since 2017 */
#define SESSION_SEED  0x5eed5eed12345678ULL

static const char *const cnt_name[NCNT] = {
#define X(name, class, desc) #name,
	STAMPEDE_COUNTERS(X)
#undef X
};

static const int cnt_class[NCNT] = {
#define X(name, class, desc) STAMPEDE_CLASS_##class,
	STAMPEDE_COUNTERS(X)
#undef X
};

static const char *const v_name[FZ_V_MAX] = {
#define X(name, desc) #name,
	FZ_VIOLATIONS(X)
#undef X
};

static const char *const v_desc[FZ_V_MAX] = {
#define X(name, desc) desc,
	FZ_VIOLATIONS(X)
#undef X
};

struct opts {
	uint64_t seed;
	uint64_t frames;
	uint64_t batch; /* frames per configuration loaded */
	uint64_t round; /* frames per map contents */
	uint64_t first_batch;
	int examples; /* printed per kind */
	int quiet;
};

struct env {
	struct stampede_bpf *skel;
	int prog_fd, stats_fd, set_fd, addrs_fd, clock_fd, allow_fd, ncpu;
	uint32_t flags; /* as loaded, with this kernel's fallbacks */
	int64_t boot_to_tai_ns;
	union stampede_addr written[FZ_MAX_ADDRS]; /* local_addrs keys of this round */
	int n_written;
};

static uint64_t violations[FZ_V_MAX];
/* Every counter's total over the campaign: which rules the frames reached. */
static uint64_t cnt_total[NCNT];

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* The program's clock: CLOCK_TAI, or the boot clock plus the offset published. */
static uint64_t prog_now(const struct env *e)
{
	if (e->flags & STAMPEDE_F_CLOCK_BOOT)
		return clock_ns(CLOCK_BOOTTIME) + (uint64_t)e->boot_to_tai_ns;
	return clock_ns(CLOCK_TAI);
}

static void to_key(union stampede_addr *k, const struct fz_addr *a)
{
	memset(k, 0, sizeof(*k));
	if (a->ipv == 4) {
		k->b[10] = k->b[11] = 0xff;
		memcpy(k->b + 12, a->a, 4);
	} else {
		memcpy(k->b, a->a, 16);
	}
}

/* CLOCK_TAI - CLOCK_BOOTTIME, as the controller measures it. */
static int64_t boot_to_tai(void)
{
	uint64_t t1 = clock_ns(CLOCK_TAI), b = clock_ns(CLOCK_BOOTTIME), t2 = clock_ns(CLOCK_TAI);

	return (int64_t)(t1 / 2 + t2 / 2) - (int64_t)b;
}

/*
 * The allow-list, with the controller's key layout (user/source_policy.c,
 * docs/datapath.md step 14b): the family first, then the address with
 * IPv4 as ::ffff:a.b.c.d, so an IPv4 /n is 32 + 96 + n bits long and an
 * IPv6 /n 32 + n.  Written here by hand, so that an IPv6 prefix inside
 * ::ffff:0:0/96 stays IPv6 (the controller has no way to say that).
 */
static int allow_write(const struct env *e, const struct fz_cfg *c)
{
	struct stampede_allow_key k;
	__u8 one = 1;
	int i;

	for (i = 0; i < c->n_allow; i++) {
		const struct fz_addr *a = &c->allow[i].addr;

		memset(&k, 0, sizeof(k));
		to_key(&k.addr, a);
		k.family = a->ipv == 4 ? STAMPEDE_ALLOW_FAMILY_V4 : STAMPEDE_ALLOW_FAMILY_V6;
		k.prefixlen = (__u32)(32 + (a->ipv == 4 ? 96 : 0) + c->allow[i].len);
		if (bpf_map_update_elem(e->allow_fd, &k, &one, BPF_ANY))
			return -errno;
	}
	return 0;
}

static void env_unload(struct env *e)
{
	stampede_bpf__destroy(e->skel);
	memset(e, 0, sizeof(*e));
}

static int env_load(struct env *e, const struct fz_cfg *c)
{
	struct stampede_config *rc;
	int i, ret;

	memset(e, 0, sizeof(*e));
	e->skel = stampede_bpf__open();
	if (!e->skel) {
		fprintf(stderr, "stampede-fuzz: stampede_bpf__open: %s\n", strerror(errno));
		return -1;
	}
	rc = (struct stampede_config *)&e->skel->rodata->cfg;
	memset(rc, 0, sizeof(*rc));
	for (i = 0; i < c->n_ports; i++)
		rc->ports[i] = htons(c->ports[i]);
	rc->n_ports = (__u8)c->n_ports;
	for (i = 0; i < c->n_auth_ports; i++)
		rc->auth_ports[i] = htons(c->auth_ports[i]);
	rc->n_auth_ports = (__u8)c->n_auth_ports;
	rc->reply_ttl = c->reply_ttl;
	rc->flags = c->flags;
	rc->micro_session_id = htons(c->micro_session_id);
	rc->mtu = c->mtu;
	rc->reply_max = c->reply_max;
	rc->amplify = c->amplify;
	for (i = 0; i < c->n_return_prefixes; i++) {
		const struct fz_addr *p = &c->return_prefixes[i].addr;

		to_key(&rc->return_prefixes[i].addr, p);
		rc->return_prefixes[i].len =
			(__u8)(c->return_prefixes[i].len + (p->ipv == 4 ? 96 : 0));
	}
	rc->n_return_prefixes = (__u8)c->n_return_prefixes;
	if (c->one_set && bpf_map__set_max_entries(e->skel->maps.sessions, 1)) {
		fprintf(stderr, "stampede-fuzz: sizing the sessions map: %s\n", strerror(errno));
		env_unload(e);
		return -1;
	}
	rc->session_set_mask = bpf_map__max_entries(e->skel->maps.sessions) - 1;
	rc->session_seed = SESSION_SEED;
	/* The rate limits as the controller words them, and its one-entry rate_src when off. */
	policy_rate_config(&rc->rate_src, c->rate_pps, c->rate_burst);
	policy_rate_config(&rc->rate_all, c->rate_all_pps, c->rate_all_burst);
	if (!c->rate_pps && bpf_map__set_max_entries(e->skel->maps.rate_src, 1)) {
		fprintf(stderr, "stampede-fuzz: sizing the rate_src map: %s\n", strerror(errno));
		env_unload(e);
		return -1;
	}
	/* The program and fallbacks this kernel takes, as the controller chooses them. */
	reflector_prepare(e->skel, kernel_features(), rc);
	e->flags = rc->flags;
	ret = stampede_bpf__load(e->skel);
	if (ret) {
		fprintf(stderr, "stampede-fuzz: loading the reflector: %s%s\n", strerror(-ret),
			geteuid() ? " (not root)" : "");
		env_unload(e);
		return -1;
	}
	e->prog_fd = bpf_program__fd(reflector_program(e->skel));
	e->stats_fd = bpf_map__fd(e->skel->maps.stats);
	e->set_fd = bpf_map__fd(e->skel->maps.local_set);
	e->addrs_fd = bpf_map__fd(e->skel->maps.local_addrs);
	e->clock_fd = bpf_map__fd(e->skel->maps.clock);
	e->allow_fd = bpf_map__fd(e->skel->maps.allow_src);
	e->ncpu = libbpf_num_possible_cpus();
	/*
	 * Measured once per load: a new offset each round would step the
	 * program's clock back and forth by the measurement's error, which
	 * the rate limits read as the clock going back (a full bucket).
	 */
	e->boot_to_tai_ns = boot_to_tai();
	if (allow_write(e, c)) {
		fprintf(stderr, "stampede-fuzz: writing allow_src: %s\n", strerror(errno));
		env_unload(e);
		return -1;
	}
	return e->ncpu > 0 ? 0 : -1;
}

/* The maps as the controller writes them: the set holds the first 8 of each kind. */
static int maps_write(struct env *e, const struct fz_cfg *c)
{
	struct stampede_local_set set;
	struct stampede_clock clk;
	__u32 zero = 0;
	int i;

	for (i = 0; i < e->n_written; i++)
		bpf_map_delete_elem(e->addrs_fd, &e->written[i]);
	e->n_written = 0;
	memset(&set, 0, sizeof(set));
	for (i = 0; i < c->n_addrs; i++) {
		const struct fz_tagged *t = &c->addrs[i];
		__u8 tag = (__u8)t->tag;

		to_key(&e->written[e->n_written], &t->addr);
		if (bpf_map_update_elem(e->addrs_fd, &e->written[e->n_written], &tag, BPF_ANY))
			return -errno;
		e->n_written++;
		if (t->tag == FZ_TAG_LOCAL && t->addr.ipv == 4) {
			if (set.n_v4 < STAMPEDE_LOCAL_SET_ADDRS)
				memcpy(&set.v4[set.n_v4++], t->addr.a, 4);
			else
				set.more_v4 = 1;
		} else if (t->tag == FZ_TAG_LOCAL) {
			if (set.n_v6 < STAMPEDE_LOCAL_SET_ADDRS)
				memcpy(set.v6[set.n_v6++].b, t->addr.a, 16);
			else
				set.more_v6 = 1;
		} else if (t->tag == FZ_TAG_BROADCAST) {
			if (set.n_bcast_v4 < STAMPEDE_LOCAL_SET_ADDRS)
				memcpy(&set.bcast_v4[set.n_bcast_v4++], t->addr.a, 4);
			else
				set.more_bcast_v4 = 1;
		}
	}
	if (bpf_map_update_elem(e->set_fd, &zero, &set, BPF_ANY))
		return -errno;
	memset(&clk, 0, sizeof(clk));
	clk.tai_offset_ns = TAI_OFFSET_NS;
	clk.error_estimate = c->error_estimate;
	clk.ptp_error_estimate = c->ptp_error_estimate;
	clk.tai_source = STAMPEDE_TAI_KERNEL;
	clk.boot_to_tai_ns = e->boot_to_tai_ns;
	clk.updated_tai_ns = clock_ns(CLOCK_TAI);
	if (bpf_map_update_elem(e->clock_fd, &zero, &clk, BPF_ANY))
		return -errno;
	return 0;
}

static int stats_read(const struct env *e, uint64_t sum[NCNT])
{
	static struct stampede_stats v[1024];
	__u32 key = 0;
	int cpu, i;

	memset(sum, 0, NCNT * sizeof(sum[0]));
	if (e->ncpu > 1024 || bpf_map_lookup_elem(e->stats_fd, &key, v))
		return -1;
	for (cpu = 0; cpu < e->ncpu; cpu++)
		for (i = 0; i < NCNT; i++)
			sum[i] += ((const __u64 *)&v[cpu])[i];
	return 0;
}

static void hexdump(const char *label, const uint8_t *p, size_t n)
{
	size_t i;

	printf("    %s (%zu octets):", label, n);
	for (i = 0; i < n; i++)
		printf("%s%02x", i % 32 ? "" : "\n      ", p[i]);
	putchar('\n');
}

struct where {
	uint64_t seed, batch, round, frame;
	const struct fz_cfg *cfg;
};

static void report(const struct opts *o, int kind, const struct where *w, const char *why,
		   const struct fz_frame *f, const struct fz_run *r)
{
	char desc[1024];

	if (violations[kind]++ >= (uint64_t)o->examples)
		return;
	config_describe(w->cfg, desc, sizeof(desc));
	printf("VIOLATION %s: %s\n", v_name[kind], why);
	printf("    replay: --seed %llu --first-batch %llu --batch %llu --round %llu --frames %llu "
	       "(round %llu of the batch)\n",
	       (unsigned long long)w->seed, (unsigned long long)w->batch,
	       (unsigned long long)o->batch, (unsigned long long)o->round,
	       (unsigned long long)w->frame + 1, (unsigned long long)w->round);
	printf("    config: %s\n", desc);
	if (f) {
		printf("    frame: %s\n", f->what);
		hexdump("in", f->b, f->len);
		if (r && r->retval == 3 && !r->err)
			hexdump("out", r->out, r->out_len);
	}
	fflush(stdout);
}

/* Outcomes of a round, to compare with the counters. */
struct tally {
	uint64_t counted, tx, pass, drop, bad_ee, answerable_passed, twamp, rerouted;
	uint64_t rate_dropped; /* answerable, nothing but a rate limit could drop it */
	uint64_t reason[NCNT];
};

static void check_counters(const struct opts *o, const struct where *w, const uint64_t *before,
			   const uint64_t *after, const struct tally *t)
{
	uint64_t d[NCNT], cls[4] = {0};
	char why[512];
	size_t n = 0;
	int i;

#define BAD(...)                                                                      \
	do {                                                                          \
		if (n < sizeof(why))                                                  \
			n += (size_t)snprintf(why + n, sizeof(why) - n, __VA_ARGS__); \
	} while (0)
	for (i = 0; i < NCNT; i++) {
		d[i] = after[i] - before[i];
		cls[cnt_class[i]] += d[i];
		cnt_total[i] += d[i];
	}
	if (d[STAMPEDE_CNT_reflected] != t->tx)
		BAD("reflected %llu, %llu answered; ",
		    (unsigned long long)d[STAMPEDE_CNT_reflected], (unsigned long long)t->tx);
	if (cls[STAMPEDE_CLASS_PASS] != t->pass)
		BAD("passed %llu, %llu counted frames passed; ",
		    (unsigned long long)cls[STAMPEDE_CLASS_PASS], (unsigned long long)t->pass);
	if (cls[STAMPEDE_CLASS_DROP] != t->drop)
		BAD("dropped %llu, %llu frames dropped; ",
		    (unsigned long long)cls[STAMPEDE_CLASS_DROP], (unsigned long long)t->drop);
	if (cls[STAMPEDE_CLASS_OUTCOME] + cls[STAMPEDE_CLASS_PASS] + cls[STAMPEDE_CLASS_DROP] !=
	    t->counted)
		BAD("received (reflected + passed + dropped) %llu, %llu frames to count; ",
		    (unsigned long long)(cls[STAMPEDE_CLASS_OUTCOME] + cls[STAMPEDE_CLASS_PASS] +
					 cls[STAMPEDE_CLASS_DROP]),
		    (unsigned long long)t->counted);
	for (i = 0; i < NCNT; i++) {
		if (cnt_class[i] != STAMPEDE_CLASS_PASS || i == STAMPEDE_CNT_no_tailroom ||
		    i == STAMPEDE_CNT_no_session)
			continue;
		if (d[i] != t->reason[i])
			BAD("%s %llu, the rules give %llu; ", cnt_name[i], (unsigned long long)d[i],
			    (unsigned long long)t->reason[i]);
	}
	if (d[STAMPEDE_CNT_no_tailroom] + d[STAMPEDE_CNT_no_session] != t->answerable_passed)
		BAD("no_tailroom + no_session %llu, %llu requests passed; ",
		    (unsigned long long)(d[STAMPEDE_CNT_no_tailroom] + d[STAMPEDE_CNT_no_session]),
		    (unsigned long long)t->answerable_passed);
	if (d[STAMPEDE_CNT_bad_error_estimate] != t->bad_ee)
		BAD("bad_error_estimate %llu, the rules give %llu; ",
		    (unsigned long long)d[STAMPEDE_CNT_bad_error_estimate],
		    (unsigned long long)t->bad_ee);
	if (d[STAMPEDE_CNT_internal])
		BAD("internal %llu; ", (unsigned long long)d[STAMPEDE_CNT_internal]);
	if (d[STAMPEDE_CNT_rate_limited] && !w->cfg->rate_pps)
		BAD("rate_limited %llu without rate-limit; ",
		    (unsigned long long)d[STAMPEDE_CNT_rate_limited]);
	if (d[STAMPEDE_CNT_rate_limited_all] && !w->cfg->rate_all_pps)
		BAD("rate_limited_all %llu without rate-limit-all; ",
		    (unsigned long long)d[STAMPEDE_CNT_rate_limited_all]);
	/* The others may have been no_reply or micro_session drops. */
	if (d[STAMPEDE_CNT_rate_limited] + d[STAMPEDE_CNT_rate_limited_all] < t->rate_dropped)
		BAD("rate_limited + rate_limited_all %llu, %llu requests only a rate limit could "
		    "drop were dropped; ",
		    (unsigned long long)(d[STAMPEDE_CNT_rate_limited] +
					 d[STAMPEDE_CNT_rate_limited_all]),
		    (unsigned long long)t->rate_dropped);
	if (d[STAMPEDE_CNT_twamp_light] != t->twamp)
		BAD("twamp_light %llu, %llu short requests answered; ",
		    (unsigned long long)d[STAMPEDE_CNT_twamp_light], (unsigned long long)t->twamp);
	if (d[STAMPEDE_CNT_reply_rerouted] != t->rerouted)
		BAD("reply_rerouted %llu, %llu replies from or to another address; ",
		    (unsigned long long)d[STAMPEDE_CNT_reply_rerouted],
		    (unsigned long long)t->rerouted);
#undef BAD
	if (n)
		report(o, FZ_V_counters, w, why, NULL, NULL);
}

/* The sources of a batch's replies, IPv4 as ::ffff:a.b.c.d. */
struct answered {
	uint8_t (*src)[16];
	size_t n, cap;
};

static int answered_add(struct answered *a, const uint8_t *src)
{
	if (a->n == a->cap) {
		size_t cap = a->cap ? 2 * a->cap : 4096;
		void *p = realloc(a->src, cap * sizeof(*a->src));

		if (!p)
			return -1;
		a->src = p;
		a->cap = cap;
	}
	memcpy(a->src[a->n++], src, 16);
	return 0;
}

static int src_cmp(const void *x, const void *y)
{
	return memcmp(x, y, 16);
}

/*
 * After a batch (one load: its buckets start full): no source got more
 * replies than its bucket lets through in the time the batch took, nor the
 * interface more than its own.  The time is read on the program's clock
 * before the batch's first frame and after its last.
 */
static void check_rates(const struct opts *o, const struct where *w, const struct env *e,
			struct answered *a, uint64_t elapsed_ns)
{
	const struct fz_cfg *c = w->cfg;
	uint64_t bound, worst = 0;
	size_t i, j, at = 0;
	char why[512], text[INET6_ADDRSTRLEN];

	if (c->rate_all_pps) {
		bound = oracle_rate_bound(c->rate_all_pps, c->rate_all_burst, elapsed_ns, e->ncpu);
		if (a->n > bound) {
			snprintf(why, sizeof(why),
				 "%zu replies in %llu ns, rate-limit-all %u,%u lets through %llu",
				 a->n, (unsigned long long)elapsed_ns, c->rate_all_pps,
				 c->rate_all_burst, (unsigned long long)bound);
			report(o, FZ_V_rate_exceeded, w, why, NULL, NULL);
		}
	}
	if (!c->rate_pps || !a->n)
		return;
	qsort(a->src, a->n, sizeof(*a->src), src_cmp);
	for (i = 0; i < a->n; i = j) {
		for (j = i + 1; j < a->n && !memcmp(a->src[i], a->src[j], 16); j++)
			;
		if (j - i > worst) {
			worst = j - i;
			at = i;
		}
	}
	bound = oracle_rate_bound(c->rate_pps, c->rate_burst, elapsed_ns, e->ncpu);
	if (worst > bound) {
		inet_ntop(AF_INET6, a->src[at], text, sizeof(text));
		snprintf(why, sizeof(why),
			 "%llu replies to %s in %llu ns, rate-limit %u,%u lets through %llu",
			 (unsigned long long)worst, text, (unsigned long long)elapsed_ns,
			 c->rate_pps, c->rate_burst, (unsigned long long)bound);
		report(o, FZ_V_rate_exceeded, w, why, NULL, NULL);
	}
}

/* splitmix64: a batch's own stream from the seed and its number. */
static uint64_t batch_rng(uint64_t seed, uint64_t b)
{
	uint64_t z = seed + (b + 1) * 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return z ? z : 1;
}

static void usage(void)
{
	fprintf(stderr, "usage: stampede-fuzz [--seed N] [--frames N] [--batch N] [--round N]\n"
			"                     [--first-batch N] [--examples N] [--quiet]\n");
	exit(2);
}

static uint64_t num(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end) {
		fprintf(stderr, "stampede-fuzz: not a number: %s\n", s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{"seed", required_argument, NULL, 's'},
		{"frames", required_argument, NULL, 'n'},
		{"batch", required_argument, NULL, 'b'},
		{"round", required_argument, NULL, 'r'},
		{"first-batch", required_argument, NULL, 'f'},
		{"examples", required_argument, NULL, 'e'},
		{"quiet", no_argument, NULL, 'q'},
		{NULL, 0, NULL, 0},
	};
	struct opts o = {.seed = 1, .frames = 100000, .batch = 32768, .round = 2048, .examples = 3};
	static struct fz_frame f;
	static uint8_t out[FZ_OUT_MAX];
	uint64_t done = 0, b, total_v = 0, configs = 0, start, last_note, tx = 0, pass = 0,
		 drop = 0;
	static struct answered ans;
	struct utsname un;
	double secs;
	int opt, i;

	while ((opt = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (opt) {
		case 's':
			o.seed = num(optarg);
			break;
		case 'n':
			o.frames = num(optarg);
			break;
		case 'b':
			o.batch = num(optarg);
			break;
		case 'r':
			o.round = num(optarg);
			break;
		case 'f':
			o.first_batch = num(optarg);
			break;
		case 'e':
			o.examples = (int)num(optarg);
			break;
		case 'q':
			o.quiet = 1;
			break;
		default:
			usage();
		}
	}
	if (optind != argc || !o.batch || !o.round)
		usage();
	libbpf_set_print(NULL);
	if (kernel_check_supported(kernel_features()))
		return 2;
	uname(&un);
	printf("stampede-fuzz: seed %llu, %llu frames, batches of %llu (rounds of %llu), kernel "
	       "%s\n",
	       (unsigned long long)o.seed, (unsigned long long)o.frames,
	       (unsigned long long)o.batch, (unsigned long long)o.round, un.release);
	fflush(stdout);
	start = last_note = clock_ns(CLOCK_MONOTONIC);
	for (b = o.first_batch; done < o.frames; b++) {
		uint64_t rng = batch_rng(o.seed, b), in_batch = 0, rnd = 0, batch_t0;
		struct where bw = {o.seed, b, 0, 0, NULL};
		struct fz_cfg cfg;
		struct env e;

		config_draw(&cfg, &rng);
		if (env_load(&e, &cfg))
			return 2;
		configs++;
		ans.n = 0;
		batch_t0 = prog_now(&e);
		while (in_batch < o.batch && done < o.frames) {
			struct where w = {o.seed, b, rnd, 0, &cfg};
			uint64_t before[NCNT], after[NCNT], k;
			struct fz_clock clk;
			struct tally t;

			config_draw_maps(&cfg, &rng);
			if (maps_write(&e, &cfg) || stats_read(&e, before)) {
				fprintf(stderr, "stampede-fuzz: writing or reading the maps: %s\n",
					strerror(errno));
				return 2;
			}
			memset(&t, 0, sizeof(t));
			clk.tai_offset_ns = TAI_OFFSET_NS;
			clk.ptp_adjust_ns = 0;
			clk.flags = e.flags;
			clk.t0 = prog_now(&e);
			for (k = 0; k < o.round && in_batch < o.batch && done < o.frames; k++) {
				LIBBPF_OPTS(bpf_test_run_opts, ro);
				struct fz_expect x = {0};
				struct fz_run r = {0};
				char why[512];
				int v;

				frame_make(&f, &cfg, &rng);
				oracle_expect(&cfg, f.b, f.len, &x);
				ro.data_in = f.b;
				ro.data_size_in = (__u32)f.len;
				ro.data_out = out;
				ro.data_size_out = sizeof(out);
				ro.repeat = 1;
				r.err = bpf_prog_test_run_opts(e.prog_fd, &ro);
				clk.t1 = prog_now(&e);
				r.retval = ro.retval;
				r.in = f.b;
				r.in_len = f.len;
				r.out = out;
				r.out_len = ro.data_size_out;
				w.frame = in_batch;
				v = oracle_judge(&cfg, &x, &r, &clk, why, sizeof(why));
				if (v != FZ_V_MAX)
					report(&o, v, &w, why, &f, &r);
				if (x.counted && !r.err) {
					t.counted++;
					if (r.retval == 3) {
						t.tx++;
						if (answered_add(&ans, x.src)) {
							fprintf(stderr,
								"stampede-fuzz: out of memory\n");
							return 2;
						}
						t.twamp += x.twamp_light;
						t.rerouted += x.rerouted;
					} else if (r.retval == 1) {
						t.drop++;
						if (x.rate_drop && !x.may_drop && !x.bad_ee)
							t.rate_dropped++;
					} else if (r.retval == 2) {
						t.pass++;
						if (x.answerable)
							t.answerable_passed++;
					}
					if (x.pass_reason >= 0)
						t.reason[x.pass_reason]++;
					t.bad_ee += x.bad_ee;
				}
				tx += r.retval == 3;
				pass += r.retval == 2;
				drop += r.retval == 1;
				in_batch++;
				done++;
			}
			if (stats_read(&e, after)) {
				fprintf(stderr, "stampede-fuzz: reading the counters: %s\n",
					strerror(errno));
				return 2;
			}
			check_counters(&o, &w, before, after, &t);
			bw.round = rnd;
			rnd++;
		}
		bw.cfg = &cfg;
		bw.frame = in_batch - 1;
		check_rates(&o, &bw, &e, &ans, prog_now(&e) - batch_t0);
		env_unload(&e);
		if (!o.quiet && clock_ns(CLOCK_MONOTONIC) - last_note > 10000000000ULL) {
			last_note = clock_ns(CLOCK_MONOTONIC);
			printf("# %llu frames, %.0f frames/s\n", (unsigned long long)done,
			       (double)done * 1e9 / (double)(last_note - start));
			fflush(stdout);
		}
	}
	secs = (double)(clock_ns(CLOCK_MONOTONIC) - start) / 1e9;
	for (i = 0; i < FZ_V_MAX; i++)
		total_v += violations[i];
	printf("frames %llu in %.1f s: %.0f frames/s; %llu configurations; %llu answered, %llu "
	       "passed, %llu dropped\n",
	       (unsigned long long)done, secs, secs > 0 ? (double)done / secs : 0.0,
	       (unsigned long long)configs, (unsigned long long)tx, (unsigned long long)pass,
	       (unsigned long long)drop);
	printf("counters:");
	for (i = 0; i < NCNT; i++)
		if (cnt_total[i])
			printf(" %s %llu", cnt_name[i], (unsigned long long)cnt_total[i]);
	printf("\n");
	printf("violations %llu (seed %llu)\n", (unsigned long long)total_v,
	       (unsigned long long)o.seed);
	for (i = 0; i < FZ_V_MAX; i++)
		if (violations[i])
			printf("  %-26s %llu  %s\n", v_name[i], (unsigned long long)violations[i],
			       v_desc[i]);
	return total_v ? 1 : 0;
}
