"""escale-kiosk end to end under Xvfb: an accompanied session (docs/kiosk.md). A mediator's
one-time code, typed on the keypad, opens a session whose bar names the mediator and shows
no countdown but closing time; closing time ends it, wiped as any other, and admind's audit
log has its start and end under the mediator's name. The mediator's name and password,
typed on the kiosk's own sign-in screen, open one too; a wrong password is refused there.
On a PC without a keyboard they are tapped on the screen's own on-screen keyboard."""

import json
import os
import time
import unittest

from kiosk_e2e import KioskTestCase, screenshot, xdotool

PASSWORD = "mediator password 1"


class Accompanied(KioskTestCase):
    """Hours that close 30 s from now (the kiosk's clock is moved to 17:59:30)."""

    def setUp(self):
        lt = time.localtime()
        now_s = lt.tm_hour * 3600 + lt.tm_min * 60 + lt.tm_sec
        offset = 18 * 3600 - 30 - now_s
        days = "monday tuesday wednesday thursday friday saturday sunday".split()
        self.KIOSK_EXTRA = ("hours: { %s };\n" %
                            " ".join('%s = ["08:00-18:00"];' % d for d in days))
        self.KIOSK_ENV = {"ESCALE_KIOSK_TIME_OFFSET": str(offset)}
        super().setUp()

    def mediator(self):
        name = self.unique("Médiatrice")
        d = self.api("POST", "/api/v1/users",
                     {"name": name, "role": "mediator", "password": PASSWORD}, self.admin,
                     expect=201)
        return name, d["token"]

    def audit(self, action, target):
        rows = self.api("GET", "/api/v1/audit?limit=1000", token=self.admin)["audit"]
        return [a for a in rows if a["action"] == action and a["target"] == target]

    def test_mediator_code_opens_an_accompanied_session(self):
        name, tok = self.mediator()
        code = self.api("POST", "/api/v1/accompany", None, tok, expect=201)["code"]
        self.start_kiosk()
        st = self.kiosk.status()
        self.assertIsNone(st["accompanied_by"], st)
        self.sign_in(code)
        st = self.kiosk.status()
        self.assertEqual(st["accompanied_by"], name, st)
        # No time limit but closing time: admind gives a day, the bar shows closing time.
        self.assertGreater(st["seconds_left"], 20 * 3600, st)
        self.assertEqual(st["closing_at"], "18h00", st)
        sid = st["session"]
        self.assertEqual(len(self.audit("session.accompany", sid)), 1)
        screenshot(self.x.display, "accompany-01-bar")
        st = self.kiosk.wait_state("closed", timeout=50)
        self.assertEqual(st["last_end"]["reason"], "closing", st)
        self.assertIsNone(st["accompanied_by"], st)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not self.audit("session.accompany_end", sid):
            time.sleep(0.3)
        ended = self.audit("session.accompany_end", sid)
        self.assertEqual(len(ended), 1, ended)
        self.assertEqual(ended[0]["user"], name)
        self.assertEqual(ended[0]["detail"]["reason"], "closing")


class SignIn(KioskTestCase):
    """The "Session accompagnée" button and its screen, with the kiosk's keyboard."""

    def test_name_and_password_on_the_kiosk(self):
        name = self.unique("mediatrice")  # typed by xdotool: ASCII
        self.api("POST", "/api/v1/users",
                 {"name": name, "role": "mediator", "password": PASSWORD}, self.admin,
                 expect=201)
        self.start_kiosk()
        self.kiosk.wait(lambda s: s["state"] == "login", "the welcome screen")
        self.kiosk.click("accompany", "o")
        st = self.kiosk.wait(lambda s: s["screen"] == "accompany", "the sign-in screen")
        self.assertEqual(st["accompany"]["field"], "name", st)
        self.kiosk.type(name)
        self.kiosk.key("Tab")
        self.kiosk.type("wrong password!")
        self.kiosk.wait(lambda s: s["accompany"]["dots"] == len("wrong password!"),
                        "the password as dots")
        screenshot(self.x.display, "accompany-02-sign-in")
        self.kiosk.key("Return")
        st = self.kiosk.wait(lambda s: s["accompany"]["message"] == "bad_login",
                             "the refusal", timeout=30)
        # The password is gone, the name stays: typing again goes to the password.
        self.assertEqual(st["accompany"]["dots"], 0, st)
        self.assertEqual(st["accompany"]["field"], "password", st)
        self.assertEqual(st["state"], "login", st)
        self.kiosk.type(PASSWORD)
        self.kiosk.key("Return")
        st = self.kiosk.wait_state("session", timeout=30)
        self.assertEqual(st["accompanied_by"], name, st)
        self.assertFalse(st["accompany"]["shown"], st)
        self.kiosk.wait(lambda s: s["windows"] >= 1, "the browser's window")
        # Its end: the button, as any session.
        self.kiosk.click("end")
        self.kiosk.wait(lambda s: s["screen"] == "confirm_end", "the confirmation")
        self.kiosk.click("yes")
        st = self.kiosk.wait_state("login")
        self.assertIsNone(st["accompanied_by"], st)
        self.assertEqual(st["last_end"]["reason"], "user", st)

    def test_cancel_forgets_what_was_typed(self):
        self.start_kiosk()
        self.kiosk.wait(lambda s: s["state"] == "login", "the welcome screen")
        screenshot(self.x.display, "accompany-00-welcome")
        self.kiosk.click("accompany", "o")
        self.kiosk.wait(lambda s: s["screen"] == "accompany", "the sign-in screen")
        self.kiosk.type("someone")
        self.kiosk.wait(lambda s: s["accompany"]["name_chars"] == 7, "the name typed")
        self.kiosk.click("accompany", "x")
        st = self.kiosk.wait(lambda s: s["screen"] == "login", "the welcome screen again")
        self.assertEqual(st["accompany"], {"shown": False, "field": "name", "message": "",
                                           "dots": 0, "name_chars": 0, "keyboard": False,
                                           "keyboard_shift": False, "keyboard_keys": []})
        # The keypad takes codes again.
        self.kiosk.type("12")
        self.kiosk.wait(lambda s: s["typed"] == "12", "digits on the keypad")


class OnScreen(KioskTestCase):
    """keyboard.onscreen = "always": the sign-in screen's keyboard, tapped like a mediator
    on a touch-only PC (its keys type into the screen itself, no XTest)."""

    KIOSK_EXTRA = 'keyboard: { onscreen = "always"; };\n'

    def tap(self, label):
        st = self.kiosk.status()
        keys = [k for k in st["accompany"]["keyboard_keys"] if k["label"] == label]
        self.assertEqual(len(keys), 1, "no key %r: %s" % (label, st["accompany"]))
        k = keys[0]
        xdotool(self.x.display, "mousemove", str(k["x"] + k["w"] // 2),
                str(k["y"] + k["h"] // 2), "click", "1")

    def tap_text(self, text):
        for ch in text:
            if ch == " ":
                self.tap("Espace")
            elif ch != ch.lower():
                self.tap("Maj")
                self.kiosk.wait(lambda s: s["accompany"]["keyboard_shift"], "Maj on")
                self.tap(ch.lower())
            else:
                self.tap(ch)

    def test_name_and_password_tapped_on_the_screen(self):
        name = self.unique("Médiatrice")
        password = "Sésame ouvre-toi 42@"
        self.api("POST", "/api/v1/users",
                 {"name": name, "role": "mediator", "password": password}, self.admin,
                 expect=201)
        self.start_kiosk()
        st = self.kiosk.wait(lambda s: s["state"] == "login", "the welcome screen")
        self.assertEqual(st["accompany"]["keyboard_keys"], [], st)
        self.kiosk.click("accompany", "o")
        st = self.kiosk.wait(lambda s: s["screen"] == "accompany"
                             and s["accompany"]["keyboard"], "the sign-in with its keyboard")
        # The session's keyboard window stays closed: the screen draws its own.
        self.assertFalse(st["keyboard"], st)
        keys = st["accompany"]["keyboard_keys"]
        self.assertGreater(len(keys), 60, keys)
        self.assertTrue(all(k["y"] >= b["y"] + b["h"] for k in keys for b in st["buttons"]),
                        "a key over the screen's buttons: %s" % st["buttons"])
        # "Clavier" hides it and shows it again.
        self.kiosk.click("accompany", "b")
        st = self.kiosk.wait(lambda s: not s["accompany"]["keyboard"], "the keyboard hidden")
        self.assertEqual(st["accompany"]["keyboard_keys"], [], st)
        self.kiosk.click("accompany", "b")
        self.kiosk.wait(lambda s: s["accompany"]["keyboard"], "the keyboard again")
        # The name, a slip erased, Entrée: on to the password.
        self.tap_text(name + "x")
        self.kiosk.wait(lambda s: s["accompany"]["name_chars"] == len(name.encode()) + 1,
                        "the name tapped")
        self.tap("Effacer")
        self.kiosk.wait(lambda s: s["accompany"]["name_chars"] == len(name.encode()),
                        "the slip erased")
        self.tap("Entrée")
        self.kiosk.wait(lambda s: s["accompany"]["field"] == "password", "the password's turn")
        # A wrong password first: refused, the keyboard still there.
        self.tap_text("faux")
        self.kiosk.wait(lambda s: s["accompany"]["dots"] == 4, "four dots")
        self.tap("Entrée")
        st = self.kiosk.wait(lambda s: s["accompany"]["message"] == "bad_login",
                             "the refusal", timeout=30)
        self.assertTrue(st["accompany"]["keyboard"], st)
        self.assertEqual(st["accompany"]["dots"], 0, st)
        self.tap_text(password)
        self.kiosk.wait(lambda s: s["accompany"]["dots"] == len(password), "the password")
        screenshot(self.x.display, "accompany-03-on-screen-keyboard")
        # Never the password itself in --status, nor in the kiosk's log.
        self.assertNotIn("ouvre-toi", json.dumps(self.kiosk.status()))
        self.tap("Entrée")
        st = self.kiosk.wait_state("session", timeout=30)
        self.assertEqual(st["accompanied_by"], name, st)
        self.assertFalse(st["accompany"]["shown"], st)
        self.assertFalse(st["accompany"]["keyboard"], st)
        self.assertEqual(st["accompany"]["keyboard_keys"], [], st)
        with open(self.kiosk.log, "rb") as f:
            self.assertNotIn("ouvre-toi".encode(), f.read())


class OnScreenAuto(KioskTestCase):
    """keyboard.onscreen = "auto" (the default) on a PC without a keyboard: the sign-in
    screen's keyboard shows by itself, and goes with the screen."""

    def test_shown_without_a_keyboard(self):
        inputs = os.path.join(self.workdir, "input-none")
        os.makedirs(os.path.join(inputs, "by-path"), exist_ok=True)
        open(os.path.join(inputs, "by-path", "platform-i8042-serio-1-event-mouse"),
             "w").close()
        self.kiosk = self.make_kiosk(env={"ESCALE_KIOSK_INPUT_DIR": inputs})
        self.start_kiosk()
        self.kiosk.click("accompany", "o")
        st = self.kiosk.wait(lambda s: s["screen"] == "accompany"
                             and s["accompany"]["keyboard"], "the keyboard by itself")
        self.assertGreater(len(st["accompany"]["keyboard_keys"]), 60, st)
        self.kiosk.click("accompany", "x")
        st = self.kiosk.wait(lambda s: s["screen"] == "login", "the welcome screen again")
        self.assertFalse(st["accompany"]["keyboard"], st)
        self.assertEqual(st["accompany"]["keyboard_keys"], [], st)
        self.assertFalse(any(b["action"] == "accompany" and b["key"] == "b"
                             for b in st["buttons"]), st["buttons"])


if __name__ == "__main__":
    unittest.main()
