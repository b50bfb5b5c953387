/* store_sites: the sites, their central settings and versions. */
#include "store_sites.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "store_internal.h"
#include "util.h"

bool store_sites_list(struct store *st, struct store_sites *out)
{
	static const char sql[] =
		"WITH names(site) AS ("
		"  SELECT site FROM kiosks UNION SELECT site FROM site_settings"
		"  UNION SELECT site FROM user_sites)"
		" SELECT n.site,"
		" (SELECT count(*) FROM kiosks k WHERE k.site = n.site AND k.revoked_at IS NULL),"
		" coalesce((SELECT version FROM site_settings ss WHERE ss.site = n.site), 0)"
		" FROM names n WHERE n.site <> '' ORDER BY n.site LIMIT ?";
	*out = (struct store_sites){0};
	store_lock(st);
	sqlite3_stmt *s = db_prepare(st->db, sql);
	sqlite3_bind_int(s, 1, STORE_MAX_SITES);
	int r;
	while ((r = sqlite3_step(s)) == SQLITE_ROW) {
		out->v = store_grow(out->v, out->n, sizeof(*out->v));
		struct store_site *x = &out->v[out->n++];
		const char *name = (const char *)sqlite3_column_text(s, 0);
		snprintf(x->name, sizeof(x->name), "%s", name ? name : "");
		x->kiosks = sqlite3_column_int64(s, 1);
		x->settings_version = sqlite3_column_int64(s, 2);
	}
	sqlite3_finalize(s);
	store_unlock(st);
	return r == SQLITE_DONE;
}

bool store_site_settings_get(struct store *st, const char *site, char **text, int64_t *version)
{
	*text = NULL;
	*version = 0;
	store_lock(st);
	sqlite3_stmt *s =
		store_stmt(st, "SELECT settings, version FROM site_settings WHERE site = ?");
	bind_text(s, 1, site);
	int r = sqlite3_step(s);
	if (r == SQLITE_ROW) {
		*text = store_col_dup(s, 0);
		*version = sqlite3_column_int64(s, 1);
	}
	store_release(s);
	store_unlock(st);
	if (r == SQLITE_DONE || (r == SQLITE_ROW && !*text))
		*text = xstrdup("{}");
	return r == SQLITE_ROW || r == SQLITE_DONE;
}

enum store_rc store_site_settings_put(struct store *st, const struct store_actor *who,
				      const char *site, const char *text, int64_t *version)
{
	*version = 0;
	if (!*site || strlen(text) > SITECFG_JSON_MAX)
		return STORE_LIMIT;
	if (!store_tx_begin(st))
		return STORE_ERROR;
	sqlite3_stmt *s =
		db_prepare(st->db, "INSERT INTO site_settings(site, settings, version, updated_at)"
				   " VALUES (?, ?, 1, ?) ON CONFLICT (site) DO UPDATE SET"
				   " settings = excluded.settings, version = version + 1,"
				   " updated_at = excluded.updated_at RETURNING version");
	bind_text(s, 1, site);
	bind_text(s, 2, text);
	sqlite3_bind_int64(s, 3, now_s());
	int r = sqlite3_step(s);
	if (r == SQLITE_ROW)
		*version = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	enum store_rc rc = r == SQLITE_ROW ? STORE_OK : STORE_ERROR;
	const struct audit_field d[] = {{"site", site, 0}, {"version", NULL, *version}};
	if (rc == STORE_OK && !store_audit(st, who, "site.settings", site, d, ARRAY_LEN(d)))
		rc = STORE_ERROR;
	return store_tx_end(st, rc);
}

bool store_kiosk_site_by_name(struct store *st, const char *name,
			      char site[SITE_NAME_MAX_BYTES + 1])
{
	site[0] = '\0';
	store_lock(st);
	sqlite3_stmt *s = db_prepare(st->db, "SELECT site FROM kiosks WHERE name = ?");
	bind_text(s, 1, name);
	int r = sqlite3_step(s);
	if (r == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(s, 0);
		snprintf(site, SITE_NAME_MAX_BYTES + 1, "%s", v ? v : "");
	}
	sqlite3_finalize(s);
	store_unlock(st);
	return r == SQLITE_ROW;
}

bool store_session_site(struct store *st, const char *id, char site[SITE_NAME_MAX_BYTES + 1])
{
	site[0] = '\0';
	store_lock(st);
	sqlite3_stmt *s = store_stmt(st, "SELECT k.site FROM sessions s JOIN kiosks k"
					 " ON k.id = s.kiosk_id WHERE s.id = ?");
	bind_text(s, 1, id);
	int r = sqlite3_step(s);
	if (r == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(s, 0);
		snprintf(site, SITE_NAME_MAX_BYTES + 1, "%s", v ? v : "");
	}
	store_release(s);
	store_unlock(st);
	return r == SQLITE_ROW;
}

bool store_kiosk_site(struct store *st, int64_t kiosk, char site[SITE_NAME_MAX_BYTES + 1],
		      int64_t *version)
{
	site[0] = '\0';
	*version = 0;
	store_lock(st);
	sqlite3_stmt *s =
		store_stmt(st, "SELECT k.site, coalesce(ss.version, 0) FROM kiosks k"
			       " LEFT JOIN site_settings ss ON ss.site = k.site WHERE k.id = ?");
	sqlite3_bind_int64(s, 1, kiosk);
	int r = sqlite3_step(s);
	if (r == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(s, 0);
		snprintf(site, SITE_NAME_MAX_BYTES + 1, "%s", v ? v : "");
		*version = sqlite3_column_int64(s, 1);
	}
	store_release(s);
	store_unlock(st);
	return r == SQLITE_ROW;
}
