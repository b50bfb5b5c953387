/* ratelimit: per-kiosk lock-out after wrong codes, growing with each lock-out. */
#ifndef ESCALE_RATELIMIT_H
#define ESCALE_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

struct ratelimit;

struct ratelimit *ratelimit_new(int64_t max_failures, int64_t lockout_s, int64_t lockout_max_s);
void ratelimit_free(struct ratelimit *rl);
/* Seconds KIOSK must still wait at NOW_MS (monotonic), 0 when it may try. */
int64_t ratelimit_wait(struct ratelimit *rl, int64_t kiosk, int64_t now_ms);
/* A wrong code: returns the lock-out it starts, in seconds, or 0. */
int64_t ratelimit_fail(struct ratelimit *rl, int64_t kiosk, int64_t now_ms);
void ratelimit_success(struct ratelimit *rl, int64_t kiosk);

#endif
