/* test_reqparse: the head of a request to escale-proxy, with hostile input. */
#include <string.h>

#include "../unit/test.h"
#include "reqparse.h"

static struct req r;

static enum req_status p(const char *s)
{
	return req_parse(s, strlen(s), &r);
}

int main(void)
{
	/* CONNECT */
	CHECK(p("CONNECT WWW.caf.fr:443 HTTP/1.1\r\nHost: www.caf.fr:443\r\n"
		"User-Agent: x\r\n\r\n") == REQ_OK);
	CHECK(r.connect && strcmp(r.host, "www.caf.fr") == 0 && r.n_headers == 2);
	CHECK(r.head_len == strlen("CONNECT WWW.caf.fr:443 HTTP/1.1\r\nHost: www.caf.fr:443\r\n"
				   "User-Agent: x\r\n\r\n"));
	/* bytes after the head are not part of it */
	const char *pipelined = "CONNECT a.example:443 HTTP/1.1\r\n\r\n\x16\x03\x01";
	CHECK(req_parse(pipelined, strlen(pipelined), &r) == REQ_OK &&
	      r.head_len == strlen(pipelined) - 3);
	CHECK(p("CONNECT a.example:443 HTTP/1.0\r\n\r\n") == REQ_OK);
	/* not yet complete */
	CHECK(p("CONNECT a.example:443 HTTP/1.1\r\nHost: a") == REQ_MORE);
	CHECK(p("") == REQ_MORE);
	/* refusals keep a printable copy of what was asked */
	CHECK(p("CONNECT 127.0.0.1:443 HTTP/1.1\r\n\r\n") == REQ_REFUSED &&
	      r.refusal == REFUSE_IP_LITERAL && strcmp(r.raw_host, "127.0.0.1:443") == 0 &&
	      r.host[0] == '\0');
	CHECK(p("CONNECT [::1]:443 HTTP/1.1\r\n\r\n") == REQ_REFUSED &&
	      r.refusal == REFUSE_IP_LITERAL);
	CHECK(p("CONNECT a.example:22 HTTP/1.1\r\n\r\n") == REQ_REFUSED &&
	      r.refusal == REFUSE_PORT);
	CHECK(p("CONNECT u@a.example:443 HTTP/1.1\r\n\r\n") == REQ_REFUSED &&
	      r.refusal == REFUSE_USERINFO);
	CHECK(p("CONNECT a%2eexample:443 HTTP/1.1\r\n\r\n") == REQ_REFUSED &&
	      r.refusal == REFUSE_MALFORMED);
	CHECK(p("CONNECT b\xc3\xbc"
		"cher.example:443 HTTP/1.1\r\n\r\n") == REQ_REFUSED &&
	      r.refusal == REFUSE_NON_ASCII && strcmp(r.raw_host, "b??cher.example:443") == 0);
	/* GET in absolute form */
	CHECK(p("GET http://Portal.Centre.lan/a/b?c=d HTTP/1.1\r\nHost: portal.centre.lan\r\n"
		"Referer: https://www.caf.fr/page\r\n\r\n") == REQ_OK);
	CHECK(!r.connect && strcmp(r.host, "portal.centre.lan") == 0);
	CHECK(r.path_len == 8 &&
	      memcmp("GET http://Portal.Centre.lan/a/b?c=d" + r.path, "/a/b?c=d", 8) == 0);
	CHECK(r.referer_len == strlen("https://www.caf.fr/page"));
	CHECK(p("GET http://a.example HTTP/1.1\r\n\r\n") == REQ_OK && r.path_len == 0);
	CHECK(p("GET http://a.example:80/ HTTP/1.1\r\n\r\n") == REQ_OK);
	CHECK(p("GET http://a.example:8080/ HTTP/1.1\r\n\r\n") == REQ_REFUSED &&
	      r.refusal == REFUSE_PORT);
	CHECK(p("GET http://user:pw@a.example/ HTTP/1.1\r\n\r\n") == REQ_REFUSED &&
	      r.refusal == REFUSE_USERINFO);
	CHECK(p("GET http://0x7f.1/ HTTP/1.1\r\n\r\n") == REQ_REFUSED &&
	      r.refusal == REFUSE_IP_LITERAL);
	CHECK(p("GET http://a.example/#frag HTTP/1.1\r\n\r\n") == REQ_OK);
	CHECK(p("GET http://a.example#frag HTTP/1.1\r\n\r\n") == REQ_BAD);
	CHECK(p("GET /index.html HTTP/1.1\r\nHost: a.example\r\n\r\n") == REQ_BAD);
	CHECK(p("GET https://a.example/ HTTP/1.1\r\n\r\n") == REQ_BAD);
	/* methods */
	CHECK(p("POST http://a.example/ HTTP/1.1\r\n\r\n") == REQ_METHOD);
	CHECK(p("connect a.example:443 HTTP/1.1\r\n\r\n") == REQ_METHOD);
	/* malformed heads */
	const char *bad[] = {
		"CONNECT a.example:443 HTTP/1.1\n\r\n\r\n",
		"CONNECT a.example:443 HTTP/1.1\r\nHost: a\nX: y\r\n\r\n",
		"CONNECT a.example:443 HTTP/2\r\n\r\n",
		"CONNECT a.example:443 HTTP/1.1 \r\n\r\n",
		"CONNECT  a.example:443 HTTP/1.1\r\n\r\n",
		"CONNECT a.example:443\r\n\r\n",
		" CONNECT a.example:443 HTTP/1.1\r\n\r\n",
		"CONNECT a.example:443 HTTP/1.1\r\n folded: x\r\n\r\n",
		"CONNECT a.example:443 HTTP/1.1\r\nNo-Colon\r\n\r\n",
		"CONNECT a.example:443 HTTP/1.1\r\n: empty name\r\n\r\n",
		"CONNECT a.example:443 HTTP/1.1\r\nBad Name: x\r\n\r\n",
		"CONNECT a.example:443 HTTP/1.1\r\nX: a\x01b\r\n\r\n",
		"CONNECT a.example:443 HTTP/1.1\r\nX: a\rb\r\n\r\n",
		"CONNECT a.example:443 HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
		"CONNECT a.example:443 HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello",
		"GET http://a.example/ HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
		"GET http://a.example/ HTTP/1.1\r\nReferer: a\r\nReferer: b\r\n\r\n",
		"GET http://a.example/\x7f HTTP/1.1\r\n\r\n",
		"GET http://a.example/\xff HTTP/1.1\r\n\r\n",
		"\r\n\r\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (p(bad[i]) != REQ_BAD)
			fprintf(stderr, "not refused as malformed: #%zu\n", i);
		CHECK(p(bad[i]) == REQ_BAD);
	}
	{
		static const char nul[] = "CONNECT a.example:443 HTTP/1.1\r\nX: a\0b\r\n\r\n";
		CHECK(req_parse(nul, sizeof(nul) - 1, &r) == REQ_BAD);
	}
	CHECK(p("GET http://a.example/ HTTP/1.1\r\nContent-Length: 0\r\n\r\n") == REQ_OK);
	/* size: 16 KiB without an end is too large; more than 100 headers too */
	static char big[REQ_HEAD_MAX + 100];
	memset(big, 'a', sizeof(big));
	memcpy(big, "CONNECT a.example:443 HTTP/1.1\r\nX: ", 35);
	CHECK(req_parse(big, REQ_HEAD_MAX - 1, &r) == REQ_MORE);
	CHECK(req_parse(big, REQ_HEAD_MAX, &r) == REQ_TOO_LARGE);
	CHECK(req_parse(big, sizeof(big), &r) == REQ_TOO_LARGE);
	static char many[REQ_HEAD_MAX];
	size_t off = (size_t)snprintf(many, sizeof(many), "CONNECT a.example:443 HTTP/1.1\r\n");
	for (int i = 0; i < 101; i++)
		off += (size_t)snprintf(many + off, sizeof(many) - off, "X%d: y\r\n", i);
	off += (size_t)snprintf(many + off, sizeof(many) - off, "\r\n");
	CHECK(req_parse(many, off, &r) == REQ_TOO_LARGE);
	/* a head of exactly 16 KiB passes */
	static char exact[REQ_HEAD_MAX];
	const char *start = "CONNECT a.example:443 HTTP/1.1\r\nX: ";
	memset(exact, 'b', sizeof(exact));
	memcpy(exact, start, strlen(start));
	memcpy(exact + REQ_HEAD_MAX - 4, "\r\n\r\n", 4);
	CHECK(req_parse(exact, sizeof(exact), &r) == REQ_OK && r.head_len == REQ_HEAD_MAX);

	/* the Referer's host */
	char h[DECIDE_HOST_MAX + 1];
	const char *u = "https://WWW.Caf.fr:443/path?q";
	CHECK(req_url_host(u, strlen(u), h) && strcmp(h, "www.caf.fr") == 0);
	u = "http://a.example";
	CHECK(req_url_host(u, strlen(u), h) && strcmp(h, "a.example") == 0);
	u = "https://u@a.example/";
	CHECK(!req_url_host(u, strlen(u), h));
	u = "ftp://a.example/";
	CHECK(!req_url_host(u, strlen(u), h));
	u = "https://[::1]/";
	CHECK(!req_url_host(u, strlen(u), h));
	return TEST_DONE();
}
