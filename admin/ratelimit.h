/* ratelimit: lock-outs after wrong codes or passwords, growing with each lock-out. */
#ifndef ESCALE_RATELIMIT_H
#define ESCALE_RATELIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ratelimit;

struct ratelimit *ratelimit_new(int64_t max_failures, int64_t lockout_s, int64_t lockout_max_s);
/* At most CAP keys are kept (default 65536): past it the one idle the
 * longest and not locked out is forgotten, so that random keys (names,
 * addresses) cannot grow the table without end. */
void ratelimit_set_cap(struct ratelimit *rl, size_t cap);
void ratelimit_free(struct ratelimit *rl);
/* Seconds KIOSK must still wait at NOW_MS (monotonic), 0 when it may try. */
int64_t ratelimit_wait(struct ratelimit *rl, int64_t kiosk, int64_t now_ms);
/* A wrong code: returns the lock-out it starts, in seconds, or 0. */
int64_t ratelimit_fail(struct ratelimit *rl, int64_t kiosk, int64_t now_ms);
void ratelimit_success(struct ratelimit *rl, int64_t kiosk);
/* Forgets KEY's failures and lock-outs, and ends a lock-out under way (the desk
 * lifted it). */
void ratelimit_clear(struct ratelimit *rl, int64_t key);
/* Wrong codes KIOSK may still make before a lock-out (max_failures when it has
 * made none). */
int64_t ratelimit_tries_left(struct ratelimit *rl, int64_t kiosk);
/* For checks that take time (passwords): takes one attempt of KEY before the
 * check, so that parallel attempts cannot all pass ratelimit_wait before the
 * first failure is counted. With ENFORCE, refuses (returns the seconds to
 * wait, at least 1) when KEY is locked out or when the attempts already under
 * way could reach the limit; else returns 0, and ratelimit_fail,
 * ratelimit_success or ratelimit_release must follow. */
int64_t ratelimit_reserve(struct ratelimit *rl, int64_t key, int64_t now_ms, bool enforce);
/* Gives back a reserved attempt without counting it. */
void ratelimit_release(struct ratelimit *rl, int64_t key);
/* A set of keys seen at a time (the addresses a name signed in from), with
 * the same bound; KEY counts as known for MAX_AGE_MS after its last mark. */
void ratelimit_mark(struct ratelimit *rl, int64_t key, int64_t now_ms);
bool ratelimit_marked(struct ratelimit *rl, int64_t key, int64_t now_ms, int64_t max_age_ms);

#endif
