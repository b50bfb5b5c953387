"""Hostile input against escale-admind: every refusal has the right status, a
JSON error body, and leaves the stored data exactly as it was."""

import contextlib
import json
import secrets
import time

from escale_test import AdmindTestCase, main, raw_exchange

LIMIT = 65536  # max_body_bytes default


class Hostile(AdmindTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        h = cls.helper()
        cls.sec_name, cls.sec = h.new_user("secretariat")
        cls.mnt_name, cls.mnt = h.new_user("maintenance")
        cls.kid, cls.kt = h.new_kiosk()
        cls.code = h.new_code()
        cls.spare = h.new_code()
        s_kid, cls.skt = h.new_kiosk()
        cls.sid = h.open_ok(cls.skt, cls.code["code"])["session"]
        cls.s_kid = s_kid

    # ---- helpers

    @contextlib.contextmanager
    def unchanged(self):
        before = self.server.snapshot()
        yield
        self.assertEqual(self.server.snapshot(), before, "stored data changed")

    def refused(self, method, path, status, word, body=None, raw=None, token=None,
                headers=None, what=None):
        r = self.req(method, path, body=body, raw=raw, token=token, headers=headers)
        label = what or "%s %s %r" % (method, path, (body if raw is None else raw[:80]))
        return self.assertError(r, status, word, label)

    def bad(self, path, body=None, raw=None, token=None, what=None):
        return self.refused("POST", path, 400, "bad_request", body=body, raw=raw,
                            token=token or self.admin, what=what)

    def assert_good_code_still_opens(self, kt):
        """Malformed requests must not have counted as failures towards a lock-out."""
        c = self.new_code()
        d = self.open_ok(kt, c["code"])
        self.end_session(kt, d["session"])

    # ---- families

    def test_malformed_json(self):
        _, kt = self.new_kiosk()
        bodies = [
            b'{"count": 1',
            b'{"count": 1} x',
            b'{"count": 1}{"count": 1}',
            b'{"count": 1,}',
            b"{'count': 1}",
            b'{"count": NaN}',
            b'{"count": 01}',
            b'"count"',
            b'[{"count": 1}]',
            b'[]',
            b'null',
            b'1',
            b'',
            b' ',
            b'[' * 10000 + b']' * 10000,
            b'{"a":' * 10000 + b'1' + b'}' * 10000,
        ]
        with self.unchanged():
            for b in bodies:
                self.bad("/api/v1/codes", raw=b, what="codes %r" % b[:40])
                self.bad("/api/v1/kiosks", raw=b, what="kiosks %r" % b[:40])
                self.bad("/api/v1/users", raw=b, what="users %r" % b[:40])
                self.bad("/api/v1/kiosk/sessions", raw=b, token=kt, what="k/sessions %r" % b[:40])
                self.bad("/api/v1/kiosk/heartbeat", raw=b, token=kt, what="heartbeat %r" % b[:40])
                self.bad("/api/v1/kiosk/events", raw=b, token=kt, what="events %r" % b[:40])
            self.bad("/api/v1/sessions/%s/add_time" % self.sid, raw=b'{"minutes": 5',
                     token=self.sec)
            self.bad("/api/v1/kiosks/%s/commands" % self.kid, raw=b'{"type": "message"',
                     token=self.sec)
        self.assert_good_code_still_opens(kt)

    def test_duplicate_keys(self):
        """A key given twice is refused, not silently resolved one way or the other."""
        _, kt = self.new_kiosk()
        with self.unchanged():
            self.bad("/api/v1/codes", raw=b'{"count": 1, "count": 2}', token=self.sec)
            self.bad("/api/v1/kiosks", raw=b'{"name": "a", "name": "b"}')
            self.bad("/api/v1/kiosk/sessions",
                     raw=b'{"code": "0000", "code": "%s"}' % self.spare["code"].encode(),
                     token=kt)
        self.assertFalse(self.code_by_id(self.spare["id"])["in_use"])

    def test_wrong_types(self):
        _, kt = self.new_kiosk()
        cases = [
            ("/api/v1/codes", {"count": "2"}),
            ("/api/v1/codes", {"count": True}),
            ("/api/v1/codes", {"count": 1.5}),
            ("/api/v1/codes", {"count": 1.0}),
            ("/api/v1/codes", {"count": None}),
            ("/api/v1/codes", {"minutes": "60"}),
            ("/api/v1/codes", {"pages": [1]}),
            ("/api/v1/codes", {"days": {"n": 1}}),
            ("/api/v1/codes", {"valid_until": True}),
            ("/api/v1/codes", {"valid_until": "demain"}),
            ("/api/v1/kiosks", {"name": 5}),
            ("/api/v1/kiosks", {"name": ["a"]}),
            ("/api/v1/kiosks", {"name": "ok", "site": False}),
            ("/api/v1/users", {"name": "u", "role": 1}),
            ("/api/v1/users", {"name": True, "role": "admin"}),
            ("/api/v1/codes/revoke", {"id": "1"}),
            ("/api/v1/codes/revoke", {"code": 12345678}),
            ("/api/v1/codes/extend", {"id": self.spare["id"], "minutes": "5"}),
        ]
        kiosk_cases = [
            ("/api/v1/kiosk/sessions", {"code": int(self.spare["code"].replace(" ", ""))}),
            ("/api/v1/kiosk/sessions", {"code": None}),
            ("/api/v1/kiosk/sessions", {"code": [self.spare["code"]]}),
            ("/api/v1/kiosk/sessions", {"code": True}),
            ("/api/v1/kiosk/heartbeat", {"state": 1}),
            ("/api/v1/kiosk/heartbeat", {"state": "teleporting"}),
            ("/api/v1/kiosk/heartbeat", {"state": "login", "ack": "1"}),
            ("/api/v1/kiosk/heartbeat", {"state": "login", "ack": [True]}),
            ("/api/v1/kiosk/heartbeat", {"state": "login", "ack": ["1"]}),
            ("/api/v1/kiosk/heartbeat", {"state": "login", "version": 2}),
            ("/api/v1/kiosk/events", {"events": {}}),
            ("/api/v1/kiosk/events", {"events": "x"}),
            ("/api/v1/kiosk/events", {"events": [1]}),
            ("/api/v1/kiosk/events", {"events": [{"id": 5, "type": "session_progress",
                                                  "at": 1, "session": self.sid,
                                                  "seconds_used": 1}]}),
        ]
        with self.unchanged():
            for path, body in cases:
                tok = self.sec if "codes" in path else self.admin
                self.bad(path, body, token=tok)
            for path, body in kiosk_cases:
                self.bad(path, body, token=kt)
            self.bad("/api/v1/kiosk/heartbeat", {"state": "session", "session": self.sid,
                                                 "seconds_used": "5"}, token=self.skt)
            self.bad("/api/v1/kiosk/heartbeat", {"state": "session", "session": 7,
                                                 "seconds_used": 5}, token=self.skt)
            # "session" goes only with state "session"
            self.bad("/api/v1/kiosk/heartbeat", {"state": "login", "session": self.sid,
                                                 "seconds_used": 5}, token=self.skt)
            self.bad("/api/v1/kiosk/sessions/%s/end" % self.sid, {"reason": 3}, token=self.skt)
            self.bad("/api/v1/kiosk/sessions/%s/end" % self.sid,
                     {"reason": "user", "seconds_used": "10"}, token=self.skt)
            self.bad("/api/v1/sessions/%s/add_time" % self.sid, {"minutes": "5"}, token=self.sec)
            self.bad("/api/v1/kiosks/%s/commands" % self.kid, {"type": "message", "text": 5},
                     token=self.sec)
            self.bad("/api/v1/kiosks/%s/commands" % self.kid, {"type": "end_session"},
                     token=self.sec)
        self.assertTrue(self.session_by_id(self.sid)["active"])
        self.assert_good_code_still_opens(kt)

    def test_missing_fields(self):
        _, kt = self.new_kiosk()
        with self.unchanged():
            self.bad("/api/v1/kiosks", {})
            self.bad("/api/v1/kiosks", {"site": "x"})
            self.bad("/api/v1/users", {"name": self.unique("u")})
            self.bad("/api/v1/users", {"role": "admin"})
            self.bad("/api/v1/codes/revoke", {}, token=self.sec)
            self.bad("/api/v1/codes/extend", {"minutes": 5}, token=self.sec)
            self.bad("/api/v1/kiosks/%s/commands" % self.kid, {}, token=self.sec)
            self.bad("/api/v1/sessions/%s/add_time" % self.sid, {}, token=self.sec)
            self.bad("/api/v1/kiosk/sessions", {}, token=kt)
            self.bad("/api/v1/kiosk/heartbeat", {}, token=kt)
            self.bad("/api/v1/kiosk/heartbeat", {"state": "session"}, token=self.skt)
            self.bad("/api/v1/kiosk/sessions/%s/end" % self.sid, {}, token=self.skt)
            self.bad("/api/v1/kiosk/events", {}, token=kt)
            for missing in ("id", "type", "at", "session", "seconds_used"):
                ev = {"id": "m-" + secrets.token_hex(4), "type": "session_progress",
                      "at": int(time.time()), "session": self.sid, "seconds_used": 10}
                del ev[missing]
                self.bad("/api/v1/kiosk/events", {"events": [ev]}, token=self.skt,
                         what="event without %s" % missing)
            self.bad("/api/v1/kiosk/events",
                     {"events": [{"id": "o1", "type": "session_open", "at": 1,
                                  "session": secrets.token_hex(16)}]}, token=kt,
                     what="session_open without verifier")
        self.assertTrue(self.session_by_id(self.sid)["active"])

    def test_unknown_fields(self):
        _, kt = self.new_kiosk()
        with self.unchanged():
            self.bad("/api/v1/codes", {"count": 1, "bogus": 1}, token=self.sec)
            self.bad("/api/v1/codes", {"count": 1, "Count": 2}, token=self.sec)
            self.bad("/api/v1/kiosks", {"name": self.unique("k"), "admin": True})
            self.bad("/api/v1/users", {"name": self.unique("u"), "role": "admin",
                                       "token": "est_" + "A" * 43})
            # a good code with an extra field opens nothing
            self.bad("/api/v1/kiosk/sessions", {"code": self.spare["code"], "kiosk": 1}, token=kt)
            self.bad("/api/v1/kiosk/heartbeat", {"state": "login", "extra": 1}, token=kt)
            self.bad("/api/v1/kiosk/sessions/%s/end" % self.sid,
                     {"reason": "user", "refund": True}, token=self.skt)
            self.bad("/api/v1/kiosk/events",
                     {"events": [{"id": "x-1", "type": "session_progress", "at": 1,
                                  "session": self.sid, "seconds_used": 1, "why": "x"}]},
                     token=self.skt)
            self.bad("/api/v1/kiosk/events", {"events": [], "more": 1}, token=kt)
            self.bad("/api/v1/sessions/%s/add_time" % self.sid, {"minutes": 5, "seconds": 1},
                     token=self.sec)
        self.assertFalse(self.code_by_id(self.spare["id"])["in_use"])

    def test_body_too_large(self):
        head = ("POST /api/v1/codes HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                "Authorization: Bearer %s\r\nContent-Type: application/json\r\n" % self.sec)
        big = b'{"count": 1, "pad": "' + b"x" * (LIMIT + 5000) + b'"}'
        with self.unchanged():
            # Content-Length
            r = raw_exchange(self.server.port,
                             (head + "Content-Length: %d\r\n\r\n" % len(big)).encode(), [big])
            self.assertError(r, 413, "too_large", "Content-Length")
            # chunked, no length announced
            chunks = [b"%x\r\n%s\r\n" % (len(big[i:i + 8192]), big[i:i + 8192])
                      for i in range(0, len(big), 8192)] + [b"0\r\n\r\n"]
            r = raw_exchange(self.server.port,
                             (head + "Transfer-Encoding: chunked\r\n\r\n").encode(), chunks)
            self.assertError(r, 413, "too_large", "chunked")
            # an announced length far over the limit, nothing sent
            r = raw_exchange(self.server.port,
                             (head + "Content-Length: 99999999999\r\n\r\n").encode())
            self.assertError(r, 413, "too_large", "huge Content-Length")
            # same on a kiosk route
            r = raw_exchange(self.server.port,
                             ("POST /api/v1/kiosk/sessions HTTP/1.1\r\nHost: x\r\n"
                              "Authorization: Bearer %s\r\nContent-Length: %d\r\n\r\n"
                              % (self.kt, len(big))).encode(), [big])
            self.assertError(r, 413, "too_large", "kiosk route")
            # 1 MB kiosk name
            name = b'{"name": "' + b"n" * (1 << 20) + b'"}'
            r = raw_exchange(self.server.port,
                             ("POST /api/v1/kiosks HTTP/1.1\r\nHost: x\r\n"
                              "Authorization: Bearer %s\r\nContent-Length: %d\r\n\r\n"
                              % (self.admin, len(name))).encode(), [name])
            self.assertError(r, 413, "too_large", "1 MB name")
        # the server is still fine
        self.assertEqual(self.req("GET", "/healthz")[0], 200)

    def test_body_limit_boundary(self):
        """A body of exactly max_body_bytes is read; one byte more is 413."""
        def body(n):
            b = json.dumps({"name": self.unique("edge"), "site": ""}).encode()
            return b + b" " * (n - len(b))
        r = self.req("POST", "/api/v1/kiosks", raw=body(LIMIT), token=self.admin)
        self.assertEqual(r[0], 201, r[2])
        with self.unchanged():
            self.assertError(self.req("POST", "/api/v1/kiosks", raw=body(LIMIT + 1),
                                      token=self.admin), 413, "too_large")

    def test_numbers_out_of_range(self):
        now = int(time.time())
        with self.unchanged():
            for body in ({"count": -1}, {"count": 0}, {"count": 501}, {"count": 1e30},
                         {"count": 2 ** 70}, {"count": -2 ** 63}, {"count": 2 ** 63 - 1},
                         {"minutes": 0}, {"minutes": 1441}, {"minutes": -60},
                         {"pages": -5}, {"pages": 1001}, {"days": 0}, {"days": 367},
                         {"valid_until": now - 3600}, {"valid_until": 2 ** 62},
                         {"valid_until": "2001-01-01T00:00"}, {"days": 2, "valid_until": now + 86400}):
                self.bad("/api/v1/codes", body, token=self.sec)
            for body in ({"id": self.spare["id"], "minutes": 1441},
                         {"id": self.spare["id"], "pages": -1},
                         {"id": self.spare["id"], "days": 367},
                         {"code": self.spare["code"], "minutes": -1}):
                self.bad("/api/v1/codes/extend", body, token=self.sec)
            r = self.req("POST", "/api/v1/codes/extend", {"id": -1, "minutes": 1}, self.sec)
            self.assertIn(r[0], (400, 404), r)
            self.assertError(r, r[0], {400: "bad_request", 404: "not_found"}[r[0]])
            for m in (0, 481, -5, 2 ** 40):
                self.bad("/api/v1/sessions/%s/add_time" % self.sid, {"minutes": m},
                         token=self.sec)
            for su in (-1, 86401, 2 ** 63):
                self.bad("/api/v1/kiosk/heartbeat", {"state": "session", "session": self.sid,
                                                     "seconds_used": su}, token=self.skt)
            self.bad("/api/v1/kiosk/heartbeat", {"state": "session", "session": self.sid,
                                                 "seconds_used": 5, "pages_used": -5},
                     token=self.skt)
            self.bad("/api/v1/kiosk/sessions/%s/end" % self.sid,
                     {"reason": "user", "seconds_used": -1}, token=self.skt)
            self.bad("/api/v1/kiosk/sessions/%s/end" % self.sid,
                     {"reason": "user", "pages_used": -5}, token=self.skt)
            for q in ("/api/v1/audit?limit=-1", "/api/v1/audit?limit=abc",
                      "/api/v1/audit?limit=99999999999999999999999",
                      "/api/v1/codes?state=bogus"):
                self.refused("GET", q, 400, "bad_request", token=self.admin)
        self.assertEqual(self.code_by_id(self.spare["id"])["seconds_left"], 3600)
        self.assertEqual(self.session_by_id(self.sid)["seconds_used"], 0)

    def test_long_strings(self):
        with self.unchanged():
            self.bad("/api/v1/kiosks", {"name": "n" * 1000})
            self.bad("/api/v1/kiosks", {"name": "n" * 65})
            self.bad("/api/v1/kiosks", {"name": "ok", "site": "s" * 65})
            self.bad("/api/v1/kiosks", {"name": ""})
            self.bad("/api/v1/users", {"name": "u" * 65, "role": "admin"})
            self.bad("/api/v1/users", {"name": "", "role": "admin"})
            self.bad("/api/v1/kiosks/%s/commands" % self.kid,
                     {"type": "message", "text": "t" * 501}, token=self.sec)
            self.bad("/api/v1/kiosk/sessions", {"code": "1" * 65}, token=self.kt)
            self.bad("/api/v1/kiosk/sessions", {"code": " " * 60 + self.spare["code"]},
                     token=self.kt)
            self.bad("/api/v1/kiosk/events", {"events": [
                {"id": "i" * 65, "type": "session_progress", "at": 1, "session": self.sid,
                 "seconds_used": 1}]}, token=self.skt)

    def test_sql_metacharacters(self):
        tables = self.server.tables()
        nasty = "'); DROP TABLE codes;--"
        ncodes = len(self.codes_list())
        kid, _ = self.new_kiosk(name=nasty, site='" OR 1=1 --')
        ks = {k["id"]: k for k in self.api("GET", "/api/v1/kiosks", token=self.admin)["kiosks"]}
        self.assertEqual(ks[kid]["name"], nasty)
        self.assertEqual(ks[kid]["site"], '" OR 1=1 --')
        uname, utok = self.new_user("secretariat", name="x' OR '1'='1")
        self.assertEqual(self.api("GET", "/api/v1/whoami", token=utok)["name"], uname)
        self.assertEqual(self.server.tables(), tables)
        self.assertEqual(len(self.codes_list()), ncodes)
        # a fresh kiosk per attempt, so that a lock-out does not hide the answer
        nasty_codes = (nasty, "1' OR '1'='1", "%%%%", "____", "12345678' --")
        kts = [self.new_kiosk()[1] for _ in nasty_codes]
        before = {t: v for t, v in self.server.snapshot().items() if t != "kiosks"}
        for kt, code in zip(kts, nasty_codes):
            st, h, d = self.open_session(kt, code)
            self.assertIn((st, d.get("error") if isinstance(d, dict) else None),
                          ((400, "bad_request"), (403, "code_unknown")), (code, st, d))
        for q in ("/api/v1/codes?state=active'%20OR%201=1--",
                  "/api/v1/usage?from=2024-01-01'--&format=json",
                  "/api/v1/audit?limit=1;DROP%20TABLE%20audit"):
            self.refused("GET", q, 400, "bad_request", token=self.admin)
        after = {t: v for t, v in self.server.snapshot().items() if t != "kiosks"}
        self.assertEqual(after, before)
        self.assertEqual(self.server.tables(), tables)

    def test_invalid_utf8(self):
        bodies = [
            b'{"name": "\xff\xfe"}',
            b'{"name": "a\xc3"}',
            b'{"name": "\xc0\xaf"}',
            b'{"name": "\xe0\x80\xaf"}',
            b'{"name": "\xf0\x80\x80\xaf"}',
            b'{"name": "\xed\xa0\x80"}',
            b'{"name": "\xf4\x90\x80\x80"}',
            b'{"name": "\\ud800"}',
            b'{"name": "x\\udc00y"}',
            b'{"name": "\\ud800\\u0041"}',
            b'{"name": "a\\u0000b"}',
            b'{"na\xffme": "x"}',
        ]
        with self.unchanged():
            for b in bodies:
                self.bad("/api/v1/kiosks", raw=b, what="kiosks %r" % b)
                self.bad("/api/v1/kiosk/sessions", raw=b.replace(b'"name"', b'"code"'),
                         token=self.kt, what="k/sessions %r" % b)
            self.bad("/api/v1/kiosks/%s/commands" % self.kid,
                     raw=b'{"type": "message", "text": "\xff"}', token=self.sec)

    def test_control_characters(self):
        with self.unchanged():
            for s in ("a\x01b", "a\nb", "a\rb", "\x1b[31mred", "bell\x07", "a\x00b"):
                self.bad("/api/v1/kiosks", {"name": s}, what="name %r" % s)
                self.bad("/api/v1/users", {"name": s, "role": "admin"}, what="user %r" % s)
                self.bad("/api/v1/kiosks/%s/commands" % self.kid,
                         {"type": "message", "text": s}, token=self.sec, what="text %r" % s)
                self.bad("/api/v1/kiosk/heartbeat", {"state": "login", "version": s},
                         token=self.kt, what="version %r" % s)
            self.bad("/api/v1/kiosks", raw=b'{"name": "a\x01b"}', what="raw control byte")
            self.bad("/api/v1/kiosks", raw=b'{"name": "a\nb"}', what="raw newline")

    def test_missing_token(self):
        with self.unchanged():
            for method, path, body in (("GET", "/api/v1/codes", None),
                                       ("POST", "/api/v1/codes", {"count": 1}),
                                       ("POST", "/api/v1/kiosks", {"name": "k"}),
                                       ("GET", "/api/v1/backup", None),
                                       ("POST", "/api/v1/kiosk/sessions",
                                        {"code": self.spare["code"]}),
                                       ("POST", "/api/v1/kiosk/heartbeat", {"state": "login"}),
                                       ("GET", "/api/v1/kiosk/codes", None)):
                self.refused(method, path, 401, "unauthorized", body=body)

    def test_malformed_authorization(self):
        values = ["Bearer", "Bearer ", "Bearer  ", "Basic YWRtaW46YWRtaW4=", self.admin,
                  "Bearer " + self.admin + " x", "Bearer " + self.admin + "x",
                  "Bearer " + self.admin[:-1], "Bearer est_", "Bearer esk_", "Token " + self.admin,
                  "Bearer " + "A" * 2000, "Bearer " + self.admin.replace("est_", "esk_"),
                  "Bearer " + self.admin + ",Bearer " + self.admin]
        with self.unchanged():
            for v in values:
                self.refused("POST", "/api/v1/codes", 401, "unauthorized", body={"count": 1},
                             headers={"Authorization": v}, what="Authorization: %r" % v[:60])
            # Headers past connection_memory_kib (4 KiB): libmicrohttpd's own 431.
            st, _, _ = self.req("GET", "/api/v1/codes",
                                headers={"Authorization": "Bearer " + "A" * 4000})
            self.assertEqual(st, 431)
            for v in ("Bearer " + self.kt[:-1], "Bearer " + self.kt.replace("esk_", "est_"),
                      self.kt, "Bearer " + self.kt + "="):
                self.refused("POST", "/api/v1/kiosk/sessions", 401, "unauthorized",
                             body={"code": self.spare["code"]},
                             headers={"Authorization": v}, what="kiosk %r" % v[:60])

    def test_wrong_token(self):
        import base64
        with self.unchanged():
            for _ in range(3):
                fake = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")
                self.refused("POST", "/api/v1/codes", 401, "unauthorized", body={"count": 1},
                             token="est_" + fake)
                self.refused("POST", "/api/v1/kiosk/sessions", 401, "unauthorized",
                             body={"code": self.spare["code"]}, token="esk_" + fake)

    def test_token_kind_swapped(self):
        with self.unchanged():
            for tok in (self.admin, self.sec, self.mnt):
                self.refused("POST", "/api/v1/kiosk/sessions", 403, "forbidden",
                             body={"code": self.spare["code"]}, token=tok)
                self.refused("POST", "/api/v1/kiosk/heartbeat", 403, "forbidden",
                             body={"state": "login"}, token=tok)
                self.refused("GET", "/api/v1/kiosk/codes?since=0", 403, "forbidden", token=tok)
                self.refused("POST", "/api/v1/kiosk/events", 403, "forbidden",
                             body={"events": []}, token=tok)
            for method, path, body in (("GET", "/api/v1/codes", None),
                                       ("POST", "/api/v1/codes", {"count": 1}),
                                       ("GET", "/api/v1/kiosks", None),
                                       ("GET", "/api/v1/whoami", None),
                                       ("POST", "/api/v1/sessions/%s/end" % self.sid, None),
                                       ("POST", "/api/v1/kiosks/%s/revoke" % self.kid, None),
                                       ("GET", "/api/v1/backup", None)):
                self.refused(method, path, 403, "forbidden", body=body, token=self.kt)

    def test_revoked_kiosk(self):
        kid, kt = self.new_kiosk()
        self.heartbeat(kt)
        self.api("POST", "/api/v1/kiosks/%s/revoke" % kid, token=self.admin)
        with self.unchanged():
            self.refused("POST", "/api/v1/kiosk/sessions", 401, "unauthorized",
                         body={"code": self.spare["code"]}, token=kt)
            self.refused("POST", "/api/v1/kiosk/heartbeat", 401, "unauthorized",
                         body={"state": "login"}, token=kt)
            self.refused("GET", "/api/v1/kiosk/codes?since=0", 401, "unauthorized", token=kt)
            self.refused("POST", "/api/v1/kiosk/events", 401, "unauthorized",
                         body={"events": []}, token=kt)

    def test_unknown_route(self):
        with self.unchanged():
            for method, path, tok in (("GET", "/api/v1/nope", self.admin),
                                      ("GET", "/api/v2/codes", self.admin),
                                      ("GET", "/api/v1/codes/extra/stuff", self.admin),
                                      ("GET", "/api/v1/kiosk/nope", self.kt),
                                      ("POST", "/api/v1/sessions/%s/end" % secrets.token_hex(16),
                                       self.sec),
                                      ("POST", "/api/v1/sessions/%s/add_time" %
                                       secrets.token_hex(16), self.sec),
                                      ("POST", "/api/v1/kiosks/999999/revoke", self.admin),
                                      ("POST", "/api/v1/kiosks/999999/commands", self.sec),
                                      ("POST", "/api/v1/kiosks/abc/revoke", self.admin),
                                      ("POST", "/api/v1/kiosks/-1/revoke", self.admin),
                                      ("POST", "/api/v1/kiosks/99999999999999999999999/revoke",
                                       self.admin),
                                      ("POST", "/api/v1/kiosk/sessions/%s/end" %
                                       secrets.token_hex(16), self.kt)):
                body = {"type": "message", "text": "x"} if path.endswith("commands") else (
                    {"minutes": 5} if path.endswith("add_time") else (
                        {"reason": "user"} if "/kiosk/sessions/" in path else None))
                self.refused(method, path, 404, "not_found", body=body, token=tok)

    def test_wrong_method(self):
        with self.unchanged():
            for method, path, tok in (("DELETE", "/api/v1/codes", self.admin),
                                      ("PUT", "/api/v1/kiosks", self.admin),
                                      ("PATCH", "/api/v1/users", self.admin),
                                      ("GET", "/api/v1/codes/revoke", self.admin),
                                      ("GET", "/api/v1/sessions/%s/end" % self.sid, self.admin),
                                      ("GET", "/api/v1/kiosk/sessions", self.kt),
                                      ("GET", "/api/v1/kiosk/heartbeat", self.kt),
                                      ("POST", "/api/v1/kiosk/codes", self.kt),
                                      ("POST", "/healthz", None),
                                      ("DELETE", "/healthz", None)):
                self.refused(method, path, 405, "method_not_allowed", token=tok,
                             raw=b"{}" if method in ("POST", "PUT", "PATCH") else None)

    def test_405_has_allow_header(self):
        st, h, d = self.req("DELETE", "/api/v1/codes", token=self.admin)
        self.assertEqual(st, 405)
        allow = {m.strip() for m in h.get("allow", "").split(",")}
        self.assertEqual(allow - {"HEAD"}, {"GET", "POST"})

    def test_path_traversal(self):
        with self.unchanged():
            for method, path, tok in (
                    ("POST", "/api/v1/sessions/../../etc/end", self.sec),
                    ("POST", "/api/v1/sessions/..%2F..%2Fetc/end", self.sec),
                    ("POST", "/api/v1/sessions/%s%%00/end" % self.sid, self.sec),
                    ("POST", "/api/v1/sessions/%s/../../kiosks/%s/revoke" % (self.sid, self.kid),
                     self.admin),
                    ("POST", "/api/v1/kiosks/../users/revoke", self.admin),
                    ("POST", "/api/v1/kiosks/%s%%2F..%%2F/revoke" % self.kid, self.admin),
                    ("POST", "/api/v1/kiosk/sessions/../../../etc/passwd/end", self.skt),
                    ("POST", "/api/v1/kiosk/sessions/%s/../end" % self.sid, self.skt)):
                self.refused(method, path, 404, "not_found", token=tok,
                             body={"reason": "user"} if "/kiosk/" in path else None)
            for path in ("/../../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
                         "/web/../../../../etc/passwd", "/..%2f..%2f..%2fetc%2fpasswd"):
                st, h, d = self.req("GET", path)
                self.assertIn(st, (400, 404), path)
                self.assertNotIn(b"root:", d if isinstance(d, bytes) else json.dumps(d).encode())
        self.assertTrue(self.session_by_id(self.sid)["active"])
        ks = {k["id"]: k for k in self.api("GET", "/api/v1/kiosks", token=self.admin)["kiosks"]}
        self.assertFalse(ks[self.kid]["revoked"])


if __name__ == "__main__":
    main()
