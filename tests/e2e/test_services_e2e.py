"""escale-kiosk end to end under Xvfb with admind's services list (docs/network.md): a
service added in admind reaches the kiosk through its network helper and shows on the next
session's home page; a change during a session waits for the next one."""

import re
import time
import unittest

from kiosk_e2e import KioskTestCase


def svc(name, host, **extra):
    body = {"name": name, "url": "https://www.%s/" % host, "domains": [host]}
    body.update(extra)
    return body


class Services(KioskTestCase):

    def home_page(self, session_no):
        """The home page the browser of the SESSION_NO-th session was given (its text)."""
        starts = [l for l in self.kiosk.browser_lines() if l.startswith("start ")]
        self.assertGreaterEqual(len(starts), session_no, starts)
        url = starts[session_no - 1].split()[2]
        self.assertTrue(url.startswith("file://"), url)
        with open(url[len("file://"):], encoding="utf-8") as f:
            return f.read()

    def end_session(self):
        self.kiosk.click("end")
        self.kiosk.wait(lambda s: s["screen"] == "confirm_end", "the confirmation")
        self.kiosk.click("yes")
        self.kiosk.wait_state("login")

    def test_admind_list_on_the_next_session(self):
        self.api("POST", "/api/v1/services",
                 svc("Mairie Test", "mairie-test.example", id="mairie-test",
                     category="Logement", icon="logement"), self.admin, expect=201)
        v = self.api("GET", "/api/v1/services", token=self.admin)["version"]
        self.start_kiosk()
        # Between sessions the list waits for the next one.
        st = self.kiosk.wait(lambda s: s["services_next"] == v, "admind's list at the kiosk")
        self.assertEqual(st["services_version"], 0)
        self.sign_in()
        st = self.kiosk.wait(lambda s: s["services_version"] == v, "the list in use")
        self.assertIn("mairie-test", st["services"])
        self.assertIsNone(st["services_next"])
        page = self.home_page(1)
        self.assertIn("<span>Mairie</span> <span>Test</span>", page)
        self.assertIn('href="https://www.mairie-test.example/"', page)

        # Added during the session: not under it.
        self.api("POST", "/api/v1/services", svc("Pendant", "pendant.example", id="pendant"),
                 self.admin, expect=201)
        st = self.kiosk.wait(lambda s: s["services_next"] == v + 1, "the new list waiting")
        self.assertEqual(st["services_version"], v)
        self.assertNotIn("pendant", st["services"])
        self.assertNotIn("Pendant", self.home_page(1))
        self.end_session()
        self.sign_in()
        st = self.kiosk.wait(lambda s: s["services_version"] == v + 1, "the new list in use")
        self.assertIn("pendant", st["services"])
        self.assertTrue(re.search(r"<span>Pendant</span>", self.home_page(2)))


if __name__ == "__main__":
    unittest.main()
