/* store_printers: the printers added at run time. */
#include "store_printers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "store_internal.h"
#include "util.h"

bool printer_server_parse(const char *s, char out[PRINTER_SERVER_MAX + 1])
{
	size_t n = strlen(s);
	if (n < 1 || n > PRINTER_SERVER_MAX - 4)
		return false;
	const char *port = NULL;
	size_t hostlen;
	if (s[0] == '[') {
		const char *end = strchr(s, ']');
		if (!end || end == s + 1 ||
		    strspn(s + 1, "0123456789abcdefABCDEF:.") != (size_t)(end - s - 1))
			return false;
		hostlen = (size_t)(end - s) + 1;
		if (end[1] == ':')
			port = end + 2;
		else if (end[1])
			return false;
	} else {
		const char *colon = strchr(s, ':');
		hostlen = colon ? (size_t)(colon - s) : n;
		if (colon)
			port = colon + 1;
		if (hostlen == 0 ||
		    strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.") !=
			    hostlen ||
		    s[0] == '-' || s[0] == '.' || s[hostlen - 1] == '-' || strstr(s, ".."))
			return false;
	}
	int64_t p = 631;
	if (port && (!*port || strspn(port, "0123456789") != strlen(port) || strlen(port) > 5 ||
		     !parse_i64(port, 1, 65535, &p)))
		return false;
	snprintf(out, PRINTER_SERVER_MAX + 1, "%.*s:%lld", (int)hostlen, s, (long long)p);
	return true;
}

static void copy_col(sqlite3_stmt *s, int i, char *out, size_t size)
{
	const char *v = (const char *)sqlite3_column_text(s, i);
	snprintf(out, size, "%s", v ? v : "");
}

bool store_printers_list(struct store *st, struct store_printer *out, size_t max, size_t *n)
{
	*n = 0;
	store_lock(st);
	sqlite3_stmt *s = store_stmt(st, "SELECT name, site, cups_server, queue, created_at"
					 " FROM printers ORDER BY name LIMIT ?");
	sqlite3_bind_int64(s, 1, (int64_t)max);
	int r;
	while ((r = sqlite3_step(s)) == SQLITE_ROW && *n < max) {
		struct store_printer *p = &out[(*n)++];
		copy_col(s, 0, p->name, sizeof(p->name));
		copy_col(s, 1, p->site, sizeof(p->site));
		copy_col(s, 2, p->cups_server, sizeof(p->cups_server));
		copy_col(s, 3, p->queue, sizeof(p->queue));
		p->created_at = sqlite3_column_int64(s, 4);
	}
	store_release(s);
	store_unlock(st);
	return r == SQLITE_DONE || r == SQLITE_ROW;
}

enum store_rc store_printer_add(struct store *st, const struct store_actor *who,
				const struct store_printer *p, size_t max)
{
	if (!store_tx_begin(st))
		return STORE_ERROR;
	enum store_rc rc = STORE_OK;
	if (store_int(st, "SELECT count(*) FROM printers", 0) >= (int64_t)max) {
		rc = STORE_LIMIT;
	} else {
		sqlite3_stmt *s = db_prepare(st->db, "INSERT INTO printers(name, site, cups_server,"
						     " queue, created_at) VALUES (?, ?, ?, ?, ?)");
		bind_text(s, 1, p->name);
		bind_text(s, 2, p->site);
		bind_text(s, 3, p->cups_server);
		bind_text(s, 4, p->queue);
		sqlite3_bind_int64(s, 5, now_s());
		int r = sqlite3_step(s);
		sqlite3_finalize(s);
		rc = r == SQLITE_DONE         ? STORE_OK
		     : r == SQLITE_CONSTRAINT ? STORE_CONFLICT
					      : STORE_ERROR;
	}
	const struct audit_field d[] = {
		{"site", p->site, 0}, {"cups_server", p->cups_server, 0}, {"queue", p->queue, 0}};
	if (rc == STORE_OK && !store_audit(st, who, "printer.add", p->name, d, ARRAY_LEN(d)))
		rc = STORE_ERROR;
	return store_tx_end(st, rc);
}

enum store_rc store_printer_remove(struct store *st, const struct store_actor *who,
				   const char *name, int64_t *pending)
{
	*pending = 0;
	if (!store_tx_begin(st))
		return STORE_ERROR;
	char site[NAME_MAX_BYTES + 1] = "";
	sqlite3_stmt *s = db_prepare(st->db, "SELECT site FROM printers WHERE name = ?");
	bind_text(s, 1, name);
	int r = sqlite3_step(s);
	if (r == SQLITE_ROW)
		copy_col(s, 0, site, sizeof(site));
	sqlite3_finalize(s);
	enum store_rc rc = r == SQLITE_ROW    ? STORE_OK
			   : r == SQLITE_DONE ? STORE_NOT_FOUND
					      : STORE_ERROR;
	if (rc == STORE_OK && !actor_site_ok(who, site))
		rc = STORE_NOT_FOUND; /* as unknown: nothing said of other sites */
	if (rc == STORE_OK) {
		s = db_prepare(
			st->db,
			"SELECT count(*) FROM print_jobs WHERE queue = ? AND settled_at IS NULL");
		bind_text(s, 1, name);
		r = sqlite3_step(s);
		*pending = r == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
		sqlite3_finalize(s);
		rc = r != SQLITE_ROW ? STORE_ERROR : *pending ? STORE_CONFLICT : STORE_OK;
	}
	if (rc == STORE_OK) {
		s = db_prepare(st->db, "DELETE FROM printers WHERE name = ?");
		bind_text(s, 1, name);
		rc = sqlite3_step(s) == SQLITE_DONE ? STORE_OK : STORE_ERROR;
		sqlite3_finalize(s);
	}
	const struct audit_field d[] = {{"site", site, 0}};
	if (rc == STORE_OK && !store_audit(st, who, "printer.remove", name, d, ARRAY_LEN(d)))
		rc = STORE_ERROR;
	return store_tx_end(st, rc);
}
