"""escale-kiosk-net and its site's settings (docs/API.md, "Sites"): the real helper against
the real escale-admind, and against a fake admind for hostile answers. The settings reach the
kiosk through the settings message, follow settings_version, are reported applied in the
heartbeat (the Postes view's "settings_version"), survive a restart offline from kcache, and a
bad answer keeps the last good settings."""

import unittest
import urllib.parse

from test_kiosk_net import NetCase, eventually, js
from test_kiosk_services import Case, ServicesAdmind

SETTINGS = {"hours": {"monday": ["09:00-12:00"], "closed": ["2026-12-25"]},
            "session.idle_seconds": 600, "session.warn_minutes": [5, 2], "centre_name": "Nord"}


def site_path(site):
    return "/api/v1/sites/%s/settings" % urllib.parse.quote(site, safe="")


class WithAdmind(NetCase):

    def test_settings_reach_kiosk_follow_versions_and_survive_offline(self):
        site = self.unique("ESC Nord")
        kid, kt = self.new_kiosk(site=site)
        self.api("PUT", site_path(site), SETTINGS, self.admin)
        n = self.net(kt)
        m = n.wait_t("settings", version=1)
        self.assertEqual(m["settings"]["session.idle_seconds"], 600)
        self.assertEqual(m["settings"]["session.warn_minutes"], [5, 2])
        self.assertEqual(m["settings"]["hours"], SETTINGS["hours"])

        def applied(v):
            rows = self.api("GET", "/api/v1/kiosks", token=self.admin)["kiosks"]
            return [k for k in rows if k["id"] == kid and k["settings_version"] == v]
        eventually(self, lambda: applied(1), "the heartbeat reports version 1")
        # A change at admind reaches the kiosk with the next heartbeat.
        self.api("PUT", site_path(site), {"language": "en"}, self.admin)
        m = n.wait_t("settings", version=2)
        self.assertEqual(m["settings"], {"language": "en"})
        eventually(self, lambda: applied(2), "the heartbeat reports version 2")
        # Restarted with admind gone: the cached settings, at once.
        self.assertEqual(n.stop(), 0, n.output())
        with open(n.conf) as f:
            conf = f.read().replace("127.0.0.1:%d" % self.server.port, "127.0.0.1:1")
        with open(n.conf, "w") as f:
            f.write(conf)
        n.start()
        m = n.wait_t("settings", version=2)
        self.assertEqual(m["settings"], {"language": "en"})
        self.assertIn("site settings 2 from the cache", n.output())

    def test_kiosk_of_no_site_gets_empty_settings_once(self):
        _, kt = self.new_kiosk(site="")
        n = self.net(kt)
        n.wait_t("online", online=True)
        # Version 0, nothing set: settings {} (the kiosk keeps its kiosk.conf).
        m = n.wait_t("settings", version=0)
        self.assertEqual(m["settings"], {})
        drain(n, 2.5)
        self.assertEqual(len([m for m in n.messages if m.get("t") == "settings"]), 1)


def drain(n, seconds):
    """Takes every message the helper sends within SECONDS into n.messages."""
    try:
        n.wait(lambda m: False, "nothing", timeout=seconds)
    except AssertionError:
        pass


class Fake(Case):
    """A fake admind: hostile settings answers keep the last good ones."""

    def setUp(self):
        super().setUp()
        self.admind.route_of = self.route_of
        self.settings_answer = (200, js({"version": 4, "settings": SETTINGS}))
        self.admind.routes["settings"] = lambda _b: self.settings_answer
        self.hb_extra = {"services_version": 3, "settings_version": 4}

    def route_of(self, path):
        if path.startswith("/api/v1/kiosk/settings"):
            return "settings"
        return ServicesAdmind.route_of(self.admind, path)

    def test_a_bad_answer_keeps_the_last_good_settings(self):
        n = self.start(proxy=False)
        m = n.wait_t("settings", version=4)
        self.assertEqual(m["settings"]["centre_name"], "Nord")
        fetched = len(self.admind.named("settings"))
        self.settings_answer = (200, js({"version": 5, "settings": {"x": 1}}))
        self.hb_extra["settings_version"] = 5
        eventually(self, lambda: len(self.admind.named("settings")) > fetched, "a new fetch")
        drain(n, 1.5)
        self.assertTrue(n.alive(), n.output())
        self.assertEqual([m["version"] for m in n.messages if m.get("t") == "settings"], [4])
        self.assertIn("the last ones stay", n.output())

    def test_hostile_answers_are_refused(self):
        for bad in ({"version": 5, "settings": {"session.idle_seconds": 1}},
                    {"version": -5, "settings": {}},
                    {"version": 5},
                    {"version": 5, "settings": {}, "more": 1},
                    {"version": 5, "settings": {"hours": {"monday": ["12:00-09:00"]}}},
                    {"version": 5, "settings": {"centre_name": "x" * 100000}},
                    [1, 2]):
            self.settings_answer = (200, js(bad))
            fetched = len(self.admind.named("settings"))
            n = self.start(proxy=False)
            eventually(self, lambda: len(self.admind.named("settings")) > fetched,
                       "a fetch of %r" % (bad,))
            drain(n, 1)
            self.assertTrue(n.alive(), n.output())
            self.assertEqual([m for m in n.messages if m.get("t") == "settings"], [],
                             repr(bad)[:80])
            self.assertEqual(n.stop(), 0, n.output())
            self.nets.remove(n)

if __name__ == "__main__":
    unittest.main()
