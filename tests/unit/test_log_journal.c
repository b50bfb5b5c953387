/* test_log_journal: lines to the journal carry their priority (<3> <4> <6> <7>) and no date;
 * lines elsewhere, events included, carry a date and no priority. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "test.h"

/* Logs with stderr on a fresh file; returns what was written (to free). */
static char *logged(bool journal)
{
	char path[] = "/tmp/escale-test-log-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return NULL;
	unlink(path);
	int saved = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);
	struct stat st;
	fstat(fd, &st);
	char js[64];
	/* A stream that is not stderr's (another inode) must not count as the journal. */
	snprintf(js, sizeof(js), "%llu:%llu", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino + (journal ? 0 : 1));
	setenv("JOURNAL_STREAM", js, 1);
	log_init("escale-test", LOG_LVL_DEBUG);
	log_warnx("a jam on %s", "escale");
	log_info("started");
	log_debug("detail");
	/* An event goes to the journal's socket when stderr is the journal (the
	 * fresh-system test reads it back by its MESSAGE_ID); elsewhere it is a line. */
	if (!journal)
		log_event(LOG_LVL_ERROR, LOG_ID_DATABASE_DOWN, "the database does not answer");
	dup2(saved, STDERR_FILENO);
	close(saved);
	char *buf = calloc(1, 4096);
	if (buf && pread(fd, buf, 4095, 0) < 0)
		buf[0] = '\0';
	close(fd);
	return buf;
}

int main(void)
{
	char *j = logged(true);
	CHECK(j && strcmp(j, "<4>escale-test: warning: a jam on escale\n"
			     "<6>escale-test: started\n"
			     "<7>escale-test: debug: detail\n") == 0);
	if (j && test_failures)
		fprintf(stderr, "journal: %s", j);
	free(j);
	char *f = logged(false);
	/* "YYYY-MM-DD HH:MM:SS escale-test: ..." */
	CHECK(f && strlen(f) > 20 && f[4] == '-' && f[13] == ':' && f[19] == ' ' &&
	      strncmp(f + 20, "escale-test: warning: a jam on escale\n", 38) == 0);
	CHECK(f && !strchr(f, '<'));
	CHECK(f && strstr(f, " escale-test: error: the database does not answer\n"));
	free(f);
	return TEST_DONE();
}
