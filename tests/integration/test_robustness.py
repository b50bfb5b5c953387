"""Defects a review found, each pinned by a test: oversized ack lists, long
multi-byte names, rolled-back cursor values, charges after the end, stale
sessions swept and revived, backdated events, control characters in dates."""

import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from escale_test import AdmindTestCase  # noqa: E402


class Robustness(AdmindTestCase):

    def alive(self):
        self.api("GET", "/healthz")

    def test_ack_list_over_64(self):
        _, kt = self.new_kiosk()
        before = self.server.snapshot()
        self.assertError(self.req("POST", "/api/v1/kiosk/heartbeat",
                                  {"state": "login", "ack": [4702111234474983745] * 300}, kt),
                         400, "bad_request")
        self.assertEqual(self.server.snapshot(), before)
        self.alive()

    def test_long_multibyte_names(self):
        name = "é" * 64  # 64 characters, 128 bytes
        _, tok = self.new_user("admin", name=name)
        self.assertEqual(self.api("GET", "/api/v1/whoami", token=tok)["name"], name)
        site = "ü" * 64
        kid, _ = self.new_kiosk(name="ñ" * 64, site=site, token=tok)
        self.api("POST", "/api/v1/kiosks/%d/commands" % kid, {"type": "lock", "text": "x"}, tok,
                 expect=201)
        self.api("POST", "/api/v1/codes", {"count": 1}, tok, expect=201)
        audit = self.api("GET", "/api/v1/audit?limit=3", token=tok)["audit"]
        self.assertEqual([a["action"] for a in audit], ["code.issue", "kiosk.lock", "kiosk.create"])
        self.assertTrue(all(a["user"] == name for a in audit), audit)
        self.assertEqual(audit[1]["target"], "ñ" * 64)
        self.alive()

    def test_cursor_survives_rollbacks_and_restarts(self):
        _, kt = self.new_kiosk()
        c = self.new_code()
        # refused changes must not use up cursor values
        for _ in range(3):
            self.assertError(self.req("POST", "/api/v1/codes/revoke", {"id": 999999}, self.admin),
                             404, "not_found")
        cursor = self.api("GET", "/api/v1/kiosk/codes?since=0", token=kt)["cursor"]
        self.server.stop()
        self.server.start()
        self.api("POST", "/api/v1/codes/revoke", {"id": c["id"]}, self.admin)
        d = self.api("GET", "/api/v1/kiosk/codes?since=%d" % cursor, token=kt)
        self.assertGreater(d["cursor"], cursor)
        self.assertEqual([x["state"] for x in d["codes"]], ["revoked"],
                         "the revocation after the restart was not in the delta")
        # a cursor from the future (restored backup) gets the full list
        d = self.api("GET", "/api/v1/kiosk/codes?since=%d" % (d["cursor"] + 1000), token=kt)
        self.assertTrue(d["full"])

    def test_no_charge_after_the_end(self):
        _, kt = self.new_kiosk()
        c = self.new_code(minutes=10)
        d = self.open_ok(kt, c["code"])
        self.end_session(kt, d["session"], seconds_used=10)
        self.end_session(kt, d["session"], seconds_used=500)
        self.api("POST", "/api/v1/kiosk/heartbeat",
                 {"state": "session", "session": d["session"], "seconds_used": 590}, kt)
        self.assertEqual(self.code_by_id(c["id"])["seconds_left"], 600 - 10)

    def test_backdated_event_refused(self):
        _, kt = self.new_kiosk()
        before = self.server.snapshot()
        ev = {"id": "old-1", "type": "session_end", "at": 1, "session": "0" * 32,
              "reason": "user", "seconds_used": 5}
        self.assertError(self.req("POST", "/api/v1/kiosk/events", {"events": [ev]}, kt),
                         400, "bad_request")
        self.assertEqual(self.server.snapshot(), before)

    def test_control_character_in_valid_until(self):
        before = self.server.snapshot()
        self.assertError(self.req("POST", "/api/v1/codes",
                                  {"valid_until": "2030-01-01T10:00\u0007x"}, self.admin),
                         400, "bad_request")
        self.assertEqual(self.server.snapshot(), before)


class StaleSweep(AdmindTestCase):
    EXTRA_CONF = AdmindTestCase.EXTRA_CONF + "sessions = { stale_seconds = 1; };\n"

    def test_swept_then_revived(self):
        _, kt = self.new_kiosk()
        c = self.new_code(minutes=60)
        d = self.open_ok(kt, c["code"])
        self.server.stop()
        time.sleep(2.1)
        self.server.start()  # the sweep runs at start, then every 30 s
        s = self.session_by_id(d["session"])
        self.assertFalse(s["active"])
        self.assertEqual(s["end_reason"], "stale")
        # the kiosk comes back, still in its session: the session too
        hb = self.api("POST", "/api/v1/kiosk/heartbeat",
                      {"state": "session", "session": d["session"], "seconds_used": 120}, kt)
        self.assertTrue(hb["session"]["active"], hb)
        self.assertEqual(hb["session"]["seconds_left"], 3600 - 120)
        self.assertTrue(self.session_by_id(d["session"])["active"])

    def test_not_revived_when_the_code_went_elsewhere(self):
        _, ka = self.new_kiosk()
        _, kb = self.new_kiosk()
        c = self.new_code()
        d = self.open_ok(ka, c["code"])
        time.sleep(2.1)
        d2 = self.open_ok(kb, c["code"])  # a has been silent: the code moves to b
        hb = self.api("POST", "/api/v1/kiosk/heartbeat",
                      {"state": "session", "session": d["session"], "seconds_used": 60}, ka)
        self.assertFalse(hb["session"]["active"])
        self.assertEqual(hb["session"]["end_reason"], "stale")
        self.assertTrue(self.session_by_id(d2["session"])["active"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
