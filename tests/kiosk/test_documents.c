/* test_documents: the session's Documents as --status lists it, hostile names included. */
#include <cairo-pdf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../unit/test.h"
#include "documents.h"
#include "util.h"

static void put(const char *dir, const char *name, const char *text)
{
	char *p = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
	free(p);
}

static void test_shown(void)
{
	CHECK(documents_shown("document-1.pdf"));
	CHECK(documents_shown("attestation CAF é.pdf"));
	CHECK(!documents_shown(""));
	CHECK(!documents_shown(".hidden"));
	CHECK(!documents_shown("lettre.odt.crdownload"));
	CHECK(!documents_shown("a\nb.pdf"));
	CHECK(!documents_shown("bell\a.pdf"));
	CHECK(!documents_shown("del\x7f.pdf"));
	char longname[300];
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	CHECK(!documents_shown(longname));
}

static int pdf_of(const char *path, int pages)
{
	cairo_surface_t *s = cairo_pdf_surface_create(path, 595, 842);
	cairo_t *cr = cairo_create(s);
	for (int i = 0; i < pages; i++) {
		cairo_rectangle(cr, 10 + i, 10, 100, 100);
		cairo_fill(cr);
		cairo_show_page(cr);
	}
	cairo_destroy(cr);
	cairo_surface_finish(s);
	int st = cairo_surface_status(s);
	cairo_surface_destroy(s);
	return st;
}

static void test_list(void)
{
	char tmpl[] = "/tmp/test_documents.XXXXXX";
	char *root = mkdtemp(tmpl);
	CHECK(root != NULL);
	if (!root)
		return;
	char *dir = documents_dir(root);
	char *s = xasprintf("%s/home", root);
	CHECK(strcmp(dir + strlen(root), "/home/Documents") == 0);
	CHECK(mkdir(s, 0700) == 0 && mkdir(dir, 0700) == 0);
	free(s);
	put(dir, "b.jpg", "12345");
	put(dir, "a.pdf", "%PDF-1.4 not really");
	put(dir, ".hidden", "x");
	put(dir, "partial.pdf.crdownload", "x");
	s = xasprintf("%s/sub", dir);
	CHECK(mkdir(s, 0700) == 0);
	free(s);
	s = xasprintf("%s/shadow", dir);
	CHECK(symlink("/etc/shadow", s) == 0);
	free(s);
	char *pdf = xasprintf("%s/document-1.pdf", dir);
	CHECK(pdf_of(pdf, 3) == CAIRO_STATUS_SUCCESS);

	struct document docs[DOCUMENTS_MAX];
	int n = documents_list(dir, docs, DOCUMENTS_MAX);
	CHECK(n == 3);
	if (n == 3) {
		CHECK(strcmp(docs[0].name, "a.pdf") == 0);
		CHECK(strcmp(docs[1].name, "b.jpg") == 0 && docs[1].bytes == 5);
		CHECK(strcmp(docs[2].name, "document-1.pdf") == 0 && docs[2].bytes > 100);
	}
	/* At most MAX entries. */
	CHECK(documents_list(dir, docs, 2) == 2);
	/* Pages: of the kiosk's cairo PDF only; anything else is unknown. */
	CHECK(documents_own_pdf_pages(pdf) == 3);
	CHECK(pdf_of(pdf, 1) == CAIRO_STATUS_SUCCESS);
	CHECK(documents_own_pdf_pages(pdf) == 1);
	char *other = xasprintf("%s/a.pdf", dir);
	CHECK(documents_own_pdf_pages(other) == -1);
	free(other);
	other = xasprintf("%s/shadow", dir);
	CHECK(documents_own_pdf_pages(other) == -1);
	free(other);
	put(dir, "fake.pdf", "/Type /Pages /Count 99999999999");
	other = xasprintf("%s/fake.pdf", dir);
	CHECK(documents_own_pdf_pages(other) == -1);
	free(other);
	/* Not a directory, or a symlink to one: nothing. */
	CHECK(documents_list(pdf, docs, DOCUMENTS_MAX) == -1);
	s = xasprintf("%s/link", root);
	CHECK(symlink(dir, s) == 0);
	CHECK(documents_list(s, docs, DOCUMENTS_MAX) == -1);
	free(s);
	free(pdf);
	free(dir);
	char *cmd = xasprintf("rm -rf '%s'", root);
	CHECK(system(cmd) == 0);
	free(cmd);
}

int main(void)
{
	test_shown();
	test_list();
	return TEST_DONE();
}
