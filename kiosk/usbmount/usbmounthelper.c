/* escale-kiosk-usbmount: mounts a USB key's exFAT or NTFS file system through its FUSE driver
 * for the kiosk. The kiosk runs with NoNewPrivileges, which keeps fusermount3's setuid from
 * working, so it asks this helper instead: systemd starts it per connection on
 * escale-kiosk-usbmount.socket (Accept=yes, the socket as stdin and stdout), as the kiosk's
 * user, without NoNewPrivileges and with no capability but what fusermount3 takes while it
 * runs (systemd/escale-kiosk-usbmount@.service says what else is closed). The FUSE driver
 * parses the key as the kiosk's user, never as root.
 *
 * One request line (usbmreq.h) within 5 s; one answer line: "ok" or "error WORD" with WORD
 * one of usage (not a request), device (not a USB disk's block device, or unreadable), fs
 * (its first sector is not FS), mount (the driver failed), umount.
 *
 *   mount FS NAME  /dev/NAME, on the USB bus (its sysfs path), is mounted read-only,
 *                  nosuid, nodev, noexec, umask 0077 on ESCALE_USB_MOUNT_DIR (default
 *                  /run/escale/kiosk/usb, the kiosk's RUNTIME_DIR/usb). The helper then
 *                  stays until it is unmounted (systemd keeps the driver, in its cgroup,
 *                  as long as the service runs).
 *   umount         fusermount3 -u -z on that directory.
 *
 * ESCALE_USB_DEV_DIR and ESCALE_USB_SYS_DIR replace /dev and /sys/class/block (tests). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "usbmount.h"
#include "usbmreq.h"

#define REQUEST_SECONDS 5
#define MOUNT_SECONDS   15

static int answer(const char *line)
{
	printf("%s\n", line);
	fflush(stdout);
	return strcmp(line, "ok") == 0 ? 0 : 1;
}

static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);
	return v && *v ? v : def;
}

static void on_alarm(int sig)
{
	(void)sig;
	_exit(1);
}

/* One line from stdin, without its newline; false on EOF, overlong or a NUL. */
static bool read_line(char *buf, size_t n, size_t *len)
{
	*len = 0;
	for (;;) {
		char c;
		ssize_t r = read(STDIN_FILENO, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		if (c == '\n')
			return true;
		if (*len + 1 >= n)
			return false;
		buf[(*len)++] = c;
	}
}

/* Whether DIR is a mount point (another device than its parent's). */
static bool mounted(const char *dir)
{
	char parent[PATH_MAX];
	struct stat a, b;
	if (snprintf(parent, sizeof(parent), "%s/..", dir) >= (int)sizeof(parent))
		return false;
	return lstat(dir, &a) == 0 && S_ISDIR(a.st_mode) && stat(parent, &b) == 0 &&
	       a.st_dev != b.st_dev;
}

/* /dev/NAME is a block device on the USB bus, readable, and its first sector says FS. */
static const char *check_device(const char *name, const char *fs, char *dev, size_t n)
{
	char sys[PATH_MAX], real[PATH_MAX];
	snprintf(dev, n, "%s/%s", env_or("ESCALE_USB_DEV_DIR", "/dev"), name);
	snprintf(sys, sizeof(sys), "%s/%s", env_or("ESCALE_USB_SYS_DIR", "/sys/class/block"), name);
	struct stat st;
	if (lstat(dev, &st) < 0 || !S_ISBLK(st.st_mode) || !realpath(sys, real) ||
	    !strstr(real, "/usb"))
		return "device";
	int fd = open(dev, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	unsigned char sector[512];
	if (fd < 0)
		return "device";
	ssize_t got = read(fd, sector, sizeof(sector));
	close(fd);
	const char *seen =
		got == (ssize_t)sizeof(sector) ? usbmount_fs_of(sector, sizeof(sector)) : NULL;
	if (!seen || strcmp(seen, fs) != 0)
		return "fs";
	return "";
}

static int do_mount(const struct usbm_req *r, const char *dir)
{
	char dev[PATH_MAX];
	const char *e = check_device(r->name, r->fs, dev, sizeof(dev));
	if (*e) {
		char line[32];
		snprintf(line, sizeof(line), "error %s", e);
		return answer(line);
	}
	if ((mkdir(dir, 0700) < 0 && errno != EEXIST) || mounted(dir))
		return answer("error mount");
	/* The driver goes to the background once mounted (fusermount3 does the mount). */
	static const char opts[] = "ro,nosuid,nodev,noexec,umask=0077";
	const char *const exfat[] = {"/sbin/mount.exfat-fuse", "-o", opts, dev, dir, NULL};
	const char *const ntfs[] = {"/bin/ntfs-3g", "-o", opts, dev, dir, NULL};
	if (!usbmount_run(strcmp(r->fs, "exfat") == 0 ? exfat : ntfs))
		return answer("error mount");
	for (int i = 0; i < MOUNT_SECONDS * 10 && !mounted(dir); i++)
		usleep(100 * 1000);
	if (!mounted(dir))
		return answer("error mount");
	answer("ok");
	/* Until it is unmounted: the driver lives in this service's cgroup. */
	while (mounted(dir))
		sleep(1);
	return 0;
}

static int do_umount(const char *dir)
{
	if (!mounted(dir))
		return answer("ok");
	const char *const argv[] = {"/bin/fusermount3", "-u", "-z", dir, NULL};
	return answer(usbmount_run(argv) && !mounted(dir) ? "ok" : "error umount");
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	const char *dir = env_or("ESCALE_USB_MOUNT_DIR", "/run/escale/kiosk/usb");
	if (dir[0] != '/' || strlen(dir) > 200 || strstr(dir, "/.."))
		return answer("error usage");
	/* The request only: a client that says nothing is not waited on. */
	struct sigaction sa = {.sa_handler = on_alarm};
	sigaction(SIGALRM, &sa, NULL);
	alarm(REQUEST_SECONDS);
	char line[USBM_LINE_MAX];
	size_t n;
	struct usbm_req r;
	bool got = read_line(line, sizeof(line), &n);
	alarm(0);
	if (!got || !usbm_parse(line, n, &r))
		return answer("error usage");
	return r.op == USBM_MOUNT ? do_mount(&r, dir) : do_umount(dir);
}
