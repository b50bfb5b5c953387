/* web: the staff pages (admin/web/), read once at start and served from memory. */
#ifndef ESCALE_WEB_H
#define ESCALE_WEB_H

#include <stdbool.h>

#include "http.h"

#define WEB_MAX_FILES     64
#define WEB_MAX_FILE_SIZE (1 << 20)

struct web_files;

/* Reads every servable file of ROOT (names [a-z0-9_-]+.(html|css|js|svg));
 * NULL, logged, when ROOT cannot be read or holds no index.html. */
struct web_files *web_load(const char *root);
void web_free(struct web_files *w);
/* True when the name is one the pages may have (the file need not exist). */
bool web_name_ok(const char *name);
/* Replies to a GET or HEAD of a page; false when PATH is not one. */
bool web_serve(struct web_files *w, struct http_req *r);

#endif
