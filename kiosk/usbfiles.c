/* usbfiles: the key's listing, the kinds of file offered, safe names. */
#include <stdio.h>
#include <string.h>

#include "usbfiles.h"
#include "util.h"

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

enum usb_kind usbfiles_kind(const char *name)
{
	const char *dot = strrchr(name, '.');
	if (!dot || dot == name)
		return USB_NONE;
	char ext[8];
	size_t n = strlen(dot + 1);
	if (n == 0 || n >= sizeof(ext))
		return USB_NONE;
	for (size_t i = 0; i <= n; i++)
		ext[i] = lower(dot[1 + i]);
	static const struct {
		const char *ext;
		enum usb_kind kind;
	} kinds[] = {{"pdf", USB_PDF}, {"jpg", USB_JPEG},  {"jpeg", USB_JPEG},
		     {"png", USB_PNG}, {"heic", USB_HEIC}, {"heif", USB_HEIC}};
	for (size_t i = 0; i < ARRAY_LEN(kinds); i++)
		if (strcmp(ext, kinds[i].ext) == 0)
			return kinds[i].kind;
	return USB_NONE;
}

bool usbfiles_magic_ok(enum usb_kind kind, const unsigned char *h, size_t n)
{
	switch (kind) {
	case USB_PDF:
		return n >= 5 && memcmp(h, "%PDF-", 5) == 0;
	case USB_JPEG:
		return n >= 3 && h[0] == 0xff && h[1] == 0xd8 && h[2] == 0xff;
	case USB_PNG:
		return n >= 8 && memcmp(h, "\x89PNG\r\n\x1a\n", 8) == 0;
	case USB_HEIC:
		/* An ISO BMFF "ftyp" box of a HEIF brand. */
		return n >= 12 && memcmp(h + 4, "ftyp", 4) == 0 &&
		       (memcmp(h + 8, "heic", 4) == 0 || memcmp(h + 8, "heix", 4) == 0 ||
			memcmp(h + 8, "mif1", 4) == 0 || memcmp(h + 8, "msf1", 4) == 0 ||
			memcmp(h + 8, "hevc", 4) == 0);
	case USB_NONE:
		break;
	}
	return false;
}

/* The length of the valid UTF-8 sequence at S (at most N bytes), 0 when invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	unsigned min;
	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0)
		len = 2, min = 0x80;
	else if ((s[0] & 0xf0) == 0xe0)
		len = 3, min = 0x800;
	else if ((s[0] & 0xf8) == 0xf0)
		len = 4, min = 0x10000;
	else
		return 0;
	if (len > n)
		return 0;
	unsigned cp = s[0] & (0x7f >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	/* C1 controls, and the bidirectional overrides that disguise an extension. */
	if ((cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069))
		return 0;
	return len;
}

void usbfiles_safe_name(const char *name, char *out, size_t n)
{
	const char *base = strrchr(name, '/');
	base = base ? base + 1 : name;
	char buf[4 * USB_NAME_MAX + 8];
	size_t o = 0;
	const unsigned char *s = (const unsigned char *)base;
	size_t left = strlen(base);
	while (left > 0 && o < sizeof(buf) - 5) {
		size_t l = utf8_len(s, left);
		if (l == 0 ||
		    (l == 1 && (s[0] < 0x20 || s[0] == 0x7f || strchr("/\\:*?\"<>|", s[0])))) {
			buf[o++] = '_';
			l = l ? l : 1;
		} else {
			memcpy(buf + o, s, l);
			o += l;
		}
		s += l;
		left -= l;
	}
	buf[o] = '\0';
	/* No leading dots or spaces (a hidden file, a name that looks empty). */
	char *p = buf;
	while (*p == '.' || *p == ' ')
		p++;
	size_t len = strlen(p);
	while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '.'))
		p[--len] = '\0';
	size_t cap = n - 1 < USB_NAME_MAX ? n - 1 : USB_NAME_MAX;
	if (len > cap) {
		/* Cut the stem (on a character boundary), keep the extension. */
		const char *dot = strrchr(p, '.');
		size_t ext = dot && strlen(dot) <= 8 ? strlen(dot) : 0;
		size_t stem = cap - ext;
		while (stem > 0 && ((unsigned char)p[stem] & 0xc0) == 0x80)
			stem--;
		memmove(p + stem, p + len - ext, ext + 1);
		len = stem + ext;
	}
	if (len == 0 || p[0] == '.') {
		snprintf(out, n, "document");
		return;
	}
	memcpy(out, p, len + 1);
}

static const char *trim(const char *s, const char *e, size_t *n)
{
	while (s < e && *s == ' ')
		s++;
	while (e > s && e[-1] == ' ')
		e--;
	*n = (size_t)(e - s);
	return s;
}

/* One listing line of a file (not a directory), in directory DIR: its long name and size. */
static bool file_line(const char *l, size_t n, char *name, size_t nn, long long *bytes)
{
	/* "NAME8 EXT SIZE______ YYYY-MM-DD  HH:MM[  LONG NAME]" */
	if (n < 40 || l[8] != ' ' || l[12] != ' ')
		return false;
	size_t i = 13;
	while (i < n && l[i] == ' ')
		i++;
	size_t d = i;
	long long v = 0;
	while (i < n && l[i] >= '0' && l[i] <= '9' && i - d < 12)
		v = v * 10 + (l[i++] - '0');
	if (i == d || i >= n || l[i] != ' ')
		return false;
	/* the date and time, at fixed places */
	if (n < i + 1 + 10 + 2 + 5 + 1)
		return false;
	const char *date = l + i + 1, *time = date + 12;
	if (date[4] != '-' || date[7] != '-' || time[2] != ':')
		return false;
	const char *rest = time + 5;
	size_t rn = n - (size_t)(rest - l);
	if (rn >= 2 && rest[0] == ' ' && rest[1] == ' ' && rn > 2) {
		if (rn - 2 >= nn)
			return false;
		memcpy(name, rest + 2, rn - 2);
		name[rn - 2] = '\0';
	} else {
		size_t sn, en;
		const char *s = trim(l, l + 8, &sn), *e = trim(l + 9, l + 12, &en);
		if (sn == 0 || sn + en + 2 > nn)
			return false;
		memcpy(name, s, sn);
		name[sn] = '\0';
		if (en) {
			name[sn] = '.';
			memcpy(name + sn + 1, e, en);
			name[sn + 1 + en] = '\0';
		}
	}
	*bytes = v;
	return true;
}

int usbfiles_parse_mdir(const char *text, size_t len, struct usb_entry *out, int max)
{
	static const char head[] = "Directory for ::";
	char dir[400] = "";
	bool in_dir = false;
	int count = 0;
	if (len > USB_MAX_LISTING)
		len = USB_MAX_LISTING;
	const char *p = text, *end = text + len;
	while (p < end && count < max) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *l = p;
		p = nl ? nl + 1 : end;
		if (memchr(l, '\0', n))
			continue;
		if (n >= sizeof(head) - 1 && memcmp(l, head, sizeof(head) - 1) == 0) {
			size_t dn = n - (sizeof(head) - 1);
			in_dir = dn < sizeof(dir) && l[sizeof(head) - 1] == '/';
			if (in_dir) {
				memcpy(dir, l + sizeof(head) - 1, dn);
				dir[dn] = '\0';
			}
			continue;
		}
		char name[300];
		long long bytes;
		if (!in_dir || !file_line(l, n, name, sizeof(name), &bytes))
			continue;
		if (name[0] == '.' || strchr(name, '/') || usbfiles_kind(name) == USB_NONE ||
		    bytes <= 0 || bytes > USB_MAX_FILE_BYTES)
			continue;
		struct usb_entry *e = &out[count];
		int w = snprintf(e->path, sizeof(e->path), "::%s%s%s", dir,
				 dir[strlen(dir) - 1] == '/' ? "" : "/", name);
		if (w < 0 || (size_t)w >= sizeof(e->path))
			continue;
		usbfiles_safe_name(name, e->name, sizeof(e->name));
		e->bytes = bytes;
		e->kind = usbfiles_kind(e->name);
		if (e->kind == USB_NONE)
			continue;
		count++;
	}
	return count;
}
