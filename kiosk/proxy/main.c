/* escale-proxy: the browser's only way out (docs/network.md, escale-proxy(8)). */
#include <arpa/inet.h>
#include <errno.h>
#include <event2/dns.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <getopt.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "proxy.h"
#include "util.h"

void proxy_allow_from_cfg(struct allowlist *al, const struct kiosk_cfg *cfg)
{
	for (int i = 0; i < cfg->n_services; i++) {
		const struct kservice *s = &cfg->services[i];
		allow_add(al, s->id, s->url, s->intranet, (const char *const *)s->domains,
			  s->n_domains, NULL);
	}
}

void proxy_refused(struct proxy *px, const char *host, bool countable, enum refusal why,
		   const char *service)
{
	char esc[4 * DECIDE_HOST_MAX + 8];
	log_escape(host, strlen(host), esc, sizeof(esc));
	log_info("refused %s: %s", esc, decide_reason(why));
	if (countable) {
		char day[11];
		stats_today(day);
		stats_refused(&px->st, day, host, service);
	}
}

static void usage(void)
{
	fprintf(stderr, "usage: escale-proxy [-d] [-n] [-c /etc/escale/kiosk.conf]\n"
			"  -c FILE  the kiosk's configuration (its proxy group and services)\n"
			"  -n       check the configuration and the hosts file, then exit\n"
			"  -d       debug logging\n");
	exit(2);
}

/* kiosk.conf and its hosts file; false with the error printed as FILE:LINE: what. */
static bool load(const char *path, struct kiosk_cfg *cfg, struct hostsfile *hf)
{
	struct cfg_err err;
	memset(cfg, 0, sizeof(*cfg));
	memset(hf, 0, sizeof(*hf));
	if (!kconfig_load(cfg, path, &err)) {
		log_warnx("%s", err.msg);
		kconfig_free(cfg);
		return false;
	}
	if (*cfg->proxy_hosts_file) {
		char e[512];
		if (!hostsfile_load(hf, cfg->proxy_hosts_file, e, sizeof(e))) {
			log_warnx("%s", e);
			kconfig_free(cfg);
			return false;
		}
	}
	return true;
}

/* SIGHUP: kiosk.conf again (timeouts, hosts file, and the services unless the kiosk sent
 * its list). The listening address and control socket stay until a restart. */
static void on_hup(evutil_socket_t sig, short what, void *arg)
{
	struct proxy *px = arg;
	struct kiosk_cfg cfg;
	struct hostsfile hf;
	if (!load(px->conf_path, &cfg, &hf)) {
		log_warnx("SIGHUP: the configuration above is not valid: kept the old one; "
			  "fix it and send SIGHUP again");
		return;
	}
	/* keep what cannot change without a restart */
	free(cfg.proxy_listen);
	cfg.proxy_listen = px->cfg.proxy_listen;
	px->cfg.proxy_listen = NULL;
	free(cfg.proxy_control);
	cfg.proxy_control = px->cfg.proxy_control;
	px->cfg.proxy_control = NULL;
	kconfig_free(&px->cfg);
	px->cfg = cfg;
	hostsfile_free(&px->hf);
	px->hf = hf;
	enum log_level lvl;
	if (!px->debug && log_parse_level(px->cfg.log_level, &lvl))
		log_set_level(lvl);
	if (!px->al_from_control) {
		allow_free(&px->al);
		proxy_allow_from_cfg(&px->al, &px->cfg);
	}
	log_info("configuration reloaded: %d services, %zu hosts file names", px->al.n, hf.n);
}

static void on_term(evutil_socket_t sig, short what, void *arg)
{
	struct proxy *px = arg;
	log_info("stopping");
	event_base_loopexit(px->base, NULL);
}

static void on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int salen,
		      void *arg)
{
	tunnel_accept(arg, fd);
}

static void on_accept_error(struct evconnlistener *l, void *arg)
{
	/* EMFILE and the like: the listener goes on at the next event */
	log_warn("accept");
}

static void raise_nofile(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static struct evconnlistener *listen_on(struct proxy *px)
{
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof(ss));
	socklen_t len;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	if (inet_pton(AF_INET, px->cfg.proxy_listen_host, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)px->cfg.proxy_listen_port);
		len = sizeof(*s4);
	} else {
		inet_pton(AF_INET6, px->cfg.proxy_listen_host, &s6->sin6_addr);
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)px->cfg.proxy_listen_port);
		len = sizeof(*s6);
	}
	struct evconnlistener *l = evconnlistener_new_bind(
		px->base, on_accept, px,
		LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC | LEV_OPT_REUSEABLE, 512,
		(struct sockaddr *)&ss, (int)len);
	if (l)
		evconnlistener_set_error_cb(l, on_accept_error);
	return l;
}

int main(int argc, char **argv)
{
	const char *path = "/etc/escale/kiosk.conf";
	bool check = false, debug = false;
	int ch;
	while ((ch = getopt(argc, argv, "c:dnh")) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'd':
			debug = true;
			break;
		case 'n':
			check = true;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	log_init("escale-proxy", debug ? LOG_LVL_DEBUG : LOG_LVL_INFO);
	static struct proxy px;
	px.conf_path = path;
	px.debug = debug;
	if (!load(path, &px.cfg, &px.hf))
		return 1;
	if (check) {
		printf("%s: ok\n", path);
		kconfig_free(&px.cfg);
		hostsfile_free(&px.hf);
		return 0;
	}
	enum log_level lvl;
	if (!debug && log_parse_level(px.cfg.log_level, &lvl))
		log_set_level(lvl);
	signal(SIGPIPE, SIG_IGN);
	raise_nofile();
	proxy_allow_from_cfg(&px.al, &px.cfg);

	px.base = event_base_new();
	if (!px.base)
		fatalx("cannot start the event loop");
	/* No search domains, no /etc/hosts: names as they are, to the system's resolvers. */
	px.dns = evdns_base_new(px.base, 0);
	if (!px.dns ||
	    evdns_base_resolv_conf_parse(px.dns, DNS_OPTION_NAMESERVERS | DNS_OPTION_MISC,
					 px.cfg.proxy_resolv_conf) != 0 ||
	    evdns_base_count_nameservers(px.dns) == 0)
		log_warnx("%s: no usable name server: names outside the hosts file will not "
			  "resolve",
			  px.cfg.proxy_resolv_conf);
	if (px.dns) {
		char t[24];
		snprintf(t, sizeof(t), "%lld", (long long)(px.cfg.proxy_dns_seconds + 1) / 2);
		evdns_base_set_option(px.dns, "timeout:", t);
		evdns_base_set_option(px.dns, "attempts:", "2");
	}
	px.listener = listen_on(&px);
	if (!px.listener)
		fatal("cannot listen on %s (is another proxy there?)", px.cfg.proxy_listen);
	if (!control_listen(&px))
		fatalx("no control socket at %s: the kiosk could not reach the proxy",
		       px.cfg.proxy_control);
	struct event *hup = evsignal_new(px.base, SIGHUP, on_hup, &px);
	struct event *term = evsignal_new(px.base, SIGTERM, on_term, &px);
	struct event *intr = evsignal_new(px.base, SIGINT, on_term, &px);
	evsignal_add(hup, NULL);
	evsignal_add(term, NULL);
	evsignal_add(intr, NULL);
	log_info("listening on %s, %d services, control socket %s", px.cfg.proxy_listen, px.al.n,
		 px.cfg.proxy_control);

	event_base_dispatch(px.base);

	event_free(hup);
	event_free(term);
	event_free(intr);
	control_close(&px);
	tunnel_close_all(&px);
	evconnlistener_free(px.listener);
	if (px.dns)
		evdns_base_free(px.dns, 1);
	event_base_free(px.base);
	allow_free(&px.al);
	hostsfile_free(&px.hf);
	kconfig_free(&px.cfg);
	return 0;
}
