/* proxy: escale-proxy's shared state, and the entry points of its modules. */
#ifndef ESCALE_PROXY_PROXY_H
#define ESCALE_PROXY_PROXY_H

#include <event2/event.h>
#include <event2/dns.h>
#include <event2/listener.h>
#include <stdbool.h>

#include "decide.h"
#include "hostsfile.h"
#include "kconfig.h"
#include "stats.h"

struct conn;
struct ctl_client;

struct proxy {
	struct event_base *base;
	struct evdns_base *dns;
	const char *conf_path;
	bool debug; /* -d: log_level is not read */
	struct kiosk_cfg cfg;
	struct allowlist al;
	bool al_from_control; /* the kiosk's list replaces kiosk.conf's until a restart */
	struct hostsfile hf;
	struct stats st;
	int n_conns;
	struct conn *conns; /* the open client connections, to free them on exit */
	struct ctl_client *clients;
	struct evconnlistener *listener;
	struct evconnlistener *control;
	int n_control;
};

/* The allowlist of CFG's services. */
void proxy_allow_from_cfg(struct allowlist *al, const struct kiosk_cfg *cfg);
/* Logs and counts a refusal; SERVICE the guess or NULL. */
void proxy_refused(struct proxy *px, const char *host, bool countable, enum refusal why,
		   const char *service);

/* tunnel.c: serves one accepted client connection. */
void tunnel_accept(struct proxy *px, int fd);
void tunnel_close_all(struct proxy *px);
/* control.c: listens on cfg.proxy_control; false (logged) on failure. */
bool control_listen(struct proxy *px);
void control_close(struct proxy *px);
/* Answers one request line; returns a malloc'd line without its '\n'. */
char *control_answer(struct proxy *px, const char *line, size_t n);
/* resolve.c: the hosts file first, then DNS. */
struct resolve;
typedef void (*resolve_cb)(void *arg, int n, const struct sockaddr_storage *addrs,
			   bool from_hosts_file);
/* Calls CB (never before returning) with the addresses of HOST (n == 0: none); the
 * returned handle cancels. */
struct resolve *resolve_start(struct proxy *px, const char *host, resolve_cb cb, void *arg);
void resolve_cancel(struct resolve *r);

#define RESOLVE_MAX_ADDRS 8

#endif
