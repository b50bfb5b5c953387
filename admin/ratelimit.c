/* ratelimit: lock-outs after wrong codes or passwords, growing with each lock-out. */
#include "ratelimit.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

struct entry {
	int64_t kiosk;
	int64_t failures; /* wrong codes since the last lock-out or success */
	int64_t lockouts; /* lock-outs in a row: each doubles the next */
	int64_t until_ms; /* locked until this monotonic time */
	int64_t last_ms;  /* last failure (or mark), to forget old lock-outs */
	int64_t pending;  /* attempts reserved and not yet decided */
};

struct ratelimit {
	pthread_mutex_t mu;
	int64_t max_failures, lockout_ms, lockout_max_ms;
	struct entry *e;
	size_t n, cap, max;
};

/* A kiosk quiet for this long starts again from the first lock-out. */
#define FORGET_MS (3600 * 1000)

struct ratelimit *ratelimit_new(int64_t max_failures, int64_t lockout_s, int64_t lockout_max_s)
{
	struct ratelimit *rl = xcalloc(1, sizeof(*rl));
	pthread_mutex_init(&rl->mu, NULL);
	rl->max_failures = max_failures;
	rl->lockout_ms = lockout_s * 1000;
	rl->lockout_max_ms = lockout_max_s * 1000;
	rl->max = 65536;
	return rl;
}

void ratelimit_free(struct ratelimit *rl)
{
	if (!rl)
		return;
	pthread_mutex_destroy(&rl->mu);
	free(rl->e);
	free(rl);
}

void ratelimit_set_cap(struct ratelimit *rl, size_t cap)
{
	rl->max = cap;
}

/* The entry to forget when the table is full: not locked out at NOW_MS and
 * idle the longest, else the one whose lock-out ends first. */
static struct entry *victim(struct ratelimit *rl, int64_t now_ms)
{
	struct entry *best = NULL;
	for (size_t i = 0; i < rl->n; i++) {
		struct entry *e = &rl->e[i];
		bool free_e = e->until_ms <= now_ms && !e->pending;
		if (!best) {
			best = e;
			continue;
		}
		bool free_b = best->until_ms <= now_ms && !best->pending;
		if (free_e != free_b
			    ? free_e
			    : (free_e ? e->last_ms < best->last_ms : e->until_ms < best->until_ms))
			best = e;
	}
	return best;
}

/* Keys are kiosks (a few hundred) or, for passwords, names and addresses
 * that the serialized sign-in threads look up: a linear scan is enough. */
static struct entry *find(struct ratelimit *rl, int64_t kiosk, bool create, int64_t now_ms)
{
	for (size_t i = 0; i < rl->n; i++)
		if (rl->e[i].kiosk == kiosk)
			return &rl->e[i];
	if (!create)
		return NULL;
	struct entry *old = rl->n >= rl->max ? victim(rl, now_ms) : NULL;
	if (old) {
		memset(old, 0, sizeof(*old));
		old->kiosk = kiosk;
		return old;
	}
	if (rl->n == rl->cap) {
		rl->cap = rl->cap ? rl->cap * 2 : 16;
		rl->e = xrealloc(rl->e, rl->cap * sizeof(*rl->e));
	}
	struct entry *e = &rl->e[rl->n++];
	memset(e, 0, sizeof(*e));
	e->kiosk = kiosk;
	return e;
}

int64_t ratelimit_wait(struct ratelimit *rl, int64_t kiosk, int64_t now_ms)
{
	pthread_mutex_lock(&rl->mu);
	struct entry *e = find(rl, kiosk, false, now_ms);
	int64_t wait = e && e->until_ms > now_ms ? (e->until_ms - now_ms + 999) / 1000 : 0;
	pthread_mutex_unlock(&rl->mu);
	return wait;
}

int64_t ratelimit_fail(struct ratelimit *rl, int64_t kiosk, int64_t now_ms)
{
	pthread_mutex_lock(&rl->mu);
	struct entry *e = find(rl, kiosk, true, now_ms);
	if (e->pending)
		e->pending--;
	if (e->last_ms && now_ms - e->last_ms > FORGET_MS)
		e->lockouts = 0;
	e->last_ms = now_ms;
	int64_t lock = 0;
	if (++e->failures >= rl->max_failures) {
		lock = rl->lockout_ms;
		for (int64_t i = 0; i < e->lockouts && lock < rl->lockout_max_ms; i++)
			lock *= 2;
		if (lock > rl->lockout_max_ms)
			lock = rl->lockout_max_ms;
		e->until_ms = now_ms + lock;
		e->lockouts++;
		e->failures = 0;
	}
	pthread_mutex_unlock(&rl->mu);
	return lock / 1000;
}

/* KEY starts afresh: a success ends an attempt (RESERVED), a clear ends a lock-out. */
static void forget(struct ratelimit *rl, int64_t key, bool reserved, bool unlock)
{
	pthread_mutex_lock(&rl->mu);
	struct entry *e = find(rl, key, false, 0);
	if (e) {
		if (reserved && e->pending)
			e->pending--;
		if (unlock)
			e->until_ms = 0;
		e->failures = 0;
		e->lockouts = 0;
	}
	pthread_mutex_unlock(&rl->mu);
}

void ratelimit_success(struct ratelimit *rl, int64_t kiosk)
{
	forget(rl, kiosk, true, false);
}

void ratelimit_clear(struct ratelimit *rl, int64_t key)
{
	forget(rl, key, false, true);
}

int64_t ratelimit_tries_left(struct ratelimit *rl, int64_t kiosk)
{
	pthread_mutex_lock(&rl->mu);
	struct entry *e = find(rl, kiosk, false, 0);
	int64_t left = rl->max_failures - (e ? e->failures : 0);
	pthread_mutex_unlock(&rl->mu);
	return left > 0 ? left : 0;
}

int64_t ratelimit_reserve(struct ratelimit *rl, int64_t key, int64_t now_ms, bool enforce)
{
	pthread_mutex_lock(&rl->mu);
	struct entry *e = find(rl, key, true, now_ms);
	int64_t wait = 0;
	if (enforce && e->until_ms > now_ms)
		wait = (e->until_ms - now_ms + 999) / 1000;
	else if (enforce && e->failures + e->pending >= rl->max_failures)
		wait = 1; /* the attempts under way may lock it out */
	else
		e->pending++;
	pthread_mutex_unlock(&rl->mu);
	return wait;
}

void ratelimit_release(struct ratelimit *rl, int64_t key)
{
	pthread_mutex_lock(&rl->mu);
	struct entry *e = find(rl, key, false, 0);
	if (e && e->pending)
		e->pending--;
	pthread_mutex_unlock(&rl->mu);
}

void ratelimit_mark(struct ratelimit *rl, int64_t key, int64_t now_ms)
{
	pthread_mutex_lock(&rl->mu);
	find(rl, key, true, now_ms)->last_ms = now_ms;
	pthread_mutex_unlock(&rl->mu);
}

bool ratelimit_marked(struct ratelimit *rl, int64_t key, int64_t now_ms, int64_t max_age_ms)
{
	pthread_mutex_lock(&rl->mu);
	struct entry *e = find(rl, key, false, now_ms);
	bool known = e && now_ms - e->last_ms <= max_age_ms;
	pthread_mutex_unlock(&rl->mu);
	return known;
}
