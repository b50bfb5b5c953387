/* admind: the configuration and shared state of escale-admind. */
#ifndef ESCALE_ADMIND_H
#define ESCALE_ADMIND_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "cfg.h"
#include "code.h"
#include "log.h"
#include "store.h"

#define DESK_MAX_PRESETS 8
#define PRINT_MAX_QUEUES 64 /* print.queues: printers one admind watches */
#define DESK_MAX_LINES   32

struct admind_config {
	char *file;
	char *listen;
	struct sockaddr_storage addr;
	socklen_t addr_len;
	bool loopback;
	char *database;
	char *secret_file;
	char *tls_cert;
	char *tls_key;
	bool allow_plain_http;
	bool metrics_enabled; /* GET /metrics (staff token, maintenance) */
	int64_t threads;
	int64_t max_body;
	int64_t max_conn_per_ip;
	int64_t max_connections;
	int64_t connection_memory_kib;
	int64_t request_deadline_seconds;
	char *log_file;
	enum log_level log_level;
	int64_t code_length;
	enum code_alphabet code_alphabet;
	int64_t default_minutes, default_pages, default_days, max_count;
	/* Accompanied sessions: how long a mediator's one-time code is valid, and the
	 * pages such a session may print. */
	int64_t accompany_minutes, accompany_pages;
	int64_t heartbeat_seconds, session_heartbeat_seconds;
	int64_t max_failures, lockout_seconds, lockout_max_seconds;
	struct store_policy pol;
	struct print_config {
		bool enabled;
		/* The queues watched: print.queues, or the single queue of
		 * print.cups_server and print.queue (name = queue, site ""). */
		struct print_queue_config {
			char *name;        /* admind's name of the printer (API, desk) */
			char *site;        /* kiosks of this site only; "" : any kiosk */
			char *cups_server; /* as print.cups_server */
			char *queue;       /* the CUPS queue on that server */
			char *release_key_file;
		} * queues;
		size_t n_queues;
		char *cups_server; /* "" : libcups' default (CUPS_SERVER, client.conf) */
		char *queue;
		int64_t poll_ms;
		int64_t max_document_bytes;
		int64_t stuck_seconds;
		bool purge_history;
		char *release_key_file; /* the key of release marks (bk_mark.h) */
		/* The keys of the printers added at run time (store_printers.h):
		 * PREFIX NAME ".key", beside the database. */
		char *runtime_key_prefix;
		char *pagecount_helper; /* escale-pdfpages (pdfcount.h) */
		int64_t pagecount_seconds;
	} print;
	struct web_config {
		char *root; /* "" : no pages */
		int64_t idle_seconds, max_seconds;
		int64_t max_failures, name_max_failures, address_max_failures;
		int64_t lockout_seconds, lockout_max_seconds;
		int64_t login_workers, login_queue;
	} web;
	/* What the desk's page offers and prints on tickets. */
	struct desk_config {
		char *centre;
		int npresets;
		struct desk_preset {
			int64_t minutes, pages;
		} presets[DESK_MAX_PRESETS];
		char **services;                 /* NULL-terminated */
		char **rules;                    /* NULL-terminated */
		int64_t spare_count, spare_days; /* the sheet of spare codes */
	} desk;
	/* services.catalogue: the services a new database starts with ("" : none). */
	char *services_catalogue;
};

/* Reads and checks FILE; on error fills ERR with "FILE:LINE: message". */
bool admind_config_load(const char *file, struct admind_config *c, struct cfg_err *err);
void admind_config_free(struct admind_config *c);

struct ratelimit;
struct print_watch;
struct web_files;
struct loginq;
struct conntrack;

struct app {
	struct admind_config cfg;
	struct store *store;
	struct ratelimit *rl;
	struct print_watch *print;     /* NULL when printing is off */
	struct ratelimit *web_rl;      /* wrong staff passwords, per name and address */
	struct ratelimit *web_name_rl; /* per name, whatever the addresses */
	struct ratelimit *web_addr_rl; /* per address, whatever the names */
	struct ratelimit *web_known;   /* the addresses each name signed in from */
	struct ratelimit *enroll_rl;   /* wrong enrollment codes, per address */
	char tls_pin[64];              /* the TLS key's pin (pin.h), "" without TLS */
	struct web_files *web;         /* the staff pages, NULL when off */
	struct loginq *loginq;         /* password checks, off the HTTP threads */
	struct conntrack *conntrack;   /* open connections, shed when full */
	size_t max_connections;        /* max_connections, within RLIMIT_NOFILE */
	struct helpdesk *helpdesk;     /* the kiosks' calls for help */
};

#endif
