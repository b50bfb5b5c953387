/* control: the proxy's control socket (docs/network.md "The control socket"): one JSON
 * object a line, one answer a line, for the kiosk's network helper. */
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "proxy.h"
#include "util.h"

#define CONTROL_LINE_MAX        (256 * 1024)
#define CONTROL_MAX_CLIENTS     8
#define CONTROL_MAX_SERVICES    256
#define CONTROL_MAX_DOMAINS     256 /* per service */
#define CONTROL_URL_MAX         2048
#define CONTROL_MAX_ALL_DOMAINS 4096 /* of all services (Chromium's list takes 1000) */
/* A client that sends without reading: no more requests read past this much unread. */
#define CONTROL_OUT_MAX (1024 * 1024)

static char *error_line(const char *text)
{
	json_t *o = json_pack("{s:s, s:s}", "t", "error", "error", text);
	char *s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}

static char *dump(json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}

/* Only the keys of ALLOWED in O. */
static bool only_keys(json_t *o, const char *const *allowed)
{
	const char *k;
	json_t *v;
	json_object_foreach (o, k, v) {
		bool ok = false;
		for (int i = 0; allowed[i] && !ok; i++)
			ok = strcmp(k, allowed[i]) == 0;
		if (!ok)
			return false;
	}
	return true;
}

/* {"t":"services","services":[...]}: a strict check of every entry, then the swap. */
static char *services(struct proxy *px, json_t *req)
{
	static const char *const top[] = {"t", "services", NULL};
	static const char *const keys[] = {"id", "url", "domains", "intranet", NULL};
	json_t *list = json_object_get(req, "services");
	if (!only_keys(req, top) || !json_is_array(list))
		return error_line("services: expected {\"t\":\"services\",\"services\":[...]}");
	if (json_array_size(list) > CONTROL_MAX_SERVICES)
		return error_line("services: at most 256 services");
	struct allowlist al = {0};
	size_t i, total = 0;
	json_t *sv;
	char why[200];
	json_array_foreach (list, i, sv) {
		json_t *id = json_object_get(sv, "id"), *url = json_object_get(sv, "url");
		json_t *doms = json_object_get(sv, "domains");
		json_t *intra = json_object_get(sv, "intranet");
		if (!json_is_object(sv) || !only_keys(sv, keys) || !json_is_string(id) ||
		    !kconfig_service_id_ok(json_string_value(id)) || !json_is_string(url) ||
		    json_string_length(url) > CONTROL_URL_MAX ||
		    (strncmp(json_string_value(url), "https://", 8) != 0 &&
		     strncmp(json_string_value(url), "http://", 7) != 0) ||
		    !json_is_array(doms) || json_array_size(doms) == 0 ||
		    json_array_size(doms) > CONTROL_MAX_DOMAINS ||
		    (intra && !json_is_boolean(intra))) {
			snprintf(why, sizeof(why),
				 "services: entry %zu must be {\"id\":slug,\"url\":\"https://...\","
				 "\"domains\":[names],\"intranet\":bool}",
				 i + 1);
			goto fail;
		}
		total += json_array_size(doms);
		if (total > CONTROL_MAX_ALL_DOMAINS) {
			snprintf(why, sizeof(why), "services: more than %d domains in all",
				 CONTROL_MAX_ALL_DOMAINS);
			goto fail;
		}
		for (size_t k = 0; k < i; k++)
			if (strcmp(al.sv[k].id, json_string_value(id)) == 0) {
				snprintf(why, sizeof(why), "services: id '%s' twice",
					 json_string_value(id));
				goto fail;
			}
		const char *d[CONTROL_MAX_DOMAINS];
		size_t j;
		json_t *dv;
		json_array_foreach (doms, j, dv) {
			char norm[DECIDE_HOST_MAX + 1];
			const char *s = json_string_value(dv);
			bool exact = s && s[0] == '.';
			if (!s || json_string_length(dv) != strlen(s) ||
			    decide_host(s + exact, strlen(s + exact), norm) != REFUSE_NONE) {
				snprintf(why, sizeof(why),
					 "services: '%s': domain %zu is not a host name",
					 json_string_value(id), j + 1);
				goto fail;
			}
			d[j] = s;
		}
		allow_add(&al, json_string_value(id), json_string_value(url), json_is_true(intra),
			  d, (int)json_array_size(doms), NULL);
	}
	allow_free(&px->al);
	px->al = al;
	px->al_from_control = true;
	log_info("allowlist: %d services from the kiosk", al.n);
	return dump(json_pack("{s:s}", "t", "ok"));
fail:
	allow_free(&al);
	return error_line(why);
}

char *control_answer(struct proxy *px, const char *line, size_t n)
{
	json_error_t jerr;
	json_t *req = json_loadb(line, n, JSON_REJECT_DUPLICATES, &jerr);
	if (!req || !json_is_object(req)) {
		json_decref(req);
		return error_line("not a JSON object on one line");
	}
	const char *t = json_string_value(json_object_get(req, "t"));
	char *ans;
	static const char *const only_t[] = {"t", NULL};
	if (!t) {
		ans = error_line("no \"t\": expected services, session_start, session_end, "
				 "refusals or status");
	} else if (strcmp(t, "services") == 0) {
		ans = services(px, req);
	} else if (!only_keys(req, only_t)) {
		ans = error_line("unexpected keys: this request takes only \"t\"");
	} else if (strcmp(t, "session_start") == 0) {
		stats_session_reset(&px->st);
		ans = dump(json_pack("{s:s}", "t", "ok"));
	} else if (strcmp(t, "session_end") == 0) {
		ans = dump(json_pack("{s:s, s:o}", "t", "session_end", "services",
				     stats_session_end(&px->st)));
	} else if (strcmp(t, "refusals") == 0) {
		char day[11];
		stats_today(day);
		ans = dump(stats_refusals(&px->st, day));
	} else if (strcmp(t, "status") == 0) {
		ans = dump(json_pack("{s:s, s:s, s:i, s:i}", "t", "status", "listen",
				     px->cfg.proxy_listen, "services", px->al.n, "connections",
				     px->n_conns));
	} else {
		ans = error_line("unknown \"t\": expected services, session_start, session_end, "
				 "refusals or status");
	}
	json_decref(req);
	return ans;
}

struct ctl_client {
	struct proxy *px;
	struct ctl_client *prev, *next;
	struct bufferevent *bev;
	bool closing;
	bool paused; /* reading stopped until the client reads its answers */
};

static void client_free(struct ctl_client *cl)
{
	cl->px->n_control--;
	if (cl->prev)
		cl->prev->next = cl->next;
	else
		cl->px->clients = cl->next;
	if (cl->next)
		cl->next->prev = cl->prev;
	bufferevent_free(cl->bev);
	free(cl);
}

static void send_line(struct ctl_client *cl, char *s)
{
	struct evbuffer *out = bufferevent_get_output(cl->bev);
	evbuffer_add(out, s, strlen(s));
	evbuffer_add(out, "\n", 1);
	free(s);
}

static void on_read(struct bufferevent *bev, void *arg);

static void on_write(struct bufferevent *bev, void *arg)
{
	struct ctl_client *cl = arg;
	if (cl->closing) {
		client_free(cl);
	} else if (cl->paused) {
		cl->paused = false;
		bufferevent_enable(bev, EV_READ);
		on_read(bev, cl); /* the lines already received */
	}
}

static void on_read(struct bufferevent *bev, void *arg)
{
	struct ctl_client *cl = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	for (;;) {
		if (evbuffer_get_length(bufferevent_get_output(bev)) > CONTROL_OUT_MAX) {
			cl->paused = true;
			bufferevent_disable(bev, EV_READ);
			return;
		}
		struct evbuffer_ptr nl = evbuffer_search_eol(in, NULL, NULL, EVBUFFER_EOL_LF);
		if (nl.pos < 0) {
			if (evbuffer_get_length(in) > CONTROL_LINE_MAX)
				break;
			return;
		}
		if ((size_t)nl.pos > CONTROL_LINE_MAX)
			break;
		size_t n = (size_t)nl.pos;
		char *line = xmalloc(n + 1);
		evbuffer_remove(in, line, n);
		evbuffer_drain(in, 1);
		line[n] = '\0';
		send_line(cl, control_answer(cl->px, line, n));
		free(line);
	}
	/* over the limit: an error, then the connection ends */
	send_line(cl, error_line("request over 256 KiB"));
	bufferevent_disable(bev, EV_READ);
	cl->closing = true;
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		client_free(arg);
}

static void on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int salen,
		      void *arg)
{
	struct proxy *px = arg;
	if (px->n_control >= CONTROL_MAX_CLIENTS) {
		close(fd);
		log_warnx("control: over %d clients, one refused", CONTROL_MAX_CLIENTS);
		return;
	}
	struct ctl_client *cl = xcalloc(1, sizeof(*cl));
	cl->px = px;
	cl->bev = bufferevent_socket_new(px->base, fd, BEV_OPT_CLOSE_ON_FREE);
	px->n_control++;
	cl->next = px->clients;
	if (cl->next)
		cl->next->prev = cl;
	px->clients = cl;
	bufferevent_setcb(cl->bev, on_read, on_write, on_event, cl);
	bufferevent_enable(cl->bev, EV_READ | EV_WRITE);
}

bool control_listen(struct proxy *px)
{
	const char *path = px->cfg.proxy_control;
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(sun.sun_path)) {
		log_warnx("%s: socket path too long", path);
		return false;
	}
	strcpy(sun.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		log_warn("socket");
		return false;
	}
	struct stat st;
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path); /* a previous run's */
	mode_t old = umask(0117);
	int rc = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (rc != 0 || chmod(path, 0660) != 0) {
		log_warn("%s: cannot create the control socket (does its directory exist? "
			 "systemd's RuntimeDirectory makes it)",
			 path);
		close(fd);
		return false;
	}
	px->control = evconnlistener_new(px->base, on_accept, px,
					 LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 16, fd);
	if (!px->control) {
		log_warnx("%s: cannot listen", path);
		close(fd);
		return false;
	}
	return true;
}

void control_close(struct proxy *px)
{
	while (px->clients)
		client_free(px->clients);
	if (px->control) {
		evconnlistener_free(px->control);
		px->control = NULL;
		unlink(px->cfg.proxy_control);
	}
}
