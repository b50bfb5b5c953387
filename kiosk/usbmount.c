/* usbmount: exFAT and NTFS keys through FUSE, walked without following a symlink. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "usbmount.h"
#include "usbmreq.h"
#include "usbread.h"

#define MAX_DEPTH 4

const char *usbmount_fs_of(const unsigned char *s, size_t n)
{
	if (n < 90)
		return NULL;
	if (memcmp(s + 3, "EXFAT   ", 8) == 0)
		return "exfat";
	if (memcmp(s + 3, "NTFS    ", 8) == 0)
		return "ntfs";
	/* FAT12/16 say so at 54, FAT32 at 82. */
	if (memcmp(s + 54, "FAT", 3) == 0 || memcmp(s + 82, "FAT32", 5) == 0)
		return "vfat";
	return NULL;
}

bool usbmount_needs_mount(const char *fs)
{
	return fs && (strcmp(fs, "exfat") == 0 || strcmp(fs, "ntfs") == 0);
}

bool usbmount_run(const char *const *argv)
{
	pid_t pid = fork();
	if (pid < 0)
		return false;
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
			_exit(127);
		char *env[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C.UTF-8", NULL};
		execve(argv[0], (char *const *)argv, env);
		_exit(127);
	}
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* The mount helper's socket (systemd/escale-kiosk-usbmount.socket); ESCALE_USB_MOUNT_SOCKET
 * replaces it (tests). */
static const char *helper_socket(void)
{
	const char *s = getenv("ESCALE_USB_MOUNT_SOCKET");
	return s && *s ? s : "/run/escale/usbmount.sock";
}

/* Without root (production, NoNewPrivileges) the helper mounts and unmounts; as root (tests,
 * the demo) the kiosk runs the FUSE driver itself. */
static bool use_helper(void)
{
	return geteuid() != 0;
}

/* Sends R to the helper and reads its answer line: true on "ok". */
static bool ask_helper(const struct usbm_req *r)
{
	char line[USBM_LINE_MAX], reply[64];
	int n = usbm_format(r, line, sizeof(line));
	const char *path = helper_socket();
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	if (n < 0 || strlen(path) >= sizeof(a.sun_path))
		return false;
	memcpy(a.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct timeval tv = {30, 0}; /* the helper answers a mount within about 15 s */
	bool ok = fd >= 0 && setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == 0 &&
		  connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
		  write(fd, line, (size_t)n) == n;
	size_t got = 0;
	while (ok && got < sizeof(reply) - 1) {
		ssize_t k = read(fd, reply + got, 1);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0 || reply[got] == '\n')
			break;
		got++;
	}
	reply[got] = '\0';
	if (fd >= 0)
		close(fd);
	if (ok && strcmp(reply, "ok") != 0)
		log_warnx("the USB mount helper says: %s", got ? reply : "nothing");
	else if (!ok)
		log_warn("the USB mount helper at %s", path);
	return ok && strcmp(reply, "ok") == 0;
}

bool usbmount_mount(const char *device, const char *fs, const char *dir)
{
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return false;
	struct stat st;
	if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return false;
	/* Read-only, and nothing from the key may be a device, setuid or run; the files the
	 * kiosk's user's only (the browser never sees this place). */
	if (use_helper()) {
		/* The helper takes a kernel name only and mounts on its own directory, which is
		 * RUNTIME_DIR/usb of the packaged kiosk.conf. */
		const char *name = strrchr(device, '/') ? strrchr(device, '/') + 1 : device;
		struct usbm_req r = {.op = USBM_MOUNT};
		snprintf(r.fs, sizeof(r.fs), "%s", fs);
		snprintf(r.name, sizeof(r.name), "%s", name);
		return strlen(name) < sizeof(r.name) && ask_helper(&r);
	}
	static const char opts[] = "ro,nosuid,nodev,noexec,uid=0,gid=0,umask=0077";
	if (strcmp(fs, "exfat") == 0) {
		const char *const argv[] = {
			"/sbin/mount.exfat-fuse", "-o", opts, device, dir, NULL};
		return usbmount_run(argv);
	}
	if (strcmp(fs, "ntfs") == 0) {
		/* no_def_opts: not the defaults' "windows_names" nor anything that writes. */
		const char *const argv[] = {"/bin/ntfs-3g", "-o", opts, device, dir, NULL};
		return usbmount_run(argv);
	}
	return false;
}

bool usbmount_umount(const char *dir)
{
	if (use_helper()) {
		/* Only the helper's fusermount3 may unmount (umount2 needs CAP_SYS_ADMIN). */
		struct usbm_req r = {.op = USBM_UMOUNT};
		if (!ask_helper(&r))
			return false;
	} else if (umount2(dir, UMOUNT_NOFOLLOW) < 0 && errno != EINVAL && errno != ENOENT &&
		   umount2(dir, MNT_DETACH | UMOUNT_NOFOLLOW) < 0 && errno != EINVAL) {
		log_warn("umount %s", dir);
		return false;
	}
	if (rmdir(dir) < 0 && errno != ENOENT)
		return false;
	return true;
}

static int walk(int dfd, const char *rel, int depth, struct usb_entry *out, int n, int max)
{
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return n;
	}
	struct dirent *de;
	while (n < max && (de = readdir(d))) {
		const char *name = de->d_name;
		if (name[0] == '.')
			continue; /* ".", "..", hidden */
		struct stat st;
		if (fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		char path[sizeof(out->path) - 2];
		int w = snprintf(path, sizeof(path), "%s/%s", rel, name);
		if (w < 0 || (size_t)w >= sizeof(path))
			continue;
		if (S_ISDIR(st.st_mode) && depth < MAX_DEPTH) {
			int sub = openat(dirfd(d), name,
					 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub >= 0)
				n = walk(sub, path, depth + 1, out, n, max);
			continue;
		}
		if (!S_ISREG(st.st_mode) || st.st_size <= 0 || st.st_size > USB_MAX_FILE_BYTES ||
		    usbfiles_kind(name) == USB_NONE)
			continue;
		struct usb_entry *e = &out[n];
		memset(e, 0, sizeof(*e));
		snprintf(e->path, sizeof(e->path), "::%s", path);
		usbfiles_safe_name(name, e->name, sizeof(e->name));
		e->kind = usbfiles_kind(e->name);
		e->bytes = (long long)st.st_size;
		if (e->kind != USB_NONE)
			n++;
	}
	closedir(d);
	return n;
}

int usbmount_list(const char *root, struct usb_entry *out, int max)
{
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	return walk(fd, "", 0, out, 0, max);
}

/* Opens "::/A/B/C" under ROOT one component at a time, never through a symlink. */
static int open_under(const char *root, const char *path)
{
	if (strncmp(path, "::/", 3) != 0)
		return -1;
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	char buf[sizeof(((struct usb_entry *)0)->path)];
	snprintf(buf, sizeof(buf), "%s", path + 3);
	char *save = NULL;
	char *part = strtok_r(buf, "/", &save);
	while (fd >= 0 && part) {
		char *next = strtok_r(NULL, "/", &save);
		if (strcmp(part, "..") == 0 || strcmp(part, ".") == 0) {
			close(fd);
			return -1;
		}
		int flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | (next ? O_DIRECTORY : O_NONBLOCK);
		int nfd = openat(fd, part, flags);
		close(fd);
		fd = nfd;
		part = next;
	}
	struct stat st;
	if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))) {
		close(fd);
		return -1;
	}
	return fd;
}

bool usbmount_copy(const char *root, const struct usb_entry *e, const char *docs, bool chown_it,
		   uid_t uid, gid_t gid, char *saved, size_t n)
{
	saved[0] = '\0';
	int fd = open_under(root, e->path);
	if (fd < 0)
		return false;
	bool stop;
	bool ok = usbread_copy_from(fd, e, docs, chown_it, uid, gid, saved, n, &stop);
	close(fd);
	return ok;
}
