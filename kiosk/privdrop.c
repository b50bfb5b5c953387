/* privdrop: dropping to the browser user (see privdrop.h). */
#include "privdrop.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static bool caps_get(struct __user_cap_data_struct d[2])
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	memset(d, 0, 2 * sizeof(*d));
	return syscall(SYS_capget, &h, d) == 0;
}

bool priv_may_switch(void)
{
	if (geteuid() == 0)
		return true;
	struct __user_cap_data_struct d[2];
	uint32_t need = (1u << CAP_SETUID) | (1u << CAP_SETGID);
	return caps_get(d) && (d[0].effective & need) == need;
}

bool priv_caps_clear(void)
{
	/* EINVAL: a kernel without ambient capabilities (before 4.3), nothing to clear. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return false;
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2];
	memset(d, 0, sizeof(d));
	/* Lowering the permitted and inheritable sets also empties the ambient one. */
	if (syscall(SYS_capset, &h, d) < 0)
		return false;
	if (!caps_get(d))
		return false;
	for (int i = 0; i < 2; i++)
		if (d[i].effective || d[i].permitted || d[i].inheritable)
			return false;
	return true;
}

bool priv_drop(uid_t uid, gid_t gid)
{
	if (setgroups(0, NULL) < 0 || setgid(gid) < 0 || setuid(uid) < 0)
		return false;
	uid_t ru, eu, su;
	gid_t rg, eg, sg;
	if (getresuid(&ru, &eu, &su) < 0 || getresgid(&rg, &eg, &sg) < 0 || ru != uid ||
	    eu != uid || su != uid || rg != gid || eg != gid || sg != gid)
		return false;
	return priv_caps_clear();
}
