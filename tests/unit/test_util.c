/* test_util: dates, strict numbers, hex and UTF-8 checks. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "test.h"
#include "util.h"

int main(void)
{
	setenv("TZ", "Europe/Paris", 1);
	tzset();
	int64_t t, u;
	CHECK(date_parse_local("2026-11-23", &t));
	char buf[40];
	datetime_format_local(t, buf, sizeof(buf));
	CHECK(strcmp(buf, "2026-11-23 00:00:00") == 0);
	CHECK(!date_parse_local("2026-02-30", &t)); /* no such day */
	CHECK(!date_parse_local("2026-13-01", &t));
	CHECK(!date_parse_local("2026-1-01", &t));
	CHECK(!date_parse_local("2026-11-23x", &t));
	CHECK(!date_parse_local("", &t));
	CHECK(datetime_parse_local("2026-03-29T12:30", &t)); /* DST day in Paris */
	datetime_format_local(t, buf, sizeof(buf));
	CHECK(strcmp(buf, "2026-03-29 12:30:00") == 0);
	CHECK(datetime_parse_local("1795000000", &u) && u == 1795000000);
	CHECK(!datetime_parse_local("2026-03-29T25:00", &t));
	CHECK(!datetime_parse_local("2026-03-29 12:30:61", &t));

	int64_t v;
	CHECK(parse_i64("42", 0, 100, &v) && v == 42);
	CHECK(parse_i64("-5", -10, 0, &v) && v == -5);
	CHECK(!parse_i64("101", 0, 100, &v));
	CHECK(!parse_i64("1e3", 0, 10000, &v));
	CHECK(!parse_i64(" 1", 0, 10, &v));
	CHECK(!parse_i64("99999999999999999999999", 0, INT64_MAX, &v));
	CHECK(!parse_i64("", 0, 10, &v));
	CHECK(!parse_i64("-", -10, 10, &v));

	uint8_t raw[4] = {0xde, 0xad, 0xbe, 0xef}, back[4];
	char hex[9];
	hex_encode(raw, 4, hex);
	CHECK(strcmp(hex, "deadbeef") == 0);
	CHECK(hex_decode("DEADbeef", back, 4) && memcmp(raw, back, 4) == 0);
	CHECK(!hex_decode("deadbee", back, 4));
	CHECK(!hex_decode("deadbeeg", back, 4));

	CHECK(utf8_valid_text("Espace Social Commun – accueil é",
			      strlen("Espace Social Commun – accueil é")));
	CHECK(!utf8_valid_text("a\x01"
			       "b",
			       3));
	CHECK(!utf8_valid_text("\xff", 1));
	CHECK(!utf8_valid_text("\xc0\xaf", 2));     /* overlong '/' */
	CHECK(!utf8_valid_text("\xed\xa0\x80", 3)); /* surrogate */
	CHECK(!utf8_valid_text("\xe2\x82", 2));     /* truncated */
	CHECK(!utf8_valid_text("\xc2\x85", 2));     /* C1 control (NEL) */
	return TEST_DONE();
}
