// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * `stampede agent`: one long-running process per host (or network
 * namespace, with -n) that keeps the configured reflectors attached and
 * current.  It
 *  - attaches to the configured interfaces (names, fnmatch patterns, the
 *    IPv4 default route's), and again whenever a matching interface appears
 *    or comes back (rtnetlink link events);
 *  - keeps each reflector's local-address set exact: an address added or
 *    removed is republished as soon as the kernel reports it (a removed
 *    one was deleted already, as it went, by the reflector's address
 *    watch where the kernel runs one: addr_watch.h);
 *  - republishes the clock state at once after a step of the system clock
 *    and every interval otherwise (user/clock_cmd.c);
 *  - serves the reflectors' metrics to Prometheus ([metrics] listen);
 *  - probes the configured targets continuously, each from a thread of
 *    its own (user/agent_probe.c), and serves their RTT histograms, loss
 *    and jitter with the reflectors' metrics;
 *  - on SIGTERM, SIGINT or SIGHUP leaves the reflectors attached (on-exit
 *    keep, the default: the data path never depends on this process) or
 *    detaches those it attached (on-exit detach).
 * The reflectors live in their pins: killing the agent, even with SIGKILL,
 * never interrupts reflection.
 */
#include <errno.h>
#include <fnmatch.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "addr_watch.h"
#include "addrs.h"
#include "agent_config.h"
#include "agent_probe.h"
#include "attached.h"
#include "cli.h"
#include "clock_publish.h"
#include "metrics.h"
#include "objects.h"
#include "pins.h"

static volatile sig_atomic_t agent_stop;

static void agent_signal(int sig)
{
	(void)sig;
	agent_stop = 1;
}

struct agent {
	struct agent_config cfg;
	/* Interfaces this agent attached (to detach on exit, if asked). */
	char attached[AGENT_MAX_INTERFACES * 4][IF_NAMESIZE];
	unsigned int n_attached;
	char default_route_if[IF_NAMESIZE];
	bool said_watch_off; /* the address watch's refusal, said once */
};

/* The interface of the IPv4 default route, from /proc/net/route; "" if none. */
static void default_route_interface(char *buf, size_t len)
{
	char line[256], ifname[IF_NAMESIZE];
	unsigned long dest, mask;
	FILE *f = fopen("/proc/net/route", "r");

	buf[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%15s %lx %*x %*x %*x %*x %*x %lx", ifname, &dest, &mask) == 3 &&
		    !dest && !mask) {
			memcpy(buf, ifname, len < sizeof(ifname) ? len : sizeof(ifname));
			buf[len - 1] = '\0';
			break;
		}
	fclose(f);
}

/* Whether the configuration names @ifname. */
static bool agent_wants(const struct agent *ag, const char *ifname)
{
	unsigned int i;

	for (i = 0; i < ag->cfg.n_interfaces; i++) {
		const char *want = ag->cfg.interfaces[i];

		if (!strcmp(want, "default-route")) {
			if (ag->default_route_if[0] && !strcmp(ag->default_route_if, ifname))
				return true;
		} else if (!fnmatch(want, ifname, 0)) {
			return true;
		}
	}
	return false;
}

static bool agent_has(const struct agent *ag, const char *ifname)
{
	unsigned int i;

	for (i = 0; i < ag->n_attached; i++)
		if (!strcmp(ag->attached[i], ifname))
			return true;
	return false;
}

/*
 * Where the kernel refuses the address watch, a removed address is answered
 * until the republish: said once, with the kernel's reasons.
 */
static void agent_say_watch_off(struct agent *ag, const char *ifname)
{
	struct addr_watch_state st;
	char dir[PATH_MAX];

	if (ag->said_watch_off || pins_dev_dir(ifname, dir, sizeof(dir)))
		return;
	addr_watch_read(dir, &st);
	if (strcmp(st.mode, addr_watch_kind_names[ADDR_WATCH_OFF]))
		return;
	ag->said_watch_off = true;
	printf("agent: addr-watch off (%s): a removed address is refused from the republish on\n",
	       st.why);
}

/* `reflector attach dev IFNAME` with the configured words; the pins lock let go after. */
static int agent_attach(struct agent *ag, const char *ifname)
{
	char *argv[AGENT_MAX_ATTACH_WORDS + 2] = {"dev", (char *)ifname};
	struct cli_args args = {.argv = argv, .cmd = "reflector attach"};
	unsigned int i;
	int err;

	for (i = 0; i < ag->cfg.n_attach_words; i++)
		argv[i + 2] = ag->cfg.attach_words[i];
	args.argc = (int)ag->cfg.n_attach_words + 2;
	printf("agent: attaching to dev %s\n", ifname);
	fflush(stdout);
	err = reflector_attach(&args);
	pins_unlock();
	if (!err)
		agent_say_watch_off(ag, ifname);
	fflush(stdout);
	if (!err && !agent_has(ag, ifname) &&
	    ag->n_attached < sizeof(ag->attached) / sizeof(ag->attached[0]))
		snprintf(ag->attached[ag->n_attached++], IF_NAMESIZE, "%s", ifname);
	return err;
}

/* Attach to every interface the configuration names that exists now. */
static void agent_attach_all(struct agent *ag)
{
	struct if_nameindex *ifs = if_nameindex(), *i;

	if (!ifs)
		return;
	for (i = ifs; i->if_index; i++)
		if (agent_wants(ag, i->if_name))
			agent_attach(ag, i->if_name);
	if_freenameindex(ifs);
}

/* A named interface (no pattern) that does not exist: the configuration is wrong. */
static int agent_check_names(const struct agent *ag)
{
	unsigned int i;

	for (i = 0; i < ag->cfg.n_interfaces; i++) {
		const char *want = ag->cfg.interfaces[i];

		if (!strcmp(want, "default-route")) {
			if (!ag->default_route_if[0])
				return cli_error(
					"%s:%d: [reflector] interfaces: default-route: there"
					" is no IPv4 default route",
					ag->cfg.path,
					agent_config_line(&ag->cfg, "reflector", "interfaces"));
			continue;
		}
		if (!strpbrk(want, "*?[") && !if_nametoindex(want))
			return cli_error("%s:%d: [reflector] interfaces: no such interface '%s'",
					 ag->cfg.path,
					 agent_config_line(&ag->cfg, "reflector", "interfaces"),
					 want);
	}
	return 0;
}

static int sync_addrs_one(struct attached *a, void *arg)
{
	int gen_fd = addr_watch_open_gen(a->dir), err;
	unsigned int n;

	(void)arg;
	err = addrs_sync(a->map_fd[PIN_MAP_local_addrs], a->map_fd[PIN_MAP_local_set], gen_fd,
			 a->ifname, &n);
	if (gen_fd >= 0)
		close(gen_fd);
	if (err)
		return -1;
	printf("agent: dev %s: %u local address%s\n", a->ifname, n, n == 1 ? "" : "es");
	fflush(stdout);
	return 0;
}

/* rtnetlink: links and addresses, as they change. */
static int netlink_open(void)
{
	struct sockaddr_nl sa = {
		.nl_family = AF_NETLINK,
		.nl_groups =
			RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR | RTMGRP_IPV4_ROUTE,
	};
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);

	if (fd < 0)
		return cli_error("cannot open an rtnetlink socket: %s", strerror(errno));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return cli_error("cannot listen to rtnetlink: %s", strerror(errno));
	}
	return fd;
}

/* A link appeared or changed: attach if it is wanted, up, and not attached by us yet. */
static void on_link(struct agent *ag, struct nlmsghdr *nh)
{
	struct ifinfomsg *ifi = NLMSG_DATA(nh);
	char ifname[IF_NAMESIZE];
	int len = (int)IFLA_PAYLOAD(nh);
	struct rtattr *rta;

	if (nh->nlmsg_type == RTM_DELLINK) {
		/* Its pins are removed by the next attach or detach (user/prune.c). */
		if (if_indextoname((unsigned int)ifi->ifi_index, ifname))
			return;
		for (rta = IFLA_RTA(ifi); RTA_OK(rta, len); rta = RTA_NEXT(rta, len))
			if (rta->rta_type == IFLA_IFNAME)
				printf("agent: dev %.*s is gone\n", (int)RTA_PAYLOAD(rta),
				       (char *)RTA_DATA(rta));
		fflush(stdout);
		return;
	}
	if (!if_indextoname((unsigned int)ifi->ifi_index, ifname) || !agent_wants(ag, ifname))
		return;
	if (!(ifi->ifi_flags & IFF_UP))
		return;
	if (!attached_live(ifname))
		agent_attach(ag, ifname);
}

/*
 * An address came or went: republish every reflector's set, not only the
 * interface's own (each also lists the node's other addresses, for the
 * Destination Node Address TLV).
 */
static void on_addr(struct agent *ag, struct nlmsghdr *nh)
{
	(void)ag;
	(void)nh;
	attached_for_each(NULL, sync_addrs_one, NULL);
}

static void netlink_read(struct agent *ag, int fd)
{
	char buf[16384] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct nlmsghdr *nh;
	ssize_t n;
	bool routes = false;

	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) {
		for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, (size_t)n); nh = NLMSG_NEXT(nh, n)) {
			switch (nh->nlmsg_type) {
			case RTM_NEWLINK:
			case RTM_DELLINK:
				on_link(ag, nh);
				break;
			case RTM_NEWADDR:
			case RTM_DELADDR:
				on_addr(ag, nh);
				break;
			case RTM_NEWROUTE:
			case RTM_DELROUTE:
				routes = true;
				break;
			}
		}
	}
	if (n < 0 && errno == ENOBUFS) {
		/* Events were lost: take the state as it is now. */
		printf("agent: rtnetlink overran; resynchronizing\n");
		agent_attach_all(ag);
		attached_for_each(NULL, sync_addrs_one, NULL);
	}
	if (routes) {
		char before[IF_NAMESIZE];

		snprintf(before, sizeof(before), "%s", ag->default_route_if);
		default_route_interface(ag->default_route_if, sizeof(ag->default_route_if));
		if (strcmp(before, ag->default_route_if) && ag->default_route_if[0] &&
		    agent_wants(ag, ag->default_route_if) && !attached_live(ag->default_route_if))
			agent_attach(ag, ag->default_route_if);
	}
}

static void agent_detach_all(struct agent *ag)
{
	unsigned int i;

	for (i = 0; i < ag->n_attached; i++) {
		char *argv[] = {"dev", ag->attached[i]};
		struct cli_args args = {.argc = 2, .argv = argv, .cmd = "reflector detach"};

		reflector_detach(&args);
		pins_unlock();
	}
}

static int agent_run(struct agent *ag)
{
	struct sigaction sa = {.sa_handler = agent_signal};
	struct metrics_server *metrics = NULL;
	struct agent_probes *probes;
	struct metrics_extra extra = {.fn = agent_probes_metrics};
	struct pollfd pfd[2];
	bool stepped;
	int nl, timer, err = 0;

	default_route_interface(ag->default_route_if, sizeof(ag->default_route_if));
	if (agent_check_names(ag))
		return -1;
	nl = netlink_open();
	if (nl < 0)
		return -1;
	timer = clock_step_timer_open();
	if (timer < 0) {
		close(nl);
		return -1;
	}
	probes = agent_probes_start(&ag->cfg);
	if (!probes) {
		close(timer);
		close(nl);
		return -1;
	}
	extra.ctx = probes;
	if (ag->cfg.metrics_listen) {
		metrics = metrics_server_start_extra(ag->cfg.metrics_listen, &extra);
		if (!metrics) {
			agent_probes_stop(probes);
			close(timer);
			close(nl);
			return -1;
		}
		printf("agent: metrics on http://%s/metrics\n", ag->cfg.metrics_listen);
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* Listening before attaching: nothing that changes meanwhile is missed. */
	if (!ag->cfg.n_interfaces)
		printf("agent: %s names no interfaces ([reflector] interfaces): nothing to"
		       " attach\n",
		       ag->cfg.path);
	agent_attach_all(ag);
	printf("agent: running (%u reflector%s attached, clock every %u ms, on exit %s)\n",
	       ag->n_attached, ag->n_attached == 1 ? "" : "s", ag->cfg.interval_ms,
	       ag->cfg.detach_on_exit ? "detach" : "keep");
	fflush(stdout);
	pfd[0] = (struct pollfd){.fd = nl, .events = POLLIN};
	pfd[1] = (struct pollfd){.fd = timer, .events = POLLIN};
	while (!agent_stop) {
		if (poll(pfd, 2, (int)ag->cfg.interval_ms) < 0 && errno != EINTR) {
			err = cli_error("poll failed: %s", strerror(errno));
			break;
		}
		if (agent_stop)
			break;
		if (pfd[0].revents & POLLIN)
			netlink_read(ag, nl);
		stepped = false;
		if ((pfd[1].revents & POLLIN) && clock_step_timer_check(timer, &stepped)) {
			err = -1;
			break;
		}
		/* The clock state every interval; a step said out loud. */
		clock_publish(NULL, "step", !stepped);
		fflush(stdout);
	}
	metrics_server_stop(metrics);
	agent_probes_stop(probes);
	close(timer);
	close(nl);
	if (ag->cfg.detach_on_exit)
		agent_detach_all(ag);
	printf("agent: stopped%s\n", ag->cfg.detach_on_exit ? ", reflectors detached" : "");
	return err;
}

void agent_usage(FILE *out);

static int agent_cmd(struct cli_args *args)
{
	static const char *const keywords[] = {"config", NULL};
	static struct agent ag;
	const char *path = AGENT_DEFAULT_CONFIG, *word;
	int err;

	if (cli_more(args) && !strcmp(args->argv[0], "help")) {
		agent_usage(stdout);
		return 0;
	}
	while ((word = cli_next(args))) {
		if (cli_match(word, keywords, "argument", args->cmd) < 0 ||
		    cli_value(args, "config", &path))
			return -1;
	}
	if (cli_need_caps("the agent (it attaches reflectors)",
			  CLI_NEED_BPF | CLI_NEED_NET_ADMIN | CLI_NEED_SYS_ADMIN))
		return -1;
	if (agent_config_load(path, &ag.cfg)) {
		agent_config_free(&ag.cfg);
		return -1;
	}
	/* Kprobes this kernel cannot pin stay with the agent (addr_watch.h). */
	addr_watch_may_hold = true;
	/* Lines as they happen, also into a pipe or the journal. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	err = agent_run(&ag);
	agent_config_free(&ag.cfg);
	return err;
}

void agent_usage(FILE *out)
{
	fprintf(out,
		"Usage: stampede agent [config FILE]\n"
		"\n"
		"Attaches the reflectors FILE (default " AGENT_DEFAULT_CONFIG ") names and keeps\n"
		"them current: interfaces that appear or come back, addresses that come and go,\n"
		"the clock state (at once after a step); until SIGTERM, SIGINT or SIGHUP, when\n"
		"the reflectors stay attached (on-exit keep) or are detached (on-exit detach).\n"
		"It probes the targets FILE names ([target NAME]) continuously and serves\n"
		"their RTT histograms, loss and jitter with the reflectors' metrics.\n"
		"With -n NETNS, in that network namespace.\n");
}

int do_agent(struct cli_args *args)
{
	return agent_cmd(args);
}
