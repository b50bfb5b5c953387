/* test_lang: the nine languages' table and its look-ups. */
#include "../unit/test.h"
#include "lang.h"

#include <string.h>

int main(void)
{
	static const char *const codes[LANG_COUNT] = {"fr", "en", "ar", "es", "pt",
						      "tr", "ro", "uk", "ru"};
	for (int i = 0; i < LANG_COUNT; i++) {
		const struct lang *l = lang_at(i);
		CHECK(l && strcmp(l->code, codes[i]) == 0);
		CHECK(lang_index(codes[i]) == i && lang_find(codes[i]) == l);
		CHECK(l->name && *l->name && l->voice && *l->voice && l->language && *l->language);
		/* Chromium's name starts with the code; the Accept-Language with either. */
		CHECK(strncmp(l->chromium, l->code, strlen(l->code)) == 0);
		CHECK(strncmp(l->accept, l->code, strlen(l->code)) == 0);
		CHECK(strlen(l->code) < LANG_CODE_MAX);
		CHECK((l->mark == LANG_MARK_LETTER) == (l->letter != NULL));
		CHECK(lang_rtl(l->code) == (strcmp(l->code, "ar") == 0));
	}
	CHECK(strcmp(lang_find("ar")->name, "العربية") == 0);
	CHECK(strcmp(lang_find("uk")->name, "Українська") == 0);
	CHECK(strcmp(lang_find("tr")->name, "Türkçe") == 0);
	CHECK(strcmp(lang_find("pt")->chromium, "pt-PT") == 0);
	/* Not one of the nine: no table entry, left to right, French as the default. */
	static const char *const bad[] = {"", "de", "FR", "fr ", "arr", "a", "fr_FR"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK(!lang_find(bad[i]) && lang_index(bad[i]) == -1 && !lang_rtl(bad[i]));
		CHECK(strcmp(lang_or_default(bad[i])->code, "fr") == 0);
	}
	CHECK(!lang_find(NULL) && !lang_rtl(NULL) && lang_or_default(NULL) == lang_at(0));
	CHECK(!lang_at(-1) && !lang_at(LANG_COUNT));
	CHECK(lang_or_default("ru") == lang_at(8));
	return TEST_DONE();
}
