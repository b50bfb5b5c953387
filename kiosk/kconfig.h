/* kconfig: the kiosk's configuration (libconfig), every key with a default. */
#ifndef ESCALE_KCONFIG_H
#define ESCALE_KCONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "cfg.h"
#include "hours.h"
#include "lang.h"
#include "osk.h"
#include "services.h"

#define KCFG_MAX_SERVICES   SVC_MAX
#define KCFG_MAX_DOMAINS    SVC_MAX_DOMAINS
#define KCFG_MAX_WARN       8
#define KCFG_MAX_ARGS       64
#define KCFG_MAX_ALLOWLIST  SVC_MAX_ALLOWLIST
#define KCFG_SERVICE_ID_MAX SVC_ID_MAX
/* kiosk/speak.h's SPEAK_MAX_ARGS leaves room for the text. */
#define KCFG_MAX_SPEECH_ARGS 24

struct kiosk_cfg {
	char *path;        /* the file read */
	char *centre_name; /* "centre_name", default "Espace Social Commun" */
	char *language;    /* "language": the default, one of lang.h's codes ("fr") */
	/* "languages": those the welcome screen offers, as lang_at indexes, in order */
	int languages[LANG_COUNT], n_languages;
	char *state_dir; /* "state_dir": cache and outbox database, default /var/lib/escale/kiosk */
	char *runtime_dir; /* "runtime_dir": control socket and session dirs, default /run/escale/kiosk */
	char *log_file;  /* "log_file", default "" (stderr, i.e. the journal) */
	char *log_level; /* "log_level", default "info" */

	/* admin { } */
	char *admin_url; /* "admin.url", required ("https://..."; http:// only to loopback) */
	char *admin_token_file; /* "admin.token_file", required */
	char *admin_ca_file;    /* "admin.ca_file", default NULL (system CAs) */
	char *admin_pin;        /* "admin.pin", "sha256//BASE64", default NULL */
	/* "admin.enrollment_file", default /etc/escale/kiosk-enrollment.conf: when it exists
	 * (escale-kiosk --enroll wrote it), its url and pin replace admin.url and admin.pin */
	char *admin_enrollment_file;
	bool enrolled;            /* they did */
	int64_t admin_timeout_ms; /* "admin.timeout_ms", default 3000 (100..60000) */
	int64_t sync_seconds;     /* "admin.sync_seconds", offline cache refresh, default 60 */
	int64_t heartbeat_seconds; /* "admin.heartbeat_seconds", default 5 (1..60); admind may lower */

	/* browser { } */
	char *browser_argv[KCFG_MAX_ARGS +
			   1];    /* "browser.command", NULL-terminated; default chromium */
	int64_t browser_restarts; /* "browser.restarts", default 1 (0..5) */
	char *browser_user; /* "browser.user", default "escale-guest"; "" runs it as the kiosk */

	/* keyboard { } */
	enum osk_mode keyboard_onscreen; /* "keyboard.onscreen": "auto" (default: when the PC
					    has no keyboard), "always", "never" */

	/* speech { } */
	bool speech_enabled; /* "speech.enabled", default: speech.command's program is installed */
	char *speech_argv[KCFG_MAX_SPEECH_ARGS + 1]; /* "speech.command", NULL-terminated;
						       "%l" voice, "%t" text; default espeak-ng */

	/* print { } */
	char *print_server;     /* "print.server", "HOST[:PORT]" of the cupsd; default "" (none) */
	char *print_host;       /* its host (IPv6 without brackets), NULL without a server */
	int print_port;         /* its port, default 631 */
	char *scan_device;      /* "scan.device", a SANE name ("test:0"), "" the first found */
	int scan_resolution;    /* "scan.resolution" in dpi, 75..300, default 150 */
	bool usb_enabled;       /* "usb.enabled": copy from a USB key, default true */
	char *print_queue;      /* "print.queue", default "escale" */
	char *print_kiosk_name; /* "print.kiosk_name", default "": jobs tied by address */

	/* session { } */
	int64_t warn_minutes[KCFG_MAX_WARN]; /* "session.warn_minutes", default [5, 1] */
	int n_warn;
	int64_t closing_warn_minutes
		[KCFG_MAX_WARN]; /* "session.closing_warn_minutes", default [15, 5] */
	int n_closing_warn;
	int64_t idle_seconds;       /* "session.idle_seconds", default 300 (30..7200) */
	int64_t idle_grace_seconds; /* "session.idle_grace_seconds", countdown, default 60 (5..600) */
	int64_t ending_ms;       /* "session.ending_ms", the "data erased" screen, default 1500 */
	int64_t message_seconds; /* "session.message_seconds", desk message shown, default 60 */

	/* login { } (offline only: online, admind rate-limits) */
	int64_t login_max_failures;    /* "login.max_failures", default 5 */
	int64_t login_lockout_seconds; /* "login.lockout_seconds", first lock-out, default 30 */
	int64_t login_lockout_max;     /* "login.lockout_max_seconds", default 600 */
	int64_t code_length; /* "login.code_length", as admind's codes.length, default 8 (4..32) */
	bool code_alnum;     /* "login.alphabet": "digits" (default) or "alnum", as admind's */

	/* proxy { }: escale-proxy, the browser's only way out (docs/network.md) */
	char *proxy_listen;      /* "proxy.listen", loopback "HOST:PORT", default 127.0.0.1:3128 */
	char *proxy_listen_host; /* its address (IPv6 without brackets) */
	int proxy_listen_port;   /* its port */
	char *proxy_hosts_file;  /* "proxy.hosts_file", hosts(5) read before DNS, default "" */
	char *proxy_control;     /* "proxy.control", the proxy's control socket, default
				    /run/escale/proxy/control.sock */
	bool proxy_enforce;      /* "proxy.enforce", default true: no session unless the browser
			       user's network is closed but for the proxy and the proxy answers */
	char *proxy_resolv_conf; /* "proxy.resolv_conf", the name servers, default /etc/resolv.conf */
	int64_t proxy_max_connections; /* "proxy.max_connections", default 256 (1..4096) */
	int64_t proxy_header_seconds;  /* "proxy.header_seconds", the request head, default 10 */
	int64_t proxy_dns_seconds;     /* "proxy.dns_seconds", default 5 */
	int64_t proxy_connect_seconds; /* "proxy.connect_seconds", default 10 */
	int64_t proxy_idle_seconds;    /* "proxy.idle_seconds", a silent tunnel, default 300 */

	struct hours hours; /* "hours { }"; absent: always open */
	/* "settings.local": the keys of its site's settings in admind (common/sitecfg.h) this PC
	 * keeps from its own kiosk.conf; bit (1u << enum sitecfg_key) each. */
	unsigned settings_local;

	struct kservice services[KCFG_MAX_SERVICES]; /* "services ( )"; absent: the default list */
	int n_services;
	/* Not a key: the services are admind's list, whose icon alone picks a tile's
	 * pictogram ("" or unknown: a globe); kiosk.conf's pick by category when "". */
	bool services_from_admind;
};

/* Reads PATH into CFG (defaults for what is absent); on failure ERR says FILE:LINE: what. */
bool kconfig_load(struct kiosk_cfg *cfg, const char *path, struct cfg_err *err);
void kconfig_free(struct kiosk_cfg *cfg);
/* URL as admin.url must be (https://, or http:// to this computer); HOST gets its host. */
bool kconfig_url_ok(const char *url, char host[256], struct cfg_err *err);
/* True when S is a service id: 1..32 of [a-z0-9-], no dash first or last. */
bool kconfig_service_id_ok(const char *s);
/* "runtime_dir/kiosk.sock" */
char *kconfig_socket_path(const struct kiosk_cfg *cfg);

#endif
