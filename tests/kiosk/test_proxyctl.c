/* test_proxyctl: escale-kiosk-net's client of escale-proxy's control socket against a fake
 * proxy served by a thread of this test on a real Unix socket: requests are one line each,
 * answers are checked, a silent or flooding proxy costs one timeout, a closed connection is
 * made again (a new generation), an absent proxy fails fast. And the pure checks of the
 * answers, with hostile ones. */
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "../unit/test.h"
#include "log.h"
#include "proxyctl.h"
#include "util.h"

#define SILENT "<silent>" /* read the request, answer nothing */
#define CLOSE  "<close>"  /* read the request, close the connection */
#define FLOOD  "<flood>"  /* answer 300 KiB without a newline */

static struct {
	int srv;
	const char *script[16]; /* the answers, in order, one per request */
	int next;
	char got[16][512]; /* the requests */
	pthread_mutex_t mu;
} fake = {.mu = PTHREAD_MUTEX_INITIALIZER};

static void *serve(void *arg)
{
	(void)arg;
	for (;;) {
		int c = accept(fake.srv, NULL, NULL);
		if (c < 0)
			return NULL;
		char line[512];
		size_t len = 0;
		for (;;) {
			ssize_t r = recv(c, line + len, 1, 0);
			if (r <= 0)
				break;
			if (line[len] != '\n') {
				len += len + 1 < sizeof(line);
				continue;
			}
			line[len] = '\0';
			len = 0;
			pthread_mutex_lock(&fake.mu);
			int i = fake.next++;
			snprintf(fake.got[i % 16], sizeof(fake.got[0]), "%s", line);
			const char *a = fake.script[i % 16];
			pthread_mutex_unlock(&fake.mu);
			if (!a || strcmp(a, SILENT) == 0)
				continue;
			if (strcmp(a, CLOSE) == 0)
				break;
			if (strcmp(a, FLOOD) == 0) {
				char *big = malloc(300 * 1024);
				memset(big, 'x', 300 * 1024);
				send(c, big, 300 * 1024, MSG_NOSIGNAL);
				free(big);
				continue;
			}
			send(c, a, strlen(a), MSG_NOSIGNAL);
		}
		close(c);
	}
}

static void script(const char *const *answers, int n)
{
	pthread_mutex_lock(&fake.mu);
	memset(fake.script, 0, sizeof(fake.script));
	for (int i = 0; i < n; i++)
		fake.script[i] = answers[i];
	fake.next = 0;
	pthread_mutex_unlock(&fake.mu);
}

static const char *got(int i)
{
	return fake.got[i];
}

static void test_against_a_fake(const char *path)
{
	struct proxyctl *pc = proxyctl_new(path);
	CHECK(proxyctl_fd(pc) == -1 && proxyctl_generation(pc) == 0);

	/* session_start, then session_end on the same connection. */
	const char *a1[] = {"{\"t\":\"ok\"}\n",
			    "{\"t\":\"session_end\",\"services\":[\"caf\",\"ameli\",\"caf\"]}\n"};
	script(a1, 2);
	CHECK(proxyctl_session_start(pc));
	CHECK(strcmp(got(0), "{\"t\":\"session_start\"}") == 0);
	CHECK(proxyctl_generation(pc) == 1 && proxyctl_fd(pc) >= 0);
	json_t *ids = NULL;
	CHECK(proxyctl_session_end(pc, &ids));
	CHECK(json_array_size(ids) == 2 &&
	      strcmp(json_string_value(json_array_get(ids, 1)), "ameli") == 0);
	json_decref(ids);
	CHECK(proxyctl_generation(pc) == 1);

	/* The services, as the proxy takes them. */
	struct svc_list l = {.version = 1, .n = 1};
	strcpy(l.s[0].id, "caf");
	l.s[0].name = "CAF";
	l.s[0].url = "https://caf.fr/";
	l.s[0].domains[0] = "caf.fr";
	l.s[0].n_domains = 1;
	const char *a2[] = {"{\"t\":\"ok\"}\n"};
	script(a2, 1);
	CHECK(proxyctl_services(pc, &l));
	CHECK(strcmp(got(0),
		     "{\"t\":\"services\",\"services\":[{\"id\":\"caf\",\"url\":"
		     "\"https://caf.fr/\",\"domains\":[\"caf.fr\"],\"intranet\":false}]}") == 0);

	/* The proxy closes (it restarted): the next call makes a new connection. */
	const char *a3[] = {CLOSE, "{\"t\":\"ok\"}\n"};
	script(a3, 2);
	CHECK(proxyctl_session_start(pc));
	CHECK(proxyctl_generation(pc) == 2);

	/* Silent: one timeout, no more. */
	const char *a4[] = {SILENT};
	script(a4, 1);
	int64_t t0 = mono_ms();
	CHECK(!proxyctl_session_start(pc));
	int64_t took = mono_ms() - t0;
	CHECK(took >= PROXYCTL_TIMEOUT_MS - 20 && took < 2000);
	CHECK(proxyctl_fd(pc) == -1); /* a late answer must not be taken for the next one */

	/* A flood without a newline, two lines for one request, not JSON, an error, the
	 * wrong answer: all refused. */
	const char *a5[] = {FLOOD,
			    "{\"t\":\"ok\"}\n{\"t\":\"ok\"}\n",
			    "not json\n",
			    "{\"t\":\"error\",\"error\":\"bad request\"}\n",
			    "{\"t\":\"status\"}\n",
			    "{\"t\":\"session_end\",\"services\":[\"Bad Id\"]}\n"};
	script(a5, 6);
	for (int i = 0; i < 5; i++)
		CHECK(!proxyctl_session_start(pc));
	CHECK(!proxyctl_session_end(pc, &ids) && ids == NULL);

	/* Refusals, rebuilt from checked fields. */
	const char *a6[] = {
		"{\"t\":\"refusals\",\"day\":\"2026-12-06\",\"hosts\":[{\"host\":"
		"\"ads.example\",\"service\":\"caf\",\"count\":3,\"x\":1}],\"other\":0}\n"};
	script(a6, 1);
	json_t *rep = NULL;
	CHECK(proxyctl_refusals(pc, &rep));
	char *s = rep ? json_dumps(rep, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	CHECK(s && strcmp(s, "{\"day\":\"2026-12-06\",\"hosts\":[{\"count\":3,\"host\":"
			     "\"ads.example\",\"service\":\"caf\"}],\"other\":0}") == 0);
	free(s);
	json_decref(rep);
	proxyctl_free(pc);
}

static void test_absent(const char *dir)
{
	char *path = xasprintf("%s/none.sock", dir);
	struct proxyctl *pc = proxyctl_new(path);
	int64_t t0 = mono_ms();
	CHECK(!proxyctl_session_start(pc));
	json_t *ids = NULL;
	CHECK(!proxyctl_session_end(pc, &ids) && !ids);
	CHECK(mono_ms() - t0 < 100);
	proxyctl_free(pc);
	free(path);
}

static bool end_ok(const char *text, size_t *n)
{
	json_t *j = json_loads(text, 0, NULL), *ids = NULL;
	char why[200];
	bool ok = j && proxyctl_parse_session_end(j, &ids, why, sizeof(why));
	*n = json_array_size(ids);
	json_decref(ids);
	json_decref(j);
	return ok;
}

static bool refusals_ok(const char *text)
{
	json_t *j = json_loads(text, 0, NULL), *rep = NULL;
	char why[200];
	bool ok = j && proxyctl_parse_refusals(j, &rep, why, sizeof(why));
	CHECK(ok == (rep != NULL));
	json_decref(rep);
	json_decref(j);
	return ok;
}

#define REF(hosts, other) \
	"{\"t\":\"refusals\",\"day\":\"2026-12-06\",\"hosts\":[" hosts "],\"other\":" other "}"

static void test_hostile_answers(void)
{
	size_t n;
	CHECK(end_ok("{\"t\":\"session_end\",\"services\":[]}", &n) && n == 0);
	CHECK(!end_ok("{\"t\":\"ok\",\"services\":[]}", &n));
	CHECK(!end_ok("{\"t\":\"session_end\"}", &n));
	CHECK(!end_ok("{\"t\":\"session_end\",\"services\":\"caf\"}", &n));
	CHECK(!end_ok("{\"t\":\"session_end\",\"services\":[1]}", &n));
	CHECK(!end_ok("{\"t\":\"session_end\",\"services\":[\"-caf\"]}", &n));
	char *many = xstrdup("{\"t\":\"session_end\",\"services\":[\"s0\"");
	for (int i = 1; i < 65; i++) {
		char *m = xasprintf("%s,\"s%d\"", many, i);
		free(many);
		many = m;
	}
	char *m = xasprintf("%s]}", many);
	CHECK(!end_ok(m, &n)); /* 65 */
	free(m);
	free(many);

	CHECK(refusals_ok(REF("", "0")));
	CHECK(refusals_ok(REF("{\"host\":\"10.0.0.1\",\"service\":null,\"count\":1}", "5")));
	/* An IP literal, or a name admind would not list, counts with the others. */
	json_t *j = json_loads(REF("{\"host\":\"[::1]\",\"service\":null,\"count\":2},"
				   "{\"host\":\"a_b.fr\",\"service\":null,\"count\":3},"
				   "{\"host\":\"ok.fr\",\"service\":null,\"count\":0},"
				   "{\"host\":\"ads.fr\",\"service\":null,\"count\":4}",
				   "5"),
			       0, NULL),
	       *rep = NULL;
	char why[200];
	CHECK(j && proxyctl_parse_refusals(j, &rep, why, sizeof(why)));
	CHECK(json_array_size(json_object_get(rep, "hosts")) == 1 &&
	      json_integer_value(json_object_get(rep, "other")) == 10);
	json_decref(rep);
	json_decref(j);
	CHECK(!refusals_ok(REF("", "-1")));
	CHECK(!refusals_ok(REF("", "1.5")));
	CHECK(!refusals_ok(REF("{\"host\":\"a.fr\",\"service\":null,\"count\":-1}", "0")));
	CHECK(!refusals_ok(REF("{\"host\":\"A.fr\",\"service\":null,\"count\":1}", "0")));
	CHECK(!refusals_ok(REF("{\"host\":\"a.fr/x\",\"service\":null,\"count\":1}", "0")));
	CHECK(!refusals_ok(REF("{\"host\":\"\",\"service\":null,\"count\":1}", "0")));
	CHECK(!refusals_ok(REF("{\"host\":\"a.fr\",\"service\":\"Caf!\",\"count\":1}", "0")));
	CHECK(!refusals_ok(REF("{\"host\":\"a.fr\",\"count\":1}", "0")));
	CHECK(!refusals_ok(REF("{\"host\":\"a.fr\",\"service\":null,\"count\":1},"
			       "{\"host\":\"a.fr\",\"service\":null,\"count\":2}",
			       "0")));
	CHECK(!refusals_ok(REF("\"a.fr\"", "0")));
	CHECK(!refusals_ok("{\"t\":\"refusals\",\"day\":\"2026-13-01\",\"hosts\":[],\"other\":0}"));
	CHECK(!refusals_ok("{\"t\":\"refusals\",\"day\":\"06/12/2026\",\"hosts\":[],\"other\":0}"));
	CHECK(!refusals_ok("{\"t\":\"refusals\",\"hosts\":[],\"other\":0}"));
	/* 256 hosts at most. */
	size_t cap = 300 * 64, len = 0;
	char *big = malloc(cap);
	len += (size_t)snprintf(big, cap, "{\"t\":\"refusals\",\"day\":\"2026-12-06\",\"hosts\":[");
	for (int i = 0; i < 257; i++)
		len += (size_t)snprintf(big + len, cap - len,
					"%s{\"host\":\"h%d.fr\",\"service\":null,\"count\":1}",
					i ? "," : "", i);
	snprintf(big + len, cap - len, "],\"other\":0}");
	CHECK(!refusals_ok(big));
	free(big);
}

int main(void)
{
	log_init("test_proxyctl", LOG_LVL_ERROR);
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char dir[200];
	snprintf(dir, sizeof(dir), "%s/test_proxyctl.XXXXXX", tmp);
	if (!mkdtemp(dir))
		return 1;
	char *path = xasprintf("%s/control.sock", dir);
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	fake.srv = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fake.srv < 0 || bind(fake.srv, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    listen(fake.srv, 8) != 0)
		return 1;
	pthread_t th;
	pthread_create(&th, NULL, serve, NULL);
	test_against_a_fake(path);
	test_absent(dir);
	test_hostile_answers();
	shutdown(fake.srv, SHUT_RDWR);
	close(fake.srv);
	pthread_join(th, NULL);
	unlink(path);
	rmdir(dir);
	free(path);
	return TEST_DONE();
}
