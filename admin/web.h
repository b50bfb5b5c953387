/* web: the staff pages (admin/web/), read once at start and served from memory. */
#ifndef ESCALE_WEB_H
#define ESCALE_WEB_H

#include <stdbool.h>
#include <stddef.h>

#define WEB_MAX_FILES     64
#define WEB_MAX_FILE_SIZE (1 << 20)

struct web_files;

/* One page file, in memory for the daemon's life. */
struct web_page {
	const char *data;
	size_t len;
	const char *type; /* its Content-Type */
};

/* Reads every servable file of ROOT (names [a-z0-9_-]+.(html|css|js|svg));
 * NULL, logged, when ROOT cannot be read or holds no index.html. */
struct web_files *web_load(const char *root);
void web_free(struct web_files *w);
/* True when the name is one the pages may have (the file need not exist). */
bool web_name_ok(const char *name);
/* The page a GET or HEAD of PATH asks for ("/" is index.html); false when it is not one.
 * http.c serves it with its headers. */
bool web_find(const struct web_files *w, const char *method, const char *path,
	      struct web_page *out);

#endif
