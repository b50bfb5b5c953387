/* test_kcgroup: the readers of /proc/self/mountinfo and /proc/self/cgroup, on real and
 * hostile texts. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "../unit/test.h"
#include "kcgroup.h"

static bool mnt(const char *text, char *out)
{
	return kcgroup_parse_mountinfo(text, strlen(text), out);
}

static bool self(const char *text, char *out)
{
	return kcgroup_parse_self(text, strlen(text), out);
}

static void test_mountinfo(void)
{
	char out[KCGROUP_PATH_MAX];
	/* A hybrid layout (cgroup v1 controllers, v2 at unified). */
	CHECK(mnt("31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
		  "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
		  "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n",
		  out));
	CHECK(strcmp(out, "/sys/fs/cgroup/unified") == 0);
	/* Debian 12 with systemd: optional fields before the separator. */
	CHECK(mnt("25 30 0:22 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - "
		  "cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n",
		  out));
	CHECK(strcmp(out, "/sys/fs/cgroup") == 0);
	/* Octal escapes in the mount point. */
	CHECK(mnt("1 1 0:1 / /mnt/a\\040b rw - cgroup2 none rw\n", out));
	CHECK(strcmp(out, "/mnt/a b") == 0);
	/* A bind mount of a sub-tree is not the hierarchy's root. */
	CHECK(!mnt("1 1 0:1 /sub /x rw - cgroup2 none rw\n", out));
	/* No cgroup2 at all; v1 only. */
	CHECK(!mnt("32 31 0:29 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n", out));
	/* Hostile: truncated lines, no separator, bad or NUL escapes, a relative path, a
	 * path longer than the buffer, an empty text. */
	CHECK(!mnt("41 31 0:38 / /sys/fs/cgroup/unified rw", out));
	CHECK(!mnt("41 31 0:38 / /x rw cgroup2 cgroup2 rw\n", out));
	CHECK(!mnt("1 1 0:1 / /a\\09 rw - cgroup2 none rw\n", out));
	CHECK(!mnt("1 1 0:1 / /a\\000b rw - cgroup2 none rw\n", out));
	CHECK(!mnt("1 1 0:1 / /a\\4 rw - cgroup2 none rw\n", out));
	CHECK(!mnt("1 1 0:1 / relative rw - cgroup2 none rw\n", out));
	CHECK(!mnt("", out));
	static char big[3 * KCGROUP_PATH_MAX];
	strcpy(big, "1 1 0:1 / /");
	memset(big + strlen(big), 'a', KCGROUP_PATH_MAX + 10);
	strcat(big, " rw - cgroup2 none rw\n");
	CHECK(!mnt(big, out));
	/* The length given is respected: the line past it is not read. */
	const char *t = "1 1 0:1 / /x rw - cgroup cgroup rw\n1 1 0:1 / /y rw - cgroup2 n rw\n";
	CHECK(!kcgroup_parse_mountinfo(t, 36, out));
	CHECK(kcgroup_parse_mountinfo(t, strlen(t), out) && strcmp(out, "/y") == 0);
}

static void test_self(void)
{
	char out[KCGROUP_PATH_MAX];
	CHECK(self("0::/\n", out) && strcmp(out, "/") == 0);
	CHECK(self("9:name=systemd:/\n4:memory:/x\n0::/system.slice/escale-kiosk.service\n", out));
	CHECK(strcmp(out, "/system.slice/escale-kiosk.service") == 0);
	CHECK(!self("4:memory:/x\n", out));
	CHECK(!self("0::relative\n", out));
	CHECK(!self("0::/a/../../etc\n", out));
	CHECK(!self("0::/a/..\n", out));
	CHECK(self("0::/a/..b/c\n", out)); /* a name that starts with two dots is a name */
	CHECK(!self("", out));
	static char big[2 * KCGROUP_PATH_MAX];
	strcpy(big, "0::/");
	memset(big + 4, 'a', KCGROUP_PATH_MAX + 10);
	CHECK(!self(big, out));
}

/* A session cgroup that cannot be made leaves no path behind: the wipe would otherwise
 * "kill" a cgroup that does not exist and log that processes survived it. */
static void test_new_fails_clean(void)
{
	struct kcg g;
	memset(&g, 0, sizeof(g));
	strcpy(g.base, "/nonexistent-escale-test/escale-kiosk.1");
	char path[KCGROUP_PATH_MAX] = "left over";
	CHECK(kcgroup_new(&g, path) < 0);
	CHECK(path[0] == '\0');
	g.base[0] = '\0';
	strcpy(path, "left over");
	CHECK(kcgroup_new(&g, path) < 0);
	CHECK(path[0] == '\0');
}

int main(void)
{
	test_mountinfo();
	test_self();
	test_new_fails_clean();
	return TEST_DONE();
}
