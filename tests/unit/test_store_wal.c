/* test_store_wal: under a steady stream of writes, admind's checkpoints (every 2 s in
 * admind, every 50 ms here) still let the WAL start again from its beginning, so that the
 * file stays about the size of what is written between two checkpoints instead of
 * growing with every write (docs/benchmarks.md: 4 GB in 70 s at 4,500 heartbeats a
 * second, before store_checkpoint took the store's lock). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store.h"
#include "test.h"
#include "util.h"

static struct store *st;
static atomic_bool stop;
static long writes;

static void *writer(void *arg)
{
	(void)arg;
	static const struct store_actor who = {.user_id = 1, .name = "bench"};
	char token[TOKEN_STR_LEN + 1], name[32];
	int64_t id;
	while (!atomic_load(&stop)) {
		snprintf(name, sizeof(name), "k%ld", writes);
		if (store_kiosk_create(st, &who, name, "site", token, &id) != STORE_OK)
			break;
		writes++;
	}
	return NULL;
}

int main(void)
{
	char dir[] = "/tmp/escale-wal-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char *path = xasprintf("%s/escale.db", dir), *wal = xasprintf("%s-wal", path);
	st = store_open(path);
	CHECK(st != NULL);
	if (!st)
		return TEST_DONE();
	CHECK(store_background_checkpoints(st));
	pthread_t t;
	CHECK(pthread_create(&t, NULL, writer, NULL) == 0);
	for (int i = 0; i < 20; i++) {
		usleep(50 * 1000);
		store_checkpoint(st);
	}
	atomic_store(&stop, true);
	pthread_join(t, NULL);
	struct stat sb;
	CHECK(stat(wal, &sb) == 0);
	/* Each write appends at least one frame (a page and 24 bytes; here about 4.5): a
	 * WAL never started again holds them all (before the fix: 4.5 frames a write, 900
	 * MB in 2 s), one started again at each checkpoint about a twentieth (0.35 frames
	 * a write: the most written between two checkpoints). */
	long frames = (long)(sb.st_size / (4096 + 24));
	fprintf(stderr, "%ld writes, WAL of %lld bytes (%ld frames)\n", writes,
		(long long)sb.st_size, frames);
	CHECK(writes >= 400);
	CHECK(frames < writes);
	store_close(st);
	unlink(wal);
	char *shm = xasprintf("%s-shm", path);
	unlink(shm);
	unlink(path);
	char *key = xasprintf("%s.key", path);
	unlink(key);
	rmdir(dir);
	free(shm);
	free(key);
	free(wal);
	free(path);
	return TEST_DONE();
}
