/* kcgroup: one cgroup v2 per browser run, so that the end of a session kills every process
 * the browser started, also those that left its process group (setsid). */
#ifndef ESCALE_KCGROUP_H
#define ESCALE_KCGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define KCGROUP_PATH_MAX 1024

struct kcg {
	char base[KCGROUP_PATH_MAX]; /* where the session cgroups are made; "" when unavailable */
	bool own_base;               /* base was made by us (removed by kcgroup_close) */
	unsigned serial;
};

/* The cgroup2 mount point in a /proc/self/mountinfo text (the first cgroup2 mount of the
 * hierarchy's root, octal escapes decoded) into OUT; false when there is none or the text
 * is malformed. At most LEN bytes of TEXT are read. */
bool kcgroup_parse_mountinfo(const char *text, size_t len, char out[KCGROUP_PATH_MAX]);
/* The cgroup v2 path ("0::PATH") of a /proc/self/cgroup text into OUT. */
bool kcgroup_parse_self(const char *text, size_t len, char out[KCGROUP_PATH_MAX]);

/* Finds a writable cgroup v2 hierarchy and makes the directory for the session cgroups,
 * escale-kiosk.PID under our own cgroup (a delegated systemd unit; the hierarchy's root on a
 * test machine), after killing and removing those of kiosks that are gone. False, with the
 * reason logged, when there is none: the kiosk then kills the browser's process group
 * only. */
bool kcgroup_open(struct kcg *g);
/* Removes the directory kcgroup_open made. */
void kcgroup_close(struct kcg *g);

/* A new session cgroup: its path into PATH and an fd of its cgroup.procs, open for writing,
 * for the child to write "0" into before it execs (it moves itself). -1, with PATH "", on
 * failure. */
int kcgroup_new(struct kcg *g, char path[KCGROUP_PATH_MAX]);
/* Freezes the cgroup PATH, kills every member (cgroup.kill), reaps those that are our
 * children except LEADER (the caller reaps it), waits at most TIMEOUT_MS for it to be empty and removes it. True when it is
 * gone. */
bool kcgroup_kill(const char *path, pid_t leader, int timeout_ms);

#endif
