// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Reading back an attached reflector's running configuration and state. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "addrs.h"
#include "auth_keys.h"
#include "attach.h"
#include "cli.h"
#include "clock.h"
#include "describe.h"
#include "multiprog.h"
#include "output.h"
#include "prune.h"
#include "source_policy.h"

#define RODATA_SUFFIX ".rodata"
#define CFG_VAR_NAME  "cfg"

static int read_link(const struct attached *a, struct reflector_info *info)
{
	struct attached_hold hold;

	if (attached_read_hold(a->dir, a->link_fd, a->prog_fd, &hold)) {
		if (errno == EINVAL)
			return cli_error("dev %s: the pinned link is not an XDP link", a->ifname);
		return cli_error("dev %s: cannot read the pinned %s: %s", a->ifname,
				 a->link_fd >= 0 ? "link" : "program", strerror(errno));
	}
	info->prog_id = hold.prog_id;
	info->ifindex = hold.ifindex;
	info->mode = hold.mode;
	info->multiprog = hold.multiprog;
	info->dispatcher_id = hold.dispatcher_id;
	return 0;
}

/* Where cfg sits in the .rodata value: its BTF says, else it is all of it. */
static int cfg_offset(const struct bpf_map_info *map, __u32 *offset)
{
	const struct btf_var_secinfo *var;
	const struct btf_type *sec;
	struct btf *btf;
	int i, ret = -1;

	if (!map->btf_id || !map->btf_value_type_id) {
		*offset = 0;
		return map->value_size == sizeof(struct stampede_config) ? 0 : -1;
	}
	btf = btf__load_from_kernel_by_id(map->btf_id);
	if (!btf)
		return -1;
	sec = btf__type_by_id(btf, map->btf_value_type_id);
	if (sec && btf_is_datasec(sec)) {
		var = btf_var_secinfos(sec);
		for (i = 0; i < btf_vlen(sec); i++, var++) {
			const struct btf_type *t = btf__type_by_id(btf, var->type);

			if (t && !strcmp(btf__name_by_offset(btf, t->name_off), CFG_VAR_NAME) &&
			    var->size == sizeof(struct stampede_config)) {
				*offset = var->offset;
				ret = 0;
				break;
			}
		}
	}
	btf__free(btf);
	return ret;
}

static bool is_rodata(const struct bpf_map_info *map)
{
	size_t len = strlen(map->name), suffix = strlen(RODATA_SUFFIX);

	return len >= suffix && !strcmp(map->name + len - suffix, RODATA_SUFFIX);
}

/* Read cfg out of the map @map_id if it is the program's .rodata; 1 if not. */
static int read_cfg_from(__u32 map_id, struct stampede_config *cfg)
{
	struct bpf_map_info map = {0};
	__u32 len = sizeof(map), key = 0, offset;
	int fd, ret = 1;
	void *value;

	fd = bpf_map_get_fd_by_id(map_id);
	if (fd < 0)
		return 1;
	if (bpf_obj_get_info_by_fd(fd, &map, &len) || !is_rodata(&map) ||
	    cfg_offset(&map, &offset) || offset + sizeof(*cfg) > map.value_size)
		goto out;
	value = calloc(1, map.value_size);
	if (value && !bpf_map_lookup_elem(fd, &key, value)) {
		memcpy(cfg, (char *)value + offset, sizeof(*cfg));
		ret = 0;
	}
	free(value);
out:
	close(fd);
	return ret;
}

static int read_prog(const char *ifname, struct reflector_info *info)
{
	struct bpf_prog_info prog = {0};
	__u32 len = sizeof(prog), *map_ids = NULL, n_maps, i;
	int fd, ret = 1;

	fd = bpf_prog_get_fd_by_id(info->prog_id);
	if (fd < 0)
		return cli_error("dev %s: cannot open prog id %u: %s", ifname, info->prog_id,
				 strerror(errno));
	if (bpf_obj_get_info_by_fd(fd, &prog, &len))
		goto fail;
	/* A second call fetches the map ids now that their number is known. */
	n_maps = prog.nr_map_ids;
	map_ids = calloc(n_maps ? n_maps : 1, sizeof(*map_ids));
	if (!map_ids)
		goto fail;
	memset(&prog, 0, sizeof(prog));
	prog.nr_map_ids = n_maps;
	prog.map_ids = (__u64)(unsigned long)map_ids;
	len = sizeof(prog);
	if (bpf_obj_get_info_by_fd(fd, &prog, &len))
		goto fail;
	snprintf(info->prog_name, sizeof(info->prog_name), "%s", prog.name);
	info->loaded_unix_ns = clock_boot_to_unix_ns(prog.load_time);
	for (i = 0; i < prog.nr_map_ids && i < n_maps && ret; i++)
		ret = read_cfg_from(map_ids[i], &info->cfg);
	if (ret)
		ret = cli_error("dev %s: cannot read the running configuration of prog id %u",
				ifname, info->prog_id);
	goto out;
fail:
	ret = cli_error("dev %s: cannot read prog id %u: %s", ifname, info->prog_id,
			strerror(errno));
out:
	free(map_ids);
	close(fd);
	return ret;
}

int reflector_running_config(const char *ifname, __u32 prog_id, struct stampede_config *cfg)
{
	struct reflector_info info = {.prog_id = prog_id};

	if (read_prog(ifname, &info))
		return -1;
	*cfg = info.cfg;
	return 0;
}

const char *xdp_mode_name(__u32 ifindex, __u32 prog_id)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	if (!ifindex || bpf_xdp_query(ifindex, 0, &q))
		return "none";
	if (q.drv_prog_id == prog_id)
		return attach_xdp_mode_name(false);
	if (q.skb_prog_id == prog_id)
		return attach_xdp_mode_name(true);
	if (q.hw_prog_id == prog_id)
		return "offload";
	return "none";
}

/*
 * A link whose ifindex is 0 lost its interface, or someone detached it
 * (bpftool link detach): the interface recorded at attach tells which.
 */
static const char *link_state(const struct attached *a, struct reflector_info *info)
{
	int recorded;

	if (info->ifindex)
		return "attached";
	recorded = pins_recorded_ifindex(a->dir);
	if (!ifindex_exists(recorded))
		return "interface_gone";
	info->ifindex = recorded;
	return "detached_from_outside";
}

int reflector_describe(const struct attached *a, struct reflector_info *info)
{
	struct bpf_map_info map = {0};
	__u32 len = sizeof(map), key = 0;

	memset(info, 0, sizeof(*info));
	snprintf(info->ifname, sizeof(info->ifname), "%s", a->ifname);
	if (read_link(a, info) || read_prog(a->ifname, info))
		return -1;
	info->state = link_state(a, info);
	if (bpf_obj_get_info_by_fd(a->map_fd[PIN_MAP_sessions], &map, &len))
		return cli_error("dev %s: cannot read the sessions map: %s", a->ifname,
				 strerror(errno));
	info->sessions_max = map.max_entries * STAMPEDE_SESSION_WAYS;
	addrs_count(a->map_fd[PIN_MAP_local_addrs], &info->local_addrs);
	if (bpf_map_lookup_elem(a->map_fd[PIN_MAP_clock], &key, &info->clock))
		return cli_error("dev %s: cannot read the clock map: %s", a->ifname,
				 strerror(errno));
	if (a->map_fd[PIN_MAP_auth_keys] >= 0) {
		if (auth_keys_summary(a->map_fd[PIN_MAP_auth_keys], &info->n_auth_keys,
				      info->auth_fingerprint))
			return -1;
		info->auth_keys_known = true;
	}
	addr_watch_read(a->dir, &info->watch);
	/* The list is in force only while the program looks it up. */
	if ((info->cfg.flags & STAMPEDE_F_ALLOW) && a->map_fd[PIN_MAP_allow_src] >= 0 &&
	    policy_allow_read(a->map_fd[PIN_MAP_allow_src], info->allow, &info->n_allow, a->ifname))
		return -1;
	return 0;
}

static struct json_object *ports_json(const __be16 *ports, unsigned int n)
{
	struct json_object *arr = json_object_new_array();
	unsigned int i;

	for (i = 0; i < n && i < STAMPEDE_MAX_PORTS; i++)
		json_object_array_add(arr, json_object_new_int(ntohs(ports[i])));
	return arr;
}

static bool is_synchronized(const struct stampede_clock *clk)
{
	return clk->error_estimate & STAMP_EE_S;
}

/* The clock entry's Synchronization Source as the sync-source keyword names it. */
static const char *sync_source_name(const struct stampede_clock *clk)
{
	if (clk->sync_src >= STAMP_SYNC_NTP && clk->sync_src <= STAMP_SYNC_FREE_RUNNING)
		return attach_sync_src_names[clk->sync_src];
	return "unset"; /* written by an older stampede */
}

static struct json_object *allow_json(const struct reflector_info *info)
{
	struct json_object *arr = json_object_new_array();
	char text[INET6_ADDRSTRLEN + 8];
	unsigned int i;

	for (i = 0; i < info->n_allow; i++) {
		attach_format_prefix(&info->allow[i], text, sizeof(text));
		json_object_array_add(arr, json_object_new_string(text));
	}
	return arr;
}

/* {"pps": N, "burst": N}, or null when off. */
static struct json_object *rate_json(const struct stampede_rate *r, bool on)
{
	struct json_object *obj;

	if (!on)
		return NULL;
	obj = json_object_new_object();
	json_add_uint(obj, "pps", r->pps);
	json_add_uint(obj, "burst", r->burst);
	return obj;
}

static struct json_object *prefixes_json(const struct stampede_config *cfg)
{
	struct json_object *arr = json_object_new_array();
	char text[INET6_ADDRSTRLEN + 8];
	unsigned int i;

	for (i = 0; i < cfg->n_return_prefixes && i < STAMPEDE_MAX_RETURN_PREFIXES; i++) {
		attach_format_prefix(&cfg->return_prefixes[i], text, sizeof(text));
		json_object_array_add(arr, json_object_new_string(text));
	}
	return arr;
}

/*
 * How stateful sequence numbers are taken, from the program loaded: an
 * atomic fetch-and-add, or the session set's lock (kernels before 5.12).
 */
static const char *sequence_number_method(const char *prog_name)
{
	return strcmp(prog_name, "stampede_locked") ? "atomic" : "set-lock";
}

/* The fallbacks in force for an older kernel, in words; "none" on a current one. */
static const char *kernel_fallbacks(const struct reflector_info *info)
{
	bool boot = info->cfg.flags & STAMPEDE_F_CLOCK_BOOT;
	bool lock = !strcmp(sequence_number_method(info->prog_name), "set-lock");

	if (boot && lock)
		return "boot clock + TAI offset (no bpf_ktime_get_tai_ns), sequence numbers"
		       " under the set lock (no atomic fetch-and-add)";
	if (boot)
		return "boot clock + TAI offset (no bpf_ktime_get_tai_ns)";
	if (lock)
		return "sequence numbers under the set lock (no atomic fetch-and-add)";
	return "none";
}

/* Where PTP timestamps' TAI - UTC comes from (enum stampede_tai_source). */
static const char *tai_source_name(__u8 source)
{
	switch (source) {
	case STAMPEDE_TAI_KERNEL:
		return "kernel";
	case STAMPEDE_TAI_LEAP_LIST:
		return "leap-seconds-list";
	case STAMPEDE_TAI_LEAP_LIST_EXPIRED:
		return "leap-seconds-list-expired";
	default:
		return "unknown";
	}
}

struct json_object *reflector_info_json(const struct reflector_info *info)
{
	const struct stampede_config *cfg = &info->cfg;
	struct json_object *obj = json_object_new_object();
	struct json_object *clk = json_object_new_object();
	struct json_object *watch;
	char when[CLOCK_UTC_LEN];

	json_add_string(obj, "ifname", info->ifname);
	json_add_uint(obj, "ifindex", info->ifindex);
	json_add_uint(obj, "prog_id", info->prog_id);
	json_add_string(obj, "prog_name", info->prog_name);
	json_add_string(obj, "mode", info->mode);
	json_add_string(obj, "state", info->state);
	json_add_bool(obj, "multiprog", info->multiprog);
	json_object_object_add(obj, "dispatcher_id",
			       info->dispatcher_id ? json_object_new_int64(info->dispatcher_id)
						   : NULL);
	json_object_object_add(obj, "run_priority",
			       info->multiprog ? json_object_new_int(MULTIPROG_RUN_PRIO) : NULL);
	json_object_object_add(obj, "ports", ports_json(cfg->ports, cfg->n_ports));
	json_object_object_add(obj, "auth_ports", ports_json(cfg->auth_ports, cfg->n_auth_ports));
	json_add_bool(obj, "stateful", cfg->flags & STAMPEDE_F_STATEFUL);
	json_add_string(obj, "timestamp", cfg->flags & STAMPEDE_F_PTP ? "ptp" : "ntp");
	json_add_uint(obj, "ttl", cfg->reply_ttl);
	json_add_bool(obj, "loopguard", !(cfg->flags & STAMPEDE_F_NO_LOOP_GUARD));
	json_add_string(obj, "clock_source",
			cfg->flags & STAMPEDE_F_CLOCK_BOOT ? "boot+offset" : "tai");
	json_add_string(obj, "sequence_numbers", sequence_number_method(info->prog_name));
	json_add_uint(obj, "clock_reads", cfg->flags & STAMPEDE_F_T3_READ ? 2 : 1);
	json_add_bool(obj, "count_other", cfg->flags & STAMPEDE_F_COUNT_OTHER);
	json_add_bool(obj, "cos_remark", !(cfg->flags & STAMPEDE_F_COS_REFUSE));
	json_object_object_add(obj, "micro_session_id",
			       cfg->flags & STAMPEDE_F_MICRO_SESSION
				       ? json_object_new_int(ntohs(cfg->micro_session_id))
				       : NULL);
	json_add_string(obj, "sync_source", sync_source_name(&info->clock));
	json_add_bool(obj, "reflected_control", cfg->flags & STAMPEDE_F_REFLECTED_CTL);
	json_add_uint(obj, "mtu", cfg->mtu);
	json_add_uint(obj, "reply_max", cfg->reply_max);
	json_add_uint(obj, "amplify", cfg->amplify);
	json_object_object_add(obj, "return_prefixes", prefixes_json(cfg));
	if (info->auth_keys_known) {
		struct json_object *keys = json_object_new_object();

		json_add_uint(keys, "count", info->n_auth_keys);
		json_object_object_add(
			keys, "fingerprint",
			info->n_auth_keys ? json_object_new_string(info->auth_fingerprint) : NULL);
		json_object_object_add(obj, "auth_keys", keys);
	} else {
		json_object_object_add(obj, "auth_keys", NULL);
	}
	json_object_object_add(obj, "allow", allow_json(info));
	json_object_object_add(obj, "rate_limit",
			       rate_json(&cfg->rate_src, cfg->flags & STAMPEDE_F_RATE_SRC));
	json_object_object_add(obj, "rate_limit_all",
			       rate_json(&cfg->rate_all, cfg->flags & STAMPEDE_F_RATE_ALL));
	json_add_uint(obj, "sessions_max", info->sessions_max);
	json_add_uint(obj, "local_addrs", info->local_addrs);
	watch = json_object_new_object();
	json_add_string(watch, "mode", info->watch.mode);
	json_object_object_add(watch, "reason",
			       info->watch.why[0] ? json_object_new_string(info->watch.why) : NULL);
	json_object_object_add(obj, "addr_watch", watch);
	clock_format_utc(info->loaded_unix_ns, when, sizeof(when));
	json_add_string(obj, "loaded_at", when);

	json_add_uint(clk, "tai_offset_s", info->clock.tai_offset_ns / STAMP_NSEC_PER_SEC);
	json_add_bool(clk, "synchronized", is_synchronized(&info->clock));
	json_add_double(clk, "error_estimate_s",
			clock_error_estimate_seconds(info->clock.error_estimate));
	clock_format_utc(info->clock.updated_tai_ns - info->clock.tai_offset_ns, when,
			 sizeof(when));
	json_add_string(clk, "updated_at", when);
	json_add_string(clk, "sync_source", sync_source_name(&info->clock));
	json_add_string(clk, "ptp_tai_source", tai_source_name(info->clock.tai_source));
	json_add_double(clk, "ptp_tai_utc_s", (double)info->clock.ptp_adjust_ns / 1e9);
	json_add_double(clk, "ptp_error_estimate_s",
			clock_error_estimate_seconds(info->clock.ptp_error_estimate));
	json_object_object_add(obj, "clock", clk);
	return obj;
}

void describe_ports(const __be16 *ports, unsigned int n, char *buf, size_t len)
{
	size_t used = 0;
	unsigned int i;

	snprintf(buf, len, "none");
	for (i = 0; i < n && i < STAMPEDE_MAX_PORTS && used < len; i++)
		used += snprintf(buf + used, len - used, "%s%u", i ? ", " : "", ntohs(ports[i]));
}

void reflector_info_summary(const struct reflector_info *info, char *buf, size_t len)
{
	const struct stampede_config *cfg = &info->cfg;
	char ports[64], auth[64] = "";
	size_t used;

	describe_ports(cfg->ports, cfg->n_ports, ports, sizeof(ports));
	if (cfg->n_auth_ports) {
		used = snprintf(auth, sizeof(auth), ", auth ports ");
		describe_ports(cfg->auth_ports, cfg->n_auth_ports, auth + used,
			       sizeof(auth) - used);
	}
	snprintf(buf, len, "dev %s (%s mode%s, prog id %u), ports %s%s, %s, %s timestamps",
		 info->ifname, info->mode, info->multiprog ? " in libxdp's dispatcher" : "",
		 info->prog_id, ports, auth,
		 cfg->flags & STAMPEDE_F_STATEFUL ? "stateful" : "stateless",
		 cfg->flags & STAMPEDE_F_PTP ? "ptp" : "ntp");
}

/* "198.18.0.0/15, 2001:db8::/32" (or "none") into @buf. */
static void format_prefixes(const struct stampede_config *cfg, char *buf, size_t len)
{
	char text[INET6_ADDRSTRLEN + 8];
	size_t used = 0;
	unsigned int i;

	snprintf(buf, len, "none");
	for (i = 0; i < cfg->n_return_prefixes && i < STAMPEDE_MAX_RETURN_PREFIXES && used < len;
	     i++) {
		attach_format_prefix(&cfg->return_prefixes[i], text, sizeof(text));
		used += snprintf(buf + used, len - used, "%s%s", i ? ", " : "", text);
	}
}

static void print_tlv_settings(const struct stampede_config *cfg)
{
	char micro[16] = "none";
	char prefixes[STAMPEDE_MAX_RETURN_PREFIXES * (INET6_ADDRSTRLEN + 8)];

	if (cfg->flags & STAMPEDE_F_MICRO_SESSION)
		snprintf(micro, sizeof(micro), "%u", ntohs(cfg->micro_session_id));
	format_prefixes(cfg, prefixes, sizeof(prefixes));
	printf("\tmtu %u, cos re-marking %s, micro-session id %s, return prefixes %s\n", cfg->mtu,
	       cfg->flags & STAMPEDE_F_COS_REFUSE ? "refused" : "on", micro, prefixes);
	printf("\treflected control %s, reply max %u octets, amplify %u\n",
	       cfg->flags & STAMPEDE_F_REFLECTED_CTL ? "on" : "off", cfg->reply_max, cfg->amplify);
}

/* The allow-list in full (it may be long: one line), and the rate limits. */
static void print_source_policy(const struct reflector_info *info)
{
	const struct stampede_config *cfg = &info->cfg;
	char text[INET6_ADDRSTRLEN + 8], rate[64], rate_all[64];
	unsigned int i;

	printf("\tallow ");
	if (!info->n_allow)
		printf("any source");
	for (i = 0; i < info->n_allow; i++) {
		attach_format_prefix(&info->allow[i], text, sizeof(text));
		printf("%s%s", i ? ", " : "", text);
	}
	policy_rate_text(cfg->flags & STAMPEDE_F_RATE_SRC ? cfg->rate_src.pps : 0,
			 cfg->rate_src.burst, rate, sizeof(rate));
	policy_rate_text(cfg->flags & STAMPEDE_F_RATE_ALL ? cfg->rate_all.pps : 0,
			 cfg->rate_all.burst, rate_all, sizeof(rate_all));
	printf("\n\trate limit per source %s, for the interface %s\n", rate, rate_all);
}

void reflector_info_print(const struct reflector_info *info)
{
	const struct stampede_config *cfg = &info->cfg;
	char ports[64], auth[64], when[CLOCK_UTC_LEN];

	describe_ports(cfg->ports, cfg->n_ports, ports, sizeof(ports));
	describe_ports(cfg->auth_ports, cfg->n_auth_ports, auth, sizeof(auth));
	clock_format_utc(info->loaded_unix_ns, when, sizeof(when));

	if (!strcmp(info->state, "attached"))
		printf("dev %s ifindex %u", info->ifname, info->ifindex);
	else if (!strcmp(info->state, "detached_from_outside"))
		printf("dev %s ifindex %u (detached from outside; 'attach' takes the counters up"
		       " again)",
		       info->ifname, info->ifindex);
	else
		printf("dev %s (interface gone)", info->ifname);
	if (strcmp(info->mode, "none"))
		printf(": prog %u %s, %s mode, loaded %s\n", info->prog_id, info->prog_name,
		       info->mode, when);
	else
		printf(": prog %u %s, not attached, loaded %s\n", info->prog_id, info->prog_name,
		       when);
	printf("\tports %s, auth ports %s, %s, %s timestamps, reply ttl %u, loop guard %s\n", ports,
	       auth, cfg->flags & STAMPEDE_F_STATEFUL ? "stateful" : "stateless",
	       cfg->flags & STAMPEDE_F_PTP ? "ptp" : "ntp", cfg->reply_ttl,
	       cfg->flags & STAMPEDE_F_NO_LOOP_GUARD ? "off" : "on");
	if (info->n_auth_keys)
		printf("\tauth keys set: %u, fingerprint %s\n", info->n_auth_keys,
		       info->auth_fingerprint);
	else if (cfg->n_auth_ports)
		printf("\tauth keys: none (auth ports are left to the stack)\n");
	printf("\tsessions table %u entries, %u local address%s, other traffic %s\n",
	       info->sessions_max, info->local_addrs, info->local_addrs == 1 ? "" : "es",
	       cfg->flags & STAMPEDE_F_COUNT_OTHER ? "counted" : "not counted");
	if (info->watch.why[0])
		printf("\taddr-watch %s (%s)\n", info->watch.mode, info->watch.why);
	else
		printf("\taddr-watch %s\n", info->watch.mode);
	if (info->multiprog && info->dispatcher_id)
		printf("\tin libxdp's dispatcher (prog id %u), run priority %u, passes on to the"
		       " next program what is not its own\n",
		       info->dispatcher_id, MULTIPROG_RUN_PRIO);
	else if (info->multiprog)
		printf("\tattached through libxdp, run priority %u\n", MULTIPROG_RUN_PRIO);
	print_tlv_settings(cfg);
	print_source_policy(info);
	printf("\tkernel fallbacks: %s\n", kernel_fallbacks(info));
	printf("\tclock %s, %s, TAI-UTC %llu s%s, %s, error estimate %g s, sync source %s\n",
	       cfg->flags & STAMPEDE_F_CLOCK_BOOT ? "boot+offset" : "tai",
	       cfg->flags & STAMPEDE_F_T3_READ ? "T2 and T3 read apart" : "T3 = T2 (one read)",
	       (unsigned long long)(info->clock.tai_offset_ns / STAMP_NSEC_PER_SEC),
	       info->clock.tai_offset_ns ? "" : " (kernel TAI offset not set)",
	       is_synchronized(&info->clock) ? "synchronized" : "not synchronized",
	       clock_error_estimate_seconds(info->clock.error_estimate),
	       sync_source_name(&info->clock));
	if (cfg->flags & STAMPEDE_F_PTP)
		printf("\tPTP timestamps: TAI-UTC %g s from %s, error estimate %g s\n",
		       (double)(info->clock.tai_offset_ns + (__u64)info->clock.ptp_adjust_ns) / 1e9,
		       tai_source_name(info->clock.tai_source),
		       clock_error_estimate_seconds(info->clock.ptp_error_estimate));
}
