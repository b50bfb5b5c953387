/* test_hometile: the home page's scan tile as the kiosk sees it: its page's URL beside the
 * home page's, and an open of that one file (not a link to it, not another file) reported
 * once per batch of opens. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../unit/test.h"
#include "hometile.h"
#include "util.h"

static void test_url(void)
{
	char *u = hometile_url("file:///run/escale/session-Ab12/home/index.html");
	CHECK(u && strcmp(u, "file:///run/escale/session-Ab12/home/scan.html") == 0);
	free(u);
	u = hometile_url("file:///r%20x/home/index.html");
	CHECK(u && strcmp(u, "file:///r%20x/home/scan.html") == 0);
	free(u);
	/* Nothing to put it beside. */
	CHECK(!hometile_url(NULL));
	CHECK(!hometile_url("index.html"));
	CHECK(!hometile_url("file://"));
	CHECK(!hometile_url("/home/index.html"));
}

static bool opened(int fd, bool *gone)
{
	return hometile_opened(fd, gone);
}

static void touch_open(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	CHECK(fd >= 0);
	if (fd >= 0)
		close(fd);
}

static void test_watch(void)
{
	char dir[] = "/tmp/test_hometile-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char *page = xasprintf("%s/scan.html", dir), *other = xasprintf("%s/index.html", dir),
	     *link = xasprintf("%s/link.html", dir);
	bool gone = true;
	CHECK(hometile_watch(page) < 0); /* not there */
	FILE *f = fopen(page, "w");
	CHECK(f && fputs("<p>x</p>", f) >= 0 && fclose(f) == 0);
	f = fopen(other, "w");
	CHECK(f && fclose(f) == 0);
	CHECK(symlink(page, link) == 0);
	CHECK(hometile_watch(link) < 0); /* a link is not followed */
	CHECK(hometile_watch(dir) < 0);  /* nor a directory watched */
	int fd = hometile_watch(page);
	CHECK(fd >= 0);
	CHECK(!opened(fd, &gone) && !gone); /* nothing yet */
	touch_open(other);
	CHECK(!opened(fd, &gone) && !gone);
	/* Several opens (Chromium may open it more than once): one press. */
	touch_open(page);
	touch_open(page);
	touch_open(page);
	CHECK(opened(fd, &gone) && !gone);
	CHECK(!opened(fd, &gone));
	touch_open(link); /* the file itself, whatever the name */
	CHECK(opened(fd, &gone));
	/* Removed: the watch ends. */
	CHECK(unlink(page) == 0);
	CHECK(!opened(fd, &gone) && gone);
	close(fd);
	unlink(link);
	unlink(other);
	rmdir(dir);
	free(page);
	free(other);
	free(link);
}

int main(void)
{
	test_url();
	test_watch();
	return TEST_DONE();
}
