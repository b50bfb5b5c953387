/* loginq: password checks (argon2id) on their own threads, off the HTTP ones. */
#ifndef ESCALE_LOGINQ_H
#define ESCALE_LOGINQ_H

#include <stdbool.h>

struct app;
struct http_req;
struct loginq;

/* WORKERS threads take requests from a queue of at most QUEUE waiting ones. */
struct loginq *loginq_start(struct app *app, int workers, int queue);
/* Suspends R's connection and queues FN(APP, R) for a worker, which resumes
 * the connection once FN has replied; false (nothing done) when the queue is
 * full or stopping. */
bool loginq_submit(struct loginq *q, struct http_req *r,
		   void (*fn)(struct app *app, struct http_req *r));
/* Answers what still waits with 503, resumes it, and joins the workers:
 * before MHD_stop_daemon, which must find no suspended connection. */
void loginq_stop(struct loginq *q);

#endif
