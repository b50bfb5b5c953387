/* test_usbflow: the USB copy flow, and the records of the listing child checked. */
#include <stdio.h>
#include <string.h>

#include "../unit/test.h"
#include "usbflow.h"

static struct usb_entry rec(const char *path, const char *name, long long bytes)
{
	struct usb_entry e;
	memset(&e, 0, sizeof(e));
	snprintf(e.path, sizeof(e.path), "%s", path);
	snprintf(e.name, sizeof(e.name), "%s", name);
	e.bytes = bytes;
	e.kind = usbfiles_kind(name);
	return e;
}

static struct usb_entry entries[USB_MAX_FILES];

static void test_flow(void)
{
	struct usbflow f;
	uf_init(&f);
	CHECK(!uf_active(&f) && !uf_copy(&f));
	CHECK(uf_open(&f) && f.state == UF_READING && !uf_open(&f));
	struct usb_entry in[8];
	for (int i = 0; i < 8; i++) {
		char name[32];
		snprintf(name, sizeof(name), "doc-%d.pdf", i);
		in[i] = rec("::/x.pdf", name, 100 + i);
	}
	uf_listed(&f, in, sizeof(in), true, entries);
	CHECK(f.state == UF_LIST && f.n == 8 && strcmp(entries[7].name, "doc-7.pdf") == 0);
	CHECK(!uf_copy(&f)); /* nothing chosen */
	uf_toggle(&f, 1);
	uf_toggle(&f, 7);
	uf_toggle(&f, 3);
	uf_toggle(&f, 3);
	uf_toggle(&f, 8); /* out of range */
	uf_toggle(&f, -1);
	uf_page(&f, +1);
	CHECK(f.first == UF_PER_PAGE);
	uf_page(&f, +1);
	CHECK(f.first == UF_PER_PAGE);
	uf_page(&f, -1);
	CHECK(f.first == 0);
	CHECK(uf_copy(&f) && f.state == UF_COPYING && f.to_copy == 2);
	uf_copied(&f, "+x", 2);
	CHECK(f.done == 1 && f.copied == 1);
	uf_copied(&f, "-++", 3); /* only to_copy count */
	CHECK(f.done == 2 && f.copied == 1 && f.files_copied == 1);
	uf_copy_ended(&f);
	CHECK(f.state == UF_DONE);
	uf_close(&f);
	CHECK(!uf_active(&f) && f.files_copied == 1);
	/* All refused: an error. */
	CHECK(uf_open(&f));
	uf_listed(&f, in, sizeof(in), true, entries);
	uf_toggle(&f, 0);
	CHECK(uf_copy(&f));
	uf_copied(&f, "-", 1);
	uf_copy_ended(&f);
	CHECK(f.state == UF_ERROR && f.error == UF_ERR_COPY);
	CHECK(strcmp(uf_error_word(f.error), "copy") == 0);
	uf_close(&f);
	/* A key that cannot be read, one with nothing to offer, one pulled out. */
	CHECK(uf_open(&f));
	uf_listed(&f, NULL, 0, false, entries);
	CHECK(f.state == UF_ERROR && f.error == UF_ERR_UNREADABLE);
	uf_close(&f);
	CHECK(uf_open(&f));
	uf_listed(&f, NULL, 0, true, entries);
	CHECK(f.state == UF_ERROR && f.error == UF_ERR_EMPTY);
	uf_close(&f);
	CHECK(uf_open(&f));
	uf_listed(&f, in, sizeof(in), true, entries);
	uf_gone(&f);
	CHECK(f.state == UF_ERROR && f.error == UF_ERR_GONE);
	CHECK(f.files_copied == 1);
}

static void test_records(void)
{
	struct usb_entry in[8], out[8];
	in[0] = rec("::/a.pdf", "a.pdf", 10);
	in[1] = rec("a.pdf", "a.pdf", 10);              /* not a key path */
	in[2] = rec("::/a.exe", "a.exe", 10);           /* not offered */
	in[3] = rec("::/b.pdf", ".b.pdf", 10);          /* not a safe name */
	in[4] = rec("::/c.pdf", "c.pdf", 0);            /* empty */
	in[5] = rec("::/d.pdf", "d.pdf", (60LL << 20)); /* too large */
	in[6] = rec("::/e.jpg", "e.jpg", 10);
	in[7] = rec("::/f.pdf", "f.pdf", 10);
	memset(in[7].name, 'x', sizeof(in[7].name)); /* not terminated */
	in[6].kind = USB_PDF;                        /* kind not its name's */
	CHECK(uf_check_records(in, sizeof(in), out, 8) == 1);
	CHECK(strcmp(out[0].name, "a.pdf") == 0);
	/* A partial record is ignored; MAX is kept. */
	CHECK(uf_check_records(in, sizeof(in[0]) + 7, out, 8) == 1);
	struct usb_entry many[4] = {in[0], in[0], in[0], in[0]};
	CHECK(uf_check_records(many, sizeof(many), out, 3) == 3);
}

int main(void)
{
	test_flow();
	test_records();
	return TEST_DONE();
}
