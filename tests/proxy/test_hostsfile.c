/* test_hostsfile: proxy.hosts_file's strict hosts(5) reader, with hostile input. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../unit/test.h"
#include "hostsfile.h"

static bool parse(const char *text, struct hostsfile *hf, size_t *line, const char **why)
{
	return hostsfile_parse(hf, text, strlen(text), line, why);
}

static bool bad_at(const char *text, size_t want_line)
{
	struct hostsfile hf;
	size_t line = 0;
	const char *why = NULL;
	bool ok = parse(text, &hf, &line, &why);
	if (ok || line != want_line)
		fprintf(stderr, "'%s': ok=%d line=%zu\n", text, ok, line);
	return !ok && line == want_line && why && *why && hf.n == 0 && hf.e == NULL;
}

int main(void)
{
	struct hostsfile hf;
	size_t line;
	const char *why;
	CHECK(parse("# the fake Internet\n"
		    "127.0.0.2   www.caf.fr caf.fr  # two names\n"
		    "\n"
		    "   \t\n"
		    "127.0.0.3\tPortal.Centre.LAN.\r\n"
		    "::1 v6.example\n"
		    "127.0.0.4 www.caf.fr",
		    &hf, &line, &why));
	CHECK(hf.n == 5);
	struct sockaddr_storage a[4];
	CHECK(hostsfile_lookup(&hf, "www.caf.fr", a, 4) == 2);
	struct sockaddr_in *s4 = (struct sockaddr_in *)&a[0];
	CHECK(a[0].ss_family == AF_INET && ntohl(s4->sin_addr.s_addr) == 0x7f000002);
	s4 = (struct sockaddr_in *)&a[1];
	CHECK(ntohl(s4->sin_addr.s_addr) == 0x7f000004);
	CHECK(hostsfile_lookup(&hf, "www.caf.fr", a, 1) == 1);
	CHECK(hostsfile_lookup(&hf, "portal.centre.lan", a, 4) == 1);
	CHECK(hostsfile_lookup(&hf, "v6.example", a, 4) == 1 && a[0].ss_family == AF_INET6);
	CHECK(hostsfile_lookup(&hf, "other.example", a, 4) == 0);
	hostsfile_free(&hf);

	CHECK(parse("", &hf, &line, &why) && hf.n == 0);
	hostsfile_free(&hf);

	/* hostile and malformed lines, with their line numbers */
	CHECK(bad_at("127.0.0.1\n", 1));                 /* no name */
	CHECK(bad_at("# ok\n127.1 short.example\n", 2)); /* shorthand is not an address here */
	CHECK(bad_at("2130706433 a.example\n", 1));
	CHECK(bad_at("127.0.0.1 a..example\n", 1));
	CHECK(bad_at("127.0.0.1 10.0.0.1\n", 1)); /* an address as a name */
	CHECK(bad_at("127.0.0.1 b\xc3\xbc"
		     "cher.example\n",
		     1));
	CHECK(bad_at("127.0.0.1 a.example\x01\n", 1));
	CHECK(bad_at("127.0.0.1 a.example\n127.0.0.1 a%2e.example\n", 2));
	CHECK(bad_at("[::1] a.example\n", 1));
	CHECK(bad_at("fe80::1%eth0 a.example\n", 1));
	CHECK(bad_at("127.0.0.1 a.example\rb.example\n", 1));
	{
		struct hostsfile h2;
		CHECK(!hostsfile_parse(&h2, "127.0.0.1 a\0b\n", 14, &line, &why));
	}
	/* a line over 1024 bytes */
	char *longline = malloc(2000);
	memset(longline, 'a', 1999);
	longline[1999] = '\0';
	memcpy(longline, "127.0.0.1 ", 10);
	CHECK(bad_at(longline, 1));
	free(longline);
	/* 10000 lines pass, 10001 do not */
	size_t cap = 10002 * 24;
	char *many = malloc(cap);
	size_t off = 0;
	for (int i = 0; i < 10000; i++)
		off += (size_t)snprintf(many + off, cap - off, "127.0.0.1 h%d.example\n", i);
	CHECK(hostsfile_parse(&hf, many, off, &line, &why) && hf.n == 10000);
	CHECK(hostsfile_lookup(&hf, "h9999.example", a, 4) == 1);
	hostsfile_free(&hf);
	off += (size_t)snprintf(many + off, cap - off, "# one more\n");
	CHECK(!hostsfile_parse(&hf, many, off, &line, &why) && line == 10001);
	free(many);
	/* over 1 MiB */
	size_t big = HOSTSFILE_MAX_BYTES + 1;
	char *huge = malloc(big);
	memset(huge, '#', big);
	CHECK(!hostsfile_parse(&hf, huge, big, &line, &why));
	free(huge);

	/* hostsfile_load: FILE:LINE in the error */
	char path[] = "/tmp/test_hostsfile.XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	const char *text = "127.0.0.2 ok.example\n127.0.0.2 bad..example\n";
	CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
	char err[512];
	CHECK(!hostsfile_load(&hf, path, err, sizeof(err)));
	char want[600];
	snprintf(want, sizeof(want), "%s:2: ", path);
	CHECK(strncmp(err, want, strlen(want)) == 0);
	unlink(path);
	CHECK(!hostsfile_load(&hf, "/nonexistent/hosts", err, sizeof(err)));
	CHECK(!hostsfile_load(&hf, "/tmp", err, sizeof(err)));
	return TEST_DONE();
}
