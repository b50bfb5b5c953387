/* bar_bench: what the session bar costs the kiosk each second (it redraws with the time):
 * its layout (ui_bar_rows_height) and its drawing (ui_draw_bar) at 1024 x 768 with every tool,
 * at 100 % and 200 %, in French and Russian; prints milliseconds per redraw. Asserts nothing. */
#include "ui.h"

#include <pango/pangocairo.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 200;
	if (n < 1 || n > 100000) {
		fprintf(stderr, "usage: bar_bench [REDRAWS, 1..100000]\n");
		return 2;
	}
	static const char *const langs[] = {"fr", "ru"};
	static const int sizes[] = {100, 200};
	int row = ui_bar_height(768);
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1024, 768);
	cairo_t *cr = cairo_create(s);
	struct ui_hits hits;

	ui_init_i18n();
	printf("bar redraw at 1024x768, every tool, %d redraws each\n", n);
	for (size_t l = 0; l < sizeof(langs) / sizeof(langs[0]); l++)
		for (size_t p = 0; p < sizeof(sizes) / sizeof(sizes[0]); p++) {
			ui_set_language(langs[l]);
			struct ui_view v = {.screen = UI_LOGIN,
					    .lang = langs[l],
					    .online = true,
					    .seconds_left = 1234,
					    .pages_left = 3,
					    .text_percent = sizes[p],
					    .tools = (1u << UI_TOOL_COUNT) - 1};
			int rows = 0;
			double t0 = now();
			for (int i = 0; i < n; i++) {
				v.seconds_left = 1234 - i % 600;
				rows = ui_bar_rows_height(1024, row, &v);
				ui_draw_bar(cr, 1024, row, 0, &v, &hits);
			}
			double ms = (now() - t0) * 1000 / n;
			printf("%s %3d %%: %.2f ms per redraw (%d px of rows, %d buttons)\n",
			       langs[l], sizes[p], ms, rows, hits.n);
		}
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	pango_cairo_font_map_set_default(NULL);
	return 0;
}
