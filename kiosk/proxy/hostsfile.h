/* hostsfile: proxy.hosts_file, hosts(5) read before DNS and trusted as written. */
#ifndef ESCALE_PROXY_HOSTSFILE_H
#define ESCALE_PROXY_HOSTSFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "decide.h"

#define HOSTSFILE_MAX_BYTES (1024 * 1024)
#define HOSTSFILE_MAX_LINES 10000
#define HOSTSFILE_MAX_LINE  1024
#define HOSTSFILE_MAX_ADDRS 8 /* addresses kept per name */

struct hosts_entry {
	char *name; /* normalized (decide_host) */
	struct sockaddr_storage addr;
};

struct hostsfile {
	struct hosts_entry *e;
	size_t n;
};

/* Parses TEXT (N bytes, not NUL-terminated). On a bad line returns false with *LINE its
 * number and WHY a reason. */
bool hostsfile_parse(struct hostsfile *hf, const char *text, size_t n, size_t *line,
		     const char **why);
/* Reads PATH; false with ERR ("FILE:LINE: why" or "FILE: why"). */
bool hostsfile_load(struct hostsfile *hf, const char *path, char *err, size_t errlen);
void hostsfile_free(struct hostsfile *hf);
/* Up to MAX addresses of NAME (normalized) into OUT, in file order (port 0); returns
 * how many. */
int hostsfile_lookup(const struct hostsfile *hf, const char *name, struct sockaddr_storage *out,
		     int max);

#endif
