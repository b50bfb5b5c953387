/* api_json: the store's answers as the API's JSON (docs/API.md): field
 * order and types as the clients know them. */
#include "api.h"

json_t *api_audit_json(const struct store_audit_rows *l)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < l->n; i++) {
		const struct store_audit_row *e = &l->v[i];
		json_t *d = e->detail ? json_loads(e->detail, 0, NULL) : NULL;
		json_array_append_new(
			arr, json_pack("{sI sI ss ss so* so*}", "id", (json_int_t)e->id, "at",
				       (json_int_t)e->at, "user", e->user, "action", e->action,
				       "target", e->target ? json_string(e->target) : json_null(),
				       "detail", d ? d : json_null()));
	}
	return json_pack("{so}", "audit", arr);
}
