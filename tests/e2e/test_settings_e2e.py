"""escale-kiosk end to end under Xvfb with its site's settings in admind (docs/API.md,
"Sites"): opening hours set centrally that close the centre today reach a running kiosk
within one sync (its --status says closed), and unsetting them brings back kiosk.conf's
(always open); the languages the welcome screen offers, and its default, set centrally."""

import time
import unittest
import urllib.parse

from kiosk_e2e import KioskTestCase

SITE = "ESC Nord e2e"
DAYS = "monday tuesday wednesday thursday friday saturday sunday".split()


class SiteCase(KioskTestCase):
    """A kiosk of SITE, whose settings the tests set in admind."""

    def new_kiosk(self, name=None, site=SITE, token=None):
        return super().new_kiosk(name=name, site=site, token=token)

    def put(self, settings):
        path = "/api/v1/sites/%s/settings" % urllib.parse.quote(SITE, safe="")
        return self.api("PUT", path, settings, self.admin)["version"]

    @staticmethod
    def offered(st):
        return [b["action"][5:] for b in st["buttons"] if b["action"].startswith("lang:")]


class Settings(SiteCase):

    def test_hours_set_centrally_close_the_running_kiosk(self):
        self.start_kiosk()
        st = self.kiosk.wait(lambda s: s["state"] == "login", "the welcome screen")
        # Open every day, but closed today: closed now.
        v = self.put({"hours": {**{d: ["00:00-24:00"] for d in DAYS},
                                "closed": [time.strftime("%Y-%m-%d")]},
                      "session.idle_seconds": 120})
        st = self.kiosk.wait_state("closed", timeout=30)
        self.assertEqual(st["settings_version"], v, st)
        # The Postes view: the kiosk reports the version it applies.
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            rows = self.api("GET", "/api/v1/kiosks", token=self.admin)["kiosks"]
            row = [k for k in rows if k["id"] == self.kiosk_id][0]
            if row["settings_version"] == v:
                break
            time.sleep(0.5)
        self.assertEqual((row["settings_version"], row["site_settings_version"]), (v, v), row)
        # Unset centrally: kiosk.conf's (no hours: always open) again.
        v = self.put({})
        st = self.kiosk.wait(lambda s: s["state"] == "login" and s["settings_version"] == v,
                             "open again with settings %d" % v, timeout=30)
        self.assertEqual(len(self.offered(st)), 9)

    def test_languages_offered_set_centrally(self):
        self.start_kiosk()
        st = self.kiosk.wait(lambda s: s["state"] == "login", "the welcome screen")
        self.assertEqual(self.offered(st)[:2], ["fr", "en"])
        # The site offers three languages, Arabic by default: the welcome screen's row.
        v = self.put({"languages": ["ar", "fr", "uk"], "language": "ar"})
        st = self.kiosk.wait(lambda s: s["settings_version"] == v, "settings %d" % v,
                             timeout=30)
        self.assertEqual(self.offered(st), ["ar", "fr", "uk"])
        self.assertEqual(st["language"], "ar")
        # A list without kiosk.conf's default (French): the list's first is the default.
        v = self.put({"languages": ["uk", "en"]})
        st = self.kiosk.wait(lambda s: s["settings_version"] == v, "settings %d" % v,
                             timeout=30)
        self.assertEqual(self.offered(st), ["uk", "en"])
        self.assertEqual(st["language"], "uk")
        # A default outside the list is refused by admind, and the kiosk keeps the last.
        path = "/api/v1/sites/%s/settings" % urllib.parse.quote(SITE, safe="")
        self.assertError(self.req("PUT", path, {"languages": ["fr"], "language": "ar"},
                                  token=self.admin), 400, "bad_request")
        v = self.put({})
        st = self.kiosk.wait(lambda s: s["settings_version"] == v, "settings %d" % v,
                             timeout=30)
        self.assertEqual(len(self.offered(st)), 9)
        self.assertEqual(st["language"], "fr")


class LocalLanguages(SiteCase):
    """kiosk.conf offers two languages; the site sets only the default, another one."""
    KIOSK_EXTRA = KioskTestCase.KIOSK_EXTRA + 'languages = [ "fr", "en" ];\n'

    def test_languages_offered_set_centrally(self):
        self.start_kiosk()
        st = self.kiosk.wait(lambda s: s["state"] == "login", "the welcome screen")
        self.assertEqual(self.offered(st), ["fr", "en"])
        # The site's default outside kiosk.conf's list: it heads the list.
        v = self.put({"language": "ru"})
        st = self.kiosk.wait(lambda s: s["settings_version"] == v, "settings %d" % v,
                             timeout=30)
        self.assertEqual((self.offered(st), st["language"]), (["ru", "fr", "en"], "ru"))


if __name__ == "__main__":
    unittest.main()
