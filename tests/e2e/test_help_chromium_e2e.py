#!/usr/bin/env python3
""""A+" with the real Chromium (Debian's, in its sandbox with the kiosk's policy): each
size of the panel zooms the page as the kiosk's own text grows, read from the page itself
(its devicePixelRatio, which Chromium's zoom sets, shown in its title), and Ctrl+0 brings it
back; high contrast reaches the sites once the resident agrees to the browser's relaunch
(the page's matchMedia and computed colour in its title)."""
import sys
import unittest

import test_chromium_e2e
from test_chromium_e2e import ChromiumTestCase, screenshot

# The page's zoom in its title, again on every resize (a zoom is one).
test_chromium_e2e.Services.PAGES["/zoom"] = (
    "<title>zoom:</title><p style='font-size:30px'>Attestation de paiement</p><script>"
    "function z(){document.title='zoom:'+Math.round(window.devicePixelRatio*100);}"
    "z();addEventListener('resize',z);</script>")


# What the page is told of the resident's contrast, in its title.
test_chromium_e2e.Services.PAGES["/contrast"] = (
    "<title>contrast:</title><p style='color:#888;background:#fff'>Attestation</p><script>"
    "document.title='contrast:'+(matchMedia('(prefers-contrast: more)').matches?'more':'none')"
    "+(matchMedia('(forced-colors: active)').matches?' forced':'')"
    "+' '+getComputedStyle(document.querySelector('p')).color;</script>")


class ChromiumZoom(ChromiumTestCase):

    def open_panel(self):
        self.kiosk.click("text")
        return self.kiosk.wait(lambda s: s["screen"] == "text" and s["text"]["panel"],
                               "the A+ panel")

    def choose(self, key, pred, what):
        """The panel, one of its buttons, Fermer: the page zooms once the panel closes (it
        holds the keyboard while it shows)."""
        self.open_panel()
        self.kiosk.click("textpanel", key)
        self.kiosk.wait(pred, what)
        self.kiosk.click("textpanel", "x")
        self.kiosk.wait(lambda s: s["screen"] == "session", "the panel closed")

    def test_text_tool_zooms_the_page(self):
        self.start_session()
        self.open_url("https://www.caf.fr/zoom")
        self.wait_title(lambda t: t.startswith("zoom:100"), "the page at 100 %")
        for key, pct in (("1", 125), ("2", 150), ("3", 200)):
            self.choose(key, lambda s, p=pct: s["text"]["percent"] == p, "%d %%" % pct)
            self.wait_title(lambda t, p=pct: t.startswith("zoom:%d" % p), "the page at %d %%"
                            % pct)
        screenshot(self.x.display, "chromium-help-zoom-200")
        # High contrast on the kiosk: the zoom stays.
        self.choose("c", lambda s: s["text"]["contrast"], "high contrast")
        self.settle(1)
        self.assertTrue(any(t.startswith("zoom:200") for t in self.titles()), self.titles())
        # A at once from A+++: Ctrl+0.
        self.choose("0", lambda s: s["text"]["percent"] == 100, "back to 100 %")
        self.wait_title(lambda t: t.startswith("zoom:100"), "the page back at 100 %")

    def test_contrast_reaches_the_sites_after_the_residents_yes(self):
        """Chromium 156 on Linux takes high contrast from --force-high-contrast at its start
        only (forced colours, prefers-contrast: more): the panel asks, then relaunches it."""
        self.start_session()
        self.open_url("https://www.caf.fr/contrast")
        self.wait_title(lambda t: t.startswith("contrast:none rgb(136, 136, 136)"),
                        "the page as its site made it")
        self.open_panel()
        self.assertNotIn("w", [b["key"] for b in self.kiosk.status()["buttons"]
                               if b["action"] == "textpanel"])
        self.kiosk.click("textpanel", "c")
        st = self.kiosk.wait(lambda s: s["text"]["contrast"], "high contrast on the kiosk")
        self.assertFalse(st["text"]["sites_contrast"])
        # The sites only once the resident agrees: the page stays as it was until then.
        self.assertTrue(any(t.startswith("contrast:none") for t in self.titles()))
        pid = st["browser_pid"]
        screenshot(self.x.display, "chromium-help-contrast-ask")
        self.kiosk.click("textpanel", "w")
        st = self.kiosk.wait(lambda s: s["text"]["sites_contrast"] and s["browser_pid"] != pid
                             and s["browser_pid"] > 0, "the browser relaunched")
        self.wait_title(lambda t: t.startswith("Vos démarches en ligne"), "the home page")
        self.kiosk.click("textpanel", "x")
        self.kiosk.wait(lambda s: s["screen"] == "session", "the panel closed")
        self.open_url("https://www.caf.fr/contrast")
        self.wait_title(lambda t: t.startswith("contrast:more forced rgb(0, 0, 0)"),
                        "the page in high contrast")
        screenshot(self.x.display, "chromium-help-contrast-sites")
        # Off again: asked again, the sites as before.
        self.open_panel()
        self.kiosk.click("textpanel", "c")
        self.kiosk.wait(lambda s: not s["text"]["contrast"], "contrast off on the kiosk")
        self.kiosk.click("textpanel", "w")
        self.kiosk.wait(lambda s: not s["text"]["sites_contrast"] and s["browser_pid"] > 0,
                        "the browser relaunched plain")
        self.wait_title(lambda t: t.startswith("Vos démarches en ligne"), "the home page")
        self.open_url("https://www.caf.fr/contrast")
        self.wait_title(lambda t: t.startswith("contrast:none rgb(136, 136, 136)"),
                        "the page plain again")
        # On at the session's end: the next resident starts plain.
        self.kiosk.click("textpanel", "c")
        self.kiosk.click("textpanel", "x")
        self.kiosk.wait(lambda s: s["text"]["contrast"] and not s["text"]["panel"],
                        "contrast on, the panel closed")
        self.kiosk.click("end")
        self.kiosk.wait(lambda s: s["screen"] == "confirm_end", "the confirmation")
        self.kiosk.click("yes")
        st = self.kiosk.wait(lambda s: s["state"] in ("login", "closed"), "the welcome")
        self.assertEqual(st["text"], {"percent": 100, "contrast": False, "panel": False,
                                      "sites_contrast": False})


if __name__ == "__main__":
    unittest.main(argv=sys.argv)
