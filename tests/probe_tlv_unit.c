// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of the probe's STAMP TLVs: every `tlv` word built into a
 * request and compared octet for octet with the layout written out by hand
 * from RFC 8972, RFC 9503, RFC 9534 and the asymmetrical-packets and
 * CoS/ECN drafts; S_TxC per request; the size rules with TLVs; bad words
 * and their one error line; reply TLVs decoded into text and JSON, short,
 * long and overrunning ones included, and every type at every small length
 * read from a buffer of exactly that length (run under ASan to see an
 * over-read); hmac-key and auth-key, their words parsed apart from their
 * key file as the agent's targets are.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "check.h"
#include "cli.h"
#include "output.h"
#include "probe.h"
#include "probe_figures.h"
#include "probe_packet.h"
#include "probe_report.h"
#include "probe_stats.h"
#include "probe_tlv.h"
#include "sha256.h"
#include "harness.h"

static void result(bool ok, const char *name, const char *why)
{
	char full[128];

	snprintf(full, sizeof(full), "probe_tlv/%s", name);
	th_result(full, ok, "%s", why);
}

/* Hex with blanks for reading ("80 04 00 04 b8 00 00 00") into octets: the count. */
static size_t unhex(const char *text, uint8_t *out, size_t cap)
{
	size_t n = 0;
	unsigned int v;

	while (*text && n < cap) {
		if (*text == ' ') {
			text++;
			continue;
		}
		if (sscanf(text, "%2x", &v) != 1)
			break;
		out[n++] = (uint8_t)v;
		text += 2;
	}
	return n;
}

/* Run `probe 192.0.2.1 WORDS...` (@words space-separated): probe_parse()'s result. */
static int parse_words(const char *words, struct probe_opts *o)
{
	char buf[8192], *argv[64], *save = NULL, *w;
	struct cli_args args = {.argv = argv, .cmd = "probe"};

	snprintf(buf, sizeof(buf), "192.0.2.1 %s", words);
	for (w = strtok_r(buf, " ", &save); w && args.argc < 64; w = strtok_r(NULL, " ", &save))
		argv[args.argc++] = w;
	return probe_parse(&args, o);
}

/* Parse @words with stderr caught: -1 and the error line in @msg, or 0. */
static int parse_catching(const char *words, struct probe_opts *o, char *msg, size_t cap)
{
	FILE *tmp = tmpfile();
	int saved = dup(STDERR_FILENO), rc;
	size_t n;

	fflush(stderr);
	dup2(fileno(tmp), STDERR_FILENO);
	rc = parse_words(words, o);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	rewind(tmp);
	n = fread(msg, 1, cap - 1, tmp);
	msg[n] = '\0';
	if (n && msg[n - 1] == '\n')
		msg[n - 1] = '\0';
	fclose(tmp);
	return rc;
}

/* ---- requests, octet for octet ------------------------------------------------ */

static const struct {
	const char *words;
	const char *octets; /* the TLV area of the request, S_TxC 7 */
} builds[] = {
	{"tlv padding,8", "80 01 00 08 0000000000000000"},
	{"tlv pad,0", "80 01 00 00"},
	/* Ports zero; Source MAC (1, 8), Destination IP (4, 16), Source IP (7, 16), U set. */
	{"tlv location", "80 02 00 38 0000 0000"
			 " 80 01 00 08 0000000000000000"
			 " 80 04 00 10 00000000000000000000000000000000"
			 " 80 07 00 10 00000000000000000000000000000000"},
	{"tlv timestamp-info", "80 03 00 04 00000000"},
	/* EF 46 << 2 = 0xb8 in the top six bits. */
	{"tlv cos,EF", "80 04 00 04 b8 00 00 00"},
	/* AF41 (34) and EC1 2: byte 2 = 10xx xxxx. */
	{"tlv cos,af41,2", "80 04 00 04 88 00 80 00"},
	{"tlv cos,63,3", "80 04 00 04 fc 00 c0 00"},
	{"tlv direct", "80 05 00 0c 00000007 00000000 00000000"},
	{"tlv access,3gpp,available", "80 06 00 04 10 01 00 00"},
	{"tlv access,non-3gpp,unavail", "80 06 00 04 20 02 00 00"},
	{"tlv access,15,255", "80 06 00 04 f0 ff 00 00"},
	{"tlv follow-up", "80 07 00 10 00000000 0000000000000000 00 000000"},
	{"tlv dest-addr,198.18.0.1", "80 09 00 04 c6 12 00 01"},
	{"tlv dest-addr,2001:db8::1", "80 09 00 10 20010db8 00000000 00000000 00000001"},
	/* Return Path: one sub-TLV, U set as on any TLV the sender sends. */
	{"tlv return-path,no-reply", "80 0a 00 08 80 01 00 04 00000000"},
	{"tlv return-path,same-link", "80 0a 00 08 80 01 00 04 00000001"},
	{"tlv return-path,addr=198.18.0.2", "80 0a 00 08 80 02 00 04 c6 12 00 02"},
	{"tlv return-path,addr=2001:db8::2",
	 "80 0a 00 14 80 02 00 10 20010db8 00000000 00000000 00000002"},
	{"tlv micro-session,258", "80 0b 00 04 0102 0000"},
	{"tlv micro-session,1,65535", "80 0b 00 04 0001 ffff"},
	/*
	 * Length, count (default 1), interval in ns (default 0), and an empty
	 * sub-TLV: draft-ietf-ippm-asymmetrical-pkts-14 section 3 wants 12 octets.
	 */
	{"tlv reflected-control,1000", "80 0c 00 0c 03e8 0001 00000000 80000000"},
	{"tlv reflected-control,100,3,1000000", "80 0c 00 0c 0064 0003 000f4240 80000000"},
	{"tlv raw,240,0102ff", "80 f0 00 03 01 02 ff"},
	{"tlv raw,240", "80 f0 00 00"},
	{"tlv 200", "80 c8 00 00"},
	{"tlv 7,0xAB", "80 07 00 01 ab"},
	/* In the order given; size 80 leaves 12 octets: a padding TLV of 8. */
	{"tlv cos,EF size 80 tlv direct",
	 "80 04 00 04 b8000000 80 05 00 0c 00000007 00000000 00000000"
	 " 80 01 00 08 0000000000000000"},
	/* Exactly the TLVs: no padding. */
	{"tlv micro-session,1 size 52", "80 0b 00 04 0001 0000"},
};

static void test_builds(void)
{
	static uint8_t buf[PROBE_MAX_SIZE], want[PROBE_MAX_SIZE];
	struct probe_tlv tlvs[PROBE_TLV_MAX];
	uint8_t values[PROBE_TLV_VALUES_MAX];
	struct probe_request req = {.seq = 1};
	struct probe_opts o;
	char name[96], why[256];
	size_t i, n_want;
	int len;

	for (i = 0; i < sizeof(builds) / sizeof(builds[0]); i++) {
		snprintf(name, sizeof(name), "build/%s", builds[i].words + 4);
		n_want = unhex(builds[i].octets, want, sizeof(want));
		if (parse_words(builds[i].words, &o)) {
			result(false, name, "refused");
			continue;
		}
		req.size = o.size;
		req.n_tlvs = probe_tlv_render(&o.tlvs, 7, tlvs, values);
		req.tlvs = tlvs;
		len = probe_request_build(&req, buf, sizeof(buf));
		snprintf(why, sizeof(why), "request of %d octets (size %u), want %zu", len, o.size,
			 CK_BASE_LEN + n_want);
		if (len == (int)(CK_BASE_LEN + n_want) && memcmp(buf + CK_BASE_LEN, want, n_want)) {
			char got[160];

			probe_hex(buf + CK_BASE_LEN, n_want, got, sizeof(got));
			snprintf(why, sizeof(why), "octets %s", got);
			len = -1;
		}
		result(len == (int)(CK_BASE_LEN + n_want), name, why);
	}
}

/* S_TxC is what the loop passes for each request; the rest stays as parsed. */
static void test_sender_tx(void)
{
	struct probe_tlv tlvs[PROBE_TLV_MAX];
	uint8_t values[PROBE_TLV_VALUES_MAX];
	struct probe_opts o;
	size_t n;
	bool ok;

	ok = !parse_words("tlv cos,EF tlv direct tlv direct", &o);
	n = probe_tlv_render(&o.tlvs, 1, tlvs, values);
	ok = ok && n == 3 && ck_get32(tlvs[1].value) == 1 && ck_get32(tlvs[2].value) == 1;
	n = probe_tlv_render(&o.tlvs, 100000, tlvs, values);
	ok = ok && n == 3 && ck_get32(tlvs[1].value) == 100000 &&
	     ck_get32(tlvs[2].value) == 100000 && !ck_get32(tlvs[1].value + 4) &&
	     tlvs[0].value[0] == 0xb8;
	result(ok, "render/sender-tx", "S_TxC not written per request into each Direct TLV");
	/* Without size: base and TLVs exactly; the replies may move with dest-addr. */
	ok = !parse_words("tlv cos,EF tlv follow-up", &o) && o.size == 44 + 8 + 20 &&
	     !probe_socket_cfg_of(&o).any_source;
	result(ok, "size/default-fits-tlvs", "the default size must be the base and the TLVs");
	ok = !parse_words("tlv dest-addr,192.0.2.1", &o) && probe_socket_cfg_of(&o).any_source &&
	     !parse_words("tlv return-path,same-link", &o) && probe_socket_cfg_of(&o).any_source;
	result(ok, "socket/unconnected-for-redirects",
	       "dest-addr and return-path must leave the socket unconnected");
	ok = !parse_words("tlv return-path,no-reply tlv reflected-control,100,0", &o);
	result(ok, "combination/no-reply-with-count-0", "a count of 0 asks for no reflection");
}

/* ---- bad words ---------------------------------------------------------------- */

static const struct {
	const char *words;
	const char *error; /* the start of the one error line, after "stampede: error: " */
} bad_words[] = {
	{"tlv", "'tlv' needs a value"},
	{"tlv foo", "bad tlv 'foo': expected padding, location, timestamp-info, cos, direct,"},
	{"tlv r", "ambiguous tlv 'r': return-path, reflected-control, raw"},
	{"tlv cos", "bad tlv 'cos': expected cos,DSCP[,ECN]"},
	{"tlv cos,EF,1,2", "bad tlv 'cos,EF,1,2': expected cos,DSCP[,ECN]"},
	{"tlv cos,XX", "bad cos dscp 'XX': expected CS0-CS7, AF11-AF43, EF, VA, LE or 0-63"},
	{"tlv cos,64", "bad cos dscp '64': expected 0-63"},
	{"tlv cos,EF,4", "bad cos ecn '4': expected 0-3"},
	{"tlv location,1", "bad tlv 'location,1': expected location"},
	{"tlv padding,8993", "bad padding length '8993': expected 0-8952"},
	{"tlv padding,8000 tlv padding,1000",
	 "the TLVs asked for take 9052 octets with the base, more than the largest size 9000"},
	{"tlv dest-addr,1.2.3", "bad dest-addr '1.2.3': expected an IPv4 or IPv6 address"},
	{"tlv dest-addr,example.net", "bad dest-addr 'example.net': expected an IPv4 or IPv6"},
	{"tlv return-path,addr=x", "bad return-path address 'x': expected an IPv4 or IPv6"},
	{"tlv return-path,sideways", "bad return-path 'sideways': expected no-reply or same-link"},
	{"tlv return-path,same-link tlv return-path,no-reply",
	 "'tlv return-path' given twice: a request carries one at most"},
	{"tlv return-path,no-reply tlv reflected-control,100",
	 "'tlv return-path,no-reply' and 'tlv reflected-control' with a count contradict"},
	{"tlv access,3gpp", "bad tlv 'access,3gpp': expected access,ID,CODE"},
	{"tlv access,wifi,available", "bad access id 'wifi': expected 3gpp, non-3gpp or 1-15"},
	{"tlv access,5g,available", "bad access id '5g': expected 3gpp, non-3gpp or 1-15"},
	{"tlv access,1,x", "bad access code 'x': expected available, unavailable or 0-255"},
	{"tlv access,16,1", "bad access id '16': expected 1-15"},
	{"tlv access,1,256", "bad access code '256': expected 0-255"},
	{"tlv micro-session,65536", "bad micro-session sender id '65536': expected 0-65535"},
	{"tlv micro-session,1,-1", "bad micro-session reflector id '-1': expected 0-65535"},
	{"tlv reflected-control,1,2,4294967296",
	 "bad reflected-control interval '4294967296': expected 0-4294967295"},
	{"tlv raw,0", "bad tlv type '0': expected 1-255"},
	{"tlv 256", "bad tlv type '256': expected 1-255"},
	{"tlv raw,240,abc", "bad raw value 'abc': expected an even number of hex digits"},
	{"tlv raw,240,zz", "bad raw value 'zz': expected hex digits"},
	{"size 50 tlv cos,EF",
	 "size 50 cannot hold the TLVs asked for (52 octets with the base): use 52, or 56 and up"},
	{"tlv cos,EF size 54", "size 54 cannot hold the TLVs asked for"},
	{"ttl 1 ttl 2", "'ttl' given twice"},
};

static void test_bad_words(void)
{
	struct probe_opts o;
	char msg[1024], name[96], why[1200];
	const char *line;
	size_t i;

	for (i = 0; i < sizeof(bad_words) / sizeof(bad_words[0]); i++) {
		int rc = parse_catching(bad_words[i].words, &o, msg, sizeof(msg));

		line = strncmp(msg, "stampede: error: ", 17) ? msg : msg + 17;
		snprintf(name, sizeof(name), "error/%s", bad_words[i].words);
		snprintf(why, sizeof(why), "rc %d, said '%s'", rc, msg);
		result(rc < 0 && !strncmp(line, bad_words[i].error, strlen(bad_words[i].error)) &&
			       !strchr(msg, '\n'),
		       name, why);
	}
}

/* The limits of a request's TLVs: their number and the octets stored. */
static void test_limits(void)
{
	char words[8192], msg[1024], why[1100];
	struct probe_opts o;
	size_t at = 0;
	int i, rc;

	for (i = 0; i < PROBE_TLV_MAX; i++)
		at += snprintf(words + at, sizeof(words) - at, "tlv direct ");
	result(!parse_words(words, &o) && o.tlvs.n == PROBE_TLV_MAX, "limit/15-tlvs",
	       "15 TLVs must be taken");
	snprintf(words + at, sizeof(words) - at, "tlv direct");
	rc = parse_catching(words, &o, msg, sizeof(msg));
	snprintf(why, sizeof(why), "said '%s'", msg);
	result(rc < 0 && strstr(msg, "too many TLVs: at most 15 per request"), "limit/16-tlvs",
	       why);

	/* Eleven raw values of 100 octets: past the 1024 octets stored. */
	at = 0;
	for (i = 0; i < 11; i++) {
		int j;

		at += snprintf(words + at, sizeof(words) - at, "tlv 240,");
		for (j = 0; j < 100; j++)
			at += snprintf(words + at, sizeof(words) - at, "ab");
		at += snprintf(words + at, sizeof(words) - at, " ");
	}
	rc = parse_catching(words, &o, msg, sizeof(msg));
	snprintf(why, sizeof(why), "said '%s'", msg);
	result(rc < 0 && strstr(msg, "TLV values too long: at most 1024 octets in all"),
	       "limit/values-stored", why);
}

/* ---- decoding replies --------------------------------------------------------- */

static const struct probe_tlv_clock ntp_clock = {.near_ns = 1700000000LL * 1000000000};
static const struct probe_tlv_clock ptp_clock = {
	.ptp = true,
	.tai_offset_ns = 37ULL * 1000000000,
	.near_ns = 1700000000LL * 1000000000,
};

static const struct {
	const char *name;
	const char *tlv; /* header and value as received */
	const struct probe_tlv_clock *clk;
	const char *line;
} decodes[] = {
	/* cos-ecn draft's example: DSCP1 46, DSCP2 20, EC2 1, RPD 0, EC1 2, RPE 3. */
	{"cos/draft-vector", "00 04 00 04 b9 44 b0 00", NULL,
	 "cos: dscp1 46 dscp2 20 ecn 1 rp 0 (re-marked) ec1 2 rpe 3 (ecn applied)"},
	{"cos/refused", "00 04 00 04 b8 51 20 00", NULL,
	 "cos: dscp1 46 dscp2 5 ecn 0 rp 1 (refused) ec1 0 rpe 2 (ecn refused)"},
	{"cos/short", "00 04 00 03 b8 00 00", NULL,
	 "cos: length_error short: 3 octets, expected 4"},
	{"cos/long", "00 04 00 05 b8 00 00 00 00", NULL,
	 "cos: length_error long: 5 octets, expected 4"},
	{"cos/unrecognized", "80 04 00 04 b8 00 00 00", NULL,
	 "cos: not understood by the reflector (U)"},
	{"cos/malformed", "40 04 00 04 b8 00 00 00", NULL,
	 "cos: malformed, says the reflector (M)"},
	{"cos/integrity", "20 04 00 04 b8 00 00 00", NULL, "cos: integrity check failed (I)"},
	{"location/ipv4",
	 "00 02 00 38 035e c350"
	 " 00 03 00 08 0011223344556677"
	 " 00 05 00 10 c6120001 000000000000000000000000"
	 " 00 08 00 10 c6120002 000000000000000000000000",
	 NULL,
	 "location: dst_port 862 src_port 50000; src-eui64 mac 00:11:22:33:44:55:66:77;"
	 " dst-ipv4 address 198.18.0.1; src-ipv4 address 198.18.0.2"},
	{"location/ipv6-eui48",
	 "00 02 00 24 035e c350"
	 " 00 02 00 08 aabbccddeeff 0000"
	 " 00 09 00 10 20010db8000000000000000000000002",
	 NULL,
	 "location: dst_port 862 src_port 50000; src-eui48 mac aa:bb:cc:dd:ee:ff;"
	 " src-ipv6 address 2001:db8::2"},
	/* The reflector knew the TLV but not this sub-TLV: U on the sub-TLV. */
	{"location/sub-unrecognized", "00 02 00 10 0000 0000 80 01 00 08 0000000000000000", NULL,
	 "location: dst_port 0 src_port 0; src-mac unrecognized (not filled in)"},
	{"location/sub-short", "00 02 00 0c 0000 0000 00 05 00 04 c6120001", NULL,
	 "location: dst_port 0 src_port 0; dst-ipv4 length_error short: 4 octets, expected 16"},
	{"location/sub-overrun", "00 02 00 0c 0000 0000 00 05 00 20 c6120001", NULL,
	 "location: dst_port 0 src_port 0 sub_tlvs_malformed"},
	{"location/sub-header-cut", "00 02 00 06 0000 0000 00 05", NULL,
	 "location: dst_port 0 src_port 0 sub_tlvs_malformed"},
	{"location/short", "00 02 00 02 035e", NULL,
	 "location: length_error short: 2 octets, expected at least 4"},
	{"location/sub-unknown", "00 02 00 0a 0000 0000 00 c8 00 02 abcd", NULL,
	 "location: dst_port 0 src_port 0; sub-tlv 200 value_hex abcd"},
	{"location/nine-subs",
	 "00 02 00 28 0000 0000 00c80000 00c80000 00c80000 00c80000 00c80000 00c80000"
	 " 00c80000 00c80000 00c90000",
	 NULL,
	 "location: dst_port 0 src_port 0 sub_tlvs_not_decoded 1; sub-tlv 200; sub-tlv 200;"
	 " sub-tlv 200; sub-tlv 200; sub-tlv 200; sub-tlv 200; sub-tlv 200; sub-tlv 200"},
	{"timestamp-info/named", "00 03 00 04 01 02 05 01", NULL,
	 "timestamp-info: sync_src_in ntp timestamp_in sw-local sync_src_out free-running"
	 " timestamp_out hw-assist"},
	{"timestamp-info/numbers-and-more", "00 03 00 08 07 09 00 03 00000000", NULL,
	 "timestamp-info: sync_src_in 7 timestamp_in 9 sync_src_out 0 timestamp_out"
	 " control-plane sub_tlv_octets 4"},
	{"timestamp-info/short", "00 03 00 02 0102", NULL,
	 "timestamp-info: length_error short: 2 octets, expected at least 4"},
	{"direct", "00 05 00 0c 00000007 00000006 00000005", NULL,
	 "direct: sender_tx 7 reflector_rx 6 reflector_tx 5"},
	{"direct/short", "00 05 00 08 00000007 00000006", NULL,
	 "direct: length_error short: 8 octets, expected 12"},
	{"access/named", "00 06 00 04 10 01 0000", NULL, "access: id 3gpp return_code available"},
	/* The low nibble is reserved, ignored on receipt. */
	{"access/numbers", "00 06 00 04 3f 07 0000", NULL, "access: id 3 return_code 7"},
	/* NTP 2023-11-14T22:13:20 and a quarter; mode SW Local. */
	{"follow-up/ntp", "00 07 00 10 00000009 e8fe6f80 40000000 02 000000", &ntp_clock,
	 "follow-up: seq 9 timestamp_ns 1700000000250000000"
	 " timestamp 2023-11-14T22:13:20.250000000Z mode sw-local"},
	/* The reply's Z: PTP, TAI 37 s ahead. */
	{"follow-up/ptp", "00 07 00 10 0000000a 6553f125 075bcd15 01 000000", &ptp_clock,
	 "follow-up: seq 10 timestamp_ns 1700000000123456789"
	 " timestamp 2023-11-14T22:13:20.123456789Z mode hw-assist"},
	{"follow-up/none-yet", "00 07 00 10 00000000 00000000 00000000 00 000000", &ntp_clock,
	 "follow-up: seq 0 timestamp_ns none timestamp none mode 0"},
	{"follow-up/short", "00 07 00 0c 00000009 e8fe6f80 40000000", &ntp_clock,
	 "follow-up: length_error short: 12 octets, expected 16"},
	{"hmac", "00 08 00 10 000102030405060708090a0b0c0d0e0f", NULL,
	 "hmac: hmac 000102030405060708090a0b0c0d0e0f"},
	{"dest-addr/ipv4", "00 09 00 04 c6120001", NULL, "dest-addr: address 198.18.0.1"},
	{"dest-addr/ipv6", "00 09 00 10 20010db8000000000000000000000001", NULL,
	 "dest-addr: address 2001:db8::1"},
	{"dest-addr/bad-length", "00 09 00 05 c612000100", NULL,
	 "dest-addr: length_error 5 octets, expected 4 or 16"},
	{"dest-addr/refused", "80 09 00 04 c6120001", NULL,
	 "dest-addr: not understood by the reflector (U)"},
	{"return-path/same-link", "00 0a 00 08 00 01 00 04 00000001", NULL,
	 "return-path: control-code control_code same-link"},
	/* Only the low bit counts. */
	{"return-path/reserved-bits", "00 0a 00 08 00 01 00 04 fffffffe", NULL,
	 "return-path: control-code control_code no-reply"},
	{"return-path/address-and-labels",
	 "00 0a 00 20 00 02 00 10 20010db8000000000000000000000002"
	 " 00 03 00 08 00064140 000c8140",
	 NULL,
	 "return-path: return-address address 2001:db8::2; sr-mpls-labels entries 2"
	 " value_hex 00064140000c8140"},
	{"return-path/srv6-bad", "00 0a 00 0c 00 04 00 08 0000000000000000", NULL,
	 "return-path: srv6-segments length_error 8 octets, expected a multiple of 16 entries 0"
	 " value_hex 0000000000000000"},
	{"return-path/cc-short", "00 0a 00 06 00 01 00 02 0001", NULL,
	 "return-path: control-code length_error short: 2 octets, expected 4"},
	{"micro-session", "00 0b 00 04 0001 0002", NULL,
	 "micro-session: sender_id 1 reflector_id 2"},
	{"micro-session/long", "00 0b 00 06 0001 0002 0003", NULL,
	 "micro-session: length_error long: 6 octets, expected 4"},
	{"reflected-control/c-flag", "10 0c 00 0c 03e8 0003 000f4240 80000000", NULL,
	 "reflected-control [C]: packet_length 1000 count 3 interval_ns 1000000 sub_tlv_octets 4"},
	{"reflected-control/with-sub-tlvs", "00 0c 00 0c 0064 0001 00000000 00000000", NULL,
	 "reflected-control: packet_length 100 count 1 interval_ns 0 sub_tlv_octets 4"},
	{"reflected-control/short", "00 0c 00 06 0064 0001 0000", NULL,
	 "reflected-control: length_error short: 6 octets, expected at least 12"},
	{"reflected-control/fixed-fields-only", "00 0c 00 08 0064 0001 00000000", NULL,
	 "reflected-control: length_error short: 8 octets, expected at least 12"},
	{"padding", "00 01 00 08 0000000000000000", NULL, "padding: length 8"},
	{"unknown/long",
	 "00 c8 00 28 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	 " 2021222324252627",
	 NULL,
	 "type 200: length 40"
	 " value_hex 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f..."},
	{"unknown/empty", "00 fa 00 00", NULL, "type 250: length 0"},
};

/* Decode the TLV written out in @hex, its Value in a buffer of exactly its size. */
static void decode_hex(const char *hex, const struct probe_tlv_clock *clk,
		       struct probe_tlv_decoded *d)
{
	static const struct probe_tlv_clock none;
	uint8_t raw[256], *value;
	size_t n = unhex(hex, raw, sizeof(raw));
	struct probe_tlv_seen t = {
		.flags = raw[0],
		.type = raw[1],
		.length = ck_get16(raw + 2),
		.offset = 4,
	};

	value = malloc(n - 4 ? n - 4 : 1);
	memcpy(value, raw + 4, n - 4);
	probe_tlv_decode(&t, value, n - 4, clk ? clk : &none, d);
	free(value);
}

static void test_decodes(void)
{
	struct probe_tlv_decoded d;
	char line[512], name[96], why[1200];
	size_t i;

	for (i = 0; i < sizeof(decodes) / sizeof(decodes[0]); i++) {
		decode_hex(decodes[i].tlv, decodes[i].clk, &d);
		probe_tlv_format(&d, line, sizeof(line));
		snprintf(name, sizeof(name), "decode/%s", decodes[i].name);
		snprintf(why, sizeof(why), "got '%s', want '%s'", line, decodes[i].line);
		result(!strcmp(line, decodes[i].line), name, why);
	}
}

/* A Value beyond the copy of the area kept with the reply: said, not read. */
static void test_decode_not_kept(void)
{
	const struct probe_tlv_seen t = {.type = 4, .length = 4, .offset = 1022};
	const uint8_t two[2] = {0xb8, 0};
	struct probe_tlv_decoded d;
	char line[256];

	probe_tlv_decode(&t, two, 2, &ntp_clock, &d);
	probe_tlv_format(&d, line, sizeof(line));
	result(!strcmp(line, "cos: value_error not kept: past the first 1024 octets of TLVs"),
	       "decode/value-not-kept", line);
}

/* Every type, every length up to 48, from buffers of exactly that length. */
static void test_decode_every_length(void)
{
	struct probe_tlv_clock clk = ntp_clock;
	struct probe_tlv_decoded d;
	struct probe_tlv_seen t;
	char line[512];
	unsigned int type, len, seed = 1;
	bool ok = true;

	for (type = 0; type < 256; type++) {
		for (len = 0; len <= 48; len++) {
			uint8_t *v = malloc(len ? len : 1);
			unsigned int i;

			for (i = 0; i < len; i++) {
				seed = seed * 1103515245 + 12345;
				v[i] = (uint8_t)(seed >> 16);
			}
			t = (struct probe_tlv_seen){.type = type, .length = len};
			probe_tlv_decode(&t, v, len, &clk, &d);
			probe_tlv_format(&d, line, sizeof(line));
			ok &= d.n <= PROBE_TLV_FIELDS_MAX && strlen(line) < sizeof(line);
			/* And with the copy cut short: nothing past it read. */
			if (len) {
				probe_tlv_decode(&t, v, len - 1, &clk, &d);
				ok &= d.n == (type == STAMP_TLV_EXTRA_PADDING ? 0 : 1);
			}
			free(v);
		}
	}
	result(ok, "decode/every-type-and-length", "a field count or a line overran");
}

/* The JSON of a decoded TLV: header keys kept, the fields added, sub-TLVs nested. */
static void test_json(void)
{
	static const struct {
		const char *name, *tlv, *json;
	} cases[] = {
		{"json/cos", "00 04 00 04 b9 44 b0 00",
		 "{\"type\":4,\"name\":\"cos\",\"length\":4,\"unrecognized\":false,"
		 "\"malformed\":false,\"integrity_failed\":false,\"c_flag\":false,"
		 "\"dscp1\":46,\"dscp2\":20,\"ecn\":1,\"rp\":0,\"ec1\":2,\"rpe\":3}"},
		{"json/location",
		 "00 02 00 24 035e c350 00 03 00 08 0011223344556677"
		 " 00 05 00 10 c6120001 000000000000000000000000",
		 "{\"type\":2,\"name\":\"location\",\"length\":36,\"unrecognized\":false,"
		 "\"malformed\":false,\"integrity_failed\":false,\"c_flag\":false,"
		 "\"dst_port\":862,\"src_port\":50000,\"sub_tlvs\":["
		 "{\"type\":3,\"name\":\"src-eui64\",\"length\":8,\"unrecognized\":false,"
		 "\"malformed\":false,\"mac\":\"00:11:22:33:44:55:66:77\"},"
		 "{\"type\":5,\"name\":\"dst-ipv4\",\"length\":16,\"unrecognized\":false,"
		 "\"malformed\":false,\"address\":\"198.18.0.1\"}]}"},
		{"json/follow-up-none", "00 07 00 10 00000000 00000000 00000000 07 000000",
		 "{\"type\":7,\"name\":\"follow-up\",\"length\":16,\"unrecognized\":false,"
		 "\"malformed\":false,\"integrity_failed\":false,\"c_flag\":false,"
		 "\"seq\":0,\"timestamp_ns\":null,\"timestamp\":null,\"mode\":7}"},
		{"json/unknown-unrecognized", "80 c8 00 02 abcd",
		 "{\"type\":200,\"name\":null,\"length\":2,\"unrecognized\":true,"
		 "\"malformed\":false,\"integrity_failed\":false,\"c_flag\":false}"},
		{"json/timestamp-info", "00 03 00 04 02 01 63 00",
		 "{\"type\":3,\"name\":\"timestamp-info\",\"length\":4,\"unrecognized\":false,"
		 "\"malformed\":false,\"integrity_failed\":false,\"c_flag\":false,"
		 "\"sync_src_in\":\"ptp\",\"timestamp_in\":\"hw-assist\",\"sync_src_out\":99,"
		 "\"timestamp_out\":0}"},
	};
	struct probe_tlv_decoded d;
	struct json_object *obj;
	char why[1600];
	const char *got;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		decode_hex(cases[i].tlv, &ntp_clock, &d);
		obj = probe_tlv_json(&d);
		got = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN);
		snprintf(why, sizeof(why), "got %s", got);
		result(!strcmp(got, cases[i].json), cases[i].name, why);
		json_object_put(obj);
	}
}

/* A whole reply: the TLV area walked, kept and decoded as the report does. */
static void test_reply(void)
{
	uint8_t p[CK_BASE_LEN + 8 + 16 + 12];
	struct probe_tlv_clock clk = ntp_clock;
	struct probe_tlv_decoded d;
	struct probe_tlv_list *list;
	struct probe_reply r;
	char a[256], b[256], c[256];

	memset(p, 0, sizeof(p));
	ck_put32(p + CK_R_S_SEQ, 0);
	unhex("00 04 00 04 ba e8 00 00"
	      " 00 05 00 0c 00000003 00000002 00000002"
	      " 00 01 00 08 0000000000000000",
	      p + CK_BASE_LEN, sizeof(p) - CK_BASE_LEN);
	list = probe_reply_parse(p, sizeof(p), 0, 0, &r) ? NULL : probe_reply_tlvs(p, &r);
	if (!list || list->n != 3) {
		result(false, "reply/walk-and-decode", "three TLVs expected");
		free(list);
		return;
	}
	probe_tlv_list_decode(list, 0, &clk, &d);
	probe_tlv_format(&d, a, sizeof(a));
	probe_tlv_list_decode(list, 1, &clk, &d);
	probe_tlv_format(&d, b, sizeof(b));
	probe_tlv_list_decode(list, 2, &clk, &d);
	probe_tlv_format(&d, c, sizeof(c));
	/* DSCP2 46 and ECN 2 as the reflector received them: ba e8 = 101110 10|1110 10 00. */
	result(!strcmp(a, "cos: dscp1 46 dscp2 46 ecn 2 rp 0 (re-marked) ec1 0 rpe 0") &&
		       !strcmp(b, "direct: sender_tx 3 reflector_rx 2 reflector_tx 2") &&
		       !strcmp(c, "padding: length 8"),
	       "reply/walk-and-decode", a);
	free(list);
}

/* ---- hmac-key: the HMAC TLV in unauthenticated mode ------------------------------ */

/* A key file of @text at @path, mode 0600 (@mode otherwise): whoever runs the test owns it. */
static void key_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
	chmod(path, mode);
}

/* @words refused with an error line that starts with @error. */
static void expect_refused(const char *name, const char *words, const char *error)
{
	char msg[1024], why[1200];
	struct probe_opts o;
	const char *line;
	int rc = parse_catching(words, &o, msg, sizeof(msg));

	line = strncmp(msg, "stampede: error: ", 17) ? msg : msg + 17;
	snprintf(why, sizeof(why), "rc %d, said '%s', want '%s'", rc, msg, error);
	result(rc < 0 && !strncmp(line, error, strlen(error)) && !strchr(msg, '\n'), name, why);
}

static bool same_key(const struct hmac_sha256_states *st, const char *key)
{
	struct hmac_sha256_states want;

	hmac_sha256_states((const __u8 *)key, strlen(key), &want);
	return !memcmp(st, &want, sizeof(want));
}

/*
 * hmac-key FILE: the HMAC TLV is the last TLV, before the padding of
 * `size`; its key is the line for the port and SSID, else the port's, never
 * the default (auth-key still takes the default); bad combinations refused.
 */
static void test_hmac_key(void)
{
	char dir[] = "/tmp/probe_tlv_unit.XXXXXX", f[64], only_dflt[64], ssid_only[64], words[8192];
	char err[256];
	static uint8_t buf[PROBE_MAX_SIZE], want[PROBE_MAX_SIZE];
	struct probe_tlv tlvs[PROBE_TLV_MAX];
	uint8_t values[PROBE_TLV_VALUES_MAX];
	struct probe_request req = {.seq = 1};
	struct probe_opts o;
	size_t n_want, at = 0;
	int len, i;
	bool ok;

	if (!mkdtemp(dir)) {
		result(false, "hmac-key/tmpdir", "mkdtemp failed");
		return;
	}
	snprintf(f, sizeof(f), "%s/keys", dir);
	snprintf(only_dflt, sizeof(only_dflt), "%s/default", dir);
	snprintf(ssid_only, sizeof(ssid_only), "%s/ssid", dir);
	key_file(f,
		 "text:the-default   # for auth-ports\n"
		 "port 862 text:port-key\n"
		 "port 862 ssid 7 text:ssid-key\n"
		 "port 999 text:other\n",
		 0600);
	key_file(only_dflt, "text:the-default\n", 0600);
	key_file(ssid_only, "port 862 ssid 7 text:ssid-key\n", 0600);

	snprintf(words, sizeof(words), "tlv cos,EF size 80 hmac-key %s ssid 5", f);
	ok = !parse_words(words, &o);
	result(ok && o.hmac_tlv && o.tlvs.n == 2 && o.size == 80 && same_key(&o.auth, "port-key"),
	       "hmac-key/port-key", "not the HMAC TLV after cos, size 80, the port's key");
	if (ok) {
		/* cos, the HMAC TLV (Value zero until signed), Extra Padding to 80. */
		n_want = unhex("80 04 00 04 b8000000 80 08 00 10 00000000000000000000000000000000"
			       " 80 01 00 04 00000000",
			       want, sizeof(want));
		req.size = o.size;
		req.n_tlvs = probe_tlv_render(&o.tlvs, 7, tlvs, values);
		req.tlvs = tlvs;
		len = probe_request_build(&req, buf, sizeof(buf));
		result(len == (int)(CK_BASE_LEN + n_want) &&
			       !memcmp(buf + CK_BASE_LEN, want, n_want),
		       "hmac-key/request-layout", "not cos, the HMAC TLV, then padding");
	}
	snprintf(words, sizeof(words), "hmac-key %s ssid 7", f);
	result(!parse_words(words, &o) && o.size == 64 && o.tlvs.n == 1 &&
		       same_key(&o.auth, "ssid-key"),
	       "hmac-key/ssid-key", "not the HMAC TLV alone (64 octets) with the SSID's key");
	/* The same file for authenticated mode: there the default is the port's. */
	snprintf(words, sizeof(words), "port 8630 auth-key %s", f);
	result(!parse_words(words, &o) && !o.hmac_tlv && o.size == 112 &&
		       same_key(&o.auth, "the-default"),
	       "hmac-key/auth-key-keeps-default", "auth-key no longer takes the default key");

	snprintf(words, sizeof(words), "hmac-key %s", only_dflt);
	snprintf(err, sizeof(err),
		 "hmac-key %s: no key for port 862 (a line naming it: the default is for"
		 " auth-ports)",
		 only_dflt);
	expect_refused("hmac-key/error-default-only", words, err);
	snprintf(words, sizeof(words), "hmac-key %s ssid 5", ssid_only);
	snprintf(err, sizeof(err), "hmac-key %s: no key for port 862, ssid 5", ssid_only);
	expect_refused("hmac-key/error-other-ssid", words, err);
	snprintf(words, sizeof(words), "port 8630 hmac-key %s", f);
	snprintf(err, sizeof(err), "hmac-key %s: no key for port 8630", f);
	expect_refused("hmac-key/error-other-port", words, err);
	snprintf(words, sizeof(words), "hmac-key %s size 60", f);
	expect_refused("hmac-key/error-size", words,
		       "size 60 cannot hold the TLVs asked for (64 octets with the base): use 64,"
		       " or 68 and up");
	snprintf(words, sizeof(words), "auth-key %s hmac-key %s", f, f);
	expect_refused("hmac-key/error-with-auth-key", words,
		       "'auth-key' and 'hmac-key' exclude each other");
	snprintf(words, sizeof(words), "hmac-key %s hmac-key %s", f, f);
	expect_refused("hmac-key/error-twice", words, "'hmac-key' given twice");
	expect_refused("hmac-key/error-tlv-hmac", "tlv hmac",
		       "'tlv hmac' is not a word: the HMAC TLV follows the other TLVs by itself");
	expect_refused("hmac-key/error-missing", "hmac-key /nonexistent/keys",
		       "hmac-key /nonexistent/keys: No such file");
	for (i = 0; i < PROBE_TLV_MAX; i++)
		at += snprintf(words + at, sizeof(words) - at, "tlv direct ");
	snprintf(words + at, sizeof(words) - at, "hmac-key %s", f);
	expect_refused("hmac-key/error-too-many", words,
		       "too many TLVs: at most 14 per request with hmac-key");
	chmod(f, 0644);
	snprintf(words, sizeof(words), "hmac-key %s", f);
	snprintf(err, sizeof(err), "hmac-key %s: mode 0644", f);
	expect_refused("hmac-key/error-mode", words, err);

	unlink(f);
	unlink(only_dflt);
	unlink(ssid_only);
	rmdir(dir);
}

/* `probe 192.0.2.1 @words`: probe_parse_words()'s result, the key file not read. */
static int parse_words_only(const char *words, struct probe_opts *o)
{
	char buf[1024], *argv[32], *save = NULL, *w;
	struct cli_args args = {.argv = argv, .cmd = "probe"};

	snprintf(buf, sizeof(buf), "192.0.2.1 %s", words);
	for (w = strtok_r(buf, " ", &save); w && args.argc < 32; w = strtok_r(NULL, " ", &save))
		argv[args.argc++] = w;
	return probe_parse_words(&args, o);
}

/*
 * The agent's split (a target's words line by line, its key once the
 * section is whole): probe_parse_words() reads no key file, yet lays out
 * what probe_parse() does; probe_load_key() then reads the key for the
 * port and SSID given, with the probe's own errors.
 */
static void test_parse_words_then_key(void)
{
	char dir[] = "/tmp/probe_tlv_unit.XXXXXX", f[64], words[256], err[CLI_ERROR_CAPTURE_LEN];
	struct probe_opts o, whole;
	bool ok;

	ok = !parse_words_only("auth-key /nonexistent/keys port 8630 tlv cos,EF", &o);
	result(ok && probe_authenticated(&o) && o.size == 112 + 8 + 20 && o.port == 8630,
	       "parse-words/no-file-read",
	       "auth-key's words refused, or not laid out, without a file");
	ok = !parse_words_only("hmac-key /nonexistent/keys tlv cos,EF", &o);
	result(ok && o.hmac_tlv && o.tlvs.n == 2 && o.size == 44 + 8 + 20, "parse-words/hmac-tlv",
	       "hmac-key's HMAC TLV not laid out without a file");
	cli_error_capture = err; /* the error expected, kept off stderr */
	ok = parse_words_only("auth-key /nonexistent/keys size 44", &o) < 0;
	cli_error_capture = NULL;
	result(ok && strstr(err, "authenticated requests are 112 octets"),
	       "parse-words/still-checked", "auth-key with size 44 not refused");
	result(!parse_words_only("port 8630", &o) && !probe_load_key(&o), "parse-words/no-key",
	       "probe_load_key() without auth-key or hmac-key is not a no-op");

	if (!mkdtemp(dir)) {
		result(false, "parse-words/tmpdir", "mkdtemp failed");
		return;
	}
	snprintf(f, sizeof(f), "%s/keys", dir);
	key_file(f, "port 8630 text:port-key\nport 8630 ssid 9 text:ssid-key\n", 0600);
	/* The key file named before the port and SSID it is for. */
	snprintf(words, sizeof(words), "hmac-key %s port 8630 ssid 9", f);
	ok = !parse_words_only(words, &o) && !probe_load_key(&o);
	result(ok && same_key(&o.auth, "ssid-key"), "parse-words/key-for-port-and-ssid",
	       "not the key of port 8630, ssid 9");
	result(!parse_words(words, &whole) && whole.size == o.size && whole.tlvs.n == o.tlvs.n &&
		       !memcmp(&whole.auth, &o.auth, sizeof(o.auth)),
	       "parse-words/same-as-probe-parse", "probe_parse() and the split disagree");
	snprintf(words, sizeof(words), "hmac-key %s", f);
	snprintf(err, sizeof(err), "hmac-key %s: no key for port 862", f);
	expect_refused("parse-words/key-error-as-probe", words, err);
	unlink(f);
	rmdir(dir);
}

int main(void)
{
	test_builds();
	test_sender_tx();
	test_bad_words();
	test_limits();
	test_decodes();
	test_decode_not_kept();
	test_decode_every_length();
	test_json();
	test_reply();
	test_hmac_key();
	test_parse_words_then_key();
	return th_exit();
}
