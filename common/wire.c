/* wire: the words and messages between escale's programs (see wire.h). */
#include "wire.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static const char *const state_words[] = {"closed", "login", "session", "locked", "ending"};
_Static_assert(ARRAY_LEN(state_words) == WIRE_STATE_COUNT, "a kiosk state without its word");

static const char *const reason_words[] = {"user",    "expired", "idle",   "closing", "staff",
					   "browser", "restart", "locked", "error"};
_Static_assert(ARRAY_LEN(reason_words) == WIRE_END_COUNT, "an end reason without its word");

static const char *const refusal_words[] = {"code_unknown",  "code_expired", "code_used_up",
					    "code_revoked",  "code_in_use",  "rate_limited",
					    "kiosk_refused", "error",        "bad_login",
					    "not_mediator",  "wrong_site",   "offline"};
_Static_assert(ARRAY_LEN(refusal_words) == WIRE_REFUSED_COUNT, "a refusal without its word");

static const char *const code_state_words[] = {"active", "expired", "used_up", "revoked"};
_Static_assert(ARRAY_LEN(code_state_words) == WIRE_CODE_STATE_COUNT,
	       "a code state without its word");

static const char *const cmd_words[] = {"end_session", "add_time",    "message",
					"lock",        "unlock",      "print",
					"unpause",     "help_coming", "help_clear"};
_Static_assert(ARRAY_LEN(cmd_words) == WIRE_CMD_COUNT, "a command without its word");

static const char *const help_words[] = {"none", "asked", "coming"};
_Static_assert(ARRAY_LEN(help_words) == WIRE_HELP_COUNT, "a help state without its word");

static const char *const event_words[] = {"session_open", "session_progress", "session_end"};
_Static_assert(ARRAY_LEN(event_words) == WIRE_EV_COUNT, "an event without its word");

static const char *const msg_words[] = {"login",  "state",     "end",      "ack",     "accompany",
					"hello",  "login",     "online",   "session", "cmd",
					"synced", "restarted", "services", "settings"};
_Static_assert(ARRAY_LEN(msg_words) == WIRE_MSG_COUNT, "a message without its word");

static const char *word(const char *const *words, size_t n, int v)
{
	return v >= 0 && (size_t)v < n ? words[v] : NULL;
}

static bool parse(const char *const *words, size_t n, const char *s, int *out)
{
	for (size_t i = 0; s && i < n; i++) {
		if (strcmp(s, words[i]) == 0) {
			*out = (int)i;
			return true;
		}
	}
	return false;
}

#define WORDS(name, type, table)                              \
	const char *wire_##name##_word(type v)                \
	{                                                     \
		return word(table, ARRAY_LEN(table), (int)v); \
	}                                                     \
	bool wire_##name##_parse(const char *s, type *out)    \
	{                                                     \
		int v;                                        \
		if (!parse(table, ARRAY_LEN(table), s, &v))   \
			return false;                         \
		*out = (type)v;                               \
		return true;                                  \
	}

WORDS(state, enum wire_state, state_words)
WORDS(reason, enum wire_reason, reason_words)
WORDS(refusal, enum wire_refusal, refusal_words)
WORDS(code_state, enum wire_code_state, code_state_words)
WORDS(cmd, enum wire_cmd, cmd_words)
WORDS(event, enum wire_event, event_words)
WORDS(help, enum wire_help, help_words)

bool wire_code_state_refusal(enum wire_code_state v, enum wire_refusal *out)
{
	switch (v) {
	case WIRE_CODE_EXPIRED:
		*out = WIRE_REFUSED_EXPIRED;
		return true;
	case WIRE_CODE_USED_UP:
		*out = WIRE_REFUSED_USED_UP;
		return true;
	case WIRE_CODE_REVOKED:
		*out = WIRE_REFUSED_REVOKED;
		return true;
	default:
		return false;
	}
}

const char *wire_msg_word(enum wire_msg_type t)
{
	return word(msg_words, ARRAY_LEN(msg_words), (int)t);
}

/* ---- emit ---- */

static bool session_ok(const char *s, bool may_be_empty)
{
	size_t n = strlen(s);
	if (n == 0)
		return may_be_empty;
	if (n != WIRE_SESSION_LEN)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static void set_int(json_t *o, const char *key, int64_t v)
{
	json_object_set_new(o, key, json_integer((json_int_t)v));
}

/* A string field; false when S is not valid UTF-8 (jansson refuses it). */
static bool set_str(json_t *o, const char *key, const char *s)
{
	json_t *v = s ? json_string(s) : NULL;
	if (!v)
		return false;
	json_object_set_new(o, key, v);
	return true;
}

json_t *wire_msg_encode(const struct wire_msg *m)
{
	const char *t = wire_msg_word(m->type);
	if (!t)
		return NULL;
	json_t *o = json_pack("{ss}", "t", t);
	bool ok = true;
	switch (m->type) {
	case WIRE_MSG_LOGIN:
		ok = m->code[0] != '\0';
		ok = set_str(o, "code", m->code) && ok;
		break;
	case WIRE_MSG_ACCOMPANY:
		ok = m->by[0] != '\0' && m->password[0] != '\0';
		ok = set_str(o, "name", m->by) && ok;
		ok = set_str(o, "password", m->password) && ok;
		break;
	case WIRE_MSG_STATE:
		ok = wire_state_word(m->state) && session_ok(m->session, true);
		if (ok) {
			ok = set_str(o, "state", wire_state_word(m->state)) && ok;
			json_object_set_new(o, "session",
					    m->session[0] ? json_string(m->session) : json_null());
		}
		set_int(o, "seconds_used", m->seconds_used);
		set_int(o, "pages_used", m->pages_used);
		ok = wire_help_word(m->help) && set_str(o, "help", wire_help_word(m->help)) && ok;
		set_int(o, "help_at", m->help_at);
		if (m->pages_scanned > 0)
			set_int(o, "pages_scanned", m->pages_scanned);
		if (m->files_copied > 0)
			set_int(o, "files_copied", m->files_copied);
		break;
	case WIRE_MSG_END:
		ok = session_ok(m->session, false) && wire_reason_word(m->reason);
		if (ok) {
			ok = set_str(o, "session", m->session) && ok;
			ok = set_str(o, "reason", wire_reason_word(m->reason)) && ok;
		}
		set_int(o, "seconds_used", m->seconds_used);
		set_int(o, "pages_used", m->pages_used);
		break;
	case WIRE_MSG_ACK:
		set_int(o, "id", m->id);
		break;
	case WIRE_MSG_HELLO:
	case WIRE_MSG_ONLINE:
		json_object_set_new(o, "online", json_boolean(m->online));
		break;
	case WIRE_MSG_LOGIN_REPLY:
		json_object_set_new(o, "ok", json_boolean(m->ok));
		if (m->ok) {
			ok = session_ok(m->session, false);
			ok = set_str(o, "session", m->session) && ok;
			set_int(o, "seconds_left", m->seconds_left);
			set_int(o, "pages_left", m->pages_left);
			json_object_set_new(o, "offline", json_boolean(m->offline));
			if (m->by[0])
				ok = set_str(o, "accompanied_by", m->by) && ok;
		} else {
			ok = wire_refusal_word(m->refusal) != NULL;
			if (ok)
				ok = set_str(o, "error", wire_refusal_word(m->refusal)) && ok;
			set_int(o, "retry_after", m->retry_after);
			set_int(o, "tries_left", m->tries_left);
		}
		break;
	case WIRE_MSG_SESSION:
		ok = session_ok(m->session, false) &&
		     (!m->has_reason || wire_reason_word(m->reason));
		ok = set_str(o, "session", m->session) && ok;
		json_object_set_new(o, "active", json_boolean(m->active));
		set_int(o, "seconds_left", m->seconds_left);
		set_int(o, "pages_left", m->pages_left);
		json_object_set_new(o, "end_reason",
				    m->has_reason && ok ? json_string(wire_reason_word(m->reason))
							: json_null());
		break;
	case WIRE_MSG_CMD:
		ok = wire_cmd_word(m->cmd) && session_ok(m->session, true);
		if (ok)
			ok = set_str(o, "type", wire_cmd_word(m->cmd)) && ok;
		set_int(o, "id", m->id);
		if (m->session[0])
			ok = set_str(o, "session", m->session) && ok;
		if (m->cmd == WIRE_CMD_ADD_TIME)
			set_int(o, "seconds", m->seconds);
		if (m->cmd == WIRE_CMD_MESSAGE || m->cmd == WIRE_CMD_LOCK)
			ok = set_str(o, "text", m->text) && ok;
		if (m->cmd == WIRE_CMD_PRINT) {
			ok = set_str(o, "event", m->event) && ok;
			set_int(o, "pages", m->pages);
			set_int(o, "pages_left", m->pages_left);
		}
		break;
	case WIRE_MSG_SYNCED:
		set_int(o, "cursor", m->cursor);
		break;
	case WIRE_MSG_RESTARTED:
		ok = session_ok(m->session, false);
		ok = set_str(o, "session", m->session) && ok;
		set_int(o, "seconds_used", m->seconds_used);
		break;
	case WIRE_MSG_SERVICES: {
		char why[200];
		json_t *arr = NULL;
		ok = m->services && m->services->version >= 0 && m->services->n >= 0 &&
		     m->services->n <= SVC_MAX &&
		     svc_check_list(m->services->s, m->services->n, why, sizeof(why));
		for (int i = 0; ok && i < m->services->n; i++)
			ok = svc_check(&m->services->s[i], why, sizeof(why));
		if (ok)
			arr = svc_list_to_json(m->services->s, m->services->n, false);
		ok = arr != NULL;
		if (ok) {
			set_int(o, "version", m->services->version);
			json_object_set_new(o, "services", arr);
		}
		break;
	}
	case WIRE_MSG_SETTINGS:
		ok = m->settings && m->settings_version >= 0;
		if (ok) {
			set_int(o, "version", m->settings_version);
			json_object_set_new(o, "settings", sitecfg_to_json(m->settings));
		}
		break;
	default:
		ok = false;
	}
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* ---- parse ---- */

struct dec {
	const json_t *j;
	char *err;
	size_t errlen;
	bool ok;
	size_t used; /* keys read: any other key is an error */
};

static void fail(struct dec *d, const char *fmt, ...)
{
	if (!d->ok)
		return;
	d->ok = false;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(d->err, d->errlen, fmt, ap);
	va_end(ap);
}

static const json_t *field(struct dec *d, const char *key, bool required)
{
	const json_t *v = json_object_get(d->j, key);
	if (v)
		d->used++;
	else if (required)
		fail(d, "'%s' is missing", key);
	return v;
}

static void get_int(struct dec *d, const char *key, bool required, int64_t min, int64_t max,
		    int64_t *out)
{
	const json_t *v = field(d, key, required);
	if (!v)
		return;
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
		fail(d, "'%s' is not a whole number from %lld to %lld", key, (long long)min,
		     (long long)max);
	else
		*out = (int64_t)json_integer_value(v);
}

static void get_bool(struct dec *d, const char *key, bool required, bool *out)
{
	const json_t *v = field(d, key, required);
	if (!v)
		return;
	if (!json_is_boolean(v))
		fail(d, "'%s' is not true or false", key);
	else
		*out = json_is_true(v);
}

/* A string of at most CAP - 1 bytes of valid UTF-8 without control characters. */
static const char *get_str(struct dec *d, const char *key, bool required, char *out, size_t cap)
{
	const json_t *v = field(d, key, required);
	if (!v)
		return NULL;
	const char *s = json_string_value(v);
	size_t n = s ? json_string_length(v) : 0;
	if (!s || n >= cap || strlen(s) != n || !utf8_valid_text(s, n)) {
		fail(d, "'%s' is not a text of at most %zu bytes", key, cap - 1);
		return NULL;
	}
	memcpy(out, s, n + 1);
	return out;
}

static void get_session(struct dec *d, const char *key, bool required, bool may_be_null, char *out)
{
	const json_t *v = json_object_get(d->j, key);
	if (may_be_null && json_is_null(v)) {
		d->used++;
		out[0] = '\0';
		return;
	}
	if (get_str(d, key, required, out, WIRE_SESSION_LEN + 1) && !session_ok(out, false))
		fail(d, "'%s' is not a session id (32 lower-case hex digits)", key);
}

#define GET_WORD(d, key, required, kind, out)                                                   \
	do {                                                                                    \
		char w_[WIRE_WORD_MAX + 1];                                                     \
		if (get_str(d, key, required, w_, sizeof(w_)) && !wire_##kind##_parse(w_, out)) \
			fail(d, "'%s': unknown word '%s'", key, w_);                            \
	} while (0)

bool wire_msg_decode(const json_t *j, enum wire_dir dir, struct wire_msg *m, char *err,
		     size_t errlen)
{
	memset(m, 0, sizeof(*m));
	struct dec d = {j, err, errlen, true, 0};
	if (!json_is_object(j)) {
		fail(&d, "not a JSON object");
		return false;
	}
	char t[WIRE_WORD_MAX + 1];
	if (!get_str(&d, "t", true, t, sizeof(t)))
		return false;
	int type = -1;
	for (int i = 0; i < WIRE_MSG_COUNT; i++) {
		bool to_net = i <= WIRE_MSG_ACCOMPANY;
		if ((dir == WIRE_TO_NET) == to_net && strcmp(t, msg_words[i]) == 0)
			type = i;
	}
	if (type < 0) {
		fail(&d, "unknown message '%s'", t);
		return false;
	}
	m->type = (enum wire_msg_type)type;
	switch (m->type) {
	case WIRE_MSG_LOGIN:
		get_str(&d, "code", true, m->code, sizeof(m->code));
		if (d.ok && !m->code[0])
			fail(&d, "'code' is empty");
		break;
	case WIRE_MSG_ACCOMPANY:
		get_str(&d, "name", true, m->by, sizeof(m->by));
		get_str(&d, "password", true, m->password, sizeof(m->password));
		if (d.ok && (!m->by[0] || !m->password[0]))
			fail(&d, "'name' or 'password' is empty");
		break;
	case WIRE_MSG_STATE:
		GET_WORD(&d, "state", true, state, &m->state);
		get_session(&d, "session", true, true, m->session);
		get_int(&d, "seconds_used", true, 0, WIRE_SECONDS_MAX, &m->seconds_used);
		get_int(&d, "pages_used", true, 0, WIRE_PAGES_MAX, &m->pages_used);
		GET_WORD(&d, "help", false, help, &m->help);
		get_int(&d, "help_at", false, 0, INT64_MAX, &m->help_at);
		get_int(&d, "pages_scanned", false, 0, WIRE_PAGES_MAX, &m->pages_scanned);
		get_int(&d, "files_copied", false, 0, WIRE_PAGES_MAX, &m->files_copied);
		break;
	case WIRE_MSG_END:
		get_session(&d, "session", true, false, m->session);
		GET_WORD(&d, "reason", true, reason, &m->reason);
		get_int(&d, "seconds_used", true, 0, WIRE_SECONDS_MAX, &m->seconds_used);
		get_int(&d, "pages_used", true, 0, WIRE_PAGES_MAX, &m->pages_used);
		break;
	case WIRE_MSG_ACK:
		get_int(&d, "id", true, 1, INT64_MAX, &m->id);
		break;
	case WIRE_MSG_HELLO:
	case WIRE_MSG_ONLINE:
		get_bool(&d, "online", true, &m->online);
		break;
	case WIRE_MSG_LOGIN_REPLY:
		get_bool(&d, "ok", true, &m->ok);
		if (!d.ok)
			break;
		if (m->ok) {
			get_session(&d, "session", true, false, m->session);
			get_int(&d, "seconds_left", true, 0, WIRE_SECONDS_MAX, &m->seconds_left);
			get_int(&d, "pages_left", true, 0, WIRE_PAGES_MAX, &m->pages_left);
			get_bool(&d, "offline", true, &m->offline);
			if (get_str(&d, "accompanied_by", false, m->by, sizeof(m->by)) && !m->by[0])
				fail(&d, "'accompanied_by' is empty");
		} else {
			GET_WORD(&d, "error", true, refusal, &m->refusal);
			get_int(&d, "retry_after", false, 0, 86400, &m->retry_after);
			get_int(&d, "tries_left", false, 0, WIRE_TRIES_MAX, &m->tries_left);
		}
		break;
	case WIRE_MSG_SESSION: {
		get_session(&d, "session", true, false, m->session);
		get_bool(&d, "active", true, &m->active);
		get_int(&d, "seconds_left", true, 0, WIRE_SECONDS_MAX, &m->seconds_left);
		get_int(&d, "pages_left", true, 0, WIRE_PAGES_MAX, &m->pages_left);
		const json_t *r = json_object_get(j, "end_reason");
		if (json_is_null(r)) {
			d.used++;
		} else if (r) {
			GET_WORD(&d, "end_reason", true, reason, &m->reason);
			m->has_reason = d.ok;
		}
		break;
	}
	case WIRE_MSG_CMD:
		get_int(&d, "id", true, 1, INT64_MAX, &m->id);
		GET_WORD(&d, "type", true, cmd, &m->cmd);
		if (!d.ok)
			break;
		get_session(&d, "session",
			    m->cmd == WIRE_CMD_END_SESSION || m->cmd == WIRE_CMD_ADD_TIME ||
				    m->cmd == WIRE_CMD_PRINT,
			    false, m->session);
		if (m->cmd == WIRE_CMD_ADD_TIME)
			get_int(&d, "seconds", true, 1, WIRE_SECONDS_MAX, &m->seconds);
		if (m->cmd == WIRE_CMD_MESSAGE || m->cmd == WIRE_CMD_LOCK)
			get_str(&d, "text", true, m->text, sizeof(m->text));
		if (m->cmd == WIRE_CMD_PRINT) {
			get_str(&d, "event", true, m->event, sizeof(m->event));
			get_int(&d, "pages", true, 0, WIRE_PAGES_MAX, &m->pages);
			get_int(&d, "pages_left", true, 0, WIRE_PAGES_MAX, &m->pages_left);
		}
		break;
	case WIRE_MSG_SYNCED:
		get_int(&d, "cursor", true, 0, INT64_MAX, &m->cursor);
		break;
	case WIRE_MSG_RESTARTED:
		get_session(&d, "session", true, false, m->session);
		get_int(&d, "seconds_used", true, 0, WIRE_SECONDS_MAX, &m->seconds_used);
		break;
	case WIRE_MSG_SERVICES: {
		int64_t version = -1;
		get_int(&d, "version", true, 0, INT64_MAX, &version);
		const json_t *arr = field(&d, "services", true);
		if (!d.ok)
			break;
		struct svc_list *l = xcalloc(1, sizeof(*l));
		char why[200];
		if (!svc_list_from_json(arr, false, l, why, sizeof(why))) {
			fail(&d, "'services': %s", why);
			free(l);
			break;
		}
		l->version = version;
		m->services = l;
		break;
	}
	case WIRE_MSG_SETTINGS: {
		get_int(&d, "version", true, 0, INT64_MAX, &m->settings_version);
		const json_t *obj = field(&d, "settings", true);
		if (!d.ok)
			break;
		struct site_settings *s = xcalloc(1, sizeof(*s));
		char why[300];
		if (!sitecfg_from_json((json_t *)obj, s, why, sizeof(why))) {
			fail(&d, "'settings': %s", why);
			free(s);
			break;
		}
		m->settings = s;
		break;
	}
	default:
		break;
	}
	if (d.ok && d.used != json_object_size(j))
		fail(&d, "'%s' message with a field it does not have", t);
	if (!d.ok)
		wire_msg_clear(m);
	return d.ok;
}

void wire_msg_clear(struct wire_msg *m)
{
	svc_list_free(m->services);
	m->services = NULL;
	free(m->settings);
	m->settings = NULL;
}
