// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The Prometheus text exposition of the attached reflectors.  Every
 * family's samples must stand together after its HELP and TYPE lines, so
 * all reflectors are read first and then printed family by family.
 *
 * Names and labels follow the Prometheus naming guidelines: counters end
 * in _total, units are base units (seconds), and a label's values add up
 * to something meaningful.  That is why there is no "received" sample and
 * no "seen" TLV result: received is sum by (interface) of
 * stampede_frames_total (every frame ends in exactly one outcome), and a
 * TLV seen is exactly one of answered, unrecognized or malformed
 * (bpf/tlv/walk.h tlv_count); a sample for either would make sum() count
 * twice.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "attached.h"
#include "cli.h"
#include "clock.h"
#include "describe.h"
#include "metrics.h"
#include "session.h"
#include "stamp_wire.h"
#include "version.h"

struct reflectors {
	struct metrics_reflector *r;
	size_t n;
};

static int collect_one(struct attached *a, void *ctx)
{
	struct reflectors *all = ctx;
	struct metrics_reflector *grown, *m;
	struct reflector_info info;

	grown = realloc(all->r, (all->n + 1) * sizeof(*all->r));
	if (!grown)
		return cli_error("out of memory");
	all->r = grown;
	m = memset(&all->r[all->n], 0, sizeof(*m));
	snprintf(m->ifname, sizeof(m->ifname), "%s", a->ifname);
	if (stats_read(a, &m->totals) || reflector_describe(a, &info))
		return -1;
	m->clock = info.clock;
	/*
	 * A stateless reflector does not use the table (an earlier stateful
	 * program's sessions may linger there): no session gauges for it.
	 */
	m->stateful = info.cfg.flags & STAMPEDE_F_STATEFUL;
	m->sessions_max = info.sessions_max;
	if (m->stateful &&
	    session_table_count(a, info.sessions_max / STAMPEDE_SESSION_WAYS, &m->sessions))
		return -1;
	all->n++;
	return 0;
}

static void family(FILE *out, const char *name, const char *type, const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A label value with the format's escapes (\\, \" and \n). */
static void escaped(FILE *out, const char *value)
{
	for (; *value; value++) {
		if (*value == '\\' || *value == '"')
			fprintf(out, "\\%c", *value);
		else if (*value == '\n')
			fputs("\\n", out);
		else
			fputc(*value, out);
	}
}

/* ,key="value": a label after the first. */
static void label(FILE *out, const char *key, const char *value)
{
	fprintf(out, ",%s=\"", key);
	escaped(out, value);
	fputc('"', out);
}

/* name{interface="IFNAME": the other labels and the value follow. */
static void sample(FILE *out, const char *name, const struct metrics_reflector *m)
{
	fprintf(out, "%s{interface=\"", name);
	escaped(out, m->ifname);
	fputc('"', out);
}

static void end_uint(FILE *out, uint64_t v)
{
	fprintf(out, "} %" PRIu64 "\n", v);
}

static void build_info(FILE *out, const char *version, const char *libbpf)
{
	family(out, "stampede_build_info", "gauge",
	       "Always 1; the labels say which stampede and libbpf serve these metrics.");
	fputs("stampede_build_info{version=\"", out);
	escaped(out, version);
	fputc('"', out);
	label(out, "libbpf", libbpf);
	fputs("} 1\n", out);
}

static void frames(FILE *out, const struct metrics_reflector *r, size_t n)
{
	static const char *const outcome[] = {
		[STAMPEDE_CLASS_PASS] = "passed",
		[STAMPEDE_CLASS_DROP] = "dropped",
	};
	size_t j;
	int i;

	family(out, "stampede_frames_total", "counter",
	       "Frames the XDP program saw, each in one outcome: reflected, or passed to"
	       " the stack or dropped for a reason.");
	for (j = 0; j < n; j++) {
		const struct stats_totals *t = &r[j].totals;

		sample(out, "stampede_frames_total", &r[j]);
		label(out, "outcome", "reflected");
		end_uint(out, t->by_class[STAMPEDE_CLASS_OUTCOME]);
		for (i = 0; i < STAMPEDE_CNT_MAX; i++) {
			enum stampede_counter_class class = stats_counters[i].class;

			if (class != STAMPEDE_CLASS_PASS && class != STAMPEDE_CLASS_DROP)
				continue;
			sample(out, "stampede_frames_total", &r[j]);
			label(out, "outcome", outcome[class]);
			label(out, "reason", stats_counters[i].name);
			end_uint(out, t->count[i]);
		}
	}
}

static void events(FILE *out, const struct metrics_reflector *r, size_t n)
{
	size_t j;
	int i;

	family(out, "stampede_events_total", "counter",
	       "Things noted about reflected packets (TWAMP-Light, TLVs, resized or"
	       " rerouted replies, sessions created or evicted).");
	for (j = 0; j < n; j++)
		for (i = 0; i < STAMPEDE_CNT_MAX; i++) {
			if (stats_counters[i].class != STAMPEDE_CLASS_EVENT)
				continue;
			sample(out, "stampede_events_total", &r[j]);
			label(out, "event", stats_counters[i].name);
			end_uint(out, r[j].totals.count[i]);
		}
}

static void tlv_sample(FILE *out, const struct metrics_reflector *m, unsigned int row,
		       const char *result, uint64_t v)
{
	sample(out, "stampede_tlvs_total", m);
	label(out, "type", stats_tlv_row_name(row));
	label(out, "result", result);
	end_uint(out, v);
}

/* A reflector attached by an older stampede keeps no TLV counters: no samples. */
static void tlvs(FILE *out, const struct metrics_reflector *r, size_t n)
{
	unsigned int row;
	size_t j;

	family(out, "stampede_tlvs_total", "counter",
	       "TLVs walked, by type (\"other\": a type without a name) and result;"
	       " sum over result for the TLVs seen.");
	for (j = 0; j < n; j++) {
		const struct stats_totals *t = &r[j].totals;

		for (row = 0; t->have_tlvs && row < STAMPEDE_TLV_STATS_TYPES; row++) {
			tlv_sample(out, &r[j], row, "answered", t->tlvs[row].answered);
			tlv_sample(out, &r[j], row, "unrecognized", t->tlvs[row].unrecognized);
			tlv_sample(out, &r[j], row, "malformed", t->tlvs[row].malformed);
		}
	}
}

/* Only the Access ID and Return Code pairs seen: 4096 series each would be noise. */
static void access_reports(FILE *out, const struct metrics_reflector *r, size_t n)
{
	char number[16];
	unsigned int i;
	size_t j;

	family(out, "stampede_access_reports_total", "counter",
	       "Access Report TLVs received, by Access ID and Return Code.");
	for (j = 0; j < n; j++) {
		const struct stats_totals *t = &r[j].totals;

		for (i = 0; i < t->n_access; i++) {
			sample(out, "stampede_access_reports_total", &r[j]);
			snprintf(number, sizeof(number), "%u", t->access[i].key >> 8);
			label(out, "access_id", number);
			snprintf(number, sizeof(number), "%u", t->access[i].key & 0xff);
			label(out, "return_code", number);
			end_uint(out, t->access[i].count);
		}
	}
}

static void sessions(FILE *out, const struct metrics_reflector *r, size_t n)
{
	size_t j;

	family(out, "stampede_sessions", "gauge",
	       "Sessions in a stateful reflector's session table.");
	for (j = 0; j < n; j++)
		if (r[j].stateful) {
			sample(out, "stampede_sessions", &r[j]);
			end_uint(out, r[j].sessions);
		}
	family(out, "stampede_sessions_max", "gauge",
	       "Sessions a stateful reflector's table holds; a new one past that"
	       " evicts the least recently seen of its set.");
	for (j = 0; j < n; j++)
		if (r[j].stateful) {
			sample(out, "stampede_sessions_max", &r[j]);
			end_uint(out, r[j].sessions_max);
		}
	family(out, "stampede_session_evictions_total", "counter",
	       "Sessions replaced by a new one in a full set (the event session_evicted).");
	for (j = 0; j < n; j++) {
		sample(out, "stampede_session_evictions_total", &r[j]);
		end_uint(out, r[j].totals.count[STAMPEDE_CNT_session_evicted]);
	}
}

/* The clock facts the reflector stamps its replies with (the clock map). */
static void clock_state(FILE *out, const struct metrics_reflector *r, size_t n)
{
	size_t j;

	family(out, "stampede_clock_synchronized", "gauge",
	       "1 when the reflector's replies say its clock is synchronized (the S bit).");
	for (j = 0; j < n; j++) {
		sample(out, "stampede_clock_synchronized", &r[j]);
		end_uint(out, !!(r[j].clock.error_estimate & STAMP_EE_S));
	}
	family(out, "stampede_clock_error_estimate_seconds", "gauge",
	       "The Error Estimate the reflector's replies carry.");
	for (j = 0; j < n; j++) {
		sample(out, "stampede_clock_error_estimate_seconds", &r[j]);
		/* %.17g: the estimate is a binary fraction, printed exactly. */
		fprintf(out, "} %.17g\n", clock_error_estimate_seconds(r[j].clock.error_estimate));
	}
	family(out, "stampede_clock_tai_offset_seconds", "gauge",
	       "TAI - UTC as the reflector uses it for NTP timestamps.");
	for (j = 0; j < n; j++) {
		sample(out, "stampede_clock_tai_offset_seconds", &r[j]);
		fprintf(out, "} %.17g\n", (double)r[j].clock.tai_offset_ns / 1e9);
	}
}

void metrics_print(FILE *out, const struct metrics_reflector *r, size_t n, const char *version,
		   const char *libbpf)
{
	build_info(out, version, libbpf);
	family(out, "stampede_reflectors", "gauge",
	       "Reflectors attached in the network namespace served.");
	fprintf(out, "stampede_reflectors %zu\n", n);
	frames(out, r, n);
	events(out, r, n);
	tlvs(out, r, n);
	access_reports(out, r, n);
	sessions(out, r, n);
	clock_state(out, r, n);
}

int metrics_render(FILE *out)
{
	return metrics_render_extra(out, NULL);
}

int metrics_render_extra(FILE *out, const struct metrics_extra *extra)
{
	struct reflectors all = {0};
	char version[128];
	int ret;

	ret = attached_for_each(NULL, collect_one, &all);
	if (!ret) {
		stampede_version(version, sizeof(version));
		metrics_print(out, all.r, all.n, version, libbpf_version_string());
		if (extra && extra->fn)
			extra->fn(out, extra->ctx);
		if (fflush(out))
			ret = cli_error("cannot write the metrics: %s", strerror(errno));
	}
	free(all.r);
	return ret;
}

char *metrics_render_buf(size_t *len, const struct metrics_extra *extra)
{
	char *buf = NULL;
	FILE *out;

	*len = 0;
	out = open_memstream(&buf, len);
	if (!out) {
		cli_error("out of memory");
		return NULL;
	}
	if (metrics_render_extra(out, extra)) {
		fclose(out);
		free(buf);
		return NULL;
	}
	fclose(out);
	return buf;
}
