/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The probe's output: ping-like text lines and summary, or one JSON object. */
#ifndef STAMPEDE_PROBE_REPORT_H
#define STAMPEDE_PROBE_REPORT_H

#include "probe.h"
#include "probe_figures.h"

struct json_object;

/* Text: what is about to be sent, and where. */
void probe_report_start(const struct probe_run *run);

/* Text (-O): request @seq is still unanswered as the next one is sent. */
void probe_report_outstanding(const struct probe_run *run, uint32_t seq);

/* Text: one line for a reply, as it arrives. */
void probe_report_reply(const struct probe_run *run, const struct probe_rec *rec);

/* The summary: text, or with -j the whole result as one JSON object. */
void probe_report_summary(const struct probe_run *run, const struct probe_results *res);

/* A decoded reply TLV as a JSON object: header, flags, then its fields. */
struct json_object *probe_tlv_json(const struct probe_tlv_decoded *d);

/* The continuous mode (probe_monitor_report.c): a period's summary, and the totals at the end. */
void probe_report_period(const struct probe_run *run);
void probe_report_monitor_summary(const struct probe_run *run);

/* Pieces the continuous mode's report shares with the counted one's. */
void probe_format_us(double us, char *buf, size_t len);
void probe_print_summary_line(const char *what, const struct probe_summary *s);
void probe_print_histogram(const struct probe_results *res);
struct json_object *probe_json_us(double us);
struct json_object *probe_json_percent(double pct);
struct json_object *probe_json_exact_time(int64_t ns);
/* @res's figures, rtt_us .. histogram: the counted summary's and a period's. */
void probe_json_results(struct json_object *obj, const struct probe_results *res);
/* Where the probe goes: host, address, port (a period's head too). */
void probe_json_target(struct json_object *obj, const struct probe_run *run);
/* Both modes' summaries begin alike: the target, then source, sport, ssid, timestamp, size. */
void probe_json_head(struct json_object *obj, const struct probe_run *run);
/*
 * Text: with auth-key or hmac-key, the line of replies whose HMAC (HMAC
 * TLV) did not verify, never counted as received; nothing without a key.
 */
void probe_print_auth(const struct probe_run *run);
/* Authenticated mode: replies whose HMAC did not verify (never counted as received); else NULL. */
struct json_object *probe_json_auth(const struct probe_run *run);

#endif /* STAMPEDE_PROBE_REPORT_H */
