/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The stateful reflector's session table, as attach changes it. */
#ifndef STAMPEDE_SESSION_H
#define STAMPEDE_SESSION_H

/*
 * Empty every set of the sessions map @fd (@ifname's, for messages).  A
 * reflector switched between stateless and stateful must not show, or go
 * on counting in, sessions an earlier stateful program left behind.
 */
int session_table_clear(const char *ifname, int fd);

#endif /* STAMPEDE_SESSION_H */
