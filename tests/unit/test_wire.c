/* test_wire: every word of common/wire.h parses back to its value and no two are alike;
 * every IPC message survives emit then parse in its direction and nowhere else; hostile
 * messages (unknown words, missing, extra or mistyped fields, long or invalid texts, numbers
 * out of range) are refused with a reason. */
#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "util.h"
#include "wire.h"

#define SID "0123456789abcdef0123456789abcdef"

#define CHECK_WORDS(kind, type, count)                                               \
	do {                                                                         \
		for (int i = 0; i < (count); i++) {                                  \
			const char *w = wire_##kind##_word((type)i);                 \
			type back;                                                   \
			CHECK(w &&*w);                                               \
			CHECK(w &&wire_##kind##_parse(w, &back) && back == (type)i); \
			for (int k = 0; k < i; k++)                                  \
				CHECK(strcmp(w, wire_##kind##_word((type)k)) != 0);  \
		}                                                                    \
		type none;                                                           \
		CHECK(wire_##kind##_word((type)(count)) == NULL);                    \
		CHECK(!wire_##kind##_parse("", &none));                              \
		CHECK(!wire_##kind##_parse(NULL, &none));                            \
		CHECK(!wire_##kind##_parse("nonsense", &none));                      \
	} while (0)

static void test_words(void)
{
	CHECK_WORDS(state, enum wire_state, WIRE_STATE_COUNT);
	CHECK_WORDS(reason, enum wire_reason, WIRE_END_COUNT);
	CHECK_WORDS(refusal, enum wire_refusal, WIRE_REFUSED_COUNT);
	CHECK_WORDS(code_state, enum wire_code_state, WIRE_CODE_STATE_COUNT);
	CHECK_WORDS(cmd, enum wire_cmd, WIRE_CMD_COUNT);
	CHECK_WORDS(event, enum wire_event, WIRE_EV_COUNT);
	/* The words of the API (docs/API.md): a change here changes the protocol. */
	CHECK(strcmp(wire_state_word(WIRE_STATE_SESSION), "session") == 0);
	CHECK(strcmp(wire_reason_word(WIRE_END_CLOSING), "closing") == 0);
	CHECK(strcmp(wire_refusal_word(WIRE_REFUSED_IN_USE), "code_in_use") == 0);
	CHECK(strcmp(wire_refusal_word(WIRE_REFUSED_KIOSK), "kiosk_refused") == 0);
	CHECK(strcmp(wire_code_state_word(WIRE_CODE_USED_UP), "used_up") == 0);
	CHECK(strcmp(wire_cmd_word(WIRE_CMD_ADD_TIME), "add_time") == 0);
	CHECK(strcmp(wire_event_word(WIRE_EV_SESSION_PROGRESS), "session_progress") == 0);
	/* A code's state and the refusal it earns. */
	enum wire_refusal r;
	CHECK(!wire_code_state_refusal(WIRE_CODE_ACTIVE, &r));
	CHECK(wire_code_state_refusal(WIRE_CODE_EXPIRED, &r) && r == WIRE_REFUSED_EXPIRED);
	CHECK(wire_code_state_refusal(WIRE_CODE_USED_UP, &r) && r == WIRE_REFUSED_USED_UP);
	CHECK(wire_code_state_refusal(WIRE_CODE_REVOKED, &r) && r == WIRE_REFUSED_REVOKED);
}

static bool round_trip(const struct wire_msg *m, enum wire_dir dir)
{
	json_t *j = wire_msg_encode(m);
	if (!j)
		return false;
	struct wire_msg back;
	char err[128] = "";
	bool ok = wire_msg_decode(j, dir, &back, err, sizeof(err));
	if (!ok)
		fprintf(stderr, "decode: %s\n", err);
	/* Not in the other direction. */
	struct wire_msg other;
	char err2[128];
	if (wire_msg_decode(j, dir == WIRE_TO_NET ? WIRE_TO_KIOSK : WIRE_TO_NET, &other, err2,
			    sizeof(err2)) &&
	    !(m->type == WIRE_MSG_LOGIN || m->type == WIRE_MSG_LOGIN_REPLY))
		ok = false;
	json_decref(j);
	return ok && memcmp(&back, m, sizeof(back)) == 0;
}

static struct wire_msg msg(enum wire_msg_type t)
{
	struct wire_msg m;
	memset(&m, 0, sizeof(m));
	m.type = t;
	return m;
}

static void test_round_trips(void)
{
	struct wire_msg m = msg(WIRE_MSG_LOGIN);
	strcpy(m.code, "12345678");
	CHECK(round_trip(&m, WIRE_TO_NET));

	for (int s = 0; s < WIRE_STATE_COUNT; s++) {
		m = msg(WIRE_MSG_STATE);
		m.state = (enum wire_state)s;
		if (s == WIRE_STATE_SESSION)
			strcpy(m.session, SID);
		m.seconds_used = 61;
		m.pages_used = 2;
		CHECK(round_trip(&m, WIRE_TO_NET));
		/* The session's documents (counts only). */
		m.pages_scanned = 5;
		m.files_copied = 3;
		CHECK(round_trip(&m, WIRE_TO_NET));
	}
	for (int h = 0; h < WIRE_HELP_COUNT; h++) { /* a call for help and when */
		m = msg(WIRE_MSG_STATE);
		m.state = WIRE_STATE_SESSION;
		strcpy(m.session, SID);
		m.help = (enum wire_help)h;
		m.help_at = h ? INT64_C(1765000000123) : 0;
		CHECK(round_trip(&m, WIRE_TO_NET));
	}
	{
		struct wire_msg d;
		char err[128];
		const char *bad[] = {"{\"t\":\"state\",\"state\":\"login\",\"session\":null,"
				     "\"seconds_used\":0,\"pages_used\":0,\"help\":\"please\"}",
				     "{\"t\":\"state\",\"state\":\"login\",\"session\":null,"
				     "\"seconds_used\":0,\"pages_used\":0,\"help_at\":-1}"};
		for (size_t i = 0; i < 2; i++) {
			json_t *j = json_loads(bad[i], 0, NULL);
			CHECK(j && !wire_msg_decode(j, WIRE_TO_NET, &d, err, sizeof(err)));
			json_decref(j);
		}
	}
	for (int r = 0; r < WIRE_END_COUNT; r++) {
		m = msg(WIRE_MSG_END);
		strcpy(m.session, SID);
		m.reason = (enum wire_reason)r;
		m.seconds_used = 3599;
		CHECK(round_trip(&m, WIRE_TO_NET));
	}
	m = msg(WIRE_MSG_ACK);
	m.id = 42;
	CHECK(round_trip(&m, WIRE_TO_NET));

	m = msg(WIRE_MSG_HELLO);
	m.online = true;
	CHECK(round_trip(&m, WIRE_TO_KIOSK));
	m = msg(WIRE_MSG_ONLINE);
	CHECK(round_trip(&m, WIRE_TO_KIOSK));

	m = msg(WIRE_MSG_LOGIN_REPLY);
	m.ok = true;
	strcpy(m.session, SID);
	m.seconds_left = 3600;
	m.pages_left = 10;
	m.offline = true;
	CHECK(round_trip(&m, WIRE_TO_KIOSK));
	/* An accompanied session names its mediator. */
	m.offline = false;
	strcpy(m.by, "Léa Martin");
	CHECK(round_trip(&m, WIRE_TO_KIOSK));
	for (int r = 0; r < WIRE_REFUSED_COUNT; r++) {
		m = msg(WIRE_MSG_LOGIN_REPLY);
		m.refusal = (enum wire_refusal)r;
		m.retry_after = r == WIRE_REFUSED_RATE ? 30 : 0;
		m.tries_left = r == WIRE_REFUSED_UNKNOWN ? 4 : 0;
		CHECK(round_trip(&m, WIRE_TO_KIOSK));
	}

	m = msg(WIRE_MSG_SESSION);
	strcpy(m.session, SID);
	m.active = true;
	m.seconds_left = 100;
	m.pages_left = 3;
	CHECK(round_trip(&m, WIRE_TO_KIOSK));
	m.active = false;
	m.has_reason = true;
	m.reason = WIRE_END_STAFF;
	CHECK(round_trip(&m, WIRE_TO_KIOSK));

	for (int c = 0; c < WIRE_CMD_COUNT; c++) {
		m = msg(WIRE_MSG_CMD);
		m.id = 7 + c;
		m.cmd = (enum wire_cmd)c;
		if (c == WIRE_CMD_END_SESSION || c == WIRE_CMD_ADD_TIME || c == WIRE_CMD_PRINT)
			strcpy(m.session, SID);
		if (c == WIRE_CMD_ADD_TIME)
			m.seconds = 900;
		if (c == WIRE_CMD_MESSAGE || c == WIRE_CMD_LOCK)
			strcpy(m.text, "Fermeture à 18 h, pensez à imprimer");
		if (c == WIRE_CMD_PRINT) {
			strcpy(m.event, "released");
			m.pages = 2;
			m.pages_left = 8;
		}
		CHECK(round_trip(&m, WIRE_TO_KIOSK));
	}
	m = msg(WIRE_MSG_SYNCED);
	m.cursor = 99;
	CHECK(round_trip(&m, WIRE_TO_KIOSK));
	m = msg(WIRE_MSG_RESTARTED);
	strcpy(m.session, SID);
	m.seconds_used = 5;
	CHECK(round_trip(&m, WIRE_TO_KIOSK));

	/* What cannot be sent is not sent. */
	m = msg(WIRE_MSG_END);
	strcpy(m.session, "not-hex");
	CHECK(wire_msg_encode(&m) == NULL);
	m = msg(WIRE_MSG_LOGIN);
	CHECK(wire_msg_encode(&m) == NULL); /* no code */
	m = msg(WIRE_MSG_COUNT);
	CHECK(wire_msg_encode(&m) == NULL);
	m = msg(WIRE_MSG_CMD);
	m.id = 1;
	m.cmd = WIRE_CMD_MESSAGE;
	strcpy(m.text, "\xff\xfe");
	CHECK(wire_msg_encode(&m) == NULL); /* not UTF-8 */
}

static bool refused(const char *text, enum wire_dir dir)
{
	json_error_t e;
	json_t *j = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
	if (!j) {
		fprintf(stderr, "test JSON: %s: %s\n", text, e.text);
		return false;
	}
	struct wire_msg m;
	char err[128] = "";
	bool ok = wire_msg_decode(j, dir, &m, err, sizeof(err));
	json_decref(j);
	if (ok)
		wire_msg_clear(&m);
	return !ok && err[0] && !m.services;
}

static void test_hostile(void)
{
	const enum wire_dir N = WIRE_TO_NET, K = WIRE_TO_KIOSK;
	CHECK(refused("[]", N));
	CHECK(refused("\"login\"", N));
	CHECK(refused("{}", N));
	CHECK(refused("{\"t\":5}", N));
	CHECK(refused("{\"t\":\"nope\"}", K));
	CHECK(refused("{\"t\":\"hello\",\"online\":true}", N)); /* wrong direction */
	CHECK(refused("{\"t\":\"ack\",\"id\":1}", K));
	CHECK(refused("{\"t\":\"login\",\"code\":\"\"}", N));
	CHECK(refused("{\"t\":\"login\",\"code\":"
		      "\"12345678901234567890123456789012345678901234567890123456789012345\"}",
		      N));
	CHECK(refused("{\"t\":\"login\",\"code\":\"1234\",\"extra\":1}", N));
	CHECK(refused("{\"t\":\"login\",\"code\":\"12\\u0000345\"}", N));
	CHECK(refused("{\"t\":\"state\",\"state\":\"dancing\",\"session\":null,"
		      "\"seconds_used\":0,\"pages_used\":0}",
		      N));
	CHECK(refused("{\"t\":\"state\",\"state\":\"login\",\"seconds_used\":0,\"pages_used\":0}",
		      N)); /* session missing (null is not absent) */
	CHECK(refused("{\"t\":\"end\",\"session\":\"" SID "\",\"reason\":\"bored\","
		      "\"seconds_used\":1,\"pages_used\":0}",
		      N));
	CHECK(refused("{\"t\":\"end\",\"session\":\"" SID "\",\"reason\":\"user\","
		      "\"seconds_used\":-1,\"pages_used\":0}",
		      N));
	CHECK(refused("{\"t\":\"end\",\"session\":\"0123456789ABCDEF0123456789ABCDEF\","
		      "\"reason\":\"user\",\"seconds_used\":1,\"pages_used\":0}",
		      N));
	CHECK(refused("{\"t\":\"end\",\"session\":null,\"reason\":\"user\",\"seconds_used\":1,"
		      "\"pages_used\":0}",
		      N));
	CHECK(refused("{\"t\":\"ack\",\"id\":0}", N));
	/* accompanied_by: a non-empty text without control characters, at most 256 bytes. */
#define LOGIN_OK                                                                   \
	"{\"t\":\"login\",\"ok\":true,\"session\":\"" SID "\",\"seconds_left\":1," \
	"\"pages_left\":1,\"offline\":false,\"accompanied_by\":"
	CHECK(!refused(LOGIN_OK "\"Léa\"}", K));
	CHECK(refused(LOGIN_OK "\"\"}", K));
	CHECK(refused(LOGIN_OK "null}", K));
	CHECK(refused(LOGIN_OK "3}", K));
	CHECK(refused(LOGIN_OK "\"a\\nb\"}", K));
	{
		char big[600];
		int n = snprintf(big, sizeof(big), "%s\"", LOGIN_OK);
		memset(big + n, 'a', 257);
		snprintf(big + n + 257, sizeof(big) - (size_t)n - 257, "\"}");
		CHECK(refused(big, K));
	}
#undef LOGIN_OK
	CHECK(refused("{\"t\":\"ack\",\"id\":1.5}", N));
	CHECK(refused("{\"t\":\"hello\",\"online\":1}", K));
	CHECK(refused("{\"t\":\"login\",\"ok\":false,\"error\":\"code_forgotten\"}", K));
	CHECK(refused("{\"t\":\"login\",\"ok\":false,\"error\":\"code_unknown\",\"tries_left\":-1}",
		      K));
	CHECK(refused("{\"t\":\"login\",\"ok\":false,\"error\":\"code_unknown\","
		      "\"tries_left\":1000001}",
		      K));
	CHECK(!refused("{\"t\":\"login\",\"ok\":false,\"error\":\"code_unknown\",\"tries_left\":2}",
		       K));
	CHECK(refused("{\"t\":\"login\",\"ok\":true,\"session\":\"" SID "\",\"seconds_left\":1,"
		      "\"pages_left\":1000001,\"offline\":false}",
		      K));
	CHECK(refused("{\"t\":\"cmd\",\"id\":1,\"type\":\"self_destruct\"}", K));
	CHECK(refused("{\"t\":\"cmd\",\"id\":1,\"type\":\"add_time\",\"session\":\"" SID "\"}",
		      K)); /* no seconds */
	CHECK(refused("{\"t\":\"cmd\",\"id\":1,\"type\":\"end_session\"}", K));
	CHECK(refused("{\"t\":\"cmd\",\"id\":1,\"type\":\"unlock\",\"text\":\"x\"}", K));
	CHECK(refused("{\"t\":\"session\",\"session\":\"" SID "\",\"active\":true,"
		      "\"seconds_left\":1,\"pages_left\":1,\"end_reason\":\"whim\"}",
		      K));
	/* A desk message of 2001 bytes. */
	char big[2200];
	int n = snprintf(big, sizeof(big),
			 "{\"t\":\"cmd\",\"id\":1,\"type\":\"message\",\"text\":\"");
	memset(big + n, 'a', 2001);
	strcpy(big + n + 2001, "\"}");
	CHECK(refused(big, K));
	/* Exactly 2000 bytes is a message. */
	strcpy(big + n + 2000, "\"}");
	CHECK(!refused(big, K));
}

#define SVC                                                                                 \
	"{\"t\":\"services\",\"version\":3,\"services\":[{\"id\":\"caf\",\"name\":\"CAF\"," \
	"\"url\":\"https://caf.fr/\",\"category\":\"Famille\",\"icon\":\"\","               \
	"\"domains\":[\"caf.fr\"],\"intranet\":false%s}]%s}"

static bool svc_refused(const char *in_service, const char *in_msg)
{
	char *t = xasprintf(SVC, in_service, in_msg);
	bool r = refused(t, WIRE_TO_KIOSK);
	free(t);
	return r;
}

/* The services list, net -> kiosk: by value (it is allocated), checked as admind's. */
static void test_services(void)
{
	struct wire_msg m = msg(WIRE_MSG_SERVICES), back;
	CHECK(wire_msg_encode(&m) == NULL); /* no list */
	struct svc_list *l = xcalloc(1, sizeof(*l));
	l->version = 42;
	l->n = 1;
	strcpy(l->s[0].id, "caf");
	l->s[0].name = xstrdup("CAF");
	l->s[0].url = xstrdup("https://www.caf.fr/");
	l->s[0].category = xstrdup("Famille");
	l->s[0].icon = xstrdup("famille");
	l->s[0].domains[0] = xstrdup("caf.fr");
	l->s[0].n_domains = 1;
	m.services = l;
	json_t *j = wire_msg_encode(&m);
	char err[160] = "";
	CHECK(j && wire_msg_decode(j, WIRE_TO_KIOSK, &back, err, sizeof(err)));
	CHECK(back.type == WIRE_MSG_SERVICES && back.services && svc_list_equal(back.services, l));
	wire_msg_clear(&back);
	CHECK(back.services == NULL);
	CHECK(j && !wire_msg_decode(j, WIRE_TO_NET, &back, err, sizeof(err)) && !back.services);
	json_decref(j);
	/* A list that breaks the rules is not sent. */
	free(l->s[0].domains[0]);
	l->s[0].domains[0] = xstrdup("evil.com");
	CHECK(wire_msg_encode(&m) == NULL);
	wire_msg_clear(&m);

	CHECK(!svc_refused("", ""));
	CHECK(svc_refused(",\"extra\":1", "")); /* strict: no key it does not know */
	CHECK(svc_refused("", ",\"extra\":1"));
	CHECK(!refused("{\"t\":\"services\",\"version\":1,\"services\":[]}", WIRE_TO_KIOSK));
	CHECK(refused("{\"t\":\"services\",\"version\":1,\"services\":{}}", WIRE_TO_KIOSK));
	CHECK(refused("{\"t\":\"services\",\"version\":-1,\"services\":[]}", WIRE_TO_KIOSK));
	CHECK(refused("{\"t\":\"services\",\"services\":[]}", WIRE_TO_KIOSK));
}

/* A site's settings, net -> kiosk: by value, checked strictly as admind's. */
static void test_settings(void)
{
	struct wire_msg m = msg(WIRE_MSG_SETTINGS), back;
	CHECK(wire_msg_encode(&m) == NULL); /* no settings */
	static const char in[] =
		"{\"hours\":{\"monday\":[\"09:00-12:00\",\"14:00-18:00\"],"
		"\"closed\":[\"2026-12-25\"]},\"session.idle_seconds\":600,"
		"\"session.warn_minutes\":[2,10],\"language\":\"en\",\"centre_name\":\"Nord\"}";
	json_error_t e;
	json_t *sj = json_loads(in, 0, &e);
	char err[300] = "";
	m.settings = xcalloc(1, sizeof(*m.settings));
	CHECK(sj && sitecfg_from_json(sj, m.settings, err, sizeof(err)));
	json_decref(sj);
	m.settings_version = 7;
	json_t *j = wire_msg_encode(&m);
	CHECK(j && wire_msg_decode(j, WIRE_TO_KIOSK, &back, err, sizeof(err)));
	CHECK(back.type == WIRE_MSG_SETTINGS && back.settings && back.settings_version == 7);
	CHECK(back.settings && back.settings->set == m.settings->set &&
	      back.settings->idle_seconds == 600 && back.settings->hours.week[1].n == 2 &&
	      back.settings->hours.n_ex == 1 && back.settings->warn[0] == 10 &&
	      strcmp(back.settings->centre_name, "Nord") == 0);
	wire_msg_clear(&back);
	CHECK(back.settings == NULL);
	CHECK(j && !wire_msg_decode(j, WIRE_TO_NET, &back, err, sizeof(err)) && !back.settings);
	json_decref(j);
	m.settings_version = -1;
	CHECK(wire_msg_encode(&m) == NULL);
	wire_msg_clear(&m);

	CHECK(!refused("{\"t\":\"settings\",\"version\":0,\"settings\":{}}", WIRE_TO_KIOSK));
	CHECK(refused("{\"t\":\"settings\",\"version\":0,\"settings\":{}}", WIRE_TO_NET));
	CHECK(refused("{\"t\":\"settings\",\"version\":-1,\"settings\":{}}", WIRE_TO_KIOSK));
	CHECK(refused("{\"t\":\"settings\",\"settings\":{}}", WIRE_TO_KIOSK));
	CHECK(refused("{\"t\":\"settings\",\"version\":1,\"settings\":[]}", WIRE_TO_KIOSK));
	CHECK(refused("{\"t\":\"settings\",\"version\":1,\"settings\":{},\"x\":1}", WIRE_TO_KIOSK));
	CHECK(refused("{\"t\":\"settings\",\"version\":1,\"settings\":{\"x\":1}}", WIRE_TO_KIOSK));
	CHECK(refused("{\"t\":\"settings\",\"version\":1,"
		      "\"settings\":{\"session.idle_seconds\":1}}",
		      WIRE_TO_KIOSK));
	CHECK(refused("{\"t\":\"settings\",\"version\":1,"
		      "\"settings\":{\"hours\":{\"monday\":[\"12:00-09:00\"]}}}",
		      WIRE_TO_KIOSK));
	CHECK(refused("{\"t\":\"settings\",\"version\":1,"
		      "\"settings\":{\"centre_name\":\"a\\u0000b\"}}",
		      WIRE_TO_KIOSK));
}

int main(void)
{
	test_words();
	test_round_trips();
	test_hostile();
	test_services();
	test_settings();
	return TEST_DONE();
}
