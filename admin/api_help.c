/* api_help: the kiosks' calls for help in the desk's API (helpdesk.h, docs/API.md). */
#include "api.h"

#include <string.h>

#include "helpdesk.h"
#include "store_help.h"

void api_help_fields(struct app *app, json_t *kiosk)
{
	json_t *id = json_object_get(kiosk, "id");
	int64_t since = 0;
	enum wire_help h = json_is_integer(id)
				   ? helpdesk_get(app->helpdesk, json_integer_value(id), &since)
				   : WIRE_HELP_NONE;
	json_object_set_new(kiosk, "help", json_string(wire_help_word(h)));
	json_object_set_new(kiosk, "help_since", since ? json_integer(since) : json_null());
}

bool api_help_answer(struct app *app, int64_t kiosk, enum wire_cmd cmd)
{
	if (cmd != WIRE_CMD_HELP_COMING && cmd != WIRE_CMD_HELP_CLEAR)
		return true;
	return helpdesk_answer(app->helpdesk, kiosk, cmd);
}

/* A day's count onto its row of "per_day" (a day without sessions has no row: the total
 * still counts it). */
static void per_day(void *arg, const char *day, int64_t n)
{
	json_t *rows = arg, *row;
	size_t i;
	json_array_foreach (rows, i, row) {
		const char *d = json_string_value(json_object_get(row, "day"));
		if (d && strcmp(d, day) == 0)
			json_object_set_new(row, "help_requests", json_integer(n));
	}
}

void api_help_stats(struct app *app, json_t *out, int64_t from, int64_t to, const char *scope)
{
	json_t *rows = json_object_get(out, "per_day"), *row;
	size_t i;
	json_array_foreach (rows, i, row)
		json_object_set_new(row, "help_requests", json_integer(0));
	int64_t total = store_help_requests(app->store, from, to, scope, per_day, rows);
	json_object_set_new(out, "help_requests", json_integer(total));
}
