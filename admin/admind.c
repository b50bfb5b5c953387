/* admind: escale-admind's main: config, store, HTTP server and the signal/timer loop. */
#include <errno.h>
#include <malloc.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include "admind.h"
#include "api.h"
#include "catalogue.h"
#include "helpdesk.h"
#include "conntrack.h"
#include "http.h"
#include "loginq.h"
#include "pin.h"
#include "print.h"
#include "ratelimit.h"
#include "web.h"
#include "util.h"

/* The retention purge runs at start and then this often. */
#define PURGE_EVERY_S (24 * 3600)
/* WAL checkpoints, off the request path (store_background_checkpoints). */
#define CHECKPOINT_EVERY_S 2
/* Sessions of silent kiosks are ended this often (store_end_stale). */
#define STALE_EVERY_S 30
/* Requests past their deadline are cut this often (conntrack_sweep). */
#define SWEEP_EVERY_S 1

/* The catalogue, when there is one: false (message on stderr) when it is malformed. */
static bool catalogue_check(const char *file)
{
	if (!*file || access(file, F_OK) != 0)
		return true;
	struct store_service *l;
	size_t n;
	struct cfg_err err;
	bool ok = catalogue_load(file, &l, &n, &err);
	if (!ok)
		fprintf(stderr, "%s\n", err.msg);
	free(l);
	return ok;
}

/* A database that never had a list of services starts with the catalogue's. */
static void services_seed(struct app *app)
{
	const char *file = app->cfg.services_catalogue;
	if (!*file || store_services_version(app->store) > 0)
		return;
	if (access(file, F_OK) != 0) {
		log_info("%s: no catalogue of services; the list starts empty (escalectl service "
			 "add)",
			 file);
		return;
	}
	struct store_service *l;
	size_t n;
	struct cfg_err err;
	if (!catalogue_load(file, &l, &n, &err))
		fatalx("%s", err.msg);
	bool loaded;
	if (!store_services_seed(app->store, l, n, file, &loaded))
		fatalx("%s: cannot store the catalogue of services", app->cfg.database);
	if (loaded)
		log_info("%s: the list of services starts with this catalogue's %zu", file, n);
	free(l);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: escale-admind -c FILE [-n] [-d]\n"
		"       escale-admind -c FILE -k PRINTER\n"
		"  -c FILE  configuration file (see config/admind.conf)\n"
		"  -n       check the configuration and exit (0 ok, 1 with FILE:LINE: message)\n"
		"  -k NAME  print the release key of printer NAME (print.queues) in hex, made\n"
		"           if missing, for escale-setup-print-host --release-key - on its host\n"
		"  -d       log debug lines\n"
		"  -V       print the version\n");
}

/* Raises the descriptor limit and returns how many connections fit in it
 * (at most WANT): past it accept() fails, and every client with it. */
static size_t raise_nofile(int64_t want)
{
	/* A thousand kiosks keep a thousand connections open. */
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return (size_t)want;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			getrlimit(RLIMIT_NOFILE, &rl);
	}
	/* The database, the log, timers, the pool's epoll and wake-up pipes. */
	int64_t fit = rl.rlim_cur == RLIM_INFINITY ? want : (int64_t)rl.rlim_cur - 256;
	if (fit < want) {
		log_warnx("max_connections %lld lowered to %lld: RLIMIT_NOFILE is %llu",
			  (long long)want, (long long)(fit > 16 ? fit : 16),
			  (unsigned long long)rl.rlim_cur);
		return (size_t)(fit > 16 ? fit : 16);
	}
	return (size_t)want;
}

static int timer_arm(int fd, int64_t seconds)
{
	struct itimerspec its = {.it_value = {.tv_sec = (time_t)seconds},
				 .it_interval = {.tv_sec = (time_t)seconds}};
	return timerfd_settime(fd, 0, &its, NULL);
}

int main(int argc, char **argv)
{
	const char *file = NULL, *key_of = NULL;
	bool check = false, debug = false;
	int opt;
	log_init("escale-admind", LOG_LVL_INFO);
	while ((opt = getopt(argc, argv, "c:ndk:Vh")) != -1) {
		switch (opt) {
		case 'c':
			file = optarg;
			break;
		case 'n':
			check = true;
			break;
		case 'd':
			debug = true;
			break;
		case 'k':
			key_of = optarg;
			break;
		case 'V':
			printf("escale-admind %s\n", ESCALE_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!file || optind != argc) {
		usage(stderr);
		return 2;
	}

	struct app app = {0};
	struct cfg_err err;
	if (!admind_config_load(file, &app.cfg, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	if (key_of) {
		/* The key of one print host, to install there: on stdout only. */
		char hex[PRINT_KEY_HEX_SIZE], why[512];
		bool ok = print_key_hex(&app.cfg.print, key_of, hex, why, sizeof(why));
		if (ok)
			printf("%s\n", hex);
		else
			fprintf(stderr, "escale-admind: %s\n", why);
		sodium_memzero(hex, sizeof(hex));
		admind_config_free(&app.cfg);
		return ok ? 0 : 1;
	}
	if (check) {
		if (!catalogue_check(app.cfg.services_catalogue)) {
			admind_config_free(&app.cfg);
			return 1;
		}
		printf("%s: configuration ok\n", file);
		admind_config_free(&app.cfg);
		return 0;
	}
	log_set_level(debug ? LOG_LVL_DEBUG : app.cfg.log_level);
	if (!log_open_file(app.cfg.log_file))
		fatal("%s", app.cfg.log_file);

	/* Signals arrive through a signalfd in the loop below; MHD's threads,
	 * created after this, inherit the blocked mask. */
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	int sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	int purge_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	int wd_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	int ckpt_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	int stale_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	int sweep_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	if (sfd < 0 || purge_fd < 0 || wd_fd < 0 || ckpt_fd < 0 || stale_fd < 0 || sweep_fd < 0)
		fatal("signalfd/timerfd");
	app.max_connections = raise_nofile(app.cfg.max_connections);

	app.store = store_open(app.cfg.database);
	if (!app.store)
		fatalx("%s: cannot open the database", app.cfg.database);
	if (!store_load_key(app.store, app.cfg.secret_file))
		fatalx("%s: cannot load the code key", app.cfg.secret_file);
	store_set_policy(app.store, &app.cfg.pol);
	services_seed(&app);
	app.rl = ratelimit_new(app.cfg.max_failures, app.cfg.lockout_seconds,
			       app.cfg.lockout_max_seconds);
	app.web_rl = ratelimit_new(app.cfg.web.max_failures, app.cfg.web.lockout_seconds,
				   app.cfg.web.lockout_max_seconds);
	app.web_name_rl = ratelimit_new(app.cfg.web.name_max_failures, app.cfg.web.lockout_seconds,
					app.cfg.web.lockout_max_seconds);
	app.web_addr_rl =
		ratelimit_new(app.cfg.web.address_max_failures, app.cfg.web.lockout_seconds,
			      app.cfg.web.lockout_max_seconds);
	app.web_known = ratelimit_new(1, 1, 1);
	/* Enrollment codes: 5 wrong ones from an address, then 1 min, doubling up to 1 h. */
	app.enroll_rl = ratelimit_new(5, 60, 3600);
	ratelimit_set_cap(app.enroll_rl, 4096);
	if (app.cfg.tls_cert && !pin_from_file(app.cfg.tls_cert, app.tls_pin))
		log_warnx("%s: cannot read its public key for kiosk enrollment", app.cfg.tls_cert);
	ratelimit_set_cap(app.web_known, 4096);
	if (*app.cfg.web.root)
		app.web = web_load(app.cfg.web.root);
	if (!store_background_checkpoints(app.store))
		fatalx("%s: cannot open the checkpoint connection", app.cfg.database);
	store_end_stale(app.store, now_s());
	store_purge(app.store, now_s());
	timer_arm(purge_fd, PURGE_EVERY_S);
	timer_arm(ckpt_fd, CHECKPOINT_EVERY_S);
	timer_arm(stale_fd, STALE_EVERY_S);
	timer_arm(sweep_fd, SWEEP_EVERY_S);

	if (app.cfg.print.enabled)
		app.print = print_start(app.store, &app.cfg.print);
	app.helpdesk = helpdesk_new();
	app.loginq =
		loginq_start(&app, (int)app.cfg.web.login_workers, (int)app.cfg.web.login_queue);
	app.conntrack = conntrack_new((size_t)app.cfg.max_conn_per_ip, app.max_connections,
				      app.cfg.request_deadline_seconds * 1000);
	struct MHD_Daemon *d = http_start(&app);
	if (!d)
		fatalx("cannot listen on %s", app.cfg.listen);
	uint64_t wd_usec = 0;
	if (sd_watchdog_enabled(0, &wd_usec) > 0 && wd_usec >= 2000000)
		timer_arm(wd_fd, (int64_t)(wd_usec / 2000000));
	log_event(LOG_LVL_INFO, LOG_ID_ADMIND_STARTED,
		  "escale-admind %s listening on %s (%s), database %s", ESCALE_VERSION,
		  app.cfg.listen, app.cfg.tls_cert ? "https" : "http", app.cfg.database);
	sd_notifyf(0, "READY=1\nSTATUS=listening on %s", app.cfg.listen);

	struct pollfd pfd[] = {{sfd, POLLIN, 0},     {purge_fd, POLLIN, 0}, {wd_fd, POLLIN, 0},
			       {ckpt_fd, POLLIN, 0}, {stale_fd, POLLIN, 0}, {sweep_fd, POLLIN, 0}};
	size_t conn_peak = 0;
	bool running = true;
	while (running) {
		if (poll(pfd, ARRAY_LEN(pfd), -1) < 0) {
			if (errno == EINTR)
				continue;
			fatal("poll");
		}
		if (pfd[0].revents & POLLIN) {
			struct signalfd_siginfo si;
			if (read(sfd, &si, sizeof(si)) == sizeof(si)) {
				if (si.ssi_signo == SIGHUP) {
					if (!log_open_file(app.cfg.log_file))
						log_warn("%s: cannot reopen the log",
							 app.cfg.log_file);
					else
						log_info("log reopened");
				} else {
					log_event(LOG_LVL_INFO, LOG_ID_ADMIND_STOPPING,
						  "signal %u: stopping", si.ssi_signo);
					running = false;
				}
			}
		}
		uint64_t ticks;
		if ((pfd[1].revents & POLLIN) && read(purge_fd, &ticks, sizeof(ticks)) > 0)
			store_purge(app.store, now_s());
		if ((pfd[2].revents & POLLIN) && read(wd_fd, &ticks, sizeof(ticks)) > 0) {
			if (store_ping(app.store))
				sd_notify(0, "WATCHDOG=1");
			else
				log_event(LOG_LVL_ERROR, LOG_ID_DATABASE_DOWN,
					  "watchdog: the database does not answer");
		}
		if ((pfd[3].revents & POLLIN) && read(ckpt_fd, &ticks, sizeof(ticks)) > 0)
			store_checkpoint(app.store);
		if ((pfd[4].revents & POLLIN) && read(stale_fd, &ticks, sizeof(ticks)) > 0)
			store_end_stale(app.store, now_s());
		if ((pfd[5].revents & POLLIN) && read(sweep_fd, &ticks, sizeof(ticks)) > 0) {
			conntrack_sweep(app.conntrack, mono_ms());
			/* Freed connections stay with malloc until given back: after
			 * a crowd leaves, hand the memory to the system. */
			size_t n = conntrack_count(app.conntrack);
			if (n > conn_peak)
				conn_peak = n;
			else if (conn_peak >= 256 && n < conn_peak / 2) {
				malloc_trim(0);
				conn_peak = n;
			}
		}
	}
	sd_notify(0, "STOPPING=1");
	loginq_stop(app.loginq);
	MHD_stop_daemon(d);
	conntrack_free(app.conntrack);
	print_stop(app.print);
	helpdesk_free(app.helpdesk);
	ratelimit_free(app.rl);
	ratelimit_free(app.web_rl);
	ratelimit_free(app.web_name_rl);
	ratelimit_free(app.web_addr_rl);
	ratelimit_free(app.web_known);
	ratelimit_free(app.enroll_rl);
	web_free(app.web);
	store_close(app.store);
	admind_config_free(&app.cfg);
	close(sfd);
	close(purge_fd);
	close(wd_fd);
	close(ckpt_fd);
	close(stale_fd);
	close(sweep_fd);
	return 0;
}
