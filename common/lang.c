/* lang: the kiosk's nine languages, a table. */
#include "lang.h"

#include <string.h>

/* Accept-Language: the session's language first; French next (the centre's language: a
 * site in neither falls back to what the staff read), then English. Chromium adds the
 * q-values. */
static const struct lang langs[LANG_COUNT] = {
	{"fr", "Français", false, "fr", "fr", "fr-FR,fr,en", "fr_FR:fr", LANG_MARK_FR, NULL},
	{"en", "English", false, "en", "en-GB", "en-GB,en,fr", "en_GB:en", LANG_MARK_GB, NULL},
	{"ar", "العربية", true, "ar", "ar", "ar,fr,en", "ar", LANG_MARK_LETTER, "ع"},
	{"es", "Español", false, "es", "es", "es-ES,es,fr,en", "es_ES:es", LANG_MARK_ES, NULL},
	{"pt", "Português", false, "pt", "pt-PT", "pt-PT,pt,fr,en", "pt_PT:pt", LANG_MARK_PT, NULL},
	{"tr", "Türkçe", false, "tr", "tr", "tr-TR,tr,fr,en", "tr_TR:tr", LANG_MARK_TR, NULL},
	{"ro", "Română", false, "ro", "ro", "ro-RO,ro,fr,en", "ro_RO:ro", LANG_MARK_RO, NULL},
	{"uk", "Українська", false, "uk", "uk", "uk-UA,uk,fr,en", "uk_UA:uk", LANG_MARK_UA, NULL},
	{"ru", "Русский", false, "ru", "ru", "ru-RU,ru,fr,en", "ru_RU:ru", LANG_MARK_LETTER, "Я"},
};

const struct lang *lang_at(int i)
{
	return i >= 0 && i < LANG_COUNT ? &langs[i] : NULL;
}

int lang_index(const char *code)
{
	for (int i = 0; code && i < LANG_COUNT; i++)
		if (strcmp(langs[i].code, code) == 0)
			return i;
	return -1;
}

const struct lang *lang_find(const char *code)
{
	return lang_at(lang_index(code));
}

const struct lang *lang_or_default(const char *code)
{
	const struct lang *l = lang_find(code);
	return l ? l : &langs[0];
}

bool lang_rtl(const char *code)
{
	const struct lang *l = lang_find(code);
	return l && l->rtl;
}
