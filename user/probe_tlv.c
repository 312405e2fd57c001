// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* STAMP TLVs of the probe: `tlv` words built into requests, reply TLVs decoded. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>

#include "cli.h"
#include "probe.h"
#include "probe_tlv.h"

/*
 * draft-ietf-ippm-stamp-cos-ecn takes the top nibble of the old Reserved
 * half of the CoS value: EC1 (the ECN asked for the reply) and RPE (what
 * became of it).  Shifts in the host-order 32-bit word, as stamp_wire.h's.
 */
#define COS_EC1_SHIFT	14
#define COS_RPE_SHIFT	12
#define COS_RPE_APPLIED 3
#define COS_RPE_REFUSED 2

/* Return Codes of the Access Report (RFC 8972 5.6). */
#define ACCESS_AVAILABLE   1
#define ACCESS_UNAVAILABLE 2

/* The most values one `tlv` word carries after its name (reflected-control). */
#define TLV_ARGS_MAX 3

/* ---- names ---------------------------------------------------------------- */

/* The `tlv` names for cli_match_value(), in the order of tlv_kinds below. */
static const char *const tlv_names[] = {
	"padding",     "location",	"timestamp-info",    "cos",
	"direct",      "access",	"follow-up",	     "dest-addr",
	"return-path", "micro-session", "reflected-control", "raw",
	NULL,
};

const char *probe_tlv_name(uint8_t type)
{
	switch (type) {
	case STAMP_TLV_EXTRA_PADDING:
		return "padding";
	case STAMP_TLV_LOCATION:
		return "location";
	case STAMP_TLV_TIMESTAMP_INFO:
		return "timestamp-info";
	case STAMP_TLV_CLASS_OF_SERVICE:
		return "cos";
	case STAMP_TLV_DIRECT_MEASUREMENT:
		return "direct";
	case STAMP_TLV_ACCESS_REPORT:
		return "access";
	case STAMP_TLV_FOLLOW_UP_TELEMETRY:
		return "follow-up";
	case STAMP_TLV_HMAC:
		return "hmac";
	case STAMP_TLV_DEST_NODE_ADDR:
		return "dest-addr";
	case STAMP_TLV_RETURN_PATH:
		return "return-path";
	case STAMP_TLV_MICRO_SESSION_ID:
		return "micro-session";
	case STAMP_TLV_REFLECTED_CONTROL:
		return "reflected-control";
	default:
		return NULL;
	}
}

/* Code points and their names, for both directions. */
struct code_name {
	unsigned int code;
	const char *name;
};

static const struct code_name sync_sources[] = {
	{STAMP_SYNC_NTP, "ntp"},
	{STAMP_SYNC_PTP, "ptp"},
	{STAMP_SYNC_SSU_BITS, "ssu-bits"},
	{STAMP_SYNC_GNSS, "gnss"},
	{STAMP_SYNC_FREE_RUNNING, "free-running"},
	{0, NULL},
};

static const struct code_name ts_methods[] = {
	{STAMP_TSM_HW_ASSIST, "hw-assist"},
	{STAMP_TSM_SW_LOCAL, "sw-local"},
	{STAMP_TSM_CONTROL_PLANE, "control-plane"},
	{0, NULL},
};

static const struct code_name access_ids[] = {
	{STAMP_ACCESS_3GPP, "3gpp"},
	{STAMP_ACCESS_NON_3GPP, "non-3gpp"},
	{0, NULL},
};

static const struct code_name access_codes[] = {
	{ACCESS_AVAILABLE, "available"},
	{ACCESS_UNAVAILABLE, "unavailable"},
	{0, NULL},
};

static const struct code_name location_subs[] = {
	{STAMP_LOC_SRC_MAC, "src-mac"},	    {STAMP_LOC_SRC_EUI48, "src-eui48"},
	{STAMP_LOC_SRC_EUI64, "src-eui64"}, {STAMP_LOC_DST_IP, "dst-ip"},
	{STAMP_LOC_DST_IPV4, "dst-ipv4"},   {STAMP_LOC_DST_IPV6, "dst-ipv6"},
	{STAMP_LOC_SRC_IP, "src-ip"},	    {STAMP_LOC_SRC_IPV4, "src-ipv4"},
	{STAMP_LOC_SRC_IPV6, "src-ipv6"},   {0, NULL},
};

static const struct code_name return_path_subs[] = {
	{STAMP_RP_CONTROL_CODE, "control-code"},
	{STAMP_RP_RETURN_ADDRESS, "return-address"},
	{STAMP_RP_SR_MPLS_LABELS, "sr-mpls-labels"},
	{STAMP_RP_SRV6_SEGMENTS, "srv6-segments"},
	{0, NULL},
};

static const char *code_name(const struct code_name *table, unsigned int code)
{
	for (; table->name; table++)
		if (table->code == code)
			return table->name;
	return NULL;
}

/* ---- building requests ----------------------------------------------------- */

/* One `tlv` word split at its commas: the TLV's name, then its values. */
struct tlv_word {
	const char *whole;
	const char *name;
	const char *arg[TLV_ARGS_MAX];
	unsigned int n_args;
};

/* What a `tlv` name takes, and how it is built. */
struct tlv_kind {
	const char *name;
	unsigned int min_args, max_args;
	const char *usage;
	int (*build)(const struct tlv_word *w, struct probe_tlv_set *set);
};

/*
 * A new TLV at the end of @set, its @length octets of Value zeroed in the
 * store (or not stored at all with @zeros); NULL after cli_error().
 */
static struct probe_tlv_req *add_tlv(struct probe_tlv_set *set, uint8_t type, size_t length,
				     bool zeros)
{
	struct probe_tlv_req *r;

	if (set->n == PROBE_TLV_MAX) {
		cli_error("too many TLVs: at most %d per request", PROBE_TLV_MAX);
		return NULL;
	}
	if (!zeros && length > (size_t)PROBE_TLV_VALUES_MAX - set->values_len) {
		cli_error("TLV values too long: at most %d octets in all, padding aside",
			  PROBE_TLV_VALUES_MAX);
		return NULL;
	}
	r = &set->req[set->n++];
	*r = (struct probe_tlv_req){.type = type, .length = length, .zeros = zeros};
	if (!zeros) {
		r->value_at = set->values_len;
		memset(set->values + r->value_at, 0, length);
		set->values_len += length;
	}
	return r;
}

static uint8_t *value_of(struct probe_tlv_set *set, const struct probe_tlv_req *r)
{
	return set->values + r->value_at;
}

/* Store @length octets of @value as a TLV of @type. */
static int add_value(struct probe_tlv_set *set, uint8_t type, const uint8_t *value, size_t length)
{
	struct probe_tlv_req *r = add_tlv(set, type, length, false);

	if (!r)
		return -1;
	memcpy(value_of(set, r), value, length);
	return 0;
}

static int add_zeros(struct probe_tlv_set *set, uint8_t type, size_t length)
{
	return add_tlv(set, type, length, true) ? 0 : -1;
}

/*
 * A number in [@min, @max], or one of @names (a unique prefix will do);
 * @expected lists the names for the error line.
 */
static int parse_code(const char *word, const struct code_name *names, const char *expected,
		      const char *what, uint64_t min, uint64_t max, uint64_t *code)
{
	size_t len = strlen(word);
	const struct code_name *n, *found = NULL;
	unsigned int matches = 0;

	if (len && strspn(word, "0123456789") == len)
		return cli_parse_uint(word, what, min, max, code);
	for (n = names; len && n->name; n++) {
		if (!strcmp(n->name, word)) {
			found = n;
			matches = 1;
			break;
		}
		if (!strncmp(n->name, word, len)) {
			found = n;
			matches++;
		}
	}
	if (matches != 1)
		return cli_error("bad %s '%s': expected %s or %llu-%llu", what, word, expected,
				 (unsigned long long)min, (unsigned long long)max);
	*code = found->code;
	return 0;
}

/* An IPv4 (dotted quad) or IPv6 address: its length, 0 after cli_error(). */
static size_t parse_address(const char *word, const char *what, uint8_t *addr)
{
	if (inet_pton(AF_INET, word, addr) == 1)
		return STAMP_DNA_V4_LEN;
	if (inet_pton(AF_INET6, word, addr) == 1)
		return STAMP_DNA_V6_LEN;
	cli_error("bad %s '%s': expected an IPv4 or IPv6 address", what, word);
	return 0;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Hex octets ("0102ff", "0x" allowed) into @out (@cap): the count, -1 after cli_error(). */
static int parse_hex(const char *word, uint8_t *out, size_t cap)
{
	const char *p = word;
	size_t n = 0;
	int hi, lo;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	if (strlen(p) % 2)
		return cli_error("bad raw value '%s': expected an even number of hex digits", word);
	for (; *p; p += 2) {
		hi = hex_digit(p[0]);
		lo = hex_digit(p[1]);
		if (hi < 0 || lo < 0)
			return cli_error("bad raw value '%s': expected hex digits", word);
		if (n == cap)
			return cli_error("bad raw value: longer than %zu octets", cap);
		out[n++] = (uint8_t)(hi << 4 | lo);
	}
	return (int)n;
}

static int build_padding(const struct tlv_word *w, struct probe_tlv_set *set)
{
	uint64_t len;

	if (cli_parse_uint(w->arg[0], "padding length", 0,
			   PROBE_MAX_SIZE - STAMP_BASE_LEN - STAMP_TLV_HDR_LEN, &len))
		return -1;
	return add_zeros(set, STAMP_TLV_EXTRA_PADDING, len);
}

/* A request sub-TLV: U set as in any TLV a sender sends, the value left zero. */
static uint8_t *put_sub_request(uint8_t *p, uint8_t type, uint16_t length)
{
	p[0] = STAMP_TLV_FLAG_U;
	p[1] = type;
	probe_put16(p + 2, length);
	return p + STAMP_TLV_HDR_LEN + length;
}

/* Ports zero, then the three request sub-TLVs the reflector fills in (RFC 8972 4.2.1). */
static int build_location(const struct tlv_word *w, struct probe_tlv_set *set)
{
	const size_t len = STAMP_LOC_PORTS_LEN + 3 * STAMP_TLV_HDR_LEN + STAMP_LOC_MAC_LEN +
			   2 * STAMP_LOC_IP_LEN;
	uint8_t v[STAMP_LOC_PORTS_LEN + 3 * STAMP_TLV_HDR_LEN + STAMP_LOC_MAC_LEN +
		  2 * STAMP_LOC_IP_LEN] = {0};
	uint8_t *p = v + STAMP_LOC_PORTS_LEN;

	(void)w;
	p = put_sub_request(p, STAMP_LOC_SRC_MAC, STAMP_LOC_MAC_LEN);
	p = put_sub_request(p, STAMP_LOC_DST_IP, STAMP_LOC_IP_LEN);
	put_sub_request(p, STAMP_LOC_SRC_IP, STAMP_LOC_IP_LEN);
	return add_value(set, STAMP_TLV_LOCATION, v, len);
}

static int build_timestamp_info(const struct tlv_word *w, struct probe_tlv_set *set)
{
	(void)w;
	return add_zeros(set, STAMP_TLV_TIMESTAMP_INFO, STAMP_TS_INFO_LEN);
}

/* DSCP1 asked for the reply; EC1 too when given (cos-ecn draft); RP and RPE zero. */
static int build_cos(const struct tlv_word *w, struct probe_tlv_set *set)
{
	uint8_t v[STAMP_COS_LEN], dscp;
	uint64_t ecn = 0;

	if (probe_parse_dscp(w->arg[0], "cos dscp", &dscp))
		return -1;
	if (w->n_args > 1 && cli_parse_uint(w->arg[1], "cos ecn", 0, 3, &ecn))
		return -1;
	probe_put32(v, (uint32_t)dscp << STAMP_COS_DSCP1_SHIFT | (uint32_t)ecn << COS_EC1_SHIFT);
	return add_value(set, STAMP_TLV_CLASS_OF_SERVICE, v, sizeof(v));
}

static int build_direct(const struct tlv_word *w, struct probe_tlv_set *set)
{
	struct probe_tlv_req *r =
		add_tlv(set, STAMP_TLV_DIRECT_MEASUREMENT, STAMP_DIRECT_MEAS_LEN, false);

	(void)w;
	if (!r)
		return -1;
	r->sender_tx = true;
	return 0;
}

static int build_access(const struct tlv_word *w, struct probe_tlv_set *set)
{
	uint8_t v[STAMP_ACCESS_REPORT_LEN] = {0};
	uint64_t id, code;

	if (parse_code(w->arg[0], access_ids, "3gpp, non-3gpp", "access id", 1, 15, &id) ||
	    parse_code(w->arg[1], access_codes, "available, unavailable", "access code", 0, 255,
		       &code))
		return -1;
	v[0] = (uint8_t)(id << 4);
	v[1] = (uint8_t)code;
	return add_value(set, STAMP_TLV_ACCESS_REPORT, v, sizeof(v));
}

static int build_follow_up(const struct tlv_word *w, struct probe_tlv_set *set)
{
	(void)w;
	return add_zeros(set, STAMP_TLV_FOLLOW_UP_TELEMETRY, STAMP_FOLLOW_UP_LEN);
}

static int build_dest_addr(const struct tlv_word *w, struct probe_tlv_set *set)
{
	uint8_t addr[STAMP_DNA_V6_LEN];
	size_t len = parse_address(w->arg[0], "dest-addr", addr);

	return len ? add_value(set, STAMP_TLV_DEST_NODE_ADDR, addr, len) : -1;
}

/* no-reply, same-link (Control Code) or addr=ADDR (Return Address), RFC 9503 4.1. */
static int build_return_path(const struct tlv_word *w, struct probe_tlv_set *set)
{
	static const char *const codes[] = {"no-reply", "same-link", NULL};
	uint8_t v[STAMP_TLV_HDR_LEN + STAMP_DNA_V6_LEN] = {0};
	const char *arg = w->arg[0];
	size_t len;
	int code;

	/* RFC 9503 4: "A Session-Sender MUST NOT insert more than one Return Path TLV". */
	if (probe_tlv_set_has(set, STAMP_TLV_RETURN_PATH))
		return cli_error("'tlv return-path' given twice: a request carries one at most");
	if (!strncmp(arg, "addr=", 5)) {
		len = parse_address(arg + 5, "return-path address", v + STAMP_TLV_HDR_LEN);
		if (!len)
			return -1;
		v[1] = STAMP_RP_RETURN_ADDRESS;
	} else {
		code = cli_match_value(arg, codes, "return-path");
		if (code < 0)
			return -1;
		len = STAMP_RP_CONTROL_CODE_LEN;
		v[1] = STAMP_RP_CONTROL_CODE;
		set->no_reply = !code;
		probe_put32(v + STAMP_TLV_HDR_LEN, code ? STAMP_RP_CC_SAME_LINK : 0);
	}
	v[0] = STAMP_TLV_FLAG_U;
	probe_put16(v + 2, (uint16_t)len);
	return add_value(set, STAMP_TLV_RETURN_PATH, v, STAMP_TLV_HDR_LEN + len);
}

static int build_micro_session(const struct tlv_word *w, struct probe_tlv_set *set)
{
	uint8_t v[STAMP_MICRO_SESSION_LEN];
	uint64_t sender, reflector = 0;

	if (cli_parse_uint(w->arg[0], "micro-session sender id", 0, 65535, &sender) ||
	    (w->n_args > 1 &&
	     cli_parse_uint(w->arg[1], "micro-session reflector id", 0, 65535, &reflector)))
		return -1;
	probe_put16(v, (uint16_t)sender);
	probe_put16(v + 2, (uint16_t)reflector);
	return add_value(set, STAMP_TLV_MICRO_SESSION_ID, v, sizeof(v));
}

static int build_reflected_control(const struct tlv_word *w, struct probe_tlv_set *set)
{
	uint8_t v[STAMP_RTPC_MIN_LEN];
	uint64_t length, count = 1, interval = 0;

	if (cli_parse_uint(w->arg[0], "reflected-control length", 0, 65535, &length) ||
	    (w->n_args > 1 &&
	     cli_parse_uint(w->arg[1], "reflected-control count", 0, 65535, &count)) ||
	    (w->n_args > 2 &&
	     cli_parse_uint(w->arg[2], "reflected-control interval", 0, UINT32_MAX, &interval)))
		return -1;
	probe_put16(v, (uint16_t)length);
	probe_put16(v + 2, (uint16_t)count);
	set->more_replies |= count != 0;
	probe_put32(v + 4, (uint32_t)interval);
	return add_value(set, STAMP_TLV_REFLECTED_CONTROL, v, sizeof(v));
}

static int build_raw(const struct tlv_word *w, struct probe_tlv_set *set)
{
	uint8_t v[PROBE_TLV_VALUES_MAX];
	uint64_t type;
	int len = 0;

	if (cli_parse_uint(w->arg[0], "tlv type", 1, 255, &type))
		return -1;
	if (w->n_args > 1) {
		len = parse_hex(w->arg[1], v, sizeof(v));
		if (len < 0)
			return -1;
	}
	return add_value(set, (uint8_t)type, v, len);
}

/* In the order of tlv_names. */
static const struct tlv_kind tlv_kinds[] = {
	{"padding", 1, 1, "padding,LENGTH", build_padding},
	{"location", 0, 0, "location", build_location},
	{"timestamp-info", 0, 0, "timestamp-info", build_timestamp_info},
	{"cos", 1, 2, "cos,DSCP[,ECN]", build_cos},
	{"direct", 0, 0, "direct", build_direct},
	{"access", 2, 2, "access,ID,CODE", build_access},
	{"follow-up", 0, 0, "follow-up", build_follow_up},
	{"dest-addr", 1, 1, "dest-addr,ADDR", build_dest_addr},
	{"return-path", 1, 1, "return-path,{no-reply|same-link|addr=ADDR}", build_return_path},
	{"micro-session", 1, 2, "micro-session,SENDER_ID[,REFLECTOR_ID]", build_micro_session},
	{"reflected-control", 1, 3, "reflected-control,LENGTH[,COUNT[,INTERVAL_NS]]",
	 build_reflected_control},
	{"raw", 1, 2, "raw,TYPE[,HEX]", build_raw},
};

/*
 * Split @copy (a writable copy of @w->whole) at its commas.  A leading
 * number is a type: "240,0102" is "raw,240,0102".
 */
static int split_word(char *copy, struct tlv_word *w, const struct tlv_kind **kind)
{
	char *part = strsep(&copy, ",");
	int i;

	if (part[0] >= '0' && part[0] <= '9') {
		*kind = &tlv_kinds[sizeof(tlv_kinds) / sizeof(tlv_kinds[0]) - 1];
		w->arg[w->n_args++] = part;
	} else {
		i = cli_match_value(part, tlv_names, "tlv");
		if (i < 0)
			return -1;
		*kind = &tlv_kinds[i];
	}
	w->name = (*kind)->name;
	while ((part = strsep(&copy, ","))) {
		if (w->n_args == (*kind)->max_args)
			return cli_error("bad tlv '%s': expected %s", w->whole, (*kind)->usage);
		w->arg[w->n_args++] = part;
	}
	if (w->n_args < (*kind)->min_args)
		return cli_error("bad tlv '%s': expected %s", w->whole, (*kind)->usage);
	return 0;
}

int probe_tlv_parse(const char *word, struct probe_tlv_set *set)
{
	struct tlv_word w = {.whole = word};
	const struct tlv_kind *kind;
	char *copy;
	int ret;

	if (!word[0])
		return cli_error("'tlv' needs a value: TYPE[,VALUES]");
	copy = strdup(word);
	if (!copy)
		return cli_error("out of memory for 'tlv %s'", word);
	ret = split_word(copy, &w, &kind);
	if (!ret)
		ret = kind->build(&w, set);
	free(copy);
	return ret;
}

int probe_tlv_set_check(const struct probe_tlv_set *set)
{
	/* draft-ietf-ippm-asymmetrical-pkts 4.3: the sender MUST NOT ask for both. */
	if (set->no_reply && set->more_replies)
		return cli_error("'tlv return-path,no-reply' and 'tlv reflected-control' with a"
				 " count contradict each other");
	return 0;
}

bool probe_tlv_set_has(const struct probe_tlv_set *set, uint8_t type)
{
	unsigned int i;

	for (i = 0; i < set->n; i++)
		if (set->req[i].type == type)
			return true;
	return false;
}

size_t probe_tlv_set_len(const struct probe_tlv_set *set)
{
	size_t len = 0;
	unsigned int i;

	for (i = 0; i < set->n; i++)
		len += STAMP_TLV_HDR_LEN + set->req[i].length;
	return len;
}

size_t probe_tlv_render(const struct probe_tlv_set *set, uint32_t sender_tx, struct probe_tlv *out,
			uint8_t *values)
{
	unsigned int i;

	memcpy(values, set->values, set->values_len);
	for (i = 0; i < set->n; i++) {
		const struct probe_tlv_req *r = &set->req[i];

		out[i] = (struct probe_tlv){.type = r->type, .length = r->length};
		if (r->zeros)
			continue;
		out[i].value = values + r->value_at;
		/* RFC 8972 4.5: S_TxC, the test packets sent so far; R_RxC and R_TxC zero. */
		if (r->sender_tx)
			probe_put32(values + r->value_at, sender_tx);
	}
	return set->n;
}

/* ---- decoding replies ------------------------------------------------------ */

static struct probe_field *add_field(struct probe_tlv_decoded *d, const char *key,
				     enum probe_field_kind kind)
{
	struct probe_field *f;

	if (d->n == PROBE_TLV_FIELDS_MAX) {
		d->fields_cut = true;
		return NULL;
	}
	f = &d->field[d->n++];
	*f = (struct probe_field){.key = key, .kind = kind};
	return f;
}

static void emit_uint(struct probe_tlv_decoded *d, const char *key, uint64_t num)
{
	struct probe_field *f = add_field(d, key, PROBE_FIELD_UINT);

	if (f)
		f->num = num;
}

static void emit_flag(struct probe_tlv_decoded *d, const char *key, bool on)
{
	struct probe_field *f = add_field(d, key, PROBE_FIELD_FLAG);

	if (f)
		f->num = on;
}

static void emit_null(struct probe_tlv_decoded *d, const char *key)
{
	add_field(d, key, PROBE_FIELD_NULL);
}

static void emit_text(struct probe_tlv_decoded *d, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void emit_text(struct probe_tlv_decoded *d, const char *key, const char *fmt, ...)
{
	struct probe_field *f = add_field(d, key, PROBE_FIELD_TEXT);
	va_list ap;

	if (!f)
		return;
	va_start(ap, fmt);
	vsnprintf(f->text, sizeof(f->text), fmt, ap);
	va_end(ap);
}

static void emit_note(struct probe_tlv_decoded *d, const char *note)
{
	struct probe_field *f = add_field(d, "note", PROBE_FIELD_NOTE);

	if (f)
		snprintf(f->text, sizeof(f->text), "%s", note);
}

/* A code point: by name when @table has one, otherwise as a number. */
static void emit_code(struct probe_tlv_decoded *d, const char *key, unsigned int code,
		      const struct code_name *table)
{
	struct probe_field *f = add_field(d, key, PROBE_FIELD_NAME);
	const char *name = code_name(table, code);

	if (!f)
		return;
	f->num = code;
	snprintf(f->text, sizeof(f->text), "%s", name ? name : "");
}

void probe_hex(const uint8_t *p, size_t len, char *buf, size_t cap)
{
	size_t i;

	if (!cap)
		return;
	buf[0] = '\0';
	for (i = 0; i < len && 2 * i + 2 < cap; i++)
		snprintf(buf + 2 * i, cap - 2 * i, "%02x", p[i]);
}

/* The first PROBE_TLV_HEX_MAX octets; nothing for an empty Value. */
static void emit_hex(struct probe_tlv_decoded *d, const char *key, const uint8_t *p, size_t len)
{
	struct probe_field *f = len ? add_field(d, key, PROBE_FIELD_TEXT) : NULL;

	if (f)
		probe_hex(p, len < PROBE_TLV_HEX_MAX ? len : PROBE_TLV_HEX_MAX, f->text,
			  sizeof(f->text));
}

static void emit_address(struct probe_tlv_decoded *d, const char *key, const uint8_t *p, bool v6)
{
	struct probe_field *f = add_field(d, key, PROBE_FIELD_TEXT);

	if (f && !inet_ntop(v6 ? AF_INET6 : AF_INET, p, f->text, sizeof(f->text)))
		snprintf(f->text, sizeof(f->text), "?");
}

/* EUI-48 or EUI-64 as aa:bb:...: at most 8 octets, 23 characters. */
static void emit_mac(struct probe_tlv_decoded *d, const char *key, const uint8_t *p, size_t len)
{
	struct probe_field *f = add_field(d, key, PROBE_FIELD_TEXT);
	size_t i, at = 0;

	for (i = 0; f && i < len; i++)
		at += snprintf(f->text + at, sizeof(f->text) - at, "%s%02x", i ? ":" : "", p[i]);
}

/* Unix ns as RFC 3339 UTC with nanoseconds. */
static void format_time(int64_t ns, char *buf, size_t cap)
{
	int64_t sec = ns / (int64_t)STAMP_NSEC_PER_SEC, sub = ns % (int64_t)STAMP_NSEC_PER_SEC;
	time_t t;
	struct tm tm;
	size_t n;

	if (sub < 0) {
		sub += STAMP_NSEC_PER_SEC;
		sec--;
	}
	t = (time_t)sec;
	if (!gmtime_r(&t, &tm) || !(n = strftime(buf, cap, "%Y-%m-%dT%H:%M:%S", &tm))) {
		snprintf(buf, cap, "?");
		return;
	}
	snprintf(buf + n, cap - n, ".%09lldZ", (long long)sub);
}

/* Whether the Length suits a fixed-length type; says how it does not. */
static bool length_is(struct probe_tlv_decoded *d, size_t len, size_t want)
{
	if (len == want)
		return true;
	emit_text(d, "length_error", "%s: %zu octets, expected %zu", len < want ? "short" : "long",
		  len, want);
	return false;
}

static bool length_at_least(struct probe_tlv_decoded *d, size_t len, size_t want)
{
	if (len >= want)
		return true;
	emit_text(d, "length_error", "short: %zu octets, expected at least %zu", len, want);
	return false;
}

static bool length_is_address(struct probe_tlv_decoded *d, size_t len)
{
	if (len == STAMP_DNA_V4_LEN || len == STAMP_DNA_V6_LEN)
		return true;
	emit_text(d, "length_error", "%zu octets, expected 4 or 16", len);
	return false;
}

/* A sub-TLV's Value, by the table of the TLV it is in. */
typedef void (*sub_decoder)(struct probe_tlv_decoded *d, uint8_t type, const uint8_t *v,
			    size_t len);

static void decode_location_sub(struct probe_tlv_decoded *d, uint8_t type, const uint8_t *v,
				size_t len)
{
	switch (type) {
	case STAMP_LOC_SRC_MAC:
		length_is(d, len, STAMP_LOC_MAC_LEN);
		emit_note(d, "not filled in");
		return;
	case STAMP_LOC_DST_IP:
	case STAMP_LOC_SRC_IP:
		length_is(d, len, STAMP_LOC_IP_LEN);
		emit_note(d, "not filled in");
		return;
	case STAMP_LOC_SRC_EUI48:
	case STAMP_LOC_SRC_EUI64:
		if (length_is(d, len, STAMP_LOC_MAC_LEN))
			emit_mac(d, "mac", v, type == STAMP_LOC_SRC_EUI48 ? 6 : 8);
		return;
	case STAMP_LOC_DST_IPV4:
	case STAMP_LOC_SRC_IPV4:
	case STAMP_LOC_DST_IPV6:
	case STAMP_LOC_SRC_IPV6:
		if (length_is(d, len, STAMP_LOC_IP_LEN))
			emit_address(d, "address", v,
				     type == STAMP_LOC_DST_IPV6 || type == STAMP_LOC_SRC_IPV6);
		return;
	default:
		emit_hex(d, "value_hex", v, len);
	}
}

static void decode_return_path_sub(struct probe_tlv_decoded *d, uint8_t type, const uint8_t *v,
				   size_t len)
{
	static const struct code_name reply_codes[] = {
		{0, "no-reply"}, {STAMP_RP_CC_SAME_LINK, "same-link"}, {0, NULL}};

	switch (type) {
	case STAMP_RP_CONTROL_CODE:
		/* Only the low bit means anything; the rest is reserved, ignored on receipt. */
		if (length_is(d, len, STAMP_RP_CONTROL_CODE_LEN))
			emit_code(d, "control_code", probe_get32(v) & STAMP_RP_CC_SAME_LINK,
				  reply_codes);
		return;
	case STAMP_RP_RETURN_ADDRESS:
		if (length_is_address(d, len))
			emit_address(d, "address", v, len == STAMP_DNA_V6_LEN);
		return;
	case STAMP_RP_SR_MPLS_LABELS:
	case STAMP_RP_SRV6_SEGMENTS: {
		size_t entry = type == STAMP_RP_SR_MPLS_LABELS ? 4 : 16;

		if (!len || len % entry)
			emit_text(d, "length_error", "%zu octets, expected a multiple of %zu", len,
				  entry);
		emit_uint(d, "entries", len / entry);
		emit_hex(d, "value_hex", v, len);
		return;
	}
	default:
		emit_hex(d, "value_hex", v, len);
	}
}

/* Count the sub-TLVs in @v: -1 when one runs past the end. */
static int count_subs(const uint8_t *v, size_t len, unsigned int *n)
{
	struct probe_tlv_seen sub;
	size_t off = 0;
	int more;

	*n = 0;
	while ((more = probe_tlv_next(v, len, &off, &sub)) == 1)
		(*n)++;
	return more;
}

/*
 * The sub-TLVs of a Value (at most PROBE_SUB_TLVS_MAX of them), each a SUB
 * field followed by its own.  What is wrong with the chain as a whole
 * comes first, so it stays the TLV's field and not the last sub-TLV's.
 */
static void decode_subs(struct probe_tlv_decoded *d, const uint8_t *v, size_t len,
			const struct code_name *names, sub_decoder decode)
{
	struct probe_tlv_seen sub;
	struct probe_field *f;
	unsigned int n, i;
	size_t off = 0;

	if (count_subs(v, len, &n) < 0)
		emit_flag(d, "sub_tlvs_malformed", true);
	if (n > PROBE_SUB_TLVS_MAX)
		emit_uint(d, "sub_tlvs_not_decoded", n - PROBE_SUB_TLVS_MAX);
	for (i = 0; i < PROBE_SUB_TLVS_MAX && probe_tlv_next(v, len, &off, &sub) == 1; i++) {
		const char *name = code_name(names, sub.type);

		f = add_field(d, "sub_tlvs", PROBE_FIELD_SUB);
		if (!f)
			return;
		f->num = sub.type;
		snprintf(f->text, sizeof(f->text), "%s", name ? name : "");
		f = add_field(d, "length", PROBE_FIELD_UINT);
		if (f) {
			f->num = sub.length;
			f->json_only = true;
		}
		emit_flag(d, "unrecognized", sub.flags & STAMP_TLV_FLAG_U);
		emit_flag(d, "malformed", sub.flags & STAMP_TLV_FLAG_M);
		decode(d, sub.type, v + sub.offset, sub.length);
	}
}

static void decode_location(struct probe_tlv_decoded *d, const uint8_t *v, size_t len)
{
	if (!length_at_least(d, len, STAMP_LOC_PORTS_LEN))
		return;
	emit_uint(d, "dst_port", probe_get16(v));
	emit_uint(d, "src_port", probe_get16(v + 2));
	decode_subs(d, v + STAMP_LOC_PORTS_LEN, len - STAMP_LOC_PORTS_LEN, location_subs,
		    decode_location_sub);
}

static void decode_timestamp_info(struct probe_tlv_decoded *d, const uint8_t *v, size_t len)
{
	if (!length_at_least(d, len, STAMP_TS_INFO_LEN))
		return;
	emit_code(d, "sync_src_in", v[0], sync_sources);
	emit_code(d, "timestamp_in", v[1], ts_methods);
	emit_code(d, "sync_src_out", v[2], sync_sources);
	emit_code(d, "timestamp_out", v[3], ts_methods);
	/* RFC 8972 4.3 allows sub-TLVs after the four octets; none is defined. */
	if (len > STAMP_TS_INFO_LEN)
		emit_uint(d, "sub_tlv_octets", len - STAMP_TS_INFO_LEN);
}

static void decode_cos(struct probe_tlv_decoded *d, const uint8_t *v, size_t len)
{
	uint32_t w;
	unsigned int rp, rpe;

	if (!length_is(d, len, STAMP_COS_LEN))
		return;
	w = probe_get32(v);
	rp = (w >> STAMP_COS_RP_SHIFT) & 3;
	rpe = (w >> COS_RPE_SHIFT) & 3;
	emit_uint(d, "dscp1", w >> STAMP_COS_DSCP1_SHIFT);
	emit_uint(d, "dscp2", (w >> STAMP_COS_DSCP2_SHIFT) & 0x3f);
	emit_uint(d, "ecn", (w >> STAMP_COS_ECN_SHIFT) & 3);
	emit_uint(d, "rp", rp);
	emit_note(d, rp == STAMP_COS_RP_REFUSED ? "refused" : rp ? "rp unknown" : "re-marked");
	emit_uint(d, "ec1", (w >> COS_EC1_SHIFT) & 3);
	emit_uint(d, "rpe", rpe);
	/* RPE 0: a reflector that knows RFC 8972 only, nothing to say. */
	if (rpe == COS_RPE_APPLIED)
		emit_note(d, "ecn applied");
	else if (rpe == COS_RPE_REFUSED)
		emit_note(d, "ecn refused");
}

static void decode_direct(struct probe_tlv_decoded *d, const uint8_t *v, size_t len)
{
	if (!length_is(d, len, STAMP_DIRECT_MEAS_LEN))
		return;
	emit_uint(d, "sender_tx", probe_get32(v));
	emit_uint(d, "reflector_rx", probe_get32(v + 4));
	emit_uint(d, "reflector_tx", probe_get32(v + 8));
}

static void decode_access(struct probe_tlv_decoded *d, const uint8_t *v, size_t len)
{
	if (!length_is(d, len, STAMP_ACCESS_REPORT_LEN))
		return;
	emit_code(d, "id", v[0] >> 4, access_ids);
	emit_code(d, "return_code", v[1], access_codes);
}

/* The timestamp per the reply's Z bit, as T2 and T3 are read; all zero is none. */
static void decode_follow_up(struct probe_tlv_decoded *d, const uint8_t *v, size_t len,
			     const struct probe_tlv_clock *clk)
{
	struct stamp_timestamp ts;
	struct probe_field *f;
	int64_t ns;

	if (!length_is(d, len, STAMP_FOLLOW_UP_LEN))
		return;
	emit_uint(d, "seq", probe_get32(v));
	memcpy(&ts, v + 4, sizeof(ts));
	if (!ts.sec && !ts.frac) {
		/* A stateless reflector, or no reply before this one. */
		emit_null(d, "timestamp_ns");
		emit_null(d, "timestamp");
	} else {
		ns = probe_ts_decode(&ts, clk->ptp, clk->tai_offset_ns, clk->near_ns);
		f = add_field(d, "timestamp_ns", PROBE_FIELD_UINT);
		if (f)
			f->num = (uint64_t)ns;
		f = add_field(d, "timestamp", PROBE_FIELD_TEXT);
		if (f)
			format_time(ns, f->text, sizeof(f->text));
	}
	emit_code(d, "mode", v[12], ts_methods);
}

static void decode_micro_session(struct probe_tlv_decoded *d, const uint8_t *v, size_t len)
{
	if (!length_is(d, len, STAMP_MICRO_SESSION_LEN))
		return;
	emit_uint(d, "sender_id", probe_get16(v));
	emit_uint(d, "reflector_id", probe_get16(v + 2));
}

static void decode_reflected_control(struct probe_tlv_decoded *d, const uint8_t *v, size_t len)
{
	if (!length_at_least(d, len, STAMP_RTPC_MIN_LEN))
		return;
	/* "length" is the TLV's own: the reflected packet's is packet_length. */
	emit_uint(d, "packet_length", probe_get16(v));
	emit_uint(d, "count", probe_get16(v + 2));
	emit_uint(d, "interval_ns", probe_get32(v + 4));
	if (len > STAMP_RTPC_MIN_LEN)
		emit_uint(d, "sub_tlv_octets", len - STAMP_RTPC_MIN_LEN);
}

static void decode_value(struct probe_tlv_decoded *d, const uint8_t *v, size_t len,
			 const struct probe_tlv_clock *clk)
{
	switch (d->type) {
	case STAMP_TLV_EXTRA_PADDING:
		return; /* nothing in it */
	case STAMP_TLV_LOCATION:
		return decode_location(d, v, len);
	case STAMP_TLV_TIMESTAMP_INFO:
		return decode_timestamp_info(d, v, len);
	case STAMP_TLV_CLASS_OF_SERVICE:
		return decode_cos(d, v, len);
	case STAMP_TLV_DIRECT_MEASUREMENT:
		return decode_direct(d, v, len);
	case STAMP_TLV_ACCESS_REPORT:
		return decode_access(d, v, len);
	case STAMP_TLV_FOLLOW_UP_TELEMETRY:
		return decode_follow_up(d, v, len, clk);
	case STAMP_TLV_HMAC:
		if (length_is(d, len, STAMP_HMAC_LEN))
			emit_hex(d, "hmac", v, len);
		return;
	case STAMP_TLV_DEST_NODE_ADDR:
		if (length_is_address(d, len))
			emit_address(d, "address", v, len == STAMP_DNA_V6_LEN);
		return;
	case STAMP_TLV_RETURN_PATH:
		return decode_subs(d, v, len, return_path_subs, decode_return_path_sub);
	case STAMP_TLV_MICRO_SESSION_ID:
		return decode_micro_session(d, v, len);
	case STAMP_TLV_REFLECTED_CONTROL:
		return decode_reflected_control(d, v, len);
	default:
		emit_hex(d, "value_hex", v, len);
	}
}

void probe_tlv_decode(const struct probe_tlv_seen *tlv, const uint8_t *value, size_t avail,
		      const struct probe_tlv_clock *clk, struct probe_tlv_decoded *d)
{
	*d = (struct probe_tlv_decoded){
		.flags = tlv->flags,
		.type = tlv->type,
		.length = tlv->length,
		.name = probe_tlv_name(tlv->type),
	};
	/*
	 * RFC 8972 4: U, the reflector did not know it; M, it stopped there
	 * and copied the rest; I, the HMAC failed.  Either way the Value is
	 * what we sent, or cannot be trusted: a sender skips it.
	 */
	if (tlv->flags & (STAMP_TLV_FLAG_U | STAMP_TLV_FLAG_M | STAMP_TLV_FLAG_I)) {
		d->skipped = true;
		return;
	}
	if (tlv->type == STAMP_TLV_EXTRA_PADDING)
		return;
	if (avail < tlv->length) {
		emit_text(d, "value_error", "not kept: past the first %d octets of TLVs",
			  PROBE_MAX_TLV_AREA);
		return;
	}
	decode_value(d, value, tlv->length, clk);
}

/* ---- a line for people ------------------------------------------------------ */

/* Appends to a buffer that may fill up: the rest is dropped, never overrun. */
struct line {
	char *buf;
	size_t cap, used;
};

static void line_add(struct line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void line_add(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (l->used + 1 >= l->cap)
		return;
	va_start(ap, fmt);
	n = vsnprintf(l->buf + l->used, l->cap - l->used, fmt, ap);
	va_end(ap);
	if (n > 0)
		l->used += (size_t)n < l->cap - l->used ? (size_t)n : l->cap - l->used - 1;
}

static void format_field(struct line *l, const struct probe_field *f)
{
	if (f->json_only)
		return;
	switch (f->kind) {
	case PROBE_FIELD_UINT:
		line_add(l, " %s %llu", f->key, (unsigned long long)f->num);
		return;
	case PROBE_FIELD_TEXT:
		line_add(l, " %s %s", f->key, f->text);
		return;
	case PROBE_FIELD_NAME:
		if (f->text[0])
			line_add(l, " %s %s", f->key, f->text);
		else
			line_add(l, " %s %llu", f->key, (unsigned long long)f->num);
		return;
	case PROBE_FIELD_NULL:
		line_add(l, " %s none", f->key);
		return;
	case PROBE_FIELD_FLAG:
		if (f->num)
			line_add(l, " %s", f->key);
		return;
	case PROBE_FIELD_NOTE:
		line_add(l, " (%s)", f->text);
		return;
	case PROBE_FIELD_SUB:
		/* Sub-TLVs apart from what comes before them: "a 1; b 2". */
		if (l->used && l->buf[l->used - 1] != ':')
			line_add(l, ";");
		if (f->text[0])
			line_add(l, " %s", f->text);
		else
			line_add(l, " sub-tlv %llu", (unsigned long long)f->num);
		return;
	}
}

/* Why a TLV was not decoded: the flags of RFC 8972 4. */
static const char *skip_reason(uint8_t flags)
{
	if (flags & STAMP_TLV_FLAG_I)
		return "integrity check failed (I)";
	if (flags & STAMP_TLV_FLAG_M)
		return "malformed, says the reflector (M)";
	return "not understood by the reflector (U)";
}

void probe_tlv_format(const struct probe_tlv_decoded *d, char *buf, size_t cap)
{
	struct line l = {.buf = buf, .cap = cap};
	unsigned int i;

	if (!cap)
		return;
	buf[0] = '\0';
	if (d->name)
		line_add(&l, "%s", d->name);
	else
		line_add(&l, "type %u", d->type);
	/* Asymmetrical packets draft: the reflector could not reflect as asked. */
	if (d->flags & STAMP_TLV_FLAG_C)
		line_add(&l, " [C]");
	line_add(&l, ":");
	if (d->skipped) {
		line_add(&l, " %s", skip_reason(d->flags));
		return;
	}
	if (!d->name || d->type == STAMP_TLV_EXTRA_PADDING)
		line_add(&l, " length %u", d->length);
	for (i = 0; i < d->n; i++)
		format_field(&l, &d->field[i]);
	if (!d->name && d->length > PROBE_TLV_HEX_MAX)
		line_add(&l, "...");
	if (d->fields_cut)
		line_add(&l, " ...");
}
