/* pdfpages: escale-pdfpages, the page counter of residents' PDFs, run apart from admind. */
#include <errno.h>
#include <grp.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pagecount.h"
#include "pdfread.h"

/* A resident's PDF is the most hostile input escale reads, and libqpdf a
 * large C++ parser: it runs here, in a process of its own started fresh
 * (no code-hash key, no release key, no database, no socket in its address
 * space), with limits on memory, CPU time and files, and a seccomp filter
 * that leaves it reading its input and writing its answer. If it crashes or
 * hangs, admind refuses the document as damaged and nothing else happens
 * (admin/pdfcount.c).
 *
 * Input: the document on stdin (a memfd). Output, one line on stdout:
 * "pages N" or "damaged REASON". Exit 0 when a line was written. */

#if defined(__SANITIZE_ADDRESS__)
/* The sanitizer build (tests): LeakSanitizer stops the process's threads
 * with ptrace at exit, which the filter refuses; admind starts the helper
 * without ASAN_OPTIONS, so this default holds. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "detect_leaks=0";
}
#endif

static void limit(int resource, rlim_t value)
{
	struct rlimit rl = {value, value};
	setrlimit(resource, &rl);
}

/* What libqpdf needs to read a document already in memory and answer; the
 * rest fails with EPERM (nothing to open, no socket, no process). */
static int sandbox(void)
{
	static const int allowed[] = {
		SCMP_SYS(read),          SCMP_SYS(write),          SCMP_SYS(close),
		SCMP_SYS(fstat),         SCMP_SYS(newfstatat),     SCMP_SYS(lseek),
		SCMP_SYS(mmap),          SCMP_SYS(munmap),         SCMP_SYS(mremap),
		SCMP_SYS(brk),           SCMP_SYS(madvise),        SCMP_SYS(futex),
		SCMP_SYS(rt_sigreturn),  SCMP_SYS(rt_sigprocmask), SCMP_SYS(getrandom),
		SCMP_SYS(clock_gettime), SCMP_SYS(gettimeofday),   SCMP_SYS(exit),
		SCMP_SYS(exit_group),    SCMP_SYS(getpid),         SCMP_SYS(gettid),
		SCMP_SYS(tgkill),        SCMP_SYS(sched_yield),    SCMP_SYS(sigaltstack),
	};
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
	if (!ctx)
		return -1;
	int rc = 0;
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]) && rc == 0; i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed[i], 0);
	if (rc == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	return rc;
}

/* --check: enters the sandbox and tries what it must forbid (a file, a
 * socket, a process); exit 0 when each is refused. */
static int check(void)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || sandbox() != 0) {
		printf("no sandbox\n");
		return 1;
	}
	int bad = 0;
	if (open("/etc/passwd", O_RDONLY | O_CLOEXEC) >= 0 || errno != EPERM)
		bad |= 1;
	if (socket(AF_INET, SOCK_STREAM, 0) >= 0 || errno != EPERM)
		bad |= 2;
	if (fork() >= 0 || errno != EPERM)
		bad |= 4;
	printf(bad ? "sandbox leaks (%d)\n" : "sandbox holds\n", bad);
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--check") == 0)
		return check();
	if (argc != 1) {
		fprintf(stderr, "usage: escale-pdfpages < DOCUMENT (run by escale-admind)\n"
				"       escale-pdfpages --check\n");
		return 2;
	}
	struct stat sb;
	if (fstat(0, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size <= 0) {
		printf("damaged not a document\n");
		return 0;
	}
	size_t len = (size_t)sb.st_size;
	/* Started by admind as root (not the packaged unit): nobody's ids. */
	if (getuid() == 0 || geteuid() == 0) {
		if (setgroups(0, NULL) != 0 || setgid(65534) != 0 || setuid(65534) != 0) {
			fprintf(stderr, "escale-pdfpages: cannot drop root\n");
			return 1;
		}
	}
	/* Memory: the document, and libqpdf's objects; CPU: a 500-page PDF
	 * takes well under a second. No file is ever written, no core kept.
	 * (AddressSanitizer reserves terabytes of address space: no RLIMIT_AS.) */
#if !defined(__SANITIZE_ADDRESS__)
	limit(RLIMIT_AS, (rlim_t)(768u << 20) + 2 * (rlim_t)len);
#endif
	limit(RLIMIT_CPU, 10);
	limit(RLIMIT_FSIZE, 0);
	limit(RLIMIT_CORE, 0);
	limit(RLIMIT_NOFILE, 16);
	limit(RLIMIT_NPROC, 0);
	void *data = mmap(NULL, len, PROT_READ, MAP_PRIVATE, 0, 0);
	if (data == MAP_FAILED) {
		printf("damaged cannot map the document: %s\n", strerror(errno));
		return 0;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || sandbox() != 0) {
		fprintf(stderr, "escale-pdfpages: cannot enter the seccomp sandbox\n");
		return 1;
	}
	char err[200] = "";
	int64_t n = pdfread_pages(data, len, err, sizeof(err));
	if (n > 0)
		printf("pages %lld\n", (long long)n);
	else
		printf("damaged %s\n", err[0] ? err : "unreadable");
	return fflush(stdout) == 0 ? 0 : 1;
}
