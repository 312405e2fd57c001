// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Stateful sessions: per-session sequence numbers, the record window, eviction. */
#include "xdp_test.h"

static void session_key(struct stampede_session_key *k, int ipv, uint16_t sport, uint16_t ssid)
{
	uint8_t a[16];

	memset(k, 0, sizeof(*k));
	if (ipv == 4) {
		addr_peer(4, a);
		addr_mapped(&k->src, a);
		addr_us(4, a);
		addr_mapped(&k->dst, a);
	} else {
		addr_peer(6, k->src.b);
		addr_us(6, k->dst.b);
	}
	k->sport = htons(sport);
	k->dport = htons(STAMP_PORT);
	k->ssid = htons(ssid);
}

/*
 * The session of @key, found by reading every set of the table (not by the
 * program's hash).  Returns how many slots hold the key: 1 when all is well.
 */
static int session_find(const struct env *e, const struct stampede_session_key *key,
			struct stampede_session *got, uint32_t *set_of)
{
	struct stampede_session_set set;
	uint32_t i, w, n_sets = bpf_map__max_entries(e->skel->maps.sessions);
	int found = 0;

	for (i = 0; i < n_sets; i++) {
		if (bpf_map_lookup_elem(e->sessions_fd, &i, &set))
			return -1;
		for (w = 0; w < STAMPEDE_SESSION_WAYS; w++) {
			if (!set.way[w].in_use || memcmp(&set.way[w].key, key, sizeof(*key)))
				continue;
			if (!found++ && got)
				*got = set.way[w].s;
			if (set_of)
				*set_of = i;
		}
	}
	return found;
}

/* One request of a session; its reply must carry reflector seq rseq. */
static void session_step(struct env *e, struct tc *t, int ipv, uint16_t sport, uint16_t ssid,
			 uint32_t seq, uint32_t rseq, bool is_new, struct run *r)
{
	struct rexp x = {.seq_set = true, .seq = rseq, .extra = {C(session_new) = is_new}};
	uint8_t pl[CK_BASE_LEN];
	struct pb_spec s;
	static struct pb_frame f;
	struct tc one = {.name = t->name};

	spec_std(&s, ipv, pl, sender(pl, seq, ssid));
	s.sport = sport;
	build(&f, &s);
	run_frame(e, f.b, f.len, r);
	check_reply(&one, e, &f, r, &x);
	if (one.nfail)
		failf(t, "port %u SSID %u sender seq %u: %s", sport, ssid, seq, one.why);
}

static void t_stateful_reply(struct env *e, struct tc *t, __maybe_unused const void *arg)
{
	static struct run r;

	session_step(e, t, 4, 41000, SSID, DEFAULT_SEQ, 0, true, &r);
	session_step(e, t, 6, 41000, SSID, DEFAULT_SEQ, 0, true, &r);
}

/* Sessions apart by source port or SSID count independently from 0. */
static void t_stateful_sessions(struct env *e, struct tc *t, __maybe_unused const void *arg)
{
	static const struct {
		uint16_t sport, ssid;
		uint32_t rseq;
		bool is_new;
	} steps[] = {
		{41100, 1, 0, true},  {41100, 1, 1, false}, {41100, 1, 2, false},
		{41101, 1, 0, true},  {41100, 1, 3, false}, {41100, 2, 0, true},
		{41101, 1, 1, false}, {41100, 2, 1, false}, {41100, 1, 4, false},
	};
	static struct run r;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(steps); i++)
		session_step(e, t, 4, steps[i].sport, steps[i].ssid, 1000 + (uint32_t)i,
			     steps[i].rseq, steps[i].is_new, &r);
}

struct record_case {
	int ipv;
	uint16_t sport;
	const uint32_t *seqs;
	size_t n;
	struct stampede_session want; /* first/last seen checked apart */
	bool check_window;
};

static const uint32_t record_seqs[] = {0, 1, 2, 5, 5, 4, 3, 100, 10};
static const uint32_t window_seqs[] = {0, 63, 0, 1, 64, 0};

/* The sessions entry after a series of sender sequence numbers. */
static void t_stateful_record(struct env *e, struct tc *t, const void *arg)
{
	const struct record_case *rc = arg;
	static struct run r;
	struct stampede_session_key key;
	struct stampede_session got;
	uint64_t first_t0 = 0, first_t1 = 0, t2[2] = {0, 0};
	size_t i;

	for (i = 0; i < rc->n; i++) {
		session_step(e, t, rc->ipv, rc->sport, 7, rc->seqs[i], (uint32_t)i, i == 0, &r);
		if (i == 0) {
			first_t0 = r.t0;
			first_t1 = r.t1;
		}
	}
	if (!r.err && r.out_len >= 14 + 20 + 8 + CK_BASE_LEN) {
		size_t pl = r.out_len - CK_BASE_LEN; /* no trailer, no TLVs */

		if (!decode_ts(e, r.out + pl + CK_R_T2, r.t0, &t2[0], &t2[1]))
			t2[0] = t2[1] = 0;
	}
	session_key(&key, rc->ipv, rc->sport, 7);
	if (!CHECK(t, session_find(e, &key, &got, NULL) == 1,
		   "the session is not in the table exactly once"))
		return;
#define FIELD(name)                                                                  \
	CHECK(t, got.name == rc->want.name, "session " #name " %llu, expected %llu", \
	      (unsigned long long)got.name, (unsigned long long)rc->want.name)
	FIELD(reflected);
	FIELD(highest_seq);
	FIELD(last_seq);
	FIELD(seq_gaps);
	FIELD(duplicates);
	FIELD(reordered);
	if (rc->check_window)
		FIELD(seq_window);
#undef FIELD
	CHECK(t, got.first_seen_ns >= first_t0 && got.first_seen_ns <= first_t1,
	      "first_seen %llu ns not within the first run [%llu, %llu]",
	      (unsigned long long)got.first_seen_ns, (unsigned long long)first_t0,
	      (unsigned long long)first_t1);
	CHECK(t, got.last_seen_ns >= r.t0 && got.last_seen_ns <= r.t1,
	      "last_seen %llu ns not within the last run [%llu, %llu]",
	      (unsigned long long)got.last_seen_ns, (unsigned long long)r.t0,
	      (unsigned long long)r.t1);
	CHECK(t, got.first_seen_ns <= got.last_seen_ns, "first_seen %llu > last_seen %llu",
	      (unsigned long long)got.first_seen_ns, (unsigned long long)got.last_seen_ns);
	CHECK(t, got.last_seen_ns >= t2[0] && got.last_seen_ns <= t2[1],
	      "last_seen %llu ns is not the last reply's T2 [%llu, %llu]",
	      (unsigned long long)got.last_seen_ns, (unsigned long long)t2[0],
	      (unsigned long long)t2[1]);
}

/* A TWAMP-Light packet of 14 octets has no SSID: its session's SSID is 0,
 * whatever the Ethernet padding after it holds. */
static void t_stateful_twl(struct env *e, struct tc *t, __maybe_unused const void *arg)
{
	struct rexp x = {.seq_set = true, .seq = 0, .extra = {C(session_new) = 1}};
	struct stampede_session_key key;
	struct stampede_session got;
	uint8_t pl[CK_BASE_LEN];
	static struct pb_frame f;
	struct pb_spec s;

	sender(pl, 77, SSID);
	spec_std(&s, 4, pl, 14);
	s.sport = 41200;
	s.pad_to = 60;
	s.pad_byte = PAD_JUNK;
	build(&f, &s);
	reflect_check(e, t, &f, &x);
	session_key(&key, 4, 41200, 0);
	if (CHECK(t, session_find(e, &key, &got, NULL) == 1, "no sessions entry with SSID 0"))
		CHECK(t, got.reflected == 1 && got.last_seq == 77,
		      "session reflected %llu last_seq %u, expected 1 and 77",
		      (unsigned long long)got.reflected, got.last_seq);
	session_key(&key, 4, 41200, PAD_JUNK << 8 | PAD_JUNK);
	CHECK(t, session_find(e, &key, NULL, NULL) == 0,
	      "a session keyed by the padding (SSID 0x%04x) exists", PAD_JUNK << 8 | PAD_JUNK);
}

/*
 * Stateful TWAMP-Light requests of 14 and 15 octets with nothing after the
 * datagram (IPv6 is never padded; veth, generic XDP and drivers that strip
 * padding deliver IPv4 so too): answered, in a session of SSID 0.
 */
struct stateful_twl_case {
	int ipv;
	size_t plen;
};

static void t_stateful_twl_unpadded(struct env *e, struct tc *t, const void *arg)
{
	const struct stateful_twl_case *c = arg;
	struct rexp x = {.seq_set = true, .seq = 0, .extra = {C(session_new) = 1}};
	uint16_t sport = (uint16_t)(41300 + 10 * c->ipv + c->plen);
	struct stampede_session_key key;
	struct stampede_session got;
	uint8_t pl[CK_BASE_LEN];
	static struct pb_frame f;
	struct pb_spec s;

	sender(pl, 78, SSID);
	spec_std(&s, c->ipv, pl, c->plen);
	s.sport = sport;
	build(&f, &s);
	reflect_check(e, t, &f, &x);
	session_key(&key, c->ipv, sport, 0);
	if (CHECK(t, session_find(e, &key, &got, NULL) == 1, "no sessions entry with SSID 0"))
		CHECK(t, got.reflected == 1 && got.last_seq == 78,
		      "session reflected %llu last_seq %u, expected 1 and 78",
		      (unsigned long long)got.reflected, got.last_seq);
}

/* A request of session @sport (SSID 1) with the counters it must move. */
static void set_step(struct env *e, struct tc *t, uint16_t sport, uint32_t rseq, bool is_new,
		     bool evicts)
{
	struct rexp x = {.seq_set = true,
			 .seq = rseq,
			 .extra = {C(session_new) = is_new, C(session_evicted) = evicts}};
	uint8_t pl[CK_BASE_LEN];
	static struct pb_frame f;
	static struct run r;
	struct pb_spec s;
	struct tc one = {.name = t->name};

	spec_std(&s, 4, pl, sender(pl, 500 + rseq, 1));
	s.sport = sport;
	build(&f, &s);
	run_frame(e, f.b, f.len, &r);
	check_reply(&one, e, &f, &r, &x);
	if (one.nfail)
		failf(t, "session port %u: %s", sport, one.why);
}

/*
 * A full set gives its least recently seen session's slot to a new one
 * (one set of 4 here, so every session shares it), and counts that.
 */
static void t_stateful_set_eviction(struct env *e, struct tc *t, __maybe_unused const void *arg)
{
	static const uint16_t gone[] = {42001, 42002}, kept[] = {42000, 42003, 42004};
	struct stampede_session_key key;
	struct stampede_session got;
	size_t i;

	for (i = 0; i < STAMPEDE_SESSION_WAYS; i++)
		set_step(e, t, 42000 + (uint16_t)i, 0, true, false);
	set_step(e, t, 42000, 1, false, false); /* 42001 is now the least recent */
	set_step(e, t, 42004, 0, true, true);	/* takes 42001's slot */
	set_step(e, t, 42001, 0, true, true);	/* back, from 0, in 42002's */
	set_step(e, t, 42001, 1, false, false);
	for (i = 0; i < ARRAY_SIZE(kept); i++) {
		session_key(&key, 4, kept[i], 1);
		CHECK(t, session_find(e, &key, &got, NULL) == 1,
		      "session port %u is not in the table once", kept[i]);
	}
	session_key(&key, 4, gone[1], 1);
	CHECK(t, session_find(e, &key, NULL, NULL) == 0,
	      "session port %u should have been replaced", gone[1]);
	session_key(&key, 4, gone[0], 1);
	if (CHECK(t, session_find(e, &key, &got, NULL) == 1, "session port %u is missing", gone[0]))
		CHECK(t, got.reflected == 2 && got.received == 2,
		      "the new session port %u has reflected %llu received %llu, expected 2 and 2",
		      gone[0], (unsigned long long)got.reflected, (unsigned long long)got.received);
}

/*
 * Many sessions at once: each is created once, found again, and kept in
 * its own slot; the keyed hash spreads them over the table's sets.
 */
static void t_stateful_many_sessions(struct env *e, struct tc *t, __maybe_unused const void *arg)
{
	enum { N = 256 };
	static uint8_t set_used[STAMPEDE_DEFAULT_SESSIONS / STAMPEDE_SESSION_WAYS];
	struct stampede_session_key key;
	struct stampede_session got;
	uint32_t set_of = 0, n_sets = bpf_map__max_entries(e->skel->maps.sessions), distinct = 0;
	int i;

	if (!CHECK(t, n_sets <= ARRAY_SIZE(set_used), "the table has %u sets", n_sets))
		return;
	memset(set_used, 0, sizeof(set_used));
	for (i = 0; i < N && !t->nfail; i++)
		set_step(e, t, (uint16_t)(43000 + i), 0, true, false);
	for (i = 0; i < N && !t->nfail; i++)
		set_step(e, t, (uint16_t)(43000 + i), 1, false, false);
	for (i = 0; i < N && !t->nfail; i++) {
		session_key(&key, 4, (uint16_t)(43000 + i), 1);
		if (!CHECK(t, session_find(e, &key, &got, &set_of) == 1,
			   "session port %d is not in the table once", 43000 + i))
			break;
		CHECK(t, got.reflected == 2, "session port %d reflected %llu, expected 2",
		      43000 + i, (unsigned long long)got.reflected);
		distinct += !set_used[set_of]++;
	}
	/* 256 keys in 4096 sets: about 248 distinct sets expected; 200 is far below. */
	CHECK(t, distinct >= 200, "the %d sessions share only %u of %u sets", N, distinct, n_sets);
}

static const struct test tests[] = {
	/* stateful */
	{"stateful_reply_fields", CFG_STATEFUL, t_stateful_reply, NULL},
	{"stateful_seq_per_session", CFG_STATEFUL, t_stateful_sessions, NULL},
	{"stateful_v4_session_record", CFG_STATEFUL, t_stateful_record,
	 ARG(struct record_case, 4, 42000, record_seqs, ARRAY_SIZE(record_seqs),
	     {.reflected = 9,
	      .highest_seq = 100,
	      .last_seq = 10,
	      .seq_gaps = 96,
	      .duplicates = 1,
	      .reordered = 3,
	      .seq_window = 1},
	     true)},
	{"stateful_v6_session_record", CFG_STATEFUL, t_stateful_record,
	 ARG(struct record_case, 6, 42001, record_seqs, ARRAY_SIZE(record_seqs),
	     {.reflected = 9,
	      .highest_seq = 100,
	      .last_seq = 10,
	      .seq_gaps = 96,
	      .duplicates = 1,
	      .reordered = 3},
	     false)},
	{"stateful_window_edges", CFG_STATEFUL, t_stateful_record,
	 ARG(struct record_case, 4, 42002, window_seqs, ARRAY_SIZE(window_seqs),
	     {.reflected = 6,
	      .highest_seq = 64,
	      .last_seq = 0,
	      .seq_gaps = 62,
	      .duplicates = 1,
	      .reordered = 2},
	     false)},
	{"stateful_twamp_light_ssid0", CFG_STATEFUL, t_stateful_twl, NULL},
	{"stateful_v4_twamp_light_14_unpadded", CFG_STATEFUL, t_stateful_twl_unpadded,
	 &(struct stateful_twl_case){4, 14}},
	{"stateful_v4_twamp_light_15_unpadded", CFG_STATEFUL, t_stateful_twl_unpadded,
	 &(struct stateful_twl_case){4, 15}},
	{"stateful_v6_twamp_light_14_unpadded", CFG_STATEFUL, t_stateful_twl_unpadded,
	 &(struct stateful_twl_case){6, 14}},
	{"stateful_v6_twamp_light_15_unpadded", CFG_STATEFUL, t_stateful_twl_unpadded,
	 &(struct stateful_twl_case){6, 15}},
	{"stateful_set_evicts_least_recent", CFG_ONE_SET, t_stateful_set_eviction, NULL},
	{"stateful_many_sessions_spread", CFG_STATEFUL, t_stateful_many_sessions, NULL},
};

const struct xdp_rule xdp_rule_stateful = {"stateful", tests, ARRAY_SIZE(tests)};
