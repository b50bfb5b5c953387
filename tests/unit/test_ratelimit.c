/* test_ratelimit: lock-out after N wrong codes, doubling, capped, reset by success; the bounded table. */
#include "ratelimit.h"
#include "test.h"

int main(void)
{
	struct ratelimit *rl = ratelimit_new(3, 30, 100);
	int64_t t = 1000000;
	CHECK(ratelimit_wait(rl, 7, t) == 0);
	CHECK(ratelimit_fail(rl, 7, t) == 0);
	CHECK(ratelimit_fail(rl, 7, t) == 0);
	CHECK(ratelimit_fail(rl, 7, t) == 30); /* third wrong code locks */
	CHECK(ratelimit_wait(rl, 7, t) == 30);
	CHECK(ratelimit_wait(rl, 7, t + 29500) == 1);
	CHECK(ratelimit_wait(rl, 8, t) == 0); /* per kiosk */
	t += 30000;
	CHECK(ratelimit_wait(rl, 7, t) == 0);
	ratelimit_fail(rl, 7, t);
	ratelimit_fail(rl, 7, t);
	CHECK(ratelimit_fail(rl, 7, t) == 60); /* doubled */
	t += 60000;
	ratelimit_fail(rl, 7, t);
	ratelimit_fail(rl, 7, t);
	CHECK(ratelimit_fail(rl, 7, t) == 100); /* capped */
	t += 100000;
	ratelimit_success(rl, 7);
	ratelimit_fail(rl, 7, t);
	ratelimit_fail(rl, 7, t);
	CHECK(ratelimit_fail(rl, 7, t) == 30); /* reset by a good code */
	/* An hour of quiet forgets earlier lock-outs. */
	t += 30000 + 3600 * 1000 + 1;
	ratelimit_fail(rl, 7, t);
	ratelimit_fail(rl, 7, t);
	CHECK(ratelimit_fail(rl, 7, t) == 30);
	for (int k = 0; k < 1000; k++)
		ratelimit_fail(rl, k + 100, t);
	CHECK(ratelimit_wait(rl, 1099, t) == 0);
	ratelimit_free(rl);

	/* A bounded table: random keys push out idle ones, never a lock-out. */
	rl = ratelimit_new(1, 30, 100);
	ratelimit_set_cap(rl, 4);
	t = 1000000;
	CHECK(ratelimit_fail(rl, 1, t) == 30);
	for (int k = 0; k < 100; k++) {
		ratelimit_mark(rl, 1000 + k, t + k);
	}
	CHECK(ratelimit_wait(rl, 1, t + 100) == 30); /* still locked out */
	CHECK(ratelimit_marked(rl, 1099, t + 100, 10));
	CHECK(ratelimit_marked(rl, 1097, t + 100, 10));
	CHECK(!ratelimit_marked(rl, 1010, t + 100, 1000)); /* pushed out */
	CHECK(!ratelimit_marked(rl, 1099, t + 200, 10));   /* too old */
	ratelimit_free(rl);

	/* Reserved attempts: no more under way than the failures left. */
	rl = ratelimit_new(3, 30, 100);
	t = 1000000;
	CHECK(ratelimit_fail(rl, 5, t) == 0);
	CHECK(ratelimit_reserve(rl, 5, t, true) == 0);
	CHECK(ratelimit_reserve(rl, 5, t, true) == 0);
	CHECK(ratelimit_reserve(rl, 5, t, true) == 1);  /* two under way could lock it */
	CHECK(ratelimit_reserve(rl, 5, t, false) == 0); /* counted, not refused */
	ratelimit_release(rl, 5);
	ratelimit_success(rl, 5); /* the count starts again */
	ratelimit_release(rl, 5);
	CHECK(ratelimit_reserve(rl, 5, t, true) == 0);
	CHECK(ratelimit_reserve(rl, 5, t, true) == 0);
	CHECK(ratelimit_reserve(rl, 5, t, true) == 0);
	CHECK(ratelimit_reserve(rl, 5, t, true) == 1);
	CHECK(ratelimit_fail(rl, 5, t) == 0);
	CHECK(ratelimit_fail(rl, 5, t) == 0);
	CHECK(ratelimit_fail(rl, 5, t) == 30);
	CHECK(ratelimit_reserve(rl, 5, t + 1000, true) == 29);
	ratelimit_free(rl);
	return TEST_DONE();
}
