/* usbwatch: USB keys coming and going, from sd-device's monitor. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-device.h>
#include <systemd/sd-event.h>
#include <unistd.h>

#include "log.h"
#include "usbmount.h"
#include "usbwatch.h"

bool usbwatch_is_key(const char *bus, const char *devtype, const char *fs_usage)
{
	return bus && strcmp(bus, "usb") == 0 && devtype &&
	       (strcmp(devtype, "partition") == 0 || strcmp(devtype, "disk") == 0) && fs_usage &&
	       strcmp(fs_usage, "filesystem") == 0;
}

static const char *prop(sd_device *d, const char *key)
{
	const char *v = NULL;
	return sd_device_get_property_value(d, key, &v) >= 0 ? v : NULL;
}

static int on_uevent(sd_device_monitor *m, sd_device *d, void *userdata)
{
	(void)m;
	struct usbwatch *w = userdata;
	const char *node = NULL;
	if (sd_device_get_devname(d, &node) < 0 || !node)
		return 0;
	const char *action = prop(d, "ACTION");
	bool removed = action && strcmp(action, "remove") == 0;
	if (removed) {
		if (strcmp(w->device, node) == 0) {
			log_info("the USB key was removed");
			w->device[0] = w->fs[0] = '\0';
			w->changed = true;
		}
		return 0;
	}
	if (w->device[0] ||
	    !usbwatch_is_key(prop(d, "ID_BUS"), prop(d, "DEVTYPE"), prop(d, "ID_FS_USAGE")))
		return 0;
	const char *fs = prop(d, "ID_FS_TYPE");
	snprintf(w->device, sizeof(w->device), "%s", node);
	snprintf(w->fs, sizeof(w->fs), "%s", fs ? fs : "");
	log_info("a USB key was plugged in (%s)", w->fs);
	w->changed = true;
	return 0;
}

bool usbwatch_start(struct usbwatch *w)
{
	memset(w, 0, sizeof(*w));
	const char *img = getenv("ESCALE_USB_IMAGE");
	if (img && *img) {
		w->image = img;
		return true;
	}
	sd_event *e = NULL;
	sd_device_monitor *m = NULL;
	int r = sd_event_new(&e);
	if (r >= 0)
		r = sd_device_monitor_new(&m);
	if (r >= 0)
		r = sd_device_monitor_filter_add_match_subsystem_devtype(m, "block", NULL);
	if (r >= 0)
		r = sd_device_monitor_attach_event(m, e);
	if (r >= 0)
		r = sd_device_monitor_start(m, on_uevent, w);
	if (r < 0) {
		log_warnx("no USB keys: cannot watch the devices (%s)", strerror(-r));
		sd_device_monitor_unref(m);
		sd_event_unref(e);
		return false;
	}
	w->event = e;
	w->monitor = m;
	return true;
}

int usbwatch_fd(const struct usbwatch *w)
{
	return w->event ? sd_event_get_fd(w->event) : -1;
}

void usbwatch_poll(struct usbwatch *w)
{
	if (w->image) {
		bool there = access(w->image, R_OK) == 0;
		if (there != !!w->device[0]) {
			/* No udev to name the file system: its first sector does. */
			unsigned char sector[512];
			ssize_t n = 0;
			int fd = there ? open(w->image, O_RDONLY | O_CLOEXEC) : -1;
			if (fd >= 0) {
				n = pread(fd, sector, sizeof(sector), 0);
				close(fd);
			}
			const char *fs = n > 0 ? usbmount_fs_of(sector, (size_t)n) : NULL;
			snprintf(w->device, sizeof(w->device), "%s", there ? w->image : "");
			snprintf(w->fs, sizeof(w->fs), "%s", there && fs ? fs : "");
			w->changed = true;
		}
		return;
	}
	if (w->event)
		while (sd_event_run(w->event, 0) > 0)
			;
}

bool usbwatch_changed(struct usbwatch *w)
{
	bool c = w->changed;
	w->changed = false;
	return c;
}

void usbwatch_stop(struct usbwatch *w)
{
	sd_device_monitor_unref(w->monitor);
	sd_event_unref(w->event);
	w->monitor = w->event = NULL;
}
