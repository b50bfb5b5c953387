/* test_admind_config: defaults, every kind of error with FILE:LINE, and TLS rules. */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admind.h"
#include "test.h"

static char path[] = "/tmp/escale-test-conf-XXXXXX";

static bool load(const char *text, struct admind_config *c, struct cfg_err *err)
{
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	return admind_config_load(path, c, err);
}

/* The config must fail with "PATH:LINE: ...MSG..." at LINE. */
static void fails(const char *text, int line, const char *msg)
{
	struct admind_config c;
	struct cfg_err err = {""};
	bool r = load(text, &c, &err);
	admind_config_free(&c);
	char want[256];
	snprintf(want, sizeof(want), "%s:%d: ", path, line);
	bool good = !r && strncmp(err.msg, want, strlen(want)) == 0 && strstr(err.msg, msg);
	if (!good)
		fprintf(stderr, "config:\n%s\ngot: %s\nwant: %s...%s\n", text,
			r ? "(accepted)" : err.msg, want, msg);
	CHECK(good);
}

int main(void)
{
	int fd = mkstemp(path);
	close(fd);
	struct admind_config c;
	struct cfg_err err;
	CHECK(load("listen = \"127.0.0.1:8080\";\ndatabase = \"/tmp/x.db\";\n", &c, &err));
	CHECK(c.loopback && c.code_length == 8 && c.code_alphabet == CODE_DIGITS);
	CHECK(c.default_minutes == 60 && c.pol.stale_seconds == 120 && c.max_body == 65536);
	CHECK(strcmp(c.secret_file, "/tmp/x.db.key") == 0);
	CHECK(c.pol.memlimit_bytes == 32768 * 1024);
	admind_config_free(&c);
	CHECK(load("listen = \"[::1]:8080\";\ndatabase = \"x.db\";\ncodes = { alphabet = "
		   "\"alnum\"; length = 10; };\n",
		   &c, &err));
	CHECK(c.loopback && c.code_alphabet == CODE_ALNUM && c.code_length == 10);
	admind_config_free(&c);
	/* The shipped example must load as it is. */
	CHECK(admind_config_load("../../config/admind.conf", &c, &err));
	admind_config_free(&c);

	/* Printing: off by default, documented defaults, strict keys and queue names. */
	CHECK(load("listen = \"127.0.0.1:8080\";\ndatabase = \"x.db\";\n", &c, &err));
	CHECK(!c.print.enabled && strcmp(c.print.queue, "escale") == 0 && !*c.print.cups_server);
	CHECK(c.print.poll_ms == 1000 && c.print.stuck_seconds == 300 && c.print.purge_history);
	admind_config_free(&c);
	CHECK(load("listen = \"127.0.0.1:8080\";\ndatabase = \"x.db\";\nprint = { enabled = "
		   "true; cups_server = \"127.0.0.1:631\"; queue = \"hall-2\"; };\n",
		   &c, &err));
	CHECK(c.print.enabled && strcmp(c.print.queue, "hall-2") == 0);
	admind_config_free(&c);
	/* The single queue is one printer named as its queue, of site "", with
	 * print.release_key_file. */
	CHECK(load("listen = \"127.0.0.1:8080\";\ndatabase = \"/var/x/e.db\";\nprint = { queue"
		   " = \"hall-2\"; cups_server = \"h:631\"; };\n",
		   &c, &err));
	CHECK(c.print.n_queues == 1 && strcmp(c.print.queues[0].name, "hall-2") == 0 &&
	      strcmp(c.print.queues[0].queue, "hall-2") == 0 && !*c.print.queues[0].site &&
	      strcmp(c.print.queues[0].cups_server, "h:631") == 0 &&
	      strcmp(c.print.queues[0].release_key_file, "/var/x/print-release.key") == 0);
	admind_config_free(&c);
	/* print.queues: each printer its site, server, queue and key. */
	CHECK(load("listen = \"127.0.0.1:8080\";\ndatabase = \"/var/x/e.db\";\nprint = { queues"
		   " = ( { name = \"nord\"; site = \"ESC Nord\"; cups_server = \"10.0.1.5\"; },"
		   " { name = \"sud\"; queue = \"q2\"; release_key_file = \"/k\"; } ); };\n",
		   &c, &err));
	CHECK(c.print.n_queues == 2);
	CHECK(strcmp(c.print.queues[0].site, "ESC Nord") == 0 &&
	      strcmp(c.print.queues[0].queue, "escale") == 0 &&
	      strcmp(c.print.queues[0].release_key_file, "/var/x/print-release-nord.key") == 0);
	CHECK(strcmp(c.print.queues[1].name, "sud") == 0 && !*c.print.queues[1].site &&
	      !*c.print.queues[1].cups_server && strcmp(c.print.queues[1].queue, "q2") == 0 &&
	      strcmp(c.print.queues[1].release_key_file, "/k") == 0);
	admind_config_free(&c);
	fails("listen = \"127.0.0.1:8080\";\ndatabase = \"x.db\";\nprint = { queues = (\n"
	      "  { name = \"a\"; },\n  { name = \"a\"; cups_server = \"h\"; }\n); };\n",
	      5, "two printers named a");
	fails("listen = \"127.0.0.1:8080\";\ndatabase = \"x.db\";\nprint = {\n  enable = "
	      "true;\n};\n",
	      4, "unknown setting 'enable'");
	fails("listen = \"127.0.0.1:8080\";\ndatabase = \"x.db\";\nprint = { queue = \"a/b\"; };\n",
	      3, "CUPS queue name");
	fails("listen = \"127.0.0.1:8080\";\ndatabase = \"x.db\";\nprint = { poll_ms = 10; };\n", 3,
	      "between 100 and 5000");
	/* The staff pages and the desk: defaults and strict lists. */
	CHECK(load("listen = \"127.0.0.1:8080\";\ndatabase = \"x.db\";\n", &c, &err));
	CHECK(strcmp(c.web.root, ESCALE_WEBDIR) == 0 && c.web.idle_seconds == 1800 &&
	      c.web.max_seconds == 12 * 3600 && c.web.max_failures == 5);
	CHECK(c.desk.npresets == 3 && c.desk.presets[0].minutes == 30 &&
	      c.desk.presets[2].pages == 20 && !*c.desk.centre);
	CHECK(c.desk.services[0] && strcmp(c.desk.services[0], "CAF") == 0 && c.desk.rules[0]);
	admind_config_free(&c);
	CHECK(load("listen = \"127.0.0.1:8080\";\ndatabase = \"x.db\";\nweb = { root = \"\"; };\n"
		   "desk = { presets = ( { minutes = 45; } ); services = []; rules = [\"A\"]; };\n",
		   &c, &err));
	CHECK(!*c.web.root && c.desk.npresets == 1 && c.desk.presets[0].minutes == 45 &&
	      c.desk.presets[0].pages == 10 && !c.desk.services[0] &&
	      strcmp(c.desk.rules[0], "A") == 0 && !c.desk.rules[1]);
	admind_config_free(&c);
	fails("listen = \"127.0.0.1:8080\";\ndatabase = \"x.db\";\ndesk = {\n  presets = ( { "
	      "minutes = 0; } );\n};\n",
	      4, "between 1 and 1440");
	fails("listen = \"127.0.0.1:8080\";\ndatabase = \"x.db\";\ndesk = {\n  services = "
	      "\"CAF\";\n};\n",
	      4, "list of strings");
	fails("listen = \"127.0.0.1:8080\";\ndatabase = \"x.db\";\ndesk = {\n  rules = [ \"\" "
	      "];\n};\n",
	      4, "text of 1 to 300 bytes");
	fails("listen = \"127.0.0.1:8080\";\ndatabase = \"x.db\";\ndesk = {\n  presets = ( 5 "
	      ");\n};\n",
	      4, "each entry is");
	fails("listen = \"127.0.0.1:8080\";\ndatabase = \"x.db\";\nweb = {\n  lockout_seconds = "
	      "60;\n  lockout_max_seconds = 30;\n};\n",
	      5, "at least web.lockout_seconds");
	fails("listen = \"127.0.0.1:8080\";\ndatabase = \"x.db\";\nweb = {\n  idle = 5;\n};\n", 4,
	      "unknown setting 'idle'");
	fails("listen = \"127.0.0.1:8080\";\ndatabase = = \"x.db\";\n", 2, "syntax error");
	fails("listen = \"127.0.0.1:8080\";\ndatabase = \"x.db\";\nfoo = 1;\n", 3,
	      "unknown setting 'foo'");
	fails("listen = \"127.0.0.1:8080\";\ndatabase = \"x.db\";\ncodes = {\n  lenght = 8;\n};\n",
	      4, "unknown setting 'lenght'");
	fails("listen = \"127.0.0.1:8080\";\ndatabase = 5;\n", 2, "must be a string");
	fails("listen = \"127.0.0.1:8080\";\ndatabase = \"x.db\";\ncodes = { length = 2; };\n", 3,
	      "between 4 and 32");
	fails("listen = \"127.0.0.1:8080\";\ndatabase = \"x.db\";\ncodes = { alphabet = \"emoji\"; "
	      "};\n",
	      3, "alphabet");
	fails("listen = \"127.0.0.1:99999\";\ndatabase = \"x.db\";\n", 1, "port");
	fails("listen = \"example.org:80\";\ndatabase = \"x.db\";\n", 1, "not an IPv4 or IPv6");
	fails("listen = \"0.0.0.0:8080\";\ndatabase = \"x.db\";\n", 1, "not a loopback address");
	fails("database = \"x.db\";\n", 1, "'listen' is required");
	fails("listen = \"127.0.0.1:8080\";\ndatabase = \"x.db\";\ncodes = 3;\n", 3,
	      "must be a group");
	fails("listen = \"127.0.0.1:8080\";\ndatabase = \"x.db\";\nallow_plain_http = \"yes\";\n",
	      3, "true or false");
	fails("listen = \"127.0.0.1:8080\";\ndatabase = \"x.db\";\ntls = { certificate = \"a\"; "
	      "};\n",
	      3, "both certificate and key");
	CHECK(load("listen = \"0.0.0.0:8080\";\ndatabase = \"x.db\";\nallow_plain_http = true;\n",
		   &c, &err));
	CHECK(!c.loopback);
	admind_config_free(&c);
	CHECK(load("listen = \"0.0.0.0:8443\";\ndatabase = \"x.db\";\ntls = { certificate = "
		   "\"c.pem\"; key = \"k.pem\"; };\n",
		   &c, &err));
	admind_config_free(&c);
	CHECK(!admind_config_load("/nonexistent/escale.conf", &c, &err) &&
	      strstr(err.msg, "/nonexistent/escale.conf:0: cannot open"));
	admind_config_free(&c);
	unlink(path);
	return TEST_DONE();
}
