#!/usr/bin/env python3
"""Help for residents who read little (issue 19): the kiosk under Xvfb with admind.

Speak: the bar's "Écouter" reads the screen with speech.command, here a script that
captures what would be said (voice and text), in French then in English."""
import os
import sys
import time
import unittest

from kiosk_e2e import KioskTestCase, screenshot

SAY = """#!/bin/sh
# What espeak-ng would read: the voice, then the text, one line each time.
printf '%s|%s\\n' "$1" "$2" >> "$0.said"
"""


class Help(KioskTestCase):
    """A resident calls the desk from the bar; the desk answers through admind's API."""

    def desk_row(self):
        for k in self.api("GET", "/api/v1/kiosks", token=self.admin)["kiosks"]:
            if k["id"] == self.kiosk_id:
                return k
        self.fail("kiosk not listed")

    def wait_desk(self, help, timeout=10):
        deadline = time.monotonic() + timeout
        row = None
        while time.monotonic() < deadline:
            row = self.desk_row()
            if row["help"] == help:
                return row
            time.sleep(0.1)
        raise AssertionError("the desk never saw help=%s: %r" % (help, row))

    def answer(self, typ, expect=201):
        return self.api("POST", "/api/v1/kiosks/%d/commands" % self.kiosk_id, {"type": typ},
                        self.admin, expect=expect)

    def test_call_answer_cancel_clear(self):
        self.start_kiosk()
        self.sign_in()
        st = self.kiosk.status()
        self.assertEqual(st["help"], "none")
        before = self.kiosk.button("help")
        self.kiosk.click("help")
        self.kiosk.wait(lambda s: s["help"] == "asked", "the call")
        row = self.wait_desk("asked")
        self.assertIsNotNone(row["help_since"])
        screenshot(self.x.display, "31-help-asked")
        # The button now cancels: it reads otherwise, so it is wider or narrower.
        after = self.kiosk.button("help")
        self.assertNotEqual(before["w"], after["w"])
        self.answer("help_coming")
        self.kiosk.wait(lambda s: s["help"] == "coming", "someone coming")
        screenshot(self.x.display, "32-help-coming")
        self.assertEqual(self.desk_row()["help"], "coming")
        # The resident cancels: the desk sees it end.
        self.kiosk.click("help")
        self.kiosk.wait(lambda s: s["help"] == "none", "cancelled")
        self.wait_desk("none")
        self.answer("help_coming", expect=409)
        # A new call, which the desk closes.
        self.kiosk.click("help")
        self.wait_desk("asked")
        self.answer("help_clear")
        self.kiosk.wait(lambda s: s["help"] == "none", "cleared by the desk")
        time.sleep(2.5)  # heartbeats go on: the call stays closed
        self.assertEqual(self.desk_row()["help"], "none")
        # A call open when the session ends ends with it.
        self.kiosk.click("help")
        self.wait_desk("asked")
        self.kiosk.click("end")
        self.kiosk.wait(lambda s: s["screen"] == "confirm_end", "the confirmation")
        self.kiosk.click("yes")
        st = self.kiosk.wait_state("login")
        self.assertEqual(st["help"], "none")
        self.wait_desk("none")


    def test_call_from_the_welcome_screen(self):
        # A resident stuck at signing in calls from the welcome screen.
        self.start_kiosk()
        self.kiosk.click("help")
        self.kiosk.wait(lambda s: s["help"] == "asked", "the call")
        self.wait_desk("asked")
        screenshot(self.x.display, "36-welcome-help-asked")
        self.answer("help_coming")
        self.kiosk.wait(lambda s: s["help"] == "coming", "someone coming")
        # Signed in with the desk's help: the call goes on, and ends with the session.
        self.sign_in()
        self.assertEqual(self.kiosk.status()["help"], "coming")
        self.kiosk.click("end")
        self.kiosk.wait(lambda s: s["screen"] == "confirm_end", "the confirmation")
        self.kiosk.click("yes")
        self.kiosk.wait(lambda s: s["state"] == "login" and s["help"] == "none", "ended")
        self.wait_desk("none")


class TextSize(KioskTestCase):
    """"A+": a panel of four sizes and high contrast over the session; the bar grows and
    turns to high contrast at once, the browser's page zooms once the panel closes (the
    stand-in browser logs the zoom keys the kiosk sends), and all resets at the end."""

    SIZE = "1024x768"
    PLAIN = {"percent": 100, "contrast": False, "panel": False, "sites_contrast": False}

    def zoom_keys(self):
        return [line for line in self.kiosk.browser_lines()
                if line.startswith("key equal ") or line.startswith("key 0 ")]

    def wait_keys(self, n):
        deadline = time.monotonic() + 10
        while len(self.zoom_keys()) < n and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.zoom_keys()

    def shot(self, name):
        with open(screenshot(self.x.display, name), "rb") as f:
            return f.read()

    def bar_bottom(self):
        return max(b["y"] + b["h"] for b in self.kiosk.status()["buttons"] if b["bar"])

    def wait_window(self, pred, what):
        """The browser's window's top once PRED holds for it (its last placement)."""
        deadline = time.monotonic() + 10
        y = None
        while time.monotonic() < deadline:
            lines = [line for line in self.kiosk.browser_lines()
                     if line.startswith("mapped ") or line.startswith("configure ")]
            y = int(lines[-1].split()[3]) if lines else None
            if y is not None and pred(y):
                return y
            time.sleep(0.05)
        raise AssertionError("the browser's window %s: its top at %s" % (what, y))

    def press(self, key, pred, what):
        self.kiosk.click("textpanel", key)
        return self.kiosk.wait(pred, what)

    def close_panel(self):
        self.kiosk.click("textpanel", "x")
        return self.kiosk.wait(lambda s: s["screen"] == "session" and not s["text"]["panel"],
                               "the panel closed")

    def test_panel_sizes_contrast_and_reset(self):
        self.start_kiosk()
        self.sign_in()
        st = self.kiosk.status()
        self.assertEqual(st["text"], self.PLAIN)
        plain = self.shot("33-text-100")
        low = self.bar_bottom()
        self.wait_window(lambda y: y >= low, "under the bar")
        self.kiosk.click("text")
        st = self.kiosk.wait(lambda s: s["screen"] == "text", "the A+ panel")
        screenshot(self.x.display, "33b-text-panel")
        keys = sorted(b["key"] for b in st["buttons"] if b["action"] == "textpanel")
        self.assertEqual(keys, ["0", "1", "2", "3", "c", "x"])  # no "w": nothing to apply
        self.press("1", lambda s: s["text"]["percent"] == 125, "125 %")
        # The page zooms once the panel closes (it holds the keyboard while it shows).
        self.assertEqual(self.zoom_keys(), [])
        self.close_panel()
        keys = self.wait_keys(2)
        self.assertEqual(keys, ["key equal ctrl"] * 2, keys)  # 100 -> 110 -> 125
        self.kiosk.click("text")
        self.kiosk.wait(lambda s: s["screen"] == "text", "the panel again")
        self.press("3", lambda s: s["text"]["percent"] == 200, "200 %")
        big = self.shot("34-text-200")
        self.assertNotEqual(plain, big)
        st = self.press("c", lambda s: s["text"]["contrast"], "high contrast")
        # Offered for the sites: the browser's relaunch, on the resident's press only.
        self.assertIn("w", [b["key"] for b in st["buttons"] if b["action"] == "textpanel"])
        self.assertFalse(st["text"]["sites_contrast"])
        contrast = self.shot("35-text-contrast")
        self.assertNotEqual(big, contrast)
        self.close_panel()
        self.assertEqual(len(self.wait_keys(5)), 5)  # 125 -> 150 -> 175 -> 200
        # The bar's rows grow with the text (never under its floor), and the browser's
        # window moves down under them.
        high = self.bar_bottom()
        self.assertGreater(high, low)
        self.wait_window(lambda y: y >= high, "under the taller bar")
        self.kiosk.click("text")
        self.kiosk.wait(lambda s: s["screen"] == "text", "the panel again")
        self.press("0", lambda s: s["text"]["percent"] == 100, "back to 100 %")
        self.press("c", lambda s: not s["text"]["contrast"], "contrast off")
        self.close_panel()
        keys = self.wait_keys(6)
        self.assertEqual(keys[-1], "key 0 ctrl", keys)
        self.wait_window(lambda y: y < high, "back up under the bar at 100 %")
        # Larger and in contrast again, then the session ends: the next resident starts
        # plain.
        self.kiosk.click("text")
        self.kiosk.wait(lambda s: s["screen"] == "text", "the panel again")
        self.press("1", lambda s: s["text"]["percent"] == 125, "125 % again")
        self.press("c", lambda s: s["text"]["contrast"], "contrast again")
        self.close_panel()
        self.kiosk.click("end")
        self.kiosk.wait(lambda s: s["screen"] == "confirm_end", "the confirmation")
        self.kiosk.click("yes")
        st = self.kiosk.wait_state("login")
        self.assertEqual(st["text"], self.PLAIN)


def speaking_kiosk(test):
    """TEST's kiosk again, its speech.command the script SAY in TEST.say."""
    test.say = os.path.join(test.workdir, "say")
    with open(test.say, "w") as f:
        f.write(SAY)
    os.chmod(test.say, 0o755)
    extra = 'speech: { command = [ "%s", "%%l", "%%t" ]; };\n' % test.say
    test.kiosk = test.make_kiosk(extra=extra)


class Speak(KioskTestCase):

    def setUp(self):
        super().setUp()
        speaking_kiosk(self)

    def said(self):
        try:
            with open(self.say + ".said", encoding="utf-8") as f:
                return [tuple(line.rstrip("\n").split("|", 1)) for line in f]
        except FileNotFoundError:
            return []

    def wait_said(self, pred, what, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            lines = self.said()
            if any(pred(v, t) for v, t in lines):
                return lines
            time.sleep(0.05)
        raise AssertionError("nothing said for %s: %r\n%s" % (what, self.said(),
                                                             self.kiosk.output()))

    def test_reads_the_session_then_warnings_until_the_end(self):
        self.start_kiosk()
        _, st = self.sign_in(minutes=30)
        # Silent until asked.
        self.assertFalse(st["speak"]["on"], st)
        time.sleep(0.3)
        self.assertEqual(self.said(), [])
        self.kiosk.click("speak")
        st = self.kiosk.wait(lambda s: s["speak"]["on"], "reading on")
        lines = self.wait_said(lambda v, t: v == "fr" and "Il vous reste" in t and
                               "Terminer" in t, "the session in French")
        self.assertEqual(len(lines), 1, lines)
        screenshot(self.x.display, "30-speak-on")
        # The desk's message appears: read at once, in French.
        self.api("POST", "/api/v1/kiosks/%d/commands" % self.kiosk_id,
                 {"type": "message", "text": "-w /tmp/x Venez à l'accueil"}, self.admin,
                 expect=201)
        lines = self.wait_said(lambda v, t: "Venez à l'accueil" in t, "the message")
        msg = [t for v, t in lines if "Venez" in t][0]
        self.assertFalse(msg.startswith("-"), msg)
        # Pressed again: silent, nothing more read.
        self.kiosk.click("speak")
        self.kiosk.wait(lambda s: not s["speak"]["on"], "reading off")
        # On again, then the session ends: the next resident starts in silence.
        self.kiosk.click("speak")
        self.kiosk.wait(lambda s: s["speak"]["on"], "reading on again")
        self.kiosk.click("end")
        self.kiosk.wait(lambda s: s["screen"] == "confirm_end", "the confirmation")
        self.wait_said(lambda v, t: "Voulez-vous terminer" in t, "the confirmation")
        self.kiosk.click("yes")
        st = self.kiosk.wait(lambda s: s["state"] == "login" and not s["speak"]["on"],
                             "the welcome, silent")
        n = len(self.said())
        self.sign_in()
        time.sleep(0.5)
        self.assertFalse(self.kiosk.status()["speak"]["on"])
        self.assertEqual(len(self.said()), n)

    def test_the_last_minute_notice_is_read_when_it_shows(self):
        self.kiosk.stop()
        extra = ('speech: { command = [ "%s", "%%l", "%%t" ]; };\n'
                 'session: { warn_minutes = [1]; };\n' % self.say)
        self.kiosk = self.make_kiosk(extra=extra)
        self.start_kiosk()
        self.sign_in(minutes=2)
        self.kiosk.click("speak")
        self.wait_said(lambda v, t: "Il vous reste 2 minutes" in t, "the session")
        # A minute before the end the notice covers the screen: read without a press.
        self.kiosk.wait(lambda s: s["screen"] == "notice", "the notice", timeout=75)
        self.wait_said(lambda v, t: t.startswith("Plus que 1 minute.") and
                       "J'ai compris" in t, "the notice")

    def test_welcome_screen_read_once(self):
        self.start_kiosk()
        self.kiosk.click("speak")
        self.wait_said(lambda v, t: v == "fr" and "Tapez le code de votre ticket" in t,
                       "the welcome screen")
        # Read once: the sound is not left on for whoever comes next.
        st = self.kiosk.status()
        self.assertFalse(st["speak"]["on"], st)
        self.kiosk.type("1")
        time.sleep(0.5)
        self.assertEqual(len(self.said()), 1, self.said())

    def test_reads_in_english_after_the_switch(self):
        self.start_kiosk()
        self.kiosk.click("lang:en")
        self.kiosk.wait(lambda s: s["language"] == "en", "English")
        self.sign_in()
        self.kiosk.click("speak")
        self.wait_said(lambda v, t: v == "en" and "You have" in t and "Finish" in t,
                       "the session in English")
        self.assertFalse(any(v == "fr" for v, _ in self.said()), self.said())


if __name__ == "__main__":
    unittest.main(argv=sys.argv)
