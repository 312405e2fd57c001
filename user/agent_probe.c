// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The agent's probe targets (agent_probe.h). */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>

#include "agent_probe.h"
#include "cli.h"
#include "metrics_probe.h"
#include "output.h"
#include "probe.h"
#include "probe_monitor.h"

struct agent_target {
	struct probe_opts opts;
	struct probe_run run;
	struct probe_monitor mon;
	pthread_t thread;
	bool started;
	int failed; /* the loop's result */
	pthread_mutex_t lock;
	struct metrics_target m; /* under lock: what a scrape shows */
};

struct agent_probes {
	struct agent_target *t;
	unsigned int n;
	int stop_fd; /* an eventfd: readable once the probes are to end */
};

/* From the probing thread: the run's figures into what the metrics show. */
static void on_event(void *ctx, const struct probe_totals *tot, const struct probe_fig *f)
{
	struct agent_target *t = ctx;
	struct metrics_target *m = &t->m;

	pthread_mutex_lock(&t->lock);
	m->sent = tot->c.sent;
	m->received = tot->c.received;
	m->lost = tot->c.lost;
	m->late = tot->c.late;
	m->duplicates = tot->c.duplicates;
	/* The run's own count (its thread is this one): the monitor has none. */
	m->auth_failed = t->run.auth_failed;
	m->have_jitter = tot->rtt_us.n >= 2;
	m->jitter_s = tot->jitter_us / 1e6;
	if (f) {
		/* A negative RTT is a wrong timestamp, no figure: the histogram leaves it out. */
		if (!f->negative_rtt)
			metrics_target_add_rtt(m, (double)f->rtt_ns / 1e9);
		m->synchronized = f->synchronized;
		m->forward_s = (double)f->forward_ns / 1e9;
		m->backward_s = (double)f->backward_ns / 1e9;
	}
	pthread_mutex_unlock(&t->lock);
}

static void *probe_thread(void *arg)
{
	struct agent_target *t = arg;

	t->failed = probe_run_loop(&t->run);
	return NULL;
}

/* `probe HOST WORDS...` of a [target NAME] into @t, its socket open. */
static int target_open(const struct agent_config *cfg, const struct agent_target_cfg *tc,
		       struct agent_target *t, int stop_fd)
{
	struct probe_socket_cfg sc;
	char section[128];

	snprintf(section, sizeof(section), AGENT_TARGET_SECTION "%s", tc->name);
	snprintf(t->m.name, sizeof(t->m.name), "%s", tc->name);
	if (agent_target_parse(cfg, tc, &t->opts))
		return -1;
	/* The agent's: until it stops, no line per reply, no period reports. */
	t->opts.continuous = true;
	t->opts.count = 0;
	t->opts.report_s = 0;
	t->opts.quiet = true;
	sc = probe_socket_cfg_of(&t->opts);
	t->run = (struct probe_run){.opts = &t->opts, .stop_fd = stop_fd, .mon = &t->mon};
	t->run.sock.fd = -1;
	{
		char why[CLI_ERROR_CAPTURE_LEN] = "";
		int err;

		cli_error_capture = why;
		err = probe_socket_open(&t->run.sock, &sc);
		cli_error_capture = NULL;
		if (err)
			return cli_error("%s:%d: [%s] host: %s", cfg->path,
					 agent_config_line(cfg, section, "host"), section, why);
	}
	if (probe_monitor_init(&t->mon, t->opts.interval_ms, t->opts.timeout_ms))
		return -1;
	t->mon.hook = on_event;
	t->mon.hook_ctx = t;
	t->mon.totals.start_ns = 0;
	probe_monitor_new_period(&t->mon, 0);
	return 0;
}

struct agent_probes *agent_probes_start(const struct agent_config *cfg)
{
	struct agent_probes *p = calloc(1, sizeof(*p));
	sigset_t block, old;
	unsigned int i;

	if (!p) {
		cli_error("out of memory");
		return NULL;
	}
	p->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	p->t = calloc(cfg->n_targets ? cfg->n_targets : 1, sizeof(*p->t));
	if (p->stop_fd < 0 || !p->t) {
		cli_error("cannot set up the probes: %s", strerror(errno));
		agent_probes_stop(p);
		return NULL;
	}
	for (i = 0; i < cfg->n_targets; i++) {
		pthread_mutex_init(&p->t[i].lock, NULL);
		p->t[i].run.sock.fd = -1;
		p->n++;
		if (target_open(cfg, &cfg->targets[i], &p->t[i], p->stop_fd)) {
			agent_probes_stop(p);
			return NULL;
		}
	}
	/* The stop signals are the main thread's: the probing threads block them. */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	for (i = 0; i < p->n; i++) {
		errno = pthread_create(&p->t[i].thread, NULL, probe_thread, &p->t[i]);
		if (errno) {
			cli_error("cannot start probing %s: %s", p->t[i].m.name, strerror(errno));
			break;
		}
		p->t[i].started = true;
		printf("agent: probing target %s: %s (%s) port %u every %u ms\n", p->t[i].m.name,
		       p->t[i].opts.host, p->t[i].run.sock.address, p->t[i].opts.port,
		       p->t[i].opts.interval_ms);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (i < p->n) {
		agent_probes_stop(p);
		return NULL;
	}
	fflush(stdout);
	return p;
}

void agent_probes_stop(struct agent_probes *p)
{
	uint64_t one = 1;
	unsigned int i;

	if (!p)
		return;
	if (p->stop_fd >= 0 && write(p->stop_fd, &one, sizeof(one)) < 0)
		cli_warn("cannot tell the probes to stop: %s", strerror(errno));
	for (i = 0; i < p->n; i++) {
		struct agent_target *t = &p->t[i];

		if (t->started) {
			pthread_join(t->thread, NULL);
			printf("agent: target %s: %llu sent, %llu received, %llu lost", t->m.name,
			       (unsigned long long)t->m.sent, (unsigned long long)t->m.received,
			       (unsigned long long)t->m.lost);
			/* With a key: the replies that did not count, as the probe says. */
			if (t->opts.auth_key)
				printf(", %llu auth failed", (unsigned long long)t->m.auth_failed);
			putchar('\n');
		}
		probe_monitor_free(&t->mon);
		if (t->run.sock.fd >= 0)
			probe_socket_close(&t->run.sock);
		pthread_mutex_destroy(&t->lock);
	}
	fflush(stdout);
	if (p->stop_fd >= 0)
		close(p->stop_fd);
	free(p->t);
	free(p);
}

void agent_probes_metrics(FILE *out, void *ctx)
{
	struct agent_probes *p = ctx;
	struct metrics_target *snap;
	unsigned int i;

	if (!p || !p->n)
		return;
	/* A copy first: the probes wait for no scrape's writing. */
	snap = calloc(p->n, sizeof(*snap));
	if (!snap)
		return;
	for (i = 0; i < p->n; i++) {
		pthread_mutex_lock(&p->t[i].lock);
		snap[i] = p->t[i].m;
		pthread_mutex_unlock(&p->t[i].lock);
	}
	metrics_probe_print(out, snap, p->n);
	free(snap);
}
