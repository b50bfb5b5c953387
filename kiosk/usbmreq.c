/* usbmreq: the USB mount helper's request line (usbmreq.h). */
#include "usbmreq.h"

#include <stdio.h>
#include <string.h>

bool usbm_name_ok(const char *s)
{
	size_t n = strlen(s), i = 2, letters = 0, digits = 0;
	if (n < 3 || n >= sizeof(((struct usbm_req *)0)->name) || strncmp(s, "sd", 2) != 0)
		return false;
	while (i < n && s[i] >= 'a' && s[i] <= 'z')
		i++, letters++;
	if (letters < 1 || letters > 2)
		return false;
	if (i < n && s[i] == '0')
		return false; /* partitions count from 1 */
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++, digits++;
	return i == n && digits <= 3;
}

static bool fs_ok(const char *fs)
{
	return strcmp(fs, "exfat") == 0 || strcmp(fs, "ntfs") == 0;
}

bool usbm_parse(const char *line, size_t n, struct usbm_req *r)
{
	memset(r, 0, sizeof(*r));
	if (n == 0 || n >= USBM_LINE_MAX || memchr(line, '\0', n))
		return false;
	char buf[USBM_LINE_MAX];
	memcpy(buf, line, n);
	buf[n] = '\0';
	if (strcmp(buf, "umount") == 0) {
		r->op = USBM_UMOUNT;
		return true;
	}
	if (strncmp(buf, "mount ", 6) != 0)
		return false;
	const char *fs = buf + 6, *sp = strchr(fs, ' ');
	if (!sp || (size_t)(sp - fs) >= sizeof(r->fs))
		return false;
	char f[sizeof(r->fs)];
	memcpy(f, fs, (size_t)(sp - fs));
	f[sp - fs] = '\0';
	const char *name = sp + 1;
	if (!fs_ok(f) || !usbm_name_ok(name))
		return false;
	snprintf(r->fs, sizeof(r->fs), "%s", f);
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->op = USBM_MOUNT;
	return true;
}

int usbm_format(const struct usbm_req *r, char *buf, size_t n)
{
	int w;
	if (r->op == USBM_UMOUNT)
		w = snprintf(buf, n, "umount\n");
	else if (r->op == USBM_MOUNT && fs_ok(r->fs) && usbm_name_ok(r->name))
		w = snprintf(buf, n, "mount %s %s\n", r->fs, r->name);
	else
		return -1;
	return w < 0 || (size_t)w >= n ? -1 : w;
}
