// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The continuous mode's output: a summary per report period and the totals
 * at the end, as text lines or, with -j, one JSON object per line ("type":
 * "period", then "summary"), so a pipe reads each as it comes.
 */
#include <stdio.h>
#include <time.h>

#include "output.h"
#include "probe_monitor.h"
#include "probe_report.h"

static int64_t realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Mean and population standard deviation of running sums, as probe_summarize() has them. */
static struct probe_summary running_summary(const struct probe_running *r)
{
	struct probe_summary s = {.n = r->n, .min = r->min, .max = r->max};
	double var, x;

	if (!r->n)
		return s;
	s.mean = r->sum / (double)r->n;
	var = r->sumsq / (double)r->n - s.mean * s.mean;
	/* No libm: Newton's iteration, as probe_stats.c does. */
	for (x = var > 1 ? var : 1; var > 0;) {
		double next = (x + var / x) / 2;

		if (next >= x)
			break;
		x = next;
	}
	s.stddev = var > 0 ? x : 0;
	s.median = s.p90 = s.p99 = s.mean; /* not known without the samples; not printed */
	return s;
}

/* ---- text ------------------------------------------------------------------ */

static void text_period(const struct probe_run *run, const struct probe_results *res)
{
	const struct probe_monitor *m = run->mon;
	char jitter[32];

	printf("period %llu: %llu sent, %llu received, %llu lost (%.4g%%), %llu late, %llu"
	       " duplicates, %llu reordered",
	       (unsigned long long)m->totals.periods + 1, (unsigned long long)res->sent,
	       (unsigned long long)res->received, (unsigned long long)res->lost, res->loss_percent,
	       (unsigned long long)m->period.c.late, (unsigned long long)res->duplicates,
	       (unsigned long long)res->reordered);
	if (res->rtt_us.n) {
		const struct probe_summary *s = &res->rtt_us;
		char min[32], mean[32], max[32];

		probe_format_us(s->min, min, sizeof(min));
		probe_format_us(s->mean, mean, sizeof(mean));
		probe_format_us(s->max, max, sizeof(max));
		probe_format_us(res->jitter_us, jitter, sizeof(jitter));
		printf("; rtt min %s mean %s max %s, jitter %s", min, mean, max,
		       res->have_jitter ? jitter : "unknown");
	}
	putchar('\n');
	fflush(stdout);
}

static void text_summary(const struct probe_run *run)
{
	const struct probe_totals *t = &run->mon->totals;
	const struct probe_counts *c = &t->c;
	struct probe_summary s;
	uint64_t decided = c->received + c->lost;
	char jitter[32];

	printf("\n--- %s probe statistics%s ---\n", run->opts->host,
	       run->interrupted ? " (interrupted)" : "");
	printf("%llu sent, %llu received, %llu lost, %llu in flight, %.4g%% loss, %llu late,"
	       " %llu duplicates, %llu reordered\n",
	       (unsigned long long)c->sent, (unsigned long long)c->received,
	       (unsigned long long)c->lost, (unsigned long long)probe_monitor_in_flight(run->mon),
	       decided ? 100.0 * (double)c->lost / (double)decided : 0.0,
	       (unsigned long long)c->late, (unsigned long long)c->duplicates,
	       (unsigned long long)c->reordered);
	probe_print_auth(run);
	if (!t->rtt_us.n)
		return;
	s = running_summary(&t->rtt_us);
	printf("rtt min/mean/max/stddev = %.3f/%.3f/%.3f/%.3f us\n", s.min, s.mean, s.max,
	       s.stddev);
	probe_format_us(t->jitter_us, jitter, sizeof(jitter));
	printf("jitter = %s\n", t->rtt_us.n >= 2 ? jitter : "unknown (fewer than two RTTs)");
	if (t->n_sync && t->n_sync == c->received) {
		s = running_summary(&t->forward_us);
		printf("forward (T2-T1) min/mean/max = %.3f/%.3f/%.3f us\n", s.min, s.mean, s.max);
		s = running_summary(&t->backward_us);
		printf("backward (T4-T3) min/mean/max = %.3f/%.3f/%.3f us\n", s.min, s.mean, s.max);
	} else {
		printf("forward, backward (T2-T1, T4-T3): not synchronized\n");
	}
}

/* ---- JSON ------------------------------------------------------------------ */

static void json_counts(struct json_object *obj, const struct probe_counts *c)
{
	uint64_t decided = c->received + c->lost;

	json_add_uint(obj, "sent", c->sent);
	json_add_uint(obj, "received", c->received);
	json_add_uint(obj, "lost", c->lost);
	/* Of the requests decided (answered, or timed out): in flight ones are neither. */
	json_object_object_add(
		obj, "loss_percent",
		decided ? probe_json_percent(100.0 * (double)c->lost / (double)decided) : NULL);
	json_add_uint(obj, "late", c->late);
	json_add_uint(obj, "duplicates", c->duplicates);
	json_add_uint(obj, "reordered", c->reordered);
	json_add_uint(obj, "unknown_seq", c->unknown);
	json_add_uint(obj, "negative_rtt", c->negative_rtt);
}

/* Each line says what it is first, for a reader of the pipe. */
static struct json_object *json_typed(const char *type)
{
	struct json_object *obj = json_object_new_object();

	json_add_string(obj, "type", type);
	return obj;
}

static void json_period(const struct probe_run *run, const struct probe_results *res,
			int64_t end_ns)
{
	const struct probe_monitor *m = run->mon;
	struct json_object *obj = json_typed("period");

	probe_json_target(obj, run);

	json_add_uint(obj, "period", m->totals.periods + 1);
	json_object_object_add(obj, "start", probe_json_exact_time(m->period.start_ns));
	json_object_object_add(obj, "end", probe_json_exact_time(end_ns));
	json_counts(obj, &m->period.c);
	json_add_uint(obj, "in_flight", probe_monitor_in_flight(m));
	probe_json_results(obj, res);
	output_json(obj);
}

/* min, mean, max and stddev of running sums; null when there were none. */
static struct json_object *json_running(const struct probe_running *r)
{
	struct probe_summary s = running_summary(r);
	struct json_object *obj;

	if (!r->n)
		return NULL;
	obj = json_object_new_object();
	json_object_object_add(obj, "min", probe_json_us(s.min));
	json_object_object_add(obj, "mean", probe_json_us(s.mean));
	json_object_object_add(obj, "max", probe_json_us(s.max));
	json_object_object_add(obj, "stddev", probe_json_us(s.stddev));
	return obj;
}

static void json_summary(const struct probe_run *run)
{
	const struct probe_opts *o = run->opts;
	const struct probe_totals *t = &run->mon->totals;
	struct json_object *obj = json_typed("summary"), *ignored, *auth;
	bool sync = t->n_sync && t->n_sync == t->c.received;

	probe_json_head(obj, run);
	json_add_uint(obj, "count", o->count);
	json_add_uint(obj, "interval_ms", o->interval_ms);
	json_add_uint(obj, "timeout_ms", o->timeout_ms);
	json_add_uint(obj, "report_s", o->report_s);
	json_add_bool(obj, "interrupted", run->interrupted);
	json_add_uint(obj, "periods", t->periods);
	json_object_object_add(obj, "start", probe_json_exact_time(t->start_ns));
	json_object_object_add(obj, "end", probe_json_exact_time(realtime_ns()));
	json_counts(obj, &t->c);
	json_add_uint(obj, "in_flight", probe_monitor_in_flight(run->mon));
	ignored = json_object_new_object();
	json_add_uint(ignored, "short", run->ignored_short);
	json_add_uint(ignored, "other_ssid", run->ignored_ssid);
	json_add_uint(ignored, "other_port", run->ignored_port);
	json_object_object_add(obj, "ignored", ignored);
	/* Only in authenticated mode (the counted summary has null there instead). */
	auth = probe_json_auth(run);
	if (auth)
		json_object_object_add(obj, "auth", auth);
	json_add_uint(obj, "icmp_unreachable", run->refused);
	json_add_uint(obj, "send_errors", run->send_errors);
	json_object_object_add(obj, "rtt_us", json_running(&t->rtt_us));
	json_object_object_add(obj, "jitter_us",
			       t->rtt_us.n >= 2 ? probe_json_us(t->jitter_us) : NULL);
	json_object_object_add(obj, "residence_us", json_running(&t->residence_us));
	json_object_object_add(obj, "forward_us", sync ? json_running(&t->forward_us) : NULL);
	json_object_object_add(obj, "backward_us", sync ? json_running(&t->backward_us) : NULL);
	json_add_bool(obj, "synchronized", sync);
	output_json(obj);
}

void probe_report_period(const struct probe_run *run)
{
	struct probe_results res;

	if (probe_monitor_period_results(run->mon, &res))
		return;
	if (json_output)
		json_period(run, &res, realtime_ns());
	else
		text_period(run, &res);
	run->mon->totals.periods++;
}

void probe_report_monitor_summary(const struct probe_run *run)
{
	if (json_output)
		json_summary(run);
	else
		text_summary(run);
}
