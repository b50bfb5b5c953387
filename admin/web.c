/* web: the staff pages (admin/web/), read once at start and served from memory. */
#include "web.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

struct web_file {
	char name[64];
	char *data;
	size_t len;
	const char *type;
};

struct web_files {
	struct web_file files[WEB_MAX_FILES];
	size_t n;
};

static const struct {
	const char *ext, *type;
} types[] = {
	{".html", "text/html; charset=utf-8"},
	{".css", "text/css; charset=utf-8"},
	{".js", "text/javascript; charset=utf-8"},
	{".svg", "image/svg+xml"},
};

static const char *type_of(const char *name)
{
	const char *dot = strrchr(name, '.');
	for (size_t i = 0; dot && i < ARRAY_LEN(types); i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return NULL;
}

bool web_name_ok(const char *name)
{
	size_t n = strlen(name), base = strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_-");
	return n < 64 && base > 0 && name[base] == '.' && type_of(name) &&
	       strchr(name + base + 1, '.') == NULL;
}

static bool read_file(int dir, const char *name, struct web_file *f)
{
	int fd = openat(dir, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat sb;
	bool ok = false;
	if (fd < 0 || fstat(fd, &sb) != 0) {
		log_warn("web: %s", name);
		goto out;
	}
	if (!S_ISREG(sb.st_mode) || sb.st_size > WEB_MAX_FILE_SIZE) {
		log_warnx("web: %s is not a regular file of at most %d bytes: not served", name,
			  WEB_MAX_FILE_SIZE);
		goto out;
	}
	f->data = xmalloc((size_t)sb.st_size + 1);
	size_t got = 0;
	while (got < (size_t)sb.st_size) {
		ssize_t k = read(fd, f->data + got, (size_t)sb.st_size - got);
		if (k <= 0) {
			log_warn("web: %s: short read", name);
			free(f->data);
			f->data = NULL;
			goto out;
		}
		got += (size_t)k;
	}
	f->len = got;
	memcpy(f->name, name, strlen(name) + 1); /* web_name_ok: shorter than 64 */
	f->type = type_of(name);
	ok = true;
out:
	if (fd >= 0)
		close(fd);
	return ok;
}

static struct web_file *find(struct web_files *w, const char *name)
{
	for (size_t i = 0; i < w->n; i++)
		if (strcmp(w->files[i].name, name) == 0)
			return &w->files[i];
	return NULL;
}

struct web_files *web_load(const char *root)
{
	int dir = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = dir >= 0 ? fdopendir(dup(dir)) : NULL;
	if (!d) {
		log_warn("web.root %s: the staff pages are off", root);
		if (dir >= 0)
			close(dir);
		return NULL;
	}
	struct web_files *w = xcalloc(1, sizeof(*w));
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || !web_name_ok(e->d_name))
			continue;
		if (w->n == WEB_MAX_FILES) {
			log_warnx("web.root %s: more than %d files; %s and the rest are not served",
				  root, WEB_MAX_FILES, e->d_name);
			break;
		}
		if (read_file(dir, e->d_name, &w->files[w->n]))
			w->n++;
	}
	closedir(d);
	close(dir);
	if (!find(w, "index.html")) {
		log_warnx("web.root %s has no index.html: the staff pages are off", root);
		web_free(w);
		return NULL;
	}
	log_info("web: %zu files from %s", w->n, root);
	return w;
}

void web_free(struct web_files *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->n; i++)
		free(w->files[i].data);
	free(w);
}

bool web_find(const struct web_files *w, const char *method, const char *path, struct web_page *out)
{
	if (!w || (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) || path[0] != '/')
		return false;
	const char *name = path[1] ? path + 1 : "index.html";
	const struct web_file *f = web_name_ok(name) ? find((struct web_files *)w, name) : NULL;
	if (!f)
		return false;
	*out = (struct web_page){f->data, f->len, f->type};
	return true;
}
