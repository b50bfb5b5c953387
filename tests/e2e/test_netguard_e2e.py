"""The kiosk fails closed (proxy.enforce, docs/kiosk.md "The network check"): under Xvfb,
with the browser as escale-guest, in a network namespace of its own (unshare -n: the
machine's rules are never touched). Without a proxy the welcome screen says "Service
indisponible" and a typed code is not taken; with a proxy answering but no firewall the
check says "open"; once the rules escale-kiosk --nft-rules generates are loaded, the kiosk
recovers by itself and the same code opens a session; the rules gone, it closes again.

The proxy is the real escale-proxy, started in the middle of the test. Needs root (CI runs as
root); skipped otherwise.
"""

import os
import subprocess
import time
import unittest

from kiosk_e2e import (GUEST, EscaleProxy, KioskTestCase, ensure_guest, guest_copy,
                       lay_out_as_production, need, screenshot)
import escale_test
import netns

RECHECK = 25.0  # a check every 10 s: two of them, and a slow sanitizer build


class FailClosed(KioskTestCase):
    X_AUTH = True
    BROWSER_USER = GUEST

    def setUp(self):
        self.guest = ensure_guest()
        self.proxy_port = escale_test.free_port()
        super().setUp()
        lay_out_as_production(self.kiosk)
        with open(self.kiosk.browser_log, "w"):
            pass
        os.chmod(self.kiosk.browser_log, 0o666)
        self.addCleanup(self.unload)

    def browser_command(self):
        self.standin = guest_copy(self.workdir, need("ESCALE_STANDIN"))
        return [self.standin, "--log", os.path.join(self.workdir, "browser.log"), "%u"]

    def proxy_settings(self):
        self.control_path = os.path.join(self.workdir, "control.sock")
        return 'enforce = true; listen = "127.0.0.1:%d"; control = "%s";' % (
            self.proxy_port, self.control_path)

    def load(self):
        rules = subprocess.run([need("ESCALE_KIOSK"), "-c", self.kiosk.conf, "--nft-rules"],
                               check=True, stdout=subprocess.PIPE, timeout=20).stdout
        subprocess.run(["nft", "-f", "-"], input=rules, check=True, timeout=20)

    def unload(self):
        subprocess.run(["nft", "delete", "table", "inet", "escale"], stderr=subprocess.DEVNULL,
                       timeout=20)

    def network(self, word, screen, timeout=RECHECK):
        return self.kiosk.wait(lambda s: s["network"] == word and s["screen"] == screen,
                               "network %s on the %s screen" % (word, screen), timeout)

    def assert_code_not_taken(self, code):
        """CODE typed on the closed screen: nothing typed, nothing checked, no session, for
        as long as a check by admind would take to come back."""
        self.kiosk.type(code.replace(" ", ""))
        self.kiosk.key("Return")
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline:
            st = self.kiosk.status()
            self.assertEqual((st["state"], st["screen"], st["typed"], st["checking"]),
                             ("login", "unavailable", "", False), st)
            time.sleep(0.1)
        self.assertFalse(any(b["action"] in ("key", "ok") for b in st["buttons"]),
                         "a keypad on the closed screen: %s" % st["buttons"])

    def test_fails_closed_and_recovers(self):
        code = self.new_code()["code"]
        self.start_kiosk()
        # No proxy at all.
        st = self.network("no_proxy", "unavailable")
        self.assertEqual(st["state"], "login")
        screenshot(self.x.display, "netguard-no-proxy")
        self.assert_code_not_taken(code)
        self.assertIn("network check (no_proxy)", self.kiosk.output())

        # The proxy answers, but nothing closes the browser user's network.
        os.chmod(self.kiosk.conf, 0o644)  # escale-proxy reads it too
        proxy = EscaleProxy(self.kiosk.conf, self.control_path,
                            os.path.join(self.workdir, "proxy.log"))
        self.addCleanup(proxy.stop)
        self.network("open", "unavailable")
        self.assertIn("the firewall is missing", self.kiosk.output())
        self.assert_code_not_taken(code)

        # The rules loaded: the kiosk takes codes again by itself, this very code included.
        self.load()
        self.network("ok", "login")
        screenshot(self.x.display, "netguard-ok")
        self.sign_in(code)
        self.assertEqual(self.kiosk.status()["network"], "ok")

        # After the session the check runs again at once: the rules gone, closed again.
        self.unload()
        self.kiosk.click("end")
        self.kiosk.wait(lambda s: s["screen"] == "confirm_end", "the confirmation")
        self.kiosk.click("yes")
        self.kiosk.wait_state("login")
        self.network("open", "unavailable")


if __name__ == "__main__":
    netns.enter(("systemd-sysusers",))
    unittest.main(verbosity=2)
