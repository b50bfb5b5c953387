/* test_speak: what "Écouter" reads for each screen, in French and English, and the speech
 * command's arguments (hostile desk texts included). */
#include "speak.h"
#include "lang.h"
#include "ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

#define CHECK(cond, ...)                                                                \
	do {                                                                            \
		if (!(cond)) {                                                          \
			fprintf(stderr, "%s:%d: FAIL %s: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__);                                   \
			fputc('\n', stderr);                                            \
			failures++;                                                     \
		}                                                                       \
	} while (0)

static char buf[SPEAK_TEXT_MAX];

static const char *said(const struct ui_view *v, bool session)
{
	if (!speak_text(v, session, buf, sizeof(buf)))
		return "";
	return buf;
}

#define HAS(v, session, words) \
	CHECK(strstr(said(v, session), words), "\"%s\" not in \"%s\"", words, buf)

static void screens(void)
{
	struct ui_view v = {.screen = UI_LOGIN, .code_len = 8};
	ui_set_language("fr");
	HAS(&v, false, "Tapez le code de votre ticket");
	v.msg = UI_MSG_UNKNOWN;
	v.tries_left = 2;
	/* The message first (what just happened), then the instructions; no line break. */
	HAS(&v, false, "Code inconnu. Vérifiez votre ticket. Encore 2 essais");
	CHECK(strncmp(buf, "Code inconnu", 12) == 0, "%s", buf);
	CHECK(!strchr(buf, '\n'), "%s", buf);

	v = (struct ui_view){.screen = UI_CLOSED, .next_open = "demain à 9h00"};
	HAS(&v, false, "Le centre est fermé. Réouverture : demain à 9h00.");
	v = (struct ui_view){.screen = UI_LOCKED, .lock_text = "Retour à 14h"};
	HAS(&v, false, "Poste hors service");
	HAS(&v, false, "Retour à 14h");
	v = (struct ui_view){.screen = UI_UNAVAILABLE};
	HAS(&v, false, "Service indisponible");
	v = (struct ui_view){
		.screen = UI_ENDING, .has_end_reason = true, .end_reason = SM_END_EXPIRED};
	HAS(&v, false, "Le temps de votre code est écoulé. Vos données sont effacées.");
	v = (struct ui_view){.screen = UI_CONFIRM_END};
	HAS(&v, false, "Voulez-vous terminer ?");
	v = (struct ui_view){.screen = UI_IDLE, .idle_seconds = 42};
	HAS(&v, false, "Êtes-vous toujours là ?");
	v = (struct ui_view){.screen = UI_NOTICE, .notice = SM_NOTICE_TIME, .notice_minutes = 1};
	HAS(&v, false, "Plus que 1 minute.");
	HAS(&v, false, "J'ai compris");
	v.notice = SM_NOTICE_CLOSING;
	v.notice_minutes = 5;
	HAS(&v, false, "Le centre ferme dans 5 minutes.");

	/* A session without a prompt: the warning, the time left, how to end. */
	v = (struct ui_view){
		.screen = UI_CONFIRM_END, .seconds_left = 299, .banner = "Il reste 5 minutes"};
	HAS(&v, true, "Il reste 5 minutes. Il vous reste 5 minutes.");
	HAS(&v, true, "appuyez sur Terminer");
	v = (struct ui_view){.screen = UI_CONFIRM_END, .seconds_left = 5400};
	HAS(&v, true, "Il vous reste 1 heure et 30 minutes.");
	v = (struct ui_view){.screen = UI_CONFIRM_END, .seconds_left = 7200};
	HAS(&v, true, "Il vous reste 2 heures.");
	v = (struct ui_view){.screen = UI_CONFIRM_END, .seconds_left = 1200, .closing_at = "18h00"};
	HAS(&v, true, "Il vous reste 20 minutes. Le centre ferme à 18h00.");

	/* English after the switch. */
	ui_set_language("en");
	v = (struct ui_view){.screen = UI_LOGIN, .code_len = 8, .lang = "en"};
	HAS(&v, false, "Welcome. Type the code");
	v = (struct ui_view){.screen = UI_NOTICE, .notice = SM_NOTICE_TIME, .notice_minutes = 5};
	HAS(&v, false, "Only 5 minutes left.");
	v = (struct ui_view){.screen = UI_CONFIRM_END, .seconds_left = 600};
	HAS(&v, true, "You have 10 minutes left.");
	HAS(&v, true, "press Finish");
	ui_set_language("fr");
}

static void hostile(void)
{
	/* A desk message: control characters are read as spaces, and a leading '-' never
	 * reaches the command as an option. */
	struct ui_view v = {.screen = UI_CONFIRM_END, .banner = "-w /tmp/x\n\x1b[31mbonjour"};
	said(&v, true);
	CHECK(buf[0] != '-', "%s", buf);
	for (const char *p = buf; *p; p++)
		CHECK((unsigned char)*p >= 0x20, "control character in \"%s\"", buf);
	/* A text longer than the buffer is cut, still terminated. */
	char big[4000];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	v.banner = big;
	char small[64];
	CHECK(speak_text(&v, true, small, sizeof(small)) && strlen(small) < sizeof(small), "cut");
	CHECK(!speak_text(&v, true, small, 0), "no room");
}

static void topics(void)
{
	char a[256], b[256];
	struct ui_view v = {.screen = UI_CONFIRM_END, .seconds_left = 600};
	speak_topic(&v, true, a, sizeof(a));
	v.seconds_left = 540; /* a minute later: not read again */
	speak_topic(&v, true, b, sizeof(b));
	CHECK(strcmp(a, b) == 0, "%s / %s", a, b);
	v.banner = "Il reste 5 minutes"; /* a warning: read */
	speak_topic(&v, true, b, sizeof(b));
	CHECK(strcmp(a, b) != 0, "%s", b);
	struct ui_view l = {.screen = UI_LOGIN, .typed = "12"};
	speak_topic(&l, false, a, sizeof(a));
	l.typed = "123"; /* each key: not read again */
	speak_topic(&l, false, b, sizeof(b));
	CHECK(strcmp(a, b) == 0, "%s / %s", a, b);
	l.msg = UI_MSG_UNKNOWN;
	speak_topic(&l, false, b, sizeof(b));
	CHECK(strcmp(a, b) != 0, "%s", b);
	l.msg = UI_MSG_NONE;
	l.lang = "ar"; /* another language: read again */
	speak_topic(&l, false, b, sizeof(b));
	CHECK(strcmp(a, b) != 0, "%s", b);
}

static void args(void)
{
	const char *argv[SPEAK_MAX_ARGS + 1];
	const char *const cmd[] = {"espeak-ng", "-v", "%l", "-s", "150", "--", "%t", NULL};
	CHECK(speak_argv(cmd, "fr", "Bonjour", argv), "default");
	CHECK(strcmp(argv[2], "fr") == 0 && strcmp(argv[6], "Bonjour") == 0 && !argv[7], "fr");
	CHECK(speak_argv(cmd, "en", "Hello %l", argv), "default en");
	CHECK(strcmp(argv[2], "en") == 0 && strcmp(argv[6], "Hello %l") == 0, "en");
	/* Each language's own voice: Arabic's, Ukrainian's. */
	CHECK(speak_argv(cmd, lang_find("ar")->voice, "مرحبا", argv), "ar");
	CHECK(strcmp(argv[2], "ar") == 0 && strcmp(argv[6], "مرحبا") == 0, "ar");
	CHECK(speak_argv(cmd, lang_find("uk")->voice, "t", argv) && strcmp(argv[2], "uk") == 0,
	      "uk");
	CHECK(speak_argv(cmd, NULL, "t", argv) && strcmp(argv[2], "fr") == 0, "no voice");
	/* Without %t the text goes last; only whole arguments are replaced. */
	const char *const bare[] = {"say", "x%t", NULL};
	CHECK(speak_argv(bare, "fr", "t", argv), "bare");
	CHECK(strcmp(argv[1], "x%t") == 0 && strcmp(argv[2], "t") == 0 && !argv[3], "bare");
	const char *const none[] = {NULL};
	CHECK(!speak_argv(none, "fr", "t", argv), "empty command");
	const char *full[SPEAK_MAX_ARGS + 1];
	for (int i = 0; i < SPEAK_MAX_ARGS; i++)
		full[i] = "a";
	full[SPEAK_MAX_ARGS] = NULL;
	CHECK(!speak_argv(full, "fr", "t", argv), "no room left for the text");
}

/* The scan and USB screens read what each state shows, errors included; an empty banner
 * in a session is no sentence. */
static void documents(void)
{
	ui_set_language("fr");
	struct ui_view v = {.screen = UI_SCAN};
	v.scan.state = SF_PLACE;
	HAS(&v, false, "Posez la page");
	v.scan.state = SF_SCANNING;
	HAS(&v, false, "Numérisation en cours");
	v.scan.state = SF_PREVIEW;
	v.scan.pages = 2;
	HAS(&v, false, "Page 2. Recommencer. Ajouter une page. Terminer.");
	v.scan.state = SF_DONE;
	HAS(&v, false, "Document enregistré.");
	CHECK(!strstr(buf, "Posez la page"), "%s", buf);
	v.scan.state = SF_ERROR;
	v.scan.error = SF_ERR_JAMMED;
	HAS(&v, false, "Le papier est coincé");
	v = (struct ui_view){.screen = UI_USB};
	v.usb.state = UF_LIST;
	HAS(&v, false, "Touchez les documents de la clé");
	v.usb.state = UF_COPYING;
	HAS(&v, false, "Copie en cours");
	v.usb.state = UF_DONE;
	v.usb.copied = 2;
	HAS(&v, false, "2 documents copiés. Ils sont dans");
	v.usb.state = UF_ERROR;
	v.usb.error = UF_ERR_GONE;
	HAS(&v, false, "La clé a été retirée");
	/* Each state is a topic of its own: moving on starts a new reading. */
	char a[256], b[256];
	v.usb.state = UF_LIST;
	speak_topic(&v, false, a, sizeof(a));
	v.usb.state = UF_COPYING;
	speak_topic(&v, false, b, sizeof(b));
	CHECK(strcmp(a, b) != 0, "%s", a);
	v = (struct ui_view){.screen = UI_LOGIN, .banner = "", .seconds_left = 600};
	CHECK(speak_text(&v, true, buf, sizeof(buf)), "session");
}

int main(void)
{
	ui_init_i18n();
	screens();
	documents();
	hostile();
	topics();
	args();
	if (failures)
		fprintf(stderr, "%d failure(s)\n", failures);
	return failures ? 1 : 0;
}
