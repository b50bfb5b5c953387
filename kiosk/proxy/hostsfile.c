/* hostsfile: a strict hosts(5) reader: "ADDRESS NAME [NAME...]", '#' comments. */
#include "hostsfile.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

static bool parse_addr(const char *s, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	/* inet_pton (not inet_aton): dotted quads only, no shorthand */
	if (inet_pton(AF_INET, s, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, s, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		return true;
	}
	return false;
}

static void add(struct hostsfile *hf, const char *name, const struct sockaddr_storage *a)
{
	if ((hf->n & (hf->n - 1)) == 0) /* grow at powers of two */
		hf->e = xrealloc(hf->e, (hf->n ? hf->n * 2 : 16) * sizeof(*hf->e));
	hf->e[hf->n].name = xstrdup(name);
	hf->e[hf->n].addr = *a;
	hf->n++;
}

static bool parse_line(struct hostsfile *hf, char *l, const char **why)
{
	char *hash = strchr(l, '#');
	if (hash)
		*hash = '\0';
	for (char *p = l; *p; p++) {
		if ((unsigned char)*p >= 0x80 || ((unsigned char)*p < 0x20 && *p != '\t') ||
		    *p == 0x7f) {
			*why = "a control or non-ASCII byte";
			return false;
		}
	}
	char *save = NULL;
	char *tok = strtok_r(l, " \t", &save);
	if (!tok)
		return true; /* blank or comment */
	struct sockaddr_storage a;
	if (!parse_addr(tok, &a)) {
		*why = "not an IPv4 or IPv6 address";
		return false;
	}
	int names = 0;
	while ((tok = strtok_r(NULL, " \t", &save))) {
		char norm[DECIDE_HOST_MAX + 1];
		if (decide_host(tok, strlen(tok), norm) != REFUSE_NONE) {
			*why = "not a host name";
			return false;
		}
		add(hf, norm, &a);
		names++;
	}
	if (names == 0) {
		*why = "an address without a name";
		return false;
	}
	return true;
}

bool hostsfile_parse(struct hostsfile *hf, const char *text, size_t n, size_t *line,
		     const char **why)
{
	memset(hf, 0, sizeof(*hf));
	*line = 0;
	if (n > HOSTSFILE_MAX_BYTES) {
		*why = "larger than 1 MiB";
		return false;
	}
	if (memchr(text, '\0', n)) {
		*line = 0;
		*why = "a NUL byte";
		return false;
	}
	size_t off = 0;
	char buf[HOSTSFILE_MAX_LINE + 1];
	while (off < n) {
		const char *nl = memchr(text + off, '\n', n - off);
		size_t len = nl ? (size_t)(nl - (text + off)) : n - off;
		++*line;
		if (*line > HOSTSFILE_MAX_LINES) {
			*why = "more than 10000 lines";
			goto fail;
		}
		if (len > HOSTSFILE_MAX_LINE) {
			*why = "a line longer than 1024 bytes";
			goto fail;
		}
		memcpy(buf, text + off, len);
		buf[len] = '\0';
		if (len && buf[len - 1] == '\r')
			buf[len - 1] = '\0';
		if (!parse_line(hf, buf, why))
			goto fail;
		off += len + (nl ? 1 : 0);
	}
	return true;
fail:
	hostsfile_free(hf);
	return false;
}

bool hostsfile_load(struct hostsfile *hf, const char *path, char *err, size_t errlen)
{
	memset(hf, 0, sizeof(*hf));
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return false;
	}
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > HOSTSFILE_MAX_BYTES) {
		close(fd);
		snprintf(err, errlen, "%s: not a regular file of at most 1 MiB", path);
		return false;
	}
	char *text = xmalloc((size_t)st.st_size + 1);
	size_t got = 0;
	while (got < (size_t)st.st_size + 1) {
		ssize_t r = read(fd, text + got, (size_t)st.st_size + 1 - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	size_t line;
	const char *why = "";
	bool ok = got <= HOSTSFILE_MAX_BYTES && hostsfile_parse(hf, text, got, &line, &why);
	if (!ok) {
		if (got > HOSTSFILE_MAX_BYTES)
			snprintf(err, errlen, "%s: larger than 1 MiB", path);
		else
			snprintf(err, errlen, "%s:%zu: %s", path, line, why);
	}
	free(text);
	return ok;
}

void hostsfile_free(struct hostsfile *hf)
{
	for (size_t i = 0; i < hf->n; i++)
		free(hf->e[i].name);
	free(hf->e);
	hf->e = NULL;
	hf->n = 0;
}

int hostsfile_lookup(const struct hostsfile *hf, const char *name, struct sockaddr_storage *out,
		     int max)
{
	int k = 0;
	for (size_t i = 0; i < hf->n && k < max; i++)
		if (strcmp(hf->e[i].name, name) == 0)
			out[k++] = hf->e[i].addr;
	return k;
}
