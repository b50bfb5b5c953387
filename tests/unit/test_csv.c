/* test_csv: quoting and formula neutralisation of CSV fields. */
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "test.h"

static void expect(const char *in, const char *want)
{
	struct buf b = {0};
	csv_field(&b, in);
	if (strcmp(b.p ? b.p : "", want) != 0)
		fprintf(stderr, "csv_field(%s) = [%s], want [%s]\n", in, b.p, want);
	CHECK(strcmp(b.p ? b.p : "", want) == 0);
	free(b.p);
}

int main(void)
{
	expect("Poste 1", "Poste 1");
	expect("a;b", "\"a;b\"");
	expect("dit \"bonjour\"", "\"dit \"\"bonjour\"\"\"");
	expect("ligne\r\nsuite", "\"ligne\r\nsuite\"");
	expect("=cmd|' /C calc'!A0", "\"'=cmd|' /C calc'!A0\"");
	expect("+33 1", "\"'+33 1\"");
	expect("-2", "\"'-2\"");
	expect("@SUM(1)", "\"'@SUM(1)\"");
	expect("", "");
	expect("Médiathèque – étage", "Médiathèque – étage");
	struct buf b = {0};
	buf_printf(&b, "%d;%s", 12, "x");
	for (int i = 0; i < 100; i++)
		buf_printf(&b, "%0600d", i); /* longer than the stack buffer */
	CHECK(b.len == 4 + 100 * 600);
	free(b.p);
	return TEST_DONE();
}
