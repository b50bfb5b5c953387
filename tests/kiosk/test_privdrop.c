/* test_privdrop: a child that holds capabilities as a non-root kiosk does (ambient ones from
 * the unit, kept across setuid) ends up as the browser user with none left. */
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../unit/test.h"
#include "privdrop.h"

static bool caps(struct __user_cap_data_struct d[2])
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	memset(d, 0, 2 * sizeof(*d));
	return syscall(SYS_capget, &h, d) == 0;
}

/* In a child: become a process holding CAP_SETUID the way the unit's kiosk does (a non-root
 * setuid does not clear capabilities: SECBIT_NO_SETUID_FIXUP stands for that here, plus an
 * ambient CAP_SETUID), then drop to 65534. Exit status: which check failed. */
static int child(void)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2];
	if (!caps(d))
		return 10;
	d[0].inheritable |= 1u << CAP_SETUID;
	if (syscall(SYS_capset, &h, d) < 0 ||
	    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_SETUID, 0, 0) < 0 ||
	    prctl(PR_SET_SECUREBITS, SECBIT_NO_SETUID_FIXUP, 0, 0, 0) < 0)
		return 11;
	if (!priv_drop(65534, 65534))
		return 12;
	if (!caps(d))
		return 13;
	for (int i = 0; i < 2; i++)
		if (d[i].effective || d[i].permitted || d[i].inheritable)
			return 14;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_SETUID, 0, 0) != 0)
		return 15;
	if (getgroups(0, NULL) != 0 || getuid() != 65534 || getegid() != 65534)
		return 16;
	/* What the capabilities would have allowed: back to root. */
	if (setuid(0) == 0)
		return 17;
	if (priv_may_switch())
		return 18;
	return 0;
}

int main(void)
{
	if (getuid() != 0) {
		fprintf(stderr, "needs root to hand itself capabilities\n");
		return 77;
	}
	CHECK(priv_may_switch());
	fflush(stderr);
	pid_t pid = fork();
	if (pid == 0)
		_exit(child());
	int st = 0;
	CHECK(pid > 0 && waitpid(pid, &st, 0) == pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fprintf(stderr, "child status %d\n", st);
	/* A plain root process: nothing to keep either. */
	pid = fork();
	if (pid == 0)
		_exit(priv_drop(65534, 65534) && getuid() == 65534 && setuid(0) < 0 ? 0 : 1);
	CHECK(pid > 0 && waitpid(pid, &st, 0) == pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	return TEST_DONE();
}
