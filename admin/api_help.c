/* api_help: the kiosks' calls for help in the desk's API (helpdesk.h, docs/API.md). */
#include "api.h"

#include "helpdesk.h"

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
