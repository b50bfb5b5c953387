/* sitecfg: a site's central settings, parsed strictly and written back. */
#include "sitecfg.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang.h"
#include "util.h"

const char *const sitecfg_keys[] = {"hours",
				    "desk.centre",
				    "desk.presets",
				    "desk.rules",
				    "session.warn_minutes",
				    "session.closing_warn_minutes",
				    "session.idle_seconds",
				    "session.idle_grace_seconds",
				    "language",
				    "centre_name",
				    "services",
				    "accompanied_services",
				    "languages",
				    NULL};

/* Indexed like struct tm's tm_wday. */
static const char *const day_names[7] = {"sunday",   "monday", "tuesday", "wednesday",
					 "thursday", "friday", "saturday"};

int sitecfg_key_find(const char *name)
{
	for (int i = 0; sitecfg_keys[i]; i++)
		if (strcmp(sitecfg_keys[i], name) == 0)
			return i;
	return -1;
}

bool site_name_ok(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > SITE_NAME_MAX_BYTES || !utf8_valid_text(name, n))
		return false;
	size_t chars = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c < 0x20 || c == 0x7f)
			return false;
		chars += (c & 0xc0) != 0x80;
	}
	return chars <= SITE_NAME_MAX_CHARS;
}

static bool fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static bool fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return false;
}

/* A text of MIN..MAX bytes of valid UTF-8 without control characters but tabs. */
static bool text(json_t *v, const char *key, size_t min, size_t max, char *dst, char *err,
		 size_t errlen)
{
	const char *s = json_string_value(v);
	size_t n = s ? json_string_length(v) : 0;
	if (!s || n < min || n > max || strlen(s) != n || !utf8_valid_text(s, n))
		return fail(err, errlen, "'%s' must be a text of %zu to %zu bytes", key, min, max);
	memcpy(dst, s, n + 1);
	return true;
}

static bool integer(json_t *v, const char *key, int64_t min, int64_t max, int64_t *out, char *err,
		    size_t errlen)
{
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
		return fail(err, errlen, "'%s' must be a whole number from %lld to %lld", key,
			    (long long)min, (long long)max);
	*out = json_integer_value(v);
	return true;
}

static int cmp_desc(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x < y) - (x > y);
}

static bool minutes(json_t *v, const char *key, int64_t *out, int *n, char *err, size_t errlen)
{
	if (!json_is_array(v) || json_array_size(v) > SITECFG_MAX_WARN)
		return fail(err, errlen, "'%s' must be a list of at most %d numbers of minutes",
			    key, SITECFG_MAX_WARN);
	size_t i;
	json_t *e;
	json_array_foreach (v, i, e) {
		if (!integer(e, key, 1, 1440, &out[i], err, errlen))
			return false;
		for (size_t k = 0; k < i; k++)
			if (out[k] == out[i])
				return fail(err, errlen, "'%s': %lld is listed twice", key,
					    (long long)out[i]);
	}
	*n = (int)json_array_size(v);
	qsort(out, (size_t)*n, sizeof(*out), cmp_desc);
	return true;
}

static bool ranges(json_t *v, const char *what, struct hours_day *day, char *err, size_t errlen)
{
	if (!json_is_array(v) || json_array_size(v) > HOURS_MAX_RANGES)
		return fail(err, errlen,
			    "hours: '%s' must be a list of at most %d time ranges, e.g. "
			    "[\"09:00-12:00\"]",
			    what, HOURS_MAX_RANGES);
	size_t i;
	json_t *e;
	json_array_foreach (v, i, e) {
		struct hours_range r;
		const char *s = json_string_value(e);
		if (!s || json_string_length(e) > 16 || !hours_parse_range(s, &r))
			return fail(err, errlen,
				    "hours: '%s' holds something that is not a time range: "
				    "expected \"HH:MM-HH:MM\", the start before the end",
				    what);
		if (!hours_day_add(day, r))
			return fail(err, errlen, "hours: '%s' has time ranges that overlap", what);
	}
	return true;
}

static bool date(json_t *v, struct hours *h, struct hours_exception **out, char *err, size_t errlen)
{
	const char *s = json_string_value(v);
	int64_t t;
	if (!s || json_string_length(v) != 10 || !date_parse_local(s, &t))
		return fail(err, errlen,
			    "hours: a date must be \"YYYY-MM-DD\", e.g. \"2026-12-25\"");
	int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
	for (int i = 0; i < h->n_ex; i++)
		if (h->ex[i].year == y && h->ex[i].month == m && h->ex[i].day == d)
			return fail(err, errlen, "hours: %s is listed twice (closed or special)",
				    s);
	if (h->n_ex >= HOURS_MAX_EXCEPTIONS)
		return fail(err, errlen, "hours: at most %d closed and special days in all",
			    HOURS_MAX_EXCEPTIONS);
	struct hours_exception *x = &h->ex[h->n_ex++];
	memset(x, 0, sizeof(*x));
	x->year = y;
	x->month = m;
	x->day = d;
	*out = x;
	return true;
}

static bool hours(json_t *g, struct hours *h, char *err, size_t errlen)
{
	memset(h, 0, sizeof(*h));
	if (!json_is_object(g))
		return fail(err, errlen,
			    "'hours' must be an object: {\"monday\": [\"09:00-12:00\"], ...}");
	const char *k;
	json_t *v;
	json_object_foreach (g, k, v) {
		int wd = -1;
		for (int i = 0; i < 7; i++)
			if (strcmp(k, day_names[i]) == 0)
				wd = i;
		if (wd >= 0) {
			if (!ranges(v, k, &h->week[wd], err, errlen))
				return false;
		} else if (strcmp(k, "closed") == 0) {
			if (!json_is_array(v))
				return fail(err, errlen, "hours: 'closed' must be a list of dates");
			size_t i;
			json_t *e;
			struct hours_exception *x;
			json_array_foreach (v, i, e)
				if (!date(e, h, &x, err, errlen))
					return false;
		} else if (strcmp(k, "special") == 0) {
			if (!json_is_array(v))
				return fail(err, errlen,
					    "hours: 'special' must be a list of {\"date\": "
					    "\"YYYY-MM-DD\", \"hours\": [...]}");
			size_t i;
			json_t *e;
			json_array_foreach (v, i, e) {
				json_t *d = json_object_get(e, "date"),
				       *r = json_object_get(e, "hours");
				struct hours_exception *x;
				if (!json_is_object(e) || json_object_size(e) != 2 || !d || !r)
					return fail(err, errlen,
						    "hours: each special day is exactly {\"date\": "
						    "\"YYYY-MM-DD\", \"hours\": [...]}");
				if (!date(d, h, &x, err, errlen) ||
				    !ranges(r, "special", &x->hours, err, errlen))
					return false;
				if (x->hours.n == 0)
					return fail(err, errlen,
						    "hours: a special day needs time ranges (list "
						    "a closed day in 'closed')");
			}
		} else {
			return fail(err, errlen,
				    "hours: unknown key (the days monday ... sunday, closed, "
				    "special)");
		}
	}
	if (!hours_has_range(h))
		return fail(err, errlen,
			    "'hours' has no time range on any day: the centre would never open "
			    "(unset 'hours' to keep each kiosk's own)");
	return true;
}

static bool presets(json_t *v, struct site_settings *s, char *err, size_t errlen)
{
	if (!json_is_array(v) || json_array_size(v) > SITECFG_MAX_PRESETS)
		return fail(err, errlen,
			    "'desk.presets' must be a list of at most %d {\"minutes\": N, "
			    "\"pages\": N}",
			    SITECFG_MAX_PRESETS);
	size_t i;
	json_t *e;
	json_array_foreach (v, i, e) {
		if (!json_is_object(e) || json_object_size(e) != 2)
			return fail(err, errlen,
				    "'desk.presets': each entry is {\"minutes\": N, \"pages\": N}");
		if (!integer(json_object_get(e, "minutes"), "desk.presets minutes", 1, 1440,
			     &s->presets[i].minutes, err, errlen) ||
		    !integer(json_object_get(e, "pages"), "desk.presets pages", 0, 1000,
			     &s->presets[i].pages, err, errlen))
			return false;
	}
	s->n_presets = (int)json_array_size(v);
	return true;
}

static bool rules(json_t *v, struct site_settings *s, char *err, size_t errlen)
{
	if (!json_is_array(v) || json_array_size(v) > SITECFG_MAX_RULES)
		return fail(err, errlen, "'desk.rules' must be a list of at most %d texts",
			    SITECFG_MAX_RULES);
	size_t i;
	json_t *e;
	json_array_foreach (v, i, e)
		if (!text(e, "desk.rules", 1, SITECFG_RULE_MAX, s->rules[i], err, errlen))
			return false;
	s->n_rules = (int)json_array_size(v);
	return true;
}

static bool service_ids(json_t *v, const char *key, char (*out)[SVC_ID_MAX + 1], int *n, char *err,
			size_t errlen)
{
	if (!json_is_array(v) || json_array_size(v) > SVC_MAX)
		return fail(err, errlen, "'%s' must be a list of at most %d service ids", key,
			    SVC_MAX);
	size_t i;
	json_t *e;
	json_array_foreach (v, i, e) {
		const char *id = json_string_value(e);
		if (!id || json_string_length(e) > SVC_ID_MAX ||
		    strlen(id) != json_string_length(e) || !svc_id_ok(id))
			return fail(err, errlen,
				    "'%s': each entry must be a service's id (1 to %d of a-z, 0-9 "
				    "and inner dashes), e.g. \"caf\"",
				    key, SVC_ID_MAX);
		for (size_t k = 0; k < i; k++)
			if (strcmp(out[k], id) == 0)
				return fail(err, errlen, "'%s': \"%s\" is listed twice", key, id);
		memcpy(out[i], id, strlen(id) + 1);
	}
	*n = (int)json_array_size(v);
	return true;
}

/* Is ID in S's list of key K (services or accompanied_services)? */
static bool listed(const struct site_settings *s, enum sitecfg_key k, const char *id)
{
	int n = k == SK_SERVICES ? s->n_services : s->n_accompanied;
	for (int i = 0; i < n; i++)
		if (strcmp(k == SK_SERVICES ? s->services[i] : s->accompanied[i], id) == 0)
			return true;
	return false;
}

enum svc_audience sitecfg_service_audience(const struct site_settings *s, const char *id,
					   bool accompanied_only)
{
	if (!accompanied_only && (!s || !sitecfg_has(s, SK_SERVICES) || listed(s, SK_SERVICES, id)))
		return SVC_EVERYONE;
	if (s && sitecfg_has(s, SK_ACCOMPANIED_SERVICES) && listed(s, SK_ACCOMPANIED_SERVICES, id))
		return SVC_ACCOMPANIED;
	return SVC_NOT_OFFERED;
}

/* "languages": 1 to 9 distinct codes of the nine, in the welcome screen's order. */
static bool languages(json_t *v, struct site_settings *s, char *err, size_t errlen)
{
	if (!json_is_array(v) || json_array_size(v) < 1 || json_array_size(v) > LANG_COUNT)
		return fail(err, errlen,
			    "'languages' must be a list of 1 to %d of fr, en, ar, es, pt, tr, ro, "
			    "uk, ru",
			    LANG_COUNT);
	size_t i;
	json_t *e;
	json_array_foreach (v, i, e) {
		const char *code = json_string_value(e);
		int at = code && json_string_length(e) == strlen(code) ? lang_index(code) : -1;
		if (at < 0)
			return fail(
				err, errlen,
				"'languages': each entry must be one of fr, en, ar, es, pt, tr, "
				"ro, uk, ru");
		for (size_t k = 0; k < i; k++)
			if (s->languages[k] == at)
				return fail(err, errlen, "'languages': \"%s\" is listed twice",
					    code);
		s->languages[i] = at;
	}
	s->n_languages = (int)json_array_size(v);
	return true;
}

static bool one_key(enum sitecfg_key k, json_t *v, struct site_settings *s, char *err,
		    size_t errlen)
{
	const char *name = sitecfg_keys[k];
	switch (k) {
	case SK_HOURS:
		return hours(v, &s->hours, err, errlen);
	case SK_DESK_CENTRE:
		return text(v, name, 0, SITECFG_DESK_CENTRE, s->desk_centre, err, errlen);
	case SK_DESK_PRESETS:
		return presets(v, s, err, errlen);
	case SK_DESK_RULES:
		return rules(v, s, err, errlen);
	case SK_WARN:
		return minutes(v, name, s->warn, &s->n_warn, err, errlen);
	case SK_CLOSING_WARN:
		return minutes(v, name, s->closing_warn, &s->n_closing_warn, err, errlen);
	case SK_IDLE:
		return integer(v, name, 10, 7200, &s->idle_seconds, err, errlen);
	case SK_IDLE_GRACE:
		return integer(v, name, 5, 600, &s->idle_grace_seconds, err, errlen);
	case SK_LANGUAGE: {
		const char *l = json_string_value(v);
		if (!l || !lang_find(l) || json_string_length(v) != strlen(l))
			return fail(err, errlen,
				    "'language' must be one of fr, en, ar, es, pt, tr, ro, uk, ru");
		memcpy(s->language, l, 3);
		return true;
	}
	case SK_CENTRE_NAME:
		return text(v, name, 1, SITECFG_CENTRE_NAME, s->centre_name, err, errlen);
	case SK_SERVICES:
		return service_ids(v, name, s->services, &s->n_services, err, errlen);
	case SK_ACCOMPANIED_SERVICES:
		return service_ids(v, name, s->accompanied, &s->n_accompanied, err, errlen);
	case SK_LANGUAGES:
		return languages(v, s, err, errlen);
	case SK_COUNT:
		break;
	}
	return false;
}

bool sitecfg_from_json(json_t *j, struct site_settings *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	if (!json_is_object(j))
		return fail(err, errlen, "the settings must be a JSON object");
	const char *k;
	json_t *v;
	json_object_foreach (j, k, v) {
		int key = sitecfg_key_find(k);
		if (key < 0) {
			memset(out, 0, sizeof(*out));
			return fail(err, errlen,
				    "unknown setting: the keys are hours, desk.centre, "
				    "desk.presets, desk.rules, session.warn_minutes, "
				    "session.closing_warn_minutes, session.idle_seconds, "
				    "session.idle_grace_seconds, language, centre_name, services, "
				    "accompanied_services, languages");
		}
		if (!one_key((enum sitecfg_key)key, v, out, err, errlen)) {
			memset(out, 0, sizeof(*out));
			return false;
		}
		out->set |= 1u << key;
	}
	if (sitecfg_has(out, SK_LANGUAGE) && sitecfg_has(out, SK_LANGUAGES)) {
		int at = lang_index(out->language);
		bool offered = false;
		for (int i = 0; i < out->n_languages; i++)
			offered = offered || out->languages[i] == at;
		if (!offered) {
			memset(out, 0, sizeof(*out));
			return fail(
				err, errlen,
				"'language' must be one of 'languages' (the default language is "
				"offered on the welcome screen)");
		}
	}
	return true;
}

static json_t *ranges_json(const struct hours_day *d)
{
	json_t *a = json_array();
	for (int i = 0; i < d->n; i++) {
		char b[48];
		snprintf(b, sizeof(b), "%02d:%02d-%02d:%02d", d->r[i].start / 60 % 100,
			 d->r[i].start % 60, d->r[i].end / 60 % 100, d->r[i].end % 60);
		json_array_append_new(a, json_string(b));
	}
	return a;
}

static json_t *hours_json(const struct hours *h)
{
	json_t *o = json_object(), *closed = json_array(), *special = json_array();
	for (int wd = 0; wd < 7; wd++)
		if (h->week[wd].n > 0)
			json_object_set_new(o, day_names[wd], ranges_json(&h->week[wd]));
	for (int i = 0; i < h->n_ex; i++) {
		const struct hours_exception *x = &h->ex[i];
		char d[48];
		snprintf(d, sizeof(d), "%04d-%02d-%02d", x->year % 10000, x->month % 100,
			 x->day % 100);
		if (x->hours.n == 0)
			json_array_append_new(closed, json_string(d));
		else
			json_array_append_new(special, json_pack("{ss so}", "date", d, "hours",
								 ranges_json(&x->hours)));
	}
	if (json_array_size(closed))
		json_object_set(o, "closed", closed);
	if (json_array_size(special))
		json_object_set(o, "special", special);
	json_decref(closed);
	json_decref(special);
	return o;
}

static json_t *ints_json(const int64_t *v, int n)
{
	json_t *a = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(a, json_integer(v[i]));
	return a;
}

json_t *sitecfg_to_json(const struct site_settings *s)
{
	json_t *o = json_object();
	for (int k = 0; k < SK_COUNT; k++) {
		if (!sitecfg_has(s, (enum sitecfg_key)k))
			continue;
		json_t *v = NULL;
		switch ((enum sitecfg_key)k) {
		case SK_HOURS:
			v = hours_json(&s->hours);
			break;
		case SK_DESK_CENTRE:
			v = json_string(s->desk_centre);
			break;
		case SK_DESK_PRESETS:
			v = json_array();
			for (int i = 0; i < s->n_presets; i++)
				json_array_append_new(
					v, json_pack("{sI sI}", "minutes",
						     (json_int_t)s->presets[i].minutes, "pages",
						     (json_int_t)s->presets[i].pages));
			break;
		case SK_DESK_RULES:
			v = json_array();
			for (int i = 0; i < s->n_rules; i++)
				json_array_append_new(v, json_string(s->rules[i]));
			break;
		case SK_WARN:
			v = ints_json(s->warn, s->n_warn);
			break;
		case SK_CLOSING_WARN:
			v = ints_json(s->closing_warn, s->n_closing_warn);
			break;
		case SK_IDLE:
			v = json_integer(s->idle_seconds);
			break;
		case SK_IDLE_GRACE:
			v = json_integer(s->idle_grace_seconds);
			break;
		case SK_LANGUAGE:
			v = json_string(s->language);
			break;
		case SK_CENTRE_NAME:
			v = json_string(s->centre_name);
			break;
		case SK_SERVICES:
			v = json_array();
			for (int i = 0; i < s->n_services; i++)
				json_array_append_new(v, json_string(s->services[i]));
			break;
		case SK_ACCOMPANIED_SERVICES:
			v = json_array();
			for (int i = 0; i < s->n_accompanied; i++)
				json_array_append_new(v, json_string(s->accompanied[i]));
			break;
		case SK_LANGUAGES:
			v = json_array();
			for (int i = 0; i < s->n_languages; i++)
				json_array_append_new(v,
						      json_string(lang_at(s->languages[i])->code));
			break;
		case SK_COUNT:
			break;
		}
		json_object_set_new(o, sitecfg_keys[k], v);
	}
	return o;
}

bool sitecfg_answer_from_json(json_t *j, int64_t *version, struct site_settings *out, char *err,
			      size_t errlen)
{
	memset(out, 0, sizeof(*out));
	json_t *v = json_object_get(j, "version"), *s = json_object_get(j, "settings");
	if (!json_is_object(j) || json_object_size(j) != 2 || !json_is_integer(v) ||
	    json_integer_value(v) < 0 || !s)
		return fail(err, errlen,
			    "the settings answer must be {\"version\": N, \"settings\": {...}}");
	*version = json_integer_value(v);
	return sitecfg_from_json(s, out, err, errlen);
}
