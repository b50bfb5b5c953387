/* db: opening SQLite files the escale way (WAL, foreign keys, busy timeout). */
#ifndef ESCALE_DB_H
#define ESCALE_DB_H

#include <sqlite3.h>
#include <stdbool.h>

/* Opens PATH read-write (creating it) or read-only; logs and returns NULL on failure. */
sqlite3 *db_open(const char *path, bool readonly);
/* Runs SQL (no results); logs the error with WHAT on failure. */
bool db_exec(sqlite3 *db, const char *sql, const char *what);
/* Prepares SQL or dies: statements are fixed strings, so failure is a bug. */
sqlite3_stmt *db_prepare(sqlite3 *db, const char *sql);
/* Copies the whole database into DEST with the online backup API. */
bool db_backup(sqlite3 *db, const char *dest);

#endif
