#!/usr/bin/env python3
"""The findings of the outside review (issue 16), one class each: each test
showed the weakness on the code before its fix. Timings are not asserted here
(tests/bench/login_flood_bench.py measures them)."""

import concurrent.futures
import http.client
import json
import os
import socket
import sqlite3
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from escale_test import (AdmindTestCase, REQUEST_TIMEOUT, http_request, main,  # noqa: E402
                         offline_verifier)

PASSWORD = "correct horse battery"


def backdate_codes(server, seconds):
    """Every code issued SECONDS earlier: offline time can only have passed
    since a code existed (admind takes none from before)."""
    con = sqlite3.connect(server.db, timeout=10)
    try:
        con.execute("UPDATE codes SET created_at = created_at - ?", (seconds,))
        con.commit()
    finally:
        con.close()


def request_from(port, source, method, path, body=None, headers=None, timeout=REQUEST_TIMEOUT):
    """One request from the loopback address SOURCE (127.0.0.0/8 is all ours):
    many clients of many addresses on one machine."""
    return http_request(port, method, path, body=body, headers=headers, timeout=timeout,
                        source=source)


class SignInFlood(AdmindTestCase):
    """1. Password checks run on their own bounded queue: past it, 503 and
    Retry-After at once; kiosks and /healthz are answered meanwhile."""
    EXTRA_CONF = AdmindTestCase.EXTRA_CONF + (
        'web = { root = ""; login_workers = 1; login_queue = 2; };\n')

    def test_flood_is_shed_and_kiosks_answered(self):
        name = self.unique("accueil")
        self.api("POST", "/api/v1/users", {"name": name, "role": "secretariat",
                                           "password": PASSWORD}, self.admin, expect=201)
        _, ktok = self.new_kiosk()
        port = self.server.port

        def login(i):
            return request_from(port, "127.0.%d.%d" % (1 + i // 200, 2 + i % 200), "POST",
                                "/api/v1/login", {"name": "nobody-%d" % i, "password": "x" * 12})

        others = []
        stop = threading.Event()

        def kiosk_side():
            while not stop.is_set():
                others.append(self.req("GET", "/healthz")[0])
                others.append(self.req("POST", "/api/v1/kiosk/heartbeat", {"state": "login"},
                                       ktok)[0])

        t = threading.Thread(target=kiosk_side)
        t.start()
        try:
            with concurrent.futures.ThreadPoolExecutor(24) as ex:
                results = list(ex.map(login, range(48)))
        finally:
            stop.set()
            t.join()
        statuses = sorted({st for st, _, _ in results})
        self.assertEqual(statuses, [401, 503], statuses)
        for st, hdrs, d in results:
            if st == 503:
                self.assertEqual((d["error"], d["retry_after"], hdrs.get("retry-after")),
                                 ("busy", 1, "1"), d)
        self.assertTrue(others)
        self.assertEqual(set(others), {200}, "kiosks and /healthz during the flood")
        # The queue drained: the desk signs in.
        st, _, d = self.req("POST", "/api/v1/login", {"name": name, "password": PASSWORD})
        self.assertEqual(st, 200, d)

    def test_stop_with_sign_ins_waiting(self):
        """SIGTERM while checks wait: each is answered or closed, admind exits 0."""
        port = self.server.port
        busy = threading.Event()

        def login(i):
            try:
                st, _, _ = request_from(port, "127.0.3.%d" % (i + 2), "POST", "/api/v1/login",
                                        {"name": "n%d" % i, "password": "y" * 12})
            except (OSError, http.client.HTTPException):
                return None  # closed by the stop
            if st == 503:
                busy.set()
            return st

        with concurrent.futures.ThreadPoolExecutor(12) as ex:
            futs = [ex.submit(login, i) for i in range(12)]
            # A 503 means the queue was full: checks are waiting now.
            self.assertTrue(busy.wait(REQUEST_TIMEOUT))
            self.server.stop()  # asserts exit status 0 within its deadline
            got = {f.result() for f in futs}
        self.assertLessEqual(got, {None, 401, 503})
        self.server.start()

class CrossSiteLockOut(AdmindTestCase):
    """2. Another site's page cannot post to /api/v1/login, and wrong
    passwords from elsewhere cannot lock the desk out of its account."""
    EXTRA_CONF = AdmindTestCase.EXTRA_CONF + (
        'web = { root = ""; login_max_failures = 3; name_max_failures = 10;'
        ' address_max_failures = 20; lockout_seconds = 60; lockout_max_seconds = 60; };\n')

    def login_from(self, source, name, password, headers=None):
        return request_from(self.server.port, source, "POST", "/api/v1/login",
                            {"name": name, "password": password}, headers=headers)

    def desk_user(self):
        name = self.unique("accueil")
        self.api("POST", "/api/v1/users", {"name": name, "role": "secretariat",
                                           "password": PASSWORD}, self.admin, expect=201)
        return name

    def test_cross_site_posts_refused_and_not_counted(self):
        name = self.desk_user()
        body = json.dumps({"name": name, "password": "not it at all"}).encode()
        # What a page elsewhere can send without a preflight, 25 times (more
        # than every lock-out's limit).
        for i in range(25):
            hdrs = [{"Content-Type": "text/plain"},
                    {"Content-Type": "application/x-www-form-urlencoded"},
                    {"Content-Type": "application/json", "Origin": "http://evil.example"},
                    {"Content-Type": "application/json", "Origin": "null"},
                    {"Content-Type": "application/json", "Sec-Fetch-Site": "cross-site"},
                    {"Content-Type": "application/json", "Sec-Fetch-Site": "same-site"}][i % 6]
            st, _, d = self.req("POST", "/api/v1/login", raw=body, headers=hdrs)
            self.assertIn((st, d.get("error")), ((415, "unsupported_media_type"),
                                                 (403, "cross_site")), (hdrs, d))
        # The desk's own page: same origin, JSON.
        host = "127.0.0.1:%d" % self.server.port
        st, _, d = self.req("POST", "/api/v1/login", {"name": name, "password": PASSWORD},
                            headers={"Origin": "http://" + host, "Sec-Fetch-Site": "same-origin",
                                     "Host": host})
        self.assertEqual(st, 200, d)
        # Behind a TLS proxy the page's origin is https.
        st, _, d = self.req("POST", "/api/v1/login", {"name": name, "password": PASSWORD},
                            headers={"Origin": "https://" + host, "Host": host})
        self.assertEqual(st, 200, d)

    def test_others_cannot_lock_the_desk_out(self):
        name = self.desk_user()
        desk = "127.0.0.1"
        self.assertEqual(self.login_from(desk, name, PASSWORD)[0], 200)
        # Two wrong passwords from each of five other addresses: the tenth
        # locks the name out from new addresses.
        answers = [self.login_from("127.0.4.%d" % a, name, "wrong wrong")[0]
                   for a in range(2, 7) for _ in range(2)]
        self.assertEqual(answers, [401] * 9 + [429])
        for src in ("127.0.4.2", "127.0.4.9"):
            st, _, d = self.login_from(src, name, PASSWORD)
            self.assertEqual((st, d.get("error")), (429, "rate_limited"),
                             "the right password from %s, after 10 wrong ones elsewhere" % src)
        # The desk, where this name signed in before, is not locked out.
        st, _, d = self.login_from(desk, name, PASSWORD)
        self.assertEqual(st, 200, d)

    def test_one_address_guessing_every_name(self):
        name = self.desk_user()
        desk, guesser = "127.0.5.1", "127.0.5.2"
        self.assertEqual(self.login_from(desk, name, PASSWORD)[0], 200)
        answers = [self.login_from(guesser, "guess-%d" % i, "123456")[0] for i in range(20)]
        self.assertEqual(answers, [401] * 19 + [429])
        other = self.desk_user()
        self.assertEqual(self.login_from(guesser, other, PASSWORD)[0], 429)
        self.assertEqual(self.login_from(desk, name, PASSWORD)[0], 200)


class AtomicLockOut(AdmindTestCase):
    """4. Parallel wrong passwords get no more real checks than the limit."""
    EXTRA_CONF = AdmindTestCase.EXTRA_CONF + (
        'web = { root = ""; login_max_failures = 5; lockout_seconds = 60;'
        ' login_workers = 4; login_queue = 64; };\n')

    def test_50_parallel_wrong_passwords(self):
        name = self.unique("accueil")
        self.api("POST", "/api/v1/users", {"name": name, "role": "secretariat",
                                           "password": PASSWORD}, self.admin, expect=201)
        before = self.server.output().count("wrong password for '%s'" % name)

        def guess(i):
            return self.req("POST", "/api/v1/login", {"name": name, "password": "guess %d" % i})[0]

        with concurrent.futures.ThreadPoolExecutor(50) as ex:
            got = list(ex.map(guess, range(50)))
        self.assertLessEqual(set(got), {401, 429}, got)
        # Every real check of a wrong password logs one line.
        checks = self.server.output().count("wrong password for '%s'" % name) - before
        self.assertEqual(checks, 5, got)
        self.assertEqual(got.count(401), 4, got)


class LogInjection(AdmindTestCase):
    """6. What a client sends cannot forge a log line; a path that is not
    UTF-8 is an unknown path (404), not a failure (500)."""
    EXTRA_CONF = AdmindTestCase.EXTRA_CONF + 'log_level = "debug";\nweb = { root = ""; };\n'

    FAKE = b"2026-01-01 09:00:00 escale-admind: warning: staff sign-in: FORGED"

    def raw_get(self, target):
        sock = socket.create_connection(("127.0.0.1", self.server.port), timeout=REQUEST_TIMEOUT)
        try:
            sock.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            resp = http.client.HTTPResponse(sock, method="GET")
            resp.begin()
            data = resp.read()
            return resp.status, json.loads(data)
        finally:
            sock.close()

    def test_paths_cannot_forge_lines(self):
        targets = [b"/api/v1/x%0a" + self.FAKE.replace(b" ", b"%20"),
                   b"/api/v1/%ff%fe%0d%0a" + self.FAKE.replace(b" ", b"%20"),
                   b"/\xff\xfe/api/v1/kiosks",
                   b"/api/v1/codes%e2%80%ae%1b[2J"]
        for t in targets:
            st, d = self.raw_get(t)
            self.assertEqual((st, d["error"]), (404, "not_found"), t)
            self.assertIsInstance(d["message"], str)
        # A query parameter's name is quoted in its 400.
        st, d = self.raw_get(b"/api/v1/kiosk/codes?%ff%0a" + self.FAKE.replace(b" ", b"%20") + b"=1")
        self.assertIn(st, (400, 401))
        for line in self.server.output().encode("utf-8", "replace").split(b"\n"):
            self.assertFalse(line.startswith(b"2026-01-01"), line)
            self.assertNotIn(b"\x1b", line)
        self.assertIn("\\x0a2026-01-01", self.server.output())
        self.assertNotIn("cannot encode the reply", self.server.output())

    def test_names_cannot_forge_lines(self):
        # Control characters are refused in names (400); these are not.
        name = "x\u2028" + self.FAKE.decode()[:40] + "\u202e"
        st, _, d = self.req("POST", "/api/v1/login", {"name": name, "password": "y" * 12})
        self.assertEqual(st, 401, d)
        self.assertIn("\\xe2\\x80\\xa8" + self.FAKE.decode()[:40], self.server.output())
        for line in self.server.output().split("\n"):
            self.assertFalse(line.startswith("2026-01-01"), line)
            self.assertNotIn("\u2028", line)
            self.assertNotIn("\u202e", line)


class BackupSecrets(AdmindTestCase):
    """7. A maintenance backup carries no credential; the full one is the
    admin's and says so."""
    EXTRA_CONF = AdmindTestCase.EXTRA_CONF + 'web = { root = ""; };\n'

    def backup(self, token):
        st, hdrs, data = self.req("GET", "/api/v1/backup", token=token)
        self.assertEqual(st, 200)
        path = os.path.join(self.server.workdir, "copy-%d.db" % len(data))
        with open(path, "wb") as f:
            f.write(data)
        return hdrs, data, path

    def test_maintenance_backup_has_no_credential(self):
        name = self.unique("accueil")
        self.api("POST", "/api/v1/users", {"name": name, "role": "secretariat",
                                           "password": PASSWORD}, self.admin, expect=201)
        csrf = self.api("POST", "/api/v1/login", {"name": name, "password": PASSWORD})["csrf"]
        _, mnt = self.new_user("maintenance")
        self.new_kiosk()
        self.new_codes(count=3)
        con = self.server.db_connect()
        try:
            secrets = [r[0].encode() for r in con.execute(
                "SELECT password_hash FROM users WHERE password_hash IS NOT NULL")]
            secrets += [r[0] for r in con.execute("SELECT token_hash FROM api_tokens")]
            secrets += [r[0] for r in con.execute("SELECT token_hash FROM kiosks")]
            secrets += [r[0] for r in con.execute("SELECT hash FROM codes")]
            secrets += [r[0] for r in con.execute("SELECT verifier FROM codes")]
            secrets += [r[0] for r in con.execute("SELECT value FROM meta WHERE key IN "
                                                  "('offline_salt', 'code_key_check')")]
            users = con.execute("SELECT count(*) FROM users").fetchone()[0]
        finally:
            con.close()
        secrets.append(csrf.encode())
        self.assertGreater(len(secrets), 10)

        hdrs, data, path = self.backup(mnt)
        self.assertEqual(hdrs.get("x-escale-backup"), "without-credentials")
        for sec in secrets:
            self.assertNotIn(sec, data)
        copy = sqlite3.connect(path)
        try:
            self.assertEqual(copy.execute("PRAGMA integrity_check").fetchone()[0], "ok")
            self.assertEqual(copy.execute("SELECT count(*) FROM users").fetchone()[0], users)
            self.assertEqual(copy.execute("SELECT count(*) FROM codes").fetchone()[0], 3)
        finally:
            copy.close()

        hdrs, data, _ = self.backup(self.admin)
        self.assertEqual(hdrs.get("x-escale-backup"), "full")
        self.assertIn("full", hdrs.get("content-disposition", ""))
        for sec in secrets[:1]:
            self.assertIn(sec, data)


class Smuggling(AdmindTestCase):
    """8. Two Content-Lengths, or Content-Length with chunked: 400 and the
    connection closed (nothing after them is read as another request)."""

    def exchange(self, head, body):
        sock = socket.create_connection(("127.0.0.1", self.server.port), timeout=REQUEST_TIMEOUT)
        try:
            # A second request hides in the body: it must never be answered.
            sock.sendall(head + body + b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            data = b""
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    return data  # closed by admind
                data += chunk
        finally:
            sock.close()

    def test_ambiguous_framing_refused_and_closed(self):
        body = b'{"state": "login"}'
        cases = [
            b"Content-Length: %d\r\nContent-Length: 4\r\n" % len(body),
            b"Content-Length: 4\r\nContent-Length: %d\r\n" % len(body),
            b"Content-Length: %d\r\nTransfer-Encoding: chunked\r\n" % len(body),
            b"Transfer-Encoding: chunked\r\nContent-Length: %d\r\n" % len(body),
            b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
        ]
        for extra in cases:
            head = (b"POST /api/v1/kiosk/heartbeat HTTP/1.1\r\nHost: x\r\n"
                    b"Content-Type: application/json\r\n" + extra + b"\r\n")
            data = self.exchange(head, body)
            self.assertTrue(data.startswith(b"HTTP/1.1 400 "), (extra, data[:200]))
            self.assertEqual(data.count(b"HTTP/1.1 "), 1, (extra, data))
            self.assertIn(b'"error":"bad_request"', data)
        # One Content-Length: answered, and the connection serves the next request.
        head = (b"POST /api/v1/kiosk/heartbeat HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n"
                b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body))
        sock = socket.create_connection(("127.0.0.1", self.server.port), timeout=REQUEST_TIMEOUT)
        try:
            sock.sendall(head + body + b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            data = b""
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                data += chunk
        finally:
            sock.close()
        self.assertTrue(data.startswith(b"HTTP/1.1 401 "), data[:100])
        self.assertIn(b"HTTP/1.1 200 ", data)


class Bounds(AdmindTestCase):
    """9. What a code holds, what a kiosk reports and when, and a desk's
    end: each bounded by what is possible."""

    def test_extend_has_a_cap(self):
        c = self.new_code(minutes=60, pages=10, days=30)
        ext = "/api/v1/codes/extend"
        self.api("POST", ext, {"id": c["id"], "minutes": 1000}, self.admin)
        self.assertError(self.req("POST", ext, {"id": c["id"], "minutes": 1000}, self.admin),
                         409, "limit")
        self.api("POST", ext, {"id": c["id"], "pages": 990}, self.admin)
        self.assertError(self.req("POST", ext, {"id": c["id"], "pages": 1}, self.admin),
                         409, "limit")
        self.api("POST", ext, {"id": c["id"], "days": 300}, self.admin)
        self.assertError(self.req("POST", ext, {"id": c["id"], "days": 300}, self.admin),
                         409, "limit")
        got = self.code_by_id(c["id"])
        self.assertEqual((got["seconds_left"], got["pages_left"]), (1060 * 60, 1000))
        self.assertLessEqual(got["valid_until"], time.time() + 366 * 86400)
        # Adding time to a session has the same bound.
        _, kt = self.new_kiosk()
        c2 = self.new_code(minutes=1000)
        sid = self.open_ok(kt, c2["code"])["session"]
        add = "/api/v1/sessions/%s/add_time" % sid
        self.api("POST", add, {"minutes": 440}, self.admin)
        self.assertError(self.req("POST", add, {"minutes": 1}, self.admin), 409, "limit")
        # A revoked code is still a conflict, not a limit.
        self.api("POST", "/api/v1/codes/revoke", {"id": c["id"]}, self.admin)
        self.assertError(self.req("POST", ext, {"id": c["id"], "minutes": 1}, self.admin),
                         409, "conflict")

    def test_pages_used_never_past_the_quota(self):
        _, kt = self.new_kiosk()
        c = self.new_code(minutes=60, pages=5)
        sid = self.open_ok(kt, c["code"])["session"]
        hb = self.heartbeat(kt, "session", sid, seconds_used=10, pages_used=50)
        self.assertEqual(hb["session"]["pages_left"], 0)
        self.api("POST", "/api/v1/kiosk/sessions/%s/end" % sid,
                 {"reason": "user", "seconds_used": 20, "pages_used": 70}, kt)
        self.assertEqual(self.session_by_id(sid)["pages_used"], 5)
        self.assertEqual(self.code_by_id(c["id"])["pages_left"], 0)

    def test_events_cannot_end_in_the_future(self):
        _, kt = self.new_kiosk()
        c = self.new_code(minutes=60)
        sid = self.open_ok(kt, c["code"])["session"]
        r = self.api("POST", "/api/v1/kiosk/events", {"events": [
            {"id": "fut-" + sid[:8], "type": "session_end", "at": int(time.time()) + 3600,
             "session": sid, "reason": "user", "seconds_used": 30}]}, kt)
        self.assertEqual(r["results"][0]["status"], "applied", r)
        s = self.session_by_id(sid)
        self.assertLessEqual(s["ended_at"], time.time() + 1, s)

    def test_desk_end_counts_the_time_since_the_last_heartbeat(self):
        _, kt = self.new_kiosk()
        c = self.new_code(minutes=60)
        backdate_codes(self.server, 3600)
        cache = self.api("GET", "/api/v1/kiosk/codes?since=0", token=kt)
        v = offline_verifier(c["code"], cache["salt"], cache["opslimit"], cache["memlimit"])
        sid = os.urandom(16).hex()
        start = int(time.time()) - 120
        r = self.api("POST", "/api/v1/kiosk/events", {"events": [
            {"id": "o-" + sid[:8], "type": "session_open", "at": start, "session": sid,
             "verifier": v}]}, kt)
        self.assertEqual(r["results"][0]["status"], "applied", r)
        self.heartbeat(kt, "session", sid, seconds_used=0)
        self.api("POST", "/api/v1/sessions/%s/end" % sid, token=self.admin)
        s = self.session_by_id(sid)
        self.assertEqual(s["end_reason"], "staff")
        self.assertEqual(s["seconds_used"], s["ended_at"] - s["started_at"], s)
        self.assertGreaterEqual(s["seconds_used"], 120)
        self.assertEqual(self.code_by_id(c["id"])["seconds_left"], 3600 - s["seconds_used"])


class OfflineEvents(AdmindTestCase):
    """5. An offline session is checked against its code when it arrives:
    what the code no longer allowed is recorded and flagged, not granted;
    and a kiosk spends no more time than passed."""

    def cached_verifier(self, kt, code):
        cache = self.api("GET", "/api/v1/kiosk/codes?since=0", token=kt)
        return offline_verifier(code, cache["salt"], cache["opslimit"], cache["memlimit"])

    def events(self, kt, *evs):
        return self.api("POST", "/api/v1/kiosk/events", {"events": list(evs)}, kt)["results"]

    def ev(self, type_, sid, at, **kw):
        d = {"id": "%s-%s" % (type_[8:12], os.urandom(6).hex()), "type": type_, "at": at,
             "session": sid}
        d.update(kw)
        return d

    def test_a_verifier_cannot_spend_a_day_at_once(self):
        _, kt = self.new_kiosk()
        c = self.new_code(minutes=60)
        v = self.cached_verifier(kt, c["code"])
        sid, now = os.urandom(16).hex(), int(time.time())
        r = self.events(kt, self.ev("session_open", sid, now - 86400, verifier=v),
                        self.ev("session_progress", sid, now, seconds_used=86400))
        self.assertEqual([x["status"] for x in r], ["applied", "applied"], r)
        s = self.session_by_id(sid)
        created = self.code_by_id(c["id"])["created_at"]
        self.assertGreaterEqual(s["started_at"], created, "not before the code existed")
        self.assertLessEqual(s["seconds_used"], now - s["started_at"] + 2, s)
        self.assertGreaterEqual(self.code_by_id(c["id"])["seconds_left"], 3600 - 5)

    def test_one_kiosk_one_session_at_a_time(self):
        _, kt = self.new_kiosk()
        codes = self.new_codes(count=2, minutes=60)
        backdate_codes(self.server, 3600)
        now = int(time.time())
        sids = []
        for c in codes:  # two sessions claiming the same ten minutes
            sid = os.urandom(16).hex()
            sids.append(sid)
            v = self.cached_verifier(kt, c["code"])
            self.events(kt, self.ev("session_open", sid, now - 600, verifier=v),
                        self.ev("session_end", sid, now, reason="user", seconds_used=600))
        used = [self.session_by_id(sid)["seconds_used"] for sid in sids]
        self.assertEqual(used[0], 600)
        self.assertLessEqual(used[1], 2, "the second could only start when the first ended")

    def test_revoked_or_used_up_code_recorded_not_granted(self):
        _, kt = self.new_kiosk()
        revoked, used_up = self.new_codes(count=2, minutes=1)
        v_rev = self.cached_verifier(kt, revoked["code"])
        v_up = self.cached_verifier(kt, used_up["code"])
        # After the kiosk cached them: one revoked, the other used up online.
        self.api("POST", "/api/v1/codes/revoke", {"id": revoked["id"]}, self.admin)
        _, other = self.new_kiosk()
        osid = self.open_ok(other, used_up["code"])["session"]
        self.end_session(other, osid, seconds_used=60)
        self.assertEqual(self.code_by_id(used_up["id"])["seconds_left"], 0)
        for v, flag in ((v_rev, "code_revoked"), (v_up, "code_used_up")):
            sid, now = os.urandom(16).hex(), int(time.time()) + 1
            r = self.events(kt, self.ev("session_open", sid, now, verifier=v),
                            self.ev("session_progress", sid, now, seconds_used=30))
            self.assertEqual((r[0]["status"], r[0].get("flag")), ("applied", flag), r)
            s = self.session_by_id(sid)
            self.assertFalse(s["active"], s)
            self.assertEqual((s["end_reason"], s["seconds_used"]), (flag, 0), s)
            hb = self.heartbeat(kt, "session", sid, seconds_used=40)
            self.assertFalse(hb["session"]["active"], hb)
        self.assertEqual(self.code_by_id(used_up["id"])["seconds_left"], 0)
        self.assertIn("code_revoked; recorded, not granted", self.server.output())


class Trickler(threading.Thread):
    """A connection from SOURCE that sends HEAD, then one header line (or
    body byte) every half second, never finishing its request; records
    when admind closed it."""

    def __init__(self, port, source, head=b"GET /healthz HTTP/1.1\r\nHost: x\r\n",
                 drip=b"X-Slow: 1\r\n"):
        super().__init__(daemon=True)
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=REQUEST_TIMEOUT,
                                             source_address=(source, 0))
        self.sock.sendall(head)
        if b"Expect: 100-continue" in head:
            # admind has read the headers (its handler has the request)
            # once it says so.
            got = b""
            while b"100 Continue" not in got:
                chunk = self.sock.recv(100)
                if not chunk:
                    raise AssertionError("closed before 100 Continue")
                got += chunk
        self.drip = drip
        self.stop = threading.Event()
        self.closed = threading.Event()

    def run(self):
        try:
            while not self.stop.wait(0.5):
                self.sock.sendall(self.drip)
                self.sock.setblocking(False)
                try:
                    if self.sock.recv(4096) == b"":
                        break
                except BlockingIOError:
                    pass
                finally:
                    self.sock.setblocking(True)
        except OSError:
            pass
        self.closed.set()
        self.sock.close()


class Connections(AdmindTestCase):
    """3, 10, 11, 12. Slow or idle connections make room for new ones;
    a request must be whole within a deadline; a connection's memory is
    what a request needs; refusals are logged once per address."""
    EXTRA_CONF = AdmindTestCase.EXTRA_CONF + (
        "max_connections_per_ip = 8;\nmax_connections = 64;\nrequest_deadline_seconds = 2;\n")

    def tricklers(self, sources, **kw):
        ts = [Trickler(self.server.port, src, **kw) for src in sources]
        for t in ts:
            t.start()
        self.addCleanup(lambda: [t.stop.set() for t in ts])
        return ts

    def healthz_from(self, source):
        return request_from(self.server.port, source, "GET", "/healthz")[0]

    def test_one_address_cannot_hold_every_slot(self):
        ts = self.tricklers(["127.0.7.1"] * 8)
        # The address is full of requests that never finish: the oldest
        # makes room, and the desk behind the same address is answered.
        for _ in range(3):
            self.assertEqual(self.healthz_from("127.0.7.1"), 200)
        # And each is cut once past the deadline, however often it sends.
        for t in ts:
            self.assertTrue(t.closed.wait(REQUEST_TIMEOUT), "a trickling connection stays")

    def test_slow_clients_from_many_addresses(self):
        self.tricklers(["127.0.9.%d" % i for i in range(1, 71)])  # 70 > max_connections
        self.assertEqual(self.healthz_from("127.0.10.1"), 200)
        _, kt = self.new_kiosk()
        self.heartbeat(kt)

    def test_slow_bodies_are_cut_too(self):
        ts = self.tricklers(["127.0.11.1"], head=(
            b"POST /api/v1/kiosk/heartbeat HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/json\r\nContent-Length: 5000\r\n\r\n{"), drip=b" ")
        self.assertTrue(ts[0].closed.wait(REQUEST_TIMEOUT), "a trickled body stays")

    def test_refusals_logged_once_per_address(self):
        # Eight requests whose bodies are still coming: busy, not shed.
        ts = self.tricklers(["127.0.12.1"] * 8, head=(
            b"POST /api/v1/kiosk/heartbeat HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/json\r\nContent-Length: 5000\r\n"
            b"Expect: 100-continue\r\n\r\n"), drip=b" ")
        refused = 0
        for _ in range(50):
            try:
                self.healthz_from("127.0.12.1")
            except (OSError, http.client.HTTPException):
                refused += 1
        self.assertEqual(refused, 50)
        lines = [l for l in self.server.output().splitlines()
                 if "127.0.12.1" in l or "limit" in l.lower()]
        self.assertEqual(len(lines), 1, lines)
        self.assertIn("refusing connections from 127.0.12.1", lines[0])
        for t in ts:
            self.assertTrue(t.closed.wait(REQUEST_TIMEOUT))

    def test_headers_bigger_than_a_request_needs(self):
        big = {"X-Pad-%d" % i: "p" * 1000 for i in range(12)}
        st, _, _ = self.req("GET", "/healthz", headers=big)
        self.assertEqual(st, 431)
        self.assertEqual(self.req("GET", "/healthz", headers={"X-Pad": "p" * 2000})[0], 200)


if __name__ == "__main__":
    main()
