/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The probe's STAMP TLVs (RFC 8972, RFC 9503, RFC 9534, the asymmetrical
 * packets and CoS/ECN drafts): the `tlv TYPE[,ARGS]` words turned into
 * request TLVs, and the TLVs of a reply decoded into named fields for the
 * text and JSON reports.  Pure functions on buffers (no sockets, clocks or
 * output besides cli_error()), so the unit tests drive them directly.
 */
#ifndef STAMPEDE_PROBE_TLV_H
#define STAMPEDE_PROBE_TLV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "probe_packet.h"

/*
 * TLVs a request may ask for.  One less than the TLVs a reply lists
 * (PROBE_MAX_TLVS), so their echo and the Extra Padding after them are
 * all listed.
 */
#define PROBE_TLV_MAX (PROBE_MAX_TLVS - 1)
/* Octets of stored (non-zero) Values over all requested TLVs. */
#define PROBE_TLV_VALUES_MAX 1024

/* A requested TLV; its Value is in the set's store unless all zeros. */
struct probe_tlv_req {
	uint8_t type;
	uint16_t length;
	uint16_t value_at; /* in probe_tlv_set.values */
	bool zeros;	   /* Value all zero, not stored (Extra Padding) */
	bool sender_tx;	   /* Direct Measurement: S_TxC written per request */
};

/* The TLVs of `tlv` words, in the order given. */
struct probe_tlv_set {
	unsigned int n;
	struct probe_tlv_req req[PROBE_TLV_MAX];
	uint16_t values_len;
	uint8_t values[PROBE_TLV_VALUES_MAX];
	bool no_reply;	   /* return-path,no-reply */
	bool more_replies; /* reflected-control with a count other than 0 */
};

/*
 * Add the TLV of one `tlv` word ("cos,EF,1", "raw,240,0102", "240") to
 * @set.  Reports a bad word with cli_error() and returns -1.
 */
int probe_tlv_parse(const char *word, struct probe_tlv_set *set);

/*
 * hmac-key: an HMAC TLV (RFC 8972 4.8) after the TLVs of @set, its Value
 * zero until each request is signed (probe_hmac_tlv_sign).  Call it once
 * every `tlv` word is in: it must be the last.  Reports a full set.
 */
int probe_tlv_add_hmac(struct probe_tlv_set *set);

/* Whether the TLVs of @set go together; reports what does not with cli_error(). */
int probe_tlv_set_check(const struct probe_tlv_set *set);

/* Whether @set asks for a TLV of @type. */
bool probe_tlv_set_has(const struct probe_tlv_set *set, uint8_t type);

/* Octets the TLVs of @set take in a request, headers included. */
size_t probe_tlv_set_len(const struct probe_tlv_set *set);

/*
 * The TLVs of @set as a request carries them, @sender_tx in every Direct
 * Measurement TLV's S_TxC: @out (PROBE_TLV_MAX entries) points into
 * @values, a copy of the store (PROBE_TLV_VALUES_MAX octets).  Returns the
 * number of TLVs.
 */
size_t probe_tlv_render(const struct probe_tlv_set *set, uint32_t sender_tx, struct probe_tlv *out,
			uint8_t *values);

/* The word the CLI takes (and the reports show) for @type; NULL when none. */
const char *probe_tlv_name(uint8_t type);

/* ---- decoding replies ---------------------------------------------------- */

/* How a decoded field is shown. */
enum probe_field_kind {
	PROBE_FIELD_UINT, /* a number */
	PROBE_FIELD_TEXT, /* a string: an address, a MAC, hex, a time */
	PROBE_FIELD_NAME, /* a code point: its name (text) when it has one, else the number */
	PROBE_FIELD_NULL, /* absent (JSON null; text "none") */
	PROBE_FIELD_FLAG, /* true or false (text: the key, only when true) */
	PROBE_FIELD_NOTE, /* a word for people, text only */
	PROBE_FIELD_SUB, /* a sub-TLV: num its type, text its name; fields up to the next SUB are its */
};

/* Room for 32 octets in hex, an IPv6 address, an RFC 3339 time in ns. */
#define PROBE_FIELD_TEXT_LEN 72
/* Fields per TLV, and sub-TLVs decoded per TLV (the rest counted). */
#define PROBE_TLV_FIELDS_MAX 64
#define PROBE_SUB_TLVS_MAX   8
/* Octets of an unknown Value shown in hex. */
#define PROBE_TLV_HEX_MAX 32

struct probe_field {
	const char *key;
	enum probe_field_kind kind;
	bool json_only; /* a sub-TLV's length and flags: noise in a text line */
	uint64_t num;
	char text[PROBE_FIELD_TEXT_LEN];
};

/* A reply's TLV, decoded. */
struct probe_tlv_decoded {
	uint8_t flags, type;
	uint16_t length;
	const char *name; /* probe_tlv_name(), NULL for an unknown type */
	/* U, M or I set: the Value is ours as sent (RFC 8972 4), not decoded. */
	bool skipped;
	unsigned int n;
	bool fields_cut; /* more fields than PROBE_TLV_FIELDS_MAX */
	struct probe_field field[PROBE_TLV_FIELDS_MAX];
};

/* What a Follow-Up Telemetry timestamp is read with, as the reply's T2 and T3. */
struct probe_tlv_clock {
	bool ptp; /* the reply's Z bit */
	uint64_t tai_offset_ns;
	int64_t near_ns;
};

/*
 * Decode @tlv, whose Value is at @value with @avail octets of it at hand
 * (fewer than its Length when the copy of the area was cut): never reads
 * past @avail.  A Length not valid for the type becomes a "length_error"
 * field, not a failure.
 */
void probe_tlv_decode(const struct probe_tlv_seen *tlv, const uint8_t *value, size_t avail,
		      const struct probe_tlv_clock *clk, struct probe_tlv_decoded *d);

/* Decode TLV @i of @list: its Value as far as the kept copy of the area reaches. */
void probe_tlv_list_decode(const struct probe_tlv_list *list, unsigned int i,
			   const struct probe_tlv_clock *clk, struct probe_tlv_decoded *d);

/*
 * @d as one line for people, "cos: dscp1 46 dscp2 0 ecn 0 rp 0 (re-marked)
 * ...", without a newline, into @buf (@cap octets; cut to fit).
 */
void probe_tlv_format(const struct probe_tlv_decoded *d, char *buf, size_t cap);

/* @len octets as lower-case hex into @buf (@cap octets), cut to fit. */
void probe_hex(const uint8_t *p, size_t len, char *buf, size_t cap);

#endif /* STAMPEDE_PROBE_TLV_H */
