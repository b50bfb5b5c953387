/* textsize: the "A+" panel's choices (textsize.h). */
#include "textsize.h"

#include <stddef.h>
#include <string.h>

static const int percent[TEXTSIZE_STEPS] = {100, 125, 150, 200};

static int clamp(int step)
{
	return step < 0 || step >= TEXTSIZE_STEPS ? 0 : step;
}

int textsize_percent(int step)
{
	return percent[clamp(step)];
}

bool textsize_changed(const struct textsize *t)
{
	return clamp(t->step) != 0 || t->contrast || t->browser_contrast;
}

bool textsize_offer_sites(const struct textsize *t, bool session)
{
	return session && t->contrast != t->browser_contrast;
}

bool textsize_reset(struct textsize *t)
{
	bool changed = textsize_changed(t) || t->panel;
	memset(t, 0, sizeof(*t));
	return changed;
}

/* Chromium's zoom level index of a percentage (100 % is 0). */
static int level(int pct)
{
	static const int levels[] = {100, 110, 125, 150, 175, 200};
	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
		if (levels[i] >= pct)
			return (int)i;
	return 5;
}

void textsize_zoom_keys(int from, int to, bool *reset, int *plus)
{
	int a = level(textsize_percent(from)), b = level(textsize_percent(to));
	*reset = b < a;
	*plus = b - (*reset ? 0 : a);
}
