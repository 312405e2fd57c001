// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Authenticated mode (RFC 8762 4.2.2, 4.3.2, 4.4; docs/datapath.md
 * "Authenticated mode"): a request to an auth-port with keys is verified
 * and answered with the signed 112-octet reflector packet; anything that
 * does not verify is dropped as auth_failed.  The keys go into the map as
 * the controller writes them (hmac_sha256_states, user/sha256.c), and every
 * MAC, the requests' and the replies', is computed here with OpenSSL's
 * HMAC(): neither the program's SHA-256 nor the controller's checks itself.
 * The field offsets are written out from RFC 8762, not taken from
 * include/stampede_auth.h.
 */
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "xdp_test.h"
#include "sha256.h"
#include "stampede_auth.h"

/* RFC 8762 4.2.2, the Session-Sender test packet in authenticated mode. */
#define A_S_SEQ	 0
#define A_S_TS	 16
#define A_S_EE	 24
#define A_S_SSID 26
/* 4.3.2, the Session-Reflector test packet. */
#define A_R_SEQ	   0
#define A_R_T3	   16
#define A_R_EE	   24
#define A_R_SSID   26
#define A_R_T2	   32
#define A_R_S_SEQ  48
#define A_R_S_TS   64
#define A_R_S_EE   72
#define A_R_S_TTL  80
#define A_HMAC	   96 /* both: HMAC-SHA-256 over octets 0..95, its first 16 octets */
#define A_HMAC_LEN 16
#define A_LEN	   112

#define XDP_RET_DROP 1

static const uint8_t key_a[] = "the key of port 863, every SSID";
static const uint8_t key_b[] = {0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b,
				0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b};
/* Longer than SHA-256's block: HMAC hashes it first (RFC 2104 2). */
static uint8_t key_long[100];

struct key_case {
	const uint8_t *key;
	size_t len;
};

static int key_put(struct env *e, __u16 port, __u16 ssid, __u32 kind, const uint8_t *key,
		   size_t len)
{
	struct stampede_auth_key_id id = {.port = htons(port), .ssid = htons(ssid), .kind = kind};
	struct stampede_auth_key val = {0};
	struct hmac_sha256_states st;

	if (key) {
		hmac_sha256_states(key, len, &st);
		memcpy(val.ipad, st.ipad, sizeof(val.ipad));
		memcpy(val.opad, st.opad, sizeof(val.opad));
	}
	return bpf_map_update_elem(bpf_map__fd(e->skel->maps.auth_keys), &id, &val, BPF_ANY)
		       ? -errno
		       : 0;
}

/* The port's key for every SSID, and the marker that says the port has keys. */
static int keys_port(struct env *e, const uint8_t *key, size_t len)
{
	return key_put(e, AUTH_PORT, 0, STAMPEDE_AUTH_ANY_SSID, key, len)
		       ?: key_put(e, AUTH_PORT, 0, STAMPEDE_AUTH_PORT, NULL, 0);
}

static void keys_clear(struct env *e)
{
	int fd = bpf_map__fd(e->skel->maps.auth_keys);
	struct stampede_auth_key_id next;

	while (!bpf_map_get_next_key(fd, NULL, &next))
		if (bpf_map_delete_elem(fd, &next))
			break;
}

static void mac_of(const uint8_t *key, size_t len, const uint8_t *p, uint8_t out[A_HMAC_LEN])
{
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	HMAC(EVP_sha256(), key, (int)len, p, A_HMAC, md, &mdlen);
	memcpy(out, md, A_HMAC_LEN);
}

/* An authenticated Session-Sender packet, signed with @key (NULL: HMAC left zero). */
static void auth_sender(uint8_t *p, uint32_t seq, uint16_t ssid, uint16_t ee, const uint8_t *key,
			size_t len)
{
	memset(p, 0, A_LEN);
	ck_put32(p + A_S_SEQ, seq);
	memcpy(p + A_S_TS, t1_ts, 8);
	ck_put16(p + A_S_EE, ee);
	ck_put16(p + A_S_SSID, ssid);
	if (key)
		mac_of(key, len, p, p + A_HMAC);
}

static void auth_frame(struct pb_frame *f, int ipv, const uint8_t *pl, size_t plen)
{
	struct pb_spec s;

	spec_std(&s, ipv, pl, plen);
	s.dport = AUTH_PORT;
	build(f, &s);
}

/*
 * The reply to @f: headers turned around and the 4.3.2 packet, every MBZ
 * octet zero, signed with @key; @seq is the reflector's Sequence Number.
 */
static void check_auth_reply(struct tc *t, const struct env *e, const struct pb_frame *f,
			     const struct run *r, const uint8_t *key, size_t len, uint32_t seq,
			     const struct cnt *x)
{
	static const struct field named[] = {
		{"Sequence Number", A_R_SEQ, 4},
		{"Timestamp", A_R_T3, 8},
		{"Error Estimate", A_R_EE, 2},
		{"SSID", A_R_SSID, 2},
		{"Receive Timestamp", A_R_T2, 8},
		{"Session-Sender Sequence Number", A_R_S_SEQ, 4},
		{"Session-Sender Timestamp", A_R_S_TS, 8},
		{"Session-Sender Error Estimate", A_R_S_EE, 2},
		{"Ses-Sender TTL", A_R_S_TTL, 1},
		{"HMAC", A_HMAC, A_HMAC_LEN},
	};
	const uint8_t *in = f->b + f->pl, *out = r->out + f->pl;
	uint8_t mac[A_HMAC_LEN];
	uint64_t lo, hi, t3lo, t3hi;
	size_t i, k;

	if (!check_ran(t, r))
		return;
	check_counters(t, r->delta, x);
	if (!CHECK(t, r->retval == XDP_RET_TX, "retval %u, expected XDP_TX (3)", r->retval) ||
	    !CHECK(t, r->out_len == f->len, "reply of %u octets, expected %zu", r->out_len, f->len))
		return;
	CHECK(t, !memcmp(r->out, f->b + 6, 6) && !memcmp(r->out + 6, f->b, 6),
	      "MAC addresses not swapped");
	if (f->ipv == 4) {
		CHECK(t,
		      !memcmp(r->out + f->l3 + 12, f->b + f->l3 + 16, 4) &&
			      !memcmp(r->out + f->l3 + 16, f->b + f->l3 + 12, 4),
		      "IPv4 addresses not swapped");
		CHECK(t, r->out[f->l3 + 8] == 255, "TTL %u, expected 255", r->out[f->l3 + 8]);
	} else {
		CHECK(t,
		      !memcmp(r->out + f->l3 + 8, f->b + f->l3 + 24, 16) &&
			      !memcmp(r->out + f->l3 + 24, f->b + f->l3 + 8, 16),
		      "IPv6 addresses not swapped");
		CHECK(t, r->out[f->l3 + 7] == 255, "Hop Limit %u, expected 255", r->out[f->l3 + 7]);
	}
	CHECK(t,
	      ck_get16(r->out + f->l4) == AUTH_PORT && ck_get16(r->out + f->l4 + 2) == SENDER_PORT,
	      "UDP ports %u -> %u, expected %u -> %u", ck_get16(r->out + f->l4),
	      ck_get16(r->out + f->l4 + 2), AUTH_PORT, SENDER_PORT);
	check_csums(t, f, r, 0);

	CHECK(t, ck_get32(out + A_R_SEQ) == seq, "Sequence Number %u, expected %u",
	      ck_get32(out + A_R_SEQ), seq);
	CHECK(t, ck_get16(out + A_R_EE) == e->reply_ee, "Error Estimate 0x%04x, expected 0x%04x",
	      ck_get16(out + A_R_EE), e->reply_ee);
	CHECK(t, !memcmp(out + A_R_SSID, in + A_S_SSID, 2), "SSID not copied");
	CHECK(t, !memcmp(out + A_R_S_SEQ, in + A_S_SEQ, 4), "Session-Sender Sequence Number");
	CHECK(t, !memcmp(out + A_R_S_TS, in + A_S_TS, 8), "Session-Sender Timestamp");
	CHECK(t, !memcmp(out + A_R_S_EE, in + A_S_EE, 2), "Session-Sender Error Estimate");
	CHECK(t, out[A_R_S_TTL] == SENDER_TTL, "Ses-Sender TTL %u, expected %u", out[A_R_S_TTL],
	      SENDER_TTL);
	/* Every octet no field names is MBZ. */
	for (i = 0; i < A_LEN; i++) {
		for (k = 0; k < ARRAY_SIZE(named); k++)
			if (i >= named[k].start && i < named[k].start + named[k].len)
				break;
		if (k == ARRAY_SIZE(named) && out[i]) {
			failf(t, "MBZ octet %zu is 0x%02x", i, out[i]);
			break;
		}
	}
	if (CHECK(t, decode_ts(e, out + A_R_T2, r->t0, &lo, &hi), "Receive Timestamp invalid") &&
	    CHECK(t, decode_ts(e, out + A_R_T3, r->t0, &t3lo, &t3hi), "Timestamp invalid")) {
		CHECK(t, hi >= r->t0 && lo <= r->t1, "Receive Timestamp outside the run");
		CHECK(t, t3hi >= lo && t3lo <= r->t1, "Timestamp (T3) outside T2 .. the run's end");
	}
	mac_of(key, len, out, mac);
	CHECK(t, !memcmp(out + A_HMAC, mac, A_HMAC_LEN),
	      "the reply's HMAC is not HMAC-SHA-256 (OpenSSL) of its first 96 octets");
}

/* A signed request is answered with a signed reply, IPv4 and IPv6, under keys of every length. */
static void t_auth_reflected(struct env *e, struct tc *t, const void *arg)
{
	const struct key_case *kc = arg;
	static struct pb_frame f;
	static struct run r;
	uint8_t pl[A_LEN];
	int ipv;

	memset(key_long, 0x6b, sizeof(key_long));
	if (!CHECK(t, !keys_port(e, kc->key, kc->len), "writing the key failed"))
		return;
	for (ipv = 4; ipv <= 6; ipv += 2) {
		auth_sender(pl, DEFAULT_SEQ + ipv, SSID, SENDER_EE, kc->key, kc->len);
		auth_frame(&f, ipv, pl, A_LEN);
		run_frame(e, f.b, f.len, &r);
		check_auth_reply(t, e, &f, &r, kc->key, kc->len, DEFAULT_SEQ + ipv,
				 &(struct cnt){C(reflected) = 1});
	}
	keys_clear(e);
}

/* Dropped, counted as @counter, never answered. */
static void check_dropped(struct tc *t, const struct run *r, int counter, const char *what)
{
	struct cnt c = {0};
	struct tc one = {.name = t->name};

	c.d[counter] = 1;
	if (!check_ran(t, r))
		return;
	CHECK(&one, r->retval == XDP_RET_DROP, "retval %u, expected XDP_DROP (1)", r->retval);
	check_counters(&one, r->delta, &c);
	if (one.nfail)
		failf(t, "%s: %s", what, one.why);
}

/* Signed with another key: dropped. */
static void t_auth_wrong_key(struct env *e, struct tc *t, __maybe_unused const void *arg)
{
	static struct pb_frame f;
	static struct run r;
	uint8_t pl[A_LEN];
	int ipv;

	if (!CHECK(t, !keys_port(e, key_a, sizeof(key_a)), "writing the key failed"))
		return;
	for (ipv = 4; ipv <= 6; ipv += 2) {
		auth_sender(pl, DEFAULT_SEQ, SSID, SENDER_EE, key_b, sizeof(key_b));
		auth_frame(&f, ipv, pl, A_LEN);
		run_frame(e, f.b, f.len, &r);
		check_dropped(t, &r, STAMPEDE_CNT_auth_failed, ipv == 4 ? "IPv4" : "IPv6");
	}
	keys_clear(e);
}

/* One bit flipped anywhere in the 112 octets, HMAC included: dropped, every time. */
static void t_auth_flipped_bit(struct env *e, struct tc *t, __maybe_unused const void *arg)
{
	static struct pb_frame f;
	static struct run r;
	uint8_t pl[A_LEN];
	char what[64];
	size_t i;

	if (!CHECK(t, !keys_port(e, key_a, sizeof(key_a)), "writing the key failed"))
		return;
	for (i = 0; i < A_LEN && !t->nfail; i++) {
		auth_sender(pl, DEFAULT_SEQ, SSID, SENDER_EE, key_a, sizeof(key_a));
		pl[i] ^= (uint8_t)(1u << (i % 8));
		auth_frame(&f, i % 2 ? 6 : 4, pl, A_LEN);
		run_frame(e, f.b, f.len, &r);
		snprintf(what, sizeof(what), "octet %zu bit %zu flipped", i, i % 8);
		check_dropped(t, &r, STAMPEDE_CNT_auth_failed, what);
	}
	keys_clear(e);
}

/* Too short to hold the HMAC (or any STAMP packet): dropped on a port with keys. */
static void t_auth_truncated(struct env *e, struct tc *t, __maybe_unused const void *arg)
{
	static const size_t lens[] = {A_LEN - 1, A_HMAC, CK_BASE_LEN, 14, 0};
	static struct pb_frame f;
	static struct run r;
	uint8_t pl[A_LEN];
	char what[64];
	size_t i;
	int ipv;

	if (!CHECK(t, !keys_port(e, key_a, sizeof(key_a)), "writing the key failed"))
		return;
	for (i = 0; i < ARRAY_SIZE(lens); i++)
		for (ipv = 4; ipv <= 6; ipv += 2) {
			auth_sender(pl, DEFAULT_SEQ, SSID, SENDER_EE, key_a, sizeof(key_a));
			auth_frame(&f, ipv, pl, lens[i]);
			run_frame(e, f.b, f.len, &r);
			snprintf(what, sizeof(what), "IPv%d, %zu octets", ipv, lens[i]);
			check_dropped(t, &r, STAMPEDE_CNT_auth_failed, what);
		}
	keys_clear(e);
}

/*
 * Keys per SSID: the SSID's own key wins over the port's, an SSID without
 * one takes the port's, and with no key for every SSID it is dropped.
 */
static void t_auth_ssid_keys(struct env *e, struct tc *t, __maybe_unused const void *arg)
{
	static struct pb_frame f;
	static struct run r;
	uint8_t pl[A_LEN];

	if (!CHECK(t,
		   !keys_port(e, key_a, sizeof(key_a)) &&
			   !key_put(e, AUTH_PORT, 7, STAMPEDE_AUTH_SSID, key_b, sizeof(key_b)),
		   "writing the keys failed"))
		return;
	auth_sender(pl, 1, 7, SENDER_EE, key_b, sizeof(key_b));
	auth_frame(&f, 4, pl, A_LEN);
	run_frame(e, f.b, f.len, &r);
	check_auth_reply(t, e, &f, &r, key_b, sizeof(key_b), 1, &(struct cnt){C(reflected) = 1});
	/* SSID 7 signed with the port's key: not SSID 7's. */
	auth_sender(pl, 2, 7, SENDER_EE, key_a, sizeof(key_a));
	auth_frame(&f, 4, pl, A_LEN);
	run_frame(e, f.b, f.len, &r);
	check_dropped(t, &r, STAMPEDE_CNT_auth_failed, "SSID 7 under the port's key");
	auth_sender(pl, 3, 8, SENDER_EE, key_a, sizeof(key_a));
	auth_frame(&f, 6, pl, A_LEN);
	run_frame(e, f.b, f.len, &r);
	check_auth_reply(t, e, &f, &r, key_a, sizeof(key_a), 3, &(struct cnt){C(reflected) = 1});
	/* Only SSID 7 has a key now. */
	key_put(e, AUTH_PORT, 0, STAMPEDE_AUTH_ANY_SSID, NULL, 0);
	bpf_map_delete_elem(bpf_map__fd(e->skel->maps.auth_keys),
			    &(struct stampede_auth_key_id){.port = htons(AUTH_PORT),
							   .kind = STAMPEDE_AUTH_ANY_SSID});
	run_frame(e, f.b, f.len, &r);
	check_dropped(t, &r, STAMPEDE_CNT_auth_failed, "SSID 8 without a key");
	keys_clear(e);
}

/* Keys on the port: a valid HMAC over a Multiplier of 0 is still a corrupt packet. */
static void t_auth_multiplier_zero(struct env *e, struct tc *t, __maybe_unused const void *arg)
{
	static struct pb_frame f;
	static struct run r;
	uint8_t pl[A_LEN];

	if (!CHECK(t, !keys_port(e, key_a, sizeof(key_a)), "writing the key failed"))
		return;
	auth_sender(pl, DEFAULT_SEQ, SSID, SENDER_EE & 0xff00, key_a, sizeof(key_a));
	auth_frame(&f, 4, pl, A_LEN);
	run_frame(e, f.b, f.len, &r);
	check_dropped(t, &r, STAMPEDE_CNT_bad_error_estimate, "Multiplier 0");
	keys_clear(e);
}

/* What stays with the stack: a port without keys (another port has them). */
static void t_auth_passed(struct env *e, struct tc *t, __maybe_unused const void *arg)
{
	static struct pb_frame f;
	uint8_t pl[A_LEN + 8];

	if (!CHECK(t,
		   !key_put(e, AUTH_PORT + 1, 0, STAMPEDE_AUTH_ANY_SSID, key_a, sizeof(key_a)) &&
			   !key_put(e, AUTH_PORT + 1, 0, STAMPEDE_AUTH_PORT, NULL, 0),
		   "writing the key failed"))
		return;
	auth_sender(pl, DEFAULT_SEQ, SSID, SENDER_EE, key_a, sizeof(key_a));
	auth_frame(&f, 4, pl, A_LEN);
	pass_check(e, t, &f, STAMPEDE_CNT_authenticated);
	auth_frame(&f, 6, pl, 20);
	pass_check(e, t, &f, STAMPEDE_CNT_authenticated);
	pb_tlv(pl + A_LEN, 0x80, 1, 4, 0);
	auth_frame(&f, 4, pl, A_LEN + 8);
	pass_check(e, t, &f, STAMPEDE_CNT_authenticated);
	keys_clear(e);
}

/* An IPv4 request without a UDP checksum gets a reply without one. */
static void t_auth_no_udp_csum(struct env *e, struct tc *t, __maybe_unused const void *arg)
{
	static struct pb_frame f;
	static struct run r;
	uint8_t pl[A_LEN];
	struct pb_spec s;

	if (!CHECK(t, !keys_port(e, key_a, sizeof(key_a)), "writing the key failed"))
		return;
	auth_sender(pl, DEFAULT_SEQ, SSID, SENDER_EE, key_a, sizeof(key_a));
	spec_std(&s, 4, pl, A_LEN);
	s.dport = AUTH_PORT;
	s.csum = PB_CSUM_ZERO;
	build(&f, &s);
	run_frame(e, f.b, f.len, &r);
	check_auth_reply(t, e, &f, &r, key_a, sizeof(key_a), DEFAULT_SEQ,
			 &(struct cnt){C(reflected) = 1});
	keys_clear(e);
}

/*
 * Stateful: the session's own Sequence Numbers from 0, signed; a replayed
 * request is answered again (RFC 8762 does not ask a reflector to refuse
 * one) with the next number, and the session counts it as a duplicate.
 */
static void t_auth_stateful_replay(struct env *e, struct tc *t, __maybe_unused const void *arg)
{
	struct stampede_session_set set;
	static struct pb_frame f;
	static struct run r;
	uint8_t pl[A_LEN];
	uint32_t i, w, n_sets = bpf_map__max_entries(e->skel->maps.sessions);
	uint64_t dups = 0, received = 0;
	int found = 0;

	if (!CHECK(t, !keys_port(e, key_a, sizeof(key_a)), "writing the key failed"))
		return;
	auth_sender(pl, 500, 0x4242, SENDER_EE, key_a, sizeof(key_a));
	auth_frame(&f, 6, pl, A_LEN);
	run_frame(e, f.b, f.len, &r);
	check_auth_reply(t, e, &f, &r, key_a, sizeof(key_a), 0,
			 &(struct cnt){C(reflected) = 1, C(session_new) = 1});
	run_frame(e, f.b, f.len, &r);
	check_auth_reply(t, e, &f, &r, key_a, sizeof(key_a), 1, &(struct cnt){C(reflected) = 1});
	/* A forged request in the same session takes no number from it. */
	f.b[f.pl + A_HMAC] ^= 1;
	run_frame(e, f.b, f.len, &r);
	check_dropped(t, &r, STAMPEDE_CNT_auth_failed, "forged");
	f.b[f.pl + A_HMAC] ^= 1;
	run_frame(e, f.b, f.len, &r);
	check_auth_reply(t, e, &f, &r, key_a, sizeof(key_a), 2, &(struct cnt){C(reflected) = 1});
	for (i = 0; i < n_sets; i++) {
		if (bpf_map_lookup_elem(e->sessions_fd, &i, &set))
			break;
		for (w = 0; w < STAMPEDE_SESSION_WAYS; w++)
			if (set.way[w].in_use && set.way[w].key.dport == htons(AUTH_PORT) &&
			    set.way[w].key.ssid == htons(0x4242)) {
				found++;
				dups = set.way[w].s.duplicates;
				received = set.way[w].s.received;
			}
	}
	CHECK(t, found == 1, "%d sessions of the authenticated sender, expected 1", found);
	CHECK(t, received == 3 && dups == 2,
	      "the session counted %llu received, %llu duplicates; expected 3 and 2",
	      (unsigned long long)received, (unsigned long long)dups);
	keys_clear(e);
}

/*
 * The HMAC TLV (RFC 8972 4.8, type 8): HMAC-SHA-256, its first 16 octets,
 * over the base's Sequence Number and every TLV before it, headers
 * included; Extra Padding may follow it.  Verified with the port's key in
 * either mode; when it does not verify, every TLV comes back as sent with
 * I (0x20) and nothing is acted on.  Every MAC here is OpenSSL's.
 */
#define TLV_I 0x20

/* HMAC(@key, the four octets at @seq, then @n octets at @text): its first 16 octets into @out. */
static void mac_text(const uint8_t *key, size_t klen, const uint8_t *seq, const uint8_t *text,
		     size_t n, uint8_t *out)
{
	static uint8_t buf[PB_MAX_FRAME + 4];
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	memcpy(buf, seq, 4);
	memcpy(buf + 4, text, n);
	HMAC(EVP_sha256(), key, (int)klen, buf, n + 4, md, &mdlen);
	memcpy(out, md, A_HMAC_LEN);
}

/* Stateless, unauthenticated: the HMAC TLV at payload octet @at, signed as sent and as answered. */
static void sign_tb(struct tlvbuf *b, size_t at, const uint8_t *key, size_t klen)
{
	mac_text(key, klen, b->pl, b->pl + CK_BASE_LEN, at - CK_BASE_LEN, b->pl + at + 4);
	mac_text(key, klen, b->pl, b->exp, at - CK_BASE_LEN, b->exp + at - CK_BASE_LEN + 4);
}

/* The reply the RFC wants when the HMAC does not verify: every TLV as sent, with I. */
static void expect_failed(struct tlvbuf *b, const size_t *offs, size_t n, size_t base)
{
	size_t i;

	memcpy(b->exp, b->pl + base, b->n - base);
	for (i = 0; i < n; i++)
		b->exp[offs[i] - base] = TLV_I;
}

static const uint8_t ti_req[4] = {0}, ti_rep[4] = {5, 2, 5, 2}, ar_req[4] = {0x10, 1, 0, 0},
		     zero16[16] = {0};

/* Timestamp Information, Extra Padding (odd), Access Report, HMAC, Extra Padding: offsets into @offs. */
static size_t tb_hmac_set(struct tlvbuf *b, size_t *offs)
{
	tb_init(b);
	offs[0] = b->n;
	tb_tlv_value(b, STAMP_TLV_TIMESTAMP_INFO, ti_req, 4, 0, ti_rep);
	offs[1] = b->n;
	tb_tlv(b, 0x80, 1, 3, 0x00);
	offs[2] = b->n;
	tb_tlv_value(b, STAMP_TLV_ACCESS_REPORT, ar_req, 4, 0, ar_req);
	offs[3] = b->n;
	tb_tlv_value(b, STAMP_TLV_HMAC, zero16, 16, 0, zero16);
	offs[4] = b->n;
	tb_tlv(b, 0x80, 1, 4, 0x00);
	return offs[3];
}

static int key_plain_port(struct env *e)
{
	return key_put(e, STAMP_PORT, 0, STAMPEDE_AUTH_ANY_SSID, key_b, sizeof(key_b));
}

/* Unauthenticated port with a key: verified, every TLV acted on, the reply's HMAC TLV computed. */
static void t_hmac_tlv_plain_verified(struct env *e, struct tc *t, const void *arg)
{
	int ipv = *(const int *)arg;
	size_t offs[5], at;

	if (!CHECK(t, !key_plain_port(e), "writing the key failed"))
		return;
	at = tb_hmac_set(&tb, offs);
	sign_tb(&tb, at, key_b, sizeof(key_b));
	tb_reflect(
		e, t, ipv, &tb,
		&(struct cnt){C(tlv_padding) = 2, C(tlv_answered) = 3, C(hmac_tlv_verified) = 1});
	keys_clear(e);
}

/*
 * One bit flipped in what the HMAC covers (the Sequence Number, a TLV's
 * Flags, Type or Value) or in the HMAC itself: every TLV back as sent with
 * I, not acted on.  Lengths are left alone (they would move the TLVs).
 */
static void t_hmac_tlv_plain_flipped(struct env *e, struct tc *t, __maybe_unused const void *arg)
{
	static struct tlvbuf fb;
	size_t offs[5], at, i, k;
	char what[64];
	struct tc one;

	if (!CHECK(t, !key_plain_port(e), "writing the key failed"))
		return;
	at = tb_hmac_set(&tb, offs);
	sign_tb(&tb, at, key_b, sizeof(key_b));
	for (i = 0; i < tb.n && !t->nfail; i++) {
		bool covered =
			i < 4 || (i >= CK_BASE_LEN && i < at) || (i >= at + 4 && i < at + 20);

		for (k = 0; k < 5; k++)
			if (i == offs[k] + 2 || i == offs[k] + 3)
				covered = false;
		if (!covered)
			continue;
		fb = tb;
		fb.pl[i] ^= (uint8_t)(1u << (i % 8));
		expect_failed(&fb, offs, 5, CK_BASE_LEN);
		memset(&one, 0, sizeof(one));
		one.name = t->name;
		tb_reflect(e, &one, i % 2 ? 6 : 4, &fb,
			   &(struct cnt){C(tlv_unrecognized) = 5, C(hmac_tlv_failed) = 1});
		if (one.nfail) {
			snprintf(what, sizeof(what), "octet %zu bit %zu flipped", i, i % 8);
			failf(t, "%s: %s", what, one.why);
		}
	}
	keys_clear(e);
}

/* A TLV other than Extra Padding after the HMAC TLV, or a Length other than 16: not verified. */
static void t_hmac_tlv_plain_misplaced(struct env *e, struct tc *t, __maybe_unused const void *arg)
{
	size_t offs[3];
	uint8_t v[20] = {0};

	if (!CHECK(t, !key_plain_port(e), "writing the key failed"))
		return;
	tb_init(&tb);
	offs[0] = tb.n;
	tb_tlv_value(&tb, STAMP_TLV_TIMESTAMP_INFO, ti_req, 4, 0, ti_rep);
	offs[1] = tb.n;
	tb_tlv_value(&tb, STAMP_TLV_HMAC, zero16, 16, 0, zero16);
	offs[2] = tb.n;
	tb_tlv_value(&tb, STAMP_TLV_ACCESS_REPORT, ar_req, 4, 0, ar_req);
	sign_tb(&tb, offs[1], key_b, sizeof(key_b));
	expect_failed(&tb, offs, 3, CK_BASE_LEN);
	tb_reflect(e, t, 4, &tb, &(struct cnt){C(tlv_unrecognized) = 3, C(hmac_tlv_failed) = 1});

	/* Length 20, the right MAC in its first 16 octets. */
	tb_init(&tb);
	offs[0] = tb.n;
	tb_tlv_value(&tb, STAMP_TLV_TIMESTAMP_INFO, ti_req, 4, 0, ti_rep);
	offs[1] = tb.n;
	tb_tlv_value(&tb, STAMP_TLV_HMAC, v, 20, 0, v);
	sign_tb(&tb, offs[1], key_b, sizeof(key_b));
	expect_failed(&tb, offs, 2, CK_BASE_LEN);
	tb_reflect(e, t, 6, &tb, &(struct cnt){C(tlv_unrecognized) = 2, C(hmac_tlv_failed) = 1});
	keys_clear(e);
}

/*
 * The bound (HMAC_TLV_MAX_TEXT, docs/datapath.md): 2048 octets of text
 * (the Sequence Number and 2044 of TLVs) are verified, one more is not.
 */
static void t_hmac_tlv_plain_bound(struct env *e, struct tc *t, __maybe_unused const void *arg)
{
	size_t offs[2], len;

	if (!CHECK(t, !key_plain_port(e), "writing the key failed"))
		return;
	for (len = 2040; len <= 2041; len++) {
		tb_init(&tb);
		offs[0] = tb.n;
		tb_tlv(&tb, 0x80, 1, (uint16_t)len, 0x00);
		offs[1] = tb.n;
		tb_tlv_value(&tb, STAMP_TLV_HMAC, zero16, 16, 0, zero16);
		sign_tb(&tb, offs[1], key_b, sizeof(key_b));
		if (len == 2040) {
			tb_reflect(e, t, 4, &tb,
				   &(struct cnt){C(tlv_padding) = 1, C(tlv_answered) = 1,
						 C(hmac_tlv_verified) = 1});
		} else {
			expect_failed(&tb, offs, 2, CK_BASE_LEN);
			tb_reflect(e, t, 4, &tb,
				   &(struct cnt){C(tlv_unrecognized) = 2, C(hmac_tlv_failed) = 1});
		}
	}
	keys_clear(e);
}

/* Authenticated: the base, then TLVs; the reply's base and HMAC TLV both signed. */
struct auth_tlv_case {
	int ipv;
	int flip;     /* payload octet to flip a bit of, 0: none */
	bool no_hmac; /* no HMAC TLV at all */
	uint32_t seq; /* the reflector's Sequence Number */
	bool stateful;
};

static void t_hmac_tlv_auth(struct env *e, struct tc *t, const void *arg)
{
	const struct auth_tlv_case *ac = arg;
	static struct pb_frame f;
	static struct run r;
	static uint8_t pl[A_LEN + 64], exp[64];
	size_t offs[3], n = A_LEN, nt, i;
	bool failed = ac->flip || ac->no_hmac;
	struct cnt x = {C(reflected) = 1};

	if (!CHECK(t, !keys_port(e, key_a, sizeof(key_a)), "writing the key failed"))
		return;
	auth_sender(pl, DEFAULT_SEQ, SSID, SENDER_EE, key_a, sizeof(key_a));
	offs[0] = n;
	pb_tlv(pl + n, 0x80, STAMP_TLV_TIMESTAMP_INFO, 4, 0);
	memset(pl + n + 4, 0, 4);
	n += 8;
	offs[1] = n;
	pb_tlv(pl + n, 0x80, 1, 3, 0x33);
	n += 7;
	nt = 2;
	if (!ac->no_hmac) {
		offs[2] = n;
		pb_tlv(pl + n, 0x80, STAMP_TLV_HMAC, 16, 0);
		mac_text(key_a, sizeof(key_a), pl, pl + A_LEN, n - A_LEN, pl + n + 4);
		n += 20;
		nt = 3;
	}
	if (ac->flip)
		pl[ac->flip] ^= 0x04;
	if (ac->stateful)
		x.d[STAMPEDE_CNT_session_new] = 1;
	memcpy(exp, pl + A_LEN, n - A_LEN);
	if (failed) {
		for (i = 0; i < nt; i++)
			exp[offs[i] - A_LEN] = TLV_I;
		x.d[STAMPEDE_CNT_tlv_unrecognized] = nt;
		x.d[STAMPEDE_CNT_hmac_tlv_failed] = 1;
	} else {
		for (i = 0; i < nt; i++)
			exp[offs[i] - A_LEN] = 0;
		memcpy(exp + offs[0] - A_LEN + 4, ti_rep, 4);
		x.d[STAMPEDE_CNT_tlv_answered] = 2;
		x.d[STAMPEDE_CNT_tlv_padding] = 1;
		x.d[STAMPEDE_CNT_hmac_tlv_verified] = 1;
	}
	auth_frame(&f, ac->ipv, pl, n);
	run_frame(e, f.b, f.len, &r);
	check_auth_reply(t, e, &f, &r, key_a, sizeof(key_a), ac->seq, &x);
	if (t->nfail)
		goto out;
	/* Over the reply's own Sequence Number (the session's when stateful) and TLVs. */
	if (!failed)
		mac_text(key_a, sizeof(key_a), r.out + f.pl, exp, offs[2] - A_LEN,
			 exp + offs[2] - A_LEN + 4);
	for (i = 0; i < n - A_LEN; i++)
		if (r.out[f.pl + A_LEN + i] != exp[i]) {
			failf(t, "reply TLV octet %zu (payload %zu) is 0x%02x, expected 0x%02x", i,
			      A_LEN + i, r.out[f.pl + A_LEN + i], exp[i]);
			break;
		}
out:
	keys_clear(e);
}

/*
 * Direct Measurement (RFC 8972 4.5) in a stateful session, unauthenticated
 * and authenticated: R_RxC is the number of the session's test packets the
 * reflector received, this one included, R_TxC of the replies it sent,
 * this one included.  A request whose Return Path asks for no reply (RFC
 * 9503 4.1) was received and counts; one naming another member link's
 * Reflector Micro-session ID (RFC 9534 3) came over the wrong link and is
 * that link's micro-session's, so it counts neither in R_RxC nor in the
 * session's record.  The counts are read from the reply by walking its
 * TLVs here.
 */
enum dm_kind { DM_ASK, DM_NO_REPLY, DM_OTHER_LINK };

static const struct {
	enum dm_kind kind;
	uint32_t rx, tx; /* DM_ASK: the R_RxC and R_TxC its reply must carry */
} dm_steps[] = {
	{DM_ASK, 1, 1},
	{DM_NO_REPLY, 0, 0},
	{DM_OTHER_LINK, 0, 0},
	{DM_ASK, 3, 2},
};

/*
 * The request of a step: the base (112 octets signed with key_a when
 * @auth), the step's TLV, and in authenticated mode the HMAC TLV without
 * which none would be acted on.  Returns its length.
 */
static size_t dm_request(uint8_t *pl, bool auth, enum dm_kind kind, uint32_t seq)
{
	size_t n = auth ? A_LEN : CK_BASE_LEN;

	if (auth)
		auth_sender(pl, seq, SSID, SENDER_EE, key_a, sizeof(key_a));
	else
		sender(pl, seq, SSID);
	switch (kind) {
	case DM_ASK:
		pb_tlv(pl + n, STAMP_TLV_FLAG_U, STAMP_TLV_DIRECT_MEASUREMENT, 12, 0);
		ck_put32(pl + n + 4, seq); /* S_TxC */
		memset(pl + n + 8, 0, 8);
		n += 16;
		break;
	case DM_NO_REPLY:
		pb_tlv(pl + n, STAMP_TLV_FLAG_U, STAMP_TLV_RETURN_PATH, 8, 0);
		put_sub(pl + n + 4, STAMP_TLV_FLAG_U, STAMP_RP_CONTROL_CODE, 4);
		ck_put32(pl + n + 8, 0); /* no reply requested */
		n += 12;
		break;
	case DM_OTHER_LINK:
		pb_tlv(pl + n, STAMP_TLV_FLAG_U, STAMP_TLV_MICRO_SESSION_ID, 4, 0);
		ck_put16(pl + n + 4, 0x1234);
		ck_put16(pl + n + 6, TLV_MICRO_SESSION + 1);
		n += 8;
		break;
	}
	if (auth) {
		pb_tlv(pl + n, STAMP_TLV_FLAG_U, STAMP_TLV_HMAC, 16, 0);
		mac_text(key_a, sizeof(key_a), pl, pl + A_LEN, n - A_LEN, pl + n + 4);
		n += 20;
	}
	return n;
}

/*
 * R_RxC and R_TxC of the Direct Measurement TLV among the @n octets of
 * TLVs at @p, found by walking them by their Lengths.  false when there is
 * none, or it was not answered (Flags not 0) or has another Length than 12.
 */
static bool reply_direct_counts(const uint8_t *p, size_t n, uint32_t *rx, uint32_t *tx)
{
	size_t at = 0, len;

	while (at + 4 <= n) {
		len = ck_get16(p + at + 2);
		if (at + 4 + len > n)
			return false;
		if (p[at + 1] == STAMP_TLV_DIRECT_MEASUREMENT) {
			if (p[at] || len != 12)
				return false;
			*rx = ck_get32(p + at + 8);
			*tx = ck_get32(p + at + 12);
			return true;
		}
		at += 4 + len;
	}
	return false;
}

/* The received and reflected counts of the session of the peer's @ipv address to @dport, SSID. */
static int dm_session_counts(const struct env *e, int ipv, uint16_t dport, uint64_t *received,
			     uint64_t *reflected)
{
	struct stampede_session_set set;
	uint32_t i, w, n_sets = bpf_map__max_entries(e->skel->maps.sessions);
	union stampede_addr src;
	uint8_t a[16];
	int found = 0;

	memset(&src, 0, sizeof(src));
	addr_peer(ipv, a);
	if (ipv == 4)
		addr_mapped(&src, a);
	else
		memcpy(src.b, a, 16);
	for (i = 0; i < n_sets; i++) {
		if (bpf_map_lookup_elem(e->sessions_fd, &i, &set))
			return -1;
		for (w = 0; w < STAMPEDE_SESSION_WAYS; w++)
			if (set.way[w].in_use && !memcmp(&set.way[w].key.src, &src, sizeof(src)) &&
			    set.way[w].key.sport == htons(SENDER_PORT) &&
			    set.way[w].key.dport == htons(dport) &&
			    set.way[w].key.ssid == htons(SSID)) {
				found++;
				*received = set.way[w].s.received;
				*reflected = set.way[w].s.reflected;
			}
	}
	return found;
}

/* One step's outcome: a reply with the counts of the step, or the drop it asks for. */
static void dm_check(struct tc *t, const struct env *e, const struct pb_frame *f,
		     const struct run *r, bool auth, size_t i, size_t n)
{
	static uint8_t exp[64];
	size_t base = auth ? A_LEN : CK_BASE_LEN, nt = n - base;
	bool is_new = i == 0;
	uint32_t rx = 0, tx = 0;
	struct cnt x = {0};

	x.d[STAMPEDE_CNT_tlv_answered] = 1 + auth;
	x.d[STAMPEDE_CNT_hmac_tlv_verified] = auth;
	if (dm_steps[i].kind != DM_ASK) {
		if (dm_steps[i].kind == DM_NO_REPLY) {
			x.d[STAMPEDE_CNT_no_reply] = 1;
		} else {
			/* The walk stops at it: the HMAC TLV after it is not answered. */
			x.d[STAMPEDE_CNT_micro_session] = 1;
			x.d[STAMPEDE_CNT_tlv_answered] = 1;
		}
		if (!check_ran(t, r))
			return;
		CHECK(t, r->retval == XDP_RET_DROP, "retval %u, expected XDP_DROP (1)", r->retval);
		check_counters(t, r->delta, &x);
		return;
	}
	if (!check_ran(t, r) || !CHECK(t, r->retval == XDP_RET_TX && r->out_len == f->len,
				       "retval %u, %u octets; expected XDP_TX (3) and %zu",
				       r->retval, r->out_len, f->len))
		return;
	/* The counts, read from the reply alone. */
	if (CHECK(t, reply_direct_counts(r->out + f->pl + base, nt, &rx, &tx),
		  "no answered Direct Measurement TLV in the reply"))
		CHECK(t, rx == dm_steps[i].rx && tx == dm_steps[i].tx,
		      "R_RxC %u and R_TxC %u, expected %u and %u", rx, tx, dm_steps[i].rx,
		      dm_steps[i].tx);
	/* The whole reply: the request's TLVs answered (Flags 0, the counts, the reply's HMAC). */
	memcpy(exp, f->b + f->pl + base, nt);
	exp[0] = 0;
	ck_put32(exp + 8, dm_steps[i].rx);
	ck_put32(exp + 12, dm_steps[i].tx);
	x.d[STAMPEDE_CNT_session_new] = is_new;
	if (auth) {
		x.d[STAMPEDE_CNT_reflected] = 1;
		exp[16] = 0;
		mac_text(key_a, sizeof(key_a), r->out + f->pl, exp, 16, exp + 20);
		check_auth_reply(t, e, f, r, key_a, sizeof(key_a), dm_steps[i].tx - 1, &x);
		CHECK(t, !memcmp(r->out + f->pl + base, exp, nt),
		      "the reply's TLVs are not the request's answered");
	} else {
		struct rexp rx_exp = {.seq_set = true, .seq = dm_steps[i].tx - 1, .tlv = exp};

		x.d[STAMPEDE_CNT_tlv_answered] = 1;
		rx_exp.extra = x;
		check_reply(t, e, f, r, &rx_exp);
	}
}

static void t_direct_stateful(struct env *e, struct tc *t, const void *arg)
{
	bool auth = *(const bool *)arg;
	uint16_t dport = auth ? AUTH_PORT : STAMP_PORT;
	uint64_t received = 0, reflected = 0;
	static struct pb_frame f;
	static struct run r;
	static uint8_t pl[A_LEN + 64];
	struct pb_spec s;
	struct tc one;
	size_t i, n;
	int ipv;

	if (auth && !CHECK(t, !keys_port(e, key_a, sizeof(key_a)), "writing the key failed"))
		return;
	for (ipv = 4; ipv <= 6 && !t->nfail; ipv += 2) {
		for (i = 0; i < ARRAY_SIZE(dm_steps) && !t->nfail; i++) {
			n = dm_request(pl, auth, dm_steps[i].kind, (uint32_t)i + 1);
			spec_std(&s, ipv, pl, n);
			s.dport = dport;
			build(&f, &s);
			run_frame(e, f.b, f.len, &r);
			memset(&one, 0, sizeof(one));
			one.name = t->name;
			dm_check(&one, e, &f, &r, auth, i, n);
			if (one.nfail)
				failf(t, "IPv%d, request %zu: %s", ipv, i + 1, one.why);
		}
		if (t->nfail)
			break;
		if (CHECK(t, dm_session_counts(e, ipv, dport, &received, &reflected) == 1,
			  "IPv%d: the session is not in the table once", ipv))
			CHECK(t, received == 3 && reflected == 2,
			      "IPv%d: the session has %llu received, %llu reflected; expected 3, 2",
			      ipv, (unsigned long long)received, (unsigned long long)reflected);
	}
	keys_clear(e);
}

static const struct test tests[] = {
	{"auth_reflected_signed", CFG_AUTH, t_auth_reflected,
	 ARG(struct key_case, key_a, sizeof(key_a))},
	{"auth_reflected_signed_16_octet_key", CFG_AUTH, t_auth_reflected,
	 ARG(struct key_case, key_b, sizeof(key_b))},
	{"auth_reflected_signed_100_octet_key", CFG_AUTH, t_auth_reflected,
	 ARG(struct key_case, key_long, sizeof(key_long))},
	{"auth_wrong_key_dropped", CFG_AUTH, t_auth_wrong_key, NULL},
	{"auth_flipped_bit_each_octet_dropped", CFG_AUTH, t_auth_flipped_bit, NULL},
	{"auth_truncated_dropped", CFG_AUTH, t_auth_truncated, NULL},
	{"auth_ssid_keys", CFG_AUTH, t_auth_ssid_keys, NULL},
	{"auth_multiplier_zero_dropped", CFG_AUTH, t_auth_multiplier_zero, NULL},
	{"auth_no_key_or_tlvs_passed", CFG_AUTH, t_auth_passed, NULL},
	{"auth_v4_no_udp_checksum", CFG_AUTH, t_auth_no_udp_csum, NULL},
	{"auth_stateful_replay", CFG_AUTH_STATEFUL, t_auth_stateful_replay, NULL},
	{"hmac_tlv_plain_keyed_verified_v4", CFG_AUTH, t_hmac_tlv_plain_verified, ARG(int, 4)},
	{"hmac_tlv_plain_keyed_verified_v6", CFG_AUTH, t_hmac_tlv_plain_verified, ARG(int, 6)},
	{"hmac_tlv_plain_keyed_flipped_bit_i", CFG_AUTH, t_hmac_tlv_plain_flipped, NULL},
	{"hmac_tlv_plain_keyed_not_last_or_bad_len_i", CFG_AUTH, t_hmac_tlv_plain_misplaced, NULL},
	{"hmac_tlv_plain_keyed_text_bound", CFG_AUTH, t_hmac_tlv_plain_bound, NULL},
	{"hmac_tlv_auth_verified_v4", CFG_AUTH, t_hmac_tlv_auth,
	 ARG(struct auth_tlv_case, 4, 0, false, DEFAULT_SEQ, false)},
	{"hmac_tlv_auth_verified_v6", CFG_AUTH, t_hmac_tlv_auth,
	 ARG(struct auth_tlv_case, 6, 0, false, DEFAULT_SEQ, false)},
	{"hmac_tlv_auth_flipped_tlv_bit_i", CFG_AUTH, t_hmac_tlv_auth,
	 ARG(struct auth_tlv_case, 4, A_LEN + 5, false, DEFAULT_SEQ, false)},
	{"hmac_tlv_auth_missing_i", CFG_AUTH, t_hmac_tlv_auth,
	 ARG(struct auth_tlv_case, 6, 0, true, DEFAULT_SEQ, false)},
	{"hmac_tlv_auth_stateful_reply_seq", CFG_AUTH_STATEFUL, t_hmac_tlv_auth,
	 ARG(struct auth_tlv_case, 4, 0, false, 0, true)},
	{"direct_stateful_own_link_counts", CFG_AUTH_STATEFUL_MICRO, t_direct_stateful,
	 ARG(bool, false)},
	{"direct_stateful_own_link_counts_auth", CFG_AUTH_STATEFUL_MICRO, t_direct_stateful,
	 ARG(bool, true)},
};

const struct xdp_rule xdp_rule_auth = {"auth", tests, ARRAY_SIZE(tests)};
