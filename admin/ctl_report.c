/* ctl_report: escalectl's maintenance commands (usage, stats, audit, backup). */
#include "ctl.h"
#include "db.h"
#include "log.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* admind answers at most this many audit entries. */
#define CTL_MAX_AUDIT 10000

/* --from and --to: checked here so a typo is a usage error, not a 400. */
static bool ctl_period(const struct ctl *c, const char *from, const char *to)
{
	int64_t f = 0, t = 0;
	if (from && !date_parse_local(from, &f)) {
		ctl_usage(c, "--from: expected YYYY-MM-DD, not '%s'", from);
		return false;
	}
	if (to && !date_parse_local(to, &t)) {
		ctl_usage(c, "--to: expected YYYY-MM-DD, not '%s'", to);
		return false;
	}
	if (from && to && f > t) {
		ctl_usage(c, "--from %s is after --to %s", from, to);
		return false;
	}
	return true;
}

/* PATH with the period added to its query (dates are checked, so they need
 * no escaping). */
static char *ctl_period_path(const char *path, const char *from, const char *to)
{
	char sep = strchr(path, '?') ? '&' : '?';
	if (from && to)
		return xasprintf("%s%cfrom=%s&to=%s", path, sep, from, to);
	if (from)
		return xasprintf("%s%cfrom=%s", path, sep, from);
	if (to)
		return xasprintf("%s%cto=%s", path, sep, to);
	return xstrdup(path);
}

static bool ctl_to_stdout(void *arg, const char *p, size_t n)
{
	(void)arg;
	if (fwrite(p, 1, n, stdout) == n)
		return true;
	if (errno != EPIPE) /* a reader that stopped (| head) is not an error to report */
		ctl_fail("standard output: %s", strerror(errno));
	return false;
}

int ctl_usage_cmd(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"from", required_argument, NULL, 'f'},
		{"to", required_argument, NULL, 't'},
		{"format", required_argument, NULL, 'o'},
		{NULL, 0, NULL, 0},
	};
	const char *from = NULL, *to = NULL, *format = "csv";
	int ch;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			from = optarg;
			break;
		case 't':
			to = optarg;
			break;
		case 'o':
			format = optarg;
			break;
		default:
			return ctl_usage(c, NULL);
		}
	}
	if (!ctl_nargs(c, argc, argv, 0, 0) || !ctl_period(c, from, to))
		return CTL_USAGE;
	if (strcmp(format, "csv") != 0 && strcmp(format, "json") != 0)
		return ctl_usage(c, "--format: expected csv or json, not '%s'", format);
	char *base = xasprintf("/api/v1/usage?format=%s", format);
	char *path = ctl_period_path(base, from, to);
	int rc = ctl_download(c, path, ctl_to_stdout, NULL);
	free(path);
	free(base);
	return rc;
}

int ctl_stats(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"from", required_argument, NULL, 'f'},
		{"to", required_argument, NULL, 't'},
		{NULL, 0, NULL, 0},
	};
	const char *from = NULL, *to = NULL;
	json_t *ans = NULL;
	char *path = NULL, *text = NULL;
	int ch, rc = CTL_ERR;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'f')
			from = optarg;
		else if (ch == 't')
			to = optarg;
		else
			return ctl_usage(c, NULL);
	}
	if (!ctl_nargs(c, argc, argv, 0, 0) || !ctl_period(c, from, to))
		return CTL_USAGE;
	path = ctl_period_path("/api/v1/stats", from, to);
	if ((rc = ctl_get(c, path, &ans)) != CTL_OK)
		goto out;
	rc = CTL_ERR;
	if (!json_is_object(ans)) {
		ctl_fail("unexpected answer from escale-admind: no statistics");
		goto out;
	}
	/* ASCII only: no control character from the server reaches the terminal. */
	if (!(text = json_dumps(ans, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII)))
		fatalx("out of memory");
	puts(text);
	rc = CTL_OK;
out:
	free(text);
	free(path);
	json_decref(ans);
	return rc;
}

int ctl_audit(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {{"limit", required_argument, NULL, 'l'},
					     {NULL, 0, NULL, 0}};
	json_t *ans = NULL, *list, *e;
	char *path = NULL;
	int64_t limit = 0;
	int ch, rc = CTL_ERR;
	size_t i;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch != 'l')
			return ctl_usage(c, NULL);
		if (!ctl_num(c, "--limit", optarg, 1, CTL_MAX_AUDIT, &limit))
			return CTL_USAGE;
	}
	if (!ctl_nargs(c, argc, argv, 0, 0))
		return CTL_USAGE;
	path = limit ? xasprintf("/api/v1/audit?limit=%lld", (long long)limit)
		     : xstrdup("/api/v1/audit");
	if ((rc = ctl_get_list(c, path, "audit", &ans, &list)) != CTL_OK)
		goto out;
	json_array_foreach (list, i, e) {
		ctl_out_value(json_object_get(e, "id"));
		ctl_out_tab();
		ctl_out_time(json_object_get(e, "at"));
		ctl_out_tab();
		ctl_out_value(json_object_get(e, "user"));
		ctl_out_tab();
		ctl_out_value(json_object_get(e, "action"));
		ctl_out_tab();
		ctl_out_value(json_object_get(e, "target"));
		ctl_out_tab();
		ctl_out_value(json_object_get(e, "detail"));
		ctl_out_end();
	}
	rc = CTL_OK;
out:
	free(path);
	json_decref(ans);
	return rc;
}

/* The downloaded backup: written as it comes, its first bytes kept to check
 * that it is an SQLite database and not, say, a proxy's error page. */
struct ctl_backup_file {
	const char *path;
	int fd;
	char head[16];
	size_t len;
};

static const char ctl_sqlite_magic[16] = "SQLite format 3";

static bool ctl_to_file(void *arg, const char *p, size_t n)
{
	struct ctl_backup_file *b = arg;
	if (b->len < sizeof(b->head)) {
		size_t k = n < sizeof(b->head) - b->len ? n : sizeof(b->head) - b->len;
		memcpy(b->head + b->len, p, k);
	}
	b->len += n;
	while (n > 0) {
		ssize_t w = write(b->fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			ctl_fail("%s: %s", b->path, strerror(errno));
			return false;
		}
		p += w;
		n -= (size_t)w;
	}
	return true;
}

/* Moves TMP to FILE unless FILE appeared meanwhile, then syncs the directory. */
static int ctl_publish(const char *tmp, const char *file)
{
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, file, RENAME_NOREPLACE) != 0) {
		/* File systems without RENAME_NOREPLACE: a hard link also refuses to replace. */
		if ((errno != EINVAL && errno != ENOSYS) || link(tmp, file) != 0)
			return errno == EEXIST ? ctl_fail("%s already exists", file)
					       : ctl_fail("%s: %s", file, strerror(errno));
		unlink(tmp);
	}
	char *dir_buf = xstrdup(file);
	int dfd = open(dirname(dir_buf), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	free(dir_buf);
	printf("backup written to %s\n", file);
	return CTL_OK;
}

static int ctl_backup_local(struct ctl *c, const char *tmp)
{
	/* Plainer than SQLite's "unable to open database file". */
	if (access(c->db, R_OK) != 0)
		return ctl_fail("%s: %s", c->db, strerror(errno));
	sqlite3 *db = db_open(c->db, true);
	if (!db)
		return ctl_fail("cannot open the database %s", c->db);
	/* An empty or foreign file is not an escale database to back up. */
	sqlite3_stmt *s = NULL;
	bool ours = sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE name = 'kiosks'", -1,
				       &s, NULL) == SQLITE_OK &&
		    sqlite3_step(s) == SQLITE_ROW;
	sqlite3_finalize(s);
	bool ok = ours && db_backup(db, tmp);
	sqlite3_close(db);
	if (!ours)
		return ctl_fail("%s is not an escale database", c->db);
	return ok ? CTL_OK : ctl_fail("backup of %s into %s failed", c->db, tmp);
}

static int ctl_backup_remote(struct ctl *c, const char *tmp, int fd)
{
	struct ctl_backup_file b = {.path = tmp, .fd = fd};
	int rc = ctl_download(c, "/api/v1/backup", ctl_to_file, &b);
	if (rc != CTL_OK)
		return rc;
	if (b.len < sizeof(b.head) || memcmp(b.head, ctl_sqlite_magic, sizeof(b.head)) != 0)
		return ctl_fail("the answer from %s is not an SQLite database", c->url);
	if (fsync(fd) != 0)
		return ctl_fail("%s: %s", tmp, strerror(errno));
	return CTL_OK;
}

int ctl_backup(struct ctl *c, int argc, char **argv)
{
	struct stat sb;
	char *tmp = NULL;
	int fd = -1, rc = CTL_ERR;

	if (!ctl_args(c, argc, argv, 1, 1))
		return CTL_USAGE;
	const char *file = argv[optind];
	if (!*file)
		return ctl_usage(c, "FILE must not be empty");
	if (lstat(file, &sb) == 0)
		return ctl_fail("%s already exists; not overwriting it", file);
	if (errno != ENOENT)
		return ctl_fail("%s: %s", file, strerror(errno));
	tmp = xasprintf("%s.XXXXXX", file);
	/* A new file of our own (never one someone else left there), 0600 from
	 * the start: a backup holds token and code hashes. */
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd >= 0 && fchmod(fd, 0600) != 0) {
		close(fd);
		fd = -1;
	}
	if (fd < 0) {
		ctl_fail("%s: %s", tmp, strerror(errno));
		goto out;
	}
	rc = c->db ? ctl_backup_local(c, tmp) : ctl_backup_remote(c, tmp, fd);
	if (close(fd) != 0 && rc == CTL_OK)
		rc = ctl_fail("%s: %s", tmp, strerror(errno));
	fd = -1;
	if (rc == CTL_OK)
		rc = ctl_publish(tmp, file);
	if (rc != CTL_OK)
		unlink(tmp);
out:
	if (fd >= 0)
		close(fd);
	free(tmp);
	return rc;
}
