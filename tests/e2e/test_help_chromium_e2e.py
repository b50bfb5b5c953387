#!/usr/bin/env python3
""""A+" with the real Chromium (Debian's, in its sandbox with the kiosk's policy): each
press zooms the page as the kiosk's own text grows, read from the page itself (its
devicePixelRatio, which Chromium's zoom sets, shown in its title), and Ctrl+0 brings it
back."""
import sys
import unittest

import test_chromium_e2e
from test_chromium_e2e import ChromiumTestCase, screenshot

# The page's zoom in its title, again on every resize (a zoom is one).
test_chromium_e2e.Services.PAGES["/zoom"] = (
    "<title>zoom:</title><p style='font-size:30px'>Attestation de paiement</p><script>"
    "function z(){document.title='zoom:'+Math.round(window.devicePixelRatio*100);}"
    "z();addEventListener('resize',z);</script>")


class ChromiumZoom(ChromiumTestCase):

    def test_text_tool_zooms_the_page(self):
        self.start_session()
        self.open_url("https://www.caf.fr/zoom")
        self.wait_title(lambda t: t.startswith("zoom:100"), "the page at 100 %")
        for pct in (125, 150, 200):
            self.kiosk.click("text")
            self.kiosk.wait(lambda s: s["text"]["percent"] == pct, "%d %%" % pct)
            self.wait_title(lambda t, p=pct: t.startswith("zoom:%d" % p), "the page at %d %%"
                            % pct)
        screenshot(self.x.display, "chromium-help-zoom-200")
        self.kiosk.click("text")  # high contrast: the zoom stays
        self.kiosk.wait(lambda s: s["text"]["contrast"], "high contrast")
        self.settle(1)
        self.assertTrue(any(t.startswith("zoom:200") for t in self.titles()), self.titles())
        self.kiosk.click("text")
        self.kiosk.wait(lambda s: s["text"]["percent"] == 100, "back to 100 %")
        self.wait_title(lambda t: t.startswith("zoom:100"), "the page back at 100 %")


if __name__ == "__main__":
    unittest.main(argv=sys.argv)
