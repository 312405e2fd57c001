/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The agent's probes: one continuous `probe` ([target NAME]) per target,
 * each in a thread of its own, so a slow path or name never holds up the
 * agent's netlink and clock work.  A thread owns its run (socket, ring,
 * statistics); what the metrics show is copied out under the target's
 * lock at every request and reply, and read under it by the HTTP thread.
 */
#ifndef STAMPEDE_AGENT_PROBE_H
#define STAMPEDE_AGENT_PROBE_H

#include <stdio.h>

#include "agent_config.h"

struct agent_probes;

/*
 * Open every target's socket (a host that does not resolve is an error
 * naming the file, the line and the key) and start probing.  NULL,
 * reported, on failure; a configuration without targets gives an empty set.
 */
struct agent_probes *agent_probes_start(const struct agent_config *cfg);

/* Stop every probe, say what each counted, and free @p (NULL is fine). */
void agent_probes_stop(struct agent_probes *p);

/* The targets' metrics families (struct metrics_extra's fn; @ctx: the probes). */
void agent_probes_metrics(FILE *out, void *ctx);

#endif /* STAMPEDE_AGENT_PROBE_H */
