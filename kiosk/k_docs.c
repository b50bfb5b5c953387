/* k_docs: the session's documents: the scan flow and copying from a USB key, and what --status
 * says of them. */
#include "kiosk.h"

/* ---- the scan flow: scanflow.c decides, scanrun.c runs the helper ---- */

void scan_watch(struct kiosk *k)
{
	if (k->scanner.fd >= 0)
		ep_add(k, k->scanner.fd, EV_SCAN);
}

/* The flow ends (closed, or the session's end): the helper stopped, its pages removed. */
void scan_close(struct kiosk *k)
{
	if (k->scanner.fd >= 0)
		epoll_ctl(k->ep, EPOLL_CTL_DEL, k->scanner.fd, NULL);
	scanrun_clear(&k->scanner);
	sf_close(&k->scan);
}

void scan_start_failed(struct kiosk *k)
{
	/* The helper could not even start: the same as a helper that died. */
	sf_exited(&k->scan, false);
}

/* Starts the print helper of R for PDF (NULL: R's scanned document), titled TITLE. The same
 * queue, user and page count as the browser's jobs: admind holds, counts and releases it
 * within the quota, or refuses it with the usual notice in the bar. */
static bool print_pdf(struct kiosk *k, struct scanrun *r, const char *pdf, const char *title)
{
	const char *name = k->cfg.print_kiosk_name;
	char *user = name && *name ? xasprintf(KPRINT_USER_PREFIX "%s", name) : NULL;
	bool ok = pdf ? scanrun_print_file(r, k->cfg.print_host, k->cfg.print_port,
					   k->cfg.print_queue, user, title, pdf)
		      : scanrun_print(r, k->cfg.print_host, k->cfg.print_port, k->cfg.print_queue,
				      user, title);
	free(user);
	return ok;
}

void scan_pressed(struct kiosk *k, char key)
{
	struct scanflow *f = &k->scan;
	if (k->sm.state != SM_SESSION)
		return;
	switch (key) {
	case UI_SCAN_START:
		if (sf_scan(f)) {
			if (scanrun_page(&k->scanner, k->cfg.runtime_dir, k->cfg.scan_device,
					 k->cfg.scan_resolution, f->gray, f->pages + 1))
				scan_watch(k);
			else
				scan_start_failed(k);
		}
		break;
	case UI_SCAN_COLOUR:
	case UI_SCAN_GRAY:
		sf_set_gray(f, key == UI_SCAN_GRAY);
		break;
	case UI_SCAN_ADD:
		sf_add_page(f);
		break;
	case UI_SCAN_RETAKE:
		if (sf_retake(f))
			scanrun_drop_page(&k->scanner, f->pages + 1);
		break;
	case UI_SCAN_FINISH:
		if (sf_finish(f)) {
			if (scanrun_pdf(&k->scanner, f->pages))
				scan_watch(k);
			else
				scan_start_failed(k);
		}
		break;
	case UI_SCAN_PRINT:
		if (sf_print(f)) {
			if (print_pdf(k, &k->scanner, NULL, k->scanner.saved))
				scan_watch(k);
			else
				scan_start_failed(k);
		}
		break;
	case UI_SCAN_IMAGES:
		if (sf_images(f)) {
			char *docs = k->br.dir ? documents_dir(k->br.dir) : NULL;
			int n = docs ? scanrun_publish_images(&k->scanner, docs, f->pages,
							      k->br.separated, k->br.uid, k->br.gid)
				     : -1;
			free(docs);
			sf_images_done(f, n > 0);
			if (n > 0)
				log_info("a scanned document's %d page(s) saved as images", n);
			else
				log_warnx(
					"a scanned document's pages could not be saved as images");
		}
		break;
	case UI_SCAN_RETRY:
		sf_retry(f);
		break;
	case UI_SCAN_CLOSE:
		if (!sf_busy(f) || f->state == SF_SCANNING)
			scan_close(k);
		break;
	}
}

/* The helper wrote (or ended). */
void scan_readable(struct kiosk *k)
{
	scan_event(k, scanrun_read(&k->scanner, &k->scan));
}

/* What the helper's output or its end did. */
void scan_event(struct kiosk *k, enum sf_event e)
{
	if (e == SF_EV_SAVED) {
		char *docs = k->br.dir ? documents_dir(k->br.dir) : NULL;
		if (!docs ||
		    !scanrun_publish(&k->scanner, docs, k->br.separated, k->br.uid, k->br.gid)) {
			log_warnx("a scanned document could not be written into the session");
			sf_save_failed(&k->scan);
		} else {
			/* Counts only: names stay in the session. */
			log_info("a scanned document of %d page(s) saved", k->scan.pages);
			k->scan.can_print = k->cfg.print_host != NULL;
		}
		free(docs);
	} else if (e == SF_EV_PRINTED) {
		log_info("a scanned document of %d page(s) sent to the print queue", k->scan.pages);
	} else if (e == SF_EV_FAILED) {
		log_warnx("scanning failed: %s", sf_error_word(k->scan.error));
	}
	if (e != SF_EV_NONE)
		k->cover_dirty = k->bar_dirty = true;
}

/* ---- the home page's scan tile (hometile.h) ---- */

/* The session's browser started: its home page's scan tile is watched. */
void scan_tile_watch(struct kiosk *k)
{
	scan_tile_unwatch(k);
	if (!k->br.dir)
		return;
	char *page = xasprintf("%s/home/" HOMETILE_PAGE, k->br.dir);
	k->tile_fd = hometile_watch(page);
	free(page);
	if (k->tile_fd >= 0)
		ep_add(k, k->tile_fd, EV_TILE);
}

void scan_tile_unwatch(struct kiosk *k)
{
	if (k->tile_fd < 0)
		return;
	epoll_ctl(k->ep, EPOLL_CTL_DEL, k->tile_fd, NULL);
	close(k->tile_fd);
	k->tile_fd = -1;
}

/* The tile's page was opened: what the bar's "Numériser" does, nothing more. */
void scan_tile_readable(struct kiosk *k)
{
	bool gone;
	bool opened = hometile_opened(k->tile_fd, &gone);
	if (gone)
		scan_tile_unwatch(k);
	if (!opened || k->sm.state != SM_SESSION)
		return;
	log_info("the home page's scan tile was pressed");
	sf_open(&k->scan);
	k->cover_dirty = k->bar_dirty = true;
}

/* ---- copying from a USB key: usbflow decides, usbrun's children read the key ---- */

void usb_unwatch_job(struct kiosk *k)
{
	if (k->usbr.fd >= 0)
		epoll_ctl(k->ep, EPOLL_CTL_DEL, k->usbr.fd, NULL);
}

/* Where an exFAT or NTFS key is mounted (a new string). */
char *usb_mnt(const struct kiosk *k)
{
	return xasprintf("%s/usb", k->cfg.runtime_dir);
}

/* The child stopped, the key unmounted if it was. */
void usb_release(struct kiosk *k)
{
	usb_unwatch_job(k);
	usbrun_stop(&k->usbr);
	char *mnt = usb_mnt(k);
	if (access(mnt, F_OK) == 0)
		usbmount_umount(mnt);
	free(mnt);
}

/* The flow ends (closed, session over): the key released, a print stopped, the kiosk's
 * copies removed. */
void usb_close(struct kiosk *k)
{
	usb_release(k);
	scanrun_stop(&k->usb_printer);
	usbrun_keep_clear(&k->usb_keep);
	uf_close(&k->usb);
}

void usb_open(struct kiosk *k)
{
	if (k->sm.state != SM_SESSION || !k->cfg.usb_enabled || !k->usbw.device[0] ||
	    !uf_open(&k->usb))
		return;
	char *mnt = usb_mnt(k);
	if (usbrun_list(&k->usbr, k->usbw.device, k->usbw.fs, mnt))
		ep_add(k, k->usbr.fd, EV_USB_JOB);
	else
		uf_listed(&k->usb, NULL, 0, false, k->usb_entries);
	free(mnt);
}

void usb_pressed(struct kiosk *k, char key)
{
	struct usbflow *f = &k->usb;
	if (k->sm.state != SM_SESSION)
		return;
	if (key >= '0' && key < '0' + UF_PER_PAGE) {
		uf_toggle(f, f->first + (key - '0'));
	} else if (key == UI_USB_PREV || key == UI_USB_NEXT) {
		uf_page(f, key == UI_USB_PREV ? -1 : 1);
	} else if (key == UI_USB_COPY && uf_copy(f)) {
		char *docs = k->br.dir ? documents_dir(k->br.dir) : NULL, *mnt = usb_mnt(k);
		/* With a print queue, the kiosk keeps its own copy of each PDF to print. */
		usbrun_keep_clear(&k->usb_keep);
		if (k->cfg.print_host)
			k->usb_keep = usbrun_keep_dir(k->cfg.runtime_dir);
		f->can_print = k->usb_keep != NULL;
		if (docs && usbrun_copy(&k->usbr, k->usbw.device, k->usbw.fs, mnt, k->usb_entries,
					f->chosen, f->n, docs, k->br.separated, k->br.uid,
					k->br.gid, k->usb_keep))
			ep_add(k, k->usbr.fd, EV_USB_JOB);
		else
			uf_copy_ended(f);
		free(docs);
		free(mnt);
	} else if (key == UI_USB_PRINT && uf_print(f)) {
		char *pdf = usbrun_kept(k->usb_keep, f->print_entry);
		sf_init(&k->usb_print);
		k->usb_print.state = SF_PRINTING; /* reads the helper's lines of a print */
		if (print_pdf(k, &k->usb_printer, pdf, k->usb_entries[f->print_entry].name))
			ep_add(k, k->usb_printer.fd, EV_USB_PRINT);
		else
			uf_print_ended(f, false);
		free(pdf);
	} else if (key == UI_USB_CLOSE && f->state != UF_COPYING && f->state != UF_PRINTING) {
		usb_close(k);
	}
}

/* What the print helper's output or its end did. */
static void usb_print_event(struct kiosk *k, enum sf_event e)
{
	if (e == SF_EV_PRINTED) {
		uf_print_ended(&k->usb, true);
		log_info("a PDF copied from a USB key sent to the print queue");
	} else if (e == SF_EV_FAILED) {
		uf_print_ended(&k->usb, false);
		log_warnx("a PDF copied from a USB key could not be printed");
	}
	if (e != SF_EV_NONE)
		k->cover_dirty = k->bar_dirty = true;
}

void usb_print_readable(struct kiosk *k)
{
	usb_print_event(k, scanrun_read(&k->usb_printer, &k->usb_print));
}

/* Once a second: a helper gone without closing its pipe. */
void usb_print_poll(struct kiosk *k)
{
	usb_print_event(k, scanrun_poll(&k->usb_printer, &k->usb_print));
}

void usb_job_readable(struct kiosk *k)
{
	const char *add;
	size_t n;
	bool ended = usbrun_read(&k->usbr, &add, &n);
	if (k->usb.state == UF_COPYING)
		uf_copied(&k->usb, add, n);
	if (ended) {
		if (k->usb.state == UF_READING) {
			uf_listed(&k->usb, k->usbr.buf, k->usbr.len, k->usbr.ok, k->usb_entries);
		} else if (k->usb.state == UF_COPYING) {
			uf_copy_ended(&k->usb);
			/* Counts only: names stay in the session. */
			log_info("%d file(s) copied from a USB key", k->usb.copied);
		}
	}
	k->cover_dirty = k->bar_dirty = true;
}

/* The key came or went (the monitor's fd, and the test image once a second). */
void usb_watch(struct kiosk *k)
{
	usbwatch_poll(&k->usbw);
	if (!usbwatch_changed(&k->usbw))
		return;
	bool there = k->usbw.device[0] != '\0';
	if (!there) {
		usb_release(k);
		if (uf_active(&k->usb) && k->usb.state != UF_DONE)
			uf_gone(&k->usb);
		k->usb_offered = false;
	} else {
		/* Outside a session a key is ignored, also once a session starts. */
		k->usb_offered = k->sm.state == SM_SESSION;
	}
	k->cover_dirty = k->bar_dirty = true;
}

/* The USB flow: the key's files offered (the session's only), chosen or not. */
json_t *usb_json(const struct kiosk *k)
{
	const struct usbflow *f = &k->usb;
	json_t *files = json_array();
	for (int i = 0; k->sm.state == SM_SESSION && i < f->n; i++)
		json_array_append_new(files, json_pack("{ss sI sb}", "name", k->usb_entries[i].name,
						       "bytes", (json_int_t)k->usb_entries[i].bytes,
						       "chosen", f->chosen[i]));
	return json_pack("{sb ss ss so si si si sb sb sb}", "key",
			 k->usbw.device[0] != '\0' && k->usb_offered, "state",
			 uf_state_word(f->state), "error", uf_error_word(f->error), "files", files,
			 "first", f->first, "copied", f->copied, "files_copied", f->files_copied,
			 "can_print", uf_print_offered(f), "printed", f->printed, "print_failed",
			 f->print_failed);
}

/* The session's Documents: names, sizes, pages of the kiosk's scans (null: unknown). */
json_t *documents_json(const struct kiosk *k)
{
	json_t *a = json_array();
	if (k->sm.state != SM_SESSION || !k->br.dir)
		return a;
	char *dir = documents_dir(k->br.dir);
	struct document *docs = xcalloc(DOCUMENTS_MAX, sizeof(*docs));
	int n = documents_list(dir, docs, DOCUMENTS_MAX);
	for (int i = 0; i < n; i++) {
		char *path = xasprintf("%s/%s", dir, docs[i].name);
		int pages = documents_own_pdf_pages(path);
		free(path);
		json_array_append_new(a, json_pack("{ss sI so}", "name", docs[i].name, "bytes",
						   (json_int_t)docs[i].bytes, "pages",
						   pages >= 0 ? json_integer(pages) : json_null()));
	}
	free(docs);
	free(dir);
	return a;
}
