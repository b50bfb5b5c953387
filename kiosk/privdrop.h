/* privdrop: a child of the kiosk becoming the browser user with nothing of the kiosk's
 * privileges left (the unit gives the kiosk CAP_SETUID, CAP_SETGID, CAP_CHOWN and CAP_KILL
 * as ambient capabilities, and a non-root setuid() keeps them). */
#ifndef ESCALE_PRIVDROP_H
#define ESCALE_PRIVDROP_H

#include <stdbool.h>
#include <sys/types.h>

/* Root, or CAP_SETUID and CAP_SETGID in the effective set (AmbientCapabilities of the
 * unit): the kiosk may run the browser as another user. */
bool priv_may_switch(void);
/* Empties every capability set (effective, permitted, inheritable, ambient) and checks
 * that none is left. Async-signal-safe (for use between fork and exec). */
bool priv_caps_clear(void);
/* setgroups(0), setgid(GID), setuid(UID) in this order, each checked, then real, effective
 * and saved ids checked and priv_caps_clear. False at the first failure: the caller must
 * not go on (_exit). Async-signal-safe. */
bool priv_drop(uid_t uid, gid_t gid);

#endif
