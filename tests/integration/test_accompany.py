"""Accompanied sessions in escale-admind: the mediator role, its one-time codes
(POST /api/v1/accompany), the kiosk's sign-in with name and password (POST
/api/v1/kiosk/accompany), sites, the rate limit, the audit log and the statistics."""

import json
import sqlite3
import unittest

from escale_test import Admind, AdmindTestCase, http_request, main

PASSWORD = "mediator password 1"


class Accompany(AdmindTestCase):

    # The kiosk's pause after 3 wrong tries (login.max_failures) lasts 1 s, so that one
    # test's refusals do not leak into the next.
    EXTRA_CONF = AdmindTestCase.EXTRA_CONF + 'web = { root = ""; };\n'

    def mediator(self, sites=None, role="mediator"):
        name = self.unique(role)
        body = {"name": name, "role": role, "password": PASSWORD}
        if sites is not None:
            body["sites"] = sites
        d = self.api("POST", "/api/v1/users", body, self.admin, expect=201)
        self.assertEqual(d["role"], role)
        return name, d["id"], d["token"]

    def accompany_code(self, token, body=None, expect=201):
        return self.api("POST", "/api/v1/accompany", body, token, expect=expect)

    def audit(self, action):
        rows = self.api("GET", "/api/v1/audit?limit=1000", token=self.admin)["audit"]
        return [a for a in rows if a["action"] == action]

    def sign_in(self, ktoken, name, password=PASSWORD):
        return self.req("POST", "/api/v1/kiosk/accompany", {"name": name, "password": password},
                        ktoken)

    def test_mediator_sees_nothing_of_the_residents(self):
        name, _, tok = self.mediator()
        self.assertEqual(self.api("GET", "/api/v1/whoami", token=tok),
                         {"name": name, "role": "mediator", "sites": None})
        self.api("GET", "/api/v1/desk", token=tok)
        kid, _ = self.new_kiosk()
        for method, path, body in [
                ("GET", "/api/v1/codes", None), ("POST", "/api/v1/codes", {"count": 1}),
                ("GET", "/api/v1/sessions", None), ("GET", "/api/v1/kiosks", None),
                ("GET", "/api/v1/usage", None), ("GET", "/api/v1/stats", None),
                ("GET", "/api/v1/audit", None), ("GET", "/api/v1/users", None),
                ("GET", "/api/v1/jobs", None), ("GET", "/api/v1/services", None),
                ("GET", "/api/v1/sites", None),
                ("POST", "/api/v1/kiosks/%s/commands" % kid, {"type": "message", "text": "x"})]:
            self.assertError(self.req(method, path, body, tok), 403, "forbidden",
                             "mediator %s %s" % (method, path))
        # And only a mediator issues accompany codes.
        _, sec = self.new_user("secretariat")
        for other in (sec, self.admin):
            self.assertError(self.req("POST", "/api/v1/accompany", None, other), 403, "forbidden")

    def test_code_opens_one_accompanied_session(self):
        name, uid, tok = self.mediator()
        _, ktok = self.new_kiosk()
        before_codes = self.codes_list()
        d = self.accompany_code(tok)
        self.assertIsNone(d["site"])
        self.assertEqual(d["pages"], 20)
        self.assertInt(d["valid_until"])
        # Not the desk's to see, nor in any kiosk's offline cache.
        self.assertEqual(self.codes_list(), before_codes)
        cache = self.api("GET", "/api/v1/kiosk/codes?since=0", token=ktok)
        self.assertEqual([c for c in cache["codes"] if c["seconds_left"] > 1440 * 60], [])
        s = self.open_ok(ktok, d["code"])
        self.assertEqual(s["accompanied_by"], name)
        self.assertGreaterEqual(s["seconds_left"], 24 * 3600 - 5)
        self.assertEqual(s["pages_left"], 20)
        started = [a for a in self.audit("session.accompany") if a["target"] == s["session"]]
        self.assertEqual(len(started), 1, started)
        self.assertEqual(started[0]["user"], name)
        self.assertEqual(started[0]["detail"]["site"], "")
        # The desk sees that it is accompanied, not by whom.
        row = self.session_by_id(s["session"])
        self.assertTrue(row["accompanied"], row)
        self.assertNotIn(name, json.dumps(row))
        # One session only, even after it ended.
        self.end_session(ktok, s["session"], seconds_used=30)
        self.assertError(self.open_session(ktok, d["code"]), 403, "code_used_up")
        ended = [a for a in self.audit("session.accompany_end") if a["target"] == s["session"]]
        self.assertEqual(len(ended), 1, ended)
        self.assertEqual(ended[0]["user"], name)
        self.assertEqual(ended[0]["detail"]["reason"], "user")
        issued = [a for a in self.audit("accompany.code") if a["user"] == name]
        self.assertEqual(len(issued), 1)
        # A resident's session says null.
        c = self.new_code()
        r = self.open_ok(ktok, c["code"])
        self.assertIsNone(r["accompanied_by"])
        self.assertFalse(self.session_by_id(r["session"])["accompanied"])
        self.end_session(ktok, r["session"])

    def test_stats_count_without_names(self):
        name, _, tok = self.mediator()
        _, ktok = self.new_kiosk()
        before = self.api("GET", "/api/v1/stats", token=self.admin)["accompanied_sessions"]
        s = self.open_ok(ktok, self.accompany_code(tok)["code"])
        self.end_session(ktok, s["session"], seconds_used=5)
        stats = self.api("GET", "/api/v1/stats", token=self.admin)
        self.assertEqual(stats["accompanied_sessions"], before + 1)
        self.assertNotIn(name, json.dumps(stats))
        # Per day too; a resident's session does not count.
        c = self.new_code()
        r = self.open_ok(ktok, c["code"])
        self.end_session(ktok, r["session"], seconds_used=5)
        stats = self.api("GET", "/api/v1/stats", token=self.admin)
        self.assertEqual(stats["accompanied_sessions"], before + 1)
        days = stats["per_day"]
        self.assertTrue(days and all("accompanied_sessions" in d for d in days), days)
        self.assertEqual(sum(d["accompanied_sessions"] for d in days), before + 1)

    def test_replaced_session_end_is_audited(self):
        name, _, tok = self.mediator()
        _, ktok = self.new_kiosk()
        s = self.open_ok(ktok, self.accompany_code(tok)["code"])
        # A new sign-in on the same kiosk ends it (replaced): its end is in the log.
        r = self.open_ok(ktok, self.new_code()["code"])
        ended = [a for a in self.audit("session.accompany_end") if a["target"] == s["session"]]
        self.assertEqual(len(ended), 1, ended)
        self.assertEqual((ended[0]["user"], ended[0]["detail"]["reason"]), (name, "replaced"))
        self.end_session(ktok, r["session"])

    def test_disabled_mediator_code_refused(self):
        _, uid, tok = self.mediator()
        _, ktok = self.new_kiosk()
        code = self.accompany_code(tok)["code"]
        self.api("POST", "/api/v1/users/%d/disable" % uid, None, self.admin)
        self.assertError(self.open_session(ktok, code), 403, "code_revoked")

    def test_sites(self):
        site_a, site_b = self.unique("A"), self.unique("B")
        _, _, tok = self.mediator(sites=[site_a])
        _, ka = self.new_kiosk(site=site_a)
        _, kb = self.new_kiosk(site=site_b)
        d = self.accompany_code(tok)
        self.assertEqual(d["site"], site_a)
        self.assertError(self.req("POST", "/api/v1/accompany", {"site": site_b}, tok), 403,
                         "forbidden")
        # Another site's kiosk does not know the code.
        self.assertError(self.open_session(kb, d["code"]), 403, "code_unknown")
        self.assertEqual(self.open_ok(ka, d["code"])["accompanied_by"] is not None, True)
        # A mediator of two sites names one.
        _, _, tok2 = self.mediator(sites=[site_a, site_b])
        self.assertError(self.req("POST", "/api/v1/accompany", None, tok2), 403, "forbidden")
        self.assertEqual(self.accompany_code(tok2, {"site": site_b})["site"], site_b)
        for bad in ({"site": ""}, {"site": 3}, {"other": 1}, {"site": "x" * 65}):
            self.assertError(self.req("POST", "/api/v1/accompany", bad, tok2), 400,
                             "bad_request", repr(bad))

    def test_password_sign_in(self):
        site = self.unique("S")
        name, _, _ = self.mediator(sites=[site])
        _, ktok = self.new_kiosk(site=site)
        st, _, d = self.sign_in(ktok, name)
        self.assertEqual(st, 201, d)
        self.assertEqual(d["accompanied_by"], name)
        self.assertEqual(len(d["session"]), 32)
        started = [a for a in self.audit("session.accompany") if a["target"] == d["session"]]
        self.assertEqual(len(started), 1)
        self.assertEqual(started[0]["user"], name)
        self.assertEqual(started[0]["detail"]["site"], site)
        # The session is the kiosk's: heartbeats and its end work as a resident's.
        hb = self.heartbeat(ktok, state="session", session=d["session"], seconds_used=10)
        self.assertTrue(hb["session"]["active"])
        self.end_session(ktok, d["session"], reason="closing", seconds_used=10)
        self.assertEqual(len([a for a in self.audit("session.accompany_end")
                              if a["target"] == d["session"]]), 1)

    def test_password_refusals(self):
        site = self.unique("S")
        name, _, _ = self.mediator(sites=[site])
        sec_name, _, _ = self.mediator(role="secretariat")
        _, k_here = self.new_kiosk(site=site)
        _, k_other = self.new_kiosk(site=self.unique("T"))
        before = len(self.audit("session.accompany"))
        self.assertError(self.sign_in(k_here, name, "wrong password!"), 403, "bad_login")
        self.assertError(self.sign_in(k_here, "nobody-" + name), 403, "bad_login")
        self.assertError(self.sign_in(k_other, name), 403, "wrong_site")
        self.assertError(self.sign_in(k_other, sec_name), 403, "not_mediator")
        for bad in ({"name": name}, {"name": name, "password": ""},
                    {"name": name, "password": PASSWORD, "code": "1"}):
            self.assertError(self.req("POST", "/api/v1/kiosk/accompany", bad, k_here), 400,
                             "bad_request", repr(bad))
        # A staff token is not a kiosk's.
        self.assertError(self.req("POST", "/api/v1/kiosk/accompany",
                                  {"name": name, "password": PASSWORD}, self.admin), 403,
                         "forbidden")
        self.assertEqual(len(self.audit("session.accompany")), before)

    def test_rate_limit(self):
        name, _, _ = self.mediator()
        _, ktok = self.new_kiosk()
        # login.max_failures = 3: the third wrong try pauses the kiosk, the right password too.
        for i in range(2):
            self.assertError(self.sign_in(ktok, "nobody-%d" % i), 403, "bad_login")
        st, _, d = self.sign_in(ktok, "nobody-2")
        self.assertEqual(st, 403, d)
        st, hdrs, d = self.sign_in(ktok, name)
        self.assertEqual(st, 429, d)
        self.assertEqual(d["error"], "rate_limited")
        self.assertGreaterEqual(d["retry_after"], 1)
        # Wrong codes on the keypad count toward the same pause.
        self.assertError(self.open_session(ktok, "00000000"), 429, "rate_limited")


# The users table of schema 8, before the role mediator.
USERS_8 = ("CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
           " role TEXT NOT NULL CHECK (role IN ('admin', 'secretariat', 'maintenance')),"
           " password_hash TEXT, created_at INTEGER NOT NULL,"
           " disabled INTEGER NOT NULL DEFAULT 0)")


class Upgrade(unittest.TestCase):
    """A database of schema 8 (before accompanied sessions) migrates keeping its accounts:
    the users table is rebuilt for the new role without losing a token, a site, a web
    session or who issued a code."""

    def test_schema_8_upgrades_in_place(self):
        srv = Admind()
        try:
            admin = srv.bootstrap_admin()
            srv.start()
            req = lambda m, p, b=None, t=admin: http_request(srv.port, m, p, b, t)
            st, _, sec = req("POST", "/api/v1/users", {"name": "desk", "role": "secretariat",
                                                       "password": PASSWORD,
                                                       "sites": ["Nord"]})
            self.assertEqual(st, 201, sec)
            st, _, d = req("POST", "/api/v1/codes", {"count": 1, "site": "Nord"},
                           sec["token"])
            self.assertEqual(st, 201, d)
            srv.stop()
            # Back to schema 8: its users table, no accompany column, none of the later
            # migrations' columns.
            db = sqlite3.connect(srv.db)
            latest = db.execute("PRAGMA user_version").fetchone()[0]
            db.executescript(
                "BEGIN;" + USERS_8.replace("TABLE users", "TABLE users_old") + ";"
                "INSERT INTO users_old SELECT id, name, role, password_hash, created_at,"
                " disabled FROM users; DROP TABLE users;"
                " ALTER TABLE users_old RENAME TO users;"
                " ALTER TABLE codes DROP COLUMN accompany;"
                " ALTER TABLE daily_stats DROP COLUMN accompanied_sessions;"
                " ALTER TABLE services DROP COLUMN accompanied;"
                " ALTER TABLE daily_stats DROP COLUMN pages_scanned;"
                " ALTER TABLE daily_stats DROP COLUMN files_copied;"
                " DROP TABLE printers; DROP TABLE help_site;"
                " PRAGMA user_version = 8; COMMIT;")
            counts = {t: db.execute("SELECT count(*) FROM %s" % t).fetchone()[0]
                      for t in ("users", "api_tokens", "user_sites", "codes")}
            db.close()
            srv.start()
            db = sqlite3.connect(srv.db)
            self.assertEqual(db.execute("PRAGMA user_version").fetchone()[0], latest)
            self.assertEqual({t: db.execute("SELECT count(*) FROM %s" % t).fetchone()[0]
                              for t in counts}, counts)
            self.assertEqual(db.execute("PRAGMA foreign_key_check").fetchall(), [])
            self.assertIsNotNone(db.execute("SELECT created_by FROM codes").fetchone()[0])
            db.close()
            # The old tokens and sites work; the new role can be given.
            st, _, me = req("GET", "/api/v1/whoami", t=sec["token"])
            self.assertEqual((st, me["role"], me["sites"]), (200, "secretariat", ["Nord"]))
            st, _, d = req("POST", "/api/v1/users", {"name": "med", "role": "mediator"})
            self.assertEqual(st, 201, d)
            srv.stop()
        finally:
            srv.cleanup()


if __name__ == "__main__":
    main()
