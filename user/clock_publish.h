/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Republishing the kernel's clock state to attached reflectors, and
 * noticing steps of the system clock: shared by `clock sync`, `clock
 * watch` and the agent (user/clock_cmd.c).
 */
#ifndef STAMPEDE_CLOCK_PUBLISH_H
#define STAMPEDE_CLOCK_PUBLISH_H

#include <stdbool.h>

/*
 * Republish to @ifname's reflector, or to every one in this network
 * namespace (NULL).  @why names the occasion in the line printed per
 * reflector ("step", "sync"); @quiet prints nothing.  Returns the
 * reflectors republished, or -1 after cli_error().
 */
int clock_publish(const char *ifname, const char *why, bool quiet);

/* A timerfd that becomes readable when the system clock is stepped; -1 after cli_error(). */
int clock_step_timer_open(void);

/* After the timer became readable: *@stepped says whether it was a step; re-armed. */
int clock_step_timer_check(int fd, bool *stepped);

#endif /* STAMPEDE_CLOCK_PUBLISH_H */
