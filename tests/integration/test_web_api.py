#!/usr/bin/env python3
"""The staff pages' side of escale-admind (docs/web.md): static files, signing
in with a password, the session cookie, CSRF, lock-out, expiry, passwords and
roles, the desk's settings, and the statistics the charts draw."""

import os
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from escale_test import Admind, AdmindTestCase, escalectl_path, main  # noqa: E402

PASSWORD = "correct horse battery"


def web_root():
    """A stand-in page directory: the tests of the real page are in tests/web."""
    d = tempfile.mkdtemp(prefix="escale-web-")
    with open(os.path.join(d, "index.html"), "w", encoding="utf-8") as f:
        f.write("<!doctype html><title>escale</title><script src=app.js></script>\n")
    with open(os.path.join(d, "app.js"), "w", encoding="utf-8") as f:
        f.write("'use strict';\n")
    # Never served: a hidden file, a name outside the pattern, a link.
    with open(os.path.join(d, ".secret.js"), "w", encoding="utf-8") as f:
        f.write("secret\n")
    with open(os.path.join(d, "Notes.TXT"), "w", encoding="utf-8") as f:
        f.write("notes\n")
    os.symlink("/etc/passwd", os.path.join(d, "passwd.js"))
    return d


def cookie_of(headers):
    """The escale_session value of a Set-Cookie header, and its attributes."""
    sc = headers.get("set-cookie", "")
    parts = [p.strip() for p in sc.split(";")]
    name, _, value = parts[0].partition("=")
    attrs = {}
    for p in parts[1:]:
        k, _, v = p.partition("=")
        attrs[k.lower()] = v
    return (value if name == "escale_session" else None), attrs


class WebApi(AdmindTestCase):
    WEB = web_root()
    EXTRA_CONF = AdmindTestCase.EXTRA_CONF + (
        'web = { root = "%s"; login_max_failures = 3; lockout_seconds = 1;'
        ' lockout_max_seconds = 2; idle_minutes = 30; max_hours = 12; };\n'
        'desk = { centre = "Espace social du Tilleul";'
        ' presets = ( { minutes = 45; pages = 3; }, { minutes = 90; pages = 0; } );'
        ' services = [ "CAF", "ameli" ]; };\n' % WEB)

    # ---- helpers

    def user_with_password(self, role, password=PASSWORD):
        name = self.unique(role)
        d = self.api("POST", "/api/v1/users", {"name": name, "role": role, "password": password},
                     self.admin, expect=201)
        return name, d["id"], d["token"]

    def login(self, name, password=PASSWORD, expect=200):
        st, hdrs, data = self.req("POST", "/api/v1/login", {"name": name, "password": password})
        self.assertEqual(st, expect, data)
        if expect != 200:
            return data
        cookie, attrs = cookie_of(hdrs)
        self.assertTrue(cookie and cookie.startswith("esw_"), hdrs)
        return cookie, data["csrf"], attrs, data

    def web(self, method, path, cookie, csrf=None, body=None, headers=None):
        h = {"Cookie": "escale_session=" + cookie}
        if csrf:
            h["X-CSRF-Token"] = csrf
        h.update(headers or {})
        return self.req(method, path, body=body, headers=h)

    # ---- static files

    def test_pages_are_served_with_their_guards(self):
        st, hdrs, data = self.req("GET", "/")
        self.assertEqual(st, 200)
        self.assertIn(b"<title>escale</title>", data)
        self.assertTrue(hdrs["content-type"].startswith("text/html"), hdrs)
        csp = hdrs.get("content-security-policy", "")
        for part in ("default-src 'none'", "script-src 'self'", "frame-ancestors 'none'"):
            self.assertIn(part, csp)
        self.assertNotIn("unsafe-inline", csp)
        self.assertEqual(hdrs.get("x-frame-options"), "DENY")
        self.assertEqual(hdrs.get("x-content-type-options"), "nosniff")
        st, hdrs, data = self.req("GET", "/app.js")
        self.assertEqual((st, data), (200, b"'use strict';\n"))
        self.assertTrue(hdrs["content-type"].startswith("text/javascript"), hdrs)
        st, hdrs, data = self.req("HEAD", "/index.html")
        self.assertEqual(st, 200)

    def test_only_page_files_are_served(self):
        for path in ("/.secret.js", "/Notes.TXT", "/passwd.js", "/../escale.db", "/%2e%2e/x.js",
                     "/sub/app.js", "/app.js/", "/app.js.map", "/" + "a" * 70
                     + ".js", "/admind.conf", "/escale.db"):
            st, _, data = self.req("GET", path)
            self.assertEqual(st, 404, "%s -> %d %r" % (path, st, data))
        self.assertError(self.req("POST", "/index.html"), 404, "not_found")

    # ---- signing in

    def test_sign_in_sets_a_guarded_cookie(self):
        name, _, _ = self.user_with_password("secretariat")
        cookie, csrf, attrs, data = self.login(name)
        self.assertEqual((data["name"], data["role"]), (name, "secretariat"))
        self.assertEqual(len(csrf), 48)
        self.assertIn("httponly", attrs)
        self.assertEqual(attrs.get("samesite"), "Strict")
        self.assertEqual(attrs.get("path"), "/")
        self.assertNotIn("secure", attrs, "plain HTTP on loopback: no Secure flag")
        self.assertEqual(attrs.get("max-age"), str(12 * 3600))
        st, _, who = self.web("GET", "/api/v1/whoami", cookie)
        self.assertEqual(st, 200)
        self.assertEqual((who["name"], who["role"], who["csrf"]), (name, "secretariat", csrf))
        self.assertGreater(who["expires_at"], time.time() + 29 * 60)
        # The cookie is stored hashed, never in clear.
        con = self.server.db_connect()
        try:
            rows = con.execute("SELECT token_hash FROM web_sessions").fetchall()
        finally:
            con.close()
        self.assertTrue(rows)
        self.assertNotIn(cookie.encode(), b"".join(r[0] for r in rows))

    def test_wrong_names_and_passwords_get_one_answer(self):
        name, uid, _ = self.user_with_password("maintenance")
        nopw, _ = self.new_user("maintenance")
        for who, pw in ((name, "wrong password!"), ("nobody-" + name, PASSWORD),
                        (nopw, PASSWORD)):
            self.assertError(self.req("POST", "/api/v1/login", {"name": who, "password": pw}),
                             401, "bad_login")
        self.api("POST", "/api/v1/users/%d/disable" % uid, token=self.admin)
        self.assertError(self.req("POST", "/api/v1/login", {"name": name, "password": PASSWORD}),
                         401, "bad_login", "a disabled account")

    def test_bad_login_bodies(self):
        for body in ({"name": "x"}, {"password": "y"}, {"name": "x", "password": ""},
                     {"name": "x", "password": "y" * 257}, {"name": "x", "password": 5},
                     {"name": "x", "password": "y", "remember": True},
                     {"name": "a\u0000b", "password": "y"}):
            self.assertError(self.req("POST", "/api/v1/login", body), 400, "bad_request", body)
        self.assertError(self.req("POST", "/api/v1/login", raw=b"{"), 400, "bad_request")

    def test_growing_lock_out(self):
        name, _, _ = self.user_with_password("secretariat")
        for _ in range(2):
            self.login(name, "not the password", expect=401)
        d = self.login(name, "not the password", expect=429)
        self.assertEqual(d["error"], "rate_limited")
        self.assertEqual(d["retry_after"], 1)
        # The right password is refused during the lock-out, then works.
        self.assertEqual(self.login(name, expect=429)["error"], "rate_limited")
        time.sleep(1.1)
        self.login(name)
        # A success reset the count; the next lock-out is longer.
        for _ in range(2):
            self.login(name, "not the password", expect=401)
        self.assertEqual(self.login(name, "not the password", expect=429)["retry_after"], 1)
        time.sleep(1.1)
        for _ in range(2):
            self.login(name, "not the password", expect=401)
        self.assertEqual(self.login(name, "not the password", expect=429)["retry_after"], 2)
        # Another name is not locked out by these.
        other, _, _ = self.user_with_password("secretariat")
        self.login(other)

    # ---- the cookie as a credential

    def test_changes_need_the_csrf_token(self):
        name, _, _ = self.user_with_password("secretariat")
        cookie, csrf, _, _ = self.login(name)
        body = {"count": 1, "minutes": 30, "pages": 2}
        before = len(self.codes_list())
        self.assertError(self.web("POST", "/api/v1/codes", cookie, body=body), 403, "csrf")
        self.assertError(self.web("POST", "/api/v1/codes", cookie, csrf="0" * 48, body=body),
                         403, "csrf")
        self.assertError(self.web("POST", "/api/v1/codes", cookie, csrf=csrf[:-1], body=body),
                         403, "csrf")
        self.assertEqual(len(self.codes_list()), before, "a refused change changed nothing")
        st, _, d = self.web("POST", "/api/v1/codes", cookie, csrf=csrf, body=body)
        self.assertEqual(st, 201, d)
        self.assertEqual(len(self.codes_list()), before + 1)
        # Reading needs no token; another session's token does not fit.
        self.assertEqual(self.web("GET", "/api/v1/codes", cookie)[0], 200)
        cookie2, csrf2, _, _ = self.login(name)
        self.assertNotEqual(csrf, csrf2)
        self.assertError(self.web("POST", "/api/v1/codes", cookie, csrf=csrf2, body=body), 403,
                         "csrf")

    def test_roles_hold_for_web_sessions(self):
        name, _, _ = self.user_with_password("secretariat")
        cookie, csrf, _, _ = self.login(name)
        self.assertError(self.web("GET", "/api/v1/users", cookie), 403, "forbidden")
        self.assertError(self.web("GET", "/api/v1/usage", cookie), 403, "forbidden")
        self.assertError(self.web("POST", "/api/v1/users", cookie, csrf,
                                  {"name": "x", "role": "admin"}), 403, "forbidden")
        maint, _, _ = self.user_with_password("maintenance")
        mcookie, mcsrf, _, _ = self.login(maint)
        self.assertEqual(self.web("GET", "/api/v1/stats", mcookie)[0], 200)
        self.assertError(self.web("POST", "/api/v1/codes", mcookie, mcsrf, {"count": 1}), 403,
                         "forbidden")

    def test_kiosk_routes_ignore_the_cookie(self):
        name, _, _ = self.user_with_password("admin")
        cookie, csrf, _, _ = self.login(name)
        self.assertError(self.web("POST", "/api/v1/kiosk/heartbeat", cookie, csrf,
                                  {"state": "login"}), 401, "unauthorized")

    def test_hostile_cookies(self):
        for c in ("", "esw_", "esw_" + "A" * 200, "est_" + "A" * 43, "esw_../../x",
                  "esw_" + "\u00e9" * 10, "esw_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"):
            st, hdrs, d = self.req("GET", "/api/v1/whoami",
                                   headers={"Cookie": ("escale_session=" + c).encode()
                                            .decode("latin-1")})
            self.assertEqual(st, 401, (c, d))
        # A staff token in the cookie is not a web session.
        st, _, _ = self.req("GET", "/api/v1/whoami",
                            headers={"Cookie": "escale_session=" + self.admin})
        self.assertEqual(st, 401)

    def test_sign_out(self):
        name, _, _ = self.user_with_password("maintenance")
        cookie, csrf, _, _ = self.login(name)
        self.assertError(self.web("POST", "/api/v1/logout", cookie), 403, "csrf")
        st, hdrs, d = self.web("POST", "/api/v1/logout", cookie, csrf)
        self.assertEqual((st, d), (200, {"signed_out": True}))
        value, attrs = cookie_of(hdrs)
        self.assertEqual((value, attrs.get("max-age")), ("", "0"), "the cookie is cleared")
        self.assertError(self.web("GET", "/api/v1/whoami", cookie), 401, "unauthorized")
        # A Bearer token has no web session to end.
        self.assertError(self.req("POST", "/api/v1/logout", token=self.admin), 400,
                         "bad_request")

    def test_idle_and_old_sessions_end(self):
        name, _, _ = self.user_with_password("secretariat")
        cookie, _, _, _ = self.login(name)
        con = sqlite3.connect(self.server.db, timeout=10)
        try:
            def active_at():
                return con.execute("SELECT active_at FROM web_sessions WHERE user_id ="
                                   " (SELECT id FROM users WHERE name = ?)", (name,)).fetchone()[0]
            with con:
                con.execute("UPDATE web_sessions SET active_at = active_at - 600")
            then = active_at()
            # The page's own refreshes do not count as activity.
            st, _, _ = self.web("GET", "/api/v1/kiosks", cookie, headers={"X-Escale-Poll": "1"})
            self.assertEqual(st, 200)
            self.assertEqual(active_at(), then)
            self.assertEqual(self.web("GET", "/api/v1/kiosks", cookie)[0], 200)
            self.assertGreaterEqual(active_at(), then + 600)
            # Idle longer than idle_minutes: ended, even for a refresh.
            with con:
                con.execute("UPDATE web_sessions SET active_at = active_at - 31 * 60")
            st, hdrs, _ = self.web("GET", "/api/v1/kiosks", cookie, headers={"X-Escale-Poll": "1"})
            self.assertEqual(st, 401)
            self.assertEqual(cookie_of(hdrs)[1].get("max-age"), "0")
            self.assertEqual(self.web("GET", "/api/v1/kiosks", cookie)[0], 401, "stays ended")
            # Active but older than max_hours: ended too.
            cookie, _, _, _ = self.login(name)
            with con:
                con.execute("UPDATE web_sessions SET created_at = created_at - 12 * 3600 - 5"
                            " WHERE ended_at IS NULL")
            self.assertEqual(self.web("GET", "/api/v1/kiosks", cookie)[0], 401)
        finally:
            con.close()

    # ---- passwords and accounts

    def test_change_own_password(self):
        name, _, _ = self.user_with_password("secretariat")
        cookie, csrf, _, _ = self.login(name)
        other, _, _, _ = self.login(name)
        self.assertError(self.web("POST", "/api/v1/password", cookie, csrf,
                                  {"old": "not it at all", "new": "a new passphrase"}), 403,
                         "wrong_password")
        self.assertError(self.web("POST", "/api/v1/password", cookie, csrf,
                                  {"old": PASSWORD, "new": "short"}), 400, "bad_request")
        st, _, d = self.web("POST", "/api/v1/password", cookie, csrf,
                            {"old": PASSWORD, "new": "a new passphrase"})
        self.assertEqual((st, d), (200, {"changed": True}))
        self.assertEqual(self.web("GET", "/api/v1/whoami", cookie)[0], 200, "this page stays")
        self.assertEqual(self.web("GET", "/api/v1/whoami", other)[0], 401, "others end")
        self.login(name, expect=401)
        self.login(name, "a new passphrase")
        audit = self.api("GET", "/api/v1/audit?limit=20", token=self.admin)["audit"]
        self.assertIn(("user.password", name), [(a["action"], a["target"]) for a in audit])

    def test_admin_manages_accounts(self):
        name, uid, token = self.user_with_password("secretariat")
        users = {u["name"]: u for u in self.api("GET", "/api/v1/users", token=self.admin)["users"]}
        self.assertTrue(users[name]["has_password"])
        self.assertFalse(users["admin"]["has_password"])
        cookie, _, _, _ = self.login(name)
        d = self.api("POST", "/api/v1/users/%d/password" % uid, {"password": "reset by admin"},
                     self.admin)
        self.assertEqual(d, {"id": uid, "password_set": True})
        self.assertEqual(self.web("GET", "/api/v1/whoami", cookie)[0], 401)
        cookie, _, _, _ = self.login(name, "reset by admin")
        d = self.api("POST", "/api/v1/users/%d/role" % uid, {"role": "maintenance"}, self.admin)
        self.assertEqual(d, {"id": uid, "role": "maintenance"})
        self.assertEqual(self.web("GET", "/api/v1/whoami", cookie)[2]["role"], "maintenance")
        self.assertError(self.req("POST", "/api/v1/users/%d/role" % uid, {"role": "root"},
                                  token=self.admin), 400, "bad_request")
        self.api("POST", "/api/v1/users/%d/disable" % uid, token=self.admin)
        self.assertEqual(self.web("GET", "/api/v1/whoami", cookie)[0], 401)
        self.assertEqual(self.api("POST", "/api/v1/users/%d/enable" % uid, token=self.admin),
                         {"id": uid, "disabled": False})
        self.login(name, "reset by admin")
        self.assertError(self.req("GET", "/api/v1/whoami", token=token), 401, "unauthorized",
                         "the old token stays revoked")
        for path, body in (("/api/v1/users/999999/password", {"password": "0123456789"}),
                           ("/api/v1/users/999999/role", {"role": "admin"}),
                           ("/api/v1/users/999999/enable", None)):
            self.assertError(self.req("POST", path, body, token=self.admin), 404, "not_found")

    def test_the_last_admin_keeps_the_role(self):
        users = self.api("GET", "/api/v1/users", token=self.admin)["users"]
        for u in users:  # admins other tests made
            if u["role"] == "admin" and not u["disabled"] and u["name"] != "admin":
                self.api("POST", "/api/v1/users/%d/disable" % u["id"], token=self.admin)
        me = [u for u in users if u["name"] == "admin"][0]
        self.assertError(self.req("POST", "/api/v1/users/%d/role" % me["id"],
                                  {"role": "secretariat"}, token=self.admin), 409, "conflict")
        self.assertEqual(self.api("POST", "/api/v1/users/%d/role" % me["id"], {"role": "admin"},
                                  self.admin), {"id": me["id"], "role": "admin"})

    def test_escalectl_user_passwd(self):
        name, uid, _ = self.user_with_password("maintenance")
        ctl = escalectl_path()
        env = dict(os.environ, ESCALE_URL="http://127.0.0.1:%d" % self.server.port,
                   ESCALE_TOKEN=self.admin)
        r = subprocess.run([ctl, "user", "passwd", name], input=b"set by escalectl\n",
                           capture_output=True, env=env, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(b"password set", r.stdout)
        self.login(name, "set by escalectl")
        r = subprocess.run([ctl, "user", "passwd", name], input=b"short\n", capture_output=True,
                           env=env, timeout=30)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn(b"10 to 256", r.stderr)
        r = subprocess.run([ctl, "user", "passwd", name], input=b"", capture_output=True,
                           env=env, timeout=30)
        self.assertEqual(r.returncode, 2, r.stderr)

    # ---- the desk's settings and the charts' figures

    def test_desk_settings(self):
        name, _, _ = self.user_with_password("secretariat")
        cookie, _, _, _ = self.login(name)
        st, _, d = self.web("GET", "/api/v1/desk", cookie)
        self.assertEqual(st, 200)
        self.assertEqual(d["centre"], "Espace social du Tilleul")
        self.assertEqual(d["presets"], [{"minutes": 45, "pages": 3}, {"minutes": 90, "pages": 0}])
        self.assertEqual(d["services"], ["CAF", "ameli"])
        self.assertTrue(d["rules"] and all(isinstance(x, str) and x for x in d["rules"]))
        self.assertEqual((d["default_minutes"], d["default_pages"]), (60, 10))
        self.assertIs(d["printing"], False)

    def test_stats_for_the_charts(self):
        kid, ktok = self.new_kiosk(site=self.unique("site"))
        for used in (40 * 60, 3 * 3600):
            sid = self.open_ok(ktok, self.new_code(minutes=300)["code"])["session"]
            self.end_session(ktok, sid, seconds_used=used)
        d = self.api("GET", "/api/v1/stats", token=self.admin)
        self.assertEqual(len(d["per_hour"]), 24)
        self.assertEqual(sum(d["per_hour"]), d["median_sessions"])
        self.assertEqual(sum(b["sessions"] for b in d["durations"]), d["median_sessions"])
        bands = {b["label"]: b["sessions"] for b in d["durations"]}
        self.assertEqual(list(bands), ["< 15 min", "15–30 min", "30–60 min", "1–2 h", "> 2 h"])
        self.assertGreaterEqual(bands["30–60 min"], 1)
        self.assertGreaterEqual(bands["> 2 h"], 1)
        hour = time.localtime().tm_hour
        self.assertGreaterEqual(d["per_hour"][hour], 2)
        sites = {s["site"]: s for s in d["per_site"]}
        kiosk_site = [k for k in self.api("GET", "/api/v1/kiosks", token=self.admin)["kiosks"]
                      if k["id"] == kid][0]["site"]
        self.assertEqual(sites[kiosk_site]["sessions"], 2)
        self.assertEqual(sites[kiosk_site]["minutes"], 40 + 180)
        self.assertEqual(sum(s["sessions"] for s in d["per_site"]), d["sessions"])


class WebAddressLockOut(AdmindTestCase):
    """One password tried on many names from one address."""
    EXTRA_CONF = AdmindTestCase.EXTRA_CONF + (
        'web = { root = ""; login_max_failures = 100; address_max_failures = 4;'
        ' lockout_seconds = 1; lockout_max_seconds = 2; };\n')

    def test_many_names_from_one_address(self):
        name = self.unique("accueil")
        self.api("POST", "/api/v1/users", {"name": name, "role": "secretariat",
                                           "password": PASSWORD}, self.admin, expect=201)
        for i in range(3):
            self.assertError(self.req("POST", "/api/v1/login",
                                      {"name": "guess-%d" % i, "password": "123456"}),
                             401, "bad_login")
        st, _, d = self.req("POST", "/api/v1/login", {"name": "guess-3", "password": "123456"})
        self.assertEqual((st, d["error"], d["retry_after"]), (429, "rate_limited", 1), d)
        st, _, d = self.req("POST", "/api/v1/login", {"name": name, "password": PASSWORD})
        self.assertEqual(st, 429, "the address is locked out for every name")
        time.sleep(1.1)
        st, _, d = self.req("POST", "/api/v1/login", {"name": name, "password": PASSWORD})
        self.assertEqual(st, 200, d)
        # The success reset the address's count.
        for i in range(3):
            self.assertError(self.req("POST", "/api/v1/login",
                                      {"name": "guess-%d" % i, "password": "123456"}),
                             401, "bad_login")


class WebOff(unittest.TestCase):
    def test_no_root_no_pages(self):
        server = Admind(extra_conf='web = { root = ""; };\n')
        try:
            server.bootstrap_admin()
            server.start()
            st, _, d = server.request("GET", "/")
            self.assertEqual(st, 404, d)
            self.assertEqual(server.request("GET", "/healthz")[0], 200)
        finally:
            server.stop()
            server.cleanup()

    def test_missing_root_is_logged_not_fatal(self):
        server = Admind(extra_conf='web = { root = "@TMP@/nowhere"; };\n')
        try:
            server.bootstrap_admin()
            server.start()
            self.assertEqual(server.request("GET", "/")[0], 404)
            self.assertIn("the staff pages are off", server.output())
        finally:
            server.stop()
            server.cleanup()

    def test_password_set_with_db(self):
        server = Admind(extra_conf='web = { root = ""; };\n')
        try:
            server.bootstrap_admin("root-admin")
            ctl = escalectl_path()
            r = subprocess.run([ctl, "--db", server.db, "user", "passwd", "root-admin"],
                               input=b"first admin pass\n", capture_output=True, timeout=30)
            self.assertEqual(r.returncode, 0, r.stderr)
            r = subprocess.run([ctl, "--db", server.db, "user", "passwd", "nobody"],
                               input=b"first admin pass\n", capture_output=True, timeout=30)
            self.assertEqual(r.returncode, 1, r.stderr)
            server.start()
            st, hdrs, d = server.request("POST", "/api/v1/login",
                                         {"name": "root-admin", "password": "first admin pass"})
            self.assertEqual((st, d["role"]), (200, "admin"), d)
        finally:
            server.stop()
            server.cleanup()


if __name__ == "__main__":
    main()
