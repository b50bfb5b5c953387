"""Staff routes of escale-admind: roles, audit, usage CSV/JSON, stats, backup, healthz."""

import csv
import io
import json
import os
import sqlite3
import statistics
import tempfile
import time

from escale_test import AdmindTestCase, main, normalise, today_local


class Roles(AdmindTestCase):

    def setUp(self):
        self.sec_name, self.sec = self.new_user("secretariat")
        self.mnt_name, self.mnt = self.new_user("maintenance")

    def test_whoami(self):
        self.assertEqual(self.api("GET", "/api/v1/whoami", token=self.sec),
                         {"name": self.sec_name, "role": "secretariat", "sites": None})
        self.assertEqual(self.api("GET", "/api/v1/whoami", token=self.mnt),
                         {"name": self.mnt_name, "role": "maintenance", "sites": None})
        self.assertEqual(self.api("GET", "/api/v1/whoami", token=self.admin),
                         {"name": "admin", "role": "admin", "sites": None})

    def test_secretariat_refused(self):
        kid, _ = self.new_kiosk()
        before = self.server.snapshot()
        refused = [
            ("GET", "/api/v1/usage", None),
            ("GET", "/api/v1/usage?format=csv", None),
            ("GET", "/api/v1/stats", None),
            ("GET", "/api/v1/audit", None),
            ("GET", "/api/v1/backup", None),
            ("GET", "/api/v1/users", None),
            ("POST", "/api/v1/users", {"name": self.unique("x"), "role": "admin"}),
            ("POST", "/api/v1/kiosks", {"name": self.unique("k"), "site": ""}),
            ("POST", "/api/v1/kiosks/%s/revoke" % kid, None),
        ]
        for method, path, body in refused:
            self.assertError(self.req(method, path, body, self.sec), 403, "forbidden",
                             "secretariat %s %s" % (method, path))
        self.assertEqual(self.server.snapshot(), before)

    def test_maintenance_refused(self):
        kid, kt = self.new_kiosk()
        c = self.new_code()
        sid = self.open_ok(kt, c["code"])["session"]
        before = self.server.snapshot()
        refused = [
            ("POST", "/api/v1/codes", {"count": 1}),
            ("GET", "/api/v1/codes", None),
            ("POST", "/api/v1/codes/revoke", {"id": c["id"]}),
            ("POST", "/api/v1/codes/extend", {"id": c["id"], "minutes": 5}),
            ("POST", "/api/v1/kiosks/%s/commands" % kid, {"type": "message", "text": "hi"}),
            ("POST", "/api/v1/sessions/%s/end" % sid, None),
            ("POST", "/api/v1/sessions/%s/add_time" % sid, {"minutes": 5}),
            ("GET", "/api/v1/users", None),
            ("POST", "/api/v1/users", {"name": self.unique("y"), "role": "admin"}),
        ]
        for method, path, body in refused:
            self.assertError(self.req(method, path, body, self.mnt), 403, "forbidden",
                             "maintenance %s %s" % (method, path))
        self.assertEqual(self.server.snapshot(), before)

    def test_allowed(self):
        self.new_code(token=self.sec)
        self.api("GET", "/api/v1/codes", token=self.sec)
        self.api("GET", "/api/v1/sessions", token=self.sec)
        self.api("GET", "/api/v1/sessions", token=self.mnt)
        self.api("GET", "/api/v1/kiosks", token=self.sec)
        self.new_kiosk(token=self.mnt)
        self.api("GET", "/api/v1/usage?format=json", token=self.mnt)
        self.api("GET", "/api/v1/stats", token=self.mnt)
        self.api("GET", "/api/v1/audit", token=self.mnt)
        users = self.api("GET", "/api/v1/users", token=self.admin)["users"]
        names = {u["name"]: u["role"] for u in users}
        self.assertEqual(names.get(self.sec_name), "secretariat")
        self.assertEqual(names.get(self.mnt_name), "maintenance")
        self.assertEqual(names.get("admin"), "admin")
        for u in users:
            self.assertNotIn("token", u)

    def test_duplicate_user_conflict(self):
        before = self.server.snapshot()
        self.assertError(self.req("POST", "/api/v1/users",
                                  {"name": self.sec_name, "role": "maintenance"}, self.admin),
                         409, "conflict")
        self.assertError(self.req("POST", "/api/v1/users",
                                  {"name": self.unique("z"), "role": "superuser"}, self.admin),
                         400, "bad_request")
        self.assertEqual(self.server.snapshot(), before)


class Codes(AdmindTestCase):

    def test_issue_and_list(self):
        sec_name, sec = self.new_user("secretariat")
        codes = self.new_codes(count=3, minutes=25, pages=4, days=2, token=sec)
        self.assertEqual(len({c["code"] for c in codes}), 3)
        self.assertEqual(len({c["id"] for c in codes}), 3)
        listed = {c["id"]: c for c in self.api("GET", "/api/v1/codes?state=active",
                                                token=sec)["codes"]}
        for c in codes:
            l = listed[c["id"]]
            self.assertEqual(l["hint"], "\u2026" + normalise(c["code"])[-2:])
            self.assertEqual((l["state"], l["minutes"], l["seconds_left"], l["pages"],
                              l["pages_left"], l["valid_until"], l["in_use"]),
                             ("active", 25, 1500, 4, 4, c["valid_until"], False))
            self.assertLess(abs(l["created_at"] - time.time()), 600)
        _, _, raw = self.req("GET", "/api/v1/codes?state=all", token=sec)
        text = json.dumps(raw)
        for c in codes:
            self.assertNotIn(normalise(c["code"]), text, "a clear code in the list")

    def test_defaults_from_config(self):
        d = self.api("POST", "/api/v1/codes", {}, self.admin, expect=201)
        self.assertEqual(len(d["codes"]), 1)
        c = d["codes"][0]
        self.assertEqual((c["minutes"], c["pages"]), (60, 10))
        self.assertAlmostEqual(c["valid_until"], time.time() + 30 * 86400, delta=2 * 86400)

    def test_valid_until_local_datetime(self):
        tomorrow = time.localtime(time.time() + 86400)
        text = time.strftime("%Y-%m-%dT12:30", tomorrow)
        want = int(time.mktime(time.strptime(text, "%Y-%m-%dT%H:%M")))
        c = self.new_codes(count=1, minutes=10, pages=0, days=None, valid_until=text)[0]
        self.assertEqual(c["valid_until"], want)
        c = self.new_codes(count=1, minutes=10, pages=0, days=None, valid_until=want + 60)[0]
        self.assertEqual(c["valid_until"], want + 60)
        c = self.new_codes(count=1, minutes=10, pages=0, days=None,
                           valid_until=text.replace("T", " ") + ":30")[0]
        self.assertEqual(c["valid_until"], want + 30)

    def test_extend_adds(self):
        c = self.new_code(minutes=10, pages=2, days=1)
        d = self.api("POST", "/api/v1/codes/extend",
                     {"id": c["id"], "minutes": 30, "pages": 3, "days": 2}, self.admin)
        self.assertEqual(d["id"], c["id"])
        self.assertEqual(d["seconds_left"], 40 * 60)
        self.assertEqual(d["pages_left"], 5)
        self.assertEqual(d["valid_until"], c["valid_until"] + 2 * 86400)
        self.assertEqual(self.code_by_id(c["id"])["seconds_left"], 2400)
        d = self.api("POST", "/api/v1/codes/extend", {"code": c["code"], "minutes": 1},
                     self.admin)
        self.assertEqual(d["seconds_left"], 41 * 60)

    def test_extend_all_zero_refused(self):
        c = self.new_code()
        before = self.server.snapshot()
        self.assertError(self.req("POST", "/api/v1/codes/extend",
                                  {"id": c["id"], "minutes": 0, "pages": 0, "days": 0},
                                  self.admin), 400, "bad_request")
        self.assertError(self.req("POST", "/api/v1/codes/extend", {"id": c["id"]},
                                  self.admin), 400, "bad_request")
        self.assertEqual(self.server.snapshot(), before)

    def test_revoke_unknown(self):
        before = self.server.snapshot()
        self.assertError(self.req("POST", "/api/v1/codes/revoke", {"id": 987654},
                                  self.admin), 404, "not_found")
        self.assertError(self.req("POST", "/api/v1/codes/revoke", {"code": "0000 0001"},
                                  self.admin), 404, "not_found")
        self.assertEqual(self.server.snapshot(), before)

    def test_kiosk_name_taken(self):
        self.new_kiosk(name="Salle 1")
        before = self.server.snapshot()
        self.assertError(self.req("POST", "/api/v1/kiosks", {"name": "Salle 1", "site": ""},
                                  self.admin), 409, "conflict")
        self.assertEqual(self.server.snapshot(), before)

    def test_revoked_kiosk_enrolled_again_under_its_name(self):
        kid, old = self.new_kiosk(name="Salle 2", site="ESC Nord")
        self.api("POST", "/api/v1/kiosks/%d/revoke" % kid, token=self.admin)
        self.assertError(self.req("POST", "/api/v1/kiosk/heartbeat", {"state": "login"}, old),
                         401, "unauthorized")
        d = self.api("POST", "/api/v1/kiosks", {"name": "Salle 2", "site": "ESC Sud"},
                     self.admin, expect=201)
        self.assertEqual(d["id"], kid, "the kiosk keeps its id and history")
        self.assertNotEqual(d["token"], old)
        self.api("POST", "/api/v1/kiosk/heartbeat", {"state": "login"}, d["token"])
        self.assertError(self.req("POST", "/api/v1/kiosk/heartbeat", {"state": "login"}, old),
                         401, "unauthorized")
        k = [k for k in self.api("GET", "/api/v1/kiosks", token=self.admin)["kiosks"]
             if k["id"] == kid][0]
        self.assertEqual((k["site"], k["revoked"]), ("ESC Sud", False))
        actions = [a["action"] for a in self.api("GET", "/api/v1/audit", token=self.admin)["audit"]]
        self.assertIn("kiosk.reenroll", actions)


class SpareCodes(AdmindTestCase):
    """The sheet of spare codes the desk keeps in a drawer for when admind is down."""
    EXTRA_CONF = AdmindTestCase.EXTRA_CONF + "desk = { spare_count = 4; spare_days = 21; };\n"

    def test_sheet_drawer_and_statistics(self):
        sec_name, sec = self.new_user("secretariat")
        drawer = self.api("GET", "/api/v1/codes/spare", token=sec)
        self.assertEqual(drawer, {"unused": 0, "valid_until": None, "last_issued_at": None,
                                  "sheet_count": 4, "days": 21})
        # The desk's count and validity, unless the request says otherwise.
        d = self.api("POST", "/api/v1/codes", {"spare": True, "minutes": 45, "pages": 3}, sec,
                     expect=201)
        self.assertEqual(len(d["codes"]), 4, d)
        for c in d["codes"]:
            self.assertIs(c["spare"], True)
            self.assertAlmostEqual(c["valid_until"], time.time() + 21 * 86400, delta=120)
        two = self.new_codes(count=2, days=3, spare=True, token=sec)
        ordinary = self.new_code(token=sec)
        self.assertIs(ordinary["spare"], False)
        listed = {c["id"]: c for c in self.codes_list()}
        self.assertTrue(all(listed[c["id"]]["spare"] for c in d["codes"] + two))
        self.assertIs(listed[ordinary["id"]]["spare"], False)
        drawer = self.api("GET", "/api/v1/codes/spare", token=sec)
        self.assertEqual(drawer["unused"], 6)
        self.assertEqual(drawer["valid_until"], two[0]["valid_until"])
        self.assertLess(abs(drawer["last_issued_at"] - time.time()), 120)
        # A spare code used, one revoked: the drawer counts the rest; the statistics
        # count the session it opened, not the ordinary one.
        _, ktok = self.new_kiosk()
        for c in (d["codes"][0], ordinary):
            s = self.open_ok(ktok, c["code"])
            self.end_session(ktok, s["session"], seconds_used=60)
        self.api("POST", "/api/v1/codes/revoke", {"id": two[0]["id"]}, sec)
        drawer = self.api("GET", "/api/v1/codes/spare", token=sec)
        self.assertEqual(drawer["unused"], 4)
        self.assertEqual(drawer["valid_until"], two[1]["valid_until"])
        stats = self.api("GET", "/api/v1/stats", token=self.admin)
        self.assertEqual((stats["sessions"], stats["spare_sessions"]), (2, 1), stats)
        audit = self.api("GET", "/api/v1/audit?limit=50", token=self.admin)["audit"]
        self.assertEqual(sum(a["action"] == "code.issue_spare" for a in audit), 2)

    def test_refused(self):
        self.assertError(self.req("POST", "/api/v1/codes", {"spare": "yes"}, self.admin),
                         400, "bad_request")
        self.assertError(self.req("POST", "/api/v1/codes", {"spare": 1}, self.admin),
                         400, "bad_request")
        _, maint = self.new_user("maintenance")
        self.assertError(self.req("GET", "/api/v1/codes/spare", token=maint), 403, "forbidden")
        self.assertError(self.req("GET", "/api/v1/codes/spare?x=1", token=self.admin),
                         400, "bad_request")


class Users(AdmindTestCase):

    def test_new_token_replaces_the_old_ones(self):
        name, old = self.new_user("maintenance")
        uid = [u["id"] for u in self.api("GET", "/api/v1/users", token=self.admin)["users"]
               if u["name"] == name][0]
        d = self.api("POST", "/api/v1/users/%d/token" % uid, token=self.admin)
        self.assertTrue(d["token"].startswith("est_") and d["token"] != old)
        self.assertEqual(self.api("GET", "/api/v1/whoami", token=d["token"])["name"], name)
        self.assertError(self.req("GET", "/api/v1/whoami", token=old), 401, "unauthorized")
        # only admins may do it, and only on users that exist
        self.assertError(self.req("POST", "/api/v1/users/%d/token" % uid, token=d["token"]),
                         403, "forbidden")
        self.assertError(self.req("POST", "/api/v1/users/999999/token", token=self.admin),
                         404, "not_found")

    def test_disable(self):
        name, tok = self.new_user("secretariat")
        uid = [u["id"] for u in self.api("GET", "/api/v1/users", token=self.admin)["users"]
               if u["name"] == name][0]
        self.api("POST", "/api/v1/users/%d/disable" % uid, token=self.admin)
        self.assertError(self.req("GET", "/api/v1/whoami", token=tok), 401, "unauthorized")
        u = [u for u in self.api("GET", "/api/v1/users", token=self.admin)["users"]
             if u["id"] == uid][0]
        self.assertTrue(u["disabled"])
        self.assertError(self.req("POST", "/api/v1/users/%d/token" % uid, token=self.admin),
                         404, "not_found")
        self.assertError(self.req("POST", "/api/v1/users/%d/disable" % uid, token=self.admin),
                         404, "not_found")
        actions = [(a["action"], a["target"]) for a in
                   self.api("GET", "/api/v1/audit", token=self.admin)["audit"]]
        self.assertIn(("user.disable", name), actions)

    def test_last_admin_stays(self):
        admins = [u for u in self.api("GET", "/api/v1/users", token=self.admin)["users"]
                  if u["role"] == "admin" and not u["disabled"]]
        for extra in admins[1:]:
            self.api("POST", "/api/v1/users/%d/disable" % extra["id"], token=self.admin)
        me = [u for u in admins if u["name"] == "admin"][0]
        before = self.server.snapshot()
        self.assertError(self.req("POST", "/api/v1/users/%d/disable" % me["id"],
                                  token=self.admin), 409, "conflict")
        self.assertEqual(self.server.snapshot(), before)


class Audit(AdmindTestCase):

    def test_audit_log(self):
        sec_name, sec = self.new_user("secretariat")
        mnt_name, mnt = self.new_user("maintenance")
        kid, kt = self.new_kiosk(token=mnt, name="audit-kiosk")
        c1, c2 = self.new_codes(count=2, token=sec)
        self.api("POST", "/api/v1/codes/revoke", {"id": c1["id"]}, sec)
        sid = self.open_ok(kt, c2["code"])["session"]
        self.api("POST", "/api/v1/sessions/%s/end" % sid, token=sec)
        # refused requests are not audited
        self.req("POST", "/api/v1/users", {"name": "nope", "role": "admin"}, sec)
        st, _, raw = self.req("GET", "/api/v1/audit?limit=1000", token=mnt)
        self.assertEqual(st, 200)
        audit = raw["audit"]
        for a in audit:
            for f in ("id", "at", "user", "action", "target", "detail"):
                self.assertIn(f, a)
            self.assertLess(abs(a["at"] - time.time()), 600)

        def find(user, *words, target=None):
            hits = [a for a in audit if a["user"] == user
                    and all(w in a["action"].lower() for w in words)
                    and (target is None or str(target) in str(a["target"]))]
            self.assertTrue(hits, "no audit entry by %s with %s on %s in %s" %
                            (user, words, target, json.dumps(audit, indent=1)))
            return hits

        self.assertTrue(any(w in a["action"].lower() for a in find(sec_name, "code")
                            for w in ("new", "creat", "issue", "add")))
        find(sec_name, "revoke", target=c1["id"])
        self.assertTrue(any(w in a["action"].lower() for a in find(mnt_name, "kiosk")
                            for w in ("new", "creat", "add")))
        find(sec_name, "end", target=sid)
        self.assertTrue(any("user" in a["action"].lower() for a in audit if a["user"] == "admin"))
        self.assertFalse([a for a in audit if "nope" in json.dumps(a)],
                         "a refused request was audited")
        text = json.dumps(raw)
        for secret in (normalise(c1["code"]), normalise(c2["code"]), c2["code"], kt, sec, mnt):
            self.assertNotIn(secret, text, "a secret is in the audit log")
        # newest first; limit 1..10000
        ids = [a["id"] for a in audit]
        self.assertEqual(ids, sorted(ids, reverse=True))
        few = self.api("GET", "/api/v1/audit?limit=2", token=mnt)["audit"]
        self.assertEqual([a["id"] for a in few], ids[:2])
        for bad in ("0", "10001"):
            self.assertError(self.req("GET", "/api/v1/audit?limit=" + bad, token=mnt),
                             400, "bad_request", "limit=" + bad)


def parse_csv(data):
    text = data.decode("utf-8")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=";"))


class Usage(AdmindTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        self = cls.helper()
        cls.kiosks = [self.new_kiosk(name='Salle A; "coin"', site="Nord;Est"),
                      self.new_kiosk(name="=cmd|x", site="+33"),
                      self.new_kiosk(name="@SUM(1)", site="-2")]
        cls.used = [600, 1200, 3000, 60]
        codes = self.new_codes(count=len(cls.used))
        cls.sessions = []
        for i, secs in enumerate(cls.used):
            _, kt = cls.kiosks[i % len(cls.kiosks)]
            sid = self.open_ok(kt, codes[i]["code"])["session"]
            self.end_session(kt, sid, seconds_used=secs)
            cls.sessions.append(sid)

    def usage(self, query, token=None):
        return self.req("GET", "/api/v1/usage?" + query, token=token or self.admin)

    def test_csv(self):
        q = "from=%s&to=%s&format=csv" % (today_local(-1), today_local(1))
        st, hdrs, data = self.usage(q)
        self.assertEqual(st, 200, data)
        self.assertIsInstance(data, bytes)
        ctype = hdrs.get("content-type", "").replace(" ", "").lower()
        self.assertEqual(ctype, "text/csv;charset=utf-8")
        self.assertTrue(data.startswith(b"\xef\xbb\xbf"), "no UTF-8 BOM: %r" % data[:20])
        self.assertTrue(data.endswith(b"\r\n"), "last line not ended by CRLF")
        self.assertNotIn(b"\n", data.replace(b"\r\n", b""), "a bare LF")
        lines = data[3:].split(b"\r\n")[:-1]
        self.assertEqual(lines[0].decode("utf-8"), "session;poste;site;début;fin;durée (s);"
                         "durée (min);pages;motif de fin;hors ligne;pages imprimées;"
                         "pages refusées;pages rendues")
        rows = parse_csv(data)
        header, body = rows[0], rows[1:]
        self.assertTrue(all(h and not h[0].isdigit() for h in header), header)
        self.assertEqual(len(body), len(self.sessions), rows)
        for r in body:
            self.assertEqual(len(r), len(header), r)
        cells = [c for r in body for c in r]
        for c in cells:
            self.assertFalse(c[:1] in ("=", "+", "-", "@"), "formula cell %r" % c)
        self.assertIn('Salle A; "coin"', cells)
        self.assertIn(b'"Salle A; ""coin"""', data)
        self.assertIn("Nord;Est", cells)
        self.assertTrue([c for c in cells if c.endswith("=cmd|x")], cells)
        self.assertTrue([c for c in cells if c.endswith("@SUM(1)")], cells)
        for sid in self.sessions:
            self.assertIn(sid, cells, "session id in a column")

    def test_csv_empty_range(self):
        st, _, data = self.usage("from=2001-01-01&to=2001-01-31&format=csv")
        self.assertEqual(st, 200)
        rows = parse_csv(data)
        self.assertEqual(len(rows), 1, "only the header")

    def test_csv_to_is_inclusive(self):
        st, _, data = self.usage("from=%s&to=%s&format=csv" % (today_local(), today_local()))
        self.assertEqual(st, 200)
        if time.strftime("%H:%M") < "00:05":
            self.skipTest("too close to midnight")
        self.assertEqual(len(parse_csv(data)) - 1, len(self.sessions))

    def test_json(self):
        d = self.api("GET", "/api/v1/usage?from=%s&to=%s&format=json" %
                     (today_local(-1), today_local(1)), token=self.admin)
        self.assertEqual((d["from"], d["to"]), (today_local(-1), today_local(1)))
        for s in d["sessions"]:
            for f in ("id", "kiosk", "site", "started_at", "ended_at", "seconds_used",
                      "pages_used", "end_reason", "offline"):
                self.assertIn(f, s)
        self.assertEqual(sorted(s["id"] for s in d["sessions"]), sorted(self.sessions))
        by_id = {s["id"]: s for s in d["sessions"]}
        for sid, secs in zip(self.sessions, self.used):
            self.assertEqual(by_id[sid]["seconds_used"], secs)

    def test_bad_ranges(self):
        for q in ("from=2024-13-01", "from=yesterday", "to=2024-02-30", "format=xls",
                  "from=2025-01-10&to=2025-01-01"):
            self.assertError(self.usage(q), 400, "bad_request", q)

    def test_stats(self):
        d = self.api("GET", "/api/v1/stats?from=%s&to=%s" % (today_local(-1), today_local(1)),
                     token=self.admin)
        for f in ("from", "to", "sessions", "minutes", "pages", "mean_minutes",
                  "median_minutes", "per_day", "per_kiosk"):
            self.assertIn(f, d)
        mins = [s / 60 for s in self.used]
        self.assertEqual(d["sessions"], len(self.used))
        self.assertAlmostEqual(d["minutes"], sum(mins), delta=0.5)
        self.assertAlmostEqual(d["mean_minutes"], statistics.mean(mins), delta=0.5)
        self.assertAlmostEqual(d["median_minutes"], statistics.median(mins), delta=0.5)
        days = {x["day"]: x for x in d["per_day"]}
        self.assertIn(today_local(), days)
        self.assertEqual(sum(x["sessions"] for x in d["per_day"]), len(self.used))
        self.assertEqual(days[today_local()]["sessions"], len(self.used))
        per_kiosk = {x["kiosk"]: x for x in d["per_kiosk"]}
        self.assertEqual(per_kiosk['Salle A; "coin"']["sessions"], 2)
        self.assertEqual(per_kiosk['Salle A; "coin"']["site"], "Nord;Est")
        self.assertAlmostEqual(per_kiosk['Salle A; "coin"']["minutes"], 10 + 1, delta=0.5)
        self.assertEqual(per_kiosk["=cmd|x"]["sessions"], 1)
        self.assertEqual(per_kiosk["@SUM(1)"]["sessions"], 1)
        empty = self.api("GET", "/api/v1/stats?from=2001-01-01&to=2001-01-02", token=self.admin)
        self.assertEqual(empty["sessions"], 0)
        self.assertEqual(empty["per_kiosk"], [])


class Backup(AdmindTestCase):

    def test_backup(self):
        _, kt = self.new_kiosk()
        c = self.new_code()
        sid = self.open_ok(kt, c["code"])["session"]
        mnt_name, mnt = self.new_user("maintenance")
        st, hdrs, data = self.req("GET", "/api/v1/backup", token=mnt)
        self.assertEqual(st, 200)
        self.assertEqual(hdrs.get("content-type", "").split(";")[0].strip(),
                         "application/vnd.sqlite3")
        self.assertIsInstance(data, bytes)
        self.assertTrue(data.startswith(b"SQLite format 3\0"), data[:32])
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "copy.db")
            with open(p, "wb") as f:
                f.write(data)
            con = sqlite3.connect("file:%s?mode=ro" % p, uri=True)
            try:
                self.assertEqual(con.execute("PRAGMA integrity_check").fetchone()[0], "ok")
                tables = {r[0] for r in con.execute(
                    "SELECT name FROM sqlite_master WHERE type='table'")}
                self.assertIn("sessions", tables)
                self.assertGreaterEqual(con.execute("SELECT count(*) FROM sessions").fetchone()[0], 1)
            finally:
                con.close()
        # the key of the code hashes never goes into a backup
        with open(self.server.db + ".key", "rb") as f:
            key = f.read()
        self.assertNotIn(key, data)
        self.assertNotIn(key.hex().encode(), data)
        self.assertNotIn(normalise(c["code"]).encode(), data)
        self.assertNotIn(kt.encode(), data)


class Health(AdmindTestCase):

    def test_healthz_without_credentials(self):
        st, hdrs, d = self.req("GET", "/healthz")
        self.assertEqual(st, 200)
        self.assertEqual(d, {"status": "ok", "version": "0.1.0", "database": "ok"})

    def test_staff_routes_need_credentials(self):
        for path in ("/api/v1/codes", "/api/v1/kiosks", "/api/v1/sessions", "/api/v1/usage",
                     "/api/v1/stats", "/api/v1/users", "/api/v1/whoami", "/api/v1/backup",
                     "/api/v1/audit"):
            self.assertError(self.req("GET", path), 401, "unauthorized", path)


if __name__ == "__main__":
    main()
