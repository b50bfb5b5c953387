/* enroll: escale-kiosk --enroll URL CODE. A technician installs a PC and types the one-time
 * code escalectl kiosk enroll printed: the kiosk shows the key of the server at URL for the
 * technician to compare (trust on first use), then, over a connection pinned to that key,
 * trades the code for its own token. It writes the token (admin.token_file, 0600, the
 * kiosk's user) and the server's address and pin (admin.enrollment_file), so that no token
 * file is ever copied by hand. */
#include "enroll.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <libgen.h>
#include <libintl.h>
#include <stdarg.h>
#include <pwd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "code.h"
#include "pin.h"
#include "ui.h"
#include "util.h"

#define _(s)       gettext(s)
#define ANSWER_MAX (64 * 1024)
#define TIMEOUT_S  15L
#define KIOSK_USER "escale-kiosk" /* the unit's User= (systemd/escale-kiosk.service) */

struct buf {
	char *data;
	size_t len;
	bool too_big;
};

static size_t collect(char *p, size_t size, size_t n, void *arg)
{
	struct buf *b = arg;
	size_t add = size * n;
	if (b->len + add > ANSWER_MAX) {
		b->too_big = true;
		return 0;
	}
	b->data = xrealloc(b->data, b->len + add + 1);
	memcpy(b->data + b->len, p, add);
	b->len += add;
	b->data[b->len] = '\0';
	return add;
}

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("escale-kiosk: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* The key of the server at URL, as it presents itself (no verification: that is what the
 * technician does next). */
static bool server_pin(const char *url, char pin[PIN_STR_LEN + 1])
{
	CURL *c = curl_easy_init();
	struct buf b = {0};
	char *u = xasprintf("%s/healthz", url);
	curl_easy_setopt(c, CURLOPT_URL, u);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
	curl_easy_setopt(c, CURLOPT_CERTINFO, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, TIMEOUT_S);
	curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	CURLcode rc = curl_easy_perform(c);
	struct curl_certinfo *ci = NULL;
	bool ok = false;
	if (rc != CURLE_OK)
		fail(_("impossible de joindre %s : %s"), url, curl_easy_strerror(rc));
	else if (curl_easy_getinfo(c, CURLINFO_CERTINFO, &ci) == CURLE_OK && ci &&
		 ci->num_of_certs > 0)
		for (struct curl_slist *s = ci->certinfo[0]; s && !ok; s = s->next)
			if (strncmp(s->data, "Cert:", 5) == 0)
				ok = pin_from_pem(s->data + 5, strlen(s->data + 5), pin);
	if (rc == CURLE_OK && !ok)
		fail(_("%s n'a pas présenté de certificat lisible"), url);
	free(b.data);
	free(u);
	curl_easy_cleanup(c);
	return ok;
}

/* The technician compares PIN with the one escalectl printed. */
static bool confirmed(const char *pin)
{
	printf(_("Clé du serveur : %s\n"), pin);
	if (!isatty(STDIN_FILENO)) {
		fail(_("sans terminal, donnez la clé que escalectl kiosk enroll a affichée : "
		       "--pin %s"),
		     pin);
		return false;
	}
	printf(_("Est-ce la clé que escalectl kiosk enroll a affichée ? Tapez « oui » : "));
	fflush(stdout);
	char line[32];
	if (!fgets(line, sizeof(line), stdin))
		return false;
	line[strcspn(line, "\r\n")] = '\0';
	if (strcmp(line, "oui") == 0 || strcmp(line, "yes") == 0 || strcmp(line, _("oui")) == 0)
		return true;
	fail(_("clé refusée : rien n'est écrit. Vérifiez l'adresse du serveur."));
	return false;
}

/* POST URL/api/v1/enroll {"code"}, pinned to PIN when there is one; the answer into OUT. */
static bool redeem(const char *url, const char *norm, const char *pin, json_t **out)
{
	CURL *c = curl_easy_init();
	struct buf b = {0};
	char *u = xasprintf("%s/api/v1/enroll", url);
	json_t *body = json_pack("{ss}", "code", norm);
	char *text = json_dumps(body, JSON_COMPACT);
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
	curl_easy_setopt(c, CURLOPT_URL, u);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https,http");
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, text);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, TIMEOUT_S);
	curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	if (pin) {
		/* The key is the trust: a centre's server often has a certificate of its own. */
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
		curl_easy_setopt(c, CURLOPT_PINNEDPUBLICKEY, pin);
	}
	CURLcode rc = curl_easy_perform(c);
	long status = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	json_t *j = rc == CURLE_OK && b.data ? json_loads(b.data, 0, NULL) : NULL;
	const char *msg = json_string_value(json_object_get(j, "message"));
	bool ok = false;
	if (rc == CURLE_SSL_PINNEDPUBKEYNOTMATCH)
		fail(_("le serveur n'a plus la clé affichée : rien n'est écrit"));
	else if (rc != CURLE_OK)
		fail(_("impossible de joindre %s : %s"), url, curl_easy_strerror(rc));
	else if (status == 201 && json_is_object(j))
		ok = true;
	else
		fail(_("le serveur refuse l'enrôlement (%ld) : %s"), status,
		     msg ? msg : _("réponse illisible"));
	*out = ok ? json_incref(j) : NULL;
	json_decref(j);
	curl_slist_free_all(h);
	free(text);
	json_decref(body);
	free(u);
	if (b.data)
		sodium_memzero(b.data, b.len);
	free(b.data);
	curl_easy_cleanup(c);
	return ok;
}

/* Writes TEXT to PATH through a temporary file beside it: MODE, and owned by the kiosk's user
 * when KIOSK_OWNED and run as root. */
static bool write_file(const char *path, const char *text, mode_t mode, bool kiosk_owned)
{
	char *tmp = xasprintf("%s.new-XXXXXX", path);
	int fd = mkstemp(tmp);
	bool ok = fd >= 0 && fchmod(fd, mode) == 0;
	if (ok && kiosk_owned && geteuid() == 0) {
		struct passwd *pw = getpwnam(KIOSK_USER);
		ok = !pw || fchown(fd, pw->pw_uid, pw->pw_gid) == 0;
	}
	size_t n = strlen(text);
	ok = ok && write(fd, text, n) == (ssize_t)n && fsync(fd) == 0;
	if (fd >= 0 && close(fd) != 0)
		ok = false;
	if (ok && rename(tmp, path) != 0)
		ok = false;
	if (!ok) {
		fail(_("impossible d'écrire %s : %s"), path, strerror(errno));
		if (fd >= 0)
			unlink(tmp);
	}
	free(tmp);
	return ok;
}

static bool write_enrollment(const struct kiosk_cfg *cfg, const char *url, const char *pin)
{
	char when[32];
	time_t now = time(NULL);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M", localtime(&now));
	char *text =
		xasprintf("# Written by escale-kiosk --enroll on %s: this kiosk's "
			  "escale-admind.\n# It replaces admin.url and admin.pin of "
			  "kiosk.conf. Enroll again to change it.\nurl = \"%s\";\n%s%s%s",
			  when, url, pin ? "pin = \"" : "", pin ? pin : "", pin ? "\";\n" : "");
	bool ok = write_file(cfg->admin_enrollment_file, text, 0644, false);
	free(text);
	return ok;
}

static bool token_ok(const char *t)
{
	if (!t || strlen(t) != TOKEN_STR_LEN || strncmp(t, "esk_", 4) != 0)
		return false;
	for (const char *p = t + 4; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
			return false;
	return true;
}

int enroll_run(const struct kiosk_cfg *cfg, const char *url_arg, const char *code,
	       const char *pin_arg)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	ui_init_i18n();
	ui_set_language(cfg->language);
	char host[256], norm[CODE_MAX_LEN + 1], pin[PIN_STR_LEN + 1] = "";
	struct cfg_err err = {""};
	char *url = xstrdup(url_arg);
	int rc = 1;
	json_t *ans = NULL;
	size_t n = strlen(url);
	while (n > 0 && url[n - 1] == '/')
		url[--n] = '\0';
	if (!kconfig_url_ok(url, host, &err)) {
		const char *why = strstr(err.msg, ": ");
		fail(_("adresse refusée : %s"), why ? why + 2 : err.msg);
		goto out;
	}
	if (!code_normalise(code, norm)) {
		fail(_("« %s » n'est pas un code d'enrôlement : recopiez celui que escalectl "
		       "kiosk enroll a affiché"),
		     code);
		goto out;
	}
	bool tls = strncmp(url, "https://", 8) == 0;
	if (pin_arg && !pin_valid(pin_arg)) {
		fail(_("--pin : « sha256// » suivi de 44 caractères, comme escalectl l'affiche"));
		goto out;
	}
	if (tls && pin_arg)
		snprintf(pin, sizeof(pin), "%s", pin_arg);
	else if (tls && (!server_pin(url, pin) || !confirmed(pin)))
		goto out;
	if (!redeem(url, norm, tls ? pin : NULL, &ans))
		goto out;
	const char *token = json_string_value(json_object_get(ans, "token"));
	const char *name = json_string_value(json_object_get(ans, "name"));
	const char *site = json_string_value(json_object_get(ans, "site"));
	if (!token_ok(token) || !name) {
		fail(_("réponse illisible du serveur : rien n'est écrit"));
		goto out;
	}
	char *line = xasprintf("%s\n", token);
	bool ok = write_file(cfg->admin_token_file, line, 0600, true) &&
		  write_enrollment(cfg, url, tls ? pin : NULL);
	sodium_memzero(line, strlen(line));
	free(line);
	if (!ok)
		goto out;
	printf(_("Poste « %s »%s%s enrôlé.\nJeton : %s\nServeur : %s\n"), name,
	       site && *site ? " — " : "", site && *site ? site : "", cfg->admin_token_file,
	       cfg->admin_enrollment_file);
	printf(_("Redémarrez le poste (systemctl restart escale-kiosk).\n"));
	rc = 0;
out:
	sodium_memzero(norm, sizeof(norm));
	json_decref(ans);
	free(url);
	curl_global_cleanup();
	return rc;
}
