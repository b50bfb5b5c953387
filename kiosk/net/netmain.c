/* netmain: escale-kiosk-net, the kiosk's network helper: logins, heartbeats, outbox, code sync. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client.h"
#include "proto.h"
#include "proxyctl.h"
#include "code.h"
#include "ipc.h"
#include "kcache.h"
#include "kconfig.h"
#include "log.h"
#include "util.h"

#define NEVER          INT64_MAX
#define BATCH_MAX      100
#define ACK_MAX        256
#define ACK_PER_HB     64    /* admind takes at most 64 per heartbeat */
#define FLUSH_MS       10000 /* current session's counters to disk */
#define PROGRESS_MS    60000 /* offline: a session_progress event */
#define BACKOFF_MIN_MS 1000
#define BACKOFF_MAX_MS 30000
#define LOGIN_CODE_MAX 64 /* bytes, as admind accepts */

struct net {
	struct kiosk_cfg cfg;
	struct kcache *kc;
	struct client *cl;
	struct kc_policy pol;
	int fd, sfd;
	bool online, quit;

	/* The kiosk's last state message. */
	char state[16];
	char session[KC_SESSION_HEX + 1];
	int64_t seconds_used, pages_used;
	enum wire_help help; /* the resident's call for help, and when it was made */
	int64_t help_at;
	int64_t pages_scanned, files_copied; /* the session's documents, from the state */

	/* The open session (mirrors kcache's current row). */
	bool in_session;
	bool accompanied; /* the session is accompanied: the proxy allows all of svc */
	char cur[KC_SESSION_HEX + 1];
	int64_t flushed_ms, progress_ms;

	/* The login waiting for admind's answer. */
	bool login_pending;
	bool accompany; /* the login waiting is a mediator's sign-in: never checked offline */
	char code[LOGIN_CODE_MAX + 1];

	int64_t hb_period_ms, next_hb_ms;
	int64_t acks[ACK_MAX];
	size_t n_acks, acks_sent;

	json_t *batch; /* events in flight */
	int64_t next_delivery_ms, backoff_ms;
	bool single; /* a batch was refused: one event at a time finds the bad one */

	int64_t next_sync_ms;
	bool force_full;

	/* admind's services list (docs/network.md): the latest, cached in kcache. */
	struct svc_list *svc; /* NULL: none yet (kiosk.conf's services apply) */
	bool svc_asked;       /* fetched once since admind last came online */
	bool svc_no_route;    /* admind answered 404: an admind without services lists */
	int64_t svc_wanted;   /* the services_version admind last gave, -1 none */
	int64_t svc_seen;     /* the version of admind's last list taken (0: never set) */
	int64_t next_svc_ms;  /* no new fetch before (after a failure) */

	/* Its site's settings in admind (docs/API.md, "Sites"): the latest, cached in kcache. */
	struct site_settings *set; /* NULL: none yet (kiosk.conf's values apply) */
	int64_t set_version;       /* of SET; what the heartbeat reports as applied */
	bool set_asked;            /* fetched once since admind last came online */
	bool set_no_route;         /* admind answered 404: an admind without sites */
	int64_t set_wanted;        /* the settings_version admind last gave, -1 none */
	int64_t next_set_ms;       /* no new fetch before (after a failure) */

	/* escale-proxy's control socket. */
	struct proxyctl *px;
	uint64_t px_gen;        /* the connection that got the list... */
	int64_t px_version;     /* ...and which list (-1 none) */
	bool px_accompanied;    /* ...whole (an accompanied session's) or a resident's part */
	int64_t next_px_ms;     /* next try to tell it, while it does not answer */
	bool refusals_no_route; /* admind answered 404 to the refusals */
	char refusals_day[11];  /* the report in flight */
	char *refusals_body;
};

static int64_t int_field(const json_t *j, const char *k, int64_t lo, int64_t hi)
{
	json_t *v = json_object_get(j, k);
	int64_t n = json_is_integer(v) ? json_integer_value(v) : 0;
	return n < lo ? lo : n > hi ? hi : n;
}

static void send_msg(struct net *n, const struct wire_msg *m)
{
	if (!ipc_send(n->fd, m) && errno != EMSGSIZE && errno != EAGAIN)
		log_warn("ipc: send");
}

static void send_online(struct net *n, enum wire_msg_type type, bool online)
{
	struct wire_msg m = {.type = type, .online = online};
	send_msg(n, &m);
}

/* ---------------------------------------------------------------- scheduling */

static void deliver_soon(struct net *n)
{
	if (n->next_delivery_ms == NEVER)
		n->next_delivery_ms = mono_ms() + n->backoff_ms;
}

static void set_online(struct net *n, bool online)
{
	if (n->online == online)
		return;
	n->online = online;
	log_info("admind %s", online ? "reachable: online" : "unreachable: offline");
	send_online(n, WIRE_MSG_ONLINE, online);
	if (online) {
		/* What waited for admind goes now: events first, then the cache. */
		n->backoff_ms = 0;
		if (!n->batch)
			n->next_delivery_ms = mono_ms();
		if (!client_busy(n->cl, CREQ_CODES))
			n->next_sync_ms = mono_ms();
	} else {
		n->svc_asked = false; /* back online: ask again */
		n->set_asked = false;
	}
}

/* A refusal that still says admind is there and working: a 4xx is its judgement
 * (except 401: this kiosk is not let in). Anything else not expected is a failure. */
static bool answered(const struct cresp *r)
{
	return r->status >= 400 && r->status < 500 && r->body && r->status != 401;
}

static void note_failure(struct net *n, const struct cresp *r, const char *what)
{
	if (r->status == 401)
		log_warnx("%s: admind refused this kiosk's token (revoked?)", what);
	else if (r->status)
		log_warnx("%s: admind answered %ld%s%s", what, r->status, r->why[0] ? ": " : "",
			  r->why);
	else
		log_warnx("%s: %s", what, r->why);
}

/* ---------------------------------------------------------------- login */

/* TRIES_LEFT: wrong codes before a pause, after an unknown code (0: not known). */
static void login_refused(struct net *n, enum wire_refusal why, int64_t retry_after,
			  int64_t tries_left)
{
	struct wire_msg m = {.type = WIRE_MSG_LOGIN_REPLY,
			     .refusal = why,
			     .retry_after = retry_after,
			     .tries_left = tries_left};
	send_msg(n, &m);
}

/* BY: the mediator of an accompanied session ("" a resident's). */
static void login_accepted(struct net *n, const char *session, int64_t seconds_left,
			   int64_t pages_left, bool offline, const char *by)
{
	struct wire_msg m = {.type = WIRE_MSG_LOGIN_REPLY,
			     .ok = true,
			     .seconds_left = seconds_left,
			     .pages_left = pages_left,
			     .offline = offline};
	snprintf(m.session, sizeof(m.session), "%s", session);
	snprintf(m.by, sizeof(m.by), "%s", by);
	send_msg(n, &m);
}

static void proxy_push(struct net *n, bool force);

/* FRESH: a new session (not one carried on after a restart of the helper, whose services
 * the proxy has been counting all along). */
static void session_started(struct net *n, const char *session, bool fresh, bool accompanied)
{
	n->accompanied = accompanied;
	/* The proxy counts this session's services from now on; a list that waited for
	 * the sessions to end applies now (the kiosk switches at this session too). */
	if (fresh) {
		proxy_push(n, true);
		proxyctl_session_start(n->px);
	}
	n->in_session = true;
	snprintf(n->cur, sizeof(n->cur), "%s", session);
	n->flushed_ms = n->progress_ms = mono_ms();
}

static void login_offline(struct net *n)
{
	struct kc_meta m;
	bool have;
	if (!kcache_meta(n->kc, &m, &have) || !have) {
		log_warnx("login: admind unreachable and no offline cache yet (never synced)");
		login_refused(n, WIRE_REFUSED_ERROR, 0, 0);
		return;
	}
	int64_t wait = kcache_lock_wait(n->kc, &n->pol, now_s());
	if (wait > 0) {
		login_refused(n, WIRE_REFUSED_RATE, wait, 0);
		return;
	}
	char v[KC_VERIFIER_HEX + 1];
	int hv = kcache_verifier(&m, n->code, v);
	if (hv < 0) {
		login_refused(n, WIRE_REFUSED_ERROR, 0, 0);
		return;
	}
	struct kc_open o;
	enum kc_verdict verdict = kcache_offline_open(n->kc, hv ? v : NULL, &n->pol, now_s(), &o);
	if (verdict != KCV_OK) {
		log_info("offline login refused: %s",
			 wire_refusal_word(kcache_verdict_refusal(verdict)));
		login_refused(n, kcache_verdict_refusal(verdict), o.retry_after, o.tries_left);
		return;
	}
	log_info("session %s opened offline", o.session);
	session_started(n, o.session, true, false);
	login_accepted(n, o.session, o.seconds_left, o.pages_left, true, "");
	deliver_soon(n);
}

static void login_done(struct net *n, struct cresp *r)
{
	n->login_pending = false;
	bool acc = n->accompany;
	n->accompany = false;
	enum wire_refusal refusal;
	bool code_refusal = wire_refusal_parse(json_string_value(json_object_get(r->body, "error")),
					       &refusal) &&
			    refusal < WIRE_REFUSED_CODE_COUNT;
	struct login_ok ok;
	if (r->status == 201 && r->body && proto_login_ok(r->body, &ok)) {
		set_online(n, true);
		if (!kcache_online_open(n->kc, ok.session, ok.seconds_left, ok.pages_left, now_s()))
			log_warnx("session %s: not recorded locally", ok.session);
		session_started(n, ok.session, true, ok.by[0] != '\0');
		login_accepted(n, ok.session, ok.seconds_left, ok.pages_left, false, ok.by);
		/* After the answer: the verifier ties the session to its cached code,
		 * so that its end debits the cache. */
		struct kc_meta m;
		bool have;
		char v[KC_VERIFIER_HEX + 1];
		if (!acc && kcache_meta(n->kc, &m, &have) && have &&
		    kcache_verifier(&m, n->code, v) == 1)
			kcache_set_verifier(n->kc, ok.session, v);
	} else if (acc && r->status == 403 &&
		   wire_refusal_parse(json_string_value(json_object_get(r->body, "error")),
				      &refusal)) {
		/* bad_login, not_mediator, wrong_site: the sign-in screen says which. */
		set_online(n, true);
		login_refused(n, refusal, 0, 0);
	} else if (r->status == 403 && code_refusal) {
		set_online(n, true);
		login_refused(n, refusal, 0, int_field(r->body, "tries_left", 0, WIRE_TRIES_MAX));
	} else if (r->status == 429 && r->body) {
		set_online(n, true);
		login_refused(n, WIRE_REFUSED_RATE, int_field(r->body, "retry_after", 1, 86400), 0);
	} else if (r->status == 401) {
		note_failure(n, r, "login");
		set_online(n, false);
		login_refused(n, WIRE_REFUSED_KIOSK, 0, 0);
	} else if (r->status >= 400 && r->status < 500 && r->body) {
		note_failure(n, r, "login");
		set_online(n, true);
		login_refused(n, WIRE_REFUSED_ERROR, 0, 0);
	} else {
		note_failure(n, r, "login");
		set_online(n, false);
		/* A password is never checked here: no accompanied session offline. */
		if (acc)
			login_refused(n, WIRE_REFUSED_OFFLINE, 0, 0);
		else
			login_offline(n);
	}
	sodium_memzero(n->code, sizeof(n->code));
}

/* A mediator's name and password, for admind alone (POST /api/v1/kiosk/accompany). */
static void handle_accompany(struct net *n, struct wire_msg *m)
{
	if (n->login_pending) {
		log_warnx("ipc: a sign-in while another is waiting for admind; refused");
		login_refused(n, WIRE_REFUSED_ERROR, 0, 0);
		return;
	}
	json_t *body = json_pack("{ss ss}", "name", m->by, "password", m->password);
	n->login_pending = body && client_start(n->cl, CREQ_LOGIN, "/api/v1/kiosk/accompany", body);
	json_decref(body);
	n->accompany = n->login_pending;
	if (!n->login_pending)
		login_refused(n, WIRE_REFUSED_OFFLINE, 0, 0);
}

static void handle_login(struct net *n, const struct wire_msg *m)
{
	if (n->login_pending) {
		log_warnx("ipc: a login while another is waiting for admind; refused");
		login_refused(n, WIRE_REFUSED_ERROR, 0, 0);
		return;
	}
	snprintf(n->code, sizeof(n->code), "%s", m->code);
	json_t *body = json_pack("{ss}", "code", n->code);
	n->login_pending = client_start(n->cl, CREQ_LOGIN, "/api/v1/kiosk/sessions", body);
	json_decref(body);
	if (!n->login_pending) {
		login_offline(n);
		sodium_memzero(n->code, sizeof(n->code));
	}
}

/* ---------------------------------------------------------------- kiosk messages */

static void handle_state(struct net *n, const struct wire_msg *m)
{
	const char *st = wire_state_word(m->state);
	/* A new state (a session begins or ends, the kiosk locks) is told to admind at once:
	 * the desk sees it, and admind's answer sets the pace of the session's heartbeats. */
	/* So is a call for help, or its end: the desk hears it within a round trip. */
	if (strcmp(n->state, st) != 0 || n->help != m->help || n->help_at != m->help_at)
		n->next_hb_ms = mono_ms();
	n->help = m->help;
	n->help_at = m->help_at;
	snprintf(n->state, sizeof(n->state), "%s", st);
	snprintf(n->session, sizeof(n->session), "%s", m->session);
	n->seconds_used = m->seconds_used > KC_SECONDS_MAX ? KC_SECONDS_MAX : m->seconds_used;
	n->pages_used = m->pages_used > KC_PAGES_MAX ? KC_PAGES_MAX : m->pages_used;
	n->pages_scanned = m->pages_scanned;
	n->files_copied = m->files_copied;
	if (!n->in_session || strcmp(n->session, n->cur) != 0)
		return;
	int64_t now = mono_ms();
	bool progress = !n->online && now - n->progress_ms >= PROGRESS_MS;
	if (!progress && now - n->flushed_ms < FLUSH_MS)
		return;
	if (!kcache_progress(n->kc, n->cur, n->seconds_used, n->pages_used, progress, now_s()))
		log_warnx("session %s: progress not recorded", n->cur);
	n->flushed_ms = now;
	if (progress) {
		n->progress_ms = now;
		deliver_soon(n);
	}
}

static void handle_end(struct net *n, const struct wire_msg *m)
{
	const char *session = m->session;
	const char *reason = wire_reason_word(m->reason);
	int64_t secs = m->seconds_used > KC_SECONDS_MAX ? KC_SECONDS_MAX : m->seconds_used;
	int64_t pages = m->pages_used > KC_PAGES_MAX ? KC_PAGES_MAX : m->pages_used;
	/* The services this session reached, as the proxy counted them: with its end. */
	json_t *ids = NULL;
	if (n->in_session && strcmp(session, n->cur) == 0)
		proxyctl_session_end(n->px, &ids);
	if (!kcache_end(n->kc, session, reason, secs, pages, ids, now_s()))
		log_warnx("session %s: end not recorded", session);
	else
		log_info("session %s ended (%s, %lld s, %zu services)", session, reason,
			 (long long)secs, json_array_size(ids));
	json_decref(ids);
	if (n->in_session && strcmp(session, n->cur) == 0) {
		n->in_session = false;
		/* The next session is a resident's until said otherwise: the wider list goes. */
		if (n->accompanied) {
			n->accompanied = false;
			proxy_push(n, true);
		}
	}
	deliver_soon(n);
}

static void handle_ack(struct net *n, const struct wire_msg *m)
{
	int64_t id = m->id;
	for (size_t i = 0; i < n->n_acks; i++)
		if (n->acks[i] == id)
			return;
	if (n->n_acks == ACK_MAX) {
		log_warnx("ipc: too many acks waiting; command %lld will come again",
			  (long long)id);
		return;
	}
	n->acks[n->n_acks++] = id;
}

static void handle_ipc(struct net *n)
{
	for (;;) {
		struct wire_msg m;
		char bad_t[WIRE_WORD_MAX + 1];
		switch (ipc_recv(n->fd, WIRE_TO_NET, &m, bad_t)) {
		case IPC_EOF:
			log_info("the kiosk closed its socket; exiting");
			n->quit = true;
			return;
		case IPC_NONE:
		case IPC_ERROR:
			return;
		case IPC_BAD:
			/* A login is always answered: the kiosk waits for it. */
			if (strcmp(bad_t, wire_msg_word(WIRE_MSG_LOGIN)) == 0)
				login_refused(n, WIRE_REFUSED_UNKNOWN, 0, 0);
			else if (strcmp(bad_t, wire_msg_word(WIRE_MSG_ACCOMPANY)) == 0)
				login_refused(n, WIRE_REFUSED_BAD_LOGIN, 0, 0);
			continue;
		case IPC_MSG:
			break;
		}
		switch (m.type) {
		case WIRE_MSG_LOGIN:
			handle_login(n, &m);
			break;
		case WIRE_MSG_ACCOMPANY:
			handle_accompany(n, &m);
			break;
		case WIRE_MSG_STATE:
			handle_state(n, &m);
			break;
		case WIRE_MSG_END:
			handle_end(n, &m);
			break;
		case WIRE_MSG_ACK:
			handle_ack(n, &m);
			break;
		default: /* the helper's own messages: wire_msg_decode never gives them here */
			break;
		}
		sodium_memzero(m.code, sizeof(m.code));
		sodium_memzero(m.password, sizeof(m.password));
	}
}

/* ---------------------------------------------------------------- admind */

/* ---------------------------------------------------------------- services, proxy */

/* The heartbeat's and the code sync's "services_version": a list to fetch when it is not
 * ours. Absent (an older admind): kiosk.conf's services stay, or the cached list. */
static void note_services_version(struct net *n, const json_t *body)
{
	const json_t *v = json_object_get(body, "services_version");
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return;
	n->svc_wanted = (int64_t)json_integer_value(v);
}

/* The heartbeat's and the code sync's "settings_version": settings to fetch when they are
 * not ours. */
static void note_settings_version(struct net *n, const json_t *body)
{
	const json_t *v = json_object_get(body, "settings_version");
	if (json_is_integer(v) && json_integer_value(v) >= 0)
		n->set_wanted = (int64_t)json_integer_value(v);
}

static bool settings_due(const struct net *n)
{
	if (n->set_no_route || !n->online || mono_ms() < n->next_set_ms)
		return false;
	return !n->set_asked || (n->set_wanted >= 0 && n->set_wanted != n->set_version);
}

static void settings_send_kiosk(struct net *n)
{
	struct wire_msg m = {
		.type = WIRE_MSG_SETTINGS, .settings = n->set, .settings_version = n->set_version};
	send_msg(n, &m);
}

static void settings_start(struct net *n)
{
	n->set_asked = true;
	client_start(n->cl, CREQ_SETTINGS, "/api/v1/kiosk/settings", NULL);
}

static void settings_done(struct net *n, struct cresp *r)
{
	if (r->status == 404) {
		log_info("admind has no site settings for kiosks (an older admind?): %s stay",
			 n->set ? "the cached settings" : "kiosk.conf's values");
		n->set_no_route = true;
		return;
	}
	if (r->status != 200 || !r->body) {
		note_failure(n, r, "settings");
		n->next_set_ms = mono_ms() + 30000;
		set_online(n, answered(r));
		return;
	}
	struct site_settings *s = xcalloc(1, sizeof(*s));
	int64_t version;
	char why[300];
	if (!sitecfg_answer_from_json(r->body, &version, s, why, sizeof(why))) {
		/* The last good settings stay. */
		log_warnx("settings: admind's settings are refused, the last ones stay: %s", why);
		n->next_set_ms = mono_ms() + 60000;
		free(s);
		return;
	}
	if (n->set && version == n->set_version) {
		free(s);
		return;
	}
	if (!kcache_settings_put(n->kc, s, version))
		log_warnx("settings: version %lld not cached (kept in memory)", (long long)version);
	log_info("site settings %lld from admind", (long long)version);
	free(n->set);
	n->set = s;
	n->set_version = version;
	settings_send_kiosk(n);
}

static bool services_due(const struct net *n)
{
	if (n->svc_no_route || !n->online || mono_ms() < n->next_svc_ms)
		return false;
	return !n->svc_asked || (n->svc_wanted >= 0 && n->svc_wanted != n->svc_seen);
}

static void services_send_kiosk(struct net *n)
{
	struct wire_msg m = {.type = WIRE_MSG_SERVICES, .services = n->svc};
	send_msg(n, &m);
}

/* Tells the proxy the latest list when it does not have it: a proxy that (re)started, or
 * a new list while no session runs (FORCE: a session is starting, the list applies). */
static void proxy_push(struct net *n, bool force)
{
	if (!n->svc)
		return;
	bool same_proxy = n->px_gen == proxyctl_generation(n->px) && proxyctl_fd(n->px) >= 0;
	if (same_proxy && n->px_version == n->svc->version && n->px_accompanied == n->accompanied)
		return;
	/* Never a new list under a running session: the kiosk keeps its own too. */
	if (same_proxy && n->in_session && !force)
		return;
	if (!force && mono_ms() < n->next_px_ms)
		return;
	/* A resident's session, and the time between sessions: never the services kept for
	 * accompanied sessions. */
	struct svc_list *part = xcalloc(1, sizeof(*part));
	svc_select(n->svc, n->accompanied, part);
	bool told = proxyctl_services(n->px, part);
	svc_list_free(part);
	if (told) {
		n->px_gen = proxyctl_generation(n->px);
		n->px_version = n->svc->version;
		n->px_accompanied = n->accompanied;
		log_info("escale-proxy told services list %lld (%d services%s)",
			 (long long)n->svc->version, n->svc->n,
			 n->accompanied ? ", an accompanied session's" : "");
	} else {
		n->next_px_ms = mono_ms() + 5000;
	}
}

static void services_start(struct net *n)
{
	n->svc_asked = true;
	client_start(n->cl, CREQ_SERVICES, "/api/v1/kiosk/services", NULL);
}

static void services_done(struct net *n, struct cresp *r)
{
	if (r->status == 404) {
		log_info("admind has no services list for kiosks (an older admind?): %s stay",
			 n->svc ? "the cached services" : "kiosk.conf's services");
		n->svc_no_route = true;
		return;
	}
	struct svc_list *l = xcalloc(1, sizeof(*l));
	char why[300];
	if (r->status != 200 || !r->body) {
		note_failure(n, r, "services");
		n->next_svc_ms = mono_ms() + 30000;
		set_online(n, answered(r));
		free(l);
		return;
	}
	if (!svc_answer_from_json(r->body, l, why, sizeof(why))) {
		/* The last good list stays: a bad one would lose the residents their tiles. */
		log_warnx("services: admind's list is refused, the last one stays: %s", why);
		n->next_svc_ms = mono_ms() + 60000;
		free(l);
		return;
	}
	/* Version 0: admind's list was never set; kiosk.conf's services (or the list cached
	 * before) stay. */
	if (l->version == 0 && n->svc_seen != 0)
		log_info("services: admind has no list yet (version 0): %s stay",
			 n->svc ? "the cached services" : "kiosk.conf's services");
	n->svc_seen = l->version;
	if (l->version == 0 || (n->svc && svc_list_equal(n->svc, l))) {
		svc_list_free(l);
		return;
	}
	if (!kcache_services_put(n->kc, l))
		log_warnx("services: list %lld not cached (kept in memory)", (long long)l->version);
	log_info("services list %lld from admind: %d services", (long long)l->version, l->n);
	svc_list_free(n->svc);
	n->svc = l;
	services_send_kiosk(n);
	proxy_push(n, false);
}

/* With each sync: the proxy's refusals of the day, to admind when they changed. */
static void refusals_poll(struct net *n)
{
	json_t *report = NULL;
	if (proxyctl_refusals(n->px, &report)) {
		char *body = json_dumps(report, JSON_COMPACT | JSON_SORT_KEYS);
		const char *day = json_string_value(json_object_get(report, "day"));
		if (!body || !kcache_refusals_put(n->kc, day, body))
			log_warnx("proxy: the refusals of %s not recorded", day);
		free(body);
	}
	json_decref(report);
	if (n->refusals_no_route || !n->online || client_busy(n->cl, CREQ_REFUSALS))
		return;
	free(n->refusals_body);
	n->refusals_body = kcache_refusals_unsent(n->kc, n->refusals_day);
	if (!n->refusals_body)
		return;
	json_error_t e;
	json_t *j = json_loads(n->refusals_body, 0, &e);
	if (j)
		client_start(n->cl, CREQ_REFUSALS, "/api/v1/kiosk/refusals", j);
	json_decref(j);
}

static void refusals_done(struct net *n, struct cresp *r)
{
	if (r->status == 200 || r->status == 204) {
		set_online(n, true);
		if (n->refusals_body &&
		    !kcache_refusals_sent(n->kc, n->refusals_day, n->refusals_body))
			log_warnx("refusals: sent, but not marked so (they will come again)");
		/* An older day's report may wait behind it. */
		if (n->refusals_body && !client_busy(n->cl, CREQ_REFUSALS)) {
			char day[11];
			char *next = kcache_refusals_unsent(n->kc, day);
			if (next)
				n->next_sync_ms = mono_ms();
			free(next);
		}
	} else if (r->status == 404) {
		log_info("admind takes no refusal reports (an older admind?); not sent");
		n->refusals_no_route = true;
	} else {
		note_failure(n, r, "refusals");
		set_online(n, answered(r));
	}
	free(n->refusals_body);
	n->refusals_body = NULL;
}

static void heartbeat_start(struct net *n)
{
	n->next_hb_ms = mono_ms() + n->hb_period_ms;
	const char *state = n->state[0] ? n->state : "login";
	const char *session = NULL;
	if (strcmp(state, "session") == 0) {
		session = n->session[0] ? n->session : n->in_session ? n->cur : NULL;
		if (!session)
			state = "login";
	}
	json_t *ack = json_array();
	n->acks_sent = n->n_acks < ACK_PER_HB ? n->n_acks : ACK_PER_HB;
	for (size_t i = 0; i < n->acks_sent; i++)
		json_array_append_new(ack, json_integer(n->acks[i]));
	json_t *body = json_pack("{ss sI sI ss so}", "state", state, "seconds_used",
				 (json_int_t)n->seconds_used, "pages_used",
				 (json_int_t)n->pages_used, "version", ESCALE_VERSION, "ack", ack);
	/* The kiosk applies the settings as it receives them: the version handed over. */
	if (n->set)
		json_object_set_new(body, "settings_version", json_integer(n->set_version));
	if (session) {
		json_object_set_new(body, "session", json_string(session));
		/* Counts only: what the session's documents are stays in it. */
		if (n->pages_scanned > 0)
			json_object_set_new(body, "pages_scanned", json_integer(n->pages_scanned));
		if (n->files_copied > 0)
			json_object_set_new(body, "files_copied", json_integer(n->files_copied));
	}
	/* A call for help comes from a session or the welcome screen (a resident stuck at
	 * signing in). */
	bool help = (session || strcmp(state, "login") == 0) && n->help != WIRE_HELP_NONE;
	json_object_set_new(body, "help",
			    json_string(wire_help_word(help ? n->help : WIRE_HELP_NONE)));
	if (help)
		json_object_set_new(body, "help_at", json_integer(n->help_at));
	client_start(n->cl, CREQ_HEARTBEAT, "/api/v1/kiosk/heartbeat", body);
	json_decref(body);
}

static bool acked(const struct net *n, int64_t id)
{
	for (size_t i = 0; i < n->n_acks; i++)
		if (n->acks[i] == id)
			return true;
	return false;
}

static void heartbeat_done(struct net *n, struct cresp *r)
{
	struct hb_answer a;
	char why[128];
	if (r->status != 200 || !r->body) {
		note_failure(n, r, "heartbeat");
		set_online(n, answered(r));
		return;
	}
	if (!proto_heartbeat(r->body, &a, why, sizeof(why))) {
		log_warnx("heartbeat: admind's answer is malformed: %s", why);
		set_online(n, false);
		return;
	}
	set_online(n, true);
	memmove(n->acks, n->acks + n->acks_sent, (n->n_acks - n->acks_sent) * sizeof(n->acks[0]));
	n->n_acks -= n->acks_sent;
	n->acks_sent = 0;
	if (a.heartbeat_seconds) {
		int64_t s = a.heartbeat_seconds > 60 ? 60 : a.heartbeat_seconds;
		if (s * 1000 != n->hb_period_ms) {
			n->next_hb_ms += s * 1000 - n->hb_period_ms;
			n->hb_period_ms = s * 1000;
		}
	}
	note_services_version(n, r->body);
	note_settings_version(n, r->body);
	if (a.has_session)
		send_msg(n, &a.session);
	for (size_t i = 0; i < a.n_cmds; i++) {
		/* Acked but not yet told to admind: the kiosk has done it. */
		if (acked(n, a.cmds[i].id))
			continue;
		/* The desk lifted the pause: the offline count of wrong codes goes too. */
		if (a.cmds[i].cmd == WIRE_CMD_UNPAUSE && !kcache_lock_clear(n->kc))
			log_warnx("unpause: the offline count of wrong codes was not cleared");
		send_msg(n, &a.cmds[i]);
	}
	free(a.cmds);
}

static void sync_start(struct net *n)
{
	struct kc_meta m;
	bool have;
	n->next_sync_ms = mono_ms() + n->cfg.sync_seconds * 1000;
	refusals_poll(n);
	if (!kcache_meta(n->kc, &m, &have))
		return;
	char path[80];
	snprintf(path, sizeof(path), "/api/v1/kiosk/codes?since=%lld",
		 have && !n->force_full ? (long long)m.cursor : 0LL);
	client_start(n->cl, CREQ_CODES, path, NULL);
}

static void sync_done(struct net *n, struct cresp *r)
{
	struct codes_answer a;
	char why[128];
	if (r->status != 200 || !r->body) {
		note_failure(n, r, "code sync");
		set_online(n, answered(r));
		return;
	}
	if (!proto_codes(r->body, &a, why, sizeof(why))) {
		log_warnx("code sync: admind's answer is malformed: %s", why);
		set_online(n, false);
		return;
	}
	set_online(n, true);
	note_services_version(n, r->body);
	note_settings_version(n, r->body);
	struct kc_meta old;
	bool have;
	if (!a.full && kcache_meta(n->kc, &old, &have) &&
	    (!have || memcmp(old.salt, a.meta.salt, KC_SALT_LEN) != 0)) {
		/* Another database (restored, replaced): its changes do not apply to ours. */
		log_warnx("code sync: admind's salt changed; asking for the whole list");
		n->force_full = true;
		n->next_sync_ms = mono_ms();
	} else if (kcache_sync(n->kc, &a.meta, a.full, a.codes, a.n)) {
		log_debug("code sync: %zu codes (%s), cursor %lld", a.n,
			  a.full ? "full" : "changes", (long long)a.meta.cursor);
		n->force_full = false;
		struct wire_msg m = {.type = WIRE_MSG_SYNCED, .cursor = a.meta.cursor};
		send_msg(n, &m);
	}
	free(a.codes);
}

static void delivery_start(struct net *n)
{
	n->next_delivery_ms = NEVER;
	json_t *events = kcache_outbox_peek(n->kc, n->single ? 1 : BATCH_MAX);
	if (!events) {
		n->next_delivery_ms = mono_ms() + BACKOFF_MAX_MS;
		return;
	}
	if (json_array_size(events) == 0) {
		json_decref(events);
		n->single = false;
		return;
	}
	json_t *body = json_pack("{sO}", "events", events);
	if (client_start(n->cl, CREQ_EVENTS, "/api/v1/kiosk/events", body))
		n->batch = events;
	else
		json_decref(events);
	json_decref(body);
}

static void delivery_retry(struct net *n)
{
	n->backoff_ms = n->backoff_ms ? n->backoff_ms * 2 : BACKOFF_MIN_MS;
	if (n->backoff_ms > BACKOFF_MAX_MS)
		n->backoff_ms = BACKOFF_MAX_MS;
	n->next_delivery_ms = mono_ms() + n->backoff_ms;
}

static void delivery_done(struct net *n, struct cresp *r)
{
	json_t *batch = n->batch;
	size_t sent = json_array_size(batch);
	n->batch = NULL;
	char why[128];
	const char **ids = xcalloc(sent ? sent : 1, sizeof(*ids));
	size_t done = 0;
	if (r->status == 200 && r->body &&
	    proto_events(r->body, batch, ids, &done, why, sizeof(why))) {
		set_online(n, true);
		if (!kcache_outbox_remove(n->kc, ids, done))
			log_warnx("events: delivered but still queued (they will come as "
				  "duplicates)");
		if (done == 0) {
			log_warnx("events: admind kept none of %zu events", sent);
			delivery_retry(n);
		} else {
			n->backoff_ms = 0;
			n->next_delivery_ms = mono_ms();
		}
	} else if ((r->status == 400 || r->status == 413) && r->body) {
		/* Checked as a whole, refused as a whole: find the culprit alone. */
		set_online(n, true);
		const char *msg = json_string_value(json_object_get(r->body, "message"));
		msg = msg && strlen(msg) < 300 && utf8_valid_text(msg, strlen(msg)) ? msg : "";
		if (n->single) {
			ids[0] = json_string_value(json_object_get(json_array_get(batch, 0), "id"));
			log_warnx("events: admind refuses event %s (%s); dropped", ids[0], msg);
			kcache_outbox_remove(n->kc, ids, 1);
		} else {
			log_warnx("events: admind refused a batch (%s); one at a time", msg);
			n->single = true;
		}
		n->next_delivery_ms = mono_ms();
	} else {
		if (r->status == 200)
			log_warnx("events: admind's answer is malformed: %s", why);
		else
			note_failure(n, r, "events");
		set_online(n, answered(r));
		delivery_retry(n);
	}
	free(ids);
	json_decref(batch);
}

static void handle_responses(struct net *n)
{
	struct cresp r;
	while (client_done(n->cl, &r)) {
		switch (r.kind) {
		case CREQ_LOGIN:
			login_done(n, &r);
			break;
		case CREQ_HEARTBEAT:
			heartbeat_done(n, &r);
			break;
		case CREQ_EVENTS:
			delivery_done(n, &r);
			break;
		case CREQ_CODES:
			sync_done(n, &r);
			break;
		case CREQ_SERVICES:
			services_done(n, &r);
			break;
		case CREQ_REFUSALS:
			refusals_done(n, &r);
			break;
		case CREQ_SETTINGS:
			settings_done(n, &r);
			break;
		case CREQ_N:
			break;
		}
		json_decref(r.body);
	}
}

/* Starts what is due; returns how long the loop may sleep. */
static int64_t run_timers(struct net *n)
{
	int64_t now = mono_ms(), next = now + 60000;
	int64_t queued = kcache_outbox_count(n->kc);
	if (queued != 0 && n->next_delivery_ms == NEVER && !n->batch)
		deliver_soon(n);
	if (!client_busy(n->cl, CREQ_EVENTS) && n->next_delivery_ms != NEVER) {
		if (n->next_delivery_ms <= now)
			delivery_start(n);
		else if (n->next_delivery_ms < next)
			next = n->next_delivery_ms;
	}
	/* Heartbeats and syncs wait for the outbox: admind must know of an offline
	 * session before it hears of it, and debit it before the cache is refreshed. */
	if (queued != 0 || n->batch)
		return next - now;
	if (!client_busy(n->cl, CREQ_HEARTBEAT)) {
		if (n->next_hb_ms <= now)
			heartbeat_start(n);
		if (n->next_hb_ms < next)
			next = n->next_hb_ms;
	}
	if (!client_busy(n->cl, CREQ_CODES)) {
		if (n->next_sync_ms <= now)
			sync_start(n);
		if (n->next_sync_ms < next)
			next = n->next_sync_ms;
	}
	if (!client_busy(n->cl, CREQ_SETTINGS) && settings_due(n))
		settings_start(n);
	else if (n->online && !n->set_no_route && n->next_set_ms > now && n->next_set_ms < next)
		next = n->next_set_ms;
	if (!client_busy(n->cl, CREQ_SERVICES) && services_due(n))
		services_start(n);
	else if (n->online && !n->svc_no_route && n->next_svc_ms > now && n->next_svc_ms < next)
		next = n->next_svc_ms;
	proxy_push(n, false);
	if (n->svc && n->px_version != n->svc->version && n->next_px_ms > now &&
	    n->next_px_ms < next)
		next = n->next_px_ms;
	return next > now ? next - now : 0;
}

static void handle_signal(struct net *n)
{
	struct signalfd_siginfo si;
	while (read(n->sfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			if (!log_open_file(n->cfg.log_file))
				log_warn("%s", n->cfg.log_file);
			continue;
		}
		log_info("signal %u: exiting", si.ssi_signo);
		n->quit = true;
	}
}

/* ---------------------------------------------------------------- start */

static void usage(void)
{
	fprintf(stderr, "usage: escale-kiosk-net -c CONFIG --fd N [--session HEX]\n");
	exit(2);
}

static int parse_args(int argc, char **argv, const char **config, char *keep)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"fd", required_argument, NULL, 'f'},
		{"session", required_argument, NULL, 's'},
		{NULL, 0, NULL, 0},
	};
	int64_t fd = -1;
	int c;
	while ((c = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
		if (c == 'c') {
			*config = optarg;
		} else if (c == 's') {
			uint8_t raw[KC_SESSION_HEX / 2];
			if (!hex_decode(optarg, raw, sizeof(raw)))
				usage();
			hex_encode(raw, sizeof(raw), keep); /* lower-case, as the kiosk's */
		} else if (c != 'f' || !parse_i64(optarg, 0, 65535, &fd)) {
			usage();
		}
	}
	if (optind != argc || !*config || fd < 0)
		usage();
	int type = 0;
	socklen_t len = sizeof(type);
	if (getsockopt((int)fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0 || type != SOCK_SEQPACKET)
		fatalx("--fd %lld is not a SOCK_SEQPACKET socket", (long long)fd);
	fcntl((int)fd, F_SETFD, FD_CLOEXEC);
	return (int)fd;
}

/* KEEP: the session the kiosk still has open ("" when none). A helper started again during a
 * session carries it on; only a session the kiosk no longer has is ended (restart). */
static void start(struct net *n, const char *keep)
{
	struct kc_current rec;
	bool recovered;
	if (keep[0] && kcache_current(n->kc, &rec, &recovered) && recovered &&
	    strcmp(rec.session, keep) == 0) {
		log_info("session %s carries on after a restart of the helper", rec.session);
		session_started(n, rec.session, false, false);
		n->seconds_used = rec.seconds_used;
		n->pages_used = rec.pages_used;
		recovered = false;
	} else if (!kcache_recover(n->kc, now_s(), &rec, &recovered))
		fatalx("%s: cannot read the current session", n->cfg.state_dir);
	if (recovered) {
		log_warnx("session %s was open at the last stop; ended (restart, %lld s)",
			  rec.session, (long long)rec.seconds_used);
		struct wire_msg m = {.type = WIRE_MSG_RESTARTED, .seconds_used = rec.seconds_used};
		snprintf(m.session, sizeof(m.session), "%s", rec.session);
		send_msg(n, &m);
	}
	send_online(n, WIRE_MSG_HELLO, false);
	/* The last list admind gave: the kiosk and the proxy use it until admind answers. */
	struct svc_list *l = xcalloc(1, sizeof(*l));
	bool have;
	if (kcache_services_get(n->kc, l, &have) && have) {
		log_info("services list %lld from the cache: %d services", (long long)l->version,
			 l->n);
		n->svc = l;
		n->svc_seen = l->version;
		services_send_kiosk(n);
		proxy_push(n, true);
	} else {
		free(l);
	}
	/* Its site's last settings: the kiosk applies them until admind answers. */
	struct site_settings *set = xcalloc(1, sizeof(*set));
	int64_t version;
	if (kcache_settings_get(n->kc, set, &version, &have) && have) {
		log_info("site settings %lld from the cache", (long long)version);
		n->set = set;
		n->set_version = version;
		settings_send_kiosk(n);
	} else {
		free(set);
	}
	int64_t now = mono_ms();
	n->next_hb_ms = n->next_sync_ms = now;
	n->next_delivery_ms = NEVER;
	deliver_soon(n);
}

int main(int argc, char **argv)
{
	const char *config = NULL;
	struct net n = {.fd = -1,
			.sfd = -1,
			.svc_wanted = -1,
			.svc_seen = -1,
			.px_version = -1,
			.set_wanted = -1};
	struct cfg_err err;
	log_init("escale-kiosk-net", LOG_LVL_INFO);
	umask(077);
	char keep[KC_SESSION_HEX + 1] = "";
	n.fd = parse_args(argc, argv, &config, keep);
	if (sodium_init() < 0)
		fatalx("sodium_init failed");
	if (!kconfig_load(&n.cfg, config, &err))
		fatalx("%s", err.msg);
	enum log_level lvl;
	if (n.cfg.log_level && log_parse_level(n.cfg.log_level, &lvl))
		log_set_level(lvl);
	if (!log_open_file(n.cfg.log_file))
		fatal("%s", n.cfg.log_file);
	n.pol = (struct kc_policy){n.cfg.login_max_failures, n.cfg.login_lockout_seconds,
				   n.cfg.login_lockout_max};
	n.hb_period_ms = (n.cfg.heartbeat_seconds > 0 ? n.cfg.heartbeat_seconds : 5) * 1000;
	if (n.cfg.sync_seconds <= 0)
		n.cfg.sync_seconds = 60;

	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) != 0 ||
	    (n.sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC)) < 0)
		fatal("signalfd");
	signal(SIGPIPE, SIG_IGN);

	if (!(n.kc = kcache_open(n.cfg.state_dir)))
		fatalx("%s: cannot open the kiosk database", n.cfg.state_dir);
	if (!(n.cl = client_new(&n.cfg)))
		fatalx("cannot talk to admind with this configuration");
	n.px = proxyctl_new(n.cfg.proxy_control);
	start(&n, keep);
	log_info("started (admind %s)", n.cfg.admin_url);

	while (!n.quit) {
		int64_t wait = run_timers(&n);
		/* The proxy's socket too: one that closes has stopped (and must be told the
		 * services again when it is back). */
		struct curl_waitfd fds[3] = {
			{.fd = n.fd, .events = CURL_WAIT_POLLIN},
			{.fd = n.sfd, .events = CURL_WAIT_POLLIN},
			{.fd = proxyctl_fd(n.px), .events = CURL_WAIT_POLLIN},
		};
		unsigned nfds = fds[2].fd >= 0 ? 3 : 2;
		if (!client_wait(n.cl, fds, nfds, wait > 60000 ? 60000 : (int)wait))
			fatalx("the event loop failed");
		if (nfds == 3 && fds[2].revents)
			proxyctl_readable(n.px);
		if (fds[1].revents)
			handle_signal(&n);
		if (fds[0].revents && !n.quit)
			handle_ipc(&n);
		handle_responses(&n);
	}

	/* The last counters: a restart reports them as the session's end. */
	if (n.in_session && n.session[0] && strcmp(n.session, n.cur) == 0)
		kcache_progress(n.kc, n.cur, n.seconds_used, n.pages_used, false, now_s());
	json_decref(n.batch);
	svc_list_free(n.svc);
	free(n.set);
	free(n.refusals_body);
	proxyctl_free(n.px);
	client_free(n.cl);
	kcache_close(n.kc);
	kconfig_free(&n.cfg);
	close(n.sfd);
	close(n.fd);
	return 0;
}
