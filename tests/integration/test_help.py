"""Calls for help (issue 19): a kiosk's heartbeat asks, the desk's list shows it, the desk
answers with help_coming / help_clear, which reach the kiosk as commands."""

import time

from escale_test import AdmindTestCase, main
from test_cli import run_escalectl


class Help(AdmindTestCase):

    def kiosk_row(self, kid):
        for k in self.api("GET", "/api/v1/kiosks", token=self.admin)["kiosks"]:
            if k["id"] == kid:
                return k
        self.fail("kiosk %d not listed" % kid)

    def command(self, kid, typ, expect=201, token=None):
        return self.api("POST", "/api/v1/kiosks/%d/commands" % kid, {"type": typ},
                        token or self.admin, expect=expect)

    def in_session(self, kt):
        return self.open_ok(kt, self.new_code()["code"])["session"]

    def test_call_answer_clear(self):
        kid, kt = self.new_kiosk()
        sid = self.in_session(kt)
        row = self.kiosk_row(kid)
        self.assertEqual((row["help"], row["help_since"]), ("none", None), row)
        # Nothing to answer yet.
        self.command(kid, "help_coming", expect=409)
        at = int(time.time() * 1000)
        before = int(time.time())
        self.heartbeat(kt, "session", sid, help="asked", help_at=at)
        row = self.kiosk_row(kid)
        self.assertEqual(row["help"], "asked", row)
        self.assertGreaterEqual(row["help_since"], before)
        # A desk member answers: the list says so, the kiosk gets the command.
        _, sec = self.new_user("secretariat")
        self.command(kid, "help_coming", token=sec)
        self.assertEqual(self.kiosk_row(kid)["help"], "coming")
        cmds = self.heartbeat(kt, "session", sid, help="asked", help_at=at)["commands"]
        self.assertEqual([c["type"] for c in cmds], ["help_coming"], cmds)
        # The kiosk's late heartbeats with the same call do not undo the answer.
        self.assertEqual(self.kiosk_row(kid)["help"], "coming")
        self.heartbeat(kt, "session", sid, help="coming", help_at=at,
                       ack=[c["id"] for c in cmds])
        self.assertEqual(self.kiosk_row(kid)["help"], "coming")
        # Done: closed at once, and a late heartbeat of that call does not open it again.
        self.command(kid, "help_clear")
        self.assertEqual(self.kiosk_row(kid)["help"], "none")
        cmds = self.heartbeat(kt, "session", sid, help="coming", help_at=at)["commands"]
        self.assertEqual([c["type"] for c in cmds], ["help_clear"], cmds)
        self.assertEqual(self.kiosk_row(kid)["help"], "none")
        self.heartbeat(kt, "session", sid, help="none", ack=[c["id"] for c in cmds])
        # A new call from the same kiosk is a new call.
        self.heartbeat(kt, "session", sid, help="asked", help_at=at + 5000)
        self.assertEqual(self.kiosk_row(kid)["help"], "asked")
        # The resident cancels (or the session ends: the kiosk sends none).
        self.heartbeat(kt, "session", sid, help="none")
        self.assertEqual(self.kiosk_row(kid)["help"], "none")
        self.heartbeat(kt, "session", sid, help="asked", help_at=at + 9000)
        self.heartbeat(kt, "login")
        self.assertEqual(self.kiosk_row(kid)["help"], "none")
        # Clearing without a call is harmless.
        self.command(kid, "help_clear")

    def test_call_from_the_welcome_screen(self):
        # A resident stuck at signing in: the call comes with state login.
        kid, kt = self.new_kiosk()
        self.heartbeat(kt, "login", help="asked", help_at=500)
        self.assertEqual(self.kiosk_row(kid)["help"], "asked")
        self.command(kid, "help_coming")
        # Signed in with the desk's help: the same call goes on into the session.
        sid = self.in_session(kt)
        self.heartbeat(kt, "session", sid, help="coming", help_at=500)
        self.assertEqual(self.kiosk_row(kid)["help"], "coming")

    def test_counted_in_the_statistics(self):
        def stats():
            d = self.api("GET", "/api/v1/stats", token=self.admin)
            today = [r for r in d["per_day"] if r["day"] == time.strftime("%Y-%m-%d")]
            return d["help_requests"], today[0]["help_requests"] if today else None

        before, _ = stats()
        kid, kt = self.new_kiosk()
        sid = self.in_session(kt)
        at = int(time.time() * 1000)
        self.heartbeat(kt, "session", sid, help="asked", help_at=at)
        # The same call again is not counted again; a new one is.
        self.heartbeat(kt, "session", sid, help="asked", help_at=at)
        self.heartbeat(kt, "session", sid, help="coming", help_at=at)
        self.assertEqual(stats()[0], before + 1)
        self.heartbeat(kt, "session", sid, help="none")
        self.heartbeat(kt, "session", sid, help="asked", help_at=at + 1)
        total, today = stats()
        self.assertEqual(total, before + 2)
        self.assertGreaterEqual(today, 2)
        self.command(kid, "help_clear")

    def test_kiosks_do_not_mix(self):
        k1, t1 = self.new_kiosk()
        k2, t2 = self.new_kiosk()
        s1 = self.in_session(t1)
        self.in_session(t2)
        self.heartbeat(t1, "session", s1, help="asked", help_at=1234)
        self.assertEqual(self.kiosk_row(k1)["help"], "asked")
        self.assertEqual(self.kiosk_row(k2)["help"], "none")
        self.command(k2, "help_coming", expect=409)

    def test_hostile_heartbeats(self):
        kid, kt = self.new_kiosk()
        sid = self.in_session(kt)
        for body in ({"help": "please"}, {"help": ""}, {"help": 1},
                     {"help": "asked"},  # no help_at
                     {"help": "asked", "help_at": 0}, {"help": "asked", "help_at": -5},
                     {"help": "asked", "help_at": "soon"}, {"help": "x" * 100}):
            self.heartbeat(kt, "session", sid, expect=400, **body)
        # A closed or locked kiosk has no one to help.
        self.heartbeat(kt, "closed", expect=400, help="asked", help_at=99)
        self.heartbeat(kt, "locked", expect=400, help="asked", help_at=99)
        self.assertEqual(self.kiosk_row(kid)["help"], "none")
        # The desk's words only.
        self.command(kid, "help_later", expect=400)
        # A kiosk cannot answer its own call (staff route).
        self.api("POST", "/api/v1/kiosks/%d/commands" % kid, {"type": "help_coming"}, kt,
                 expect=403)


    def test_escalectl_answers(self):
        url = "http://127.0.0.1:%d" % self.server.port

        def ctl(*args):
            return run_escalectl(["--url", url, "--token", self.admin] + list(args))
        # One admind for the class: calls left by other tests end first.
        for k in self.api("GET", "/api/v1/kiosks", token=self.admin)["kiosks"]:
            if k["help"] != "none":
                self.command(k["id"], "help_clear")
        # Nobody calling: said, with what to do.
        r = ctl("kiosk", "help-coming")
        self.assertEqual(r.rc, 1, str(r))
        self.assertIn("no kiosk is calling for help", r.err)
        kid, kt = self.new_kiosk()
        sid = self.in_session(kt)
        self.heartbeat(kt, "session", sid, help="asked", help_at=77)
        # The only kiosk calling, without naming it.
        r = ctl("kiosk", "help-coming")
        self.assertEqual((r.rc, r.err), (0, ""), str(r))
        self.assertRegex(r.out, r"^help_coming sent to kiosk %d \(command \d+\)\n$" % kid)
        self.assertEqual(self.kiosk_row(kid)["help"], "coming")
        # Two calling: the kiosk must be named.
        k2, t2 = self.new_kiosk()
        s2 = self.in_session(t2)
        self.heartbeat(t2, "session", s2, help="asked", help_at=78)
        r = ctl("kiosk", "help-clear")
        self.assertEqual(r.rc, 1, str(r))
        self.assertIn("2 kiosks are calling", r.err)
        r = ctl("kiosk", "help-clear", str(k2))
        self.assertEqual(r.rc, 0, str(r))
        self.assertEqual(self.kiosk_row(k2)["help"], "none")
        self.assertEqual(ctl("kiosk", "help-clear", str(kid)).rc, 0)
        self.assertEqual(self.kiosk_row(kid)["help"], "none")
        r = ctl("kiosk", "help-coming", "a", "b")
        self.assertEqual(r.rc, 2, str(r))


if __name__ == "__main__":
    main()
