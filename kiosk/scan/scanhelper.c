/* escale-kiosk-scan: the kiosk's scanner helper. SANE calls block for seconds (a page takes
 * the scanner's time), so the kiosk runs this in a child process and reads its progress
 * lines; the X event loop never waits on the scanner.
 *
 *   escale-kiosk-scan scan [--device D] [--resolution DPI] [--mode color|gray]
 *                          [--option NAME=VALUE]... --out PREFIX
 *     scans one page into PREFIX.jpg (JPEG, the page's resolution in its JFIF header) and
 *     PREFIX.png (a small preview for the kiosk's screen).
 *   escale-kiosk-scan pdf OUT.pdf PAGE.jpg...
 *     makes one PDF of the pages (cairo's PDF surface, each page's JPEG embedded as it is).
 *   escale-kiosk-scan print --server HOST --port PORT --queue Q [--user U] --title T FILE.pdf
 *     sends the kiosk's own PDF to the print queue as the browser's jobs go (IPP, libcups;
 *     the CUPS user U, "escale-kiosk.NAME", when print.kiosk_name is set): the queue holds
 *     it and admind counts, charges and releases it, or refuses it over the quota.
 *
 * stdout, one line each: "device NAME", "progress PERCENT", then "done W H" (scan) or
 * "done PAGES BYTES" (pdf), "printed JOB" (print), or "error WORD" with WORD one of missing,
 * busy, jammed, nodocs, cover, locked, denied, format, toolarge, io, usage, unreachable,
 * refused; exit status 0 only after "done" or "printed".
 * --option sets a SANE option of the device by name (tests use the "test" backend's
 * error simulation); the kiosk passes none. */
#include <cairo-pdf.h>
#include <cairo.h>
#include <cups/cups.h>
#include <ctype.h>
#include <fcntl.h>
#include <sane/sane.h>
#include <sane/saneopts.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* After stdio.h: jpeglib.h uses FILE. */
#include <jpeglib.h>

/* SANE 1.1's statuses, which sane.h shows only to its network backend. */
#define STATUS_WARMING_UP 12
#define STATUS_HW_LOCKED  13

/* A page is at most A3 at 300 dpi in colour, a little more: 5000 x 5000 pixels. */
#define MAX_SIDE     5000
#define MAX_PAGES    50
#define PREVIEW_SIDE 600
/* How long SANE's cleanup (cancel, close, exit) may take once the page is read or failed:
 * a scanner returns its head in a few seconds; a backend whose reader thread wedges (SANE's
 * test backend cancels it asynchronously and it can die holding malloc's lock) must not keep
 * the resident waiting, so the outcome is said when the time is up. */
#define CLEANUP_SECONDS 4

static void say(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static int fail(const char *word)
{
	say("error %s", word);
	return 1;
}

/* The outcome line waiting for SANE's cleanup, and its exit status: what the watchdog says
 * if the cleanup outlives CLEANUP_SECONDS. */
static char pending[80];
static volatile sig_atomic_t pending_status;

static void on_cleanup_timeout(int sig)
{
	(void)sig;
	size_t n = strlen(pending);
	/* write(2) and _exit(2) only: async-signal-safe. */
	if (write(STDOUT_FILENO, pending, n) != (ssize_t)n)
		_exit(1);
	_exit(pending_status);
}

/* Closes H and SANE within CLEANUP_SECONDS, then says LINE (and returns STATUS); past the
 * time the watchdog says LINE and exits with STATUS. */
static int cleanup_then_say(SANE_Handle h, const char *line, int status)
{
	snprintf(pending, sizeof(pending), "%s\n", line);
	pending_status = status;
	fflush(stdout);
	struct sigaction sa = {.sa_handler = on_cleanup_timeout};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	alarm(CLEANUP_SECONDS);
	sane_cancel(h);
	sane_close(h);
	sane_exit();
	alarm(0);
	say("%s", line);
	return status;
}

static const char *status_word(SANE_Status s)
{
	switch ((int)s) {
	case SANE_STATUS_DEVICE_BUSY:
	case STATUS_WARMING_UP:
		return "busy";
	case SANE_STATUS_JAMMED:
		return "jammed";
	case SANE_STATUS_NO_DOCS:
		return "nodocs";
	case SANE_STATUS_COVER_OPEN:
		return "cover";
	case STATUS_HW_LOCKED:
		return "locked";
	case SANE_STATUS_ACCESS_DENIED:
		return "denied";
	default:
		return "io";
	}
}

/* Sets option NAME of H to VALUE (a word, or a number for an int/fixed option); false
 * when the device has no such option or refuses the value. */
static bool set_option(SANE_Handle h, const char *name, const char *value)
{
	for (SANE_Int i = 1;; i++) {
		const SANE_Option_Descriptor *d = sane_get_option_descriptor(h, i);
		if (!d)
			return false;
		if (!d->name || strcmp(d->name, name) != 0)
			continue;
		if (!SANE_OPTION_IS_SETTABLE(d->cap) || !SANE_OPTION_IS_ACTIVE(d->cap))
			return false;
		SANE_Status st;
		if (d->type == SANE_TYPE_STRING) {
			if (strlen(value) >= (size_t)d->size)
				return false;
			char *buf = calloc(1, (size_t)d->size);
			if (!buf)
				return false;
			strcpy(buf, value);
			st = sane_control_option(h, i, SANE_ACTION_SET_VALUE, buf, NULL);
			free(buf);
		} else if (d->type == SANE_TYPE_INT || d->type == SANE_TYPE_FIXED ||
			   d->type == SANE_TYPE_BOOL) {
			char *end;
			long v = strtol(value, &end, 10);
			if (end == value || *end || v < -100000 || v > 100000)
				return false;
			SANE_Word w =
				d->type == SANE_TYPE_FIXED ? SANE_FIX((double)v) : (SANE_Word)v;
			if (d->size < (SANE_Int)sizeof(SANE_Word))
				return false;
			/* An array option (a gamma table) is not one of ours. */
			if (d->size != (SANE_Int)sizeof(SANE_Word))
				return false;
			st = sane_control_option(h, i, SANE_ACTION_SET_VALUE, &w, NULL);
		} else {
			return false;
		}
		return st == SANE_STATUS_GOOD;
	}
}

/* Sets the range option NAME of H to its largest value (the whole glass: br-x, br-y). */
static void set_max(SANE_Handle h, const char *name)
{
	for (SANE_Int i = 1;; i++) {
		const SANE_Option_Descriptor *d = sane_get_option_descriptor(h, i);
		if (!d)
			return;
		if (!d->name || strcmp(d->name, name) != 0)
			continue;
		if (SANE_OPTION_IS_SETTABLE(d->cap) && SANE_OPTION_IS_ACTIVE(d->cap) &&
		    d->constraint_type == SANE_CONSTRAINT_RANGE && d->size == sizeof(SANE_Word) &&
		    (d->type == SANE_TYPE_INT || d->type == SANE_TYPE_FIXED)) {
			SANE_Word w = d->constraint.range->max;
			sane_control_option(h, i, SANE_ACTION_SET_VALUE, &w, NULL);
		}
		return;
	}
}

struct page {
	int w, h, channels;
	unsigned char *px; /* w * h * channels, 8 bits */
};

/* Reads one frame of H into P; "" on success, else the error word. */
static const char *read_page(SANE_Handle h, struct page *p)
{
	SANE_Status st = sane_start(h);
	if (st != SANE_STATUS_GOOD)
		return status_word(st);
	SANE_Parameters par;
	st = sane_get_parameters(h, &par);
	if (st != SANE_STATUS_GOOD)
		return status_word(st);
	if (!par.last_frame || par.depth != 8 ||
	    (par.format != SANE_FRAME_GRAY && par.format != SANE_FRAME_RGB))
		return "format";
	p->channels = par.format == SANE_FRAME_RGB ? 3 : 1;
	p->w = par.pixels_per_line;
	if (p->w <= 0 || p->w > MAX_SIDE || par.bytes_per_line != p->w * p->channels ||
	    par.lines > MAX_SIDE)
		return "toolarge";
	size_t line = (size_t)par.bytes_per_line;
	size_t cap = line * (size_t)(par.lines > 0 ? par.lines : 256);
	size_t max = line * MAX_SIDE, len = 0;
	p->px = malloc(cap);
	if (!p->px)
		return "io";
	int last = -1;
	for (;;) {
		if (len == cap) {
			if (cap >= max)
				return "toolarge";
			cap = cap * 2 > max ? max : cap * 2;
			unsigned char *n = realloc(p->px, cap);
			if (!n)
				return "io";
			p->px = n;
		}
		SANE_Int got = 0;
		SANE_Int want = cap - len > 65536 ? 65536 : (SANE_Int)(cap - len);
		st = sane_read(h, p->px + len, want, &got);
		if (st == SANE_STATUS_EOF)
			break;
		if (st != SANE_STATUS_GOOD)
			return status_word(st);
		if (got < 0 || got > want)
			return "io";
		len += (size_t)got;
		if (par.lines > 0) {
			int pct = (int)(len * 100 / (line * (size_t)par.lines));
			if (pct / 5 != last / 5 && pct < 100) {
				say("progress %d", pct);
				last = pct;
			}
		}
	}
	p->h = (int)(len / line);
	if (p->h <= 0)
		return "io";
	return "";
}

static bool write_jpeg(const char *path, const struct page *p, int dpi)
{
	FILE *f = fopen(path, "wbx");
	if (!f)
		return false;
	struct jpeg_compress_struct c;
	struct jpeg_error_mgr err;
	c.err = jpeg_std_error(&err);
	jpeg_create_compress(&c);
	jpeg_stdio_dest(&c, f);
	c.image_width = (JDIMENSION)p->w;
	c.image_height = (JDIMENSION)p->h;
	c.input_components = p->channels;
	c.in_color_space = p->channels == 3 ? JCS_RGB : JCS_GRAYSCALE;
	jpeg_set_defaults(&c);
	/* Readable text, a page under 1 MB at 150-200 dpi (docs/benchmarks.md). */
	jpeg_set_quality(&c, p->channels == 3 ? 70 : 75, TRUE);
	c.density_unit = 1; /* dots per inch */
	c.X_density = c.Y_density = (UINT16)dpi;
	jpeg_start_compress(&c, TRUE);
	while (c.next_scanline < c.image_height) {
		JSAMPROW row = p->px + (size_t)c.next_scanline * (size_t)p->w * (size_t)p->channels;
		jpeg_write_scanlines(&c, &row, 1);
	}
	jpeg_finish_compress(&c);
	jpeg_destroy_compress(&c);
	return fclose(f) == 0;
}

/* A small preview, PREVIEW_SIDE at most, as PNG (cairo reads it back in the kiosk). */
static bool write_preview(const char *path, const struct page *p)
{
	double k = (double)PREVIEW_SIDE / (p->w > p->h ? p->w : p->h);
	if (k > 1)
		k = 1;
	int w = (int)(p->w * k) > 0 ? (int)(p->w * k) : 1;
	int h = (int)(p->h * k) > 0 ? (int)(p->h * k) : 1;
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
	unsigned char *d = cairo_image_surface_get_data(s);
	int stride = cairo_image_surface_get_stride(s);
	cairo_surface_flush(s);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			int sx = (int)(x / k), sy = (int)(y / k);
			if (sx >= p->w)
				sx = p->w - 1;
			if (sy >= p->h)
				sy = p->h - 1;
			const unsigned char *q = p->px + ((size_t)sy * (size_t)p->w + (size_t)sx) *
								 (size_t)p->channels;
			unsigned r = q[0], g = q[p->channels == 3 ? 1 : 0],
				 b = q[p->channels == 3 ? 2 : 0];
			uint32_t v = 0xff000000u | r << 16 | g << 8 | b;
			memcpy(d + (size_t)y * (size_t)stride + (size_t)x * 4, &v, 4);
		}
	cairo_surface_mark_dirty(s);
	bool ok = cairo_surface_write_to_png(s, path) == CAIRO_STATUS_SUCCESS;
	cairo_surface_destroy(s);
	return ok;
}

static int do_scan(int argc, char **argv)
{
	const char *device = "", *mode = "color", *out = NULL;
	int dpi = 150;
	const char *opts[16];
	int n_opts = 0;
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!v)
			return fail("usage");
		if (strcmp(a, "--device") == 0)
			device = v;
		else if (strcmp(a, "--mode") == 0)
			mode = v;
		else if (strcmp(a, "--out") == 0)
			out = v;
		else if (strcmp(a, "--resolution") == 0)
			dpi = atoi(v);
		else if (strcmp(a, "--option") == 0 && n_opts < 16 && strchr(v, '='))
			opts[n_opts++] = v;
		else
			return fail("usage");
		i++;
	}
	if (!out || strlen(out) > 4000 || dpi < 75 || dpi > 600 ||
	    (strcmp(mode, "color") != 0 && strcmp(mode, "gray") != 0))
		return fail("usage");

	SANE_Int version;
	if (sane_init(&version, NULL) != SANE_STATUS_GOOD)
		return fail("missing");
	char first[256] = "";
	if (!*device) {
		const SANE_Device **list = NULL;
		if (sane_get_devices(&list, SANE_FALSE) == SANE_STATUS_GOOD && list && list[0] &&
		    strlen(list[0]->name) < sizeof(first))
			strcpy(first, list[0]->name);
		device = first;
	}
	SANE_Handle h = NULL;
	SANE_Status st = *device ? sane_open(device, &h) : SANE_STATUS_INVAL;
	if (st != SANE_STATUS_GOOD) {
		sane_exit();
		return fail(st == SANE_STATUS_DEVICE_BUSY     ? "busy"
			    : st == SANE_STATUS_ACCESS_DENIED ? "denied"
							      : "missing");
	}
	say("device %s", device);
	/* Not every device has every option, nor these names for the modes: best effort. */
	set_option(h, SANE_NAME_SCAN_MODE,
		   strcmp(mode, "color") == 0 ? SANE_VALUE_SCAN_MODE_COLOR
					      : SANE_VALUE_SCAN_MODE_GRAY);
	set_option(h, SANE_NAME_BIT_DEPTH, "8");
	char res[16];
	snprintf(res, sizeof(res), "%d", dpi);
	set_option(h, SANE_NAME_SCAN_RESOLUTION, res);
	/* The whole glass: the top left corner stays at its default, the origin. */
	set_max(h, SANE_NAME_SCAN_BR_X);
	set_max(h, SANE_NAME_SCAN_BR_Y);
	for (int i = 0; i < n_opts; i++) {
		char name[64];
		const char *eq = strchr(opts[i], '=');
		snprintf(name, sizeof(name), "%.*s", (int)(eq - opts[i]), opts[i]);
		if (!set_option(h, name, eq + 1)) {
			sane_close(h);
			sane_exit();
			return fail("usage");
		}
	}
	say("progress 0");
	struct page p = {0};
	const char *e = read_page(h, &p);
	/* The page's files first, then SANE's cleanup, bounded: the outcome line comes last,
	 * once the files are written and the scanner released (or given up on). */
	char line[64];
	if (*e) {
		snprintf(line, sizeof(line), "error %s", e);
	} else {
		char *jpg = NULL, *png = NULL;
		bool ok = asprintf(&jpg, "%s.jpg", out) > 0 && asprintf(&png, "%s.png", out) > 0 &&
			  write_jpeg(jpg, &p, dpi) && write_preview(png, &p);
		free(jpg);
		free(png);
		if (ok)
			snprintf(line, sizeof(line), "done %d %d", p.w, p.h);
		else
			snprintf(line, sizeof(line), "error io");
	}
	free(p.px);
	return cleanup_then_say(h, line, strncmp(line, "done ", 5) == 0 ? 0 : 1);
}

struct jpeg_fail {
	struct jpeg_error_mgr mgr;
	jmp_buf jb;
};

static void on_jpeg_error(j_common_ptr c)
{
	longjmp(((struct jpeg_fail *)c->err)->jb, 1);
}

/* The size and resolution of the JPEG DATA (the helper's own page). */
static bool jpeg_info(const unsigned char *data, size_t len, int *w, int *h, int *dpi)
{
	struct jpeg_decompress_struct c;
	struct jpeg_fail err;
	c.err = jpeg_std_error(&err.mgr);
	err.mgr.error_exit = on_jpeg_error;
	if (setjmp(err.jb)) {
		jpeg_destroy_decompress(&c);
		return false;
	}
	jpeg_create_decompress(&c);
	jpeg_mem_src(&c, data, (unsigned long)len);
	bool ok = jpeg_read_header(&c, TRUE) == JPEG_HEADER_OK;
	if (ok) {
		*w = (int)c.image_width;
		*h = (int)c.image_height;
		*dpi = c.density_unit == 1 && c.X_density >= 75 ? c.X_density : 150;
	}
	jpeg_destroy_decompress(&c);
	return ok && *w > 0 && *h > 0 && *w <= MAX_SIDE && *h <= MAX_SIDE;
}

static unsigned char *slurp(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    st.st_size > 64 << 20) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	unsigned char *b = malloc((size_t)st.st_size);
	size_t got = 0;
	while (b && got < (size_t)st.st_size) {
		ssize_t r = read(fd, b + got, (size_t)st.st_size - got);
		if (r <= 0) {
			free(b);
			b = NULL;
			break;
		}
		got += (size_t)r;
	}
	close(fd);
	*len = got;
	return b;
}

static int do_pdf(int argc, char **argv)
{
	if (argc < 4 || argc - 3 > MAX_PAGES)
		return fail("usage");
	const char *out = argv[2];
	cairo_surface_t *pdf = cairo_pdf_surface_create(out, 595, 842);
	if (cairo_surface_status(pdf) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(pdf);
		return fail("io");
	}
	cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_CREATOR, "escale");
	cairo_t *cr = cairo_create(pdf);
	const char *e = "";
	for (int i = 3; i < argc && !*e; i++) {
		size_t len = 0;
		unsigned char *data = slurp(argv[i], &len);
		int w, h, dpi;
		if (!data || !jpeg_info(data, len, &w, &h, &dpi)) {
			free(data);
			e = "format";
			break;
		}
		double pw = w * 72.0 / dpi, ph = h * 72.0 / dpi;
		cairo_pdf_surface_set_size(pdf, pw, ph);
		/* The image's pixels are never drawn: cairo embeds the JPEG stream itself. */
		cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
		cairo_surface_set_mime_data(img, CAIRO_MIME_TYPE_JPEG, data, len, free, data);
		cairo_save(cr);
		cairo_scale(cr, 72.0 / dpi, 72.0 / dpi);
		cairo_set_source_surface(cr, img, 0, 0);
		cairo_paint(cr);
		cairo_restore(cr);
		cairo_show_page(cr);
		cairo_surface_destroy(img);
		say("progress %d", (i - 2) * 100 / (argc - 3));
	}
	cairo_destroy(cr);
	cairo_surface_finish(pdf);
	bool ok = cairo_surface_status(pdf) == CAIRO_STATUS_SUCCESS;
	cairo_surface_destroy(pdf);
	if (*e || !ok) {
		unlink(out);
		return fail(*e ? e : "io");
	}
	struct stat st;
	if (stat(out, &st) < 0)
		return fail("io");
	say("done %d %lld", argc - 3, (long long)st.st_size);
	return 0;
}

/* A word of the command line: printable ASCII, no space, 1..MAX bytes (a host, a queue, a
 * CUPS user name); the title may hold spaces. */
static bool plain_arg(const char *s, size_t max, bool spaces)
{
	size_t n = strlen(s);
	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isprint((unsigned char)s[i]) || (!spaces && s[i] == ' '))
			return false;
	return true;
}

/* The largest document sent: the scan's PDF is at most MAX_PAGES pages of about 1 MB. */
#define MAX_PRINT_BYTES (64L << 20)

static int do_print(int argc, char **argv)
{
	const char *server = NULL, *queue = NULL, *user = NULL, *title = NULL, *file = NULL;
	long port = 0;
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (a[0] != '-' && i == argc - 1 && !file) {
			file = a;
			continue;
		}
		if (!v)
			return fail("usage");
		if (strcmp(a, "--server") == 0 && !server)
			server = v;
		else if (strcmp(a, "--queue") == 0 && !queue)
			queue = v;
		else if (strcmp(a, "--user") == 0 && !user)
			user = v;
		else if (strcmp(a, "--title") == 0 && !title)
			title = v;
		else if (strcmp(a, "--port") == 0 && !port) {
			char *end;
			port = strtol(v, &end, 10);
			if (end == v || *end || port < 1 || port > 65535)
				return fail("usage");
		} else {
			return fail("usage");
		}
		i++;
	}
	if (!server || !queue || !title || !file || !port || !plain_arg(server, 255, false) ||
	    !plain_arg(queue, 127, false) || (user && !plain_arg(user, 255, false)) ||
	    !plain_arg(title, 255, true) || strlen(file) > 4000)
		return fail("usage");
	/* The kiosk's own file: regular, not through a link, a PDF of a sane size. */
	int fd = open(file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	char magic[5] = "";
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < 5 ||
	    st.st_size > MAX_PRINT_BYTES || read(fd, magic, 5) != 5 ||
	    memcmp(magic, "%PDF-", 5) != 0) {
		if (fd >= 0)
			close(fd);
		return fail("format");
	}
	if (lseek(fd, 0, SEEK_SET) != 0) {
		close(fd);
		return fail("io");
	}
	if (user)
		cupsSetUser(user);
	http_t *http = httpConnect2(server, (int)port, NULL, AF_UNSPEC,
				    HTTP_ENCRYPTION_IF_REQUESTED, 1, 10000, NULL);
	if (!http) {
		close(fd);
		return fail("unreachable");
	}
	say("progress 0");
	/* One Print-Job to ipp://SERVER:PORT/printers/QUEUE with the kiosk's file as it was
	 * opened (cupsCreateJob would look the queue up and may be handed its device URI). */
	char uri[600], resource[160];
	httpAssembleURIf(HTTP_URI_CODING_ALL, uri, sizeof(uri), "ipp", NULL, server, (int)port,
			 "/printers/%s", queue);
	snprintf(resource, sizeof(resource), "/printers/%s", queue);
	ipp_t *req = ippNewRequest(IPP_OP_PRINT_JOB);
	ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", NULL, uri);
	ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", NULL,
		     cupsUser());
	ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_NAME, "job-name", NULL, title);
	ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_MIMETYPE, "document-format", NULL,
		     "application/pdf");
	ipp_t *res = cupsDoIORequest(http, req, resource, fd, -1);
	ipp_attribute_t *id = res ? ippFindAttribute(res, "job-id", IPP_TAG_INTEGER) : NULL;
	/* successful-ok-ignored-or-substituted-attributes and the like are successes too. */
	int job = id && cupsLastError() <= IPP_STATUS_OK_EVENTS_COMPLETE ? ippGetInteger(id, 0) : 0;
	bool ok = job > 0;
	if (!ok)
		fprintf(stderr, "escale-kiosk-scan: the queue %s refused the document: %s\n", queue,
			cupsLastErrorString());
	ippDelete(res);
	httpClose(http);
	close(fd);
	if (!ok)
		return fail("refused");
	say("printed %d", job);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "scan") == 0)
		return do_scan(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "pdf") == 0)
		return do_pdf(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "print") == 0)
		return do_print(argc, argv);
	fprintf(stderr, "usage: escale-kiosk-scan scan [--device D] [--resolution DPI] "
			"[--mode color|gray] [--option NAME=VALUE]... --out PREFIX\n"
			"       escale-kiosk-scan pdf OUT.pdf PAGE.jpg...\n"
			"       escale-kiosk-scan print --server HOST --port PORT --queue Q "
			"[--user U] --title T FILE.pdf\n");
	return fail("usage");
}
