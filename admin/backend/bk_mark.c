/* bk_mark: release marks (HMAC-SHA512-256, libsodium crypto_auth) and the
 * reading of cupsd's options string. */
#include "bk_mark.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The bytes authenticated: every field on its own line (a queue name has no
 * newline: cupsd and admind's config both refuse one). */
static int mark_message(const struct bk_job *job, long pages, long docs, char *msg, size_t n)
{
	return snprintf(msg, n, "escale-release v1\n%s\n%ld\n%lld\n%ld\n%ld\n", job->printer,
			job->job_id, job->created, pages, docs);
}

static bool fields_ok(const struct bk_job *job, long pages, long docs)
{
	return job->printer && *job->printer && strlen(job->printer) < 128 &&
	       !strchr(job->printer, '\n') && job->job_id > 0 && job->created >= 0 && pages > 0 &&
	       pages <= BK_MARK_PAGES_MAX && docs > 0 && docs <= BK_MARK_DOCS_MAX;
}

bool bk_mark_make(const uint8_t key[BK_MARK_KEY_LEN], const struct bk_job *job, long pages,
		  long docs, char *out, size_t outlen)
{
	char msg[256];
	unsigned char tag[crypto_auth_BYTES];
	if (!fields_ok(job, pages, docs))
		return false;
	int m = mark_message(job, pages, docs, msg, sizeof(msg));
	if (m < 0 || (size_t)m >= sizeof(msg))
		return false;
	crypto_auth(tag, (const unsigned char *)msg, (unsigned long long)m, key);
	int n = snprintf(out, outlen, "v1-%ld-%ld-", pages, docs);
	if (n < 0 || (size_t)n + 2 * sizeof(tag) >= outlen)
		return false;
	sodium_bin2hex(out + n, outlen - (size_t)n, tag, sizeof(tag));
	return true;
}

/* A decimal number of 1 to MAXDIGITS digits at *P, no leading zero. */
static bool number(const char **p, const char *end, int maxdigits, long *out)
{
	long v = 0;
	int digits = 0;
	if (*p < end && **p == '0')
		return false;
	while (*p < end && **p >= '0' && **p <= '9') {
		if (++digits > maxdigits)
			return false;
		v = v * 10 + (**p - '0');
		(*p)++;
	}
	*out = v;
	return digits > 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

bool bk_mark_check(const uint8_t key[BK_MARK_KEY_LEN], const struct bk_job *job, const char *mark,
		   size_t len, long *pages, long *docs)
{
	const char *p = mark, *end = mark + len;
	unsigned char tag[crypto_auth_BYTES];
	char msg[256];
	long pg, dc;
	if (len > BK_MARK_MAX || len < 3 || memcmp(p, "v1-", 3) != 0)
		return false;
	p += 3;
	if (!number(&p, end, 8, &pg) || p >= end || *p++ != '-' || !number(&p, end, 3, &dc) ||
	    p >= end || *p++ != '-' || (size_t)(end - p) != 2 * sizeof(tag))
		return false;
	for (size_t i = 0; i < sizeof(tag); i++) {
		int hi = hexval(p[2 * i]), lo = hexval(p[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		tag[i] = (unsigned char)(hi << 4 | lo);
	}
	if (!fields_ok(job, pg, dc))
		return false;
	int m = mark_message(job, pg, dc, msg, sizeof(msg));
	if (m < 0 || (size_t)m >= sizeof(msg) ||
	    crypto_auth_verify(tag, (const unsigned char *)msg, (unsigned long long)m, key) != 0)
		return false;
	*pages = pg;
	*docs = dc;
	return true;
}

int bk_option(const char *opt, size_t len, const char *name, char *out, size_t outlen)
{
	size_t nlen = strlen(name), i = 0;
	int found = 0;
	if (len > BK_OPTIONS_MAX || outlen == 0 || nlen == 0 || nlen > 127)
		return -1;
	while (i < len) {
		while (i < len && opt[i] == ' ')
			i++;
		if (i >= len)
			break;
		/* The name, up to an unescaped '=' or space (cupsd does not escape
		 * names: a backslash in one is read as an escape, as in values). */
		char nbuf[128];
		size_t nn = 0;
		bool nlong = false;
		while (i < len && opt[i] != '=' && opt[i] != ' ') {
			char c = opt[i];
			if (c == '\\' && ++i >= len)
				return -1;
			c = opt[i++];
			if (nn < sizeof(nbuf))
				nbuf[nn++] = c;
			else
				nlong = true;
		}
		bool match = !nlong && nn == nlen && memcmp(nbuf, name, nlen) == 0;
		size_t vn = 0;
		bool vlong = false;
		if (i < len && opt[i] == '=') {
			i++;
			while (i < len && opt[i] != ' ') {
				char c = opt[i];
				if (c == '\\' && ++i >= len)
					return -1;
				c = opt[i++];
				if (!match)
					continue;
				if (vn + 1 < outlen)
					out[vn++] = c;
				else
					vlong = true;
			}
		}
		if (match) {
			/* Twice: someone's attribute name smuggled in a second one. */
			if (vlong || ++found > 1)
				return -1;
			out[vn] = '\0';
		}
	}
	return found;
}

bool bk_mark_key_load(const char *path, uint8_t key[BK_MARK_KEY_LEN], char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open the release key %s: %s", path, strerror(errno));
		return false;
	}
	struct stat sb;
	bool ok = false;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))
		snprintf(err, errlen, "the release key %s is not a regular file", path);
	else if (sb.st_mode & (S_IWGRP | S_IRWXO))
		snprintf(err, errlen,
			 "the release key %s is open to other users (mode %o): chmod 600 it", path,
			 (unsigned)(sb.st_mode & 07777));
	else if (sb.st_size != BK_MARK_KEY_LEN || read(fd, key, BK_MARK_KEY_LEN) != BK_MARK_KEY_LEN)
		snprintf(err, errlen, "the release key %s must be exactly %d bytes", path,
			 BK_MARK_KEY_LEN);
	else
		ok = true;
	close(fd);
	return ok;
}
