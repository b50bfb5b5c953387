/* loginq: password checks (argon2id) on their own threads, off the HTTP ones. */
#include "loginq.h"

#include <pthread.h>
#include <stdlib.h>

#include "admind.h"
#include "http.h"
#include "util.h"

/* Each argon2id check takes about 0.1 s of a core and 64 MiB. On an HTTP
 * thread a flood of sign-ins would hold every thread and the memory with it,
 * and kiosks' heartbeats would wait behind them; here they wait for a worker
 * on a suspended connection, and past the queue they are told to come back. */

struct job {
	struct http_req *r;
	void (*fn)(struct app *app, struct http_req *r);
};

struct loginq {
	struct app *app;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct job *ring;
	int cap, head, len;
	bool stopping;
	int nworkers;
	pthread_t *workers;
};

static void *worker(void *arg)
{
	struct loginq *q = arg;
	pthread_mutex_lock(&q->mu);
	for (;;) {
		while (!q->len && !q->stopping)
			pthread_cond_wait(&q->cv, &q->mu);
		if (q->stopping)
			break;
		struct job j = q->ring[q->head];
		q->head = (q->head + 1) % q->cap;
		q->len--;
		pthread_mutex_unlock(&q->mu);
		j.fn(q->app, j.r);
		if (!j.r->resp)
			http_error(j.r, 500, "internal", "no reply");
		MHD_resume_connection(j.r->conn);
		pthread_mutex_lock(&q->mu);
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

struct loginq *loginq_start(struct app *app, int workers, int queue)
{
	struct loginq *q = xcalloc(1, sizeof(*q));
	q->app = app;
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cv, NULL);
	q->cap = queue;
	q->ring = xcalloc((size_t)queue, sizeof(*q->ring));
	q->workers = xcalloc((size_t)workers, sizeof(*q->workers));
	for (; q->nworkers < workers; q->nworkers++)
		if (pthread_create(&q->workers[q->nworkers], NULL, worker, q) != 0)
			fatalx("cannot start the sign-in threads");
	return q;
}

bool loginq_submit(struct loginq *q, struct http_req *r,
		   void (*fn)(struct app *app, struct http_req *r))
{
	pthread_mutex_lock(&q->mu);
	if (q->stopping || q->len == q->cap) {
		pthread_mutex_unlock(&q->mu);
		return false;
	}
	/* Suspended before a worker can see it, so its resume always follows. */
	MHD_suspend_connection(r->conn);
	q->ring[(q->head + q->len) % q->cap] = (struct job){r, fn};
	q->len++;
	pthread_cond_signal(&q->cv);
	pthread_mutex_unlock(&q->mu);
	return true;
}

void loginq_stop(struct loginq *q)
{
	if (!q)
		return;
	pthread_mutex_lock(&q->mu);
	q->stopping = true;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
	for (int i = 0; i < q->nworkers; i++)
		pthread_join(q->workers[i], NULL);
	for (; q->len; q->len--, q->head = (q->head + 1) % q->cap) {
		struct http_req *r = q->ring[q->head].r;
		http_busy(r, "escale-admind is stopping");
		MHD_resume_connection(r->conn);
	}
	pthread_cond_destroy(&q->cv);
	pthread_mutex_destroy(&q->mu);
	free(q->ring);
	free(q->workers);
	free(q);
}
