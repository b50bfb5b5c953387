#!/usr/bin/env python3
"""The services of the kiosks' home page, their statistics and the proxy's
refusals (docs/API.md, docs/network.md), against the real escale-admind."""

import csv
import io
import re
import os
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from escale_test import AdmindTestCase, SRC_ROOT, admind_path, today_local, main  # noqa: E402

CATALOGUE = os.path.join(SRC_ROOT, "config", "services.conf")


def svc(name, host, **extra):
    body = {"name": name, "url": "https://www.%s/" % host, "domains": [host]}
    body.update(extra)
    return body


class ServicesCatalogue(AdmindTestCase):
    """A new database starts with config/services.conf."""

    EXTRA_CONF = AdmindTestCase.EXTRA_CONF + 'services = { catalogue = "%s"; };\n' % CATALOGUE

    def test_catalogue_loaded_once(self):
        d = self.api("GET", "/api/v1/services", token=self.admin)
        ids = [s["id"] for s in d["services"]]
        self.assertEqual(ids, ["caf", "france-travail", "ameli", "impots-gouv", "ants",
                               "service-public", "anef", "msa", "info-retraite",
                               "mes-droits-sociaux", "identite-numerique", "franceconnect",
                               "webmail-laposte", "banque-postale"])
        # The last two are for accompanied sessions only.
        self.assertEqual([s["id"] for s in d["services"] if s["accompanied"]],
                         ["webmail-laposte", "banque-postale"])
        self.assertEqual(d["version"], 1)
        caf = d["services"][0]
        self.assertEqual(caf["name"], "CAF")
        self.assertEqual(caf["icon"], "famille")
        self.assertIn("franceconnect.gouv.fr", caf["domains"])
        self.assertIs(caf["intranet"], False)
        audit = self.api("GET", "/api/v1/audit?limit=10000", token=self.admin)["audit"]
        imports = [a for a in audit if a["action"] == "service.import"]
        self.assertEqual(len(imports), 1, imports)
        self.assertEqual(imports[0]["detail"], {"services": 14})
        # A restart does not load it again, even over an emptied list.
        for s in ids:
            self.api("DELETE", "/api/v1/services/" + s, token=self.admin)
        self.server.stop()
        self.server.start()
        d = self.api("GET", "/api/v1/services", token=self.admin)
        self.assertEqual(d["services"], [])
        self.assertEqual(d["version"], 1 + len(ids))


class CatalogueCheck(unittest.TestCase):
    """escale-admind -n reads the catalogue with the API's checks: FILE:LINE on error."""

    GOOD = ('services = ( { name = "A"; url = "https://www.a.fr/"; domains = [ "a.fr" ];'
            ' icon = "sante"; } );\n')

    def check(self, catalogue):
        with tempfile.TemporaryDirectory() as d:
            cat = os.path.join(d, "services.conf")
            with open(cat, "w", encoding="utf-8") as f:
                f.write(catalogue)
            conf = os.path.join(d, "admind.conf")
            with open(conf, "w", encoding="utf-8") as f:
                f.write('listen = "127.0.0.1:1";\ndatabase = "%s/x.db";\n'
                        'services = { catalogue = "%s"; };\n' % (d, cat))
            r = subprocess.run([admind_path(), "-c", conf, "-n"], stdin=subprocess.DEVNULL,
                               capture_output=True, timeout=20)
            return r.returncode, (r.stderr + r.stdout).decode("utf-8", "replace"), cat

    def test_good(self):
        rc, out, _ = self.check(self.GOOD)
        self.assertEqual(rc, 0, out)
        with open(CATALOGUE, encoding="utf-8") as f:
            rc, out, _ = self.check(f.read())
        self.assertEqual(rc, 0, out)

    def test_hostile(self):
        entry = '{ name = "A"; url = "https://www.a.fr/"; domains = [ "a.fr" ]; %s }'
        bad = [
            ('services = ( %s );' % (entry % 'icon = "skull";'), 1),
            ('services = ( %s );' % (entry % 'id = "Bad";'), 1),
            ('services = ( %s );' % (entry % 'extra = 1;'), 1),
            ('services = (\n %s,\n %s );' % (entry % '', entry % ''), 3),
            ('services = ( { name = "A"; url = "https://www.b.fr/"; domains = [ "a.fr" ]; } );',
             1),
            ('services = ( { name = "A"; url = "https://www.a.fr/"; domains = [ "A.FR" ]; } );',
             1),
            ('services = ( %s );' % ", ".join(
                '{ name = "S%d"; url = "https://s.fr/"; domains = [ "s.fr" ]; }' % i
                for i in range(65)), 1),
            ('services = "x";', 1),
            ('other = 1;', 1),
            ('services = ( %s ', 1),
        ]
        for text, line in bad:
            rc, out, cat = self.check(text + "\n")
            self.assertEqual(rc, 1, text)
            self.assertIn("%s:%d:" % (cat, line), out, text)


class Services(AdmindTestCase):

    def setUp(self):
        _, self.maint = self.new_user("maintenance")
        _, self.sec = self.new_user("secretariat")

    def version(self):
        return self.api("GET", "/api/v1/services", token=self.sec)["version"]

    def test_add_edit_move_remove(self):
        v0 = self.version()
        s = self.api("POST", "/api/v1/services",
                     svc("Mairie de Lyon", "lyon.fr", category="Démarches", icon="demarches"),
                     self.maint, expect=201)
        self.assertEqual(s, {"id": "mairie-de-lyon", "name": "Mairie de Lyon",
                             "url": "https://www.lyon.fr/", "category": "Démarches",
                             "icon": "demarches", "domains": ["lyon.fr"], "intranet": False,
                             "accompanied": False})
        self.assertEqual(self.version(), v0 + 1)
        # The same id or name again: 409.
        self.assertError(self.req("POST", "/api/v1/services", svc("Mairie de Lyon", "lyon.fr"),
                                  self.maint), 409, "conflict")
        self.assertError(self.req("POST", "/api/v1/services",
                                  svc("Autre", "lyon.fr", id="mairie-de-lyon"), self.maint),
                         409, "conflict")
        self.assertEqual(self.version(), v0 + 1)
        s2 = self.api("POST", "/api/v1/services",
                      svc("Intranet", "centre.local", id="intra", intranet=True), self.admin,
                      expect=201)
        self.assertIs(s2["intranet"], True)
        # A partial edit keeps the rest.
        e = self.api("POST", "/api/v1/services/mairie-de-lyon", {"name": "Lyon"}, self.maint)
        self.assertEqual(e["name"], "Lyon")
        self.assertEqual(e["url"], "https://www.lyon.fr/")
        self.assertEqual(e["category"], "Démarches")
        # Edits are checked as a whole: the url's host must stay covered.
        self.assertError(self.req("POST", "/api/v1/services/mairie-de-lyon",
                                  {"url": "https://www.grandlyon.com/"}, self.maint),
                         400, "bad_request")
        e = self.api("POST", "/api/v1/services/mairie-de-lyon",
                     {"url": "https://www.grandlyon.com/", "domains": ["lyon.fr", "grandlyon.com"]},
                     self.maint)
        self.assertEqual(e["domains"], ["lyon.fr", "grandlyon.com"])
        # Order: move the intranet first.
        d = self.api("POST", "/api/v1/services/intra/move", {"position": 0}, self.maint)
        ids = [x["id"] for x in d["services"]]
        self.assertEqual(ids[0], "intra")
        self.assertLess(ids.index("intra"), ids.index("mairie-de-lyon"))
        d = self.api("POST", "/api/v1/services/intra/move", {"position": 63}, self.maint)
        self.assertEqual(d["services"][-1]["id"], "intra")
        v = self.version()
        r = self.api("DELETE", "/api/v1/services/intra", token=self.maint)
        self.assertEqual(r, {"id": "intra", "removed": True})
        self.assertEqual(self.version(), v + 1)
        self.assertError(self.req("DELETE", "/api/v1/services/intra", token=self.maint),
                         404, "not_found")
        self.assertError(self.req("POST", "/api/v1/services/intra", {"name": "x"}, self.maint),
                         404, "not_found")
        # Every change is audited with its author.
        audit = self.api("GET", "/api/v1/audit?limit=50", token=self.admin)["audit"]
        mine = [(a["action"], a["target"]) for a in audit
                if a["target"] in ("intra", "mairie-de-lyon")]
        for action in ("service.add", "service.edit", "service.move", "service.remove"):
            self.assertIn(action, [m[0] for m in mine], mine)
        # The edit's line says the service as it became (domains one per line).
        edit = [a for a in audit if a["action"] == "service.edit"][0]
        self.assertEqual(edit["detail"]["domains"], "lyon.fr\ngrandlyon.com")
        self.api("DELETE", "/api/v1/services/mairie-de-lyon", token=self.admin)

    def test_add_domain(self):
        self.api("POST", "/api/v1/services", svc("Dom", "dom.example", id="dom"), self.maint,
                 expect=201)
        v = self.version()
        s = self.api("POST", "/api/v1/services/dom/domains", {"domain": "cdn.example.net"},
                     self.maint)
        self.assertEqual(s["domains"], ["dom.example", "cdn.example.net"])
        self.assertEqual(self.version(), v + 1)
        # Covered already (itself, or a subdomain of a listed domain): 409.
        for d in ("cdn.example.net", "x.dom.example", ".dom.example"):
            self.assertError(self.req("POST", "/api/v1/services/dom/domains", {"domain": d},
                                      self.maint), 409, "conflict", d)
        for d in ("CDN.example.net", "a..b", "-a.b", "a b", "", "x" * 300, "é.fr", "1.2.3.4:80"):
            self.assertError(self.req("POST", "/api/v1/services/dom/domains", {"domain": d},
                                      self.maint), 400, "bad_request", d)
        self.assertError(self.req("POST", "/api/v1/services/nope/domains",
                                  {"domain": "a.fr"}, self.maint), 404, "not_found")
        for i in range(30):
            self.api("POST", "/api/v1/services/dom/domains", {"domain": "d%d.example" % i},
                     self.maint)
        self.assertError(self.req("POST", "/api/v1/services/dom/domains",
                                  {"domain": "one-too-many.example"}, self.maint), 409, "limit")
        audit = self.api("GET", "/api/v1/audit?limit=100", token=self.admin)["audit"]
        self.assertTrue(any(a["action"] == "service.add_domain" and a["target"] == "dom" and
                            a["detail"] == {"domain": "cdn.example.net"} for a in audit))
        self.api("DELETE", "/api/v1/services/dom", token=self.admin)

    def test_roles(self):
        self.api("GET", "/api/v1/services", token=self.sec)
        v = self.version()
        for method, path, body in (
                ("POST", "/api/v1/services", svc("Sec", "sec.example")),
                ("POST", "/api/v1/services/x", {"name": "y"}),
                ("POST", "/api/v1/services/x/domains", {"domain": "a.fr"}),
                ("POST", "/api/v1/services/x/move", {"position": 0}),
                ("DELETE", "/api/v1/services/x", None),
                ("GET", "/api/v1/refusals", None),
                ("GET", "/api/v1/stats/services.csv", None)):
            self.assertError(self.req(method, path, body, self.sec), 403, "forbidden", path)
        _, ktoken = self.new_kiosk()
        self.assertError(self.req("GET", "/api/v1/services", token=ktoken), 403, "forbidden")
        self.assertError(self.req("POST", "/api/v1/services", svc("K", "k.example"), ktoken),
                         403, "forbidden")
        self.assertError(self.req("GET", "/api/v1/kiosk/services", token=self.sec),
                         403, "forbidden")
        self.assertError(self.req("GET", "/api/v1/services"), 401, "unauthorized")
        self.assertEqual(self.version(), v)

    def test_hostile_bodies(self):
        v = self.version()
        bad = [
            {},
            {"name": "x", "url": "https://x.fr/"},                      # no domains
            svc("", "x.fr"),
            svc("n" * 41, "x.fr"),
            svc("x", "x.fr", category="c" * 41),
            svc("x", "x.fr", icon="skull"),
            svc("x", "x.fr", id="Bad_Id"),
            svc("x", "x.fr", id="-x"),
            svc("x", "x.fr", id="x" * 33),
            svc("x", "x.fr", intranet="yes"),
            svc("x", "x.fr", extra=1),
            svc(5, "x.fr"),
            {"name": "x", "url": "http://www.x.fr/", "domains": ["x.fr"]},
            {"name": "x", "url": "https://www.x.fr/", "domains": ["y.fr"]},
            {"name": "x", "url": "https://user@www.x.fr/", "domains": ["x.fr"]},
            {"name": "x", "url": "https://1.2.3.4/", "domains": ["x.fr"]},
            {"name": "x", "url": "https://www.x.fr/ a", "domains": ["x.fr"]},
            {"name": "x", "url": "https://www.x.fr/" + "a" * 2100, "domains": ["x.fr"]},
            {"name": "x", "url": "https://www.x.fr/", "domains": []},
            {"name": "x", "url": "https://www.x.fr/", "domains": "x.fr"},
            {"name": "x", "url": "https://www.x.fr/", "domains": [1]},
            {"name": "x", "url": "https://www.x.fr/", "domains": ["x.fr", "x.fr"]},
            {"name": "x", "url": "https://www.x.fr/", "domains": ["X.FR"]},
            {"name": "x", "url": "https://www.x.fr/",
             "domains": ["x.fr"] + ["d%d.fr" % i for i in range(32)]},
            {"name": "x\u0001", "url": "https://www.x.fr/", "domains": ["x.fr"]},
            {"name": "x", "url": "https://www.x.fr/" + "é" * 1100, "domains": ["x.fr"]},
            {"name": "x", "url": "https://www.x.fr/é", "domains": ["x.fr"]},
            svc("x", "x.fr", icon="é" * 16),
        ]
        for body in bad:
            self.assertError(self.req("POST", "/api/v1/services", body, self.maint),
                             400, "bad_request", repr(body)[:80])
        self.assertError(self.req("POST", "/api/v1/services", raw=b"[1,2", token=self.maint),
                         400, "bad_request")
        self.assertError(self.req("POST", "/api/v1/services", raw=b"{" + b" " * 70000 + b"}",
                                  token=self.maint), 413, "too_large")
        self.assertError(self.req("POST", "/api/v1/services/x", {"id": "y"}, self.maint),
                         404, "not_found")
        self.assertError(self.req("DELETE", "/api/v1/services/x", {"a": 1}, self.maint),
                         400, "bad_request")
        self.assertError(self.req("GET", "/api/v1/services?x=1", token=self.maint),
                         400, "bad_request")
        self.assertEqual(self.version(), v)

    def test_at_most_64(self):
        have = len(self.api("GET", "/api/v1/services", token=self.sec)["services"])
        made = []
        for i in range(64 - have):
            made.append(self.api("POST", "/api/v1/services", svc("Many %d" % i, "m%d.fr" % i),
                                 self.maint, expect=201)["id"])
        self.assertError(self.req("POST", "/api/v1/services", svc("Many 65", "m65.fr"),
                                  self.maint), 409, "limit")
        for i in made:
            self.api("DELETE", "/api/v1/services/" + i, token=self.maint)

    def test_kiosk_routes(self):
        _, ktoken = self.new_kiosk()
        self.api("POST", "/api/v1/services", svc("Kiosk seen", "ks.example", id="ks"), self.maint,
                 expect=201)
        staff = self.api("GET", "/api/v1/services", token=self.sec)
        kiosk = self.api("GET", "/api/v1/kiosk/services", token=ktoken)
        self.assertEqual(kiosk, staff)
        hb = self.heartbeat(ktoken)
        self.assertEqual(hb["services_version"], staff["version"])
        codes = self.api("GET", "/api/v1/kiosk/codes?since=0", token=ktoken)
        self.assertEqual(codes["services_version"], staff["version"])
        self.api("POST", "/api/v1/services/ks/domains", {"domain": "cdn.ks.net"}, self.maint)
        self.assertEqual(self.heartbeat(ktoken)["services_version"], staff["version"] + 1)
        self.api("DELETE", "/api/v1/services/ks", token=self.maint)


class ServiceStats(AdmindTestCase):
    """Sessions that used each service: counted once per session, nothing kept per session."""

    def session(self, ktoken):
        code = self.new_code()["code"]
        return self.open_ok(ktoken, code)["session"]

    def stats(self):
        return self.api("GET", "/api/v1/stats", token=self.admin)["per_service"]

    def test_count_once(self):
        self.api("POST", "/api/v1/services", svc("CAF", "caf.fr", id="caf"), self.admin,
                 expect=201)
        _, k1 = self.new_kiosk(site="Nord")
        _, k2 = self.new_kiosk(site="Sud")
        s1 = self.session(k1)
        self.api("POST", "/api/v1/kiosk/sessions/%s/end" % s1,
                 {"reason": "user", "services": ["caf", "ameli"]}, k1)
        # The same end again, and with other services: nothing more.
        self.api("POST", "/api/v1/kiosk/sessions/%s/end" % s1,
                 {"reason": "user", "services": ["caf", "ameli", "ants"]}, k1)
        # An end as an event, for a session already ended: nothing more.
        ev = {"id": "ev-" + s1, "type": "session_end", "at": int(time.time()), "session": s1,
              "reason": "user", "seconds_used": 5, "services": ["caf"]}
        r = self.api("POST", "/api/v1/kiosk/events", {"events": [ev]}, k1)
        self.assertEqual(r["results"][0]["status"], "applied")
        r = self.api("POST", "/api/v1/kiosk/events", {"events": [ev]}, k1)
        self.assertEqual(r["results"][0]["status"], "duplicate")
        # Another session, ended by an event on another site.
        s2 = self.session(k2)
        ev2 = dict(ev, id="ev-" + s2, session=s2, services=["caf"])
        self.api("POST", "/api/v1/kiosk/events", {"events": [ev2]}, k2)
        # A session the desk ended first still counts once when its kiosk reports it.
        s3 = self.session(k2)
        self.api("POST", "/api/v1/sessions/%s/end" % s3, token=self.admin)
        self.api("POST", "/api/v1/kiosk/sessions/%s/end" % s3,
                 {"reason": "staff", "services": ["caf"]}, k2)
        # Another kiosk's session, and an unknown one: 404, nothing counted.
        s4 = self.session(k1)
        self.api("POST", "/api/v1/kiosk/sessions/%s/end" % s4,
                 {"reason": "user", "services": ["caf"]}, k2, expect=404)
        self.api("POST", "/api/v1/kiosk/sessions/%s/end" % ("0" * 32),
                 {"reason": "user", "services": ["caf"]}, k2, expect=404)
        per = {p["service"]: p for p in self.stats()}
        self.assertEqual(per["caf"], {"service": "caf", "name": "CAF", "sessions": 3})
        # A service not (or no longer) in the list shows its id.
        self.assertEqual(per["ameli"], {"service": "ameli", "name": "ameli", "sessions": 1})
        self.assertNotIn("ants", per)
        self.assertEqual([p["service"] for p in self.stats()][0], "caf")
        # Nothing on the sessions themselves.
        db = self.server.db_connect()
        try:
            cols = [r[1] for r in db.execute("PRAGMA table_info(sessions)")]
            rows = db.execute("SELECT day, site, service, sessions FROM service_daily"
                              " ORDER BY site, service").fetchall()
        finally:
            db.close()
        self.assertFalse([c for c in cols if "service" in c], cols)
        today = today_local()
        self.assertEqual(rows, [(today, "Nord", "ameli", 1), (today, "Nord", "caf", 1),
                                (today, "Sud", "caf", 2)])
        # The CSV per day, site and service.
        st, hdrs, data = self.req("GET", "/api/v1/stats/services.csv", token=self.admin)
        self.assertEqual(st, 200)
        self.assertTrue(hdrs["content-type"].startswith("text/csv"))
        self.assertTrue(data.startswith(b"\xef\xbb\xbf"))
        text = data[3:].decode("utf-8")
        self.assertTrue(text.endswith("\r\n"))
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
        self.assertEqual(rows, [["jour", "site", "service", "sessions"],
                                [today, "Nord", "ameli", "1"], [today, "Nord", "CAF", "1"],
                                [today, "Sud", "CAF", "2"]])
        st, _, data = self.req("GET", "/api/v1/stats/services.csv?from=2000-01-01&to=2000-01-02",
                               token=self.admin)
        self.assertEqual(data, b"\xef\xbb\xbfjour;site;service;sessions\r\n")
        self.assertError(self.req("GET", "/api/v1/stats/services.csv?from=x", token=self.admin),
                         400, "bad_request")
        # The usage CSV per session does not name services (in no field: a session id in
        # hex may well hold the letters "caf").
        st, _, data = self.req("GET", "/api/v1/usage?format=csv", token=self.admin)
        fields = {f.lower() for row in csv.reader(io.StringIO(data.decode("utf-8-sig"),
                                                              newline=""), delimiter=";")
                  for f in row}
        named = [f for f in fields if re.search(r"\b(caf|ameli)\b", f)]
        self.assertEqual(named, [], "a service named in the usage CSV")

    def test_malformed_services(self):
        _, k = self.new_kiosk()
        s = self.session(k)
        for services in (["caf", "caf"], ["Bad"], [1], "caf", ["x" * 33],
                         ["s%d" % i for i in range(65)], [None]):
            self.assertError(self.req("POST", "/api/v1/kiosk/sessions/%s/end" % s,
                                      {"reason": "user", "services": services}, k),
                             400, "bad_request", repr(services))
            ev = {"id": "bad-%d" % len(repr(services)), "type": "session_end",
                  "at": int(time.time()), "session": s, "reason": "user", "seconds_used": 1,
                  "services": services}
            self.assertError(self.req("POST", "/api/v1/kiosk/events", {"events": [ev]}, k),
                             400, "bad_request", repr(services))
        # The session is still open: nothing was applied.
        self.assertIsNone(self.session_by_id(s)["ended_at"])
        ok = ["s%d" % i for i in range(64)]
        self.api("POST", "/api/v1/kiosk/sessions/%s/end" % s, {"reason": "user", "services": ok},
                 k)


class Retention(AdmindTestCase):
    """Refusals go with the retention; the per-service counts stay, as daily totals do."""

    EXTRA_CONF = AdmindTestCase.EXTRA_CONF + "retention_days = 2;\n"

    def test_purge(self):
        _, k = self.new_kiosk(site="Est")
        self.api("POST", "/api/v1/kiosk/refusals", {"day": today_local(), "hosts": [
            {"host": "cdn.example.net", "service": "caf", "count": 2}], "other": 1}, k)
        sid = self.open_ok(k, self.new_code()["code"])["session"]
        self.api("POST", "/api/v1/kiosk/sessions/%s/end" % sid,
                 {"reason": "user", "services": ["caf"]}, k)
        self.server.stop()
        self.server.start(env={"ESCALE_FAKE_NOW": str(int(time.time()) + 5 * 86400)})
        db = self.server.db_connect()
        try:
            counts = [db.execute("SELECT count(*) FROM %s" % t).fetchone()[0]
                      for t in ("refusals", "refusals_other", "service_counted", "service_daily")]
        finally:
            db.close()
        self.assertEqual(counts, [0, 0, 0, 1])
        per = self.api("GET", "/api/v1/stats", token=self.admin)["per_service"]
        self.assertEqual(per, [{"service": "caf", "name": "caf", "sessions": 1}])


class Refusals(AdmindTestCase):

    def put(self, ktoken, body, expect=200):
        return self.api("POST", "/api/v1/kiosk/refusals", body, ktoken, expect=expect)

    def test_replace_and_sum(self):
        _, k1 = self.new_kiosk()
        _, k2 = self.new_kiosk()
        day = today_local()
        self.assertEqual(self.put(k1, {"day": day, "hosts": [
            {"host": "cdn.example.net", "service": "caf", "count": 3},
            {"host": "tracker.example.com", "service": None, "count": 1}], "other": 2}), {})
        # Cumulative: a later report replaces the earlier one.
        self.put(k1, {"day": day, "hosts": [
            {"host": "cdn.example.net", "service": "caf", "count": 5},
            {"host": "cdn.example.net", "service": "ameli", "count": 1},
            {"host": "tracker.example.com", "service": None, "count": 2}], "other": 4})
        self.put(k2, {"day": day, "hosts": [
            {"host": "cdn.example.net", "service": "caf", "count": 4},
            {"host": "fonts.example.org", "count": 9}], "other": 0})
        # Another day apart.
        self.put(k2, {"day": today_local(-1), "hosts": [
            {"host": "old.example", "service": None, "count": 7}]})
        d = self.api("GET", "/api/v1/refusals", token=self.admin)
        self.assertEqual(d["day"], day)
        self.assertEqual(d["other"], 4)
        self.assertEqual(d["hosts"], [
            {"host": "cdn.example.net", "count": 10, "kiosks": 2, "service": "caf",
             "services": [{"id": "caf", "count": 9}, {"id": "ameli", "count": 1}]},
            {"host": "fonts.example.org", "count": 9, "kiosks": 1, "service": None,
             "services": [{"id": None, "count": 9}]},
            {"host": "tracker.example.com", "count": 2, "kiosks": 1, "service": None,
             "services": [{"id": None, "count": 2}]}])
        d = self.api("GET", "/api/v1/refusals?day=" + today_local(-1), token=self.admin)
        self.assertEqual([h["host"] for h in d["hosts"]], ["old.example"])
        # An empty report clears that kiosk's day.
        self.put(k1, {"day": day, "hosts": [], "other": 0})
        d = self.api("GET", "/api/v1/refusals?day=" + day, token=self.admin)
        self.assertEqual([(h["host"], h["count"]) for h in d["hosts"]],
                         [("fonts.example.org", 9), ("cdn.example.net", 4)])
        _, maint = self.new_user("maintenance")
        self.api("GET", "/api/v1/refusals", token=maint)
        self.assertError(self.req("GET", "/api/v1/refusals?day=2026-13-01", token=maint),
                         400, "bad_request")
        self.assertError(self.req("GET", "/api/v1/refusals?when=1", token=maint),
                         400, "bad_request")

    def test_hostile(self):
        _, k = self.new_kiosk()
        day = today_local()
        h = {"host": "a.example", "service": "caf", "count": 1}
        bad = [
            {"hosts": []},
            {"day": "2026-02-30", "hosts": []},
            {"day": "yesterday!", "hosts": []},
            {"day": today_local(5), "hosts": []},
            {"day": "1999-01-01", "hosts": []},
            {"day": day},
            {"day": day, "hosts": {}},
            {"day": day, "hosts": [h], "other": -1},
            {"day": day, "hosts": [h], "extra": 1},
            {"day": day, "hosts": [dict(h, host="A.example")]},
            {"day": day, "hosts": [dict(h, host="a..example")]},
            {"day": day, "hosts": [dict(h, host="a" * 64 + ".example")]},
            {"day": day, "hosts": [dict(h, host=("a" * 60 + ".") * 5)]},
            {"day": day, "hosts": [dict(h, host="1.2.3.4:443")]},
            {"day": day, "hosts": [dict(h, host="")]},
            {"day": day, "hosts": [dict(h, host=5)]},
            {"day": day, "hosts": [dict(h, service="Bad")]},
            {"day": day, "hosts": [dict(h, service=3)]},
            {"day": day, "hosts": [dict(h, count=0)]},
            {"day": day, "hosts": [dict(h, count=10**9 + 1)]},
            {"day": day, "hosts": [dict(h, count="1")]},
            {"day": day, "hosts": [dict(h, path="/x")]},
            {"day": day, "hosts": [h, h]},
            {"day": day, "hosts": ["a.example"]},
            {"day": day, "hosts": [dict(h, host="h%d.example" % i) for i in range(257)]},
        ]
        for body in bad:
            self.assertError(self.req("POST", "/api/v1/kiosk/refusals", body, k), 400,
                             "bad_request", repr(body)[:100])
        self.assertEqual(self.api("GET", "/api/v1/refusals", token=self.admin)["hosts"], [])
        # 256 hosts are fine (on a day of their own: the other test reads today).
        day = today_local(-3)
        self.put(k, {"day": day, "hosts": [dict(h, host="h%d.example" % i) for i in range(256)],
                     "other": 1000})
        d = self.api("GET", "/api/v1/refusals?day=" + day, token=self.admin)
        self.assertEqual((len(d["hosts"]), d["other"]), (256, 1000))
        _, maint = self.new_user("maintenance")
        self.assertError(self.req("POST", "/api/v1/kiosk/refusals", {"day": day, "hosts": []},
                                  maint), 403, "forbidden")


if __name__ == "__main__":
    main()
