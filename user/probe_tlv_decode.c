// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* STAMP TLVs of the probe: reply TLVs decoded into fields, and as a line for people. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>

#include "probe.h"
#include "probe_tlv.h"
#include "probe_tlv_int.h"

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
	const char *name = probe_tlv_code_name(table, code);

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
		const char *name = probe_tlv_code_name(names, sub.type);

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
	decode_subs(d, v + STAMP_LOC_PORTS_LEN, len - STAMP_LOC_PORTS_LEN, probe_tlv_location_subs,
		    decode_location_sub);
}

static void decode_timestamp_info(struct probe_tlv_decoded *d, const uint8_t *v, size_t len)
{
	if (!length_at_least(d, len, STAMP_TS_INFO_LEN))
		return;
	emit_code(d, "sync_src_in", v[0], probe_tlv_sync_sources);
	emit_code(d, "timestamp_in", v[1], probe_tlv_ts_methods);
	emit_code(d, "sync_src_out", v[2], probe_tlv_sync_sources);
	emit_code(d, "timestamp_out", v[3], probe_tlv_ts_methods);
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
	emit_code(d, "id", v[0] >> 4, probe_tlv_access_ids);
	emit_code(d, "return_code", v[1], probe_tlv_access_codes);
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
	emit_code(d, "mode", v[12], probe_tlv_ts_methods);
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
	emit_uint(d, "sub_tlv_octets", len - STAMP_RTPC_FIXED_LEN);
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
		return decode_subs(d, v, len, probe_tlv_return_path_subs, decode_return_path_sub);
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

void probe_tlv_list_decode(const struct probe_tlv_list *list, unsigned int i,
			   const struct probe_tlv_clock *clk, struct probe_tlv_decoded *d)
{
	const struct probe_tlv_seen *t = &list->tlv[i];
	size_t avail = t->offset < list->area_len ? list->area_len - t->offset : 0;

	probe_tlv_decode(t, avail ? list->area + t->offset : NULL, avail, clk, d);
}
