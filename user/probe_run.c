// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The probe's loop: requests on a fixed schedule, replies and TX timestamps
 * as they come, all in one thread around ppoll(), until every request is
 * answered or the timeout after the last one has passed, or SIGINT,
 * SIGTERM or SIGHUP.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "output.h"
#include "probe.h"
#include "probe_auth.h"
#include "probe_monitor.h"
#include "probe_report.h"

#define NSEC_PER_MSEC 1000000LL
#define NSEC_PER_SEC  1000000000LL
/* The clock's Error Estimate and TAI offset are read again this often. */
#define CLOCK_REFRESH_NS (1000 * NSEC_PER_MSEC)
/* Messages taken from a queue per wake-up, so sends stay on schedule. */
#define DRAIN_BATCH 256
/* Larger than any UDP payload: a long reply is seen whole, not cut. */
#define RX_BUF_LEN 65536

static volatile sig_atomic_t interrupted;

/*
 * Ctrl-C (SIGINT), and also SIGTERM (kill, timeout(1), systemd) and SIGHUP
 * (the terminal went away): each ends the run with the summary so far,
 * rather than killing the process with nothing printed.
 */
static const int stop_signals[] = {SIGINT, SIGTERM, SIGHUP};
#define N_STOP_SIGNALS (sizeof(stop_signals) / sizeof(stop_signals[0]))

static void on_stop_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static int64_t now_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

struct loop {
	struct probe_run *run;
	struct stampede_clock clk;
	int64_t clk_read_at; /* CLOCK_MONOTONIC */
	uint8_t *tx_buf, *rx_buf;
	struct probe_tlv tlvs[PROBE_TLV_MAX];	  /* this request's, pointing into tlv_values */
	uint8_t tlv_values[PROBE_TLV_VALUES_MAX]; /* per request: S_TxC changes */
	uint32_t *seq_by_id; /* the kernel's TX stamp IDs when it counts them itself */
	uint32_t n_ids;
	uint64_t next_seq; /* past 2^32 in the continuous mode: the wire has the low bits */
	bool stopped;	   /* run->stop_fd became readable */
	uint64_t dup_recs; /* duplicates recorded; more are only counted */
	bool send_error_reported;
};

static int refresh_clock(struct loop *l, int64_t mono)
{
	if (l->clk_read_at && mono - l->clk_read_at < CLOCK_REFRESH_NS)
		return 0;
	if (clock_read(&l->clk))
		return -1;
	l->clk_read_at = mono;
	/*
	 * TAI - UTC of PTP timestamps: the kernel's, else the leap-seconds
	 * list's (clock_read puts that in ptp_adjust_ns): PTP is TAI.
	 */
	l->run->tai_offset_ns = l->clk.tai_offset_ns + (uint64_t)l->clk.ptp_adjust_ns;
	return 0;
}

/* Requests the kernel took so far. */
static uint64_t requests_sent(const struct probe_run *run)
{
	return run->mon ? run->mon->totals.c.sent : run->book.sent;
}

/*
 * Build and send request @seq; T1 for the packet is read just before
 * sendmsg.  Returns 0 or -errno.
 */
static int send_request(struct loop *l, uint32_t seq, struct probe_sent *s, uint32_t *id)
{
	const struct probe_opts *o = l->run->opts;
	struct probe_request req = {
		.seq = seq,
		.error_estimate = o->ptp ? l->clk.ptp_error_estimate : l->clk.error_estimate,
		.ssid = o->ssid,
		.ptp = o->ptp,
		.tai_offset_ns = l->run->tai_offset_ns,
		.size = o->size,
	};
	int len;

	/* S_TxC (Direct Measurement): the requests sent so far, this one included. */
	req.n_tlvs = probe_tlv_render(&o->tlvs, (uint32_t)(requests_sent(l->run) + 1), l->tlvs,
				      l->tlv_values);
	req.tlvs = l->tlvs;
	req.t1_ns = now_ns(CLOCK_REALTIME);
	if (probe_authenticated(o)) {
		static uint8_t plain[PROBE_MAX_SIZE];
		int plain_len;

		/*
		 * The 44-octet request and its TLVs, moved into the authenticated
		 * layout and signed, with the HMAC TLV after the TLVs.
		 */
		req.size = STAMP_BASE_LEN + probe_tlv_set_len(&o->tlvs);
		plain_len = probe_request_build(&req, plain, sizeof(plain));
		if (plain_len < 0)
			return -EINVAL;
		if (plain_len == STAMP_BASE_LEN) {
			probe_auth_request(plain, &o->auth, l->tx_buf);
			len = STAMP_AUTH_BASE_SIZE;
		} else {
			len = (int)probe_auth_request_tlvs(plain, (size_t)plain_len, &o->auth,
							   l->tx_buf, PROBE_MAX_SIZE);
			if (!len)
				return -EINVAL;
		}
	} else {
		len = probe_request_build(&req, l->tx_buf, PROBE_MAX_SIZE);
		/* hmac-key: the HMAC TLV is the last of the set, any padding after it. */
		if (len > 0 && o->hmac_tlv)
			probe_hmac_tlv_sign(l->tx_buf,
					    STAMP_BASE_LEN + probe_tlv_set_len(&o->tlvs) -
						    PROBE_AUTH_TLV_EXTRA,
					    &o->auth);
	}
	if (len < 0)
		return -EINVAL; /* probe_parse() let through a size it cannot build */
	*s = (struct probe_sent){
		.t1_user_ns = req.t1_ns,
		.error_estimate = o->ptp ? req.error_estimate | STAMP_EE_Z : req.error_estimate,
	};
	return probe_socket_send(&l->run->sock, l->tx_buf, len, seq, id);
}

struct probe_sent *probe_run_sent(const struct probe_run *run, uint32_t seq)
{
	struct probe_slot *slot;

	if (!run->mon)
		return seq < run->opts->count ? &run->sent[seq] : NULL;
	slot = probe_monitor_slot(run->mon, seq);
	return slot ? &slot->sent : NULL;
}

/* Whether request @seq was sent and is still waiting for its reply. */
static bool unanswered(const struct probe_run *run, uint32_t seq)
{
	struct probe_slot *slot;

	if (!run->mon)
		return probe_book_was_sent(&run->book, seq) &&
		       !probe_book_answered(&run->book, seq);
	slot = probe_monitor_slot(run->mon, seq);
	return slot && slot->state == PROBE_SLOT_SENT;
}

/* -O, as ping's: the previous request still unanswered as the next one goes. */
static void report_outstanding(const struct probe_run *run, uint64_t seq)
{
	const struct probe_opts *o = run->opts;

	if (!o->report_outstanding || o->quiet || json_output || !seq)
		return;
	if (unanswered(run, (uint32_t)(seq - 1)))
		probe_report_outstanding(run, (uint32_t)(seq - 1));
}

static int send_one(struct loop *l)
{
	struct probe_run *run = l->run;
	struct probe_slot *slot = NULL;
	uint32_t seq = (uint32_t)l->next_seq, id;
	int64_t mono = now_ns(CLOCK_MONOTONIC);
	struct probe_sent s;
	int err;

	report_outstanding(run, l->next_seq++);
	if (refresh_clock(l, mono))
		return -1;
	/* Claimed before sending: a reply can only match a request in its slot. */
	if (run->mon)
		slot = probe_monitor_claim(run->mon, mono);
	err = send_request(l, seq, &s, &id);
	if (err < 0 && probe_icmp_errno(-err)) {
		/* An ICMP error for an earlier request: it fails the next send once. */
		run->refused++;
		err = send_request(l, seq, &s, &id);
	}
	/* Too big from the start is a bad size; a path MTU that shrinks later is counted. */
	if (err == -EMSGSIZE && !requests_sent(run))
		return cli_error("size %u does not fit the path MTU to %s: the probe does not"
				 " fragment",
				 run->opts->size, run->sock.address);
	if (err < 0) {
		run->send_errors++;
		if (!l->send_error_reported)
			cli_warn("cannot send to %s: %s (further send errors are only counted)",
				 run->sock.address, strerror(-err));
		l->send_error_reported = true;
		return 0;
	}
	if (slot) {
		slot->sent = s;
		probe_monitor_sent(run->mon, slot);
		if (!run->sock.id_cmsg)
			run->mon->seq_by_id[id & (run->mon->size - 1)] = seq;
	} else {
		run->sent[seq] = s;
		probe_book_sent(&run->book, seq);
		if (!run->sock.id_cmsg && id < run->opts->count)
			l->seq_by_id[id] = seq;
	}
	l->n_ids += !run->sock.id_cmsg;
	return 0;
}

/*
 * T1 is the first TX stamp of a request: the packet leaving this host.
 * A later one with the same ID is the same buffer sent again by someone
 * else: a reflector in generic XDP mode on this host transmits the very
 * skb it received (XDP_TX), and the kernel stamps it once more for our
 * socket.  Taking that one would put T1 after T2 and the RTT near 0.
 */
static void keep_first_tx_stamp(struct probe_sent *s, const struct probe_tx_stamp *ts)
{
	if (ts->sw_ns && !s->t1_sw_ns)
		s->t1_sw_ns = ts->sw_ns;
	if (ts->hw_ns && !s->t1_hw_ns)
		s->t1_hw_ns = ts->hw_ns;
}

/* TX timestamps from the error queue, given to the requests they belong to. */
static void drain_tx_stamps(struct loop *l)
{
	struct probe_run *run = l->run;
	struct probe_tx_stamp ts;
	uint32_t seq;
	int i, got;

	for (i = 0; i < DRAIN_BATCH; i++) {
		got = probe_socket_tx_stamp(&run->sock, &ts);
		if (got < 0)
			return;
		if (!got)
			continue;
		if (run->sock.id_cmsg)
			seq = ts.id;
		else if (run->mon && ts.id < l->n_ids && l->n_ids - ts.id <= run->mon->size)
			seq = run->mon->seq_by_id[ts.id & (run->mon->size - 1)];
		else if (!run->mon && ts.id < l->n_ids && ts.id < run->opts->count)
			seq = l->seq_by_id[ts.id];
		else
			continue;
		if (run->mon ? probe_run_sent(run, seq) != NULL
			     : probe_book_was_sent(&run->book, seq))
			keep_first_tx_stamp(probe_run_sent(run, seq), &ts);
	}
}

static int add_record(struct probe_run *run, const struct probe_rec *rec)
{
	struct probe_rec *grown;
	size_t cap;

	if (run->n_recs == run->cap_recs) {
		cap = run->cap_recs ? 2 * run->cap_recs : 64;
		grown = realloc(run->recs, cap * sizeof(*grown));
		if (!grown)
			return cli_error("out of memory for %zu replies", cap);
		run->recs = grown;
		run->cap_recs = cap;
	}
	run->recs[run->n_recs++] = *rec;
	return 0;
}

/*
 * The continuous mode keeps no reply: its figures go into the period and
 * the totals (a duplicate only into the counts), its line out if asked.
 */
static int take_monitored(struct loop *l, struct probe_rec *rec, enum probe_seq_kind kind)
{
	struct probe_run *run = l->run;
	struct probe_fig f;
	int err = 0;

	rec->duplicate = kind == PROBE_SEQ_DUPLICATE;
	rec->tlvs = probe_reply_tlvs(l->rx_buf, &rec->reply);
	drain_tx_stamps(l);
	if (!rec->duplicate) {
		probe_reply_figures(run, rec, &f);
		err = probe_monitor_add(run->mon, &f);
	}
	if (!err && !json_output && !run->opts->quiet)
		probe_report_reply(run, rec);
	free(rec->tlvs);
	return err;
}

/*
 * A reply whose HMAC (or HMAC TLV) did not verify: nobody's reply (forged,
 * or damaged on the way), counted and never taken.
 */
static int auth_failed(struct probe_run *run)
{
	run->auth_failed++;
	if (run->mon)
		probe_monitor_changed(run->mon);
	return 0;
}

/* One datagram: a reply of ours, or counted as ignored. */
static int take_reply(struct loop *l, const struct probe_rx *rx)
{
	struct probe_run *run = l->run;
	struct probe_rec rec = {
		.t4_user_ns = now_ns(CLOCK_REALTIME),
		.t4_sw_ns = rx->sw_ns,
		.t4_hw_ns = rx->hw_ns,
		.has_tos = rx->has_tos,
		.tos = rx->tos,
		.has_reply_ttl = rx->has_ttl,
		.reply_ttl = rx->ttl,
	};
	enum probe_seq_kind kind;

	/* Unconnected, anyone can send to us: only the reflector's port is heard. */
	if (!run->sock.connected && probe_sockaddr_port(&rx->from) != run->opts->port) {
		run->ignored_port++;
		return 0;
	}
	probe_sockaddr_text(&rx->from, rec.from, sizeof(rec.from));
	/*
	 * Authenticated mode: a reply that verifies is read as the 44-octet
	 * layout it is turned into.
	 */
	if (probe_authenticated(run->opts)) {
		size_t plain_len = rx->len;

		if (probe_auth_reply(l->rx_buf, &plain_len, &run->opts->auth) != PROBE_AUTH_OK)
			return auth_failed(run);
		if (probe_reply_parse(l->rx_buf, plain_len, run->tai_offset_ns, rec.t4_user_ns,
				      &rec.reply)) {
			run->ignored_short++;
			return 0;
		}
		rec.reply.length = (uint16_t)rx->len;
	} else if (run->opts->hmac_tlv &&
		   probe_hmac_tlv_reply(l->rx_buf, rx->len, &run->opts->auth) != PROBE_AUTH_OK) {
		/* hmac-key: its TLVs without an HMAC TLV that verifies. */
		return auth_failed(run);
	} else if (probe_reply_parse(l->rx_buf, rx->len, run->tai_offset_ns, rec.t4_user_ns,
				     &rec.reply)) {
		run->ignored_short++;
		return 0;
	}
	/* TWAMP-Light replies carry 0 (MBZ) there; any other SSID is another session's. */
	if (rec.reply.ssid && rec.reply.ssid != run->opts->ssid) {
		run->ignored_ssid++;
		return 0;
	}
	if (run->mon)
		kind = probe_monitor_reply(run->mon, rec.reply.sender_seq);
	else
		kind = probe_book_reply(&run->book, rec.reply.sender_seq);
	if (kind == PROBE_SEQ_UNKNOWN)
		return 0;
	if (run->mon)
		return take_monitored(l, &rec, kind);
	if (kind == PROBE_SEQ_DUPLICATE && l->dup_recs++ >= run->opts->count)
		return 0; /* a flood of copies is counted, not kept */
	rec.duplicate = kind == PROBE_SEQ_DUPLICATE;
	rec.tlvs = probe_reply_tlvs(l->rx_buf, &rec.reply);
	/* The request's TX stamp is usually queued by now: T1 for this line. */
	drain_tx_stamps(l);
	if (add_record(run, &rec)) {
		free(rec.tlvs);
		return -1;
	}
	if (!json_output && !run->opts->quiet)
		probe_report_reply(run, &run->recs[run->n_recs - 1]);
	return 0;
}

static int drain_replies(struct loop *l)
{
	struct probe_run *run = l->run;
	struct probe_rx rx;
	int i, err;

	for (i = 0; i < DRAIN_BATCH; i++) {
		err = probe_socket_recv(&run->sock, l->rx_buf, RX_BUF_LEN, &rx);
		if (err == -EAGAIN || err == -EWOULDBLOCK)
			return 0;
		if (err < 0 && probe_icmp_errno(-err)) {
			run->refused++;
			continue;
		}
		if (err < 0)
			return cli_error("cannot receive from %s: %s", run->sock.address,
					 strerror(-err));
		if (take_reply(l, &rx))
			return -1;
	}
	return 0;
}

/* The error queue (TX stamps) and the socket error (ICMP unreachable). */
static void handle_errors(struct loop *l)
{
	int err;

	drain_tx_stamps(l);
	err = probe_socket_pending_error(&l->run->sock);
	if (err && probe_icmp_errno(err))
		l->run->refused++;
}

/* The requests to send: count 0 is the continuous mode's "until stopped". */
static uint64_t request_limit(const struct probe_opts *o)
{
	return o->count ? o->count : UINT64_MAX;
}

static bool all_answered(const struct loop *l)
{
	const struct probe_run *run = l->run;

	if (l->next_seq != request_limit(run->opts))
		return false;
	if (run->mon)
		return !probe_monitor_in_flight(run->mon);
	return run->book.answered == run->book.sent;
}

static int wait_events(struct loop *l, int64_t until, const sigset_t *mask)
{
	struct pollfd pfd[2] = {
		{.fd = l->run->sock.fd, .events = POLLIN},
		{.fd = l->run->stop_fd, .events = POLLIN},
	};
	int64_t left = until - now_ns(CLOCK_MONOTONIC);
	struct timespec ts;

	if (left < 0)
		left = 0;
	ts.tv_sec = left / NSEC_PER_SEC;
	ts.tv_nsec = left % NSEC_PER_SEC;
	if (ppoll(pfd, l->run->stop_fd >= 0 ? 2 : 1, &ts, mask) < 0) {
		if (errno == EINTR)
			return 0;
		return cli_error("cannot wait for replies: %s", strerror(errno));
	}
	if (l->run->stop_fd >= 0 && (pfd[1].revents & POLLIN))
		l->stopped = true;
	if (pfd[0].revents & POLLERR)
		handle_errors(l);
	if (pfd[0].revents & POLLIN)
		return drain_replies(l);
	return 0;
}

static int64_t earliest(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

/*
 * The continuous mode's clock work: requests past their timeout are lost,
 * and a period that has ended is reported (after the losses it saw).
 * Returns when it is due next.
 */
static int64_t monitor_tick(struct loop *l, int64_t now, int64_t *next_report)
{
	struct probe_run *run = l->run;
	int64_t timeout = run->opts->timeout_ms * NSEC_PER_MSEC;
	int64_t period = run->opts->report_s * NSEC_PER_SEC;

	probe_monitor_expire(run->mon, now, timeout);
	if (period && now >= *next_report) {
		probe_report_period(run);
		probe_monitor_new_period(run->mon, now_ns(CLOCK_REALTIME));
		/* On the grid; a stall skips periods rather than report empty ones in a row. */
		*next_report += period;
		if (*next_report <= now)
			*next_report = now + period;
	}
	return earliest(*next_report, probe_monitor_next_expiry(run->mon, timeout));
}

static int loop_run(struct loop *l, const sigset_t *wait_mask)
{
	const struct probe_opts *o = l->run->opts;
	int64_t interval = o->interval_ms * NSEC_PER_MSEC, next_send, deadline = 0, now;
	int64_t next_report = INT64_MAX, tick = INT64_MAX;
	uint64_t limit = request_limit(o);

	next_send = now_ns(CLOCK_MONOTONIC);
	if (next_send < l->run->sock.stamps_ready_ns)
		next_send = l->run->sock.stamps_ready_ns;
	if (l->run->mon && o->report_s)
		next_report = now_ns(CLOCK_MONOTONIC) + o->report_s * NSEC_PER_SEC;
	while (!interrupted && !l->stopped) {
		now = now_ns(CLOCK_MONOTONIC);
		if (l->run->mon)
			tick = monitor_tick(l, now, &next_report);
		if (l->next_seq < limit && now >= next_send) {
			if (send_one(l))
				return -1;
			/* On the grid; after a stall, start again rather than burst. */
			next_send += interval;
			if (next_send < now)
				next_send = now + interval;
			if (l->next_seq == limit)
				deadline = now + o->timeout_ms * NSEC_PER_MSEC;
			continue;
		}
		if (l->next_seq == limit && (now >= deadline || all_answered(l)))
			break;
		if (wait_events(l, earliest(l->next_seq < limit ? next_send : deadline, tick),
				wait_mask))
			return -1;
	}
	/* Stamps of the last requests may still be queued. */
	drain_tx_stamps(l);
	l->run->interrupted = interrupted || l->stopped;
	return 0;
}

/*
 * The stop signals are blocked but while ppoll() waits (@wait_mask), so
 * one cannot slip in between the check of the flag and the wait.
 */
static void catch_stop_signals(sigset_t *old_mask, sigset_t *wait_mask)
{
	struct sigaction sa = {.sa_handler = on_stop_signal};
	sigset_t block;
	size_t i;

	sigemptyset(&block);
	for (i = 0; i < N_STOP_SIGNALS; i++)
		sigaddset(&block, stop_signals[i]);
	sigprocmask(SIG_BLOCK, &block, old_mask);
	*wait_mask = *old_mask;
	for (i = 0; i < N_STOP_SIGNALS; i++) {
		sigaction(stop_signals[i], &sa, NULL);
		sigdelset(wait_mask, stop_signals[i]);
	}
}

int probe_run_loop(struct probe_run *run)
{
	struct loop l = {.run = run};
	sigset_t old_mask, wait_mask;
	int ret = -1;

	l.tx_buf = calloc(1, PROBE_MAX_SIZE);
	l.rx_buf = malloc(RX_BUF_LEN);
	/* The continuous mode keeps its IDs in its ring. */
	if (!run->mon)
		l.seq_by_id = calloc(run->opts->count, sizeof(*l.seq_by_id));
	if (!l.tx_buf || !l.rx_buf || (!run->mon && !l.seq_by_id)) {
		cli_error("out of memory for %u requests", run->opts->count);
		goto out;
	}
	/* With a stop_fd (the agent's threads) the signals are the process's, not the run's. */
	if (run->stop_fd >= 0) {
		ret = loop_run(&l, NULL);
		goto out;
	}
	interrupted = 0;
	catch_stop_signals(&old_mask, &wait_mask);
	ret = loop_run(&l, &wait_mask);
	/*
	 * The handlers stay: a signal pending since the last wait, or one
	 * sent while the summary is printed, must not kill the process
	 * before the summary is out (it only sets the flag now).
	 */
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
out:
	free(l.tx_buf);
	free(l.rx_buf);
	free(l.seq_by_id);
	return ret;
}
