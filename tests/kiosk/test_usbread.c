/* test_usbread: a real FAT file system (mkfs.vfat, mtools' mcopy) read as a resident's key
 * through usbread: what is listed, what is copied, what is refused, and the key unchanged. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../unit/test.h"
#include "usbread.h"
#include "util.h"

static char root[] = "/tmp/test_usbread.XXXXXX";

/* SCRIPT run by sh in the test's directory. */
static int sh(const char *script)
{
	return chdir(root) == 0 ? system(script) : -1;
}

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *b = xmalloc(1 << 16);
	*n = fread(b, 1, 1 << 16, f);
	fclose(f);
	return b;
}

static const struct usb_entry *find(const struct usb_entry *e, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(e[i].name, name) == 0)
			return &e[i];
	return NULL;
}

int main(void)
{
	if (access("/usr/bin/mtools", X_OK) != 0 || access("/sbin/mkfs.vfat", X_OK) != 0) {
		printf("mtools or dosfstools missing: skipped (apt-get install mtools "
		       "dosfstools)\n");
		return 77;
	}
	CHECK(mkdtemp(root) != NULL);
	/* The key: PDFs (one in a folder, with accents), a JPEG, an executable, an executable
	 * named .pdf, a hidden PDF and a 51 MB PDF (mtools refuses to write a name with control
	 * characters: test_usbfiles reads one in a listing). */
	int rc = sh("set -e; truncate -s 80M key.img; mkfs.vfat -n CLE key.img >/dev/null; "
		    "export MTOOLS_SKIP_CHECK=1 MTOOLSRC=/dev/null; "
		    "printf '%%PDF-1.4 real pdf\\n' > a.pdf; printf '\\377\\330\\377\\340jpeg' > "
		    "p.jpg; "
		    "printf 'MZ\\220 exe' > setup.exe; printf 'MZ\\220 exe' > fake.pdf; "
		    "{ printf '%%PDF-1.4 big'; head -c 53477376 /dev/zero; } > big.pdf; "
		    "mmd -i key.img '::/Sous dossier'; "
		    "mcopy -i key.img a.pdf setup.exe fake.pdf big.pdf ::/; "
		    "mcopy -i key.img p.jpg ::/Photo.JPG; mcopy -i key.img a.pdf ::/.cache.pdf; "
		    "mcopy -i key.img a.pdf '::/Sous dossier/Attestation CAF très longue.pdf'; "
		    "sha256sum key.img > key.sum; mkdir -m 700 Documents");
	CHECK(rc == 0);
	char *img = xasprintf("%s/key.img", root), *docs = xasprintf("%s/Documents", root);

	struct usb_entry e[USB_MAX_FILES];
	int n = usbread_list(img, e, USB_MAX_FILES);
	for (int i = 0; i < n; i++)
		printf("listed %s as %s, %lld bytes\n", e[i].path, e[i].name, e[i].bytes);
	CHECK(n == 4);
	const struct usb_entry *a = find(e, n, "a.pdf"), *jpg = find(e, n, "Photo.JPG"),
			       *fake = find(e, n, "fake.pdf"),
			       *sub = find(e, n, "Attestation CAF très longue.pdf");
	CHECK(a && jpg && fake && sub);
	CHECK(!find(e, n, "setup.exe") && !find(e, n, "big.pdf") && !find(e, n, ".cache.pdf") &&
	      !find(e, n, "cache.pdf"));

	char saved[256];
	if (a) {
		CHECK(usbread_copy(img, a, docs, false, 0, 0, saved, sizeof(saved)));
		CHECK(strcmp(saved, "a.pdf") == 0);
		/* Again: a second name, the first untouched. */
		CHECK(usbread_copy(img, a, docs, false, 0, 0, saved, sizeof(saved)));
		CHECK(strcmp(saved, "a (2).pdf") == 0);
		char *p = xasprintf("%s/a.pdf", docs);
		size_t len = 0;
		char *got = slurp(p, &len);
		CHECK(got && len == 18 && memcmp(got, "%PDF-1.4 real pdf\n", 18) == 0);
		struct stat st;
		CHECK(stat(p, &st) == 0 && (st.st_mode & 07777) == 0644);
		free(got);
		free(p);
		/* A symlink planted in Documents under the next name is never followed. */
		p = xasprintf("%s/a (3).pdf", docs);
		CHECK(symlink("/etc/hostname", p) == 0);
		free(p);
		CHECK(usbread_copy(img, a, docs, false, 0, 0, saved, sizeof(saved)));
		CHECK(strcmp(saved, "a (4).pdf") == 0);
	}
	if (jpg)
		CHECK(usbread_copy(img, jpg, docs, false, 0, 0, saved, sizeof(saved)) &&
		      strcmp(saved, "Photo.JPG") == 0);
	if (sub)
		CHECK(usbread_copy(img, sub, docs, false, 0, 0, saved, sizeof(saved)) &&
		      strcmp(saved, "Attestation CAF très longue.pdf") == 0);
	/* An executable named .pdf: refused, nothing written. */
	if (fake) {
		CHECK(!usbread_copy(img, fake, docs, false, 0, 0, saved, sizeof(saved)));
		CHECK(saved[0] == '\0');
	}
	/* A listing that lies about the size (a key changed under us): refused. */
	if (a) {
		struct usb_entry lie = *a;
		lie.bytes = 5;
		CHECK(!usbread_copy(img, &lie, docs, false, 0, 0, saved, sizeof(saved)));
		lie = *a;
		snprintf(lie.path, sizeof(lie.path), "::/nosuch.pdf");
		CHECK(!usbread_copy(img, &lie, docs, false, 0, 0, saved, sizeof(saved)));
	}
	rc = sh("ls Documents | sort > list && "
		"printf '%s\\n' 'Attestation CAF très longue.pdf' 'Photo.JPG' 'a (2).pdf' "
		"'a (3).pdf' 'a (4).pdf' a.pdf | sort | cmp - list && "
		"sha256sum -c --quiet key.sum");
	CHECK(rc == 0);
	/* Not FAT, or not there. */
	char *none = xasprintf("%s/Documents/a.pdf", root);
	CHECK(usbread_list(none, e, USB_MAX_FILES) == -1);
	free(none);
	CHECK(usbread_list("/nonexistent/key", e, USB_MAX_FILES) == -1);

	free(img);
	free(docs);
	char *rm = xasprintf("rm -rf '%s'", root);
	CHECK(chdir("/") == 0 && system(rm) == 0);
	free(rm);
	return TEST_DONE();
}
