/* sitecfg: the settings a site's kiosks and desk take from admind (docs/API.md,
 * "Sites"): a JSON object of flat keys, each optional (absent: not set centrally).
 * Parsed strictly with the ranges of kiosk.conf and admind.conf, both by admind
 * (PUT /api/v1/sites/{site}/settings) and by the kiosk's network helper. */
#ifndef ESCALE_SITECFG_H
#define ESCALE_SITECFG_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hours.h"
#include "lang.h"
#include "services.h"

#define SITE_NAME_MAX_CHARS 64
#define SITE_NAME_MAX_BYTES (SITE_NAME_MAX_CHARS * 4)
#define SITECFG_JSON_MAX    65536 /* the settings' text, at most */
#define SITECFG_MAX_WARN    8
#define SITECFG_MAX_PRESETS 8
#define SITECFG_MAX_RULES   32
#define SITECFG_RULE_MAX    300
#define SITECFG_DESK_CENTRE 200
#define SITECFG_CENTRE_NAME 80

/* The keys, in the order of sitecfg_keys[]. */
enum sitecfg_key {
	SK_HOURS,
	SK_DESK_CENTRE,
	SK_DESK_PRESETS,
	SK_DESK_RULES,
	SK_WARN,
	SK_CLOSING_WARN,
	SK_IDLE,
	SK_IDLE_GRACE,
	SK_LANGUAGE,
	SK_CENTRE_NAME,
	SK_SERVICES,             /* the services offered to residents (ids) */
	SK_ACCOMPANIED_SERVICES, /* and the extra ones of accompanied sessions */
	SK_LANGUAGES,            /* the languages the welcome screen offers */
	SK_COUNT
};
/* "hours", "desk.centre", ... "centre_name", NULL. */
extern const char *const sitecfg_keys[];
/* The key called NAME, or -1. */
int sitecfg_key_find(const char *name);

struct site_settings {
	unsigned set; /* bit (1u << key) for each key set */
	struct hours hours;
	char desk_centre[SITECFG_DESK_CENTRE + 1];
	struct {
		int64_t minutes, pages;
	} presets[SITECFG_MAX_PRESETS];
	int n_presets;
	char rules[SITECFG_MAX_RULES][SITECFG_RULE_MAX + 1];
	int n_rules;
	int64_t warn[SITECFG_MAX_WARN], closing_warn[SITECFG_MAX_WARN]; /* largest first */
	int n_warn, n_closing_warn;
	int64_t idle_seconds, idle_grace_seconds;
	char language[3];
	char centre_name[SITECFG_CENTRE_NAME + 1];
	/* Service ids (svc_id_ok), at most SVC_MAX, none twice, in the order given. */
	char services[SVC_MAX][SVC_ID_MAX + 1];
	int n_services;
	char accompanied[SVC_MAX][SVC_ID_MAX + 1];
	int n_accompanied;
	/* The languages offered, as lang_at() indexes, in order, none twice; with
	 * "language" set too, it is one of them. */
	int languages[LANG_COUNT];
	int n_languages;
};

static inline bool sitecfg_has(const struct site_settings *s, enum sitecfg_key k)
{
	return (s->set & (1u << k)) != 0;
}

/* A site's name: valid UTF-8 text of 1 to 64 characters without control characters. */
bool site_name_ok(const char *name);

/* Parses J (an object of the keys above) strictly into OUT; false with a message for
 * people in ERR (OUT is then all unset). */
bool sitecfg_from_json(json_t *j, struct site_settings *out, char *err, size_t errlen);
/* The JSON object of S's keys that are set (a new reference). */
json_t *sitecfg_to_json(const struct site_settings *s);
/* Who may use service ID (ACCOMPANIED_ONLY: the catalogue keeps it for accompanied
 * sessions) at a site of settings S (NULL: none set): SVC_NOT_OFFERED, SVC_EVERYONE or
 * SVC_ACCOMPANIED. A resident gets the site's "services" (absent: every service but the
 * accompanied-only ones), never an accompanied-only one; an accompanied session gets
 * those and the site's "accompanied_services" (absent: none more). */
enum svc_audience { SVC_NOT_OFFERED, SVC_EVERYONE, SVC_ACCOMPANIED };
enum svc_audience sitecfg_service_audience(const struct site_settings *s, const char *id,
					   bool accompanied_only);
/* The answer of GET /api/v1/kiosk/settings: {"version": N, "settings": {...}}. */
bool sitecfg_answer_from_json(json_t *j, int64_t *version, struct site_settings *out, char *err,
			      size_t errlen);

#endif
