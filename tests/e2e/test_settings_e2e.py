"""escale-kiosk end to end under Xvfb with its site's settings in admind (docs/API.md,
"Sites"): opening hours set centrally that close the centre today reach a running kiosk
within one sync (its --status says closed), and unsetting them brings back kiosk.conf's
(always open)."""

import time
import unittest
import urllib.parse

from kiosk_e2e import KioskTestCase

SITE = "ESC Nord e2e"
DAYS = "monday tuesday wednesday thursday friday saturday sunday".split()


class Settings(KioskTestCase):

    def new_kiosk(self, name=None, site=SITE, token=None):
        return super().new_kiosk(name=name, site=site, token=token)

    def put(self, settings):
        path = "/api/v1/sites/%s/settings" % urllib.parse.quote(SITE, safe="")
        return self.api("PUT", path, settings, self.admin)["version"]

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


if __name__ == "__main__":
    unittest.main()
