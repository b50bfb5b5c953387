"""Services per site and for accompanied sessions (docs/API.md "Services of a site"): the
real escale-admind, the real escale-kiosk-net and the real escale-proxy. A service kept for
accompanied sessions is never in a resident's allowlist: a resident's session is refused its
host, the accompanied session of a mediator reaches it, and the resident's list comes back
when it ends. The site's choice of services reaches the kiosk with its next sync."""

import unittest
import urllib.parse

from test_kiosk_net import NetCase, eventually
from test_kiosk_services import RealProxyCase, svc

PASSWORD = "mediator password 1"


class SiteServices(NetCase):
    """admind alone: the site's choice in the kiosk's list."""

    def put(self, site, settings, expect=200):
        path = "/api/v1/sites/%s/settings" % urllib.parse.quote(site, safe="")
        return self.api("PUT", path, settings, self.admin, expect=expect)

    def kiosk_list(self, kt):
        d = self.api("GET", "/api/v1/kiosk/services", token=kt)
        return d["version"], {s["id"]: s["accompanied"] for s in d["services"]}

    def test_site_choice_and_accompanied_services(self):
        site = self.unique("Site")
        _, kt = self.new_kiosk(site=site)
        _, other = self.new_kiosk(site=self.unique("Other"))
        a = self.unique("a")
        b = self.unique("b")
        bank = self.unique("bank")
        for sid, extra in ((a, {}), (b, {}), (bank, {"accompanied": True})):
            d = self.api("POST", "/api/v1/services", svc(sid, sid + ".example", id=sid, **extra),
                         self.admin, expect=201)
            self.assertEqual(d["accompanied"], bool(extra))
        # No site choice: every service but the accompanied-only ones.
        v0, got = self.kiosk_list(kt)
        self.assertEqual((got[a], got[b]), (False, False))
        self.assertNotIn(bank, got)
        # The site chooses a, and bank for accompanied sessions; b is left out.
        self.put(site, {"services": [a], "accompanied_services": [bank, b]})
        v1, got = self.kiosk_list(kt)
        self.assertEqual(got, {a: False, bank: True, b: True})
        self.assertGreater(v1, v0)
        # The heartbeat says the new version: the kiosk fetches the list again.
        hb = self.heartbeat(kt)
        self.assertEqual(hb["services_version"], v1)
        # Another site's kiosk is not concerned.
        _, got = self.kiosk_list(other)
        self.assertNotIn(bank, got)
        # An accompanied-only service named in "services" stays accompanied-only.
        self.put(site, {"services": [a, bank]})
        _, got = self.kiosk_list(kt)
        self.assertEqual(got, {a: False})
        # Strict: ids only, none twice, a list of at most 64.
        for bad in ({"services": "a"}, {"services": ["A B"]}, {"services": [a, a]},
                    {"accompanied_services": [1]}, {"services": ["x%d" % i for i in range(65)]},
                    {"services": ["-a"]}, {"accompanied_services": ["a" * 33]}):
            self.assertEqual(self.req("PUT", "/api/v1/sites/%s/settings"
                                      % urllib.parse.quote(site, safe=""), bad,
                                      self.admin)[0], 400, repr(bad))
        # Edit: the audience is a field like any other.
        d = self.api("POST", "/api/v1/services/" + b, {"accompanied": True}, self.admin)
        self.assertTrue(d["accompanied"])
        self.assertError(self.req("POST", "/api/v1/services/" + b, {"accompanied": "yes"},
                                  self.admin), 400, "bad_request")


class AccompaniedProxy(RealProxyCase):
    """The real escale-proxy: a resident cannot reach the bank, an accompanied session can."""

    HOSTS = ("www.mairie.example", "www.banque.example")

    def test_accompanied_session_reaches_what_a_resident_cannot(self):
        site = self.unique("Site")
        _, kt = self.new_kiosk(site=site)
        self.api("POST", "/api/v1/services", svc("Mairie", "mairie.example", id="mairie"),
                 self.admin, expect=201)
        self.api("POST", "/api/v1/services",
                 svc("Banque", "banque.example", id="banque", accompanied=True), self.admin,
                 expect=201)
        path = "/api/v1/sites/%s/settings" % urllib.parse.quote(site, safe="")
        self.api("PUT", path, {"accompanied_services": ["banque"]}, self.admin)
        med = self.api("POST", "/api/v1/users", {"name": self.unique("med"), "role": "mediator",
                                                 "password": PASSWORD, "sites": [site]},
                       self.admin, expect=201)
        n = self.net(kt, extra='proxy = { control = "%s"; };' % self.proxy.control)
        v = self.api("GET", "/api/v1/kiosk/services", token=kt)["version"]
        m = n.wait_t("services", version=v)
        self.assertEqual({s["id"]: s.get("accompanied", False) for s in m["services"]
                          if s["id"] in ("mairie", "banque")},
                         {"mairie": False, "banque": True})
        residents = len([s for s in m["services"] if not s.get("accompanied")])
        eventually(self, lambda: self.proxy.ask({"t": "status"})["services"] == residents,
                   "the residents' part of the list in the proxy")
        n.wait_t("online", online=True)
        # A resident's session: the town hall, never the bank.
        r = n.login(self.new_code()["code"])
        self.assertTrue(r["ok"], r)
        self.assertNotIn("accompanied_by", r)
        self.assertIn(" 200 ", self.connect("www.mairie.example"))
        self.assertIn(" 403 ", self.connect("www.banque.example"))
        n.send(t="end", session=r["session"], reason="user", seconds_used=10, pages_used=0)
        # An accompanied session: the mediator's code, the bank too.
        code = self.api("POST", "/api/v1/accompany", None, med["token"], expect=201)["code"]
        r = n.login(code)
        self.assertTrue(r["ok"], r)
        self.assertEqual(r["accompanied_by"], med["name"])
        eventually(self, lambda: self.proxy.ask({"t": "status"})["services"] == residents + 1,
                   "the whole list in the proxy")
        self.assertIn(" 200 ", self.connect("www.banque.example"))
        self.assertIn(" 200 ", self.connect("www.mairie.example"))
        n.send(t="end", session=r["session"], reason="user", seconds_used=10, pages_used=0)
        # Its end takes the bank away again.
        eventually(self, lambda: self.proxy.ask({"t": "status"})["services"] == residents,
                   "the residents' part again")
        self.assertIn(" 403 ", self.connect("www.banque.example"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
