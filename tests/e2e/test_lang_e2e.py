#!/usr/bin/env python3
"""The kiosk's nine languages (issue 19), under Xvfb with admind: the welcome screen's row
of languages, Arabic laid out right to left on the welcome screen and in the bar, read aloud
with the session's voice, and French again for the next resident. Screenshots of the welcome
screen and the bar in every language land in the e2e shots directory."""
import sys
import time
import unittest

from kiosk_e2e import KioskTestCase, screenshot
import test_help_e2e as help_e2e

LANGS = ["fr", "en", "ar", "es", "pt", "tr", "ro", "uk", "ru"]


class Languages(KioskTestCase):

    def setUp(self):
        super().setUp()
        help_e2e.speaking_kiosk(self)

    # What the speech command was given: as test_help_e2e's Speak reads it.
    said = help_e2e.Speak.said
    wait_said = help_e2e.Speak.wait_said

    def buttons(self, bar):
        return {b["action"]: b for b in self.kiosk.status()["buttons"] if b["bar"] == bar}

    def test_arabic_mirrored_spoken_then_french_again(self):
        self.start_kiosk()
        before = self.buttons(False)
        self.assertEqual([a for a in before if a.startswith("lang:")],
                         ["lang:" + c for c in LANGS])
        self.kiosk.click("lang:ar")
        st = self.kiosk.wait(lambda s: s["language"] == "ar", "Arabic")
        self.assertEqual(st["state"], "login")
        screenshot(self.x.display, "lang-ar-welcome")
        after = self.buttons(False)
        # Mirrored: each language's button where the screen's mirror puts it (x + x' + w
        # is the screen's width, the same for all); French now the rightmost.
        widths = {before[a]["x"] + after[a]["x"] + after[a]["w"] for a in before
                  if a.startswith("lang:")}
        self.assertLessEqual(max(widths) - min(widths), 2, widths)  # --status rounds down
        self.assertGreater(after["lang:fr"]["x"], after["lang:ru"]["x"])
        self.assertEqual(after["lang:fr"]["y"], before["lang:fr"]["y"])

        self.sign_in()
        st = self.kiosk.status()
        self.assertEqual(st["language"], "ar")
        bar = self.buttons(True)
        # "Terminer" on the left, "Mes démarches" on the right.
        self.assertLess(bar["end"]["x"], bar["back"]["x"])
        self.assertLess(bar["back"]["x"], bar["home"]["x"])
        screenshot(self.x.display, "lang-ar-bar")
        self.kiosk.click("speak")
        self.wait_said(lambda v, t: v == "ar" and t, "the session, with the Arabic voice")
        self.assertFalse(any(v != "ar" for v, _ in self.said()), self.said())

        # The session ends: the next resident starts in French, laid out left to right.
        self.kiosk.click("end")
        self.kiosk.wait(lambda s: s["screen"] == "confirm_end", "the confirmation")
        self.kiosk.click("yes")
        self.kiosk.wait(lambda s: s["state"] == "login" and s["language"] == "fr",
                        "the welcome screen in French")
        again = self.buttons(False)
        self.assertEqual(again["lang:fr"]["x"], before["lang:fr"]["x"])

    def test_every_language_on_the_welcome_screen_and_in_the_bar(self):
        self.start_kiosk()
        for code in LANGS:
            self.kiosk.click("lang:" + code)
            self.kiosk.wait(lambda s, c=code: s["language"] == c, code)
            time.sleep(0.3)  # the redraw after the status
            screenshot(self.x.display, "lang-%s-welcome" % code)
        # Chosen on the welcome screen, kept for the session.
        self.kiosk.click("lang:uk")
        self.kiosk.wait(lambda s: s["language"] == "uk", "Ukrainian")
        self.sign_in()
        self.assertEqual(self.kiosk.status()["language"], "uk")
        time.sleep(0.3)
        screenshot(self.x.display, "lang-uk-bar")


if __name__ == "__main__":
    unittest.main(argv=sys.argv)
