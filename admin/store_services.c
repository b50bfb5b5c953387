/* store_services: the services of the kiosks' home page, their order and version. */
#include "store_services.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "store_internal.h"
#include "util.h"

static void copy_col(char *dst, size_t cap, sqlite3_stmt *s, int col)
{
	const char *v = (const char *)sqlite3_column_text(s, col);
	snprintf(dst, cap, "%s", v ? v : "");
}

#define SERVICE_COLS "id, name, url, category, icon, domains, intranet, accompanied"

static void service_row(sqlite3_stmt *s, struct store_service *sv)
{
	memset(sv, 0, sizeof(*sv));
	copy_col(sv->id, sizeof(sv->id), s, 0);
	copy_col(sv->name, sizeof(sv->name), s, 1);
	copy_col(sv->url, sizeof(sv->url), s, 2);
	copy_col(sv->category, sizeof(sv->category), s, 3);
	copy_col(sv->icon, sizeof(sv->icon), s, 4);
	const char *d = (const char *)sqlite3_column_text(s, 5);
	while (d && *d && sv->n_domains < SVC_MAX_DOMAINS) {
		size_t len = strcspn(d, "\n");
		snprintf(sv->domains[sv->n_domains++], sizeof(sv->domains[0]), "%.*s", (int)len, d);
		d += len + (d[len] == '\n');
	}
	sv->intranet = sqlite3_column_int(s, 6) != 0;
	sv->accompanied = sqlite3_column_int(s, 7) != 0;
}

/* The domains one per line, as stored. */
static char *domains_text(const struct store_service *sv)
{
	size_t cap = 1;
	for (int i = 0; i < sv->n_domains; i++)
		cap += strlen(sv->domains[i]) + 1;
	char *out = xcalloc(1, cap);
	for (int i = 0; i < sv->n_domains; i++) {
		if (i)
			strcat(out, "\n");
		strcat(out, sv->domains[i]);
	}
	return out;
}

static int64_t version_get(struct store *st)
{
	return store_int(st, "SELECT value FROM meta WHERE key = 'services_version'", 0);
}

/* Bumps the version; inside the caller's transaction. */
static bool version_bump(struct store *st)
{
	return db_exec(st->db,
		       "INSERT INTO meta(key, value) VALUES ('services_version', 1)"
		       " ON CONFLICT (key) DO UPDATE SET value = value + 1",
		       "services version");
}

int64_t store_services_version(struct store *st)
{
	/* Every heartbeat asks: a statement prepared once. */
	store_lock(st);
	sqlite3_stmt *s = store_stmt(st, "SELECT value FROM meta WHERE key = 'services_version'");
	int64_t v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	store_release(s);
	store_unlock(st);
	return v;
}

bool store_services_list(struct store *st, struct store_services *out)
{
	memset(out, 0, sizeof(*out));
	out->services = xcalloc(SVC_MAX, sizeof(*out->services));
	store_lock(st);
	db_exec(st->db, "BEGIN", "services");
	out->version = version_get(st);
	sqlite3_stmt *s =
		db_prepare(st->db, "SELECT " SERVICE_COLS " FROM services ORDER BY position, id");
	int r;
	while ((r = sqlite3_step(s)) == SQLITE_ROW && out->n < SVC_MAX)
		service_row(s, &out->services[out->n++]);
	sqlite3_finalize(s);
	db_exec(st->db, "COMMIT", "services");
	store_unlock(st);
	return r == SQLITE_DONE || r == SQLITE_ROW;
}

enum store_rc store_service_get(struct store *st, const char *id, struct store_service *out)
{
	store_lock(st);
	sqlite3_stmt *s = db_prepare(st->db, "SELECT " SERVICE_COLS " FROM services WHERE id = ?");
	bind_text(s, 1, id);
	int r = sqlite3_step(s);
	if (r == SQLITE_ROW)
		service_row(s, out);
	sqlite3_finalize(s);
	store_unlock(st);
	return r == SQLITE_ROW ? STORE_OK : r == SQLITE_DONE ? STORE_NOT_FOUND : STORE_ERROR;
}

/* An audit line with SV's fields: its new state. */
static bool audit_service(struct store *st, const struct store_actor *who, const char *action,
			  const struct store_service *sv)
{
	char *d = domains_text(sv);
	const struct audit_field f[] = {
		{"category", sv->category, 0},
		{"domains", d, 0},
		{"icon", sv->icon, 0},
		{"intranet", NULL, sv->intranet},
		{"name", sv->name, 0},
		{"url", sv->url, 0},
		{"accompanied", NULL, sv->accompanied},
	};
	bool ok = store_audit(st, who, action, sv->id, f, ARRAY_LEN(f));
	free(d);
	return ok;
}

/* Runs S (an insert or an update) with SV's fields as ?1..?8, then finalises it. */
static int service_step(sqlite3_stmt *s, const struct store_service *sv)
{
	char *d = domains_text(sv);
	bind_text(s, 1, sv->id);
	bind_text(s, 2, sv->name);
	bind_text(s, 3, sv->url);
	bind_text(s, 4, sv->category);
	bind_text(s, 5, sv->icon);
	bind_text(s, 6, d);
	sqlite3_bind_int(s, 7, sv->intranet);
	sqlite3_bind_int(s, 8, sv->accompanied);
	int r = sqlite3_step(s);
	sqlite3_finalize(s);
	free(d);
	return r;
}

/* Inserts SV last; inside the caller's transaction. */
static enum store_rc insert_service(struct store *st, const struct store_service *sv)
{
	if (store_int(st, "SELECT count(*) FROM services", 0) >= SVC_MAX)
		return STORE_LIMIT;
	sqlite3_stmt *s = db_prepare(
		st->db,
		"INSERT INTO services(id, position, name, url, category, icon, domains, intranet,"
		" accompanied) VALUES (?1, (SELECT coalesce(max(position), -1) + 1 FROM services),"
		" ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
	int r = service_step(s, sv);
	if ((r & 0xff) == SQLITE_CONSTRAINT)
		return STORE_CONFLICT;
	return r == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

enum store_rc store_service_add(struct store *st, const struct store_actor *who,
				const struct store_service *sv)
{
	if (!store_tx_begin(st))
		return STORE_ERROR;
	enum store_rc rc = insert_service(st, sv);
	if (rc == STORE_OK && (!version_bump(st) || !audit_service(st, who, "service.add", sv)))
		rc = STORE_ERROR;
	return store_tx_end(st, rc);
}

enum store_rc store_service_update(struct store *st, const struct store_actor *who,
				   const struct store_service *sv, const char *action,
				   const struct audit_field *detail, size_t n)
{
	if (!store_tx_begin(st))
		return STORE_ERROR;
	sqlite3_stmt *s = db_prepare(st->db, "UPDATE services SET name = ?2, url = ?3,"
					     " category = ?4, icon = ?5, domains = ?6,"
					     " intranet = ?7, accompanied = ?8 WHERE id = ?1");
	int r = service_step(s, sv);
	enum store_rc rc = STORE_ERROR;
	if ((r & 0xff) == SQLITE_CONSTRAINT)
		rc = STORE_CONFLICT;
	else if (r == SQLITE_DONE)
		rc = sqlite3_changes(st->db) == 1 ? STORE_OK : STORE_NOT_FOUND;
	if (rc == STORE_OK &&
	    (!version_bump(st) || !(detail ? store_audit(st, who, action, sv->id, detail, n)
					   : audit_service(st, who, action, sv))))
		rc = STORE_ERROR;
	return store_tx_end(st, rc);
}

enum store_rc store_service_move(struct store *st, const struct store_actor *who, const char *id,
				 int64_t position)
{
	if (!store_tx_begin(st))
		return STORE_ERROR;
	/* Renumbers the list 0..n-1 with ID at POSITION. */
	sqlite3_stmt *s = db_prepare(st->db, "SELECT id FROM services ORDER BY position, id");
	char ids[SVC_MAX][SVC_ID_MAX + 1];
	size_t n = 0, at = SVC_MAX;
	while (sqlite3_step(s) == SQLITE_ROW && n < SVC_MAX) {
		copy_col(ids[n], sizeof(ids[0]), s, 0);
		if (strcmp(ids[n], id) == 0)
			at = n;
		n++;
	}
	sqlite3_finalize(s);
	if (at == SVC_MAX)
		return store_tx_end(st, STORE_NOT_FOUND);
	if (position > (int64_t)n - 1)
		position = (int64_t)n - 1;
	char moved[SVC_ID_MAX + 1];
	memcpy(moved, ids[at], sizeof(moved));
	memmove(ids[at], ids[at + 1], (n - at - 1) * sizeof(ids[0]));
	memmove(ids[position + 1], ids[position], (n - 1 - (size_t)position) * sizeof(ids[0]));
	memcpy(ids[position], moved, sizeof(moved));
	bool ok = true;
	s = db_prepare(st->db, "UPDATE services SET position = ? WHERE id = ?");
	for (size_t i = 0; ok && i < n; i++) {
		sqlite3_bind_int64(s, 1, (int64_t)i);
		bind_text(s, 2, ids[i]);
		ok = sqlite3_step(s) == SQLITE_DONE;
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
	const struct audit_field f[] = {{"position", NULL, position}};
	ok = ok && version_bump(st) && store_audit(st, who, "service.move", id, f, ARRAY_LEN(f));
	return store_tx_end(st, ok ? STORE_OK : STORE_ERROR);
}

enum store_rc store_service_remove(struct store *st, const struct store_actor *who, const char *id)
{
	if (!store_tx_begin(st))
		return STORE_ERROR;
	sqlite3_stmt *s = db_prepare(st->db, "DELETE FROM services WHERE id = ?");
	bind_text(s, 1, id);
	int r = sqlite3_step(s);
	sqlite3_finalize(s);
	enum store_rc rc = r != SQLITE_DONE               ? STORE_ERROR
			   : sqlite3_changes(st->db) == 0 ? STORE_NOT_FOUND
							  : STORE_OK;
	if (rc == STORE_OK &&
	    (!version_bump(st) || !store_audit(st, who, "service.remove", id, NULL, 0)))
		rc = STORE_ERROR;
	return store_tx_end(st, rc);
}

bool store_services_seed(struct store *st, const struct store_service *list, size_t n,
			 const char *source, bool *loaded)
{
	*loaded = false;
	if (!store_tx_begin(st))
		return false;
	/* Once only: a list emptied by the staff stays empty. */
	if (store_int(st, "SELECT count(*) FROM meta WHERE key = 'services_version'", 0) > 0)
		return store_tx_end(st, STORE_OK) == STORE_OK;
	enum store_rc rc = STORE_OK;
	for (size_t i = 0; rc == STORE_OK && i < n; i++) {
		rc = insert_service(st, &list[i]);
		if (rc == STORE_CONFLICT)
			log_warnx("%s: service '%s' is listed twice; the first is kept", source,
				  list[i].id);
		if (rc == STORE_CONFLICT)
			rc = STORE_OK;
	}
	const struct audit_field f[] = {
		{"services", NULL, store_int(st, "SELECT count(*) FROM services", 0)}};
	if (rc == STORE_OK && (!version_bump(st) ||
			       !store_audit(st, NULL, "service.import", source, f, ARRAY_LEN(f))))
		rc = STORE_ERROR;
	*loaded = rc == STORE_OK;
	return store_tx_end(st, rc) == STORE_OK;
}
