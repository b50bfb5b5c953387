/* usbflow: the USB copy flow's state machine and the children's output. */
#include <string.h>

#include "usbflow.h"
#include "util.h"

void uf_init(struct usbflow *f)
{
	memset(f, 0, sizeof(*f));
	f->print_entry = -1;
}

bool uf_active(const struct usbflow *f)
{
	return f->state != UF_OFF;
}

bool uf_open(struct usbflow *f)
{
	if (f->state != UF_OFF)
		return false;
	int kept = f->files_copied;
	uf_init(f);
	f->files_copied = kept;
	f->state = UF_READING;
	return true;
}

static bool terminated(const char *s, size_t n)
{
	return memchr(s, '\0', n) != NULL;
}

int uf_check_records(const void *buf, size_t len, struct usb_entry *out, int max)
{
	int n = 0;
	const struct usb_entry *in = buf;
	size_t count = len / sizeof(*in);
	for (size_t i = 0; i < count && n < max; i++) {
		struct usb_entry e;
		memcpy(&e, &in[i], sizeof(e));
		if (!terminated(e.path, sizeof(e.path)) || !terminated(e.name, sizeof(e.name)) ||
		    strncmp(e.path, "::/", 3) != 0 || e.bytes <= 0 ||
		    e.bytes > USB_MAX_FILE_BYTES || e.kind != usbfiles_kind(e.name) ||
		    e.kind == USB_NONE)
			continue;
		char safe[USB_NAME_MAX + 1];
		usbfiles_safe_name(e.name, safe, sizeof(safe));
		if (strcmp(safe, e.name) != 0)
			continue;
		out[n++] = e;
	}
	return n;
}

void uf_listed(struct usbflow *f, const void *buf, size_t len, bool ok, struct usb_entry *out)
{
	if (f->state != UF_READING)
		return;
	f->n = ok ? uf_check_records(buf, len, out, USB_MAX_FILES) : 0;
	memset(f->chosen, 0, sizeof(f->chosen));
	f->first = 0;
	if (!ok) {
		f->state = UF_ERROR;
		f->error = UF_ERR_UNREADABLE;
	} else if (f->n == 0) {
		f->state = UF_ERROR;
		f->error = UF_ERR_EMPTY;
	} else {
		f->state = UF_LIST;
	}
}

void uf_toggle(struct usbflow *f, int i)
{
	if (f->state == UF_LIST && i >= 0 && i < f->n)
		f->chosen[i] = !f->chosen[i];
}

void uf_page(struct usbflow *f, int dir)
{
	if (f->state != UF_LIST)
		return;
	int first = f->first + (dir < 0 ? -UF_PER_PAGE : UF_PER_PAGE);
	if (first >= 0 && first < f->n)
		f->first = first;
}

bool uf_copy(struct usbflow *f)
{
	if (f->state != UF_LIST)
		return false;
	int c = 0;
	for (int i = 0; i < f->n; i++)
		c += f->chosen[i];
	if (c == 0)
		return false;
	f->state = UF_COPYING;
	f->to_copy = c;
	f->done = f->copied = 0;
	f->pdfs = 0;
	f->print_entry = -1;
	f->printed = f->print_failed = false;
	return true;
}

/* The entry of the Nth chosen file (0..), in the order the copy child copies them. */
static int nth_chosen(const struct usbflow *f, int nth)
{
	for (int i = 0; i < f->n; i++)
		if (f->chosen[i] && nth-- == 0)
			return i;
	return -1;
}

void uf_copied(struct usbflow *f, const char *buf, size_t len)
{
	if (f->state != UF_COPYING)
		return;
	for (size_t i = 0; i < len && f->done < f->to_copy; i++) {
		if (buf[i] != '+' && buf[i] != '*' && buf[i] != '-')
			continue;
		int entry = nth_chosen(f, f->done);
		f->done++;
		if (buf[i] == '-')
			continue;
		f->copied++;
		f->files_copied++;
		if (buf[i] == '*' && entry >= 0) {
			f->pdfs++;
			f->print_entry = entry;
		}
	}
}

void uf_copy_ended(struct usbflow *f)
{
	if (f->state != UF_COPYING)
		return;
	if (f->copied == 0) {
		f->state = UF_ERROR;
		f->error = UF_ERR_COPY;
	} else {
		f->state = UF_DONE;
	}
}

bool uf_print_offered(const struct usbflow *f)
{
	return f->state == UF_DONE && f->can_print && f->pdfs == 1 && f->print_entry >= 0 &&
	       !f->printed;
}

bool uf_print(struct usbflow *f)
{
	if (!uf_print_offered(f))
		return false;
	f->state = UF_PRINTING;
	f->print_failed = false;
	return true;
}

void uf_print_ended(struct usbflow *f, bool ok)
{
	if (f->state != UF_PRINTING)
		return;
	f->state = UF_DONE;
	f->printed = ok;
	f->print_failed = !ok;
}

void uf_gone(struct usbflow *f)
{
	/* The copies are made: the key is no longer needed, to print either. */
	if (f->state == UF_OFF || f->state == UF_DONE || f->state == UF_PRINTING)
		return;
	f->state = UF_ERROR;
	f->error = UF_ERR_GONE;
}

void uf_close(struct usbflow *f)
{
	int kept = f->files_copied;
	uf_init(f);
	f->files_copied = kept;
}

const char *uf_state_word(enum uf_state s)
{
	static const char *const w[] = {"off",  "reading", "list",    "copying",
					"done", "error",   "printing"};
	return (unsigned)s < ARRAY_LEN(w) ? w[s] : "off";
}

const char *uf_error_word(enum uf_error e)
{
	static const char *const w[] = {"", "unreadable", "empty", "gone", "copy"};
	return (unsigned)e < ARRAY_LEN(w) ? w[e] : "";
}
