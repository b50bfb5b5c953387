/* test_usbfiles: what is taken from a USB key: kinds, first bytes, safe names, and mdir's
 * listing, hostile entries included. */
#include <string.h>

#include "../unit/test.h"
#include "usbfiles.h"

static void test_kind(void)
{
	CHECK(usbfiles_kind("a.pdf") == USB_PDF);
	CHECK(usbfiles_kind("A.PDF") == USB_PDF);
	CHECK(usbfiles_kind("photo.JpEg") == USB_JPEG);
	CHECK(usbfiles_kind("scan.png") == USB_PNG);
	CHECK(usbfiles_kind("IMG_0001.HEIC") == USB_HEIC);
	CHECK(usbfiles_kind("setup.exe") == USB_NONE);
	CHECK(usbfiles_kind("facture.pdf.exe") == USB_NONE);
	CHECK(usbfiles_kind("run.sh") == USB_NONE);
	CHECK(usbfiles_kind(".pdf") == USB_NONE);
	CHECK(usbfiles_kind("pdf") == USB_NONE);
	CHECK(usbfiles_kind("a.") == USB_NONE);
	CHECK(usbfiles_kind("a.pdfxxxxxx") == USB_NONE);
}

static void test_magic(void)
{
	CHECK(usbfiles_magic_ok(USB_PDF, (const unsigned char *)"%PDF-1.7", 8));
	CHECK(!usbfiles_magic_ok(USB_PDF, (const unsigned char *)"MZ\x90\0", 4));
	CHECK(!usbfiles_magic_ok(USB_PDF, (const unsigned char *)"%PD", 3));
	CHECK(usbfiles_magic_ok(USB_JPEG, (const unsigned char *)"\xff\xd8\xff\xe0", 4));
	CHECK(!usbfiles_magic_ok(USB_JPEG, (const unsigned char *)"#!/bin/sh", 9));
	CHECK(usbfiles_magic_ok(USB_PNG, (const unsigned char *)"\x89PNG\r\n\x1a\n\0", 9));
	CHECK(usbfiles_magic_ok(USB_HEIC,
				(const unsigned char *)"\0\0\0\x18"
						       "ftypheic",
				12));
	CHECK(!usbfiles_magic_ok(USB_HEIC,
				 (const unsigned char *)"\0\0\0\x18"
							"ftypisom",
				 12));
	CHECK(!usbfiles_magic_ok(USB_NONE, (const unsigned char *)"%PDF-", 5));
}

static void safe(const char *in, const char *want)
{
	char out[USB_NAME_MAX + 1];
	usbfiles_safe_name(in, out, sizeof(out));
	if (strcmp(out, want) != 0)
		fprintf(stderr, "safe_name(%s) = '%s', want '%s'\n", in, out, want);
	CHECK(strcmp(out, want) == 0);
}

static void test_names(void)
{
	safe("Attestation CAF très longue.pdf", "Attestation CAF très longue.pdf");
	safe("dir/sub/a.pdf", "a.pdf");
	safe("bad\tname\n.pdf", "bad_name_.pdf");
	safe("..pdf", "pdf");
	safe(".hidden.pdf", "hidden.pdf");
	safe("...", "document");
	safe("", "document");
	safe("a:b*c?.pdf", "a_b_c_.pdf");
	safe("back\\slash.pdf", "back_slash.pdf");
	safe("bad\xff\xfeutf8.pdf", "bad__utf8.pdf");
	safe("over\xc0\xaflong.pdf", "over__long.pdf");
	/* U+202E RIGHT-TO-LEFT OVERRIDE hides an extension: replaced, byte by byte. */
	safe("facture\xe2\x80\xae"
	     "fdp.exe",
	     "facture___fdp.exe");
	safe("trailing dot.pdf.", "trailing dot.pdf");
	/* Long: cut to USB_NAME_MAX bytes, the extension kept, UTF-8 never split. */
	char longname[400] = "";
	for (int i = 0; i < 60; i++)
		strcat(longname, "é");
	strcat(longname, ".pdf");
	char out[USB_NAME_MAX + 1];
	usbfiles_safe_name(longname, out, sizeof(out));
	CHECK(strlen(out) <= USB_NAME_MAX);
	CHECK(strcmp(out + strlen(out) - 4, ".pdf") == 0);
	CHECK((strlen(out) - 4) % 2 == 0);
	char small[8];
	usbfiles_safe_name("abcdefghijk.pdf", small, sizeof(small));
	CHECK(strlen(small) == 7 && strcmp(small + 3, ".pdf") == 0);
}

static const char listing[] =
	" Volume in drive : is CLE        \n"
	" Volume Serial Number is 28E4-D647\n"
	"Directory for ::/\n"
	"\n"
	"SOUSDO~1     <DIR>     2026-12-06  16:51  Sous dossier\n"
	"a        pdf        15 2026-12-06  16:51 \n"
	"photo    JPG         8 2026-12-06  16:51 \n"
	"setup    exe         7 2026-12-06  16:51 \n"
	"HIDDEN~1 PDF        15 2026-12-06  16:51  .hidden.pdf\n"
	"BIG      PDF 104857600 2026-12-06  16:51 \n"
	"EMPTY    PDF         0 2026-12-06  16:51 \n"
	"FACTUR~1 EXE       100 2026-12-06  16:51  facture.pdf.exe\n"
	"        5 files                  45 bytes\n"
	"\n"
	"Directory for ::/Sous dossier\n"
	"\n"
	".            <DIR>     2026-12-06  16:51 \n"
	"..           <DIR>     2026-12-06  16:51 \n"
	"ATTEST~1 PDF        15 2026-12-06  16:51  Attestation CAF très longue.pdf\n"
	"BAD~1    PDF        15 2026-12-06  16:51  bad\x1b[2Jname.pdf\n"
	"        3 files                  15 bytes\n"
	"\n"
	"Total files listed:\n"
	"        7 files                  45 bytes\n";

static void test_mdir(void)
{
	struct usb_entry e[8];
	int n = usbfiles_parse_mdir(listing, sizeof(listing) - 1, e, 8);
	CHECK(n == 4);
	if (n != 4)
		return;
	CHECK(strcmp(e[0].path, "::/a.pdf") == 0 && strcmp(e[0].name, "a.pdf") == 0);
	CHECK(e[0].bytes == 15 && e[0].kind == USB_PDF);
	CHECK(strcmp(e[1].path, "::/photo.JPG") == 0 && e[1].kind == USB_JPEG && e[1].bytes == 8);
	CHECK(strcmp(e[2].path, "::/Sous dossier/Attestation CAF très longue.pdf") == 0);
	CHECK(strcmp(e[2].name, "Attestation CAF très longue.pdf") == 0);
	/* An escape sequence in a name: shown harmless, the path as on the key. */
	CHECK(strcmp(e[3].name, "bad_[2Jname.pdf") == 0);
	CHECK(strcmp(e[3].path, "::/Sous dossier/bad\x1b[2Jname.pdf") == 0);
	/* At most MAX. */
	CHECK(usbfiles_parse_mdir(listing, sizeof(listing) - 1, e, 2) == 2);
	/* Truncated input, lines without a directory, garbage. */
	CHECK(usbfiles_parse_mdir(listing, 60, e, 8) == 0);
	static const char orphan[] = "a        pdf        15 2026-12-06  16:51 \n";
	CHECK(usbfiles_parse_mdir(orphan, sizeof(orphan) - 1, e, 8) == 0);
	static const char bad[] = "Directory for ::/\n"
				  "a        pdf       -15 2026-12-06  16:51 \n"
				  "a        pdf   99999999999999 2026-12-06  16:51 \n"
				  "a        pdf        15 2026/12/06  16:51 \n"
				  "a        pdf        15\n"
				  "x\n";
	CHECK(usbfiles_parse_mdir(bad, sizeof(bad) - 1, e, 8) == 0);
}

int main(void)
{
	test_kind();
	test_magic();
	test_names();
	test_mdir();
	return TEST_DONE();
}
