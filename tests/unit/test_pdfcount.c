/* test_pdfcount: the page counter runs apart; a crash, a hang or a failure of it is seen as such. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pdfcount.h"
#include "test.h"

static char dir[] = "/tmp/escale-pdfcount-XXXXXX";

/* A stand-in helper: a shell script of BODY. */
static char *script(const char *name, const char *body)
{
	static char path[256];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (!f)
		return path;
	fprintf(f, "#!/bin/sh\n%s\n", body);
	fclose(f);
	chmod(path, 0700);
	return path;
}

static int64_t count(const char *helper, const char *file, int64_t timeout_ms, char *err)
{
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "%s: cannot open\n", file);
		return -3;
	}
	int64_t n = pdfcount_pages(helper, fd, timeout_ms, err, 200);
	close(fd);
	return n;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: test_pdfcount HELPER CORPUS_DIR\n");
		return 2;
	}
	const char *helper = argv[1];
	char three[512], damaged[512], text[512], err[200];
	snprintf(three, sizeof(three), "%s/three.pdf", argv[2]);
	snprintf(damaged, sizeof(damaged), "%s/damaged.pdf", argv[2]);
	snprintf(text, sizeof(text), "%s/text", argv[2]);
	if (!mkdtemp(dir))
		return 2;

	CHECK(count(helper, three, 20000, err) == 3);
	CHECK(count(helper, damaged, 20000, err) == -1 && strstr(err, "damaged PDF"));
	CHECK(count(helper, text, 20000, err) == -1 && strstr(err, "not a PDF"));
	/* A helper that hangs is killed at the deadline: damaged. */
	CHECK(count(script("hang", "exec sleep 60"), three, 300, err) == -1 &&
	      strstr(err, "took more than 0.3 s"));
	/* One that answers, then does not exit. */
	CHECK(count(script("linger", "echo pages 2; exec 1>&-; exec sleep 60"), three, 300, err) ==
		      -1 &&
	      strstr(err, "took more than"));
	/* One that crashes (a parser bug reached by the document): damaged. */
	CHECK(count(script("crash", "kill -SEGV $$"), three, 20000, err) == -1 &&
	      strstr(err, "signal 11"));
	/* One that answers nonsense, or too much: damaged, not a page count. */
	CHECK(count(script("noise", "echo pages 3x; echo pages 5"), three, 20000, err) == -1);
	CHECK(count(script("twice", "echo pages 1; echo pages 1"), three, 20000, err) == -1);
	CHECK(count(script("flood", "yes pages 1 | head -c 100000"), three, 20000, err) < 0);
	/* Its own failure, or a missing helper: not the document's fault. */
	CHECK(count(script("fail", "exit 1"), three, 20000, err) == -2);
	CHECK(count("/nonexistent/escale-pdfpages", three, 20000, err) == -2);
	/* The helper sees nothing of ours: no descriptor but its three, no
	 * environment. */
	int leak = open(three, O_RDONLY); /* without O_CLOEXEC on purpose */
	CHECK(count(script("fds", "test -e /proc/self/fd/3 && exit 1; "
				  "test -n \"$ASAN_OPTIONS$HOME\" && exit 1; echo pages 7"),
		    three, 20000, err) == 7);
	close(leak);

	/* The real helper's seccomp filter refuses a file, a socket, a process. */
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "env -i %s --check >/dev/null", helper);
	CHECK(system(cmd) == 0);

	char rm[300];
	snprintf(rm, sizeof(rm), "rm -rf %s", dir);
	if (system(rm) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return TEST_DONE();
}
