/* helpdesk: the kiosks' calls for help, in memory (helpdesk.h). */
#include "helpdesk.h"

#include <pthread.h>
#include <stdlib.h>

#include "log.h"
#include "util.h"

struct call {
	int64_t kiosk;
	enum wire_help state; /* NONE: the desk closed the call made at AT_MS */
	int64_t at_ms, since;
};

struct helpdesk {
	pthread_mutex_t mu;
	struct call *v;
	size_t n, cap;
};

struct helpdesk *helpdesk_new(void)
{
	struct helpdesk *h = xcalloc(1, sizeof(*h));
	pthread_mutex_init(&h->mu, NULL);
	return h;
}

void helpdesk_free(struct helpdesk *h)
{
	if (!h)
		return;
	pthread_mutex_destroy(&h->mu);
	free(h->v);
	free(h);
}

static struct call *find(struct helpdesk *h, int64_t kiosk)
{
	for (size_t i = 0; i < h->n; i++)
		if (h->v[i].kiosk == kiosk)
			return &h->v[i];
	return NULL;
}

static struct call *add(struct helpdesk *h, int64_t kiosk)
{
	if (h->n == HELPDESK_MAX) {
		log_warnx("kiosk %lld: a call for help not kept: %d calls already",
			  (long long)kiosk, HELPDESK_MAX);
		return NULL;
	}
	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 16;
		h->v = xrealloc(h->v, h->cap * sizeof(*h->v)); /* cap <= 2 * HELPDESK_MAX */
	}
	struct call *c = &h->v[h->n++];
	*c = (struct call){.kiosk = kiosk};
	return c;
}

static void drop(struct helpdesk *h, struct call *c)
{
	*c = h->v[--h->n];
}

bool helpdesk_heartbeat(struct helpdesk *h, int64_t kiosk, enum wire_help help, int64_t at_ms,
			int64_t now)
{
	bool fresh = false;
	pthread_mutex_lock(&h->mu);
	struct call *c = find(h, kiosk);
	if (help == WIRE_HELP_NONE || at_ms <= 0) {
		if (c)
			drop(h, c);
	} else if (c && c->at_ms == at_ms) {
		/* The same call: the desk's answer (or its closing) stands. */
	} else if (c && at_ms < c->at_ms) {
		/* An older call than the one known: a heartbeat late on the way. */
	} else {
		if (!c)
			c = add(h, kiosk);
		if (c) {
			c->state = WIRE_HELP_ASKED;
			c->at_ms = at_ms;
			c->since = now;
			fresh = true;
		}
	}
	pthread_mutex_unlock(&h->mu);
	return fresh;
}

bool helpdesk_answer(struct helpdesk *h, int64_t kiosk, enum wire_cmd cmd)
{
	bool ok = true;
	pthread_mutex_lock(&h->mu);
	struct call *c = find(h, kiosk);
	if (cmd == WIRE_CMD_HELP_COMING) {
		ok = c && c->state != WIRE_HELP_NONE;
		if (ok)
			c->state = WIRE_HELP_COMING;
	} else if (c) {
		c->state = WIRE_HELP_NONE; /* kept: its AT_MS must not come back as a new call */
	}
	pthread_mutex_unlock(&h->mu);
	return ok;
}

enum wire_help helpdesk_get(struct helpdesk *h, int64_t kiosk, int64_t *since)
{
	pthread_mutex_lock(&h->mu);
	struct call *c = find(h, kiosk);
	enum wire_help s = c ? c->state : WIRE_HELP_NONE;
	*since = s != WIRE_HELP_NONE ? c->since : 0;
	pthread_mutex_unlock(&h->mu);
	return s;
}
