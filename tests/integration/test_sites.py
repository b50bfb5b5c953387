#!/usr/bin/env python3
"""Sites and their central settings (docs/API.md, "Sites"), against the real
escale-admind: the list, percent-encoded names in URLs, GET/PUT of settings with
hostile bodies and every role, version bumps, the audit line, and what kiosks get
(heartbeat, code cache, GET /api/v1/kiosk/settings, the Postes view's versions)."""

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from escale_test import AdmindTestCase, escalectl_path, main  # noqa: E402

HOURS = {"monday": ["09:00-12:00", "14:00-18:00"], "tuesday": ["9h00-12h30"],
         "closed": ["2026-12-25"],
         "special": [{"date": "2026-12-24", "hours": ["09:00-12:00"]}]}
FULL = {
    "hours": HOURS,
    "desk.centre": "ESC Nord, 1 rue des Lilas",
    "desk.presets": [{"minutes": 30, "pages": 5}, {"minutes": 90, "pages": 0}],
    "desk.rules": ["Une session à la fois.", "Déconnectez-vous en partant."],
    "session.warn_minutes": [2, 10, 5],
    "session.closing_warn_minutes": [15],
    "session.idle_seconds": 600,
    "session.idle_grace_seconds": 30,
    "language": "en",
    "centre_name": "Espace Nord",
}


def site_path(site):
    return "/api/v1/sites/%s/settings" % urllib.parse.quote(site, safe="")


class Sites(AdmindTestCase):

    def test_list_names_the_sites_of_kiosks_and_settings(self):
        a = self.unique("ESC Nord")
        self.new_kiosk(site=a)
        self.new_kiosk(site=a)
        self.new_kiosk(site="")
        b = self.unique("Salle/annexe")
        self.api("PUT", site_path(b), {"language": "fr"}, self.admin)
        sites = {s["name"]: s for s in self.api("GET", "/api/v1/sites", token=self.admin)["sites"]}
        self.assertEqual(sites[a], {"name": a, "kiosks": 2, "settings_version": 0})
        self.assertEqual(sites[b], {"name": b, "kiosks": 0, "settings_version": 1})
        self.assertNotIn("", sites)
        for role in ("secretariat", "maintenance"):
            _, tok = self.new_user(role)
            self.api("GET", "/api/v1/sites", token=tok)
        self.assertError(self.req("GET", "/api/v1/sites?x=1", token=self.admin), 400,
                         "bad_request")
        self.assertEqual(self.req("GET", "/api/v1/sites")[0], 401)

    def test_put_get_round_trip_and_versions(self):
        site = self.unique("ESC Sud é%")
        path = site_path(site)
        d = self.api("GET", path, token=self.admin)
        self.assertEqual(d, {"site": site, "version": 0, "settings": {}})
        d = self.api("PUT", path, FULL, self.admin)
        self.assertEqual(d["site"], site)
        self.assertEqual(d["version"], 1)
        s = d["settings"]
        # Written back in one form: warnings largest first, ranges HH:MM-HH:MM.
        self.assertEqual(s["session.warn_minutes"], [10, 5, 2])
        self.assertEqual(s["hours"]["tuesday"], ["09:00-12:30"])
        self.assertEqual(s["hours"]["closed"], ["2026-12-25"])
        self.assertEqual(s["hours"]["special"], [{"date": "2026-12-24", "hours": ["09:00-12:00"]}])
        self.assertEqual(s["desk.presets"], FULL["desk.presets"])
        self.assertEqual(s["desk.rules"], FULL["desk.rules"])
        self.assertEqual(s["centre_name"], "Espace Nord")
        self.assertEqual(self.api("GET", path, token=self.admin), d)
        # Each PUT bumps the version, even to the same values; a key absent is unset.
        d2 = self.api("PUT", path, {"session.idle_seconds": 120}, self.admin)
        self.assertEqual(d2["version"], 2)
        self.assertEqual(d2["settings"], {"session.idle_seconds": 120})
        d3 = self.api("PUT", path, {}, self.admin)
        self.assertEqual((d3["version"], d3["settings"]), (3, {}))
        audit = self.api("GET", "/api/v1/audit?limit=10000", token=self.admin)["audit"]
        lines = [a for a in audit if a["action"] == "site.settings" and a["target"] == site]
        self.assertEqual(sorted(a["detail"]["version"] for a in lines), [1, 2, 3])
        self.assertTrue(all(a["detail"]["site"] == site for a in lines))

    def test_roles(self):
        site = self.unique("roles")
        path = site_path(site)
        _, sec = self.new_user("secretariat")
        _, maint = self.new_user("maintenance")
        self.assertError(self.req("PUT", path, {"language": "fr"}, sec), 403, "forbidden")
        self.api("GET", path, token=sec)
        self.assertEqual(self.api("PUT", path, {"language": "fr"}, maint)["version"], 1)
        self.assertEqual(self.req("PUT", path, {"language": "fr"})[0], 401)
        _, ktok = self.new_kiosk(site=site)
        self.assertEqual(self.req("PUT", path, {"language": "fr"}, ktok)[0], 403)

    def test_hostile_bodies(self):
        path = site_path(self.unique("hostile"))
        bad = [
            {"unknown": 1},
            {"session.idle_seconds": 9},
            {"session.idle_seconds": 7201},
            {"session.idle_seconds": "600"},
            {"session.idle_seconds": 600.0},
            {"session.idle_grace_seconds": 4},
            {"session.warn_minutes": [0]},
            {"session.warn_minutes": [5, 5]},
            {"session.warn_minutes": list(range(1, 10))},
            {"session.closing_warn_minutes": 5},
            {"language": "de"},
            {"language": ""},
            {"centre_name": ""},
            {"centre_name": "x" * 81},
            {"desk.centre": "x" * 201},
            {"desk.presets": [{"minutes": 0, "pages": 1}]},
            {"desk.presets": [{"minutes": 10, "pages": 1001}]},
            {"desk.presets": [{"minutes": 10}]},
            {"desk.presets": [{"minutes": 10, "pages": 1, "x": 1}]},
            {"desk.presets": [{"minutes": 10, "pages": 1}] * 9},
            {"desk.rules": [""]},
            {"desk.rules": ["x" * 301]},
            {"desk.rules": ["ok"] * 33},
            {"desk.rules": "one"},
            {"hours": []},
            {"hours": {}},
            {"hours": {"monday": []}},
            {"hours": {"funday": ["09:00-10:00"]}},
            {"hours": {"monday": ["09:00-08:00"]}},
            {"hours": {"monday": ["25:00-26:00"]}},
            {"hours": {"monday": ["09:00-12:00", "11:00-13:00"]}},
            {"hours": {"monday": ["09:00-10:00"] + ["%02d:00-%02d:30" % (h, h) for h in range(10, 18)]}},
            {"hours": {"monday": ["09:00-12:00"], "closed": ["2026-02-30"]}},
            {"hours": {"monday": ["09:00-12:00"], "closed": ["2026-12-25", "2026-12-25"]}},
            {"hours": {"monday": ["09:00-12:00"], "closed": ["2026-12-25"],
                       "special": [{"date": "2026-12-25", "hours": ["09:00-10:00"]}]}},
            {"hours": {"monday": ["09:00-12:00"], "special": [{"date": "2026-12-24"}]}},
            {"hours": {"monday": ["09:00-12:00"],
                       "special": [{"date": "2026-12-24", "hours": []}]}},
            {"hours": {"monday": ["09:00-12:00"],
                       "closed": ["2027-%02d-%02d" % (1 + i // 28, 1 + i % 28) for i in range(129)]}},
            [],
            "x",
            None,
        ]
        for body in bad:
            self.assertError(self.req("PUT", path, raw=json.dumps(body).encode(), token=self.admin),
                             400, "bad_request", json.dumps(body)[:80])
        for raw in (b"{", b'{"language": "fr", "language": "en"}', b"\xff\xfe", b'{"a\x00": 1}'):
            self.assertError(self.req("PUT", path, raw=raw, token=self.admin), 400, "bad_request",
                             repr(raw))
        # A NUL inside a text is refused, not cut short.
        self.assertError(self.req("PUT", path, raw=b'{"centre_name": "a\\u0000b"}',
                                  token=self.admin), 400, "bad_request")
        # Nothing was stored.
        d = self.api("GET", path, token=self.admin)
        self.assertEqual((d["version"], d["settings"]), (0, {}))

    def test_names_in_urls(self):
        # Percent-encoded names are decoded; a '/' in a name (%2F) is one name.
        for site in ("ESC Nord", "a/b", "Café %20", "x" * 64, "é" * 64):
            d = self.api("PUT", site_path(site), {"language": "fr"}, self.admin)
            self.assertEqual(d["site"], site)
            self.assertEqual(self.api("GET", site_path(site), token=self.admin)["site"], site)
        # Too long, empty, control characters, broken UTF-8: no such endpoint.
        for raw in ("x" * 65, "", "%0A", "a%09b", "%FF", "%C3"):
            st = self.req("GET", "/api/v1/sites/%s/settings" % raw, token=self.admin)[0]
            self.assertEqual(st, 404, raw)
        st = self.req("GET", site_path("é" * 65), token=self.admin)[0]
        self.assertEqual(st, 404)

    def test_kiosks_get_their_site_settings(self):
        site = self.unique("kiosk site")
        kid, ktok = self.new_kiosk(site=site)
        _, other = self.new_kiosk(site=self.unique("other"))
        _, nosite = self.new_kiosk(site="")
        hb = self.heartbeat(ktok)
        self.assertEqual(hb["settings_version"], 0)
        self.assertEqual(self.api("GET", "/api/v1/kiosk/settings", token=ktok),
                         {"version": 0, "settings": {}})
        self.api("PUT", site_path(site), FULL, self.admin)
        hb = self.heartbeat(ktok)
        self.assertEqual(hb["settings_version"], 1)
        self.assertEqual(self.api("GET", "/api/v1/kiosk/codes", token=ktok)["settings_version"], 1)
        d = self.api("GET", "/api/v1/kiosk/settings", token=ktok)
        self.assertEqual(d["version"], 1)
        self.assertEqual(d["settings"]["centre_name"], "Espace Nord")
        # Another site's kiosk, or one of no site, gets nothing of it.
        self.assertEqual(self.heartbeat(other)["settings_version"], 0)
        self.assertEqual(self.api("GET", "/api/v1/kiosk/settings", token=other)["settings"], {})
        self.assertEqual(self.api("GET", "/api/v1/kiosk/settings", token=nosite),
                         {"version": 0, "settings": {}})
        self.assertEqual(self.req("GET", "/api/v1/kiosk/settings", token=self.admin)[0], 403)
        self.assertError(self.req("GET", "/api/v1/kiosk/settings?v=1", token=ktok), 400,
                         "bad_request")

        def row():
            rows = self.api("GET", "/api/v1/kiosks", token=self.admin)["kiosks"]
            return [k for k in rows if k["id"] == kid][0]
        r = row()
        self.assertIsNone(r["settings_version"])
        self.assertEqual(r["site_settings_version"], 1)
        self.heartbeat(ktok, settings_version=1)
        self.assertEqual(row()["settings_version"], 1)
        self.api("PUT", site_path(site), {"language": "fr"}, self.admin)
        self.heartbeat(ktok)  # says nothing of its settings: the last report stays
        r = row()
        self.assertEqual((r["settings_version"], r["site_settings_version"]), (1, 2))
        for v in (-1, "1", 1.5):
            self.heartbeat(ktok, settings_version=v, expect=400)


class ScopedStaff(AdmindTestCase):
    """A secretariat account of site A sees and acts on site A only: every other site's
    kiosk, session, code is unknown to it (404 not_found, as an id that does not exist)."""

    def setUp(self):
        self.a = self.unique("Site A")
        self.b = self.unique("Site B")
        self.ka, self.ta = self.new_kiosk(site=self.a)
        self.kb, self.tb = self.new_kiosk(site=self.b)
        name = self.unique("sec-a")
        d = self.api("POST", "/api/v1/users", {"name": name, "role": "secretariat",
                                               "sites": [self.a]}, self.admin, expect=201)
        self.assertEqual(d["sites"], [self.a])
        self.uid, self.sec = d["id"], d["token"]

    def test_user_sites_api(self):
        users = {u["name"]: u for u in self.api("GET", "/api/v1/users", token=self.admin)["users"]}
        self.assertIsNone(users["admin"]["sites"])
        self.assertEqual(self.api("GET", "/api/v1/whoami", token=self.sec)["sites"], [self.a])
        self.assertIsNone(self.api("GET", "/api/v1/whoami", token=self.admin)["sites"])
        for bad in ([], [""], ["x" * 65], [self.a, self.a], "A", [1], ["s%d" % i for i in range(17)],
                    ["a\nb"]):
            self.assertError(self.req("POST", "/api/v1/users",
                                      {"name": self.unique("u"), "role": "secretariat",
                                       "sites": bad}, self.admin), 400, "bad_request", repr(bad))
            self.assertError(self.req("POST", "/api/v1/users/%d/sites" % self.uid,
                                      {"sites": bad}, self.admin), 400, "bad_request", repr(bad))
        d = self.api("POST", "/api/v1/users/%d/sites" % self.uid, {"sites": [self.a, self.b]},
                     self.admin)
        self.assertEqual(sorted(d["sites"]), sorted([self.a, self.b]))
        self.assertEqual(len(self.api("GET", "/api/v1/kiosks", token=self.sec)["kiosks"]), 2)
        self.api("POST", "/api/v1/users/%d/sites" % self.uid, {"sites": None}, self.admin)
        self.assertIsNone(self.api("GET", "/api/v1/whoami", token=self.sec)["sites"])
        self.assertError(self.req("POST", "/api/v1/users/999999/sites", {"sites": None},
                                  self.admin), 404, "not_found")
        self.assertError(self.req("POST", "/api/v1/users/%d/sites" % self.uid, {"sites": None},
                                  self.sec), 403, "forbidden")
        audit = self.api("GET", "/api/v1/audit?limit=10000", token=self.admin)["audit"]
        self.assertTrue(any(a["action"] == "user.sites" and a["detail"] == {"sites": "*"}
                            for a in audit))

    def test_lists_limited_before_their_limit(self):
        """The sessions list keeps the 1000 newest: limited to the account's sites before
        that, not after, so site A still sees its session under 1000 newer ones of B."""
        sa = self.open_ok(self.ta, self.new_code(token=self.sec)["code"])["session"]
        sb = self.open_ok(self.tb, self.new_code(site=self.b)["code"])["session"]
        db = sqlite3.connect(self.server.db, timeout=10)
        try:
            cols = [c[1] for c in db.execute("PRAGMA table_info(sessions)")]
            other = ", ".join("?" if c in ("id", "started_at") else c for c in cols)
            started = db.execute("SELECT started_at FROM sessions WHERE id = ?",
                                 (sb,)).fetchone()[0]
            for i in range(1000):
                db.execute("INSERT INTO sessions(%s) SELECT %s FROM sessions WHERE id = ?"
                           % (", ".join(cols), other),
                           [("%032x" % (i + 1)) if c == "id" else started + 10 + i
                            for c in cols if c in ("id", "started_at")] + [sb])
            db.commit()
        finally:
            db.close()
        try:
            sessions = self.api("GET", "/api/v1/sessions", token=self.sec)["sessions"]
            self.assertEqual([s["id"] for s in sessions], [sa])
        finally:
            # The class's admind is shared: the other tests' lists as they were.
            db = sqlite3.connect(self.server.db, timeout=10)
            db.execute("DELETE FROM sessions WHERE id GLOB '00000000000000000000*'")
            db.commit()
            db.close()

    def test_lists_show_own_site_only(self):
        kiosks = self.api("GET", "/api/v1/kiosks", token=self.sec)["kiosks"]
        self.assertEqual([k["id"] for k in kiosks], [self.ka])
        self.assertEqual([s["name"] for s in self.api("GET", "/api/v1/sites",
                                                        token=self.sec)["sites"]], [self.a])
        ca = self.new_code(token=self.sec)
        self.assertEqual(ca["site"], self.a)
        cb = self.new_code(site=self.b)
        call = self.new_code()
        self.assertIsNone(call["site"])
        sa = self.open_ok(self.ta, ca["code"])["session"]
        sb = self.open_ok(self.tb, cb["code"])["session"]
        sessions = self.api("GET", "/api/v1/sessions", token=self.sec)["sessions"]
        self.assertEqual([s["id"] for s in sessions], [sa])
        codes = self.api("GET", "/api/v1/codes?state=all", token=self.sec)["codes"]
        self.assertEqual([c["id"] for c in codes], [ca["id"]])
        self.assertEqual(len(self.api("GET", "/api/v1/sessions", token=self.admin)["sessions"]),
                         len(self.sessions_list()))
        self.assertIn(sb, [s["id"] for s in self.sessions_list()])
        # Acting on site B by id: exactly as an unknown id.
        unknown_kiosk = self.req("POST", "/api/v1/kiosks/999999/commands",
                                 {"type": "message", "text": "x"}, self.sec)
        other_kiosk = self.req("POST", "/api/v1/kiosks/%d/commands" % self.kb,
                               {"type": "message", "text": "x"}, self.sec)
        self.assertEqual(other_kiosk[0], 404)
        self.assertEqual(other_kiosk[2], unknown_kiosk[2])
        self.api("POST", "/api/v1/kiosks/%d/commands" % self.ka, {"type": "message", "text": "x"},
                 self.sec, expect=201)
        unknown_session = self.req("POST", "/api/v1/sessions/%s/end" % ("0" * 32), token=self.sec)
        for path, body in (("/api/v1/sessions/%s/end" % sb, None),
                           ("/api/v1/sessions/%s/add_time" % sb, {"minutes": 5})):
            st, _, d = self.req("POST", path, body, self.sec)
            self.assertEqual((st, d), (404, unknown_session[2]), path)
        self.assertTrue(self.session_by_id(sb)["active"])
        unknown_code = self.req("POST", "/api/v1/codes/revoke", {"id": 999999}, self.sec)
        for ref in ({"id": cb["id"]}, {"code": cb["code"]}, {"id": call["id"]}):
            for path, extra in (("/api/v1/codes/revoke", {}),
                                ("/api/v1/codes/extend", {"minutes": 5})):
                st, _, d = self.req("POST", path, dict(ref, **extra), self.sec)
                self.assertEqual((st, d), (404, unknown_code[2]), (path, ref))
        self.assertEqual(self.code_by_id(cb["id"])["state"], "active")
        self.api("POST", "/api/v1/codes/extend", {"id": ca["id"], "minutes": 5}, self.sec)
        self.api("POST", "/api/v1/sessions/%s/add_time" % sa, {"minutes": 5}, self.sec)
        # Codes: its own site only, never "all".
        self.assertError(self.req("POST", "/api/v1/codes", {"site": self.b}, self.sec), 403,
                         "forbidden")
        self.assertError(self.req("POST", "/api/v1/codes", {"site": "all"}, self.sec), 403,
                         "forbidden")
        self.assertError(self.req("POST", "/api/v1/codes", {"site": ""}, self.admin), 400,
                         "bad_request")
        # Settings of another site: no such site.
        self.assertError(self.req("GET", site_path(self.b), token=self.sec), 404, "not_found")
        self.api("GET", site_path(self.a), token=self.sec)
        # The audit log says the site of what was done.
        audit = self.api("GET", "/api/v1/audit?limit=10000", token=self.admin)["audit"]
        mine = [x for x in audit if x["user"] == self.api("GET", "/api/v1/whoami",
                                                          token=self.sec)["name"]]
        by = {x["action"]: x["detail"] for x in reversed(mine)}
        for action in ("code.issue", "kiosk.message", "code.extend", "session.add_time"):
            self.assertEqual(by[action]["site"], self.a, (action, by.get(action)))
        issued_all = [x for x in audit if x["action"] == "code.issue"
                      and x["detail"]["first_id"] == call["id"]]
        self.assertEqual(issued_all[0]["detail"]["site"], "all")

    def test_spare_drawer_of_its_site(self):
        before = self.api("GET", "/api/v1/codes/spare", token=self.admin)["unused"]
        self.new_codes(count=3, spare=True, site=self.b)
        self.new_codes(count=2, spare=True, token=self.sec)
        self.assertEqual(self.api("GET", "/api/v1/codes/spare", token=self.sec)["unused"], 2)
        self.assertEqual(self.api("GET", "/api/v1/codes/spare", token=self.admin)["unused"],
                         before + 5)

    def test_desk_takes_its_one_site_values(self):
        base = self.api("GET", "/api/v1/desk", token=self.admin)
        self.assertIsNone(base["site"])
        self.assertEqual(self.api("GET", "/api/v1/desk", token=self.sec), dict(base, site=self.a))
        self.api("PUT", site_path(self.a), {"desk.centre": "ESC A", "desk.rules": ["Règle A"],
                                            "desk.presets": [{"minutes": 20, "pages": 2}],
                                            "language": "en"}, self.admin)
        d = self.api("GET", "/api/v1/desk", token=self.sec)
        self.assertEqual((d["site"], d["centre"], d["rules"], d["presets"]),
                         (self.a, "ESC A", ["Règle A"], [{"minutes": 20, "pages": 2}]))
        self.assertEqual(d["services"], base["services"])
        # An account of every site, or of two sites: admind.conf's.
        self.assertEqual(self.api("GET", "/api/v1/desk", token=self.admin), base)
        self.api("POST", "/api/v1/users/%d/sites" % self.uid, {"sites": [self.a, self.b]},
                 self.admin)
        self.assertEqual(self.api("GET", "/api/v1/desk", token=self.sec), base)

    def test_maintenance_scoped(self):
        d = self.api("POST", "/api/v1/users", {"name": self.unique("maint-a"),
                                               "role": "maintenance", "sites": [self.a]},
                     self.admin, expect=201)
        tok = d["token"]
        self.assertError(self.req("PUT", site_path(self.b), {"language": "fr"}, tok), 404,
                         "not_found")
        self.assertEqual(self.api("GET", site_path(self.b), token=self.admin)["version"], 0)
        self.api("PUT", site_path(self.a), {"language": "fr"}, tok)
        unknown = self.req("POST", "/api/v1/kiosks/999999/revoke", token=tok)
        other = self.req("POST", "/api/v1/kiosks/%d/revoke" % self.kb, token=tok)
        self.assertEqual((other[0], other[2]), (404, unknown[2]))
        self.assertFalse([k for k in self.api("GET", "/api/v1/kiosks", token=self.admin)["kiosks"]
                          if k["id"] == self.kb][0]["revoked"])
        self.assertError(self.req("POST", "/api/v1/kiosks", {"name": self.unique("k"),
                                                             "site": self.b}, tok),
                         403, "forbidden")
        self.assertError(self.req("POST", "/api/v1/kiosks/enroll", {"name": self.unique("k"),
                                                                    "site": self.b}, tok),
                         403, "forbidden")
        self.api("POST", "/api/v1/kiosks", {"name": self.unique("k"), "site": self.a}, tok,
                 expect=201)
        # A revoked kiosk of site B cannot be enrolled again into site A (its history
        # would follow): its name is taken, as a live kiosk's.
        bname = self.unique("poste-b")
        bid, _ = self.new_kiosk(name=bname, site=self.b)
        self.api("POST", "/api/v1/kiosks/%d/revoke" % bid, token=self.admin)
        for path in ("/api/v1/kiosks", "/api/v1/kiosks/enroll"):
            self.assertError(self.req("POST", path, {"name": bname, "site": self.a}, tok),
                             409, "conflict", path)
        self.assertEqual([k["site"] for k in self.api("GET", "/api/v1/kiosks",
                                                      token=self.admin)["kiosks"]
                          if k["id"] == bid], [self.b])
        # Routes not yet kept to a site are refused to a limited account, whole.
        # Usage and the audit log: its sites' lines only.
        sa = self.open_ok(self.ta, self.new_code(site=self.a)["code"])["session"]
        sb = self.open_ok(self.tb, self.new_code(site=self.b)["code"])["session"]
        self.end_session(self.ta, sa)
        self.end_session(self.tb, sb)
        rows = self.api("GET", "/api/v1/usage?format=json", token=tok)["sessions"]
        self.assertIn(sa, [x["id"] for x in rows])
        self.assertEqual({x["site"] for x in rows}, {self.a})
        everyone = self.api("GET", "/api/v1/usage?format=json", token=self.admin)["sessions"]
        self.assertIn(sb, [x["id"] for x in everyone])
        status, _, csv_body = self.req("GET", "/api/v1/usage?format=csv", token=tok)
        self.assertEqual(status, 200)
        text = csv_body.decode("utf-8") if isinstance(csv_body, bytes) else csv_body
        self.assertIn(sa, text)
        self.assertNotIn(sb, text)
        audit = self.api("GET", "/api/v1/audit?limit=10000", token=tok)["audit"]
        self.assertTrue(audit)
        self.assertEqual({x["detail"]["site"] for x in audit}, {self.a})
        for path in ("/api/v1/backup", "/api/v1/users", "/metrics"):
            self.assertError(self.req("GET", path, token=tok), 403, "forbidden", path)

    def session(self, ktoken, site, seconds, services):
        sid = self.open_ok(ktoken, self.new_code(site=site)["code"])["session"]
        self.api("POST", "/api/v1/kiosk/sessions/%s/end" % sid,
                 {"reason": "user", "seconds_used": seconds, "services": services}, ktoken)
        return sid

    def test_stats_of_its_sites_only(self):
        """A maintenance account of sites A and C: every statistic (JSON, services CSV,
        refusals, escalectl stats) counts their kiosks only, and its totals are the sums of
        A's and C's as an account of every site sees them; nothing of site B shows."""
        c = self.unique("Site C")
        kc, tc = self.new_kiosk(site=c)
        self.session(self.ta, self.a, 600, ["caf"])
        self.session(self.ta, self.a, 1200, ["caf", "ameli"])
        self.session(tc, c, 300, ["ameli"])
        sb = self.open_ok(self.tb, self.new_code(site=self.b)["code"])["session"]
        # A call for help from B's kiosk, and refusals at A and at B.
        self.heartbeat(self.tb, "session", sb, help="asked", help_at=1234)
        self.api("POST", "/api/v1/kiosk/sessions/%s/end" % sb,
                 {"reason": "user", "seconds_used": 4000, "services": ["impots"]}, self.tb)
        day = self.api("GET", "/api/v1/stats", token=self.admin)["to"]
        for tok_k, host in ((self.ta, "a-only.example.net"), (self.tb, "b-only.example.net")):
            self.api("POST", "/api/v1/kiosk/refusals", {"day": day, "hosts": [
                {"host": host, "service": "caf", "count": 2}], "other": 1}, tok_k)
        d = self.api("POST", "/api/v1/users", {"name": self.unique("maint-ac"),
                                               "role": "maintenance", "sites": [self.a, c]},
                     self.admin, expect=201)
        tok = d["token"]
        everyone = self.api("GET", "/api/v1/stats", token=self.admin)
        mine = self.api("GET", "/api/v1/stats", token=tok)
        by_site = {r["site"]: r for r in everyone["per_site"]}
        self.assertIn(self.b, by_site)
        self.assertEqual([r["site"] for r in mine["per_site"]], sorted([self.a, c]))
        for key in ("sessions", "minutes", "pages", "pages_printed", "pages_refused",
                    "pages_refunded"):
            self.assertEqual(mine[key], by_site[self.a][key] + by_site[c][key], key)
            self.assertEqual({r["site"]: r[key] for r in mine["per_site"]},
                             {self.a: by_site[self.a][key], c: by_site[c][key]}, key)
        self.assertEqual(mine["sessions"], 3)
        self.assertLess(mine["sessions"], everyone["sessions"])
        self.assertEqual({r["site"] for r in mine["per_kiosk"]}, {self.a, c})
        self.assertEqual(sum(r["sessions"] for r in mine["per_day"]), 3)
        self.assertEqual(sum(mine["per_hour"]), 3)
        self.assertEqual(sum(r["sessions"] for r in mine["durations"]), 3)
        self.assertEqual(mine["median_sessions"], 3)
        self.assertEqual(mine["median_minutes"], 10)
        self.assertEqual({r["service"]: r["sessions"] for r in mine["per_service"]},
                         {"caf": 2, "ameli": 2})
        self.assertIn("impots", {r["service"] for r in everyone["per_service"]})
        self.assertEqual(mine["help_requests"], 0)
        self.assertGreaterEqual(everyone["help_requests"], 1)
        self.assertEqual(self.api("GET", "/api/v1/stats", token=self.admin)["help_requests"],
                         everyone["help_requests"])
        b_only = self.api("POST", "/api/v1/users", {"name": self.unique("maint-b"),
                                                    "role": "maintenance", "sites": [self.b]},
                          self.admin, expect=201)["token"]
        theirs = self.api("GET", "/api/v1/stats", token=b_only)
        self.assertEqual((theirs["sessions"], theirs["help_requests"]), (1, 1))
        self.assertEqual(sum(r["help_requests"] for r in theirs["per_day"]), 1)
        # The services CSV: its sites' lines only.
        st, _, body = self.req("GET", "/api/v1/stats/services.csv", token=tok)
        self.assertEqual(st, 200)
        lines = body.decode("utf-8-sig").splitlines()[1:]
        self.assertEqual(sorted(l.split(";")[1] for l in lines), sorted([self.a, self.a, c]))
        st, _, body = self.req("GET", "/api/v1/stats/services.csv", token=self.admin)
        self.assertIn(self.b, body.decode("utf-8-sig"))
        # Refusals: its sites' kiosks only.
        hosts = [h["host"] for h in
                 self.api("GET", "/api/v1/refusals?day=" + day, token=tok)["hosts"]]
        self.assertEqual(hosts, ["a-only.example.net"])
        self.assertEqual(self.api("GET", "/api/v1/refusals?day=" + day, token=tok)["other"], 1)
        hosts = [h["host"] for h in
                 self.api("GET", "/api/v1/refusals?day=" + day, token=self.admin)["hosts"]]
        self.assertIn("b-only.example.net", hosts)
        # escalectl stats with the account's token: the same figures.
        r = subprocess.run([escalectl_path(), "--url", "http://127.0.0.1:%d" % self.server.port,
                            "--token", tok, "stats"], capture_output=True, text=True,
                           timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        out = json.loads(r.stdout)
        self.assertEqual((out["sessions"], [x["site"] for x in out["per_site"]]),
                         (3, sorted([self.a, c])))

    def test_print_jobs_by_their_kiosk_site(self):
        # A job as the print watcher records it (the print path itself: test_print.py).
        db = sqlite3.connect(self.server.db, timeout=10)
        try:
            ids = []
            for n, kid in enumerate((self.ka, self.kb)):
                cur = db.execute(
                    "INSERT INTO print_jobs(cups_id, uuid, queue, kiosk_id, decision, state,"
                    " created_at, updated_at, charged) VALUES (?, ?, 'q', ?, 'release',"
                    " 'completed', 1, 1, 2)", (90 + n, self.unique("uuid"), kid))
                ids.append(cur.lastrowid)
            db.commit()
        finally:
            db.close()
        jobs = {j["id"]: j for j in self.api("GET", "/api/v1/jobs", token=self.admin)["jobs"]}
        self.assertEqual((jobs[ids[0]]["site"], jobs[ids[1]]["site"]), (self.a, self.b))
        mine = [j["id"] for j in self.api("GET", "/api/v1/jobs", token=self.sec)["jobs"]]
        self.assertIn(ids[0], mine)
        self.assertNotIn(ids[1], mine)
        unknown = self.req("POST", "/api/v1/jobs/999999/refund", {"pages": 1}, self.sec)
        other = self.req("POST", "/api/v1/jobs/%d/refund" % ids[1], {"pages": 1}, self.sec)
        self.assertEqual((other[0], other[2]), (404, unknown[2]))
        for verb in ("cancel", "retry"):
            st, _, d = self.req("POST", "/api/v1/jobs/%d/%s" % (ids[1], verb), token=self.sec)
            self.assertEqual((st, d["error"]), (404, "not_found"), verb)
        # Its own site's job is found (what refund then says is test_print.py's).
        st, _, d = self.req("POST", "/api/v1/jobs/%d/refund" % ids[0], {"pages": 1}, self.sec)
        self.assertNotEqual(d.get("error"), "not_found", (st, d))

    def test_codes_per_site_at_kiosks(self):
        ca = self.new_code(site=self.a)
        cb = self.new_code(site=self.b)
        call = self.new_code(site="all")
        st, _, d = self.open_session(self.ta, cb["code"])
        unknown = self.open_session(self.ta, "1234 5678 9999")
        self.assertEqual((st, d["error"]), (unknown[0], unknown[2]["error"]))
        self.assertEqual(d["error"], "code_unknown")
        s = self.open_ok(self.ta, ca["code"])["session"]
        self.end_session(self.ta, s)
        s = self.open_ok(self.tb, call["code"])["session"]
        self.end_session(self.tb, s)
        # The offline cache of a kiosk holds its site's codes and every site's.
        def verifiers(tok):
            return {c["verifier"] for c in self.api("GET", "/api/v1/kiosk/codes?since=0",
                                                     token=tok)["codes"]}
        va, vb = verifiers(self.ta), verifiers(self.tb)
        self.assertEqual(len(va & vb), len([c for c in self.codes_list("active")
                                            if c["site"] is None]))
        self.assertFalse(va - vb == set())
        _, knone = self.new_kiosk(site="")
        vnone = verifiers(knone)
        self.assertEqual(vnone, va & vb)
        # The delta since a cursor: a change to site B's code is not sent to A.
        cur = self.api("GET", "/api/v1/kiosk/codes?since=0", token=self.ta)["cursor"]
        self.api("POST", "/api/v1/codes/revoke", {"id": cb["id"]}, self.admin)
        delta = self.api("GET", "/api/v1/kiosk/codes?since=%d" % cur, token=self.ta)["codes"]
        self.assertEqual(delta, [])
        curb = self.api("GET", "/api/v1/kiosk/codes?since=0", token=self.tb)["cursor"]
        self.api("POST", "/api/v1/codes/revoke", {"id": call["id"]}, self.admin)
        self.assertEqual(len(self.api("GET", "/api/v1/kiosk/codes?since=%d" % curb,
                                      token=self.tb)["codes"]), 1)


class SiteCli(AdmindTestCase):
    """escalectl site list | settings | set | unset against the real admind."""

    def ctl(self, *args, token=None):
        url = "http://127.0.0.1:%d" % self.server.port
        env = {k: v for k, v in os.environ.items() if not k.startswith("ESCALE_")}
        return subprocess.run([escalectl_path(), "--url", url, "--token", token or self.admin]
                              + list(args), stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, env=env, timeout=60)

    def test_set_unset_file_list(self):
        site = self.unique("ESC Nord/annexe")
        self.new_kiosk(site=site)
        r = self.ctl("site", "set", site, "session.idle_seconds", "600")
        self.assertEqual(r.returncode, 0, r)
        self.assertEqual(json.loads(r.stdout), {"session.idle_seconds": 600})
        self.assertEqual(r.stderr, "version 1\n")
        r = self.ctl("site", "set", site, "centre_name", "Espace Nord")
        self.assertEqual(json.loads(r.stdout)["centre_name"], "Espace Nord")
        r = self.ctl("site", "set", site, "hours", '{"monday": ["09:00-12:00"]}')
        self.assertEqual(json.loads(r.stdout)["hours"], {"monday": ["09:00-12:00"]})
        r = self.ctl("site", "unset", site, "centre_name")
        self.assertEqual(r.returncode, 0, r)
        self.assertEqual(sorted(json.loads(r.stdout)), ["hours", "session.idle_seconds"])
        self.assertEqual(r.stderr, "version 4\n")
        r = self.ctl("site", "settings", site)
        self.assertEqual(sorted(json.loads(r.stdout)), ["hours", "session.idle_seconds"])
        lines = self.ctl("site", "list").stdout.splitlines()
        self.assertIn("%s\t1\t4" % site, lines)
        # Refusals: an unknown key (before asking), a value out of range (admind's word).
        r = self.ctl("site", "set", site, "colour", "red")
        self.assertEqual(r.returncode, 2, r)
        self.assertIn("unknown setting 'colour'", r.stderr)
        r = self.ctl("site", "set", site, "session.idle_seconds", "5")
        self.assertEqual(r.returncode, 1, r)
        self.assertIn("session.idle_seconds", r.stderr)
        with tempfile.NamedTemporaryFile("w", suffix=".json") as f:
            json.dump({"language": "en", "desk.rules": ["Une règle."]}, f)
            f.flush()
            r = self.ctl("site", "settings", site, "--file", f.name)
            self.assertEqual(r.returncode, 0, r)
            self.assertEqual(json.loads(r.stdout), {"language": "en", "desk.rules": ["Une règle."]})
            _, sec = self.new_user("secretariat")
            r = self.ctl("site", "settings", site, "--file", f.name, token=sec)
            self.assertEqual(r.returncode, 1, r)
            self.assertEqual(json.loads(self.ctl("site", "settings", site, token=sec).stdout),
                             {"language": "en", "desk.rules": ["Une règle."]})
        with tempfile.NamedTemporaryFile("w", suffix=".json") as f:
            f.write("[1, 2]")
            f.flush()
            r = self.ctl("site", "settings", site, "--file", f.name)
            self.assertEqual(r.returncode, 1, r)
            self.assertIn("not a JSON object", r.stderr)
        self.assertEqual(self.api("GET", site_path(site), token=self.admin)["version"], 5)

    def test_user_add_site_and_code_new_site(self):
        a, b = self.unique("cli A"), self.unique("cli B")
        name = self.unique("sec")
        r = self.ctl("user", "add", name, "--role", "secretariat", "--site", a, "--site", b)
        self.assertEqual(r.returncode, 0, r)
        token = r.stdout.splitlines()[-1]
        self.assertEqual(sorted(self.api("GET", "/api/v1/whoami", token=token)["sites"]),
                         sorted([a, b]))
        r = self.ctl("user", "add", self.unique("x"), "--role", "secretariat", "--site", "a\tb")
        self.assertEqual(r.returncode, 1, r)
        self.assertIn("'sites'", r.stderr)
        # Limited to two sites: a code must name one of them.
        r = self.ctl("code", "new", token=token)
        self.assertEqual(r.returncode, 1, r)
        r = self.ctl("code", "new", "--site", b, token=token)
        self.assertEqual(r.returncode, 0, r)
        codes = self.api("GET", "/api/v1/codes", token=token)["codes"]
        self.assertEqual([c["site"] for c in codes], [b])
        r = self.ctl("code", "new", "--site", "all")
        self.assertEqual(r.returncode, 0, r)
        self.assertIsNone(self.api("GET", "/api/v1/codes", token=self.admin)["codes"][0]["site"])


if __name__ == "__main__":
    main()
