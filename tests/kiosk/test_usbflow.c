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

/* Lists N PDFs and copies the entries CHOSEN (-1 ends), the kiosk keeping prints. */
static void copy_some(struct usbflow *f, int n, const int *chosen)
{
	struct usb_entry in[8];
	for (int i = 0; i < n; i++) {
		char name[32];
		snprintf(name, sizeof(name), "doc-%d.pdf", i);
		in[i] = rec("::/x.pdf", name, 100 + i);
	}
	uf_close(f);
	CHECK(uf_open(f));
	uf_listed(f, in, (size_t)n * sizeof(in[0]), true, entries);
	for (int i = 0; chosen[i] >= 0; i++)
		uf_toggle(f, chosen[i]);
	CHECK(uf_copy(f));
	f->can_print = true;
}

static void test_print(void)
{
	struct usbflow f;
	uf_init(&f);
	CHECK(f.print_entry == -1 && !uf_print_offered(&f) && !uf_print(&f));
	/* One PDF kept ('*') of the entries 2 and 5: entry 5 is the one to print. */
	copy_some(&f, 8, (const int[]){5, 2, -1});
	uf_copied(&f, "+", 1);
	CHECK(!uf_print_offered(&f)); /* still copying */
	uf_copied(&f, "*", 1);
	CHECK(f.copied == 2 && f.pdfs == 1 && f.print_entry == 5);
	CHECK(!uf_print(&f));
	uf_copy_ended(&f);
	CHECK(f.state == UF_DONE && uf_print_offered(&f));
	/* No print queue: not offered. */
	f.can_print = false;
	CHECK(!uf_print_offered(&f) && !uf_print(&f));
	f.can_print = true;
	CHECK(uf_print(&f) && f.state == UF_PRINTING && !uf_print(&f));
	CHECK(strcmp(uf_state_word(f.state), "printing") == 0);
	uf_gone(&f); /* the key pulled out: the kiosk's copy prints all the same */
	CHECK(f.state == UF_PRINTING);
	uf_print_ended(&f, false);
	CHECK(f.state == UF_DONE && f.print_failed && !f.printed && uf_print_offered(&f));
	CHECK(uf_print(&f) && !f.print_failed);
	uf_print_ended(&f, true);
	CHECK(f.state == UF_DONE && f.printed && !f.print_failed && !uf_print_offered(&f));
	uf_print_ended(&f, false); /* not printing: ignored */
	CHECK(f.printed && !f.print_failed);
	uf_gone(&f);
	CHECK(f.state == UF_DONE);

	/* Two PDFs kept: none offered (which one is not guessed). */
	copy_some(&f, 8, (const int[]){0, 1, -1});
	CHECK(!f.printed && f.print_entry == -1);
	uf_copied(&f, "**", 2);
	uf_copy_ended(&f);
	CHECK(f.state == UF_DONE && f.pdfs == 2 && !uf_print_offered(&f));

	/* A PDF copied without the kiosk's copy ('+'), or refused ('-'): none offered. */
	copy_some(&f, 3, (const int[]){0, 1, -1});
	uf_copied(&f, "+-", 2);
	uf_copy_ended(&f);
	CHECK(f.state == UF_DONE && f.pdfs == 0 && f.print_entry == -1 && !uf_print_offered(&f));

	/* A refused file then a kept one: the entry counted in the chosen order. */
	copy_some(&f, 8, (const int[]){6, 3, -1});
	uf_copied(&f, "-*", 2);
	uf_copy_ended(&f);
	CHECK(f.print_entry == 6 && uf_print_offered(&f));
	/* Closed: all forgotten but the session's count. */
	int kept = f.files_copied;
	uf_close(&f);
	CHECK(f.print_entry == -1 && !f.can_print && f.files_copied == kept);
}

int main(void)
{
	test_flow();
	test_print();
	test_records();
	return TEST_DONE();
}
