"""escale-kiosk end to end under Xvfb: sign-in, refusals, the session's ends, staff
commands, the browser's crash, a kiosk restart, and a session run offline."""

import os
import signal
import subprocess
import time
import unittest

from kiosk_e2e import Kiosk, KioskTestCase, need, screenshot


class SignIn(KioskTestCase):

    def test_typed_code_opens_a_session_and_end_wipes_it(self):
        self.start_kiosk()
        screenshot(self.x.display, "01-welcome")
        code, st = self.sign_in(minutes=30, pages=5)
        self.assertEqual(st["pages_left"], 5)
        self.assertGreater(st["seconds_left"], 29 * 60)
        self.assertTrue(st["online"])
        self.assertFalse(st["offline_session"])
        sid = st["session"]
        # The browser's window fills the area under the bar, under all its rows.
        lines = self.kiosk.browser_lines()
        self.assertTrue(any(l.startswith("start ") for l in lines), lines)
        bar = max((b for b in self.kiosk.status()["buttons"] if b["bar"]),
                  key=lambda b: b["y"] + b["h"])
        mapped = [l for l in lines if l.startswith("mapped ") or l.startswith("configure ")]
        self.assertTrue(mapped, lines)
        x, y, w, h = (int(v) for v in mapped[-1].split()[2:6])
        self.assertEqual((x, w), (0, 1280))
        self.assertGreaterEqual(y, bar["y"] + bar["h"])
        self.assertEqual(y + h, 800)
        screenshot(self.x.display, "02-session")
        # Home and Back reach the browser.
        self.kiosk.click("back")
        self.kiosk.click("home")
        self.kiosk.wait(lambda s: True, "a round trip")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            lines = self.kiosk.browser_lines()
            if "back" in lines and "home" in lines:
                break
            time.sleep(0.05)
        self.assertIn("back", lines)
        self.assertIn("home", lines)
        # End asks first; "no" keeps the session.
        self.kiosk.click("end")
        self.kiosk.wait(lambda s: s["screen"] == "confirm_end", "the confirmation")
        screenshot(self.x.display, "03-confirm-end")
        self.kiosk.click("no")
        self.kiosk.wait(lambda s: s["screen"] == "session", "back to the session")
        self.kiosk.click("end")
        self.kiosk.wait(lambda s: s["screen"] == "confirm_end", "the confirmation")
        self.kiosk.click("yes")
        st = self.kiosk.wait_state("login")
        self.assertEqual(st["last_end"]["reason"], "user")
        self.assertEqual(st["last_end"]["session"], sid)
        self.assertEqual(st["message"], "goodbye")
        screenshot(self.x.display, "04-goodbye")
        # The session directory is gone (the kiosk's browser policy stays) and admind knows
        # the end.
        self.assertEqual(sorted(os.listdir(self.kiosk.runtime_dir)), ["kiosk.sock", "policy"])
        self.wait_session_ended(sid, "user")

    def wait_session_ended(self, sid, reason):
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            d = self.api("GET", "/api/v1/sessions", token=self.admin)
            s = [x for x in d["sessions"] if x["id"] == sid]
            if s and s[0]["end_reason"] == reason:
                return s[0]
            time.sleep(0.1)
        self.fail("admind never saw session %s end with %s: %r" % (sid, reason, s))

    def test_keypad_clicks_and_refusals(self):
        self.start_kiosk()
        # A wrong code, typed on the on-screen keypad.
        for ch in "11112222":
            self.kiosk.click("key", ch)
        st = self.kiosk.wait(lambda s: s["message"] == "code_unknown", "the refusal")
        self.assertEqual(st["state"], "login")
        # The refused code stays on screen, to compare with the ticket.
        self.assertEqual((st["typed"], st["typed_refused"]), ("11112222", True), st)
        # With the wrong codes left before a pause, from admind.
        self.assertGreater(st["tries_left"], 0, st)
        tries = st["tries_left"]
        screenshot(self.x.display, "05-refused")
        # OK again spends no try; the first key starts a new code.
        self.kiosk.click("ok")
        st = self.kiosk.status()
        self.assertEqual((st["message"], st["typed"]), ("code_unknown", "11112222"), st)
        # Erase works on the keypad.
        self.kiosk.click("key", "3")
        st = self.kiosk.wait(lambda s: s["typed"] == "3", "a new code")
        self.assertFalse(st["typed_refused"], st)
        self.kiosk.click("key", "4")
        self.kiosk.click("erase")
        self.kiosk.wait(lambda s: s["typed"] == "3", "the erase")
        self.kiosk.click("erase")
        # A second wrong code: one try fewer before the pause.
        self.kiosk.type("33334444")
        st = self.kiosk.wait(lambda s: s["message"] == "code_unknown" and s["typed_refused"],
                             "the second refusal")
        self.assertEqual(st["tries_left"], tries - 1, st)
        self.kiosk.click("erase")
        # An expired code and a revoked one say so.
        c = self.new_code()
        self.api("POST", "/api/v1/codes/revoke", {"code": c["code"]}, self.admin)
        self.kiosk.type(c["code"].replace(" ", ""))
        self.kiosk.wait(lambda s: s["message"] == "code_revoked", "revoked")
        # The good code, clicked.
        code = self.new_code(minutes=10)["code"].replace(" ", "")
        for ch in code:
            self.kiosk.click("key", ch)
        self.kiosk.wait_state("session")

    def test_in_use_elsewhere(self):
        self.start_kiosk()
        c = self.new_code()
        _, other = self.new_kiosk()
        self.open_ok(other, c["code"])
        self.kiosk.type(c["code"].replace(" ", ""))
        self.kiosk.wait(lambda s: s["message"] == "code_in_use", "in use elsewhere")

    def test_second_window_manager_refused(self):
        # Fail closed: a display that already has a window manager (here, a first kiosk)
        # is not taken over; the second kiosk exits 1 and says why.
        self.start_kiosk()
        other_dir = os.path.join(self.workdir, "second")
        os.makedirs(other_dir)
        second = Kiosk(other_dir, self.x.display, "http://127.0.0.1:%d" % self.server.port,
                       self.ktoken)
        second.start()
        self.assertEqual(second.proc.wait(15), 1)
        second.logf.close()
        self.assertIn("another window manager", second.output())
        self.assertEqual(self.kiosk.status()["state"], "login")

    def test_second_kiosk_leaves_the_session_alone(self):
        # Started by mistake with the same configuration, a second kiosk refuses the display
        # and must not touch the running session's directory.
        self.start_kiosk()
        _, st = self.sign_in()
        dirs = [d for d in os.listdir(self.kiosk.runtime_dir) if d.startswith("session-")]
        self.assertEqual(len(dirs), 1, dirs)
        second = Kiosk(self.workdir, self.x.display, "http://127.0.0.1:%d" % self.server.port,
                       self.ktoken)
        second.start()
        self.assertEqual(second.proc.wait(15), 1)
        second.logf.close()
        self.assertTrue(os.path.isdir(os.path.join(self.kiosk.runtime_dir, dirs[0], "home")))
        st2 = self.kiosk.status()
        self.assertEqual((st2["state"], st2["session"]), ("session", st["session"]))

    def test_popup_fills_the_area_and_dialog_is_centred(self):
        self.start_kiosk()
        self.sign_in()
        # Keys typed during a session go to the browser: 'n' opens a second top-level window,
        # 'd' a transient dialog of 400x300.
        self.kiosk.type("n")
        self.kiosk.wait(lambda s: s["windows"] >= 2, "the popup")
        self.kiosk.type("d")
        self.kiosk.wait(lambda s: s["windows"] >= 3, "the dialog")
        bar = self.kiosk.button("end")
        top = bar["y"] + bar["h"]

        def last_geometry(wid):
            geo = None
            for l in self.kiosk.browser_lines():
                f = l.split()
                if f[0] in ("mapped", "configure") and f[1] == wid:
                    geo = tuple(int(v) for v in f[2:6])
            return geo

        def ids(kind):
            return [l.split()[1] for l in self.kiosk.browser_lines() if l.startswith(kind + " ")]

        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not (ids("popup") and ids("dialog") and
                                                   last_geometry(ids("dialog")[-1])):
            time.sleep(0.05)
        main = last_geometry([l.split()[1] for l in self.kiosk.browser_lines()
                              if l.startswith("mapped ")][0])
        self.assertGreaterEqual(main[1], top)  # under the bar
        top = main[1]
        popup = last_geometry(ids("popup")[-1])
        dialog = last_geometry(ids("dialog")[-1])
        self.assertEqual(main, (0, top, 1280, 800 - top))
        self.assertEqual(popup, main)
        x, y, w, h = dialog
        self.assertEqual((w, h), (400, 300))
        self.assertLessEqual(abs(x + w // 2 - 640), 1)
        self.assertLessEqual(abs(y + h // 2 - (top + (800 - top) // 2)), 1)
        screenshot(self.x.display, "13-session-dialog")

    def test_language_switch(self):
        self.start_kiosk()
        self.kiosk.click("lang:en")
        self.kiosk.wait(lambda s: s["language"] == "en", "English")
        screenshot(self.x.display, "06-welcome-en")
        self.kiosk.click("lang:fr")
        self.kiosk.wait(lambda s: s["language"] == "fr", "French")

    def test_next_resident_starts_in_the_centres_language(self):
        """A resident who chose English ends the session: the next one finds the
        welcome screen in French again (the centre's language)."""
        self.start_kiosk()
        self.kiosk.click("lang:en")
        self.kiosk.wait(lambda s: s["language"] == "en", "English")
        self.sign_in()
        self.assertEqual(self.kiosk.status()["language"], "en")
        self.kiosk.click("end")
        self.kiosk.wait(lambda s: s["screen"] == "confirm_end", "the confirmation")
        self.kiosk.click("yes")
        self.kiosk.wait(lambda s: s["state"] == "login" and s["language"] == "fr",
                        "the welcome screen in French")
        screenshot(self.x.display, "06b-welcome-after-english")


class Pause(KioskTestCase):
    """Wrong codes pause the keypad; the desk lifts the pause from its page's API."""

    EXTRA_CONF = KioskTestCase.EXTRA_CONF.replace(
        "lockout_seconds = 1; lockout_max_seconds = 4",
        "lockout_seconds = 300; lockout_max_seconds = 600")

    def test_desk_lifts_the_pause(self):
        self.assertIn("lockout_seconds = 300", self.EXTRA_CONF)
        self.start_kiosk()
        for wrong in ("11112222", "33334444", "55556666"):
            self.kiosk.type(wrong)
            st = self.kiosk.wait(lambda s: not s["checking"] and s["message"] in
                                 ("code_unknown", "rate_limited"), "the refusal of " + wrong)
        st = self.kiosk.wait(lambda s: s["message"] == "rate_limited", "the pause")
        self.assertGreater(st["lockout_seconds"], 200, st)
        screenshot(self.x.display, "05b-paused")
        d = self.api("GET", "/api/v1/kiosks", token=self.admin)
        self.assertGreater([k for k in d["kiosks"] if k["id"] == self.kiosk_id][0]
                           ["paused_seconds"], 200)
        # The desk lifts it: the next heartbeat carries it, the keypad works at once.
        self.api("POST", "/api/v1/kiosks/%d/commands" % self.kiosk_id, {"type": "unpause"},
                 self.admin, expect=201)
        st = self.kiosk.wait(lambda s: s["lockout_seconds"] == 0 and
                             s["message"] != "rate_limited", "the pause lifted", timeout=30)
        self.sign_in(minutes=10)


class Expiry(KioskTestCase):

    KIOSK_EXTRA = 'session: { warn_minutes = [1]; };\n'

    def test_expiry_with_its_warning(self):
        self.start_kiosk()
        c = self.new_code(minutes=1)
        self.sign_in(code=c["code"])
        # The one-minute warning shows at once (the code has one minute).
        self.kiosk.wait(lambda s: s["seconds_left"] <= 58, "time running")
        screenshot(self.x.display, "12-session-last-minute")
        st = self.kiosk.wait_state("login", timeout=75)
        self.assertEqual(st["last_end"]["reason"], "expired")
        self.assertEqual(st["last_end"]["seconds_used"], 60)


class Notice(KioskTestCase):
    """The last warning is a notice over the session that the resident dismisses."""

    KIOSK_EXTRA = 'session: { warn_minutes = [1]; };\n'

    def test_last_minute_notice_to_dismiss(self):
        self.start_kiosk()
        c = self.new_code(minutes=2)
        self.sign_in(code=c["code"])
        st = self.kiosk.status()
        self.assertEqual((st["screen"], st["notice"]), ("session", ""), st)
        # One minute before the end: the notice covers the browser.
        st = self.kiosk.wait(lambda s: s["notice"] == "time", "the notice", timeout=75)
        st = self.kiosk.wait(lambda s: s["screen"] == "notice", "the notice screen")
        self.assertLessEqual(st["time_left"], 60)
        screenshot(self.x.display, "12b-notice-last-minute")
        self.kiosk.click("notice_ok")
        st = self.kiosk.wait(lambda s: s["screen"] == "session", "back to the session")
        self.assertEqual((st["state"], st["notice"]), ("session", ""), st)


class Ends(KioskTestCase):

    KIOSK_EXTRA = 'session: { idle_seconds = 10; idle_grace_seconds = 5; ending_ms = 300; };\n'

    def test_idle_prompt_then_end(self):
        self.start_kiosk()
        self.sign_in()
        st = self.kiosk.wait(lambda s: s["screen"] == "idle", "the idle prompt", timeout=25)
        screenshot(self.x.display, "07-idle")
        # Input answers it.
        self.kiosk.click("continue")
        self.kiosk.wait(lambda s: s["screen"] == "session", "the prompt gone")
        # No answer: the session ends.
        self.kiosk.wait(lambda s: s["screen"] == "idle", "the idle prompt again", timeout=25)
        st = self.kiosk.wait_state("login", timeout=15)
        self.assertEqual(st["last_end"]["reason"], "idle")

    def test_idle_prompt_over_a_browser_menu(self):
        # An open menu holds the keyboard and pointer: the prompt must show all the same
        # (without its grabs, which were the browser's), not stop the X session.
        self.start_kiosk()
        self.sign_in()
        self.kiosk.type("g")
        deadline = time.monotonic() + 10
        while "grabbed" not in self.kiosk.browser_lines() and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertIn("grabbed", self.kiosk.browser_lines())
        st = self.kiosk.wait(lambda s: s["screen"] == "idle", "the idle prompt", timeout=25)
        self.assertFalse(st["grabbed"])
        st = self.kiosk.wait_state("login", timeout=15)
        self.assertEqual(st["last_end"]["reason"], "idle")
        self.assertTrue(st["grabbed"])

    def test_staff_end_add_time_message_lock(self):
        self.start_kiosk()
        _, st = self.sign_in(minutes=10)
        sid = st["session"]
        left = st["seconds_left"]
        self.api("POST", "/api/v1/sessions/%s/add_time" % sid, {"minutes": 5}, self.admin)
        self.kiosk.wait(lambda s: s["seconds_left"] > left + 200, "the added time")
        self.api("POST", "/api/v1/kiosks/%d/commands" % self.kiosk_id,
                 {"type": "message", "text": "L'accueil ferme dans 10 minutes"}, self.admin,
                 expect=201)
        self.kiosk.wait(lambda s: s["banner"] == "L'accueil ferme dans 10 minutes", "message")
        screenshot(self.x.display, "08-session-message")
        self.api("POST", "/api/v1/sessions/%s/end" % sid, None, self.admin)
        st = self.kiosk.wait_state("login")
        self.assertEqual(st["last_end"]["reason"], "staff")
        self.api("POST", "/api/v1/kiosks/%d/commands" % self.kiosk_id,
                 {"type": "lock", "text": "Maintenance jusqu'à 14h"}, self.admin, expect=201)
        self.kiosk.wait_state("locked")
        screenshot(self.x.display, "09-locked")
        self.api("POST", "/api/v1/kiosks/%d/commands" % self.kiosk_id, {"type": "unlock"},
                 self.admin, expect=201)
        self.kiosk.wait_state("login")

    def test_longest_accented_message(self):
        # admind lets the desk send 500 characters: 1000 bytes of "é" must show, cut whole.
        self.start_kiosk()
        _, st = self.sign_in()
        text = "é" * 500
        self.api("POST", "/api/v1/kiosks/%d/commands" % self.kiosk_id,
                 {"type": "message", "text": text}, self.admin, expect=201)
        st = self.kiosk.wait(lambda s: s["banner"], "the message")
        self.assertTrue(text.startswith(st["banner"]) and len(st["banner"]) >= 200, st)
        self.assertEqual(st["state"], "session")
        # It has a panel of its own under the bar's row, which keeps the time and the
        # pages; the panel lies over the top of the page, which does not move (a jump of
        # the page would put another link under the resident's finger).
        ok = self.kiosk.button("dismiss")
        end = self.kiosk.button("end")
        self.assertGreater(ok["y"], end["y"] + end["h"], (ok, end))
        geo = [l.split() for l in self.kiosk.browser_lines()
               if l.startswith(("mapped ", "configure "))]
        top = int(geo[-1][3])
        self.assertLess(top, ok["y"], geo[-1])
        screenshot(self.x.display, "14-long-message-panel")
        stack = subprocess.run([need("ESCALE_STANDIN"), "--stacking"], timeout=10,
                               env=dict(os.environ, DISPLAY=self.x.display),
                               stdout=subprocess.PIPE).stdout.decode().split()[1:]
        bar = subprocess.run(["xdotool", "search", "--name", "^escale-kiosk bar$"],
                             env=dict(os.environ, DISPLAY=self.x.display),
                             stdout=subprocess.PIPE, timeout=10).stdout.split()[0].decode()
        self.assertEqual(stack[-1], bar, "the panel is not above the page")
        self.kiosk.click("dismiss")
        self.kiosk.wait(lambda s: not s["banner"], "the message read")
        geo = [l.split() for l in self.kiosk.browser_lines()
               if l.startswith(("mapped ", "configure "))]
        self.assertEqual(int(geo[-1][3]), top)

    def test_browser_crash_restarts_once_then_ends(self):
        self.start_kiosk()
        _, st = self.sign_in()
        first = st["browser_pid"]
        os.kill(first, signal.SIGSEGV)
        st = self.kiosk.wait(lambda s: s["browser_pid"] not in (0, first) and s["windows"] >= 1,
                             "the browser started again")
        self.assertEqual(st["state"], "session")
        os.kill(st["browser_pid"], signal.SIGKILL)
        st = self.kiosk.wait_state("login")
        self.assertEqual(st["last_end"]["reason"], "browser")

    def test_kiosk_killed_and_restarted(self):
        self.start_kiosk()
        _, st = self.sign_in()
        sid = st["session"]
        self.kiosk.stop(signal.SIGKILL)
        self.kiosk = self.make_kiosk()
        st = self.start_kiosk()
        self.assertEqual(st["state"], "login")  # never resumed without its code
        SignIn.wait_session_ended(self, sid, "restart")

    def test_helper_killed_mid_session_keeps_it(self):
        # Only the network helper dies: the resident keeps the session, admind keeps it open
        # and counts it on, and its one end is the resident's.
        self.start_kiosk()
        _, st = self.sign_in(minutes=30)
        sid = st["session"]
        pid = self.kiosk.proc.pid
        def comm(p):
            with open("/proc/%d/comm" % p) as f:
                return f.read()
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            kids = [int(c) for c in f.read().split()]
        helper = [c for c in kids if comm(c).startswith("escale-kiosk-n")]
        self.assertEqual(len(helper), 1, kids)
        os.kill(helper[0], signal.SIGKILL)
        self.kiosk.wait(lambda s: not s["online"], "offline while the helper is down")
        self.kiosk.wait(lambda s: s["online"], "the helper started again", timeout=20)

        def counted_on():
            d = self.api("GET", "/api/v1/sessions", token=self.admin)
            s = [x for x in d["sessions"] if x["id"] == sid][0]
            return s["end_reason"] is not None or s["seconds_used"] >= 5
        deadline = time.monotonic() + 20
        while not counted_on() and time.monotonic() < deadline:
            time.sleep(0.2)
        st = self.kiosk.status()
        self.assertEqual((st["state"], st["session"]), ("session", sid), st)
        d = self.api("GET", "/api/v1/sessions", token=self.admin)
        s = [x for x in d["sessions"] if x["id"] == sid][0]
        self.assertIsNone(s["end_reason"], s)
        self.assertGreaterEqual(s["seconds_used"], 5, s)
        self.kiosk.click("end")
        self.kiosk.wait(lambda s: s["screen"] == "confirm_end", "the confirmation")
        self.kiosk.click("yes")
        self.kiosk.wait_state("login")
        SignIn.wait_session_ended(self, sid, "user")


class Closing(KioskTestCase):
    """Hours that close 20 s from now (the kiosk's clock is moved to 17:59:40)."""

    def setUp(self):
        lt = time.localtime()
        now_s = lt.tm_hour * 3600 + lt.tm_min * 60 + lt.tm_sec
        offset = 18 * 3600 - 20 - now_s
        days = "monday tuesday wednesday thursday friday saturday sunday".split()
        self.KIOSK_EXTRA = ("hours: { %s };\n" %
                            " ".join('%s = ["08:00-18:00"];' % d for d in days))
        self.KIOSK_ENV = {"ESCALE_KIOSK_TIME_OFFSET": str(offset)}
        super().setUp()

    def test_closing_time_ends_the_session(self):
        self.start_kiosk()
        self.sign_in()
        # The bar shows the time to closing, not the code's hour, and says so.
        st = self.kiosk.status()
        self.assertGreater(st["seconds_left"], 3000, st)
        self.assertLessEqual(st["time_left"], 20, st)
        self.assertEqual(st["closing_at"], "18h00", st)
        screenshot(self.x.display, "09b-bar-closing")
        st = self.kiosk.wait_state("closed", timeout=40)
        self.assertEqual(st["last_end"]["reason"], "closing")
        screenshot(self.x.display, "10-closed")


class Offline(KioskTestCase):

    def test_session_offline_then_outbox_delivered(self):
        self.start_kiosk()
        syncs = self.kiosk.status()["cache_syncs"]
        code = self.new_code(minutes=30)["code"]
        port = self.server.port
        # Two refreshes of the offline cache later (every 2 s), it holds the code.
        self.kiosk.wait(lambda s: s["cache_syncs"] >= syncs + 2, "the code in the cache")
        self.server.stop()
        self.kiosk.wait(lambda s: not s["online"], "offline")
        self.kiosk.type(code.replace(" ", ""))
        st = self.kiosk.wait_state("session", timeout=20)
        self.assertTrue(st["offline_session"])
        sid = st["session"]
        screenshot(self.x.display, "11-session-offline")
        self.kiosk.wait(lambda s: s["seconds_left"] <= 30 * 60 - 3, "3 seconds used")
        self.kiosk.click("end")
        self.kiosk.wait(lambda s: s["screen"] == "confirm_end", "confirm")
        self.kiosk.click("yes")
        self.kiosk.wait_state("login")
        self.server.start(port=port)
        self.kiosk.wait(lambda s: s["online"], "online again", timeout=30)
        s = SignIn.wait_session_ended(self, sid, "user")
        self.assertTrue(s["offline"])
        self.assertGreaterEqual(s["seconds_used"], 3)
        usage = self.api("GET", "/api/v1/usage?format=json", token=self.admin)
        self.assertIn(sid, [u["id"] for u in usage["sessions"]])



class Keyboard(KioskTestCase):
    """keyboard.onscreen with the stand-in browser: when the keyboard opens by itself, the
    bar's tool, the browser's window above it, keys typed, and the session's end closing
    it."""

    def kiosk_with(self, mode, keyboard):
        inputs = os.path.join(self.workdir, "input")
        os.makedirs(os.path.join(inputs, "by-path"), exist_ok=True)
        if keyboard:
            open(os.path.join(inputs, "by-path", "platform-i8042-serio-0-event-kbd"),
                 "w").close()
        # Another device's name does not count.
        open(os.path.join(inputs, "by-path", "pci-0000:00:14.0-usb-0:3:1.0-event-mouse"),
             "w").close()
        self.kiosk = self.make_kiosk(extra='keyboard: { onscreen = "%s"; };\n' % mode,
                                     env={"ESCALE_KIOSK_INPUT_DIR": inputs})

    def last_geometry(self):
        lines = [l for l in self.kiosk.browser_lines()
                 if l.startswith("mapped ") or l.startswith("configure ")]
        return tuple(int(v) for v in lines[-1].split()[2:6]) if lines else None

    def wait_geometry(self, pred, what):
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            g = self.last_geometry()
            if g and pred(g):
                return g
            time.sleep(0.05)
        self.fail("the browser's window is %r, not %s" % (self.last_geometry(), what))

    def press(self, label):
        keys = [k for k in self.kiosk.status()["keyboard_keys"] if k["label"] == label]
        self.assertEqual(len(keys), 1, label)
        k = keys[0]
        subprocess.run(["xdotool", "mousemove", str(k["x"] + k["w"] // 2),
                        str(k["y"] + k["h"] // 2), "click", "1"],
                       env=dict(os.environ, DISPLAY=self.x.display), check=True, timeout=20)
        self.kiosk.wait(lambda s: True, "a round trip")

    def wait_key(self, line):
        deadline = time.monotonic() + 10
        while line not in self.kiosk.browser_lines() and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertIn(line, self.kiosk.browser_lines())

    def test_auto_with_a_keyboard_opens_on_the_tool_and_closes_at_the_end(self):
        self.kiosk_with("auto", keyboard=True)
        self.start_kiosk()
        self.sign_in()
        st = self.kiosk.status()
        self.assertFalse(st["keyboard"])
        self.assertEqual(st["keyboard_keys"], [])
        self.wait_geometry(lambda g: g[1] + g[3] == 800, "full height")
        self.kiosk.click("keyboard")
        st = self.kiosk.wait(lambda s: s["keyboard"], "the keyboard open")
        top = min(k["y"] for k in st["keyboard_keys"])
        self.wait_geometry(lambda g: g[1] + g[3] <= top and g[1] + g[3] > top - 20,
                           "above the keyboard")
        screenshot(self.x.display, "keyboard-01-tool")
        # Keys reach the browser: a letter, é (not on Xvfb's US keymap), É with Maj.
        self.press("a")
        self.wait_key("key a none")
        self.press("é")
        self.wait_key("key eacute none")
        self.press("Maj")
        self.assertTrue(self.kiosk.status()["keyboard_shift"])
        screenshot(self.x.display, "keyboard-02-maj")
        self.press("é")
        self.wait_key("key Eacute shift")
        self.assertFalse(self.kiosk.status()["keyboard_shift"])
        # Ctrl held on a real keyboard while the on-screen "n" is clicked: no Ctrl+N (a
        # forbidden shortcut) reaches the browser. The modified click is the kiosk's
        # (its click grabs), and the shortcuts' grabs hold for the keys it fakes too;
        # the "o" after it arrives alone.
        xdo = dict(os.environ, DISPLAY=self.x.display)
        subprocess.run(["xdotool", "keydown", "ctrl"], env=xdo, check=True, timeout=20)
        self.press("n")
        subprocess.run(["xdotool", "keyup", "ctrl"], env=xdo, check=True, timeout=20)
        self.press("o")
        self.wait_key("key o none")
        self.assertFalse([l for l in self.kiosk.browser_lines() if l.startswith("key n")],
                         self.kiosk.browser_lines())
        # Maj left on at the end of the session: the next one starts closed, Maj off.
        self.press("Maj")
        self.kiosk.click("end")
        self.kiosk.wait(lambda s: s["screen"] == "confirm_end", "the confirmation")
        self.kiosk.click("yes")
        st = self.kiosk.wait_state("login")
        self.assertFalse(st["keyboard"])
        self.assertFalse(st["keyboard_shift"])
        self.sign_in()
        st = self.kiosk.status()
        self.assertFalse(st["keyboard"])
        self.assertFalse(st["keyboard_shift"])
        self.kiosk.button("keyboard")

    def test_always_opens_at_the_start(self):
        self.kiosk_with("always", keyboard=True)
        self.start_kiosk()
        self.sign_in()
        st = self.kiosk.wait(lambda s: s["keyboard"], "the keyboard open at the start")
        self.assertTrue(all(k["h"] >= 56 for k in st["keyboard_keys"]))
        # The tool closes it; the window grows back.
        self.kiosk.click("keyboard")
        self.kiosk.wait(lambda s: not s["keyboard"], "closed")
        self.wait_geometry(lambda g: g[1] + g[3] == 800, "full height")

    def test_never_offers_no_tool(self):
        self.kiosk_with("never", keyboard=False)
        self.start_kiosk()
        self.sign_in()
        st = self.kiosk.status()
        self.assertFalse(st["keyboard"])
        self.assertNotIn("keyboard", [b["action"] for b in st["buttons"]])
        self.kiosk.button("end")


if __name__ == "__main__":
    unittest.main(verbosity=2)
