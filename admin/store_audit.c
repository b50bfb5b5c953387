/* store_audit: the audit log: its lines, their detail and the list the desk reads. */
#include "store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "util.h"

/* TEXT as a JSON string, escaped as jansson escapes it (no flag): quote,
 * backslash and the control characters; the rest, UTF-8 included, as is. */
static void put_string(FILE *f, const char *text)
{
	fputc('"', f);
	/* Each of SPECIAL is written as a backslash and the LETTER at its place. */
	static const char special[] = "\"\\\b\f\n\r\t", letter[] = "\"\\bfnrt";
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		const char *e = strchr(special, *p);
		if (e)
			fprintf(f, "\\%c", letter[e - special]);
		else if (*p < 0x20)
			fprintf(f, "\\u%04X", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

static int field_cmp(const void *a, const void *b)
{
	return strcmp(((const struct audit_field *)a)->key, ((const struct audit_field *)b)->key);
}

char *store_audit_detail(const struct audit_field *fields, size_t n)
{
	if (n == 0 || n > STORE_AUDIT_FIELDS)
		return NULL;
	struct audit_field sorted[STORE_AUDIT_FIELDS];
	memcpy(sorted, fields, n * sizeof(*fields));
	qsort(sorted, n, sizeof(*sorted), field_cmp);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		fputc(i ? ',' : '{', f);
		put_string(f, sorted[i].key);
		fputc(':', f);
		if (sorted[i].text)
			put_string(f, sorted[i].text);
		else
			fprintf(f, "%lld", (long long)sorted[i].num);
	}
	fputc('}', f);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

bool store_audit(struct store *st, const struct store_actor *who, const char *action,
		 const char *target, const struct audit_field *detail, size_t n)
{
	static const char sql[] =
		"INSERT INTO audit(at, user_id, user_name, action, target, detail)"
		" VALUES (?, ?, ?, ?, ?, ?)";
	sqlite3_stmt *s = db_prepare(st->db, sql);
	char *d = store_audit_detail(detail, n);
	sqlite3_bind_int64(s, 1, now_s());
	if (who && who->user_id)
		sqlite3_bind_int64(s, 2, who->user_id);
	bind_text(s, 3, who ? who->name : "system");
	bind_text(s, 4, action);
	bind_text(s, 5, target);
	bind_text(s, 6, d);
	bool ok = sqlite3_step(s) == SQLITE_DONE;
	if (!ok)
		log_warnx("audit: %s", sqlite3_errmsg(st->db));
	sqlite3_finalize(s);
	free(d);
	return ok;
}

void store_audit_list(struct store *st, int64_t limit, struct store_audit_rows *out)
{
	*out = (struct store_audit_rows){0};
	store_lock(st);
	sqlite3_stmt *s =
		db_prepare(st->db, "SELECT id, at, user_name, action, target, detail FROM audit"
				   " ORDER BY id DESC LIMIT ?");
	sqlite3_bind_int64(s, 1, limit);
	while (sqlite3_step(s) == SQLITE_ROW) {
		out->v = store_grow(out->v, out->n, sizeof(*out->v));
		out->v[out->n++] = (struct store_audit_row){
			.id = sqlite3_column_int64(s, 0),
			.at = sqlite3_column_int64(s, 1),
			.user = store_col_dup(s, 2),
			.action = store_col_dup(s, 3),
			.target = store_col_dup(s, 4),
			.detail = store_col_dup(s, 5),
		};
	}
	sqlite3_finalize(s);
	store_unlock(st);
}

void store_audit_rows_free(struct store_audit_rows *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].user);
		free(l->v[i].action);
		free(l->v[i].target);
		free(l->v[i].detail);
	}
	free(l->v);
	*l = (struct store_audit_rows){0};
}

bool store_audit_kiosk(struct store *st, const struct store_actor *who, const char *action,
		       const char *target, int64_t kiosk, const struct audit_field *detail,
		       size_t n)
{
	struct audit_field d[STORE_AUDIT_FIELDS];
	if (n >= STORE_AUDIT_FIELDS)
		return false;
	char *site = NULL;
	sqlite3_stmt *s = db_prepare(st->db, "SELECT site FROM kiosks WHERE id = ?");
	sqlite3_bind_int64(s, 1, kiosk);
	if (sqlite3_step(s) == SQLITE_ROW)
		site = store_col_dup(s, 0);
	sqlite3_finalize(s);
	for (size_t i = 0; i < n; i++)
		d[i] = detail[i];
	d[n] = (struct audit_field){"site", site ? site : "", 0};
	bool ok = store_audit(st, who, action, target, d, n + 1);
	free(site);
	return ok;
}
