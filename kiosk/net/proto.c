/* proto: escale-admind's answers to the kiosk, checked (see proto.h). */
#include "proto.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "util.h"

static bool get_int(const json_t *j, const char *k, int64_t lo, int64_t hi, int64_t *out)
{
	json_t *v = json_object_get(j, k);
	if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
		return false;
	*out = json_integer_value(v);
	return true;
}

static const char *get_str(const json_t *j, const char *k, size_t maxlen)
{
	json_t *v = json_object_get(j, k);
	if (!json_is_string(v) || json_string_length(v) > maxlen)
		return NULL;
	return json_string_value(v);
}

/* Exactly N bytes of hex, copied lower-case into OUT (2n+1). */
static bool hex_field(const json_t *j, const char *k, size_t n, char *out)
{
	const char *s = get_str(j, k, 2 * n);
	uint8_t raw[64];
	if (!s || n > sizeof(raw) || !hex_decode(s, raw, n))
		return false;
	hex_encode(raw, n, out);
	return true;
}

#define TIME_MAX     INT64_C(253402300799) /* 9999-12-31 */
#define BUDGET_MAX   INT64_C(3153600000)   /* a century of seconds */
#define MSG_TEXT_MAX 2000                  /* admind allows 500 */

/* "accompanied_by": absent or null for a resident's session, else a name of 1 to
 * WIRE_NAME_MAX bytes of UTF-8 text without control characters. */
static bool accompanied_by(const json_t *j, char out[WIRE_NAME_MAX + 1])
{
	const json_t *v = json_object_get(j, "accompanied_by");
	out[0] = '\0';
	if (!v || json_is_null(v))
		return true;
	const char *s = get_str(j, "accompanied_by", WIRE_NAME_MAX);
	size_t n = s ? strlen(s) : 0;
	if (!s || n == 0 || n != json_string_length(v) || !utf8_valid_text(s, n) || strchr(s, '\t'))
		return false;
	memcpy(out, s, n + 1);
	return true;
}

bool proto_login_ok(const json_t *j, struct login_ok *out)
{
	return accompanied_by(j, out->by) &&
	       hex_field(j, "session", KC_SESSION_HEX / 2, out->session) &&
	       get_int(j, "seconds_left", 0, BUDGET_MAX, &out->seconds_left) &&
	       get_int(j, "pages_left", 0, BUDGET_MAX, &out->pages_left) &&
	       get_int(j, "valid_until", 0, TIME_MAX, &out->valid_until);
}

#define WHY(...) (snprintf(why, whylen, __VA_ARGS__), false)

static bool code_entry(const json_t *c, struct kc_code *out)
{
	const char *state = get_str(c, "state", 16);
	return json_is_object(c) && hex_field(c, "verifier", KC_VERIFIER_HEX / 2, out->verifier) &&
	       state && kcache_state_parse(state, &out->state) &&
	       get_int(c, "seconds_left", 0, BUDGET_MAX, &out->seconds_left) &&
	       get_int(c, "pages_left", 0, BUDGET_MAX, &out->pages_left) &&
	       get_int(c, "valid_until", 0, TIME_MAX, &out->valid_until);
}

bool proto_codes(const json_t *j, struct codes_answer *out, char *why, size_t whylen)
{
	memset(out, 0, sizeof(*out));
	char salt[KC_SALT_LEN * 2 + 1];
	json_t *full = json_object_get(j, "full"), *codes = json_object_get(j, "codes");
	if (!get_int(j, "cursor", 0, INT64_MAX, &out->meta.cursor))
		return WHY("'cursor' is not a cursor");
	if (!json_is_boolean(full))
		return WHY("'full' is not a boolean");
	if (!hex_field(j, "salt", KC_SALT_LEN, salt))
		return WHY("'salt' is not %d bytes of hex", KC_SALT_LEN);
	hex_decode(salt, out->meta.salt, KC_SALT_LEN);
	if (!get_int(j, "opslimit", crypto_pwhash_OPSLIMIT_MIN, KC_OPSLIMIT_MAX,
		     &out->meta.opslimit))
		return WHY("'opslimit' is not within %d..%d", (int)crypto_pwhash_OPSLIMIT_MIN,
			   KC_OPSLIMIT_MAX);
	if (!get_int(j, "memlimit", crypto_pwhash_MEMLIMIT_MIN, KC_MEMLIMIT_MAX,
		     &out->meta.memlimit))
		return WHY("'memlimit' is not within %d..%lld", (int)crypto_pwhash_MEMLIMIT_MIN,
			   (long long)KC_MEMLIMIT_MAX);
	if (!json_is_array(codes))
		return WHY("'codes' is not an array");
	out->full = json_is_true(full);
	out->n = json_array_size(codes);
	out->codes = xcalloc(out->n ? out->n : 1, sizeof(*out->codes));
	for (size_t i = 0; i < out->n; i++)
		if (!code_entry(json_array_get(codes, i), &out->codes[i])) {
			free(out->codes);
			out->codes = NULL;
			return WHY("code %zu is malformed", i);
		}
	return true;
}

static bool event_word(const char *s)
{
	return s && *s && strspn(s, "abcdefghijklmnopqrstuvwxyz_") == strlen(s);
}

/* admind's view of the session as the kiosk gets it; false when it fails the checks. */
static bool session_msg(const json_t *s, struct wire_msg *m)
{
	int64_t sl, pl;
	json_t *active = json_object_get(s, "active"), *reason = json_object_get(s, "end_reason");
	memset(m, 0, sizeof(*m));
	m->type = WIRE_MSG_SESSION;
	if (!json_is_object(s) || !hex_field(s, "id", KC_SESSION_HEX / 2, m->session) ||
	    !json_is_boolean(active) || !get_int(s, "seconds_left", 0, WIRE_SECONDS_MAX, &sl) ||
	    !get_int(s, "pages_left", 0, WIRE_PAGES_MAX, &pl))
		return false;
	m->active = json_is_true(active);
	m->seconds_left = sl;
	m->pages_left = pl;
	if (reason && !json_is_null(reason)) {
		if (!wire_reason_parse(json_string_value(reason), &m->reason))
			return false;
		m->has_reason = true;
	}
	return true;
}

/* One command as the kiosk gets it; false when it fails the checks. */
static bool cmd_msg(const json_t *c, struct wire_msg *m)
{
	int64_t id, seconds;
	memset(m, 0, sizeof(*m));
	m->type = WIRE_MSG_CMD;
	if (!json_is_object(c) || !get_int(c, "id", 1, INT64_MAX, &id) ||
	    !wire_cmd_parse(get_str(c, "type", WIRE_WORD_MAX), &m->cmd))
		return false;
	m->id = id;
	enum wire_cmd t = m->cmd;
	if ((t == WIRE_CMD_END_SESSION || t == WIRE_CMD_ADD_TIME || t == WIRE_CMD_PRINT) &&
	    !hex_field(c, "session", KC_SESSION_HEX / 2, m->session))
		return false;
	if (t == WIRE_CMD_ADD_TIME) {
		if (!get_int(c, "seconds", 1, KC_SECONDS_MAX, &seconds))
			return false;
		m->seconds = seconds;
	}
	if (t == WIRE_CMD_MESSAGE || t == WIRE_CMD_LOCK) {
		json_t *v = json_object_get(c, "text");
		const char *text = json_is_null(v) || !v ? "" : get_str(c, "text", MSG_TEXT_MAX);
		if (!text || !utf8_valid_text(text, strlen(text)))
			return false;
		snprintf(m->text, sizeof(m->text), "%s", text);
	}
	if (t == WIRE_CMD_PRINT) { /* an event word, the pages it is about, the pages left */
		const char *event = get_str(c, "event", WIRE_WORD_MAX);
		if (!event_word(event) || !get_int(c, "pages", 0, WIRE_PAGES_MAX, &m->pages) ||
		    !get_int(c, "pages_left", 0, WIRE_PAGES_MAX, &m->pages_left))
			return false;
		snprintf(m->event, sizeof(m->event), "%s", event);
	}
	return true;
}

bool proto_heartbeat(const json_t *j, struct hb_answer *out, char *why, size_t whylen)
{
	memset(out, 0, sizeof(*out));
	json_t *hs = json_object_get(j, "heartbeat_seconds"), *sess = json_object_get(j, "session");
	json_t *cmds = json_object_get(j, "commands");
	int64_t now;
	if (!get_int(j, "now", 0, TIME_MAX, &now))
		return WHY("'now' is not a time");
	if (hs && !get_int(j, "heartbeat_seconds", 1, 86400, &out->heartbeat_seconds))
		return WHY("'heartbeat_seconds' is not a number of seconds");
	if (!json_is_array(cmds))
		return WHY("'commands' is not an array");
	if (!sess)
		return WHY("'session' is missing");
	if (!json_is_null(sess)) {
		if (!session_msg(sess, &out->session))
			return WHY("'session' is malformed");
		out->has_session = true;
	}
	size_t i;
	json_t *c;
	out->cmds = xcalloc(json_array_size(cmds) ? json_array_size(cmds) : 1, sizeof(*out->cmds));
	json_array_foreach (cmds, i, c) {
		if (cmd_msg(c, &out->cmds[out->n_cmds]))
			out->n_cmds++;
		else
			log_warnx("heartbeat: command %zu left out: unknown type or bad fields", i);
	}
	return true;
}

bool proto_events(const json_t *j, const json_t *sent, const char **ids, size_t *n, char *why,
		  size_t whylen)
{
	json_t *results = json_object_get(j, "results");
	*n = 0;
	if (!json_is_array(results))
		return WHY("'results' is not an array");
	size_t i;
	json_t *r;
	json_array_foreach (results, i, r) {
		const char *id = get_str(r, "id", 64), *status = get_str(r, "status", 16);
		if (!id || !status)
			continue;
		bool have = strcmp(status, "applied") == 0 || strcmp(status, "duplicate") == 0 ||
			    strcmp(status, "ignored") == 0;
		if (!have)
			continue;
		size_t k;
		json_t *ev;
		json_array_foreach (sent, k, ev) {
			const char *sid = json_string_value(json_object_get(ev, "id"));
			if (!sid || strcmp(sid, id) != 0)
				continue;
			bool dup = false;
			for (size_t d = 0; d < *n; d++)
				dup = dup || ids[d] == sid;
			if (!dup && *n < json_array_size(sent))
				ids[(*n)++] = sid;
			if (strcmp(status, "ignored") == 0) {
				const char *reason = get_str(r, "reason", 64);
				log_warnx("admind ignored event %s (%s): %s", id,
					  json_string_value(json_object_get(ev, "type")),
					  reason && utf8_valid_text(reason, strlen(reason))
						  ? reason
						  : "no reason given");
			}
			break;
		}
	}
	return true;
}
