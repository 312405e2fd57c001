// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Text lines and summary for people; one JSON object for programs (-j). */
#include <stdio.h>

#include "output.h"
#include "probe_report.h"

/* Lost sequence numbers listed in the text summary; JSON lists them all. */
#define TEXT_LOST_SEQS 20
/* Width of the longest histogram bar. */
#define HIST_BAR 40

/* Below a millisecond, durations are shown in microseconds: "0.000 ms" says nothing. */
#define US_PER_MS 1000.0

static const char *plural(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static double abs_us(double us)
{
	return us < 0 ? -us : us;
}

/* A duration in microseconds as "12.345 us" or, from a millisecond, "1.234 ms". */
void probe_format_us(double us, char *buf, size_t len)
{
	if (abs_us(us) < US_PER_MS)
		snprintf(buf, len, "%.3f us", us);
	else
		snprintf(buf, len, "%.3f ms", us / US_PER_MS);
}

/* The divisor and unit for figures up to @largest_us, one unit for a whole line. */
static double line_unit(double largest_us, const char **unit)
{
	*unit = abs_us(largest_us) < US_PER_MS ? "us" : "ms";
	return abs_us(largest_us) < US_PER_MS ? 1 : US_PER_MS;
}

void probe_report_start(const struct probe_run *run)
{
	const struct probe_opts *o = run->opts;
	char requests[64];

	if (!o->count)
		snprintf(requests, sizeof(requests), "requests every %u ms until stopped",
			 o->interval_ms);
	else if (o->count == 1)
		snprintf(requests, sizeof(requests), "1 request");
	else
		snprintf(requests, sizeof(requests), "%u requests every %u ms", o->count,
			 o->interval_ms);
	printf("PROBE %s (%s) port %u from %s port %u: %u octets, ssid %u, %s, ttl %u, dscp %u,"
	       " ecn %u, %s timestamps\n",
	       o->host, run->sock.address, o->port, run->sock.source, run->sock.sport, o->size,
	       o->ssid, requests, o->ttl, o->dscp, o->ecn, o->ptp ? "ptp" : "ntp");
	if (o->report_s)
		printf("a report every %u s\n", o->report_s);
	fflush(stdout);
}

/* How the reply's Follow-Up Telemetry timestamp is read: as its T2 and T3. */
static struct probe_tlv_clock reply_clock(const struct probe_run *run, const struct probe_rec *rec)
{
	return (struct probe_tlv_clock){
		.ptp = rec->reply.reflector_ee & STAMP_EE_Z,
		.tai_offset_ns = run->tai_offset_ns,
		.near_ns = rec->t4_user_ns,
	};
}

/* One indented line per TLV of the reply but padding. */
static void print_tlvs(const struct probe_run *run, const struct probe_rec *rec)
{
	struct probe_tlv_clock clk = reply_clock(run, rec);
	const struct probe_tlv_list *list = rec->tlvs;
	struct probe_tlv_decoded d;
	char line[512];
	unsigned int i;

	for (i = 0; list && i < list->n; i++) {
		if (list->tlv[i].type == STAMP_TLV_EXTRA_PADDING)
			continue;
		probe_tlv_list_decode(list, i, &clk, &d);
		probe_tlv_format(&d, line, sizeof(line));
		printf("    %s\n", line);
	}
	if (list && (list->malformed || list->cut))
		printf("    (%s)\n", list->malformed ? "a TLV runs past the end: the rest not read"
						     : "more TLVs than listed");
	/* What the reflector did with a Class of Service request, seen in the IP header. */
	if (probe_tlv_set_has(&run->opts->tlvs, STAMP_TLV_CLASS_OF_SERVICE)) {
		if (rec->has_tos)
			printf("    received: dscp %u ecn %u\n", rec->tos >> 2, rec->tos & 3);
		else
			printf("    received: dscp ? ecn ?\n");
	}
}

void probe_report_outstanding(const struct probe_run *run, uint32_t seq)
{
	(void)run;
	printf("no answer yet for seq=%u\n", seq);
	fflush(stdout);
}

/* -D, as ping's: the reply's arrival time, Unix seconds to the microsecond. */
static void print_arrival_time(const struct probe_fig *f)
{
	int64_t us = f->t4_ns / 1000;

	printf("[%lld.%06lld] ", (long long)(us / 1000000), (long long)(us % 1000000));
}

/* The RTT of a reply; a negative one never passes for a figure. */
static void format_rtt(const struct probe_fig *f, char *buf, size_t len)
{
	char figure[32];

	probe_format_us((double)f->rtt_ns / 1e3, figure, sizeof(figure));
	if (f->negative_rtt)
		snprintf(buf, len, "NEGATIVE(%s, a timestamp is wrong)", figure);
	else
		snprintf(buf, len, "%s", figure);
}

void probe_report_reply(const struct probe_run *run, const struct probe_rec *rec)
{
	const struct probe_reply *r = &rec->reply;
	struct probe_fig f;
	char ttl[12] = "?", hops[12] = "?", reply_ttl[12] = "?", rtt[64], residence[32];

	probe_reply_figures(run, rec, &f);
	if (r->has_ttl)
		snprintf(ttl, sizeof(ttl), "%u", r->sender_ttl);
	if (f.hops >= 0)
		snprintf(hops, sizeof(hops), "%d", f.hops);
	if (rec->has_reply_ttl)
		snprintf(reply_ttl, sizeof(reply_ttl), "%u", rec->reply_ttl);
	format_rtt(&f, rtt, sizeof(rtt));
	probe_format_us((double)f.residence_ns / 1e3, residence, sizeof(residence));
	if (run->opts->print_time)
		print_arrival_time(&f);
	/*
	 * sender_ttl is the TTL our request had at the reflector (ping's ttl=
	 * is the reply's, here reply_ttl=): the two paths' hops, each way.
	 */
	printf("%u octets from %s: seq=%u rtt=%s residence=%s sender_ttl=%s hops=%s"
	       " reply_ttl=%s reflector_seq=%u%s\n",
	       r->length, rec->from, r->sender_seq, rtt, residence, ttl, hops, reply_ttl,
	       r->reflector_seq, rec->duplicate ? " (DUP!)" : "");
	if (run->opts->tlvs.n)
		print_tlvs(run, rec);
	fflush(stdout);
}

/* ---- text ------------------------------------------------------------------ */

static void print_lost(const struct probe_run *run)
{
	unsigned int shown = 0;
	uint32_t seq;

	if (!probe_book_lost(&run->book))
		return;
	printf("lost seqs:");
	for (seq = 0; seq < run->opts->count && shown < TEXT_LOST_SEQS; seq++) {
		if (probe_book_was_sent(&run->book, seq) && !probe_book_answered(&run->book, seq)) {
			printf(" %u", seq);
			shown++;
		}
	}
	printf("%s\n", probe_book_lost(&run->book) > shown ? " ..." : "");
}

void probe_print_summary_line(const char *what, const struct probe_summary *s)
{
	const char *unit;
	double div = line_unit(abs_us(s->min) > abs_us(s->max) ? s->min : s->max, &unit);

	printf("%s min/mean/median/p90/p99/max/stddev = %.3f/%.3f/%.3f/%.3f/%.3f/%.3f/%.3f %s\n",
	       what, s->min / div, s->mean / div, s->median / div, s->p90 / div, s->p99 / div,
	       s->max / div, s->stddev / div, unit);
}

static void print_residence(const struct probe_summary *s)
{
	const char *unit;
	double div = line_unit(s->max, &unit);

	printf("residence min/mean/median/max = %.3f/%.3f/%.3f/%.3f %s\n", s->min / div,
	       s->mean / div, s->median / div, s->max / div, unit);
}

void probe_print_histogram(const struct probe_results *res)
{
	size_t i, most = 1, bar, b;

	for (i = 0; i < res->n_hist; i++)
		most = res->hist[i].count > most ? res->hist[i].count : most;
	printf("rtt histogram:\n");
	for (i = 0; i < res->n_hist; i++) {
		const struct probe_hist_bin *h = &res->hist[i];

		/* A bin with anything in it shows at least one mark. */
		bar = (h->count * HIST_BAR + most - 1) / most;
		printf("  %10.3f - %10.3f us |", h->from, h->to);
		for (b = 0; b < bar; b++)
			putchar('#');
		printf("%*s %zu\n", (int)(HIST_BAR - bar), "", h->count);
	}
}

static void print_direction(const struct probe_results *res)
{
	const struct probe_direction_loss *d = &res->direction;

	if (!res->stateful)
		return;
	if (res->looks_stateless)
		printf("stateful reflector? its sequence numbers echo ours across the losses: it"
		       " looks stateless (or every loss was backward); loss direction unknown\n");
	else if (d->known)
		printf("stateful reflector: forward loss %llu, backward loss %llu, direction"
		       " unknown %llu\n",
		       (unsigned long long)d->forward, (unsigned long long)d->backward,
		       (unsigned long long)d->unknown);
	else
		printf("stateful reflector: loss direction unknown (its sequence numbers do not"
		       " count this session's requests from 0)\n");
}

void probe_print_auth(const struct probe_run *run)
{
	if (probe_authenticated(run->opts))
		printf("authenticated mode: %llu %s whose HMAC did not verify (not counted as"
		       " received)\n",
		       (unsigned long long)run->auth_failed,
		       plural(run->auth_failed, "reply", "replies"));
	else if (run->opts->hmac_tlv)
		printf("hmac tlv: %llu %s whose HMAC TLV did not verify (not counted as"
		       " received)\n",
		       (unsigned long long)run->auth_failed,
		       plural(run->auth_failed, "reply", "replies"));
}

static void print_ignored(const struct probe_run *run, const struct probe_results *res)
{
	if (run->ignored_short || run->ignored_ssid || res->unknown_seq || run->ignored_port)
		printf("ignored replies: %llu too short, %llu with a sequence number not sent,"
		       " %llu of another SSID, %llu from another port\n",
		       (unsigned long long)run->ignored_short, (unsigned long long)res->unknown_seq,
		       (unsigned long long)run->ignored_ssid,
		       (unsigned long long)run->ignored_port);
	probe_print_auth(run);
	if (run->refused || run->send_errors)
		printf("errors: %llu ICMP unreachable, %llu %s not sent\n",
		       (unsigned long long)run->refused, (unsigned long long)run->send_errors,
		       plural(run->send_errors, "request", "requests"));
}

static void text_summary(const struct probe_run *run, const struct probe_results *res)
{
	char jitter[32];

	printf("\n--- %s probe statistics%s ---\n", run->opts->host,
	       run->interrupted ? " (interrupted)" : "");
	if (res->no_reply_requested) {
		printf("%llu sent, %llu received, no reply requested (tlv return-path,no-reply):"
		       " no loss figure\n",
		       (unsigned long long)res->sent, (unsigned long long)res->received);
	} else {
		printf("%llu sent, %llu received, %.4g%% loss, %llu %s, %llu reordered\n",
		       (unsigned long long)res->sent, (unsigned long long)res->received,
		       res->loss_percent, (unsigned long long)res->duplicates,
		       plural(res->duplicates, "duplicate", "duplicates"),
		       (unsigned long long)res->reordered);
		print_lost(run);
	}
	print_direction(res);
	print_ignored(run, res);
	if (!res->received)
		return;
	if (res->negative_rtt)
		printf("negative rtt: %llu %s (a timestamp is wrong), left out of the rtt, jitter"
		       " and histogram figures\n",
		       (unsigned long long)res->negative_rtt,
		       plural(res->negative_rtt, "reply", "replies"));
	if (res->rtt_us.n)
		probe_print_summary_line("rtt", &res->rtt_us);
	else
		printf("rtt = unknown (no reply with an RTT of 0 or more)\n");
	if (res->have_jitter) {
		probe_format_us(res->jitter_us, jitter, sizeof(jitter));
		printf("jitter = %s\n", jitter);
	} else
		printf("jitter = unknown (fewer than two RTTs)\n");
	print_residence(&res->residence_us);
	if (res->synchronized) {
		probe_print_summary_line("forward (T2-T1)", &res->forward_us);
		probe_print_summary_line("backward (T4-T3)", &res->backward_us);
	} else {
		printf("forward (T2-T1): not synchronized\n");
		printf("backward (T4-T3): not synchronized\n");
	}
	printf("timestamps: tx %s, rx %s\n", probe_ts_source_names[res->tx],
	       probe_ts_source_names[res->rx]);
	if (res->n_hist)
		probe_print_histogram(res);
}

/* ---- JSON ------------------------------------------------------------------ */

/* Microseconds to the nanosecond, without binary noise in the text. */
struct json_object *probe_json_us(double us)
{
	char text[40];

	snprintf(text, sizeof(text), "%.3f", us);
	return json_object_new_double_s(us, text);
}

struct json_object *probe_json_percent(double pct)
{
	char text[40];

	snprintf(text, sizeof(text), "%.6g", pct);
	return json_object_new_double_s(pct, text);
}

static struct json_object *json_ns_as_us(int64_t ns)
{
	return probe_json_us((double)ns / 1e3);
}

/*
 * Unix nanoseconds as the exact string "SECONDS.NNNNNNNNN": as a JSON
 * number (about 1.8e18) jq and JavaScript read them as doubles, which
 * round them to 256 ns.
 */
struct json_object *probe_json_exact_time(int64_t ns)
{
	uint64_t mag = ns < 0 ? -(uint64_t)ns : (uint64_t)ns;
	char text[32];

	snprintf(text, sizeof(text), "%s%llu.%09llu", ns < 0 ? "-" : "",
		 (unsigned long long)(mag / 1000000000ULL),
		 (unsigned long long)(mag % 1000000000ULL));
	return json_object_new_string(text);
}

static struct json_object *probe_json_summary(const struct probe_summary *s, bool full, bool known)
{
	struct json_object *obj = json_object_new_object();

	json_object_object_add(obj, "min", known ? probe_json_us(s->min) : NULL);
	json_object_object_add(obj, "mean", known ? probe_json_us(s->mean) : NULL);
	json_object_object_add(obj, "median", known ? probe_json_us(s->median) : NULL);
	if (full) {
		json_object_object_add(obj, "p90", known ? probe_json_us(s->p90) : NULL);
		json_object_object_add(obj, "p99", known ? probe_json_us(s->p99) : NULL);
	}
	json_object_object_add(obj, "max", known ? probe_json_us(s->max) : NULL);
	if (full)
		json_object_object_add(obj, "stddev", known ? probe_json_us(s->stddev) : NULL);
	return obj;
}

static struct json_object *probe_json_timestamps(enum probe_ts_source tx, enum probe_ts_source rx)
{
	struct json_object *obj = json_object_new_object();

	json_add_string(obj, "tx", probe_ts_source_names[tx]);
	json_add_string(obj, "rx", probe_ts_source_names[rx]);
	return obj;
}

static struct json_object *json_field(const struct probe_field *f)
{
	switch (f->kind) {
	case PROBE_FIELD_UINT:
		return json_object_new_uint64(f->num);
	case PROBE_FIELD_TEXT:
		return json_object_new_string(f->text);
	case PROBE_FIELD_NAME:
		return f->text[0] ? json_object_new_string(f->text)
				  : json_object_new_uint64(f->num);
	case PROBE_FIELD_FLAG:
		return json_object_new_boolean(f->num);
	default:
		return NULL;
	}
}

/* A sub-TLV's object, added to the "sub_tlvs" array of @tlv (made on the first). */
static struct json_object *json_sub_tlv(struct json_object *tlv, const struct probe_field *f)
{
	struct json_object *arr, *sub = json_object_new_object();

	if (!json_object_object_get_ex(tlv, "sub_tlvs", &arr)) {
		arr = json_object_new_array();
		json_object_object_add(tlv, "sub_tlvs", arr);
	}
	json_add_uint(sub, "type", f->num);
	json_object_object_add(sub, "name", f->text[0] ? json_object_new_string(f->text) : NULL);
	json_object_array_add(arr, sub);
	return sub;
}

struct json_object *probe_tlv_json(const struct probe_tlv_decoded *d)
{
	struct json_object *t = json_object_new_object(), *into = t;
	unsigned int i;

	json_add_uint(t, "type", d->type);
	json_object_object_add(t, "name", d->name ? json_object_new_string(d->name) : NULL);
	json_add_uint(t, "length", d->length);
	json_add_bool(t, "unrecognized", d->flags & STAMP_TLV_FLAG_U);
	json_add_bool(t, "malformed", d->flags & STAMP_TLV_FLAG_M);
	json_add_bool(t, "integrity_failed", d->flags & STAMP_TLV_FLAG_I);
	json_add_bool(t, "c_flag", d->flags & STAMP_TLV_FLAG_C);
	for (i = 0; i < d->n; i++) {
		const struct probe_field *f = &d->field[i];

		if (f->kind == PROBE_FIELD_SUB)
			into = json_sub_tlv(t, f);
		else if (f->kind != PROBE_FIELD_NOTE)
			json_object_object_add(into, f->key, json_field(f));
	}
	return t;
}

static struct json_object *json_tlvs(const struct probe_run *run, const struct probe_rec *rec)
{
	struct probe_tlv_clock clk = reply_clock(run, rec);
	const struct probe_tlv_list *list = rec->tlvs;
	struct json_object *arr = json_object_new_array();
	struct probe_tlv_decoded d;
	unsigned int i;

	for (i = 0; list && i < list->n; i++) {
		probe_tlv_list_decode(list, i, &clk, &d);
		json_object_array_add(arr, probe_tlv_json(&d));
	}
	return arr;
}

void probe_json_target(struct json_object *obj, const struct probe_run *run)
{
	json_add_string(obj, "host", run->opts->host);
	json_add_string(obj, "address", run->sock.address);
	json_add_uint(obj, "port", run->opts->port);
}

void probe_json_head(struct json_object *obj, const struct probe_run *run)
{
	const struct probe_opts *o = run->opts;

	probe_json_target(obj, run);
	json_add_string(obj, "source", run->sock.source);
	json_add_uint(obj, "sport", run->sock.sport);
	json_add_uint(obj, "ssid", o->ssid);
	json_add_string(obj, "timestamp", o->ptp ? "ptp" : "ntp");
	json_add_uint(obj, "size", o->size);
}

static struct json_object *json_reply(const struct probe_run *run, const struct probe_rec *rec)
{
	const struct probe_reply *r = &rec->reply;
	struct json_object *obj = json_object_new_object();
	struct probe_fig f;

	probe_reply_figures(run, rec, &f);
	json_add_uint(obj, "seq", r->sender_seq);
	json_add_uint(obj, "reflector_seq", r->reflector_seq);
	/* A negative RTT is no figure: null there, kept under a name that says what it is. */
	json_object_object_add(obj, "rtt_us", f.negative_rtt ? NULL : json_ns_as_us(f.rtt_ns));
	json_add_bool(obj, "negative_rtt", f.negative_rtt);
	json_object_object_add(obj, "negative_rtt_us",
			       f.negative_rtt ? json_ns_as_us(f.rtt_ns) : NULL);
	json_object_object_add(obj, "residence_us", json_ns_as_us(f.residence_ns));
	json_object_object_add(obj, "sender_ttl",
			       r->has_ttl ? json_object_new_int(r->sender_ttl) : NULL);
	json_object_object_add(obj, "hops", f.hops >= 0 ? json_object_new_int(f.hops) : NULL);
	json_object_object_add(obj, "reply_ttl",
			       rec->has_reply_ttl ? json_object_new_int(rec->reply_ttl) : NULL);
	json_object_object_add(obj, "t1_ns", json_object_new_int64(f.t1_ns));
	json_object_object_add(obj, "t2_ns", json_object_new_int64(r->t2_ns));
	json_object_object_add(obj, "t3_ns", json_object_new_int64(r->t3_ns));
	json_object_object_add(obj, "t4_ns", json_object_new_int64(f.t4_ns));
	json_object_object_add(obj, "t1", probe_json_exact_time(f.t1_ns));
	json_object_object_add(obj, "t2", probe_json_exact_time(r->t2_ns));
	json_object_object_add(obj, "t3", probe_json_exact_time(r->t3_ns));
	json_object_object_add(obj, "t4", probe_json_exact_time(f.t4_ns));
	json_object_object_add(obj, "forward_us",
			       f.synchronized ? json_ns_as_us(f.forward_ns) : NULL);
	json_object_object_add(obj, "backward_us",
			       f.synchronized ? json_ns_as_us(f.backward_ns) : NULL);
	json_add_uint(obj, "length", r->length);
	json_add_bool(obj, "duplicate", rec->duplicate);
	json_add_bool(obj, "synchronized", f.synchronized);
	json_add_uint(obj, "ssid", r->ssid);
	json_add_string(obj, "from", rec->from);
	json_object_object_add(obj, "reply_dscp",
			       rec->has_tos ? json_object_new_int(rec->tos >> 2) : NULL);
	json_object_object_add(obj, "reply_ecn",
			       rec->has_tos ? json_object_new_int(rec->tos & 3) : NULL);
	json_object_object_add(obj, "timestamps", probe_json_timestamps(f.tx, f.rx));
	json_object_object_add(obj, "tlvs", json_tlvs(run, rec));
	json_add_bool(obj, "tlvs_malformed", rec->tlvs && rec->tlvs->malformed);
	return obj;
}

static struct json_object *json_lost_seqs(const struct probe_run *run)
{
	struct json_object *arr = json_object_new_array();
	uint32_t seq;

	for (seq = 0; seq < run->opts->count; seq++)
		if (probe_book_was_sent(&run->book, seq) && !probe_book_answered(&run->book, seq))
			json_object_array_add(arr, json_object_new_int64(seq));
	return arr;
}

static struct json_object *probe_json_histogram(const struct probe_results *res)
{
	struct json_object *arr = json_object_new_array();
	size_t i;

	for (i = 0; i < res->n_hist; i++) {
		struct json_object *bin = json_object_new_object();

		json_object_object_add(bin, "from_us", probe_json_us(res->hist[i].from));
		json_object_object_add(bin, "to_us", probe_json_us(res->hist[i].to));
		json_add_uint(bin, "count", res->hist[i].count);
		json_object_array_add(arr, bin);
	}
	return arr;
}

void probe_json_results(struct json_object *obj, const struct probe_results *res)
{
	json_object_object_add(obj, "rtt_us",
			       probe_json_summary(&res->rtt_us, true, res->rtt_us.n));
	json_object_object_add(obj, "jitter_us",
			       res->have_jitter ? probe_json_us(res->jitter_us) : NULL);
	/* A residence time per reply received, duplicates aside: null when none was. */
	json_object_object_add(
		obj, "residence_us",
		res->residence_us.n ? probe_json_summary(&res->residence_us, false, true) : NULL);
	json_object_object_add(obj, "forward_us",
			       res->synchronized ? probe_json_summary(&res->forward_us, true, true)
						 : NULL);
	json_object_object_add(obj, "backward_us",
			       res->synchronized ? probe_json_summary(&res->backward_us, true, true)
						 : NULL);
	json_add_bool(obj, "synchronized", res->synchronized);
	json_object_object_add(obj, "timestamps", probe_json_timestamps(res->tx, res->rx));
	json_object_object_add(obj, "histogram", probe_json_histogram(res));
}

static struct json_object *json_direction(const struct probe_results *res)
{
	const struct probe_direction_loss *d = &res->direction;
	struct json_object *obj;

	if (!res->stateful)
		return NULL;
	obj = json_object_new_object();
	json_object_object_add(obj, "forward_lost",
			       d->known ? json_object_new_uint64(d->forward) : NULL);
	json_object_object_add(obj, "backward_lost",
			       d->known ? json_object_new_uint64(d->backward) : NULL);
	json_object_object_add(obj, "unknown_direction_lost",
			       d->known ? json_object_new_uint64(d->unknown) : NULL);
	json_add_bool(obj, "reflector_looks_stateless", res->looks_stateless);
	return obj;
}

static struct json_object *json_ignored(const struct probe_run *run,
					const struct probe_results *res)
{
	struct json_object *obj = json_object_new_object();

	json_add_uint(obj, "short", run->ignored_short);
	json_add_uint(obj, "unknown_seq", res->unknown_seq);
	json_add_uint(obj, "other_ssid", run->ignored_ssid);
	json_add_uint(obj, "other_port", run->ignored_port);
	return obj;
}

/*
 * Authenticated mode, or hmac-key: replies whose HMAC (HMAC TLV) did not
 * verify, never counted as received.
 */
struct json_object *probe_json_auth(const struct probe_run *run)
{
	struct json_object *obj;

	if (!run->opts->auth_key)
		return NULL;
	obj = json_object_new_object();
	json_add_uint(obj, "failed", run->auth_failed);
	return obj;
}

/* The TLVs each request carried, as asked for. */
static struct json_object *json_requested_tlvs(const struct probe_tlv_set *set)
{
	struct json_object *arr = json_object_new_array();
	unsigned int i;

	for (i = 0; i < set->n; i++) {
		struct json_object *t = json_object_new_object();
		const char *name = probe_tlv_name(set->req[i].type);

		json_add_uint(t, "type", set->req[i].type);
		json_object_object_add(t, "name", name ? json_object_new_string(name) : NULL);
		json_add_uint(t, "length", set->req[i].length);
		json_object_array_add(arr, t);
	}
	return arr;
}

static void json_summary_out(const struct probe_run *run, const struct probe_results *res)
{
	const struct probe_opts *o = run->opts;
	struct json_object *obj = json_object_new_object(), *replies;
	size_t i;

	probe_json_head(obj, run);
	json_add_uint(obj, "ttl", o->ttl);
	json_add_uint(obj, "dscp", o->dscp);
	json_add_uint(obj, "ecn", o->ecn);
	json_add_uint(obj, "count", o->count);
	json_add_uint(obj, "interval_ms", o->interval_ms);
	json_add_bool(obj, "stateful", o->stateful);
	json_object_object_add(obj, "tlvs", json_requested_tlvs(&o->tlvs));
	json_add_bool(obj, "interrupted", run->interrupted);
	json_add_uint(obj, "sent", res->sent);
	json_add_uint(obj, "received", res->received);
	json_add_bool(obj, "no_reply_requested", res->no_reply_requested);
	/* No reply asked for: none missing, no loss figure (null). */
	json_object_object_add(obj, "lost",
			       res->no_reply_requested ? NULL : json_object_new_uint64(res->lost));
	json_object_object_add(obj, "loss_percent",
			       res->no_reply_requested ? NULL
						       : probe_json_percent(res->loss_percent));
	json_add_uint(obj, "duplicates", res->duplicates);
	json_add_uint(obj, "reordered", res->reordered);
	json_object_object_add(obj, "lost_seqs",
			       res->no_reply_requested ? json_object_new_array()
						       : json_lost_seqs(run));
	json_object_object_add(obj, "direction_loss", json_direction(res));
	json_object_object_add(obj, "ignored", json_ignored(run, res));
	json_object_object_add(obj, "auth", probe_json_auth(run));
	json_add_uint(obj, "icmp_unreachable", run->refused);
	json_add_uint(obj, "send_errors", run->send_errors);
	json_add_uint(obj, "negative_rtt", res->negative_rtt);
	probe_json_results(obj, res);
	replies = json_object_new_array();
	for (i = 0; i < run->n_recs; i++)
		json_object_array_add(replies, json_reply(run, &run->recs[i]));
	json_object_object_add(obj, "replies", replies);
	output_json(obj);
}

void probe_report_summary(const struct probe_run *run, const struct probe_results *res)
{
	if (json_output)
		json_summary_out(run, res);
	else
		text_summary(run, res);
}
