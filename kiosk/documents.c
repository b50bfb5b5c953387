/* documents: the session's Documents folder, listed for --status. */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "documents.h"
#include "util.h"

char *documents_dir(const char *session_dir)
{
	return xasprintf("%s/home/Documents", session_dir);
}

bool documents_shown(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n >= sizeof(((struct document *)0)->name) || name[0] == '.')
		return false;
	static const char partial[] = ".crdownload";
	if (n >= sizeof(partial) - 1 && strcmp(name + n - (sizeof(partial) - 1), partial) == 0)
		return false;
	for (const unsigned char *s = (const unsigned char *)name; *s; s++)
		if (*s < 0x20 || *s == 0x7f || *s == '/')
			return false;
	return true;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct document *)a)->name, ((const struct document *)b)->name);
}

int documents_list(const char *dir, struct document *out, int max)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -1;
	}
	int n = 0;
	struct dirent *e;
	while (n < max && (e = readdir(d))) {
		struct stat st;
		if (!documents_shown(e->d_name) ||
		    fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISREG(st.st_mode))
			continue;
		struct document *doc = &out[n++];
		memset(doc, 0, sizeof(*doc));
		strcpy(doc->name, e->d_name); /* shorter than name: documents_shown */
		doc->bytes = (long long)st.st_size;
		doc->pages = -1;
	}
	closedir(d);
	qsort(out, (size_t)n, sizeof(*out), by_name);
	return n;
}

int documents_own_pdf_pages(const char *path)
{
	/* cairo writes "/Type /Pages" once and "/Type /Page" per page; a scan's PDF is small
	 * (the images are in streams, which may hold those bytes too: the kiosk counts only
	 * files it wrote, in its "/Count N" of the page tree instead). */
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < 16 ||
	    st.st_size > 256LL << 20) {
		close(fd);
		return -1;
	}
	/* The page tree is in the file's last part, after the images. */
	char tail[4096];
	off_t from =
		st.st_size > (off_t)sizeof(tail) - 1 ? st.st_size - (off_t)sizeof(tail) + 1 : 0;
	ssize_t got = pread(fd, tail, sizeof(tail) - 1, from);
	close(fd);
	if (got <= 0)
		return -1;
	tail[got] = '\0';
	for (ssize_t i = 0; i < got; i++)
		if (tail[i] == '\0')
			tail[i] = ' ';
	const char *p = strstr(tail, "/Type /Pages");
	const char *c = p ? strstr(p, "/Count ") : NULL;
	if (!c)
		return -1;
	char *end;
	long v = strtol(c + 7, &end, 10);
	return end != c + 7 && v >= 0 && v < 100000 ? (int)v : -1;
}
