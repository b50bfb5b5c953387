"""Kiosk routes of escale-admind: sessions, heartbeats, commands, events, offline cache."""

import json
import re
import secrets
import sqlite3
import time
import unittest

from escale_test import (Admind, AdmindTestCase, main, normalise, offline_verifier)

HEX32 = re.compile(r"^[0-9a-f]{32}$")


class SessionOpen(AdmindTestCase):

    def test_open_with_good_code(self):
        _, kt = self.new_kiosk()
        c = self.new_code(minutes=45, pages=7, days=3)
        self.assertRegex(c["code"], r"^\d{4} \d{4}$", "default code: 8 digits as two groups")
        self.assertEqual((c["minutes"], c["pages"]), (45, 7))
        self.assertGreater(c["valid_until"], time.time() + 2 * 86400)
        d = self.open_ok(kt, c["code"])
        self.assertRegex(d["session"], HEX32)
        self.assertEqual(d["seconds_left"], 45 * 60)
        self.assertEqual(d["pages_left"], 7)
        self.assertEqual(d["valid_until"], c["valid_until"])
        s = self.session_by_id(d["session"])
        self.assertTrue(s["active"])
        self.assertEqual(s["code_id"], c["id"])
        self.assertTrue(self.code_by_id(c["id"])["in_use"])

    def test_forgiving_input(self):
        for typed in ("{a}{b}", "{a} {b}", "{a}-{b}", " {a}.{b} ", "{a}\u00a0{b}",
                      "{a[0]}{a[1]}-{a[2]}{a[3]} {b}"):
            _, kt = self.new_kiosk()
            c = self.new_code()
            a, b = c["code"].split(" ")
            d = self.open_ok(kt, typed.format(a=a, b=b))
            self.end_session(kt, d["session"])

    def test_code_of_64_bytes(self):
        _, kt = self.new_kiosk()
        c = self.new_code()
        typed = c["code"].replace(" ", " " * (64 - 8))
        self.assertEqual(len(typed.encode()), 64)
        self.open_ok(kt, typed)

    def test_unknown_code(self):
        _, kt = self.new_kiosk()
        c = self.new_code()
        wrong = "%08d" % ((int(normalise(c["code"])) + 1) % 10 ** 8)
        self.assertError(self.open_session(kt, wrong), 403, "code_unknown")
        self.assertFalse(self.code_by_id(c["id"])["in_use"])

    def test_revoked_code(self):
        sec, st = self.new_user("secretariat")
        _, kt = self.new_kiosk()
        c = self.new_code()
        d = self.api("POST", "/api/v1/codes/revoke", {"code": c["code"]}, st)
        self.assertEqual((d["id"], d["state"]), (c["id"], "revoked"))
        self.assertError(self.open_session(kt, c["code"]), 403, "code_revoked")
        c2 = self.new_code()
        self.api("POST", "/api/v1/codes/revoke", {"id": c2["id"]}, st)
        self.assertError(self.open_session(kt, c2["code"]), 403, "code_revoked")
        self.assertEqual(self.code_by_id(c2["id"])["state"], "revoked")

    def test_code_in_use_on_another_kiosk(self):
        _, ka = self.new_kiosk()
        _, kb = self.new_kiosk()
        c = self.new_code()
        d = self.open_ok(ka, c["code"])
        self.assertError(self.open_session(kb, c["code"]), 403, "code_in_use")
        self.assertTrue(self.session_by_id(d["session"])["active"])
        # once ended on A, B may use it
        self.end_session(ka, d["session"], seconds_used=10)
        self.open_ok(kb, c["code"])

    def test_documents_counted_in_the_stats(self):
        """Pages scanned and files copied from USB keys (issue 18): counts only, the
        largest a session reported, summed over the sessions in the period."""
        _, kt = self.new_kiosk()
        _, other = self.new_kiosk()
        before = self.api("GET", "/api/v1/stats", token=self.admin)
        self.assertEqual((before["pages_scanned"], before["files_copied"]), (0, 0))
        d = self.open_ok(kt, self.new_code()["code"])
        self.heartbeat(kt, "session", d["session"], seconds_used=10, pages_scanned=2)
        self.heartbeat(kt, "session", d["session"], seconds_used=20, pages_scanned=3,
                       files_copied=4)
        # A late, smaller figure (a heartbeat that crossed another) changes nothing.
        self.heartbeat(kt, "session", d["session"], seconds_used=20, pages_scanned=1)
        # Another kiosk cannot count for this session.
        self.req("POST", "/api/v1/kiosk/heartbeat",
                 {"state": "session", "session": d["session"], "pages_scanned": 90}, other)
        d2 = self.open_ok(kt, self.new_code()["code"])
        self.heartbeat(kt, "session", d2["session"], seconds_used=5, files_copied=1)
        st = self.api("GET", "/api/v1/stats", token=self.admin)
        self.assertEqual((st["pages_scanned"], st["files_copied"]), (3, 5))
        # Out of the period: nothing.
        old = self.api("GET", "/api/v1/stats?from=2001-01-01&to=2001-01-02", token=self.admin)
        self.assertEqual((old["pages_scanned"], old["files_copied"]), (0, 0))
        # Bounded like the other counts.
        self.assertError(self.req("POST", "/api/v1/kiosk/heartbeat",
                                  {"state": "session", "session": d2["session"],
                                   "pages_scanned": 100001}, kt), 400, "bad_request")

    def test_used_up(self):
        _, kt = self.new_kiosk()
        c = self.new_code(minutes=1)
        d = self.open_ok(kt, c["code"])
        hb = self.heartbeat(kt, "session", d["session"], seconds_used=60)
        self.assertEqual(hb["session"]["seconds_left"], 0)
        self.end_session(kt, d["session"], reason="expired", seconds_used=60)
        self.assertError(self.open_session(kt, c["code"]), 403, "code_used_up")
        self.assertEqual(self.code_by_id(c["id"])["state"], "used_up")

    def test_minutes_spent_over_sessions(self):
        _, kt = self.new_kiosk()
        c = self.new_code(minutes=60)
        d = self.open_ok(kt, c["code"])
        self.end_session(kt, d["session"], seconds_used=30 * 60)
        d = self.open_ok(kt, c["code"])
        self.assertEqual(d["seconds_left"], 30 * 60)
        self.heartbeat(kt, "session", d["session"], seconds_used=10 * 60)
        self.end_session(kt, d["session"], seconds_used=20 * 60)
        self.assertEqual(self.code_by_id(c["id"])["seconds_left"], 10 * 60)
        d = self.open_ok(kt, c["code"])
        self.assertEqual(d["seconds_left"], 10 * 60)
        s = [x for x in self.sessions_list() if x["code_id"] == c["id"]]
        self.assertEqual(sorted(x["seconds_used"] for x in s if not x["active"]), [1200, 1800])

    def test_new_session_replaces_kiosk_session(self):
        _, kt = self.new_kiosk()
        c1, c2 = self.new_codes(count=2)
        d1 = self.open_ok(kt, c1["code"])
        d2 = self.open_ok(kt, c2["code"])
        s1 = self.session_by_id(d1["session"])
        self.assertFalse(s1["active"])
        self.assertEqual(s1["end_reason"], "replaced")
        self.assertTrue(self.session_by_id(d2["session"])["active"])

    def test_restarted_kiosk_gets_its_code_back(self):
        """A kiosk that lost its session (restart without reporting the end)
        and says so in a heartbeat may open the same code again at once."""
        _, kt = self.new_kiosk()
        c = self.new_code(minutes=60)
        d1 = self.open_ok(kt, c["code"])
        self.heartbeat(kt, "session", d1["session"], seconds_used=300)
        # still in session: a doubled request is refused
        self.assertError(self.req("POST", "/api/v1/kiosk/sessions", {"code": c["code"]}, kt),
                         403, "code_in_use")
        self.heartbeat(kt, "login")
        d2 = self.open_ok(kt, c["code"])
        self.assertEqual(d2["seconds_left"], 3600 - 300)
        s1 = self.session_by_id(d1["session"])
        self.assertFalse(s1["active"])
        self.assertEqual(s1["end_reason"], "lost")
        # another kiosk still finds the code in use
        _, other = self.new_kiosk()
        self.assertError(self.req("POST", "/api/v1/kiosk/sessions", {"code": c["code"]}, other),
                         403, "code_in_use")

    def test_kiosk_end_is_idempotent_and_scoped(self):
        _, ka = self.new_kiosk()
        _, kb = self.new_kiosk()
        c = self.new_code()
        d = self.open_ok(ka, c["code"])
        sid = d["session"]
        # another kiosk cannot end it, an unknown id is 404
        self.assertError(self.req("POST", "/api/v1/kiosk/sessions/%s/end" % sid,
                                  {"reason": "user"}, kb), 404, "not_found")
        self.assertError(self.req("POST", "/api/v1/kiosk/sessions/%s/end" % secrets.token_hex(16),
                                  {"reason": "user"}, ka), 404, "not_found")
        self.assertTrue(self.session_by_id(sid)["active"])
        r = self.end_session(ka, sid, seconds_used=120)
        self.assertEqual(r, {"session": sid, "ended": True})
        r = self.end_session(ka, sid, seconds_used=120)
        self.assertEqual(r, {"session": sid, "ended": True})
        s = self.session_by_id(sid)
        self.assertFalse(s["active"])
        self.assertEqual(s["end_reason"], "user")
        self.assertEqual(s["seconds_used"], 120)
        self.assertEqual(self.code_by_id(c["id"])["seconds_left"], 3600 - 120)

    def test_end_never_refunds(self):
        _, kt = self.new_kiosk()
        c = self.new_code()
        sid = self.open_ok(kt, c["code"])["session"]
        self.heartbeat(kt, "session", sid, seconds_used=300)
        self.end_session(kt, sid, seconds_used=100)
        self.assertEqual(self.session_by_id(sid)["seconds_used"], 300)
        self.assertEqual(self.code_by_id(c["id"])["seconds_left"], 3300)

    def test_revoked_kiosk_is_401(self):
        kid, kt = self.new_kiosk()
        c = self.new_code()
        self.heartbeat(kt)
        c0 = self.new_code()
        sid = self.open_ok(kt, c0["code"])["session"]
        d = self.api("POST", "/api/v1/kiosks/%s/revoke" % kid, token=self.admin)
        self.assertEqual((d["id"], d["revoked"]), (kid, True))
        s = self.session_by_id(sid)
        self.assertFalse(s["active"])
        self.assertEqual(s["end_reason"], "revoked")
        self.assertFalse(self.code_by_id(c0["id"])["in_use"])
        self.assertError(self.open_session(kt, c["code"]), 401, "unauthorized")
        self.assertError(self.req("POST", "/api/v1/kiosk/heartbeat", {"state": "login"}, kt),
                         401, "unauthorized")
        self.assertError(self.req("GET", "/api/v1/kiosk/codes?since=0", token=kt),
                         401, "unauthorized")
        ks = [k for k in self.api("GET", "/api/v1/kiosks", token=self.admin)["kiosks"]
              if k["id"] == kid]
        self.assertEqual(len(ks), 1)
        self.assertTrue(ks[0]["revoked"])
        self.assertEqual(ks[0]["state"], "revoked")
        self.assertIsNone(ks[0]["session"])
        self.assertFalse(self.code_by_id(c["id"])["in_use"])


class Heartbeat(AdmindTestCase):

    def test_heartbeat_budget(self):
        _, kt = self.new_kiosk()
        hb = self.heartbeat(kt, "login")
        self.assertIsNone(hb["session"])
        self.assertEqual(hb["heartbeat_seconds"], 5)
        self.assertLess(abs(hb["now"] - time.time()), 60)
        self.assertEqual(hb["commands"], [])
        c = self.new_code(minutes=20, pages=4)
        d = self.open_ok(kt, c["code"])
        sid = d["session"]
        hb = self.heartbeat(kt, "session", sid, seconds_used=100, pages_used=0,
                            version="0.1.0")
        s = hb["session"]
        self.assertEqual(s["id"], sid)
        self.assertIs(s["active"], True)
        self.assertEqual(s["seconds_left"], 1200 - 100)
        self.assertEqual(s["pages_left"], 4)
        self.assertEqual(s["valid_until"], c["valid_until"])
        self.assertIsNone(s["end_reason"])
        # In a session, every 2 s (sessions.session_heartbeat_seconds; 1 while a job of
        # the session prints: tests/e2e/test_print_e2e.py).
        self.assertEqual(hb["heartbeat_seconds"], 2)
        # seconds_used only moves forward
        hb = self.heartbeat(kt, "session", sid, seconds_used=50)
        self.assertEqual(hb["session"]["seconds_left"], 1100)
        hb = self.heartbeat(kt, "session", sid, seconds_used=160)
        self.assertEqual(hb["session"]["seconds_left"], 1040)
        self.assertEqual(self.code_by_id(c["id"])["seconds_left"], 1040)
        self.assertEqual(self.session_by_id(sid)["seconds_used"], 160)

    def test_budget_never_negative(self):
        _, kt = self.new_kiosk()
        c = self.new_code(minutes=1)
        sid = self.open_ok(kt, c["code"])["session"]
        hb = self.heartbeat(kt, "session", sid, seconds_used=500)
        self.assertEqual(hb["session"]["seconds_left"], 0)
        self.assertEqual(self.code_by_id(c["id"])["seconds_left"], 0)
        self.end_session(kt, sid, reason="expired", seconds_used=500)
        self.assertEqual(self.code_by_id(c["id"])["state"], "used_up")

    def test_kiosk_list_shows_session(self):
        kid, kt = self.new_kiosk()
        c = self.new_code()
        sid = self.open_ok(kt, c["code"])["session"]
        self.heartbeat(kt, "session", sid, seconds_used=1)
        k = [k for k in self.api("GET", "/api/v1/kiosks", token=self.admin)["kiosks"]
             if k["id"] == kid][0]
        self.assertEqual(k["session"], sid)
        self.assertEqual(k["state"], "session")
        self.assertEqual(k["seconds_left"], 3599)
        self.assertIs(k["revoked"], False)
        active = [s["id"] for s in self.sessions_list(active=True)]
        self.assertIn(sid, active)
        self.end_session(kt, sid)
        self.assertNotIn(sid, [s["id"] for s in self.sessions_list(active=True)])
        for s in self.sessions_list(active=True):
            self.assertIs(s["active"], True)

    def test_kiosk_seen_online(self):
        kid, kt = self.new_kiosk()
        self.heartbeat(kt, "login", version="9.9-test")
        k = [k for k in self.api("GET", "/api/v1/kiosks", token=self.admin)["kiosks"]
             if k["id"] == kid][0]
        self.assertIs(k["online"], True)
        self.assertEqual(k["state"], "login")
        self.assertEqual(k["version"], "9.9-test")
        self.assertLess(abs(k["last_seen"] - time.time()), 60)

    def _commands(self, hb, ctype):
        return [c for c in hb["commands"] if c["type"] == ctype]

    def test_message_and_lock_resent_until_acked(self):
        sec, st = self.new_user("secretariat")
        kid, kt = self.new_kiosk()
        m = self.api("POST", "/api/v1/kiosks/%s/commands" % kid,
                     {"type": "message", "text": "Fermeture à 17 h"}, st, expect=201)
        lk = self.api("POST", "/api/v1/kiosks/%s/commands" % kid,
                      {"type": "lock", "text": "Maintenance"}, st, expect=201)
        self.assertNotEqual(m["id"], lk["id"])
        for _ in range(2):  # re-sent while not acked
            hb = self.heartbeat(kt, "login")
            by_id = {c["id"]: c for c in hb["commands"]}
            self.assertEqual(by_id.get(m["id"]),
                             {"id": m["id"], "type": "message", "text": "Fermeture à 17 h"})
            self.assertEqual(by_id.get(lk["id"]),
                             {"id": lk["id"], "type": "lock", "text": "Maintenance"})
        hb = self.heartbeat(kt, "login", ack=[m["id"]])
        self.assertEqual([c["id"] for c in hb["commands"]], [lk["id"]])
        hb = self.heartbeat(kt, "locked", ack=[lk["id"]])
        self.assertEqual(hb["commands"], [])
        hb = self.heartbeat(kt, "locked")
        self.assertEqual(hb["commands"], [])
        # commands are per kiosk
        _, other = self.new_kiosk()
        self.api("POST", "/api/v1/kiosks/%s/commands" % kid, {"type": "unlock"}, st, expect=201)
        self.assertEqual(self.heartbeat(other, "login")["commands"], [])
        hb = self.heartbeat(kt, "locked")
        self.assertEqual([c["type"] for c in hb["commands"]], ["unlock"])

    def test_staff_end(self):
        sec, st = self.new_user("secretariat")
        _, kt = self.new_kiosk()
        c = self.new_code()
        sid = self.open_ok(kt, c["code"])["session"]
        self.heartbeat(kt, "session", sid, seconds_used=30)
        d = self.api("POST", "/api/v1/sessions/%s/end" % sid, token=st)
        self.assertEqual(d, {"session": sid, "ended": True})
        hb = self.heartbeat(kt, "session", sid, seconds_used=40)
        self.assertIs(hb["session"]["active"], False)
        self.assertEqual(hb["session"]["end_reason"], "staff")
        ends = self._commands(hb, "end_session")
        self.assertEqual(len(ends), 1, hb)
        self.assertEqual(ends[0]["session"], sid)
        # still there until acked, then gone
        hb = self.heartbeat(kt, "ending")
        self.assertEqual(len(self._commands(hb, "end_session")), 1)
        hb = self.heartbeat(kt, "login", ack=[ends[0]["id"]])
        self.assertEqual(self._commands(hb, "end_session"), [])
        s = self.session_by_id(sid)
        self.assertFalse(s["active"])
        self.assertEqual(s["end_reason"], "staff")
        self.assertFalse(self.code_by_id(c["id"])["in_use"])
        # a second staff end conflicts; the code can be used again
        self.assertError(self.req("POST", "/api/v1/sessions/%s/end" % sid, token=st),
                         409, "conflict")
        self.assertError(self.req("POST", "/api/v1/sessions/%s/add_time" % sid,
                                  {"minutes": 5}, st), 409, "conflict")
        self.open_ok(kt, c["code"])

    def test_add_time(self):
        sec, st = self.new_user("secretariat")
        _, kt = self.new_kiosk()
        c = self.new_code(minutes=10)
        sid = self.open_ok(kt, c["code"])["session"]
        hb = self.heartbeat(kt, "session", sid, seconds_used=300)
        self.assertEqual(hb["session"]["seconds_left"], 300)
        d = self.api("POST", "/api/v1/sessions/%s/add_time" % sid, {"minutes": 15}, st)
        self.assertEqual((d["session"], d["added_minutes"]), (sid, 15))
        hb = self.heartbeat(kt, "session", sid, seconds_used=310)
        self.assertEqual(hb["session"]["seconds_left"], 300 - 10 + 900)
        adds = self._commands(hb, "add_time")
        self.assertEqual(len(adds), 1, hb)
        self.assertEqual((adds[0]["session"], adds[0]["seconds"]), (sid, 900))
        self.assertEqual(self.code_by_id(c["id"])["seconds_left"], 1190)

    def test_heartbeat_for_foreign_session(self):
        _, ka = self.new_kiosk()
        _, kb = self.new_kiosk()
        c = self.new_code()
        sid = self.open_ok(ka, c["code"])["session"]
        # kiosk B reporting A's session must not debit A's code
        st, _, d = self.req("POST", "/api/v1/kiosk/heartbeat",
                            {"state": "session", "session": sid, "seconds_used": 600}, kb)
        self.assertIn(st, (200, 404), d)
        if st == 200:
            self.assertTrue(d["session"] is None or d["session"].get("active") is False, d)
        self.assertEqual(self.code_by_id(c["id"])["seconds_left"], 3600)


class Stale(AdmindTestCase):
    EXTRA_CONF = AdmindTestCase.EXTRA_CONF + "sessions = { stale_seconds = 1; };\n"

    def test_stale_session_no_longer_blocks(self):
        _, ka = self.new_kiosk()
        _, kb = self.new_kiosk()
        c = self.new_code()
        d = self.open_ok(ka, c["code"])
        time.sleep(2.2)
        d2 = self.open_ok(kb, c["code"])
        s = self.session_by_id(d["session"])
        self.assertFalse(s["active"])
        self.assertEqual(s["end_reason"], "stale")
        self.assertTrue(self.session_by_id(d2["session"])["active"])
        self.assertEqual(len([x for x in self.sessions_list(active=True)
                              if x["code_id"] == c["id"]]), 1)


class AlnumCodes(AdmindTestCase):
    EXTRA_CONF = AdmindTestCase.EXTRA_CONF + 'codes = { alphabet = "alnum"; length = 8; };\n'

    def test_lower_case_and_separators(self):
        _, kt = self.new_kiosk()
        c = self.new_code()
        self.assertRegex(c["code"], r"^[34679ACDEFGHJKMNPQRTUVWXY]{4} [34679ACDEFGHJKMNPQRTUVWXY]{4}$")
        a, b = c["code"].split(" ")
        self.open_ok(kt, "%s-%s" % (a.lower(), b.lower()))


class Unpause(AdmindTestCase):
    """The desk sees a kiosk paused after wrong codes and lifts the pause."""
    EXTRA_CONF = AdmindTestCase.EXTRA_CONF.replace(
        "lockout_seconds = 1; lockout_max_seconds = 4",
        "lockout_seconds = 300; lockout_max_seconds = 600")

    def paused(self, kid):
        d = self.api("GET", "/api/v1/kiosks", token=self.admin)
        return [k for k in d["kiosks"] if k["id"] == kid][0]["paused_seconds"]

    def test_paused_kiosk_shown_and_lifted(self):
        self.assertIn("lockout_seconds = 300", self.EXTRA_CONF)
        kid, kt = self.new_kiosk()
        other, _ = self.new_kiosk()
        self.assertEqual((self.paused(kid), self.paused(other)), (0, 0))
        for _ in range(2):
            self.assertError(self.open_session(kt, "%08d" % secrets.randbelow(10 ** 8)), 403,
                             "code_unknown")
        self.assertError(self.open_session(kt, "%08d" % secrets.randbelow(10 ** 8)), 429,
                         "rate_limited")
        self.assertTrue(250 <= self.paused(kid) <= 300, self.paused(kid))
        self.assertEqual(self.paused(other), 0)
        # Maintenance may not; the desk may.
        _, maint = self.new_user("maintenance")
        self.api("POST", "/api/v1/kiosks/%d/commands" % kid, {"type": "unpause"}, maint,
                 expect=403)
        self.assertGreater(self.paused(kid), 0)
        _, desk = self.new_user("secretariat")
        cmd = self.api("POST", "/api/v1/kiosks/%d/commands" % kid, {"type": "unpause"}, desk,
                       expect=201)
        self.assertEqual(self.paused(kid), 0)
        # The count starts afresh at once, and the kiosk is told.
        d = self.assertError(self.open_session(kt, "%08d" % secrets.randbelow(10 ** 8)), 403,
                             "code_unknown")
        self.assertEqual(d["tries_left"], 2)
        hb = self.heartbeat(kt, state="login")
        self.assertEqual([(c["id"], c["type"]) for c in hb["commands"]], [(cmd["id"], "unpause")])


class RateLimit(AdmindTestCase):
    # max_failures = 3, lockout_seconds = 1, lockout_max_seconds = 4

    def _unknown(self, kt):
        return self.open_session(kt, "%08d" % secrets.randbelow(10 ** 8))

    def _lock(self, kt):
        """Unknown codes until 429; returns the 429 body."""
        for i in range(3):
            r = self._unknown(kt)
            if r[0] == 429:
                return self.assertError(r, 429, "rate_limited")
            self.assertError(r, 403, "code_unknown", "attempt %d" % (i + 1))
        return self.assertError(self._unknown(kt), 429, "rate_limited")

    def test_tries_left_before_the_pause(self):
        # The kiosk says how many wrong codes remain before a pause.
        _, kt = self.new_kiosk()
        c = self.new_code()
        for left in (2, 1):
            d = self.assertError(self._unknown(kt), 403, "code_unknown")
            self.assertEqual(d.get("tries_left"), left)
        # Each kiosk has its own count.
        _, other = self.new_kiosk()
        self.assertEqual(self.assertError(self._unknown(other), 403, "code_unknown")
                         .get("tries_left"), 2)
        d = self.assertError(self._unknown(kt), 429, "rate_limited")
        self.assertNotIn("tries_left", d)
        # After the pause, a good code starts the count afresh.
        time.sleep(d["retry_after"] + 0.2)
        self.open_ok(kt, c["code"])
        d = self.assertError(self._unknown(kt), 403, "code_unknown")
        self.assertEqual(d.get("tries_left"), 2)

    def test_lockout_then_good_code(self):
        _, kt = self.new_kiosk()
        c = self.new_code()
        for i in range(2):
            self.assertError(self._unknown(kt), 403, "code_unknown", "failure %d of 3" % (i + 1))
        # API.md leaves open whether the max_failures-th answer is already the
        # 429 or still code_unknown; the one after it must be 429.
        r = self._unknown(kt)
        if r[0] != 429:
            self.assertError(r, 403, "code_unknown", "failure 3 of 3")
            r = self._unknown(kt)
        d = self.assertError(r, 429, "rate_limited")
        self.assertInt(d.get("retry_after"))
        self.assertEqual(d["retry_after"], 1)
        self.assertEqual(r[1].get("retry-after"), "1", "Retry-After header")
        # a good code is refused too while locked, and does not open a session
        d = self.assertError(self.open_session(kt, c["code"]), 429, "rate_limited")
        self.assertFalse(self.code_by_id(c["id"])["in_use"])
        # other kiosks are not locked
        _, other = self.new_kiosk()
        self.assertError(self._unknown(other), 403, "code_unknown")
        time.sleep(d["retry_after"] + 0.2)
        self.open_ok(kt, c["code"])
        # the good code reset the count: max_failures more failures before a lock-out
        for i in range(2):
            self.assertError(self._unknown(kt), 403, "code_unknown", "after reset %d" % (i + 1))

    def test_lockout_doubles_up_to_max(self):
        _, kt = self.new_kiosk()
        d = self._lock(kt)
        self.assertEqual(d["retry_after"], 1)
        time.sleep(d["retry_after"] + 0.2)
        d = self._lock(kt)
        self.assertEqual(d["retry_after"], 2)
        time.sleep(d["retry_after"] + 0.2)
        d = self._lock(kt)
        self.assertEqual(d["retry_after"], 4)
        time.sleep(d["retry_after"] + 0.2)
        d = self._lock(kt)
        self.assertEqual(d["retry_after"], 4, "capped at lockout_max_seconds")

    def test_refusals_other_than_unknown_do_not_lock(self):
        sec, st = self.new_user("secretariat")
        _, kt = self.new_kiosk()
        c = self.new_code()
        self.api("POST", "/api/v1/codes/revoke", {"id": c["id"]}, st)
        for _ in range(5):
            self.assertError(self.open_session(kt, c["code"]), 403, "code_revoked")
        c2 = self.new_code()
        self.open_ok(kt, c2["code"])


class Events(AdmindTestCase):

    def _events(self, kt, events, expect=200):
        return self.api("POST", "/api/v1/kiosk/events", {"events": events}, kt, expect=expect)

    def _state(self, cid):
        c = self.code_by_id(cid)
        return (json.dumps(sorted(self.sessions_list(), key=lambda s: s["id"]), sort_keys=True),
                c["seconds_left"], c["pages_left"], c["state"], c["in_use"])

    def test_online_session_events_applied_once(self):
        _, kt = self.new_kiosk()
        c = self.new_code(minutes=60)
        sid = self.open_ok(kt, c["code"])["session"]
        now = int(time.time())
        evs = [
            {"id": "p-" + secrets.token_hex(6), "type": "session_progress", "at": now,
             "session": sid, "seconds_used": 300},
            {"id": "e-" + secrets.token_hex(6), "type": "session_end", "at": now + 1,
             "session": sid, "reason": "user", "seconds_used": 600, "pages_used": 0},
        ]
        r = self._events(kt, evs)
        self.assertEqual([(x["id"], x["status"]) for x in r["results"]],
                         [(evs[0]["id"], "applied"), (evs[1]["id"], "applied")])
        s = self.session_by_id(sid)
        self.assertFalse(s["active"])
        self.assertEqual(s["seconds_used"], 600)
        self.assertEqual(s["end_reason"], "user")
        before = self._state(c["id"])
        self.assertEqual(before[1], 3000)
        r = self._events(kt, evs)
        self.assertEqual([(x["id"], x["status"]) for x in r["results"]],
                         [(evs[0]["id"], "duplicate"), (evs[1]["id"], "duplicate")])
        self.assertEqual(self._state(c["id"]), before)

    def test_malformed_batch_stores_nothing(self):
        _, kt = self.new_kiosk()
        c = self.new_code()
        sid = self.open_ok(kt, c["code"])["session"]
        good = {"id": "g-" + secrets.token_hex(6), "type": "session_progress",
                "at": int(time.time()), "session": sid, "seconds_used": 120}
        before = self._state(c["id"])
        for bad in ({"type": "session_progress", "at": 1, "session": sid, "seconds_used": 1},
                    {"id": "bad id!", "type": "session_progress", "at": 1, "session": sid,
                     "seconds_used": 1},
                    {"id": "x" * 65, "type": "session_progress", "at": 1, "session": sid,
                     "seconds_used": 1},
                    {"id": "t1", "type": "teleport", "at": 1},
                    {"id": "t2", "type": "session_progress", "at": 1, "session": sid,
                     "seconds_used": -5}):
            self.assertError(self.req("POST", "/api/v1/kiosk/events",
                                      {"events": [good, bad]}, kt), 400, "bad_request", bad)
        self.assertError(self.req("POST", "/api/v1/kiosk/events",
                                  {"events": [dict(good, id="n%d" % i) for i in range(501)]}, kt),
                         400, "bad_request", "501 events")
        self.assertEqual(self._state(c["id"]), before)
        r = self._events(kt, [good])
        self.assertEqual(r["results"][0]["status"], "applied")
        self.assertEqual(self.code_by_id(c["id"])["seconds_left"], 3600 - 120)

    def test_offline_session_open_with_verifier(self):
        _, kt = self.new_kiosk()
        c = self.new_code(minutes=30, pages=5)
        cache = self.api("GET", "/api/v1/kiosk/codes?since=0", token=kt)
        self.assertEqual((cache["opslimit"], cache["memlimit"]), (1, 8192 * 1024))
        v = offline_verifier(c["code"], cache["salt"], cache["opslimit"], cache["memlimit"])
        entries = [e for e in cache["codes"] if e["verifier"] == v]
        self.assertEqual(len(entries), 1, "the code's verifier is in the cache")
        self.assertEqual(entries[0]["state"], "active")
        self.assertEqual(entries[0]["seconds_left"], 1800)
        self.assertEqual(entries[0]["pages_left"], 5)
        # Issued an hour ago: admind takes no offline time from before a
        # code existed, nor more than passed (issue 16).
        con = sqlite3.connect(self.server.db, timeout=10)
        try:
            con.execute("UPDATE codes SET created_at = created_at - 3600 WHERE id = ?",
                        (c["id"],))
            con.commit()
        finally:
            con.close()
        sid = secrets.token_hex(16)
        t = int(time.time()) - 600
        evs = [
            {"id": "o-" + secrets.token_hex(6), "type": "session_open", "at": t,
             "session": sid, "verifier": v},
            {"id": "q-" + secrets.token_hex(6), "type": "session_progress", "at": t + 60,
             "session": sid, "seconds_used": 60},
            {"id": "f-" + secrets.token_hex(6), "type": "session_end", "at": t + 300,
             "session": sid, "reason": "user", "seconds_used": 300},
        ]
        r = self._events(kt, evs)
        self.assertEqual([x["status"] for x in r["results"]], ["applied"] * 3, r)
        s = self.session_by_id(sid)
        self.assertEqual(s["code_id"], c["id"])
        self.assertFalse(s["active"])
        self.assertIs(s["offline"], True)
        self.assertEqual(s["seconds_used"], 300)
        self.assertEqual(self.code_by_id(c["id"])["seconds_left"], 1500)
        before = self._state(c["id"])
        r = self._events(kt, evs)
        self.assertEqual([x["status"] for x in r["results"]], ["duplicate"] * 3, r)
        self.assertEqual(self._state(c["id"]), before)

    def test_events_for_unknown_or_foreign_session_are_ignored(self):
        _, ka = self.new_kiosk()
        _, kb = self.new_kiosk()
        c = self.new_code()
        sid = self.open_ok(ka, c["code"])["session"]
        now = int(time.time())
        before = self._state(c["id"])
        r = self._events(kb, [
            {"id": "fp-" + secrets.token_hex(6), "type": "session_progress", "at": now,
             "session": sid, "seconds_used": 900},
            {"id": "fe-" + secrets.token_hex(6), "type": "session_end", "at": now,
             "session": sid, "reason": "user", "seconds_used": 900},
            {"id": "up-" + secrets.token_hex(6), "type": "session_progress", "at": now,
             "session": secrets.token_hex(16), "seconds_used": 5},
        ])
        self.assertEqual(self._state(c["id"]), before)
        self.assertTrue(self.session_by_id(sid)["active"])
        # and the kiosk is told so, rather than dropping them as applied
        self.assertEqual([x["status"] for x in r["results"]], ["ignored"] * 3, r)
        for x in r["results"]:
            self.assertIsInstance(x.get("reason"), str, x)

    def test_progress_never_moves_back(self):
        _, kt = self.new_kiosk()
        c = self.new_code(minutes=60)
        sid = self.open_ok(kt, c["code"])["session"]
        now = int(time.time())
        evs = [{"id": "b%d-%s" % (i, secrets.token_hex(4)), "type": "session_progress",
                "at": now + i, "session": sid, "seconds_used": su}
               for i, su in enumerate((300, 100, 200))]
        self._events(kt, evs)
        self.assertEqual(self.code_by_id(c["id"])["seconds_left"], 3300)
        self.assertEqual(self.session_by_id(sid)["seconds_used"], 300)

    def test_offline_open_with_unknown_verifier_is_ignored(self):
        _, kt = self.new_kiosk()
        n = len(self.sessions_list())
        sid = secrets.token_hex(16)
        r = self._events(kt, [{"id": "u-" + secrets.token_hex(6), "type": "session_open",
                               "at": int(time.time()), "session": sid,
                               "verifier": secrets.token_hex(32)}])
        self.assertEqual(r["results"][0]["status"], "ignored", r)
        self.assertEqual(len(self.sessions_list()), n)


class CodesCache(AdmindTestCase):

    def test_full_then_incremental(self):
        sec, st = self.new_user("secretariat")
        _, kt = self.new_kiosk()
        codes = self.new_codes(count=3, minutes=20, pages=2)
        full = self.api("GET", "/api/v1/kiosk/codes?since=0", token=kt)
        absent = self.api("GET", "/api/v1/kiosk/codes", token=kt)
        self.assertIs(full["full"], True)
        self.assertIs(absent["full"], True)
        self.assertRegex(full["salt"], r"^[0-9a-f]{32}$")
        self.assertInt(full["cursor"])
        vs = {c["id"]: offline_verifier(c["code"], full["salt"], full["opslimit"],
                                        full["memlimit"]) for c in codes}
        have = {e["verifier"] for e in full["codes"]}
        self.assertTrue(set(vs.values()) <= have)
        for e in full["codes"]:
            self.assertRegex(e["verifier"], r"^[0-9a-f]{64}$")
            self.assertEqual(e["state"], "active")
        # nothing changed: nothing new
        inc = self.api("GET", "/api/v1/kiosk/codes?since=%d" % full["cursor"], token=kt)
        self.assertIs(inc["full"], False)
        self.assertEqual(inc["codes"], [])
        self.assertGreaterEqual(inc["cursor"], full["cursor"])
        # one revoked, one used: only those two come back
        self.api("POST", "/api/v1/codes/revoke", {"id": codes[0]["id"]}, st)
        sid = self.open_ok(kt, codes[1]["code"])["session"]
        self.end_session(kt, sid, seconds_used=300)
        inc2 = self.api("GET", "/api/v1/kiosk/codes?since=%d" % inc["cursor"], token=kt)
        self.assertIs(inc2["full"], False)
        self.assertGreater(inc2["cursor"], inc["cursor"])
        by_v = {e["verifier"]: e for e in inc2["codes"]}
        self.assertEqual(set(by_v), {vs[codes[0]["id"]], vs[codes[1]["id"]]})
        self.assertEqual(by_v[vs[codes[0]["id"]]]["state"], "revoked")
        self.assertEqual(by_v[vs[codes[1]["id"]]]["seconds_left"], 1200 - 300)
        self.assertEqual(by_v[vs[codes[1]["id"]]]["state"], "active")
        # a full listing holds only usable codes
        full2 = self.api("GET", "/api/v1/kiosk/codes?since=0", token=kt)
        self.assertNotIn(vs[codes[0]["id"]], {e["verifier"] for e in full2["codes"]})
        self.assertEqual(full2["salt"], full["salt"])

    def test_never_a_clear_code(self):
        _, kt = self.new_kiosk()
        codes = self.new_codes(count=5)
        _, _, body = self.req("GET", "/api/v1/kiosk/codes?since=0", token=kt)
        text = json.dumps(body)
        for c in codes:
            self.assertNotIn(normalise(c["code"]), text)
            self.assertNotIn(c["code"], text)

    def test_bad_since(self):
        _, kt = self.new_kiosk()
        for q in ("-1", "abc", "1e3", "99999999999999999999999", "0x10"):
            self.assertError(self.req("GET", "/api/v1/kiosk/codes?since=" + q, token=kt),
                             400, "bad_request", "since=%r" % q)


class Expiry(unittest.TestCase):
    """A code issued for a few days is refused as expired when admind's clock
    (ESCALE_FAKE_NOW) is past its validity, on the same database."""

    def test_code_expired(self):
        srv = Admind(extra_conf=AdmindTestCase.EXTRA_CONF)
        try:
            admin = srv.bootstrap_admin()
            srv.start()
            _, _, k = srv.request("POST", "/api/v1/kiosks", {"name": "exp", "site": ""}, admin)
            kt = k["token"]
            st, _, d = srv.request("POST", "/api/v1/codes", {"count": 2, "days": 2}, admin)
            self.assertEqual(st, 201, d)
            c = d["codes"][0]
            srv.stop()
            srv.start(env={"ESCALE_FAKE_NOW": str(int(time.time()) + 10 * 86400)})
            st, _, d = srv.request("POST", "/api/v1/kiosk/sessions", {"code": c["code"]}, kt)
            self.assertEqual((st, d.get("error")), (403, "code_expired"), d)
            _, _, lst = srv.request("GET", "/api/v1/codes?state=all", token=admin)
            states = {x["id"]: x["state"] for x in lst["codes"]}
            self.assertEqual(states[c["id"]], "expired")
            _, _, lst = srv.request("GET", "/api/v1/codes?state=active", token=admin)
            self.assertNotIn(c["id"], [x["id"] for x in lst["codes"]])
            _, _, hb = srv.request("POST", "/api/v1/kiosk/heartbeat", {"state": "login"}, kt)
            self.assertGreater(hb["now"], time.time() + 9 * 86400, "admind uses ESCALE_FAKE_NOW")
            # extending an expired code counts the days from now
            fake_now = hb["now"]
            st, _, d = srv.request("POST", "/api/v1/codes/extend", {"id": c["id"], "days": 1},
                                   admin)
            self.assertEqual(st, 200, d)
            self.assertAlmostEqual(d["valid_until"], fake_now + 86400, delta=120)
            self.assertEqual(d["state"], "active")
            st, _, d = srv.request("POST", "/api/v1/kiosk/sessions", {"code": c["code"]}, kt)
            self.assertEqual(st, 201, d)
            srv.stop()
        finally:
            srv.cleanup()


if __name__ == "__main__":
    main()
